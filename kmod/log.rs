// SPDX-License-Identifier: GPL-2.0

//! Log lines about what user space sent and what programs print, rate limited so neither a
//! user nor a program can flood the kernel log. Formatting happens here, printing in
//! `kwasm_log.c` (the Rust print macros have no rate-limited form).

use core::fmt::{self, Write};

extern "C" {
    /// Prints `kwasm: <msg>` at KERN_WARNING, rate limited (see kwasm_log.c).
    fn kwasm_warn_ratelimited(msg: *const u8, len: usize);
    /// Prints `kwasm: <name>: <msg>` at KERN_INFO, rate limited separately (see kwasm_log.c).
    fn kwasm_program_print(name: *const u8, name_len: usize, msg: *const u8, len: usize);
}

/// Longest line logged; longer text is cut and ends in `...`.
pub(crate) const LINE_MAX: usize = 200;

/// A line formatted into a fixed buffer; what does not fit is cut.
pub(crate) struct Line {
    buf: [u8; LINE_MAX],
    len: usize,
    cut: bool,
}

impl Line {
    /// Formats `args` into a new line.
    pub(crate) fn format(args: fmt::Arguments<'_>) -> Self {
        let mut line = Self { buf: [0; LINE_MAX], len: 0, cut: false };
        // Writing into `Line` never fails; a formatting error would only shorten the line.
        let _ = line.write_fmt(args);
        line
    }

    /// Appends `bytes` as printable ASCII: control characters and non-ASCII become `?`, so a
    /// program's text stays on one line.
    fn push_printable(&mut self, bytes: &[u8]) {
        for &b in bytes {
            let Some(slot) = self.buf.get_mut(self.len) else {
                self.cut = true;
                return;
            };
            *slot = if (b' '..=b'~').contains(&b) { b } else { b'?' };
            self.len += 1;
        }
    }

    /// The text, with `...` at the end if it was cut.
    pub(crate) fn as_bytes(&mut self) -> &[u8] {
        if self.cut {
            if let Some(tail) = self.buf.get_mut(LINE_MAX - 3..) {
                tail.copy_from_slice(b"...");
            }
        }
        self.buf.get(..self.len).unwrap_or(&[])
    }
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
    let mut line = Line::format(args);
    let text = line.as_bytes();
    // SAFETY: `text` is valid for reads of `text.len()` bytes for the duration of the call,
    // and `kwasm_warn_ratelimited` reads no more than that.
    unsafe { kwasm_warn_ratelimited(text.as_ptr(), text.len()) };
}

/// Logs what a program printed with `_debug`: one rate-limited line, `kwasm: <name>: <text>`.
pub(crate) fn program_line(name: &str, text: &[u8]) {
    let mut line = Line::format(format_args!(""));
    line.push_printable(text);
    let text = line.as_bytes();
    // SAFETY: both buffers are valid for reads of the given lengths for the duration of the
    // call, and `kwasm_program_print` reads no more than that.
    unsafe { kwasm_program_print(name.as_ptr(), name.len(), text.as_ptr(), text.len()) };
}
