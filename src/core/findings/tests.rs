//! Unit tests of the findings parsers and model.
