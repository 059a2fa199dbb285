//! annexa: a policy-as-code linter for integrated ISO/IEC 27001:2022 + ISO/IEC 42001:2023
//! management systems kept in git.
//!
//! The pipeline, in order, with nothing reaching backwards:
//! `discover` (walk the repository) → `yaml` / `markdown` (parse, with spans) → `model`
//! (artifacts and the repository index) → `validate` (JSON Schemas) → rules → `render`.

pub mod adjust;
pub mod baseline;
pub mod cache;
pub mod catalog;
pub mod cli;
pub mod codes;
pub mod config;
pub mod coverage;
pub mod dates;
pub mod diagnostic;
pub mod discover;
pub mod engine;
pub mod init;
pub mod lsp;
pub mod markdown;
pub mod model;
pub mod parse;
pub mod registry;
pub mod render;
pub mod rules;
pub mod source;
pub mod suggest;
pub mod supersede;
pub mod suppress;
pub mod timings;
pub mod validate;
pub mod yaml;
