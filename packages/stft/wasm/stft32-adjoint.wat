;; The float32 adjoint STFT of @losses/stft in WebAssembly with 128-bit SIMD: the gradient back
;; through wasm/stft32.wat's `magnitudes` (four frames per f32x4 vector, one per lane). A module of
;; its own (the forward stays small for the common call, a magnitude spectrogram); it shares the
;; forward instance's memory and calls its complex FFT, both imported (src/wasm/kernel32.ts).
;; `pnpm --filter @losses/stft wasm` assembles this file into src/wasm/module32-adjoint.ts (a test
;; checks that the two agree).
(module
  ;; The forward instance's four-lane complex FFT (see wasm/stft32.wat, $stockham): returns where
  ;; the DFT ended, its input or its work buffer (no copy back).
  (import "env" "stockham" (func $stockham (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "memory" (memory 1))

  ;; Byte offset of frame g's first sample: the frames of item floor(g / frames) start every
  ;; `hop` samples in a padded signal of `plen` samples (float32).
  (func $frameAt (param $g i32) (param $frames i32) (param $hop i32) (param $plen i32) (result i32)
    (i32.shl
      (i32.add
        (i32.mul (i32.div_u (local.get $g) (local.get $frames)) (local.get $plen))
        (i32.mul (i32.rem_u (local.get $g) (local.get $frames)) (local.get $hop)))
      (i32.const 2)))

  ;; dst[i] += src[i] for the float32 values of `bytes` bytes (a multiple of 16) at $dst, $src.
  (func $addRow (param $dst i32) (param $src i32) (param $bytes i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $src) (local.get $bytes)))
    (loop $add
      (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (local.set $src (i32.add (local.get $src) (i32.const 16)))
      (br_if $add (i32.lt_u (local.get $src) (local.get $end)))))

  ;; The adjoint of `magnitudes` (called with $spec): adds dL/d(frame sample) to the padded-signal
  ;; gradient $gp ([batch][plen] float32, laid out as $sig), given the spectra $spec as `magnitudes`
  ;; kept them (each group's, scaled), the magnitudes $mag as it wrote them with the same $floor
  ;; (the float32 sqrt of the floor) and dL/d|X| $dmag: [total][bins] float32 rows each, or float64
  ;; rows with $wide (dmag rounded to float32 on load). Four frames at a time, one per lane; lanes
  ;; past the last frame add to $spare (n float32). Per frame, with X_k / |X_k| the unit phasor of
  ;; the kept spectrum:
  ;;   G_k = dmag_k X_k / |X_k| (0 where mag_k <= $floor, in float32: 0 at the floor),
  ;;   dL/dx_j = w_j Re sum_{k=0}^{m} G_k exp(2 pi i j k / n),
  ;; a real inverse DFT of the Hermitian spectrum H (H_0 = Re G_0, H_m = Re G_m, H_k = G_k / 2,
  ;; H_{n-k} = conj H_k), computed as one complex DFT of size m (the forward's packing run
  ;; backwards, e.g. Press et al., Numerical Recipes, 12.3): with P = G_k, Q = G_{m-k},
  ;; V = exp(2 pi i k / n), E = P + conj Q, D = (P - conj Q) V,
  ;;   c_k = (E.re - D.im) + i (-E.im - D.re),  c_{m-k} = (E.re + D.im) + i (E.im - D.re),
  ;;   c_0 = 2 (H_0 + H_m) - 2 i (H_0 - H_m),
  ;; R = DFT_m(c) (= 2 conj of the inverse sum), and y_2j = Re R_j / 2, y_2j+1 = -Im R_j / 2.
  ;; Each frame's G is scaled by the power of two t from its largest |G| (as in `magnitudes`, frames
  ;; of moderate size unscaled) and its sums by u = 1 / t after: a frame with G = 0 adds exactly 0.
  (func (export "adjoint")
    (param $m i32) (param $hop i32) (param $frames i32) (param $total i32) (param $plen i32)
    (param $spec i32) (param $mag i32) (param $dmag i32) (param $floor f32) (param $wide i32)
    (param $win i32) (param $tw i32) (param $rt i32) (param $x i32) (param $y i32) (param $gp i32) (param $spare i32)
    (local $w i32) (local $g i32) (local $l i32) (local $e i32) (local $k i32) (local $j i32) (local $bins i32) (local $n4 i32)
    (local $sg i32) (local $at i32) (local $p i32) (local $q i32) (local $rb i32)
    (local $d0 i32) (local $d1 i32) (local $d2 i32) (local $d3 i32)
    (local $e0 i32) (local $e1 i32) (local $e2 i32) (local $e3 i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $fl v128) (local $mx v128) (local $ok2 v128) (local $ex v128) (local $nz v128) (local $sub v128)
    (local $t1 v128) (local $t2 v128) (local $u1 v128) (local $u2 v128)
    (local $xr v128) (local $xi v128) (local $s v128) (local $ok v128)
    (local $pr v128) (local $pi v128) (local $qr v128) (local $qi v128) (local $c v128) (local $sn v128)
    (local $er v128) (local $ei v128) (local $fr v128) (local $fi v128) (local $dr v128) (local $di v128)
    (local $nr v128) (local $ni v128) (local $va v128) (local $vb v128) (local $vc v128) (local $vd v128)
    (local.set $fl (f32x4.splat (local.get $floor)))
    ;; log2 of the bytes per value of $mag and $dmag: 2 (float32) or 3 ($wide: float64)
    (local.set $w (i32.add (i32.const 2) (i32.ne (local.get $wide) (i32.const 0))))
    (local.set $bins (i32.add (local.get $m) (i32.const 1)))
    (local.set $g (i32.const 0))
    (block $done
      (loop $groups
        (br_if $done (i32.ge_u (local.get $g) (local.get $total)))
        ;; Lane l: frame e = min(g + l, total - 1): its rows of mag and dmag ($el, $dl), and where
        ;; its gradient goes ($al: its frame in $gp, or $spare past the last frame).
        (local.set $l (i32.sub (local.get $total) (i32.const 1)))
        (local.set $e (local.get $g))
        (local.set $e0 (i32.add (local.get $mag) (i32.shl (i32.mul (local.get $e) (local.get $bins)) (local.get $w))))
        (local.set $d0 (i32.add (local.get $dmag) (i32.shl (i32.mul (local.get $e) (local.get $bins)) (local.get $w))))
        (local.set $a0 (i32.add (local.get $gp) (call $frameAt (local.get $e) (local.get $frames) (local.get $hop) (local.get $plen))))
        (local.set $e (select (i32.add (local.get $g) (i32.const 1)) (local.get $l) (i32.lt_u (local.get $g) (local.get $l))))
        (local.set $e1 (i32.add (local.get $mag) (i32.shl (i32.mul (local.get $e) (local.get $bins)) (local.get $w))))
        (local.set $d1 (i32.add (local.get $dmag) (i32.shl (i32.mul (local.get $e) (local.get $bins)) (local.get $w))))
        (local.set $a1
          (select (i32.add (local.get $gp) (call $frameAt (local.get $e) (local.get $frames) (local.get $hop) (local.get $plen)))
            (local.get $spare) (i32.lt_u (local.get $g) (local.get $l))))
        (local.set $e (select (i32.add (local.get $g) (i32.const 2)) (local.get $l) (i32.lt_u (i32.add (local.get $g) (i32.const 1)) (local.get $l))))
        (local.set $e2 (i32.add (local.get $mag) (i32.shl (i32.mul (local.get $e) (local.get $bins)) (local.get $w))))
        (local.set $d2 (i32.add (local.get $dmag) (i32.shl (i32.mul (local.get $e) (local.get $bins)) (local.get $w))))
        (local.set $a2
          (select (i32.add (local.get $gp) (call $frameAt (local.get $e) (local.get $frames) (local.get $hop) (local.get $plen)))
            (local.get $spare) (i32.lt_u (i32.add (local.get $g) (i32.const 1)) (local.get $l))))
        (local.set $e (select (i32.add (local.get $g) (i32.const 3)) (local.get $l) (i32.lt_u (i32.add (local.get $g) (i32.const 2)) (local.get $l))))
        (local.set $e3 (i32.add (local.get $mag) (i32.shl (i32.mul (local.get $e) (local.get $bins)) (local.get $w))))
        (local.set $d3 (i32.add (local.get $dmag) (i32.shl (i32.mul (local.get $e) (local.get $bins)) (local.get $w))))
        (local.set $a3
          (select (i32.add (local.get $gp) (call $frameAt (local.get $e) (local.get $frames) (local.get $hop) (local.get $plen)))
            (local.get $spare) (i32.lt_u (i32.add (local.get $g) (i32.const 2)) (local.get $l))))
        (local.set $sg (i32.add (local.get $spec) (i32.mul (i32.shr_u (local.get $g) (i32.const 2)) (i32.shl (local.get $bins) (i32.const 5)))))
        ;; G_k for k < m into $y, G_m into (nr, ni); the largest |G| per lane into mx.
        (local.set $mx (v128.const i32x4 0 0 0 0))
        (local.set $k (i32.const 0))
        (loop $phase
          ;; mag and dmag at bin k of the four lanes' rows ($at: its byte offset there) as f32x4 into
          ;; ok and s: from float32 rows (one load32_zero, three load32_lane each) or from float64
          ;; rows ($wide), demoted (exact for the magnitudes `magnitudes` writes; dL/d|X| rounds to
          ;; nearest)
          (local.set $at (i32.shl (local.get $k) (local.get $w)))
          (if (local.get $wide)
            (then
              (local.set $ok
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                  (f32x4.demote_f64x2_zero (v128.load64_lane 1 (i32.add (local.get $e1) (local.get $at)) (v128.load64_zero (i32.add (local.get $e0) (local.get $at)))))
                  (f32x4.demote_f64x2_zero (v128.load64_lane 1 (i32.add (local.get $e3) (local.get $at)) (v128.load64_zero (i32.add (local.get $e2) (local.get $at)))))))
              (local.set $s
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                  (f32x4.demote_f64x2_zero (v128.load64_lane 1 (i32.add (local.get $d1) (local.get $at)) (v128.load64_zero (i32.add (local.get $d0) (local.get $at)))))
                  (f32x4.demote_f64x2_zero (v128.load64_lane 1 (i32.add (local.get $d3) (local.get $at)) (v128.load64_zero (i32.add (local.get $d2) (local.get $at))))))))
            (else
              (local.set $ok
                (v128.load32_lane 3 (i32.add (local.get $e3) (local.get $at))
                  (v128.load32_lane 2 (i32.add (local.get $e2) (local.get $at))
                    (v128.load32_lane 1 (i32.add (local.get $e1) (local.get $at)) (v128.load32_zero (i32.add (local.get $e0) (local.get $at)))))))
              (local.set $s
                (v128.load32_lane 3 (i32.add (local.get $d3) (local.get $at))
                  (v128.load32_lane 2 (i32.add (local.get $d2) (local.get $at))
                    (v128.load32_lane 1 (i32.add (local.get $d1) (local.get $at)) (v128.load32_zero (i32.add (local.get $d0) (local.get $at)))))))))
          (local.set $ok (f32x4.gt (local.get $ok) (local.get $fl)))
          (local.set $p (i32.add (local.get $sg) (i32.shl (local.get $k) (i32.const 5))))
          (local.set $xr (v128.load offset=0 (local.get $p)))
          (local.set $xi (v128.load offset=16 (local.get $p)))
          ;; s = dmag / |X| where the gradient passes (there |X| > 0), else 0 (the mask clears the
          ;; other lanes whatever the quotient: inf or NaN where |X| = 0)
          (local.set $s
            (v128.and (local.get $ok)
              (f32x4.div (local.get $s)
                (f32x4.sqrt (f32x4.add (f32x4.mul (local.get $xr) (local.get $xr)) (f32x4.mul (local.get $xi) (local.get $xi)))))))
          (local.set $nr (f32x4.mul (local.get $xr) (local.get $s)))
          (local.set $ni (f32x4.mul (local.get $xi) (local.get $s)))
          (local.set $mx (f32x4.pmax (local.get $mx) (f32x4.pmax (f32x4.abs (local.get $nr)) (f32x4.abs (local.get $ni)))))
          (if (i32.lt_u (local.get $k) (local.get $m))
            (then
              (local.set $p (i32.add (local.get $y) (i32.shl (local.get $k) (i32.const 5))))
              (v128.store offset=0 (local.get $p) (local.get $nr))
              (v128.store offset=16 (local.get $p) (local.get $ni))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $phase (i32.le_u (local.get $k) (local.get $m))))
        ;; Scales (as in `magnitudes`): t = t1 t2, u = u1 u2 = 1 / t; 1 for frames of moderate
        ;; size, 0 for a frame with G = 0.
        (local.set $ex (i32x4.shr_u (local.get $mx) (i32.const 23)))
        (local.set $ok2
          (v128.or (f32x4.eq (local.get $mx) (v128.const i32x4 0 0 0 0))
            (i32x4.lt_u (i32x4.sub (local.get $ex) (i32x4.splat (i32.const 95))) (i32x4.splat (i32.const 64)))))
        (if (i32x4.all_true (local.get $ok2))
          (then
            (local.set $t1 (f32x4.splat (f32.const 1)))
            (local.set $t2 (local.get $t1))
            (local.set $u1 (local.get $t1))
            (local.set $u2 (local.get $t1)))
          (else
            (local.set $nz (f32x4.gt (local.get $mx) (v128.const i32x4 0 0 0 0)))
            (local.set $sub (i32x4.eq (local.get $ex) (v128.const i32x4 0 0 0 0)))
            (local.set $t2 (v128.bitselect (f32x4.splat (f32.const 0x1p64)) (f32x4.splat (f32.const 1)) (local.get $sub)))
            (local.set $u2 (v128.bitselect (f32x4.splat (f32.const 0x1p-64)) (f32x4.splat (f32.const 1)) (local.get $sub)))
            (local.set $ex (i32x4.shr_u (f32x4.mul (local.get $mx) (local.get $t2)) (i32.const 23)))
            (local.set $t1
              (v128.and (local.get $nz)
                (i32x4.shl (i32x4.max_s (i32x4.sub (i32x4.splat (i32.const 254)) (local.get $ex)) (i32x4.splat (i32.const 1)))
                  (i32.const 23))))
            (local.set $u1
              (v128.and (local.get $nz)
                (i32x4.shl (i32x4.min_s (local.get $ex) (i32x4.splat (i32.const 253))) (i32.const 23))))
        ;; Lanes of moderate size (or silent) keep t = u = 1 as when all are: a frame's numbers
        ;; never depend on the frames in the other lanes (nor on its batch).
        (local.set $t1 (v128.bitselect (f32x4.splat (f32.const 1)) (local.get $t1) (local.get $ok2)))
        (local.set $t2 (v128.bitselect (f32x4.splat (f32.const 1)) (local.get $t2) (local.get $ok2)))
        (local.set $u1 (v128.bitselect (f32x4.splat (f32.const 1)) (local.get $u1) (local.get $ok2)))
        (local.set $u2 (v128.bitselect (f32x4.splat (f32.const 1)) (local.get $u2) (local.get $ok2)))))
        ;; c_0 = 2 (a + b) - 2 i (a - b), a = G_0.re, b = G_m.re (scaled by t)
        (local.set $pr (f32x4.mul (f32x4.mul (v128.load offset=0 (local.get $y)) (local.get $t1)) (local.get $t2)))
        (local.set $qr (f32x4.mul (f32x4.mul (local.get $nr) (local.get $t1)) (local.get $t2)))
        (v128.store offset=0 (local.get $x)
          (f32x4.mul (f32x4.add (local.get $pr) (local.get $qr)) (f32x4.splat (f32.const 2))))
        (v128.store offset=16 (local.get $x)
          (f32x4.mul (f32x4.sub (local.get $pr) (local.get $qr)) (f32x4.splat (f32.const -2))))
        (local.set $k (i32.const 1))
        (loop $pair
          (local.set $p (i32.add (local.get $y) (i32.shl (local.get $k) (i32.const 5))))
          (local.set $q (i32.add (local.get $y) (i32.shl (i32.sub (local.get $m) (local.get $k)) (i32.const 5))))
          (local.set $pr (f32x4.mul (f32x4.mul (v128.load offset=0 (local.get $p)) (local.get $t1)) (local.get $t2)))
          (local.set $pi (f32x4.mul (f32x4.mul (v128.load offset=16 (local.get $p)) (local.get $t1)) (local.get $t2)))
          (local.set $qr (f32x4.mul (f32x4.mul (v128.load offset=0 (local.get $q)) (local.get $t1)) (local.get $t2)))
          (local.set $qi (f32x4.mul (f32x4.mul (v128.load offset=16 (local.get $q)) (local.get $t1)) (local.get $t2)))
          ;; V = (c, -sn) with (c, sn) = (cos, -sin) of 2 pi k / n from $rt
          (local.set $c (v128.load32_splat offset=0 (local.get $rt)))
          (local.set $sn (v128.load32_splat offset=4 (local.get $rt)))
          (local.set $rt (i32.add (local.get $rt) (i32.const 8)))
          (local.set $er (f32x4.add (local.get $pr) (local.get $qr)))
          (local.set $ei (f32x4.sub (local.get $pi) (local.get $qi)))
          (local.set $fr (f32x4.sub (local.get $pr) (local.get $qr)))
          (local.set $fi (f32x4.add (local.get $pi) (local.get $qi)))
          (local.set $dr (f32x4.add (f32x4.mul (local.get $fr) (local.get $c)) (f32x4.mul (local.get $fi) (local.get $sn))))
          (local.set $di (f32x4.sub (f32x4.mul (local.get $fi) (local.get $c)) (f32x4.mul (local.get $fr) (local.get $sn))))
          (local.set $p (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 5))))
          (local.set $q (i32.add (local.get $x) (i32.shl (i32.sub (local.get $m) (local.get $k)) (i32.const 5))))
          (v128.store offset=0 (local.get $p) (f32x4.sub (local.get $er) (local.get $di)))
          (v128.store offset=16 (local.get $p) (f32x4.neg (f32x4.add (local.get $ei) (local.get $dr))))
          (v128.store offset=0 (local.get $q) (f32x4.add (local.get $er) (local.get $di)))
          (v128.store offset=16 (local.get $q) (f32x4.sub (local.get $ei) (local.get $dr)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $pair (i32.le_u (local.get $k) (i32.shr_u (local.get $m) (i32.const 1)))))
        (local.set $rt (i32.sub (local.get $rt) (i32.shl (local.get $m) (i32.const 2))))
        ;; R in $x or $y ($p); the rows go to the other one
        (local.set $p (call $stockham (local.get $m) (local.get $x) (local.get $y) (local.get $tw) (i32.const 1)))
        (local.set $rb (select (local.get $y) (local.get $x) (i32.eq (local.get $p) (local.get $x))))
        ;; Overlap-add: samples 2j, 2j + 1 of the four frames are (Re R_j, -Im R_j) u / 2 times the
        ;; window; four samples of the four frames at a time, transposed into four rows (one per
        ;; frame), then added to the signal frame by frame.
        (local.set $u1 (f32x4.mul (local.get $u1) (f32x4.splat (f32.const 0.5))))
        (local.set $n4 (i32.shl (local.get $m) (i32.const 3)))
        (local.set $j (i32.const 0))
        (loop $ola
          (local.set $va
            (f32x4.mul (f32x4.mul (f32x4.mul (v128.load offset=0 (local.get $p)) (local.get $u1)) (local.get $u2))
              (v128.load32_splat offset=0 (i32.add (local.get $win) (local.get $j)))))
          (local.set $vb
            (f32x4.mul (f32x4.mul (f32x4.mul (f32x4.neg (v128.load offset=16 (local.get $p))) (local.get $u1)) (local.get $u2))
              (v128.load32_splat offset=4 (i32.add (local.get $win) (local.get $j)))))
          (local.set $vc
            (f32x4.mul (f32x4.mul (f32x4.mul (v128.load offset=32 (local.get $p)) (local.get $u1)) (local.get $u2))
              (v128.load32_splat offset=8 (i32.add (local.get $win) (local.get $j)))))
          (local.set $vd
            (f32x4.mul (f32x4.mul (f32x4.mul (f32x4.neg (v128.load offset=48 (local.get $p))) (local.get $u1)) (local.get $u2))
              (v128.load32_splat offset=12 (i32.add (local.get $win) (local.get $j)))))
          ;; [a0 b0 a1 b1], [a2 b2 a3 b3], [c0 d0 c1 d1], [c2 d2 c3 d3] -> frame rows [a_l b_l c_l d_l]
          (local.set $er (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $va) (local.get $vb)))
          (local.set $ei (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $va) (local.get $vb)))
          (local.set $fr (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $vc) (local.get $vd)))
          (local.set $fi (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $vc) (local.get $vd)))
          ;; row l of frame l's samples at $rb + l 4n (the transform's other buffer, free now)
          (local.set $at (i32.add (local.get $rb) (local.get $j)))
          (v128.store (local.get $at)
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $er) (local.get $fr)))
          (local.set $at (i32.add (local.get $at) (local.get $n4)))
          (v128.store (local.get $at)
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $er) (local.get $fr)))
          (local.set $at (i32.add (local.get $at) (local.get $n4)))
          (v128.store (local.get $at)
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $ei) (local.get $fi)))
          (local.set $at (i32.add (local.get $at) (local.get $n4)))
          (v128.store (local.get $at)
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $ei) (local.get $fi)))
          (local.set $p (i32.add (local.get $p) (i32.const 64)))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br_if $ola (i32.lt_u (local.get $j) (i32.shl (local.get $m) (i32.const 3)))))
        ;; The frames one after another, each whole (a sample's sum runs in frame order, wherever
        ;; its frames sit in the lanes: the same numbers in any batch).
        (call $addRow (local.get $a0) (local.get $rb) (local.get $n4))
        (call $addRow (local.get $a1) (i32.add (local.get $rb) (local.get $n4)) (local.get $n4))
        (call $addRow (local.get $a2) (i32.add (local.get $rb) (i32.shl (local.get $n4) (i32.const 1))) (local.get $n4))
        (call $addRow (local.get $a3) (i32.add (local.get $rb) (i32.mul (local.get $n4) (i32.const 3))) (local.get $n4))
        (local.set $g (i32.add (local.get $g) (i32.const 4)))
        (br $groups)))))
