//! A fake AWS endpoint for the fetch tests: a hyper 1 HTTP server on 127.0.0.1 (random port) speaking exactly the
//! wire protocols of the operations trailhound calls — CloudTrail `LookupEvents` (awsJson1_1, `x-amz-target`),
//! GuardDuty `ListDetectors`/`ListFindings`/`GetFindings` and Access Analyzer `ListAnalyzers`/`ListFindingsV2`/
//! `GetFindingV2` (restJson1 paths), plus the two IAM Identity Center calls of the SDK's SSO credential provider
//! (`sso-oidc` `CreateToken`, `sso` `GetRoleCredentials`, reached through `AWS_ENDPOINT_URL_SSO*`), which answer
//! as AWS does for a session that has ended. It serves paged sample data per region (read from the SigV4
//! credential scope), injects scripted faults (throttling, 5xx, slow responses, access denied, a fatal error, a
//! response held until another request arrives), can make every new connection slow to be read (the network and
//! TLS set-up time of a first request), and logs every request with its arrival and answer times so tests can
//! check retries, parallelism and the request rate from the server's own clock.
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use serde_json::{Value, json};

/// A scripted misbehaviour for one request.
#[derive(Clone, Copy, Debug)]
pub enum Fault {
    Throttle,
    ServerError,
    Slow(Duration),
    AccessDenied,
    /// A non-retryable error that aborts the fetch of that query.
    Fatal,
    /// Answer normally, but only once a request with this fault key (e.g. `LookupEvents:eu-west-1:1`) has
    /// arrived; [`Logged::held`] says whether it did (or the 30 s hang guard gave up).
    HoldUntil(&'static str),
}

/// How a [`Fault::HoldUntil`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hold {
    /// Still held (or the client gave up on it and went away).
    Waiting,
    /// The awaited request arrived while this one was held.
    Released,
    /// It never came (the hang guard answered instead).
    GaveUp,
}

/// What the fake serves.
#[derive(Default, Clone)]
pub struct Data {
    /// Region → LookupEvents pages (event objects in the wire shape).
    pub ct_pages: HashMap<String, Vec<Vec<Value>>>,
    /// Region → detectors (id, findings in the GetFindings camelCase shape).
    pub gd: HashMap<String, Vec<(String, Vec<Value>)>>,
    /// Region → analyzers (summary, findings in the GetFindingV2 shape).
    pub aa: HashMap<String, Vec<(Value, Vec<Value>)>>,
    /// Findings per ListFindingsV2 page.
    pub aa_page_size: usize,
    /// How many `GetRoleCredentials` calls succeed before the portal session counts as ended. The credentials
    /// handed out have already expired (as if the fetch had run for their whole lifetime), so the SDK asks for
    /// new ones at its next call.
    pub sso_grants: usize,
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Logged {
    pub op: String,
    pub region: String,
    /// The fault key of this request (`LookupEvents:us-east-1:2`, `ListDetectors:us-east-1`, …).
    pub key: String,
    /// When the request had arrived (headers read), by the server's clock.
    pub at: Instant,
    /// When the answer was ready (equal to `at` until then).
    pub done: Instant,
    pub held: Option<Hold>,
    pub token: Option<String>,
    /// `amz-sdk-request`, e.g. `attempt=2; max=3`.
    pub attempt: String,
    pub invocation: String,
    pub body: Value,
    /// Status served (0 while the request is still being answered).
    pub status: u16,
}

#[derive(Default)]
pub struct State {
    pub data: Data,
    /// Fault queues by key: `LookupEvents:<region>:<page>`, `ListDetectors:<region>`,
    /// `ListFindings:<region>:<page>`, `GetFindings:<region>`, `ListAnalyzers:<region>`,
    /// `ListFindingsV2:<region>:<page>`, `GetFindingV2:<region>`.
    pub faults: HashMap<String, VecDeque<Fault>>,
    pub log: Vec<Logged>,
    /// How long a new connection waits before its first request is read.
    pub connect_delay: Duration,
}

pub struct FakeAws {
    pub url: String,
    pub state: Arc<Mutex<State>>,
    arrived: Arc<tokio::sync::Notify>,
}

impl FakeAws {
    pub async fn start(data: Data) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State {
            data,
            ..State::default()
        }));
        let arrived = Arc::new(tokio::sync::Notify::new());
        let st = state.clone();
        let notify = arrived.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    break;
                };
                let st = st.clone();
                let notify = notify.clone();
                tokio::spawn(async move {
                    let delay = st.lock().unwrap().connect_delay;
                    tokio::time::sleep(delay).await;
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let svc = hyper::service::service_fn(move |req| handle(st.clone(), notify.clone(), req));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, svc)
                        .await;
                });
            }
        });
        Self {
            url: format!("http://{addr}"),
            state,
            arrived,
        }
    }

    /// Make every new connection wait `d` before its first request is read (as a first request over the real
    /// network arrives later than it was sent: DNS, TCP and TLS set-up).
    pub fn connect_delay(&self, d: Duration) {
        self.state.lock().unwrap().connect_delay = d;
    }

    pub fn fault(&self, key: &str, faults: &[Fault]) {
        self.state
            .lock()
            .unwrap()
            .faults
            .entry(key.to_string())
            .or_default()
            .extend(faults.iter().cloned());
    }

    pub fn log(&self) -> Vec<Logged> {
        self.state.lock().unwrap().log.clone()
    }
}

fn region_of(req: &Request<Incoming>) -> String {
    // Authorization: AWS4-HMAC-SHA256 Credential=AKID/20261128/<region>/<service>/aws4_request, ...
    req.headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|a| a.split("Credential=").nth(1))
        .and_then(|c| c.split('/').nth(2))
        .unwrap_or("?")
        .to_string()
}

fn header(req: &Request<Incoming>, name: &str) -> String {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn query_param(uri: &hyper::Uri, key: &str) -> Option<String> {
    uri.query()?.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == key).then(|| percent_decode(v))
    })
}

fn page_of(token: &Option<String>) -> usize {
    token
        .as_deref()
        .and_then(|t| t.rsplit('-').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

type Resp = Response<Full<Bytes>>;

fn respond(status: u16, content_type: &str, extra: &[(&str, &str)], body: Value) -> Resp {
    let mut b = Response::builder().status(status).header("content-type", content_type);
    for (k, v) in extra {
        b = b.header(*k, *v);
    }
    b.body(Full::new(Bytes::from(body.to_string()))).unwrap()
}

const CT_JSON: &str = "application/x-amz-json-1.1";

fn ct_error(status: u16, code: &str, message: &str) -> Resp {
    respond(status, CT_JSON, &[], json!({"__type": code, "message": message}))
}

fn rest_error(status: u16, code: &str, message: &str) -> Resp {
    respond(
        status,
        "application/json",
        &[("x-amzn-errortype", code)],
        json!({"message": message, "__type": code}),
    )
}

async fn handle(
    state: Arc<Mutex<State>>,
    arrived: Arc<tokio::sync::Notify>,
    req: Request<Incoming>,
) -> Result<Resp, Infallible> {
    let at = Instant::now();
    let region = region_of(&req);
    let target = header(&req, "x-amz-target");
    let attempt = header(&req, "amz-sdk-request");
    let invocation = header(&req, "amz-sdk-invocation-id");
    let method = req.method().clone();
    let uri = req.uri().clone();
    let path = uri.path().to_string();
    let body_bytes = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let body: Value = serde_json::from_slice(&body_bytes).unwrap_or(Value::Null);
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let restjson = !target.ends_with(".LookupEvents");
    let (op, token) = if target.ends_with(".LookupEvents") {
        (
            "LookupEvents",
            body.get("NextToken").and_then(Value::as_str).map(String::from),
        )
    } else if method == hyper::Method::GET && segs == ["detector"] {
        ("ListDetectors", query_param(&uri, "nextToken"))
    } else if method == hyper::Method::POST && segs.len() == 3 && segs[0] == "detector" && segs[2] == "findings" {
        (
            "ListFindings",
            body.get("nextToken").and_then(Value::as_str).map(String::from),
        )
    } else if method == hyper::Method::POST && segs.len() == 4 && segs[0] == "detector" && segs[3] == "get" {
        ("GetFindings", None)
    } else if method == hyper::Method::GET && segs == ["analyzer"] {
        ("ListAnalyzers", query_param(&uri, "nextToken"))
    } else if method == hyper::Method::POST && segs == ["findingv2"] {
        (
            "ListFindingsV2",
            body.get("nextToken").and_then(Value::as_str).map(String::from),
        )
    } else if method == hyper::Method::GET && segs.len() == 2 && segs[0] == "findingv2" {
        ("GetFindingV2", query_param(&uri, "nextToken"))
    } else if method == hyper::Method::POST && segs == ["token"] {
        ("CreateToken", None)
    } else if method == hyper::Method::GET && segs == ["federation", "credentials"] {
        ("GetRoleCredentials", None)
    } else {
        ("Unknown", None)
    };
    let paged = matches!(op, "LookupEvents" | "ListFindings" | "ListFindingsV2");
    let key = if paged {
        format!("{op}:{region}:{}", page_of(&token))
    } else {
        format!("{op}:{region}")
    };
    let (fault, index) = {
        let mut st = state.lock().unwrap();
        st.log.push(Logged {
            op: op.to_string(),
            region: region.clone(),
            key: key.clone(),
            at,
            done: at,
            held: None,
            token: token.clone(),
            attempt,
            invocation,
            body: body.clone(),
            status: 0,
        });
        let fault = st.faults.get_mut(&key).and_then(VecDeque::pop_front);
        (fault, st.log.len() - 1)
    };
    arrived.notify_waiters();
    let mut held = None;
    match &fault {
        Some(Fault::Slow(d)) => tokio::time::sleep(*d).await,
        Some(Fault::HoldUntil(other)) => {
            state.lock().unwrap().log[index].held = Some(Hold::Waiting);
            let came = async {
                loop {
                    // Register before looking, so an arrival between the look and the wait is not missed.
                    let next = arrived.notified();
                    if state.lock().unwrap().log.iter().any(|l| l.key == *other) {
                        return;
                    }
                    next.await;
                }
            };
            held = Some(match tokio::time::timeout(Duration::from_secs(30), came).await {
                Ok(()) => Hold::Released,
                Err(_) => Hold::GaveUp,
            });
        }
        _ => {}
    }
    let resp = match fault {
        Some(Fault::Throttle) if restjson => rest_error(429, "TooManyRequestsException", "Rate exceeded"),
        Some(Fault::Throttle) => ct_error(400, "ThrottlingException", "Rate exceeded"),
        Some(Fault::ServerError) if restjson => rest_error(500, "InternalServerErrorException", "boom"),
        Some(Fault::ServerError) => ct_error(500, "InternalServerError", "boom"),
        Some(Fault::AccessDenied) => {
            let action = match op {
                "LookupEvents" => "cloudtrail:LookupEvents",
                "ListDetectors" => "guardduty:ListDetectors",
                "ListAnalyzers" => "access-analyzer:ListAnalyzers",
                other => other,
            };
            let msg = format!(
                "User: arn:aws:sts::111122223333:assumed-role/Reader/sara is not authorized to perform: {action}"
            );
            if restjson {
                rest_error(403, "AccessDeniedException", &msg)
            } else {
                ct_error(400, "AccessDeniedException", &msg)
            }
        }
        Some(Fault::Fatal) => ct_error(400, "ValidationException", "interrupted for the test"),
        // What IAM Identity Center answers once the user's portal session has ended.
        _ if op == "CreateToken" => rest_error(400, "InvalidGrantException", "Invalid grant provided"),
        _ if op == "GetRoleCredentials" => {
            let mut st = state.lock().unwrap();
            if st.data.sso_grants > 0 {
                st.data.sso_grants -= 1;
                respond(
                    200,
                    "application/json",
                    &[],
                    json!({"roleCredentials": {
                        "accessKeyId": "ASIAFAKESSOROLE00001",
                        "secretAccessKey": "fakeSsoRoleSecretMustNeverBeWritten012345",
                        "sessionToken": "fakeSsoRoleSessionTokenMustNeverBeWritten",
                        "expiration": 1_000_000_000_000i64,
                    }}),
                )
            } else {
                rest_error(401, "UnauthorizedException", "Session token not found or invalid")
            }
        }
        Some(Fault::Slow(_) | Fault::HoldUntil(_)) | None => {
            let data = state.lock().unwrap().data.clone();
            serve(&data, op, &region, &token, &segs, &uri, &body)
        }
    };
    let mut st = state.lock().unwrap();
    let entry = &mut st.log[index];
    entry.status = resp.status().as_u16();
    entry.done = Instant::now();
    if held.is_some() {
        entry.held = held;
    }
    Ok(resp)
}

fn serve(
    data: &Data,
    op: &str,
    region: &str,
    token: &Option<String>,
    segs: &[&str],
    uri: &hyper::Uri,
    body: &Value,
) -> Resp {
    let ok = |v: Value| respond(200, "application/json", &[], v);
    let page = page_of(token);
    match op {
        "LookupEvents" => {
            let pages = data.ct_pages.get(region).cloned().unwrap_or_default();
            let events = pages.get(page).cloned().unwrap_or_default();
            let mut out = json!({ "Events": events });
            if page + 1 < pages.len() {
                out["NextToken"] = json!(format!("ct-page-{}", page + 1));
            }
            respond(200, CT_JSON, &[], out)
        }
        "ListDetectors" => {
            let ids: Vec<&str> = data
                .gd
                .get(region)
                .map(|d| d.iter().map(|(id, _)| id.as_str()).collect())
                .unwrap_or_default();
            ok(json!({ "detectorIds": ids }))
        }
        "ListFindings" => {
            let size = body.get("maxResults").and_then(Value::as_u64).unwrap_or(50) as usize;
            let findings = detector(data, region, segs[1]);
            let ids: Vec<&str> = findings
                .iter()
                .skip(page * size)
                .take(size)
                .filter_map(|f| f.get("id").and_then(Value::as_str))
                .collect();
            let mut out = json!({ "findingIds": ids });
            if (page + 1) * size < findings.len() {
                out["nextToken"] = json!(format!("gd-page-{}", page + 1));
            }
            ok(out)
        }
        "GetFindings" => {
            let wanted: Vec<&str> = body
                .get("findingIds")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let findings: Vec<Value> = detector(data, region, segs[1])
                .into_iter()
                .filter(|f| wanted.contains(&f.get("id").and_then(Value::as_str).unwrap_or("")))
                .collect();
            ok(json!({ "findings": findings }))
        }
        "ListAnalyzers" => {
            let list: Vec<Value> = data
                .aa
                .get(region)
                .map(|a| a.iter().map(|(s, _)| s.clone()).collect())
                .unwrap_or_default();
            ok(json!({ "analyzers": list }))
        }
        "ListFindingsV2" => {
            let arn = body.get("analyzerArn").and_then(Value::as_str).unwrap_or("");
            let findings = analyzer(data, region, arn);
            let size = data.aa_page_size.max(1);
            let summaries: Vec<Value> = findings
                .iter()
                .skip(page * size)
                .take(size)
                .map(|f| {
                    let mut s = f.clone();
                    if let Some(o) = s.as_object_mut() {
                        o.remove("findingDetails");
                    }
                    s
                })
                .collect();
            let mut out = json!({ "findings": summaries });
            if (page + 1) * size < findings.len() {
                out["nextToken"] = json!(format!("aa-page-{}", page + 1));
            }
            ok(out)
        }
        "GetFindingV2" => {
            let arn = query_param(uri, "analyzerArn").unwrap_or_default();
            let id = percent_decode(segs[1]);
            match analyzer(data, region, &arn)
                .into_iter()
                .find(|f| f.get("id").and_then(Value::as_str) == Some(id.as_str()))
            {
                Some(f) => ok(f),
                None => rest_error(404, "ResourceNotFoundException", "no such finding"),
            }
        }
        _ => rest_error(400, "UnknownOperationException", "unknown operation"),
    }
}

fn detector(data: &Data, region: &str, id: &str) -> Vec<Value> {
    data.gd
        .get(region)
        .and_then(|d| d.iter().find(|(d, _)| d == id))
        .map(|(_, f)| f.clone())
        .unwrap_or_default()
}

fn analyzer(data: &Data, region: &str, arn: &str) -> Vec<Value> {
    data.aa
        .get(region)
        .and_then(|a| {
            a.iter()
                .find(|(s, _)| s.get("arn").and_then(Value::as_str) == Some(arn))
        })
        .map(|(_, f)| f.clone())
        .unwrap_or_default()
}

/// The request rate of one operation in one region, from the server's own arrival times.
#[derive(Clone, Debug, PartialEq)]
pub struct Rate {
    pub requests: usize,
    /// The most requests that arrived within any one window (every window starting at an arrival, closed at both
    /// ends, so it is the maximum over all sliding windows).
    pub max_in_window: usize,
    /// The shortest time from a request to the one `per_window` requests later (`None` with fewer requests).
    pub tightest: Option<Duration>,
}

/// Per region: how `op` requests (every attempt, whatever its answer) spread over sliding `window`s, taking at
/// most `per_window` as the limit that [`Rate::tightest`] measures against.
pub fn rates(
    log: &[Logged],
    op: &str,
    window: Duration,
    per_window: usize,
) -> std::collections::BTreeMap<String, Rate> {
    let mut by_region: std::collections::BTreeMap<String, Vec<Instant>> = Default::default();
    for l in log.iter().filter(|l| l.op == op) {
        by_region.entry(l.region.clone()).or_default().push(l.at);
    }
    by_region
        .into_iter()
        .map(|(region, mut at)| {
            at.sort();
            let max_in_window = (0..at.len())
                .map(|i| at[i..].iter().take_while(|t| **t - at[i] <= window).count())
                .max()
                .unwrap_or(0);
            let tightest = at.windows(per_window + 1).map(|w| w[per_window] - w[0]).min();
            let rate = Rate {
                requests: at.len(),
                max_in_window,
                tightest,
            };
            (region, rate)
        })
        .collect()
}
