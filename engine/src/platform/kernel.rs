//! Kernel allocation backend (to be written by the kernel module author).
//!
//! Built only with `--cfg kwasm_kernel`. It must provide exactly these three
//! functions with the same contracts as `platform/host.rs`:
//!
//! ```text
//! pub(crate) unsafe fn alloc(layout: core::alloc::Layout) -> *mut u8;          // kvmalloc(size, GFP_KERNEL); null on failure
//! pub(crate) unsafe fn realloc(ptr: *mut u8, old: core::alloc::Layout,
//!                              new_size: usize) -> *mut u8;                   // kvrealloc; null on failure, old block intact
//! pub(crate) unsafe fn dealloc(ptr: *mut u8, layout: core::alloc::Layout);     // kvfree
//! ```
//!
//! Alignment: the engine only allocates arrays of types whose alignment is at
//! most 8 bytes, which kvmalloc guarantees. Sizes are never zero.
