"""Reference values for @va/stats' sample statistics and chi-square quantile, written to
test/fixtures/sample-reference.json.

Run with Debian's interpreter (it has numpy and scipy):
    /usr/bin/python3 packages/stats/scripts/sample_reference.py

Quantiles are numpy's default (`method='linear'`, Hyndman and Fan's type 7); variances are
unbiased (`ddof=1`). The chi-square quantiles are scipy's `chi2.isf(delta, dof)` (Theorem 2.2's
radius), moved here from @va/theory with the function.
"""

import json
import os

import numpy as np
from scipy import stats

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'sample-reference.json')
PROBABILITIES = [0, 0.05, 0.1234, 0.25, 0.5, 0.75, 0.95, 1]

rng = np.random.default_rng(7)
samples = {
    'normal11': [round(float(x), 6) for x in rng.normal(3, 2, 11)],
    'skewed40': [round(float(x), 6) for x in rng.exponential(1.5, 40)],
    'ties7': [2, 5, 5, 5, 1, 9, 5],
    'two': [-1.5, 4],
    'large': [1e12 + float(x) for x in rng.integers(0, 1000, 25)],
}
out = {'probabilities': PROBABILITIES, 'samples': []}
for name, values in samples.items():
    a = np.array(values, dtype=float)
    out['samples'].append({
        'name': name,
        'values': values,
        'mean': float(np.mean(a)),
        'variance': float(np.var(a, ddof=1)),
        'std': float(np.std(a, ddof=1)),
        'quantiles': [float(np.quantile(a, p)) for p in PROBABILITIES],
    })

pairs = [(0.5, 2), (0.05, 1), (0.05, 3), (0.01, 10), (0.001, 100), (1e-6, 3), (0.05, 1e5),
         (0.05, 1e6)]
out['chiSquare'] = [[d, n, float(stats.chi2.isf(d, n))] for d, n in pairs]

with open(OUT, 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
print(f'wrote {OUT}')
