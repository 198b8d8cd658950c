//! Time: parsing CloudTrail/finding timestamps to epoch seconds and formatting RFC 3339 UTC.
