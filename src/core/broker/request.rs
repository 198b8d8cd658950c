//! One elevated-access request as a broker recorded it, whatever the broker: who asked, for which role in which
//! account, the window it was granted for, who decided and why (`docs/brokers.md` §3).
//!
//! Readers (`read`) turn every supported export into this one shape; nothing else in the broker analysis knows a
//! broker's field names.

use serde::Serialize;
use std::path::PathBuf;

/// Which export a request was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, strum::Display, strum::IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum LogFormat {
    /// trailhound's own request schema (JSON or CSV; README "Elevated-access brokers").
    Trailhound,
    /// AWS's reference temporary elevated access broker: its DynamoDB `request` item or its API's request object.
    ReferenceBroker,
    /// IAM Identity Center TEAM: its `requests` model (the audit page's CSV download or the table's items).
    Team,
}

/// Where a request came from: the file and the 0-based record index within it (data row for CSV).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RequestSource {
    /// The log file.
    pub path: PathBuf,
    /// 0-based record index (array element, JSON line, CSV data row).
    pub index: u64,
}

/// What the broker decided, folded over the brokers' vocabularies (`docs/brokers.md` §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, strum::Display, strum::IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum RequestStatus {
    /// Approved and granted (also: ended, in progress, scheduled: the access was or will be granted).
    Approved,
    /// Approved, then revoked before its end (TEAM `revoked`); the window it had is still the one approved.
    Revoked,
    /// Rejected by a reviewer.
    Rejected,
    /// Never decided: pending, requested, cancelled, or expired before review (the reference broker's `Expired`).
    NotGranted,
    /// The broker's own status says something went wrong (TEAM `error`) or the word is not one we know.
    Unknown,
}

impl RequestStatus {
    /// Whether the request granted access for its window.
    pub fn granted(self) -> bool {
        matches!(self, RequestStatus::Approved | RequestStatus::Revoked)
    }

    /// The status for a broker's own word (case and spacing ignored).
    pub fn from_word(word: &str) -> RequestStatus {
        let w: String = word
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect();
        match w.as_str() {
            "approved" | "ended" | "inprogress" | "scheduled" | "active" | "granted" => RequestStatus::Approved,
            "revoked" => RequestStatus::Revoked,
            "rejected" | "denied" => RequestStatus::Rejected,
            "requested" | "pending" | "cancelled" | "canceled" | "expired" => RequestStatus::NotGranted,
            _ => RequestStatus::Unknown,
        }
    }
}

/// One request, in the broker-independent shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Request {
    /// The request's id in the broker, when it has one.
    pub id: Option<String>,
    /// Which export it was read from.
    pub format: LogFormat,
    /// The file and record it came from.
    pub source: RequestSource,
    /// What the broker decided.
    pub status: RequestStatus,
    /// The status word as the broker wrote it.
    pub status_word: String,
    /// Who asked (an e-mail address for both reference brokers).
    pub requester: String,
    /// Other names of the same requester the record gives (TEAM's `username`).
    pub requester_aliases: Vec<String>,
    /// The account the access was for.
    pub account: String,
    /// The role (reference broker) or permission set (TEAM) name, as recorded; a role ARN is reduced to its name.
    pub role: String,
    /// Start of the approved window, epoch seconds.
    pub start: i64,
    /// End of the approved window (exclusive), epoch seconds.
    pub end: i64,
    /// Who approved or rejected it.
    pub approver: Option<String>,
    /// The requester's justification.
    pub justification: Option<String>,
    /// A change or incident ticket, when recorded.
    pub ticket: Option<String>,
}

impl Request {
    /// Whether `who` names this request's requester (its e-mail or an alias; case-insensitive, as e-mail
    /// addresses and Identity Center user names are compared by people).
    pub fn is_by(&self, who: &str) -> bool {
        self.requester.eq_ignore_ascii_case(who) || self.requester_aliases.iter().any(|a| a.eq_ignore_ascii_case(who))
    }

    /// Whether this request is for `role` (a role or permission-set name) in `account`.
    pub fn is_for(&self, account: &str, role: &str) -> bool {
        self.account == account && self.role.eq_ignore_ascii_case(role)
    }
}
