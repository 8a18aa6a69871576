#!/usr/bin/env python3
"""The pandas peer of bench_brain.c: the same custom index over the same values.

Min-max normalisation per quarter and indicator (direction: odd indicators higher is better),
weights 1..5 inside four groups of five, group weights 0.4/0.3/0.2/0.1, missing values
reweighted; ranks 'min' (ties share the best rank) on scores rounded to 2 decimals; change of
rank against the previous quarter. Times the computation (best of N) and compares with the C
results: scores within 1e-9, ranks and rank changes equal.
"""
import sys, time
import numpy as np
import pandas as pd

out = sys.argv[1] if len(sys.argv) > 1 else "bench/out"
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
vals = pd.read_csv(f"{out}/brain_values.csv")
ind = [c for c in vals.columns if c.startswith("i")]
w = np.array([1 + k % 5 for k in range(len(ind))], dtype=float)
grp = np.array([k // 5 for k in range(len(ind))])
gw = np.array([0.4, 0.3, 0.2, 0.1])
higher = np.array([k % 2 == 1 for k in range(len(ind))])

def compute(v):
    g = v.groupby("quarter")[ind]
    lo, hi = g.transform("min"), g.transform("max")
    x = v[ind]
    span = (hi - lo).replace(0, np.nan)
    s = pd.DataFrame(np.where(higher, (x - lo) / span, (hi - x) / span) * 100, index=v.index, columns=ind)
    s = s.where(~(span.isna() & x.notna()), 100.0)
    total = pd.Series(0.0, index=v.index)
    tw = pd.Series(0.0, index=v.index)
    for gi in range(4):
        cols = [ind[k] for k in range(len(ind)) if grp[k] == gi]
        wk = w[grp == gi]
        sg = s[cols]
        present = sg.notna()
        num = (sg.fillna(0) * wk).sum(axis=1)
        den = (present * wk).sum(axis=1)
        ok = den > 0
        total = total + np.where(ok, num / den.where(ok, 1) * gw[gi], 0)
        tw = tw + np.where(ok, gw[gi], 0)
    score = total / tw
    r = pd.DataFrame({"county": v["county"], "quarter": v["quarter"], "score": score})
    r["rank"] = r.assign(p=r["score"].round(2)).groupby("quarter")["p"].rank(method="min", ascending=False)
    r = r.sort_values(["county", "quarter"])
    r["rank_change"] = (r.groupby("county")["rank"].shift(1) - r["rank"]).fillna(0)
    return r

best = 1e9
for _ in range(runs):
    t0 = time.perf_counter()
    r = compute(vals)
    best = min(best, time.perf_counter() - t0)
c = pd.read_csv(f"{out}/brain_c.csv").sort_values(["county", "quarter"])
r = r.sort_values(["county", "quarter"])
score_ok = np.mean(np.abs(r["score"].values - c["score"].values) < 1e-9) * 100
rank_ok = np.mean(r["rank"].values == c["rank"].values) * 100
chg_ok = np.mean(r["rank_change"].values == c["rank_change"].values) * 100
print(f"brain_rank\tpandas_s\t{best:.6f}\ts")
print(f"brain_agree\tscore_within_1e-9_pct\t{score_ok:.4f}\t%")
print(f"brain_agree\trank_equal_pct\t{rank_ok:.4f}\t%")
print(f"brain_agree\trank_change_equal_pct\t{chg_ok:.4f}\t%")
