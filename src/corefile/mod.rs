//! CoreDNS Corefile reading, as pure logic: a parser for the Caddyfile syntax CoreDNS uses
//! (server blocks with zones and ports, directives with arguments and nested blocks, comments,
//! quoted strings, snippets and `import`, environment placeholders kept as text) that never
//! panics and reports errors with line numbers, plus the questions the DNS chain asks of it:
//! the kubernetes plugin's zones, forward targets per server block, `loop`, stub domains and a
//! list of warnings.

mod checks;
mod lexer;
mod model;
mod parser;
mod plugins;

use std::fmt;

pub use checks::{CorefileWarning, WarningKind};
pub use model::{Corefile, Directive, ServerBlock, ServerKey, Snippet};
pub use plugins::{ForwardPlugin, ForwardTarget, KubernetesPlugin, StubDomain};

/// A Corefile that cannot be read, with the line to look at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorefileError {
    pub line: usize,
    pub message: String,
}

impl CorefileError {
    pub(crate) fn new(line: usize, message: &str) -> Self {
        CorefileError {
            line,
            message: message.to_string(),
        }
    }
}

impl fmt::Display for CorefileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Corefile line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for CorefileError {}

/// Parses a Corefile (the `Corefile` key of ConfigMap `kube-system/coredns`).
pub fn parse(text: &str) -> Result<Corefile, CorefileError> {
    let tokens = lexer::tokenize(text)?;
    parser::parse_tokens(&tokens)
}
