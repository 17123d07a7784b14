;; A loop closed by `i32.eqz; br_if` (fused by the translator) must use fuel like any other.
(module
  (func (export "main") (param $x i32) (param i32) (result i32)
    (loop $l (br_if $l (i32.eqz (local.get $x))))
    i32.const 0))
