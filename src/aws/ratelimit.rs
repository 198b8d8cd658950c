//! The LookupEvents rate limit: at most 2 requests per second per account and region (the CloudTrail quota).
//!
//! The limiter sits in the HTTP layer of the CloudTrail client, under the SDK's retry loop, so *every attempt*
//! (first tries, SDK retries, our own outer retries) waits for its slot: an SDK retry 0.1 s after a throttle would
//! otherwise break the quota exactly when AWS is already pushing back. Slots are spaced evenly and measured from
//! the start of each request; spacing (rather than a bucket allowing bursts of 2) keeps any one-second window at 2
//! even when network jitter shifts arrivals a little.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use tokio::time::Instant;

/// Minimum time between the starts of two LookupEvents requests for one account and region: 2 per second, plus
/// a 10 % margin for clock and network jitter.
pub const LOOKUP_EVENTS_MIN_SPACING: Duration = Duration::from_millis(550);

/// One slot queue per key (profile + region): the next instant a request may start.
#[derive(Debug, Default)]
pub(crate) struct Limiters {
    slots: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<Instant>>>>>,
}

impl Limiters {
    fn slot(&self, key: &str) -> Arc<tokio::sync::Mutex<Option<Instant>>> {
        // A poisoned map only means another task panicked mid-insert; the map itself is still usable.
        let mut map = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(key.to_string()).or_default().clone()
    }
}

/// Wait for the next slot of `slot`, then book it.
async fn acquire(slot: &tokio::sync::Mutex<Option<Instant>>, spacing: Duration) {
    // Holding the async lock while sleeping serialises waiters in arrival order.
    let mut last = slot.lock().await;
    if let Some(prev) = *last {
        tokio::time::sleep_until(prev + spacing).await;
    }
    *last = Some(Instant::now());
}

/// An HTTP client whose connectors wait for a rate-limit slot before sending each request.
#[derive(Debug, Clone)]
pub(crate) struct RateLimitedClient {
    inner: SharedHttpClient,
    limiters: Arc<Limiters>,
    key: String,
    spacing: Duration,
}

impl RateLimitedClient {
    pub(crate) fn wrap(inner: SharedHttpClient, limiters: Arc<Limiters>, key: String) -> SharedHttpClient {
        SharedHttpClient::new(Self {
            inner,
            limiters,
            key,
            spacing: LOOKUP_EVENTS_MIN_SPACING,
        })
    }
}

impl HttpClient for RateLimitedClient {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(RateLimitedConnector {
            inner: self.inner.http_connector(settings, components),
            slot: self.limiters.slot(&self.key),
            spacing: self.spacing,
        })
    }

    fn connector_metadata(&self) -> Option<aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata> {
        self.inner.connector_metadata()
    }
}

#[derive(Debug)]
struct RateLimitedConnector {
    inner: SharedHttpConnector,
    slot: Arc<tokio::sync::Mutex<Option<Instant>>>,
    spacing: Duration,
}

impl HttpConnector for RateLimitedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        let slot = self.slot.clone();
        let spacing = self.spacing;
        HttpConnectorFuture::new(async move {
            acquire(&slot, spacing).await;
            inner.call(request).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn slots_are_spaced_from_request_start() {
        let limiters = Limiters::default();
        let slot = limiters.slot("default/us-east-1");
        let t0 = Instant::now();
        let mut starts = Vec::new();
        for _ in 0..3 {
            acquire(&slot, LOOKUP_EVENTS_MIN_SPACING).await;
            starts.push(Instant::now() - t0);
        }
        for w in starts.windows(2) {
            assert!(w[1] - w[0] >= LOOKUP_EVENTS_MIN_SPACING, "{starts:?}");
        }
        // Another key has its own queue.
        let other = limiters.slot("default/us-west-2");
        assert!(!Arc::ptr_eq(&slot, &other));
        assert!(Arc::ptr_eq(&slot, &limiters.slot("default/us-east-1")));
    }
}
