//! Machine background: EC2 instance-profile sessions, the orders Lambda, GitHub Actions deploys across accounts,
//! AWS Config, and the one-record filler that makes the total exact.

use super::api::Api;
use super::background::{region, spread};
use super::ids::{self, DEPLOYER_DEV, DEPLOYER_PROD, GHA_DEPLOY, ORDERS, WEB_APP};
use super::plan::{Actor, Caller, NewSession, Planner, ServiceKind, What};

/// EC2 instances with web-app-role: fresh credentials every 6 hours, then S3/SSM/KMS calls from the private IP.
pub(super) fn instances(p: &mut Planner, budget: usize) {
    let per_day = budget as f64 / 53.0;
    let n = ((per_day / (4.0 * 40.0)).ceil() as usize).clamp(1, 4000);
    spread(p, budget, 1.0, |p, day, b| {
        let end = p.count() + b;
        let per_session = (b / (n * 4)).max(2);
        for q in 0..4 {
            for i in 0..n {
                let left = end.saturating_sub(p.count());
                if left < 2 {
                    return;
                }
                let t = day * 86_400 + q * 21_600 + ((i as i64 * 137) % 3000) + p.rng.range(0, 60);
                let n16 = i as u16;
                let s = p.assume(NewSession {
                    actor: Actor::Instance(n16),
                    role: &WEB_APP,
                    name: ids::instance_id(n16),
                    created: t,
                    caller: Caller::Service("ec2.amazonaws.com"),
                    ip: ids::instance_ip(n16),
                    ua: ids::UA_JAVA_SDK,
                    region: ids::US_EAST_1,
                    duration: 21_600,
                    source_identity: None,
                    key: None,
                });
                let calls = (per_session as i64 + p.rng.range(-1, 2)).max(1) as usize;
                let calls = calls.min(end.saturating_sub(p.count()));
                for _ in 0..calls {
                    let ct = t + 30 + p.rng.range(0, 21_000);
                    let api = match p.rng.below(20) {
                        0..=7 => Api::GetObject,
                        8..=12 => Api::PutObject,
                        13..=16 => Api::GetParameter,
                        _ => Api::Decrypt,
                    };
                    p.call(s, ct, api);
                }
            }
        }
    });
}

/// The orders-processor Lambda: fresh role credentials per execution environment.
pub(super) fn lambda(p: &mut Planner, budget: usize) {
    spread(p, budget, 0.7, |p, day, b| {
        let end = p.count() + b;
        let envs = (b / 25).max(1);
        for _ in 0..envs {
            let left = end.saturating_sub(p.count());
            if left < 2 {
                return;
            }
            let t = day * 86_400 + p.rng.range(0, 80_000);
            let ip = format!("10.0.2.{}", 10 + p.rng.below(200));
            let s = p.assume(NewSession {
                actor: Actor::Lambda,
                role: &ORDERS,
                name: "orders-processor".into(),
                created: t,
                caller: Caller::Service("lambda.amazonaws.com"),
                ip,
                ua: ids::UA_LAMBDA,
                region: ids::US_EAST_1,
                duration: 43_200,
                source_identity: None,
                key: None,
            });
            let calls = (p.rng.range(10, 40) as usize).min(end.saturating_sub(p.count()));
            let mut ct = t;
            for _ in 0..calls {
                ct += p.rng.range(1, 200);
                let api = match p.rng.below(10) {
                    0..=4 => Api::PutObject,
                    5..=6 => Api::GetObject,
                    7 => Api::GetParameter,
                    _ => Api::Decrypt,
                };
                p.call(s, ct, api);
            }
        }
    });
}

/// GitHub Actions deploys: web identity into gha-deploy (sourceIdentity set), then cross-account hops into the
/// dev and prod deployer roles (logged in both accounts with one sharedEventID).
pub(super) fn ci(p: &mut Planner, budget: usize) {
    spread(p, budget, 0.1, |p, day, b| {
        let end = p.count() + b;
        let runs = (b / 30).max(1);
        for _ in 0..runs {
            if end.saturating_sub(p.count()) < 8 {
                return;
            }
            let run_id = 6_000_000_000 + p.rng.below(900_000_000);
            let ip = ids::runner_ip(p.rng.next_u64());
            // Deploys follow the US working day (15:00–02:00 UTC); none spill past the last day of data.
            let latest = if day == ids::incident_day() { 23 } else { 26 };
            let t = day * 86_400 + p.rng.range(15 * 3600, latest * 3600);
            let gha = p.assume(NewSession {
                actor: Actor::Gha,
                role: &GHA_DEPLOY,
                name: "GitHubActions".into(),
                created: t,
                caller: Caller::WebIdentity,
                ip: ip.clone(),
                ua: ids::UA_GHA,
                region: ids::US_EAST_1,
                duration: 3600,
                source_identity: Some(ids::GH_SUBJECT),
                key: None,
            });
            p.call(gha, t + 4, Api::GetCallerIdentity);
            p.call(gha, t + 9, Api::PutObject);
            let targets: &[&'static ids::RoleDef] = if p.rng.chance(0.6) {
                &[&DEPLOYER_DEV, &DEPLOYER_PROD]
            } else {
                &[&DEPLOYER_DEV]
            };
            let mut ht = t + 15;
            for role in targets {
                let d = p.assume(NewSession {
                    actor: Actor::Deployer,
                    role,
                    name: format!("gha-{run_id}"),
                    created: ht,
                    caller: Caller::Session(gha),
                    ip: ip.clone(),
                    ua: ids::UA_GHA_DEPLOY,
                    region: ids::US_EAST_1,
                    duration: 3600,
                    source_identity: Some(ids::GH_SUBJECT),
                    key: None,
                });
                let mut ct = ht;
                let steps = [
                    Api::DescribeStacks,
                    Api::GetRole,
                    Api::PutObject,
                    Api::CreateChangeSet,
                    Api::DescribeStackEvents,
                    Api::ExecuteChangeSet,
                    Api::DescribeStackEvents,
                    Api::DescribeStackEvents,
                    Api::UpdateFunctionCode,
                    Api::DescribeStacks,
                ];
                for api in steps {
                    if p.count() >= end {
                        break;
                    }
                    ct += p.rng.range(2, 40);
                    p.call(d, ct, api);
                }
                ht = ct + 5;
            }
        }
    });
}

/// AWS Config recording every account's resources through its service-linked role.
pub(super) fn config(p: &mut Planner, budget: usize) {
    spread(p, budget, 1.0, |p, day, b| {
        let end = p.count() + b;
        let roles = [&ids::CONFIG_PROD, &ids::CONFIG_DEV, &ids::CONFIG_TOOLING];
        let rounds = (b / (3 * 12)).max(1);
        for round in 0..rounds {
            for role in roles {
                if end.saturating_sub(p.count()) < 2 {
                    return;
                }
                let region = match round % 7 {
                    6 => ids::EU_WEST_1,
                    3 | 5 => ids::US_WEST_2,
                    _ => ids::US_EAST_1,
                };
                let t = day * 86_400 + p.rng.range(0, 86_000);
                let s = p.assume(NewSession {
                    actor: Actor::Config,
                    role,
                    name: "AWSConfig-Describe".into(),
                    created: t,
                    caller: Caller::Service("config.amazonaws.com"),
                    ip: "config.amazonaws.com".into(),
                    ua: "config.amazonaws.com",
                    region,
                    duration: 900,
                    source_identity: None,
                    key: None,
                });
                let calls = (p.rng.range(6, 16) as usize).min(end.saturating_sub(p.count()));
                let mut ct = t;
                for _ in 0..calls {
                    ct += p.rng.range(1, 20);
                    let api = [
                        Api::DescribeInstances,
                        Api::DescribeSecurityGroups,
                        Api::DescribeVolumes,
                        Api::ListFunctions,
                        Api::GetRole,
                    ][p.rng.below(5) as usize];
                    p.call(s, ct, api);
                }
            }
        }
    });
}

/// CloudTrail's own bucket checks and deliveries, and KMS key rotations: one record each, so the total is exact.
pub(super) fn filler(p: &mut Planner, n: usize) {
    let first = ids::first_day() * 86_400;
    let span = (ids::incident_day() + 1) * 86_400 - first;
    for i in 0..n {
        let t = first + p.rng.range(0, span);
        let kind = if i % 997 == 3 {
            ServiceKind::KmsRotate
        } else if p.rng.chance(0.5) {
            ServiceKind::TrailBucketAcl
        } else {
            ServiceKind::TrailPutObject
        };
        // The organisation trail's bucket lives in prod; key rotation happens in every account.
        let account = match kind {
            ServiceKind::KmsRotate => p.rng.below(3) as u8,
            _ => 0,
        };
        let region = region(p);
        p.push(t, account, region, What::Service(kind));
    }
}
