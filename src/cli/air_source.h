/* air_source.h — statistics of air entities over date ranges, for src/brain's reports
 * (eco_tgt_report, eco_rank_report): from the hourly CSV through the assessment (--input), or from
 * the store's values in arrays (--data, air/grid.h). Shared by `targets report` and `rank`.
 */
#ifndef ECO_CLI_AIR_SOURCE_H
#define ECO_CLI_AIR_SOURCE_H

#include "air/assess.h"
#include "air/grid.h"
#include "brain/targets.h"

typedef struct cli_ent_stat {
    char name[96];
    eco_air_period_t st;
} cli_ent_stat_t;

typedef struct cli_statset {
    char level[16], basis[8];
    eco_day_t from, to;
    cli_ent_stat_t *e;
    size_t n, cap;
    int rc;                    /* the assessment's exit status */
} cli_statset_t;

#define CLI_AIR_MAX_SETS 64
typedef struct cli_air_csv {
    const char *cmd;           /* "targets report": names the command in messages */
    const char *input, *sites, *hl;
    cli_statset_t sets[CLI_AIR_MAX_SETS];
    int nsets;
    int full;                  /* more statistic sets were needed than CLI_AIR_MAX_SETS */
    int exit;                  /* the exit status of a failed source */
} cli_air_csv_t;

/** The CSV source over c (its input, sites and hour label set; the rest zeroed): the assessment of
 *  every entity of a (level, basis, range), computed once per set. */
eco_tgt_source_t cli_air_csv_source(cli_air_csv_t *c);
/** The worst exit status of the assessments run (0 none failed; rows skipped: EXIT_USAGE). */
int cli_air_csv_status(const cli_air_csv_t *c);
void cli_air_csv_free(cli_air_csv_t *c);

/** The store's source: g read by eco_store_air_grid. */
eco_tgt_source_t cli_air_grid_source(eco_air_grid_t *g);

#include "brain/airdays.h"
/** Say on stderr which route --data's daily values took, when ECO_AIRDAYS_TRACE is set. */
void cli_airdays_note(const char *cmd, const eco_airdays_t *a);

#endif
