//! The keymap as data: the default bindings embedded from `keymap/default.toml`, the user's
//! `$XDG_CONFIG_HOME/trailhound/keymap.toml` patched over them, and the key → action lookup.
//!
//! The help popup is generated from [`Keymap::entries`], the same data the lookup uses, so it cannot drift.

use super::action::Action;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;
use std::collections::HashMap;

const DEFAULT: &str = include_str!("../../keymap/default.toml");

/// A key with its modifiers, normalised so that `G` and `shift-g` are the same key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    pub fn from_event(ev: &KeyEvent) -> Key {
        Key::normal(ev.code, ev.modifiers)
    }

    fn normal(code: KeyCode, mods: KeyModifiers) -> Key {
        let mut mods = mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            // A character already says whether shift was held.
            KeyCode::Char(_) => {
                mods.remove(KeyModifiers::SHIFT);
                code
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                code
            }
            _ => code,
        };
        Key { code, mods }
    }

    pub fn parse(text: &str) -> Result<Key, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = text;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                mods |= KeyModifiers::CONTROL;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                mods |= KeyModifiers::ALT;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("shift-") {
                mods |= KeyModifiers::SHIFT;
                rest = r;
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => {
                if mods.contains(KeyModifiers::SHIFT) {
                    KeyCode::Char(c.to_ascii_uppercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            _ => match rest {
                "enter" => KeyCode::Enter,
                "esc" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "pageup" => KeyCode::PageUp,
                "pagedown" => KeyCode::PageDown,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "space" => KeyCode::Char(' '),
                "backspace" => KeyCode::Backspace,
                "delete" => KeyCode::Delete,
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=12) => KeyCode::F(n),
                    _ => return Err(format!("unknown key {text:?}")),
                },
                _ => return Err(format!("unknown key {text:?}")),
            },
        };
        Ok(Key::normal(code, mods))
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdn"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Delete => f.write_str("delete"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    bind: Vec<RawBinding>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBinding {
    action: Action,
    keys: Vec<String>,
    desc: Option<String>,
}

/// One action, its keys, and what the help popup says about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub action: Action,
    pub keys: Vec<Key>,
    pub desc: String,
}

#[derive(Clone, Debug)]
pub struct Keymap {
    entries: Vec<Entry>,
    lookup: HashMap<Key, Action>,
}

impl Default for Keymap {
    #[allow(
        clippy::expect_used,
        reason = "the default keymap is compiled in; the keymap tests load it, so it cannot fail at run time"
    )]
    fn default() -> Self {
        Keymap::from_defaults_and(None).expect("the embedded default keymap is valid (tested)")
    }
}

impl Keymap {
    /// The defaults with `user` (the text of a user keymap file) patched over them.
    pub fn from_defaults_and(user: Option<&str>) -> Result<Keymap, String> {
        let mut entries = parse(DEFAULT, "default keymap")?;
        if let Some(text) = user {
            for over in parse(text, "keymap.toml")? {
                for e in entries.iter_mut() {
                    e.keys.retain(|k| !over.keys.contains(k));
                }
                match entries.iter_mut().find(|e| e.action == over.action) {
                    Some(e) => {
                        e.keys = over.keys;
                        if !over.desc.is_empty() {
                            e.desc = over.desc;
                        }
                    }
                    None => entries.push(over),
                }
            }
        }
        let mut lookup = HashMap::new();
        for e in &entries {
            for k in &e.keys {
                lookup.insert(*k, e.action);
            }
        }
        Ok(Keymap { entries, lookup })
    }

    /// Defaults plus the user's file from the config directory, if any. A broken user file is reported and
    /// ignored (the defaults still work), never fatal.
    pub fn load() -> (Keymap, Option<String>) {
        let Some(path) = super::config_dir().map(|d| d.join("keymap.toml")) else {
            return (Keymap::default(), None);
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => match Keymap::from_defaults_and(Some(&text)) {
                Ok(k) => (k, None),
                Err(e) => (Keymap::default(), Some(format!("{}: {e}", path.display()))),
            },
            Err(_) => (Keymap::default(), None),
        }
    }

    pub fn action(&self, key: &KeyEvent) -> Option<Action> {
        self.lookup.get(&Key::from_event(key)).copied()
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The keys of `action` as the help and hints print them (`j/↓`).
    pub fn keys_of(&self, action: Action) -> String {
        self.entries
            .iter()
            .find(|e| e.action == action)
            .map(|e| e.keys.iter().map(|k| k.to_string()).collect::<Vec<_>>().join("/"))
            .unwrap_or_default()
    }
}

/// The key table as Markdown (README's "Terminal UI" section embeds it; a test keeps them equal).
pub fn markdown_table(k: &Keymap) -> String {
    let mut out = String::from("| keys | action |\n|---|---|\n");
    for e in k.entries() {
        let keys = e.keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" ");
        out.push_str(&format!("| {keys} | {} |\n", e.desc.replace('|', "\\|")));
    }
    out
}

fn parse(text: &str, what: &str) -> Result<Vec<Entry>, String> {
    let file: File = toml::from_str(text).map_err(|e| format!("{what}: {e}"))?;
    file.bind
        .into_iter()
        .map(|b| {
            let keys = b
                .keys
                .iter()
                .map(|k| Key::parse(k))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("{what}: {e}"))?;
            Ok(Entry {
                action: b.action,
                keys,
                desc: b.desc.unwrap_or_default(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new_with_kind(code, mods, KeyEventKind::Press)
    }

    #[test]
    fn defaults_bind_every_action_once_with_a_description() {
        let k = Keymap::default();
        for a in Action::ALL {
            let e = k.entries().iter().filter(|e| e.action == *a).count();
            assert_eq!(e, 1, "{a:?} bound {e} times in the default keymap");
        }
        assert!(k.entries().iter().all(|e| !e.desc.is_empty() && !e.keys.is_empty()));
        let mut seen = HashMap::new();
        for e in k.entries() {
            for key in &e.keys {
                assert!(seen.insert(*key, e.action).is_none(), "{key} bound twice");
            }
        }
    }

    #[test]
    fn terminal_keys_map_to_actions() {
        let k = Keymap::default();
        assert_eq!(
            k.action(&ev(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::Down)
        );
        assert_eq!(
            k.action(&ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            k.action(&ev(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            k.action(&ev(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::PrevTab)
        );
        assert_eq!(
            k.action(&ev(KeyCode::Char('?'), KeyModifiers::SHIFT)),
            Some(Action::Help)
        );
        assert_eq!(k.action(&ev(KeyCode::Char('x'), KeyModifiers::NONE)), None);
    }

    #[test]
    fn user_file_patches_over_defaults() {
        let user = r#"
            [[bind]]
            action = "quit"
            keys = ["x"]
            [[bind]]
            action = "down"
            keys = ["j", "n"]
            desc = "Next row"
        "#;
        let k = Keymap::from_defaults_and(Some(user)).unwrap();
        let key = |c| ev(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(k.action(&key('x')), Some(Action::Quit));
        assert_eq!(k.action(&key('q')), None, "quit's old keys are replaced");
        // `n` was notes' key: taken away from notes, given to down.
        assert_eq!(k.action(&key('n')), Some(Action::Down));
        assert_eq!(k.keys_of(Action::Notes), "");
        assert!(k.entries().iter().any(|e| e.desc == "Next row"));
        assert!(Keymap::from_defaults_and(Some("[[bind]]\naction = \"fly\"\nkeys = []")).is_err());
        assert!(Keymap::from_defaults_and(Some("[[bind]]\naction = \"quit\"\nkeys = [\"hyper-q\"]")).is_err());
    }
}
