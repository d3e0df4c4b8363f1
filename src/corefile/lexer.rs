//! Corefile tokens (Caddyfile syntax as CoreDNS reads it): words split on whitespace, `"…"`
//! quoted words (backslash escapes a quote or a backslash; a quoted word may span lines),
//! `#` comments to the end of the line when `#` starts a word, and line numbers for every
//! token. Environment placeholders (`{$VAR}`, `{%VAR%}`) stay as text.

use super::CorefileError;

/// One word of the Corefile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) text: String,
    /// Line where the token starts (1-based).
    pub(crate) line: usize,
    /// Line where it ends (a quoted token may span lines).
    pub(crate) end_line: usize,
    /// Written in quotes: never a brace, never a comment.
    pub(crate) quoted: bool,
}

impl Token {
    /// An unquoted `{`.
    pub(crate) fn is_open(&self) -> bool {
        !self.quoted && self.text == "{"
    }

    /// An unquoted `}`.
    pub(crate) fn is_close(&self) -> bool {
        !self.quoted && self.text == "}"
    }
}

/// Splits the text into tokens.
pub(crate) fn tokenize(text: &str) -> Result<Vec<Token>, CorefileError> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while let Some(&c) = chars.peek() {
        if c == '\n' {
            line += 1;
            chars.next();
        } else if c.is_whitespace() {
            chars.next();
        } else if c == '#' {
            // A comment runs to the end of the line.
            while chars.peek().is_some_and(|c| *c != '\n') {
                chars.next();
            }
        } else if c == '"' {
            chars.next();
            let start = line;
            let mut word = String::new();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '\\' if matches!(chars.peek(), Some('"') | Some('\\')) => {
                        if let Some(escaped) = chars.next() {
                            word.push(escaped);
                        }
                    }
                    '"' => {
                        closed = true;
                        break;
                    }
                    '\n' => {
                        line += 1;
                        word.push(c);
                    }
                    _ => word.push(c),
                }
            }
            if !closed {
                return Err(CorefileError::new(start, "unterminated quoted string"));
            }
            tokens.push(Token {
                text: word,
                line: start,
                end_line: line,
                quoted: true,
            });
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '"' {
                    break;
                }
                word.push(c);
                chars.next();
            }
            tokens.push(Token {
                text: word,
                line,
                end_line: line,
                quoted: false,
            });
        }
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn words(text: &str) -> Vec<(String, usize)> {
        tokenize(text)
            .unwrap()
            .into_iter()
            .map(|t| (t.text, t.line))
            .collect()
    }

    #[test]
    fn words_lines_and_comments() {
        assert_eq!(
            words(".:53 {\n  errors # log errors\n# whole line\n  cache 30\n}"),
            vec![
                (".:53".to_string(), 1),
                ("{".to_string(), 1),
                ("errors".to_string(), 2),
                ("cache".to_string(), 4),
                ("30".to_string(), 4),
                ("}".to_string(), 5),
            ]
        );
    }

    #[test]
    fn hash_inside_a_word_is_not_a_comment() {
        assert_eq!(words("a#b c"), vec![("a#b".into(), 1), ("c".into(), 1)]);
    }

    #[test]
    fn quoted_strings_keep_spaces_escapes_and_braces() {
        let tokens = tokenize(r#"answer "{{ .Name }} 60 IN A \"x\" \\" "{""#).unwrap();
        assert_eq!(tokens[1].text, r#"{{ .Name }} 60 IN A "x" \"#);
        assert!(tokens[1].quoted);
        assert_eq!(tokens[2].text, "{");
        assert!(!tokens[2].is_open());
    }

    #[test]
    fn quoted_string_spanning_lines_keeps_line_numbers() {
        let tokens = tokenize("a \"x\ny\"\nb").unwrap();
        assert_eq!((tokens[1].line, tokens[1].end_line), (1, 2));
        assert_eq!(tokens[2].line, 3);
    }

    #[test]
    fn unterminated_quote_is_an_error_with_its_line() {
        let err = tokenize("a\nb \"oops\nc").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("unterminated"));
    }

    #[test]
    fn env_placeholders_stay_text() {
        assert_eq!(
            words("{$UPSTREAM} {%X%}"),
            vec![("{$UPSTREAM}".into(), 1), ("{%X%}".into(), 1)]
        );
    }
}
