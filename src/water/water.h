/* water.h — GB 3838-2002 single-sample classification (single-factor method).
 *
 * Why this shape: like air/aqi.h, pure functions over an array of values
 * indexed by eco_water_item_t, results in a caller-owned struct, no I/O, no
 * malloc. NAN = missing (the CNEMC markers "*" and "--" both map to it);
 * missing items are skipped, so a sample's class is the worst over the
 * deciding items that are present, and "no class" (0) when none is.
 *
 * Rules (water-noise-standards.md §1.1, §2.3; CNEMC 2021-04 data):
 * - limits inclusive: ≤ for most items, ≥ for DO; the best class met wins;
 * - pH inside [6, 9] counts as Ⅰ, outside as 劣Ⅴ;
 * - worse than the Ⅴ limit: 劣Ⅴ (6);
 * - TP: river or lake/reservoir column; TN classed only at lakes;
 * - 超标倍数 = (C − S_Ⅲ) / S_Ⅲ (not for 水温, pH, DO);
 * - main pollutants: only items worse than Ⅲ, ranked by class (worst first),
 *   then by 超标倍数 (largest first), top three.
 */
#ifndef ECO_WATER_WATER_H
#define ECO_WATER_WATER_H

#include <math.h>
#include <stdint.h>

#include "standards/water.h"

#define ECO_WATER_NA ((double)NAN)

typedef struct eco_water_result {
    int cls;                          /* 0 (no deciding item present) or 1..6 */
    int8_t item_cls[ECO_W_NITEMS];    /* every item present, in the set or not: 0..6 */
    double multiple[ECO_W_NITEMS];    /* 超标倍数 vs class Ⅲ; NAN when not defined/missing */
    uint32_t deciding;                /* items of the set whose class equals cls */
    uint32_t present;                 /* items of the set with a class */
    int nmain;                        /* 0..3 */
    int8_t main[3];                   /* main pollutants (eco_water_item_t), worst first */
} eco_water_result_t;

/** Class 1..6 of one value of item it; 0 for NAN/negative or an item without
 *  limits (水温, TN at a river). */
int eco_water_item_class(eco_water_item_t it, double v, eco_water_body_t wb);
/** (C − S_Ⅲ) / S_Ⅲ; NAN when missing or the item has no multiple. May be ≤ 0. */
double eco_water_multiple(eco_water_item_t it, double v, eco_water_body_t wb);
/** Classify one sample over the items of `set` (eco_water_set_auto5, ...). */
void eco_water_classify(const double v[ECO_W_NITEMS], eco_water_body_t wb, uint32_t set, eco_water_result_t *out);
/** "总磷(0.45);氨氮(0.20)" into buf (DO, pH without a multiple: name only). Returns buf. */
char *eco_water_main_str(const eco_water_result_t *r, char *buf, unsigned long n);
/** "pH;溶解氧" — the names of the deciding items, in table order. Returns buf. */
char *eco_water_items_str(uint32_t bits, char *buf, unsigned long n);

#endif
