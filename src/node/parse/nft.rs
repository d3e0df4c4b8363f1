//! `nft list ruleset` output: tables (family and name), their chains with one rule per entry,
//! and the elements of their sets and maps. Only the structure kmedic reads (kube-proxy's
//! nftables mode, `table ip kube-proxy` / `table ip6 kube-proxy`); anything else is skipped.
//! Pure and forgiving: a line it does not understand is ignored, never an error.

use std::collections::BTreeMap;

use serde::Serialize;

/// One table of the ruleset.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct NftTable {
    pub family: String,
    pub name: String,
    /// Chain name → its rules, in order (base-chain declarations and comments left out).
    pub chains: BTreeMap<String, Vec<String>>,
    /// Set or map name → its elements, as written (`10.96.0.10 . udp . 53 : goto service-…`).
    pub elements: BTreeMap<String, Vec<String>>,
}

/// The whole ruleset.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct NftRuleset {
    pub tables: Vec<NftTable>,
}

impl NftRuleset {
    /// The tables called `name` (kube-proxy has one per IP family).
    pub fn tables_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a NftTable> + 'a {
        self.tables.iter().filter(move |t| t.name == name)
    }
}

/// `{` minus `}` outside double quotes.
fn depth_change(line: &str) -> i32 {
    let mut quoted = false;
    let mut d = 0;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            '{' if !quoted => d += 1,
            '}' if !quoted => d -= 1,
            _ => {}
        }
    }
    d
}

/// A name as nft prints it (quoted when it has unusual characters).
fn name(word: &str) -> String {
    word.trim_matches('"').to_string()
}

/// Splits `a, b, c` at the commas outside quotes and braces.
fn split_elements(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut depth) = (false, 0);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '{' if !quoted => depth += 1,
            '}' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(cur.trim().to_string());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out.retain(|e| !e.is_empty());
    out
}

/// What the line being read belongs to.
enum In {
    Table,
    Chain(String),
    Set(String),
    /// Something kmedic does not read (flowtables, counters, objects…).
    Other,
}

/// Reads `nft list ruleset` (also `nft list table …`) output.
pub fn parse(text: &str) -> NftRuleset {
    let mut out = NftRuleset::default();
    // Depth 1: inside a table; depth 2: inside a chain/set/map.
    let mut depth: i32 = 0;
    let mut inside = In::Other;
    // A statement that spans lines (an element list, a long rule), until its braces close.
    let mut pending = String::new();
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() && pending.is_empty() {
            continue;
        }
        if !pending.is_empty() {
            pending.push(' ');
            pending.push_str(line);
            if depth_change(&pending) > 0 {
                continue;
            }
            let statement = std::mem::take(&mut pending);
            take_statement(&mut out, &inside, &statement);
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        match (depth, words.as_slice()) {
            (0, ["table", family, table, "{", ..]) => {
                out.tables.push(NftTable {
                    family: family.to_string(),
                    name: name(table),
                    ..Default::default()
                });
                depth = 1;
                inside = In::Table;
            }
            (1, ["chain", chain, "{", ..]) => {
                depth = 2;
                inside = In::Chain(name(chain));
                if let Some(t) = out.tables.last_mut() {
                    t.chains.entry(name(chain)).or_default();
                }
            }
            (1, ["set" | "map", set, "{", ..]) => {
                depth = 2;
                inside = In::Set(name(set));
            }
            (1, ["}"]) | (2, ["}"]) => {
                depth -= 1;
                inside = if depth == 1 { In::Table } else { In::Other };
            }
            (1, [_, .., "{"]) => {
                depth = 2;
                inside = In::Other;
            }
            (0, _) | (1, _) => {}
            _ => {
                if depth_change(line) > 0 {
                    pending = line.to_string();
                } else {
                    take_statement(&mut out, &inside, line);
                }
            }
        }
    }
    out
}

/// One complete statement inside a chain (a rule) or a set/map (its elements).
fn take_statement(out: &mut NftRuleset, inside: &In, statement: &str) {
    let Some(table) = out.tables.last_mut() else {
        return;
    };
    match inside {
        In::Chain(chain) => {
            let declaration = statement.starts_with("type ")
                || statement.starts_with("comment ")
                || statement.starts_with("policy ");
            if !declaration {
                table
                    .chains
                    .entry(chain.clone())
                    .or_default()
                    .push(statement.to_string());
            }
        }
        In::Set(set) => {
            if let Some(rest) = statement.strip_prefix("elements = {") {
                let body = rest.trim().strip_suffix('}').unwrap_or(rest).trim();
                table
                    .elements
                    .entry(set.clone())
                    .or_default()
                    .extend(split_elements(body));
            }
        }
        In::Table | In::Other => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_chains_rules_and_multi_line_elements() {
        let text = "table inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n\t\ttcp dport 22 accept\n\t}\n}\ntable ip kube-proxy {\n\tcomment \"rules for kube-proxy\"\n\tmap service-ips {\n\t\ttype ipv4_addr . inet_proto . inet_service : verdict\n\t\tcomment \"ClusterIP, ExternalIP and LoadBalancer IP traffic\"\n\t\telements = { 10.96.0.1 . tcp . 443 : goto service-2QRHZV4L-default/kubernetes/tcp/https,\n\t\t\t     10.96.0.10 . udp . 53 : goto service-FY5PMXPG-kube-system/kube-dns/udp/dns }\n\t}\n\tchain service-2QRHZV4L-default/kubernetes/tcp/https {\n\t\tip daddr 10.96.0.1 tcp dport 443 ip saddr != 10.244.0.0/16 jump mark-for-masquerade\n\t\tnumgen random mod 1 vmap { 0 : goto endpoint-GZ6DVEAZ-default/kubernetes/tcp/https__172.18.0.2/6443 }\n\t}\n}\n";
        let r = parse(text);
        assert_eq!(r.tables.len(), 2);
        assert_eq!(r.tables[0].chains["input"], vec!["tcp dport 22 accept"]);
        let kp = r.tables_named("kube-proxy").next().unwrap_or(&r.tables[0]);
        assert_eq!(kp.family, "ip");
        assert_eq!(kp.elements["service-ips"].len(), 2);
        assert!(kp.elements["service-ips"][1].ends_with("kube-system/kube-dns/udp/dns"));
        let rules = &kp.chains["service-2QRHZV4L-default/kubernetes/tcp/https"];
        assert_eq!(rules.len(), 2);
        assert!(rules[1].starts_with("numgen random mod 1 vmap {"));
    }

    #[test]
    fn garbage_is_ignored() {
        assert_eq!(parse("}}} {{ table\n\0\u{1b}[31m"), NftRuleset::default());
        let r = parse("table ip t {\n\tchain c {\n\t\tmeta l4proto { tcp, udp\n");
        assert_eq!(r.tables.len(), 1);
    }
}
