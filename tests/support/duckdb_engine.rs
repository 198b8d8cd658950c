//! What the tests' fake query engines share (`fake_athena.rs`, `fake_lake.rs`): the DuckDB engine process
//! (`duckdb_athena.py`, which builds the table from CloudTrail records and executes each SQL text it is sent), and
//! a hyper HTTP server on 127.0.0.1 that hands each awsJson1_1 request (its `X-Amz-Target` and JSON body) to the
//! fake's handler and answers with the status and JSON the handler returns; a request without `X-Amz-Target` (the
//! S3 client's, with the same `--endpoint-url`) goes to a fallback when one is given (the fake Athena's result
//! bucket, `fake_s3.rs`).
#![allow(dead_code)]

use std::convert::Infallible;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use serde_json::Value;

/// The engine process: one JSON request per line in, one JSON answer per line out.
pub struct Engine {
    _child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    /// Bytes and rows of the whole table.
    pub table_bytes: u64,
    pub table_rows: u64,
}

impl Engine {
    /// Build the table from `records` (CloudTrail record objects) in `mode` (a layout name of the script, or
    /// `lake:STORE_ID`), writing its input under `dir`.
    pub fn spawn(records: &[Value], mode: &str, dir: &std::path::Path) -> Engine {
        let path = dir.join("records.jsonl");
        let mut f = std::fs::File::create(&path).unwrap();
        for r in records {
            writeln!(f, "{r}").unwrap();
        }
        drop(f);
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/duckdb_athena.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(&path)
            .arg(mode)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs (the engine needs the duckdb package: pip install duckdb)");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut ready = String::new();
        stdout.read_line(&mut ready).unwrap();
        let ready: Value = serde_json::from_str(&ready)
            .unwrap_or_else(|_| panic!("the DuckDB engine did not start (is `duckdb` installed?): {ready:?}"));
        Engine {
            _child: child,
            stdin,
            stdout,
            table_bytes: ready["bytes"].as_u64().unwrap(),
            table_rows: ready["rows"].as_u64().unwrap(),
        }
    }

    /// Send one request, wait for its answer.
    pub fn ask(&mut self, req: &Value) -> Value {
        writeln!(self.stdin, "{req}").unwrap();
        self.stdin.flush().unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        serde_json::from_str(&line).expect("engine answers JSON")
    }
}

/// What a handler gets: the `X-Amz-Target` header and the JSON body; what it returns: status and JSON body.
pub type Handler = dyn Fn(&str, Value) -> (u16, Value) + Send + Sync;

/// A response body either server can send.
pub type RespBody = BoxBody<Bytes, std::io::Error>;

/// What answers the requests that carry no `X-Amz-Target`.
pub type Fallback = dyn Fn(Request<Incoming>) -> std::pin::Pin<Box<dyn std::future::Future<Output = Response<RespBody>> + Send>>
    + Send
    + Sync;

/// Serve `handler` on a random local port; the URL.
pub async fn serve(handler: Arc<Handler>) -> String {
    serve_with(handler, None).await
}

/// [`serve`], with `fallback` answering requests without `X-Amz-Target`.
pub async fn serve_with(handler: Arc<Handler>, fallback: Option<Arc<Fallback>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                break;
            };
            let handler = handler.clone();
            let fallback = fallback.clone();
            tokio::spawn(async move {
                let io = hyper_util::rt::TokioIo::new(stream);
                let svc = hyper::service::service_fn(move |req| answer(handler.clone(), fallback.clone(), req));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, svc)
                    .await;
            });
        }
    });
    format!("http://{addr}")
}

async fn answer(
    handler: Arc<Handler>,
    fallback: Option<Arc<Fallback>>,
    req: Request<Incoming>,
) -> Result<Response<RespBody>, Infallible> {
    if let Some(f) = fallback
        && req.headers().get("x-amz-target").is_none()
    {
        return Ok(f(req).await);
    }
    let target = req
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let (status, out) = handler(&target, body);
    Ok(Response::builder()
        .status(status)
        .header("content-type", "application/x-amz-json-1.1")
        .body(
            Full::new(Bytes::from(out.to_string()))
                .map_err(|never: Infallible| match never {})
                .boxed(),
        )
        .unwrap())
}

/// A shared engine, locked per request.
pub type SharedEngine = Arc<Mutex<Engine>>;

/// The engine over the sample case in `mode`, started once per test binary and shared by every fake that asks
/// (the table takes seconds to build; the fakes keep their own query state, and the engine only reads).
pub fn sample_engine(mode: &str) -> SharedEngine {
    static ENGINES: std::sync::OnceLock<Mutex<std::collections::HashMap<String, SharedEngine>>> =
        std::sync::OnceLock::new();
    let mut engines = ENGINES.get_or_init(Default::default).lock().unwrap();
    engines
        .entry(mode.to_string())
        .or_insert_with(|| {
            let dir = std::env::temp_dir().join(format!(
                "trailhound-engine-{}-{}",
                std::process::id(),
                mode.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
            ));
            std::fs::create_dir_all(&dir).unwrap();
            let records = crate::support::demo_tree::sample();
            Arc::new(Mutex::new(Engine::spawn(&records, mode, &dir)))
        })
        .clone()
}
