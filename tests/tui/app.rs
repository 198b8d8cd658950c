//! Headless app tests: drive the UI with actions on the sample case and assert state (the investigation path of
//! samples/SCENARIO.md: session → chain → DemoRole1 session → new behaviour → the denied call's raw record).

use crate::harness::*;
use trailhound::core::time::parse_epoch;
use trailhound::tui::action::Action;
use trailhound::tui::app::ScopeKind;
use trailhound::tui::spec::ViewSpec;

const ADMIN_KEY: &str = "ASIASARAADMIN0000001";
const DEMO_KEY: &str = "ASIADEMOROLE10000001";

const GD_FINDING: &str = "5ac5b1a1f0e2d3c4b5a6978877665544";

#[test]
fn finding_to_session_to_chain_to_demorole1_new_behaviour_and_raw_record() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    // The findings list: GuardDuty and Access Analyzer together, highest severity first.
    assert!(app.data.store().findings.len() >= 2);
    filter(&mut app, "CloudTrailLoggingDisabled");
    assert_eq!(app.top().table.order.len(), 1);
    act(&mut app, Action::Enter);
    assert_eq!(app.spec(), &ViewSpec::Finding(GD_FINDING.into()));
    // Detective's scope: first..last seen 14:12:07..14:48:53, widened to whole hours.
    assert_eq!(app.scope.kind, ScopeKind::Finding);
    assert_eq!(
        (app.scope.scope.from, app.scope.scope.to),
        (
            parse_epoch("2026-11-05T14:00:00Z").unwrap(),
            parse_epoch("2026-11-05T15:00:00Z").unwrap()
        )
    );
    select_row(&mut app, &format!("session:{ADMIN_KEY}"));
    act(&mut app, Action::Enter);
    assert_eq!(app.spec(), &ViewSpec::Session(ADMIN_KEY.into()));
    // Overview: origin sara (Identity Center), this session, DemoRole1 started below it by exact key.
    select_row(&mut app, "origin");
    let s = screen(&mut app);
    assert!(s.contains("identity-center-user sara"), "{s}");
    select_row(&mut app, DEMO_KEY);
    assert!(s.contains("exact access key"), "{s}");
    // `c` opens the chain of the selected session row; on "this session" that is the admin session.
    select_row(&mut app, "this session");
    act(&mut app, Action::Chain);
    assert_eq!(app.spec(), &ViewSpec::Chain(ADMIN_KEY.into()));
    assert_eq!(
        app.top().table.selected,
        1,
        "the chain opens on the session it was asked for"
    );
    act(&mut app, Action::Down);
    act(&mut app, Action::Enter);
    assert_eq!(app.spec(), &ViewSpec::Session(DEMO_KEY.into()));
    assert_eq!(
        app.stack.len(),
        5,
        "findings › finding › admin session › chain › DemoRole1 session"
    );
    assert_eq!(
        (app.scope.scope.from, app.scope.scope.to),
        (
            parse_epoch("2026-11-05T14:00:00Z").unwrap(),
            parse_epoch("2026-11-05T15:00:00Z").unwrap()
        ),
        "the scope is kept while pivoting"
    );

    act(&mut app, Action::NextTab);
    assert_eq!(app.tab_name(), Some("New behaviour"));
    // Judged as the session identity DemoRole1/sara against its 45-day baseline (SCENARIO: only
    // DescribeInstances before): three new API calls, and nothing geographic is new (Bellevue is known).
    let report = app
        .top()
        .model
        .report
        .as_ref()
        .expect("computed")
        .as_ref()
        .expect("a behaviour profile");
    let mut apis: Vec<&str> = report.new_api_calls.iter().map(|a| a.api.as_str()).collect();
    apis.sort();
    assert_eq!(apis, ["AttachRolePolicy", "RunInstances", "UpdateAssumeRolePolicy"]);
    assert!(report.new_geolocations.is_empty(), "{:?}", report.new_geolocations);
    let s = screen(&mut app);
    assert!(
        s.contains("new API call") && s.contains("iam:UpdateAssumeRolePolicy"),
        "{s}"
    );
    act(&mut app, Action::NextTab);
    act(&mut app, Action::NextTab);
    assert_eq!(app.tab_name(), Some("Events"));
    // DemoRole1/sara in scope: DescribeInstances, RunInstances, AttachRolePolicy (denied), AttachRolePolicy,
    // UpdateAssumeRolePolicy, DescribeInstances.
    assert_eq!(app.top().table.order.len(), 6);
    filter(&mut app, "AccessDenied");
    assert_eq!(app.top().table.order.len(), 1);
    act(&mut app, Action::Enter);
    assert!(matches!(app.spec(), ViewSpec::Event(_)));
    let raw = app
        .raw
        .as_ref()
        .expect("raw record read")
        .text
        .as_ref()
        .expect("readable");
    assert!(
        raw.contains("\"AttachRolePolicy\"") && raw.contains("AccessDenied"),
        "{raw}"
    );
    let s = screen(&mut app);
    assert!(s.contains("\"errorCode\": \"AccessDenied\""), "{s}");

    act(&mut app, Action::Back);
    assert_eq!(app.spec(), &ViewSpec::Session(DEMO_KEY.into()));
    assert_eq!(
        app.top().table.filter,
        "AccessDenied",
        "going back keeps the filter of the view below"
    );
    act(&mut app, Action::Back);
    assert!(app.top().table.filter.is_empty(), "Esc clears the filter first");
    act(&mut app, Action::Back);
    assert_eq!(app.spec(), &ViewSpec::Chain(ADMIN_KEY.into()));
    act(&mut app, Action::ScopeWiden);
    assert_eq!(app.scope.scope.seconds(), 3 * 3600, "±1 h around the finding window");
    act(&mut app, Action::ScopeReset);
    assert_eq!(app.scope.scope.seconds(), 3600);
    act(&mut app, Action::Home);
    assert_eq!(app.stack.len(), 1);
}

#[test]
fn access_analyzer_finding_leads_to_the_policy_write_and_its_origin() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    command(&mut app, "finding aa-7f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e1f");
    assert!(matches!(app.spec(), ViewSpec::Finding(_)));
    let s = screen(&mut app);
    assert!(s.contains("ExternalAccess") && s.contains("vendor-audit"), "{s}");
    select_row(&mut app, "UpdateAssumeRolePolicy");
    act(&mut app, Action::Enter);
    let raw = app.raw.as_ref().expect("raw record").text.as_ref().expect("readable");
    assert!(
        raw.contains("999988887777") && raw.contains("ASIADEMOROLE10000001"),
        "{raw}"
    );
}

#[test]
fn outside_account_origin_is_named_honestly() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    command(&mut app, "session ASIAVENDORAUDIT00001");
    let s = screen(&mut app);
    assert!(s.contains("999988887777") && s.contains("logs not loaded"), "{s}");
    assert!(
        !s.contains("sara"),
        "the vendor's session must not be attributed to sara:\n{s}"
    );
}

#[test]
fn command_line_completes_and_resolves_role_names() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    act(&mut app, Action::Command);
    for c in "session ASIADEMO".chars() {
        trailhound::tui::update::update(&mut app, trailhound::tui::action::Input::Char(c));
    }
    trailhound::tui::update::update(&mut app, trailhound::tui::action::Input::Complete);
    assert_eq!(
        app.mode,
        trailhound::tui::app::Mode::Command(trailhound::tui::line_edit::LineEdit::with(&format!(
            "session {DEMO_KEY}"
        )))
    );
    trailhound::tui::update::update(&mut app, trailhound::tui::action::Input::Cancel);
    command(&mut app, "role DemoRole1");
    assert_eq!(
        app.spec(),
        &ViewSpec::Role("arn:aws:iam::111122223333:role/DemoRole1".into())
    );
    command(&mut app, "nonsense x");
    assert!(app.status.as_ref().is_some_and(|s| s.1.contains("unknown command")));
}

#[test]
fn summary_and_group_open_by_command_word() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    command(&mut app, "summary 2026-11-05");
    assert_eq!(
        app.spec(),
        &ViewSpec::Summary(Some(trailhound::core::time::days_from_civil(2026, 11, 5)))
    );
    command(&mut app, "su");
    assert_eq!(app.spec(), &ViewSpec::Summary(None), "no date: the last day loaded");
    let depth = app.stack.len();
    command(&mut app, "summary yesterday");
    assert_eq!(app.stack.len(), depth, "a bad date opens nothing");
    assert!(app.status.as_ref().is_some_and(|s| s.1.contains("expected RFC 3339")));
    command(&mut app, "group aa-7f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e1f");
    assert_eq!(
        app.spec(),
        &ViewSpec::Group("aa-7f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e1f".into())
    );
    let s = screen(&mut app);
    assert!(s.contains("group window") && !s.contains("finding window"), "{s}");
    let depth = app.stack.len();
    command(&mut app, "g no-such-finding");
    assert_eq!(app.stack.len(), depth);
    assert!(app.status.as_ref().is_some_and(|s| s.1.contains("no loaded finding")));
}

#[test]
fn scope_presets_move_the_window() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    command(&mut app, "scope 2026-11-05T14:00:00Z..2026-11-05T15:00:00Z");
    act(&mut app, Action::Scope24h);
    assert_eq!(app.scope.scope.seconds(), 86_400);
    assert_eq!(app.scope.scope.to, parse_epoch("2026-11-05T15:00:00Z").unwrap());
    act(&mut app, Action::Scope7d);
    assert_eq!(app.scope.scope.seconds(), 7 * 86_400);
    act(&mut app, Action::ScopeReset);
    assert_eq!(
        app.scope.kind,
        ScopeKind::AllData,
        "no finding opened: reset goes to everything loaded"
    );
}

/// The Markdown tables of the README's `### Keys` section, in order (key table, then command table), each as its
/// rows joined with newlines.
fn readme_key_section_tables() -> Vec<String> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("\n### Keys\n")
        .nth(1)
        .and_then(|rest| rest.split("\n### ").next())
        .expect("README has a ### Keys section");
    let mut tables = Vec::new();
    let mut current = String::new();
    for line in section.lines() {
        if line.starts_with('|') {
            current.push_str(line);
            current.push('\n');
        } else if !current.is_empty() {
            tables.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        tables.push(current);
    }
    tables
}

/// The README's key table is exactly the keymap's, row for row (an extra, missing or stale row fails); the
/// failure message holds the table to paste.
#[test]
fn readme_key_table_matches_the_keymap() {
    let table = trailhound::tui::keymap::markdown_table(&trailhound::tui::keymap::Keymap::default());
    let tables = readme_key_section_tables();
    assert_eq!(tables.len(), 2, "the key table and the command table: {tables:?}");
    assert_eq!(tables[0], table, "README key table is stale; expected:\n{table}");
    // The keymap has a row per action with keys, so a table of a handful of rows means the parsing went wrong.
    assert!(table.lines().count() > 20, "{table}");
}

#[test]
fn notes_are_written_about_the_current_entity_and_pivot_back() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    command(&mut app, &format!("session {DEMO_KEY}"));
    note(&mut app, "DemoRole1/sara attached policies and trusted 999988887777");
    assert!(
        app.status
            .as_ref()
            .is_some_and(|s| s.1.contains("saved on session:ASIADEMOROLE10000001")),
        "{:?}",
        app.status
    );
    act(&mut app, Action::Notes);
    assert_eq!(app.spec(), &ViewSpec::Notes);
    let s = screen(&mut app);
    assert!(
        s.contains("session:ASIADEMOROLE1") && s.contains("attached policies"),
        "{s}"
    );
    select_row(&mut app, "trusted 999988887777");
    act(&mut app, Action::Enter);
    assert_eq!(app.spec(), &ViewSpec::Session(DEMO_KEY.into()));
}

#[test]
fn mouse_selects_then_opens_and_scrolls() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    // GuardDuty's findings only (the rules that hit are listed among them too).
    filter(&mut app, "GuardDuty");
    screen(&mut app); // a draw records where the table is
    let table = app.hits.table;
    let row = table.y + 2 + 1; // border, header, second row
    trailhound::tui::update::update(
        &mut app,
        trailhound::tui::action::Input::Click {
            column: table.x + 3,
            row,
        },
    );
    assert_eq!(app.top().table.selected, 1);
    assert_eq!(app.stack.len(), 1);
    let cmds = trailhound::tui::update::update(
        &mut app,
        trailhound::tui::action::Input::Click {
            column: table.x + 3,
            row,
        },
    );
    run(&mut app, cmds);
    assert!(
        matches!(app.spec(), ViewSpec::Finding(_)),
        "a click on the selected row opens it"
    );
    trailhound::tui::update::update(&mut app, trailhound::tui::action::Input::ScrollDown);
    assert_eq!(app.top().table.selected, 1);
}

/// In the terminal runtime models are computed off the key path: `update` only leaves a request, the view says
/// it is computing, and a late answer for a view the user already left is dropped.
#[test]
fn deferred_models_never_block_update_and_stale_answers_are_dropped() {
    use trailhound::tui::runtime::{Job, apply};
    use trailhound::tui::views;
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    app.defer_models = true;
    command(&mut app, &format!("session {DEMO_KEY}"));
    assert!(!views::model_ready(&app));
    assert!(screen(&mut app).contains("computing…"));
    let req = app.pending_model.take().expect("a request for the runtime");
    // The user moves on before the answer arrives: it no longer applies.
    act(&mut app, Action::NextTab);
    apply(&mut app, Job::Model(Box::new(views::compute(&req))));
    assert!(!views::model_ready(&app), "a stale model must not be shown");
    let req = app.pending_model.take().expect("a request for the new tab");
    apply(&mut app, Job::Model(Box::new(views::compute(&req))));
    assert!(views::model_ready(&app));
    assert_eq!(app.tab_name(), Some("New behaviour"));
    assert!(!app.top().table.order.is_empty(), "the table order follows the model");
}

/// A saved note re-reads the case's notes. Only the Notes view's model reads them, so the view under the editor
/// keeps its model (at 10 M events a profile's takes seconds, and it said "computing…" meanwhile); the Notes view
/// lists the new note.
#[test]
fn a_saved_note_leaves_the_view_under_it_as_it_is() {
    use trailhound::tui::views;
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    command(&mut app, &format!("session {DEMO_KEY}"));
    assert!(views::model_ready(&app));
    app.defer_models = true;
    let before = app.top().model.key;
    note(&mut app, "first look at the session");
    assert!(matches!(&app.notes, Some(Ok(n)) if n.len() == 1), "{:?}", app.notes);
    assert_eq!(app.top().model.key, before, "the session's model was recomputed");
    assert!(app.pending_model.is_none());
    assert!(!screen(&mut app).contains("computing…"));
    app.defer_models = false;
    act(&mut app, Action::Notes);
    assert!(screen(&mut app).contains("first look at the session"));
}

/// Without a finding the scope is everything loaded; behaviour analytics then get the loaded range in whole
/// hours, not an unbounded window (which made a nonsense bucket size).
#[test]
fn everything_loaded_scope_gives_a_sane_volume_chart() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    command(&mut app, &format!("session {DEMO_KEY}"));
    act(&mut app, Action::NextTab);
    act(&mut app, Action::NextTab);
    assert_eq!(app.tab_name(), Some("API volume"));
    let v = app
        .top()
        .model
        .volume_report
        .as_ref()
        .expect("computed")
        .as_ref()
        .expect("volume");
    assert!(
        v.bucket_seconds > 0 && v.bucket_seconds <= 7 * 86_400,
        "bucket {} s",
        v.bucket_seconds
    );
    assert!(v.buckets.iter().map(|b| b.success + b.failure).sum::<u64>() > 0);
}

/// The README's command table is exactly the command vocabulary's, row for row; the failure message holds the
/// table to paste.
#[test]
fn readme_command_table_matches_the_command_words() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = trailhound::tui::command::words::markdown_table();
    let tables = readme_key_section_tables();
    assert_eq!(
        tables.get(1),
        Some(&table),
        "README command table is stale; expected:\n{table}"
    );
    assert!(readme.contains(trailhound::tui::command::words::PREFIX_RULE));
    for w in trailhound::tui::command::words::WORDS {
        assert!(table.contains(&format!("`:{}", w.name)), "{}", w.name);
    }
}

/// `:e` is a prefix of `:event` and `:export`: refused, naming both, and nothing runs; a unique prefix runs.
#[test]
fn an_ambiguous_command_prefix_is_refused_and_a_unique_one_runs() {
    let mut app = trailhound::tui::app::App::new(trailhound::tui::keymap::Keymap::default());
    command(&mut app, "e md /tmp/never-written.md");
    let status = app.status.clone().map(|s| s.1).unwrap_or_default();
    assert!(status.contains(":e is ambiguous: :event, :export"), "{status}");
    assert!(!std::path::Path::new("/tmp/never-written.md").exists());
    command(&mut app, "no");
    assert_eq!(app.spec(), &ViewSpec::Notes, ":no is :notes");
    command(&mut app, "findings");
    assert_eq!(app.spec(), &ViewSpec::Findings);
    command(&mut app, "q");
    assert!(app.quit, ":q is an exact alias of :quit");
}

/// Completing `:ip` offers the loaded source IPs from the index built with the load (`core::names`), the same
/// set a scan of the events finds.
#[test]
fn ip_completion_comes_from_the_loaded_names() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    let store = app.data.store();
    let mut scanned: Vec<String> = store
        .events
        .iter()
        .map(|e| store.s(e.source_ip).to_string())
        .filter(|s| s.starts_with("198.51.100."))
        .collect();
    scanned.sort();
    scanned.dedup();
    assert!(
        scanned.len() > 1,
        "the sample has several 198.51.100.x callers: {scanned:?}"
    );
    let (done, options) = trailhound::tui::command::complete_with_options(app.data.names(), "ip 198.51.1");
    assert_eq!(done, "ip 198.51.100.");
    assert_eq!(options, scanned);
    act(&mut app, Action::Command);
    for c in "ip 203.0.113.7".chars() {
        trailhound::tui::update::update(&mut app, trailhound::tui::action::Input::Char(c));
    }
    trailhound::tui::update::update(&mut app, trailhound::tui::action::Input::Complete);
    assert_eq!(
        app.mode,
        trailhound::tui::app::Mode::Command(trailhound::tui::line_edit::LineEdit::with("ip 203.0.113.77"))
    );
}

/// Rendering is pure: `render::frame` takes the app by shared reference, so drawing the same state twice gives
/// the same screen and leaves every part of the state as it was; what a draw settles (hit areas, the table's
/// window) is returned, and only `render::draw` stores it, through `update`.
#[test]
fn rendering_the_same_state_twice_is_identical_and_changes_nothing() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use trailhound::tui::render;
    use trailhound::tui::theme::Theme;
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    let theme = Theme::default();
    let state = |app: &trailhound::tui::app::App| {
        (
            trailhound::tui::ui_state::capture(app),
            app.stack
                .iter()
                .map(|f| (f.table.clone(), f.scroll))
                .collect::<Vec<_>>(),
            app.hits,
            std::sync::Arc::as_ptr(&app.top().model),
        )
    };
    let paths: &[&[&str]] = &[
        &[],
        &["finding 5ac5b1a1f0e2d3c4b5a6978877665544"],
        &["session ASIASARAADMIN0000001"],
        &["session ASIADEMOROLE10000001", "tab", "tab"],
        &["session ASIADEMOROLE10000001", "tab", "tab", "tab"],
        &["account 111122223333", "tab"],
        &["account 111122223333", "tab", "tab", "tab"],
        &["session ASIASARAADMIN0000001", "chain"],
        &["notes"],
    ];
    let mut windows = 0;
    for path in paths {
        app.stack.truncate(1);
        // Everything loaded (opening a finding narrows the scope to its hour).
        app.scope = Default::default();
        for step in *path {
            match *step {
                "tab" => act(&mut app, Action::NextTab),
                "chain" => act(&mut app, Action::Chain),
                c => command(&mut app, c),
            }
        }
        // Scrolled down past the first page, so the table's window is not the default.
        for _ in 0..40 {
            act(&mut app, Action::Down);
        }
        let before = state(&app);
        let draw = |app: &trailhound::tui::app::App| {
            let mut t = Terminal::new(TestBackend::new(W, H)).unwrap();
            let mut drawn = None;
            t.draw(|f| drawn = Some(render::frame(f, app, &theme))).unwrap();
            (t.backend().buffer().clone(), drawn.unwrap())
        };
        let (a, drawn_a) = draw(&app);
        let (b, drawn_b) = draw(&app);
        assert_eq!(a, b, "{path:?}: the same state draws the same screen");
        assert_eq!(drawn_a, drawn_b);
        assert_eq!(state(&app), before, "{path:?}: drawing changed the state");
        if app.top().table.order.len() > 40 {
            let w = drawn_a.table.expect("a table was drawn");
            assert!(
                w.offset > 0 && w.page > 0,
                "{path:?}: the window follows the selection: {w:?}"
            );
            assert_ne!(app.top().table.offset, w.offset, "not stored by frame");
            windows += 1;
        }
        // draw = frame + update(Input::Drawn): the settled window and hit areas are stored.
        screen(&mut app);
        assert_eq!(app.hits, drawn_a.hits);
        if let Some(w) = drawn_a.table {
            assert_eq!((app.top().table.offset, app.top().table.page), (w.offset, w.page));
        }
    }
    assert!(windows > 0, "some view scrolled its table");
}

/// Filtering and sorting the events table on typed values gives exactly what matching and comparing the
/// displayed cells would (the rule the filter documents), over every event of the sample's busiest account.
#[test]
fn typed_filter_and_sort_agree_with_the_displayed_cells() {
    use trailhound::tui::widgets::table;
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    command(&mut app, "account 111122223333");
    for _ in 0..3 {
        act(&mut app, Action::NextTab);
    }
    assert_eq!(app.tab_name(), Some("Events"));
    let src = trailhound::tui::views::source(&app).expect("events table");
    let n = src.len();
    assert!(n > 1000, "{n} events");
    let ncols = src.columns().len();
    for needle in [
        "denied",
        "ACCESS",
        "14:3",
        "198.51.",
        "demorole1/sara",
        "ok",
        "iam:",
        "2026-11-05t14",
        "z",
        "Ä",
        "",
    ] {
        let want: Vec<u32> = (0..n as u32)
            .filter(|&r| (0..ncols).any(|c| src.cell(r as usize, c).to_lowercase().contains(&needle.to_lowercase())))
            .collect();
        assert_eq!(table::order(src.as_ref(), needle, None), want, "filter {needle:?}");
    }
    for c in 0..ncols {
        for desc in [false, true] {
            let mut want: Vec<u32> = (0..n as u32).collect();
            // By displayed text: the time column sorts as time, and its text (RFC 3339, UTC) sorts the same way.
            want.sort_by(|&a, &b| {
                let o = src.cell(a as usize, c).cmp(&src.cell(b as usize, c)).then(a.cmp(&b));
                if desc { o.reverse() } else { o }
            });
            assert_eq!(table::order(src.as_ref(), "", Some((c, desc))), want, "sort {c} {desc}");
        }
    }
}

/// In the terminal a large table's order is computed on the model task: a filter keystroke only leaves a
/// request (the rows stay listed meanwhile), the answer is taken when it still applies, and a stale one is not.
#[test]
fn large_tables_are_ordered_off_the_key_path() {
    use trailhound::tui::runtime::{Job, apply};
    use trailhound::tui::views;
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    command(&mut app, "account 111122223333");
    for _ in 0..3 {
        act(&mut app, Action::NextTab);
    }
    let rows = app.top().table.order.len();
    assert!(rows > views::model::INLINE_ROWS, "{rows} rows");
    app.defer_models = true;
    act(&mut app, Action::Filter);
    trailhound::tui::update::update(&mut app, trailhound::tui::action::Input::Char('d'));
    let first = app.pending_order.take().expect("an order request for the runtime");
    assert_eq!(
        app.top().table.order.len(),
        rows,
        "the rows stay listed until the order arrives"
    );
    trailhound::tui::update::update(&mut app, trailhound::tui::action::Input::Char('e'));
    let second = app.pending_order.take().expect("a new request for the new filter");
    // The answer for "d" arrives after the user typed "de": dropped.
    let order = views::compute_order(&first);
    apply(
        &mut app,
        Job::Order {
            data_key: first.data_key,
            key: first.key,
            order,
        },
    );
    assert_eq!(app.top().table.order.len(), rows, "a stale order is not shown");
    // The answer for "de" arrives while a raw record is open on top: the events table keeps it for the way back.
    update_input(&mut app, trailhound::tui::action::Input::Submit);
    act(&mut app, Action::Enter);
    assert!(matches!(app.spec(), ViewSpec::Event(_)));
    let order = views::compute_order(&second);
    let want = order.clone();
    apply(
        &mut app,
        Job::Order {
            data_key: second.data_key,
            key: second.key,
            order,
        },
    );
    act(&mut app, Action::Back);
    assert_eq!(app.tab_name(), Some("Events"));
    assert_eq!(app.top().table.order, want);
    assert!(!want.is_empty() && want.len() < rows);
    assert!(app.pending_order.is_none(), "nothing more to compute");
}

fn update_input(app: &mut trailhound::tui::app::App, i: trailhound::tui::action::Input) {
    let cmds = trailhound::tui::update::update(app, i);
    run(app, cmds);
}
