//! The page around a document's body, per kind of document, in HTML (A4, for printing) and in
//! plain text. Everything that varies by kind lives here, once: the red head of 公文, the
//! enforcement heading, the court heading and case number, the seal block, signature, fingerprint
//! and service blocks, the copies note and the verification code on every page.

use jiff::civil::Date;

use super::IssuingBody;
use super::format::{date_arabic, date_chinese, display_width, number_chinese};
use super::helpers::blank;
use super::markup::{Block, Section};
use super::nobreak;
use super::table::{Format, Layout};

/// Bumped whenever this file changes what a document looks like; part of the template hash.
pub const LAYOUT_VERSION: &str = "letters-layout-8";

/// Width of a plain-text line in columns (28 Chinese characters, as in GB/T 9704).
const LINE: usize = 56;

/// Everything the page needs besides the body.
pub struct Page<'a> {
    pub layout: Layout,
    /// A 公文's format (文件格式 or 信函格式, GB/T 9704 7 and 10.1); None for other layouts.
    pub format: Option<Format>,
    pub title: &'a str,
    pub issuer: Option<&'a IssuingBody>,
    pub number: Option<&'a str>,
    pub date: Date,
    pub code: &'a str,
    pub draft: bool,
    pub copies: &'a [String],
    pub copies_note: bool,
    /// Each printed part: its label (存根, 正本 …; None for a one-part document) and body.
    pub parts: Vec<(Option<&'a str>, &'a Section)>,
}

impl Page<'_> {
    pub(super) fn date_text(&self) -> String {
        match self.layout {
            Layout::Court => date_chinese(self.date),
            _ => date_arabic(self.date),
        }
    }

    pub(super) fn copies_sentence(&self) -> Option<String> {
        if !self.copies_note || self.copies.is_empty() {
            return None;
        }
        Some(format!(
            "本{}一式{}份，{}各一份。",
            short_title(self.title),
            number_chinese(self.copies.len() as u64),
            self.copies.join("、")
        ))
    }

    /// Whether a signature line carries a blank date beside it. A party document has one date
    /// for all its signatures, written once under them when the parties sign (issue 21 item 9):
    /// no blank beside each, and no date printed in advance.
    pub(super) fn dated_signatures(&self) -> bool {
        self.layout != Layout::Party
    }

    /// The 公文 footer's 抄送 list: every recipient after the first (the main recipient).
    pub(super) fn cc(&self) -> Option<String> {
        (self.copies.len() > 1).then(|| self.copies[1..].join("，"))
    }
}

/// The name a document calls itself in its copies note (训诫书, 协议 …).
fn short_title(title: &str) -> &str {
    if title.ends_with("协议") {
        "协议"
    } else {
        title
    }
}

pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text whose line breaks (from multi-line case data) become <br>, and whose marked
/// numbers, dates and times (`nobreak.rs`) become spans that do not break.
fn h(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in html_escape(s).chars() {
        match c {
            '\n' => out.push_str("<br>"),
            nobreak::START => out.push_str("<span class=\"nb\">"),
            nobreak::END => out.push_str("</span>"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root {
  --body: "FangSong", "STFangsong", "FangSong_GB2312", "Noto Serif CJK SC", serif;
  --hei: "SimHei", "STHeiti", "Noto Sans CJK SC", sans-serif;
  --kai: "KaiTi", "STKaiti", "KaiTi_GB2312", "Noto Serif CJK SC", serif;
  --title: "FZXiaoBiaoSong-B05S", "方正小标宋简体", "Noto Serif CJK SC", serif;
  --red: #d40000;
  --faint-red: rgba(212,0,0,.35);
}
html { background: #d9d9d9; }
body { margin: 0; padding: 8mm 0; color: #000; font-family: var(--body);
  font-size: 16pt; line-height: 28.9pt; }
/* 公文 (GB/T 9704) and court documents: 3号 (16 pt), 22 lines to the page. Enforcement forms
   and party documents: 4号 (14 pt), as the ministries' form books print them. */
body.layout-enforcement, body.layout-party { font-size: 14pt; line-height: 25pt; }
/* GB/T 9704 5.2.2: 28 characters a line in the 156 mm text block. At 16 pt a character is
   5.64 mm, so only 27 would fit: each gives up the difference (28 × 5.564 mm = 155.8 mm). */
body.layout-gongwen, body.layout-court { letter-spacing: calc(155.8mm / 28 - 16pt); }
.layout-enforcement table.fields, .layout-party table.fields { font-size: 12pt; }
.page { box-sizing: border-box; width: 210mm; min-height: 297mm; margin: 0 auto 8mm;
  padding: 37mm 26mm 35mm 28mm; background: #fff; position: relative; overflow: hidden;
  box-shadow: 0 0 2mm rgba(0,0,0,.35); display: flex; flex-direction: column; }
p { margin: 0; }
/* A document number, a date or a time never breaks across lines. */
.nb { white-space: nowrap; }
.para { text-indent: 2em; text-align: justify; word-break: break-all; }
.h1 { text-indent: 2em; font-family: var(--hei); }
.h2 { text-indent: 2em; font-family: var(--kai); }
.flush { text-indent: 0; }
.right { text-align: right; }
.note { font-size: 12pt; line-height: 1.6; text-indent: 2em; }
.part-label { text-align: right; font-size: 12pt; line-height: 1.6; margin-bottom: 2mm; }
.part-label span { border: 1px solid #000; padding: 0 2mm; }
.draft-banner { color: var(--red); font-family: var(--hei); font-size: 12pt; line-height: 1.6;
  border: 1px solid var(--red); text-align: center; margin-bottom: 4mm; }
.watermark { position: absolute; left: 0; right: 0; top: 40%; text-align: center;
  font-family: var(--hei); font-size: 110pt; line-height: 1; color: rgba(212,0,0,.10);
  transform: rotate(-30deg); pointer-events: none; letter-spacing: .3em; }
h1.title { font-family: var(--title); font-weight: bold; font-size: 22pt; line-height: 1.5;
  text-align: center; margin: 0 0 28.9pt; }
.layout-enforcement h1.title, .layout-court h1.title { letter-spacing: .25em; margin-bottom: 0; }
.issuer-head { text-align: center; font-family: var(--title); font-weight: bold; font-size: 18pt;
  line-height: 1.6; letter-spacing: .05em; }
.doc-number { text-align: right; margin-bottom: 14pt; }
.layout-gongwen .red-head { color: var(--red); font-family: var(--title); font-weight: bold;
  font-size: 30pt; line-height: 1.3; text-align: center; letter-spacing: .05em;
  white-space: nowrap; }
.layout-gongwen .doc-number { text-align: center; margin: 28.9pt 0 0; }
.red-rule { border-top: .8mm solid var(--red); margin: 4mm 0 28.9pt; }
/* GB/T 9704 7.2.3 (文件格式): the mark's top edge 35 mm below the top of the text block. */
.layout-gongwen .red-head.file { margin-top: 35mm; }
/* 10.1 (信函格式): the mark 30 mm from the paper's top edge (7 mm above the text block), red
   double lines 170 mm long (7 mm into each side margin) under it and 20 mm above the bottom
   edge, the number flush right. */
.layout-gongwen .red-head.letter { margin-top: -7mm; line-height: 1; }
.double-rule { height: .7mm; border-top: .8mm solid var(--red); border-bottom: .3mm solid var(--red);
  margin: 4mm -7mm 8mm; }
.double-rule.bottom { position: absolute; left: 21mm; right: 19mm; bottom: 20mm; margin: 0;
  border-top-width: .3mm; border-bottom-width: .8mm; }
.layout-gongwen .doc-number.letter { text-align: right; margin: 0 0 14pt; }
.banji.letter p, .banji.letter p:first-child, .banji.letter p:last-child { border: 0; }
.layout-gongwen .no-number { margin-top: 14pt; }
table.fields { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 14pt;
  line-height: 1.55; margin: 3pt 0 8pt; }
table.fields th, table.fields td { border: 1px solid #000; padding: .8mm 1.6mm; vertical-align: middle;
  overflow-wrap: anywhere; }
table.fields th { font-weight: normal; text-align: center; }
.seal-block { position: relative; width: fit-content; min-width: 44mm; margin: 4mm 4em 0 auto;
  min-height: 42mm; padding-top: 14mm; box-sizing: border-box; text-align: center; }
/* The seal's place: 42 mm over the signing body and the date (GB/T 9704 7.3.5.1: the seal presses
   on both, its top within a line of the text). Official copies leave it empty, for the seal
   applied by hand; only a draft shows where it goes, faintly. */
.seal-mark { position: absolute; left: 50%; top: 0; width: 42mm; height: 42mm;
  transform: translateX(-50%); border: 1.2px dashed var(--faint-red); border-radius: 50%;
  color: var(--faint-red); display: flex; flex-direction: column; align-items: center;
  justify-content: space-between; font-size: 10.5pt; line-height: 1.3; box-sizing: border-box;
  padding: 3.5mm 7mm 4mm; pointer-events: none; }
.seal-mark small { font-size: 7.5pt; text-align: center; line-height: 1.25; }
.layout-party .seal-block { margin-right: 2em; }
/* A person's document (no issuing body) has a date there and no seal. */
.seal-block.no-seal { min-height: 0; padding-top: 0; }
.sign { display: flex; align-items: flex-end; gap: 3mm; margin-top: 9mm; font-size: 15pt;
  line-height: 1.6; }
.sign .label { white-space: nowrap; }
.sign .line { flex: 1; border-bottom: 1px solid #000; min-width: 30mm; height: 1.2em; }
.sign .when { white-space: nowrap; }
.sign .unit { flex: 1; }
.thumb { width: 15mm; height: 15mm; border: 1px dashed #666; border-radius: 50%;
  display: inline-flex; align-items: center; justify-content: center; font-size: 9pt;
  color: #666; flex: none; }
.witness .seal-mini { width: 24mm; height: 24mm; border-radius: 50%; display: inline-flex;
  align-items: center; justify-content: center; font-size: 9pt; flex: none; }
.draft .witness .seal-mini { border: 1.2px dashed var(--faint-red); color: var(--faint-red); }
.service { border: 1px solid #000; padding: 2mm 4mm 3mm; margin-top: 10mm; font-size: 14pt;
  line-height: 1.7; }
.service .sign { margin-top: 5mm; font-size: 14pt; }
.service .refusal { font-size: 12pt; line-height: 1.6; margin-top: 2mm; }
.cut { border-top: 1px dashed #000; margin: 12mm -8mm 4mm; text-align: center; font-size: 10.5pt;
  line-height: 1; }
.cut span { position: relative; top: -.6em; background: #fff; padding: 0 2mm; }
.slip-title { text-align: center; font-family: var(--hei); font-size: 16pt; margin-bottom: 4pt; }
.page-break { border-top: 1px dashed #999; margin: 8mm 0; break-after: page; }
.copies-note { margin-top: auto; padding-top: 8mm; font-size: 12pt; line-height: 1.6; }
.banji { margin-top: auto; padding-top: 10mm; font-size: 14pt; line-height: 1.9; }
.banji p { border-bottom: .25mm solid #000; padding: 0 1em; }
.banji p:first-child { border-top: .35mm solid #000; }
.banji p:last-child { border-bottom: .35mm solid #000; display: flex; justify-content: space-between; }
.layout-enforcement .page, .layout-party .page { padding: 25mm 20mm 25mm 25mm; }
.page-foot { position: absolute; left: 28mm; right: 26mm; bottom: 14mm; font-size: 10.5pt;
  line-height: 1.4; display: flex; justify-content: space-between; color: #333;
  font-family: var(--body); }
.layout-enforcement .page-foot, .layout-party .page-foot { left: 25mm; right: 20mm; bottom: 9mm; }
.page-foot .code { font-family: "DejaVu Sans Mono", monospace; letter-spacing: .05em; }
.slip { margin-top: 8mm; padding-top: 3mm; }
.slip .cut { margin-top: 0; }
/* No page strands a block: the 落款 (seal, signatures) stays with the last lines of text above it
   (.closing), a tear-off slip starts a new page only when it cannot fit on this one (it is
   never forced to), and a paragraph leaves no single line behind or ahead. */
.service, .seal-block, .sign, table.fields tr, .slip, .copies-note, .banji, .closing {
  break-inside: avoid; }
p { orphans: 2; widows: 2; }
.h1, .h2, .slip-title { break-after: avoid; }
@media print {
  html, body { background: none; padding: 0; }
  .page, .layout-enforcement .page, .layout-party .page { width: auto; min-height: 0; margin: 0;
    padding: 0; box-shadow: none; overflow: visible;
    break-after: page; display: block; }
  .page:last-child { break-after: auto; }
  .page-foot { display: none; }
  .watermark { position: fixed; }
  .page:not(:first-child) .watermark { display: none; }
  .copies-note { margin-top: 0; padding-top: 4mm; }
  .banji { margin-top: 0; }
  .page-break { border: 0; margin: 0; }
  /* The lower double line of 信函格式 belongs to the first page's foot: the PDF draws it. */
  .double-rule.bottom { display: none; }
}
"#;

/// The printed page (`@page`): A4 with the margins of the layout, and every margin box of the top
/// and the bottom declared by the letter itself, so that a browser's default printing adds none
/// of its own header and footer (date, title, address, page count): the verification code at
/// the foot on the left, the page number on the right, 草稿 at the head of a draft, and the rest
/// empty. The code is checked to be letters, digits and '-' only, so it is safe inside the CSS
/// string.
fn page_rule(page: &Page<'_>) -> String {
    let margin = match page.layout {
        // GB/T 9704 5.2.1: top 37 mm, binding (left) 28 mm, text block 156 × 225 mm, so right
        // 26 mm and bottom 35 mm.
        Layout::Gongwen | Layout::Court => "37mm 26mm 35mm 28mm",
        // Forms: an ordinary A4 page with the binding margin on the left.
        Layout::Enforcement | Layout::Party => "25mm 20mm 25mm 25mm",
    };
    let top_center = if page.draft {
        "content: \"草稿 DRAFT\"; color: #d40000; font: 12pt var(--hei);"
    } else {
        "content: \"\";"
    };
    let code = format!(
        "content: \"核验码：{}\"; font: 10.5pt var(--body);",
        page.code
    );
    // GB/T 9704 7.5: 4号 Arabic numerals between two dashes, 7 mm below the text block.
    let number = "content: \"— \" counter(page) \" —\"; font: 14pt \"Noto Serif CJK SC\", serif; \
                  vertical-align: top; padding-top: 7mm;";
    let mut rule = format!(
        "@page {{ size: A4; margin: {margin};\n  \
         @top-left {{ content: \"\"; }}\n  \
         @top-center {{ {top_center} }}\n  \
         @top-right {{ content: \"\"; }}\n  \
         @bottom-left {{ {code} }}\n  \
         @bottom-center {{ content: \"\"; }}\n  \
         @bottom-right {{ {number} text-align: right; padding-right: 1em; }}\n}}\n"
    );
    // 公文 are printed on both sides (GB/T 9704 8.1): an even (left-hand) page has its binding
    // edge on the right, and its number on the left, one character in (7.5: 单页码居右空一字，
    // 双页码居左空一字); the code goes to the other side.
    if page.layout == Layout::Gongwen {
        rule.push_str(&format!(
            "@page :left {{ margin: 37mm 28mm 35mm 26mm;\n  \
             @bottom-left {{ {number} text-align: left; padding-left: 1em; }}\n  \
             @bottom-right {{ {code} text-align: right; }}\n}}\n"
        ));
    }
    // 信函格式 numbers no first page (10.1).
    if page.format == Some(Format::Letter) {
        rule.push_str("@page :first { @bottom-right { content: \"\"; } }\n");
    }
    rule
}

/// The whole document as printable HTML.
pub fn html(page: &Page<'_>) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(&format!("<title>{}</title>\n", h(page.title)));
    out.push_str("<style>");
    out.push_str(CSS);
    out.push_str(&page_rule(page));
    out.push_str("</style>\n</head>\n");
    out.push_str(&format!(
        "<body class=\"layout-{}{}\">\n",
        page.layout.name(),
        if page.draft { " draft" } else { "" }
    ));
    let total = page.parts.len();
    for (i, (label, section)) in page.parts.iter().enumerate() {
        out.push_str("<div class=\"page\">\n");
        if page.draft {
            out.push_str("<div class=\"watermark\">草稿</div>\n");
            out.push_str(
                "<p class=\"draft-banner\">草稿（DRAFT）：未编号，不具效力，不得送达</p>\n",
            );
        }
        if let Some(label) = label {
            out.push_str(&format!(
                "<p class=\"part-label\"><span>{}</span></p>\n",
                h(label)
            ));
        }
        html_head(page, &mut out);
        // The 落款 and the last lines of text before it stay on one page.
        let closing = closing_range(&section.blocks);
        // A tear-off slip (@cut) comes after the copies note and stays whole on one page.
        let mut noted = false;
        let mut in_slip = false;
        for (b, block) in section.blocks.iter().enumerate() {
            if closing.as_ref().is_some_and(|r| r.start == b) {
                out.push_str("<div class=\"closing\">\n");
            }
            if matches!(block, Block::Cut(_)) && !in_slip {
                if page.layout != Layout::Gongwen {
                    if let Some(note) = page.copies_sentence() {
                        out.push_str(&format!("<p class=\"copies-note\">{}</p>\n", h(&note)));
                    }
                    noted = true;
                }
                out.push_str("<div class=\"slip\">\n");
                in_slip = true;
            }
            html_block(page, block, &mut out);
            if closing.as_ref().is_some_and(|r| r.end == b + 1) {
                out.push_str("</div>\n");
            }
        }
        if in_slip {
            out.push_str("</div>\n");
        }
        if page.format == Some(Format::Letter) {
            // 信函格式 (GB/T 9704 10.1): a 版记 of 抄送 only, no rules, no 印发机关和日期.
            if let Some(cc) = page.cc() {
                out.push_str(&format!(
                    "<div class=\"banji letter\">\n<p>抄送：{}。</p>\n</div>\n",
                    h(&cc)
                ));
            }
            out.push_str("<div class=\"double-rule bottom\"></div>\n");
        } else if page.layout == Layout::Gongwen {
            out.push_str("<div class=\"banji\">\n");
            if let Some(cc) = page.cc() {
                out.push_str(&format!("<p>抄送：{}。</p>\n", h(&cc)));
            }
            let issuer = page.issuer.map(|i| i.name.as_str()).unwrap_or_default();
            out.push_str(&format!(
                "<p><span>{}</span><span>{}印发</span></p>\n</div>\n",
                h(issuer),
                h(&nobreak::whole(&date_arabic(page.date)))
            ));
        } else if let Some(note) = page.copies_sentence().filter(|_| !noted) {
            out.push_str(&format!("<p class=\"copies-note\">{}</p>\n", h(&note)));
        }
        out.push_str(&format!(
            "<div class=\"page-foot\"><span>核验码：<span class=\"code\">{}</span></span><span>{}</span></div>\n",
            h(page.code),
            if total > 1 {
                format!("第{}联，共{}联", number_chinese(i as u64 + 1), number_chinese(total as u64))
            } else {
                String::new()
            }
        ));
        out.push_str("</div>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// Blocks of the 落款: the seal and the signature lines.
fn is_signature(block: &Block) -> bool {
    matches!(
        block,
        Block::Seal | Block::Sign(_) | Block::Thumb(_) | Block::Witness { .. }
    )
}

/// The blocks that must stay together on one page at the end of a section (before a tear-off
/// slip): the last run of signature blocks with the lines between and right after them (a
/// judge's line, a date flush right), and the last lines of text before it, at least one block
/// and about a line's worth (a table, when the text ends with one). None without a 落款.
pub(super) fn closing_range(blocks: &[Block]) -> Option<std::ops::Range<usize>> {
    let end = blocks
        .iter()
        .position(|b| matches!(b, Block::Cut(_)))
        .unwrap_or(blocks.len());
    let last = blocks[..end].iter().rposition(is_signature)?;
    // Forward over the lines that belong to the signature (书记员, a date).
    let mut stop = last + 1;
    while stop < end && matches!(blocks[stop], Block::Right(_) | Block::Flush(_)) {
        stop += 1;
    }
    // Back over the signature run and the lines inside it.
    let mut start = last;
    while start > 0
        && (is_signature(&blocks[start - 1]) || matches!(blocks[start - 1], Block::Right(_)))
    {
        start -= 1;
    }
    // The last lines of text: at least one block, up to a line's worth of characters.
    let mut chars = 0;
    let mut taken = 0;
    while start > 0 && taken < 3 && (taken == 0 || chars < 28) {
        match &blocks[start - 1] {
            Block::Para(t) | Block::Flush(t) | Block::Right(t) | Block::Note(t) => {
                chars += t.chars().count();
            }
            Block::Table(_) if taken == 0 => {
                start -= 1;
                break;
            }
            // A heading goes with the text under it (break-after: avoid).
            _ => break,
        }
        start -= 1;
        taken += 1;
    }
    debug_assert!(start < stop);
    Some(start..stop)
}

fn html_number(page: &Page<'_>) -> Option<String> {
    if page.draft {
        return None;
    }
    page.number.map(|n| h(&nobreak::whole(n)))
}

fn html_head(page: &Page<'_>, out: &mut String) {
    let issuer = page.issuer.map(|i| h(&i.name)).unwrap_or_default();
    // The issuing-body mark stays on one line: long names get a smaller size.
    let chars = page.issuer.map_or(0, |i| i.name.chars().count()).max(1);
    let size = (400.0 / chars as f64).clamp(18.0, 30.0);
    match page.layout {
        // 信函格式 (GB/T 9704 10.1): the mark 30 mm from the paper's top edge, a red double line
        // 170 mm long under it, the number flush right.
        Layout::Gongwen if page.format == Some(Format::Letter) => {
            out.push_str(&format!(
                "<div class=\"red-head letter\" style=\"font-size:{size:.1}pt\">{issuer}</div>\n<div class=\"double-rule\"></div>\n"
            ));
            out.push_str(&format!(
                "<div class=\"doc-number letter\">{}</div>\n",
                html_number(page).unwrap_or_else(|| "&nbsp;".into())
            ));
            out.push_str(&format!("<h1 class=\"title\">{}</h1>\n", h(page.title)));
        }
        // 文件格式 (7.2.3): the mark 35 mm below the top of the text block.
        Layout::Gongwen => {
            out.push_str(&format!(
                "<div class=\"red-head file\" style=\"font-size:{size:.1}pt\">{issuer}</div>\n"
            ));
            match html_number(page) {
                Some(n) => out.push_str(&format!("<div class=\"doc-number\">{n}</div>\n")),
                None => out.push_str("<div class=\"no-number\"></div>\n"),
            }
            out.push_str("<div class=\"red-rule\"></div>\n");
            out.push_str(&format!("<h1 class=\"title\">{}</h1>\n", h(page.title)));
        }
        Layout::Enforcement | Layout::Court => {
            out.push_str(&format!("<div class=\"issuer-head\">{issuer}</div>\n"));
            out.push_str(&format!("<h1 class=\"title\">{}</h1>\n", h(page.title)));
            out.push_str(&format!(
                "<div class=\"doc-number\">{}</div>\n",
                html_number(page).unwrap_or_else(|| "&nbsp;".into())
            ));
        }
        Layout::Party => {
            out.push_str(&format!("<h1 class=\"title\">{}</h1>\n", h(page.title)));
        }
    }
}

/// Column widths in percent for a particulars table of `n` columns (label, value, label, value …).
pub(super) fn column_widths(n: usize) -> Vec<String> {
    let labels = n.div_ceil(2);
    let values = n / 2;
    let label = match n {
        2 => 24.0,
        3 | 4 => 20.0,
        _ => 13.0,
    };
    let value = if values == 0 {
        0.0
    } else {
        (100.0 - label * labels as f64) / values as f64
    };
    (0..n)
        .map(|i| {
            let w = if i % 2 == 0 { label } else { value };
            format!("{w:.1}")
        })
        .collect()
}

pub(super) const WHEN: &str = "＿＿＿＿年＿＿月＿＿日";

/// The blank date beside a signature, where the layout has one.
fn html_when(page: &Page<'_>) -> String {
    if page.dated_signatures() {
        format!("<span class=\"when\">{WHEN}</span>")
    } else {
        String::new()
    }
}

/// The same in plain text, with the space before it.
fn text_when(page: &Page<'_>) -> String {
    if page.dated_signatures() {
        format!("　　{WHEN}")
    } else {
        String::new()
    }
}

fn html_block(page: &Page<'_>, block: &Block, out: &mut String) {
    match block {
        Block::Para(t) => out.push_str(&format!("<p class=\"para\">{}</p>\n", h(t))),
        Block::H1(t) => out.push_str(&format!("<p class=\"h1\">{}</p>\n", h(t))),
        Block::H2(t) => out.push_str(&format!("<p class=\"h2\">{}</p>\n", h(t))),
        Block::Flush(t) => out.push_str(&format!("<p class=\"flush\">{}</p>\n", h(t))),
        Block::Right(t) => out.push_str(&format!("<p class=\"right\">{}</p>\n", h(t))),
        Block::Note(t) => out.push_str(&format!("<p class=\"note\">{}</p>\n", h(t))),
        Block::Table(rows) => {
            let width = rows.iter().map(Vec::len).max().unwrap_or(0).max(2);
            out.push_str("<table class=\"fields\">\n<colgroup>");
            for w in column_widths(width) {
                out.push_str(&format!("<col style=\"width:{w}%\">"));
            }
            out.push_str("</colgroup>\n");
            for row in rows {
                out.push_str("<tr>");
                for (i, cell) in row.iter().enumerate() {
                    let last = i + 1 == row.len();
                    let span = if last && row.len() < width {
                        format!(" colspan=\"{}\"", width - row.len() + 1)
                    } else {
                        String::new()
                    };
                    // A label is an even cell with a value after it.
                    let tag = if i % 2 == 0 && !last { "th" } else { "td" };
                    // A cell that is only a blank to fill in is left empty: the cell is the space.
                    let text = if !cell.is_empty() && cell.chars().all(|c| c == '＿') {
                        String::new()
                    } else {
                        h(cell)
                    };
                    out.push_str(&format!("<{tag}{span}>{text}</{tag}>"));
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</table>\n");
        }
        Block::Sign(label) => out.push_str(&format!(
            "<div class=\"sign\"><span class=\"label\">{}（签名）：</span><span class=\"line\"></span>{}</div>\n",
            h(label),
            html_when(page)
        )),
        Block::Thumb(label) => out.push_str(&format!(
            "<div class=\"sign\"><span class=\"label\">{}（签名）：</span><span class=\"line\"></span><span class=\"thumb\">捺印</span>{}</div>\n",
            h(label),
            html_when(page)
        )),
        // The witness's seal space: marked on drafts only, empty on official copies.
        Block::Witness { label, name } => out.push_str(&format!(
            "<div class=\"sign witness\"><span class=\"label\">{}（盖章）：</span>{}<span class=\"seal-mini\">{}</span>{}</div>\n",
            h(label),
            match name {
                Some(n) => format!("<span class=\"unit\">{}</span>", h(n)),
                None => "<span class=\"line\"></span>".to_owned(),
            },
            if page.draft { "（印章）" } else { "" },
            html_when(page)
        )),
        // The signing body and the date, with the seal's space over them. Only a draft marks
        // where the seal goes; an official copy prints nothing there, for the seal by hand.
        Block::Seal => {
            out.push_str(if page.issuer.is_some() {
                "<div class=\"seal-block\">"
            } else {
                "<div class=\"seal-block no-seal\">"
            });
            if let Some(issuer) = page.issuer {
                if page.draft {
                    out.push_str(&format!(
                        "<div class=\"seal-mark\"><span>（印章）</span><small>{}</small></div>",
                        h(&issuer.seal_caption)
                    ));
                }
                out.push_str(&format!("<div class=\"signer\">{}</div>", h(&issuer.name)));
            }
            out.push_str(&format!(
                "<div class=\"seal-date\">{}</div></div>\n",
                h(&nobreak::whole(&page.date_text()))
            ));
        }
        Block::Service { who, statement } => out.push_str(&format!(
            "<div class=\"service\"><p>{}</p><div class=\"sign\"><span class=\"label\">{}（签名）：</span><span class=\"line\"></span><span class=\"thumb\">捺印</span><span class=\"when\">{WHEN}</span></div><p class=\"refusal\">{}拒绝签收的，由送达人注明情况：{}<br>见证人：{}　送达人：{}</p></div>\n",
            h(statement),
            h(who),
            h(who),
            blank(10),
            blank(6),
            blank(6)
        )),
        Block::Cut(title) => out.push_str(&format!(
            "<div class=\"cut\"><span>（沿虚线剪开）</span></div>\n<p class=\"slip-title\">{}</p>\n",
            h(title)
        )),
        Block::Page => out.push_str("<div class=\"page-break\"></div>\n"),
    }
}

/// The whole document as plain text: no markup, no escaping, lines of at most 28 characters
/// where the layout places text (headings, seal); body paragraphs are not wrapped.
pub fn text(page: &Page<'_>) -> String {
    let mut out = String::new();
    let total = page.parts.len();
    for (i, (label, section)) in page.parts.iter().enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&"－".repeat(LINE / 2));
            out.push_str("\n\n");
        }
        if page.draft {
            out.push_str("【草稿 DRAFT】未编号，不具效力，不得送达\n\n");
        }
        if let Some(label) = label {
            out.push_str(&right(&format!("【{label}】"), 0));
            out.push('\n');
        }
        text_head(page, &mut out);
        out.push('\n');
        let mut noted = false;
        for block in &section.blocks {
            if matches!(block, Block::Cut(_)) && !noted && page.layout != Layout::Gongwen {
                if let Some(note) = page.copies_sentence() {
                    out.push('\n');
                    out.push_str(&note);
                    out.push('\n');
                }
                noted = true;
            }
            text_block(page, block, &mut out);
        }
        if page.format == Some(Format::Letter) {
            // 信函格式: a 版记 of 抄送 only.
            if let Some(cc) = page.cc() {
                out.push_str(&format!("\n抄送：{cc}。\n"));
            }
        } else if page.layout == Layout::Gongwen {
            out.push('\n');
            out.push_str(&"━".repeat(LINE / 2));
            out.push('\n');
            if let Some(cc) = page.cc() {
                out.push_str(&format!("抄送：{cc}。\n"));
            }
            let issuer = page.issuer.map(|i| i.name.as_str()).unwrap_or_default();
            let issued = format!("{}印发", date_arabic(page.date));
            let gap = LINE
                .saturating_sub(display_width(issuer) + display_width(&issued))
                .max(2);
            out.push_str(&format!("{issuer}{}{issued}\n", " ".repeat(gap)));
            out.push_str(&"━".repeat(LINE / 2));
            out.push('\n');
        } else if let Some(note) = page.copies_sentence().filter(|_| !noted) {
            out.push('\n');
            out.push_str(&note);
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&format!("核验码：{}", page.code));
        if total > 1 {
            out.push_str(&format!(
                "　第{}联，共{}联",
                number_chinese(i as u64 + 1),
                number_chinese(total as u64)
            ));
        }
        out.push('\n');
    }
    // The text places lines and never breaks one: the no-break marks go.
    nobreak::strip(&out)
}

fn center(s: &str) -> String {
    let pad = LINE.saturating_sub(display_width(s)) / 2;
    format!("{}{s}", " ".repeat(pad))
}

/// `s` flush right, `margin` columns from the right edge.
fn right(s: &str, margin: usize) -> String {
    let pad = LINE.saturating_sub(display_width(s) + margin);
    format!("{}{s}", " ".repeat(pad))
}

fn text_head(page: &Page<'_>, out: &mut String) {
    let issuer = page.issuer.map(|i| i.name.as_str()).unwrap_or_default();
    let number = if page.draft { None } else { page.number };
    match page.layout {
        Layout::Gongwen if page.format == Some(Format::Letter) => {
            out.push_str(&center(issuer));
            out.push('\n');
            out.push_str(&"═".repeat(LINE / 2));
            out.push('\n');
            if let Some(n) = number {
                out.push_str(&right(n, 0));
                out.push('\n');
            }
            out.push('\n');
            out.push_str(&center(page.title));
            out.push('\n');
        }
        Layout::Gongwen => {
            out.push_str(&center(issuer));
            out.push_str("\n\n");
            if let Some(n) = number {
                out.push_str(&center(n));
                out.push('\n');
            }
            out.push_str(&"━".repeat(LINE / 2));
            out.push_str("\n\n");
            out.push_str(&center(page.title));
            out.push('\n');
        }
        Layout::Enforcement | Layout::Court => {
            out.push_str(&center(issuer));
            out.push('\n');
            out.push_str(&center(page.title));
            out.push('\n');
            if let Some(n) = number {
                out.push_str(&right(n, 0));
                out.push('\n');
            }
        }
        Layout::Party => {
            out.push_str(&center(page.title));
            out.push('\n');
        }
    }
}

fn text_block(page: &Page<'_>, block: &Block, out: &mut String) {
    match block {
        Block::H1(t) => {
            if !out.ends_with("\n\n") {
                out.push('\n');
            }
            out.push_str("　　");
            out.push_str(t);
            out.push('\n');
        }
        Block::Para(t) | Block::H2(t) => {
            out.push_str("　　");
            out.push_str(t);
            out.push('\n');
        }
        Block::Flush(t) => {
            out.push_str(t);
            out.push('\n');
        }
        Block::Right(t) => {
            out.push_str(&right(t, 0));
            out.push('\n');
        }
        Block::Note(t) => {
            out.push_str("　　");
            out.push_str(t);
            out.push('\n');
        }
        Block::Table(rows) => {
            if !out.ends_with("\n\n") {
                out.push('\n');
            }
            for row in rows {
                let pairs: Vec<String> = row
                    .chunks(2)
                    .map(|c| match c {
                        [label, value] => format!("{label}：{value}"),
                        [only] => only.clone(),
                        _ => String::new(),
                    })
                    .collect();
                out.push_str(&pairs.join("　　"));
                out.push('\n');
            }
            out.push('\n');
        }
        Block::Sign(label) => {
            out.push_str(&format!(
                "\n{label}（签名）：{}{}\n",
                blank(8),
                text_when(page)
            ));
        }
        Block::Thumb(label) => {
            out.push_str(&format!(
                "\n{label}（签名）：{}　（捺印）{}\n",
                blank(8),
                text_when(page)
            ));
        }
        Block::Witness { label, name } => {
            let name = name.clone().unwrap_or_else(|| blank(8));
            let seal = if page.draft {
                "（印章）"
            } else {
                "　　　　"
            };
            out.push_str(&format!(
                "\n{label}（盖章）：{name}　{seal}{}\n",
                text_when(page)
            ));
        }
        Block::Seal => {
            // The signing body four characters from the right, the seal mark and the date
            // centred under it.
            out.push('\n');
            let date = page.date_text();
            let mut lines = Vec::new();
            if let Some(issuer) = page.issuer {
                lines.push(issuer.name.clone());
                // The seal's line: marked on a draft, left empty on an official copy.
                lines.push(if !page.draft {
                    String::new()
                } else if issuer.seal_caption == issuer.name {
                    "（印章）".to_owned()
                } else {
                    format!("（印章：{}）", issuer.seal_caption)
                });
            }
            lines.push(date);
            let widest = lines.iter().map(|l| display_width(l)).max().unwrap_or(0);
            let centre = LINE.saturating_sub(8 + widest) + widest / 2;
            for l in lines {
                if l.is_empty() {
                    out.push('\n');
                    continue;
                }
                let pad = centre.saturating_sub(display_width(&l) / 2);
                out.push_str(&" ".repeat(pad));
                out.push_str(&l);
                out.push('\n');
            }
        }
        Block::Service { who, statement } => {
            out.push_str(&format!(
                "\n【送达】{statement}\n{who}（签名）：{}　（捺印）　{WHEN}\n{who}拒绝签收的，由送达人注明情况：{}　见证人：{}　送达人：{}\n",
                blank(8),
                blank(8),
                blank(4),
                blank(4)
            ));
        }
        Block::Cut(title) => {
            let dashes = "－".repeat(9);
            out.push_str(&format!("\n{dashes}（沿虚线剪开）{dashes}\n"));
            out.push_str(&center(title));
            out.push('\n');
        }
        Block::Page => {
            out.push('\n');
            out.push_str(&"－".repeat(LINE / 2));
            out.push('\n');
        }
    }
}
