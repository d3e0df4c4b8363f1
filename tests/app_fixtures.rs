//! The application checks on objects shaped as real clusters return them (managedFields,
//! owner references, old and new message formats): every fixture under
//! `tests/fixtures/troubleshoot/app/broken` yields exactly the findings its header names
//! (`# expect: <check> <severity> <Kind> <namespace>/<name>`; `# also:` lists other findings
//! it may have; any other error or critical finding fails), and every fixture under
//! `app/healthy` (plus the older `healthy.yaml`) yields nothing above info. Ages are judged at
//! the `# now:` of the file (default 2025-06-01T12:00:00Z), and again at the time the dump
//! itself records (what `kmedic check --scenario` uses without `--now`): a fixture is a real
//! capture, so it records times after the fault began (heartbeats, events, managedFields).

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use kmedic::findings::{Finding, Severity};
use kmedic::troubleshoot::{Options, Snapshot, analyze};

const DEFAULT_NOW: &str = "2025-06-01T12:00:00Z";

fn dir(which: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/troubleshoot/app")
        .join(which)
}

fn files(which: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir(which))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    v.sort();
    v
}

/// The `# key: value` lines of a fixture's header.
fn header(path: &Path, key: &str) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let prefix = format!("# {key}: ");
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .filter_map(|l| l.strip_prefix(&prefix).map(str::to_string))
        .collect()
}

/// When ages are judged: the header's `# now:`, or the dump's own newest time.
#[derive(Clone, Copy, PartialEq)]
enum Now {
    Given,
    Recorded,
}

fn findings(path: &Path) -> Vec<Finding> {
    findings_at(path, Now::Given)
}

fn findings_at(path: &Path, when: Now) -> Vec<Finding> {
    let given: Timestamp = header(path, "now")
        .first()
        .map(String::as_str)
        .unwrap_or(DEFAULT_NOW)
        .parse()
        .unwrap();
    let objects = kmedic::sim::scenario::load_path(path).unwrap();
    assert!(
        kmedic::troubleshoot::no_objects_error(&path.display().to_string(), &objects).is_none()
    );
    let snap = Snapshot::from_objects(objects);
    assert!(
        snap.coverage.skipped.is_empty(),
        "{}: objects that could not be read: {:?}",
        path.display(),
        snap.coverage.skipped
    );
    let now = match when {
        Now::Given => given,
        Now::Recorded => snap
            .newest_time()
            .unwrap_or_else(|| panic!("{}: records no time at all", path.display())),
    };
    analyze(&snap, now, &Options::default())
}

fn describe(f: &Finding) -> String {
    format!(
        "{} {:?} {} {}/{}: {}",
        f.check, f.severity, f.object.kind, f.object.namespace, f.object.name, f.summary
    )
}

fn severity(word: &str) -> Severity {
    match word {
        "critical" => Severity::Critical,
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        "info" => Severity::Info,
        other => panic!("unknown severity {other}"),
    }
}

/// (check, kind, namespace, name) of a header line.
fn target(words: &[&str]) -> (String, String, String, String) {
    let (ns, name) = words[2].split_once('/').unwrap_or(("", words[2]));
    (
        words[0].to_string(),
        words[1].to_string(),
        ns.to_string(),
        name.to_string(),
    )
}

fn is(f: &Finding, t: &(String, String, String, String)) -> bool {
    f.check == t.0 && f.object.kind == t.1 && f.object.namespace == t.2 && f.object.name == t.3
}

#[test]
fn every_broken_fixture_yields_what_it_expects_and_no_other_error() {
    expect_broken(Now::Given);
}

/// What `kmedic check --scenario FILE` does without `--now`: a dump judged at the time it
/// records (managedFields, events, conditions) finds the same problems.
#[test]
fn every_broken_fixture_judged_at_its_recorded_time_finds_the_same() {
    expect_broken(Now::Recorded);
}

fn expect_broken(when: Now) {
    let broken = files("broken");
    assert!(broken.len() >= 40, "{} broken fixtures", broken.len());
    let mut failures = Vec::new();
    for path in &broken {
        let f = findings_at(path, when);
        let all: Vec<String> = f.iter().map(describe).collect();
        if std::env::var("SHOW_FINDINGS").is_ok() {
            for x in &all {
                eprintln!("SHOW {}: {x}", path.display());
            }
        }
        let expects = header(path, "expect");
        assert!(
            !expects.is_empty(),
            "{}: no `# expect:` line",
            path.display()
        );
        let mut allowed = Vec::new();
        for line in &expects {
            let words: Vec<&str> = line.split_whitespace().collect();
            let want = severity(words[1]);
            let t = target(&[words[0], words[2], words[3]]);
            match f.iter().find(|x| is(x, &t)) {
                Some(x) if x.severity == want => {}
                Some(x) => failures.push(format!(
                    "{}: {} is {:?}, expected {want:?}",
                    path.display(),
                    describe(x),
                    x.severity
                )),
                None => failures.push(format!(
                    "{}: missing {line}; found {all:#?}",
                    path.display()
                )),
            }
            allowed.push(t);
        }
        // `# says: <check> <Kind> <ns>/<name> <text>`: that finding's summary contains text;
        // `# never-says: <text>`: no finding's summary or explanation does.
        for line in header(path, "says") {
            let words: Vec<&str> = line.splitn(4, ' ').collect();
            let t = target(&words[..3]);
            let text = words.get(3).copied().unwrap_or("");
            if !f.iter().any(|x| is(x, &t) && x.summary.contains(text)) {
                failures.push(format!(
                    "{}: no {} {} {} saying {text:?}; found {all:#?}",
                    path.display(),
                    t.0,
                    t.1,
                    words[2]
                ));
            }
        }
        // `# evidence: <check> <Kind> <ns>/<name> <text>`: one of that finding's evidence
        // lines ("label: value") contains text.
        for line in header(path, "evidence") {
            let words: Vec<&str> = line.splitn(4, ' ').collect();
            let t = target(&words[..3]);
            let text = words.get(3).copied().unwrap_or("");
            let shows = |x: &Finding| {
                x.evidence
                    .iter()
                    .any(|e| format!("{}: {}", e.label, e.value).contains(text))
            };
            if !f.iter().any(|x| is(x, &t) && shows(x)) {
                failures.push(format!(
                    "{}: no {} {} {} with evidence {text:?}",
                    path.display(),
                    t.0,
                    t.1,
                    words[2]
                ));
            }
        }
        for text in header(path, "never-says") {
            let said = |x: &&Finding| x.summary.contains(&text) || x.explanation.contains(&text);
            if let Some(x) = f.iter().find(said) {
                failures.push(format!("{}: {text:?} in {}", path.display(), describe(x)));
            }
        }
        for line in header(path, "also") {
            let words: Vec<&str> = line.split_whitespace().collect();
            allowed.push(target(&words));
        }
        for x in f.iter().filter(|x| x.severity.fails_check()) {
            if !allowed.iter().any(|t| is(x, t)) {
                failures.push(format!("{}: unexpected {}", path.display(), describe(x)));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn no_healthy_fixture_of_any_kind_yields_anything_above_info() {
    let mut healthy = files("healthy");
    assert!(healthy.len() >= 10, "{} healthy fixtures", healthy.len());
    healthy.push(dir("..").join("healthy.yaml"));
    let mut failures = Vec::new();
    for (path, when) in healthy
        .iter()
        .flat_map(|p| [(p, Now::Given), (p, Now::Recorded)])
    {
        for f in findings_at(path, when) {
            if std::env::var("SHOW_FINDINGS").is_ok() {
                eprintln!("SHOW {}: {}", path.display(), describe(&f));
            }
            if f.severity < Severity::Info {
                failures.push(format!("{}: {}", path.display(), describe(&f)));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn next_steps_name_real_objects_never_placeholders() {
    for path in files("broken") {
        for f in findings(&path) {
            for s in &f.next_steps {
                assert!(
                    !s.contains("<port>") && !s.contains("<path>") && !s.contains("<name>"),
                    "{}: {} has a placeholder step: {s}",
                    path.display(),
                    f.check
                );
            }
        }
    }
}
