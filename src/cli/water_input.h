/* water_input.h — water samples from CSV (water_input.c) as a targets source's water part. */
#ifndef ECO_CLI_WATER_INPUT_H
#define ECO_CLI_WATER_INPUT_H

#include <stdint.h>

#include "brain/targets.h"
#include "core/map.h"

typedef struct cli_wsamp {
    size_t site;
    eco_day_t day;
    size_t off;              /* into vals */
} cli_wsamp_t;

typedef struct cli_water {
    eco_map_t map;           /* site names -> ids */
    eco_tgt_wsite_t *sites;
    size_t nsites, cap;
    char **strs;
    size_t nstrs, capstrs;
    cli_wsamp_t *samp;
    size_t nsamp, capsamp;
    double *vals;
    size_t nvals, capvals;
    uint32_t wset;
    uint64_t gwset[2];
    uint32_t seaset;
    long rows, rows_bad;
} cli_water_t;

void cli_water_init(cli_water_t *w);
void cli_water_free(cli_water_t *w);
/** --sections FILE: site, city, county, province, waterbody, kind (water, drinking, groundwater, sea;
 *  empty or absent: the samples file that names the site decides). 0 or an exit code after saying why. */
int cli_water_sections(cli_water_t *w, const char *path);
/** Samples of one kind from FILE. 0 or an exit code; bad rows are named and skipped (rows_bad). */
int cli_water_read(cli_water_t *w, const char *path, eco_tgt_wkind_t kind);
/** Set src's water part to these samples (w must outlive src). */
void cli_water_attach(cli_water_t *w, eco_tgt_source_t *src);

#endif
