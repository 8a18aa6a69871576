/* cli.h — what the `ecobrain` subcommands share.
 *
 * Why: the faces are thin. Each subcommand parses its options, reads input
 * through the core readers, calls the engines and writes a table; the table
 * writer and the air-input reader live here once so every command treats
 * CSV/JSON, missing values and bad rows the same way.
 *
 * Exit codes: 0 success; 1 runtime failure (I/O, memory); 2 usage error or
 * malformed input (the message names file:line:column).
 */
#ifndef ECO_CLI_H
#define ECO_CLI_H

#include <stdio.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/json.h"
#include "core/map.h"
#include "core/time.h"
#include "standards/air.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

int cmd_air(int argc, char **argv);
int cmd_air_aqi(int argc, char **argv);
int cmd_air_assess(int argc, char **argv);
int cmd_air_synth(int argc, char **argv);
int cmd_hj212(int argc, char **argv);
int cmd_water(int argc, char **argv);
int cmd_water_assess(int argc, char **argv);
int cmd_water_tli(int argc, char **argv);
int cmd_groundwater(int argc, char **argv);
int cmd_sea(int argc, char **argv);
int cmd_noise(int argc, char **argv);
int cmd_radiation(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_store(int argc, char **argv);
int cmd_catalog(int argc, char **argv); /* argv[0] = "site", "device" or "factor" */
int cmd_rank(int argc, char **argv);
int cmd_targets(int argc, char **argv);
int cmd_alerts(int argc, char **argv);
int cmd_ledger(int argc, char **argv);
struct eco_air_period;
/* `air assess` with its own options, handing every (entity, period) statistic to cb
 * instead of writing a table (prev: the same period a year earlier, or NULL). */
typedef void (*air_period_cb)(void *ud, const char *entity, const char *label, const struct eco_air_period *st,
                              const struct eco_air_period *prev);
int air_assess_collect(int argc, char **argv, air_period_cb cb, void *ud);
/* ---- stored data as engine input (store_input.c) */
struct eco_store;
/** The hourly air table (site,time,so2,no2,co,o3,pm10,pm2_5) of the store's hour records,
 *  hour-end labels unless hour_start. 0 or < 0 with err. */
int cli_store_air_table(struct eco_store *st, FILE *out, eco_time_t from, eco_time_t to, int hour_start, long *rows,
                        eco_err_t *err);
/** Open the store in data for command cmd (read-only, or read-write creating it); 0, or EXIT_*
 *  after saying why ("--data DIR is required", the store's own message). */
int cli_store_open(const char *cmd, const char *data, int readonly, struct eco_store **st);
/** Write the store's hourly air table and its air sites (site,city,county,province) to two
 *  temporary files (paths returned, n bytes each; the caller unlinks them). 0 or EXIT_*. */
int cli_store_air_files(const char *data, char *hourly, char *sites, size_t n);

/* ---- table output: the same rows as CSV (header + lines), a JSON array of
 * objects, or an aligned text table for people */
enum { TBL_CSV = 0, TBL_JSON = 1, TBL_TEXT = 2 };

typedef struct cli_table {
    FILE *f;
    int json, text;
    const char *const *cols;
    int ncols, col;
    int *order, norder;        /* columns shown, in output order (--columns) */
    size_t *cell_off, *cell_len;
    unsigned char *cell_type;  /* the current row's cells, by column */
    eco_buf_t buf, cells, row;
    eco_json_t j;
    long rows;
    int io_error;
} cli_table_t;

void tbl_begin(cli_table_t *t, FILE *f, int format, const char *const *cols, int ncols);
/** select: comma-separated column names to show, in that order (NULL: all). */
void tbl_begin_sel(cli_table_t *t, FILE *f, int format, const char *const *cols, int ncols, const char *select);
/** 0 when every name in list is a column; else -1 and the first unknown name in bad. */
int tbl_check_columns(const char *const *cols, int ncols, const char *list, char *bad, size_t badn);
void tbl_row_begin(cli_table_t *t);
void tbl_str(cli_table_t *t, const char *s);  /* NULL or "": empty / null */
void tbl_raw(cli_table_t *t, const char *s);  /* a string that stays a string in JSON even if empty */
void tbl_rawn(cli_table_t *t, const char *s, size_t n);
void tbl_num(cli_table_t *t, double v, int prec); /* non-finite: empty / null */
void tbl_int(cli_table_t *t, long v);
void tbl_null(cli_table_t *t);
void tbl_row_end(cli_table_t *t);
int tbl_end(cli_table_t *t); /* 0 or ECO_EIO */

/* ---- CSV input shared by every command (csv_in.c) */
typedef struct cli_csv {
    FILE *f;
    const char *name;   /* the path, or "<stdin>" */
    eco_csv_t csv;      /* after open: the header is the current record */
    size_t ncols;
    long records_bad;   /* malformed records and wrong field counts, reported and skipped */
    int failed;         /* reading stopped on out of memory or an I/O error */
} cli_csv_t;

/** Open path ("-" = stdin) and read its header. 0, or EXIT_USAGE after saying why. */
int cli_csv_open(cli_csv_t *c, const char *path);
/** Next record with as many fields as the header: 1, or 0 at the end (or on failure). */
int cli_csv_next(cli_csv_t *c);
void cli_csv_close(cli_csv_t *c);
/** The header h equals one of names (NULL-terminated), ASCII case-insensitively. */
int cli_header_is(eco_slice_t h, const char *const *names);

/* ---- points grouped into regions, each point with a payload (groups.c) */
typedef struct cli_groups {
    eco_map_t points, regions; /* names <-> ids */
    void *items;               /* n payloads of elem bytes, by point id */
    int32_t *region_of;        /* region id of each point (its first row's) */
    size_t n, cap, elem;
    long conflicts;            /* rows naming another region than their point's first row */
} cli_groups_t;

void cli_groups_init(cli_groups_t *g, size_t elem);
void cli_groups_free(cli_groups_t *g);
/** The payload of point (in region), added when new (*is_new = 1, payload
 *  uninitialised); NULL when out of memory. Valid until the next add. */
void *cli_groups_add(cli_groups_t *g, eco_slice_t point, eco_slice_t region, int *is_new);
static inline void *cli_groups_item(const cli_groups_t *g, size_t id) { return (char *)g->items + id * g->elem; }

/* ---- reading hourly/daily air CSV input */
typedef enum { HOUR_LABEL_END, HOUR_LABEL_START } cli_hour_label_t;

typedef struct air_input {
    cli_csv_t src;
    const char *path;  /* for messages: the file name or "<stdin>" */
    int col_site, col_time, col_ind[ECO_AIR_NIND], col_so2_24h;
    long rows_ok, rows_bad;
} air_input_t;

typedef struct air_row {
    eco_slice_t site, time_text;
    eco_time_t t;
    double v[ECO_AIR_NIND]; /* NAN = NA, -INFINITY = "/" */
    double so2_24h;
    size_t line;
} air_row_t;

/** Open path ("-" = stdin) and map the header. Returns 0, or EXIT_USAGE after printing why. */
int air_input_open(air_input_t *in, const char *path);
/** Next good row: 1, 0 at end. Bad rows are reported on stderr and skipped. */
int air_input_next(air_input_t *in, air_row_t *row);
void air_input_close(air_input_t *in);

/** "" NA - — null → NAN; "/" → -INFINITY; number ≥ 0 → value; else ECO_ENUMBER / ECO_ERANGE. */
int cli_parse_conc(eco_slice_t s, double *out);

/* ---- option helpers */
/** csv, json (and text when allow_text): TBL_* in *fmt. */
int cli_parse_format(const char *s, int *fmt, int allow_text);
int cli_parse_edition(const char *s, const eco_air_edition_t **ed);
int cli_parse_hour_label(const char *s, cli_hour_label_t *hl);
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** True if argv has -h/--help before any "--". */
int cli_wants_help(int argc, char **argv);

#endif
