//! The fonts a PDF letter is set in, per role, and the one function that loads them.
//!
//! GB/T 9704 names the faces government PCs have (方正小标宋 for the title, 仿宋_GB2312 for the
//! body, 黑体 and 楷体 for the headings); no Debian package has them. Each role therefore has a
//! fallback order, the commercial face first and an open stand-in last:
//!
//! | role      | 字体     | fallback order                                                        |
//! |-----------|----------|-----------------------------------------------------------------------|
//! | `title`   | 小标宋   | FZXiaoBiaoSong-B05S, 方正小标宋简体, Noto Serif CJK SC                 |
//! | `body`    | 仿宋     | FangSong, FangSong_GB2312, 仿宋_GB2312, 方正仿宋简体, Noto Serif CJK SC |
//! | `heading` | 黑体     | SimHei, 黑体, Noto Sans CJK SC                                         |
//! | `kai`     | 楷体     | KaiTi, KaiTi_GB2312, 楷体_GB2312, AR PL UKai CN, Noto Serif CJK SC      |
//!
//! Fonts are read from configured directories (`--fonts DIR`, `WARDFLOW_FONTS`; by default the
//! Debian paths of fonts-noto-cjk and fonts-arphic-ukai), never from the system at large, so the
//! same configuration sets a letter the same way. Only the faces some role can use are kept
//! (regular and bold). [`load_fonts`] is the one place fonts come from: when fonts are published
//! into the database like templates, only it changes.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

use super::LetterError;
use super::archive::sha256_hex;

/// The directories fonts are read from when none is configured (Debian's fonts-noto-cjk and
/// fonts-arphic-ukai).
pub const DEFAULT_FONT_DIRS: &[&str] = &[
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/truetype/arphic",
];

/// The largest font file read (a CJK collection is 20–30 MB).
const MAX_FONT_FILE: u64 = 128 * 1024 * 1024;

/// What a font is used for in a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FontRole {
    /// 小标宋: the title and the red issuing-body mark.
    Title,
    /// 仿宋: the body text.
    Body,
    /// 黑体: first-level headings, slip titles.
    Heading,
    /// 楷体: second-level headings.
    Kai,
}

impl FontRole {
    pub const ALL: [FontRole; 4] = [
        FontRole::Title,
        FontRole::Body,
        FontRole::Heading,
        FontRole::Kai,
    ];

    /// The role's key (`title`, `body`, `heading`, `kai`).
    pub fn key(self) -> &'static str {
        match self {
            FontRole::Title => "title",
            FontRole::Body => "body",
            FontRole::Heading => "heading",
            FontRole::Kai => "kai",
        }
    }

    /// The families the role is set in, in order of preference.
    pub fn fallback(self) -> &'static [&'static str] {
        match self {
            FontRole::Title => &["FZXiaoBiaoSong-B05S", "方正小标宋简体", "Noto Serif CJK SC"],
            FontRole::Body => &[
                "FangSong",
                "FangSong_GB2312",
                "仿宋_GB2312",
                "方正仿宋简体",
                "Noto Serif CJK SC",
            ],
            FontRole::Heading => &["SimHei", "黑体", "Noto Sans CJK SC"],
            FontRole::Kai => &[
                "KaiTi",
                "KaiTi_GB2312",
                "楷体_GB2312",
                "AR PL UKai CN",
                "Noto Serif CJK SC",
            ],
        }
    }
}

/// The font a role was set in, as the archive keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsedFont {
    /// `title`, `body`, `heading` or `kai`.
    pub role: String,
    /// The family, as the font names itself.
    pub family: String,
    /// The file's name (without its directory).
    pub file: String,
    /// SHA-256 of the whole file.
    pub sha256: String,
}

/// The loaded fonts: what typst may use, and which family each role resolved to.
pub struct FontSet {
    pub(super) book: LazyHash<FontBook>,
    pub(super) fonts: Vec<Font>,
    /// Per role (in [`FontRole::ALL`] order): the family typst knows it by, and the file.
    roles: Vec<UsedFont>,
}

impl std::fmt::Debug for FontSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontSet")
            .field("roles", &self.roles)
            .finish()
    }
}

impl FontSet {
    /// The font each role is set in.
    pub fn used(&self) -> &[UsedFont] {
        &self.roles
    }

    /// The family typst sets `role` in.
    pub fn family(&self, role: FontRole) -> &str {
        self.roles
            .iter()
            .find(|u| u.role == role.key())
            .map_or("", |u| u.family.as_str())
    }
}

/// True when `name` is one of the families some role may use.
fn wanted(name: &str) -> bool {
    FontRole::ALL
        .iter()
        .flat_map(|r| r.fallback())
        .any(|f| f.eq_ignore_ascii_case(name))
}

/// The family names a face calls itself (every language), read without parsing the whole face.
fn face_families(data: &[u8], index: u32) -> Vec<String> {
    let Ok(face) = ttf_parser::Face::parse(data, index) else {
        return Vec::new();
    };
    face.names()
        .into_iter()
        .filter(|n| {
            n.name_id == ttf_parser::name_id::FAMILY
                || n.name_id == ttf_parser::name_id::TYPOGRAPHIC_FAMILY
        })
        .filter_map(|n| n.to_string())
        .collect()
}

/// Loads the fonts for letters from `dirs` (files directly inside each: `.ttf`, `.otf`, `.ttc`,
/// `.otc`), keeping the regular and bold faces of the families some role may use, and resolves
/// each role to the first family of its fallback order that is present. Refuses when a role has
/// none.
pub fn load_fonts(dirs: &[PathBuf]) -> Result<FontSet, LetterError> {
    let mut fonts: Vec<Font> = Vec::new();
    // The file of each kept font, by index into `fonts`.
    let mut origin: Vec<PathBuf> = Vec::new();
    for dir in dirs {
        let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
            Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(_) => continue,
        };
        files.sort();
        for path in files {
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase);
            if !matches!(ext.as_deref(), Some("ttf" | "otf" | "ttc" | "otc")) {
                continue;
            }
            if !std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= MAX_FONT_FILE) {
                continue;
            }
            load_file(&path, &mut fonts, &mut origin)?;
        }
    }
    let book = FontBook::from_fonts(&fonts);
    // Only the files a role uses are hashed (a CJK collection is 20–30 MB), each once.
    let mut hashed: Vec<(PathBuf, String)> = Vec::new();
    let mut roles = Vec::new();
    for role in FontRole::ALL {
        let found = role.fallback().iter().find_map(|family| {
            let index = book.select_family(&family.to_lowercase()).next()?;
            Some((fonts.get(index)?, origin.get(index)?))
        });
        match found {
            Some((font, path)) => {
                let sha256 = match hashed.iter().find(|(p, _)| p == path) {
                    Some((_, sha)) => sha.clone(),
                    None => {
                        // The font's data is the whole file it was read from.
                        let sha = sha256_hex(font.data().as_slice());
                        hashed.push((path.clone(), sha.clone()));
                        sha
                    }
                };
                roles.push(UsedFont {
                    role: role.key().to_owned(),
                    family: font.info().family.clone(),
                    file: path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    sha256,
                });
            }
            None => {
                return Err(LetterError::NoFont {
                    role: role.key().to_owned(),
                    families: role.fallback().join(", "),
                    dirs: dirs
                        .iter()
                        .map(|d| d.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
        }
    }
    Ok(FontSet {
        book: LazyHash::new(book),
        fonts,
        roles,
    })
}

fn load_file(
    path: &Path,
    fonts: &mut Vec<Font>,
    origin: &mut Vec<PathBuf>,
) -> Result<(), LetterError> {
    let data = std::fs::read(path).map_err(|e| LetterError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    let count = ttf_parser::fonts_in_collection(&data).unwrap_or(1);
    let keep: Vec<u32> = (0..count)
        .filter(|&i| face_families(&data, i).iter().any(|f| wanted(f)))
        .collect();
    if keep.is_empty() {
        return Ok(());
    }
    let bytes = Bytes::new(data);
    for i in keep {
        let Some(font) = Font::new(bytes.clone(), i) else {
            continue;
        };
        // Regular and bold upright faces only: the letters use no other.
        let variant = font.info().variant;
        if variant.style != typst::text::FontStyle::Normal
            || !(variant.weight == typst::text::FontWeight::REGULAR
                || variant.weight == typst::text::FontWeight::BOLD)
        {
            continue;
        }
        fonts.push(font);
        origin.push(path.to_path_buf());
    }
    Ok(())
}

/// The font directories in force: `configured` when given, else [`DEFAULT_FONT_DIRS`].
pub fn font_dirs(configured: &[PathBuf]) -> Vec<PathBuf> {
    if configured.is_empty() {
        DEFAULT_FONT_DIRS.iter().map(PathBuf::from).collect()
    } else {
        configured.to_vec()
    }
}
