//! Errors of one-off reads as sentences for a person: which object, where, what went wrong and,
//! when there is one, what to do. Never a Rust debug print.

use super::kubeconfig::error_chain;

/// What went wrong reading `kind` `name` (in `namespace`, empty for cluster-scoped objects).
pub fn read_failed(error: &kube::Error, kind: &str, name: &str, namespace: &str) -> String {
    let place = if namespace.is_empty() {
        String::new()
    } else {
        format!(" in namespace {namespace}")
    };
    let text = match error {
        kube::Error::Api(status) => match status.code {
            404 => format!("{kind} {name} was not found{place}."),
            401 => "The API server rejected the credentials (401 Unauthorized): log in again \
                    or refresh the kubeconfig."
                .to_string(),
            403 => format!(
                "You may not read {kind} {name}{place}: {}",
                sentence(&status.message)
            ),
            _ if !status.message.is_empty() => format!(
                "Cannot read {kind} {name}{place}: {}",
                sentence(&status.message)
            ),
            code => format!("Cannot read {kind} {name}{place}: the API server answered {code}."),
        },
        other => format!(
            "Cannot read {kind} {name}{place}: {}",
            sentence(&error_chain(other))
        ),
    };
    crate::logs::one_line(&text, 240)
}

/// `text` ending with a full stop.
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: u16, message: &str) -> kube::Error {
        kube::Error::Api(
            kube::core::Status::failure(message, "NotFound")
                .with_code(code)
                .boxed(),
        )
    }

    #[test]
    fn not_found_names_the_object_and_the_namespace() {
        let text = read_failed(
            &api(404, "services \"payments\" not found"),
            "Service",
            "payments",
            "default",
        );
        assert_eq!(text, "Service payments was not found in namespace default.");
        assert!(!text.contains("Status {"));
        let text = read_failed(&api(403, "forbidden"), "Node", "n1", "");
        assert_eq!(text, "You may not read Node n1: forbidden.");
    }
}
