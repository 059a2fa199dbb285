//! A minimal client of `annexa lsp` over stdio, as an editor drives it: `Content-Length`-framed
//! JSON-RPC messages, every read with a deadline so that a hung server fails the test instead of
//! hanging it. Used by tests/lsp.rs and tests/agreement.rs.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::TODAY;

/// A `file://` URI for a path (spaces escaped).
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display()).replace(' ', "%20")
}

/// How long a test waits for any one message.
pub const TIMEOUT: Duration = Duration::from_secs(60);

pub struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    stderr: Arc<Mutex<String>>,
    next_id: i64,
    /// Messages skipped while waiting for others, for failure reports.
    seen: Vec<Value>,
    /// When set, the server's own requests are answered while waiting: `workspace/configuration`
    /// with these settings (each item's `section` of them), anything else with `null`.
    settings: Option<Value>,
}

impl Server {
    /// `annexa lsp`.
    pub fn start() -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_annexa"));
        cmd.args(["lsp", "--today", TODAY]);
        Server::spawn(cmd, None)
    }

    /// Another language server, started with `cmd`; `settings`: see [`Server::settings`].
    pub fn spawn(mut cmd: Command, settings: Option<Value>) -> Server {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the language server");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut stderr_pipe = child.stderr.take().unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = String::new();
            let _ = stderr_pipe.read_to_string(&mut buf);
            sink.lock().unwrap().push_str(&buf);
        });
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        length = v.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("Content-Length header")];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let value: Value = serde_json::from_slice(&body).expect("server sent JSON");
                assert_eq!(value["jsonrpc"], "2.0");
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        Server {
            child,
            stdin,
            messages,
            stderr,
            next_id: 0,
            seen: Vec::new(),
            settings,
        }
    }

    pub fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        let msg = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.send_raw(msg.to_string().as_bytes());
    }

    /// Send a request and wait for its response.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let msg = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send_raw(msg.to_string().as_bytes());
        self.expect(&format!("response to {method}"), |m| {
            m["id"] == id && m.get("method").is_none()
        })
    }

    /// Wait for the first message that satisfies `pred`.
    pub fn expect(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(m) if pred(&m) => return m,
                Ok(m)
                    if self.settings.is_some()
                        && m.get("method").is_some()
                        && m.get("id").is_some() =>
                {
                    let reply = json!({"jsonrpc": "2.0", "id": m["id"], "result": self.answer(&m)});
                    self.send_raw(reply.to_string().as_bytes());
                    self.seen.push(m);
                }
                Ok(m) => self.seen.push(m),
                Err(e) => panic!(
                    "no {what} ({e}); messages seen: {:#?}\nstderr:\n{}",
                    self.seen,
                    self.stderr.lock().unwrap()
                ),
            }
        }
    }

    /// The answer to a request of the server: the settings a `workspace/configuration` asks
    /// for (each item's `section`), else `null`.
    fn answer(&self, request: &Value) -> Value {
        match (request["method"].as_str(), &self.settings) {
            (Some("workspace/configuration"), Some(settings)) => {
                let items = request["params"]["items"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                items
                    .iter()
                    .map(|i| {
                        i["section"]
                            .as_str()
                            .map_or(Value::Null, |s| settings[s].clone())
                    })
                    .collect()
            }
            _ => Value::Null,
        }
    }

    /// Wait for the diagnostics of a document.
    pub fn diagnostics(&mut self, uri: &str, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let m = self.expect(&format!("diagnostics of {uri}"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && pred(m["params"]["diagnostics"].as_array().unwrap())
        });
        m["params"]["diagnostics"].as_array().unwrap().clone()
    }

    pub fn initialize(&mut self, root: &Path, capabilities: Value) -> Value {
        let result = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "capabilities": capabilities,
                "clientInfo": {"name": "annexa-tests"},
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
    }

    pub fn at(uri: &str, (line, character): (u32, u32)) -> Value {
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
    }

    /// `shutdown`, `exit`, and the exit code.
    pub fn stop(mut self) -> i32 {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        self.wait()
    }

    pub fn wait(&mut self) -> i32 {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().expect("exit code");
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // A failed test must not leave a server behind.
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
