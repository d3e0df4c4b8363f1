//! Theme and keymap files at their limits: very large files load correctly (the loaders are
//! linear in the size of the file: line numbers come from a line index, a section's bindings
//! and unbinds are applied in one pass — 100k unknown theme keys once took 61 s), a keymap that
//! leaves no way to quit is refused with a message, and a file that is not UTF-8 is reported
//! by line.
#![allow(clippy::unwrap_used)]

use std::fmt::Write;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kmedic::app::action::{Action, Layer};
use kmedic::config::{Keymap, Token, load_keymap, load_theme};

const MANY: usize = 100_000;

fn write(dir: &Path, name: &str, text: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_theme_with_a_hundred_thousand_unknown_keys_reports_each_on_its_line() {
    let mut text = String::from("[colors]\n");
    for i in 0..MANY {
        let _ = writeln!(text, "no-such-token-{i} = \"red\"");
    }
    text.push_str("ok = \"green\"\n");
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "theme.toml", text.as_bytes());
    let (theme, errors) = load_theme(None, Some(&path));
    assert_eq!(errors.len(), MANY);
    assert_eq!(errors[0].line, Some(2));
    assert_eq!(errors[MANY - 1].line, Some(MANY + 1));
    assert!(
        errors[MANY - 1]
            .message
            .contains(&format!("no-such-token-{}", MANY - 1))
    );
    assert_eq!(
        theme.style(Token::Ok).fg,
        Some(ratatui::style::Color::Green),
        "the valid entry after them is applied"
    );
}

/// The `i`th of many distinct single-character keys (CJK ideographs, which no keymap uses).
fn nth_key(i: usize) -> char {
    let base = if i < 20_000 { 0x4E00 } else { 0x20000 - 20_000 };
    char::from_u32(base + i as u32).unwrap()
}

#[test]
fn a_keymap_with_a_hundred_thousand_bindings_and_unbinds_applies_them_all() {
    let mut text = String::from("[table]\nunbind = [");
    for i in 0..MANY {
        let _ = write!(text, "\"{}\",", nth_key(MANY + i));
    }
    text.push_str("\"s\"]\nbindings = [\n");
    for i in 0..MANY {
        let action = if i % 2 == 0 { "down" } else { "up" };
        let _ = writeln!(text, "  {{ on = \"{}\", run = \"{action}\" }},", nth_key(i));
    }
    text.push_str("  { on = \"j\", run = \"bottom\" },\n]\n");
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "keymap.toml", text.as_bytes());
    let (keymap, errors) = load_keymap(None, Some(&path));
    assert_eq!(errors, Vec::new());
    let press = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    assert_eq!(
        keymap.resolve(Layer::Table, &press(nth_key(0))),
        Some(Action::Down)
    );
    assert_eq!(
        keymap.resolve(Layer::Table, &press(nth_key(MANY - 1))),
        Some(Action::Up)
    );
    assert_eq!(
        keymap.resolve(Layer::Table, &press('j')),
        Some(Action::Bottom)
    );
    // `s` was unbound; `k` and `q` (untouched) still work (`q` means back everywhere).
    assert_eq!(keymap.resolve(Layer::Table, &press('s')), None);
    assert_eq!(keymap.resolve(Layer::Table, &press('k')), Some(Action::Up));
    assert_eq!(
        keymap.resolve(Layer::Table, &press('q')),
        Some(Action::Back)
    );
    let bindings = keymap.bindings(Layer::Table);
    assert!(bindings.len() > MANY, "{}", bindings.len());
    // Descriptions default to the one the preset gives the action.
    let first = bindings
        .iter()
        .find(|b| b.keys == nth_key(0).to_string())
        .unwrap();
    assert_eq!(first.desc, "Move down");
}

#[test]
fn a_keymap_that_leaves_no_way_to_quit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "keymap.toml",
        b"[global]\nunbind = [\"q\", \"Ctrl-c\", \":\"]\n",
    );
    let (keymap, errors) = load_keymap(None, Some(&path));
    assert_eq!(keymap, Keymap::builtin_default(), "not applied");
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(
        shown[0].contains("keymap.toml") && shown[0].contains("no key to quit"),
        "{shown:?}"
    );

    // Taking quit from the table layer by binding its keys to something else counts too.
    let path = write(
        dir.path(),
        "shadow.toml",
        b"[global]\nunbind = [\":\"]\n[table]\nbindings = [{ on = [\"q\", \"Ctrl-c\"], run = \"down\" }]\n",
    );
    let (keymap, errors) = load_keymap(None, Some(&path));
    assert_eq!(keymap, Keymap::builtin_default());
    assert!(errors.iter().any(|e| e.message.contains("no key to quit")));

    // Another quit key, or the command line alone (:q), is enough.
    for text in [
        &b"[global]\nunbind = [\"q\", \"Ctrl-c\", \":\"]\nbindings = [{ on = \"F10\", run = \"quit\" }]\n"[..],
        &b"[global]\nunbind = [\"q\", \"Ctrl-c\"]\n"[..],
    ] {
        let path = write(dir.path(), "ok.toml", text);
        let (keymap, errors) = load_keymap(None, Some(&path));
        assert_eq!(errors, Vec::new());
        assert_ne!(keymap, Keymap::builtin_default(), "applied");
    }
}

#[test]
fn files_that_are_not_utf8_are_reported_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "theme.toml",
        b"[colors]\nok = \"green\"\nerror = \"r\xffd\"\n",
    );
    let (_, errors) = load_theme(None, Some(&path));
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        vec![format!(
            "{}:3: column 11: not UTF-8 text (byte 0xFF)",
            path.display()
        )]
    );
}
