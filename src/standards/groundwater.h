/* groundwater.h — GB/T 14848-2017 《地下水质量标准》 Tables 1 and 2 as data.
 *
 * Why data: as for surface water (standards/water.h), the engine
 * (water/groundwater.h) knows no limit. All 93 indicators live in one const
 * table — the 39 routine ones of Table 1 first, in the standard's order, then
 * the 54 non-routine ones of Table 2 — each with its unit, direction and the
 * confidence tag of the reference notes.
 *
 * Sources: ../shared/reference/water-noise-standards.md §5.1 (Table 1),
 * §5.3 (Table 2) [S: GW-JSON = sm1lewc/Silence.Water GBT_14848_2017.json;
 * every value agrees with the notes' author's knowledge], §5.2 (rules) [M].
 * Class Ⅴ is always "worse than Ⅳ"; there is no Ⅴ limit in the table.
 */
#ifndef ECO_STANDARDS_GROUNDWATER_H
#define ECO_STANDARDS_GROUNDWATER_H

#include <stdint.h>

#define ECO_GW_NROUTINE 39 /* Table 1 */
#define ECO_GW_NOTHER 54   /* Table 2 */
#define ECO_GW_NITEMS (ECO_GW_NROUTINE + ECO_GW_NOTHER)

/* Classes: 1..5 = Ⅰ..Ⅴ, 0 = none (missing / not classable). */
#define ECO_GWCLASS_NONE 0
#define ECO_GWCLASS_V 5

typedef enum {
    ECO_GWDIR_LE,     /* class k when value <= lim[k-1]; the better class wins on a shared limit (§5.2) */
    ECO_GWDIR_PH,     /* Ⅰ–Ⅲ 6.5 ≤ pH ≤ 8.5; Ⅳ 5.5 ≤ pH < 6.5 or 8.5 < pH ≤ 9.0; Ⅴ outside */
    ECO_GWDIR_ABSENT, /* 嗅和味, 肉眼可见物: 无 (0) = Ⅰ; 有 (> 0) = Ⅴ */
    ECO_GWDIR_RADIO   /* gross α/β: ≤ lim for Ⅰ–Ⅲ; above Ⅲ the standard gives ">" for both Ⅳ and Ⅴ.
                         We class it Ⅳ, as GW-JSON does; the official handling is open (§5.1 note). */
} eco_gw_dir_t;

typedef enum { ECO_GWG_SENSORY, ECO_GWG_MICRO, ECO_GWG_TOXIC, ECO_GWG_RADIO, ECO_GWG_OTHER } eco_gw_group_t;

typedef struct eco_gw_item_def {
    const char *key;     /* "nitrate": column key and output name */
    const char *name_zh; /* "硝酸盐" */
    const char *unit;    /* "mg/L", "μg/L", "NTU", "Bq/L", "" (pH) ... */
    eco_gw_dir_t dir;
    double lim[4];       /* Ⅰ..Ⅳ upper limits (PH: unused; RADIO: lim[3] = lim[2]) */
    int nd_class1;       /* Ⅰ = 不得检出: only a non-detect (0) is Ⅰ (阴离子表面活性剂) */
    eco_gw_group_t group;
    int has_multiple;    /* (C − S_Ⅲ)/S_Ⅲ defined (not for pH, qualitative items) */
    const char *confidence; /* "S" (GW-JSON + author), see the notes */
} eco_gw_item_def_t;

extern const eco_gw_item_def_t eco_gw_items[ECO_GW_NITEMS];

/* A set of indicators (bit i = eco_gw_items[i]). */
typedef struct eco_gw_set {
    uint64_t w[2];
} eco_gw_set_t;

static inline int eco_gw_set_has(eco_gw_set_t s, int i) { return (int)((s.w[i >> 6] >> (i & 63)) & 1u); }
static inline void eco_gw_set_add(eco_gw_set_t *s, int i) { s->w[i >> 6] |= UINT64_C(1) << (i & 63); }

/** Table 1 (the 39 routine indicators). */
eco_gw_set_t eco_gw_set_routine(void);
/** Tables 1 and 2 (all 93). */
eco_gw_set_t eco_gw_set_all(void);

/** Index of an indicator by key (ASCII case-insensitive) or Chinese name; -1 if none. */
int eco_gw_item_find(const char *name, unsigned long len);
/** "Ⅰ".."Ⅴ"; "" for 0. */
const char *eco_gw_class_name(int cls);
/** Parse "Ⅲ", "III", "3", "Ⅲ类": 1..5, or 0. */
int eco_gw_class_parse(const char *s, unsigned long len);

/** Project target: Class Ⅴ share of groundwater points ≤ 27.7 % (percent). */
#define ECO_GW_TARGET_V_SHARE 27.7

#endif
