//! Decoding (and module-level validation) of each section's contents.

use super::super::buf::Buf;
use super::super::error::{Error, ErrorKind, Result, SectionKind};
use super::super::limits::Limits;
use super::super::module::{
    ConstExpr, ConstOp, DataMode, DataSegment, ElemMode, ElemSegment, Export, ExternKind, GlobalType, Import, ImportDesc,
    MemoryType, Module, TableType,
};
use super::super::translate::{self, Env, Scratch};
use super::super::types::{FuncType, ValType};
use super::super::validate;
use super::reader::Reader;
use super::DecodeState;

const MAX_PAGES: u32 = 65_536;

pub(super) fn decode_section(
    kind: SectionKind,
    r: &mut Reader<'_>,
    module: &mut Module,
    state: &mut DecodeState,
    limits: &Limits,
) -> Result<()> {
    match kind {
        SectionKind::Header => Ok(()),
        SectionKind::Custom => {
            r.name()?;
            let rest = r.remaining();
            r.bytes(rest)?;
            Ok(())
        }
        SectionKind::Type => types(r, module, limits),
        SectionKind::Import => imports(r, module, state, limits),
        SectionKind::Function => functions(r, module, state, limits),
        SectionKind::Table => tables(r, module, limits),
        SectionKind::Memory => memories(r, module, limits),
        SectionKind::Global => globals(r, module, state, limits),
        SectionKind::Export => exports(r, module, state, limits),
        SectionKind::Start => start(r, module),
        SectionKind::Element => elements(r, module, state, limits),
        SectionKind::DataCount => {
            module.data_count = Some(r.u32()?);
            Ok(())
        }
        SectionKind::Code => code(r, module, state, limits),
        SectionKind::Data => datas(r, module, limits),
    }
}

/// Reads a vector length, bounded by the remaining bytes and the item limit.
fn item_count(r: &mut Reader<'_>, limits: &Limits) -> Result<u32> {
    let at = r.offset();
    let n = r.count()?;
    if n > limits.max_section_items {
        return Err(Error::new(ErrorKind::LimitExceeded("items in a section")).at(at));
    }
    Ok(n)
}

fn to_usize(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

fn types(r: &mut Reader<'_>, module: &mut Module, limits: &Limits) -> Result<()> {
    let n = item_count(r, limits)?;
    module.types.try_reserve(to_usize(n))?;
    let mut params: Buf<ValType> = Buf::new();
    let mut results: Buf<ValType> = Buf::new();
    for _ in 0..n {
        let at = r.offset();
        let form = r.u8()?;
        if form != 0x60 {
            return Err(Error::new(ErrorKind::MalformedFunctionType(form)).at(at));
        }
        for list in [&mut params, &mut results] {
            list.clear();
            let count = r.count()?;
            for _ in 0..count {
                let at = r.offset();
                let t = r.val_type()?;
                if t == ValType::V128 {
                    return Err(Error::new(ErrorKind::SimdNotSupported).at(at));
                }
                list.try_push(t)?;
            }
        }
        module.types.try_push(FuncType::try_new(&params, &results)?)?;
    }
    Ok(())
}

fn limits_pair(r: &mut Reader<'_>) -> Result<(u32, Option<u32>)> {
    let at = r.offset();
    let flag = r.u8()?;
    match flag {
        0x00 => Ok((r.u32()?, None)),
        0x01 => {
            let min = r.u32()?;
            let max = r.u32()?;
            Ok((min, Some(max)))
        }
        // No proposal gives 0x02 a meaning (threads: shared memories need a
        // maximum, flag 0x03), so it is malformed, as the spec's binary.wast
        // expects; 0x03..=0x07 are shared / 64-bit limits, which are valid
        // wasm this engine does not support.
        0x03..=0x07 => Err(Error::new(ErrorKind::MultiMemoryNotSupported).at(at)),
        _ => Err(Error::new(ErrorKind::MalformedLimits(flag)).at(at)),
    }
}

fn table_type(r: &mut Reader<'_>) -> Result<TableType> {
    let elem = r.ref_type()?;
    let at = r.offset();
    let (min, max) = limits_pair(r)?;
    if let Some(max) = max {
        if min > max {
            return Err(Error::new(ErrorKind::SizeMinimumGreaterThanMaximum).at(at));
        }
    }
    Ok(TableType { elem, min, max })
}

fn memory_type(r: &mut Reader<'_>) -> Result<MemoryType> {
    let at = r.offset();
    let (min, max) = limits_pair(r)?;
    if min > MAX_PAGES || max.is_some_and(|m| m > MAX_PAGES) {
        return Err(Error::new(ErrorKind::MemorySizeTooLarge).at(at));
    }
    if let Some(max) = max {
        if min > max {
            return Err(Error::new(ErrorKind::SizeMinimumGreaterThanMaximum).at(at));
        }
    }
    Ok(MemoryType { min, max })
}

fn global_type(r: &mut Reader<'_>) -> Result<GlobalType> {
    let at = r.offset();
    let ty = r.val_type()?;
    if ty == ValType::V128 {
        return Err(Error::new(ErrorKind::SimdNotSupported).at(at));
    }
    let at = r.offset();
    let m = r.u8()?;
    let mutable = match m {
        0 => false,
        1 => true,
        _ => return Err(Error::new(ErrorKind::MalformedMutability(m)).at(at)),
    };
    Ok(GlobalType { ty, mutable })
}

fn add_memory(module: &mut Module, mem: MemoryType, at: usize) -> Result<()> {
    if !module.memories.is_empty() {
        return Err(Error::new(ErrorKind::MultipleMemories).at(at));
    }
    module.memories.try_push(mem)?;
    Ok(())
}

fn imports(r: &mut Reader<'_>, module: &mut Module, state: &mut DecodeState, limits: &Limits) -> Result<()> {
    let n = item_count(r, limits)?;
    module.imports.try_reserve(to_usize(n))?;
    for _ in 0..n {
        let module_name = r.name()?;
        let field = r.name()?;
        let at = r.offset();
        let kind = r.u8()?;
        let desc = match kind {
            0x00 => {
                let t = r.u32()?;
                if to_usize(t) >= module.types.len() {
                    return Err(Error::new(ErrorKind::UnknownType(t)).at(at));
                }
                module.funcs.try_push(t)?;
                module.imported_funcs = module.imported_funcs.saturating_add(1);
                ImportDesc::Func(t)
            }
            0x01 => {
                let t = table_type(r)?;
                module.tables.try_push(t)?;
                module.imported_tables = module.imported_tables.saturating_add(1);
                ImportDesc::Table(t)
            }
            0x02 => {
                let m = memory_type(r)?;
                add_memory(module, m, at)?;
                module.imported_memories = module.imported_memories.saturating_add(1);
                ImportDesc::Memory(m)
            }
            0x03 => {
                let g = global_type(r)?;
                module.globals.try_push(g)?;
                module.imported_globals = module.imported_globals.saturating_add(1);
                ImportDesc::Global(g)
            }
            other => return Err(Error::new(ErrorKind::MalformedExternKind(other)).at(at)),
        };
        module.imports.try_push(Import {
            module: Buf::try_from_slice(module_name.as_bytes())?,
            name: Buf::try_from_slice(field.as_bytes())?,
            desc,
        })?;
    }
    state.declared_refs.try_resize(module.funcs.len(), false)?;
    Ok(())
}

fn functions(r: &mut Reader<'_>, module: &mut Module, state: &mut DecodeState, limits: &Limits) -> Result<()> {
    let n = item_count(r, limits)?;
    module.funcs.try_reserve(to_usize(n))?;
    for _ in 0..n {
        let at = r.offset();
        let t = r.u32()?;
        if to_usize(t) >= module.types.len() {
            return Err(Error::new(ErrorKind::UnknownType(t)).at(at));
        }
        module.funcs.try_push(t)?;
    }
    state.declared_bodies = n;
    state.declared_refs.try_resize(module.funcs.len(), false)?;
    Ok(())
}

fn tables(r: &mut Reader<'_>, module: &mut Module, limits: &Limits) -> Result<()> {
    let n = item_count(r, limits)?;
    for _ in 0..n {
        let t = table_type(r)?;
        module.tables.try_push(t)?;
    }
    Ok(())
}

fn memories(r: &mut Reader<'_>, module: &mut Module, limits: &Limits) -> Result<()> {
    let n = item_count(r, limits)?;
    for _ in 0..n {
        let at = r.offset();
        let m = memory_type(r)?;
        add_memory(module, m, at)?;
    }
    Ok(())
}

/// Reads one constant-expression instruction that pushes a value, or
/// returns `None` for an extended-const arithmetic opcode.
fn const_instr(r: &mut Reader<'_>, state: &mut DecodeState, opcode: u8, at: usize) -> Result<Option<ConstExpr>> {
    Ok(Some(match opcode {
        0x41 => ConstExpr::I32(r.s32()?),
        0x42 => ConstExpr::I64(r.s64()?),
        0x23 => ConstExpr::GlobalGet(r.u32()?),
        0xd0 => ConstExpr::RefNull(r.ref_type()?),
        0xd2 => {
            let f = r.u32()?;
            if let Some(slot) = state.declared_refs.get_mut(to_usize(f)) {
                *slot = true;
            }
            ConstExpr::RefFunc(f)
        }
        0x6a | 0x6b | 0x6c | 0x7c | 0x7d | 0x7e => return Ok(None),
        other => {
            if let Some(name) = translate::opcodes::float_instruction_name(other) {
                return Err(Error::new(ErrorKind::FloatInstruction(name)).at(at));
            }
            // An opcode that wasm 2.0 does not define at all (e.g. 0xd3) makes
            // the binary malformed, not merely non-constant: report it as the
            // decoder does in function bodies (spec test binary.wast,
            // "illegal opcode" in an element expression).
            if !is_defined_opcode(other) {
                return Err(Error::new(ErrorKind::UnknownOpcode(u32::from(other))).at(at));
            }
            return Err(Error::new(ErrorKind::ConstantExpressionRequired).at(at));
        }
    }))
}

/// Whether `opcode` is a wasm 2.0 single-byte instruction or prefix byte
/// (the control, parametric, variable, table, memory, numeric, sign-extension
/// and reference instructions, and the 0xfc/0xfd prefixes).
fn is_defined_opcode(opcode: u8) -> bool {
    matches!(opcode, 0x00..=0x05 | 0x0b..=0x11 | 0x1a..=0x1c | 0x20..=0x26 | 0x28..=0xc4 | 0xd0..=0xd2 | 0xfc | 0xfd)
}

fn const_arith(opcode: u8) -> ConstOp {
    match opcode {
        0x6a => ConstOp::I32Add,
        0x6b => ConstOp::I32Sub,
        0x6c => ConstOp::I32Mul,
        0x7c => ConstOp::I64Add,
        0x7d => ConstOp::I64Sub,
        _ => ConstOp::I64Mul,
    }
}

/// Reads a constant expression up to its `end`. Single instructions are
/// kept inline; longer (extended-const) sequences go to `module.const_ops`.
fn const_expr(r: &mut Reader<'_>, state: &mut DecodeState, module: &mut Module) -> Result<ConstExpr> {
    let at = r.offset();
    let opcode = r.u8()?;
    let first = const_instr(r, state, opcode, at)?;
    if let Some(expr) = first {
        if r.peek() == Some(0x0b) {
            r.u8()?;
            return Ok(expr);
        }
    }
    let start = u32::try_from(module.const_ops.len()).map_err(|_| Error::new(ErrorKind::LimitExceeded("constant expressions")))?;
    module.const_ops.try_push(match first {
        Some(expr) => ConstOp::Push(expr),
        None => const_arith(opcode),
    })?;
    loop {
        let at = r.offset();
        let opcode = r.u8()?;
        if opcode == 0x0b {
            break;
        }
        let op = match const_instr(r, state, opcode, at)? {
            Some(expr) => ConstOp::Push(expr),
            None => const_arith(opcode),
        };
        module.const_ops.try_push(op)?;
    }
    let len = u32::try_from(module.const_ops.len().saturating_sub(to_usize(start))).unwrap_or(u32::MAX);
    Ok(ConstExpr::Extended { start, len })
}

fn globals(r: &mut Reader<'_>, module: &mut Module, state: &mut DecodeState, limits: &Limits) -> Result<()> {
    let n = item_count(r, limits)?;
    for _ in 0..n {
        let g = global_type(r)?;
        let at = r.offset();
        let init = const_expr(r, state, module)?;
        let visible = module.globals.len();
        validate::check_const_expr(module, init, g.ty, visible).map_err(|e| e.at(at))?;
        module.globals.try_push(g)?;
        module.global_inits.try_push(init)?;
    }
    Ok(())
}

fn exports(r: &mut Reader<'_>, module: &mut Module, state: &mut DecodeState, limits: &Limits) -> Result<()> {
    let n = item_count(r, limits)?;
    module.exports.try_reserve(to_usize(n))?;
    for _ in 0..n {
        let name = r.name()?;
        let at = r.offset();
        let kind_byte = r.u8()?;
        let index = r.u32()?;
        let (kind, len, unknown): (ExternKind, usize, fn(u32) -> ErrorKind) = match kind_byte {
            0x00 => (ExternKind::Func, module.funcs.len(), ErrorKind::UnknownFunction),
            0x01 => (ExternKind::Table, module.tables.len(), ErrorKind::UnknownTable),
            0x02 => (ExternKind::Memory, module.memories.len(), ErrorKind::UnknownMemory),
            0x03 => (ExternKind::Global, module.globals.len(), ErrorKind::UnknownGlobal),
            other => return Err(Error::new(ErrorKind::MalformedExternKind(other)).at(at)),
        };
        if to_usize(index) >= len {
            return Err(Error::new(unknown(index)).at(at));
        }
        if kind == ExternKind::Func {
            if let Some(slot) = state.declared_refs.get_mut(to_usize(index)) {
                *slot = true;
            }
        }
        module.exports.try_push(Export { name: Buf::try_from_slice(name.as_bytes())?, kind, index })?;
    }
    // Duplicate names: sort indices by name and compare neighbours.
    let mut order: Buf<u32> = Buf::try_with_capacity(module.exports.len())?;
    for i in 0..module.exports.len() {
        order.try_push(u32::try_from(i).unwrap_or(u32::MAX))?;
    }
    let exports = &module.exports;
    let name_of = |i: &u32| exports.get(to_usize(*i)).map(|e| e.name.as_slice()).unwrap_or(&[]);
    super::super::sort::heapsort_by(&mut order, |a, b| name_of(a).cmp(name_of(b)));
    for pair in order.windows(2) {
        if let [a, b] = pair {
            if name_of(a) == name_of(b) {
                return Err(Error::new(ErrorKind::DuplicateExport));
            }
        }
    }
    Ok(())
}

fn start(r: &mut Reader<'_>, module: &mut Module) -> Result<()> {
    let at = r.offset();
    let f = r.u32()?;
    let ft = module.func_type(f).ok_or(Error::new(ErrorKind::UnknownFunction(f)).at(at))?;
    if !ft.params().is_empty() || !ft.results().is_empty() {
        return Err(Error::new(ErrorKind::StartFunctionType).at(at));
    }
    module.start = Some(f);
    Ok(())
}

fn elements(r: &mut Reader<'_>, module: &mut Module, state: &mut DecodeState, limits: &Limits) -> Result<()> {
    let n = item_count(r, limits)?;
    module.elems.try_reserve(to_usize(n))?;
    for _ in 0..n {
        let at = r.offset();
        let flags = r.u32()?;
        if flags > 7 {
            return Err(Error::new(ErrorKind::MalformedElementKind(flags)).at(at));
        }
        let passive_or_declarative = flags & 0b001 != 0;
        let explicit_table = flags & 0b010 != 0;
        let uses_exprs = flags & 0b100 != 0;
        let mode_at = r.offset();
        let mode = if passive_or_declarative {
            if explicit_table {
                ElemMode::Declarative
            } else {
                ElemMode::Passive
            }
        } else {
            let table = if explicit_table { r.u32()? } else { 0 };
            let offset = const_expr(r, state, module)?;
            ElemMode::Active { table, offset }
        };
        // Element type: absent for flags 0 and 4 (funcref).
        let ty = if flags == 0 || flags == 4 {
            ValType::FuncRef
        } else if uses_exprs {
            r.ref_type()?
        } else {
            let kind_at = r.offset();
            let kind = r.u8()?;
            if kind != 0x00 {
                return Err(Error::new(ErrorKind::MalformedElementKind(u32::from(kind))).at(kind_at));
            }
            ValType::FuncRef
        };
        let count = item_count(r, limits)?;
        let mut items: Buf<ConstExpr> = Buf::try_with_capacity(to_usize(count))?;
        for _ in 0..count {
            let item_at = r.offset();
            let item = if uses_exprs {
                const_expr(r, state, module)?
            } else {
                let f = r.u32()?;
                if let Some(slot) = state.declared_refs.get_mut(to_usize(f)) {
                    *slot = true;
                }
                ConstExpr::RefFunc(f)
            };
            validate::check_const_expr(module, item, ty, module.globals.len()).map_err(|e| e.at(item_at))?;
            items.try_push(item)?;
        }
        if let ElemMode::Active { table, offset } = mode {
            let table_ty = module
                .tables
                .get(to_usize(table))
                .ok_or(Error::new(ErrorKind::UnknownTable(table)).at(mode_at))?;
            if table_ty.elem != ty {
                return Err(Error::new(ErrorKind::TypeMismatch).at(mode_at));
            }
            validate::check_const_expr(module, offset, ValType::I32, module.globals.len())
                .map_err(|e| e.at(mode_at))?;
        }
        module.elems.try_push(ElemSegment { ty, mode, items })?;
    }
    Ok(())
}

fn code(r: &mut Reader<'_>, module: &mut Module, state: &mut DecodeState, limits: &Limits) -> Result<()> {
    let at = r.offset();
    let n = item_count(r, limits)?;
    if n != state.declared_bodies {
        return Err(Error::new(ErrorKind::FunctionCodeMismatch).at(at));
    }
    state.code_seen = true;
    let mut code = Buf::new();
    let mut bodies = Buf::try_with_capacity(to_usize(n))?;
    let mut scratch = Scratch::new();
    {
        let env = Env { module, declared_refs: &state.declared_refs, limits };
        for i in 0..n {
            let func_index = module.imported_funcs.saturating_add(i);
            let body_at = r.offset();
            let size = r.u32().map_err(|e| e.in_function(func_index))?;
            let mut body = r
                .sub_reader(to_usize(size))
                .map_err(|_| Error::new(ErrorKind::UnexpectedEnd).at(body_at).in_function(func_index))?;
            let compiled = translate::compile_function(&env, func_index, &mut body, &mut code, &mut scratch)
                .map_err(|e| e.in_function(func_index))?;
            bodies.try_push(compiled)?;
        }
    }
    module.code = code;
    module.bodies = bodies;
    Ok(())
}

fn datas(r: &mut Reader<'_>, module: &mut Module, limits: &Limits) -> Result<()> {
    let n = item_count(r, limits)?;
    if let Some(expected) = module.data_count {
        if expected != n {
            return Err(Error::new(ErrorKind::DataCountMismatch));
        }
    }
    let mut no_state = DecodeState { declared_refs: Buf::new(), declared_bodies: 0, code_seen: false };
    module.datas.try_reserve(to_usize(n))?;
    for _ in 0..n {
        let at = r.offset();
        let flags = r.u32()?;
        let mode = match flags {
            0 | 2 => {
                let mem = if flags == 2 { r.u32()? } else { 0 };
                if mem != 0 || module.memories.is_empty() {
                    return Err(Error::new(ErrorKind::UnknownMemory(mem)).at(at));
                }
                let offset_at = r.offset();
                let offset = const_expr(r, &mut no_state, module)?;
                validate::check_const_expr(module, offset, ValType::I32, module.globals.len())
                    .map_err(|e| e.at(offset_at))?;
                DataMode::Active { offset }
            }
            1 => DataMode::Passive,
            other => return Err(Error::new(ErrorKind::MalformedDataKind(other)).at(at)),
        };
        let len = r.u32()?;
        let bytes = r.bytes(to_usize(len))?;
        module.datas.try_push(DataSegment { mode, bytes: Buf::try_from_slice(bytes)? })?;
    }
    Ok(())
}
