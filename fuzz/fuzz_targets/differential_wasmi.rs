//! wasm-smith modules run on kwasm-engine and on wasmi (exports called with the
//! same arguments, derived from the input's leftover bytes): results, trap kinds,
//! exported globals and the final memory hash must agree. Out of fuel, stack
//! exhaustion and resource limits on either side make the rest inconclusive.
#![no_main]
use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(m) = wasm_smith::Module::new(kwasm_fuzz::smith_config(), &mut u) else { return };
    let bytes = m.to_bytes();
    // arguments for the exported functions come from the rest of the input
    let seed = u.arbitrary::<u64>().ok();
    let w = match kwasm_fuzz::run_wasmi(&bytes, seed) {
        Ok(w) => w,
        Err(_) => return, // wasmi refuses it: nothing to compare
    };
    let k = match kwasm_fuzz::run_kwasm(&bytes, seed) {
        Ok(k) => k,
        Err(e) if kwasm_fuzz::wrongly_rejected(&e) => {
            panic!("kwasm rejected a module wasmi accepts: {e} ({:?})", e.category())
        }
        Err(_) => return,
    };
    if let Some(diff) = kwasm_fuzz::compare(&k, &w) {
        panic!("kwasm and wasmi differ: {diff}");
    }
});
