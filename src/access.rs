//! Who the page is, to the hub: the pure rules of sign-in, share links and what a
//! role may see. The hook that talks to the hub and the browser's storage is
//! `crate::hooks::use_access`; the sign-in page and the admin screens are
//! components. Nothing here does I/O.

pub mod fragment;
pub mod phase;
pub mod words;

pub use phase::{after_refusal, Phase};
