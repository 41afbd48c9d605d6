#!/usr/bin/python3
"""PyTorch reference for ratiofit's estimator trainer (benchmarks/.../EstimatorThroughput.java).

Same network and settings: 8 inputs, 3x64 SiLU, Adam (lr 1e-3), batch 1024, one intra-op thread,
CARL (binary cross-entropy on the logit) on two shifted 8-D Gaussians, and the score-augmented
ALICES / CASCAL on 6 features + 2 parameters whose score term needs d logit / d theta inside the
loss (torch.autograd.grad with create_graph=True). Prints the median epoch time over epochs 2...
and events/s. Needs python3-torch and python3-numpy from Debian:

    apt-get update && apt-get install -y python3-torch python3-numpy
    /usr/bin/python3 benchmarks/scripts/param_training_torch.py [events=200000] [batch=1024] [epochs=3]
"""
import sys
import time

try:
    import numpy as np
    import torch
except ImportError as e:  # say exactly what is missing
    sys.exit(f"missing {e.name}: apt-get update && apt-get install -y python3-torch python3-numpy")

events = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
batch = int(sys.argv[2]) if len(sys.argv) > 2 else 1024
epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
torch.set_num_threads(1)
torch.manual_seed(1)


def gaussians(n, d, p):
    rng = np.random.default_rng(1)
    y = (np.arange(n) % 2).astype(np.float32)
    g = rng.standard_normal((n, d))
    j = np.arange(d)
    shifted = 0.2 * j / d + g * (1 + 0.05 * j)
    x = np.where(y[:, None] == 0, shifted, g).astype(np.float32)
    x = (x - x.mean(0)) / x.std(0)
    th = rng.random((n, p)).astype(np.float32)
    t = rng.standard_normal((n, p)).astype(np.float32)
    r = np.exp(0.3 * rng.standard_normal(n)).astype(np.float32)
    return [torch.from_numpy(a) for a in (x, th, y, r, t)]


def network(inputs):
    return torch.nn.Sequential(torch.nn.Linear(inputs, 64), torch.nn.SiLU(), torch.nn.Linear(64, 64), torch.nn.SiLU(),
                               torch.nn.Linear(64, 64), torch.nn.SiLU(), torch.nn.Linear(64, 1))


def run(method, d, p):
    x, th, y, r, t = gaussians(events, d, p)
    n_train = events - round(events * 0.05)
    net = network(d + p)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    alpha = 1.0
    times = []
    for epoch in range(epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(n_train)
        for s in range(0, n_train, batch):
            idx = perm[s:s + batch]
            xb, yb = x[idx], y[idx]
            if p == 0:
                z = net(xb).squeeze(1)
                loss = torch.nn.functional.binary_cross_entropy_with_logits(z, 1 - yb)
            else:
                thb = th[idx].requires_grad_(True)
                z = net(torch.cat([xb, thb], 1)).squeeze(1)
                target = 1 - yb if method == "CASCAL" else r[idx] / (1 + r[idx])
                if method == "CARL":
                    target = 1 - yb
                loss = torch.nn.functional.binary_cross_entropy_with_logits(z, target, reduction="none")
                if method in ("CASCAL", "ALICES"):
                    that, = torch.autograd.grad(z.sum(), thb, create_graph=True)
                    loss = loss + alpha * (1 - yb) * ((that - t[idx]) ** 2).sum(1)
                loss = loss.mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():  # validation pass, as in ratiofit
            net(torch.cat([x[n_train:], th[n_train:]], 1) if p else x[n_train:])
        times.append(time.perf_counter() - t0)
    med = float(np.median(times[1:])) if len(times) > 1 else times[0]
    print(f"| {method} | {'8 x' if p == 0 else '6 x + 2 θ'} | {med:.2f} | {n_train / med:.3g} |", flush=True)


print(f"PyTorch {torch.__version__}, events {events}, batch {batch}, epochs {epochs}, 1 thread")
print("| method | inputs | median epoch (s) | events/s |")
print("|---|---|---:|---:|")
run("CARL", 8, 0)
run("CARL", 6, 2)
run("ALICE", 6, 2)
run("CASCAL", 6, 2)
run("ALICES", 6, 2)
