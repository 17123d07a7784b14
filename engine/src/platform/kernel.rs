//! Kernel allocation backend: `kvmalloc`-family allocations through the kernel crate's
//! `KVmalloc` allocator. Built only with `--cfg kwasm_kernel`, when the engine is compiled
//! as part of the kwasm kernel module.
//!
//! Engine allocations happen in process context (loading, instantiating, calling from a
//! syscall), so `GFP_KERNEL` is right; `__GFP_NOWARN` because the sizes come from user input
//! and a failure is an ordinary, reported error.

use core::alloc::Layout;
use core::ptr::{self, NonNull};

use kernel::alloc::allocator::KVmalloc;
use kernel::alloc::flags::{GFP_KERNEL, __GFP_NOWARN};
use kernel::alloc::{Allocator, NumaNode};

/// Allocates a block for `layout`; returns null on failure.
///
/// # Safety
/// `layout` must have a non-zero size.
pub(crate) unsafe fn alloc(layout: Layout) -> *mut u8 {
    match KVmalloc::alloc(layout, GFP_KERNEL | __GFP_NOWARN, NumaNode::NO_NODE) {
        Ok(block) => block.as_ptr().cast(),
        Err(_) => ptr::null_mut(),
    }
}

/// Resizes a block from [`alloc`]/[`realloc`]; returns null on failure, the old block then
/// stays valid and untouched.
///
/// # Safety
/// `ptr` must come from this module's allocator with layout `old`; `new_size` must be non-zero
/// and not overflow `isize` when rounded up to `old.align()`.
pub(crate) unsafe fn realloc(ptr: *mut u8, old: Layout, new_size: usize) -> *mut u8 {
    let (Some(block), Ok(new)) = (NonNull::new(ptr), Layout::from_size_align(new_size, old.align())) else {
        return ptr::null_mut();
    };
    // SAFETY: `block` was allocated by `KVmalloc` with layout `old` (caller's contract), and
    // `new` keeps its alignment; on failure `KVmalloc::realloc` leaves the old block intact.
    match unsafe { KVmalloc::realloc(Some(block), new, old, GFP_KERNEL | __GFP_NOWARN, NumaNode::NO_NODE) } {
        Ok(block) => block.as_ptr().cast(),
        Err(_) => ptr::null_mut(),
    }
}

/// Frees a block from [`alloc`]/[`realloc`].
///
/// # Safety
/// `ptr` must come from this module's allocator with exactly `layout`.
pub(crate) unsafe fn dealloc(ptr: *mut u8, layout: Layout) {
    if let Some(block) = NonNull::new(ptr) {
        // SAFETY: `block` was allocated by `KVmalloc` with `layout` (caller's contract) and is
        // not used again by the engine after this call.
        unsafe { KVmalloc::free(block, layout) };
    }
}
