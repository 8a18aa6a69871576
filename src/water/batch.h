/* batch.h — class-only, column-wise GB 3838 classification and period sums.
 *
 * Why it exists: eco_water_classify (water.h) fills a whole result per sample
 * (per-item classes, 超标倍数, main pollutants) and looks every limit up per
 * value, ~370 ns a sample. Screening millions of samples, or a table that
 * only needs the class, wants none of that: these functions resolve the
 * limits once per call (waterbody, item set) and run branch-free comparisons
 * over columns, several samples per instruction.
 *
 * Contract: for every sample, eco_water_classify_batch* give exactly the
 * `cls` of eco_water_classify on the same values (widened to double for the
 * float32 entry point), with the same rules: inclusive limits (≤, ≥ for DO,
 * pH inside [6, 9]), river or lake column, TN only at lakes, items outside
 * `set` ignored, NaN / ±inf / negative values skipped, 0 when no deciding
 * item is present. tests/unit/water/test_water_batch.c checks it on random
 * and boundary samples.
 *
 * Columns: col[i] points at n values of item i (eco_water_item_t order);
 * NULL = the item is missing for every sample. Buffers are the caller's; no
 * allocation.
 */
#ifndef ECO_WATER_BATCH_H
#define ECO_WATER_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "water/assess.h"
#include "water/water.h"

/** Class 0..6 of each of n samples into cls[0..n). */
void eco_water_classify_batch(const double *const col[ECO_W_NITEMS], size_t n, eco_water_body_t wb, uint32_t set,
                              int8_t *cls);
/** The same over float32 columns; the class is that of the values widened to
 *  double (limits are rounded outwards to float once, so no value is widened). */
void eco_water_classify_batch_f32(const float *const col[ECO_W_NITEMS], size_t n, eco_water_body_t wb, uint32_t set,
                                  int8_t *cls);

/** eco_water_acc_add of n samples given as columns (NULL = missing). Counts
 *  are identical; pH ([H+] = 10^-pH) is summed in sample order exactly as
 *  eco_water_acc_add does, bit for bit; other items are summed in several
 *  partial sums, so a sum may differ from the sample-order sum by rounding
 *  (none when the sum is exact, e.g. float32 data of similar magnitude). */
void eco_water_acc_add_batch(eco_water_acc_t *a, const double *const col[ECO_W_NITEMS], size_t n);
void eco_water_acc_add_batch_f32(eco_water_acc_t *a, const float *const col[ECO_W_NITEMS], size_t n);

/** pow(10, -ph), bit-identical to the libm call, through a table for pH on a
 *  0.01 grid in [0, 14] (any other value goes to pow). */
double eco_water_h_ion(double ph);

/** Tests and benchmarks: use at most ISA level `level` (0 portable, 1 AVX2,
 *  2 AVX-512) from now on; the default is the best the CPU has. Returns the
 *  level in use (always 0 outside x86-64). */
int eco_water_batch_limit_isa(int level);

#endif
