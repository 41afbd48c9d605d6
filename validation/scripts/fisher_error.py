#!/usr/bin/env python3
"""The expected error of mu for the Gaussian-on-exponential toy (GaussianOnExponential.Config.standard())
at a truth point, from the inverse expected Fisher information computed by quadrature of the
generator's densities -- independent of ratiofit's likelihood code. Needs numpy and scipy.

  I_jk = integral over the window of d_j nu(x) d_k nu(x) / nu(x) dx  (+1 on the nuisance parameters'
  diagonal for their unit Gaussian constraints), nu(x) = mu S f_S(x; alpha_shift) + B kappa^alpha_bkg f_B(x)

Usage: python3 validation/scripts/fisher_error.py [mu [alpha_shift [alpha_bkg]]]   (default 1 0 0)
"""
import sys
import warnings

import numpy as np
from scipy import integrate, special

LO, HI, MASS, WIDTH, SLOPE, S, B, SHIFT, KAPPA = 100., 150., 125., 2., .05, 50., 1000., .5, 1.1
BKG_NORM = -np.expm1(-SLOPE * (HI - LO))


def f_signal(x, alpha_shift):
    m = MASS + SHIFT * alpha_shift
    z = 0.5 * (special.erf((HI - m) / (WIDTH * np.sqrt(2))) - special.erf((LO - m) / (WIDTH * np.sqrt(2))))
    return np.exp(-0.5 * ((x - m) / WIDTH) ** 2) / (WIDTH * np.sqrt(2 * np.pi) * z)


def f_background(x):
    return SLOPE * np.exp(-SLOPE * (x - LO)) / BKG_NORM


def nu(x, p):
    return p[0] * S * f_signal(x, p[1]) + B * KAPPA ** p[2] * f_background(x)


def grad(x, p, h=1e-5):
    out = []
    for j in range(3):
        up, dn = list(p), list(p)
        up[j] += h
        dn[j] -= h
        out.append((nu(x, up) - nu(x, dn)) / (2 * h))
    return out


def fisher(p):
    warnings.filterwarnings("ignore", category=integrate.IntegrationWarning)
    info = np.zeros((3, 3))
    for j in range(3):
        for k in range(3):
            info[j, k] = integrate.quad(lambda x: grad(x, p)[j] * grad(x, p)[k] / nu(x, p), LO, HI, points=[MASS],
                                        limit=400, epsabs=1e-10, epsrel=1e-10)[0]
    return info


if __name__ == "__main__":
    truth = [float(a) for a in sys.argv[1:4]] + [1., 0., 0.][len(sys.argv[1:4]):]
    data = fisher(truth)
    total = data + np.diag([0., 1., 1.])
    cov = np.linalg.inv(total)
    sigma = np.sqrt(cov[0, 0])
    print("truth (mu, alpha_shift, alpha_bkg) =", truth)
    print("expected Fisher information (data + constraints):\n", np.array2string(total, precision=5))
    print("sigma(mu) = sqrt((I^-1)_mu,mu) = %.5f" % sigma)
    print("sigma(mu) with the nuisance parameters fixed = %.5f" % (1 / np.sqrt(data[0, 0])))
    # the same integrals on the 4000-point midpoint grid of the cli tests' workspace reference
    n = 4000
    h = (HI - LO) / n
    xg = LO + (np.arange(n) + 0.5) * h
    gg = grad(xg, truth)
    grid = np.array([[np.sum(gg[j] * gg[k] / nu(xg, truth)) * h for k in range(3)] for j in range(3)])
    print("on the 4000-point grid: sigma(mu) = %.5f" % np.sqrt(np.linalg.inv(grid + np.diag([0., 1., 1.]))[0, 0]))
