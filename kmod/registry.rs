// SPDX-License-Identifier: GPL-2.0

//! The loaded programs and the module-wide counters, behind one global mutex. Programs are
//! loaded (validated, instantiated, `main` run) outside the lock and only inserted under it.

use kernel::prelude::*;

use crate::limits::ProgramLimits;
use crate::program::{LoadError, MainOutcome, Name, Program};
use crate::{log, uapi};

kernel::sync::global_lock! {
    // SAFETY: `init` runs in the module initializer, before anything else can use the lock.
    unsafe(uninit) static PROGRAMS: Mutex<Registry> = Registry::new();
}

/// Module-wide counters.
#[derive(Clone, Copy, Default)]
pub(crate) struct Counters {
    pub(crate) loaded: u64,
    pub(crate) rejected: u64,
    pub(crate) unloaded: u64,
    pub(crate) traps: u64,
}

pub(crate) struct Registry {
    programs: KVec<KBox<Program>>,
    next_id: u32,
    counters: Counters,
}

impl Registry {
    const fn new() -> Self {
        Self { programs: KVec::new(), next_id: 1, counters: Counters { loaded: 0, rejected: 0, unloaded: 0, traps: 0 } }
    }
}

/// Initializes the registry; called once from the module initializer.
pub(crate) fn init() {
    // SAFETY: called exactly once, from the module initializer, before any other use.
    unsafe { PROGRAMS.init() };
}

/// Loads a program: `name` given, or `prog-<id>`. Logs the outcome either way.
pub(crate) fn load(wasm: &[u8], name: Option<&[u8]>) -> Result<u32, LoadError> {
    let limits = ProgramLimits::current();
    let (id, name) = {
        let mut reg = PROGRAMS.lock();
        let id = reg.next_id;
        reg.next_id = reg.next_id.checked_add(1).unwrap_or(1);
        let name = match name.map(Name::parse).transpose() {
            Ok(n) => n.unwrap_or_else(|| Name::numbered(id)),
            Err(e) => return Err(reject(&mut reg, None, e)),
        };
        if let Err(e) = check_room(&reg, &name, &limits) {
            return Err(reject(&mut reg, Some(&name), e));
        }
        (id, name)
    };
    let loaded = Program::load(wasm, name, id, &limits);
    let mut reg = PROGRAMS.lock();
    let (program, outcome) = match loaded {
        Ok(p) => p,
        Err(e) => {
            if matches!(e, LoadError::MainTrapped(_)) {
                reg.counters.traps = reg.counters.traps.saturating_add(1);
            }
            return Err(reject(&mut reg, Some(&name), e));
        }
    };
    // Another load may have taken the name or the last slot meanwhile.
    if let Err(e) = check_room(&reg, &name, &limits) {
        return Err(reject(&mut reg, Some(&name), e));
    }
    let (fuel, pages) = (program.fuel_used, program.memory_pages());
    if let Err(e) = reg.programs.push(program, GFP_KERNEL) {
        return Err(reject(&mut reg, Some(&name), e.into()));
    }
    reg.counters.loaded = reg.counters.loaded.saturating_add(1);
    drop(reg);
    match outcome {
        MainOutcome::Returned(v) => pr_info!(
            "loaded {} (id {}, {} bytes, {} memory pages): main returned {} using {} fuel\n",
            name.as_str(), id, wasm.len(), pages, v, fuel
        ),
        MainOutcome::Absent => pr_info!("loaded {} (id {}, {} bytes, {} memory pages), no main\n", name.as_str(), id, wasm.len(), pages),
    }
    Ok(id)
}

fn check_room(reg: &Registry, name: &Name, limits: &ProgramLimits) -> Result<(), LoadError> {
    if reg.programs.iter().any(|p| p.name() == name) {
        return Err(LoadError::NameTaken);
    }
    if reg.programs.len() >= limits.max_programs {
        return Err(LoadError::TooManyPrograms(reg.programs.len()));
    }
    Ok(())
}

/// Counts and logs a load refused before it reached the registry (e.g. too large to copy).
pub(crate) fn refuse(name: Option<&[u8]>, e: LoadError) -> LoadError {
    let name = name.and_then(|n| Name::parse(n).ok());
    reject(&mut PROGRAMS.lock(), name.as_ref(), e)
}

/// Counts and logs a rejected load; returns the error for the caller.
fn reject(reg: &mut Registry, name: Option<&Name>, e: LoadError) -> LoadError {
    reg.counters.rejected = reg.counters.rejected.saturating_add(1);
    match name {
        Some(n) => log::warn(format_args!("load {} rejected: {}", n.as_str(), e)),
        None => log::warn(format_args!("load rejected: {}", e)),
    }
    e
}

/// Which program to unload.
pub(crate) enum Selector<'a> {
    Id(u32),
    Name(&'a [u8]),
}

impl Selector<'_> {
    /// Builds a selector from an ioctl's id and name fields: by id when it is not 0.
    pub(crate) fn from_fields(id: u32, name: &uapi::NameField) -> Result<Selector<'_>> {
        match (id, uapi::name_of(name)) {
            (0, Some(name)) => Ok(Selector::Name(name)),
            (0, None) => Err(EINVAL),
            (id, _) => Ok(Selector::Id(id)),
        }
    }

    fn matches(&self, p: &Program) -> bool {
        match *self {
            Selector::Id(id) => p.id == id,
            Selector::Name(n) => p.name().as_bytes() == n,
        }
    }
}

/// Unloads one program; returns its name.
pub(crate) fn unload(which: Selector<'_>) -> Result<Name> {
    let program = {
        let mut reg = PROGRAMS.lock();
        let index = reg.programs.iter().position(|p| which.matches(p)).ok_or(ENOENT)?;
        let program = reg.programs.remove(index).map_err(|_| ENOENT)?;
        reg.counters.unloaded = reg.counters.unloaded.saturating_add(1);
        program
    };
    let name = *program.name();
    // Freed outside the lock.
    drop(program);
    pr_info!("unloaded {}\n", name.as_str());
    Ok(name)
}

/// Runs `f` on one program, under the registry lock.
pub(crate) fn with_program<R>(which: Selector<'_>, f: impl FnOnce(&mut Program) -> Result<R>) -> Result<R> {
    let mut reg = PROGRAMS.lock();
    let program = reg.programs.iter_mut().find(|p| which.matches(p)).ok_or(ENOENT)?;
    let traps = program.traps;
    let result = f(program);
    let new_traps = program.traps.saturating_sub(traps);
    reg.counters.traps = reg.counters.traps.saturating_add(new_traps);
    result
}

/// Unloads everything (module exit); returns how many programs there were.
pub(crate) fn unload_all() -> usize {
    let programs = core::mem::replace(&mut PROGRAMS.lock().programs, KVec::new());
    programs.len()
}

/// Fills `out` with the loaded programs; returns how many are loaded in total.
pub(crate) fn list(out: &mut KVec<uapi::ProgramInfo>) -> Result<usize> {
    let reg = PROGRAMS.lock();
    for p in reg.programs.iter() {
        out.push(uapi::ProgramInfo::of(p), GFP_KERNEL)?;
    }
    Ok(reg.programs.len())
}

/// The module-wide counters and the number of programs loaded.
pub(crate) fn counters() -> (Counters, usize) {
    let reg = PROGRAMS.lock();
    (reg.counters, reg.programs.len())
}
