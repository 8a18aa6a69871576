/* hist.h — a millisecond histogram for latencies (1 ms buckets, the last one open).
 *
 * Why in core: the server (acknowledgement and commit latencies) and the
 * simulator (device-side latency) report the same p50/p99/max; one
 * implementation, constant memory, no allocation per sample.
 */
#ifndef ECO_CORE_HIST_H
#define ECO_CORE_HIST_H

#include <math.h>
#include <stdint.h>

#define ECO_HIST_MS_BUCKETS 4096 /* 0..4094 ms exact, the last bucket ">= 4095 ms" */

typedef struct eco_hist_ms {
    uint64_t b[ECO_HIST_MS_BUCKETS];
    uint64_t n, max;
} eco_hist_ms_t;

static inline void eco_hist_ms_add(eco_hist_ms_t *h, int64_t ms)
{
    if (ms < 0) ms = 0;
    h->b[ms >= ECO_HIST_MS_BUCKETS ? ECO_HIST_MS_BUCKETS - 1 : ms]++;
    h->n++;
    if ((uint64_t)ms > h->max) h->max = (uint64_t)ms;
}

/** The p-quantile (0..1) in ms: the smallest bucket holding at least ceil(p·n) samples; 0 when empty. */
static inline uint64_t eco_hist_ms_pct(const eco_hist_ms_t *h, double p)
{
    if (!h->n) return 0;
    uint64_t want = (uint64_t)ceil(p * (double)h->n), acc = 0;
    if (want == 0) want = 1;
    for (int i = 0; i < ECO_HIST_MS_BUCKETS; i++)
        if ((acc += h->b[i]) >= want) return (uint64_t)i;
    return ECO_HIST_MS_BUCKETS - 1;
}

#endif
