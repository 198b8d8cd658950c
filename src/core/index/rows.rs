//! The case index's rows, column by column (`docs/case-index.md` is the reference): identities, assumptions (with
//! their tag lists), events and denied calls' messages, after the meta section and the strings that `format` frames.
//! Each column is stored in the narrowest width its values need, symbols through a per-column dictionary, and
//! vocabularies by their position in declaration order. Decoding checks every reference (symbol, identity,
//! assumption, file) against what the index holds, so even a file whose checksum matched by accident cannot make
//! the store index out of bounds.

use super::IndexError;
use super::columns::{In, Out};
use super::format::{Meta, damaged};
use crate::core::model::{Assumption, AssumptionContext, Bits128, Event, EventId, Identity, RecordLocator, Store, Sym};
use rayon::prelude::*;
use strum::VariantArray;

/// The word a stored code names: codes are `word as u64`, the position in declaration order (`T::VARIANTS`).
fn word<T: VariantArray + Copy>(code: u64) -> Option<T> {
    T::VARIANTS.get(usize::try_from(code).ok()?).copied()
}

/// The assumptions' tag lists: per list a count column (incoming tags: 0 = not logged, else count + 1) and the
/// flattened keys and values.
fn encode_context(o: &mut Out, asm: &[Assumption]) {
    let pairs = |o: &mut Out, lists: &[&[(Sym, Sym)]]| {
        o.dict(lists.iter().flat_map(|l| l.iter().map(|p| p.0.0)));
        o.dict(lists.iter().flat_map(|l| l.iter().map(|p| p.1.0)));
    };
    let tags: Vec<&[(Sym, Sym)]> = asm.iter().map(|a| &*a.context.tags).collect();
    o.uints(&tags.iter().map(|l| l.len() as u64).collect::<Vec<_>>());
    pairs(o, &tags);
    o.uints(
        &asm.iter()
            .map(|a| a.context.transitive_keys.len() as u64)
            .collect::<Vec<_>>(),
    );
    o.dict(asm.iter().flat_map(|a| a.context.transitive_keys.iter().map(|k| k.0)));
    o.uints(
        &asm.iter()
            .map(|a| a.context.incoming_tags.as_ref().map_or(0, |l| l.len() as u64 + 1))
            .collect::<Vec<_>>(),
    );
    let incoming: Vec<&[(Sym, Sym)]> = asm.iter().filter_map(|a| a.context.incoming_tags.as_deref()).collect();
    pairs(o, &incoming);
}

/// The tag lists `encode_context` wrote, one context per assumption (symbols other than the lists left unset).
fn decode_context(i: &mut In, n_asm: usize, nsym: u64) -> Result<Vec<AssumptionContext>, IndexError> {
    let count = |c: &super::columns::Uints, k: usize| usize::try_from(c.get(k)).map_err(|_| damaged("tag count"));
    let sym = |d: &super::columns::Dict, k: usize| d.get(k).map(Sym).ok_or_else(|| damaged("tag symbol"));
    let tag_n = i.uints("tag counts")?;
    let (tag_k, tag_v) = (i.dict("tag keys", nsym)?, i.dict("tag values", nsym)?);
    let tr_n = i.uints("transitive counts")?;
    let tr_k = i.dict("transitive keys", nsym)?;
    let in_n = i.uints("incoming counts")?;
    let (in_k, in_v) = (i.dict("incoming keys", nsym)?, i.dict("incoming values", nsym)?);
    if tag_n.len() != n_asm || tr_n.len() != n_asm || in_n.len() != n_asm {
        return Err(damaged("tag columns differ in length"));
    }
    let (mut at_tag, mut at_tr, mut at_in) = (0usize, 0usize, 0usize);
    let mut out = Vec::with_capacity(n_asm);
    for k in 0..n_asm {
        let take = |n: usize, at: &mut usize, keys: &super::columns::Dict, values: Option<&super::columns::Dict>| {
            let mut v = Vec::with_capacity(n.min(crate::core::model::MAX_TAGS));
            for j in *at..at.checked_add(n).ok_or_else(|| damaged("tag count"))? {
                v.push((sym(keys, j)?, values.map_or(Ok(Sym::NONE), |d| sym(d, j))?));
            }
            *at += n;
            Ok::<_, IndexError>(v)
        };
        let tags = take(count(&tag_n, k)?, &mut at_tag, &tag_k, Some(&tag_v))?;
        let transitive = take(count(&tr_n, k)?, &mut at_tr, &tr_k, None)?;
        let incoming = match count(&in_n, k)? {
            0 => None,
            n => Some(take(n - 1, &mut at_in, &in_k, Some(&in_v))?.into_boxed_slice()),
        };
        out.push(AssumptionContext {
            tags: tags.into_boxed_slice(),
            transitive_keys: transitive.into_iter().map(|p| p.0).collect(),
            incoming_tags: incoming,
            ..Default::default()
        });
    }
    Ok(out)
}

/// The identity, assumption, event and message sections of `store`, after the meta and strings.
pub(super) fn encode_rows(o: &mut Out, store: &Store) {
    // Identities: one column per field (a few thousand rows).
    let ids = &store.identities;
    o.uints(&ids.iter().map(|i| i.kind as u64).collect::<Vec<_>>());
    let id_syms: [fn(&Identity) -> Sym; 15] = [
        |i| i.principal_id,
        |i| i.arn,
        |i| i.account_id,
        |i| i.access_key_id,
        |i| i.user_name,
        |i| i.invoked_by,
        |i| i.identity_provider,
        |i| i.issuer_type,
        |i| i.issuer_principal_id,
        |i| i.issuer_arn,
        |i| i.issuer_account_id,
        |i| i.issuer_user_name,
        |i| i.source_identity,
        |i| i.on_behalf_of,
        |i| i.credential_id,
    ];
    for f in id_syms {
        o.dict(ids.iter().map(|i| f(i).0));
    }
    o.dict(ids.iter().map(|i| i.session_name.0));
    o.dict(ids.iter().map(|i| i.identity_store_arn.0));
    o.uints(&ids.iter().map(|i| i.mfa as u64).collect::<Vec<_>>());
    o.uints(&ids.iter().map(|i| i.creation_date as u64).collect::<Vec<_>>());
    // Assumptions.
    let asm = &store.assumptions;
    o.uints(&asm.iter().map(|a| u64::from(a.event)).collect::<Vec<_>>());
    o.uints(&asm.iter().map(|a| a.kind as u64).collect::<Vec<_>>());
    let asm_syms: [fn(&Assumption) -> Sym; 10] = [
        |a| a.role_arn,
        |a| a.session_name,
        |a| a.source_identity,
        |a| a.new_access_key,
        |a| a.assumed_role_id,
        |a| a.assumed_role_arn,
        |a| a.provider,
        |a| a.context.target_principal,
        |a| a.context.task_policy_arn,
        |a| a.context.context_provider,
    ];
    for f in asm_syms {
        o.dict(asm.iter().map(|a| f(a).0));
    }
    o.uints(&asm.iter().map(|a| u64::from(a.duration_seconds)).collect::<Vec<_>>());
    encode_context(o, asm);
    // Events.
    let ev = &store.events;
    let t0 = ev.iter().map(|e| e.time).min().unwrap_or(0);
    o.i64(t0);
    o.uints(&ev.iter().map(|e| e.time.wrapping_sub(t0) as u64).collect::<Vec<_>>());
    let (tags, hi, lo): (Vec<u64>, Vec<u64>, Vec<u64>) = ev
        .iter()
        .map(|e| match e.id {
            EventId::Uuid(u) => (0, (u.get() >> 64) as u64, u.get() as u64),
            EventId::Other(s) => (1, 0, u64::from(s.0)),
            EventId::Missing(h) => (2, 0, h),
        })
        .fold(
            (Vec::new(), Vec::new(), Vec::new()),
            |(mut a, mut b, mut c), (x, y, z)| {
                a.push(x);
                b.push(y);
                c.push(z);
                (a, b, c)
            },
        );
    o.uints(&tags);
    o.uints(&hi);
    o.uints(&lo);
    drop((tags, hi, lo));
    for f in EVENT_SYMS {
        o.dict(ev.iter().map(|e| f(e).0));
    }
    o.dict(ev.iter().map(|e| e.identity));
    // 0: none; n: assumption n - 1.
    o.uints(
        &ev.iter()
            .map(|e| e.assumption_index().map_or(0, |a| a as u64 + 1))
            .collect::<Vec<_>>(),
    );
    o.uints(&ev.iter().map(|e| e.event_type as u64).collect::<Vec<_>>());
    o.uints(&ev.iter().map(|e| u64::from(e.flags)).collect::<Vec<_>>());
    o.uints(&ev.iter().map(|e| u64::from(e.locator.file)).collect::<Vec<_>>());
    o.uints(&ev.iter().map(|e| u64::from(e.locator.index)).collect::<Vec<_>>());
    // Denied calls' messages: the events that have one, by position, and the message symbols.
    let (at, msg): (Vec<u64>, Vec<u32>) = ev
        .iter()
        .enumerate()
        .filter_map(|(k, e)| store.denial_messages.get(&e.id).map(|s| (k as u64, s.0)))
        .unzip();
    o.uints(&at);
    o.dict(msg.into_iter());
}

const EVENT_SYMS: [fn(&Event) -> Sym; 9] = [
    |e| e.shared_event_id,
    |e| e.event_source,
    |e| e.event_name,
    |e| e.region,
    |e| e.recipient_account,
    |e| e.source_ip,
    |e| e.user_agent,
    |e| e.error_code,
    |e| e.resource,
];

/// What the decoded rows are: events, identities, assumptions and the denial messages by event id.
pub(super) type Rows = (
    Vec<Event>,
    Vec<Identity>,
    Vec<Assumption>,
    hashbrown::HashMap<EventId, Sym>,
);

/// The identity, assumption, event and message sections, their symbols checked against `nsym` strings.
pub(super) fn decode_rows(i: &mut In, meta: &Meta, nsym: u64) -> Result<Rows, IndexError> {
    let sym = |v: Option<u32>, what: &str| v.map(Sym).ok_or_else(|| damaged(what.to_string()));
    // Identities.
    let kinds = i.uints("identity kinds")?;
    let n_ids = kinds.len();
    let mut id_cols = Vec::with_capacity(17);
    for _ in 0..17 {
        id_cols.push(i.dict("identity field", nsym)?);
    }
    let mfa = i.uints("identity mfa")?;
    let created = i.uints("identity creation")?;
    if id_cols.iter().any(|c| c.len() != n_ids) || mfa.len() != n_ids || created.len() != n_ids {
        return Err(damaged("identity columns differ in length"));
    }
    let mut identities = Vec::with_capacity(n_ids);
    for k in 0..n_ids {
        let s = |c: usize| sym(id_cols[c].get(k), "identity symbol");
        identities.push(Identity {
            kind: word(kinds.get(k)).ok_or_else(|| damaged("identity kind"))?,
            principal_id: s(0)?,
            arn: s(1)?,
            account_id: s(2)?,
            access_key_id: s(3)?,
            user_name: s(4)?,
            invoked_by: s(5)?,
            identity_provider: s(6)?,
            issuer_type: s(7)?,
            issuer_principal_id: s(8)?,
            issuer_arn: s(9)?,
            issuer_account_id: s(10)?,
            issuer_user_name: s(11)?,
            source_identity: s(12)?,
            on_behalf_of: s(13)?,
            credential_id: s(14)?,
            session_name: s(15)?,
            identity_store_arn: s(16)?,
            mfa: word(mfa.get(k)).ok_or_else(|| damaged("mfa"))?,
            creation_date: created.get(k) as i64,
        });
    }
    // Assumptions.
    let a_event = i.uints("assumption event")?;
    let n_asm = a_event.len();
    let a_kind = i.uints("assumption kind")?;
    let mut a_cols = Vec::with_capacity(10);
    for _ in 0..10 {
        a_cols.push(i.dict("assumption field", nsym)?);
    }
    let a_dur = i.uints("assumption duration")?;
    if a_kind.len() != n_asm || a_dur.len() != n_asm || a_cols.iter().any(|c| c.len() != n_asm) {
        return Err(damaged("assumption columns differ in length"));
    }
    let mut contexts = decode_context(i, n_asm, nsym)?.into_iter();
    let mut assumptions = Vec::with_capacity(n_asm);
    for k in 0..n_asm {
        let s = |c: usize| sym(a_cols[c].get(k), "assumption symbol");
        assumptions.push(Assumption {
            event: a_event.get32(k).ok_or_else(|| damaged("assumption event"))?,
            kind: word(a_kind.get(k)).ok_or_else(|| damaged("assumption kind"))?,
            role_arn: s(0)?,
            session_name: s(1)?,
            source_identity: s(2)?,
            duration_seconds: u32::try_from(a_dur.get(k)).map_err(|_| damaged("duration"))?,
            new_access_key: s(3)?,
            assumed_role_id: s(4)?,
            assumed_role_arn: s(5)?,
            provider: s(6)?,
            context: AssumptionContext {
                target_principal: s(7)?,
                task_policy_arn: s(8)?,
                context_provider: s(9)?,
                ..contexts.next().unwrap_or_default()
            },
        });
    }
    // Events.
    let t0 = i.i64("time base")?;
    let time = i.uints("time")?;
    let n = time.len();
    let (tag, hi, lo) = (i.uints("id kind")?, i.uints("id")?, i.uints("id")?);
    let mut syms = Vec::with_capacity(EVENT_SYMS.len());
    for _ in 0..EVENT_SYMS.len() {
        syms.push(i.dict("event symbol", nsym)?);
    }
    let identity = i.dict("event identity", n_ids as u64)?;
    let assumption = i.uints("event assumption")?;
    let etype = i.uints("event type")?;
    let flags = i.uints("event flags")?;
    let file = i.uints("event file")?;
    let index = i.uints("event index")?;
    let msg_at = i.uints("message event")?;
    let msg = i.dict("message", nsym)?;
    if !i.is_done() {
        return Err(damaged("bytes after the last column"));
    }
    let lens = [
        tag.len(),
        hi.len(),
        lo.len(),
        identity.len(),
        assumption.len(),
        etype.len(),
        flags.len(),
        file.len(),
        index.len(),
    ];
    if lens.iter().any(|&l| l != n) || syms.iter().any(|c| c.len() != n) {
        return Err(damaged("event columns differ in length"));
    }
    let n_files = meta.files.len() as u64;
    // Decoded straight into a vector of the right length (an `Option<Vec<_>>` collect gathers pieces and copies
    // them into one: the whole event table copied once more). A row that refers to nothing becomes a placeholder
    // and fails the decode after.
    let bad = std::sync::atomic::AtomicBool::new(false);
    let decode_event = |k: usize| -> Option<Event> {
        let id = match tag.get(k) {
            0 => EventId::Uuid(Bits128::new((u128::from(hi.get(k)) << 64) | u128::from(lo.get(k)))),
            1 => EventId::Other(Sym(u32::try_from(lo.get(k)).ok().filter(|&s| u64::from(s) < nsym)?)),
            2 => EventId::Missing(lo.get(k)),
            _ => return None,
        };
        let a = assumption.get(k);
        let assumption = match a {
            0 => Event::NO_ASSUMPTION,
            a if a <= n_asm as u64 => (a - 1) as u32,
            _ => return None,
        };
        let file = file.get32(k).filter(|&f| u64::from(f) < n_files)?;
        Some(Event {
            time: t0.wrapping_add(time.get(k) as i64),
            id,
            shared_event_id: Sym(syms[0].get(k)?),
            event_source: Sym(syms[1].get(k)?),
            event_name: Sym(syms[2].get(k)?),
            region: Sym(syms[3].get(k)?),
            recipient_account: Sym(syms[4].get(k)?),
            source_ip: Sym(syms[5].get(k)?),
            user_agent: Sym(syms[6].get(k)?),
            error_code: Sym(syms[7].get(k)?),
            resource: Sym(syms[8].get(k)?),
            identity: identity.get(k)?,
            assumption,
            event_type: word(etype.get(k))?,
            flags: u8::try_from(flags.get(k)).ok()?,
            locator: RecordLocator {
                file,
                index: index.get32(k)?,
            },
        })
    };
    let mut events = Vec::with_capacity(n);
    (0..n)
        .into_par_iter()
        .map(|k| {
            decode_event(k).unwrap_or_else(|| {
                bad.store(true, std::sync::atomic::Ordering::Relaxed);
                Event::placeholder()
            })
        })
        .collect_into_vec(&mut events);
    if bad.into_inner() {
        return Err(damaged("an event refers to something the index does not hold"));
    }
    if assumptions.iter().any(|a| a.event as usize >= events.len()) {
        return Err(damaged("an assumption refers to no event"));
    }
    if msg_at.len() != msg.len() {
        return Err(damaged("message columns differ in length"));
    }
    let mut denial_messages = hashbrown::HashMap::with_capacity(msg.len());
    for k in 0..msg.len() {
        let e = usize::try_from(msg_at.get(k))
            .ok()
            .and_then(|p| events.get(p))
            .ok_or_else(|| damaged("a message refers to no event"))?;
        let s = msg.get(k).ok_or_else(|| damaged("a message refers to no symbol"))?;
        denial_messages.insert(e.id, Sym(s));
    }
    Ok((events, identities, assumptions, denial_messages))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{AssumeKind, EventType, IdentityType, Mfa};

    fn round_trip<T: VariantArray + Copy + PartialEq + std::fmt::Debug>(to_code: fn(T) -> u64) {
        for &v in T::VARIANTS {
            assert_eq!(word::<T>(to_code(v)), Some(v));
        }
        assert_eq!(word::<T>(T::VARIANTS.len() as u64), None);
    }

    #[test]
    fn vocabulary_codes_round_trip() {
        round_trip::<EventType>(|v| v as u64);
        round_trip::<IdentityType>(|v| v as u64);
        round_trip::<Mfa>(|v| v as u64);
        round_trip::<AssumeKind>(|v| v as u64);
    }
}
