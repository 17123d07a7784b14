//! wasm-smith modules (kwasm's feature set) -> load, instantiate with fuel, call
//! every exported function with zero-valued arguments. Must never panic; a
//! wasm-smith module that kwasm calls malformed or invalid is a finding.
#![no_main]
use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(m) = wasm_smith::Module::new(kwasm_fuzz::smith_config(), &mut u) else { return };
    let bytes = m.to_bytes();
    match kwasm_fuzz::run_kwasm(&bytes, None) {
        Ok(_) => {}
        Err(e) if kwasm_fuzz::wrongly_rejected(&e) => {
            panic!("kwasm rejected a valid wasm-smith module: {e} ({:?})", e.category())
        }
        Err(_) => {}
    }
});
