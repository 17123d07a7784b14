//! Translation of function bodies into the internal instruction set.
//!
//! Each body is read exactly once: the validator's type stack is driven
//! instruction by instruction and the matching internal instructions are
//! emitted at the same time, with forward branches chained through their
//! target fields and patched when the block's `end` is reached.

pub(crate) mod opcodes;
pub(crate) mod ops;

use super::buf::Buf;
use super::decode::reader::Reader;
use super::error::{Error, ErrorKind, Result};
use super::limits::Limits;
use super::module::{FuncBody, Module};
use super::types::ValType;
use super::validate::stack::{BlockKind, BlockType, Control, TypeStack, NO_FIXUP};
use self::ops::{I32Cmp, Op};

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
}

impl Scratch {
    pub(crate) fn new() -> Self {
        Scratch { locals: Buf::new(), stack: TypeStack::new() }
    }
}

/// Appends instructions, tracking where fusion is allowed.
struct Emitter<'c> {
    code: &'c mut Buf<Op>,
    /// No instruction before this index may be fused (it is a branch target).
    barrier: usize,
    max_ops: usize,
}

impl Emitter<'_> {
    fn pc(&self) -> u32 {
        u32::try_from(self.code.len()).unwrap_or(u32::MAX)
    }

    fn emit(&mut self, op: Op) -> Result<u32> {
        if self.code.len() >= self.max_ops {
            return Err(Error::new(ErrorKind::LimitExceeded("translated code size")));
        }
        let pc = self.pc();
        self.code.try_push(op)?;
        Ok(pc)
    }

    /// Marks the current position as a branch target and returns it.
    fn label(&mut self) -> u32 {
        self.barrier = self.code.len();
        self.pc()
    }

    /// The last `n` instructions, if all are after the fusion barrier.
    fn fusable_tail(&self, n: usize) -> Option<&[Op]> {
        let start = self.code.len().checked_sub(n)?;
        if start < self.barrier {
            return None;
        }
        self.code.get(start..)
    }

    /// Replaces the last `n` instructions with `op`.
    fn replace_tail(&mut self, n: usize, op: Op) -> Result<()> {
        let keep = self.code.len().saturating_sub(n);
        self.code.truncate(keep);
        self.emit(op)?;
        Ok(())
    }

    /// Points every branch in the chain starting at `head` to `target`.
    fn patch_chain(&mut self, head: u32, target: u32) {
        let mut cursor = head;
        let mut budget = self.code.len();
        while cursor != NO_FIXUP && budget > 0 {
            budget = budget.wrapping_sub(1);
            let slot = match usize::try_from(cursor).ok().and_then(|i| self.code.get_mut(i)) {
                Some(slot) => slot,
                None => return,
            };
            cursor = match slot {
                Op::Jump(t)
                | Op::JumpIfZero(t)
                | Op::JumpIfNonZero(t)
                | Op::JumpIfI32 { target: t, .. }
                | Op::JumpIfI32Locals { target: t, .. }
                | Op::JumpIfI32LocalConst { target: t, .. }
                | Op::Br { target: t, .. }
                | Op::BrIf { target: t, .. }
                | Op::BrTableEntry { target: t, .. } => core::mem::replace(t, target),
                _ => NO_FIXUP,
            };
        }
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

/// For a `br_if` that moves no values: the jump to emit and how many
/// preceding instructions it absorbs (`i32.eqz`, an i32 comparison, and
/// possibly the `local.get`/`i32.const` operands of that comparison).
fn fuse_compare_branch(em: &Emitter<'_>, target: u32) -> (Op, usize) {
    if let Some([first, second, cmp_op]) = em.fusable_tail(3) {
        if let Some(cmp) = I32Cmp::of(*cmp_op) {
            match (*first, *second) {
                (Op::LocalGet(a), Op::LocalGet(b)) => {
                    if let (Ok(a), Ok(b)) = (u16::try_from(a), u16::try_from(b)) {
                        return (Op::JumpIfI32Locals { cmp, a, b, target }, 3);
                    }
                }
                (Op::LocalGet(a), Op::Const(c)) => {
                    if let Ok(a) = u16::try_from(a) {
                        return (Op::JumpIfI32LocalConst { cmp, a, c: c as u32 as i32, target }, 3);
                    }
                }
                _ => {}
            }
        }
    }
    match em.fusable_tail(1) {
        Some([Op::I32Eqz]) => (Op::JumpIfZero(target), 1),
        Some([prev]) => match I32Cmp::of(*prev) {
            Some(cmp) => (Op::JumpIfI32 { cmp, target }, 1),
            None => (Op::JumpIfNonZero(target), 0),
        },
        _ => (Op::JumpIfNonZero(target), 0),
    }
}

/// Validates and translates the body of function `func_index`, appending to `code`.
pub(crate) fn compile_function(
    env: &Env<'_>,
    func_index: u32,
    body: &mut Reader<'_>,
    code: &mut Buf<Op>,
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
    let mut em = Emitter { code, barrier: 0, max_ops: usize::try_from(env.limits.max_code_ops).unwrap_or(usize::MAX) };
    em.barrier = em.code.len();
    stack.push_control(Control {
        kind: BlockKind::Func,
        block_type: BlockType::Func(type_index),
        height: 0,
        unreachable: false,
        start,
        fixups: NO_FIXUP,
        else_jump: NO_FIXUP,
    })?;

    let ctx = BodyCtx { env, locals: locals.as_slice(), num_locals };
    loop {
        let at = body.offset();
        let finished = ctx.step(body, stack, &mut em).map_err(|e| e.at(at))?;
        if finished {
            break;
        }
    }
    if !body.is_empty() {
        return Err(Error::new(ErrorKind::BodySizeMismatch).at(body.offset()));
    }
    Ok(FuncBody { start, params, extra_locals: num_locals.saturating_sub(params) })
}

struct BodyCtx<'a, 'm> {
    env: &'a Env<'m>,
    locals: &'a [ValType],
    num_locals: u32,
}

impl BodyCtx<'_, '_> {
    fn local(&self, index: u32) -> Result<ValType> {
        let i = index_in(index, self.locals.len(), ErrorKind::UnknownLocal)?;
        self.locals.get(i).copied().ok_or(Error::new(ErrorKind::UnknownLocal(index)))
    }

    /// Emits a branch to the frame `depth` levels out (operands already
    /// checked and, for `br_if`, the label values pushed back).
    fn emit_branch(&self, stack: &mut TypeStack, em: &mut Emitter<'_>, depth: u32, conditional: bool) -> Result<()> {
        let module = self.env.module;
        let frame = *stack.control(depth)?;
        let keep = to_u32(label_types(module, &frame)?.len());
        let height = self.num_locals.saturating_add(frame.height);
        // When the kept values already sit where the label wants them, a
        // plain jump is enough.
        let in_place = frame.height.saturating_add(keep) == stack.height();
        if frame.kind == BlockKind::Func && !conditional {
            em.emit(Op::Return { keep })?;
            return Ok(());
        }
        let target = if frame.kind == BlockKind::Loop { frame.start } else { frame.fixups };
        let op = match (conditional, in_place) {
            (true, true) => {
                // Fuse a preceding `i32.eqz` or i32 comparison (and its
                // local/constant operands) into the jump.
                let (fused, consumed) = fuse_compare_branch(em, target);
                em.code.truncate(em.code.len().saturating_sub(consumed));
                fused
            }
            (true, false) => Op::BrIf { target, height, keep },
            (false, true) => Op::Jump(target),
            (false, false) => Op::Br { target, height, keep },
        };
        let pc = em.emit(op)?;
        if frame.kind != BlockKind::Loop {
            stack.control_mut(depth)?.fixups = pc;
        }
        Ok(())
    }

    fn emit_table_entry(&self, stack: &mut TypeStack, em: &mut Emitter<'_>, depth: u32) -> Result<()> {
        let module = self.env.module;
        let frame = *stack.control(depth)?;
        let keep = to_u32(label_types(module, &frame)?.len());
        let height = self.num_locals.saturating_add(frame.height);
        if frame.kind == BlockKind::Loop {
            em.emit(Op::BrTableEntry { target: frame.start, height, keep })?;
        } else {
            let pc = em.emit(Op::BrTableEntry { target: frame.fixups, height, keep })?;
            stack.control_mut(depth)?.fixups = pc;
        }
        Ok(())
    }

    /// Validates and translates one instruction; returns true after the final `end`.
    fn step(&self, r: &mut Reader<'_>, stack: &mut TypeStack, em: &mut Emitter<'_>) -> Result<bool> {
        use ValType::{FuncRef, I32, I64};
        let module = self.env.module;
        let opcode = r.u8()?;
        match opcode {
            0x00 => {
                em.emit(Op::Unreachable)?;
                stack.set_unreachable()?;
            }
            0x01 => {}
            0x02 | 0x03 => {
                let bt = read_block_type(r, module)?;
                let params = block_params(module, bt)?;
                stack.pop_all(params)?;
                let is_loop = opcode == 0x03;
                let start = em.label();
                stack.push_control(Control {
                    kind: if is_loop { BlockKind::Loop } else { BlockKind::Block },
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
                let params = block_params(module, bt)?;
                stack.pop_all(params)?;
                let jump = em.emit(Op::JumpIfZero(NO_FIXUP))?;
                stack.push_control(Control {
                    kind: BlockKind::If,
                    block_type: bt,
                    height: stack.height(),
                    unreachable: false,
                    start: jump,
                    fixups: NO_FIXUP,
                    else_jump: jump,
                })?;
                stack.push_all(params)?;
            }
            0x05 => {
                let frame = *stack.control(0)?;
                if frame.kind != BlockKind::If {
                    return Err(Error::new(ErrorKind::UnknownOpcode(0x05)));
                }
                stack.pop_all(block_results(module, frame.block_type)?)?;
                if stack.height() != frame.height {
                    return Err(Error::new(ErrorKind::TypeMismatch));
                }
                let jump = em.emit(Op::Jump(frame.fixups))?;
                let else_start = em.label();
                em.patch_chain(frame.else_jump, else_start);
                let top = stack.control_mut(0)?;
                top.fixups = jump;
                top.else_jump = NO_FIXUP;
                top.kind = BlockKind::Else;
                top.unreachable = false;
                stack.push_all(block_params(module, frame.block_type)?)?;
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
                let end = em.label();
                em.patch_chain(frame.fixups, end);
                em.patch_chain(frame.else_jump, end);
                stack.pop_control()?;
                if frame.kind == BlockKind::Func {
                    em.emit(Op::Return { keep: to_u32(results.len()) })?;
                    return Ok(true);
                }
                stack.push_all(results)?;
            }
            0x0c => {
                let depth = r.u32()?;
                let frame = *stack.control(depth)?;
                stack.pop_all(label_types(module, &frame)?)?;
                self.emit_branch(stack, em, depth, false)?;
                stack.set_unreachable()?;
            }
            0x0d => {
                let depth = r.u32()?;
                stack.pop_expect(I32)?;
                let frame = *stack.control(depth)?;
                let types = label_types(module, &frame)?;
                stack.pop_all(types)?;
                stack.push_all(types)?;
                self.emit_branch(stack, em, depth, true)?;
            }
            0x0e => {
                let count = r.count()?;
                em.emit(Op::BrTable { len: count })?;
                stack.pop_expect(I32)?;
                // Check and emit every target; the default (last) fixes the arity.
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
                    // Check the operands against this label without consuming them.
                    self.check_label_operands(stack, types)?;
                    self.emit_table_entry(stack, em, depth)?;
                }
                stack.set_unreachable()?;
            }
            0x0f => {
                let frame = *stack.control(to_u32(stack.depth().saturating_sub(1)))?;
                let results = block_results(module, frame.block_type)?;
                stack.pop_all(results)?;
                em.emit(Op::Return { keep: to_u32(results.len()) })?;
                stack.set_unreachable()?;
            }
            0x10 => {
                let f = r.u32()?;
                let ft = module.func_type(f).ok_or(Error::new(ErrorKind::UnknownFunction(f)))?;
                stack.pop_all(ft.params())?;
                stack.push_all(ft.results())?;
                em.emit(Op::Call(f))?;
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
                em.emit(Op::CallIndirect { type_index, table })?;
            }
            0x1a => {
                stack.pop()?;
                em.emit(Op::Drop)?;
            }
            0x1b => {
                stack.pop_expect(I32)?;
                let a = stack.pop()?;
                let b = stack.pop()?;
                for t in [a, b].iter().flatten() {
                    if t.is_ref() || *t == ValType::V128 {
                        return Err(Error::new(ErrorKind::TypeMismatch));
                    }
                }
                if let (Some(x), Some(y)) = (a, b) {
                    if x != y {
                        return Err(Error::new(ErrorKind::TypeMismatch));
                    }
                }
                stack.push(a.or(b))?;
                em.emit(Op::Select)?;
            }
            0x1c => {
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
                em.emit(Op::Select)?;
            }
            0x20 => {
                let i = r.u32()?;
                let t = self.local(i)?;
                stack.push(Some(t))?;
                em.emit(Op::LocalGet(i))?;
            }
            0x21 => {
                let i = r.u32()?;
                let t = self.local(i)?;
                stack.pop_expect(t)?;
                match em.fusable_tail(1) {
                    Some([Op::I32AddLocals(a, b)]) => {
                        let fused = Op::I32AddLocalsSet { a: *a, b: *b, dst: i };
                        em.replace_tail(1, fused)?;
                    }
                    Some([Op::I32AddLocalConst(a, c)]) => {
                        let fused = Op::I32AddLocalConstSet { a: *a, c: *c, dst: i };
                        em.replace_tail(1, fused)?;
                    }
                    _ => {
                        em.emit(Op::LocalSet(i))?;
                    }
                }
            }
            0x22 => {
                let i = r.u32()?;
                let t = self.local(i)?;
                stack.pop_expect(t)?;
                stack.push(Some(t))?;
                if let Some([Op::I32AddLocalConst(a, c)]) = em.fusable_tail(1) {
                    let fused = Op::I32AddLocalConstTee { a: *a, c: *c, dst: i };
                    em.replace_tail(1, fused)?;
                } else {
                    em.emit(Op::LocalTee(i))?;
                }
            }
            0x23 => {
                let g = r.u32()?;
                let gi = index_in(g, module.globals.len(), ErrorKind::UnknownGlobal)?;
                let gt = module.globals.get(gi).ok_or(Error::new(ErrorKind::UnknownGlobal(g)))?;
                stack.push(Some(gt.ty))?;
                em.emit(Op::GlobalGet(g))?;
            }
            0x24 => {
                let g = r.u32()?;
                let gi = index_in(g, module.globals.len(), ErrorKind::UnknownGlobal)?;
                let gt = module.globals.get(gi).ok_or(Error::new(ErrorKind::UnknownGlobal(g)))?;
                if !gt.mutable {
                    return Err(Error::new(ErrorKind::ImmutableGlobal));
                }
                stack.pop_expect(gt.ty)?;
                em.emit(Op::GlobalSet(g))?;
            }
            0x25 => {
                let t = r.u32()?;
                let et = table_type(module, t)?;
                stack.pop_expect(I32)?;
                stack.push(Some(et))?;
                em.emit(Op::TableGet(t))?;
            }
            0x26 => {
                let t = r.u32()?;
                let et = table_type(module, t)?;
                stack.pop_expect(et)?;
                stack.pop_expect(I32)?;
                em.emit(Op::TableSet(t))?;
            }
            0x28..=0x35 => {
                let (natural, ty, make): (u32, ValType, fn(u32) -> Op) = match opcode {
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
                match em.fusable_tail(1) {
                    Some([Op::LocalGet(local)]) if opcode == 0x28 => {
                        let fused = Op::I32LoadLocal { local: *local, offset };
                        em.replace_tail(1, fused)?;
                    }
                    _ => {
                        em.emit(make(offset))?;
                    }
                }
            }
            0x36..=0x3e => {
                let (natural, ty, make): (u32, ValType, fn(u32) -> Op) = match opcode {
                    0x36 => (2, I32, Op::I32Store),
                    0x37 => (3, I64, Op::I64Store),
                    0x3a => (0, I32, Op::I32Store8),
                    0x3b => (1, I32, Op::I32Store16),
                    0x3c => (0, I64, Op::I64Store8),
                    0x3d => (1, I64, Op::I64Store16),
                    0x3e => (2, I64, Op::I64Store32),
                    _ => return Err(self.float_op(opcode)),
                };
                let offset = memarg(r, module, natural)?;
                stack.pop_expect(ty)?;
                stack.pop_expect(I32)?;
                match em.fusable_tail(2) {
                    Some([Op::LocalGet(addr), Op::LocalGet(value)]) if opcode == 0x36 => {
                        let fused = Op::I32StoreLocals { addr: *addr, value: *value, offset };
                        em.replace_tail(2, fused)?;
                    }
                    _ => {
                        em.emit(make(offset))?;
                    }
                }
            }
            0x3f => {
                zero_byte(r)?;
                require_memory(module)?;
                stack.push(Some(I32))?;
                em.emit(Op::MemorySize)?;
            }
            0x40 => {
                zero_byte(r)?;
                require_memory(module)?;
                stack.pop_expect(I32)?;
                stack.push(Some(I32))?;
                em.emit(Op::MemoryGrow)?;
            }
            0x41 => {
                let v = r.s32()?;
                stack.push(Some(I32))?;
                self.emit_i32_const(em, v)?;
            }
            0x42 => {
                let v = r.s64()?;
                stack.push(Some(I64))?;
                em.emit(Op::Const(v as u64))?;
            }
            0xd0 => {
                let t = r.ref_type()?;
                stack.push(Some(t))?;
                em.emit(Op::Const(0))?;
            }
            0xd1 => {
                let t = stack.pop()?;
                if let Some(t) = t {
                    if !t.is_ref() {
                        return Err(Error::new(ErrorKind::TypeMismatch));
                    }
                }
                stack.push(Some(I32))?;
                em.emit(Op::RefIsNull)?;
            }
            0xd2 => {
                let f = r.u32()?;
                let fi = index_in(f, module.funcs.len(), ErrorKind::UnknownFunction)?;
                if !self.env.declared_refs.get(fi).copied().unwrap_or(false) {
                    return Err(Error::new(ErrorKind::UndeclaredFunctionReference));
                }
                stack.push(Some(FuncRef))?;
                em.emit(Op::RefFunc(f))?;
            }
            0xfc => self.step_prefixed(r, stack, em)?,
            0xfd => return Err(Error::new(ErrorKind::SimdNotSupported)),
            _ => {
                if let Some((op, sig)) = opcodes::numeric(opcode) {
                    if sig.arity == 2 {
                        stack.pop_expect(sig.input)?;
                    }
                    stack.pop_expect(sig.input)?;
                    stack.push(Some(sig.output))?;
                    self.emit_numeric(em, op)?;
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

    fn check_label_operands(&self, stack: &mut TypeStack, types: &[ValType]) -> Result<()> {
        stack.check_top(types)
    }

    fn emit_i32_const(&self, em: &mut Emitter<'_>, v: i32) -> Result<()> {
        em.emit(Op::Const(u64::from(v as u32)))?;
        Ok(())
    }

    /// Emits a numeric op, fusing common patterns with the preceding ops.
    fn emit_numeric(&self, em: &mut Emitter<'_>, op: Op) -> Result<()> {
        if op == Op::I32Sub {
            // `local.get a; i32.const c; i32.sub` is `a + (-c)`.
            if let Some([Op::LocalGet(a), Op::Const(c)]) = em.fusable_tail(2) {
                let fused = Op::I32AddLocalConst(*a, (*c as u32 as i32).wrapping_neg());
                return em.replace_tail(2, fused);
            }
        }
        if op == Op::I32Add {
            if let Some([Op::LocalGet(a), Op::LocalGet(b)]) = em.fusable_tail(2) {
                let fused = Op::I32AddLocals(*a, *b);
                return em.replace_tail(2, fused);
            }
            if let Some([Op::LocalGet(a), Op::Const(c)]) = em.fusable_tail(2) {
                let fused = Op::I32AddLocalConst(*a, *c as u32 as i32);
                return em.replace_tail(2, fused);
            }
        }
        em.emit(op)?;
        Ok(())
    }

    fn step_prefixed(&self, r: &mut Reader<'_>, stack: &mut TypeStack, em: &mut Emitter<'_>) -> Result<()> {
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
                em.emit(Op::MemoryInit(d))?;
            }
            9 => {
                let d = r.u32()?;
                require_data_count(module, d)?;
                em.emit(Op::DataDrop(d))?;
            }
            10 => {
                zero_byte(r)?;
                zero_byte(r)?;
                require_memory(module)?;
                stack.pop_all(&[I32, I32, I32])?;
                em.emit(Op::MemoryCopy)?;
            }
            11 => {
                zero_byte(r)?;
                require_memory(module)?;
                stack.pop_all(&[I32, I32, I32])?;
                em.emit(Op::MemoryFill)?;
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
                em.emit(Op::TableInit { table: t, elem: e })?;
            }
            13 => {
                let e = r.u32()?;
                index_in(e, module.elems.len(), ErrorKind::UnknownElementSegment)?;
                em.emit(Op::ElemDrop(e))?;
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
                em.emit(Op::TableCopy { dst, src })?;
            }
            15 => {
                let t = r.u32()?;
                let et = table_type(module, t)?;
                stack.pop_expect(I32)?;
                stack.pop_expect(et)?;
                stack.push(Some(I32))?;
                em.emit(Op::TableGrow(t))?;
            }
            16 => {
                let t = r.u32()?;
                table_type(module, t)?;
                stack.push(Some(I32))?;
                em.emit(Op::TableSize(t))?;
            }
            17 => {
                let t = r.u32()?;
                let et = table_type(module, t)?;
                stack.pop_expect(I32)?;
                stack.pop_expect(et)?;
                stack.pop_expect(I32)?;
                em.emit(Op::TableFill(t))?;
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
    use super::ops::Op;

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

    fn ops(m: &Module) -> &[Op] {
        let b: &Buf<Op> = &m.code;
        b.as_slice()
    }

    #[test]
    fn forward_branches_are_patched_to_block_end() {
        // block; local.get 0; br_if 0; end; local.get 0
        let m = module_with(&[0x02, 0x40, 0x20, 0, 0x0d, 0, 0x0b, 0x20, 0], &[0]);
        assert_eq!(ops(&m), &[Op::LocalGet(0), Op::JumpIfNonZero(2), Op::LocalGet(0), Op::Return { keep: 1 }]);
    }

    #[test]
    fn loops_branch_backwards_and_if_else_jumps() {
        // loop; local.get 0; br_if 0; end; local.get 0; if (result i32) i32.const 1 else i32.const 2 end
        let m = module_with(
            &[0x03, 0x40, 0x20, 0, 0x0d, 0, 0x0b, 0x20, 0, 0x04, 0x7f, 0x41, 1, 0x05, 0x41, 2, 0x0b],
            &[0],
        );
        assert_eq!(
            ops(&m),
            &[
                Op::LocalGet(0),
                Op::JumpIfNonZero(0),
                Op::LocalGet(0),
                Op::JumpIfZero(6),
                Op::Const(1),
                Op::Jump(7),
                Op::Const(2),
                Op::Return { keep: 1 },
            ]
        );
    }

    #[test]
    fn branches_that_drop_values_carry_heights() {
        // block (result i32); i32.const 7; i32.const 8; local.get 0; br_if 0; drop; end
        let m = module_with(&[0x02, 0x7f, 0x41, 7, 0x41, 8, 0x20, 0, 0x0d, 0, 0x1a, 0x0b], &[0]);
        assert_eq!(ops(&m)[3], Op::BrIf { target: 5, height: 1, keep: 1 });
    }

    #[test]
    fn fusion_stops_at_labels() {
        // local.get 0; block (result i32) local.get 0 end; i32.add
        let m = module_with(&[0x20, 0, 0x02, 0x7f, 0x20, 0, 0x0b, 0x6a], &[0]);
        assert_eq!(ops(&m), &[Op::LocalGet(0), Op::LocalGet(0), Op::I32Add, Op::Return { keep: 1 }]);
        // Without the block the pair fuses.
        let m = module_with(&[0x20, 0, 0x20, 0, 0x6a], &[0]);
        assert_eq!(ops(&m), &[Op::I32AddLocals(0, 0), Op::Return { keep: 1 }]);
    }
}
