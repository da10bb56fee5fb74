;; A flowhook guest written by hand in WebAssembly text, to show the ABI is
;; language-neutral (see ../ABI.md). Twin of lua/dnsQueries.lua: for every
;; DNS flow it prints "<dns.query> <dns.query_type>\n" and keeps the flow.
(module
  (import "flowhook" "print" (func $print (param i32 i32)))
  (memory (export "memory") 2)
  ;; Constant strings.
  (data (i32.const 0) "dns.query")        ;; 9 bytes
  (data (i32.const 16) "dns.query_type")  ;; 14 bytes
  (data (i32.const 32) " \n-")            ;; space, newline, minus
  ;; 48..80: digits of a number, written backwards. The table buffer starts at 64 KiB.
  (global $buf i32 (i32.const 65536))

  (func (export "flowhook_abi_version") (result i32) (i32.const 1))

  ;; Room for `size` bytes at $buf, growing memory if needed.
  (func (export "flowhook_alloc") (param $size i32) (result i32)
    (local $pages i32)
    (local.set $pages
      (i32.shr_u (i32.add (i32.add (global.get $buf) (local.get $size)) (i32.const 65535)) (i32.const 16)))
    (if (i32.gt_u (local.get $pages) (memory.size))
      (then (drop (memory.grow (i32.sub (local.get $pages) (memory.size))))))
    (global.get $buf))

  ;; Byte equality of n bytes at a and b.
  (func $eq (param $a i32) (param $b i32) (param $n i32) (result i32)
    (block $no
      (loop $more
        (if (i32.eqz (local.get $n)) (then (return (i32.const 1))))
        (br_if $no (i32.ne (i32.load8_u (local.get $a)) (i32.load8_u (local.get $b))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $more)))
    (i32.const 0))

  ;; Address of the entry whose key is (k, kl) in the table at t, or 0.
  (func $find (param $t i32) (param $k i32) (param $kl i32) (result i32)
    (local $i i32) (local $e i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.load offset=4 (local.get $t))))
        (local.set $e (i32.add (local.get $t) (i32.add (i32.const 16) (i32.mul (local.get $i) (i32.const 24)))))
        (if (i32.eq (i32.load offset=4 (local.get $e)) (local.get $kl))
          (then
            (if (call $eq (i32.add (local.get $t) (i32.load (local.get $e))) (local.get $k) (local.get $kl))
              (then (return (local.get $e))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 0))

  ;; Prints a signed integer in decimal.
  (func $print_int (param $v i64)
    (local $p i32)
    (if (i64.lt_s (local.get $v) (i64.const 0))
      (then (call $print (i32.const 34) (i32.const 1))
            (local.set $v (i64.sub (i64.const 0) (local.get $v)))))
    (local.set $p (i32.const 80))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10)))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $digit (i64.ne (local.get $v) (i64.const 0))))
    (call $print (local.get $p) (i32.sub (i32.const 80) (local.get $p))))

  (func (export "checkDNSFlow") (param $t i32) (param $len i32) (result i32)
    (local $e i32)
    (local.set $e (call $find (local.get $t) (i32.const 0) (i32.const 9)))
    (if (local.get $e)
      (then (call $print (i32.add (local.get $t) (i32.load offset=16 (local.get $e))) (i32.load offset=20 (local.get $e)))))
    (call $print (i32.const 32) (i32.const 1))
    (local.set $e (call $find (local.get $t) (i32.const 16) (i32.const 14)))
    (if (local.get $e) (then (call $print_int (i64.load offset=16 (local.get $e)))))
    (call $print (i32.const 33) (i32.const 1))
    (i32.const 0))
)
