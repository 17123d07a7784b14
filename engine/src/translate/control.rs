//! Control flow in the translator: branch conditions (fusing the
//! comparison that computed them), branches that carry values to their
//! label, `br_table` trampolines, returns, and block entry.

use super::super::error::{Error, ErrorKind, Result};
use super::super::validate::stack::{BlockKind, TypeStack};
use super::builder::{Builder, Loc, Operand, NONE};
use super::ops::{self, Instr, Op, Shape};
use super::{label_types, to_u32, BodyCtx};

/// The condition of a conditional branch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Cond {
    Always,
    Never,
    /// A compare-and-branch instruction, target not yet set.
    Test(Instr),
}

impl Cond {
    pub(super) fn negate(self) -> Cond {
        match self {
            Cond::Always => Cond::Never,
            Cond::Never => Cond::Always,
            Cond::Test(i) => Cond::Test(Instr { op: ops::negate_branch(i.op), ..i }),
        }
    }
}

impl BodyCtx<'_, '_> {
    /// Pops an i32 condition, fusing the comparison or `eqz` that computed it.
    pub(super) fn pop_condition(&self, b: &mut Builder<'_>) -> Result<Cond> {
        let (loc, own, operand) = b.pop()?;
        if b.dead {
            return Ok(Cond::Never);
        }
        if operand == Operand::Temp {
            if let Some(prev) = b.last_wrote(own) {
                let fused = match prev.op {
                    Op::I32Eqz => Some(Instr::new(Op::BrEqz32).a(prev.a)),
                    Op::I64Eqz => Some(Instr::new(Op::BrEqz64).a(prev.a)),
                    op => ops::comparison(op)
                        .map(|(width, rel, imm)| Instr { op: ops::branch_on(width, rel, imm), d: 0, target: 0, ..prev }),
                };
                if let Some(test) = fused {
                    b.drop_last();
                    return Ok(Cond::Test(test));
                }
            }
        }
        Ok(match loc {
            Loc::Slot(s) => Cond::Test(Instr::new(Op::BrNez32).a(s)),
            Loc::Imm(v) if v as u32 != 0 => Cond::Always,
            Loc::Imm(_) => Cond::Never,
        })
    }

    /// Emits a branch taken when `cond` holds; returns its index (or `NONE`).
    pub(super) fn emit_cond_branch(b: &mut Builder<'_>, cond: Cond, target: u32) -> Result<u32> {
        match cond {
            Cond::Never => Ok(NONE),
            Cond::Always => b.emit(Instr::new(Op::Jump).target(target)),
            Cond::Test(test) => b.emit_branch(test.target(target)),
        }
    }

    /// Emits a return of the top `n` operands (which stay on the stack).
    pub(super) fn emit_return(b: &mut Builder<'_>, n: usize) -> Result<()> {
        if b.dead {
            return Ok(());
        }
        let h = b.height();
        let first = h.checked_sub(to_u32(n)).ok_or(Error::new(ErrorKind::TypeMismatch))?;
        match n {
            0 => b.emit(Instr::new(Op::Return0))?,
            1 => {
                let (loc, _) = b.peek(0)?;
                let s = b.in_slot(loc, b.slot(first)?)?;
                b.emit(Instr::new(Op::Return1).a(s))?
            }
            _ => {
                for i in 0..to_u32(n) {
                    let (loc, _) = b.peek(to_u32(n).wrapping_sub(1).wrapping_sub(i))?;
                    b.write_to(loc, b.slot(first.wrapping_add(i))?)?;
                }
                b.emit(Instr::new(Op::ReturnN).a(b.slot(first)?).imm(to_u32(n)))?
            }
        };
        Ok(())
    }

    /// Whether the top `n` operands already sit where a label at `height` wants them.
    pub(super) fn in_place(b: &Builder<'_>, n: usize, height: u32) -> Result<bool> {
        if b.height().checked_sub(to_u32(n)) != Some(height) {
            return Ok(false);
        }
        for i in 0..to_u32(n) {
            if b.peek(i)?.1 != Operand::Temp {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Copies the top `n` operands to the slots of a label at `height`.
    pub(super) fn copy_label_values(b: &mut Builder<'_>, n: usize, height: u32) -> Result<()> {
        // Ascending order is safe: a value moves down or stays, so no copy
        // overwrites a source that a later copy still reads.
        for i in 0..to_u32(n) {
            let (loc, _) = b.peek(to_u32(n).wrapping_sub(1).wrapping_sub(i))?;
            b.write_to(loc, b.slot(height.wrapping_add(i))?)?;
        }
        Ok(())
    }

    /// Emits a branch to the frame `depth` levels out, taken when `cond`
    /// holds; the label's values are on top of the operand stack.
    pub(super) fn branch(&self, stack: &mut TypeStack, b: &mut Builder<'_>, depth: u32, cond: Cond) -> Result<()> {
        if b.dead || cond == Cond::Never {
            return Ok(());
        }
        let frame = *stack.control(depth)?;
        let arity = label_types(self.env.module, &frame)?.len();
        if frame.kind == BlockKind::Func {
            let skip = Self::emit_cond_branch(b, cond.negate(), NONE)?;
            Self::emit_return(b, arity)?;
            if skip != NONE {
                let here = b.label();
                b.set_target(skip, here);
            }
            return Ok(());
        }
        if frame.kind == BlockKind::Loop && cond == Cond::Always && arity == 0 {
            // Loop rotation: when the loop starts with a conditional exit,
            // `br` back to it tests the negated condition right here and
            // continues after the test, saving a jump per iteration; only
            // the last iteration falls through to the test itself.
            let head = b.instr_at(frame.start).filter(|h| matches!(h.op.shape(), Shape::JA | Shape::JAB));
            if let Some(head) = head {
                let after_test = frame.start.wrapping_add(1);
                b.emit_branch(Instr { op: ops::negate_branch(head.op), target: after_test, ..head })?;
                b.emit(Instr::new(Op::Jump).target(frame.start))?;
                return Ok(());
            }
        }
        let target = if frame.kind == BlockKind::Loop { frame.start } else { frame.fixups };
        let pc = if Self::in_place(b, arity, frame.height)? {
            Self::emit_cond_branch(b, cond, target)?
        } else {
            let skip = Self::emit_cond_branch(b, cond.negate(), NONE)?;
            Self::copy_label_values(b, arity, frame.height)?;
            let pc = b.emit(Instr::new(Op::Jump).target(target))?;
            if skip != NONE {
                let here = b.label();
                b.set_target(skip, here);
            }
            pc
        };
        if pc != NONE && frame.kind != BlockKind::Loop {
            stack.control_mut(depth)?.fixups = pc;
        }
        Ok(())
    }

    /// Points the `br_table` entry at `entry` to the frame `depth` levels
    /// out, through a trampoline when values must move.
    pub(super) fn table_entry(&self, stack: &mut TypeStack, b: &mut Builder<'_>, entry: u32, depth: u32) -> Result<()> {
        let frame = *stack.control(depth)?;
        let arity = label_types(self.env.module, &frame)?.len();
        if frame.kind == BlockKind::Func {
            let here = b.label();
            Self::emit_return(b, arity)?;
            b.set_target(entry, here);
            return Ok(());
        }
        let (jump, target) = if Self::in_place(b, arity, frame.height)? {
            (entry, if frame.kind == BlockKind::Loop { frame.start } else { frame.fixups })
        } else {
            let here = b.label();
            b.set_target(entry, here);
            Self::copy_label_values(b, arity, frame.height)?;
            let pc = b.emit(Instr::new(Op::Jump))?;
            (pc, if frame.kind == BlockKind::Loop { frame.start } else { frame.fixups })
        };
        b.set_target(jump, target);
        if frame.kind != BlockKind::Loop {
            stack.control_mut(depth)?.fixups = jump;
        }
        Ok(())
    }

    /// Enters a block: values held in locals move to their own slots (the
    /// block's code may write those locals) and the block's parameters
    /// settle in their slots.
    pub(super) fn enter_block(b: &mut Builder<'_>, params: usize) -> Result<()> {
        if b.dead {
            b.dead_nesting = b.dead_nesting.saturating_add(1);
            return Ok(());
        }
        b.settle_locals()?;
        b.settle_top(params)
    }

    /// Marks the rest of the current block unreachable.
    pub(super) fn kill(stack: &mut TypeStack, b: &mut Builder<'_>) -> Result<()> {
        stack.set_unreachable()?;
        if !b.dead {
            b.dead = true;
            b.dead_nesting = 0;
        }
        Ok(())
    }
}
