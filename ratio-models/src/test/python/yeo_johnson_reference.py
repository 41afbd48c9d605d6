"""Reference lambdas for FittedScalerTest: scikit-learn's PowerTransformer(method="yeo-johnson").

Run once with /usr/bin/python3 (numpy, scikit-learn); paste the printed Java into
FittedScalerTest.java. Data: three seeded samples of 40 values (skewed right, skewed left,
mixed sign), rounded to 6 decimals so Java reads exactly the same numbers.
"""
import numpy as np
import sklearn
from sklearn.preprocessing import PowerTransformer

rng = np.random.default_rng(20261123)
samples = {
    "RIGHT_SKEWED": np.round(rng.lognormal(0.0, 0.8, 40), 6),
    "LEFT_SKEWED": np.round(-rng.gamma(2.0, 1.5, 40) + 3.0, 6),
    "MIXED": np.round(rng.standard_t(4, 40) * 2.0 + 0.5, 6),
}
print("// sklearn", sklearn.__version__, "numpy", np.__version__)
for name, x in samples.items():
    pt = PowerTransformer(method="yeo-johnson", standardize=True).fit(x.reshape(-1, 1))
    z = pt.transform(x.reshape(-1, 1)).ravel()
    print(f"static final double[] {name} = {{" + ", ".join(repr(float(v)) for v in x) + "};")
    print(f"static final double {name}_LAMBDA = {float(pt.lambdas_[0])!r};")
    print(f"static final double {name}_Z0 = {float(z[0])!r};  // transformed first value")
