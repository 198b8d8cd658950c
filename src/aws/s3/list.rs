//! `ListObjectsV2`, page by page (continuation tokens), with or without a `/` delimiter: what one prefix holds,
//! as sub-folders (common prefixes) and objects with their sizes. Which prefixes to ask for is [`super::plan`]'s
//! business; errors come back as messages naming the IAM action to grant.
//!
//! Listings ask for `encoding-type=url`: keys are hostile input, and a key holding a character XML 1.0 cannot
//! carry (control characters) would otherwise reach the XML parser raw and come back cut short. The SDK does not
//! decode them, so [`url_decode`] does (`%XX` and `+` for a space, as S3 encodes).

use aws_sdk_s3::Client;
use aws_sdk_s3::types::EncodingType;

use crate::aws::errors::{CallError, classify};

/// One object of a listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Object {
    pub key: String,
    /// Size in bytes as listed.
    pub size: u64,
}

/// What a prefix holds.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    /// Common prefixes (with a delimiter): `…/folder/`.
    pub folders: Vec<String>,
    pub objects: Vec<Object>,
    /// Pages asked for.
    pub pages: u32,
}

/// Why a listing failed.
#[derive(Debug)]
pub enum ListError {
    /// The bucket lives in another region (S3's `x-amz-bucket-region`): ask again there.
    WrongRegion(String),
    /// Credentials are gone: every other request would fail the same way.
    Halt(crate::aws::FetchError),
    /// Anything else, as a message.
    Failed(String),
}

/// The IAM action behind `ListObjectsV2`.
pub const LIST_ACTION: &str = "s3:ListBucket";

/// Every page of `prefix` in `bucket`; with `delimiter`, sub-folders come back as folders, not their objects.
pub async fn list(
    client: &Client,
    profile: &str,
    bucket: &str,
    prefix: &str,
    delimiter: Option<&str>,
) -> Result<Listing, ListError> {
    let mut out = Listing::default();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .encoding_type(EncodingType::Url)
            .set_delimiter(delimiter.map(str::to_string))
            .set_continuation_token(token.take())
            .send()
            .await;
        out.pages += 1;
        let page = match page {
            Ok(p) => p,
            Err(err) => {
                let region = err
                    .raw_response()
                    .and_then(|r| r.headers().get("x-amz-bucket-region"))
                    .map(str::to_string);
                if let Some(r) = region.filter(|r| crate::aws::config::valid_region(r)) {
                    return Err(ListError::WrongRegion(r));
                }
                return Err(match classify(&err, LIST_ACTION, profile) {
                    CallError::Halt(e) => ListError::Halt(e),
                    CallError::Retryable(m) => ListError::Failed(format!("{m} (after the SDK's retries)")),
                    CallError::Fatal(m) => ListError::Failed(m),
                });
            }
        };
        out.folders
            .extend(page.common_prefixes().iter().filter_map(|p| p.prefix().map(url_decode)));
        out.objects.extend(page.contents().iter().filter_map(|o| {
            Some(Object {
                key: url_decode(o.key()?),
                size: o.size().and_then(|s| u64::try_from(s).ok()).unwrap_or(0),
            })
        }));
        match page.next_continuation_token() {
            // A truncated page must carry a token; one without is treated as the last rather than looping.
            Some(t) if page.is_truncated() == Some(true) && !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(out),
        }
    }
}

/// Undo S3's `encoding-type=url`: `%XX` escapes and `+` for a space. Not UTF-8 afterwards (S3 keys are UTF-8, so
/// only a broken answer does that): the replacement character marks it, and fetching that key then fails and is
/// reported. Hand-written: a dozen lines against a new dependency.
pub fn url_decode(s: &str) -> String {
    let hex = |i: usize| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok());
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match (b[i], hex(i + 1)) {
            (b'+', _) => out.push(b' '),
            (b'%', Some(v)) => {
                out.push(v);
                i += 2;
            }
            (c, _) => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::url_decode;

    #[test]
    fn decodes_what_s3_encodes() {
        assert_eq!(
            url_decode("AWSLogs/a%20b+c/%1B%5D0%3Bx%07.json"),
            "AWSLogs/a b c/\u{1b}]0;x\u{7}.json"
        );
        assert_eq!(url_decode("caf%C3%A9%2B1"), "café+1");
        // A stray `%` stays as it is.
        assert_eq!(url_decode("100%/x%4"), "100%/x%4");
    }
}
