//! PDF letters: the typst source the layout writes (`typeset.rs`), compiled in-process by typst
//! as a library into PDF/A-2b bytes.
//!
//! The [`World`] typst compiles in is closed: one source file (the letter), the fonts of the
//! [`FontSet`] and nothing else — no file system, no packages, no network, no clock (the date a
//! letter prints comes in as text; the PDF's creation date is the instant it was issued). The
//! letter's data never reaches typst as code: the layout writes every piece of text as a typst
//! string literal (`typeset.rs`).

use jiff::Timestamp;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp as PdfTimestamp};

use super::LetterError;
use super::fonts::{FontRole, FontSet};

struct LetterWorld<'a> {
    library: &'a LazyHash<Library>,
    fonts: &'a FontSet,
    main: FileId,
    source: Source,
}

impl World for LetterWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main {
            Ok(self.source.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main {
            Ok(Bytes::from_string(self.source.text().to_owned()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        None
    }
}

/// A typst string literal of `s`: the only way letter text enters the source.
pub fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The preamble naming the families each role resolved to (`fonts.title` …), with Noto Serif
/// CJK SC after each for any glyph the chosen face lacks.
fn preamble(fonts: &FontSet) -> String {
    let mut out = String::from("#let fonts = (\n");
    for role in FontRole::ALL {
        out.push_str(&format!(
            "  {}: ({}, \"Noto Serif CJK SC\"),\n",
            role.key(),
            string_literal(fonts.family(role))
        ));
    }
    out.push_str(")\n");
    out
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: std::sync::OnceLock<LazyHash<Library>> = std::sync::OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::builder().build()))
}

/// Compiles a letter's typst source into PDF/A-2b bytes. `ident` (the letter's archive id) and
/// `created` make the output depend on nothing else.
pub fn compile(
    document: &str,
    source: &str,
    fonts: &FontSet,
    ident: &str,
    created: Timestamp,
) -> Result<Vec<u8>, LetterError> {
    let failed = |message: String| LetterError::Pdf {
        document: document.to_owned(),
        message,
    };
    let path = VirtualPath::new("letter.typ").map_err(|e| failed(format!("{e:?}")))?;
    let main = RootedPath::new(VirtualRoot::Project, path).intern();
    let world = LetterWorld {
        library: library(),
        fonts,
        main,
        source: Source::new(main, format!("{}{source}", preamble(fonts))),
    };
    let compiled: Result<PagedDocument, _> = typst::compile(&world).output;
    let doc = compiled.map_err(|errors| failed(diagnostics(&errors)))?;
    let utc = created.to_zoned_datetime(jiff::tz::TimeZone::UTC);
    let datetime = Datetime::from_ymd_hms(
        i32::from(utc.year()),
        utc.month().unsigned_abs(),
        utc.day().unsigned_abs(),
        utc.hour().unsigned_abs(),
        utc.minute().unsigned_abs(),
        utc.second().unsigned_abs(),
    )
    .ok_or_else(|| failed(format!("creation time {created} out of range")))?;
    let standards =
        PdfStandards::new(&[PdfStandard::A_2b]).map_err(|e| failed(format!("{e:?}")))?;
    let options = PdfOptions {
        ident: Smart::Custom(ident.to_owned()),
        creator: Smart::Custom(Some("wardflow".to_owned())),
        timestamp: Some(PdfTimestamp::new_utc(datetime)),
        page_ranges: None,
        standards,
        tagged: true,
        pretty: false,
    };
    typst_pdf::pdf(&doc, &options).map_err(|errors| failed(diagnostics(&errors)))
}

fn diagnostics(errors: &[SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}
