//! The certificate fields of a kubeconfig file (clusters' CAs, users' client certificates and
//! keys), read on their own so relative paths resolve against the file's directory and node
//! paths against `--host-root`.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct KubeFile {
    pub clusters: Vec<NamedCluster>,
    pub users: Vec<NamedUser>,
    pub contexts: Vec<NamedContext>,
    pub current_context: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NamedCluster {
    pub name: String,
    pub cluster: ClusterFields,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct ClusterFields {
    pub server: Option<String>,
    pub certificate_authority: Option<String>,
    pub certificate_authority_data: Option<String>,
    pub insecure_skip_tls_verify: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NamedUser {
    pub name: String,
    pub user: UserFields,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct UserFields {
    pub client_certificate: Option<String>,
    pub client_certificate_data: Option<String>,
    pub client_key: Option<String>,
    pub client_key_data: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NamedContext {
    pub name: String,
    pub context: ContextFields,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ContextFields {
    pub cluster: String,
    pub user: String,
}

impl KubeFile {
    pub fn cluster(&self, name: &str) -> Option<&ClusterFields> {
        self.clusters
            .iter()
            .find(|c| c.name == name)
            .map(|c| &c.cluster)
    }

    pub fn user(&self, name: &str) -> Option<&UserFields> {
        self.users.iter().find(|u| u.name == name).map(|u| &u.user)
    }
}

/// Reads and parses a kubeconfig file.
pub fn read_kubefile(path: &Path) -> Result<KubeFile, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_saphyr::from_str(&text)
        .map_err(|e| format!("{}: not a valid kubeconfig: {e}", path.display()))
}

/// Inline base64 data, or a file path as written in the kubeconfig.
#[derive(Debug, Clone)]
pub enum Material {
    Data(String),
    File(String),
}

impl Material {
    /// The inline data wins over the file, as in kubectl.
    pub fn pick(data: &Option<String>, file: &Option<String>) -> Option<Material> {
        match (data, file) {
            (Some(d), _) if !d.trim().is_empty() => Some(Material::Data(d.clone())),
            (_, Some(f)) if !f.trim().is_empty() => Some(Material::File(f.clone())),
            _ => None,
        }
    }
}

/// How to turn a path written in a file into a path to open.
#[derive(Debug, Clone)]
pub struct PathRules {
    /// Directory of the kubeconfig, for relative paths.
    pub base: PathBuf,
    /// Prefix for absolute paths (the node root), `None` to use them as they are.
    pub root: Option<PathBuf>,
}

impl PathRules {
    pub fn resolve(&self, written: &str) -> PathBuf {
        let path = Path::new(written);
        match (&self.root, path.is_absolute()) {
            (Some(root), true) => root.join(path.strip_prefix("/").unwrap_or(path)),
            (None, true) => path.to_path_buf(),
            (_, false) => self.base.join(path),
        }
    }
}

/// Loads the bytes of a material; returns them with a description of where they came from.
pub fn load_material(
    material: &Material,
    field: &str,
    rules: &PathRules,
) -> (Result<Vec<u8>, String>, String) {
    match material {
        Material::Data(data) => {
            let cleaned: String = data.split_whitespace().collect();
            let bytes = STANDARD
                .decode(cleaned)
                .map_err(|e| format!("{field}-data is not valid base64: {e}"));
            (bytes, format!("{field}-data"))
        }
        Material::File(file) => {
            let path = rules.resolve(file);
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()));
            (bytes, path.display().to_string())
        }
    }
}
