//! GuardDuty: `ListDetectors` → `ListFindings` (criteria: `updatedAt` within the window, optional minimum
//! severity) → `GetFindings` in batches of at most 50, written per account, region and detector. A region without
//! a detector is a note ("GuardDuty is not enabled there"), not an error.

use std::collections::BTreeMap;
use std::path::PathBuf;

use aws_sdk_guardduty::types::{Condition, FindingCriteria};
use serde_json::Value;

use super::config::Context;
use super::errors::with_retry;
use super::write::{OutDir, account_component, safe_component, write_findings};
use super::{FetchIssue, FetchProgress, FetchRequest, FetchSummary, Service};

/// GetFindings takes at most 50 ids per call.
pub(crate) const BATCH: usize = 50;

pub(crate) async fn fetch_region(
    ctx: &Context,
    req: &FetchRequest,
    window: (i64, i64),
    region: &str,
    out: &OutDir,
    progress: &(impl Fn(FetchProgress) + Send + Sync),
    summary: &mut FetchSummary,
) {
    summary.guardduty.entry(region.to_string()).or_default();
    match fetch(ctx, req, window, region, out, progress, summary).await {
        Ok(()) => {}
        // The reason is the whole fetch's, reported once by `aws::fetch`.
        Err(_) if ctx.halted().is_some() => {}
        Err(message) => {
            progress(FetchProgress::Error {
                service: Service::GuardDuty,
                region: region.to_string(),
                message: message.clone(),
            });
            summary.errors.push(FetchIssue {
                service: Service::GuardDuty,
                region: region.to_string(),
                message,
            });
        }
    }
}

async fn fetch(
    ctx: &Context,
    req: &FetchRequest,
    window: (i64, i64),
    region: &str,
    out: &OutDir,
    progress: &(impl Fn(FetchProgress) + Send + Sync),
    summary: &mut FetchSummary,
) -> Result<(), String> {
    let client = ctx.guardduty(region);
    let mut detectors = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let action = "guardduty:ListDetectors";
        let resp = with_retry(ctx, Service::GuardDuty, region, action, progress, || {
            client.list_detectors().set_next_token(token.clone()).send()
        })
        .await?;
        detectors.extend(resp.detector_ids().iter().cloned());
        token = resp.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    if detectors.is_empty() {
        let message = format!("no GuardDuty detector in {region} (GuardDuty is not enabled there); skipped");
        progress(FetchProgress::Note {
            service: Service::GuardDuty,
            region: region.to_string(),
            message: message.clone(),
        });
        summary.notes.push(FetchIssue {
            service: Service::GuardDuty,
            region: region.to_string(),
            message,
        });
        return Ok(());
    }
    let mut criteria = FindingCriteria::builder().criterion(
        "updatedAt",
        Condition::builder()
            .greater_than_or_equal(window.0.saturating_mul(1000))
            .less_than_or_equal(window.1.saturating_mul(1000))
            .build(),
    );
    if let Some(min) = req.min_severity {
        // The API compares integers; the exact (fractional) bound is applied to the results below.
        criteria = criteria.criterion(
            "severity",
            Condition::builder().greater_than_or_equal(min.floor() as i64).build(),
        );
    }
    let criteria = criteria.build();
    for detector in detectors {
        let mut by_account: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let mut token: Option<String> = None;
        let mut page = 0u32;
        let mut total = 0usize;
        loop {
            let action = "guardduty:ListFindings";
            let resp = with_retry(ctx, Service::GuardDuty, region, action, progress, || {
                client
                    .list_findings()
                    .detector_id(&detector)
                    .finding_criteria(criteria.clone())
                    .max_results(BATCH as i32)
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
            page += 1;
            for ids in resp.finding_ids().chunks(BATCH) {
                let action = "guardduty:GetFindings";
                let got = with_retry(ctx, Service::GuardDuty, region, action, progress, || {
                    client
                        .get_findings()
                        .detector_id(&detector)
                        .set_finding_ids(Some(ids.to_vec()))
                        .send()
                })
                .await?;
                for f in got.findings() {
                    if req
                        .min_severity
                        .is_some_and(|min| f.severity().is_some_and(|s| s < min))
                    {
                        continue;
                    }
                    total += 1;
                    by_account
                        .entry(account_component(f.account_id()))
                        .or_default()
                        .push(super::gd_json::finding(f));
                }
            }
            progress(FetchProgress::Page {
                service: Service::GuardDuty,
                region: region.to_string(),
                page,
                items: resp.finding_ids().len(),
                total,
            });
            token = resp.next_token().filter(|t| !t.is_empty()).map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        let tally = summary.guardduty.entry(region.to_string()).or_default();
        tally.pages += page;
        tally.items += total;
        for (account, findings) in by_account {
            let rel = PathBuf::from("guardduty").join(format!("{account}_{region}_{}.json", safe_component(&detector)));
            let n = write_findings(out, &rel, findings).map_err(|e| format!("writing {}: {e}", rel.display()))?;
            progress(FetchProgress::Wrote {
                path: out.root.join(&rel),
                items: n,
            });
            let tally = summary.guardduty.entry(region.to_string()).or_default();
            tally.files.push(rel);
        }
    }
    Ok(())
}
