;; The row loops of soft-DTW in WebAssembly (128-bit SIMD for the squared Euclidean sums):
;; `pnpm --filter @losses/softdtw wasm` assembles this file into src/wasm/module.ts (a test checks
;; that the two agree). Each function computes the same operations in the same order as its
;; JavaScript twin, so the results are bit for bit the same (test/wasm-row.test.ts compares them):
;; IEEE-754 double arithmetic, and f64.floor, f64.max and i32.trunc_f64_s agree with Math.floor,
;; Math.max and `| 0` on the values met here.
;;
;;   row          one row of the forward pass: forwardRowJs in src/recursion.ts
;;   backRow      one row of the backward pass: softDtwBackward in src/recursion.ts
;;   sqRow        a squared Euclidean cost row: the sqeuclidean plan in src/sqeuclidean.ts
;;   vjpSums      the sums of its vector-Jacobian product row (same file), any cost with a
;;                product form (src/pair-cost.ts)
;;   grow         one row of the forward pass of any step set: the row loop of src/general.ts
;;   gback        one row of its backward pass (same file)
;;
;; Memory (bytes): EXP_INT (1100 float64) at 0 and EXP_FRAC (256 float64) at 8800, written by
;; src/wasm/kernel.ts from src/fast-math.ts; the workspace (src/workspace.ts) lays out its rows,
;; staged sequences and the soft-min weights above 10848. Addresses are byte offsets.
(module
  (memory (export "memory") 1)

  ;; Cells (i, lo..hi) of one row of Algorithm 1 with the soft-min weights (Cuturi & Blondel,
  ;; ICML 2017; step weights of Zeitler, Krause, Mueller, ICASSP 2024). D is kept as pairs (m, s)
  ;; with D = m - gamma log s. $q: weights of cell (i, lo), 24 bytes a cell; $st: the (m, s) row
  ;; (column j at $st + 16 j; row i-1 on entry, row i on exit); $c: the cost row minus 8 (column j
  ;; at $c + 8 j); ($diagM, $diagS): (m, s) of cell (i-1, lo-1); $leftM: m of cell (i, lo-1), whose
  ;; s is 1 (+inf, or the start value of column 0 with an open begin along x).
  (func $row (export "row")
    (param $lo i32) (param $hi i32) (param $q i32) (param $st i32) (param $c i32)
    (param $wv f64) (param $wh f64) (param $wd f64) (param $invG f64) (param $shift f64)
    (param $diagM f64) (param $diagS f64) (param $leftM f64)
    (local $j i32) (local $ip i32) (local $ia i32) (local $ib i32) (local $ki i32) (local $ti i32)
    (local $leftS f64) (local $cc f64) (local $upM f64) (local $upS f64)
    (local $p f64) (local $sp f64) (local $a f64) (local $sa f64) (local $b f64) (local $sb f64)
    (local $t f64) (local $v f64) (local $kk f64) (local $r f64) (local $ta f64) (local $tb f64)
    (local $sum f64) (local $inv f64)
    (local.set $leftS (f64.const 1))
    (local.set $j (local.get $lo))
    (block $done
      (loop $cell
        (br_if $done (i32.gt_s (local.get $j) (local.get $hi)))
        (local.set $cc (f64.load (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $ti (i32.add (local.get $st) (i32.shl (local.get $j) (i32.const 4))))
        (local.set $upM (f64.load (local.get $ti)))
        (local.set $upS (f64.load offset=8 (local.get $ti)))
        ;; Offsets 0, 1, 2 = vertical, horizontal, diagonal; p = pivot, a and b the others.
        (local.set $p (f64.add (local.get $upM) (f64.mul (local.get $wv) (local.get $cc))))
        (local.set $sp (local.get $upS))
        (local.set $ip (i32.const 0))
        (local.set $a (f64.add (local.get $leftM) (f64.mul (local.get $wh) (local.get $cc))))
        (local.set $sa (local.get $leftS))
        (local.set $ia (i32.const 1))
        (local.set $b (f64.add (local.get $diagM) (f64.mul (local.get $wd) (local.get $cc))))
        (local.set $sb (local.get $diagS))
        (local.set $ib (i32.const 2))
        (local.set $diagM (local.get $upM))
        (local.set $diagS (local.get $upS))
        (if (f64.lt (local.get $a) (local.get $p))
          (then
            (local.set $t (local.get $p))
            (local.set $p (local.get $a))
            (local.set $a (local.get $t))
            (local.set $t (local.get $sp))
            (local.set $sp (local.get $sa))
            (local.set $sa (local.get $t))
            (local.set $ip (i32.const 1))
            (local.set $ia (i32.const 0))))
        (if (f64.lt (local.get $b) (local.get $p))
          (then
            (local.set $t (local.get $p))
            (local.set $p (local.get $b))
            (local.set $b (local.get $t))
            (local.set $t (local.get $sp))
            (local.set $sp (local.get $sb))
            (local.set $sb (local.get $t))
            (local.set $ki (local.get $ip))
            (local.set $ip (local.get $ib))
            (local.set $ib (local.get $ki))))
        (if (f64.eq (local.get $p) (f64.const inf))
          (then
            ;; Unreachable cell (cannot happen inside a connected band).
            (f64.store (local.get $q) (f64.const 0))
            (f64.store offset=8 (local.get $q) (f64.const 0))
            (f64.store offset=16 (local.get $q) (f64.const 0))
            (local.set $leftM (f64.const inf))
            (local.set $leftS (f64.const 1)))
          (else
            ;; t_a = exp(max((p - a) / gamma, -745)) s_a, t_b likewise: expNegClamped of
            ;; src/fast-math.ts (Tang's table method, degree-4 polynomial), same operation order.
            (local.set $v
              (f64.max (f64.mul (f64.sub (local.get $p) (local.get $a)) (local.get $invG))
                (f64.const -745)))
            (local.set $kk
              (f64.floor (f64.add (f64.mul (local.get $v) (f64.const 0x1.71547652b82fep+8))
                (f64.const 0.5))))
            (local.set $r
              (f64.sub
                (f64.sub (local.get $v) (f64.mul (local.get $kk) (f64.const 0x1.62e42fee00000p-9)))
                (f64.mul (local.get $kk) (f64.const 0x1.a39ef35793c76p-41))))
            (local.set $ki (i32.trunc_f64_s (local.get $kk)))
            (local.set $ta
              (f64.mul
                (f64.mul
                  (f64.load (i32.shl (i32.add (i32.shr_s (local.get $ki) (i32.const 8))
                    (i32.const 1075)) (i32.const 3)))
                  (f64.mul
                    (f64.load offset=8800 (i32.shl (i32.and (local.get $ki) (i32.const 255))
                      (i32.const 3)))
                    (f64.add (f64.const 1) (f64.mul (local.get $r)
                      (f64.add (f64.const 1) (f64.mul (local.get $r)
                        (f64.add (f64.const 0.5) (f64.mul (local.get $r)
                          (f64.add (f64.const 0x1.5555555555555p-3) (f64.mul (local.get $r)
                            (f64.const 0x1.5555555555555p-5)))))))))))
                (local.get $sa)))
            (local.set $v
              (f64.max (f64.mul (f64.sub (local.get $p) (local.get $b)) (local.get $invG))
                (f64.const -745)))
            (local.set $kk
              (f64.floor (f64.add (f64.mul (local.get $v) (f64.const 0x1.71547652b82fep+8))
                (f64.const 0.5))))
            (local.set $r
              (f64.sub
                (f64.sub (local.get $v) (f64.mul (local.get $kk) (f64.const 0x1.62e42fee00000p-9)))
                (f64.mul (local.get $kk) (f64.const 0x1.a39ef35793c76p-41))))
            (local.set $ki (i32.trunc_f64_s (local.get $kk)))
            (local.set $tb
              (f64.mul
                (f64.mul
                  (f64.load (i32.shl (i32.add (i32.shr_s (local.get $ki) (i32.const 8))
                    (i32.const 1075)) (i32.const 3)))
                  (f64.mul
                    (f64.load offset=8800 (i32.shl (i32.and (local.get $ki) (i32.const 255))
                      (i32.const 3)))
                    (f64.add (f64.const 1) (f64.mul (local.get $r)
                      (f64.add (f64.const 1) (f64.mul (local.get $r)
                        (f64.add (f64.const 0.5) (f64.mul (local.get $r)
                          (f64.add (f64.const 0x1.5555555555555p-3) (f64.mul (local.get $r)
                            (f64.const 0x1.5555555555555p-5)))))))))))
                (local.get $sb)))
            ;; S = s_p + t_a + t_b; the weights are s_p / S, t_a / S, t_b / S.
            (local.set $sum (f64.add (f64.add (local.get $sp) (local.get $ta)) (local.get $tb)))
            (local.set $inv (f64.div (f64.const 1) (local.get $sum)))
            (f64.store (i32.add (local.get $q) (i32.shl (local.get $ip) (i32.const 3)))
              (f64.mul (local.get $sp) (local.get $inv)))
            (f64.store (i32.add (local.get $q) (i32.shl (local.get $ia) (i32.const 3)))
              (f64.mul (local.get $ta) (local.get $inv)))
            (f64.store (i32.add (local.get $q) (i32.shl (local.get $ib) (i32.const 3)))
              (f64.mul (local.get $tb) (local.get $inv)))
            ;; D(i, j) = (P, S), rescaled to (P - gamma ln 8, S / 8) when S >= 8.
            (if (f64.ge (local.get $sum) (f64.const 8))
              (then
                (local.set $leftM (f64.sub (local.get $p) (local.get $shift)))
                (local.set $leftS (f64.mul (local.get $sum) (f64.const 0.125))))
              (else
                (local.set $leftM (local.get $p))
                (local.set $leftS (local.get $sum))))))
        (f64.store (local.get $ti) (local.get $leftM))
        (f64.store offset=8 (local.get $ti) (local.get $leftS))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (local.set $q (i32.add (local.get $q) (i32.const 24)))
        (br $cell))))

  ;; C(i, j) = sum_d (x_i[d] - y_j[d])^2 for the 0-based columns lo..hi. $x: x_i (D float64);
  ;; $yT: y transposed, [D, M] (y_j[d] at $yT + 8 (d M + j)); $out: column 0 of the cost row. Four
  ;; columns a step in two f64x2 lanes, each lane summing over d in order, then one at a time.
  (func $sqRow (export "sqRow")
    (param $x i32) (param $yT i32) (param $M i32) (param $D i32) (param $out i32)
    (param $lo i32) (param $hi i32)
    (local $j i32) (local $px i32) (local $py i32) (local $dd i32)
    (local $s f64) (local $t f64)
    (local $acc0 v128) (local $acc1 v128) (local $xv v128) (local $t0 v128)
    (local.set $j (local.get $lo))
    (block $quadsDone
      (loop $quads
        (br_if $quadsDone (i32.gt_s (i32.add (local.get $j) (i32.const 3)) (local.get $hi)))
        (local.set $acc0 (f64x2.splat (f64.const 0)))
        (local.set $acc1 (f64x2.splat (f64.const 0)))
        (local.set $px (local.get $x))
        (local.set $py (i32.add (local.get $yT) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $dd (local.get $D))
        (block $featuresDone
          (loop $features
            (br_if $featuresDone (i32.eqz (local.get $dd)))
            (local.set $xv (f64x2.splat (f64.load (local.get $px))))
            (local.set $t0 (f64x2.sub (local.get $xv) (v128.load align=8 (local.get $py))))
            (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul (local.get $t0) (local.get $t0))))
            (local.set $t0 (f64x2.sub (local.get $xv) (v128.load offset=16 align=8 (local.get $py))))
            (local.set $acc1 (f64x2.add (local.get $acc1) (f64x2.mul (local.get $t0) (local.get $t0))))
            (local.set $px (i32.add (local.get $px) (i32.const 8)))
            (local.set $py (i32.add (local.get $py) (i32.shl (local.get $M) (i32.const 3))))
            (local.set $dd (i32.add (local.get $dd) (i32.const -1)))
            (br $features)))
        (local.set $py (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))))
        (v128.store align=8 (local.get $py) (local.get $acc0))
        (v128.store offset=16 align=8 (local.get $py) (local.get $acc1))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $quads)))
    (block $singlesDone
      (loop $singles
        (br_if $singlesDone (i32.gt_s (local.get $j) (local.get $hi)))
        (local.set $s (f64.const 0))
        (local.set $px (local.get $x))
        (local.set $py (i32.add (local.get $yT) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $dd (local.get $D))
        (block $featuresDone
          (loop $features
            (br_if $featuresDone (i32.eqz (local.get $dd)))
            (local.set $t (f64.sub (f64.load (local.get $px)) (f64.load (local.get $py))))
            (local.set $s (f64.add (local.get $s) (f64.mul (local.get $t) (local.get $t))))
            (local.set $px (i32.add (local.get $px) (i32.const 8)))
            (local.set $py (i32.add (local.get $py) (i32.shl (local.get $M) (i32.const 3))))
            (local.set $dd (i32.add (local.get $dd) (i32.const -1)))
            (br $features)))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))) (local.get $s))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $singles))))

  ;; One row of Algorithm 2 on the stored weights, columns hi down to lo:
  ;;   G(i, j) = q_v(i+1, j) G(i+1, j) + q_d(i+1, j+1) G(i+1, j+1) + q_h(i, j+1) G(i, j+1),
  ;;   E(i, j) = G(i, j) (w_v q_v + w_h q_h + w_d q_d)(i, j)   (G(i, j) itself when $unit).
  ;; $q, $qn: weights of cells (i, hi) and (i+1, hi); $next, $cur: G of rows i+1 and i (column j
  ;; at + 8 j); $e: E(i, j) goes to $e + 8 j.
  (func $backRow (export "backRow")
    (param $lo i32) (param $hi i32) (param $q i32) (param $qn i32) (param $next i32)
    (param $cur i32) (param $e i32) (param $unit i32) (param $wv f64) (param $wh f64)
    (param $wd f64)
    (local $j i32) (local $g f64) (local $right f64)
    (local.set $right
      (f64.load offset=8 (i32.add (local.get $cur) (i32.shl (local.get $hi) (i32.const 3)))))
    (local.set $j (local.get $hi))
    (block $done
      (loop $cell
        (br_if $done (i32.lt_s (local.get $j) (local.get $lo)))
        ;; G(i, j + 1) is added last: one multiply-add per cell on the chain along the row.
        (local.set $g
          (f64.add
            (f64.add
              (f64.mul (f64.load (local.get $qn))
                (f64.load (i32.add (local.get $next) (i32.shl (local.get $j) (i32.const 3)))))
              (f64.mul (f64.load offset=40 (local.get $qn))
                (f64.load offset=8
                  (i32.add (local.get $next) (i32.shl (local.get $j) (i32.const 3))))))
            (f64.mul (f64.load offset=32 (local.get $q)) (local.get $right))))
        (f64.store (i32.add (local.get $cur) (i32.shl (local.get $j) (i32.const 3))) (local.get $g))
        (local.set $right (local.get $g))
        (f64.store (i32.add (local.get $e) (i32.shl (local.get $j) (i32.const 3)))
          (if (result f64) (local.get $unit)
            (then (local.get $g))
            (else
              (f64.mul (local.get $g)
                (f64.add
                  (f64.add (f64.mul (local.get $wv) (f64.load (local.get $q)))
                    (f64.mul (local.get $wh) (f64.load offset=8 (local.get $q))))
                  (f64.mul (local.get $wd) (f64.load offset=16 (local.get $q))))))))
        (local.set $j (i32.add (local.get $j) (i32.const -1)))
        (local.set $q (i32.add (local.get $q) (i32.const -24)))
        (local.set $qn (i32.add (local.get $qn) (i32.const -24)))
        (br $cell))))

  ;; The sums of the squared Euclidean VJP of one row of E: out[0] = r = sum_j e_j and
  ;; out[1 + d] = sum_j e_j y_j[d] over the 0-based columns lo..hi, each summed over j in order.
  ;; $e: e[0]; $y: y [M, D] row-major. Six features a pass (three f64x2 lanes) while they last,
  ;; then two, then the last one alone.
  (func $vjpSums (export "vjpSums")
    (param $e i32) (param $y i32) (param $D i32) (param $lo i32) (param $hi i32) (param $out i32)
    (local $j i32) (local $dd i32) (local $py i32) (local $r f64)
    (local $w v128) (local $a0 v128) (local $a1 v128) (local $a2 v128)
    (local.set $r (f64.const 0))
    (local.set $j (local.get $lo))
    (block $done
      (loop $sum
        (br_if $done (i32.gt_s (local.get $j) (local.get $hi)))
        (local.set $r
          (f64.add (local.get $r)
            (f64.load (i32.add (local.get $e) (i32.shl (local.get $j) (i32.const 3))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $sum)))
    (f64.store (local.get $out) (local.get $r))
    (local.set $dd (i32.const 0))
    (block $sixesDone
      (loop $sixes
        (br_if $sixesDone (i32.gt_s (i32.add (local.get $dd) (i32.const 6)) (local.get $D)))
        (local.set $a0 (f64x2.splat (f64.const 0)))
        (local.set $a1 (f64x2.splat (f64.const 0)))
        (local.set $a2 (f64x2.splat (f64.const 0)))
        (local.set $py
          (i32.add (local.get $y)
            (i32.shl (i32.add (i32.mul (local.get $lo) (local.get $D)) (local.get $dd))
              (i32.const 3))))
        (local.set $j (local.get $lo))
        (block $done
          (loop $column
            (br_if $done (i32.gt_s (local.get $j) (local.get $hi)))
            (local.set $w
              (f64x2.splat
                (f64.load (i32.add (local.get $e) (i32.shl (local.get $j) (i32.const 3))))))
            (local.set $a0
              (f64x2.add (local.get $a0)
                (f64x2.mul (local.get $w) (v128.load align=8 (local.get $py)))))
            (local.set $a1
              (f64x2.add (local.get $a1)
                (f64x2.mul (local.get $w) (v128.load offset=16 align=8 (local.get $py)))))
            (local.set $a2
              (f64x2.add (local.get $a2)
                (f64x2.mul (local.get $w) (v128.load offset=32 align=8 (local.get $py)))))
            (local.set $py (i32.add (local.get $py) (i32.shl (local.get $D) (i32.const 3))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $column)))
        (v128.store offset=8 align=8
          (i32.add (local.get $out) (i32.shl (local.get $dd) (i32.const 3))) (local.get $a0))
        (v128.store offset=24 align=8
          (i32.add (local.get $out) (i32.shl (local.get $dd) (i32.const 3))) (local.get $a1))
        (v128.store offset=40 align=8
          (i32.add (local.get $out) (i32.shl (local.get $dd) (i32.const 3))) (local.get $a2))
        (local.set $dd (i32.add (local.get $dd) (i32.const 6)))
        (br $sixes)))
    (block $twosDone
      (loop $twos
        (br_if $twosDone (i32.gt_s (i32.add (local.get $dd) (i32.const 2)) (local.get $D)))
        (local.set $a0 (f64x2.splat (f64.const 0)))
        (local.set $py
          (i32.add (local.get $y)
            (i32.shl (i32.add (i32.mul (local.get $lo) (local.get $D)) (local.get $dd))
              (i32.const 3))))
        (local.set $j (local.get $lo))
        (block $done
          (loop $column
            (br_if $done (i32.gt_s (local.get $j) (local.get $hi)))
            (local.set $w
              (f64x2.splat
                (f64.load (i32.add (local.get $e) (i32.shl (local.get $j) (i32.const 3))))))
            (local.set $a0
              (f64x2.add (local.get $a0)
                (f64x2.mul (local.get $w) (v128.load align=8 (local.get $py)))))
            (local.set $py (i32.add (local.get $py) (i32.shl (local.get $D) (i32.const 3))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $column)))
        (v128.store offset=8 align=8
          (i32.add (local.get $out) (i32.shl (local.get $dd) (i32.const 3))) (local.get $a0))
        (local.set $dd (i32.add (local.get $dd) (i32.const 2)))
        (br $twos)))
    (if (i32.lt_s (local.get $dd) (local.get $D))
      (then
        (local.set $r (f64.const 0))
        (local.set $py
          (i32.add (local.get $y)
            (i32.shl (i32.add (i32.mul (local.get $lo) (local.get $D)) (local.get $dd))
              (i32.const 3))))
        (local.set $j (local.get $lo))
        (block $done
          (loop $column
            (br_if $done (i32.gt_s (local.get $j) (local.get $hi)))
            (local.set $r
              (f64.add (local.get $r)
                (f64.mul
                  (f64.load (i32.add (local.get $e) (i32.shl (local.get $j) (i32.const 3))))
                  (f64.load (local.get $py)))))
            (local.set $py (i32.add (local.get $py) (i32.shl (local.get $D) (i32.const 3))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $column)))
        (f64.store offset=8 (i32.add (local.get $out) (i32.shl (local.get $dd) (i32.const 3)))
          (local.get $r)))))

  ;; General step sets (src/general.ts): cells (i, lo..hi) of one row of the forward pass,
  ;; D(i, j) = min^gamma over the K steps of D(i - di_k, j - dj_k) + w_k C(i, j) + pen_k(j), in (m, s)
  ;; pairs as $row. $tab: K entries of 24 bytes [pred i32: byte address of column 0 of row
  ;; i - di_k in the (m, s) ring (rows are padded with (+inf, 1) to the left, and a row of +inf
  ;; stands for rows above 0); djb i32: 16 dj_k; pen i32: byte address of column 0 of the step's
  ;; penalty row (0, or +inf where the step may not enter); 4 bytes unused; w f64]. $q: weights
  ;; of cell (i, lo), K f64 a cell; $st: column 0 of row i in the ring; $c: the cost row minus 8.
  ;; The pivot's own term is its s, an unreachable one (m = +inf) 0, every other term
  ;; exp((P - m) / gamma) s as in $row; m_k waits in the weights' place between the two loops.
  (func (export "grow")
    (param $lo i32) (param $hi i32) (param $K i32) (param $tab i32) (param $q i32) (param $st i32)
    (param $c i32) (param $invG f64) (param $shift f64)
    (local $j i32) (local $k i32) (local $e i32) (local $pa i32) (local $oa i32) (local $ki i32)
    (local $cc f64) (local $P f64) (local $m f64) (local $t f64) (local $S f64) (local $inv f64)
    (local $v f64) (local $kk f64) (local $r f64)
    (local.set $j (local.get $lo))
    (block $done
      (loop $cell
        (br_if $done (i32.gt_s (local.get $j) (local.get $hi)))
        (local.set $cc (f64.load (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $oa (i32.add (local.get $st) (i32.shl (local.get $j) (i32.const 4))))
        ;; P = min_k m_k, m_k = D(pred_k) + w_k C(i, j) + pen_k(j)
        (local.set $P (f64.const inf))
        (local.set $k (i32.const 0))
        (local.set $e (local.get $tab))
        (block $pd
          (loop $pl
            (br_if $pd (i32.ge_s (local.get $k) (local.get $K)))
            (local.set $pa (i32.sub (i32.add (i32.load (local.get $e))
              (i32.shl (local.get $j) (i32.const 4))) (i32.load offset=4 (local.get $e))))
            (local.set $m (f64.add
              (f64.add (f64.load (local.get $pa)) (f64.mul (f64.load offset=16 (local.get $e)) (local.get $cc)))
              (f64.load (i32.add (i32.load offset=8 (local.get $e)) (i32.shl (local.get $j) (i32.const 3))))))
            (f64.store (i32.add (local.get $q) (i32.shl (local.get $k) (i32.const 3))) (local.get $m))
            (if (f64.lt (local.get $m) (local.get $P)) (then (local.set $P (local.get $m))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (local.set $e (i32.add (local.get $e) (i32.const 24)))
            (br $pl)))
        (if (f64.eq (local.get $P) (f64.const inf))
          (then
            (memory.fill (local.get $q) (i32.const 0) (i32.shl (local.get $K) (i32.const 3)))
            (f64.store (local.get $oa) (f64.const inf))
            (f64.store offset=8 (local.get $oa) (f64.const 1)))
          (else
            ;; t_k (stored in q for now) and S = sum_k t_k in order
            (local.set $S (f64.const 0))
            (local.set $k (i32.const 0))
            (local.set $e (local.get $tab))
            (block $sd
              (loop $sl
                (br_if $sd (i32.ge_s (local.get $k) (local.get $K)))
                (local.set $pa (i32.sub (i32.add (i32.load (local.get $e))
                  (i32.shl (local.get $j) (i32.const 4))) (i32.load offset=4 (local.get $e))))
                (local.set $m (f64.load (i32.add (local.get $q) (i32.shl (local.get $k) (i32.const 3)))))
                (if (f64.eq (local.get $m) (local.get $P))
                  (then (local.set $t (f64.load offset=8 (local.get $pa))))
                  (else (if (f64.eq (local.get $m) (f64.const inf))
                  (then (local.set $t (f64.const 0)))
                  (else
                    (local.set $v
                      (f64.max (f64.mul (f64.sub (local.get $P) (local.get $m)) (local.get $invG))
                        (f64.const -745)))
                    (local.set $kk
                      (f64.floor (f64.add (f64.mul (local.get $v) (f64.const 0x1.71547652b82fep+8))
                        (f64.const 0.5))))
                    (local.set $r
                      (f64.sub
                        (f64.sub (local.get $v) (f64.mul (local.get $kk) (f64.const 0x1.62e42fee00000p-9)))
                        (f64.mul (local.get $kk) (f64.const 0x1.a39ef35793c76p-41))))
                    (local.set $ki (i32.trunc_f64_s (local.get $kk)))
                    (local.set $t
                      (f64.mul
                        (f64.mul
                          (f64.load (i32.shl (i32.add (i32.shr_s (local.get $ki) (i32.const 8))
                            (i32.const 1075)) (i32.const 3)))
                          (f64.mul
                            (f64.load offset=8800 (i32.shl (i32.and (local.get $ki) (i32.const 255))
                              (i32.const 3)))
                            (f64.add (f64.const 1) (f64.mul (local.get $r)
                              (f64.add (f64.const 1) (f64.mul (local.get $r)
                                (f64.add (f64.const 0.5) (f64.mul (local.get $r)
                                  (f64.add (f64.const 0x1.5555555555555p-3) (f64.mul (local.get $r)
                                    (f64.const 0x1.5555555555555p-5)))))))))))
                        (f64.load offset=8 (local.get $pa))))))))
                (f64.store (i32.add (local.get $q) (i32.shl (local.get $k) (i32.const 3))) (local.get $t))
                (local.set $S (f64.add (local.get $S) (local.get $t)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (local.set $e (i32.add (local.get $e) (i32.const 24)))
                (br $sl)))
            ;; q_k = t_k / S
            (local.set $inv (f64.div (f64.const 1) (local.get $S)))
            (local.set $k (i32.const 0))
            (block $qd
              (loop $ql
                (br_if $qd (i32.ge_s (local.get $k) (local.get $K)))
                (local.set $pa (i32.add (local.get $q) (i32.shl (local.get $k) (i32.const 3))))
                (f64.store (local.get $pa) (f64.mul (f64.load (local.get $pa)) (local.get $inv)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $ql)))
            ;; D(i, j) = (P, S), rescaled to (P - gamma ln 8, S / 8) when S >= 8
            (if (f64.ge (local.get $S) (f64.const 8))
              (then
                (f64.store (local.get $oa) (f64.sub (local.get $P) (local.get $shift)))
                (f64.store offset=8 (local.get $oa) (f64.mul (local.get $S) (f64.const 0.125))))
              (else
                (f64.store (local.get $oa) (local.get $P))
                (f64.store offset=8 (local.get $oa) (local.get $S))))))
        (local.set $q (i32.add (local.get $q) (i32.shl (local.get $K) (i32.const 3))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $cell))))

  ;; General step sets: one row of the backward pass, columns hi down to lo:
  ;;   G(i, j) = end(j) [+ $endM at column $M] + sum_k q_k(i + di_k, j + dj_k) G(i + di_k, j + dj_k),
  ;;   E(i, j) = G(i, j) sum_k w_k q_k(i, j)   (G(i, j) itself when $unit),
  ;; a successor with G = 0 skipped (its weight is not read). $tab: K entries of 24 bytes [g i32:
  ;; byte address of column 0 of G row i + di_k (a zero row beyond N; rows are zero beyond M);
  ;; djg i32: 8 dj_k; qs i32: the weight of step k entering (i + di_k, j + dj_k) is at qs + 8 K j;
  ;; 4 bytes unused; w f64]. $qi: weights of cell (i, hi); $cur: column 0 of G row i; $end:
  ;; column 0 of the end weights of row i; $e: the E row minus 8.
  (func (export "gback")
    (param $lo i32) (param $hi i32) (param $K i32) (param $tab i32) (param $qi i32) (param $cur i32)
    (param $end i32) (param $endM f64) (param $M i32) (param $e i32) (param $unit i32)
    (local $j i32) (local $k i32) (local $t i32) (local $g f64) (local $gs f64) (local $wq f64)
    (local.set $j (local.get $hi))
    (block $done
      (loop $cell
        (br_if $done (i32.lt_s (local.get $j) (local.get $lo)))
        (local.set $g (f64.load (i32.add (local.get $end) (i32.shl (local.get $j) (i32.const 3)))))
        (if (i32.eq (local.get $j) (local.get $M))
          (then (local.set $g (f64.add (local.get $g) (local.get $endM)))))
        (local.set $k (i32.const 0))
        (local.set $t (local.get $tab))
        (block $sd
          (loop $sl
            (br_if $sd (i32.ge_s (local.get $k) (local.get $K)))
            (local.set $gs (f64.load (i32.add (i32.add (i32.load (local.get $t))
              (i32.shl (local.get $j) (i32.const 3))) (i32.load offset=4 (local.get $t)))))
            (if (f64.ne (local.get $gs) (f64.const 0))
              (then
                (local.set $g (f64.add (local.get $g)
                  (f64.mul
                    (f64.load (i32.add (i32.load offset=8 (local.get $t))
                      (i32.shl (i32.mul (local.get $K) (local.get $j)) (i32.const 3))))
                    (local.get $gs))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (local.set $t (i32.add (local.get $t) (i32.const 24)))
            (br $sl)))
        (f64.store (i32.add (local.get $cur) (i32.shl (local.get $j) (i32.const 3))) (local.get $g))
        (if (i32.eqz (local.get $unit))
          (then
            (local.set $wq (f64.const 0))
            (local.set $k (i32.const 0))
            (local.set $t (local.get $tab))
            (block $wd
              (loop $wl
                (br_if $wd (i32.ge_s (local.get $k) (local.get $K)))
                (local.set $wq (f64.add (local.get $wq)
                  (f64.mul (f64.load offset=16 (local.get $t))
                    (f64.load (i32.add (local.get $qi) (i32.shl (local.get $k) (i32.const 3)))))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (local.set $t (i32.add (local.get $t) (i32.const 24)))
                (br $wl)))
            (local.set $g (f64.mul (local.get $g) (local.get $wq)))))
        (f64.store (i32.add (local.get $e) (i32.shl (local.get $j) (i32.const 3))) (local.get $g))
        (local.set $qi (i32.sub (local.get $qi) (i32.shl (local.get $K) (i32.const 3))))
        (local.set $j (i32.add (local.get $j) (i32.const -1)))
        (br $cell))))
)
