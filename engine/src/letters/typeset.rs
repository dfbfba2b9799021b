//! The PDF back end of the layout: the same [`Page`] (sections of markup blocks) that `layout.rs`
//! writes as HTML and text, written as typst source for `pdf.rs` to compile.
//!
//! Every piece of text — template text and case data alike — enters the source as a typst
//! string literal (`#"…";`), never as markup or code: a name `#sys.exit()` or `*bold*` prints as
//! itself. The source names fonts through `fonts.title` / `fonts.body` / `fonts.heading` /
//! `fonts.kai`, which `pdf.rs` defines from the configured font set. A marked number, date or
//! time (`nobreak.rs`) becomes a `box`, which typst never breaks.
//!
//! Page geometry follows the HTML's: 公文 and court documents on GB/T 9704's A4 (top 37 mm,
//! binding 28 mm, text block 156 × 225 mm), 3号 (16 pt) with 28 characters a line and 22 lines a
//! page; forms and party documents 4号 (14 pt) in 25/20/25/25 mm margins. A 公文 is printed on
//! both sides: odd pages bind left with the number right, even pages the reverse (GB/T 9704 7.5).

use super::format::date_arabic;
use super::format::number_chinese;
use super::layout::{Page, closing_range, column_widths};
use super::markup::Block;
use super::nobreak;
use super::pdf::string_literal;
use super::table::{Format, Layout};

/// The issuing-body mark of a 公文: red 小标宋 on one line, the size falling with the name's
/// length; its box is the glyphs' bounds, so its top edge is the printed mark's.
fn mark(issuer: &str) -> String {
    let chars = issuer.chars().count().max(1);
    let size = (400.0 / chars as f64).clamp(18.0, 30.0);
    format!(
        "text(font: fonts.title, weight: \"bold\", fill: red, size: {size:.1}pt, tracking: 0.05em, top-edge: \"bounds\", bottom-edge: \"bounds\")[{}]",
        tx(issuer)
    )
}

/// Where 信函格式's text starts below the top of the text block (37 mm from the paper's top):
/// under the mark (30 mm from the top edge, at most 30 pt tall), 4 mm, the double line (1.8 mm),
/// and half a line.
const LETTER_TEXT_START: &str = "30mm + 30pt + 4mm + 1.8mm + 4mm - 37mm";

/// 信函格式 (GB/T 9704 10.1) on the first page, placed from the paper's top left: the red mark
/// 30 mm from the top edge, a red double line (thick over thin) 4 mm under it and another
/// (thin over thick) 20 mm above the bottom edge, both 170 mm long and centred.
fn letter_head(page: &Page<'_>) -> Option<String> {
    if page.layout != Layout::Gongwen || page.format != Some(Format::Letter) {
        return None;
    }
    let issuer = page.issuer.map(|i| i.name.as_str()).unwrap_or_default();
    Some(format!(
        "block(width: 210mm, height: 297mm, {{\n\
         let m = {mark}\n\
         place(top + center, dy: 30mm, m)\n\
         place(top + center, dy: 30mm + measure(m).height + 4mm, doubleline(true))\n\
         place(bottom + center, dy: -20mm, doubleline(false))\n}})",
        mark = mark(issuer)
    ))
}

/// Functions the source calls; no letter data in them.
const PRELUDE: &str = r##"
#let red = rgb("#d40000")
#let faint = rgb("#d40000").transparentize(65%)
#let noindent(body) = { set par(first-line-indent: 0pt); body }
#let when = box[＿＿＿＿年＿＿月＿＿日]
#let rule = block(width: 100%, height: 1.2em, stroke: (bottom: 0.5pt + black))
#let thumb = box(baseline: 40%, circle(radius: 7.5mm, stroke: (paint: gray, thickness: 0.6pt, dash: "dashed"))[
  #set align(center + horizon)
  #text(size: 9pt, fill: gray)[捺印]])
#let signrow(label, thumbed, size: 15pt, dated: true) = block(above: 9mm, breakable: false, {
  set par(first-line-indent: 0pt, justify: false)
  set text(size: size)
  let cells = ([#label（签名）：], rule) + (if thumbed { (thumb,) } else { () }) + (if dated { (when,) } else { () })
  grid(columns: (auto, 1fr) + (auto,) * (cells.len() - 2),
    column-gutter: 3mm, align: bottom, ..cells)
})
#let witness(label, name, mark, dated: true) = block(above: 9mm, breakable: false, {
  set par(first-line-indent: 0pt, justify: false)
  set text(size: 15pt)
  if name == none { grid(columns: (auto, 1fr), align: bottom, [#label（盖章）：], rule) } else [#label（盖章）：#name]
  grid(columns: (1fr, 24mm, auto), column-gutter: 3mm, align: bottom, [],
    box(width: 24mm, height: 24mm, if mark { circle(radius: 12mm, stroke: (paint: faint, thickness: 1.2pt, dash: "dashed"))[
      #set align(center + horizon)
      #text(size: 9pt, fill: faint)[（印章）]] }),
    if dated { when } else { [] })
})
#let seal(name, date, caption) = align(right, pad(right: 4em, block(above: 4mm, breakable: false, {
  set par(first-line-indent: 0pt, justify: false)
  set align(center)
  if caption != none {
    place(center + top, circle(radius: 21mm, stroke: (paint: faint, thickness: 1.2pt, dash: "dashed"))[
      #set align(center + horizon)
      #text(size: 10.5pt, fill: faint)[（印章）\ #text(size: 7.5pt, caption)]])
  }
  if name != none { v(14mm); name; linebreak() }
  date
  if name != none { v(8mm) }
})))
#let service(statement, who) = block(above: 10mm, breakable: false, width: 100%,
  stroke: 0.5pt + black, inset: (x: 4mm, top: 2mm, bottom: 3mm), {
  set par(first-line-indent: 0pt, justify: false)
  set text(size: 14pt)
  statement
  signrow(who, true, size: 14pt)
  block(above: 2mm, text(size: 12pt)[#who;拒绝签收的，由送达人注明情况：＿＿＿＿＿＿＿＿＿＿ \ 见证人：＿＿＿＿＿＿　送达人：＿＿＿＿＿＿])
})
#let cut(title) = {
  block(above: 12mm, below: 4mm, width: 100%, {
    place(horizon, line(length: 100%, stroke: (thickness: 0.5pt, dash: "dashed")))
    align(center, box(fill: white, inset: (x: 2mm), text(size: 10.5pt)[（沿虚线剪开）]))
  })
  noindent(align(center, text(font: fonts.heading, size: 16pt, title)))
}
#let note(body) = block(text(size: 12pt, body))
#let doubleline(thick-first) = {
  let thick = line(length: 170mm, stroke: 0.8mm + red)
  let thin = line(length: 170mm, stroke: 0.3mm + red)
  // A line has no height: the spacing is between the strokes' centres (0.4 + 0.6 + 0.15 mm).
  stack(spacing: 1.15mm, ..(if thick-first { (thick, thin) } else { (thin, thick) }))
}
#let partlabel(label, of) = noindent(align(right, text(size: 12pt)[#of#h(1em)#box(stroke: 0.5pt, inset: (x: 2mm, y: 1mm), label)]))
"##;

/// `s` as typst markup: string literals, a box around each marked run, a line break for each
/// line break. An opening bracket just before a marked run and a closing bracket or stop just
/// after it go into its box: `（7周岁）` stays whole wherever the line ends.
fn tx(s: &str) -> String {
    const OPENING: &str = "（〔《“‘【(";
    const CLOSING: &str = "）〕》”’】)，。、；：！？";
    // Runs of text, each boxed or not; `None` is a line break.
    let mut runs: Vec<Option<(String, bool)>> = Vec::new();
    let mut run = String::new();
    let mut in_box = false;
    let flush = |run: &mut String, runs: &mut Vec<Option<(String, bool)>>, boxed: bool| {
        if !run.is_empty() {
            runs.push(Some((std::mem::take(run), boxed)));
        }
    };
    for c in s.chars() {
        match c {
            nobreak::START => {
                flush(&mut run, &mut runs, in_box);
                in_box = true;
            }
            nobreak::END => {
                flush(&mut run, &mut runs, in_box);
                in_box = false;
            }
            '\n' => {
                flush(&mut run, &mut runs, in_box);
                runs.push(None);
            }
            c => run.push(c),
        }
    }
    flush(&mut run, &mut runs, in_box);
    for i in 0..runs.len() {
        if !matches!(runs[i], Some((_, true))) {
            continue;
        }
        if i > 0
            && let Some((before, false)) = &mut runs[i - 1]
            && let Some(c) = before.chars().last().filter(|c| OPENING.contains(*c))
        {
            before.pop();
            if let Some((inside, _)) = &mut runs[i] {
                inside.insert(0, c);
            }
        }
        if let Some(Some((after, false))) = runs.get_mut(i + 1) {
            let closing: String = after.chars().take_while(|c| CLOSING.contains(*c)).collect();
            after.drain(..closing.len());
            if let Some((inside, _)) = &mut runs[i] {
                inside.push_str(&closing);
            }
        }
    }
    let mut out = String::new();
    for r in runs {
        match r {
            None => out.push_str("#linebreak();"),
            Some((text, _)) if text.is_empty() => {}
            Some((text, true)) => out.push_str(&format!("#box({});", string_literal(&text))),
            Some((text, false)) => out.push_str(&format!("#{};", string_literal(&text))),
        }
    }
    out
}

/// `s` as a content argument (`[…]`).
fn content(s: &str) -> String {
    format!("[{}]", tx(s))
}

/// Body size and line pitch per layout.
fn metrics(layout: Layout) -> (&'static str, &'static str) {
    match layout {
        Layout::Gongwen | Layout::Court => ("16pt", "28.9pt"),
        Layout::Enforcement | Layout::Party => ("14pt", "25pt"),
    }
}

fn page_setup(page: &Page<'_>, out: &mut String) {
    let (size, pitch) = metrics(page.layout);
    // The code in the document's metadata as well (uncompressed XMP): `letter verify` names the
    // letter an altered PDF claims to be, as it does for HTML and text.
    out.push_str(&format!(
        "#set document(title: {}, keywords: ({},))\n",
        string_literal(&nobreak::strip(page.title)),
        string_literal(&format!("核验码 {}", page.code))
    ));
    let code = format!(
        "text(size: 10.5pt)[核验码：#{};]",
        string_literal(page.code)
    );
    let number = "text(size: 14pt, font: fonts.title)[— #n —]";
    let (margin, footer) = match page.layout {
        // GB/T 9704 5.2.1 and 7.5: odd pages bind left, number right; even pages the reverse.
        // 信函格式 (10.1) numbers no first page.
        Layout::Gongwen if page.format == Some(Format::Letter) => (
            "(top: 37mm, bottom: 35mm, inside: 28mm, outside: 26mm)",
            format!(
                "context {{ let n = here().page(); if n == 1 {{ [#{code} #h(1fr)] }} else if calc.odd(n) {{ [#{code} #h(1fr) #{number} #h(1em)] }} else {{ [#h(1em) #{number} #h(1fr) #{code}] }} }}"
            ),
        ),
        Layout::Gongwen => (
            "(top: 37mm, bottom: 35mm, inside: 28mm, outside: 26mm)",
            format!(
                "context {{ let n = here().page(); if calc.odd(n) {{ [#{code} #h(1fr) #{number} #h(1em)] }} else {{ [#h(1em) #{number} #h(1fr) #{code}] }} }}"
            ),
        ),
        Layout::Court => (
            "(top: 37mm, bottom: 35mm, left: 28mm, right: 26mm)",
            format!("context {{ let n = here().page(); [#{code} #h(1fr) #{number} #h(1em)] }}"),
        ),
        Layout::Enforcement | Layout::Party => (
            "(top: 25mm, bottom: 25mm, left: 25mm, right: 20mm)",
            format!("context {{ let n = here().page(); [#{code} #h(1fr) #{number}] }}"),
        ),
    };
    let header = if page.draft {
        "align(center, text(size: 12pt, fill: red, font: fonts.heading)[草稿 DRAFT])"
    } else {
        "none"
    };
    let watermark = if page.draft {
        "rotate(-30deg, text(size: 110pt, fill: red.transparentize(90%), font: fonts.heading)[草稿])"
    } else {
        "none"
    };
    let background = match letter_head(page) {
        // 信函格式's mark and its two red double lines belong to the first page, placed from
        // the edges of the paper (10.1).
        Some(head) => format!(
            "{{ {}context if here().page() == 1 {{ place(top + left, {head}) }} }}",
            if page.draft {
                format!("place(center + horizon, {watermark}); ")
            } else {
                String::new()
            }
        ),
        None => watermark.to_owned(),
    };
    out.push_str(&format!(
        "#set page(paper: \"a4\", margin: {margin}, binding: left, footer-descent: 7mm, \
         header: {header}, background: {background}, footer: {footer})\n"
    ));
    // On the 28-character grid of a 公文 or court document each line is filled before the
    // next starts (as a word processor's grid does); the optimiser would spread a long number's
    // box over the lines before it, leaving them short and stretched.
    let linebreaks = match page.layout {
        Layout::Gongwen | Layout::Court => "\"simple\"",
        Layout::Enforcement | Layout::Party => "auto",
    };
    let tracking = match page.layout {
        // 28 characters in the 156 mm line (GB/T 9704 5.2.2).
        Layout::Gongwen | Layout::Court => "155.8mm / 28 - 16pt",
        Layout::Enforcement | Layout::Party => "0pt",
    };
    out.push_str(&format!(
        "#set text(font: fonts.body, size: {size}, lang: \"zh\", region: \"cn\", \
         tracking: {tracking}, top-edge: 0.8em, bottom-edge: -0.2em)\n\
         #set par(justify: true, linebreaks: {linebreaks}, leading: {pitch} - {size}, \
         spacing: {pitch} - {size}, first-line-indent: (amount: 2em, all: true))\n\
         #set block(spacing: {pitch} - {size})\n\
         #set table.cell(breakable: false)\n"
    ));
}

fn head(page: &Page<'_>, out: &mut String) {
    let issuer = page.issuer.map(|i| i.name.as_str()).unwrap_or_default();
    let number = if page.draft { None } else { page.number };
    let (_, pitch) = metrics(page.layout);
    let title = format!(
        "#noindent(align(center, text(font: fonts.title, weight: \"bold\", size: 22pt, top-edge: 1em, bottom-edge: -0.3em{})[{}]))\n",
        if matches!(page.layout, Layout::Enforcement | Layout::Court) {
            ", tracking: 0.25em"
        } else {
            ""
        },
        tx(page.title)
    );
    match page.layout {
        Layout::Gongwen if page.format == Some(Format::Letter) => {
            // The mark and the double line are on the page's background (`letter_head`); the
            // text starts under them, with the number flush right on its first line (10.1).
            out.push_str(&format!("#v({LETTER_TEXT_START})\n"));
            out.push_str(&format!(
                "#align(right)[#box(height: 1em){}]\n",
                number.map(|n| tx(&nobreak::whole(n))).unwrap_or_default()
            ));
            out.push_str(&title);
            out.push_str(&format!("#v({pitch} - 12.9pt)\n"));
        }
        Layout::Gongwen => {
            // 文件格式 (7.2.3): the mark's top edge 35 mm below the top of the text block (its
            // glyphs' bounds, so the measure is the printed mark's); it stays on one line, long
            // names get a smaller size.
            out.push_str(&format!(
                "#v(35mm)\n#noindent(align(center, {}))\n",
                mark(issuer)
            ));
            match number {
                Some(n) => out.push_str(&format!(
                    "#v({pitch})\n#noindent(align(center)[{}])\n",
                    tx(&nobreak::whole(n))
                )),
                None => out.push_str("#v(14pt)\n"),
            }
            out.push_str(
                "#block(above: 4mm, below: 28.9pt, line(length: 100%, stroke: 0.8mm + red))\n",
            );
            out.push_str(&title);
            out.push_str(&format!("#v({pitch} - 12.9pt)\n"));
        }
        Layout::Enforcement | Layout::Court => {
            out.push_str(&format!(
                "#noindent(align(center, text(font: fonts.title, weight: \"bold\", size: 18pt, tracking: 0.05em)[{}]))\n",
                tx(issuer)
            ));
            out.push_str(&title);
            // A block around an `align` would lose it: the number is a right-aligned line.
            out.push_str(&format!(
                "#align(right)[#box(height: 1em){}]\n",
                number.map(|n| tx(&nobreak::whole(n))).unwrap_or_default()
            ));
        }
        Layout::Party => {
            out.push_str(&title);
            out.push_str(&format!("#v({pitch} - 12.9pt)\n"));
        }
    }
}

fn table(page: &Page<'_>, rows: &[Vec<String>], out: &mut String) {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0).max(2);
    let size = match page.layout {
        Layout::Enforcement | Layout::Party => "12pt",
        Layout::Gongwen | Layout::Court => "14pt",
    };
    let columns: Vec<String> = column_widths(width)
        .iter()
        .map(|w| format!("{w}%"))
        .collect();
    out.push_str(&format!(
        "#block(above: 3pt, below: 8pt, {{ set par(first-line-indent: 0pt, justify: false, leading: 0.55em); \
         set text(size: {size}, tracking: 0pt); table(columns: ({}), stroke: 0.5pt + black, \
         inset: (x: 1.6mm, y: 1.2mm), align: left + horizon,\n",
        columns.join(", ")
    ));
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            let last = i + 1 == row.len();
            let span = if last && row.len() < width {
                width - row.len() + 1
            } else {
                1
            };
            let label = i % 2 == 0 && !last;
            // A cell that is only a blank to fill in is left empty: the cell is the space.
            let text = if !cell.is_empty() && cell.chars().all(|c| c == '＿') {
                String::new()
            } else {
                tx(cell)
            };
            let align = if label {
                ", align: center + horizon"
            } else {
                ""
            };
            out.push_str(&format!("  table.cell(colspan: {span}{align})[{text}],\n"));
        }
    }
    out.push_str(")})\n");
}

fn block(page: &Page<'_>, b: &Block, out: &mut String) {
    match b {
        Block::Para(t) => out.push_str(&format!("{}\n\n", tx(t))),
        Block::H1(t) => out.push_str(&format!(
            "#block(sticky: true, par(text(font: fonts.heading)[{}]))\n",
            tx(t)
        )),
        Block::H2(t) => out.push_str(&format!(
            "#block(sticky: true, par(text(font: fonts.kai)[{}]))\n",
            tx(t)
        )),
        Block::Flush(t) => out.push_str(&format!("#noindent(block{})\n", content(t))),
        Block::Right(t) => out.push_str(&format!("#noindent(align(right, block{}))\n", content(t))),
        Block::Note(t) => out.push_str(&format!("#note{}\n", content(t))),
        Block::Table(rows) => table(page, rows, out),
        Block::Sign(label) => out.push_str(&format!(
            "#signrow({}, false, dated: {})\n",
            content(label),
            page.dated_signatures()
        )),
        Block::Thumb(label) => out.push_str(&format!(
            "#signrow({}, true, dated: {})\n",
            content(label),
            page.dated_signatures()
        )),
        Block::Witness { label, name } => out.push_str(&format!(
            "#witness({}, {}, {}, dated: {})\n",
            content(label),
            name.as_deref().map_or_else(|| "none".to_owned(), content),
            page.draft,
            page.dated_signatures()
        )),
        Block::Seal => {
            let date = content(&nobreak::whole(&page.date_text()));
            let (name, caption) = match page.issuer {
                Some(issuer) => (
                    content(&issuer.name),
                    if page.draft {
                        content(&issuer.seal_caption)
                    } else {
                        "none".to_owned()
                    },
                ),
                None => ("none".to_owned(), "none".to_owned()),
            };
            out.push_str(&format!("#seal({name}, {date}, {caption})\n"));
        }
        Block::Service { who, statement } => out.push_str(&format!(
            "#service({}, {})\n",
            content(statement),
            content(who)
        )),
        Block::Cut(title) => out.push_str(&format!("#cut({})\n", content(title))),
        Block::Page => out.push_str("#pagebreak(weak: true)\n"),
    }
}

/// The whole document as typst source (without the `fonts` preamble `pdf.rs` adds).
pub fn typst(page: &Page<'_>) -> String {
    let mut out = String::from(PRELUDE);
    page_setup(page, &mut out);
    let total = page.parts.len();
    for (i, (label, section)) in page.parts.iter().enumerate() {
        if i > 0 {
            out.push_str("#pagebreak()\n");
        }
        if page.draft {
            out.push_str("#noindent(block(width: 100%, stroke: 0.5pt + red, inset: 1mm, align(center, text(size: 12pt, fill: red, font: fonts.heading)[草稿（DRAFT）：未编号，不具效力，不得送达])))\n");
        }
        if let Some(label) = label {
            let of = if total > 1 {
                format!(
                    "第{}联，共{}联",
                    number_chinese(i as u64 + 1),
                    number_chinese(total as u64)
                )
            } else {
                String::new()
            };
            out.push_str(&format!(
                "#partlabel({}, {})\n",
                content(label),
                content(&of)
            ));
        }
        head(page, &mut out);
        let closing = closing_range(&section.blocks);
        let mut noted = false;
        let mut in_slip = false;
        for (b, blk) in section.blocks.iter().enumerate() {
            if closing.as_ref().is_some_and(|r| r.start == b) {
                // The 落款 and the last lines of text before it stay on one page.
                out.push_str("#block(breakable: false)[\n");
            }
            if matches!(blk, Block::Cut(_)) && !in_slip {
                if page.layout != Layout::Gongwen {
                    if let Some(note) = page.copies_sentence() {
                        out.push_str(&format!("#block(above: 8mm, note{})\n", content(&note)));
                    }
                    noted = true;
                }
                // A tear-off slip stays whole: it starts a page only when it cannot fit.
                out.push_str("#block(breakable: false)[\n");
                in_slip = true;
            }
            block(page, blk, &mut out);
            if closing.as_ref().is_some_and(|r| r.end == b + 1) {
                out.push_str("]\n");
            }
        }
        if in_slip {
            out.push_str("]\n");
        }
        if page.format == Some(Format::Letter) {
            // 信函格式's 版记: 抄送 only, without 印发机关和日期 and the rules between, at the
            // foot of the last page's text block (10.1).
            if let Some(cc) = page.cc() {
                out.push_str(&format!(
                    "#place(bottom, float: true, clearance: 10mm, block(width: 100%, {{\n  set par(first-line-indent: 0pt, justify: false)\n  set text(size: 14pt, tracking: 0pt)\n  pad(x: 1em)[抄送：{}。]\n}}))\n",
                    tx(&cc)
                ));
            }
        } else if page.layout == Layout::Gongwen {
            // The 版记 at the foot of the last page (GB/T 9704 7.4).
            let issuer = page.issuer.map(|i| i.name.as_str()).unwrap_or_default();
            out.push_str("#place(bottom, float: true, clearance: 10mm, block(width: 100%, {\n  set par(first-line-indent: 0pt, justify: false)\n  set text(size: 14pt, tracking: 0pt)\n  line(length: 100%, stroke: 0.35mm)\n");
            if let Some(cc) = page.cc() {
                out.push_str(&format!(
                    "  pad(x: 1em, y: 1mm)[抄送：{}。]\n  line(length: 100%, stroke: 0.25mm)\n",
                    tx(&cc)
                ));
            }
            out.push_str(&format!(
                "  pad(x: 1em, y: 1mm)[{} #h(1fr) {}印发]\n  line(length: 100%, stroke: 0.35mm)\n}}))\n",
                tx(issuer),
                tx(&nobreak::whole(&date_arabic(page.date)))
            ));
        } else if let Some(note) = page.copies_sentence().filter(|_| !noted) {
            out.push_str(&format!("#block(above: 8mm, note{})\n", content(&note)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_enters_as_string_literals_only() {
        let src = tx("#sys.exit() *粗* \"引\" \\ $x$\n下一行");
        assert_eq!(
            src,
            "#\"#sys.exit() *粗* \\\"引\\\" \\\\ $x$\";#linebreak();#\"下一行\";"
        );
        let marked = tx(&format!("于{}作出", nobreak::whole("2026年11月22日")));
        assert_eq!(marked, "#\"于\";#box(\"2026年11月22日\");#\"作出\";");
        // Brackets and a stop next to a marked run go into its box.
        let age = tx(&format!("小明（{}），", nobreak::whole("7周岁")));
        assert_eq!(age, "#\"小明\";#box(\"（7周岁），\");");
        let alone = tx(&format!("（{}）", nobreak::whole("7周岁")));
        assert_eq!(alone, "#box(\"（7周岁）\");");
    }
}
