//! The hot path: instructions that touch only the frame, linear memory,
//! globals and the call stack of one instance, run as threaded code.
//!
//! Every instruction has its own handler function, and each handler ends by
//! looking up and calling the next instruction's handler itself. Compared
//! with one `match` in a loop, this gives every instruction its own
//! indirect branch, which the CPU predicts far better (one shared dispatch
//! branch cost about 2 ns per instruction on the machines we measured).
//! Those calls are in tail position, so an optimising compiler turns them
//! into jumps; Rust cannot promise that, so each entry into [`run`] also
//! carries an instruction budget: after [`BUDGET`] instructions the chain
//! returns to the caller, which re-enters. Even if no call became a jump,
//! native stack use stays bounded by `BUDGET` handler frames.
//!
//! Everything else (calls into other instances or the host, tables, memory
//! growth, bulk operations, the outermost return) leaves through
//! [`Exit::Slow`] and is carried out by the caller.

use super::super::buf::Buf;
use super::super::module::FuncBody;
use super::super::store::{idx, Frame, FuncEntry, FuncKind, Global, PROGRESS_INTERVAL};
use super::super::trap::TrapKind;
use super::super::translate::ops::Instr;

const PROGRESS_MASK: u64 = PROGRESS_INTERVAL.wrapping_sub(1);

/// Instructions one entry into [`run`] executes at most.
const BUDGET: u32 = 64;

/// Why [`run`] stopped. `Machine::ip` and `Machine::frame` say where.
/// (A plain enum, so that handlers return it in one register: a payload
/// would keep the compiler from turning the handler calls into jumps.)
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(super) enum Exit {
    /// `ip` points at an instruction this path does not execute.
    Slow,
    /// Execution trapped with `Machine::trap`.
    Trap,
    /// A loop iteration used the fuel unit at a progress boundary; `ip` is
    /// where to continue after the progress hook has run.
    Progress,
    /// The instruction budget ran out; continue at `ip`.
    Budget,
    /// The outermost function returned; its results are in the first slots
    /// of the value stack.
    Done,
}

/// The machine state handlers share (what does not travel in registers).
pub(super) struct Machine<'a> {
    /// Where execution stopped, and the frame it stopped in.
    pub(super) ip: *const Instr,
    pub(super) frame: *mut u64,
    /// Start of the running module's code (branch targets are relative to it).
    pub(super) code: *const Instr,
    /// Length of the running module's code.
    pub(super) code_len: usize,
    /// Length of the running instance's memory.
    pub(super) mem_len: usize,
    /// The accumulator, while execution is outside the handlers.
    pub(super) acc: u64,
    /// Fuel left.
    pub(super) fuel: u64,
    /// Why execution trapped (when [`run`] returns [`Exit::Trap`]).
    pub(super) trap: TrapKind,
    /// The store's functions.
    pub(super) funcs: &'a [FuncEntry],
    /// Code locations of the running module's own functions, and the number
    /// of imported functions before them in its function index space.
    pub(super) bodies: &'a [FuncBody],
    pub(super) imported_funcs: u32,
    /// Store function ids of the running instance's function index space.
    pub(super) instance_funcs: &'a [u32],
    pub(super) instance: u32,
    pub(super) module: u32,
    /// Store global ids of the running instance's global index space.
    pub(super) instance_globals: &'a [u32],
    /// The store's globals.
    pub(super) globals: &'a mut [Global],
    pub(super) frames: &'a mut Buf<Frame>,
    pub(super) max_depth: usize,
    /// The value stack.
    pub(super) stack_base: *mut u64,
    pub(super) stack_len: usize,
}

/// Runs from `m.ip` until an instruction needs the slow path, a trap, a
/// progress check or the end of the budget.
///
/// # Safety
///
/// `m.ip` must point into verified code (see `translate::verify`) that
/// starts at `m.code` and is `m.code_len` long; `m.frame` must be the base
/// of the running function's frame, inside the value stack
/// `m.stack_base..m.stack_base + m.stack_len` and at least `frame_slots`
/// long; `mem` must point to `m.mem_len` bytes of writable memory; `m` must
/// describe the running instance. None of them may be accessed through
/// other pointers while this runs.
pub(super) unsafe fn run(m: &mut Machine<'_>, mem: *mut u8) -> Exit {
    let (ip, frame, acc) = (m.ip, m.frame, m.acc);
    // SAFETY: `ip` points at a verified instruction (this function's contract).
    let op = unsafe { (*ip).op };
    let handler = HANDLERS.get(usize::from(op as u16)).copied().unwrap_or(slow);
    // SAFETY: this function's contract is the handlers' contract.
    unsafe { handler(ip, frame, mem, acc, m, BUDGET) }
}

/// A handler: executes the instruction at `ip` and continues with the next.
/// Its arguments are the machine state that lives in registers: `ip`,
/// the frame, the memory, the accumulator, the rest of the machine and the
/// instruction budget left (six arguments: all in registers, so the calls
/// between handlers can be jumps). Fuel stays in the machine: measured, a
/// counter in memory was faster here than sharing the budget's register.
///
/// Safety contract (for every handler): as for [`run`].
type Handler = unsafe fn(*const Instr, *mut u64, *mut u8, u64, &mut Machine<'_>, u32) -> Exit;

/// What an instruction does next.
enum Flow {
    /// The following instruction.
    Next,
    /// Branch by this many instructions (`target` as an `i32`; a backward
    /// branch costs fuel).
    Jump(u32),
    /// Continue at this instruction (calls, returns, `br_table`).
    At(*const Instr),
    /// Trap.
    Trap(TrapKind),
    /// Stop.
    Leave(Exit),
}

/// One handler's view of the machine; it lives in registers.
struct State<'m, 'a> {
    ip: *const Instr,
    frame: *mut u64,
    mem: *mut u8,
    acc: u64,
    budget: u32,
    m: &'m mut Machine<'a>,
}

/// Records where execution stopped and returns `exit`.
fn leave(m: &mut Machine<'_>, ip: *const Instr, frame: *mut u64, acc: u64, exit: Exit) -> Exit {
    m.ip = ip;
    m.frame = frame;
    m.acc = acc;
    exit
}

/// Finishes a handler: works out the next instruction and calls its handler.
#[inline(always)]
unsafe fn proceed(s: State<'_, '_>, flow: Flow) -> Exit {
    let State { ip, frame, mem, acc, budget, m } = s;
    let next = match flow {
        Flow::Next => ip.wrapping_add(1),
        Flow::At(next) => next,
        Flow::Jump(offset) => {
            // Targets are relative to the branch; zero or less is a loop iteration.
            let offset = offset as i32;
            let target = ip.wrapping_offset(offset as isize);
            if offset <= 0 {
                if m.fuel == 0 {
                    m.trap = TrapKind::OutOfFuel;
                    return leave(m, ip, frame, acc, Exit::Trap);
                }
                m.fuel = m.fuel.wrapping_sub(1);
                if m.fuel & PROGRESS_MASK == 0 {
                    return leave(m, target, frame, acc, Exit::Progress);
                }
            }
            target
        }
        Flow::Trap(kind) => {
            m.trap = kind;
            return leave(m, ip, frame, acc, Exit::Trap);
        }
        Flow::Leave(exit) => return leave(m, ip, frame, acc, exit),
    };
    if budget == 0 {
        return leave(m, next, frame, acc, Exit::Budget);
    }
    // SAFETY: `next` is a verified instruction: execution moves on only past
    // instructions that are not their function's last (a function's last
    // instruction always jumps, returns or traps), jumps only to targets the
    // verifier found inside the function (`br_table` entries included), and
    // calls and returns go to function starts and to the instruction after a
    // call (never a function's last).
    let op = unsafe { (*next).op };
    let handler = HANDLERS.get(usize::from(op as u16)).copied().unwrap_or(slow);
    // SAFETY: the contract this handler was entered with, for `next`.
    unsafe { handler(next, frame, mem, acc, m, budget.wrapping_sub(1)) }
}

macro_rules! handler {
    ($name:ident, |$s:ident, $i:ident| $body:expr) => {
        #[allow(non_snake_case, unused_variables)]
        unsafe fn $name(ip: *const Instr, frame: *mut u64, mem: *mut u8, acc: u64, m: &mut Machine<'_>, budget: u32) -> Exit {
            // SAFETY: handlers are entered with `ip` at a verified instruction.
            let $i: Instr = unsafe { *ip };
            let mut state = State { ip, frame, mem, acc, budget, m };
            let flow: Flow = {
                let $s = &mut state;
                $body
            };
            // SAFETY: the contract this handler was entered with.
            unsafe { proceed(state, flow) }
        }
    };
}

// The handlers themselves, defined with the macro above (which must come first).
mod handlers;
use self::handlers::HANDLERS;

/// Handler for instructions executed by the slow path.
unsafe fn slow(ip: *const Instr, frame: *mut u64, _mem: *mut u8, acc: u64, m: &mut Machine<'_>, _budget: u32) -> Exit {
    leave(m, ip, frame, acc, Exit::Slow)
}

impl State<'_, '_> {
    #[inline(always)]
    fn get(&self, slot: u16) -> u64 {
        // SAFETY: the verifier checked that every slot an instruction names is
        // below its function's `frame_slots`, and the frame has that many
        // slots (the handler contract).
        unsafe { *self.frame.add(usize::from(slot)) }
    }

    #[inline(always)]
    fn set(&mut self, slot: u16, v: u64) {
        // SAFETY: as in `get`.
        unsafe { *self.frame.add(usize::from(slot)) = v }
    }

    /// The first operand: slot `a`, or the accumulator.
    #[inline(always)]
    fn first<const FROM_ACC: bool>(&self, i: Instr) -> u64 {
        if FROM_ACC {
            self.acc
        } else {
            self.get(i.a)
        }
    }

    /// Stores a result: to slot `d`, or the accumulator.
    #[inline(always)]
    fn put<const TO_ACC: bool>(&mut self, i: Instr, v: u64) {
        if TO_ACC {
            self.acc = v;
        } else {
            self.set(i.d, v);
        }
    }

    #[inline(always)]
    fn un32<const IN: bool, const OUT: bool>(&mut self, i: Instr, f: impl FnOnce(u32) -> u32) -> Flow {
        let x = self.first::<IN>(i) as u32;
        self.put::<OUT>(i, u64::from(f(x)));
        Flow::Next
    }

    #[inline(always)]
    fn un64<const IN: bool, const OUT: bool>(&mut self, i: Instr, f: impl FnOnce(u64) -> u64) -> Flow {
        let x = self.first::<IN>(i);
        self.put::<OUT>(i, f(x));
        Flow::Next
    }

    #[inline(always)]
    fn bin32<const IN: bool, const OUT: bool>(&mut self, i: Instr, f: impl FnOnce(u32, u32) -> u32) -> Flow {
        let (x, y) = (self.first::<IN>(i) as u32, self.get(i.b) as u32);
        self.put::<OUT>(i, u64::from(f(x, y)));
        Flow::Next
    }

    #[inline(always)]
    fn bin32_imm<const IN: bool, const OUT: bool>(&mut self, i: Instr, f: impl FnOnce(u32, u32) -> u32) -> Flow {
        let x = self.first::<IN>(i) as u32;
        self.put::<OUT>(i, u64::from(f(x, i.imm)));
        Flow::Next
    }

    #[inline(always)]
    fn bin32_try<const IN: bool, const OUT: bool>(&mut self, i: Instr, f: impl FnOnce(u32, u32) -> Result<u32, TrapKind>) -> Flow {
        let (x, y) = (self.first::<IN>(i) as u32, self.get(i.b) as u32);
        match f(x, y) {
            Ok(v) => {
                self.put::<OUT>(i, u64::from(v));
                Flow::Next
            }
            Err(kind) => Flow::Trap(kind),
        }
    }

    #[inline(always)]
    fn bin32_imm_try<const IN: bool, const OUT: bool>(
        &mut self,
        i: Instr,
        f: impl FnOnce(u32, u32) -> Result<u32, TrapKind>,
    ) -> Flow {
        let x = self.first::<IN>(i) as u32;
        match f(x, i.imm) {
            Ok(v) => {
                self.put::<OUT>(i, u64::from(v));
                Flow::Next
            }
            Err(kind) => Flow::Trap(kind),
        }
    }

    #[inline(always)]
    fn bin64<const IN: bool, const OUT: bool>(&mut self, i: Instr, f: impl FnOnce(u64, u64) -> u64) -> Flow {
        let (x, y) = (self.first::<IN>(i), self.get(i.b));
        self.put::<OUT>(i, f(x, y));
        Flow::Next
    }

    /// The i64 immediate: `imm` sign-extended.
    #[inline(always)]
    fn imm64(i: Instr) -> u64 {
        i64::from(i.imm as i32) as u64
    }

    #[inline(always)]
    fn bin64_imm<const IN: bool, const OUT: bool>(&mut self, i: Instr, f: impl FnOnce(u64, u64) -> u64) -> Flow {
        let x = self.first::<IN>(i);
        self.put::<OUT>(i, f(x, Self::imm64(i)));
        Flow::Next
    }

    #[inline(always)]
    fn bin64_try<const IN: bool, const OUT: bool>(&mut self, i: Instr, f: impl FnOnce(u64, u64) -> Result<u64, TrapKind>) -> Flow {
        let (x, y) = (self.first::<IN>(i), self.get(i.b));
        match f(x, y) {
            Ok(v) => {
                self.put::<OUT>(i, v);
                Flow::Next
            }
            Err(kind) => Flow::Trap(kind),
        }
    }

    #[inline(always)]
    fn bin64_imm_try<const IN: bool, const OUT: bool>(
        &mut self,
        i: Instr,
        f: impl FnOnce(u64, u64) -> Result<u64, TrapKind>,
    ) -> Flow {
        let x = self.first::<IN>(i);
        match f(x, Self::imm64(i)) {
            Ok(v) => {
                self.put::<OUT>(i, v);
                Flow::Next
            }
            Err(kind) => Flow::Trap(kind),
        }
    }

    #[inline(always)]
    fn cmp32(&mut self, i: Instr, f: impl FnOnce(u32, u32) -> bool) -> Flow {
        self.bin32::<false, false>(i, |x, y| u32::from(f(x, y)))
    }

    #[inline(always)]
    fn cmp32_imm(&mut self, i: Instr, f: impl FnOnce(u32, u32) -> bool) -> Flow {
        self.bin32_imm::<false, false>(i, |x, y| u32::from(f(x, y)))
    }

    #[inline(always)]
    fn cmp64(&mut self, i: Instr, f: impl FnOnce(u64, u64) -> bool) -> Flow {
        self.bin64::<false, false>(i, |x, y| u64::from(f(x, y)))
    }

    #[inline(always)]
    fn cmp64_imm(&mut self, i: Instr, f: impl FnOnce(u64, u64) -> bool) -> Flow {
        self.bin64_imm::<false, false>(i, |x, y| u64::from(f(x, y)))
    }

    #[inline(always)]
    fn branch_if(taken: bool, i: Instr) -> Flow {
        if taken {
            Flow::Jump(i.target)
        } else {
            Flow::Next
        }
    }

    #[inline(always)]
    fn br32(&mut self, i: Instr, f: impl FnOnce(u32, u32) -> bool) -> Flow {
        Self::branch_if(f(self.get(i.a) as u32, self.get(i.b) as u32), i)
    }

    #[inline(always)]
    fn br32_imm(&mut self, i: Instr, f: impl FnOnce(u32, u32) -> bool) -> Flow {
        Self::branch_if(f(self.get(i.a) as u32, i.imm), i)
    }

    #[inline(always)]
    fn br64(&mut self, i: Instr, f: impl FnOnce(u64, u64) -> bool) -> Flow {
        Self::branch_if(f(self.get(i.a), self.get(i.b)), i)
    }

    #[inline(always)]
    fn br64_imm(&mut self, i: Instr, f: impl FnOnce(u64, u64) -> bool) -> Flow {
        Self::branch_if(f(self.get(i.a), Self::imm64(i)), i)
    }

    /// `d = a + imm`, then branch if `taken(new value, slot b)`.
    #[inline(always)]
    fn add_imm_branch(&mut self, i: Instr, taken: impl FnOnce(u32, u32) -> bool) -> Flow {
        let v = (self.get(i.a) as u32).wrapping_add(i.imm);
        self.set(i.d, u64::from(v));
        let y = self.get(i.b) as u32;
        Self::branch_if(taken(v, y), i)
    }

    /// `d = a + imm`, then branch if `taken(new value, b zero-extended)`.
    #[inline(always)]
    fn add_imm_compare_unsigned(&mut self, i: Instr, taken: impl FnOnce(u32, u32) -> bool) -> Flow {
        let v = (self.get(i.a) as u32).wrapping_add(i.imm);
        self.set(i.d, u64::from(v));
        Self::branch_if(taken(v, u32::from(i.b)), i)
    }

    /// `d = a + imm`, then branch if `taken(new value, b sign-extended)`.
    #[inline(always)]
    fn add_imm_compare_signed(&mut self, i: Instr, taken: impl FnOnce(u32, u32) -> bool) -> Flow {
        let v = (self.get(i.a) as u32).wrapping_add(i.imm);
        self.set(i.d, u64::from(v));
        Self::branch_if(taken(v, i32::from(i.b as i16) as u32), i)
    }

    /// `d = a + imm`, then branch if `taken(new value)`.
    #[inline(always)]
    fn add_imm_test(&mut self, i: Instr, taken: impl FnOnce(u32) -> bool) -> Flow {
        let v = (self.get(i.a) as u32).wrapping_add(i.imm);
        self.set(i.d, u64::from(v));
        Self::branch_if(taken(v), i)
    }

    /// The checked start of the memory access `[base + imm, base + imm + n)`.
    #[inline(always)]
    fn address(&self, base: u64, i: Instr, n: usize) -> Option<usize> {
        let at = u64::from(base as u32).wrapping_add(u64::from(i.imm));
        if at.wrapping_add(n as u64) > self.m.mem_len as u64 {
            return None;
        }
        Some(at as usize)
    }

    #[inline(always)]
    fn load<const N: usize, const IN: bool, const OUT: bool>(&mut self, i: Instr, f: impl FnOnce([u8; N]) -> u64) -> Flow {
        let Some(at) = self.address(self.first::<IN>(i), i, N) else {
            return Flow::Trap(TrapKind::MemoryOutOfBounds);
        };
        // SAFETY: `at + N <= mem_len` was just checked and `mem` points to
        // `m.mem_len` bytes (the handler contract).
        let bytes: [u8; N] = unsafe { core::ptr::read_unaligned(self.mem.add(at).cast::<[u8; N]>()) };
        self.put::<OUT>(i, f(bytes));
        Flow::Next
    }

    #[inline(always)]
    fn store<const N: usize>(&mut self, i: Instr, f: impl FnOnce(u64) -> [u8; N]) -> Flow {
        let Some(at) = self.address(self.get(i.a), i, N) else {
            return Flow::Trap(TrapKind::MemoryOutOfBounds);
        };
        let bytes = f(self.get(i.b));
        // SAFETY: as in `load`.
        unsafe { core::ptr::write_unaligned(self.mem.add(at).cast::<[u8; N]>(), bytes) };
        Flow::Next
    }

    /// Stores the constant in `target` (sign-extended to 64 bits).
    #[inline(always)]
    fn store_imm<const N: usize>(&mut self, i: Instr, f: impl FnOnce(u64) -> [u8; N]) -> Flow {
        let Some(at) = self.address(self.get(i.a), i, N) else {
            return Flow::Trap(TrapKind::MemoryOutOfBounds);
        };
        let bytes = f(i64::from(i.target as i32) as u64);
        // SAFETY: as in `load`.
        unsafe { core::ptr::write_unaligned(self.mem.add(at).cast::<[u8; N]>(), bytes) };
        Flow::Next
    }

    /// A call to a wasm function of the running module, or `None` to take
    /// the slow path (other callees, and every failure, which the slow path
    /// turns into the right trap).
    #[inline(always)]
    fn call(&mut self, i: Instr) -> Option<Flow> {
        let m = &*self.m;
        let entry = m.instance_funcs.get(idx(i.imm)).and_then(|f| m.funcs.get(idx(*f)))?;
        let FuncKind::Wasm { instance, module, body } = entry.kind else {
            return None;
        };
        if instance != m.instance || module != m.module {
            return None;
        }
        self.enter(body)
    }

    /// A call to a function the running module defines.
    #[inline(always)]
    fn call_internal(&mut self, i: Instr) -> Option<Flow> {
        let body = *self.m.bodies.get(idx(i.imm.wrapping_sub(self.m.imported_funcs)))?;
        self.enter(body)
    }

    /// Pushes the caller's frame and enters `body` (of the running module),
    /// whose arguments start at slot `a` of the current instruction.
    #[inline(always)]
    fn enter(&mut self, body: FuncBody) -> Option<Flow> {
        // SAFETY: handlers are entered with `ip` at a verified instruction.
        let i = unsafe { *self.ip };
        let m = &mut *self.m;
        let fp = elements_between(m.stack_base, self.frame);
        let callee_fp = fp.wrapping_add(usize::from(i.a));
        let fits = callee_fp.checked_add(idx(body.frame_slots)).is_some_and(|end| end <= m.stack_len);
        // A call at a progress boundary goes the slow way, which runs the hook.
        let progress_due = m.fuel.wrapping_sub(1) & PROGRESS_MASK == 0;
        if !fits || idx(body.start) >= m.code_len || m.frames.len() >= m.max_depth || m.fuel == 0 || progress_due {
            return None;
        }
        let pc = elements_between(m.code, self.ip);
        let caller = Frame {
            return_pc: u32::try_from(pc.wrapping_add(1)).unwrap_or(u32::MAX),
            fp: u32::try_from(fp).unwrap_or(u32::MAX),
            instance: m.instance,
            module: m.module,
        };
        // The call stack was reserved to `max_depth` frames when the invocation began.
        m.frames.push_within_capacity(caller).ok()?;
        m.fuel = m.fuel.wrapping_sub(1);
        // SAFETY: `callee_fp + frame_slots <= stack_len` was checked above.
        self.frame = unsafe { m.stack_base.add(callee_fp) };
        if body.extra_locals > 0 {
            // SAFETY: the locals after the parameters are inside the callee's frame.
            unsafe { core::ptr::write_bytes(self.frame.add(idx(body.params)), 0, idx(body.extra_locals)) };
        }
        Some(Flow::At(m.code.wrapping_add(idx(body.start))))
    }

    /// A return to a caller in the running module (or the end of the
    /// invocation), or `None` to take the slow path (cross-instance returns).
    ///
    /// `VALUES`: 0 or 1 for `Return0`/`Return1`, 2 for `ReturnN` (a
    /// parameter, so that each return handler is compiled for its case).
    #[inline(always)]
    fn ret<const VALUES: u8>(&mut self, i: Instr) -> Option<Flow> {
        let caller = self.m.frames.as_slice().last().copied();
        if caller.is_some_and(|c| c.instance != self.m.instance || c.module != self.m.module) {
            return None;
        }
        match VALUES {
            0 => {}
            1 => self.set(0, self.get(i.a)),
            _ => {
                // Values move down (or stay), so copying upwards is safe.
                for k in 0..i.imm {
                    let k = k as u16;
                    self.set(k, self.get(i.a.wrapping_add(k)));
                }
            }
        }
        let Some(caller) = caller else {
            // The outermost frame starts at the bottom of the value stack,
            // so the results are where the invocation expects them.
            return Some(Flow::Leave(Exit::Done));
        };
        self.m.frames.pop();
        // SAFETY: the caller's frame was checked to fit in the stack when it
        // was entered, and the stack does not move.
        self.frame = unsafe { self.m.stack_base.add(idx(caller.fp)) };
        // A return lands after a call in the same module's verified code.
        Some(Flow::At(self.m.code.wrapping_add(idx(caller.return_pc))))
    }
}

/// How many `T`s lie between `base` and `at` (`at` not before `base`).
pub(super) fn elements_between<T>(base: *const T, at: *const T) -> usize {
    (at as usize).wrapping_sub(base as usize).checked_div(core::mem::size_of::<T>()).unwrap_or(0)
}

pub(super) fn div_s32(x: u32, y: u32) -> Result<u32, TrapKind> {
    if y == 0 {
        return Err(TrapKind::IntegerDivideByZero);
    }
    (x as i32).checked_div(y as i32).map(|r| r as u32).ok_or(TrapKind::IntegerOverflow)
}

pub(super) fn rem_s32(x: u32, y: u32) -> Result<u32, TrapKind> {
    if y == 0 {
        return Err(TrapKind::IntegerDivideByZero);
    }
    Ok((x as i32).checked_rem(y as i32).unwrap_or(0) as u32)
}

pub(super) fn div_s64(x: u64, y: u64) -> Result<u64, TrapKind> {
    if y == 0 {
        return Err(TrapKind::IntegerDivideByZero);
    }
    (x as i64).checked_div(y as i64).map(|r| r as u64).ok_or(TrapKind::IntegerOverflow)
}

pub(super) fn rem_s64(x: u64, y: u64) -> Result<u64, TrapKind> {
    if y == 0 {
        return Err(TrapKind::IntegerDivideByZero);
    }
    Ok((x as i64).checked_rem(y as i64).unwrap_or(0) as u64)
}
