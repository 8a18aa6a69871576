/* sea.h — GB 3097-1997 《海水水质标准》 limits, Classes 1–4, as data.
 *
 * Why data: the engine (water/sea.h) knows no limit. One const table holds
 * every item that can be classed from a single measured value, with its unit,
 * direction and the confidence tag of the reference notes.
 *
 * Sources: ../shared/reference/water-noise-standards.md §6.1. The five key
 * items (DO, COD, DIN, active phosphate, oil) are [V] (海洋科学 2020 44(6)
 * Table 1); the rest are [M] and must be checked against the official text
 * (§11 item 6). Not modelled, because they are judged against a baseline and
 * not a single value: 水温 (man-made rise), 悬浮物质 (man-made increase), the
 * "0.2 / 0.5 pH units outside the normal range" clause, sensory items (油膜,
 * 色臭味, 漂浮物), 病原体 and the radionuclides (same limit for every class).
 */
#ifndef ECO_STANDARDS_SEA_H
#define ECO_STANDARDS_SEA_H

#include <stdint.h>

typedef enum {
    ECO_SEA_PH,
    ECO_SEA_DO,
    ECO_SEA_COD,
    ECO_SEA_BOD5,
    ECO_SEA_DIN,
    ECO_SEA_NH3,     /* 非离子氨 */
    ECO_SEA_PO4,     /* 活性磷酸盐 */
    ECO_SEA_OIL,
    ECO_SEA_HG,
    ECO_SEA_CD,
    ECO_SEA_PB,
    ECO_SEA_CR6,
    ECO_SEA_CR,
    ECO_SEA_AS,
    ECO_SEA_CU,
    ECO_SEA_ZN,
    ECO_SEA_SE,
    ECO_SEA_NI,
    ECO_SEA_CN,
    ECO_SEA_SULFIDE,
    ECO_SEA_PHENOL,
    ECO_SEA_HCH,
    ECO_SEA_DDT,
    ECO_SEA_MALATHION,
    ECO_SEA_MPARATHION,
    ECO_SEA_BAP,     /* μg/L */
    ECO_SEA_LAS,
    ECO_SEA_TCOLI,   /* 个/L; Class 4: no requirement */
    ECO_SEA_FCOLI,   /* 个/L; Class 4: no requirement */
    ECO_SEA_NITEMS
} eco_sea_item_t;

/* Classes: 1..4 = 一类..四类, 5 = 劣四类, 0 = none. */
#define ECO_SEACLASS_NONE 0
#define ECO_SEACLASS_WORSE_4 5

typedef enum {
    ECO_SEADIR_LE,    /* class k when value <= lim[k-1] (INFINITY: no requirement) */
    ECO_SEADIR_GT,    /* class k when value >  lim[k-1] (溶解氧: the standard writes ">") */
    ECO_SEADIR_RANGE  /* class k when lo[k-1] <= value <= hi[k-1] (pH) */
} eco_sea_dir_t;

typedef struct eco_sea_item_def {
    const char *key;
    const char *name_zh;
    const char *unit;
    eco_sea_dir_t dir;
    double lim[4];   /* LE/GT limits; RANGE: the lower bounds */
    double hi[4];    /* RANGE: the upper bounds */
    int has_multiple;  /* (C − S_2)/S_2 reported for items worse than Class 2 */
    const char *confidence; /* "V" or "M" */
} eco_sea_item_def_t;

extern const eco_sea_item_def_t eco_sea_items[ECO_SEA_NITEMS];

#define ECO_SEABIT(i) (UINT32_C(1) << (i))
/** Items evaluated for nearshore station classes (HJ 442 practice, notes §6.1 [M]):
 *  every item of the table except 大肠菌群 and 粪大肠菌群 (microbiological items
 *  are not part of the point class in the bulletins). Temperature, suspended
 *  matter, sensory items and radionuclides are not in the table at all. */
extern const uint32_t eco_sea_set_nearshore;
/** pH, DO, COD, DIN, active phosphate, oil: the bulletin's key items. */
extern const uint32_t eco_sea_set_key;
/** Every item of the table. */
extern const uint32_t eco_sea_set_all;

int eco_sea_item_find(const char *name, unsigned long len);
/** "一类".."四类", "劣四类"; "" for 0. */
const char *eco_sea_class_name(int cls);
/** Parse "二类", "2", "II", "劣四类", "5": 1..5, or 0. */
int eco_sea_class_parse(const char *s, unsigned long len);

/* ---- nearshore grade (HJ 442-2008 point-share grading, notes §6.2 [M]) */
typedef enum { ECO_SEA_GRADE_NONE, ECO_SEA_GRADE_EXCELLENT, ECO_SEA_GRADE_GOOD, ECO_SEA_GRADE_FAIR,
               ECO_SEA_GRADE_POOR, ECO_SEA_GRADE_VERY_POOR } eco_sea_grade_t;
/** 劣四类 share (percent) from which the grade is 极差. Unresolved (§11 item 7):
 *  it lies above 31 % (2017 东海 31.0 % → 差); 40 % fits every published grade. */
#define ECO_SEA_VERY_POOR_DEFAULT 40.0
const char *eco_sea_grade_name(eco_sea_grade_t g); /* 优 良好 一般 差 极差 */

#endif
