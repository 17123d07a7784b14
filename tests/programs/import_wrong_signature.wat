;; Imports env._debug with the wrong signature.
(module
  (import "env" "_debug" (func (param i64) (result i32)))
  (func (export "main") (param i32 i32) (result i32) i32.const 0))
