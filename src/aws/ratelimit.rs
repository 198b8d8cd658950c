//! The LookupEvents rate limit: at most 2 requests in any one second per account and region (the CloudTrail
//! quota, which counts throttled calls too).
//!
//! The limiter sits in the HTTP layer of the CloudTrail client, under the SDK's retry loop, so *every attempt*
//! (first tries, SDK retries, our own outer retries) takes a slot. What AWS counts is when a request *arrives*,
//! and the client cannot see that; it can only see when it sent a request and when the answer came back, and the
//! request certainly arrived in between. So a slot is held from the moment an attempt starts until
//! [`LOOKUP_EVENTS_SLOT_HOLD`] after its answer (or failure, or cancellation): request `n + 2` then starts at
//! least a second after request `n` ended, hence arrives at least a second after request `n` arrived, however
//! late the network delivered `n` (a first request pays for DNS, TCP and TLS; spacing by send time alone let
//! three requests land within 0.7 s). The price is that latency slows the rate below 2/s; the quota is kept.
//!
//! Limiters live for the whole process and are keyed by [`LimitKey`] (account and region), so regions fetched
//! at the same time each have their own, and two fetches of the same account in one process share one. Another
//! process is not seen (AWS's throttling answers, which are retried, are the backstop there).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// LookupEvents requests allowed per account and region in any one second.
pub const LOOKUP_EVENTS_PER_SECOND: usize = 2;

/// How long after an attempt ends its slot stays taken: the quota's second plus a 10 % margin for the
/// difference between our clock and AWS's.
pub const LOOKUP_EVENTS_SLOT_HOLD: Duration = Duration::from_millis(1100);

/// Whose quota a request counts against.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct LimitKey {
    /// The account id when the credentials name it (SSO, `aws_account_id`, credential processes); otherwise
    /// the profile, which stands for one account.
    pub account: AccountScope,
    pub region: String,
    /// An endpoint override: a different service instance (a proxy, a test endpoint) whose quota trailhound
    /// cannot relate to AWS's.
    pub endpoint: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum AccountScope {
    Account(String),
    Profile(String),
}

/// One slot pool per key, for the whole process.
static LIMITERS: LazyLock<Mutex<HashMap<LimitKey, Arc<Semaphore>>>> = LazyLock::new(Mutex::default);

/// The slot pool of `key`.
pub(crate) fn limiter(key: LimitKey) -> Arc<Semaphore> {
    // A poisoned map only means another task panicked mid-insert; the map itself is still usable.
    let mut map = LIMITERS.lock().unwrap_or_else(|p| p.into_inner());
    map.entry(key)
        .or_insert_with(|| Arc::new(Semaphore::new(LOOKUP_EVENTS_PER_SECOND)))
        .clone()
}

/// A taken slot: returned to its pool [`LOOKUP_EVENTS_SLOT_HOLD`] after it is dropped, which happens when the
/// attempt ends in any way (answer, error, timeout, cancellation).
struct Slot {
    permit: Option<OwnedSemaphorePermit>,
    hold: Duration,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let Some(permit) = self.permit.take() else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                let hold = self.hold;
                rt.spawn(async move {
                    tokio::time::sleep(hold).await;
                    drop(permit);
                });
            }
            // No runtime left means no request can follow; the permit goes with the pool.
            Err(_) => drop(permit),
        }
    }
}

/// Wait for a free slot of `pool` (first come, first served).
async fn take(pool: Arc<Semaphore>, hold: Duration) -> Option<Slot> {
    // The pools are never closed, so this does not fail; if it did, going on unlimited would be wrong, and the
    // caller turns `None` into a failed attempt.
    let permit = pool.acquire_owned().await.ok()?;
    Some(Slot {
        permit: Some(permit),
        hold,
    })
}

/// An HTTP client whose connectors take a slot of one pool for each request.
#[derive(Debug, Clone)]
pub(crate) struct RateLimitedClient {
    inner: SharedHttpClient,
    pool: Arc<Semaphore>,
}

impl RateLimitedClient {
    pub(crate) fn wrap(inner: SharedHttpClient, key: LimitKey) -> SharedHttpClient {
        SharedHttpClient::new(Self {
            inner,
            pool: limiter(key),
        })
    }
}

impl HttpClient for RateLimitedClient {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(RateLimitedConnector {
            inner: self.inner.http_connector(settings, components),
            pool: self.pool.clone(),
        })
    }

    fn connector_metadata(&self) -> Option<aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata> {
        self.inner.connector_metadata()
    }
}

#[derive(Debug)]
struct RateLimitedConnector {
    inner: SharedHttpConnector,
    pool: Arc<Semaphore>,
}

impl HttpConnector for RateLimitedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        let pool = self.pool.clone();
        HttpConnectorFuture::new(async move {
            let Some(_slot) = take(pool, LOOKUP_EVENTS_SLOT_HOLD).await else {
                return Err(aws_smithy_runtime_api::client::result::ConnectorError::other(
                    "the LookupEvents rate limiter is closed".into(),
                    None,
                ));
            };
            // `_slot` lives until the answer is here (or this future is dropped): only then does its hold start.
            inner.call(request).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    fn key(account: &str, region: &str) -> LimitKey {
        LimitKey {
            account: AccountScope::Account(account.into()),
            region: region.into(),
            endpoint: None,
        }
    }

    /// Attempts of different lengths through one pool: attempt n+2 never starts before attempt n ended plus the
    /// hold, whatever the attempts' durations (a property of the order of events, not of the machine's speed).
    #[tokio::test]
    async fn a_slot_is_free_again_only_a_hold_after_its_attempt_ended() {
        let pool = Arc::new(Semaphore::new(LOOKUP_EVENTS_PER_SECOND));
        let hold = Duration::from_millis(200);
        let lengths = [120u64, 0, 50, 0, 0, 80];
        let spans = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for (i, ms) in lengths.into_iter().enumerate() {
            let (pool, spans) = (pool.clone(), spans.clone());
            tasks.push(tokio::spawn(async move {
                let slot = take(pool, hold).await.unwrap();
                let start = Instant::now();
                tokio::time::sleep(Duration::from_millis(ms)).await;
                let end = Instant::now();
                drop(slot);
                spans.lock().unwrap().push((i, start, end));
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let mut spans = spans.lock().unwrap().clone();
        spans.sort_by_key(|s| s.1);
        assert_eq!(spans.len(), lengths.len());
        for n in 0..spans.len() - 2 {
            let ended: Vec<Instant> = spans[..=n + 1].iter().map(|s| s.2).collect();
            // Of the attempts that started before n+2, all but one must have ended a hold earlier.
            let freed = ended.iter().filter(|e| **e + hold <= spans[n + 2].1).count();
            assert!(freed > n, "attempt {} started too early: {spans:?}", n + 2);
        }
    }

    #[test]
    fn one_pool_per_account_and_region() {
        assert!(Arc::ptr_eq(
            &limiter(key("111122223333", "us-east-1")),
            &limiter(key("111122223333", "us-east-1"))
        ));
        assert!(!Arc::ptr_eq(
            &limiter(key("111122223333", "us-east-1")),
            &limiter(key("111122223333", "eu-west-1"))
        ));
        assert!(!Arc::ptr_eq(
            &limiter(key("111122223333", "us-east-1")),
            &limiter(key("444455556666", "us-east-1"))
        ));
        let by_profile = LimitKey {
            account: AccountScope::Profile("111122223333".into()),
            ..key("x", "us-east-1")
        };
        assert!(!Arc::ptr_eq(
            &limiter(by_profile),
            &limiter(key("111122223333", "us-east-1"))
        ));
    }
}
