#!/usr/bin/python3
"""`pnpm --filter @losses/mss bench:sot-torch`: sot-loss on the workloads of bench/sot.ts.

Spectral optimal transport for B = 4, T = 16000, float32, value + gradient w.r.t. the estimate, with
PyTorch on one thread, through sot-loss itself (Torres, Peeters & Richard; github.com/bernardo-torres/
spectral-optimal-transport, not part of @losses: point SOT_LOSS_SRC at the src/ directory of a
checkout, or SOT_LOSS_GIT_DIR at a bare git directory of the repository):

- `sot kernel`: `Wasserstein1DLoss(transform='identity').loss(...)` (its part after the transform)
  on the STFT magnitudes of the three scales of `MultiResolutionSOTLoss()`, computed once, mean over
  frames, summed over scales, then `backward()`;
- `sot composed`: `MultiResolutionSOTLoss()(estimate, target)` and `backward()` - the number the
  `sot` preset of @losses/mss gives (the phase-B target: at most 1.0x).

Runs `bench/sot.ts --json` through tsx for our figures (interleaved rounds, the best median of
each side, as bench/torch_bench.py) and prints our time / PyTorch's time.
Usage: SOT_LOSS_SRC=... /usr/bin/python3 bench/sot_torch.py [--torch-only]
"""
import json
import os
import subprocess
import sys
import tempfile
import time

# As bench/torch_bench.py: keep glibc from trimming PyTorch's buffers between calls (measured at
# its best); Node runs with the environment it was given.
MALLOC_ENV = {'MALLOC_MMAP_THRESHOLD_': '4000000000', 'MALLOC_TRIM_THRESHOLD_': '4000000000',
              'MALLOC_TOP_PAD_': '1000000000'}
if any(os.environ.get(k) != v for k, v in MALLOC_ENV.items()):
    os.environ['LOSSES_NODE_ENV'] = json.dumps(dict(os.environ))
    os.execve(sys.executable, [sys.executable] + sys.argv, {**os.environ, **MALLOC_ENV})

import contextlib  # noqa: E402
import io  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)
B, T = 4, 16000


def load_sot():
    src = os.environ.get('SOT_LOSS_SRC')
    git_dir = os.environ.get('SOT_LOSS_GIT_DIR')
    if git_dir:
        tmp = tempfile.mkdtemp(prefix='sot-loss-')
        archive = subprocess.run(['git', f'--git-dir={git_dir}', 'archive', 'HEAD', 'src'],
                                 check=True, capture_output=True).stdout
        subprocess.run(['tar', '-x', '-C', tmp], input=archive, check=True)
        src = os.path.join(tmp, 'src')
    if not src or not os.path.exists(os.path.join(src, 'sot', '__init__.py')):
        sys.exit('set SOT_LOSS_SRC (src/ of a sot-loss checkout) or SOT_LOSS_GIT_DIR (its bare git dir)')
    sys.path.insert(0, src)
    from sot.losses import MultiResolutionSOTLoss, Wasserstein1DLoss
    return MultiResolutionSOTLoss, Wasserstein1DLoss


MultiResolutionSOTLoss, Wasserstein1DLoss = load_sot()


def timeit(f, min_runs=15, min_time=2.0):
    """Median CPU time of f in ms (process CPU time, as bench/sot.ts)."""
    for _ in range(3):
        f()
    times, start = [], time.process_time()
    while len(times) < min_runs or time.process_time() - start < min_time:
        t0 = time.process_time()
        f()
        times.append(time.process_time() - t0)
    times.sort()
    return times[len(times) // 2] * 1000


def torch_times(est, tgt):
    full = MultiResolutionSOTLoss()
    with contextlib.redirect_stdout(io.StringIO()):
        kernel = Wasserstein1DLoss(transform='identity')

    def composed():
        e = est.detach().requires_grad_(True)
        v = full(e, tgt)
        v.backward()
        return v.item()

    with torch.no_grad():
        spectra = []
        for sub in full.loss_modules:
            t = sub.transform_module
            # [B, bins, frames] -> [B, frames, bins], as the module's forward permutes them.
            spectra.append((t(est).permute(0, 2, 1).contiguous(), t(tgt).permute(0, 2, 1).contiguous(),
                            sub.bin_positions))

    def kernel_only():
        total = 0.0
        for e_spec, t_spec, pos in spectra:
            e = e_spec.detach().requires_grad_(True)
            v = kernel.loss(e, t_spec, x_positions=pos, y_positions=pos).mean()
            v.backward()
            total += v.item()
        return total

    return {'sot kernel': timeit(kernel_only), 'sot composed': timeit(composed)}


def node_times():
    here = os.path.dirname(os.path.abspath(__file__))
    env = json.loads(os.environ['LOSSES_NODE_ENV'])
    out = subprocess.run(['npx', 'tsx', os.path.join(here, 'sot.ts'), '--json'],
                         cwd=os.path.dirname(here), check=True, capture_output=True, text=True,
                         env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    rng = np.random.default_rng(1)
    t = np.arange(T)
    est = torch.tensor(np.sin(0.05 * t)[None, :] + 0.1 * rng.standard_normal((B, T)),
                       dtype=torch.float32)
    tgt = torch.tensor(np.sin(0.051 * t)[None, :] + 0.1 * rng.standard_normal((B, T)),
                       dtype=torch.float32)
    print(f'PyTorch {torch.__version__}, 1 thread, B = {B}, T = {T}, float32, value + gradient, '
          'sot-loss MultiResolutionSOTLoss() defaults')
    if '--torch-only' in sys.argv:
        for k, v in torch_times(est, tgt).items():
            print(f'  {k:14s} {v:8.2f} ms')
        return
    rounds = 3
    torch_ms, ours = {}, {}
    for _ in range(rounds):
        for k, v in torch_times(est, tgt).items():
            torch_ms[k] = min(v, torch_ms.get(k, float('inf')))
        for k, v in node_times().items():
            ours[k] = min(v, ours.get(k, float('inf')))
    print(f'best of {rounds} interleaved rounds (median CPU time per call)')
    print(f'{"workload":14s} {"@losses ms":>11s} {"torch ms":>9s} {"ours/torch":>11s}')
    for k, v in torch_ms.items():
        print(f'{k:14s} {ours[k]:11.2f} {v:9.2f} {ours[k] / v:10.2f}x')


if __name__ == '__main__':
    main()
