//! The scenario's fixed story (samples/SCENARIO.md): sara's weeks of normal work, the incident on 2026-11-05
//! and the outside vendor's use of the access it opened. Always present, whatever the event count.

use super::api::Api;
use super::ids::{self, ADMIN_SSO, DEMO_ROLE1, VENDOR_AUDIT, at};
use super::plan::{Actor, Caller, NewSession, Planner, What};

const SARA_BASELINE_APIS: [Api; 8] = [
    Api::DescribeInstances,
    Api::ListBuckets,
    Api::GetObject,
    Api::DescribeTrails,
    Api::LookupEvents,
    Api::GetCallerIdentity,
    Api::ListRoles,
    Api::FilterLogEvents,
];

/// Identity Center sign-in (4 records) ending a few seconds before `t`, then sara's SAML assumption.
fn sara_signs_in(p: &mut Planner, t: i64, ip: &str, key: Option<&'static str>) -> u32 {
    let s = p.assume(NewSession {
        actor: Actor::Sara,
        role: &ADMIN_SSO,
        name: "sara".into(),
        created: t,
        caller: Caller::Saml,
        ip: ip.into(),
        ua: ids::UA_BROWSER,
        region: ids::US_EAST_1,
        duration: 28_800,
        source_identity: None,
        key,
    });
    sign_in_steps(p, s, t);
    s
}

/// CredentialChallenge, CredentialVerification, UserAuthentication, Federate — before the assumption at `t`.
pub fn sign_in_steps(p: &mut Planner, s: u32, t: i64) {
    let account = ids::account_index(ids::PROD);
    for (step, before) in [(0u8, 52), (1, 41), (2, 41), (3, 6)] {
        p.push(t - before, account, ids::US_EAST_1, What::SignIn { s, step });
    }
}

/// sara's history: most business days one SSO session, about twice a week a hop into DemoRole1 that only
/// describes instances (so the incident's calls are new for "DemoRole1 / sara").
pub fn sara_baseline(p: &mut Planner) {
    for day in ids::first_day()..ids::incident_day() {
        if !ids::is_business_day(day) || !p.rng.chance(0.85) {
            continue;
        }
        let local_start = p.rng.range(8 * 3600 + 1800, 10 * 3600 + 1800);
        let t = day * 86_400 + local_start - ids::pacific_offset(day) * 3600;
        let ip = if p.rng.chance(0.2) {
            ids::SARA_ASHBURN_IP
        } else {
            ids::SARA_HOME_IPS[p.rng.below(2) as usize]
        };
        let admin = sara_signs_in(p, t, ip, None);
        let calls = p.rng.range(3, 10);
        let mut ct = t;
        for _ in 0..calls {
            ct += p.rng.range(60, 2400);
            let api = SARA_BASELINE_APIS[p.rng.below(SARA_BASELINE_APIS.len() as u64) as usize];
            p.call(admin, ct, api);
        }
        if p.rng.chance(0.4) {
            let ht = t + p.rng.range(3600, 4 * 3600);
            let demo = p.assume(NewSession {
                actor: Actor::Sara,
                role: &DEMO_ROLE1,
                name: "sara".into(),
                created: ht,
                caller: Caller::Session(admin),
                ip: ip.into(),
                ua: ids::UA_CLI,
                region: ids::US_EAST_1,
                duration: 3600,
                source_identity: None,
                key: None,
            });
            let mut dt = ht;
            for _ in 0..p.rng.range(1, 4) {
                dt += p.rng.range(30, 900);
                p.call(demo, dt, Api::DescribeInstances);
            }
        }
    }
}

/// 2026-11-05: StopLogging, the hop into DemoRole1, the denied and allowed policy writes, the trust change.
pub fn incident(p: &mut Planner) {
    let home = ids::SARA_HOME_IPS[0];
    let admin = sara_signs_in(p, at(2026, 11, 5, 14, 5, 12), home, Some(ids::SARA_INCIDENT_KEY));
    p.call_exact(admin, at(2026, 11, 5, 14, 5, 40), Api::GetCallerIdentity, 0, false);
    p.call_exact(admin, at(2026, 11, 5, 14, 9, 55), Api::DescribeTrails, 0, false);
    p.call_exact(admin, at(2026, 11, 5, 14, 12, 7), Api::StopLogging, 0, false);
    let demo = p.assume(NewSession {
        actor: Actor::Sara,
        role: &DEMO_ROLE1,
        name: "sara".into(),
        created: at(2026, 11, 5, 14, 20, 31),
        caller: Caller::Session(admin),
        ip: home.into(),
        ua: ids::UA_CLI,
        region: ids::US_EAST_1,
        duration: 3600,
        source_identity: None,
        key: Some(ids::DEMO_ROLE1_INCIDENT_KEY),
    });
    p.call_exact(demo, at(2026, 11, 5, 14, 22, 4), Api::DescribeInstances, 0, false);
    p.call_exact(demo, at(2026, 11, 5, 14, 25, 40), Api::RunInstances, 0, false);
    p.call_exact(demo, at(2026, 11, 5, 14, 31, 2), Api::AttachRolePolicy, 0, true);
    p.call_exact(demo, at(2026, 11, 5, 14, 33, 15), Api::AttachRolePolicy, 1, false);
    p.call_exact(demo, at(2026, 11, 5, 14, 40, 9), Api::UpdateAssumeRolePolicy, 0, false);
    p.call_exact(demo, at(2026, 11, 5, 14, 48, 53), Api::DescribeInstances, 0, false);
}

/// 16:02:44 the vendor account assumes vendor-audit (logged only in 111122223333) and reads customer data.
pub fn vendor(p: &mut Planner) {
    let start = at(2026, 11, 5, 16, 2, 44);
    let s = p.assume(NewSession {
        actor: Actor::Vendor,
        role: &VENDOR_AUDIT,
        name: "audit".into(),
        created: start,
        caller: Caller::External {
            account: ids::VENDOR,
            principal: ids::VENDOR_PRINCIPAL,
        },
        ip: ids::VENDOR_IP.into(),
        ua: ids::UA_PYTHON_REQUESTS,
        region: ids::US_EAST_1,
        duration: 3600,
        source_identity: None,
        key: Some(ids::VENDOR_KEY),
    });
    p.call_exact(s, start + 31, Api::ListBuckets, 0, false);
    let mut t = start + 58;
    for _ in 0..40 {
        t += p.rng.range(4, 25);
        p.call_exact(s, t, Api::GetObject, 0, false);
    }
    p.call_exact(s, t + 47, Api::ListRoles, 0, false);
}
