#!/usr/bin/python3
"""`pnpm bench:torch`: the bench/run.ts workload through PyTorch CPU with one thread.

Value + gradient w.r.t. the estimate of the `standard` and `smooth` presets for B = 4, T = 16000,
float32 (the same loss as @losses/mss, written with torch.stft and autograd), and the same with the
target's spectrograms precomputed; the mel presets `hifigan` and `dac` (B = 4, 1 s at 22.05 / 44.1
kHz, HiFi-GAN's `mel_spectrogram` + L1 and DAC's `MelSpectrogramLoss` written with torch.stft,
torchaudio's `melscale_fbanks` and autograd); and the `sot` preset against sot-loss itself
(`MultiResolutionSOTLoss()(estimate, target).backward()`; Torres, Peeters & Richard,
github.com/bernardo-torres/spectral-optimal-transport, not part of @losses: point SOT_LOSS_SRC at
the src/ directory of a checkout, or SOT_LOSS_GIT_DIR at a bare git directory of the repository;
without either the sot row is skipped). Runs `bench/run.ts --json` through tsx in a subprocess for
our figures and prints our time / PyTorch's time.
Usage: [SOT_LOSS_GIT_DIR=...] /usr/bin/python3 bench/torch_bench.py [--torch-only]
"""
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time

# glibc returns PyTorch's large buffers to the OS after every call unless told otherwise, and the
# page faults of getting them back cost PyTorch up to 2x on this workload (run to run, bimodal).
# PyTorch is measured at its best: the script restarts itself with malloc kept from trimming and
# mapping. Node runs with the environment it was given.
MALLOC_ENV = {'MALLOC_MMAP_THRESHOLD_': '4000000000', 'MALLOC_TRIM_THRESHOLD_': '4000000000',
              'MALLOC_TOP_PAD_': '1000000000'}
if any(os.environ.get(k) != v for k, v in MALLOC_ENV.items()):
    os.environ['LOSSES_NODE_ENV'] = json.dumps(dict(os.environ))
    os.execve(sys.executable, [sys.executable] + sys.argv, {**os.environ, **MALLOC_ENV})

import numpy as np  # noqa: E402
import scipy.signal  # noqa: E402
import torch  # noqa: E402
import torchaudio  # noqa: E402

torch.set_num_threads(1)
B, T = 4, 16000

PRESETS = {
    'standard': dict(window='hann', sizes=[64, 128, 256, 512, 1024, 2048], div=4,
                     comps=['linear', 'log'], dist='l1'),
    'smooth': dict(window='flattop', sizes=[67, 127, 257, 509, 1021, 2053], div=2,
                   comps=['log1p'], dist='l2sq'),
}


def load_sot():
    """sot-loss's MultiResolutionSOTLoss from SOT_LOSS_SRC or SOT_LOSS_GIT_DIR, or None."""
    src = os.environ.get('SOT_LOSS_SRC')
    git_dir = os.environ.get('SOT_LOSS_GIT_DIR')
    if git_dir:
        tmp = tempfile.mkdtemp(prefix='sot-loss-')
        archive = subprocess.run(['git', f'--git-dir={git_dir}', 'archive', 'HEAD', 'src'],
                                 check=True, capture_output=True).stdout
        subprocess.run(['tar', '-x', '-C', tmp], input=archive, check=True)
        src = os.path.join(tmp, 'src')
    if not src or not os.path.exists(os.path.join(src, 'sot', '__init__.py')):
        return None
    sys.path.insert(0, src)
    from sot.losses import MultiResolutionSOTLoss
    return MultiResolutionSOTLoss


MULTI_RESOLUTION_SOT = load_sot()


def window(kind, n):
    if kind == 'hann':
        return torch.hann_window(n, periodic=True, dtype=torch.float32)
    return torch.from_numpy(scipy.signal.get_window(kind, n, fftbins=True).astype(np.float32))


def make(p):
    plans = [(n, n // p['div'], window(p['window'], n)) for n in p['sizes']]

    def mags(x):
        return [torch.stft(x, n, hop_length=h, win_length=n, window=w, center=False,
                           return_complex=True).abs() for n, h, w in plans]

    def comp(kind, m):
        if kind == 'linear':
            return m
        if kind == 'log':
            return torch.log(m + 1e-7)
        return torch.log1p(m)

    def loss(est_mags, tgt_comps):
        total = 0.0
        k = 0
        for me in est_mags:
            for c in p['comps']:
                d = comp(c, me) - tgt_comps[k]
                k += 1
                total = total + (d.abs().mean() if p['dist'] == 'l1' else (d * d).mean())
        return total

    def prepare(tgt):
        with torch.no_grad():
            return [comp(c, m) for m in mags(tgt) for c in p['comps']]

    def value_and_grad(est, tgt):
        e = est.detach().requires_grad_(True)
        v = loss(mags(e), prepare(tgt))
        v.backward()
        return v.item(), e.grad

    def with_target(tgt):
        prepared = prepare(tgt)

        def f(est):
            e = est.detach().requires_grad_(True)
            v = loss(mags(e), prepared)
            v.backward()
            return v.item(), e.grad
        return f

    return value_and_grad, with_target


def make_mel(name):
    """Issue 14: HiFi-GAN's and DAC's mel losses as the references write them (float32, autograd)."""
    if name == 'hifigan':
        sr, plans = 22050, [(1024, 256, 80, 384, False)]
    else:
        sr = 44100
        plans = [(n, n // 4, m, 0, True) for n, m in zip([32, 64, 128, 256, 512, 1024, 2048],
                                                          [5, 10, 20, 40, 80, 160, 320])]
    plans = [(n, h, p, c, torch.hann_window(n, dtype=torch.float32),
              torchaudio.functional.melscale_fbanks(n // 2 + 1, 0.0, sr / 2, m, sr, norm='slaney',
                                                    mel_scale='slaney').float())
             for n, h, m, p, c in plans]

    def mels(x):
        out = []
        for n, h, p, c, w, fb in plans:
            y = torch.nn.functional.pad(x.unsqueeze(1), (p, p), mode='reflect').squeeze(1) if p else x
            spec = torch.stft(y, n, hop_length=h, win_length=n, window=w, center=c,
                              pad_mode='reflect', return_complex=True)
            if name == 'hifigan':
                mag = torch.sqrt(spec.real ** 2 + spec.imag ** 2 + 1e-9)
                out.append(torch.log(torch.clamp(torch.matmul(mag.transpose(1, 2), fb), min=1e-5)))
            else:
                mag = spec.abs()
                out.append(torch.matmul(mag.transpose(1, 2), fb).clamp(1e-5).pow(1.0).log10())
        return out

    def value_and_grad(est, tgt):
        with torch.no_grad():
            t = mels(tgt)
        e = est.detach().requires_grad_(True)
        v = sum((a - b).abs().mean() for a, b in zip(mels(e), t))
        v.backward()
        return v.item(), e.grad

    return sr, value_and_grad


def timeit(f, min_runs=15, min_time=2.0):
    """Median CPU time of f in ms (the statistic bench/run.ts uses: process CPU time)."""
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
    out = {}
    for name, p in PRESETS.items():
        vg, wt = make(p)
        out[name] = timeit(lambda: vg(est, tgt))
        fixed = wt(tgt)
        out[f'{name} withTarget'] = timeit(lambda: fixed(est))
    for name in ['hifigan', 'dac']:
        sr, vg = make_mel(name)
        e, t = mel_signals(sr)
        out[name] = timeit(lambda: vg(e, t))
    if MULTI_RESOLUTION_SOT is not None:
        with contextlib.redirect_stdout(io.StringIO()):  # its constructor prints its settings
            sot = MULTI_RESOLUTION_SOT()

        def sot_value_and_grad():
            e = est.detach().requires_grad_(True)
            v = sot(e, tgt)
            v.backward()
            return v.item(), e.grad
        out['sot'] = timeit(sot_value_and_grad)
    return out


def mel_signals(sr):
    """B items of 1 s at `sr` (the mel presets' workload)."""
    rng = np.random.default_rng(1)
    t = np.arange(sr)
    est = torch.tensor(np.sin(0.05 * t)[None, :] + 0.1 * rng.standard_normal((B, sr)),
                       dtype=torch.float32)
    tgt = torch.tensor(np.sin(0.051 * t)[None, :] + 0.1 * rng.standard_normal((B, sr)),
                       dtype=torch.float32)
    return est, tgt


def node_times():
    here = os.path.dirname(os.path.abspath(__file__))
    env = json.loads(os.environ['LOSSES_NODE_ENV'])
    out = subprocess.run(['npx', 'tsx', os.path.join(here, 'run.ts'), '--json'],
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
    print(f'PyTorch {torch.__version__}, 1 thread, B = {B}, T = {T}, float32, value + gradient')
    if MULTI_RESOLUTION_SOT is None:
        print('  (sot skipped: set SOT_LOSS_SRC or SOT_LOSS_GIT_DIR to a sot-loss checkout)')
    if '--torch-only' in sys.argv:
        for k, v in torch_times(est, tgt).items():
            print(f'  {k:22s} {v:8.2f} ms')
        return
    # Interleaved rounds; the best median of each side (the machine may be shared).
    rounds = 3
    torch_ms, ours = {}, {}
    for _ in range(rounds):
        for k, v in torch_times(est, tgt).items():
            torch_ms[k] = min(v, torch_ms.get(k, float('inf')))
        for k, v in node_times().items():
            ours[k] = min(v, ours.get(k, float('inf')))
    print(f'best of {rounds} interleaved rounds (median CPU time per call)')
    print(f'{"workload":22s} {"@losses ms":>11s} {"torch ms":>9s} {"ours/torch":>11s}')
    for k, v in torch_ms.items():
        print(f'{k:22s} {ours[k]:11.2f} {v:9.2f} {ours[k] / v:10.2f}x')
    print(f'smooth / standard (ours): {ours["smooth"] / ours["standard"]:.2f}x; '
          f'withTarget / two-argument (ours): standard {ours["standard withTarget"] / ours["standard"]:.2f}x, '
          f'smooth {ours["smooth withTarget"] / ours["smooth"]:.2f}x')
    if 'sot' in torch_ms:
        print(f'sot / sot-loss: {ours["sot"] / torch_ms["sot"]:.2f}x (target <= 1.0x); '
              f'withTarget / two-argument (ours): {ours["sot withTarget"] / ours["sot"]:.2f}x')


if __name__ == '__main__':
    main()
