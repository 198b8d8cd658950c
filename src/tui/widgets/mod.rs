//! Reusable widgets: the one generic table every list uses.

pub mod table;
