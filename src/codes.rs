//! The engine's own diagnostic codes, as constants: every place that emits or tests an engine
//! code names it through this module, so a typo is a compile error. Their titles,
//! documentation, default severities and [`Policy`](crate::registry::Policy) (what
//! configuration may do to them) are declared once, in `rules/engine.yaml`; a test in
//! `registry` checks that the two lists are the same.

pub(crate) const FILE001: &str = "FILE001";
pub(crate) const FILE002: &str = "FILE002";
pub(crate) const FILE003: &str = "FILE003";
pub(crate) const FILE004: &str = "FILE004";
pub(crate) const FILE005: &str = "FILE005";
pub(crate) const KIND001: &str = "KIND001";
pub(crate) const KIND002: &str = "KIND002";
pub(crate) const KIND003: &str = "KIND003";
pub(crate) const YAML001: &str = "YAML001";
pub(crate) const YAML002: &str = "YAML002";
pub(crate) const YAML003: &str = "YAML003";
pub(crate) const YAML004: &str = "YAML004";
pub(crate) const YAML005: &str = "YAML005";
pub(crate) const SCH001: &str = "SCH001";
pub(crate) const SCH002: &str = "SCH002";
pub(crate) const SCH003: &str = "SCH003";
pub(crate) const SCH004: &str = "SCH004";
pub(crate) const SCH005: &str = "SCH005";
pub(crate) const CFG001: &str = "CFG001";
pub(crate) const INT001: &str = "INT001";
pub(crate) const RULE001: &str = "RULE001";
pub(crate) const CAT001: &str = "CAT001";
pub(crate) const SUP001: &str = "SUP001";
pub(crate) const SUP002: &str = "SUP002";
pub(crate) const SUP003: &str = "SUP003";
pub(crate) const GIT001: &str = "GIT001";

/// Every engine code, in declaration order.
pub(crate) const ALL: &[&str] = &[
    FILE001, FILE002, FILE003, FILE004, FILE005, KIND001, KIND002, KIND003, YAML001, YAML002,
    YAML003, YAML004, YAML005, SCH001, SCH002, SCH003, SCH004, SCH005, CFG001, INT001, RULE001,
    CAT001, SUP001, SUP002, SUP003, GIT001,
];
