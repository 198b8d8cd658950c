//! The baseline a scope is judged against, and the one pass over a profile's events that counts everything the
//! new-behaviour rules need ([`Tally`]).
//!
//! Baseline: the `baseline_days` (default 45) before the scope start. A profile whose first event is fewer than
//! `min_history_days` (default 14) before the scope start is *in training*: nothing is called new. Rates are taken
//! over the *effective* baseline, from the later of the baseline start and the profile's first event, so a profile
//! that appeared ten days into the baseline is not diluted by thirty-five days of silence.

use super::index::{BehaviorIndex, Row};
use super::select::Selection;
use crate::core::geo::travel::TravelRule;
use crate::core::time::{Scope, rfc3339};
use hashbrown::HashMap;
use serde::Serialize;

/// Knobs of the behaviour rules (README "Behaviour analytics" documents each).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BehaviorConfig {
    /// Length of the baseline window before the scope, in days (Detective: 45).
    pub baseline_days: u32,
    /// Fewer days of history than this before the scope: in training.
    pub min_history_days: u32,
    /// Increased volume: at least this many calls of the API in the scope.
    pub min_count: u64,
    /// Increased volume: scope count / (typical count per active window + 1) at least this.
    pub ratio_threshold: f64,
    /// What makes two consecutive calls impossible travel.
    pub travel: TravelRule,
}

impl Default for BehaviorConfig {
    fn default() -> Self {
        BehaviorConfig {
            baseline_days: 45,
            min_history_days: 14,
            min_count: 10,
            ratio_threshold: 5.0,
            travel: TravelRule::default(),
        }
    }
}

/// The baseline of one profile for one scope: the window before it, how much history there is, and whether that is enough.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Baseline {
    /// `[scope.from - baseline_days, scope.from)`.
    pub window: Scope,
    /// Later of the window start and the profile's first event (rates are per this span).
    pub effective_from: i64,
    /// Whole days between the profile's first event and the scope start (0 when none before the scope).
    pub days_of_history: i64,
    /// Less history than `min_history_days`: nothing may be called new yet.
    pub in_training: bool,
}

/// JSON `baseline` block.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct BaselineJson {
    /// Start of the baseline window, RFC 3339 UTC.
    pub from: String,
    /// End of the baseline window (the scope start), RFC 3339 UTC.
    pub to: String,
    /// Where rates start: the later of the window start and the profile's first event, RFC 3339 UTC.
    pub effective_from: String,
    /// Configured length of the window, in days.
    pub days: u32,
    /// Whole days between the profile's first event and the scope start.
    pub days_of_history: i64,
    /// Whether the profile is still in training (too little history to call anything new).
    pub in_training: bool,
    /// "in training: N days of history" when in training.
    pub note: Option<String>,
}

impl Baseline {
    /// The baseline of the profile `sel` for `scope` under `cfg`.
    pub fn compute(sel: &Selection, ix: &BehaviorIndex, scope: Scope, cfg: &BehaviorConfig) -> Baseline {
        let from = scope.from.saturating_sub(cfg.baseline_days as i64 * 86_400);
        let first = sel.first_time(ix).filter(|&t| t < scope.from);
        let days_of_history = first.map_or(0, |t| scope.from.saturating_sub(t) / 86_400);
        Baseline {
            window: Scope::new(from, scope.from),
            effective_from: first.map_or(scope.from, |t| t.max(from)),
            days_of_history,
            in_training: days_of_history < cfg.min_history_days as i64,
        }
    }

    /// The JSON `baseline` block, with a note when in training.
    pub fn json(&self, cfg: &BehaviorConfig) -> BaselineJson {
        BaselineJson {
            from: rfc3339(self.window.from),
            to: rfc3339(self.window.to),
            effective_from: rfc3339(self.effective_from),
            days: cfg.baseline_days,
            days_of_history: self.days_of_history,
            in_training: self.in_training,
            note: self
                .in_training
                .then(|| format!("in training: {} days of history", self.days_of_history)),
        }
    }

    /// Number of scope-length windows in the effective baseline (at least 1).
    pub fn windows(&self, scope: Scope) -> u64 {
        let w = scope.seconds().max(1);
        let span = self.window.to.saturating_sub(self.effective_from).max(0);
        (span as u64).div_ceil(w as u64).max(1)
    }
}

/// Counts of one key (API, address, user agent) in the baseline and in the scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Acc {
    pub base: u64,
    pub scope_ok: u64,
    pub scope_fail: u64,
    /// First and last time seen anywhere in the analysed window (baseline + scope).
    pub first: i64,
    pub last: i64,
    /// First time seen in the scope (`i64::MAX` when not).
    pub first_scope: i64,
}

impl Acc {
    fn new() -> Acc {
        Acc {
            base: 0,
            scope_ok: 0,
            scope_fail: 0,
            first: i64::MAX,
            last: i64::MIN,
            first_scope: i64::MAX,
        }
    }
    pub fn scope(&self) -> u64 {
        self.scope_ok + self.scope_fail
    }
}

/// Accumulators for the dense ids a profile touches: a zeroed slot per global id (calloc, cheap) pointing into
/// a short list of touched ids, so a scan costs two array accesses per event and no hashing.
pub struct Sparse {
    slot: Vec<u32>,
    pub touched: Vec<(u32, Acc)>,
}

impl Sparse {
    fn new(n: usize) -> Sparse {
        Sparse {
            slot: vec![0; n],
            touched: Vec::new(),
        }
    }
    /// The accumulator of `id` and its position in `touched`.
    fn get(&mut self, id: u32) -> (usize, &mut Acc) {
        let i = id as usize;
        if i >= self.slot.len() {
            self.slot.resize(i + 1, 0);
        }
        if self.slot[i] == 0 {
            self.touched.push((id, Acc::new()));
            self.slot[i] = self.touched.len() as u32;
        }
        let at = self.slot[i] as usize - 1;
        (at, &mut self.touched[at].1)
    }
    fn add(&mut self, id: u32, r: &Row, in_scope: bool) -> usize {
        let (at, a) = self.get(id);
        if in_scope {
            if r.failed() {
                a.scope_fail += 1;
            } else {
                a.scope_ok += 1;
            }
            a.first_scope = a.first_scope.min(r.time);
        } else {
            a.base += 1;
        }
        a.first = a.first.min(r.time);
        a.last = a.last.max(r.time);
        at
    }
}

/// Per-API shape of the baseline in scope-length windows (for the increased-volume rule).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WindowStats {
    /// Windows in which the API was called at least once.
    pub active: u64,
    /// Most calls in one window.
    pub max: u64,
}

/// Largest windows × APIs matrix counted densely; beyond it (very short scopes) a hash map.
const DENSE_CELLS: usize = 1 << 22;

/// Calls per (API, window). Window `k` is `[scope.from - (k+1)·w, scope.from - k·w)`. Parts are time-ordered, so
/// each API keeps a *run* (its current window's bounds and count) and only a window change costs a division and a
/// write; a part's open runs are flushed when it ends.
struct WindowCounter {
    from: i64,
    w: i64,
    n_win: usize,
    /// `[local API][window]` when `n_win · APIs` stays under [`DENSE_CELLS`].
    dense: Vec<u32>,
    dense_ok: bool,
    map: HashMap<(usize, i64), u64>,
    /// Per local API: (window, its start, its end, calls so far).
    run: Vec<(i64, i64, i64, u64)>,
    running: Vec<usize>,
}

impl WindowCounter {
    fn new(scope: Scope, n_win: u64, apis: usize) -> WindowCounter {
        let n_win = n_win as usize;
        WindowCounter {
            from: scope.from,
            w: scope.seconds().max(1),
            n_win,
            dense: Vec::new(),
            dense_ok: n_win.saturating_mul(apis.min(256)) <= DENSE_CELLS,
            map: HashMap::new(),
            run: Vec::new(),
            running: Vec::new(),
        }
    }

    #[inline]
    fn add(&mut self, local: usize, t: i64) {
        if local >= self.run.len() {
            self.run.resize(local + 1, (0, i64::MAX, i64::MIN, 0));
        }
        let e = &mut self.run[local];
        if t >= e.1 && t < e.2 {
            e.3 += 1;
            return;
        }
        let old = *e;
        let k = self.from.saturating_sub(1).saturating_sub(t).div_euclid(self.w);
        let start = self.from.saturating_sub(k.saturating_add(1).saturating_mul(self.w));
        *e = (k, start, start.saturating_add(self.w), 1);
        if old.3 > 0 {
            self.flush(local, old.0, old.3);
        } else {
            self.running.push(local);
        }
    }

    fn flush(&mut self, local: usize, k: i64, n: u64) {
        if self.dense_ok && k >= 0 && (k as usize) < self.n_win {
            let need = (local + 1) * self.n_win;
            if self.dense.len() < need {
                self.dense.resize(need, 0);
            }
            let cell = &mut self.dense[local * self.n_win + k as usize];
            *cell = cell.saturating_add(n.min(u32::MAX as u64) as u32);
        } else {
            *self.map.entry((local, k)).or_default() += n;
        }
    }

    fn end_part(&mut self) {
        let running = std::mem::take(&mut self.running);
        for &local in &running {
            let e = self.run[local];
            self.flush(local, e.0, e.3);
            self.run[local] = (0, i64::MAX, i64::MIN, 0);
        }
        self.running = running;
        self.running.clear();
    }

    /// Window statistics per local API.
    fn stats(self, apis: usize) -> Vec<WindowStats> {
        let mut out = vec![WindowStats::default(); apis];
        if self.n_win > 0 {
            for (local, row) in self.dense.chunks(self.n_win).enumerate() {
                if let Some(s) = out.get_mut(local) {
                    for &c in row.iter().filter(|&&c| c > 0) {
                        s.active += 1;
                        s.max = s.max.max(c as u64);
                    }
                }
            }
        }
        for ((local, _), n) in self.map {
            if let Some(s) = out.get_mut(local) {
                s.active += 1;
                s.max = s.max.max(n);
            }
        }
        out
    }
}

/// Everything counted in one pass over `[baseline start, scope end)`.
pub struct Tally {
    pub apis: Sparse,
    pub ips: Sparse,
    pub uas: Sparse,
    /// Dense API id → window statistics (APIs called in the baseline).
    pub windows: HashMap<u32, WindowStats>,
}

impl Tally {
    pub fn count(sel: &Selection, ix: &BehaviorIndex, scope: Scope, base: &Baseline) -> Tally {
        let lo = ix.index_at(base.window.from);
        let mid = ix.index_at(scope.from);
        let hi = ix.index_at(scope.to);
        let mut t = Tally {
            apis: Sparse::new(ix.apis.len()),
            ips: Sparse::new(ix.ips.len()),
            uas: Sparse::new(ix.uas.len()),
            windows: HashMap::new(),
        };
        let mut wc = WindowCounter::new(scope, base.windows(scope), ix.apis.len());
        for part in sel.window(lo, hi) {
            part.for_each(ix, |i, r| {
                let in_scope = i >= mid;
                let local = t.apis.add(r.api_id(), r, in_scope);
                t.ips.add(r.ip, r, in_scope);
                t.uas.add(r.ua, r, in_scope);
                if !in_scope {
                    wc.add(local, r.time);
                }
            });
            wc.end_part();
        }
        for (local, s) in wc.stats(t.apis.touched.len()).into_iter().enumerate() {
            if s.active > 0
                && let Some(&(api, _)) = t.apis.touched.get(local)
            {
                t.windows.insert(api, s);
            }
        }
        t
    }
}
