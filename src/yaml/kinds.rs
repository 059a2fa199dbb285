//! Node kinds as a small enum, looked up by symbol id.
//!
//! `Node::kind` returns the kind's name through a C string, which costs a `strlen` and a
//! UTF-8 validation on every call; the conversion and the syntax checks ask for the kind of
//! every node they visit. The ids of the grammar are mapped to [`Kind`] once, by name, so a
//! lookup means exactly what comparing the name meant.

use std::sync::OnceLock;

use tree_sitter::{Language, Node};

/// The kinds the YAML front-end tells apart; every other kind is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Stream,
    Document,
    YamlDirective,
    TagDirective,
    ReservedDirective,
    TagHandle,
    TagPrefix,
    StartMarker,
    EndMarker,
    BlockNode,
    FlowNode,
    Anchor,
    Tag,
    Alias,
    Comment,
    Error,
    BlockMapping,
    BlockSequence,
    FlowMapping,
    FlowSequence,
    BlockMappingPair,
    BlockSequenceItem,
    FlowPair,
    PlainScalar,
    SingleQuoteScalar,
    DoubleQuoteScalar,
    BlockScalar,
    Colon,
    Other,
}

impl Kind {
    fn of_name(name: &str) -> Kind {
        match name {
            "stream" => Kind::Stream,
            "document" => Kind::Document,
            "yaml_directive" => Kind::YamlDirective,
            "tag_directive" => Kind::TagDirective,
            "reserved_directive" => Kind::ReservedDirective,
            "tag_handle" => Kind::TagHandle,
            "tag_prefix" => Kind::TagPrefix,
            "---" => Kind::StartMarker,
            "..." => Kind::EndMarker,
            "block_node" => Kind::BlockNode,
            "flow_node" => Kind::FlowNode,
            "anchor" => Kind::Anchor,
            "tag" => Kind::Tag,
            "alias" => Kind::Alias,
            "comment" => Kind::Comment,
            "ERROR" => Kind::Error,
            "block_mapping" => Kind::BlockMapping,
            "block_sequence" => Kind::BlockSequence,
            "flow_mapping" => Kind::FlowMapping,
            "flow_sequence" => Kind::FlowSequence,
            "block_mapping_pair" => Kind::BlockMappingPair,
            "block_sequence_item" => Kind::BlockSequenceItem,
            "flow_pair" => Kind::FlowPair,
            "plain_scalar" => Kind::PlainScalar,
            "single_quote_scalar" => Kind::SingleQuoteScalar,
            "double_quote_scalar" => Kind::DoubleQuoteScalar,
            "block_scalar" => Kind::BlockScalar,
            ":" => Kind::Colon,
            _ => Kind::Other,
        }
    }
}

/// The ids of the grammar, and the field ids the conversion reads.
struct Table {
    kinds: Vec<(Kind, bool)>,
    key: Option<std::num::NonZeroU16>,
    value: Option<std::num::NonZeroU16>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let lang: Language = tree_sitter_yaml::LANGUAGE.into();
        let kinds = (0..lang.node_kind_count())
            .map(|id| {
                let name = u16::try_from(id)
                    .ok()
                    .and_then(|id| lang.node_kind_for_id(id))
                    .unwrap_or("");
                (Kind::of_name(name), name.starts_with("block_"))
            })
            .collect();
        Table {
            kinds,
            key: lang.field_id_for_name("key"),
            value: lang.field_id_for_name("value"),
        }
    })
}

/// The kind of a node, and whether its name starts with `block_`.
fn lookup(node: Node<'_>) -> (Kind, bool) {
    match table().kinds.get(usize::from(node.kind_id())) {
        Some(&k) => k,
        // Built-in symbols beyond the grammar's own (ERROR and its repeat).
        None => {
            let name = node.kind();
            (Kind::of_name(name), name.starts_with("block_"))
        }
    }
}

/// The kind of a node (by its name, as `Node::kind` gives it).
pub(super) fn kind(node: Node<'_>) -> Kind {
    lookup(node).0
}

/// Whether the node's kind name starts with `block_`.
pub(super) fn is_block(node: Node<'_>) -> bool {
    lookup(node).1
}

/// The id of the `key` field.
pub(super) fn key_field() -> Option<std::num::NonZeroU16> {
    table().key
}

/// The id of the `value` field.
pub(super) fn value_field() -> Option<std::num::NonZeroU16> {
    table().value
}
