//! Themes as data: semantic style slots (`severity.high`, `behavior.new`, `edge.weak`, …) read from TOML.
//!
//! Four themes ship in `themes/` (embedded); a user theme in `$XDG_CONFIG_HOME/trailhound/theme.toml` is patched
//! over the chosen one, slot by slot. With `NO_COLOR` set every colour is dropped but modifiers stay, and the
//! selection is forced to reverse video so it is still visible. Views ask for a [`Slot`], never for a colour.

use ratatui::style::{Color, Modifier, Style};
use std::str::FromStr;

macro_rules! slots {
    ($($variant:ident = $name:literal),* $(,)?) => {
        /// A semantic style slot. The TOML names are the dotted names in [`Slot::name`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Slot { $($variant),* }
        impl Slot {
            pub const ALL: &'static [Slot] = &[$(Slot::$variant),*];
            pub fn name(self) -> &'static str {
                match self { $(Slot::$variant => $name),* }
            }
        }
    };
}

slots! {
    Text = "text",
    TextDim = "text.dim",
    TextAccent = "text.accent",
    Title = "title",
    Header = "header",
    Border = "border",
    BorderFocused = "border.focused",
    Selection = "selection",
    TabActive = "tab.active",
    Breadcrumb = "breadcrumb",
    ScopeBar = "scope.bar",
    SeverityLow = "severity.low",
    SeverityMedium = "severity.medium",
    SeverityHigh = "severity.high",
    SeverityCritical = "severity.critical",
    BehaviorNew = "behavior.new",
    BehaviorKnown = "behavior.known",
    PrincipalExternal = "principal.external",
    PrincipalUnknown = "principal.unknown",
    EdgeStrong = "edge.strong",
    EdgeMedium = "edge.medium",
    EdgeWeak = "edge.weak",
    ChartSuccess = "chart.success",
    ChartFailure = "chart.failure",
    ChartBaseline = "chart.baseline",
    MapLand = "map.land",
    StatusOk = "status.ok",
    StatusWarning = "status.warning",
    StatusError = "status.error",
    Gauge = "gauge",
}

pub const THEMES: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("high-contrast", include_str!("../../themes/high-contrast.toml")),
    ("colorblind", include_str!("../../themes/colorblind.toml")),
];

#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    styles: Vec<Style>,
    pub no_color: bool,
}

impl Default for Theme {
    #[allow(
        clippy::expect_used,
        reason = "the dark theme is compiled in; the theme tests load it, so it cannot fail at run time"
    )]
    fn default() -> Self {
        Theme::builtin("dark").expect("the embedded dark theme is complete (tested)")
    }
}

impl Theme {
    pub fn style(&self, slot: Slot) -> Style {
        self.styles.get(slot as usize).copied().unwrap_or_default()
    }

    /// A shipped theme by name; every slot must be set.
    pub fn builtin(name: &str) -> Result<Theme, String> {
        let text = THEMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
            .ok_or_else(|| format!("no theme named {name:?}"))?;
        let mut theme = Theme {
            styles: vec![Style::default(); Slot::ALL.len()],
            no_color: false,
        };
        let set = theme.patch(text)?;
        if let Some(missing) = Slot::ALL.iter().find(|s| !set.contains(s)) {
            return Err(format!("theme {name}: slot {} is not set", missing.name()));
        }
        Ok(theme)
    }

    /// Patch the slots `text` (a theme TOML) sets; returns which slots it set.
    pub fn patch(&mut self, text: &str) -> Result<Vec<Slot>, String> {
        let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut set = Vec::new();
        walk(&table, "", &mut |name, spec| {
            let slot = Slot::ALL
                .iter()
                .find(|s| s.name() == name)
                .ok_or_else(|| format!("unknown theme slot {name:?}"))?;
            self.styles[*slot as usize] = parse_style(name, spec)?;
            set.push(*slot);
            Ok(())
        })?;
        Ok(set)
    }

    /// Drop every colour, keep modifiers; selection and focus stay visible through reverse/bold.
    pub fn without_color(mut self) -> Theme {
        for s in &mut self.styles {
            s.fg = None;
            s.bg = None;
            s.underline_color = None;
        }
        self.styles[Slot::Selection as usize] = Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD);
        self.styles[Slot::BorderFocused as usize] = Style::new().add_modifier(Modifier::BOLD);
        self.styles[Slot::TabActive as usize] = Style::new().add_modifier(Modifier::REVERSED);
        self.no_color = true;
        self
    }

    /// The theme the user asked for: `name` (default dark), the user's theme.toml over it, `NO_COLOR` last.
    /// Problems are returned as a message for the status line, never fatal.
    pub fn load(name: Option<&str>, no_color: bool) -> (Theme, Option<String>) {
        let mut warning = None;
        let mut theme = match Theme::builtin(name.unwrap_or("dark")) {
            Ok(t) => t,
            Err(e) => {
                warning = Some(e);
                Theme::default()
            }
        };
        if let Some(path) = super::config_dir().map(|d| d.join("theme.toml"))
            && let Ok(text) = std::fs::read_to_string(&path)
            && let Err(e) = theme.patch(&text)
        {
            warning = Some(format!("{}: {e}", path.display()));
        }
        if no_color {
            theme = theme.without_color();
        }
        (theme, warning)
    }
}

const STYLE_KEYS: &[&str] = &["fg", "bg", "bold", "dim", "italic", "underlined", "reversed"];

fn walk(
    table: &toml::Table,
    prefix: &str,
    f: &mut dyn FnMut(&str, &toml::Table) -> Result<(), String>,
) -> Result<(), String> {
    for (k, v) in table {
        let name = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        let toml::Value::Table(t) = v else {
            return Err(format!("theme slot {name:?}: expected a table like {{ fg = \"red\" }}"));
        };
        if t.keys().any(|k| STYLE_KEYS.contains(&k.as_str())) {
            f(&name, t)?;
        } else {
            walk(t, &name, f)?;
        }
    }
    Ok(())
}

fn parse_style(name: &str, spec: &toml::Table) -> Result<Style, String> {
    let mut style = Style::new();
    for (k, v) in spec {
        match (k.as_str(), v) {
            ("fg", toml::Value::String(c)) => style = style.fg(color(name, c)?),
            ("bg", toml::Value::String(c)) => style = style.bg(color(name, c)?),
            (m, toml::Value::Boolean(true)) => {
                style = style.add_modifier(match m {
                    "bold" => Modifier::BOLD,
                    "dim" => Modifier::DIM,
                    "italic" => Modifier::ITALIC,
                    "underlined" => Modifier::UNDERLINED,
                    "reversed" => Modifier::REVERSED,
                    _ => return Err(format!("theme slot {name}: unknown key {m:?}")),
                })
            }
            (_, toml::Value::Boolean(false)) => {}
            (k, _) => return Err(format!("theme slot {name}: bad value for {k:?}")),
        }
    }
    Ok(style)
}

fn color(name: &str, c: &str) -> Result<Color, String> {
    Color::from_str(c).map_err(|_| format!("theme slot {name}: unknown colour {c:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_theme_sets_every_slot_and_documents_it() {
        for (name, text) in THEMES {
            Theme::builtin(name).unwrap();
            for slot in Slot::ALL {
                let leaf = slot.name().rsplit('.').next().unwrap_or_default();
                assert!(
                    text.lines()
                        .any(|l| l.trim_start().starts_with('#') && l.contains(slot.name())),
                    "theme {name}: slot {} has no comment naming it ({leaf})",
                    slot.name()
                );
            }
        }
    }

    #[test]
    fn known_and_new_behaviour_differ_in_every_theme() {
        for (name, _) in THEMES {
            let t = Theme::builtin(name).unwrap();
            assert_ne!(t.style(Slot::BehaviorNew), t.style(Slot::BehaviorKnown), "{name}");
            assert_ne!(t.style(Slot::SeverityHigh), t.style(Slot::SeverityLow), "{name}");
        }
    }

    #[test]
    fn user_patch_overrides_one_slot_and_rejects_unknown_ones() {
        let mut t = Theme::default();
        t.patch("[severity]\nhigh = { fg = \"#ff00ff\", bold = true }").unwrap();
        assert_eq!(
            t.style(Slot::SeverityHigh),
            Style::new().fg(Color::Rgb(255, 0, 255)).add_modifier(Modifier::BOLD)
        );
        assert!(t.patch("[severity]\nextreme = { fg = \"red\" }").is_err());
        assert!(t.patch("[severity]\nhigh = { fg = \"notacolour\" }").is_err());
    }

    #[test]
    fn no_color_keeps_selection_visible_without_colours() {
        let t = Theme::default().without_color();
        for slot in Slot::ALL {
            let s = t.style(*slot);
            assert!(s.fg.is_none() && s.bg.is_none(), "{} kept a colour", slot.name());
        }
        assert!(t.style(Slot::Selection).add_modifier.contains(Modifier::REVERSED));
    }
}
