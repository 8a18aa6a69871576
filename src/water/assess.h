/* assess.h — 环办〔2011〕22号 evaluation over periods and groups of sections.
 *
 * Why this shape: as water.h, pure functions and caller-owned structs, no I/O.
 * The CLI (cmd_water_assess.c) groups samples; this file owns every rule:
 * - period value of an item = arithmetic mean of its samples (§2.2); pH is
 *   averaged through [H+] = 10^-pH (EQMDST, [S]); a value below the detection
 *   limit enters as DL/2 (default), DL or 0 — the caller passes it already
 *   substituted via eco_water_below_dl();
 * - a section's period class = single-factor class of the period means (§2.3);
 * - river/basin/region (§2.4): with >= 5 sections (configurable: > 5) the
 *   share method — I–III share >= 90 % 优, >= 75 % 良好, else by the 劣Ⅴ share
 *   < 20 % 轻度污染, < 40 % 中度污染, else 重度污染 (boundaries inclusive as
 *   printed); with fewer sections the means over the sections are classified
 *   and the status is that class's status (Ⅰ/Ⅱ 优, Ⅲ 良好, ...);
 * - change between periods (§2.6): ΔG − ΔD of the I–III and 劣Ⅴ shares in
 *   percentage points, |.| <= 10 无明显变化, <= 20 有所好转/变差, else 明显.
 */
#ifndef ECO_WATER_ASSESS_H
#define ECO_WATER_ASSESS_H

#include "water/water.h"

typedef enum {
    ECO_WGRADE_NONE = 0,
    ECO_WGRADE_EXCELLENT, /* 优 */
    ECO_WGRADE_GOOD,      /* 良好 */
    ECO_WGRADE_LIGHT,     /* 轻度污染 */
    ECO_WGRADE_MODERATE,  /* 中度污染 */
    ECO_WGRADE_HEAVY      /* 重度污染 */
} eco_water_grade_t;

/** "优" "良好" "轻度污染" "中度污染" "重度污染"; "" for NONE. */
const char *eco_water_grade_name(eco_water_grade_t g);
/** Grade of the share method from percentages (0..100). */
eco_water_grade_t eco_water_grade_by_share(double share_1_3, double share_worse_v);
/** Grade of one class (Ⅰ/Ⅱ 优, Ⅲ 良好, Ⅳ 轻度, Ⅴ 中度, 劣Ⅴ 重度); NONE for 0. */
eco_water_grade_t eco_water_grade_of_class(int cls);

/** Minimum section count for the share method (default 5: "5个（含）以上"). */
#define ECO_WATER_SHARE_MIN_DEFAULT 5

/* Section-class counts of a group; counts[c] for c = 1..6, counts[0] ignored. */
typedef struct eco_water_shares {
    int n;                 /* sections with a class */
    double share[7];       /* % per class 1..6 */
    double share_1_3;      /* Ⅰ–Ⅲ (优良比例) */
    double share_worse_v;  /* 劣Ⅴ */
    int share_method;      /* 1 when n >= share_min and the grade came from the shares */
    eco_water_grade_t grade;
} eco_water_shares_t;

/** Shares from counts. Grade: share method when n >= share_min; otherwise
 *  from mean_class (class of the mean concentrations over the sections, the
 *  small-count rule; pass 0 when unknown -> NONE). */
void eco_water_shares(const int counts[7], int share_min, int mean_class, eco_water_shares_t *out);

/** Round half away from zero to `dec` decimals (published shares: 1). */
double eco_water_round(double v, int dec);

/* ---- period means */
typedef struct eco_water_acc {
    double sum[ECO_W_NITEMS];
    int n[ECO_W_NITEMS];
} eco_water_acc_t;

void eco_water_acc_init(eco_water_acc_t *a);
/** Add one sample (NAN = missing). pH is accumulated as [H+]. */
void eco_water_acc_add(eco_water_acc_t *a, const double v[ECO_W_NITEMS]);
/** Means into v (NAN where no sample); pH back through -log10 of the mean [H+]. */
void eco_water_acc_mean(const eco_water_acc_t *a, double v[ECO_W_NITEMS]);
/** pH mean via [H+] of n values (NANs skipped); NAN when none. */
double eco_water_ph_mean(const double *ph, int n);

typedef enum { ECO_WDL_HALF = 0, ECO_WDL_FULL, ECO_WDL_ZERO } eco_water_dl_t;
/** Value substituted for a result below the detection limit dl. */
double eco_water_below_dl(double dl, eco_water_dl_t rule);

/* ---- changes (§2.6) */
typedef enum {
    ECO_WCHG_NONE = 0, /* not computable */
    ECO_WCHG_STABLE,   /* 无明显变化 */
    ECO_WCHG_BETTER,   /* 有所好转 */
    ECO_WCHG_WORSE,    /* 有所变差 */
    ECO_WCHG_MUCH_BETTER, /* 明显好转 */
    ECO_WCHG_MUCH_WORSE   /* 明显变差 */
} eco_water_change_t;

/** From the I–III and 劣Ⅴ shares (percent) now and in the base period. */
eco_water_change_t eco_water_change(double g_now, double d_now, double g_base, double d_base);
const char *eco_water_change_name(eco_water_change_t c);



/* ---- drinking-water sources (notes §4) */
/** 达标: the basic-item class (22号, TN and fecal coliform excluded) is Ⅲ or
 *  better and no Table 2/3 item exceeds its limit. 0/1; -1 when cls is 0. */
int eco_water_source_compliant(int basic_class, int n_extra_exceeding);
/** 100·part/total; NAN when total <= 0 (by count: sources; by volume: water drawn). */
double eco_water_rate(double part, double total);

/* ---- lakes: comprehensive trophic level index TLI(Σ) (notes §2.5, TLI-001)
 * Weights r²/Σr² against Chla (Chla 1, TP .84, TN .82, SD −.83, CODMn .83);
 * Chla mg/m³, SD m, the rest mg/L; natural logs. Missing parameters (NAN) are
 * left out and the remaining weights renormalised; NAN when Chla is missing. */
typedef enum { ECO_TLI_CHLA, ECO_TLI_TP, ECO_TLI_TN, ECO_TLI_SD, ECO_TLI_CODMN, ECO_TLI_N } eco_tli_param_t;
double eco_water_tli_component(eco_tli_param_t p, double v);
double eco_water_tli(const double v[ECO_TLI_N]);
/** < 30 贫营养, 30–50 中营养 (both inclusive), (50,60] 轻度富营养, (60,70] 中度富营养,
 *  > 70 重度富营养 ([?] inclusivity, notes §11.2); "" for NAN. */
const char *eco_water_tli_class(double tli);

/* ---- CWQI (notes §3, 环办监测〔2017〕51号 [M]): Σ over the items of `set` of
 * C/C_Ⅲ (DO: 5/C; pH: (7−pH)/1 or (pH−7)/2; lake TP against 0.05); NAN items
 * are skipped. */
double eco_water_cwqi_item(eco_water_item_t it, double c, eco_water_body_t wb);
double eco_water_cwqi(const double v[ECO_W_NITEMS], eco_water_body_t wb, uint32_t set);

/* A city's (county's, basin's) CWQI, 51号: per water type the item means over its sections' period
 * means (pH through [H+]), the CWQI of each type from those means, weighted by the section counts:
 * [CWQI(river)·M(river) + CWQI(lake)·M(lake)] / [M(river) + M(lake)]. Add each section that has a
 * period value. */
typedef struct eco_water_cwqi_acc {
    eco_water_acc_t t[2]; /* by eco_water_body_t */
    int m[2];             /* sections */
} eco_water_cwqi_acc_t;
void eco_water_cwqi_acc_init(eco_water_cwqi_acc_t *a);
void eco_water_cwqi_acc_add(eco_water_cwqi_acc_t *a, const double mean[ECO_W_NITEMS], eco_water_body_t wb);
/** NAN when no section was added (or none has an item of set). */
double eco_water_cwqi_acc_value(const eco_water_cwqi_acc_t *a, uint32_t set);

#endif
