#!/usr/bin/env bash
# End-to-end tests of `ecobrain groundwater classify|assess` and
# `ecobrain sea classify|assess`: the real binary on crafted CSV files,
# checking classes against the limits of GB/T 14848-2017 and GB 3097-1997
# (water-noise-standards.md §5, §6), the HJ 442 grade, exit codes and errors.
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
# field NAME of the CSV row whose first field is KEY (no quoted commas before NAME)
col() { # file key name
  awk -F, -v key="$2" -v name="$3" '
    NR==1 { for (i=1;i<=NF;i++) idx[$i]=i; next }
    $1==key { print $idx[name]; exit }' "$1"
}

# --- help and usage
for c in "groundwater classify" "groundwater assess" "sea classify" "sea assess"; do
  $B $c --help >/dev/null 2>&1 && ok || bad "$c --help exits 0"
done
$B groundwater >/dev/null 2>&1; expect_eq "groundwater without subcommand" $? 2
$B sea nosuch >/dev/null 2>&1; expect_eq "sea unknown subcommand" $? 2
$B groundwater classify --items nosuch /dev/null >/dev/null 2>&1; expect_eq "bad --items" $? 2
$B sea assess --very-poor 0 /dev/null >/dev/null 2>&1; expect_eq "bad --very-poor" $? 2
$B groundwater classify "$T/none.csv" >/dev/null 2>&1; expect_eq "missing file" $? 2
$B groundwater items | grep -q '^2,glyphosate,草甘膦,μg/L,0.1,140,700,1400' && ok || bad "items lists Table 2"
expect_eq "items: 93 rows" "$($B groundwater items | tail -n +2 | wc -l)" 93

# --- groundwater classify
cat > "$T/gw.csv" <<'CSV'
point,region,date,pH,氨氮(mg/L),nitrate,挥发性酚类,odour,三氯甲烷(μg/L),be
W1,A,2024-05,7.2,0.02,2.0,0.001,无,0.5,0.1
W1,A,2024-10,6.4,0.10,25,0.001,无,0.5,
W2,A,2024-05,9.1,0.5,5,0.002,,,
W3,B,2024-05,7.0,0.5,20,ND,有,60,
W4,B,2024-05,8.5,1.5,30,0.01,无,300,
W5,B,2024-05,5.5,1.51,30.1,0.011,,301,
CSV
"$B" groundwater classify "$T/gw.csv" > "$T/gw.out" 2> "$T/gw.err"; expect_eq "gw classify exit" $? 0
expect_eq "header keeps input columns" "$(head -1 "$T/gw.out")" \
  "point,region,date,pH,氨氮(mg/L),nitrate,挥发性酚类,odour,三氯甲烷(μg/L),be,class,class_num,class_items,n_items,over_iii"
expect_eq "W1 first: all at Ⅰ limits, Table 2 ignored by default" "$(sed -n 2p "$T/gw.out" | cut -d, -f11,12)" "Ⅰ,1"
expect_eq "W1 second: pH 6.4 and nitrate 25 → Ⅳ" "$(sed -n 3p "$T/gw.out" | cut -d, -f11-13)" "Ⅳ,4,pH;硝酸盐"
expect_eq "W2 pH 9.1 → Ⅴ" "$(col "$T/gw.out" W2 class)" "Ⅴ"
expect_eq "W3 odour 有 → Ⅴ" "$(col "$T/gw.out" W3 class_items)" "嗅和味"
expect_eq "W4 every value at its Ⅳ limit → Ⅳ" "$(col "$T/gw.out" W4 class)" "Ⅳ"
expect_eq "W4 n_items" "$(col "$T/gw.out" W4 n_items)" 6
expect_eq "W5 just past Ⅳ → Ⅴ" "$(col "$T/gw.out" W5 class_num)" 5
grep -q '^W5,.*"挥发性酚类(Ⅴ,4.50);三氯甲烷(Ⅴ,4.02);氨氮(Ⅴ,2.02);硝酸盐(Ⅴ,0.51);pH(Ⅳ)"' "$T/gw.out" && ok || bad "W5 over_iii ranks the largest multiple first"
"$B" groundwater classify --items all "$T/gw.csv" > "$T/gwall.out" 2>/dev/null
expect_eq "--items all: Table 2 beryllium 0.1 → Ⅴ" "$(sed -n 2p "$T/gwall.out" | cut -d, -f11,13)" "Ⅴ,铍"
"$B" groundwater classify --items nitrate "$T/gw.csv" > "$T/gwn.out" 2>/dev/null
expect_eq "--items LIST" "$(col "$T/gwn.out" W3 class)" "Ⅲ"
"$B" groundwater classify --format json "$T/gw.csv" 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d)==6 and d[3]["class"]=="Ⅴ" and d[3]["class_num"]==5, d' && ok || bad "json output"
"$B" groundwater classify - < "$T/gw.csv" > /dev/null 2>&1; expect_eq "stdin" $? 0

# bad values and malformed rows
printf 'point,ph,nitrate\nX,7,abc\nY,7,1\nZ,7\n' > "$T/bad.csv"
"$B" groundwater classify "$T/bad.csv" > "$T/bad.out" 2> "$T/bad.err"; expect_eq "malformed record exit" $? 2
grep -q 'bad.csv:2:3: nitrate: not a number' "$T/bad.err" && ok || bad "file:line:col for a bad value"
grep -q 'bad.csv:4: 2 fields' "$T/bad.err" && ok || bad "short record reported"
expect_eq "good row still classed" "$(col "$T/bad.out" Y class)" "Ⅰ"
printf 'point,colour_x\nA,1\n' > "$T/noitem.csv"
"$B" groundwater classify "$T/noitem.csv" > /dev/null 2> "$T/noitem.err"; expect_eq "no indicator column" $? 2
grep -q 'noitem.csv:1: no column' "$T/noitem.err" && ok || bad "no indicator message"

# --- groundwater assess
"$B" groundwater assess "$T/gw.csv" > "$T/gwa.out" 2> "$T/gwa.err"; expect_eq "gw assess exit" $? 0
expect_eq "W1 worst of two samples" "$(col "$T/gwa.out" W1 class)" "Ⅳ"
expect_eq "W1 samples" "$(col "$T/gwa.out" W1 samples)" 2
"$B" groundwater assess --rule mean "$T/gw.csv" > "$T/gwm.out" 2>/dev/null
expect_eq "W1 mean rule: pH worst value 6.4 → Ⅳ" "$(col "$T/gwm.out" W1 class_items)" "pH"
"$B" groundwater assess --by region "$T/gw.csv" > "$T/gwr.out" 2> "$T/gwr.err"
# points: W1 Ⅳ, W2 Ⅴ (A); W3 Ⅴ, W4 Ⅳ, W5 Ⅴ (B) → Ⅴ share 60 %
expect_eq "ALL Ⅴ share" "$(col "$T/gwr.out" ALL share_V)" "60.0"
expect_eq "ALL target missed" "$(col "$T/gwr.out" ALL v_target)" "N"
expect_eq "B n_V" "$(col "$T/gwr.out" B n_V)" 2
grep -q 'Class V share 60.0 %' "$T/gwr.err" && ok || bad "summary on stderr"
printf 'point,ph\nP1,7\nP2,7\nP3,7\nP4,9.5\n' > "$T/tgt.csv"
"$B" groundwater assess --by region "$T/tgt.csv" > /dev/null 2>&1; expect_eq "--by region without region column" $? 2
printf 'point,region,ph\nP1,R,7\nP2,R,7\nP3,R,7\nP4,R,9.5\n' > "$T/tgt.csv"
"$B" groundwater assess --by region "$T/tgt.csv" > "$T/tgt.out" 2>/dev/null
expect_eq "25 % Ⅴ meets the 27.7 % target" "$(col "$T/tgt.out" ALL v_target)" "Y"
printf 'ph\n7\n' | "$B" groundwater assess > /dev/null 2>&1; expect_eq "assess needs a point column" $? 2

# --- sea classify
cat > "$T/sea.csv" <<'CSV'
station,海区,round,pH,溶解氧(mg/L),cod,无机氮,po4,oil,tcoli
S1,渤海,1,8.1,6.5,1.5,0.15,0.010,0.02,20000
S1,渤海,2,8.2,6.1,2.0,0.20,0.015,0.05,
S2,渤海,1,8.0,6.0,2.5,0.25,0.020,0.03,
S3,黄海,1,8.6,4.5,3.5,0.35,0.030,0.10,
S4,黄海,1,8.0,7.0,1.0,0.60,0.010,0.01,
S5,黄海,1,8.9,7.0,1.0,0.10,0.010,0.01,
CSV
"$B" sea classify "$T/sea.csv" > "$T/sea.out" 2> "$T/sea.err"; expect_eq "sea classify exit" $? 0
expect_eq "S1 round 1: coliform not evaluated nearshore → 一类" "$(sed -n 2p "$T/sea.out" | cut -d, -f11)" "一类"
expect_eq "S2 DO 6.0 is not > 6 → 二类" "$(col "$T/sea.out" S2 class)" "二类"
expect_eq "S3 pH 8.6 → 三类" "$(col "$T/sea.out" S3 class)" "三类"
expect_eq "S4 DIN 0.60 → 劣四类" "$(col "$T/sea.out" S4 class_num)" 5
expect_eq "S5 pH 8.9 → 劣四类" "$(col "$T/sea.out" S5 class_items)" "pH"
"$B" sea classify --items all "$T/sea.csv" > "$T/seaall.out" 2>/dev/null
expect_eq "--items all: coliform 20000 → 四类" "$(sed -n 2p "$T/seaall.out" | cut -d, -f11)" "四类"

# --- sea assess
"$B" sea assess "$T/sea.csv" > "$T/seap.out" 2>/dev/null; expect_eq "sea assess exit" $? 0
expect_eq "S1 two rounds, mean" "$(col "$T/seap.out" S1 class)" "一类"
"$B" sea assess --by region "$T/sea.csv" > "$T/sear.out" 2> "$T/sear.err"
expect_eq "渤海 1+2 share" "$(col "$T/sear.out" 渤海 share_1_2)" "100.0"
expect_eq "渤海 grade (一类 50 % < 60 %)" "$(col "$T/sear.out" 渤海 grade)" "良好"
expect_eq "黄海 劣四类 66.7 % → 极差" "$(col "$T/sear.out" 黄海 grade)" "极差"
expect_eq "ALL 1+2 share 2/5" "$(col "$T/sear.out" ALL share_1_2)" "40.0"
expect_eq "ALL grade: 劣四类 40 % → 极差" "$(col "$T/sear.out" ALL grade)" "极差"
"$B" sea assess --by region --very-poor 50 "$T/sea.csv" > "$T/sear50.out" 2>/dev/null
expect_eq "--very-poor 50 → 差" "$(col "$T/sear50.out" ALL grade)" "差"
printf 'station,do\nA,x\n' | "$B" sea classify > /dev/null 2> "$T/seabad.err"; expect_eq "bad value: row skipped, exit 0" $? 0
grep -q '<stdin>:2:2: do: not a number' "$T/seabad.err" && ok || bad "sea file:line:col"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
