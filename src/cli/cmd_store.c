/* cmd_store.c — `ecobrain store rollup`: bring the air daily-value cache up to date.
 *
 * Why a command: `serve` refreshes the cache every minute, but a store filled
 * by other means (an import, a copy, a store written before the cache existed)
 * has it stale or empty, and reports then read hours again (correct, slow).
 * This recomputes the changed days now — or every day with --full — through
 * src/brain/airdays.c, and --status says what state the cache is in.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "brain/airdays.h"
#include "cli.h"
#include "store/store.h"

static void usage(FILE *f)
{
    fputs("Usage: ecobrain store rollup --data DIR [--full] [--status]\n"
          "\n"
          "Recompute the air daily-value cache of the store in DIR: every day whose hour values changed\n"
          "since it was last computed (the store marks them when it stores a value), or every day with\n"
          "--full. The first run, and the first after a change of the catalogue (a site's city, county or\n"
          "province, a device's site, a factor's item), rebuilds it whole. `targets report --data`, `rank\n"
          "--data` and the API read their daily values from it. --status prints its state and changes\n"
          "nothing. `serve` does this every minute by itself (--rollup-interval).\n",
          f);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int cmd_store(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "rollup")) {
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
            usage(stdout);
            return 0;
        }
        usage(stderr);
        return EXIT_USAGE;
    }
    static const struct option opts[] = {{"data", required_argument, 0, 'd'}, {"full", no_argument, 0, 'f'},
                                         {"status", no_argument, 0, 's'},     {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *data = NULL;
    int full = 0, status = 0, o;
    optind = 2;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case 'd': data = optarg; break;
        case 'f': full = 1; break;
        case 's': status = 1; break;
        case 'h': usage(stdout); return 0;
        default: return cli_usage_error("store rollup", "unknown option");
        }
    }
    if (optind < argc) return cli_usage_error("store rollup", "unexpected argument '%s'", argv[optind]);
    if (!data) return cli_usage_error("store rollup", "--data DIR is required");
    eco_store_opts_t so;
    eco_store_opts_default(&so);
    so.readonly = status;
    so.create = 0;
    so.catalogue_only = 1; /* no observation is written: the latest-value cache is not needed */
    so.sync = ECO_SYNC_NORMAL;
    eco_store_t *st;
    eco_err_t err;
    eco_err_clear(&err);
    if (eco_store_open(&st, data, &so, &err) < 0) {
        fprintf(stderr, "ecobrain store rollup: %s\n", err.msg);
        return EXIT_RUNTIME;
    }
    int rc = 0;
    if (status) {
        eco_airdays_status_t s;
        if (eco_airdays_status(st, &s, &err) < 0) {
            fprintf(stderr, "ecobrain store rollup: %s\n", err.msg);
            rc = EXIT_RUNTIME;
        } else {
            printf("cache\t%s\nbuilt\t%s\ncatalogue\t%s\ndirty_days\t%ld\nentity_months\t%ld\n",
                   s.present ? "present" : "absent (schema < 5: open the store writable once)", s.built ? "yes" : "no",
                   s.current ? "current" : "changed since (rebuilt by the next rollup)", s.dirty, s.rows);
        }
    } else {
        double t0 = now_s();
        eco_airdays_stats_t s;
        if (eco_airdays_refresh(st, 0, full, &s, &err) < 0) {
            fprintf(stderr, "ecobrain store rollup: %s\n", err.msg);
            rc = EXIT_RUNTIME;
        } else {
            fprintf(stderr, "ecobrain store rollup: %s%ld day%s recomputed, %ld entity-months written in %.2f s\n",
                    s.rebuilt ? "rebuilt: " : "", s.days, s.days == 1 ? "" : "s", s.rows, now_s() - t0);
        }
    }
    eco_store_close(st);
    return rc;
}
