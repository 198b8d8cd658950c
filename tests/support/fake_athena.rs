//! A fake Amazon Athena for the org-scale tests: an HTTP server speaking Athena's awsJson1_1 protocol
//! (`X-Amz-Target: AmazonAthena.<Op>`) to the real SDK, that **executes the SQL it receives** on DuckDB (the
//! Python `duckdb` package, driven through `duckdb_athena.py` beside this file; the process and the server are
//! `duckdb_engine.rs`, shared with the fake CloudTrail Lake) over a table built from CloudTrail
//! records with the documented table's columns and the partition columns of one layout. Values come back as
//! Athena renders them, a page at a time with the column names as the first row of the first page, and — as
//! Athena does — as a CSV in the result bucket at the `OutputLocation` `GetQueryExecution` reports
//! (`s3://athena-results/<prefix>/<query id>.csv`: a header of the column names, every value in double quotes
//! with inner quotes doubled, NULL an empty unquoted field), served by the fake S3 (`fake_s3.rs`) on the same
//! port for requests without `X-Amz-Target`. Queries go RUNNING then SUCCEEDED (or FAILED with the engine's
//! message as `StateChangeReason`); start requests can be throttled, answered late (`start_delay`), or given
//! scripted rows; every request is logged, and how many queries were running at once (`peak_running`).
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use crate::duckdb_engine::{Fallback, SharedEngine, sample_engine, serve_with};
use crate::fake_s3::S3State;

/// The fake's result bucket (the workgroup's output location is its root).
pub const RESULT_BUCKET: &str = "athena-results";

/// Partition layouts the engine can build.
#[derive(Clone, Copy, Debug)]
pub enum Layout {
    Org,
    Classic,
    Projection,
}

impl Layout {
    fn name(self) -> &'static str {
        match self {
            Layout::Org => "org",
            Layout::Classic => "classic",
            Layout::Projection => "projection",
        }
    }
    fn keys(self) -> &'static [&'static str] {
        match self {
            Layout::Org => &["account", "region", "timestamp"],
            Layout::Classic => &["region", "year", "month", "day"],
            Layout::Projection => &["timestamp"],
        }
    }
}

/// A scripted misbehaviour of `StartQueryExecution`.
#[derive(Clone, Debug)]
pub enum Fault {
    /// `TooManyRequestsException`.
    Throttle,
    /// The query starts but FAILS with this reason.
    Fail(String),
    /// The query's rows are these instead of the engine's: each is the engine's first row with the named columns
    /// set (`None`: NULL).
    Rows(Vec<Vec<(String, Option<String>)>>),
    /// The query succeeds, but its CSV's header names the second and third columns the other way round.
    SwapCsvHeader,
}

/// One executed query as the engine saw it.
#[derive(Clone, Debug)]
pub struct Executed {
    pub id: String,
    pub sql: String,
    pub params: Vec<String>,
    pub rows: usize,
    pub scanned: u64,
    pub partition_predicates: u64,
    pub error: Option<String>,
}

struct Stored {
    result: Value,
    /// `s3://…/<id>.csv`.
    output: String,
    polls: u32,
    stopped: bool,
    ended: bool,
}

#[derive(Default)]
pub struct State {
    pub faults: VecDeque<Fault>,
    /// Rows per GetQueryResults page at most (the SDK asks for up to 1,000).
    pub page_rows: usize,
    /// How many GetQueryExecution polls a query stays RUNNING for.
    pub running_polls: u32,
    /// Every request: (operation, body).
    pub log: Vec<(String, Value)>,
    /// A query stays RUNNING until this many queries have been started (or for `hold_polls` polls, so a client
    /// that runs one query at a time still finishes, only without overlap): makes overlap certain, not timed.
    pub hold_until_started: usize,
    pub hold_polls: u32,
    /// Queries started and not yet seen ended (SUCCEEDED, FAILED or stopped), and the most there ever were.
    pub running_now: usize,
    pub peak_running: usize,
    pub executed: Vec<Executed>,
    /// How long StartQueryExecution takes to answer (logged first, so a test sees the call in flight).
    pub start_delay: Duration,
    queries: HashMap<String, Stored>,
    tokens: HashMap<String, String>,
}

pub struct FakeAthena {
    pub url: String,
    pub state: Arc<Mutex<State>>,
    /// The result bucket ([`RESULT_BUCKET`]) and its request log.
    pub s3: Arc<Mutex<S3State>>,
    /// Bytes and rows of the whole table.
    pub table_bytes: u64,
    pub table_rows: u64,
}

impl FakeAthena {
    /// Serve a table built from the sample case in `layout` (its engine shared with every other fake of the same
    /// layout in this test binary).
    pub async fn start(layout: Layout) -> FakeAthena {
        let engine = sample_engine(layout.name());
        let (table_bytes, table_rows) = {
            let e = engine.lock().unwrap();
            (e.table_bytes, e.table_rows)
        };
        let state = Arc::new(Mutex::new(State {
            page_rows: 1000,
            running_polls: 1,
            ..State::default()
        }));
        let st = state.clone();
        let s3 = S3State::new(RESULT_BUCKET, 1000);
        let (bucket, results) = (s3.clone(), s3.clone());
        let fallback: Arc<Fallback> = Arc::new(move |req| {
            let bucket = bucket.clone();
            Box::pin(async move {
                match crate::fake_s3::handle(bucket, req).await {
                    Ok(r) => r,
                    Err(never) => match never {},
                }
            })
        });
        let url = serve_with(
            Arc::new(move |target: &str, body: Value| handle(&st, &results, &engine, layout, target, body)),
            Some(fallback),
        )
        .await;
        FakeAthena {
            url,
            state,
            s3,
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

fn answer(status: u16, body: Value) -> (u16, Value) {
    (status, body)
}

/// The table's columns as Glue reports them (Hive type strings), matching what the engine built.
fn table_metadata(layout: Layout) -> Value {
    let s = "string";
    let mut cols = vec![json!({"Name": "eventversion", "Type": s})];
    cols.push(json!({"Name": "useridentity", "Type": "struct<type:string,principalid:string,arn:string,accountid:string,invokedby:string,accesskeyid:string,username:string,onbehalfof:struct<userid:string,identitystorearn:string>,sessioncontext:struct<attributes:struct<mfaauthenticated:string,creationdate:string>,sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,username:string>,sourceidentity:string,ec2roledelivery:string,webidfederationdata:struct<federatedprovider:string,attributes:map<string,string>>>>"}));
    for c in [
        "eventtime",
        "eventsource",
        "eventname",
        "awsregion",
        "sourceipaddress",
        "useragent",
        "errorcode",
        "errormessage",
        "requestparameters",
        "responseelements",
        "additionaleventdata",
        "requestid",
        "eventid",
    ] {
        cols.push(json!({"Name": c, "Type": s}));
    }
    cols.push(json!({"Name": "resources", "Type": "array<struct<arn:string,accountid:string,type:string>>"}));
    for c in [
        "eventtype",
        "apiversion",
        "readonly",
        "recipientaccountid",
        "serviceeventdetails",
        "sharedeventid",
        "vpcendpointid",
        "vpcendpointaccountid",
        "eventcategory",
        "sessioncredentialfromconsole",
    ] {
        cols.push(json!({"Name": c, "Type": s}));
    }
    cols.push(json!({"Name": "addendum", "Type": "struct<reason:string,updatedfields:string,originalrequestid:string,originaleventid:string>"}));
    cols.push(json!({"Name": "tlsdetails", "Type": "struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string>"}));
    let keys: Vec<Value> = layout
        .keys()
        .iter()
        .map(|k| json!({"Name": k, "Type": "string"}))
        .collect();
    json!({"TableMetadata": {"Name": "org", "TableType": "EXTERNAL_TABLE", "Columns": cols, "PartitionKeys": keys}})
}

/// Athena's CSV of a result: the column names, then the rows; every value quoted (inner quotes doubled), NULL
/// an empty unquoted field, `\n` after every record.
pub fn athena_csv(columns: &[String], rows: &[Value]) -> Vec<u8> {
    let line = |values: Vec<Option<&str>>| -> String {
        values
            .iter()
            .map(|v| v.map(|t| format!("\"{}\"", t.replace('"', "\"\""))).unwrap_or_default())
            .collect::<Vec<_>>()
            .join(",")
            + "\n"
    };
    let mut out = line(columns.iter().map(|c| Some(c.as_str())).collect());
    for r in rows {
        out += &line(r.as_array().unwrap().iter().map(Value::as_str).collect());
    }
    out.into_bytes()
}

/// The engine's first row with the columns `set` names changed.
fn scripted(result: &Value, set: &[Vec<(String, Option<String>)>]) -> Vec<Value> {
    let columns: Vec<&str> = result["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let template = result["rows"][0].clone();
    set.iter()
        .map(|changes| {
            let mut row = template.clone();
            for (name, v) in changes {
                let i = columns
                    .iter()
                    .position(|c| c == name)
                    .unwrap_or_else(|| panic!("no column {name}: {columns:?}"));
                row[i] = v.clone().map_or(Value::Null, Value::String);
            }
            row
        })
        .collect()
}

fn handle(
    state: &Mutex<State>,
    s3: &Mutex<S3State>,
    engine: &SharedEngine,
    layout: Layout,
    target: &str,
    body: Value,
) -> (u16, Value) {
    let op = target.strip_prefix("AmazonAthena.").unwrap_or("Unknown").to_string();
    let delay = {
        let mut st = state.lock().unwrap();
        st.log.push((op.clone(), body.clone()));
        if op == "StartQueryExecution" {
            st.start_delay
        } else {
            Duration::ZERO
        }
    };
    if !delay.is_zero() {
        std::thread::sleep(delay);
    }
    let mut st = state.lock().unwrap();
    let id_of = |b: &Value| b["QueryExecutionId"].as_str().unwrap_or("").to_string();
    match op.as_str() {
        "GetTableMetadata" => answer(200, table_metadata(layout)),
        "StartQueryExecution" => {
            let token = body["ClientRequestToken"].as_str().unwrap_or("").to_string();
            if let Some(id) = st.tokens.get(&token) {
                return answer(200, json!({"QueryExecutionId": id}));
            }
            let fault = st.faults.pop_front();
            if let Some(Fault::Throttle) = fault {
                return answer(
                    400,
                    json!({"__type": "TooManyRequestsException", "Message": "Rate exceeded", "Reason": "CONCURRENT_QUERY_LIMIT_EXCEEDED"}),
                );
            }
            let sql = body["QueryString"].as_str().unwrap_or("").to_string();
            let params: Vec<String> = body["ExecutionParameters"]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
                .unwrap_or_default();
            let mut result = engine.lock().unwrap().ask(&json!({"sql": sql, "params": params}));
            let swap_header = matches!(fault, Some(Fault::SwapCsvHeader));
            match fault {
                Some(Fault::Fail(reason)) => result = json!({"error": reason}),
                Some(Fault::Rows(set)) => result["rows"] = Value::Array(scripted(&result, &set)),
                _ => {}
            }
            let id = format!("q-{:04}", st.queries.len() + 1);
            // Athena writes `<OutputLocation>/<id>.csv` (the request's, else the workgroup's: the bucket's root).
            let location = body["ResultConfiguration"]["OutputLocation"]
                .as_str()
                .unwrap_or("s3://athena-results/")
                .to_string();
            let output = format!(
                "{}{id}.csv",
                if location.ends_with('/') {
                    location
                } else {
                    location + "/"
                }
            );
            if result["error"].is_null() {
                let mut bucket = s3.lock().unwrap();
                let key = output
                    .strip_prefix(&format!("s3://{}/", bucket.bucket))
                    .map(String::from);
                if let Some(key) = key {
                    let mut columns: Vec<String> = result["columns"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|c| c.as_str().unwrap().to_string())
                        .collect();
                    if swap_header {
                        columns.swap(1, 2);
                    }
                    let csv = athena_csv(&columns, result["rows"].as_array().unwrap());
                    bucket.objects.insert(key, csv);
                }
            }
            st.executed.push(Executed {
                id: id.clone(),
                sql,
                params,
                rows: result["rows"].as_array().map_or(0, Vec::len),
                scanned: result["scanned"].as_u64().unwrap_or(0),
                partition_predicates: result["partition_predicates"].as_u64().unwrap_or(0),
                error: result["error"].as_str().map(String::from),
            });
            st.tokens.insert(token, id.clone());
            st.queries.insert(
                id.clone(),
                Stored {
                    result,
                    output,
                    polls: 0,
                    stopped: false,
                    ended: false,
                },
            );
            st.running_now += 1;
            st.peak_running = st.peak_running.max(st.running_now);
            answer(200, json!({"QueryExecutionId": id}))
        }
        "GetQueryExecution" => {
            let id = id_of(&body);
            let running_polls = st.running_polls;
            let held = st.executed.len() < st.hold_until_started;
            let hold_polls = st.hold_polls;
            let mut ended_now = false;
            let out = match st.queries.get_mut(&id) {
                None => answer(
                    400,
                    json!({"__type": "InvalidRequestException", "Message": "no such query"}),
                ),
                Some(q) => {
                    q.polls += 1;
                    let (state_name, reason) = if q.stopped {
                        ("CANCELLED", Some("stopped by the user".to_string()))
                    } else if q.polls <= running_polls || (held && q.polls <= hold_polls) {
                        ("RUNNING", None)
                    } else if let Some(e) = q.result["error"].as_str() {
                        ("FAILED", Some(e.to_string()))
                    } else {
                        ("SUCCEEDED", None)
                    };
                    if state_name != "RUNNING" && !q.ended {
                        q.ended = true;
                        ended_now = true;
                    }
                    let mut status = json!({"State": state_name});
                    if let Some(r) = reason {
                        status["StateChangeReason"] = json!(r);
                    }
                    let scanned = q.result["scanned"].as_u64().unwrap_or(0);
                    answer(
                        200,
                        json!({"QueryExecution": {"QueryExecutionId": id, "StatementType": "DML", "Status": status,
                            "Statistics": {"DataScannedInBytes": scanned},
                            "ResultConfiguration": {"OutputLocation": q.output}}}),
                    )
                }
            };
            if ended_now {
                st.running_now -= 1;
            }
            out
        }
        "StopQueryExecution" => {
            let id = id_of(&body);
            let mut ended_now = false;
            if let Some(q) = st.queries.get_mut(&id) {
                q.stopped = true;
                ended_now = !q.ended;
                q.ended = true;
            }
            if ended_now {
                st.running_now -= 1;
            }
            answer(200, json!({}))
        }
        "GetQueryResults" => {
            let id = id_of(&body);
            let page: usize = body["NextToken"]
                .as_str()
                .and_then(|t| t.strip_prefix("page-"))
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            let size = (body["MaxResults"].as_u64().unwrap_or(1000) as usize)
                .min(st.page_rows)
                .max(1);
            let Some(q) = st.queries.get(&id) else {
                return answer(
                    400,
                    json!({"__type": "InvalidRequestException", "Message": "no such query"}),
                );
            };
            let columns: Vec<String> = q.result["columns"]
                .as_array()
                .map(|a| a.iter().map(|c| c.as_str().unwrap_or("").to_string()).collect())
                .unwrap_or_default();
            let all = q.result["rows"].as_array().cloned().unwrap_or_default();
            let datum = |v: &Value| match v.as_str() {
                Some(s) => json!({"VarCharValue": s}),
                None => json!({}),
            };
            let mut rows: Vec<Value> = Vec::new();
            // The header row counts toward the first page, as on Athena.
            let (skip, take) = if page == 0 {
                rows.push(json!({"Data": columns.iter().map(|c| json!({"VarCharValue": c})).collect::<Vec<_>>()}));
                (0, size - 1)
            } else {
                (size * page - 1, size)
            };
            for r in all.iter().skip(skip).take(take) {
                let data: Vec<Value> = r.as_array().map(|a| a.iter().map(datum).collect()).unwrap_or_default();
                rows.push(json!({"Data": data}));
            }
            let info: Vec<Value> = columns
                .iter()
                .map(|c| json!({"Name": c, "Label": c, "Type": "varchar"}))
                .collect();
            let mut out =
                json!({"ResultSet": {"Rows": rows, "ResultSetMetadata": {"ColumnInfo": info}}, "UpdateCount": 0});
            if skip + take < all.len() {
                out["NextToken"] = json!(format!("page-{}", page + 1));
            }
            answer(200, out)
        }
        _ => answer(400, json!({"__type": "UnknownOperationException", "Message": op})),
    }
}
