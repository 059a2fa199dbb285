//! Artifacts, the repository index, and the compliance model built from them.

pub(crate) mod artifact;
pub(crate) mod compliance;
pub(crate) mod index;
pub(crate) mod kind;
pub(crate) mod views;

pub use artifact::Artifact;
pub(crate) use artifact::DocView;
pub(crate) use compliance::Compliance;
pub(crate) use index::Index;
pub use kind::Kind;
