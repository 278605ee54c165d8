//! `StreamFake`: a streaming host serving the notification stream as server-sent events, hand
//! written on a TCP socket so a test decides every byte and every fault: an event cut in the
//! middle, a payload that is not JSON, a duplicate, a connection that goes silent, a refusal.
//!
//! It checks what Mastodon's streaming server checks: the path
//! ([`NOTIFICATION_STREAM_PATH`]) and `Authorization: Bearer` [`TOKEN`] (401 otherwise, and
//! `access_token` in the query is refused: the token must never be in a URL). Each accepted
//! connection is handed to the test as a [`StreamConnection`] ([`StreamFake::connection`]),
//! which sends what the test says and closes when told or dropped.
//!
//! ```no_run
//! # async fn t() {
//! use watchtime_mastodon::fake::{MastodonFake, StreamFake};
//! let stream = StreamFake::start().await;
//! let fake = MastodonFake::start().await.streaming_url(&stream.address());
//! let client = fake.client().await;
//! // … a task reads client.mention_stream(…) …
//! let connection = stream.connection().await;
//! connection.send(&StreamFake::notification(&serde_json::json!({"id": "1"})));
//! connection.close();
//! # }
//! ```

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use super::TOKEN;
use crate::stream::NOTIFICATION_STREAM_PATH;

/// How long [`StreamFake::connection`] waits for the client before the test fails.
const CONNECT_WAIT: Duration = Duration::from_secs(30);

/// A request the streaming host received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamRequest {
    /// The request line's target (path and query).
    pub target: String,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
    /// The `Accept` header, if any.
    pub accept: Option<String>,
}

#[derive(Debug, Default)]
struct Shared {
    requests: Vec<StreamRequest>,
    /// Statuses the next connections are refused with, in order.
    refusals: VecDeque<u16>,
}

/// The fake streaming host. Dropping it stops accepting; open connections end with their
/// [`StreamConnection`].
#[derive(Debug)]
pub struct StreamFake {
    address: std::net::SocketAddr,
    shared: Arc<Mutex<Shared>>,
    accepted: tokio::sync::Mutex<mpsc::UnboundedReceiver<StreamConnection>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for StreamFake {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl StreamFake {
    /// Listens on a free port of 127.0.0.1.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free local port");
        let address = listener.local_addr().expect("a bound address");
        let shared = Arc::new(Mutex::new(Shared::default()));
        let (tx, rx) = mpsc::unbounded_channel();
        let server = tokio::spawn(accept_loop(listener, Arc::clone(&shared), tx));
        StreamFake {
            address,
            shared,
            accepted: tokio::sync::Mutex::new(rx),
            server,
        }
    }

    fn shared(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The address as an instance names it in `configuration.urls.streaming` (`ws://…`).
    pub fn address(&self) -> String {
        format!("ws://{}", self.address)
    }

    /// The next connections are refused with these statuses (401, 404, 503 …), in order.
    pub fn refuse_next(&self, statuses: impl IntoIterator<Item = u16>) {
        self.shared().refusals.extend(statuses);
    }

    /// Waits for the client's next accepted connection (refused ones are not handed out).
    /// Panics after 30 s: the client never came back.
    pub async fn connection(&self) -> StreamConnection {
        let mut accepted = self.accepted.lock().await;
        tokio::time::timeout(CONNECT_WAIT, accepted.recv())
            .await
            .expect("the client connects to the notification stream within 30 s")
            .expect("the fake streaming host is running")
    }

    /// Every request received, refused ones included, in order.
    pub fn requests(&self) -> Vec<StreamRequest> {
        self.shared().requests.clone()
    }

    /// A `notification` event carrying `notification` (the SSE framing: the JSON as data).
    pub fn notification(notification: &Value) -> String {
        format!("event: notification\ndata: {notification}\n\n")
    }

    /// A `notification` event whose data is the JSON as a JSON string (the WebSocket framing's
    /// `payload`), which readers must parse twice.
    pub fn notification_as_string(notification: &Value) -> String {
        let inner = Value::String(notification.to_string());
        format!("event: notification\ndata: {inner}\n\n")
    }
}

/// One accepted connection, open until [`StreamConnection::close`] or drop.
#[derive(Debug)]
pub struct StreamConnection {
    tx: mpsc::UnboundedSender<Option<String>>,
}

impl StreamConnection {
    /// Writes `text` to the stream as it is (events, comments, or half an event).
    pub fn send(&self, text: &str) {
        let _ = self.tx.send(Some(text.to_owned()));
    }

    /// A heartbeat comment, as Mastodon sends every 15 s.
    pub fn heartbeat(&self) {
        self.send(":thump\n");
    }

    /// Closes the connection after what was sent.
    pub fn close(self) {
        let _ = self.tx.send(None);
    }

    /// Whether the client is still connected (a write after it left fails).
    pub fn is_open(&self) -> bool {
        !self.tx.is_closed()
    }
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Mutex<Shared>>,
    accepted: mpsc::UnboundedSender<StreamConnection>,
) {
    while let Ok((socket, _)) = listener.accept().await {
        let shared = Arc::clone(&shared);
        let accepted = accepted.clone();
        tokio::spawn(async move {
            let _ = serve(socket, shared, accepted).await;
        });
    }
}

async fn serve(
    mut socket: TcpStream,
    shared: Arc<Mutex<Shared>>,
    accepted: mpsc::UnboundedSender<StreamConnection>,
) -> std::io::Result<()> {
    let Some(request) = read_head(&mut socket).await? else {
        return Ok(());
    };
    let refusal = {
        let mut shared = shared.lock().unwrap_or_else(PoisonError::into_inner);
        shared.requests.push(request.clone());
        shared.refusals.pop_front()
    };
    let path = request.target.split('?').next().unwrap_or_default();
    let status = if path != NOTIFICATION_STREAM_PATH {
        Some(404)
    } else if request.authorization.as_deref() != Some(&format!("Bearer {TOKEN}"))
        || request.target.contains("access_token")
    {
        Some(401)
    } else {
        refusal
    };
    if let Some(status) = status {
        let body = format!("{{\"error\":\"fake streaming host: {status}\"}}");
        let head = format!(
            "HTTP/1.1 {status} Refused\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        socket.write_all(head.as_bytes()).await?;
        socket.write_all(body.as_bytes()).await?;
        return socket.shutdown().await;
    }
    // No length and no chunking: the body runs until the connection closes.
    socket
        .write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n:)\n",
        )
        .await?;
    socket.flush().await?;
    let (tx, mut rx) = mpsc::unbounded_channel();
    if accepted.send(StreamConnection { tx }).is_err() {
        return Ok(());
    }
    let (mut reader, mut writer) = socket.into_split();
    let mut scratch = [0u8; 256];
    loop {
        tokio::select! {
            command = rx.recv() => match command {
                Some(Some(text)) => {
                    writer.write_all(text.as_bytes()).await?;
                    writer.flush().await?;
                }
                // Closed by the test, or its handle dropped.
                Some(None) | None => return writer.shutdown().await,
            },
            // The client left (or sent something, which a stream client never does).
            read = reader.read(&mut scratch) => {
                if matches!(read, Ok(0) | Err(_)) {
                    rx.close();
                    return Ok(());
                }
            }
        }
    }
}

/// Reads the request head; `None` when the client left before finishing it.
async fn read_head(socket: &mut TcpStream) -> std::io::Result<Option<StreamRequest>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 16 * 1024 || socket.read(&mut byte).await? == 0 {
            return Ok(None);
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head);
    let mut lines = text.split("\r\n");
    let target = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or_default()
        .to_owned();
    let header = |name: &str| {
        text.split("\r\n").skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    };
    Ok(Some(StreamRequest {
        target,
        authorization: header("authorization"),
        accept: header("accept"),
    }))
}
