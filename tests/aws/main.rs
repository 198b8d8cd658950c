//! Integration tests of live fetching (`trailhound::aws`): the real SDK clients against a fake AWS endpoint, and
//! the shipped least-privilege IAM policy against the calls the code makes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic with a message is how a test fails"
)]

#[path = "../support/duckdb_engine.rs"]
mod duckdb_engine;
#[path = "../support/fake_athena.rs"]
mod fake_athena;
#[path = "../support/fake_aws.rs"]
mod fake_aws;
#[path = "../support/fake_lake.rs"]
mod fake_lake;
#[path = "../support/fake_s3.rs"]
mod fake_s3;
#[path = "../support/fetch_data.rs"]
mod fetch_data;
#[path = "../support/mod.rs"]
mod support;

mod athena;
mod athena_csv;
mod fetch;
mod lake;
mod policy;
mod s3;
