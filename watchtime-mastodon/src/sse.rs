//! Server-sent events, as the streaming API sends them: `event:` and `data:` lines, a blank
//! line ending each event, `:` comments as heartbeats.
//!
//! Only what Mastodon's streaming server uses is kept: the event name and its data (several
//! `data:` lines joined with newlines); `id:` and `retry:` are ignored, since a reconnect is
//! caught up by the REST backfill, never by `Last-Event-ID`. Lines may end in `\n`, `\r\n` or
//! `\r`, and may be cut anywhere between two reads.

/// One complete event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Event {
    /// The `event:` field; `message` when absent, as the format says.
    pub(crate) name: String,
    /// The `data:` lines, joined with `\n`.
    pub(crate) data: String,
}

/// A line or an event longer than this is refused: a stream that sends it is broken.
pub(crate) const MAX_EVENT_BYTES: usize = 1 << 20;

/// An event or line over [`MAX_EVENT_BYTES`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TooLong;

/// Reads events from the bytes of a stream, chunk by chunk.
#[derive(Debug, Default)]
pub(crate) struct Parser {
    /// The bytes of the line being read.
    line: Vec<u8>,
    /// A `\r` ended the last line; a `\n` right after it belongs to it.
    after_cr: bool,
    name: Option<String>,
    data: Option<String>,
}

impl Parser {
    /// Feeds the next bytes; returns the events they complete, in order.
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> Result<Vec<Event>, TooLong> {
        let mut events = Vec::new();
        for &b in bytes {
            if self.after_cr {
                self.after_cr = false;
                if b == b'\n' {
                    continue;
                }
            }
            match b {
                b'\n' | b'\r' => {
                    self.after_cr = b == b'\r';
                    let line = std::mem::take(&mut self.line);
                    if let Some(event) = self.line_done(&line) {
                        events.push(event);
                    }
                }
                _ => {
                    self.line.push(b);
                    if self.line.len() + self.data.as_ref().map_or(0, String::len) > MAX_EVENT_BYTES
                    {
                        return Err(TooLong);
                    }
                }
            }
        }
        Ok(events)
    }

    /// Whether part of an event has been read and not completed: the stream ended mid-event.
    pub(crate) fn is_mid_event(&self) -> bool {
        !self.line.is_empty() || self.name.is_some() || self.data.is_some()
    }

    fn line_done(&mut self, line: &[u8]) -> Option<Event> {
        if line.is_empty() {
            let name = self.name.take();
            // An event without data is dropped, as the format says.
            let data = self.data.take()?;
            return Some(Event {
                name: name.unwrap_or_else(|| "message".to_owned()),
                data,
            });
        }
        if line.first() == Some(&b':') {
            return None;
        }
        let line = String::from_utf8_lossy(line);
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        match field {
            "event" => self.name = Some(value.to_owned()),
            "data" => match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_owned()),
            },
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &str, data: &str) -> Event {
        Event {
            name: name.into(),
            data: data.into(),
        }
    }

    #[test]
    fn events_comments_and_line_ends() {
        let mut p = Parser::default();
        let text = ":connected\n\nevent: notification\ndata: {\"id\":\"1\"}\n\n:thump\n\
                    event:update\r\ndata:a\r\ndata: b\r\n\r\ndata: plain\r\rid: 7\nretry: 10\n\n";
        let events = p.feed(text.as_bytes()).unwrap();
        assert_eq!(
            events,
            [
                event("notification", "{\"id\":\"1\"}"),
                event("update", "a\nb"),
                event("message", "plain"),
            ]
        );
        assert!(!p.is_mid_event());
    }

    #[test]
    fn any_cut_between_reads_gives_the_same_events() {
        let text = "event: notification\r\ndata: {\"x\": \"é\"}\r\n\r\n:thump\n\nevent: delete\ndata: 9\n\n";
        let whole = Parser::default().feed(text.as_bytes()).unwrap();
        assert_eq!(whole.len(), 2);
        let bytes = text.as_bytes();
        for cut in 0..=bytes.len() {
            let mut p = Parser::default();
            let mut got = p.feed(&bytes[..cut]).unwrap();
            got.extend(p.feed(&bytes[cut..]).unwrap());
            assert_eq!(got, whole, "cut at {cut}");
        }
    }

    #[test]
    fn an_event_cut_off_is_never_delivered() {
        let mut p = Parser::default();
        let got = p
            .feed(b"event: notification\ndata: {\"id\":\"1\",\"type\":\"men")
            .unwrap();
        assert!(got.is_empty());
        assert!(p.is_mid_event());
    }

    #[test]
    fn a_runaway_event_is_refused() {
        let mut p = Parser::default();
        let mut chunk = b"data: ".to_vec();
        chunk.extend(std::iter::repeat_n(b'x', 1000));
        chunk.push(b'\n');
        let mut result = Ok(vec![]);
        for _ in 0..(MAX_EVENT_BYTES / 1000 + 2) {
            result = p.feed(&chunk);
            if result.is_err() {
                break;
            }
        }
        assert_eq!(result, Err(TooLong));
    }
}
