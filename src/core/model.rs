//! The normalised event store: compact, interned CloudTrail events and the identities that made them.
//!
//! Every string that repeats (accounts, ARNs, event names, sources, IPs, user agents, keys…) is interned once in
//! [`Interner`] and referred to by a [`Sym`]. A `userIdentity` block is deduplicated into [`Identity`] (one session
//! signs thousands of calls with the same block), so an [`Event`] is a fixed-size row of numbers. Fields only
//! assumption events carry live in [`Assumption`], a side table. The raw record is not kept: [`RecordLocator`]
//! says where to read it again (see `ingest::raw_record`).
//!
//! This module owns the data layout only; it does not parse, link or analyse.

use crate::core::vocab::UnknownWord;

mod interner;
mod lookup;
pub use interner::Interner;
pub use lookup::Lookup;

/// An interned string. `Sym::NONE` (0) means absent or null.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(pub u32);

impl Sym {
    /// The absent string: what a missing or null JSON field interns to.
    pub const NONE: Sym = Sym(0);
    /// Whether this is [`Sym::NONE`].
    pub fn is_none(self) -> bool {
        self.0 == 0
    }
    /// Whether this names a string (is not [`Sym::NONE`]).
    pub fn is_some(self) -> bool {
        self.0 != 0
    }
}

/// `userIdentity.type` (`docs/domain.md` §2).
///
/// `Display`/`FromStr` use CloudTrail's spelling (`IAMUser`, `AWSService`, …); `serde` writes kebab-case for our
/// own JSON outputs.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "kebab-case")]
#[strum(parse_err_ty = UnknownWord, parse_err_fn = unknown_identity_type)]
pub enum IdentityType {
    /// `IAMUser`: an IAM user's long-term or session-token credentials.
    #[strum(serialize = "IAMUser")]
    IamUser,
    /// `Root`: the account's root user.
    Root,
    /// `AssumedRole`: a role session.
    AssumedRole,
    /// `FederatedUser`: a `GetFederationToken` session.
    FederatedUser,
    /// `SAMLUser`: the caller of `AssumeRoleWithSAML`.
    #[strum(serialize = "SAMLUser")]
    SamlUser,
    /// `WebIdentityUser`: the caller of `AssumeRoleWithWebIdentity`.
    WebIdentityUser,
    /// `AWSService`: a service acting itself.
    #[strum(serialize = "AWSService")]
    AwsService,
    /// `AWSAccount`: another account, seen only by account and principal id.
    #[strum(serialize = "AWSAccount")]
    AwsAccount,
    /// `IdentityCenterUser`: an IAM Identity Center user (sign-in and portal events).
    IdentityCenterUser,
    /// `Unknown` as CloudTrail writes it (e.g. Identity Center sign-in events).
    Unknown,
    /// No `userIdentity.type` at all, or a value this version does not know (what ingest records when `FromStr`
    /// fails).
    #[default]
    #[strum(serialize = "(none)")]
    Missing,
}

fn unknown_identity_type(s: &str) -> UnknownWord {
    UnknownWord::new(
        "userIdentity.type",
        s,
        "a CloudTrail identity type (IAMUser, AssumedRole, …)",
    )
}

/// Tri-state for `sessionContext.attributes.mfaAuthenticated`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, strum::VariantArray)]
pub enum Mfa {
    /// The record does not say.
    #[default]
    Unknown,
    /// `mfaAuthenticated` is `false`.
    No,
    /// `mfaAuthenticated` is `true`.
    Yes,
}

/// One distinct `userIdentity` block (deduplicated across events).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Identity {
    /// `userIdentity.type`.
    pub kind: IdentityType,
    /// `userIdentity.principalId` (`AROA…:session` for role sessions, `AIDA…` for users).
    pub principal_id: Sym,
    /// `userIdentity.arn`.
    pub arn: Sym,
    /// `userIdentity.accountId`: the caller's account.
    pub account_id: Sym,
    /// `userIdentity.accessKeyId`: the key that signed the call.
    pub access_key_id: Sym,
    /// `userIdentity.userName`.
    pub user_name: Sym,
    /// `userIdentity.invokedBy`: the service that acted, when one did.
    pub invoked_by: Sym,
    /// `userIdentity.identityProvider` (SAML and web-identity users).
    pub identity_provider: Sym,
    /// `sessionContext.sessionIssuer`
    pub issuer_type: Sym,
    /// `sessionContext.sessionIssuer.principalId`: the role id (`AROA…`) or issuing user id.
    pub issuer_principal_id: Sym,
    /// `sessionContext.sessionIssuer.arn`: the role (or user) that issued the session.
    pub issuer_arn: Sym,
    /// `sessionContext.sessionIssuer.accountId`.
    pub issuer_account_id: Sym,
    /// `sessionContext.sessionIssuer.userName`: the role name.
    pub issuer_user_name: Sym,
    /// `sessionContext.attributes.mfaAuthenticated`.
    pub mfa: Mfa,
    /// `sessionContext.attributes.creationDate`, epoch seconds; `i64::MIN` when absent.
    pub creation_date: i64,
    /// `sessionContext.sourceIdentity`
    pub source_identity: Sym,
    /// `onBehalfOf.userId` (Identity Center identity-enhanced sessions).
    pub on_behalf_of: Sym,
    /// `credentialId` (Identity Center), kept for look-ups.
    pub credential_id: Sym,
    /// `onBehalfOf.identityStoreArn`: the identity store the `on_behalf_of` user id belongs to.
    pub identity_store_arn: Sym,
    /// The session name: the part of `principalId` after `:` for role and federated sessions.
    pub session_name: Sym,
}

/// Index of an [`Identity`] in [`Store::identities`].
pub type IdentityId = u32;

/// `eventType`.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[strum(parse_err_ty = UnknownWord, parse_err_fn = unknown_event_type)]
pub enum EventType {
    /// A call to an AWS API.
    AwsApiCall,
    /// An action a service took itself.
    AwsServiceEvent,
    /// A console action that is not an API call.
    AwsConsoleAction,
    /// A console sign-in.
    AwsConsoleSignIn,
    /// A CloudTrail Insights event.
    AwsCloudTrailInsight,
    /// A VPC endpoint event.
    AwsVpceEvent,
    /// Anything else, or absent.
    #[default]
    Other,
}

fn unknown_event_type(s: &str) -> UnknownWord {
    UnknownWord::new(
        "eventType",
        s,
        "a CloudTrail event type (AwsApiCall, AwsServiceEvent, …)",
    )
}

/// Where a record came from, so the raw text can be read again for the detail view.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RecordLocator {
    /// Index into [`Store::files`].
    pub file: u32,
    /// 0-based index of the record within its file, in the order the file lists records.
    pub index: u32,
}

/// An event id: CloudTrail event ids are UUIDs, kept as 128 bits; anything else is interned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventId {
    /// A canonical lowercase UUID, as 128 bits.
    Uuid(Bits128),
    /// Any other id text, interned.
    Other(Sym),
    /// The record had no eventID; dedup falls back to a hash of its content.
    Missing(u64),
}

/// 128 bits as two 64-bit halves, high first, so they order as the number does. A `u128` would align
/// [`EventId`], and with it every [`Event`], to 16 bytes: 8 bytes more an event (96 instead of 88).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bits128 {
    hi: u64,
    lo: u64,
}

impl Bits128 {
    /// The halves of `v`.
    pub fn new(v: u128) -> Bits128 {
        Bits128 {
            hi: (v >> 64) as u64,
            lo: v as u64,
        }
    }
    /// The number.
    pub fn get(self) -> u128 {
        (u128::from(self.hi) << 64) | u128::from(self.lo)
    }
}

/// Flags packed into one byte.
pub mod flags {
    /// `readOnly` was present (without it, `READ_ONLY` means nothing).
    pub const READ_ONLY_KNOWN: u8 = 1;
    /// `readOnly` was `true`.
    pub const READ_ONLY: u8 = 2;
    /// `managementEvent` was `true`.
    pub const MANAGEMENT: u8 = 4;
    /// `eventCategory` was `Data`.
    pub const DATA_EVENT: u8 = 8;
    /// `eventCategory` was `Insight`.
    pub const INSIGHT: u8 = 16;
}

/// One CloudTrail record, normalised. Fixed size; strings are [`Sym`]s.
#[derive(Clone, Debug)]
pub struct Event {
    /// `eventTime`, epoch seconds UTC.
    pub time: i64,
    /// `eventID`: one per delivered record; duplicates are the same record delivered twice.
    pub id: EventId,
    /// `sharedEventID`: shared by the copies of one action delivered to different accounts.
    pub shared_event_id: Sym,
    /// `eventSource`: the service host, e.g. `sts.amazonaws.com`.
    pub event_source: Sym,
    /// `eventName`: the API, e.g. `AssumeRole`.
    pub event_name: Sym,
    /// `awsRegion`.
    pub region: Sym,
    /// `recipientAccountId`: whose log this copy is.
    pub recipient_account: Sym,
    /// `sourceIPAddress`: an address, a service name or `AWS Internal`.
    pub source_ip: Sym,
    /// `userAgent` (hostile text).
    pub user_agent: Sym,
    /// `errorCode`; `NONE` for a call that succeeded.
    pub error_code: Sym,
    /// The main resource the call touched (first `resources[].ARN`, or a well-known request parameter such as
    /// `bucketName`, `roleName`, `keyId`); `NONE` when unknown.
    pub resource: Sym,
    /// The caller's deduplicated `userIdentity`.
    pub identity: IdentityId,
    /// Index into [`Store::assumptions`] or `u32::MAX`.
    pub assumption: u32,
    /// `eventType`.
    pub event_type: EventType,
    /// [`flags`] bits: `readOnly`, `managementEvent` and the event category.
    pub flags: u8,
    /// Where the raw record is, for the detail view.
    pub locator: RecordLocator,
}

impl Event {
    /// [`Event::assumption`] of an event that is not a credential-issuing STS call.
    pub(crate) const NO_ASSUMPTION: u32 = u32::MAX;
    /// An event that names nothing (time 0, every symbol `NONE`, identity 0): a slot to fill, never a loaded event.
    pub(crate) fn placeholder() -> Event {
        Event {
            time: 0,
            id: EventId::Missing(0),
            shared_event_id: Sym::NONE,
            event_source: Sym::NONE,
            event_name: Sym::NONE,
            region: Sym::NONE,
            recipient_account: Sym::NONE,
            source_ip: Sym::NONE,
            user_agent: Sym::NONE,
            error_code: Sym::NONE,
            resource: Sym::NONE,
            identity: 0,
            assumption: Event::NO_ASSUMPTION,
            event_type: EventType::default(),
            flags: 0,
            locator: RecordLocator { file: 0, index: 0 },
        }
    }
    /// Whether the call failed (`errorCode` present).
    pub fn failed(&self) -> bool {
        self.error_code.is_some()
    }
    /// `readOnly` as logged; `None` when the record does not say.
    pub fn read_only(&self) -> Option<bool> {
        if self.flags & flags::READ_ONLY_KNOWN != 0 {
            Some(self.flags & flags::READ_ONLY != 0)
        } else {
            None
        }
    }
    /// The event's index into [`Store::assumptions`], when it is a credential-issuing STS call.
    pub fn assumption_index(&self) -> Option<usize> {
        (self.assumption != Self::NO_ASSUMPTION).then_some(self.assumption as usize)
    }
}

/// Which STS call created (or tried to create) credentials.
///
/// `Display`/`FromStr` use the event name CloudTrail records.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[strum(parse_err_ty = UnknownWord, parse_err_fn = unknown_assume_kind)]
pub enum AssumeKind {
    /// `AssumeRole`.
    AssumeRole,
    /// `AssumeRoleWithSAML`.
    #[strum(serialize = "AssumeRoleWithSAML")]
    AssumeRoleWithSaml,
    /// `AssumeRoleWithWebIdentity`.
    AssumeRoleWithWebIdentity,
    /// `GetFederationToken`: a federated user session, issued by an IAM user.
    GetFederationToken,
    /// `GetSessionToken`: an IAM user's temporary key.
    GetSessionToken,
    /// `AssumeRoot` (centralised root access), treated like AssumeRole.
    AssumeRoot,
}

fn unknown_assume_kind(s: &str) -> UnknownWord {
    UnknownWord::new(
        "event",
        s,
        "an STS call that issues credentials (AssumeRole, GetSessionToken, …)",
    )
}

/// The assumption fields of an STS credential-issuing event (`docs/domain.md` §3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assumption {
    /// Index of the event in [`Store::events`] (valid after ingest finished sorting).
    pub event: u32,
    /// Which STS call it was.
    pub kind: AssumeKind,
    /// `requestParameters.roleArn` (for GetFederationToken: none).
    pub role_arn: Sym,
    /// `requestParameters.roleSessionName` (GetFederationToken: `name`).
    pub session_name: Sym,
    /// `requestParameters.sourceIdentity` or `responseElements.sourceIdentity`.
    pub source_identity: Sym,
    /// `requestParameters.durationSeconds`, 0 when absent.
    pub duration_seconds: u32,
    /// `responseElements.credentials.accessKeyId`: the new session's key.
    pub new_access_key: Sym,
    /// `responseElements.assumedRoleUser.assumedRoleId` (`AROA…:session`) or `federatedUser.federatedUserId`.
    pub assumed_role_id: Sym,
    /// `responseElements.assumedRoleUser.arn` or `federatedUser.arn`.
    pub assumed_role_arn: Sym,
    /// `requestParameters.principalArn` (SAML provider) or `responseElements.provider` (web identity).
    pub provider: Sym,
    /// Session tags, root task and identity-propagation inputs (`docs/identity-context.md`); empty for most.
    pub context: AssumptionContext,
}

/// Most tags kept per list: STS accepts 50 (`docs/identity-context.md` §1); a hostile record may hold millions.
pub const MAX_TAGS: usize = 64;

/// What an assumption says beyond the role and session: its session tags, the root task it was scoped to, the
/// identity context it propagated (`docs/identity-context.md`). All empty for a plain `AssumeRole`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssumptionContext {
    /// Session tags the call set: `requestParameters.tags` (AssumeRole) or `principalTags` (SAML, web
    /// identity), in logged order, at most [`MAX_TAGS`].
    pub tags: Box<[(Sym, Sym)]>,
    /// `requestParameters.transitiveTagKeys`.
    pub transitive_keys: Box<[Sym]>,
    /// `requestParameters.incomingTransitiveTags`: what the caller's chain passed on; `None` when not logged.
    pub incoming_tags: Option<Box<[(Sym, Sym)]>>,
    /// `requestParameters.targetPrincipal` (AssumeRoot): the member account id or principal ARN.
    pub target_principal: Sym,
    /// `requestParameters.taskPolicyArn.arn` (AssumeRoot): the root-task policy scoping the session.
    pub task_policy_arn: Sym,
    /// `requestParameters.providedContexts[].providerArn` (trusted identity propagation), first one.
    pub context_provider: Sym,
}

/// Longest `errorMessage` kept, in bytes (cut at a character boundary): an EC2 encoded authorization message is at
/// most 10,240 characters (`docs/denied.md` §3); anything longer is hostile padding.
pub const MAX_ERROR_MESSAGE: usize = 16 * 1024;

/// `s` cut to at most `max` bytes at a character boundary.
pub fn clip_bytes(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// An input file that contributed records.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The file as given (or found under a given folder).
    pub path: std::path::PathBuf,
    /// `None` when the file could not be read or held nothing recognisable.
    pub format: Option<crate::core::provenance::Format>,
    /// Whether the file was gzip-compressed.
    pub gzip: bool,
    /// Findings read from the file (before de-duplication): a case index reads these files again on open.
    pub findings: u32,
}

/// Everything loaded: events sorted by time, their identities, assumptions, findings and what went wrong.
#[derive(Default)]
pub struct Store {
    /// Every string the events, identities and assumptions name.
    pub strings: Interner,
    /// Every CloudTrail record, sorted by time then input order, without duplicate `eventID`s.
    pub events: Vec<Event>,
    /// Distinct `userIdentity` blocks; [`Event::identity`] indexes them.
    pub identities: Vec<Identity>,
    /// Credential-issuing STS calls; [`Event::assumption`] indexes them.
    pub assumptions: Vec<Assumption>,
    /// Every input file, in input order; [`RecordLocator::file`] indexes them.
    pub files: Vec<SourceFile>,
    /// GuardDuty and Access Analyzer findings, deduplicated.
    pub findings: Vec<crate::core::findings::Finding>,
    /// The `errorMessage` of each denied call (an `errorCode` of the denial family,
    /// `core::policy::denied::codes`), by event id, capped at [`MAX_ERROR_MESSAGE`] bytes. A side table rather than
    /// an event field: denials are few and the event row stays compact. Ids are unique in the store, so the table
    /// needs no renumbering when events are sorted or windowed.
    pub denial_messages: hashbrown::HashMap<EventId, Sym>,
    /// What was read, skipped and why.
    pub report: crate::core::provenance::IngestReport,
}

impl Store {
    /// The string `sym` names (`""` for [`Sym::NONE`]).
    pub fn s(&self, sym: Sym) -> &str {
        self.strings.resolve(sym)
    }
    /// The caller identity of `ev`.
    pub fn identity(&self, ev: &Event) -> &Identity {
        &self.identities[ev.identity as usize]
    }
    /// The `errorMessage` ingest kept for `ev` (denied calls only; `None` when the record had none).
    pub fn denial_message(&self, ev: &Event) -> Option<&str> {
        self.denial_messages.get(&ev.id).map(|&s| self.s(s))
    }
    /// The assumption fields of `ev`, when it is a credential-issuing STS call.
    pub fn assumption(&self, ev: &Event) -> Option<&Assumption> {
        ev.assumption_index().map(|i| &self.assumptions[i])
    }
    /// The event id as text (UUIDs formatted in their canonical form).
    pub fn event_id_string(&self, ev: &Event) -> String {
        match ev.id {
            EventId::Uuid(u) => format_uuid(u.get()),
            EventId::Other(s) => self.s(s).to_string(),
            EventId::Missing(_) => String::new(),
        }
    }
    /// Find an event by its id text.
    pub fn find_event_id(&self, text: &str) -> Option<usize> {
        let want = match parse_uuid(text) {
            Some(u) => EventId::Uuid(Bits128::new(u)),
            None => EventId::Other(self.strings.get(text)?),
        };
        self.events.iter().position(|e| e.id == want)
    }
}

/// Parse a canonical 8-4-4-4-12 UUID (either case) into 128 bits.
pub fn parse_uuid(s: &str) -> Option<u128> {
    let b = s.as_bytes();
    if b.len() != 36 || b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
        return None;
    }
    let mut v: u128 = 0;
    let mut upper = false;
    for (i, &c) in b.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            continue;
        }
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => {
                upper = true;
                c - b'A' + 10
            }
            _ => return None,
        };
        v = (v << 4) | d as u128;
    }
    // Upper-case ids would not round-trip to the same text; keep them as interned strings instead.
    if upper { None } else { Some(v) }
}

/// The canonical lowercase 8-4-4-4-12 text of a UUID held as 128 bits.
pub(crate) fn format_uuid(u: u128) -> String {
    let h = format!("{u:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_round_trip() {
        let s = "a0ed971f-389f-406a-9fcf-887c5ca6903a";
        assert_eq!(format_uuid(parse_uuid(s).unwrap()), s);
        assert_eq!(parse_uuid("A0ED971F-389F-406A-9FCF-887C5CA6903A"), None);
        assert_eq!(parse_uuid("not-a-uuid"), None);
    }
}

#[cfg(test)]
mod size_tests {
    /// The event row is the memory budget's biggest term (README: bytes per event); keep it from growing.
    #[test]
    fn event_row_stays_compact() {
        assert!(
            std::mem::size_of::<super::Event>() <= 88,
            "{}",
            std::mem::size_of::<super::Event>()
        );
        assert!(std::mem::size_of::<super::EventId>() <= 24);
    }
}
