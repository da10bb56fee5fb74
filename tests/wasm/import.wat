;; Test fixture: imports a WASI function, which is not granted.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (func (export "flowhook_abi_version") (result i32) (i32.const 1))
  (func (export "flowhook_alloc") (param i32) (result i32) (i32.const 65536))
  (func (export "checkDNSFlow") (param i32 i32) (result i32) (i32.const 0))
)
