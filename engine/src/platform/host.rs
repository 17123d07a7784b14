//! User-space allocation backend built on `std::alloc`.
//!
//! This is the only place in the engine that links `std`.

extern crate std;

use core::alloc::Layout;

#[cfg(test)]
fn injected_failure() -> bool {
    !fault::allow()
}

#[cfg(not(test))]
fn injected_failure() -> bool {
    false
}

/// Allocates a block for `layout`; returns null on failure.
///
/// # Safety
/// `layout` must have a non-zero size.
pub(crate) unsafe fn alloc(layout: Layout) -> *mut u8 {
    if injected_failure() {
        return core::ptr::null_mut();
    }
    // SAFETY: the caller guarantees a non-zero size, which is the only
    // precondition of `std::alloc::alloc`.
    unsafe { std::alloc::alloc(layout) }
}

/// Resizes a block previously returned by [`alloc`]; returns null on failure
/// (the old block then stays valid and untouched).
///
/// # Safety
/// `ptr` must come from [`alloc`]/[`realloc`] with layout `old`, and
/// `new_size` must be non-zero and not overflow `isize` when rounded up to
/// `old.align()`.
pub(crate) unsafe fn realloc(ptr: *mut u8, old: Layout, new_size: usize) -> *mut u8 {
    if injected_failure() {
        return core::ptr::null_mut();
    }
    // SAFETY: forwarded caller guarantees match `std::alloc::realloc`'s contract.
    unsafe { std::alloc::realloc(ptr, old, new_size) }
}

/// Frees a block previously returned by [`alloc`]/[`realloc`].
///
/// # Safety
/// `ptr` must come from this module's allocator with exactly `layout`.
pub(crate) unsafe fn dealloc(ptr: *mut u8, layout: Layout) {
    // SAFETY: forwarded caller guarantee matches `std::alloc::dealloc`'s contract.
    unsafe { std::alloc::dealloc(ptr, layout) }
}

/// Test-only fault injection: when set to `Some(n)`, the next `n` allocations
/// succeed and every later one fails (returns null).
#[cfg(test)]
pub(crate) mod fault {
    use core::cell::Cell;

    std::thread_local! {
        static BUDGET: Cell<Option<usize>> = const { Cell::new(None) };
    }

    /// Sets (or clears) the allocation budget for this thread.
    pub(crate) fn set_budget(budget: Option<usize>) {
        BUDGET.with(|b| b.set(budget));
    }

    /// Budget left (`None` when injection is off).
    pub(crate) fn budget() -> Option<usize> {
        BUDGET.with(|b| b.get())
    }

    /// Consumes one allocation from the budget; false means "fail it".
    pub(crate) fn allow() -> bool {
        BUDGET.with(|b| match b.get() {
            None => true,
            Some(0) => false,
            Some(n) => {
                b.set(Some(n - 1));
                true
            }
        })
    }
}
