;; Hello world for kwasm: prints "Hello" to the kernel log through the host function
;; env._debug(ptr, len), from main, which runs when the program is loaded.
(module
  (import "env" "_debug" (func $debug (param i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "Hello")
  (func (export "main") (param i32 i32) (result i32)
    i32.const 0 ;; where the text starts in linear memory
    i32.const 5 ;; how many bytes
    call $debug))
