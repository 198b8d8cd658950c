//! CloudTrail `LookupEvents`: one query per region and lookup attribute (the API takes one attribute per call),
//! every page via a manual NextToken loop (so each page can be checkpointed), the embedded `CloudTrailEvent`
//! strings validated and kept verbatim, and the result merged into S3-style day files. Regions run at the same
//! time (see [`super::fetch`]), the queries of one region one after the other; all share one checkpoint
//! ([`Shared`]). Rate limiting happens in the client's HTTP layer (see `ratelimit`); retries in the SDK plus
//! `errors::with_retry`.

use std::sync::Mutex;

use aws_sdk_cloudtrail::primitives::DateTime;
use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};

use super::checkpoint::{Checkpoint, QueryState, SpoolLine, spool_append, spool_path, spool_read, spool_truncate};
use super::config::{Context, resolve_window};
use super::errors::{FetchError, with_retry};
use super::write::{CtRecord, OutDir, write_cloudtrail};
use super::{FetchIssue, FetchProgress, FetchRequest, FetchSummary, LookupAttr, Service};

/// The most the API returns per page.
const PAGE_SIZE: i32 = 50;

/// The checkpoint of this fetch, shared by the regions running at once: each region owns its own queries and
/// writes their state back here after every page (the file holds every query, so saves take turns).
pub(crate) struct Shared {
    cp: Mutex<Checkpoint>,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Checkpoint> {
        // Poisoned only if a region panicked mid-update; the checkpoint on disk is still the last good one.
        self.cp.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The window every query of this fetch uses (the interrupted run's when resuming).
    pub(crate) fn window(&self) -> (i64, i64) {
        self.lock().window
    }

    fn query(&self, i: usize) -> QueryState {
        self.lock().queries[i].clone()
    }

    /// Record query `i`'s new state and save the checkpoint.
    fn commit(&self, out: &OutDir, i: usize, q: &QueryState) -> std::io::Result<()> {
        let mut cp = self.lock();
        cp.queries[i] = q.clone();
        cp.save(out)
    }

    /// The indices of `region`'s queries, in order.
    fn of_region(&self, region: &str) -> Vec<usize> {
        let cp = self.lock();
        (0..cp.queries.len())
            .filter(|&i| cp.queries[i].region == region)
            .collect()
    }
}

/// Set up the CloudTrail queries of the request (one per region and lookup attribute), resuming an interrupted
/// fetch of the same queries.
pub(crate) fn prepare(
    ctx: &Context,
    req: &FetchRequest,
    out: &OutDir,
    progress: &(impl Fn(FetchProgress) + Send + Sync),
) -> Result<Shared, FetchError> {
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
    let cp = match Checkpoint::load(out) {
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
    cp.save(out).map_err(|e| FetchError::io(out.state_dir(), e))?;
    Ok(Shared { cp: Mutex::new(cp) })
}

/// Run `region`'s queries one after the other (they share the region's rate limit, so running them at once
/// would gain nothing); a failed query is recorded and the next one runs.
pub(crate) async fn fetch_region(
    ctx: &Context,
    out: &OutDir,
    shared: &Shared,
    region: &str,
    progress: &(impl Fn(FetchProgress) + Send + Sync),
    summary: &mut FetchSummary,
) {
    for i in shared.of_region(region) {
        if let Err(mut message) = run_query(ctx, out, shared, i, progress, summary).await
            && ctx.halted().is_none()
        {
            let pages = shared.query(i).pages;
            if pages > 0 {
                message.push_str(&format!(
                    " ({pages} page(s) saved; rerun the same command to resume from page {})",
                    pages + 1
                ));
            }
            progress(FetchProgress::Error {
                service: Service::CloudTrail,
                region: region.to_string(),
                message: message.clone(),
            });
            summary.errors.push(FetchIssue {
                service: Service::CloudTrail,
                region: region.to_string(),
                message,
            });
        }
        let q = shared.query(i);
        let tally = summary.cloudtrail.entry(region.to_string()).or_default();
        tally.pages += q.pages;
        tally.items += q.events;
        tally.skipped += q.skipped;
    }
}

/// Once every region is done: drop the resumable state if every query was written out.
pub(crate) fn finish(out: &OutDir, shared: Shared) {
    let cp = shared.cp.into_inner().unwrap_or_else(|p| p.into_inner());
    if cp.queries.iter().all(|q| q.finalized) {
        Checkpoint::clear(out);
    }
}

/// Page through query `i` from where its checkpoint stands, then write its records out.
async fn run_query(
    ctx: &Context,
    out: &OutDir,
    shared: &Shared,
    i: usize,
    progress: &(impl Fn(FetchProgress) + Send + Sync),
    summary: &mut FetchSummary,
) -> Result<(), String> {
    let spool = spool_path(out, i);
    let ioerr = |e: std::io::Error| format!("{}: {e}", out.state_dir().display());
    let mut q = shared.query(i);
    if q.finalized {
        return Ok(());
    }
    spool_truncate(&spool, q.spool_len).map_err(ioerr)?;
    let region = q.region.clone();
    if q.pages > 0 && !q.paging_done {
        progress(FetchProgress::Resumed {
            region: region.clone(),
            page: q.pages + 1,
            events: q.events,
        });
    }
    let paged = page_through(ctx, out, shared, i, &mut q, progress, summary).await;
    // Even when paging stopped early, what did arrive goes into the case now (a later resume merges the rest
    // without duplicates); only a complete query is marked finalized.
    write_spool(out, &spool, &region, progress, summary)?;
    paged?;
    q.finalized = true;
    shared.commit(out, i, &q).map_err(ioerr)?;
    let _ = std::fs::remove_file(&spool);
    Ok(())
}

/// The NextToken loop of query `i` (state `q`): one page per iteration, spooled and checkpointed before the next.
async fn page_through(
    ctx: &Context,
    out: &OutDir,
    shared: &Shared,
    i: usize,
    q: &mut QueryState,
    progress: &(impl Fn(FetchProgress) + Send + Sync),
    summary: &mut FetchSummary,
) -> Result<(), String> {
    let attribute = match &q.attr {
        Some(a) => Some(
            LookupAttribute::builder()
                .attribute_key(LookupAttributeKey::from(<&str>::from(a.key)))
                .attribute_value(a.value.clone())
                .build()
                .map_err(|e| e.to_string())?,
        ),
        None => None,
    };
    let spool = spool_path(out, i);
    let ioerr = |e: std::io::Error| format!("{}: {e}", out.state_dir().display());
    let region = q.region.clone();
    let client = ctx.cloudtrail(&region);
    let (from, to) = shared.window();
    while !q.paging_done {
        let token = q.next_token.clone();
        let resp = with_retry(
            ctx,
            Service::CloudTrail,
            &region,
            "cloudtrail:LookupEvents",
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
        let page = q.pages + 1;
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
        q.spool_len = len;
        q.pages = page;
        q.events += lines.len();
        q.skipped += skipped;
        q.paging_done = next.is_none();
        q.next_token = next;
        let total = q.events;
        shared.commit(out, i, q).map_err(ioerr)?;
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
