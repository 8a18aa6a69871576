/* groups.c — points grouped into regions, with a per-point payload.
 *
 * Why: the point-based assessments (groundwater wells, sea stations) all read
 * rows "point, region, values…", accumulate per point and then report per
 * point or per region. The bookkeeping — point and region ids, the region
 * of a point (its first row's; later rows naming another are counted), a
 * growable array of per-point accumulators — is the same whatever is
 * accumulated, so it lives here once.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_groups_init(cli_groups_t *g, size_t elem)
{
    memset(g, 0, sizeof *g);
    eco_map_init(&g->points);
    eco_map_init(&g->regions);
    g->elem = elem;
}

void cli_groups_free(cli_groups_t *g)
{
    eco_map_free(&g->points);
    eco_map_free(&g->regions);
    free(g->items);
    free(g->region_of);
    memset(g, 0, sizeof *g);
}

void *cli_groups_add(cli_groups_t *g, eco_slice_t point, eco_slice_t region, int *is_new)
{
    int32_t id = eco_map_put(&g->points, point), rid = eco_map_put(&g->regions, region);
    if (id < 0 || rid < 0) return NULL;
    *is_new = (size_t)id == g->n;
    if (*is_new) {
        if (g->n == g->cap) {
            size_t ncap = g->cap ? g->cap * 2 : 64;
            void *ni = realloc(g->items, ncap * g->elem);
            if (!ni) return NULL;
            g->items = ni;
            int32_t *nr = realloc(g->region_of, ncap * sizeof *nr);
            if (!nr) return NULL;
            g->region_of = nr;
            g->cap = ncap;
        }
        g->region_of[g->n++] = rid;
    } else if (g->region_of[id] != rid) {
        g->conflicts++;
    }
    return (char *)g->items + (size_t)id * g->elem;
}
