;; Four rows of the soft-DTW forward pass at once in 128-bit SIMD, a third WebAssembly module
;; (wasm/softdtw.wat and wasm/pairs.wat are near their 4 KiB budgets) that shares the memory of a
;; softdtw.wat instance; wasm/pairs.wat's forwardPair runs its rows through it. `pnpm --filter
;; @losses/softdtw wasm` assembles it into src/wasm/rows4-module.ts.
;;
;; Why: one row of the forward pass is a chain, each cell waiting for its left neighbour (pivot,
;; two exps, sum, rescaling: about 150 cycles of latency), and its pivot choices are branches that
;; real data mispredicts. Cells (i, j), (i + 1, j - 1), (i + 2, j - 2), (i + 3, j - 3) lie on one
;; anti-diagonal and are independent (the wavefront order of the GPU soft-DTW kernels, Maghoumi et
;; al. 2021), so rows4 walks four rows skewed by one column each: rows i, i + 1 in the lanes of
;; the first f64x2 of every quantity, rows i + 2, i + 3 in the second. Two chains are in flight,
;; each doing two cells per instruction, and the pivot choices are bit selects. The exp table is
;; read lane by lane.
;;
;; Each lane computes the same operations in the same order as `row` of softdtw.wat and
;; forwardRowJs of src/recursion.ts, so the numbers are bit for bit the same (test/wasm-row.test.ts
;; compares them): the swaps of the pivot become selects of the same values (the weights are put
;; back in (v, h, d) order by the same two comparisons), f64x2.floor / max / lt / ge / div act per
;; lane as their f64 forms, and i32x4.trunc_sat_f64x2_s_zero equals i32.trunc_f64_s on the
;; integer-valued k met here (|k| < 2^19).
(module
  (import "k" "memory" (memory 1))

  ;; Cells (i + r, lo..hi), r = 0..3, of Algorithm 1 (Cuturi & Blondel, ICML 2017; step weights of
  ;; Zeitler, Krause, Mueller, ICASSP 2024), D kept as pairs (m, s), D = m - gamma log s, with the
  ;; soft-min weights. $q: weights of cell (i, lo), 24 bytes a cell; $qs: bytes from the weights of
  ;; (i, j) to those of (i + 1, j); $st: the (m, s) row (column j at $st + 16 j; row i - 1 on entry,
  ;; row i + 3 on exit for columns lo..hi; rows i..i + 2 are never stored; the 48 bytes after
  ;; column hi are read); $r0..$r3: cost rows i..i + 3 minus 8 (column j at + 8 j; up to 3 columns
  ;; before lo and after hi are read, never used); ($diagM, $diagS): (m, s) of cell
  ;; (i - 1, lo - 1); $left0..$left3: m of cells (i + r, lo - 1), whose s is 1. Step j computes
  ;; cell (i + r, j - r) in lane r (r = 0, 1 in the first vector, 2, 3 in the second); the upper
  ;; neighbour of lane r is lane r - 1 of the step before. A lane before its first column keeps
  ;; (left_r, 1), so that it is the left and then the diagonal neighbour of the lanes after it.
  (func (export "rows4")
    (param $lo i32) (param $hi i32) (param $q i32) (param $qs i32) (param $st i32) (param $r0 i32)
    (param $r1 i32) (param $r2 i32) (param $r3 i32) (param $wv f64) (param $wh f64) (param $wd f64)
    (param $invG f64) (param $shift f64) (param $diagM f64) (param $diagS f64) (param $left0 f64)
    (param $left1 f64) (param $left2 f64) (param $left3 f64)
    (local $j i32) (local $k i32) (local $q0 i32) (local $q1 i32) (local $q2 i32) (local $q3 i32)
    (local $X v128) (local $WV v128) (local $WH v128) (local $WD v128) (local $IG v128)
    (local $SH v128)
    (local $L1 v128) (local $LS1 v128) (local $Dg1 v128) (local $DgS1 v128) (local $U1 v128) (local $US1 v128) (local $C1 v128) (local $P1 v128) (local $A1 v128) (local $B1 v128) (local $sP1 v128) (local $sA1 v128) (local $sB1 v128) (local $T1 v128) (local $c1 v128) (local $d1 v128) (local $mi1 v128) (local $V1 v128) (local $R1 v128) (local $E1 v128) (local $G1 v128) (local $Ta1 v128) (local $Tb1 v128) (local $Sum1 v128) (local $qv1 v128) (local $qh1 v128) (local $qd1 v128)
    (local $L2 v128) (local $LS2 v128) (local $Dg2 v128) (local $DgS2 v128) (local $U2 v128) (local $US2 v128) (local $C2 v128) (local $P2 v128) (local $A2 v128) (local $B2 v128) (local $sP2 v128) (local $sA2 v128) (local $sB2 v128) (local $T2 v128) (local $c2 v128) (local $d2 v128) (local $mi2 v128) (local $V2 v128) (local $R2 v128) (local $E2 v128) (local $G2 v128) (local $Ta2 v128) (local $Tb2 v128) (local $Sum2 v128) (local $qv2 v128) (local $qh2 v128) (local $qd2 v128)
    (local.set $WV (f64x2.splat (local.get $wv)))
    (local.set $WH (f64x2.splat (local.get $wh)))
    (local.set $WD (f64x2.splat (local.get $wd)))
    (local.set $IG (f64x2.splat (local.get $invG)))
    (local.set $SH (f64x2.splat (local.get $shift)))
    (local.set $L1 (f64x2.replace_lane 1 (f64x2.splat (local.get $left0)) (local.get $left1)))
    (local.set $L2 (f64x2.replace_lane 1 (f64x2.splat (local.get $left2)) (local.get $left3)))
    (local.set $LS1 (v128.const f64x2 1 1))
    (local.set $LS2 (v128.const f64x2 1 1))
    (local.set $Dg1 (f64x2.splat (local.get $diagM)))
    (local.set $DgS1 (f64x2.splat (local.get $diagS)))
    (local.set $q0 (local.get $q))
    (local.set $q1 (i32.add (local.get $q0) (local.get $qs)))
    (local.set $q2 (i32.add (local.get $q1) (local.get $qs)))
    (local.set $q3 (i32.add (local.get $q2) (local.get $qs)))
    (local.set $j (local.get $lo))
    (block $done
      (loop $step
        (br_if $done (i32.gt_s (local.get $j) (i32.add (local.get $hi) (i32.const 3))))
        ;; Up neighbours: lane 0 from the row, lanes 1..3 from lanes 0..2 of the step before.
        (local.set $X (v128.load align=8 (i32.add (local.get $st) (i32.shl (local.get $j) (i32.const 4)))))
        (local.set $U1 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $X) (local.get $L1)))
        (local.set $US1 (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $X) (local.get $LS1)))
        (local.set $U2 (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $L1) (local.get $L2)))
        (local.set $US2 (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $LS1) (local.get $LS2)))
        (local.set $C1 (v128.load64_lane 1 (i32.add (local.get $r1) (i32.shl (i32.add (local.get $j) (i32.const -1)) (i32.const 3))) (v128.load64_zero (i32.add (local.get $r0) (i32.shl (i32.add (local.get $j) (i32.const 0)) (i32.const 3))))))
        (local.set $C2 (v128.load64_lane 1 (i32.add (local.get $r3) (i32.shl (i32.add (local.get $j) (i32.const -3)) (i32.const 3))) (v128.load64_zero (i32.add (local.get $r2) (i32.shl (i32.add (local.get $j) (i32.const -2)) (i32.const 3))))))
        (local.set $P1 (f64x2.add (local.get $U1) (f64x2.mul (local.get $WV) (local.get $C1))))
        (local.set $A1 (f64x2.add (local.get $L1) (f64x2.mul (local.get $WH) (local.get $C1))))
        (local.set $B1 (f64x2.add (local.get $Dg1) (f64x2.mul (local.get $WD) (local.get $C1))))
        (local.set $sP1 (local.get $US1))
        (local.set $sA1 (local.get $LS1))
        (local.set $sB1 (local.get $DgS1))
        (local.set $Dg1 (local.get $U1))
        (local.set $DgS1 (local.get $US1))
        (local.set $c1 (f64x2.lt (local.get $A1) (local.get $P1)))
        (local.set $T1 (local.get $P1))
        (local.set $P1 (f64x2.pmin (local.get $T1) (local.get $A1)))
        (local.set $A1 (f64x2.pmax (local.get $A1) (local.get $T1)))
        (local.set $T1 (local.get $sP1))
        (local.set $sP1 (v128.bitselect (local.get $sA1) (local.get $sP1) (local.get $c1)))
        (local.set $sA1 (v128.bitselect (local.get $T1) (local.get $sA1) (local.get $c1)))
        (local.set $d1 (f64x2.lt (local.get $B1) (local.get $P1)))
        (local.set $T1 (local.get $P1))
        (local.set $P1 (f64x2.pmin (local.get $T1) (local.get $B1)))
        (local.set $B1 (f64x2.pmax (local.get $B1) (local.get $T1)))
        (local.set $T1 (local.get $sP1))
        (local.set $sP1 (v128.bitselect (local.get $sB1) (local.get $sP1) (local.get $d1)))
        (local.set $sB1 (v128.bitselect (local.get $T1) (local.get $sB1) (local.get $d1)))
        (local.set $mi1 (f64x2.eq (local.get $P1) (v128.const f64x2 inf inf)))
        (local.set $V1 (f64x2.pmax (v128.const f64x2 -745 -745)
          (f64x2.mul (f64x2.sub (local.get $P1) (local.get $A1)) (local.get $IG))))
        (local.set $T1 (f64x2.floor (f64x2.add (f64x2.mul (local.get $V1) (v128.const f64x2 0x1.71547652b82fep+8 0x1.71547652b82fep+8))
          (v128.const f64x2 0.5 0.5))))
        (local.set $R1 (f64x2.sub
          (f64x2.sub (local.get $V1) (f64x2.mul (local.get $T1) (v128.const f64x2 0x1.62e42fee00000p-9 0x1.62e42fee00000p-9)))
          (f64x2.mul (local.get $T1) (v128.const f64x2 0x1.a39ef35793c76p-41 0x1.a39ef35793c76p-41))))
        (local.set $T1 (f64x2.add (local.get $T1) (v128.const f64x2 0x1.8p52 0x1.8p52)))
        (local.set $k (i32x4.extract_lane 0 (local.get $T1)))
        (local.set $E1 (v128.load64_zero
          (i32.shl (i32.add (i32.shr_s (local.get $k) (i32.const 8)) (i32.const 1075)) (i32.const 3))))
        (local.set $G1 (v128.load64_zero offset=8800
          (i32.shl (i32.and (local.get $k) (i32.const 255)) (i32.const 3))))
        (local.set $k (i32x4.extract_lane 2 (local.get $T1)))
        (local.set $E1 (v128.load64_lane 1
          (i32.shl (i32.add (i32.shr_s (local.get $k) (i32.const 8)) (i32.const 1075)) (i32.const 3))
          (local.get $E1)))
        (local.set $G1 (v128.load64_lane offset=8800 1
          (i32.shl (i32.and (local.get $k) (i32.const 255)) (i32.const 3)) (local.get $G1)))
        (local.set $Ta1 (f64x2.mul
          (f64x2.mul (local.get $E1) (f64x2.mul (local.get $G1)
            (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $R1)
              (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $R1)
                (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $R1)
                  (f64x2.add (v128.const f64x2 0x1.5555555555555p-3 0x1.5555555555555p-3)
                    (f64x2.mul (local.get $R1) (v128.const f64x2 0x1.5555555555555p-5 0x1.5555555555555p-5)))))))))))
          (local.get $sA1)))
        (local.set $V1 (f64x2.pmax (v128.const f64x2 -745 -745)
          (f64x2.mul (f64x2.sub (local.get $P1) (local.get $B1)) (local.get $IG))))
        (local.set $T1 (f64x2.floor (f64x2.add (f64x2.mul (local.get $V1) (v128.const f64x2 0x1.71547652b82fep+8 0x1.71547652b82fep+8))
          (v128.const f64x2 0.5 0.5))))
        (local.set $R1 (f64x2.sub
          (f64x2.sub (local.get $V1) (f64x2.mul (local.get $T1) (v128.const f64x2 0x1.62e42fee00000p-9 0x1.62e42fee00000p-9)))
          (f64x2.mul (local.get $T1) (v128.const f64x2 0x1.a39ef35793c76p-41 0x1.a39ef35793c76p-41))))
        (local.set $T1 (f64x2.add (local.get $T1) (v128.const f64x2 0x1.8p52 0x1.8p52)))
        (local.set $k (i32x4.extract_lane 0 (local.get $T1)))
        (local.set $E1 (v128.load64_zero
          (i32.shl (i32.add (i32.shr_s (local.get $k) (i32.const 8)) (i32.const 1075)) (i32.const 3))))
        (local.set $G1 (v128.load64_zero offset=8800
          (i32.shl (i32.and (local.get $k) (i32.const 255)) (i32.const 3))))
        (local.set $k (i32x4.extract_lane 2 (local.get $T1)))
        (local.set $E1 (v128.load64_lane 1
          (i32.shl (i32.add (i32.shr_s (local.get $k) (i32.const 8)) (i32.const 1075)) (i32.const 3))
          (local.get $E1)))
        (local.set $G1 (v128.load64_lane offset=8800 1
          (i32.shl (i32.and (local.get $k) (i32.const 255)) (i32.const 3)) (local.get $G1)))
        (local.set $Tb1 (f64x2.mul
          (f64x2.mul (local.get $E1) (f64x2.mul (local.get $G1)
            (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $R1)
              (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $R1)
                (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $R1)
                  (f64x2.add (v128.const f64x2 0x1.5555555555555p-3 0x1.5555555555555p-3)
                    (f64x2.mul (local.get $R1) (v128.const f64x2 0x1.5555555555555p-5 0x1.5555555555555p-5)))))))))))
          (local.get $sB1)))
        (local.set $Sum1 (f64x2.add (f64x2.add (local.get $sP1) (local.get $Ta1)) (local.get $Tb1)))
        (local.set $V1 (f64x2.div (v128.const f64x2 1 1) (local.get $Sum1)))
        (local.set $sP1 (f64x2.mul (local.get $sP1) (local.get $V1)))
        (local.set $Ta1 (f64x2.mul (local.get $Ta1) (local.get $V1)))
        (local.set $Tb1 (f64x2.mul (local.get $Tb1) (local.get $V1)))
        (local.set $R1 (v128.bitselect (local.get $Tb1) (local.get $sP1) (local.get $d1)))
        (local.set $qv1 (v128.andnot (v128.bitselect (local.get $Ta1) (local.get $R1) (local.get $c1))
          (local.get $mi1)))
        (local.set $qh1 (v128.andnot (v128.bitselect (local.get $R1) (local.get $Ta1) (local.get $c1))
          (local.get $mi1)))
        (local.set $qd1 (v128.andnot (v128.bitselect (local.get $sP1) (local.get $Tb1) (local.get $d1))
          (local.get $mi1)))
        (local.set $T1 (f64x2.ge (local.get $Sum1) (v128.const f64x2 8 8)))
        (local.set $L1 (v128.bitselect (v128.const f64x2 inf inf)
          (v128.bitselect (f64x2.sub (local.get $P1) (local.get $SH)) (local.get $P1) (local.get $T1))
          (local.get $mi1)))
        (local.set $LS1 (v128.bitselect (v128.const f64x2 1 1)
          (v128.bitselect (f64x2.mul (local.get $Sum1) (v128.const f64x2 0.125 0.125)) (local.get $Sum1) (local.get $T1))
          (local.get $mi1)))
        (local.set $P2 (f64x2.add (local.get $U2) (f64x2.mul (local.get $WV) (local.get $C2))))
        (local.set $A2 (f64x2.add (local.get $L2) (f64x2.mul (local.get $WH) (local.get $C2))))
        (local.set $B2 (f64x2.add (local.get $Dg2) (f64x2.mul (local.get $WD) (local.get $C2))))
        (local.set $sP2 (local.get $US2))
        (local.set $sA2 (local.get $LS2))
        (local.set $sB2 (local.get $DgS2))
        (local.set $Dg2 (local.get $U2))
        (local.set $DgS2 (local.get $US2))
        (local.set $c2 (f64x2.lt (local.get $A2) (local.get $P2)))
        (local.set $T2 (local.get $P2))
        (local.set $P2 (f64x2.pmin (local.get $T2) (local.get $A2)))
        (local.set $A2 (f64x2.pmax (local.get $A2) (local.get $T2)))
        (local.set $T2 (local.get $sP2))
        (local.set $sP2 (v128.bitselect (local.get $sA2) (local.get $sP2) (local.get $c2)))
        (local.set $sA2 (v128.bitselect (local.get $T2) (local.get $sA2) (local.get $c2)))
        (local.set $d2 (f64x2.lt (local.get $B2) (local.get $P2)))
        (local.set $T2 (local.get $P2))
        (local.set $P2 (f64x2.pmin (local.get $T2) (local.get $B2)))
        (local.set $B2 (f64x2.pmax (local.get $B2) (local.get $T2)))
        (local.set $T2 (local.get $sP2))
        (local.set $sP2 (v128.bitselect (local.get $sB2) (local.get $sP2) (local.get $d2)))
        (local.set $sB2 (v128.bitselect (local.get $T2) (local.get $sB2) (local.get $d2)))
        (local.set $mi2 (f64x2.eq (local.get $P2) (v128.const f64x2 inf inf)))
        (local.set $V2 (f64x2.pmax (v128.const f64x2 -745 -745)
          (f64x2.mul (f64x2.sub (local.get $P2) (local.get $A2)) (local.get $IG))))
        (local.set $T2 (f64x2.floor (f64x2.add (f64x2.mul (local.get $V2) (v128.const f64x2 0x1.71547652b82fep+8 0x1.71547652b82fep+8))
          (v128.const f64x2 0.5 0.5))))
        (local.set $R2 (f64x2.sub
          (f64x2.sub (local.get $V2) (f64x2.mul (local.get $T2) (v128.const f64x2 0x1.62e42fee00000p-9 0x1.62e42fee00000p-9)))
          (f64x2.mul (local.get $T2) (v128.const f64x2 0x1.a39ef35793c76p-41 0x1.a39ef35793c76p-41))))
        (local.set $T2 (f64x2.add (local.get $T2) (v128.const f64x2 0x1.8p52 0x1.8p52)))
        (local.set $k (i32x4.extract_lane 0 (local.get $T2)))
        (local.set $E2 (v128.load64_zero
          (i32.shl (i32.add (i32.shr_s (local.get $k) (i32.const 8)) (i32.const 1075)) (i32.const 3))))
        (local.set $G2 (v128.load64_zero offset=8800
          (i32.shl (i32.and (local.get $k) (i32.const 255)) (i32.const 3))))
        (local.set $k (i32x4.extract_lane 2 (local.get $T2)))
        (local.set $E2 (v128.load64_lane 1
          (i32.shl (i32.add (i32.shr_s (local.get $k) (i32.const 8)) (i32.const 1075)) (i32.const 3))
          (local.get $E2)))
        (local.set $G2 (v128.load64_lane offset=8800 1
          (i32.shl (i32.and (local.get $k) (i32.const 255)) (i32.const 3)) (local.get $G2)))
        (local.set $Ta2 (f64x2.mul
          (f64x2.mul (local.get $E2) (f64x2.mul (local.get $G2)
            (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $R2)
              (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $R2)
                (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $R2)
                  (f64x2.add (v128.const f64x2 0x1.5555555555555p-3 0x1.5555555555555p-3)
                    (f64x2.mul (local.get $R2) (v128.const f64x2 0x1.5555555555555p-5 0x1.5555555555555p-5)))))))))))
          (local.get $sA2)))
        (local.set $V2 (f64x2.pmax (v128.const f64x2 -745 -745)
          (f64x2.mul (f64x2.sub (local.get $P2) (local.get $B2)) (local.get $IG))))
        (local.set $T2 (f64x2.floor (f64x2.add (f64x2.mul (local.get $V2) (v128.const f64x2 0x1.71547652b82fep+8 0x1.71547652b82fep+8))
          (v128.const f64x2 0.5 0.5))))
        (local.set $R2 (f64x2.sub
          (f64x2.sub (local.get $V2) (f64x2.mul (local.get $T2) (v128.const f64x2 0x1.62e42fee00000p-9 0x1.62e42fee00000p-9)))
          (f64x2.mul (local.get $T2) (v128.const f64x2 0x1.a39ef35793c76p-41 0x1.a39ef35793c76p-41))))
        (local.set $T2 (f64x2.add (local.get $T2) (v128.const f64x2 0x1.8p52 0x1.8p52)))
        (local.set $k (i32x4.extract_lane 0 (local.get $T2)))
        (local.set $E2 (v128.load64_zero
          (i32.shl (i32.add (i32.shr_s (local.get $k) (i32.const 8)) (i32.const 1075)) (i32.const 3))))
        (local.set $G2 (v128.load64_zero offset=8800
          (i32.shl (i32.and (local.get $k) (i32.const 255)) (i32.const 3))))
        (local.set $k (i32x4.extract_lane 2 (local.get $T2)))
        (local.set $E2 (v128.load64_lane 1
          (i32.shl (i32.add (i32.shr_s (local.get $k) (i32.const 8)) (i32.const 1075)) (i32.const 3))
          (local.get $E2)))
        (local.set $G2 (v128.load64_lane offset=8800 1
          (i32.shl (i32.and (local.get $k) (i32.const 255)) (i32.const 3)) (local.get $G2)))
        (local.set $Tb2 (f64x2.mul
          (f64x2.mul (local.get $E2) (f64x2.mul (local.get $G2)
            (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $R2)
              (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $R2)
                (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $R2)
                  (f64x2.add (v128.const f64x2 0x1.5555555555555p-3 0x1.5555555555555p-3)
                    (f64x2.mul (local.get $R2) (v128.const f64x2 0x1.5555555555555p-5 0x1.5555555555555p-5)))))))))))
          (local.get $sB2)))
        (local.set $Sum2 (f64x2.add (f64x2.add (local.get $sP2) (local.get $Ta2)) (local.get $Tb2)))
        (local.set $V2 (f64x2.div (v128.const f64x2 1 1) (local.get $Sum2)))
        (local.set $sP2 (f64x2.mul (local.get $sP2) (local.get $V2)))
        (local.set $Ta2 (f64x2.mul (local.get $Ta2) (local.get $V2)))
        (local.set $Tb2 (f64x2.mul (local.get $Tb2) (local.get $V2)))
        (local.set $R2 (v128.bitselect (local.get $Tb2) (local.get $sP2) (local.get $d2)))
        (local.set $qv2 (v128.andnot (v128.bitselect (local.get $Ta2) (local.get $R2) (local.get $c2))
          (local.get $mi2)))
        (local.set $qh2 (v128.andnot (v128.bitselect (local.get $R2) (local.get $Ta2) (local.get $c2))
          (local.get $mi2)))
        (local.set $qd2 (v128.andnot (v128.bitselect (local.get $sP2) (local.get $Tb2) (local.get $d2))
          (local.get $mi2)))
        (local.set $T2 (f64x2.ge (local.get $Sum2) (v128.const f64x2 8 8)))
        (local.set $L2 (v128.bitselect (v128.const f64x2 inf inf)
          (v128.bitselect (f64x2.sub (local.get $P2) (local.get $SH)) (local.get $P2) (local.get $T2))
          (local.get $mi2)))
        (local.set $LS2 (v128.bitselect (v128.const f64x2 1 1)
          (v128.bitselect (f64x2.mul (local.get $Sum2) (v128.const f64x2 0.125 0.125)) (local.get $Sum2) (local.get $T2))
          (local.get $mi2)))
        (if (i32.and (i32.ge_s (local.get $j) (i32.add (local.get $lo) (i32.const 0)))
            (i32.le_s (local.get $j) (i32.add (local.get $hi) (i32.const 0))))
          (then
            (v128.store64_lane 0 (local.get $q0) (local.get $qv1))
            (v128.store64_lane offset=8 0 (local.get $q0) (local.get $qh1))
            (v128.store64_lane offset=16 0 (local.get $q0) (local.get $qd1))
            (local.set $q0 (i32.add (local.get $q0) (i32.const 24)))))
        (if (i32.and (i32.ge_s (local.get $j) (i32.add (local.get $lo) (i32.const 1)))
            (i32.le_s (local.get $j) (i32.add (local.get $hi) (i32.const 1))))
          (then
            (v128.store64_lane 1 (local.get $q1) (local.get $qv1))
            (v128.store64_lane offset=8 1 (local.get $q1) (local.get $qh1))
            (v128.store64_lane offset=16 1 (local.get $q1) (local.get $qd1))
            (local.set $q1 (i32.add (local.get $q1) (i32.const 24)))))
        (if (i32.and (i32.ge_s (local.get $j) (i32.add (local.get $lo) (i32.const 2)))
            (i32.le_s (local.get $j) (i32.add (local.get $hi) (i32.const 2))))
          (then
            (v128.store64_lane 0 (local.get $q2) (local.get $qv2))
            (v128.store64_lane offset=8 0 (local.get $q2) (local.get $qh2))
            (v128.store64_lane offset=16 0 (local.get $q2) (local.get $qd2))
            (local.set $q2 (i32.add (local.get $q2) (i32.const 24)))))
        (if (i32.and (i32.ge_s (local.get $j) (i32.add (local.get $lo) (i32.const 3)))
            (i32.le_s (local.get $j) (i32.add (local.get $hi) (i32.const 3))))
          (then
            (v128.store64_lane 1 (local.get $q3) (local.get $qv2))
            (v128.store64_lane offset=8 1 (local.get $q3) (local.get $qh2))
            (v128.store64_lane offset=16 1 (local.get $q3) (local.get $qd2))
            (local.set $q3 (i32.add (local.get $q3) (i32.const 24)))))
        (if (i32.ge_s (local.get $j) (i32.add (local.get $lo) (i32.const 3)))
          (then
            ;; Row i + 3, column j - 3, into the row.
            (v128.store align=8
              (i32.add (local.get $st) (i32.shl (i32.add (local.get $j) (i32.const -3)) (i32.const 4)))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $L2) (local.get $LS2))))
          (else
            ;; Lanes before their first column keep (left_r, 1).
            (if (i32.eq (local.get $j) (local.get $lo))
              (then
                (local.set $L1 (f64x2.replace_lane 1 (local.get $L1) (local.get $left1)))
                (local.set $LS1 (f64x2.replace_lane 1 (local.get $LS1) (f64.const 1)))))
            (if (i32.le_s (local.get $j) (i32.add (local.get $lo) (i32.const 1)))
              (then
                (local.set $L2 (f64x2.replace_lane 0 (local.get $L2) (local.get $left2)))
                (local.set $LS2 (f64x2.replace_lane 0 (local.get $LS2) (f64.const 1)))))
            (local.set $L2 (f64x2.replace_lane 1 (local.get $L2) (local.get $left3)))
            (local.set $LS2 (f64x2.replace_lane 1 (local.get $LS2) (f64.const 1)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $step))))
)
