//! View specs: what a pivot names. The view stack is a stack of these; each view is rebuilt from its spec plus
//! the shared scope, so going back needs no retained widget state beyond the selection.

use crate::core::access_key::AccessKeyKind;
use crate::core::entity::EntityRef;

/// Saved into the case as JSON (`ui_state`), as serde writes it: `"findings"`, `{"session": "ASIA…"}`,
/// `{"event": 42}`; renaming a variant changes the saved form.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViewSpec {
    /// The root: every GuardDuty and Access Analyzer finding.
    Findings,
    /// One finding by id.
    Finding(String),
    /// One role session (one assumption), by its temporary access key.
    Session(String),
    /// A role by ARN.
    Role(String),
    /// An origin principal (IAM user, federated user, service, external account principal) by ARN or id.
    Principal(String),
    /// A long-term or temporary access key that is not (known to be) a role session.
    AccessKey(String),
    Ip(String),
    Account(String),
    UserAgent(String),
    /// A resource (ARN, bucket, instance id) the calls touched.
    Resource(String),
    /// The chain graph around the session with this key.
    Chain(String),
    /// The incident group (`core::groups`) that holds the finding with this id.
    Group(String),
    /// One event's raw record, by index in `Store::events`.
    Event(usize),
    /// The events a detection or correlation rule hit (`core::rules`), by the rule's id.
    Rule(String),
    /// The case's investigation notes.
    Notes,
    /// The day summary (the landing view) of one UTC day, as days since 1970-01-01; `None`: the last day loaded.
    Summary(Option<i64>),
    /// The geo-fence review (`core::policy::fence`): principals with calls from outside the fence in the scope.
    /// `fence` is the fence's text form (`:geofence US GB 203.0.113.0/24`); `None`: the fence given on the
    /// command line. `profile`: the profile view it was opened from, whose calls alone are reviewed.
    Geofence {
        fence: Option<String>,
        profile: Option<Box<ViewSpec>>,
    },
}

impl ViewSpec {
    /// The short label the breadcrumbs show.
    pub fn crumb(&self) -> String {
        fn short(s: &str) -> &str {
            s.rsplit(['/', ':']).find(|p| !p.is_empty()).unwrap_or(s)
        }
        match self {
            ViewSpec::Findings => "Findings".into(),
            ViewSpec::Finding(id) => format!("finding {}", crate::tui::sanitize::clean_max(id, 12)),
            ViewSpec::Session(k) => format!("session {k}"),
            ViewSpec::Role(a) => format!("role {}", short(a)),
            ViewSpec::Principal(p) => format!("principal {}", short(p)),
            ViewSpec::AccessKey(k) => format!("key {k}"),
            ViewSpec::Ip(a) => format!("ip {a}"),
            ViewSpec::Account(a) => format!("account {a}"),
            ViewSpec::UserAgent(u) => format!("ua {}", crate::tui::sanitize::clean_max(u, 16)),
            ViewSpec::Resource(r) => format!("resource {}", short(r)),
            ViewSpec::Chain(k) => format!("chain {k}"),
            ViewSpec::Group(id) => format!("group of {}", crate::tui::sanitize::clean_max(id, 12)),
            ViewSpec::Event(i) => format!("event #{i}"),
            ViewSpec::Rule(id) => format!("rule {}", crate::tui::sanitize::clean_max(id, 24)),
            ViewSpec::Notes => "Notes".into(),
            ViewSpec::Summary(Some(d)) => format!("Summary {}", crate::core::summary::day_label(*d)),
            ViewSpec::Summary(None) => "Summary".into(),
            ViewSpec::Geofence { profile: None, .. } => "Geo-fence".into(),
            ViewSpec::Geofence { profile: Some(p), .. } => format!("Geo-fence of {}", p.crumb()),
        }
    }

    /// The view for an entity reference (from the command line, a finding's entities, or a note).
    pub fn from_entity(e: &EntityRef) -> Option<ViewSpec> {
        Some(match e {
            EntityRef::Case => ViewSpec::Notes,
            EntityRef::Finding(id) => ViewSpec::Finding(id.clone()),
            EntityRef::Session(k) => ViewSpec::Session(k.clone()),
            EntityRef::Identity { role_arn, .. } => ViewSpec::Role(role_arn.clone()),
            EntityRef::Role(a) => ViewSpec::Role(a.clone()),
            EntityRef::Principal(p) => ViewSpec::Principal(p.clone()),
            EntityRef::AccessKey(k) => ViewSpec::of_access_key(k),
            EntityRef::Ip(a) => ViewSpec::Ip(a.clone()),
            EntityRef::Account(a) => ViewSpec::Account(a.clone()),
            EntityRef::UserAgent(u) => ViewSpec::UserAgent(u.clone()),
            EntityRef::Instance(i) => ViewSpec::Resource(i.clone()),
            EntityRef::Resource(r) => ViewSpec::Resource(r.clone()),
            EntityRef::Event(_) => return None,
        })
    }

    /// The view for an access key: a temporary (`ASIA…`) key is a role session, any other key a key profile.
    pub fn of_access_key(key: &str) -> ViewSpec {
        match AccessKeyKind::of(key) {
            AccessKeyKind::Temporary => ViewSpec::Session(key.to_string()),
            AccessKeyKind::LongTerm | AccessKeyKind::Other => ViewSpec::AccessKey(key.to_string()),
        }
    }

    /// Tabs this view has (empty: no tab bar).
    pub fn tabs(&self) -> &'static [Tab] {
        use Tab::*;
        match self {
            // Policy, Denied and Investigation come last so that a tab position saved before them (`ui_state`) opens
            // the same tab.
            ViewSpec::Session(_) | ViewSpec::Role(_) | ViewSpec::Principal(_) | ViewSpec::Account(_) => {
                &[Overview, NewBehaviour, ApiVolume, Events, Policy, Denied, Investigation]
            }
            // The calls signed with a long-term key are its user's use.
            ViewSpec::AccessKey(_) => &[Overview, Events, Policy, Denied, Investigation],
            ViewSpec::Ip(_) | ViewSpec::UserAgent(_) => &[Overview, Events, Denied, Investigation],
            ViewSpec::Resource(_) | ViewSpec::Group(_) => &[Overview, Events],
            _ => &[],
        }
    }
}

/// A tab of a profile view. Views switch on this, never on the label; the label is what the tab bar shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::Display, strum::IntoStaticStr)]
pub enum Tab {
    /// Details, the chain or related entities, a compact volume chart.
    Overview,
    /// `core::behavior`'s new behaviour against the baseline, with the map.
    #[strum(to_string = "New behaviour")]
    NewBehaviour,
    /// The volume series with its baseline and the drill-downs.
    #[strum(to_string = "API volume")]
    ApiVolume,
    /// The scoped events.
    Events,
    /// `core::policy`'s least-privilege policy of the profile's calls in scope, actions pivoting to their events.
    Policy,
    /// `core::policy::denied`: the profile's denied calls explained, by policy type → action → resource.
    Denied,
    /// `core::investigate`: indicators through the chain, severity, recommended actions with their commands.
    Investigation,
}

impl Tab {
    /// What the tab bar shows.
    pub fn label(self) -> &'static str {
        self.into()
    }
}
