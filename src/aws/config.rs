//! Client setup: the standard credential chain (environment, shared config and credentials files, SSO profiles,
//! web identity, container and instance metadata) through aws-config, the lean rustls+ring HTTP client, retry and
//! timeout settings, endpoint override, and one SDK client per service and region. Credentials are resolved once
//! up front so a missing or expired login is reported clearly before any API call; the account they name (when
//! they name one) keys the LookupEvents rate limit.

use std::sync::OnceLock;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::SharedHttpClient;

use super::errors::{FetchError, credentials_error};
use super::ratelimit::{AccountScope, LimitKey, RateLimitedClient};
use super::{FetchRequest, Tuning};

/// Everything the service modules need to make calls.
pub(crate) struct Context {
    sdk: SdkConfig,
    http: SharedHttpClient,
    /// The account of the credentials, when they say (SSO profiles, `aws_account_id`, credential processes).
    account: Option<String>,
    endpoint: Option<String>,
    /// The profile name as the user knows it (for messages such as `aws sso login --profile P`).
    pub profile: String,
    pub regions: Vec<String>,
    pub tuning: Tuning,
    /// Set by the first call that finds the credentials gone; every region stops at its next call.
    halted: OnceLock<FetchError>,
}

/// Region names are used in file paths: only `[a-z0-9-]`.
pub(crate) fn valid_region(r: &str) -> bool {
    !r.is_empty()
        && r.len() <= 32
        && r.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The window to fetch: as given, or the last 24 hours.
pub(crate) fn resolve_window(window: Option<(i64, i64)>) -> (i64, i64) {
    window.unwrap_or_else(|| {
        let now = jiff::Timestamp::now().as_second();
        (now - 86_400, now)
    })
}

impl Context {
    pub(crate) async fn load(req: &FetchRequest) -> Result<Self, FetchError> {
        if let Some(bad) = req.regions.iter().find(|r| !valid_region(r)) {
            return Err(FetchError::Invalid(format!("`{bad}` is not a region name")));
        }
        if let Some((from, to)) = req.window
            && from > to
        {
            return Err(FetchError::Invalid("--from is after --to".into()));
        }
        let profile = req
            .profile
            .clone()
            .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()))
            .unwrap_or_else(|| "default".to_string());
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(Provider::Rustls(CryptoMode::Ring))
            .build_https();
        let t = &req.tuning;
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(http.clone())
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(t.sdk_max_attempts.max(1))
                    .with_initial_backoff(t.sdk_initial_backoff),
            )
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_attempt_timeout(t.attempt_timeout)
                    .build(),
            );
        if let Some(p) = &req.profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = req.regions.first() {
            loader = loader.region(Region::new(r.clone()));
        }
        if let Some(url) = &req.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some(c) = &req.static_credentials {
            loader = loader.credentials_provider(aws_credential_types::Credentials::new(
                c.access_key_id.clone(),
                c.secret_access_key.clone(),
                c.session_token.clone(),
                None,
                "trailhound-static",
            ));
        }
        let sdk = loader.load().await;
        let account = check_credentials(&sdk, &profile).await?;
        let regions = if req.regions.is_empty() {
            match sdk.region() {
                Some(r) if valid_region(r.as_ref()) => vec![r.to_string()],
                _ => return Err(FetchError::NoRegion),
            }
        } else {
            // Regions run at the same time: a region named twice would run its queries twice at once.
            let mut seen = std::collections::HashSet::new();
            req.regions
                .iter()
                .filter(|r| seen.insert(r.as_str()))
                .cloned()
                .collect()
        };
        Ok(Self {
            sdk,
            http,
            account,
            endpoint: req.endpoint_url.clone(),
            profile,
            regions,
            tuning: req.tuning.clone(),
            halted: OnceLock::new(),
        })
    }

    /// Stop the whole fetch because of `why` (the first reason wins); returns the message for the caller's error.
    pub(crate) fn halt(&self, why: FetchError) -> String {
        let _ = self.halted.set(why);
        self.halted().unwrap_or_default()
    }

    /// Why the fetch was stopped, if it was.
    pub(crate) fn halted(&self) -> Option<String> {
        self.halted.get().map(ToString::to_string)
    }

    /// The reason the fetch stopped, taken out at its end.
    pub(crate) fn into_halt(self) -> Option<FetchError> {
        self.halted.into_inner()
    }

    /// A CloudTrail client for `region` whose every HTTP attempt goes through the LookupEvents rate limiter of
    /// this account and region.
    pub(crate) fn cloudtrail(&self, region: &str) -> aws_sdk_cloudtrail::Client {
        let key = LimitKey {
            account: match &self.account {
                Some(a) => AccountScope::Account(a.clone()),
                None => AccountScope::Profile(self.profile.clone()),
            },
            region: region.to_string(),
            endpoint: self.endpoint.clone(),
        };
        let http = RateLimitedClient::wrap(self.http.clone(), key);
        let conf = aws_sdk_cloudtrail::config::Builder::from(&self.sdk)
            .region(Region::new(region.to_string()))
            .http_client(http)
            .build();
        aws_sdk_cloudtrail::Client::from_conf(conf)
    }

    pub(crate) fn guardduty(&self, region: &str) -> aws_sdk_guardduty::Client {
        let conf = aws_sdk_guardduty::config::Builder::from(&self.sdk)
            .region(Region::new(region.to_string()))
            .build();
        aws_sdk_guardduty::Client::from_conf(conf)
    }

    pub(crate) fn access_analyzer(&self, region: &str) -> aws_sdk_accessanalyzer::Client {
        let conf = aws_sdk_accessanalyzer::config::Builder::from(&self.sdk)
            .region(Region::new(region.to_string()))
            .build();
        aws_sdk_accessanalyzer::Client::from_conf(conf)
    }

    pub(crate) fn athena(&self, region: &str) -> aws_sdk_athena::Client {
        let conf = aws_sdk_athena::config::Builder::from(&self.sdk)
            .region(Region::new(region.to_string()))
            .build();
        aws_sdk_athena::Client::from_conf(conf)
    }

    /// A CloudTrail client for CloudTrail Lake's query calls: not through the LookupEvents rate limiter, whose
    /// two-a-second budget is LookupEvents' own.
    pub(crate) fn lake(&self, region: &str) -> aws_sdk_cloudtrail::Client {
        let conf = aws_sdk_cloudtrail::config::Builder::from(&self.sdk)
            .region(Region::new(region.to_string()))
            .build();
        aws_sdk_cloudtrail::Client::from_conf(conf)
    }

    /// The endpoint override, without any userinfo part, for the manifest.
    pub(crate) fn endpoint_for_manifest(url: Option<&str>) -> Option<String> {
        url.map(|u| match (u.find("://"), u.find('@')) {
            (Some(s), Some(at)) if at > s => format!("{}{}", &u[..s + 3], &u[at + 1..]),
            _ => u.to_string(),
        })
    }
}

/// Resolve credentials once, so that "not logged in" is one clear message instead of an error per region, and
/// return the account they belong to if they say. The resolved credentials are dropped at once; the SDK's
/// identity cache resolves its own.
pub(crate) async fn check_credentials(sdk: &SdkConfig, profile: &str) -> Result<Option<String>, FetchError> {
    let Some(provider) = sdk.credentials_provider() else {
        return Err(FetchError::NoCredentials {
            profile: profile.to_string(),
        });
    };
    match provider.provide_credentials().await {
        Ok(creds) => Ok(creds.account_id().map(|a| a.as_str().to_string())),
        Err(e) => Err(credentials_error(&e, profile)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_path_safe() {
        assert!(valid_region("us-east-1"));
        assert!(valid_region("eu-central-2"));
        assert!(!valid_region("../etc"));
        assert!(!valid_region("US-EAST-1"));
        assert!(!valid_region(""));
    }

    #[test]
    fn endpoint_userinfo_is_dropped() {
        assert_eq!(
            Context::endpoint_for_manifest(Some("https://u:p@vpce.example:443")).as_deref(),
            Some("https://vpce.example:443")
        );
        assert_eq!(
            Context::endpoint_for_manifest(Some("http://127.0.0.1:9")).as_deref(),
            Some("http://127.0.0.1:9")
        );
    }
}
