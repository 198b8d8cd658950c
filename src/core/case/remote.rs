//! Remote inputs and the case's copy of them: an `s3://bucket/prefix/` input names objects that the AWS code
//! (`aws::s3`) copies into `<case>/cache/<bucket>/<key>`, the same key layout, so the case reopens offline and the
//! cached folder loads like any local CloudTrail tree. This module owns the URL's vocabulary and the mapping of a
//! key to its cache path (refusing keys that would leave the cache); it never talks to the network.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The folder inside a case that holds copies of remote objects.
pub const CACHE_DIR: &str = "cache";

/// An `s3://bucket/prefix` location. The prefix is kept as given (an empty prefix is the whole bucket); a prefix
/// naming a folder should end in `/`, as S3 prefixes are plain string prefixes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct S3Url {
    /// The bucket name (validated: 3–63 of `a-z 0-9 . -`).
    pub bucket: String,
    /// The key prefix, without a leading `/`.
    pub prefix: String,
}

/// Why a string is not an S3 URL this program accepts.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{url:?} is not an s3://bucket/prefix URL: {why}")]
pub struct BadS3Url {
    /// What was given.
    pub url: String,
    /// What is wrong with it.
    pub why: &'static str,
}

impl S3Url {
    /// Whether `s` is meant as an S3 URL (it starts with `s3://`), valid or not.
    pub fn is_s3(s: &str) -> bool {
        s.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("s3://"))
    }

    /// Parse `s3://bucket[/prefix]`.
    pub fn parse(s: &str) -> Result<S3Url, BadS3Url> {
        let bad = |why| BadS3Url {
            url: s.to_string(),
            why,
        };
        if !S3Url::is_s3(s) {
            return Err(bad("it does not start with s3://"));
        }
        let rest = &s[5..];
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        // Bucket naming rules (general purpose buckets): 3–63 characters, lower-case letters, digits, dots and
        // hyphens, beginning and ending with a letter or digit.
        let ok_char = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-';
        let edge = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if !(3..=63).contains(&bucket.len())
            || !bucket.bytes().all(ok_char)
            || !edge(bucket.as_bytes().first())
            || !edge(bucket.as_bytes().last())
        {
            return Err(bad("the bucket name must be 3 to 63 of a-z, 0-9, '.' and '-'"));
        }
        let prefix = prefix.trim_start_matches('/');
        if prefix.len() > 1024 {
            return Err(bad("the prefix is longer than an S3 key can be"));
        }
        if cache_relative(prefix.trim_end_matches('/')).is_none() && !prefix.is_empty() {
            return Err(bad(
                "the prefix has an empty, '.' or '..' segment or a control character",
            ));
        }
        Ok(S3Url {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
        })
    }

    /// `<case>/cache/<bucket>/<prefix up to its last '/'>`: the folder of the case's copy that holds every object
    /// under this URL (the folder to load).
    pub fn cache_dir(&self, case_dir: &Path) -> PathBuf {
        let folder = match self.prefix.rfind('/') {
            Some(i) => &self.prefix[..i],
            None => "",
        };
        let mut p = case_dir.join(CACHE_DIR).join(&self.bucket);
        if let Some(rel) = cache_relative(folder) {
            p.push(rel);
        }
        p
    }
}

impl std::fmt::Display for S3Url {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.prefix)
    }
}

impl std::str::FromStr for S3Url {
    type Err = BadS3Url;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        S3Url::parse(s)
    }
}

impl TryFrom<String> for S3Url {
    type Error = BadS3Url;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        S3Url::parse(&s)
    }
}

impl From<S3Url> for String {
    fn from(u: S3Url) -> String {
        u.to_string()
    }
}

/// A key (or key folder) as a relative path of plain segments, or `None` when it could not be one safely: an
/// empty, `.` or `..` segment (which would collapse or climb out of the cache), a backslash, or a control
/// character. CloudTrail's keys never have any of these; such an object is skipped and reported, not renamed
/// (a renamed copy could collide with another key's).
fn cache_relative(key: &str) -> Option<PathBuf> {
    if key.is_empty() {
        return Some(PathBuf::new());
    }
    let mut p = PathBuf::new();
    for seg in key.split('/') {
        if seg.is_empty() || seg == "." || seg == ".." || seg.len() > 255 {
            return None;
        }
        if seg.chars().any(|c| c.is_control() || c == '\\') {
            return None;
        }
        p.push(seg);
    }
    Some(p)
}

/// Where the case keeps its copy of `bucket`/`key`: `<case>/cache/<bucket>/<key>`, or `None` for a key that cannot
/// be a path inside the cache (see the module documentation) or that names a folder (ends in `/`).
pub fn cache_path(case_dir: &Path, bucket: &str, key: &str) -> Option<PathBuf> {
    if key.is_empty() || key.ends_with('/') {
        return None;
    }
    let rel = cache_relative(key)?;
    Some(case_dir.join(CACHE_DIR).join(bucket).join(rel))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bucket_and_prefix() {
        let u = S3Url::parse("s3://trail-bucket/org/AWSLogs/").unwrap();
        assert_eq!((u.bucket.as_str(), u.prefix.as_str()), ("trail-bucket", "org/AWSLogs/"));
        assert_eq!(u.to_string(), "s3://trail-bucket/org/AWSLogs/");
        let whole = S3Url::parse("S3://trail-bucket").unwrap();
        assert_eq!(whole.prefix, "");
        assert_eq!(whole.to_string(), "s3://trail-bucket/");
        for bad in [
            "s3://",
            "s3://ab",
            "s3://Upper/x",
            "s3://-dash/x",
            "s3://b_x/",
            "s3://bkt/a/../b",
            "http://b/x",
        ] {
            assert!(S3Url::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cache_paths_stay_inside_the_case() {
        let case = Path::new("/c");
        let u = S3Url::parse("s3://bkt/AWSLogs/111122223333/").unwrap();
        assert_eq!(u.cache_dir(case), Path::new("/c/cache/bkt/AWSLogs/111122223333"));
        // A prefix that ends inside a name: its folder is the one above.
        let part = S3Url::parse("s3://bkt/AWSLogs/1111").unwrap();
        assert_eq!(part.cache_dir(case), Path::new("/c/cache/bkt/AWSLogs"));
        assert_eq!(
            cache_path(case, "bkt", "AWSLogs/1/CloudTrail/x.json.gz").as_deref(),
            Some(Path::new("/c/cache/bkt/AWSLogs/1/CloudTrail/x.json.gz"))
        );
        for hostile in [
            "../x",
            "a/../../x",
            "a//b",
            "a/./b",
            "/abs",
            "a/\u{1b}[2J",
            "a\\..\\b",
            "dir/",
            "",
        ] {
            assert_eq!(cache_path(case, "bkt", hostile), None, "{hostile:?}");
        }
    }
}
