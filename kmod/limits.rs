// SPDX-License-Identifier: GPL-2.0

//! The module parameters, read once per load, as the limits a program runs under.

use crate::engine;
use crate::module_parameters as params;

/// What one program may use.
#[derive(Clone, Copy)]
pub(crate) struct ProgramLimits {
    /// Most programs loaded at once.
    pub(crate) max_programs: usize,
    /// Largest program, in bytes.
    pub(crate) max_program_bytes: usize,
    /// Fuel for each call into the program.
    pub(crate) fuel_per_call: u64,
    /// The engine's own limits (memory pages, call depth, stack sizes).
    pub(crate) engine: engine::Limits,
}

/// Value stack slots (8 bytes each) per program: 128 KiB.
const VALUE_STACK_SLOTS: u32 = 16 * 1024;

impl ProgramLimits {
    /// The limits the module parameters currently give.
    pub(crate) fn current() -> Self {
        let max_program_bytes = *params::max_program_bytes.value() as usize;
        let mut engine = engine::Limits::DEFAULT;
        engine.max_module_bytes = max_program_bytes;
        engine.max_memory_pages = *params::max_memory_pages.value();
        engine.max_call_depth = (*params::max_call_depth.value()).max(1);
        engine.max_value_stack = VALUE_STACK_SLOTS;
        Self {
            max_programs: *params::max_programs.value() as usize,
            max_program_bytes,
            fuel_per_call: *params::fuel_per_call.value(),
            engine,
        }
    }
}
