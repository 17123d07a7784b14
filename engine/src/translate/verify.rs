//! Load-time check of translated code.
//!
//! Every slot an instruction names must lie inside its function's frame and
//! every branch must stay inside the function. The interpreter relies on
//! this (together with the frame-size check it makes on each call) to read
//! and write frame slots without bounds checks, so the check is made here,
//! on the finished code, rather than trusted to the translator.

use super::super::buf::Buf;
use super::super::error::{Error, ErrorKind, Result};
use super::ops::{self, Instr, Op, Shape};

fn failed(what: &'static str, _pc: usize) -> Error {
    Error::new(ErrorKind::Internal(what))
}

/// Checks the code of the function occupying `code[start..]`, whose frame
/// has `frame_slots` slots.
pub(crate) fn function(code: &Buf<Instr>, start: u32, frame_slots: u32) -> Result<()> {
    let start = usize::try_from(start).unwrap_or(usize::MAX);
    let end = code.len();
    let body = code.get(start..).ok_or_else(|| failed("function start outside code", start))?;
    if !matches!(body.last().map(|i| i.op), Some(Op::Return0 | Op::Return1 | Op::ReturnN | Op::Jump | Op::Unreachable)) {
        return Err(failed("function can run past its end", end));
    }
    let slot = |s: u16| u32::from(s) < frame_slots;
    let span = |first: u16, n: u32| u32::from(first).checked_add(n).is_some_and(|e| e <= frame_slots);
    for (i, instr) in body.iter().enumerate() {
        let pc = start.wrapping_add(i);
        // Branch targets are relative to the branch.
        let target_ok = |offset: u32| {
            let to = i64::try_from(pc).ok().and_then(|pc| pc.checked_add(i64::from(offset as i32)));
            to.and_then(|t| usize::try_from(t).ok()).is_some_and(|t| t >= start && t < end)
        };
        let ok = match instr.op.shape() {
            Shape::None => true,
            Shape::D => slot(instr.d),
            Shape::A => slot(instr.a),
            Shape::AB => slot(instr.a) && slot(instr.b),
            Shape::DA => slot(instr.d) && slot(instr.a),
            Shape::DAB => slot(instr.d) && slot(instr.a) && slot(instr.b),
            Shape::DABT => {
                slot(instr.d) && slot(instr.a) && slot(instr.b) && u16::try_from(instr.target).is_ok_and(slot)
            }
            Shape::Range3 => span(instr.a, 3),
            Shape::DRange2 => slot(instr.d) && span(instr.a, 2),
            Shape::RangeImm => span(instr.a, instr.imm),
            Shape::Call => span(instr.a, 0),
            Shape::CallIndirect => span(instr.a, 0) && slot(instr.b),
            Shape::J => target_ok(instr.target),
            Shape::JA => slot(instr.a) && target_ok(instr.target),
            Shape::JAB => slot(instr.a) && slot(instr.b) && target_ok(instr.target),
            Shape::DB => slot(instr.d) && slot(instr.b),
            Shape::DAJ => slot(instr.d) && slot(instr.a) && target_ok(instr.target),
            Shape::DABJ => slot(instr.d) && slot(instr.a) && slot(instr.b) && target_ok(instr.target),
            Shape::B => slot(instr.b),
            Shape::Table => {
                let entries = usize::try_from(instr.imm).ok().and_then(|n| n.checked_add(1));
                let first = pc.checked_add(1);
                let table = match (first, entries.and_then(|n| first?.checked_add(n))) {
                    (Some(f), Some(e)) => code.get(f..e),
                    _ => None,
                };
                slot(instr.a) && table.is_some_and(|t| t.iter().all(|e| e.op == Op::Jump))
            }
        };
        if !ok {
            return Err(failed("translated instruction outside its frame or function", pc));
        }
        // A value left in the accumulator is taken by the next instruction.
        if ops::writes_acc(instr.op) && !body.get(i.wrapping_add(1)).is_some_and(|next| ops::reads_acc(next.op)) {
            return Err(failed("accumulator value without a consumer", pc));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::super::buf::Buf;
    use super::super::super::error::ErrorKind;
    use super::super::ops::{Instr, Op};
    use super::function;

    fn code(instrs: &[Instr]) -> Buf<Instr> {
        let mut code = Buf::new();
        code.try_extend_from_slice(instrs).unwrap();
        code
    }

    fn rejected(instrs: &[Instr], frame_slots: u32) -> bool {
        match function(&code(instrs), 0, frame_slots) {
            Err(e) => matches!(e.kind(), ErrorKind::Internal(_)),
            Ok(()) => false,
        }
    }

    #[test]
    fn well_formed_code_passes() {
        let ok = [
            Instr::new(Op::I32AddImm).d(1).a(0).imm(1),
            Instr::new(Op::BrLtU32Imm).a(1).imm(10).target((-1i32) as u32),
            Instr::new(Op::Return1).a(1),
        ];
        assert!(function(&code(&ok), 0, 2).is_ok());
    }

    #[test]
    fn slots_outside_the_frame_are_refused() {
        assert!(rejected(&[Instr::new(Op::I32Add).d(2).a(0).b(1), Instr::new(Op::Return0)], 2));
        assert!(rejected(&[Instr::new(Op::Copy).d(0).a(7), Instr::new(Op::Return0)], 2));
        assert!(rejected(&[Instr::new(Op::ReturnN).a(1).imm(2)], 2));
        assert!(rejected(&[Instr::new(Op::MemoryFill).a(0), Instr::new(Op::Return0)], 2));
        assert!(rejected(&[Instr::new(Op::Select).d(0).a(0).b(1).target(9), Instr::new(Op::Return0)], 2));
    }

    #[test]
    fn branches_leaving_the_function_are_refused() {
        assert!(rejected(&[Instr::new(Op::Jump).target(5)], 1));
        assert!(rejected(&[Instr::new(Op::Return0), Instr::new(Op::Jump).target((-2i32) as u32)], 1));
        assert!(rejected(&[Instr::new(Op::BrNez32).a(0).target(3), Instr::new(Op::Return0)], 1));
        // A table whose entries are missing or are not jumps.
        assert!(rejected(&[Instr::new(Op::BrTable).a(0).imm(1), Instr::new(Op::Jump).target(0)], 1));
        assert!(rejected(
            &[Instr::new(Op::BrTable).a(0).imm(1), Instr::new(Op::Jump), Instr::new(Op::Return0)],
            1
        ));
    }

    #[test]
    fn running_past_the_end_is_refused() {
        assert!(rejected(&[Instr::new(Op::Const32).d(0)], 1));
    }

    #[test]
    fn an_accumulator_value_needs_a_consumer() {
        let out = Instr::new(Op::I32AddImmAccOut).a(0).imm(1);
        assert!(rejected(&[out, Instr::new(Op::Return1).a(0)], 1));
        assert!(!rejected(&[out, Instr::new(Op::I32XorImmAccIn).d(0).imm(3), Instr::new(Op::Return1).a(0)], 1));
    }
}
