//! A fake S3 endpoint for the `-i s3://…` tests (and, through [`handle`], the fake Athena's result bucket): a hyper 1 HTTP server on 127.0.0.1 (random port) answering
//! path-style `ListObjectsV2` (`GET /<bucket>?list-type=2&prefix=…&delimiter=…&continuation-token=…`, XML, a
//! small page size so paging is exercised; keys URL-encoded when asked with `encoding-type=url`, as S3 does) and
//! `GetObject` (`GET /<bucket>/<key>`) from an in-memory bucket, with
//! scripted faults per key: `SlowDown` (503, as S3 answers when asked too fast) and a truncated body (the full
//! `Content-Length` announced, half the bytes sent, the connection cut). Every request is logged (operation,
//! prefix, delimiter, token, key, attempt, signing region, status) so tests can prove what was and was not asked.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper::body::{Body, Bytes, Frame, Incoming};
use hyper::{Request, Response};

/// A scripted misbehaviour for one request of a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum S3Fault {
    /// 503 `SlowDown`.
    SlowDown,
    /// The full length announced, half of it sent, then the connection cut.
    Truncate,
    /// 403 `AccessDenied`.
    AccessDenied,
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct S3Logged {
    /// `ListObjectsV2`, `GetObject` or `Unknown`.
    pub op: String,
    pub bucket: String,
    pub prefix: String,
    pub delimiter: Option<String>,
    pub token: Option<String>,
    pub key: String,
    /// `amz-sdk-request`, e.g. `attempt=2; max=3`.
    pub attempt: String,
    /// The region of the SigV4 credential scope.
    pub region: String,
    pub status: u16,
}

#[derive(Default)]
pub struct S3State {
    pub bucket: String,
    pub objects: BTreeMap<String, Vec<u8>>,
    /// Entries (objects and common prefixes) per ListObjectsV2 page.
    pub page_size: usize,
    /// Faults by object key (GetObject) or `list:<prefix>` (ListObjectsV2).
    pub faults: HashMap<String, VecDeque<S3Fault>>,
    /// When set, requests signed for another region are answered with a 301 naming this one.
    pub home_region: Option<String>,
    pub log: Vec<S3Logged>,
}

impl S3State {
    /// An empty bucket, for a server of its own ([`FakeS3::start`]) or behind another fake ([`handle`]).
    pub fn new(bucket: &str, page_size: usize) -> Arc<Mutex<S3State>> {
        Arc::new(Mutex::new(S3State {
            bucket: bucket.to_string(),
            page_size: page_size.max(1),
            ..S3State::default()
        }))
    }
}

pub struct FakeS3 {
    pub url: String,
    pub state: Arc<Mutex<S3State>>,
}

impl FakeS3 {
    pub async fn start(bucket: &str, objects: BTreeMap<String, Vec<u8>>, page_size: usize) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(S3State {
            bucket: bucket.to_string(),
            objects,
            page_size: page_size.max(1),
            ..S3State::default()
        }));
        let st = state.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    break;
                };
                let st = st.clone();
                tokio::spawn(async move {
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let svc = hyper::service::service_fn(move |req| handle(st.clone(), req));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, svc)
                        .await;
                });
            }
        });
        Self {
            url: format!("http://{addr}"),
            state,
        }
    }

    pub fn fault(&self, key: &str, faults: &[S3Fault]) {
        self.state
            .lock()
            .unwrap()
            .faults
            .entry(key.to_string())
            .or_default()
            .extend(faults.iter().copied());
    }

    pub fn log(&self) -> Vec<S3Logged> {
        self.state.lock().unwrap().log.clone()
    }

    pub fn clear_log(&self) {
        self.state.lock().unwrap().log.clear();
    }

    /// Keys GetObject was asked for (every attempt).
    pub fn gets(&self) -> Vec<String> {
        self.log()
            .into_iter()
            .filter(|l| l.op == "GetObject")
            .map(|l| l.key)
            .collect()
    }
}

type RespBody = BoxBody<Bytes, std::io::Error>;

/// A body that sends its bytes and then fails, so hyper cuts the connection short of the announced length. It
/// is pending once between the two (waking itself at once), so hyper flushes the head and the bytes first: the
/// client sees a response whose body ends early, not a connection that closed before any answer.
struct Cut(Option<Bytes>, bool);

impl Body for Cut {
    type Data = Bytes;
    type Error = std::io::Error;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        if let Some(b) = self.0.take() {
            return Poll::Ready(Some(Ok(Frame::data(b))));
        }
        if !self.1 {
            self.1 = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready(Some(Err(std::io::Error::other("cut by the fake"))))
    }
}

fn full(status: u16, content_type: &str, body: impl Into<Bytes>) -> Response<RespBody> {
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(
            Full::new(body.into())
                .map_err(|never: Infallible| match never {})
                .boxed(),
        )
        .unwrap()
}

fn s3_error(status: u16, code: &str, message: &str) -> Response<RespBody> {
    full(
        status,
        "application/xml",
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message>\
             <RequestId>FAKE</RequestId><HostId>FAKE</HostId></Error>"
        ),
    )
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

fn query(uri: &hyper::Uri) -> HashMap<String, String> {
    uri.query()
        .unwrap_or("")
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn region_of(req: &Request<Incoming>) -> String {
    req.headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|a| a.split("Credential=").nth(1))
        .and_then(|c| c.split('/').nth(2))
        .unwrap_or("?")
        .to_string()
}

/// Answer one S3 request from `state`.
pub async fn handle(state: Arc<Mutex<S3State>>, req: Request<Incoming>) -> Result<Response<RespBody>, Infallible> {
    let uri = req.uri().clone();
    let attempt = req
        .headers()
        .get("amz-sdk-request")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let region = region_of(&req);
    let path = percent_decode(uri.path());
    let path = path.trim_start_matches('/');
    let (bucket, key) = path.split_once('/').unwrap_or((path, ""));
    let q = query(&uri);
    let list = key.is_empty() && q.get("list-type").map(String::as_str) == Some("2");
    let mut st = state.lock().unwrap();
    let mut entry = S3Logged {
        op: if list {
            "ListObjectsV2"
        } else if req.method() == hyper::Method::GET && !key.is_empty() {
            "GetObject"
        } else {
            "Unknown"
        }
        .to_string(),
        bucket: bucket.to_string(),
        prefix: q.get("prefix").cloned().unwrap_or_default(),
        delimiter: q.get("delimiter").cloned(),
        token: q.get("continuation-token").cloned(),
        key: key.to_string(),
        attempt,
        region: region.clone(),
        status: 0,
    };
    let fault_key = if list {
        format!("list:{}", entry.prefix)
    } else {
        key.to_string()
    };
    let fault = st.faults.get_mut(&fault_key).and_then(VecDeque::pop_front);
    let resp = if let Some(home) = st.home_region.clone().filter(|h| *h != region) {
        let mut r = s3_error(301, "PermanentRedirect", "The bucket is in another region");
        r.headers_mut().insert("x-amz-bucket-region", home.parse().unwrap());
        r
    } else if bucket != st.bucket {
        s3_error(404, "NoSuchBucket", "The specified bucket does not exist")
    } else if fault == Some(S3Fault::SlowDown) {
        s3_error(503, "SlowDown", "Please reduce your request rate.")
    } else if fault == Some(S3Fault::AccessDenied) {
        s3_error(403, "AccessDenied", "Access Denied")
    } else if list {
        let url = q.get("encoding-type").map(String::as_str) == Some("url");
        list_page(
            &st,
            &entry.prefix,
            entry.delimiter.as_deref(),
            entry.token.as_deref(),
            url,
        )
    } else if entry.op == "GetObject" {
        match st.objects.get(key) {
            Some(bytes) if fault == Some(S3Fault::Truncate) => {
                let half = Bytes::copy_from_slice(&bytes[..bytes.len() / 2]);
                Response::builder()
                    .status(200)
                    .header("content-type", "application/octet-stream")
                    .header("content-length", bytes.len())
                    .body(Cut(Some(half), false).boxed())
                    .unwrap()
            }
            Some(bytes) => {
                let mut r = full(200, "application/octet-stream", bytes.clone());
                r.headers_mut().insert("content-length", bytes.len().into());
                r
            }
            None => s3_error(404, "NoSuchKey", "The specified key does not exist."),
        }
    } else {
        s3_error(
            400,
            "NotImplemented",
            "the fake serves ListObjectsV2 and GetObject only",
        )
    };
    entry.status = resp.status().as_u16();
    st.log.push(entry);
    Ok(resp)
}

/// One page of a ListObjectsV2 answer: objects and common prefixes merged in key order, `page_size` entries,
/// the continuation token being the index of the next entry.
fn list_page(
    st: &S3State,
    prefix: &str,
    delimiter: Option<&str>,
    token: Option<&str>,
    url_encode: bool,
) -> Response<RespBody> {
    // `encoding-type=url`: every byte but unreserved characters and `/` as `%XX`.
    let name = |k: &str| {
        if !url_encode {
            return xml_escape(k);
        }
        k.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    enum Entry<'a> {
        Object(&'a str, usize),
        Folder(String),
    }
    let mut entries: Vec<Entry> = Vec::new();
    for (k, v) in st.objects.range(prefix.to_string()..) {
        if !k.starts_with(prefix) {
            break;
        }
        let rest = &k[prefix.len()..];
        match delimiter.and_then(|d| rest.find(d).map(|i| i + d.len())) {
            Some(end) => {
                let folder = format!("{prefix}{}", &rest[..end]);
                if !matches!(entries.last(), Some(Entry::Folder(f)) if *f == folder) {
                    entries.push(Entry::Folder(folder));
                }
            }
            None => entries.push(Entry::Object(k, v.len())),
        }
    }
    let start: usize = token
        .and_then(|t| t.strip_prefix("fake-token-"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let end = (start + st.page_size).min(entries.len());
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
         <Name>{}</Name><Prefix>{}</Prefix><KeyCount>{}</KeyCount><MaxKeys>1000</MaxKeys>",
        xml_escape(&st.bucket),
        xml_escape(prefix),
        end.saturating_sub(start)
    );
    if let Some(d) = delimiter {
        xml += &format!("<Delimiter>{}</Delimiter>", xml_escape(d));
    }
    xml += &format!("<IsTruncated>{}</IsTruncated>", end < entries.len());
    if let Some(t) = token {
        xml += &format!("<ContinuationToken>{}</ContinuationToken>", xml_escape(t));
    }
    if end < entries.len() {
        xml += &format!("<NextContinuationToken>fake-token-{end}</NextContinuationToken>");
    }
    for e in entries.get(start..end).unwrap_or(&[]) {
        match e {
            Entry::Object(k, size) => {
                xml += &format!(
                    "<Contents><Key>{}</Key><LastModified>2026-11-05T14:05:00.000Z</LastModified>\
                     <ETag>&quot;fake&quot;</ETag><Size>{size}</Size><StorageClass>STANDARD</StorageClass></Contents>",
                    name(k)
                )
            }
            Entry::Folder(f) => xml += &format!("<CommonPrefixes><Prefix>{}</Prefix></CommonPrefixes>", name(f)),
        }
    }
    xml += "</ListBucketResult>";
    full(200, "application/xml", xml)
}
