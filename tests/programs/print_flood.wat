;; main prints 1000 lines: the kernel keeps at most 200 of them per 5 seconds.
(module
  (import "env" "_debug" (func $debug (param i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "flood")
  (func (export "main") (param i32 i32) (result i32)
    (local $i i32)
    (loop $again
      (drop (call $debug (i32.const 0) (i32.const 5)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const 1000))))
    local.get $i))
