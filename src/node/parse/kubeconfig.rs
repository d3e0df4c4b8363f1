//! A node kubeconfig (`/etc/kubernetes/kubelet.conf`, `bootstrap-kubelet.conf`) reduced to
//! what is safe to show: the server of the current context, the files it names, and whether
//! it embeds a client certificate or a token. Key material and token values are dropped here.

use serde_json::Value;

use crate::node::model::KubeconfigSummary;

fn named<'a>(v: &'a Value, list: &str, name: &str, field: &str) -> Option<&'a Value> {
    v.get(list)?
        .as_array()?
        .iter()
        .find(|e| e.get("name").and_then(Value::as_str) == Some(name))?
        .get(field)
}

fn text(v: Option<&Value>, key: &str) -> Option<String> {
    v?.get(key)?
        .as_str()
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string)
}

/// Summarises a kubeconfig's current context (or its only context).
pub fn summarize(file: &str, content: &str) -> Result<KubeconfigSummary, String> {
    let v: Value = serde_saphyr::from_str(content).map_err(|e| {
        let first = e.to_string();
        let first = first.lines().next().unwrap_or("").to_string();
        format!("not a valid kubeconfig: {first}")
    })?;
    let contexts = v.get("contexts").and_then(Value::as_array);
    let current = v
        .get("current-context")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| contexts?.first()?.get("name")?.as_str().map(str::to_string))
        .ok_or("the kubeconfig has no context")?;
    let context = named(&v, "contexts", &current, "context")
        .ok_or_else(|| format!("current-context \"{current}\" is not defined"))?;
    let cluster_name = context.get("cluster").and_then(Value::as_str).unwrap_or("");
    let user_name = context.get("user").and_then(Value::as_str).unwrap_or("");
    let cluster = named(&v, "clusters", cluster_name, "cluster");
    let user = named(&v, "users", user_name, "user");
    Ok(KubeconfigSummary {
        file: file.to_string(),
        server: text(cluster, "server"),
        client_certificate_file: text(user, "client-certificate"),
        client_key_file: text(user, "client-key"),
        embedded_client_certificate: text(user, "client-certificate-data").is_some(),
        has_token: text(user, "token").is_some() || text(user, "tokenFile").is_some(),
        certificate_authority_file: text(cluster, "certificate-authority"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubelet_conf_keeps_paths_not_secrets() {
        let conf = "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: LS0tLS1CRUdJTg==\n    server: https://192.168.1.10:6443\n  name: kubernetes\ncontexts:\n- context:\n    cluster: kubernetes\n    user: system:node:cp-1\n  name: system:node:cp-1@kubernetes\ncurrent-context: system:node:cp-1@kubernetes\nkind: Config\nusers:\n- name: system:node:cp-1\n  user:\n    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem\n    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem\n";
        let s = summarize("/etc/kubernetes/kubelet.conf", conf).expect("parses");
        assert_eq!(s.server.as_deref(), Some("https://192.168.1.10:6443"));
        assert_eq!(
            s.client_certificate_file.as_deref(),
            Some("/var/lib/kubelet/pki/kubelet-client-current.pem")
        );
        assert!(!s.has_token && !s.embedded_client_certificate);
        let bootstrap = conf.replace(
            "    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem\n    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem\n",
            "    token: abcdef.0123456789abcdef\n",
        );
        let s = summarize("/etc/kubernetes/bootstrap-kubelet.conf", &bootstrap).expect("parses");
        assert!(s.has_token);
        assert!(!format!("{s:?}").contains("0123456789abcdef"));
    }
}
