//! Platform allocation layer.
//!
//! The engine never allocates through `alloc`/`std` collections. Every byte
//! of heap memory goes through the three functions re-exported here:
//!
//! * `alloc(layout) -> *mut u8` (null on failure),
//! * `realloc(ptr, old_layout, new_size) -> *mut u8` (null on failure, the
//!   old block stays valid),
//! * `dealloc(ptr, layout)`.
//!
//! With `--cfg kwasm_kernel` the kernel module supplies `platform/kernel.rs`
//! (backed by `kvmalloc`/`kvrealloc`/`kvfree`); otherwise the host
//! implementation backed by `std::alloc` is used.

#[cfg(kwasm_kernel)]
mod kernel;
#[cfg(kwasm_kernel)]
pub(crate) use self::kernel::{alloc, dealloc, realloc};

#[cfg(not(kwasm_kernel))]
mod host;
#[cfg(not(kwasm_kernel))]
pub(crate) use self::host::{alloc, dealloc, realloc};
#[cfg(all(test, not(kwasm_kernel)))]
pub(crate) use self::host::fault;
