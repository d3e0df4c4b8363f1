//! Node text is hostile: before it reaches a terminal every control character becomes visible
//! (`␛`, `␇`, `<U+009B>`) and bidirectional overrides are shown as `<U+202E>`, so nothing from
//! a node can retitle, clear or rewrite the terminal or reorder what the user reads. JSON output
//! gets the same characters as `\u` escapes. One function each, so a shared sanitiser can
//! replace them.

/// Bidirectional formatting characters (they reorder the text around them).
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Text safe for a terminal; newlines and tabs are kept.
pub fn sanitize_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
            '\u{7f}' => out.push('\u{2421}'),
            '\u{80}'..='\u{9f}' => out.push_str(&format!("<U+{:04X}>", c as u32)),
            c if is_bidi_control(c) => out.push_str(&format!("<U+{:04X}>", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Serialised JSON with C1 controls and bidi overrides written as `\uXXXX` (serde escapes
/// only C0). The characters only occur inside strings, so the JSON stays the same value.
pub fn escape_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if matches!(c, '\u{7f}'..='\u{9f}') || is_bidi_control(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_overrides_become_visible() {
        let hostile = "x\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}gnp.exe\nnext\ttab";
        let clean = sanitize_text(hostile);
        assert!(!clean.contains('\u{1b}') && !clean.contains('\u{7}'));
        assert!(!clean.contains('\u{9b}') && !clean.contains('\u{202e}'));
        assert!(clean.contains("␛]0;pwned␇␛[2J<U+009B>31m<U+202E>gnp.exe\nnext\ttab"));
        let json = serde_json::to_string(&hostile).unwrap_or_default();
        let escaped = escape_json(&json);
        assert!(escaped.contains("\\u009b") && escaped.contains("\\u202e"));
        let back: String = serde_json::from_str(&escaped).unwrap_or_default();
        assert_eq!(back, hostile);
    }
}
