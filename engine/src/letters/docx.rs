//! The DOCX back end of the layout (issue 21 item 2): the same [`Page`] (sections of markup
//! blocks) that `layout.rs` writes as HTML and text and `typeset.rs` as typst, written as an
//! editable Word document for courts and lawyers who amend a draft or an issued letter.
//!
//! A DOCX is never the letter: it is not archived, carries no seal, cannot be verified, and says
//! so on its face — a red notice at the head of every page and a first paragraph saying it is an
//! unofficial, editable copy (非正式文本) that has no legal effect and is not verified by its code.
//! The page follows the layout's geometry (A4, GB/T 9704's margins for 公文 and court
//! documents), its fonts are named by role (仿宋, 黑体, 楷体, 小标宋) for the reader's Word to
//! substitute, and the text is the letter's own: a reader can amend it and print it again.

use docx_rs::{
    AlignmentType, BreakType, Docx, Footer, Header, LineSpacing, LineSpacingType, PageMargin,
    Paragraph, Run, RunFonts, SpecialIndentType, Table, TableCell, TableRow, VAlignType, WidthType,
};

use super::format::{date_arabic, number_chinese};
use super::helpers::blank;
use super::layout::{Page, WHEN, column_widths};
use super::markup::Block;
use super::nobreak;
use super::table::{Format, Layout};

/// The notice at the head of every page of a DOCX.
pub const UNOFFICIAL: &str = "非正式文本（可编辑副本）：不具法律效力，不能核验";

/// The first paragraph of a DOCX: what it is and where the letter itself is.
fn unofficial_note(page: &Page<'_>) -> String {
    if page.draft {
        "【非正式文本】本件是草稿的可编辑副本，未编号，不具效力，不得送达。".to_owned()
    } else {
        format!(
            "【非正式文本】本件是已出具文书的可编辑副本，不具法律效力，不能以核验码核验；\
             正式文本以加盖印章的纸质文书或存档的PDF为准（核验码{}）。",
            page.code
        )
    }
}

const RED: &str = "D40000";

/// Twips (1/20 pt) in a millimetre.
fn mm(v: f64) -> i32 {
    (v * 1440.0 / 25.4).round() as i32
}

/// Font families by role: the names Word looks for on a government PC, then the open stand-ins
/// are the reader's own substitution.
const BODY: &str = "仿宋_GB2312";
const HEI: &str = "黑体";
const KAI: &str = "楷体_GB2312";
const TITLE: &str = "方正小标宋简体";

fn fonts(family: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(family)
        .ascii(family)
        .hi_ansi(family)
}

/// Body size in half-points, and the line pitch in twips.
fn metrics(layout: Layout) -> (usize, i32) {
    match layout {
        // 3号 on 28.9 pt: 22 lines in the 225 mm text block (GB/T 9704 5.2.2).
        Layout::Gongwen | Layout::Court => (32, 578),
        Layout::Enforcement | Layout::Party => (28, 500),
    }
}

fn run(text: &str, size: usize, family: &str) -> Run {
    Run::new()
        .add_text(nobreak::strip(text))
        .size(size)
        .fonts(fonts(family))
}

/// A run per line of `text` (multi-line case data keeps its lines).
fn runs(mut p: Paragraph, text: &str, size: usize, family: &str) -> Paragraph {
    for (i, line) in text.split('\n').enumerate() {
        let mut r = run(line, size, family);
        if i > 0 {
            r = Run::new().add_break(BreakType::TextWrapping);
            p = p.add_run(r);
            r = run(line, size, family);
        }
        p = p.add_run(r);
    }
    p
}

/// A paragraph on the layout's line pitch.
fn para(layout: Layout) -> Paragraph {
    let (_, pitch) = metrics(layout);
    Paragraph::new().line_spacing(
        LineSpacing::new()
            .line(pitch)
            .line_rule(LineSpacingType::Exact)
            .before(0)
            .after(0),
    )
}

fn centred(layout: Layout, text: &str, size: usize, family: &str) -> Paragraph {
    runs(
        para(layout).align(AlignmentType::Center),
        text,
        size,
        family,
    )
}

fn right(layout: Layout, text: &str, size: usize, family: &str) -> Paragraph {
    runs(para(layout).align(AlignmentType::Right), text, size, family)
}

/// A body paragraph, two characters in.
fn indented(layout: Layout, text: &str, family: &str) -> Paragraph {
    indented_sized(layout, text, family, metrics(layout).0)
}

/// The same at `size` half-points.
fn indented_sized(layout: Layout, text: &str, family: &str, size: usize) -> Paragraph {
    let indent = (size as i32) * 10 * 2;
    runs(
        para(layout).align(AlignmentType::Both).indent(
            None,
            Some(SpecialIndentType::FirstLine(indent)),
            None,
            None,
        ),
        text,
        size,
        family,
    )
}

fn flush(layout: Layout, text: &str, size: usize) -> Paragraph {
    runs(para(layout), text, size, BODY)
}

/// Where the writer is: the document so far and the layout.
struct Writer<'p, 'a> {
    page: &'p Page<'a>,
    docx: Docx,
}

impl Writer<'_, '_> {
    fn p(&mut self, p: Paragraph) {
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_paragraph(p);
    }

    fn table(&mut self, t: Table) {
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_table(t);
    }

    fn layout(&self) -> Layout {
        self.page.layout
    }

    fn size(&self) -> usize {
        metrics(self.layout()).0
    }

    fn head(&mut self) {
        let page = self.page;
        let layout = page.layout;
        let issuer = page.issuer.map(|i| i.name.as_str()).unwrap_or_default();
        let number = if page.draft { None } else { page.number };
        let title = || {
            runs(
                para(layout).align(AlignmentType::Center),
                page.title,
                44,
                TITLE,
            )
        };
        match layout {
            Layout::Gongwen => {
                let mark = Run::new()
                    .add_text(issuer)
                    .size(56)
                    .bold()
                    .color(RED)
                    .fonts(fonts(TITLE));
                let mut head = Paragraph::new().align(AlignmentType::Center).add_run(mark);
                // 文件格式: the mark 35 mm below the top of the text block.
                if page.format == Some(Format::File) {
                    head = head.line_spacing(LineSpacing::new().before(mm(35.0) as u32));
                }
                self.p(head);
                let align = if page.format == Some(Format::Letter) {
                    AlignmentType::Right
                } else {
                    AlignmentType::Center
                };
                self.p(runs(
                    para(layout).align(align),
                    number.unwrap_or_default(),
                    32,
                    BODY,
                ));
                // The red rule under the number.
                self.p(para(layout)
                    .align(AlignmentType::Center)
                    .add_run(Run::new().add_text("━".repeat(26)).size(24).color(RED)));
                self.p(title());
                self.p(para(layout));
            }
            Layout::Enforcement | Layout::Court => {
                let mark = Run::new()
                    .add_text(issuer)
                    .size(36)
                    .bold()
                    .fonts(fonts(TITLE));
                self.p(para(layout).align(AlignmentType::Center).add_run(mark));
                self.p(title());
                self.p(right(layout, number.unwrap_or_default(), self.size(), BODY));
            }
            Layout::Party => {
                self.p(title());
                self.p(para(layout));
            }
        }
    }

    fn fields(&mut self, rows: &[Vec<String>]) {
        let layout = self.layout();
        let width = rows.iter().map(Vec::len).max().unwrap_or(0).max(2);
        let size = match layout {
            Layout::Enforcement | Layout::Party => 24,
            Layout::Gongwen | Layout::Court => 28,
        };
        let text_width = match layout {
            Layout::Gongwen | Layout::Court => mm(156.0),
            Layout::Enforcement | Layout::Party => mm(165.0),
        } as f64;
        let grid: Vec<usize> = column_widths(width)
            .iter()
            .map(|w| (w.parse::<f64>().unwrap_or(0.0) / 100.0 * text_width) as usize)
            .collect();
        let mut table_rows = Vec::new();
        for row in rows {
            let mut cells = Vec::new();
            for (i, cell) in row.iter().enumerate() {
                let last = i + 1 == row.len();
                let span = if last && row.len() < width {
                    width - row.len() + 1
                } else {
                    1
                };
                let label = i % 2 == 0 && !last;
                let text = if !cell.is_empty() && cell.chars().all(|c| c == '＿') {
                    String::new()
                } else {
                    cell.clone()
                };
                let mut p = runs(Paragraph::new(), &text, size, BODY);
                if label {
                    p = p.align(AlignmentType::Center);
                }
                let w: usize = grid.iter().skip(i).take(span).sum();
                let mut c = TableCell::new()
                    .add_paragraph(p)
                    .vertical_align(VAlignType::Center)
                    .width(w, WidthType::Dxa);
                if span > 1 {
                    c = c.grid_span(span);
                }
                cells.push(c);
            }
            table_rows.push(TableRow::new(cells));
        }
        self.table(
            Table::new(table_rows)
                .set_grid(grid)
                .width(text_width as usize, WidthType::Dxa),
        );
    }

    /// A signature line: the label, a line to sign on, the fingerprint's place and, where the
    /// layout dates each signature, a blank date.
    fn sign(&mut self, label: &str, what: &str, thumb: bool) {
        let mut line = format!("{label}（{what}）：{}", blank(8));
        if thumb {
            line.push_str("　（捺印）");
        }
        if self.page.dated_signatures() {
            line.push_str("　　");
            line.push_str(WHEN);
        }
        self.p(para(self.layout()));
        self.p(flush(self.layout(), &line, 30));
    }

    fn block(&mut self, b: &Block) {
        let layout = self.layout();
        let size = self.size();
        match b {
            Block::Para(t) => self.p(indented(layout, t, BODY)),
            Block::H1(t) => self.p(indented(layout, t, HEI).keep_next(true)),
            Block::H2(t) => self.p(indented(layout, t, KAI).keep_next(true)),
            Block::Flush(t) => self.p(flush(layout, t, size)),
            Block::Right(t) => self.p(right(layout, t, size, BODY)),
            Block::Note(t) => self.p(indented_sized(layout, t, BODY, 24)),
            Block::Table(rows) => self.fields(rows),
            Block::Sign(label) => self.sign(label, "签名", false),
            Block::Thumb(label) => self.sign(label, "签名", true),
            Block::Witness { label, name } => {
                let name = name.clone().unwrap_or_else(|| blank(8));
                let mut line = format!("{label}（盖章）：{name}");
                if self.page.dated_signatures() {
                    line.push_str("　　");
                    line.push_str(WHEN);
                }
                self.p(para(layout));
                self.p(flush(layout, &line, 30));
            }
            // The signing body and the date, four characters from the right; no seal, not even
            // its place: a DOCX is never sealed.
            Block::Seal => {
                self.p(para(layout));
                let pad = "　".repeat(4);
                if let Some(issuer) = self.page.issuer {
                    self.p(right(layout, &format!("{}{pad}", issuer.name), size, BODY));
                }
                let date = self.page.date_text();
                self.p(right(layout, &format!("{date}{pad}"), size, BODY));
            }
            Block::Service { who, statement } => {
                self.p(para(layout));
                self.p(flush(layout, &format!("【送达】{statement}"), 28));
                self.p(flush(
                    layout,
                    &format!("{who}（签名）：{}　（捺印）　{WHEN}", blank(8)),
                    28,
                ));
                self.p(flush(
                    layout,
                    &format!(
                        "{who}拒绝签收的，由送达人注明情况：{}　见证人：{}　送达人：{}",
                        blank(8),
                        blank(4),
                        blank(4)
                    ),
                    24,
                ));
            }
            Block::Cut(title) => {
                self.p(para(layout));
                let dashes = "－".repeat(9);
                self.p(centred(
                    layout,
                    &format!("{dashes}（沿虚线剪开）{dashes}"),
                    21,
                    BODY,
                ));
                self.p(centred(layout, title, 32, HEI));
            }
            Block::Page => self.p(Paragraph::new().add_run(Run::new().add_break(BreakType::Page))),
        }
    }

    fn banji(&mut self) {
        let page = self.page;
        let layout = page.layout;
        self.p(para(layout));
        if let Some(cc) = page.cc() {
            self.p(flush(layout, &format!("抄送：{cc}。"), 28));
        }
        if page.format != Some(Format::Letter) {
            let issuer = page.issuer.map(|i| i.name.as_str()).unwrap_or_default();
            self.p(flush(
                layout,
                &format!("{issuer}　　{}印发", date_arabic(page.date)),
                28,
            ));
        }
    }
}

/// The whole document as DOCX bytes.
pub fn docx(page: &Page<'_>) -> Result<Vec<u8>, String> {
    let (margin_top, margin_bottom, left, right_margin) = match page.layout {
        Layout::Gongwen | Layout::Court => (37.0, 35.0, 28.0, 26.0),
        Layout::Enforcement | Layout::Party => (25.0, 25.0, 25.0, 20.0),
    };
    let mark = |size: usize| {
        Paragraph::new().align(AlignmentType::Center).add_run(
            Run::new()
                .add_text(UNOFFICIAL)
                .size(size)
                .color(RED)
                .fonts(fonts(HEI)),
        )
    };
    let footer = Paragraph::new().add_run(
        Run::new()
            .add_text(format!("{UNOFFICIAL}　核验码{}", page.code))
            .size(18)
            .fonts(fonts(BODY)),
    );
    let docx = Docx::new()
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new()
                .top(mm(margin_top))
                .bottom(mm(margin_bottom))
                .left(mm(left))
                .right(mm(right_margin))
                .header(mm(12.0))
                .footer(mm(12.0)),
        )
        .default_fonts(fonts(BODY))
        .default_size(metrics(page.layout).0)
        .header(Header::new().add_paragraph(mark(24)))
        .footer(Footer::new().add_paragraph(footer))
        .created_at(&format!("{}T00:00:00Z", page.date))
        .updated_at(&format!("{}T00:00:00Z", page.date));
    let mut w = Writer { page, docx };
    w.p(para(page.layout).add_run(
        Run::new()
            .add_text(unofficial_note(page))
            .size(24)
            .bold()
            .color(RED)
            .fonts(fonts(HEI)),
    ));
    let total = page.parts.len();
    for (i, (label, section)) in page.parts.iter().enumerate() {
        if i > 0 {
            w.p(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)));
        }
        if let Some(label) = label {
            let of = if total > 1 {
                format!(
                    "第{}联，共{}联　",
                    number_chinese(i as u64 + 1),
                    number_chinese(total as u64)
                )
            } else {
                String::new()
            };
            w.p(right(page.layout, &format!("{of}【{label}】"), 24, BODY));
        }
        w.head();
        let mut noted = false;
        for b in &section.blocks {
            if matches!(b, Block::Cut(_)) && !noted && page.layout != Layout::Gongwen {
                if let Some(note) = page.copies_sentence() {
                    w.p(indented_sized(page.layout, &note, BODY, 24));
                }
                noted = true;
            }
            w.block(b);
        }
        if page.layout == Layout::Gongwen {
            w.banji();
        } else if let Some(note) = page.copies_sentence().filter(|_| !noted) {
            w.p(para(page.layout));
            w.p(indented_sized(page.layout, &note, BODY, 24));
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    w.docx.build().pack(&mut out).map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}
