//! Regression (found by the instantiate_run fuzzer): a loop closed by the fused
//! `i32.eqz; br_if` used no fuel, so a call could run forever. Every loop shape must end with
//! an out-of-fuel trap.

use kwasm_engine::{Limits, Linker, Module, Store, TrapKind, Value};

fn runs_out_of_fuel(wat: &str) {
    let wasm = wat::parse_str(wat).expect("valid wat");
    let module = Module::new(&wasm, &Limits::DEFAULT).expect("loads");
    let mut store = Store::new(Limits::DEFAULT);
    let instance = store.instantiate(module, &Linker::new(), 1_000).expect("instantiates");
    let err = store.call(instance, "run", &[Value::I32(0)], &mut [], 20_000).expect_err("must trap");
    assert_eq!(err.kind(), TrapKind::OutOfFuel, "{wat}");
}

#[test]
fn fused_eqz_br_if_loop_runs_out_of_fuel() {
    runs_out_of_fuel(r#"(module (func (export "run") (param $x i32) (loop $l (br_if $l (i32.eqz (local.get $x))))))"#);
}

#[test]
fn fused_eqz_br_if_to_outer_loop_runs_out_of_fuel() {
    runs_out_of_fuel(
        r#"(module (func (export "run") (param $x i32)
             (loop $outer (block $inner (br_if $outer (i32.eqz (local.get $x)))))))"#,
    );
}

#[test]
fn loop_closed_by_a_fused_counter_step_runs_out_of_fuel() {
    runs_out_of_fuel(
        r#"(module (func (export "run") (param $x i32)
             (local.set $x (i32.const 1))
             (loop $l (br_if $l (local.tee $x (i32.add (local.get $x) (i32.const 2)))))))"#,
    );
}
