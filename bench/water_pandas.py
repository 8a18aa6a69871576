#!/usr/bin/python3
"""water_pandas.py — the pandas/numpy peer of bench_water.c, and the agreement check.

Why it exists: the issue's target (>= 30x pandas) compares the C engine with
what a competent pandas user would write, on the same data, in the same run.
The peer is vectorised: no Python loop over rows (loops over the 24 items and
over the class limits only).

  water_pandas.py run OUT        reads OUT/water_*.npy and OUT/water_limits.tsv
                                 (written by bench_water), times
                                 (a) class of every sample: per item
                                     np.searchsorted on the same GB 3838 limits
                                     (river/lake column by section), pH inside
                                     [6, 9] -> Ⅰ else 劣Ⅴ, NaN/negative -> no
                                     class, worst over the routine-21 items;
                                 (b) groupby(section, month) means per item
                                     (pH through [H+] = 10^-pH) and the class
                                     of the means the same way;
                                 writes OUT/water_pandas/{cls.i8, sm_cls.i8,
                                 sm_mean.f64, results.tsv}.
  water_pandas.py compare OUT    agreement of OUT/water_c and OUT/water_pandas
                                 as results.tsv rows on stdout.

Run under /usr/bin/python3 (Debian python3-pandas). Knob: BENCH_PY_RUNS (2).
The samples are stored as float32 (water_values.npy, shape (n, 24) in Fortran
order: one contiguous column per item, as bench_water keeps them) and widened
to float64 columns here, outside the timings; the C kernels compute the class
and sums of exactly those widened values (water/batch.h), so both sides see
the same doubles.
"""
import os
import sys
import time

import numpy as np
import pandas as pd

NMON = 12


def load_limits(out):
    lim = pd.read_csv(os.path.join(out, "water_limits.tsv"), sep="\t")
    return lim.sort_values("index").reset_index(drop=True)


def item_class(x, row, lake):
    """GB 3838 class 0..6 of the float64 array x for one item (water.c rules)."""
    d = row["dir"]
    ok = x >= 0  # False for NaN and negative values: no class
    if d == "range":
        c = np.where((x >= row["r1"]) & (x <= row["r2"]), 1, 6).astype(np.int8)
    elif d in ("le", "ge"):
        r = np.array([row[f"r{k}"] for k in range(1, 6)], dtype=np.float64)
        lk = np.array([row[f"l{k}"] for k in range(1, 6)], dtype=np.float64)
        if d == "ge":  # class k when x >= limit k: negate to an ascending table
            r, lk, xs = -r, -lk, -x
        else:
            xs = x
        # number of limits strictly below x (+1) = best class whose limit is met
        c = (np.searchsorted(r, xs, side="left") + 1).astype(np.int8)
        if not np.array_equal(r, lk):
            c = np.where(lake, (np.searchsorted(lk, xs, side="left") + 1).astype(np.int8), c)
        if row["lake_only"]:
            ok = ok & lake
    else:
        return np.zeros(len(x), dtype=np.int8)
    return np.where(ok, c, 0).astype(np.int8)


def classify(cols, lim, lake):
    """Worst class over the items of the set; cols: key -> float64 array."""
    worst = None
    for _, row in lim.iterrows():
        if not row["in_set"]:
            continue
        c = item_class(cols[row["key"]], row, lake)
        worst = c if worst is None else np.maximum(worst, c)
    return worst


def best_of(fn, runs):
    best, res = float("inf"), None
    for _ in range(runs):
        t0 = time.perf_counter()
        res = fn()
        best = min(best, time.perf_counter() - t0)
    return best, res


def run(out):
    runs = int(os.environ.get("BENCH_PY_RUNS", "2"))
    lim = load_limits(out)
    keys = list(lim["key"])

    t0 = time.perf_counter()
    vals = np.load(os.path.join(out, "water_values.npy"))
    sec = np.load(os.path.join(out, "water_section.npy"))
    mon = np.load(os.path.join(out, "water_month.npy"))
    lake_sec = np.load(os.path.join(out, "water_lake.npy")).astype(bool)
    cols = {"section": sec, "month": mon}
    for i, k in enumerate(keys):
        cols[k] = vals[:, i].astype(np.float64)
    cols["lake"] = lake_sec[sec]
    del vals
    df = pd.DataFrame(cols, copy=False)
    del cols
    del sec, mon
    t_read = time.perf_counter() - t0
    n = len(df)
    nsec = len(lake_sec)

    # (a) class of every sample
    def task_a():
        cols = {k: df[k].to_numpy() for k in keys}
        return classify(cols, lim, df["lake"].to_numpy())

    ta, cls = best_of(task_a, runs)

    # (b) section-month means (pH through [H+]) and their classes
    def task_b():
        g = df[["section", "month"] + keys].assign(ph=np.power(10.0, -df["ph"]))
        m = g.groupby(["section", "month"], sort=True)[keys].mean()
        m = m.reindex(pd.MultiIndex.from_product([range(nsec), range(1, NMON + 1)], names=["section", "month"]))
        m["ph"] = -np.log10(m["ph"])
        lake = lake_sec[m.index.get_level_values("section").to_numpy()]
        c = classify({k: m[k].to_numpy() for k in keys}, lim, lake)
        return m, c

    tb, (means, smcls) = best_of(task_b, runs)

    pdir = os.path.join(out, "water_pandas")
    os.makedirs(pdir, exist_ok=True)
    cls.astype(np.int8).tofile(os.path.join(pdir, "cls.i8"))
    smcls.astype(np.int8).tofile(os.path.join(pdir, "sm_cls.i8"))
    np.ascontiguousarray(means[keys].to_numpy(dtype=np.float64)).tofile(os.path.join(pdir, "sm_mean.f64"))
    with open(os.path.join(pdir, "results.tsv"), "w") as f:
        w = lambda *r: f.write("\t".join(str(x) for x in r) + "\n")
        w("water_pandas", "versions", f"pandas {pd.__version__} numpy {np.__version__}", "text")
        w("water_pandas", "read_s", f"{t_read:.4f}", "s")
        w("water_classify", "pandas_s", f"{ta:.4f}", "s")
        w("water_classify", "pandas_samples_per_s", f"{n / ta:.0f}", "samples/s")
        w("water_classify", "pandas_checksum_class_sum", int(cls.astype(np.int64).sum()), "sum")
        w("water_aggregate", "pandas_s", f"{tb:.4f}", "s")
        w("water_aggregate", "pandas_samples_per_s", f"{n / tb:.0f}", "samples/s")
        w("water_aggregate", "pandas_checksum_class_sum", int(smcls.astype(np.int64).sum()), "sum")
    print(f"water_pandas: read {t_read:.3f} s, (a) {ta:.3f} s, (b) {tb:.3f} s", file=sys.stderr)


def compare(out):
    c, p = os.path.join(out, "water_c"), os.path.join(out, "water_pandas")
    rows = []
    a = np.fromfile(os.path.join(c, "cls.i8"), dtype=np.int8)
    b = np.fromfile(os.path.join(p, "cls.i8"), dtype=np.int8)
    rows.append(("sample_class_exact_pct", 100.0 * np.mean(a == b) if len(a) == len(b) else 0.0))
    rows.append(("sample_class_mismatches", int(np.sum(a != b)) if len(a) == len(b) else -1))
    a = np.fromfile(os.path.join(c, "sm_cls.i8"), dtype=np.int8)
    b = np.fromfile(os.path.join(p, "sm_cls.i8"), dtype=np.int8)
    rows.append(("section_month_class_exact_pct", 100.0 * np.mean(a == b) if len(a) == len(b) else 0.0))
    rows.append(("section_month_class_mismatches", int(np.sum(a != b)) if len(a) == len(b) else -1))
    a = np.fromfile(os.path.join(c, "sm_mean.f64"))
    b = np.fromfile(os.path.join(p, "sm_mean.f64"))
    if len(a) == len(b):
        same = (np.isnan(a) & np.isnan(b)) | (np.abs(a - b) <= 1e-12 * np.maximum(np.abs(a), np.abs(b)))
        rows.append(("section_month_mean_rel_1e-12_pct", 100.0 * np.mean(same)))
        rows.append(("section_month_mean_bitwise_pct", 100.0 * np.mean((a == b) | (np.isnan(a) & np.isnan(b)))))
    for m, v in rows:
        unit = "%" if m.endswith("pct") else "count"
        print(f"water_agree\t{m}\t{v:.4f}\t{unit}" if isinstance(v, float) else f"water_agree\t{m}\t{v}\t{unit}")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("run", "compare"):
        sys.exit("usage: water_pandas.py run|compare OUT")
    (run if sys.argv[1] == "run" else compare)(sys.argv[2])
