//! The plan: every role session (who, which role, key, when, from where) and every record to write, as compact
//! specs. Planning is sequential and cheap; rendering the specs into JSON happens per file, in parallel.
//!
//! Sessions own the values that must agree across records (access key, creation time, request/shared event
//! ids of an assumption), so the session graph built from the output links exactly as the story says.

use super::api::Api;
use super::ids::{self, RoleDef};
use super::rng::{KEY_CHARS, Rng};

/// Who a session belongs to; drives user agents, resources and call mix when rendering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    Sara,
    Alex,
    Engineer(u16),
    Li,
    Instance(u16),
    Lambda,
    Gha,
    Deployer,
    Vendor,
    Config,
}

/// Who performed the assumption that created a session.
#[derive(Clone, Copy, Debug)]
pub enum Caller {
    /// A long-term identity (IAM user access key): no assumption record.
    None,
    /// An IAM Identity Center user through the SSO SAML provider.
    Saml,
    /// GitHub Actions OIDC.
    WebIdentity,
    /// An AWS service (`ec2.amazonaws.com`, …).
    Service(&'static str),
    /// Another role session (role chaining, possibly cross-account).
    Session(u32),
    /// A console user switching role (the IAM user's long-term session index).
    ConsoleUser(u32),
    /// An account whose logs are not loaded.
    External {
        account: &'static str,
        principal: &'static str,
    },
}

#[derive(Clone, Debug)]
pub struct Session {
    pub actor: Actor,
    /// `None` for an IAM user's long-term key.
    pub role: Option<&'static RoleDef>,
    /// Role session name, or the IAM user name.
    pub name: String,
    pub key: String,
    pub created: i64,
    pub caller: Caller,
    pub source_identity: Option<&'static str>,
    pub ip: String,
    pub ua: &'static str,
    pub region: u8,
    pub duration: i64,
    pub request_id: String,
    pub shared_event_id: Option<String>,
    pub mfa: bool,
    /// Seed of the session token blob and of sign-in workflow ids.
    pub token: u64,
}

impl Session {
    pub fn account(&self) -> &'static str {
        match self.role {
            Some(r) => r.account,
            None => ids::DEV,
        }
    }
    pub fn principal_id(&self) -> String {
        match self.role {
            Some(r) => format!("{}:{}", r.id, self.name),
            None => ids::LI_PRINCIPAL.to_string(),
        }
    }
}

/// Which copy of an assumption a record is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The only copy (same-account, service, or the other side's logs are not loaded).
    Only,
    /// The caller's account's copy of a cross-account assumption.
    Caller,
    /// The role owner's account's copy (caller shown as `AWSAccount`).
    Owner,
}

#[derive(Clone, Copy, Debug)]
pub enum ServiceKind {
    /// `cloudtrail.amazonaws.com` checking the log bucket ACL.
    TrailBucketAcl,
    /// `cloudtrail.amazonaws.com` delivering a log object (a data event).
    TrailPutObject,
    /// KMS automatic key rotation (`AwsServiceEvent`).
    KmsRotate,
}

#[derive(Clone, Copy, Debug)]
pub enum What {
    Assume {
        s: u32,
        side: Side,
    },
    Denied {
        s: u32,
        role: &'static RoleDef,
    },
    Call {
        s: u32,
        api: Api,
        variant: u8,
        fail: bool,
    },
    /// IAM Identity Center sign-in step 0..=3 ahead of session `s`'s SAML assumption.
    SignIn {
        s: u32,
        step: u8,
    },
    ConsoleLogin {
        s: u32,
    },
    SwitchRole {
        s: u32,
    },
    Service(ServiceKind),
}

#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub time: i64,
    pub account: u8,
    pub region: u8,
    pub what: What,
}

/// Options of one assumption (the fields that vary between actors).
pub struct NewSession {
    pub actor: Actor,
    pub role: &'static RoleDef,
    pub name: String,
    pub created: i64,
    pub caller: Caller,
    pub ip: String,
    pub ua: &'static str,
    pub region: u8,
    pub duration: i64,
    pub source_identity: Option<&'static str>,
    pub key: Option<&'static str>,
}

pub struct Planner {
    pub rng: Rng,
    pub sessions: Vec<Session>,
    pub specs: Vec<Spec>,
    /// Probability that a background call fails.
    pub error_rate: f64,
}

impl Planner {
    pub fn new(seed: u64) -> Planner {
        Planner {
            rng: Rng::derive(seed, &[0x504c_414e]),
            sessions: Vec::new(),
            specs: Vec::new(),
            error_rate: 0.04,
        }
    }

    pub fn fresh_key(&mut self) -> String {
        format!("ASIA{}", self.rng.chars(KEY_CHARS, 16))
    }

    /// Create a role session and push its assumption record(s). Returns the session index.
    pub fn assume(&mut self, n: NewSession) -> u32 {
        let key = match n.key {
            Some(k) => k.to_string(),
            None => self.fresh_key(),
        };
        let idx = self.sessions.len() as u32;
        let owner = ids::account_index(n.role.account);
        let cross_parent = match n.caller {
            Caller::Session(p) => self
                .sessions
                .get(p as usize)
                .map(|ps| ps.account())
                .filter(|a| *a != n.role.account),
            _ => None,
        };
        let shared = match n.caller {
            Caller::External { .. } | Caller::Service(_) => true,
            _ => cross_parent.is_some(),
        };
        let session = Session {
            actor: n.actor,
            role: Some(n.role),
            name: n.name,
            key,
            created: n.created,
            caller: n.caller,
            source_identity: n.source_identity,
            ip: n.ip,
            ua: n.ua,
            region: n.region,
            duration: n.duration,
            request_id: self.rng.uuid(),
            shared_event_id: if shared { Some(self.rng.uuid()) } else { None },
            mfa: matches!(n.caller, Caller::ConsoleUser(_)),
            token: self.rng.next_u64(),
        };
        // STS calls go to the global endpoint (logged in us-east-1) unless the caller is regional.
        let region = if matches!(n.caller, Caller::Service(_)) {
            n.region
        } else {
            ids::US_EAST_1
        };
        self.sessions.push(session);
        match cross_parent {
            Some(caller_account) => {
                let ca = ids::account_index(caller_account);
                self.push(
                    n.created,
                    ca,
                    region,
                    What::Assume {
                        s: idx,
                        side: Side::Caller,
                    },
                );
                self.push(
                    n.created,
                    owner,
                    region,
                    What::Assume {
                        s: idx,
                        side: Side::Owner,
                    },
                );
            }
            None => self.push(
                n.created,
                owner,
                region,
                What::Assume {
                    s: idx,
                    side: Side::Only,
                },
            ),
        }
        idx
    }

    /// A long-term IAM user "session" (no assumption record).
    pub fn long_term(&mut self, actor: Actor, name: &str, key: &str, ip: &str, ua: &'static str) -> u32 {
        let idx = self.sessions.len() as u32;
        let token = self.rng.next_u64();
        self.sessions.push(Session {
            actor,
            role: None,
            name: name.to_string(),
            key: key.to_string(),
            created: 0,
            caller: Caller::None,
            source_identity: None,
            ip: ip.to_string(),
            ua,
            region: ids::US_EAST_1,
            duration: 0,
            request_id: String::new(),
            shared_event_id: None,
            mfa: false,
            token,
        });
        idx
    }

    pub fn push(&mut self, time: i64, account: u8, region: u8, what: What) {
        self.specs.push(Spec {
            time,
            account,
            region,
            what,
        });
    }

    fn session_place(&self, s: u32, api: Api) -> (u8, u8) {
        let (account, region) = self
            .sessions
            .get(s as usize)
            .map(|x| (ids::account_index(x.account()), x.region))
            .unwrap_or((0, 0));
        // IAM and the global STS endpoint log in us-east-1.
        (account, if api.is_global() { ids::US_EAST_1 } else { region })
    }

    /// A call signed by session `s`, failing at the background error rate.
    pub fn call(&mut self, s: u32, t: i64, api: Api) {
        let fail = self.rng.chance(self.error_rate);
        self.call_exact(s, t, api, 0, fail);
    }

    /// A call with a fixed variant and outcome (the story's records).
    pub fn call_exact(&mut self, s: u32, t: i64, api: Api, variant: u8, fail: bool) {
        let (account, region) = self.session_place(s, api);
        self.push(t, account, region, What::Call { s, api, variant, fail });
    }

    /// A call in an explicit region (sessions that work in several regions).
    pub fn call_in(&mut self, s: u32, t: i64, api: Api, region: u8) {
        let fail = self.rng.chance(self.error_rate);
        let (account, r) = self.session_place(s, api);
        let region = if api.is_global() { r } else { region };
        self.push(
            t,
            account,
            region,
            What::Call {
                s,
                api,
                variant: 0,
                fail,
            },
        );
    }

    pub fn count(&self) -> usize {
        self.specs.len()
    }
}
