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

/// The position of byte `offset` of an ASCII `text`.
fn position(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let character = before.len() - before.rfind('\n').map_or(0, |i| i + 1);
    (line as u32, character as u32)
}

/// The byte offset of a protocol position in an ASCII `text`.
fn offset(text: &str, at: &Value) -> usize {
    let line = at["line"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    start + at["character"].as_u64().unwrap() as usize
}

/// `text` with a protocol `TextEdit` applied.
fn apply(text: &str, edit: &Value) -> String {
    let start = offset(text, &edit["range"]["start"]);
    let end = offset(text, &edit["range"]["end"]);
    let new_text = edit["newText"].as_str().unwrap();
    format!("{}{new_text}{}", &text[..start], &text[end..])
}

/// Open `text` as a (new or changed) document and ask for completion at the end of it.
fn complete(server: &mut Server, uri: &str, text: &str, version: i32) -> Value {
    if version == 1 {
        server.open(uri, text);
    } else {
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"text": text}]}),
        );
    }
    let at = position(text, text.len());
    let reply = server.request("textDocument/completion", Server::at(uri, at));
    reply["result"].clone()
}

fn labels(list: &Value) -> Vec<&str> {
    list["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items in {list}"))
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect()
}

#[test]
fn completion_of_fields_ids_and_requirements() {
    let (_dir, root) = example_org();
    let mut server = Server::start();
    let init = server.initialize(&root, json!({}));
    let caps = &init["result"]["capabilities"];
    assert!(caps["completionProvider"].is_object(), "{init}");

    // Field names of the kind, required ones first, without those already written.
    let new = uri(&root.join("controls/new.yaml"));
    let text = "annexa: v1\nkind: control\nid: CTL-NEW\nsat";
    let list = complete(&mut server, &new, text, 1);
    assert_eq!(labels(&list), ["satisfies"], "{list}");
    let item = &list["items"][0];
    assert_eq!(item["textEdit"]["newText"], "satisfies: ");
    assert_eq!(
        item["textEdit"]["range"]["start"],
        json!({"line": 3, "character": 0})
    );
    assert!(
        item["documentation"]["value"]
            .as_str()
            .unwrap()
            .contains("framework requirements"),
        "{item}"
    );
    let text = "annexa: v1\nkind: control\nid: CTL-NEW\n";
    let fields = complete(&mut server, &new, text, 2);
    let fields = labels(&fields);
    assert_eq!(fields[0], "title", "{fields:?}");
    assert!(!fields.contains(&"id"), "{fields:?}");

    // Requirement ids with their titles, in a flow list.
    let text = "annexa: v1\nkind: control\nid: CTL-NEW\nsatisfies: [iso27001:2022/A.5.1";
    let list = complete(&mut server, &new, text, 3);
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "iso27001:2022/A.5.15")
        .unwrap_or_else(|| panic!("{list}"));
    assert_eq!(item["detail"], "Access control");
    assert_eq!(
        item["textEdit"]["range"]["start"],
        json!({"line": 3, "character": 12})
    );

    // Control ids where evidence names controls: controls only.
    let ev = uri(&root.join("evidence/new.yaml"));
    let text = "annexa: v1\nkind: evidence\nid: EV-NEW\nsupports:\n  - CTL-ACC";
    let list = complete(&mut server, &ev, text, 1);
    let ids = labels(&list);
    assert!(ids.contains(&"CTL-ACCESS-CONTROL"), "{ids:?}");
    assert!(ids.iter().all(|i| i.starts_with("CTL-")), "{ids:?}");
    let item = &list["items"][0];
    assert!(
        item["detail"].as_str().unwrap().starts_with("control — "),
        "{item}"
    );

    // AI systems in Markdown front matter.
    let md_path = root.join("impact-assessments/reply-assist.md");
    let md = uri(&md_path);
    let original = std::fs::read_to_string(&md_path).unwrap();
    let cut = original.find("ai_system: ").unwrap() + "ai_system: AIS-".len();
    let text = format!(
        "{}\n{}",
        &original[..cut],
        &original[cut..].split_once('\n').unwrap().1
    );
    server.open(&md, &text);
    let reply = server.request(
        "textDocument/completion",
        Server::at(&md, position(&text, cut)),
    );
    let ids = labels(&reply["result"]);
    assert!(ids.contains(&"AIS-REPLY-ASSIST"), "{reply}");
    assert!(ids.iter().all(|i| i.starts_with("AIS-")), "{ids:?}");
    // Nothing in the Markdown body.
    let body = text.find("# Impact").unwrap() + 3;
    let reply = server.request(
        "textDocument/completion",
        Server::at(&md, position(&text, body)),
    );
    assert_eq!(reply["result"], Value::Null, "{reply}");

    assert_eq!(server.stop(), 0);
}

#[test]
fn quick_fixes_apply_suggestions_and_add_soa_entries() {
    let (_dir, root) = example_org();
    let mut server = Server::start();
    let init = server.initialize(&root, json!({}));
    assert_eq!(
        init["result"]["capabilities"]["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix"])
    );

    // A misspelt value: the suggestion is a quick fix.
    let path = root.join("risks/access-and-people.yaml");
    let risk = uri(&path);
    let text =
        std::fs::read_to_string(&path)
            .unwrap()
            .replacen("option: mitigate", "option: mitigat", 1);
    server.open(&risk, &text);
    let diags = server.diagnostics(&risk, |d| !d.is_empty());
    let sch004 = diags.iter().find(|d| d["code"] == "SCH004").unwrap();
    let reply = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": risk}, "range": sch004["range"],
               "context": {"diagnostics": [sch004]}}),
    );
    let actions = reply["result"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "{reply}");
    assert_eq!(actions[0]["title"], "Replace `mitigat` with `mitigate`");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["diagnostics"][0]["code"], "SCH004");
    let edit = &actions[0]["edit"]["changes"][&risk][0];
    assert_eq!(apply(&text, edit), std::fs::read_to_string(&path).unwrap());

    // A control missing from the SoA: the fix appends its entry.
    let path = root.join("soa.yaml");
    let soa = uri(&path);
    let original = std::fs::read_to_string(&path).unwrap();
    let start = original
        .find("  - control: iso27001:2022/A.5.10\n")
        .unwrap();
    let end = start + original[start + 4..].find("  - control:").unwrap() + 4;
    let text = format!("{}{}", &original[..start], &original[end..]);
    server.open(&soa, &text);
    let diags = server.diagnostics(&soa, |d| d.iter().any(|d| d["code"] == "SOA001"));
    let soa001 = diags.iter().find(|d| d["code"] == "SOA001").unwrap();
    let reply = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": soa}, "range": soa001["range"],
               "context": {"diagnostics": [soa001]}}),
    );
    let action = reply["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["diagnostics"][0]["code"] == "SOA001")
        .unwrap_or_else(|| panic!("{reply}"));
    assert!(
        action["title"]
            .as_str()
            .unwrap()
            .contains("iso27001:2022/A.5.10"),
        "{action}"
    );
    let fixed = apply(&text, &action["edit"]["changes"][&soa][0]);
    assert!(
        fixed.contains("\n  - control: iso27001:2022/A.5.10\n    applicable: true\n"),
        "{fixed}"
    );
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": soa, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let diags = server.diagnostics(&soa, |_| true);
    assert!(
        !diags
            .iter()
            .any(|d| d["code"] == "SOA001" || d["code"].as_str().unwrap().starts_with("SCH")),
        "{diags:#?}"
    );

    // Only quick fixes are offered.
    let reply = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": soa}, "range": soa001["range"],
               "context": {"diagnostics": [], "only": ["refactor"]}}),
    );
    assert_eq!(reply["result"], json!([]), "{reply}");
    assert_eq!(server.stop(), 0);
}

#[test]
fn document_symbols_and_references() {
    let (_dir, root) = example_org();
    let mut server = Server::start();
    let init = server.initialize(&root, json!({}));
    assert_eq!(
        init["result"]["capabilities"]["documentSymbolProvider"], true,
        "{init}"
    );
    assert_eq!(init["result"]["capabilities"]["referencesProvider"], true);

    let path = root.join("soa.yaml");
    let soa = uri(&path);
    let text = std::fs::read_to_string(&path).unwrap();
    server.open(&soa, &text);
    let reply = server.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": soa}}),
    );
    let symbols = reply["result"].as_array().unwrap();
    assert_eq!(symbols.len(), 1, "{reply}");
    assert_eq!(symbols[0]["name"], "SOA");
    assert!(
        symbols[0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("statement-of-applicability — Statement of Applicability")
    );
    let entries = symbols[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "entries")
        .unwrap();
    let first = &entries["children"][0];
    assert_eq!(first["name"], "iso27001:2022/A.5.1");
    let at = find(&text, "- control: iso27001:2022/A.5.1", false);
    assert_eq!(
        first["selectionRange"]["start"],
        json!({"line": at.0, "character": at.1 + 11})
    );

    // Markdown front matter: the artifact and its fields.
    let md_path = root.join("impact-assessments/reply-assist.md");
    let md = uri(&md_path);
    server.open(&md, &std::fs::read_to_string(&md_path).unwrap());
    let reply = server.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": md}}),
    );
    assert_eq!(reply["result"][0]["name"], "IA-REPLY-ASSIST", "{reply}");
    assert_eq!(reply["result"][0]["children"][0]["name"], "annexa");

    // References of a control id, across the repository.
    let at = find(&text, "CTL-ACCESS-CONTROL", false);
    let mut params = Server::at(&soa, (at.0, at.1 + 2));
    params["context"] = json!({"includeDeclaration": true});
    let reply = server.request("textDocument/references", params.clone());
    let places = reply["result"].as_array().unwrap();
    let files: Vec<&str> = places
        .iter()
        .map(|p| {
            p["uri"]
                .as_str()
                .unwrap()
                .rsplit_once(&*uri(&root))
                .unwrap()
                .1
        })
        .collect();
    assert!(
        files.contains(&"/controls/access-control.yaml"),
        "{files:?}"
    );
    assert!(
        files.contains(&"/risks/access-and-people.yaml"),
        "{files:?}"
    );
    assert!(files.contains(&"/soa.yaml"), "{files:?}");
    params["context"] = json!({"includeDeclaration": false});
    let without = server.request("textDocument/references", params);
    assert_eq!(
        without["result"].as_array().unwrap().len(),
        places.len() - 1,
        "{without}"
    );
    // On a key: nothing to look for.
    let reply = server.request("textDocument/references", {
        let mut p = Server::at(&md, (1, 2));
        p["context"] = json!({"includeDeclaration": true});
        p
    });
    assert_eq!(reply["result"], Value::Null, "{reply}");
    assert_eq!(server.stop(), 0);
}
