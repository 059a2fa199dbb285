//! JSON pointers (RFC 6901), the one way annexa names a place inside a document: spans,
//! schema findings, rule findings, suppressions and fingerprints all key on them. Building,
//! escaping and splitting them is here and nowhere else.
//!
//! A pointer is `""` for the whole document, else `/` followed by reference tokens joined by
//! `/`; in a token `~` is written `~0` and `/` is written `~1`. [`Pointer`] is one, owned;
//! the functions below read pointers borrowed as `&str` (a `&Pointer` is one).

use std::borrow::Cow;
use std::fmt;

/// A JSON pointer, as written (its tokens escaped). It reads as the `&str` it is written as
/// (span lookups, `Value::pointer`), displays and serialises as that text, and is built only
/// from its parts ([`Pointer::child`], [`Pointer::item`]) or from text already written as a
/// pointer (`From<String>`: a schema error's instance path, a pointer read back from a cache).
#[derive(
    Debug,
    Clone,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub(crate) struct Pointer(String);

impl Pointer {
    /// The whole document: `""`.
    pub(crate) const fn root() -> Self {
        Pointer(String::new())
    }

    /// The pointer of the member `key` of the mapping here (`key` is escaped).
    pub(crate) fn child(&self, key: &str) -> Pointer {
        self.token(&escape(key))
    }

    /// The pointer of item `index` of the list here.
    pub(crate) fn item(&self, index: usize) -> Pointer {
        use std::fmt::Write;
        let digits = index.checked_ilog10().map_or(1, |d| d as usize + 1);
        let mut p = String::with_capacity(self.0.len() + 1 + digits);
        p.push_str(&self.0);
        // Writing to a String cannot fail.
        let _ = write!(p, "/{index}");
        Pointer(p)
    }

    /// The pointer of the token `escaped`, already escaped, under this one; built at its final
    /// size (the span map keeps pointers as boxed strings, which would otherwise mean a second
    /// allocation).
    pub(crate) fn token(&self, escaped: &str) -> Pointer {
        let mut p = String::with_capacity(self.0.len() + 1 + escaped.len());
        p.push_str(&self.0);
        p.push('/');
        p.push_str(escaped);
        Pointer(p)
    }

    /// A copy of `pointer` with room for `more` bytes of tokens to come ([`Pointer::push`]).
    pub(crate) fn with_capacity(pointer: &Pointer, more: usize) -> Pointer {
        let mut p = String::with_capacity(pointer.0.len() + more);
        p.push_str(&pointer.0);
        Pointer(p)
    }

    /// Append the token `escaped`, already escaped.
    pub(crate) fn push(&mut self, escaped: &str) {
        self.0.push('/');
        self.0.push_str(escaped);
    }

    /// The pointer of the node holding this one (`/a/b` → `/a`; the root → itself).
    pub(crate) fn parent(&self) -> Pointer {
        Pointer(parent(&self.0).to_owned())
    }

    /// Is it the whole document?
    pub(crate) fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Pointer {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Pointer {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Pointer {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for Pointer {
    fn from(written: String) -> Self {
        Pointer(written)
    }
}

impl From<&str> for Pointer {
    fn from(written: &str) -> Self {
        Pointer(written.to_owned())
    }
}

impl From<Pointer> for String {
    fn from(p: Pointer) -> Self {
        p.0
    }
}

impl From<Pointer> for Box<str> {
    fn from(p: Pointer) -> Self {
        p.0.into_boxed_str()
    }
}

impl PartialEq<str> for Pointer {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Pointer {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

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
        let p = Pointer::root()
            .child("entries")
            .item(3)
            .child("iso27001:2022/A.5.1");
        assert_eq!(p, "/entries/3/iso27001:2022~1A.5.1");
        assert_eq!(p.to_string(), "/entries/3/iso27001:2022~1A.5.1");
        assert_eq!(p.parent(), "/entries/3");
        assert_eq!(Pointer::root().item(10).token("a~1b"), "/10/a~1b");
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#""/entries/3/iso27001:2022~1A.5.1""#
        );
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
