;; The hot loop of the multi-scale spectral loss in WebAssembly with 128-bit SIMD (two float64
;; lanes): compression, distance and the gradient w.r.t. the magnitudes, as src/fused.ts computes
;; them in JavaScript. `pnpm --filter @losses/mss wasm` assembles this file into
;; src/wasm/module.ts (a test checks that the two agree). Pointers are byte offsets into the
;; imported memory, that of the scale's STFT module, which src/wasm/pipeline.ts lays out.
;;
;; Compressions (the `kind` argument):
;;   0: y = A log(b + c x), dy/dx = A c / (b + c x)  (log: A = 1, b = eps, c = 1; db: A = 20 / ln 10,
;;      b = eps, c = 1; log1p: A = 1, b = 1, c = gamma)
;;   1: safeLog, y = log x for x > 0 and log eps (the argument logEps) otherwise; dy/dx = 1 / x or 0
;;   2: linear, y = x
(module
  (import "env" "log" (func $scalarLog (param f64) (result f64)))
  ;; The memory of the scale's STFT module (@losses/stft's WasmStft), shared.
  (import "env" "memory" (memory 1))

  ;; log of both lanes, by the table method of Tang ("Table-driven implementation of the logarithm
  ;; function in IEEE floating-point arithmetic", ACM TOMS 16(4), 1990), in the layout of the ARM
  ;; optimized-routines log: x = 2^k z with z in [0.6875, 1.375), the top 7 mantissa bits of x pick
  ;; one of 128 subintervals with centre c, and
  ;;   log x = k ln2_hi + log c + (r + (P(r) + k ln2_lo)),  r = (z - c) (1/c),  |r| <= 2^-7,
  ;; with P(r) = -r^2/2 + r^3/3 - ... - r^8/8 (truncation below 2^-66). z - c is exact (Sterbenz).
  ;; The two subintervals next to 1 use c = 1, so log x = log1p(x - 1) there without cancellation.
  ;; The table ($table, set once by `setTable`, written by src/wasm/kernel.ts) holds c, 1/c and
  ;; log c per subinterval (24 bytes each). Lanes that are not positive normal finite numbers (0,
  ;; subnormal, negative, inf, NaN) go to the imported Math.log. Within 1 ulp of Math.log (tested).
  (global $table (mut i32) (i32.const 0))
  (func (export "setTable") (param $p i32) (global.set $table (local.get $p)))

  (func $log (param $x v128) (result v128)
    (local $tmp v128) (local $k v128) (local $c v128) (local $ic v128) (local $lc v128) (local $r v128)
    (local $a0 i32) (local $a1 i32)
    ;; As signed integers, positive normal finite numbers are those in [2^52, 0x7ff0000000000000).
    (if (v128.any_true
          (v128.not
            (v128.and
              (i64x2.ge_s (local.get $x) (v128.const i64x2 0x0010000000000000 0x0010000000000000))
              (i64x2.lt_s (local.get $x) (v128.const i64x2 0x7ff0000000000000 0x7ff0000000000000)))))
      (then
        (return
          (f64x2.replace_lane 1
            (f64x2.splat (call $scalarLog (f64x2.extract_lane 0 (local.get $x))))
            (call $scalarLog (f64x2.extract_lane 1 (local.get $x)))))))
    (local.set $tmp (i64x2.sub (local.get $x) (v128.const i64x2 0x3fe6000000000000 0x3fe6000000000000)))
    (local.set $a0
      (i32.add (global.get $table)
        (i32.mul (i32.const 24)
          (i32.wrap_i64
            (i64.and (i64.shr_u (i64x2.extract_lane 0 (local.get $tmp)) (i64.const 45)) (i64.const 127))))))
    (local.set $a1
      (i32.add (global.get $table)
        (i32.mul (i32.const 24)
          (i32.wrap_i64
            (i64.and (i64.shr_u (i64x2.extract_lane 1 (local.get $tmp)) (i64.const 45)) (i64.const 127))))))
    (local.set $c (v128.load64_lane 1 (local.get $a1) (v128.load64_zero (local.get $a0))))
    (local.set $ic
      (v128.load64_lane offset=8 1 (local.get $a1) (v128.load64_zero offset=8 (local.get $a0))))
    (local.set $lc
      (v128.load64_lane offset=16 1 (local.get $a1) (v128.load64_zero offset=16 (local.get $a0))))
    ;; k = tmp >> 52 (arithmetic), as float64 through the low 32 bits of each lane.
    (local.set $k (i64x2.shr_s (local.get $tmp) (i32.const 52)))
    (local.set $k
      (f64x2.convert_low_i32x4_s
        (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $k) (local.get $k))))
    ;; r = (z - c) / c with z = x / 2^k (the exponent field lowered by k).
    (local.set $r
      (f64x2.mul
        (f64x2.sub
          (i64x2.sub (local.get $x)
            (v128.and (local.get $tmp) (v128.const i64x2 0xfff0000000000000 0xfff0000000000000)))
          (local.get $c))
        (local.get $ic)))
    (f64x2.add
      (f64x2.add
        (f64x2.mul (local.get $k) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01))
        (local.get $lc))
      (f64x2.add (local.get $r)
        (f64x2.add
          (f64x2.mul (f64x2.mul (local.get $r) (local.get $r))
            (f64x2.add (v128.const f64x2 -0.5 -0.5)
              (f64x2.mul (local.get $r)
                (f64x2.add (v128.const f64x2 0.3333333333333333 0.3333333333333333)
                  (f64x2.mul (local.get $r)
                    (f64x2.add (v128.const f64x2 -0.25 -0.25)
                      (f64x2.mul (local.get $r)
                        (f64x2.add (v128.const f64x2 0.2 0.2)
                          (f64x2.mul (local.get $r)
                            (f64x2.add (v128.const f64x2 -0.16666666666666666 -0.16666666666666666)
                              (f64x2.mul (local.get $r)
                                (f64x2.add (v128.const f64x2 0.14285714285714285 0.14285714285714285)
                                  (f64x2.mul (local.get $r) (v128.const f64x2 -0.125 -0.125)))))))))))))))
          (f64x2.mul (local.get $k)
            (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10)))))

  ;; The compression y = p(x) of both lanes and, with $deriv, dy/dx in $dydx (see the kinds above).
  (global $dydx (mut v128) (v128.const i64x2 0 0))
  (func $compress (param $kind i32) (param $x v128) (param $a v128) (param $b v128) (param $c v128)
    (param $logEps v128) (param $deriv i32) (result v128)
    (local $arg v128) (local $pos v128)
    (if (i32.eq (local.get $kind) (i32.const 2))
      (then
        (global.set $dydx (v128.const f64x2 1 1))
        (return (local.get $x))))
    (if (i32.eq (local.get $kind) (i32.const 1))
      (then
        ;; x <= 0 (or NaN) lanes: log eps, derivative 0; log of 1 computed there instead.
        (local.set $pos (f64x2.gt (local.get $x) (v128.const f64x2 0 0)))
        (local.set $arg (v128.bitselect (local.get $x) (v128.const f64x2 1 1) (local.get $pos)))
        (if (local.get $deriv)
          (then
            (global.set $dydx
              (v128.and (f64x2.div (v128.const f64x2 1 1) (local.get $arg)) (local.get $pos)))))
        (return (v128.bitselect (call $log (local.get $arg)) (local.get $logEps) (local.get $pos)))))
    (local.set $arg (f64x2.add (local.get $b) (f64x2.mul (local.get $c) (local.get $x))))
    (if (local.get $deriv)
      (then (global.set $dydx (f64x2.div (f64x2.mul (local.get $a) (local.get $c)) (local.get $arg)))))
    (f64x2.mul (local.get $a) (call $log (local.get $arg))))

  ;; y[i] = p(x[i]) for i < n ($x and $y float64 arrays; $y may be $x).
  (func (export "compress") (param $kind i32) (param $x i32) (param $n i32) (param $y i32)
    (param $a f64) (param $b f64) (param $c f64) (param $logEps f64)
    (local $i i32) (local $va v128) (local $vb v128) (local $vc v128) (local $ve v128) (local $v v128)
    (local.set $va (f64x2.splat (local.get $a)))
    (local.set $vb (f64x2.splat (local.get $b)))
    (local.set $vc (f64x2.splat (local.get $c)))
    (local.set $ve (f64x2.splat (local.get $logEps)))
    (local.set $i (i32.const 0))
    (block $tail
      (loop $pairs
        (br_if $tail (i32.gt_u (i32.add (local.get $i) (i32.const 2)) (local.get $n)))
        (v128.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3)))
          (call $compress (local.get $kind)
            (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3))))
            (local.get $va) (local.get $vb) (local.get $vc) (local.get $ve) (i32.const 0)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $v
          (call $compress (local.get $kind)
            (v128.load64_zero (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3))))
            (local.get $va) (local.get $vb) (local.get $vc) (local.get $ve) (i32.const 0)))
        (f64.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3)))
          (f64x2.extract_lane 0 (local.get $v))))))

  ;; sum_i dist(p(x[i]) - t[i]) over i < n, dist |.| or (.)^2 ($squared); with $grad, also
  ;; g[i] += w dist'(d) p'(x[i]) (sign(d) w, or 2 w d). The two lanes sum the even and the odd
  ;; elements; the total is their sum.
  (func (export "fused") (param $kind i32) (param $squared i32) (param $grad i32) (param $x i32)
    (param $t i32) (param $n i32) (param $g i32) (param $weight f64) (param $a f64) (param $b f64)
    (param $c f64) (param $logEps f64) (result f64)
    (local $i i32) (local $va v128) (local $vb v128) (local $vc v128) (local $ve v128) (local $vw v128)
    (local $d v128) (local $acc v128) (local $dd v128) (local $lane v128) (local $at i32)
    (local.set $va (f64x2.splat (local.get $a)))
    (local.set $vb (f64x2.splat (local.get $b)))
    (local.set $vc (f64x2.splat (local.get $c)))
    (local.set $ve (f64x2.splat (local.get $logEps)))
    (local.set $vw
      (f64x2.splat (select (f64.mul (f64.const 2) (local.get $weight)) (local.get $weight) (local.get $squared))))
    (local.set $acc (v128.const i64x2 0 0))
    (local.set $i (i32.const 0))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $at (i32.shl (local.get $i) (i32.const 3)))
        ;; The last element alone: the other lane is masked out of the sum and the gradient.
        (local.set $lane (v128.const i64x2 -1 -1))
        (if (i32.eq (i32.add (local.get $i) (i32.const 1)) (local.get $n))
          (then
            (local.set $lane (v128.const i64x2 -1 0))
            (local.set $d
              (f64x2.sub
                (call $compress (local.get $kind)
                  (v128.load64_splat (i32.add (local.get $x) (local.get $at)))
                  (local.get $va) (local.get $vb) (local.get $vc) (local.get $ve) (local.get $grad))
                (v128.load64_zero (i32.add (local.get $t) (local.get $at))))))
          (else
            (local.set $d
              (f64x2.sub
                (call $compress (local.get $kind)
                  (v128.load (i32.add (local.get $x) (local.get $at)))
                  (local.get $va) (local.get $vb) (local.get $vc) (local.get $ve) (local.get $grad))
                (v128.load (i32.add (local.get $t) (local.get $at)))))))
        (local.set $d (v128.and (local.get $d) (local.get $lane)))
        (if (local.get $squared)
          (then
            (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $d) (local.get $d))))
            (local.set $dd (local.get $d)))
          (else
            (local.set $acc (f64x2.add (local.get $acc) (f64x2.abs (local.get $d))))
            ;; sign(d): +1, -1 or 0
            (local.set $dd
              (f64x2.sub
                (v128.and (f64x2.gt (local.get $d) (v128.const f64x2 0 0)) (v128.const f64x2 1 1))
                (v128.and (f64x2.lt (local.get $d) (v128.const f64x2 0 0)) (v128.const f64x2 1 1))))))
        (if (local.get $grad)
          (then
            (local.set $dd
              (v128.and
                (f64x2.mul (f64x2.mul (local.get $vw) (local.get $dd)) (global.get $dydx))
                (local.get $lane)))
            (if (i32.eq (i32.add (local.get $i) (i32.const 1)) (local.get $n))
              (then
                (f64.store (i32.add (local.get $g) (local.get $at))
                  (f64.add (f64.load (i32.add (local.get $g) (local.get $at)))
                    (f64x2.extract_lane 0 (local.get $dd)))))
              (else
                (v128.store (i32.add (local.get $g) (local.get $at))
                  (f64x2.add (v128.load (i32.add (local.get $g) (local.get $at))) (local.get $dd)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc)))))
