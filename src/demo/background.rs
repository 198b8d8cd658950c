//! Background activity whose density scales with the requested event count: engineers, li, EC2 instances,
//! the orders Lambda, CI deploys, AWS Config and CloudTrail's own service calls. Each actor gets a share of the
//! record budget spread over the days; the last filler makes the total exact.

use super::api::Api;
use super::ids::{self, DEPLOYER_DEV, DEPLOYER_PROD, DEV_ADMIN};
use super::plan::{Actor, Caller, NewSession, Planner, What};
use super::story::sign_in_steps;
use super::workloads;

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
        (share(0.12), workloads::lambda),
        (share(0.16), workloads::ci),
        (share(0.10), workloads::config),
    ];
    for (b, f) in shares {
        f(p, b);
    }
    let filler_share = share(0.12);
    workloads::instances(p, end.saturating_sub(p.count() + filler_share));
    workloads::filler(p, end.saturating_sub(p.count()));
}

type Plan = fn(&mut Planner, usize);

fn days() -> std::ops::RangeInclusive<i64> {
    ids::first_day()..=ids::incident_day()
}

/// Call `day_fn(planner, day, day_budget)` for every day with the budget split by day weight; a day's unused
/// budget rolls over to the next.
pub(super) fn spread(p: &mut Planner, budget: usize, weekend: f64, mut day_fn: impl FnMut(&mut Planner, i64, usize)) {
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

pub(super) fn region(p: &mut Planner) -> u8 {
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
