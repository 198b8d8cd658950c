//! Errors of a fetch, in words an incident responder can act on: no credentials, an SSO session to renew (with the
//! exact `aws sso login` command), access denied (naming the IAM action to grant), throttling and server errors
//! (retried here with backoff when the SDK's own retries gave up), and credentials that run out mid-fetch (an SSO
//! session ending: the whole fetch stops at once with the login command instead of every region retrying). Also
//! the last line of defence against leaking secrets: every message passes through [`redact`] before it is shown
//! or stored.

use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

use aws_credential_types::provider::error::CredentialsError;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::config::Context;
use super::{FetchProgress, Service};

/// Why a fetch could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error(
        "no AWS credentials found for profile `{profile}` (looked in: environment variables, shared config and \
         credentials files, SSO, web identity, container and instance metadata). Configure a profile \
         (`aws configure` or `aws configure sso`), pass --profile, or set AWS_PROFILE"
    )]
    NoCredentials { profile: String },
    #[error(
        "the AWS SSO session for profile `{profile}` is missing or expired: run `aws sso login --profile {profile}` \
         and retry ({detail})"
    )]
    SsoLogin { profile: String, detail: String },
    #[error("could not load AWS credentials for profile `{profile}`: {detail}")]
    Credentials { profile: String, detail: String },
    #[error("no AWS region: pass --region, or set AWS_REGION or `region` in the profile")]
    NoRegion,
    #[error("invalid fetch request: {0}")]
    Invalid(String),
    /// Nothing could be listed (access denied, no such bucket, no network).
    #[error("{0}")]
    Unreadable(String),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

impl FetchError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}

/// Why credentials could not be had: the same words whether it shows before the first call or in the middle of
/// the fetch (when temporary credentials run out and cannot be renewed).
pub(crate) fn credentials_error(e: &CredentialsError, profile: &str) -> FetchError {
    if let CredentialsError::CredentialsNotLoaded(_) = e {
        return FetchError::NoCredentials {
            profile: profile.to_string(),
        };
    }
    let detail = redact(&chain(e));
    // SSO token problems surface from the token provider ("SSO token") or, for legacy profiles and sessions that
    // ended, as the portal's UnauthorizedException.
    let lower = detail.to_ascii_lowercase();
    if lower.contains("sso") || lower.contains("unauthorizedexception") {
        FetchError::SsoLogin {
            profile: profile.to_string(),
            detail,
        }
    } else {
        FetchError::Credentials {
            profile: profile.to_string(),
            detail,
        }
    }
}

/// The credentials failure behind an SDK error, if that is what it is (the SDK reports it as a dispatch failure
/// with the provider's error as a source).
fn credentials_failure<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a CredentialsError> {
    let mut cur = Some(err);
    while let Some(e) = cur {
        if let Some(c) = e.downcast_ref::<CredentialsError>() {
            return Some(c);
        }
        cur = e.source();
    }
    None
}

/// How one failed API call should be handled.
#[derive(Debug)]
pub(crate) enum CallError {
    /// Throttling, 5xx, timeouts, dropped connections: worth another round.
    Retryable(String),
    /// Final: the message says what to do.
    Fatal(String),
    /// No credentials any more: every other call would fail the same way, so the whole fetch stops.
    Halt(FetchError),
}

const THROTTLING: &[&str] = &[
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "ThrottledException",
    "SlowDown",
    // CloudTrail Lake: more queries running than the account may run at once (10; `docs/org-scale.md`).
    "MaxConcurrentQueriesException",
];

/// Classify an SDK error of the call that needs IAM permission `action` (e.g. `cloudtrail:LookupEvents`).
pub(crate) fn classify<E>(err: &SdkError<E, HttpResponse>, action: &str, profile: &str) -> CallError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    if let Some(e) = credentials_failure(err) {
        return CallError::Halt(credentials_error(e, profile));
    }
    let detail = redact(&chain(err));
    let status = err.raw_response().map(|r| r.status().as_u16());
    let code = err.code().unwrap_or("");
    match err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            return CallError::Retryable(format!("{action}: {detail}"));
        }
        _ => {}
    }
    if THROTTLING.contains(&code) {
        return CallError::Retryable(format!("{action} throttled ({code})"));
    }
    if status.is_some_and(|s| s >= 500) {
        return CallError::Retryable(format!("{action}: server error {} {code}", status.unwrap_or_default()));
    }
    let message = err.message().map(redact).unwrap_or_default();
    match code {
        "AccessDeniedException" | "AccessDenied" | "UnauthorizedOperation" | "UnauthorizedAccess" => {
            CallError::Fatal(format!(
                "access denied: the identity lacks IAM permission `{action}` (grant it, e.g. with \
                 policy/trailhound-readonly.json). AWS said: {message}"
            ))
        }
        "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" => CallError::Fatal(format!(
            "the session credentials of profile `{profile}` have expired: refresh them (for SSO profiles: \
             `aws sso login --profile {profile}`) and rerun; an interrupted CloudTrail fetch resumes"
        )),
        "UnrecognizedClientException"
        | "InvalidClientTokenId"
        | "InvalidSignatureException"
        | "SignatureDoesNotMatch" => CallError::Fatal(format!(
            "AWS rejected the credentials of profile `{profile}` calling `{action}` ({code}): check the \
             profile's keys or renew its session"
        )),
        _ if status == Some(403) => CallError::Fatal(format!(
            "access denied (HTTP 403 {code}): the identity probably lacks IAM permission `{action}`. AWS said: \
             {message}"
        )),
        "" => CallError::Fatal(format!("{action} failed: {detail}")),
        _ => CallError::Fatal(format!("{action} failed: {code}: {message}")),
    }
}

/// Run one API call, and when it fails with a retryable error after the SDK's own attempts, wait with exponential
/// backoff and try again (up to `tuning.outer_retries` more rounds). Returns the final error as a message. Once
/// the fetch is halted (see [`Context::halt`]) no call is made any more.
pub(crate) async fn with_retry<T, E, Fut>(
    ctx: &Context,
    service: Service,
    region: &str,
    action: &str,
    progress: &(impl Fn(FetchProgress) + Send + Sync),
    mut call: impl FnMut() -> Fut,
) -> Result<T, String>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
{
    let tuning = &ctx.tuning;
    let mut round = 0u32;
    loop {
        if let Some(why) = ctx.halted() {
            return Err(why);
        }
        match call().await {
            Ok(v) => return Ok(v),
            Err(err) => match classify(&err, action, &ctx.profile) {
                CallError::Halt(e) => return Err(ctx.halt(e)),
                CallError::Retryable(reason) if round < tuning.outer_retries => {
                    let wait = backoff(tuning.outer_backoff, round);
                    progress(FetchProgress::Retry {
                        service,
                        region: region.to_string(),
                        reason,
                        wait,
                    });
                    tokio::time::sleep(wait).await;
                    round += 1;
                }
                CallError::Retryable(reason) => {
                    return Err(format!("{reason}; gave up after {} rounds of retries", round + 1));
                }
                CallError::Fatal(message) => return Err(message),
            },
        }
    }
}

/// `base × 2^round`, capped at 30 s.
pub(crate) fn backoff(base: Duration, round: u32) -> Duration {
    base.saturating_mul(1u32 << round.min(10)).min(Duration::from_secs(30))
}

/// Mask anything in a message that could be secret material: AWS access key ids, and long base64/hex runs
/// (secret keys, session tokens, signatures). Applied to every message before it is shown or written.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        redact_token(token, out);
        token.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '/' || c == '+' {
            token.push(c);
        } else {
            flush(&mut token, &mut out);
            out.push(c);
        }
    }
    flush(&mut token, &mut out);
    out
}

fn mixed(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit()) && s.chars().any(|c| c.is_ascii_alphabetic())
}

fn key_id(s: &str) -> bool {
    s.len() == 20
        && crate::core::access_key::AccessKeyKind::of(s).is_access_key()
        && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// A token of `[A-Za-z0-9/+]`: secret keys (40 chars) and session tokens (hundreds) go whole; otherwise each
/// `/`-separated part that is a key id or a long mixed run (signatures, hashes) goes, so paths stay readable.
fn redact_token(token: &str, out: &mut String) {
    let core = token.trim_matches('/');
    if (core.len() == 40 || core.len() >= 100) && mixed(core) {
        out.push_str("[redacted]");
        return;
    }
    for (i, part) in token.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        if key_id(part) || (part.len() >= 32 && mixed(part)) {
            out.push_str("[redacted]");
        } else {
            out.push_str(part);
        }
    }
}

/// The messages of an error and its sources, joined with `: `, repeats dropped.
pub(crate) fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        let m = e.to_string();
        if !parts.iter().any(|p| p == &m) {
            parts.push(m);
        }
        cur = e.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_masks_keys_secrets_and_signatures() {
        let s = "Credential=AKIAIOSFODNN7EXAMPLE/20261128/us-east-1/cloudtrail/aws4_request, \
                 Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7 \
                 secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY ok";
        let r = redact(s);
        assert!(!r.contains("AKIAIOSFODNN7EXAMPLE"), "{r}");
        assert!(!r.contains("5d672d79c15b"), "{r}");
        assert!(!r.contains("wJalrXUtnFEMI"), "{r}");
        assert!(r.contains("cloudtrail/aws4_request"), "{r}");
        assert!(r.ends_with(" ok"), "{r}");
        let path = "failed to read `/home/u/.aws/sso/cache/5f4dcc3b5aa765d61d8327deb882cf99aaaabbbb.json`";
        assert_eq!(redact(path), "failed to read `/home/u/.aws/sso/cache/[redacted].json`");
    }

    #[test]
    fn redact_keeps_ordinary_text_and_arns() {
        let s = "User: arn:aws:sts::111122223333:assumed-role/DemoRole1/sara is not authorized to perform: \
                 cloudtrail:LookupEvents";
        assert_eq!(redact(s), s);
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let b = Duration::from_millis(100);
        assert_eq!(backoff(b, 0), Duration::from_millis(100));
        assert_eq!(backoff(b, 3), Duration::from_millis(800));
        assert_eq!(backoff(b, 30), Duration::from_secs(30));
    }
}
