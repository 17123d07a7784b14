//! Talking to /dev/kwasm, with errors that say what went wrong and what to do.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use anyhow::{anyhow, Context, Result};

use crate::kmsg::KernelLog;

pub const DEFAULT_PATH: &str = "/dev/kwasm";

/// Writes the program in `file` to the device in one write; returns the bytes sent.
pub fn load(device: &Path, file: &Path) -> Result<usize> {
    let program = fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut dev = OpenOptions::new().write(true).open(device).map_err(|e| open_error(device, e))?;
    // Opened before the write, so only the kernel's lines about this load are read back.
    let log = KernelLog::open_at_end();
    let written = dev.write_all(&program).and_then(|()| dev.flush());
    if let Err(err) = written {
        let reason = log.and_then(|mut l| l.last_line_containing("kwasm: rejected"));
        return Err(match (err.raw_os_error(), reason) {
            (Some(libc::EINVAL), Some(reason)) => anyhow!("{} was rejected by the kernel: {}", file.display(), reason.trim_start_matches("kwasm: rejected upload: ")),
            (Some(libc::EINVAL), None) => anyhow!("{} was rejected by the kernel (EINVAL); `dmesg | grep kwasm` says why", file.display()),
            _ => anyhow!("writing {} to {} failed: {err}", file.display(), device.display()),
        });
    }
    Ok(program.len())
}

fn open_error(device: &Path, err: io::Error) -> anyhow::Error {
    match err.kind() {
        io::ErrorKind::NotFound => anyhow!("{} does not exist: is the kwasm module loaded? (`cargo make load`, or insmod kwasm.ko)", device.display()),
        io::ErrorKind::PermissionDenied => anyhow!("cannot open {}: permission denied (loading programs needs root)", device.display()),
        _ => anyhow!("cannot open {}: {err}", device.display()),
    }
}
