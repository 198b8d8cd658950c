//! One denied call's `errorMessage` to an [`Explanation`]: the policy type and kind of denial the message states,
//! the action, resource, principal and policy ARN it names, following the documented format
//! `User: <principal> is not authorized to perform: <action> [on resource: <resource>] <context>[: <policy ARN>]`
//! (`docs/denied.md` §2). The words come from the phrase table (`phrases`); a context the table does not know
//! leaves the type "not stated" rather than guessed, and the caller keeps the raw text. Linear in the message
//! (ingest caps its length); never panics on any input.

use super::phrases::{
    ALLOWS_THE, BARE_MESSAGES, DenyKind, ENCODED, EXPLICIT, IMPLICIT, NOT_AUTHORIZED, ON_RESOURCE, PolicyType,
    USER_PREFIX, policy_phrase,
};
use serde::Serialize;

/// What kind of text the message was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, strum::Display, strum::IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum MessageForm {
    /// The documented `… is not authorized to perform: …` sentence.
    Detailed,
    /// A known text that only says "denied" (`Access Denied`, EC2's `You are not authorized …`).
    Bare,
    /// No `errorMessage` in the record.
    Missing,
    /// Anything else: kept as raw text, nothing read from it.
    Unrecognised,
}

/// What one denied call's message states. `None` / `NotStated` wherever the message does not say.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The policy type responsible.
    pub policy_type: PolicyType,
    /// Explicit or implicit.
    pub deny: DenyKind,
    /// The denied IAM action as the message writes it (`lambda:CreateFunction`).
    pub action: Option<String>,
    /// The resource as the message writes it (quotes removed).
    pub resource: Option<String>,
    /// The responsible policy's ARN, when the message names one.
    pub policy_arn: Option<String>,
    /// The principal the message names (`arn:aws:sts::…:assumed-role/…`).
    pub principal: Option<String>,
    /// The message ends in an encoded authorization failure message (decode it with
    /// `aws sts decode-authorization-message`).
    pub encoded: bool,
}

/// Read `message` (the record's `errorMessage`, `None` when absent).
pub fn explain(message: Option<&str>) -> (MessageForm, Explanation) {
    let mut ex = Explanation::default();
    let Some(text) = message.map(str::trim).filter(|t| !t.is_empty()) else {
        return (MessageForm::Missing, ex);
    };
    // An encoded tail is cut off first: what precedes it may still be the detailed sentence.
    let body = match text.find(ENCODED) {
        Some(at) => {
            ex.encoded = true;
            text[..at].trim()
        }
        None => text,
    };
    let Some(at) = body.find(NOT_AUTHORIZED) else {
        let bare = body.trim_end_matches('.').trim();
        let form = if BARE_MESSAGES.contains(&bare) || (ex.encoded && bare.is_empty()) {
            MessageForm::Bare
        } else {
            MessageForm::Unrecognised
        };
        return (form, ex);
    };
    let before = &body[..at];
    ex.principal = before
        .rfind(USER_PREFIX)
        .map(|u| before[u + USER_PREFIX.len()..].trim())
        .filter(|p| !p.is_empty() && !p.contains(char::is_whitespace))
        .map(str::to_string);
    let rest = &body[at + NOT_AUTHORIZED.len()..];
    let (action, mut rest) = token(rest);
    ex.action = action.map(str::to_string);
    if let Some(r) = rest.strip_prefix(ON_RESOURCE) {
        // The resource runs up to the context: IAM writes `role DemoRole1`, most services an ARN, some quoted.
        let end = [r.find(&format!(" {EXPLICIT}")), r.find(&format!(" {IMPLICIT}"))]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(r.len());
        let resource = r[..end].trim().trim_end_matches('.').trim_matches('"').trim();
        ex.resource = (!resource.is_empty()).then(|| resource.to_string());
        rest = &r[end..];
    }
    context(rest.trim().trim_end_matches('.').trim_end(), &mut ex);
    (MessageForm::Detailed, ex)
}

/// The next word (up to white space), without a final `.` or `,`, and the text after it.
fn token(s: &str) -> (Option<&str>, &str) {
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    let word = s[..end].trim_end_matches(['.', ',']);
    (Some(word).filter(|w| !w.is_empty()), &s[end..])
}

/// The context after the action and resource: `with an explicit deny [in a(n) <type>][: <arn>]` or
/// `because no <type> allows the <action> action[: <arn>]`. Anything else states nothing.
fn context(c: &str, ex: &mut Explanation) {
    if let Some(rest) = c.strip_prefix(EXPLICIT) {
        ex.deny = DenyKind::Explicit;
        let Some(rest) = rest.strip_prefix(" in an ").or_else(|| rest.strip_prefix(" in a ")) else {
            return;
        };
        if let Some((t, tail)) = policy_phrase(rest)
            && let Some(arn) = policy_arn_tail(tail)
        {
            ex.policy_type = t;
            ex.policy_arn = arn;
        }
    } else if let Some(rest) = c.strip_prefix(IMPLICIT)
        && let Some((t, tail)) = policy_phrase(rest)
        && let Some(tail) = tail.strip_prefix(ALLOWS_THE)
    {
        // `… allows the <action> action`, then perhaps `: <arn>`.
        let (_, tail) = token(tail);
        if let Some(tail) = tail.strip_prefix(" action")
            && let Some(arn) = policy_arn_tail(tail)
        {
            ex.deny = DenyKind::Implicit;
            ex.policy_type = t;
            ex.policy_arn = arn;
        }
    }
}

/// What may follow a policy type: nothing (`Some(None)`), or `: <policy ARN>` (`Some(Some(arn))`); anything else is
/// not the documented form (`None`).
fn policy_arn_tail(tail: &str) -> Option<Option<String>> {
    let tail = tail.trim_end_matches('.');
    if tail.is_empty() {
        return Some(None);
    }
    let arn = tail.strip_prefix(": ")?.trim();
    (arn.starts_with("arn:") && !arn.contains(char::is_whitespace)).then(|| Some(arn.to_string()))
}
