//! Reading rule files: the built-in set, files and folders the user names. Every rule that cannot run is a
//! [`Problem`] with its file and reason and the rest are kept; rule files are hostile input, so each is bounded
//! before the YAML parser sees it (size), and after (regular expression length, condition and detection depth)
//! before the engine compiles it.
//!
//! Only rules for CloudTrail (`logsource: {product: aws, service: cloudtrail}`) are kept; others are counted as
//! skipped. Correlations are resolved to the detection rules they name once every file is read.

use super::attack::attack_tags;
use super::correlate::{Correlation, Ref, resolve};
use super::fields::Kept;
use super::{Level, RuleMeta, RuleOrigin};
use rsigma_eval::CompiledRule;
use rsigma_parser::{ConditionExpr, CorrelationRule, Detection, Modifier, SigmaRule, SigmaValue};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Bounds on rule files.
#[derive(Clone, Copy, Debug)]
pub struct LoadLimits {
    /// Largest rule file read (SigmaHQ's largest AWS rule is a few KiB).
    pub max_file_bytes: u64,
    /// Longest regular expression (`|re`) compiled.
    pub max_regex_chars: usize,
    /// Deepest condition or detection nesting.
    pub max_depth: usize,
    /// Most rule files read from the folders given.
    pub max_files: usize,
    /// Deepest folder nesting walked.
    pub max_dir_depth: usize,
}

impl Default for LoadLimits {
    fn default() -> Self {
        LoadLimits {
            max_file_bytes: 256 << 10,
            max_regex_chars: 4096,
            max_depth: 32,
            max_files: 20_000,
            max_dir_depth: 16,
        }
    }
}

/// Why a rule (or a whole file) is not run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, strum::Display)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum ProblemKind {
    /// The file could not be read.
    Unreadable,
    /// The file, a regular expression or the nesting is past [`LoadLimits`].
    TooLarge,
    /// Not valid YAML or not a valid Sigma document.
    Parse,
    /// Valid Sigma that uses something trailhound does not run (filters, value aggregations, placeholders…).
    Unsupported,
    /// The engine refused to compile it (a bad regular expression, a bad modifier combination…).
    Compile,
}

/// A rule or file that does not run, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The file (or built-in name).
    pub origin: RuleOrigin,
    /// The rule's title when the file got that far.
    pub rule: Option<String>,
    /// What kind of problem.
    pub kind: ProblemKind,
    /// The reason, as the parser or engine gave it (hostile text: neutralise before printing).
    pub reason: String,
}

/// A compiled detection rule.
pub(crate) struct Rule {
    pub(crate) meta: RuleMeta,
    /// `name` (correlations may refer to a rule by it).
    pub(crate) name: Option<String>,
    pub(crate) compiled: CompiledRule,
    /// The kept fields its detection names: with them the first pass remembers answers.
    pub(crate) kept: Vec<Kept>,
    /// False when a correlation with `generate: false` (the default) names it: its hits are only the
    /// correlation's material.
    pub(crate) generate: bool,
}

/// Rules ready to run, and what could not be.
pub struct RuleSet {
    pub(crate) rules: Vec<Rule>,
    pub(crate) correlations: Vec<Correlation>,
    problems: Vec<Problem>,
    skipped_logsource: usize,
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleSet")
            .field("rules", &self.rules.len())
            .field("correlations", &self.correlations.len())
            .field("problems", &self.problems.len())
            .finish()
    }
}

impl RuleSet {
    /// Detection rules' descriptions, indexed by [`super::RuleIdx`].
    pub fn rule(&self, i: super::RuleIdx) -> &RuleMeta {
        &self.rules[i as usize].meta
    }
    /// Number of detection rules.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }
    /// Every detection rule's description, in load order.
    pub fn rules(&self) -> impl Iterator<Item = &RuleMeta> {
        self.rules.iter().map(|r| &r.meta)
    }
    /// Correlation rules' descriptions, indexed by [`super::CorrelationIdx`].
    pub fn correlation(&self, i: super::CorrelationIdx) -> &RuleMeta {
        &self.correlations[i as usize].meta
    }
    /// A correlation rule's type.
    pub fn correlation_kind(&self, i: super::CorrelationIdx) -> super::CorrelationKind {
        self.correlations[i as usize].kind
    }
    /// Number of correlation rules.
    pub fn correlation_count(&self) -> usize {
        self.correlations.len()
    }
    /// Rules and files that do not run.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
    /// Rules skipped because their log source is not CloudTrail.
    pub fn skipped_logsource(&self) -> usize {
        self.skipped_logsource
    }
}

/// Reads rule files into a [`RuleSet`].
#[derive(Default)]
pub struct RuleSetBuilder {
    limits: LoadLimits,
    rules: Vec<Rule>,
    correlations: Vec<(CorrelationRule, RuleOrigin)>,
    problems: Vec<Problem>,
    skipped_logsource: usize,
    files: usize,
}

impl RuleSetBuilder {
    /// A builder with these limits.
    pub fn new(limits: LoadLimits) -> Self {
        RuleSetBuilder {
            limits,
            ..Default::default()
        }
    }

    /// Add the rules of one YAML text (one or more documents).
    pub fn add_text(&mut self, text: &str, origin: RuleOrigin) {
        if text.len() as u64 > self.limits.max_file_bytes {
            return self.problem(
                &origin,
                None,
                ProblemKind::TooLarge,
                format!("file larger than {} bytes", self.limits.max_file_bytes),
            );
        }
        if let Some(why) = alias_bomb(text).or_else(|| nesting_bomb(text, self.limits.max_depth)) {
            return self.problem(&origin, None, ProblemKind::TooLarge, why);
        }
        let collection = match rsigma_parser::parse_sigma_yaml(text) {
            Ok(c) => c,
            Err(e) => return self.problem(&origin, None, ProblemKind::Parse, e.to_string()),
        };
        for e in &collection.errors {
            self.problem(&origin, None, ProblemKind::Parse, e.clone());
        }
        for f in &collection.filters {
            self.problem(
                &origin,
                Some(&f.title),
                ProblemKind::Unsupported,
                "filter rules are not applied".into(),
            );
        }
        for r in collection.rules {
            self.add_rule(r, &origin);
        }
        for c in collection.correlations {
            self.correlations.push((c, origin.clone()));
        }
    }

    /// Add one file.
    pub fn add_file(&mut self, path: &Path) {
        let origin = RuleOrigin::File(path.to_path_buf());
        self.files += 1;
        match read_bounded(path, self.limits.max_file_bytes) {
            Ok(Some(text)) => self.add_text(&text, origin),
            Ok(None) => self.problem(
                &origin,
                None,
                ProblemKind::TooLarge,
                format!("file larger than {} bytes", self.limits.max_file_bytes),
            ),
            Err(e) => self.problem(&origin, None, ProblemKind::Unreadable, e.to_string()),
        }
    }

    /// Add every `.yml`/`.yaml` file under `dir` (or `dir` itself when it is a file), in name order.
    pub fn add_path(&mut self, dir: &Path) {
        if dir.is_file() {
            return self.add_file(dir);
        }
        let mut files = Vec::new();
        if let Err(e) = walk(dir, 0, &self.limits, &mut files) {
            let origin = RuleOrigin::File(dir.to_path_buf());
            self.problem(&origin, None, ProblemKind::Unreadable, e);
        }
        for f in files {
            if self.files >= self.limits.max_files {
                let origin = RuleOrigin::File(f);
                self.problem(
                    &origin,
                    None,
                    ProblemKind::TooLarge,
                    format!("more than {} rule files", self.limits.max_files),
                );
                break;
            }
            self.add_file(&f);
        }
    }

    /// Resolve correlations (a correlation may name detection rules and other correlations, in any file order)
    /// and finish.
    pub fn build(mut self) -> RuleSet {
        let mut correlations: Vec<Correlation> = Vec::new();
        let mut pending = std::mem::take(&mut self.correlations);
        loop {
            let before = pending.len();
            let mut still = Vec::new();
            for (c, origin) in pending {
                match resolve(&c, origin.clone(), &self.rules, &correlations) {
                    Ok(Some(corr)) => {
                        if !c.generate {
                            for r in &corr.rules {
                                match *r {
                                    Ref::Rule(r) => self.rules[r as usize].generate = false,
                                    Ref::Correlation(x) => correlations[x as usize].generate = false,
                                }
                            }
                        }
                        correlations.push(corr);
                    }
                    Ok(None) => still.push((c, origin)),
                    Err((kind, why)) => self.problem(&origin, Some(&c.title), kind, why),
                }
            }
            pending = still;
            if pending.is_empty() || pending.len() == before {
                break;
            }
        }
        for (c, origin) in pending {
            let why = "names a rule that is not a loaded CloudTrail detection or correlation rule (or correlations name each other in a loop)";
            self.problem(&origin, Some(&c.title), ProblemKind::Unsupported, why.into());
        }
        RuleSet {
            rules: self.rules,
            correlations,
            problems: self.problems,
            skipped_logsource: self.skipped_logsource,
        }
    }

    fn problem(&mut self, origin: &RuleOrigin, rule: Option<&str>, kind: ProblemKind, reason: String) {
        self.problems.push(Problem {
            origin: origin.clone(),
            rule: rule.map(str::to_string),
            kind,
            reason,
        });
    }

    fn add_rule(&mut self, r: SigmaRule, origin: &RuleOrigin) {
        let ls = &r.logsource;
        let is = |v: &Option<String>, want: &str| v.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(want));
        if !is(&ls.product, "aws") || !(ls.service.is_none() || is(&ls.service, "cloudtrail")) {
            self.skipped_logsource += 1;
            return;
        }
        let mut kept = Vec::new();
        if let Err((kind, why)) = check(&r, &self.limits, &mut kept) {
            return self.problem(origin, Some(&r.title), kind, why);
        }
        let compiled = match rsigma_eval::compile_rule(&r) {
            Ok(c) => c,
            Err(e) => return self.problem(origin, Some(&r.title), ProblemKind::Compile, e.to_string()),
        };
        kept.sort_unstable();
        kept.dedup();
        let (tactics, techniques) = attack_tags(&r.tags);
        self.rules.push(Rule {
            meta: RuleMeta {
                id: r.id.clone().unwrap_or_else(|| r.title.clone()),
                title: r.title.clone(),
                level: r.level.map(Level::from).unwrap_or_default(),
                tactics,
                techniques,
                tags: r.tags.clone(),
                author: r.author.clone(),
                origin: origin.clone(),
            },
            name: r.name.clone(),
            compiled,
            kept,
            generate: true,
        });
    }
}

/// The bounds a parsed rule must keep before it is compiled; collects the kept fields its detection names.
fn check(r: &SigmaRule, limits: &LoadLimits, kept: &mut Vec<Kept>) -> Result<(), (ProblemKind, String)> {
    if r.detection.timeframe.is_some() {
        return Err((
            ProblemKind::Unsupported,
            "`timeframe` aggregations (use a correlation rule)".into(),
        ));
    }
    for c in &r.detection.conditions {
        if depth_of_condition(c, limits.max_depth).is_none() {
            return Err((
                ProblemKind::TooLarge,
                format!("condition nested deeper than {}", limits.max_depth),
            ));
        }
    }
    for d in r.detection.named.values() {
        walk_detection(d, limits, 0, kept)?;
    }
    Ok(())
}

/// The depth of a condition, or `None` past `max` (without going deeper than `max` itself).
pub(super) fn depth_of_condition(c: &ConditionExpr, max: usize) -> Option<usize> {
    if max == 0 {
        return None;
    }
    match c {
        ConditionExpr::And(v) | ConditionExpr::Or(v) => {
            let mut d = 0;
            for x in v {
                d = d.max(depth_of_condition(x, max - 1)?);
            }
            Some(d + 1)
        }
        ConditionExpr::Not(x) => Some(depth_of_condition(x, max - 1)? + 1),
        ConditionExpr::Identifier(_) | ConditionExpr::Selector { .. } => Some(1),
    }
}

fn walk_detection(
    d: &Detection,
    limits: &LoadLimits,
    depth: usize,
    kept: &mut Vec<Kept>,
) -> Result<(), (ProblemKind, String)> {
    if depth > limits.max_depth {
        return Err((
            ProblemKind::TooLarge,
            format!("detection nested deeper than {}", limits.max_depth),
        ));
    }
    match d {
        Detection::AllOf(items) => {
            for item in items {
                if let Some(name) = &item.field.name {
                    if name.starts_with("trailhound.") {
                        return Err((
                            ProblemKind::Unsupported,
                            format!("`{name}` is for correlation group-by only"),
                        ));
                    }
                    kept.extend(Kept::of_path(name));
                }
                let re = item.field.modifiers.contains(&Modifier::Re);
                let fieldref = item.field.modifiers.contains(&Modifier::FieldRef);
                if item.field.modifiers.contains(&Modifier::Expand) {
                    return Err((
                        ProblemKind::Unsupported,
                        "`|expand` placeholders need a pipeline".into(),
                    ));
                }
                for v in &item.values {
                    if let SigmaValue::String(s) = v {
                        if re && s.original.chars().count() > limits.max_regex_chars {
                            return Err((
                                ProblemKind::TooLarge,
                                format!("regular expression longer than {} characters", limits.max_regex_chars),
                            ));
                        }
                        if fieldref {
                            kept.extend(Kept::of_path(&s.original));
                        }
                    }
                }
            }
        }
        Detection::AnyOf(v) | Detection::And(v) => {
            for x in v {
                walk_detection(x, limits, depth + 1, kept)?;
            }
        }
        Detection::Keywords(values) => {
            for v in values {
                if let SigmaValue::String(s) = v
                    && s.original.len() > limits.max_regex_chars
                {
                    return Err((ProblemKind::TooLarge, "keyword too long".into()));
                }
            }
        }
        Detection::ArrayMatch { body, .. } => walk_detection(body, limits, depth + 1, kept)?,
        Detection::Conditional { named, condition } => {
            if depth_of_condition(condition, limits.max_depth).is_none() {
                return Err((
                    ProblemKind::TooLarge,
                    format!("condition nested deeper than {}", limits.max_depth),
                ));
            }
            for x in named.values() {
                walk_detection(x, limits, depth + 1, kept)?;
            }
        }
    }
    Ok(())
}

/// YAML aliases (`*name`) are how a small file becomes a billion nodes; Sigma rules have no use for them beyond
/// a handful. More than 64 alias references is refused before the parser expands anything.
fn alias_bomb(text: &str) -> Option<String> {
    let mut aliases = 0usize;
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with('#') {
            continue;
        }
        // An alias starts a value: after `: `, `- `, `[`, `,` or at the start of a line.
        let b = t.as_bytes();
        for (i, &c) in b.iter().enumerate() {
            if c == b'*'
                && b.get(i + 1).is_some_and(|n| n.is_ascii_alphanumeric() || *n == b'_')
                && (i == 0 || matches!(b[i - 1], b' ' | b'[' | b',' | b'{'))
            {
                aliases += 1;
            }
        }
    }
    (aliases > 64).then(|| format!("{aliases} YAML alias references (at most 64 are read)"))
}

/// The YAML parser and the condition grammar recurse per level of nesting: a file nested thousands deep would
/// overflow the stack before any bound inside them applies. Brackets and parentheses nested deeper than `max`
/// (counted over the whole text, strings included: a rule has no use for such depth anywhere), or more than `max`
/// `not`s, are refused unparsed.
fn nesting_bomb(text: &str, max: usize) -> Option<String> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    for b in text.bytes() {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if deepest > max {
        return Some(format!("brackets nested {deepest} deep (at most {max})"));
    }
    let nots = text
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| w.eq_ignore_ascii_case("not"))
        .count();
    (nots > max).then(|| format!("{nots} `not`s (at most {max})"))
}

/// The file's text, or `None` when it is larger than `max` (read at most `max + 1` bytes).
fn read_bounded(path: &Path, max: u64) -> std::io::Result<Option<String>> {
    use std::io::Read;
    let f = std::fs::File::open(path)?;
    let mut buf = Vec::new();
    f.take(max + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > max {
        return Ok(None);
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

fn walk(dir: &Path, depth: usize, limits: &LoadLimits, out: &mut Vec<PathBuf>) -> Result<(), String> {
    if depth > limits.max_dir_depth {
        return Ok(());
    }
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let Ok(ft) = e.file_type() else { continue };
        let p = e.path();
        if ft.is_dir() {
            walk(&p, depth + 1, limits, out)?;
        } else if ft.is_file() && p.extension().is_some_and(|x| x == "yml" || x == "yaml") {
            out.push(p);
            if out.len() > limits.max_files {
                return Ok(());
            }
        }
    }
    Ok(())
}
