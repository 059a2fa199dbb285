//! The requests that help write artifacts — completion, quick fixes, document symbols and
//! references — answered from the workspace's last check and converted to the protocol's
//! positions. What they compute lives in [`completion`], [`actions`] and [`symbols`]; this
//! module only finds the document and converts.

use std::collections::HashMap;
use std::path::Path;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CompletionResponse,
    DocumentSymbol, DocumentSymbolResponse, Location, TextDocumentPositionParams, TextEdit, Uri,
    WorkspaceEdit,
};

use super::convert::{self, Encoding, LineIndex, Locate};
use super::workspace::Workspace;
use super::{actions, completion, symbols};
use crate::discover::Format;
use crate::source::Span;

/// `textDocument/completion`.
pub(crate) fn completion(
    workspace: &Workspace,
    at: &TextDocumentPositionParams,
    enc: Encoding,
) -> Option<CompletionResponse> {
    let doc = workspace.document(&at.text_document.uri)?;
    let rel = doc.rel.as_deref()?;
    let text: &str = &doc.text;
    let lines = LineIndex::new(text);
    let offset = lines.offset(at.position, enc)?;
    let region = match Format::of(Path::new(rel))? {
        Format::Yaml => 0..text.len(),
        Format::Markdown => {
            let md = crate::markdown::parse(text, &crate::yaml::Limits::default());
            let fm = md.front_matter?;
            fm.start..fm.end
        }
    };
    let outcome = workspace.outcome();
    let artifacts = outcome.map_or(&[][..], |o| &o.artifacts);
    let catalogs = match outcome {
        Some(o) => &o.catalogs,
        None => crate::catalog::builtin().as_ref().ok()?,
    };
    let (cx, found, incomplete) =
        completion::candidates(text, region, offset, artifacts, catalogs)?;
    let range = lines.range(Span::new(cx.prefix_start, offset), enc);
    Some(CompletionResponse::List(completion::list(
        found, range, incomplete,
    )))
}

/// `textDocument/codeAction`: the quick fixes of the findings in the range.
pub(crate) fn code_actions(
    workspace: &Workspace,
    params: &CodeActionParams,
    enc: Encoding,
) -> Vec<CodeActionOrCommand> {
    let wanted = params.context.only.as_ref().is_none_or(|only| {
        only.iter()
            .any(|k| CodeActionKind::QUICKFIX.as_str().starts_with(k.as_str()))
    });
    let uri = &params.text_document.uri;
    let (Some(outcome), Some(rel), true) = (
        workspace.outcome(),
        workspace.document(uri).and_then(|d| d.rel.as_deref()),
        wanted,
    ) else {
        return Vec::new();
    };
    let Some(text) = workspace.text(rel) else {
        return Vec::new();
    };
    let lines = LineIndex::new(text);
    let offset = |p| lines.offset(p, enc).unwrap_or(text.len());
    let range = Span::new(offset(params.range.start), offset(params.range.end));
    let locator = workspace.locator(enc);
    actions::fixes(&outcome.diagnostics, rel, range, text, &outcome.artifacts)
        .into_iter()
        .map(|fix| {
            let edit = TextEdit {
                range: lines.range(fix.span, enc),
                new_text: fix.replacement,
            };
            CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![convert::diagnostic(
                    fix.diagnostic,
                    &lines,
                    enc,
                    &locator,
                )]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                    ..Default::default()
                }),
                is_preferred: Some(true),
                ..Default::default()
            })
        })
        .collect()
}

/// `textDocument/documentSymbol`.
pub(crate) fn document_symbols(
    workspace: &Workspace,
    uri: &Uri,
    enc: Encoding,
) -> Option<DocumentSymbolResponse> {
    let rel = workspace.document(uri)?.rel.as_deref()?;
    let outcome = workspace.outcome()?;
    let lines = LineIndex::new(workspace.text(rel)?);
    let found = symbols::document(&outcome.artifacts, rel);
    Some(DocumentSymbolResponse::Nested(
        found.into_iter().map(|s| symbol(s, &lines, enc)).collect(),
    ))
}

#[allow(deprecated)] // `DocumentSymbol::deprecated`, which the protocol keeps
fn symbol(s: symbols::Symbol, lines: &LineIndex<'_>, enc: Encoding) -> DocumentSymbol {
    DocumentSymbol {
        name: s.name,
        detail: s.detail,
        kind: s.kind,
        tags: None,
        deprecated: None,
        range: lines.range(s.span, enc),
        selection_range: lines.range(s.selection, enc),
        children: (!s.children.is_empty()).then(|| {
            s.children
                .into_iter()
                .map(|c| symbol(c, lines, enc))
                .collect()
        }),
    }
}

/// `textDocument/references` of the string `value` under the cursor.
pub(crate) fn references(
    workspace: &Workspace,
    value: &str,
    declarations: bool,
    enc: Encoding,
) -> Option<Vec<Location>> {
    let outcome = workspace.outcome()?;
    let locator = workspace.locator(enc);
    let found: Vec<Location> = symbols::references(&outcome.artifacts, value, declarations)
        .into_iter()
        .filter_map(|p| locator.locate(&p.file, p.span))
        .collect();
    (!found.is_empty()).then_some(found)
}
