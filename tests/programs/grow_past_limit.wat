;; main grows memory past the module's max_memory_pages: memory.grow returns -1, and main
;; reports it by trapping (unreachable) so the failure is visible.
(module
  (memory 1)
  (func (export "main") (param i32 i32) (result i32)
    i32.const 100000
    memory.grow
    i32.const -1
    i32.eq
    if
      unreachable
    end
    i32.const 0))
