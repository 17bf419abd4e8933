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

  ;; log of both lanes. fdlibm's method (e_log.c, Sun Microsystems 1993, as V8's Math.log): x =
  ;; 2^k m with m in [sqrt(2)/2, sqrt(2)), f = m - 1, s = f / (2 + f), and
  ;;   log x = k ln2_hi - ((f^2/2 - (s (f^2/2 + R(s^2)) + k ln2_lo)) - f)
  ;; with R the degree-7 minimax polynomial Lg1 z + ... + Lg7 z^7 in z = s^2 (error below 2^-58.45).
  ;; Lanes that are not positive normal finite numbers (0, subnormal, negative, inf, NaN) go to the
  ;; imported Math.log.
  (func $log (param $x v128) (result v128)
    (local $bits v128) (local $m v128) (local $big v128) (local $k v128) (local $f v128)
    (local $s v128) (local $z v128) (local $w v128) (local $r v128) (local $hfsq v128)
    (local.set $bits (local.get $x))
    ;; As signed integers, positive normal finite numbers are those in [2^52, 0x7ff0000000000000).
    (if (i32.eqz
          (v128.any_true
            (v128.not
              (v128.and
                (i64x2.ge_s (local.get $bits) (v128.const i64x2 0x0010000000000000 0x0010000000000000))
                (i64x2.lt_s (local.get $bits) (v128.const i64x2 0x7ff0000000000000 0x7ff0000000000000))))))
      (then)
      (else
        (return
          (f64x2.replace_lane 1
            (f64x2.splat (call $scalarLog (f64x2.extract_lane 0 (local.get $x))))
            (call $scalarLog (f64x2.extract_lane 1 (local.get $x)))))))
    ;; m in [1, 2): the mantissa with the exponent of 1; k the unbiased exponent.
    (local.set $m
      (v128.or
        (v128.and (local.get $bits) (v128.const i64x2 0x000fffffffffffff 0x000fffffffffffff))
        (v128.const i64x2 0x3ff0000000000000 0x3ff0000000000000)))
    (local.set $k
      (i64x2.sub
        (i64x2.shr_u (local.get $bits) (i32.const 52))
        (v128.const i64x2 1023 1023)))
    ;; m > sqrt(2): m / 2 and k + 1 (the mask is -1 where true).
    (local.set $big (f64x2.gt (local.get $m) (v128.const f64x2 1.4142135623730951 1.4142135623730951)))
    (local.set $m
      (v128.bitselect
        (f64x2.mul (local.get $m) (v128.const f64x2 0.5 0.5))
        (local.get $m)
        (local.get $big)))
    (local.set $k
      (f64x2.convert_low_i32x4_s
        (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11
          (i64x2.sub (local.get $k) (local.get $big))
          (local.get $k))))
    (local.set $f (f64x2.sub (local.get $m) (v128.const f64x2 1 1)))
    (local.set $s (f64x2.div (local.get $f) (f64x2.add (local.get $f) (v128.const f64x2 2 2))))
    (local.set $z (f64x2.mul (local.get $s) (local.get $s)))
    (local.set $w (f64x2.mul (local.get $z) (local.get $z)))
    ;; R = z (Lg1 + w (Lg3 + w (Lg5 + w Lg7))) + w (Lg2 + w (Lg4 + w Lg6))
    (local.set $r
      (f64x2.add
        (f64x2.mul (local.get $z)
          (f64x2.add (v128.const f64x2 6.666666666666735130e-01 6.666666666666735130e-01)
            (f64x2.mul (local.get $w)
              (f64x2.add (v128.const f64x2 2.857142874366239149e-01 2.857142874366239149e-01)
                (f64x2.mul (local.get $w)
                  (f64x2.add (v128.const f64x2 1.818357216161805012e-01 1.818357216161805012e-01)
                    (f64x2.mul (local.get $w)
                      (v128.const f64x2 1.479819860511658591e-01 1.479819860511658591e-01))))))))
        (f64x2.mul (local.get $w)
          (f64x2.add (v128.const f64x2 3.999999999940941908e-01 3.999999999940941908e-01)
            (f64x2.mul (local.get $w)
              (f64x2.add (v128.const f64x2 2.222219843214978396e-01 2.222219843214978396e-01)
                (f64x2.mul (local.get $w)
                  (v128.const f64x2 1.531383769920937332e-01 1.531383769920937332e-01))))))))
    (local.set $hfsq (f64x2.mul (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $f) (local.get $f))))
    (f64x2.sub
      (f64x2.mul (local.get $k) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01))
      (f64x2.sub
        (f64x2.sub
          (local.get $hfsq)
          (f64x2.add
            (f64x2.mul (local.get $s) (f64x2.add (local.get $hfsq) (local.get $r)))
            (f64x2.mul (local.get $k)
              (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10))))
        (local.get $f))))

  ;; The compression y = p(x) of both lanes and, in $d, dy/dx (see the kinds above).
  (global $dydx (mut v128) (v128.const i64x2 0 0))
  (func $compress (param $kind i32) (param $x v128) (param $a v128) (param $b v128) (param $c v128)
    (param $logEps v128) (result v128)
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
        (global.set $dydx
          (v128.and (f64x2.div (v128.const f64x2 1 1) (local.get $arg)) (local.get $pos)))
        (return (v128.bitselect (call $log (local.get $arg)) (local.get $logEps) (local.get $pos)))))
    (local.set $arg (f64x2.add (local.get $b) (f64x2.mul (local.get $c) (local.get $x))))
    (global.set $dydx (f64x2.div (f64x2.mul (local.get $a) (local.get $c)) (local.get $arg)))
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
            (local.get $va) (local.get $vb) (local.get $vc) (local.get $ve)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $v
          (call $compress (local.get $kind)
            (v128.load64_zero (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3))))
            (local.get $va) (local.get $vb) (local.get $vc) (local.get $ve)))
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
                  (local.get $va) (local.get $vb) (local.get $vc) (local.get $ve))
                (v128.load64_zero (i32.add (local.get $t) (local.get $at))))))
          (else
            (local.set $d
              (f64x2.sub
                (call $compress (local.get $kind)
                  (v128.load (i32.add (local.get $x) (local.get $at)))
                  (local.get $va) (local.get $vb) (local.get $vc) (local.get $ve))
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
