//! The shipped themes and keymaps, the error fixtures, user overlays, and key matching, checked
//! through the public `kmedic::config` API.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kmedic::app::action::{Action, Layer};
use kmedic::config::{
    ConfigError, Keymap, Theme, Token, load_keymap, load_theme, shipped_keymaps, shipped_themes,
};
use ratatui::style::{Color, Modifier, Style};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(path)
}

fn dir_files(dir: &str) -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            (p, text)
        })
        .collect()
}

fn shown(errors: &[ConfigError]) -> Vec<String> {
    errors.iter().map(ToString::to_string).collect()
}

fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

fn ch(c: char) -> KeyEvent {
    press(KeyCode::Char(c), KeyModifiers::NONE)
}

#[test]
fn every_shipped_file_is_embedded() {
    let themes = dir_files("themes");
    let keymaps = dir_files("keymaps");
    assert_eq!(
        themes.len(),
        shipped_themes().len(),
        "themes/ vs shipped_themes()"
    );
    assert_eq!(
        keymaps.len(),
        shipped_keymaps().len(),
        "keymaps/ vs shipped_keymaps()"
    );
    for (path, text) in themes.iter().chain(&keymaps) {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let embedded = shipped_themes()
            .iter()
            .chain(shipped_keymaps())
            .find(|(n, _)| *n == stem);
        assert_eq!(
            embedded.map(|(_, t)| *t),
            Some(text.as_str()),
            "{}",
            path.display()
        );
    }
    assert_eq!(shipped_themes()[0].0, "dark");
    assert_eq!(shipped_keymaps()[0].0, "default");
}

#[test]
fn shipped_themes_parse_cleanly_and_style_every_token() {
    for (name, text) in shipped_themes() {
        // Start from a theme where every token is marked, so an unset token shows.
        let marker = Style::default()
            .fg(Color::Indexed(13))
            .bg(Color::Indexed(13));
        let mut theme = Theme::default();
        for token in Token::ALL {
            theme.set(token, marker);
        }
        let errors = theme.overlay_toml(name, text);
        assert!(errors.is_empty(), "{name}: {:?}", shown(&errors));
        for token in Token::ALL {
            assert_ne!(
                theme.style(token),
                marker,
                "{name} does not set '{}'",
                token.name()
            );
        }
        let (loaded, errors) = load_theme(Some(name), None);
        assert!(errors.is_empty(), "{name}: {:?}", shown(&errors));
        assert_eq!(loaded, theme);
    }
}

#[test]
fn builtin_themes_are_the_shipped_files() {
    let dark = Theme::builtin_default();
    assert_eq!(dark.style(Token::Ok), Style::default().fg(Color::Green));
    assert_eq!(
        dark.style(Token::Error),
        Style::default()
            .fg(Color::Rgb(0xff, 0x5f, 0x5f))
            .add_modifier(Modifier::BOLD)
    );
    assert_eq!(load_theme(None, None), (dark, Vec::new()));
    let mono = Theme::monochrome();
    for token in Token::ALL {
        let style = mono.style(token);
        assert_eq!(
            (style.fg, style.bg),
            (None, None),
            "monochrome '{}' has a colour",
            token.name()
        );
    }
    assert_ne!(mono.style(Token::Selection), Style::default());
}

#[test]
fn shipped_keymaps_parse_cleanly_and_bind_every_action() {
    for (name, text) in shipped_keymaps() {
        let mut keymap = Keymap::default();
        let errors = keymap.overlay_toml(name, text);
        assert!(errors.is_empty(), "{name}: {:?}", shown(&errors));
        let bound: HashSet<Action> = Layer::ALL
            .iter()
            .flat_map(|l| keymap.bindings(*l))
            .map(|b| b.action)
            .collect();
        for action in Action::ALL {
            assert!(bound.contains(action), "{name} does not bind {action:?}");
        }
        for layer in Layer::ALL {
            for b in keymap.bindings(*layer) {
                assert!(
                    !b.keys.is_empty() && !b.desc.is_empty(),
                    "{name} [{}]: {b:?}",
                    layer.section()
                );
            }
        }
        let (loaded, errors) = load_keymap(Some(name), None);
        assert!(errors.is_empty(), "{name}: {:?}", shown(&errors));
        assert_eq!(loaded, keymap);
    }
}

#[test]
fn every_layer_can_get_back_and_to_help() {
    // Wherever the user is, some key leads back and some key leads to help or closes it.
    for (name, _) in shipped_keymaps() {
        let keymap = Keymap::shipped(name).unwrap_or_default();
        for layer in Layer::ALL {
            assert!(
                keymap.hint(*layer, Action::Back).is_some(),
                "{name} [{}] back",
                layer.section()
            );
            assert!(
                keymap.hint(*layer, Action::Quit).is_some(),
                "{name} [{}] quit",
                layer.section()
            );
        }
    }
}

#[test]
fn default_keymap_resolves_the_documented_keys() {
    let km = Keymap::builtin_default();
    let shift = |c| press(KeyCode::Char(c), KeyModifiers::SHIFT);
    let ctrl = |c| press(KeyCode::Char(c), KeyModifiers::CONTROL);
    let cases = [
        (Layer::Table, ch('q'), Action::Back),
        (Layer::Table, ctrl('c'), Action::Quit),
        (Layer::Troubleshoot, ch('q'), Action::Back),
        (Layer::Troubleshoot, shift('J'), Action::DetailDown),
        (
            Layer::Troubleshoot,
            press(KeyCode::PageDown, KeyModifiers::NONE),
            Action::PageDown,
        ),
        (
            Layer::Troubleshoot,
            press(KeyCode::Tab, KeyModifiers::NONE),
            Action::Right,
        ),
        (
            Layer::Certs,
            press(KeyCode::Enter, KeyModifiers::NONE),
            Action::Describe,
        ),
        (Layer::Logs, ch('v'), Action::Mark),
        (Layer::Table, shift('?'), Action::Help),
        (Layer::Table, ch(':'), Action::CommandLine),
        (
            Layer::Table,
            press(KeyCode::Esc, KeyModifiers::NONE),
            Action::Back,
        ),
        (Layer::Table, ch('1'), Action::ViewPods),
        (Layer::Table, ch('6'), Action::ViewEvents),
        (
            Layer::Table,
            press(KeyCode::Tab, KeyModifiers::NONE),
            Action::NextView,
        ),
        (
            Layer::Table,
            press(KeyCode::BackTab, KeyModifiers::SHIFT),
            Action::PreviousView,
        ),
        (Layer::Table, ch('j'), Action::Down),
        (
            Layer::Table,
            press(KeyCode::Down, KeyModifiers::NONE),
            Action::Down,
        ),
        (Layer::Table, shift('G'), Action::Bottom),
        (Layer::Table, ch('g'), Action::Top),
        (Layer::Table, ctrl('f'), Action::PageDown),
        (
            Layer::Table,
            press(KeyCode::Enter, KeyModifiers::NONE),
            Action::Open,
        ),
        (Layer::Table, ch('d'), Action::Describe),
        (Layer::Table, ch('o'), Action::Tree),
        (
            Layer::Tree,
            press(KeyCode::Enter, KeyModifiers::NONE),
            Action::Open,
        ),
        (Layer::Table, shift('S'), Action::SortReverse),
        (Layer::Table, shift('<'), Action::SortPrevious),
        (Layer::Table, ch('0'), Action::AllNamespaces),
        (Layer::Detail, ch('q'), Action::Back),
        (Layer::Detail, ch('n'), Action::SearchNext),
        (Layer::Detail, shift('N'), Action::SearchPrevious),
        (Layer::Detail, ch(' '), Action::PageDown),
        (Layer::Yaml, ch('d'), Action::Describe),
        (Layer::Help, shift('?'), Action::Back),
        (
            Layer::Picker,
            press(KeyCode::Down, KeyModifiers::NONE),
            Action::Down,
        ),
        (Layer::Picker, ctrl('c'), Action::Quit),
    ];
    for (layer, key, action) in cases {
        assert_eq!(
            km.resolve(layer, &key),
            Some(action),
            "[{}] {key:?}",
            layer.section()
        );
    }
    assert_eq!(km.resolve(Layer::Table, &ch('x')), None);
    assert_eq!(km.resolve(Layer::Table, &ctrl('j')), None);
    assert_eq!(km.hint(Layer::Table, Action::Help).as_deref(), Some("?"));
    assert_eq!(km.hint(Layer::Table, Action::Back).as_deref(), Some("q"));
    assert_eq!(
        km.hint(Layer::Table, Action::Quit).as_deref(),
        Some("Ctrl-c")
    );
    let down = km
        .bindings(Layer::Table)
        .into_iter()
        .find(|b| b.action == Action::Down);
    assert_eq!(
        down.map(|b| (b.keys, b.desc)),
        Some(("j / ↓".into(), "Move down".into()))
    );
}

#[test]
fn vim_keymap_scrolls_by_half_pages() {
    let (km, errors) = load_keymap(Some("vim"), None);
    assert!(errors.is_empty());
    let ctrl = |c| press(KeyCode::Char(c), KeyModifiers::CONTROL);
    assert_eq!(
        km.resolve(Layer::Detail, &ctrl('d')),
        Some(Action::PageDown)
    );
    assert_eq!(km.resolve(Layer::Detail, &ctrl('u')), Some(Action::PageUp));
    assert_eq!(
        km.resolve(Layer::Table, &ctrl('l')),
        Some(Action::ClearFilter)
    );
}

/// Each invalid fixture lists the errors it must produce as `# expect: LINE: MESSAGE` comments;
/// every error must start with `<path>:LINE: MESSAGE`, in order, and there must be no others.
#[test]
fn invalid_fixtures_report_file_line_and_culprit() {
    let fixtures = dir_files("tests/fixtures/config/invalid");
    assert!(fixtures.len() >= 10, "fixtures missing");
    for (path, text) in fixtures {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let errors = if name.starts_with("theme-") {
            load_theme(None, Some(&path)).1
        } else {
            load_keymap(None, Some(&path)).1
        };
        let shown = shown(&errors);
        let expected: Vec<String> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# expect: "))
            .map(|e| format!("{}:{e}", path.display()))
            .collect();
        assert!(!expected.is_empty(), "{name} has no expectations");
        assert_eq!(shown.len(), expected.len(), "{name}: {shown:#?}");
        for (got, want) in shown.iter().zip(&expected) {
            assert!(
                got.starts_with(want.as_str()),
                "{name}:\n got {got}\nwant {want}"
            );
        }
        assert!(
            errors
                .iter()
                .all(|e| e.file == path.display().to_string() && e.line.is_some())
        );
    }
}

#[test]
fn unparseable_files_leave_the_defaults() {
    let (keymap, errors) = load_keymap(None, Some(&fixture("invalid/keymap-syntax.toml")));
    assert_eq!(errors.len(), 1);
    assert_eq!(keymap, Keymap::builtin_default());
    let (theme, errors) = load_theme(None, Some(&fixture("invalid/theme-syntax.toml")));
    assert_eq!(errors.len(), 1);
    assert_eq!(theme, Theme::builtin_default());
}

#[test]
fn invalid_entries_are_skipped_and_valid_ones_applied() {
    let (keymap, _) = load_keymap(None, Some(&fixture("invalid/keymap-unknown-action.toml")));
    assert_eq!(
        keymap.resolve(Layer::Table, &ch('x')),
        Some(Action::Describe)
    );
    assert_eq!(keymap.resolve(Layer::Table, &ch('f')), None);
    let (theme, _) = load_theme(None, Some(&fixture("invalid/theme-unknown-token.toml")));
    assert_eq!(theme.style(Token::Ok), Style::default().fg(Color::Blue));
    let (theme, _) = load_theme(None, Some(&fixture("invalid/theme-bad-colour.toml")));
    assert_eq!(
        theme.style(Token::Error),
        Theme::builtin_default().style(Token::Error)
    );
}

#[test]
fn missing_files_and_unknown_names_are_reported() {
    let missing = fixture("no-such-file.toml");
    let (keymap, errors) = load_keymap(None, Some(&missing));
    assert_eq!(keymap, Keymap::builtin_default());
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]
            .to_string()
            .starts_with(&format!("{}: cannot read", missing.display()))
    );
    let (theme, errors) = load_theme(Some("solarized"), None);
    assert_eq!(theme, Theme::builtin_default());
    assert_eq!(
        shown(&errors),
        [
            "theme 'solarized': no such theme; shipped themes are dark, light, high-contrast, monochrome"
        ]
    );
    let (_, errors) = load_keymap(Some("emacs"), None);
    assert_eq!(errors.len(), 1);
}

#[test]
fn partial_theme_overlay_changes_only_what_it_names() {
    let base = Theme::builtin_default();
    let (theme, errors) = load_theme(None, Some(&fixture("valid/theme-partial.toml")));
    assert!(errors.is_empty(), "{:?}", shown(&errors));
    assert_eq!(
        theme.style(Token::Error),
        Style::default()
            .fg(Color::Magenta)
            .add_modifier(Modifier::UNDERLINED)
    );
    assert_eq!(
        theme.style(Token::Selection),
        Style::default()
            .fg(Color::Rgb(0, 0, 0))
            .bg(Color::Indexed(214))
    );
    for token in Token::ALL {
        if !matches!(token, Token::Error | Token::Selection) {
            assert_eq!(theme.style(token), base.style(token), "{}", token.name());
        }
    }
    // The overlay also works on another base theme.
    let (light, _) = load_theme(Some("light"), Some(&fixture("valid/theme-partial.toml")));
    assert_eq!(
        light.style(Token::Ok),
        Theme::shipped("light").unwrap_or_default().style(Token::Ok)
    );
}

#[test]
fn partial_keymap_overlay_changes_only_what_it_names() {
    let base = Keymap::builtin_default();
    let (km, errors) = load_keymap(None, Some(&fixture("valid/keymap-partial.toml")));
    assert!(errors.is_empty(), "{:?}", shown(&errors));
    assert_eq!(km.resolve(Layer::Table, &ch('d')), Some(Action::Yaml));
    assert_eq!(km.resolve(Layer::Table, &ch('x')), Some(Action::Describe));
    assert_eq!(
        km.resolve(Layer::Table, &press(KeyCode::Enter, KeyModifiers::NONE)),
        Some(Action::Open)
    );
    assert_eq!(
        km.resolve(
            Layer::Table,
            &press(KeyCode::Char('S'), KeyModifiers::SHIFT)
        ),
        None
    );
    // `d` left the describe binding (Enter opens); the new binding for `x` reuses its text.
    let table = km.bindings(Layer::Table);
    let describe: Vec<_> = table
        .iter()
        .filter(|b| b.action == Action::Describe)
        .collect();
    assert_eq!(describe.len(), 1);
    assert_eq!(describe[0].keys, "x");
    let base_describe = base
        .bindings(Layer::Table)
        .iter()
        .find(|b| b.action == Action::Describe)
        .map(|b| b.desc.clone());
    assert_eq!(Some(describe[0].desc.clone()), base_describe);
    assert!(
        table
            .iter()
            .any(|b| b.keys == "d" && b.desc == "YAML (my way)")
    );
    assert!(!table.iter().any(|b| b.action == Action::SortReverse));
    // Every other section is untouched, and other table bindings keep their place.
    for layer in Layer::ALL.iter().filter(|l| **l != Layer::Table) {
        assert_eq!(
            km.bindings(*layer),
            base.bindings(*layer),
            "[{}]",
            layer.section()
        );
    }
    let untouched = |k: &Keymap| -> Vec<_> {
        k.bindings(Layer::Table)
            .into_iter()
            .filter(|b| {
                !matches!(
                    b.action,
                    Action::Describe | Action::Yaml | Action::SortReverse
                )
            })
            .collect()
    };
    assert_eq!(untouched(&km), untouched(&base));
}

#[test]
fn keys_match_crossterm_reports() {
    use kmedic::config::KeySpec;
    let spec = |s: &str| KeySpec::parse(s);
    let matches = |s: &str, e: KeyEvent| spec(s).is_some_and(|k| k.matches(&e));
    assert!(matches("G", press(KeyCode::Char('G'), KeyModifiers::SHIFT)));
    assert!(matches(
        "Shift-g",
        press(KeyCode::Char('G'), KeyModifiers::SHIFT)
    ));
    assert!(!matches(
        "g",
        press(KeyCode::Char('G'), KeyModifiers::SHIFT)
    ));
    assert!(matches(
        "Ctrl-d",
        press(KeyCode::Char('d'), KeyModifiers::CONTROL)
    ));
    assert!(!matches("Ctrl-d", ch('d')));
    assert!(!matches(
        "d",
        press(KeyCode::Char('d'), KeyModifiers::CONTROL)
    ));
    assert!(matches(
        "Alt-x",
        press(KeyCode::Char('x'), KeyModifiers::ALT)
    ));
    assert!(matches(
        "BackTab",
        press(KeyCode::BackTab, KeyModifiers::SHIFT)
    ));
    assert!(matches(
        "Shift-Tab",
        press(KeyCode::BackTab, KeyModifiers::NONE)
    ));
    assert!(matches(
        "PageDown",
        press(KeyCode::PageDown, KeyModifiers::NONE)
    ));
    assert!(matches("F5", press(KeyCode::F(5), KeyModifiers::NONE)));
    assert!(matches("Space", ch(' ')));
    assert!(matches("Enter", press(KeyCode::Enter, KeyModifiers::NONE)));
    assert!(!matches("Up", press(KeyCode::Up, KeyModifiers::SHIFT)));
    assert_eq!(spec("Ctrl+"), None);
    assert_eq!(
        spec("Ctrl-d").map(|k| k.to_string()).as_deref(),
        Some("Ctrl-d")
    );
    assert_eq!(spec("Down").map(|k| k.to_string()).as_deref(), Some("↓"));
}

#[test]
fn there_are_no_destructive_actions_to_bind() {
    // kmedic is read-only. If an action that changes the cluster is ever added, this list must be
    // reviewed and such actions kept off bare letter keys.
    let names: Vec<String> = Action::ALL
        .iter()
        .map(|a| kmedic::config::action_name(*a))
        .collect();
    for word in [
        "delete", "kill", "edit", "scale", "restart", "drain", "cordon", "exec", "apply",
    ] {
        assert!(
            !names.iter().any(|n| n.contains(word)),
            "destructive action {word}"
        );
    }
}
