//! Deterministic identifiers: uids, container ids, image digests and name suffixes derived from
//! names with a small hash, so a scenario looks the same on every start.

/// 64-bit FNV-1a hash of the parts, separated by `/`.
pub fn hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            h ^= u64::from(b'/');
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        for b in part.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// `n` lowercase hex digits derived from the parts.
pub fn hex(parts: &[&str], n: usize) -> String {
    let mut out = String::with_capacity(n + 16);
    let mut h = hash(parts);
    while out.len() < n {
        out.push_str(&format!("{h:016x}"));
        h = h.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29) ^ 0x5851_f42d_4c95_7f2d;
    }
    out.truncate(n);
    out
}

/// A UUID-shaped uid for an object.
pub fn uid(kind: &str, namespace: &str, name: &str) -> String {
    let h = hex(&["uid", kind, namespace, name], 32);
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// A containerd container id.
pub fn container_id(namespace: &str, pod: &str, container: &str, instance: u64) -> String {
    format!(
        "containerd://{}",
        hex(
            &["cid", namespace, pod, container, &instance.to_string()],
            64
        )
    )
}

/// The digest-pinned image id the runtime reports for an image reference.
pub fn image_id(image: &str) -> String {
    let (repo, _tag) = split_tag(image);
    let first = repo.split('/').next().unwrap_or("");
    let full = if !repo.contains('/') {
        format!("docker.io/library/{repo}")
    } else if !first.contains('.') && !first.contains(':') && first != "localhost" {
        format!("docker.io/{repo}")
    } else {
        repo.to_string()
    };
    format!("{full}@sha256:{}", hex(&["image", image], 64))
}

/// Splits `repo:tag` (a `:` before the last `/` belongs to a registry port).
fn split_tag(image: &str) -> (&str, &str) {
    let image = image.split('@').next().unwrap_or(image);
    let slash = image.rfind('/').map_or(0, |i| i + 1);
    match image[slash..].rfind(':') {
        Some(i) => (&image[..slash + i], &image[slash + i + 1..]),
        None => (image, "latest"),
    }
}

/// Pod-name style suffix of `n` characters from the alphabet Kubernetes uses.
pub fn suffix(parts: &[&str], n: usize) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut h = hash(parts);
    let mut out = String::with_capacity(n);
    for _ in 0..n {
        out.push(char::from(ALPHABET[(h % ALPHABET.len() as u64) as usize]));
        h = (h / ALPHABET.len() as u64) ^ h.rotate_left(17).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_deterministic_and_well_formed() {
        assert_eq!(uid("Pod", "a", "b"), uid("Pod", "a", "b"));
        assert_ne!(uid("Pod", "a", "b"), uid("Pod", "a", "c"));
        assert_eq!(uid("Pod", "a", "b").len(), 36);
        assert_eq!(
            image_id("nginx:1.27").split('@').next(),
            Some("docker.io/library/nginx")
        );
        assert_eq!(
            image_id("registry.k8s.io/etcd:3.5.21-0").split('@').next(),
            Some("registry.k8s.io/etcd")
        );
        assert_eq!(suffix(&["x"], 5).len(), 5);
        assert_eq!(
            container_id("a", "b", "c", 1).len(),
            "containerd://".len() + 64
        );
    }
}
