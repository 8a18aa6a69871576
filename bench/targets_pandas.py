"""targets_pandas.py — the pandas peer of `ecobrain targets report --data` (bench/run_brain.sh).

From the same SQLite store: the PM2.5 and PM10 means to date of the province and of each city, the
HJ 663 way (a region's hourly value = the mean of its sites' valid hourly values; a daily mean needs
>= 20 valid hours; the period mean = the mean of the valid daily means). That is a part of what the
report computes (it also does SO2, NO2, CO, O3 MDA8 percentiles, daily AQI, composite index, both
edition bases): the ratio is therefore in pandas' favour. It checks that its means, published as
integers, equal the report's `to_date` of the PM2.5/PM10 targets.

    python3 targets_pandas.py STORE_DIR AS_OF REPORT.csv  ->  rows: name metric value unit
"""
import csv
import datetime
import sqlite3
import sys
import time

import pandas as pd

store, asof, report = sys.argv[1], sys.argv[2], sys.argv[3]
t0 = time.perf_counter()
con = sqlite3.connect(f"file:{store}/ecobrain.db?mode=ro", uri=True)
year = int(asof[:4])
beijing0 = datetime.datetime(1970, 1, 1)
lo = int((datetime.datetime(year, 1, 1) - beijing0).total_seconds())
hi = int((datetime.datetime.fromisoformat(asof) + datetime.timedelta(days=1) - beijing0).total_seconds()) - 1
sites = pd.read_sql_query("SELECT d.id AS device, s.city FROM device d JOIN site s ON s.code = d.site"
                          " WHERE s.kind = 'air'", con)
obs = pd.read_sql_query("SELECT s.device, s.factor, o.t, o.value FROM obs o JOIN series s ON s.id = o.series"
                        " WHERE o.gran = 2 AND o.t BETWEEN ? AND ? AND s.factor IN ('a34004', 'a34002')"
                        " AND o.flag IN ('N', '')", con, params=(lo, hi))
t_read = time.perf_counter() - t0
obs = obs.merge(sites, on="device")
obs["hour"] = obs["t"] // 3600


def means(df):
    h = df.groupby(["factor", "hour"])["value"].mean().reset_index()
    h["day"] = h["hour"] // 24
    d = h.groupby(["factor", "day"])["value"].agg(["mean", "count"]).reset_index()
    d = d[d["count"] >= 20]
    return d.groupby("factor")["mean"].mean()


res = {"province": means(obs)}
for city, g in obs.groupby("city"):
    res[city] = means(g)
t_all = time.perf_counter() - t0
# agreement with the report
ok = n = 0
for r in csv.DictReader(open(report, encoding="utf-8")):
    code = {"air.pm2_5_mean": "a34004", "air.pm10_mean": "a34002"}.get(r["indicator"])
    if not code or not r["to_date"]:
        continue
    n += 1
    v = res.get(r["scope"], {}).get(code)
    if v is not None and abs(float(r["to_date"]) - v) <= 0.5 + 1e-9:
        ok += 1
print(f"brain_targets\tpandas_s\t{t_all:.3f}\ts")
print(f"brain_targets\tpandas_read_s\t{t_read:.3f}\ts")
print(f"brain_targets\tpandas_rows\t{len(obs)}\trows")
print(f"brain_targets\tagree_pm_means\t{ok}/{n}\ttargets")
