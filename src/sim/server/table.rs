//! Response formats the client negotiates in its Accept header: plain JSON objects, server-side
//! printed `meta.k8s.io/v1` Tables (`as=Table`, what kubectl asks for) with columns from
//! [`super::printers`] or a CRD's printer columns, and metadata only
//! (`as=PartialObjectMetadata[List]`, what kube-rs `Api<PartialObjectMeta<K>>` asks for).

use std::sync::Arc;

use axum::response::Response;
use jiff::Timestamp;
use serde_json::{Value, json};

use super::crd::{PrinterColumn, json_path};
use super::objects::list_body;
use super::printers::{columns, human_duration, row_cells, row_conditions};
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
    /// `PartialObjectMetadata` (lists: `PartialObjectMetadataList`).
    Metadata,
}

/// How the objects of one type are printed: the built-in printer of the type, or the printer
/// columns of the CRD that defines it.
pub struct Printer {
    pub resource: &'static ResourceType,
    pub custom: Option<Vec<PrinterColumn>>,
}

const NAME_DESCRIPTION: &str = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

impl Printer {
    pub fn builtin(resource: &'static ResourceType) -> Self {
        Printer {
            resource,
            custom: None,
        }
    }

    fn definitions(&self) -> Vec<Value> {
        match &self.custom {
            None => columns(self.resource)
                .iter()
                .map(|(name, kind, priority)| {
                    let format = if *name == "Name" { "name" } else { "" };
                    json!({"name": name, "type": kind, "format": format, "description": "", "priority": priority})
                })
                .collect(),
            Some(custom) => {
                let mut out = vec![json!({"name": "Name", "type": "string", "format": "name",
                    "description": NAME_DESCRIPTION, "priority": 0})];
                out.extend(custom.iter().map(|c| {
                    json!({"name": c.name, "type": c.kind, "format": c.format,
                        "description": c.description, "priority": c.priority})
                }));
                out
            }
        }
    }

    fn cells(&self, object: &Value, now: Timestamp) -> Vec<Value> {
        let Some(custom) = &self.custom else {
            return row_cells(self.resource, object, now);
        };
        let mut out = vec![json!(
            object
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
        )];
        out.extend(
            custom
                .iter()
                .map(|c| custom_cell(c, json_path(object, &c.json_path), now)),
        );
        out
    }
}

/// A cell of a custom column: typed as the column says, null when the path picks nothing.
fn custom_cell(column: &PrinterColumn, value: Option<&Value>, now: Timestamp) -> Value {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Value::Null;
    };
    match column.kind.as_str() {
        "integer" => value
            .as_i64()
            .or_else(|| value.as_f64().map(|f| f as i64))
            .map_or(Value::Null, |i| json!(i)),
        "number" => value.as_f64().map_or(Value::Null, |f| json!(f)),
        "boolean" => value.as_bool().map_or(Value::Null, |b| json!(b)),
        "date" => match value.as_str().map(str::parse::<Timestamp>) {
            Some(Ok(t)) => json!(human_duration(now.as_second() - t.as_second())),
            _ => json!("<invalid>"),
        },
        _ => match value {
            Value::String(s) => json!(s),
            other => json!(other.to_string()),
        },
    }
}

impl Format {
    /// From the client's first Accept preference.
    pub fn negotiate(accept: &str, include_object: Option<&str>) -> Self {
        let first = accept.split(',').next().unwrap_or("");
        if first.contains("as=PartialObjectMetadata") {
            return Format::Metadata;
        }
        if !first.contains("as=Table") {
            return Format::Json;
        }
        Format::Table(match include_object {
            Some("None") => IncludeObject::None,
            Some("Object") => IncludeObject::Object,
            _ => IncludeObject::Metadata,
        })
    }

    /// One object: itself, its metadata, or a one-row Table.
    pub fn render_object(self, printer: &Printer, object: &Value) -> Value {
        self.render_object_with_header(printer, object, true)
    }

    /// Like `render_object`; watch events after the first leave out the column definitions.
    pub fn render_object_with_header(
        self,
        printer: &Printer,
        object: &Value,
        header: bool,
    ) -> Value {
        match self {
            Format::Json => object.clone(),
            Format::Metadata => partial(object),
            Format::Table(include) => {
                let metadata = json!({"resourceVersion": object.pointer("/metadata/resourceVersion").cloned().unwrap_or(json!(""))});
                table(printer, metadata, std::iter::once(object), include, header)
            }
        }
    }

    pub fn render_list(
        self,
        printer: &Printer,
        metadata: &Value,
        items: &[Arc<Value>],
    ) -> Response {
        match self {
            Format::Json => json_response(list_body(printer.resource, metadata, items)),
            Format::Metadata => {
                let items: Vec<Value> = items.iter().map(|i| partial(i)).collect();
                json_response(
                    json!({"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1",
                        "metadata": metadata, "items": items})
                    .to_string(),
                )
            }
            Format::Table(include) => {
                let table = table(
                    printer,
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

/// An object's `PartialObjectMetadata`.
pub fn partial(object: &Value) -> Value {
    json!({
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": object.get("metadata").cloned().unwrap_or(json!({})),
    })
}

fn row_object(object: &Value, include: IncludeObject) -> Option<Value> {
    match include {
        IncludeObject::None => None,
        IncludeObject::Object => Some(object.clone()),
        IncludeObject::Metadata => Some(partial(object)),
    }
}

fn table<'a>(
    printer: &Printer,
    metadata: Value,
    objects: impl Iterator<Item = &'a Value>,
    include: IncludeObject,
    header: bool,
) -> Value {
    let now = Timestamp::now();
    let rows: Vec<Value> = objects
        .map(|object| {
            let mut row = json!({"cells": printer.cells(object, now)});
            if let Some(conditions) = row_conditions(printer.resource, object) {
                row["conditions"] = conditions;
            }
            if let Some(o) = row_object(object, include) {
                row["object"] = o;
            }
            row
        })
        .collect();
    let definitions: Vec<Value> = if header {
        printer.definitions()
    } else {
        Vec::new()
    };
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": metadata, "columnDefinitions": definitions, "rows": rows})
}
