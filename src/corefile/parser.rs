//! Tokens → server blocks. Keys are the words before `{` (separated by spaces or commas; a
//! trailing comma continues on the next line); a directive is a name and the words after it on
//! the same line, optionally followed by a `{ … }` block that starts on that line; blocks nest.
//! A file with a single server block may omit its braces. `(name) { … }` defines a snippet
//! and `import name` inside a block splices it in; other imports (files) are kept as they are.

use super::CorefileError;
use super::lexer::Token;
use super::model::{Corefile, Directive, ServerBlock, Snippet, parse_key};

/// Deepest `{` nesting accepted (hostile input must not exhaust the stack).
const MAX_DEPTH: usize = 32;
/// Most snippet splices inside one another.
const MAX_IMPORT_DEPTH: usize = 10;
/// Most directives all snippet splices together may add (hostile fan-out must not explode).
const MAX_SPLICED: usize = 10_000;

fn same_line(previous: &Token, next: &Token) -> bool {
    next.line == previous.end_line
}

pub(crate) fn parse_tokens(tokens: &[Token]) -> Result<Corefile, CorefileError> {
    let mut corefile = Corefile::default();
    let mut pos = 0;
    while let Some(token) = tokens.get(pos) {
        if token.is_close() {
            return Err(CorefileError::new(token.line, "unexpected '}'"));
        }
        if token.is_open() {
            return Err(CorefileError::new(
                token.line,
                "'{' without a server address before it",
            ));
        }
        if !token.quoted && token.text == "import" {
            let (directive, next) = read_directive(tokens, pos, 0)?;
            corefile.top_level_imports.push(directive);
            pos = next;
            continue;
        }
        let (keys, next) = read_keys(tokens, pos)?;
        pos = next;
        let header_line = token.line;
        let last_key = &tokens[pos - 1];
        let directives = match tokens.get(pos) {
            Some(open) if open.is_open() => {
                if !same_line(last_key, open) && open.line > last_key.end_line + 1 {
                    return Err(CorefileError::new(
                        open.line,
                        "'{' is too far from the server address it belongs to",
                    ));
                }
                pos += 1;
                read_block(tokens, &mut pos, 1, open.line)?
            }
            _ if corefile.server_blocks.is_empty() && corefile.snippets.is_empty() => {
                // The only server block may be written without braces.
                read_block(tokens, &mut pos, 0, header_line)?
            }
            _ => {
                return Err(CorefileError::new(
                    header_line,
                    "expected '{' after the server address (only a file with a single server block may omit the braces)",
                ));
            }
        };
        let snippet_name = match keys.as_slice() {
            [(key, _)] if key.len() > 2 && key.starts_with('(') && key.ends_with(')') => {
                Some(key[1..key.len() - 1].to_string())
            }
            _ => None,
        };
        match snippet_name {
            Some(name) => corefile.snippets.push(Snippet {
                name,
                line: header_line,
                directives,
            }),
            None => corefile.server_blocks.push(ServerBlock {
                keys: keys.iter().map(|(k, line)| parse_key(k, *line)).collect(),
                directives,
                line: header_line,
            }),
        }
    }
    expand_snippets(&mut corefile)?;
    Ok(corefile)
}

/// Reads server keys from `pos`; returns them with their lines and the position after them.
fn read_keys(
    tokens: &[Token],
    mut pos: usize,
) -> Result<(Vec<(String, usize)>, usize), CorefileError> {
    let mut keys = Vec::new();
    while let Some(token) = tokens.get(pos) {
        if token.is_open() || token.is_close() {
            break;
        }
        for part in token.text.split(',').filter(|p| !p.is_empty()) {
            keys.push((part.to_string(), token.line));
        }
        pos += 1;
        let next = tokens.get(pos);
        if token.text.ends_with(',') {
            match next {
                None => {
                    return Err(CorefileError::new(
                        token.line,
                        "a ',' after the last server address",
                    ));
                }
                Some(n) if n.is_open() || n.is_close() => {
                    return Err(CorefileError::new(
                        token.line,
                        "a ',' must be followed by another server address",
                    ));
                }
                Some(_) => continue,
            }
        }
        match next {
            Some(n) if same_line(token, n) && !n.is_open() && !n.is_close() => {}
            _ => break,
        }
    }
    if keys.is_empty() {
        let line = tokens.get(pos).map_or(1, |t| t.line);
        return Err(CorefileError::new(
            line,
            "a server block needs an address (e.g. .:53)",
        ));
    }
    Ok((keys, pos))
}

/// Reads one directive starting at `pos`; returns it and the position after it.
fn read_directive(
    tokens: &[Token],
    pos: usize,
    depth: usize,
) -> Result<(Directive, usize), CorefileError> {
    let name = &tokens[pos];
    let mut previous = name;
    let mut args = Vec::new();
    let mut next = pos + 1;
    while let Some(token) = tokens.get(next) {
        if !same_line(previous, token) || token.is_open() || token.is_close() {
            break;
        }
        args.push(token.text.clone());
        previous = token;
        next += 1;
    }
    let mut block = None;
    if let Some(open) = tokens.get(next)
        && open.is_open()
        && same_line(previous, open)
    {
        next += 1;
        block = Some(read_block(tokens, &mut next, depth + 1, open.line)?);
    }
    Ok((
        Directive {
            name: name.text.clone(),
            args,
            block,
            line: name.line,
            snippet: None,
        },
        next,
    ))
}

/// Reads directives until the `}` closing this block (depth > 0) or the end (depth 0).
fn read_block(
    tokens: &[Token],
    pos: &mut usize,
    depth: usize,
    opened_on: usize,
) -> Result<Vec<Directive>, CorefileError> {
    if depth > MAX_DEPTH {
        return Err(CorefileError::new(
            opened_on,
            "blocks are nested too deeply",
        ));
    }
    let mut directives = Vec::new();
    loop {
        let Some(token) = tokens.get(*pos) else {
            if depth > 0 {
                return Err(CorefileError::new(
                    opened_on,
                    "this '{' is never closed (missing '}')",
                ));
            }
            return Ok(directives);
        };
        if token.is_close() {
            if depth == 0 {
                return Err(CorefileError::new(token.line, "unexpected '}'"));
            }
            *pos += 1;
            return Ok(directives);
        }
        if token.is_open() {
            return Err(CorefileError::new(
                token.line,
                "unexpected '{' (a block must open on the line of its directive)",
            ));
        }
        let (directive, next) = read_directive(tokens, *pos, depth)?;
        directives.push(directive);
        *pos = next;
    }
}

/// Splices `import <snippet>` everywhere a snippet of that name exists.
fn expand_snippets(corefile: &mut Corefile) -> Result<(), CorefileError> {
    if corefile.snippets.is_empty() {
        return Ok(());
    }
    let snippets = corefile.snippets.clone();
    let mut budget = MAX_SPLICED;
    for block in &mut corefile.server_blocks {
        block.directives = splice(
            std::mem::take(&mut block.directives),
            &snippets,
            0,
            &mut budget,
        )?;
    }
    Ok(())
}

fn splice(
    directives: Vec<Directive>,
    snippets: &[Snippet],
    depth: usize,
    budget: &mut usize,
) -> Result<Vec<Directive>, CorefileError> {
    let mut out = Vec::new();
    for mut directive in directives {
        let snippet = (directive.name == "import")
            .then(|| directive.args.first())
            .flatten()
            .and_then(|name| snippets.iter().find(|s| &s.name == name));
        match snippet {
            Some(snippet) => {
                if depth >= MAX_IMPORT_DEPTH {
                    return Err(CorefileError::new(
                        directive.line,
                        &format!(
                            "snippet {:?} imports itself (directly or through others)",
                            snippet.name
                        ),
                    ));
                }
                let mut copies = splice(snippet.directives.clone(), snippets, depth + 1, budget)?;
                if copies.len() > *budget {
                    return Err(CorefileError::new(
                        directive.line,
                        "snippet imports expand to too many directives",
                    ));
                }
                *budget -= copies.len();
                for copy in &mut copies {
                    copy.snippet.get_or_insert_with(|| snippet.name.clone());
                }
                out.extend(copies);
            }
            None => {
                if let Some(block) = directive.block.take() {
                    directive.block = Some(splice(block, snippets, depth, budget)?);
                }
                out.push(directive);
            }
        }
    }
    Ok(out)
}
