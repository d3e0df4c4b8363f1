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
    /// Any kind by kubectl's names, with kubectl's flags: `:sts -n shop`, `:pods -l app=web`,
    /// `:pods --field-selector spec.nodeName=w1`, `:po @prod`. Resolved against discovery.
    Resource(ResourceQuery),
    /// `:reveal KEY`: show one key of the Secret open in describe/YAML, decoded.
    Reveal(String),
}

/// A kind and how to list it, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResourceQuery {
    pub name: String,
    pub namespace: Option<NamespaceChoice>,
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
    /// `@context`: switch to this context first.
    pub context: Option<String>,
}

/// Reads kubectl's flags after a kind name.
fn query(name: &str, args: &[&str]) -> Result<ResourceQuery, String> {
    let mut q = ResourceQuery {
        name: name.to_string(),
        ..Default::default()
    };
    let mut i = 0;
    let value = |i: &mut usize, flag: &str| -> Result<String, String> {
        *i += 1;
        args.get(*i)
            .map(|v| v.to_string())
            .ok_or_else(|| format!("{flag} needs a value"))
    };
    while i < args.len() {
        let arg = args[i];
        if let Some(ctx) = arg.strip_prefix('@') {
            if ctx.is_empty() {
                return Err("@ needs a context name (:pods @prod)".to_string());
            }
            q.context = Some(ctx.to_string());
        } else if matches!(arg, "-A" | "--all-namespaces" | "all" | "*") {
            q.namespace = Some(NamespaceChoice::All);
        } else if matches!(arg, "-n" | "--namespace") {
            q.namespace = Some(namespace_arg(&value(&mut i, arg)?));
        } else if let Some(ns) = arg
            .strip_prefix("--namespace=")
            .or_else(|| arg.strip_prefix("-n="))
        {
            q.namespace = Some(namespace_arg(ns));
        } else if matches!(arg, "-l" | "--selector") {
            q.label_selector = Some(value(&mut i, arg)?);
        } else if let Some(l) = arg
            .strip_prefix("--selector=")
            .or_else(|| arg.strip_prefix("-l="))
            .or_else(|| arg.strip_prefix("-l"))
        {
            q.label_selector = Some(l.to_string());
        } else if arg == "--field-selector" {
            q.field_selector = Some(value(&mut i, arg)?);
        } else if let Some(f) = arg.strip_prefix("--field-selector=") {
            q.field_selector = Some(f.to_string());
        } else if arg.starts_with('-') {
            return Err(format!(
                "unknown flag '{arg}' (kmedic takes -n NS, -A, -l SELECTOR, --field-selector F, @CONTEXT)"
            ));
        } else if q.namespace.is_none() {
            q.namespace = Some(namespace_arg(arg));
        } else {
            return Err(format!("unexpected '{arg}'"));
        }
        i += 1;
    }
    if q.label_selector.as_deref() == Some("") || q.field_selector.as_deref() == Some("") {
        return Err("a selector must not be empty".to_string());
    }
    Ok(q)
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
        "reveal" => {
            return match arg {
                Some(key) => Ok(Command::Reveal(key.to_string())),
                None => Err(
                    ":reveal needs the key of the Secret to show (:reveal password)".to_string(),
                ),
            };
        }
        _ => {}
    }
    let rest: Vec<&str> = text.split_whitespace().skip(1).collect();
    let kind = ResourceKind::from_name(first).filter(|k| *k != ResourceKind::Endpoints);
    // What the plain views take: nothing, a namespace, -A, or -n NAMESPACE.
    let simple = match rest.as_slice() {
        [] => true,
        [one] => {
            !one.starts_with('-') && !one.starts_with('@')
                || matches!(*one, "-A" | "--all-namespaces")
        }
        ["-n", ns] => !ns.starts_with('-'),
        _ => false,
    };
    let Some(kind) = kind.filter(|_| simple) else {
        return query(first, &rest).map(Command::Resource);
    };
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
        assert!(matches!(parse("bogus"), Ok(Command::Resource(q)) if q.name == "bogus"));
    }

    #[test]
    fn kubectl_flags_parse() {
        let q = |text: &str| match parse(text) {
            Ok(Command::Resource(q)) => q,
            other => panic!("{text}: {other:?}"),
        };
        let sts = q("sts -n shop");
        assert_eq!(sts.namespace, Some(NamespaceChoice::Named("shop".into())));
        let web = q("pods -l app=web");
        assert_eq!(web.label_selector.as_deref(), Some("app=web"));
        let node = q("pods --field-selector spec.nodeName=w1 -A");
        assert_eq!(node.field_selector.as_deref(), Some("spec.nodeName=w1"));
        assert_eq!(node.namespace, Some(NamespaceChoice::All));
        assert_eq!(q("po @prod").context.as_deref(), Some("prod"));
        assert_eq!(
            q("po --selector=tier=db").label_selector.as_deref(),
            Some("tier=db")
        );
        assert_eq!(q("po -ltier=db").label_selector.as_deref(), Some("tier=db"));
        assert!(parse("po -l").is_err());
        assert!(parse("po --bogus").is_err());
        assert_eq!(
            parse("reveal password"),
            Ok(Command::Reveal("password".into()))
        );
    }
}
