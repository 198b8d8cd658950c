//! A case's saved `ui_state` JSON (current version and version 1), parsed and restored onto an app: a case file may
//! come from anyone, so its saved place must never break opening it.
#![no_main]

use trailhound::tui::app::App;
use trailhound::tui::keymap::Keymap;
use trailhound::tui::ui_state;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // The case stores it as SQLite TEXT, read as a Rust `String`: only UTF-8 reaches the parser.
    if let Ok(text) = std::str::from_utf8(data)
        && let Some(state) = ui_state::parse(text)
    {
        let mut app = App::new(Keymap::default());
        ui_state::restore(&mut app, &state);
        std::hint::black_box(ui_state::capture(&app));
    }
});
