//! The event-stream format, as far as Pulse's server writes it: `data:` lines make
//! an event's data (joined by newlines), a blank line ends the event; `id:`,
//! `retry:`, `event:` and comments (`:`) are read past. Used when the stream is
//! read through `fetch` (an `EventSource` parses it itself).

/// Bytes of text not yet a whole event, and the data of the event being read.
#[derive(Debug, Default)]
pub struct EventParser {
    pending: String,
    data: Option<String>,
}

impl EventParser {
    /// Reads `chunk` (any cut: mid-line, mid-event) and returns the data of every
    /// event it completed, in order.
    pub fn push(&mut self, chunk: &str) -> Vec<String> {
        self.pending.push_str(chunk);
        let mut events = Vec::new();
        while let Some(end) = self.pending.find('\n') {
            let line = self.pending[..end].strip_suffix('\r').unwrap_or(&self.pending[..end]).to_owned();
            self.pending.drain(..=end);
            if line.is_empty() {
                events.extend(self.data.take());
                continue;
            }
            let (field, value) = line.split_once(':').unwrap_or((&line, ""));
            if field == "data" {
                let value = value.strip_prefix(' ').unwrap_or(value);
                match &mut self.data {
                    Some(data) => {
                        data.push('\n');
                        data.push_str(value);
                    }
                    None => self.data = Some(value.to_owned()),
                }
            }
        }
        events
    }
}

#[cfg(test)]
mod tests {
    use super::EventParser;

    #[test]
    fn events_are_read_across_any_cut() {
        let stream =
            "retry: 1000\n\ndata: {\"a\":1}\n\n: keep-alive\nid: e:3\ndata: {\"b\":2}\r\n\r\ndata: x\ndata: y\n\n";
        let want = vec![r#"{"a":1}"#.to_owned(), r#"{"b":2}"#.to_owned(), "x\ny".to_owned()];
        for cut in 1..stream.len() {
            let mut parser = EventParser::default();
            let mut got = parser.push(&stream[..cut]);
            got.extend(parser.push(&stream[cut..]));
            assert_eq!(got, want, "cut at {cut}");
        }
        let mut parser = EventParser::default();
        assert_eq!(parser.push("data:nospace\n\ndata: unfinished"), vec!["nospace".to_owned()]);
        assert!(parser.push("\n").is_empty(), "not ended yet");
        assert_eq!(parser.push("\n"), vec!["unfinished".to_owned()]);
    }
}
