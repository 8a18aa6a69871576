#!/usr/bin/python3
"""air_pandas.py — the pandas/numpy peer of bench/bench_air.c.

Why it exists: the issue asks whether the C air engine is worth having next to
what an analyst would write in an afternoon with pandas. So this script does
the same two computations on the same data (the hourly CSV bench_air writes),
vectorised the way a competent pandas user would (no Python loop over rows;
loops only over pollutants, breakpoint tables and the two editions), and writes
its results in the layout bench_air uses, so that `compare` can measure
agreement and both checksums can be put side by side.

  (a) real-time AQI per site-hour: HJ 633 IAQI per pollutant (2012 tables
      before 2026-03-01, 2026 tables and GB/T 8170 half-even input rounding
      from then on), ceiling, AQI = max, the edition's missing-data rule.
  (b) HJ 663 assessment per site and per city (city hourly value = mean of its
      sites' valid hourly values): daily means (>= 20 valid hours), O3 daily
      max 1-h and MDA8 (windows ending 08..24, >= 6 valid hours, >= 14 windows
      or above 160), daily AQI, then per period (the whole range and each
      calendar month): means, HJ 663 percentiles (numpy 'linear'), composite
      index, valid-day and good-day counts.

usage:
  air_pandas.py run CSV SITES_CSV OUTDIR   compute, write OUTDIR/{rt_aqi.i16,daily_aqi.i16,periods.f64,
                                           meta.tsv,results.tsv}
  air_pandas.py compare CDIR PYDIR         agreement of the two result sets: results.tsv rows on stdout,
                                           mismatch examples on stderr
  air_pandas.py cli-check CDIR AQI_CSV ASSESS_CSV
                                           agreement of `ecobrain air aqi` / `air assess --period year
                                           --by city` outputs with bench_air's results ("-": skip one)

Use the Debian interpreter (/usr/bin/python3 with python3-pandas), as bench/run.sh does.
BENCH_PY_RUNS (default 2): best of N for (a) and (b).
"""
import os
import sys
import time

import numpy as np
import pandas as pd

POLS = ["so2", "no2", "co", "o3", "pm10", "pm2_5"]
# indicators, in the engine's order (eco_air_ind_t)
INDS = ["so2", "no2", "co", "o3", "o3_8h", "pm10", "pm2_5"]
NIND = len(INDS)
PCT = {"so2": 98, "no2": 98, "co": 95, "o3_8h": 90, "pm10": 95, "pm2_5": 95}
# per-period fields, as bench_air.c stores them
F_NVALID, F_MEAN, F_PCT = 0, NIND, 2 * NIND
F_COMPOSITE, F_AQI_DAYS, F_GOOD_DAYS, F_VALID = 3 * NIND, 3 * NIND + 1, 3 * NIND + 2, 3 * NIND + 3
NF = 3 * NIND + 4

SWITCH = pd.Timestamp("2026-03-01")

# HJ 633 breakpoint tables (µg/m³, CO mg/m³); only PM10/PM2.5 differ between editions
I8 = [0, 50, 100, 150, 200, 300, 400, 500]
BP_COMMON = {
    "so2_24h": ([0, 50, 150, 475, 800, 1600, 2100, 2620], I8),
    "so2_1h": ([0, 150, 500, 650, 800], [0, 50, 100, 150, 200]),
    "no2_24h": ([0, 40, 80, 180, 280, 565, 750, 940], I8),
    "no2_1h": ([0, 100, 200, 700, 1200, 2340, 3090, 3840], I8),
    "co_24h": ([0, 2, 4, 14, 24, 36, 48, 60], I8),
    "co_1h": ([0, 5, 10, 35, 60, 90, 120, 150], I8),
    "o3_1h": ([0, 160, 200, 300, 400, 800, 1000, 1200], I8),
    "o3_8h": ([0, 100, 160, 215, 265, 800], [0, 50, 100, 150, 200, 300]),
}
BP = {
    2012: dict(BP_COMMON, pm10=([0, 50, 150, 250, 350, 420, 500, 600], I8),
               pm2_5=([0, 35, 75, 115, 150, 250, 350, 500], I8)),
    2026: dict(BP_COMMON, pm10=([0, 50, 120, 250, 350, 420, 500, 600], I8),
               pm2_5=([0, 35, 60, 115, 150, 250, 350, 500], I8)),
}
DECIMALS = {"co": 1}
# GB 3095 grade-2 limits (2012; 2026 transitional) used by the assessment
LIMITS = {
    2012: {"annual": {"so2": 60, "no2": 40, "pm10": 70, "pm2_5": 35}, "co_24h": 4, "o3_8h": 160, "o3_1h": 200},
    2026: {"annual": {"so2": 60, "no2": 40, "pm10": 60, "pm2_5": 30}, "co_24h": 4, "o3_8h": 160, "o3_1h": 200},
}
NA = -1  # IAQI/AQI code: missing, or AQI not published


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- HJ 633

def iaqi(c, table):
    """Ceiled IAQI of concentrations c (NaN allowed) on one table; 500 above the
    top; NA (-1) for missing. Same arithmetic, in the same order, as HJ 633 式(1)."""
    bp, iq = (np.asarray(v, dtype=float) for v in table)
    i = np.searchsorted(bp, c, side="left").clip(1, len(bp) - 1)
    x = (iq[i] - iq[i - 1]) / (bp[i] - bp[i - 1]) * (c - bp[i - 1]) + iq[i - 1]
    r = np.rint(x)
    x = np.where(np.abs(x - r) < 1e-9, r, np.ceil(x))  # ceiling that ignores float noise
    x = np.where(c > bp[-1], 500.0, x)
    x = np.where(np.isnan(c) | (c < 0), NA, x)
    return x


def round_half_even(v, dec):
    """GB/T 8170 rounding (四舍六入五成双) of the decimal value v stands for: a
    tie blurred by binary noise (a mean of 0.1-step values computed as
    0.45000000000000012) is still a tie and goes to the even digit."""
    scale = 10.0 ** dec
    x = v * scale
    fl = np.floor(x)
    tie = np.abs(x - fl - 0.5) <= 1e-11 * np.maximum(1.0, np.abs(x))  # as eco_round_half_even
    return np.where(tie, fl + np.mod(fl, 2), np.rint(x)) / scale


def by_edition(c, new, table_key, dec=0):
    """IAQI with the table of each row's edition (new: rows on/after 2026-03-01,
    whose inputs are first rounded half-even per GB/T 8170)."""
    cr = c.copy()
    cr[new] = round_half_even(c[new], dec)
    t12, t26 = BP[2012][table_key], BP[2026][table_key]
    if t12 == t26:
        return iaqi(cr, t12), cr
    out = np.empty_like(cr)
    out[new] = iaqi(cr[new], t26)
    out[~new] = iaqi(cr[~new], t12)
    return out, cr


def combine(iaqis, new):
    """AQI = max of the IAQIs; HJ 633-2012 publishes it only when no indicator is
    NA, HJ 633-2026 5.3.1 also when the others give > 100; 2026 floor of 1."""
    m = np.vstack(iaqis)
    best = m.max(axis=0)
    any_na = (m == NA).any(axis=0)
    best = np.where(new & (best >= 0) & (best < 1), 1, best)
    publish = (best >= 0) & (~any_na | (new & (best > 100)))
    return np.where(publish, best, NA).astype(np.int16)


def realtime_aqi(df, new):
    """(a) real-time report: 1-h SO2/NO2/CO/O3 tables, PM on the daily tables."""
    out = []
    so2 = df["so2"].to_numpy()
    s, sr = by_edition(so2, new, "so2_1h")
    # SO2 1-h > 800: 2026 -> IAQI 200; 2012 -> IAQI of the 24-h mean, which a
    # real-time batch does not have (the engine's batch passes NA): NA
    over = sr > 800
    out.append(np.where(over, np.where(new, 200.0, NA), s))
    out.append(by_edition(df["no2"].to_numpy(), new, "no2_1h")[0])
    out.append(by_edition(df["co"].to_numpy(), new, "co_1h", 1)[0])
    out.append(by_edition(df["o3"].to_numpy(), new, "o3_1h")[0])
    out.append(by_edition(df["pm10"].to_numpy(), new, "pm10")[0])
    out.append(by_edition(df["pm2_5"].to_numpy(), new, "pm2_5")[0])
    return combine(out, new)


def daily_aqi(d):
    """Daily report from daily values (DataFrame with INDS columns, NaN invalid, and `date`)."""
    new = (d["date"] >= SWITCH).to_numpy()
    out = [by_edition(d["so2"].to_numpy(), new, "so2_24h")[0],
           by_edition(d["no2"].to_numpy(), new, "no2_24h")[0],
           by_edition(d["co"].to_numpy(), new, "co_24h", 1)[0],
           by_edition(d["pm10"].to_numpy(), new, "pm10")[0],
           by_edition(d["pm2_5"].to_numpy(), new, "pm2_5")[0]]
    o31 = d["o3"].to_numpy()
    o31_iaqi = iaqi(o31, BP[2012]["o3_1h"])
    out.append(np.where(new, -3, o31_iaqi))  # 2012 only: O3 daily max 1-h
    i8, r8 = by_edition(d["o3_8h"].to_numpy(), new, "o3_8h")
    over = r8 > 800  # 2026 -> 300; 2012 -> the O3 1-h IAQI
    out.append(np.where(over, np.where(new, 300.0, o31_iaqi), i8))
    # IAQIs in the engine's indicator order: SO2 NO2 CO O3 O3_8h PM10 PM2.5
    iq = np.vstack([out[0], out[1], out[2], out[5], out[6], out[3], out[4]]).T.astype(np.int16)
    return combine(out, new), iq


# ---------------------------------------------------------------- HJ 663

def daily_values(h):
    """Hourly frame (ent, start, hour, date, POLS; one row per entity-hour, in
    order) -> daily frame (ent, date, INDS) with HJ 663 validity applied."""
    g = h.groupby(["ent", "date"], sort=True, observed=True)
    mean = g[POLS].mean()
    cnt = g[POLS].count()
    o3max = g["o3"].max()
    # 8-h moving means ending at each hour (>= 6 valid hours); the frame holds
    # every hour of every entity in order, so a flat rolling window is per
    # entity for all windows that end at 08:00..24:00 of a day
    roll = h["o3"].rolling(8, min_periods=6).mean()
    win = roll[(h["hour"] >= 7).to_numpy()]
    keys = [h["ent"][win.index], h["date"][win.index]]
    wg = win.groupby(keys, sort=True, observed=True)
    mda8, nwin = wg.max(), wg.count()

    d = pd.DataFrame(index=mean.index)
    for p in POLS:
        if p == "o3":
            continue
        d[p] = mean[p].where(cnt[p] >= 20)
    # O3 daily max 1-h: 20 valid hours, or fewer whose maximum (as published,
    # rounded) already exceeds the 1-h limit; MDA8: 14 valid windows, or fewer
    # whose maximum (as published) exceeds the MDA8 limit
    n3 = cnt["o3"]
    d["o3"] = o3max.where((n3 >= 20) | ((n3 > 0) & (round_half_even(o3max, 0) > 200)))
    d["o3_8h"] = mda8.where((nwin >= 14) | (round_half_even(mda8, 0) > 160))
    d = d.reset_index()
    d["aqi"], iq = daily_aqi(d)
    return d[["ent", "date"] + INDS + ["aqi"]], iq


def required_days(p_from, p_to):
    """HJ 663 valid daily values needed: 324 for a calendar year or any twelve
    consecutive months; otherwise per month touched, the covered days less the
    month's allowance (31-27, Feb n-25)."""
    try:
        year_on = p_from.replace(year=p_from.year + 1)
    except ValueError:  # 29 Feb -> 1 Mar, as the engine's days_from_civil carries it
        year_on = pd.Timestamp(p_from.year + 1, 3, 1)
    if p_to + pd.Timedelta(days=1) == year_on:
        return 324
    req = 0
    for m0 in pd.period_range(p_from, p_to, freq="M"):
        a = max(p_from, m0.start_time.normalize())
        b = min(p_to, m0.end_time.normalize())
        covered = (b - a).days + 1
        allowance = m0.days_in_month - (25 if m0.month == 2 else 27)
        req += max(0, covered - allowance)
    return req


def period_stats(d, periods, nent):
    """(E, P, NF) array of the period statistics of daily frame d."""
    res = np.full((nent, len(periods), NF), np.nan)
    for k, (p_from, p_to) in enumerate(periods):
        sel = d[(d["date"] >= p_from) & (d["date"] <= p_to)]
        g = sel.groupby("ent", sort=True, observed=False)
        ed = 2026 if p_to >= SWITCH else 2012
        lim = LIMITS[ed]
        req = required_days(p_from, p_to)
        cnt = g[INDS].count().reindex(range(nent), fill_value=0)
        mean = g[INDS].mean().reindex(range(nent))
        res[:, k, F_NVALID:F_NVALID + NIND] = cnt.to_numpy()
        res[:, k, F_MEAN:F_MEAN + NIND] = mean.to_numpy()
        pct = {}
        for i, ind in enumerate(INDS):
            if ind in PCT:
                pct[ind] = g[ind].quantile(PCT[ind] / 100.0, interpolation="linear").reindex(range(nent)).to_numpy()
                res[:, k, F_PCT + i] = pct[ind]
        valid = cnt.to_numpy() >= req
        res[:, k, F_VALID] = (valid * (1 << np.arange(NIND))).sum(axis=1)
        aq = sel["aqi"]
        res[:, k, F_AQI_DAYS] = (aq >= 0).groupby(sel["ent"], observed=False).sum().reindex(range(nent), fill_value=0)
        res[:, k, F_GOOD_DAYS] = ((aq >= 0) & (aq <= 100)).groupby(sel["ent"], observed=False).sum() \
            .reindex(range(nent), fill_value=0)
        # composite index from statistics rounded as published
        vi = dict(zip(INDS, valid.T))
        # (SO2 NO2 CO O3 PM10 PM2.5: the engine's order, so the sums are bit-identical)
        ci = np.zeros(nent)
        ok = np.ones(nent, dtype=bool)
        for p in ["so2", "no2", "co", "o3_8h", "pm10", "pm2_5"]:
            if p == "co":
                ci += round_half_even(pct["co"], 1) / lim["co_24h"]
            elif p == "o3_8h":
                ci += round_half_even(pct["o3_8h"], 0) / lim["o3_8h"]
            else:
                ci += round_half_even(mean[p].to_numpy(), 0) / lim["annual"][p]
            ok &= vi[p]
        res[:, k, F_COMPOSITE] = np.where(ok & np.isfinite(ci), ci, np.nan)
    return res


# ---------------------------------------------------------------- driver

def read_hourly(path):
    df = pd.read_csv(path, dtype={"site": "category", "time": str, "so2": "float64", "no2": "float64",
                                  "co": "float64", "o3": "float64", "pm10": "float64", "pm2_5": "float64"},
                     engine="c")
    # hour-end labels ("08:00" = 07:00-08:00) -> hour start
    df["start"] = pd.to_datetime(df["time"], format="%Y-%m-%d %H:%M") - pd.Timedelta(hours=1)
    return df.drop(columns="time")


def periods_of(days):
    first, last = days.min(), days.max()
    out = [(first, last)]
    for m in pd.period_range(first, last, freq="M"):
        out.append((max(first, m.start_time.normalize()), min(last, m.end_time.normalize())))
    return out


def assess(df, sites, periods):
    """(b): daily values, daily AQI and period statistics for every site, then every city."""
    nsites = len(sites)
    h = pd.DataFrame({"ent": df["site"].cat.codes.astype(np.int32), "start": df["start"]})
    h["date"] = h["start"].dt.normalize()
    h["hour"] = h["start"].dt.hour
    for p in POLS:
        h[p] = df[p]
    d_sites, iq_sites = daily_values(h)

    # city hourly series: mean of its sites' valid values at each hour
    city_codes = pd.factorize(sites["city"])[0]  # cities numbered in order of first appearance
    ncities = int(city_codes.max()) + 1
    hc = h[["start"] + POLS].copy()
    hc["ent"] = city_codes[h["ent"].to_numpy()]
    c = hc.groupby(["ent", "start"], sort=True)[POLS].mean().reset_index()
    c["date"] = c["start"].dt.normalize()
    c["hour"] = c["start"].dt.hour
    d_cities, iq_cities = daily_values(c)

    per = np.concatenate([period_stats(d_sites, periods, nsites), period_stats(d_cities, periods, ncities)])
    ndays = (periods[0][1] - periods[0][0]).days + 1
    daily = np.concatenate([d_sites["aqi"].to_numpy().reshape(nsites, ndays),
                            d_cities["aqi"].to_numpy().reshape(ncities, ndays)]).astype(np.int16)
    return daily, np.concatenate([iq_sites, iq_cities]), per, ncities


def best_of(n, fn):
    best, res = float("inf"), None
    for _ in range(n):
        t0 = time.perf_counter()
        res = fn()
        best = min(best, time.perf_counter() - t0)
    return best, res


def cmd_run(csv_path, sites_path, outdir):
    os.makedirs(outdir, exist_ok=True)
    runs = int(os.environ.get("BENCH_PY_RUNS", "2"))
    sites = pd.read_csv(sites_path, dtype=str)
    t0 = time.perf_counter()
    df = read_hourly(csv_path)
    # entity order = sites file order (bench_air's order); rows by site, then time
    df["site"] = df["site"].cat.set_categories(sites["site"].tolist())
    if df["site"].isna().any():
        raise SystemExit("air_pandas: CSV has sites missing from the sites file")
    codes = df["site"].cat.codes.to_numpy()
    st = df["start"].to_numpy()
    if not ((np.diff(codes) > 0) | ((np.diff(codes) == 0) & (np.diff(st) > np.timedelta64(0)))).all():
        df.sort_values(["site", "start"], inplace=True, kind="stable", ignore_index=True)
    t_read = time.perf_counter() - t0
    nsites = len(sites)
    nh = len(df) // nsites
    if nh * nsites != len(df) or (df.groupby("site", observed=False).size() != nh).any():
        raise SystemExit("air_pandas: expected one row per site-hour")
    log(f"  pandas: read {len(df):,} rows in {t_read:.2f} s")

    def run_a():
        new = (df["start"] >= SWITCH).to_numpy()
        return realtime_aqi(df, new)

    t_a, rt = best_of(runs, run_a)
    published = rt >= 0
    log(f"  pandas (a) real-time AQI: {t_a:.2f} s; published {published.sum():,}, sum AQI {rt[published].astype(np.int64).sum():,}")

    days = df["start"].dt.normalize()
    periods = periods_of(days.drop_duplicates())
    t_b, (daily, daily_iq, per, ncities) = best_of(runs, lambda: assess(df, sites, periods))
    comp = per[:, 0, F_COMPOSITE]
    pm = per[:, 0, F_MEAN + INDS.index("pm2_5")]
    log(f"  pandas (b) assessment: {t_b:.2f} s; sum daily AQI {daily[daily >= 0].astype(np.int64).sum():,}, "
        f"sum composite {np.nansum(comp):.6f} ({np.isfinite(comp).sum()} valid)")

    rt.astype("<i2").tofile(os.path.join(outdir, "rt_aqi.i16"))
    daily.astype("<i2").tofile(os.path.join(outdir, "daily_aqi.i16"))
    daily_iq.astype("<i2").tofile(os.path.join(outdir, "daily_iaqi.i16"))
    per.astype("<f8").tofile(os.path.join(outdir, "periods.f64"))
    with open(os.path.join(outdir, "meta.tsv"), "w") as f:
        f.write(f"nsites\t{nsites}\nncities\t{ncities}\nndays\t{daily.shape[1]}\nnh\t{nh}\n"
                f"nper\t{len(periods)}\nnf\t{NF}\n")
        for a, b in periods:
            f.write(f"period\t{a:%Y-%m-%d}\t{b:%Y-%m-%d}\n")
    values = nsites * nh * len(POLS)
    with open(os.path.join(outdir, "results.tsv"), "w") as f:
        f.write(f"air_csv\tpandas_read_s\t{t_read:.4f}\ts\n")
        f.write(f"air_aqi_realtime\tpandas_s\t{t_a:.6f}\ts\n")
        f.write(f"air_aqi_realtime\tpandas_values_per_s\t{values / t_a:.0f}\tvalues/s\n")
        f.write(f"air_aqi_realtime\tpandas_checksum_aqi_sum\t{rt[published].astype(np.int64).sum()}\tAQI\n")
        f.write(f"air_aqi_realtime\tpandas_checksum_published\t{published.sum()}\tsite-hours\n")
        f.write(f"air_assess_year\tpandas_s\t{t_b:.6f}\ts\n")
        f.write(f"air_assess_year\tpandas_checksum_daily_aqi_sum\t{daily[daily >= 0].astype(np.int64).sum()}\tAQI\n")
        f.write(f"air_assess_year\tpandas_checksum_composite_sum\t{np.nansum(comp[:nsites + ncities]):.6f}\tindex\n")
        f.write(f"air_assess_year\tpandas_checksum_pm25_mean_sum\t{np.nansum(pm):.6f}\tug/m3\n")
        f.write(f"air_end_to_end\tpandas_read_aqi_s\t{t_read + t_a:.4f}\ts\n")
        f.write(f"air_end_to_end\tpandas_read_assess_s\t{t_read + t_b:.4f}\ts\n")


# ---------------------------------------------------------------- compare

def read_meta(d):
    meta, periods = {}, []
    with open(os.path.join(d, "meta.tsv")) as f:
        for line in f:
            k, *v = line.rstrip("\n").split("\t")
            if k == "period":
                periods.append(tuple(v))
            else:
                meta[k] = v[0]
    return meta, periods


def cmd_compare(cdir, pdir):
    mc, pc = read_meta(cdir)
    mp, pp = read_meta(pdir)
    for k in ["nsites", "ncities", "ndays", "nh", "nper", "nf"]:
        if mc[k] != mp[k]:
            raise SystemExit(f"air_pandas compare: {k} differs: C {mc[k]}, pandas {mp[k]}")
    if pc != pp:
        raise SystemExit("air_pandas compare: periods differ")
    ns, nc, nd, nh, npr = (int(mc[k]) for k in ["nsites", "ncities", "ndays", "nh", "nper"])
    ne = ns + nc
    rows = []

    def row(name, metric, value, unit):
        rows.append(f"{name}\t{metric}\t{value}\t{unit}")

    a = np.fromfile(os.path.join(cdir, "rt_aqi.i16"), dtype="<i2").reshape(ns, nh)
    b = np.fromfile(os.path.join(pdir, "rt_aqi.i16"), dtype="<i2").reshape(ns, nh)
    eq = a == b
    row("air_agree", "rt_aqi_exact_pct", f"{100 * eq.mean():.6f}", "%")
    row("air_agree", "rt_aqi_mismatches", int((~eq).sum()), "site-hours")
    for s, k in list(zip(*np.nonzero(~eq)))[:5]:
        log(f"  rt mismatch site {s} hour {k}: C {a[s, k]} pandas {b[s, k]}")

    a = np.fromfile(os.path.join(cdir, "daily_aqi.i16"), dtype="<i2").reshape(ne, nd)
    b = np.fromfile(os.path.join(pdir, "daily_aqi.i16"), dtype="<i2").reshape(ne, nd)
    eq = a == b
    row("air_agree", "daily_aqi_sites_exact_pct", f"{100 * eq[:ns].mean():.6f}", "%")
    row("air_agree", "daily_aqi_cities_exact_pct", f"{100 * eq[ns:].mean():.6f}", "%")
    row("air_agree", "daily_aqi_mismatches", int((~eq).sum()), "entity-days")
    for e, d in list(zip(*np.nonzero(~eq)))[:5]:
        log(f"  daily mismatch entity {e} day {d}: C {a[e, d]} pandas {b[e, d]}")

    a = np.fromfile(os.path.join(cdir, "daily_iaqi.i16"), dtype="<i2").reshape(ne, nd, NIND)
    b = np.fromfile(os.path.join(pdir, "daily_iaqi.i16"), dtype="<i2").reshape(ne, nd, NIND)
    eq = a == b
    row("air_agree", "daily_iaqi_exact_pct", f"{100 * eq.mean():.6f}", "%")
    for i, ind in enumerate(INDS):
        n_bad = int((~eq[..., i]).sum())
        if n_bad:
            row("air_agree", f"daily_iaqi_{ind}_mismatches", n_bad, "entity-days")
    for e, d, i in np.argwhere(~eq)[:5]:
        log(f"  daily IAQI mismatch entity {e} day {d} {INDS[i]}: C {a[e, d, i]} pandas {b[e, d, i]}")

    a = np.fromfile(os.path.join(cdir, "periods.f64"), dtype="<f8").reshape(ne, npr, -1)
    b = np.fromfile(os.path.join(pdir, "periods.f64"), dtype="<f8").reshape(ne, npr, -1)
    same = (np.isnan(a) & np.isnan(b)) | (np.abs(a - b) <= 1e-6)
    names = [f"nvalid_{i}" for i in INDS] + [f"mean_{i}" for i in INDS] + [f"pct_{i}" for i in INDS] + \
            ["composite", "aqi_days", "good_days", "valid"]
    for label, sl in [("year", slice(0, 1)), ("month", slice(1, npr))]:
        for who, es in [("sites", slice(0, ns)), ("cities", slice(ns, ne))]:
            sm = same[es, sl]
            row("air_agree", f"{label}_stats_{who}_within_1e-6_pct", f"{100 * sm.mean():.6f}", "%")
        sm = same[:, sl]
        for f in [F_MEAN, F_PCT, F_COMPOSITE]:
            w = sm[..., f:f + (NIND if f != F_COMPOSITE else 1)]
            row("air_agree", f"{label}_{'means' if f == F_MEAN else 'percentiles' if f == F_PCT else 'composite'}"
                f"_within_1e-6_pct", f"{100 * w.mean():.6f}", "%")
    bad = np.argwhere(~same)
    for e, k, f in bad[:8]:
        log(f"  period mismatch entity {e} period {k} {names[f]}: C {a[e, k, f]!r} pandas {b[e, k, f]!r}")
    row("air_agree", "period_value_mismatches", len(bad), "values")
    d = np.abs(a - b)
    d = d[np.isfinite(d)]
    row("air_agree", "period_max_abs_diff", f"{d.max() if d.size else 0:.3g}", "abs")
    print("\n".join(rows))


def cmd_cli_check(cdir, aqi_csv, assess_csv):
    """Agreement of the CLI's outputs (same CSV, end to end) with bench_air's
    in-memory results: AQI per site-hour; city composite index and PM2.5 annual
    mean within the CLI's published precision (0.01, 1 µg/m³)."""
    m, _ = read_meta(cdir)
    ns, nc, nh, npr = (int(m[k]) for k in ["nsites", "ncities", "nh", "nper"])
    rows = []
    if aqi_csv != "-":
        a = np.fromfile(os.path.join(cdir, "rt_aqi.i16"), dtype="<i2")
        cli = pd.read_csv(aqi_csv, usecols=["aqi"], dtype={"aqi": "float64"})["aqi"].fillna(-1).to_numpy()
        if len(cli) == len(a):
            rows.append(f"air_agree\tcli_rt_aqi_exact_pct\t{100 * (cli == a).mean():.6f}\t%")
        else:
            rows.append(f"air_agree\tcli_rt_aqi_rows\t{len(cli)}\trows (expected {len(a)})")
    if assess_csv != "-":
        per = np.fromfile(os.path.join(cdir, "periods.f64"), dtype="<f8").reshape(ns + nc, npr, NF)
        cli = pd.read_csv(assess_csv, dtype={"entity": str})
        cid = [f"C{i + 1:03d}" for i in range(nc)]
        cli = cli.set_index("entity").reindex(cid)
        comp = per[ns:, 0, F_COMPOSITE]
        pm = per[ns:, 0, F_MEAN + INDS.index("pm2_5")]
        for name, col, ref, tol in [("composite", "composite_index", comp, 0.005), ("pm2_5_mean", "pm2_5_mean", pm, 0.5)]:
            if col not in cli.columns:
                continue
            v = pd.to_numeric(cli[col], errors="coerce").to_numpy()
            ok = (np.isnan(v) & np.isnan(ref)) | (np.abs(v - ref) <= tol + 1e-9)
            rows.append(f"air_agree\tcli_city_year_{name}_match_pct\t{100 * ok.mean():.6f}\t%")
    print("\n".join(rows))


def main(argv):
    if len(argv) == 5 and argv[1] == "run":
        cmd_run(argv[2], argv[3], argv[4])
    elif len(argv) == 4 and argv[1] == "compare":
        cmd_compare(argv[2], argv[3])
    elif len(argv) == 5 and argv[1] == "cli-check":
        cmd_cli_check(argv[2], argv[3], argv[4])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
