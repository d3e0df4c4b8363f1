//! Word wrapping of styled text into rows of a given display width. The renderer draws the rows
//! this produces and the reducer counts them to bound scrolling, so both agree on every size.

use unicode_width::UnicodeWidthChar;

/// Wraps `parts` (pieces of one line, each with its own style tag) into rows at most `width`
/// columns wide, breaking at spaces where it can and inside a word only when the word alone is
/// wider than a row.
pub fn wrap<T: Copy>(parts: &[(T, String)], width: usize) -> Vec<Vec<(T, String)>> {
    let width = width.max(1);
    // Words keep their trailing spaces so that joining the rows gives the text back.
    let mut words: Vec<(T, String)> = Vec::new();
    for (tag, text) in parts {
        let mut word = String::new();
        let mut in_space = false;
        for c in text.chars() {
            if in_space && c != ' ' {
                words.push((*tag, std::mem::take(&mut word)));
                in_space = false;
            }
            if c == ' ' {
                in_space = true;
            }
            word.push(c);
        }
        if !word.is_empty() {
            words.push((*tag, word));
        }
    }
    let mut rows: Vec<Vec<(T, String)>> = vec![Vec::new()];
    let mut used = 0;
    for (tag, word) in words {
        let visible = width_of(word.trim_end_matches(' '));
        if used > 0 && used + visible > width {
            rows.push(Vec::new());
            used = 0;
        }
        let mut piece = String::new();
        for c in word.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width && c != ' ' {
                if let Some(row) = rows.last_mut() {
                    push(row, tag, std::mem::take(&mut piece));
                }
                rows.push(Vec::new());
                used = 0;
            }
            piece.push(c);
            used += w;
        }
        if let Some(row) = rows.last_mut() {
            push(row, tag, piece);
        }
    }
    rows
}

fn push<T: Copy>(row: &mut Vec<(T, String)>, tag: T, text: String) {
    if !text.is_empty() {
        row.push((tag, text));
    }
}

/// Display columns of `text`.
pub fn width_of(text: &str) -> usize {
    text.chars().map(|c| c.width().unwrap_or(0)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(rows: &[Vec<(u8, String)>]) -> Vec<String> {
        rows.iter()
            .map(|r| r.iter().map(|(_, t)| t.as_str()).collect::<String>())
            .collect()
    }

    #[test]
    fn breaks_at_spaces_and_inside_long_words_only() {
        let rows = wrap(&[(0u8, "the quick brown fox".to_string())], 10);
        assert_eq!(texts(&rows), ["the quick ", "brown fox"]);
        let rows = wrap(&[(0u8, "abcdefghijkl xy".to_string())], 5);
        assert_eq!(texts(&rows), ["abcde", "fghij", "kl xy"]);
    }

    #[test]
    fn styles_follow_their_text() {
        let rows = wrap(
            &[(1u8, "label: ".to_string()), (2u8, "a value".to_string())],
            9,
        );
        assert_eq!(texts(&rows), ["label: a ", "value"]);
        assert_eq!(rows[0][0].0, 1);
        assert_eq!(rows[0][1].0, 2);
        assert!(wrap::<u8>(&[], 5).len() == 1);
    }
}
