//! Where each wasm operand lives while a body is translated, and the code
//! buffer instructions are emitted into.
//!
//! The operand at stack height `h` has its own slot, `locals + h`, but
//! often its value is elsewhere: `local.get x` only records "local x" and
//! `i32.const c` only records "c", so the instruction that consumes the
//! operand reads the local directly or takes the constant as an immediate.
//! A recorded local must be copied into the operand's own slot before the
//! local is overwritten, and before control flow joins (block entry), since
//! the record only says where the value was when it was pushed.

use super::super::buf::Buf;
use super::super::error::{Error, ErrorKind, Result};
use super::ops::{self, Instr, Op};

/// No position / no instruction.
pub(crate) const NONE: u32 = u32::MAX;

/// Most slots a frame can have: instructions address slots with 16 bits.
const MAX_FRAME_SLOTS: u32 = 1 << 16;

/// Where an operand's value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Operand {
    /// In the operand's own slot.
    Temp,
    /// In local `index`, unchanged since it was pushed; `below` is the
    /// position of the next lower operand recorded as the same local.
    Local { index: u16, below: u32 },
    /// A constant (i32 zero-extended, i64, or a null reference).
    Const(u64),
}

/// How an instruction can read an operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Loc {
    Slot(u16),
    Imm(u64),
}

/// The operand stack model, kept in the translator's scratch space.
pub(crate) struct Operands {
    entries: Buf<Operand>,
    /// Per local: position of the topmost operand recorded as that local.
    heads: Buf<u32>,
    /// Number of `Operand::Local` entries.
    pending: u32,
}

impl Operands {
    pub(crate) fn new() -> Self {
        Operands { entries: Buf::new(), heads: Buf::new(), pending: 0 }
    }
}

/// Appends instructions for one function body, tracking operands.
pub(crate) struct Builder<'c> {
    code: &'c mut Buf<Instr>,
    operands: &'c mut Operands,
    max_ops: usize,
    locals: u32,
    /// Slots the frame needs so far.
    frame: u32,
    /// No instruction before this index may be changed (it is a branch target).
    barrier: usize,
    /// The last instruction, if all it does is write operand slot `.1`.
    last: Option<(usize, u16)>,
    /// Translating unreachable code: nothing is emitted or tracked.
    pub(crate) dead: bool,
    /// Blocks opened inside unreachable code and not yet closed.
    pub(crate) dead_nesting: u32,
}

fn frame_too_large() -> Error {
    Error::new(ErrorKind::LimitExceeded("function frame slots (locals + operand stack)"))
}

fn internal() -> Error {
    Error::new(ErrorKind::TypeMismatch)
}

/// The instruction that writes constant `v` to slot `d`.
pub(crate) fn const_instr(d: u16, v: u64) -> Instr {
    match u32::try_from(v) {
        Ok(low) => Instr::new(Op::Const32).d(d).imm(low),
        Err(_) => Instr::new(Op::Const64).d(d).imm(v as u32).target((v >> 32) as u32),
    }
}

impl<'c> Builder<'c> {
    pub(crate) fn new(code: &'c mut Buf<Instr>, operands: &'c mut Operands, max_ops: u32, locals: u32) -> Result<Self> {
        if locals >= MAX_FRAME_SLOTS {
            return Err(frame_too_large());
        }
        operands.entries.clear();
        operands.heads.clear();
        operands.heads.try_resize(usize::try_from(locals).unwrap_or(usize::MAX), NONE)?;
        operands.pending = 0;
        let barrier = code.len();
        Ok(Builder {
            code,
            operands,
            max_ops: usize::try_from(max_ops).unwrap_or(usize::MAX),
            locals,
            frame: locals,
            barrier,
            last: None,
            dead: false,
            dead_nesting: 0,
        })
    }

    /// Slots the frame needs.
    pub(crate) fn frame_slots(&self) -> u32 {
        self.frame
    }

    pub(crate) fn pc(&self) -> u32 {
        u32::try_from(self.code.len()).unwrap_or(NONE)
    }

    pub(crate) fn height(&self) -> u32 {
        u32::try_from(self.operands.entries.len()).unwrap_or(NONE)
    }

    /// The slot of the operand at `height`.
    pub(crate) fn slot(&self, height: u32) -> Result<u16> {
        let s = self.locals.checked_add(height).ok_or_else(frame_too_large)?;
        u16::try_from(s).map_err(|_| frame_too_large())
    }

    // ---- emission ----

    /// Appends `instr` (nothing in unreachable code); returns its index.
    pub(crate) fn emit(&mut self, instr: Instr) -> Result<u32> {
        if self.dead {
            return Ok(NONE);
        }
        if self.code.len() >= self.max_ops {
            return Err(Error::new(ErrorKind::LimitExceeded("translated code size")));
        }
        let pc = self.pc();
        self.code.try_push(instr)?;
        self.last = None;
        Ok(pc)
    }

    /// Appends `instr`, which writes only its result, and pushes that
    /// result: `instr.d` is set to the slot of the new top operand.
    pub(crate) fn emit_result(&mut self, instr: Instr) -> Result<()> {
        if self.dead {
            return Ok(());
        }
        let d = self.slot(self.height())?;
        let pc = self.emit(instr.d(d))?;
        self.last = Some((usize::try_from(pc).unwrap_or(usize::MAX), d));
        self.push(Operand::Temp)
    }

    /// Marks the current position as a branch target and returns it.
    pub(crate) fn label(&mut self) -> u32 {
        self.barrier = self.code.len();
        self.last = None;
        self.pc()
    }

    /// Sets the target of the branch at `pc` (emitted with a `NONE` target).
    pub(crate) fn set_target(&mut self, pc: u32, target: u32) {
        if let Some(instr) = usize::try_from(pc).ok().and_then(|i| self.code.get_mut(i)) {
            instr.target = target;
        }
    }

    /// Emits the compare-and-branch `test` (target set), fused with the
    /// instruction before it when that one adds a constant to the slot the
    /// branch tests (`i += 1; br_if (i < n)`, `c - 65 <u 26`); returns the
    /// branch's index.
    pub(crate) fn emit_branch(&mut self, test: Instr) -> Result<u32> {
        if self.dead {
            return Ok(NONE);
        }
        let fusable = self.code.len().checked_sub(1).filter(|last| *last >= self.barrier);
        if let (Some(last), Some((fused, b))) = (fusable, ops::after_add_imm(test)) {
            if let Some(prev) = self.code.get(last).copied() {
                let step = match prev.op {
                    Op::I32AddImm => Some(prev.imm),
                    Op::I32SubImm => Some(prev.imm.wrapping_neg()),
                    _ => None,
                };
                if let Some(imm) = step.filter(|_| prev.d == test.a) {
                    if let Some(slot) = self.code.get_mut(last) {
                        *slot = Instr { op: fused, d: prev.d, a: prev.a, b, imm, target: test.target };
                    }
                    self.last = None;
                    return Ok(u32::try_from(last).unwrap_or(NONE));
                }
            }
        }
        self.emit(test)
    }

    /// The instruction at `pc`, if emitted.
    pub(crate) fn instr_at(&self, pc: u32) -> Option<Instr> {
        usize::try_from(pc).ok().and_then(|i| self.code.get(i)).copied()
    }

    /// Points every branch in the chain starting at `head` to `target`.
    pub(crate) fn patch_chain(&mut self, head: u32, target: u32) {
        let mut cursor = head;
        let mut budget = self.code.len();
        while cursor != NONE && budget > 0 {
            budget = budget.wrapping_sub(1);
            match usize::try_from(cursor).ok().and_then(|i| self.code.get_mut(i)) {
                Some(instr) => cursor = core::mem::replace(&mut instr.target, target),
                None => return,
            }
        }
    }

    /// The last instruction, if it is after the barrier and only wrote the
    /// slot of the operand on top of the stack (at `slot`).
    pub(crate) fn last_wrote(&self, slot: u16) -> Option<Instr> {
        let (pc, d) = self.last?;
        if d != slot || pc < self.barrier || pc.checked_add(1) != Some(self.code.len()) {
            return None;
        }
        self.code.get(pc).copied()
    }

    /// Removes the last instruction (found by [`Builder::last_wrote`]).
    pub(crate) fn drop_last(&mut self) {
        self.code.truncate(self.code.len().saturating_sub(1));
        self.last = None;
    }

    /// Replaces the operation of the last instruction (keeping its operands).
    pub(crate) fn set_last_op(&mut self, op: Op) {
        if let Some(instr) = self.code.as_mut_slice().last_mut() {
            instr.op = op;
        }
        self.last = None;
    }

    /// Makes the last instruction write `slot` instead of its result slot.
    pub(crate) fn redirect_last(&mut self, slot: u16) {
        if let Some(instr) = self.code.as_mut_slice().last_mut() {
            instr.d = slot;
        }
        self.last = None;
    }

    /// Copies the value at `loc` into slot `dst`.
    pub(crate) fn write_to(&mut self, loc: Loc, dst: u16) -> Result<()> {
        match loc {
            Loc::Slot(s) if s == dst => Ok(()),
            Loc::Slot(s) => self.emit(Instr::new(Op::Copy).d(dst).a(s)).map(drop),
            Loc::Imm(v) => self.emit(const_instr(dst, v)).map(drop),
        }
    }

    /// A slot holding the value at `loc`, writing a constant to `spare` if needed.
    pub(crate) fn in_slot(&mut self, loc: Loc, spare: u16) -> Result<u16> {
        match loc {
            Loc::Slot(s) => Ok(s),
            Loc::Imm(v) => {
                self.emit(const_instr(spare, v))?;
                Ok(spare)
            }
        }
    }

    // ---- the operand stack ----

    pub(crate) fn push(&mut self, operand: Operand) -> Result<()> {
        if self.dead {
            return Ok(());
        }
        let pos = self.height();
        let slot = self.slot(pos)?;
        let operand = match operand {
            Operand::Local { index, .. } => {
                let head = self.operands.heads.get_mut(usize::from(index)).ok_or_else(internal)?;
                let below = core::mem::replace(head, pos);
                self.operands.pending = self.operands.pending.wrapping_add(1);
                Operand::Local { index, below }
            }
            other => other,
        };
        self.operands.entries.try_push(operand)?;
        self.frame = self.frame.max(u32::from(slot).wrapping_add(1));
        Ok(())
    }

    pub(crate) fn push_local(&mut self, index: u32) -> Result<()> {
        let index = u16::try_from(index).map_err(|_| frame_too_large())?;
        self.push(Operand::Local { index, below: NONE })
    }

    pub(crate) fn push_temps(&mut self, n: usize) -> Result<()> {
        for _ in 0..n {
            self.push(Operand::Temp)?;
        }
        Ok(())
    }

    fn loc_of(&self, operand: Operand, pos: u32) -> Result<Loc> {
        Ok(match operand {
            Operand::Temp => Loc::Slot(self.slot(pos)?),
            Operand::Local { index, .. } => Loc::Slot(index),
            Operand::Const(v) => Loc::Imm(v),
        })
    }

    /// Pops the top operand: where it is, and its own slot.
    pub(crate) fn pop(&mut self) -> Result<(Loc, u16, Operand)> {
        if self.dead {
            return Ok((Loc::Imm(0), 0, Operand::Const(0)));
        }
        let operand = self.operands.entries.pop().ok_or_else(internal)?;
        let pos = self.height();
        if let Operand::Local { index, below } = operand {
            if let Some(head) = self.operands.heads.get_mut(usize::from(index)) {
                *head = below;
            }
            self.operands.pending = self.operands.pending.wrapping_sub(1);
        }
        Ok((self.loc_of(operand, pos)?, self.slot(pos)?, operand))
    }

    /// Where the operand `depth` places below the top is (not popped).
    pub(crate) fn peek(&self, depth: u32) -> Result<(Loc, Operand)> {
        if self.dead {
            return Ok((Loc::Imm(0), Operand::Const(0)));
        }
        let pos = self.height().checked_sub(depth).and_then(|p| p.checked_sub(1)).ok_or_else(internal)?;
        let operand = *self.operands.entries.get(usize::try_from(pos).unwrap_or(usize::MAX)).ok_or_else(internal)?;
        Ok((self.loc_of(operand, pos)?, operand))
    }

    /// Pops `n` operands into their own slots; returns the first one's slot.
    pub(crate) fn pop_into_slots(&mut self, n: usize) -> Result<u16> {
        if self.dead {
            return Ok(0);
        }
        for _ in 0..n {
            let (loc, own, _) = self.pop()?;
            self.write_to(loc, own)?;
        }
        self.slot(self.height())
    }

    /// Makes the top `n` operands live in their own slots.
    pub(crate) fn settle_top(&mut self, n: usize) -> Result<()> {
        self.pop_into_slots(n)?;
        self.push_temps(n)
    }

    /// Pops operands down to `height`.
    pub(crate) fn truncate(&mut self, height: u32) -> Result<()> {
        let was_dead = core::mem::replace(&mut self.dead, false);
        while self.height() > height {
            self.pop()?;
        }
        self.dead = was_dead;
        Ok(())
    }

    /// Copies every operand recorded as local `index` into its own slot
    /// (before the local is written).
    pub(crate) fn settle_local(&mut self, index: u32) -> Result<()> {
        if self.dead {
            return Ok(());
        }
        let Some(head) = usize::try_from(index).ok().and_then(|i| self.operands.heads.get_mut(i)) else {
            return Ok(());
        };
        let mut pos = core::mem::replace(head, NONE);
        while pos != NONE {
            let entry = self.operands.entries.get_mut(usize::try_from(pos).unwrap_or(usize::MAX)).ok_or_else(internal)?;
            let Operand::Local { index: local, below } = *entry else {
                return Err(internal());
            };
            *entry = Operand::Temp;
            self.operands.pending = self.operands.pending.wrapping_sub(1);
            let own = self.slot(pos)?;
            self.emit(Instr::new(Op::Copy).d(own).a(local))?;
            pos = below;
        }
        Ok(())
    }

    /// Copies every operand recorded as a local into its own slot (where
    /// control flow joins).
    pub(crate) fn settle_locals(&mut self) -> Result<()> {
        if self.dead {
            return Ok(());
        }
        let mut pos = self.height();
        while self.operands.pending > 0 && pos > 0 {
            pos = pos.wrapping_sub(1);
            let entry = self.operands.entries.get_mut(usize::try_from(pos).unwrap_or(usize::MAX)).ok_or_else(internal)?;
            if let Operand::Local { index, .. } = *entry {
                *entry = Operand::Temp;
                if let Some(head) = self.operands.heads.get_mut(usize::from(index)) {
                    *head = NONE;
                }
                self.operands.pending = self.operands.pending.wrapping_sub(1);
                let own = self.slot(pos)?;
                self.emit(Instr::new(Op::Copy).d(own).a(index))?;
            }
        }
        Ok(())
    }

    /// Whether the local `index` has operands recorded as it.
    pub(crate) fn local_is_pending(&self, index: u32) -> bool {
        usize::try_from(index).ok().and_then(|i| self.operands.heads.get(i)).is_some_and(|h| *h != NONE)
    }
}
