//! Which prefixes to list for a load window, and which listed objects to fetch.
//!
//! The walk starts at the URL's prefix and goes down CloudTrail's layout (`docs/cloudtrail-layout.md`) one level
//! at a time with a `/` delimiter, every prefix of a level listed in parallel: accounts, organisation ids and
//! regions are discovered from the listing, each folder is kept only when `core::ingest::window::LoadWindow`
//! admits it (so `--account` / `--region` prune here exactly as on disk), and under an account folder only
//! `CloudTrail/` is followed (digests, Config or load-balancer logs in the same bucket are not event data). Once a
//! region folder is reached and the window is bounded, its day folders are not listed at all: the window's own
//! delivery days become prefixes (`…/<region>/YYYY/MM/DD/`), each listed in full. Every object is then checked
//! against the window by its name (delivery stamp, account, region): an object outside it is never requested.

use std::path::Path;

use crate::core::ingest::LoadWindow;

use super::list::Object;

/// Day folders generated per region at most; a longer window lists the year and month folders instead.
pub const MAX_DAY_PREFIXES: usize = 400;

/// What to do with one prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// List with a delimiter and look at the folders it holds.
    Walk(String),
    /// List everything under it (a day folder): only objects are expected.
    Day(String),
}

impl Step {
    pub fn prefix(&self) -> &str {
        match self {
            Step::Walk(p) | Step::Day(p) => p,
        }
    }
}

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The folder's components (a `…/` prefix).
fn parts(folder: &str) -> Vec<&str> {
    folder.trim_end_matches('/').split('/').collect()
}

/// Whether a listed sub-folder deserves a look: not under an account unless it is `CloudTrail/`, and admitted by
/// the window's account, region and date rules.
fn follow(folder: &str, window: &LoadWindow) -> bool {
    let p = parts(folder);
    if p.len() >= 2 && is_account(p[p.len() - 2]) && p[p.len() - 1] != "CloudTrail" {
        return false;
    }
    window.admits_path(Path::new(folder)).is_ok()
}

/// The region folder (`…/CloudTrail/<region>/`) a folder is, if it is one.
fn is_region_folder(folder: &str) -> bool {
    let p = parts(folder);
    p.len() >= 2 && p[p.len() - 2] == "CloudTrail" && crate::aws::config::valid_region(p[p.len() - 1])
}

/// The next steps after listing `folder` with a delimiter and finding `subfolders` in it.
pub fn next_steps(subfolders: &[String], window: &LoadWindow) -> Vec<Step> {
    let days = window.delivery_day_folders(MAX_DAY_PREFIXES);
    let mut out = Vec::new();
    for f in subfolders.iter().filter(|f| follow(f, window)) {
        match (&days, is_region_folder(f)) {
            (Some(days), true) => out.extend(
                days.iter()
                    .map(|d| Step::Day(format!("{f}{d}/")))
                    .filter(|s| window.admits_path(Path::new(s.prefix())).is_ok()),
            ),
            _ => out.push(Step::Walk(f.clone())),
        }
    }
    out
}

/// The first step for the URL's prefix: a region folder goes straight to its days.
pub fn first_steps(prefix: &str, window: &LoadWindow) -> Vec<Step> {
    if prefix.ends_with('/') && is_region_folder(prefix) {
        let steps = next_steps(&[prefix.to_string()], window);
        if !steps.is_empty() || window.delivery_day_folders(MAX_DAY_PREFIXES).is_some() {
            return steps;
        }
    }
    vec![Step::Walk(prefix.to_string())]
}

/// Whether a listed object is worth fetching: the window admits its key, and it is not a folder marker.
pub fn wanted(o: &Object, window: &LoadWindow) -> bool {
    !o.key.ends_with('/') && window.admits_path(Path::new(&o.key)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> i64 {
        s.parse::<jiff::Timestamp>().unwrap().as_second()
    }

    fn window() -> LoadWindow {
        LoadWindow {
            from: Some(at("2026-11-05T00:30:00Z")),
            to: Some(at("2026-11-05T12:00:00Z")),
            ..Default::default()
        }
    }

    #[test]
    fn region_folders_become_the_windows_days() {
        let found = [
            "AWSLogs/111122223333/CloudTrail/us-east-1/".to_string(),
            "AWSLogs/111122223333/CloudTrail/eu-west-1/".to_string(),
        ];
        let steps = next_steps(&found, &window());
        let prefixes: Vec<&str> = steps.iter().map(Step::prefix).collect();
        assert_eq!(
            prefixes,
            [
                "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/04/",
                "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/05/",
                "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/06/",
                "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/04/",
                "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/05/",
                "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/06/",
            ]
        );
        assert!(steps.iter().all(|s| matches!(s, Step::Day(_))));
        // Unbounded: the region folder is walked (years, months, days listed and pruned by date).
        let open = next_steps(&found[..1], &LoadWindow::default());
        assert_eq!(open, [Step::Walk(found[0].clone())]);
    }

    #[test]
    fn only_cloudtrail_under_an_account_and_the_windows_accounts_and_regions() {
        let w = LoadWindow {
            accounts: vec!["111122223333".into()],
            regions: vec!["eu-west-1".into()],
            ..window()
        };
        let found: Vec<String> = [
            "AWSLogs/111122223333/CloudTrail/",
            "AWSLogs/111122223333/CloudTrail-Digest/",
            "AWSLogs/111122223333/Config/",
            "AWSLogs/444455556666/CloudTrail/",
            "AWSLogs/111122223333/CloudTrail/us-east-1/",
            "AWSLogs/o-abc123/",
        ]
        .map(String::from)
        .to_vec();
        let steps = next_steps(&found, &w);
        assert_eq!(
            steps,
            [
                Step::Walk("AWSLogs/111122223333/CloudTrail/".into()),
                Step::Walk("AWSLogs/o-abc123/".into())
            ]
        );
        assert_eq!(
            first_steps("AWSLogs/111122223333/CloudTrail/eu-west-1/", &w).len(),
            3,
            "a region prefix goes straight to its days"
        );
    }
}
