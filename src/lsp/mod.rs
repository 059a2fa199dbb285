//! `annexa lsp`: a language server over standard input and output, built on the same
//! engine as `annexa check`.
//!
//! - live diagnostics: every change to an open document re-checks the whole repository with
//!   the open buffers in place of their files (from memory), and publishes the findings of
//!   every open document;
//! - hover: on a requirement reference (`iso27001:2022/A.5.15`) its title (titles only), on
//!   an artifact id the artifact's kind, title and file;
//! - go to definition: from an artifact id to the artifact that defines it, from a
//!   repository path (evidence `location`) to that file;
//! - completion (field names, fixed values, artifact ids, requirement ids), quick fixes
//!   (suggestions, a missing SoA entry), document symbols and references.
//!
//! Modules: [`transport`] (framing), [`server`] (lifecycle and dispatch), [`workspace`]
//! (documents and checks), [`convert`] (positions, URIs, diagnostics), [`lookup`] (what is
//! under the cursor), [`hover`], [`definition`]; for writing: [`editing`] (the requests),
//! [`context`] (the cursor's place in the YAML being typed), [`schema`] (what the schemas
//! allow there), [`targets`] (what a reference names, from the rules), [`completion`],
//! [`actions`], [`symbols`]. `docs/editors.md` shows how to use it from editors.

pub(crate) mod actions;
pub(crate) mod completion;
pub(crate) mod context;
pub(crate) mod convert;
pub(crate) mod definition;
pub(crate) mod editing;
pub(crate) mod hover;
pub(crate) mod lookup;
pub(crate) mod schema;
pub(crate) mod server;
pub(crate) mod symbols;
pub(crate) mod targets;
pub(crate) mod transport;
pub(crate) mod workspace;

pub(crate) use server::{Config, run_stdio};
