#!/usr/bin/python3
"""PyTorch reference for ratiofit's multiclass trainer (benchmarks/.../MulticlassThroughput.java).

Same network and settings: 4 features, 32x32 SiLU, 3 softmax outputs, weighted cross-entropy with equal class
weights, Adam (lr 3e-3, cosine to 1%), batch 512, one intra-op thread, 80% of the events trained per epoch plus a
validation pass over the other 20%. Prints the median epoch time over epochs 2... and training events/s. Needs
python3-torch and python3-numpy from Debian:

    apt-get update && apt-get install -y python3-torch python3-numpy
    /usr/bin/python3 benchmarks/scripts/multiclass_training_torch.py [events per class=200000] [batch=512] [epochs=4]
"""
import math
import sys
import time

try:
    import numpy as np
    import torch
except ImportError as e:  # say exactly what is missing
    sys.exit(f"missing {e.name}: apt-get update && apt-get install -y python3-torch python3-numpy")

per_class = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
batch = int(sys.argv[2]) if len(sys.argv) > 2 else 512
epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 4
if epochs < 2:
    sys.exit(f"at least 2 epochs (the first holds the start-up), got {epochs}")
torch.set_num_threads(1)
torch.manual_seed(1)
rng = np.random.default_rng(1)
d = 4
xs, ys = [], []
for c in range(3):
    j = np.arange(d)
    xs.append(0.3 * c * (j + 1) / d + (1 + 0.1 * c) * rng.standard_normal((per_class, d)))
    ys.append(np.full(per_class, c))
x = np.concatenate(xs)
y = np.concatenate(ys)
x = ((x - x.mean(0)) / x.std(0)).astype(np.float32)
n = len(y)
perm = rng.permutation(n)
n_train = round(0.8 * n)
tr, va = perm[:n_train], perm[n_train:]
w = np.full(n, 1.0 / (3 * per_class), dtype=np.float32)  # equal class weights, each class summing to 1/3
onehot = np.eye(3, dtype=np.float32)[y] * w[:, None]
xt, at = torch.from_numpy(x[tr]), torch.from_numpy(onehot[tr])
xv, av = torch.from_numpy(x[va]), torch.from_numpy(onehot[va])
net = torch.nn.Sequential(torch.nn.Linear(d, 32), torch.nn.SiLU(), torch.nn.Linear(32, 32), torch.nn.SiLU(), torch.nn.Linear(32, 3))
opt = torch.optim.Adam(net.parameters(), lr=3e-3)
steps = math.ceil(n_train / batch)
times = []
for epoch in range(epochs):
    t0 = time.perf_counter()
    order = torch.randperm(n_train)
    for s in range(steps):
        frac = (epoch + s / steps) / epochs
        for g in opt.param_groups:
            g["lr"] = 3e-3 * (0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * frac)))
        idx = order[s * batch:(s + 1) * batch]
        z = net(xt[idx])
        loss = -(at[idx] * torch.log_softmax(z, 1)).sum(1).mean() * n_train
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        val = -(av * torch.log_softmax(net(xv), 1)).sum().item()
    times.append(time.perf_counter() - t0)
med = sorted(times[1:])[len(times[1:]) // 2]
print(f"PyTorch {torch.__version__} multiclass: {per_class} events per class, batch {batch}, epochs {epochs}, 32x32 SiLU, 1 thread")
print(f"median epoch {med:.2f} s (epochs 2..{epochs}, with the validation pass), {n_train / med:.3g} training events/s; "
      f"final validation loss {val:.5f}")
