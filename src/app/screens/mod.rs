//! Screens and the one contract they share. Each screen owns its keys: its keymap layer (a
//! section of `keymaps/*.toml`), the actions it handles (`HANDLES`), what its footer offers
//! (`FOOTER`), and one entry point `on_action(&mut AppState, Action) -> Option<Vec<Effect>>`
//! (`None`: not mine, the global keys get it). The active screen is the top of the navigation
//! stack. The footer and the help page are generated from the same keymap sections, and tests
//! check that every footer hint is bound and handled.

pub mod access;
pub mod category;
pub mod certs;
pub mod command_line;
pub mod detail;
pub mod global;
pub mod help;
pub mod logs;
pub mod logs_input;
pub mod node_page;
pub mod picker;
pub mod reach;
pub mod table;
pub mod tree;
pub mod troubleshoot;

use crossterm::event::{KeyCode, KeyEvent};

use super::action::{Action, Layer};
use super::effect::Effect;
use super::nav;
use super::overlay::Overlay;
use super::state::AppState;

/// A footer hint: an action (its key comes from the keymap) and a short label.
pub type Hint = (Action, &'static str);

/// The keymap layer of the screen on top.
pub fn layer(state: &AppState) -> Layer {
    match &state.overlay {
        None => Layer::Table,
        Some(Overlay::Help(_)) => Layer::Help,
        Some(Overlay::Detail(_)) => Layer::Detail,
        Some(Overlay::Yaml(_)) => Layer::Yaml,
        Some(Overlay::Access(_)) => Layer::Access,
        Some(Overlay::Troubleshoot) => Layer::Troubleshoot,
        Some(Overlay::Certs(_)) => Layer::Certs,
        Some(Overlay::Namespaces(_) | Overlay::Contexts(_) | Overlay::ReachPicker(_)) => {
            Layer::Picker
        }
        Some(Overlay::Category(_)) => Layer::Table,
        Some(Overlay::Reach(_)) => Layer::Reach,
        Some(Overlay::Logs(_)) => Layer::Logs,
        Some(Overlay::Drill(_)) => Layer::Table,
        Some(Overlay::Tree(_)) => Layer::Tree,
        Some(Overlay::NodePage(_)) => Layer::NodePage,
    }
}

/// The actions a layer's screen handles itself. Every action bound in the layer's keymap
/// section must be one of them (checked by tests), so no key is inert.
pub fn handles(layer: Layer) -> &'static [Action] {
    match layer {
        Layer::Global => global::HANDLES,
        Layer::Table => table::HANDLES,
        Layer::Troubleshoot => troubleshoot::HANDLES,
        Layer::Certs => certs::HANDLES,
        Layer::Access => access::HANDLES,
        Layer::Detail => detail::DETAIL_HANDLES,
        Layer::Yaml => detail::YAML_HANDLES,
        Layer::Logs => logs::HANDLES,
        Layer::Picker => picker::HANDLES,
        Layer::Help => help::HANDLES,
        Layer::Tree => tree::HANDLES,
        Layer::NodePage => node_page::HANDLES,
        Layer::Reach => reach::HANDLES,
    }
}

/// What the footer of the screen on top offers; only hints whose action is bound are shown.
pub fn footer(state: &AppState) -> Vec<Hint> {
    let fixed = match &state.overlay {
        None | Some(Overlay::Drill(_)) => return table::footer(state),
        Some(Overlay::Category(_)) => return category::footer(state),
        Some(Overlay::Tree(_)) => tree::FOOTER,
        Some(Overlay::NodePage(_)) => node_page::FOOTER,
        Some(Overlay::Help(_)) => help::FOOTER,
        Some(Overlay::Detail(_)) => detail::DETAIL_FOOTER,
        Some(Overlay::Yaml(_)) => detail::YAML_FOOTER,
        Some(Overlay::Access(_)) => access::FOOTER,
        Some(Overlay::Troubleshoot) => troubleshoot::footer(state),
        Some(Overlay::Certs(_)) => certs::FOOTER,
        Some(Overlay::Namespaces(_)) => picker::NAMESPACES_FOOTER,
        Some(Overlay::Contexts(_) | Overlay::ReachPicker(_)) => picker::CONTEXTS_FOOTER,
        Some(Overlay::Reach(_)) => reach::FOOTER,
        Some(Overlay::Logs(p)) if p.mark.is_some() => logs::SELECTING_FOOTER,
        Some(Overlay::Logs(_)) => logs::FOOTER,
    };
    // `next` is offered once there is a search to go on with.
    let searching = match &state.overlay {
        Some(Overlay::Detail(d)) => d.target.view.search.is_some(),
        Some(Overlay::Yaml(y)) => y.target.view.search.is_some(),
        Some(Overlay::Help(view)) => view.search.is_some(),
        _ => true,
    };
    fixed
        .iter()
        .filter(|(action, _)| {
            searching || !matches!(action, Action::SearchNext | Action::SearchPrevious)
        })
        .copied()
        .collect()
}

/// Every footer a layer can show, for the tests that check them against the bindings.
pub fn footers_of(layer: Layer) -> Vec<&'static [Hint]> {
    match layer {
        Layer::Global => Vec::new(),
        Layer::Table => vec![table::FOOTER, table::FOOTER_NO_LOGS, category::FOOTER],
        Layer::Troubleshoot => vec![
            troubleshoot::FOOTER,
            troubleshoot::FOOTER_NODES,
            troubleshoot::FOOTER_NODE_LOCAL,
            troubleshoot::FOOTER_NETWORK,
        ],
        Layer::Certs => vec![certs::FOOTER],
        Layer::Access => vec![access::FOOTER],
        Layer::Detail => vec![detail::DETAIL_FOOTER],
        Layer::Yaml => vec![detail::YAML_FOOTER],
        Layer::Logs => vec![logs::FOOTER, logs::SELECTING_FOOTER],
        Layer::Picker => vec![picker::NAMESPACES_FOOTER, picker::CONTEXTS_FOOTER],
        Layer::Help => vec![help::FOOTER],
        Layer::Tree => vec![tree::FOOTER],
        Layer::NodePage => vec![node_page::FOOTER],
        Layer::Reach => vec![reach::FOOTER],
    }
}

/// The help page's title of a layer's section.
pub fn title(layer: Layer) -> &'static str {
    match layer {
        Layer::Global => "Everywhere",
        Layer::Table => "Tables (pods, deployments, services, nodes, namespaces, events)",
        Layer::Troubleshoot => "Troubleshoot (findings list above, details below)",
        Layer::Certs => "Certificates (tree on the left, fields on the right)",
        Layer::Access => "What can I do here (kubectl auth can-i)",
        Layer::Detail => "Describe view",
        Layer::Yaml => "YAML view",
        Layer::Logs => "Log pane",
        Layer::Picker => "Namespace and context pickers (type to filter, Enter to choose)",
        Layer::Help => "This help",
        Layer::Tree => "Object tree (owners, pods, containers, what each pod uses)",
        Layer::NodePage => "A node's page (its findings, pods and events)",
        Layer::Reach => "Reach (can a pod reach a pod or Service, hop by hop)",
    }
}

/// A key pressed: the quit question, the input line, a picker's typed filter, else the
/// keymap's action for the screen on top.
pub fn on_key(state: &mut AppState, key: &KeyEvent) -> Vec<Effect> {
    if state.confirm_quit {
        state.confirm_quit = false;
        state.notice = None;
        // Only what the question offers: a second `q` (a habit from other screens) stays.
        if matches!(key.code, KeyCode::Char('y' | 'Y')) {
            state.quit = true;
        }
        return Vec::new();
    }
    if state.input.is_some() {
        return command_line::on_key(state, key);
    }
    if let Some(effects) = picker::text_key(state, key) {
        return effects;
    }
    state.notice = None;
    let layer = layer(state);
    let Some(action) = state.keymap.resolve(layer, key) else {
        return Vec::new();
    };
    on_action(state, layer, action)
}

/// Runs `action` on the screen of `layer`, falling back to the global keys.
pub fn on_action(state: &mut AppState, layer: Layer, action: Action) -> Vec<Effect> {
    let own = match layer {
        Layer::Global => None,
        Layer::Table => table::on_action(state, action),
        Layer::Troubleshoot => troubleshoot::on_action(state, action),
        Layer::Certs => certs::on_action(state, action),
        Layer::Access => access::on_action(state, action),
        Layer::Detail | Layer::Yaml => detail::on_action(state, action),
        Layer::Logs => logs::on_action(state, action),
        Layer::Picker => picker::on_action(state, action),
        Layer::Help => help::on_action(state, action),
        Layer::Tree => tree::on_action(state, action),
        Layer::NodePage => node_page::on_action(state, action),
        Layer::Reach => reach::on_action(state, action),
    };
    own.or_else(|| global::on_action(state, action))
        .unwrap_or_default()
}

/// A key as the footer and help write it; with `--ascii`, arrows are spelled out (an arrow
/// glyph would otherwise become a character that is itself a key, like `v`).
pub fn key_text(key: &str, ascii: bool) -> String {
    if !ascii {
        return key.to_string();
    }
    key.replace('↑', "Up")
        .replace('↓', "Down")
        .replace('←', "Left")
        .replace('→', "Right")
}

/// Copies `text` to the clipboard and says so.
pub fn copy(state: &mut AppState, what: &str, text: String) -> Vec<Effect> {
    super::state::say(
        state,
        format!("copied {what} to the clipboard (OSC 52)"),
        false,
    );
    vec![Effect::Copy { text }]
}

#[cfg(test)]
mod tests;
