//! [`Decode`] for [`ServerMessage`]: find the `type`, then read the object again
//! as that message type.
//!
//! Looking for `type` first reads a message exactly as the derived struct of its
//! type would, whatever the order of its fields; the server writes `type` first,
//! and a second pass over a small object costs less than buffering it.

use super::{Decode, JsonError, JsonErrorKind, Reader};
use crate::alerts::LiveAlerts;
use crate::message::tag::Tag;
use crate::{Bye, Frame, Gap, Heartbeat, Hello, HubStatus, ServerMessage};

impl Decode for ServerMessage {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        reader.peek();
        let start = reader.position();
        let tag = tag(reader)?;
        let end = reader.position();
        reader.rewind(start);
        let message = match tag {
            Tag::Hello => ServerMessage::Hello(Hello::decode(reader)?),
            Tag::Frame => ServerMessage::Frame(Frame::decode(reader)?),
            Tag::Heartbeat => ServerMessage::Heartbeat(Heartbeat::decode(reader)?),
            Tag::Gap => ServerMessage::Gap(Gap::decode(reader)?),
            Tag::Bye => ServerMessage::Bye(Bye::decode(reader)?),
            Tag::Alerts => ServerMessage::Alerts(LiveAlerts::decode(reader)?),
            Tag::Hub => ServerMessage::Hub(HubStatus::decode(reader)?),
            Tag::Error => ServerMessage::Error(crate::ApiError::decode(reader)?),
        };
        debug_assert_eq!(reader.position(), end, "both passes read the same object");
        Ok(message)
    }
}

/// Reads a whole object, keeping only its `type`.
fn tag(reader: &mut Reader<'_>) -> Result<Tag, JsonError> {
    let mut tag = None;
    reader.begin_object()?;
    while let Some(key) = reader.next_key()? {
        if key != "type" {
            reader.skip()?;
            continue;
        }
        if tag.is_some() {
            return Err(reader.error(JsonErrorKind::DuplicateField("type")));
        }
        tag = Some(Tag::decode(reader)?);
    }
    reader.require(tag, "type")
}
