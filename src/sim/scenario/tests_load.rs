//! Tests of `load_path`: files of every supported shape, directories laid out as
//! `kubectl cluster-info dump --output-directory` writes them, and errors with file and line.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failure

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{json, load_path};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/scenarios")
        .join(name)
}

fn kinds(objs: &[Value]) -> Vec<(String, String)> {
    objs.iter()
        .map(|o| (json::s(o, "/kind").to_string(), json::name(o).to_string()))
        .collect()
}

fn pair(k: &str, n: &str) -> (String, String) {
    (k.to_string(), n.to_string())
}

#[test]
fn multi_document_yaml_skips_empty_documents() {
    let objs = load_path(&fixture("multi.yaml")).unwrap();
    assert_eq!(
        kinds(&objs),
        vec![pair("Namespace", "team-a"), pair("Deployment", "web")]
    );
    assert_eq!(objs[1]["spec"]["replicas"], 2);
    assert_eq!(objs[1]["apiVersion"], "apps/v1");
}

#[test]
fn json_list_is_flattened() {
    let objs = load_path(&fixture("list.json")).unwrap();
    assert_eq!(
        kinds(&objs),
        vec![pair("ConfigMap", "settings"), pair("Service", "web")]
    );
    assert_eq!(objs[1]["spec"]["ports"][0]["port"], 80);
}

#[test]
fn typed_yaml_lists_fill_kind_and_api_version() {
    let objs = load_path(&fixture("podlist.yaml")).unwrap();
    assert_eq!(
        kinds(&objs),
        vec![
            pair("Pod", "web-1"),
            pair("Pod", "web-2"),
            pair("Deployment", "web")
        ]
    );
    assert_eq!(objs[0]["apiVersion"], "v1");
    assert_eq!(objs[2]["apiVersion"], "apps/v1");
    let pod: k8s_openapi::api::core::v1::Pod = serde_json::from_value(objs[1].clone()).unwrap();
    assert_eq!(pod.status.and_then(|s| s.phase).as_deref(), Some("Pending"));
}

#[test]
fn cluster_info_dump_directory_is_loaded_and_logs_are_ignored() {
    let objs = load_path(&fixture("dump")).unwrap();
    let k = kinds(&objs);
    for want in [
        pair("Node", "kind-control-plane"),
        pair("Pod", "coredns-5d78c9869d-abcde"),
        pair("Service", "kube-dns"),
        pair("Service", "kubernetes"),
        pair("Deployment", "coredns"),
    ] {
        assert!(k.contains(&want), "{want:?} missing from {k:?}");
    }
    assert_eq!(objs.len(), 5);
    let dep = objs
        .iter()
        .find(|o| json::s(o, "/kind") == "Deployment")
        .unwrap();
    assert_eq!(dep["apiVersion"], "apps/v1");
}

#[test]
fn malformed_yaml_names_file_and_line() {
    let path = fixture("malformed.yaml");
    let err = load_path(&path).unwrap_err();
    assert_eq!(err.file, path.display().to_string());
    assert_eq!(err.line, Some(11), "{err}");
    assert!(
        err.to_string()
            .starts_with(&format!("{}:11: invalid YAML (column 13)", path.display())),
        "{err}"
    );
    assert!(!err.message.contains("line 6"), "{err}");
}

#[test]
fn malformed_json_names_file_and_line() {
    let err = load_path(&fixture("broken.json")).unwrap_err();
    assert!(err.file.ends_with("broken.json"));
    assert_eq!(err.line, Some(6), "{err}");
    assert!(err.message.contains("invalid JSON"), "{err}");
}

#[test]
fn missing_kind_names_the_line_where_the_document_starts() {
    let err = load_path(&fixture("missing-kind.yaml")).unwrap_err();
    assert!(err.file.ends_with("missing-kind.yaml"));
    assert_eq!(err.line, Some(8), "{err}");
    assert!(err.message.contains("`kind`"), "{err}");
}

#[test]
fn a_document_that_is_not_a_mapping_is_an_error() {
    let err = load_path(&fixture("not-mapping.yaml")).unwrap_err();
    assert_eq!(err.line, Some(5), "{err}");
    assert!(err.message.contains("not a mapping"), "{err}");
}

#[test]
fn missing_path_is_a_clear_error() {
    let err = load_path(&fixture("no-such-file.yaml")).unwrap_err();
    assert!(err.file.ends_with("no-such-file.yaml"));
    assert_eq!(err.line, None);
    assert!(err.message.contains("no such file"), "{err}");
}

#[test]
fn odd_inputs_never_panic() {
    use super::parse::parse_text;
    for text in [
        "",
        "---",
        "...",
        "--- \n---\n",
        "- 1\n",
        "42",
        "null",
        "[]",
        "[1, 2]",
        "{}",
        "{\"kind\": 1}",
        "kind: PodList\nitems: 3\n",
        "kind: PodList\nitems: [1]\n",
        "apiVersion: v1\nkind: List\nitems:\n- {}\n",
        "a: b: c",
        "\t- x",
        "key: &a [*a]",
        "--- |\n  text\n",
        "\u{feff}apiVersion: v1\nkind: X\nmetadata: {name: y}\n",
        "{\"items\": [{\"metadata\": {}}], \"kind\": \"List\"}",
        "{",
        "\"unterminated",
    ] {
        let _ = parse_text("t.yaml", text);
    }
    let ok = parse_text(
        "t.yaml",
        "\u{feff}apiVersion: v1\nkind: X\nmetadata: {name: y}\ndata: {a: yes, b: true}\n",
    )
    .unwrap();
    assert_eq!(ok.len(), 1);
    assert_eq!(ok[0]["metadata"]["name"], "y");
    assert_eq!(ok[0]["data"]["a"], "yes");
    assert_eq!(ok[0]["data"]["b"], true);
}

#[test]
fn directories_with_symlink_loops_and_other_files_load() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.yml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not: [yaml").unwrap();
    std::fs::write(
        dir.path().join("B.JSON"),
        "{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": \"b\"}}",
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    let objs = load_path(dir.path()).unwrap();
    assert!(objs.iter().any(|o| o["kind"] == "Secret"));
    assert_eq!(objs.iter().filter(|o| o["kind"] == "ConfigMap").count(), 1);
}

#[test]
fn mangled_fixtures_never_panic() {
    use super::parse::parse_text;
    let mut rng = fastrand::Rng::with_seed(11);
    let texts: Vec<String> = [
        "multi.yaml",
        "list.json",
        "podlist.yaml",
        "missing-kind.yaml",
    ]
    .iter()
    .map(|f| std::fs::read_to_string(fixture(f)).unwrap())
    .collect();
    let junk = [
        "-", ":", "---", "[", "{", "\"", "\n", " ", "\t", "&a", "*a", "!!x", "#", "~", "'", "]",
        "}", "...",
    ];
    for i in 0..1500 {
        let mut t: Vec<char> = texts[i % texts.len()].chars().collect();
        for _ in 0..rng.usize(1..6) {
            let at = rng.usize(..=t.len());
            if rng.bool() && at < t.len() {
                t.remove(at);
            } else {
                let j = junk[rng.usize(..junk.len())];
                for (k, c) in j.chars().enumerate() {
                    t.insert((at + k).min(t.len()), c);
                }
            }
        }
        let text: String = t.into_iter().collect();
        if let Err(e) = parse_text("m.yaml", &text) {
            assert!(
                e.line
                    .is_none_or(|l| l >= 1 && l <= text.lines().count() + 1),
                "{e} in {text:?}"
            );
        }
    }
}
