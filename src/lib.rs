//! annexa: a policy-as-code linter for integrated ISO/IEC 27001:2022 + ISO/IEC 42001:2023
//! management systems kept in git.
//!
//! The pipeline, run by [`engine`]: `config` → `discover` (walk and read the repository) →
//! `parse` (artifacts, over the `yaml` / `markdown` front ends, with spans) → `validate` (JSON
//! Schemas) → the `model` index → `rules` → `adjust` → `supersede` → `suppress`; `cli` then
//! applies a `baseline` and renders (`render`).
//!
//! The modules are layered, and nothing reaches backwards: no module uses one of a later layer,
//! and no two modules use each other, directly or not. Foundations (`source`, `diagnostic`,
//! `codes`, `dates`, `suggest`, `timings`) → syntax (`yaml`, `markdown`) → repository
//! (`config`, `discover`) → model (`catalog`, `model`, `registry`) → checks (`parse`,
//! `validate`, `supersede`, `rules`) → stages (`adjust`, `suppress`, `baseline`, `cache`) →
//! `engine` → outputs (`render`, `coverage`, `soa`, `pack`, `init`) → front ends (`lsp`, `cli`).
//! `docs/architecture.md` ("Layers") says what each layer may use; `tests/layers.rs` checks it.

pub mod adjust;
pub(crate) mod ai_act;
pub(crate) mod baseline;
pub(crate) mod cache;
pub mod catalog;
pub mod cli;
pub(crate) mod codes;
pub mod config;
pub(crate) mod correspondence;
pub mod coverage;
pub mod crosswalk;
pub mod dates;
pub mod diagnostic;
pub(crate) mod discover;
pub(crate) mod due;
pub mod engine;
pub(crate) mod git;
pub(crate) mod init;
pub(crate) mod lsp;
pub mod markdown;
pub mod model;
pub(crate) mod oscal;
pub(crate) mod pack;
pub(crate) mod parse;
pub(crate) mod pointer;
pub mod registry;
pub mod render;
pub mod rules;
pub(crate) mod soa;
pub mod source;
pub(crate) mod suggest;
pub(crate) mod supersede;
pub(crate) mod suppress;
pub(crate) mod timings;
pub(crate) mod validate;
pub mod yaml;
