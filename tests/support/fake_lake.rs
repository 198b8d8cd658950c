//! A fake CloudTrail Lake for the org-scale tests: an HTTP server speaking CloudTrail's awsJson1_1 protocol
//! (`X-Amz-Target: CloudTrail_20131101.<Op>`) to the real SDK — `StartQuery`, `DescribeQuery`, `GetQueryResults`,
//! `CancelQuery` — that **executes the SQL it receives** on DuckDB over a table with Lake's documented schema built
//! from CloudTrail records (`duckdb_athena.py` in `lake:STORE` mode; process and server shared with the fake
//! Athena, `duckdb_engine.rs`). The one liberty taken with the SQL: the store id after `FROM`, which Lake takes
//! bare (`FROM EXAMPLE-f852…`) and DuckDB would read as a subtraction, is quoted; a query naming another store
//! fails as on Lake. Results come back as Lake's rows of one-key maps (a null value's cell left out), a page at
//! a time; queries go RUNNING then FINISHED (or FAILED with the engine's message as `ErrorMessage`); starts can be
//! throttled; every request is logged.
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::duckdb_engine::{SharedEngine, sample_engine, serve};

/// A scripted misbehaviour of `StartQuery`.
#[derive(Clone, Debug)]
pub enum Fault {
    /// `ThrottlingException`.
    Throttle,
    /// `MaxConcurrentQueriesException`.
    TooManyQueries,
    /// The query starts but FAILS with this message.
    Fail(String),
}

/// One executed query as the engine saw it.
#[derive(Clone, Debug)]
pub struct Executed {
    pub id: String,
    pub sql: String,
    pub rows: usize,
    pub scanned: u64,
    pub error: Option<String>,
}

struct Stored {
    result: Value,
    polls: u32,
    cancelled: bool,
}

#[derive(Default)]
pub struct State {
    pub faults: VecDeque<Fault>,
    /// Rows per GetQueryResults page at most.
    pub page_rows: usize,
    /// How many DescribeQuery polls a query stays RUNNING for.
    pub running_polls: u32,
    /// Every request: (operation, body).
    pub log: Vec<(String, Value)>,
    pub executed: Vec<Executed>,
    /// How long StartQuery takes to answer (logged first, so a test sees the call in flight).
    pub start_delay: std::time::Duration,
    queries: HashMap<String, Stored>,
}

pub struct FakeLake {
    pub url: String,
    pub state: Arc<Mutex<State>>,
    /// The event data store id.
    pub store: String,
    pub table_bytes: u64,
    pub table_rows: u64,
}

impl FakeLake {
    /// Serve event data store `store` holding the sample case (its engine shared with every other fake of the
    /// same store in this test binary).
    pub async fn start(store: &str) -> FakeLake {
        let engine = sample_engine(&format!("lake:{store}"));
        let (table_bytes, table_rows) = {
            let e = engine.lock().unwrap();
            (e.table_bytes, e.table_rows)
        };
        let state = Arc::new(Mutex::new(State {
            page_rows: 1000,
            running_polls: 1,
            ..State::default()
        }));
        let (st, id) = (state.clone(), store.to_string());
        let url = serve(Arc::new(move |target: &str, body: Value| {
            handle(&st, &engine, &id, target, body)
        }))
        .await;
        FakeLake {
            url,
            state,
            store: store.to_string(),
            table_bytes,
            table_rows,
        }
    }

    pub fn fault(&self, f: Fault) {
        self.state.lock().unwrap().faults.push_back(f);
    }

    pub fn ops(&self) -> Vec<String> {
        self.state.lock().unwrap().log.iter().map(|(o, _)| o.clone()).collect()
    }

    pub fn executed(&self) -> Vec<Executed> {
        self.state.lock().unwrap().executed.clone()
    }
}

fn error(code: &str, message: &str) -> (u16, Value) {
    (400, json!({"__type": code, "Message": message}))
}

fn handle(state: &Mutex<State>, engine: &SharedEngine, store: &str, target: &str, body: Value) -> (u16, Value) {
    let op = target
        .strip_prefix("CloudTrail_20131101.")
        .unwrap_or("Unknown")
        .to_string();
    let delay = {
        let mut st = state.lock().unwrap();
        st.log.push((op.clone(), body.clone()));
        if op == "StartQuery" {
            st.start_delay
        } else {
            std::time::Duration::ZERO
        }
    };
    if !delay.is_zero() {
        std::thread::sleep(delay);
    }
    let mut st = state.lock().unwrap();
    let id = body["QueryId"].as_str().unwrap_or("").to_string();
    match op.as_str() {
        "StartQuery" => {
            match st.faults.pop_front() {
                Some(Fault::Throttle) => return error("ThrottlingException", "Rate exceeded"),
                Some(Fault::TooManyQueries) => {
                    return error(
                        "MaxConcurrentQueriesException",
                        "You are already running the maximum number of concurrent queries.",
                    );
                }
                Some(Fault::Fail(reason)) => return start(&mut st, "", json!({"error": reason})),
                None => {}
            }
            let sql = body["QueryStatement"].as_str().unwrap_or("").to_string();
            let bare = format!(" FROM {store} ");
            let result = if sql.matches(&bare).count() == 1 {
                let quoted = sql.replacen(&bare, &format!(" FROM \"{store}\" "), 1);
                engine.lock().unwrap().ask(&json!({"sql": quoted}))
            } else {
                json!({"error": "the query names no event data store of this account"})
            };
            start(&mut st, &sql, result)
        }
        "DescribeQuery" => {
            let running_polls = st.running_polls;
            let Some(q) = st.queries.get_mut(&id) else {
                return error("QueryIdNotFoundException", "no such query");
            };
            q.polls += 1;
            let status = if q.cancelled {
                "CANCELLED"
            } else if q.polls <= running_polls {
                "RUNNING"
            } else if q.result["error"].is_string() {
                "FAILED"
            } else {
                "FINISHED"
            };
            let mut out = json!({"QueryId": id, "QueryStatus": status, "QueryStatistics": {
                "EventsMatched": q.result["rows"].as_array().map_or(0, Vec::len),
                "BytesScanned": q.result["scanned"].as_u64().unwrap_or(0)}});
            if status == "FAILED" {
                out["ErrorMessage"] = q.result["error"].clone();
            }
            (200, out)
        }
        "CancelQuery" => match st.queries.get_mut(&id) {
            Some(q) => {
                q.cancelled = true;
                (200, json!({"QueryId": id, "QueryStatus": "CANCELLED"}))
            }
            None => error("QueryIdNotFoundException", "no such query"),
        },
        "GetQueryResults" => {
            let page: usize = body["NextToken"]
                .as_str()
                .and_then(|t| t.strip_prefix("page-"))
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            let size = (body["MaxQueryResults"].as_u64().unwrap_or(1000) as usize)
                .min(st.page_rows)
                .max(1);
            let Some(q) = st.queries.get(&id) else {
                return error("QueryIdNotFoundException", "no such query");
            };
            let columns: Vec<String> = q.result["columns"]
                .as_array()
                .map(|a| a.iter().map(|c| c.as_str().unwrap_or("").to_string()).collect())
                .unwrap_or_default();
            let all = q.result["rows"].as_array().cloned().unwrap_or_default();
            let rows: Vec<Value> = all
                .iter()
                .skip(page * size)
                .take(size)
                .map(|r| {
                    let cells: Vec<Value> = columns
                        .iter()
                        .zip(r.as_array().into_iter().flatten())
                        .filter_map(|(c, v)| v.as_str().map(|s| json!({ c: s })))
                        .collect();
                    Value::Array(cells)
                })
                .collect();
            let mut out = json!({"QueryStatus": "FINISHED", "QueryResultRows": rows, "QueryStatistics": {
                "ResultsCount": rows.len(), "TotalResultsCount": all.len(),
                "BytesScanned": q.result["scanned"].as_u64().unwrap_or(0)}});
            if (page + 1) * size < all.len() {
                out["NextToken"] = json!(format!("page-{}", page + 1));
            }
            (200, out)
        }
        _ => error("UnknownOperationException", &op),
    }
}

fn start(st: &mut State, sql: &str, result: Value) -> (u16, Value) {
    let id = format!("lq-{:04}", st.queries.len() + 1);
    st.executed.push(Executed {
        id: id.clone(),
        sql: sql.to_string(),
        rows: result["rows"].as_array().map_or(0, Vec::len),
        scanned: result["scanned"].as_u64().unwrap_or(0),
        error: result["error"].as_str().map(String::from),
    });
    st.queries.insert(
        id.clone(),
        Stored {
            result,
            polls: 0,
            cancelled: false,
        },
    );
    (200, json!({"QueryId": id}))
}
