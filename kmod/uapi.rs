// SPDX-License-Identifier: GPL-2.0

//! The ioctl interface of `/dev/kwasm` (documented in docs/abi.md; `kwasmctl` holds the
//! user-space copy). All structs are `repr(C)` without implicit padding, so 32- and 64-bit
//! user space see the same layout.

use kernel::ioctl::{_IOR, _IOW, _IOWR};
use kernel::transmute::{AsBytes, FromBytes};

use crate::program::{Program, NAME_MAX};

/// ioctl type byte of kwasm.
const MAGIC: u32 = 0xBA;

/// Load a program: [`LoadRequest`] in, program id out (in `id` and as the return value).
pub(crate) const KWASM_IOC_LOAD: u32 = _IOWR::<LoadRequest>(MAGIC, 1);
/// List programs: [`ListRequest`] in and out, [`ProgramInfo`] entries out.
pub(crate) const KWASM_IOC_LIST: u32 = _IOWR::<ListRequest>(MAGIC, 2);
/// Unload a program: [`UnloadRequest`] in.
pub(crate) const KWASM_IOC_UNLOAD: u32 = _IOW::<UnloadRequest>(MAGIC, 3);
/// Module-wide counters: [`Stats`] out.
pub(crate) const KWASM_IOC_STATS: u32 = _IOR::<Stats>(MAGIC, 4);

/// Call an exported function of a loaded program: [`CallRequest`] in and out.
pub(crate) const KWASM_IOC_CALL: u32 = _IOWR::<CallRequest>(MAGIC, 5);

/// Name field: up to 31 bytes, NUL-padded.
pub(crate) type NameField = [u8; NAME_MAX + 1];

/// Argument of `KWASM_IOC_LOAD`.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct LoadRequest {
    /// User address of the program bytes.
    pub(crate) wasm: u64,
    /// Their length.
    pub(crate) wasm_len: u64,
    /// User address of a buffer for a NUL-terminated error message, or 0.
    pub(crate) error: u64,
    /// Its size.
    pub(crate) error_len: u64,
    /// The program's name; all zero for `prog-<id>`.
    pub(crate) name: NameField,
    /// Out: the new program's id.
    pub(crate) id: u32,
    /// Zero.
    pub(crate) reserved: u32,
}

/// Argument of `KWASM_IOC_LIST`.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct ListRequest {
    /// User address of an array of `capacity` [`ProgramInfo`].
    pub(crate) entries: u64,
    /// Size of that array, in entries.
    pub(crate) capacity: u32,
    /// Out: programs loaded (may exceed `capacity`; then only `capacity` were written).
    pub(crate) count: u32,
}

/// One program, as listed.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct ProgramInfo {
    pub(crate) id: u32,
    pub(crate) memory_pages: u32,
    pub(crate) calls: u64,
    pub(crate) traps: u64,
    pub(crate) fuel_used: u64,
    pub(crate) name: NameField,
}

impl ProgramInfo {
    pub(crate) fn of(p: &Program) -> Self {
        let mut name = [0; NAME_MAX + 1];
        let bytes = p.name().as_bytes();
        if let Some(dst) = name.get_mut(..bytes.len()) {
            dst.copy_from_slice(bytes);
        }
        Self { id: p.id, memory_pages: p.memory_pages(), calls: p.calls, traps: p.traps, fuel_used: p.fuel_used, name }
    }
}

/// Argument of `KWASM_IOC_UNLOAD`: by `id` when it is not 0, else by `name`.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct UnloadRequest {
    pub(crate) id: u32,
    pub(crate) reserved: u32,
    pub(crate) name: NameField,
}

/// Argument of `KWASM_IOC_STATS`.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct Stats {
    /// Programs loaded now.
    pub(crate) programs: u32,
    pub(crate) reserved: u32,
    /// Loads that succeeded, since the module was loaded.
    pub(crate) loaded: u64,
    /// Loads that were rejected.
    pub(crate) rejected: u64,
    /// Programs unloaded.
    pub(crate) unloaded: u64,
    /// Traps in program code.
    pub(crate) traps: u64,
}

/// Argument of `KWASM_IOC_CALL`: calls `export` of program `id` (or `name` when `id` is 0)
/// `repeat` times with all-zero integer arguments, timing each call.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct CallRequest {
    pub(crate) id: u32,
    /// Calls to make, 1 to [`CALL_REPEAT_MAX`].
    pub(crate) repeat: u32,
    pub(crate) name: NameField,
    pub(crate) export: NameField,
    /// Out: the first result of the last call (0 if none), as a signed 64-bit integer.
    pub(crate) result: i64,
    /// Out: fuel used by all calls.
    pub(crate) fuel_used: u64,
    /// Out: fastest, median and slowest call, in nanoseconds.
    pub(crate) ns_min: u64,
    pub(crate) ns_median: u64,
    pub(crate) ns_max: u64,
}

/// Most calls one `KWASM_IOC_CALL` makes.
pub(crate) const CALL_REPEAT_MAX: u32 = 1_000_000;

// SAFETY: plain `repr(C)` structs of integers and byte arrays without padding (each field is
// naturally aligned and the sizes add up to a multiple of 8): every bit pattern is valid and
// no byte is uninitialized.
unsafe impl FromBytes for LoadRequest {}
// SAFETY: as above.
unsafe impl AsBytes for LoadRequest {}
// SAFETY: as above.
unsafe impl FromBytes for ListRequest {}
// SAFETY: as above.
unsafe impl AsBytes for ListRequest {}
// SAFETY: as above.
unsafe impl AsBytes for ProgramInfo {}
// SAFETY: as above.
unsafe impl FromBytes for UnloadRequest {}
// SAFETY: as above.
unsafe impl AsBytes for Stats {}
// SAFETY: as above.
unsafe impl FromBytes for CallRequest {}
// SAFETY: as above.
unsafe impl AsBytes for CallRequest {}

/// The name in a NUL-padded field, or `None` when the field is empty.
pub(crate) fn name_of(field: &NameField) -> Option<&[u8]> {
    let len = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    field.get(..len).filter(|n| !n.is_empty())
}

// Layout checks: these sizes are part of the ABI.
const _: () = assert!(core::mem::size_of::<LoadRequest>() == 72);
const _: () = assert!(core::mem::size_of::<ListRequest>() == 16);
const _: () = assert!(core::mem::size_of::<ProgramInfo>() == 64);
const _: () = assert!(core::mem::size_of::<UnloadRequest>() == 40);
const _: () = assert!(core::mem::size_of::<Stats>() == 40);
const _: () = assert!(core::mem::size_of::<CallRequest>() == 112);
