//! The task that publishes samples: the hub numbers, stores and serialises each one,
//! then the fan-out writes it to every WebSocket client. When no sample has come
//! for a heartbeat interval, the fan-out writes a heartbeat instead, so a quiet
//! link still shows it is alive (SSE streams time their own heartbeats).

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::Hub;
use crate::fanout::encode_text;
use crate::history::SharedFrame;
use crate::sampler::Sample;

/// Publishes `samples` until the channel closes or the hub stops.
pub async fn run(hub: Arc<Hub>, samples: mpsc::Receiver<Sample>) {
    run_with(hub, samples, Hub::publish).await;
}

/// [`run`] for anything `publish` makes a frame of (the fleet summary in columns:
/// [`Hub::publish_columns`]).
pub async fn run_with<T>(
    hub: Arc<Hub>,
    mut samples: mpsc::Receiver<T>,
    publish: fn(&Hub, T) -> Option<Arc<SharedFrame>>,
) {
    let heartbeat = hub.timing().heartbeat;
    let mut quiet_since = Instant::now();
    loop {
        tokio::select! {
            sample = samples.recv() => {
                let Some(sample) = sample else { return };
                let Some(frame) = publish(&hub, sample) else { return };
                hub.fanout().deliver_frame(frame.frame.seq, &frame.ws).await;
                quiet_since = Instant::now();
            }
            () = tokio::time::sleep_until(quiet_since + heartbeat) => {
                let seq = hub.newest_seq();
                hub.fanout().deliver_heartbeat(seq, &encode_text(&hub.heartbeat(seq))).await;
                quiet_since = Instant::now();
            }
        }
    }
}
