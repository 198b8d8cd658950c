//! Export on the bundled sample case with an analyst's notes on sara's two sessions: the Markdown report is a
//! golden file, and its key facts (chain, new behaviour, evidence, deep links) are asserted directly.

use std::process::Command;

fn th(args: &[&str], envs: &[(&str, &str)]) -> String {
    let mut c = Command::new(env!("CARGO_BIN_EXE_trailhound"));
    c.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    for (k, v) in envs {
        c.env(k, v);
    }
    let out = c.output().expect("run trailhound");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn markdown_report_of_the_sample_investigation() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case");
    let case = case.to_str().unwrap();
    let author = [("TRAILHOUND_AUTHOR", "analyst")];
    th(&["case", "new", "--case", case, "-i", "samples/case"], &author);
    th(
        &[
            "case",
            "scope",
            "--case",
            case,
            "2026-11-05T14:00:00Z..2026-11-05T15:00:00Z",
        ],
        &author,
    );
    th(
        &[
            "note",
            "add",
            "--case",
            case,
            "session:ASIASARAADMIN0000001",
            "StopLogging on demo-trail-2 from Bellevue",
        ],
        &author,
    );
    th(
        &[
            "note",
            "add",
            "--case",
            case,
            "session:ASIADEMOROLE10000001",
            "Chained into DemoRole1: RunInstances, trust policy change",
        ],
        &author,
    );
    th(
        &["verdict", "--case", case, "session:ASIADEMOROLE10000001", "malicious"],
        &author,
    );
    th(&["star", "--case", case, "session:ASIADEMOROLE10000001"], &author);
    let md = th(&["export", "--case", case, "--format", "md"], &author);
    for needle in [
        "new API call:** iam:UpdateAssumeRolePolicy",
        "new API call:** ec2:RunInstances",
        "AssumeRole (access-key)",
        "identity-center-user sara",
        "#entities/AwsRoleSession/AROADEMOROLE1EXAMPLE:sara?scopeStart=1793887200&scopeEnd=1793890800",
        "| Low 2.0 | Stealth:IAMUser/CloudTrailLoggingDisabled |",
        "malicious",
        "**Severity: critical** (score 85)",
        "```sh\naws cloudtrail start-logging --name 'arn:aws:cloudtrail:us-east-1:111122223333:trail/demo-trail-2' --region 'us-east-1'\n```",
    ] {
        assert!(md.contains(needle), "missing {needle:?} in:\n{md}");
    }
    // The case folder, the checkout path and today's timestamps (case creation, notes, generation) vary per run;
    // everything else is golden.
    let today = jiff::Timestamp::now().strftime("%Y-%m-%dT").to_string();
    let stable: String = md
        .lines()
        .map(|l| {
            let l = l
                .replace(dir.path().to_str().unwrap(), "<case dir>")
                .replace(env!("CARGO_MANIFEST_DIR"), "<repo>");
            mask_today(&l, &today)
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("sample_report_md", stable);
}

/// Replace every `YYYY-MM-DDTHH:MM:SSZ` stamp of today (written by this run) with `<now>`.
fn mask_today(line: &str, today: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find(today) {
        out.push_str(&rest[..i]);
        let stamp_len = "2026-11-28T12:00:00Z".len();
        out.push_str("<now>");
        rest = rest.get(i + stamp_len..).unwrap_or("");
    }
    out.push_str(rest);
    out
}
