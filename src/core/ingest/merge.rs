//! Merging per-file batches into the global [`Store`]: symbol remapping, identity de-duplication, eventID
//! de-duplication, and the final sort by time. Runs on one thread, in input order (deterministic).

use super::parse::Batch;
use super::read::FileResult;
use super::window::LoadWindow;
use super::{IngestError, IngestReport, MAX_ERRORS_KEPT, SkippedFile};
use crate::core::model::{Assumption, AssumptionContext, Event, EventId, Identity, SourceFile, Store, Sym};
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
    /// When appending to a store ([`Merger::resume`]): each file's position in the final input order.
    rank: Option<Vec<u32>>,
    /// A new record duplicates a loaded one from a file that comes later in input order: a load from scratch would
    /// keep the new copy, so an append cannot give the same store.
    conflict: bool,
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
            rank: None,
            conflict: false,
        }
    }

    /// A merger that appends to `store` (a complete, finished load): its identities and delivered records are known
    /// again, so new files de-duplicate against them. `rank` gives every file (those in `store`, then the new ones in
    /// the order they will be added) its position in the final input order.
    pub fn resume(mut store: Store, rank: Vec<u32>) -> Merger {
        let report = std::mem::take(&mut store.report);
        let mut m = Merger::new(report, LoadWindow::default());
        for (i, id) in store.identities.iter().enumerate() {
            m.identities.insert(id.clone(), i as u32);
        }
        let hasher = &m.hasher;
        for (i, e) in store.events.iter().enumerate() {
            if !matches!(e.id, EventId::Missing(_)) {
                let events = &store.events;
                m.seen.insert_unique(hasher.hash_one(dup_key(e)), i as u32, |&x| {
                    hasher.hash_one(dup_key(&events[x as usize]))
                });
            }
        }
        m.store = store;
        m.rank = Some(rank);
        m
    }

    /// Whether an appended record duplicated a loaded one that a load from scratch would not have kept.
    pub fn conflicted(&self) -> bool {
        self.conflict
    }

    /// The report being filled in.
    pub fn report_mut(&mut self) -> &mut IngestReport {
        &mut self.report
    }

    /// Files merged so far (the next file's index).
    pub fn files(&self) -> usize {
        self.store.files.len()
    }

    fn error(&mut self, e: IngestError) {
        self.report.errors_total += 1;
        if self.report.errors.len() < MAX_ERRORS_KEPT {
            self.report.errors.push(e);
        }
    }

    /// Merge one file's result; `size` is its size on disk as discovered (not asked of the file system again: the
    /// merge runs on one thread and a tree of many small files would wait on it).
    pub fn add_file(&mut self, path: &Path, size: u64, r: FileResult) {
        match r {
            FileResult::Failed(reason) => {
                self.store.files.push(SourceFile {
                    path: path.to_path_buf(),
                    format: None,
                    gzip: false,
                    findings: 0,
                });
                self.error(IngestError {
                    path: path.to_path_buf(),
                    index: None,
                    offset: None,
                    reason: reason.to_string(),
                });
            }
            FileResult::Parsed { outcome, gzip } => {
                let outcome = *outcome;
                self.report.files_read += 1;
                self.report.bytes_read += size;
                self.store.files.push(SourceFile {
                    path: path.to_path_buf(),
                    format: outcome.format,
                    gzip,
                    findings: u32::try_from(outcome.findings.len()).unwrap_or(u32::MAX),
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
                self.report.errors_total += outcome.errors_dropped;
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
                    identity_store_arn: m(i.identity_store_arn),
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
        for (k, ev) in b.events.into_iter().enumerate() {
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
                if let Some(&kept) = self
                    .seen
                    .find(hash, |&i| dup_key(&events[i as usize]) == dup_key(&event))
                {
                    if let Some(rank) = &self.rank {
                        let at = |f: u32| rank.get(f as usize).copied().unwrap_or(u32::MAX);
                        if at(event.locator.file) < at(events[kept as usize].locator.file) {
                            self.conflict = true;
                        }
                    }
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
                    context: remap_context(&a.context, &m),
                    ..a.clone()
                });
                event.assumption = (self.store.assumptions.len() - 1) as u32;
            }
            if let Some(&msg) = b.messages.get(&(k as u32)) {
                self.store.denial_messages.insert(id, m(msg));
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
        sort_events(&mut self.store);
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

/// An assumption's context with its symbols in the store's interner.
fn remap_context(c: &AssumptionContext, m: &impl Fn(Sym) -> Sym) -> AssumptionContext {
    let pairs = |v: &[(Sym, Sym)]| v.iter().map(|&(k, x)| (m(k), m(x))).collect();
    AssumptionContext {
        tags: pairs(&c.tags),
        transitive_keys: c.transitive_keys.iter().map(|&k| m(k)).collect(),
        incoming_tags: c.incoming_tags.as_deref().map(pairs),
        target_principal: m(c.target_principal),
        task_policy_arn: m(c.task_policy_arn),
        context_provider: m(c.context_provider),
    }
}

/// Sort events by time, then input order, and point each assumption at its event again.
fn sort_events(store: &mut Store) {
    // In place (no scratch copy of a million events). Equal times keep input order: merge order is file order
    // then record order, which is exactly (locator.file, locator.index).
    store
        .events
        .sort_unstable_by_key(|e| (e.time, e.locator.file, e.locator.index));
    for (i, e) in store.events.iter().enumerate() {
        if let Some(a) = e.assumption_index() {
            store.assumptions[a].event = i as u32;
        }
    }
}

/// Put `store.files` in the order `rank` gives (file `i` moves to position `rank[i]`, a permutation) and the events
/// in the order a load of the files in that order would give: what an append needs to equal a load from scratch.
pub fn reorder_files(store: &mut Store, rank: &[u32]) {
    if rank.iter().enumerate().all(|(i, &r)| r as usize == i) {
        return;
    }
    let mut files: Vec<Option<crate::core::model::SourceFile>> = vec![None; store.files.len()];
    for (i, f) in std::mem::take(&mut store.files).into_iter().enumerate() {
        if let Some(slot) = rank.get(i).and_then(|&r| files.get_mut(r as usize)) {
            *slot = Some(f);
        }
    }
    store.files = files.into_iter().flatten().collect();
    for e in &mut store.events {
        e.locator.file = rank.get(e.locator.file as usize).copied().unwrap_or(e.locator.file);
    }
    sort_events(store);
}

/// What makes two records the same delivered record (see `seen`).
fn dup_key(e: &Event) -> (EventId, i64, Sym, Sym) {
    (e.id, e.time, e.event_name, e.recipient_account)
}
