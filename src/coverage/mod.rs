//! `annexa coverage`: the cross-framework picture of a repository.
//!
//! For each framework in scope: every requirement (Annex A controls, clauses), its Statement
//! of Applicability decision, the organisation's controls and documents that serve it, and
//! the freshness of the evidence under those controls; the controls that serve several
//! frameworks at once; and what ISO/IEC 42001 adds beyond an ISO/IEC 27001 programme.
//!
//! `build` computes the model ([`model::Coverage`]); each renderer is a pure function of it.

pub(crate) mod build;
pub(crate) mod html;
pub(crate) mod json;
pub(crate) mod markdown;
pub(crate) mod model;
mod readiness;
pub(crate) mod table;
mod text;

pub use build::{Input, build};
