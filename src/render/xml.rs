//! XML escaping shared by the XML formats (JUnit, Checkstyle): what a value must become to be
//! character data or a double-quoted attribute of a well-formed XML 1.0 document.

/// Character data: markup characters escaped (as in HTML, whose escapes XML shares),
/// characters XML 1.0 cannot carry replaced by U+FFFD.
pub(crate) fn text(s: &str) -> String {
    let allowed: String = s
        .chars()
        .map(|c| if allowed(c) { c } else { '\u{FFFD}' })
        .collect();
    crate::coverage::html::esc(&allowed)
}

/// An attribute value (in double quotes): as character data, with line breaks and tabs as
/// references, which an XML parser would otherwise normalise to spaces.
pub(crate) fn attr(s: &str) -> String {
    text(s)
        .replace('\r', "&#13;")
        .replace('\n', "&#10;")
        .replace('\t', "&#9;")
}

/// Characters XML 1.0 allows in a document.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_xml_well_formed() {
        assert_eq!(text("a < b && c > d"), "a &lt; b &amp;&amp; c &gt; d");
        assert_eq!(text("nul\u{0}\u{1b}end"), "nul\u{FFFD}\u{FFFD}end");
        assert_eq!(attr("say \"hi\"\n\tnow"), "say &quot;hi&quot;&#10;&#9;now");
        assert_eq!(attr("a\r\nb"), "a&#13;&#10;b");
    }
}
