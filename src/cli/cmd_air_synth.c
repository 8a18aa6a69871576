/* cmd_air_synth.c — `ecobrain air synth`: write synthetic hourly air data as CSV.
 *
 * Why a subcommand: the demo (`make run`), the benchmarks and anyone testing a
 * pipeline need realistic hourly data without shipping national data. The
 * numbers come from src/air/synth.c (deterministic per seed); this face only
 * names the sites (synthetic names, or a sites file such as the demo's
 * Zhejiang network) and writes rows in the input format of `air aqi/assess`.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "air/synth.h"
#include "cli.h"
#include "core/log.h"

static const char synth_help[] =
    "Usage: ecobrain air synth [OPTIONS]\n"
    "\n"
    "Write deterministic synthetic hourly data (site,time,so2,no2,co,o3,pm10,pm2_5; hour-end\n"
    "labels; µg/m³ integers, CO mg/m³ one decimal; ~3 % missing as empty fields) to stdout.\n"
    "It is NOT real monitoring data: use it for demos, tests and benchmarks.\n"
    "\n"
    "Options:\n"
    "  --from DATE            first day (default 2026-01-01)\n"
    "  --to DATE              last day, inclusive (default: one year from --from)\n"
    "  --sites N              number of sites (default 20)\n"
    "  --sites-per-city K     sites sharing a city's weather (default 5)\n"
    "  --names FILE           a sites CSV (site,city,county,province,name,lon,lat) naming the sites\n"
    "                         in order; --sites defaults to its row count\n"
    "  --sites-out FILE       also write the sites CSV of the synthetic network\n"
    "  --seed S               random seed (default 2026)\n"
    "  --missing F            fraction of missing values, 0..0.5 (default 0.03)\n"
    "  -o, --output FILE      write to FILE instead of stdout\n";

typedef struct name_row {
    char site[64];
} name_row_t;

static int load_names(const char *path, name_row_t **rows, int *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        eco_log_error("--names %s: cannot open: %s", path, strerror(errno));
        return EXIT_USAGE;
    }
    eco_csv_t csv;
    eco_err_t err;
    eco_csv_open_file(&csv, f, path);
    int rc = 0, col = -1, cap = 0;
    if (eco_csv_next(&csv, &err) <= 0) {
        eco_log_error("%s:1: a header line is required", path);
        rc = EXIT_USAGE;
        goto out;
    }
    for (size_t i = 0; i < eco_csv_nfields(&csv); i++)
        if (eco_slice_ieq(eco_slice_trim(eco_csv_field(&csv, i)), "site")) col = (int)i;
    if (col < 0) {
        eco_log_error("%s:1: no 'site' column", path);
        rc = EXIT_USAGE;
        goto out;
    }
    for (;;) {
        int r = eco_csv_next(&csv, &err);
        if (r == 0) break;
        if (r < 0) {
            eco_log_error("%s", err.msg);
            rc = EXIT_USAGE;
            break;
        }
        eco_slice_t s = eco_slice_trim(eco_csv_field(&csv, (size_t)col));
        if (!s.len || s.len >= sizeof(*rows)->site) {
            eco_log_error("%s:%zu: site code empty or longer than 63 bytes", path, eco_csv_line(&csv));
            rc = EXIT_USAGE;
            break;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            name_row_t *nr = realloc(*rows, (size_t)cap * sizeof *nr);
            if (!nr) {
                rc = EXIT_RUNTIME;
                break;
            }
            *rows = nr;
        }
        memcpy((*rows)[*n].site, s.ptr, s.len);
        (*rows)[*n].site[s.len] = '\0';
        (*n)++;
    }
out:
    eco_csv_close(&csv);
    fclose(f);
    return rc;
}

int cmd_air_synth(int argc, char **argv)
{
    static const struct option opts[] = {
        {"from", required_argument, 0, 'f'},  {"to", required_argument, 0, 't'},
        {"sites", required_argument, 0, 'n'}, {"sites-per-city", required_argument, 0, 'k'},
        {"names", required_argument, 0, 'N'}, {"sites-out", required_argument, 0, 'S'},
        {"seed", required_argument, 0, 's'},  {"missing", required_argument, 0, 'm'},
        {"output", required_argument, 0, 'o'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    eco_air_synth_opts_t o;
    eco_air_synth_opts_default(&o);
    o.nsites = 20;
    o.sites_per_city = 5;
    eco_day_t from = o.day0, to = -1;
    const char *names_path = NULL, *sites_out = NULL, *out_path = NULL;
    int nsites_given = 0, c;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (eco_day_parse(eco_slice_cstr(optarg), &from))
                return cli_usage_error("air synth", "--from takes YYYY-MM-DD, not '%s'", optarg);
            break;
        case 't':
            if (eco_day_parse(eco_slice_cstr(optarg), &to))
                return cli_usage_error("air synth", "--to takes YYYY-MM-DD, not '%s'", optarg);
            break;
        case 'n':
            o.nsites = (int)strtol(optarg, &end, 10);
            if (*end || o.nsites < 1) return cli_usage_error("air synth", "--sites takes a positive number");
            nsites_given = 1;
            break;
        case 'k':
            o.sites_per_city = (int)strtol(optarg, &end, 10);
            if (*end || o.sites_per_city < 1) return cli_usage_error("air synth", "--sites-per-city takes a positive number");
            break;
        case 'N': names_path = optarg; break;
        case 'S': sites_out = optarg; break;
        case 's':
            errno = 0;
            o.seed = strtoull(optarg, &end, 10);
            if (*end || errno) return cli_usage_error("air synth", "--seed takes a non-negative integer");
            break;
        case 'm':
            o.missing = strtod(optarg, &end);
            if (*end || !(o.missing >= 0 && o.missing <= 0.5))
                return cli_usage_error("air synth", "--missing takes a fraction from 0 to 0.5");
            break;
        case 'o': out_path = optarg; break;
        case 'h': fputs(synth_help, stdout); return 0;
        default: return cli_usage_error("air synth", "unknown option");
        }
    }
    if (optind < argc) return cli_usage_error("air synth", "unexpected argument '%s'", argv[optind]);
    if (to < 0) {
        int y, m, d;
        eco_day_to_civil(from, &y, &m, &d);
        to = eco_day_from_civil(y + 1, m, 1) + (d - 1) - 1;
    }
    if (to < from) return cli_usage_error("air synth", "--to is before --from");
    o.day0 = from;
    o.ndays = (int)(to - from + 1);

    name_row_t *names = NULL;
    int nnames = 0, rc = 0;
    if (names_path) {
        if ((rc = load_names(names_path, &names, &nnames))) goto done;
        if (!nnames) {
            eco_log_error("%s: no sites", names_path);
            rc = EXIT_USAGE;
            goto done;
        }
        if (!nsites_given) o.nsites = nnames;
        else if (o.nsites > nnames) {
            eco_log_error("--sites %d but %s names only %d", o.nsites, names_path, nnames);
            rc = EXIT_USAGE;
            goto done;
        }
    }
    if (eco_air_synth_check(&o)) {
        rc = cli_usage_error("air synth", "options out of range (at most 36600 days)");
        goto done;
    }
    if (sites_out) {
        FILE *sf = fopen(sites_out, "w");
        if (!sf) {
            eco_log_error("--sites-out %s: %s", sites_out, strerror(errno));
            rc = EXIT_USAGE;
            goto done;
        }
        fputs("site,city,county,province,name,lon,lat\n", sf);
        for (int s = 0; s < o.nsites; s++) {
            eco_air_synth_site_info_t si;
            eco_air_synth_site_info(&o, s, &si);
            fprintf(sf, "%s,%s,%s,%s,%s,%.4f,%.4f\n", names ? names[s].site : si.site, si.city, si.county,
                    si.province, si.name, si.lon, si.lat);
        }
        if (fclose(sf)) {
            eco_log_error("--sites-out %s: write failed", sites_out);
            rc = EXIT_RUNTIME;
            goto done;
        }
    }

    FILE *f = stdout;
    if (out_path && !(f = fopen(out_path, "w"))) {
        eco_log_error("-o %s: %s", out_path, strerror(errno));
        rc = EXIT_USAGE;
        goto done;
    }
    size_t nh = (size_t)o.ndays * 24;
    eco_air_series_t s = {0};
    for (int p = 0; p < ECO_POL_N; p++)
        if (!(s.h[p] = malloc(nh * sizeof(double)))) rc = EXIT_RUNTIME;
    eco_buf_t b = ECO_BUF_INIT;
    eco_buf_puts(&b, "site,time,so2,no2,co,o3,pm10,pm2_5\n");
    for (int site = 0; site < o.nsites && !rc; site++) {
        char sid[64], ts[32];
        if (names) snprintf(sid, sizeof sid, "%s", names[site].site);
        else eco_air_synth_site_id(site, sid, sizeof sid);
        eco_air_synth_site(&o, site, &s);
        for (size_t h = 0; h < nh; h++) {
            /* hour-end label: the hour starting at h is written as h + 1 */
            eco_time_format(eco_time_from_day(o.day0) + (eco_time_t)(h + 1) * ECO_HOUR_S, ts, sizeof ts);
            eco_buf_put_csv_field(&b, sid, strlen(sid));
            eco_buf_printf(&b, ",%s", ts);
            for (int p = 0; p < ECO_POL_N; p++) {
                double v = s.h[p][h];
                eco_buf_putc(&b, ',');
                if (isfinite(v)) eco_buf_put_double(&b, v, p == ECO_POL_CO ? 1 : 0);
            }
            eco_buf_putc(&b, '\n');
            if (b.len > (1u << 20) && eco_buf_flush(&b, f)) rc = EXIT_RUNTIME;
        }
    }
    if (!rc && eco_buf_flush(&b, f)) rc = EXIT_RUNTIME;
    eco_buf_free(&b);
    for (int p = 0; p < ECO_POL_N; p++) free(s.h[p]);
    if (f != stdout ? fclose(f) : fflush(f)) rc = EXIT_RUNTIME;
    if (rc == EXIT_RUNTIME) eco_log_error("writing synthetic data failed");
done:
    free(names);
    return rc;
}
