;; Sieve of Eratosthenes over a byte array at address 0.
;; run(n, _) -> number of primes below n (n <= memory size)
(module
  (memory (export "memory") 160)
  (func (export "run") (param $n i32) (param $unused i32) (result i64)
    (local $i i32) (local $j i32) (local $count i32)
    ;; clear the array 8 bytes at a time (may write up to 7 bytes past n);
    ;; a plain loop rather than memory.fill, which the wasm3 crate's bundled wasm3 lacks
    (block $cdone
      (loop $clear
        (br_if $cdone (i32.ge_u (local.get $j) (local.get $n)))
        (i64.store (local.get $j) (i64.const 0))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $clear)))
    (local.set $i (i32.const 2))
    (block $done
      (loop $outer
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.eqz (i32.load8_u (local.get $i)))
          (then
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            ;; i*i < n, computed in 64 bits so it cannot overflow
            (if (i64.lt_u (i64.mul (i64.extend_i32_u (local.get $i)) (i64.extend_i32_u (local.get $i)))
                          (i64.extend_i32_u (local.get $n)))
              (then
                (local.set $j (i32.mul (local.get $i) (local.get $i)))
                (block $jdone
                  (loop $inner
                    (br_if $jdone (i32.ge_u (local.get $j) (local.get $n)))
                    (i32.store8 (local.get $j) (i32.const 1))
                    (local.set $j (i32.add (local.get $j) (local.get $i)))
                    (br $inner)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (i64.extend_i32_u (local.get $count))))
