;; The smallest program with a main: returns 0. Used to time loads and calls.
(module
  (func (export "main") (param i32 i32) (result i32) i32.const 0)
  (func (export "nop")))
