//! Temporary elevated access (TEA) brokers: who a broker's session really was for, and whether it was approved.
//!
//! A broker (AWS's reference temporary elevated access broker, IAM Identity Center TEAM, an in-house one) approves
//! a request, then its own role assumes the privileged role for the requester, naming the session after them
//! (`docs/brokers.md`). Without help the session graph can only say "the broker's Lambda did it". This module
//! adds what the broker knows: sessions a configured broker role created (or, weakly, whose name follows the
//! reference broker's `<requester>-<RoleName>` pattern) get the requester as their origin, with the broker as the
//! hop that granted it; and every session of a broker-managed role is checked against the broker's request log
//! (inside an approved window, for that role and account, by that requester?).
//!
//! The graph is not changed: [`BrokerAnalysis`] is an overlay built from the graph, the configuration and the
//! log, and [`view`] adds its answers to `trace` and `role` outputs. With no broker roles and no log it is empty
//! and every output is exactly what it was without it.

mod analysis;
mod name;
pub mod read;
pub mod request;
pub mod view;

pub use analysis::{Approval, BrokerAnalysis, BrokerLink, Confidence, Grant, SessionBroker};
pub use read::{LogRead, read_log};
pub use request::{LogFormat, Request, RequestSource, RequestStatus};

use crate::core::provenance::IngestError;
use std::path::PathBuf;

/// What the analyst told trailhound about brokers: `--broker-role ARN` (repeatable) and `--broker-log FILE`
/// (repeatable), or the same recorded in the case.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BrokerConfig {
    /// ARNs of the broker's own roles (the callers of the privileged assumptions).
    #[serde(default)]
    pub roles: Vec<String>,
    /// Request logs to read.
    #[serde(default)]
    pub logs: Vec<PathBuf>,
}

impl BrokerConfig {
    /// Nothing configured.
    pub fn is_empty(&self) -> bool {
        self.roles.is_empty() && self.logs.is_empty()
    }

    /// This configuration with `other`'s roles and logs added (each kept once, in order).
    pub fn merged(mut self, other: &BrokerConfig) -> BrokerConfig {
        for r in &other.roles {
            if !self.roles.iter().any(|x| x.eq_ignore_ascii_case(r)) {
                self.roles.push(r.clone());
            }
        }
        for l in &other.logs {
            if !self.logs.contains(l) {
                self.logs.push(l.clone());
            }
        }
        self
    }

    /// Whether `role_arn` is one of the configured broker roles (ARNs compared without regard to case: IAM role
    /// names are unique regardless of case).
    pub fn is_broker_role(&self, role_arn: &str) -> bool {
        self.roles.iter().any(|r| r.eq_ignore_ascii_case(role_arn))
    }
}

/// The configuration and the request logs as read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BrokerContext {
    /// The configuration it was read from.
    pub config: BrokerConfig,
    /// Every request read from every log, in log order.
    pub requests: Vec<crate::core::broker::Request>,
    /// Bad records and unreadable logs (path, index, reason).
    pub errors: Vec<IngestError>,
    /// Bad records past those kept, only counted.
    pub errors_dropped: u64,
}

impl BrokerContext {
    /// Read every log `config` names.
    pub fn load(config: BrokerConfig) -> BrokerContext {
        let mut ctx = BrokerContext {
            config,
            ..Default::default()
        };
        for path in ctx.config.logs.clone() {
            let r = read_log(&path);
            ctx.requests.extend(r.requests);
            ctx.errors.extend(r.errors);
            ctx.errors_dropped += r.errors_dropped;
        }
        ctx
    }

    /// Whether a request log was given (then "no approval" is an answer; without one it is not checked).
    pub fn has_log(&self) -> bool {
        !self.config.logs.is_empty()
    }
}
