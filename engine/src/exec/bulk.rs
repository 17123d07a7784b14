//! Bulk memory and table operations, kept out of the interpreter loop so the
//! hot path stays small. Every range is checked before anything is written.

use super::super::buf::Buf;
use super::super::store::{Memory, Table};
use super::super::trap::{Trap, TrapKind};

/// `start..start + len` if it lies within `0..total`.
fn checked_range(total: usize, start: u32, len: u32, kind: TrapKind) -> Result<core::ops::Range<usize>, Trap> {
    let s = usize::try_from(start).map_err(|_| Trap::new(kind))?;
    let l = usize::try_from(len).map_err(|_| Trap::new(kind))?;
    let e = s.checked_add(l).ok_or(Trap::new(kind))?;
    if e > total {
        return Err(Trap::new(kind));
    }
    Ok(s..e)
}

/// `table.fill`: sets `n` entries from `i` to `value`.
#[inline(never)]
pub(super) fn table_fill(table: &mut Table, i: u32, value: u64, n: u32) -> Result<(), Trap> {
    let r = checked_range(table.elems.len(), i, n, TrapKind::TableOutOfBounds)?;
    table.elems.get_mut(r).ok_or(Trap::new(TrapKind::TableOutOfBounds))?.fill(value);
    Ok(())
}

/// `table.copy` between two tables of the store (possibly the same one).
#[inline(never)]
pub(super) fn table_copy(
    tables: &mut Buf<Table>,
    dst_id: usize,
    src_id: usize,
    d: u32,
    s: u32,
    n: u32,
) -> Result<(), Trap> {
    let oob = || Trap::new(TrapKind::TableOutOfBounds);
    let src_len = tables.get(src_id).map_or(0, |t| t.elems.len());
    let dst_len = tables.get(dst_id).map_or(0, |t| t.elems.len());
    let sr = checked_range(src_len, s, n, TrapKind::TableOutOfBounds)?;
    let dr = checked_range(dst_len, d, n, TrapKind::TableOutOfBounds)?;
    if src_id == dst_id {
        let t = tables.get_mut(dst_id).ok_or_else(oob)?;
        t.elems.copy_within(sr, dr.start);
        return Ok(());
    }
    for (from, to) in sr.zip(dr) {
        let v = tables.get(src_id).and_then(|t| t.elems.get(from)).copied().ok_or_else(oob)?;
        let slot = tables.get_mut(dst_id).and_then(|t| t.elems.get_mut(to)).ok_or_else(oob)?;
        *slot = v;
    }
    Ok(())
}

/// `table.init`: copies `n` references from `segment[s..]` to `table[d..]`.
#[inline(never)]
pub(super) fn table_init(table: &mut Table, segment: &[u64], d: u32, s: u32, n: u32) -> Result<(), Trap> {
    let sr = checked_range(segment.len(), s, n, TrapKind::TableOutOfBounds)?;
    let dr = checked_range(table.elems.len(), d, n, TrapKind::TableOutOfBounds)?;
    let src = segment.get(sr).ok_or(Trap::new(TrapKind::TableOutOfBounds))?;
    table.elems.get_mut(dr).ok_or(Trap::new(TrapKind::TableOutOfBounds))?.copy_from_slice(src);
    Ok(())
}

/// `memory.init`: copies `n` bytes from `data[s..]` to `memory[d..]`.
#[inline(never)]
pub(super) fn memory_init(memory: &mut Memory, data: &[u8], d: u32, s: u32, n: u32) -> Result<(), Trap> {
    let sr = checked_range(data.len(), s, n, TrapKind::MemoryOutOfBounds)?;
    let dr = checked_range(memory.bytes.len(), d, n, TrapKind::MemoryOutOfBounds)?;
    let src = data.get(sr).ok_or(Trap::new(TrapKind::MemoryOutOfBounds))?;
    memory.bytes.get_mut(dr).ok_or(Trap::new(TrapKind::MemoryOutOfBounds))?.copy_from_slice(src);
    Ok(())
}

/// `memory.copy` (overlapping ranges allowed).
#[inline(never)]
pub(super) fn memory_copy(memory: &mut Memory, d: u32, s: u32, n: u32) -> Result<(), Trap> {
    let len = memory.bytes.len();
    let sr = checked_range(len, s, n, TrapKind::MemoryOutOfBounds)?;
    let dr = checked_range(len, d, n, TrapKind::MemoryOutOfBounds)?;
    memory.bytes.copy_within(sr, dr.start);
    Ok(())
}

/// `memory.fill`: sets `n` bytes from `d` to `value`.
#[inline(never)]
pub(super) fn memory_fill(memory: &mut Memory, d: u32, value: u8, n: u32) -> Result<(), Trap> {
    let dr = checked_range(memory.bytes.len(), d, n, TrapKind::MemoryOutOfBounds)?;
    memory.bytes.get_mut(dr).ok_or(Trap::new(TrapKind::MemoryOutOfBounds))?.fill(value);
    Ok(())
}
