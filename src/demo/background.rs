//! Background activity whose density scales with the requested event count: engineers, li, EC2 instances,
//! the orders Lambda, CI deploys, AWS Config and CloudTrail's own service calls. Each actor gets a share of the
//! record budget spread over the days; the last filler makes the total exact.

use super::api::Api;
use super::ids::{self, DEPLOYER_DEV, DEPLOYER_PROD, DEV_ADMIN, GHA_DEPLOY, ORDERS, WEB_APP};
use super::plan::{Actor, Caller, NewSession, Planner, ServiceKind, What};
use super::story::sign_in_steps;

const PEOPLE: [&str; 10] = [
    "alex", "dana", "omar", "priya", "tomas", "mei", "jonas", "ines", "kofi", "lena",
];
const READ_APIS: [Api; 12] = [
    Api::DescribeInstances,
    Api::DescribeSecurityGroups,
    Api::DescribeVolumes,
    Api::ListBuckets,
    Api::GetObject,
    Api::DescribeStacks,
    Api::GetFunction,
    Api::ListFunctions,
    Api::FilterLogEvents,
    Api::LookupEvents,
    Api::GetCallerIdentity,
    Api::ListRoles,
];

/// Plan exactly `budget` more records.
pub fn plan(p: &mut Planner, budget: usize) {
    let end = p.count() + budget;
    let share = |f: f64| (budget as f64 * f) as usize;
    // Actors with natural limits first (one li, people per day); EC2 instances scale without bound, so they take
    // whatever those left unused, and the single-record filler makes the total exact.
    let shares: [(usize, Plan); 5] = [
        (share(0.16), people),
        (share(0.06), li),
        (share(0.12), lambda),
        (share(0.16), ci),
        (share(0.10), config),
    ];
    for (b, f) in shares {
        f(p, b);
    }
    let filler_share = share(0.12);
    instances(p, end.saturating_sub(p.count() + filler_share));
    filler(p, end.saturating_sub(p.count()));
}

type Plan = fn(&mut Planner, usize);

fn days() -> std::ops::RangeInclusive<i64> {
    ids::first_day()..=ids::incident_day()
}

/// Call `day_fn(planner, day, day_budget)` for every day with the budget split by day weight; a day's unused
/// budget rolls over to the next.
fn spread(p: &mut Planner, budget: usize, weekend: f64, mut day_fn: impl FnMut(&mut Planner, i64, usize)) {
    let weight = |d: i64| {
        if ids::is_business_day(d) { 1.0 } else { weekend }
    };
    let total: f64 = days().map(weight).sum();
    let start = p.count();
    let mut cum = 0.0;
    for day in days() {
        cum += weight(day);
        let target = start + (budget as f64 * cum / total).round() as usize;
        let have = p.count();
        if target > have {
            day_fn(p, day, target - have);
        }
    }
}

fn region(p: &mut Planner) -> u8 {
    let r = p.rng.below(100);
    if r < 78 {
        ids::US_EAST_1
    } else if r < 97 {
        ids::US_WEST_2
    } else {
        ids::EU_WEST_1
    }
}

/// Identity Center engineers (alex first) with read-only sessions in prod and dev.
fn people(p: &mut Planner, budget: usize) {
    spread(p, budget, 0.1, |p, day, b| {
        let end = p.count() + b;
        let n_people = (b / 30).clamp(1, 400);
        let per_person = (b / n_people).saturating_sub(6).max(4) as i64;
        for i in 0..n_people {
            let left = end.saturating_sub(p.count());
            if left < 7 {
                break;
            }
            let (actor, name, ip) = match i {
                0 => (Actor::Alex, "alex".to_string(), ids::ALEX_IP.to_string()),
                _ => {
                    let n = i as u16;
                    let name = match PEOPLE.get(i) {
                        Some(n) => n.to_string(),
                        None => format!("eng{i:03}"),
                    };
                    (Actor::Engineer(n), name, ids::engineer_ip(n))
                }
            };
            let t = day * 86_400 + p.rng.range(8 * 3600, 11 * 3600) - ids::pacific_offset(day) * 3600;
            let role = if p.rng.chance(0.5) {
                &ids::RO_SSO_PROD
            } else {
                &ids::RO_SSO_DEV
            };
            let s = p.assume(NewSession {
                actor,
                role,
                name,
                created: t,
                caller: Caller::Saml,
                ip,
                ua: ids::UA_BROWSER,
                region: ids::US_EAST_1,
                duration: 28_800,
                source_identity: None,
                key: None,
            });
            sign_in_steps(p, s, t);
            if p.rng.chance(0.04) {
                let role = if role.account == ids::PROD {
                    &DEPLOYER_PROD
                } else {
                    &DEPLOYER_DEV
                };
                p.push(
                    t + 300,
                    ids::account_index(role.account),
                    ids::US_EAST_1,
                    What::Denied { s, role },
                );
            }
            let left = end.saturating_sub(p.count());
            let calls = (p.rng.range(per_person * 3 / 4, per_person * 5 / 4 + 1) as usize).min(left);
            // Keep every call inside the 8-hour session.
            let gap = (25_200 / calls.max(1) as i64).clamp(60, 900);
            let mut ct = t;
            for _ in 0..calls {
                ct += p.rng.range(20, gap);
                let api = READ_APIS[p.rng.below(READ_APIS.len() as u64) as usize];
                let r = region(p);
                p.call_in(s, ct, api, r);
            }
        }
    });
}

/// li: IAM user with a long-term key (CLI) and console sign-ins that switch into dev-admin.
fn li(p: &mut Planner, budget: usize) {
    let user = p.long_term(Actor::Li, "li", ids::LI_KEY, ids::LI_IP, ids::UA_CLI_ALEX);
    let mut denied_once = false;
    spread(p, budget, 0.05, |p, day, b| {
        let end = p.count() + b;
        let mut t = day * 86_400 + p.rng.range(9 * 3600, 11 * 3600) - ids::pacific_offset(day) * 3600;
        if b >= 8 && p.rng.chance(0.4) {
            let dev = ids::account_index(ids::DEV);
            p.push(t, dev, ids::US_EAST_1, What::ConsoleLogin { s: user });
            let sw = p.assume(NewSession {
                actor: Actor::Li,
                role: &DEV_ADMIN,
                name: "li".into(),
                created: t + 25,
                caller: Caller::ConsoleUser(user),
                ip: ids::LI_IP.into(),
                ua: ids::UA_BROWSER_LI,
                region: ids::US_EAST_1,
                duration: 3600,
                source_identity: None,
                key: None,
            });
            p.push(t + 26, dev, ids::US_EAST_1, What::SwitchRole { s: sw });
            if !denied_once || p.rng.chance(0.05) {
                denied_once = true;
                p.push(
                    t + 40,
                    dev,
                    ids::US_EAST_1,
                    What::Denied {
                        s: sw,
                        role: &DEPLOYER_DEV,
                    },
                );
            }
            for _ in 0..p.rng.range(2, 6).min(end.saturating_sub(p.count()) as i64) {
                t += p.rng.range(30, 600);
                let api = [
                    Api::DescribeInstances,
                    Api::DescribeStacks,
                    Api::GetFunction,
                    Api::DescribeSecurityGroups,
                ][p.rng.below(4) as usize];
                p.call(sw, t, api);
            }
        }
        let calls = end.saturating_sub(p.count()).min(p.rng.range(5, 30) as usize);
        for _ in 0..calls {
            t += p.rng.range(30, 1800);
            let api = [
                Api::DescribeInstances,
                Api::GetFunction,
                Api::ListFunctions,
                Api::FilterLogEvents,
                Api::DescribeStacks,
                Api::GetCallerIdentity,
            ][p.rng.below(6) as usize];
            let r = region(p);
            p.call_in(user, t, api, r);
        }
    });
}

/// EC2 instances with web-app-role: fresh credentials every 6 hours, then S3/SSM/KMS calls from the private IP.
fn instances(p: &mut Planner, budget: usize) {
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
fn lambda(p: &mut Planner, budget: usize) {
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
fn ci(p: &mut Planner, budget: usize) {
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
fn config(p: &mut Planner, budget: usize) {
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
fn filler(p: &mut Planner, n: usize) {
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
