"""Reference moments of equally weighted mixtures of uniforms, by numerical integration (scipy),
independent of the closed form in src/interval.ts. Run: /usr/bin/python3 scripts/mixture_reference.py"""
import json
from scipy import integrate, stats

CASES = [
    [[0, 10], [20, 30]],
    [[60, 75]],
    [[40, 60], [55, 65], [70, 90]],
    [[10, 10], [30, 50]],
    [[-1, 0.5], [0.2, 0.4], [-0.3, 0.9], [0, 1]],
]

out = []
for case in CASES:
    comps = [(a, b) for a, b in case]
    k = len(comps)

    def moment(p):
        total = 0.0
        for a, b in comps:
            if a == b:
                total += a ** p / k
            else:
                d = stats.uniform(loc=a, scale=b - a)
                total += integrate.quad(lambda x: x ** p * d.pdf(x), a, b)[0] / k
        return total

    m1 = moment(1)
    m2 = moment(2)
    out.append({"intervals": case, "mean": m1, "variance": m2 - m1 ** 2})

with open("test/fixtures/mixture-reference.json", "w") as f:
    json.dump({"generator": "scripts/mixture_reference.py (scipy.integrate.quad)", "cases": out}, f, indent=2)
print(json.dumps(out, indent=2))
