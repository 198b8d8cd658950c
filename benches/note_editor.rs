//! The note editor on a note at the size limit (1 MiB): time to open it, per key (update + frame) and per paste,
//! for a note of many short lines and for one single line, non-ASCII too. Plain `Instant` loop
//! (`harness = false`); run with `cargo bench --bench note_editor`. Tests bound the same work by counting
//! (`tui::text_area` tests); this prints what it costs.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::{Duration, Instant};
use trailhound::core::case::MAX_NOTE_BYTES;
use trailhound::core::entity::EntityRef;
use trailhound::tui::action::Input;
use trailhound::tui::app::{App, Mode};
use trailhound::tui::keymap::Keymap;
use trailhound::tui::note_editor::{EditTarget, NoteEditor, render};
use trailhound::tui::theme::Theme;
use trailhound::tui::update::update;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn bench(name: &str, text: &str) {
    let theme = Theme::default();
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let mut app = App::new(Keymap::default());
    let t = Instant::now();
    app.mode = Mode::NoteEditor(Box::new(NoteEditor::new(EditTarget::New(EntityRef::Case), text)));
    let open = t.elapsed();
    // Make room for the keys and the paste below.
    for _ in 0..200_000 {
        update(&mut app, Input::Backspace);
    }
    let keys = 200;
    let mut worst = Duration::ZERO;
    let start = Instant::now();
    for i in 0..keys {
        let t = Instant::now();
        update(&mut app, Input::Char(if i % 60 == 59 { '\n' } else { 'k' }));
        term.draw(|f| render(f, f.area(), &app, &theme)).expect("draw");
        worst = worst.max(t.elapsed());
    }
    let per_key = start.elapsed() / keys;
    let paste = "pasted line of evidence text\n".repeat(100 * 1024 / 29);
    let t = Instant::now();
    update(&mut app, Input::Paste(paste));
    term.draw(|f| render(f, f.area(), &app, &theme)).expect("draw");
    let pasted = t.elapsed();
    let len = match &app.mode {
        Mode::NoteEditor(e) => e.area.len(),
        _ => 0,
    };
    println!(
        "{name:<28} open {:>7.2} ms   key+frame mean {:>6.3} ms worst {:>6.3} ms   100 KiB paste+frame {:>6.2} ms   ({len} bytes)",
        ms(open),
        ms(per_key),
        ms(worst),
        ms(pasted)
    );
}

fn main() {
    let lines = ("x".repeat(79) + "\n").repeat(MAX_NOTE_BYTES / 80);
    bench("1 MiB, 80-column lines", &lines);
    bench("1 MiB, one line", &"y".repeat(MAX_NOTE_BYTES));
    bench("1 MiB, one non-ASCII line", &"é".repeat(MAX_NOTE_BYTES / 2));
}
