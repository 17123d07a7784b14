//! Talking to /dev/kwasm through its ioctls, with errors that say what went wrong and what
//! to do rather than bare errno numbers.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Result};

use crate::uapi::{self, CallRequest, ListRequest, LoadRequest, ProgramInfo, Stats, UnloadRequest};

pub const DEFAULT_PATH: &str = "/dev/kwasm";

/// An open /dev/kwasm.
pub struct Device {
    file: File,
    path: PathBuf,
}

/// Which program to unload.
pub enum Target<'a> {
    Id(u32),
    Name(&'a str),
}

impl<'a> Target<'a> {
    /// A program given on the command line: a positive number is an id, anything else a name.
    pub fn parse(text: &'a str) -> Self {
        match text.parse::<u32>() {
            Ok(id) if id > 0 => Target::Id(id),
            _ => Target::Name(text),
        }
    }
}

impl Device {
    pub fn open(path: &Path) -> Result<Self> {
        let file = OpenOptions::new().read(true).write(true).open(path).map_err(|e| open_error(path, e))?;
        Ok(Self { file, path: path.to_path_buf() })
    }

    /// Runs one ioctl; `Err` carries the OS error.
    fn ioctl<T>(&self, cmd: u32, arg: &mut T) -> io::Result<i32> {
        // SAFETY: `arg` points to a live, properly sized `repr(C)` value whose layout is the one
        // the kernel expects for `cmd` (uapi.rs, checked sizes); the kernel reads and writes at
        // most `size_of::<T>()` bytes through it, plus the user buffers the struct names, which
        // the callers keep alive across the call.
        let ret = unsafe { libc::ioctl(self.file.as_raw_fd(), cmd as _, arg as *mut T) };
        if ret < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(ret)
        }
    }

    /// Loads a program; returns its id. On failure the error carries the kernel's reason.
    pub fn load(&self, wasm: &[u8], name: &str) -> Result<u32> {
        let name_field = uapi::name_field(name).ok_or_else(|| anyhow!("program name {name:?} is longer than {} bytes", uapi::NAME_MAX))?;
        let mut reason = vec![0u8; 512];
        let mut req = LoadRequest {
            wasm: wasm.as_ptr() as u64,
            wasm_len: wasm.len() as u64,
            error: reason.as_mut_ptr() as u64,
            error_len: reason.len() as u64,
            name: name_field,
            ..LoadRequest::default()
        };
        match self.ioctl(uapi::KWASM_IOC_LOAD, &mut req) {
            Ok(_) => Ok(req.id),
            Err(e) => {
                let len = reason.iter().position(|&b| b == 0).unwrap_or(reason.len());
                let reason = String::from_utf8_lossy(&reason[..len]).into_owned();
                Err(self.refused(e, (!reason.is_empty()).then_some(reason)))
            }
        }
    }

    pub fn list(&self) -> Result<Vec<ProgramInfo>> {
        let mut capacity = 64;
        loop {
            let mut entries = vec![ProgramInfo::default(); capacity];
            let mut req = ListRequest { entries: entries.as_mut_ptr() as u64, capacity: capacity as u32, count: 0 };
            self.ioctl(uapi::KWASM_IOC_LIST, &mut req).map_err(|e| self.refused(e, None))?;
            if (req.count as usize) <= capacity {
                entries.truncate(req.count as usize);
                return Ok(entries);
            }
            capacity = req.count as usize;
        }
    }

    pub fn unload(&self, target: Target<'_>) -> Result<()> {
        let mut req = UnloadRequest::default();
        match target {
            Target::Id(id) => req.id = id,
            Target::Name(name) => req.name = uapi::name_field(name).ok_or_else(|| anyhow!("no program is named {name:?}"))?,
        }
        self.ioctl(uapi::KWASM_IOC_UNLOAD, &mut req).map(|_| ()).map_err(|e| match e.raw_os_error() {
            Some(libc::ENOENT) => anyhow!("no program {} is loaded (see `kwasmctl list`)", describe(&target)),
            _ => self.refused(e, None),
        })
    }

    /// Calls `export` of a loaded program `repeat` times (zero arguments), in the kernel.
    pub fn call(&self, target: Target<'_>, export: &str, repeat: u32) -> Result<CallRequest> {
        let mut req = CallRequest { repeat, ..CallRequest::default() };
        match target {
            Target::Id(id) => req.id = id,
            Target::Name(name) => req.name = uapi::name_field(name).ok_or_else(|| anyhow!("no program is named {name:?}"))?,
        }
        req.export = uapi::name_field(export).ok_or_else(|| anyhow!("export name {export:?} is longer than {} bytes", uapi::NAME_MAX))?;
        self.ioctl(uapi::KWASM_IOC_CALL, &mut req).map_err(|e| match e.raw_os_error() {
            Some(libc::ENOENT) => anyhow!("no program {} with an exported function {export:?} is loaded", describe(&target)),
            Some(libc::ECANCELED) => anyhow!("{export} trapped (see `dmesg`; counted in `kwasmctl list`)"),
            Some(libc::EINVAL) => anyhow!("cannot call {export}: it takes non-integer arguments, or --repeat is not 1 to {}", uapi::CALL_REPEAT_MAX),
            _ => self.refused(e, None),
        })?;
        Ok(req)
    }

    pub fn stats(&self) -> Result<Stats> {
        let mut stats = Stats::default();
        self.ioctl(uapi::KWASM_IOC_STATS, &mut stats).map_err(|e| self.refused(e, None))?;
        Ok(stats)
    }

    /// An error from the module, with its reason when it gave one.
    fn refused(&self, e: io::Error, reason: Option<String>) -> anyhow::Error {
        match (e.raw_os_error(), reason) {
            (_, Some(reason)) => anyhow!("{reason}"),
            (Some(libc::EPERM), None) => anyhow!("not permitted: loading and unloading programs needs CAP_SYS_ADMIN (run as root)"),
            (Some(libc::ENOTTY), None) => anyhow!("{} does not understand this request: is the loaded kwasm module older than kwasmctl?", self.path.display()),
            (_, None) => anyhow!("{} failed: {e}", self.path.display()),
        }
    }
}

fn describe(target: &Target<'_>) -> String {
    match target {
        Target::Id(id) => format!("with id {id}"),
        Target::Name(n) => format!("named {n:?}"),
    }
}

fn open_error(device: &Path, err: io::Error) -> anyhow::Error {
    match err.kind() {
        io::ErrorKind::NotFound => anyhow!("{} does not exist: is the kwasm module loaded? (`cargo make load`, or insmod kwasm.ko)", device.display()),
        io::ErrorKind::PermissionDenied => anyhow!("cannot open {}: permission denied (kwasm is root only)", device.display()),
        _ => anyhow!("cannot open {}: {err}", device.display()),
    }
}

/// A program name derived from a file name: its stem, with characters outside
/// `[A-Za-z0-9_.-]` replaced by `_`, cut to the longest name the kernel takes.
pub fn name_from_path(path: &Path) -> Result<String> {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') { c } else { '_' })
        .take(uapi::NAME_MAX)
        .collect();
    if name.is_empty() {
        bail!("cannot derive a program name from {}; give one with --name", path.display());
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_paths() {
        assert_eq!(name_from_path(Path::new("target/samples/hello.wasm")).unwrap(), "hello");
        assert_eq!(name_from_path(Path::new("my prog!.wasm")).unwrap(), "my_prog_");
        assert_eq!(name_from_path(Path::new(&format!("{}.wasm", "a".repeat(40)))).unwrap().len(), 31);
    }
}
