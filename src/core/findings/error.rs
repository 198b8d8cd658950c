//! Why one finding object could not be read. Ingest reports it (path, index, this message) and keeps the file's
//! other findings.

/// A finding object that is not usable, with what it claimed to be (`what`: "GuardDuty finding", "ASFF finding"…).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FindingError {
    /// The element is not a JSON object.
    #[error("{what} is not a JSON object")]
    NotAnObject {
        /// The form it was read as.
        what: &'static str,
    },
    /// A required field is absent.
    #[error("{what}: no {field}")]
    MissingField {
        /// The form it was read as.
        what: &'static str,
        /// The field's name in that form.
        field: &'static str,
    },
    /// A required field is present but not a non-empty string.
    #[error("{what}: {field} is not a non-empty string ({found})")]
    NotAString {
        /// The form it was read as.
        what: &'static str,
        /// The field's name in that form.
        field: &'static str,
        /// The value found, shortened.
        found: String,
    },
    /// The finding `id` has a field that makes it unusable.
    #[error("{what} {id}: {problem}")]
    Invalid {
        /// The form it was read as.
        what: &'static str,
        /// The finding's id.
        id: String,
        /// What is wrong.
        problem: String,
    },
    /// A Security Hub (ASFF) finding from a product trailhound does not read.
    #[error("Security Hub finding from {0}: only GuardDuty and Access Analyzer findings are read")]
    UnsupportedProduct(String),
    /// An Access Analyzer access preview describes a proposed policy, not the account's state.
    #[error("Access Analyzer access-preview finding (a proposed policy, not the account's state)")]
    AccessPreview,
}
