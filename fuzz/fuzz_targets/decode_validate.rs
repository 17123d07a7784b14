//! Arbitrary bytes -> `Module::new`. Must never panic; and its verdict must agree
//! with wasmparser (same feature set): kwasm must not accept what wasmparser
//! rejects, nor call a module malformed/invalid that wasmparser accepts
//! (Unsupported and Limit errors are allowed).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let res = kwasm_engine::Module::new(data, &kwasm_fuzz::limits());
    let oracle = kwasm_fuzz::oracle_validate(data);
    match (&res, &oracle) {
        (Ok(_), Err(why)) => panic!("kwasm accepted a module wasmparser rejects: {why}"),
        (Err(e), Ok(())) if kwasm_fuzz::wrongly_rejected(&e) => {
            panic!("kwasm rejected a module wasmparser accepts: {e} ({:?})", e.category())
        }
        _ => {}
    }
    if let Err(e) = &res {
        let _ = e.to_string();
    }
});
