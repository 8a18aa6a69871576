#!/usr/bin/env bash
# End-to-end tests of `ecobrain hj212 decode|encode` against the shared HJ 212
# vectors (../shared/testdata/hj212: packets nobody on the project wrote, each
# with the verdict a correct parser must reach), plus round trips and the
# replies the standard's Annex C prints. Skips (exit 77) without the data.
set -u
B=${ECOBRAIN:?set ECOBRAIN to the ecobrain binary}
D=${ECO_SHARED_DIR:-../shared}/testdata/hj212
if [ ! -f "$D/vectors.tsv" ]; then
  echo "SKIP: $D/vectors.tsv not found (the shared test data is not beside the clone)"
  exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
python3 - "$B" "$D" "$T" <<'PY'
import csv, json, subprocess, sys, os
B, D, T = sys.argv[1:4]
passed = failed = 0
def check(name, cond, detail=""):
    global passed, failed
    if cond: passed += 1
    else:
        failed += 1
        print(f"FAIL: {name} {detail}")

def decode(lines, *opts, binary=False):
    data = b"".join(l + b"\n" for l in lines) if binary else "".join(l + "\n" for l in lines).encode()
    p = subprocess.run([B, "hj212", "decode", *opts, "-"], input=data, capture_output=True)
    check("decode exit 0 " + " ".join(opts), p.returncode == 0, p.stderr.decode(errors="replace"))
    return [json.loads(x) for x in p.stdout.decode().splitlines()]

# 1. every vector reaches its verdict (the GBK one is fed as GBK bytes)
rows = list(csv.DictReader(open(f"{D}/vectors.tsv", encoding="utf-8"), delimiter="\t"))
pk = []
for r in rows:
    s = r["packet_without_CRLF"].encode("utf-8")
    if r["encoding"].lower() == "gbk":
        s = r["packet_without_CRLF"].encode("gbk")
    pk.append(s)
out = decode(pk, binary=True)
check("one result per vector", len(out) == len(rows), f"{len(out)} != {len(rows)}")
match = 0
for r, o in zip(rows, out):
    got = "OK" if o["ok"] else o["error"]
    if got == r["verdict"]: match += 1
    else: print(f"  vector {r['id']}: want {r['verdict']}, got {got} ({o.get('detail','')})")
check(f"vector verdicts {match}/{len(rows)}", match == len(rows))
print(f"vector verdicts: {match}/{len(rows)} match")
byid = {r["id"]: o for r, o in zip(rows, out)}
for r, o in zip(rows, out):
    if o["ok"]:
        # (the table leaves ST empty where the standard's typo hides it: QN=...,ST=32)
        check(f"{r['id']} ST/CN", (not r["ST"] or o["st"] == r["ST"]) and o["cn"] == r["CN"], f"{o['st']}/{o['cn']}")
        check(f"{r['id']} CRC", o["crc"].upper() == r["crc_correct"].upper(), o["crc"])

# 2. a known parse (vectors.md: XY-0139, 2005 style, no QN/Flag, ms DataTime)
x = byid.get("XY-0139")
if x:
    check("XY-0139 edition 2005", x["edition"] == "2005", x["edition"])
    check("XY-0139 no QN/Flag", x["qn"] is None and x["flag"] is None)
    rec = {r["factor"]: r for r in x["records"]}
    check("XY-0139 011-Rtd", rec["011"]["fields"].get("Rtd") == "231.0", rec.get("011"))
    check("XY-0139 060-Flag", rec["060"]["fields"].get("Flag") == "N")
    check("XY-0139 time", rec["011"]["time"] == "20160824003817000", rec["011"]["time"])
    check("XY-0139 2005 code mapped", rec["011"].get("code") == "w01018", rec["011"].get("code"))

# 3. the files of OK and bad packets
ok = [l.rstrip(b"\r\n") for l in open(f"{D}/packets_ok.txt", "rb") if l.strip()]
bad = [l.rstrip(b"\r\n") for l in open(f"{D}/packets_bad.txt", "rb") if l.strip()]
o1 = decode(ok, binary=True); o2 = decode(bad, binary=True)
check("packets_ok all ok", all(o["ok"] for o in o1), [o.get("detail") for o in o1 if not o["ok"]][:3])
check("packets_bad all rejected", not any(o["ok"] for o in o2))
print(f"packets_ok: {sum(o['ok'] for o in o1)}/{len(o1)} ok; packets_bad: {sum(not o['ok'] for o in o2)}/{len(o2)} rejected")

# 4. replies equal the standard's Annex C examples (request -> reply vector)
pairs = [("D17-C.14-2011", "D17-C.14-9014"), ("D17-C.16-2051", "D17-C.16-9014"),
         ("D17-C.50-P1", "D17-C.50-9014a"), ("D17-C.4-1013", "D17-C.11-9013")]
pk_by_id = {r["id"]: r["packet_without_CRLF"] for r in rows}
for req, rep in pairs:
    if req in byid and rep in pk_by_id:
        got = byid[req]["reply"]
        want = pk_by_id[rep]
        if req == "D17-C.4-1013":   # the standard's 9013 to 1013 has a stray space (CP=&& &&); compare the structure
            check(f"reply to {req}", got is not None and ";CN=9013;" in got and "ST=91" in got and "Flag=4" in got, got)
        else:
            check(f"reply to {req}", got == want, f"got {got} want {want}")
check("no reply to Flag=4 upload", byid["FL-0411"]["reply"] is None if "FL-0411" in byid else True)

# 5. encode -> decode round trip, 2017 and 2025 encrypted
p = subprocess.run([B, "hj212", "encode", "--qn", "20260411080000123", "--st", "22", "--cn", "2061",
                    "--mn", "ZJHZ0001", "--flag", "5",
                    "--cp", "DataTime=20260411070000;a34004-Avg=35,a34004-Flag=N;a05024-Avg=120,a05024-Flag=N"],
                   capture_output=True)
check("encode exit 0", p.returncode == 0, p.stderr)
pkt = p.stdout.rstrip(b"\r\n")
check("encode ends with CRLF", p.stdout.endswith(b"\r\n"))
o = decode([pkt], binary=True)[0]
check("round trip ok", o["ok"], o)
if o["ok"]:
    rec = {r["factor"]: r["fields"] for r in o["records"]}
    check("round trip values", rec["a34004"]["Avg"] == "35" and rec["a05024"]["Flag"] == "N", rec)
    check("round trip header", o["qn"] == "20260411080000123" and o["cn"] == "2061" and o["mn"] == "ZJHZ0001")
key = "30" * 16
p = subprocess.run([B, "hj212", "encode", "--hex", "--key", key, "--qn", "20240520210700000", "--st", "31", "--cn", "2051",
                    "--mn", "010000A8900016F000169DC0", "--flag", "9", "--cp",
                    "DataTime=20240520210600;a01011-Min=1.35,a01011-Avg=1.35,a01011-Max=1.35,a01011-Flag=N;a01014-Min=3.20,a01014-Avg=3.20,a01014-Max=3.20,a01014-Flag=N"],
                   capture_output=True)
check("encode 2025 encrypted exit 0", p.returncode == 0, p.stderr)
hexpkt = p.stdout.strip()
md = open(f"{D}/vectors.md", encoding="utf-8").read()
want4 = md.split("example 4 (246 bytes): `")[1].split("`")[0] if "example 4 (246 bytes): `" in md else None
if want4:
    check("2025 A.2 example 4 wire bytes", hexpkt.decode().upper() == want4.upper(), hexpkt[:60])
o = decode([hexpkt], "--hex", "--key", key, binary=True)[0]
check("2025 encrypted decodes with the key", o["ok"] and o["crc"] == "B541", o)
o = decode([hexpkt], "--hex", binary=True)[0]
check("2025 encrypted without a key is refused", not o["ok"], o)

# 6. a raw stream: garbage, two frames in one read, a bad frame, then a good one
off = [pk_by_id["OFF17-A"].encode(), pk_by_id["FL-0411"].encode()]
stream = b"AT+CSQ\r\n+CSQ: 23,0\r\n" + off[0] + b"\r\n" + off[1] + b"\r\n" + pk_by_id["NEG-XY-I6"].encode() + b"\r\n" + off[0] + b"\r\n"
p = subprocess.run([B, "hj212", "decode", "--stream", "-"], input=stream, capture_output=True)
res = [json.loads(x) for x in p.stdout.decode().splitlines()]
good = [r for r in res if r["ok"]]
check("stream: three good frames", len(good) == 3 and good[0]["cn"] == "1062" and good[1]["cn"] == "2051", [r.get("cn", r.get("error")) for r in res])
check("stream: the bad frame reported", any(not r["ok"] for r in res))

# 7. strict vs tolerant: bare \n trailer inside a stream
p1 = subprocess.run([B, "hj212", "decode", "--stream", "-"], input=off[0] + b"\n" + off[0] + b"\r\n", capture_output=True)
p2 = subprocess.run([B, "hj212", "decode", "--stream", "--tolerant", "-"], input=off[0] + b"\n" + off[0] + b"\r\n", capture_output=True)
n1 = sum(json.loads(x)["ok"] for x in p1.stdout.decode().splitlines())
n2 = sum(json.loads(x)["ok"] for x in p2.stdout.decode().splitlines())
check("strict rejects a bare \\n trailer, tolerant accepts it", n1 == 1 and n2 == 2, (n1, n2))

# 8. usage errors
p = subprocess.run([B, "hj212", "decode", "--format", "xml"], capture_output=True)
check("bad --format exits 2", p.returncode == 2)
p = subprocess.run([B, "hj212", "encode", "--cp", "x=1"], capture_output=True)
check("encode without --mn exits 2", p.returncode == 2)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
