//! The pane's bounded line buffer: a ring with a line cap and a byte cap. When either cap is
//! hit the oldest lines go and a counter says how many. Lines carry a sequence number that
//! never repeats, so scroll positions survive lines dropping off the front.

use std::collections::VecDeque;

use jiff::Timestamp;

use super::sanitize::{CleanLine, StyleRun};

/// Default line cap per pane.
pub const DEFAULT_MAX_LINES: usize = 10_000;
/// Default byte cap per pane (text plus per-line overhead).
pub const DEFAULT_MAX_BYTES: usize = 16 * 1024 * 1024;
/// Bookkeeping bytes counted per line on top of its text.
const LINE_OVERHEAD: usize = 64;

/// What a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Output of a container.
    Log,
    /// A note kmedic adds (a pod joined or left, the stream reconnected).
    Marker,
}

/// One line as received from a stream, already cleaned.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    /// Index of the source (pod/container) in the pane.
    pub source: u16,
    pub kind: LineKind,
    pub time: Option<Timestamp>,
    pub text: String,
    pub runs: Vec<StyleRun>,
}

impl LogLine {
    pub fn log(source: u16, time: Option<Timestamp>, clean: CleanLine) -> Self {
        LogLine {
            source,
            kind: LineKind::Log,
            time,
            text: clean.text,
            runs: clean.runs,
        }
    }

    pub fn marker(source: u16, time: Option<Timestamp>, text: impl Into<String>) -> Self {
        LogLine {
            source,
            kind: LineKind::Marker,
            time,
            text: text.into(),
            runs: Vec::new(),
        }
    }

    fn cost(&self) -> usize {
        self.text.len() + self.runs.len() * std::mem::size_of::<StyleRun>() + LINE_OVERHEAD
    }
}

/// A stored line: the line, its sequence number and whether the current pattern matches it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub seq: u64,
    pub hit: bool,
    pub line: LogLine,
}

/// The ring of lines.
#[derive(Debug, Clone)]
pub struct LogBuffer {
    lines: VecDeque<Stored>,
    bytes: usize,
    pub max_lines: usize,
    pub max_bytes: usize,
    /// Lines dropped off the front since the pane opened.
    pub dropped: u64,
    next_seq: u64,
}

impl Default for LogBuffer {
    fn default() -> Self {
        LogBuffer::new(DEFAULT_MAX_LINES, DEFAULT_MAX_BYTES)
    }
}

impl LogBuffer {
    pub fn new(max_lines: usize, max_bytes: usize) -> Self {
        LogBuffer {
            lines: VecDeque::new(),
            bytes: 0,
            max_lines: max_lines.max(1),
            max_bytes: max_bytes.max(1),
            dropped: 0,
            next_seq: 0,
        }
    }

    /// Appends a line; `hit` says whether the pane's pattern matches it.
    pub fn push(&mut self, line: LogLine, hit: bool) {
        self.bytes += line.cost();
        self.lines.push_back(Stored {
            seq: self.next_seq,
            hit,
            line,
        });
        self.next_seq += 1;
        while self.lines.len() > self.max_lines
            || (self.bytes > self.max_bytes && self.lines.len() > 1)
        {
            if let Some(old) = self.lines.pop_front() {
                self.bytes -= old.line.cost();
                self.dropped += 1;
            }
        }
    }

    /// Forgets every line (a new stream replaces the old one); the dropped count restarts.
    pub fn clear(&mut self) {
        self.lines.clear();
        self.bytes = 0;
        self.dropped = 0;
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Sequence number of the oldest line kept (or of the next line when empty).
    pub fn first_seq(&self) -> u64 {
        self.lines.front().map_or(self.next_seq, |l| l.seq)
    }

    /// Sequence number the next line will get.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// The line with sequence number `seq`, if still kept.
    pub fn get(&self, seq: u64) -> Option<&Stored> {
        let index = seq.checked_sub(self.first_seq())?;
        self.lines.get(usize::try_from(index).ok()?)
    }

    pub fn iter(&self) -> std::collections::vec_deque::Iter<'_, Stored> {
        self.lines.iter()
    }

    /// Lines with sequence numbers `<= seq`, newest first.
    pub fn back_from(&self, seq: u64) -> impl Iterator<Item = &Stored> {
        let end = seq
            .saturating_add(1)
            .saturating_sub(self.first_seq())
            .min(self.lines.len() as u64) as usize;
        self.lines.range(..end).rev()
    }

    /// Lines with sequence numbers `>= seq`, oldest first.
    pub fn forward_from(&self, seq: u64) -> impl Iterator<Item = &Stored> {
        let start = seq
            .saturating_sub(self.first_seq())
            .min(self.lines.len() as u64) as usize;
        self.lines.range(start..)
    }

    /// Recomputes every line's `hit` flag.
    pub fn rehit(&mut self, hit: impl Fn(&LogLine) -> bool) {
        for stored in &mut self.lines {
            stored.hit = hit(&stored.line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> LogLine {
        LogLine::marker(0, None, text)
    }

    #[test]
    fn line_cap_drops_oldest_and_counts() {
        let mut buffer = LogBuffer::new(3, usize::MAX);
        for i in 0..5 {
            buffer.push(line(&format!("l{i}")), false);
        }
        assert_eq!(buffer.len(), 3);
        assert_eq!(buffer.dropped, 2);
        assert_eq!(buffer.first_seq(), 2);
        assert_eq!(buffer.get(3).map(|s| s.line.text.as_str()), Some("l3"));
        assert!(buffer.get(1).is_none());
        let back: Vec<u64> = buffer.back_from(3).map(|s| s.seq).collect();
        assert_eq!(back, vec![3, 2]);
        let fwd: Vec<u64> = buffer.forward_from(3).map(|s| s.seq).collect();
        assert_eq!(fwd, vec![3, 4]);
    }

    #[test]
    fn byte_cap_drops_oldest() {
        let mut buffer = LogBuffer::new(1000, 3 * (LINE_OVERHEAD + 100));
        for _ in 0..10 {
            buffer.push(line(&"x".repeat(100)), false);
        }
        assert_eq!(buffer.len(), 3);
        assert_eq!(buffer.dropped, 7);
        assert!(buffer.bytes() <= buffer.max_bytes);
    }
}
