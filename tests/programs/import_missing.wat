;; Imports a host function kwasm does not provide.
(module
  (import "env" "open_the_pod_bay_doors" (func (param i32) (result i32)))
  (func (export "main") (param i32 i32) (result i32) i32.const 0))
