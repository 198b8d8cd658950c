//! The geo-fence review (issue 13, part 3): roles may only be used from corporate egress addresses, users only
//! from allowed countries — who called from outside, was the fence enforced, and which calls AWS services made on
//! a principal's behalf (kept apart).
//!
//! The fence ([`Fence`]) comes from the analyst's flags or from a policy's `aws:SourceIp`, `aws:ViaAWSService`,
//! `aws:SourceVpc`/`aws:SourceVpce` conditions (`docs/geofence.md` says what those keys mean and what CloudTrail
//! records of them); [`judge`] places one call against it; [`review`] reports every principal with calls from
//! outside. Nothing is guessed: an address without geolocation is unknown.

pub mod judge;
mod model;
mod policy;
pub mod review;

pub use judge::{Endpoint, Endpoints, NoEndpoints, RawEndpoints, Standing};
pub use model::{CountryCode, Fence, FenceError, FenceSource, parse_cidr};
pub use policy::{MAX_POLICY_BYTES, from_policy, read_policy_file};
pub use review::{GeofenceReport, PrincipalBreaches, ServiceRow, Severity, SourceRow, Totals, review};
