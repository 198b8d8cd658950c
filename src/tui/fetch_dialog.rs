//! The `:fetch` dialog's form: its fields, key handling and validation into a [`FetchSpec`] (the checked values
//! of a [`crate::aws::FetchRequest`]). Starting a fetch only returns [`Command::Fetch`]; the runtime runs it
//! (`fetch_job`). The form never holds a credential: the profile is a name and the SDK resolves it.

use super::action::{Action, Input};
use super::app::{App, Mode};
use super::fetch_job::FetchJob;
use super::theme::Slot;
use super::update::Command;
use crate::aws::{FetchRequest, LookupAttr, LookupKey, Services};
use std::path::{Path, PathBuf};

/// The form's fields, in Tab order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Profile,
    Regions,
    From,
    To,
    CloudTrail,
    GuardDuty,
    AccessAnalyzer,
    Lookup,
    Endpoint,
    Case,
}

pub const FIELDS: [Field; 10] = [
    Field::Profile,
    Field::Regions,
    Field::From,
    Field::To,
    Field::CloudTrail,
    Field::GuardDuty,
    Field::AccessAnalyzer,
    Field::Lookup,
    Field::Endpoint,
    Field::Case,
];

impl Field {
    pub fn label(self) -> &'static str {
        match self {
            Field::Profile => "Profile",
            Field::Regions => "Regions",
            Field::From => "From",
            Field::To => "To",
            Field::CloudTrail => "CloudTrail",
            Field::GuardDuty => "GuardDuty",
            Field::AccessAnalyzer => "Access Analyzer",
            Field::Lookup => "Lookup attribute",
            Field::Endpoint => "Endpoint URL",
            Field::Case => "Case folder",
        }
    }

    pub fn is_toggle(self) -> bool {
        matches!(self, Field::CloudTrail | Field::GuardDuty | Field::AccessAnalyzer)
    }

    /// What an empty text field means.
    pub fn placeholder(self) -> &'static str {
        match self {
            Field::Profile => "(AWS_PROFILE or default)",
            Field::Regions => "(the profile's region; comma-separate several)",
            Field::From => "(24 h before To; RFC 3339, YYYY-MM-DD or -24h)",
            Field::To => "(now)",
            Field::Lookup => "(none; e.g. access-key=ASIA…, user=NAME, event-name=X)",
            Field::Endpoint => "(AWS default; for testing or VPC endpoints)",
            _ => "",
        }
    }
}

/// The typed values. Toggles are `bool`s; everything else is text as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchForm {
    pub profile: String,
    pub regions: String,
    pub from: String,
    pub to: String,
    pub services: Services,
    pub lookup: String,
    pub endpoint: String,
    pub case: String,
    pub focus: usize,
    /// Validation messages from the last Enter, per field.
    pub errors: Vec<(Field, String)>,
}

/// Longest text a field accepts.
const MAX: usize = 1024;

impl FetchForm {
    pub fn new(case: &Path) -> FetchForm {
        FetchForm {
            profile: String::new(),
            regions: String::new(),
            from: "-24h".into(),
            to: String::new(),
            services: Services::ALL,
            lookup: String::new(),
            endpoint: String::new(),
            case: case.display().to_string(),
            focus: 0,
            errors: Vec::new(),
        }
    }

    pub fn focused(&self) -> Field {
        FIELDS[self.focus % FIELDS.len()]
    }

    /// The text of a text field (`None` for toggles).
    pub fn text(&self, f: Field) -> Option<&str> {
        Some(match f {
            Field::Profile => &self.profile,
            Field::Regions => &self.regions,
            Field::From => &self.from,
            Field::To => &self.to,
            Field::Lookup => &self.lookup,
            Field::Endpoint => &self.endpoint,
            Field::Case => &self.case,
            _ => return None,
        })
    }

    fn text_mut(&mut self, f: Field) -> Option<&mut String> {
        Some(match f {
            Field::Profile => &mut self.profile,
            Field::Regions => &mut self.regions,
            Field::From => &mut self.from,
            Field::To => &mut self.to,
            Field::Lookup => &mut self.lookup,
            Field::Endpoint => &mut self.endpoint,
            Field::Case => &mut self.case,
            _ => return None,
        })
    }

    pub fn toggle(&self, f: Field) -> Option<bool> {
        match f {
            Field::CloudTrail => Some(self.services.cloudtrail),
            Field::GuardDuty => Some(self.services.guardduty),
            Field::AccessAnalyzer => Some(self.services.access_analyzer),
            _ => None,
        }
    }

    pub fn error(&self, f: Field) -> Option<&str> {
        self.errors.iter().find(|(g, _)| *g == f).map(|(_, m)| m.as_str())
    }

    fn type_char(&mut self, c: char) {
        let f = self.focused();
        if f.is_toggle() {
            if c == ' ' || c == 'x' {
                let s = &mut self.services;
                match f {
                    Field::CloudTrail => s.cloudtrail = !s.cloudtrail,
                    Field::GuardDuty => s.guardduty = !s.guardduty,
                    _ => s.access_analyzer = !s.access_analyzer,
                }
            }
        } else if let Some(t) = self.text_mut(f)
            && !c.is_control()
            && t.len() < MAX
        {
            t.push(c);
        }
    }

    /// Check every field; on success the request's values, else one message per bad field.
    pub fn validate(&self, now: i64) -> Result<FetchSpec, Vec<(Field, String)>> {
        let mut errors = Vec::new();
        let profile = self.profile.trim();
        if profile.chars().any(char::is_whitespace) {
            errors.push((Field::Profile, "a profile name has no spaces".to_string()));
        }
        let regions: Vec<String> = self
            .regions
            .split(',')
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .collect();
        if let Some(bad) = regions.iter().find(|r| {
            !r.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        }) {
            errors.push((Field::Regions, format!("`{bad}` is not a region name (e.g. us-east-1)")));
        }
        let to = match self.to.trim() {
            "" => Some(now),
            t => parse_time(t, now).map_err(|e| errors.push((Field::To, e))).ok(),
        };
        let from = match self.from.trim() {
            "" => to.map(|t| t - 86_400),
            f => parse_time(f, now).map_err(|e| errors.push((Field::From, e))).ok(),
        };
        if let (Some(f), Some(t)) = (from, to)
            && f >= t
        {
            errors.push((Field::From, "From must be before To".to_string()));
        }
        if !(self.services.cloudtrail || self.services.guardduty || self.services.access_analyzer) {
            errors.push((Field::CloudTrail, "choose at least one service".to_string()));
        }
        let lookup = match self.lookup.trim() {
            "" => None,
            l => parse_lookup(l).map_err(|e| errors.push((Field::Lookup, e))).ok(),
        };
        let endpoint = self.endpoint.trim();
        let url_like = endpoint.starts_with("http://") || endpoint.starts_with("https://");
        if !endpoint.is_empty() && !url_like {
            errors.push((
                Field::Endpoint,
                "an endpoint URL starts with http:// or https://".to_string(),
            ));
        }
        if self.case.trim().is_empty() {
            errors.push((Field::Case, "the case folder is required".to_string()));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(FetchSpec {
            profile: (!profile.is_empty()).then(|| profile.to_string()),
            regions,
            window: from.zip(to),
            services: self.services,
            lookup: lookup.into_iter().collect(),
            endpoint_url: (!endpoint.is_empty()).then(|| endpoint.to_string()),
            case_dir: PathBuf::from(self.case.trim()),
        })
    }
}

/// A validated form: what [`FetchRequest`] gets (the rest keeps the library's defaults).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchSpec {
    pub profile: Option<String>,
    pub regions: Vec<String>,
    pub window: Option<(i64, i64)>,
    pub services: Services,
    pub lookup: Vec<LookupAttr>,
    pub endpoint_url: Option<String>,
    pub case_dir: PathBuf,
}

impl FetchSpec {
    pub fn request(&self) -> FetchRequest {
        let mut req = FetchRequest::new(&self.case_dir);
        req.profile = self.profile.clone();
        req.regions = self.regions.clone();
        req.window = self.window;
        req.services = self.services;
        req.lookup = self.lookup.clone();
        req.endpoint_url = self.endpoint_url.clone();
        req
    }
}

/// RFC 3339, `YYYY-MM-DD` (midnight UTC), `now`, or relative to now: `-30m`, `-24h`, `-7d`.
pub fn parse_time(s: &str, now: i64) -> Result<i64, String> {
    if s == "now" {
        return Ok(now);
    }
    if let Some(rel) = s.strip_prefix('-') {
        let (n, unit) = rel.split_at(rel.find(|c: char| !c.is_ascii_digit()).unwrap_or(rel.len()));
        let mult = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            _ => 0,
        };
        if let Ok(n) = n.parse::<i64>()
            && mult > 0
        {
            return n
                .checked_mul(mult)
                .and_then(|d| now.checked_sub(d))
                .ok_or_else(|| format!("`{s}` is too far back"));
        }
    }
    let full = if s.len() == 10 {
        format!("{s}T00:00:00Z")
    } else {
        s.to_string()
    };
    crate::core::time::parse_epoch(&full).ok_or_else(|| format!("`{s}`: use RFC 3339, YYYY-MM-DD or -24h / -7d"))
}

fn parse_lookup(s: &str) -> Result<LookupAttr, String> {
    let (k, v) = s.split_once('=').ok_or("expected KEY=VALUE")?;
    let key = k
        .parse::<LookupKey>()
        .map_err(|_| "KEY: access-key, user, event-name or resource-name")?;
    match v.trim() {
        "" => Err("empty value".to_string()),
        v => Ok(LookupAttr {
            key,
            value: v.to_string(),
        }),
    }
}

/// Where a fetch writes by default: the open case, else `./trailhound-fetch`.
pub fn default_case(open_case: Option<&Path>) -> PathBuf {
    open_case
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("./trailhound-fetch"))
}

/// `:fetch`: show the dialog (with the running or last job, if any).
pub fn open(app: &mut App) {
    if app.fetch.form.is_none() {
        app.fetch.form = Some(FetchForm::new(&default_case(app.fetch.open_case.as_deref())));
    }
    app.mode = Mode::Fetch;
}

/// Keys while the dialog is open.
pub fn handle(app: &mut App, input: Input) -> Vec<Command> {
    let running = app.fetch.job.as_ref().is_some_and(|j| j.outcome.is_none());
    let Some(form) = app.fetch.form.as_mut() else {
        app.mode = Mode::Normal;
        return Vec::new();
    };
    let n = FIELDS.len();
    match input {
        Input::Complete | Input::Action(Action::Down) => form.focus = (form.focus + 1) % n,
        Input::Action(Action::Up) => form.focus = (form.focus + n - 1) % n,
        Input::Char(c) => form.type_char(c),
        Input::Backspace => {
            let f = form.focused();
            if let Some(t) = form.text_mut(f) {
                t.pop();
            }
        }
        Input::Cancel | Input::Action(Action::Back) => app.mode = Mode::Normal,
        Input::Submit if running => app.set_status(Slot::StatusWarning, "a fetch is already running"),
        Input::Submit => match form.validate(jiff::Timestamp::now().as_second()) {
            Ok(spec) => {
                form.errors.clear();
                app.fetch.job = Some(FetchJob::new(&spec));
                app.set_status(
                    Slot::StatusOk,
                    format!("fetch started into {}", spec.case_dir.display()),
                );
                return vec![Command::Fetch(spec)];
            }
            Err(errors) => {
                if let Some(i) = errors.first().and_then(|(f, _)| FIELDS.iter().position(|g| g == f)) {
                    form.focus = i;
                }
                form.errors = errors;
                app.set_status(Slot::StatusError, "fix the marked fields");
            }
        },
        _ => {}
    }
    Vec::new()
}

/// Raw key → input while the dialog is open: arrows and Shift-Tab move between fields.
pub fn key_input(k: &crossterm::event::KeyEvent) -> Option<Input> {
    use crossterm::event::{KeyCode, KeyModifiers};
    if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
        return Some(Input::Cancel);
    }
    Some(match k.code {
        KeyCode::Char(c) => Input::Char(c),
        KeyCode::Backspace => Input::Backspace,
        KeyCode::Enter => Input::Submit,
        KeyCode::Esc => Input::Cancel,
        KeyCode::Tab | KeyCode::Down => Input::Complete,
        KeyCode::BackTab | KeyCode::Up => Input::Action(Action::Up),
        _ => return None,
    })
}
