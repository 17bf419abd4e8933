;; The hot loop of the multi-scale spectral loss in WebAssembly with 128-bit SIMD (two float64
;; lanes): compression, distance and the gradient w.r.t. the estimate's magnitudes, the numbers
;; src/fused.ts computes in JavaScript. `pnpm --filter @losses/mss wasm` assembles this file into
;; src/wasm/module.ts (a test checks that the two agree). Pointers are byte offsets into the
;; imported memory, that of the scale's STFT module, which src/wasm/pipeline.ts lays out.
;;
;; It takes the magnitudes of both spectrograms, x (estimate) and t (target), and computes the
;; difference of their compressions d = p(x) - p(t) as (the `kind` argument):
;;   0: p(v) = A log(u(v)), u(v) = b + c v:  d = A log(u(x) / u(t)),  p'(x) = A c / u(x)
;;      (log: A = 1, b = eps, c = 1; db: A = 20 / ln 10, b = eps, c = 1; log1p: A = 1, b = 1,
;;      c = gamma)
;;   1: safeLog, p(v) = log(u(v)), u(v) = v for v > 0 and eps otherwise: d = log(u(x) / u(t)),
;;      p'(x) = 1 / x for x > 0, else 0
;;   2: linear, d = x - t, p' = 1
;; One log per element instead of two, and exactly 0 where x = t (u(x) / u(t) = 1). Its rounding
;; differs from log u(x) - log u(t) by about 1e-16 in absolute terms, and is never larger.
(module
  (import "env" "log" (func $scalarLog (param f64) (result f64)))
  ;; The memory of the scale's STFT module (@losses/stft's WasmStft), shared.
  (import "env" "memory" (memory 1))

  ;; The log table: c, 1/c and log c of 128 subintervals (24 bytes each), set once by `setTable`
  ;; (written by src/wasm/kernel.ts).
  (global $table (mut i32) (i32.const 0))
  (func (export "setTable") (param $p i32) (global.set $table (local.get $p)))

  ;; sum_i dist(d_i) over i < n (d_i as above; dist |.| or (.)^2 when $squared) and, with $grad,
  ;; the gradient weight dist'(d_i) p'(x_i) (sign(d) weight, or 2 weight d) stored into g[i], or
  ;; added to it with $add. The two lanes sum the even and the odd elements; the total is their
  ;; sum. A last element alone goes through the same code in both lanes, the second masked out.
  ;;
  ;; The log of both lanes of q = u(x) / u(t) is inline, by the table method of Tang
  ;; ("Table-driven implementation of the logarithm function in IEEE floating-point arithmetic",
  ;; ACM TOMS 16(4), 1990) in the layout of the ARM optimized-routines log: q = 2^k z with z in
  ;; [0.6875, 1.375), the top 7 mantissa bits of q pick one of 128 subintervals with centre c, and
  ;;   log q = k ln2_hi + log c + (r + (P(r) + k ln2_lo)),  r = (z - c) (1/c),  |r| <= 2^-7,
  ;; with P(r) = -r^2/2 + r^3/3 - ... - r^8/8 (truncation below 2^-66; Estrin's scheme). z - c is
  ;; exact (Sterbenz). The two subintervals next to 1 use c = 1, so log q = log1p(q - 1) there
  ;; without cancellation. Lanes that are not positive normal finite numbers (0, subnormal, inf,
  ;; NaN) go to the imported Math.log. Within 1 ulp of Math.log (tested).
  (func (export "fused") (param $kind i32) (param $squared i32) (param $grad i32) (param $add i32)
    (param $x i32) (param $t i32) (param $n i32) (param $g i32) (param $weight f64) (param $a f64)
    (param $b f64) (param $c f64) (param $eps f64) (result f64)
    (local $i i32) (local $at i32) (local $a0 i32) (local $a1 i32)
    (local $va v128) (local $vb v128) (local $vc v128) (local $ve v128) (local $vw v128)
    (local $vac v128) (local $all v128) (local $lane v128) (local $acc v128)
    (local $xv v128) (local $tv v128) (local $pos v128) (local $ue v128) (local $q v128)
    (local $tmp v128) (local $k v128) (local $r v128) (local $r2 v128) (local $lq v128)
    (local $d v128) (local $dy v128) (local $dd v128)
    (local.set $va (f64x2.splat (local.get $a)))
    (local.set $vb (f64x2.splat (local.get $b)))
    (local.set $vc (f64x2.splat (local.get $c)))
    (local.set $ve (f64x2.splat (local.get $eps)))
    (local.set $vac (f64x2.splat (f64.mul (local.get $a) (local.get $c))))
    (local.set $vw
      (f64x2.splat (select (f64.mul (f64.const 2) (local.get $weight)) (local.get $weight) (local.get $squared))))
    ;; kind 0: every lane has u = b + c v (all ones); kind 1: only positive ones (from the data).
    (local.set $all (i8x16.splat (select (i32.const -1) (i32.const 0) (i32.eqz (local.get $kind)))))
    (local.set $acc (v128.const i64x2 0 0))
    (local.set $i (i32.const 0))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $at (i32.shl (local.get $i) (i32.const 3)))
        (if (i32.eq (i32.add (local.get $i) (i32.const 1)) (local.get $n))
          (then
            (local.set $lane (v128.const i64x2 -1 0))
            (local.set $xv (v128.load64_splat (i32.add (local.get $x) (local.get $at))))
            (local.set $tv (v128.load64_splat (i32.add (local.get $t) (local.get $at)))))
          (else
            (local.set $lane (v128.const i64x2 -1 -1))
            (local.set $xv (v128.load (i32.add (local.get $x) (local.get $at))))
            (local.set $tv (v128.load (i32.add (local.get $t) (local.get $at))))))
        (if (i32.eq (local.get $kind) (i32.const 2))
          (then
            (local.set $d (f64x2.sub (local.get $xv) (local.get $tv)))
            (local.set $dy (v128.const f64x2 1 1)))
          (else
            ;; q = u(x) / u(t)
            (local.set $pos (v128.or (local.get $all) (f64x2.gt (local.get $xv) (v128.const f64x2 0 0))))
            (local.set $ue
              (v128.bitselect
                (f64x2.add (local.get $vb) (f64x2.mul (local.get $vc) (local.get $xv)))
                (local.get $ve) (local.get $pos)))
            (local.set $q
              (f64x2.div (local.get $ue)
                (v128.bitselect
                  (f64x2.add (local.get $vb) (f64x2.mul (local.get $vc) (local.get $tv)))
                  (local.get $ve)
                  (v128.or (local.get $all) (f64x2.gt (local.get $tv) (v128.const f64x2 0 0))))))
            (if (local.get $grad)
              (then (local.set $dy (v128.and (f64x2.div (local.get $vac) (local.get $ue)) (local.get $pos)))))
            ;; log q. As signed integers, positive normal finite numbers are those in
            ;; [2^52, 0x7ff0000000000000).
            (if (v128.any_true
                  (v128.not
                    (v128.and
                      (i64x2.ge_s (local.get $q) (v128.const i64x2 0x0010000000000000 0x0010000000000000))
                      (i64x2.lt_s (local.get $q) (v128.const i64x2 0x7ff0000000000000 0x7ff0000000000000)))))
              (then
                (local.set $lq
                  (f64x2.replace_lane 1
                    (f64x2.splat (call $scalarLog (f64x2.extract_lane 0 (local.get $q))))
                    (call $scalarLog (f64x2.extract_lane 1 (local.get $q))))))
              (else
                (local.set $tmp
                  (i64x2.sub (local.get $q) (v128.const i64x2 0x3fe6000000000000 0x3fe6000000000000)))
                (local.set $a0
                  (i32.add (global.get $table)
                    (i32.mul (i32.const 24)
                      (i32.wrap_i64
                        (i64.and (i64.shr_u (i64x2.extract_lane 0 (local.get $tmp)) (i64.const 45))
                          (i64.const 127))))))
                (local.set $a1
                  (i32.add (global.get $table)
                    (i32.mul (i32.const 24)
                      (i32.wrap_i64
                        (i64.and (i64.shr_u (i64x2.extract_lane 1 (local.get $tmp)) (i64.const 45))
                          (i64.const 127))))))
                ;; k = tmp >> 52 (arithmetic), as float64 through the low 32 bits of each lane.
                (local.set $k (i64x2.shr_s (local.get $tmp) (i32.const 52)))
                (local.set $k
                  (f64x2.convert_low_i32x4_s
                    (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $k) (local.get $k))))
                ;; r = (z - c) / c with z = q / 2^k (the exponent field lowered by k).
                (local.set $r
                  (f64x2.mul
                    (f64x2.sub
                      (i64x2.sub (local.get $q)
                        (v128.and (local.get $tmp) (v128.const i64x2 0xfff0000000000000 0xfff0000000000000)))
                      (v128.load64_lane 1 (local.get $a1) (v128.load64_zero (local.get $a0))))
                    (v128.load64_lane offset=8 1 (local.get $a1) (v128.load64_zero offset=8 (local.get $a0)))))
                (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
                (local.set $lq
                  (f64x2.add
                    (f64x2.add
                      (f64x2.mul (local.get $k)
                        (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01))
                      (v128.load64_lane offset=16 1 (local.get $a1)
                        (v128.load64_zero offset=16 (local.get $a0))))
                    (f64x2.add (local.get $r)
                      (f64x2.add
                        ;; P(r) = r^2 ((-1/2 + r/3) + r^2 (-1/4 + r/5) + r^4 ((-1/6 + r/7) - r^2/8))
                        (f64x2.mul (local.get $r2)
                          (f64x2.add
                            (f64x2.add
                              (f64x2.add (v128.const f64x2 -0.5 -0.5)
                                (f64x2.mul (local.get $r)
                                  (v128.const f64x2 0.3333333333333333 0.3333333333333333)))
                              (f64x2.mul (local.get $r2)
                                (f64x2.add (v128.const f64x2 -0.25 -0.25)
                                  (f64x2.mul (local.get $r) (v128.const f64x2 0.2 0.2)))))
                            (f64x2.mul (f64x2.mul (local.get $r2) (local.get $r2))
                              (f64x2.add
                                (f64x2.add (v128.const f64x2 -0.16666666666666666 -0.16666666666666666)
                                  (f64x2.mul (local.get $r)
                                    (v128.const f64x2 0.14285714285714285 0.14285714285714285)))
                                (f64x2.mul (local.get $r2) (v128.const f64x2 -0.125 -0.125))))))
                        (f64x2.mul (local.get $k)
                          (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10))))))))
            (local.set $d (f64x2.mul (local.get $va) (local.get $lq)))))
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
                (f64x2.mul (f64x2.mul (local.get $vw) (local.get $dd)) (local.get $dy))
                (local.get $lane)))
            (if (local.get $add)
              (then
                (local.set $dd
                  (f64x2.add (local.get $dd)
                    (if (result v128) (i32.eq (i32.add (local.get $i) (i32.const 1)) (local.get $n))
                      (then (v128.load64_zero (i32.add (local.get $g) (local.get $at))))
                      (else (v128.load (i32.add (local.get $g) (local.get $at)))))))))
            (if (i32.eq (i32.add (local.get $i) (i32.const 1)) (local.get $n))
              (then (v128.store64_lane 0 (i32.add (local.get $g) (local.get $at)) (local.get $dd)))
              (else (v128.store (i32.add (local.get $g) (local.get $at)) (local.get $dd))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc)))))
