//! Merging per-file batches into the global [`Store`]: symbol remapping, identity de-duplication, eventID
//! de-duplication, and the final sort by time. Runs on one thread, in input order (deterministic).

use super::parse::Batch;
use super::read::FileResult;
use super::window::LoadWindow;
use super::{IngestError, IngestReport, MAX_ERRORS_KEPT, SkippedFile};
use crate::core::model::{Assumption, Event, EventId, Identity, SourceFile, Store, Sym};
use hashbrown::{HashMap, HashTable};
use std::hash::BuildHasher;
use std::path::Path;

pub struct Merger {
    store: Store,
    report: IngestReport,
    /// A record delivered twice has the same eventID, time, name and recipient account. Real CloudTrail ids are
    /// unique, but documentation examples and test corpora reuse one id for different records; those are kept.
    /// Indices into `store.events`, hashed by [`dup_key`]: 4 bytes an event instead of a copy of each key.
    seen: HashTable<u32>,
    hasher: foldhash::fast::FixedState,
    identities: HashMap<Identity, u32>,
    /// Records outside it are dropped (and counted).
    window: LoadWindow,
}

impl Merger {
    pub fn new(report: IngestReport, window: LoadWindow) -> Merger {
        Merger {
            store: Store::default(),
            report,
            seen: HashTable::new(),
            hasher: foldhash::fast::FixedState::with_seed(0x6576_656e_7473),
            identities: HashMap::new(),
            window,
        }
    }

    fn error(&mut self, e: IngestError) {
        self.report.errors_total += 1;
        if self.report.errors.len() < MAX_ERRORS_KEPT {
            self.report.errors.push(e);
        }
    }

    pub fn add_file(&mut self, path: &Path, r: FileResult) {
        match r {
            FileResult::Failed(reason) => {
                self.store.files.push(SourceFile {
                    path: path.to_path_buf(),
                    format: None,
                    gzip: false,
                });
                self.error(IngestError {
                    path: path.to_path_buf(),
                    index: None,
                    offset: None,
                    reason: reason.to_string(),
                });
            }
            FileResult::Parsed { outcome, gzip, stored } => {
                let outcome = *outcome;
                self.report.files_read += 1;
                self.report.bytes_read += stored;
                self.store.files.push(SourceFile {
                    path: path.to_path_buf(),
                    format: outcome.format,
                    gzip,
                });
                self.report.records_seen += outcome.records_seen;
                if let Some(reason) = outcome.skipped {
                    self.report.skipped.push(SkippedFile {
                        path: path.to_path_buf(),
                        reason,
                    });
                }
                for e in outcome.errors {
                    self.error(e);
                }
                self.report.findings += outcome.findings.len() as u64;
                self.store.findings.extend(outcome.findings);
                self.add_batch(outcome.batch);
            }
        }
    }

    fn add_batch(&mut self, b: Batch) {
        let strings = &mut self.store.strings;
        let map: Vec<Sym> = b.strings.iter().map(|(_, s)| strings.intern(s)).collect();
        let m = |s: Sym| map[s.0 as usize];
        let ids: Vec<u32> = b
            .identities
            .iter()
            .map(|i| {
                let g = Identity {
                    principal_id: m(i.principal_id),
                    arn: m(i.arn),
                    account_id: m(i.account_id),
                    access_key_id: m(i.access_key_id),
                    user_name: m(i.user_name),
                    invoked_by: m(i.invoked_by),
                    identity_provider: m(i.identity_provider),
                    issuer_type: m(i.issuer_type),
                    issuer_principal_id: m(i.issuer_principal_id),
                    issuer_arn: m(i.issuer_arn),
                    issuer_account_id: m(i.issuer_account_id),
                    issuer_user_name: m(i.issuer_user_name),
                    source_identity: m(i.source_identity),
                    on_behalf_of: m(i.on_behalf_of),
                    credential_id: m(i.credential_id),
                    session_name: m(i.session_name),
                    ..i.clone()
                };
                let next = self.store.identities.len() as u32;
                *self.identities.entry(g.clone()).or_insert_with(|| {
                    self.store.identities.push(g);
                    next
                })
            })
            .collect();
        self.report.records += b.events.len() as u64;
        let everything = self.window.is_everything();
        for ev in b.events {
            if !everything
                && !self.window.admits_event(
                    ev.time,
                    b.strings.resolve(ev.recipient_account),
                    b.strings.resolve(ev.region),
                )
            {
                self.report.records_outside_window += 1;
                continue;
            }
            let id = match ev.id {
                EventId::Other(s) => EventId::Other(m(s)),
                other => other,
            };
            let mut event = Event {
                id,
                shared_event_id: m(ev.shared_event_id),
                event_source: m(ev.event_source),
                event_name: m(ev.event_name),
                region: m(ev.region),
                recipient_account: m(ev.recipient_account),
                source_ip: m(ev.source_ip),
                user_agent: m(ev.user_agent),
                error_code: m(ev.error_code),
                resource: m(ev.resource),
                identity: ids[ev.identity as usize],
                assumption: Event::NO_ASSUMPTION,
                ..ev
            };
            let hash = self.hasher.hash_one(dup_key(&event));
            if !matches!(id, EventId::Missing(_)) {
                let events = &self.store.events;
                if self
                    .seen
                    .find(hash, |&i| dup_key(&events[i as usize]) == dup_key(&event))
                    .is_some()
                {
                    self.report.duplicates += 1;
                    continue;
                }
            }
            if let Some(a) = ev.assumption_index() {
                let a = &b.assumptions[a];
                self.store.assumptions.push(Assumption {
                    event: u32::MAX,
                    role_arn: m(a.role_arn),
                    session_name: m(a.session_name),
                    source_identity: m(a.source_identity),
                    new_access_key: m(a.new_access_key),
                    assumed_role_id: m(a.assumed_role_id),
                    assumed_role_arn: m(a.assumed_role_arn),
                    provider: m(a.provider),
                    ..a.clone()
                });
                event.assumption = (self.store.assumptions.len() - 1) as u32;
            }
            let index = self.store.events.len() as u32;
            self.store.events.push(event);
            if !matches!(id, EventId::Missing(_)) {
                let (events, hasher) = (&self.store.events, &self.hasher);
                self.seen
                    .insert_unique(hash, index, |&i| hasher.hash_one(dup_key(&events[i as usize])));
            }
        }
    }

    pub fn finish(mut self) -> Store {
        self.seen = HashTable::new();
        // In place (no scratch copy of a million events). Equal times keep input order: merge order is file order
        // then record order, which is exactly (locator.file, locator.index).
        self.store
            .events
            .sort_unstable_by_key(|e| (e.time, e.locator.file, e.locator.index));
        for (i, e) in self.store.events.iter().enumerate() {
            if let Some(a) = e.assumption_index() {
                self.store.assumptions[a].event = i as u32;
            }
        }
        // The same finding often arrives in several forms (list and get output, EventBridge and S3 export).
        crate::core::findings::dedup(&mut self.store.findings);
        // Shrinking copies the whole vector; only worth it when much of it is slack.
        if self.store.events.capacity() > self.store.events.len() + self.store.events.len() / 4 {
            self.store.events.shrink_to_fit();
        }
        self.store.identities.shrink_to_fit();
        self.store.assumptions.shrink_to_fit();
        self.store.report = self.report;
        self.store
    }
}

/// What makes two records the same delivered record (see `seen`).
fn dup_key(e: &Event) -> (EventId, i64, Sym, Sym) {
    (e.id, e.time, e.event_name, e.recipient_account)
}
