//! The store: owner of every runtime object (instances, functions, memories,
//! tables, globals) and of the execution stacks. Handles (`FuncId`, ...) are
//! indices into it.

use super::buf::Buf;
use super::error::{Error, ErrorKind, Result};
use super::exec;
use super::exec::host::HostFunc;
use super::limits::Limits;
use super::module::{ExternKind, FuncBody, Module};
use super::trap::{Trap, TrapKind};
use super::types::{FuncId, FuncType, GlobalId, InstanceId, MemoryId, TableId, ValType, Value};

/// Bytes per wasm page.
pub const PAGE_SIZE: usize = 65_536;

/// Something an import can be satisfied with, or an export refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extern {
    /// A function.
    Func(FuncId),
    /// A table.
    Table(TableId),
    /// A linear memory.
    Memory(MemoryId),
    /// A global.
    Global(GlobalId),
}

impl Extern {
    /// Kind of the item.
    pub const fn kind(&self) -> ExternKind {
        match self {
            Extern::Func(_) => ExternKind::Func,
            Extern::Table(_) => ExternKind::Table,
            Extern::Memory(_) => ExternKind::Memory,
            Extern::Global(_) => ExternKind::Global,
        }
    }
}

#[derive(Clone, Copy)]
pub(crate) enum FuncKind {
    Wasm { instance: u32, module: u32, body: FuncBody },
    Host { callback: HostFunc, data: *mut () },
}

#[derive(Clone, Copy)]
pub(crate) struct FuncEntry {
    /// Index into `Store::types` (interned, so equal ids mean equal signatures).
    pub(crate) type_id: u32,
    pub(crate) kind: FuncKind,
}

pub(crate) struct Memory {
    pub(crate) bytes: Buf<u8>,
    /// Declared maximum (for import matching).
    pub(crate) declared_max: Option<u32>,
    /// Effective maximum in pages (declared max capped by the store limits).
    pub(crate) max_pages: u32,
}

impl Memory {
    pub(crate) fn pages(&self) -> u32 {
        u32::try_from(self.bytes.len().checked_div(PAGE_SIZE).unwrap_or(0)).unwrap_or(u32::MAX)
    }

    /// Grows by `delta` pages; returns the old size or `None` on failure.
    pub(crate) fn grow(&mut self, delta: u32) -> Option<u32> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        if new > self.max_pages {
            return None;
        }
        let new_len = usize::try_from(new).ok()?.checked_mul(PAGE_SIZE)?;
        self.bytes.try_reserve_exact(new_len.saturating_sub(self.bytes.len())).ok()?;
        self.bytes.try_resize(new_len, 0).ok()?;
        Some(old)
    }
}

pub(crate) struct Table {
    pub(crate) elems: Buf<u64>,
    pub(crate) ty: ValType,
    pub(crate) declared_max: Option<u32>,
    pub(crate) max: u32,
}

impl Table {
    pub(crate) fn size(&self) -> u32 {
        u32::try_from(self.elems.len()).unwrap_or(u32::MAX)
    }

    /// Grows by `delta` entries set to `init`; returns the old size or `None`.
    pub(crate) fn grow(&mut self, delta: u32, init: u64) -> Option<u32> {
        let old = self.size();
        let new = old.checked_add(delta)?;
        if new > self.max {
            return None;
        }
        let new_len = usize::try_from(new).ok()?;
        self.elems.try_reserve_exact(new_len.saturating_sub(self.elems.len())).ok()?;
        self.elems.try_resize(new_len, init).ok()?;
        Some(old)
    }
}

pub(crate) struct Global {
    pub(crate) bits: u64,
    pub(crate) ty: ValType,
    pub(crate) mutable: bool,
}

pub(crate) struct Instance {
    pub(crate) module: u32,
    pub(crate) funcs: Buf<u32>,
    pub(crate) tables: Buf<u32>,
    pub(crate) memory: Option<u32>,
    pub(crate) globals: Buf<u32>,
    /// Store type id of each module type index.
    pub(crate) types: Buf<u32>,
    /// Element segments as reference slots (emptied by `elem.drop`).
    pub(crate) elems: Buf<Buf<u64>>,
    pub(crate) data_dropped: Buf<bool>,
}

/// A saved caller frame on the call stack.
#[derive(Clone, Copy)]
pub(crate) struct Frame {
    /// Where the caller continues.
    pub(crate) return_pc: u32,
    /// The caller's frame base (a value-stack index).
    pub(crate) fp: u32,
    /// The caller's instance and module.
    pub(crate) instance: u32,
    pub(crate) module: u32,
}

/// Owner of all runtime state. Not thread-safe; one store per wasm program.
pub struct Store {
    pub(crate) limits: Limits,
    pub(crate) types: Buf<FuncType>,
    pub(crate) modules: Buf<Module>,
    pub(crate) instances: Buf<Instance>,
    pub(crate) funcs: Buf<FuncEntry>,
    pub(crate) memories: Buf<Memory>,
    pub(crate) tables: Buf<Table>,
    pub(crate) globals: Buf<Global>,
    pub(crate) stack: Buf<u64>,
    pub(crate) frames: Buf<Frame>,
    pub(crate) host_args: Buf<Value>,
    pub(crate) host_results: Buf<Value>,
    pub(crate) progress: Option<(ProgressHook, *mut ())>,
}

/// Called by the interpreter every [`PROGRESS_INTERVAL`] units of fuel; return
/// `false` to stop execution with [`TrapKind::Interrupted`]. In the kernel this
/// is the place for `cond_resched()` and `fatal_signal_pending()` checks.
pub type ProgressHook = fn(data: *mut ()) -> bool;

/// Fuel units between two calls of the progress hook (a power of two).
pub const PROGRESS_INTERVAL: u64 = 1 << 16;

// SAFETY: every field is owned data (`Buf`s of plain values) except the
// host-function user-data pointers, which the engine never dereferences: it
// only hands them back to the embedder's host functions as `*mut ()`, and
// dereferencing them there already requires `unsafe` on the embedder's side.
unsafe impl Send for Store {}

pub(crate) fn idx(i: u32) -> usize {
    usize::try_from(i).unwrap_or(usize::MAX)
}

pub(crate) fn id_of(len: usize) -> Result<u32> {
    u32::try_from(len).map_err(|_| Error::new(ErrorKind::LimitExceeded("store items")))
}

impl Store {
    /// An empty store. Allocates nothing until used.
    pub fn new(limits: Limits) -> Store {
        Store {
            limits,
            types: Buf::new(),
            modules: Buf::new(),
            instances: Buf::new(),
            funcs: Buf::new(),
            memories: Buf::new(),
            tables: Buf::new(),
            globals: Buf::new(),
            stack: Buf::new(),
            frames: Buf::new(),
            host_args: Buf::new(),
            host_results: Buf::new(),
            progress: None,
        }
    }

    /// Installs (or with `None` removes) a hook run every
    /// [`PROGRESS_INTERVAL`] units of fuel during calls.
    pub fn set_progress_hook(&mut self, hook: Option<ProgressHook>, data: *mut ()) {
        self.progress = hook.map(|h| (h, data));
    }

    /// The limits this store enforces.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Interns a signature, returning its store type id.
    pub(crate) fn intern_type(&mut self, ty: &FuncType) -> Result<u32> {
        if let Some(pos) = self.types.iter().position(|t| t == ty) {
            return id_of(pos);
        }
        let id = id_of(self.types.len())?;
        self.types.try_push(ty.try_clone()?)?;
        Ok(id)
    }

    /// Creates a host function. `data` is passed back through
    /// [`Caller::data`](super::exec::host::Caller::data) on every call.
    pub fn new_host_func(
        &mut self,
        params: &[ValType],
        results: &[ValType],
        callback: HostFunc,
        data: *mut (),
    ) -> Result<FuncId> {
        let ty = FuncType::try_new(params, results)?;
        let type_id = self.intern_type(&ty)?;
        let id = id_of(self.funcs.len())?;
        self.funcs.try_push(FuncEntry { type_id, kind: FuncKind::Host { callback, data } })?;
        Ok(FuncId(id))
    }

    /// Creates a standalone global (e.g. for a `spectest` module).
    pub fn new_global(&mut self, value: Value, mutable: bool) -> Result<GlobalId> {
        let id = id_of(self.globals.len())?;
        self.globals.try_push(Global { bits: value.to_bits(), ty: value.ty(), mutable })?;
        Ok(GlobalId(id))
    }

    /// Creates a standalone zeroed memory of `min` pages.
    pub fn new_memory(&mut self, min: u32, max: Option<u32>) -> Result<MemoryId> {
        let memory = self.alloc_memory(min, max)?;
        let id = id_of(self.memories.len())?;
        self.memories.try_push(memory)?;
        Ok(MemoryId(id))
    }

    pub(crate) fn alloc_memory(&self, min: u32, max: Option<u32>) -> Result<Memory> {
        if min > self.limits.max_memory_pages {
            return Err(Error::new(ErrorKind::LimitExceeded("memory pages")));
        }
        let max_pages = max.unwrap_or(65_536).min(self.limits.max_memory_pages);
        let mut memory = Memory { bytes: Buf::new(), declared_max: max, max_pages };
        if memory.grow(min).is_none() {
            return Err(Error::new(ErrorKind::OutOfMemory));
        }
        Ok(memory)
    }

    /// Creates a standalone table of `min` null entries.
    pub fn new_table(&mut self, ty: ValType, min: u32, max: Option<u32>) -> Result<TableId> {
        let table = self.alloc_table(ty, min, max)?;
        let id = id_of(self.tables.len())?;
        self.tables.try_push(table)?;
        Ok(TableId(id))
    }

    pub(crate) fn alloc_table(&self, ty: ValType, min: u32, max: Option<u32>) -> Result<Table> {
        if min > self.limits.max_table_elements {
            return Err(Error::new(ErrorKind::LimitExceeded("table elements")));
        }
        let cap = max.unwrap_or(u32::MAX).min(self.limits.max_table_elements);
        let mut table = Table { elems: Buf::new(), ty, declared_max: max, max: cap };
        if table.grow(min, 0).is_none() {
            return Err(Error::new(ErrorKind::OutOfMemory));
        }
        Ok(table)
    }

    fn instance(&self, instance: InstanceId) -> Option<&Instance> {
        self.instances.get(idx(instance.0))
    }

    /// Looks up an export of an instance.
    pub fn export(&self, instance: InstanceId, name: &str) -> Option<Extern> {
        let inst = self.instance(instance)?;
        let module = self.modules.get(idx(inst.module))?;
        let (kind, index) = module.find_export(name)?;
        let i = idx(index);
        Some(match kind {
            ExternKind::Func => Extern::Func(FuncId(*inst.funcs.get(i)?)),
            ExternKind::Table => Extern::Table(TableId(*inst.tables.get(i)?)),
            ExternKind::Memory => Extern::Memory(MemoryId(inst.memory?)),
            ExternKind::Global => Extern::Global(GlobalId(*inst.globals.get(i)?)),
        })
    }

    /// Number of exports of an instance.
    pub fn export_count(&self, instance: InstanceId) -> usize {
        self.instance(instance)
            .and_then(|inst| self.modules.get(idx(inst.module)))
            .map_or(0, |m| m.export_count())
    }

    /// Name of export `i` of an instance.
    pub fn export_name(&self, instance: InstanceId, i: usize) -> Option<&str> {
        let inst = self.instance(instance)?;
        let module = self.modules.get(idx(inst.module))?;
        module.exports.get(i).and_then(|e| core::str::from_utf8(&e.name).ok())
    }

    /// The module an instance was created from.
    pub fn instance_module(&self, instance: InstanceId) -> Option<&Module> {
        let inst = self.instance(instance)?;
        self.modules.get(idx(inst.module))
    }

    /// Signature of a function.
    pub fn func_type(&self, func: FuncId) -> Option<&FuncType> {
        let entry = self.funcs.get(idx(func.0))?;
        self.types.get(idx(entry.type_id))
    }

    /// Calls an exported function of `instance` with a fuel budget.
    /// Returns the fuel consumed.
    pub fn call(
        &mut self,
        instance: InstanceId,
        export: &str,
        args: &[Value],
        results: &mut [Value],
        fuel: u64,
    ) -> core::result::Result<u64, Trap> {
        match self.export(instance, export) {
            Some(Extern::Func(f)) => self.call_func(f, args, results, fuel),
            _ => Err(Trap::new(TrapKind::ExportNotFound)),
        }
    }

    /// Calls any function of the store with a fuel budget. Returns the fuel consumed.
    pub fn call_func(
        &mut self,
        func: FuncId,
        args: &[Value],
        results: &mut [Value],
        fuel: u64,
    ) -> core::result::Result<u64, Trap> {
        exec::invoke(self, func.0, args, results, fuel)
    }

    /// Current value of a global.
    pub fn global_get(&self, global: GlobalId) -> Option<Value> {
        let g = self.globals.get(idx(global.0))?;
        Some(Value::from_bits(g.ty, g.bits))
    }

    /// Type of a global.
    pub fn global_type(&self, global: GlobalId) -> Option<(ValType, bool)> {
        let g = self.globals.get(idx(global.0))?;
        Some((g.ty, g.mutable))
    }

    /// Sets a mutable global; the value must have the global's type.
    pub fn global_set(&mut self, global: GlobalId, value: Value) -> Result<()> {
        let g = self.globals.get_mut(idx(global.0)).ok_or(Error::new(ErrorKind::InvalidHandle))?;
        if !g.mutable {
            return Err(Error::new(ErrorKind::ImmutableGlobal));
        }
        if g.ty != value.ty() {
            return Err(Error::new(ErrorKind::TypeMismatch));
        }
        g.bits = value.to_bits();
        Ok(())
    }

    /// The default memory of an instance (imported or defined), if any.
    pub fn instance_memory(&self, instance: InstanceId) -> Option<MemoryId> {
        self.instance(instance)?.memory.map(MemoryId)
    }

    /// Contents of a memory.
    pub fn memory(&self, memory: MemoryId) -> Option<&[u8]> {
        self.memories.get(idx(memory.0)).map(|m| m.bytes.as_slice())
    }

    /// Mutable contents of a memory.
    pub fn memory_mut(&mut self, memory: MemoryId) -> Option<&mut [u8]> {
        self.memories.get_mut(idx(memory.0)).map(|m| m.bytes.as_mut_slice())
    }

    /// Size of a memory in pages.
    pub fn memory_pages(&self, memory: MemoryId) -> Option<u32> {
        self.memories.get(idx(memory.0)).map(|m| m.pages())
    }

    /// Grows a memory; returns the previous size in pages.
    pub fn memory_grow(&mut self, memory: MemoryId, delta: u32) -> Option<u32> {
        self.memories.get_mut(idx(memory.0))?.grow(delta)
    }

    /// Copies `buf.len()` bytes at `offset` out of a memory (bounds checked).
    pub fn read_memory(&self, memory: MemoryId, offset: u64, buf: &mut [u8]) -> core::result::Result<(), Trap> {
        let mem = self.memory(memory).ok_or(Trap::new(TrapKind::MemoryOutOfBounds))?;
        let src = range(mem.len(), offset, buf.len()).and_then(|r| mem.get(r));
        let src = src.ok_or(Trap::new(TrapKind::MemoryOutOfBounds))?;
        buf.copy_from_slice(src);
        Ok(())
    }

    /// Copies `data` into a memory at `offset` (bounds checked).
    pub fn write_memory(&mut self, memory: MemoryId, offset: u64, data: &[u8]) -> core::result::Result<(), Trap> {
        let mem = self.memory_mut(memory).ok_or(Trap::new(TrapKind::MemoryOutOfBounds))?;
        let len = mem.len();
        let dst = range(len, offset, data.len()).and_then(|r| mem.get_mut(r));
        let dst = dst.ok_or(Trap::new(TrapKind::MemoryOutOfBounds))?;
        dst.copy_from_slice(data);
        Ok(())
    }

    /// Size of a table.
    pub fn table_size(&self, table: TableId) -> Option<u32> {
        self.tables.get(idx(table.0)).map(|t| t.size())
    }

    /// Reads a table entry.
    pub fn table_get(&self, table: TableId, index: u32) -> Option<Value> {
        let t = self.tables.get(idx(table.0))?;
        Some(Value::from_bits(t.ty, *t.elems.get(idx(index))?))
    }

    /// Writes a table entry (type must match the table's element type).
    pub fn table_set(&mut self, table: TableId, index: u32, value: Value) -> core::result::Result<(), Trap> {
        let t = self.tables.get_mut(idx(table.0)).ok_or(Trap::new(TrapKind::TableOutOfBounds))?;
        if t.ty != value.ty() {
            return Err(Trap::new(TrapKind::SignatureMismatch));
        }
        let slot = t.elems.get_mut(idx(index)).ok_or(Trap::new(TrapKind::TableOutOfBounds))?;
        *slot = value.to_bits();
        Ok(())
    }
}

/// `offset..offset+len` if it lies within `0..total`.
pub(crate) fn range(total: usize, offset: u64, len: usize) -> Option<core::ops::Range<usize>> {
    let start = usize::try_from(offset).ok()?;
    let end = start.checked_add(len)?;
    if end > total {
        return None;
    }
    Some(start..end)
}
