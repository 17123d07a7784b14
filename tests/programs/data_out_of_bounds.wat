;; A data segment past the end of the one-page memory: instantiation fails.
(module
  (memory 1)
  (data (i32.const 65534) "too long")
  (func (export "main") (param i32 i32) (result i32) i32.const 0))
