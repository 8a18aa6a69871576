#!/usr/bin/env bash
# End-to-end tests of `ecobrain air aqi` and `ecobrain air assess`: the real
# binary on crafted CSV files, checking values against the standards' own
# arithmetic (HJ 633 tables, HJ 663 rules), exit codes and error messages.
set -u
B=${ECOBRAIN:?set ECOBRAIN to the ecobrain binary}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok()   { pass=$((pass + 1)); }
bad()  { fail=$((fail + 1)); echo "FAIL: $*"; }
expect_eq() { # name got want
  if [ "$2" == "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi
}
# field NAME of the CSV row whose first field is KEY (and second field SECOND if given)
col() { # file key name [second]
  awk -F, -v key="$2" -v name="$3" -v second="${4:-}" '
    NR==1 { for (i=1;i<=NF;i++) idx[$i]=i; next }
    $1==key && (second=="" || $2==second) { print $idx[name]; exit }' "$1"
}

# --- help and version
"$B" --version | grep -q 'HJ 633-2026' && ok || bad "--version names the editions"
for c in "air aqi" "air assess" "air synth"; do
  $B $c --help >/dev/null 2>&1 && ok || bad "$c --help exits 0"
done
$B nosuch >/dev/null 2>&1; expect_eq "unknown command exit" $? 2

# --- real-time AQI: HJ 633 vectors, both editions (values from the tables, §7 of the notes)
cat > "$T/rt.csv" <<'CSV'
StationCode,TimePoint,SO2,NO2,CO,O3,PM10,PM2.5,extra
1074A,2022-01-01 00:00,10,59,1.2,20,94,127,x
1041A,2022-01-01 00:00,5,30,0.8,40,94,52,x
before,2026-03-01 00:00,5,20,0.5,60,40,45,x
after,2026-03-01 01:00,5,20,0.5,60,40,45,x
big,2023-04-11 08:00,5,20,0.5,60,1153,80,x
low,2026-04-01 08:00,0,0,0,0,0,0,x
round,2026-04-01 09:00,1,1,0.1,1,1,35.5,x
round2,2026-04-01 09:00,1,1,0.1,1,1,34.5,x
so2,2026-04-01 10:00,801,1,0.1,1,1,1,x
CSV
"$B" air aqi "$T/rt.csv" > "$T/rt.out" 2> "$T/rt.err"; expect_eq "aqi exit" $? 0
expect_eq "header" "$(head -1 "$T/rt.out")" "site,time,aqi,level,category,primary,iaqi_so2,iaqi_no2,iaqi_co,iaqi_o3,iaqi_o3_8h,iaqi_pm10,iaqi_pm2_5"
expect_eq "PM2.5 127 ceiled" "$(col "$T/rt.out" 1074A aqi)" 168
expect_eq "NO2 1-h 59" "$(col "$T/rt.out" 1074A iaqi_no2)" 30
expect_eq "category zh" "$(col "$T/rt.out" 1074A category)" "中度污染"
expect_eq "tie: both primary" "$(col "$T/rt.out" 1041A primary)" "PM10;PM2.5"
expect_eq "hour ending 2026-03-01 00:00 is still 2012" "$(col "$T/rt.out" before iaqi_pm2_5)" 63
expect_eq "hour ending 01:00 on the switch day is 2026" "$(col "$T/rt.out" after iaqi_pm2_5)" 70
expect_eq "above the top: 500" "$(col "$T/rt.out" big aqi)" 500
expect_eq "2026 AQI floor 1 and no primary" "$(col "$T/rt.out" low aqi),$(col "$T/rt.out" low primary)" "1,"
expect_eq "GB/T 8170 35.5 -> 36" "$(col "$T/rt.out" round iaqi_pm2_5)" 52
expect_eq "GB/T 8170 34.5 -> 34" "$(col "$T/rt.out" round2 iaqi_pm2_5)" 49
expect_eq "2026 SO2 1-h > 800 -> 200" "$(col "$T/rt.out" so2 iaqi_so2)" 200

# forced edition: the same 2026 row under the 2012 tables
"$B" air aqi --edition 2012 "$T/rt.csv" > "$T/rt12.out"
expect_eq "--edition 2012" "$(col "$T/rt12.out" after iaqi_pm2_5)" 63
"$B" air aqi --hour-label start "$T/rt.csv" > "$T/rts.out"
expect_eq "--hour-label start puts 2026-03-01 00:00 in 2026" "$(col "$T/rts.out" before iaqi_pm2_5)" 70

# --- --columns selects and orders; text is aligned for people
expect_eq "--columns order" "$("$B" air aqi --columns aqi,site "$T/rt.csv" | sed -n 2p)" "168,1074A"
"$B" air aqi --columns site,nosuch "$T/rt.csv" > /dev/null 2>&1; expect_eq "--columns unknown name" $? 2
expect_eq "text format" "$("$B" air aqi --format text --columns site,aqi,category "$T/rt.csv" | sed -n 2p)" "1074A   168  中度污染"

# --- missing vs not monitored, and the publication rules
cat > "$T/miss.csv" <<'CSV'
site,time,so2,no2,co,o3,pm10,pm2_5
na_low,2026-04-01 08:00,5,20,0.5,60,NA,45
na_high,2026-04-01 08:00,5,20,0.5,60,,160
nm,2026-04-01 08:00,5,20,0.5,60,/,45
na_2012,2025-04-01 08:00,5,20,0.5,60,-,160
CSV
"$B" air aqi "$T/miss.csv" > "$T/miss.out"
expect_eq "2026 NA, AQI <= 100: withheld" "$(col "$T/miss.out" na_low aqi)" ""
expect_eq "...IAQIs still given" "$(col "$T/miss.out" na_low iaqi_pm2_5)" 70
expect_eq "2026 NA, AQI > 100: published" "$(col "$T/miss.out" na_high aqi)" 210
expect_eq "not monitored does not block" "$(col "$T/miss.out" nm aqi)" 70
expect_eq "not monitored shown as /" "$(col "$T/miss.out" nm iaqi_pm10)" "/"
expect_eq "2012 NA: no AQI" "$(col "$T/miss.out" na_2012 aqi)" ""
"$B" air aqi --missing partial "$T/miss.csv" > "$T/missp.out"
expect_eq "--missing partial" "$(col "$T/missp.out" na_low aqi)" 70

# --- daily report: 2012 has O3 1-h max as an indicator, 2026 does not; O3 8-h > 800
cat > "$T/daily.csv" <<'CSV'
site,date,so2,no2,co,o3,o3_8h,pm10,pm2_5
d12,2025-07-01,5,20,0.5,300,150,40,30
d26,2026-07-01,5,20,0.5,300,150,40,30
o12,2025-07-01,5,20,0.5,900,900,40,30
o26,2026-07-01,5,20,0.5,900,900,40,30
CSV
"$B" air aqi --mode daily "$T/daily.csv" > "$T/daily.out"
expect_eq "2012 daily uses O3 1-h max" "$(col "$T/daily.out" d12 aqi),$(col "$T/daily.out" d12 primary)" "150,O3"
expect_eq "2026 daily ignores O3 1-h" "$(col "$T/daily.out" d26 aqi),$(col "$T/daily.out" d26 iaqi_o3)" "92,"
expect_eq "2026 O3 8-h > 800 -> 300" "$(col "$T/daily.out" o26 iaqi_o3_8h)" 300
expect_eq "2012 O3 8-h > 800 -> from 1-h (900)" "$(col "$T/daily.out" o12 iaqi_o3_8h)" "$(col "$T/daily.out" o12 iaqi_o3)"

# --- bad rows: reported with line and column, skipped, the rest kept
cat > "$T/bad.csv" <<'CSV'
site,time,so2,no2,co,o3,pm10,pm2_5
a,2026-04-01 08:00,5,20,0.5,60,40,abc
b,2026-04-01 08:00,5,20,0.5,60,40,-3
c,2026-13-01 08:00,5,20,0.5,60,40,30
d,2026-04-01 08:00,5,20,0.5,60,40,30
CSV
"$B" air aqi "$T/bad.csv" > "$T/bad.out" 2> "$T/bad.err"; expect_eq "bad values exit 0" $? 0
grep -q 'bad.csv:2:8: pm2_5: not a number' "$T/bad.err" && ok || bad "bad value names file:line:col"
grep -q 'bad.csv:3:8: pm2_5: negative' "$T/bad.err" && ok || bad "negative value reported"
grep -q 'bad.csv:4:2: time' "$T/bad.err" && ok || bad "bad time reported"
expect_eq "only the good row is output" "$(tail -n +2 "$T/bad.out" | cut -d, -f1 | tr '\n' ' ')" "d "

# --- malformed input: exit 2, file:line:col, following rows still read
printf 'site,time,pm2_5\nq,2026-04-01 08:00,"12\nr,2026-04-01 08:00,30\n' > "$T/quote.csv"
"$B" air aqi "$T/quote.csv" > /dev/null 2> "$T/quote.err"; expect_eq "unterminated quote exit" $? 2
grep -q 'quote.csv:2:3' "$T/quote.err" && ok || bad "unterminated quote names line:col ($(cat "$T/quote.err"))"
printf 'site,time,pm2_5\nq,2026-04-01 08:00,1,2\nr,2026-04-01 08:00,30\n' > "$T/fields.csv"
"$B" air aqi "$T/fields.csv" > "$T/fields.out" 2> "$T/fields.err"; expect_eq "field count exit" $? 2
expect_eq "row after a malformed one kept" "$(col "$T/fields.out" r aqi)" 43
printf 'site,pm2_5\nq,1\n' > "$T/notime.csv"
"$B" air aqi "$T/notime.csv" > /dev/null 2> "$T/notime.err"; expect_eq "no time column exit" $? 2
grep -q 'notime.csv:1: no time column' "$T/notime.err" && ok || bad "missing column message"
printf 'site,time,pm2_5\nq,2026-04-01 08:00,\xb1\xb1\n' > "$T/gbk.csv"
"$B" air aqi "$T/gbk.csv" > /dev/null 2> "$T/gbk.err"; expect_eq "GBK exit" $? 2
grep -q 'gbk.csv:2:3: not valid UTF-8' "$T/gbk.err" && ok || bad "GBK named ($(cat "$T/gbk.err"))"
printf '\xef\xbb\xbfsite,time,pm2_5\r\nq,2026-04-01 08:00,30\r\n' > "$T/bom.csv"
expect_eq "BOM + CRLF" "$("$B" air aqi "$T/bom.csv" | col /dev/stdin q aqi)" 43

# --- JSON is valid and carries the same numbers
"$B" air aqi --format json "$T/rt.csv" > "$T/rt.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r={x["site"]:x for x in d}; assert r["1074A"]["aqi"]==168 and r["1074A"]["colour"]=="#FF0000", r["1074A"]' "$T/rt.json" && ok || bad "json output"

# --- assess: a day of hours built so the answers follow from the rules
python3 - "$T" <<'PY'
import sys, datetime as dt
T = sys.argv[1]
rows = ["site,time,so2,no2,co,o3,pm10,pm2_5"]
def hour_end(day, h):  # label of the hour starting at h
    return (day + dt.timedelta(hours=h + 1)).strftime("%Y-%m-%d %H:%M")
# site A, 2025-06-01: 24 full hours; O3 = 100 except 200 in hours 10..17 (window ending 18:00 = 200)
d = dt.datetime(2025, 6, 1)
for h in range(24):
    o3 = 200 if 10 <= h <= 17 else 100
    rows.append(f"A,{hour_end(d, h)},10,40,1.0,{o3},50,35")
# site B, same day: only 19 valid PM2.5 hours -> daily PM2.5 invalid
for h in range(24):
    pm = "" if h < 5 else "35"
    rows.append(f"B,{hour_end(d, h)},10,40,1.0,100,50,{pm}")
# site C, 2025-06-01: O3 only in hours 0..12 -> 8 windows, max below the limit: MDA8 invalid
for h in range(24):
    o3 = "150" if h <= 12 else ""
    rows.append(f"C,{hour_end(d, h)},10,40,1.0,{o3},50,35")
# site M: a month (2025-04) with 26 valid days of SO2 and 27 of the rest
d = dt.datetime(2025, 4, 1)
for day in range(30):
    for h in range(24):
        so2 = "" if day < 4 else str(5 + day % 3)
        pm = "" if day < 3 else str(20 + day)
        rows.append(f"M,{hour_end(d + dt.timedelta(days=day), h)},{so2},30,0.8,80,50,{pm}")
open(f"{T}/hourly.csv", "w").write("\n".join(rows) + "\n")
open(f"{T}/sites.csv", "w").write("site,city,county,province\nA,杭州,西湖区,浙江\nB,杭州,上城区,浙江\nC,宁波,海曙区,浙江\n")
PY
"$B" air assess --period day "$T/hourly.csv" > "$T/day.out" 2> "$T/day.err"; expect_eq "assess day exit" $? 0
expect_eq "A MDA8 = window ending 18:00" "$(col "$T/day.out" A o3_8h)" 200
expect_eq "A O3 1-h max" "$(col "$T/day.out" A o3_1h)" 200
expect_eq "A daily PM2.5" "$(col "$T/day.out" A pm2_5)" 35
expect_eq "A daily AQI = IAQI(MDA8 200) under 2012" "$(col "$T/day.out" A aqi)" "$(python3 -c 'import math; print(math.ceil(100+(150-100)/(215-160)*(200-160)))')"
expect_eq "B 19 hours: PM2.5 empty" "$(col "$T/day.out" B pm2_5)" ""
grep -q '^B,.*pm2_5: 19 valid hours < 20' "$T/day.out" && ok || bad "B note names the 20-hour rule"
expect_eq "C 6 windows, below the limit: MDA8 empty" "$(col "$T/day.out" C o3_8h)" ""
# hours 0..12 valid: windows ending 08..15 hold >= 6 of them
expect_eq "C window count" "$(col "$T/day.out" C o3_8h_windows)" 8
"$B" air assess --period month "$T/hourly.csv" > "$T/month.out"
expect_eq "26 valid days: so2_mean empty" "$(col "$T/month.out" M so2_mean 2025-04)" ""
expect_eq "27 valid days: pm2_5_mean given" "$(col "$T/month.out" M pm2_5_mean 2025-04)" "$(python3 -c 'print(round(sum(20+d for d in range(3,30))/27))')"
expect_eq "required days April" "$(col "$T/month.out" M required_days 2025-04)" 27
grep -q '^M,2025-04,.*so2: 26 valid days < 27 required' "$T/month.out" && ok || bad "month note"
"$B" air assess --period day --by city --sites "$T/sites.csv" "$T/hourly.csv" > "$T/city.out" 2> "$T/city.err"
expect_eq "city PM2.5 = mean of its sites' hours" "$(col "$T/city.out" 杭州 pm2_5)" 35
grep -q "have no city" "$T/city.err" && ok || bad "unmapped site M reported"
"$B" air assess --period month --by city "$T/hourly.csv" > /dev/null 2>&1; expect_eq "--by city needs --sites" $? 2
"$B" air assess --period 2025-04-10..2025-04-01 "$T/hourly.csv" > /dev/null 2>&1; expect_eq "reversed range" $? 2
"$B" air assess --period 2025-04-01..2025-04-30 --format json "$T/hourly.csv" > "$T/range.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); m=[x for x in d if x["entity"]=="M"][0]; assert m["period"]=="2025-04-01..2025-04-30" and m["required_days"]==27 and m["so2_mean"] is None, m' "$T/range.json" && ok || bad "range json"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
