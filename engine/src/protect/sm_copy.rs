//! Encrypted copies under the national profile (issue 23 items 1 and 6): the container
//! `wardflow-sm-copy/v1`, age's design with the national algorithms. A fresh 16-byte file key
//! per copy is wrapped to each recipient with SM2 public-key encryption (GB/T 32918.4, the DER
//! `SM2Cipher` of GM/T 0009: C1's coordinates, C3, C2), and the content is sealed with SM4-GCM
//! (RFC 8998) in 64 KiB chunks whose nonce is a counter and a last-chunk flag, under the SM3 of
//! the header as associated data. So a wrong key, a changed byte anywhere, chunks reordered,
//! dropped or cut off are each an error before any of that chunk's plaintext is returned.
//!
//! The format, byte for byte (docs/privacy.md, "The national container"):
//!
//! ```text
//! wardflow-sm-copy/v1\n
//! -> sm2 FINGERPRINT WRAPPED\n        one line per recipient, 1 to 64 of them
//! ---\n
//! chunk 0 ‖ chunk 1 ‖ … ‖ last chunk
//! ```
//!
//! FINGERPRINT is the recipient's key's first 16 hex digits (lower case) of SM3 over its
//! 65-byte uncompressed point (`key show`'s fingerprint without colons); WRAPPED is the
//! standard base64 (RFC 4648, padded) of the SM2 ciphertext of the file key. Chunk `i` is
//! SM4-GCM under the file key of at most 65 536 plaintext bytes, the ciphertext followed by its
//! 16-byte tag, with nonce `i` as 11 big-endian bytes then `01` for the last chunk, `00` for
//! the others, and associated data SM3(header) — every byte from the magic line to the end of
//! `---\n`. Every chunk but the last holds exactly 65 536 bytes; the last holds 1 to 65 536,
//! or none when the whole copy is empty.

use std::io::{BufRead, Read, Write};

use base64::Engine as _;

use super::copies::CopyError;
use crate::crypto::{SM4_GCM_TAG, Sm2Key, Sm2Public, sm4_gcm_open, sm4_gcm_seal};

/// The first line of every national copy.
pub const MAGIC: &[u8] = b"wardflow-sm-copy/v1\n";
/// Plaintext bytes per chunk.
pub const CHUNK: usize = 64 * 1024;
/// The most recipient lines a header may hold (as many as a privacy file may publish).
pub const MAX_RECIPIENTS: usize = super::copies::MAX_RECIPIENTS;
/// The longest header line read: a recipient line is about 180 bytes.
const MAX_LINE: usize = 1024;
const FILE_KEY: usize = 16;
const STANZA: &str = "-> sm2 ";
const END: &[u8] = b"---\n";

/// The nonce of chunk `counter`.
fn nonce(counter: u64, last: bool) -> [u8; 12] {
    let mut n = [0u8; 12];
    n[3..11].copy_from_slice(&counter.to_be_bytes());
    n[11] = u8::from(last);
    n
}

fn aad(header: &[u8]) -> [u8; 32] {
    crate::crypto::Profile::National.digest(header)
}

/// Writes a national copy to its recipients; call [`SmWriter::finish`] at the end (a copy
/// not finished has no last chunk and does not open).
pub struct SmWriter<W: Write> {
    out: W,
    key: [u8; FILE_KEY],
    aad: [u8; 32],
    counter: u64,
    buf: Vec<u8>,
}

impl<W: Write> SmWriter<W> {
    /// Draws a file key, wraps it to each recipient and writes the header to `out`.
    pub fn begin(recipients: &[Sm2Public], mut out: W) -> Result<SmWriter<W>, CopyError> {
        if recipients.is_empty() {
            return Err(CopyError::NoRecipients);
        }
        if recipients.len() > MAX_RECIPIENTS {
            return Err(CopyError::Io(format!(
                "more than {MAX_RECIPIENTS} recipients"
            )));
        }
        let mut key = [0u8; FILE_KEY];
        getrandom::fill(&mut key).map_err(|e| CopyError::Io(e.to_string()))?;
        let mut header = MAGIC.to_vec();
        for r in recipients {
            let wrapped = r.encrypt(&key).map_err(CopyError::Io)?;
            let line = format!(
                "{STANZA}{} {}\n",
                r.fingerprint_hex(),
                base64::engine::general_purpose::STANDARD.encode(wrapped)
            );
            header.extend_from_slice(line.as_bytes());
        }
        header.extend_from_slice(END);
        out.write_all(&header)
            .map_err(|e| CopyError::Io(e.to_string()))?;
        Ok(SmWriter {
            out,
            key,
            aad: aad(&header),
            counter: 0,
            buf: Vec::with_capacity(CHUNK + 1),
        })
    }

    fn emit(&mut self, last: bool) -> std::io::Result<()> {
        let take = self.buf.len().min(CHUNK);
        let sealed = sm4_gcm_seal(
            &self.key,
            &nonce(self.counter, last),
            &self.aad,
            &self.buf[..take],
        );
        self.out.write_all(&sealed)?;
        self.buf.drain(..take);
        self.counter += 1;
        Ok(())
    }

    /// Seals what is left as the last chunk; the copy is complete.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.emit(true)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> Write for SmWriter<W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        // A full chunk is sealed only once more follows: the last chunk may be full.
        let room = CHUNK + 1 - self.buf.len();
        let n = data.len().min(room);
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() > CHUNK {
            self.emit(false)?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Reads a national copy opened with its file key: each chunk is authenticated whole before
/// any of it is returned. Errors are `InvalidData` (a chunk that does not authenticate, the
/// copy cut short or bytes after its last chunk).
pub struct SmReader<R: BufRead> {
    input: R,
    key: [u8; FILE_KEY],
    aad: [u8; 32],
    counter: u64,
    plain: Vec<u8>,
    at: usize,
    done: bool,
}

fn damaged(detail: impl Into<String>) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, detail.into())
}

impl<R: BufRead> SmReader<R> {
    fn next_chunk(&mut self) -> std::io::Result<()> {
        let mut sealed = Vec::with_capacity(CHUNK + SM4_GCM_TAG);
        (&mut self.input)
            .take((CHUNK + SM4_GCM_TAG) as u64)
            .read_to_end(&mut sealed)?;
        // A full chunk is the last when nothing follows it; a short one must be the last.
        let last = sealed.len() < CHUNK + SM4_GCM_TAG || self.input.fill_buf()?.is_empty();
        let n = self.counter;
        let plain =
            sm4_gcm_open(&self.key, &nonce(n, last), &self.aad, &sealed).ok_or_else(|| {
                damaged(if last {
                    format!("chunk {n} does not authenticate as the last one (changed or cut off)")
                } else {
                    format!("chunk {n} does not authenticate")
                })
            })?;
        if last && plain.is_empty() && n > 0 {
            return Err(damaged("an empty last chunk after others"));
        }
        self.plain = plain;
        self.at = 0;
        self.counter += 1;
        self.done = last;
        Ok(())
    }
}

impl<R: BufRead> Read for SmReader<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.plain.len() {
            if self.done || out.is_empty() {
                return Ok(0);
            }
            self.next_chunk()?;
        }
        let n = out.len().min(self.plain.len() - self.at);
        out[..n].copy_from_slice(&self.plain[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// One header line, at most [`MAX_LINE`] bytes, with its newline.
fn line(input: &mut impl BufRead) -> Result<Vec<u8>, CopyError> {
    let mut bytes = Vec::new();
    input
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut bytes)
        .map_err(|e| CopyError::Io(e.to_string()))?;
    if bytes.last() != Some(&b'\n') {
        return Err(CopyError::Damaged(
            "the header is cut off or has a line too long".into(),
        ));
    }
    Ok(bytes)
}

/// Reads the header from `input` and unwraps the file key with one of `keys`: the reader of
/// the content. No recipient line for any of the keys is [`CopyError::WrongKey`]; a line for
/// one of them that does not unwrap, or a header that does not parse, is damage.
pub fn open<R: BufRead>(mut input: R, keys: &[Sm2Key]) -> Result<SmReader<R>, CopyError> {
    let mut header = line(&mut input)?;
    if header != MAGIC {
        return Err(CopyError::Damaged("not a wardflow-sm-copy/v1 file".into()));
    }
    let mut stanzas: Vec<(String, Vec<u8>)> = Vec::new();
    loop {
        let bytes = line(&mut input)?;
        header.extend_from_slice(&bytes);
        if bytes == END {
            break;
        }
        if stanzas.len() == MAX_RECIPIENTS {
            return Err(CopyError::Damaged(format!(
                "more than {MAX_RECIPIENTS} recipients"
            )));
        }
        let text = std::str::from_utf8(&bytes)
            .ok()
            .and_then(|t| t.strip_suffix('\n'))
            .and_then(|t| t.strip_prefix(STANZA))
            .ok_or_else(|| CopyError::Damaged("a header line is not a recipient".into()))?;
        let (fingerprint, wrapped) = text
            .split_once(' ')
            .filter(|(f, _)| f.len() == 16 && f.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| CopyError::Damaged("a recipient line does not parse".into()))?;
        let wrapped = base64::engine::general_purpose::STANDARD
            .decode(wrapped)
            .map_err(|_| CopyError::Damaged("a wrapped key is not base64".into()))?;
        stanzas.push((fingerprint.to_ascii_lowercase(), wrapped));
    }
    if stanzas.is_empty() {
        return Err(CopyError::Damaged("the header names no recipient".into()));
    }
    let mut claimed = false;
    for key in keys {
        let fingerprint = key.public().fingerprint_hex();
        for (_, wrapped) in stanzas.iter().filter(|(f, _)| *f == fingerprint) {
            claimed = true;
            if let Some(file_key) = key
                .decrypt(wrapped)
                .and_then(|k| <[u8; FILE_KEY]>::try_from(k).ok())
            {
                return Ok(SmReader {
                    input,
                    key: file_key,
                    aad: aad(&header),
                    counter: 0,
                    plain: Vec::new(),
                    at: 0,
                    done: false,
                });
            }
        }
    }
    if claimed {
        return Err(CopyError::Damaged(
            "the file key wrapped for the given key does not unwrap".into(),
        ));
    }
    Err(CopyError::WrongKey)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protect::copies::read_error;

    fn key(seed: u8) -> Sm2Key {
        Sm2Key::from_seed([seed; 32]).expect("a valid secret")
    }

    fn seal(recipients: &[Sm2Public], plain: &[u8]) -> Vec<u8> {
        let mut w = SmWriter::begin(recipients, Vec::new()).expect("begin");
        // Odd-sized writes, so that chunking does not follow the writes.
        for piece in plain.chunks(7_777) {
            w.write_all(piece).expect("write");
        }
        w.finish().expect("finish")
    }

    fn unseal(bytes: &[u8], keys: &[Sm2Key]) -> Result<Vec<u8>, CopyError> {
        let mut r = open(bytes, keys)?;
        let mut out = Vec::new();
        r.read_to_end(&mut out).map_err(read_error)?;
        Ok(out)
    }

    fn header_len(sealed: &[u8]) -> usize {
        let end = sealed
            .windows(END.len() + 1)
            .position(|w| w[0] == b'\n' && &w[1..] == END)
            .expect("end of header");
        end + 1 + END.len()
    }

    #[test]
    fn a_copy_round_trips_and_holds_nothing_readable() {
        let k = key(1);
        let plain = "王小明 110101201503120014 青江县幸福村".repeat(9000);
        let sealed = seal(&[k.public()], plain.as_bytes());
        assert!(sealed.starts_with(MAGIC));
        assert!(!String::from_utf8_lossy(&sealed).contains("王小明"));
        assert!(!String::from_utf8_lossy(&sealed).contains("110101201503120014"));
        assert_eq!(
            unseal(&sealed, std::slice::from_ref(&k)).expect("opens"),
            plain.as_bytes()
        );
        // The size is the header, the plaintext and one tag per chunk.
        let chunks = plain.len().div_ceil(CHUNK);
        assert_eq!(
            sealed.len(),
            header_len(&sealed) + plain.len() + chunks * SM4_GCM_TAG
        );
    }

    #[test]
    fn each_of_two_recipients_opens_it_and_a_third_key_does_not() {
        let (a, b, c) = (key(1), key(2), key(3));
        let plain = vec![42u8; 100_000];
        let sealed = seal(&[a.public(), b.public()], &plain);
        assert_eq!(unseal(&sealed, std::slice::from_ref(&a)).expect("a"), plain);
        assert_eq!(unseal(&sealed, std::slice::from_ref(&b)).expect("b"), plain);
        assert!(matches!(
            unseal(&sealed, std::slice::from_ref(&c)),
            Err(CopyError::WrongKey)
        ));
        assert!(matches!(unseal(&sealed, &[]), Err(CopyError::WrongKey)));
        // Among several keys, the one that fits is found.
        assert_eq!(unseal(&sealed, &[c, b]).expect("c or b"), plain);
    }

    #[test]
    fn a_changed_byte_anywhere_in_header_or_body_is_refused() {
        let k = key(1);
        let plain: Vec<u8> = (0..(2 * CHUNK + 100)).map(|i| (i % 251) as u8).collect();
        let sealed = seal(&[k.public()], &plain);
        let header = header_len(&sealed);
        let mut places: Vec<usize> = (0..header).collect();
        places.extend((header..sealed.len()).step_by(997));
        places.extend([header, header + CHUNK, sealed.len() - 1]);
        for at in places {
            let mut bad = sealed.clone();
            bad[at] ^= 0x01;
            assert!(
                unseal(&bad, std::slice::from_ref(&k)).is_err(),
                "a change at byte {at} went unnoticed"
            );
        }
        // A byte added at the end is refused too.
        let mut longer = sealed.clone();
        longer.push(0);
        assert!(unseal(&longer, std::slice::from_ref(&k)).is_err());
    }

    #[test]
    fn a_copy_cut_at_a_chunk_boundary_or_reordered_is_damage() {
        let k = key(1);
        let plain = vec![9u8; 3 * CHUNK + 5];
        let sealed = seal(&[k.public()], &plain);
        let header = header_len(&sealed);
        let full = CHUNK + SM4_GCM_TAG;
        for chunks in [0, 1, 2, 3] {
            let cut = &sealed[..header + chunks * full];
            assert!(
                matches!(
                    unseal(cut, std::slice::from_ref(&k)),
                    Err(CopyError::Damaged(_))
                ),
                "cut after {chunks} chunks"
            );
        }
        let mut swapped = sealed.clone();
        let (first, second) = (header..header + full, header + full..header + 2 * full);
        let one = sealed[first.clone()].to_vec();
        swapped[first].copy_from_slice(&sealed[second.clone()]);
        swapped[second].copy_from_slice(&one);
        assert!(matches!(
            unseal(&swapped, std::slice::from_ref(&k)),
            Err(CopyError::Damaged(_))
        ));
        // Dropping a middle chunk is damage as well.
        let mut dropped = sealed[..header + full].to_vec();
        dropped.extend_from_slice(&sealed[header + 2 * full..]);
        assert!(matches!(
            unseal(&dropped, std::slice::from_ref(&k)),
            Err(CopyError::Damaged(_))
        ));
    }

    #[test]
    fn empty_one_chunk_and_one_chunk_and_a_byte_copies_round_trip() {
        let k = key(1);
        for (size, chunks) in [(0, 1), (1, 1), (CHUNK, 1), (CHUNK + 1, 2), (2 * CHUNK, 2)] {
            let plain: Vec<u8> = (0..size).map(|i| (i % 256) as u8).collect();
            let sealed = seal(&[k.public()], &plain);
            assert_eq!(
                sealed.len(),
                header_len(&sealed) + size + chunks * SM4_GCM_TAG,
                "{size} bytes"
            );
            assert_eq!(
                unseal(&sealed, std::slice::from_ref(&k)).expect("opens"),
                plain,
                "{size} bytes"
            );
            // Without its last chunk, none of them opens.
            let header = header_len(&sealed);
            let cut = &sealed[..header + (chunks - 1) * (CHUNK + SM4_GCM_TAG)];
            assert!(unseal(cut, std::slice::from_ref(&k)).is_err(), "{size}");
        }
    }

    #[test]
    fn a_header_is_bounded_and_must_parse() {
        let k = key(1);
        assert!(matches!(
            SmWriter::begin(&[], Vec::new()),
            Err(CopyError::NoRecipients)
        ));
        let bad = |text: &[u8]| unseal(text, std::slice::from_ref(&k));
        assert!(matches!(
            bad(b"age-encryption.org/v1\n"),
            Err(CopyError::Damaged(_))
        ));
        assert!(matches!(
            bad(b"wardflow-sm-copy/v1\n---\n"),
            Err(CopyError::Damaged(_))
        ));
        assert!(matches!(
            bad(b"wardflow-sm-copy/v1\n"),
            Err(CopyError::Damaged(_))
        ));
        let mut long = MAGIC.to_vec();
        long.extend(std::iter::repeat_n(b'x', 4 * MAX_LINE));
        assert!(matches!(bad(&long), Err(CopyError::Damaged(_))));
        let mut many = MAGIC.to_vec();
        for _ in 0..=MAX_RECIPIENTS {
            many.extend_from_slice(b"-> sm2 0000000000000000 AAAA\n");
        }
        many.extend_from_slice(END);
        assert!(matches!(bad(&many), Err(CopyError::Damaged(_))));
    }
}
