//! Artifacts and the repository index.

pub mod kind;

pub use kind::Kind;
