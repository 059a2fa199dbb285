//! The language server, driven as an editor drives it: the real binary (`annexa lsp`) over
//! standard input and output, with `Content-Length`-framed JSON-RPC messages, against a
//! copy of the example organisation. Every read has a deadline, so a hung server fails the
//! test instead of hanging it.

use std::path::PathBuf;

use serde_json::{Value, json};

mod common;

use common::lsp::{Server, uri};

/// A temporary copy of `fixtures/example-org`.
fn example_org() -> (tempfile::TempDir, PathBuf) {
    common::fixture_copy("example-org")
}

/// The line (0-based) of the first line of `text` containing `needle`, and the character
/// where it starts (UTF-16 code units, or bytes when `utf8`).
fn find(text: &str, needle: &str, utf8: bool) -> (u32, u32) {
    for (i, line) in text.lines().enumerate() {
        if let Some(b) = line.find(needle) {
            let character = if utf8 {
                b
            } else {
                line[..b].encode_utf16().count()
            };
            return (i as u32, character as u32);
        }
    }
    panic!("`{needle}` not found");
}

#[test]
fn diagnostics_hover_and_definition_over_stdio() {
    let (_dir, root) = example_org();
    let mut server = Server::start();
    let init = server.initialize(&root, json!({}));
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16", "{init}");
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["definitionProvider"], true);
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    assert_eq!(caps["textDocumentSync"]["change"], 1); // full
    assert_eq!(init["result"]["serverInfo"]["name"], "annexa");

    // Opening a clean control: its (empty) diagnostics are published.
    let control_path = root.join("controls/access-control.yaml");
    let control = uri(&control_path);
    let text = std::fs::read_to_string(&control_path).unwrap();
    server.open(&control, &text);
    let diags = server.diagnostics(&control, |_| true);
    assert!(diags.is_empty(), "{diags:#?}");

    // A typo in a field name: SCH002 at the key.
    let changed = format!("{text}colected_on: 2026-10-02\n");
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": control, "version": 2},
            "contentChanges": [{"text": changed}],
        }),
    );
    let diags = server.diagnostics(&control, |d| !d.is_empty());
    let sch002 = diags
        .iter()
        .find(|d| d["code"] == "SCH002")
        .unwrap_or_else(|| panic!("no SCH002 in {diags:#?}"));
    let line = text.lines().count();
    assert_eq!(
        sch002["range"],
        json!({"start": {"line": line, "character": 0}, "end": {"line": line, "character": 11}})
    );
    assert_eq!(sch002["severity"], 1);
    assert_eq!(sch002["source"], "annexa");
    let message = sch002["message"].as_str().unwrap();
    assert!(message.contains("unknown field `colected_on`"), "{message}");
    assert!(message.contains("\nhelp: known fields here:"), "{message}");

    // Hover on a requirement reference: its title.
    let at = find(&changed, "iso27001:2022/A.5.15", false);
    let hover = server.request("textDocument/hover", Server::at(&control, (at.0, at.1 + 3)));
    let contents = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(contents.contains("A.5.15 Access control"), "{hover}");
    assert!(contents.contains("ISO/IEC 27001:2022"), "{hover}");
    assert_eq!(hover["result"]["range"]["start"]["character"], at.1);

    // Definition: from a control id in an evidence record's `supports` to the control.
    let evidence_path = root.join("evidence/access.yaml");
    let evidence = uri(&evidence_path);
    let evidence_text = std::fs::read_to_string(&evidence_path).unwrap();
    server.open(&evidence, &evidence_text);
    let at = find(&evidence_text, "CTL-ACCESS-CONTROL]", false);
    let def = server.request(
        "textDocument/definition",
        Server::at(&evidence, (at.0, at.1 + 5)),
    );
    let target = &def["result"];
    assert_eq!(target["uri"], control, "{def}");
    let id_at = find(&text, "CTL-ACCESS-CONTROL", false);
    assert_eq!(
        target["range"]["start"],
        json!({"line": id_at.0, "character": id_at.1}),
        "{def}"
    );

    // Hover on the same id: the artifact's kind, title and file.
    let hover = server.request(
        "textDocument/hover",
        Server::at(&evidence, (at.0, at.1 + 5)),
    );
    let contents = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(contents.contains("control"), "{hover}");
    assert!(
        contents.contains("Access control, authentication and privileged access"),
        "{hover}"
    );
    assert!(contents.contains("controls/access-control.yaml"), "{hover}");

    // Closing a document clears its diagnostics.
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": control}}),
    );
    server.diagnostics(&control, <[Value]>::is_empty);

    assert_eq!(server.stop(), 0);
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let (_dir, root) = example_org();
    let mut server = Server::start();
    let init = server.initialize(
        &root,
        json!({"general": {"positionEncodings": ["utf-16", "utf-8"]}}),
    );
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-8");

    // A document that is not on disk yet, with non-ASCII text before a reference and in an
    // unknown key.
    let path = root.join("controls/new-control.yaml");
    let doc = uri(&path);
    let text = "annexa: v1\nkind: control\nid: CTL-NEW\ntitle: Contrôle d’accès\nowner: Head of IT\n\
                description: Nouveau contrôle.\nsatisfies: [\"é😀\", iso27001:2022/A.5.15]\n\
                review:\n  interval: 12mo\n  last_reviewed: 2026-05-21\nstatus: implemented\n\
                clé😀: x\n";
    server.open(&doc, text);
    let diags = server.diagnostics(&doc, |d| d.iter().any(|d| d["code"] == "SCH002"));
    let sch002 = diags.iter().find(|d| d["code"] == "SCH002").unwrap();
    let (line, _) = find(text, "clé😀", true);
    // `clé😀` is 8 bytes (1 + 1 + 2 + 4; 5 UTF-16 units): UTF-8 positions count bytes.
    assert_eq!(
        sch002["range"],
        json!({"start": {"line": line, "character": 0}, "end": {"line": line, "character": 8}}),
        "{diags:#?}"
    );

    let (line, character) = find(text, "iso27001:2022/A.5.15", true);
    let hover = server.request("textDocument/hover", Server::at(&doc, (line, character)));
    let contents = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(contents.contains("Access control"), "{hover}");
    assert_eq!(
        hover["result"]["range"],
        json!({"start": {"line": line, "character": character},
               "end": {"line": line, "character": character + 20}})
    );
    // In UTF-16 units the reference starts 4 earlier (`é😀` is 3 units, 6 bytes)… which, read
    // as bytes, lands inside `"é😀"`: no reference there.
    let hover = server.request(
        "textDocument/hover",
        Server::at(&doc, (line, character - 4)),
    );
    assert_eq!(hover["result"], Value::Null, "{hover}");

    assert_eq!(server.stop(), 0);
}

#[test]
fn malformed_input_never_stops_the_server() {
    let (_dir, root) = example_org();
    let mut server = Server::start();

    // Before `initialize`: an error, not a crash.
    let r = server.request("textDocument/hover", json!({}));
    assert_eq!(r["error"]["code"], -32002, "{r}");

    server.initialize(&root, json!({}));

    // Not JSON: a parse error with a null id.
    server.send_raw(b"{this is not json");
    let r = server.expect("parse error", |m| m["error"]["code"] == -32700);
    assert_eq!(r["id"], Value::Null);

    // A request whose method is not a string.
    server.send_raw(br#"{"jsonrpc":"2.0","id":"x","method":42}"#);
    let r = server.expect("invalid request", |m| m["id"] == "x");
    assert_eq!(r["error"]["code"], -32600, "{r}");

    // Parameters of the wrong shape.
    let r = server.request("textDocument/hover", json!({"textDocument": 3}));
    assert_eq!(r["error"]["code"], -32602, "{r}");

    // An unknown method.
    let r = server.request("annexa/unknown", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");

    // A notification with bad parameters, and one for a document never opened.
    server.notify("textDocument/didOpen", json!({"textDocument": null}));
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///nowhere.yaml", "version": 2}, "contentChanges": []}),
    );

    // Positions that do not exist, documents that are not open or outside the repository.
    let control = uri(&root.join("controls/access-control.yaml"));
    server.open(
        &control,
        &std::fs::read_to_string(root.join("controls/access-control.yaml")).unwrap(),
    );
    for (uri, line, character) in [
        (control.as_str(), 9999, 0),
        (control.as_str(), 0, u32::MAX),
        ("file:///not/open.yaml", 0, 0),
        ("untitled:Untitled-1", 0, 0),
    ] {
        let r = server.request("textDocument/hover", Server::at(uri, (line, character)));
        assert_eq!(r["result"], Value::Null, "{r}");
        let r = server.request(
            "textDocument/definition",
            Server::at(uri, (line, character)),
        );
        assert_eq!(r["result"], Value::Null, "{r}");
    }
    let outside = tempfile::tempdir().unwrap();
    let outside_doc = uri(&outside.path().join("x.yaml"));
    server.open(&outside_doc, "annexa: v1\nkind: control\n");

    // Still alive and well.
    let r = server.request("textDocument/hover", Server::at(&control, (0, 0)));
    assert!(r.get("error").is_none(), "{r}");
    assert_eq!(server.stop(), 0);
}

#[test]
fn exit_without_shutdown_is_an_error_exit() {
    let mut server = Server::start();
    server.notify("exit", Value::Null);
    assert_eq!(server.wait(), 1);
}

#[test]
fn root_from_the_first_document_and_ignored_files_stay_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let artifact = "annexa: v1\nkind: control\nid: CTL-A\ncolour: red\n";
    std::fs::write(root.join("annexa.toml"), "").unwrap();
    std::fs::write(root.join("a.yaml"), artifact).unwrap();
    std::fs::create_dir(root.join("drafts")).unwrap();
    std::fs::write(root.join("drafts/b.yaml"), artifact).unwrap();
    std::fs::write(root.join(".annexaignore"), "drafts/\n").unwrap();

    let mut server = Server::start();
    // No root from the client: the repository of the first document opened.
    let init = server.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    assert!(init.get("result").is_some(), "{init}");
    server.notify("initialized", json!({}));

    let a = uri(&root.join("a.yaml"));
    server.open(&a, artifact);
    let diags = server.diagnostics(&a, |d| !d.is_empty());
    assert!(diags.iter().any(|d| d["code"] == "SCH002"), "{diags:#?}");

    // A file the repository ignores is not checked, even while open.
    let b = uri(&root.join("drafts/b.yaml"));
    server.open(&b, artifact);
    let diags = server.diagnostics(&b, |_| true);
    assert!(diags.is_empty(), "{diags:#?}");

    assert_eq!(server.stop(), 0);
}

/// Edits are checked from memory, re-parsing only the edited buffer; files on disk are read
/// again when a document is saved or the client reports changed files.
#[test]
fn edits_are_checked_incrementally_and_disk_changes_are_seen_on_save() {
    let (_dir, root) = example_org();
    let mut server = Server::start();
    server.initialize(&root, json!({}));
    let evidence_path = root.join("evidence/access.yaml");
    let evidence = uri(&evidence_path);
    let text = std::fs::read_to_string(&evidence_path).unwrap();
    assert!(text.contains("CTL-ACCESS-CONTROL]"), "{text}");
    server.open(&evidence, &text);
    assert!(server.diagnostics(&evidence, |_| true).is_empty());

    let mentions = |diags: &[Value], what: &str| {
        diags
            .iter()
            .any(|d| d["message"].as_str().unwrap_or_default().contains(what))
    };
    let mut version = 1;
    let mut edit = |server: &mut Server, new: &str| {
        version += 1;
        server.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": evidence, "version": version},
                "contentChanges": [{"text": new}],
            }),
        );
    };

    // A dangling reference typed into the buffer, then taken back.
    edit(
        &mut server,
        &text.replace("CTL-ACCESS-CONTROL]", "CTL-ACCESS-CONTROLS]"),
    );
    server.diagnostics(&evidence, |d| mentions(d, "CTL-ACCESS-CONTROLS"));
    edit(&mut server, &text);
    server.diagnostics(&evidence, <[Value]>::is_empty);

    // Another program renames the control on disk; saving the document reads the disk again.
    let control_path = root.join("controls/access-control.yaml");
    let control = std::fs::read_to_string(&control_path).unwrap();
    let renamed = control.replace("id: CTL-ACCESS-CONTROL\n", "id: CTL-RENAMED\n");
    assert_ne!(control, renamed);
    std::fs::write(&control_path, renamed).unwrap();
    server.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": evidence}}),
    );
    server.diagnostics(&evidence, |d| mentions(d, "CTL-ACCESS-CONTROL"));

    // Put back, and reported by the client as a changed file: clean again.
    std::fs::write(&control_path, control).unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&control_path), "type": 2}]}),
    );
    server.diagnostics(&evidence, <[Value]>::is_empty);
    assert_eq!(server.stop(), 0);
}
