//! What says an input file is unchanged since it was indexed, without reading it: size, modification time and,
//! on Unix, status-change time, device and inode. Hashing the inputs would be surer but reads every byte (tens of
//! seconds at 10M events), which is what the index exists to avoid. The status-change time is the strong part: any
//! write or rename sets it to the current time, and unlike the modification time no ordinary tool can set it back
//! (`touch -d` or an archive extract can forge an mtime, not a ctime). A file replaced by another (a sync that
//! writes a temporary file and renames it) has a new inode. Stamps are taken before a file is read, so a file
//! written while it is being indexed is seen as changed on the next open.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// A file's stamp; two equal stamps mean the same unchanged file (see the module note).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// Size in bytes, as stored.
    pub size: u64,
    /// Modification time: seconds and nanoseconds since the epoch (0 where the platform has none).
    pub mtime: (i64, u32),
    /// Status-change time (Unix; 0 elsewhere).
    pub ctime: (i64, i64),
    /// Device and inode (Unix; 0 elsewhere).
    pub inode: (u64, u64),
}

impl Stamp {
    /// The stamp of the file at `path`; `None` when it cannot be read (treated as changed).
    pub fn of(path: &Path) -> Option<Stamp> {
        let m = std::fs::metadata(path).ok()?;
        let mtime = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or((0, 0), |d| (d.as_secs() as i64, d.subsec_nanos()));
        #[cfg(unix)]
        let (ctime, inode) = {
            use std::os::unix::fs::MetadataExt;
            ((m.ctime(), m.ctime_nsec()), (m.dev(), m.ino()))
        };
        #[cfg(not(unix))]
        let (ctime, inode) = ((0, 0), (0, 0));
        Some(Stamp {
            size: m.len(),
            mtime,
            ctime,
            inode,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replaced_file_of_the_same_size_and_time_changes_the_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        std::fs::write(&p, "aaaa").unwrap();
        let before = Stamp::of(&p).unwrap();
        assert_eq!(Stamp::of(&p), Some(before));
        // A sync writes a temporary file and renames it over the old one; with the same size and the modification
        // time forged back, the inode still differs.
        let mtime = std::fs::metadata(&p).unwrap().modified().unwrap();
        let tmp = dir.path().join("a.json.tmp");
        std::fs::write(&tmp, "bbbb").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&tmp)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        std::fs::rename(&tmp, &p).unwrap();
        let after = Stamp::of(&p).unwrap();
        assert_eq!((after.size, after.mtime), (before.size, before.mtime));
        #[cfg(unix)]
        assert_ne!(after, before);
        assert_eq!(Stamp::of(&dir.path().join("missing")), None);
    }
}
