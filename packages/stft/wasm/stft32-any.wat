;; The float32 STFT of @losses/stft at sizes that are not powers of two, in WebAssembly with 128-bit
;; SIMD: the magnitudes (with the kept spectra) and their adjoint, for float32 input. A module of its
;; own, like wasm/stft32-adjoint.wat: it shares the memory of a wasm/stft32.wat instance and calls
;; that instance's power-of-two complex FFT (`fft`, in place, and `stockham`, which leaves the DFT
;; in its input or its work buffer; four lanes, 32 bytes per four-lane complex number: re f32x4,
;; im f32x4), all imported (src/wasm/kernel32-any.ts).
;; `pnpm --filter @losses/stft wasm` assembles this file into src/wasm/module32-any.ts (a test checks
;; that the two agree). All pointers are byte offsets into the shared memory.
;;
;; Layout of the work. Frames go in pairs: frames 2i and 2i + 1 of one item (the last frame of an
;; item with an odd frame count pairs with a silent stand-in), pair i of an item in the complex
;; sequence z = x_a + i x_b (x_a, x_b the windowed frames). Four pairs at a time, one per f32x4 lane,
;; so eight frames per transform; lanes never mix, and a frame's numbers depend on its own item only
;; (the same numbers in any batch).
;;
;; The DFT of size n by Bluestein's chirp-z (Bluestein 1970; e.g. Rabiner, Schafer and Rader, "The
;; chirp z-transform algorithm", 1969): with w_j = exp(-i pi j^2 / n) (j k = (j^2 + k^2 - (k - j)^2)/2),
;;   Z_k = sum_j z_j exp(-2 pi i j k / n) = w_k sum_j (z_j w_j) conj(w_{k - j}),
;; a linear convolution computed as a cyclic one of length M >= 2n - 1, a power of two or five
;; times one (the cheaper: 67 -> 160, 127 -> 256, 509 -> 1024, 2053 -> 5120; see $fft5):
;;   a = (z_j w_j, then zeros), b_t = conj(w_t) for |t| < n (wrapped mod M), B' = DFT_M(b) / M
;;   (precomputed in float64, rounded once), conv = DFT_M^-1(DFT_M(a) B') = conj(DFT_M(conj(A B'))),
;;   Z_k = w_k conj(F_k) with F = DFT_M(conj(A B')).
;; Or, for a prime n whose n - 1 is such a length (17, 41, 257, 641, ...), by Rader's algorithm
;; (C. M. Rader, "Discrete Fourier transforms when the number of data samples is prime", Proc.
;; IEEE 56(6), 1968; as src/fft/rader.ts does in float64) over the cyclic convolution of length
;; M = n - 1 itself (257: 256 instead of Bluestein's 640): with g a generator modulo n,
;;   Z_0 = z_0 + sum_{p<M} a_p,  Z_{g^-q} = z_0 + sum_{p<M} a_p b_{q-p},  a_p = z_{g^p},
;;   b_m = exp(-2 pi i g^-m / n),
;; the same steps with w = 1: a permutation instead of the chirp. One code path serves both: a
;; table of places says where z_j goes in the convolution's input (in $inbuf's buffer; z_0 to the
;; spare number M for Rader, read back as a_0, 0 for Bluestein) and where F_k is read (Rader: at
;; -log_g k mod M; k = 0 at number M of $x, where $convolve leaves conj(A_0)), and
;;   Z_k = w_k conj(F at place k) + a_0.
;; The two real spectra from Z (e.g. Press et al., Numerical Recipes, 12.3), for 0 <= k <= n/2,
;; Z_n = Z_0:  X_a[k] = (Z_k + conj Z_{n-k}) / 2,  X_b[k] = -i (Z_k - conj Z_{n-k}) / 2.
;;
;; Scaling: each windowed frame w x is scaled by its own power of two t (t max|w x| in [1, 2); t =
;; 2^64 t' below the normal range, as in wasm/stft32.wat) before it is packed, and its magnitudes by
;; u = 1 / t after the split: every frame relative to its own size, a silent frame (t = u = 0)
;; exactly 0 whatever its partner holds, nothing overflows inside. The partner's rounding reaches a
;; frame only as float32 rounding relative to the pair's (scaled) norms.
(module
  ;; The forward instance's in-place four-lane complex FFT of power-of-two size (wasm/stft32.wat).
  (import "env" "fft" (func $fft (param i32 i32 i32 i32)))
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

  ;; The four pairs of group g into the scratch $lp (i32 per lane): +0 frame a (global index), +16
  ;; frame b (frame a again when the pair has no b), +32 -1 where the lane holds a pair (lanes past
  ;; the last pair repeat it), else 0, +48 -1 where it holds a frame b, else 0. `pp` pairs per item.
  (func $lanes (param $g i32) (param $pairs i32) (param $pp i32) (param $frames i32) (param $lp i32)
    (local $l i32) (local $q i32) (local $fa i32) (local $ra i32) (local $ok i32) (local $hb i32)
    (loop $lane
      (local.set $q (i32.add (local.get $g) (local.get $l)))
      (local.set $ok (i32.lt_u (local.get $q) (local.get $pairs)))
      (local.set $q (select (local.get $q) (i32.sub (local.get $pairs) (i32.const 1)) (local.get $ok)))
      (local.set $fa (i32.shl (i32.rem_u (local.get $q) (local.get $pp)) (i32.const 1)))
      (local.set $ra
        (i32.add (i32.mul (i32.div_u (local.get $q) (local.get $pp)) (local.get $frames)) (local.get $fa)))
      (local.set $hb
        (i32.and (local.get $ok) (i32.lt_u (i32.add (local.get $fa) (i32.const 1)) (local.get $frames))))
      (i32.store offset=0 (local.get $lp) (local.get $ra))
      (i32.store offset=16 (local.get $lp) (i32.add (local.get $ra) (local.get $hb)))
      (i32.store offset=32 (local.get $lp) (i32.sub (i32.const 0) (local.get $ok)))
      (i32.store offset=48 (local.get $lp) (i32.sub (i32.const 0) (local.get $hb)))
      (local.set $lp (i32.add (local.get $lp) (i32.const 4)))
      (local.set $l (i32.add (local.get $l) (i32.const 1)))
      (br_if $lane (i32.lt_u (local.get $l) (i32.const 4)))))

  ;; The per-lane scales of values whose largest |value| per lane is $mx, at $at: +0 t1, +16 t2,
  ;; +32 u1, +48 u2 (f32x4), t = t1 t2 with t max in [1, 2), u = u1 u2 = 1 / t, all 0 where
  ;; mx = 0. From the exponent bits as in wasm/stft32.wat: t2 = 2^64 (u2 = 2^-64) below the normal
  ;; range, else 1; with e the biased exponent of t2 mx, t1 = 2^(127 - e), u1 = 2^(e - 127).
  (func $scales (param $mx v128) (param $at i32)
    (local $nz v128) (local $sub v128) (local $ex v128) (local $t2 v128)
    (local.set $nz (f32x4.gt (local.get $mx) (v128.const i32x4 0 0 0 0)))
    (local.set $sub (i32x4.eq (i32x4.shr_u (local.get $mx) (i32.const 23)) (v128.const i32x4 0 0 0 0)))
    (local.set $t2 (v128.bitselect (f32x4.splat (f32.const 0x1p64)) (f32x4.splat (f32.const 1)) (local.get $sub)))
    (local.set $ex (i32x4.shr_u (f32x4.mul (local.get $mx) (local.get $t2)) (i32.const 23)))
    (v128.store offset=0 (local.get $at)
      (v128.and (local.get $nz)
        (i32x4.shl (i32x4.max_s (i32x4.sub (i32x4.splat (i32.const 254)) (local.get $ex)) (i32x4.splat (i32.const 1)))
          (i32.const 23))))
    (v128.store offset=16 (local.get $at) (local.get $t2))
    (v128.store offset=32 (local.get $at)
      (v128.and (local.get $nz)
        (i32x4.shl (i32x4.min_s (local.get $ex) (i32x4.splat (i32.const 253))) (i32.const 23))))
    (v128.store offset=48 (local.get $at)
      (v128.bitselect (f32x4.splat (f32.const 0x1p-64)) (f32x4.splat (f32.const 1)) (local.get $sub))))

  ;; [f32 at a0 + o, a1 + o, a2 + o, a3 + o]: sample o / 4 of four frames.
  (func $col (param $a0 i32) (param $a1 i32) (param $a2 i32) (param $a3 i32) (param $o i32) (result v128)
    (f32x4.replace_lane 3
      (f32x4.replace_lane 2
        (f32x4.replace_lane 1
          (f32x4.splat (f32.load (i32.add (local.get $a0) (local.get $o))))
          (f32.load (i32.add (local.get $a1) (local.get $o))))
        (f32.load (i32.add (local.get $a2) (local.get $o))))
      (f32.load (i32.add (local.get $a3) (local.get $o)))))

;; The 4x4 transpose of rows r0..r3 (r_l = [four values of row l]) into columns at $at + 192 +
  ;; 16 s (column s = [r0[s], r1[s], r2[s], r3[s]]), by shuffles: pairs of rows interleaved, then
  ;; their halves joined.
  (func $transpose (param $r0 v128) (param $r1 v128) (param $r2 v128) (param $r3 v128) (param $at i32)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    ;; [r0.0 r1.0 r0.1 r1.1], [r2.0 r3.0 r2.1 r3.1], [r0.2 r1.2 r0.3 r1.3], [r2.2 r3.2 r2.3 r3.3]
    (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
    (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
    (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
    (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
    (v128.store offset=192 (local.get $at)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
    (v128.store offset=208 (local.get $at)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
    (v128.store offset=224 (local.get $at)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3)))
    (v128.store offset=240 (local.get $at)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3))))

  ;; Rows of the magnitudes staged at $st (per bin k: 32 bytes, lanes of frames a then b) for
  ;; bins k0 <= k < k0 + 4, written to the rows $o0..$o3 (frames a) and $o4..$o7 (frames b):
  ;; four bins of a lane's row in one store (float32) or two (float64 with $wide: promoted
  ;; halves), via $transpose into the scratch $lp.
  (func $rows4 (param $st i32) (param $k0 i32) (param $lp i32) (param $wide i32)
    (param $o0 i32) (param $o1 i32) (param $o2 i32) (param $o3 i32)
    (param $o4 i32) (param $o5 i32) (param $o6 i32) (param $o7 i32)
    (local $p i32) (local $at i32) (local $v v128)
    (local.set $p (i32.add (local.get $st) (i32.shl (local.get $k0) (i32.const 5))))
    (call $transpose
      (v128.load offset=0 (local.get $p)) (v128.load offset=32 (local.get $p))
      (v128.load offset=64 (local.get $p)) (v128.load offset=96 (local.get $p)) (local.get $lp))
    (call $transpose
      (v128.load offset=16 (local.get $p)) (v128.load offset=48 (local.get $p))
      (v128.load offset=80 (local.get $p)) (v128.load offset=112 (local.get $p))
      (i32.add (local.get $lp) (i32.const 64)))
    (if (local.get $wide)
      (then
        (local.set $at (i32.shl (local.get $k0) (i32.const 3)))
        (local.set $v (v128.load offset=192 (local.get $lp)))
        (local.set $p (i32.add (local.get $o0) (local.get $at)))
        (v128.store offset=0 (local.get $p) (f64x2.promote_low_f32x4 (local.get $v)))
        (v128.store offset=16 (local.get $p) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
        (local.set $v (v128.load offset=208 (local.get $lp)))
        (local.set $p (i32.add (local.get $o1) (local.get $at)))
        (v128.store offset=0 (local.get $p) (f64x2.promote_low_f32x4 (local.get $v)))
        (v128.store offset=16 (local.get $p) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
        (local.set $v (v128.load offset=224 (local.get $lp)))
        (local.set $p (i32.add (local.get $o2) (local.get $at)))
        (v128.store offset=0 (local.get $p) (f64x2.promote_low_f32x4 (local.get $v)))
        (v128.store offset=16 (local.get $p) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
        (local.set $v (v128.load offset=240 (local.get $lp)))
        (local.set $p (i32.add (local.get $o3) (local.get $at)))
        (v128.store offset=0 (local.get $p) (f64x2.promote_low_f32x4 (local.get $v)))
        (v128.store offset=16 (local.get $p) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
        (local.set $v (v128.load offset=256 (local.get $lp)))
        (local.set $p (i32.add (local.get $o4) (local.get $at)))
        (v128.store offset=0 (local.get $p) (f64x2.promote_low_f32x4 (local.get $v)))
        (v128.store offset=16 (local.get $p) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
        (local.set $v (v128.load offset=272 (local.get $lp)))
        (local.set $p (i32.add (local.get $o5) (local.get $at)))
        (v128.store offset=0 (local.get $p) (f64x2.promote_low_f32x4 (local.get $v)))
        (v128.store offset=16 (local.get $p) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
        (local.set $v (v128.load offset=288 (local.get $lp)))
        (local.set $p (i32.add (local.get $o6) (local.get $at)))
        (v128.store offset=0 (local.get $p) (f64x2.promote_low_f32x4 (local.get $v)))
        (v128.store offset=16 (local.get $p) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
        (local.set $v (v128.load offset=304 (local.get $lp)))
        (local.set $p (i32.add (local.get $o7) (local.get $at)))
        (v128.store offset=0 (local.get $p) (f64x2.promote_low_f32x4 (local.get $v)))
        (v128.store offset=16 (local.get $p) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
      (else
        (local.set $at (i32.shl (local.get $k0) (i32.const 2)))
        (v128.store (i32.add (local.get $o0) (local.get $at)) (v128.load offset=192 (local.get $lp)))
        (v128.store (i32.add (local.get $o1) (local.get $at)) (v128.load offset=208 (local.get $lp)))
        (v128.store (i32.add (local.get $o2) (local.get $at)) (v128.load offset=224 (local.get $lp)))
        (v128.store (i32.add (local.get $o3) (local.get $at)) (v128.load offset=240 (local.get $lp)))
        (v128.store (i32.add (local.get $o4) (local.get $at)) (v128.load offset=256 (local.get $lp)))
        (v128.store (i32.add (local.get $o5) (local.get $at)) (v128.load offset=272 (local.get $lp)))
        (v128.store (i32.add (local.get $o6) (local.get $at)) (v128.load offset=288 (local.get $lp)))
        (v128.store (i32.add (local.get $o7) (local.get $at)) (v128.load offset=304 (local.get $lp))))))

  ;; Lane l of $v to row $ol at byte offset $at (float32), or at 2 $at as float64 with $wide.
  (func $put4 (param $v v128) (param $o0 i32) (param $o1 i32) (param $o2 i32) (param $o3 i32)
    (param $at i32) (param $wide i32)
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
        (v128.store32_lane 3 (i32.add (local.get $o3) (local.get $at)) (local.get $v)))))

;; The DFT of M = 5 L four-lane complex numbers into $x, from $inbuf's (see there; the other buffer
  ;; is the work), by one radix-5 decimation-in-time step over the FFT of size L (a power of two,
  ;; twiddles $tw) of the five interleaved sequences x_{5j + r} (one `stockham` call, stride 5): with
  ;; F_r = DFT_L(x_{5j + r}) and W = exp(-2 pi i / M),
  ;;   X_{k + qL} = sum_{r<5} (W^{rk} F_r[k]) exp(-2 pi i r q / 5)   (k < L, q < 5),
  ;; a 5-point DFT of G_r = W^{rk} F_r[k] per k, with c1, s1 = cos, sin 2 pi / 5 and c2, s2 of 4 pi / 5:
  ;;   t1 = G1 + G4, t2 = G2 + G3, t3 = G1 - G4, t4 = G2 - G3, X_0 = G0 + t1 + t2,
  ;;   a1 = G0 + c1 t1 + c2 t2, a2 = G0 + c2 t1 + c1 t2, b1 = s1 t3 + s2 t4, b2 = s2 t3 - s1 t4,
  ;;   X_1 = a1 - i b1, X_4 = a1 + i b1, X_2 = a2 - i b2, X_3 = a2 + i b2.
  ;; $tw5: W^{rk} as (cos, -sin) float32 pairs, for r = 1..4 (L each).
  (func $fft5 (param $l i32) (param $x i32) (param $y i32) (param $tw i32) (param $tw5 i32)
    (local $p i32) (local $q i32) (local $lb i32) (local $k i32) (local $w i32) (local $f i32)
    (local $g0r v128) (local $g0i v128) (local $g1r v128) (local $g1i v128) (local $g2r v128) (local $g2i v128)
    (local $g3r v128) (local $g3i v128) (local $g4r v128) (local $g4i v128) (local $vr v128) (local $vi v128)
    (local $c v128) (local $s v128)
    (local $t1r v128) (local $t1i v128) (local $t2r v128) (local $t2i v128) (local $t3r v128) (local $t3i v128)
    (local $t4r v128) (local $t4i v128) (local $ar v128) (local $ai v128) (local $br v128) (local $bi v128)
    (local.set $lb (i32.shl (local.get $l) (i32.const 5)))
    ;; F_r[k] at $y + 32 (5 k + r): $inbuf puts the input where an FFT of size L ends in $y
    (local.set $f (call $inbuf (local.get $x) (local.get $y) (local.get $l)))
    (local.set $f
      (call $stockham (local.get $l) (local.get $f) (select (local.get $y) (local.get $x) (i32.eq (local.get $f) (local.get $x)))
        (local.get $tw) (i32.const 5)))
    ;; the radix-5 step into $x in natural order
    (local.set $k (i32.const 0))
    (loop $step
      (local.set $p (i32.add (local.get $f) (i32.mul (local.get $k) (i32.const 160))))
      (local.set $w (i32.add (local.get $tw5) (i32.shl (local.get $k) (i32.const 3))))
      (local.set $g0r (v128.load offset=0 (local.get $p)))
      (local.set $g0i (v128.load offset=16 (local.get $p)))
      ;; G_r = W^{rk} F_r[k], r = 1..4
      (local.set $p (i32.add (local.get $p) (i32.const 32)))
      (local.set $vr (v128.load offset=0 (local.get $p)))
      (local.set $vi (v128.load offset=16 (local.get $p)))
      (local.set $c (v128.load32_splat offset=0 (local.get $w)))
      (local.set $s (v128.load32_splat offset=4 (local.get $w)))
      (local.set $g1r (f32x4.sub (f32x4.mul (local.get $vr) (local.get $c)) (f32x4.mul (local.get $vi) (local.get $s))))
      (local.set $g1i (f32x4.add (f32x4.mul (local.get $vr) (local.get $s)) (f32x4.mul (local.get $vi) (local.get $c))))
      (local.set $p (i32.add (local.get $p) (i32.const 32)))
      (local.set $w (i32.add (local.get $w) (i32.shl (local.get $l) (i32.const 3))))
      (local.set $vr (v128.load offset=0 (local.get $p)))
      (local.set $vi (v128.load offset=16 (local.get $p)))
      (local.set $c (v128.load32_splat offset=0 (local.get $w)))
      (local.set $s (v128.load32_splat offset=4 (local.get $w)))
      (local.set $g2r (f32x4.sub (f32x4.mul (local.get $vr) (local.get $c)) (f32x4.mul (local.get $vi) (local.get $s))))
      (local.set $g2i (f32x4.add (f32x4.mul (local.get $vr) (local.get $s)) (f32x4.mul (local.get $vi) (local.get $c))))
      (local.set $p (i32.add (local.get $p) (i32.const 32)))
      (local.set $w (i32.add (local.get $w) (i32.shl (local.get $l) (i32.const 3))))
      (local.set $vr (v128.load offset=0 (local.get $p)))
      (local.set $vi (v128.load offset=16 (local.get $p)))
      (local.set $c (v128.load32_splat offset=0 (local.get $w)))
      (local.set $s (v128.load32_splat offset=4 (local.get $w)))
      (local.set $g3r (f32x4.sub (f32x4.mul (local.get $vr) (local.get $c)) (f32x4.mul (local.get $vi) (local.get $s))))
      (local.set $g3i (f32x4.add (f32x4.mul (local.get $vr) (local.get $s)) (f32x4.mul (local.get $vi) (local.get $c))))
      (local.set $p (i32.add (local.get $p) (i32.const 32)))
      (local.set $w (i32.add (local.get $w) (i32.shl (local.get $l) (i32.const 3))))
      (local.set $vr (v128.load offset=0 (local.get $p)))
      (local.set $vi (v128.load offset=16 (local.get $p)))
      (local.set $c (v128.load32_splat offset=0 (local.get $w)))
      (local.set $s (v128.load32_splat offset=4 (local.get $w)))
      (local.set $g4r (f32x4.sub (f32x4.mul (local.get $vr) (local.get $c)) (f32x4.mul (local.get $vi) (local.get $s))))
      (local.set $g4i (f32x4.add (f32x4.mul (local.get $vr) (local.get $s)) (f32x4.mul (local.get $vi) (local.get $c))))
      (local.set $t1r (f32x4.add (local.get $g1r) (local.get $g4r)))
      (local.set $t1i (f32x4.add (local.get $g1i) (local.get $g4i)))
      (local.set $t2r (f32x4.add (local.get $g2r) (local.get $g3r)))
      (local.set $t2i (f32x4.add (local.get $g2i) (local.get $g3i)))
      (local.set $t3r (f32x4.sub (local.get $g1r) (local.get $g4r)))
      (local.set $t3i (f32x4.sub (local.get $g1i) (local.get $g4i)))
      (local.set $t4r (f32x4.sub (local.get $g2r) (local.get $g3r)))
      (local.set $t4i (f32x4.sub (local.get $g2i) (local.get $g3i)))
      (local.set $q (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 5))))
      (v128.store offset=0 (local.get $q) (f32x4.add (local.get $g0r) (f32x4.add (local.get $t1r) (local.get $t2r))))
      (v128.store offset=16 (local.get $q) (f32x4.add (local.get $g0i) (f32x4.add (local.get $t1i) (local.get $t2i))))
      ;; c1 = 0.30901699437494745, c2 = -0.8090169943749475, s1 = 0.9510565162951535, s2 = 0.5877852522924731
      (local.set $ar (f32x4.add (local.get $g0r)
        (f32x4.add (f32x4.mul (local.get $t1r) (f32x4.splat (f32.const 0.30901699437494745)))
          (f32x4.mul (local.get $t2r) (f32x4.splat (f32.const -0.8090169943749475))))))
      (local.set $ai (f32x4.add (local.get $g0i)
        (f32x4.add (f32x4.mul (local.get $t1i) (f32x4.splat (f32.const 0.30901699437494745)))
          (f32x4.mul (local.get $t2i) (f32x4.splat (f32.const -0.8090169943749475))))))
      (local.set $br
        (f32x4.add (f32x4.mul (local.get $t3r) (f32x4.splat (f32.const 0.9510565162951535)))
          (f32x4.mul (local.get $t4r) (f32x4.splat (f32.const 0.5877852522924731)))))
      (local.set $bi
        (f32x4.add (f32x4.mul (local.get $t3i) (f32x4.splat (f32.const 0.9510565162951535)))
          (f32x4.mul (local.get $t4i) (f32x4.splat (f32.const 0.5877852522924731)))))
      ;; X_1 = a1 - i b1 = (a.re + b.im, a.im - b.re), X_4 = a1 + i b1
      (local.set $q (i32.add (local.get $q) (local.get $lb)))
      (v128.store offset=0 (local.get $q) (f32x4.add (local.get $ar) (local.get $bi)))
      (v128.store offset=16 (local.get $q) (f32x4.sub (local.get $ai) (local.get $br)))
      (local.set $p (i32.add (local.get $q) (i32.mul (local.get $lb) (i32.const 3))))
      (v128.store offset=0 (local.get $p) (f32x4.sub (local.get $ar) (local.get $bi)))
      (v128.store offset=16 (local.get $p) (f32x4.add (local.get $ai) (local.get $br)))
      (local.set $ar (f32x4.add (local.get $g0r)
        (f32x4.add (f32x4.mul (local.get $t1r) (f32x4.splat (f32.const -0.8090169943749475)))
          (f32x4.mul (local.get $t2r) (f32x4.splat (f32.const 0.30901699437494745))))))
      (local.set $ai (f32x4.add (local.get $g0i)
        (f32x4.add (f32x4.mul (local.get $t1i) (f32x4.splat (f32.const -0.8090169943749475)))
          (f32x4.mul (local.get $t2i) (f32x4.splat (f32.const 0.30901699437494745))))))
      (local.set $br
        (f32x4.sub (f32x4.mul (local.get $t3r) (f32x4.splat (f32.const 0.5877852522924731)))
          (f32x4.mul (local.get $t4r) (f32x4.splat (f32.const 0.9510565162951535)))))
      (local.set $bi
        (f32x4.sub (f32x4.mul (local.get $t3i) (f32x4.splat (f32.const 0.5877852522924731)))
          (f32x4.mul (local.get $t4i) (f32x4.splat (f32.const 0.9510565162951535)))))
      ;; X_2 = a2 - i b2, X_3 = a2 + i b2
      (local.set $q (i32.add (local.get $q) (local.get $lb)))
      (v128.store offset=0 (local.get $q) (f32x4.add (local.get $ar) (local.get $bi)))
      (v128.store offset=16 (local.get $q) (f32x4.sub (local.get $ai) (local.get $br)))
      (local.set $q (i32.add (local.get $q) (local.get $lb)))
      (v128.store offset=0 (local.get $q) (f32x4.sub (local.get $ar) (local.get $bi)))
      (v128.store offset=16 (local.get $q) (f32x4.add (local.get $ai) (local.get $br)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $step (i32.lt_u (local.get $k) (local.get $l)))))

  ;; The DFT of M four-lane complex numbers into $x from $inbuf's: in place by `fft` when $l5 = 0
  ;; (M a power of two), else by $fft5 with L = $l5 (M = 5 L).
  (func $dft (param $mm i32) (param $x i32) (param $y i32) (param $tw i32) (param $l5 i32) (param $tw5 i32)
    (if (local.get $l5)
      (then (call $fft5 (local.get $l5) (local.get $x) (local.get $y) (local.get $tw) (local.get $tw5)))
      (else (call $fft (local.get $mm) (local.get $x) (local.get $y) (local.get $tw)))))

;; The buffer the input of a DFT of M = 5 L goes to: $x when the FFT of size L takes an odd number
  ;; of passes (ceil(log2 L / 2)), else $y, so that `stockham` ends in $y and the radix-5 step writes
  ;; $x; $x for a power of two ($l5 = 0: `fft` works in place).
  (func $inbuf (param $x i32) (param $y i32) (param $l5 i32) (result i32)
    (select (local.get $y) (local.get $x)
      (i32.and (i32.ne (local.get $l5) (i32.const 0))
        (i32.eqz (i32.and (i32.shr_u (i32.add (i32.ctz (local.get $l5)) (i32.const 1)) (i32.const 1)) (i32.const 1))))))

  ;; Zeroes what the places (see `magnitudes`) leave of the M + 1 four-lane complex numbers at
  ;; $base: those from n on (none for Rader).
  (func $pad (param $base i32) (param $n i32) (param $mm i32)
    (memory.fill (i32.add (local.get $base) (i32.shl (local.get $n) (i32.const 5))) (i32.const 0)
      (i32.shl (i32.sub (i32.add (local.get $mm) (i32.const 1)) (local.get $n)) (i32.const 5))))

  ;; The cyclic convolution step shared by both directions, on the M four-lane complex numbers a
  ;; at $inbuf's: A = DFT_M(a); conj(A_0) to $x + 32 M (Rader's sum of the a's, see `magnitudes`);
  ;; conj(A B') (written where the next DFT reads it); F = DFT_M(conj(A B')) into $x. $bk: B' as
  ;; (re, im) float32 pairs. DFT_M: see $dft.
  (func $convolve (param $mm i32) (param $x i32) (param $y i32) (param $tw i32) (param $bk i32)
    (param $l5 i32) (param $tw5 i32)
    (local $p i32) (local $end i32) (local $ar v128) (local $ai v128) (local $br v128) (local $bi v128)
    (local $d i32)
    (call $dft (local.get $mm) (local.get $x) (local.get $y) (local.get $tw) (local.get $l5) (local.get $tw5))
    (local.set $p (local.get $x))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $mm) (i32.const 5))))
    (v128.store offset=0 (local.get $end) (v128.load offset=0 (local.get $x)))
    (v128.store offset=16 (local.get $end) (f32x4.neg (v128.load offset=16 (local.get $x))))
    ;; element i of the product to the same place of $inbuf's ($d - $p)
    (local.set $d (i32.sub (call $inbuf (local.get $x) (local.get $y) (local.get $l5)) (local.get $x)))
    (loop $mul
      (local.set $ar (v128.load offset=0 (local.get $p)))
      (local.set $ai (v128.load offset=16 (local.get $p)))
      (local.set $br (v128.load32_splat offset=0 (local.get $bk)))
      (local.set $bi (v128.load32_splat offset=4 (local.get $bk)))
      (v128.store offset=0 (i32.add (local.get $p) (local.get $d))
        (f32x4.sub (f32x4.mul (local.get $ar) (local.get $br)) (f32x4.mul (local.get $ai) (local.get $bi))))
      (v128.store offset=16 (i32.add (local.get $p) (local.get $d))
        (f32x4.neg (f32x4.add (f32x4.mul (local.get $ar) (local.get $bi)) (f32x4.mul (local.get $ai) (local.get $br)))))
      (local.set $bk (i32.add (local.get $bk) (i32.const 8)))
      (local.set $p (i32.add (local.get $p) (i32.const 32)))
      (br_if $mul (i32.lt_u (local.get $p) (local.get $end))))
    (call $dft (local.get $mm) (local.get $x) (local.get $y) (local.get $tw) (local.get $l5) (local.get $tw5)))

  ;; Magnitudes max(|X|, $floor) of `total` frames of size n (bins = floor(n / 2) + 1) into $out
  ;; ([total][bins] float32, or float64 with $wide: each the float32 value). $sig: the padded
  ;; signals ([batch][plen] float32); $win: the window (n float32); $chirp: w_j = (cos, sin) of
  ;; -pi j^2 / n (n float32 pairs; Rader: 1); $bk: B' (M pairs); $tw: the twiddles of `fft` for
  ;; size M; $x, $y: M + 2 four-lane complex numbers each; $l5, $tw5: L and its radix-5 twiddles when M = 5 L (then
  ;; $tw holds the twiddles of size L; see $dft), else 0; $spare: a row (bins float64) for the frames that do not
  ;; exist; $lp: 320 bytes of scratch (see $lanes, $scales, $transpose). With $spec (not 0), each group of four
  ;; pairs keeps its spectra there, as computed (scaled by t, doubled): bins four-lane complex
  ;; numbers 2 X_a, then bins 2 X_b (64 bins bytes per group): the input of `adjoint`. $perm: the
  ;; places (see the top), n i32 byte addresses where z_j goes (in $inbuf's buffer), then n where
  ;; F_k is read (in $x); the frames are gathered in the other buffer.
  (func (export "magnitudes")
    (param $n i32) (param $mm i32) (param $hop i32) (param $frames i32) (param $total i32) (param $plen i32)
    (param $sig i32) (param $win i32) (param $chirp i32) (param $bk i32) (param $tw i32) (param $x i32)
    (param $y i32) (param $out i32) (param $spare i32) (param $floor f32) (param $wide i32)
    (param $spec i32) (param $lp i32) (param $l5 i32) (param $tw5 i32) (param $perm i32)
    (local $pairs i32) (local $pp i32) (local $g i32) (local $j i32) (local $k i32) (local $h i32)
    (local $bins i32) (local $w i32) (local $p i32) (local $q i32) (local $sg i32) (local $at i32)
    (local $gat i32) (local $base i32) (local $z0r v128) (local $z0i v128)
    (local $ia0 i32) (local $ia1 i32) (local $ia2 i32) (local $ia3 i32)
    (local $ib0 i32) (local $ib1 i32) (local $ib2 i32) (local $ib3 i32)
    (local $oa0 i32) (local $oa1 i32) (local $oa2 i32) (local $oa3 i32)
    (local $ob0 i32) (local $ob1 i32) (local $ob2 i32) (local $ob3 i32)
    (local $fl v128) (local $c v128) (local $s v128) (local $va v128) (local $vb v128)
    (local $mxa v128) (local $mxb v128) (local $ta v128) (local $tb v128) (local $ua v128) (local $ub v128)
    (local $zr v128) (local $zi v128) (local $nr v128) (local $ni v128) (local $d i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local.set $fl (f32x4.splat (local.get $floor)))
    (local.set $h (i32.shr_u (local.get $n) (i32.const 1)))
    (local.set $bins (i32.add (local.get $h) (i32.const 1)))
    (local.set $w (i32.add (i32.const 2) (i32.ne (local.get $wide) (i32.const 0))))
    (local.set $pp (i32.shr_u (i32.add (local.get $frames) (i32.const 1)) (i32.const 1)))
    (local.set $pairs (i32.mul (i32.div_u (local.get $total) (local.get $frames)) (local.get $pp)))
    ;; The convolution's input goes to $base (see $places); the frames are gathered in the other buffer.
    (local.set $base (call $inbuf (local.get $x) (local.get $y) (local.get $l5)))
    (local.set $gat (select (local.get $y) (local.get $x) (i32.eq (local.get $base) (local.get $x))))
    (block $done
      (loop $groups
        (br_if $done (i32.ge_u (local.get $g) (local.get $pairs)))
        (local.set $sg (i32.add (local.get $spec) (i32.mul (i32.shr_u (local.get $g) (i32.const 2)) (i32.shl (local.get $bins) (i32.const 6)))))
        (call $lanes (local.get $g) (local.get $pairs) (local.get $pp) (local.get $frames) (local.get $lp))
        ;; Lane l: where frames a and b start ($ial, $ibl) and where their rows go ($oal, $obl;
        ;; $spare for a lane past the last pair and for a missing frame b).
        (local.set $ia0 (i32.add (local.get $sig) (call $frameAt (i32.load offset=0 (local.get $lp)) (local.get $frames) (local.get $hop) (local.get $plen))))
        (local.set $ia1 (i32.add (local.get $sig) (call $frameAt (i32.load offset=4 (local.get $lp)) (local.get $frames) (local.get $hop) (local.get $plen))))
        (local.set $ia2 (i32.add (local.get $sig) (call $frameAt (i32.load offset=8 (local.get $lp)) (local.get $frames) (local.get $hop) (local.get $plen))))
        (local.set $ia3 (i32.add (local.get $sig) (call $frameAt (i32.load offset=12 (local.get $lp)) (local.get $frames) (local.get $hop) (local.get $plen))))
        (local.set $ib0 (i32.add (local.get $sig) (call $frameAt (i32.load offset=16 (local.get $lp)) (local.get $frames) (local.get $hop) (local.get $plen))))
        (local.set $ib1 (i32.add (local.get $sig) (call $frameAt (i32.load offset=20 (local.get $lp)) (local.get $frames) (local.get $hop) (local.get $plen))))
        (local.set $ib2 (i32.add (local.get $sig) (call $frameAt (i32.load offset=24 (local.get $lp)) (local.get $frames) (local.get $hop) (local.get $plen))))
        (local.set $ib3 (i32.add (local.get $sig) (call $frameAt (i32.load offset=28 (local.get $lp)) (local.get $frames) (local.get $hop) (local.get $plen))))
        (local.set $oa0 (select (i32.add (local.get $out) (i32.shl (i32.mul (i32.load offset=0 (local.get $lp)) (local.get $bins)) (local.get $w))) (local.get $spare) (i32.load offset=32 (local.get $lp))))
        (local.set $oa1 (select (i32.add (local.get $out) (i32.shl (i32.mul (i32.load offset=4 (local.get $lp)) (local.get $bins)) (local.get $w))) (local.get $spare) (i32.load offset=36 (local.get $lp))))
        (local.set $oa2 (select (i32.add (local.get $out) (i32.shl (i32.mul (i32.load offset=8 (local.get $lp)) (local.get $bins)) (local.get $w))) (local.get $spare) (i32.load offset=40 (local.get $lp))))
        (local.set $oa3 (select (i32.add (local.get $out) (i32.shl (i32.mul (i32.load offset=12 (local.get $lp)) (local.get $bins)) (local.get $w))) (local.get $spare) (i32.load offset=44 (local.get $lp))))
        (local.set $ob0 (select (i32.add (local.get $out) (i32.shl (i32.mul (i32.load offset=16 (local.get $lp)) (local.get $bins)) (local.get $w))) (local.get $spare) (i32.load offset=48 (local.get $lp))))
        (local.set $ob1 (select (i32.add (local.get $out) (i32.shl (i32.mul (i32.load offset=20 (local.get $lp)) (local.get $bins)) (local.get $w))) (local.get $spare) (i32.load offset=52 (local.get $lp))))
        (local.set $ob2 (select (i32.add (local.get $out) (i32.shl (i32.mul (i32.load offset=24 (local.get $lp)) (local.get $bins)) (local.get $w))) (local.get $spare) (i32.load offset=56 (local.get $lp))))
        (local.set $ob3 (select (i32.add (local.get $out) (i32.shl (i32.mul (i32.load offset=28 (local.get $lp)) (local.get $bins)) (local.get $w))) (local.get $spare) (i32.load offset=60 (local.get $lp))))
        ;; x_j = (w_j x_a[j], w_j x_b[j]) of the four pairs (rounded to float32), and the largest
        ;; |w x| of each frame: four samples of each frame per step (eight loads), transposed by
        ;; shuffles (as in $transpose) into four vectors of one sample of the four frames a (and b);
        ;; the last n mod 4 samples one by one.
        (local.set $mxa (v128.const i32x4 0 0 0 0))
        (local.set $mxb (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (local.set $p (local.get $gat))
        (local.set $q (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
        (block $gathered
          (loop $gather
            (br_if $gathered (i32.ge_u (local.get $j) (local.get $q)))
            ;; r_l: four samples of frame a of lane l; t: pairs of rows interleaved; then halves joined
            (local.set $r0 (v128.load (i32.add (local.get $ia0) (local.get $j))))
            (local.set $r1 (v128.load (i32.add (local.get $ia1) (local.get $j))))
            (local.set $r2 (v128.load (i32.add (local.get $ia2) (local.get $j))))
            (local.set $r3 (v128.load (i32.add (local.get $ia3) (local.get $j))))
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
            (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
            (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
            (local.set $a0 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
            (local.set $a1 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
            (local.set $a2 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3)))
            (local.set $a3 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3)))
            ;; r_l: four samples of frame b of lane l; t: pairs of rows interleaved; then halves joined
            (local.set $r0 (v128.load (i32.add (local.get $ib0) (local.get $j))))
            (local.set $r1 (v128.load (i32.add (local.get $ib1) (local.get $j))))
            (local.set $r2 (v128.load (i32.add (local.get $ib2) (local.get $j))))
            (local.set $r3 (v128.load (i32.add (local.get $ib3) (local.get $j))))
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
            (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
            (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
            (local.set $b0 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
            (local.set $b1 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
            (local.set $b2 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3)))
            (local.set $b3 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3)))
            (local.set $c (v128.load32_splat offset=0 (i32.add (local.get $win) (local.get $j))))
            (local.set $va (f32x4.mul (local.get $a0) (local.get $c)))
            (local.set $vb (f32x4.mul (local.get $b0) (local.get $c)))
            (v128.store offset=0 (local.get $p) (local.get $va))
            (v128.store offset=16 (local.get $p) (local.get $vb))
            (local.set $mxa (f32x4.pmax (local.get $mxa) (f32x4.abs (local.get $va))))
            (local.set $mxb (f32x4.pmax (local.get $mxb) (f32x4.abs (local.get $vb))))
            (local.set $c (v128.load32_splat offset=4 (i32.add (local.get $win) (local.get $j))))
            (local.set $va (f32x4.mul (local.get $a1) (local.get $c)))
            (local.set $vb (f32x4.mul (local.get $b1) (local.get $c)))
            (v128.store offset=32 (local.get $p) (local.get $va))
            (v128.store offset=48 (local.get $p) (local.get $vb))
            (local.set $mxa (f32x4.pmax (local.get $mxa) (f32x4.abs (local.get $va))))
            (local.set $mxb (f32x4.pmax (local.get $mxb) (f32x4.abs (local.get $vb))))
            (local.set $c (v128.load32_splat offset=8 (i32.add (local.get $win) (local.get $j))))
            (local.set $va (f32x4.mul (local.get $a2) (local.get $c)))
            (local.set $vb (f32x4.mul (local.get $b2) (local.get $c)))
            (v128.store offset=64 (local.get $p) (local.get $va))
            (v128.store offset=80 (local.get $p) (local.get $vb))
            (local.set $mxa (f32x4.pmax (local.get $mxa) (f32x4.abs (local.get $va))))
            (local.set $mxb (f32x4.pmax (local.get $mxb) (f32x4.abs (local.get $vb))))
            (local.set $c (v128.load32_splat offset=12 (i32.add (local.get $win) (local.get $j))))
            (local.set $va (f32x4.mul (local.get $a3) (local.get $c)))
            (local.set $vb (f32x4.mul (local.get $b3) (local.get $c)))
            (v128.store offset=96 (local.get $p) (local.get $va))
            (v128.store offset=112 (local.get $p) (local.get $vb))
            (local.set $mxa (f32x4.pmax (local.get $mxa) (f32x4.abs (local.get $va))))
            (local.set $mxb (f32x4.pmax (local.get $mxb) (f32x4.abs (local.get $vb))))
            (local.set $p (i32.add (local.get $p) (i32.const 128)))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $gather)))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $j) (i32.shl (local.get $n) (i32.const 2))))
            (local.set $c (v128.load32_splat (i32.add (local.get $win) (local.get $j))))
            (local.set $va
              (f32x4.mul (call $col (local.get $ia0) (local.get $ia1) (local.get $ia2) (local.get $ia3) (local.get $j)) (local.get $c)))
            (local.set $vb
              (f32x4.mul (call $col (local.get $ib0) (local.get $ib1) (local.get $ib2) (local.get $ib3) (local.get $j)) (local.get $c)))
            (v128.store offset=0 (local.get $p) (local.get $va))
            (v128.store offset=16 (local.get $p) (local.get $vb))
            (local.set $mxa (f32x4.pmax (local.get $mxa) (f32x4.abs (local.get $va))))
            (local.set $mxb (f32x4.pmax (local.get $mxb) (f32x4.abs (local.get $vb))))
            (local.set $p (i32.add (local.get $p) (i32.const 32)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $tail)))
        ;; A missing frame b is silent (its lane read frame a again).
        (local.set $mxb (v128.and (local.get $mxb) (v128.load offset=48 (local.get $lp))))
        (call $scales (local.get $mxa) (i32.add (local.get $lp) (i32.const 64)))
        (call $scales (local.get $mxb) (i32.add (local.get $lp) (i32.const 128)))
        ;; a_j = (t_a x_a[j] + i t_b x_b[j]) w_j (each t applied as t1 then t2: exact) to its place
        ;; (see $places), the rest of the M + 1 numbers at $base zero.
        (local.set $ta (v128.load offset=64 (local.get $lp)))
        (local.set $ua (v128.load offset=80 (local.get $lp)))
        (local.set $tb (v128.load offset=128 (local.get $lp)))
        (local.set $ub (v128.load offset=144 (local.get $lp)))
        (call $pad (local.get $base) (local.get $n) (local.get $mm))
        (local.set $p (local.get $gat))
        (local.set $q (local.get $chirp))
        (local.set $j (i32.const 0))
        (loop $chirpIn
          (local.set $va (f32x4.mul (f32x4.mul (v128.load offset=0 (local.get $p)) (local.get $ta)) (local.get $ua)))
          (local.set $vb (f32x4.mul (f32x4.mul (v128.load offset=16 (local.get $p)) (local.get $tb)) (local.get $ub)))
          (local.set $c (v128.load32_splat offset=0 (local.get $q)))
          (local.set $s (v128.load32_splat offset=4 (local.get $q)))
          (local.set $d (i32.load (i32.add (local.get $perm) (i32.shl (local.get $j) (i32.const 2)))))
          (v128.store offset=0 (local.get $d)
            (f32x4.sub (f32x4.mul (local.get $va) (local.get $c)) (f32x4.mul (local.get $vb) (local.get $s))))
          (v128.store offset=16 (local.get $d)
            (f32x4.add (f32x4.mul (local.get $va) (local.get $s)) (f32x4.mul (local.get $vb) (local.get $c))))
          (local.set $p (i32.add (local.get $p) (i32.const 32)))
          (local.set $q (i32.add (local.get $q) (i32.const 8)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $chirpIn (i32.lt_u (local.get $j) (local.get $n))))
        ;; Rader's a_0 (0 for Bluestein), before the convolution writes conj(A_0) to $x + 32 M
        (local.set $p (i32.add (local.get $base) (i32.shl (local.get $mm) (i32.const 5))))
        (local.set $z0r (v128.load offset=0 (local.get $p)))
        (local.set $z0i (v128.load offset=16 (local.get $p)))
        (call $convolve (local.get $mm) (local.get $x) (local.get $y) (local.get $tw) (local.get $bk) (local.get $l5) (local.get $tw5))
        ;; u = u1 u2 of each frame, with the split's halving folded into u1.
        (local.set $ta (f32x4.mul (v128.load offset=96 (local.get $lp)) (f32x4.splat (f32.const 0.5))))
        (local.set $ua (v128.load offset=112 (local.get $lp)))
        (local.set $tb (f32x4.mul (v128.load offset=160 (local.get $lp)) (f32x4.splat (f32.const 0.5))))
        (local.set $ub (v128.load offset=176 (local.get $lp)))
        (local.set $k (i32.const 0))
        (loop $split
          ;; Z_k = w_k conj(F at place k) + a_0 and Z_{n-k} (Z_n = Z_0)
          (local.set $j (select (i32.sub (local.get $n) (local.get $k)) (i32.const 0) (local.get $k)))
          (local.set $p (i32.load offset=0 (i32.add (local.get $perm) (i32.shl (i32.add (local.get $n) (local.get $k)) (i32.const 2)))))
          (local.set $q (i32.add (local.get $chirp) (i32.shl (local.get $k) (i32.const 3))))
          (local.set $c (v128.load32_splat offset=0 (local.get $q)))
          (local.set $s (v128.load32_splat offset=4 (local.get $q)))
          (local.set $va (v128.load offset=0 (local.get $p)))
          (local.set $vb (v128.load offset=16 (local.get $p)))
          (local.set $zr (f32x4.add (local.get $z0r) (f32x4.add (f32x4.mul (local.get $c) (local.get $va)) (f32x4.mul (local.get $s) (local.get $vb)))))
          (local.set $zi (f32x4.add (local.get $z0i) (f32x4.sub (f32x4.mul (local.get $s) (local.get $va)) (f32x4.mul (local.get $c) (local.get $vb)))))
          (local.set $p (i32.load offset=0 (i32.add (local.get $perm) (i32.shl (i32.add (local.get $n) (local.get $j)) (i32.const 2)))))
          (local.set $q (i32.add (local.get $chirp) (i32.shl (local.get $j) (i32.const 3))))
          (local.set $c (v128.load32_splat offset=0 (local.get $q)))
          (local.set $s (v128.load32_splat offset=4 (local.get $q)))
          (local.set $va (v128.load offset=0 (local.get $p)))
          (local.set $vb (v128.load offset=16 (local.get $p)))
          (local.set $nr (f32x4.add (local.get $z0r) (f32x4.add (f32x4.mul (local.get $c) (local.get $va)) (f32x4.mul (local.get $s) (local.get $vb)))))
          (local.set $ni (f32x4.add (local.get $z0i) (f32x4.sub (f32x4.mul (local.get $s) (local.get $va)) (f32x4.mul (local.get $c) (local.get $vb)))))
          ;; 2 X_a = Z_k + conj Z_{n-k}; 2 X_b = -i (Z_k - conj Z_{n-k}) = (Z.im + N.im, N.re - Z.re)
          (local.set $va (f32x4.add (local.get $zr) (local.get $nr)))
          (local.set $vb (f32x4.sub (local.get $zi) (local.get $ni)))
          (local.set $nr (f32x4.sub (local.get $nr) (local.get $zr)))
          (local.set $ni (f32x4.add (local.get $zi) (local.get $ni)))
          (if (local.get $spec)
            (then
              (local.set $p (i32.add (local.get $sg) (i32.shl (local.get $k) (i32.const 5))))
              (v128.store offset=0 (local.get $p) (local.get $va))
              (v128.store offset=16 (local.get $p) (local.get $vb))
              (local.set $p (i32.add (local.get $p) (i32.shl (local.get $bins) (i32.const 5))))
              (v128.store offset=0 (local.get $p) (local.get $ni))
              (v128.store offset=16 (local.get $p) (local.get $nr))))
          ;; |X| u, floored, staged at $y + 32 k (the transform's work memory, free now)
          (local.set $p (i32.add (local.get $y) (i32.shl (local.get $k) (i32.const 5))))
          (v128.store offset=0 (local.get $p)
            (f32x4.pmax (local.get $fl)
              (f32x4.mul
                (f32x4.mul
                  (f32x4.sqrt (f32x4.add (f32x4.mul (local.get $va) (local.get $va)) (f32x4.mul (local.get $vb) (local.get $vb))))
                  (local.get $ta))
                (local.get $ua))))
          (v128.store offset=16 (local.get $p)
            (f32x4.pmax (local.get $fl)
              (f32x4.mul
                (f32x4.mul
                  (f32x4.sqrt (f32x4.add (f32x4.mul (local.get $nr) (local.get $nr)) (f32x4.mul (local.get $ni) (local.get $ni))))
                  (local.get $tb))
                (local.get $ub))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $split (i32.le_u (local.get $k) (local.get $h))))
        ;; The eight rows: four bins at a time, then the last bins mod 4 one by one.
        (local.set $k (i32.const 0))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $bins)))
            (call $rows4 (local.get $y) (local.get $k) (local.get $lp) (local.get $wide)
              (local.get $oa0) (local.get $oa1) (local.get $oa2) (local.get $oa3)
              (local.get $ob0) (local.get $ob1) (local.get $ob2) (local.get $ob3))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $rows)))
        (block $lastDone
          (loop $last
            (br_if $lastDone (i32.ge_u (local.get $k) (local.get $bins)))
            (local.set $p (i32.add (local.get $y) (i32.shl (local.get $k) (i32.const 5))))
            (local.set $at (i32.shl (local.get $k) (i32.const 2)))
            (call $put4 (v128.load offset=0 (local.get $p))
              (local.get $oa0) (local.get $oa1) (local.get $oa2) (local.get $oa3) (local.get $at) (local.get $wide))
            (call $put4 (v128.load offset=16 (local.get $p))
              (local.get $ob0) (local.get $ob1) (local.get $ob2) (local.get $ob3) (local.get $at) (local.get $wide))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $last)))
        (local.set $g (i32.add (local.get $g) (i32.const 4)))
        (br $groups))))

  ;; dst[i] += src[i] for `count` float32 values at $dst, $src (four at a time, then one by one).
  (func $addRow (param $dst i32) (param $src i32) (param $count i32)
    (local $end i32) (local $end4 i32)
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $count) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $src) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (block $vdone
      (loop $vadd
        (br_if $vdone (i32.ge_u (local.get $src) (local.get $end4)))
        (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (br $vadd)))
    (block $sdone
      (loop $sadd
        (br_if $sdone (i32.ge_u (local.get $src) (local.get $end)))
        (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (br $sadd))))

  ;; The adjoint of `magnitudes` (called with $spec): adds dL/d(frame sample) to the padded-signal
  ;; gradient $gp ([batch][plen] float32, laid out as $sig), given the spectra $spec as `magnitudes`
  ;; kept them, the magnitudes $mag as it wrote them with the same $floor (the float32 sqrt of the
  ;; floor) and dL/d|X| $dmag: [total][bins] float32 rows each, or float64 rows with $wide (dmag
  ;; rounded to float32 on load). Per frame, with G_k = dmag_k X_k / |X_k| (0 where
  ;; mag_k <= $floor, in float32: 0 at the floor) for k <= n/2:
  ;;   dL/dx_j = w_j Re sum_{k=0}^{n/2} G_k exp(2 pi i j k / n) = w_j sum_{k<n} H_k exp(2 pi i j k / n)
  ;; with H Hermitian: H_0 = Re G_0, H_k = G_k / 2 (0 < k < n/2), H_{n/2} = Re G_{n/2} (n even),
  ;; H_{n-k} = conj H_k. Both frames of a pair at once: C = 2 (H^a + i H^b), y = sum_k C_k
  ;; exp(2 pi i j k / n) = conj(DFT_n(conj C)) (Bluestein or Rader as in `magnitudes`), so that
  ;; dL/dx_a[j] = w_j Re y_j / 2 and dL/dx_b[j] = w_j Im y_j / 2:
  ;;   C_k = G^a_k + i G^b_k,  C_{n-k} = conj G^a_k + i conj G^b_k,  C_0 = 2 Re G^a_0 + 2 i Re G^b_0
  ;;   (and C_{n/2} likewise for even n).
  ;; Each frame's G is scaled by the power of two t from its largest |G| (as in `magnitudes`) and
  ;; its sums by u = 1 / t after: a frame with G = 0 adds exactly 0. The frames' rows are added to
  ;; $gp one after another in frame order (lanes past the last pair and missing frames b to
  ;; $spare, n float32): a sample's sum runs in frame order, the same numbers in any batch.
  (func (export "adjoint")
    (param $n i32) (param $mm i32) (param $hop i32) (param $frames i32) (param $total i32) (param $plen i32)
    (param $spec i32) (param $mag i32) (param $dmag i32) (param $floor f32) (param $wide i32)
    (param $win i32) (param $chirp i32) (param $bk i32) (param $tw i32) (param $x i32) (param $y i32) (param $gp i32)
    (param $spare i32) (param $lp i32) (param $l5 i32) (param $tw5 i32) (param $perm i32)
    (local $pairs i32) (local $pp i32) (local $g i32) (local $j i32) (local $k i32) (local $h i32)
    (local $bins i32) (local $p i32) (local $q i32) (local $sg i32) (local $at i32) (local $r i32) (local $n4 i32)
    (local $ea0 i32) (local $ea1 i32) (local $ea2 i32) (local $ea3 i32)
    (local $eb0 i32) (local $eb1 i32) (local $eb2 i32) (local $eb3 i32)
    (local $da0 i32) (local $da1 i32) (local $da2 i32) (local $da3 i32)
    (local $db0 i32) (local $db1 i32) (local $db2 i32) (local $db3 i32)
    (local $fl v128) (local $oka v128) (local $okb v128) (local $mxa v128) (local $mxb v128)
    (local $ta v128) (local $tb v128) (local $ua v128) (local $ub v128) (local $c v128) (local $s v128)
    (local $ar v128) (local $ai v128) (local $br v128) (local $bi v128) (local $vr v128) (local $vi v128)
    (local $okv v128) (local $gb i32) (local $w i32)
    (local $mga v128) (local $dma v128) (local $mgb v128) (local $dmb v128) (local $z0r v128) (local $z0i v128)
    (local.set $fl (f32x4.splat (local.get $floor)))
    ;; log2 of the bytes per value of $mag and $dmag: 2 (float32) or 3 ($wide: float64)
    (local.set $w (i32.add (i32.const 2) (i32.ne (local.get $wide) (i32.const 0))))
    ;; G's buffer: the one the transform's input does not go to (see $inbuf)
    (local.set $gb (select (local.get $y) (local.get $x) (i32.eq (call $inbuf (local.get $x) (local.get $y) (local.get $l5)) (local.get $x))))
    (local.set $h (i32.shr_u (local.get $n) (i32.const 1)))
    (local.set $bins (i32.add (local.get $h) (i32.const 1)))
    (local.set $n4 (i32.shl (local.get $n) (i32.const 2)))
    (local.set $pp (i32.shr_u (i32.add (local.get $frames) (i32.const 1)) (i32.const 1)))
    (local.set $pairs (i32.mul (i32.div_u (local.get $total) (local.get $frames)) (local.get $pp)))
    (block $done
      (loop $groups
        (br_if $done (i32.ge_u (local.get $g) (local.get $pairs)))
        (local.set $sg (i32.add (local.get $spec) (i32.mul (i32.shr_u (local.get $g) (i32.const 2)) (i32.shl (local.get $bins) (i32.const 6)))))
        (call $lanes (local.get $g) (local.get $pairs) (local.get $pp) (local.get $frames) (local.get $lp))
        ;; The rows of mag and dmag of each lane's frames a and b.
        (local.set $ea0 (i32.add (local.get $mag) (i32.shl (i32.mul (i32.load offset=0 (local.get $lp)) (local.get $bins)) (local.get $w))))
        (local.set $ea1 (i32.add (local.get $mag) (i32.shl (i32.mul (i32.load offset=4 (local.get $lp)) (local.get $bins)) (local.get $w))))
        (local.set $ea2 (i32.add (local.get $mag) (i32.shl (i32.mul (i32.load offset=8 (local.get $lp)) (local.get $bins)) (local.get $w))))
        (local.set $ea3 (i32.add (local.get $mag) (i32.shl (i32.mul (i32.load offset=12 (local.get $lp)) (local.get $bins)) (local.get $w))))
        (local.set $eb0 (i32.add (local.get $mag) (i32.shl (i32.mul (i32.load offset=16 (local.get $lp)) (local.get $bins)) (local.get $w))))
        (local.set $eb1 (i32.add (local.get $mag) (i32.shl (i32.mul (i32.load offset=20 (local.get $lp)) (local.get $bins)) (local.get $w))))
        (local.set $eb2 (i32.add (local.get $mag) (i32.shl (i32.mul (i32.load offset=24 (local.get $lp)) (local.get $bins)) (local.get $w))))
        (local.set $eb3 (i32.add (local.get $mag) (i32.shl (i32.mul (i32.load offset=28 (local.get $lp)) (local.get $bins)) (local.get $w))))
        (local.set $da0 (i32.add (local.get $dmag) (i32.sub (local.get $ea0) (local.get $mag))))
        (local.set $da1 (i32.add (local.get $dmag) (i32.sub (local.get $ea1) (local.get $mag))))
        (local.set $da2 (i32.add (local.get $dmag) (i32.sub (local.get $ea2) (local.get $mag))))
        (local.set $da3 (i32.add (local.get $dmag) (i32.sub (local.get $ea3) (local.get $mag))))
        (local.set $db0 (i32.add (local.get $dmag) (i32.sub (local.get $eb0) (local.get $mag))))
        (local.set $db1 (i32.add (local.get $dmag) (i32.sub (local.get $eb1) (local.get $mag))))
        (local.set $db2 (i32.add (local.get $dmag) (i32.sub (local.get $eb2) (local.get $mag))))
        (local.set $db3 (i32.add (local.get $dmag) (i32.sub (local.get $eb3) (local.get $mag))))
        (local.set $oka (v128.const i32x4 -1 -1 -1 -1))
        (local.set $okb (v128.load offset=48 (local.get $lp)))
        ;; G^a_k into $gb[k], G^b_k into $gb[bins + k]; the largest |G| of each frame.
        (local.set $mxa (v128.const i32x4 0 0 0 0))
        (local.set $mxb (v128.const i32x4 0 0 0 0))
        (local.set $k (i32.const 0))
        (loop $phases
          ;; mag and dmag at bin k of the rows of the four lanes' frames a and b ($at: its byte offset
          ;; there) as f32x4: from float32 rows (one load32_zero, three load32_lane each) or from
          ;; float64 rows ($wide), demoted (exact for the magnitudes `magnitudes` writes; dL/d|X|
          ;; rounds to nearest)
          (local.set $at (i32.shl (local.get $k) (local.get $w)))
          (if (local.get $wide)
            (then
              (local.set $mga
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                  (f32x4.demote_f64x2_zero (v128.load64_lane 1 (i32.add (local.get $ea1) (local.get $at)) (v128.load64_zero (i32.add (local.get $ea0) (local.get $at)))))
                  (f32x4.demote_f64x2_zero (v128.load64_lane 1 (i32.add (local.get $ea3) (local.get $at)) (v128.load64_zero (i32.add (local.get $ea2) (local.get $at)))))))
              (local.set $dma
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                  (f32x4.demote_f64x2_zero (v128.load64_lane 1 (i32.add (local.get $da1) (local.get $at)) (v128.load64_zero (i32.add (local.get $da0) (local.get $at)))))
                  (f32x4.demote_f64x2_zero (v128.load64_lane 1 (i32.add (local.get $da3) (local.get $at)) (v128.load64_zero (i32.add (local.get $da2) (local.get $at)))))))
              (local.set $mgb
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                  (f32x4.demote_f64x2_zero (v128.load64_lane 1 (i32.add (local.get $eb1) (local.get $at)) (v128.load64_zero (i32.add (local.get $eb0) (local.get $at)))))
                  (f32x4.demote_f64x2_zero (v128.load64_lane 1 (i32.add (local.get $eb3) (local.get $at)) (v128.load64_zero (i32.add (local.get $eb2) (local.get $at)))))))
              (local.set $dmb
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                  (f32x4.demote_f64x2_zero (v128.load64_lane 1 (i32.add (local.get $db1) (local.get $at)) (v128.load64_zero (i32.add (local.get $db0) (local.get $at)))))
                  (f32x4.demote_f64x2_zero (v128.load64_lane 1 (i32.add (local.get $db3) (local.get $at)) (v128.load64_zero (i32.add (local.get $db2) (local.get $at))))))))
            (else
              (local.set $mga
                (v128.load32_lane 3 (i32.add (local.get $ea3) (local.get $at))
                  (v128.load32_lane 2 (i32.add (local.get $ea2) (local.get $at))
                    (v128.load32_lane 1 (i32.add (local.get $ea1) (local.get $at)) (v128.load32_zero (i32.add (local.get $ea0) (local.get $at)))))))
              (local.set $dma
                (v128.load32_lane 3 (i32.add (local.get $da3) (local.get $at))
                  (v128.load32_lane 2 (i32.add (local.get $da2) (local.get $at))
                    (v128.load32_lane 1 (i32.add (local.get $da1) (local.get $at)) (v128.load32_zero (i32.add (local.get $da0) (local.get $at)))))))
              (local.set $mgb
                (v128.load32_lane 3 (i32.add (local.get $eb3) (local.get $at))
                  (v128.load32_lane 2 (i32.add (local.get $eb2) (local.get $at))
                    (v128.load32_lane 1 (i32.add (local.get $eb1) (local.get $at)) (v128.load32_zero (i32.add (local.get $eb0) (local.get $at)))))))
              (local.set $dmb
                (v128.load32_lane 3 (i32.add (local.get $db3) (local.get $at))
                  (v128.load32_lane 2 (i32.add (local.get $db2) (local.get $at))
                    (v128.load32_lane 1 (i32.add (local.get $db1) (local.get $at)) (v128.load32_zero (i32.add (local.get $db0) (local.get $at)))))))))
          (local.set $p (i32.add (local.get $sg) (i32.shl (local.get $k) (i32.const 5))))
          (local.set $q (i32.add (local.get $gb) (i32.shl (local.get $k) (i32.const 5))))
          ;; G = dmag X / |X| where mag > floor (there |X| > 0), else 0 (lanes masked by $oka; the
          ;; mask clears a quotient inf or NaN where |X| = 0), into $q; the largest |G| per lane into $mxa
          (local.set $okv (v128.and (local.get $oka) (f32x4.gt (local.get $mga) (local.get $fl))))
          (local.set $vr (v128.load offset=0 (local.get $p)))
          (local.set $vi (v128.load offset=16 (local.get $p)))
          (local.set $s
            (v128.and (local.get $okv)
              (f32x4.div (local.get $dma)
                (f32x4.sqrt (f32x4.add (f32x4.mul (local.get $vr) (local.get $vr)) (f32x4.mul (local.get $vi) (local.get $vi)))))))
          (local.set $vr (f32x4.mul (local.get $vr) (local.get $s)))
          (local.set $vi (f32x4.mul (local.get $vi) (local.get $s)))
          (v128.store offset=0 (local.get $q) (local.get $vr))
          (v128.store offset=16 (local.get $q) (local.get $vi))
          (local.set $mxa (f32x4.pmax (local.get $mxa) (f32x4.pmax (f32x4.abs (local.get $vr)) (f32x4.abs (local.get $vi)))))
          (local.set $p (i32.add (local.get $p) (i32.shl (local.get $bins) (i32.const 5))))
          (local.set $q (i32.add (local.get $q) (i32.shl (local.get $bins) (i32.const 5))))
          ;; G = dmag X / |X| where mag > floor (there |X| > 0), else 0 (lanes masked by $okb; the
          ;; mask clears a quotient inf or NaN where |X| = 0), into $q; the largest |G| per lane into $mxb
          (local.set $okv (v128.and (local.get $okb) (f32x4.gt (local.get $mgb) (local.get $fl))))
          (local.set $vr (v128.load offset=0 (local.get $p)))
          (local.set $vi (v128.load offset=16 (local.get $p)))
          (local.set $s
            (v128.and (local.get $okv)
              (f32x4.div (local.get $dmb)
                (f32x4.sqrt (f32x4.add (f32x4.mul (local.get $vr) (local.get $vr)) (f32x4.mul (local.get $vi) (local.get $vi)))))))
          (local.set $vr (f32x4.mul (local.get $vr) (local.get $s)))
          (local.set $vi (f32x4.mul (local.get $vi) (local.get $s)))
          (v128.store offset=0 (local.get $q) (local.get $vr))
          (v128.store offset=16 (local.get $q) (local.get $vi))
          (local.set $mxb (f32x4.pmax (local.get $mxb) (f32x4.pmax (f32x4.abs (local.get $vr)) (f32x4.abs (local.get $vi)))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $phases (i32.le_u (local.get $k) (local.get $h))))
        (call $scales (local.get $mxa) (i32.add (local.get $lp) (i32.const 64)))
        (call $scales (local.get $mxb) (i32.add (local.get $lp) (i32.const 128)))
        (local.set $ta (v128.load offset=64 (local.get $lp)))
        (local.set $ua (v128.load offset=80 (local.get $lp)))
        (local.set $tb (v128.load offset=128 (local.get $lp)))
        (local.set $ub (v128.load offset=144 (local.get $lp)))
        ;; x_k = conj(C_k) w_k for k < n to its place (see `magnitudes`), the rest of the M + 1
        ;; numbers zero; k = 0 and k = n/2 (n even) first: conj C = (2 Re G^a, -2 Re G^b).
        (call $pad (call $inbuf (local.get $x) (local.get $y) (local.get $l5)) (local.get $n) (local.get $mm))
        (local.set $k (i32.const 0))
        (loop $ends
          (local.set $p (i32.add (local.get $gb) (i32.shl (local.get $k) (i32.const 5))))
          (local.set $vr
            (f32x4.mul (f32x4.mul (f32x4.mul (v128.load offset=0 (local.get $p)) (local.get $ta)) (local.get $ua))
              (f32x4.splat (f32.const 2))))
          (local.set $p (i32.add (local.get $p) (i32.shl (local.get $bins) (i32.const 5))))
          (local.set $vi
            (f32x4.mul (f32x4.mul (f32x4.mul (v128.load offset=0 (local.get $p)) (local.get $tb)) (local.get $ub))
              (f32x4.splat (f32.const -2))))
          (local.set $q (i32.add (local.get $chirp) (i32.shl (local.get $k) (i32.const 3))))
          (local.set $c (v128.load32_splat offset=0 (local.get $q)))
          (local.set $s (v128.load32_splat offset=4 (local.get $q)))
          (local.set $p (i32.load (i32.add (local.get $perm) (i32.shl (local.get $k) (i32.const 2)))))
          (v128.store offset=0 (local.get $p)
            (f32x4.sub (f32x4.mul (local.get $vr) (local.get $c)) (f32x4.mul (local.get $vi) (local.get $s))))
          (v128.store offset=16 (local.get $p)
            (f32x4.add (f32x4.mul (local.get $vr) (local.get $s)) (f32x4.mul (local.get $vi) (local.get $c))))
          (local.set $k (select (local.get $h) (local.get $n) (i32.and (i32.eqz (local.get $k)) (i32.eqz (i32.and (local.get $n) (i32.const 1))))))
          (br_if $ends (i32.lt_u (local.get $k) (local.get $n))))
        ;; 0 < k < n/2: conj C_k = (Ga.re - Gb.im, -(Ga.im + Gb.re)), conj C_{n-k} = (Ga.re + Gb.im, Ga.im - Gb.re)
        (local.set $k (i32.const 1))
        (block $pairsDone
          (loop $pairsLoop
            (br_if $pairsDone (i32.ge_u (i32.shl (local.get $k) (i32.const 1)) (local.get $n)))
            (local.set $p (i32.add (local.get $gb) (i32.shl (local.get $k) (i32.const 5))))
            (local.set $ar (f32x4.mul (f32x4.mul (v128.load offset=0 (local.get $p)) (local.get $ta)) (local.get $ua)))
            (local.set $ai (f32x4.mul (f32x4.mul (v128.load offset=16 (local.get $p)) (local.get $ta)) (local.get $ua)))
            (local.set $p (i32.add (local.get $p) (i32.shl (local.get $bins) (i32.const 5))))
            (local.set $br (f32x4.mul (f32x4.mul (v128.load offset=0 (local.get $p)) (local.get $tb)) (local.get $ub)))
            (local.set $bi (f32x4.mul (f32x4.mul (v128.load offset=16 (local.get $p)) (local.get $tb)) (local.get $ub)))
            (local.set $vr (f32x4.sub (local.get $ar) (local.get $bi)))
            (local.set $vi (f32x4.neg (f32x4.add (local.get $ai) (local.get $br))))
            (local.set $q (i32.add (local.get $chirp) (i32.shl (local.get $k) (i32.const 3))))
            (local.set $c (v128.load32_splat offset=0 (local.get $q)))
            (local.set $s (v128.load32_splat offset=4 (local.get $q)))
            (local.set $p (i32.load (i32.add (local.get $perm) (i32.shl (local.get $k) (i32.const 2)))))
            (v128.store offset=0 (local.get $p)
              (f32x4.sub (f32x4.mul (local.get $vr) (local.get $c)) (f32x4.mul (local.get $vi) (local.get $s))))
            (v128.store offset=16 (local.get $p)
              (f32x4.add (f32x4.mul (local.get $vr) (local.get $s)) (f32x4.mul (local.get $vi) (local.get $c))))
            (local.set $vr (f32x4.add (local.get $ar) (local.get $bi)))
            (local.set $vi (f32x4.sub (local.get $ai) (local.get $br)))
            (local.set $j (i32.sub (local.get $n) (local.get $k)))
            (local.set $q (i32.add (local.get $chirp) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $c (v128.load32_splat offset=0 (local.get $q)))
            (local.set $s (v128.load32_splat offset=4 (local.get $q)))
            (local.set $p (i32.load (i32.add (local.get $perm) (i32.shl (local.get $j) (i32.const 2)))))
            (v128.store offset=0 (local.get $p)
              (f32x4.sub (f32x4.mul (local.get $vr) (local.get $c)) (f32x4.mul (local.get $vi) (local.get $s))))
            (v128.store offset=16 (local.get $p)
              (f32x4.add (f32x4.mul (local.get $vr) (local.get $s)) (f32x4.mul (local.get $vi) (local.get $c))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $pairsLoop)))
        ;; Rader's x_0 (0 for Bluestein), before the convolution writes conj(A_0) to $x + 32 M
        (local.set $p (i32.add (call $inbuf (local.get $x) (local.get $y) (local.get $l5)) (i32.shl (local.get $mm) (i32.const 5))))
        (local.set $z0r (v128.load offset=0 (local.get $p)))
        (local.set $z0i (v128.load offset=16 (local.get $p)))
        (call $convolve (local.get $mm) (local.get $x) (local.get $y) (local.get $tw) (local.get $bk) (local.get $l5) (local.get $tw5))
        ;; y_j = conj(DFT_n(conj C))_j = conj(w_j) R_j + conj(x_0) (R = F at place j, see `magnitudes`): sample j of frame a is
        ;; w_j Re y_j u_a / 2, of frame b w_j Im y_j u_b / 2 (u = u1 u2, the halving folded into u1).
        ;; Row r (frames a0, b0, a1, b1, ...) at $y + 4 n r (the transform's work memory, free now).
        (local.set $ta (f32x4.mul (v128.load offset=96 (local.get $lp)) (f32x4.splat (f32.const 0.5))))
        (local.set $ua (v128.load offset=112 (local.get $lp)))
        (local.set $tb (f32x4.mul (v128.load offset=160 (local.get $lp)) (f32x4.splat (f32.const 0.5))))
        (local.set $ub (v128.load offset=176 (local.get $lp)))
        (local.set $j (i32.const 0))
        (local.set $q (local.get $chirp))
        (loop $rows
          (local.set $c (v128.load32_splat offset=0 (local.get $q)))
          (local.set $s (v128.load32_splat offset=4 (local.get $q)))
          (local.set $p (i32.load (i32.add (local.get $perm) (i32.shl (i32.add (local.get $n) (local.get $j)) (i32.const 2)))))
          (local.set $ar (v128.load offset=0 (local.get $p)))
          (local.set $ai (v128.load offset=16 (local.get $p)))
          (local.set $vr (v128.load32_splat (i32.add (local.get $win) (i32.shl (local.get $j) (i32.const 2)))))
          ;; conj(w) R = (c R.re + s R.im, c R.im - s R.re)
          (local.set $br
            (f32x4.mul (f32x4.mul (f32x4.mul
              (f32x4.add (local.get $z0r) (f32x4.add (f32x4.mul (local.get $c) (local.get $ar)) (f32x4.mul (local.get $s) (local.get $ai))))
              (local.get $ta)) (local.get $ua)) (local.get $vr)))
          (local.set $bi
            (f32x4.mul (f32x4.mul (f32x4.mul
              (f32x4.sub (f32x4.sub (f32x4.mul (local.get $c) (local.get $ai)) (f32x4.mul (local.get $s) (local.get $ar))) (local.get $z0i))
              (local.get $tb)) (local.get $ub)) (local.get $vr)))
          (local.set $at (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2))))
          (f32.store (local.get $at) (f32x4.extract_lane 0 (local.get $br)))
          (local.set $at (i32.add (local.get $at) (local.get $n4)))
          (f32.store (local.get $at) (f32x4.extract_lane 0 (local.get $bi)))
          (local.set $at (i32.add (local.get $at) (local.get $n4)))
          (f32.store (local.get $at) (f32x4.extract_lane 1 (local.get $br)))
          (local.set $at (i32.add (local.get $at) (local.get $n4)))
          (f32.store (local.get $at) (f32x4.extract_lane 1 (local.get $bi)))
          (local.set $at (i32.add (local.get $at) (local.get $n4)))
          (f32.store (local.get $at) (f32x4.extract_lane 2 (local.get $br)))
          (local.set $at (i32.add (local.get $at) (local.get $n4)))
          (f32.store (local.get $at) (f32x4.extract_lane 2 (local.get $bi)))
          (local.set $at (i32.add (local.get $at) (local.get $n4)))
          (f32.store (local.get $at) (f32x4.extract_lane 3 (local.get $br)))
          (local.set $at (i32.add (local.get $at) (local.get $n4)))
          (f32.store (local.get $at) (f32x4.extract_lane 3 (local.get $bi)))
          (local.set $q (i32.add (local.get $q) (i32.const 8)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $rows (i32.lt_u (local.get $j) (local.get $n))))
        ;; The rows in frame order: lane l's frame a, then its frame b (or $spare).
        (local.set $r (i32.const 0))
        (loop $add
          (local.set $at (i32.load (i32.add (local.get $lp) (i32.shl (local.get $r) (i32.const 2)))))
          (call $addRow
            (select
              (i32.add (local.get $gp) (call $frameAt (local.get $at) (local.get $frames) (local.get $hop) (local.get $plen)))
              (local.get $spare)
              (i32.load offset=32 (i32.add (local.get $lp) (i32.shl (local.get $r) (i32.const 2)))))
            (i32.add (local.get $y) (i32.mul (i32.shl (local.get $r) (i32.const 1)) (local.get $n4)))
            (local.get $n))
          (local.set $at (i32.load offset=16 (i32.add (local.get $lp) (i32.shl (local.get $r) (i32.const 2)))))
          (call $addRow
            (select
              (i32.add (local.get $gp) (call $frameAt (local.get $at) (local.get $frames) (local.get $hop) (local.get $plen)))
              (local.get $spare)
              (i32.load offset=48 (i32.add (local.get $lp) (i32.shl (local.get $r) (i32.const 2)))))
            (i32.add (local.get $y) (i32.mul (i32.add (i32.shl (local.get $r) (i32.const 1)) (i32.const 1)) (local.get $n4)))
            (local.get $n))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br_if $add (i32.lt_u (local.get $r) (i32.const 4))))
        (local.set $g (i32.add (local.get $g) (i32.const 4)))
        (br $groups)))))
