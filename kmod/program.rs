// SPDX-License-Identifier: GPL-2.0

//! One loaded program: its engine store and instance, its name, its counters; loading runs
//! the exported `main(i32, i32) -> i32` once.

use core::fmt;

use kernel::alloc::AllocError;
use kernel::prelude::*;

use crate::engine::{self, Extern, Store, Value, ValType};
use crate::limits::ProgramLimits;
use crate::log;

/// Longest program name, in bytes.
pub(crate) const NAME_MAX: usize = 31;

/// A program name: 1 to 31 bytes of `[A-Za-z0-9_.-]`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Name {
    bytes: [u8; NAME_MAX],
    len: usize,
}

impl Name {
    /// Checks and copies a name.
    pub(crate) fn parse(text: &[u8]) -> Result<Self, LoadError> {
        let ok = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-');
        if text.is_empty() || text.len() > NAME_MAX || !text.iter().all(ok) {
            return Err(LoadError::BadName);
        }
        let mut bytes = [0; NAME_MAX];
        if let Some(dst) = bytes.get_mut(..text.len()) {
            dst.copy_from_slice(text);
        }
        Ok(Self { bytes, len: text.len() })
    }

    /// `prog-<id>`, for programs loaded without a name.
    pub(crate) fn numbered(id: u32) -> Self {
        let mut name = Self { bytes: [0; NAME_MAX], len: 0 };
        let _ = fmt::Write::write_fmt(&mut name, format_args!("prog-{id}"));
        name
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII is ever stored (`parse`, `numbered`).
        core::str::from_utf8(self.as_bytes()).unwrap_or("?")
    }
}

impl fmt::Write for Name {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len.checked_add(s.len()).filter(|&e| e <= NAME_MAX).ok_or(fmt::Error)?;
        self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// `ECANCELED`: the program trapped (the kernel crate has no constant for it).
pub(crate) fn ecanceled() -> Error {
    Error::from_errno(-(kernel::bindings::ECANCELED as i32))
}

/// Why a program was not loaded.
pub(crate) enum LoadError {
    /// The name is empty, too long or has characters other than `[A-Za-z0-9_.-]`.
    BadName,
    /// A program with this name is loaded already.
    NameTaken,
    /// `max_programs` programs are loaded already.
    TooManyPrograms(usize),
    /// The program is larger than `max_program_bytes`.
    TooLarge { bytes: usize, max: usize },
    /// Out of kernel memory.
    NoMemory,
    /// The engine rejected the program (decode, validation, link, instantiation).
    Engine(engine::Error),
    /// `main` is exported with another signature.
    BadMain,
    /// `main` trapped.
    MainTrapped(engine::Trap),
}

impl LoadError {
    /// The errno for this error.
    pub(crate) fn errno(&self) -> Error {
        match self {
            Self::BadName => EINVAL,
            Self::NameTaken => EEXIST,
            Self::TooManyPrograms(_) => ENOSPC,
            Self::TooLarge { .. } => EFBIG,
            Self::NoMemory => ENOMEM,
            Self::Engine(e) if e.category() == engine::ErrorCategory::OutOfMemory => ENOMEM,
            Self::Engine(_) | Self::BadMain => EINVAL,
            // ECANCELED: the program was valid, its initialisation did not complete.
            Self::MainTrapped(_) => ecanceled(),
        }
    }
}

impl From<engine::Error> for LoadError {
    fn from(e: engine::Error) -> Self {
        Self::Engine(e)
    }
}

impl From<AllocError> for LoadError {
    fn from(_: AllocError) -> Self {
        Self::NoMemory
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadName => write!(f, "bad name: use 1 to {NAME_MAX} characters from A-Z a-z 0-9 _ . -"),
            Self::NameTaken => write!(f, "a program with this name is already loaded"),
            Self::TooManyPrograms(n) => write!(f, "{n} programs are loaded already (max_programs)"),
            Self::TooLarge { bytes, max } => write!(f, "program is {bytes} bytes, more than max_program_bytes ({max})"),
            Self::NoMemory => write!(f, "out of kernel memory"),
            Self::Engine(e) => write!(f, "{e}"),
            Self::BadMain => write!(f, "export main must have type (i32, i32) -> i32"),
            Self::MainTrapped(t) => write!(f, "main trapped: {t}"),
        }
    }
}

/// A loaded program.
pub(crate) struct Program {
    // Declared first so it is dropped first: host functions hold a pointer to `name`.
    store: Store,
    /// Boxed so `_debug` can point at it while the program lives.
    name: KBox<Name>,
    pub(crate) id: u32,
    pub(crate) calls: u64,
    pub(crate) traps: u64,
    pub(crate) fuel_used: u64,
    instance: engine::InstanceId,
    fuel_per_call: u64,
}

/// What running `main` gave.
pub(crate) enum MainOutcome {
    /// The program exports no `main`.
    Absent,
    /// `main` returned this value.
    Returned(i32),
}

impl Program {
    /// Validates, instantiates and runs `main`. The program is returned only if all of that
    /// succeeded.
    pub(crate) fn load(wasm: &[u8], name: Name, id: u32, limits: &ProgramLimits) -> Result<(KBox<Self>, MainOutcome), LoadError> {
        if wasm.len() > limits.max_program_bytes {
            return Err(LoadError::TooLarge { bytes: wasm.len(), max: limits.max_program_bytes });
        }
        let module = engine::Module::new(wasm, &limits.engine)?;
        let name = KBox::new(name, GFP_KERNEL)?;
        let mut store = Store::new(limits.engine);
        let mut linker = engine::Linker::new();
        let name_ptr: *const Name = &*name;
        linker.define_host_func(&mut store, "env", "_debug", &[ValType::I32, ValType::I32], &[ValType::I32], debug, name_ptr.cast_mut().cast())?;
        let instance = store.instantiate(module, &linker, limits.fuel_per_call)?;
        let mut program = KBox::new(
            Program { store, name, id, calls: 0, traps: 0, fuel_used: 0, instance, fuel_per_call: limits.fuel_per_call },
            GFP_KERNEL,
        )?;
        let outcome = program.run_main()?;
        Ok((program, outcome))
    }

    fn run_main(&mut self) -> Result<MainOutcome, LoadError> {
        let main = match self.store.export(self.instance, "main") {
            None => return Ok(MainOutcome::Absent),
            Some(Extern::Func(f)) => f,
            Some(_) => return Err(LoadError::BadMain),
        };
        let ty = self.store.func_type(main).ok_or(LoadError::BadMain)?;
        if ty.params() != [ValType::I32, ValType::I32] || ty.results() != [ValType::I32] {
            return Err(LoadError::BadMain);
        }
        let mut result = [Value::I32(0)];
        self.calls = self.calls.saturating_add(1);
        match self.store.call_func(main, &[Value::I32(0), Value::I32(0)], &mut result, self.fuel_per_call) {
            Ok(used) => {
                self.fuel_used = self.fuel_used.saturating_add(used);
                match result {
                    [Value::I32(v)] => Ok(MainOutcome::Returned(v)),
                    _ => Err(LoadError::BadMain),
                }
            }
            Err(trap) => {
                self.traps = self.traps.saturating_add(1);
                Err(LoadError::MainTrapped(trap))
            }
        }
    }

    /// Calls `export` `repeat` times with zero arguments; each call's duration in ns goes to
    /// `times`. Returns the first result of the last call and the fuel used.
    pub(crate) fn call_repeatedly(&mut self, export: &str, repeat: u32, times: &mut KVVec<u64>) -> Result<(i64, u64)> {
        let func = match self.store.export(self.instance, export) {
            Some(Extern::Func(f)) => f,
            _ => return Err(ENOENT),
        };
        let ty = self.store.func_type(func).ok_or(ENOENT)?;
        let mut args = KVec::new();
        for t in ty.params() {
            args.push(match t {
                ValType::I32 => Value::I32(0),
                ValType::I64 => Value::I64(0),
                _ => return Err(EINVAL),
            }, GFP_KERNEL)?;
        }
        let mut results = KVec::new();
        for t in ty.results() {
            results.push(Value::default_of(*t), GFP_KERNEL)?;
        }
        let mut fuel_total = 0u64;
        for _ in 0..repeat {
            let start = kernel::time::Instant::<kernel::time::Monotonic>::now();
            let outcome = self.store.call_func(func, &args, &mut results, self.fuel_per_call);
            let ns = start.elapsed().as_nanos();
            self.calls = self.calls.saturating_add(1);
            match outcome {
                Ok(used) => {
                    self.fuel_used = self.fuel_used.saturating_add(used);
                    fuel_total = fuel_total.saturating_add(used);
                }
                Err(_) => {
                    self.traps = self.traps.saturating_add(1);
                    return Err(ecanceled());
                }
            }
            times.push(u64::try_from(ns).unwrap_or(0), GFP_KERNEL)?;
        }
        let first = match results.first() {
            Some(Value::I32(v)) => i64::from(*v),
            Some(Value::I64(v)) => *v,
            _ => 0,
        };
        Ok((first, fuel_total))
    }

    pub(crate) fn name(&self) -> &Name {
        &self.name
    }

    /// Linear memory size in 64 KiB pages (0 without a memory).
    pub(crate) fn memory_pages(&self) -> u32 {
        self.store
            .instance_memory(self.instance)
            .and_then(|m| self.store.memory_pages(m))
            .unwrap_or(0)
    }
}

/// `env._debug(ptr: i32, len: i32) -> i32`: prints `len` bytes of linear memory at `ptr` as one
/// kernel log line prefixed with the program's name; returns the number of bytes printed.
fn debug(caller: &mut engine::Caller<'_>, params: &[Value], results: &mut [Value]) -> Result<(), engine::Trap> {
    let (Some(Value::I32(ptr)), Some(Value::I32(len))) = (params.first(), params.get(1)) else {
        return Err(engine::Trap::host(0));
    };
    // Both are u32 offsets into linear memory; the slice is bounds-checked.
    let text = caller.slice(*ptr as u32, *len as u32)?;
    // SAFETY: `data` is the `Name` this program's `_debug` was registered with (see
    // `Program::load`); it is boxed, never moved, and outlives the store, which is dropped
    // first (field order of `Program`).
    let name = unsafe { &*caller.data().cast_const().cast::<Name>() };
    log::program_line(name.as_str(), text);
    if let Some(r) = results.first_mut() {
        *r = Value::I32(*len);
    }
    Ok(())
}
