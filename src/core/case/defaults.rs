//! Default cases, one per input set: without `--case`, notes about one incident's data go to a case of their own
//! (`<user data dir>/trailhound/cases/<name>-<key>`), keyed by the canonical input paths, so they never show up
//! over another incident's data. `list` finds them again.

use super::{Case, CaseError, Input, Result};
use std::path::{Path, PathBuf};

/// `<user data dir>/trailhound/cases` (XDG on Linux).
pub fn cases_root() -> Result<PathBuf> {
    use etcetera::BaseStrategy;
    let base = etcetera::choose_base_strategy().map_err(|e| CaseError::NoDataDir(e.to_string()))?;
    Ok(base.data_dir().join("trailhound").join("cases"))
}

/// 64-bit FNV-1a: stable across Rust and crate versions (a folder name must not change with the toolchain, which
/// std's hasher does not promise); six lines, not worth a dependency.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The folder name of the default case for `inputs`: the first input's name (letters, digits, `.`, `-`, `_`; at
/// most 32) and a key of the sorted, canonical paths. The same inputs in any order and spelling give one name.
pub fn input_set_name(inputs: &[PathBuf]) -> String {
    if inputs.is_empty() {
        return "default".to_string();
    }
    let mut canon: Vec<PathBuf> = inputs
        .iter()
        .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
        .collect();
    canon.sort();
    canon.dedup();
    let mut joined = Vec::new();
    for p in &canon {
        joined.extend_from_slice(p.as_os_str().as_encoded_bytes());
        joined.push(0);
    }
    let label: String = canon[0]
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(32)
        .collect();
    let label = label.trim_start_matches('.');
    let label = if label.is_empty() { "inputs" } else { label };
    format!("{label}-{:016x}", fnv1a(&joined))
}

/// The default case directory for `inputs` (`cases/default` when there are none).
pub fn default_dir_for(inputs: &[PathBuf]) -> Result<PathBuf> {
    Ok(cases_root()?.join(input_set_name(inputs)))
}

/// One case found under the cases folder.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CaseListing {
    /// The case directory.
    pub dir: PathBuf,
    /// The inputs it recorded (paths; fetch inputs as "fetch").
    pub inputs: Vec<String>,
    /// Notes in it (current revisions).
    pub notes: usize,
    /// When its database was last written (epoch seconds), if known.
    pub modified: Option<i64>,
    /// Why it could not be read, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// Every case directly under `root` (a folder with a case database), sorted by name.
pub fn list_in(root: &Path) -> Vec<CaseListing> {
    let Ok(rd) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.join(super::DB_FILE).is_file())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let modified = std::fs::metadata(dir.join(super::DB_FILE))
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .and_then(|d| i64::try_from(d.as_secs()).ok());
            let read = Case::open(&dir).and_then(|c| {
                let inputs = c.inputs()?;
                let notes = c.notes(&super::NoteFilter::default())?.len();
                Ok((inputs, notes))
            });
            match read {
                Ok((inputs, notes)) => CaseListing {
                    inputs: inputs
                        .iter()
                        .map(|i| match i {
                            Input::Path { path } => path.display().to_string(),
                            Input::Fetch { .. } => "fetch".to_string(),
                            Input::S3 { url } => url.to_string(),
                        })
                        .collect(),
                    dir,
                    notes,
                    modified,
                    problem: None,
                },
                Err(e) => CaseListing {
                    dir,
                    inputs: Vec::new(),
                    notes: 0,
                    modified,
                    problem: Some(e.to_string()),
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_name_per_input_set_whatever_the_order_or_spelling() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("incident-42"), tmp.path().join("baseline"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        let n1 = input_set_name(&[a.clone(), b.clone()]);
        let n2 = input_set_name(&[b.clone(), a.join("."), a.clone()]);
        assert_eq!(n1, n2);
        assert!(n1.starts_with("baseline-"), "{n1}");
        assert_ne!(n1, input_set_name(std::slice::from_ref(&a)));
        assert!(input_set_name(std::slice::from_ref(&a)).starts_with("incident-42-"));
        assert_eq!(input_set_name(&[]), "default");
        // Hostile names cannot leave the cases folder or hide in it.
        let odd = tmp.path().join("..\u{1b}[31m\u{202e}x");
        let n = input_set_name(&[odd]);
        assert!(
            n.bytes().all(|c| c.is_ascii_alphanumeric() || b".-_".contains(&c)),
            "{n}"
        );
        assert!(!n.starts_with('.'), "{n}");
    }

    #[test]
    fn lists_the_cases_with_their_inputs() {
        let root = tempfile::tempdir().unwrap();
        let input = root.path().join("logs");
        std::fs::create_dir_all(&input).unwrap();
        let dir = root.path().join(input_set_name(std::slice::from_ref(&input)));
        let case = Case::open_or_create_recording(&dir, &[Input::Path { path: input.clone() }]).unwrap();
        case.add_note(&crate::core::entity::EntityRef::Account("111122223333".into()), "first")
            .unwrap();
        std::fs::create_dir_all(root.path().join("not-a-case")).unwrap();
        let list = list_in(root.path());
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].dir, dir);
        assert_eq!(list[0].notes, 1);
        assert_eq!(list[0].inputs.len(), 1);
        assert!(list[0].inputs[0].ends_with("logs"), "{:?}", list[0].inputs);
    }
}
