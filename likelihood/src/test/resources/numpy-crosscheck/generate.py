#!/usr/bin/python3
"""Writes a small ratiofit workspace from Python (numpy.save + json) and the -ln L and gradient that
benchmarks/scripts/likelihood_numpy.py computes for it, so a Java test checks that the benchmark's
numpy formula and the Java likelihood agree, and that Python can write the format.
Run once from this directory: /usr/bin/python3 generate.py (any python3 with numpy)"""
import json
import pathlib
import sys

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[4] / "benchmarks" / "scripts"))
import likelihood_numpy as L  # noqa: E402

N, P, K, NS = 300, L.P, L.K, L.NS
L.N = N
rng = np.random.default_rng(11)
nominal = np.array([50.0, 200.0, 5000.0])
lr = rng.normal(0, 0.5, (P, N))
u = np.exp(rng.normal(0, 0.05, (P, K, N)))
d = np.exp(rng.normal(0, 0.05, (P, K, N)))
NR = 200
lr_ref = rng.normal(0, 0.5, (P, NR))
u_ref = np.exp(rng.normal(0, 0.05, (P, K, NR)))
d_ref = np.exp(rng.normal(0, 0.05, (P, K, NR)))
w_ref = rng.uniform(0.5, 1.5, NR)
ws = HERE / "workspace"
ws.mkdir(exist_ok=True)
np.save(ws / "wref.npy", w_ref)
ref_columns = {}
for p in range(P):
    np.save(ws / f"ref_lr{p}.npy", lr_ref[p])
    sh = []
    for k in range(K):
        np.save(ws / f"ref_up{p}_{k}.npy", u_ref[p, k])
        np.save(ws / f"ref_down{p}_{k}.npy", d_ref[p, k])
        sh.append({"parameter": f"shape{k}", "up": f"ref_up{p}_{k}.npy", "down": f"ref_down{p}_{k}.npy"})
    ref_columns[f"s{p}"] = {"log_ratio": f"ref_lr{p}.npy", "shapesys": sh, "polynomial": []}
params = [{"name": "mu", "kind": "poi", "initial": 1.0, "lower": 0.0, "upper": 10.0, "fixed": False}]
params += [{"name": f"shape{k}", "kind": "constrained", "initial": 0.0, "lower": -5.0, "upper": 5.0, "fixed": False,
            "aux": 0.0, "sigma": 1.0} for k in range(K)]
params += [{"name": f"norm{k}", "kind": "constrained", "initial": 0.0, "lower": -5.0, "upper": 5.0, "fixed": False,
            "aux": 0.0, "sigma": 1.0} for k in range(NS)]
samples, columns = [], {}
for p in range(P):
    mods = [{"type": "normfactor", "parameter": "mu"}] if p == 0 else []
    mods += [{"type": "shapesys", "parameter": f"shape{k}", "code": 4} for k in range(K)]
    mods += [{"type": "normsys", "parameter": f"norm{k}", "code": 4, "up": 1.05, "down": 0.96} for k in range(NS) if (k + p) % 2 == 0]
    samples.append({"name": f"s{p}", "yield": float(nominal[p]), "modifiers": mods})
    np.save(ws / f"lr{p}.npy", lr[p])
    sh = []
    for k in range(K):
        np.save(ws / f"up{p}_{k}.npy", u[p, k])
        np.save(ws / f"down{p}_{k}.npy", d[p, k])
        sh.append({"parameter": f"shape{k}", "up": f"up{p}_{k}.npy", "down": f"down{p}_{k}.npy"})
    columns[f"s{p}"] = {"log_ratio": f"lr{p}.npy", "shapesys": sh, "polynomial": []}
spec = {"format": "ratiofit-workspace", "version": 1, "parameters": params,
        "channels": [{"name": "SR", "type": "unbinned", "shape_normalisation": "reference", "samples": samples,
                      "data": {"events": N, "weights": None, "columns": columns},
                      "reference": {"events": NR, "weights": "wref.npy", "columns": ref_columns}}]}
(ws / "workspace.json").write_text(json.dumps(spec, indent=1))

points = []
for t in range(3):
    alpha = 0.9 * np.sin(np.arange(1, 1 + K + NS) * (t + 1))
    if t == 2:
        alpha[::3] *= 1.6  # some nuisances beyond |alpha| = 1: the exponential branch
    mu = 0.8 + 0.3 * t
    nll, grad = L.nll_and_grad(alpha[:K], mu, alpha[K:], np.exp(lr), u, d, np.log(u), np.log(d), nominal,
                               (np.exp(lr_ref), np.log(u_ref), np.log(d_ref), w_ref))
    points.append({"point": [mu] + alpha.tolist(), "nll": float(nll), "gradient": grad.tolist()})
(HERE / "expected.json").write_text(json.dumps(points, indent=1))
print("wrote", ws, "and expected.json")
