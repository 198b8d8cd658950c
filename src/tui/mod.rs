//! The terminal UI: keys map to actions (`keymap`), actions change state (`update`), state is drawn
//! (`render`, `views`). Loading and file reads run on background tasks that report through a channel
//! (`runtime`); nothing blocks key handling. Everything from logs is sanitised (`sanitize`) before drawing.

pub mod action;
pub mod app;
pub mod case_io;
pub mod command;
pub mod fetch_dialog;
pub mod fetch_job;
pub mod fetch_org;
pub mod keymap;
pub mod line_edit;
pub mod render;
pub mod runtime;
pub mod sanitize;
pub mod spec;
pub mod text_area;
pub mod theme;
pub mod ui_state;
pub mod update;
pub mod view_stack;
pub mod views;
pub mod widgets;

pub mod export_task;
pub mod marks;
pub mod note_editor;
pub mod verdict_pick;

pub use runtime::{Options, run};

/// `$XDG_CONFIG_HOME/trailhound` (or the platform's equivalent): user keymap and theme.
pub fn config_dir() -> Option<std::path::PathBuf> {
    use etcetera::BaseStrategy;
    etcetera::choose_base_strategy()
        .ok()
        .map(|s| s.config_dir().join("trailhound"))
}

/// The bundled sample case: `samples/case` next to the crate's manifest, or under the current directory.
pub fn sample_case() -> Option<std::path::PathBuf> {
    let candidates = [
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/case"),
        std::path::PathBuf::from("samples/case"),
    ];
    candidates.into_iter().find(|p| p.is_dir())
}
