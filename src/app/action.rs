//! The vocabulary of user intents. Key bindings (keymaps/*.toml) name these actions with their
//! kebab-case names; the reducer is the only place that gives them meaning.

use serde::Deserialize;

/// One thing the user asked for. Bound to keys in the keymap files by its kebab-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Quit,
    Help,
    Back,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Left,
    Right,
    CommandLine,
    Filter,
    ClearFilter,
    SortNext,
    SortPrevious,
    SortReverse,
    Describe,
    Yaml,
    NamespacePicker,
    AllNamespaces,
    ViewPods,
    ViewNodes,
    ViewServices,
    ViewNamespaces,
    ViewDeployments,
    ViewEvents,
    NextView,
    PreviousView,
    Search,
    SearchNext,
    SearchPrevious,
    ContextPicker,
    AccessReview,
    Troubleshoot,
    Certs,
    ToggleFavourite,
    Logs,
    LogsPrevious,
    LogsSelector,
    ToggleFollow,
    ToggleTimestamps,
    ToggleWrap,
    ToggleAnsi,
    NextContainer,
    LogRange,
    FilterOut,
    JumpLive,
    Mark,
    Copy,
    Save,
    /// Scroll the secondary (details) side of a two-part screen, line by line.
    DetailDown,
    DetailUp,
    /// Read again (node-local mode: the node).
    Refresh,
    /// Open what the row stands for: its drill-down when it has one, else its describe.
    Open,
    /// The owner/reference tree of the object.
    Tree,
    /// Show only the rows of a table whose health is a warning or an error.
    FaultsOnly,
    /// Can this pod reach that one (or that Service): pick the other end, see the hops.
    Reach,
}

impl Action {
    /// Every action, for validation and help generation.
    pub const ALL: &'static [Action] = &[
        Action::Quit,
        Action::Help,
        Action::Back,
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::Left,
        Action::Right,
        Action::CommandLine,
        Action::Filter,
        Action::ClearFilter,
        Action::SortNext,
        Action::SortPrevious,
        Action::SortReverse,
        Action::Describe,
        Action::Yaml,
        Action::NamespacePicker,
        Action::AllNamespaces,
        Action::ViewPods,
        Action::ViewNodes,
        Action::ViewServices,
        Action::ViewNamespaces,
        Action::ViewDeployments,
        Action::ViewEvents,
        Action::NextView,
        Action::PreviousView,
        Action::Search,
        Action::SearchNext,
        Action::SearchPrevious,
        Action::ContextPicker,
        Action::AccessReview,
        Action::Troubleshoot,
        Action::Certs,
        Action::ToggleFavourite,
        Action::Logs,
        Action::LogsPrevious,
        Action::LogsSelector,
        Action::ToggleFollow,
        Action::ToggleTimestamps,
        Action::ToggleWrap,
        Action::ToggleAnsi,
        Action::NextContainer,
        Action::LogRange,
        Action::FilterOut,
        Action::JumpLive,
        Action::Mark,
        Action::Copy,
        Action::Save,
        Action::DetailDown,
        Action::DetailUp,
        Action::Refresh,
        Action::Open,
        Action::Tree,
        Action::FaultsOnly,
        Action::Reach,
    ];
}

/// Which screen layer has the keyboard. Each screen has its own section in the keymap; the
/// `global` section applies beneath every layer that does not take text input. The footer and
/// the help page are generated from these sections, so they cannot disagree with the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layer {
    Global,
    Table,
    Troubleshoot,
    Certs,
    Access,
    Detail,
    Yaml,
    Logs,
    Picker,
    Help,
    Tree,
    NodePage,
    Reach,
}

impl Layer {
    pub const ALL: &'static [Layer] = &[
        Layer::Global,
        Layer::Table,
        Layer::Troubleshoot,
        Layer::Certs,
        Layer::Access,
        Layer::Detail,
        Layer::Yaml,
        Layer::Logs,
        Layer::Picker,
        Layer::Tree,
        Layer::NodePage,
        Layer::Help,
        Layer::Reach,
    ];

    /// The section name used in keymap files.
    pub fn section(self) -> &'static str {
        match self {
            Layer::Global => "global",
            Layer::Table => "table",
            Layer::Troubleshoot => "troubleshoot",
            Layer::Certs => "certs",
            Layer::Access => "access",
            Layer::Detail => "detail",
            Layer::Yaml => "yaml",
            Layer::Help => "help",
            Layer::Picker => "picker",
            Layer::Logs => "logs",
            Layer::Tree => "tree",
            Layer::NodePage => "node-page",
            Layer::Reach => "reach",
        }
    }
}
