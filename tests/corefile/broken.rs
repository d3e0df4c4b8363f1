//! Broken Corefiles: each error names the line to look at, and no input makes the parser
//! panic or hang.

use kmedic::corefile::parse;

#[test]
fn errors_carry_the_line() {
    let cases: &[(&str, usize, &str)] = &[
        (
            ".:53 {\n    errors\n    health {\n       lameduck 5s\n    \n    forward . 8.8.8.8\n}\n",
            1,
            "never closed",
        ),
        (
            ".:53 {\n    kubernetes cluster.local {\n       pods insecure\n    }\n}\n",
            0,
            "",
        ),
        (".:53 {\n    errors\n}\n}\n", 4, "unexpected '}'"),
        (".:53 {\n    answer \"unterminated\n}\n", 2, "unterminated"),
        ("{\n errors\n}\n", 1, "without a server address"),
        (".:53,\n", 1, "after the last server address"),
        (".:53, {\n}\n", 1, "followed by another server address"),
        (
            ".:53 {\n errors\n}\nexample.com\n errors\n",
            4,
            "expected '{'",
        ),
        (
            ".:53 {\n    forward . 8.8.8.8\n    {\n    }\n}\n",
            3,
            "unexpected '{'",
        ),
        (
            "(loop) {\n import loop\n}\n.:53 {\n import loop\n}\n",
            2,
            "imports itself",
        ),
    ];
    for (text, line, fragment) in cases {
        match parse(text) {
            Ok(_) if fragment.is_empty() => {}
            Ok(parsed) => panic!("expected an error for {text:?}, got {parsed:?}"),
            Err(e) => {
                assert_eq!(e.line, *line, "{text:?}: {e}");
                assert!(e.message.contains(fragment), "{text:?}: {e}");
                assert!(
                    e.to_string()
                        .starts_with(&format!("Corefile line {line}: "))
                );
            }
        }
    }
    // The kubernetes block above closes on line 4: the second block line 2 is fine.
    assert_eq!(
        parse(".:53 {\n    kubernetes cluster.local {\n       pods insecure\n    }\n}\n")
            .unwrap()
            .server_blocks[0]
            .directives
            .len(),
        1
    );
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let mut text = String::from(".:53 {\n");
    for _ in 0..10_000 {
        text.push_str("a {\n");
    }
    let err = parse(&text).unwrap_err();
    assert!(err.message.contains("nested too deeply"), "{err}");
}

#[test]
fn snippet_fan_out_is_bounded() {
    let mut text = String::from("(s0) {\n errors\n}\n");
    for level in 1..10 {
        text.push_str(&format!("(s{level}) {{\n"));
        for _ in 0..10 {
            text.push_str(&format!(" import s{}\n", level - 1));
        }
        text.push_str("}\n");
    }
    text.push_str(".:53 {\n import s9\n}\n");
    let err = parse(&text).unwrap_err();
    assert!(err.message.contains("too many directives"), "{err}");
}

#[test]
fn empty_and_comment_only_files_have_no_blocks() {
    for text in ["", "\n\n", "# nothing here\n  # at all", "\r\n\t"] {
        let corefile = parse(text).unwrap();
        assert!(corefile.server_blocks.is_empty(), "{text:?}");
        assert!(corefile.warnings().is_empty(), "{text:?}");
    }
    // An empty quoted word is not a server address.
    assert!(
        parse("\"\"")
            .unwrap_err()
            .message
            .contains("needs an address")
    );
}

#[test]
fn arbitrary_input_never_panics() {
    let alphabet: Vec<char> = "{}\"\\#:, .\n\tab53(){$}%/\u{e9}\u{1F600}\r"
        .chars()
        .collect();
    let mut rng = fastrand::Rng::with_seed(53);
    let mut errors = 0;
    for _ in 0..3000 {
        let len = rng.usize(0..120);
        let text: String = (0..len)
            .map(|_| alphabet[rng.usize(..alphabet.len())])
            .collect();
        match parse(&text) {
            Ok(corefile) => {
                let _ = corefile.warnings();
                let _ = corefile.stub_domains();
                let _ = corefile.kubernetes_zones();
                let _ = corefile.check_cluster_domain("cluster.local");
            }
            Err(e) => {
                errors += 1;
                assert!(
                    e.line >= 1 && e.line <= text.lines().count().max(1) + 1,
                    "{e} for {text:?}"
                );
            }
        }
    }
    assert!(
        errors > 100,
        "the generator should also produce broken files ({errors})"
    );
}
