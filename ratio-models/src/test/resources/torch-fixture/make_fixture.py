"""Generates the committed PyTorch + scikit-learn fixture once (not run by the tests).

Run with /usr/bin/python3 (torch 1.13, scikit-learn) from this folder:
    /usr/bin/python3 make_fixture.py
It trains nothing: a small MLP with seeded weights ending in a sigmoid, scalers fitted on seeded
data, the network exported with torch.onnx.export, the sidecar written from the scalers' fitted
attributes, and the expected log-ratios for a few rows computed in float64 by torch.
"""
import json

import numpy as np
import torch
from sklearn.preprocessing import MinMaxScaler, PowerTransformer, StandardScaler

rng = np.random.default_rng(7)
X = np.column_stack([
    rng.gamma(2.0, 20.0, 2000),        # pt: skewed -> Yeo-Johnson
    rng.normal(0.0, 1.5, 2000),        # eta: passes through
    rng.normal(500.0, 150.0, 2000),    # mjj: standard
    rng.uniform(0.0, np.pi, 2000),     # dphi: min-max onto (-1.5, 1.5)
])
features = ["pt", "eta", "mjj", "dphi"]

pt = PowerTransformer(method="yeo-johnson", standardize=True).fit(X[:, [0]])
ss = StandardScaler().fit(X[:, [2]])
mm = MinMaxScaler(feature_range=(-1.5, 1.5)).fit(X[:, [3]])

torch.manual_seed(3)
net = torch.nn.Sequential(
    torch.nn.Linear(4, 16), torch.nn.SiLU(),
    torch.nn.Linear(16, 16), torch.nn.Tanh(),
    torch.nn.Linear(16, 1), torch.nn.Sigmoid())
net.eval()
torch.onnx.export(net, torch.zeros(1, 4), "model.onnx", input_names=["input"], output_names=["score"],
                  dynamic_axes={"input": {0: "N"}, "score": {0: "N"}}, opset_version=13)

sidecar = {
    "format": "ratiofit-ratio-model",
    "format_version": 1,
    "name": "torch_fixture",
    "onnx": "model.onnx",
    "input_name": "input",
    "features": features,
    "scaling": [
        {"type": "yeo_johnson", "features": ["pt"], "lambdas": pt.lambdas_.tolist(),
         "mean": pt._scaler.mean_.tolist(), "scale": pt._scaler.scale_.tolist()},
        {"type": "standard", "features": ["mjj"], "mean": ss.mean_.tolist(), "scale": ss.scale_.tolist()},
        {"type": "min_max", "features": ["dphi"], "data_min": mm.data_min_.tolist(),
         "data_max": mm.data_max_.tolist(), "range": [-1.5, 1.5]},
    ],
    "output": "score",
    "numerator": "signal",
    "denominator": "background",
    "class_priors": {"numerator": 0.25, "denominator": 0.75},
}
with open("model.json", "w") as f:
    json.dump(sidecar, f, indent=2)

rows = X[:20]
Z = rows.copy()
Z[:, [0]] = pt.transform(rows[:, [0]])
Z[:, [2]] = ss.transform(rows[:, [2]])
Z[:, [3]] = mm.transform(rows[:, [3]])
with torch.no_grad():
    s = net.double()(torch.tensor(Z, dtype=torch.float64)).numpy()[:, 0]
log_ratio = np.log(s) - np.log1p(-s) + np.log(0.75 / 0.25)
with open("expected.json", "w") as f:
    json.dump({"features": features, "rows": rows.tolist(), "log_ratio": log_ratio.tolist()}, f, indent=1)
