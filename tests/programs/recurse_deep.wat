;; main recurses 100000 deep: the call stack limit is hit long before, as a trap.
(module
  (func $down (param i32) (result i32)
    local.get 0
    i32.eqz
    if (result i32)
      i32.const 0
    else
      local.get 0
      i32.const 1
      i32.sub
      call $down
      i32.const 1
      i32.add
    end)
  (func (export "main") (param i32 i32) (result i32)
    i32.const 100000
    call $down))
