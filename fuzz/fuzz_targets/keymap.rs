//! The user's `keymap.toml`: TOML, the binding table and every key name, patched over the defaults.
#![no_main]

use trailhound::tui::keymap::Keymap;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // The file is read with `read_to_string`: only UTF-8 reaches the parser.
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(k) = Keymap::from_defaults_and(Some(text))
    {
        std::hint::black_box(trailhound::tui::keymap::markdown_table(&k));
    }
});
