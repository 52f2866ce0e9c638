//! The engine's rules, each a test. Two harnesses: [`support::Script`] plays the
//! browser one event at a time; [`world::World`] simulates a server, a network and
//! the hook's timers, so whole scenarios (a blocked WebSocket, a restart, a frozen
//! server) can be timed end to end.

mod support;
mod world;

mod alerts;
mod attempts;
mod backoff;
mod dead;
mod fallback;
mod lifecycle;
mod no_such_host;
mod probe;
mod resume;
mod signed_out;
mod status;
mod subscribe;
mod up;
