//! The Namespaces table row.

use crate::objects::Namespace;

use super::{created, meta_key, name_cell};
use crate::model::{Cell, Health, Row, RowLinks};

/// Namespace: status phase (Active / Terminating) and age.
pub fn namespace_row(ns: &Namespace) -> Row {
    let key = meta_key(&ns.metadata);
    let phase = ns
        .status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Unknown")
        .to_string();
    let health = match phase.as_str() {
        "Active" => Health::Ok,
        "Terminating" => Health::Progressing,
        _ => Health::Warning,
    };
    let cells = vec![
        name_cell(&ns.metadata),
        Cell::status(&phase, health),
        Cell::Age(created(&ns.metadata)),
    ];
    Row {
        key,
        cells,
        health,
        links: RowLinks::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::build::obj;
    use serde_json::json;

    #[test]
    fn phases() {
        let ns: Namespace =
            obj(json!({"metadata": {"name": "shop"}, "status": {"phase": "Active"}}));
        let row = namespace_row(&ns);
        assert_eq!(row.key.namespace, "");
        assert_eq!(row.cells[0], Cell::Text("shop".into()));
        assert_eq!(row.cells[1], Cell::Status("Active".into(), Health::Ok));
        let ns: Namespace =
            obj(json!({"metadata": {"name": "old"}, "status": {"phase": "Terminating"}}));
        assert_eq!(namespace_row(&ns).health, Health::Progressing);
        assert_eq!(namespace_row(&Namespace::default()).cells.len(), 3);
    }
}
