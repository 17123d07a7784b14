//! Fallible growable buffer used instead of `Vec`/`Box`.
//!
//! Every operation that may allocate returns `Result<_, AllocError>`; nothing
//! in here panics or aborts on allocation failure.

use core::alloc::Layout;
use core::marker::PhantomData;
use core::mem::size_of;
use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;

use super::platform;

/// The platform allocator could not satisfy a request (or the request size
/// overflowed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AllocError;

/// A growable, heap-allocated array whose allocations are all fallible.
pub struct Buf<T> {
    ptr: NonNull<T>,
    len: usize,
    cap: usize,
    _owns: PhantomData<T>,
}

// SAFETY: `Buf<T>` owns its elements exactly like `Vec<T>` does, so it is
// `Send`/`Sync` whenever `T` is.
unsafe impl<T: Send> Send for Buf<T> {}
// SAFETY: see above; shared access only hands out `&T`.
unsafe impl<T: Sync> Sync for Buf<T> {}

impl<T> Default for Buf<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Buf<T> {
    /// An empty buffer; does not allocate.
    pub const fn new() -> Self {
        Buf { ptr: NonNull::dangling(), len: 0, cap: 0, _owns: PhantomData }
    }

    /// An empty buffer with room for at least `capacity` elements.
    pub fn try_with_capacity(capacity: usize) -> Result<Self, AllocError> {
        let mut buf = Self::new();
        buf.try_reserve(capacity)?;
        Ok(buf)
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of elements that fit without reallocating.
    pub fn capacity(&self) -> usize {
        if size_of::<T>() == 0 {
            usize::MAX
        } else {
            self.cap
        }
    }

    /// The elements as a slice.
    pub fn as_slice(&self) -> &[T] {
        // SAFETY: `ptr` is either dangling with `len == 0` or points to an
        // allocation holding `len` initialised elements.
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }

    /// The elements as a mutable slice.
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        // SAFETY: as in `as_slice`, and `&mut self` guarantees uniqueness.
        unsafe { core::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }

    /// Ensures room for `additional` more elements.
    pub fn try_reserve(&mut self, additional: usize) -> Result<(), AllocError> {
        let needed = self.len.checked_add(additional).ok_or(AllocError)?;
        if needed <= self.capacity() {
            return Ok(());
        }
        let doubled = self.cap.checked_mul(2).unwrap_or(needed);
        let new_cap = needed.max(doubled).max(4);
        self.grow_to(new_cap).or_else(|_| self.grow_to(needed))
    }

    /// Ensures room for exactly `additional` more elements (no doubling).
    pub fn try_reserve_exact(&mut self, additional: usize) -> Result<(), AllocError> {
        let needed = self.len.checked_add(additional).ok_or(AllocError)?;
        if needed <= self.capacity() {
            return Ok(());
        }
        self.grow_to(needed)
    }

    fn grow_to(&mut self, new_cap: usize) -> Result<(), AllocError> {
        let new_layout = Layout::array::<T>(new_cap).map_err(|_| AllocError)?;
        if new_layout.size() == 0 {
            return Err(AllocError);
        }
        let raw = if self.cap == 0 {
            // SAFETY: `new_layout` has a non-zero size (checked above).
            unsafe { platform::alloc(new_layout) }
        } else {
            let old_layout = Layout::array::<T>(self.cap).map_err(|_| AllocError)?;
            // SAFETY: `ptr` was allocated by the platform allocator with
            // `old_layout` (cap > 0 means we allocated it), and the new size is
            // non-zero and was validated by `Layout::array`.
            unsafe { platform::realloc(self.ptr.as_ptr().cast::<u8>(), old_layout, new_layout.size()) }
        };
        let ptr = NonNull::new(raw.cast::<T>()).ok_or(AllocError)?;
        self.ptr = ptr;
        self.cap = new_cap;
        Ok(())
    }

    /// Appends `value`, growing if needed.
    pub fn try_push(&mut self, value: T) -> Result<(), AllocError> {
        if self.len == self.capacity() {
            self.try_reserve(1)?;
        }
        // SAFETY: `len < capacity`, so the slot is inside the allocation and
        // currently uninitialised.
        unsafe { self.ptr.as_ptr().add(self.len).write(value) };
        self.len = self.len.wrapping_add(1);
        Ok(())
    }

    /// Appends `value` if there is room without growing; otherwise hands it back.
    #[inline]
    pub fn push_within_capacity(&mut self, value: T) -> Result<(), T> {
        if self.len >= self.cap {
            return Err(value);
        }
        // SAFETY: `len < cap`, so the slot is inside the allocation and
        // currently uninitialised.
        unsafe { self.ptr.as_ptr().add(self.len).write(value) };
        self.len = self.len.wrapping_add(1);
        Ok(())
    }

    /// Removes and returns the last element.
    #[inline]
    pub fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        self.len = self.len.wrapping_sub(1);
        // SAFETY: the slot at the old `len - 1` is initialised and, since
        // `len` was decremented, will not be read or dropped again.
        Some(unsafe { self.ptr.as_ptr().add(self.len).read() })
    }

    /// Drops elements beyond `len`.
    pub fn truncate(&mut self, len: usize) {
        while self.len > len {
            drop(self.pop());
        }
    }

    /// Drops all elements, keeping the allocation.
    pub fn clear(&mut self) {
        self.truncate(0);
    }
}

impl<T: Copy> Buf<T> {
    /// Appends a copy of every element of `items`.
    pub fn try_extend_from_slice(&mut self, items: &[T]) -> Result<(), AllocError> {
        self.try_reserve(items.len())?;
        for item in items {
            self.try_push(*item)?;
        }
        Ok(())
    }

    /// Builds a buffer holding a copy of `items`.
    pub fn try_from_slice(items: &[T]) -> Result<Self, AllocError> {
        let mut buf = Self::new();
        buf.try_reserve_exact(items.len())?;
        buf.try_extend_from_slice(items)?;
        Ok(buf)
    }

    /// Resizes to `new_len`, filling new slots with `value`.
    pub fn try_resize(&mut self, new_len: usize, value: T) -> Result<(), AllocError> {
        if new_len <= self.len {
            self.truncate(new_len);
            return Ok(());
        }
        let extra = new_len.wrapping_sub(self.len);
        self.try_reserve_exact(extra)?;
        let base = self.ptr.as_ptr();
        for i in self.len..new_len {
            // SAFETY: `i < new_len <= capacity`, so the slot is inside the
            // allocation; it is uninitialised and `T: Copy` needs no drop.
            unsafe { base.add(i).write(value) };
        }
        self.len = new_len;
        Ok(())
    }

    /// A copy of this buffer.
    pub fn try_clone(&self) -> Result<Self, AllocError> {
        Self::try_from_slice(self.as_slice())
    }
}

impl<T> Drop for Buf<T> {
    fn drop(&mut self) {
        self.clear();
        if self.cap != 0 && size_of::<T>() != 0 {
            if let Ok(layout) = Layout::array::<T>(self.cap) {
                // SAFETY: `ptr` was allocated by the platform allocator with
                // exactly this layout, and all elements were dropped above.
                unsafe { platform::dealloc(self.ptr.as_ptr().cast::<u8>(), layout) };
            }
        }
    }
}

impl<T> Deref for Buf<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> DerefMut for Buf<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        self.as_mut_slice()
    }
}

impl<T: core::fmt::Debug> core::fmt::Debug for Buf<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.as_slice().iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::Buf;

    #[test]
    fn push_pop_and_drop() {
        let mut b: Buf<u32> = Buf::new();
        for i in 0..1000 {
            b.try_push(i).unwrap();
        }
        assert_eq!(b.len(), 1000);
        assert_eq!(b[999], 999);
        assert_eq!(b.pop(), Some(999));
        b.truncate(10);
        assert_eq!(b.as_slice(), &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }

    #[test]
    fn nested_buffers_drop_cleanly() {
        let mut outer: Buf<Buf<u8>> = Buf::new();
        for i in 0..50u8 {
            let mut inner = Buf::new();
            inner.try_resize(usize::from(i), i).unwrap();
            outer.try_push(inner).unwrap();
        }
        assert_eq!(outer[49].len(), 49);
    }

    #[test]
    fn absurd_reservation_fails_without_panicking() {
        let mut b: Buf<u64> = Buf::new();
        assert!(b.try_reserve(usize::MAX / 2).is_err());
        assert!(b.try_reserve(usize::MAX).is_err());
    }
}
