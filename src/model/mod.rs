//! Artifacts and the repository index.

pub mod artifact;
pub mod index;
pub mod kind;

pub use artifact::{Artifact, DocView};
pub use index::Index;
pub use kind::Kind;
