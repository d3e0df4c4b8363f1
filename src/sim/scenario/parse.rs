//! Turns the text of one scenario file (multi-document YAML, JSON, `kind: List`) into plain
//! Kubernetes objects, with errors that name the file and the 1-based line.

use serde_json::Value;

use super::ScenarioError;
use super::json::Ptr;

/// One YAML document: its text and the 1-based line of the file where it starts.
struct Doc<'a> {
    text: &'a str,
    /// Line of the first line of `text` in the file.
    first_line: usize,
    /// Line of the first line with content (not blank, not a comment), for error messages.
    content_line: usize,
}

/// Parses the text of one file into objects. `file` is only used in error messages.
pub fn parse_text(file: &str, text: &str) -> Result<Vec<Value>, ScenarioError> {
    Ok(parse_text_sourced(file, text)?
        .into_iter()
        .filter(|(v, _)| !is_list_marker(v))
        .map(|(v, _)| v)
        .collect())
}

/// Whether `v` is the marker of a list (kept so an empty list still tells its kind was listed).
pub fn is_list_marker(v: &Value) -> bool {
    v.get("items").is_some_and(Value::is_array)
        && v.get("kind")
            .and_then(Value::as_str)
            .is_some_and(|k| k.ends_with("List"))
}

/// Like [`parse_text`], with the 1-based line each object's document starts at, and for each
/// `*List` document a marker `{"kind": "PodList", "apiVersion": …, "items": []}` (so that an
/// empty list still says its kind was listed).
pub fn parse_text_sourced(file: &str, text: &str) -> Result<Vec<(Value, usize)>, ScenarioError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return parse_json(file, text);
    }
    let mut out = Vec::new();
    for doc in split_documents(text) {
        if !has_content(doc.text) {
            continue;
        }
        let options = serde_saphyr::options! { strict_booleans: true, with_snippet: false };
        let value: Value = serde_saphyr::from_str_with_options(doc.text, options).map_err(|e| {
            let line = e
                .location()
                .map(|l| doc.first_line + l.line().saturating_sub(1) as usize);
            err(
                file,
                Some(line.unwrap_or(doc.content_line)),
                yaml_message(&e),
            )
        })?;
        push_document(file, doc.content_line, value, &mut out)?;
    }
    Ok(out)
}

fn parse_json(file: &str, text: &str) -> Result<Vec<(Value, usize)>, ScenarioError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let line = if e.line() == 0 { None } else { Some(e.line()) };
        err(
            file,
            line,
            format!("invalid JSON: {}", strip_json_position(&e.to_string())),
        )
    })?;
    let first = text
        .lines()
        .position(|l| !l.trim().is_empty())
        .map_or(1, |p| p + 1);
    let mut out = Vec::new();
    match value {
        Value::Array(items) => {
            for item in items {
                push_document(file, first, item, &mut out)?;
            }
        }
        other => push_document(file, first, other, &mut out)?,
    }
    Ok(out)
}

/// Checks one document and appends its objects (the items of a list, or the object itself).
fn push_document(
    file: &str,
    line: usize,
    value: Value,
    out: &mut Vec<(Value, usize)>,
) -> Result<(), ScenarioError> {
    let Value::Object(map) = value else {
        if value.is_null() {
            return Ok(());
        }
        return Err(err(
            file,
            Some(line),
            format!("document is not a mapping but {}", type_name(&value)),
        ));
    };
    let kind = map
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let is_list = kind.ends_with("List") && map.get("items").is_some_and(Value::is_array);
    if !is_list {
        let obj = Value::Object(map);
        check_object(file, line, &obj, None)?;
        out.push((obj, line));
        return Ok(());
    }
    let list_api = map
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("v1")
        .to_string();
    let item_kind = kind
        .strip_suffix("List")
        .filter(|k| !k.is_empty())
        .map(str::to_string);
    let items = match map.get("items") {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    };
    out.push((
        serde_json::json!({"apiVersion": list_api, "kind": kind, "items": []}),
        line,
    ));
    for (i, mut item) in items.into_iter().enumerate() {
        if let (Value::Object(obj), Some(k)) = (&mut item, &item_kind) {
            obj.entry("kind")
                .or_insert_with(|| Value::String(k.clone()));
            obj.entry("apiVersion")
                .or_insert_with(|| Value::String(list_api.clone()));
        }
        check_object(file, line, &item, Some(i))?;
        out.push((item, line));
    }
    Ok(())
}

/// An object needs `apiVersion`, `kind` and `metadata.name`.
fn check_object(
    file: &str,
    line: usize,
    obj: &Value,
    item: Option<usize>,
) -> Result<(), ScenarioError> {
    let what = match item {
        Some(i) => format!("item {i} of the list"),
        None => "object".to_string(),
    };
    if !obj.is_object() {
        return Err(err(
            file,
            Some(line),
            format!("{what} is not a mapping but {}", type_name(obj)),
        ));
    }
    for (field, present) in [
        (
            "kind",
            obj.get("kind")
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty()),
        ),
        (
            "apiVersion",
            obj.get("apiVersion")
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty()),
        ),
        (
            "metadata.name",
            obj.at("/metadata/name")
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty()),
        ),
    ] {
        if !present {
            return Err(err(file, Some(line), format!("{what} has no `{field}`")));
        }
    }
    Ok(())
}

/// Splits YAML text at `---` document markers (and `...` end markers), keeping line numbers.
fn split_documents(text: &str) -> Vec<Doc<'_>> {
    let mut docs = Vec::new();
    let mut start_byte = 0;
    let mut start_line = 1;
    let mut offset = 0;
    for (idx, line) in text.split_inclusive('\n').enumerate() {
        let bare = line.trim_end_matches(['\n', '\r']);
        let is_start = bare == "---" || bare.starts_with("--- ") || bare.starts_with("---\t");
        let is_end = bare == "..." || bare.starts_with("... ");
        if is_start || is_end {
            docs.push(make_doc(&text[start_byte..offset], start_line));
            // The text after `--- ` on the marker line belongs to the next document; blank it
            // by starting the next document on the following line unless there is content.
            let rest = if is_start { bare[3..].trim() } else { "" };
            if rest.is_empty() || rest.starts_with('#') {
                start_byte = offset + line.len();
                start_line = idx + 2;
            } else {
                start_byte = offset + 4;
                start_line = idx + 1;
            }
        }
        offset += line.len();
    }
    docs.push(make_doc(&text[start_byte..], start_line));
    docs
}

fn make_doc(text: &str, first_line: usize) -> Doc<'_> {
    let content = text.lines().position(is_content).unwrap_or(0);
    Doc {
        text,
        first_line,
        content_line: first_line + content,
    }
}

fn is_content(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && !t.starts_with('#') && !t.starts_with('%')
}

fn has_content(text: &str) -> bool {
    text.lines().any(is_content)
}

fn yaml_message(e: &serde_saphyr::Error) -> String {
    // The rendered error may carry its own position and a snippet; keep the first line only.
    // The position in it is relative to the document, so it is replaced by the column.
    let full = e.to_string();
    let first = full.lines().next().unwrap_or("").trim();
    let first = first.find(" at line ").map_or(first, |i| &first[..i]);
    match e.location() {
        Some(l) if l.column() > 0 => format!("invalid YAML (column {}): {first}", l.column()),
        _ => format!("invalid YAML: {first}"),
    }
}

fn strip_json_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a mapping",
    }
}

fn err(file: &str, line: Option<usize>, message: String) -> ScenarioError {
    ScenarioError {
        file: file.to_string(),
        line,
        message,
    }
}
