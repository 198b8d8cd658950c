//! The policy lens: what the CloudTrail already loaded says about IAM policy — why calls were denied (`denied`).
//! Each analysis reads a profile's events (`core::behavior::select`) in a scope and never guesses what a record
//! does not state: an unrecognised message, action or policy is reported as not stated, with the record's own text.

pub mod denied;
