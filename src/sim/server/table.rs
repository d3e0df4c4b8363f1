//! Server-side printing: when a client (kubectl) asks for `as=Table`, lists, objects and watch
//! events are answered as `meta.k8s.io/v1` Tables, with columns from [`super::printers`].

use std::sync::Arc;

use axum::response::Response;
use serde_json::{Value, json};

use super::objects::list_body;
use super::printers::{columns, row_cells};
use super::resources::ResourceType;
use super::status::json_response;

/// What a Table row carries besides its cells (`includeObject`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncludeObject {
    None,
    Metadata,
    Object,
}

/// How objects are sent to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Table(IncludeObject),
}

impl Format {
    /// Tables when the Accept header asks for `as=Table` (kubectl's human-readable output).
    pub fn negotiate(accept: &str, include_object: Option<&str>) -> Self {
        let wants_table = accept
            .split(',')
            .next()
            .is_some_and(|first| first.contains("as=Table"));
        if !wants_table {
            return Format::Json;
        }
        Format::Table(match include_object {
            Some("None") => IncludeObject::None,
            Some("Object") => IncludeObject::Object,
            _ => IncludeObject::Metadata,
        })
    }

    /// One object: itself, or a one-row Table.
    pub fn render_object(self, resource: &ResourceType, object: &Value) -> Value {
        self.render_object_with_header(resource, object, true)
    }

    /// Like `render_object`; watch events after the first leave out the column definitions.
    pub fn render_object_with_header(
        self,
        resource: &ResourceType,
        object: &Value,
        header: bool,
    ) -> Value {
        match self {
            Format::Json => object.clone(),
            Format::Table(include) => {
                let metadata = json!({"resourceVersion": object.pointer("/metadata/resourceVersion").cloned().unwrap_or(json!(""))});
                table(resource, metadata, std::iter::once(object), include, header)
            }
        }
    }

    pub fn render_list(
        self,
        resource: &ResourceType,
        metadata: &Value,
        items: &[Arc<Value>],
    ) -> Response {
        match self {
            Format::Json => json_response(list_body(resource, metadata, items)),
            Format::Table(include) => {
                let table = table(
                    resource,
                    metadata.clone(),
                    items.iter().map(|i| i.as_ref()),
                    include,
                    true,
                );
                json_response(table.to_string())
            }
        }
    }
}

fn row_object(object: &Value, include: IncludeObject) -> Option<Value> {
    match include {
        IncludeObject::None => None,
        IncludeObject::Object => Some(object.clone()),
        IncludeObject::Metadata => Some(json!({
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": object.get("metadata").cloned().unwrap_or(json!({})),
        })),
    }
}

fn table<'a>(
    resource: &ResourceType,
    metadata: Value,
    objects: impl Iterator<Item = &'a Value>,
    include: IncludeObject,
    header: bool,
) -> Value {
    let now = jiff::Timestamp::now();
    let rows: Vec<Value> = objects
        .map(|object| {
            let mut row = json!({"cells": row_cells(resource, object, now)});
            if let Some(o) = row_object(object, include) {
                row["object"] = o;
            }
            row
        })
        .collect();
    let definitions: Vec<Value> = if header {
        columns(resource)
            .iter()
            .map(|(name, kind, priority)| {
                let format = if *name == "Name" { "name" } else { "" };
                json!({"name": name, "type": kind, "format": format, "description": "", "priority": priority})
            })
            .collect()
    } else {
        Vec::new()
    };
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": metadata, "columnDefinitions": definitions, "rows": rows})
}
