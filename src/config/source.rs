//! Plumbing shared by the theme and keymap loaders: a named TOML text, byte offsets turned into
//! 1-based line numbers, error construction, and "did you mean" suggestions.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::ConfigError;

/// The text of one configuration file together with the name errors should carry, and where
/// its lines start (computed once, so locating each of many errors is a binary search instead
/// of a scan from the top of the file — the loaders stay linear in the size of the file).
#[derive(Debug, Clone)]
pub(crate) struct Source<'a> {
    pub name: &'a str,
    pub text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Source<'a> {
    pub fn new(name: &'a str, text: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Source {
            name,
            text,
            line_starts,
        }
    }

    /// The 1-based line that contains byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        // The number of line starts at or before `offset`; the first (0) always is.
        self.line_starts.partition_point(|start| *start <= offset)
    }

    /// An error located at the start of `span`.
    pub fn error(&self, span: Range<usize>, message: impl Into<String>) -> ConfigError {
        ConfigError {
            file: self.name.to_string(),
            line: Some(self.line_of(span.start)),
            message: message.into(),
        }
    }

    /// Parses the whole document; a syntax error becomes one located `ConfigError`. Arrays and
    /// inline tables nested deeper than [`MAX_NESTING`] are refused before parsing: the TOML
    /// parser recurses once per level and would overflow the stack.
    pub fn parse(&self) -> Result<DeTable<'a>, ConfigError> {
        if let Some(offset) = too_deep(self.text) {
            return Err(ConfigError {
                file: self.name.to_string(),
                line: Some(self.line_of(offset)),
                message: format!("arrays or tables nested deeper than {MAX_NESTING} levels"),
            });
        }
        match parse_with_room(self.text) {
            Ok(table) => Ok(table.into_inner()),
            Err(err) => Err(ConfigError {
                file: self.name.to_string(),
                line: err.span().map(|span| self.line_of(span.start)),
                message: format!("invalid TOML: {}", err.message().trim_end()),
            }),
        }
    }
}

/// Parses on a thread with a stack that holds the parser's own deepest nesting (80 levels)
/// even in a debug build, in case the scan above counts less nesting than the parser builds
/// while it recovers from errors (the fuzzer found such inputs). Falls back to the calling
/// thread when no thread can be started.
fn parse_with_room(text: &str) -> Result<toml::Spanned<DeTable<'_>>, toml::de::Error> {
    const STACK: usize = 32 << 20;
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("kmedic-toml".into())
            .stack_size(STACK)
            .spawn_scoped(scope, || DeTable::parse(text))
            .ok()
            .and_then(|handle| handle.join().ok())
    })
    .unwrap_or_else(|| DeTable::parse(text))
}

/// Deepest nesting of arrays and inline tables a configuration file may use (kmedic's own
/// files use three).
pub(crate) const MAX_NESTING: usize = 32;

/// The offset where brackets and braces outside strings and comments first nest deeper than
/// [`MAX_NESTING`], if they do. A conservative scan, not a parser: it only has to know what is
/// inside a string (basic, literal, multi-line) or a comment, and never count less nesting than
/// the parser builds (the parser's own limit, 80 levels, is too deep for a 2 MiB thread stack
/// in a debug build).
fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut open_stack: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            quote @ (b'"' | b'\'') => {
                let triple = bytes.get(i..i + 3) == Some(&[quote; 3][..]);
                i += if triple { 3 } else { 1 };
                while i < bytes.len() {
                    if quote == b'"' && bytes[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if bytes[i] == quote
                        && (!triple || bytes.get(i..i + 3) == Some(&[quote; 3][..]))
                    {
                        i += if triple { 3 } else { 1 };
                        break;
                    }
                    if !triple && bytes[i] == b'\n' {
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            open @ (b'[' | b'{') => {
                open_stack.push(open);
                if open_stack.len() > MAX_NESTING {
                    return Some(i);
                }
            }
            // A closer only closes its own kind: the parser, recovering from errors, keeps an
            // array open across a stray `}` (and so nests deeper at the next `[`).
            b']' if open_stack.last() == Some(&b'[') => {
                open_stack.pop();
            }
            b'}' if open_stack.last() == Some(&b'{') => {
                open_stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// A human name for a TOML value's type, for "expected a string, found an integer".
pub(crate) fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a datetime",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// Entries of a table as `(key, key span, value)`, sorted by position in the file.
pub(crate) fn entries<'t, 'i>(
    table: &'t DeTable<'i>,
) -> Vec<(&'t str, Range<usize>, &'t Spanned<DeValue<'i>>)> {
    let mut out: Vec<_> = table
        .iter()
        .map(|(key, value)| (key.get_ref().as_ref(), key.span(), value))
        .collect();
    out.sort_by_key(|(_, span, _)| span.start);
    out
}

/// `"; did you mean 'x'?"` when one of `candidates` is close to `word`, else an empty string.
pub(crate) fn suggest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> String {
    let limit = word.chars().count().div_ceil(3).clamp(1, 3);
    let length = word.chars().count();
    candidates
        .into_iter()
        // The distance is at least the difference in length: skip hopeless candidates (and
        // the whole quadratic comparison for a very long word).
        .filter(|c| c.chars().count().abs_diff(length) <= limit)
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| format!("; did you mean '{c}'?"))
        .unwrap_or_default()
}

/// Levenshtein distance, counted in chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An input the fuzzer found: the scan counts it shallow, the parser's error recovery
    /// nests it deeper. Parsed on a thread with the 2 MiB stack the fuzzer's workers (and
    /// most threads) have, it must end in a result, not a stack overflow.
    #[test]
    fn deep_nesting_built_by_error_recovery_does_not_overflow_a_small_stack() {
        let text = include_str!("../../tests/fixtures/config/deep-after-recovery.theme.toml");
        let outcome = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || Source::new("theme.toml", text).parse().is_ok())
            .expect("thread")
            .join();
        assert!(outcome.is_ok());
    }

    #[test]
    fn lines_are_one_based() {
        let src = Source::new("t", "a\nb\nc");
        assert_eq!(src.line_of(0), 1);
        assert_eq!(src.line_of(1), 1);
        assert_eq!(src.line_of(2), 2);
        assert_eq!(src.line_of(4), 3);
        assert_eq!(src.line_of(99), 3);
        assert_eq!(Source::new("t", "").line_of(0), 1);
        assert_eq!(Source::new("t", "\n\n").line_of(2), 3);
    }

    #[test]
    fn suggestions_only_for_near_misses() {
        assert_eq!(
            suggest("warnng", ["warning", "error"]),
            "; did you mean 'warning'?"
        );
        assert_eq!(suggest("zzzzzz", ["warning", "error"]), "");
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = format!("[colors]\nok = {}", "[".repeat(5000));
        let err = Source::new("t.toml", &deep).parse().err();
        assert!(
            matches!(&err, Some(ConfigError { line: Some(2), message, .. }) if message.contains("nested deeper")),
            "{err:?}"
        );
        let strings = format!(
            "a = \"{}\"\nb = '{}'\nc = '''\n{}'''\n# {}\n",
            "[".repeat(99),
            "{".repeat(99),
            "[".repeat(99),
            "[".repeat(99)
        );
        assert!(too_deep(&strings).is_none());
        assert!(too_deep("x = [[[1]], {a = [2]}]\n[[t]]\n[u.v]\n").is_none());
        // Found by the fuzzer: stray `}` do not close the arrays `bindings = [` opened.
        let stray = "[table]\n".to_string() + &"bindings = [\n },\n".repeat(200);
        assert!(too_deep(&stray).is_some());
    }

    #[test]
    fn syntax_errors_carry_a_line() {
        let src = Source::new("t.toml", "[colors]\nok = {\n");
        let err = src.parse().err();
        assert!(
            matches!(err, Some(ConfigError { line: Some(_), .. })),
            "{err:?}"
        );
    }
}
