//! Org scale: ask a query engine over an organisation's trail (Amazon Athena, CloudTrail Lake) exactly the question
//! an investigation needs, instead of reading every record. This module is the pure half: the typed plan ([`plan`]),
//! how its queries are written ([`query`]), their SQL text and parameters ([`sql`]), partition pruning ([`layout`]),
//! the table's columns ([`columns`]), Athena's result CSV ([`result_csv`]) and turning result rows back into
//! CloudTrail records ([`rows`]). The engines are driven from `crate::aws`. Facts about the table and the APIs:
//! `docs/org-scale.md`.

pub mod chains;
pub mod columns;
pub mod layout;
pub mod plan;
pub mod printout;
pub mod query;
pub mod result_csv;
pub mod rows;
pub mod split;
pub mod sql;
