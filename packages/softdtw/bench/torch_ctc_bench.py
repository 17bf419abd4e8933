"""Baseline for the CTC case of `pnpm bench:numba`: torch.nn.functional.ctc_loss value + gradient
w.r.t. the log-probabilities on CPU with one thread, B = 16, T = 500, C = 30, label length 80,
in float64 and float32 (log-softmax of standard normal logits from a fixed seed).

Prints one JSON line: {"case", "float64_seconds", "float64_cpu_seconds", "float32_seconds",
"float32_cpu_seconds", "repeats", "loss", "torch"}. Run with /usr/bin/python3 (Debian's
python3-torch). Written for @losses/softdtw.
"""

import json
import sys
import time

try:
    import torch
except ImportError:
    sys.stderr.write(
        "torch is not installed for this Python: install Debian's python3-torch "
        "(apt-get install -y python3-torch) or pip install torch\n"
    )
    sys.exit(2)

B, T, C, L = 16, 500, 30, 80


def main():
    repeats = int(next((a.split("=")[1] for a in sys.argv[1:] if a.startswith("--repeats=")), "1"))
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(0)
    lp = torch.log_softmax(torch.randn(T, B, C, dtype=torch.float64, generator=g), dim=-1)
    targets = torch.randint(1, C, (B, L), generator=g)
    in_len = torch.full((B,), T, dtype=torch.long)
    tg_len = torch.full((B,), L, dtype=torch.long)
    out = {"case": "ctc_B16_T500_C30_L80", "repeats": repeats, "torch": torch.__version__}
    for dtype, key in ((torch.float64, "float64"), (torch.float32, "float32")):
        x0 = lp.to(dtype)
        # warm-up (not timed)
        x = x0.clone().requires_grad_(True)
        torch.nn.functional.ctc_loss(x, targets, in_len, tg_len, reduction="sum").backward()
        best = float("inf")
        best_cpu = float("inf")
        for _ in range(repeats):
            x = x0.clone().requires_grad_(True)
            t0 = time.perf_counter()
            c0 = time.process_time()
            loss = torch.nn.functional.ctc_loss(x, targets, in_len, tg_len, reduction="sum")
            loss.backward()
            best_cpu = min(best_cpu, time.process_time() - c0)
            best = min(best, time.perf_counter() - t0)
        out[f"{key}_seconds"] = best
        out[f"{key}_cpu_seconds"] = best_cpu
        out["loss"] = float(loss)
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
