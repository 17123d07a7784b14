//! Clean-ups on a translated function, run before it is verified.
//!
//! Only two rewrites, both of single instructions in place (so no branch
//! target moves):
//! - a `Jump` to a `Jump` goes straight to the final target, and a `Jump`
//!   to a return becomes that return (except `br_table` entries, which
//!   must stay jumps);
//! - `Copy d <- s` followed by `Return1 d` becomes `Return1 s` (the copy's
//!   result dies with the frame), leaving the original return in place for
//!   any other path that reaches it.
//!
//! Threading jumps keeps fuel metering sound: every cycle in the code still
//! contains a jump whose target is at or before the jump itself.

use super::super::buf::Buf;
use super::ops::{Instr, Op};

/// Jumps followed at most, so a cycle of jumps cannot stall translation.
const MAX_THREAD: usize = 8;

fn is_return(op: Op) -> bool {
    matches!(op, Op::Return0 | Op::Return1 | Op::ReturnN)
}

/// Rewrites the function occupying `code[start..]`.
pub(crate) fn function(code: &mut Buf<Instr>, start: usize) {
    // Jumps first, so that the copies before the returns they became fold too.
    thread_jumps(code, start);
    fold_copies_into_returns(code, start);
}

fn thread_jumps(code: &mut Buf<Instr>, start: usize) {
    // `br_table` entries must stay jumps; this is the end of the current table.
    let mut table_end = 0usize;
    for pc in start..code.len() {
        let Some(instr) = code.get(pc).copied() else {
            return;
        };
        let in_table = pc < table_end;
        match instr.op {
            Op::BrTable => {
                let entries = usize::try_from(instr.imm).unwrap_or(usize::MAX).saturating_add(1);
                table_end = pc.saturating_add(1).saturating_add(entries);
            }
            Op::Jump => {
                let mut target = instr.target;
                let mut replacement = None;
                for _ in 0..MAX_THREAD {
                    match usize::try_from(target).ok().filter(|t| *t >= start).and_then(|t| code.get(t)) {
                        Some(next) if next.op == Op::Jump && next.target != target => target = next.target,
                        Some(next) if is_return(next.op) && !in_table => {
                            replacement = Some(*next);
                            break;
                        }
                        _ => break,
                    }
                }
                if let Some(slot) = code.get_mut(pc) {
                    *slot = replacement.unwrap_or(Instr { target, ..instr });
                }
            }
            _ => {}
        }
    }
}

fn fold_copies_into_returns(code: &mut Buf<Instr>, start: usize) {
    for pc in start..code.len() {
        let Some(instr) = code.get(pc).copied().filter(|i| i.op == Op::Copy) else {
            continue;
        };
        let next = pc.checked_add(1).and_then(|n| code.get(n)).copied();
        if let Some(ret) = next.filter(|n| n.op == Op::Return1 && n.a == instr.d) {
            if let Some(slot) = code.get_mut(pc) {
                *slot = Instr { a: instr.a, ..ret };
            }
        }
    }
}
