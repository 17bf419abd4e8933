;; The float32 STFT kernels of @losses/stft in WebAssembly with 128-bit SIMD, for float32 input and
;; power-of-two sizes. Design: four frames at once, one per f32x4 lane ("transposed" lanes), so a
;; complex number of the batch is two vectors [re of frames 0..3], [im of frames 0..3] (32 bytes)
;; and every operation of a scalar complex FFT is one vector operation with no shuffles: a twiddle
;; is the same for the four frames (one load32_splat), a complex multiply is four multiplies and
;; two adds, and each frame keeps its own power-of-two scale in its lane. Lanes never mix, so a
;; frame's numbers do not depend on the frames beside it (nor on its batch).
;; `pnpm --filter @losses/stft wasm` assembles this file into src/wasm/module32.ts (a test checks that
;; the two agree). All pointers are byte offsets into the module's memory, laid out by
;; src/wasm/kernel32.ts.
;;
;; A real frame x of even size n is transformed as one complex DFT of size m = n / 2 (Cooley and
;; Tukey's packing, e.g. Press et al., Numerical Recipes, 12.3): z[j] = x[2j] + i x[2j + 1],
;; Z = DFT_m(z), and for 0 < k <= m / 2, with P = Z[k], Q = Z[m - k], W = exp(-2 pi i k / n),
;;   E = P + conj Q,  G = -i (P - conj Q),  H = W G:
;;   X[k] = (E + H) / 2,  X[m - k] = conj(E - H) / 2;  X[0] = Z[0].re + Z[0].im, X[m] = Z[0].re - Z[0].im.
(module
  (memory (export "memory") 1)

  ;; Forward DFT Z[k] = sum_j z[j] exp(-2 pi i j k / m) of m = 2^b >= 1 four-lane complex numbers
  ;; at $x (32 bytes each: re f32x4, im f32x4), using $y (m of them) as work; returns $x or $y,
  ;; whichever holds Z (the exported $fft below copies it to $x). With $s0 > 1: the $s0 DFTs of
  ;; size m of the interleaved sequences z_q[j] = x[q + $s0 j] (q < $s0), Z_q[k] at q + $s0 k (the
  ;; passes below starting at stride $s0; $x and $y hold m $s0 numbers). Stockham autosort: radix-4
  ;; passes, then one radix-2 pass when b is odd. Pass with length L and stride s (L s = m $s0), for
  ;; p < L/4, q < s, with w = exp(-2 pi i p / L) and a, b, c, d = x[q + s (p + j L/4)]:
  ;;   y[q + s 4p]       = (a + c) + (b + d)
  ;;   y[q + s (4p + 1)] = w   ((a - c) - i (b - d))
  ;;   y[q + s (4p + 2)] = w^2 ((a + c) - (b + d))
  ;;   y[q + s (4p + 3)] = w^3 ((a - c) + i (b - d))
  ;; p = 0 (w = 1) has a loop of its own without the multiplies: the whole of the last radix-4
  ;; pass (L = 4), a quarter of the one before, ... $tw holds, pass after pass, for each
  ;; 0 < p < L/4: w, w^2, w^3 as (cos, -sin) float32 pairs (24 bytes).
  (func $stockham (export "stockham") (param $m i32) (param $x i32) (param $y i32) (param $tw i32) (param $s0 i32) (result i32)
    (local $len i32) (local $sb i32) (local $src i32) (local $dst i32) (local $t i32)
    (local $n1 i32) (local $p i32) (local $ip i32) (local $op i32) (local $qe i32) (local $q1 i32)
    (local $q2 i32) (local $q3 i32)
    (local $ar v128) (local $ai v128) (local $br v128) (local $bi v128) (local $cr v128) (local $ci v128)
    (local $dr v128) (local $di v128) (local $vr v128) (local $vi v128)
    (local $c1 v128) (local $s1 v128) (local $c2 v128) (local $s2 v128) (local $c3 v128) (local $s3 v128)
    (local.set $len (local.get $m))
    (local.set $sb (i32.shl (local.get $s0) (i32.const 5)))
    (local.set $src (local.get $x))
    (local.set $dst (local.get $y))
    (block $radix2
      (loop $pass
        (br_if $radix2 (i32.lt_u (local.get $len) (i32.const 4)))
        (local.set $n1 (i32.shr_u (local.get $len) (i32.const 2)))
        (local.set $q1 (i32.mul (local.get $sb) (local.get $n1)))
        (local.set $q2 (i32.shl (local.get $q1) (i32.const 1)))
        (local.set $q3 (i32.add (local.get $q2) (local.get $q1)))
        ;; p = 0: y[q + s j] = the four sums, no twiddles.
        (local.set $ip (local.get $src))
        (local.set $op (local.get $dst))
        (local.set $qe (i32.add (local.get $src) (local.get $sb)))
        (loop $q0
          (local.set $ar (v128.load offset=0 (local.get $ip)))
          (local.set $ai (v128.load offset=16 (local.get $ip)))
          (local.set $t (i32.add (local.get $ip) (local.get $q1)))
          (local.set $br (v128.load offset=0 (local.get $t)))
          (local.set $bi (v128.load offset=16 (local.get $t)))
          (local.set $t (i32.add (local.get $ip) (local.get $q2)))
          (local.set $cr (v128.load offset=0 (local.get $t)))
          (local.set $ci (v128.load offset=16 (local.get $t)))
          (local.set $t (i32.add (local.get $ip) (local.get $q3)))
          (local.set $dr (v128.load offset=0 (local.get $t)))
          (local.set $di (v128.load offset=16 (local.get $t)))
          ;; a + c -> v, a - c -> c, b + d -> a, b - d -> d
          (local.set $vr (f32x4.add (local.get $ar) (local.get $cr)))
          (local.set $vi (f32x4.add (local.get $ai) (local.get $ci)))
          (local.set $cr (f32x4.sub (local.get $ar) (local.get $cr)))
          (local.set $ci (f32x4.sub (local.get $ai) (local.get $ci)))
          (local.set $ar (f32x4.add (local.get $br) (local.get $dr)))
          (local.set $ai (f32x4.add (local.get $bi) (local.get $di)))
          (local.set $dr (f32x4.sub (local.get $br) (local.get $dr)))
          (local.set $di (f32x4.sub (local.get $bi) (local.get $di)))
          (v128.store offset=0 (local.get $op) (f32x4.add (local.get $vr) (local.get $ar)))
          (v128.store offset=16 (local.get $op) (f32x4.add (local.get $vi) (local.get $ai)))
          (local.set $t (i32.add (local.get $op) (local.get $sb)))
          (v128.store offset=0 (local.get $t) (f32x4.add (local.get $cr) (local.get $di)))
          (v128.store offset=16 (local.get $t) (f32x4.sub (local.get $ci) (local.get $dr)))
          (local.set $t (i32.add (local.get $t) (local.get $sb)))
          (v128.store offset=0 (local.get $t) (f32x4.sub (local.get $vr) (local.get $ar)))
          (v128.store offset=16 (local.get $t) (f32x4.sub (local.get $vi) (local.get $ai)))
          (local.set $t (i32.add (local.get $t) (local.get $sb)))
          (v128.store offset=0 (local.get $t) (f32x4.sub (local.get $cr) (local.get $di)))
          (v128.store offset=16 (local.get $t) (f32x4.add (local.get $ci) (local.get $dr)))
          (local.set $ip (i32.add (local.get $ip) (i32.const 32)))
          (local.set $op (i32.add (local.get $op) (i32.const 32)))
          (br_if $q0 (i32.lt_u (local.get $ip) (local.get $qe))))
        (local.set $p (i32.const 1))
        (block $pdone
          (br_if $pdone (i32.ge_u (local.get $p) (local.get $n1)))
          (loop $ploop
            (local.set $ip (i32.add (local.get $src) (i32.mul (local.get $sb) (local.get $p))))
            (local.set $op
              (i32.add (local.get $dst) (i32.mul (local.get $sb) (i32.shl (local.get $p) (i32.const 2)))))
            (local.set $qe (i32.add (local.get $ip) (local.get $sb)))
            (loop $qloop
              (local.set $ar (v128.load offset=0 (local.get $ip)))
              (local.set $ai (v128.load offset=16 (local.get $ip)))
              (local.set $t (i32.add (local.get $ip) (local.get $q1)))
              (local.set $br (v128.load offset=0 (local.get $t)))
              (local.set $bi (v128.load offset=16 (local.get $t)))
              (local.set $t (i32.add (local.get $ip) (local.get $q2)))
              (local.set $cr (v128.load offset=0 (local.get $t)))
              (local.set $ci (v128.load offset=16 (local.get $t)))
              (local.set $t (i32.add (local.get $ip) (local.get $q3)))
              (local.set $dr (v128.load offset=0 (local.get $t)))
              (local.set $di (v128.load offset=16 (local.get $t)))
              ;; a + c -> v, a - c -> c, b + d -> a, b - d -> d
              (local.set $vr (f32x4.add (local.get $ar) (local.get $cr)))
              (local.set $vi (f32x4.add (local.get $ai) (local.get $ci)))
              (local.set $cr (f32x4.sub (local.get $ar) (local.get $cr)))
              (local.set $ci (f32x4.sub (local.get $ai) (local.get $ci)))
              (local.set $ar (f32x4.add (local.get $br) (local.get $dr)))
              (local.set $ai (f32x4.add (local.get $bi) (local.get $di)))
              (local.set $dr (f32x4.sub (local.get $br) (local.get $dr)))
              (local.set $di (f32x4.sub (local.get $bi) (local.get $di)))
              (v128.store offset=0 (local.get $op) (f32x4.add (local.get $vr) (local.get $ar)))
              (v128.store offset=16 (local.get $op) (f32x4.add (local.get $vi) (local.get $ai)))
              ;; (a - c) - i (b - d) = [cr + di, ci - dr], times w
              (local.set $br (f32x4.add (local.get $cr) (local.get $di)))
              (local.set $bi (f32x4.sub (local.get $ci) (local.get $dr)))
              (local.set $t (i32.add (local.get $op) (local.get $sb)))
              (local.set $c1 (v128.load32_splat offset=0 (local.get $tw)))
              (local.set $s1 (v128.load32_splat offset=4 (local.get $tw)))
              (v128.store offset=0 (local.get $t)
                (f32x4.sub (f32x4.mul (local.get $br) (local.get $c1)) (f32x4.mul (local.get $bi) (local.get $s1))))
              (v128.store offset=16 (local.get $t)
                (f32x4.add (f32x4.mul (local.get $br) (local.get $s1)) (f32x4.mul (local.get $bi) (local.get $c1))))
              ;; (a + c) - (b + d), times w^2
              (local.set $br (f32x4.sub (local.get $vr) (local.get $ar)))
              (local.set $bi (f32x4.sub (local.get $vi) (local.get $ai)))
              (local.set $t (i32.add (local.get $t) (local.get $sb)))
              (local.set $c2 (v128.load32_splat offset=8 (local.get $tw)))
              (local.set $s2 (v128.load32_splat offset=12 (local.get $tw)))
              (v128.store offset=0 (local.get $t)
                (f32x4.sub (f32x4.mul (local.get $br) (local.get $c2)) (f32x4.mul (local.get $bi) (local.get $s2))))
              (v128.store offset=16 (local.get $t)
                (f32x4.add (f32x4.mul (local.get $br) (local.get $s2)) (f32x4.mul (local.get $bi) (local.get $c2))))
              ;; (a - c) + i (b - d) = [cr - di, ci + dr], times w^3
              (local.set $br (f32x4.sub (local.get $cr) (local.get $di)))
              (local.set $bi (f32x4.add (local.get $ci) (local.get $dr)))
              (local.set $t (i32.add (local.get $t) (local.get $sb)))
              (local.set $c3 (v128.load32_splat offset=16 (local.get $tw)))
              (local.set $s3 (v128.load32_splat offset=20 (local.get $tw)))
              (v128.store offset=0 (local.get $t)
                (f32x4.sub (f32x4.mul (local.get $br) (local.get $c3)) (f32x4.mul (local.get $bi) (local.get $s3))))
              (v128.store offset=16 (local.get $t)
                (f32x4.add (f32x4.mul (local.get $br) (local.get $s3)) (f32x4.mul (local.get $bi) (local.get $c3))))
              (local.set $ip (i32.add (local.get $ip) (i32.const 32)))
              (local.set $op (i32.add (local.get $op) (i32.const 32)))
              (br_if $qloop (i32.lt_u (local.get $ip) (local.get $qe))))
            (local.set $tw (i32.add (local.get $tw) (i32.const 24)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br_if $ploop (i32.lt_u (local.get $p) (local.get $n1)))))
        (local.set $len (local.get $n1))
        (local.set $sb (i32.shl (local.get $sb) (i32.const 2)))
        (local.set $t (local.get $src))
        (local.set $src (local.get $dst))
        (local.set $dst (local.get $t))
        (br $pass)))
    ;; The last pass when b is odd: L = 2, y[q] = a + b, y[q + s] = a - b.
    (if (i32.eq (local.get $len) (i32.const 2))
      (then
        (local.set $ip (local.get $src))
        (local.set $op (local.get $dst))
        (local.set $qe (i32.add (local.get $src) (local.get $sb)))
        (loop $r2
          (local.set $ar (v128.load offset=0 (local.get $ip)))
          (local.set $ai (v128.load offset=16 (local.get $ip)))
          (local.set $t (i32.add (local.get $ip) (local.get $sb)))
          (local.set $br (v128.load offset=0 (local.get $t)))
          (local.set $bi (v128.load offset=16 (local.get $t)))
          (v128.store offset=0 (local.get $op) (f32x4.add (local.get $ar) (local.get $br)))
          (v128.store offset=16 (local.get $op) (f32x4.add (local.get $ai) (local.get $bi)))
          (local.set $t (i32.add (local.get $op) (local.get $sb)))
          (v128.store offset=0 (local.get $t) (f32x4.sub (local.get $ar) (local.get $br)))
          (v128.store offset=16 (local.get $t) (f32x4.sub (local.get $ai) (local.get $bi)))
          (local.set $ip (i32.add (local.get $ip) (i32.const 32)))
          (local.set $op (i32.add (local.get $op) (i32.const 32)))
          (br_if $r2 (i32.lt_u (local.get $ip) (local.get $qe))))
        (local.set $src (local.get $dst))))
    (local.get $src))

  ;; In-place forward DFT of the m four-lane complex numbers at $x ($y: m of them, work; $tw: the
  ;; twiddles of $stockham): the DFT is copied back to $x when it ends in $y.
  (func $fft (export "fft") (param $m i32) (param $x i32) (param $y i32) (param $tw i32)
    (local $z i32)
    (local.set $z (call $stockham (local.get $m) (local.get $x) (local.get $y) (local.get $tw) (i32.const 1)))
    (if (i32.ne (local.get $z) (local.get $x))
      (then (memory.copy (local.get $x) (local.get $z) (i32.shl (local.get $m) (i32.const 5))))))

  ;; 1 if the n float32 values at $p (n a multiple of 4) are all finite, else 0: x - x is +0 for a
  ;; finite x and NaN for an infinite or NaN one, so the OR of the bits of every x - x is zero
  ;; exactly when all are finite (the public call's check of a signal on the module's copy of it).
  (func (export "finite") (param $p i32) (param $n i32) (result i32)
    (local $e i32) (local $v v128) (local $acc v128)
    (local.set $e (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $p) (local.get $e)))
      (loop $scan
        (local.set $v (v128.load (local.get $p)))
        (local.set $acc (v128.or (local.get $acc) (f32x4.sub (local.get $v) (local.get $v))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br_if $scan (i32.lt_u (local.get $p) (local.get $e)))))
    (i32.eqz (v128.any_true (local.get $acc))))

  ;; Byte offset of frame g's first sample: the frames of item floor(g / frames) start every
  ;; `hop` samples in a padded signal of `plen` samples (float32).
  (func $frameAt (param $g i32) (param $frames i32) (param $hop i32) (param $plen i32) (result i32)
    (i32.shl
      (i32.add
        (i32.mul (i32.div_u (local.get $g) (local.get $frames)) (local.get $plen))
        (i32.mul (i32.rem_u (local.get $g) (local.get $frames)) (local.get $hop)))
      (i32.const 2)))

  ;; Magnitudes max(|X|, $floor) of `total` frames of size n = 2m (m >= 2; bins = m + 1) into $out
  ;; ([total][bins] float32). $sig: the padded signals ([batch][plen] float32); $win: the window (n
  ;; float32); $tw: the twiddles of $fft for size m; $rt: (cos, -sin) of 2 pi k / n for k = 1..m/2;
  ;; $x, $y: m four-lane complex numbers of work each; $spare: bins float32 that the lanes beyond
  ;; the last frame write to (bins float64 with $wide). With $wide the magnitudes are float64 rows
  ;; ([total][bins], each the float32 value), and with $spec (not 0) each group of four frames keeps
  ;; its spectrum there, as computed (scaled by t), bins four-lane complex numbers per group: the
  ;; input of wasm/stft32-adjoint.wat. Four frames at a time, one per lane. Each windowed frame w x is
  ;; scaled before its transform by the power of two t with t max|w x| in [1, 2) (t = 2^64 t' for
  ;; frames below the normal range, whose t does not fit in float32) and its magnitudes by u = 1 / t
  ;; after: every frame accurate relative to its own size, a silent frame (t = u = 0) exactly 0,
  ;; nothing overflows inside. (w x is rounded to float32 first: an absolute error of at most 2^-150
  ;; per sample, which only subnormal samples see.) Lanes of moderate size keep t = u = 1 whatever
  ;; the other lanes hold, so a frame's numbers never depend on the frames beside it.
  (func (export "magnitudes")
    (param $m i32) (param $hop i32) (param $frames i32) (param $total i32) (param $plen i32)
    (param $sig i32) (param $win i32) (param $tw i32) (param $rt i32) (param $x i32) (param $y i32)
    (param $out i32) (param $spare i32) (param $floor f32) (param $wide i32) (param $spec i32)
    (local $sg i32) (local $w i32) (local $g i32) (local $l i32) (local $j i32) (local $k i32) (local $e i32) (local $bins i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32) (local $p i32) (local $q i32)
    (local $at i32) (local $z i32) (local $v v128)
    (local $vr v128) (local $vi v128) (local $mx v128) (local $mn v128) (local $ok v128) (local $sub v128) (local $nz v128)
    (local $ex v128) (local $t1 v128) (local $t2 v128) (local $u1 v128) (local $u2 v128) (local $fl v128)
    (local $pr v128) (local $pi v128) (local $qr v128) (local $qi v128) (local $c v128) (local $s v128)
    (local $er v128) (local $ei v128) (local $hr v128) (local $hi v128)
    (local.set $fl (f32x4.splat (local.get $floor)))
    (local.set $bins (i32.add (local.get $m) (i32.const 1)))
    ;; log2 of the bytes per magnitude: 2 (float32) or 3 ($wide: float64)
    (local.set $w (i32.add (i32.const 2) (i32.ne (local.get $wide) (i32.const 0))))
    (local.set $g (i32.const 0))
    (block $done
      (loop $groups
        ;; Group g / 4's spectra (with $spec): bins four-lane complex numbers, 32 bytes each.
        (local.set $sg (i32.add (local.get $spec) (i32.mul (i32.shr_u (local.get $g) (i32.const 2)) (i32.shl (local.get $bins) (i32.const 5)))))
        (br_if $done (i32.ge_u (local.get $g) (local.get $total)))
        ;; Lane l reads frame min(g + l, total - 1) and writes its row, or $spare past the end.
        (local.set $l (i32.sub (local.get $total) (i32.const 1)))
        (local.set $a0 (i32.add (local.get $sig) (call $frameAt (local.get $g) (local.get $frames) (local.get $hop) (local.get $plen))))
        (local.set $o0 (i32.add (local.get $out) (i32.shl (i32.mul (local.get $g) (local.get $bins)) (local.get $w))))
        (local.set $e (select (i32.add (local.get $g) (i32.const 1)) (local.get $l) (i32.lt_u (local.get $g) (local.get $l))))
        (local.set $a1 (i32.add (local.get $sig) (call $frameAt (local.get $e) (local.get $frames) (local.get $hop) (local.get $plen))))
        (local.set $o1
          (select (i32.add (local.get $out) (i32.shl (i32.mul (local.get $e) (local.get $bins)) (local.get $w)))
            (local.get $spare) (i32.lt_u (local.get $g) (local.get $l))))
        (local.set $e (select (i32.add (local.get $g) (i32.const 2)) (local.get $l) (i32.lt_u (i32.add (local.get $g) (i32.const 1)) (local.get $l))))
        (local.set $a2 (i32.add (local.get $sig) (call $frameAt (local.get $e) (local.get $frames) (local.get $hop) (local.get $plen))))
        (local.set $o2
          (select (i32.add (local.get $out) (i32.shl (i32.mul (local.get $e) (local.get $bins)) (local.get $w)))
            (local.get $spare) (i32.lt_u (i32.add (local.get $g) (i32.const 1)) (local.get $l))))
        (local.set $e (select (i32.add (local.get $g) (i32.const 3)) (local.get $l) (i32.lt_u (i32.add (local.get $g) (i32.const 2)) (local.get $l))))
        (local.set $a3 (i32.add (local.get $sig) (call $frameAt (local.get $e) (local.get $frames) (local.get $hop) (local.get $plen))))
        (local.set $o3
          (select (i32.add (local.get $out) (i32.shl (i32.mul (local.get $e) (local.get $bins)) (local.get $w)))
            (local.get $spare) (i32.lt_u (i32.add (local.get $g) (i32.const 2)) (local.get $l))))
        ;; z[j] = [w[2j] x[2j], w[2j + 1] x[2j + 1]] of the four frames, and their largest |w x|
        ;; per lane: four samples of each frame per step (four loads), transposed by shuffles into
        ;; four vectors of one sample of the four frames (two complex numbers). The largest and the
        ;; smallest w x per lane (mx, mn: no abs per sample); max|w x| = max(mx, -mn) after.
        (local.set $mx (v128.const i32x4 0 0 0 0))
        (local.set $mn (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (local.set $p (local.get $x))
        (loop $gather
          (local.set $pr (v128.load (i32.add (local.get $a0) (local.get $j))))
          (local.set $pi (v128.load (i32.add (local.get $a1) (local.get $j))))
          (local.set $qr (v128.load (i32.add (local.get $a2) (local.get $j))))
          (local.set $qi (v128.load (i32.add (local.get $a3) (local.get $j))))
          ;; [a0 b0 a1 b1], [c0 d0 c1 d1], [a2 b2 a3 b3], [c2 d2 c3 d3]
          (local.set $er (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $pr) (local.get $pi)))
          (local.set $ei (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $qr) (local.get $qi)))
          (local.set $hr (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $pr) (local.get $pi)))
          (local.set $hi (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $qr) (local.get $qi)))
          ;; sample s of the four frames is [a_s b_s c_s d_s], times w[s]
          (local.set $c (v128.load32_splat (i32.add (local.get $win) (local.get $j))))
          (local.set $vr
            (f32x4.mul (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $er) (local.get $ei)) (local.get $c)))
          (local.set $c (v128.load32_splat offset=4 (i32.add (local.get $win) (local.get $j))))
          (local.set $vi
            (f32x4.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $er) (local.get $ei)) (local.get $c)))
          (v128.store offset=0 (local.get $p) (local.get $vr))
          (v128.store offset=16 (local.get $p) (local.get $vi))
          (local.set $mx (f32x4.pmax (local.get $mx) (f32x4.pmax (local.get $vr) (local.get $vi))))
          (local.set $mn (f32x4.pmin (local.get $mn) (f32x4.pmin (local.get $vr) (local.get $vi))))
          (local.set $c (v128.load32_splat offset=8 (i32.add (local.get $win) (local.get $j))))
          (local.set $vr
            (f32x4.mul (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $hr) (local.get $hi)) (local.get $c)))
          (local.set $c (v128.load32_splat offset=12 (i32.add (local.get $win) (local.get $j))))
          (local.set $vi
            (f32x4.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $hr) (local.get $hi)) (local.get $c)))
          (v128.store offset=32 (local.get $p) (local.get $vr))
          (v128.store offset=48 (local.get $p) (local.get $vi))
          (local.set $mx (f32x4.pmax (local.get $mx) (f32x4.pmax (local.get $vr) (local.get $vi))))
          (local.set $mn (f32x4.pmin (local.get $mn) (f32x4.pmin (local.get $vr) (local.get $vi))))
          (local.set $p (i32.add (local.get $p) (i32.const 64)))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br_if $gather (i32.lt_u (local.get $j) (i32.shl (local.get $m) (i32.const 3)))))
        ;; (+0 for a silent lane: pmax(+0, -0) is +0.)
        (local.set $mx (f32x4.pmax (local.get $mx) (f32x4.neg (local.get $mn))))
        ;; Frames of moderate size are not scaled: every lane silent or with max|w x| in
        ;; [2^-32, 2^32) (biased exponent 95 .. 158). There nothing overflows, not even |X|^2
        ;; (|X| <= n max|w x| < 2^54 for n <= 2^22), and every bin above 2^-24 of the frame's peak
        ;; squares to a normal float32 (>= 2^-112): the same relative precision as scaled; t = u = 1.
        (local.set $ex (i32x4.shr_u (local.get $mx) (i32.const 23)))
        (local.set $ok
          (v128.or (f32x4.eq (local.get $mx) (v128.const i32x4 0 0 0 0))
            (i32x4.lt_u (i32x4.sub (local.get $ex) (i32x4.splat (i32.const 95))) (i32x4.splat (i32.const 64)))))
        (if (i32x4.all_true (local.get $ok))
          (then
            (local.set $u1 (f32x4.splat (f32.const 1)))
            (local.set $u2 (local.get $u1)))
          (else
        ;; Scales from the exponent bits: t2 = 2^64 (u2 = 2^-64) below the normal range, else 1;
        ;; with e the biased exponent of t2 max|w x|: t1 = 2^(127 - e) (at least 2^-126), u1 = 1 / t1;
        ;; t1 = u1 = 0 for a silent frame.
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
        (local.set $t1 (v128.bitselect (f32x4.splat (f32.const 1)) (local.get $t1) (local.get $ok)))
        (local.set $t2 (v128.bitselect (f32x4.splat (f32.const 1)) (local.get $t2) (local.get $ok)))
        (local.set $u1 (v128.bitselect (f32x4.splat (f32.const 1)) (local.get $u1) (local.get $ok)))
        (local.set $u2 (v128.bitselect (f32x4.splat (f32.const 1)) (local.get $u2) (local.get $ok)))
        ;; z[j] = (z[j] t1) t2: exact (t1 t2 itself may not fit in float32).
        (local.set $p (local.get $x))
        (local.set $q (i32.add (local.get $x) (i32.shl (local.get $m) (i32.const 5))))
        (loop $scale
          (v128.store offset=0 (local.get $p)
            (f32x4.mul (f32x4.mul (v128.load offset=0 (local.get $p)) (local.get $t1)) (local.get $t2)))
          (v128.store offset=16 (local.get $p)
            (f32x4.mul (f32x4.mul (v128.load offset=16 (local.get $p)) (local.get $t1)) (local.get $t2)))
          (local.set $p (i32.add (local.get $p) (i32.const 32)))
          (br_if $scale (i32.lt_u (local.get $p) (local.get $q))))))
        ;; Z is in $x or $y: $z.
        (local.set $z (call $stockham (local.get $m) (local.get $x) (local.get $y) (local.get $tw) (i32.const 1)))
        ;; |X[0]| and |X[m]| from Z[0]; the halving of the split is folded into u1. Lane l's value
        ;; goes to row $ol (four lane stores per bin).
        (local.set $u1 (f32x4.mul (local.get $u1) (f32x4.splat (f32.const 0.5))))
        (local.set $pr (v128.load offset=0 (local.get $z)))
        (local.set $pi (v128.load offset=16 (local.get $z)))
        (local.set $vr
          (f32x4.pmax (local.get $fl)
            (f32x4.mul (f32x4.mul (f32x4.abs (f32x4.add (local.get $pr) (local.get $pi))) (f32x4.add (local.get $u1) (local.get $u1))) (local.get $u2))))
        (if (local.get $spec)
          (then
            (v128.store offset=0 (local.get $sg) (f32x4.add (local.get $pr) (local.get $pi)))
            (v128.store offset=16 (local.get $sg) (v128.const i32x4 0 0 0 0))
            (local.set $at (i32.add (local.get $sg) (i32.shl (local.get $m) (i32.const 5))))
            (v128.store offset=0 (local.get $at) (f32x4.sub (local.get $pr) (local.get $pi)))
            (v128.store offset=16 (local.get $at) (v128.const i32x4 0 0 0 0))))
        (local.set $at (i32.const 0))
        (local.set $v (local.get $vr))
        (if (local.get $wide)
          (then
            (local.set $at (i32.shl (local.get $at) (i32.const 1)))
            (f64.store (i32.add (local.get $o0) (local.get $at)) (f64.promote_f32 (f32x4.extract_lane 0 (local.get $v))))
            (f64.store (i32.add (local.get $o1) (local.get $at)) (f64.promote_f32 (f32x4.extract_lane 1 (local.get $v))))
            (f64.store (i32.add (local.get $o2) (local.get $at)) (f64.promote_f32 (f32x4.extract_lane 2 (local.get $v))))
            (f64.store (i32.add (local.get $o3) (local.get $at)) (f64.promote_f32 (f32x4.extract_lane 3 (local.get $v)))))
          (else
            (v128.store32_lane 0 (i32.add (local.get $o0) (local.get $at)) (local.get $v))
            (v128.store32_lane 1 (i32.add (local.get $o1) (local.get $at)) (local.get $v))
            (v128.store32_lane 2 (i32.add (local.get $o2) (local.get $at)) (local.get $v))
            (v128.store32_lane 3 (i32.add (local.get $o3) (local.get $at)) (local.get $v))))
        (local.set $vr
          (f32x4.pmax (local.get $fl)
            (f32x4.mul (f32x4.mul (f32x4.abs (f32x4.sub (local.get $pr) (local.get $pi))) (f32x4.add (local.get $u1) (local.get $u1))) (local.get $u2))))
        (local.set $at (i32.shl (local.get $m) (i32.const 2)))
        (local.set $v (local.get $vr))
        (if (local.get $wide)
          (then
            (local.set $at (i32.shl (local.get $at) (i32.const 1)))
            (f64.store (i32.add (local.get $o0) (local.get $at)) (f64.promote_f32 (f32x4.extract_lane 0 (local.get $v))))
            (f64.store (i32.add (local.get $o1) (local.get $at)) (f64.promote_f32 (f32x4.extract_lane 1 (local.get $v))))
            (f64.store (i32.add (local.get $o2) (local.get $at)) (f64.promote_f32 (f32x4.extract_lane 2 (local.get $v))))
            (f64.store (i32.add (local.get $o3) (local.get $at)) (f64.promote_f32 (f32x4.extract_lane 3 (local.get $v)))))
          (else
            (v128.store32_lane 0 (i32.add (local.get $o0) (local.get $at)) (local.get $v))
            (v128.store32_lane 1 (i32.add (local.get $o1) (local.get $at)) (local.get $v))
            (v128.store32_lane 2 (i32.add (local.get $o2) (local.get $at)) (local.get $v))
            (v128.store32_lane 3 (i32.add (local.get $o3) (local.get $at)) (local.get $v))))
        ;; The split for k = 1 .. m/2, in two copies: float32 rows alone (the public magnitudes),
        ;; without a branch in the loop; and float64 rows and/or kept spectra (analyzeAt).
        (local.set $k (i32.const 1))
        (if (i32.eqz (i32.or (local.get $wide) (local.get $spec)))
          (then
            (loop $split32
              (local.set $p (i32.add (local.get $z) (i32.shl (local.get $k) (i32.const 5))))
              (local.set $q (i32.add (local.get $z) (i32.shl (i32.sub (local.get $m) (local.get $k)) (i32.const 5))))
              (local.set $pr (v128.load offset=0 (local.get $p)))
              (local.set $pi (v128.load offset=16 (local.get $p)))
              (local.set $qr (v128.load offset=0 (local.get $q)))
              (local.set $qi (v128.load offset=16 (local.get $q)))
              (local.set $c (v128.load32_splat offset=0 (local.get $rt)))
              (local.set $s (v128.load32_splat offset=4 (local.get $rt)))
              (local.set $rt (i32.add (local.get $rt) (i32.const 8)))
              ;; E = P + conj Q, G = -i (P - conj Q) = [P.im + Q.im, Q.re - P.re], H = W G
              (local.set $er (f32x4.add (local.get $pr) (local.get $qr)))
              (local.set $ei (f32x4.sub (local.get $pi) (local.get $qi)))
              (local.set $vr (f32x4.add (local.get $pi) (local.get $qi)))
              (local.set $vi (f32x4.sub (local.get $qr) (local.get $pr)))
              (local.set $hr (f32x4.sub (f32x4.mul (local.get $vr) (local.get $c)) (f32x4.mul (local.get $vi) (local.get $s))))
              (local.set $hi (f32x4.add (f32x4.mul (local.get $vr) (local.get $s)) (f32x4.mul (local.get $vi) (local.get $c))))
              ;; |X[k]| = |E + H| / 2 into the four rows at bin k
              (local.set $vr (f32x4.add (local.get $er) (local.get $hr)))
              (local.set $vi (f32x4.add (local.get $ei) (local.get $hi)))
              (local.set $v (f32x4.pmax (local.get $fl)
                  (f32x4.mul
                    (f32x4.mul
                      (f32x4.sqrt
                        (f32x4.add (f32x4.mul (local.get $vr) (local.get $vr)) (f32x4.mul (local.get $vi) (local.get $vi))))
                      (local.get $u1))
                    (local.get $u2))))
              (local.set $at (i32.shl (local.get $k) (i32.const 2)))
              (v128.store32_lane 0 (i32.add (local.get $o0) (local.get $at)) (local.get $v))
              (v128.store32_lane 1 (i32.add (local.get $o1) (local.get $at)) (local.get $v))
              (v128.store32_lane 2 (i32.add (local.get $o2) (local.get $at)) (local.get $v))
              (v128.store32_lane 3 (i32.add (local.get $o3) (local.get $at)) (local.get $v))
              ;; |X[m - k]| = |E - H| / 2 at bin m - k
              (local.set $vr (f32x4.sub (local.get $er) (local.get $hr)))
              (local.set $vi (f32x4.sub (local.get $ei) (local.get $hi)))
              (local.set $v (f32x4.pmax (local.get $fl)
                  (f32x4.mul
                    (f32x4.mul
                      (f32x4.sqrt
                        (f32x4.add (f32x4.mul (local.get $vr) (local.get $vr)) (f32x4.mul (local.get $vi) (local.get $vi))))
                      (local.get $u1))
                    (local.get $u2))))
              (local.set $at (i32.shl (i32.sub (local.get $m) (local.get $k)) (i32.const 2)))
              (v128.store32_lane 0 (i32.add (local.get $o0) (local.get $at)) (local.get $v))
              (v128.store32_lane 1 (i32.add (local.get $o1) (local.get $at)) (local.get $v))
              (v128.store32_lane 2 (i32.add (local.get $o2) (local.get $at)) (local.get $v))
              (v128.store32_lane 3 (i32.add (local.get $o3) (local.get $at)) (local.get $v))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $split32 (i32.le_u (local.get $k) (i32.shr_u (local.get $m) (i32.const 1))))))
          (else
            (loop $split
              (local.set $p (i32.add (local.get $z) (i32.shl (local.get $k) (i32.const 5))))
              (local.set $q (i32.add (local.get $z) (i32.shl (i32.sub (local.get $m) (local.get $k)) (i32.const 5))))
              (local.set $pr (v128.load offset=0 (local.get $p)))
              (local.set $pi (v128.load offset=16 (local.get $p)))
              (local.set $qr (v128.load offset=0 (local.get $q)))
              (local.set $qi (v128.load offset=16 (local.get $q)))
              (local.set $c (v128.load32_splat offset=0 (local.get $rt)))
              (local.set $s (v128.load32_splat offset=4 (local.get $rt)))
              (local.set $rt (i32.add (local.get $rt) (i32.const 8)))
              ;; E = P + conj Q, G = -i (P - conj Q) = [P.im + Q.im, Q.re - P.re], H = W G
              (local.set $er (f32x4.add (local.get $pr) (local.get $qr)))
              (local.set $ei (f32x4.sub (local.get $pi) (local.get $qi)))
              (local.set $vr (f32x4.add (local.get $pi) (local.get $qi)))
              (local.set $vi (f32x4.sub (local.get $qr) (local.get $pr)))
              (local.set $hr (f32x4.sub (f32x4.mul (local.get $vr) (local.get $c)) (f32x4.mul (local.get $vi) (local.get $s))))
              (local.set $hi (f32x4.add (f32x4.mul (local.get $vr) (local.get $s)) (f32x4.mul (local.get $vi) (local.get $c))))
              ;; |X[k]| = |E + H| / 2, |X[m - k]| = |E - H| / 2
              (local.set $vr (f32x4.add (local.get $er) (local.get $hr)))
              (local.set $vi (f32x4.add (local.get $ei) (local.get $hi)))
              (if (local.get $spec)
                (then
                  (local.set $at (i32.add (local.get $sg) (i32.shl (local.get $k) (i32.const 5))))
                  (v128.store offset=0 (local.get $at) (local.get $vr))
                  (v128.store offset=16 (local.get $at) (local.get $vi))))
              (local.set $at (i32.shl (local.get $k) (i32.const 2)))
              (local.set $v (f32x4.pmax (local.get $fl)
                  (f32x4.mul
                    (f32x4.mul
                      (f32x4.sqrt
                        (f32x4.add (f32x4.mul (local.get $vr) (local.get $vr)) (f32x4.mul (local.get $vi) (local.get $vi))))
                      (local.get $u1))
                    (local.get $u2))))
              (if (local.get $wide)
                (then
                  (local.set $at (i32.shl (local.get $at) (i32.const 1)))
                  (f64.store (i32.add (local.get $o0) (local.get $at)) (f64.promote_f32 (f32x4.extract_lane 0 (local.get $v))))
                  (f64.store (i32.add (local.get $o1) (local.get $at)) (f64.promote_f32 (f32x4.extract_lane 1 (local.get $v))))
                  (f64.store (i32.add (local.get $o2) (local.get $at)) (f64.promote_f32 (f32x4.extract_lane 2 (local.get $v))))
                  (f64.store (i32.add (local.get $o3) (local.get $at)) (f64.promote_f32 (f32x4.extract_lane 3 (local.get $v)))))
                (else
                  (v128.store32_lane 0 (i32.add (local.get $o0) (local.get $at)) (local.get $v))
                  (v128.store32_lane 1 (i32.add (local.get $o1) (local.get $at)) (local.get $v))
                  (v128.store32_lane 2 (i32.add (local.get $o2) (local.get $at)) (local.get $v))
                  (v128.store32_lane 3 (i32.add (local.get $o3) (local.get $at)) (local.get $v))))
              (local.set $vr (f32x4.sub (local.get $er) (local.get $hr)))
              (local.set $vi (f32x4.sub (local.get $ei) (local.get $hi)))
              ;; X[m - k] = conj(E - H) / 2: its phase is conjugated
              (if (local.get $spec)
                (then
                  (local.set $at (i32.add (local.get $sg) (i32.shl (i32.sub (local.get $m) (local.get $k)) (i32.const 5))))
                  (v128.store offset=0 (local.get $at) (local.get $vr))
                  (v128.store offset=16 (local.get $at) (f32x4.neg (local.get $vi)))))
              (local.set $at (i32.shl (i32.sub (local.get $m) (local.get $k)) (i32.const 2)))
              (local.set $v (f32x4.pmax (local.get $fl)
                  (f32x4.mul
                    (f32x4.mul
                      (f32x4.sqrt
                        (f32x4.add (f32x4.mul (local.get $vr) (local.get $vr)) (f32x4.mul (local.get $vi) (local.get $vi))))
                      (local.get $u1))
                    (local.get $u2))))
              (if (local.get $wide)
                (then
                  (local.set $at (i32.shl (local.get $at) (i32.const 1)))
                  (f64.store (i32.add (local.get $o0) (local.get $at)) (f64.promote_f32 (f32x4.extract_lane 0 (local.get $v))))
                  (f64.store (i32.add (local.get $o1) (local.get $at)) (f64.promote_f32 (f32x4.extract_lane 1 (local.get $v))))
                  (f64.store (i32.add (local.get $o2) (local.get $at)) (f64.promote_f32 (f32x4.extract_lane 2 (local.get $v))))
                  (f64.store (i32.add (local.get $o3) (local.get $at)) (f64.promote_f32 (f32x4.extract_lane 3 (local.get $v)))))
                (else
                  (v128.store32_lane 0 (i32.add (local.get $o0) (local.get $at)) (local.get $v))
                  (v128.store32_lane 1 (i32.add (local.get $o1) (local.get $at)) (local.get $v))
                  (v128.store32_lane 2 (i32.add (local.get $o2) (local.get $at)) (local.get $v))
                  (v128.store32_lane 3 (i32.add (local.get $o3) (local.get $at)) (local.get $v))))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $split (i32.le_u (local.get $k) (i32.shr_u (local.get $m) (i32.const 1)))))))
        (local.set $rt (i32.sub (local.get $rt) (i32.shl (local.get $m) (i32.const 2))))
        (local.set $g (i32.add (local.get $g) (i32.const 4)))
        (br $groups)))))
