/* sea.h — GB 3097-1997 seawater classes and the HJ 442-2008 nearshore grade.
 *
 * Same shape as water/water.h: pure functions, caller-owned results, NAN =
 * missing (skipped). Rules (water-noise-standards.md §6):
 * - single item: the best class whose limit is met, limits inclusive (≤) except
 *   溶解氧, which the standard writes as "> 6 / 5 / 4 / 3" and we apply strictly
 *   (DO 6.0 is Class 2, not 1); pH inside the class's range, bounds inclusive;
 *   worse than Class 4: 劣四类 (5);
 * - sample / point class: the worst item class over the evaluated set
 *   (eco_sea_set_nearshore by default: microbiological items excluded;
 *   temperature, suspended matter, sensory items and radionuclides are not
 *   classable from one value and are not in the table);
 * - a point over a period: item means over the period, then classified
 *   ("mean", the default; pH: arithmetic mean) or the worst sample class
 *   ("worst"); which one HJ 442 prescribes is not in the notes — see docs;
 * - nearshore share: Class 1+2 points / points × 100 %;
 * - grade (§6.2 [M]): 优 if Class 1 ≥ 60 % and Class 1+2 ≥ 90 %; 良好 if
 *   Class 1+2 ≥ 80 %; 一般 if Class 1+2 ≥ 60 % and 劣四类 < 30 %; 极差 if 劣四类 ≥
 *   the threshold (default 40 %, unresolved); else 差.
 */
#ifndef ECO_WATER_SEA_H
#define ECO_WATER_SEA_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "standards/sea.h"

typedef struct eco_sea_result {
    int cls;                         /* 0 or 1..5 */
    int8_t item_cls[ECO_SEA_NITEMS];
    uint32_t present, deciding;
} eco_sea_result_t;

int eco_sea_item_class(eco_sea_item_t it, double v);
/** (C − S_2)/S_2 (Class 2 = the 优良 boundary); NAN when not defined. */
double eco_sea_multiple(eco_sea_item_t it, double v);
void eco_sea_classify(const double v[ECO_SEA_NITEMS], uint32_t set, eco_sea_result_t *out);
char *eco_sea_items_str(uint32_t bits, char *buf, size_t n);
/** Items worse than Class 2, worst first: "无机氮(四类,0.60);溶解氧(三类)". */
char *eco_sea_over_str(const eco_sea_result_t *r, const double v[ECO_SEA_NITEMS], char *buf, size_t n);

typedef enum { ECO_SEA_POINT_MEAN = 0, ECO_SEA_POINT_WORST = 1 } eco_sea_point_rule_t;

typedef struct eco_sea_acc {
    long nsamples;
    int worst;
    double sum[ECO_SEA_NITEMS];
    long n[ECO_SEA_NITEMS];
} eco_sea_acc_t;

void eco_sea_acc_init(eco_sea_acc_t *a);
void eco_sea_acc_add(eco_sea_acc_t *a, const double v[ECO_SEA_NITEMS], uint32_t set);
int eco_sea_acc_class(const eco_sea_acc_t *a, eco_sea_point_rule_t rule, uint32_t set, eco_sea_result_t *out);

typedef struct eco_sea_shares {
    double n;         /* total weight of classed points (a count, or an area) */
    double w[6];      /* weight per class [1..5]; [0] unclassed (not in n) */
    double share[6];  /* percent of n */
    double share_1_2; /* 优良 (Class 1+2) share */
} eco_sea_shares_t;

/** Shares of points (weight NULL: each point counts 1) or of areas (weight =
 *  each point's representative area: the 十四五 area form). */
void eco_sea_shares(const int *cls, const double *weight, size_t n, eco_sea_shares_t *out);
/** Shares from counts or percentages per class [1..5]. */
void eco_sea_shares_from(const double w[6], eco_sea_shares_t *out);
/** Grade from the shares; very_poor = 劣四类 threshold in percent (ECO_SEA_VERY_POOR_DEFAULT). */
eco_sea_grade_t eco_sea_grade(const eco_sea_shares_t *s, double very_poor);

#endif
