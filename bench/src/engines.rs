//! Per-engine runners: load a module once, write the input, then call `run(a, b)`
//! `runs` times and return each call's duration plus the (checked-consistent) result.

use std::time::{Duration, Instant};

/// Result of timing one workload on one engine.
#[derive(Clone, Debug)]
pub struct Measurement {
    /// Wall time of each call.
    pub times: Vec<Duration>,
    /// The value every call returned.
    pub result: i64,
}

impl Measurement {
    /// Median call time.
    pub fn median(&self) -> Duration {
        let mut t = self.times.clone();
        t.sort();
        t[t.len() / 2]
    }
}

fn collect(runs: usize, mut call: impl FnMut() -> Result<i64, String>) -> Result<Measurement, String> {
    let mut times = Vec::with_capacity(runs);
    let mut result = None;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let r = call()?;
        times.push(start.elapsed());
        match result {
            None => result = Some(r),
            Some(prev) if prev != r => return Err(format!("result changed between runs: {prev} then {r}")),
            _ => {}
        }
    }
    Ok(Measurement { times, result: result.unwrap_or_default() })
}

/// Native Rust.
pub fn native(f: &dyn Fn() -> i64, runs: usize) -> Result<Measurement, String> {
    collect(runs, || Ok(f()))
}

/// kwasm-engine (always fuel-metered; given a budget that cannot run out here).
pub fn kwasm(wasm: &[u8], input: Option<(u32, &[u8])>, args: (i32, i32), runs: usize) -> Result<Measurement, String> {
    use kwasm_engine::{Extern, Limits, Linker, Module, Store, Value};
    let limits = Limits::default();
    let module = Module::new(wasm, &limits).map_err(|e| format!("load: {e}"))?;
    let mut store = Store::new(limits);
    let linker = Linker::new();
    let inst = store.instantiate(module, &linker, 1_000_000).map_err(|e| format!("instantiate: {e}"))?;
    if let Some((addr, bytes)) = input {
        let Some(Extern::Memory(mem)) = store.export(inst, "memory") else {
            return Err("no exported memory".into());
        };
        store.write_memory(mem, u64::from(addr), bytes).map_err(|e| format!("write input: {e}"))?;
    }
    collect(runs, || {
        let mut out = [Value::I64(0)];
        store
            .call(inst, "run", &[Value::I32(args.0), Value::I32(args.1)], &mut out, 1 << 60)
            .map_err(|t| format!("trap: {t}"))?;
        out[0].i64().ok_or_else(|| format!("bad result {:?}", out[0]))
    })
}

/// wasmi, with fuel metering enabled and a huge budget refilled before each call.
pub fn wasmi(wasm: &[u8], input: Option<(u32, &[u8])>, args: (i32, i32), runs: usize) -> Result<Measurement, String> {
    let mut config = wasmi::Config::default();
    config.consume_fuel(true);
    config.compilation_mode(wasmi::CompilationMode::Eager);
    let engine = wasmi::Engine::new(&config);
    let module = wasmi::Module::new(&engine, wasm).map_err(|e| format!("load: {e}"))?;
    let mut store = wasmi::Store::new(&engine, ());
    store.set_fuel(u64::MAX / 2).map_err(|e| e.to_string())?;
    let linker = wasmi::Linker::<()>::new(&engine);
    let inst = linker.instantiate_and_start(&mut store, &module).map_err(|e| format!("instantiate: {e}"))?;
    if let Some((addr, bytes)) = input {
        let mem = inst.get_memory(&store, "memory").ok_or("no exported memory")?;
        mem.write(&mut store, addr as usize, bytes).map_err(|e| format!("write input: {e}"))?;
    }
    let run = inst.get_typed_func::<(i32, i32), i64>(&store, "run").map_err(|e| e.to_string())?;
    collect(runs, || {
        store.set_fuel(u64::MAX / 2).map_err(|e| e.to_string())?;
        run.call(&mut store, args).map_err(|e| format!("trap: {e}"))
    })
}

/// wasm3 (no fuel metering available).
pub fn wasm3(wasm: &[u8], input: Option<(u32, &[u8])>, args: (i32, i32), runs: usize) -> Result<Measurement, String> {
    let env = wasm3::Environment::new().map_err(|e| format!("env: {e}"))?;
    let rt = env.create_runtime(1 << 20).map_err(|e| format!("runtime: {e}"))?;
    let module = wasm3::Module::parse(&env, wasm.to_vec()).map_err(|e| format!("load: {e}"))?;
    rt.load_module(module).map_err(|e| format!("instantiate: {e}"))?;
    let run = rt.find_function::<(i32, i32), i64>("run").map_err(|e| format!("find run: {e}"))?;
    if let Some((addr, bytes)) = input {
        // SAFETY: no wasm code runs while this slice is alive.
        let mem = unsafe { &mut *rt.memory_mut() };
        let a = addr as usize;
        let dst = mem.get_mut(a..a + bytes.len()).ok_or("input does not fit in memory")?;
        dst.copy_from_slice(bytes);
    }
    collect(runs, || run.call(args.0, args.1).map_err(|e| format!("trap: {e}")))
}
