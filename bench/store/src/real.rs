//! Real host data: frames recorded from a hub's SSE stream, with the units its
//! catalogue gives each series.

use pulse_protocol::{Catalog, Frame, ServerMessage};

/// The recorded frames (in order) and the last catalogue seen.
pub fn read(path: &str) -> Result<(Vec<Frame>, Catalog), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut frames = Vec::new();
    let mut catalog = Catalog::default();
    for line in text.lines() {
        let Some(json) = line.strip_prefix("data: ") else { continue };
        match serde_json::from_str::<ServerMessage>(json) {
            Ok(ServerMessage::Frame(frame)) => frames.push(frame),
            Ok(ServerMessage::Hello(hello)) => catalog = hello.catalog,
            _ => {}
        }
    }
    if frames.is_empty() {
        return Err(format!("{path} holds no frames"));
    }
    Ok((frames, catalog))
}
