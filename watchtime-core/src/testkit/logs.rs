//! Catching every log line of a test, to prove that no secret reaches one.

use std::io::Write;
use std::sync::{Arc, Mutex};

/// Every line logged at any level, by any crate (the HTTP stack's included, through `tracing`'s
/// `log` bridge), since [`LogCapture::install`].
#[derive(Clone, Debug, Default)]
pub struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl LogCapture {
    /// Installs a process-wide trace-level subscriber writing here. Call it once per test
    /// binary (a test file holding one test). `filter` is an `EnvFilter` directive such as
    /// `"trace,wiremock=off"` (a fake server's own records describe the server, not the client).
    pub fn install(filter: &str) -> Self {
        let capture = LogCapture::default();
        let writer = capture.clone();
        let installed = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .try_init();
        if let Err(e) = installed {
            panic!("another subscriber is installed in this test binary: {e}");
        }
        capture
    }

    /// What was logged so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }

    /// Panics if any of `secrets` occurs in the logs, or if the logs hold no trace-level line
    /// at all (which would make the check vacuous).
    pub fn assert_free_of(&self, secrets: &[&str]) {
        let text = self.text();
        assert!(
            text.contains("TRACE"),
            "no trace-level line was captured: the check would prove nothing\n{text}"
        );
        for secret in secrets {
            assert!(!secret.is_empty(), "an empty secret cannot be looked for");
            if let Some(at) = text.find(secret) {
                let line = text[..at].rsplit('\n').next().unwrap_or_default();
                panic!("a secret reached the logs, in the line starting: {line}");
            }
        }
    }
}

impl Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
