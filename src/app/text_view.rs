//! A scrollable, searchable block of text lines (the detail and YAML views).

use regex::Regex;

/// Lines plus scroll position and the current search.
#[derive(Debug, Clone, Default)]
pub struct TextView {
    pub scroll: usize,
    pub search: Option<Search>,
}

#[derive(Debug, Clone)]
pub struct Search {
    pub pattern: String,
    pub regex: Regex,
    /// Line numbers that match.
    pub matches: Vec<usize>,
    /// Index into `matches` of the current one.
    pub current: usize,
}

impl TextView {
    pub fn scroll_by(&mut self, delta: isize, line_count: usize, height: usize) {
        let max = line_count.saturating_sub(height.max(1));
        self.scroll = (self.scroll as isize + delta).clamp(0, max as isize) as usize;
    }

    pub fn scroll_to(&mut self, line: usize, line_count: usize, height: usize) {
        let max = line_count.saturating_sub(height.max(1));
        self.scroll = line.min(max);
    }

    /// Starts a search (smart case) and jumps to the first match at or after the scroll position.
    pub fn search(
        &mut self,
        pattern: &str,
        lines: &[String],
        height: usize,
    ) -> Result<usize, String> {
        let source = if pattern.chars().any(char::is_uppercase) {
            pattern.to_string()
        } else {
            format!("(?i){pattern}")
        };
        let regex = Regex::new(&source).map_err(|e| {
            e.to_string()
                .lines()
                .last()
                .unwrap_or("invalid regex")
                .trim()
                .to_string()
        })?;
        let matches: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| regex.is_match(l))
            .map(|(i, _)| i)
            .collect();
        let current = matches.iter().position(|&m| m >= self.scroll).unwrap_or(0);
        let count = matches.len();
        self.search = Some(Search {
            pattern: pattern.to_string(),
            regex,
            matches,
            current,
        });
        self.jump(lines.len(), height);
        Ok(count)
    }

    /// Re-runs the current search over changed lines.
    pub fn refresh_search(&mut self, lines: &[String]) {
        if let Some(search) = &mut self.search {
            search.matches = lines
                .iter()
                .enumerate()
                .filter(|(_, l)| search.regex.is_match(l))
                .map(|(i, _)| i)
                .collect();
            search.current = search.current.min(search.matches.len().saturating_sub(1));
        }
    }

    /// Moves to the next (or previous) match, wrapping.
    pub fn next_match(&mut self, forward: bool, line_count: usize, height: usize) {
        if let Some(search) = &mut self.search
            && !search.matches.is_empty()
        {
            let n = search.matches.len();
            search.current = if forward {
                (search.current + 1) % n
            } else {
                (search.current + n - 1) % n
            };
        }
        self.jump(line_count, height);
    }

    fn jump(&mut self, line_count: usize, height: usize) {
        if let Some(line) = self
            .search
            .as_ref()
            .and_then(|s| s.matches.get(s.current))
            .copied()
        {
            // Show the match a few lines below the top for context.
            self.scroll_to(line.saturating_sub(2), line_count, height);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_finds_and_cycles_matches() {
        let lines: Vec<String> = (0..50)
            .map(|i| {
                if i % 10 == 3 {
                    format!("image: x{i}")
                } else {
                    format!("line {i}")
                }
            })
            .collect();
        let mut view = TextView::default();
        assert_eq!(
            view.search("IMAGE", &lines, 10),
            Ok(0),
            "smart case: capitals are exact"
        );
        assert_eq!(view.search("image", &lines, 10), Ok(5));
        assert_eq!(view.scroll, 1);
        view.next_match(true, lines.len(), 10);
        assert_eq!(view.scroll, 11);
        view.next_match(false, lines.len(), 10);
        view.next_match(false, lines.len(), 10);
        assert_eq!(
            view.scroll, 40,
            "wraps to the last match, clamped to the end"
        );
        assert!(view.search("(", &lines, 10).is_err());
    }
}
