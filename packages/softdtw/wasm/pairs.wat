;; Whole pairs of soft-DTW with their frame costs as blocked matrix products, in a second
;; WebAssembly module (wasm/softdtw.wat is at its 4 KiB budget): it shares the memory of a
;; softdtw.wat instance and calls that instance's row kernels (`row`, `backRow`) and rows4.wat's
;; `rows4` (four rows of the forward pass at once), imported.
;; `pnpm --filter @losses/softdtw wasm` assembles it into src/wasm/pairs-module.ts.
;;
;;   sqTile4     squared Euclidean cost rows of 4 frames of x at once (4 x 4 cells a step)
;;   prodTile4   the product form a_i + sum_d u_i[d] v_j[d] of 4 rows at once (BCE, cosine)
;;   prodRow     the product form of one row (the row-by-row passes with bands, priors, ...)
;;   finish      the cost from the product: (-s) / D for BCE, 1 - s for cosine
;;   sumsTile4   the sums of 4 rows of the vector-Jacobian product: sum_j E(i, j) [1, v_j]
;;   forwardPair the forward pass of one pair: 4 cost rows, then `row` for each of them
;;   backwardPair the backward pass of one pair: `backRow` for 4 rows, then their sums
;;
;; Every cost is a sum over d in order (sum_d (x_i[d] - y_j[d])^2 from 0, or a_i + u_i[d] v_j[d]
;; from a_i) and every VJP sum a sum over j in order, as their JavaScript twins in src/costs.ts
;; and src/sqeuclidean.ts compute them, so the numbers are bit for bit the same; the blocking only
;; changes which independent sums run side by side (8 accumulators a step instead of 2: the sums
;; are latency-bound, not throughput-bound).
;;
;; Layouts (byte addresses, float64): uB, the rows of u (x, the BCE log-odds, or the cosine's unit
;; frames) in blocks of 4 rows, u_{4b+r}[d] at uB + 8 (4 (b D + d) + r) (rows beyond N are zero);
;; vT, v (y, or its unit frames) transposed, v_j[d] at vT + 8 (d Mp + j) with Mp = M + 3 (columns
;; beyond M zero, so a step of 4 columns never needs a tail); v1, the rows [1, v_j, 0...] of Dp
;; (a multiple of 4) entries, at v1 + 8 (j Dp + f).
(module
  (import "k" "memory" (memory 1))
  (import "k" "row" (func $row
    (param i32 i32 i32 i32 i32 f64 f64 f64 f64 f64 f64 f64 f64)))
  (import "k" "backRow" (func $backRow
    (param i32 i32 i32 i32 i32 i32 i32 i32 f64 f64 f64)))
  (import "k" "rows4" (func $rows4
    (param i32 i32 i32 i32 i32 i32 i32 i32 i32 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)))

  ;; C(4b + r, j) = sum_d (u[d] - v_j[d])^2 for r = 0..3, columns j = lo, lo + 4, ... <= hi (4 at
  ;; a time, up to 3 beyond hi). $u: block b of uB; $out: row r at $out + r $os, column j at + 8 j.
  (func $sqTile4 (export "sqTile4")
    (param $u i32) (param $vT i32) (param $Mp i32) (param $D i32) (param $out i32) (param $os i32)
    (param $lo i32) (param $hi i32)
    (local $j i32) (local $pu i32) (local $pv i32) (local $dd i32) (local $vs i32)
    (local $y0 v128) (local $y1 v128) (local $x v128) (local $t v128)
    (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128)
    (local $c0 v128) (local $c1 v128) (local $d0 v128) (local $d1 v128)
    (local.set $vs (i32.shl (local.get $Mp) (i32.const 3)))
    (local.set $j (local.get $lo))
    (block $done
      (loop $quad
        (br_if $done (i32.gt_s (local.get $j) (local.get $hi)))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $b0 (v128.const i64x2 0 0))
        (local.set $b1 (v128.const i64x2 0 0))
        (local.set $c0 (v128.const i64x2 0 0))
        (local.set $c1 (v128.const i64x2 0 0))
        (local.set $d0 (v128.const i64x2 0 0))
        (local.set $d1 (v128.const i64x2 0 0))
        (local.set $pu (local.get $u))
        (local.set $pv (i32.add (local.get $vT) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $dd (local.get $D))
        (block $fd
          (loop $f
            (br_if $fd (i32.eqz (local.get $dd)))
            (local.set $y0 (v128.load align=8 (local.get $pv)))
            (local.set $y1 (v128.load offset=16 align=8 (local.get $pv)))
            (local.set $x (v128.load64_splat (local.get $pu)))
            (local.set $t (f64x2.sub (local.get $x) (local.get $y0)))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $t) (local.get $t))))
            (local.set $t (f64x2.sub (local.get $x) (local.get $y1)))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $t) (local.get $t))))
            (local.set $x (v128.load64_splat offset=8 (local.get $pu)))
            (local.set $t (f64x2.sub (local.get $x) (local.get $y0)))
            (local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (local.get $t) (local.get $t))))
            (local.set $t (f64x2.sub (local.get $x) (local.get $y1)))
            (local.set $b1 (f64x2.add (local.get $b1) (f64x2.mul (local.get $t) (local.get $t))))
            (local.set $x (v128.load64_splat offset=16 (local.get $pu)))
            (local.set $t (f64x2.sub (local.get $x) (local.get $y0)))
            (local.set $c0 (f64x2.add (local.get $c0) (f64x2.mul (local.get $t) (local.get $t))))
            (local.set $t (f64x2.sub (local.get $x) (local.get $y1)))
            (local.set $c1 (f64x2.add (local.get $c1) (f64x2.mul (local.get $t) (local.get $t))))
            (local.set $x (v128.load64_splat offset=24 (local.get $pu)))
            (local.set $t (f64x2.sub (local.get $x) (local.get $y0)))
            (local.set $d0 (f64x2.add (local.get $d0) (f64x2.mul (local.get $t) (local.get $t))))
            (local.set $t (f64x2.sub (local.get $x) (local.get $y1)))
            (local.set $d1 (f64x2.add (local.get $d1) (f64x2.mul (local.get $t) (local.get $t))))
            (local.set $pu (i32.add (local.get $pu) (i32.const 32)))
            (local.set $pv (i32.add (local.get $pv) (local.get $vs)))
            (local.set $dd (i32.add (local.get $dd) (i32.const -1)))
            (br $f)))
        (local.set $pv (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))))
        (v128.store align=8 (local.get $pv) (local.get $a0))
        (v128.store offset=16 align=8 (local.get $pv) (local.get $a1))
        (local.set $pv (i32.add (local.get $pv) (local.get $os)))
        (v128.store align=8 (local.get $pv) (local.get $b0))
        (v128.store offset=16 align=8 (local.get $pv) (local.get $b1))
        (local.set $pv (i32.add (local.get $pv) (local.get $os)))
        (v128.store align=8 (local.get $pv) (local.get $c0))
        (v128.store offset=16 align=8 (local.get $pv) (local.get $c1))
        (local.set $pv (i32.add (local.get $pv) (local.get $os)))
        (v128.store align=8 (local.get $pv) (local.get $d0))
        (v128.store offset=16 align=8 (local.get $pv) (local.get $d1))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $quad))))

  ;; s(4b + r, j) = a[r] + sum_d u[d] v_j[d], the layout and columns of sqTile4; $a: a_{4b}.
  (func $prodTile4 (export "prodTile4")
    (param $u i32) (param $a i32) (param $vT i32) (param $Mp i32) (param $D i32) (param $out i32)
    (param $os i32) (param $lo i32) (param $hi i32)
    (local $j i32) (local $pu i32) (local $pv i32) (local $dd i32) (local $vs i32)
    (local $y0 v128) (local $y1 v128) (local $x v128)
    (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128)
    (local $c0 v128) (local $c1 v128) (local $d0 v128) (local $d1 v128)
    (local.set $vs (i32.shl (local.get $Mp) (i32.const 3)))
    (local.set $j (local.get $lo))
    (block $done
      (loop $quad
        (br_if $done (i32.gt_s (local.get $j) (local.get $hi)))
        (local.set $a0 (v128.load64_splat (local.get $a)))
        (local.set $a1 (local.get $a0))
        (local.set $b0 (v128.load64_splat offset=8 (local.get $a)))
        (local.set $b1 (local.get $b0))
        (local.set $c0 (v128.load64_splat offset=16 (local.get $a)))
        (local.set $c1 (local.get $c0))
        (local.set $d0 (v128.load64_splat offset=24 (local.get $a)))
        (local.set $d1 (local.get $d0))
        (local.set $pu (local.get $u))
        (local.set $pv (i32.add (local.get $vT) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $dd (local.get $D))
        (block $fd
          (loop $f
            (br_if $fd (i32.eqz (local.get $dd)))
            (local.set $y0 (v128.load align=8 (local.get $pv)))
            (local.set $y1 (v128.load offset=16 align=8 (local.get $pv)))
            (local.set $x (v128.load64_splat (local.get $pu)))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $x) (local.get $y0))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $x) (local.get $y1))))
            (local.set $x (v128.load64_splat offset=8 (local.get $pu)))
            (local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (local.get $x) (local.get $y0))))
            (local.set $b1 (f64x2.add (local.get $b1) (f64x2.mul (local.get $x) (local.get $y1))))
            (local.set $x (v128.load64_splat offset=16 (local.get $pu)))
            (local.set $c0 (f64x2.add (local.get $c0) (f64x2.mul (local.get $x) (local.get $y0))))
            (local.set $c1 (f64x2.add (local.get $c1) (f64x2.mul (local.get $x) (local.get $y1))))
            (local.set $x (v128.load64_splat offset=24 (local.get $pu)))
            (local.set $d0 (f64x2.add (local.get $d0) (f64x2.mul (local.get $x) (local.get $y0))))
            (local.set $d1 (f64x2.add (local.get $d1) (f64x2.mul (local.get $x) (local.get $y1))))
            (local.set $pu (i32.add (local.get $pu) (i32.const 32)))
            (local.set $pv (i32.add (local.get $pv) (local.get $vs)))
            (local.set $dd (i32.add (local.get $dd) (i32.const -1)))
            (br $f)))
        (local.set $pv (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))))
        (v128.store align=8 (local.get $pv) (local.get $a0))
        (v128.store offset=16 align=8 (local.get $pv) (local.get $a1))
        (local.set $pv (i32.add (local.get $pv) (local.get $os)))
        (v128.store align=8 (local.get $pv) (local.get $b0))
        (v128.store offset=16 align=8 (local.get $pv) (local.get $b1))
        (local.set $pv (i32.add (local.get $pv) (local.get $os)))
        (v128.store align=8 (local.get $pv) (local.get $c0))
        (v128.store offset=16 align=8 (local.get $pv) (local.get $c1))
        (local.set $pv (i32.add (local.get $pv) (local.get $os)))
        (v128.store align=8 (local.get $pv) (local.get $d0))
        (v128.store offset=16 align=8 (local.get $pv) (local.get $d1))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $quad))))

  ;; s(i, j) = a + sum_d u_i[d] v_j[d] for the columns lo..hi of one row, two columns per lane
  ;; pair, then the last one alone. $u: u_i[0], $us: bytes from u_i[d] to u_i[d + 1]; $vT with Mp
  ;; columns (here any Mp >= M, no padding read); $out: column 0 of the row.
  (func $prodRow (export "prodRow")
    (param $u i32) (param $us i32) (param $a f64) (param $vT i32) (param $Mp i32) (param $D i32)
    (param $out i32) (param $lo i32) (param $hi i32)
    (local $j i32) (local $pu i32) (local $pv i32) (local $dd i32) (local $vs i32)
    (local $acc v128) (local $s f64)
    (local.set $vs (i32.shl (local.get $Mp) (i32.const 3)))
    (local.set $j (local.get $lo))
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.ge_s (local.get $j) (local.get $hi)))
        (local.set $acc (f64x2.splat (local.get $a)))
        (local.set $pu (local.get $u))
        (local.set $pv (i32.add (local.get $vT) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $dd (local.get $D))
        (block $fd
          (loop $f
            (br_if $fd (i32.eqz (local.get $dd)))
            (local.set $acc (f64x2.add (local.get $acc)
              (f64x2.mul (v128.load64_splat (local.get $pu)) (v128.load align=8 (local.get $pv)))))
            (local.set $pu (i32.add (local.get $pu) (local.get $us)))
            (local.set $pv (i32.add (local.get $pv) (local.get $vs)))
            (local.set $dd (i32.add (local.get $dd) (i32.const -1)))
            (br $f)))
        (v128.store align=8 (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3)))
          (local.get $acc))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $pairs)))
    (if (i32.eq (local.get $j) (local.get $hi))
      (then
        (local.set $s (local.get $a))
        (local.set $pu (local.get $u))
        (local.set $pv (i32.add (local.get $vT) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $dd (local.get $D))
        (block $fd
          (loop $f
            (br_if $fd (i32.eqz (local.get $dd)))
            (local.set $s (f64.add (local.get $s)
              (f64.mul (f64.load (local.get $pu)) (f64.load (local.get $pv)))))
            (local.set $pu (i32.add (local.get $pu) (local.get $us)))
            (local.set $pv (i32.add (local.get $pv) (local.get $vs)))
            (local.set $dd (i32.add (local.get $dd) (i32.const -1)))
            (br $f)))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3)))
          (local.get $s)))))

  ;; The cost from the product s, in place, for $rows rows ($os bytes apart) and columns lo..hi:
  ;; kind 1 (BCE) C = (-s) invD, kind 2 (cosine) C = 1 - s, as the JavaScript rows write them.
  (func $finish (export "finish")
    (param $kind i32) (param $out i32) (param $os i32) (param $rows i32) (param $lo i32)
    (param $hi i32) (param $invD f64)
    (local $p i32) (local $end i32) (local $s f64)
    (block $done
      (loop $nextRow
        (br_if $done (i32.eqz (local.get $rows)))
        (local.set $p (i32.add (local.get $out) (i32.shl (local.get $lo) (i32.const 3))))
        (local.set $end (i32.add (local.get $out) (i32.shl (local.get $hi) (i32.const 3))))
        (block $cd
          (loop $cell
            (br_if $cd (i32.gt_u (local.get $p) (local.get $end)))
            (local.set $s (f64.load (local.get $p)))
            (f64.store (local.get $p)
              (if (result f64) (i32.eq (local.get $kind) (i32.const 1))
                (then (f64.mul (f64.neg (local.get $s)) (local.get $invD)))
                (else (f64.sub (f64.const 1) (local.get $s)))))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            (br $cell)))
        (local.set $out (i32.add (local.get $out) (local.get $os)))
        (local.set $rows (i32.add (local.get $rows) (i32.const -1)))
        (br $nextRow))))

  ;; out[r Dp + f] = sum_{j = 0..M-1} E_r(j) v1_j[f] for the 4 rows E_r at $e + r $es (column j at
  ;; + 8 j) and every f < Dp, four features a pass, each sum over j in order from 0: with
  ;; v1_j[0] = 1 the first is r = sum_j E(i, j) (times 1: exact), then sum_j E(i, j) v_j[d].
  (func $sumsTile4 (export "sumsTile4")
    (param $e i32) (param $es i32) (param $v1 i32) (param $Dp i32) (param $M i32) (param $out i32)
    (local $f i32) (local $j i32) (local $pe i32) (local $pv i32) (local $pw i32) (local $vs i32)
    (local $y0 v128) (local $y1 v128) (local $w v128)
    (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128)
    (local $c0 v128) (local $c1 v128) (local $d0 v128) (local $d1 v128)
    (local.set $vs (i32.shl (local.get $Dp) (i32.const 3)))
    (local.set $f (i32.const 0))
    (block $done
      (loop $pass
        (br_if $done (i32.ge_s (local.get $f) (local.get $Dp)))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $b0 (v128.const i64x2 0 0))
        (local.set $b1 (v128.const i64x2 0 0))
        (local.set $c0 (v128.const i64x2 0 0))
        (local.set $c1 (v128.const i64x2 0 0))
        (local.set $d0 (v128.const i64x2 0 0))
        (local.set $d1 (v128.const i64x2 0 0))
        (local.set $pe (local.get $e))
        (local.set $pv (i32.add (local.get $v1) (i32.shl (local.get $f) (i32.const 3))))
        (local.set $j (local.get $M))
        (block $cd
          (loop $column
            (br_if $cd (i32.eqz (local.get $j)))
            (local.set $y0 (v128.load align=8 (local.get $pv)))
            (local.set $y1 (v128.load offset=16 align=8 (local.get $pv)))
            (local.set $w (v128.load64_splat (local.get $pe)))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $w) (local.get $y0))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $w) (local.get $y1))))
            (local.set $pw (i32.add (local.get $pe) (local.get $es)))
            (local.set $w (v128.load64_splat (local.get $pw)))
            (local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (local.get $w) (local.get $y0))))
            (local.set $b1 (f64x2.add (local.get $b1) (f64x2.mul (local.get $w) (local.get $y1))))
            (local.set $pw (i32.add (local.get $pw) (local.get $es)))
            (local.set $w (v128.load64_splat (local.get $pw)))
            (local.set $c0 (f64x2.add (local.get $c0) (f64x2.mul (local.get $w) (local.get $y0))))
            (local.set $c1 (f64x2.add (local.get $c1) (f64x2.mul (local.get $w) (local.get $y1))))
            (local.set $w (v128.load64_splat (i32.add (local.get $pw) (local.get $es))))
            (local.set $d0 (f64x2.add (local.get $d0) (f64x2.mul (local.get $w) (local.get $y0))))
            (local.set $d1 (f64x2.add (local.get $d1) (f64x2.mul (local.get $w) (local.get $y1))))
            (local.set $pe (i32.add (local.get $pe) (i32.const 8)))
            (local.set $pv (i32.add (local.get $pv) (local.get $vs)))
            (local.set $j (i32.add (local.get $j) (i32.const -1)))
            (br $column)))
        (local.set $pv (i32.add (local.get $out) (i32.shl (local.get $f) (i32.const 3))))
        (v128.store align=8 (local.get $pv) (local.get $a0))
        (v128.store offset=16 align=8 (local.get $pv) (local.get $a1))
        (local.set $pv (i32.add (local.get $pv) (local.get $vs)))
        (v128.store align=8 (local.get $pv) (local.get $b0))
        (v128.store offset=16 align=8 (local.get $pv) (local.get $b1))
        (local.set $pv (i32.add (local.get $pv) (local.get $vs)))
        (v128.store align=8 (local.get $pv) (local.get $c0))
        (v128.store offset=16 align=8 (local.get $pv) (local.get $c1))
        (local.set $pv (i32.add (local.get $pv) (local.get $vs)))
        (v128.store align=8 (local.get $pv) (local.get $d0))
        (v128.store offset=16 align=8 (local.get $pv) (local.get $d1))
        (local.set $f (i32.add (local.get $f) (i32.const 4)))
        (br $pass))))

  ;; The forward pass of one pair without a band (the grid may open the begin and end along y):
  ;; for each block of 4 rows, their costs (kind 0: sqTile4; 1, 2: prodTile4 and finish) into the
  ;; 4 rows at $cb (8 Mp bytes apart), then `rows4` over the whole block (the last, partial block:
  ;; `row` over every column of each row i < N), column 0 +inf. The parameters of `row`, then the staged uB, a, vT; $q: weights of cell (1, 1); $st: the
  ;; (m, s) row (row 0 on entry, row N on exit).
  (func (export "forwardPair")
    (param $kind i32) (param $N i32) (param $M i32) (param $D i32)
    (param $wv f64) (param $wh f64) (param $wd f64) (param $invG f64) (param $shift f64)
    (param $invD f64) (param $uB i32) (param $a i32) (param $vT i32) (param $q i32) (param $st i32)
    (param $cb i32)
    (local $i i32) (local $r i32) (local $Mp i32) (local $os i32) (local $u i32)
    (local.set $Mp (i32.add (local.get $M) (i32.const 3)))
    (local.set $os (i32.shl (local.get $Mp) (i32.const 3)))
    (block $done
      (loop $block
        (br_if $done (i32.ge_s (local.get $i) (local.get $N)))
        (local.set $u (i32.add (local.get $uB) (i32.shl (i32.mul (local.get $i) (local.get $D))
          (i32.const 3))))
        (if (i32.eqz (local.get $kind))
          (then
            (call $sqTile4 (local.get $u) (local.get $vT) (local.get $Mp) (local.get $D)
              (local.get $cb) (local.get $os) (i32.const 0) (i32.add (local.get $M) (i32.const -1))))
          (else
            (call $prodTile4 (local.get $u)
              (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3)))
              (local.get $vT) (local.get $Mp) (local.get $D) (local.get $cb) (local.get $os)
              (i32.const 0) (i32.add (local.get $M) (i32.const -1)))
            (call $finish (local.get $kind) (local.get $cb) (local.get $os) (i32.const 4)
              (i32.const 0) (i32.add (local.get $M) (i32.const -1)) (local.get $invD))))
        (local.set $r (i32.const 0))
        ;; A whole block: its 4 rows at once (rows4 of wasm/rows4.wat, the same numbers as `row`).
        (if (i32.le_s (i32.add (local.get $i) (i32.const 4)) (local.get $N))
          (then
            (call $rows4
              (i32.const 1) (local.get $M)
              (i32.add (local.get $q)
                (i32.mul (i32.mul (local.get $i) (i32.add (local.get $M) (i32.const 1)))
                  (i32.const 24)))
              (i32.mul (i32.add (local.get $M) (i32.const 1)) (i32.const 24))
              (local.get $st)
              (i32.add (local.get $cb) (i32.const -8))
              (i32.add (local.get $cb) (i32.add (local.get $os) (i32.const -8)))
              (i32.add (local.get $cb) (i32.add (i32.shl (local.get $os) (i32.const 1)) (i32.const -8)))
              (i32.add (local.get $cb) (i32.add (i32.mul (local.get $os) (i32.const 3)) (i32.const -8)))
              (local.get $wv) (local.get $wh) (local.get $wd) (local.get $invG) (local.get $shift)
              (f64.load (local.get $st)) (f64.load offset=8 (local.get $st))
              (block (result f64)
                (f64.store (local.get $st) (f64.const inf))
                (f64.store offset=8 (local.get $st) (f64.const 1))
                (f64.const inf))
              (f64.const inf) (f64.const inf) (f64.const inf))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (local.set $r (i32.const 4))))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.or (i32.ge_s (local.get $r) (i32.const 4))
              (i32.ge_s (local.get $i) (local.get $N))))
            ;; D(i, 0) = +inf, after reading D(i - 1, 0) as the diagonal of column 1.
            (call $row
              (i32.const 1) (local.get $M)
              (i32.add (local.get $q)
                (i32.mul (i32.mul (local.get $i) (i32.add (local.get $M) (i32.const 1)))
                  (i32.const 24)))
              (local.get $st)
              (i32.add (i32.add (local.get $cb) (i32.mul (local.get $r) (local.get $os)))
                (i32.const -8))
              (local.get $wv) (local.get $wh) (local.get $wd) (local.get $invG) (local.get $shift)
              (f64.load (local.get $st)) (f64.load offset=8 (local.get $st))
              (block (result f64)
                (f64.store (local.get $st) (f64.const inf))
                (f64.store offset=8 (local.get $st) (f64.const 1))
                (f64.const inf)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $rows)))
        (br $block))))

  ;; The backward pass of one pair without a band: for the rows from N down to 1, backRow into
  ;; E row (i - 1) mod 4 of $eb (8 M bytes apart), and after each block of 4 rows (or row 1),
  ;; sumsTile4 of the block into $S (row i - 1 at $S + 8 Dp (i - 1); rows of a partial block
  ;; beyond N get sums of stale rows, unused). $next holds G of the virtual row N + 1 on entry.
  (func (export "backwardPair")
    (param $N i32) (param $M i32) (param $Dp i32) (param $q i32) (param $next i32) (param $cur i32)
    (param $eb i32) (param $v1 i32) (param $S i32) (param $unit i32) (param $wv f64) (param $wh f64)
    (param $wd f64)
    (local $i i32) (local $t i32) (local $es i32) (local $W i32)
    (local.set $es (i32.shl (local.get $M) (i32.const 3)))
    (local.set $W (i32.mul (i32.add (local.get $M) (i32.const 1)) (i32.const 24)))
    (local.set $i (local.get $N))
    (block $done
      (loop $nextRow
        (br_if $done (i32.lt_s (local.get $i) (i32.const 1)))
        (memory.fill (local.get $cur) (i32.const 0)
          (i32.shl (i32.add (local.get $M) (i32.const 2)) (i32.const 3)))
        ;; weights of cells (i, M) and (i + 1, M)
        (local.set $t (i32.add (i32.add (local.get $q) (i32.mul (local.get $i) (local.get $W)))
          (i32.mul (i32.add (local.get $M) (i32.const -1)) (i32.const 24))))
        (call $backRow
          (i32.const 1) (local.get $M) (i32.sub (local.get $t) (local.get $W)) (local.get $t)
          (local.get $next) (local.get $cur)
          (i32.add (i32.add (local.get $eb)
            (i32.mul (i32.and (i32.add (local.get $i) (i32.const -1)) (i32.const 3))
              (local.get $es)))
            (i32.const -8))
          (local.get $unit) (local.get $wv) (local.get $wh) (local.get $wd))
        (local.set $i (i32.add (local.get $i) (i32.const -1)))
        (if (i32.eqz (i32.and (local.get $i) (i32.const 3)))
          (then
            (call $sumsTile4 (local.get $eb) (local.get $es) (local.get $v1) (local.get $Dp)
              (local.get $M)
              (i32.add (local.get $S) (i32.shl (i32.mul (local.get $i) (local.get $Dp))
                (i32.const 3))))))
        (local.set $t (local.get $next))
        (local.set $next (local.get $cur))
        (local.set $cur (local.get $t))
        (br $nextRow))))
)
