//! Reusable widgets: the one generic table every list uses, and the boxes-and-arrows tree.

pub mod table;
pub mod tree;
