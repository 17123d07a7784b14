//! The translator's shortcuts (operands read in place, results computed straight into
//! locals, the accumulator, compare-and-branch, loop rotation, constant stores, jump
//! threading, calls within a module) checked against wasmi as the oracle: every program
//! exports `run(i32, i32) -> i64` and both engines must return the same value for a range
//! of arguments.

use kwasm_bench::engines;

fn same_as_wasmi(name: &str, wat: &str) {
    let wasm = wat::parse_str(wat).unwrap_or_else(|e| panic!("{name}: {e}"));
    for args in [(0, 0), (1, 2), (7, -3), (100, 5), (-1, 1000), (i32::MAX, i32::MIN)] {
        let ours = engines::kwasm(&wasm, None, args, 1).unwrap_or_else(|e| panic!("{name} {args:?}: kwasm: {e}"));
        let oracle = engines::wasmi(&wasm, None, args, 1).unwrap_or_else(|e| panic!("{name} {args:?}: wasmi: {e}"));
        assert_eq!(ours.result, oracle.result, "{name} with arguments {args:?}");
    }
}

/// `depth` operations chained through the accumulator, repeated in a loop, so that the
/// handler budget runs out at every position within a chain.
fn accumulator_chain(depth: usize) -> String {
    let mut body = String::from("(local.get $x)");
    for k in 0..depth {
        body = match k % 5 {
            0 => format!("(i32.add {body} (i32.const {k}))"),
            1 => format!("(i32.mul {body} (i32.const 3))"),
            2 => format!("(i32.xor {body} (local.get $n))"),
            3 => format!("(i32.rotl {body} (i32.const 5))"),
            _ => format!("(i32.load8_u (i32.and {body} (i32.const 1023)))"),
        };
    }
    format!(
        r#"(module (memory 1) (data (i32.const 0) "some bytes to load from, any will do")
          (func (export "run") (param $n i32) (param $x i32) (result i64)
            (local $i i32)
            (loop $l
              (local.set $x {body})
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $i) (i32.const 67))))
            (i64.extend_i32_u (local.get $x))))"#
    )
}

#[test]
fn accumulator_chains_survive_budget_boundaries() {
    for depth in [1, 2, 3, 31, 63, 64, 65, 130, 200] {
        same_as_wasmi(&format!("chain of {depth}"), &accumulator_chain(depth));
    }
}

#[test]
fn locals_read_in_place_are_copied_before_being_overwritten() {
    same_as_wasmi(
        "swap",
        r#"(module (func (export "run") (param $a i32) (param $b i32) (result i64)
             (local.get $a) (local.get $b) (local.set $a) (local.set $b)
             (i64.or (i64.shl (i64.extend_i32_u (local.get $a)) (i64.const 32)) (i64.extend_i32_u (local.get $b)))))"#,
    );
    same_as_wasmi(
        "tee keeps the new value, the stack keeps the old",
        r#"(module (func (export "run") (param $a i32) (param $b i32) (result i64)
             (local.get $a)
             (local.tee $a (i32.add (local.get $a) (local.get $b)))
             (i32.sub)
             (local.get $a)
             (i32.mul)
             (i64.extend_i32_s)))"#,
    );
    same_as_wasmi(
        "pending local across a block",
        r#"(module (func (export "run") (param $a i32) (param $b i32) (result i64)
             (local.get $a)
             (block (local.set $a (i32.const 99)) (br_if 0 (local.get $b)) (local.set $a (i32.const 7)))
             (local.get $a)
             (i32.add)
             (i64.extend_i32_u)))"#,
    );
}

#[test]
fn loops_rotated_at_their_exit_test_run_the_same_iterations() {
    for (name, head) in [
        ("eqz", "(br_if $done (i32.eqz (local.get $n)))"),
        ("lt_s", "(br_if $done (i32.lt_s (local.get $n) (i32.const 1)))"),
        ("ge_u locals", "(br_if $done (i32.ge_u (local.get $i) (local.get $n)))"),
        ("i64", "(br_if $done (i64.le_s (i64.extend_i32_s (local.get $n)) (i64.const 0)))"),
    ] {
        let wat = format!(
            r#"(module (func (export "run") (param $n i32) (param $x i32) (result i64)
                 (local $i i32) (local $acc i64)
                 (local.set $n (i32.and (local.get $n) (i32.const 1023)))
                 (block $done
                   (loop $l
                     {head}
                     (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.mul (local.get $n) (local.get $x)))))
                     (local.set $i (i32.add (local.get $i) (i32.const 1)))
                     (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                     (br $l)))
                 (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i)))))"#
        );
        same_as_wasmi(name, &wat);
    }
}

#[test]
fn constant_stores_of_every_width() {
    same_as_wasmi(
        "stores",
        r#"(module (memory 1)
             (func (export "run") (param $a i32) (param $b i32) (result i64)
               (local.set $a (i32.and (local.get $a) (i32.const 255)))
               (i64.store (local.get $a) (i64.const -2))
               (i64.store offset=8 (local.get $a) (i64.const 0x123456789))
               (i32.store offset=16 (local.get $a) (i32.const -559038737))
               (i32.store8 offset=20 (local.get $a) (i32.const 0x1ff))
               (i32.store16 offset=21 (local.get $a) (i32.const 0x12345))
               (i64.store8 offset=23 (local.get $a) (i64.const -1))
               (i64.store16 offset=24 (local.get $a) (i64.const 0x7fff))
               (i64.store32 offset=26 (local.get $a) (i64.const -5))
               (i64.xor
                 (i64.xor (i64.load (local.get $a)) (i64.load offset=8 (local.get $a)))
                 (i64.xor (i64.load offset=16 (local.get $a)) (i64.load offset=24 (local.get $a))))))"#,
    );
}

#[test]
fn branch_tables_and_returns_after_jump_threading() {
    same_as_wasmi(
        "br_table out of the function and into blocks",
        r#"(module
             (global $g (mut i32) (i32.const 0))
             (func $pick (param $k i32) (result i32)
               (block $b2 (block $b1 (block $b0
                 (br_table $b0 $b1 $b2 (i32.and (local.get $k) (i32.const 3))))
                 (return (i32.const 10)))
                 (return (i32.const 11)))
               (i32.const 12))
             (func $side (param $k i32)
               (global.set $g (i32.const 1))
               (block $b (br_table $b 1 (local.get $k)))
               (global.set $g (i32.const 2)))
             (func (export "run") (param $a i32) (param $b i32) (result i64)
               (call $side (local.get $b))
               (i64.extend_i32_u
                 (i32.add (global.get $g)
                   (i32.add (call $pick (local.get $a)) (i32.mul (call $pick (local.get $b)) (i32.const 100)))))))"#,
    );
    same_as_wasmi(
        "if/else results returned",
        r#"(module
             (func $f (param $x i32) (result i32)
               (if (result i32) (i32.lt_s (local.get $x) (i32.const 2)) (then (local.get $x)) (else (i32.sub (local.get $x) (i32.const 2)))))
             (func (export "run") (param $a i32) (param $b i32) (result i64)
               (i64.extend_i32_s (i32.add (call $f (local.get $a)) (call $f (local.get $b))))))"#,
    );
}

#[test]
fn calls_within_the_module_and_multiple_results() {
    same_as_wasmi(
        "ackermann-ish recursion with two results",
        r#"(module
             (func $two (param $x i32) (param $y i32) (result i32 i32)
               (if (result i32 i32) (i32.le_u (local.get $x) (i32.const 1))
                 (then (local.get $y) (local.get $x))
                 (else
                   (call $two (i32.sub (local.get $x) (i32.const 1)) (i32.add (local.get $y) (local.get $x))))))
             (func (export "run") (param $a i32) (param $b i32) (result i64)
               (local $p i32) (local $q i32)
               (call $two (i32.and (local.get $a) (i32.const 255)) (local.get $b))
               (local.set $q) (local.set $p)
               (i64.or (i64.shl (i64.extend_i32_u (local.get $p)) (i64.const 32)) (i64.extend_i32_u (local.get $q)))))"#,
    );
}

#[test]
fn counting_loops_with_every_comparison() {
    for (cmp, start, step, bound) in [
        ("lt_u", 0, 1, "(local.get $n)"),
        ("lt_s", -50, 3, "(local.get $n)"),
        ("ne", 0, 1, "(local.get $n)"),
        ("le_u", 1, 2, "(local.get $n)"),
        ("le_s", -9, 1, "(local.get $n)"),
        ("gt_s", 100, -1, "(i32.const 0)"),
        ("gt_u", 1000, -7, "(local.get $n)"),
        ("ge_s", 50, -2, "(i32.const -10)"),
        ("ge_u", 500, -5, "(local.get $n)"),
        ("eq", 0, 0, "(local.get $n)"),
    ] {
        let wat = format!(
            r#"(module (func (export "run") (param $n i32) (param $x i32) (result i64)
                 (local $i i32) (local $acc i64) (local $guard i32)
                 (local.set $n (i32.and (local.get $n) (i32.const 255)))
                 (local.set $i (i32.const {start}))
                 (block $out
                   (loop $l
                     (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_s (local.get $i))))
                     (local.set $guard (i32.add (local.get $guard) (i32.const 1)))
                     (br_if $out (i32.gt_u (local.get $guard) (i32.const 5000)))
                     (local.set $i (i32.add (local.get $i) (i32.const {step})))
                     (br_if $l (i32.{cmp} (local.get $i) {bound}))))
                 (i64.add (local.get $acc) (i64.extend_i32_u (local.get $guard)))))"#
        );
        same_as_wasmi(&format!("count with {cmp}"), &wat);
    }
}

#[test]
fn range_checks_against_constants() {
    for (cmp, k) in [
        ("lt_u", "26"),
        ("ge_u", "26"),
        ("lt_s", "-3"),
        ("ge_s", "-32768"),
        ("le_s", "32767"),
        ("gt_u", "65535"),
        ("le_u", "65536"),
        ("eq", "-1"),
        ("ne", "70000"),
        ("gt_s", "-40000"),
    ] {
        let wat = format!(
            r#"(module (func (export "run") (param $n i32) (param $x i32) (result i64)
                 (local $i i32) (local $hits i32)
                 (loop $l
                   (if (i32.{cmp} (i32.sub (i32.add (local.get $x) (local.get $i)) (i32.const 65)) (i32.const {k}))
                     (then (local.set $hits (i32.add (local.get $hits) (i32.const 1)))))
                   (local.set $i (i32.add (local.get $i) (i32.const 1)))
                   (br_if $l (i32.lt_u (local.get $i) (i32.const 300))))
                 (i64.extend_i32_u (local.get $hits))))"#
        );
        same_as_wasmi(&format!("range check {cmp} {k}"), &wat);
    }
}
