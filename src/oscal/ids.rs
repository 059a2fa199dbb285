//! Stable identifiers: version 5 UUIDs from names, and requirement ids as OSCAL tokens.

use uuid::Uuid;

/// The namespace of every UUID annexa exports: the version 5 UUID of `urn:annexa:oscal` in the
/// URL namespace.
fn namespace() -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, super::NS.as_bytes())
}

/// The UUID of a stable name (`component/CTL-ACCESS`).
pub(crate) fn uuid(name: &str) -> String {
    Uuid::new_v5(&namespace(), name.as_bytes()).to_string()
}

/// UUIDs of names that may repeat (an id written twice, two findings with one fingerprint):
/// the first of a name gets [`uuid`] of it, the n-th (n > 1) that of `name#n`, so every UUID
/// of an export is unique and the export stays deterministic.
#[derive(Debug, Default)]
pub(crate) struct Unique(std::collections::HashMap<String, usize>);

impl Unique {
    pub(crate) fn uuid(&mut self, name: &str) -> String {
        let n = self.0.entry(name.to_string()).or_default();
        *n += 1;
        match *n {
            1 => uuid(name),
            n => uuid(&format!("{name}#{n}")),
        }
    }
}

/// The prefix given to a requirement id that OSCAL's token syntax rejects (`4.1` →
/// `req-4.1`; characters a token cannot hold become `_`).
pub(crate) const TOKEN_PREFIX: &str = "req-";

/// A requirement id (`A.5.15`, `4.1`) as an OSCAL token: as written when it is one (a letter
/// or `_`, then letters, digits, `.`, `-`, `_`), else with [`TOKEN_PREFIX`].
pub(crate) fn token(id: &str) -> String {
    if is_token(id) {
        return id.to_string();
    }
    let body: String = id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{TOKEN_PREFIX}{body}")
}

fn is_token(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_stable_version_5_and_tokens_get_a_prefix_only_when_needed() {
        let a = uuid("component/C1");
        assert_eq!(a, uuid("component/C1"));
        assert_ne!(a, uuid("component/C2"));
        let mut unique = Unique::default();
        assert_eq!(unique.uuid("component/C1"), a);
        assert_eq!(unique.uuid("component/C1"), uuid("component/C1#2"));
        assert_eq!(a.as_bytes()[14], b'5', "version 5: {a}");
        assert_eq!(token("A.5.15"), "A.5.15");
        assert_eq!(token("4.1"), "req-4.1");
        assert_eq!(token("6.1.3"), "req-6.1.3");
        assert_eq!(token("CC 6/1"), "req-CC_6_1");
    }
}
