#!/usr/bin/env bash
# End-to-end tests of `ecobrain noise assess` and `ecobrain radiation assess`:
# the real binary on crafted CSV files, values checked against hand arithmetic
# from the notes (GB 3096-2008 limits, energy averaging, HJ 640 point-time
# rates reproducing a published table) and exit codes / error messages.
set -u
B=${ECOBRAIN:?set ECOBRAIN to the ecobrain binary}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok()   { pass=$((pass + 1)); }
bad()  { fail=$((fail + 1)); echo "FAIL: $*"; }
expect_eq() { if [ "$2" == "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }
# field NAME of the first CSV row whose fields K1=V1 (and K2=V2)
col() { # file name k1 v1 [k2 v2 [k3 v3]]
  awk -F, -v name="$2" -v k1="$3" -v v1="$4" -v k2="${5:-}" -v v2="${6:-}" -v k3="${7:-}" -v v3="${8:-}" '
    NR==1 { for (i=1;i<=NF;i++) idx[$i]=i; next }
    $idx[k1]==v1 && (k2=="" || $idx[k2]==v2) && (k3=="" || $idx[k3]==v3) { print $idx[name]; exit }' "$1"
}

for c in "noise assess" "radiation assess" "noise" "radiation"; do
  $B $c --help >/dev/null 2>&1 && ok || bad "$c --help exits 0"
done
$B noise >/dev/null 2>&1; expect_eq "noise without subcommand" $? 2
$B radiation nosuch >/dev/null 2>&1; expect_eq "radiation unknown subcommand" $? 2

# ---------------------------------------------------------------- noise
# samples: A (zone 2) day hour 06 = {60,70} → 67.40, hour 07 = {58} → Ld = energy
# mean of hours = 10·lg((10^6.740 + 10^5.8)/2) = 64.86; night 22:00 50, 05:59 (next
# day, same night) 52 → Ln = 51.11. C: ten samples 50..59 in one hour → L10 59,
# L50 55, L90 51 (descending, ceil(p·N)-th). D (zone 2) night burst Lmax 66 > 50+15.
cat > "$T/s.csv" <<'CSV'
point,zone,time,leq
A,2,2024-05-01 06:00,60
A,2,2024-05-01 06:30,70
A,2,2024-05-01 07:00,58
A,2,2024-05-01 22:00,50
A,2,2024-05-02 05:59,52
C,1,2024-05-01 10:00,50
C,1,2024-05-01 10:01,51
C,1,2024-05-01 10:02,52
C,1,2024-05-01 10:03,53
C,1,2024-05-01 10:04,54
C,1,2024-05-01 10:05,55
C,1,2024-05-01 10:06,56
C,1,2024-05-01 10:07,57
C,1,2024-05-01 10:08,58
C,1,2024-05-01 10:09,59
D,2,2024-05-01 23:00,40
D,2,2024-05-01 23:10,66
D,2,2024-05-01 23:20,NA
CSV
$B noise assess "$T/s.csv" > "$T/s.out" 2>"$T/s.err"; expect_eq "noise samples exit" $? 0
expect_eq "A Ld" "$(col "$T/s.out" leq point A period day)" 64.9
expect_eq "A Ld hours" "$(col "$T/s.out" hours point A period day)" 2
expect_eq "A Ld samples" "$(col "$T/s.out" samples point A period day)" 3
expect_eq "A Ld complies (limit 60)" "$(col "$T/s.out" complies point A period day)" N
expect_eq "A Ln" "$(col "$T/s.out" leq point A period night)" 51.1
expect_eq "A night date is the evening's" "$(col "$T/s.out" date point A period night)" 2024-05-01
want_ldn=$(awk 'BEGIN{ld=10*log(( (1e6+1e7)/2 + 10^5.8)/2)/log(10); ln=10*log((1e5+10^5.2)/2)/log(10);
  printf "%.1f", 10*log((16*10^(ld/10)+8*10^((ln+10)/10))/24)/log(10)}')
expect_eq "A Ldn" "$(col "$T/s.out" ldn point A period day)" "$want_ldn"
expect_eq "C L10" "$(col "$T/s.out" l10 point C)" 59.0
expect_eq "C L50" "$(col "$T/s.out" l50 point C)" 55.0
expect_eq "C L90" "$(col "$T/s.out" l90 point C)" 51.0
expect_eq "C Lmax" "$(col "$T/s.out" lmax point C)" 59.0
expect_eq "C zone 1 limit" "$(col "$T/s.out" limit point C)" 55
expect_eq "D burst" "$(col "$T/s.out" burst_ok point D)" N
expect_eq "D samples (NA skipped)" "$(col "$T/s.out" samples point D)" 2
# shifted split 07:00-23:00: A's 06:xx samples become night of 04-30; D's 23:xx night
$B noise assess --day-start 07:00 --night-start 23:00 "$T/s.csv" > "$T/s2.out" 2>/dev/null
expect_eq "shifted: A 06:xx night of 04-30" "$(col "$T/s2.out" leq point A date 2024-04-30)" 67.4
expect_eq "shifted: A day = 07:00 + 22:00" "$(col "$T/s2.out" samples point A date 2024-05-01 period day)" 2
# JSON and text
$B noise assess --format json "$T/s.csv" 2>/dev/null | grep -q '"leq":64.9' && ok || bad "json leq"
$B noise assess --format text "$T/s.csv" 2>/dev/null | head -1 | grep -q '^point' && ok || bad "text header"
$B noise assess --columns point,leq "$T/s.csv" 2>/dev/null | head -1 | grep -qx 'point,leq' && ok || bad "--columns"

# aggregated day/night values: every boundary is equality-complies
cat > "$T/a.csv" <<'CSV'
point,zone,date,ld,ln
P0,0,2024-01-01,50.0,40.1
P1,1类,2024-01-01,55.04,45
P2,2,2024-01-01,60.05,50
P3,3,2024-01-01,65,55
P4,4a,2024-01-01,70,60
P5,4b,2024-01-01,70.1,60
P6,4,2024-01-01,65,55
P7,2,2024-01-01,60,
CSV
$B noise assess "$T/a.csv" > "$T/a.out" 2>/dev/null; expect_eq "aggregated exit" $? 0
for x in "P0 day Y" "P0 night N" "P1 day Y" "P1 night Y" "P2 day N" "P2 night Y" "P3 day Y" "P3 night Y" \
         "P4 day Y" "P4 night N" "P5 day N" "P5 night Y" "P6 night Y"; do
  set -- $x; expect_eq "boundary $1 $2" "$(col "$T/a.out" complies point $1 period $2)" $3
done
expect_eq "P6 '4' read as 4a" "$(col "$T/a.out" zone point P6)" 4a
expect_eq "P3 Ldn = Ld when Ln = Ld-10" "$(col "$T/a.out" ldn point P3)" 65.0
expect_eq "P7 no night row" "$(col "$T/a.out" period point P7 period night)" ""
expect_eq "P7 no Ldn" "$(col "$T/a.out" ldn point P7)" ""
$B noise assess --by zone "$T/a.csv" > "$T/az.out" 2>/dev/null
expect_eq "zone all day monitored" "$(col "$T/az.out" monitored zone all period day)" 8
expect_eq "zone all day compliant" "$(col "$T/az.out" compliant zone all period day)" 6
expect_eq "zone all night monitored" "$(col "$T/az.out" monitored zone all period night)" 7
expect_eq "zone 4a night rate" "$(col "$T/az.out" rate zone 4a period night)" 50.0

# HJ 640 published table: Hunan 2021-Q4 (published_aggregates.csv), point-times
# per zone as (n, day ok, night ok): 1类 18/15/14, 2类 85/83/82, 3类 29/29/28, and
# the remaining 24 (4类) 24/15 so totals are 151/156 and 139/156.
awk 'BEGIN { print "point,zone,date,ld,ln";
  split("1 18 15 14|2 85 83 82|3 29 29 28|4a 24 24 15", g, "|");
  for (k = 1; k <= 4; k++) { split(g[k], f, " ");
    lim_d = (f[1]=="1") ? 55 : (f[1]=="2") ? 60 : (f[1]=="3") ? 65 : 70;
    lim_n = (f[1]=="1") ? 45 : (f[1]=="2") ? 50 : 55;
    for (i = 1; i <= f[2]; i++)
      printf "z%s-%d,%s,2021-11-0%d,%.1f,%.1f\n", f[1], i, f[1], 1 + i % 5,
             lim_d + (i <= f[3] ? -0.5 : 0.5), lim_n + (i <= f[4] ? 0 : 1.2) } }' > "$T/hunan.csv"
$B noise assess --by zone "$T/hunan.csv" > "$T/hunan.out" 2>/dev/null
expect_eq "Hunan 2021-Q4 day rate" "$(col "$T/hunan.out" rate zone all period day)" 96.8
expect_eq "Hunan 2021-Q4 night rate" "$(col "$T/hunan.out" rate zone all period night)" 89.1
expect_eq "Hunan 1类 day" "$(col "$T/hunan.out" rate zone 1 period day)" 83.3
expect_eq "Hunan 1类 night" "$(col "$T/hunan.out" rate zone 1 period night)" 77.8
expect_eq "Hunan 2类 day" "$(col "$T/hunan.out" rate zone 2 period day)" 97.6
expect_eq "Hunan 2类 night" "$(col "$T/hunan.out" rate zone 2 period night)" 96.5
expect_eq "Hunan 3类 night" "$(col "$T/hunan.out" rate zone 3 period night)" 96.6

# errors
printf 'point,zone,time,leq\nA,5,2024-01-01 10:00,50\nB,2,2024-01-01 10:00,abc\nC,2,nodate,50\nD,2,2024-01-01 10:00,55\n' > "$T/bad.csv"
$B noise assess "$T/bad.csv" > "$T/bad.out" 2>"$T/bad.err"; expect_eq "bad rows skipped exit" $? 0
grep -q 'bad.csv:2:2: zone' "$T/bad.err" && ok || bad "bad zone names file:line:col"
grep -q 'bad.csv:3:4: leq' "$T/bad.err" && ok || bad "bad level names file:line:col"
grep -q 'bad.csv:4:3: time' "$T/bad.err" && ok || bad "bad time names file:line:col"
expect_eq "good row kept" "$(col "$T/bad.out" leq point D)" 55.0
printf 'point,zone,time,leq\nA,2,2024-01-01 10:00,"50\n' > "$T/q.csv"
$B noise assess "$T/q.csv" >/dev/null 2>&1; expect_eq "malformed CSV exit" $? 2
printf 'point,time,leq\nA,2024-01-01 10:00,50\n' > "$T/nz.csv"
$B noise assess "$T/nz.csv" >/dev/null 2>"$T/nz.err"; expect_eq "missing zone column exit" $? 2
grep -q "no 'zone' column" "$T/nz.err" && ok || bad "missing zone message"
$B noise assess --day-start 23:00 "$T/s.csv" >/dev/null 2>&1; expect_eq "day-start after night-start" $? 2
$B noise assess --day-start 6h "$T/s.csv" >/dev/null 2>&1; expect_eq "bad HH:MM" $? 2
$B noise assess --by city "$T/s.csv" >/dev/null 2>&1; expect_eq "bad --by" $? 2
$B noise assess "$T/none.csv" >/dev/null 2>&1; expect_eq "missing file" $? 2
$B noise assess - < "$T/s.csv" 2>/dev/null | grep -q '^A,2,2024-05-01,day,64.9' && ok || bad "stdin input"

# ---------------------------------------------------------------- radiation
# Guangzhou 2013 (notes §8): 105.9-109.0 nGy/h against 69.3-266.9 → normal
printf 'station,time,dose_rate\nGZ,2013-12-19 09:00,105.9\nGZ,2013-12-19 21:00,107.4\nGZ,2013-12-20 09:00,109.0\n' > "$T/gz.csv"
$B radiation assess --background 69.3..266.9 "$T/gz.csv" > "$T/gz.out" 2>/dev/null; expect_eq "gz exit" $? 0
expect_eq "Guangzhou normal rows" "$(grep -c ',normal$' "$T/gz.out")" 3

# baseline day 1 = {100,102,98,100}: mean 100, sd sqrt(8/3) = 1.633, range 95.1..104.9,
# investigate 1.5 × 104.899 = 157.3, alarm 209.8
cat > "$T/r.csv" <<'CSV'
station,time,dose_rate
S,2024-01-01 00:00,100
S,2024-01-01 01:00,102
S,2024-01-01 02:00,98
S,2024-01-01 03:00,100
S,2024-01-02 00:00,107
S,2024-01-02 01:00,160
S,2024-01-02 01:30,150
S,2024-01-02 02:00,230
S,2024-01-02 03:00,
U,2024-01-02 03:00,90
CSV
$B radiation assess --baseline 2024-01-01..2024-01-01 "$T/r.csv" > "$T/r.out" 2>"$T/r.err"; expect_eq "rad exit" $? 0
expect_eq "bg_lo" "$(col "$T/r.out" bg_lo time '2024-01-01 00:00')" 95.1
expect_eq "bg_hi" "$(col "$T/r.out" bg_hi time '2024-01-01 00:00')" 104.9
expect_eq "investigate level" "$(col "$T/r.out" investigate time '2024-01-01 00:00')" 157.3
expect_eq "alarm level" "$(col "$T/r.out" alarm time '2024-01-01 00:00')" 209.8
expect_eq "102 normal" "$(col "$T/r.out" flag dose_rate 102)" normal
expect_eq "107 above" "$(col "$T/r.out" flag dose_rate 107)" above_background
expect_eq "160 investigate" "$(col "$T/r.out" flag dose_rate 160)" investigate
expect_eq "150 above" "$(col "$T/r.out" flag dose_rate 150)" above_background
expect_eq "230 alarm" "$(col "$T/r.out" flag dose_rate 230)" alarm
expect_eq "missing reading unflagged" "$(col "$T/r.out" flag time '2024-01-02 03:00' station S)" ""
grep -q "station 'U'" "$T/r.err" && ok || bad "station without baseline warned"
$B radiation assess --baseline 2024-01-01..2024-01-01 --by hour "$T/r.csv" > "$T/rh.out" 2>/dev/null
expect_eq "hour n" "$(col "$T/rh.out" n period '2024-01-02 01:00')" 2
expect_eq "hour mean" "$(col "$T/rh.out" mean period '2024-01-02 01:00')" 155.0
expect_eq "hour max" "$(col "$T/rh.out" max period '2024-01-02 01:00')" 160
expect_eq "hour flag = worst" "$(col "$T/rh.out" flag period '2024-01-02 01:00')" investigate
$B radiation assess --baseline ..2024-01-01 --by day "$T/r.csv" > "$T/rd.out" 2>/dev/null
expect_eq "day 1 mean" "$(col "$T/rd.out" mean period 2024-01-01)" 100.0
expect_eq "day 2 n" "$(col "$T/rd.out" n period 2024-01-02 station S)" 4
expect_eq "day 2 mean" "$(col "$T/rd.out" mean period 2024-01-02 station S)" 161.8
expect_eq "day 2 flag" "$(col "$T/rd.out" flag period 2024-01-02 station S)" alarm
$B radiation assess --baseline 2024-01-01..2024-01-01 --by station "$T/r.csv" > "$T/rs.out" 2>/dev/null
expect_eq "station baseline_n" "$(col "$T/rs.out" baseline_n station S)" 4
expect_eq "station bg_sd" "$(col "$T/rs.out" bg_sd station S)" 1.63
expect_eq "station n_above" "$(col "$T/rs.out" n_above station S)" 2
expect_eq "station n_alarm" "$(col "$T/rs.out" n_alarm station S)" 1
# minmax range 98..102, absolute levels
$B radiation assess --baseline 2024-01-01..2024-01-01 --method minmax --investigate 150 --alarm 1000 "$T/r.csv" > "$T/rm.out" 2>/dev/null
expect_eq "minmax bg_hi" "$(col "$T/rm.out" bg_hi dose_rate 100)" 102.0
expect_eq "abs: 150 not above 150" "$(col "$T/rm.out" flag dose_rate 150)" above_background
expect_eq "abs: 230 investigate" "$(col "$T/rm.out" flag dose_rate 230)" investigate
$B radiation assess --baseline 2024-01-01..2024-01-01 --k 2 "$T/r.csv" > "$T/rk.out" 2>/dev/null
expect_eq "k=2 bg_hi" "$(col "$T/rk.out" bg_hi dose_rate 100)" 103.3
$B radiation assess --format json --background 69.3..266.9 "$T/gz.csv" 2>/dev/null | grep -q '"flag":"normal"' && ok || bad "rad json"
# errors
$B radiation assess --baseline 2024-13-01..2024-01-02 "$T/r.csv" >/dev/null 2>&1; expect_eq "bad baseline" $? 2
$B radiation assess --background 300..200 "$T/r.csv" >/dev/null 2>&1; expect_eq "bad background" $? 2
$B radiation assess --k -1 "$T/r.csv" >/dev/null 2>&1; expect_eq "bad k" $? 2
$B radiation assess --by week "$T/r.csv" >/dev/null 2>&1; expect_eq "bad --by" $? 2
printf 'station,time,dose_rate\nS,2024-01-01 00:00,-5\nS,2024-01-01 01:00,x\n' > "$T/rb.csv"
$B radiation assess "$T/rb.csv" >/dev/null 2>"$T/rb.err"; expect_eq "bad readings skipped exit" $? 0
grep -q 'rb.csv:2:3: dose_rate: negative value' "$T/rb.err" && ok || bad "negative dose names file:line:col"
grep -q 'rb.csv:3:3: dose_rate: not a number' "$T/rb.err" && ok || bad "bad dose names file:line:col"
printf 'station,when,dose_rate\n' > "$T/rc.csv"
$B radiation assess "$T/rc.csv" >/dev/null 2>&1; expect_eq "missing time column" $? 2

echo "noise/radiation e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
