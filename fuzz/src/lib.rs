//! Shared pieces of the kwasm fuzz targets: the wasm-smith configuration matching
//! kwasm-engine's feature set, the wasmparser oracle, and runners that execute a
//! module on kwasm-engine and on wasmi and summarise what happened.

#![allow(clippy::field_reassign_with_default, clippy::result_large_err)]

use kwasm_engine as kw;

/// Fuel given to kwasm-engine per call (1 unit per call and per taken backward branch).
pub const KWASM_FUEL: u64 = 20_000;
/// Fuel given to wasmi per call (about 1 unit per instruction).
pub const WASMI_FUEL: u64 = 2_000_000;

/// kwasm-engine limits used by every target (the defaults).
pub fn limits() -> kw::Limits {
    kw::Limits::default()
}

/// wasm-smith configuration restricted to what kwasm-engine supports: MVP integer
/// subset, sign-extension, mutable globals, multi-value, bulk memory, reference
/// types (several tables), extended constants. No floats, SIMD, threads, memory64,
/// multi-memory, tail calls, exceptions, GC. No imports; everything exported.
pub fn smith_config() -> wasm_smith::Config {
    let mut c = wasm_smith::Config::default();
    c.allow_floats = false;
    c.saturating_float_to_int_enabled = false;
    c.simd_enabled = false;
    c.relaxed_simd_enabled = false;
    c.exceptions_enabled = false;
    c.gc_enabled = false;
    c.custom_descriptors_enabled = false;
    c.tail_call_enabled = false;
    c.threads_enabled = false;
    c.shared_everything_threads_enabled = false;
    c.memory64_enabled = false;
    c.custom_page_sizes_enabled = false;
    c.wide_arithmetic_enabled = false;
    c.bulk_memory_enabled = true;
    c.reference_types_enabled = true;
    c.multi_value_enabled = true;
    c.sign_extension_ops_enabled = true;
    c.extended_const_enabled = true;
    c.max_memories = 1;
    c.max_tables = 4;
    c.max_imports = 0;
    c.min_funcs = 1;
    c.export_everything = true;
    // stay well inside kwasm's Limits::default() (256 pages, 100k table elements)
    c.max_memory32_bytes = 64 * 65536;
    c.max_table_elements = 1_000;
    c
}

/// wasmparser features matching kwasm-engine. Float *types* and instructions are
/// enabled here: kwasm refuses float instructions with an `Unsupported` error, which
/// the oracle comparison skips.
pub fn oracle_features() -> wasmparser::WasmFeatures {
    use wasmparser::WasmFeatures as F;
    F::MUTABLE_GLOBAL
        | F::SATURATING_FLOAT_TO_INT
        | F::SIGN_EXTENSION
        | F::MULTI_VALUE
        | F::BULK_MEMORY
        | F::REFERENCE_TYPES
        | F::EXTENDED_CONST
        | F::FLOATS
        | F::GC_TYPES
}

/// wasmparser's verdict on `bytes` under [`oracle_features`].
pub fn oracle_validate(bytes: &[u8]) -> Result<(), String> {
    wasmparser::Validator::new_with_features(oracle_features())
        .validate_all(bytes)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// kwasm error categories that say "this module is wrong" (as opposed to "too big
/// for the limits" or "uses a feature we do not implement").
pub fn is_invalidity(cat: kw::ErrorCategory) -> bool {
    matches!(cat, kw::ErrorCategory::Decode | kw::ErrorCategory::Validation)
}

/// Whether kwasm refusing a module the oracle accepts is a bug: the module was called
/// malformed or invalid, or the engine failed to prove its own translation safe.
pub fn wrongly_rejected(e: &kw::Error) -> bool {
    is_invalidity(e.category()) || matches!(e.kind(), kw::ErrorKind::Internal(_))
}

/// Engine-neutral outcome of one call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallOutcome {
    /// Returned normally with these values (references reduced to null/non-null).
    Ok(Vec<Val>),
    /// Trapped with a comparable trap kind.
    Trap(&'static str),
    /// Out of fuel, stack exhausted, resource limit: cannot be compared.
    Inconclusive(String),
}

/// Engine-neutral value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Val {
    /// i32
    I32(i32),
    /// i64
    I64(i64),
    /// float bits (not produced: floats are disabled)
    F(u64),
    /// reference: is it non-null
    Ref(bool),
}

/// What a whole run (instantiate + call every exported function in export order
/// with zero-valued arguments) did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOutcome {
    /// Instantiation: Ok, or a comparable failure string / inconclusive.
    pub instantiate: CallOutcome,
    /// (export name, outcome) per exported function.
    pub calls: Vec<(String, CallOutcome)>,
    /// FNV-1a hash and size of the instance's memory after all calls (if any memory).
    pub memory: Option<(u64, usize)>,
    /// Values of the exported globals after all calls, by name.
    pub globals: Vec<(String, Val)>,
}

/// FNV-1a over a byte slice.
pub fn fnv(bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn kw_trap(t: kw::Trap) -> CallOutcome {
    use kw::TrapKind as K;
    CallOutcome::Trap(match t.kind() {
        K::Unreachable => "unreachable",
        K::MemoryOutOfBounds => "memory out of bounds",
        // wasmi reports a call_indirect index past the table end as TableOutOfBounds
        K::TableOutOfBounds | K::UndefinedElement => "table out of bounds",
        K::UninitializedElement => "null element",
        K::IndirectCallTypeMismatch => "indirect call type mismatch",
        K::IntegerDivideByZero => "divide by zero",
        K::IntegerOverflow => "integer overflow",
        other => return CallOutcome::Inconclusive(format!("{other:?}")),
    })
}

fn kw_val(v: kw::Value) -> Val {
    match v {
        kw::Value::I32(x) => Val::I32(x),
        kw::Value::I64(x) => Val::I64(x),
        kw::Value::F32(x) => Val::F(u64::from(x)),
        kw::Value::F64(x) => Val::F(x),
        kw::Value::FuncRef(r) => Val::Ref(r.is_some()),
        kw::Value::ExternRef(r) => Val::Ref(r.is_some()),
    }
}

/// Argument values for exported-function calls. `None` passes zeros; `Some(seed)`
/// derives each argument from (seed, export index, parameter index), biased towards
/// edge values, so both engines see exactly the same arguments.
pub fn arg_bits(seed: Option<u64>, call: usize, param: usize) -> u64 {
    let Some(seed) = seed else { return 0 };
    let mut x = seed ^ (call as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (param as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 29;
    const EDGE: [u64; 12] = [0, 1, 2, 0xFFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF, 0x8000_0000, 0x7FFF_FFFF,
        0x8000_0000_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 65535, 65536, 31];
    match x % 4 {
        0 | 1 => EDGE[((x >> 8) % EDGE.len() as u64) as usize],
        2 => (x >> 16) % 70_000,
        _ => x,
    }
}

/// Export names in binary (declaration) order; both runners call in this order.
pub fn export_names(bytes: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        if let Ok(wasmparser::Payload::ExportSection(r)) = payload {
            for e in r.into_iter().flatten() {
                names.push(e.name.to_string());
            }
        }
    }
    names
}

/// Runs `bytes` on kwasm-engine. `None` if kwasm refuses to load it (the caller
/// decides whether that is a finding).
pub fn run_kwasm(bytes: &[u8], seed: Option<u64>) -> Result<RunOutcome, kw::Error> {
    let module = kw::Module::new(bytes, &limits())?;
    let mut store = kw::Store::new(limits());
    let linker = kw::Linker::new();
    let mut out = RunOutcome { instantiate: CallOutcome::Ok(vec![]), calls: vec![], memory: None, globals: vec![] };
    let inst = match store.instantiate(module, &linker, KWASM_FUEL) {
        Ok(i) => i,
        Err(e) => {
            // Segment and start-function failures are compared only as "failed":
            // wasmi reports segment bounds errors as instantiation errors, not traps.
            out.instantiate = match e.trap().map(|t| kw_trap(kw::Trap::new(t))) {
                Some(CallOutcome::Inconclusive(s)) => CallOutcome::Inconclusive(s),
                _ if e.category() == kw::ErrorCategory::Limit || e.category() == kw::ErrorCategory::OutOfMemory => {
                    CallOutcome::Inconclusive(e.to_string())
                }
                _ => CallOutcome::Trap("instantiation failed"),
            };
            return Ok(out);
        }
    };
    let names = export_names(bytes);
    if names.len() != store.export_count(inst) {
        panic!("kwasm export_count {} but the module declares {}", store.export_count(inst), names.len());
    }
    for (i, name) in names.iter().enumerate() {
        assert_eq!(store.export_name(inst, i), Some(name.as_str()), "kwasm export_name({i})");
        match store.export(inst, name) {
            Some(kw::Extern::Func(f)) => {
                let Some(ty) = store.func_type(f) else { continue };
                let args: Vec<kw::Value> = ty
                    .params()
                    .iter()
                    .enumerate()
                    .map(|(p, t)| match t {
                        kw::ValType::I32 => kw::Value::I32(arg_bits(seed, i, p) as i32),
                        kw::ValType::I64 => kw::Value::I64(arg_bits(seed, i, p) as i64),
                        t => kw::Value::default_of(*t),
                    })
                    .collect();
                let mut res: Vec<kw::Value> = ty.results().iter().map(|t| kw::Value::default_of(*t)).collect();
                let result_types: Vec<kw::ValType> = ty.results().to_vec();
                let o = match store.call_func(f, &args, &mut res, KWASM_FUEL) {
                    Ok(_) => {
                        for (v, t) in res.iter().zip(&result_types) {
                            assert_eq!(v.ty(), *t, "kwasm returned a value of the wrong type from {name}");
                        }
                        CallOutcome::Ok(res.into_iter().map(kw_val).collect())
                    }
                    Err(t) => kw_trap(t),
                };
                out.calls.push((name.clone(), o));
            }
            Some(kw::Extern::Global(g)) => {
                if let Some(v) = store.global_get(g) {
                    out.globals.push((name.clone(), kw_val(v)));
                }
            }
            _ => {}
        }
    }
    // globals after all calls
    for (name, v) in out.globals.iter_mut() {
        if let Some(kw::Extern::Global(g)) = store.export(inst, name) {
            if let Some(x) = store.global_get(g) {
                *v = kw_val(x);
            }
        }
    }
    if let Some(m) = store.instance_memory(inst) {
        if let Some(bytes) = store.memory(m) {
            out.memory = Some((fnv(bytes), bytes.len()));
        }
    }
    Ok(out)
}

fn wasmi_err(e: &wasmi::Error) -> CallOutcome {
    use wasmi::TrapCode as T;
    match e.as_trap_code() {
        Some(T::UnreachableCodeReached) => CallOutcome::Trap("unreachable"),
        Some(T::MemoryOutOfBounds) => CallOutcome::Trap("memory out of bounds"),
        Some(T::TableOutOfBounds) => CallOutcome::Trap("table out of bounds"),
        Some(T::IndirectCallToNull) => CallOutcome::Trap("null element"),
        Some(T::BadSignature) => CallOutcome::Trap("indirect call type mismatch"),
        Some(T::IntegerDivisionByZero) => CallOutcome::Trap("divide by zero"),
        Some(T::IntegerOverflow) => CallOutcome::Trap("integer overflow"),
        _ => CallOutcome::Inconclusive(e.to_string()),
    }
}

fn wasmi_val(v: &wasmi::Val) -> Val {
    match v {
        wasmi::Val::I32(x) => Val::I32(*x),
        wasmi::Val::I64(x) => Val::I64(*x),
        wasmi::Val::F32(x) => Val::F(u64::from(x.to_bits())),
        wasmi::Val::F64(x) => Val::F(x.to_bits()),
        wasmi::Val::FuncRef(r) => Val::Ref(!r.is_null()),
        wasmi::Val::ExternRef(r) => Val::Ref(!r.is_null()),
        wasmi::Val::V128(_) => Val::F(u64::MAX),
    }
}

struct WasmiState {
    limits: wasmi::StoreLimits,
}

/// Runs `bytes` on wasmi with fuel and the same memory/table growth limits as kwasm.
/// `Err` if wasmi rejects the module. Runs on a thread with a 256 MiB stack: wasmi
/// 2.0 can use more than 2 MiB of native stack on deeply recursing modules (it
/// overflowed a 2 MiB test thread), and ASan frames are larger still.
pub fn run_wasmi(bytes: &[u8], seed: Option<u64>) -> Result<RunOutcome, String> {
    use std::sync::mpsc::{channel, Receiver, Sender};
    use std::sync::{Mutex, OnceLock};
    type Job = (Vec<u8>, Option<u64>, Sender<Result<RunOutcome, String>>);
    // One long-lived worker thread (spawning a thread per input costs a lot under ASan).
    static WORKER: OnceLock<Mutex<Sender<Job>>> = OnceLock::new();
    let worker = WORKER.get_or_init(|| {
        let (tx, rx): (Sender<Job>, Receiver<Job>) = channel();
        std::thread::Builder::new()
            .name("wasmi-runner".into())
            .stack_size(256 << 20)
            .spawn(move || {
                for (bytes, seed, reply) in rx {
                    let _ = reply.send(run_wasmi_inner(&bytes, seed));
                }
            })
            .expect("spawn wasmi runner thread");
        Mutex::new(tx)
    });
    let (reply_tx, reply_rx) = channel();
    worker.lock().expect("worker lock").send((bytes.to_vec(), seed, reply_tx)).expect("wasmi runner thread is gone");
    // If run_wasmi_inner panics, libfuzzer-sys's panic hook aborts the process first.
    reply_rx.recv().expect("wasmi runner thread died")
}

fn run_wasmi_inner(bytes: &[u8], seed: Option<u64>) -> Result<RunOutcome, String> {
    let mut config = wasmi::Config::default();
    config.consume_fuel(true);
    config.floats(false);
    config.compilation_mode(wasmi::CompilationMode::Eager);
    let engine = wasmi::Engine::new(&config);
    let module = wasmi::Module::new(&engine, bytes).map_err(|e| e.to_string())?;
    let l = limits();
    let store_limits = wasmi::StoreLimitsBuilder::new()
        .memory_size(l.max_memory_pages as usize * 65536)
        .table_elements(l.max_table_elements as usize)
        .build();
    let mut store = wasmi::Store::new(&engine, WasmiState { limits: store_limits });
    store.limiter(|s| &mut s.limits);
    store.set_fuel(WASMI_FUEL).map_err(|e| e.to_string())?;
    let linker = wasmi::Linker::<WasmiState>::new(&engine);
    let mut out = RunOutcome { instantiate: CallOutcome::Ok(vec![]), calls: vec![], memory: None, globals: vec![] };
    let inst = match linker.instantiate_and_start(&mut store, &module) {
        Ok(i) => i,
        Err(e) => {
            out.instantiate = match wasmi_err(&e) {
                CallOutcome::Inconclusive(s) if e.as_trap_code().is_some() || s.contains("fuel") || s.contains("limit") => {
                    CallOutcome::Inconclusive(s)
                }
                _ => CallOutcome::Trap("instantiation failed"),
            };
            return Ok(out);
        }
    };
    let exports: Vec<(String, wasmi::Extern)> = export_names(bytes)
        .into_iter()
        .filter_map(|n| inst.get_export(&store, &n).map(|e| (n, e)))
        .collect();
    let all_names = export_names(bytes);
    for (name, ext) in &exports {
        // index in declaration order, as run_kwasm numbers its calls
        let i = all_names.iter().position(|n| n == name).unwrap_or(usize::MAX);
        match ext {
            wasmi::Extern::Func(f) => {
                let ty = f.ty(&store);
                let args: Vec<wasmi::Val> = ty
                    .params()
                    .iter()
                    .enumerate()
                    .map(|(p, t)| match t {
                        wasmi::ValType::I32 => wasmi::Val::I32(arg_bits(seed, i, p) as i32),
                        wasmi::ValType::I64 => wasmi::Val::I64(arg_bits(seed, i, p) as i64),
                        t => wasmi::Val::default_for_ty(*t),
                    })
                    .collect();
                let mut res: Vec<wasmi::Val> = ty.results().iter().map(|t| wasmi::Val::default_for_ty(*t)).collect();
                store.set_fuel(WASMI_FUEL).map_err(|e| e.to_string())?;
                let o = match f.call(&mut store, &args, &mut res) {
                    Ok(()) => CallOutcome::Ok(res.iter().map(wasmi_val).collect()),
                    Err(e) => wasmi_err(&e),
                };
                out.calls.push((name.clone(), o));
            }
            wasmi::Extern::Global(g) => out.globals.push((name.clone(), wasmi_val(&g.get(&store)))),
            _ => {}
        }
    }
    for (name, v) in out.globals.iter_mut() {
        if let Some(wasmi::Extern::Global(g)) = inst.get_export(&store, name) {
            *v = wasmi_val(&g.get(&store));
        }
    }
    for (_, ext) in &exports {
        if let wasmi::Extern::Memory(m) = ext {
            let data = m.data(&store);
            out.memory = Some((fnv(data), data.len()));
        }
    }
    Ok(out)
}

/// Compares two runs. Returns a description of the first real difference; stops at
/// the first inconclusive step on either side (state may have diverged after it).
pub fn compare(k: &RunOutcome, w: &RunOutcome) -> Option<String> {
    use CallOutcome::Inconclusive as Inc;
    match (&k.instantiate, &w.instantiate) {
        (Inc(_), _) | (_, Inc(_)) => return None,
        (a, b) if a != b => return Some(format!("instantiation: kwasm {a:?}, wasmi {b:?}")),
        (CallOutcome::Ok(_), _) => {}
        _ => return None, // both failed the same way
    }
    if k.calls.len() != w.calls.len() {
        return Some(format!("export count: kwasm {} funcs, wasmi {} funcs", k.calls.len(), w.calls.len()));
    }
    for ((kn, ko), (wn, wo)) in k.calls.iter().zip(&w.calls) {
        if kn != wn {
            return Some(format!("export order: kwasm {kn:?}, wasmi {wn:?}"));
        }
        if matches!(ko, Inc(_)) || matches!(wo, Inc(_)) {
            return None;
        }
        if ko != wo {
            return Some(format!("call {kn:?}: kwasm {ko:?}, wasmi {wo:?}"));
        }
    }
    if k.globals != w.globals {
        return Some(format!("globals after calls: kwasm {:?}, wasmi {:?}", k.globals, w.globals));
    }
    if k.memory != w.memory {
        return Some(format!("memory (fnv, len) after calls: kwasm {:?}, wasmi {:?}", k.memory, w.memory));
    }
    None
}
