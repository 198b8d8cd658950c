//! IAM policies as the analyses read them: the geo-fence a policy (or the analyst's flags) draws around where a
//! principal may call from ([`fence`]).
//!
//! Nothing here evaluates IAM in full: each analysis reads the parts of a policy it needs and says what it did not
//! understand.

pub mod fence;
