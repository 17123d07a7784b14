//! Host function interface.

use super::super::buf::Buf;
use super::super::store::range;
use super::super::trap::{Trap, TrapKind};
use super::super::types::Value;

/// A host function: receives the caller context, the arguments, and result
/// slots pre-filled with zero values of the declared result types.
pub type HostFunc = fn(caller: &mut Caller<'_>, params: &[Value], results: &mut [Value]) -> Result<(), Trap>;

/// What a host function can reach while it runs: the calling instance's
/// linear memory and the user-data pointer registered with the function.
pub struct Caller<'a> {
    pub(crate) memory: Option<&'a mut Buf<u8>>,
    pub(crate) data: *mut (),
}

impl<'a> Caller<'a> {
    /// The user-data pointer given to
    /// [`Store::new_host_func`](super::super::store::Store::new_host_func).
    pub fn data(&self) -> *mut () {
        self.data
    }

    /// The calling instance's linear memory, if it has one.
    pub fn memory(&self) -> Option<&[u8]> {
        self.memory.as_deref().map(|m| m.as_slice())
    }

    /// Mutable access to the calling instance's linear memory.
    pub fn memory_mut(&mut self) -> Option<&mut [u8]> {
        self.memory.as_deref_mut().map(|m| m.as_mut_slice())
    }

    /// Borrows `len` bytes at `offset` (bounds checked).
    pub fn slice(&self, offset: u32, len: u32) -> Result<&[u8], Trap> {
        let mem = self.memory().ok_or(Trap::new(TrapKind::MemoryOutOfBounds))?;
        let len = usize::try_from(len).map_err(|_| Trap::new(TrapKind::MemoryOutOfBounds))?;
        range(mem.len(), u64::from(offset), len)
            .and_then(|r| mem.get(r))
            .ok_or(Trap::new(TrapKind::MemoryOutOfBounds))
    }

    /// Copies bytes out of memory at `offset` (bounds checked).
    pub fn read(&self, offset: u32, buf: &mut [u8]) -> Result<(), Trap> {
        let len = u32::try_from(buf.len()).map_err(|_| Trap::new(TrapKind::MemoryOutOfBounds))?;
        let src = self.slice(offset, len)?;
        buf.copy_from_slice(src);
        Ok(())
    }

    /// Copies bytes into memory at `offset` (bounds checked).
    pub fn write(&mut self, offset: u32, data: &[u8]) -> Result<(), Trap> {
        let mem = self.memory_mut().ok_or(Trap::new(TrapKind::MemoryOutOfBounds))?;
        let total = mem.len();
        let dst = range(total, u64::from(offset), data.len())
            .and_then(|r| mem.get_mut(r))
            .ok_or(Trap::new(TrapKind::MemoryOutOfBounds))?;
        dst.copy_from_slice(data);
        Ok(())
    }
}
