//! One key as written in keymap files (`j`, `G`, `Ctrl-d`, `Shift-Tab`, `F5`, `Space`): parsing,
//! matching against crossterm key events, and display for the help view (`↓`, `Ctrl-d`).
//!
//! Printable characters carry their shift in the character itself: crossterm reports `G` as
//! `Char('G')` with `SHIFT`, so `SHIFT` is ignored when matching characters, and `Shift-g` in a
//! file means `G`. `BackTab` and `Shift-Tab` are the same key.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// A key and its modifiers, normalised so that equal keys compare equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeySpec {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

/// Named keys accepted in keymap files (case-insensitive), with their help-view glyph.
const NAMED: &[(&str, KeyCode, &str)] = &[
    ("Enter", KeyCode::Enter, "Enter"),
    ("Return", KeyCode::Enter, "Enter"),
    ("Esc", KeyCode::Esc, "Esc"),
    ("Escape", KeyCode::Esc, "Esc"),
    ("Tab", KeyCode::Tab, "Tab"),
    ("BackTab", KeyCode::BackTab, "Shift-Tab"),
    ("Up", KeyCode::Up, "↑"),
    ("Down", KeyCode::Down, "↓"),
    ("Left", KeyCode::Left, "←"),
    ("Right", KeyCode::Right, "→"),
    ("PageUp", KeyCode::PageUp, "PgUp"),
    ("PgUp", KeyCode::PageUp, "PgUp"),
    ("PageDown", KeyCode::PageDown, "PgDn"),
    ("PgDn", KeyCode::PageDown, "PgDn"),
    ("Home", KeyCode::Home, "Home"),
    ("End", KeyCode::End, "End"),
    ("Backspace", KeyCode::Backspace, "Backspace"),
    ("Delete", KeyCode::Delete, "Del"),
    ("Del", KeyCode::Delete, "Del"),
    ("Insert", KeyCode::Insert, "Ins"),
    ("Space", KeyCode::Char(' '), "Space"),
];

const MODIFIER_PREFIXES: &[(&str, KeyModifiers)] = &[
    ("ctrl", KeyModifiers::CONTROL),
    ("control", KeyModifiers::CONTROL),
    ("c", KeyModifiers::CONTROL),
    ("alt", KeyModifiers::ALT),
    ("meta", KeyModifiers::ALT),
    ("m", KeyModifiers::ALT),
    ("a", KeyModifiers::ALT),
    ("shift", KeyModifiers::SHIFT),
    ("s", KeyModifiers::SHIFT),
];

/// The modifiers that take part in matching.
const MATCHED: KeyModifiers = KeyModifiers::CONTROL
    .union(KeyModifiers::ALT)
    .union(KeyModifiers::SHIFT);

impl KeySpec {
    /// Builds a normalised key.
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> KeySpec {
        let mut modifiers = modifiers & MATCHED;
        let mut code = code;
        match code {
            KeyCode::Char(c) => {
                if modifiers.contains(KeyModifiers::SHIFT) && c.is_lowercase() {
                    code = KeyCode::Char(c.to_uppercase().next().unwrap_or(c));
                }
                modifiers.remove(KeyModifiers::SHIFT);
            }
            KeyCode::BackTab => modifiers.remove(KeyModifiers::SHIFT),
            KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => {
                code = KeyCode::BackTab;
                modifiers.remove(KeyModifiers::SHIFT);
            }
            _ => {}
        }
        KeySpec { code, modifiers }
    }

    /// The key of a terminal event, or `None` for a key release.
    pub fn from_event(event: &KeyEvent) -> Option<KeySpec> {
        (event.kind != KeyEventKind::Release).then(|| KeySpec::new(event.code, event.modifiers))
    }

    /// Parses the keymap-file syntax: `j`, `G`, `?`, `Enter`, `F5`, `Ctrl-d`, `Alt+x`,
    /// `Shift-Tab`, `Ctrl--`. Returns `None` when the text is not a key.
    pub fn parse(text: &str) -> Option<KeySpec> {
        let mut rest = text;
        let mut modifiers = KeyModifiers::NONE;
        'prefixes: loop {
            for (prefix, modifier) in MODIFIER_PREFIXES {
                let Some(head) = rest.get(..prefix.len()) else {
                    continue;
                };
                let after = &rest[prefix.len()..];
                let Some(tail) = after.strip_prefix(['-', '+']) else {
                    continue;
                };
                if head.eq_ignore_ascii_case(prefix) && !tail.is_empty() {
                    modifiers |= *modifier;
                    rest = tail;
                    continue 'prefixes;
                }
            }
            break;
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() && c != ' ' => KeyCode::Char(c),
            _ => named(rest)?,
        };
        Some(KeySpec::new(code, modifiers))
    }

    /// Whether a terminal event is this key.
    pub fn matches(&self, event: &KeyEvent) -> bool {
        KeySpec::from_event(event).is_some_and(|k| k == *self)
    }
}

fn named(text: &str) -> Option<KeyCode> {
    if let Some(n) = text.strip_prefix(['F', 'f'])
        && let Ok(n @ 1..=24) = n.parse::<u8>()
    {
        return Some(KeyCode::F(n));
    }
    NAMED
        .iter()
        .find(|(name, _, _)| name.eq_ignore_ascii_case(text))
        .map(|(_, code, _)| *code)
}

impl fmt::Display for KeySpec {
    /// Human form for the help view and footer: `j`, `G`, `↓`, `Ctrl-d`, `Shift-Tab`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (flag, label) in [
            (KeyModifiers::CONTROL, "Ctrl-"),
            (KeyModifiers::ALT, "Alt-"),
            (KeyModifiers::SHIFT, "Shift-"),
        ] {
            if self.modifiers.contains(flag) {
                f.write_str(label)?;
            }
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "F{n}"),
            code => {
                let glyph = NAMED
                    .iter()
                    .find(|(_, c, _)| *c == code)
                    .map_or("?", |(_, _, glyph)| glyph);
                f.write_str(glyph)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn parses_chars_named_keys_and_modifiers() {
        let k = |s| KeySpec::parse(s);
        assert_eq!(
            k("j"),
            Some(KeySpec::new(KeyCode::Char('j'), KeyModifiers::NONE))
        );
        assert_eq!(
            k("G"),
            Some(KeySpec::new(KeyCode::Char('G'), KeyModifiers::NONE))
        );
        assert_eq!(k("Shift-g"), k("G"));
        assert_eq!(
            k("-"),
            Some(KeySpec::new(KeyCode::Char('-'), KeyModifiers::NONE))
        );
        assert_eq!(
            k("Ctrl--"),
            Some(KeySpec::new(KeyCode::Char('-'), KeyModifiers::CONTROL))
        );
        assert_eq!(
            k("Ctrl-d"),
            Some(KeySpec::new(KeyCode::Char('d'), KeyModifiers::CONTROL))
        );
        assert_eq!(k("C-d"), k("Ctrl-d"));
        assert_eq!(k("ctrl+d"), k("Ctrl-d"));
        assert_eq!(
            k("Alt-Shift-Up").map(|k| k.modifiers),
            Some(KeyModifiers::ALT | KeyModifiers::SHIFT)
        );
        assert_eq!(k("Shift-Tab"), k("BackTab"));
        assert_eq!(k("pagedown").map(|k| k.code), Some(KeyCode::PageDown));
        assert_eq!(k("F12").map(|k| k.code), Some(KeyCode::F(12)));
        assert_eq!(k("Space").map(|k| k.code), Some(KeyCode::Char(' ')));
        for bad in ["", "Ctrl+", "Ctrl-", "Hyper-x", "jj", "F0", "F25", " "] {
            assert_eq!(k(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn matches_crossterm_reports() {
        let upper_g = KeySpec::parse("G");
        assert!(upper_g.is_some_and(|k| k.matches(&ev(KeyCode::Char('G'), KeyModifiers::SHIFT))));
        assert!(upper_g.is_some_and(|k| k.matches(&ev(KeyCode::Char('G'), KeyModifiers::NONE))));
        assert!(!upper_g.is_some_and(|k| k.matches(&ev(KeyCode::Char('g'), KeyModifiers::NONE))));
        let question = KeySpec::parse("?");
        assert!(question.is_some_and(|k| k.matches(&ev(KeyCode::Char('?'), KeyModifiers::SHIFT))));
        let ctrl_d = KeySpec::parse("Ctrl-d");
        assert!(ctrl_d.is_some_and(|k| k.matches(&ev(KeyCode::Char('d'), KeyModifiers::CONTROL))));
        assert!(!ctrl_d.is_some_and(|k| k.matches(&ev(KeyCode::Char('d'), KeyModifiers::NONE))));
        let back_tab = KeySpec::parse("BackTab");
        assert!(back_tab.is_some_and(|k| k.matches(&ev(KeyCode::BackTab, KeyModifiers::SHIFT))));
        let mut release = ev(KeyCode::Char('j'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert!(!KeySpec::parse("j").is_some_and(|k| k.matches(&release)));
    }

    #[test]
    fn displays_for_humans() {
        let show = |s| KeySpec::parse(s).map(|k| k.to_string());
        assert_eq!(show("Down").as_deref(), Some("↓"));
        assert_eq!(show("ctrl+D").as_deref(), Some("Ctrl-D"));
        assert_eq!(show("BackTab").as_deref(), Some("Shift-Tab"));
        assert_eq!(show("PageDown").as_deref(), Some("PgDn"));
        assert_eq!(show("Space").as_deref(), Some("Space"));
        assert_eq!(show("f5").as_deref(), Some("F5"));
    }
}
