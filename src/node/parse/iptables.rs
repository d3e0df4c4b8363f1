//! `iptables-save` output as tables, chains and rules (counters `[p:b]` tolerated, quoted
//! comments kept whole). The kube-proxy view built on top of it is in
//! [`crate::node::kubeproxy`].

use serde::Serialize;

use super::command_line::split_words;

/// One rule (`-A CHAIN …`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub chain: String,
    /// The words after `-A CHAIN`.
    pub args: Vec<String>,
}

impl Rule {
    /// The value after an option (`-j`, `--dport`, `--comment` …), first occurrence.
    pub fn option(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .position(|a| a == name)
            .and_then(|i| self.args.get(i + 1))
            .map(String::as_str)
    }

    /// The jump (`-j`) or goto (`-g`) target.
    pub fn target(&self) -> Option<&str> {
        self.option("-j").or_else(|| self.option("-g"))
    }

    pub fn comment(&self) -> Option<&str> {
        self.option("--comment")
    }

    /// The line as iptables-save printed it (quotes added back where needed).
    pub fn line(&self) -> String {
        let mut out = format!("-A {}", self.chain);
        for a in &self.args {
            out.push(' ');
            if a.contains(' ') || a.is_empty() {
                out.push('"');
                out.push_str(a);
                out.push('"');
            } else {
                out.push_str(a);
            }
        }
        out
    }
}

/// A chain with its policy (`ACCEPT`, or `-` for user chains).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chain {
    pub name: String,
    pub policy: String,
}

/// One table (`*nat` … `COMMIT`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Table {
    pub name: String,
    pub chains: Vec<Chain>,
    pub rules: Vec<Rule>,
}

impl Table {
    pub fn has_chain(&self, name: &str) -> bool {
        self.chains.iter().any(|c| c.name == name)
    }

    /// The rules of one chain, in order.
    pub fn rules_of<'a>(&'a self, chain: &'a str) -> impl Iterator<Item = &'a Rule> + 'a {
        self.rules.iter().filter(move |r| r.chain == chain)
    }
}

/// A whole `iptables-save` dump.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct IptablesSave {
    pub tables: Vec<Table>,
    /// Lines that could not be understood (kept for honesty, at most a few).
    pub unparsed: Vec<String>,
}

impl IptablesSave {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }
}

/// Parses `iptables-save` (or `iptables-save -c`) output.
pub fn parse(text: &str) -> IptablesSave {
    let mut out = IptablesSave::default();
    let mut current: Option<Table> = None;
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('*') {
            if let Some(t) = current.take() {
                out.tables.push(t);
            }
            current = Some(Table {
                name: name.trim().to_string(),
                ..Table::default()
            });
            continue;
        }
        let Some(table) = current.as_mut() else {
            note(&mut out.unparsed, line);
            continue;
        };
        if line == "COMMIT" {
            if let Some(t) = current.take() {
                out.tables.push(t);
            }
        } else if let Some(decl) = line.strip_prefix(':') {
            let mut words = decl.split_whitespace();
            if let (Some(name), Some(policy)) = (words.next(), words.next()) {
                table.chains.push(Chain {
                    name: name.to_string(),
                    policy: policy.to_string(),
                });
            }
        } else {
            // `[packets:bytes] -A CHAIN …` with -c.
            let rest = match line.strip_prefix('[') {
                Some(r) => r.split_once(']').map_or(r, |(_, rest)| rest.trim_start()),
                None => line,
            };
            let words: Vec<String> = split_words(rest).into_iter().map(|w| w.text).collect();
            match words.as_slice() {
                [a, chain, args @ ..] if a == "-A" => table.rules.push(Rule {
                    chain: chain.clone(),
                    args: args.to_vec(),
                }),
                _ => note(&mut out.unparsed, line),
            }
        }
    }
    if let Some(t) = current {
        out.tables.push(t);
    }
    out
}

fn note(unparsed: &mut Vec<String>, line: &str) {
    if unparsed.len() < 20 {
        unparsed.push(line.chars().take(200).collect());
    }
}
