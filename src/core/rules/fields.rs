//! Which raw CloudTrail paths the event store keeps, and their values for one event: what lets a rule be decided
//! from the store alone for nearly every event, and the raw record read only for the few that need more.
//!
//! A path is answered from the store only where the store keeps its text exactly as logged; where the model
//! normalises (an identity type it does not know, an `eventType` it calls `Other`, an MFA flag it could not read)
//! the answer is "ask the raw record". This module does not evaluate rules.

use crate::core::model::{Event, EventType, IdentityType, Mfa, Store, flags};

/// A raw CloudTrail path the store keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kept {
    /// `eventName`.
    EventName,
    /// `eventSource`.
    EventSource,
    /// `awsRegion`.
    AwsRegion,
    /// `recipientAccountId`.
    RecipientAccountId,
    /// `sourceIPAddress`.
    SourceIpAddress,
    /// `userAgent`.
    UserAgent,
    /// `errorCode`.
    ErrorCode,
    /// `eventType`.
    EventType,
    /// `readOnly`.
    ReadOnly,
    /// `userIdentity.type`.
    IdentityType,
    /// `userIdentity.principalId`.
    PrincipalId,
    /// `userIdentity.arn`.
    Arn,
    /// `userIdentity.accountId`.
    AccountId,
    /// `userIdentity.accessKeyId`.
    AccessKeyId,
    /// `userIdentity.userName`.
    UserName,
    /// `userIdentity.invokedBy`.
    InvokedBy,
    /// `userIdentity.sessionContext.sessionIssuer.type`.
    IssuerType,
    /// `userIdentity.sessionContext.sessionIssuer.principalId`.
    IssuerPrincipalId,
    /// `userIdentity.sessionContext.sessionIssuer.arn`.
    IssuerArn,
    /// `userIdentity.sessionContext.sessionIssuer.accountId`.
    IssuerAccountId,
    /// `userIdentity.sessionContext.sessionIssuer.userName`.
    IssuerUserName,
    /// `userIdentity.sessionContext.attributes.mfaAuthenticated`.
    Mfa,
}

impl Kept {
    /// The kept field a raw path names, if the store keeps it.
    pub fn of_path(path: &str) -> Option<Kept> {
        Some(match path {
            "eventName" => Kept::EventName,
            "eventSource" => Kept::EventSource,
            "awsRegion" => Kept::AwsRegion,
            "recipientAccountId" => Kept::RecipientAccountId,
            "sourceIPAddress" => Kept::SourceIpAddress,
            "userAgent" => Kept::UserAgent,
            "errorCode" => Kept::ErrorCode,
            "eventType" => Kept::EventType,
            "readOnly" => Kept::ReadOnly,
            "userIdentity.type" => Kept::IdentityType,
            "userIdentity.principalId" => Kept::PrincipalId,
            "userIdentity.arn" => Kept::Arn,
            "userIdentity.accountId" => Kept::AccountId,
            "userIdentity.accessKeyId" => Kept::AccessKeyId,
            "userIdentity.userName" => Kept::UserName,
            "userIdentity.invokedBy" => Kept::InvokedBy,
            "userIdentity.sessionContext.sessionIssuer.type" => Kept::IssuerType,
            "userIdentity.sessionContext.sessionIssuer.principalId" => Kept::IssuerPrincipalId,
            "userIdentity.sessionContext.sessionIssuer.arn" => Kept::IssuerArn,
            "userIdentity.sessionContext.sessionIssuer.accountId" => Kept::IssuerAccountId,
            "userIdentity.sessionContext.sessionIssuer.userName" => Kept::IssuerUserName,
            "userIdentity.sessionContext.attributes.mfaAuthenticated" => Kept::Mfa,
            _ => return None,
        })
    }

    /// The field's value for `ev` as a number that is equal for equal values (an interned string's id, an enum's
    /// ordinal): the key under which a rule's answer is remembered.
    pub fn code(self, store: &Store, ev: &Event) -> u32 {
        let id = store.identity(ev);
        match self {
            Kept::EventName => ev.event_name.0,
            Kept::EventSource => ev.event_source.0,
            Kept::AwsRegion => ev.region.0,
            Kept::RecipientAccountId => ev.recipient_account.0,
            Kept::SourceIpAddress => ev.source_ip.0,
            Kept::UserAgent => ev.user_agent.0,
            Kept::ErrorCode => ev.error_code.0,
            Kept::EventType => ev.event_type as u32,
            Kept::ReadOnly => u32::from(ev.flags & (flags::READ_ONLY_KNOWN | flags::READ_ONLY)),
            Kept::IdentityType => id.kind as u32,
            Kept::PrincipalId => id.principal_id.0,
            Kept::Arn => id.arn.0,
            Kept::AccountId => id.account_id.0,
            Kept::AccessKeyId => id.access_key_id.0,
            Kept::UserName => id.user_name.0,
            Kept::InvokedBy => id.invoked_by.0,
            Kept::IssuerType => id.issuer_type.0,
            Kept::IssuerPrincipalId => id.issuer_principal_id.0,
            Kept::IssuerArn => id.issuer_arn.0,
            Kept::IssuerAccountId => id.issuer_account_id.0,
            Kept::IssuerUserName => id.issuer_user_name.0,
            Kept::Mfa => id.mfa as u32,
        }
    }

    /// The field's value for `ev` as the record has it.
    pub fn value<'s>(self, store: &'s Store, ev: &Event) -> Answer<'s> {
        let id = store.identity(ev);
        let sym = |s| match store.strings.opt(s) {
            Some(t) => Answer::Str(t),
            None => Answer::Absent,
        };
        match self {
            Kept::EventName => sym(ev.event_name),
            Kept::EventSource => sym(ev.event_source),
            Kept::AwsRegion => sym(ev.region),
            Kept::RecipientAccountId => sym(ev.recipient_account),
            Kept::SourceIpAddress => sym(ev.source_ip),
            Kept::UserAgent => sym(ev.user_agent),
            Kept::ErrorCode => sym(ev.error_code),
            Kept::EventType => match ev.event_type {
                EventType::Other => Answer::Raw,
                t => Answer::Str(t.into()),
            },
            Kept::ReadOnly => match ev.read_only() {
                Some(b) => Answer::Bool(b),
                None => Answer::Raw,
            },
            Kept::IdentityType => match id.kind {
                IdentityType::Missing => Answer::Raw,
                k => Answer::Str(k.into()),
            },
            Kept::PrincipalId => sym(id.principal_id),
            Kept::Arn => sym(id.arn),
            Kept::AccountId => sym(id.account_id),
            Kept::AccessKeyId => sym(id.access_key_id),
            Kept::UserName => sym(id.user_name),
            Kept::InvokedBy => sym(id.invoked_by),
            Kept::IssuerType => sym(id.issuer_type),
            Kept::IssuerPrincipalId => sym(id.issuer_principal_id),
            Kept::IssuerArn => sym(id.issuer_arn),
            Kept::IssuerAccountId => sym(id.issuer_account_id),
            Kept::IssuerUserName => sym(id.issuer_user_name),
            // CloudTrail writes the flag as the string "true"/"false".
            Kept::Mfa => match id.mfa {
                Mfa::Yes => Answer::Str("true"),
                Mfa::No => Answer::Str("false"),
                Mfa::Unknown => Answer::Raw,
            },
        }
    }
}

/// A kept field's value for one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer<'s> {
    /// The text as logged.
    Str(&'s str),
    /// A boolean as logged.
    Bool(bool),
    /// Absent or null in the record.
    Absent,
    /// The store normalised it away: only the raw record knows.
    Raw,
}
