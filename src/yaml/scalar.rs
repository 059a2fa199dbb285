//! Scalar decoding: turning the source text of a scalar token into its content (line
//! folding, escapes, block-scalar indentation and chomping) and resolving plain scalars with
//! the YAML 1.2 core schema.
//!
//! Every function works on the token's text only and reports problems as `(offset, len,
//! message)` relative to that text, so the caller decides how to turn them into diagnostics.

use std::borrow::Cow;

use serde_json::{Number, Value};

/// A problem inside a scalar token: byte offset and length relative to the token, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ScalarIssue {
    pub offset: usize,
    pub len: usize,
    pub message: String,
}

fn issue(offset: usize, len: usize, message: impl Into<String>) -> ScalarIssue {
    ScalarIssue {
        offset,
        len,
        message: message.into(),
    }
}

fn is_white(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Split `text` into lines at `\n`, `\r\n` or `\r`, without the break characters.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let start = pos;
        let mut i = pos;
        while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
            i += 1;
        }
        let line = &text[start..i];
        if i >= bytes.len() {
            done = true;
        } else if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            pos = i + 2;
        } else {
            pos = i + 1;
        }
        Some((start, line))
    })
}

/// Fold the lines of a multi-line flow scalar (plain or single-quoted content): a single
/// line break becomes a space, each empty line becomes `\n`, and whitespace around breaks
/// is dropped. `text` must not contain escapes.
pub(super) fn fold_flow_lines(text: &str) -> Cow<'_, str> {
    if !text.contains(['\n', '\r']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut empties = 0usize;
    let mut first = true;
    let all: Vec<(usize, &str)> = lines(text).collect();
    let last = all.len().saturating_sub(1);
    for (i, (_, line)) in all.iter().enumerate() {
        let mut l: &str = line;
        if i != 0 {
            l = l.trim_start_matches([' ', '\t']);
        }
        if i != last {
            l = l.trim_end_matches([' ', '\t']);
        }
        if first {
            out.push_str(l);
            first = false;
            continue;
        }
        if l.is_empty() && i != last {
            empties += 1;
            continue;
        }
        if empties == 0 {
            out.push(' ');
        } else {
            for _ in 0..empties {
                out.push('\n');
            }
        }
        empties = 0;
        out.push_str(l);
    }
    Cow::Owned(out)
}

/// The content of a plain scalar token.
pub(super) fn plain(text: &str) -> Cow<'_, str> {
    fold_flow_lines(text)
}

/// The content of a single-quoted scalar token (with its quotes).
pub(super) fn single_quoted(token: &str) -> Result<Cow<'_, str>, ScalarIssue> {
    let inner = token
        .strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .filter(|_| token.len() >= 2)
        .ok_or_else(|| issue(0, 1, "unclosed single quote"))?;
    let folded = fold_flow_lines(inner);
    if folded.contains("''") {
        Ok(Cow::Owned(folded.replace("''", "'")))
    } else {
        Ok(folded)
    }
}

/// The content of a double-quoted scalar token (with its quotes). Every escape of YAML 1.2
/// is decoded; an unknown escape is an error at its position.
pub(super) fn double_quoted(token: &str) -> Result<String, ScalarIssue> {
    let bytes = token.as_bytes();
    if bytes.len() < 2 || bytes[0] != b'"' || bytes[bytes.len() - 1] != b'"' {
        return Err(issue(0, 1, "unclosed double quote"));
    }
    let end = bytes.len() - 1;
    let mut out = String::with_capacity(end);
    // Output length at the end of the last non-whitespace (or escaped) character: raw
    // whitespace after it is trimmed when a line break follows.
    let mut keep = 0usize;
    let mut i = 1;
    while i < end {
        let b = bytes[i];
        match b {
            b'\\' => {
                let Some(&e) = bytes.get(i + 1).filter(|_| i + 1 < end) else {
                    return Err(issue(i, 1, "unterminated escape sequence"));
                };
                let simple = match e {
                    b'0' => Some('\0'),
                    b'a' => Some('\u{7}'),
                    b'b' => Some('\u{8}'),
                    b't' | b'\t' => Some('\t'),
                    b'n' => Some('\n'),
                    b'v' => Some('\u{b}'),
                    b'f' => Some('\u{c}'),
                    b'r' => Some('\r'),
                    b'e' => Some('\u{1b}'),
                    b' ' => Some(' '),
                    b'"' => Some('"'),
                    b'/' => Some('/'),
                    b'\\' => Some('\\'),
                    b'N' => Some('\u{85}'),
                    b'_' => Some('\u{a0}'),
                    b'L' => Some('\u{2028}'),
                    b'P' => Some('\u{2029}'),
                    _ => None,
                };
                if let Some(c) = simple {
                    out.push(c);
                    keep = out.len();
                    i += 2;
                    continue;
                }
                let digits = match e {
                    b'x' => 2,
                    b'u' => 4,
                    b'U' => 8,
                    b'\n' | b'\r' => {
                        // Escaped line break: the break and the next line's leading
                        // whitespace vanish; empty lines still count.
                        i += 1;
                        i = skip_break(bytes, i);
                        i = fold_breaks(bytes, i, end, &mut out, false);
                        keep = out.len();
                        continue;
                    }
                    _ => {
                        let len = token[i + 1..].chars().next().map_or(1, char::len_utf8) + 1;
                        let shown = &token[i..i + len];
                        return Err(issue(i, len, format!("invalid escape sequence `{shown}`")));
                    }
                };
                let hex = token
                    .get(i + 2..i + 2 + digits)
                    .filter(|_| i + 2 + digits <= end);
                let code = hex
                    .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()))
                    .and_then(|h| u32::from_str_radix(h, 16).ok());
                let Some(code) = code else {
                    return Err(issue(
                        i,
                        2,
                        format!("escape `\\{}` needs {digits} hexadecimal digits", e as char),
                    ));
                };
                let Some(c) = char::from_u32(code) else {
                    return Err(issue(i, 2 + digits, "escape is not a Unicode scalar value"));
                };
                out.push(c);
                keep = out.len();
                i += 2 + digits;
            }
            b'\n' | b'\r' => {
                out.truncate(keep);
                i = skip_break(bytes, i);
                i = fold_breaks(bytes, i, end, &mut out, true);
                keep = out.len();
            }
            b' ' | b'\t' => {
                out.push(b as char);
                i += 1;
            }
            _ => {
                // Copy a run of ordinary characters at once (UTF-8 safe: the run stops only
                // at ASCII bytes).
                let start = i;
                while i < end && !matches!(bytes[i], b'\\' | b'\n' | b'\r' | b' ' | b'\t') {
                    i += 1;
                }
                out.push_str(&token[start..i]);
                keep = out.len();
            }
        }
    }
    Ok(out)
}

fn skip_break(bytes: &[u8], i: usize) -> usize {
    if bytes.get(i) == Some(&b'\r') && bytes.get(i + 1) == Some(&b'\n') {
        i + 2
    } else {
        i + 1
    }
}

/// After a line break at `i` (already skipped): skip leading whitespace, count empty lines
/// (each one a `\n`), and, when the break is not escaped and no empty line follows, emit
/// the single space a folded break becomes.
fn fold_breaks(bytes: &[u8], mut i: usize, end: usize, out: &mut String, as_space: bool) -> usize {
    let mut empties = 0;
    loop {
        while i < end && is_white(bytes[i]) {
            i += 1;
        }
        if i < end && (bytes[i] == b'\n' || bytes[i] == b'\r') {
            empties += 1;
            i = skip_break(bytes, i);
        } else {
            break;
        }
    }
    if empties == 0 {
        if as_space {
            out.push(' ');
        }
    } else {
        for _ in 0..empties {
            out.push('\n');
        }
    }
    i
}

/// The header of a block scalar (`|`, `>`, with indentation and chomping indicators).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct BlockHeader {
    pub folded: bool,
    /// Explicit indentation indicator (1–9), relative to the parent's indentation.
    pub indent: Option<usize>,
    pub chomp: Chomp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Chomp {
    Strip,
    Clip,
    Keep,
}

/// Parse a block scalar header line (from the indicator to the end of the line, without the
/// break). Returns the header and the offset where a comment starts, if any.
pub(super) fn block_header(line: &str) -> Result<BlockHeader, ScalarIssue> {
    let b = line.as_bytes();
    let folded = match b.first() {
        Some(b'>') => true,
        Some(b'|') => false,
        _ => return Err(issue(0, 1, "expected `|` or `>`")),
    };
    let mut indent = None;
    let mut chomp = None;
    let mut i = 1;
    while i < b.len() && i <= 2 {
        match b[i] {
            b'1'..=b'9' if indent.is_none() => indent = Some((b[i] - b'0') as usize),
            b'0' => {
                return Err(issue(
                    i,
                    1,
                    "block scalar indentation indicator must be 1 to 9",
                ));
            }
            b'-' if chomp.is_none() => chomp = Some(Chomp::Strip),
            b'+' if chomp.is_none() => chomp = Some(Chomp::Keep),
            _ => break,
        }
        i += 1;
    }
    // The rest: whitespace, then optionally a comment.
    let rest = &line[i..];
    let trimmed = rest.trim_start_matches([' ', '\t']);
    let comment = trimmed.starts_with('#') && trimmed.len() < rest.len();
    if !trimmed.is_empty() && !comment {
        let at = i + (rest.len() - trimmed.len());
        let len = trimmed.chars().next().map_or(1, char::len_utf8);
        return Err(issue(
            at,
            len,
            "unexpected text after a block scalar indicator",
        ));
    }
    Ok(BlockHeader {
        folded,
        indent,
        chomp: chomp.unwrap_or(Chomp::Clip),
    })
}

/// The result of reading a block scalar's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct BlockBody {
    pub value: String,
    /// Bytes of `body` consumed (through the last content or trailing empty line).
    pub consumed: usize,
}

/// Read the body of a block scalar. `body` starts at the line after the header; `parent`
/// is the indentation of the parent node (for an explicit indentation indicator). The body
/// ends before the first non-empty line indented less than the content, before a document
/// marker, or at the end of `body`.
pub(super) fn block_body(
    body: &str,
    header: BlockHeader,
    parent: isize,
) -> Result<BlockBody, ScalarIssue> {
    // First pass: find the content lines and the indentation. The top level has parent -1,
    // so its content may start in column 0.
    let mut indent = header.indent.map(|m| (parent + m as isize).max(0) as usize);
    let mut max_leading_empty = 0usize;
    let mut max_leading_at = 0usize;
    let mut content: Vec<(usize, &str)> = Vec::new();
    let mut consumed = 0;
    for (start, line) in lines(body) {
        let spaces = line.bytes().take_while(|&c| c == b' ').count();
        let blank = line.bytes().all(|c| c == b' ');
        if start + line.len() == body.len() && line.is_empty() {
            break;
        }
        if spaces == 0 && (line.starts_with("---") || line.starts_with("...")) {
            let after = line.as_bytes().get(3);
            if after.is_none_or(|&c| is_white(c)) {
                break;
            }
        }
        match indent {
            None => {
                if blank {
                    if spaces > max_leading_empty {
                        max_leading_empty = spaces;
                        max_leading_at = start;
                    }
                } else {
                    let rest = &line[spaces..];
                    if spaces as isize <= parent
                        && rest.starts_with('\t')
                        && rest.bytes().all(is_white)
                    {
                        return Err(issue(start + spaces, 1, "tab used for indentation"));
                    }
                    if spaces < max_leading_empty {
                        return Err(issue(
                            max_leading_at,
                            max_leading_empty,
                            "leading empty line of a block scalar is indented more than its first line",
                        ));
                    }
                    if spaces as isize <= parent {
                        break;
                    }
                    indent = Some(spaces);
                }
            }
            Some(n) => {
                if !blank && spaces < n {
                    break;
                }
            }
        }
        content.push((start, line));
        consumed = (start + line.len() + 1).min(body.len());
    }
    let n = indent.unwrap_or(max_leading_empty.max((parent + 1).max(0) as usize));
    // Trailing lines that are empty (at most `n` spaces) are not content.
    let is_empty = |l: &str| l.len() <= n && l.bytes().all(|c| c == b' ');
    let last_content = content.iter().rposition(|(_, l)| !is_empty(l));
    let mut out = String::new();
    let (body_lines, trailing) = match last_content {
        Some(k) => (&content[..=k], content.len() - k - 1),
        None => (&content[..0], content.len()),
    };
    let mut prev_more = true; // no folding before the first line
    let mut first = true;
    let mut empties = 0usize;
    for (_, line) in body_lines {
        if is_empty(line) {
            empties += 1;
            continue;
        }
        let text = line.get(n..).unwrap_or("");
        let more = text.starts_with([' ', '\t']);
        if first {
            for _ in 0..empties {
                out.push('\n');
            }
            first = false;
        } else if header.folded && !prev_more && !more {
            if empties == 0 {
                out.push(' ');
            } else {
                for _ in 0..empties {
                    out.push('\n');
                }
            }
        } else {
            for _ in 0..=empties {
                out.push('\n');
            }
        }
        empties = 0;
        out.push_str(text);
        prev_more = more;
    }
    let has_content = last_content.is_some();
    // The end of the input ends the last line as a line break would.
    let last_has_break = !body_lines.is_empty();
    match header.chomp {
        Chomp::Strip => {}
        Chomp::Clip => {
            if has_content && last_has_break {
                out.push('\n');
            }
        }
        Chomp::Keep => {
            if has_content && last_has_break {
                out.push('\n');
            }
            let trailing_breaks = trailing;
            for _ in 0..trailing_breaks {
                out.push('\n');
            }
        }
    }
    Ok(BlockBody {
        value: out,
        consumed,
    })
}

/// Resolve a plain scalar with the core schema.
pub(super) fn resolve_plain(text: &str) -> Value {
    resolve_plain_typed(text).unwrap_or_else(|| Value::String(text.to_owned()))
}

/// [`resolve_plain`] without the fallback: `None` when the scalar is a string.
pub(super) fn resolve_plain_typed(text: &str) -> Option<Value> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    resolve_int(text).or_else(|| resolve_float(text))
}

/// A core-schema integer: decimal with optional sign, `0o` octal, `0x` hexadecimal. Values
/// beyond 64 bits become floats (JSON numbers), as other YAML loaders do.
pub(super) fn resolve_int(text: &str) -> Option<Value> {
    let b = text.as_bytes();
    if let Some(oct) = text.strip_prefix("0o") {
        if !oct.is_empty() && oct.bytes().all(|c| (b'0'..=b'7').contains(&c)) {
            return Some(radix_number(oct, 8));
        }
        return None;
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if !hex.is_empty() && hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Some(radix_number(hex, 16));
        }
        return None;
    }
    let digits = match b.first() {
        Some(b'-' | b'+') => &text[1..],
        _ => text,
    };
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let t = text.strip_prefix('+').unwrap_or(text);
    if let Ok(i) = t.parse::<i64>() {
        return Some(Value::Number(i.into()));
    }
    if let Ok(u) = t.parse::<u64>() {
        return Some(Value::Number(u.into()));
    }
    t.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map(Value::Number)
}

fn radix_number(digits: &str, radix: u32) -> Value {
    match u64::from_str_radix(digits, radix) {
        Ok(u) => Value::Number(u.into()),
        Err(_) => {
            let mut f = 0f64;
            for c in digits.chars() {
                f = f * radix as f64 + c.to_digit(radix).unwrap_or(0) as f64;
            }
            Number::from_f64(f).map_or_else(|| Value::String(digits.to_owned()), Value::Number)
        }
    }
}

/// A core-schema float. Infinities and NaN have no JSON form: they stay strings (`.inf`).
pub(super) fn resolve_float(text: &str) -> Option<Value> {
    let b = text.as_bytes();
    let body = match b.first() {
        Some(b'-' | b'+') => &text[1..],
        _ => text,
    };
    match body {
        ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN" => {
            if body.starts_with(".n") || body.starts_with(".N") {
                // NaN takes no sign.
                return (body.len() == text.len()).then(|| Value::String(text.to_owned()));
            }
            return Some(Value::String(text.to_owned()));
        }
        _ => {}
    }
    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    let bb = body.as_bytes();
    let mut i = 0;
    let int_digits = bb.iter().take_while(|c| c.is_ascii_digit()).count();
    i += int_digits;
    let mut frac_digits = 0;
    if bb.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = bb[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        i += frac_digits;
    }
    if int_digits == 0 && frac_digits == 0 {
        return None;
    }
    if matches!(bb.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bb.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp = bb[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if exp == 0 {
            return None;
        }
        i += exp;
    }
    if i != bb.len() {
        return None;
    }
    let f: f64 = text.parse().ok()?;
    Some(Number::from_f64(f).map_or_else(|| Value::String(text.to_owned()), Value::Number))
}

/// Resolve a scalar's content under an explicit core tag (`str`, `int`, …). `None` when the
/// content is not a valid value of that type.
pub(super) fn resolve_tagged(tag: &str, text: &str) -> Option<Value> {
    match tag {
        "str" => Some(Value::String(text.to_owned())),
        "null" => matches!(text, "" | "~" | "null" | "Null" | "NULL").then_some(Value::Null),
        "bool" => match text {
            "true" | "True" | "TRUE" => Some(Value::Bool(true)),
            "false" | "False" | "FALSE" => Some(Value::Bool(false)),
            _ => None,
        },
        "int" => resolve_int(text),
        "float" => resolve_int(text)
            .and_then(|v| v.as_f64())
            .and_then(Number::from_f64)
            .map(Value::Number)
            .or_else(|| resolve_float(text)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_folding() {
        assert_eq!(plain("a\n  b\n\n c  \n d"), "a b\nc d");
        assert_eq!(plain("one"), "one");
    }

    #[test]
    fn quoted() {
        assert_eq!(single_quoted("'it''s\n  here'").unwrap(), "it's here");
        assert_eq!(
            double_quoted(r#""a\tb\x41\u00e9\U0001F600""#).unwrap(),
            "a\tbAé😀"
        );
        assert_eq!(double_quoted("\"a  \n  b\\\n   c\"").unwrap(), "a bc");
        assert_eq!(double_quoted("\"a\n\n b\"").unwrap(), "a\nb");
        assert!(double_quoted(r#""\q""#).is_err());
        assert!(double_quoted(r#""\x4""#).is_err());
    }

    #[test]
    fn block_scalars() {
        let h = block_header("|").unwrap();
        assert_eq!(block_body("  a\n  b\n\n", h, 0).unwrap().value, "a\nb\n");
        let h = block_header(">-").unwrap();
        assert_eq!(
            block_body("  a\n  b\n\n  c\n", h, 0).unwrap().value,
            "a b\nc"
        );
        let h = block_header("|+").unwrap();
        assert_eq!(block_body("  a\n\n\n", h, 0).unwrap().value, "a\n\n\n");
        let h = block_header("|2-").unwrap();
        assert_eq!(block_body("    a\n", h, 0).unwrap().value, "  a");
        assert!(block_header("|0").is_err());
        assert!(block_header("| x").is_err());
        assert!(block_header("| # ok").is_ok());
    }

    #[test]
    fn core_schema() {
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(resolve_plain("True"), Value::Bool(true));
        assert_eq!(resolve_plain("yes"), Value::String("yes".into()));
        assert_eq!(resolve_plain("0x1F"), serde_json::json!(31));
        assert_eq!(resolve_plain("0o17"), serde_json::json!(15));
        assert_eq!(resolve_plain("-12"), serde_json::json!(-12));
        assert_eq!(resolve_plain("1.5e3"), serde_json::json!(1500.0));
        assert_eq!(resolve_plain(".5"), serde_json::json!(0.5));
        assert_eq!(resolve_plain("-.Inf"), Value::String("-.Inf".into()));
        assert_eq!(
            resolve_plain("2001-12-14"),
            Value::String("2001-12-14".into())
        );
        assert_eq!(resolve_plain("1.2.3"), Value::String("1.2.3".into()));
        assert!(resolve_plain("99999999999999999999").is_number());
    }
}
