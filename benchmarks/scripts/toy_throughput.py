"""Toy throughput of a plain Python loop with numpy + iminuit, the same study as ratiofit's
ToyThroughput (exact Gaussian-on-exponential toy, 50 signal + 1000 background events on
[100, 150], peak 125 +- 2 shifted by 0.5 alpha_shift, background x 1.1^alpha_bkg, unit Gaussian
constraints with auxiliary values drawn around the truth): generate at mu = 1, fit freely, fit
with mu = 1 fixed, t_mu. Needs /usr/bin/python3 with numpy and iminuit:
    apt-get install -y python3-numpy python3-iminuit
Usage: python3 toy_throughput.py [toys]"""
import math
import sys
import time

import numpy as np
from iminuit import Minuit

LO, HI, M, S, SLOPE, NS, NB, SHIFT, KAPPA = 100.0, 150.0, 125.0, 2.0, 0.05, 50.0, 1000.0, 0.5, 1.1
BNORM = -math.expm1(-SLOPE * (HI - LO))


def window_mass(m):
    s = S * math.sqrt(2)
    return 0.5 * (math.erf((HI - m) / s) - math.erf((LO - m) / s))


def generate(rng, mu, a_s, a_b):
    n_s = rng.poisson(mu * NS)
    n_b = rng.poisson(NB * KAPPA ** a_b)
    m = M + SHIFT * a_s
    sig = []
    while len(sig) < n_s:
        v = rng.normal(m, S, n_s)
        sig.extend(v[(v >= LO) & (v < HI)][: n_s - len(sig)])
    bkg = LO - np.log1p(-rng.random(n_b) * BNORM) / SLOPE
    return np.concatenate([np.asarray(sig), bkg]), rng.normal(a_s, 1), rng.normal(a_b, 1)


def make_nll(x, aux_s, aux_b):
    f_b = SLOPE * np.exp(-SLOPE * (x - LO)) / BNORM

    def nll(mu, a_s, a_b):
        m = M + SHIFT * a_s
        f_s = np.exp(-0.5 * ((x - m) / S) ** 2) / (S * math.sqrt(2 * math.pi) * window_mass(m))
        nu_s = mu * NS
        nu_b = NB * KAPPA ** a_b
        d = nu_s * f_s + nu_b * f_b
        if np.any(d <= 0):
            return 1e30
        return nu_s + nu_b - np.sum(np.log(d)) + 0.5 * (a_s - aux_s) ** 2 + 0.5 * (a_b - aux_b) ** 2

    return nll


def one_toy(rng):
    x, aux_s, aux_b = generate(rng, 1.0, 0.0, 0.0)
    nll = make_nll(x, aux_s, aux_b)
    free = Minuit(nll, mu=1.0, a_s=0.0, a_b=0.0)
    free.errordef = Minuit.LIKELIHOOD
    free.limits["mu"] = (-2, 10)
    free.tol = 0.01  # ratiofit's toys: EDM < 0.002 * 0.01 * 0.5
    free.migrad()
    cond = Minuit(nll, mu=1.0, a_s=0.0, a_b=0.0)
    cond.errordef = Minuit.LIKELIHOOD
    cond.fixed["mu"] = True
    cond.tol = 0.01
    cond.migrad()
    return max(0.0, 2 * (cond.fval - free.fval))


def main():
    toys = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rng = np.random.default_rng(1)
    for _ in range(5):
        one_toy(rng)
    t0 = time.perf_counter()
    for _ in range(toys):
        one_toy(rng)
    s = time.perf_counter() - t0
    import iminuit
    print("%-60s %6d toys %8.2f s %9.2f toys/s   (numpy %s, iminuit %s, one process)"
          % ("python loop, exact Gaussian-on-exponential", toys, s, toys / s, np.__version__, iminuit.__version__))


if __name__ == "__main__":
    main()
