//! `ListObjectsV2`, page by page (continuation tokens), with or without a `/` delimiter: what one prefix holds,
//! as sub-folders (common prefixes) and objects with their sizes. Which prefixes to ask for is [`super::plan`]'s
//! business; errors come back as messages naming the IAM action to grant.

use aws_sdk_s3::Client;

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
        out.folders.extend(
            page.common_prefixes()
                .iter()
                .filter_map(|p| p.prefix().map(str::to_string)),
        );
        out.objects.extend(page.contents().iter().filter_map(|o| {
            Some(Object {
                key: o.key()?.to_string(),
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
