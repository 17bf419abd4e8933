"""Baseline for `pnpm bench:numba`: soft-DTW value + gradient w.r.t. x, squared Euclidean cost,
gamma = 1, float64, implemented as tslearn does it (numba njit loops over the (m+2) x (n+2) R and E
arrays of Cuturi & Blondel's Algorithms 1 and 2, exps recomputed in the backward pass; the cost
matrix by the BLAS expansion |x|^2 + |y|^2 - 2 x.y as sklearn's euclidean_distances; the Jacobian
product by an njit loop). Single-threaded (no prange), like the TypeScript kernels.

Prints one JSON line per case: {"case", "B", "N", "M", "D", "seconds" (wall), "cpu_seconds"
(process CPU time), "repeats", "value"}.
Run with /usr/bin/python3 (Debian's python3-numba). Written for @losses/softdtw; not tslearn code.
"""

import json
import sys
import time

try:
    import numba
    import numpy as np
    from numba import njit
except ImportError:
    sys.stderr.write(
        "numba is not installed for this Python: install Debian's python3-numba "
        "(apt-get install -y python3-numba) or pip install numba numpy\n"
    )
    sys.exit(2)

DBL_MAX = np.finfo("double").max


@njit(fastmath=True)
def softmin3(a, b, c, gamma):
    a /= -gamma
    b /= -gamma
    c /= -gamma
    m = max(max(a, b), c)
    s = np.exp(a - m) + np.exp(b - m) + np.exp(c - m)
    return -gamma * (np.log(s) + m)


@njit(fastmath=True)
def soft_dtw(D, R, gamma):
    m, n = D.shape
    R[: m + 1, 0] = DBL_MAX
    R[0, : n + 1] = DBL_MAX
    R[0, 0] = 0.0
    for i in range(1, m + 1):
        for j in range(1, n + 1):
            R[i, j] = D[i - 1, j - 1] + softmin3(R[i - 1, j], R[i - 1, j - 1], R[i, j - 1], gamma)


@njit(fastmath=True)
def soft_dtw_grad(D, R, E, gamma):
    # D is the (m+1) x (n+1) cost padded with a zero row and column, as tslearn's SoftDTW.grad.
    m = D.shape[0] - 1
    n = D.shape[1] - 1
    D[:m, n] = 0
    D[m, :n] = 0
    R[1 : m + 1, n + 1] = -DBL_MAX
    R[m + 1, 1 : n + 1] = -DBL_MAX
    E[m + 1, n + 1] = 1
    R[m + 1, n + 1] = R[m, n]
    D[m, n] = 0
    for j in range(n, 0, -1):
        for i in range(m, 0, -1):
            a = np.exp((R[i + 1, j] - R[i, j] - D[i, j - 1]) / gamma)
            b = np.exp((R[i, j + 1] - R[i, j] - D[i - 1, j]) / gamma)
            c = np.exp((R[i + 1, j + 1] - R[i, j] - D[i, j]) / gamma)
            E[i, j] = E[i + 1, j] * a + E[i, j + 1] * b + E[i + 1, j + 1] * c


@njit(fastmath=True)
def jacobian_product_sq_euc(X, Y, E, G):
    m, d = X.shape
    n = Y.shape[0]
    for i in range(m):
        for j in range(n):
            for k in range(d):
                G[i, k] += E[i, j] * 2 * (X[i, k] - Y[j, k])


def sq_euclidean(X, Y):
    XX = (X * X).sum(axis=1)[:, None]
    YY = (Y * Y).sum(axis=1)[None, :]
    C = XX + YY - 2.0 * (X @ Y.T)
    np.maximum(C, 0.0, out=C)
    return C


def value_and_grad(X, Y, gamma):
    m, n = X.shape[0], Y.shape[0]
    C = sq_euclidean(X, Y)
    R = np.zeros((m + 2, n + 2))
    soft_dtw(C, R, gamma)
    value = R[m, n]
    Dp = np.zeros((m + 1, n + 1))
    Dp[:m, :n] = C
    E = np.zeros((m + 2, n + 2))
    soft_dtw_grad(Dp, R, E, gamma)
    G = np.zeros_like(X)
    jacobian_product_sq_euc(X, Y, E[1 : m + 1, 1 : n + 1], G)
    return value, G


def batch(Xs, Ys, gamma):
    total = 0.0
    grads = []
    for X, Y in zip(Xs, Ys):
        v, g = value_and_grad(X, Y, gamma)
        total += v
        grads.append(g / len(Xs))
    return total / len(Xs), grads


def data(B, N, M, D, seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((B, N, D)), rng.standard_normal((B, M, D))


def main():
    cases = [("B8_N512", 8, 512, 512, 12), ("B64_N128", 64, 128, 128, 12), ("B1_N4096", 1, 4096, 4096, 12)]
    args = [a for a in sys.argv[1:] if not a.startswith("--repeats=")]
    repeats_arg = [int(a.split("=")[1]) for a in sys.argv[1:] if a.startswith("--repeats=")]
    if args:
        cases = [c for c in cases if c[0] in args]
    # Compile once on a tiny problem (not timed).
    batch(*data(1, 4, 5, 2, 0), 1.0)
    for name, B, N, M, D in cases:
        Xs, Ys = data(B, N, M, D, 1)
        repeats = repeats_arg[0] if repeats_arg else (1 if N >= 4096 else 3)
        best = float("inf")
        best_cpu = float("inf")
        value = None
        for _ in range(repeats):
            t0 = time.perf_counter()
            c0 = time.process_time()
            value, _ = batch(Xs, Ys, 1.0)
            best_cpu = min(best_cpu, time.process_time() - c0)
            best = min(best, time.perf_counter() - t0)
        print(json.dumps({"case": name, "B": B, "N": N, "M": M, "D": D, "seconds": best,
                          "cpu_seconds": best_cpu,
                          "repeats": repeats, "value": value, "numba": numba.__version__,
                          "numpy": np.__version__}), flush=True)


if __name__ == "__main__":
    main()
