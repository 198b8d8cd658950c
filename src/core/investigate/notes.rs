//! What an investigation could not check, and why (`docs/investigate.md` §6): an indicator that was not computed
//! is said to be unchecked, never reported as "nothing found".

use super::Inputs;
use super::events::Gathered;
use crate::core::behavior::BaselineJson;
use crate::core::findings::Source;
use crate::core::graph::Signer;
use crate::core::model::flags;
use hashbrown::HashSet;
use serde::Serialize;

/// Something not checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, strum::Display)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum NotCheckedKind {
    /// No data events (S3 object reads, Lambda invocations…) are loaded: what was read or run is not seen.
    NoDataEvents,
    /// No GuardDuty findings are loaded: no related GuardDuty findings nor GuardDuty threat lists.
    NoGuardDutyFindings,
    /// No Access Analyzer findings are loaded.
    NoAccessAnalyzerFindings,
    /// No City database: no new geolocations nor impossible travel (finding locations only).
    NoGeolocation,
    /// No ASN database: no new AS organisations.
    NoAsnDatabase,
    /// No intel file given: addresses only checked against GuardDuty's threat lists.
    NoIntelFile,
    /// Rules were not evaluated: no techniques.
    NoDetections,
    /// Records some rules needed could not be read again.
    UnreadableRecords,
    /// The profile has too little history for new behaviour.
    InTraining,
    /// A chain above the profile starts in an account whose logs are not loaded.
    OutsideLogsNotLoaded,
}

/// One thing not checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NotChecked {
    /// What.
    pub kind: NotCheckedKind,
    /// Why, and what it leaves open.
    pub detail: String,
}

pub(super) fn not_checked(inp: &Inputs, baseline: &BaselineJson, g: &Gathered) -> Vec<NotChecked> {
    let store = inp.store;
    let mut out = Vec::new();
    let mut say = |kind, detail: String| out.push(NotChecked { kind, detail });
    if !store.events.iter().any(|e| e.flags & flags::DATA_EVENT != 0) {
        say(
            NotCheckedKind::NoDataEvents,
            "no data events are loaded: object reads, function invocations and other data-plane calls are not seen"
                .into(),
        );
    }
    if !store.findings.iter().any(|f| f.source == Source::GuardDuty) {
        say(
            NotCheckedKind::NoGuardDutyFindings,
            "no GuardDuty findings are loaded: no related GuardDuty findings, no GuardDuty threat lists".into(),
        );
    }
    if !store.findings.iter().any(|f| f.source == Source::AccessAnalyzer) {
        say(
            NotCheckedKind::NoAccessAnalyzerFindings,
            "no Access Analyzer findings are loaded: access a policy write granted is not tied to findings".into(),
        );
    }
    if !inp.geo.has_city() {
        say(
            NotCheckedKind::NoGeolocation,
            "no City database: new geolocations and impossible travel only know the addresses findings locate".into(),
        );
    }
    if !inp.geo.has_asn() {
        say(
            NotCheckedKind::NoAsnDatabase,
            "no ASN database: new AS organisations are not judged".into(),
        );
    }
    match inp.intel {
        None => say(
            NotCheckedKind::NoIntelFile,
            "no intel file (--intel): addresses are only checked against GuardDuty's threat lists".into(),
        ),
        Some(i) if i.entries() == 0 => say(
            NotCheckedKind::NoIntelFile,
            "the intel files hold no usable entry: addresses are only checked against GuardDuty's threat lists".into(),
        ),
        Some(_) => {}
    }
    match inp.detections {
        None => say(
            NotCheckedKind::NoDetections,
            "detection rules were not evaluated: no techniques".into(),
        ),
        Some(d) if !d.unreadable().is_empty() => say(
            NotCheckedKind::UnreadableRecords,
            format!(
                "{} records rules needed could not be read again (their files changed): those events were not decided",
                d.unreadable().len()
            ),
        ),
        Some(_) => {}
    }
    if baseline.in_training {
        say(
            NotCheckedKind::InTraining,
            baseline
                .note
                .clone()
                .unwrap_or_else(|| format!("in training: {} days of history", baseline.days_of_history)),
        );
    }
    let mut sessions = HashSet::new();
    let mut outside = false;
    for &(i, _) in &g.events {
        match inp.graph.signer.get(i as usize) {
            Some(Signer::Session(s)) => {
                sessions.insert(*s);
            }
            Some(Signer::Origin(o)) => outside |= !inp.graph.origin(*o).logs_loaded,
            _ => {}
        }
    }
    outside |= sessions.into_iter().any(|s| {
        let (path, origin, _) = inp.graph.chain_of(s);
        let top = path.first().copied().unwrap_or(s);
        origin.is_some_and(|o| !inp.graph.origin(o).logs_loaded) || inp.graph.session(top).created_by.is_none()
    });
    if outside {
        say(
            NotCheckedKind::OutsideLogsNotLoaded,
            "a chain starts outside the loaded logs (another account, or before the logs begin): what happened there is not seen".into(),
        );
    }
    out
}
