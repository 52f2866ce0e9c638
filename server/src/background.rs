//! Threads whose work may wait (the history store's rounds, password hashing): they
//! run at a lower priority, so the threads that serve streams get the cores first.

/// Lowers the calling thread's scheduling priority to nice 10 (Linux sets it per
/// thread); `what` names the thread in the log line if it cannot.
pub fn lower_priority(what: &str) {
    // SAFETY: setpriority on this thread's own id changes nothing but its priority.
    let failed = unsafe { libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, 10) } != 0;
    if failed {
        tracing::debug!("{what}: could not lower its thread's priority");
    }
}
