//! One CloudTrail record to one compact [`Event`] row of the file's batch: its fields, flags, assumption and its
//! `userIdentity`, deduplicated by the identity's exact JSON text. The document-shape side of parsing (which form
//! a file is, streaming `Records`, recovery) is the parent module's.

use super::super::fields::{assumption_of, intern_opt, resource_of};
use super::super::record::RawRecord;
use super::Ctx;
use super::{clip, message};
use crate::core::model::{
    AssumeKind, Event, EventId, Identity, Interner, MAX_ERROR_MESSAGE, Mfa, RecordLocator, Sym, clip_bytes, flags,
    parse_uuid,
};
use crate::core::time::parse_epoch;

impl Ctx<'_> {
    pub(super) fn add_record(&mut self, r: &RawRecord, index: usize) {
        self.out.records_seen += 1;
        let Some(name) = r.event_name.as_deref() else {
            return self.record_error(index, "record has no eventName".into());
        };
        let Some(time_text) = r.event_time.as_deref() else {
            return self.record_error(index, "record has no eventTime".into());
        };
        let Some(time) = parse_epoch(time_text) else {
            return self.record_error(index, format!("eventTime {:?} is not a timestamp", clip(time_text)));
        };
        let b = &mut self.out.batch;
        let id = match r.event_id.as_deref() {
            Some(s) => match parse_uuid(s) {
                Some(u) => EventId::Uuid(crate::core::model::Bits128::new(u)),
                None => EventId::Other(b.strings.intern(s)),
            },
            None => {
                self.missing_ids += 1;
                EventId::Missing(((self.file as u64) << 32) | self.missing_ids)
            }
        };
        let identity = match self.identity(r) {
            Ok(i) => i,
            Err(e) => return self.record_error(index, format!("malformed userIdentity: {}", message(&e))),
        };
        let b = &mut self.out.batch;
        let mut fl = 0u8;
        if let Some(ro) = r.read_only.0 {
            fl |= flags::READ_ONLY_KNOWN;
            if ro {
                fl |= flags::READ_ONLY;
            }
        }
        if r.management_event.0 == Some(true) {
            fl |= flags::MANAGEMENT;
        }
        match r.event_category.as_deref() {
            Some("Data") => fl |= flags::DATA_EVENT,
            Some("Insight") => fl |= flags::INSIGHT,
            _ => {}
        }
        let recipient = r.recipient_account_id.as_deref().unwrap_or("");
        let source = r.event_source.as_deref().unwrap_or("");
        let resource = resource_of(r, source, recipient);
        let ev = Event {
            time,
            id,
            shared_event_id: intern_opt(&mut b.strings, r.shared_event_id.as_deref()),
            event_source: b.strings.intern(source),
            event_name: b.strings.intern(name),
            region: intern_opt(&mut b.strings, r.aws_region.as_deref()),
            recipient_account: b.strings.intern(recipient),
            source_ip: intern_opt(&mut b.strings, r.source_ip_address.as_deref()),
            user_agent: intern_opt(&mut b.strings, r.user_agent.as_deref()),
            error_code: intern_opt(&mut b.strings, r.error_code.as_deref()),
            resource: intern_opt(&mut b.strings, resource.as_deref()),
            identity,
            assumption: Event::NO_ASSUMPTION,
            event_type: r.event_type.as_deref().and_then(|t| t.parse().ok()).unwrap_or_default(),
            flags: fl,
            locator: RecordLocator {
                file: self.file,
                index: index as u32,
            },
        };
        let event_index = b.events.len() as u32;
        let mut ev = ev;
        if source == "sts.amazonaws.com"
            && let Ok(kind) = name.parse::<AssumeKind>()
        {
            ev.assumption = b.assumptions.len() as u32;
            let a = assumption_of(&mut b.strings, r, kind, event_index);
            b.assumptions.push(a);
        }
        if let (Some(code), Some(text)) = (r.error_code.as_deref(), r.error_message.as_deref())
            && crate::core::policy::denied::codes::is_denial_code(code)
        {
            let text = clip_bytes(text, MAX_ERROR_MESSAGE);
            let sym = b.strings.intern(text);
            if sym.is_some() {
                b.messages.insert(event_index, sym);
            }
        }
        b.events.push(ev);
    }

    /// The file-local identity index of the record's `userIdentity`, deduplicated by its exact JSON text.
    fn identity(&mut self, r: &RawRecord) -> Result<u32, serde_json::Error> {
        let raw = r.user_identity.map(|v| v.get()).unwrap_or("null");
        if let Some(&i) = self.identity_cache.get(raw) {
            return Ok(i);
        }
        let b = &mut self.out.batch;
        let id = if raw == "null" {
            Identity {
                creation_date: i64::MIN,
                ..Default::default()
            }
        } else {
            let ri: super::super::record::RawIdentity = serde_json::from_str(raw)?;
            let s = &mut b.strings;
            let sc = ri.session_context.get();
            let issuer = sc.and_then(|c| c.session_issuer.get());
            let attrs = sc.and_then(|c| c.attributes.get());
            let lstr =
                |s: &mut Interner, v: Option<&super::super::record::LStr>| intern_opt(s, v.and_then(|x| x.as_deref()));
            Identity {
                kind: ri.kind.as_deref().and_then(|k| k.parse().ok()).unwrap_or_default(),
                principal_id: intern_opt(s, ri.principal_id.as_deref()),
                arn: intern_opt(s, ri.arn.as_deref()),
                account_id: intern_opt(s, ri.account_id.as_deref()),
                access_key_id: intern_opt(s, ri.access_key_id.as_deref()),
                user_name: intern_opt(s, ri.user_name.as_deref()),
                invoked_by: intern_opt(s, ri.invoked_by.as_deref()),
                identity_provider: intern_opt(s, ri.identity_provider.as_deref()),
                issuer_type: lstr(s, issuer.map(|i| &i.kind)),
                issuer_principal_id: lstr(s, issuer.map(|i| &i.principal_id)),
                issuer_arn: lstr(s, issuer.map(|i| &i.arn)),
                issuer_account_id: lstr(s, issuer.map(|i| &i.account_id)),
                issuer_user_name: lstr(s, issuer.map(|i| &i.user_name)),
                mfa: match attrs.and_then(|a| a.mfa_authenticated.0) {
                    Some(true) => Mfa::Yes,
                    Some(false) => Mfa::No,
                    None => Mfa::Unknown,
                },
                creation_date: attrs
                    .and_then(|a| a.creation_date.as_deref())
                    .and_then(parse_epoch)
                    .unwrap_or(i64::MIN),
                source_identity: lstr(s, sc.map(|c| &c.source_identity)),
                on_behalf_of: lstr(s, ri.on_behalf_of.get().map(|o| &o.user_id)),
                credential_id: intern_opt(s, ri.credential_id.as_deref()),
                identity_store_arn: lstr(s, ri.on_behalf_of.get().map(|o| &o.identity_store_arn)),
                session_name: match (
                    ri.kind.as_deref(),
                    ri.principal_id.as_deref().and_then(|p| p.split_once(':')),
                ) {
                    (Some("AssumedRole" | "FederatedUser"), Some((_, name))) => s.intern(name),
                    _ => Sym::NONE,
                },
            }
        };
        let idx = b.identities.len() as u32;
        b.identities.push(id);
        self.identity_cache.insert(raw.into(), idx);
        Ok(idx)
    }
}
