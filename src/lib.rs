//! annexa: a policy-as-code linter for integrated ISO/IEC 27001:2022 + ISO/IEC 42001:2023
//! management systems kept in git.
//!
//! The pipeline, in order, with nothing reaching backwards:
//! `discover` (walk the repository) → `yaml` / `markdown` (parse, with spans) → `model`
//! (artifacts and the repository index) → `validate` (JSON Schemas) → rules → `render`.

pub mod diagnostic;
pub mod markdown;
pub mod model;
pub mod registry;
pub mod render;
pub mod source;
pub mod yaml;
pub mod config;
pub mod discover;
pub mod engine;
pub mod parse;
pub mod validate;
pub mod cli;
pub mod dates;
pub mod catalog;
pub mod rules;
pub mod adjust;
pub mod suppress;
pub mod baseline;
