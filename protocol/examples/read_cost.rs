//! The CPU a hub spends reading one agent frame: as `serde_json::from_str` reads
//! it (the frame before dropped, as history used to drop it) and read into the
//! buffers of the frame before (`Reusing`), and over the frame before without
//! serde when it is in the hub's layout (`read_frame_over`, then `Reusing`, as
//! `Hub::read` does). The least CPU
//! time of 3 rounds of 200,000 reads each, over the frames of a real host.
//!
//! `cargo run --release -p pulse-protocol --example read_cost -- POLL.json`, where
//! POLL.json is a hub's `/api/v1/poll?epoch=E&since=0` answer (the second line of
//! the poll.json bench/fleet's `record_sample` keeps); see
//! `bench/results/fleet-versus.notes.md`.
use pulse_protocol::{read_frame_over, Reusing, ServerMessage};
use serde::de::DeserializeSeed;

/// This process's CPU time (user + system), in seconds: the machine is shared,
/// so wall time would count the neighbours.
fn cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("stat");
    let fields: Vec<&str> = stat.rsplit(')').next().expect("fields").split_whitespace().collect();
    (fields[11].parse::<f64>().expect("utime") + fields[12].parse::<f64>().expect("stime")) / 100.0
}

fn main() {
    let sample = std::fs::read_to_string(std::env::args().nth(1).expect("a poll answer")).expect("readable");
    let poll: serde_json::Value = serde_json::from_str(&sample).expect("json");
    let texts: Vec<String> = poll["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["type"] == "frame")
        // As the hub writes it (the `Value`'s keys would come sorted).
        .map(|m| serde_json::to_string(&serde_json::from_value::<ServerMessage>(m.clone()).expect("a frame")))
        .map(|text| text.expect("text"))
        .collect();
    let n = 200_000;
    let (mut plain, mut reuse, mut quick) = (f64::MAX, f64::MAX, f64::MAX);
    let mut taken = 0;
    for _ in 0..3 {
        let t = cpu();
        let mut keep = None;
        for i in 0..n {
            let text = &texts[i % texts.len()];
            let m = serde_json::from_str::<ServerMessage>(text).expect("reads");
            keep = Some(m); // the frame before is dropped here, as history drops it
        }
        plain = plain.min((cpu() - t) * 1e6 / n as f64);
        drop(keep);
        // Over the frame before with serde alone, then with `read_frame_over` first.
        for (quick_first, best) in [(false, &mut reuse), (true, &mut quick)] {
            let t = cpu();
            let mut spare = None;
            for i in 0..n {
                let text = &texts[i % texts.len()];
                let m = match spare.take_if(|frame| quick_first && read_frame_over(text, frame)) {
                    Some(frame) => {
                        taken += 1;
                        ServerMessage::Frame(frame)
                    }
                    None => {
                        let mut reader = serde_json::Deserializer::from_str(text);
                        let m = Reusing(spare.take()).deserialize(&mut reader).expect("reads");
                        reader.end().expect("end");
                        m
                    }
                };
                if let ServerMessage::Frame(f) = m {
                    spare = Some(f);
                }
            }
            *best = best.min((cpu() - t) * 1e6 / n as f64);
        }
    }
    println!(
        "{} frames of {} bytes: serde_json::from_str {:.2} us, Reusing {:.2} us, read_frame_over {:.2} us a frame \
         (it took {:.0} % of them; serde the others, over the frame before)",
        texts.len(),
        texts[0].len(),
        plain,
        reuse,
        quick,
        taken as f64 * 100.0 / (3 * n) as f64
    );
}
