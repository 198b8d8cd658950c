//! CloudTrail `LookupEvents`: one query per region and lookup attribute (the API takes one attribute per call),
//! every page via a manual NextToken loop (so each page can be checkpointed), the embedded `CloudTrailEvent`
//! strings validated and kept verbatim, and the result merged into S3-style day files. Rate limiting happens in
//! the client's HTTP layer (see `ratelimit`); retries in the SDK plus `errors::with_retry`.

use aws_sdk_cloudtrail::primitives::DateTime;
use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};

use super::checkpoint::{Checkpoint, QueryState, SpoolLine, spool_append, spool_path, spool_read, spool_truncate};
use super::config::{Context, resolve_window};
use super::errors::{FetchError, with_retry};
use super::write::{CtRecord, OutDir, write_cloudtrail};
use super::{FetchIssue, FetchProgress, FetchRequest, FetchSummary, LookupAttr, Service};

/// The most the API returns per page.
const PAGE_SIZE: i32 = 50;

/// Fetch every CloudTrail query of the request, resuming an interrupted fetch of the same queries. Returns the
/// window actually used (the checkpoint's when resuming).
pub(crate) async fn fetch_all(
    ctx: &Context,
    req: &FetchRequest,
    out: &OutDir,
    progress: &(impl Fn(FetchProgress) + Send + Sync),
    summary: &mut FetchSummary,
) -> Result<(i64, i64), FetchError> {
    let attrs: Vec<Option<LookupAttr>> = if req.lookup.is_empty() {
        vec![None]
    } else {
        req.lookup.iter().cloned().map(Some).collect()
    };
    let queries: Vec<(String, Option<LookupAttr>)> = ctx
        .regions
        .iter()
        .flat_map(|r| attrs.iter().map(move |a| (r.clone(), a.clone())))
        .collect();
    let mut cp = match Checkpoint::load(out) {
        Some(cp) if cp.resumes(&ctx.profile, &queries, req.window) => cp,
        other => {
            if other.is_some() {
                progress(FetchProgress::Note {
                    service: Service::CloudTrail,
                    region: String::new(),
                    message: "discarding the checkpoint of a different interrupted fetch".into(),
                });
            }
            Checkpoint::clear(out);
            let states = queries.iter().map(|(r, a)| QueryState::new(r, a.clone())).collect();
            Checkpoint::new(&ctx.profile, resolve_window(req.window), states)
        }
    };
    let io = |e: std::io::Error| FetchError::io(out.state_dir(), e);
    cp.save(out).map_err(io)?;
    for i in 0..cp.queries.len() {
        let region = cp.queries[i].region.clone();
        if let Err(mut message) = run_query(ctx, out, &mut cp, i, progress, summary).await {
            let pages = cp.queries[i].pages;
            if pages > 0 {
                message.push_str(&format!(
                    " ({pages} page(s) saved; rerun the same command to resume from page {})",
                    pages + 1
                ));
            }
            progress(FetchProgress::Error {
                service: Service::CloudTrail,
                region: region.clone(),
                message: message.clone(),
            });
            summary.errors.push(FetchIssue {
                service: Service::CloudTrail,
                region: region.clone(),
                message,
            });
        }
        let q = &cp.queries[i];
        let tally = summary.cloudtrail.entry(region).or_default();
        tally.pages += q.pages;
        tally.items += q.events;
        tally.skipped += q.skipped;
    }
    let window = cp.window;
    if cp.queries.iter().all(|q| q.finalized) {
        Checkpoint::clear(out);
    }
    Ok(window)
}

/// Page through query `i` from where its checkpoint stands, then write its records out.
async fn run_query(
    ctx: &Context,
    out: &OutDir,
    cp: &mut Checkpoint,
    i: usize,
    progress: &(impl Fn(FetchProgress) + Send + Sync),
    summary: &mut FetchSummary,
) -> Result<(), String> {
    let spool = spool_path(out, i);
    let ioerr = |e: std::io::Error| format!("{}: {e}", out.state_dir().display());
    if cp.queries[i].finalized {
        return Ok(());
    }
    spool_truncate(&spool, cp.queries[i].spool_len).map_err(ioerr)?;
    let region = cp.queries[i].region.clone();
    if cp.queries[i].pages > 0 && !cp.queries[i].paging_done {
        progress(FetchProgress::Resumed {
            region: region.clone(),
            page: cp.queries[i].pages + 1,
            events: cp.queries[i].events,
        });
    }
    let attribute = match &cp.queries[i].attr {
        Some(a) => Some(
            LookupAttribute::builder()
                .attribute_key(LookupAttributeKey::from(<&str>::from(a.key)))
                .attribute_value(a.value.clone())
                .build()
                .map_err(|e| e.to_string())?,
        ),
        None => None,
    };
    let paged = page_through(ctx, out, cp, i, attribute, progress, summary).await;
    // Even when paging stopped early, what did arrive goes into the case now (a later resume merges the rest
    // without duplicates); only a complete query is marked finalized.
    write_spool(out, &spool, &region, progress, summary)?;
    paged?;
    cp.queries[i].finalized = true;
    cp.save(out).map_err(ioerr)?;
    let _ = std::fs::remove_file(&spool);
    Ok(())
}

/// The NextToken loop of query `i`: one page per iteration, spooled and checkpointed before the next.
async fn page_through(
    ctx: &Context,
    out: &OutDir,
    cp: &mut Checkpoint,
    i: usize,
    attribute: Option<LookupAttribute>,
    progress: &(impl Fn(FetchProgress) + Send + Sync),
    summary: &mut FetchSummary,
) -> Result<(), String> {
    let spool = spool_path(out, i);
    let ioerr = |e: std::io::Error| format!("{}: {e}", out.state_dir().display());
    let region = cp.queries[i].region.clone();
    let client = ctx.cloudtrail(&region);
    let (from, to) = cp.window;
    while !cp.queries[i].paging_done {
        let token = cp.queries[i].next_token.clone();
        let resp = with_retry(
            &ctx.tuning,
            Service::CloudTrail,
            &region,
            "cloudtrail:LookupEvents",
            &ctx.profile,
            progress,
            || {
                client
                    .lookup_events()
                    .set_lookup_attributes(attribute.clone().map(|a| vec![a]))
                    .start_time(DateTime::from_secs(from))
                    .end_time(DateTime::from_secs(to))
                    .max_results(PAGE_SIZE)
                    .set_next_token(token.clone())
                    .send()
            },
        )
        .await?;
        let page = cp.queries[i].pages + 1;
        let mut lines = Vec::with_capacity(resp.events().len());
        let mut skipped = 0;
        for (n, ev) in resp.events().iter().enumerate() {
            let fallback = ev.event_time().map(|t| t.secs());
            let checked = match ev.cloud_trail_event() {
                Some(text) => CtRecord::parse(text, fallback).map(|_| text.to_string()),
                None => Err("no CloudTrailEvent".to_string()),
            };
            match checked {
                Ok(text) => lines.push(SpoolLine { t: fallback, r: text }),
                Err(reason) => {
                    skipped += 1;
                    let message = format!(
                        "page {page}, event {n} (EventId {}): skipped: {reason}",
                        ev.event_id().unwrap_or("?")
                    );
                    progress(FetchProgress::Note {
                        service: Service::CloudTrail,
                        region: region.clone(),
                        message: message.clone(),
                    });
                    summary.notes.push(FetchIssue {
                        service: Service::CloudTrail,
                        region: region.clone(),
                        message,
                    });
                }
            }
        }
        let next = resp.next_token().map(str::to_string);
        if next.is_some() && next == token {
            return Err("LookupEvents returned the same NextToken twice; stopping".into());
        }
        let len = spool_append(&spool, &lines).map_err(ioerr)?;
        let q = &mut cp.queries[i];
        q.spool_len = len;
        q.pages = page;
        q.events += lines.len();
        q.skipped += skipped;
        q.paging_done = next.is_none();
        q.next_token = next;
        let total = q.events;
        cp.save(out).map_err(ioerr)?;
        progress(FetchProgress::Page {
            service: Service::CloudTrail,
            region: region.clone(),
            page,
            items: lines.len(),
            total,
        });
    }
    Ok(())
}

/// Merge everything spooled for a query into the day files.
fn write_spool(
    out: &OutDir,
    spool: &std::path::Path,
    region: &str,
    progress: &(impl Fn(FetchProgress) + Send + Sync),
    summary: &mut FetchSummary,
) -> Result<(), String> {
    let lines = spool_read(spool).map_err(|e| format!("{}: {e}", spool.display()))?;
    let mut records = Vec::new();
    for line in lines {
        // Validated before spooling; a record failing now means the spool was tampered with: skip it.
        if let Ok(r) = CtRecord::parse(&line.r, line.t) {
            records.push(r);
        }
    }
    let written = write_cloudtrail(out, region, records).map_err(|e| format!("writing CloudTrail files: {e}"))?;
    let tally = summary.cloudtrail.entry(region.to_string()).or_default();
    for (rel, items) in written {
        progress(FetchProgress::Wrote {
            path: out.root.join(&rel),
            items,
        });
        if !tally.files.contains(&rel) {
            tally.files.push(rel);
        }
    }
    Ok(())
}
