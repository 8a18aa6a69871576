#!/usr/bin/env bash
# End-to-end tests of `ecobrain water assess` (环办〔2011〕22号): crafted samples
# whose expectations were worked out by hand from the notes
# (../shared/reference/water-noise-standards.md §2.2–§2.6): period means with
# pH through [H+] and below-detection values, section classes, river shares
# and grades with the small-count rule, main pollutants by exceedance rate,
# target compliance and the year-on-year change; then the CNEMC 2021-04 data
# (times without a year: --year) grouped by basin. The CNEMC part skips
# (exit 77) without the shared data.
set -u
B=${ECOBRAIN:?set ECOBRAIN to the ecobrain binary}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok()   { pass=$((pass + 1)); }
bad()  { fail=$((fail + 1)); echo "FAIL: $*"; }
expect_eq() { if [ "$2" == "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }
col() { # file key1 key2 name: the row whose first two columns are key1,key2
  awk -F, -v k1="$2" -v k2="$3" -v name="$4" '
    NR==1 { for (i=1;i<=NF;i++) idx[$i]=i; next }
    $1==k1 && $2==k2 { print $idx[name]; exit }' "$1"
}

cat > "$T/s.csv" <<'CSV'
section,time,ph,do,codmn,nh3n,tp
A,2024-04-03,6.5,8,2,0.5,0.05
A,2024-04-20 10:00,9,8,2,1.5,0.05
B,2024-04-03,7,8,2,0.1,0.02
C,2024-04-03,7,8,2,0.1,0.02
D,2024-04-03,7,8,2,0.1,0.02
E,2024-04-03,7,8,2,2.5,0.02
F,2024-04-03,7,8,2,0.1,0.5
G,2024-04-03,7,8,2,0.1,0.25
H,2024-04-03,7,8,2,0.1,0.35
A,2023-04-03,7,8,2,2.5,0.05
B,2023-04-03,7,8,2,2.5,0.02
C,2023-04-03,7,8,2,2.5,0.02
D,2023-04-03,7,8,2,0.1,0.02
E,2023-04-03,7,8,2,2.5,0.02
F,2023-04-03,7,8,2,0.1,0.5
B,2024-05-03,7,8,2,0.01L,0.02
CSV
cat > "$T/sec.csv" <<'CSV'
section,river,basin,region,waterbody,target_class
A,R1,B1,X,river,Ⅲ
B,R1,B1,X,river,II
C,R1,B1,X,river,3
D,R1,B1,X,river,
E,R1,B1,X,river,Ⅲ
F,R1,B1,X,river,Ⅳ
G,R2,B1,X,river,Ⅲ
H,R2,B1,X,lake,Ⅲ
CSV

"$B" water assess --help >/dev/null 2>&1 && ok || bad "assess --help exits 0"
"$B" water assess "$T/s.csv" >/dev/null 2>&1; expect_eq "--period required" $? 2
"$B" water assess --period week "$T/s.csv" >/dev/null 2>&1; expect_eq "bad --period" $? 2
"$B" water assess --period month --by river "$T/s.csv" >/dev/null 2>&1; expect_eq "--by river needs --sections" $? 2

"$B" water assess --period month --sections "$T/sec.csv" "$T/s.csv" > "$T/sec.out" 2> "$T/sec.err"
expect_eq "section exit" $? 0
# A 2024-04: pH 6.5 and 9 → −log10((10^-6.5 + 10^-9)/2) = 6.80; NH3-N (0.5 + 1.5)/2 = 1.0 → Ⅲ
expect_eq "pH mean via [H+]" "$(col "$T/sec.out" A 2024-04 mean_ph)" "6.80"
expect_eq "class of the period means" "$(col "$T/sec.out" A 2024-04 class),$(col "$T/sec.out" A 2024-04 class_items)" "Ⅲ,氨氮"
expect_eq "samples" "$(col "$T/sec.out" A 2024-04 samples)" "2"
expect_eq "target Ⅲ met" "$(col "$T/sec.out" A 2024-04 compliant)" "Y"
expect_eq "change vs 2023-04 (劣Ⅴ → Ⅲ)" "$(col "$T/sec.out" A 2024-04 prev_class),$(col "$T/sec.out" A 2024-04 change)" "劣Ⅴ,明显好转"
expect_eq "exceed" "$(col "$T/sec.out" E 2024-04 exceed)" "氨氮(1.50)"
expect_eq "below detection limit: half" "$(col "$T/sec.out" B 2024-05 mean_nh3n)" "0.005"
expect_eq "lake TP from SECTIONS.csv" "$(col "$T/sec.out" H 2024-04 class),$(col "$T/sec.out" H 2024-04 exceed)" "劣Ⅴ,总磷(6.00)"
expect_eq "target Ⅳ missed" "$(col "$T/sec.out" F 2024-04 compliant)" "N"

"$B" water assess --period month --by river --sections "$T/sec.csv" "$T/s.csv" > "$T/riv.out" 2>/dev/null
expect_eq "river exit" $? 0
# R1 2024-04: 6 sections A Ⅲ, B C D Ⅰ, E F 劣Ⅴ → Ⅰ–Ⅲ 66.7 %, 劣Ⅴ 33.3 % → 中度污染
expect_eq "R1 shares" "$(col "$T/riv.out" R1 2024-04 share_I_III),$(col "$T/riv.out" R1 2024-04 share_worse_V)" "66.7,33.3"
expect_eq "R1 grade by shares" "$(col "$T/riv.out" R1 2024-04 method),$(col "$T/riv.out" R1 2024-04 grade)" "share,中度污染"
expect_eq "R1 main pollutants by exceedance rate" "$(col "$T/riv.out" R1 2024-04 main_pollutants)" "氨氮(16.7%);总磷(16.7%)"
expect_eq "R1 compliance (A B C of A B C E F)" "$(col "$T/riv.out" R1 2024-04 target_sections),$(col "$T/riv.out" R1 2024-04 compliant_sections),$(col "$T/riv.out" R1 2024-04 compliance_rate)" "5,3,60.0"
# 2023-04: 16.7 % / 83.3 %; ΔG − ΔD = 50 − (−50) = 100 → 明显好转
expect_eq "R1 change" "$(col "$T/riv.out" R1 2024-04 prev_share_I_III),$(col "$T/riv.out" R1 2024-04 change)" "16.7,明显好转"
# R2: 2 sections (< 5): mean TP (0.25 + 0.35)/2 = 0.30 → Ⅳ → 轻度污染
expect_eq "R2 small-count rule" "$(col "$T/riv.out" R2 2024-04 method),$(col "$T/riv.out" R2 2024-04 mean_class),$(col "$T/riv.out" R2 2024-04 grade)" "mean,Ⅳ,轻度污染"
"$B" water assess --period month --by river --share-min 7 --sections "$T/sec.csv" "$T/s.csv" > "$T/riv7.out" 2>/dev/null
expect_eq "--share-min 7: R1 by its means" "$(col "$T/riv7.out" R1 2024-04 method)" "mean"

"$B" water assess --period 2024-04-01..2024-04-30 --by region --sections "$T/sec.csv" "$T/s.csv" > "$T/reg.out" 2> "$T/reg.err"
expect_eq "range period: 8 sections, 3 of 8 劣Ⅴ" "$(col "$T/reg.out" X 2024-04-01..2024-04-30 sections),$(col "$T/reg.out" X 2024-04-01..2024-04-30 share_worse_V)" "8,37.5"
grep -q '7 outside the period' "$T/reg.err" && ok || bad "rows outside the range counted: $(cat "$T/reg.err")"
"$B" water assess --period year --by basin --sections "$T/sec.csv" --format json "$T/s.csv" 2>/dev/null | grep -q '"grade":"中度污染"' && ok || bad "json output"
"$B" water assess --period year --format text "$T/s.csv" 2>/dev/null | head -1 | grep -q '^section' && ok || bad "text output"

printf 'site,监测时间,pH(无量纲),氨氮(mg/L)\nS,04-01 04:00,7,0.2\n' > "$T/cn.csv"
"$B" water assess --period month "$T/cn.csv" >/dev/null 2>&1; expect_eq "MM-DD without --year" $? 2
"$B" water assess --period month --year 2021 "$T/cn.csv" > "$T/cn.out" 2>/dev/null
expect_eq "MM-DD with --year" "$(col "$T/cn.out" S 2021-04 class)" "Ⅱ"

# CWQI (环办监测〔2017〕51号): a section exactly at the Class III limits of the automatic five
# (DO 5, CODMn 6, NH3-N 1.0, river TP 0.2) with pH 7 scores 1+1+1+1+0 = 4.00; one at half the
# limits (DO 10 -> 5/10) scores 0.5·4 = 2.00 and ranks first
cat > "$T/cw.csv" <<'CSV'
section,time,ph,do,codmn,nh3n,tp
AT3,2024-05-03,7,5,6,1.0,0.2
HALF,2024-05-03,7,10,3,0.5,0.1
CSV
"$B" water assess --period month "$T/cw.csv" > "$T/cw.out" 2>/dev/null
expect_eq "CWQI at the Class III limits" "$(col "$T/cw.out" AT3 2024-05 cwqi)" "4.00"
expect_eq "CWQI at half the limits" "$(col "$T/cw.out" HALF 2024-05 cwqi)" "2.00"
expect_eq "CWQI rank of the cleaner section" "$(col "$T/cw.out" HALF 2024-05 cwqi_rank)" "1"
expect_eq "CWQI rank of the other" "$(col "$T/cw.out" AT3 2024-05 cwqi_rank)" "2"
cat > "$T/cws.csv" <<'CSV'
section,region
AT3,R
HALF,R
CSV
"$B" water assess --period month --by region --sections "$T/cws.csv" "$T/cw.csv" > "$T/cwr.out" 2>/dev/null
# 51号: a region's CWQI from its sections' mean concentrations (DO 7.5 -> 5/7.5, CODMn 4.5/6, NH3-N
# 0.75/1, TP 0.15/0.2, pH 7 -> 0): 0.667 + 0.75 * 3 = 2.92, not the mean of the sections' 3.00
expect_eq "a region's CWQI (51号) is that of its sections' mean concentrations" "$(col "$T/cwr.out" R 2024-05 cwqi)" "2.92"

# drinking-water sources: S1 Fe mean (0.1+0.3)/2 = 0.2 <= 0.3 and Class II: compliant; S2 Fe 0.5 > 0.3
# (Table 2); S3 CODMn 7 -> Class IV; S4 benzene 0.02 over a --limits 0.01 (Table 3). By count 1/4 =
# 25.0 %; by volume 100/200 = 50.0 %
cat > "$T/dw.csv" <<'CSV'
section,time,ph,do,codmn,nh3n,tp,铁(mg/L),nitrate,benzene
S1,2024-05-03,7.2,8,2,0.2,0.05,0.1,2,0.001
S1,2024-05-20,7.4,8,2,0.3,0.05,0.3,3,0.002
S2,2024-05-03,7,8,2,0.2,0.05,0.5,2,0.001
S3,2024-05-03,7,8,7,0.2,0.05,0.1,2,0.001
S4,2024-05-03,7,8,2,0.2,0.05,0.1,2,0.02
CSV
printf 'section,region,volume\nS1,R,100\nS2,R,50\nS3,R,30\nS4,R,20\n' > "$T/dws.csv"
printf 'item,limit,name\nbenzene,0.01,苯\n' > "$T/lim.csv"
"$B" water assess --period month --limits "$T/lim.csv" --sections "$T/dws.csv" "$T/dw.csv" > "$T/dw.out" 2>/dev/null
expect_eq "source S1 compliant" "$(col "$T/dw.out" S1 2024-05 source_compliant)" "Y"
expect_eq "source S2: Table 2 Fe" "$(col "$T/dw.out" S2 2024-05 extra_exceed)" "铁 0.5(0.67)"
expect_eq "source S2 not compliant" "$(col "$T/dw.out" S2 2024-05 source_compliant)" "N"
expect_eq "source S3: basic class IV" "$(col "$T/dw.out" S3 2024-05 source_compliant)" "N"
expect_eq "source S4: a --limits item" "$(col "$T/dw.out" S4 2024-05 extra_exceed)" "苯 0.02(1.00)"
"$B" water assess --period month --by region --drinking --limits "$T/lim.csv" --sections "$T/dws.csv" "$T/dw.csv" > "$T/dwr.out" 2>/dev/null
expect_eq "sources compliant by count" "$(col "$T/dwr.out" R 2024-05 rate_by_count)" "25.0"
expect_eq "sources compliant by volume" "$(col "$T/dwr.out" R 2024-05 rate_by_volume)" "50.0"

# TLI(Σ): Chla 10 mg/m³, TP 0.05, TN 1.0, SD 1.0 m, CODMn 4 -> 48.02 (worked in the unit test from the
# formula), 中营养; a sample without Chla has no index; the month value is that of the period means
printf 'lake,time,chla,tp,tn,sd,codmn\nL1,2024-05-03,10,0.05,1.0,1.0,4\nL1,2024-05-20,10,0.05,1.0,1.0,4\nL2,2024-06-03,,0.01,0.2,3,2\n' > "$T/tli.csv"
"$B" water tli --period month "$T/tli.csv" > "$T/tli.out" 2>/dev/null
expect_eq "TLI of a lake-month" "$(col "$T/tli.out" L1 2024-05 tli)" "48.02"
expect_eq "TLI class" "$(col "$T/tli.out" L1 2024-05 class)" "中营养"
expect_eq "no Chla, no TLI" "$(col "$T/tli.out" L2 2024-06 tli)" ""

# --min-samples auto (22号: 2 a quarter): a section with one sample in a quarter gets no class
printf 'section,time,ph,do,codmn,nh3n,tp\nA,2024-01-03,7,8,2,0.2,0.05\nA,2024-02-03,7,8,2,0.2,0.05\nB,2024-02-03,7,8,2,0.2,0.05\n' > "$T/ms.csv"
"$B" water assess --period quarter --min-samples auto "$T/ms.csv" > "$T/ms.out" 2>/dev/null
expect_eq "two samples in a quarter: classed" "$(col "$T/ms.out" A 2024-Q1 class)" "Ⅱ"
expect_eq "one sample in a quarter: no class" "$(col "$T/ms.out" B 2024-Q1 class)" ""
expect_eq "one sample in a quarter: status" "$(col "$T/ms.out" B 2024-Q1 status)" "样本不足"

D=${ECO_SHARED_DIR:-../shared}/testdata/water
if [ ! -r "$D/cnemc_auto_2021-04_records.csv" ]; then
  echo "SKIP: CNEMC water data not found in $D; $pass crafted checks passed, $fail failed"
  [ "$fail" -eq 0 ] || exit 1
  exit 77
fi
# sections file from the data itself: section → basin (流域), region (省份), waterbody
awk -F, 'NR > 1 && $4 != "*" && !seen[$3]++ { print $3 "," $2 "," $1 "," $18 }' "$D/cnemc_auto_2021-04_records.csv" |
  (echo section,basin,region,waterbody; cat) | tr -d '\r' > "$T/cnsec.csv"
"$B" water assess --period month --year 2021 "$D/cnemc_auto_2021-04_records.csv" > "$T/cns.out" 2> "$T/cns.err"
expect_eq "CNEMC sections exit" $? 0
nsec=$(($(wc -l < "$T/cns.out") - 1))
echo "CNEMC 2021-04: $nsec section-months; $(grep 'samples used' "$T/cns.err")"
[ "$nsec" -gt 1500 ] && ok || bad "section count $nsec"
"$B" water assess --period month --year 2021 --by basin --sections "$T/cnsec.csv" "$D/cnemc_auto_2021-04_records.csv" > "$T/cnb.out" 2>/dev/null
expect_eq "CNEMC basins exit" $? 0
# the basin section counts add up to the classified sections
sum=$(awk -F, 'NR > 1 { s += $3 } END { print s }' "$T/cnb.out")
cls=$(awk -F, 'NR==1 { for (i=1;i<=NF;i++) if ($i=="class") c=i; next } $c != "" { n++ } END { print n }' "$T/cns.out")
expect_eq "basin section counts add up" "$sum" "$cls"
awk -F, 'NR > 1 { print $1 " " $2 ": " $3 " sections, I-III " $10 " %, 劣V " $11 " % -> " $14 }' "$T/cnb.out" | head -12
bad_grade=$(awk -F, 'NR > 1 && $14 !~ /^(优|良好|轻度污染|中度污染|重度污染)$/' "$T/cnb.out" | wc -l)
expect_eq "every basin graded" "$bad_grade" 0

echo "water assess: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
