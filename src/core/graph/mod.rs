//! The role-session graph: who is really behind every call, through every chain of assumptions and account.
//!
//! Built once from a [`Store`] (`build`), it holds origins (the people, services and outside accounts that start
//! chains), role sessions (one per assumption, keyed by the temporary access key), long-term access keys, and the
//! assumption edges between them, each recording the event that made it and *how it was linked*
//! ([`Link`], `docs/domain.md` §3). Every event is attached to the session or origin that signed it. A petgraph
//! `DiGraph` mirrors the topology for traversals (chains, descendants, the chain-graph view); the vectors here are
//! the fast indexes that queries (`query`, `lookup`) read.
//!
//! Rule of the house: an edge exists only where the logs establish it. What cannot be established is
//! [`OriginKind::Unknown`] or an outside account "whose logs are not loaded" — never a guessed person.

mod build;
mod context_view;
pub mod identity_center;
mod lookup;
mod origin;
mod query;
pub mod root;
pub mod tags;
mod views;

pub use context_view::{IcUserView, IdentityCenterView, RootView, TagIssueView, TagView, UserLink};
pub use lookup::Found;
pub use origin::arn_account;
pub use views::{Call, ChainHop, ChainStop, MAX_CHAIN_DEPTH, OriginView, RoleProfile, RoleUse, SessionView, Trace};

use crate::core::model::{Mfa, Store, Sym};
use crate::core::vocab::UnknownWord;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

/// How an event, or a session, was tied to the assumption that created it (strongest first).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case", parse_err_ty = UnknownWord, parse_err_fn = unknown_link)]
pub enum Link {
    /// The session's calls carry exactly the access key the assumption returned.
    AccessKey,
    /// No key in the assumption's response; the calls' principal id equals its assumed-role id and their session
    /// creation date is within seconds of it.
    PrincipalTime,
    /// Only role ARN + session name + time agree. Weak: session names are chosen by the caller and repeat.
    NameTime,
}

/// How far a piece of identity context (a tag's source, a session's Identity Center user, a permission set) can
/// be trusted (`docs/identity-context.md` §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, strum::Display, strum::IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Confidence {
    /// A field of the records states it (a logged tag, `onBehalfOf.userId` on the session's own calls).
    Exact,
    /// It follows from logged facts by a documented AWS rule (chaining passes transitive tags on; Identity
    /// Center names its roles `AWSReservedSSO_<permission set>_<hash>`).
    Derived,
}

fn unknown_link(s: &str) -> UnknownWord {
    UnknownWord::new("link", s, "access-key, principal-time or name-time")
}

impl Link {
    /// Strong links are facts; weak ones are shown as such.
    pub fn is_weak(self) -> bool {
        self == Link::NameTime
    }
}

/// What started a chain.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case", parse_err_ty = UnknownWord, parse_err_fn = unknown_origin_kind)]
pub enum OriginKind {
    /// An IAM user (long-term credentials).
    IamUser,
    /// The account's root user.
    Root,
    /// A SAML-federated user (`AssumeRoleWithSAML` from a non-Identity-Center provider).
    SamlUser,
    /// A web-identity (OIDC) user (`AssumeRoleWithWebIdentity`).
    WebIdentityUser,
    /// An IAM Identity Center user, recognised by the `AWSReservedSSO_` role assumed through the `AWSSSO_…` provider.
    IdentityCenterUser,
    /// A `GetFederationToken` user, issued by an IAM user.
    FederatedUser,
    /// An AWS service acting for a resource (instance, function, task).
    AwsService,
    /// Another account, seen only as an account id and principal id because its own logs are not loaded.
    AwsAccount,
    /// The logs do not say who it was.
    Unknown,
    /// The person who asked an elevated-access broker; the broker's role assumed the role for them
    /// (`core::broker`). Only ever set by the broker overlay, never by the graph itself.
    BrokerRequester,
}

fn unknown_origin_kind(s: &str) -> UnknownWord {
    UnknownWord::new(
        "origin kind",
        s,
        "iam-user, root, saml-user, web-identity-user, identity-center-user, federated-user, aws-service, aws-account, unknown or broker-requester",
    )
}

/// A principal that starts chains: a person, a service acting for a resource, an outside account.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    /// What kind of principal it is.
    pub kind: OriginKind,
    /// Display name: user name, service (`ec2.amazonaws.com`), account id, or what is known.
    pub name: Sym,
    /// The principal's ARN; `NONE` when the logs do not give one (e.g. an outside account).
    pub arn: Sym,
    /// The account the principal belongs to.
    pub account: Sym,
    /// The principal id as the logs give it (`AIDA…` for IAM users).
    pub principal_id: Sym,
    /// For services: the instance, function or task the service acted for (the session name it chose).
    pub acting_for: Sym,
    /// Identity provider (SAML provider ARN, OIDC issuer) when known.
    pub provider: Sym,
    /// Identity Center user id (`onBehalfOf.userId`) when the records give one: then it, not the name, is who.
    pub user_id: Sym,
    /// The identity store of `user_id` (`onBehalfOf.identityStoreArn`).
    pub identity_store: Sym,
    /// False for outside accounts whose own CloudTrail is not loaded (the caller is only "account X, principal Y").
    pub logs_loaded: bool,
}

/// Index into [`SessionGraph::origins`].
pub type OriginId = u32;
/// Index into [`SessionGraph::sessions`].
pub type SessionId = u32;
/// Index into [`SessionGraph::edges`].
pub type EdgeId = u32;

/// What kind of temporary credentials a session holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SessionKind {
    /// AssumeRole / AssumeRoleWithSAML / AssumeRoleWithWebIdentity.
    Role,
    /// GetFederationToken.
    Federated,
    /// GetSessionToken (an IAM user's temporary key).
    SessionToken,
    /// AssumeRoot: a short root session in a member account (`docs/identity-context.md` §3).
    Root,
}

/// One role session: one assumption (or, when its assumption is not in the logs, one observed temporary key).
#[derive(Clone, Debug)]
pub struct Session {
    /// What kind of temporary credentials it holds.
    pub kind: SessionKind,
    /// The temporary access key; `NONE` only for an assumption whose response held no credentials and whose calls
    /// were never seen.
    pub access_key: Sym,
    /// The role assumed (`arn:aws:iam::…:role/…`); `NONE` for federation and session tokens.
    pub role_arn: Sym,
    /// The account the credentials belong to.
    pub account: Sym,
    /// The session name the caller chose (an instance id, a person's user name, anything).
    pub session_name: Sym,
    /// `AROA…:session` (Detective's role session id), or the federated user id.
    pub principal_id: Sym,
    /// `arn:aws:sts::…:assumed-role/Role/session`.
    pub arn: Sym,
    /// The `sourceIdentity` set on the session, `NONE` if none; it must persist down a chain.
    pub source_identity: Sym,
    /// Whether the session was created with MFA, as `sessionContext.attributes.mfaAuthenticated` says.
    pub mfa: Mfa,
    /// The assumption edge that created it; `None` when it was created outside the loaded logs.
    pub created_by: Option<EdgeId>,
    /// Events signed by this session, in time order.
    pub events: Vec<u32>,
    /// First and last time the session was observed (creation or any call), epoch seconds.
    pub first_seen: i64,
    /// The last time the session was observed, epoch seconds (see `first_seen`).
    pub last_seen: i64,
    /// Its session identity (role + session name), the behavioural unit.
    pub identity: u32,
    /// The weakest link that tied one of its events to it; `None` while nothing ties calls to it (created
    /// outside the loaded logs, or an assumption whose response named no key and whose calls were not found).
    pub event_link: Option<Link>,
    /// The session's node in [`SessionGraph::graph`].
    pub node: NodeIndex,
}

/// Who called an assumption.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Caller {
    /// A role session called it (role chaining).
    Session(SessionId),
    /// A principal outside any session called it (user, federated or SAML user, service, outside account).
    Origin(OriginId),
}

/// An assumption: `caller` obtained credentials for `session` (which belongs to a role).
#[derive(Clone, Debug)]
pub struct Edge {
    /// Who obtained the credentials.
    pub caller: Caller,
    /// The session the credentials created.
    pub session: SessionId,
    /// The assumption event (the caller account's copy when both were loaded).
    pub event: u32,
    /// The other account's copy of the same action (same `sharedEventID`), when loaded.
    pub other_copy: Option<u32>,
    /// When the assumption was made (`eventTime`), epoch seconds.
    pub time: i64,
    /// How the session's calls were tied to this assumption: `AccessKey` when the response returned the key;
    /// a weaker link when calls were matched by fallback; `None` when nothing ties calls to it.
    pub link: Option<Link>,
    /// The caller's source identity was set and the new session's is missing or different.
    pub source_identity_break: bool,
}

/// Role + session name: "sara in AdministratorAccess" across all her assumptions.
#[derive(Clone, Debug)]
pub struct SessionIdentity {
    /// The role assumed.
    pub role_arn: Sym,
    /// The session name used.
    pub session_name: Sym,
    /// Every session of this role and name, in creation order.
    pub sessions: Vec<SessionId>,
}

/// Who signed an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signer {
    /// A role session's temporary key signed it.
    Session(SessionId),
    /// An origin signed it directly (long-term key, console sign-in, service event).
    Origin(OriginId),
    /// No usable identity (e.g. service events without a principal).
    None,
}

/// A node of the petgraph mirror.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    /// An origin.
    Origin(OriginId),
    /// A role session.
    Session(SessionId),
    /// A role, by ARN: the sessions of one role meet here.
    Role(Sym),
    /// A long-term access key (AKIA…) and the origin it belongs to.
    AccessKey(Sym),
}

/// Relations in the petgraph mirror.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rel {
    /// caller → session, with the edge id.
    Assumed(EdgeId),
    /// session → role.
    SessionOf,
    /// origin → its long-term key.
    OwnsKey,
}

/// The built graph.
pub struct SessionGraph {
    /// Every origin, indexed by [`OriginId`].
    pub origins: Vec<Origin>,
    /// Every session, indexed by [`SessionId`].
    pub sessions: Vec<Session>,
    /// Every assumption edge, indexed by [`EdgeId`].
    pub edges: Vec<Edge>,
    /// Every session identity (role + session name); [`Session::identity`] indexes it.
    pub identities: Vec<SessionIdentity>,
    /// Signer of every event (parallel to `store.events`).
    pub signer: Vec<Signer>,
    /// Events signed directly by each origin (IAM user calls, console sign-ins, service events…).
    pub origin_events: Vec<Vec<u32>>,
    /// Failed assumption attempts (no session created): evidence of denied pivots.
    pub failed_assumptions: Vec<u32>,
    /// The petgraph mirror of the topology, for traversals.
    pub graph: DiGraph<Node, Rel>,
    /// Every session's effective session tags and the tag issues of the hop that created it.
    pub tags: tags::Tags,
    /// The Identity Center users each session's calls were made on behalf of.
    pub on_behalf: identity_center::OnBehalf,
    index: lookup::Index,
}

impl SessionGraph {
    /// Build the graph of everything `store` holds: link every assumption and attach every event to its signer.
    pub fn build(store: &Store) -> SessionGraph {
        build::build(store)
    }

    /// The session `id`; panics if `id` did not come from this graph.
    pub fn session(&self, id: SessionId) -> &Session {
        &self.sessions[id as usize]
    }
    /// The origin `id`; panics if `id` did not come from this graph.
    pub fn origin(&self, id: OriginId) -> &Origin {
        &self.origins[id as usize]
    }
    /// The edge `id`; panics if `id` did not come from this graph.
    pub fn edge(&self, id: EdgeId) -> &Edge {
        &self.edges[id as usize]
    }
}
