//! The interpreter. Nothing recurses on the native stack per wasm call:
//! wasm calls push a [`Frame`] on the store's heap call stack, and every
//! function's slots (locals, then operands) live in the store's value stack
//! at `fp`. Instructions name their slots directly (see `translate::ops`).
//! Traps are returned as values.
//!
//! Execution has two paths: [`fast`] runs the hot instructions (arithmetic,
//! branches, memory access, globals, calls and returns within an instance)
//! as threaded code, and hands everything else back to the loop in
//! [`invoke`], which carries it out and re-enters.
//!
//! Frame slots are read and written without bounds checks. This is sound
//! because (1) `translate::verify` proved at load time that every slot an
//! instruction of a function names is below that function's `frame_slots`,
//! and (2) a function is only entered after checking that
//! `fp + frame_slots` fits in the value stack.

mod bulk;
mod fast;
pub(crate) mod host;

use super::buf::Buf;
use super::module::{FuncBody, Module};
use super::store::{idx, Frame, FuncEntry, FuncKind, Instance, Memory, Store, Table, PROGRESS_INTERVAL};
use super::translate::ops::{Instr, Op};
use super::trap::{Trap, TrapKind};
use super::types::{FuncType, Value};
use self::host::Caller;

const PROGRESS_MASK: u64 = PROGRESS_INTERVAL.wrapping_sub(1);

fn trap(kind: TrapKind) -> Trap {
    Trap::new(kind)
}

/// Where the running function's code and state live.
#[derive(Clone, Copy)]
struct Context {
    module: usize,
    instance: usize,
    memory: Option<usize>,
}

fn context(instances: &[Instance], instance: u32, module: u32) -> Context {
    let memory = instances.get(idx(instance)).and_then(|inst| inst.memory).map(idx);
    Context { module: idx(module), instance: idx(instance), memory }
}

fn code_of(modules: &[Module], module: usize) -> &[Instr] {
    modules.get(module).map(|m| m.code.as_slice()).unwrap_or(&[])
}

/// The index in `code` of the instruction at `ip`.
fn pc_of(code: &[Instr], ip: *const Instr) -> usize {
    (ip as usize).wrapping_sub(code.as_ptr() as usize).checked_div(core::mem::size_of::<Instr>()).unwrap_or(0)
}

/// Where a function starting at `start` begins in `code`, if it does.
fn entry_point(code: &[Instr], start: u32) -> Result<*const Instr, Trap> {
    if idx(start) >= code.len() {
        return Err(trap(TrapKind::Unreachable));
    }
    Ok(code.as_ptr().wrapping_add(idx(start)))
}

/// The running instance's linear memory as a base pointer and length.
/// Taken afresh after anything that may move or resize the memory.
fn memory_view(memories: &mut Buf<Memory>, ctx: &Context) -> (*mut u8, usize) {
    match ctx.memory.and_then(|m| memories.get_mut(m)) {
        Some(m) => {
            let bytes = m.bytes.as_mut_slice();
            (bytes.as_mut_ptr(), bytes.len())
        }
        None => (core::ptr::null_mut(), 0),
    }
}

/// Checks `values` against `types`.
fn values_match(values: &[Value], types: &[super::types::ValType]) -> bool {
    values.len() == types.len() && values.iter().zip(types.iter()).all(|(v, t)| v.ty() == *t)
}

/// Runs a host function with arguments taken from `stack[at..]` and writes
/// its results there.
#[allow(clippy::too_many_arguments)]
fn call_host(
    callback: host::HostFunc,
    data: *mut (),
    ty: &FuncType,
    stack: &mut [u64],
    at: usize,
    args: &mut Buf<Value>,
    results: &mut Buf<Value>,
    memory: Option<&mut Buf<u8>>,
) -> Result<(), Trap> {
    args.clear();
    results.clear();
    for (i, t) in ty.params().iter().enumerate() {
        let bits = *stack.get(at.wrapping_add(i)).ok_or(trap(TrapKind::StackExhausted))?;
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
    for (i, v) in results.iter().enumerate() {
        *stack.get_mut(at.wrapping_add(i)).ok_or(trap(TrapKind::StackExhausted))? = v.to_bits();
    }
    Ok(())
}

fn memory_of<'m>(memories: &'m mut Buf<Memory>, ctx: &Context) -> Result<&'m mut Memory, Trap> {
    ctx.memory.and_then(|m| memories.get_mut(m)).ok_or(trap(TrapKind::MemoryOutOfBounds))
}

fn table_index(instances: &[Instance], ctx: &Context, table: u32) -> Result<usize, Trap> {
    instances
        .get(ctx.instance)
        .and_then(|inst| inst.tables.get(idx(table)))
        .map(|id| idx(*id))
        .ok_or(trap(TrapKind::TableOutOfBounds))
}

fn table_of<'t>(
    tables: &'t mut Buf<Table>,
    instances: &[Instance],
    ctx: &Context,
    table: u32,
) -> Result<&'t mut Table, Trap> {
    let id = table_index(instances, ctx, table)?;
    tables.get_mut(id).ok_or(trap(TrapKind::TableOutOfBounds))
}

/// Checks that a frame of `body` based at `fp` fits in the value stack and
/// zeroes its non-parameter locals.
fn enter_frame(stack: &mut [u64], fp: usize, body: &FuncBody) -> Result<(), Trap> {
    let end = fp.checked_add(idx(body.frame_slots)).ok_or(trap(TrapKind::StackExhausted))?;
    if end > stack.len() {
        return Err(trap(TrapKind::StackExhausted));
    }
    let first = fp.wrapping_add(idx(body.params));
    let locals = stack
        .get_mut(first..first.wrapping_add(idx(body.extra_locals)))
        .ok_or(trap(TrapKind::StackExhausted))?;
    locals.fill(0);
    Ok(())
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
    let stack: &mut [u64] = stack.as_mut_slice();
    for (slot, a) in stack.iter_mut().zip(args.iter()) {
        *slot = a.to_bits();
    }

    let (mut ctx, body) = match entry.kind {
        FuncKind::Wasm { instance, module, body } => (context(instances, instance, module), body),
        FuncKind::Host { callback, data } => {
            // A host function called directly has no calling instance, so no memory.
            call_host(callback, data, ty, stack, 0, host_args, host_results, None)?;
            for (r, v) in results.iter_mut().zip(host_results.iter()) {
                *r = *v;
            }
            return Ok(1);
        }
    };
    if args.len() > stack.len() {
        return Err(trap(TrapKind::StackExhausted));
    }
    enter_frame(stack, 0, &body)?;
    let stack_len = stack.len();
    let stack_base: *mut u64 = stack.as_mut_ptr();
    let mut fp: usize;
    let mut frame: *mut u64 = stack_base;
    let mut code: &[Instr] = code_of(modules, ctx.module);
    let mut ip: *const Instr = entry_point(code, body.start)?;
    let (mut mem, mut mem_len) = memory_view(memories, &ctx);

    // Slot access; see the module documentation for why no bounds check is needed.
    macro_rules! get {
        ($slot:expr) => {{
            let slot: u16 = $slot;
            // SAFETY: `slot` was verified to be below the running function's
            // `frame_slots`, and `frame..frame + frame_slots` was checked to
            // lie inside the value stack when the function was entered.
            unsafe { *frame.add(usize::from(slot)) }
        }};
    }
    macro_rules! set {
        ($slot:expr, $v:expr) => {{
            let v: u64 = $v;
            let slot: u16 = $slot;
            // SAFETY: as in `get!`.
            unsafe { *frame.add(usize::from(slot)) = v }
        }};
    }
    // Three operands in consecutive slots starting at `a` (bulk instructions).
    macro_rules! three {
        ($i:expr) => {{
            let a = $i.a;
            (
                get!(a) as u32,
                get!(a.wrapping_add(1)),
                get!(a.wrapping_add(2)) as u32,
            )
        }};
    }
    // Returns to the caller, or ends the invocation.
    macro_rules! ret {
        () => {{
            match frames.pop() {
                None => break,
                Some(caller) => {
                    fp = idx(caller.fp);
                    // SAFETY: the caller's frame was inside the stack when it was
                    // entered and the stack does not move during an invocation.
                    frame = unsafe { stack_base.add(fp) };
                    if idx(caller.instance) != ctx.instance || idx(caller.module) != ctx.module {
                        ctx = context(instances, caller.instance, caller.module);
                        code = code_of(modules, ctx.module);
                    }
                    ip = entry_point(code, caller.return_pc)?;
                    // The callee may have grown the memory.
                    (mem, mem_len) = memory_view(memories, &ctx);
                    continue;
                }
            }
        }};
    }

    macro_rules! consume_fuel {
        () => {{
            if fuel_left == 0 {
                return Err(trap(TrapKind::OutOfFuel));
            }
            fuel_left = fuel_left.wrapping_sub(1);
            if fuel_left & PROGRESS_MASK == 0 {
                progress_check!();
            }
        }};
    }
    macro_rules! progress_check {
        () => {{
            if let Some((hook, data)) = progress {
                if !hook(data) {
                    return Err(trap(TrapKind::Interrupted));
                }
            }
        }};
    }

    'run: loop {
        let module = modules.get(ctx.module);
        let instance = instances.get(ctx.instance);
        let mut machine = fast::Machine {
            ip,
            frame,
            code: code.as_ptr(),
            code_len: code.len(),
            mem_len,
            acc: 0,
            fuel: fuel_left,
            trap: TrapKind::Unreachable,
            funcs: funcs.as_slice(),
            bodies: module.map(|m| m.bodies.as_slice()).unwrap_or(&[]),
            imported_funcs: module.map_or(0, |m| m.imported_funcs),
            instance_funcs: instance.map(|inst| inst.funcs.as_slice()).unwrap_or(&[]),
            instance: u32::try_from(ctx.instance).unwrap_or(u32::MAX),
            module: u32::try_from(ctx.module).unwrap_or(u32::MAX),
            instance_globals: instance.map(|inst| inst.globals.as_slice()).unwrap_or(&[]),
            globals: globals.as_mut_slice(),
            frames,
            max_depth,
            stack_base,
            stack_len,
        };
        loop {
            // SAFETY: `machine.ip` points into verified code starting at `code`
            // (see the module documentation), `machine.frame` is the running
            // function's frame, checked to fit in the value stack on entry,
            // `mem` is the running instance's memory view, taken afresh after
            // anything that can move it, and `machine` describes the running
            // instance and the value stack. Nothing else touches them while
            // `run` runs.
            match unsafe { fast::run(&mut machine, mem) } {
                fast::Exit::Budget => {}
                fast::Exit::Progress => progress_check!(),
                fast::Exit::Trap => return Err(trap(machine.trap)),
                fast::Exit::Slow => break,
                fast::Exit::Done => {
                    fuel_left = machine.fuel;
                    break 'run;
                }
            }
        }
        ip = machine.ip;
        fuel_left = machine.fuel;
        frame = machine.frame;
        fp = fast::elements_between(stack_base.cast_const(), frame.cast_const());
        // SAFETY: `run` stopped with `ip` at a verified instruction.
        let i = unsafe { *ip };
        match i.op {
            Op::Unreachable => return Err(trap(TrapKind::Unreachable)),
            Op::Return0 => ret!(),
            Op::Return1 => {
                set!(0, get!(i.a));
                ret!();
            }
            Op::ReturnN => {
                // Values move down (or stay), so copying upwards is safe.
                for k in 0..i.imm {
                    let k = k as u16;
                    set!(k, get!(i.a.wrapping_add(k)));
                }
                ret!();
            }
            Op::Call | Op::CallInternal | Op::CallIndirect => {
                let callee = if i.op != Op::CallIndirect {
                    instances
                        .get(ctx.instance)
                        .and_then(|inst| inst.funcs.get(idx(i.imm)))
                        .copied()
                        .ok_or(trap(TrapKind::Unreachable))?
                } else {
                    let element = get!(i.b) as u32;
                    let table = table_of(tables, instances, &ctx, i.target)?;
                    let r = *table.elems.get(idx(element)).ok_or(trap(TrapKind::UndefinedElement))?;
                    if r == 0 {
                        return Err(trap(TrapKind::UninitializedElement));
                    }
                    let callee = (r.wrapping_sub(1)) as u32;
                    let expected = instances
                        .get(ctx.instance)
                        .and_then(|inst| inst.types.get(idx(i.imm)))
                        .copied()
                        .ok_or(trap(TrapKind::IndirectCallTypeMismatch))?;
                    if funcs.get(idx(callee)).map(|e| e.type_id) != Some(expected) {
                        return Err(trap(TrapKind::IndirectCallTypeMismatch));
                    }
                    callee
                };
                consume_fuel!();
                let entry: FuncEntry = *funcs.get(idx(callee)).ok_or(trap(TrapKind::Unreachable))?;
                let callee_fp = fp.wrapping_add(usize::from(i.a));
                match entry.kind {
                    FuncKind::Wasm { instance, module, body } => {
                        if frames.len() >= max_depth {
                            return Err(trap(TrapKind::StackExhausted));
                        }
                        // SAFETY: `stack_base..stack_base + stack_len` is the value
                        // stack, alive and unmoved for the whole invocation; no
                        // other reference to it is live while this one is used.
                        let whole = unsafe { core::slice::from_raw_parts_mut(stack_base, stack_len) };
                        enter_frame(whole, callee_fp, &body)?;
                        frames
                            .try_push(Frame {
                                return_pc: u32::try_from(pc_of(code, ip).wrapping_add(1)).unwrap_or(u32::MAX),
                                fp: u32::try_from(fp).unwrap_or(u32::MAX),
                                instance: u32::try_from(ctx.instance).unwrap_or(u32::MAX),
                                module: u32::try_from(ctx.module).unwrap_or(u32::MAX),
                            })
                            .map_err(|_| trap(TrapKind::StackExhausted))?;
                        fp = callee_fp;
                        // SAFETY: `enter_frame` checked the callee's frame fits in the stack.
                        frame = unsafe { stack_base.add(fp) };
                        if idx(instance) != ctx.instance || idx(module) != ctx.module {
                            ctx = context(instances, instance, module);
                            code = code_of(modules, ctx.module);
                            (mem, mem_len) = memory_view(memories, &ctx);
                        }
                        ip = entry_point(code, body.start)?;
                        continue;
                    }
                    FuncKind::Host { callback, data } => {
                        let ty = types.get(idx(entry.type_id)).ok_or(trap(TrapKind::Unreachable))?;
                        let memory = ctx.memory.and_then(|m| memories.get_mut(m)).map(|m| &mut m.bytes);
                        // SAFETY: as for the wasm call above.
                        let whole = unsafe { core::slice::from_raw_parts_mut(stack_base, stack_len) };
                        call_host(callback, data, ty, whole, callee_fp, host_args, host_results, memory)?;
                        (mem, mem_len) = memory_view(memories, &ctx);
                    }
                }
            }

            Op::TableGet => {
                let element = get!(i.a) as u32;
                let table = table_of(tables, instances, &ctx, i.imm)?;
                let v = *table.elems.get(idx(element)).ok_or(trap(TrapKind::TableOutOfBounds))?;
                set!(i.d, v);
            }
            Op::TableSet => {
                let element = get!(i.a) as u32;
                let v = get!(i.b);
                let table = table_of(tables, instances, &ctx, i.imm)?;
                *table.elems.get_mut(idx(element)).ok_or(trap(TrapKind::TableOutOfBounds))? = v;
            }
            Op::TableSize => {
                let size = table_of(tables, instances, &ctx, i.imm)?.size();
                set!(i.d, u64::from(size));
            }
            Op::TableGrow => {
                let init = get!(i.a);
                let n = get!(i.a.wrapping_add(1)) as u32;
                let table = table_of(tables, instances, &ctx, i.imm)?;
                let r = table.grow(n, init).unwrap_or(u32::MAX);
                set!(i.d, u64::from(r));
            }
            Op::TableFill => {
                let (at, v, n) = three!(i);
                bulk::table_fill(table_of(tables, instances, &ctx, i.imm)?, at, v, n)?;
            }
            Op::TableCopy => {
                let (d, s, n) = three!(i);
                let dst = table_index(instances, &ctx, i.imm)?;
                let src = table_index(instances, &ctx, i.target)?;
                bulk::table_copy(tables, dst, src, d, s as u32, n)?;
            }
            Op::TableInit => {
                let (d, s, n) = three!(i);
                let segment: &[u64] = instances
                    .get(ctx.instance)
                    .and_then(|inst| inst.elems.get(idx(i.target)))
                    .map(|b| b.as_slice())
                    .unwrap_or(&[]);
                bulk::table_init(table_of(tables, instances, &ctx, i.imm)?, segment, d, s as u32, n)?;
            }
            Op::ElemDrop => {
                if let Some(seg) = instances.get_mut(ctx.instance).and_then(|inst| inst.elems.get_mut(idx(i.imm))) {
                    *seg = Buf::new();
                }
            }

            Op::MemorySize => {
                let pages = memory_of(memories, &ctx)?.pages();
                set!(i.d, u64::from(pages));
            }
            Op::MemoryGrow => {
                let delta = get!(i.a) as u32;
                let r = memory_of(memories, &ctx)?.grow(delta).unwrap_or(u32::MAX);
                (mem, mem_len) = memory_view(memories, &ctx);
                set!(i.d, u64::from(r));
            }
            Op::MemoryInit => {
                let (d, s, n) = three!(i);
                let dropped = instances
                    .get(ctx.instance)
                    .and_then(|inst| inst.data_dropped.get(idx(i.imm)))
                    .copied()
                    .unwrap_or(true);
                let data: &[u8] = if dropped {
                    &[]
                } else {
                    modules
                        .get(ctx.module)
                        .and_then(|m| m.datas.get(idx(i.imm)))
                        .map(|d| d.bytes.as_slice())
                        .unwrap_or(&[])
                };
                bulk::memory_init(memory_of(memories, &ctx)?, data, d, s as u32, n)?;
                (mem, mem_len) = memory_view(memories, &ctx);
            }
            Op::DataDrop => {
                if let Some(d) = instances.get_mut(ctx.instance).and_then(|inst| inst.data_dropped.get_mut(idx(i.imm))) {
                    *d = true;
                }
            }
            Op::MemoryCopy => {
                let (d, s, n) = three!(i);
                bulk::memory_copy(memory_of(memories, &ctx)?, d, s as u32, n)?;
                (mem, mem_len) = memory_view(memories, &ctx);
            }
            Op::MemoryFill => {
                let (d, v, n) = three!(i);
                bulk::memory_fill(memory_of(memories, &ctx)?, d, v as u8, n)?;
                (mem, mem_len) = memory_view(memories, &ctx);
            }
            Op::RefFunc => {
                let id = instances
                    .get(ctx.instance)
                    .and_then(|inst| inst.funcs.get(idx(i.imm)))
                    .copied()
                    .ok_or(trap(TrapKind::Unreachable))?;
                set!(i.d, u64::from(id).wrapping_add(1));
            }
            // Everything else runs in `fast::run`.
            _ => return Err(trap(TrapKind::Unreachable)),
        }
        ip = ip.wrapping_add(1);
    }

    // Final return: results are in the first slots of the stack.
    let result_types = types.get(idx(entry.type_id)).map(|t| t.results()).unwrap_or(&[]);
    // SAFETY: as for calls; the results were written to the first slots of
    // the outermost frame, which `enter_frame` checked.
    let whole = unsafe { core::slice::from_raw_parts(stack_base, stack_len) };
    for ((slot, ty), bits) in results.iter_mut().zip(result_types.iter()).zip(whole.iter()) {
        *slot = Value::from_bits(*ty, *bits);
    }
    Ok(fuel.wrapping_sub(fuel_left))
}
