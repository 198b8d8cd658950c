//! Rule hits in the TUI (README "Detections"): the Rules column of events tables, the rules beside the findings
//! pivoting to their events, the `:rule` filter, the rules on the event detail — at 120×40 and 80×24 — and that
//! the numbers are `trailhound detect --json`'s. Hostile rule titles (user rule files) never reach the terminal.

use crate::harness::*;
use serde_json::{Value, json};
use trailhound::core::rules::{RuleOrigin, RuleSetBuilder};
use trailhound::tui::action::{Action, Input};
use trailhound::tui::app::{App, Mode};
use trailhound::tui::spec::ViewSpec;
use trailhound::tui::update::update;

const DEMO_KEY: &str = "ASIADEMOROLE10000001";
const ADMIN_POLICY: &str = "Administrator policy attached";

macro_rules! snap {
    ($name:literal, $app:expr) => {
        insta::assert_snapshot!($name, screen($app));
        insta::assert_snapshot!(concat!($name, "_80x24"), screen_at($app, 80, 24));
    };
}

fn tab(app: &mut App, name: &str) {
    for _ in 0..8 {
        if app.tab_name() == Some(name) {
            return;
        }
        act(app, Action::NextTab);
    }
    panic!("no tab {name}");
}

/// Every row of the top table, its cells joined by ` | `, in display order.
fn rows(app: &App) -> Vec<String> {
    let src = trailhound::tui::views::source(app).expect("a table");
    let n = src.columns().len();
    app.top()
        .table
        .order
        .iter()
        .map(|&r| {
            (0..n)
                .map(|c| src.cell(r as usize, c).into_owned())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}

/// One column's cell of every row, by the column's title.
fn column(app: &App, title: &str) -> Vec<String> {
    let src = trailhound::tui::views::source(app).expect("a table");
    let c = src
        .columns()
        .iter()
        .position(|c| c.title.starts_with(title))
        .unwrap_or_else(|| panic!("no column {title}"));
    app.top()
        .table
        .order
        .iter()
        .map(|&r| src.cell(r as usize, c).into_owned())
        .collect()
}

fn sample_app() -> Option<App> {
    let case = sample()?;
    let mut app = app_on(&case);
    command(&mut app, "scope 2026-11-05T14:00:00Z..2026-11-05T15:00:00Z");
    Some(app)
}

#[test]
fn rules_column_findings_rows_rule_view_and_event_detail() {
    let Some(mut app) = sample_app() else { return };
    // The findings list: the rules that hit 14:00–15:00 beside GuardDuty's, highest level with High findings.
    let all = rows(&app);
    assert!(
        all.iter()
            .any(|r| r.starts_with("High | Rule | Administrator policy attached | 111122223333 | 1 origin · 1 session identity | 2026-11-05T14:31:02Z | 1")),
        "{all:#?}"
    );
    assert!(all.iter().any(|r| r.starts_with("Medium 5.0 | GuardDuty")), "{all:#?}");
    let counts = screen(&mut app);
    assert!(
        counts.contains("4 rules hit 4 events in scope: High 3  Low 1"),
        "{counts}"
    );
    snap!("rules_findings", &mut app);

    // Enter on the rule's row: its events in scope, under what the rule is.
    select_row(&mut app, ADMIN_POLICY);
    act(&mut app, Action::Enter);
    assert!(matches!(app.spec(), ViewSpec::Rule(_)), "{:?}", app.spec());
    let hit = rows(&app);
    assert_eq!(hit.len(), 1, "{hit:#?}");
    assert!(
        hit[0].contains("iam:AttachRolePolicy") && hit[0].contains("AccessDenied"),
        "{hit:#?}"
    );
    snap!("rules_rule_view", &mut app);

    // The session's events: the Rules column names the highest-level rule, how many more, and ATT&CK.
    command(&mut app, &format!("session {DEMO_KEY}"));
    tab(&mut app, "Events");
    let cells = column(&app, "Rules");
    assert_eq!(
        cells,
        [
            "",
            "",
            "Administrator policy attached +1 · T1098.003",
            "IAM policy attached or written · T1098.003",
            "Role trust policy lets another account assume the role · T1098.003",
            "",
        ],
        "{:#?}",
        rows(&app)
    );
    snap!("rules_session_events", &mut app);

    // The denied attach: both rules listed on the detail, highest level first, with tags, id and file.
    select_row(&mut app, "AccessDenied");
    act(&mut app, Action::Enter);
    let s = screen(&mut app);
    let admin = s.find("[high] Administrator policy attached").expect("the high rule");
    let written = s.find("[low] IAM policy attached or written").expect("the low rule");
    assert!(admin < written, "{s}");
    assert!(s.contains("built-in iam_admin_policy_attached.yml"), "{s}");
    assert!(s.contains("T1098.003"), "{s}");
    snap!("rules_event_detail", &mut app);
}

#[test]
fn rule_command_filters_the_events_table_and_is_cleared_like_a_filter() {
    let Some(mut app) = sample_app() else { return };
    command(&mut app, &format!("session {DEMO_KEY}"));
    tab(&mut app, "Events");
    assert_eq!(rows(&app).len(), 6);

    // Tab completes a rule that hit, ignoring case; the command keeps its events.
    act(&mut app, Action::Command);
    for c in "rule adm".chars() {
        update(&mut app, Input::Char(c));
    }
    update(&mut app, Input::Complete);
    assert_eq!(
        app.mode,
        Mode::Command(trailhound::tui::line_edit::LineEdit::with(&format!(
            "rule {ADMIN_POLICY}"
        )))
    );
    let cmds = update(&mut app, Input::Submit);
    run(&mut app, cmds);
    let kept = rows(&app);
    assert_eq!(kept.len(), 1, "{kept:#?}");
    assert!(kept[0].contains("iam:AttachRolePolicy") && kept[0].contains("AccessDenied"));
    assert_eq!(app.top().rule.as_ref().map(|r| r.title.as_str()), Some(ADMIN_POLICY));
    assert_eq!(
        app.spec(),
        &ViewSpec::Session(DEMO_KEY.into()),
        "the table is filtered, not replaced"
    );
    let s = screen(&mut app);
    let scope_bar = s.lines().nth(1).unwrap_or_default();
    assert!(scope_bar.contains("rule: Administrator policy attached"), "{s}");
    assert!(
        s.contains("Events in scope (Enter: raw record) · rule: Administrator policy attached 1/1"),
        "{s}"
    );

    // Kept like the / filter: both apply; Esc clears the text filter first, then the rule, then goes back.
    filter(&mut app, "ok");
    assert!(rows(&app).is_empty(), "the only hit was denied");
    act(&mut app, Action::Back);
    assert_eq!(rows(&app).len(), 1);
    act(&mut app, Action::Back);
    assert_eq!(app.top().rule, None);
    assert_eq!(rows(&app).len(), 6);

    // A rule by id; `:rule` alone clears it; another tab drops it as it drops the / filter.
    command(&mut app, "rule 7d384cf2-f1be-460e-b6e9-1f5a3c06afa3");
    assert_eq!(rows(&app).len(), 2, "IAM policy attached or written hit both attaches");
    command(&mut app, "rule");
    assert_eq!(rows(&app).len(), 6);
    command(&mut app, "ru iam policy attached or written");
    assert_eq!(rows(&app).len(), 2, "titles also match ignoring case");
    act(&mut app, Action::NextTab);
    act(&mut app, Action::PrevTab);
    assert_eq!(app.top().rule, None);
    assert_eq!(rows(&app).len(), 6);

    // A name no rule with hits has is an error, and nothing changes.
    command(&mut app, "rule Bulk S3 exfiltration that never happened");
    assert!(
        app.status.as_ref().is_some_and(|s| s.1.contains("no rule that hit")),
        "{:?}",
        app.status
    );
    assert_eq!(rows(&app).len(), 6);

    // From a view without an events table, :rule opens the rule's events.
    act(&mut app, Action::Home);
    command(&mut app, &format!("rule {ADMIN_POLICY}"));
    assert!(matches!(app.spec(), ViewSpec::Rule(_)), "{:?}", app.spec());
    assert_eq!(rows(&app).len(), 1);
}

fn detect_json(args: &[&str]) -> Value {
    let case = sample().expect("sample");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .arg("detect")
        .arg("-i")
        .arg(&case)
        .arg("--json")
        .args(args)
        .output()
        .expect("run trailhound detect");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("detect --json")
}

/// The findings list's rule rows and each rule's view agree with `trailhound detect --json` (by_rule, events_hit,
/// correlations) over everything loaded and over a window.
#[test]
fn tui_counts_equal_detect_json_on_the_sample_case() {
    let Some(case) = sample() else { return };
    for scope in [None, Some("2026-11-05T14:00:00Z..2026-11-05T17:00:00Z")] {
        let json = detect_json(&scope.map(|s| vec!["--scope", s]).unwrap_or_default());
        let mut app = app_on(&case);
        if let Some(s) = scope {
            command(&mut app, &format!("scope {s}"));
        }
        let by_rule = json["by_rule"].as_array().expect("by_rule");
        assert!(by_rule.len() >= 3, "the sample hits several rules: {json}");
        let table = rows(&app);
        let rule_rows: Vec<&String> = table.iter().filter(|r| r.contains(" | Rule | ")).collect();
        assert_eq!(rule_rows.len(), by_rule.len(), "{table:#?}");
        for r in by_rule {
            let who = format!(
                "{} origin{} · {} session identit{}",
                r["origins"],
                if r["origins"] == 1 { "" } else { "s" },
                r["session_identities"],
                if r["session_identities"] == 1 { "y" } else { "ies" }
            );
            let accounts = r["accounts"].as_array().expect("accounts");
            let account = match accounts.as_slice() {
                [one] => one.as_str().unwrap_or_default().to_string(),
                many => format!("{} accounts", many.len()),
            };
            let title = r["title"].as_str().expect("title");
            let row = rule_rows
                .iter()
                .find(|row| row.split(" | ").nth(2) == Some(title))
                .unwrap_or_else(|| panic!("no row for {title}: {table:#?}"));
            let cells: Vec<&str> = row.split(" | ").collect();
            assert_eq!(cells[3], account, "{row}");
            assert!(cells[4].starts_with(&who), "{row} vs {who}");
            assert_eq!(cells[5], r["first"].as_str().unwrap(), "{row}");
            assert_eq!(cells[6], r["events"].to_string(), "{row}");
            if r["unattributed"] != 0 {
                assert!(
                    cells[4].contains(&format!("origin unknown for {}", r["unattributed"])),
                    "{row}"
                );
            }
            // Its view lists that many events, from its first to its last hit.
            command(&mut app, &format!("rule {}", r["id"].as_str().unwrap()));
            let times = column(&app, "Time");
            assert_eq!(times.len() as u64, r["events"].as_u64().unwrap(), "{title}");
            assert_eq!(times.first().map(String::as_str), r["first"].as_str());
            assert_eq!(times.last().map(String::as_str), r["last"].as_str());
            act(&mut app, Action::Home);
        }
        let s = screen(&mut app);
        let events_hit = &json["events_hit"];
        assert!(
            s.contains(&format!("{} rules hit {events_hit} events in scope", by_rule.len())),
            "{s}"
        );
        let correlations = json["correlations"].as_array().expect("correlations");
        assert!(s.contains(&format!("· {} correlation", correlations.len())), "{s}");
        let correlate_rows: Vec<&String> = table.iter().filter(|r| r.contains(" | Correlate | ")).collect();
        assert_eq!(correlate_rows.len(), correlations.len(), "{table:#?}");
        for (c, row) in correlations.iter().zip(&correlate_rows) {
            assert!(row.contains(c["rule"]["title"].as_str().unwrap()), "{row}");
            assert!(
                row.ends_with(&c["events"].as_array().unwrap().len().to_string()),
                "{row}"
            );
        }
    }
}

#[test]
fn hostile_rule_titles_never_reach_the_terminal() {
    // YAML escapes: ESC, BEL, RLO, zero-width space, C1 CSI.
    let hostile = r"Evil\e]0;owned\a\e[2J\u202etxt.exe\u200b\x9b1m rule";
    let (_dir, data) = crate::support::rules::dataset(&[json!({
        "eventSource": "iam.amazonaws.com", "eventName": "CreateUser",
    })]);
    let mut b = RuleSetBuilder::default();
    b.add_text(
        &format!(
            "title: \"{}\"\nid: \"hostile\\u001b[31m-id\"\nauthor: \"mallory\\u202e\"\nlogsource: {{product: aws, service: cloudtrail}}\ndetection:\n  s:\n    eventName: CreateUser\n  condition: s\nlevel: critical\ntags: [attack.persistence, attack.t1136.003]\n",
            hostile
        ),
        RuleOrigin::File("/rules/evil\u{1b}[31m.yml".into()),
    );
    let set = std::sync::Arc::new(b.build());
    assert_eq!(set.rule_count(), 1, "{:?}", set.problems());
    let title = &set.rule(0).title;
    for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\u{200b}'] {
        assert!(title.contains(bad), "the rule file's title holds {bad:?}: {title:?}");
    }
    let mut app = App::with_dataset(trailhound::tui::keymap::Keymap::default(), data.with_rules(set));
    let mut seen = screen(&mut app);
    seen.push_str(&screen_at(&app, 80, 24));
    assert!(
        seen.contains("Evil") && seen.contains("txt.exe"),
        "the title is shown, defanged:\n{seen}"
    );
    // Its events; the Rules column; the detail; the completion box; the :rule filter on the scope bar.
    act(&mut app, Action::Enter);
    seen.push_str(&screen(&mut app));
    act(&mut app, Action::Enter);
    seen.push_str(&screen(&mut app));
    assert!(seen.contains("[critical] Evil"), "{seen}");
    command(&mut app, "user arn:aws:iam::111111111111:user/alice");
    tab(&mut app, "Events");
    act(&mut app, Action::Command);
    for c in "rule ".chars() {
        update(&mut app, Input::Char(c));
    }
    update(&mut app, Input::Complete);
    seen.push_str(&screen(&mut app));
    assert!(
        app.completions.len() == 2,
        "its title and its id: {:?}",
        app.completions
    );
    for c in "evil".chars() {
        update(&mut app, Input::Char(c));
    }
    update(&mut app, Input::Complete);
    let cmds = update(&mut app, Input::Submit);
    run(&mut app, cmds);
    assert!(
        app.top().rule.is_some(),
        "the hostile rule is a filter like any other: {:?}",
        app.status
    );
    seen.push_str(&screen(&mut app));
    seen.push_str(&screen_at(&app, 80, 24));
    assert!(seen.contains("rule: Evil"), "{seen}");
    for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\u{200b}'] {
        assert!(!seen.contains(bad), "{bad:?} reached the screen:\n{seen}");
    }
}

/// The terminal draws its first frame of data before the rules are evaluated (README "Large cases": reopen):
/// until their hits are in, every place that shows hits says they are being evaluated — never an empty list that
/// reads as "no rule hit" — and `:rule` says to wait; then the same views show the hits `App::with_dataset` shows.
#[test]
fn views_say_the_rules_are_being_evaluated_until_their_hits_arrive() {
    let Some(case) = sample() else { return };
    let data = trailhound::core::dataset::Dataset::from_store(trailhound::core::ingest::load_paths(&[&case]));
    let mut app = App::with_first_views(trailhound::tui::keymap::Keymap::default(), data);
    assert!(app.data.detections_ready().is_none(), "the first views built the rules");
    command(&mut app, "scope 2026-11-05T14:00:00Z..2026-11-05T15:00:00Z");

    // The findings list: GuardDuty's findings, no rule rows yet, and a header line saying why.
    let before = rows(&app);
    assert!(
        before.iter().any(|r| r.starts_with("Medium 5.0 | GuardDuty")),
        "{before:#?}"
    );
    assert!(!before.iter().any(|r| r.contains("| Rule |")), "{before:#?}");
    let s = screen(&mut app);
    assert!(s.contains("rules: being evaluated"), "{s}");
    assert!(!s.contains("no rule hit"), "{s}");

    // An events table: every Rules cell says so; `:rule` and its completion wait.
    command(&mut app, &format!("session {DEMO_KEY}"));
    tab(&mut app, "Events");
    assert_eq!(column(&app, "Rules"), vec!["evaluating…"; 6]);
    command(&mut app, &format!("rule {ADMIN_POLICY}"));
    assert!(
        app.status
            .as_ref()
            .is_some_and(|s| s.1.contains("still being evaluated")),
        "{:?}",
        app.status
    );
    assert_eq!(app.top().rule, None);
    assert_eq!(rows(&app).len(), 6);

    // The hits arrive (the loader's next step, then `Job::RulesReady`'s refresh): the same views now show them.
    app.data.detections();
    trailhound::tui::update::refresh(&mut app);
    assert_eq!(
        column(&app, "Rules")[2],
        "Administrator policy attached +1 · T1098.003",
        "{:#?}",
        rows(&app)
    );
    command(&mut app, &format!("rule {ADMIN_POLICY}"));
    assert_eq!(rows(&app).len(), 1);
    act(&mut app, Action::Home);
    let after = rows(&app);
    assert!(
        after
            .iter()
            .any(|r| r.starts_with("High | Rule | Administrator policy attached")),
        "{after:#?}"
    );
    let s = screen(&mut app);
    assert!(s.contains("4 rules hit 4 events in scope"), "{s}");
    assert!(!s.contains("rules: being evaluated"), "{s}");
}

/// The terminal with the sample case, the first views built and the rules not evaluated yet, models computed as
/// the runtime computes them (a request left for a background task); the findings list's model is in.
fn deferred_app() -> Option<App> {
    let case = sample()?;
    let data = trailhound::core::dataset::Dataset::from_store(trailhound::core::ingest::load_paths(&[&case]));
    let mut app = App::with_first_views(trailhound::tui::keymap::Keymap::default(), data);
    assert!(app.data.detections_ready().is_none(), "the first views built the rules");
    app.defer_models = true;
    Some(app)
}

/// Answer the runtime's pending model request, as its background task does.
fn answer_model(app: &mut App) {
    use trailhound::tui::runtime::{Job, apply};
    let req = app.pending_model.take().expect("a model request for the runtime");
    apply(app, Job::Model(Box::new(trailhound::tui::views::compute(&req))));
}

/// The rules' hits arrive, as the loader's next step and its `Job::RulesReady` bring them.
fn rules_arrive(app: &mut App) {
    use trailhound::tui::runtime::{Job, apply};
    app.data.detections();
    let generation = app.data.generation();
    apply(app, Job::RulesReady(generation));
}

/// While the rules' hits join a view its model is recomputed in the background. Meanwhile the view keeps showing
/// what it showed, and keys act on that: a pivot's Enter is never lost to a "computing…" frame (a CI run of the
/// tmux test saw one go unanswered on the day summary).
#[test]
fn a_pivot_typed_while_the_rules_hits_join_the_view_acts_on_what_is_shown() {
    use trailhound::tui::views;
    let Some(mut app) = deferred_app() else { return };
    act(&mut app, Action::Summary);
    answer_model(&mut app);
    assert!(views::model_ready(&app));
    filter(&mut app, "CloudTrailLogging");
    assert_eq!(rows(&app).len(), 1, "{:#?}", rows(&app));

    rules_arrive(&mut app);
    assert!(
        !views::model_ready(&app),
        "the summary's model is recomputed with the hits"
    );
    assert!(app.pending_model.is_some(), "a request for the runtime");
    let s = screen(&mut app);
    assert!(
        !s.contains("computing…") && s.contains("CloudTrailLoggingDisabled"),
        "{s}"
    );
    act(&mut app, Action::Enter);
    assert!(matches!(app.spec(), ViewSpec::Finding(_)), "{:?}", app.spec());
    answer_model(&mut app);
    let s = screen(&mut app);
    assert!(s.contains("Stealth:IAMUser/CloudTrailLoggingDisabled"), "{s}");
}

/// A filter typed while the hits join the view applies to the rows shown, and Enter pivots from them.
#[test]
fn a_filter_typed_while_the_rules_hits_join_the_view_applies_to_what_is_shown() {
    use trailhound::tui::views;
    let Some(mut app) = deferred_app() else { return };
    act(&mut app, Action::Summary);
    answer_model(&mut app);
    let all = rows(&app).len();
    rules_arrive(&mut app);
    assert!(!views::model_ready(&app) && views::model_shown(&app));
    filter(&mut app, "CloudTrailLogging");
    assert_eq!(rows(&app).len(), 1, "of {all}: {:#?}", rows(&app));
    act(&mut app, Action::Enter);
    assert!(matches!(app.spec(), ViewSpec::Finding(_)), "{:?}", app.spec());
}

/// A model of another view is never shown meanwhile: moving on while the hits join still says "computing…" until
/// the new view's model is in.
#[test]
fn another_views_model_is_never_shown_while_the_rules_hits_join() {
    use trailhound::tui::views;
    let Some(mut app) = deferred_app() else { return };
    act(&mut app, Action::Summary);
    answer_model(&mut app);
    rules_arrive(&mut app);
    act(&mut app, Action::PrevDay);
    assert!(matches!(app.spec(), ViewSpec::Summary(Some(_))), "{:?}", app.spec());
    assert!(!views::model_shown(&app));
    assert!(screen(&mut app).contains("computing…"));
}

/// Once the recomputed model is in, the selection stays on the row it was on, although the rules' rows joined the
/// findings list above it.
#[test]
fn the_selection_stays_on_its_row_when_the_rules_hits_join_the_list() {
    let Some(mut app) = deferred_app() else { return };
    assert_eq!(app.spec(), &ViewSpec::Findings);
    select_row(&mut app, "CloudTrailLoggingDisabled");
    let before = app.top().table.selected;
    let target = trailhound::tui::update::selected_target(&app).expect("a finding row pivots");

    rules_arrive(&mut app);
    answer_model(&mut app);
    assert!(trailhound::tui::views::model_ready(&app));
    assert!(rows(&app).iter().any(|r| r.contains("| Rule |")), "{:#?}", rows(&app));
    assert_ne!(app.top().table.selected, before, "rule rows joined above the finding");
    assert_eq!(trailhound::tui::update::selected_target(&app), Some(target));
}
