//! WebSocket: pings right after `hello`, so the engine sees data one round trip
//! later and a socket that opens but carries nothing is caught in time.

use pulse_protocol::{Cursor, ServerMessage};
use wasm_bindgen::prelude::*;
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

use super::{credential, parse, ServerUrl, Sink};

/// An open WebSocket and the callbacks that keep it alive.
pub struct WebSocketTransport {
    socket: WebSocket,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
    _on_open: Closure<dyn FnMut(Event)>,
}

impl WebSocketTransport {
    /// Connects; failures arrive through the sink.
    pub fn open(server: &ServerUrl, cursor: Option<&Cursor>, sink: Sink) -> Result<Self, String> {
        let url = server.websocket(cursor);
        // A browser cannot set headers on a WebSocket: the bearer rides as a subprotocol.
        let socket = match credential::bearer() {
            Some(secret) => {
                let protocols = js_sys::Array::new();
                for protocol in credential::websocket_protocols(&secret) {
                    protocols.push(&JsValue::from_str(&protocol));
                }
                WebSocket::new_with_str_sequence(&url, &protocols)
            }
            None => WebSocket::new(&url),
        }
        .map_err(|e| format!("cannot open a WebSocket: {e:?}"))?;
        let ping_socket = socket.clone();
        let messages = sink.messages.clone();
        let malformed = sink.malformed.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(text) = event.data().as_string() else { return };
            match parse(&text) {
                Ok(message) => {
                    if matches!(message, ServerMessage::Hello(_)) {
                        let _ = ping_socket.send_with_str(r#"{"type":"ping"}"#);
                    }
                    messages(vec![message]);
                }
                Err(error) => malformed(error),
            }
        });
        let failed = sink.failed.clone();
        let on_error = Closure::<dyn FnMut(Event)>::new(move |_: Event| failed("WebSocket error".into(), None));
        let failed = sink.failed;
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            let (code, reason) = (event.code(), event.reason());
            // 1012: the server restarts, back in a moment; 1013: overloaded, try later.
            let hint = match code {
                1012 => Some(1_000.0),
                1013 => Some(5_000.0),
                _ => None,
            };
            failed(format!("closed ({code}{}{reason})", if reason.is_empty() { "" } else { " " }), hint);
        });
        let opened = sink.opened;
        let on_open = Closure::<dyn FnMut(Event)>::new(move |_: Event| opened());
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(WebSocketTransport {
            socket,
            _on_message: on_message,
            _on_error: on_error,
            _on_close: on_close,
            _on_open: on_open,
        })
    }

    /// Sends a text message (a `subscribe`); an error means the socket is going away,
    /// which its `close` event reports anyway.
    pub fn send(&self, text: &str) -> Result<(), String> {
        self.socket.send_with_str(text).map_err(|e| format!("cannot send on the WebSocket: {e:?}"))
    }

    /// Detaches every callback and closes the socket.
    pub fn close(self) {
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onerror(None);
        self.socket.set_onclose(None);
        let _ = self.socket.close();
    }
}
