//! Visible progress for long steps: a banner per step, elapsed time when it ends.

use std::time::Instant;

/// A named step; prints `==> what` now and `    done in Ns` when finished.
pub struct Step {
    what: String,
    started: Instant,
}

impl Step {
    pub fn start(what: impl Into<String>) -> Self {
        let what = what.into();
        eprintln!("==> {what}");
        Self { what, started: Instant::now() }
    }

    pub fn done(self) {
        eprintln!("    {} done in {:.1}s", self.what, self.started.elapsed().as_secs_f64());
    }
}

/// A one-line note under the current step.
pub fn note(text: impl AsRef<str>) {
    eprintln!("    {}", text.as_ref());
}
