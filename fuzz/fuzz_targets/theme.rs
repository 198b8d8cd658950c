//! The user's `theme.toml`: TOML, slot names and every style spec (colours, modifiers), patched over a built-in theme.
#![no_main]

use trailhound::tui::theme::Theme;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // The file is read with `read_to_string`: only UTF-8 reaches the parser.
    if let Ok(text) = std::str::from_utf8(data) {
        let mut theme = Theme::default();
        std::hint::black_box(theme.patch(text).is_ok());
        std::hint::black_box(theme.without_color());
    }
});
