;; The STFT kernels of @losses/stft in WebAssembly with 128-bit SIMD: one complex float64 number
;; per v128 ([re, im]), so a complex add is one instruction and a complex multiply four.
;; `pnpm --filter @losses/stft wasm` assembles this file into src/wasm/module.ts (a test checks that
;; the two agree). All pointers are byte offsets into the module's memory; the JS side
;; (src/wasm/kernel.ts) lays the memory out and owns it.
;;
;; Complex multiply v * w: with w = c + i d stored as wr = [c, c] and wi = [-d, d],
;;   v * w = v * wr + swap(v) * wi   ([x c - y d, y c + x d] for v = [x, y]).
;; Two real frames a, b share one complex FFT: z = a + i b, and with Z = DFT(z), P = Z[k],
;; Q = Z[n - k]: A[k] = (P + conj Q) / 2, B[k] = (P - conj Q) / 2i.
(module
  (memory (export "memory") 1)

  ;; In-place forward DFT X[k] = sum_j x[j] exp(-2 pi i j k / n) of n = 3^a 2^b >= 2 complex numbers
  ;; at $x, using $y (n complex) as work. Stockham autosort (no bit reversal): radix-3 passes, radix-4
  ;; passes and one radix-2 pass when b is odd. Pass with length L and stride s (L s = n), for p < L/4, q < s,
  ;; with w = exp(-2 pi i p / L) and a, b, c, d = x[q + s (p + j L/4)], j = 0..3:
  ;;   y[q + s 4p]       = (a + c) + (b + d)
  ;;   y[q + s (4p + 1)] = w   ((a - c) - i (b - d))
  ;;   y[q + s (4p + 2)] = w^2 ((a + c) - (b + d))
  ;;   y[q + s (4p + 3)] = w^3 ((a - c) + i (b - d))
  ;; $tw holds, pass after pass, for each p: w, w^2, w^3 as (wr, wi) pairs (96 bytes per p).
  (func $fft (export "fft") (param $n i32) (param $x i32) (param $y i32) (param $tw i32)
    (local $len i32) (local $sb i32) (local $src i32) (local $dst i32) (local $t i32)
    (local $n1 i32) (local $p i32) (local $ip i32) (local $op i32) (local $qe i32) (local $q1 i32)
    (local $q2 i32) (local $q3 i32) (local $s2 i32) (local $s3 i32)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128) (local $v v128)
    (local $apc v128) (local $amc v128) (local $bpd v128) (local $jbmd v128)
    (local $w1r v128) (local $w1i v128) (local $w2r v128) (local $w2i v128)
    (local $w3r v128) (local $w3i v128)
    (local.set $len (local.get $n))
    (local.set $sb (i32.const 16))
    (local.set $src (local.get $x))
    (local.set $dst (local.get $y))
    ;; Radix-3 passes first while 3 divides L: with w = exp(-2 pi i p / L) and a, b, c =
    ;; x[q + s (p + j L/3)], j = 0..2, t = a - (b + c)/2 and u = -i (sqrt(3)/2) (b - c):
    ;;   y[q + s 3p] = a + b + c,  y[q + s (3p + 1)] = w (t + u),  y[q + s (3p + 2)] = w^2 (t - u).
    ;; $tw holds w, w^2 per p (64 bytes), before the radix-4 passes' entries.
    (block $radix4
      (loop $pass3
        (br_if $radix4 (i32.rem_u (local.get $len) (i32.const 3)))
        (local.set $n1 (i32.div_u (local.get $len) (i32.const 3)))
        (local.set $q1 (i32.mul (local.get $sb) (local.get $n1)))
        (local.set $s2 (i32.shl (local.get $sb) (i32.const 1)))
        (local.set $p (i32.const 0))
        (loop $ploop3
          (local.set $w1r (v128.load offset=0 (local.get $tw)))
          (local.set $w1i (v128.load offset=16 (local.get $tw)))
          (local.set $w2r (v128.load offset=32 (local.get $tw)))
          (local.set $w2i (v128.load offset=48 (local.get $tw)))
          (local.set $tw (i32.add (local.get $tw) (i32.const 64)))
          (local.set $ip (i32.add (local.get $src) (i32.mul (local.get $sb) (local.get $p))))
          (local.set $op
            (i32.add (local.get $dst) (i32.mul (local.get $sb) (i32.mul (local.get $p) (i32.const 3)))))
          (local.set $qe (i32.add (local.get $ip) (local.get $sb)))
          (loop $qloop3
            (local.set $a (v128.load (local.get $ip)))
            (local.set $b (v128.load (i32.add (local.get $ip) (local.get $q1))))
            (local.set $c (v128.load (i32.add (local.get $ip) (i32.shl (local.get $q1) (i32.const 1)))))
            (local.set $apc (f64x2.add (local.get $b) (local.get $c)))
            (local.set $amc
              (f64x2.sub (local.get $a) (f64x2.mul (local.get $apc) (v128.const f64x2 0.5 0.5))))
            ;; u = -i (sqrt(3)/2) (b - c) = (sqrt(3)/2) [(b - c).im, -(b - c).re]
            (local.set $v (f64x2.sub (local.get $b) (local.get $c)))
            (local.set $jbmd
              (f64x2.mul
                (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))
                (v128.const f64x2 0.8660254037844386 -0.8660254037844386)))
            (v128.store (local.get $op) (f64x2.add (local.get $a) (local.get $apc)))
            (local.set $v (f64x2.add (local.get $amc) (local.get $jbmd)))
            (v128.store (i32.add (local.get $op) (local.get $sb))
              (f64x2.add
                (f64x2.mul (local.get $v) (local.get $w1r))
                (f64x2.mul
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))
                  (local.get $w1i))))
            (local.set $v (f64x2.sub (local.get $amc) (local.get $jbmd)))
            (v128.store (i32.add (local.get $op) (local.get $s2))
              (f64x2.add
                (f64x2.mul (local.get $v) (local.get $w2r))
                (f64x2.mul
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))
                  (local.get $w2i))))
            (local.set $ip (i32.add (local.get $ip) (i32.const 16)))
            (local.set $op (i32.add (local.get $op) (i32.const 16)))
            (br_if $qloop3 (i32.lt_u (local.get $ip) (local.get $qe))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br_if $ploop3 (i32.lt_u (local.get $p) (local.get $n1))))
        (local.set $len (local.get $n1))
        (local.set $sb (i32.mul (local.get $sb) (i32.const 3)))
        (local.set $t (local.get $src))
        (local.set $src (local.get $dst))
        (local.set $dst (local.get $t))
        (br $pass3)))
    (block $radix2
      (loop $pass
        (br_if $radix2 (i32.lt_u (local.get $len) (i32.const 4)))
        (local.set $n1 (i32.shr_u (local.get $len) (i32.const 2)))
        (local.set $q1 (i32.mul (local.get $sb) (local.get $n1)))
        (local.set $q2 (i32.shl (local.get $q1) (i32.const 1)))
        (local.set $q3 (i32.add (local.get $q2) (local.get $q1)))
        (local.set $s2 (i32.shl (local.get $sb) (i32.const 1)))
        (local.set $s3 (i32.add (local.get $s2) (local.get $sb)))
        ;; The last pass (L = 4, so p = 0 and w = 1): no twiddles.
        (if (i32.eq (local.get $n1) (i32.const 1))
          (then
            (local.set $ip (local.get $src))
            (local.set $op (local.get $dst))
            (local.set $qe (i32.add (local.get $src) (local.get $sb)))
            (loop $last
              (local.set $a (v128.load (local.get $ip)))
              (local.set $b (v128.load (i32.add (local.get $ip) (local.get $q1))))
              (local.set $c (v128.load (i32.add (local.get $ip) (local.get $q2))))
              (local.set $d (v128.load (i32.add (local.get $ip) (local.get $q3))))
              (local.set $apc (f64x2.add (local.get $a) (local.get $c)))
              (local.set $amc (f64x2.sub (local.get $a) (local.get $c)))
              (local.set $bpd (f64x2.add (local.get $b) (local.get $d)))
              (local.set $v (f64x2.sub (local.get $b) (local.get $d)))
              (local.set $jbmd
                (v128.xor
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))
                  (v128.const i64x2 0x8000000000000000 0)))
              (v128.store (local.get $op) (f64x2.add (local.get $apc) (local.get $bpd)))
              (v128.store (i32.add (local.get $op) (local.get $sb))
                (f64x2.sub (local.get $amc) (local.get $jbmd)))
              (v128.store (i32.add (local.get $op) (local.get $s2))
                (f64x2.sub (local.get $apc) (local.get $bpd)))
              (v128.store (i32.add (local.get $op) (local.get $s3))
                (f64x2.add (local.get $amc) (local.get $jbmd)))
              (local.set $ip (i32.add (local.get $ip) (i32.const 16)))
              (local.set $op (i32.add (local.get $op) (i32.const 16)))
              (br_if $last (i32.lt_u (local.get $ip) (local.get $qe))))
            (local.set $len (i32.const 1))
            (local.set $src (local.get $dst))
            (br $radix2)))
        (local.set $p (i32.const 0))
        (loop $ploop
          (local.set $w1r (v128.load offset=0 (local.get $tw)))
          (local.set $w1i (v128.load offset=16 (local.get $tw)))
          (local.set $w2r (v128.load offset=32 (local.get $tw)))
          (local.set $w2i (v128.load offset=48 (local.get $tw)))
          (local.set $w3r (v128.load offset=64 (local.get $tw)))
          (local.set $w3i (v128.load offset=80 (local.get $tw)))
          (local.set $tw (i32.add (local.get $tw) (i32.const 96)))
          (local.set $ip (i32.add (local.get $src) (i32.mul (local.get $sb) (local.get $p))))
          (local.set $op
            (i32.add (local.get $dst) (i32.mul (local.get $sb) (i32.shl (local.get $p) (i32.const 2)))))
          (local.set $qe (i32.add (local.get $ip) (local.get $sb)))
          (loop $qloop
            (local.set $a (v128.load (local.get $ip)))
            (local.set $b (v128.load (i32.add (local.get $ip) (local.get $q1))))
            (local.set $c (v128.load (i32.add (local.get $ip) (local.get $q2))))
            (local.set $d (v128.load (i32.add (local.get $ip) (local.get $q3))))
            (local.set $apc (f64x2.add (local.get $a) (local.get $c)))
            (local.set $amc (f64x2.sub (local.get $a) (local.get $c)))
            (local.set $bpd (f64x2.add (local.get $b) (local.get $d)))
            ;; i (b - d) = [-(b - d).im, (b - d).re]
            (local.set $v (f64x2.sub (local.get $b) (local.get $d)))
            (local.set $jbmd
              (v128.xor
                (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))
                (v128.const i64x2 0x8000000000000000 0)))
            (v128.store (local.get $op) (f64x2.add (local.get $apc) (local.get $bpd)))
            (local.set $v (f64x2.sub (local.get $amc) (local.get $jbmd)))
            (v128.store (i32.add (local.get $op) (local.get $sb))
              (f64x2.add
                (f64x2.mul (local.get $v) (local.get $w1r))
                (f64x2.mul
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))
                  (local.get $w1i))))
            (local.set $v (f64x2.sub (local.get $apc) (local.get $bpd)))
            (v128.store (i32.add (local.get $op) (local.get $s2))
              (f64x2.add
                (f64x2.mul (local.get $v) (local.get $w2r))
                (f64x2.mul
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))
                  (local.get $w2i))))
            (local.set $v (f64x2.add (local.get $amc) (local.get $jbmd)))
            (v128.store (i32.add (local.get $op) (local.get $s3))
              (f64x2.add
                (f64x2.mul (local.get $v) (local.get $w3r))
                (f64x2.mul
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))
                  (local.get $w3i))))
            (local.set $ip (i32.add (local.get $ip) (i32.const 16)))
            (local.set $op (i32.add (local.get $op) (i32.const 16)))
            (br_if $qloop (i32.lt_u (local.get $ip) (local.get $qe))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br_if $ploop (i32.lt_u (local.get $p) (local.get $n1))))
        (local.set $len (local.get $n1))
        (local.set $sb (i32.shl (local.get $sb) (i32.const 2)))
        (local.set $t (local.get $src))
        (local.set $src (local.get $dst))
        (local.set $dst (local.get $t))
        (br $pass)))
    ;; The last pass when m is odd: L = 2, y[q] = a + b, y[q + s] = a - b.
    (if (i32.eq (local.get $len) (i32.const 2))
      (then
        (local.set $ip (local.get $src))
        (local.set $op (local.get $dst))
        (local.set $qe (i32.add (local.get $src) (local.get $sb)))
        (loop $r2
          (local.set $a (v128.load (local.get $ip)))
          (local.set $b (v128.load (i32.add (local.get $ip) (local.get $sb))))
          (v128.store (local.get $op) (f64x2.add (local.get $a) (local.get $b)))
          (v128.store (i32.add (local.get $op) (local.get $sb)) (f64x2.sub (local.get $a) (local.get $b)))
          (local.set $ip (i32.add (local.get $ip) (i32.const 16)))
          (local.set $op (i32.add (local.get $op) (i32.const 16)))
          (br_if $r2 (i32.lt_u (local.get $ip) (local.get $qe))))
        (local.set $src (local.get $dst))))
    (if (i32.ne (local.get $src) (local.get $x))
      (then (memory.copy (local.get $x) (local.get $src) (i32.shl (local.get $n) (i32.const 4))))))

  ;; The DFT of odd n complex numbers in place at $x by the definition, folded in half: with
  ;; u[j] = x[j] + x[n - j], v[j] = x[j] - x[n - j] and h = (n - 1) / 2, for 1 <= k <= h
  ;;   X[k] = x[0] + C[k] - i S[k],  X[n - k] = x[0] + C[k] + i S[k],
  ;;   C[k] = sum_{j=1..h} u[j] cos(2 pi j k / n),  S[k] = sum_{j=1..h} v[j] sin(2 pi j k / n),
  ;; and X[0] = x[0] + sum_j u[j]: 2 h^2 complex-by-real multiply-adds, cheaper than an FFT for small
  ;; n. $tab holds [cos, cos], [sin, sin] for k = 1..h, j = 1..h (32 bytes each); $uv is work.
  (func $direct (param $n i32) (param $x i32) (param $tab i32) (param $uv i32)
    (local $h i32) (local $j i32) (local $k i32) (local $e i32) (local $t i32) (local $w i32)
    (local $z0 v128) (local $su v128) (local $u v128) (local $v v128) (local $c v128) (local $s v128)
    (local.set $h (i32.shr_u (i32.sub (local.get $n) (i32.const 1)) (i32.const 1)))
    (local.set $z0 (v128.load (local.get $x)))
    (local.set $su (local.get $z0))
    (local.set $j (i32.const 1))
    (loop $fold
      (local.set $u (v128.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 4)))))
      (local.set $v
        (v128.load
          (i32.add (local.get $x) (i32.shl (i32.sub (local.get $n) (local.get $j)) (i32.const 4)))))
      (local.set $w
        (i32.add (local.get $uv) (i32.shl (i32.sub (local.get $j) (i32.const 1)) (i32.const 5))))
      (v128.store (local.get $w) (f64x2.add (local.get $u) (local.get $v)))
      (v128.store offset=16 (local.get $w) (f64x2.sub (local.get $u) (local.get $v)))
      (local.set $su (f64x2.add (local.get $su) (f64x2.add (local.get $u) (local.get $v))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br_if $fold (i32.le_u (local.get $j) (local.get $h))))
    (v128.store (local.get $x) (local.get $su))
    (local.set $e (i32.add (local.get $uv) (i32.shl (local.get $h) (i32.const 5))))
    (local.set $t (local.get $tab))
    (local.set $k (i32.const 1))
    (loop $outs
      (local.set $c (v128.const i64x2 0 0))
      (local.set $s (v128.const i64x2 0 0))
      (local.set $w (local.get $uv))
      (loop $terms
        (local.set $c
          (f64x2.add (local.get $c) (f64x2.mul (v128.load (local.get $w)) (v128.load (local.get $t)))))
        (local.set $s
          (f64x2.add (local.get $s)
            (f64x2.mul (v128.load offset=16 (local.get $w)) (v128.load offset=16 (local.get $t)))))
        (local.set $t (i32.add (local.get $t) (i32.const 32)))
        (local.set $w (i32.add (local.get $w) (i32.const 32)))
        (br_if $terms (i32.lt_u (local.get $w) (local.get $e))))
      ;; i S = [-S.im, S.re]
      (local.set $s
        (v128.xor
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $s) (local.get $s))
          (v128.const i64x2 0x8000000000000000 0)))
      (local.set $c (f64x2.add (local.get $z0) (local.get $c)))
      (v128.store (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 4)))
        (f64x2.sub (local.get $c) (local.get $s)))
      (v128.store
        (i32.add (local.get $x) (i32.shl (i32.sub (local.get $n) (local.get $k)) (i32.const 4)))
        (f64x2.add (local.get $c) (local.get $s)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $outs (i32.le_u (local.get $k) (local.get $h)))))

  ;; The DFT of n complex numbers in place at $x, any n >= 2, through the plan at $plan (i32 fields,
  ;; written by src/wasm/kernel.ts): 0 n, 4 m (0 when n is a power of two; -1 for $direct, with 16
  ;; its table and 24 its work; else Bluestein's convolution length, a power of two >= 2n - 1),
  ;; 8 the Stockham twiddles (of n or m), 12 work of max(n, m) complex, 16 the chirp, 20 the
  ;; kernel's DFT, 24 work of m complex.
  ;; Bluestein (1970): with c[j] = exp(-i pi j^2 / n) and jk = (j^2 + k^2 - (k - j)^2) / 2,
  ;;   X[k] = c[k] sum_j (x[j] c[j]) conj(c[k - j]),
  ;; a cyclic convolution of length m with b[t] = conj(c[t]) for |t| < n (wrapped mod m), done as
  ;; conv = IDFT(DFT(a) B) = conj(DFT(conj(DFT(a) B / m))); the plan stores B / m as khat.
  (func $dft (param $plan i32) (param $x i32)
    (local $n i32) (local $m i32) (local $tw i32) (local $y i32) (local $chirp i32) (local $khat i32)
    (local $a i32) (local $j i32) (local $v v128) (local $c i32)
    (local.set $n (i32.load offset=0 (local.get $plan)))
    (local.set $m (i32.load offset=4 (local.get $plan)))
    (local.set $tw (i32.load offset=8 (local.get $plan)))
    (local.set $y (i32.load offset=12 (local.get $plan)))
    (if (i32.eqz (local.get $m))
      (then
        (call $fft (local.get $n) (local.get $x) (local.get $y) (local.get $tw))
        (return)))
    (if (i32.lt_s (local.get $m) (i32.const 0))
      (then
        (call $direct (local.get $n) (local.get $x)
          (i32.load offset=16 (local.get $plan)) (i32.load offset=24 (local.get $plan)))
        (return)))
    (local.set $chirp (i32.load offset=16 (local.get $plan)))
    (local.set $khat (i32.load offset=20 (local.get $plan)))
    (local.set $a (i32.load offset=24 (local.get $plan)))
    ;; a[j] = x[j] c[j] (j < n), 0 up to m.
    (local.set $j (i32.const 0))
    (loop $pre
      (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 4)))))
      (local.set $c (i32.add (local.get $chirp) (i32.shl (local.get $j) (i32.const 5))))
      (v128.store (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 4)))
        (f64x2.add
          (f64x2.mul (local.get $v) (v128.load (local.get $c)))
          (f64x2.mul
            (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))
            (v128.load offset=16 (local.get $c)))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br_if $pre (i32.lt_u (local.get $j) (local.get $n))))
    (memory.fill
      (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 4)))
      (i32.const 0)
      (i32.shl (i32.sub (local.get $m) (local.get $n)) (i32.const 4)))
    (call $fft (local.get $m) (local.get $a) (local.get $y) (local.get $tw))
    ;; a = conj(a khat)
    (local.set $j (i32.const 0))
    (loop $mid
      (local.set $v (v128.load (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 4)))))
      (local.set $c (i32.add (local.get $khat) (i32.shl (local.get $j) (i32.const 5))))
      (v128.store (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 4)))
        (v128.xor
          (f64x2.add
            (f64x2.mul (local.get $v) (v128.load (local.get $c)))
            (f64x2.mul
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))
              (v128.load offset=16 (local.get $c))))
          (v128.const i64x2 0 0x8000000000000000)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br_if $mid (i32.lt_u (local.get $j) (local.get $m))))
    (call $fft (local.get $m) (local.get $a) (local.get $y) (local.get $tw))
    ;; x[k] = conj(a[k]) c[k] (k < n)
    (local.set $j (i32.const 0))
    (loop $post
      (local.set $v
        (v128.xor
          (v128.load (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 4))))
          (v128.const i64x2 0 0x8000000000000000)))
      (local.set $c (i32.add (local.get $chirp) (i32.shl (local.get $j) (i32.const 5))))
      (v128.store (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 4)))
        (f64x2.add
          (f64x2.mul (local.get $v) (v128.load (local.get $c)))
          (f64x2.mul
            (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))
            (v128.load offset=16 (local.get $c)))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br_if $post (i32.lt_u (local.get $j) (local.get $n)))))

  ;; Byte offset of frame g's first sample: the frames of item floor(g / frames) start every
  ;; `hop` samples in a padded signal of `plen` samples (float64).
  (func $frameAt (param $g i32) (param $frames i32) (param $hop i32) (param $plen i32) (result i32)
    (i32.shl
      (i32.add
        (i32.mul (i32.div_u (local.get $g) (local.get $frames)) (local.get $plen))
        (i32.mul (i32.rem_u (local.get $g) (local.get $frames)) (local.get $hop)))
      (i32.const 3)))

  ;; The power-of-two scales of two frames (one per lane) from their largest |value| m: u, the
  ;; power of two with u <= m < 2 u (2^-1022 for m below the normal range), and t = 1 / u, both 0
  ;; where m = 0. A frame times t has its largest value in [1, 2) with no rounding (t is a power of
  ;; two), and its transform times u is the frame's own; an all-zero frame gets 0 from both.
  ;; Frames of like size lose nothing unscaled, and get t = 1 and u = 1 (0 for a silent frame):
  ;; their largest values within a factor 4 of each other (or one of them silent) and in
  ;; [2^-498, 2^500] (with e the biased exponents of u: one 0 or they differ by at most 1, the
  ;; larger in 525 .. 1523). That is most pairs of frames of real audio.
  (func $scales (param $m v128) (result v128 v128)
    (local $u v128) (local $z v128) (local $one v128) (local $e0 i32) (local $e1 i32)
    (local.set $z (f64x2.gt (local.get $m) (i64x2.splat (i64.const 0))))
    (local.set $one (f64x2.convert_low_i32x4_u (i32x4.splat (i32.const 1))))
    (local.set $u
      (v128.and
        (f64x2.pmax
          (v128.and (local.get $m) (i64x2.splat (i64.const 0x7ff0000000000000)))
          (f64x2.splat (f64.const 0x1p-1022)))
        (local.get $z)))
    (local.set $e0 (i32.wrap_i64 (i64.shr_u (i64x2.extract_lane 0 (local.get $u)) (i64.const 52))))
    (local.set $e1 (i32.wrap_i64 (i64.shr_u (i64x2.extract_lane 1 (local.get $u)) (i64.const 52))))
    (if (result v128 v128)
      (i32.and
        (i32.or (i32.eqz (i32.mul (local.get $e0) (local.get $e1)))
          (i32.lt_u (i32.sub (i32.add (local.get $e0) (i32.const 1)) (local.get $e1)) (i32.const 3)))
        (i32.lt_u
          (i32.sub (select (local.get $e0) (local.get $e1) (i32.gt_u (local.get $e0) (local.get $e1)))
            (i32.const 525))
          (i32.const 999)))
      (then (local.get $one) (v128.and (local.get $one) (local.get $z)))
      (else
        (v128.and (f64x2.div (local.get $one) (local.get $u)) (local.get $z))
        (local.get $u))))

  ;; One-sided spectra of `total` frames of size n (the plan's; bins = floor(n / 2) + 1) into $out
  ;; ([total][bins] complex), and with $mag (not 0) their magnitudes max(|X|, $floor) into $mag
  ;; ([total][bins] float64). $sig: the padded signals (float64); $win: the window, each value twice
  ;; ([w, w], 16 bytes per sample); $x: n complex of work memory. Two frames of an item share one
  ;; transform (the last frame of an odd count shares it with itself), each windowed frame scaled first by the power of two
  ;; t from its largest |w x| (see $scales) and its spectrum by u after: every frame as accurate as
  ;; if transformed alone, a silent one exactly 0, no overflow or underflow inside.
  (func (export "spectra")
    (param $plan i32) (param $bins i32) (param $hop i32) (param $frames i32) (param $total i32)
    (param $plen i32) (param $sig i32) (param $win i32) (param $x i32) (param $out i32)
    (param $mag i32) (param $floor f64)
    (local $n i32) (local $g i32) (local $pair i32) (local $s1 i32) (local $s2 i32) (local $j i32) (local $k i32)
    (local $o1 i32) (local $o2 i32) (local $pk i32) (local $qk i32) (local $end i32) (local $m1 i32)
    (local $mb i32)
    (local $v v128) (local $s v128) (local $d v128) (local $fl v128) (local $mx v128) (local $t v128)
    (local $h v128) (local $hm v128) (local $mn v128)
    (local.set $fl (f64x2.splat (local.get $floor)))
    (local.set $n (i32.load (local.get $plan)))
    (local.set $g (i32.const 0))
    (block $done
      (loop $frames
        (br_if $done (i32.ge_u (local.get $g) (local.get $total)))
        ;; Frames g and g + 1 share a transform when they belong to the same item (so an item's
        ;; numbers never depend on its batch), else frame g is alone.
        (local.set $pair (i32.ne (i32.rem_u (i32.add (local.get $g) (i32.const 1)) (local.get $frames)) (i32.const 0)))
        (local.set $s1
          (i32.add (local.get $sig)
            (call $frameAt (local.get $g) (local.get $frames) (local.get $hop) (local.get $plen))))
        ;; z[j] = w[j] [a[j], b[j]] (b = a for a frame alone: the split then gives A exactly, B is
        ;; not stored), and the largest and smallest z per lane.
        (local.set $s2 (local.get $s1))
        (if (local.get $pair)
          (then
            (local.set $s2
              (i32.add (local.get $sig)
                (call $frameAt (i32.add (local.get $g) (i32.const 1)) (local.get $frames)
                  (local.get $hop) (local.get $plen))))))
        (local.set $mx (i64x2.splat (i64.const 0)))
        (local.set $mn (local.get $mx))
        (local.set $j (i32.const 0))
        (loop $pack
          (local.set $v
            (v128.load64_lane 1 (i32.add (local.get $s2) (i32.shl (local.get $j) (i32.const 3)))
              (v128.load64_zero (i32.add (local.get $s1) (i32.shl (local.get $j) (i32.const 3))))))
          (local.set $v
            (f64x2.mul (local.get $v)
              (v128.load (i32.add (local.get $win) (i32.shl (local.get $j) (i32.const 4))))))
          (v128.store (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 4))) (local.get $v))
          (local.set $mx (f64x2.pmax (local.get $mx) (local.get $v)))
          (local.set $mn (f64x2.pmin (local.get $mn) (local.get $v)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $pack (i32.lt_u (local.get $j) (local.get $n))))
        ;; (pmax / pmin, not max of abs: one instruction each in V8; the values are not NaN)
        (call $scales (f64x2.pmax (local.get $mx) (f64x2.neg (local.get $mn))))
        (local.set $h)
        (local.set $t)
        ;; Scaled only when the frames are not of like size (see $scales).
        (if (i64x2.all_true (f64x2.eq (local.get $t) (f64x2.convert_low_i32x4_u (i32x4.splat (i32.const 1)))))
          (then)
          (else
            (local.set $end (i32.shl (local.get $n) (i32.const 4)))
            (local.set $k (i32.const 0))
            (loop $scale
              (local.set $pk (i32.add (local.get $x) (local.get $k)))
              (v128.store (local.get $pk) (f64x2.mul (v128.load (local.get $pk)) (local.get $t)))
              (br_if $scale
                (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 16))) (local.get $end))))))
        (call $dft (local.get $plan) (local.get $x))
        ;; A[k] = u (P + conj Q) / 2 = h [S.re, D.im] and B[k] = u (P - conj Q) / 2i = h [S.im, -D.re]
        ;; with S = P + Q, D = P - Q (at k = 0, Q = P) and h = u / 2 per frame (hm = [h1, h2]; the
        ;; loop's factors t = [h1, h1], h = [h2, -h2]).
        (local.set $h (f64x2.mul (local.get $h) (f64x2.splat (f64.const 0.5))))
        (local.set $hm (local.get $h))
        (local.set $t (f64x2.splat (f64x2.extract_lane 0 (local.get $h))))
        (local.set $h
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $h) (f64x2.neg (local.get $h))))
        (local.set $o1 (i32.add (local.get $out) (i32.shl (i32.mul (local.get $g) (local.get $bins)) (i32.const 4))))
        (local.set $mb (i32.add (local.get $mag) (i32.shl (i32.mul (local.get $g) (local.get $bins)) (i32.const 3))))
        (local.set $end (i32.shl (local.get $bins) (i32.const 4)))
        (local.set $o2 (i32.add (local.get $o1) (local.get $end)))
        (local.set $k (i32.const 0))
        (loop $split
          (local.set $pk (i32.add (local.get $x) (local.get $k)))
          (local.set $qk
            (i32.add (local.get $x)
              (select (i32.sub (i32.shl (local.get $n) (i32.const 4)) (local.get $k)) (i32.const 0)
                (local.get $k))))
          (local.set $s (f64x2.add (v128.load (local.get $pk)) (v128.load (local.get $qk))))
          (local.set $d (f64x2.sub (v128.load (local.get $pk)) (v128.load (local.get $qk))))
          (v128.store (i32.add (local.get $o1) (local.get $k))
            (f64x2.mul
              (i8x16.shuffle 0 1 2 3 4 5 6 7 24 25 26 27 28 29 30 31 (local.get $s) (local.get $d))
              (local.get $t)))
          (if (local.get $pair)
            (then
              (v128.store (i32.add (local.get $o2) (local.get $k))
                (f64x2.mul
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $s) (local.get $d))
                  (local.get $h)))))
          ;; [|A|, |B|] = h sqrt([S.re^2 + D.im^2, S.im^2 + D.re^2]), floored.
          (if (local.get $mag)
            (then
              (local.set $s (f64x2.mul (local.get $s) (local.get $s)))
              (local.set $d (f64x2.mul (local.get $d) (local.get $d)))
              (local.set $v
                (f64x2.pmax
                  (f64x2.mul (local.get $hm)
                    (f64x2.sqrt
                      (f64x2.add (local.get $s)
                        (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $d) (local.get $d)))))
                  (local.get $fl)))
              (local.set $m1 (i32.add (local.get $mb) (i32.shr_u (local.get $k) (i32.const 1))))
              (v128.store64_lane 0 (local.get $m1) (local.get $v))
              (if (local.get $pair)
                (then
                  (v128.store64_lane 1 (i32.add (local.get $m1) (i32.shl (local.get $bins) (i32.const 3)))
                    (local.get $v))))))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $split (i32.lt_u (local.get $k) (local.get $end))))
        (local.set $g (i32.add (i32.add (local.get $g) (i32.const 1)) (local.get $pair)))
        (br $frames))))

  ;; The adjoint of `spectra` followed by |.|: adds dL/d(frame sample) to the padded-signal
  ;; gradient $gp (float64, laid out as $sig), given the spectra X ($spec), their magnitudes
  ;; ($mag, [total][bins] float64, as `spectra` gives them) and dL/d|X| ($dmag, the same layout).
  ;; Per frame G[k] = dmag[k] (X[k] / mag[k]), 0 where mag <= $floor (the root of the power floor,
  ;; or 0): the unit phasor first, so |G| <= |dmag| for X of any size (dmag / mag alone overflows
  ;; for mag < 1e-154 under a log-type loss). Two frames share one FFT: with E the Hermitian part
  ;; of each zero-extended G, z = conj(E1 + i E2) gives conj(DFT(z)) = sum_k (E1 + i E2)[k]
  ;; exp(+2 pi i j k / n), whose real and imaginary parts are the two frames' sums; then frame[j]
  ;; gets w[j] times its part (overlap-add). As in `spectra`, each frame's G is scaled by the power
  ;; of two t from its largest |dmag| where G passes (its largest |G|, to within sqrt 2) before
  ;; the FFT and its sum by u after (a frame with G = 0 adds exactly 0); frames of like size
  ;; unscaled (see $scales).
  (func (export "backward")
    (param $plan i32) (param $bins i32) (param $hop i32) (param $frames i32) (param $total i32)
    (param $plen i32) (param $spec i32) (param $mag i32) (param $dmag i32) (param $floor f64)
    (param $win i32) (param $x i32) (param $gp i32)
    (local $n i32) (local $g i32) (local $pair i32) (local $k i32) (local $r i32) (local $j i32) (local $s1 i32)
    (local $s2 i32) (local $o1 i32) (local $o2 i32) (local $d1 i32) (local $d2 i32) (local $e1 i32)
    (local $e2 i32) (local $addr i32)
    (local $a1 v128) (local $a2 v128) (local $t1 v128) (local $t2 v128) (local $p v128) (local $sc v128)
    (local $g1 v128) (local $g2 v128) (local $m v128) (local $mg v128) (local $fl v128) (local $v v128)
    (local $mx v128) (local $mn v128) (local $t v128) (local $u v128) (local $one v128)
    (local $again i32)
    (local.set $n (i32.load (local.get $plan)))
    (local.set $fl (f64x2.splat (local.get $floor)))
    (local.set $one (f64x2.convert_low_i32x4_u (i32x4.splat (i32.const 1))))
    (local.set $g (i32.const 0))
    (block $done
      (loop $frames
        (br_if $done (i32.ge_u (local.get $g) (local.get $total)))
        ;; Frames g and g + 1 share a transform when they belong to the same item (so an item's
        ;; numbers never depend on its batch), else frame g is alone.
        (local.set $pair (i32.ne (i32.rem_u (i32.add (local.get $g) (i32.const 1)) (local.get $frames)) (i32.const 0)))
        (local.set $o1 (i32.add (local.get $spec) (i32.shl (i32.mul (local.get $g) (local.get $bins)) (i32.const 4))))
        (local.set $o2 (i32.add (local.get $o1) (i32.shl (local.get $bins) (i32.const 4))))
        (local.set $d1 (i32.shl (i32.mul (local.get $g) (local.get $bins)) (i32.const 3)))
        (local.set $e1 (i32.add (local.get $mag) (local.get $d1)))
        (local.set $d1 (i32.add (local.get $dmag) (local.get $d1)))
        (local.set $d2 (i32.add (local.get $d1) (i32.shl (local.get $bins) (i32.const 3))))
        (local.set $e2 (i32.add (local.get $e1) (i32.shl (local.get $bins) (i32.const 3))))
        ;; G is first packed unscaled (t = 1), which serves frames of like size; for others (see
        ;; $scales) it is packed again scaled by t.
        (local.set $t (local.get $one))
        (local.set $mx (i64x2.splat (i64.const 0)))
        (local.set $mn (local.get $mx))
        (local.set $again (i32.const 1))
        (loop $pass
          ;; G = (t dmag) (X / mag), and z[k] = [G1.re, -G2.re] at DC and Nyquist (both real), else
          ;; with A = G1 - swap(G2), B = G1 + swap(G2): z[k] = [A.re, -B.im] / 2,
          ;; z[n - k] = [B.re, A.im] / 2.
        (local.set $k (i32.const 0))
        (loop $bin
          (local.set $a1 (v128.load (i32.add (local.get $o1) (i32.shl (local.get $k) (i32.const 4)))))
          (local.set $m (v128.load64_zero (i32.add (local.get $d1) (i32.shl (local.get $k) (i32.const 3)))))
          (local.set $mg (v128.load64_zero (i32.add (local.get $e1) (i32.shl (local.get $k) (i32.const 3)))))
          (local.set $a2 (i64x2.splat (i64.const 0)))
          (if (local.get $pair)
            (then
              (local.set $a2 (v128.load (i32.add (local.get $o2) (i32.shl (local.get $k) (i32.const 4)))))
              (local.set $m
                (v128.load64_lane 1 (i32.add (local.get $d2) (i32.shl (local.get $k) (i32.const 3)))
                  (local.get $m)))
              (local.set $mg
                (v128.load64_lane 1 (i32.add (local.get $e2) (i32.shl (local.get $k) (i32.const 3)))
                  (local.get $mg)))))
          ;; Where no gradient passes, t dmag is 0 and mag is replaced by 1 (no 0 / 0). The largest
          ;; and smallest t dmag per frame (|G| = |t dmag|) give the frames' scales.
          (local.set $p (f64x2.gt (local.get $mg) (local.get $fl)))
          (local.set $sc (v128.and (f64x2.mul (local.get $m) (local.get $t)) (local.get $p)))
          (local.set $mx (f64x2.pmax (local.get $mx) (local.get $sc)))
          (local.set $mn (f64x2.pmin (local.get $mn) (local.get $sc)))
          (local.set $mg (v128.bitselect (local.get $mg) (local.get $one) (local.get $p)))
          (local.set $g1
            (f64x2.mul
              (f64x2.div (local.get $a1) (f64x2.splat (f64x2.extract_lane 0 (local.get $mg))))
              (f64x2.splat (f64x2.extract_lane 0 (local.get $sc)))))
          (local.set $g2
            (f64x2.mul
              (f64x2.div (local.get $a2) (f64x2.splat (f64x2.extract_lane 1 (local.get $mg))))
              (f64x2.splat (f64x2.extract_lane 1 (local.get $sc)))))
          (local.set $r (i32.sub (local.get $n) (local.get $k)))
          (if (i32.or (i32.eqz (local.get $k)) (i32.eq (local.get $k) (local.get $r)))
            (then
              ;; z[k] = [g1.re, -g2.re]
              (v128.store (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 4)))
                (v128.xor
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $g1) (local.get $g2))
                  (v128.const i64x2 0 0x8000000000000000))))
            (else
              (local.set $v (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $g2) (local.get $g2)))
              (local.set $t1 (f64x2.sub (local.get $g1) (local.get $v)))
              (local.set $t2 (f64x2.add (local.get $g1) (local.get $v)))
              (v128.store (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 4)))
                (f64x2.mul
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t2))
                  (v128.const f64x2 0.5 -0.5)))
              (v128.store (i32.add (local.get $x) (i32.shl (local.get $r) (i32.const 4)))
                (f64x2.mul
                  (i8x16.shuffle 16 17 18 19 20 21 22 23 8 9 10 11 12 13 14 15 (local.get $t1) (local.get $t2))
                  (v128.const f64x2 0.5 0.5)))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $bin (i32.lt_u (local.get $k) (local.get $bins))))
          (if (local.get $again)
            (then
              (call $scales (f64x2.pmax (local.get $mx) (f64x2.neg (local.get $mn))))
              (local.set $u)
              (local.set $sc)
              (local.set $again (i32.const 0))
              (if (i32.eqz (i64x2.all_true (f64x2.eq (local.get $sc) (local.get $one))))
                (then
                  (local.set $t (local.get $sc))
                  (br $pass))))))
        (call $dft (local.get $plan) (local.get $x))
        ;; Overlap-add: frame g gets w u1 Re(y), frame g + 1 gets -w u2 Im(y).
        (local.set $s1
          (i32.add (local.get $gp)
            (call $frameAt (local.get $g) (local.get $frames) (local.get $hop) (local.get $plen))))
        (local.set $s2 (local.get $s1))
        (if (local.get $pair)
          (then
            (local.set $s2
              (i32.add (local.get $gp)
                (call $frameAt (i32.add (local.get $g) (i32.const 1)) (local.get $frames)
                  (local.get $hop) (local.get $plen))))))
        (local.set $j (i32.const 0))
        (loop $ola
          (local.set $v
            (f64x2.mul
              (f64x2.mul
                (v128.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 4))))
                (v128.load (i32.add (local.get $win) (i32.shl (local.get $j) (i32.const 4)))))
              (local.get $u)))
          (local.set $addr (i32.add (local.get $s1) (i32.shl (local.get $j) (i32.const 3))))
          (f64.store (local.get $addr)
            (f64.add (f64.load (local.get $addr)) (f64x2.extract_lane 0 (local.get $v))))
          (if (local.get $pair)
            (then
              (local.set $addr (i32.add (local.get $s2) (i32.shl (local.get $j) (i32.const 3))))
              (f64.store (local.get $addr)
                (f64.sub (f64.load (local.get $addr)) (f64x2.extract_lane 1 (local.get $v))))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $ola (i32.lt_u (local.get $j) (local.get $n))))
        (local.set $g (i32.add (i32.add (local.get $g) (i32.const 1)) (local.get $pair)))
        (br $frames)))))
