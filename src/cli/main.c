/* main.c — the `ecobrain` command: one binary, subcommands as thin faces.
 *
 * Why one binary: operators install one thing; every face (CLI today, the
 * server and HTTP API later) links the same library, so a figure printed by
 * `ecobrain air assess` is the figure the dashboard shows.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/log.h"

static void usage(FILE *f)
{
    fputs("ecobrain " ECO_VERSION " — eco-environment monitoring platform and brain\n"
          "\n"
          "Usage: ecobrain COMMAND [SUBCOMMAND] [OPTIONS] [FILE|-]\n"
          "\n"
          "Commands:\n"
          "  air aqi               real-time or daily AQI per HJ 633 (2012 and 2026 editions)\n"
          "  air assess            HJ 663 assessment of sites or regions over a period\n"
          "  air synth             write synthetic hourly air data (demos, tests, benchmarks)\n"
          "  hj212 decode          check and parse HJ 212 packets (2005, 2017, 2025)\n"
          "  hj212 encode          build an HJ 212 packet with its length and CRC\n"
          "  water classify        GB 3838-2002 surface-water class of each sample (single-factor)\n"
          "  water assess          section / river / basin / region evaluation over a period\n"
          "  groundwater classify  GB/T 14848-2017 groundwater class\n"
          "  sea classify          GB 3097-1997 seawater class\n"
          "  noise assess          GB 3096-2008 / HJ 640-2012 noise levels and compliance\n"
          "  radiation assess      ambient gamma dose rate against its background\n"
          "  alerts list|scan      data-quality alerts raised on stored values (spikes, flat lines, ...)\n"
          "  ledger list|show|ack|assign|resolve|close|reopen|export|rebuild  the problem ledger (问题台账)\n"
          "  targets report        where each target of a plan stands: to date, projected, required, status\n"
          "  rank                  rank cities/counties/sites by composite index, PM2.5, good days or a custom index\n"
          "  serve                 receive HJ 212 over TCP into the durable store (9014 after commit);\n"
          "                        with --http also the HTTP API, live events and the dashboard\n"
          "  token new|hash        API access tokens and the SHA-256 digests the config holds\n"
          "  sim                   simulated monitoring devices (air, water, CEMS, effluent)\n"
          "  export                stored values as CSV or JSON\n"
          "  store rollup          bring the store's air daily-value cache up to date (targets, rankings)\n"
          "  site add|import|list  the site catalogue (stations, sections, wells, outlets ...)\n"
          "  device add|import|list|completeness  devices (MN, password, profile, SM4 key, site)\n"
          "  factor add|import|list  factors: names, units, the evaluation item each feeds\n"
          "\n"
          "Options:\n"
          "  -h, --help    this text (also after any command: 'ecobrain air aqi --help')\n"
          "  --version     version and the standards implemented\n"
          "\n"
          "Documentation: README.md, docs/cli.md, docs/standards.md, docs/hj212.md, docs/water.md,\n"
          "               docs/ingest.md\n",
          f);
}

static void version(void)
{
    printf("ecobrain %s\n"
           "standards: GB 3095-2012 (+2018 amendment) / GB 3095-2026 (transitional to 2030-12-31, final from "
           "2031-01-01);\n"
           "           HJ 633-2012 / HJ 633-2026; HJ 663-2013 / HJ 663-2026 (switch 2026-03-01, by date of data)\n"
           "protocol:  HJ/T 212-2005, HJ 212-2017, HJ 212-2025 (SM4)\n",
           ECO_VERSION);
}

int main(int argc, char **argv)
{
    eco_log_set_plain(1);
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V") || !strcmp(cmd, "version")) {
        version();
        return 0;
    }
    if (!strcmp(cmd, "air")) return cmd_air(argc - 1, argv + 1);
    if (!strcmp(cmd, "hj212")) return cmd_hj212(argc - 1, argv + 1);
    if (!strcmp(cmd, "water")) return cmd_water(argc - 1, argv + 1);
    if (!strcmp(cmd, "groundwater")) return cmd_groundwater(argc - 1, argv + 1);
    if (!strcmp(cmd, "sea")) return cmd_sea(argc - 1, argv + 1);
    if (!strcmp(cmd, "noise")) return cmd_noise(argc - 1, argv + 1);
    if (!strcmp(cmd, "radiation")) return cmd_radiation(argc - 1, argv + 1);
    if (!strcmp(cmd, "serve")) return cmd_serve(argc - 1, argv + 1);
    if (!strcmp(cmd, "token")) return cmd_token(argc - 1, argv + 1);
    if (!strcmp(cmd, "rank")) return cmd_rank(argc - 1, argv + 1);
    if (!strcmp(cmd, "alerts")) return cmd_alerts(argc - 1, argv + 1);
    if (!strcmp(cmd, "ledger")) return cmd_ledger(argc - 1, argv + 1);
    if (!strcmp(cmd, "targets")) return cmd_targets(argc - 1, argv + 1);
    if (!strcmp(cmd, "sim")) return cmd_sim(argc - 1, argv + 1);
    if (!strcmp(cmd, "export")) return cmd_export(argc - 1, argv + 1);
    if (!strcmp(cmd, "store")) return cmd_store(argc - 1, argv + 1);
    if (!strcmp(cmd, "site") || !strcmp(cmd, "device") || !strcmp(cmd, "factor")) return cmd_catalog(argc - 1, argv + 1);
    fprintf(stderr, "ecobrain: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
