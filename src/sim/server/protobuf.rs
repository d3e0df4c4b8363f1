//! Just enough of the Kubernetes protobuf encoding to read the self-subject reviews kubectl
//! sends as protobuf (`kubectl auth can-i`); everything else is JSON.

use serde_json::{Map, Value, json};

const MAGIC: &[u8] = b"k8s\0";

/// One field of a protobuf message: number and, for length-delimited fields, the bytes.
struct Field<'a> {
    number: u64,
    bytes: Option<&'a [u8]>,
}

fn varint(data: &[u8], pos: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *data.get(*pos)?;
        *pos += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

fn fields(data: &[u8]) -> Option<Vec<Field<'_>>> {
    let mut pos = 0;
    let mut out = Vec::new();
    while pos < data.len() {
        let tag = varint(data, &mut pos)?;
        let bytes = match tag & 7 {
            0 => {
                varint(data, &mut pos)?;
                None
            }
            1 => {
                pos = pos.checked_add(8)?;
                None
            }
            2 => {
                let len = usize::try_from(varint(data, &mut pos)?).ok()?;
                let end = pos.checked_add(len).filter(|end| *end <= data.len())?;
                let slice = &data[pos..end];
                pos = end;
                Some(slice)
            }
            5 => {
                pos = pos.checked_add(4)?;
                None
            }
            _ => return None,
        };
        out.push(Field {
            number: tag >> 3,
            bytes,
        });
    }
    (pos == data.len()).then_some(out)
}

fn field(data: &[u8], number: u64) -> Option<&[u8]> {
    fields(data)?
        .into_iter()
        .find(|f| f.number == number)
        .and_then(|f| f.bytes)
}

fn string_fields(data: &[u8], names: &[(u64, &str)]) -> Option<Map<String, Value>> {
    let mut out = Map::new();
    for f in fields(data)? {
        if let (Some((_, name)), Some(bytes)) =
            (names.iter().find(|(n, _)| *n == f.number), f.bytes)
        {
            out.insert((*name).to_string(), json!(String::from_utf8_lossy(bytes)));
        }
    }
    Some(out)
}

/// Decodes a protobuf `SelfSubjectAccessReview` or `SelfSubjectRulesReview` into its JSON
/// form (only the spec matters to the simulated cluster).
pub fn decode_review(body: &[u8]) -> Option<Value> {
    let unknown = body.strip_prefix(MAGIC)?;
    let type_meta = string_fields(field(unknown, 1)?, &[(1, "apiVersion"), (2, "kind")])?;
    let raw = field(unknown, 2)?;
    let spec = field(raw, 2).unwrap_or_default();
    let mut review = Value::Object(type_meta);
    review["spec"] = match review["kind"].as_str() {
        Some("SelfSubjectAccessReview") => {
            let names = [
                (1, "namespace"),
                (2, "verb"),
                (3, "group"),
                (4, "version"),
                (5, "resource"),
                (6, "subresource"),
                (7, "name"),
            ];
            let mut spec_json = json!({});
            if let Some(attrs) = field(spec, 1) {
                spec_json["resourceAttributes"] = Value::Object(string_fields(attrs, &names)?);
            }
            if let Some(attrs) = field(spec, 2) {
                spec_json["nonResourceAttributes"] =
                    Value::Object(string_fields(attrs, &[(1, "path"), (2, "verb")])?);
            }
            spec_json
        }
        Some("SelfSubjectRulesReview") => Value::Object(string_fields(spec, &[(1, "namespace")])?),
        _ => return None,
    };
    Some(review)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(fields: &[(u8, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (number, bytes) in fields {
            out.push((number << 3) | 2);
            out.push(bytes.len() as u8);
            out.extend_from_slice(bytes);
        }
        out
    }

    #[test]
    fn decodes_an_access_review() {
        let attrs = message(&[(1, b"team-a"), (2, b"list"), (5, b"pods")]);
        let spec = message(&[(1, &attrs)]);
        let raw = message(&[(1, b""), (2, &spec)]);
        let type_meta = message(&[
            (1, b"authorization.k8s.io/v1"),
            (2, b"SelfSubjectAccessReview"),
        ]);
        let mut body = MAGIC.to_vec();
        body.extend(message(&[(1, &type_meta), (2, &raw)]));
        let review = decode_review(&body).expect("decodes");
        assert_eq!(
            review["spec"]["resourceAttributes"],
            json!({"namespace": "team-a", "verb": "list", "resource": "pods"})
        );
        assert!(decode_review(b"k8s\0\xff\xff").is_none());
    }
}
