//! The base protocol: JSON-RPC messages framed by a `Content-Length` header.
//!
//! The reader is forgiving: a malformed header block or a body that is not a JSON-RPC
//! message is reported (with the id of the request, when one can be read, so that the
//! client gets an error response) and reading goes on with the next message.

use std::io::{self, BufRead, Read, Write};

use lsp_server::{ErrorCode, Message};
use serde_json::Value;

/// The largest body accepted; larger ones are skipped.
pub(crate) const MAX_BODY: usize = 64 << 20;
/// The longest header line accepted.
const MAX_HEADER_LINE: u64 = 8 << 10;

/// What one frame of input held.
#[derive(Debug)]
pub(crate) enum Incoming {
    Message(Message),
    /// Not a usable message: answer with this error (`id` is `null` when none could be
    /// read, as JSON-RPC specifies).
    Invalid {
        id: Value,
        code: ErrorCode,
        message: String,
    },
}

/// Read the next frame; `Ok(None)` at the end of the input.
pub(crate) fn read(r: &mut impl BufRead) -> io::Result<Option<Incoming>> {
    let mut length: Option<usize> = None;
    let mut header_problem: Option<String> = None;
    let mut any_header = false;
    let mut line = String::new();
    loop {
        line.clear();
        let n = r.by_ref().take(MAX_HEADER_LINE).read_line(&mut line);
        let n = match n {
            Ok(n) => n,
            // Not UTF-8: note it and keep reading to the end of the header block.
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                header_problem = Some("a header line is not UTF-8".into());
                skip_line(r)?;
                any_header = true;
                continue;
            }
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok(None);
        }
        let text = line.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if any_header {
                break;
            }
            continue; // stray blank lines between messages
        }
        any_header = true;
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => length = Some(n),
                    Err(_) => {
                        header_problem = Some(format!("bad Content-Length `{}`", value.trim()))
                    }
                }
            }
            Some(_) => {} // Content-Type and unknown headers
            None => header_problem = Some(format!("malformed header line `{}`", shorten(text))),
        }
    }
    let Some(length) = length else {
        return Ok(Some(invalid(
            Value::Null,
            ErrorCode::ParseError,
            header_problem.unwrap_or_else(|| "missing Content-Length header".into()),
        )));
    };
    if length > MAX_BODY {
        io::copy(&mut r.by_ref().take(length as u64), &mut io::sink())?;
        return Ok(Some(invalid(
            Value::Null,
            ErrorCode::InvalidRequest,
            format!("message of {length} bytes is larger than the limit of {MAX_BODY}"),
        )));
    }
    let mut body = vec![0; length];
    r.read_exact(&mut body)?;
    Ok(Some(parse(&body)))
}

/// Parse one message body.
pub(crate) fn parse(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return invalid(
                Value::Null,
                ErrorCode::ParseError,
                format!("invalid JSON: {e}"),
            );
        }
    };
    let id = match value.get("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
        _ => Value::Null,
    };
    let is_request = value.get("method").is_some() && !id.is_null();
    match serde_json::from_value::<Message>(value) {
        Ok(m) => Incoming::Message(m),
        // A response or notification we cannot read gets no answer; a request does.
        Err(e) if is_request => invalid(
            id,
            ErrorCode::InvalidRequest,
            format!("invalid request: {e}"),
        ),
        Err(e) => invalid(
            Value::Null,
            ErrorCode::InvalidRequest,
            format!("invalid message: {e}"),
        ),
    }
}

fn invalid(id: Value, code: ErrorCode, message: String) -> Incoming {
    Incoming::Invalid { id, code, message }
}

fn skip_line(r: &mut impl BufRead) -> io::Result<()> {
    let mut buf = Vec::new();
    r.by_ref()
        .take(MAX_HEADER_LINE)
        .read_until(b'\n', &mut buf)?;
    Ok(())
}

fn shorten(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Write one message.
pub(crate) fn write(w: &mut impl Write, message: &Message) -> io::Result<()> {
    message.write(w)?;
    w.flush()
}

/// Write an error response to a message that could not be read as a request.
pub(crate) fn write_error(
    w: &mut impl Write,
    id: Value,
    code: ErrorCode,
    message: &str,
) -> io::Result<()> {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code as i32, "message": message },
    })
    .to_string();
    write!(w, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn read_all(input: &str) -> Vec<Incoming> {
        let mut r = io::BufReader::new(input.as_bytes());
        let mut out = Vec::new();
        while let Some(m) = read(&mut r).unwrap() {
            out.push(m);
        }
        out
    }

    #[test]
    fn reads_framed_messages() {
        let input = frame(r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#)
            + &frame(r#"{"jsonrpc":"2.0","method":"exit"}"#);
        let got = read_all(&input);
        assert!(
            matches!(&got[0], Incoming::Message(Message::Request(r)) if r.method == "shutdown")
        );
        assert!(
            matches!(&got[1], Incoming::Message(Message::Notification(n)) if n.method == "exit")
        );
    }

    #[test]
    fn recovers_from_bad_frames() {
        let input = frame("{not json")
            + "Content-Length: nope\r\n\r\n"
            + &frame(r#"{"jsonrpc":"2.0","id":"a","method":7}"#)
            + &frame(r#"{"jsonrpc":"2.0","method":"exit"}"#);
        let got = read_all(&input);
        assert_eq!(got.len(), 4, "{got:?}");
        assert!(matches!(
            &got[0],
            Incoming::Invalid {
                id: Value::Null,
                code: ErrorCode::ParseError,
                ..
            }
        ));
        assert!(matches!(
            &got[1],
            Incoming::Invalid {
                code: ErrorCode::ParseError,
                ..
            }
        ));
        assert!(
            matches!(&got[2], Incoming::Invalid { id: Value::String(s), code: ErrorCode::InvalidRequest, .. } if s == "a")
        );
        assert!(matches!(
            &got[3],
            Incoming::Message(Message::Notification(_))
        ));
    }

    #[test]
    fn truncated_body_is_an_error_not_a_panic() {
        let mut r = io::BufReader::new("Content-Length: 100\r\n\r\n{}".as_bytes());
        assert!(read(&mut r).is_err());
    }

    #[test]
    fn error_responses_carry_a_null_id() {
        let mut out = Vec::new();
        write_error(&mut out, Value::Null, ErrorCode::ParseError, "bad").unwrap();
        let text = String::from_utf8(out).unwrap();
        let body = text.split("\r\n\r\n").nth(1).unwrap();
        let v: Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["id"], Value::Null);
        assert_eq!(v["error"]["code"], -32700);
    }
}
