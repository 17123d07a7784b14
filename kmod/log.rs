// SPDX-License-Identifier: GPL-2.0

//! Rate-limited log lines about what user space sent: a program must not be able to flood
//! the kernel log. Formatting happens here, printing in `kwasm_log.c`.

use core::fmt::{self, Write};

extern "C" {
    /// Prints `kwasm: <msg>` at KERN_WARNING, rate limited (see kwasm_log.c).
    fn kwasm_warn_ratelimited(msg: *const u8, len: usize);
}

/// Longest line logged; longer messages are cut (and end in `...`).
const LINE_MAX: usize = 200;

/// A fixed buffer that `write!` fills, dropping what does not fit.
struct Line {
    buf: [u8; LINE_MAX],
    len: usize,
    cut: bool,
}

impl Write for Line {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let free = self.buf.get_mut(self.len..).unwrap_or(&mut []);
        let n = s.len().min(free.len());
        if let (Some(dst), Some(src)) = (free.get_mut(..n), s.as_bytes().get(..n)) {
            dst.copy_from_slice(src);
        }
        self.len += n;
        self.cut |= n < s.len();
        Ok(())
    }
}

/// Logs one rate-limited warning line, `kwasm: <args>`.
pub(crate) fn warn(args: fmt::Arguments<'_>) {
    let mut line = Line { buf: [0; LINE_MAX], len: 0, cut: false };
    // Writing into `Line` never fails; a formatting error would only shorten the line.
    let _ = line.write_fmt(args);
    if line.cut {
        if let Some(tail) = line.buf.get_mut(LINE_MAX - 3..) {
            tail.copy_from_slice(b"...");
        }
    }
    // SAFETY: `line.buf` is valid for reads of `line.len` bytes (`len <= LINE_MAX`) for the
    // duration of the call, and `kwasm_warn_ratelimited` only reads that many bytes.
    unsafe { kwasm_warn_ratelimited(line.buf.as_ptr(), line.len) };
}
