//! The certificate fields of a kubeconfig file (clusters' CAs, users' client certificates and
//! keys), read on their own so relative paths resolve against the file's directory and node
//! paths against `--host-root` (through [`crate::hostfs::HostFs`], inside the root). Every
//! file is read with the same care: regular files only, at most a few MiB.

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
    let file = crate::hostfs::read_file_capped(path, crate::hostfs::DEFAULT_MAX_FILE_BYTES)
        .map_err(|e| e.to_string())?;
    if file.truncated {
        return Err(format!("{}: too large, not read", path.display()));
    }
    let text =
        String::from_utf8(file.bytes).map_err(|_| format!("{}: not UTF-8 text", path.display()))?;
    parse_kubefile(&text, &path.display().to_string())
}

/// Parses the text of a kubeconfig file; `shown` names it in the error.
pub fn parse_kubefile(text: &str, shown: &str) -> Result<KubeFile, String> {
    serde_saphyr::from_str(text).map_err(|e| format!("{shown}: not a valid kubeconfig: {e}"))
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

    /// With a root: the path as seen on the host (`/etc/kubernetes/…`), for
    /// [`crate::hostfs::HostFs`].
    fn host_path(&self, written: &str) -> Option<PathBuf> {
        let root = self.root.as_ref()?;
        let path = Path::new(written);
        if path.is_absolute() {
            return Some(path.to_path_buf());
        }
        let base = self.base.strip_prefix(root).unwrap_or(&self.base);
        Some(Path::new("/").join(base).join(path))
    }

    /// Reads a file written in a kubeconfig: inside the root when there is one.
    fn read(&self, written: &str) -> Result<Vec<u8>, String> {
        let shown = self.resolve(written);
        let read = match (&self.root, self.host_path(written)) {
            (Some(root), Some(host)) => crate::hostfs::HostFs::new(root)
                .and_then(|fs| fs.read(&host))
                .map_err(|e| format!("{}: {}", shown.display(), e.reason())),
            _ => crate::hostfs::read_file_capped(&shown, crate::hostfs::DEFAULT_MAX_FILE_BYTES)
                .map_err(|e| e.to_string()),
        }?;
        if read.truncated {
            return Err(format!("{}: too large, not read", shown.display()));
        }
        Ok(read.bytes)
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
        Material::File(file) => (rules.read(file), rules.resolve(file).display().to_string()),
    }
}
