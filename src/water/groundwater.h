/* groundwater.h — GB/T 14848-2017 classification: per sample, per point over
 * a period, and the shares of points per class.
 *
 * Why this shape: the same as water/water.h — pure functions over an array of
 * values indexed like eco_gw_items[], results in caller-owned structs, no I/O,
 * no malloc. NAN = missing; missing items are skipped, so a sample's class is
 * the worst over the items of the set that are present, and 0 when none is.
 *
 * Rules (water-noise-standards.md §5.2, [M]; GW-JSON implements the same):
 * - single indicator: the range the value falls in, limits inclusive; where two
 *   classes share a limit the better class wins (从优不从劣): phenol 0.001 → Ⅰ;
 * - pH: 6.5 ≤ pH ≤ 8.5 → Ⅰ; 5.5 ≤ pH < 6.5 or 8.5 < pH ≤ 9.0 → Ⅳ; else Ⅴ;
 * - qualitative items (嗅和味, 肉眼可见物): 0 = 无 → Ⅰ, > 0 = 有 → Ⅴ;
 * - 阴离子表面活性剂 Ⅰ = 不得检出: only 0 (a non-detect) is Ⅰ;
 * - gross α/β above the Ⅲ limit → Ⅳ (the standard's Ⅳ and Ⅴ are both ">"; open);
 * - sample class: the worst single-indicator class; all items at that class are
 *   reported (class_items);
 * - "over": items worse than Ⅲ (the drinking-water baseline), with the multiple
 *   (C − S_Ⅲ)/S_Ⅲ where S_Ⅲ > 0.
 *
 * Point over a period (our decision, docs/groundwater-sea.md): by default the
 * WORST sample class ("worst"). Groundwater points are sampled once or twice a
 * year, the standard classifies single samples, and the worst rule needs no
 * averaging of pH or qualitative items. "mean" is offered: per item the
 * arithmetic mean of the period, qualitative items "有" if any sample has it,
 * pH the sample value with the worst pH class (first on a tie).
 */
#ifndef ECO_WATER_GROUNDWATER_H
#define ECO_WATER_GROUNDWATER_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "standards/groundwater.h"

typedef struct eco_gw_result {
    int cls;                        /* 0 (nothing present) or 1..5 */
    int8_t item_cls[ECO_GW_NITEMS]; /* every item present, in the set or not */
    eco_gw_set_t present;           /* items of the set with a class */
    eco_gw_set_t deciding;          /* items of the set whose class equals cls */
    int nover;                      /* items of the set worse than Ⅲ */
} eco_gw_result_t;

/** Class 1..5 of one value of item i; 0 for NAN, negative or a bad index. */
int eco_gw_item_class(int i, double v);
/** (C − S_Ⅲ)/S_Ⅲ; NAN when missing, S_Ⅲ = 0 or the item has no multiple. */
double eco_gw_multiple(int i, double v);
/** Classify one sample (v[ECO_GW_NITEMS], NAN = missing) over set. */
void eco_gw_classify(const double *v, eco_gw_set_t set, eco_gw_result_t *out);
/** "硝酸盐;氨氮": Chinese names of the items in bits, table order. Returns buf. */
char *eco_gw_items_str(eco_gw_set_t bits, char *buf, size_t n);
/** Items of the set worse than Ⅲ, worst class first, then larger multiple:
 *  "硝酸盐(Ⅳ,0.25);嗅和味(Ⅴ)". Returns buf. */
char *eco_gw_over_str(const eco_gw_result_t *r, const double *v, char *buf, size_t n);

/* ---- a point over a period */
typedef enum { ECO_GW_POINT_WORST = 0, ECO_GW_POINT_MEAN = 1 } eco_gw_point_rule_t;

typedef struct eco_gw_acc {
    long nsamples;
    int worst;                      /* worst sample class so far */
    double sum[ECO_GW_NITEMS];
    long n[ECO_GW_NITEMS];
    double ph;                      /* pH of the worst pH class (NAN: none) */
    int ph_cls;
} eco_gw_acc_t;

void eco_gw_acc_init(eco_gw_acc_t *a);
void eco_gw_acc_add(eco_gw_acc_t *a, const double *v, eco_gw_set_t set);
/** Period values under rule MEAN into vout[ECO_GW_NITEMS] (NAN = none). */
void eco_gw_acc_values(const eco_gw_acc_t *a, double *vout);
/** The point's class under rule; with MEAN, out (if not NULL) holds the result
 *  of classifying the period values. */
int eco_gw_acc_class(const eco_gw_acc_t *a, eco_gw_point_rule_t rule, eco_gw_set_t set, eco_gw_result_t *out);

/* ---- shares of points */
typedef struct eco_gw_shares {
    long n;           /* points with a class */
    long count[6];    /* [1..5]; [0] = points without a class (not in n) */
    double share[6];  /* percent of n, [1..5] */
    double share_1_3; /* Ⅰ–Ⅲ */
} eco_gw_shares_t;

void eco_gw_shares(const int *cls, size_t n, eco_gw_shares_t *out);
/** 1 when the Class Ⅴ share meets the ≤ 27.7 % target (0 when n = 0). */
int eco_gw_meets_v_target(const eco_gw_shares_t *s);

#endif
