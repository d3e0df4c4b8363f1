//! Why an object could not be read, as a sentence a person can act on: the field path and
//! what was expected there, without the JSON parser's position in the response body (which
//! is meaningless to the user: "at line 1 column 121" of a list they never saw).

/// "field spec.containers[0].ports[0].containerPort is a string \"eighty\"; expected i32"
/// from the path and serde's message.
pub fn sentence(path: &str, message: &str) -> String {
    let message = without_position(message.trim());
    let subject = if path.is_empty() || path == "." {
        "the object".to_string()
    } else {
        format!("field {path}")
    };
    let said = if let Some(rest) = message.strip_prefix("invalid type: ") {
        match rest.split_once(", expected ") {
            Some((found, expected)) => format!("is {}; expected {expected}", article(found)),
            None => format!("has the wrong type ({rest})"),
        }
    } else if let Some(rest) = message.strip_prefix("invalid value: ") {
        match rest.split_once(", expected ") {
            Some((found, expected)) => {
                format!("has the invalid value {found}; expected {expected}")
            }
            None => format!("has an invalid value ({rest})"),
        }
    } else if let Some(rest) = message.strip_prefix("invalid length ") {
        match rest.split_once(", expected ") {
            Some((found, expected)) => format!("has length {found}; expected {expected}"),
            None => format!("has an invalid length ({rest})"),
        }
    } else if let Some(field) = message.strip_prefix("missing field ") {
        format!("lacks the required field {field}")
    } else if let Some(rest) = message.strip_prefix("unknown variant ") {
        match rest.split_once(", expected ") {
            Some((found, expected)) => {
                format!("has the unknown value {found}; expected {expected}")
            }
            None => format!("has an unknown value {rest}"),
        }
    } else {
        format!("cannot be read: {message}")
    };
    format!("{subject} {said}")
}

/// serde_json's message without its " at line L column C" suffix.
fn without_position(message: &str) -> &str {
    let Some(at) = message.rfind(" at line ") else {
        return message;
    };
    let tail = &message[at + " at line ".len()..];
    let positional = tail.split_once(" column ").is_some_and(|(line, column)| {
        !line.is_empty()
            && line.bytes().all(|b| b.is_ascii_digit())
            && !column.is_empty()
            && column.bytes().all(|b| b.is_ascii_digit())
    });
    if positional { &message[..at] } else { message }
}

/// "a string \"x\"", "an integer `5`", "a map", "null".
fn article(found: &str) -> String {
    let vowel = found
        .chars()
        .next()
        .is_some_and(|c| "aeiou".contains(c.to_ascii_lowercase()));
    match found {
        "null" | "unit value" => found.to_string(),
        _ if vowel => format!("an {found}"),
        _ => format!("a {found}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_become_sentences_without_body_positions() {
        assert_eq!(
            sentence(
                "spec.containers[0].ports[0].containerPort",
                "invalid type: string \"eighty\", expected i32 at line 1 column 121"
            ),
            "field spec.containers[0].ports[0].containerPort is a string \"eighty\"; expected i32"
        );
        assert_eq!(
            sentence("spec.containers", "invalid type: map, expected a sequence"),
            "field spec.containers is a map; expected a sequence"
        );
        assert_eq!(
            sentence("spec", "missing field `containers` at line 3 column 9"),
            "field spec lacks the required field `containers`"
        );
        assert_eq!(
            sentence("", "expected value at line 1 column 1"),
            "the object cannot be read: expected value"
        );
        assert_eq!(
            sentence(".", "something at line four"),
            "the object cannot be read: something at line four"
        );
        assert_eq!(
            sentence("data", "invalid type: integer `12`, expected a string"),
            "field data is an integer `12`; expected a string"
        );
    }
}
