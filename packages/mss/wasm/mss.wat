;; The hot loops of the multi-scale spectral loss in WebAssembly with 128-bit SIMD (two float64
;; lanes): the log-type compressions, the distance and the gradient w.r.t. the estimate's
;; magnitudes, the numbers src/fused.ts computes in JavaScript. `pnpm --filter @losses/mss wasm`
;; assembles this file into src/wasm/module.ts (a test checks that the two agree). Pointers are
;; byte offsets into the imported memory, that of the scale's STFT module, which
;; src/wasm/pipeline.ts lays out.
;;
;; A log-type compression is p(v) = A log(u(v)), by `kind`:
;;   0: u(v) = b + c v, p'(v) = A c / u(v)  (log: A = 1, b = eps, c = 1; db: A = 20 / ln 10,
;;      b = eps, c = 1)
;;   1: a floored log, u(v) = v for v >= thr and eps otherwise, p'(v) = A / v for v >= thr, else 0
;;      (called with b = 0, c = 1): DDSP's safeLog with thr = the smallest subnormal (v >= thr is
;;      v > 0) and A = 1; the clamped log(max(v, eps)) of HiFi-GAN and DAC with thr = eps (the
;;      gradient passes at v = eps, as torch's clamp backward)
;;   3: log1p, as 0 with b = 1, c = gamma, and log u corrected for the rounding of u = 1 + c v
;;      (so log1p of tiny c v is c v, not 0)
;; `logs` computes log u of a spectrogram (the target's once when it is fixed), and `fused` the
;; distance from both spectrograms' magnitudes and logs.
;;
;; V8 (TurboFan) rebuilds a v128.const or a splat at every use inside a loop (three instructions
;; each). So the constants and the splatted parameters live in memory, in the region `setTable`
;; is given, and the loops load them into locals once, before they start.
(module
  (import "env" "log" (func $scalarLog (param f64) (result f64)))
  ;; The memory of the scale's STFT module (@losses/stft's WasmStft), shared.
  (import "env" "memory" (memory 1))

  ;; The region (16-byte aligned): at 0 the log table, 128 subintervals of 32 bytes (c, 1/c,
  ;; log c, unused), which src/wasm/kernel.ts writes; at 4096 the constants below, written here;
  ;; at 4352 the splatted parameters of the running call (160 bytes); at 4512 the magnitude form's
  ;; offset (16 bytes).
  (global $table (mut i32) (i32.const 0))
  (func (export "setTable") (param $p i32)
    (global.set $table (local.get $p))
    (v128.store offset=4096 (local.get $p) (v128.const f64x2 1 1))
    (v128.store offset=4112 (local.get $p) (v128.const i64x2 0x8000000000000000 0x8000000000000000))
    (v128.store offset=4128 (local.get $p) (v128.const f64x2 0x1p-1022 0x1p-1022))
    (v128.store offset=4144 (local.get $p) (v128.const f64x2 inf inf))
    (v128.store offset=4160 (local.get $p) (v128.const i64x2 0x3fe6000000000000 0x3fe6000000000000))
    (v128.store offset=4176 (local.get $p) (v128.const i64x2 0xfff0000000000000 0xfff0000000000000))
    (v128.store offset=4192 (local.get $p) (v128.const i64x2 0xfe0 0xfe0))
    (v128.store offset=4208 (local.get $p) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01))
    (v128.store offset=4224 (local.get $p) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10))
    (v128.store offset=4240 (local.get $p) (v128.const f64x2 -0.5 -0.5))
    (v128.store offset=4256 (local.get $p) (v128.const f64x2 0.3333333333333333 0.3333333333333333))
    (v128.store offset=4272 (local.get $p) (v128.const f64x2 -0.25 -0.25))
    (v128.store offset=4288 (local.get $p) (v128.const f64x2 0.2 0.2))
    (v128.store offset=4304 (local.get $p) (v128.const f64x2 -0.16666666666666666 -0.16666666666666666))
    (v128.store offset=4320 (local.get $p) (v128.const f64x2 0.14285714285714285 0.14285714285714285))
    (v128.store offset=4336 (local.get $p) (v128.const f64x2 -0.125 -0.125)))

  ;; Splats the parameters into the region (see above).
  (func $params (param $tb i32) (param $kind i32) (param $a f64) (param $b f64) (param $c f64)
    (param $eps f64) (param $weight f64) (param $wlin f64) (param $wlog f64) (param $thr f64)
    (v128.store offset=4352 (local.get $tb) (f64x2.splat (local.get $a)))
    (v128.store offset=4368 (local.get $tb) (f64x2.splat (local.get $b)))
    (v128.store offset=4384 (local.get $tb) (f64x2.splat (local.get $c)))
    (v128.store offset=4400 (local.get $tb) (f64x2.splat (local.get $eps)))
    (v128.store offset=4416 (local.get $tb) (f64x2.splat (f64.mul (local.get $a) (local.get $c))))
    (v128.store offset=4432 (local.get $tb) (f64x2.splat (local.get $weight)))
    ;; kinds 0 and 3: every lane has u = b + c v (all ones); kind 1: only those with v >= thr
    ;; (from the data).
    (v128.store offset=4448 (local.get $tb)
      (i8x16.splat (select (i32.const -1) (i32.const 0) (i32.ne (local.get $kind) (i32.const 1)))))
    (v128.store offset=4464 (local.get $tb) (f64x2.splat (local.get $wlin)))
    (v128.store offset=4480 (local.get $tb) (f64x2.splat (local.get $wlog)))
    (v128.store offset=4496 (local.get $tb) (f64x2.splat (local.get $thr))))

  ;; y[i] = log u(x[i]) for i < n ($x and $y float64 arrays; $y may be $x), two at a time, a last
  ;; element alone in both lanes.
  ;;
  ;; The log is the table method of Tang ("Table-driven implementation of the logarithm function
  ;; in IEEE floating-point arithmetic", ACM TOMS 16(4), 1990) in the layout of the ARM
  ;; optimized-routines log: v = 2^k z with z in [0.6875, 1.375), the top 7 mantissa bits of v pick
  ;; one of 128 subintervals with centre c, and
  ;;   log v = k ln2_hi + log c + (r + (P(r) + k ln2_lo)),  r = (z - c) (1/c),  |r| <= 2^-7,
  ;; with P(r) = -r^2/2 + r^3/3 - ... - r^8/8 (truncation below 2^-66; Estrin's scheme). z - c is
  ;; exact (Sterbenz). The two subintervals next to 1 use c = 1, so log v = log1p(v - 1) there
  ;; without cancellation. Lanes that are not positive normal finite numbers (0, subnormal, inf,
  ;; NaN) go to the imported Math.log. Within 1 ulp of Math.log (tested).
  (func (export "logs") (param $kind i32) (param $x i32) (param $n i32) (param $y i32)
    (param $b f64) (param $c f64) (param $eps f64) (param $thr f64)
    (local $i i32) (local $at i32) (local $tb i32) (local $a0 i32) (local $a1 i32)
    (local $vb v128) (local $vc v128) (local $ve v128) (local $all v128) (local $vt v128)
    (local $min v128) (local $inf v128) (local $off v128) (local $expmask v128)
    (local $idxmask v128) (local $ln2hi v128) (local $ln2lo v128)
    (local $c2 v128) (local $c3 v128) (local $c4 v128) (local $c5 v128) (local $c6 v128)
    (local $c7 v128) (local $c8 v128)
    (local $xv v128) (local $u v128) (local $tmp v128) (local $ix v128) (local $k v128)
    (local $r v128) (local $r2 v128) (local $l v128) (local $one v128) (local $two v128)
    (local $zero v128)
    (local.set $tb (global.get $table))
    (call $params (local.get $tb) (local.get $kind) (f64.const 1) (local.get $b) (local.get $c)
      (local.get $eps) (f64.const 0) (f64.const 0) (f64.const 0) (local.get $thr))
    (local.set $vb (v128.load offset=4368 (local.get $tb)))
    (local.set $vc (v128.load offset=4384 (local.get $tb)))
    (local.set $ve (v128.load offset=4400 (local.get $tb)))
    (local.set $all (v128.load offset=4448 (local.get $tb)))
    (local.set $vt (v128.load offset=4496 (local.get $tb)))
    (local.set $min (v128.load offset=4128 (local.get $tb)))
    (local.set $inf (v128.load offset=4144 (local.get $tb)))
    (local.set $off (v128.load offset=4160 (local.get $tb)))
    (local.set $expmask (v128.load offset=4176 (local.get $tb)))
    (local.set $idxmask (v128.load offset=4192 (local.get $tb)))
    (local.set $ln2hi (v128.load offset=4208 (local.get $tb)))
    (local.set $ln2lo (v128.load offset=4224 (local.get $tb)))
    (local.set $c2 (v128.load offset=4240 (local.get $tb)))
    (local.set $c3 (v128.load offset=4256 (local.get $tb)))
    (local.set $c4 (v128.load offset=4272 (local.get $tb)))
    (local.set $c5 (v128.load offset=4288 (local.get $tb)))
    (local.set $c6 (v128.load offset=4304 (local.get $tb)))
    (local.set $c7 (v128.load offset=4320 (local.get $tb)))
    (local.set $c8 (v128.load offset=4336 (local.get $tb)))
    (local.set $one (v128.load offset=4096 (local.get $tb)))
    (local.set $two (f64x2.add (local.get $one) (local.get $one)))
    (local.set $zero (f64x2.sub (local.get $one) (local.get $one)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $at (i32.shl (local.get $i) (i32.const 3)))
        (if (i32.eq (i32.add (local.get $i) (i32.const 1)) (local.get $n))
          (then (local.set $xv (v128.load64_splat (i32.add (local.get $x) (local.get $at)))))
          (else (local.set $xv (v128.load (i32.add (local.get $x) (local.get $at))))))
        (local.set $u
          (v128.bitselect
            (f64x2.add (local.get $vb) (f64x2.mul (local.get $vc) (local.get $xv)))
            (local.get $ve)
            (v128.or (local.get $all) (f64x2.ge (local.get $xv) (local.get $vt)))))
        (if (i64x2.all_true
              (v128.and (f64x2.ge (local.get $u) (local.get $min)) (f64x2.lt (local.get $u) (local.get $inf))))
          (then
            ;; tmp = u - bits(0.6875): its exponent field is k, bits 45..51 the subinterval.
            (local.set $tmp (i64x2.sub (local.get $u) (local.get $off)))
            (local.set $ix (v128.and (i64x2.shr_u (local.get $tmp) (i32.const 40)) (local.get $idxmask)))
            (local.set $a0 (i32.add (local.get $tb) (i32.wrap_i64 (i64x2.extract_lane 0 (local.get $ix)))))
            (local.set $a1 (i32.add (local.get $tb) (i32.wrap_i64 (i64x2.extract_lane 1 (local.get $ix)))))
            ;; k = tmp >> 52 (arithmetic): the high words shifted by 20, to float64.
            (local.set $k
              (f64x2.convert_low_i32x4_s
                (i8x16.shuffle 4 5 6 7 12 13 14 15 4 5 6 7 12 13 14 15
                  (i32x4.shr_s (local.get $tmp) (i32.const 20)) (local.get $tmp))))
            ;; r = (z - c) / c with z = u / 2^k (the exponent field lowered by k).
            (local.set $r
              (f64x2.mul
                (f64x2.sub
                  (i64x2.sub (local.get $u) (v128.and (local.get $tmp) (local.get $expmask)))
                  (v128.load64_lane 1 (local.get $a1) (v128.load64_zero (local.get $a0))))
                (v128.load64_lane offset=8 1 (local.get $a1) (v128.load64_zero offset=8 (local.get $a0)))))
            (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
            (local.set $l
              (f64x2.add
                (f64x2.add
                  (f64x2.mul (local.get $k) (local.get $ln2hi))
                  (v128.load64_lane offset=16 1 (local.get $a1) (v128.load64_zero offset=16 (local.get $a0))))
                (f64x2.add (local.get $r)
                  (f64x2.add
                    ;; P(r) = r^2 ((c2 + c3 r) + r^2 (c4 + c5 r) + r^4 ((c6 + c7 r) + c8 r^2))
                    (f64x2.mul (local.get $r2)
                      (f64x2.add
                        (f64x2.add
                          (f64x2.add (local.get $c2) (f64x2.mul (local.get $r) (local.get $c3)))
                          (f64x2.mul (local.get $r2)
                            (f64x2.add (local.get $c4) (f64x2.mul (local.get $r) (local.get $c5)))))
                        (f64x2.mul (f64x2.mul (local.get $r2) (local.get $r2))
                          (f64x2.add
                            (f64x2.add (local.get $c6) (f64x2.mul (local.get $r) (local.get $c7)))
                            (f64x2.mul (local.get $r2) (local.get $c8))))))
                    (f64x2.mul (local.get $k) (local.get $ln2lo)))))))
          (else
            (local.set $l
              (f64x2.replace_lane 1
                (f64x2.splat (call $scalarLog (f64x2.extract_lane 0 (local.get $u))))
                (call $scalarLog (f64x2.extract_lane 1 (local.get $u)))))))
        ;; log1p: with y = c v and d = (u - 1) - y (exact: the rounding of u = 1 + y), log1p(y) =
        ;; log u - d / u + O(d^2), and d / u = d (2 - u) + O(d (u - 1)^2) for u < 2 (the correction
        ;; is below half an ulp of log u from u = 2 on). Tiny y: u = 1, log1p(y) = y.
        (if (i32.eq (local.get $kind) (i32.const 3))
          (then
            (local.set $l
              (f64x2.sub (local.get $l)
                (f64x2.mul
                  (f64x2.sub (f64x2.sub (local.get $u) (local.get $one))
                    (f64x2.mul (local.get $vc) (local.get $xv)))
                  (f64x2.pmax (f64x2.sub (local.get $two) (local.get $u)) (local.get $zero)))))))
        (if (i32.eq (i32.add (local.get $i) (i32.const 1)) (local.get $n))
          (then (v128.store64_lane 0 (i32.add (local.get $y) (local.get $at)) (local.get $l)))
          (else (v128.store (i32.add (local.get $y) (local.get $at)) (local.get $l))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs))))

  ;; sum_i wlin dist(x_i - t_i) + wlog dist(A (lx_i - lt_i)) over i < n, with dist |.| or (.)^2
  ;; ($squared), x and t the magnitudes and lx and lt their logs from `logs` (kind 0, 1, 3; kind 2:
  ;; no log term), and with $grad its gradient w.r.t. x_i times $weight (the adjoint STFT's dL/d|X|),
  ;; stored into g[i] or added to it with $add. The two lanes sum
  ;; the even and the odd elements; the total is their sum. A last element alone goes through the
  ;; same code in both lanes, the second masked out.
  (func (export "fused") (param $kind i32) (param $squared i32) (param $grad i32) (param $add i32)
    (param $x i32) (param $t i32) (param $lx i32) (param $lt i32) (param $n i32) (param $g i32)
    (param $wlin f64) (param $wlog f64) (param $weight f64) (param $a f64) (param $b f64)
    (param $c f64) (param $eps f64) (param $thr f64) (result f64)
    (local $i i32) (local $at i32) (local $tb i32) (local $tail i32)
    (local $va v128) (local $vb v128) (local $vc v128) (local $ve v128) (local $vac v128)
    (local $vw v128) (local $all v128) (local $vt v128) (local $vwl v128) (local $vwg v128) (local $one v128)
    (local $sign v128)
    (local $lane v128) (local $acc v128) (local $xv v128) (local $pos v128) (local $d v128)
    (local $d1 v128) (local $s1 v128) (local $dy v128) (local $dd v128) (local $ue v128)
    (local.set $tb (global.get $table))
    (call $params (local.get $tb) (local.get $kind) (local.get $a) (local.get $b) (local.get $c)
      (local.get $eps)
      (select (f64.mul (f64.const 2) (local.get $weight)) (local.get $weight) (local.get $squared))
      (local.get $wlin) (local.get $wlog) (local.get $thr))
    (local.set $va (v128.load offset=4352 (local.get $tb)))
    (local.set $vb (v128.load offset=4368 (local.get $tb)))
    (local.set $vc (v128.load offset=4384 (local.get $tb)))
    (local.set $ve (v128.load offset=4400 (local.get $tb)))
    (local.set $vac (v128.load offset=4416 (local.get $tb)))
    (local.set $vw (v128.load offset=4432 (local.get $tb)))
    (local.set $all (v128.load offset=4448 (local.get $tb)))
    (local.set $vt (v128.load offset=4496 (local.get $tb)))
    (local.set $vwl (v128.load offset=4464 (local.get $tb)))
    (local.set $vwg (v128.load offset=4480 (local.get $tb)))
    (local.set $one (v128.load offset=4096 (local.get $tb)))
    (local.set $sign (v128.load offset=4112 (local.get $tb)))
    (local.set $acc (v128.const i64x2 0 0))
    (local.set $i (i32.const 0))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $at (i32.shl (local.get $i) (i32.const 3)))
        (local.set $tail (i32.eq (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
        (if (local.get $tail)
          (then
            (local.set $lane (v128.const i64x2 -1 0))
            (local.set $xv (v128.load64_splat (i32.add (local.get $x) (local.get $at))))
            (local.set $d1 (f64x2.sub (local.get $xv) (v128.load64_splat (i32.add (local.get $t) (local.get $at))))))
          (else
            (local.set $lane (v128.const i64x2 -1 -1))
            (local.set $xv (v128.load (i32.add (local.get $x) (local.get $at))))
            (local.set $d1 (f64x2.sub (local.get $xv) (v128.load (i32.add (local.get $t) (local.get $at)))))))
        (local.set $d1 (v128.and (local.get $d1) (local.get $lane)))
        (local.set $d (v128.const i64x2 0 0))
        (local.set $dy (v128.const i64x2 0 0))
        (local.set $ue (local.get $one))
        (if (i32.ne (local.get $kind) (i32.const 2))
          (then
            (if (local.get $tail)
              (then
                (local.set $d
                  (f64x2.sub (v128.load64_splat (i32.add (local.get $lx) (local.get $at)))
                    (v128.load64_splat (i32.add (local.get $lt) (local.get $at))))))
              (else
                (local.set $d
                  (f64x2.sub (v128.load (i32.add (local.get $lx) (local.get $at)))
                    (v128.load (i32.add (local.get $lt) (local.get $at)))))))
            (local.set $d (v128.and (f64x2.mul (local.get $va) (local.get $d)) (local.get $lane)))
            (if (local.get $grad)
              (then
                ;; p'(x) = dy / u(x) with dy = A c, or 0 where kind 1's x < thr
                (local.set $pos (v128.or (local.get $all) (f64x2.ge (local.get $xv) (local.get $vt))))
                (local.set $ue
                  (v128.bitselect
                    (f64x2.add (local.get $vb) (f64x2.mul (local.get $vc) (local.get $xv)))
                    (local.get $ve) (local.get $pos)))
                (local.set $dy (v128.and (local.get $vac) (local.get $pos)))))))
        (if (local.get $squared)
          (then
            (local.set $acc
              (f64x2.add (local.get $acc)
                (f64x2.add
                  ;; (w d) d: a weight 0 gives 0 even where d^2 overflows (w d^2 would be NaN).
                  (f64x2.mul (f64x2.mul (local.get $vwl) (local.get $d1)) (local.get $d1))
                  (f64x2.mul (f64x2.mul (local.get $vwg) (local.get $d)) (local.get $d)))))
            (local.set $s1 (local.get $d1))
            (local.set $dd (local.get $d)))
          (else
            (local.set $acc
              (f64x2.add (local.get $acc)
                (f64x2.add
                  (f64x2.mul (local.get $vwl) (v128.andnot (local.get $d1) (local.get $sign)))
                  (f64x2.mul (local.get $vwg) (v128.andnot (local.get $d) (local.get $sign))))))
            ;; sign(d): +1, -1 or 0 (the sign bit of d on 1, where d is not 0)
            (local.set $s1
              (v128.and
                (v128.or (v128.and (local.get $d1) (local.get $sign)) (local.get $one))
                (f64x2.ne (local.get $d1) (v128.const f64x2 0 0))))
            (local.set $dd
              (v128.and
                (v128.or (v128.and (local.get $d) (local.get $sign)) (local.get $one))
                (f64x2.ne (local.get $d) (v128.const f64x2 0 0))))))
        (if (local.get $grad)
          (then
            ;; weight (wlin s1 + wlog s2 dy / u). (Not wlin s1 u + ..., over u: s1 u overflows for
            ;; magnitudes near 1e300; and not divided by x: the adjoint STFT divides X by its
            ;; magnitude, which stays finite where 1 / (u x) would overflow below x = 1e-154.)
            (local.set $dd
              (v128.and
                (f64x2.mul (local.get $vw)
                  (f64x2.add
                    (f64x2.mul (local.get $vwl) (local.get $s1))
                    (f64x2.div
                      (f64x2.mul (f64x2.mul (local.get $vwg) (local.get $dd)) (local.get $dy))
                      (local.get $ue))))
                (local.get $lane)))
            (if (local.get $tail)
              (then
                (if (local.get $add)
                  (then
                    (local.set $dd
                      (f64x2.add (local.get $dd) (v128.load64_zero (i32.add (local.get $g) (local.get $at)))))))
                (v128.store64_lane 0 (i32.add (local.get $g) (local.get $at)) (local.get $dd)))
              (else
                (if (local.get $add)
                  (then
                    (local.set $dd
                      (f64x2.add (local.get $dd) (v128.load (i32.add (local.get $g) (local.get $at)))))))
                (v128.store (i32.add (local.get $g) (local.get $at)) (local.get $dd))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))

  ;; Issue 14: a filterbank as band ranges (src/scales/filterbank.ts) on rows of magnitudes. Band b
  ;; has the weights w[o_b .. o_(b+1)) (float64 at $w) on the bins s_b, s_b + 1, ...; $idx holds
  ;; s_0 .. s_(nb-1), then o_0 .. o_nb (i32). Two rows at a time (one per lane; a last row alone
  ;; in both lanes, stored once), each summed in the order of src/scales/filterbank.ts, so the
  ;; numbers are those of its JavaScript functions to the last bit.
  ;; `bands`: out[r nb + b] = sum_j w[o_b + j] mag[r bins + s_b + j] (rows x nb values).
  (func (export "bands") (param $w i32) (param $idx i32) (param $nb i32) (param $bins i32)
    (param $mag i32) (param $rows i32) (param $out i32)
    (local $r i32) (local $b i32) (local $m0 i32) (local $m1 i32) (local $p i32) (local $e i32)
    (local $two i32) (local $acc v128)
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        ;; the second lane's row: r + 1, or r again for a last row alone
        (local.set $two (i32.lt_u (i32.add (local.get $r) (i32.const 1)) (local.get $rows)))
        (local.set $b (i32.const 0))
        (block $bdone
          (loop $band
            (br_if $bdone (i32.ge_u (local.get $b) (local.get $nb)))
            (local.set $m0
              (i32.add (local.get $mag)
                (i32.shl
                  (i32.add (i32.mul (local.get $r) (local.get $bins))
                    (i32.load (i32.add (local.get $idx) (i32.shl (local.get $b) (i32.const 2)))))
                  (i32.const 3))))
            (local.set $m1
              (i32.add (local.get $m0) (i32.shl (i32.mul (local.get $two) (local.get $bins)) (i32.const 3))))
            (local.set $e (i32.add (local.get $idx) (i32.shl (i32.add (local.get $nb) (local.get $b)) (i32.const 2))))
            (local.set $p (i32.add (local.get $w) (i32.shl (i32.load (local.get $e)) (i32.const 3))))
            (local.set $e (i32.add (local.get $w) (i32.shl (i32.load offset=4 (local.get $e)) (i32.const 3))))
            (local.set $acc (v128.const i64x2 0 0))
            (block $jdone
              (loop $j
                (br_if $jdone (i32.ge_u (local.get $p) (local.get $e)))
                (local.set $acc
                  (f64x2.add (local.get $acc)
                    (f64x2.mul (v128.load64_splat (local.get $p))
                      (v128.load64_lane 1 (local.get $m1) (v128.load64_zero (local.get $m0))))))
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (local.set $m0 (i32.add (local.get $m0) (i32.const 8)))
                (local.set $m1 (i32.add (local.get $m1) (i32.const 8)))
                (br $j)))
            (local.set $p (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $nb)) (local.get $b)) (i32.const 3))))
            (v128.store64_lane 0 (local.get $p) (local.get $acc))
            (if (local.get $two)
              (then (v128.store64_lane 1 (i32.add (local.get $p) (i32.shl (local.get $nb) (i32.const 3))) (local.get $acc))))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $band)))
        (local.set $r (i32.add (local.get $r) (i32.const 2)))
        (br $row))))

  ;; `bandsT`, the transpose: out[r bins + k] = sum_b g[r nb + b] W[b, k] (rows x bins values,
  ;; overwritten), each band's range added in band order. (The JavaScript function skips bands
  ;; whose g is 0; adding 0 w changes no sum, as no sum is -0.)
  (func (export "bandsT") (param $w i32) (param $idx i32) (param $nb i32) (param $bins i32)
    (param $g i32) (param $rows i32) (param $out i32)
    (local $r i32) (local $b i32) (local $o0 i32) (local $o1 i32) (local $p i32) (local $e i32)
    (local $two i32) (local $gv v128) (local $v v128)
    (memory.fill (local.get $out) (i32.const 0)
      (i32.shl (i32.mul (local.get $rows) (local.get $bins)) (i32.const 3)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $two (i32.lt_u (i32.add (local.get $r) (i32.const 1)) (local.get $rows)))
        (local.set $b (i32.const 0))
        (block $bdone
          (loop $band
            (br_if $bdone (i32.ge_u (local.get $b) (local.get $nb)))
            (local.set $p (i32.add (local.get $g) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $nb)) (local.get $b)) (i32.const 3))))
            ;; a last row alone: its g in both lanes, the second lane's sums (the same) stored over
            ;; the first's
            (local.set $gv
              (v128.load64_lane 1 (i32.add (local.get $p) (i32.shl (i32.mul (local.get $two) (local.get $nb)) (i32.const 3)))
                (v128.load64_zero (local.get $p))))
            (local.set $o0
              (i32.add (local.get $out)
                (i32.shl
                  (i32.add (i32.mul (local.get $r) (local.get $bins))
                    (i32.load (i32.add (local.get $idx) (i32.shl (local.get $b) (i32.const 2)))))
                  (i32.const 3))))
            (local.set $o1
              (i32.add (local.get $o0) (i32.shl (i32.mul (local.get $two) (local.get $bins)) (i32.const 3))))
            (local.set $e (i32.add (local.get $idx) (i32.shl (i32.add (local.get $nb) (local.get $b)) (i32.const 2))))
            (local.set $p (i32.add (local.get $w) (i32.shl (i32.load (local.get $e)) (i32.const 3))))
            (local.set $e (i32.add (local.get $w) (i32.shl (i32.load offset=4 (local.get $e)) (i32.const 3))))
            (block $jdone
              (loop $j
                (br_if $jdone (i32.ge_u (local.get $p) (local.get $e)))
                (local.set $v
                  (f64x2.add (v128.load64_lane 1 (local.get $o1) (v128.load64_zero (local.get $o0)))
                    (f64x2.mul (local.get $gv) (v128.load64_splat (local.get $p)))))
                (v128.store64_lane 0 (local.get $o0) (local.get $v))
                (v128.store64_lane 1 (local.get $o1) (local.get $v))
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (local.set $o0 (i32.add (local.get $o0) (i32.const 8)))
                (local.set $o1 (i32.add (local.get $o1) (i32.const 8)))
                (br $j)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $band)))
        (local.set $r (i32.add (local.get $r) (i32.const 2)))
        (br $row))))

  ;; Issue 14: the magnitude form of src/magnitude-forms.ts on n magnitudes m at $x, into $out
  ;; (and with $grad its derivative into $d): q = m m + offset; $square: S = q, dS/dm = 2 m;
  ;; else S = sqrt(q), dS/dm = m / S. The same operations, so the same numbers, as there (every
  ;; one correctly rounded). The offset's splat goes through the region (see above) at 4512.
  (func (export "form") (param $x i32) (param $n i32) (param $out i32) (param $d i32)
    (param $offset f64) (param $square i32) (param $grad i32)
    (local $i i32) (local $at i32) (local $tail i32) (local $off v128) (local $m v128)
    (local $q v128) (local $dv v128)
    (v128.store offset=4512 (global.get $table) (f64x2.splat (local.get $offset)))
    (local.set $off (v128.load offset=4512 (global.get $table)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $at (i32.shl (local.get $i) (i32.const 3)))
        (local.set $tail (i32.eq (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
        (if (local.get $tail)
          (then (local.set $m (v128.load64_splat (i32.add (local.get $x) (local.get $at)))))
          (else (local.set $m (v128.load (i32.add (local.get $x) (local.get $at))))))
        (local.set $q (f64x2.add (f64x2.mul (local.get $m) (local.get $m)) (local.get $off)))
        (if (local.get $square)
          (then (local.set $dv (f64x2.add (local.get $m) (local.get $m))))
          (else
            (local.set $q (f64x2.sqrt (local.get $q)))
            (local.set $dv (f64x2.div (local.get $m) (local.get $q)))))
        (if (local.get $tail)
          (then
            (v128.store64_lane 0 (i32.add (local.get $out) (local.get $at)) (local.get $q))
            (if (local.get $grad)
              (then (v128.store64_lane 0 (i32.add (local.get $d) (local.get $at)) (local.get $dv)))))
          (else
            (v128.store (i32.add (local.get $out) (local.get $at)) (local.get $q))
            (if (local.get $grad)
              (then (v128.store (i32.add (local.get $d) (local.get $at)) (local.get $dv))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs))))

  ;; y[i] = y[i] e[i] for i < n (the chain rule through the magnitude form).
  (func (export "mul") (param $y i32) (param $e i32) (param $n i32)
    (local $i i32) (local $at i32)
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
        (local.set $at (i32.shl (local.get $i) (i32.const 3)))
        (v128.store (i32.add (local.get $y) (local.get $at))
          (f64x2.mul (v128.load (i32.add (local.get $y) (local.get $at)))
            (v128.load (i32.add (local.get $e) (local.get $at)))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $at (i32.shl (local.get $i) (i32.const 3)))
        (f64.store (i32.add (local.get $y) (local.get $at))
          (f64.mul (f64.load (i32.add (local.get $y) (local.get $at)))
            (f64.load (i32.add (local.get $e) (local.get $at)))))))))
