/* test_codes.c — the HJ 212 code tables checked against the reference notes,
 * not against the code.
 *
 * Why: a transcription slip in a code table silently mislabels data for every
 * device that sends that factor. So every row of Tables B.1, B.2, B.3 and
 * B.10 is read at test time from ../shared/reference/hj212.md §9 (the notes
 * the tables were transcribed from; skipped with a message when the shared
 * folder is absent) and compared field by field with eco_hj212_code_find,
 * in both the 2017 and the 2005 spelling. The embedded checks below do not
 * need the notes: well-known codes, the 2005 → 2017 mapping and its ST rule,
 * codes that must stay unknown, the ST/CN/ExeRtn/QnRtn texts of §2.2 and the
 * per-edition data flags of Table 8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hj212/hj212.h"

#define S(lit) ECO_SLICE_LIT(lit)
static const eco_slice_t NOST = {NULL, 0};

static const eco_hj212_code_t *find(const char *code, const char *st)
{
    return eco_hj212_code_find(eco_slice_cstr(code), st ? eco_slice_cstr(st) : NOST);
}

/* ------------------------------------------------------------ embedded checks */

static void test_well_known_2017(void **state)
{
    (void)state;
    const eco_hj212_code_t *e = find("w01018", NULL);
    assert_non_null(e);
    assert_string_equal(e->code, "w01018");
    assert_string_equal(e->code2005, "011");
    assert_string_equal(e->name_zh, "化学需氧量");
    assert_non_null(strstr(e->name_en, "chemical oxygen demand"));
    assert_string_equal(e->unit, "mg/L");
    assert_string_equal(e->unit_cou, "kg");
    assert_int_equal(e->kind, ECO_HJ212_KIND_WATER);

    e = find("a21026", "22");
    assert_non_null(e);
    assert_string_equal(e->name_zh, "二氧化硫");
    assert_string_equal(e->code2005, "02");
    assert_string_equal(e->unit, "mg/m³");
    assert_string_equal(e->unit_cou, "kg");
    assert_int_equal(e->kind, ECO_HJ212_KIND_GAS);

    e = find("w00000", NULL); /* the flow: L/s, m³ */
    assert_non_null(e);
    assert_string_equal(e->unit, "L/s");
    assert_string_equal(e->unit_cou, "m³");
    assert_string_equal(e->code2005, "B01");

    e = find("w01001", NULL); /* pH: dimensionless, no amount */
    assert_non_null(e);
    assert_string_equal(e->unit, "dimensionless");
    assert_null(e->unit_cou);

    /* B.2 prints ng/m³ for PM: kept as printed */
    e = find("a34004", "22");
    assert_non_null(e);
    assert_string_equal(e->name_zh, "细微颗粒物PM2.5");
    assert_string_equal(e->unit, "ng/m³");
    assert_null(e->code2005);

    /* O3: HJ 524-2009, not in B.2, added */
    e = find("a05024", "22");
    assert_non_null(e);
    assert_string_equal(e->name_zh, "臭氧");
    assert_int_equal(e->kind, ECO_HJ212_KIND_GAS);
    assert_null(e->code2005);

    e = find("LA", "23");
    assert_non_null(e);
    assert_string_equal(e->name_zh, "A权声级");
    assert_string_equal(e->unit, "dB");
    assert_int_equal(e->kind, ECO_HJ212_KIND_NOISE);
    e = find("LMn", NULL);
    assert_non_null(e);
    assert_string_equal(e->name_zh, "最小的瞬时声级");

    e = find("i12001", NULL);
    assert_non_null(e);
    assert_string_equal(e->name_zh, "工作状态");
    assert_int_equal(e->kind, ECO_HJ212_KIND_INFO);
    e = find("i13004", NULL);
    assert_non_null(e);
    assert_string_equal(e->unit, "°C");
    e = find("i11001", NULL); /* log text: no unit */
    assert_non_null(e);
    assert_null(e->unit);
}

static void test_slices_not_terminated(void **state)
{
    (void)state;
    /* the parser hands in slices of the frame: "w01018" out of "w01018-Rtd=..." */
    const char *txt = "w01018-Rtd=2.2;011-Rtd=231.0;LA-Rtd=50.1";
    const eco_hj212_code_t *e = eco_hj212_code_find((eco_slice_t){txt, 6}, S("32"));
    assert_non_null(e);
    assert_string_equal(e->code, "w01018");
    e = eco_hj212_code_find((eco_slice_t){txt + 15, 3}, S("32"));
    assert_non_null(e);
    assert_string_equal(e->code, "w01018");
    e = eco_hj212_code_find((eco_slice_t){txt + 29, 2}, S("23"));
    assert_non_null(e);
    assert_string_equal(e->code, "LA");
    /* prefixes and extensions of a real code are not that code */
    assert_null(eco_hj212_code_find((eco_slice_t){txt, 5}, NOST));
    assert_null(eco_hj212_code_find((eco_slice_t){txt, 7}, NOST));
    assert_null(eco_hj212_code_find((eco_slice_t){txt, 0}, NOST));
    assert_null(eco_hj212_code_find((eco_slice_t){NULL, 0}, NOST));
}

static void test_2005_mapping(void **state)
{
    (void)state;
    /* XY-0139 / PH-0213-2005 (ST=32): 011 COD, 060 NH3-N, B01 flow, 001 pH, 101 TP, 065 TN */
    struct {
        const char *c05, *st, *c17;
    } m[] = {
        {"011", "32", "w01018"}, {"060", "32", "w21003"}, {"B01", "32", "w00000"},
        {"001", "32", "w01001"}, {"101", "32", "w21011"}, {"065", "32", "w21001"},
        {"061", "21", "w99001"}, {"571", "21", "w03002"}, {"B01", NULL, "w00000"},
        /* NEG-0190 (ST=31): B02 flue gas flow, S01 O2; the classic 01/02/03 */
        {"B02", "31", "a00000"}, {"S01", "31", "a19001"}, {"01", "31", "a34013"},
        {"02", "31", "a21026"},  {"03", "31", "a21002"},  {"S03", "51", "a01012"},
        {"S08", "31", "a01013"}, {"37", "31", "a01010"},  {"04", "22", "a21005"},
        /* the code text is unambiguous, so the other table answers when ST is off */
        {"02", "32", "a21026"},  {"02", NULL, "a21026"},  {"011", "22", "w01018"},
        {"S02", "80", "a01011"}, {"B02", "", "a00000"},   {"011", " 31 ", "w01018"},
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        const eco_hj212_code_t *e = find(m[i].c05, m[i].st);
        if (!e || strcmp(e->code, m[i].c17) != 0)
            fail_msg("2005 code '%s' (ST %s): expected %s, got %s", m[i].c05, m[i].st ? m[i].st : "NULL",
                     m[i].c17, e ? e->code : "NULL");
        assert_string_equal(e->code2005, m[i].c05);
    }
    /* 2005 codes that do not exist: 016 (none), 16 (the gas table skips 16), S09 */
    assert_null(find("016", "32"));
    assert_null(find("16", "31"));
    assert_null(find("S09", "31"));
    assert_null(find("1", "31"));
    assert_null(find("0011", "32"));
}

static void test_unknown_codes(void **state)
{
    (void)state;
    /* field codes that are in no table (vectors: GC-0303, NEG-GC-0275, ZB-0635,
     * CQ-0109, D17-C.14 typo, lowercase, ICE-0285 a34006) */
    const char *unknown[] = {"a2106", "O3",  "100000", "ele01", "01018",  "W01018", "w01003",
                             "a34006", "SB1", "la",    "Lx",    "i3341x", "i33410", "i3331",
                             "i3331xx", "x", "a"};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        const eco_hj212_code_t *e = find(unknown[i], "22");
        if (e)
            fail_msg("'%s' should be unknown, got %s", unknown[i], e->code);
    }
}

static void test_info_device_number(void **state)
{
    (void)state;
    /* i3331x..i3334x: x is a device number 0-9 */
    const eco_hj212_code_t *e = find("i33312", "31");
    assert_non_null(e);
    assert_string_equal(e->code, "i3331x");
    assert_string_equal(e->name_zh, "炉膛内上部焚烧温度");
    e = find("i33340", "31");
    assert_non_null(e);
    assert_string_equal(e->code, "i3334x");
    e = find("i33329", NULL);
    assert_non_null(e);
    assert_string_equal(e->code, "i3332x");
    /* the literal table code also matches */
    e = find("i3333x", NULL);
    assert_non_null(e);
    assert_string_equal(e->name_zh, "炉膛内下部焚烧温度");
    /* i33400 is a real code, not i3340x */
    e = find("i33400", NULL);
    assert_non_null(e);
    assert_string_equal(e->name_zh, "生产负荷");
}

static void test_st_names(void **state)
{
    (void)state;
    struct {
        const char *st, *name;
    } t[] = {
        {"21", "地表水质量监测"},   {"22", "空气质量监测"},       {"23", "声环境质量监测"},
        {"27", "挥发性有机物监测"}, {"31", "大气环境污染源"},     {"32", "地表水体环境污染源"},
        {"39", "工地扬尘污染源"},   {"41", "电磁环境污染源"},     {"44", "用电监控"},
        {"45", "关键生产工况监控"}, {"51", "烟气排放过程监控"},   {"52", "污水排放过程监控"},
        {"91", "系统交互"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        const char *n = eco_hj212_st_name(eco_slice_cstr(t[i].st));
        assert_non_null(n);
        assert_string_equal(n, t[i].name);
    }
    assert_string_equal(eco_hj212_st_name(S(" 32 ")), "地表水体环境污染源");
    /* in no table: 80 and 77 (field), 40, 42, 53 (gaps), extension codes */
    assert_null(eco_hj212_st_name(S("80")));
    assert_null(eco_hj212_st_name(S("77")));
    assert_null(eco_hj212_st_name(S("40")));
    assert_null(eco_hj212_st_name(S("A0")));
    assert_null(eco_hj212_st_name(S("3")));
    assert_null(eco_hj212_st_name(S("321")));
    assert_null(eco_hj212_st_name(S("")));
    assert_null(eco_hj212_st_name(NOST));
    /* every two-byte ST: exactly the 22 codes of the table have a name (the
     * look-up is a binary search; this pins that nothing else matches) */
    int named = 0;
    for (int a = 0; a < 256; a++)
        for (int b = 0; b < 256; b++) {
            char two[2] = {(char)a, (char)b};
            named += eco_hj212_st_name((eco_slice_t){two, 2}) != NULL;
        }
    assert_int_equal(named, 22);
}

static void test_cn_names(void **state)
{
    (void)state;
    struct {
        int cn;
        const char *name;
    } t[] = {
        {1000, "设置超时时间及重发次数"},
        {1013, "现场机时间校准请求"},
        {1062, "设置实时数据间隔"},
        {1072, "设置现场机密码"},
        {2011, "取/上传污染物实时数据"},
        {2012, "停止察看污染物实时数据"},
        {2061, "取/上传污染物小时数据"},
        {2081, "上传数采仪开机时间"},
        {3014, "比对采样"},
        {3021, "设置现场机参数"},
        {9011, "请求应答"},
        {9012, "执行结果"},
        {9013, "通知应答"},
        {9014, "数据应答"},
        {9015, "心跳包"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        const char *n = eco_hj212_cn_name(t[i].cn);
        assert_non_null(n);
        assert_string_equal(n, t[i].name);
    }
    /* every command of HJ 212-2017 Table 9 and the 2025 additions has a name */
    const int all[] = {1000, 1011, 1012, 1013, 1061, 1062, 1063, 1064, 1072, 2011, 2012, 2021, 2022,
                       2031, 2041, 2051, 2061, 2081, 3011, 3012, 3013, 3014, 3015, 3016, 3017, 3018,
                       3019, 3020, 3021, 9011, 9012, 9013, 9014,
                       /* 2025 */ 1001, 1002, 1014, 2013, 2052, 2062, 2111, 3022, 3024, 9015,
                       /* vendor */ 9021};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (!eco_hj212_cn_name(all[i]))
            fail_msg("CN %d has no name", all[i]);
    assert_non_null(strstr(eco_hj212_cn_name(9021), "非标准"));
    /* every CN from -10 to 10009: exactly the 52 of the table have a name */
    int named = 0;
    for (int cn = -10; cn < 10010; cn++) named += eco_hj212_cn_name(cn) != NULL;
    assert_int_equal(named, 52);
    const int none[] = {0, -1, 999, 1003, 1010, 2082, 2999, 3023, 3043, 9010, 9016, 9999, 10000};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
        if (eco_hj212_cn_name(none[i]))
            fail_msg("CN %d should be unknown", none[i]);
}

/* codes.c answers CN and two-digit ST names from indexes built once; the
 * binary searches they replace stay as the reference: every CN 0..9999 (and
 * some outside), every two-byte ST, some trimmed or odd ones */
const char *eco_hj212_cn_name_slow(int cn);
const char *eco_hj212_st_name_slow(eco_slice_t st);

static void test_name_indexes(void **state)
{
    (void)state;
    for (int cn = -3; cn <= 10003; cn++) assert_ptr_equal(eco_hj212_cn_name(cn), eco_hj212_cn_name_slow(cn));
    for (int a = 0; a < 256; a++)
        for (int b = 0; b < 256; b++) {
            char st[2] = {(char)a, (char)b};
            eco_slice_t sl = {st, 2};
            assert_ptr_equal(eco_hj212_st_name(sl), eco_hj212_st_name_slow(sl));
        }
    static const char *const odd[] = {"", "2", "222", " 22", "22 ", "\t31", "A0", "9"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        assert_ptr_equal(eco_hj212_st_name(eco_slice_cstr(odd[i])), eco_hj212_st_name_slow(eco_slice_cstr(odd[i])));
    assert_ptr_equal(eco_hj212_st_name((eco_slice_t){NULL, 0}), NULL);
    assert_non_null(eco_hj212_st_name(eco_slice_cstr(" 22")));
    assert_non_null(eco_hj212_cn_name(2011));
}

static void test_cn_is_upload(void **state)
{
    (void)state;
    const int up[] = {2011, 2021, 2031, 2041, 2051, 2061, 2081, 2013, 2052, 2062, 2111, 3019, 3020};
    for (size_t i = 0; i < sizeof up / sizeof up[0]; i++)
        if (!eco_hj212_cn_is_upload(up[i]))
            fail_msg("CN %d should be an upload", up[i]);
    const int not_up[] = {0,    1000, 1011, 1012, 1013, 1014, 1061, 1063, 2012, 2022, 3011, 3015,
                          3017, 3018, 3021, 9011, 9012, 9013, 9014, 9015, 9021, -2011};
    for (size_t i = 0; i < sizeof not_up / sizeof not_up[0]; i++)
        if (eco_hj212_cn_is_upload(not_up[i]))
            fail_msg("CN %d should not be an upload", not_up[i]);
}

static void test_rtn_names(void **state)
{
    (void)state;
    /* Table 6 */
    assert_string_equal(eco_hj212_exertn_name(1), "执行成功");
    assert_string_equal(eco_hj212_exertn_name(3), "命令请求条件错误");
    assert_string_equal(eco_hj212_exertn_name(4), "通讯超时");
    assert_string_equal(eco_hj212_exertn_name(6), "系统故障");
    assert_string_equal(eco_hj212_exertn_name(100), "没有数据");
    for (int v = 1; v <= 6; v++)
        assert_non_null(eco_hj212_exertn_name(v));
    assert_null(eco_hj212_exertn_name(0));
    assert_null(eco_hj212_exertn_name(7));
    assert_null(eco_hj212_exertn_name(99));
    /* Table 7 */
    assert_string_equal(eco_hj212_qnrtn_name(1), "准备执行请求");
    assert_string_equal(eco_hj212_qnrtn_name(2), "请求被拒绝");
    assert_string_equal(eco_hj212_qnrtn_name(3), "PW 错误");
    assert_string_equal(eco_hj212_qnrtn_name(9), "CRC 校验错误");
    assert_string_equal(eco_hj212_qnrtn_name(100), "未知错误");
    for (int v = 1; v <= 9; v++)
        assert_non_null(eco_hj212_qnrtn_name(v));
    assert_null(eco_hj212_qnrtn_name(0));
    assert_null(eco_hj212_qnrtn_name(10));
    assert_null(eco_hj212_qnrtn_name(99)); /* the surface-water profile's CRC error: not standard */
}

static void test_data_flags(void **state)
{
    (void)state;
    const char *f17 = "NFMSDCTB";
    for (const char *p = f17; *p; p++) {
        eco_slice_t f = {p, 1};
        if (!eco_hj212_data_flag_name(f, ECO_HJ212_ED_2017))
            fail_msg("2017 flag %c missing", *p);
        if (!eco_hj212_data_flag_name(f, ECO_HJ212_ED_2025))
            fail_msg("2025 flag %c missing", *p);
    }
    const char *f05 = "NFMSDCTP0123";
    for (const char *p = f05; *p; p++)
        if (!eco_hj212_data_flag_name((eco_slice_t){p, 1}, ECO_HJ212_ED_2005))
            fail_msg("2005 flag %c missing", *p);
    /* P (power failure) and 0-3 are 2005 only; B is 2017 only */
    assert_null(eco_hj212_data_flag_name(S("P"), ECO_HJ212_ED_2017));
    assert_null(eco_hj212_data_flag_name(S("3"), ECO_HJ212_ED_2017));
    assert_null(eco_hj212_data_flag_name(S("B"), ECO_HJ212_ED_2005));
    /* F changed meaning: emission source stopped (2005) vs instrument stopped (2017) */
    assert_string_equal(eco_hj212_data_flag_name(S("F"), ECO_HJ212_ED_2005), "排放源停运");
    assert_string_equal(eco_hj212_data_flag_name(S("F"), ECO_HJ212_ED_2017), "仪器仪表停运");
    assert_string_equal(eco_hj212_data_flag_name(S("N"), ECO_HJ212_ED_2017), "在线监控（监测）仪器仪表工作正常");
    assert_string_equal(eco_hj212_data_flag_name(S("B"), ECO_HJ212_ED_2017), "仪器仪表与数采仪通讯异常");
    assert_string_equal(eco_hj212_data_flag_name(S("P"), ECO_HJ212_ED_2005), "电源故障");
    assert_string_equal(eco_hj212_data_flag_name(S("3"), ECO_HJ212_ED_2005), "正常数据");
    /* field multi-letter flags and lowercase are in no table */
    const char *bad[] = {"St", "Sd", "Md", "n", "NN", "", "A", "X", "4"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_null(eco_hj212_data_flag_name(eco_slice_cstr(bad[i]), ECO_HJ212_ED_2017));
        assert_null(eco_hj212_data_flag_name(eco_slice_cstr(bad[i]), ECO_HJ212_ED_2005));
    }
    assert_null(eco_hj212_data_flag_name(NOST, ECO_HJ212_ED_2017));
}

/* ------------------------------------------------------------ against the notes */

/* The unit translation, repeated here on purpose (codes.c documents it). */
static const struct {
    const char *zh, *sym;
} UNITS[] = {
    {"升/秒", "L/s"},         {"立方米", "m³"},          {"无量纲", "dimensionless"},
    {"[色]度", "colour degree"}, {"毫克/升", "mg/L"},     {"千克", "kg"},
    {"摄氏度", "°C"},         {"微西[门子]/厘米", "µS/cm"}, {"个/升", "count/L"},
    {"贝可[勒尔]/升", "Bq/L"}, {"纳克/升", "ng/L"},        {"毫克", "mg"},
    {"微克/升", "µg/L"},      {"克", "g"},               {"立方米/秒", "m³/s"},
    {"%", "%"},               {"千帕", "kPa"},           {"米/秒", "m/s"},
    {"[角]度", "°"},          {"平方米", "m²"},          {"毫克/立方米", "mg/m³"},
    {"纳克/立方米", "ng/m³"}, {"吨/平方千米x月", "t/(km²·month)"}, {"分贝", "dB"},
    {"分钟", "min"},          {"年月日时分秒", "YYYYMMDDhhmmss"}, {"伏[特]", "V"},
    {"秒", "s"},              {"安[培]", "A"},           {"千瓦[特][小]时", "kWh"},
};

/* "—" → NULL; otherwise the symbol, or "?" for a unit the map lacks (fails). */
static const char *unit_sym(const char *zh)
{
    if (strcmp(zh, "—") == 0)
        return NULL;
    for (size_t i = 0; i < sizeof UNITS / sizeof UNITS[0]; i++)
        if (strcmp(zh, UNITS[i].zh) == 0)
            return UNITS[i].sym;
    return "?";
}

static char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, len = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t r = fread(buf + len, 1, 4096, f);
        len += r;
        if (r < 4096)
            break;
    }
    fclose(f);
    buf[len] = '\0';
    *n = len;
    return buf;
}

static char *shared_file(const char *rel)
{
    const char *dir = getenv("ECO_SHARED_DIR");
    if (!dir || !*dir)
        return NULL;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    size_t n;
    return read_file(path, &n);
}

static int eq_or_null(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

/* Split "| a | b | c |" into trimmed cells (in place). Returns the count. */
static int split_row(char *line, char **cell, int max)
{
    int n = 0;
    char *p = line;
    if (*p != '|')
        return 0;
    p++;
    while (*p && n < max) {
        char *bar = strchr(p, '|');
        if (!bar)
            break;
        *bar = '\0';
        char *a = p, *b = bar;
        while (*a == ' ')
            a++;
        while (b > a && b[-1] == ' ')
            b--;
        *b = '\0';
        cell[n++] = a;
        p = bar + 1;
    }
    return n;
}

static void test_against_notes(void **state)
{
    (void)state;
    char *md = shared_file("reference/hj212.md");
    if (!md) {
        print_message("SKIP: ECO_SHARED_DIR/reference/hj212.md not readable (ECO_SHARED_DIR=%s)\n",
                      getenv("ECO_SHARED_DIR") ? getenv("ECO_SHARED_DIR") : "(unset)");
        skip();
    }
    /* table → (kind, ST to look the 2005 code up with, ST of the other kind) */
    struct {
        const char *title;
        eco_hj212_code_kind_t kind;
        const char *st, *other_st;
        int rows, with2005;
    } tab[] = {
        {"#### Table B.1 ", ECO_HJ212_KIND_WATER, "32", "31", 0, 0},
        {"#### Table B.2 ", ECO_HJ212_KIND_GAS, "31", "32", 0, 0},
        {"#### Table B.3 ", ECO_HJ212_KIND_NOISE, "23", "32", 0, 0},
        {"#### Table B.10 ", ECO_HJ212_KIND_INFO, "32", "31", 0, 0},
    };
    int cur = -1, errors = 0;
    char *save = NULL;
    for (char *line = strtok_r(md, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "#", 1) == 0) {
            cur = -1;
            for (int t = 0; t < 4; t++)
                if (strncmp(line, tab[t].title, strlen(tab[t].title)) == 0)
                    cur = t;
            continue;
        }
        if (cur < 0 || strncmp(line, "| ", 2) != 0 || strncmp(line, "|---", 4) == 0)
            continue;
        char *c[8];
        int nc = split_row(line, c, 8);
        if (nc < 3 || strcmp(c[0], "2017 code") == 0 || strcmp(c[0], "code") == 0)
            continue;
        const char *code = c[0], *zh = c[1], *c05 = NULL, *unit, *cou = NULL;
        if (cur == 3) { /* B.10: code | name | unit | type | note */
            unit = unit_sym(c[2]);
        } else { /* code | name | 2005 | unit | amount | type */
            if (nc < 5) {
                print_message("short row for %s\n", code);
                errors++;
                continue;
            }
            c05 = strcmp(c[2], "—") == 0 ? NULL : c[2];
            unit = unit_sym(c[3]);
            cou = unit_sym(c[4]);
        }
        tab[cur].rows++;
        const eco_hj212_code_t *e = find(code, NULL);
        if (!e) {
            print_message("%s: not found\n", code);
            errors++;
            continue;
        }
        if (strcmp(e->code, code) || strcmp(e->name_zh, zh) || !eq_or_null(e->code2005, c05) ||
            !eq_or_null(e->unit, unit) || !eq_or_null(e->unit_cou, cou) || e->kind != tab[cur].kind ||
            !e->name_en || !*e->name_en) {
            print_message("%s: table has {%s %s %s %s %s kind %d}, notes say {%s %s %s %s}\n", code, e->code,
                          e->name_zh, e->code2005 ? e->code2005 : "NULL", e->unit ? e->unit : "NULL",
                          e->unit_cou ? e->unit_cou : "NULL", (int)e->kind, zh, c05 ? c05 : "NULL",
                          unit ? unit : "NULL", cou ? cou : "NULL");
            errors++;
        }
        if (c05) {
            tab[cur].with2005++;
            /* the 2005 code maps to this entry with the table's own ST, and
             * (the strings being distinct) with the other kind's ST too */
            if (find(c05, tab[cur].st) != e || find(c05, tab[cur].other_st) != e || find(c05, NULL) != e) {
                print_message("2005 code %s does not map to %s\n", c05, code);
                errors++;
            }
        }
    }
    free(md);
    print_message("notes rows: B.1 %d (%d with 2005 code), B.2 %d (%d), B.3 %d, B.10 %d\n", tab[0].rows,
                  tab[0].with2005, tab[1].rows, tab[1].with2005, tab[2].rows, tab[3].rows);
    assert_int_equal(errors, 0);
    /* the notes' table sizes: a parse that silently lost rows must fail */
    assert_int_equal(tab[0].rows, 63);
    assert_int_equal(tab[1].rows, 121);
    assert_int_equal(tab[2].rows, 12);
    assert_int_equal(tab[3].rows, 38);
    assert_int_equal(tab[0].with2005, 48);
    assert_int_equal(tab[1].with2005, 45);
}

/* The hashed look-up against the binary searches it was built from, on every
 * table code, its prefixes and one-byte variants, the i333?x expansions, all
 * 1-3 character strings over the code alphabet, and every ST rule. */
const eco_hj212_code_t *eco_hj212_code_find_slow(eco_slice_t code, eco_slice_t st);

static void check_same(const char *p, size_t n, long *count)
{
    static const char *const sts[] = {NULL, "", "22", "27", "31", "39", "51", "32", "21", " 31", "80"};
    for (size_t s = 0; s < sizeof sts / sizeof sts[0]; s++) {
        eco_slice_t st = sts[s] ? eco_slice_cstr(sts[s]) : NOST;
        const eco_hj212_code_t *a = eco_hj212_code_find((eco_slice_t){p, n}, st);
        const eco_hj212_code_t *b = eco_hj212_code_find_slow((eco_slice_t){p, n}, st);
        if (a != b) fail_msg("code '%.*s' ST %s: hash %p, search %p", (int)n, p, sts[s] ? sts[s] : "NULL",
                             (const void *)a, (const void *)b);
        (*count)++;
    }
}

static void test_hash_matches_search(void **state)
{
    (void)state;
    long count = 0;
    static const char alpha[] = "0123456789waiLBSxdnMN5\0";
    size_t na = sizeof alpha - 1;
    char buf[9];
    for (size_t a = 0; a < na; a++) {
        buf[0] = alpha[a];
        check_same(buf, 1, &count);
        for (size_t b = 0; b < na; b++) {
            buf[1] = alpha[b];
            check_same(buf, 2, &count);
            for (size_t c = 0; c < na; c++) {
                buf[2] = alpha[c];
                check_same(buf, 3, &count);
            }
        }
    }
    /* every 6-byte code of the letters the tables use with 5 digits from a spread */
    static const char lead[] = "waiLx";
    for (size_t l = 0; l < sizeof lead - 1; l++)
        for (int v = 0; v < 100000; v += 7) {
            snprintf(buf, sizeof buf, "%c%05d", lead[l], v);
            check_same(buf, 6, &count);
        }
    for (int v = 0; v < 100000; v++) { /* all of a and w, once, without ST variants */
        snprintf(buf, sizeof buf, "a%05d", v);
        if (eco_hj212_code_find((eco_slice_t){buf, 6}, NOST) != eco_hj212_code_find_slow((eco_slice_t){buf, 6}, NOST))
            fail_msg("code '%s'", buf);
        buf[0] = 'w';
        if (eco_hj212_code_find((eco_slice_t){buf, 6}, NOST) != eco_hj212_code_find_slow((eco_slice_t){buf, 6}, NOST))
            fail_msg("code '%s'", buf);
        buf[0] = 'i';
        if (eco_hj212_code_find((eco_slice_t){buf, 6}, NOST) != eco_hj212_code_find_slow((eco_slice_t){buf, 6}, NOST))
            fail_msg("code '%s'", buf);
    }
    /* odd lengths and bytes around real codes */
    static const char *const real[] = {"w01018", "a21026", "i3331x", "i33315", "L10", "LA", "Ldn", "011", "B01",
                                       "02", "S01", "a05024", "i11001", "w99001", "a99051"};
    for (size_t r = 0; r < sizeof real / sizeof real[0]; r++) {
        size_t n = strlen(real[r]);
        char t[9] = {0};
        memcpy(t, real[r], n);
        for (size_t k = 0; k <= 8; k++) check_same(t, k, &count);
        for (size_t i = 0; i < n; i++)
            for (int d = -2; d <= 2; d++) {
                memcpy(t, real[r], n);
                t[i] = (char)(t[i] + d);
                check_same(t, n, &count);
            }
    }
    assert_true(count > 100000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_well_known_2017), cmocka_unit_test(test_slices_not_terminated),
        cmocka_unit_test(test_2005_mapping),    cmocka_unit_test(test_unknown_codes),
        cmocka_unit_test(test_info_device_number), cmocka_unit_test(test_st_names),
        cmocka_unit_test(test_cn_names),        cmocka_unit_test(test_cn_is_upload),
        cmocka_unit_test(test_rtn_names),       cmocka_unit_test(test_data_flags),
        cmocka_unit_test(test_against_notes),   cmocka_unit_test(test_hash_matches_search),
        cmocka_unit_test(test_name_indexes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
