/* groundwater.c — GB/T 14848-2017 Tables 1 and 2.
 *
 * Every number is transcribed from ../shared/reference/water-noise-standards.md
 * §5.1 and §5.3 (tag [S]: GW-JSON, agreeing with the notes' author). Do not
 * "fix" a value without its source. Units change inside the tables: Table 1
 * items 34–37 and most of Table 2 are μg/L.
 */
#include "standards/groundwater.h"

#include <string.h>

#define MG "mg/L"
#define UG "μg/L"
#define LE(k, zh, u, a, b, c, d, g) {k, zh, u, ECO_GWDIR_LE, {a, b, c, d}, 0, g, 1, "S"}
#define T2(k, zh, u, a, b, c, d) LE(k, zh, u, a, b, c, d, ECO_GWG_OTHER)

const eco_gw_item_def_t eco_gw_items[ECO_GW_NITEMS] = {
    /* ---- Table 1: 感官性状及一般化学指标 */
    LE("colour", "色", "Pt-Co", 5, 5, 15, 25, ECO_GWG_SENSORY),
    {"odour", "嗅和味", "", ECO_GWDIR_ABSENT, {0, 0, 0, 0}, 0, ECO_GWG_SENSORY, 0, "S"},
    LE("turbidity", "浑浊度", "NTU", 3, 3, 3, 10, ECO_GWG_SENSORY),
    {"visible", "肉眼可见物", "", ECO_GWDIR_ABSENT, {0, 0, 0, 0}, 0, ECO_GWG_SENSORY, 0, "S"},
    {"ph", "pH", "", ECO_GWDIR_PH, {0, 0, 0, 0}, 0, ECO_GWG_SENSORY, 0, "S"},
    LE("hardness", "总硬度", MG, 150, 300, 450, 650, ECO_GWG_SENSORY),
    LE("tds", "溶解性总固体", MG, 300, 500, 1000, 2000, ECO_GWG_SENSORY),
    LE("sulfate", "硫酸盐", MG, 50, 150, 250, 350, ECO_GWG_SENSORY),
    LE("chloride", "氯化物", MG, 50, 150, 250, 350, ECO_GWG_SENSORY),
    LE("fe", "铁", MG, 0.1, 0.2, 0.3, 2.0, ECO_GWG_SENSORY),
    LE("mn", "锰", MG, 0.05, 0.05, 0.10, 1.50, ECO_GWG_SENSORY),
    LE("cu", "铜", MG, 0.01, 0.05, 1.00, 1.50, ECO_GWG_SENSORY),
    LE("zn", "锌", MG, 0.05, 0.5, 1.00, 5.00, ECO_GWG_SENSORY),
    LE("al", "铝", MG, 0.01, 0.05, 0.20, 0.50, ECO_GWG_SENSORY),
    LE("phenol", "挥发性酚类", MG, 0.001, 0.001, 0.002, 0.01, ECO_GWG_SENSORY),
    /* Ⅰ = 不得检出: lim[0] = 0 and nd_class1 */
    {"las", "阴离子表面活性剂", MG, ECO_GWDIR_LE, {0, 0.1, 0.3, 0.3}, 1, ECO_GWG_SENSORY, 1, "S"},
    LE("codmn", "耗氧量", MG, 1.0, 2.0, 3.0, 10.0, ECO_GWG_SENSORY),
    LE("nh3n", "氨氮", MG, 0.02, 0.10, 0.50, 1.50, ECO_GWG_SENSORY),
    LE("sulfide", "硫化物", MG, 0.005, 0.01, 0.02, 0.10, ECO_GWG_SENSORY),
    LE("na", "钠", MG, 100, 150, 200, 400, ECO_GWG_SENSORY),
    /* 微生物指标 */
    LE("tcoli", "总大肠菌群", "MPN/100mL", 3.0, 3.0, 3.0, 100, ECO_GWG_MICRO),
    LE("bacteria", "菌落总数", "CFU/mL", 100, 100, 100, 1000, ECO_GWG_MICRO),
    /* 毒理学指标 */
    LE("nitrite", "亚硝酸盐", MG, 0.01, 0.10, 1.00, 4.80, ECO_GWG_TOXIC),
    LE("nitrate", "硝酸盐", MG, 2.0, 5.0, 20.0, 30.0, ECO_GWG_TOXIC),
    LE("cn", "氰化物", MG, 0.001, 0.01, 0.05, 0.1, ECO_GWG_TOXIC),
    LE("f", "氟化物", MG, 1.0, 1.0, 1.0, 2.0, ECO_GWG_TOXIC),
    LE("iodide", "碘化物", MG, 0.04, 0.04, 0.08, 0.50, ECO_GWG_TOXIC),
    LE("hg", "汞", MG, 0.0001, 0.0001, 0.001, 0.002, ECO_GWG_TOXIC),
    LE("as", "砷", MG, 0.001, 0.001, 0.01, 0.05, ECO_GWG_TOXIC),
    LE("se", "硒", MG, 0.01, 0.01, 0.01, 0.1, ECO_GWG_TOXIC),
    LE("cd", "镉", MG, 0.0001, 0.001, 0.005, 0.01, ECO_GWG_TOXIC),
    LE("cr6", "铬（六价）", MG, 0.005, 0.01, 0.05, 0.10, ECO_GWG_TOXIC),
    LE("pb", "铅", MG, 0.005, 0.005, 0.01, 0.10, ECO_GWG_TOXIC),
    LE("chcl3", "三氯甲烷", UG, 0.5, 6, 60, 300, ECO_GWG_TOXIC),
    LE("ccl4", "四氯化碳", UG, 0.5, 0.5, 2.0, 50.0, ECO_GWG_TOXIC),
    LE("benzene", "苯", UG, 0.5, 1.0, 10.0, 120, ECO_GWG_TOXIC),
    LE("toluene", "甲苯", UG, 0.5, 140, 700, 1400, ECO_GWG_TOXIC),
    /* 放射性指标: Ⅳ and Ⅴ both "> Ⅲ" in the standard */
    {"alpha", "总α放射性", "Bq/L", ECO_GWDIR_RADIO, {0.1, 0.1, 0.5, 0.5}, 0, ECO_GWG_RADIO, 1, "S"},
    {"beta", "总β放射性", "Bq/L", ECO_GWDIR_RADIO, {0.1, 1.0, 1.0, 1.0}, 0, ECO_GWG_RADIO, 1, "S"},
    /* ---- Table 2: non-routine */
    T2("be", "铍", MG, 0.0001, 0.0001, 0.002, 0.06),
    T2("b", "硼", MG, 0.02, 0.10, 0.50, 2.00),
    T2("sb", "锑", MG, 0.0001, 0.0005, 0.005, 0.01),
    T2("ba", "钡", MG, 0.01, 0.10, 0.70, 4.00),
    T2("ni", "镍", MG, 0.002, 0.002, 0.02, 0.10),
    T2("co", "钴", MG, 0.005, 0.005, 0.05, 0.10),
    T2("mo", "钼", MG, 0.001, 0.01, 0.07, 0.15),
    T2("ag", "银", MG, 0.001, 0.01, 0.05, 0.10),
    T2("tl", "铊", MG, 0.0001, 0.0001, 0.0001, 0.001),
    T2("dcm", "二氯甲烷", UG, 1, 2, 20, 500),
    T2("dca12", "1,2-二氯乙烷", UG, 0.5, 3.0, 30.0, 40.0),
    T2("tca111", "1,1,1-三氯乙烷", UG, 0.5, 400, 2000, 4000),
    T2("tca112", "1,1,2-三氯乙烷", UG, 0.5, 0.5, 5.0, 60.0),
    T2("dcp12", "1,2-二氯丙烷", UG, 0.5, 0.5, 5.0, 60.0),
    T2("chbr3", "三溴甲烷", UG, 0.5, 10.0, 100, 800),
    T2("vc", "氯乙烯", UG, 0.5, 0.5, 5.0, 90.0),
    T2("dce11", "1,1-二氯乙烯", UG, 0.5, 3.0, 30.0, 60.0),
    T2("dce12", "1,2-二氯乙烯", UG, 0.5, 5.0, 50.0, 60.0),
    T2("tce", "三氯乙烯", UG, 0.5, 7.0, 70.0, 210),
    T2("pce", "四氯乙烯", UG, 0.5, 4.0, 40.0, 300),
    T2("chlorobenzene", "氯苯", UG, 0.5, 60.0, 300, 600),
    T2("odcb", "邻二氯苯", UG, 0.5, 200, 1000, 2000),
    T2("pdcb", "对二氯苯", UG, 0.5, 30.0, 300, 600),
    T2("tcb", "三氯苯（总量）", UG, 0.5, 4.0, 20.0, 180),
    T2("ethylbenzene", "乙苯", UG, 0.5, 30.0, 300, 600),
    T2("xylene", "二甲苯（总量）", UG, 0.5, 100, 500, 1000),
    T2("styrene", "苯乙烯", UG, 0.5, 2.0, 20.0, 40.0),
    T2("dnt24", "2,4-二硝基甲苯", UG, 0.1, 0.5, 5.0, 60.0),
    T2("dnt26", "2,6-二硝基甲苯", UG, 0.1, 0.5, 5.0, 30.0),
    T2("naphthalene", "萘", UG, 1, 10, 100, 600),
    T2("anthracene", "蒽", UG, 1, 360, 1800, 3600),
    T2("fluoranthene", "荧蒽", UG, 1, 50, 240, 480),
    T2("bbf", "苯并(b)荧蒽", UG, 0.1, 0.4, 4.0, 8.0),
    T2("bap", "苯并(a)芘", UG, 0.002, 0.002, 0.01, 0.50),
    T2("pcb", "多氯联苯（总量）", UG, 0.05, 0.05, 0.50, 10.0),
    T2("dehp", "邻苯二甲酸二(2-乙基己基)酯", UG, 3, 3, 8.0, 300),
    T2("tcp246", "2,4,6-三氯酚", UG, 0.05, 20.0, 200, 300),
    T2("pcp", "五氯酚", UG, 0.05, 0.90, 9.0, 18.0),
    T2("hch", "六六六（总量）", UG, 0.01, 0.50, 5.00, 300),
    T2("lindane", "γ-六六六(林丹)", UG, 0.01, 0.20, 2.00, 150),
    T2("ddt", "滴滴涕（总量）", UG, 0.01, 0.10, 1.00, 2.00),
    T2("hcb", "六氯苯", UG, 0.01, 0.10, 1.00, 2.00),
    T2("heptachlor", "七氯", UG, 0.01, 0.04, 0.40, 0.80),
    T2("d24", "2,4-滴", UG, 0.1, 6.0, 30.0, 150),
    T2("carbofuran", "克百威", UG, 0.05, 1.40, 7.00, 14.0),
    T2("aldicarb", "涕灭威", UG, 0.05, 0.60, 3.00, 30.0),
    T2("dichlorvos", "敌敌畏", UG, 0.05, 0.10, 1.00, 2.00),
    T2("mparathion", "甲基对硫磷", UG, 0.05, 4.00, 20.0, 40.0),
    T2("malathion", "马拉硫磷", UG, 0.05, 25.0, 250, 500),
    T2("dimethoate", "乐果", UG, 0.05, 16.0, 80.0, 160),
    T2("chlorpyrifos", "毒死蜱", UG, 0.05, 6.00, 30.0, 60.0),
    T2("chlorothalonil", "百菌清", UG, 0.05, 1.00, 10.0, 150),
    T2("atrazine", "莠去津", UG, 0.05, 0.40, 2.00, 600),
    T2("glyphosate", "草甘膦", UG, 0.1, 140, 700, 1400),
};

eco_gw_set_t eco_gw_set_routine(void)
{
    eco_gw_set_t s = {{0, 0}};
    for (int i = 0; i < ECO_GW_NROUTINE; i++) eco_gw_set_add(&s, i);
    return s;
}

eco_gw_set_t eco_gw_set_all(void)
{
    eco_gw_set_t s = {{0, 0}};
    for (int i = 0; i < ECO_GW_NITEMS; i++) eco_gw_set_add(&s, i);
    return s;
}

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

int eco_gw_item_find(const char *name, unsigned long len)
{
    for (int i = 0; i < ECO_GW_NITEMS; i++)
        if (ieq(name, len, eco_gw_items[i].key) || ieq(name, len, eco_gw_items[i].name_zh)) return i;
    return -1;
}

static const char *const CLS[] = {"", "Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ"};

const char *eco_gw_class_name(int cls) { return cls >= 1 && cls <= 5 ? CLS[cls] : ""; }

int eco_gw_class_parse(const char *s, unsigned long len)
{
    static const char *const ascii[] = {"", "I", "II", "III", "IV", "V"};
    static const char *const digit[] = {"", "1", "2", "3", "4", "5"};
    /* drop a trailing 类 */
    if (len >= 3 && !memcmp(s + len - 3, "类", 3)) len -= 3;
    for (int c = 1; c <= 5; c++)
        if (ieq(s, len, CLS[c]) || ieq(s, len, ascii[c]) || ieq(s, len, digit[c])) return c;
    return 0;
}
