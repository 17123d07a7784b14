//! Fast check for `cargo test --workspace`: a few official spec files (and the
//! engine's own scripts) must run with no failure. The full suite is
//! `cargo make spec`.

use kwasm_spec::report::{table, totals};

#[test]
fn selected_spec_files_pass() {
    let filters: Vec<String> = [
        "wasm-v2/i32.wast",
        "wasm-v2/i64.wast",
        "wasm-v2/binary.wast",
        "wasm-v2/linking.wast",
        "wasm-v2/elem.wast",
        "wasm-v2/data.wast",
        "wasm-v2/memory_grow.wast",
        "wasm-v2/fac.wast",
        "wasm-v2/skip-stack-guard-page.wast",
        "wasm-v2/table_grow.wast",
        "extended-const/global.wast",
        "kwasm/",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let reports = kwasm_spec::run(&filters);
    assert_eq!(reports.len(), 15, "a selected file is missing:\n{}", table(&reports));
    let failures: Vec<String> = reports
        .iter()
        .flat_map(|r| r.failures.iter().map(move |f| format!("{}:{}: {}", r.name, f.line, f.reason)))
        .collect();
    assert!(failures.is_empty(), "spec failures:\n{}", failures.join("\n"));
    let t = totals(&reports);
    assert!(t.passed > 1000, "too few assertions ran:\n{}", table(&reports));
}

/// The runner itself: a wrong expectation fails, floats are skipped, runaway
/// recursion is the engine's stack-exhausted trap.
#[test]
fn runner_counts_pass_fail_skip() {
    let file = kwasm_spec::suite::SpecFile {
        name: "self-test.wast".into(),
        text: r#"
(module
  (func (export "id") (param i32) (result i32) (local.get 0))
  (func $loop (export "loop") (call $loop))
  (func (export "f") (param f32) (result f32) (local.get 0)))
(assert_return (invoke "id" (i32.const 7)) (i32.const 7))
(assert_return (invoke "id" (i32.const 7)) (i32.const 8))
(assert_return (invoke "f" (f32.const 1)) (f32.const 1))
(assert_exhaustion (invoke "loop") "call stack exhausted")
(assert_trap (invoke "id" (i32.const 1)) "unreachable")
(module (func (export "g") (result f32) (f32.add (f32.const 1) (f32.const 2))))
(assert_return (invoke "g") (f32.const 3))
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_malformed (module binary "\00asm" "\02\00\00\00") "unknown binary version")
"#,
    };
    let r = kwasm_spec::runner::run_file(&file);
    assert_eq!((r.passed, r.failed, r.skipped), (5, 2, 3), "{r:?}");
    let lines: Vec<usize> = r.failures.iter().map(|f| f.line).collect();
    assert_eq!(lines, [7, 10]);
}
