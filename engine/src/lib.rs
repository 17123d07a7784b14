//! `kwasm-engine`: a `no_std`, allocation-fallible, non-recursive WebAssembly
//! interpreter meant to run inside a Linux kernel module and in user space
//! from the same source.
//!
//! Flow: [`Module::new`] decodes, validates and translates a binary once;
//! a [`Store`] owns everything created at run time (instances, functions,
//! memories, tables, globals); a [`Linker`] maps import names to store items;
//! [`Store::instantiate`] links and initialises a module; [`Store::call`]
//! runs an exported function with a fuel budget.
//!
//! Kernel inclusion: the kernel module includes this file as a submodule
//! (`#[path = "../engine/src/lib.rs"] mod engine;`) and builds with
//! `--cfg kwasm_kernel`, which selects `platform/kernel.rs` and drops the
//! `no_std` attribute (only valid at a crate root; the kernel crate is
//! already `no_std`). All internal paths are relative (`super::`).
#![cfg_attr(not(kwasm_kernel), no_std)]
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::arithmetic_side_effects,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]
#![warn(missing_docs)]
#![allow(clippy::result_large_err)]

#[cfg(test)]
extern crate std;

mod buf;
mod decode;
mod error;
mod exec;
mod instance;
mod linker;
mod limits;
mod module;
#[cfg(test)]
mod oom_tests;
mod platform;
pub mod sort;
mod store;
mod translate;
mod trap;
mod types;
mod validate;

pub use self::buf::{AllocError, Buf};
pub use self::error::{Error, ErrorCategory, ErrorKind, SectionKind};
pub use self::limits::Limits;
pub use self::module::{ExternKind, ExternType, GlobalType, MemoryType, Module, TableType};
pub use self::trap::{Trap, TrapKind};
pub use self::types::{FuncId, FuncType, GlobalId, InstanceId, MemoryId, TableId, ValType, Value};
pub use self::exec::host::{Caller, HostFunc};
pub use self::linker::Linker;
pub use self::store::{Extern, ProgressHook, Store, PAGE_SIZE, PROGRESS_INTERVAL};
