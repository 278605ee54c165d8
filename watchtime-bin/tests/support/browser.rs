//! A real browser for end-to-end tests: Debian's `chromium`, headless, driven over the Chrome
//! DevTools Protocol on a websocket (no WebDriver, no browser download).
//!
//! [`Browser::launch`] returns `None` when there is no chromium to run, after saying so loudly;
//! with `WATCHTIME_REQUIRE_BROWSER=1` (set by `.ci/run`) a missing browser fails the test instead.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

/// How long one protocol call or page load may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The chromium executables Debian and others install.
const CANDIDATES: &[&str] = &["chromium", "chromium-browser", "google-chrome"];

/// A headless chromium with one page open.
pub struct Browser {
    child: Child,
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    session: String,
    next_id: u64,
    /// Protocol events seen so far (console messages, exceptions, loads).
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

fn find_chromium() -> Option<String> {
    CANDIDATES.iter().find_map(|name| {
        Command::new(name)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()
            .filter(|s| s.success())
            .map(|_| (*name).to_owned())
    })
}

impl Browser {
    /// Starts chromium headless with a fresh profile, or `None` (after a loud message) when none
    /// is installed and the browser is not required.
    pub async fn launch() -> Option<Browser> {
        let Some(exe) = find_chromium() else {
            let required = std::env::var("WATCHTIME_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
            assert!(
                !required,
                "WATCHTIME_REQUIRE_BROWSER=1 but no chromium is installed (apt-get install chromium)"
            );
            eprintln!(
                "\n!!! SKIPPED: no chromium on PATH; the browser test did not run. \
                 Install Debian's `chromium` (CI sets WATCHTIME_REQUIRE_BROWSER=1 and fails without it).\n"
            );
            return None;
        };
        let profile = tempfile::tempdir().expect("a profile directory");
        let mut child = Command::new(&exe)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        let stderr = child.stderr.take().expect("piped");
        let (tx, rx) = std::sync::mpsc::channel();
        // Reads chromium's standard error to its end, so chromium never blocks on a full pipe;
        // hands over the DevTools address when it appears.
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    let _ = tx.send(Ok(url.trim().to_owned()));
                }
                seen.push(line);
            }
            let _ = tx.send(Err(seen));
        });
        let url = match tokio::task::spawn_blocking(move || rx.recv_timeout(TIMEOUT))
            .await
            .expect("waiting for chromium")
        {
            Ok(Ok(url)) => url,
            Ok(Err(lines)) => panic!("chromium exited before listening: {lines:#?}"),
            Err(_) => panic!("chromium did not start listening in {TIMEOUT:?}"),
        };
        let (ws, _) = connect_async(url.as_str())
            .await
            .expect("the DevTools websocket");
        let mut browser = Browser {
            child,
            ws,
            session: String::new(),
            next_id: 0,
            events: Vec::new(),
            _profile: profile,
        };
        let target = browser
            .call_browser("Target.createTarget", json!({"url": "about:blank"}))
            .await;
        let target_id = target["targetId"].as_str().expect("a target id").to_owned();
        let attached = browser
            .call_browser(
                "Target.attachToTarget",
                json!({"targetId": target_id, "flatten": true}),
            )
            .await;
        browser.session = attached["sessionId"]
            .as_str()
            .expect("a session")
            .to_owned();
        for domain in ["Page.enable", "Runtime.enable", "Log.enable"] {
            browser.call(domain, json!({})).await;
        }
        Some(browser)
    }

    async fn send(&mut self, method: &str, params: Value, session: bool) -> Value {
        let reply = self.send_raw(method, params, session).await;
        assert!(reply.get("error").is_none(), "{method}: {reply}");
        reply["result"].clone()
    }

    /// Sends one command and returns its whole reply, an error included.
    async fn send_raw(&mut self, method: &str, params: Value, session: bool) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if session {
            message["sessionId"] = Value::String(self.session.clone());
        }
        self.ws
            .send(Message::text(message.to_string()))
            .await
            .expect("send to chromium");
        tokio::time::timeout(TIMEOUT, async {
            loop {
                let frame = self
                    .ws
                    .next()
                    .await
                    .expect("chromium hung up")
                    .expect("a frame");
                let Message::Text(text) = frame else { continue };
                let value: Value = serde_json::from_str(text.as_str()).expect("JSON from chromium");
                if value["id"] == json!(id) {
                    return value;
                }
                self.events.push(value);
            }
        })
        .await
        .unwrap_or_else(|_| panic!("chromium did not answer {method} in {TIMEOUT:?}"))
    }

    async fn call_browser(&mut self, method: &str, params: Value) -> Value {
        self.send(method, params, false).await
    }

    /// Calls `method` on the page.
    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        self.send(method, params, true).await
    }

    /// Waits for the page's next load event.
    async fn wait_for_load(&mut self) {
        let seen = self.events.len();
        let found = |events: &[Value]| {
            events[seen..]
                .iter()
                .any(|e| e["method"] == "Page.loadEventFired")
        };
        tokio::time::timeout(TIMEOUT, async {
            while !found(&self.events) {
                let frame = self
                    .ws
                    .next()
                    .await
                    .expect("chromium hung up")
                    .expect("a frame");
                if let Message::Text(text) = frame {
                    let value: Value = serde_json::from_str(text.as_str()).expect("JSON");
                    self.events.push(value);
                }
            }
        })
        .await
        .expect("the page loads in time");
    }

    /// Opens `url` and waits until it has loaded.
    pub async fn goto(&mut self, url: &str) {
        let mark = self.events.len();
        let nav = self.call("Page.navigate", json!({"url": url})).await;
        assert!(nav.get("errorText").is_none(), "{url}: {nav}");
        if !self.events[mark..]
            .iter()
            .any(|e| e["method"] == "Page.loadEventFired")
        {
            self.wait_for_load().await;
        }
    }

    /// Runs `script` (which starts a navigation: a click, a submit, history.back()) and waits
    /// until another document is shown and complete. A marker set on the current document tells
    /// them apart, so a page restored from the back-forward cache (no load event) counts too.
    pub async fn navigate_by(&mut self, script: &str) {
        // A new value each time: a page restored from the cache keeps the marker it had.
        let marker = self.next_id;
        self.eval(&format!("window.__watchtime_marker = {marker}"))
            .await;
        self.eval(script).await;
        let started = std::time::Instant::now();
        loop {
            // Mid-navigation the page may have no context to evaluate in: an error, try again.
            let r = self
                .send_raw(
                    "Runtime.evaluate",
                    json!({"expression": format!("window.__watchtime_marker !== {marker} && document.readyState === 'complete'"), "returnByValue": true}),
                    true,
                )
                .await;
            if r["result"]["result"]["value"] == json!(true) {
                return;
            }
            assert!(
                started.elapsed() < TIMEOUT,
                "no new page {TIMEOUT:?} after {script}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The value of a JavaScript expression in the page (the test's own script, run by the
    /// protocol; the page itself has none).
    pub async fn eval(&mut self, expression: &str) -> Value {
        let r = self
            .call(
                "Runtime.evaluate",
                json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
            )
            .await;
        assert!(r.get("exceptionDetails").is_none(), "{expression}: {r}");
        r["result"]["value"].clone()
    }

    /// Every console error, uncaught exception and error log entry (a CSP violation, a missing
    /// stylesheet) seen so far.
    pub fn console_errors(&self) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|e| match e["method"].as_str() {
                Some("Runtime.consoleAPICalled") if e["params"]["type"] == "error" => {
                    Some(e["params"]["args"].to_string())
                }
                Some("Runtime.exceptionThrown") => Some(e["params"].to_string()),
                Some("Log.entryAdded") if e["params"]["entry"]["level"] == "error" => {
                    Some(e["params"]["entry"].to_string())
                }
                _ => None,
            })
            .collect()
    }

    /// A PNG of the whole page at `width` CSS pixels (`mobile` emulates a phone), written to
    /// `path`.
    pub async fn screenshot(&mut self, path: &Path, width: u32, mobile: bool) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": mobile}),
        )
        .await;
        let height = self
            .eval("Math.ceil(document.documentElement.scrollHeight)")
            .await
            .as_u64()
            .unwrap_or(900)
            .min(if mobile { 2400 } else { 1800 });
        let shot = self
            .call(
                "Page.captureScreenshot",
                json!({"format": "png", "captureBeyondViewport": true,
                       "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}}),
            )
            .await;
        let data = shot["data"].as_str().expect("screenshot data");
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data)
            .expect("base64 PNG");
        std::fs::write(path, bytes).expect("write the screenshot");
        self.call("Emulation.clearDeviceMetricsOverride", json!({}))
            .await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
