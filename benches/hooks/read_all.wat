;; Benchmark hook: reads every key and value of the table (DNS and HTTP),
;; the wasm twin of readAll.lua: walks the entries and touches each byte
;; of keys and string values.
(module
  (memory (export "memory") 2)
  (global $sink (mut i64) (i64.const 0))
  (func (export "flowhook_abi_version") (result i32) (i32.const 1))
  (func (export "flowhook_alloc") (param i32) (result i32) (i32.const 65536))
  (func $sum (param $p i32) (param $n i32) (result i64)
    (local $acc i64)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i64.add (local.get $acc) (i64.load8_u (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $acc))
  (func $touch (param $t i32) (param $len i32) (result i32)
    (local $i i32) (local $e i32) (local $acc i64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.load offset=4 (local.get $t))))
        (local.set $e (i32.add (local.get $t) (i32.add (i32.const 16) (i32.mul (local.get $i) (i32.const 24)))))
        (local.set $acc (i64.add (local.get $acc)
          (call $sum (i32.add (local.get $t) (i32.load (local.get $e))) (i32.load offset=4 (local.get $e)))))
        (if (i32.load offset=8 (local.get $e))
          (then (local.set $acc (i64.add (local.get $acc)
            (call $sum (i32.add (local.get $t) (i32.load offset=16 (local.get $e))) (i32.load offset=20 (local.get $e))))))
          (else (local.set $acc (i64.add (local.get $acc) (i64.load offset=16 (local.get $e))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (global.set $sink (local.get $acc))
    (i32.const 0))
  (export "checkDNSFlow" (func $touch))
  (export "checkHTTPFlow" (func $touch)))
