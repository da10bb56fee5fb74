;; Test fixture: reads far outside its memory.
(module

  (memory (export "memory") 2)
  (func (export "flowhook_abi_version") (result i32) (i32.const 1))
  (func (export "flowhook_alloc") (param i32) (result i32) (i32.const 65536))
  (func (export "checkDNSFlow") (param i32 i32) (result i32) (i32.load (i32.const -16)))
)
