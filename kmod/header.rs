// SPDX-License-Identifier: GPL-2.0

//! The 8-byte header every wasm binary starts with: magic `\0asm`, then version 1 (LE u32).

use core::fmt;

/// Length of the header.
pub(crate) const LEN: usize = 8;
const MAGIC: [u8; 4] = *b"\0asm";
const VERSION: [u8; 4] = [1, 0, 0, 0];

/// Why a header was rejected.
pub(crate) enum BadHeader {
    /// The upload ended (or its first write ended) before the header was complete.
    Truncated { received: usize },
    /// The first four bytes are not `\0asm`.
    Magic([u8; 4]),
    /// The version is not 1.
    Version(u32),
}

impl fmt::Display for BadHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated { received } => write!(
                f,
                "truncated header: {received} byte(s), a wasm module starts with {LEN} (magic and version)"
            ),
            Self::Magic(m) => write!(
                f,
                "not a wasm module: magic at offset 0 is {:02x} {:02x} {:02x} {:02x}, expected 00 61 73 6d",
                m[0], m[1], m[2], m[3]
            ),
            Self::Version(v) => write!(f, "unsupported wasm version {v} at offset 4, expected 1"),
        }
    }
}

/// Checks a complete header.
pub(crate) fn check(header: &[u8; LEN]) -> Result<(), BadHeader> {
    let [m0, m1, m2, m3, v0, v1, v2, v3] = *header;
    let magic = [m0, m1, m2, m3];
    if magic != MAGIC {
        return Err(BadHeader::Magic(magic));
    }
    let version = [v0, v1, v2, v3];
    if version != VERSION {
        return Err(BadHeader::Version(u32::from_le_bytes(version)));
    }
    Ok(())
}
