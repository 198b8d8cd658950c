//! The `:fetch` dialog's form: its fields, key handling and validation into a [`FetchSpec`] (the checked values
//! of a [`crate::aws::FetchRequest`], plus an [`OrgSpec`] when the source is an Athena table or a CloudTrail Lake
//! event data store). The source decides which fields show. For the APIs, Enter starts the fetch
//! ([`Command::Fetch`]); for Athena and Lake it first asks for the plan ([`Command::Plan`]: the text `fetch
//! --dry-run` prints), shown for a second Enter to run it, and while it runs Esc stops its queries
//! ([`Command::StopFetch`]); those fields' checks and the plan and progress pages' keys are `fetch_org`. The
//! runtime runs all of these (`fetch_job`). The form never holds a credential: the profile is a name and the SDK
//! resolves it.

use super::action::{Action, Input};
use super::app::{App, Mode};
use super::fetch_job::FetchJob;
use super::fetch_job::Stage;
use super::fetch_org::OrgSpec;
use super::theme::Slot;
use super::update::Command;
use crate::aws::{FetchRequest, LookupAttr, LookupKey, Services};
use std::path::{Path, PathBuf};

/// Where the events come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SourceKind {
    /// CloudTrail `LookupEvents`, GuardDuty and Access Analyzer findings, region by region.
    #[default]
    Apis,
    /// The org-scale plan on an Athena table over the organisation trail.
    Athena,
    /// The org-scale plan on a CloudTrail Lake event data store.
    Lake,
}

impl SourceKind {
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Apis => "CloudTrail / GuardDuty / Access Analyzer APIs",
            SourceKind::Athena => "Athena table (organisation trail)",
            SourceKind::Lake => "CloudTrail Lake event data store",
        }
    }

    fn step(self, forward: bool) -> SourceKind {
        const ALL: [SourceKind; 3] = [SourceKind::Apis, SourceKind::Athena, SourceKind::Lake];
        let i = ALL.iter().position(|k| *k == self).unwrap_or(0);
        ALL[if forward { (i + 1) % 3 } else { (i + 2) % 3 }]
    }

    /// The fields shown for this source, in Tab order.
    pub fn fields(self) -> &'static [Field] {
        match self {
            SourceKind::Apis => &API_FIELDS,
            SourceKind::Athena => &ATHENA_FIELDS,
            SourceKind::Lake => &LAKE_FIELDS,
        }
    }
}

/// The form's fields (which show depends on the source: [`SourceKind::fields`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Source,
    Profile,
    Regions,
    From,
    To,
    CloudTrail,
    GuardDuty,
    AccessAnalyzer,
    Lookup,
    /// Athena: `[CATALOG.]DATABASE.TABLE`.
    Table,
    Workgroup,
    OutputLocation,
    /// Lake: the event data store's ARN or id.
    Store,
    /// Org scale: the accounts in scope (`all` or ids).
    Accounts,
    /// Org scale: principals whose chains and baseline to fetch.
    Principals,
    Endpoint,
    Case,
}

const API_FIELDS: [Field; 11] = [
    Field::Source,
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

const ATHENA_FIELDS: [Field; 12] = [
    Field::Source,
    Field::Profile,
    Field::Regions,
    Field::From,
    Field::To,
    Field::Table,
    Field::Workgroup,
    Field::OutputLocation,
    Field::Accounts,
    Field::Principals,
    Field::Endpoint,
    Field::Case,
];

const LAKE_FIELDS: [Field; 10] = [
    Field::Source,
    Field::Profile,
    Field::Regions,
    Field::From,
    Field::To,
    Field::Store,
    Field::Accounts,
    Field::Principals,
    Field::Endpoint,
    Field::Case,
];

impl Field {
    pub fn label(self) -> &'static str {
        match self {
            Field::Source => "Source",
            Field::Profile => "Profile",
            Field::Regions => "Regions",
            Field::From => "From",
            Field::To => "To",
            Field::CloudTrail => "CloudTrail",
            Field::GuardDuty => "GuardDuty",
            Field::AccessAnalyzer => "Access Analyzer",
            Field::Lookup => "Lookup attribute",
            Field::Table => "Athena table",
            Field::Workgroup => "Workgroup",
            Field::OutputLocation => "Output location",
            Field::Store => "Event data store",
            Field::Accounts => "Accounts",
            Field::Principals => "Principals",
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
            Field::Table => "(DATABASE.TABLE or CATALOG.DATABASE.TABLE)",
            Field::Workgroup => "(primary)",
            Field::OutputLocation => "(the workgroup's; s3://BUCKET/PREFIX/)",
            Field::Store => "(arn:aws:cloudtrail:REGION:ACCOUNT:eventdatastore/ID, or the ID)",
            Field::Accounts => "(12-digit ids, comma-separated, or all)",
            Field::Principals => "(role or user ARN, access key, identity:ROLE_ARN#SESSION; comma-separated)",
            Field::Endpoint => "(AWS default; for testing or VPC endpoints)",
            _ => "",
        }
    }
}

/// The typed values. Toggles are `bool`s; everything else is text as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchForm {
    pub source: SourceKind,
    pub profile: String,
    pub regions: String,
    pub from: String,
    pub to: String,
    pub services: Services,
    pub lookup: String,
    pub table: String,
    pub workgroup: String,
    pub output_location: String,
    pub store: String,
    pub accounts: String,
    pub principals: String,
    pub endpoint: String,
    pub case: String,
    /// Index into the source's fields.
    pub focus: usize,
    /// Validation messages from the last Enter, per field.
    pub errors: Vec<(Field, String)>,
}

/// Longest text a field accepts.
const MAX: usize = 1024;

impl FetchForm {
    pub fn new(case: &Path) -> FetchForm {
        FetchForm {
            source: SourceKind::Apis,
            profile: String::new(),
            regions: String::new(),
            from: "-24h".into(),
            to: String::new(),
            services: Services::ALL,
            lookup: String::new(),
            table: String::new(),
            workgroup: String::new(),
            output_location: String::new(),
            store: String::new(),
            accounts: String::new(),
            principals: String::new(),
            endpoint: String::new(),
            case: case.display().to_string(),
            focus: 0,
            errors: Vec::new(),
        }
    }

    /// The fields shown, in Tab order.
    pub fn fields(&self) -> &'static [Field] {
        self.source.fields()
    }

    pub fn focused(&self) -> Field {
        let f = self.fields();
        f[self.focus % f.len()]
    }

    /// The text of a text field (`None` for toggles).
    pub fn text(&self, f: Field) -> Option<&str> {
        Some(match f {
            Field::Profile => &self.profile,
            Field::Regions => &self.regions,
            Field::From => &self.from,
            Field::To => &self.to,
            Field::Lookup => &self.lookup,
            Field::Table => &self.table,
            Field::Workgroup => &self.workgroup,
            Field::OutputLocation => &self.output_location,
            Field::Store => &self.store,
            Field::Accounts => &self.accounts,
            Field::Principals => &self.principals,
            Field::Endpoint => &self.endpoint,
            Field::Case => &self.case,
            _ => return None,
        })
    }

    pub(crate) fn text_mut(&mut self, f: Field) -> Option<&mut String> {
        Some(match f {
            Field::Profile => &mut self.profile,
            Field::Regions => &mut self.regions,
            Field::From => &mut self.from,
            Field::To => &mut self.to,
            Field::Lookup => &mut self.lookup,
            Field::Table => &mut self.table,
            Field::Workgroup => &mut self.workgroup,
            Field::OutputLocation => &mut self.output_location,
            Field::Store => &mut self.store,
            Field::Accounts => &mut self.accounts,
            Field::Principals => &mut self.principals,
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

    /// Choose the next (or previous) source; the focus stays on the Source field.
    pub fn step_source(&mut self, forward: bool) {
        self.source = self.source.step(forward);
        self.focus = 0;
        self.errors.clear();
    }

    fn type_char(&mut self, c: char) {
        let f = self.focused();
        if f == Field::Source {
            if c == ' ' {
                self.step_source(true);
            }
        } else if f.is_toggle() {
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
        let mut lookup = None;
        let mut org = None;
        if self.source == SourceKind::Apis {
            if !(self.services.cloudtrail || self.services.guardduty || self.services.access_analyzer) {
                errors.push((Field::CloudTrail, "choose at least one service".to_string()));
            }
            lookup = match self.lookup.trim() {
                "" => None,
                l => parse_lookup(l).map_err(|e| errors.push((Field::Lookup, e))).ok(),
            };
        } else {
            if regions.len() > 1 {
                errors.push((
                    Field::Regions,
                    "one region: the table's or the event data store's".to_string(),
                ));
            }
            org = super::fetch_org::org_spec(self, &mut errors);
        }
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
            org,
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
    /// Athena or Lake instead of the APIs.
    pub org: Option<OrgSpec>,
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

/// Keys while the dialog is open: the form, the plan or the progress of an Athena/Lake fetch.
pub fn handle(app: &mut App, input: Input) -> Vec<Command> {
    match app.fetch.stage.clone() {
        Stage::Form => handle_form(app, input),
        Stage::Plan { spec, text, .. } => {
            super::fetch_org::handle_plan(app, input, spec, text.is_some_and(|t| t.is_ok()))
        }
        Stage::Progress => super::fetch_org::handle_progress(app, input),
    }
}

fn handle_form(app: &mut App, input: Input) -> Vec<Command> {
    let running = app.fetch.job.as_ref().is_some_and(|j| j.outcome.is_none());
    let Some(form) = app.fetch.form.as_mut() else {
        app.mode = Mode::Normal;
        return Vec::new();
    };
    let n = form.fields().len();
    match input {
        Input::Complete | Input::Action(Action::Down) => form.focus = (form.focus + 1) % n,
        Input::Action(Action::Up) => form.focus = (form.focus + n - 1) % n,
        Input::Action(a @ (Action::NextTab | Action::PrevTab)) if form.focused() == Field::Source => {
            form.step_source(a == Action::NextTab)
        }
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
            Ok(spec) if spec.org.is_some() => {
                form.errors.clear();
                app.fetch.stage = Stage::Plan {
                    spec: Box::new(spec.clone()),
                    text: None,
                    scroll: 0,
                };
                app.set_status(Slot::StatusOk, "making the plan (nothing runs until Enter)");
                return vec![Command::Plan(spec)];
            }
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
                let fields = form.fields();
                if let Some(i) = errors.first().and_then(|(f, _)| fields.iter().position(|g| g == f)) {
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
        KeyCode::Left => Input::Action(Action::PrevTab),
        KeyCode::Right => Input::Action(Action::NextTab),
        KeyCode::PageUp => Input::Action(Action::PageUp),
        KeyCode::PageDown => Input::Action(Action::PageDown),
        _ => return None,
    })
}
