//! Parsing the `:` command line (`:pods`, `:no`, `:svc kube-system`, `:ns shop`, `:q`).

use crate::model::ResourceKind;

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Show a view, optionally switching namespace (`all` or `-A` for every namespace).
    View {
        kind: ResourceKind,
        namespace: Option<NamespaceChoice>,
    },
    /// `:ns NAME` switches namespace without changing the view.
    Namespace(NamespaceChoice),
    Quit,
    Help,
    /// `:ctx` opens the context picker; `:ctx NAME` switches.
    Context(Option<String>),
    /// `:can-i` shows what the user may do here.
    Access,
    /// `:tr` opens the Troubleshoot view.
    Troubleshoot,
    /// `:certs` opens the Certs view.
    Certs,
    /// `:logs …`: open the log pane.
    Logs(crate::logs::command::LogsCommand),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NamespaceChoice {
    All,
    Named(String),
}

fn namespace_arg(arg: &str) -> NamespaceChoice {
    match arg {
        "all" | "-A" | "--all-namespaces" | "*" => NamespaceChoice::All,
        other => NamespaceChoice::Named(other.trim_start_matches("-n=").to_string()),
    }
}

/// Parses a command; the error says what was not understood.
pub fn parse(text: &str) -> Result<Command, String> {
    let mut words = text.split_whitespace();
    let Some(first) = words.next() else {
        return Err("empty command".to_string());
    };
    let arg = words.next();
    match first {
        "q" | "q!" | "quit" | "exit" => return Ok(Command::Quit),
        "help" | "?" => return Ok(Command::Help),
        "ctx" | "context" | "contexts" => return Ok(Command::Context(arg.map(str::to_string))),
        "can-i" | "access" | "auth" => return Ok(Command::Access),
        "tr" | "troubleshoot" | "check" | "findings" => return Ok(Command::Troubleshoot),
        "certs" | "cert" | "certificates" => return Ok(Command::Certs),
        "logs" | "log" => {
            let rest: Vec<&str> = text.split_whitespace().skip(1).collect();
            return crate::logs::command::parse(&rest).map(Command::Logs);
        }
        _ => {}
    }
    let Some(kind) = ResourceKind::from_name(first) else {
        return Err(format!(
            "unknown command or resource '{first}' (try :pods, :no, :svc, :ns, :deploy, :ev)"
        ));
    };
    if kind == ResourceKind::Endpoints {
        return Err(
            "endpoints have no view yet; they fill the Services table's ENDPOINTS column"
                .to_string(),
        );
    }
    match (kind, arg) {
        (ResourceKind::Namespaces, Some(name)) => Ok(Command::Namespace(namespace_arg(name))),
        (_, Some("-n")) => match words.next() {
            Some(ns) => Ok(Command::View {
                kind,
                namespace: Some(namespace_arg(ns)),
            }),
            None => Err("-n needs a namespace".to_string()),
        },
        (_, arg) => Ok(Command::View {
            kind,
            namespace: arg.map(namespace_arg),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_names_and_namespaces_parse() {
        assert_eq!(
            parse("no"),
            Ok(Command::View {
                kind: ResourceKind::Nodes,
                namespace: None
            })
        );
        assert_eq!(
            parse("svc kube-system"),
            Ok(Command::View {
                kind: ResourceKind::Services,
                namespace: Some(NamespaceChoice::Named("kube-system".into()))
            })
        );
        assert_eq!(
            parse("po -A"),
            Ok(Command::View {
                kind: ResourceKind::Pods,
                namespace: Some(NamespaceChoice::All)
            })
        );
        assert_eq!(
            parse("ns shop"),
            Ok(Command::Namespace(NamespaceChoice::Named("shop".into())))
        );
        assert_eq!(
            parse("ns"),
            Ok(Command::View {
                kind: ResourceKind::Namespaces,
                namespace: None
            })
        );
        assert_eq!(parse("q"), Ok(Command::Quit));
        assert_eq!(parse("ctx prod"), Ok(Command::Context(Some("prod".into()))));
        assert_eq!(parse("ctx"), Ok(Command::Context(None)));
        assert!(parse("bogus").expect_err("unknown").contains("bogus"));
    }
}
