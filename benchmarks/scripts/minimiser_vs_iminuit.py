#!/usr/bin/python3
"""iminuit side of the MIGRAD call-count comparison (run by minimiser_vs_iminuit.sh).

Same functions, starting points, steps, errordef, strategy 1 and tol 0.1 as
org.ratiofit.benchmarks.minimiser.MigradCallCounts; reads the unbinned data set it wrote.
"""
import sys

import numpy as np
from iminuit import Minuit
from scipy.special import erf

d = sys.argv[1] if len(sys.argv) > 1 else "target/minimiser-bench"
events = np.load(d + "/gauss_exp_events.npy")


def rosen(p):
    x, y = p
    return 100 * (y - x * x) ** 2 + (1 - x) ** 2


def rosen_g(p):
    x, y = p
    return np.array([-400 * x * (y - x * x) - 2 * (1 - x), 200 * (y - x * x)])


def beale(p):
    x, y = p
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2 + (2.625 - x + x * y ** 3) ** 2


def beale_g(p):
    x, y = p
    a, b, c = 1.5 - x + x * y, 2.25 - x + x * y * y, 2.625 - x + x * y ** 3
    return np.array([2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y ** 3 - 1),
                     2 * a * x + 4 * b * x * y + 6 * c * x * y * y])


def wood(p):
    a, b, c, d_ = p
    return (100 * (b - a * a) ** 2 + (1 - a) ** 2 + 90 * (d_ - c * c) ** 2 + (1 - c) ** 2
            + 10.1 * ((b - 1) ** 2 + (d_ - 1) ** 2) + 19.8 * (b - 1) * (d_ - 1))


def wood_g(p):
    a, b, c, d_ = p
    return np.array([-400 * a * (b - a * a) - 2 * (1 - a),
                     200 * (b - a * a) + 20.2 * (b - 1) + 19.8 * (d_ - 1),
                     -360 * c * (d_ - c * c) - 2 * (1 - c),
                     180 * (d_ - c * c) + 20.2 * (d_ - 1) + 19.8 * (b - 1)])


sd = np.array([1, 2, 0.5, 3.0])
cov = np.array([[sd[i] * sd[j] * 0.5 ** abs(i - j) for j in range(4)] for i in range(4)])
cinv = np.linalg.inv(cov)
mu4 = np.array([1, 2, 3, 4.0])


def quad(p):
    r = np.asarray(p) - mu4
    return float(r @ cinv @ r)


def quad_g(p):
    return 2 * cinv @ (np.asarray(p) - mu4)


gnorm = 0.5 * (erf(25 / (np.sqrt(2) * 2)) - erf(-25 / (np.sqrt(2) * 2)))
sig = np.exp(-0.5 * ((events - 125) / 2) ** 2) / (np.sqrt(2 * np.pi) * 2 * gnorm)


def gexp_parts(p):
    mu, nb, lam = p
    q = np.exp(-50 * lam)
    b = lam / (1 - q) * np.exp(-lam * (events - 100))
    dens = 50 * mu * sig + nb * b
    return mu, nb, lam, q, b, dens


def gexp(p):
    mu, nb, lam, q, b, dens = gexp_parts(p)
    if np.any(dens <= 0):
        return np.inf
    return 50 * mu + nb - np.sum(np.log(dens))


def gexp_g(p):
    mu, nb, lam, q, b, dens = gexp_parts(p)
    dln = 1 / lam - 50 * q / (1 - q) - (events - 100)
    return np.array([50 - np.sum(50 * sig / dens), 1 - np.sum(b / dens), -np.sum(nb * b * dln / dens)])


cases = [
    ("rosenbrock", rosen, rosen_g, [-1.2, 1.0], [0.1, 0.1], 1),
    ("beale", beale, beale_g, [1.0, 1.0], [0.1, 0.1], 1),
    ("wood", wood, wood_g, [-3, -1, -3, -1.0], [0.1] * 4, 1),
    ("quadratic4", quad, quad_g, [0.0] * 4, [0.5] * 4, 1),
    ("gauss_exp", gexp, gexp_g, [1.0, 900.0, 0.02], [0.3, 30, 0.005], 0.5),
]
for name, f, g, x0, err, up in cases:
    for use_grad in (False, True):
        m = Minuit(f, x0, grad=g if use_grad else None)
        m.errors = err
        m.errordef = up
        m.strategy = 1
        m.tol = 0.1
        m.migrad()
        xs = " ".join("%.6g" % v for v in m.values)
        print("iminuit  %-11s %-8s %5d  %5d  %-16.10g %-5s %s" % (
            name, "yes" if use_grad else "no", m.nfcn, m.ngrad, m.fval, str(m.valid).lower(), xs))

# MINOS of every parameter of gauss_exp after MIGRAD + HESSE; calls are MINOS's alone (nfcn + ngrad).
print("tool     minos       gradient  param   calls  lower         upper")
for use_grad in (False, True):
    m = Minuit(gexp, [1.0, 900.0, 0.02], grad=gexp_g if use_grad else None, name=("mu", "nb", "lambda"))
    m.errors = [0.3, 30, 0.005]
    m.errordef = 0.5
    m.strategy = 1
    m.tol = 0.1
    m.migrad()
    m.hesse()
    for par in ("mu", "nb", "lambda"):
        before = m.nfcn + m.ngrad
        m.minos(par)
        me = m.merrors[par]
        print("iminuit  gauss_exp   %-8s %-7s %5d  %-13.7g %-13.7g" % (
            "yes" if use_grad else "no", par, m.nfcn + m.ngrad - before, me.lower, me.upper))
