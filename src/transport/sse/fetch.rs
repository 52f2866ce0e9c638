//! The event stream read through `fetch`, for a page that holds a bearer: an
//! `EventSource` cannot send an `Authorization` header. Same messages, same cursor
//! in the query, same one failure to the sink; closing aborts the request.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Reflect, Uint8Array};
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    AbortController, Headers, ReadableStreamDefaultReader, RequestInit, Response, TextDecodeOptions, TextDecoder,
};

use super::super::http::{network, settle, status_error, HttpError};
use super::super::{credential, parse, Sink};
use super::parse::EventParser;

/// A stream being read; closing aborts it and silences its callbacks.
pub struct FetchStream {
    stopped: Rc<Cell<bool>>,
    abort: Option<AbortController>,
}

impl FetchStream {
    /// Starts reading `url` with `secret` as the bearer.
    pub fn open(url: String, secret: &str, sink: Sink) -> Self {
        let stopped = Rc::new(Cell::new(false));
        let abort = AbortController::new().ok();
        let signal = abort.as_ref().map(AbortController::signal);
        let authorization = credential::authorization(secret);
        let running = stopped.clone();
        spawn_local(async move {
            let result = read(&url, &authorization, signal.as_ref(), &running, &sink).await;
            if running.get() {
                return;
            }
            match result {
                Err(HttpError::Status { status: 401, detail, .. }) => (sink.unauthorized)(detail),
                Err(HttpError::Status { retry_after_ms, .. }) => {
                    (sink.failed)(result.err().map(|e| e.to_string()).unwrap_or_default(), retry_after_ms)
                }
                Err(error) => (sink.failed)(error.to_string(), None),
                Ok(()) => (sink.failed)("the event stream ended".into(), None),
            }
        });
        FetchStream { stopped, abort }
    }

    /// Stops reading and aborts the request.
    pub fn close(self) {
        self.stopped.set(true);
        if let Some(abort) = self.abort {
            abort.abort();
        }
    }
}

/// Reads the stream until it ends, fails or is stopped, handing each event to the sink.
async fn read(
    url: &str,
    authorization: &str,
    signal: Option<&web_sys::AbortSignal>,
    stopped: &Cell<bool>,
    sink: &Sink,
) -> Result<(), HttpError> {
    let init = RequestInit::new();
    init.set_signal(signal);
    let headers = Headers::new().map_err(network)?;
    headers.set("authorization", authorization).map_err(network)?;
    headers.set("accept", "text/event-stream").map_err(network)?;
    init.set_headers(&headers);
    let window = web_sys::window().ok_or_else(|| HttpError::Network("no window".to_owned()))?;
    let response: Response = settle(window.fetch_with_str_and_init(url, &init)).await?.unchecked_into();
    if !response.ok() {
        return Err(status_error(response).await);
    }
    let body = response.body().ok_or_else(|| HttpError::Body("the event stream has no body".into()))?;
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let decoder = TextDecoder::new().map_err(network)?;
    let options = TextDecodeOptions::new();
    options.set_stream(true);
    let mut parser = EventParser::default();
    loop {
        let chunk = settle(reader.read()).await?;
        if stopped.get() {
            return Ok(());
        }
        if Reflect::get(&chunk, &JsValue::from_str("done")).ok().and_then(|d| d.as_bool()).unwrap_or(true) {
            return Ok(());
        }
        let Ok(value) = Reflect::get(&chunk, &JsValue::from_str("value")) else { continue };
        let bytes: Uint8Array = value.unchecked_into();
        let text = decoder.decode_with_js_u8_array_and_options(&bytes, &options).map_err(network)?;
        for data in parser.push(&text) {
            match parse(&data) {
                Ok(message) => (sink.messages)(vec![message]),
                Err(error) => (sink.malformed)(error),
            }
        }
    }
}
