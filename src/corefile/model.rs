//! The parsed Corefile: server blocks (their zone/port keys and directives), snippets, and
//! directives with arguments and nested blocks, each with its line number.

/// A whole Corefile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Corefile {
    pub server_blocks: Vec<ServerBlock>,
    /// `(name) { … }` definitions (already expanded where imported).
    pub snippets: Vec<Snippet>,
    /// `import` lines outside any server block (files kmedic cannot follow, or snippets).
    pub top_level_imports: Vec<Directive>,
}

/// A reusable `(name) { … }` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    pub name: String,
    pub line: usize,
    pub directives: Vec<Directive>,
}

/// `keys { directives }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerBlock {
    pub keys: Vec<ServerKey>,
    pub directives: Vec<Directive>,
    pub line: usize,
}

/// One server address: `[scheme://]zone[:port]`, e.g. `.:53`, `example.com`, `tls://.:853`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerKey {
    /// As written.
    pub raw: String,
    /// `dns` unless written (`tls`, `grpc`, `https` …).
    pub scheme: String,
    /// Lower case with a trailing dot (`.`, `example.com.`); a CIDR zone stays as written.
    pub zone: String,
    /// The port written, else the scheme's default (53 for dns); `None` when the written
    /// port is not a number (an environment placeholder, a typo).
    pub port: Option<u16>,
    pub line: usize,
}

impl ServerKey {
    pub fn is_root(&self) -> bool {
        self.zone == "."
    }
}

/// `name args… [{ nested directives }]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    pub name: String,
    pub args: Vec<String>,
    /// The `{ … }` block, if any.
    pub block: Option<Vec<Directive>>,
    pub line: usize,
    /// The snippet this directive came from through `import`, if any.
    pub snippet: Option<String>,
}

impl Directive {
    /// Sub-directives named `name` in the block.
    pub fn sub<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Directive> + 'a {
        self.block.iter().flatten().filter(move |d| d.name == name)
    }
}

impl ServerBlock {
    /// The zones of the keys (`.`, `example.com.` …).
    pub fn zones(&self) -> Vec<&str> {
        self.keys.iter().map(|k| k.zone.as_str()).collect()
    }

    /// True when some key serves the root zone.
    pub fn serves_root(&self) -> bool {
        self.keys.iter().any(ServerKey::is_root)
    }

    /// Top-level directives named `name`.
    pub fn directives_named<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Directive> + 'a {
        self.directives.iter().filter(move |d| d.name == name)
    }

    /// True when the block has a top-level directive (plugin) named `name`.
    pub fn has(&self, name: &str) -> bool {
        self.directives_named(name).next().is_some()
    }

    /// `zones` joined for messages: `.:53`, `example.com.:53`.
    pub fn label(&self) -> String {
        self.keys
            .iter()
            .map(|k| match k.port {
                Some(port) => format!("{}:{port}", k.zone),
                None => k.raw.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Lower case with a trailing dot; `.` and CIDR zones unchanged.
pub(crate) fn normalize_zone(zone: &str) -> String {
    if zone.is_empty() || zone == "." {
        return ".".into();
    }
    if zone.contains('/') {
        return zone.to_string();
    }
    let lower = zone.to_ascii_lowercase();
    if lower.ends_with('.') {
        lower
    } else {
        format!("{lower}.")
    }
}

/// Parses one server key.
pub(crate) fn parse_key(raw: &str, line: usize) -> ServerKey {
    let (scheme, rest) = match raw.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None => ("dns".to_string(), raw),
    };
    let default_port = match scheme.as_str() {
        "tls" | "quic" => Some(853),
        "grpc" | "https" | "https3" => Some(443),
        _ => Some(53),
    };
    let (zone, port) = match rest.rsplit_once(':') {
        Some((zone, port)) => (zone, port.parse::<u16>().ok()),
        None => (rest, default_port),
    };
    ServerKey {
        raw: raw.to_string(),
        scheme,
        zone: normalize_zone(zone),
        port,
        line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_coredns_notation() {
        let cases = [
            (".:53", "dns", ".", Some(53)),
            (".", "dns", ".", Some(53)),
            (":53", "dns", ".", Some(53)),
            ("example.com:53", "dns", "example.com.", Some(53)),
            ("Example.COM", "dns", "example.com.", Some(53)),
            ("consul.local.:5353", "dns", "consul.local.", Some(5353)),
            ("tls://.:853", "tls", ".", Some(853)),
            ("tls://.", "tls", ".", Some(853)),
            ("grpc://example.org", "grpc", "example.org.", Some(443)),
            ("10.0.0.0/24:53", "dns", "10.0.0.0/24", Some(53)),
            (".:{$PORT}", "dns", ".", None),
        ];
        for (raw, scheme, zone, port) in cases {
            let key = parse_key(raw, 1);
            assert_eq!(
                (key.scheme.as_str(), key.zone.as_str(), key.port),
                (scheme, zone, port),
                "{raw}"
            );
        }
    }
}
