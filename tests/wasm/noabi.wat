;; Test fixture: lacks the ABI version export.
(module

  (memory (export "memory") 2)
  (func (export "flowhook_alloc") (param i32) (result i32) (i32.const 65536))

)
