;; Issue 17: the loss loop of the float32 route (src/wasm/pipeline32.ts) in WebAssembly with 128-bit
;; SIMD, four float32 lanes, on float32 rows: the numbers of wasm/mss.wat's `fused` (see there for
;; the kinds of log u(x) and the formulas) for magnitudes x (estimate) and t (target) that are
;; float32 values, with
;; - d = A (log u(x) - log u(t)) computed here in float32, four at a time, as one log of the
;;   quotient A log(u(x) / u(t)) (one log per value, and no cancellation between two logs), or with
;;   a fixed target's logs given (read) as A (log u(x) - log u(t)); no log stored;
;; - the distances d1 = x - t and d in float32, their |.| or squares summed in float64 (float32
;;   values promoted: squares of tiny or huge d neither underflow nor overflow), times wlin and
;;   wlog once at the end;
;; - with $grad, dL/d|X| in float32: weight (wlin s1 + wlog A c s2 / u(x)) with s = sign(d) (l1) or
;;   d (squared L2, weight doubled), stored into the float32 rows at $g or added to them ($add).
;; Groups of four with a lane outside the float32 fast path (u(x), u(t) or their quotient not a
;; normal float32; log1p with 0 < c x < 2^-126) and the last n mod 4 values go to mss.wat's
;; float64 `logs` and `fused` (imported) through a float64 scratch: exactly its numbers, rounded to
;; float32 for dL/d|X|.
;; An item's numbers so depend on its own magnitudes only. `pnpm --filter @losses/mss wasm`
;; assembles this file into src/wasm/module32.ts (a test checks that the two agree).
;;
;; The float32 log is Cephes' logf (S. L. Moshier, Cephes Math Library, logf.c): u = 2^e m with
;; m in [sqrt(1/2), sqrt 2), x = m - 1,
;;   log u = x - x^2 / 2 + x^3 P(x) + e ln2   (ln2 = 0.693359375 - 2.12194440e-4),
;; P of degree 8 (evaluated by Estrin's scheme, not Horner's: a shorter dependency chain); within
;; 2 ulp of float32 (tested against Math.log).
(module
  (import "env" "logs" (func $logs64 (param i32 i32 i32 i32 f64 f64 f64 f64)))
  (import "env" "fused" (func $fused64
    (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 f64 f64 f64 f64 f64 f64 f64 f64) (result f64)))
  (import "env" "memory" (memory 1))

  ;; The region `setTable` is given (1232 bytes, 16-byte aligned): the loop's constants at 0 .. 351,
  ;; splatted once (V8 rebuilds a splat at every use inside a loop, three instructions each, while a
  ;; load from here is one); the running call's splatted parameters at 352 .. 463 (b, c, eps, thr,
  ;; A, wlin weight, wlog weight A c; 464 .. 495 unused); a float64
  ;; scratch for the slow path at 496 (x, t, log x, log t, dL/d|X|: four values each); a block's
  ;; d and u(x) at 656 and 912 (64 float32 values each) and its groups' flags at 1168 (16 i32).
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
    (v128.store offset=320 (local.get $p) (i32x4.splat (i32.const 0x80000000)))
    (v128.store offset=336 (local.get $p) (f32x4.splat (f32.const 0x1p-126))))

  ;; The float64 route's numbers for `count` (<= 4) values at byte offset $at of the float32 rows:
  ;; copied to the scratch as float64, mss.wat's `logs` and `fused` there, dL/d|X| back as float32.
  ;; Returns `fused`'s sum.
  (func $slow (param $kind i32) (param $squared i32) (param $grad i32) (param $add i32)
    (param $x i32) (param $t i32) (param $lt i32) (param $count i32) (param $g i32)
    (param $wlin f64) (param $wlog f64) (param $weight f64) (param $a f64) (param $b f64)
    (param $c f64) (param $eps f64) (param $thr f64) (result f64)
    (local $s i32) (local $i i32) (local $r f64)
    (local.set $s (i32.add (global.get $table) (i32.const 496)))
    (local.set $i (i32.const 0))
    (loop $copy
      (f64.store offset=0 (i32.add (local.get $s) (i32.shl (local.get $i) (i32.const 3)))
        (f64.promote_f32 (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))
      (f64.store offset=32 (i32.add (local.get $s) (i32.shl (local.get $i) (i32.const 3)))
        (f64.promote_f32 (f32.load (i32.add (local.get $t) (i32.shl (local.get $i) (i32.const 2))))))
      (if (local.get $lt)
        (then
          (f64.store offset=96 (i32.add (local.get $s) (i32.shl (local.get $i) (i32.const 3)))
            (f64.promote_f32 (f32.load (i32.add (local.get $lt) (i32.shl (local.get $i) (i32.const 2))))))))
      (if (local.get $add)
        (then
          (f64.store offset=128 (i32.add (local.get $s) (i32.shl (local.get $i) (i32.const 3)))
            (f64.promote_f32 (f32.load (i32.add (local.get $g) (i32.shl (local.get $i) (i32.const 2))))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $copy (i32.lt_u (local.get $i) (local.get $count))))
    (if (i32.ne (local.get $kind) (i32.const 2))
      (then
        (call $logs64 (local.get $kind) (local.get $s) (local.get $count) (i32.add (local.get $s) (i32.const 64))
          (local.get $b) (local.get $c) (local.get $eps) (local.get $thr))
        (if (i32.eqz (local.get $lt))
          (then
            (call $logs64 (local.get $kind) (i32.add (local.get $s) (i32.const 32)) (local.get $count)
              (i32.add (local.get $s) (i32.const 96)) (local.get $b) (local.get $c) (local.get $eps) (local.get $thr))))))
    (local.set $r
      (call $fused64 (local.get $kind) (local.get $squared) (local.get $grad) (local.get $add)
        (local.get $s) (i32.add (local.get $s) (i32.const 32)) (i32.add (local.get $s) (i32.const 64))
        (i32.add (local.get $s) (i32.const 96)) (local.get $count) (i32.add (local.get $s) (i32.const 128))
        (local.get $wlin) (local.get $wlog) (local.get $weight) (local.get $a) (local.get $b)
        (local.get $c) (local.get $eps) (local.get $thr)))
    (if (local.get $grad)
      (then
        (local.set $i (i32.const 0))
        (loop $back
          (f32.store (i32.add (local.get $g) (i32.shl (local.get $i) (i32.const 2)))
            (f32.demote_f64 (f64.load offset=128 (i32.add (local.get $s) (i32.shl (local.get $i) (i32.const 3))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $back (i32.lt_u (local.get $i) (local.get $count))))))
    (local.get $r))

  ;; sum_i wlin dist(x_i - t_i) + wlog dist(A (log u(x_i) - log u(t_i))) over i < n (float32 rows
  ;; $x, $t; the target's logs from the float32 rows at $lt when $lt is not 0), and with $grad its
  ;; gradient w.r.t. x_i times $weight into the float32 rows at $g (added with $add). The arguments
  ;; of mss.wat's `fused`, without its $lx. In blocks of 64 values, two loops each: the first takes
  ;; the logs (d and u(x) into the scratch, a group's flag where it left the fast path and went to
  ;; $slow), the second the sums and dL/d|X|. (One loop doing both runs at half the speed in V8: its
  ;; body, with the log's long dependency chain, is too large for the processor to overlap
  ;; iterations.)
  (func (export "fused") (param $kind i32) (param $squared i32) (param $grad i32) (param $add i32)
    (param $x i32) (param $t i32) (param $lt i32) (param $n i32) (param $g i32)
    (param $wlin f64) (param $wlog f64) (param $weight f64) (param $a f64) (param $b f64)
    (param $c f64) (param $eps f64) (param $thr f64) (result f64)
    (local $tb i32) (local $at i32) (local $end i32) (local $stop i32) (local $k i32)
    (local $w f64) (local $slowSum f64) (local $acc1 v128) (local $acc2 v128)
    (local $xq v128) (local $v v128) (local $u v128) (local $y v128) (local $bad v128)
    (local $ue v128) (local $ce v128) (local $cr v128) (local $l v128) (local $e v128) (local $m v128)
    (local $lo v128) (local $z v128) (local $x4 v128) (local $p v128) (local $ef v128)
    (local $d1 v128) (local $d v128) (local $s1 v128) (local $s2 v128) (local $dd v128)
    (local.set $tb (global.get $table))
    ;; the parameters, splatted as float32 (thr rounded up: for a float32 x, x >= thr in float64
    ;; exactly when x >= thr32)
    (local.set $w (select (f64.mul (f64.const 2) (local.get $weight)) (local.get $weight) (local.get $squared)))
    (v128.store offset=352 (local.get $tb) (f32x4.splat (f32.demote_f64 (local.get $b))))
    (v128.store offset=368 (local.get $tb) (f32x4.splat (f32.demote_f64 (local.get $c))))
    (v128.store offset=384 (local.get $tb) (f32x4.splat (f32.demote_f64 (local.get $eps))))
    (v128.store offset=400 (local.get $tb)
      (i32x4.splat
        (i32.add (i32.reinterpret_f32 (f32.demote_f64 (local.get $thr)))
          (f64.lt (f64.promote_f32 (f32.demote_f64 (local.get $thr))) (local.get $thr)))))
    (v128.store offset=416 (local.get $tb) (f32x4.splat (f32.demote_f64 (local.get $a))))
    (v128.store offset=432 (local.get $tb) (f32x4.splat (f32.demote_f64 (f64.mul (local.get $w) (local.get $wlin)))))
    (v128.store offset=448 (local.get $tb)
      (f32x4.splat (f32.demote_f64
        (f64.mul (f64.mul (local.get $w) (local.get $wlog)) (f64.mul (local.get $a) (local.get $c))))))
    (local.set $acc1 (v128.const i64x2 0 0))
    (local.set $acc2 (v128.const i64x2 0 0))
    (local.set $slowSum (f64.const 0))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $at (i32.const 0))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $stop
          (select (i32.add (local.get $at) (i32.const 256)) (local.get $end)
            (i32.lt_u (i32.add (local.get $at) (i32.const 256)) (local.get $end))))
        ;; The logs: d = A (log u(x) - log u(t)) and u(x) into the scratch at 656 and 912, a
        ;; group's flag (at 1168) where it went to $slow. (Kind 2, no log: d = 0, u = 1.)
        (local.set $k (i32.const 0))
        (loop $logs
          (local.set $bad (v128.const i64x2 0 0))
          (local.set $d (v128.const i64x2 0 0))
          (local.set $ue (v128.load offset=80 (local.get $tb)))
          (if (i32.ne (local.get $kind) (i32.const 2))
            (then
              ;; u(v) = b + c v as float32 (kind 1: v where v >= thr, else eps), the log1p
              ;; rounding term, and whether a lane leaves the fast path: of the estimate (ue, ce)
              ;; and, unless its logs are given, of the target (u, cr)
                (local.set $v (v128.load (i32.add (local.get $x) (i32.add (local.get $at) (local.get $k)))))
                (local.set $y (f32x4.mul (v128.load offset=368 (local.get $tb)) (local.get $v)))
                (local.set $ue (f32x4.add (v128.load offset=352 (local.get $tb)) (local.get $y)))
                (if (i32.eq (local.get $kind) (i32.const 1))
                  (then
                    (local.set $ue
                      (v128.bitselect (local.get $ue) (v128.load offset=384 (local.get $tb))
                        (f32x4.ge (local.get $v) (v128.load offset=400 (local.get $tb)))))))
                (local.set $bad
                  (v128.or (local.get $bad)
                    (i32x4.ge_u (i32x4.sub (local.get $ue) (v128.load offset=0 (local.get $tb))) (v128.load offset=16 (local.get $tb)))))
                (local.set $ce (v128.const i64x2 0 0))
                (if (i32.eq (local.get $kind) (i32.const 3))
                  (then
                    (local.set $bad
                      (v128.or (local.get $bad)
                        (v128.and (f32x4.gt (local.get $v) (v128.const i64x2 0 0))
                          (f32x4.lt (local.get $y) (v128.load offset=336 (local.get $tb))))))
                    (local.set $ce
                      (f32x4.mul
                        (f32x4.sub (f32x4.sub (local.get $ue) (v128.load offset=80 (local.get $tb))) (local.get $y))
                        (f32x4.pmax (f32x4.sub (v128.load offset=304 (local.get $tb)) (local.get $ue)) (v128.const i64x2 0 0))))))
              (if (i32.eqz (local.get $lt))
                (then
                (local.set $v (v128.load (i32.add (local.get $t) (i32.add (local.get $at) (local.get $k)))))
                (local.set $y (f32x4.mul (v128.load offset=368 (local.get $tb)) (local.get $v)))
                (local.set $u (f32x4.add (v128.load offset=352 (local.get $tb)) (local.get $y)))
                (if (i32.eq (local.get $kind) (i32.const 1))
                  (then
                    (local.set $u
                      (v128.bitselect (local.get $u) (v128.load offset=384 (local.get $tb))
                        (f32x4.ge (local.get $v) (v128.load offset=400 (local.get $tb)))))))
                (local.set $bad
                  (v128.or (local.get $bad)
                    (i32x4.ge_u (i32x4.sub (local.get $u) (v128.load offset=0 (local.get $tb))) (v128.load offset=16 (local.get $tb)))))
                (local.set $cr (v128.const i64x2 0 0))
                (if (i32.eq (local.get $kind) (i32.const 3))
                  (then
                    (local.set $bad
                      (v128.or (local.get $bad)
                        (v128.and (f32x4.gt (local.get $v) (v128.const i64x2 0 0))
                          (f32x4.lt (local.get $y) (v128.load offset=336 (local.get $tb))))))
                    (local.set $cr
                      (f32x4.mul
                        (f32x4.sub (f32x4.sub (local.get $u) (v128.load offset=80 (local.get $tb))) (local.get $y))
                        (f32x4.pmax (f32x4.sub (v128.load offset=304 (local.get $tb)) (local.get $u)) (v128.const i64x2 0 0))))))))
              ;; One log: d / A = log(u(x) / u(t)) - (r(x) - r(t)), or log u(x) - (r(x) + log t)
              ;; with the target's logs given (the quotient a normal float32 too)
              (if (local.get $lt)
                (then
                  (local.set $u (local.get $ue))
                  (local.set $cr
                    (f32x4.add (local.get $ce)
                      (v128.load (i32.add (local.get $lt) (i32.add (local.get $at) (local.get $k)))))))
                (else
                  (local.set $u (f32x4.div (local.get $ue) (local.get $u)))
                  (local.set $bad
                    (v128.or (local.get $bad)
                      (i32x4.ge_u (i32x4.sub (local.get $u) (v128.load offset=0 (local.get $tb))) (v128.load offset=16 (local.get $tb)))))
                  (local.set $cr (f32x4.sub (local.get $ce) (local.get $cr)))))
              ;; u = 2^e m, m in [0.5, 1), then m in [sqrt(1/2), sqrt 2) (e lowered where m doubles)
              (local.set $e (i32x4.sub (i32x4.shr_u (local.get $u) (i32.const 23)) (v128.load offset=288 (local.get $tb))))
              (local.set $m
                (v128.or (v128.and (local.get $u) (v128.load offset=32 (local.get $tb)))
                  (v128.load offset=48 (local.get $tb))))
              (local.set $lo (f32x4.lt (local.get $m) (v128.load offset=64 (local.get $tb))))
              (local.set $e (i32x4.add (local.get $e) (local.get $lo)))
              (local.set $m
                (f32x4.sub (f32x4.add (local.get $m) (v128.and (local.get $m) (local.get $lo)))
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
              (local.set $d (f32x4.mul (v128.load offset=416 (local.get $tb)) (f32x4.sub (local.get $l) (local.get $cr))))))
          (v128.store offset=656 (i32.add (local.get $tb) (local.get $k)) (local.get $d))
          (v128.store offset=912 (i32.add (local.get $tb) (local.get $k)) (local.get $ue))
          (i32.store offset=1168 (i32.add (local.get $tb) (i32.shr_u (local.get $k) (i32.const 2)))
            (v128.any_true (local.get $bad)))
          (if (v128.any_true (local.get $bad))
            (then
              (local.set $slowSum
                (f64.add (local.get $slowSum)
                  (call $slow (local.get $kind) (local.get $squared) (local.get $grad) (local.get $add)
                    (i32.add (local.get $x) (i32.add (local.get $at) (local.get $k)))
                    (i32.add (local.get $t) (i32.add (local.get $at) (local.get $k)))
                    (select (i32.add (local.get $lt) (i32.add (local.get $at) (local.get $k))) (i32.const 0) (local.get $lt))
                    (i32.const 4) (i32.add (local.get $g) (i32.add (local.get $at) (local.get $k)))
                    (local.get $wlin) (local.get $wlog) (local.get $weight) (local.get $a) (local.get $b)
                    (local.get $c) (local.get $eps) (local.get $thr))))))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $logs (i32.lt_u (i32.add (local.get $at) (local.get $k)) (local.get $stop))))
        ;; The sums and dL/d|X| of the block's groups in the fast path
        (local.set $k (i32.const 0))
        (loop $sums
          (if (i32.eqz (i32.load offset=1168 (i32.add (local.get $tb) (i32.shr_u (local.get $k) (i32.const 2)))))
            (then
              (local.set $xq (v128.load (i32.add (local.get $x) (i32.add (local.get $at) (local.get $k)))))
              (local.set $d1
                (f32x4.sub (local.get $xq) (v128.load (i32.add (local.get $t) (i32.add (local.get $at) (local.get $k))))))
              (local.set $d (v128.load offset=656 (i32.add (local.get $tb) (local.get $k))))
              ;; |d1|, |d| or their squares, summed in float64 (two lanes each)
              (if (local.get $squared)
                (then
                  (local.set $acc1
                    (f64x2.add (local.get $acc1)
                      (f64x2.add
                        (f64x2.mul (f64x2.promote_low_f32x4 (local.get $d1)) (f64x2.promote_low_f32x4 (local.get $d1)))
                        (f64x2.mul
                          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $d1) (local.get $d1)))
                          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $d1) (local.get $d1)))))))
                  (local.set $acc2
                    (f64x2.add (local.get $acc2)
                      (f64x2.add
                        (f64x2.mul (f64x2.promote_low_f32x4 (local.get $d)) (f64x2.promote_low_f32x4 (local.get $d)))
                        (f64x2.mul
                          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $d) (local.get $d)))
                          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $d) (local.get $d)))))))
                  (local.set $s1 (local.get $d1))
                  (local.set $s2 (local.get $d)))
                (else
                  (local.set $s1 (f32x4.abs (local.get $d1)))
                  (local.set $acc1
                    (f64x2.add (local.get $acc1)
                      (f64x2.add (f64x2.promote_low_f32x4 (local.get $s1))
                        (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $s1) (local.get $s1))))))
                  (local.set $s2 (f32x4.abs (local.get $d)))
                  (local.set $acc2
                    (f64x2.add (local.get $acc2)
                      (f64x2.add (f64x2.promote_low_f32x4 (local.get $s2))
                        (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $s2) (local.get $s2))))))
                  ;; sign(d): +1, -1 or 0 (the sign bit of d on 1, where d is not 0)
                  (local.set $s1
                    (v128.and
                      (v128.or (v128.and (local.get $d1) (v128.load offset=320 (local.get $tb))) (v128.load offset=80 (local.get $tb)))
                      (f32x4.ne (local.get $d1) (v128.const i64x2 0 0))))
                  (local.set $s2
                    (v128.and
                      (v128.or (v128.and (local.get $d) (v128.load offset=320 (local.get $tb))) (v128.load offset=80 (local.get $tb)))
                      (f32x4.ne (local.get $d) (v128.const i64x2 0 0))))))
              (if (local.get $grad)
                (then
                  ;; weight (wlin s1 + wlog A c s2 / u(x)); the log term 0 where kind 1's x < thr
                  ;; (and for kind 2, where d = 0 and u = 1), plus the rows' values with $add
                  (local.set $v (v128.load offset=448 (local.get $tb)))
                  (if (i32.eq (local.get $kind) (i32.const 1))
                    (then
                      (local.set $v
                        (v128.and (local.get $v) (f32x4.ge (local.get $xq) (v128.load offset=400 (local.get $tb)))))))
                  (local.set $dd
                    (f32x4.add
                      (f32x4.mul (v128.load offset=432 (local.get $tb)) (local.get $s1))
                      (f32x4.div (f32x4.mul (local.get $s2) (local.get $v))
                        (v128.load offset=912 (i32.add (local.get $tb) (local.get $k))))))
                  (if (local.get $add)
                    (then
                      (local.set $dd
                        (f32x4.add (local.get $dd)
                          (v128.load (i32.add (local.get $g) (i32.add (local.get $at) (local.get $k))))))))
                  (v128.store (i32.add (local.get $g) (i32.add (local.get $at) (local.get $k))) (local.get $dd))))))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $sums (i32.lt_u (i32.add (local.get $at) (local.get $k)) (local.get $stop))))
        (local.set $at (local.get $stop))
        (br $blocks)))
    (if (i32.and (local.get $n) (i32.const 3))
      (then
        (local.set $slowSum
          (f64.add (local.get $slowSum)
            (call $slow (local.get $kind) (local.get $squared) (local.get $grad) (local.get $add)
              (i32.add (local.get $x) (local.get $end)) (i32.add (local.get $t) (local.get $end))
              (select (i32.add (local.get $lt) (local.get $end)) (i32.const 0) (local.get $lt))
              (i32.and (local.get $n) (i32.const 3)) (i32.add (local.get $g) (local.get $end))
              (local.get $wlin) (local.get $wlog) (local.get $weight) (local.get $a) (local.get $b)
              (local.get $c) (local.get $eps) (local.get $thr))))))
    (f64.add
      (f64.add
        (f64.mul (local.get $wlin)
          (f64.add (f64x2.extract_lane 0 (local.get $acc1)) (f64x2.extract_lane 1 (local.get $acc1))))
        (f64.mul (local.get $wlog)
          (f64.add (f64x2.extract_lane 0 (local.get $acc2)) (f64x2.extract_lane 1 (local.get $acc2)))))
      (local.get $slowSum)))
)
