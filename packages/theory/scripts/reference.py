"""Reference values for @va/theory's tests, from scipy and mpmath (independent of our code).

Run from packages/theory with Debian's Python (scipy, mpmath):

    /usr/bin/python3 scripts/reference.py > test/fixtures/reference.json
"""

import json
import math

import mpmath
import numpy as np
from scipy import optimize, stats

mpmath.mp.dps = 50
out = {}

# Standard normal CDF, deep into the lower tail (mpmath, 50 digits).
xs = [1.5, 0.0, -0.5, -1.0, -1.9, -2.0, -2.1, -3.0, -5.0, -8.0, -10.0, -20.0, -37.0]
out["normalCdf"] = [[x, float(mpmath.ncdf(x))] for x in xs]

# (Chi-square quantiles and sample summaries: @va/stats' scripts/sample_reference.py.)

# Theorem 2.4 on SPEC's example and on random instances.
def risks(r, s):
    r, s = np.asarray(r), np.asarray(s)
    van = stats.norm.cdf(-(r @ r) / math.sqrt(r @ (s * r)))
    va = stats.norm.cdf(-math.sqrt(r @ (r / s)))
    return float(van), float(va)

rng = np.random.default_rng(20240601)
cases = [([0.2, 0.5, 0.45], [4.0, 0.1, 0.12])]
for k in (2, 5, 10):
    cases.append((rng.normal(0.3, 0.5, k).tolist(), rng.uniform(0.05, 3.0, k).tolist()))
out["risk"] = [{"rStar": r, "sigma2": s, "vanilla": risks(r, s)[0], "varianceAware": risks(r, s)[1]} for r, s in cases]

# Theorem 2.2 on one instance, both radii.
pi = [0.5, 0.3, 0.2, 0.0]
pi0 = [0.25, 0.25, 0.25, 0.25]
r_hat = [1.0, 0.2, -0.3, 0.4]
s2 = [0.5, 1.0, 2.0, 0.25]
d = np.subtract(pi, pi0)
gain = float(d @ np.asarray(r_hat))
spread = math.sqrt(float(d @ (np.asarray(s2) * d)))
delta = 0.05
beta_exact = math.sqrt(stats.chi2.isf(delta, 4))
beta_closed = 2.0 + math.sqrt(2 * math.log(1 / delta))
out["lowerBound"] = {
    "pi": pi, "pi0": pi0, "rHat": r_hat, "sigma2": s2, "delta": delta,
    "chiSquare": gain - beta_exact * spread, "closedForm": gain - beta_closed * spread,
}

# The simplex variant: max <pi, r> s.t. ||pi - pi0||_W^2 <= eps, sum pi = 1, pi >= 0, by SLSQP
# from many starts (scipy), keeping the best feasible point.
def slsqp(p0, r, w, eps):
    p0, r, w = map(np.asarray, (p0, r, w))
    cons = [
        {"type": "eq", "fun": lambda p: p.sum() - 1, "jac": lambda p: np.ones_like(p)},
        {"type": "ineq", "fun": lambda p: eps - (w * (p - p0) ** 2).sum(), "jac": lambda p: -2 * w * (p - p0)},
    ]
    best = None
    starts = [p0] + [rng.dirichlet(np.ones(len(p0))) * 0.2 + 0.8 * p0 for _ in range(8)]
    for x0 in starts:
        res = optimize.minimize(lambda p: -(p @ r), x0, jac=lambda p: -r, bounds=[(0, 1)] * len(p0),
                                constraints=cons, method="SLSQP", options={"ftol": 1e-15, "maxiter": 1000})
        p = np.clip(res.x, 0, None)
        if (w * (p - p0) ** 2).sum() <= eps * (1 + 1e-9) + 1e-15 and abs(p.sum() - 1) < 1e-9:
            if best is None or p @ r > best @ r:
                best = p
    return best

simplex = []
problems = [
    ([1 / 3] * 3, [3.0, 0.5, 0.4], [1.0] * 3, 0.5),
    ([1 / 3] * 3, [3.0, 0.5, 0.4], [4.0, 0.1, 0.12], 0.05),
    ([0.5, 0.5, 0.0], [0.0, 0.1, 1.0], [1.0, 1.0, 1.0], 0.3),
    ([0.1, 0.2, 0.3, 0.4], [0.9, -0.2, 0.3, 0.1], [0.5, 2.0, 1.0, 0.2], 0.4),
    ([0.7, 0.1, 0.1, 0.1], [-1.0, 0.5, 0.6, 0.4], [1.0, 1.0, 1.0, 1.0], 0.2),
]
for k in (5, 6):
    p0 = rng.dirichlet(np.ones(k))
    problems.append((p0.tolist(), rng.normal(0, 1, k).tolist(), rng.uniform(0.1, 2, k).tolist(), float(rng.uniform(0.05, 0.5))))
for p0, r, w, eps in problems:
    p = slsqp(p0, r, w, eps)
    simplex.append({"pi0": p0, "r": r, "w": w, "epsilon": eps, "pi": p.tolist(), "value": float(p @ np.asarray(r))})
out["simplex"] = simplex

# Theorem 2.7: mu by bisection in 50-digit arithmetic, then the policy.
def sharpe(p0, r, s, beta):
    p0 = [mpmath.mpf(v) for v in p0]
    def total(mu):
        return sum(p * mpmath.e ** ((ri - mu) / (beta * si) - 1) for p, ri, si in zip(p0, r, s) if p > 0) - 1
    lo = max(ri + beta * si * (mpmath.log(p) - 1) for p, ri, si in zip(p0, r, s) if p > 0)
    hi = lo + max(beta * si for si in s) * (mpmath.log(len(r)) + 1) + 1
    while total(hi) > 0:
        hi = lo + 2 * (hi - lo)
    mu = mpmath.findroot(total, (lo, hi), solver="anderson")
    pi = [float(p * mpmath.e ** ((ri - mu) / (beta * si) - 1)) if p > 0 else 0.0 for p, ri, si in zip(p0, r, s)]
    return float(mu), pi

sharpe_cases = [
    ([0.25, 0.25, 0.5], [1.0, 2.0, 3.0], [1.0, 0.5, 2.0], 0.1),
    ([1 / 3] * 3, [0.2, 0.5, 0.45], [4.0, 0.1, 0.12], 1.0),
    ([0.2, 0.3, 0.0, 0.5], [0.5, -1.0, 2.0, 0.1], [0.3, 0.3, 1.0, 2.0], 0.5),
    ([0.5, 0.5], [30.0, 0.0], [0.01, 1.0], 0.01),
]
out["sharpe"] = []
for p0, r, s, beta in sharpe_cases:
    mu, pi = sharpe(p0, r, s, beta)
    out["sharpe"].append({"pi0": p0, "rHat": r, "sigma2": s, "beta": beta, "mu": mu, "pi": pi})

print(json.dumps(out, indent=1))
