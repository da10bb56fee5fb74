;; Test fixture: prints 64 KiB a thousand times per call.
(module
  (import "flowhook" "print" (func $print (param i32 i32)))
  (memory (export "memory") 2)
  (func (export "flowhook_abi_version") (result i32) (i32.const 1))
  (func (export "flowhook_alloc") (param i32) (result i32) (i32.const 65536))
  (func (export "checkDNSFlow") (param i32 i32) (result i32)
    (local $i i32)
    (loop $l
      (call $print (i32.const 0) (i32.const 65536))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 1000))))
    (i32.const 0))
)
