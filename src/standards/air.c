/* air.c — the tables of GB 3095, HJ 633 and HJ 663, both editions.
 *
 * Every number below is transcribed from the primary texts as recorded in
 * docs/standards.md (HJ 633-2012 Table 1, HJ 633-2026 Table 3, GB 3095-2012
 * Table 1, GB 3095-2026 Table 1). Do not "fix" a value without its source.
 */
#include "standards/air.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define DAY_2026_03_01 20513 /* eco_day_from_civil(2026, 3, 1); checked by a unit test */
#define DAY_2026_02_28 20512
#define DAY_2030_12_31 22279
#define DAY_2031_01_01 22280

const char *const eco_air_ind_name[ECO_AIR_NIND] = {"SO2", "NO2", "CO", "O3", "O3_8h", "PM10", "PM2.5"};
const char *const eco_air_ind_key[ECO_AIR_NIND] = {"so2", "no2", "co", "o3", "o3_8h", "pm10", "pm2_5"};
const char *const eco_air_pol_key[ECO_POL_N] = {"so2", "no2", "co", "o3", "pm10", "pm2_5"};
const eco_air_ind_t eco_air_pol_ind[ECO_POL_N] = {ECO_AIR_SO2, ECO_AIR_NO2,  ECO_AIR_CO,
                                                 ECO_AIR_O3,  ECO_AIR_PM10, ECO_AIR_PM25};

#define IAQI8 {0, 50, 100, 150, 200, 300, 400, 500}
#define T8(...) {8, {__VA_ARGS__}, IAQI8}

/* Tables shared by both editions (only PM10/PM2.5 changed in 2026). */
#define BP_COMMON                                                                        \
    [ECO_BP_SO2_24H] = T8(0, 50, 150, 475, 800, 1600, 2100, 2620),                       \
    [ECO_BP_SO2_1H] = {5, {0, 150, 500, 650, 800}, {0, 50, 100, 150, 200}},              \
    [ECO_BP_NO2_24H] = T8(0, 40, 80, 180, 280, 565, 750, 940),                           \
    [ECO_BP_NO2_1H] = T8(0, 100, 200, 700, 1200, 2340, 3090, 3840),                      \
    [ECO_BP_CO_24H] = T8(0, 2, 4, 14, 24, 36, 48, 60),                                   \
    [ECO_BP_CO_1H] = T8(0, 5, 10, 35, 60, 90, 120, 150),                                 \
    [ECO_BP_O3_1H] = T8(0, 160, 200, 300, 400, 800, 1000, 1200),                         \
    [ECO_BP_O3_8H] = {6, {0, 100, 160, 215, 265, 800}, {0, 50, 100, 150, 200, 300}}


const eco_air_edition_t eco_air_edition_2012 = {
    .name = "2012",
    .hj633 = "HJ 633-2012",
    .hj663 = "HJ 663-2013",
    .gb3095 = "GB 3095-2012 (with the 2018 reference-state amendment)",
    .from = INT32_MIN,
    .to = DAY_2026_02_28,
    .bp = {BP_COMMON,
           [ECO_BP_PM10_24H] = T8(0, 50, 150, 250, 350, 420, 500, 600),
           [ECO_BP_PM25_24H] = T8(0, 35, 75, 115, 150, 250, 350, 500)},
    .round_inputs = 0,
    .so2_1h_over = ECO_OVER_USE_24H,
    .o3_8h_over = ECO_OVER_USE_1H,
    .aqi_min = 0,
    .daily_o3_1h = 1,
    .cat = {
        {0, 50, "一级", "优", "Excellent", "绿色", "#00E400", "空气质量令人满意，基本无空气污染", "各类人群可正常活动",
         "Air quality is satisfactory; there is little or no air pollution.", "Everyone can continue normal activities."},
        {51, 100, "二级", "良", "Good", "黄色", "#FFFF00",
         "空气质量可接受，但某些污染物可能对极少数异常敏感人群健康有较弱影响", "极少数异常敏感人群应减少户外活动",
         "Air quality is acceptable; some pollutants may slightly affect a very small number of unusually sensitive people.",
         "Unusually sensitive people should reduce outdoor activity."},
        {101, 150, "三级", "轻度污染", "Lightly polluted", "橙色", "#FF7E00",
         "易感人群症状有轻度加剧，健康人群出现刺激症状",
         "儿童、老年人及心脏病、呼吸系统疾病患者应减少长时间、高强度的户外锻炼",
         "Symptoms of susceptible people are slightly aggravated; healthy people show irritation.",
         "Children, the elderly and people with heart or respiratory disease should reduce prolonged or heavy outdoor exertion."},
        {151, 200, "四级", "中度污染", "Moderately polluted", "红色", "#FF0000",
         "进一步加剧易感人群症状，可能对健康人群心脏、呼吸系统有影响",
         "儿童、老年人及心脏病、呼吸系统疾病患者避免长时间、高强度的户外锻练，一般人群适量减少户外运动",
         "Symptoms of susceptible people are further aggravated; the heart and respiratory system of healthy people may be affected.",
         "Children, the elderly and people with heart or respiratory disease should avoid prolonged or heavy outdoor exertion; everyone else should reduce outdoor exercise."},
        {201, 300, "五级", "重度污染", "Heavily polluted", "紫色", "#99004C",
         "心脏病和肺病患者症状显著加剧，运动耐受力降低，健康人群普遍出现症状",
         "儿童、老年人和心脏病、肺病患者应停留在室内，停止户外运动，一般人群减少户外运动",
         "Symptoms of people with heart or lung disease are markedly aggravated and exercise tolerance drops; healthy people commonly show symptoms.",
         "Children, the elderly and people with heart or lung disease should stay indoors and stop outdoor exercise; everyone else should reduce outdoor exercise."},
        {301, 500, "六级", "严重污染", "Severely polluted", "褐红色", "#7E0023",
         "健康人群运动耐受力降低，有明显强烈症状，提前出现某些疾病",
         "儿童、老年人和病人应当留在室内，避免体力消耗，一般人群应避免户外活动",
         "Exercise tolerance of healthy people drops, with marked symptoms; some illnesses appear early.",
         "Children, the elderly and the sick should stay indoors and avoid exertion; everyone else should avoid outdoor activity."},
    },
    .min_hours_daily = 20,
    .min_hours_8h = 6,
    .mda8_first_end = 8,
    .mda8_min_windows = 14,
    .min_days_month = 27,
    .min_days_feb = 25,
    .min_days_year = 324,
};

const eco_air_edition_t eco_air_edition_2026 = {
    .name = "2026",
    .hj633 = "HJ 633-2026",
    .hj663 = "HJ 663-2026",
    .gb3095 = "GB 3095-2026",
    .from = DAY_2026_03_01,
    .to = INT32_MAX,
    .bp = {BP_COMMON,
           [ECO_BP_PM10_24H] = T8(0, 50, 120, 250, 350, 420, 500, 600),
           [ECO_BP_PM25_24H] = T8(0, 35, 60, 115, 150, 250, 350, 500)},
    .round_inputs = 1,
    .so2_1h_over = ECO_OVER_FIXED,
    .so2_1h_over_iaqi = 200,
    .o3_8h_over = ECO_OVER_FIXED,
    .o3_8h_over_iaqi = 300,
    .aqi_min = 1,
    .daily_o3_1h = 0,
    .cat = {
        {1, 50, "一级", "优", "Excellent", "绿色", "#00E400", "空气质量令人满意，基本无空气污染", "各类人群可正常活动",
         "Air quality is satisfactory; there is little or no air pollution.", "Everyone can continue normal activities."},
        {51, 100, "二级", "良", "Good", "黄色", "#FFFF00",
         "空气质量可接受，但某些污染物可能对极少数异常敏感人群健康有较弱影响", "极少数异常敏感人群应减少户外活动",
         "Air quality is acceptable; some pollutants may slightly affect a very small number of unusually sensitive people.",
         "Unusually sensitive people should reduce outdoor activity."},
        {101, 150, "三级", "轻度污染", "Lightly polluted", "橙色", "#FF7E00",
         "敏感人群症状有轻度加剧，健康人群出现刺激症状",
         "青少年儿童、老年人及心血管系统疾病、呼吸系统疾病患者应减少长时间、高强度的户外锻炼",
         "Symptoms of sensitive people are slightly aggravated; healthy people show irritation.",
         "Children and adolescents, the elderly and people with cardiovascular or respiratory disease should reduce prolonged or heavy outdoor exertion."},
        {151, 200, "四级", "中度污染", "Moderately polluted", "红色", "#FF0000",
         "进一步加剧敏感人群症状，可能对健康人群心血管系统、呼吸系统有影响",
         "青少年儿童、老年人及心血管系统疾病、呼吸系统疾病患者避免长时间、高强度的户外锻炼，一般人群适量减少户外运动",
         "Symptoms of sensitive people are further aggravated; the cardiovascular and respiratory systems of healthy people may be affected.",
         "Children and adolescents, the elderly and people with cardiovascular or respiratory disease should avoid prolonged or heavy outdoor exertion; everyone else should reduce outdoor exercise."},
        {201, 300, "五级", "重度污染", "Heavily polluted", "紫色", "#99004C",
         "心血管系统和呼吸系统患者症状显著加剧，运动耐受力降低，健康人群普遍出现症状",
         "青少年儿童、老年人和心血管系统疾病、呼吸系统疾病患者应停留在室内，停止户外运动，一般人群减少户外运动",
         "Symptoms of people with cardiovascular or respiratory disease are markedly aggravated and exercise tolerance drops; healthy people commonly show symptoms.",
         "Children and adolescents, the elderly and people with cardiovascular or respiratory disease should stay indoors and stop outdoor exercise; everyone else should reduce outdoor exercise."},
        {301, 500, "六级", "严重污染", "Severely polluted", "褐红色", "#7E0023",
         "健康人群运动耐受力降低，有明显强烈症状，提前出现某些疾病",
         "青少年儿童、老年人和病人应当留在室内，避免体力消耗，一般人群应避免户外活动",
         "Exercise tolerance of healthy people drops, with marked symptoms; some illnesses appear early.",
         "Children and adolescents, the elderly and the sick should stay indoors and avoid exertion; everyone else should avoid outdoor activity."},
    },
    .sensitive_zh = {
        [ECO_POL_SO2] = "患有哮喘的人、青少年儿童以及老年人",
        [ECO_POL_NO2] = "患有呼吸系统疾病（如哮喘）的人、青少年儿童以及老年人",
        [ECO_POL_CO] = "患有心血管系统疾病的人",
        [ECO_POL_O3] = "患有呼吸系统疾病（如哮喘）的人、青少年儿童、户外活动频繁的人以及老年人",
        [ECO_POL_PM10] = "患有心血管系统疾病或呼吸系统疾病（如哮喘）的人、青少年儿童、户外活动频繁的人以及老年人",
        [ECO_POL_PM25] = "患有心血管系统疾病或呼吸系统疾病（如哮喘）的人、青少年儿童、户外活动频繁的人以及老年人",
    },
    .min_hours_daily = 20,
    .min_hours_8h = 6,
    .mda8_first_end = 8,
    .mda8_min_windows = 14,
    .min_days_month = 27,
    .min_days_feb = 25,
    .min_days_year = 324,
};

#define NL NAN
/* order: SO2 NO2 CO O3 PM10 PM2.5; [grade 1, grade 2] */
static const eco_air_limits_t limits_2012 = {
    .name = "GB 3095-2012",
    .from = INT32_MIN,
    .to = DAY_2026_02_28,
    .annual = {{20, 60}, {40, 40}, {NL, NL}, {NL, NL}, {40, 70}, {15, 35}},
    .daily = {{50, 150}, {80, 80}, {4, 4}, {NL, NL}, {50, 150}, {35, 75}},
    .hour1 = {{150, 500}, {200, 200}, {10, 10}, {160, 200}, {NL, NL}, {NL, NL}},
    .o3_8h = {100, 160},
};

static const eco_air_limits_t limits_2026_transitional = {
    .name = "GB 3095-2026 transitional",
    .from = DAY_2026_03_01,
    .to = DAY_2030_12_31,
    .annual = {{20, 60}, {40, 40}, {NL, NL}, {NL, NL}, {40, 60}, {15, 30}},
    .daily = {{50, 150}, {80, 80}, {4, 4}, {NL, NL}, {50, 120}, {35, 60}},
    .hour1 = {{150, 500}, {200, 200}, {10, 10}, {160, 200}, {NL, NL}, {NL, NL}},
    .o3_8h = {100, 160},
};

static const eco_air_limits_t limits_2026_final = {
    .name = "GB 3095-2026",
    .from = DAY_2031_01_01,
    .to = INT32_MAX,
    .annual = {{20, 20}, {30, 30}, {NL, NL}, {NL, NL}, {20, 50}, {10, 25}},
    .daily = {{50, 50}, {50, 50}, {4, 4}, {NL, NL}, {50, 100}, {25, 50}},
    .hour1 = {{150, 150}, {200, 200}, {10, 10}, {160, 200}, {NL, NL}, {NL, NL}},
    .o3_8h = {100, 160},
};

eco_day_t eco_air_switch_day(void) { return DAY_2026_03_01; }

const eco_air_edition_t *eco_air_edition_for_day(eco_day_t d)
{
    return d >= DAY_2026_03_01 ? &eco_air_edition_2026 : &eco_air_edition_2012;
}

const eco_air_edition_t *eco_air_edition_by_name(const char *name)
{
    if (!name) return NULL;
    if (!strcmp(name, "2012") || !strcmp(name, "2013")) return &eco_air_edition_2012;
    if (!strcmp(name, "2026")) return &eco_air_edition_2026;
    return NULL;
}

const eco_air_limits_t *eco_air_limits_for(const eco_air_edition_t *ed, eco_day_t d)
{
    if (ed == &eco_air_edition_2012) return &limits_2012;
    return d >= DAY_2031_01_01 ? &limits_2026_final : &limits_2026_transitional;
}

int eco_air_level(int aqi)
{
    if (aqi < 0) return 0;
    if (aqi <= 50) return 1;
    if (aqi <= 100) return 2;
    if (aqi <= 150) return 3;
    if (aqi <= 200) return 4;
    if (aqi <= 300) return 5;
    return 6;
}

const eco_air_category_t *eco_air_category(const eco_air_edition_t *ed, int aqi)
{
    int l = eco_air_level(aqi);
    return l ? &ed->cat[l - 1] : NULL;
}
