//! A small, line-oriented Markdown block reader: just what investigation guides use
//! (ATX headings, nested lists, fenced code, quotes, tables, paragraphs). It never fails:
//! anything it does not recognise is a paragraph.

/// One block of the guide, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading {
        level: u8,
        text: String,
    },
    /// A list item; `depth` 0 is top level. `marker` is `-` or the item number with its dot.
    Item {
        depth: usize,
        marker: String,
        text: String,
    },
    Paragraph(String),
    Quote(String),
    Code {
        lang: Option<String>,
        lines: Vec<String>,
    },
    TableRow(String),
    Rule,
    Blank,
}

fn indent_of(line: &str) -> usize {
    let mut n = 0;
    for c in line.chars() {
        match c {
            ' ' => n += 1,
            '\t' => n += 4 - n % 4,
            _ => break,
        }
    }
    n
}

fn heading(line: &str) -> Option<(u8, String)> {
    if indent_of(line) > 3 {
        return None;
    }
    let t = line.trim_start();
    let hashes = t.chars().take_while(|&c| c == '#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = &t[hashes..];
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let text = rest.trim().trim_end_matches('#').trim_end();
    let level = u8::try_from(hashes).ok()?;
    Some((level, text.to_string()))
}

fn item(line: &str) -> Option<(usize, String, String)> {
    let indent = indent_of(line);
    let t = line.trim_start();
    let (marker, rest) = if let Some(r) = t.strip_prefix(['-', '*', '+']) {
        (t[..1].to_string(), r)
    } else {
        let digits = t.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        let after = &t[digits..];
        let r = after.strip_prefix(['.', ')'])?;
        (t[..digits + 1].to_string(), r)
    };
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    Some((indent, marker, rest.trim().to_string()))
}

fn fence(line: &str) -> Option<(char, usize, Option<String>)> {
    if indent_of(line) > 3 {
        return None;
    }
    let t = line.trim_start();
    let c = t.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = t.chars().take_while(|&x| x == c).count();
    if n < 3 {
        return None;
    }
    let info = t[n..].trim();
    Some((c, n, (!info.is_empty()).then(|| info.to_string())))
}

fn is_rule(line: &str) -> bool {
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    t.len() >= 3
        && indent_of(line) <= 3
        && (t.chars().all(|c| c == '-')
            || t.chars().all(|c| c == '*')
            || t.chars().all(|c| c == '_'))
}

fn starts_block(line: &str) -> bool {
    heading(line).is_some()
        || fence(line).is_some()
        || line.trim_start().starts_with('>')
        || line.trim_start().starts_with('|')
        || is_rule(line)
        || item(line).is_some()
}

/// Splits `text` into blocks.
pub fn parse(text: &str) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut list_indents: Vec<usize> = Vec::new();
    let mut in_item = false;
    let mut blank_before = false;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim().is_empty() {
            if !matches!(blocks.last(), Some(Block::Blank) | None) {
                blocks.push(Block::Blank);
            }
            blank_before = true;
            continue;
        }
        let had_blank = std::mem::take(&mut blank_before);
        if let Some((c, n, lang)) = fence(line) {
            let mut body = Vec::new();
            for l in lines.by_ref() {
                if fence(l).is_some_and(|(c2, n2, info)| c2 == c && n2 >= n && info.is_none()) {
                    break;
                }
                body.push(l.to_string());
            }
            blocks.push(Block::Code { lang, lines: body });
            in_item = false;
            continue;
        }
        if let Some((level, text)) = heading(line) {
            blocks.push(Block::Heading { level, text });
            list_indents.clear();
            in_item = false;
            continue;
        }
        if is_rule(line)
            && item(line)
                .is_none_or(|(_, _, t)| t.chars().all(|c| c == '-' || c == '*' || c == ' '))
        {
            blocks.push(Block::Rule);
            list_indents.clear();
            in_item = false;
            continue;
        }
        if let Some((indent, marker, text)) = item(line) {
            while list_indents.last().is_some_and(|&i| i > indent) {
                list_indents.pop();
            }
            if list_indents.last() != Some(&indent) {
                list_indents.push(indent);
            }
            let depth = list_indents.len().saturating_sub(1);
            blocks.push(Block::Item {
                depth,
                marker,
                text,
            });
            in_item = true;
            continue;
        }
        let trimmed = line.trim();
        if let Some(q) = trimmed.strip_prefix('>') {
            let q = q.trim();
            match blocks.last_mut() {
                Some(Block::Quote(prev)) if !had_blank => {
                    prev.push(' ');
                    prev.push_str(q);
                }
                _ => blocks.push(Block::Quote(q.to_string())),
            }
            in_item = false;
            list_indents.clear();
            continue;
        }
        if trimmed.starts_with('|') {
            blocks.push(Block::TableRow(trimmed.to_string()));
            in_item = false;
            list_indents.clear();
            continue;
        }
        // Continuation of the previous item: lazily without a blank line, or indented after one.
        if in_item
            && (!had_blank || indent_of(line) >= 2)
            && let Some(Block::Item { text, .. }) =
                blocks.iter_mut().rev().find(|b| !matches!(b, Block::Blank))
        {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(trimmed);
            if had_blank && matches!(blocks.last(), Some(Block::Blank)) {
                blocks.pop();
            }
            continue;
        }
        if !had_blank
            && !starts_block(line)
            && let Some(Block::Paragraph(prev)) = blocks.last_mut()
        {
            prev.push(' ');
            prev.push_str(trimmed);
            continue;
        }
        blocks.push(Block::Paragraph(trimmed.to_string()));
        list_indents.clear();
        in_item = false;
    }
    if matches!(blocks.last(), Some(Block::Blank)) {
        blocks.pop();
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item_b(depth: usize, marker: &str, text: &str) -> Block {
        Block::Item {
            depth,
            marker: marker.into(),
            text: text.into(),
        }
    }

    #[test]
    fn reads_the_shapes_guides_use() {
        let md = "## Triage\n\n> **Disclaimer**: generated\n> by AI\n\n#### Steps ##\n\n- one\n  continued\n- two\n  - nested\n    1. deep\n- three\n\n  indented para\n\nPara a\npara b\n\n```sh\nnet user\n# not a heading\n```\n| a | b |\n---\n#nospace";
        let blocks = parse(md);
        assert_eq!(
            blocks,
            vec![
                Block::Heading {
                    level: 2,
                    text: "Triage".into()
                },
                Block::Blank,
                Block::Quote("**Disclaimer**: generated by AI".into()),
                Block::Blank,
                Block::Heading {
                    level: 4,
                    text: "Steps".into()
                },
                Block::Blank,
                item_b(0, "-", "one continued"),
                item_b(0, "-", "two"),
                item_b(1, "-", "nested"),
                item_b(2, "1.", "deep"),
                item_b(0, "-", "three indented para"),
                Block::Blank,
                Block::Paragraph("Para a para b".into()),
                Block::Blank,
                Block::Code {
                    lang: Some("sh".into()),
                    lines: vec!["net user".into(), "# not a heading".into()]
                },
                Block::TableRow("| a | b |".into()),
                Block::Rule,
                Block::Paragraph("#nospace".into()),
            ]
        );
    }

    #[test]
    fn unclosed_fence_runs_to_the_end() {
        let blocks = parse("```\ncode\n- not an item");
        assert_eq!(
            blocks,
            vec![Block::Code {
                lang: None,
                lines: vec!["code".into(), "- not an item".into()]
            }]
        );
    }
}
