;; DNS packet parsing. The packet set sits at `ptr` as: u32 count, then per packet
;; u16 length (little-endian) followed by the packet bytes (see src/dns.rs).
;; run(ptr, iters) parses the whole set `iters` times: header, question names and
;; every resource record (names with compression pointers, A addresses, and the
;; names inside CNAME/NS/PTR rdata) and folds everything into a checksum:
;; acc = acc * 31 + x (mod 2^64) for each parsed item x. src/native.rs mirrors it.
(module
  (memory (export "memory") 2)
  (global $acc (mut i64) (i64.const 0))
  (global $end (mut i32) (i32.const -1))
  (global $err (mut i32) (i32.const 0))

  (func $mix (param $x i64)
    (global.set $acc (i64.add (i64.mul (global.get $acc) (i64.const 31)) (local.get $x))))

  (func $be16 (param $a i32) (result i32)
    (i32.or (i32.shl (i32.load8_u (local.get $a)) (i32.const 8))
            (i32.load8_u offset=1 (local.get $a))))

  ;; Hash of the (lower-cased) name at packet offset $pos. Sets $end to the offset
  ;; just past the name in place (before any pointer jump), or $err to 1.
  (func $name (param $p i32) (param $len i32) (param $pos i32) (result i32)
    (local $h i32) (local $l i32) (local $jumps i32) (local $i i32) (local $c i32)
    (global.set $end (i32.const -1))
    (global.set $err (i32.const 0))
    (local.set $h (i32.const 5381))
    (block $out
      (loop $lbl
        (if (i32.ge_u (local.get $pos) (local.get $len))
          (then (global.set $err (i32.const 1)) (br $out)))
        (local.set $l (i32.load8_u (i32.add (local.get $p) (local.get $pos))))
        (if (i32.eq (i32.and (local.get $l) (i32.const 0xC0)) (i32.const 0xC0))
          (then
            (if (i32.ge_u (i32.add (local.get $pos) (i32.const 1)) (local.get $len))
              (then (global.set $err (i32.const 1)) (br $out)))
            (if (i32.lt_s (global.get $end) (i32.const 0))
              (then (global.set $end (i32.add (local.get $pos) (i32.const 2)))))
            (local.set $jumps (i32.add (local.get $jumps) (i32.const 1)))
            (if (i32.gt_u (local.get $jumps) (i32.const 16))
              (then (global.set $err (i32.const 1)) (br $out)))
            (local.set $pos
              (i32.or (i32.shl (i32.and (local.get $l) (i32.const 0x3f)) (i32.const 8))
                      (i32.load8_u offset=1 (i32.add (local.get $p) (local.get $pos)))))
            (br $lbl)))
        (if (i32.and (local.get $l) (i32.const 0xC0))
          (then (global.set $err (i32.const 1)) (br $out)))
        (if (i32.eqz (local.get $l))
          (then
            (if (i32.lt_s (global.get $end) (i32.const 0))
              (then (global.set $end (i32.add (local.get $pos) (i32.const 1)))))
            (br $out)))
        (if (i32.gt_u (i32.add (i32.add (local.get $pos) (i32.const 1)) (local.get $l)) (local.get $len))
          (then (global.set $err (i32.const 1)) (br $out)))
        (local.set $i (i32.const 0))
        (block $ld
          (loop $ll
            (br_if $ld (i32.ge_u (local.get $i) (local.get $l)))
            (local.set $c (i32.load8_u offset=1
              (i32.add (i32.add (local.get $p) (local.get $pos)) (local.get $i))))
            (if (i32.lt_u (i32.sub (local.get $c) (i32.const 65)) (i32.const 26))
              (then (local.set $c (i32.or (local.get $c) (i32.const 32)))))
            (local.set $h (i32.xor (i32.mul (local.get $h) (i32.const 33)) (local.get $c)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $ll)))
        (local.set $h (i32.xor (i32.mul (local.get $h) (i32.const 33)) (i32.const 46)))
        (local.set $pos (i32.add (local.get $pos) (i32.add (local.get $l) (i32.const 1))))
        (br $lbl)))
    (local.get $h))

  (func $packet (param $p i32) (param $len i32)
    (local $off i32) (local $qd i32) (local $rr i32) (local $h i32)
    (local $type i32) (local $rdlen i32) (local $count i32)
    (block $bad
      (br_if $bad (i32.lt_u (local.get $len) (i32.const 12)))
      (call $mix (i64.extend_i32_u (call $be16 (local.get $p))))
      (call $mix (i64.extend_i32_u (call $be16 (i32.add (local.get $p) (i32.const 2)))))
      (local.set $qd (call $be16 (i32.add (local.get $p) (i32.const 4))))
      (local.set $rr
        (i32.add (call $be16 (i32.add (local.get $p) (i32.const 6)))
          (i32.add (call $be16 (i32.add (local.get $p) (i32.const 8)))
                   (call $be16 (i32.add (local.get $p) (i32.const 10))))))
      (local.set $off (i32.const 12))
      (block $qdone
        (loop $q
          (br_if $qdone (i32.eqz (local.get $qd)))
          (local.set $h (call $name (local.get $p) (local.get $len) (local.get $off)))
          (br_if $bad (global.get $err))
          (local.set $off (global.get $end))
          (br_if $bad (i32.gt_u (i32.add (local.get $off) (i32.const 4)) (local.get $len)))
          (call $mix (i64.extend_i32_u (local.get $h)))
          (call $mix (i64.extend_i32_u (call $be16 (i32.add (local.get $p) (local.get $off)))))
          (local.set $off (i32.add (local.get $off) (i32.const 4)))
          (local.set $count (i32.add (local.get $count) (i32.const 1)))
          (local.set $qd (i32.sub (local.get $qd) (i32.const 1)))
          (br $q)))
      (block $rdone
        (loop $r
          (br_if $rdone (i32.eqz (local.get $rr)))
          (local.set $h (call $name (local.get $p) (local.get $len) (local.get $off)))
          (br_if $bad (global.get $err))
          (local.set $off (global.get $end))
          (br_if $bad (i32.gt_u (i32.add (local.get $off) (i32.const 10)) (local.get $len)))
          (local.set $type (call $be16 (i32.add (local.get $p) (local.get $off))))
          (local.set $rdlen (call $be16 (i32.add (i32.add (local.get $p) (local.get $off)) (i32.const 8))))
          (local.set $off (i32.add (local.get $off) (i32.const 10)))
          (br_if $bad (i32.gt_u (i32.add (local.get $off) (local.get $rdlen)) (local.get $len)))
          (call $mix (i64.extend_i32_u (local.get $h)))
          (call $mix (i64.extend_i32_u (local.get $type)))
          (if (i32.and (i32.eq (local.get $type) (i32.const 1)) (i32.eq (local.get $rdlen) (i32.const 4)))
            (then (call $mix (i64.extend_i32_u (i32.load (i32.add (local.get $p) (local.get $off)))))))
          (if (i32.or (i32.eq (local.get $type) (i32.const 5))
                (i32.or (i32.eq (local.get $type) (i32.const 2)) (i32.eq (local.get $type) (i32.const 12))))
            (then
              (local.set $h (call $name (local.get $p) (local.get $len) (local.get $off)))
              (br_if $bad (global.get $err))
              (call $mix (i64.extend_i32_u (local.get $h)))))
          (local.set $off (i32.add (local.get $off) (local.get $rdlen)))
          (local.set $count (i32.add (local.get $count) (i32.const 1)))
          (local.set $rr (i32.sub (local.get $rr) (i32.const 1)))
          (br $r)))
      (call $mix (i64.extend_i32_u (local.get $count)))
      (return))
    (call $mix (i64.const 0xBAD)))

  (func (export "run") (param $ptr i32) (param $iters i32) (result i64)
    (local $n i32) (local $q i32) (local $len i32)
    (global.set $acc (i64.const 0))
    (block $done
      (loop $it
        (br_if $done (i32.eqz (local.get $iters)))
        (local.set $n (i32.load (local.get $ptr)))
        (local.set $q (i32.add (local.get $ptr) (i32.const 4)))
        (block $pdone
          (loop $pk
            (br_if $pdone (i32.eqz (local.get $n)))
            (local.set $len (i32.load16_u (local.get $q)))
            (call $packet (i32.add (local.get $q) (i32.const 2)) (local.get $len))
            (local.set $q (i32.add (local.get $q) (i32.add (local.get $len) (i32.const 2))))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $pk)))
        (local.set $iters (i32.sub (local.get $iters) (i32.const 1)))
        (br $it)))
    (global.get $acc)))
