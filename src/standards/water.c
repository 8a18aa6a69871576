/* water.c — GB 3838-2002 Table 1 (basic items), transcribed from
 * ../shared/reference/water-noise-standards.md §1.1.
 *
 * Confidence per item (tags of the notes): "V" = checked against a retrieved
 * public text and, for pH, DO, CODMn, NH3-N and TP, against 37,960 officially
 * classified CNEMC records; "S" = structured third-party table (SW-JSON) that
 * agrees with the notes' author's knowledge — reliable, not official. Do not
 * "fix" a value without a source.
 */
#include "standards/water.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#define SAME5(a, b, c, d, e) {a, b, c, d, e}, {a, b, c, d, e}

const eco_water_item_def_t eco_water_items[ECO_W_NITEMS] = {
    /* weekly mean max rise ≤ 1 ℃ / fall ≤ 2 ℃ of man-made change; no classes */
    [ECO_W_TEMP] = {"temp", "水温", "water temperature", "℃", ECO_WDIR_NONE, {0}, {0}, 0, 0, "V"},
    /* 6–9 for every class; outside: 劣Ⅴ (official classifier, CNEMC 2021-04) */
    [ECO_W_PH] = {"ph", "pH", "pH", "", ECO_WDIR_RANGE, {6, 9}, {6, 9}, 0, 0, "V"},
    /* Ⅰ: "饱和率90%（或7.5）" — 7.5 mg/L as every implementation and the national system */
    [ECO_W_DO] = {"do", "溶解氧", "dissolved oxygen", "mg/L", ECO_WDIR_GE, SAME5(7.5, 6, 5, 3, 2), 0, 0, "V"},
    [ECO_W_CODMN] = {"codmn", "高锰酸盐指数", "permanganate index", "mg/L", ECO_WDIR_LE, SAME5(2, 4, 6, 10, 15), 0, 1, "V"},
    [ECO_W_COD] = {"cod", "化学需氧量", "chemical oxygen demand", "mg/L", ECO_WDIR_LE, SAME5(15, 15, 20, 30, 40), 0, 1, "V"},
    [ECO_W_BOD5] = {"bod5", "五日生化需氧量", "BOD5", "mg/L", ECO_WDIR_LE, SAME5(3, 3, 4, 6, 10), 0, 1, "V"},
    [ECO_W_NH3N] = {"nh3n", "氨氮", "ammonia nitrogen", "mg/L", ECO_WDIR_LE, SAME5(0.15, 0.5, 1.0, 1.5, 2.0), 0, 1, "V"},
    [ECO_W_TP] = {"tp", "总磷", "total phosphorus", "mg/L", ECO_WDIR_LE,
                  {0.02, 0.1, 0.2, 0.3, 0.4},     /* rivers */
                  {0.01, 0.025, 0.05, 0.1, 0.2},  /* lakes and reservoirs */
                  0, 1, "V"},
    /* the standard's note: TN limits apply to lakes and reservoirs */
    [ECO_W_TN] = {"tn", "总氮", "total nitrogen", "mg/L", ECO_WDIR_LE, SAME5(0.2, 0.5, 1.0, 1.5, 2.0), 1, 1, "V"},
    [ECO_W_CU] = {"cu", "铜", "copper", "mg/L", ECO_WDIR_LE, SAME5(0.01, 1.0, 1.0, 1.0, 1.0), 0, 1, "S"},
    [ECO_W_ZN] = {"zn", "锌", "zinc", "mg/L", ECO_WDIR_LE, SAME5(0.05, 1.0, 1.0, 2.0, 2.0), 0, 1, "S"},
    [ECO_W_F] = {"f", "氟化物", "fluoride", "mg/L", ECO_WDIR_LE, SAME5(1.0, 1.0, 1.0, 1.5, 1.5), 0, 1, "S"},
    [ECO_W_SE] = {"se", "硒", "selenium", "mg/L", ECO_WDIR_LE, SAME5(0.01, 0.01, 0.01, 0.02, 0.02), 0, 1, "S"},
    [ECO_W_AS] = {"as", "砷", "arsenic", "mg/L", ECO_WDIR_LE, SAME5(0.05, 0.05, 0.05, 0.1, 0.1), 0, 1, "S"},
    [ECO_W_HG] = {"hg", "汞", "mercury", "mg/L", ECO_WDIR_LE, SAME5(0.00005, 0.00005, 0.0001, 0.001, 0.001), 0, 1, "S"},
    [ECO_W_CD] = {"cd", "镉", "cadmium", "mg/L", ECO_WDIR_LE, SAME5(0.001, 0.005, 0.005, 0.005, 0.01), 0, 1, "S"},
    [ECO_W_CR6] = {"cr6", "铬（六价）", "chromium (VI)", "mg/L", ECO_WDIR_LE, SAME5(0.01, 0.05, 0.05, 0.05, 0.1), 0, 1, "S"},
    [ECO_W_PB] = {"pb", "铅", "lead", "mg/L", ECO_WDIR_LE, SAME5(0.01, 0.01, 0.05, 0.05, 0.1), 0, 1, "S"},
    [ECO_W_CN] = {"cn", "氰化物", "cyanide", "mg/L", ECO_WDIR_LE, SAME5(0.005, 0.05, 0.2, 0.2, 0.2), 0, 1, "S"},
    [ECO_W_PHENOL] = {"phenol", "挥发酚", "volatile phenols", "mg/L", ECO_WDIR_LE, SAME5(0.002, 0.002, 0.005, 0.01, 0.1), 0, 1, "S"},
    [ECO_W_OIL] = {"oil", "石油类", "petroleum", "mg/L", ECO_WDIR_LE, SAME5(0.05, 0.05, 0.05, 0.5, 1.0), 0, 1, "S"},
    [ECO_W_LAS] = {"las", "阴离子表面活性剂", "anionic surfactant", "mg/L", ECO_WDIR_LE, SAME5(0.2, 0.2, 0.2, 0.3, 0.3), 0, 1, "S"},
    [ECO_W_SULFIDE] = {"sulfide", "硫化物", "sulfide", "mg/L", ECO_WDIR_LE, SAME5(0.05, 0.1, 0.2, 0.5, 1.0), 0, 1, "S"},
    /* 个/L; lab reports in MPN/100 mL must be multiplied by 10 */
    [ECO_W_FCOLI] = {"fcoli", "粪大肠菌群", "fecal coliform", "个/L", ECO_WDIR_LE, SAME5(200, 2000, 10000, 20000, 40000), 0, 1, "S"},
};

/* GB 3838-2002 Table 2 (mg/L) */
const eco_water_limit_t eco_water_table2[ECO_W_TABLE2_N] = {
    {"sulfate", "硫酸盐", "硫酸盐(以SO4计)", 250},
    {"chloride", "氯化物", "氯化物(以Cl计)", 250},
    {"nitrate", "硝酸盐", "硝酸盐(以N计)", 10},
    {"fe", "铁", NULL, 0.3},
    {"mn", "锰", NULL, 0.1},
};

const uint32_t eco_water_set_auto5 =
    ECO_WBIT(ECO_W_PH) | ECO_WBIT(ECO_W_DO) | ECO_WBIT(ECO_W_CODMN) | ECO_WBIT(ECO_W_NH3N) | ECO_WBIT(ECO_W_TP);

/* all 24 minus 水温, 总氮, 粪大肠菌群 */
const uint32_t eco_water_set_routine21 = ((UINT32_C(1) << ECO_W_NITEMS) - 1) &
                                         ~(ECO_WBIT(ECO_W_TEMP) | ECO_WBIT(ECO_W_TN) | ECO_WBIT(ECO_W_FCOLI));

int eco_water_item_index(const char *key)
{
    if (!key) return -1;
    for (int i = 0; i < ECO_W_NITEMS; i++)
        if (!strcasecmp(key, eco_water_items[i].key)) return i;
    return -1;
}

const eco_water_item_def_t *eco_water_item_by_key(const char *key)
{
    int i = eco_water_item_index(key);
    return i < 0 ? NULL : &eco_water_items[i];
}

double eco_water_limit(eco_water_item_t it, int cls, eco_water_body_t wb)
{
    if ((int)it < 0 || it >= ECO_W_NITEMS || cls < 1 || cls > 5) return NAN;
    const eco_water_item_def_t *d = &eco_water_items[it];
    if (d->dir != ECO_WDIR_LE && d->dir != ECO_WDIR_GE) return NAN;
    if (d->lake_only && wb != ECO_WB_LAKE) return NAN;
    return wb == ECO_WB_LAKE ? d->lim_lake[cls - 1] : d->lim[cls - 1];
}

static const char *const class_names[7] = {"", "Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ"};

const char *eco_water_class_name(int cls) { return cls >= 1 && cls <= 6 ? class_names[cls] : ""; }

const char *eco_water_class_status(int cls)
{
    static const char *const st[7] = {"", "优", "优", "良好", "轻度污染", "中度污染", "重度污染"};
    return cls >= 1 && cls <= 6 ? st[cls] : "";
}

int eco_water_class_parse(const char *s, unsigned long len)
{
    static const char *const ascii[6] = {"", "I", "II", "III", "IV", "V"};
    while (len && (s[0] == ' ' || s[0] == '\t')) s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    const char *lei = "类"; /* "Ⅲ类" */
    size_t ll = strlen(lei);
    if (len > ll && !memcmp(s + len - ll, lei, ll)) len -= ll;
    int worse = 0;
    const char *lie = "劣";
    size_t lw = strlen(lie);
    if (len > lw && !memcmp(s, lie, lw)) worse = 1, s += lw, len -= lw;
    int cls = 0;
    for (int c = 1; c <= 5 && !cls; c++) {
        size_t n = strlen(class_names[c]);
        if (len == n && !memcmp(s, class_names[c], n)) cls = c;
        n = strlen(ascii[c]);
        if (len == n && !strncasecmp(s, ascii[c], n)) cls = c;
    }
    if (worse) return cls == 5 ? 6 : 0;
    return cls;
}
