//! The `spectest` host module every spec script may import from.

use kwasm_engine::{Caller, Error, Extern, Linker, Store, Trap, ValType, Value};

fn print(_caller: &mut Caller<'_>, _params: &[Value], _results: &mut [Value]) -> Result<(), Trap> {
    Ok(())
}

/// Defines `spectest.*` in `linker`: the print functions (which do nothing),
/// `global_i32`/`global_i64` = 666, `global_f32`/`global_f64` = 666.6 as raw
/// bits, a table of 10..20 funcref and a memory of 1..2 pages.
#[allow(clippy::result_large_err)] // the engine's own error type, as in its API
pub fn define(store: &mut Store, linker: &mut Linker) -> Result<(), Error> {
    use ValType::*;
    let prints: [(&str, &[ValType]); 7] = [
        ("print", &[]),
        ("print_i32", &[I32]),
        ("print_i64", &[I64]),
        ("print_f32", &[F32]),
        ("print_f64", &[F64]),
        ("print_i32_f32", &[I32, F32]),
        ("print_f64_f64", &[F64, F64]),
    ];
    for (name, params) in prints {
        linker.define_host_func(store, "spectest", name, params, &[], print, core::ptr::null_mut())?;
    }
    let globals = [
        ("global_i32", Value::I32(666)),
        ("global_i64", Value::I64(666)),
        ("global_f32", Value::F32(666.6f32.to_bits())),
        ("global_f64", Value::F64(666.6f64.to_bits())),
    ];
    for (name, value) in globals {
        let g = store.new_global(value, false)?;
        linker.define("spectest", name, Extern::Global(g))?;
    }
    let table = store.new_table(FuncRef, 10, Some(20))?;
    linker.define("spectest", "table", Extern::Table(table))?;
    let memory = store.new_memory(1, Some(2))?;
    linker.define("spectest", "memory", Extern::Memory(memory))?;
    Ok(())
}
