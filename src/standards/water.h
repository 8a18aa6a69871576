/* water.h — GB 3838-2002 《地表水环境质量标准》 Table 1 as data.
 *
 * Why data and not code: the classification engine (water/water.h) must not
 * know a single limit. Every number lives in one const table with its unit,
 * direction and source confidence, and the evaluation rules of
 * 环办〔2011〕22号 (which items decide a class) are item sets over that table,
 * so the national automatic-station rule ("5 items") and the routine
 * 21-item rule are two bitmasks, not two code paths.
 *
 * Sources and confidence: ../shared/reference/water-noise-standards.md §1.1
 * (Table 1 [S: SW-JSON; V for items 1–9 and for pH, DO, CODMn, NH3-N, TP on
 * CNEMC 2021-04 data]) and §2.1 (item sets); docs/water.md.
 */
#ifndef ECO_STANDARDS_WATER_H
#define ECO_STANDARDS_WATER_H

#include <stdint.h>

/* GB 3838-2002 Table 1 basic items, in the standard's order. */
typedef enum {
    ECO_W_TEMP,    /*  1 水温: no class limits */
    ECO_W_PH,      /*  2 pH */
    ECO_W_DO,      /*  3 溶解氧 */
    ECO_W_CODMN,   /*  4 高锰酸盐指数 */
    ECO_W_COD,     /*  5 化学需氧量 */
    ECO_W_BOD5,    /*  6 五日生化需氧量 */
    ECO_W_NH3N,    /*  7 氨氮 */
    ECO_W_TP,      /*  8 总磷 (river / lake-reservoir columns) */
    ECO_W_TN,      /*  9 总氮 (lakes and reservoirs only) */
    ECO_W_CU,      /* 10 铜 */
    ECO_W_ZN,      /* 11 锌 */
    ECO_W_F,       /* 12 氟化物 */
    ECO_W_SE,      /* 13 硒 */
    ECO_W_AS,      /* 14 砷 */
    ECO_W_HG,      /* 15 汞 */
    ECO_W_CD,      /* 16 镉 */
    ECO_W_CR6,     /* 17 铬（六价） */
    ECO_W_PB,      /* 18 铅 */
    ECO_W_CN,      /* 19 氰化物 */
    ECO_W_PHENOL,  /* 20 挥发酚 */
    ECO_W_OIL,     /* 21 石油类 */
    ECO_W_LAS,     /* 22 阴离子表面活性剂 */
    ECO_W_SULFIDE, /* 23 硫化物 */
    ECO_W_FCOLI,   /* 24 粪大肠菌群 */
    ECO_W_NITEMS
} eco_water_item_t;

typedef enum { ECO_WB_RIVER = 0, ECO_WB_LAKE = 1 } eco_water_body_t;

typedef enum {
    ECO_WDIR_NONE,  /* no class limits (水温) */
    ECO_WDIR_LE,    /* class k when value <= limit[k] */
    ECO_WDIR_GE,    /* class k when value >= limit[k] (溶解氧) */
    ECO_WDIR_RANGE  /* inside [lo, hi] for every class (pH); outside: 劣Ⅴ */
} eco_water_dir_t;

/* Classes: 1..5 = Ⅰ..Ⅴ, 6 = 劣Ⅴ, 0 = none (missing / not classable). */
#define ECO_WCLASS_NONE 0
#define ECO_WCLASS_WORSE_V 6

typedef struct eco_water_item_def {
    const char *key;     /* "nh3n" — column key and output names */
    const char *name_zh; /* "氨氮" */
    const char *name_en; /* "ammonia nitrogen" */
    const char *unit;    /* "mg/L", "" (pH), "℃", "个/L" */
    eco_water_dir_t dir;
    double lim[5];       /* class Ⅰ..Ⅴ limits, rivers (pH: lim[0]=lo, lim[1]=hi) */
    double lim_lake[5];  /* lakes and reservoirs (differs only for TP) */
    int lake_only;       /* limits apply to lakes/reservoirs only (TN) */
    int has_multiple;    /* 超标倍数 defined (not for 水温, pH, DO) */
    const char *confidence; /* "V", "S" — tag of the reference notes */
} eco_water_item_def_t;

extern const eco_water_item_def_t eco_water_items[ECO_W_NITEMS];

/* GB 3838-2002 Table 2: supplementary items for centralised drinking-water
 * sources (集中式生活饮用水地表水源地补充项目标准限值), mg/L, a single limit each.
 * Table 3 (80 specific items) is not shipped: `water assess --limits FILE`
 * adds whichever of them a source monitors. */
typedef struct eco_water_limit {
    const char *key;      /* "sulfate" */
    const char *name_zh;  /* "硫酸盐" */
    const char *alias;    /* another header seen in exports ("硫酸盐(以SO4计)"), or NULL */
    double limit;         /* mg/L, "not more than" */
} eco_water_limit_t;
#define ECO_W_TABLE2_N 5
extern const eco_water_limit_t eco_water_table2[ECO_W_TABLE2_N];

/* Item sets (bit i = eco_water_item_t i) that decide the class. */
#define ECO_WBIT(i) (UINT32_C(1) << (i))
/** The national automatic stations: pH, DO, CODMn, NH3-N, TP (TN not even at
 *  lakes) [V: CNEMC 2021-04, 98.75 % row-level reproduction]. */
extern const uint32_t eco_water_set_auto5;
/** 环办〔2011〕22号: Table 1 minus 水温, 总氮 and 粪大肠菌群 (21 items) [V]. */
extern const uint32_t eco_water_set_routine21;

/** Item by column key ("ph", "nh3n", ...; ASCII case-insensitive) or NULL. */
const eco_water_item_def_t *eco_water_item_by_key(const char *key);
/** Item index for a key, or -1. */
int eco_water_item_index(const char *key);
/** Limit of class cls (1..5) for waterbody wb; NAN when the item has none
 *  (水温, TN at a river, pH: its range is lim[0..1]). */
double eco_water_limit(eco_water_item_t it, int cls, eco_water_body_t wb);
/** "Ⅰ" "Ⅱ" "Ⅲ" "Ⅳ" "Ⅴ" "劣Ⅴ" for 1..6; "" for anything else. */
const char *eco_water_class_name(int cls);
/** 1..6 from "Ⅰ".."劣Ⅴ" (also ASCII I..V, "劣V", an optional trailing 类); 0 when not a class. */
int eco_water_class_parse(const char *s, unsigned long len);
/** Qualitative status of 22号 §2.3: 优 (Ⅰ, Ⅱ) 良好 轻度污染 中度污染 重度污染 [M]; "" for 0. */
const char *eco_water_class_status(int cls);

#endif
