//! The server loop: lifecycle (`initialize`, `shutdown`, `exit`), document synchronisation,
//! and the requests.
//!
//! One thread reads and frames messages; the main thread handles them in order. After each
//! batch of messages that are already waiting, the repository is checked again if a
//! document changed, and the diagnostics of every open document are published — so a burst
//! of keystrokes costs one check, not one per keystroke. A request that reads positions
//! (hover, definition) checks first, so that it always sees the latest text.

use std::io::{self, BufRead, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    CompletionOptions, CompletionParams, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DocumentSymbolParams, GotoDefinitionParams, GotoDefinitionResponse,
    Hover, HoverContents, HoverParams, HoverProviderCapability, InitializeResult, MarkupContent,
    MarkupKind, OneOf, PublishDiagnosticsParams, ReferenceParams, ServerCapabilities, ServerInfo,
    ShowMessageParams, TextDocumentPositionParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use serde_json::Value;

use super::convert::{Encoding, LineIndex, Locate};
use super::lookup::{self, Scalar};
use super::transport::{self, Incoming};
use super::workspace::Workspace;
use super::{definition, editing, hover};

/// How the server is started.
#[derive(Debug, Clone, Default)]
pub(crate) struct Config {
    /// The date rules treat as today; `None`: the system's date at each check. The client
    /// can also set it with the initialization option `today`.
    pub today: Option<jiff::civil::Date>,
}

/// Serve over standard input and output; returns the process exit code (0 after
/// `shutdown` then `exit`, 1 otherwise, as the protocol specifies).
pub(crate) fn run_stdio(config: Config) -> u8 {
    let stdout = io::stdout();
    let out = io::BufWriter::new(stdout.lock());
    serve(io::BufReader::new(io::stdin()), out, config)
}

/// Serve over any pair of streams (the reader runs on its own thread).
pub(crate) fn serve(
    input: impl BufRead + Send + 'static,
    output: impl Write,
    config: Config,
) -> u8 {
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::Builder::new()
        .name("annexa-lsp-reader".into())
        .spawn(move || {
            let mut input = input;
            loop {
                match transport::read(&mut input) {
                    Ok(Some(m)) => {
                        if tx.send(m).is_err() {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        log(format_args!("cannot read input: {e}"));
                        break;
                    }
                }
            }
        });
    if let Err(e) = reader {
        log(format_args!("cannot start the reader thread: {e}"));
        return 1;
    }
    Server::new(output, config).run(&rx)
}

fn log(message: std::fmt::Arguments<'_>) {
    eprintln!("annexa lsp: {message}");
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Uninitialized,
    Running,
    ShutDown,
}

enum Flow {
    Continue,
    Exit(u8),
}

struct Server<W: Write> {
    out: W,
    output_failed: bool,
    phase: Phase,
    config: Config,
    encoding: Encoding,
    workspace: Workspace,
    /// A document changed since the last check.
    dirty: bool,
    /// The last problem shown with `window/showMessage` (not repeated on every check).
    shown_problem: Option<String>,
}

impl<W: Write> Server<W> {
    fn new(out: W, config: Config) -> Self {
        let workspace = Workspace::new(None, config.today);
        Server {
            out,
            output_failed: false,
            phase: Phase::Uninitialized,
            config,
            encoding: Encoding::Utf16,
            workspace,
            dirty: false,
            shown_problem: None,
        }
    }

    fn run(mut self, rx: &Receiver<Incoming>) -> u8 {
        loop {
            let Ok(first) = rx.recv() else {
                // The input ended without `exit`.
                return u8::from(self.phase != Phase::ShutDown);
            };
            if let Flow::Exit(code) = self.handle(first) {
                return code;
            }
            while let Ok(next) = rx.try_recv() {
                if let Flow::Exit(code) = self.handle(next) {
                    return code;
                }
            }
            self.refresh();
            if self.output_failed {
                log(format_args!("the output is closed; stopping"));
                return 1;
            }
        }
    }

    fn handle(&mut self, incoming: Incoming) -> Flow {
        match incoming {
            Incoming::Message(m) => {
                let id = match &m {
                    Message::Request(r) => Some(r.id.clone()),
                    _ => None,
                };
                match catch_unwind(AssertUnwindSafe(|| self.dispatch(m))) {
                    Ok(flow) => flow,
                    Err(_) => {
                        log(format_args!("internal error while handling a message"));
                        if let Some(id) = id {
                            self.error(id, ErrorCode::InternalError, "internal error");
                        }
                        Flow::Continue
                    }
                }
            }
            Incoming::Invalid { id, code, message } => {
                log(format_args!("{message}"));
                let sent = transport::write_error(&mut self.out, id, code, &message);
                self.note_write(sent);
                Flow::Continue
            }
        }
    }

    fn dispatch(&mut self, message: Message) -> Flow {
        match message {
            Message::Request(r) => {
                self.request(r);
                Flow::Continue
            }
            Message::Notification(n) => self.notification(n),
            Message::Response(_) => Flow::Continue, // the server sends no requests
        }
    }

    fn request(&mut self, req: Request) {
        match (self.phase, req.method.as_str()) {
            (Phase::Uninitialized, "initialize") => self.initialize(req),
            (Phase::Uninitialized, _) => self.error(
                req.id,
                ErrorCode::ServerNotInitialized,
                "the server is not initialized",
            ),
            (Phase::ShutDown, _) => self.error(
                req.id,
                ErrorCode::InvalidRequest,
                "the server is shutting down",
            ),
            (Phase::Running, "initialize") => self.error(
                req.id,
                ErrorCode::InvalidRequest,
                "the server is already initialized",
            ),
            (Phase::Running, "shutdown") => {
                self.phase = Phase::ShutDown;
                self.reply(req.id, Value::Null);
            }
            (Phase::Running, "textDocument/hover") => {
                if let Some((id, params)) = self.params::<HoverParams>(req) {
                    let result = self.hover(&params.text_document_position_params);
                    self.reply(id, result);
                }
            }
            (Phase::Running, "textDocument/definition") => {
                if let Some((id, params)) = self.params::<GotoDefinitionParams>(req) {
                    let result = self.definition(&params.text_document_position_params);
                    self.reply(id, result);
                }
            }
            (Phase::Running, "textDocument/completion") => {
                if let Some((id, params)) = self.params::<CompletionParams>(req) {
                    self.refresh();
                    let result = editing::completion(
                        &self.workspace,
                        &params.text_document_position,
                        self.encoding,
                    );
                    self.reply(id, result);
                }
            }
            (Phase::Running, "textDocument/codeAction") => {
                if let Some((id, params)) = self.params::<CodeActionParams>(req) {
                    self.refresh();
                    let result = editing::code_actions(&self.workspace, &params, self.encoding);
                    self.reply(id, result);
                }
            }
            (Phase::Running, "textDocument/documentSymbol") => {
                if let Some((id, params)) = self.params::<DocumentSymbolParams>(req) {
                    self.refresh();
                    let result = editing::document_symbols(
                        &self.workspace,
                        &params.text_document.uri,
                        self.encoding,
                    );
                    self.reply(id, result);
                }
            }
            (Phase::Running, "textDocument/references") => {
                if let Some((id, params)) = self.params::<ReferenceParams>(req) {
                    self.refresh();
                    let result =
                        self.scalar_at(&params.text_document_position)
                            .and_then(|(scalar, _)| {
                                editing::references(
                                    &self.workspace,
                                    scalar.value,
                                    params.context.include_declaration,
                                    self.encoding,
                                )
                            });
                    self.reply(id, result);
                }
            }
            (Phase::Running, method) => {
                let message = format!("unknown method `{method}`");
                self.error(req.id, ErrorCode::MethodNotFound, &message);
            }
        }
    }

    /// The typed parameters of a request, or an `InvalidParams` error response.
    fn params<P: serde::de::DeserializeOwned>(&mut self, req: Request) -> Option<(RequestId, P)> {
        match serde_json::from_value(req.params) {
            Ok(p) => Some((req.id, p)),
            Err(e) => {
                let message = format!("invalid parameters of `{}`: {e}", req.method);
                log(format_args!("{message}"));
                self.error(req.id, ErrorCode::InvalidParams, &message);
                None
            }
        }
    }

    fn notification(&mut self, n: Notification) -> Flow {
        if n.method == "exit" {
            return Flow::Exit(u8::from(self.phase != Phase::ShutDown));
        }
        if self.phase != Phase::Running {
            return Flow::Continue;
        }
        let method = n.method.clone();
        let parsed = match method.as_str() {
            "textDocument/didOpen" => serde_json::from_value(n.params).map(|p| self.did_open(p)),
            "textDocument/didChange" => {
                serde_json::from_value(n.params).map(|p| self.did_change(p))
            }
            "textDocument/didClose" => serde_json::from_value(n.params).map(|p| self.did_close(p)),
            // Files other than open documents (annexa.toml, rule files) are read from disk.
            "textDocument/didSave" | "workspace/didChangeWatchedFiles" => {
                self.workspace.disk_changed();
                self.dirty = true;
                Ok(())
            }
            _ => Ok(()), // `initialized`, `$/cancelRequest`, settings, …
        };
        if let Err(e) = parsed {
            log(format_args!("invalid parameters of `{method}`: {e}"));
        }
        Flow::Continue
    }

    fn initialize(&mut self, req: Request) {
        let params = &req.params;
        let offered = params
            .pointer("/capabilities/general/positionEncodings")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str);
        self.encoding = Encoding::negotiate(offered);
        let today = match params.pointer("/initializationOptions/today") {
            Some(Value::String(s)) => match s.parse::<jiff::civil::Date>() {
                Ok(d) => Some(d),
                Err(e) => {
                    log(format_args!(
                        "ignoring initialization option today `{s}`: {e}"
                    ));
                    None
                }
            },
            _ => None,
        };
        let root = workspace_root(params);
        self.workspace = Workspace::new(root.as_deref(), today.or(self.config.today));
        if let Some(root) = self.workspace.root() {
            log(format_args!("repository root {}", root.display()));
        }
        let capabilities = ServerCapabilities {
            position_encoding: Some(self.encoding.kind()),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::FULL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    ..Default::default()
                },
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            definition_provider: Some(OneOf::Left(true)),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some([":", " ", "/", "-", "[", ","].map(String::from).to_vec()),
                ..Default::default()
            }),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                ..Default::default()
            })),
            document_symbol_provider: Some(OneOf::Left(true)),
            references_provider: Some(OneOf::Left(true)),
            ..Default::default()
        };
        let result = InitializeResult {
            capabilities,
            server_info: Some(ServerInfo {
                name: "annexa".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        };
        self.phase = Phase::Running;
        self.reply(req.id, result);
    }

    fn did_open(&mut self, p: DidOpenTextDocumentParams) {
        let doc = p.text_document;
        self.workspace.open(doc.uri, doc.version, doc.text);
        self.workspace.disk_changed();
        self.dirty = true;
    }

    fn did_change(&mut self, p: DidChangeTextDocumentParams) {
        let doc = p.text_document;
        if self
            .workspace
            .change(&doc.uri, doc.version, p.content_changes, self.encoding)
        {
            self.dirty = true;
        } else {
            log(format_args!(
                "change to `{}`, which is not open",
                doc.uri.as_str()
            ));
        }
    }

    fn did_close(&mut self, p: DidCloseTextDocumentParams) {
        if let Some(doc) = self.workspace.close(&p.text_document.uri) {
            if doc.rel.is_some() {
                self.publish(PublishDiagnosticsParams {
                    uri: doc.uri,
                    diagnostics: Vec::new(),
                    version: None,
                });
            }
            // Other documents are now judged against the file on disk.
            self.workspace.disk_changed();
            self.dirty = true;
        }
    }

    /// Check again if a document changed, and publish every open document's diagnostics.
    fn refresh(&mut self) {
        if !self.dirty {
            return;
        }
        self.dirty = false;
        if !self.workspace.has_documents() {
            return;
        }
        let report = self.workspace.check();
        log(format_args!(
            "checked {} files in {} ms",
            report.files,
            report.elapsed.as_millis()
        ));
        if report.problem != self.shown_problem {
            if let Some(problem) = &report.problem {
                log(format_args!("{problem}"));
                self.notify::<lsp_types::notification::ShowMessage>(ShowMessageParams {
                    typ: lsp_types::MessageType::ERROR,
                    message: problem.clone(),
                });
            }
            self.shown_problem = report.problem;
        }
        for p in self.workspace.publications(self.encoding) {
            self.publish(p);
        }
    }

    /// The document, its repository-relative path and the byte offset of a position;
    /// `None` when any of them does not exist.
    fn scalar_at(&self, at: &TextDocumentPositionParams) -> Option<(Scalar<'_>, LineIndex<'_>)> {
        let doc = self.workspace.document(&at.text_document.uri)?;
        let rel = doc.rel.as_deref()?;
        let outcome = self.workspace.outcome()?;
        let text = self.workspace.text(rel)?;
        let lines = LineIndex::new(text);
        let offset = lines.offset(at.position, self.encoding)?;
        let scalar = lookup::scalar_at(&outcome.artifacts, rel, offset)?;
        Some((scalar, lines))
    }

    fn hover(&mut self, at: &TextDocumentPositionParams) -> Option<Hover> {
        self.refresh();
        let (scalar, lines) = self.scalar_at(at)?;
        let outcome = self.workspace.outcome()?;
        let value = hover::markdown(&scalar, &outcome.artifacts, &outcome.catalogs)?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            }),
            range: Some(lines.range(scalar.span, self.encoding)),
        })
    }

    fn definition(&mut self, at: &TextDocumentPositionParams) -> Option<GotoDefinitionResponse> {
        self.refresh();
        let (scalar, _) = self.scalar_at(at)?;
        let outcome = self.workspace.outcome()?;
        let root = self.workspace.root()?;
        let locator = self.workspace.locator(self.encoding);
        let mut locations: Vec<lsp_types::Location> =
            definition::targets(&scalar, &outcome.artifacts, root)
                .into_iter()
                .filter_map(|t| locator.locate(&t.file, t.span))
                .collect();
        match locations.len() {
            0 => None,
            1 => locations.pop().map(GotoDefinitionResponse::Scalar),
            _ => Some(GotoDefinitionResponse::Array(locations)),
        }
    }

    fn publish(&mut self, params: PublishDiagnosticsParams) {
        self.notify::<lsp_types::notification::PublishDiagnostics>(params);
    }

    fn notify<N: lsp_types::notification::Notification>(&mut self, params: N::Params) {
        let message = Message::Notification(Notification::new(N::METHOD.to_string(), params));
        self.send(&message);
    }

    fn reply(&mut self, id: RequestId, result: impl serde::Serialize) {
        let message = match serde_json::to_value(result) {
            Ok(v) => Response::new_ok(id, v),
            Err(e) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("cannot encode the result: {e}"),
            ),
        };
        self.send(&Message::Response(message));
    }

    fn error(&mut self, id: RequestId, code: ErrorCode, message: &str) {
        let response = Response::new_err(id, code as i32, message.to_string());
        self.send(&Message::Response(response));
    }

    fn send(&mut self, message: &Message) {
        let sent = transport::write(&mut self.out, message);
        self.note_write(sent);
    }

    fn note_write(&mut self, sent: io::Result<()>) {
        if let Err(e) = sent {
            if !self.output_failed {
                log(format_args!("cannot write output: {e}"));
            }
            self.output_failed = true;
        }
    }
}

/// The folder the client opened: `rootUri`, else the first of `workspaceFolders`, else
/// `rootPath`.
fn workspace_root(params: &Value) -> Option<PathBuf> {
    let from_uri = |v: Option<&Value>| {
        let uri: Uri = v?.as_str()?.parse().ok()?;
        super::convert::uri_to_path(&uri)
    };
    from_uri(params.get("rootUri"))
        .or_else(|| from_uri(params.pointer("/workspaceFolders/0/uri")))
        .or_else(|| {
            let p = PathBuf::from(params.get("rootPath")?.as_str()?);
            p.is_absolute().then_some(p)
        })
}
