//! Progress of long work (checking, verifying, exporting, importing, backing up a large
//! database), told to whoever runs it through [`Progress`]. The engine only counts; a front
//! end decides how to show it (the command line draws a bar on a terminal and nothing
//! otherwise), so the engine depends on no terminal library.

use std::sync::Arc;

/// What long work tells as it goes. Every method has a default that does nothing.
pub trait Progress: Send + Sync {
    /// A piece of work begins: `what` is its key (`check`, `verify`, `export`, `import`,
    /// `backup`), `total` how many units it will take when that is known (cases, lines,
    /// bytes).
    fn begin(&self, _what: &'static str, _total: Option<u64>) {}
    /// `by` more units are done.
    fn advance(&self, _by: u64) {}
    /// The piece of work is over (done or failed).
    fn end(&self) {}
}

/// Tells nobody.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}

/// A shared [`Progress`] carried in the office's configuration.
#[derive(Clone)]
pub struct Reporter(pub Arc<dyn Progress>);

impl Reporter {
    /// A reporter that tells nobody.
    pub fn silent() -> Reporter {
        Reporter(Arc::new(Silent))
    }

    /// Begins `what`; the returned guard ends it when dropped, however the work ends.
    pub fn begin(&self, what: &'static str, total: Option<u64>) -> Stage<'_> {
        self.0.begin(what, total);
        Stage(self.0.as_ref())
    }
}

impl Default for Reporter {
    fn default() -> Reporter {
        Reporter::silent()
    }
}

impl std::fmt::Debug for Reporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Reporter")
    }
}

/// One piece of work under way; ends it when dropped.
pub struct Stage<'a>(&'a dyn Progress);

impl Stage<'_> {
    /// `by` more units are done.
    pub fn advance(&self, by: u64) {
        self.0.advance(by);
    }
}

impl Drop for Stage<'_> {
    fn drop(&mut self) {
        self.0.end();
    }
}

/// A reader that tells `stage` how many bytes went through it.
pub struct Counting<'a, R> {
    pub inner: R,
    pub stage: &'a Stage<'a>,
}

impl<R: std::io::Read> std::io::Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.stage.advance(n as u64);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Log(Mutex<Vec<String>>);

    impl Progress for Log {
        fn begin(&self, what: &'static str, total: Option<u64>) {
            self.0
                .lock()
                .unwrap()
                .push(format!("begin {what} {total:?}"));
        }
        fn advance(&self, by: u64) {
            self.0.lock().unwrap().push(format!("+{by}"));
        }
        fn end(&self) {
            self.0.lock().unwrap().push("end".into());
        }
    }

    #[test]
    fn a_stage_ends_when_dropped_and_a_counting_reader_counts_bytes() {
        let log = Arc::new(Log::default());
        let reporter = Reporter(log.clone());
        {
            let stage = reporter.begin("backup", Some(5));
            let mut reader = Counting {
                inner: &b"hello"[..],
                stage: &stage,
            };
            let mut out = Vec::new();
            std::io::copy(&mut reader, &mut out).unwrap();
        }
        let got = log.0.lock().unwrap().clone();
        assert_eq!(got, ["begin backup Some(5)", "+5", "end"]);
    }
}
