;; Test fixture: an infinite loop, stopped by the epoch deadline.
(module

  (memory (export "memory") 2)
  (func (export "flowhook_abi_version") (result i32) (i32.const 1))
  (func (export "flowhook_alloc") (param i32) (result i32) (i32.const 65536))
  (func (export "checkDNSFlow") (param i32 i32) (result i32) (loop $l (br $l)) (i32.const 0))
)
