#!/usr/bin/python3
"""The likelihood benchmark's formula in numpy: value + gradient of the extended unbinned -ln L with
N events, 3 basis samples, 10 per-event code-4 shape systematics per sample (log space, each sample
normalised over a reference sample of N events) and 5 normsys, the same
configuration as LikelihoodBenchmark.shapeCode4ValueAndGradient (float64 throughout). Like the Java
code, r = exp(log-ratio), ln u and ln d are computed once outside the timed region.

Usage: /usr/bin/python3 likelihood_numpy.py [events] [repeats]
"""
import sys
import time

import numpy as np

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
REPEATS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
P, K, NS = 3, 10, 5

# code-4 coefficients of a_i (i = 1..6) on Q = (S0 - 1, A0, S1, A1, S2, A2), as in reference.md
C4 = np.array([
    [0, 15 / 8, -7 / 8, 0, 0, 1 / 8],
    [3, 0, 0, -9 / 8, 1 / 8, 0],
    [0, -5 / 4, 5 / 4, 0, 0, -1 / 4],
    [-3, 0, 0, 7 / 4, -1 / 4, 0],
    [0, 3 / 8, -3 / 8, 0, 0, 1 / 8],
    [1, 0, 0, -5 / 8, 1 / 8, 0],
])


def code4_yield(alpha, u, d):
    """Scalar code-4 factor and derivative for a normsys."""
    if abs(alpha) > 1:
        if alpha > 0:
            return u ** alpha, u ** alpha * np.log(u)
        return d ** -alpha, -(d ** -alpha) * np.log(d)
    lu, ld = np.log(u), np.log(d)
    q = np.array([(u + d) / 2 - 1, (u - d) / 2, (u * lu - d * ld) / 2, (u * lu + d * ld) / 2,
                  (u * lu * lu + d * ld * ld) / 2, (u * lu * lu - d * ld * ld) / 2])
    a = C4 @ q
    f = 1 + sum(a[i] * alpha ** (i + 1) for i in range(6))
    g = sum((i + 1) * a[i] * alpha ** i for i in range(6))
    return f, g


def nll_and_grad(alpha_shape, mu, alpha_norm, r, u, d, lu, ld, nominal, ref=None):
    """-ln L and its gradient (mu, shape nuisances, normsys nuisances); ref = (r, ln u, ln d, w) of the
    reference events normalises each sample's density over them (ratiofit's default), None leaves it unnormalised."""
    # yields with 5 normsys (sample p gets normsys k when (k + p) is even), mu on sample 0
    c = np.zeros(P)
    dc_norm = np.zeros((P, NS))
    for p in range(P):
        fac = [code4_yield(alpha_norm[k], 1.05, 0.96) if (k + p) % 2 == 0 else (1.0, 0.0) for k in range(NS)]
        tot = np.prod([f for f, _ in fac])
        c[p] = nominal[p] * tot * (mu if p == 0 else 1)
        for k in range(NS):
            f, g = fac[k]
            if g != 0:
                dc_norm[p, k] = c[p] / f * g
    # per-event shape factors, code 4 in log space (ln g = a ln u + b ln d, see LogInterpolation)
    coef = [log_coefficients(a) for a in alpha_shape]
    rg = np.empty((P, N))
    for p in range(P):
        t = np.log(r[p])
        for k in range(K):
            t = t + coef[k][0] * lu[p, k] + coef[k][1] * ld[p, k]
        rg[p] = np.exp(t)
    norm = np.ones(P)
    dlog_norm = np.zeros((P, K))
    if ref is not None:
        # each sample's shape normalised over the reference events (ratiofit's default):
        # K_p = sum w r_p g_p / sum w r_p(alpha = 0)
        r_ref, lu_ref, ld_ref, w_ref = ref
        for p in range(P):
            t = np.log(r_ref[p])
            for k in range(K):
                t = t + coef[k][0] * lu_ref[p, k] + coef[k][1] * ld_ref[p, k]
            e = w_ref * np.exp(t)
            norm[p] = e.sum() / (w_ref * r_ref[p]).sum()
            for k in range(K):
                dlog_norm[p, k] = (e * (coef[k][2] * lu_ref[p, k] + coef[k][3] * ld_ref[p, k])).sum() / e.sum()
    cn = c / norm
    s = cn @ rg
    if np.any(s <= 0):
        return np.inf, None
    nll = c.sum() - np.log(s).sum() + 0.5 * (alpha_shape @ alpha_shape + alpha_norm @ alpha_norm)
    q_ = rg / s
    A = q_.sum(axis=1)
    grad_mu = c[0] / mu * (1 - A[0] / norm[0])
    grad_shape = alpha_shape.copy()
    for p in range(P):
        for k in range(K):
            dl = coef[k][2] * lu[p, k] + coef[k][3] * ld[p, k]
            grad_shape[k] += -cn[p] * (q_[p] @ dl) + A[p] * cn[p] * dlog_norm[p, k]
    grad_norm = (dc_norm * (1 - A / norm)[:, None]).sum(axis=0) + alpha_norm
    return nll, np.concatenate([[grad_mu], grad_shape, grad_norm])


def log_coefficients(a):
    """{a, b, a', b'}: ln g = a ln u + b ln d, d ln g / d alpha = a' ln u + b' ln d (code 4 in log space)."""
    if a > 1:
        return a, 0.0, 1.0, 0.0
    if a < -1:
        return 0.0, -a, 0.0, -1.0
    h = a * a * (15 - 10 * a * a + 3 * a ** 4) / 16
    dh = (30 * a - 40 * a ** 3 + 18 * a ** 5) / 16
    return a / 2 + h, -a / 2 + h, 0.5 + dh, -0.5 + dh


def main():
    rng = np.random.default_rng(1)
    nominal = np.array([50.0, 200.0, 5000.0])
    lr = rng.normal(0, 0.5, (P, N))
    u = np.exp(rng.normal(0, 0.05, (P, K, N)))
    d = np.exp(rng.normal(0, 0.05, (P, K, N)))
    r, lu, ld = np.exp(lr), np.log(u), np.log(d)
    # a reference sample as large as the data, for the samples' normalisation
    lr_ref = rng.normal(0, 0.5, (P, N))
    lu_ref, ld_ref = rng.normal(0, 0.05, (P, K, N)), rng.normal(0, 0.05, (P, K, N))
    ref = (np.exp(lr_ref), lu_ref, ld_ref, np.full(N, 1.0 / N))
    alpha = 0.7 * np.sin(np.arange(1, 1 + K + NS))
    mu = 1.2
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        nll, grad = nll_and_grad(alpha[:K], mu, alpha[K:], r, u, d, lu, ld, nominal, ref)
        times.append(time.perf_counter() - t0)
    print(f"numpy {np.__version__}: N={N} P={P} K={K} normsys={NS}: value+gradient best {1e3 * min(times):.1f} ms, "
          f"median {1e3 * sorted(times)[len(times) // 2]:.1f} ms over {REPEATS} (nll={nll:.6f})")


if __name__ == "__main__":
    main()
