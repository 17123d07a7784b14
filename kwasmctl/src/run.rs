//! `kwasmctl run`: runs a program in user space on the same engine and with the same host
//! ABI as the kernel (`env._debug` prints a line to stdout), to try it before loading it.

use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use kwasm_engine::{Caller, Extern, Limits, Linker, Module, Store, Trap, ValType, Value};

/// The kernel module's defaults (kmod/limits.rs and its module parameters), so a program
/// that runs here runs there.
pub const DEFAULT_FUEL: u64 = 10_000_000;
fn kernel_limits() -> Limits {
    let mut limits = Limits::DEFAULT;
    limits.max_module_bytes = 8 * 1024 * 1024;
    limits.max_memory_pages = 256;
    limits.max_call_depth = 1024;
    limits.max_value_stack = 16 * 1024;
    limits
}

/// `env._debug(ptr, len) -> i32`: prints the bytes as one line on stdout.
fn debug(caller: &mut Caller<'_>, params: &[Value], results: &mut [Value]) -> Result<(), Trap> {
    let (Some(Value::I32(ptr)), Some(Value::I32(len))) = (params.first(), params.get(1)) else {
        return Err(Trap::host(0));
    };
    let text = caller.slice(*ptr as u32, *len as u32)?;
    println!("{}", String::from_utf8_lossy(text));
    if let Some(r) = results.first_mut() {
        *r = Value::I32(*len);
    }
    Ok(())
}

/// Runs `export` (default `main(0, 0)`) with `args`; prints the results. Errors name what
/// went wrong: decoding, validation, linking, a trap.
pub fn run(file: &Path, export: Option<&str>, args: &[String], fuel: u64) -> Result<()> {
    let wasm = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let limits = kernel_limits();
    let module = Module::new(&wasm, &limits).map_err(|e| anyhow!("{}: {e}", file.display()))?;
    let mut store = Store::new(limits);
    let mut linker = Linker::new();
    linker
        .define_host_func(&mut store, "env", "_debug", &[ValType::I32, ValType::I32], &[ValType::I32], debug, std::ptr::null_mut())
        .map_err(|e| anyhow!("{e}"))?;
    let instance = store.instantiate(module, &linker, fuel).map_err(|e| anyhow!("{}: {e}", file.display()))?;
    let name = export.unwrap_or("main");
    let func = match store.export(instance, name) {
        Some(Extern::Func(f)) => f,
        Some(_) => bail!("{}: export {name} is not a function", file.display()),
        None if export.is_none() => {
            println!("{}: instantiated; it exports no main", file.display());
            return Ok(());
        }
        None => bail!("{}: no exported function {name}", file.display()),
    };
    let ty = store.func_type(func).context("function type")?;
    let (params, result_types) = (ty.params().to_vec(), ty.results().to_vec());
    let values = if export.is_none() && args.is_empty() && params == [ValType::I32, ValType::I32] {
        vec![Value::I32(0), Value::I32(0)]
    } else {
        parse_args(name, &params, args)?
    };
    let mut results: Vec<Value> = result_types.iter().map(|t| Value::default_of(*t)).collect();
    let used = store.call_func(func, &values, &mut results, fuel).map_err(|t| anyhow!("{name} trapped: {t}"))?;
    let shown: Vec<String> = results.iter().map(show).collect();
    println!("{name} returned {} (fuel used: {used})", if shown.is_empty() { "nothing".to_string() } else { shown.join(", ") });
    Ok(())
}

fn parse_args(name: &str, params: &[ValType], args: &[String]) -> Result<Vec<Value>> {
    if params.len() != args.len() {
        bail!("{name} takes {} argument(s) ({}), {} given", params.len(), types(params), args.len());
    }
    params
        .iter()
        .zip(args)
        .enumerate()
        .map(|(i, (ty, text))| {
            let bad = || anyhow!("argument {} of {name}: {text:?} is not a valid {}", i + 1, type_name(*ty));
            Ok(match ty {
                ValType::I32 => Value::I32(parse_int::<i32, u32>(text).ok_or_else(bad)?),
                ValType::I64 => Value::I64(parse_int::<i64, u64>(text).ok_or_else(bad)?),
                other => bail!("{name} takes a {} argument, which kwasmctl cannot pass yet", type_name(*other)),
            })
        })
        .collect()
}

/// Signed or unsigned decimal (e.g. -1 or 4294967295 for the same i32).
fn parse_int<S, U>(text: &str) -> Option<S>
where
    S: std::str::FromStr + TryFrom<i128>,
    U: std::str::FromStr + Into<u64>,
{
    if let Ok(v) = text.parse::<S>() {
        return Some(v);
    }
    let u: u64 = text.parse::<U>().ok()?.into();
    let bits = (std::mem::size_of::<S>() * 8) as u32;
    let signed = if bits == 64 { u as i64 as i128 } else { u as u32 as i32 as i128 };
    S::try_from(signed).ok()
}

fn types(params: &[ValType]) -> String {
    params.iter().map(|t| type_name(*t)).collect::<Vec<_>>().join(", ")
}

fn type_name(ty: ValType) -> &'static str {
    ty.name()
}

fn show(v: &Value) -> String {
    match v {
        Value::I32(x) => x.to_string(),
        Value::I64(x) => x.to_string(),
        Value::F32(bits) => format!("f32 bits {bits:#010x}"),
        Value::F64(bits) => format!("f64 bits {bits:#018x}"),
        Value::FuncRef(f) => if f.is_some() { "funcref".into() } else { "null funcref".into() },
        Value::ExternRef(r) => r.map_or("null externref".into(), |r| format!("externref {r}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_signed_and_unsigned() {
        assert_eq!(parse_int::<i32, u32>("-1"), Some(-1));
        assert_eq!(parse_int::<i32, u32>("4294967295"), Some(-1));
        assert_eq!(parse_int::<i32, u32>("4294967296"), None);
        assert_eq!(parse_int::<i64, u64>("18446744073709551615"), Some(-1));
        assert_eq!(parse_int::<i32, u32>("x"), None);
    }

    #[test]
    fn argument_count_is_checked() {
        let err = parse_args("f", &[ValType::I32], &[]).unwrap_err().to_string();
        assert!(err.contains("takes 1 argument(s) (i32), 0 given"), "{err}");
    }
}
