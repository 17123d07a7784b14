;; Tight integer loop: n iterations of an i32 LCG step (mul + add) and an i64 accumulate.
;; run(n, seed) -> sum of the LCG states (zero-extended), mod 2^64
(module
  (func (export "run") (param $n i32) (param $x i32) (result i64)
    (local $acc i64)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1664525)) (i32.const 1013904223)))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $x))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $acc)))
