;; Issue 17: the logs of the float32 route (src/wasm/pipeline32.ts) in WebAssembly with 128-bit
;; SIMD, four float32 lanes: log u(x) of float64 magnitudes that are float32 values (the float32
;; STFT's), u as wasm/mss.wat defines it per kind (0: b + c x, 1: the floored log, v where v >= thr
;; and eps below (safeLog with thr the smallest subnormal, the clamp with thr = eps), 3: log1p with c), the
;; log in float32, stored as float64 for mss.wat's `fused`. Four at a time; groups with a lane
;; outside the float32 normal range (0, subnormal, inf, or log1p's c x below 2^-126) and the last
;; n mod 4 go to mss.wat's float64 `logs`, imported. `pnpm --filter @losses/mss wasm` assembles this
;; file into src/wasm/module32.ts (a test checks that the two agree).
;;
;; The float32 log is Cephes' logf (S. L. Moshier, Cephes Math Library, logf.c): u = 2^e m with
;; m in [sqrt(1/2), sqrt 2), x = m - 1,
;;   log u = x - x^2 / 2 + x^3 P(x) + e ln2   (ln2 = 0.693359375 - 2.12194440e-4),
;; P of degree 8 (evaluated by Estrin's scheme, not Horner's: a shorter dependency chain); within
;; 2 ulp of float32 (tested against Math.log).
(module
  (import "env" "logs" (func $logs64 (param i32 i32 i32 i32 f64 f64 f64 f64)))
  (import "env" "memory" (memory 1))

  ;; The constants of the loop, splatted once into the region `setTable` is given (336 bytes,
  ;; 16-byte aligned): V8 rebuilds a splat at every use inside a loop (three instructions each, and
  ;; over fifty per four logs here), while a load from this region is one.
  (global $table (mut i32) (i32.const 0))
  (func (export "setTable") (param $p i32)
    (global.set $table (local.get $p))
    (v128.store offset=0 (local.get $p) (i32x4.splat (i32.const 0x00800000)))
    (v128.store offset=16 (local.get $p) (i32x4.splat (i32.const 0x7f000000)))
    (v128.store offset=32 (local.get $p) (i32x4.splat (i32.const 0x007fffff)))
    (v128.store offset=48 (local.get $p) (i32x4.splat (i32.const 0x3f000000)))
    (v128.store offset=64 (local.get $p) (f32x4.splat (f32.const 0.707106781186547524)))
    (v128.store offset=80 (local.get $p) (f32x4.splat (f32.const 1)))
    (v128.store offset=96 (local.get $p) (f32x4.splat (f32.const 3.3333331174e-1)))
    (v128.store offset=112 (local.get $p) (f32x4.splat (f32.const -2.4999993993e-1)))
    (v128.store offset=128 (local.get $p) (f32x4.splat (f32.const 2.0000714765e-1)))
    (v128.store offset=144 (local.get $p) (f32x4.splat (f32.const -1.6668057665e-1)))
    (v128.store offset=160 (local.get $p) (f32x4.splat (f32.const 1.4249322787e-1)))
    (v128.store offset=176 (local.get $p) (f32x4.splat (f32.const -1.2420140846e-1)))
    (v128.store offset=192 (local.get $p) (f32x4.splat (f32.const 1.1676998740e-1)))
    (v128.store offset=208 (local.get $p) (f32x4.splat (f32.const -1.1514610310e-1)))
    (v128.store offset=224 (local.get $p) (f32x4.splat (f32.const 7.0376836292e-2)))
    (v128.store offset=240 (local.get $p) (f32x4.splat (f32.const -2.12194440e-4)))
    (v128.store offset=256 (local.get $p) (f32x4.splat (f32.const 0.5)))
    (v128.store offset=272 (local.get $p) (f32x4.splat (f32.const 0.693359375)))
    (v128.store offset=288 (local.get $p) (i32x4.splat (i32.const 126)))
    (v128.store offset=304 (local.get $p) (f32x4.splat (f32.const 2)))
    (v128.store offset=320 (local.get $p) (v128.const f64x2 0x1p-126 0x1p-126)))

  (func (export "logs") (param $kind i32) (param $x i32) (param $n i32) (param $y i32)
    (param $b f64) (param $c f64) (param $eps f64) (param $thr f64)
    (local $at i32) (local $end i32)
    (local $vb v128) (local $vc v128) (local $ve v128) (local $vt v128)
    (local $v0 v128) (local $v1 v128) (local $u0 v128) (local $u1 v128) (local $u v128) (local $yf v128)
    (local $bits v128) (local $e v128) (local $m v128) (local $lt v128) (local $t v128) (local $z v128)
    (local $p v128) (local $ef v128) (local $l v128) (local $x4 v128) (local $tb i32)
    (local.set $tb (global.get $table))
    (local.set $vb (f64x2.splat (local.get $b)))
    (local.set $vc (f64x2.splat (local.get $c)))
    (local.set $ve (f64x2.splat (local.get $eps)))
    (local.set $vt (f64x2.splat (local.get $thr)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3)))
    (local.set $at (i32.const 0))
    (block $done
      (loop $quads
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $v0 (v128.load offset=0 (i32.add (local.get $x) (local.get $at))))
        (local.set $v1 (v128.load offset=16 (i32.add (local.get $x) (local.get $at))))
        (local.set $yf (v128.const i32x4 0 0 0 0))
        ;; u as float32, and whether a lane is outside the fast path (t: any bit set)
        (local.set $t (v128.const i32x4 0 0 0 0))
        (if (i32.eq (local.get $kind) (i32.const 1))
          (then
            (local.set $u0 (v128.bitselect (local.get $v0) (local.get $ve) (f64x2.ge (local.get $v0) (local.get $vt))))
            (local.set $u1 (v128.bitselect (local.get $v1) (local.get $ve) (f64x2.ge (local.get $v1) (local.get $vt))))
            (local.set $u
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (local.get $u0)) (f32x4.demote_f64x2_zero (local.get $u1)))))
          (else
            (if (i32.eq (local.get $kind) (i32.const 3))
              (then
                ;; y = c x (float32), u = 1 + y; y below 2^-126 (but not 0) is not served here
                (local.set $u0 (f64x2.mul (local.get $vc) (local.get $v0)))
                (local.set $u1 (f64x2.mul (local.get $vc) (local.get $v1)))
                (local.set $t
                  (v128.or
                    (v128.and (f64x2.gt (local.get $u0) (v128.const i64x2 0 0))
                      (f64x2.lt (local.get $u0) (v128.load offset=320 (local.get $tb))))
                    (v128.and (f64x2.gt (local.get $u1) (v128.const i64x2 0 0))
                      (f64x2.lt (local.get $u1) (v128.load offset=320 (local.get $tb))))))
                (local.set $yf
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                    (f32x4.demote_f64x2_zero (local.get $u0)) (f32x4.demote_f64x2_zero (local.get $u1))))
                (local.set $u (f32x4.add (v128.load offset=80 (local.get $tb)) (local.get $yf))))
              (else
                (local.set $u0 (f64x2.add (local.get $vb) (f64x2.mul (local.get $vc) (local.get $v0))))
                (local.set $u1 (f64x2.add (local.get $vb) (f64x2.mul (local.get $vc) (local.get $v1))))
                (local.set $u
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                    (f32x4.demote_f64x2_zero (local.get $u0)) (f32x4.demote_f64x2_zero (local.get $u1))))))))
        ;; u a positive normal finite float32: bits - 2^23 below 0x7f000000 (unsigned)
        (local.set $t
          (v128.or (local.get $t)
            (v128.not
              (i32x4.lt_u (i32x4.sub (local.get $u) (v128.load offset=0 (local.get $tb)))
                (v128.load offset=16 (local.get $tb))))))
        (if (v128.any_true (local.get $t))
          (then
            (call $logs64 (local.get $kind) (i32.add (local.get $x) (local.get $at)) (i32.const 4)
              (i32.add (local.get $y) (local.get $at)) (local.get $b) (local.get $c) (local.get $eps) (local.get $thr)))
          (else
            ;; u = 2^e m, m in [0.5, 1), then m in [sqrt(1/2), sqrt 2) (e lowered where m doubles)
            (local.set $e (i32x4.sub (i32x4.shr_u (local.get $u) (i32.const 23)) (v128.load offset=288 (local.get $tb))))
            (local.set $m
              (v128.or (v128.and (local.get $u) (v128.load offset=32 (local.get $tb)))
                (v128.load offset=48 (local.get $tb))))
            (local.set $lt (f32x4.lt (local.get $m) (v128.load offset=64 (local.get $tb))))
            (local.set $e (i32x4.add (local.get $e) (local.get $lt)))
            (local.set $m
              (f32x4.sub (f32x4.add (local.get $m) (v128.and (local.get $m) (local.get $lt)))
                (v128.load offset=80 (local.get $tb))))
            (local.set $ef (f32x4.convert_i32x4_s (local.get $e)))
            (local.set $z (f32x4.mul (local.get $m) (local.get $m)))
            ;; P(x) = c0 + c1 x + ... + c8 x^8 by Estrin's scheme (a short dependency chain)
            (local.set $x4 (f32x4.mul (local.get $z) (local.get $z)))
            (local.set $p
              (f32x4.add
                (f32x4.add
                  (f32x4.add (v128.load offset=96 (local.get $tb)) (f32x4.mul (local.get $m) (v128.load offset=112 (local.get $tb))))
                  (f32x4.mul (local.get $z)
                    (f32x4.add (v128.load offset=128 (local.get $tb)) (f32x4.mul (local.get $m) (v128.load offset=144 (local.get $tb))))))
                (f32x4.mul (local.get $x4)
                  (f32x4.add
                    (f32x4.add
                      (f32x4.add (v128.load offset=160 (local.get $tb)) (f32x4.mul (local.get $m) (v128.load offset=176 (local.get $tb))))
                      (f32x4.mul (local.get $z)
                        (f32x4.add (v128.load offset=192 (local.get $tb)) (f32x4.mul (local.get $m) (v128.load offset=208 (local.get $tb))))))
                    (f32x4.mul (local.get $x4) (v128.load offset=224 (local.get $tb)))))))
            (local.set $p (f32x4.mul (f32x4.mul (local.get $p) (local.get $m)) (local.get $z)))
            (local.set $p (f32x4.add (local.get $p) (f32x4.mul (local.get $ef) (v128.load offset=240 (local.get $tb)))))
            (local.set $p (f32x4.sub (local.get $p) (f32x4.mul (local.get $z) (v128.load offset=256 (local.get $tb)))))
            (local.set $l
              (f32x4.add (f32x4.add (local.get $m) (local.get $p))
                (f32x4.mul (local.get $ef) (v128.load offset=272 (local.get $tb)))))
            ;; log1p: minus the rounding d = (u - 1) - y of u = 1 + y over u (as mss.wat: d (2 - u))
            (if (i32.eq (local.get $kind) (i32.const 3))
              (then
                (local.set $l
                  (f32x4.sub (local.get $l)
                    (f32x4.mul
                      (f32x4.sub (f32x4.sub (local.get $u) (v128.load offset=80 (local.get $tb))) (local.get $yf))
                      (f32x4.pmax (f32x4.sub (v128.load offset=304 (local.get $tb)) (local.get $u)) (v128.const i32x4 0 0 0 0)))))))
            (v128.store offset=0 (i32.add (local.get $y) (local.get $at)) (f64x2.promote_low_f32x4 (local.get $l)))
            (v128.store offset=16 (i32.add (local.get $y) (local.get $at))
              (f64x2.promote_low_f32x4
                (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $l) (local.get $l))))))
        (local.set $at (i32.add (local.get $at) (i32.const 32)))
        (br $quads)))
    (if (i32.lt_u (local.get $end) (i32.shl (local.get $n) (i32.const 3)))
      (then
        (call $logs64 (local.get $kind) (i32.add (local.get $x) (local.get $end))
          (i32.sub (local.get $n) (i32.shr_u (local.get $end) (i32.const 3)))
          (i32.add (local.get $y) (local.get $end)) (local.get $b) (local.get $c) (local.get $eps) (local.get $thr))))))
