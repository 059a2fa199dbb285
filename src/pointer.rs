//! JSON pointers (RFC 6901), the one way annexa names a place inside a document: spans,
//! schema findings, rule findings, suppressions and fingerprints all key on them. Building,
//! escaping and splitting them is here and nowhere else.
//!
//! A pointer is `""` for the whole document, else `/` followed by reference tokens joined by
//! `/`; in a token `~` is written `~0` and `/` is written `~1`.

use std::borrow::Cow;

/// Escape one reference token (`a/b~c` → `a~1b~0c`).
pub(crate) fn escape(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1").into()
    } else {
        token.into()
    }
}

/// Unescape one reference token (`a~1b~0c` → `a/b~c`).
pub(crate) fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~").into()
    } else {
        token.into()
    }
}

/// The pointer of the member `key` of the mapping at `parent`.
pub(crate) fn child(parent: &str, key: &str) -> String {
    format!("{parent}/{}", escape(key))
}

/// The pointer of item `index` of the list at `parent`.
pub(crate) fn item(parent: &str, index: usize) -> String {
    format!("{parent}/{index}")
}

/// The pointer of the node holding the one at `pointer` (`/a/b` → `/a`; the root → itself).
pub(crate) fn parent(pointer: &str) -> &str {
    pointer.rfind('/').map_or("", |i| &pointer[..i])
}

/// The unescaped tokens of a pointer (`/a/b~1c` → `a`, `b/c`).
pub(crate) fn tokens(pointer: &str) -> impl Iterator<Item = Cow<'_, str>> {
    pointer.split('/').skip(1).map(unescape)
}

/// The last token, unescaped (`/a/b~1c` → `b/c`; the root → `""`).
pub(crate) fn last(pointer: &str) -> Cow<'_, str> {
    tokens(pointer).last().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_through_escaping() {
        assert_eq!(escape("a/b~c"), "a~1b~0c");
        assert_eq!(unescape("a~1b~0c"), "a/b~c");
        // `~01` is `~` followed by `1`, not `/`.
        assert_eq!(unescape("~01"), "~1");
        let p = child(&item(&child("", "entries"), 3), "iso27001:2022/A.5.1");
        assert_eq!(p, "/entries/3/iso27001:2022~1A.5.1");
        assert_eq!(
            tokens(&p).collect::<Vec<_>>(),
            ["entries", "3", "iso27001:2022/A.5.1"]
        );
        assert_eq!(last(&p), "iso27001:2022/A.5.1");
        assert_eq!(parent(&p), "/entries/3");
        assert_eq!(parent("/a"), "");
        assert_eq!(parent(""), "");
        assert_eq!(last(""), "");
    }
}
