;; Test fixture: unbounded recursion, stopped by the stack bound.
(module

  (memory (export "memory") 2)
  (func (export "flowhook_abi_version") (result i32) (i32.const 1))
  (func (export "flowhook_alloc") (param i32) (result i32) (i32.const 65536))
  (func $r (param i64) (result i64) (i64.add (call $r (i64.add (local.get 0) (i64.const 1))) (i64.const 1)))
  (func (export "checkDNSFlow") (param i32 i32) (result i32) (drop (call $r (i64.const 0))) (i32.const 0))
)
