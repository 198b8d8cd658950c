//! GuardDuty and IAM Access Analyzer findings: parsing every form users have, and the model (issue #4).

/// A finding from GuardDuty or IAM Access Analyzer. (Filled in by the findings work.)
#[derive(Clone, Debug, Default)]
pub struct Finding {
    pub id: String,
}
