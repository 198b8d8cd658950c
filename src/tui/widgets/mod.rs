//! Reusable widgets: the one generic table every list uses (with the column fitting of narrow terminals), and
//! the boxes-and-arrows tree.

pub mod fit;
pub mod table;
pub mod tree;
