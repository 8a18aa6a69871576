/* sea.c — GB 3097-1997 Table 1 (single-value items). Numbers transcribed from
 * ../shared/reference/water-noise-standards.md §6.1; the tag says which are
 * verified [V] and which are from memory [M]. Do not "fix" a value without a
 * source. Class 2 pH: 7.8–8.5 (the notes' recollection) — one page says 7.5–8.5.
 */
#include "standards/sea.h"

#include <math.h>
#include <string.h>

#define MG "mg/L"
#define LE(k, zh, u, a, b, c, d, conf) {k, zh, u, ECO_SEADIR_LE, {a, b, c, d}, {0, 0, 0, 0}, 1, conf}

const eco_sea_item_def_t eco_sea_items[ECO_SEA_NITEMS] = {
    [ECO_SEA_PH] = {"ph", "pH", "", ECO_SEADIR_RANGE, {7.8, 7.8, 6.8, 6.8}, {8.5, 8.5, 8.8, 8.8}, 0, "M"},
    [ECO_SEA_DO] = {"do", "溶解氧", MG, ECO_SEADIR_GT, {6, 5, 4, 3}, {0, 0, 0, 0}, 0, "V"},
    [ECO_SEA_COD] = LE("cod", "化学需氧量", MG, 2, 3, 4, 5, "V"),
    [ECO_SEA_BOD5] = LE("bod5", "五日生化需氧量", MG, 1, 3, 4, 5, "M"),
    [ECO_SEA_DIN] = LE("din", "无机氮", MG, 0.20, 0.30, 0.40, 0.50, "V"),
    [ECO_SEA_NH3] = LE("nh3", "非离子氨", MG, 0.020, 0.020, 0.020, 0.020, "M"),
    [ECO_SEA_PO4] = LE("po4", "活性磷酸盐", MG, 0.015, 0.030, 0.030, 0.045, "V"),
    [ECO_SEA_OIL] = LE("oil", "石油类", MG, 0.05, 0.05, 0.30, 0.50, "V"),
    [ECO_SEA_HG] = LE("hg", "汞", MG, 0.00005, 0.0002, 0.0002, 0.0005, "M"),
    [ECO_SEA_CD] = LE("cd", "镉", MG, 0.001, 0.005, 0.010, 0.010, "M"),
    [ECO_SEA_PB] = LE("pb", "铅", MG, 0.001, 0.005, 0.010, 0.050, "M"),
    [ECO_SEA_CR6] = LE("cr6", "六价铬", MG, 0.005, 0.010, 0.020, 0.050, "M"),
    [ECO_SEA_CR] = LE("cr", "总铬", MG, 0.05, 0.10, 0.20, 0.50, "M"),
    [ECO_SEA_AS] = LE("as", "砷", MG, 0.020, 0.030, 0.050, 0.050, "M"),
    [ECO_SEA_CU] = LE("cu", "铜", MG, 0.005, 0.010, 0.050, 0.050, "M"),
    [ECO_SEA_ZN] = LE("zn", "锌", MG, 0.020, 0.050, 0.10, 0.50, "M"),
    [ECO_SEA_SE] = LE("se", "硒", MG, 0.010, 0.020, 0.020, 0.050, "M"),
    [ECO_SEA_NI] = LE("ni", "镍", MG, 0.005, 0.010, 0.020, 0.050, "M"),
    [ECO_SEA_CN] = LE("cn", "氰化物", MG, 0.005, 0.005, 0.10, 0.20, "M"),
    [ECO_SEA_SULFIDE] = LE("sulfide", "硫化物", MG, 0.02, 0.05, 0.10, 0.25, "M"),
    [ECO_SEA_PHENOL] = LE("phenol", "挥发性酚", MG, 0.005, 0.005, 0.010, 0.050, "M"),
    [ECO_SEA_HCH] = LE("hch", "六六六", MG, 0.001, 0.002, 0.003, 0.005, "M"),
    [ECO_SEA_DDT] = LE("ddt", "滴滴涕", MG, 0.00005, 0.0001, 0.0001, 0.0001, "M"),
    [ECO_SEA_MALATHION] = LE("malathion", "马拉硫磷", MG, 0.0005, 0.001, 0.001, 0.001, "M"),
    [ECO_SEA_MPARATHION] = LE("mparathion", "甲基对硫磷", MG, 0.0005, 0.001, 0.001, 0.001, "M"),
    [ECO_SEA_BAP] = LE("bap", "苯并(a)芘", "μg/L", 0.0025, 0.0025, 0.0025, 0.0025, "M"),
    [ECO_SEA_LAS] = LE("las", "阴离子表面活性剂", MG, 0.03, 0.10, 0.10, 0.10, "M"),
    /* Class 1 for shellfish eaten raw is stricter (700 / 140); not modelled. */
    [ECO_SEA_TCOLI] = LE("tcoli", "大肠菌群", "个/L", 10000, 10000, 10000, INFINITY, "M"),
    [ECO_SEA_FCOLI] = LE("fcoli", "粪大肠菌群", "个/L", 2000, 2000, 2000, INFINITY, "M"),
};

const uint32_t eco_sea_set_all = (UINT32_C(1) << ECO_SEA_NITEMS) - 1;
const uint32_t eco_sea_set_nearshore =
    ((UINT32_C(1) << ECO_SEA_NITEMS) - 1) & ~(ECO_SEABIT(ECO_SEA_TCOLI) | ECO_SEABIT(ECO_SEA_FCOLI));
const uint32_t eco_sea_set_key = ECO_SEABIT(ECO_SEA_PH) | ECO_SEABIT(ECO_SEA_DO) | ECO_SEABIT(ECO_SEA_COD) |
                                 ECO_SEABIT(ECO_SEA_DIN) | ECO_SEABIT(ECO_SEA_PO4) | ECO_SEABIT(ECO_SEA_OIL);

static int ieq(const char *a, unsigned long n, const char *lit)
{
    size_t m = strlen(lit);
    if (m != n) return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)lit[i];
        if (x >= 'A' && x <= 'Z') x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (unsigned char)(y + 32);
        if (x != y) return 0;
    }
    return 1;
}

int eco_sea_item_find(const char *name, unsigned long len)
{
    for (int i = 0; i < ECO_SEA_NITEMS; i++)
        if (ieq(name, len, eco_sea_items[i].key) || ieq(name, len, eco_sea_items[i].name_zh)) return i;
    return -1;
}

static const char *const CLS[] = {"", "一类", "二类", "三类", "四类", "劣四类"};

const char *eco_sea_class_name(int cls) { return cls >= 1 && cls <= 5 ? CLS[cls] : ""; }

int eco_sea_class_parse(const char *s, unsigned long len)
{
    static const char *const alt[][4] = {{"", "", "", ""},
                                         {"一", "1", "I", "class1"},
                                         {"二", "2", "II", "class2"},
                                         {"三", "3", "III", "class3"},
                                         {"四", "4", "IV", "class4"},
                                         {"劣四", "5", "劣4", "worse4"}};
    for (int c = 1; c <= 5; c++) {
        if (ieq(s, len, CLS[c])) return c;
        for (int k = 0; k < 4; k++)
            if (ieq(s, len, alt[c][k])) return c;
    }
    return 0;
}

const char *eco_sea_grade_name(eco_sea_grade_t g)
{
    static const char *const n[] = {"", "优", "良好", "一般", "差", "极差"};
    return (int)g >= 0 && g <= ECO_SEA_GRADE_VERY_POOR ? n[g] : "";
}
