;; Minimal form of instantiate_run-1: with $x = 0 this loops forever, and
;; kwasm-engine never reports OutOfFuel (nor calls the progress hook): the fused
;; `i32.eqz; br_if` becomes Op::JumpIfZero, whose taken branch does not consume
;; fuel when the target is backward (engine/src/exec/mod.rs, Op::JumpIfZero).
(module
  (func (export "run") (param $x i32)
    (loop $l
      (br_if $l (i32.eqz (local.get $x))))))
