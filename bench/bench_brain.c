/* bench_brain.c — ranking 3,000 counties on a custom index of 20 indicators for 12 quarters.
 *
 * Why: issue #6 asks this to take well under a second. The data are
 * synthetic (seeded): 3,000 counties × 12 quarters × 20 indicators, 2 % of
 * the values missing; the index has 4 groups of 5 indicators, half of them
 * "higher is better", min-max normalisation, weights 1..5 inside a group and
 * group weights 0.4/0.3/0.2/0.1, missing values reweighted. Per quarter:
 * scores (eco_index_score), ranks with ties at 2 decimals (eco_rank), and
 * the change of rank against the previous quarter. The values and the
 * results are written for the pandas peer (bench/brain_pandas.py), which
 * computes the same and compares.
 *
 *   bench_brain [--out DIR] [--runs N]
 * prints tab-separated rows: name metric value unit.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "brain/rank.h"

#define NC 3000
#define NQ 12
#define NI 20

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t rng = 20261128;
static double unit(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(rng >> 11) / 9007199254740992.0;
}

int main(int argc, char **argv)
{
    const char *out = "bench/out";
    int runs = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--out")) out = argv[i + 1];
        else if (!strcmp(argv[i], "--runs")) runs = atoi(argv[i + 1]);
    }
    static double v[NQ][NC * NI];
    for (int q = 0; q < NQ; q++)
        for (int c = 0; c < NC; c++)
            for (int k = 0; k < NI; k++) {
                double base = 10 + 5 * k + 3 * sin(c * 0.01 + k) + q * 0.1 * (k % 3);
                v[q][c * NI + k] = unit() < 0.02 ? NAN : round((base + 2 * unit()) * 100) / 100;
            }
    eco_index_def_t d;
    memset(&d, 0, sizeof d);
    snprintf(d.name, sizeof d.name, "bench");
    d.ngroups = 4;
    static const double gw[4] = {0.4, 0.3, 0.2, 0.1};
    for (int g = 0; g < 4; g++) {
        snprintf(d.group[g].name, sizeof d.group[g].name, "g%d", g);
        d.group[g].weight = gw[g];
    }
    d.nind = NI;
    for (int k = 0; k < NI; k++) {
        snprintf(d.ind[k].name, sizeof d.ind[k].name, "i%02d", k);
        d.ind[k].dir = k % 2 ? ECO_HIGHER_IS_BETTER : ECO_LOWER_IS_BETTER;
        d.ind[k].norm = ECO_NORM_MINMAX;
        d.ind[k].weight = 1 + k % 5;
        d.ind[k].group = k / 5;
    }
    d.missing = ECO_MISSING_REWEIGHT;
    static double score[NQ][NC];
    static int rank[NQ][NC], rchange[NQ][NC];
    double best = 1e9;
    for (int r = 0; r < runs; r++) {
        double t0 = now_s();
        for (int q = 0; q < NQ; q++) {
            eco_index_score(&d, v[q], NC, score[q], NULL);
            eco_rank(score[q], NC, ECO_HIGHER_IS_BETTER, 2, rank[q], NULL);
            for (int c = 0; c < NC; c++) rchange[q][c] = q ? rank[q - 1][c] - rank[q][c] : 0;
        }
        double dt = now_s() - t0;
        if (dt < best) best = dt;
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/brain_values.csv", out);
    FILE *f = fopen(path, "w");
    if (!f) return 1;
    fprintf(f, "county,quarter");
    for (int k = 0; k < NI; k++) fprintf(f, ",i%02d", k);
    fprintf(f, "\n");
    for (int q = 0; q < NQ; q++)
        for (int c = 0; c < NC; c++) {
            fprintf(f, "c%04d,%d", c, q);
            for (int k = 0; k < NI; k++) {
                double x = v[q][c * NI + k];
                if (isnan(x)) fprintf(f, ",");
                else fprintf(f, ",%.2f", x);
            }
            fprintf(f, "\n");
        }
    fclose(f);
    snprintf(path, sizeof path, "%s/brain_c.csv", out);
    f = fopen(path, "w");
    if (!f) return 1;
    fprintf(f, "county,quarter,score,rank,rank_change\n");
    for (int q = 0; q < NQ; q++)
        for (int c = 0; c < NC; c++)
            fprintf(f, "c%04d,%d,%.10f,%d,%d\n", c, q, score[q][c], rank[q][c], rchange[q][c]);
    fclose(f);
    printf("brain_rank\tcounties\t%d\tcounties\n", NC);
    printf("brain_rank\tquarters\t%d\tquarters\n", NQ);
    printf("brain_rank\tindicators\t%d\tindicators\n", NI);
    printf("brain_rank\tc_s\t%.6f\ts\n", best);
    return 0;
}
