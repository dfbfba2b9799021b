//! The small line-based markup a template renders to, from which the renderer builds both the
//! HTML and the plain text.
//!
//! A template is plain text with Handlebars expressions; it never contains HTML. What it renders
//! is read line by line (leading and trailing spaces ignored):
//!
//! | line                      | meaning                                                        |
//! |---------------------------|----------------------------------------------------------------|
//! | *(text)*                  | body text; consecutive lines form one paragraph (indented 2 字) |
//! | *(blank)*                 | ends a paragraph                                               |
//! | `# 一、标题`              | first-level heading (黑体)                                     |
//! | `## （一）标题`           | second-level heading (楷体)                                    |
//! | `> 文字`                  | a line flush left, not indented (addressee, 此致)               |
//! | `>> 文字`                 | a line flush right                                             |
//! | `\| 标签 \| 值 \| … \|`    | a row of a particulars table: label, value, label, value …     |
//! | `@sign 标签`              | a signature line with date                                     |
//! | `@thumb 标签`             | a signature line with fingerprint (捺印) and date               |
//! | `@witness 标签 \| 单位`    | a unit's seal line (its name if known, the seal mark, a date)  |
//! | `@seal`                   | the issuing body, the issue date and the seal mark             |
//! | `@service 标签 \| 声明`    | a service block: statement, recipient's signature, refusal note |
//! | `@cut 标题`               | a tear-off line, then a slip (e.g. 签收回执)                    |
//! | `@note 文字`              | a note in small type                                           |
//! | `@part 名称`              | starts the section for a part of a multi-part form (存根)       |
//! | `@page`                   | a page break                                                   |
//!
//! Case data cannot make structure: while rendering, the registry's escape function swaps the
//! characters this markup gives meaning to (`#`, `>`, `|`, `@`, line breaks) for private-use
//! stand-ins, which are swapped back only after the lines have been parsed. The HTML writer then
//! escapes every piece of text, template text and data alike.

/// Private-use stand-ins for characters of case data that the markup would read.
const NEWLINE: char = '\u{E000}';
const BAR: char = '\u{E001}';
const HASH: char = '\u{E002}';
const GT: char = '\u{E003}';
const AT: char = '\u{E004}';

/// The escape function of the registry: case data (and helper output) becomes inert text, and
/// the numbers, dates and times in it are marked so that no line breaks inside them
/// (`nobreak.rs`).
pub fn neutralize(s: &str) -> String {
    super::nobreak::mark_with(s, |c| {
        Some(match c {
            '\n' => NEWLINE,
            '\r' => return None,
            '|' => BAR,
            '#' => HASH,
            '>' => GT,
            '@' => AT,
            // Stand-ins (and no-break marks) typed into data must not turn into markup.
            '\u{E000}'..='\u{E0FF}' => '\u{FFFD}',
            c => c,
        })
    })
}

/// Undoes [`neutralize`] on a piece of text that has been parsed.
pub fn restore(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            NEWLINE => '\n',
            BAR => '|',
            HASH => '#',
            GT => '>',
            AT => '@',
            c => c,
        })
        .collect()
}

/// One block of a rendered document. Text is already restored (plain, unescaped).
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Para(String),
    H1(String),
    H2(String),
    Flush(String),
    Right(String),
    /// Rows of cells: label, value, label, value …
    Table(Vec<Vec<String>>),
    Sign(String),
    Thumb(String),
    /// A unit's seal line: label, and the unit's name when known.
    Witness {
        label: String,
        name: Option<String>,
    },
    Seal,
    Service {
        who: String,
        statement: String,
    },
    Cut(String),
    Note(String),
    Page,
}

/// The blocks of one section: the main document, or a named part (`@part 存根`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Section {
    pub name: Option<String>,
    pub blocks: Vec<Block>,
}

/// Why the rendered markup could not be read (a template bug).
#[derive(Debug, Clone, PartialEq)]
pub struct MarkupError {
    pub line: usize,
    pub message: String,
}

/// Reads rendered markup into sections; the first is the main document (named None).
pub fn parse(src: &str) -> Result<Vec<Section>, MarkupError> {
    let mut sections = vec![Section::default()];
    let mut para: Vec<String> = Vec::new();
    let mut table: Vec<Vec<String>> = Vec::new();

    fn flush(sections: &mut [Section], para: &mut Vec<String>, table: &mut Vec<Vec<String>>) {
        // `parse` starts with the main section and only ever adds more.
        let Some(section) = sections.last_mut() else {
            return;
        };
        let blocks = &mut section.blocks;
        if !para.is_empty() {
            blocks.push(Block::Para(restore(&para.concat())));
            para.clear();
        }
        if !table.is_empty() {
            blocks.push(Block::Table(std::mem::take(table)));
        }
    }

    for (i, raw) in src.lines().enumerate() {
        let line = raw.trim();
        let err = |message: String| MarkupError {
            line: i + 1,
            message,
        };
        if line.is_empty() {
            flush(&mut sections, &mut para, &mut table);
            continue;
        }
        if let Some(row) = line.strip_prefix('|') {
            if !para.is_empty() {
                flush(&mut sections, &mut para, &mut Vec::new());
            }
            let row = row.strip_suffix('|').unwrap_or(row);
            table.push(row.split('|').map(|c| restore(c.trim())).collect());
            continue;
        }
        let is_markup = line.starts_with("# ")
            || line.starts_with("## ")
            || line.starts_with('>')
            || line.starts_with('@');
        if !is_markup {
            if !table.is_empty() {
                flush(&mut sections, &mut Vec::new(), &mut table);
            }
            para.push(line.to_owned());
            continue;
        }
        flush(&mut sections, &mut para, &mut table);
        // `parse` starts with the main section and only ever adds more.
        let Some(section) = sections.last_mut() else {
            return Err(MarkupError {
                line: 0,
                message: "no section to add to".into(),
            });
        };
        let blocks = &mut section.blocks;
        if let Some(rest) = line.strip_prefix("## ") {
            blocks.push(Block::H2(restore(rest.trim())));
        } else if let Some(rest) = line.strip_prefix("# ") {
            blocks.push(Block::H1(restore(rest.trim())));
        } else if let Some(rest) = line.strip_prefix(">>") {
            blocks.push(Block::Right(restore(rest.trim())));
        } else if let Some(rest) = line.strip_prefix('>') {
            blocks.push(Block::Flush(restore(rest.trim())));
        } else if let Some(rest) = line.strip_prefix('@') {
            let (name, arg) = rest.split_once(' ').unwrap_or((rest, ""));
            let arg = arg.trim();
            let block = match name {
                "sign" => Block::Sign(restore(arg)),
                "thumb" => Block::Thumb(restore(arg)),
                "witness" => {
                    let (label, name) = match arg.split_once('|') {
                        Some((l, n)) if !n.trim().is_empty() => (l, Some(restore(n.trim()))),
                        Some((l, _)) => (l, None),
                        None => (arg, None),
                    };
                    Block::Witness {
                        label: restore(label.trim()),
                        name,
                    }
                }
                "seal" => Block::Seal,
                "service" => {
                    let (who, statement) = arg
                        .split_once('|')
                        .ok_or_else(|| err("@service needs `标签 | 声明`".into()))?;
                    Block::Service {
                        who: restore(who.trim()),
                        statement: restore(statement.trim()),
                    }
                }
                "cut" => Block::Cut(restore(arg)),
                "note" => Block::Note(restore(arg)),
                "page" => Block::Page,
                "part" => {
                    if arg.is_empty() {
                        return Err(err("@part needs a name".into()));
                    }
                    sections.push(Section {
                        name: Some(restore(arg)),
                        blocks: Vec::new(),
                    });
                    continue;
                }
                other => return Err(err(format!("unknown directive @{other}"))),
            };
            blocks.push(block);
        }
    }
    flush(&mut sections, &mut para, &mut table);
    Ok(sections)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_blocks() {
        let src = "# 一、事实\n\n王某某\n于2026年11月\n\n> 张三：\n>> 特此通知。\n| 姓名 | 王某 | 性别 | 男 |\n| 住址 | 朝阳区 |\n@thumb 委托人\n@service 被告诫人 | 本告诫书已向我宣告并送达。\n@part 存根\n存根正文\n";
        let s = parse(src).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(
            s[0].blocks,
            vec![
                Block::H1("一、事实".into()),
                Block::Para("王某某于2026年11月".into()),
                Block::Flush("张三：".into()),
                Block::Right("特此通知。".into()),
                Block::Table(vec![
                    vec!["姓名".into(), "王某".into(), "性别".into(), "男".into()],
                    vec!["住址".into(), "朝阳区".into()],
                ]),
                Block::Thumb("委托人".into()),
                Block::Service {
                    who: "被告诫人".into(),
                    statement: "本告诫书已向我宣告并送达。".into()
                },
            ]
        );
        assert_eq!(s[1].name.as_deref(), Some("存根"));
        assert_eq!(s[1].blocks, vec![Block::Para("存根正文".into())]);
    }

    #[test]
    fn data_cannot_make_structure() {
        let data = "# 标题\n@seal | x > y @part 存根";
        let line = format!("> 姓名：{}", neutralize(data));
        let s = parse(&line).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].blocks, vec![Block::Flush(format!("姓名：{data}"))]);
        let row = format!("| 姓名 | {} |", neutralize("a|b"));
        assert_eq!(
            parse(&row).unwrap()[0].blocks,
            vec![Block::Table(vec![vec!["姓名".into(), "a|b".into()]])]
        );
        // A value alone on a line stays a paragraph.
        let s = parse(&neutralize("@part 存根")).unwrap();
        assert_eq!(s[0].blocks, vec![Block::Para("@part 存根".into())]);
        // Stand-ins typed into data do not become markup.
        assert_eq!(restore(&neutralize("\u{E001}")), "\u{FFFD}");
    }

    #[test]
    fn unknown_directives_are_errors() {
        assert_eq!(parse("a\n@stamp").unwrap_err().line, 2);
    }
}
