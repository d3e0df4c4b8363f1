//! A small mutation fuzzer on stable Rust, run as ordinary tests (no nightly, no libFuzzer).
//!
//! Each target is a function `fn(&[u8], &Path) -> String` that feeds the bytes to one parser
//! (the `Path` is a scratch directory it may write files into) and returns a short summary of
//! what happened (`ok: 3 objects`, the error message). Starting from real seed inputs, the
//! harness applies 1–8 random mutations (bit flips, interesting bytes, deletions, duplications
//! and repetitions, dictionary tokens, splices of two inputs, truncation, huge numbers), runs
//! the target on a worker thread and fails the test, saving the input, when the target:
//!
//! - panics,
//! - takes longer than [`HANG`] on one input,
//! - makes the process's resident memory exceed [`MEMORY_LIMIT`],
//! - overflows its stack (this aborts the test process; the input being run is always in
//!   `target/tmp/fuzz-failures/NAME-running.bin`).
//!
//! An input whose summary (digits folded) was never seen before joins the corpus, a cheap
//! stand-in for coverage feedback. Runs are bounded by time: `KMEDIC_FUZZ_SECONDS` per target
//! (default [`DEFAULT_SECONDS`]); `KMEDIC_FUZZ_SEED` replays a run (the seed is printed), and
//! `KMEDIC_FUZZ_REPLAY=FILE` runs the target whose name starts FILE's name on that one input.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Longest a target may take on one input.
pub const HANG: Duration = Duration::from_secs(5);
/// Most resident memory the test process may use.
pub const MEMORY_LIMIT: u64 = 1024 * 1024 * 1024;
/// Seconds each target runs unless `KMEDIC_FUZZ_SECONDS` says otherwise.
pub const DEFAULT_SECONDS: u64 = 10;
/// Inputs are kept below this size.
const MAX_INPUT: usize = 256 * 1024;
const MAX_CORPUS: usize = 512;

/// One fuzz target.
pub struct Target {
    pub name: &'static str,
    /// Real inputs to start from (fixture files, generated certificates …).
    pub seeds: Vec<Vec<u8>>,
    /// Tokens of the format, inserted by one of the mutations.
    pub dictionary: &'static [&'static str],
    pub run: fn(&[u8], &Path) -> String,
}

/// The files under `dirs` (recursively) whose names end with one of `extensions`.
pub fn seeds_from(dirs: &[&str], extensions: &[&str]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = dirs
        .iter()
        .map(|d| Path::new(env!("CARGO_MANIFEST_DIR")).join(d))
        .collect();
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                stack.extend(entries.flatten().map(|e| e.path()));
            }
        } else if extensions
            .iter()
            .any(|e| path.to_string_lossy().ends_with(e))
            && let Ok(bytes) = std::fs::read(&path)
        {
            out.push(bytes);
        }
    }
    out.sort();
    out
}

/// The process's resident memory in bytes, from /proc.
pub fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

fn budget() -> Duration {
    let seconds = std::env::var("KMEDIC_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SECONDS);
    Duration::from_secs(seconds)
}

fn fold_digits(summary: &str) -> String {
    let folded: String = summary
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect();
    folded.chars().take(300).collect()
}

/// What the worker thread sends back for one input.
type Outcome = Result<String, String>;

/// Runs `target` for the time budget; panics (failing the test) on the first finding.
pub fn fuzz(target: Target) {
    if let Ok(file) = std::env::var("KMEDIC_FUZZ_REPLAY") {
        // Runs one saved input on this thread, for a debugger or a backtrace.
        let input = std::fs::read(&file).expect("KMEDIC_FUZZ_REPLAY names a readable file");
        if Path::new(&file)
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(target.name))
        {
            let scratch = tempfile::tempdir().expect("scratch dir");
            println!("{}", (target.run)(&input, scratch.path()));
        }
        return;
    }
    let seed = std::env::var("KMEDIC_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    println!(
        "fuzz {}: seed {seed} (KMEDIC_FUZZ_SEED={seed} replays)",
        target.name
    );
    assert!(!target.seeds.is_empty(), "{}: no seed inputs", target.name);
    let mut rng = fastrand::Rng::with_seed(seed);
    let scratch = tempfile::tempdir().expect("scratch dir");
    let (to_worker, inputs) = mpsc::channel::<Vec<u8>>();
    let (to_main, outcomes) = mpsc::channel::<Outcome>();
    let run = target.run;
    let dir = scratch.path().to_path_buf();
    std::thread::spawn(move || {
        for input in inputs {
            let outcome =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&input, &dir)))
                    .map_err(|p| {
                        p.downcast_ref::<String>()
                            .cloned()
                            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_else(|| "a panic".into())
                    });
            if to_main.send(outcome).is_err() {
                break;
            }
        }
    });
    let failures = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
    let _ = std::fs::create_dir_all(&failures);
    let last = failures.join(format!("{}-running.bin", target.name));
    let mut corpus = target.seeds.clone();
    let mut seen: HashSet<String> = HashSet::new();
    let started = Instant::now();
    let mut runs = 0u64;
    // Every seed once as it is, then mutations until the budget is spent.
    let mut pending: Vec<Vec<u8>> = target.seeds.clone();
    while started.elapsed() < budget() || !pending.is_empty() {
        let input = pending
            .pop()
            .unwrap_or_else(|| mutate(&mut rng, &corpus, target.dictionary));
        // Kept on disk while it runs: a stack overflow aborts the whole process.
        let _ = std::fs::write(&last, &input);
        to_worker.send(input.clone()).expect("worker alive");
        let outcome = wait(&outcomes, target.name, &input, seed);
        runs += 1;
        match outcome {
            Ok(summary) => {
                if seen.insert(fold_digits(&summary)) && corpus.len() < MAX_CORPUS {
                    corpus.push(input);
                }
            }
            Err(panic) => fail(target.name, seed, &input, &format!("panicked: {panic}")),
        }
    }
    let _ = std::fs::remove_file(&last);
    println!(
        "fuzz {}: {runs} inputs, {} distinct outcomes, corpus {}",
        target.name,
        seen.len(),
        corpus.len()
    );
}

/// Waits for the worker's answer, watching the clock and the memory.
fn wait(outcomes: &mpsc::Receiver<Outcome>, name: &str, input: &[u8], seed: u64) -> Outcome {
    let start = Instant::now();
    loop {
        match outcomes.recv_timeout(Duration::from_millis(100)) {
            Ok(outcome) => {
                let rss = resident_bytes();
                if rss > MEMORY_LIMIT {
                    fail(
                        name,
                        seed,
                        input,
                        &format!("resident memory reached {} MiB", rss >> 20),
                    );
                }
                return outcome;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let rss = resident_bytes();
                if rss > MEMORY_LIMIT {
                    fail(
                        name,
                        seed,
                        input,
                        &format!("resident memory reached {} MiB", rss >> 20),
                    );
                }
                if start.elapsed() > HANG {
                    fail(name, seed, input, &format!("no answer within {HANG:?}"));
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                fail(name, seed, input, "the worker thread died");
            }
        }
    }
}

fn fail(name: &str, seed: u64, input: &[u8], what: &str) -> ! {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join(format!("{name}-{seed}.bin"));
    let _ = std::fs::write(&file, input);
    let preview: String = String::from_utf8_lossy(&input[..input.len().min(400)]).into_owned();
    panic!(
        "fuzz {name}: {what} (seed {seed}; input saved to {}):\n{preview:?}",
        file.display()
    );
}

const INTERESTING: &[u8] = &[
    0, 0xff, b'\n', b'\r', b'\t', b' ', b':', b'-', b'{', b'}', b'[', b']', b'"', b'\'', b'&',
    b'*', b'!', b'#', b'=', b',', b'|', b'>', b'%', b'@', b'\\', 0x7f, 0x80, 0xc3, 0xe2, 0x1b,
];

const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "4294967296",
    "18446744073709551616",
    "99999999999999999999999",
    "1e309",
    "-0",
    "0x7fffffff",
    "NaN",
    ".inf",
    "1.5",
];

/// One new input: a corpus entry with 1–8 mutations.
fn mutate(rng: &mut fastrand::Rng, corpus: &[Vec<u8>], dictionary: &[&str]) -> Vec<u8> {
    let mut data = corpus[rng.usize(..corpus.len())].clone();
    for _ in 0..rng.usize(1..=8) {
        let len = data.len();
        match rng.u8(..10) {
            0 if len > 0 => {
                let at = rng.usize(..len);
                data[at] ^= 1 << rng.u8(..8);
            }
            1 if len > 0 => {
                let at = rng.usize(..len);
                data[at] = INTERESTING[rng.usize(..INTERESTING.len())];
            }
            2 if len > 0 => {
                let at = rng.usize(..len);
                let end = (at + rng.usize(1..=16)).min(len);
                data.drain(at..end);
            }
            3 if len > 0 => {
                let at = rng.usize(..len);
                let end = (at + rng.usize(1..=64)).min(len);
                let chunk = data[at..end].to_vec();
                let to = rng.usize(..=data.len());
                data.splice(to..to, chunk);
            }
            4 if len > 0 => {
                // Repetition: finds work that grows faster than the input.
                let at = rng.usize(..len);
                let end = (at + rng.usize(1..=32)).min(len);
                let chunk = data[at..end].to_vec();
                let times = rng.usize(2..=2000);
                let repeated: Vec<u8> = chunk
                    .iter()
                    .copied()
                    .cycle()
                    .take(chunk.len() * times)
                    .collect();
                data.splice(end..end, repeated);
            }
            5 if !dictionary.is_empty() => {
                let token = dictionary[rng.usize(..dictionary.len())].as_bytes();
                let at = rng.usize(..=len);
                data.splice(at..at, token.iter().copied());
            }
            6 => {
                let other = &corpus[rng.usize(..corpus.len())];
                let cut = rng.usize(..=len);
                let from = rng.usize(..=other.len());
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            7 if len > 0 => data.truncate(rng.usize(..len)),
            8 => {
                let number = NUMBERS[rng.usize(..NUMBERS.len())].as_bytes();
                let at = rng.usize(..=len);
                data.splice(at..at, number.iter().copied());
            }
            _ if len > 1 => {
                // Swap two bytes.
                let (a, b) = (rng.usize(..len), rng.usize(..len));
                data.swap(a, b);
            }
            _ => data.push(INTERESTING[rng.usize(..INTERESTING.len())]),
        }
        data.truncate(MAX_INPUT);
    }
    data
}
