//! Cutting a log body into lines and sending them in batches: lines are capped in length,
//! split from their `timestamps=true` prefix, cleaned, and skipped when a resumed stream
//! repeats what was already sent.

use std::pin::Pin;
use std::time::Duration;

use futures::{AsyncBufRead, AsyncBufReadExt};
use jiff::Timestamp;
use tokio::time::Instant;

use super::buffer::LogLine;
use super::sanitize::clean;
use super::spec::{LogNews, split_timestamp};
use super::stream::StreamTask;

/// Longest line kept; the rest is cut (and said so).
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// A batch is sent when it has this many lines…
pub const BATCH_LINES: usize = 2_000;
/// …or when its oldest line waited this long.
pub const BATCH_DELAY: Duration = Duration::from_millis(40);
/// Resume point: the last line's time and how many lines with exactly that time were sent.
#[derive(Debug, Clone, Copy, Default)]
pub struct Resume {
    pub last: Option<Timestamp>,
    pub at_last: usize,
}

impl Resume {
    /// Whether a line with `time` was already sent; `skip` counts equal-time lines to skip.
    fn seen(&self, time: Option<Timestamp>, skip: &mut usize) -> bool {
        match (self.last, time) {
            (Some(last), Some(t)) if t < last => true,
            (Some(last), Some(t)) if t == last && *skip > 0 => {
                *skip -= 1;
                true
            }
            _ => false,
        }
    }

    fn sent(&mut self, time: Option<Timestamp>) {
        if let Some(t) = time {
            if self.last == Some(t) {
                self.at_last += 1;
            } else {
                self.last = Some(t);
                self.at_last = 1;
            }
        }
    }
}

/// How a body ended.
pub enum Outcome {
    /// The body ended (server closed it).
    Eof,
    Failed(String),
}

/// Reads lines until the body ends, sending them in batches.
pub async fn pump(
    task: &StreamTask,
    mut reader: Pin<Box<impl AsyncBufRead + ?Sized>>,
    resume: &mut Resume,
    skip: &mut usize,
) -> Outcome {
    let mut batch: Vec<LogLine> = Vec::new();
    let mut deadline: Option<Instant> = None;
    let mut partial: Vec<u8> = Vec::new();
    let mut cut = 0usize;
    let dedupe = *resume;
    loop {
        let read = match deadline {
            Some(at) => match tokio::time::timeout_at(at, reader.as_mut().fill_buf()).await {
                Ok(read) => Some(read.map(<[u8]>::to_vec)),
                Err(_) => None,
            },
            None => Some(reader.as_mut().fill_buf().await.map(<[u8]>::to_vec)),
        };
        let chunk = match read {
            None => {
                flush(task, &mut batch);
                deadline = None;
                continue;
            }
            Some(Err(e)) => {
                flush(task, &mut batch);
                return Outcome::Failed(super::one_line(&e.to_string(), 120));
            }
            Some(Ok(chunk)) => chunk,
        };
        if chunk.is_empty() {
            if !partial.is_empty() {
                emit(task, &mut batch, &partial, cut, dedupe, resume, skip);
            }
            flush(task, &mut batch);
            return Outcome::Eof;
        }
        reader.as_mut().consume(chunk.len());
        let mut rest = chunk.as_slice();
        while let Some(pos) = rest.iter().position(|b| *b == b'\n') {
            append_capped(&mut partial, &rest[..pos], &mut cut);
            emit(task, &mut batch, &partial, cut, dedupe, resume, skip);
            partial.clear();
            cut = 0;
            rest = &rest[pos + 1..];
        }
        append_capped(&mut partial, rest, &mut cut);
        if batch.len() >= BATCH_LINES {
            flush(task, &mut batch);
            deadline = None;
        } else if !batch.is_empty() && deadline.is_none() {
            deadline = Some(Instant::now() + BATCH_DELAY);
        }
    }
}

fn append_capped(line: &mut Vec<u8>, bytes: &[u8], cut: &mut usize) {
    let room = MAX_LINE_BYTES.saturating_sub(line.len());
    let take = bytes.len().min(room);
    line.extend_from_slice(&bytes[..take]);
    *cut += bytes.len() - take;
}

fn emit(
    task: &StreamTask,
    batch: &mut Vec<LogLine>,
    raw: &[u8],
    cut: usize,
    dedupe: Resume,
    resume: &mut Resume,
    skip: &mut usize,
) {
    let (time, text) = split_timestamp(raw);
    if dedupe.seen(time, skip) {
        return;
    }
    resume.sent(time);
    let mut line = clean(text);
    if cut > 0 {
        line.text.push_str(&format!(" … [{cut} more bytes cut]"));
    }
    batch.push(LogLine::log(task.source, time, line));
}

fn flush(task: &StreamTask, batch: &mut Vec<LogLine>) {
    if !batch.is_empty() {
        (task.report)(LogNews::Lines {
            stream: task.stream,
            lines: std::mem::take(batch),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resume_skips_exactly_what_was_sent() {
        let t = |s: i64| Timestamp::from_second(s).ok();
        let mut resume = Resume::default();
        for time in [t(1), t(2), t(2)] {
            resume.sent(time);
        }
        let mut skip = resume.at_last;
        // The server resends everything since second 2 (two lines we have, one new) and more.
        let seen: Vec<bool> = [t(1), t(2), t(2), t(2), t(3)]
            .into_iter()
            .map(|time| resume.seen(time, &mut skip))
            .collect();
        assert_eq!(seen, vec![true, true, true, false, false]);
    }
}
