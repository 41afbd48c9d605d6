#!/usr/bin/python3
"""Independent first-principles recomputation of pyhf (HistFactory JSON 1.0.0) workspaces.

Written from the HistFactory/pyhf definitions, without ratiofit's code and without pyhf (which
cannot be installed here): per sample, per modifier loops in numpy; the code-4 and code-4p
polynomials are obtained by solving the 6x6 linear systems of their matching conditions at
alpha = +-1 (value, first and second derivative), not from the closed formulas.

Prints one JSON object per workspace: the parameter names, the full logpdf (pyhf's, with ln n!,
the Gaussian normalisations and ln Gamma(aux+1)) at the initial point and at seeded random
points, the maximum-likelihood fit (-logpdf at the minimum, parameter values) and the asymptotic
CLs at mu = 1 with q-tilde (observed and the expected band, pyhf's AsymptoticCalculator).

Needs python3-numpy and python3-scipy (Debian: apt-get install -y python3-numpy python3-scipy);
run with /usr/bin/python3:
    /usr/bin/python3 pyhf_reference.py OUT.json WORKSPACE.json... [--interp code1,code0]
"""
import json
import math
import sys

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln
from scipy.stats import norm


def poly_coeffs(v1, d1, s1, vm1, dm1, sm1):
    """b_1..b_6 of p(a) = sum b_i a^i with p, p', p'' given at a = +1 and a = -1."""
    rows, rhs = [], []
    for a, (v, d, s) in ((1.0, (v1, d1, s1)), (-1.0, (vm1, dm1, sm1))):
        rows.append([a ** i for i in range(1, 7)]); rhs.append(v)
        rows.append([i * a ** (i - 1) for i in range(1, 7)]); rhs.append(d)
        rows.append([i * (i - 1) * a ** (i - 2) for i in range(1, 7)]); rhs.append(s)
    return np.linalg.solve(np.array(rows), np.array(rhs))


def normsys_factor(alpha, hi, lo, code):
    if code == 1 or abs(alpha) > 1:
        return hi ** alpha if alpha >= 0 else lo ** (-alpha)
    lu, ld = math.log(hi), math.log(lo)
    # f - 1 matches hi^a - 1 at +1 and lo^-a - 1 at -1
    b = poly_coeffs(hi - 1, hi * lu, hi * lu * lu, lo - 1, -lo * ld, lo * ld * ld)
    return 1 + sum(b[i - 1] * alpha ** i for i in range(1, 7))


def histosys_shift(alpha, nom, hi, lo, code):
    du, dd = hi - nom, nom - lo
    if code == 0 or abs(alpha) > 1:
        return alpha * du if alpha >= 0 else alpha * dd
    out = np.empty_like(nom)
    for k in range(len(nom)):
        b = poly_coeffs(du[k], du[k], 0.0, -dd[k], dd[k], 0.0)
        out[k] = sum(b[i - 1] * alpha ** i for i in range(1, 7))
    return out


class Workspace:
    def __init__(self, spec, normsys_code=4, histosys_code=4, measurement=None):
        self.spec = spec
        self.ncode, self.hcode = normsys_code, histosys_code
        meas = spec["measurements"][0] if measurement is None else [m for m in spec["measurements"] if m["name"] == measurement][0]
        self.poi = meas["config"]["poi"]
        over = {p["name"]: p for p in meas["config"]["parameters"]}
        self.obs = {o["name"]: np.array(o["data"], float) for o in spec["observations"]}
        pars = {}      # name -> dict(kind, init, lo, hi, aux, sigma, tau, fixed)
        order = []
        statsum = {}
        shapesys = {}
        for ch in spec["channels"]:
            for s in ch["samples"]:
                nom = np.array(s["data"], float)
                for m in s["modifiers"]:
                    n, t = m["name"], m["type"]
                    if t == "staterror":
                        e = statsum.setdefault(n, [np.zeros(len(nom)), np.zeros(len(nom))])
                        e[0] += np.array(m["data"]) ** 2
                        e[1] += nom
                    if t == "shapesys" and n not in shapesys:
                        shapesys[n] = (nom, np.array(m["data"], float))
                    if n not in order:
                        order.append((n, t, len(nom)))
        seen = set()
        for n, t, nb in order:
            if n in seen:
                continue
            seen.add(n)
            o = over.get(n, {})
            def pick(key, default, b=0):
                if key not in o:
                    return default
                v = o[key]
                return v[b] if len(v) > 1 else v[0]
            if t in ("normfactor",):
                pars[n] = dict(kind="free", init=pick("inits", 1.0), lo=pick("bounds", [0, 10])[0], hi=pick("bounds", [0, 10])[1], fixed=o.get("fixed", False))
            elif t == "lumi":
                pars[n] = dict(kind="gauss", init=pick("inits", 1.0), lo=pick("bounds", [0, 10])[0], hi=pick("bounds", [0, 10])[1],
                               aux=pick("auxdata", 1.0), sigma=pick("sigmas", None), fixed=o.get("fixed", False))
            elif t in ("normsys", "histosys"):
                pars[n] = dict(kind="gauss", init=pick("inits", 0.0), lo=pick("bounds", [-5, 5])[0], hi=pick("bounds", [-5, 5])[1],
                               aux=pick("auxdata", 0.0), sigma=pick("sigmas", 1.0), fixed=o.get("fixed", False))
            else:
                for b in range(nb):
                    pn = "%s[%d]" % (n, b)
                    if t == "shapefactor":
                        pars[pn] = dict(kind="free", init=pick("inits", 1.0, b), lo=pick("bounds", [0, 10], b)[0], hi=pick("bounds", [0, 10], b)[1], fixed=o.get("fixed", False))
                    elif t == "staterror":
                        v, nm = statsum[n]
                        rel = math.sqrt(v[b]) / nm[b] if nm[b] > 0 else 0.0
                        if rel > 0:
                            pars[pn] = dict(kind="gauss", init=pick("inits", 1.0, b), lo=pick("bounds", [1e-10, 10], b)[0], hi=pick("bounds", [1e-10, 10], b)[1],
                                            aux=pick("auxdata", 1.0, b), sigma=rel, fixed=o.get("fixed", False))
                    else:
                        nom, sig = shapesys[n]
                        if nom[b] != 0 and sig[b] != 0:
                            tau = (nom[b] / sig[b]) ** 2
                            pars[pn] = dict(kind="poisson", init=pick("inits", 1.0, b), lo=pick("bounds", [1e-10, 10], b)[0], hi=pick("bounds", [1e-10, 10], b)[1],
                                            tau=tau, aux=pick("auxdata", tau, b), fixed=o.get("fixed", False))
        self.names = list(pars)
        self.pars = pars
        self.index = {n: i for i, n in enumerate(self.names)}

    def init(self):
        return np.array([self.pars[n]["init"] for n in self.names], float)

    def expected(self, theta):
        out = {}
        for ch in self.spec["channels"]:
            lam = 0.0
            for s in ch["samples"]:
                nom = np.array(s["data"], float)
                rate = nom.copy()
                for m in s["modifiers"]:
                    if m["type"] == "histosys":
                        rate = rate + histosys_shift(theta[self.index[m["name"]]], nom, np.array(m["data"]["hi_data"], float),
                                                     np.array(m["data"]["lo_data"], float), self.hcode)
                for m in s["modifiers"]:
                    n, t = m["name"], m["type"]
                    if t in ("normfactor", "lumi"):
                        rate = rate * theta[self.index[n]]
                    elif t == "normsys":
                        rate = rate * normsys_factor(theta[self.index[n]], m["data"]["hi"], m["data"]["lo"], self.ncode)
                    elif t in ("shapesys", "staterror", "shapefactor"):
                        g = np.ones(len(nom))
                        for b in range(len(nom)):
                            pn = "%s[%d]" % (n, b)
                            if pn in self.index and not (t == "shapesys" and (nom[b] == 0 or m["data"][b] == 0)):
                                g[b] = theta[self.index[pn]]
                        rate = rate * g
                lam = lam + rate
            out[ch["name"]] = lam
        return out

    def nll(self, theta, obs=None, aux=None):
        """-logpdf, with every constant."""
        obs = self.obs if obs is None else obs
        total = 0.0
        for name, lam in self.expected(theta).items():
            n = obs[name]
            if np.any(lam <= 0):
                return 1e300
            total += float(np.sum(lam - n * np.log(lam) + gammaln(n + 1)))
        for i, pn in enumerate(self.names):
            p = self.pars[pn]
            a = p.get("aux") if aux is None or pn not in aux else aux[pn]
            if p["kind"] == "gauss":
                total += 0.5 * ((theta[i] - a) / p["sigma"]) ** 2 + 0.5 * math.log(2 * math.pi) + math.log(p["sigma"])
            elif p["kind"] == "poisson":
                rate = p["tau"] * theta[i]
                if rate <= 0:
                    return 1e300
                total += rate - a * math.log(rate) + gammaln(a + 1)
        return total

    def fit(self, obs=None, aux=None, fix=None):
        x0 = self.init()
        fixed = {i for i, n in enumerate(self.names) if self.pars[n]["fixed"]}
        if fix:
            for n, v in fix.items():
                x0[self.index[n]] = v
                fixed.add(self.index[n])
        free = [i for i in range(len(x0)) if i not in fixed]

        def f(z):
            x = x0.copy()
            x[free] = z
            return self.nll(x, obs, aux)
        bounds = [(self.pars[self.names[i]]["lo"], self.pars[self.names[i]]["hi"]) for i in free]
        # SLSQP (pyhf's own choice), then L-BFGS-B and SLSQP again from the best point; from the
        # initial point and from six seeded random starts (a workspace may have several minima)
        rng = np.random.default_rng(777)
        starts = [x0[free]]
        for _ in range(6):
            z = []
            for i in free:
                p = self.pars[self.names[i]]
                if p["kind"] == "gauss":
                    v = p["aux"] + rng.uniform(-2, 2) * p["sigma"]
                elif p["kind"] == "poisson":
                    v = 1 + rng.uniform(-0.3, 0.3)
                else:
                    v = rng.uniform(0.1, 3)
                z.append(min(max(v, p["lo"]), p["hi"]))
            starts.append(np.array(z))
        best = None
        for z0 in starts:
            if f(z0) >= 1e299:
                continue
            for method in ("SLSQP", "L-BFGS-B", "SLSQP"):
                opts = dict(ftol=1e-15, maxiter=20000) if method == "SLSQP" else dict(ftol=1e-15, gtol=1e-10, maxiter=20000, maxfun=200000)
                r = minimize(f, z0, method=method, jac="3-point" if method == "L-BFGS-B" else None, bounds=bounds, options=opts)
                if best is None or r.fun < best.fun:
                    best = r
                z0 = best.x
        x = x0.copy()
        x[free] = best.x
        return best.fun, x

    def asimov(self, theta):
        obs = self.expected(theta)
        aux = {}
        for i, pn in enumerate(self.names):
            p = self.pars[pn]
            if p["kind"] == "gauss":
                aux[pn] = theta[i]
            elif p["kind"] == "poisson":
                aux[pn] = p["tau"] * theta[i]
        return obs, aux

    def qtilde(self, mu, obs=None, aux=None):
        fmin, x = self.fit(obs, aux)
        fmu, _ = self.fit(obs, aux, fix={self.poi: mu})
        q = max(2 * (fmu - fmin), 0.0)
        return 0.0 if x[self.index[self.poi]] > mu else q

    def cls(self, mu=1.0):
        q = self.qtilde(mu)
        _, xb = self.fit(fix={self.poi: 0.0})
        obsA, auxA = self.asimov(xb)
        qa = self.qtilde(mu, obsA, auxA)
        sq, sqa = math.sqrt(q), math.sqrt(qa)
        t = sq - sqa if sq <= sqa else (q - qa) / (2 * sqa)
        observed = norm.sf(t + sqa) / norm.sf(t)
        expected = [norm.sf(n + sqa) / norm.sf(n) for n in (2, 1, 0, -1, -2)]
        return dict(mu=mu, q=q, qA=qa, observed=observed, expected=expected)


def main():
    args = sys.argv[1:]
    codes = (4, 4)
    if "--interp" in args:
        k = args.index("--interp")
        c = args[k + 1].split(",")
        codes = (int(c[0].replace("code", "")), int(c[1].replace("code", "")))
        del args[k:k + 2]
    out_path, files = args[0], args[1:]
    results = {"generator": "pyhf_reference.py", "interp": {"normsys": codes[0], "histosys": "4p" if codes[1] == 4 else "0"}, "workspaces": {}}
    for f in files:
        spec = json.load(open(f))
        ws = Workspace(spec, codes[0], codes[1])
        rng = np.random.default_rng(12345)
        points = []
        for _ in range(3):
            th = ws.init().copy()
            for i, n in enumerate(ws.names):
                p = ws.pars[n]
                if p["kind"] == "gauss":
                    th[i] = p["aux"] + rng.uniform(-1.5, 1.5) * p["sigma"]
                elif p["kind"] == "poisson":
                    th[i] = 1 + rng.uniform(-0.2, 0.2)
                else:
                    th[i] = rng.uniform(0.5, 2.0)
            points.append(dict(theta=th.tolist(), logpdf=-ws.nll(th)))
        fmin, xhat = ws.fit()
        entry = dict(parameters=ws.names, poi=ws.poi, init=ws.init().tolist(), logpdf_init=-ws.nll(ws.init()), points=points,
                     mle=dict(nll=fmin, theta=xhat.tolist()))
        try:
            entry["cls"] = ws.cls(1.0)
        except Exception as e:  # a workspace whose POI cannot be tested
            entry["cls_error"] = str(e)
        results["workspaces"][f.split("/")[-1]] = entry
    with open(out_path, "w") as fh:
        json.dump(results, fh, indent=1)


if __name__ == "__main__":
    main()
