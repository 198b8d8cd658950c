//! IAM Access Analyzer: `ListAnalyzers` → `ListFindingsV2` (all pages) → `GetFindingV2` per finding (all detail
//! pages), written per analyzer. Findings are current state rather than events, so the time window does not
//! apply. A region without an analyzer is a note, not an error.

use std::path::PathBuf;

use super::config::Context;
use super::errors::with_retry;
use super::write::{OutDir, account_component, safe_component, write_findings};
use super::{FetchIssue, FetchProgress, FetchSummary, Service};

pub(crate) async fn fetch_region(
    ctx: &Context,
    region: &str,
    out: &OutDir,
    progress: &(impl Fn(FetchProgress) + Send + Sync),
    summary: &mut FetchSummary,
) {
    summary.access_analyzer.entry(region.to_string()).or_default();
    // When the whole fetch was halted, the reason is reported once by `aws::fetch`.
    if let Err(message) = fetch(ctx, region, out, progress, summary).await
        && ctx.halted().is_none()
    {
        progress(FetchProgress::Error {
            service: Service::AccessAnalyzer,
            region: region.to_string(),
            message: message.clone(),
        });
        summary.errors.push(FetchIssue {
            service: Service::AccessAnalyzer,
            region: region.to_string(),
            message,
        });
    }
}

async fn fetch(
    ctx: &Context,
    region: &str,
    out: &OutDir,
    progress: &(impl Fn(FetchProgress) + Send + Sync),
    summary: &mut FetchSummary,
) -> Result<(), String> {
    let client = ctx.access_analyzer(region);
    let svc = Service::AccessAnalyzer;
    let mut analyzers = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let resp = with_retry(ctx, svc, region, "access-analyzer:ListAnalyzers", progress, || {
            client.list_analyzers().set_next_token(token.clone()).send()
        })
        .await?;
        analyzers.extend(resp.analyzers().iter().cloned());
        token = resp.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    if analyzers.is_empty() {
        let message = format!("no IAM Access Analyzer analyzer in {region}; skipped");
        progress(FetchProgress::Note {
            service: svc,
            region: region.to_string(),
            message: message.clone(),
        });
        summary.notes.push(FetchIssue {
            service: svc,
            region: region.to_string(),
            message,
        });
        return Ok(());
    }
    for analyzer in analyzers {
        let arn = analyzer.arn().to_string();
        let mut findings = Vec::new();
        let mut token: Option<String> = None;
        let mut page = 0u32;
        loop {
            let resp = with_retry(ctx, svc, region, "access-analyzer:ListFindingsV2", progress, || {
                client
                    .list_findings_v2()
                    .analyzer_arn(&arn)
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
            page += 1;
            for summary in resp.findings() {
                let id = summary.id().to_string();
                let first = with_retry(ctx, svc, region, "access-analyzer:GetFindingV2", progress, || {
                    client.get_finding_v2().analyzer_arn(&arn).id(&id).send()
                })
                .await?;
                let mut details = first.finding_details().to_vec();
                let mut next = first.next_token().map(str::to_string);
                while let Some(t) = next.take() {
                    let more = with_retry(ctx, svc, region, "access-analyzer:GetFindingV2", progress, || {
                        client
                            .get_finding_v2()
                            .analyzer_arn(&arn)
                            .id(&id)
                            .next_token(t.clone())
                            .send()
                    })
                    .await?;
                    details.extend(more.finding_details().iter().cloned());
                    next = more.next_token().filter(|n| *n != t).map(str::to_string);
                }
                findings.push(super::aa_json::finding(&first, &details));
            }
            progress(FetchProgress::Page {
                service: svc,
                region: region.to_string(),
                page,
                items: resp.findings().len(),
                total: findings.len(),
            });
            token = resp.next_token().filter(|t| !t.is_empty()).map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        // arn:aws:access-analyzer:<region>:<account>:analyzer/<name>
        let account = account_component(arn.split(':').nth(4));
        let rel = PathBuf::from("access-analyzer")
            .join(format!("{account}_{region}_{}.json", safe_component(analyzer.name())));
        let count = findings.len();
        let n = write_findings(out, &rel, findings).map_err(|e| format!("writing {}: {e}", rel.display()))?;
        progress(FetchProgress::Wrote {
            path: out.root.join(&rel),
            items: n,
        });
        let tally = summary.access_analyzer.entry(region.to_string()).or_default();
        tally.pages += page;
        tally.items += count;
        tally.files.push(rel);
    }
    Ok(())
}
