#!/usr/bin/env bash
# test_airdays_store.sh — the air daily-value cache (issue #6, src/brain/airdays.c) gives the figures of
# the hour route and of the CSV route, and never answers from stale days: `serve` refreshes it by itself;
# the reports read it (proved by emptying part of it: the answer changes); a value revised after the
# cache was built, and a late day, change the report at once (recomputed on the fly) and after `store
# rollup`; a site moved to another city rebuilds it; periods across the 2026-03-01 edition switch, all
# three bases. Data: `serve` fed by `sim` from 2026-02-27, then hand-made HJ 212 hour records.
set -u
EB=${ECOBRAIN:-build/ecobrain}
[ -x "$EB" ] || { echo "skip: $EB not built"; exit 77; }
command -v python3 >/dev/null || { echo "skip: python3 not found"; exit 77; }
exec python3 - "$EB" "$(cd "$(dirname "$0")" && pwd)" <<'PY'
import os, socket, sqlite3, subprocess, sys, tempfile, time, signal
eb = sys.argv[1]
sys.path.insert(0, sys.argv[2])
import e2e_lib
tmp = tempfile.mkdtemp(prefix="eco_airdays_")
from e2e_lib import check, finish

srv, port, data, log = e2e_lib.store_serve(eb, tmp)  # the catalogue; this serve is replaced below
srv.send_signal(signal.SIGTERM); srv.wait(timeout=60); log.close()
def serve(interval):
    pf = f"{tmp}/port"
    if os.path.exists(pf): os.unlink(pf)
    lg = open(f"{tmp}/serve.log", "a")
    p = subprocess.Popen([eb, "serve", "--data", data, "--hj212", "127.0.0.1:0", "--port-file", pf, "--config",
                          f"{tmp}/serve.ini", "--rollup-interval", str(interval)], stdout=lg, stderr=lg)
    for _ in range(200):
        if os.path.exists(pf) and open(pf).read().strip(): break
        time.sleep(0.05)
    return p, open(pf).read().strip()
def stop(p):
    p.send_signal(signal.SIGTERM); p.wait(timeout=60)
def status():
    out = subprocess.run([eb, "store", "rollup", "--data", data, "--status"], capture_output=True, text=True).stdout
    return dict(l.split("\t", 1) for l in out.splitlines() if "\t" in l)

srv, port = serve(1)
r = subprocess.run([eb, "sim", "--target", f"127.0.0.1:{port}", "--devices", "4", "--kind", "air", "--interval-ms", "1",
                    "--duration", "4", "--start", "2026-02-27 00:00:00", "--seed", "11", "--quiet"],
                   capture_output=True, text=True, timeout=300)
check(r.returncode == 0, f"sim: every record acknowledged ({r.stderr.strip()[-200:]})")
st = {}
for _ in range(120):  # serve's own refresh (every second here): built, nothing dirty
    st = status()
    if st.get("built") == "yes" and st.get("dirty_days") == "0" and st.get("catalogue") == "current": break
    time.sleep(0.5)
check(st.get("built") == "yes" and st.get("dirty_days") == "0" and int(st.get("entity_months", "0")) > 0,
      f"serve keeps the cache up to date by itself ({st})")

def csv_files():
    air = subprocess.run([eb, "export", "--data", data, "--format", "air"], capture_output=True, text=True)
    with open(f"{tmp}/hourly.csv", "w") as f: f.write(air.stdout)
    return air.stdout
hours = csv_files()
check(any(",2026-02-28" in l for l in hours.splitlines()) and any(",2026-03-01" in l for l in hours.splitlines()),
      "the store holds hours on both sides of the 2026-03-01 edition switch")
SITES = {"before": "site,city,county,province\nA1,杭州市,西湖区,P省\nA2,杭州市,钱塘区,P省\nA3,宁波市,海曙区,P省\n",
         "after": "site,city,county,province\nA1,杭州市,西湖区,P省\nA2,宁波市,钱塘区,P省\nA3,宁波市,海曙区,P省\n"}
def write_sites(which):
    with open(f"{tmp}/asites.csv", "w") as f: f.write(SITES[which])
write_sites("before")
def rank(src, *args, env=None):
    extra = ["--data", data] if src != "csv" else ["--input", f"{tmp}/hourly.csv", "--sites", f"{tmp}/asites.csv"]
    e = dict(os.environ, ECO_AIRDAYS_TRACE="1")
    if src == "hours": e["ECO_AIRDAYS_HOURS"] = "1"
    return subprocess.run([eb, "rank"] + extra + list(args), capture_output=True, env=e)
CASES = [(ix, by, per, ed) for ix in ("composite", "pm2_5", "good-days") for by in ("site", "city", "province")
         for per in ("2026-02-25..2026-03-01", "2026-02-27..2026-03-01", "2026-02-28..2026-03-02", "2026-03-01..2026-03-01", "2026")
         for ed in ("auto", "2012", "2026")]
def all_same(tag, want_route):
    same = routed = 0
    for ix, by, per, ed in CASES:
        args = ["--index", ix, "--by", by, "--period", per, "--edition", ed, "--format", "csv"]
        a, h, c = rank("store", *args), rank("hours", *args), rank("csv", *args)
        ok = a.returncode == c.returncode and a.stdout == c.stdout and a.stdout == h.stdout and h.returncode == a.returncode
        if not ok:
            print(" ", tag, args, a.returncode, c.returncode, a.stderr.decode()[-200:], c.stderr.decode()[-200:])
            for x, y in zip(a.stdout.decode().splitlines(), c.stdout.decode().splitlines()):
                if x != y: print("   store:", x, "\n     csv:", y)
        same += ok
        routed += want_route in a.stderr.decode()
    check(same == len(CASES), f"{tag}: rank --data = the hour route = the CSV route ({same}/{len(CASES)} index/level/period/edition cases)")
    check(routed == len(CASES), f"{tag}: answered by '{want_route}' ({routed}/{len(CASES)})")
all_same("cache built by serve", "from cache (0 changed days")
base = rank("store", "--index", "pm2_5", "--by", "site", "--period", "2026-02-28", "--format", "csv").stdout

# the reports read the cache: empty the cities' cached days (no trigger watches the cache) and the
# city ranking has no city any more; a full rollup brings them back
db = sqlite3.connect(f"{data}/ecobrain.db")
db.execute("DELETE FROM airday WHERE level = 1"); db.execute("DELETE FROM airday_has WHERE level = 1"); db.commit(); db.close()
e = rank("store", "--index", "composite", "--by", "city", "--period", "2026-02-28")
check(e.returncode == 2 and b"no city has data" in e.stderr, f"with the cities' cached days gone, rank --by city finds none ({e.stderr.decode().strip()[-100:]})")
stop(srv)
ro = subprocess.run([eb, "store", "rollup", "--data", data, "--full"], capture_output=True, text=True)
check(ro.returncode == 0 and "rebuilt" in ro.stderr, f"store rollup --full rebuilds it ({ro.stderr.strip()[-120:]})")
a, c = rank("store", "--index", "composite", "--by", "city", "--period", "2026-02-28"), rank("csv", "--index", "composite", "--by", "city", "--period", "2026-02-28")
check(a.returncode == 0 and a.stdout == c.stdout, "after it the cities are back, as the CSV route has them")

# a revised and a late value, with no background refresh: the changed days are recomputed from hours at once
srv, port = serve(0)
def send(segs):
    s = socket.create_connection(("127.0.0.1", int(port)), timeout=10)
    for seg in segs: s.sendall(e2e_lib.frame(seg))
    got, buf, t0 = 0, b"", time.time()
    while got < len(segs) and time.time() - t0 < 20:
        buf += s.recv(65536)
        got = buf.count(b"CN=9014")
    s.close()
    return got == len(segs)
def hour_seg(mn, qn, dt, pm25):
    return (f"QN={qn};ST=22;CN=2061;PW=123456;MN={mn};Flag=5;CP=&&DataTime={dt};"
            f"a34004-Avg={pm25},a34004-Flag=N&&")
ok = send([hour_seg("SIMA00000002", "20260302000000001", "20260228120000", "950.0")])
check(ok, "a revised PM2.5 hour of A2 (2026-02-28 12:00) is acknowledged")
st = status()
check(int(st.get("dirty_days", "0")) >= 1, f"the revision marked its day dirty in the same commit ({st})")
rev = rank("store", "--index", "pm2_5", "--by", "site", "--period", "2026-02-28", "--format", "csv")
check("1 changed day recomputed" in rev.stderr.decode(), f"rank --data recomputes that day from hours ({rev.stderr.decode().strip()[-90:]})")
check(rev.stdout != base, "the revised value changes the ranking")
hours = csv_files()
all_same("after a revision, before any refresh", "from cache (1 changed day")
lb = rank("store", "--index", "pm2_5", "--by", "site", "--period", "2026-02-26", "--format", "csv").stdout.decode()
late = [hour_seg("SIMA00000003", "2026030200000%04d" % h, "20260226%02d0000" % h, "%d.0" % (20 + h)) for h in range(24)]
# and a day on which A3, 宁波市's only site with data that day, did not monitor PM2.5 ("/"): while A3 is
# 宁波市's only site those hours are "not monitored" for the city, once A2 joins it they are missing (HJ 663)
def full_seg(qn, dt):
    return (f"QN={qn};ST=22;CN=2061;PW=123456;MN=SIMA00000003;Flag=5;CP=&&DataTime={dt};a21026-Avg=8.0,a21026-Flag=N;"
            "a21004-Avg=20.0,a21004-Flag=N;a21005-Avg=0.60,a21005-Flag=N;a05024-Avg=60.0,a05024-Flag=N;"
            "a34002-Avg=300.0,a34002-Flag=N;a34004-Avg=/,a34004-Flag=N&&")
late += [full_seg("2026030300000%04d" % h, "20260225%02d0000" % h) for h in range(24)]
check(send(late), "24 late hours of A3 on 2026-02-26, and 24 hours of '/' on 2026-02-25, are acknowledged")
hours = csv_files()
all_same("after late days, before any refresh", "from cache (3 changed days")
lt = rank("store", "--index", "pm2_5", "--by", "site", "--period", "2026-02-26", "--format", "csv").stdout.decode()
check(lt != lb and "\n1,A3,32," in lt and "1,A3," not in lb, f"the late day gives A3 a PM2.5 mean for 2026-02-26 ({lt.strip()})")
stop(srv)
ro = subprocess.run([eb, "store", "rollup", "--data", data], capture_output=True, text=True)
check(ro.returncode == 0 and "3 days recomputed" in ro.stderr and "rebuilt" not in ro.stderr,
      f"store rollup recomputes just the three changed days ({ro.stderr.strip()[-120:]})")
all_same("after store rollup", "from cache (0 changed days")

# a catalogue change: A2 moves to 宁波市
before_city = rank("store", "--index", "pm2_5", "--by", "city", "--period", "2026-02-28", "--format", "csv").stdout
with open(f"{tmp}/sites2.csv", "w") as f:
    f.write("code,kind,name,province,city,county\nA2,air,b,P省,宁波市,钱塘区\n")
r = subprocess.run([eb, "site", "import", "--data", data, f"{tmp}/sites2.csv"], capture_output=True, text=True)
check(r.returncode == 0, "A2 moved to 宁波市 in the catalogue")
# the cached day holds both readings of those hours (daycache.h): its entry's flag says so
db = sqlite3.connect(f"file:{data}/ecobrain.db?mode=ro", uri=True)
blob = db.execute("SELECT days FROM airday WHERE level = 1 AND basis = 0 AND entity = '宁波市' AND month = ?",
                  (2026 * 12 + 1,)).fetchone()[0]
db.close()
mask, pos, flags = int.from_bytes(blob[:4], "little"), 4, {}
for d in range(31):
    if mask >> d & 1:
        flags[d + 1] = blob[pos] & 1
        pos += 3 + 64 * (2 if blob[pos] & 1 else 1)
check(flags.get(25) == 1 and flags.get(26) == 0, f"宁波市's 2026-02-25 is cached with its second reading, 02-26 without ({flags})")
write_sites("after")
all_same("after the catalogue change, before any refresh", "hours: the catalogue changed")
ro = subprocess.run([eb, "store", "rollup", "--data", data], capture_output=True, text=True)
check(ro.returncode == 0 and "rebuilt" in ro.stderr, f"store rollup rebuilds the cache for the new catalogue ({ro.stderr.strip()[-120:]})")
all_same("after the rebuild", "from cache (0 changed days")
check(rank("store", "--index", "pm2_5", "--by", "city", "--period", "2026-02-28", "--format", "csv").stdout != before_city,
      "the move changes the cities' figures (the checks above are not vacuous)")
finish()
PY
