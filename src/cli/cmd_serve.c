/* cmd_serve.c — `ecobrain serve`: the platform's ingestion server.
 *
 * Why thin: the server lives in src/ingest (loop, limits, group commit) and
 * the store in src/store; this face reads options and the config file, opens
 * the store and runs until SIGTERM, then prints the counters.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/log.h"
#include "ingest/ingest.h"
#include "store/store.h"

static void usage(FILE *f)
{
    fputs("Usage: ecobrain serve --data DIR [--hj212 HOST:PORT] [--http HOST:PORT] [--config FILE]\n"
          "                      [--open-registration] [--no-quarantine] [--sync full|normal|off]\n"
          "                      [--port-file FILE] [--verbose|--quiet]\n"
          "\n"
          "Receive HJ 212 (2005, 2017, 2025) over TCP and store every value durably in DIR\n"
          "(SQLite, WAL). A 9014 acknowledgement is sent only after the value is committed.\n"
          "Stops on SIGTERM or SIGINT after flushing everything it was sent.\n"
          "\n"
          "  --data DIR            store directory (created if missing)\n"
          "  --hj212 HOST:PORT     HJ 212 listen address (default 0.0.0.0:6000; port 0 = any free port)\n"
          "  --http HOST:PORT      HTTP API address (not built yet; accepted for forward compatibility)\n"
          "  --config FILE         INI settings ([hj212], [store]; see docs/ingest.md); options override it\n"
          "  --open-registration   register unknown MNs on first contact (demos and tests only)\n"
          "  --no-quarantine       do not keep refused frames (unknown MN, wrong PW)\n"
          "  --sync MODE           full (default: every commit fsynced), normal, off\n"
          "  --port-file FILE      write the bound HJ 212 port to FILE once listening\n"
          "  --verbose, --quiet    more or less logging\n",
          f);
}

int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},         {"hj212", required_argument, 0, 'j'},
        {"http", required_argument, 0, 'H'},         {"config", required_argument, 0, 'c'},
        {"open-registration", no_argument, 0, 'o'},  {"no-quarantine", no_argument, 0, 'Q'},
        {"sync", required_argument, 0, 's'},         {"port-file", required_argument, 0, 'p'},
        {"verbose", no_argument, 0, 'v'},            {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},               {0, 0, 0, 0}};
    const char *data = NULL, *hj212 = NULL, *config = NULL, *http = NULL, *sync = NULL, *port_file = NULL;
    int open_reg = 0, no_quar = 0, verbose = 0, quiet = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'j': hj212 = optarg; break;
        case 'H': http = optarg; break;
        case 'c': config = optarg; break;
        case 'o': open_reg = 1; break;
        case 'Q': no_quar = 1; break;
        case 's': sync = optarg; break;
        case 'p': port_file = optarg; break;
        case 'v': verbose = 1; break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return 0;
        default: return cli_usage_error("serve", "unknown option");
        }
    }
    if (optind < argc) return cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
    if (!data) return cli_usage_error("serve", "--data DIR is required");
    eco_ingest_cfg_t cfg;
    eco_ingest_cfg_default(&cfg);
    eco_err_t err;
    eco_err_clear(&err);
    if (config && eco_ingest_cfg_load(&cfg, config, &err) < 0) {
        fprintf(stderr, "ecobrain serve: %s\n", err.msg);
        return EXIT_USAGE;
    }
    if (hj212 && eco_ingest_parse_addr(hj212, cfg.hj212_host, sizeof cfg.hj212_host, &cfg.hj212_port) < 0)
        return cli_usage_error("serve", "--hj212 '%s' is not HOST:PORT", hj212);
    if (open_reg) cfg.open_registration = 1;
    if (no_quar) cfg.quarantine = 0;
    if (sync) {
        if (!strcmp(sync, "full")) cfg.sync = ECO_SYNC_FULL;
        else if (!strcmp(sync, "normal")) cfg.sync = ECO_SYNC_NORMAL;
        else if (!strcmp(sync, "off")) cfg.sync = ECO_SYNC_OFF;
        else return cli_usage_error("serve", "--sync '%s': full, normal or off", sync);
    }
    if (port_file) snprintf(cfg.port_file, sizeof cfg.port_file, "%s", port_file);
    eco_log_set_level(verbose ? ECO_LOG_DEBUG : quiet ? ECO_LOG_WARN : ECO_LOG_INFO);
    eco_log_set_plain(0);
    if (http) eco_log(ECO_LOG_WARN, "--http %s: the HTTP API is not part of this build yet; ignored", http);

    eco_store_opts_t so;
    eco_store_opts_default(&so);
    so.sync = cfg.sync;
    so.background_checkpoint = 1;
    so.cache_mb = cfg.cache_mb;
    eco_store_t *st;
    if (eco_store_open(&st, data, &so, &err) < 0) {
        fprintf(stderr, "ecobrain serve: %s\n", err.msg);
        return EXIT_RUNTIME;
    }
    eco_ingest_stats_t stats;
    int r = eco_ingest_serve(&cfg, st, &stats, &err);
    eco_store_close(st);
    if (r < 0) {
        fprintf(stderr, "ecobrain serve: %s\n", err.msg);
        return EXIT_RUNTIME;
    }
    return 0;
}
