// SPDX-License-Identifier: GPL-2.0

//! `/dev/kwasm`: the character device programs are loaded through.
//!
//! - Writing: each open file is one upload. The first write must carry the whole 8-byte wasm
//!   header (a bad or short header fails that write with `EINVAL` and one log line); the
//!   program may come in any number of writes and is loaded when the file is closed. As
//!   `close` cannot report errors, a program rejected then is reported in the kernel log.
//! - ioctl: load (with the error text returned to the caller), list, unload, stats; see
//!   `uapi.rs` and docs/abi.md.
//!
//! Loading and unloading need CAP_SYS_ADMIN. The node is created by devtmpfs with mode 0600.

use core::mem::size_of;

use kernel::{
    bindings,
    fs::{File, Kiocb},
    iov::IovIterSource,
    miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration},
    new_mutex,
    prelude::*,
    sync::Mutex,
    uaccess::{UserPtr, UserSlice},
};

use crate::limits::ProgramLimits;
use crate::log::{self, Line};
use crate::program::LoadError;
use crate::registry::{self, Selector};
use crate::{header, uapi};

/// Registers `/dev/kwasm`.
pub(crate) fn register() -> impl PinInit<MiscDeviceRegistration<Upload>, Error> {
    MiscDeviceRegistration::register(MiscDeviceOptions { name: c"kwasm" })
}

/// True when the calling task may load and unload programs.
fn may_manage_programs() -> bool {
    // SAFETY: `capable` only inspects the current task's credentials; any capability number
    // is a valid argument.
    unsafe { bindings::capable(bindings::CAP_SYS_ADMIN as i32) }
}

/// What one open file has received so far.
struct Received {
    /// The program so far; its first `header::LEN` bytes were checked.
    bytes: KVVec<u8>,
    /// The upload was rejected; the file takes no more writes and loads nothing.
    rejected: bool,
}

/// The per-open state of `/dev/kwasm`.
#[pin_data]
pub(crate) struct Upload {
    #[pin]
    received: Mutex<Received>,
}

impl Upload {
    /// Takes one write: checks the header (first write), appends within `max_program_bytes`.
    fn receive(received: &mut Received, iov: &mut IovIterSource<'_>) -> Result<usize> {
        let len = iov.len();
        let max = ProgramLimits::current().max_program_bytes;
        let total = received.bytes.len().saturating_add(len);
        if total > max {
            received.rejected = true;
            log::warn(format_args!("rejected upload: more than {max} bytes (max_program_bytes)"));
            return Err(EFBIG);
        }
        let was_empty = received.bytes.is_empty();
        iov.copy_from_iter_vec(&mut received.bytes, GFP_KERNEL | __GFP_NOWARN)?;
        if was_empty {
            let verdict = match received.bytes.get(..header::LEN).and_then(|h| <&[u8; header::LEN]>::try_from(h).ok()) {
                Some(h) => header::check(h),
                None => Err(header::BadHeader::Truncated { received: received.bytes.len() }),
            };
            if let Err(bad) = verdict {
                received.rejected = true;
                received.bytes.clear();
                log::warn(format_args!("rejected upload: {bad}"));
                return Err(EINVAL);
            }
        }
        Ok(len)
    }

    fn ioctl_load(arg: usize) -> Result<isize> {
        if !may_manage_programs() {
            return Err(EPERM);
        }
        let (mut reader, mut writer) = UserSlice::new(UserPtr::from_addr(arg), size_of::<uapi::LoadRequest>()).reader_writer();
        let mut req: uapi::LoadRequest = reader.read()?;
        let max = ProgramLimits::current().max_program_bytes;
        let outcome = match usize::try_from(req.wasm_len) {
            Ok(len) if len <= max => {
                let mut wasm = KVVec::new();
                UserSlice::new(UserPtr::from_addr(req.wasm as usize), len).read_all(&mut wasm, GFP_KERNEL | __GFP_NOWARN)?;
                registry::load(&wasm, uapi::name_of(&req.name))
            }
            _ => Err(registry::refuse(uapi::name_of(&req.name), LoadError::TooLarge { bytes: req.wasm_len as usize, max })),
        };
        match outcome {
            Ok(id) => {
                req.id = id;
                writer.write(&req)?;
                Ok(id as isize)
            }
            Err(e) => {
                write_error(&req, &e);
                Err(e.errno())
            }
        }
    }

    fn ioctl_list(arg: usize) -> Result<isize> {
        let (mut reader, mut writer) = UserSlice::new(UserPtr::from_addr(arg), size_of::<uapi::ListRequest>()).reader_writer();
        let mut req: uapi::ListRequest = reader.read()?;
        let mut infos = KVec::new();
        let count = registry::list(&mut infos)?;
        let shown = infos.len().min(req.capacity as usize);
        let mut entries = UserSlice::new(UserPtr::from_addr(req.entries as usize), shown.saturating_mul(size_of::<uapi::ProgramInfo>())).writer();
        for info in infos.iter().take(shown) {
            entries.write(info)?;
        }
        req.count = count as u32;
        writer.write(&req)?;
        Ok(0)
    }

    fn ioctl_unload(arg: usize) -> Result<isize> {
        if !may_manage_programs() {
            return Err(EPERM);
        }
        let req: uapi::UnloadRequest = UserSlice::new(UserPtr::from_addr(arg), size_of::<uapi::UnloadRequest>()).reader().read()?;
        registry::unload(Selector::from_fields(req.id, &req.name)?)?;
        Ok(0)
    }

    fn ioctl_call(arg: usize) -> Result<isize> {
        if !may_manage_programs() {
            return Err(EPERM);
        }
        let (mut reader, mut writer) = UserSlice::new(UserPtr::from_addr(arg), size_of::<uapi::CallRequest>()).reader_writer();
        let mut req: uapi::CallRequest = reader.read()?;
        if req.repeat == 0 || req.repeat > uapi::CALL_REPEAT_MAX {
            return Err(EINVAL);
        }
        let export = uapi::name_of(&req.export).and_then(|e| core::str::from_utf8(e).ok()).ok_or(EINVAL)?;
        let which = Selector::from_fields(req.id, &req.name)?;
        let mut times: KVVec<u64> = KVVec::with_capacity(req.repeat as usize, GFP_KERNEL | __GFP_NOWARN)?;
        let (result, fuel) = registry::with_program(which, |p| p.call_repeatedly(export, req.repeat, &mut times))?;
        crate::engine::sort::heapsort_by(&mut times, |a, b| a.cmp(b));
        req.result = result;
        req.fuel_used = fuel;
        req.ns_min = times.first().copied().unwrap_or(0);
        req.ns_median = times.get(times.len() / 2).copied().unwrap_or(0);
        req.ns_max = times.last().copied().unwrap_or(0);
        writer.write(&req)?;
        Ok(0)
    }

    fn ioctl_stats(arg: usize) -> Result<isize> {
        let (c, programs) = registry::counters();
        let stats = uapi::Stats {
            programs: programs as u32,
            reserved: 0,
            loaded: c.loaded,
            rejected: c.rejected,
            unloaded: c.unloaded,
            traps: c.traps,
        };
        UserSlice::new(UserPtr::from_addr(arg), size_of::<uapi::Stats>()).writer().write(&stats)?;
        Ok(0)
    }
}

/// Copies the error text, NUL-terminated and cut to fit, to the caller's error buffer.
fn write_error(req: &uapi::LoadRequest, e: &LoadError) {
    if req.error == 0 || req.error_len == 0 {
        return;
    }
    let mut line = Line::format(format_args!("{e}"));
    let text = line.as_bytes();
    let cap = usize::try_from(req.error_len).unwrap_or(usize::MAX);
    let n = text.len().min(cap.saturating_sub(1));
    let mut w = UserSlice::new(UserPtr::from_addr(req.error as usize), n.saturating_add(1)).writer();
    // A bad error buffer only loses the message; the errno still reaches the caller.
    let _ = w.write_slice(text.get(..n).unwrap_or(&[])).and_then(|()| w.write_slice(&[0]));
}

#[vtable]
impl MiscDevice for Upload {
    type Ptr = Pin<KBox<Self>>;

    fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<Pin<KBox<Self>>> {
        KBox::try_pin_init(
            try_pin_init!(Upload {
                received <- new_mutex!(Received { bytes: KVVec::new(), rejected: false }),
            }),
            GFP_KERNEL,
        )
    }

    fn write_iter(kiocb: Kiocb<'_, Self::Ptr>, iov: &mut IovIterSource<'_>) -> Result<usize> {
        if !may_manage_programs() {
            return Err(EPERM);
        }
        let upload = kiocb.file();
        let mut received = upload.received.lock();
        if received.rejected {
            return Err(EINVAL);
        }
        Self::receive(&mut received, iov)
    }

    fn release(upload: Self::Ptr, _file: &File) {
        let received = upload.received.lock();
        if !received.rejected && !received.bytes.is_empty() {
            // Errors are counted and logged by the registry; close cannot return them.
            let _ = registry::load(&received.bytes, None);
        }
    }

    fn ioctl(_upload: Pin<&Upload>, _file: &File, cmd: u32, arg: usize) -> Result<isize> {
        match cmd {
            uapi::KWASM_IOC_LOAD => Self::ioctl_load(arg),
            uapi::KWASM_IOC_LIST => Self::ioctl_list(arg),
            uapi::KWASM_IOC_UNLOAD => Self::ioctl_unload(arg),
            uapi::KWASM_IOC_STATS => Self::ioctl_stats(arg),
            uapi::KWASM_IOC_CALL => Self::ioctl_call(arg),
            _ => Err(ENOTTY),
        }
    }
}
