//! The `:` command line's memory: commands run before (↑/↓ walk through them, newest first)
//! and Tab completion of kinds, namespaces and names from what kmedic already knows.

/// Most commands kept.
const MAX: usize = 100;

/// Commands run before, oldest first, and where ↑/↓ stands.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub entries: Vec<String>,
    /// Index into `entries` while walking; None at the line being typed.
    pub cursor: Option<usize>,
    /// What was typed before walking started, restored when walking past the newest.
    pub draft: String,
    /// A command to run once API discovery answers (after `:KIND @context`).
    pub pending: Option<String>,
}

impl History {
    /// Remembers a command (not twice in a row).
    pub fn push(&mut self, command: &str) {
        let command = command.trim();
        if command.is_empty() {
            return;
        }
        if self.entries.last().map(String::as_str) != Some(command) {
            self.entries.push(command.to_string());
        }
        if self.entries.len() > MAX {
            self.entries.remove(0);
        }
        self.cursor = None;
    }

    /// ↑: the previous command (older), keeping `typed` to come back to.
    pub fn older(&mut self, typed: &str) -> Option<String> {
        if self.entries.is_empty() {
            return None;
        }
        let next = match self.cursor {
            None => {
                self.draft = typed.to_string();
                self.entries.len() - 1
            }
            Some(0) => 0,
            Some(i) => i - 1,
        };
        self.cursor = Some(next);
        self.entries.get(next).cloned()
    }

    /// ↓: the next command (newer), then what was being typed.
    pub fn newer(&mut self) -> Option<String> {
        let i = self.cursor?;
        if i + 1 >= self.entries.len() {
            self.cursor = None;
            return Some(std::mem::take(&mut self.draft));
        }
        self.cursor = Some(i + 1);
        self.entries.get(i + 1).cloned()
    }
}

/// Completes the last word of `line` from `candidates`: the one match, else the longest
/// common prefix of all matches. Returns the new line and every match (for the footer).
pub fn complete(line: &str, candidates: &[String]) -> (String, Vec<String>) {
    let start = line.rfind(' ').map_or(0, |i| i + 1);
    let (head, word) = line.split_at(start);
    let (prefix, word) = match word.strip_prefix('@') {
        Some(w) => ("@", w),
        None => ("", word),
    };
    let lower = word.to_ascii_lowercase();
    let mut matches: Vec<String> = candidates
        .iter()
        .filter(|c| c.to_ascii_lowercase().starts_with(&lower))
        .cloned()
        .collect();
    matches.sort();
    matches.dedup();
    let completed = match matches.as_slice() {
        [] => return (line.to_string(), matches),
        [one] => format!("{head}{prefix}{one} "),
        many => {
            let mut common = many[0].clone();
            for m in many {
                while !m.starts_with(&common) {
                    common.pop();
                }
            }
            if common.len() < word.len() {
                return (line.to_string(), matches);
            }
            format!("{head}{prefix}{common}")
        }
    };
    (completed, matches)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_back_and_forth_and_restores_the_draft() {
        let mut h = History::default();
        h.push("pods");
        h.push("sts -n shop");
        h.push("sts -n shop");
        assert_eq!(h.entries.len(), 2);
        assert_eq!(h.older("de").as_deref(), Some("sts -n shop"));
        assert_eq!(h.older("").as_deref(), Some("pods"));
        assert_eq!(h.older("").as_deref(), Some("pods"));
        assert_eq!(h.newer().as_deref(), Some("sts -n shop"));
        assert_eq!(h.newer().as_deref(), Some("de"));
        assert_eq!(h.newer(), None);
    }

    #[test]
    fn completes_one_match_or_the_common_prefix() {
        let c: Vec<String> = ["statefulsets", "storageclasses", "secrets", "sts"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(complete("statef", &c).0, "statefulsets ");
        let (line, all) = complete("st", &c);
        assert_eq!(line, "st");
        assert_eq!(all.len(), 3);
        assert_eq!(complete("sto", &c).0, "storageclasses ");
        assert_eq!(
            complete("pods -n ku", &["kube-system".to_string()]).0,
            "pods -n kube-system "
        );
        assert_eq!(complete("po @pr", &["prod".to_string()]).0, "po @prod ");
        assert_eq!(complete("zz", &c).0, "zz");
    }
}
