//! Frame time per view on a large case: renders each view to a 120×40 `TestBackend` repeatedly and prints the
//! mean and worst frame. Plain `Instant` loop (`harness = false`); run with
//! `TRAILHOUND_BENCH_CASE=DIR cargo bench --bench render`, where DIR was written by
//! `trailhound demo --out DIR --events 1000000`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark is a measuring tool: a failed setup step ends the run with its message"
)]

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::{Duration, Instant};
use trailhound::core::ingest;
use trailhound::tui::action::{Action, Input};
use trailhound::tui::app::App;
use trailhound::tui::keymap::Keymap;
use trailhound::tui::theme::Theme;
use trailhound::tui::update::update;

fn command(app: &mut App, text: &str) {
    update(app, Input::Action(Action::Command));
    for c in text.chars() {
        update(app, Input::Char(c));
    }
    update(app, Input::Submit);
}

/// Time a pivot: `update` computing the new view's model (once per change, not per frame).
fn pivot(app: &mut App, text: &str) -> Duration {
    let t = Instant::now();
    command(app, text);
    t.elapsed()
}

fn measure(name: &str, app: &mut App, term: &mut Terminal<TestBackend>, theme: &Theme) {
    let frames = 20;
    let mut worst = Duration::ZERO;
    let start = Instant::now();
    for _ in 0..frames {
        let t = Instant::now();
        term.draw(|f| trailhound::tui::render::draw(f, app, theme))
            .expect("draw");
        worst = worst.max(t.elapsed());
    }
    let mean = start.elapsed() / frames;
    println!(
        "{name:<34} mean {:>8.2} ms   worst {:>8.2} ms",
        mean.as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3
    );
}

fn main() {
    let Some(dir) = std::env::var_os("TRAILHOUND_BENCH_CASE") else {
        eprintln!("set TRAILHOUND_BENCH_CASE to a case written by `trailhound demo --out DIR --events 1000000`");
        return;
    };
    let t = Instant::now();
    let store = ingest::load_paths(&[std::path::PathBuf::from(&dir)]);
    let events = store.events.len();
    let t_load = t.elapsed();
    let t = Instant::now();
    let mut app = App::with_store(Keymap::default(), store);
    println!(
        "{events} events; ingest {:.1} s, session graph {:.1} s",
        t_load.as_secs_f64(),
        t.elapsed().as_secs_f64()
    );
    let theme = Theme::default();
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("backend");
    for (scope_name, scope) in [
        ("finding scope", "scope 2026-11-05T14:00:00Z..2026-11-05T15:00:00Z"),
        ("all data", ""),
    ] {
        if scope.is_empty() {
            update(&mut app, Input::Action(Action::ScopeReset));
        } else {
            command(&mut app, scope);
        }
        println!("-- scope: {scope_name}");
        app.stack.truncate(1);
        measure("findings", &mut app, &mut term, &theme);
        for (label, cmd) in [
            ("session ASIASARAADMIN… overview", "session ASIASARAADMIN0000001"),
            ("role DemoRole1 overview", "role DemoRole1"),
            ("ip 198.51.100.23 overview", "ip 198.51.100.23"),
            ("account 111122223333 overview", "account 111122223333"),
        ] {
            let d = pivot(&mut app, cmd);
            println!(
                "{:<34} model {:>8.2} ms (once per change)",
                format!(":{cmd}"),
                d.as_secs_f64() * 1e3
            );
            measure(label, &mut app, &mut term, &theme);
        }
        command(&mut app, "session ASIADEMOROLE10000001");
        for tab in ["new behaviour", "API volume", "events"] {
            let t = Instant::now();
            update(&mut app, Input::Action(Action::NextTab));
            let d = t.elapsed();
            println!(
                "{:<34} model {:>8.2} ms (once per change)",
                format!("tab {tab}"),
                d.as_secs_f64() * 1e3
            );
            measure(&format!("session DemoRole1 {tab}"), &mut app, &mut term, &theme);
        }
        command(&mut app, "account 111122223333");
        for (label, tab) in [
            ("account new behaviour", "new behaviour"),
            ("account API volume", "API volume"),
            ("account events (largest table)", "events"),
        ] {
            let t = Instant::now();
            update(&mut app, Input::Action(Action::NextTab));
            let d = t.elapsed();
            println!(
                "{:<34} model {:>8.2} ms (once per change)",
                format!("account tab {tab}"),
                d.as_secs_f64() * 1e3
            );
            measure(label, &mut app, &mut term, &theme);
        }
        filter_and_sort(&mut app);
        command(&mut app, "session ASIASARAADMIN0000001");
        update(&mut app, Input::Action(Action::Chain));
        measure("chain graph", &mut app, &mut term, &theme);
    }
}

/// The account's events table: one filter keystroke and one sort ordered on typed keys (what the model task
/// runs), against formatting every cell as the table did before; and completing `:ip` from the loaded-names
/// index against scanning the events.
fn filter_and_sort(app: &mut App) {
    use trailhound::tui::widgets::table;
    let Some(src) = trailhound::tui::views::source(app) else {
        return;
    };
    let (n, ncols) = (src.len(), src.columns().len());
    let time = |f: &dyn Fn()| {
        let t = Instant::now();
        f();
        t.elapsed().as_secs_f64() * 1e3
    };
    for needle in ["d", "denied", "14:3"] {
        let typed = time(&|| {
            table::order(src.as_ref(), needle, None);
        });
        let cells = time(&|| {
            let _: Vec<u32> = (0..n as u32)
                .filter(|&r| (0..ncols).any(|c| src.cell(r as usize, c).to_lowercase().contains(needle)))
                .collect();
        });
        println!(
            "{:<34} typed {typed:>8.2} ms   formatting every cell {cells:>8.2} ms ({n} rows)",
            format!("filter /{needle}")
        );
    }
    for (c, name) in [(0, "time"), (2, "caller")] {
        let typed = time(&|| {
            table::order(src.as_ref(), "", Some((c, false)));
        });
        println!("{:<34} typed {typed:>8.2} ms", format!("sort by {name}"));
    }
    drop(src);
    let data = app.data.clone();
    let index = time(&|| {
        trailhound::tui::command::complete_with_options(data.names(), "ip 198.51.");
    });
    let scan = time(&|| {
        let store = data.store();
        let mut ips: Vec<&str> = store
            .events
            .iter()
            .map(|e| store.s(e.source_ip))
            .filter(|s| s.starts_with("198.51."))
            .collect();
        ips.sort_unstable();
        ips.dedup();
    });
    println!(
        "{:<34} index {index:>8.3} ms   scanning the events {scan:>8.2} ms",
        "complete :ip 198.51."
    );
}
