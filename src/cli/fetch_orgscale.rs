//! `trailhound fetch --athena` / `--lake`: the org-scale path of the fetch command. Builds the
//! [`AthenaRequest`](crate::aws::athena::AthenaRequest) or [`LakeRequest`](crate::aws::lake::LakeRequest) from
//! the arguments (one [`PlanRequest`] for both), prints the plan with `--dry-run`, else runs it with progress on
//! stderr and the summary (every query's id, state, rows, bytes scanned and estimated cost) on stderr or, with
//! `--json`, stdout.

use std::process::ExitCode;
use std::time::Duration;

use super::fetch::FetchArgs;
use crate::aws::athena::AthenaRequest;
use crate::aws::lake::LakeRequest;
use crate::aws::orgscale::OrgRequest;
use crate::aws::plan_run::{PlanRequest, PlanSummary};
use crate::core::orgscale::plan::{Principal, Settings, is_account_id};
use crate::core::orgscale::sql::{EventDataStore, TableRef};

fn say(line: std::fmt::Arguments) {
    eprintln!("{}", crate::core::text::visible_lines(&line.to_string()));
}

/// What a finding contributes to the plan: its accounts, the principals it names, its window.
#[derive(Debug, Default, PartialEq)]
pub struct FromFinding {
    pub accounts: Vec<String>,
    pub principals: Vec<Principal>,
    pub window: Option<(i64, i64)>,
}

/// Read finding `id` from `inputs` and take what the plan needs from it.
pub fn from_finding(id: &str, inputs: &[std::path::PathBuf]) -> Result<FromFinding, String> {
    use crate::core::entity::EntityRef;
    let ds = crate::core::dataset::Dataset::load(inputs, &Default::default(), &|_| {});
    let f = ds
        .store()
        .findings
        .iter()
        .find(|f| f.id == id)
        .ok_or_else(|| format!("--finding: no finding with id {id:?} in the --input files"))?;
    let mut out = FromFinding::default();
    out.accounts.extend(f.account.iter().filter(|a| a.len() == 12).cloned());
    for e in f.entities() {
        let p = match e.entity {
            EntityRef::Session(k) | EntityRef::AccessKey(k) => Principal::AccessKey(k),
            EntityRef::Role(r) => Principal::Role(r),
            EntityRef::Identity { role_arn, session_name } => Principal::Identity { role_arn, session_name },
            EntityRef::Principal(p) => p.parse()?,
            EntityRef::Account(a) if a.len() == 12 && e.relation != "external principal" => {
                if !out.accounts.contains(&a) {
                    out.accounts.push(a);
                }
                continue;
            }
            _ => continue,
        };
        if !out.principals.contains(&p) {
            out.principals.push(p);
        }
    }
    let scope = f.scope();
    if scope.from > i64::MIN && scope.to < i64::MAX {
        out.window = Some((scope.from, scope.to - 1));
    }
    Ok(out)
}

/// What both engines' requests share, from the arguments (`engine` names the flag in messages).
fn plan_request(a: &FetchArgs, engine: &str) -> Result<PlanRequest, String> {
    let mut base = super::fetch::request(a)?;
    let finding = match &a.finding {
        Some(id) => from_finding(id, &a.inputs)?,
        None => FromFinding::default(),
    };
    if a.from.is_none() && a.to.is_none() && finding.window.is_some() {
        base.window = finding.window;
    }
    let accounts = if a.accounts.iter().any(|x| x == "all") {
        None
    } else {
        for acct in &a.accounts {
            if !is_account_id(acct) {
                return Err(format!("--account `{acct}`: expected 12 digits or `all`"));
            }
        }
        if a.accounts.is_empty() && finding.accounts.is_empty() && a.principals.is_empty() {
            return Err(format!(
                "{engine} needs --account ID (repeatable), --account all, or --principal to say what is in scope"
            ));
        }
        let mut all = a.accounts.clone();
        all.extend(finding.accounts.iter().filter(|x| !a.accounts.contains(x)).cloned());
        (!all.is_empty()).then_some(all)
    };
    let mut principals = a
        .principals
        .iter()
        .map(|p| p.parse::<Principal>().map_err(|e| format!("--principal: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    for p in finding.principals {
        if !principals.contains(&p) {
            principals.push(p);
        }
    }
    if base.regions.len() > 1 {
        return Err(format!(
            "{engine} runs in one region: give --region once (the region of the table or event data store)"
        ));
    }
    if !(a.price_per_tb.is_finite() && a.price_per_tb >= 0.0) {
        return Err("--price-per-tb must be a non-negative number".into());
    }
    Ok(PlanRequest {
        base,
        settings: Settings {
            accounts,
            regions: None,
            max_rows: a.max_rows,
            allow_full_scan: a.allow_full_scan,
        },
        principals,
        baseline_days: a.baseline_days,
        price_per_tb: a.price_per_tb,
        max_scan_bytes: a.max_scan_bytes,
        poll_interval: Duration::from_millis(a.poll_ms),
        concurrency: usize::from(a.query_concurrency),
        results: a.results,
    })
}

/// The Athena request the arguments describe.
pub fn request(a: &FetchArgs) -> Result<AthenaRequest, String> {
    let table: TableRef = a
        .athena
        .as_deref()
        .unwrap_or_default()
        .parse()
        .map_err(|e: crate::core::orgscale::sql::BadIdent| format!("--athena: {e}; expected DATABASE.TABLE"))?;
    Ok(AthenaRequest {
        plan: plan_request(a, "--athena")?,
        table,
        catalog: a.catalog.clone(),
        workgroup: a.workgroup.clone(),
        output_location: a.output_location.clone(),
    })
}

/// The CloudTrail Lake request the arguments describe.
pub fn lake_request(a: &FetchArgs) -> Result<LakeRequest, String> {
    let store: EventDataStore = a.lake.as_deref().unwrap_or_default().parse().map_err(|_| {
        "--lake: expected an event data store ARN (arn:aws:cloudtrail:REGION:ACCOUNT:eventdatastore/ID) or its id \
         (letters, digits and -)"
            .to_string()
    })?;
    let mut plan = plan_request(a, "--lake")?;
    // The ARN's region is the store's, unless --region says otherwise.
    if plan.base.regions.is_empty()
        && let Some(r) = &store.region
    {
        plan.base.regions = vec![r.clone()];
    }
    Ok(LakeRequest { plan, store })
}

fn print_summary(engine: &str, s: &PlanSummary) {
    for q in &s.queries {
        say(format_args!(
            "{}: {} {} rows {} scanned {} bytes (~${:.4}){}",
            q.part,
            q.query_id.as_deref().unwrap_or("-"),
            q.state,
            q.rows,
            q.bytes_scanned,
            q.cost_usd,
            if q.reused { " (reused)" } else { "" }
        ));
    }
    say(format_args!(
        "{engine}: {} records, {} bytes scanned, ~${:.4}; manifest {}",
        s.records,
        s.bytes_scanned,
        s.cost_usd,
        s.manifest.display()
    ));
}

pub fn run(args: &FetchArgs, progress: impl Fn(crate::aws::FetchProgress) + Send + Sync) -> ExitCode {
    let built = if args.lake.is_some() {
        lake_request(args).map(OrgRequest::Lake)
    } else {
        request(args).map(OrgRequest::Athena)
    };
    let req = match built {
        Ok(r) => r,
        Err(e) => {
            say(format_args!("error: {e}"));
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    if args.dry_run {
        if args.json {
            return match rt.block_on(req.dry_run(progress)) {
                Ok((_, _, queries)) => {
                    let _ = super::common::print_json(&queries);
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    say(format_args!("error: {e}"));
                    ExitCode::FAILURE
                }
            };
        }
        return match rt.block_on(req.plan_text(progress)) {
            Ok(text) => {
                print!("{}", crate::core::text::visible_lines(&text));
                ExitCode::SUCCESS
            }
            Err(e) => {
                say(format_args!("error: {e}"));
                ExitCode::FAILURE
            }
        };
    }
    // Ctrl-C stops the queries still running (StopQueryExecution / CancelQuery) and keeps what finished.
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let engine = req.engine();
    let result = rt.block_on(req.fetch_until(progress, ctrl_c));
    match result {
        Ok(summary) => {
            if args.json
                && let Err(e) = super::common::print_json(&summary)
            {
                say(format_args!("error: {e}"));
            }
            print_summary(engine, &summary);
            if summary.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                eprintln!("fetch finished with {} error(s)", summary.errors.len());
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            say(format_args!("error: {e}"));
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(clap::Parser)]
    struct T {
        #[command(flatten)]
        a: FetchArgs,
    }

    fn req(args: &[&str]) -> Result<AthenaRequest, String> {
        let t = T::try_parse_from(std::iter::once("t").chain(args.iter().copied())).map_err(|e| e.to_string())?;
        request(&t.a)
    }

    #[test]
    fn a_finding_gives_accounts_principals_and_window() {
        let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/case/findings");
        let r = req(&[
            "--athena",
            "trails.org",
            "--finding",
            "8ec5b1a2c3d4e5f60718293a4b5c6d7e",
            "-i",
            sample,
        ])
        .unwrap();
        assert_eq!(r.plan.settings.accounts, Some(vec!["111122223333".to_string()]));
        assert!(
            r.plan
                .principals
                .contains(&Principal::AccessKey("ASIAVENDORAUDIT00001".into())),
            "{:?}",
            r.plan.principals
        );
        // 2026-11-05 16:00..17:00, the finding's scope.
        assert_eq!(r.plan.base.window, Some((1_793_894_400, 1_793_897_999)));
        assert!(
            req(&["--athena", "trails.org", "--finding", "nope", "-i", sample])
                .unwrap_err()
                .contains("nope")
        );
    }

    #[test]
    fn bad_arguments_are_refused() {
        assert!(req(&["--athena", "trails"]).unwrap_err().contains("DATABASE.TABLE"));
        assert!(req(&["--athena", "a.b;drop", "--account", "all"]).is_err());
        assert!(req(&["--athena", "a.b"]).unwrap_err().contains("--account"));
        assert!(
            req(&["--athena", "a.b", "--account", "12"])
                .unwrap_err()
                .contains("12 digits")
        );
        let r = req(&["--athena", "a.b", "--account", "all"]).unwrap();
        assert_eq!(r.plan.settings.accounts, None);
        assert_eq!(r.plan.baseline_days, 45);
        assert_eq!(r.plan.price_per_tb, 5.0);
        assert_eq!(r.plan.concurrency, crate::aws::plan_run::DEFAULT_QUERY_CONCURRENCY);
        for bad in ["0", "21", "x"] {
            assert!(req(&["--athena", "a.b", "--account", "all", "--query-concurrency", bad]).is_err());
        }
        let r = req(&["--athena", "a.b", "--account", "all", "--query-concurrency", "20"]).unwrap();
        assert_eq!(r.plan.concurrency, 20);
    }

    #[test]
    fn results_says_how_rows_are_read() {
        use crate::aws::plan_run::ResultsChoice;
        let r = req(&["--athena", "a.b", "--account", "all"]).unwrap();
        assert_eq!(r.plan.results, ResultsChoice::Auto);
        for (word, want) in [
            ("auto", ResultsChoice::Auto),
            ("csv", ResultsChoice::Csv),
            ("pages", ResultsChoice::Pages),
        ] {
            let r = req(&["--athena", "a.b", "--account", "all", "--results", word]).unwrap();
            assert_eq!(r.plan.results, want);
        }
        assert!(req(&["--athena", "a.b", "--account", "all", "--results", "json"]).is_err());
        // Lake has no result file to read.
        assert!(T::try_parse_from(["t", "--lake", "x", "--account", "all", "--results", "csv"]).is_err());
    }

    #[test]
    fn lake_takes_an_arn_or_an_id_and_the_arns_region() {
        let t = T::try_parse_from([
            "t",
            "--lake",
            "arn:aws:cloudtrail:eu-west-1:111122223333:eventdatastore/EXAMPLE-f852",
            "--account",
            "all",
        ])
        .unwrap();
        let r = lake_request(&t.a).unwrap();
        assert_eq!(r.store.id, "EXAMPLE-f852");
        assert_eq!(r.plan.base.regions, ["eu-west-1"]);
        let t = T::try_parse_from(["t", "--lake", "a b;", "--account", "all"]).unwrap();
        assert!(lake_request(&t.a).unwrap_err().contains("--lake"));
        let t = T::try_parse_from(["t", "--lake", "EXAMPLE-f852"]).unwrap();
        assert!(lake_request(&t.a).unwrap_err().starts_with("--lake needs --account"));
        assert!(T::try_parse_from(["t", "--lake", "x", "--athena", "a.b"]).is_err());
    }
}
