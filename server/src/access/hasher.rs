//! Password checks off the hub's threads: one thread at nice 10 takes them in turn
//! from a short queue. A check costs tens of milliseconds of a core, so a flood of
//! sign-ins (from more addresses than the rate limits see) can take one core, at
//! low priority, and never the ones serving streams; a full queue answers "busy".

use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};

/// Checks waiting at most (about half a second of work).
const QUEUE: usize = 16;

type Job = Box<dyn FnOnce() + Send>;

/// The hashing thread's queue.
pub struct Hasher {
    jobs: Option<SyncSender<Job>>,
}

/// The queue is full (or the thread is gone): try again in a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

impl Hasher {
    /// Starts the thread; it ends when the `Hasher` is dropped.
    pub fn spawn() -> Hasher {
        let (sender, jobs) = sync_channel::<Job>(QUEUE);
        let started = std::thread::Builder::new().name("pulse-hash".into()).spawn(move || {
            crate::background::lower_priority("password checks");
            while let Ok(job) = jobs.recv() {
                job();
            }
        });
        match started {
            Ok(_) => Hasher { jobs: Some(sender) },
            Err(error) => {
                tracing::error!(%error, "cannot start the password thread: nobody can sign in");
                Hasher { jobs: None }
            }
        }
    }

    /// Runs `work` on the thread; its result, or [`Busy`].
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, Busy> {
        let jobs = self.jobs.as_ref().ok_or(Busy)?;
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        match jobs.try_send(job) {
            Ok(()) => result.await.map_err(|_| Busy),
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => Err(Busy),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_runs_in_turn_and_a_full_queue_is_busy() {
        let hasher = std::sync::Arc::new(Hasher::spawn());
        assert_eq!(hasher.run(|| 6 * 7).await, Ok(42));
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (started, running) = tokio::sync::oneshot::channel::<()>();
        let holder = std::sync::Arc::clone(&hasher);
        let blocker = tokio::spawn(async move {
            holder
                .run(move || {
                    let _ = started.send(());
                    held.recv().is_ok()
                })
                .await
        });
        running.await.unwrap();
        // The thread is held; fill the queue, then one more is refused.
        let mut waiting = Vec::new();
        let mut refused = false;
        for _ in 0..QUEUE + 2 {
            let (tx, rx) = tokio::sync::oneshot::channel();
            let job = hasher.jobs.as_ref().unwrap().try_send(Box::new(move || {
                let _ = tx.send(());
            }));
            if job.is_err() {
                refused = true;
                break;
            }
            waiting.push(rx);
        }
        assert!(refused, "a full queue refuses");
        release.send(()).unwrap();
        assert_eq!(blocker.await.unwrap(), Ok(true));
        for rx in waiting {
            rx.await.unwrap();
        }
    }
}
