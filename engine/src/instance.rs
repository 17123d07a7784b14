//! Instantiation: import matching, allocation of module-defined objects,
//! segment initialisation and the start function.

use core::fmt::Write;

use super::buf::Buf;
use super::error::{Detail, Error, ErrorKind, Result, SectionKind};
use super::linker::Linker;
use super::module::{ConstExpr, ConstOp, DataMode, ElemMode, ImportDesc, Module};
use super::store::{id_of, idx, range, Extern, FuncEntry, FuncKind, Instance, Store};
use super::trap::TrapKind;
use super::types::{FuncType, InstanceId};

fn import_name(module: &[u8], name: &[u8]) -> Detail {
    let mut d = Detail::empty();
    let _ = write!(
        d,
        "{}.{}",
        core::str::from_utf8(module).unwrap_or("?"),
        core::str::from_utf8(name).unwrap_or("?")
    );
    d
}

fn incompatible(module: &[u8], name: &[u8], args: core::fmt::Arguments<'_>) -> Error {
    let mut d = import_name(module, name);
    let _ = d.write_str(": ");
    let _ = d.write_fmt(args);
    Error::new(ErrorKind::IncompatibleImportType).with_text(d)
}

fn limits_match(actual_min: u32, actual_max: Option<u32>, min: u32, max: Option<u32>) -> bool {
    if actual_min < min {
        return false;
    }
    match max {
        None => true,
        Some(m) => actual_max.is_some_and(|a| a <= m),
    }
}

fn trap_error(kind: TrapKind) -> Error {
    Error::new(ErrorKind::Trap(kind))
}

/// The trap of an active segment that does not fit, naming the segment and the sizes:
/// e.g. `data section: out of bounds memory access: segment 0 (8 bytes at offset 65534) does
/// not fit in 65536 bytes`.
fn segment_error(kind: TrapKind, section: SectionKind, index: usize, len: usize, offset: u32, room: usize) -> Error {
    let mut detail = Detail::empty();
    let what = if section == SectionKind::Data { "bytes" } else { "elements" };
    let _ = detail.write_fmt(format_args!(
        "segment {index} ({len} {what} at offset {offset}) does not fit in {room} {what}"
    ));
    trap_error(kind).in_section(section).with_text(detail)
}

struct Resolved {
    funcs: Buf<u32>,
    tables: Buf<u32>,
    memory: Option<u32>,
    globals: Buf<u32>,
}

impl Store {
    fn resolve_imports(&self, module: &Module, linker: &Linker) -> Result<Resolved> {
        let mut r = Resolved { funcs: Buf::new(), tables: Buf::new(), memory: None, globals: Buf::new() };
        for imp in module.imports.iter() {
            let (m, n) = (imp.module.as_slice(), imp.name.as_slice());
            let item = linker
                .get(m, n)
                .ok_or_else(|| Error::new(ErrorKind::UnknownImport).with_text(import_name(m, n)))?;
            match (imp.desc, item) {
                (ImportDesc::Func(t), Extern::Func(f)) => {
                    let expected: &FuncType =
                        module.types.get(idx(t)).ok_or(Error::new(ErrorKind::UnknownType(t)))?;
                    let found = self.func_type(f).ok_or(Error::new(ErrorKind::InvalidHandle))?;
                    if found != expected {
                        return Err(incompatible(m, n, format_args!("expected {}, found {}", expected, found)));
                    }
                    r.funcs.try_push(f.0)?;
                }
                (ImportDesc::Table(tt), Extern::Table(t)) => {
                    let table = self.tables.get(idx(t.0)).ok_or(Error::new(ErrorKind::InvalidHandle))?;
                    if table.ty != tt.elem || !limits_match(table.size(), table.declared_max, tt.min, tt.max) {
                        return Err(incompatible(m, n, format_args!("table type or limits differ")));
                    }
                    r.tables.try_push(t.0)?;
                }
                (ImportDesc::Memory(mt), Extern::Memory(mem)) => {
                    let memory = self.memories.get(idx(mem.0)).ok_or(Error::new(ErrorKind::InvalidHandle))?;
                    if !limits_match(memory.pages(), memory.declared_max, mt.min, mt.max) {
                        return Err(incompatible(m, n, format_args!("memory limits differ")));
                    }
                    r.memory = Some(mem.0);
                }
                (ImportDesc::Global(gt), Extern::Global(g)) => {
                    let global = self.globals.get(idx(g.0)).ok_or(Error::new(ErrorKind::InvalidHandle))?;
                    if global.ty != gt.ty || global.mutable != gt.mutable {
                        return Err(incompatible(
                            m,
                            n,
                            format_args!(
                                "expected {}{}, found {}{}",
                                if gt.mutable { "mut " } else { "" },
                                gt.ty,
                                if global.mutable { "mut " } else { "" },
                                global.ty
                            ),
                        ));
                    }
                    r.globals.try_push(g.0)?;
                }
                (desc, found) => {
                    let expected = match desc {
                        ImportDesc::Func(_) => "function",
                        ImportDesc::Table(_) => "table",
                        ImportDesc::Memory(_) => "memory",
                        ImportDesc::Global(_) => "global",
                    };
                    return Err(incompatible(
                        m,
                        n,
                        format_args!("expected {}, found {}", expected, found.kind().name()),
                    ));
                }
            }
        }
        Ok(r)
    }

    fn eval_simple(&self, expr: ConstExpr, globals: &[u32], funcs: &[u32]) -> u64 {
        match expr {
            ConstExpr::I32(v) => u64::from(v as u32),
            ConstExpr::I64(v) => v as u64,
            ConstExpr::RefNull(_) | ConstExpr::Extended { .. } => 0,
            ConstExpr::RefFunc(f) => funcs.get(idx(f)).map_or(0, |id| u64::from(*id).wrapping_add(1)),
            ConstExpr::GlobalGet(g) => globals
                .get(idx(g))
                .and_then(|id| self.globals.get(idx(*id)))
                .map_or(0, |global| global.bits),
        }
    }

    /// Evaluates a validated constant expression.
    fn eval_const(&self, module: &Module, expr: ConstExpr, globals: &[u32], funcs: &[u32]) -> Result<u64> {
        let ConstExpr::Extended { start, len } = expr else {
            return Ok(self.eval_simple(expr, globals, funcs));
        };
        let begin = idx(start);
        let ops = module.const_ops.get(begin..begin.saturating_add(idx(len))).unwrap_or(&[]);
        let mut stack: Buf<u64> = Buf::new();
        for op in ops {
            if let ConstOp::Push(simple) = op {
                stack.try_push(self.eval_simple(*simple, globals, funcs))?;
                continue;
            }
            let b = stack.pop().unwrap_or(0);
            let a = stack.pop().unwrap_or(0);
            let (a32, b32) = (a as u32, b as u32);
            stack.try_push(match op {
                ConstOp::I32Add => u64::from(a32.wrapping_add(b32)),
                ConstOp::I32Sub => u64::from(a32.wrapping_sub(b32)),
                ConstOp::I32Mul => u64::from(a32.wrapping_mul(b32)),
                ConstOp::I64Add => a.wrapping_add(b),
                ConstOp::I64Sub => a.wrapping_sub(b),
                ConstOp::I64Mul | ConstOp::Push(_) => a.wrapping_mul(b),
            })?;
        }
        Ok(stack.pop().unwrap_or(0))
    }

    /// Links `module` against `linker`, initialises it and runs its start
    /// function with `fuel`. On a trap during initialisation the error's
    /// [`trap`](Error::trap) is set; objects already written (e.g. entries
    /// in imported tables) stay modified, as the specification requires.
    pub fn instantiate(&mut self, module: Module, linker: &Linker, fuel: u64) -> Result<InstanceId> {
        let resolved = self.resolve_imports(&module, linker)?;
        let Resolved { mut funcs, mut tables, mut memory, mut globals } = resolved;

        let mut type_ids: Buf<u32> = Buf::try_with_capacity(module.types.len())?;
        for t in module.types.iter() {
            let id = self.intern_type(t)?;
            type_ids.try_push(id)?;
        }

        let module_index = id_of(self.modules.len())?;
        let instance_index = id_of(self.instances.len())?;

        // Functions defined by the module.
        for (i, body) in module.bodies.iter().enumerate() {
            let func_index = idx(module.imported_funcs).saturating_add(i);
            let type_index = *module.funcs.get(func_index).ok_or(Error::new(ErrorKind::UnknownFunction(0)))?;
            let type_id = *type_ids.get(idx(type_index)).ok_or(Error::new(ErrorKind::UnknownType(type_index)))?;
            let id = id_of(self.funcs.len())?;
            self.funcs.try_push(FuncEntry {
                type_id,
                kind: FuncKind::Wasm { instance: instance_index, module: module_index, body: *body },
            })?;
            funcs.try_push(id)?;
        }

        // Tables and memory.
        for tt in module.tables.iter().skip(idx(module.imported_tables)) {
            let table = self.alloc_table(tt.elem, tt.min, tt.max)?;
            let id = id_of(self.tables.len())?;
            self.tables.try_push(table)?;
            tables.try_push(id)?;
        }
        for mt in module.memories.iter().skip(idx(module.imported_memories)) {
            let mem = self.alloc_memory(mt.min, mt.max)?;
            let id = id_of(self.memories.len())?;
            self.memories.try_push(mem)?;
            memory = Some(id);
        }

        // Globals, in order (initialisers may read earlier globals).
        let defined_globals = module.globals.iter().skip(idx(module.imported_globals));
        for (gt, init) in defined_globals.zip(module.global_inits.iter()) {
            let bits = self.eval_const(&module, *init, &globals, &funcs)?;
            let id = id_of(self.globals.len())?;
            self.globals.try_push(super::store::Global { bits, ty: gt.ty, mutable: gt.mutable })?;
            globals.try_push(id)?;
        }

        // Element segments as resolved reference slots.
        let mut elems: Buf<Buf<u64>> = Buf::try_with_capacity(module.elems.len())?;
        for seg in module.elems.iter() {
            let mut items: Buf<u64> = Buf::try_with_capacity(seg.items.len())?;
            for item in seg.items.iter() {
                items.try_push(self.eval_const(&module, *item, &globals, &funcs)?)?;
            }
            elems.try_push(items)?;
        }
        let mut data_dropped: Buf<bool> = Buf::new();
        data_dropped.try_resize(module.datas.len(), false)?;

        // Active segments, in order; a failure traps but keeps earlier writes.
        let mut init_trap: Option<Error> = None;
        for (i, seg) in module.elems.iter().enumerate() {
            match seg.mode {
                ElemMode::Active { table, offset } => {
                    let offset = self.eval_const(&module, offset, &globals, &funcs)? as u32;
                    let items = elems.get(i).map(|b| b.as_slice()).unwrap_or(&[]);
                    let table_id = tables.get(idx(table)).copied().unwrap_or(u32::MAX);
                    let room = self.tables.get(idx(table_id)).map_or(0, |t| t.elems.len());
                    let ok = match self.tables.get_mut(idx(table_id)) {
                        Some(t) => match range(t.elems.len(), u64::from(offset), items.len())
                            .and_then(|r| t.elems.get_mut(r))
                        {
                            Some(dst) => {
                                dst.copy_from_slice(items);
                                true
                            }
                            None => false,
                        },
                        None => false,
                    };
                    if !ok {
                        init_trap = Some(segment_error(TrapKind::TableOutOfBounds, SectionKind::Element, i, items.len(), offset, room));
                        break;
                    }
                    if let Some(e) = elems.get_mut(i) {
                        *e = Buf::new();
                    }
                }
                ElemMode::Declarative => {
                    if let Some(e) = elems.get_mut(i) {
                        *e = Buf::new();
                    }
                }
                ElemMode::Passive => {}
            }
        }
        if init_trap.is_none() {
            for (i, seg) in module.datas.iter().enumerate() {
                if let DataMode::Active { offset } = seg.mode {
                    let offset = self.eval_const(&module, offset, &globals, &funcs)? as u32;
                    let room = memory.and_then(|m| self.memories.get(idx(m))).map_or(0, |m| m.bytes.len());
                    let ok = match memory.and_then(|m| self.memories.get_mut(idx(m))) {
                        Some(mem) => match range(mem.bytes.len(), u64::from(offset), seg.bytes.len())
                            .and_then(|r| mem.bytes.get_mut(r))
                        {
                            Some(dst) => {
                                dst.copy_from_slice(&seg.bytes);
                                true
                            }
                            None => false,
                        },
                        None => false,
                    };
                    if !ok {
                        init_trap = Some(segment_error(TrapKind::MemoryOutOfBounds, SectionKind::Data, i, seg.bytes.len(), offset, room));
                        break;
                    }
                    if let Some(d) = data_dropped.get_mut(i) {
                        *d = true;
                    }
                }
            }
        }

        let start = module.start;
        self.modules.try_push(module)?;
        self.instances.try_push(Instance {
            module: module_index,
            funcs,
            tables,
            memory,
            globals,
            types: type_ids,
            elems,
            data_dropped,
        })?;
        if let Some(error) = init_trap {
            return Err(error);
        }
        let instance = InstanceId(instance_index);
        if let Some(start) = start {
            let func = self
                .instances
                .get(idx(instance_index))
                .and_then(|inst| inst.funcs.get(idx(start)))
                .copied()
                .ok_or(Error::new(ErrorKind::UnknownFunction(start)))?;
            let mut no_results: [super::types::Value; 0] = [];
            self.call_func(super::types::FuncId(func), &[], &mut no_results, fuel)
                .map_err(|t| trap_error(t.kind()))?;
        }
        Ok(instance)
    }
}
