//! Resumable CloudTrail fetches: after every page, the page's records are appended to a spool file and then the
//! checkpoint (window, queries, NextToken, spool length) is replaced atomically. On resume the spool is cut back
//! to the length the checkpoint vouches for, so a crash between the two writes can neither duplicate nor lose a
//! page. Both live in `<case>/fetched/.state/` (with names ingest does not read) and are removed once every query
//! is written out.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use super::LookupAttr;
use super::write::{OutDir, atomic_write};

const VERSION: u32 = 1;

/// Where one LookupEvents query (region × attribute) stands.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct QueryState {
    pub region: String,
    pub attr: Option<LookupAttr>,
    pub next_token: Option<String>,
    pub pages: u32,
    pub events: usize,
    pub skipped: usize,
    pub spool_len: u64,
    /// The last page (no NextToken) has been spooled.
    pub paging_done: bool,
    /// The spool has been merged into the day files.
    pub finalized: bool,
}

impl QueryState {
    pub(crate) fn new(region: &str, attr: Option<LookupAttr>) -> Self {
        Self {
            region: region.to_string(),
            attr,
            next_token: None,
            pages: 0,
            events: 0,
            skipped: 0,
            spool_len: 0,
            paging_done: false,
            finalized: false,
        }
    }
}

/// The state of a whole CloudTrail fetch.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Checkpoint {
    pub version: u32,
    pub profile: String,
    pub window: (i64, i64),
    pub queries: Vec<QueryState>,
}

impl Checkpoint {
    pub(crate) fn new(profile: &str, window: (i64, i64), queries: Vec<QueryState>) -> Self {
        Self {
            version: VERSION,
            profile: profile.to_string(),
            window,
            queries,
        }
    }

    fn path(out: &OutDir) -> PathBuf {
        out.state_dir().join("cloudtrail.checkpoint")
    }

    /// The checkpoint of an interrupted fetch, if there is a readable one.
    pub(crate) fn load(out: &OutDir) -> Option<Self> {
        let text = std::fs::read_to_string(Self::path(out)).ok()?;
        serde_json::from_str::<Self>(&text)
            .ok()
            .filter(|c| c.version == VERSION)
    }

    pub(crate) fn save(&self, out: &OutDir) -> std::io::Result<()> {
        let text = serde_json::to_string(self).map_err(std::io::Error::other)?;
        atomic_write(&Self::path(out), text.as_bytes())
    }

    /// Does this checkpoint belong to the same fetch (profile, queries, and the window if one was given)?
    pub(crate) fn resumes(
        &self,
        profile: &str,
        queries: &[(String, Option<LookupAttr>)],
        window: Option<(i64, i64)>,
    ) -> bool {
        self.profile == profile
            && window.is_none_or(|w| w == self.window)
            && self.queries.len() == queries.len()
            && self
                .queries
                .iter()
                .zip(queries)
                .all(|(q, (r, a))| &q.region == r && &q.attr == a)
    }

    /// Remove the checkpoint and every spool.
    pub(crate) fn clear(out: &OutDir) {
        let _ = std::fs::remove_file(Self::path(out));
        if let Ok(rd) = std::fs::read_dir(out.state_dir()) {
            for e in rd.flatten() {
                if e.file_name().to_string_lossy().ends_with(".spool") {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        let _ = std::fs::remove_dir(out.state_dir());
    }
}

/// One spooled record: the API's EventTime (epoch seconds) and the verbatim record text.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct SpoolLine {
    pub t: Option<i64>,
    pub r: String,
}

pub(crate) fn spool_path(out: &OutDir, query: usize) -> PathBuf {
    out.state_dir().join(format!("cloudtrail-{query}.spool"))
}

/// Cut the spool back to `len` bytes (what the checkpoint vouches for); a missing spool is fine only at 0.
pub(crate) fn spool_truncate(path: &std::path::Path, len: u64) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    if f.metadata()?.len() < len {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!(
                "{} is shorter than its checkpoint says; delete the .state folder to start this fetch over",
                path.display()
            ),
        ));
    }
    f.set_len(len)?;
    f.sync_all()
}

/// Append lines and return the spool's new length.
pub(crate) fn spool_append(path: &std::path::Path, lines: &[SpoolLine]) -> std::io::Result<u64> {
    let mut f = std::fs::OpenOptions::new().append(true).open(path)?;
    let mut buf = Vec::new();
    for l in lines {
        serde_json::to_writer(&mut buf, l).map_err(std::io::Error::other)?;
        buf.push(b'\n');
    }
    f.write_all(&buf)?;
    f.sync_all()?;
    Ok(f.metadata()?.len())
}

pub(crate) fn spool_read(path: &std::path::Path) -> std::io::Result<Vec<SpoolLine>> {
    let f = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut out = Vec::new();
    for line in f.lines() {
        let line = line?;
        if line.is_empty() {
            continue;
        }
        out.push(serde_json::from_str(&line).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spool_is_cut_back_to_the_checkpoint() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutDir::create(dir.path()).unwrap();
        let p = spool_path(&out, 0);
        spool_truncate(&p, 0).unwrap();
        let line = |r: &str| SpoolLine {
            t: Some(1),
            r: r.into(),
        };
        let len1 = spool_append(&p, &[line("{\"a\":1}")]).unwrap();
        // A page spooled but never checkpointed (crash in between) ...
        spool_append(&p, &[line("{\"b\":2}")]).unwrap();
        // ... is dropped on resume.
        spool_truncate(&p, len1).unwrap();
        let got = spool_read(&p).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].r, "{\"a\":1}");
        assert!(spool_truncate(&p, len1 + 100).is_err());
    }

    #[test]
    fn checkpoint_matches_only_the_same_fetch() {
        let q = vec![("us-east-1".to_string(), None)];
        let cp = Checkpoint::new("p", (1, 2), vec![QueryState::new("us-east-1", None)]);
        assert!(cp.resumes("p", &q, None));
        assert!(cp.resumes("p", &q, Some((1, 2))));
        assert!(!cp.resumes("p", &q, Some((1, 3))));
        assert!(!cp.resumes("other", &q, None));
        assert!(!cp.resumes("p", &[("us-west-2".to_string(), None)], None));
    }
}
