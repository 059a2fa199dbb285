//! A pre-pass that keeps input away from a hard limit of the tree-sitter-yaml scanner.
//!
//! The scanner keeps a stack of block indentation levels and saves it, after every token, in
//! a fixed buffer of 1 KiB (4 bytes a level); a stack of more than about 250 levels makes it
//! abort the whole process (an assertion in C, which no `catch_unwind` can stop). It also
//! keeps columns in 16-bit integers. So before parsing, this pass estimates the stack depth
//! line by line and finds the first line where the estimate passes a safe bound (well below
//! the real one, so that invalid input that confuses the estimate stays safe too); the
//! parser then only sees the text before that line.

/// Most block indentation levels accepted (the scanner breaks at about 250).
pub(super) const MAX_BLOCK_LEVELS: usize = 120;

/// Most leading spaces accepted on a line (columns are 16-bit in the scanner).
const MAX_INDENT: usize = 30_000;

/// Why the text had to be cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cut {
    /// Block collections nest too deeply (the offset is where the offending line's content
    /// starts).
    TooDeep,
    /// A line is indented by more spaces than the scanner can count.
    TooIndented,
}

/// The byte offset of the start of the first line the parser must not see, the offset of
/// that line's content, and why; `None` when the whole text is safe.
pub(super) fn unsafe_line(text: &str) -> Option<(usize, usize, Cut)> {
    let bytes = text.as_bytes();
    // Columns of open levels; the flag marks a second level at the same column (a sequence
    // inside a mapping at the mapping's indentation).
    let mut stack: Vec<(usize, bool)> = Vec::new();
    let mut levels = 0usize;
    let mut line_start = 0usize;
    while line_start < bytes.len() {
        let line_end = memchr::memchr2(b'\n', b'\r', &bytes[line_start..])
            .map_or(bytes.len(), |i| line_start + i);
        let line = &bytes[line_start..line_end];
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        if indent > MAX_INDENT {
            return Some((line_start, line_start + indent, Cut::TooIndented));
        }
        let first = line.get(indent).copied();
        // Blank, comment-only and tab-indented lines never open a level.
        if !matches!(first, None | Some(b'#') | Some(b'\t')) {
            while stack.last().is_some_and(|&(c, _)| c > indent) {
                if let Some((_, pair)) = stack.pop() {
                    levels -= 1 + usize::from(pair);
                }
            }
            let mut pos = indent;
            loop {
                // Each indicator (`- `, `? `, `: `) or the first content may open a level.
                match stack.last_mut() {
                    Some((c, pair)) if *c == pos => {
                        if !*pair {
                            *pair = true;
                            levels += 1;
                        }
                    }
                    _ => {
                        stack.push((pos, false));
                        levels += 1;
                    }
                }
                // Two levels of margin: a block scalar and an implicit key may add one each.
                if levels + 2 > MAX_BLOCK_LEVELS {
                    return Some((line_start, line_start + indent, Cut::TooDeep));
                }
                let Some(&c) = line.get(pos) else { break };
                let next_white = line.get(pos + 1).is_none_or(|&n| n == b' ' || n == b'\t');
                if matches!(c, b'-' | b'?' | b':') && next_white {
                    pos += 1;
                } else if matches!(c, b'&' | b'!') {
                    // Node properties: skip them, they open nothing.
                    while line.get(pos).is_some_and(|&b| b != b' ' && b != b'\t') {
                        pos += 1;
                    }
                    while line.get(pos).is_some_and(|&b| b == b' ' || b == b'\t') {
                        pos += 1;
                    }
                    if pos >= line.len() {
                        break;
                    }
                    continue;
                } else {
                    break;
                }
                while line.get(pos).is_some_and(|&b| b == b' ' || b == b'\t') {
                    pos += 1;
                }
                if pos >= line.len() {
                    break;
                }
            }
        }
        line_start = line_end;
        if bytes.get(line_start) == Some(&b'\r') {
            line_start += 1;
        }
        if bytes.get(line_start) == Some(&b'\n') {
            line_start += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_yaml_is_safe() {
        assert_eq!(unsafe_line("a:\n  b:\n    - c\n    - d: e\n"), None);
        assert_eq!(unsafe_line(""), None);
    }

    #[test]
    fn deep_block_nesting_is_cut() {
        let mut s = String::new();
        for i in 0..300 {
            s.push_str(&" ".repeat(i));
            s.push_str("a:\n");
        }
        let (start, _, why) = unsafe_line(&s).unwrap();
        assert_eq!(why, Cut::TooDeep);
        assert!(start > 0 && start < s.len());
        let chain = "- ".repeat(500);
        assert_eq!(unsafe_line(&chain).unwrap().2, Cut::TooDeep);
    }
}
