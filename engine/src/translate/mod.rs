//! Translation of function bodies into the internal instruction set
//! (`ops`, a register machine over frame slots).
//!
//! Each body is read exactly once: the validator's type stack is driven
//! instruction by instruction and the matching internal instructions are
//! emitted at the same time (`builder` tracks where each operand is,
//! `control` emits branches, returns and block entries), with forward
//! branches chained through their target fields and patched when the
//! block's `end` is reached. The finished function is cleaned up
//! (`peephole`), its branch targets made relative, and checked (`verify`).

pub(crate) mod builder;
mod control;
pub(crate) mod opcodes;
pub(crate) mod ops;
mod peephole;
pub(crate) mod verify;

use super::buf::Buf;
use super::decode::reader::Reader;
use super::error::{Error, ErrorKind, Result};
use super::limits::Limits;
use super::module::{FuncBody, Module};
use super::types::ValType;
use super::validate::stack::{BlockKind, BlockType, Control, TypeStack, NO_FIXUP};
use self::builder::{Builder, Loc, Operand, Operands, NONE};
use self::control::Cond;
use self::ops::{Instr, Op};

/// Read-only facts about the module that function bodies are checked against.
pub(crate) struct Env<'m> {
    pub(crate) module: &'m Module,
    /// `declared_refs[f]` is true if `ref.func f` is allowed.
    pub(crate) declared_refs: &'m [bool],
    pub(crate) limits: &'m Limits,
}

/// Buffers reused across function bodies to avoid reallocating.
pub(crate) struct Scratch {
    locals: Buf<ValType>,
    stack: TypeStack,
    operands: Operands,
    /// `br_table` target depths.
    depths: Buf<u32>,
}

impl Scratch {
    pub(crate) fn new() -> Self {
        Scratch { locals: Buf::new(), stack: TypeStack::new(), operands: Operands::new(), depths: Buf::new() }
    }
}

fn block_params(module: &Module, bt: BlockType) -> Result<&[ValType]> {
    match bt {
        BlockType::Empty | BlockType::Value(_) => Ok(&[]),
        BlockType::Func(t) => module
            .types
            .get(usize::try_from(t).unwrap_or(usize::MAX))
            .map(|ft| ft.params())
            .ok_or(Error::new(ErrorKind::UnknownType(t))),
    }
}

fn block_results(module: &Module, bt: BlockType) -> Result<&[ValType]> {
    match bt {
        BlockType::Empty => Ok(&[]),
        BlockType::Value(v) => Ok(v.as_slice()),
        BlockType::Func(t) => module
            .types
            .get(usize::try_from(t).unwrap_or(usize::MAX))
            .map(|ft| ft.results())
            .ok_or(Error::new(ErrorKind::UnknownType(t))),
    }
}

/// Types a branch to this frame must carry.
fn label_types<'m>(module: &'m Module, frame: &Control) -> Result<&'m [ValType]> {
    if frame.kind == BlockKind::Loop {
        block_params(module, frame.block_type)
    } else {
        block_results(module, frame.block_type)
    }
}

fn read_block_type(r: &mut Reader<'_>, module: &Module) -> Result<BlockType> {
    match r.peek() {
        Some(0x40) => {
            r.u8()?;
            Ok(BlockType::Empty)
        }
        Some(b) if super::decode::reader::val_type_from_byte(b).is_some() => {
            let t = r.val_type()?;
            if t == ValType::V128 {
                return Err(Error::new(ErrorKind::SimdNotSupported));
            }
            Ok(BlockType::Value(t))
        }
        _ => {
            let index = r.s33()?;
            let index = u32::try_from(index).map_err(|_| Error::new(ErrorKind::UnknownType(u32::MAX)))?;
            if usize::try_from(index).map_or(true, |i| i >= module.types.len()) {
                return Err(Error::new(ErrorKind::UnknownType(index)));
            }
            Ok(BlockType::Func(index))
        }
    }
}

fn index_in(index: u32, len: usize, kind: fn(u32) -> ErrorKind) -> Result<usize> {
    match usize::try_from(index) {
        Ok(i) if i < len => Ok(i),
        _ => Err(Error::new(kind(index))),
    }
}

/// Reads a memarg, checks alignment and that memory 0 exists; returns the offset.
fn memarg(r: &mut Reader<'_>, module: &Module, natural_log2: u32) -> Result<u32> {
    let align = r.u32()?;
    if align & 0x40 != 0 {
        // Bit 6 announces an explicit memory index (multi-memory).
        return Err(Error::new(ErrorKind::MultiMemoryNotSupported));
    }
    let offset = r.u32()?;
    if module.memories.is_empty() {
        return Err(Error::new(ErrorKind::UnknownMemory(0)));
    }
    if align > natural_log2 {
        return Err(Error::new(ErrorKind::AlignmentTooLarge));
    }
    Ok(offset)
}

fn zero_byte(r: &mut Reader<'_>) -> Result<()> {
    let at = r.offset();
    if r.u8()? != 0 {
        return Err(Error::new(ErrorKind::ZeroByteExpected).at(at));
    }
    Ok(())
}

fn require_memory(module: &Module) -> Result<()> {
    if module.memories.is_empty() {
        return Err(Error::new(ErrorKind::UnknownMemory(0)));
    }
    Ok(())
}

fn table_type(module: &Module, table: u32) -> Result<ValType> {
    let i = index_in(table, module.tables.len(), ErrorKind::UnknownTable)?;
    module.tables.get(i).map(|t| t.elem).ok_or(Error::new(ErrorKind::UnknownTable(table)))
}

fn require_data_count(module: &Module, index: u32) -> Result<()> {
    match module.data_count {
        None => Err(Error::new(ErrorKind::DataCountRequired)),
        Some(n) if index >= n => Err(Error::new(ErrorKind::UnknownDataSegment(index))),
        Some(_) => Ok(()),
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Validates and translates the body of function `func_index`, appending to `code`.
pub(crate) fn compile_function(
    env: &Env<'_>,
    func_index: u32,
    body: &mut Reader<'_>,
    code: &mut Buf<Instr>,
    scratch: &mut Scratch,
) -> Result<FuncBody> {
    let module = env.module;
    let type_index = *module
        .funcs
        .get(usize::try_from(func_index).unwrap_or(usize::MAX))
        .ok_or(Error::new(ErrorKind::UnknownFunction(func_index)))?;
    let func_type = module
        .types
        .get(usize::try_from(type_index).unwrap_or(usize::MAX))
        .ok_or(Error::new(ErrorKind::UnknownType(type_index)))?;

    // Locals: parameters first, then the declared groups.
    let locals = &mut scratch.locals;
    locals.clear();
    locals.try_extend_from_slice(func_type.params())?;
    let groups = body.count()?;
    let mut total: u64 = u64::try_from(locals.len()).unwrap_or(u64::MAX);
    for _ in 0..groups {
        let at = body.offset();
        let n = body.u32()?;
        let t = body.val_type()?;
        total = total.saturating_add(u64::from(n));
        if total > u64::from(env.limits.max_function_locals) {
            return Err(Error::new(ErrorKind::TooManyLocals).at(at));
        }
        if t == ValType::V128 {
            return Err(Error::new(ErrorKind::SimdNotSupported).at(at));
        }
        let new_len = locals.len().saturating_add(usize::try_from(n).unwrap_or(usize::MAX));
        locals.try_resize(new_len, t)?;
    }
    let num_locals = to_u32(locals.len());
    let params = to_u32(func_type.params().len());

    let stack = &mut scratch.stack;
    stack.reset(env.limits.max_operand_depth, env.limits.max_block_depth);
    let start = to_u32(code.len());
    let mut b = Builder::new(code, &mut scratch.operands, env.limits.max_code_ops, num_locals).map_err(|e| e.at(body.offset()))?;
    stack.push_control(Control {
        kind: BlockKind::Func,
        block_type: BlockType::Func(type_index),
        height: 0,
        unreachable: false,
        start,
        fixups: NO_FIXUP,
        else_jump: NO_FIXUP,
    })?;

    let ctx = BodyCtx { env, locals: locals.as_slice() };
    loop {
        let at = body.offset();
        let finished = ctx.step(body, stack, &mut b, &mut scratch.depths).map_err(|e| e.at(at))?;
        if finished {
            break;
        }
    }
    if !body.is_empty() {
        return Err(Error::new(ErrorKind::BodySizeMismatch).at(body.offset()));
    }
    let frame_slots = b.frame_slots();
    peephole::function(code, usize::try_from(start).unwrap_or(usize::MAX));
    relative_targets(code, start);
    verify::function(code, start, frame_slots)?;
    Ok(FuncBody { start, params, extra_locals: num_locals.saturating_sub(params), frame_slots })
}

/// Makes the branch targets of the function at `code[start..]` relative to
/// their branch (what the interpreter expects): `target - pc`, as an `i32`.
fn relative_targets(code: &mut Buf<Instr>, start: u32) {
    let first = usize::try_from(start).unwrap_or(usize::MAX);
    for (pc, instr) in code.as_mut_slice().iter_mut().enumerate().skip(first) {
        if instr.op.shape().has_branch_target() {
            let pc = u32::try_from(pc).unwrap_or(u32::MAX);
            instr.target = instr.target.wrapping_sub(pc);
        }
    }
}

struct BodyCtx<'a, 'm> {
    env: &'a Env<'m>,
    locals: &'a [ValType],
}

impl BodyCtx<'_, '_> {
    fn local(&self, index: u32) -> Result<ValType> {
        let i = index_in(index, self.locals.len(), ErrorKind::UnknownLocal)?;
        self.locals.get(i).copied().ok_or(Error::new(ErrorKind::UnknownLocal(index)))
    }

    /// Emits a binary numeric operation, taking a constant operand as an immediate.
    fn emit_binary(b: &mut Builder<'_>, op: Op, wide: bool) -> Result<()> {
        let (right, right_own, right_operand) = b.pop()?;
        let (left, left_own, left_operand) = b.pop()?;
        let fits = |c: u64| !wide || (c as i64) == i64::from(c as i32);
        let form = opcodes::immediate_form(op);
        if let Some((imm_op, commutes)) = form {
            match (left, right) {
                (Loc::Slot(x), Loc::Imm(c)) if fits(c) => {
                    return Self::emit_passing_acc(b, Instr::new(imm_op).a(x).imm(c as u32), left_operand, left_own)
                }
                (Loc::Imm(c), Loc::Slot(y)) if commutes && fits(c) => {
                    return Self::emit_passing_acc(b, Instr::new(imm_op).a(y).imm(c as u32), right_operand, right_own)
                }
                _ => {}
            }
        }
        let x = b.in_slot(left, left_own)?;
        let y = b.in_slot(right, right_own)?;
        // A commutative operation whose right operand was just computed takes
        // it first, so it can come through the accumulator.
        let commutes = form.is_some_and(|(_, c)| c);
        let just_computed = |operand: Operand, own: u16, b: &Builder<'_>| operand == Operand::Temp && b.last_wrote(own).is_some();
        if commutes && just_computed(right_operand, right_own, b) && !just_computed(left_operand, left_own, b) {
            return Self::emit_passing_acc(b, Instr::new(op).a(y).b(x), right_operand, right_own);
        }
        Self::emit_passing_acc(b, Instr::new(op).a(x).b(y), left_operand, left_own)
    }

    /// Pops one operand into a slot and emits `instr` reading it as `a` and
    /// producing a result.
    fn emit_unary(b: &mut Builder<'_>, instr: Instr) -> Result<()> {
        let (loc, own, operand) = b.pop()?;
        let s = b.in_slot(loc, own)?;
        Self::emit_passing_acc(b, instr.a(s), operand, own)
    }

    /// Emits `instr`, whose first operand (`a`) is `operand` with its own
    /// slot `own`. When that operand was computed by the instruction just
    /// before, the value passes through the accumulator (a register) instead
    /// of the slot.
    fn emit_passing_acc(b: &mut Builder<'_>, instr: Instr, operand: Operand, own: u16) -> Result<()> {
        if operand == Operand::Temp {
            if let Some(prev) = b.last_wrote(own) {
                if let (Some(prev_acc), Some((acc_in, _, _))) = (ops::with_acc_result(prev.op), ops::acc_forms(instr.op)) {
                    b.set_last_op(prev_acc);
                    return b.emit_result(Instr { op: acc_in, a: 0, ..instr });
                }
            }
        }
        b.emit_result(instr)
    }

    /// `local.set` / `local.tee`: writes the popped operand to local `index`.
    fn set_local(b: &mut Builder<'_>, index: u32) -> Result<()> {
        let (loc, own, operand) = b.pop()?;
        if b.dead {
            return Ok(());
        }
        let slot = u16::try_from(index).map_err(|_| Error::new(ErrorKind::UnknownLocal(index)))?;
        if b.local_is_pending(index) {
            b.settle_local(index)?;
        } else if operand == Operand::Temp && b.last_wrote(own).is_some_and(|i| i.op.shape().writes_d()) {
            // The value was just computed: compute it straight into the local.
            b.redirect_last(slot);
            return Ok(());
        }
        b.write_to(loc, slot)
    }

    /// Validates and translates one instruction; returns true after the final `end`.
    fn step(&self, r: &mut Reader<'_>, stack: &mut TypeStack, b: &mut Builder<'_>, depths: &mut Buf<u32>) -> Result<bool> {
        use ValType::{FuncRef, I32, I64};
        let module = self.env.module;
        let opcode = r.u8()?;
        match opcode {
            0x00 => {
                b.emit(Instr::new(Op::Unreachable))?;
                Self::kill(stack, b)?;
            }
            0x01 => {}
            0x02 | 0x03 => {
                let bt = read_block_type(r, module)?;
                let params = block_params(module, bt)?;
                stack.pop_all(params)?;
                Self::enter_block(b, params.len())?;
                let start = b.label();
                stack.push_control(Control {
                    kind: if opcode == 0x03 { BlockKind::Loop } else { BlockKind::Block },
                    block_type: bt,
                    height: stack.height(),
                    unreachable: false,
                    start,
                    fixups: NO_FIXUP,
                    else_jump: NO_FIXUP,
                })?;
                stack.push_all(params)?;
            }
            0x04 => {
                let bt = read_block_type(r, module)?;
                stack.pop_expect(I32)?;
                let cond = self.pop_condition(b)?;
                let params = block_params(module, bt)?;
                stack.pop_all(params)?;
                let dead = b.dead;
                Self::enter_block(b, params.len())?;
                let else_jump = if dead { NO_FIXUP } else { Self::emit_cond_branch(b, cond.negate(), NONE)? };
                stack.push_control(Control {
                    kind: BlockKind::If,
                    block_type: bt,
                    height: stack.height(),
                    unreachable: false,
                    start: 0,
                    fixups: NO_FIXUP,
                    else_jump,
                })?;
                stack.push_all(params)?;
            }
            0x05 => {
                let frame = *stack.control(0)?;
                if frame.kind != BlockKind::If {
                    return Err(Error::new(ErrorKind::UnknownOpcode(0x05)));
                }
                let results = block_results(module, frame.block_type)?;
                let params = block_params(module, frame.block_type)?;
                stack.pop_all(results)?;
                if stack.height() != frame.height {
                    return Err(Error::new(ErrorKind::TypeMismatch));
                }
                let mut fixups = frame.fixups;
                if !(b.dead && b.dead_nesting > 0) {
                    if !b.dead {
                        b.settle_top(results.len())?;
                        fixups = b.emit(Instr::new(Op::Jump).target(frame.fixups))?;
                    }
                    b.truncate(frame.height)?;
                    b.dead = false;
                    b.push_temps(params.len())?;
                    let else_start = b.label();
                    b.patch_chain(frame.else_jump, else_start);
                }
                let top = stack.control_mut(0)?;
                top.fixups = fixups;
                top.else_jump = NO_FIXUP;
                top.kind = BlockKind::Else;
                top.unreachable = false;
                stack.push_all(params)?;
            }
            0x0b => {
                let frame = *stack.control(0)?;
                let results = block_results(module, frame.block_type)?;
                stack.pop_all(results)?;
                if stack.height() != frame.height {
                    return Err(Error::new(ErrorKind::TypeMismatch));
                }
                if frame.kind == BlockKind::If && block_params(module, frame.block_type)? != results {
                    return Err(Error::new(ErrorKind::TypeMismatch));
                }
                stack.pop_control()?;
                if frame.kind == BlockKind::Func {
                    // Branches to the function's label were emitted as returns,
                    // so only the fall-through path arrives here.
                    Self::emit_return(b, results.len())?;
                    return Ok(true);
                }
                if b.dead && b.dead_nesting > 0 {
                    b.dead_nesting = b.dead_nesting.wrapping_sub(1);
                } else {
                    if !b.dead {
                        b.settle_top(results.len())?;
                    }
                    let end = b.label();
                    b.patch_chain(frame.fixups, end);
                    b.patch_chain(frame.else_jump, end);
                    b.truncate(frame.height)?;
                    b.dead = false;
                    b.push_temps(results.len())?;
                }
                stack.push_all(results)?;
            }
            0x0c => {
                let depth = r.u32()?;
                let frame = *stack.control(depth)?;
                stack.pop_all(label_types(module, &frame)?)?;
                self.branch(stack, b, depth, Cond::Always)?;
                Self::kill(stack, b)?;
            }
            0x0d => {
                let depth = r.u32()?;
                stack.pop_expect(I32)?;
                let cond = self.pop_condition(b)?;
                let frame = *stack.control(depth)?;
                let types = label_types(module, &frame)?;
                stack.pop_all(types)?;
                stack.push_all(types)?;
                self.branch(stack, b, depth, cond)?;
            }
            0x0e => {
                let count = r.count()?;
                stack.pop_expect(I32)?;
                let (loc, own, _) = b.pop()?;
                let index = b.in_slot(loc, own)?;
                let table = b.emit(Instr::new(Op::BrTable).a(index).imm(count))?;
                depths.clear();
                // Check every target (the default, last, fixes the arity) and
                // emit one jump entry for each.
                let mut arity: Option<usize> = None;
                for _ in 0..=count {
                    let depth = r.u32()?;
                    let frame = *stack.control(depth)?;
                    let types = label_types(module, &frame)?;
                    match arity {
                        None => arity = Some(types.len()),
                        Some(n) if n != types.len() => return Err(Error::new(ErrorKind::TypeMismatch)),
                        Some(_) => {}
                    }
                    stack.check_top(types)?;
                    b.emit(Instr::new(Op::Jump).target(NONE))?;
                    depths.try_push(depth)?;
                }
                if !b.dead {
                    for (i, depth) in depths.iter().enumerate() {
                        let entry = table.wrapping_add(1).wrapping_add(to_u32(i));
                        self.table_entry(stack, b, entry, *depth)?;
                    }
                }
                Self::kill(stack, b)?;
            }
            0x0f => {
                let frame = *stack.control(to_u32(stack.depth().saturating_sub(1)))?;
                let results = block_results(module, frame.block_type)?;
                stack.pop_all(results)?;
                Self::emit_return(b, results.len())?;
                Self::kill(stack, b)?;
            }
            0x10 => {
                let f = r.u32()?;
                let ft = module.func_type(f).ok_or(Error::new(ErrorKind::UnknownFunction(f)))?;
                stack.pop_all(ft.params())?;
                stack.push_all(ft.results())?;
                let base = b.pop_into_slots(ft.params().len())?;
                let op = if f >= module.imported_funcs { Op::CallInternal } else { Op::Call };
                b.emit(Instr::new(op).a(base).imm(f))?;
                b.push_temps(ft.results().len())?;
            }
            0x11 => {
                let type_index = r.u32()?;
                let table = r.u32()?;
                let ti = index_in(type_index, module.types.len(), ErrorKind::UnknownType)?;
                if table_type(module, table)? != FuncRef {
                    return Err(Error::new(ErrorKind::TypeMismatch));
                }
                let ft = module.types.get(ti).ok_or(Error::new(ErrorKind::UnknownType(type_index)))?;
                stack.pop_expect(I32)?;
                stack.pop_all(ft.params())?;
                stack.push_all(ft.results())?;
                let (loc, own, _) = b.pop()?;
                let index = b.in_slot(loc, own)?;
                let base = b.pop_into_slots(ft.params().len())?;
                b.emit(Instr::new(Op::CallIndirect).a(base).b(index).imm(type_index).target(table))?;
                b.push_temps(ft.results().len())?;
            }
            0x1a => {
                stack.pop()?;
                b.pop()?;
            }
            0x1b | 0x1c => {
                if opcode == 0x1c {
                    let n = r.u32()?;
                    if n != 1 {
                        return Err(Error::new(ErrorKind::TypeMismatch));
                    }
                    let t = r.val_type()?;
                    if t == ValType::V128 {
                        return Err(Error::new(ErrorKind::SimdNotSupported));
                    }
                    stack.pop_expect(I32)?;
                    stack.pop_expect(t)?;
                    stack.pop_expect(t)?;
                    stack.push(Some(t))?;
                } else {
                    stack.pop_expect(I32)?;
                    let x = stack.pop()?;
                    let y = stack.pop()?;
                    for t in [x, y].iter().flatten() {
                        if t.is_ref() || *t == ValType::V128 {
                            return Err(Error::new(ErrorKind::TypeMismatch));
                        }
                    }
                    if let (Some(x), Some(y)) = (x, y) {
                        if x != y {
                            return Err(Error::new(ErrorKind::TypeMismatch));
                        }
                    }
                    stack.push(x.or(y))?;
                }
                let (cl, c_own, _) = b.pop()?;
                let (yl, y_own, _) = b.pop()?;
                let (xl, x_own, _) = b.pop()?;
                let c = b.in_slot(cl, c_own)?;
                let y = b.in_slot(yl, y_own)?;
                let x = b.in_slot(xl, x_own)?;
                b.emit_result(Instr::new(Op::Select).a(x).b(y).target(u32::from(c)))?;
            }
            0x20 => {
                let i = r.u32()?;
                let t = self.local(i)?;
                stack.push(Some(t))?;
                b.push_local(i)?;
            }
            0x21 => {
                let i = r.u32()?;
                let t = self.local(i)?;
                stack.pop_expect(t)?;
                Self::set_local(b, i)?;
            }
            0x22 => {
                let i = r.u32()?;
                let t = self.local(i)?;
                stack.pop_expect(t)?;
                stack.push(Some(t))?;
                Self::set_local(b, i)?;
                b.push_local(i)?;
            }
            0x23 => {
                let g = r.u32()?;
                let gi = index_in(g, module.globals.len(), ErrorKind::UnknownGlobal)?;
                let gt = module.globals.get(gi).ok_or(Error::new(ErrorKind::UnknownGlobal(g)))?;
                stack.push(Some(gt.ty))?;
                b.emit_result(Instr::new(Op::GlobalGet).imm(g))?;
            }
            0x24 => {
                let g = r.u32()?;
                let gi = index_in(g, module.globals.len(), ErrorKind::UnknownGlobal)?;
                let gt = module.globals.get(gi).ok_or(Error::new(ErrorKind::UnknownGlobal(g)))?;
                if !gt.mutable {
                    return Err(Error::new(ErrorKind::ImmutableGlobal));
                }
                stack.pop_expect(gt.ty)?;
                let (loc, own, _) = b.pop()?;
                let s = b.in_slot(loc, own)?;
                b.emit(Instr::new(Op::GlobalSet).a(s).imm(g))?;
            }
            0x25 => {
                let t = r.u32()?;
                let et = table_type(module, t)?;
                stack.pop_expect(I32)?;
                stack.push(Some(et))?;
                Self::emit_unary(b, Instr::new(Op::TableGet).imm(t))?;
            }
            0x26 => {
                let t = r.u32()?;
                let et = table_type(module, t)?;
                stack.pop_expect(et)?;
                stack.pop_expect(I32)?;
                let (vl, v_own, _) = b.pop()?;
                let (il, i_own, _) = b.pop()?;
                let v = b.in_slot(vl, v_own)?;
                let i = b.in_slot(il, i_own)?;
                b.emit(Instr::new(Op::TableSet).a(i).b(v).imm(t))?;
            }
            0x28..=0x35 => {
                let (natural, ty, op): (u32, ValType, Op) = match opcode {
                    0x28 => (2, I32, Op::I32Load),
                    0x29 => (3, I64, Op::I64Load),
                    0x2c => (0, I32, Op::I32Load8S),
                    0x2d => (0, I32, Op::I32Load8U),
                    0x2e => (1, I32, Op::I32Load16S),
                    0x2f => (1, I32, Op::I32Load16U),
                    0x30 => (0, I64, Op::I64Load8S),
                    0x31 => (0, I64, Op::I64Load8U),
                    0x32 => (1, I64, Op::I64Load16S),
                    0x33 => (1, I64, Op::I64Load16U),
                    0x34 => (2, I64, Op::I64Load32S),
                    0x35 => (2, I64, Op::I64Load32U),
                    _ => return Err(self.float_op(opcode)),
                };
                let offset = memarg(r, module, natural)?;
                stack.pop_expect(I32)?;
                stack.push(Some(ty))?;
                Self::emit_unary(b, Instr::new(op).imm(offset))?;
            }
            0x36..=0x3e => {
                let (natural, ty, op): (u32, ValType, Op) = match opcode {
                    0x36 => (2, I32, Op::I32Store),
                    0x37 => (3, I64, Op::I64Store),
                    0x3a => (0, I32, Op::Store8),
                    0x3b => (1, I32, Op::Store16),
                    0x3c => (0, I64, Op::Store8),
                    0x3d => (1, I64, Op::Store16),
                    0x3e => (2, I64, Op::Store32),
                    _ => return Err(self.float_op(opcode)),
                };
                let offset = memarg(r, module, natural)?;
                stack.pop_expect(ty)?;
                stack.pop_expect(I32)?;
                let (vl, v_own, _) = b.pop()?;
                let (al, a_own, _) = b.pop()?;
                let constant_form = match (vl, op) {
                    (Loc::Imm(v), Op::I64Store) if (v as i64) == i64::from(v as i32) => Some((Op::I64StoreImm, v)),
                    (Loc::Imm(v), Op::I32Store) => Some((Op::I32StoreImm, v)),
                    (Loc::Imm(v), Op::Store8) => Some((Op::Store8Imm, v)),
                    (Loc::Imm(v), Op::Store16) => Some((Op::Store16Imm, v)),
                    (Loc::Imm(v), Op::Store32) => Some((Op::Store32Imm, v)),
                    _ => None,
                };
                let a = b.in_slot(al, a_own)?;
                if let Some((imm_op, v)) = constant_form {
                    b.emit(Instr::new(imm_op).a(a).imm(offset).target(v as u32))?;
                } else {
                    let v = b.in_slot(vl, v_own)?;
                    b.emit(Instr::new(op).a(a).b(v).imm(offset))?;
                }
            }
            0x3f => {
                zero_byte(r)?;
                require_memory(module)?;
                stack.push(Some(I32))?;
                b.emit_result(Instr::new(Op::MemorySize))?;
            }
            0x40 => {
                zero_byte(r)?;
                require_memory(module)?;
                stack.pop_expect(I32)?;
                stack.push(Some(I32))?;
                Self::emit_unary(b, Instr::new(Op::MemoryGrow))?;
            }
            0x41 => {
                let v = r.s32()?;
                stack.push(Some(I32))?;
                b.push(Operand::Const(u64::from(v as u32)))?;
            }
            0x42 => {
                let v = r.s64()?;
                stack.push(Some(I64))?;
                b.push(Operand::Const(v as u64))?;
            }
            0xd0 => {
                let t = r.ref_type()?;
                stack.push(Some(t))?;
                b.push(Operand::Const(0))?;
            }
            0xd1 => {
                let t = stack.pop()?;
                if let Some(t) = t {
                    if !t.is_ref() {
                        return Err(Error::new(ErrorKind::TypeMismatch));
                    }
                }
                stack.push(Some(I32))?;
                Self::emit_unary(b, Instr::new(Op::RefIsNull))?;
            }
            0xd2 => {
                let f = r.u32()?;
                let fi = index_in(f, module.funcs.len(), ErrorKind::UnknownFunction)?;
                if !self.env.declared_refs.get(fi).copied().unwrap_or(false) {
                    return Err(Error::new(ErrorKind::UndeclaredFunctionReference));
                }
                stack.push(Some(FuncRef))?;
                b.emit_result(Instr::new(Op::RefFunc).imm(f))?;
            }
            0xfc => self.step_prefixed(r, stack, b)?,
            0xfd => return Err(Error::new(ErrorKind::SimdNotSupported)),
            _ => {
                if let Some((op, sig)) = opcodes::numeric(opcode) {
                    if sig.arity == 2 {
                        stack.pop_expect(sig.input)?;
                    }
                    stack.pop_expect(sig.input)?;
                    stack.push(Some(sig.output))?;
                    if sig.arity == 2 {
                        Self::emit_binary(b, op, sig.input == I64)?;
                    } else {
                        Self::emit_unary(b, Instr::new(op))?;
                    }
                } else {
                    return Err(self.float_op(opcode));
                }
            }
        }
        Ok(false)
    }

    /// Error for a float instruction or an unknown opcode.
    fn float_op(&self, opcode: u8) -> Error {
        match opcodes::float_instruction_name(opcode) {
            Some(name) => Error::new(ErrorKind::FloatInstruction(name)),
            None => Error::new(ErrorKind::UnknownOpcode(u32::from(opcode))),
        }
    }

    fn step_prefixed(&self, r: &mut Reader<'_>, stack: &mut TypeStack, b: &mut Builder<'_>) -> Result<()> {
        use ValType::I32;
        let module = self.env.module;
        let sub = r.u32()?;
        if let Some(name) = opcodes::float_prefixed_instruction_name(sub) {
            return Err(Error::new(ErrorKind::FloatInstruction(name)));
        }
        match sub {
            8 => {
                let d = r.u32()?;
                zero_byte(r)?;
                require_memory(module)?;
                require_data_count(module, d)?;
                stack.pop_all(&[I32, I32, I32])?;
                let base = b.pop_into_slots(3)?;
                b.emit(Instr::new(Op::MemoryInit).a(base).imm(d))?;
            }
            9 => {
                let d = r.u32()?;
                require_data_count(module, d)?;
                b.emit(Instr::new(Op::DataDrop).imm(d))?;
            }
            10 => {
                zero_byte(r)?;
                zero_byte(r)?;
                require_memory(module)?;
                stack.pop_all(&[I32, I32, I32])?;
                let base = b.pop_into_slots(3)?;
                b.emit(Instr::new(Op::MemoryCopy).a(base))?;
            }
            11 => {
                zero_byte(r)?;
                require_memory(module)?;
                stack.pop_all(&[I32, I32, I32])?;
                let base = b.pop_into_slots(3)?;
                b.emit(Instr::new(Op::MemoryFill).a(base))?;
            }
            12 => {
                let e = r.u32()?;
                let t = r.u32()?;
                let et = table_type(module, t)?;
                let ei = index_in(e, module.elems.len(), ErrorKind::UnknownElementSegment)?;
                let seg_ty = module.elems.get(ei).map(|s| s.ty).ok_or(Error::new(ErrorKind::UnknownElementSegment(e)))?;
                if seg_ty != et {
                    return Err(Error::new(ErrorKind::TypeMismatch));
                }
                stack.pop_all(&[I32, I32, I32])?;
                let base = b.pop_into_slots(3)?;
                b.emit(Instr::new(Op::TableInit).a(base).imm(t).target(e))?;
            }
            13 => {
                let e = r.u32()?;
                index_in(e, module.elems.len(), ErrorKind::UnknownElementSegment)?;
                b.emit(Instr::new(Op::ElemDrop).imm(e))?;
            }
            14 => {
                let dst = r.u32()?;
                let src = r.u32()?;
                let dt = table_type(module, dst)?;
                let st = table_type(module, src)?;
                if dt != st {
                    return Err(Error::new(ErrorKind::TypeMismatch));
                }
                stack.pop_all(&[I32, I32, I32])?;
                let base = b.pop_into_slots(3)?;
                b.emit(Instr::new(Op::TableCopy).a(base).imm(dst).target(src))?;
            }
            15 => {
                let t = r.u32()?;
                let et = table_type(module, t)?;
                stack.pop_expect(I32)?;
                stack.pop_expect(et)?;
                stack.push(Some(I32))?;
                let base = b.pop_into_slots(2)?;
                b.emit_result(Instr::new(Op::TableGrow).a(base).imm(t))?;
            }
            16 => {
                let t = r.u32()?;
                table_type(module, t)?;
                stack.push(Some(I32))?;
                b.emit_result(Instr::new(Op::TableSize).imm(t))?;
            }
            17 => {
                let t = r.u32()?;
                let et = table_type(module, t)?;
                stack.pop_expect(I32)?;
                stack.pop_expect(et)?;
                stack.pop_expect(I32)?;
                let base = b.pop_into_slots(3)?;
                b.emit(Instr::new(Op::TableFill).a(base).imm(t))?;
            }
            _ => return Err(Error::new(ErrorKind::UnknownOpcode(0xfc_0000 | (sub & 0xffff)))),
        }
        Ok(())
    }
}


#[cfg(test)]
mod tests {
    use super::super::buf::Buf;
    use super::super::limits::Limits;
    use super::super::module::Module;
    use super::ops::{Instr, Op};

    /// Module with one `[i32] -> [i32]` function whose body is `body`.
    fn module_with(body: &[u8], locals: &[u8]) -> Module {
        let mut bytes: std::vec::Vec<u8> = b"\0asm\x01\0\0\0".to_vec();
        bytes.extend_from_slice(&[1, 6, 1, 0x60, 1, 0x7f, 1, 0x7f]);
        bytes.extend_from_slice(&[3, 2, 1, 0]);
        let mut func = locals.to_vec();
        func.extend_from_slice(body);
        func.push(0x0b);
        let mut entry = std::vec![u8::try_from(func.len()).unwrap()];
        entry.extend(func);
        let mut section = std::vec![1u8];
        section.extend(entry);
        bytes.push(10);
        bytes.push(u8::try_from(section.len()).unwrap());
        bytes.extend(section);
        Module::new(&bytes, &Limits::default()).unwrap()
    }

    fn code(m: &Module) -> &[Instr] {
        let b: &Buf<Instr> = &m.code;
        b.as_slice()
    }

    fn i(op: Op) -> Instr {
        Instr::new(op)
    }

    #[test]
    fn operands_are_read_in_place() {
        // local.get 0; local.get 0; i32.add  (slot 0 is the local, slot 1 the first operand)
        let m = module_with(&[0x20, 0, 0x20, 0, 0x6a], &[0]);
        assert_eq!(code(&m), &[i(Op::I32Add).d(1).a(0).b(0), i(Op::Return1).a(1)]);
    }

    #[test]
    fn results_are_computed_straight_into_locals() {
        // local.get 0; i32.const 1; i32.add; local.set 0; local.get 0
        let m = module_with(&[0x20, 0, 0x41, 1, 0x6a, 0x21, 0, 0x20, 0], &[0]);
        assert_eq!(code(&m), &[i(Op::I32AddImm).d(0).a(0).imm(1), i(Op::Return1).a(0)]);
    }

    #[test]
    fn a_local_is_copied_before_it_is_overwritten() {
        // local.get 0; i32.const 5; local.set 0  -> returns the old value
        let m = module_with(&[0x20, 0, 0x41, 5, 0x21, 0], &[0]);
        assert_eq!(
            code(&m),
            &[i(Op::Copy).d(1).a(0), i(Op::Const32).d(0).imm(5), i(Op::Return1).a(1)]
        );
    }

    #[test]
    fn comparisons_fuse_into_branches() {
        // loop; local.get 0; i32.const 10; i32.lt_s; br_if 0; end; local.get 0
        let m = module_with(&[0x03, 0x40, 0x20, 0, 0x41, 10, 0x48, 0x0d, 0, 0x0b, 0x20, 0], &[0]);
        assert_eq!(code(&m), &[i(Op::BrLtS32Imm).a(0).imm(10).target(0), i(Op::Return1).a(0)]);
        // if (i32.eqz (local.get 0)) then (i32.const 1) else (i32.const 2) end
        let m = module_with(&[0x20, 0, 0x45, 0x04, 0x7f, 0x41, 1, 0x05, 0x41, 2, 0x0b], &[0]);
        assert_eq!(
            code(&m),
            &[
                i(Op::BrNez32).a(0).target(3),
                i(Op::Const32).d(1).imm(1),
                i(Op::Return1).a(1),
                i(Op::Const32).d(1).imm(2),
                i(Op::Return1).a(1),
            ]
        );
    }

    #[test]
    fn branches_that_drop_values_copy_them() {
        // block (result i32); i32.const 7; i32.const 8; local.get 0; br_if 0; drop; end
        let m = module_with(&[0x02, 0x7f, 0x41, 7, 0x41, 8, 0x20, 0, 0x0d, 0, 0x1a, 0x0b], &[0]);
        assert_eq!(
            code(&m),
            &[
                i(Op::BrEqz32).a(0).target(3),
                i(Op::Const32).d(1).imm(8),
                i(Op::Return1).a(1),
                i(Op::Const32).d(1).imm(7),
                i(Op::Return1).a(1),
            ]
        );
    }

    #[test]
    fn counter_steps_fuse_with_the_branch_testing_them() {
        // loop; local.get 0; i32.const 1; i32.sub; local.tee 0; br_if 0; end; local.get 0
        let m = module_with(&[0x03, 0x40, 0x20, 0, 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b, 0x20, 0], &[0]);
        assert_eq!(code(&m), &[i(Op::AddImmBrNez).d(0).a(0).imm(u32::MAX).target(0), i(Op::Return1).a(0)]);
    }

    #[test]
    fn results_pass_through_the_accumulator_to_the_next_instruction() {
        // local.get 0; i32.const 3; i32.mul; i32.const 5; i32.xor; i32.const 7; i32.add
        let m = module_with(&[0x20, 0, 0x41, 3, 0x6c, 0x41, 5, 0x73, 0x41, 7, 0x6a], &[0]);
        assert_eq!(
            code(&m),
            &[
                i(Op::I32MulImmAccOut).d(1).a(0).imm(3),
                i(Op::I32XorImmAcc).d(1).imm(5),
                i(Op::I32AddImmAccIn).d(1).imm(7),
                i(Op::Return1).a(1),
            ]
        );
    }

    #[test]
    fn values_held_in_locals_settle_at_block_entry() {
        // local.get 0; block (result i32) local.get 0 end; i32.add
        let m = module_with(&[0x20, 0, 0x02, 0x7f, 0x20, 0, 0x0b, 0x6a], &[0]);
        assert_eq!(
            code(&m),
            &[i(Op::Copy).d(1).a(0), i(Op::Copy).d(2).a(0), i(Op::I32Add).d(1).a(1).b(2), i(Op::Return1).a(1)]
        );
    }
}
