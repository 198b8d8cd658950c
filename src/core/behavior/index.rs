//! [`BehaviorIndex`]: the per-event numbers and event lists behaviour queries read, built once per load.
//!
//! Every query scans a profile's events in a time window, so what a scan touches is packed into one 24-byte
//! [`Row`] per event (time, dense API / IP / user-agent ids, failure bit) parallel to `store.events`. Dense ids let
//! the scans count into small arrays instead of hashing strings. Event lists for the profiles the session graph does
//! not already hold (IP, user agent, recipient account, long-term access key, origin → sessions) are built here.
//! Lists hold event indices in ascending order, which is time order because the store is sorted by time.
//!
//! Each event also has a *drill-down key* ([`Combo`]: API, source address, caller identity, resource): the volume
//! drill-downs group a scope's calls by parts of that key, so they count events per key (one small-array or hash
//! increment per event) and build their trees from the distinct keys, instead of walking every event's fields. A
//! busy account's scope over all data holds hundreds of thousands of events but a few thousand keys. The keys
//! ([`Combos`]) are numbered on first use, not with the rest: numbering them hashes every event's key into a table
//! of millions (0.7–1.0 s at 10 M events built alone, 1.8 s beside the other passes), and only the drill-downs
//! read them, so a reopened case's first frame does not wait for them (the terminal builds them after it).

use crate::core::graph::{OriginId, SessionGraph, SessionId, Signer};
use crate::core::model::{IdentityId, Store, Sym};
use crate::core::policy::denied::codes::DenialCodes;
use hashbrown::HashMap;
use std::sync::OnceLock;

/// Set on [`Row::api`] when the call failed (`errorCode` present).
pub const FAILED: u32 = 1 << 31;
/// Set on [`Row::api`] besides [`FAILED`] when the error code is of the access-denied family
/// (`core::policy::denied::codes`): a denial scan reads no event that is not one.
pub const DENIED: u32 = 1 << 30;

/// What a scan needs of one event.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Row {
    /// When the call was made, epoch seconds.
    pub time: i64,
    /// Dense API id ([`BehaviorIndex::apis`]) with the `FAILED` and `DENIED` bits or-ed in.
    pub api: u32,
    /// Dense source-address id; 0 = no `sourceIPAddress`.
    pub ip: u32,
    /// Dense user-agent id; 0 = no `userAgent`.
    pub ua: u32,
}

/// What the volume drill-downs group one call by (`core::behavior::drilldown`): everything but the time and the
/// failure bit. Two events with the same key fall in the same leaf of every drill-down tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Combo {
    /// Dense API id (no failure bit); the API's event source follows from it.
    pub api: u32,
    /// `sourceIPAddress`.
    pub source_ip: Sym,
    /// The caller's deduplicated `userIdentity` (its access key and caller name follow from it).
    pub identity: IdentityId,
    /// The main resource touched.
    pub resource: Sym,
}

impl Row {
    /// The dense API id without the failure bits.
    pub(crate) fn api_id(&self) -> u32 {
        self.api & !(FAILED | DENIED)
    }
    /// Whether the call failed (`errorCode` present).
    pub fn failed(&self) -> bool {
        self.api & FAILED != 0
    }
    /// Whether the call was denied (an error code of the access-denied family).
    pub fn denied(&self) -> bool {
        self.api & DENIED != 0
    }
}

/// The first and last of ascending event indices, `(1, 0)` for none (the empty span every window misses).
pub(crate) fn span_of(events: &[u32]) -> (u32, u32) {
    match (events.first(), events.last()) {
        (Some(&f), Some(&l)) => (f, l),
        _ => (1, 0),
    }
}

/// Who is behind a session for the travel rule: its chain's origin, or (when the chain's top is outside the loaded
/// logs) the outermost known session, which stands for "someone unknown" without being merged with anyone else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OriginKey {
    /// The chain's origin, made canonical so one principal is one traveller.
    Origin(OriginId),
    /// The chain leaves the loaded logs above this session (the outermost one known): someone unknown, never merged with anyone.
    UnknownAbove(SessionId),
}

/// Everything the behaviour queries scan, built once per load: compact per-event rows, dense ids for APIs, addresses and user agents, and the event lists of every profile kind.
pub struct BehaviorIndex {
    /// One row per event, parallel to `store.events`.
    pub rows: Vec<Row>,
    /// Dense API id → (eventSource, eventName).
    pub apis: Vec<(Sym, Sym)>,
    /// The drill-down keys, numbered on first use ([`BehaviorIndex::combos`]).
    combos: OnceLock<Combos>,
    /// Dense IP id → `sourceIPAddress` symbol (index 0 is `Sym::NONE`).
    pub ips: Vec<Sym>,
    /// Dense user-agent id → `userAgent` symbol (index 0 is `Sym::NONE`).
    pub uas: Vec<Sym>,
    ip_ids: HashMap<Sym, u32>,
    ua_ids: HashMap<Sym, u32>,
    /// Events by dense IP id (index 0: events without an address).
    pub by_ip: Vec<Vec<u32>>,
    /// Events by dense user-agent id (index 0: events without a user agent).
    pub by_ua: Vec<Vec<u32>>,
    /// Events by the account whose log holds them (`recipientAccountId`).
    pub by_account: HashMap<Sym, Vec<u32>>,
    /// Events signed with a long-term or otherwise session-less access key (AKIA…, or an ASIA key the graph
    /// attached to an origin), by key.
    pub by_key: HashMap<Sym, Vec<u32>>,
    /// Session identity (role ARN, session name) → index in `graph.identities`.
    pub identity_ids: HashMap<(Sym, Sym), u32>,
    /// The origin key of every session (parallel to `graph.sessions`).
    pub session_origin: Vec<OriginKey>,
    /// Sessions whose chain leads to each origin (parallel to `graph.origins`).
    pub origin_sessions: Vec<Vec<SessionId>>,
    /// Rows of every session's events copied in session order (`session_rows[session_off[s]..session_off[s+1]]`
    /// is parallel to `graph.sessions[s].events`): a role's sessions interleave in time, and scanning them through
    /// `rows` would be one cache miss per event.
    pub session_rows: Vec<Row>,
    /// Where each session's rows start in `session_rows`; one more entry than there are sessions.
    pub session_off: Vec<usize>,
    /// Each session's denied calls ([`Row::denied`]), as event indices in ascending order:
    /// `session_denied[session_denied_off[s]..session_denied_off[s + 1]]`. A denial scan of a session reads these,
    /// not its rows.
    pub session_denied: Vec<u32>,
    /// Where each session's denied calls start in `session_denied`; one more entry than there are sessions.
    pub session_denied_off: Vec<usize>,
    /// Each session's first and last event index (`(1, 0)` for a session without events): whether a session
    /// falls in a window is read here, 8 bytes a session, without touching its events or rows.
    pub session_span: Vec<(u32, u32)>,
    /// The first origin with the same principal id (itself when it has none): one principal can appear as several
    /// graph origins (e.g. a SAML user's sign-in records and the Identity Center user that started sessions), and
    /// the travel rule must see one traveller.
    pub origin_canon: Vec<OriginId>,
}

fn dense(map: &mut HashMap<Sym, u32>, list: &mut Vec<Sym>, sym: Sym) -> u32 {
    if sym.is_none() {
        return 0;
    }
    *map.entry(sym).or_insert_with(|| {
        list.push(sym);
        (list.len() - 1) as u32
    })
}

/// Dense ids of APIs, addresses and user agents in first-seen order, each event's row and the events of each
/// address and user agent.
struct Dense {
    rows: Vec<Row>,
    apis: Vec<(Sym, Sym)>,
    api_ids: HashMap<(Sym, Sym), u32>,
    ips: Vec<Sym>,
    uas: Vec<Sym>,
    ip_ids: HashMap<Sym, u32>,
    ua_ids: HashMap<Sym, u32>,
    by_ip: Vec<Vec<u32>>,
    by_ua: Vec<Vec<u32>>,
}

fn dense_ids(store: &Store) -> Dense {
    let mut d = Dense {
        rows: Vec::with_capacity(store.events.len()),
        apis: Vec::new(),
        api_ids: HashMap::new(),
        ips: vec![Sym::NONE],
        uas: vec![Sym::NONE],
        ip_ids: HashMap::new(),
        ua_ids: HashMap::new(),
        by_ip: vec![Vec::new()],
        by_ua: vec![Vec::new()],
    };
    let denial = DenialCodes::of(store);
    for (i, e) in store.events.iter().enumerate() {
        let api = *d.api_ids.entry((e.event_source, e.event_name)).or_insert_with(|| {
            d.apis.push((e.event_source, e.event_name));
            (d.apis.len() - 1) as u32
        });
        let ip = dense(&mut d.ip_ids, &mut d.ips, e.source_ip);
        let ua = dense(&mut d.ua_ids, &mut d.uas, e.user_agent);
        if ip as usize >= d.by_ip.len() {
            d.by_ip.push(Vec::new());
        }
        if ua as usize >= d.by_ua.len() {
            d.by_ua.push(Vec::new());
        }
        let i = i as u32;
        if ip != 0 {
            d.by_ip[ip as usize].push(i);
        }
        if ua != 0 {
            d.by_ua[ua as usize].push(i);
        }
        d.rows.push(Row {
            time: e.time,
            api: api | if e.failed() { FAILED } else { 0 } | if denial.is_denial(e.error_code) { DENIED } else { 0 },
            ip,
            ua,
        });
    }
    d
}

/// The drill-down keys ([`Combo`]) numbered in first-seen order, with each event's key id in event order and in
/// session order (parallel to [`BehaviorIndex::session_rows`], so counting a session's keys reads forwards).
#[derive(Debug, Default)]
pub struct Combos {
    /// Dense drill-down key id → the key.
    pub keys: Vec<Combo>,
    /// Each event's key id (parallel to `store.events`).
    pub of_event: Vec<u32>,
    /// Each session's events' key ids in session order: `of_session[session_off[s]..session_off[s + 1]]` is
    /// parallel to `graph.sessions[s].events`.
    of_session: Vec<u32>,
}

impl Combos {
    fn build(store: &Store, graph: &SessionGraph, rows: &[Row]) -> Combos {
        let mut ids: HashMap<Combo, u32> = HashMap::new();
        let mut keys = Vec::new();
        let of_event: Vec<u32> = store
            .events
            .iter()
            .zip(rows)
            .map(|(e, r)| {
                let key = Combo {
                    api: r.api_id(),
                    source_ip: e.source_ip,
                    identity: e.identity,
                    resource: e.resource,
                };
                *ids.entry(key).or_insert_with(|| {
                    keys.push(key);
                    (keys.len() - 1) as u32
                })
            })
            .collect();
        drop(ids);
        let mut of_session = Vec::with_capacity(of_event.len());
        for sess in &graph.sessions {
            of_session.extend(
                sess.events
                    .iter()
                    .map(|&i| of_event.get(i as usize).copied().unwrap_or_default()),
            );
        }
        Combos {
            keys,
            of_event,
            of_session,
        }
    }

    /// The key ids of session `s`'s events `first..first + len` (positions in its event list), when the index has
    /// that session and they are in it.
    pub(crate) fn of_session(&self, ix: &BehaviorIndex, s: SessionId, first: usize, len: usize) -> Option<&[u32]> {
        let a = *ix.session_off.get(s as usize)?;
        let b = *ix.session_off.get(s as usize + 1)?;
        let start = a.checked_add(first)?;
        let end = start.checked_add(len)?;
        if end > b {
            return None;
        }
        self.of_session.get(start..end)
    }
}

/// The events of each recipient account, and of each access key that signs outside any session.
type AccountAndKeyLists = (HashMap<Sym, Vec<u32>>, HashMap<Sym, Vec<u32>>);

fn account_and_key_lists(store: &Store, graph: &SessionGraph) -> AccountAndKeyLists {
    let (mut by_account, mut by_key): AccountAndKeyLists = Default::default();
    for (i, e) in store.events.iter().enumerate() {
        let i = i as u32;
        if e.recipient_account.is_some() {
            by_account.entry(e.recipient_account).or_default().push(i);
        }
        if !matches!(graph.signer.get(i as usize), Some(Signer::Session(_))) {
            let key = store.identity(e).access_key_id;
            if key.is_some() {
                by_key.entry(key).or_default().push(i);
            }
        }
    }
    (by_account, by_key)
}

/// What the index takes from the store alone, the longest of its passes (dense ids, each event's row, the events
/// of each address and user agent): built while the session graph is, when both are wanted (`Dataset::behavior`).
pub struct StorePart(Dense);

impl StorePart {
    /// The store-only part of the index of `store`.
    pub fn build(store: &Store) -> StorePart {
        StorePart(dense_ids(store))
    }
}

/// What needs the graph: the account and key lists (which read each event's signer) and the chains.
struct GraphPart {
    by_account: HashMap<Sym, Vec<u32>>,
    by_key: HashMap<Sym, Vec<u32>>,
    chains: Chains,
}

impl GraphPart {
    fn build(store: &Store, graph: &SessionGraph) -> GraphPart {
        let ((by_account, by_key), chains) = rayon::join(|| account_and_key_lists(store, graph), || chains(graph));
        GraphPart {
            by_account,
            by_key,
            chains,
        }
    }
}

/// What follows from the graph alone: origins made canonical, session identities numbered, each session's origin
/// key and each origin's sessions.
struct Chains {
    origin_canon: Vec<OriginId>,
    identity_ids: HashMap<(Sym, Sym), u32>,
    session_origin: Vec<OriginKey>,
    origin_sessions: Vec<Vec<SessionId>>,
}

fn chains(graph: &SessionGraph) -> Chains {
    let mut first_with: HashMap<Sym, OriginId> = HashMap::new();
    let origin_canon: Vec<OriginId> = graph
        .origins
        .iter()
        .enumerate()
        .map(|(o, x)| {
            let o = o as OriginId;
            if x.principal_id.is_some() {
                *first_with.entry(x.principal_id).or_insert(o)
            } else {
                o
            }
        })
        .collect();
    let identity_ids = graph
        .identities
        .iter()
        .enumerate()
        .map(|(i, id)| ((id.role_arn, id.session_name), i as u32))
        .collect();
    let mut origin_sessions = vec![Vec::new(); graph.origins.len()];
    let mut session_origin = Vec::with_capacity(graph.sessions.len());
    for s in 0..graph.sessions.len() as SessionId {
        let (path, origin, _) = graph.chain_of(s);
        let key = match origin {
            Some(o) => {
                if let Some(v) = origin_sessions.get_mut(o as usize) {
                    v.push(s);
                }
                OriginKey::Origin(origin_canon.get(o as usize).copied().unwrap_or(o))
            }
            None => OriginKey::UnknownAbove(path.first().copied().unwrap_or(s)),
        };
        session_origin.push(key);
    }
    Chains {
        origin_canon,
        identity_ids,
        session_origin,
        origin_sessions,
    }
}

impl BehaviorIndex {
    /// Index everything `store` and `graph` hold (the drill-down keys excepted: [`BehaviorIndex::combos`]). Three
    /// independent passes run side by side: the dense ids and rows, the account and key lists, and what follows
    /// from the graph alone.
    pub fn build(store: &Store, graph: &SessionGraph) -> BehaviorIndex {
        let (d, g) = rayon::join(|| StorePart::build(store), || GraphPart::build(store, graph));
        BehaviorIndex::assemble(d, g, graph)
    }

    /// [`BehaviorIndex::build`] with its store-only part built already (while the graph was: `Dataset::behavior`).
    /// `part` must be of `store`.
    pub fn with_store_part(part: StorePart, store: &Store, graph: &SessionGraph) -> BehaviorIndex {
        BehaviorIndex::assemble(part, GraphPart::build(store, graph), graph)
    }

    fn assemble(StorePart(d): StorePart, g: GraphPart, graph: &SessionGraph) -> BehaviorIndex {
        let GraphPart {
            by_account,
            by_key,
            chains: c,
        } = g;
        let mut session_off = Vec::with_capacity(graph.sessions.len() + 1);
        let mut session_rows = Vec::new();
        session_off.push(0);
        let mut session_span = Vec::with_capacity(graph.sessions.len());
        let (mut session_denied, mut session_denied_off) = (Vec::new(), Vec::with_capacity(graph.sessions.len() + 1));
        session_denied_off.push(0);
        for sess in &graph.sessions {
            session_span.push(span_of(&sess.events));
            let start = session_rows.len();
            session_rows.extend(
                sess.events
                    .iter()
                    .map(|&i| d.rows.get(i as usize).copied().unwrap_or_default()),
            );
            session_off.push(session_rows.len());
            session_denied.extend(
                sess.events
                    .iter()
                    .zip(&session_rows[start..])
                    .filter(|(_, r)| r.denied())
                    .map(|(&i, _)| i),
            );
            session_denied_off.push(session_denied.len());
        }
        BehaviorIndex {
            rows: d.rows,
            apis: d.apis,
            combos: OnceLock::new(),
            ips: d.ips,
            uas: d.uas,
            ip_ids: d.ip_ids,
            ua_ids: d.ua_ids,
            by_ip: d.by_ip,
            by_ua: d.by_ua,
            by_account,
            by_key,
            identity_ids: c.identity_ids,
            session_origin: c.session_origin,
            origin_sessions: c.origin_sessions,
            session_rows,
            session_off,
            session_denied,
            session_denied_off,
            session_span,
            origin_canon: c.origin_canon,
        }
    }

    /// The drill-down keys of the events of `store` and the sessions of `graph`, which must be those the index was
    /// built from; numbered on the first call (the calls after it, and those made meanwhile, wait for it and share
    /// them).
    pub fn combos(&self, store: &Store, graph: &SessionGraph) -> &Combos {
        self.combos.get_or_init(|| Combos::build(store, graph, &self.rows))
    }

    /// The canonical origin for `o` (the first origin with the same principal id).
    pub(crate) fn canon(&self, o: OriginId) -> OriginId {
        self.origin_canon.get(o as usize).copied().unwrap_or(o)
    }

    /// The session-ordered rows of a session (parallel to its event list).
    pub fn rows_of_session(&self, s: SessionId) -> Option<&[Row]> {
        let a = *self.session_off.get(s as usize)?;
        let b = *self.session_off.get(s as usize + 1)?;
        self.session_rows.get(a..b)
    }

    /// The denied calls of session `s` (event indices, ascending); `None` for a session the index does not know.
    pub fn denied_of_session(&self, s: SessionId) -> Option<&[u32]> {
        let a = *self.session_denied_off.get(s as usize)?;
        let b = *self.session_denied_off.get(s as usize + 1)?;
        self.session_denied.get(a..b)
    }

    /// Whether every event of session `s` lies before the event-index range `[lo, hi)` (from
    /// [`BehaviorIndex::index_at`]) or every one after it, so the session has none in it. `false` does not promise
    /// an event inside (the range may fall between two of the session's), nor for a session the index does not
    /// know.
    pub fn session_outside(&self, s: SessionId, lo: u32, hi: u32) -> bool {
        self.session_span
            .get(s as usize)
            .is_some_and(|&(first, last)| first > last || last < lo || first >= hi)
    }

    /// The dense id of a `sourceIPAddress` value; `None` when no event has it.
    pub(crate) fn ip_id(&self, sym: Sym) -> Option<u32> {
        self.ip_ids.get(&sym).copied()
    }

    /// The dense id of a `userAgent` value; `None` when no event has it.
    pub(crate) fn ua_id(&self, sym: Sym) -> Option<u32> {
        self.ua_ids.get(&sym).copied()
    }

    /// The origin key of whoever signed an event; `None` for events without a usable signer.
    pub fn origin_of_event(&self, graph: &SessionGraph, event: u32) -> Option<OriginKey> {
        match graph.signer.get(event as usize)? {
            Signer::Session(s) => self.session_origin.get(*s as usize).copied(),
            Signer::Origin(o) => Some(OriginKey::Origin(self.canon(*o))),
            Signer::None => None,
        }
    }

    /// First index in `store.events` at or after `t` (events are sorted by time).
    pub fn index_at(&self, t: i64) -> u32 {
        self.rows.partition_point(|r| r.time < t) as u32
    }
}
