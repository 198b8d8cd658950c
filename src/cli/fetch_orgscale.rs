//! `trailhound fetch --athena`: the org-scale path of the fetch command. Builds the
//! [`AthenaRequest`](crate::aws::athena::AthenaRequest) from the arguments, prints the plan with `--dry-run`,
//! else runs it with progress on stderr and the summary (every query's id, state, rows, bytes scanned and
//! estimated cost) on stderr or, with `--json`, stdout.

use std::process::ExitCode;
use std::time::Duration;

use super::fetch::FetchArgs;
use crate::aws::athena::{self, AthenaRequest, AthenaSummary};
use crate::core::orgscale::plan::{Principal, Query, Settings};
use crate::core::orgscale::sql::TableRef;

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

/// The Athena request the arguments describe.
pub fn request(a: &FetchArgs) -> Result<AthenaRequest, String> {
    let mut base = super::fetch::request(a)?;
    let finding = match &a.finding {
        Some(id) => from_finding(id, &a.inputs)?,
        None => FromFinding::default(),
    };
    if a.from.is_none() && a.to.is_none() && finding.window.is_some() {
        base.window = finding.window;
    }
    let table: TableRef = a
        .athena
        .as_deref()
        .unwrap_or_default()
        .parse()
        .map_err(|e: crate::core::orgscale::sql::BadIdent| format!("--athena: {e}; expected DATABASE.TABLE"))?;
    let accounts = if a.accounts.iter().any(|x| x == "all") {
        None
    } else {
        for acct in &a.accounts {
            if acct.len() != 12 || !acct.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("--account `{acct}`: expected 12 digits or `all`"));
            }
        }
        if a.accounts.is_empty() && finding.accounts.is_empty() && a.principals.is_empty() {
            return Err(
                "--athena needs --account ID (repeatable), --account all, or --principal to say what is in scope"
                    .into(),
            );
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
        return Err("--athena runs in one region: give --region once (the table's region)".into());
    }
    if !(a.price_per_tb.is_finite() && a.price_per_tb >= 0.0) {
        return Err("--price-per-tb must be a non-negative number".into());
    }
    Ok(AthenaRequest {
        base,
        table,
        catalog: a.catalog.clone(),
        workgroup: a.workgroup.clone(),
        output_location: a.output_location.clone(),
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
    })
}

/// The plan as text: per query its part, window, partitions, SQL and parameters.
pub fn plan_text(table: &str, layout: &str, queries: &[Query]) -> String {
    let mut out = format!("plan for {table} (partitions: {layout})\n");
    for (i, q) in queries.iter().enumerate() {
        let p = &q.partitions;
        out.push_str(&format!(
            "\n{}. {} [{} .. {}]\n   partitions: days {} .. {}; accounts {}; regions {}\n   sql: {}\n   parameters: {}\n",
            i + 1,
            q.part,
            q.from,
            q.to,
            p.days.0,
            p.days.1,
            p.accounts.as_ref().map_or("all".to_string(), |a| a.join(", ")),
            p.regions.as_ref().map_or("all".to_string(), |a| a.join(", ")),
            q.sql.text,
            q.sql.params.join(", ")
        ));
    }
    out.push_str(
        "\nthen: chain-completion rounds for temporary keys used in scope whose creation is older than the \
         window (built from the results, at most 8 rounds)\n",
    );
    out
}

fn print_summary(s: &AthenaSummary) {
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
        "athena: {} records, {} bytes scanned, ~${:.4}; manifest {}",
        s.records,
        s.bytes_scanned,
        s.cost_usd,
        s.manifest.display()
    ));
}

pub fn run(args: &FetchArgs, progress: impl Fn(crate::aws::FetchProgress) + Send + Sync) -> ExitCode {
    let req = match request(args) {
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
        return match rt.block_on(athena::dry_run(&req, progress)) {
            Ok((target, queries)) => {
                if args.json {
                    let _ = super::common::print_json(&queries);
                } else {
                    print!(
                        "{}",
                        crate::core::text::visible_lines(&plan_text(
                            &req.table.to_string(),
                            &target.layout.describe(),
                            &queries
                        ))
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                say(format_args!("error: {e}"));
                ExitCode::FAILURE
            }
        };
    }
    // Ctrl-C stops the queries still running (StopQueryExecution) and keeps what finished.
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    match rt.block_on(athena::fetch_until(req, progress, ctrl_c)) {
        Ok(summary) => {
            if args.json
                && let Err(e) = super::common::print_json(&summary)
            {
                say(format_args!("error: {e}"));
            }
            print_summary(&summary);
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
        assert_eq!(r.settings.accounts, Some(vec!["111122223333".to_string()]));
        assert!(
            r.principals
                .contains(&Principal::AccessKey("ASIAVENDORAUDIT00001".into())),
            "{:?}",
            r.principals
        );
        // 2026-11-05 16:00..17:00, the finding's scope.
        assert_eq!(r.base.window, Some((1_793_894_400, 1_793_897_999)));
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
        assert_eq!(r.settings.accounts, None);
        assert_eq!(r.baseline_days, 45);
        assert_eq!(r.price_per_tb, 5.0);
    }
}
