//! One S3 client, for every S3 reader (`-i s3://…` here, query results elsewhere): the standard credential chain
//! (or `--profile`), the lean rustls+ring HTTP client the other services use, the SDK's standard retry strategy
//! (which retries `SlowDown`, 5xx and dropped connections with jittered backoff), a per-attempt timeout, and the
//! endpoint: an explicit URL, else the standard `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL` settings the SDK reads
//! itself. With any endpoint override the client uses path-style addressing (`http://host/bucket/key`): S3-compatible
//! servers and local fakes seldom serve bucket subdomains.

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};

use crate::aws::errors::FetchError;
use crate::aws::{StaticCredentials, Tuning};

/// The region used when neither the options, the profile nor the environment name one. S3 answers a request
/// for a bucket of another region with that bucket's region, and [`super::sync`] follows it.
pub const FALLBACK_REGION: &str = "us-east-1";

/// How to reach S3.
#[derive(Clone, Debug, Default)]
pub struct ClientOptions {
    /// Shared-config profile; `None` = the standard chain's choice (`AWS_PROFILE` or `default`).
    pub profile: Option<String>,
    /// Region to sign for; `None` = the profile's or environment's, else `default_region`, else
    /// [`FALLBACK_REGION`].
    pub region: Option<String>,
    /// The region when neither `region`, the profile nor the environment names one.
    pub default_region: Option<String>,
    /// Endpoint override; `None` = `AWS_ENDPOINT_URL_S3`, then `AWS_ENDPOINT_URL`, then AWS.
    pub endpoint_url: Option<String>,
    /// Bypass the credential chain with these (tests and embedding).
    pub static_credentials: Option<StaticCredentials>,
    pub tuning: Tuning,
}

/// A ready client and what it resolved.
#[derive(Clone, Debug)]
pub struct S3Client {
    pub client: aws_sdk_s3::Client,
    /// The client's configuration (to derive a client for another region).
    config: aws_sdk_s3::Config,
    /// The profile name as the user knows it (for messages).
    pub profile: String,
    /// The region requests are signed for.
    pub region: String,
    /// Whether an endpoint override is in force (and so path-style addressing).
    pub path_style: bool,
}

/// The endpoint override in the environment, as the SDK reads it (service-specific first); empty values and
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` count as none.
fn env_endpoint() -> Option<String> {
    let ignored = std::env::var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").is_ok_and(|v| v.eq_ignore_ascii_case("true"));
    if ignored {
        return None;
    }
    ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.trim().is_empty())
}

/// Build the client and check that credentials resolve (one clear message instead of a failure per request).
pub async fn connect(opts: &ClientOptions) -> Result<S3Client, FetchError> {
    if let Some(r) = &opts.region
        && !crate::aws::config::valid_region(r)
    {
        return Err(FetchError::Invalid(format!("`{r}` is not a region name")));
    }
    let profile = opts
        .profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()))
        .unwrap_or_else(|| "default".to_string());
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https();
    let t = &opts.tuning;
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
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
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = &opts.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(c) = &opts.static_credentials {
        loader = loader.credentials_provider(aws_credential_types::Credentials::new(
            c.access_key_id.clone(),
            c.secret_access_key.clone(),
            c.session_token.clone(),
            None,
            "trailhound-static",
        ));
    }
    let sdk = loader.load().await;
    crate::aws::config::check_credentials(&sdk, &profile).await?;
    let region = sdk
        .region()
        .map(|r| r.to_string())
        .filter(|r| crate::aws::config::valid_region(r))
        .or_else(|| {
            opts.default_region
                .clone()
                .filter(|r| crate::aws::config::valid_region(r))
        })
        .unwrap_or_else(|| FALLBACK_REGION.to_string());
    let path_style = opts.endpoint_url.is_some() || env_endpoint().is_some();
    let conf = aws_sdk_s3::config::Builder::from(&sdk)
        .region(Region::new(region.clone()))
        .force_path_style(path_style)
        .build();
    Ok(S3Client {
        client: aws_sdk_s3::Client::from_conf(conf.clone()),
        config: conf,
        profile,
        region,
        path_style,
    })
}

impl S3Client {
    /// The same client signing for `region` (a bucket's own region, learnt from S3's redirect).
    pub fn in_region(&self, region: &str) -> S3Client {
        let conf = self.config.to_builder().region(Region::new(region.to_string())).build();
        S3Client {
            client: aws_sdk_s3::Client::from_conf(conf.clone()),
            config: conf,
            region: region.to_string(),
            ..self.clone()
        }
    }
}
