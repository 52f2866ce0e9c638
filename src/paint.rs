//! Canvas plumbing shared by every canvas on the page: charts and text cells.
//!
//! [`scheduler`] is the one painter: canvases mark themselves dirty and it paints the
//! oldest dirty ones on the next animation frames, within a time budget per frame, so
//! a second's worth of redraws never becomes one long task. [`observe`] reports a
//! canvas's CSS size and whether it is on screen, [`backing`] sizes its backing store
//! for the screen's pixel ratio, and [`text`] lays text out in cells and draws it, so
//! numbers that change every second never touch laid-out DOM text.

pub mod backing;
pub mod observe;
pub mod scheduler;
pub mod text;
