//! Suggestions for near misses: the candidate closest to a word that matched none (a
//! misspelt kind, code, key, id, framework or parameter), if it is close enough to be a
//! plausible typo, and the single edit that would put it in place.

use crate::source::Span;

/// The closest candidate to `word`, if it is close enough to be a plausible typo.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word = word.to_lowercase();
    let counts = ascii_counts(&word);
    candidates
        .into_iter()
        .filter(|c| could_be_near(&word, counts.as_ref(), c))
        .map(|c| (score(&word, c), c))
        .filter(|(score, _)| *score >= 0.7)
        // Ties go to the alphabetically first candidate, so the suggestion never depends on
        // the order candidates come in (hash maps iterate in random order).
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// The candidate that is `word` misspelt — a letter or two added, dropped, changed or swapped
/// (`comitments` for `commitments`) — if any. Stricter than [`did_you_mean`]: a shared
/// beginning earns nothing, so `reporting` does not suggest `records`. For words of headings.
pub(crate) fn misspelling<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::normalized_damerau_levenshtein(&word, &c.to_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// How near `candidate` is to `word` (already lower-case), from 0 to 1.
fn score(word: &str, candidate: &str) -> f64 {
    let lower = candidate.to_lowercase();
    // Damerau-Levenshtein measures real edits (`SCH020` → `SCH002`, `suplier` →
    // `supplier`); Jaro-Winkler, which rewards shared prefixes, only counts when very
    // high — ids share prefixes (`AIS-…`) without being near misses.
    let edits = strsim::normalized_damerau_levenshtein(word, &lower);
    let prefix = strsim::jaro_winkler(word, &lower);
    if prefix >= 0.93 {
        prefix.max(edits)
    } else {
        edits
    }
}

/// Character counts of an ASCII string (`None` for any other).
fn ascii_counts(s: &str) -> Option<[u16; 128]> {
    let mut counts = [0u16; 128];
    for b in s.bytes() {
        if !b.is_ascii() {
            return None;
        }
        let n = &mut counts[b as usize];
        *n = n.saturating_add(1);
    }
    Some(counts)
}

/// The single edit that puts `suggestion` in place of a scalar (a key or a value) that reads
/// `written` and is written at `span`: the whole span when it holds the text as it is, the
/// inside of the quotes when it holds it quoted, so the quotes stay as they were. `None` when
/// the span holds anything else (escapes, a block scalar, a tag or anchor, a folded line):
/// no single edit of it is certain.
pub(crate) fn scalar_edit(span: Span, written: &str, suggestion: &str) -> Option<(Span, String)> {
    let len = span.end.checked_sub(span.start)?;
    if len == written.len() {
        Some((span, suggestion.to_string()))
    } else if len == written.len() + 2 {
        Some((
            Span::new(span.start + 1, span.end - 1),
            suggestion.to_string(),
        ))
    } else {
        None
    }
}

/// A cheap, exact pre-test for [`did_you_mean`]: can `candidate` reach either threshold?
/// Both measures are bounded by the characters the two strings share (`common`, as
/// multisets): every edit covers at most one character of the longer string that has no
/// equal partner, so the edit distance is at least `longer − common`; and Jaro matches only
/// equal characters, so Jaro ≤ (common/a + common/b + 1)/3 and Jaro-Winkler ≤ 0.4 + 0.6·Jaro.
/// Skipping candidates that cannot reach either bound changes no suggestion; it spares the
/// full measures on every id of a large repository.
fn could_be_near(word: &str, counts: Option<&[u16; 128]>, candidate: &str) -> bool {
    let (Some(counts), true) = (counts, candidate.is_ascii()) else {
        return true;
    };
    let mut mine = [0u16; 128];
    for b in candidate.bytes() {
        let b = b.to_ascii_lowercase() as usize;
        mine[b] = mine[b].saturating_add(1);
    }
    let common: f64 = counts
        .iter()
        .zip(&mine)
        .map(|(a, b)| f64::from(*a.min(b)))
        .sum();
    let (a, b) = (word.len() as f64, candidate.len() as f64);
    let longer = a.max(b);
    if longer == 0.0 || a == 0.0 || b == 0.0 {
        return true;
    }
    let edits_at_best = common / longer;
    let jaro_at_best = (common / a + common / b + 1.0) / 3.0;
    let winkler_at_best = 0.4 + 0.6 * jaro_at_best;
    edits_at_best >= 0.7 - 1e-9 || winkler_at_best >= 0.93 - 1e-9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspellings_are_typos_not_shared_beginnings() {
        let headings = ["records", "comitments", "purpose"];
        assert_eq!(misspelling("commitments", headings), Some("comitments"));
        assert_eq!(misspelling("reports", headings), None);
        assert_eq!(did_you_mean("reports", headings), Some("records"));
    }

    #[test]
    fn an_edit_replaces_the_scalar_and_keeps_its_quotes() {
        let text = "status: aproved\nother: \"aproved\"\nesc: \"apr\\u006fved\"\n";
        let apply = |start: usize, end: usize| {
            let (span, fix) = scalar_edit(Span::new(start, end), "aproved", "approved")?;
            let mut out = text.to_string();
            out.replace_range(span.range(), &fix);
            Some(out)
        };
        assert!(apply(8, 15).unwrap().starts_with("status: approved\n"));
        assert!(apply(23, 32).unwrap().contains("other: \"approved\"\n"));
        let esc = text.find("\"apr\\").unwrap();
        assert_eq!(apply(esc, text.len() - 1), None, "escapes: no certain edit");
    }

    proptest::proptest! {
        /// The pre-test never drops a candidate that could have been suggested.
        #[test]
        fn the_pretest_keeps_every_near_candidate(
            word in "[a-d0-2-]{0,9}",
            candidate in "[a-dA-D0-2-]{0,9}",
        ) {
            let counts = ascii_counts(&word);
            if !could_be_near(&word, counts.as_ref(), &candidate) {
                proptest::prop_assert!(score(&word, &candidate) < 0.7);
            }
        }
    }
}
