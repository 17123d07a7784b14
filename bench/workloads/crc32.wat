;; CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320), table-driven.
;; The 1 KiB table is rebuilt at address 0 on every call. run(ptr, len) -> crc32
(module
  (memory (export "memory") 80)
  (func (export "run") (param $ptr i32) (param $len i32) (result i64)
    (local $n i32) (local $c i32) (local $k i32) (local $crc i32) (local $end i32)
    ;; table
    (block $tdone
      (loop $t
        (br_if $tdone (i32.ge_u (local.get $n) (i32.const 256)))
        (local.set $c (local.get $n))
        (local.set $k (i32.const 8))
        (loop $bits
          (if (i32.and (local.get $c) (i32.const 1))
            (then (local.set $c (i32.xor (i32.const 0xEDB88320) (i32.shr_u (local.get $c) (i32.const 1)))))
            (else (local.set $c (i32.shr_u (local.get $c) (i32.const 1)))))
          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
          (br_if $bits (local.get $k)))
        (i32.store (i32.shl (local.get $n) (i32.const 2)) (local.get $c))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $t)))
    ;; bytes
    (local.set $crc (i32.const -1))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $crc
          (i32.xor
            (i32.load
              (i32.shl
                (i32.and (i32.xor (local.get $crc) (i32.load8_u (local.get $ptr))) (i32.const 255))
                (i32.const 2)))
            (i32.shr_u (local.get $crc) (i32.const 8))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (br $l)))
    (i64.extend_i32_u (i32.xor (local.get $crc) (i32.const -1)))))
