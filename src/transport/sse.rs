//! Server-Sent Events. The browser's own reconnect is not used: on any error the
//! engine closes this source and decides what to do next. A page that holds a
//! bearer reads the stream through `fetch` instead (`sse/fetch.rs`): an
//! `EventSource` cannot send an `Authorization` header.

mod fetch;
mod parse;

use pulse_protocol::Cursor;
use wasm_bindgen::prelude::*;
use web_sys::{Event, EventSource, MessageEvent};

use super::url::query;
use super::{credential, parse, ServerUrl, Sink};

/// An open event stream.
pub enum SseTransport {
    /// The browser's `EventSource` (the cookie rides along on the page's origin).
    Source(SourceTransport),
    /// Read through `fetch`, with the bearer.
    Fetch(fetch::FetchStream),
}

impl SseTransport {
    /// Connects; failures arrive through the sink.
    pub fn open(server: &ServerUrl, cursor: Option<&Cursor>, sink: Sink) -> Result<Self, String> {
        let url = server.http(&format!(
            "/api/v1/sse{}",
            query(cursor, &[super::url::ALERTS, super::url::HUB, super::url::COLUMNS])
        ));
        Ok(match credential::bearer() {
            Some(secret) => SseTransport::Fetch(fetch::FetchStream::open(url, &secret, sink)),
            None => SseTransport::Source(SourceTransport::open(&url, sink)?),
        })
    }

    /// Closes it; no callback fires afterwards.
    pub fn close(self) {
        match self {
            SseTransport::Source(source) => source.close(),
            SseTransport::Fetch(stream) => stream.close(),
        }
    }
}

/// An open EventSource and the callbacks that keep it alive.
pub struct SourceTransport {
    source: EventSource,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

impl SourceTransport {
    /// Connects to `url`; failures arrive through the sink.
    fn open(url: &str, sink: Sink) -> Result<Self, String> {
        let source = EventSource::new(url).map_err(|e| format!("cannot open an EventSource: {e:?}"))?;
        let messages = sink.messages.clone();
        let malformed = sink.malformed.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(text) = event.data().as_string() else { return };
            match parse(&text) {
                Ok(message) => messages(vec![message]),
                Err(error) => malformed(error),
            }
        });
        let failed = sink.failed;
        let on_error =
            Closure::<dyn FnMut(Event)>::new(move |_: Event| failed("the event stream failed or ended".into(), None));
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(SourceTransport { source, _on_message: on_message, _on_error: on_error })
    }

    /// Detaches every callback and closes the source.
    fn close(self) {
        self.source.set_onmessage(None);
        self.source.set_onerror(None);
        self.source.close();
    }
}
