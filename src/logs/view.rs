//! Pure navigation over the buffer as the pane shows it: only lines the filter keeps, a
//! paused position (the sequence number of the bottom line) or live, and search matches.

use regex::Regex;

use super::buffer::{LogBuffer, LogLine, Stored};

/// A compiled pattern with the text the user typed.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub text: String,
    pub regex: Regex,
}

impl Pattern {
    /// Compiles `text` with smart case (lowercase text matches any case).
    pub fn new(text: &str) -> Result<Pattern, String> {
        let source = if text.chars().any(char::is_uppercase) {
            text.to_string()
        } else {
            format!("(?i){text}")
        };
        Regex::new(&source)
            .map(|regex| Pattern {
                text: text.to_string(),
                regex,
            })
            .map_err(|e| {
                let text = e.to_string();
                text.lines()
                    .last()
                    .unwrap_or("invalid regex")
                    .trim()
                    .to_string()
            })
    }

    pub fn matches(&self, line: &LogLine) -> bool {
        self.regex.is_match(&line.text)
    }
}

/// A filter: keep matching lines, or (inverse) drop them.
#[derive(Debug, Clone)]
pub struct Filter {
    pub pattern: Pattern,
    pub inverse: bool,
}

impl Filter {
    pub fn keeps(&self, line: &LogLine) -> bool {
        self.pattern.matches(line) != self.inverse
    }
}

/// Whether `filter` keeps the line (no filter keeps everything).
pub fn kept(filter: Option<&Filter>, stored: &Stored) -> bool {
    filter.is_none_or(|f| f.keeps(&stored.line))
}

/// The newest line the filter keeps.
pub fn newest(buffer: &LogBuffer, filter: Option<&Filter>) -> Option<u64> {
    buffer.iter().rev().find(|s| kept(filter, s)).map(|s| s.seq)
}

/// The line `k` kept lines before `from` (or the oldest kept line).
pub fn back(buffer: &LogBuffer, filter: Option<&Filter>, from: u64, k: usize) -> Option<u64> {
    let mut last = None;
    for (i, s) in buffer
        .back_from(from)
        .filter(|s| kept(filter, s))
        .enumerate()
    {
        last = Some(s.seq);
        if i == k {
            break;
        }
    }
    last
}

/// The line `k` kept lines after `from`; `None` when that passes the newest line (live).
pub fn forward(buffer: &LogBuffer, filter: Option<&Filter>, from: u64, k: usize) -> Option<u64> {
    buffer
        .forward_from(from)
        .filter(|s| kept(filter, s))
        .nth(k)
        .filter(|s| newest(buffer, filter) != Some(s.seq))
        .map(|s| s.seq)
}

/// The kept lines that fill `height` rows, ending at `bottom` (newest when live), oldest first.
/// `rows` says how many screen rows a line takes (1 without wrapping).
pub fn window<'a>(
    buffer: &'a LogBuffer,
    filter: Option<&Filter>,
    bottom: Option<u64>,
    height: usize,
    rows: impl Fn(&Stored) -> usize,
) -> Vec<&'a Stored> {
    let end = bottom.unwrap_or(u64::MAX);
    let mut used = 0;
    let mut out = Vec::new();
    for s in buffer.back_from(end).filter(|s| kept(filter, s)) {
        if used >= height {
            break;
        }
        used += rows(s).max(1);
        out.push(s);
    }
    out.reverse();
    out
}

/// The next (or previous) search hit from `from`, wrapping around; only kept lines count.
pub fn next_hit(
    buffer: &LogBuffer,
    filter: Option<&Filter>,
    from: Option<u64>,
    forward: bool,
) -> Option<u64> {
    let hit = |s: &&Stored| s.hit && kept(filter, s);
    let hits = buffer.iter().filter(hit);
    match (from, forward) {
        (Some(at), true) => hits
            .clone()
            .find(|s| s.seq > at)
            .or_else(|| hits.clone().next()),
        (Some(at), false) => hits
            .clone()
            .rev()
            .find(|s| s.seq < at)
            .or_else(|| hits.clone().next_back()),
        (None, true) => hits.clone().next(),
        (None, false) => hits.clone().next_back(),
    }
    .map(|s| s.seq)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::buffer::LogLine;

    fn buffer(texts: &[&str], search: Option<&Pattern>) -> LogBuffer {
        let mut b = LogBuffer::new(100, usize::MAX);
        for t in texts {
            let line = LogLine::marker(0, None, *t);
            let hit = search.is_some_and(|p| p.matches(&line));
            b.push(line, hit);
        }
        b
    }

    #[test]
    fn filter_window_and_scrolling() {
        let b = buffer(&["a1", "b1", "a2", "b2", "a3", "b3", "a4"], None);
        let only_a = Filter {
            pattern: Pattern::new("a").unwrap_or_else(|e| panic!("{e}")),
            inverse: false,
        };
        let not_a = Filter {
            inverse: true,
            ..only_a.clone()
        };
        let texts = |v: Vec<&Stored>| v.iter().map(|s| s.line.text.clone()).collect::<Vec<_>>();
        assert_eq!(
            texts(window(&b, Some(&only_a), None, 2, |_| 1)),
            ["a3", "a4"]
        );
        assert_eq!(
            texts(window(&b, Some(&not_a), None, 2, |_| 1)),
            ["b2", "b3"]
        );
        assert_eq!(
            texts(window(&b, None, Some(2), 5, |_| 1)),
            ["a1", "b1", "a2"]
        );
        assert_eq!(
            texts(window(&b, None, None, 4, |_| 2)),
            ["b3", "a4"],
            "wrapped lines take two rows"
        );
        assert_eq!(back(&b, Some(&only_a), 6, 1), Some(4));
        assert_eq!(back(&b, Some(&only_a), 6, 10), Some(0));
        assert_eq!(forward(&b, Some(&only_a), 0, 1), Some(2));
        assert_eq!(
            forward(&b, Some(&only_a), 2, 5),
            None,
            "past the newest is live"
        );
    }

    #[test]
    fn search_hits_wrap() {
        let p = Pattern::new("ERR").unwrap_or_else(|e| panic!("{e}"));
        let b = buffer(&["ok", "ERR 1", "ok", "err 2", "ERR 3"], Some(&p));
        assert_eq!(next_hit(&b, None, None, true), Some(1));
        assert_eq!(
            next_hit(&b, None, Some(1), true),
            Some(4),
            "smart case skips lowercase"
        );
        assert_eq!(next_hit(&b, None, Some(4), true), Some(1));
        assert_eq!(next_hit(&b, None, Some(1), false), Some(4));
        assert!(Pattern::new("(").is_err());
    }
}
