//! Artifacts, the repository index, and the compliance model built from them.

pub mod artifact;
pub mod compliance;
pub mod index;
pub mod kind;

pub use artifact::{Artifact, DocView};
pub use compliance::Compliance;
pub use index::Index;
pub use kind::Kind;
