"""Reference values for @va/stats, written to test/fixtures/reference.json.

Run with Debian's interpreter (it has scipy, statsmodels and mpmath):
    /usr/bin/python3 packages/stats/scripts/reference.py

Two references per value: scipy/statsmodels (what users compare with), and mpmath at 50 digits
(`...Exact`), the arbiter where scipy 1.10 itself is off (its t and F quantiles are only good to
about 1e-8, and its F isf fails beyond 1e-16). `scipyAgrees` marks the values where scipy is
within 1e-10 of mpmath; the tests hold @va/stats to scipy there and to mpmath everywhere.
"""

import json
import math
import os

import mpmath as mp
import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

mp.mp.dps = 50
HALF = mp.mpf(1) / 2
OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'reference.json')


# ---------------------------------------------------------------- exact (mpmath) distributions
def t_sf(t, df):
    t, df = mp.mpf(t), mp.mpf(df)
    if t == 0:
        return HALF
    tail = mp.betainc(df / 2, HALF, 0, df / (df + t * t), regularized=True) / 2
    return tail if t > 0 else 1 - tail


def t_two_sided(t, df):
    t, df = mp.mpf(t), mp.mpf(df)
    return mp.betainc(df / 2, HALF, 0, df / (df + t * t), regularized=True)


def f_sf(f, d1, d2):
    f, d1, d2 = mp.mpf(f), mp.mpf(d1), mp.mpf(d2)
    if f < 1:  # the series for the small side only: the other one may not converge
        return 1 - f_cdf(f, d1, d2)
    return mp.betainc(d2 / 2, d1 / 2, 0, d2 / (d2 + d1 * f), regularized=True)


def f_cdf(f, d1, d2):
    f, d1, d2 = mp.mpf(f), mp.mpf(d1), mp.mpf(d2)
    if f >= 1:
        return 1 - f_sf(f, d1, d2)
    return mp.betainc(d1 / 2, d2 / 2, 0, d1 * f / (d2 + d1 * f), regularized=True)


def n_sf(z):
    return mp.erfc(mp.mpf(z) / mp.sqrt(2)) / 2


def solve(tail, target, increasing, guess):
    """Bisection in log space (positive support) for tail(x) = target, tail monotone; the bracket
    grows from `guess` (scipy's answer where it has one) so no probe lands where mpmath's series
    cannot converge."""
    target = mp.mpf(target)
    guess = float(guess)
    guess = mp.mpf(guess if math.isfinite(guess) and 0 < guess < 1e290 else 1)
    below = lambda x: (tail(x) < target) == increasing  # the root lies above x
    lo, hi = guess / 2, guess * 2
    while not below(lo):
        lo /= 16
    while below(hi):
        hi *= 16
    for _ in range(400):
        mid = mp.sqrt(lo * hi)
        if below(mid):
            lo = mid
        else:
            hi = mid
        if hi / lo - 1 < mp.mpf(10) ** -30:
            break
    return mp.sqrt(lo * hi)


def t_isf(q, df):  # q < 0.5
    return solve(lambda t: t_sf(t, df), q, False, stats.t.isf(q, float(df)))


def f_isf(q, d1, d2):
    return solve(lambda f: f_sf(f, d1, d2), q, False, stats.f.isf(q, d1, d2))


def f_ppf(p, d1, d2):
    return solve(lambda f: f_cdf(f, d1, d2), p, True, stats.f.ppf(p, d1, d2))


def n_isf(q):  # q < 0.5
    return solve(n_sf, q, False, stats.norm.isf(q))


def t_critical(alternative, alpha, df):
    fdf = float(df)
    if alternative == 'two-sided':
        return stats.t.isf(alpha / 2, fdf), t_isf(alpha / 2, df)
    if alternative == 'greater':
        return stats.t.isf(alpha, fdf), t_isf(alpha, df)
    return stats.t.ppf(alpha, fdf), -t_isf(alpha, df)


def num(x):
    """A JSON number (mpf rounded to the nearest double); infinities as strings."""
    x = float(x)
    if math.isinf(x):
        return 'Infinity' if x > 0 else '-Infinity'
    return x


def agrees(scipy_value, exact):
    s, e = float(scipy_value), float(exact)
    if s == e:
        return True
    if not (math.isfinite(s) and math.isfinite(e)):
        return False
    return abs(s - e) <= 1e-10 * abs(e) or abs(s - e) < 1e-300


# ---------------------------------------------------------------- samples
rs = np.random.RandomState(20250611)


def normal(n, mean, sd):
    return [float(v) for v in rs.normal(mean, sd, n)]


SAMPLES = [
    ('tiny 2 vs 2', [1.0, 3.0], [2.0, 2.5]),
    ('tiny 2 vs 7', normal(2, 0.0, 1.0), normal(7, 0.4, 3.0)),
    ('small 3 vs 50', normal(3, 1.0, 0.2), normal(50, 0.5, 2.0)),
    ('paper-like 80 vs 80', normal(80, 0.31, math.sqrt(0.076)), normal(80, 0.34, math.sqrt(0.012))),
    ('unequal 5 vs 500', normal(5, 10.0, 4.0), normal(500, 9.0, 1.0)),
    ('integers 6 vs 9', [3.0, 1, 4, 1, 5, 9], [2.0, 6, 5, 3, 5, 8, 9, 7, 9]),
    ('large means 12 vs 15', normal(12, 1e6, 2.0), normal(15, 1e6 + 1.5, 0.5)),
    ('separated p~1e-12', normal(40, 0.0, 1.0), normal(40, 2.2, 1.0)),
    ('separated p~1e-40', normal(60, 0.0, 1.0), normal(60, 3.5, 0.5)),
    ('separated p~1e-120', normal(200, 0.0, 1.0), normal(200, 4.0, 0.3)),
    ('constant b', normal(10, 1.0, 1.0), [2.5] * 8),
    ('constant a', [0.25] * 6, normal(9, 0.0, 1.0)),
]


# ---------------------------------------------------------------- Welch
def welch_exact(a, b):
    a = [mp.mpf(v) for v in a]
    b = [mp.mpf(v) for v in b]
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    va = sum((v - ma) ** 2 for v in a) / (len(a) - 1)
    vb = sum((v - mb) ** 2 for v in b) / (len(b) - 1)
    na, nb = va / len(a), vb / len(b)
    t = (ma - mb) / mp.sqrt(na + nb)
    df = (na + nb) ** 2 / (na**2 / (len(a) - 1) + nb**2 / (len(b) - 1))
    return t, df, va, vb


welch = []
for name, a, b in SAMPLES:
    if name.startswith('constant'):
        continue
    t_exact, df_exact, _, _ = welch_exact(a, b)
    for alternative in ('two-sided', 'less', 'greater'):
        for alpha in (0.05, 0.01):
            res = stats.ttest_ind(a, b, equal_var=False, alternative=alternative)
            va, vb = np.var(a, ddof=1), np.var(b, ddof=1)
            df = (va / len(a) + vb / len(b)) ** 2 / (
                (va / len(a)) ** 2 / (len(a) - 1) + (vb / len(b)) ** 2 / (len(b) - 1)
            )
            if alternative == 'two-sided':
                p_exact = t_two_sided(t_exact, df_exact)
            elif alternative == 'greater':
                p_exact = t_sf(t_exact, df_exact)
            else:
                p_exact = t_sf(-t_exact, df_exact)
            crit, crit_exact = t_critical(alternative, alpha, df_exact)
            welch.append(dict(
                name=name, alternative=alternative, alpha=alpha,
                statistic=num(res.statistic), statisticExact=num(t_exact),
                df=num(df), dfExact=num(df_exact),
                pValue=num(res.pvalue), pValueExact=num(p_exact),
                pValueScipyAgrees=agrees(res.pvalue, p_exact),
                criticalValue=num(crit), criticalValueExact=num(crit_exact),
                criticalValueScipyAgrees=agrees(crit, crit_exact),
                meanA=num(np.mean(a)), meanB=num(np.mean(b)),
                reject=bool(res.pvalue < alpha),
            ))

# ---------------------------------------------------------------- variance ratio
variance_ratio = []
for name, a, b in SAMPLES:
    _, _, va_exact, vb_exact = welch_exact(a, b)
    va, vb = np.var(a, ddof=1), np.var(b, ddof=1)
    d1, d2 = len(a) - 1, len(b) - 1
    f = va / vb if vb > 0 else math.inf
    f_exact = va_exact / vb_exact if vb_exact > 0 else mp.inf
    for alternative in ('two-sided', 'less', 'greater'):
        alpha = 0.05
        if alternative == 'greater':
            p, p_exact = stats.f.sf(f, d1, d2), f_sf(f_exact, d1, d2) if f_exact != mp.inf else 0
            crit, crit_exact, lower, lower_exact = stats.f.isf(alpha, d1, d2), f_isf(alpha, d1, d2), None, None
        elif alternative == 'less':
            p, p_exact = stats.f.cdf(f, d1, d2), f_cdf(f_exact, d1, d2) if f_exact != mp.inf else 1
            crit, crit_exact, lower, lower_exact = stats.f.ppf(alpha, d1, d2), f_ppf(alpha, d1, d2), None, None
        else:
            p = min(1.0, 2 * min(stats.f.sf(f, d1, d2), stats.f.cdf(f, d1, d2)))
            p_exact = 0 if f_exact == mp.inf else min(1, 2 * min(f_sf(f_exact, d1, d2), f_cdf(f_exact, d1, d2)))
            crit, crit_exact = stats.f.isf(alpha / 2, d1, d2), f_isf(alpha / 2, d1, d2)
            lower, lower_exact = stats.f.ppf(alpha / 2, d1, d2), f_ppf(alpha / 2, d1, d2)
        row = dict(
            name=name, alternative=alternative, alpha=alpha,
            statistic=num(f), statisticExact=num(f_exact), df1=d1, df2=d2,
            varianceA=num(va), varianceB=num(vb),
            pValue=num(p), pValueExact=num(p_exact), pValueScipyAgrees=agrees(p, p_exact),
            criticalValue=num(crit), criticalValueExact=num(crit_exact),
            criticalValueScipyAgrees=agrees(crit, crit_exact),
        )
        if lower is not None:
            row['criticalValueLower'] = num(lower)
            row['criticalValueLowerExact'] = num(lower_exact)
        variance_ratio.append(row)

# ---------------------------------------------------------------- two proportions
COUNTS = [
    (23, 80, 4, 80),      # the paper's Table 3 shape (GPT-2: 0.29 vs 0.05)
    (33, 80, 29, 80),
    (0, 5, 3, 7),
    (1, 2, 1, 3),
    (17, 40, 17, 40),
    (60, 100, 20, 100),   # p ~ 1e-8
    (300, 500, 150, 500), # p ~ 1e-21
    (990, 1000, 10, 1000),  # p ~ 1e-300
    (7, 1000, 55, 120),
]
proportions = []
for ka, na, kb, nb in COUNTS:
    for alternative, sm_alt in (('two-sided', 'two-sided'), ('greater', 'larger'), ('less', 'smaller')):
        for alpha in (0.05, 0.1):
            z, p = proportions_ztest([ka, kb], [na, nb], alternative=sm_alt)
            pool = mp.mpf(ka + kb) / (na + nb)
            z_exact = (mp.mpf(ka) / na - mp.mpf(kb) / nb) / mp.sqrt(pool * (1 - pool) * (mp.mpf(1) / na + mp.mpf(1) / nb))
            if alternative == 'two-sided':
                p_exact = 2 * n_sf(abs(z_exact))
                crit, crit_exact = stats.norm.isf(alpha / 2), n_isf(alpha / 2)
            elif alternative == 'greater':
                p_exact = n_sf(z_exact)
                crit, crit_exact = stats.norm.isf(alpha), n_isf(alpha)
            else:
                p_exact = n_sf(-z_exact)
                crit, crit_exact = stats.norm.ppf(alpha), -n_isf(alpha)
            proportions.append(dict(
                successesA=ka, nA=na, successesB=kb, nB=nb, alternative=alternative, alpha=alpha,
                statistic=num(z), statisticExact=num(z_exact),
                pValue=num(p), pValueExact=num(p_exact), pValueScipyAgrees=agrees(p, p_exact),
                criticalValue=num(crit), criticalValueExact=num(crit_exact),
                criticalValueScipyAgrees=agrees(crit, crit_exact),
                proportionA=ka / na, proportionB=kb / nb, reject=bool(p < alpha),
            ))

# ---------------------------------------------------------------- distributions
T_DF = [0.7, 1, 2.5, 5, 30, 157.3, 1000, 1e5, 1e7]
T_X = [-40, -3, -0.5, 0.001, 0.3, 1, 2, 5, 12, 40, 1000]
Q = [0.3, 0.1, 0.05, 0.025, 0.01, 1e-4, 1e-10, 1e-30, 1e-100, 1e-300]
t_rows, t_quantiles = [], []
for df in T_DF:
    for x in T_X:
        if df >= 1e5 and abs(x) > 12:
            continue  # far below the smallest double, and mpmath's series would not converge
        sf_exact = t_sf(x, df)
        t_rows.append(dict(df=df, x=x, sf=num(stats.t.sf(x, df)), cdf=num(stats.t.cdf(x, df)),
                           sfExact=num(sf_exact), cdfExact=num(t_sf(-x, df))))
    for q in Q:
        exact = t_isf(q, df)
        s = stats.t.isf(q, df)
        t_quantiles.append(dict(df=df, q=q, isf=num(s), isfExact=num(exact), scipyAgrees=agrees(s, exact)))

F_DF = [(1, 1), (2, 3), (79, 79), (5, 200), (200, 5), (3000, 3000), (0.5, 7), (10, 1e5)]
F_X = [1e-6, 0.01, 0.3, 1, 1.451, 2, 4, 8, 20, 100, 1e4]
f_rows, f_quantiles = [], []
for d1, d2 in F_DF:
    for x in F_X:
        f_rows.append(dict(df1=d1, df2=d2, x=x, sf=num(stats.f.sf(x, d1, d2)), cdf=num(stats.f.cdf(x, d1, d2)),
                           sfExact=num(f_sf(x, d1, d2)), cdfExact=num(f_cdf(x, d1, d2))))
    for q in [0.5, 0.3, 0.05, 0.025, 0.01, 1e-6, 1e-10, 1e-30, 1e-100]:
        isf_exact, ppf_exact = f_isf(q, d1, d2), f_ppf(q, d1, d2)
        s_isf, s_ppf = stats.f.isf(q, d1, d2), stats.f.ppf(q, d1, d2)
        f_quantiles.append(dict(df1=d1, df2=d2, q=q, isf=num(s_isf), isfExact=num(isf_exact),
                                isfScipyAgrees=agrees(s_isf, isf_exact), ppf=num(s_ppf),
                                ppfExact=num(ppf_exact), ppfScipyAgrees=agrees(s_ppf, ppf_exact)))

n_rows, n_quantiles = [], []
for z in [-40, -8, -3, -1, -0.1, 0, 0.2, 1, 1.7, 1.8, 3, 6.5, 9, 20, 37]:
    e = n_sf(z)
    n_rows.append(dict(x=z, sf=num(stats.norm.sf(z)), cdf=num(stats.norm.cdf(z)), sfExact=num(e), cdfExact=num(n_sf(-z))))
for q in Q + [1e-5]:
    e = n_isf(q)
    s = stats.norm.isf(q)
    n_quantiles.append(dict(q=q, isf=num(s), isfExact=num(e), scipyAgrees=agrees(s, e)))

# ---------------------------------------------------------------- the paper's critical values
paper_a = SAMPLES[3][1]
paper_b = SAMPLES[3][2]
_, welch_df, _, _ = welch_exact(paper_a, paper_b)
paper = dict(
    fCritical95=dict(df1=79, df2=79, scipy=num(stats.f.isf(0.05, 79, 79)), exact=num(f_isf(0.05, 79, 79))),
    tCritical975=dict(df=num(welch_df), scipy=num(stats.t.isf(0.025, float(welch_df))), exact=num(t_isf(0.025, welch_df))),
)

# ---------------------------------------------------------------- protocol tables (rounded: ties)
prs = np.random.RandomState(7)
vanilla = [round(float(v), 2) for v in prs.normal(0.31, math.sqrt(0.076), 80)]
va = [round(float(v), 2) for v in prs.normal(0.34, math.sqrt(0.012), 80)]
reference = [round(float(v), 2) for v in prs.normal(0.2, 0.05, 80)]
ref_mean = float(np.mean(reference))
assert min(abs(v - ref_mean) for v in vanilla + va) > 1e-9, 'a policy sits on the reference mean'


def pairwise(p, r):
    p, r = np.array(p)[:, None], np.array(r)[None, :]
    return float(np.mean((p < r) + 0.5 * (p == r)))


k_van = int(sum(v < ref_mean for v in vanilla))
k_va = int(sum(v < ref_mean for v in va))
z, pz = proportions_ztest([k_van, k_va], [80, 80], alternative='larger')
fst = np.var(vanilla, ddof=1) / np.var(va, ddof=1)
tt = stats.ttest_ind(vanilla, va, equal_var=False)
protocol = dict(
    vanilla=vanilla, varianceAware=va, reference=reference,
    ties=int(sum(1 for p in vanilla + va for r in reference if p == r)),
    varianceVanilla=num(np.var(vanilla, ddof=1)), varianceVarianceAware=num(np.var(va, ddof=1)),
    f=num(fst), fPValue=num(stats.f.sf(fst, 79, 79)),
    meanVanilla=num(np.mean(vanilla)), meanVarianceAware=num(np.mean(va)),
    t=num(tt.statistic), tPValue=num(tt.pvalue),
    pairwiseRiskVanilla=pairwise(vanilla, reference), pairwiseRiskVarianceAware=pairwise(va, reference),
    referenceMean=ref_mean, belowMeanVanilla=k_van, belowMeanVarianceAware=k_va,
    z=num(z), zPValue=num(pz),
)

json.dump(dict(
    generatedBy='packages/stats/scripts/reference.py',
    versions=dict(scipy=scipy.__version__, statsmodels=statsmodels.__version__, numpy=np.__version__,
                  mpmath=mp.__version__),
    samples={name: dict(a=a, b=b) for name, a, b in SAMPLES},
    welch=welch, varianceRatio=variance_ratio, proportions=proportions,
    distributions=dict(t=t_rows, tQuantiles=t_quantiles, f=f_rows, fQuantiles=f_quantiles,
                       normal=n_rows, normalQuantiles=n_quantiles),
    paper=paper, protocol=protocol,
), open(OUT, 'w'), indent=None, separators=(',', ':'))
print('wrote', os.path.normpath(OUT))
