//! The interpreter: a single non-recursive loop over translated code.
//!
//! Wasm calls push a [`Frame`] on the store's heap call stack; locals and
//! operands live in the store's value stack. Traps are returned as values.

mod bulk;
pub(crate) mod host;

use super::buf::Buf;
use super::module::Module;
use super::store::{idx, Frame, FuncEntry, FuncKind, Instance, Memory, Store, Table, PROGRESS_INTERVAL};

const PROGRESS_MASK: u64 = PROGRESS_INTERVAL.wrapping_sub(1);
use super::translate::ops::Op;
use super::trap::{Trap, TrapKind};
use super::types::{FuncType, Value};
use self::host::Caller;

fn trap(kind: TrapKind) -> Trap {
    Trap::new(kind)
}

/// Where a wasm function's code and state live.
#[derive(Clone, Copy)]
struct Context {
    module: usize,
    instance: usize,
    memory: Option<usize>,
}

fn context_of(instances: &[Instance], entry: &FuncEntry) -> Option<(Context, super::module::FuncBody)> {
    match entry.kind {
        FuncKind::Wasm { instance, module, body } => {
            let inst = instances.get(idx(instance))?;
            Some((
                Context { module: idx(module), instance: idx(instance), memory: inst.memory.map(idx) },
                body,
            ))
        }
        FuncKind::Host { .. } => None,
    }
}

fn code_of(modules: &[Module], module: usize) -> &[Op] {
    modules.get(module).map(|m| m.code.as_slice()).unwrap_or(&[])
}

/// Checks `values` against `types`.
fn values_match(values: &[Value], types: &[super::types::ValType]) -> bool {
    values.len() == types.len() && values.iter().zip(types.iter()).all(|(v, t)| v.ty() == *t)
}

/// Runs a host function with arguments taken from `stack[sp - n..sp]`;
/// returns the new stack pointer after pushing its results.
#[allow(clippy::too_many_arguments)]
fn call_host(
    callback: host::HostFunc,
    data: *mut (),
    ty: &FuncType,
    stack: &mut [u64],
    sp: usize,
    args: &mut Buf<Value>,
    results: &mut Buf<Value>,
    memory: Option<&mut Buf<u8>>,
) -> Result<usize, Trap> {
    let n = ty.params().len();
    let base = sp.checked_sub(n).ok_or(trap(TrapKind::StackExhausted))?;
    args.clear();
    results.clear();
    for (i, t) in ty.params().iter().enumerate() {
        let bits = *stack.get(base.wrapping_add(i)).ok_or(trap(TrapKind::StackExhausted))?;
        args.try_push(Value::from_bits(*t, bits)).map_err(|_| trap(TrapKind::OutOfMemory))?;
    }
    for t in ty.results() {
        results.try_push(Value::default_of(*t)).map_err(|_| trap(TrapKind::OutOfMemory))?;
    }
    let mut caller = Caller { memory, data };
    callback(&mut caller, args, results)?;
    if !values_match(results, ty.results()) {
        return Err(trap(TrapKind::SignatureMismatch));
    }
    let mut sp = base;
    for v in results.iter() {
        let slot = stack.get_mut(sp).ok_or(trap(TrapKind::StackExhausted))?;
        *slot = v.to_bits();
        sp = sp.wrapping_add(1);
    }
    Ok(sp)
}

fn memory_of<'m>(memories: &'m mut Buf<Memory>, ctx: &Context) -> Result<&'m mut Memory, Trap> {
    ctx.memory.and_then(|m| memories.get_mut(m)).ok_or(trap(TrapKind::MemoryOutOfBounds))
}

fn table_of<'t>(
    tables: &'t mut Buf<Table>,
    instances: &[Instance],
    ctx: &Context,
    table: u32,
) -> Result<&'t mut Table, Trap> {
    let id = instances
        .get(ctx.instance)
        .and_then(|inst| inst.tables.get(idx(table)))
        .copied()
        .ok_or(trap(TrapKind::TableOutOfBounds))?;
    tables.get_mut(idx(id)).ok_or(trap(TrapKind::TableOutOfBounds))
}

fn table_index(instances: &[Instance], ctx: &Context, table: u32) -> Result<usize, Trap> {
    instances
        .get(ctx.instance)
        .and_then(|inst| inst.tables.get(idx(table)))
        .map(|id| idx(*id))
        .ok_or(trap(TrapKind::TableOutOfBounds))
}

/// Calls function `func` of `store` with `args`, writing `results`;
/// returns the fuel consumed.
pub(crate) fn invoke(
    store: &mut Store,
    func: u32,
    args: &[Value],
    results: &mut [Value],
    fuel: u64,
) -> Result<u64, Trap> {
    let Store {
        limits,
        types,
        modules,
        instances,
        funcs,
        memories,
        tables,
        globals,
        stack,
        frames,
        host_args,
        host_results,
        progress,
    } = store;
    let progress = *progress;
    let entry = *funcs.get(idx(func)).ok_or(trap(TrapKind::ExportNotFound))?;
    let ty = types.get(idx(entry.type_id)).ok_or(trap(TrapKind::ExportNotFound))?;
    if !values_match(args, ty.params()) || results.len() != ty.results().len() {
        return Err(trap(TrapKind::SignatureMismatch));
    }
    if fuel == 0 {
        return Err(trap(TrapKind::OutOfFuel));
    }
    let mut fuel_left = fuel.wrapping_sub(1);

    // Lazily allocate the value stack and call stack to their limits.
    let stack_len = usize::try_from(limits.max_value_stack).unwrap_or(usize::MAX);
    if stack.len() < stack_len {
        stack.try_reserve_exact(stack_len.saturating_sub(stack.len())).map_err(|_| trap(TrapKind::OutOfMemory))?;
        stack.try_resize(stack_len, 0).map_err(|_| trap(TrapKind::OutOfMemory))?;
    }
    let max_depth = usize::try_from(limits.max_call_depth).unwrap_or(usize::MAX);
    frames.clear();
    if frames.capacity() < max_depth {
        frames.try_reserve_exact(max_depth).map_err(|_| trap(TrapKind::OutOfMemory))?;
    }
    let mut sp: usize = 0;
    for a in args {
        let slot = stack.get_mut(sp).ok_or(trap(TrapKind::StackExhausted))?;
        *slot = a.to_bits();
        sp = sp.wrapping_add(1);
    }

    let (mut ctx, body) = match context_of(instances, &entry) {
        Some(found) => found,
        None => {
            if let FuncKind::Host { callback, data } = entry.kind {
                // A host function called directly has no calling instance, so no memory.
                call_host(callback, data, ty, stack, sp, host_args, host_results, None)?;
                for (r, v) in results.iter_mut().zip(host_results.iter()) {
                    *r = *v;
                }
            }
            return Ok(1);
        }
    };
    let mut fp: usize = 0;
    let extra = idx(body.extra_locals);
    let locals_end = sp.checked_add(extra).ok_or(trap(TrapKind::StackExhausted))?;
    stack.get_mut(sp..locals_end).ok_or(trap(TrapKind::StackExhausted))?.fill(0);
    sp = locals_end;
    let stack: &mut [u64] = stack.as_mut_slice();
    let mut current = func;
    let mut pc = idx(body.start);
    let mut code: &[Op] = code_of(modules, ctx.module);

    macro_rules! pop {
        () => {{
            sp = sp.wrapping_sub(1);
            match stack.get(sp) {
                Some(v) => *v,
                None => return Err(trap(TrapKind::StackExhausted)),
            }
        }};
    }
    macro_rules! push {
        ($v:expr) => {{
            let v: u64 = $v;
            match stack.get_mut(sp) {
                Some(slot) => *slot = v,
                None => return Err(trap(TrapKind::StackExhausted)),
            }
            sp = sp.wrapping_add(1);
        }};
    }
    macro_rules! top {
        () => {
            match stack.get_mut(sp.wrapping_sub(1)) {
                Some(slot) => slot,
                None => return Err(trap(TrapKind::StackExhausted)),
            }
        };
    }
    macro_rules! local {
        ($i:expr) => {
            match stack.get(fp.wrapping_add(idx($i))) {
                Some(v) => *v,
                None => return Err(trap(TrapKind::StackExhausted)),
            }
        };
    }
    macro_rules! set_local {
        ($i:expr, $v:expr) => {
            match stack.get_mut(fp.wrapping_add(idx($i))) {
                Some(slot) => *slot = $v,
                None => return Err(trap(TrapKind::StackExhausted)),
            }
        };
    }
    macro_rules! unop32 {
        (|$a:ident| $e:expr) => {{
            let slot = top!();
            let $a = *slot as u32;
            *slot = u64::from($e);
        }};
    }
    macro_rules! unop64 {
        (|$a:ident| $e:expr) => {{
            let slot = top!();
            let $a = *slot;
            *slot = $e;
        }};
    }
    macro_rules! binop32 {
        (|$a:ident, $b:ident| $e:expr) => {{
            let $b = pop!() as u32;
            let slot = top!();
            let $a = *slot as u32;
            *slot = u64::from($e);
        }};
    }
    macro_rules! binop64 {
        (|$a:ident, $b:ident| $e:expr) => {{
            let $b = pop!();
            let slot = top!();
            let $a = *slot;
            *slot = $e;
        }};
    }
    macro_rules! binop32_trap {
        (|$a:ident, $b:ident| $e:expr) => {{
            let $b = pop!() as u32;
            let slot = top!();
            let $a = *slot as u32;
            let r: Result<u32, TrapKind> = $e;
            *slot = u64::from(r.map_err(trap)?);
        }};
    }
    macro_rules! binop64_trap {
        (|$a:ident, $b:ident| $e:expr) => {{
            let $b = pop!();
            let slot = top!();
            let $a = *slot;
            let r: Result<u64, TrapKind> = $e;
            *slot = r.map_err(trap)?;
        }};
    }
    macro_rules! effective {
        ($offset:expr, $n:expr) => {{
            let base = pop!() as u32;
            let ea = u64::from(base).wrapping_add(u64::from($offset));
            let start = usize::try_from(ea).map_err(|_| trap(TrapKind::MemoryOutOfBounds))?;
            let end = start.checked_add($n).ok_or(trap(TrapKind::MemoryOutOfBounds))?;
            start..end
        }};
    }
    macro_rules! load {
        ($offset:expr, $n:literal, |$bytes:ident| $conv:expr) => {{
            let range = effective!($offset, $n);
            let mem = memory_of(memories, &ctx)?;
            let src = mem.bytes.get(range).ok_or(trap(TrapKind::MemoryOutOfBounds))?;
            let $bytes: [u8; $n] = src.try_into().map_err(|_| trap(TrapKind::MemoryOutOfBounds))?;
            push!($conv);
        }};
    }
    macro_rules! store {
        ($offset:expr, $n:literal, |$v:ident| $conv:expr) => {{
            let $v = pop!();
            let range = effective!($offset, $n);
            let mem = memory_of(memories, &ctx)?;
            let dst = mem.bytes.get_mut(range).ok_or(trap(TrapKind::MemoryOutOfBounds))?;
            let dst: &mut [u8; $n] = dst.try_into().map_err(|_| trap(TrapKind::MemoryOutOfBounds))?;
            *dst = $conv;
        }};
    }
    macro_rules! consume_fuel {
        () => {{
            if fuel_left == 0 {
                return Err(trap(TrapKind::OutOfFuel));
            }
            fuel_left = fuel_left.wrapping_sub(1);
            if fuel_left & PROGRESS_MASK == 0 {
                if let Some((hook, data)) = progress {
                    if !hook(data) {
                        return Err(trap(TrapKind::Interrupted));
                    }
                }
            }
        }};
    }
    macro_rules! branch {
        ($target:expr, $height:expr, $keep:expr) => {{
            let dst = fp.wrapping_add(idx($height));
            let keep = idx($keep);
            let src = sp.wrapping_sub(keep);
            if dst != src {
                for k in 0..keep {
                    let v = match stack.get(src.wrapping_add(k)) {
                        Some(v) => *v,
                        None => return Err(trap(TrapKind::StackExhausted)),
                    };
                    match stack.get_mut(dst.wrapping_add(k)) {
                        Some(slot) => *slot = v,
                        None => return Err(trap(TrapKind::StackExhausted)),
                    }
                }
            }
            sp = dst.wrapping_add(keep);
            let target = idx($target);
            if target <= pc {
                consume_fuel!();
            }
            pc = target;
            continue;
        }};
    }

    loop {
        let op = match code.get(pc) {
            Some(op) => *op,
            None => return Err(trap(TrapKind::Unreachable)),
        };
        match op {
            Op::Unreachable => return Err(trap(TrapKind::Unreachable)),
            Op::Jump(t) => {
                let target = idx(t);
                if target <= pc {
                    consume_fuel!();
                }
                pc = target;
                continue;
            }
            Op::JumpIfI32 { cmp, target } => {
                let b = pop!() as u32;
                let a = pop!() as u32;
                if cmp.holds(a, b) {
                    let target = idx(target);
                    if target <= pc {
                        consume_fuel!();
                    }
                    pc = target;
                    continue;
                }
            }
            Op::JumpIfI32Locals { cmp, a, b, target } => {
                let x = local!(u32::from(a)) as u32;
                let y = local!(u32::from(b)) as u32;
                if cmp.holds(x, y) {
                    let target = idx(target);
                    if target <= pc {
                        consume_fuel!();
                    }
                    pc = target;
                    continue;
                }
            }
            Op::JumpIfI32LocalConst { cmp, a, c, target } => {
                let x = local!(u32::from(a)) as u32;
                if cmp.holds(x, c as u32) {
                    let target = idx(target);
                    if target <= pc {
                        consume_fuel!();
                    }
                    pc = target;
                    continue;
                }
            }
            Op::JumpIfNonZero(t) => {
                if pop!() as u32 != 0 {
                    let target = idx(t);
                    if target <= pc {
                        consume_fuel!();
                    }
                    pc = target;
                    continue;
                }
            }
            Op::JumpIfZero(t) => {
                if pop!() as u32 == 0 {
                    let target = idx(t);
                    // A backward branch is a loop iteration: it costs fuel like every other.
                    if target <= pc {
                        consume_fuel!();
                    }
                    pc = target;
                    continue;
                }
            }
            Op::Br { target, height, keep } => branch!(target, height, keep),
            Op::BrIf { target, height, keep } => {
                if pop!() as u32 != 0 {
                    branch!(target, height, keep);
                }
            }
            Op::BrTable { len } => {
                let i = (pop!() as u32).min(len);
                let at = pc.wrapping_add(1).wrapping_add(idx(i));
                match code.get(at) {
                    Some(Op::BrTableEntry { target, height, keep }) => branch!(*target, *height, *keep),
                    _ => return Err(trap(TrapKind::Unreachable)),
                }
            }
            Op::BrTableEntry { .. } => return Err(trap(TrapKind::Unreachable)),
            Op::Return { keep } => {
                let keep = idx(keep);
                let src = sp.wrapping_sub(keep);
                for k in 0..keep {
                    let v = match stack.get(src.wrapping_add(k)) {
                        Some(v) => *v,
                        None => return Err(trap(TrapKind::StackExhausted)),
                    };
                    match stack.get_mut(fp.wrapping_add(k)) {
                        Some(slot) => *slot = v,
                        None => return Err(trap(TrapKind::StackExhausted)),
                    }
                }
                sp = fp.wrapping_add(keep);
                match frames.pop() {
                    None => break,
                    Some(frame) => {
                        current = frame.func;
                        pc = idx(frame.return_pc);
                        fp = idx(frame.fp);
                        let entry = funcs.get(idx(current)).ok_or(trap(TrapKind::Unreachable))?;
                        let (c, _) = context_of(instances, entry).ok_or(trap(TrapKind::Unreachable))?;
                        if c.module != ctx.module {
                            code = code_of(modules, c.module);
                        }
                        ctx = c;
                        continue;
                    }
                }
            }
            Op::Call(_) | Op::CallIndirect { .. } => {
                let callee = match op {
                    Op::Call(f) => instances
                        .get(ctx.instance)
                        .and_then(|inst| inst.funcs.get(idx(f)))
                        .copied()
                        .ok_or(trap(TrapKind::Unreachable))?,
                    Op::CallIndirect { type_index, table } => {
                        let i = pop!() as u32;
                        let t = table_of(tables, instances, &ctx, table)?;
                        let r = *t.elems.get(idx(i)).ok_or(trap(TrapKind::UndefinedElement))?;
                        if r == 0 {
                            return Err(trap(TrapKind::UninitializedElement));
                        }
                        let callee = (r.wrapping_sub(1)) as u32;
                        let expected = instances
                            .get(ctx.instance)
                            .and_then(|inst| inst.types.get(idx(type_index)))
                            .copied()
                            .ok_or(trap(TrapKind::IndirectCallTypeMismatch))?;
                        let actual = funcs.get(idx(callee)).map(|e| e.type_id);
                        if actual != Some(expected) {
                            return Err(trap(TrapKind::IndirectCallTypeMismatch));
                        }
                        callee
                    }
                    _ => return Err(trap(TrapKind::Unreachable)),
                };
                consume_fuel!();
                let entry = *funcs.get(idx(callee)).ok_or(trap(TrapKind::Unreachable))?;
                match context_of(instances, &entry) {
                    Some((c, body)) => {
                        if frames.len() >= max_depth {
                            return Err(trap(TrapKind::StackExhausted));
                        }
                        let ret = u32::try_from(pc.wrapping_add(1)).map_err(|_| trap(TrapKind::Unreachable))?;
                        let saved_fp = u32::try_from(fp).map_err(|_| trap(TrapKind::StackExhausted))?;
                        frames
                            .try_push(Frame { func: current, return_pc: ret, fp: saved_fp })
                            .map_err(|_| trap(TrapKind::StackExhausted))?;
                        fp = sp.checked_sub(idx(body.params)).ok_or(trap(TrapKind::StackExhausted))?;
                        let end = sp.checked_add(idx(body.extra_locals)).ok_or(trap(TrapKind::StackExhausted))?;
                        stack.get_mut(sp..end).ok_or(trap(TrapKind::StackExhausted))?.fill(0);
                        sp = end;
                        current = callee;
                        pc = idx(body.start);
                        if c.module != ctx.module {
                            code = code_of(modules, c.module);
                        }
                        ctx = c;
                        continue;
                    }
                    None => {
                        if let FuncKind::Host { callback, data } = entry.kind {
                            let ty = types.get(idx(entry.type_id)).ok_or(trap(TrapKind::Unreachable))?;
                            let memory = ctx.memory.and_then(|m| memories.get_mut(m)).map(|m| &mut m.bytes);
                            sp = call_host(callback, data, ty, stack, sp, host_args, host_results, memory)?;
                        }
                    }
                }
            }
            Op::Drop => sp = sp.wrapping_sub(1),
            Op::Select => {
                let c = pop!() as u32;
                let b = pop!();
                if c == 0 {
                    *top!() = b;
                }
            }
            Op::LocalGet(i) => push!(local!(i)),
            Op::LocalSet(i) => {
                let v = pop!();
                match stack.get_mut(fp.wrapping_add(idx(i))) {
                    Some(slot) => *slot = v,
                    None => return Err(trap(TrapKind::StackExhausted)),
                }
            }
            Op::LocalTee(i) => {
                let v = *top!();
                match stack.get_mut(fp.wrapping_add(idx(i))) {
                    Some(slot) => *slot = v,
                    None => return Err(trap(TrapKind::StackExhausted)),
                }
            }
            Op::GlobalGet(g) => {
                let v = instances
                    .get(ctx.instance)
                    .and_then(|inst| inst.globals.get(idx(g)))
                    .and_then(|id| globals.get(idx(*id)))
                    .map(|g| g.bits)
                    .ok_or(trap(TrapKind::Unreachable))?;
                push!(v);
            }
            Op::GlobalSet(g) => {
                let v = pop!();
                let global = instances
                    .get(ctx.instance)
                    .and_then(|inst| inst.globals.get(idx(g)))
                    .and_then(|id| globals.get_mut(idx(*id)))
                    .ok_or(trap(TrapKind::Unreachable))?;
                global.bits = v;
            }
            Op::TableGet(t) => {
                let i = pop!() as u32;
                let table = table_of(tables, instances, &ctx, t)?;
                let v = *table.elems.get(idx(i)).ok_or(trap(TrapKind::TableOutOfBounds))?;
                push!(v);
            }
            Op::TableSet(t) => {
                let v = pop!();
                let i = pop!() as u32;
                let table = table_of(tables, instances, &ctx, t)?;
                *table.elems.get_mut(idx(i)).ok_or(trap(TrapKind::TableOutOfBounds))? = v;
            }
            Op::TableSize(t) => {
                let size = table_of(tables, instances, &ctx, t)?.size();
                push!(u64::from(size));
            }
            Op::TableGrow(t) => {
                let n = pop!() as u32;
                let init = pop!();
                let table = table_of(tables, instances, &ctx, t)?;
                let r = table.grow(n, init).unwrap_or(u32::MAX);
                push!(u64::from(r));
            }
            Op::TableFill(t) => {
                let n = pop!() as u32;
                let v = pop!();
                let i = pop!() as u32;
                bulk::table_fill(table_of(tables, instances, &ctx, t)?, i, v, n)?;
            }
            Op::TableCopy { dst, src } => {
                let n = pop!() as u32;
                let s = pop!() as u32;
                let d = pop!() as u32;
                let dst_id = table_index(instances, &ctx, dst)?;
                let src_id = table_index(instances, &ctx, src)?;
                bulk::table_copy(tables, dst_id, src_id, d, s, n)?;
            }
            Op::TableInit { table, elem } => {
                let n = pop!() as u32;
                let s = pop!() as u32;
                let d = pop!() as u32;
                let seg: &[u64] = instances
                    .get(ctx.instance)
                    .and_then(|inst| inst.elems.get(idx(elem)))
                    .map(|b| b.as_slice())
                    .unwrap_or(&[]);
                bulk::table_init(table_of(tables, instances, &ctx, table)?, seg, d, s, n)?;
            }
            Op::ElemDrop(e) => {
                if let Some(seg) = instances.get_mut(ctx.instance).and_then(|inst| inst.elems.get_mut(idx(e))) {
                    *seg = Buf::new();
                }
            }
            Op::I32Load(o) => load!(o, 4, |b| u64::from(u32::from_le_bytes(b))),
            Op::I64Load(o) => load!(o, 8, |b| u64::from_le_bytes(b)),
            Op::I32Load8S(o) => load!(o, 1, |b| u64::from(i32::from(b[0] as i8) as u32)),
            Op::I32Load8U(o) => load!(o, 1, |b| u64::from(b[0])),
            Op::I32Load16S(o) => load!(o, 2, |b| u64::from(i32::from(i16::from_le_bytes(b)) as u32)),
            Op::I32Load16U(o) => load!(o, 2, |b| u64::from(u16::from_le_bytes(b))),
            Op::I64Load8S(o) => load!(o, 1, |b| i64::from(b[0] as i8) as u64),
            Op::I64Load8U(o) => load!(o, 1, |b| u64::from(b[0])),
            Op::I64Load16S(o) => load!(o, 2, |b| i64::from(i16::from_le_bytes(b)) as u64),
            Op::I64Load16U(o) => load!(o, 2, |b| u64::from(u16::from_le_bytes(b))),
            Op::I64Load32S(o) => load!(o, 4, |b| i64::from(i32::from_le_bytes(b)) as u64),
            Op::I64Load32U(o) => load!(o, 4, |b| u64::from(u32::from_le_bytes(b))),
            Op::I32Store(o) => store!(o, 4, |v| (v as u32).to_le_bytes()),
            Op::I64Store(o) => store!(o, 8, |v| v.to_le_bytes()),
            Op::I32Store8(o) | Op::I64Store8(o) => store!(o, 1, |v| [v as u8]),
            Op::I32Store16(o) | Op::I64Store16(o) => store!(o, 2, |v| (v as u16).to_le_bytes()),
            Op::I64Store32(o) => store!(o, 4, |v| (v as u32).to_le_bytes()),
            Op::MemorySize => {
                let pages = memory_of(memories, &ctx)?.pages();
                push!(u64::from(pages));
            }
            Op::MemoryGrow => {
                let delta = pop!() as u32;
                let mem = memory_of(memories, &ctx)?;
                let r = mem.grow(delta).unwrap_or(u32::MAX);
                push!(u64::from(r));
            }
            Op::MemoryInit(seg) => {
                let n = pop!() as u32;
                let s = pop!() as u32;
                let d = pop!() as u32;
                let dropped = instances
                    .get(ctx.instance)
                    .and_then(|inst| inst.data_dropped.get(idx(seg)))
                    .copied()
                    .unwrap_or(true);
                let data: &[u8] = if dropped {
                    &[]
                } else {
                    modules
                        .get(ctx.module)
                        .and_then(|m| m.datas.get(idx(seg)))
                        .map(|d| d.bytes.as_slice())
                        .unwrap_or(&[])
                };
                bulk::memory_init(memory_of(memories, &ctx)?, data, d, s, n)?;
            }
            Op::DataDrop(seg) => {
                if let Some(d) = instances.get_mut(ctx.instance).and_then(|inst| inst.data_dropped.get_mut(idx(seg))) {
                    *d = true;
                }
            }
            Op::MemoryCopy => {
                let n = pop!() as u32;
                let s = pop!() as u32;
                let d = pop!() as u32;
                bulk::memory_copy(memory_of(memories, &ctx)?, d, s, n)?;
            }
            Op::MemoryFill => {
                let n = pop!() as u32;
                let v = pop!() as u8;
                let d = pop!() as u32;
                bulk::memory_fill(memory_of(memories, &ctx)?, d, v, n)?;
            }
            Op::Const(c) => push!(c),
            Op::RefIsNull => unop64!(|a| u64::from(a == 0)),
            Op::RefFunc(f) => {
                let id = instances
                    .get(ctx.instance)
                    .and_then(|inst| inst.funcs.get(idx(f)))
                    .copied()
                    .ok_or(trap(TrapKind::Unreachable))?;
                push!(u64::from(id).wrapping_add(1));
            }
            Op::I32Eqz => unop32!(|a| u32::from(a == 0)),
            Op::I32Eq => binop32!(|a, b| u32::from(a == b)),
            Op::I32Ne => binop32!(|a, b| u32::from(a != b)),
            Op::I32LtS => binop32!(|a, b| u32::from((a as i32) < (b as i32))),
            Op::I32LtU => binop32!(|a, b| u32::from(a < b)),
            Op::I32GtS => binop32!(|a, b| u32::from((a as i32) > (b as i32))),
            Op::I32GtU => binop32!(|a, b| u32::from(a > b)),
            Op::I32LeS => binop32!(|a, b| u32::from((a as i32) <= (b as i32))),
            Op::I32LeU => binop32!(|a, b| u32::from(a <= b)),
            Op::I32GeS => binop32!(|a, b| u32::from((a as i32) >= (b as i32))),
            Op::I32GeU => binop32!(|a, b| u32::from(a >= b)),
            Op::I64Eqz => unop64!(|a| u64::from(a == 0)),
            Op::I64Eq => binop64!(|a, b| u64::from(a == b)),
            Op::I64Ne => binop64!(|a, b| u64::from(a != b)),
            Op::I64LtS => binop64!(|a, b| u64::from((a as i64) < (b as i64))),
            Op::I64LtU => binop64!(|a, b| u64::from(a < b)),
            Op::I64GtS => binop64!(|a, b| u64::from((a as i64) > (b as i64))),
            Op::I64GtU => binop64!(|a, b| u64::from(a > b)),
            Op::I64LeS => binop64!(|a, b| u64::from((a as i64) <= (b as i64))),
            Op::I64LeU => binop64!(|a, b| u64::from(a <= b)),
            Op::I64GeS => binop64!(|a, b| u64::from((a as i64) >= (b as i64))),
            Op::I64GeU => binop64!(|a, b| u64::from(a >= b)),
            Op::I32Clz => unop32!(|a| a.leading_zeros()),
            Op::I32Ctz => unop32!(|a| a.trailing_zeros()),
            Op::I32Popcnt => unop32!(|a| a.count_ones()),
            Op::I32Add => binop32!(|a, b| a.wrapping_add(b)),
            Op::I32Sub => binop32!(|a, b| a.wrapping_sub(b)),
            Op::I32Mul => binop32!(|a, b| a.wrapping_mul(b)),
            Op::I32DivS => binop32_trap!(|a, b| {
                if b == 0 {
                    Err(TrapKind::IntegerDivideByZero)
                } else {
                    (a as i32).checked_div(b as i32).map(|r| r as u32).ok_or(TrapKind::IntegerOverflow)
                }
            }),
            Op::I32DivU => binop32_trap!(|a, b| a.checked_div(b).ok_or(TrapKind::IntegerDivideByZero)),
            Op::I32RemS => binop32_trap!(|a, b| {
                if b == 0 {
                    Err(TrapKind::IntegerDivideByZero)
                } else {
                    Ok((a as i32).checked_rem(b as i32).unwrap_or(0) as u32)
                }
            }),
            Op::I32RemU => binop32_trap!(|a, b| a.checked_rem(b).ok_or(TrapKind::IntegerDivideByZero)),
            Op::I32And => binop32!(|a, b| a & b),
            Op::I32Or => binop32!(|a, b| a | b),
            Op::I32Xor => binop32!(|a, b| a ^ b),
            Op::I32Shl => binop32!(|a, b| a.wrapping_shl(b)),
            Op::I32ShrS => binop32!(|a, b| (a as i32).wrapping_shr(b) as u32),
            Op::I32ShrU => binop32!(|a, b| a.wrapping_shr(b)),
            Op::I32Rotl => binop32!(|a, b| a.rotate_left(b & 31)),
            Op::I32Rotr => binop32!(|a, b| a.rotate_right(b & 31)),
            Op::I64Clz => unop64!(|a| u64::from(a.leading_zeros())),
            Op::I64Ctz => unop64!(|a| u64::from(a.trailing_zeros())),
            Op::I64Popcnt => unop64!(|a| u64::from(a.count_ones())),
            Op::I64Add => binop64!(|a, b| a.wrapping_add(b)),
            Op::I64Sub => binop64!(|a, b| a.wrapping_sub(b)),
            Op::I64Mul => binop64!(|a, b| a.wrapping_mul(b)),
            Op::I64DivS => binop64_trap!(|a, b| {
                if b == 0 {
                    Err(TrapKind::IntegerDivideByZero)
                } else {
                    (a as i64).checked_div(b as i64).map(|r| r as u64).ok_or(TrapKind::IntegerOverflow)
                }
            }),
            Op::I64DivU => binop64_trap!(|a, b| a.checked_div(b).ok_or(TrapKind::IntegerDivideByZero)),
            Op::I64RemS => binop64_trap!(|a, b| {
                if b == 0 {
                    Err(TrapKind::IntegerDivideByZero)
                } else {
                    Ok((a as i64).checked_rem(b as i64).unwrap_or(0) as u64)
                }
            }),
            Op::I64RemU => binop64_trap!(|a, b| a.checked_rem(b).ok_or(TrapKind::IntegerDivideByZero)),
            Op::I64And => binop64!(|a, b| a & b),
            Op::I64Or => binop64!(|a, b| a | b),
            Op::I64Xor => binop64!(|a, b| a ^ b),
            Op::I64Shl => binop64!(|a, b| a.wrapping_shl(b as u32)),
            Op::I64ShrS => binop64!(|a, b| (a as i64).wrapping_shr(b as u32) as u64),
            Op::I64ShrU => binop64!(|a, b| a.wrapping_shr(b as u32)),
            Op::I64Rotl => binop64!(|a, b| a.rotate_left((b & 63) as u32)),
            Op::I64Rotr => binop64!(|a, b| a.rotate_right((b & 63) as u32)),
            Op::I32WrapI64 => unop64!(|a| u64::from(a as u32)),
            Op::I64ExtendI32S => unop64!(|a| i64::from(a as u32 as i32) as u64),
            Op::I64ExtendI32U => unop64!(|a| u64::from(a as u32)),
            Op::I32Extend8S => unop32!(|a| i32::from(a as u8 as i8) as u32),
            Op::I32Extend16S => unop32!(|a| i32::from(a as u16 as i16) as u32),
            Op::I64Extend8S => unop64!(|a| i64::from(a as u8 as i8) as u64),
            Op::I64Extend16S => unop64!(|a| i64::from(a as u16 as i16) as u64),
            Op::I64Extend32S => unop64!(|a| i64::from(a as u32 as i32) as u64),
            Op::I32AddLocals(x, y) => {
                let a = local!(x) as u32;
                let b = local!(y) as u32;
                push!(u64::from(a.wrapping_add(b)));
            }
            Op::I32AddLocalConst(x, c) => {
                let a = local!(x) as u32;
                push!(u64::from(a.wrapping_add(c as u32)));
            }
            Op::I32LoadLocal { local, offset } => {
                let base = local!(local) as u32;
                let ea = u64::from(base).wrapping_add(u64::from(offset));
                let start = usize::try_from(ea).map_err(|_| trap(TrapKind::MemoryOutOfBounds))?;
                let end = start.checked_add(4).ok_or(trap(TrapKind::MemoryOutOfBounds))?;
                let mem = memory_of(memories, &ctx)?;
                let src = mem.bytes.get(start..end).ok_or(trap(TrapKind::MemoryOutOfBounds))?;
                let bytes: [u8; 4] = src.try_into().map_err(|_| trap(TrapKind::MemoryOutOfBounds))?;
                push!(u64::from(u32::from_le_bytes(bytes)));
            }
            Op::I32StoreLocals { addr, value, offset } => {
                let base = local!(addr) as u32;
                let v = local!(value) as u32;
                let ea = u64::from(base).wrapping_add(u64::from(offset));
                let start = usize::try_from(ea).map_err(|_| trap(TrapKind::MemoryOutOfBounds))?;
                let end = start.checked_add(4).ok_or(trap(TrapKind::MemoryOutOfBounds))?;
                let mem = memory_of(memories, &ctx)?;
                let dst = mem.bytes.get_mut(start..end).ok_or(trap(TrapKind::MemoryOutOfBounds))?;
                let dst: &mut [u8; 4] = dst.try_into().map_err(|_| trap(TrapKind::MemoryOutOfBounds))?;
                *dst = v.to_le_bytes();
            }
            Op::I32AddLocalsSet { a, b, dst } => {
                let v = (local!(a) as u32).wrapping_add(local!(b) as u32);
                set_local!(dst, u64::from(v));
            }
            Op::I32AddLocalConstSet { a, c, dst } => {
                let v = (local!(a) as u32).wrapping_add(c as u32);
                set_local!(dst, u64::from(v));
            }
            Op::I32AddLocalConstTee { a, c, dst } => {
                let v = u64::from((local!(a) as u32).wrapping_add(c as u32));
                set_local!(dst, v);
                push!(v);
            }
        }
        pc = pc.wrapping_add(1);
    }

    // Final return: results are at stack[0..n].
    let result_types = types.get(idx(entry.type_id)).map(|t| t.results()).unwrap_or(&[]);
    for (i, (slot, ty)) in results.iter_mut().zip(result_types.iter()).enumerate() {
        let bits = *stack.get(i).ok_or(trap(TrapKind::StackExhausted))?;
        *slot = Value::from_bits(*ty, bits);
    }
    Ok(fuel.wrapping_sub(fuel_left))
}
