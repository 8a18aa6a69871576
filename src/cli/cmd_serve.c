/* cmd_serve.c — `ecobrain serve`: the platform's ingestion server.
 *
 * Why thin: the server lives in src/ingest (loop, limits, group commit) and
 * the store in src/store; this face reads options and the config file, opens
 * the store and runs until SIGTERM, then prints the counters.
 */
#include <getopt.h>
#include <ini.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <limits.h>
#include <unistd.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/log.h"
#include "api/api.h"
#include "brain/airdays.h"
#include "ingest/ingest.h"
#include "live/live.h"
#include "store/store.h"

static void usage(FILE *f)
{
    fputs("Usage: ecobrain serve --data DIR [--hj212 HOST:PORT] [--http HOST:PORT] [--config FILE]\n"
          "                      [--open-registration] [--no-quarantine] [--sync full|normal|off]\n"
          "                      [--port-file FILE] [--http-port-file FILE] [--web DIR] [--verbose|--quiet]\n"
          "\n"
          "Receive HJ 212 (2005, 2017, 2025) over TCP and store every value durably in DIR\n"
          "(SQLite, WAL). A 9014 acknowledgement is sent only after the value is committed.\n"
          "Stops on SIGTERM or SIGINT after flushing everything it was sent.\n"
          "\n"
          "  --data DIR            store directory (created if missing)\n"
          "  --hj212 HOST:PORT     HJ 212 listen address (default 0.0.0.0:6000; port 0 = any free port)\n"
          "  --http HOST:PORT      also serve the HTTP API, live events and the dashboard (docs/api.md);\n"
          "                        port 0 = any free port. Off unless given here or in [http] listen\n"
          "  --web DIR             the dashboard's built files (default: web/ beside the binary, if built)\n"
          "  --http-port-file FILE write the bound HTTP port to FILE once listening\n"
          "  --config FILE         INI settings ([hj212], [store], [http]; docs/ingest.md, docs/api.md);\n"
          "                        options override it\n"
          "  --open-registration   register unknown MNs on first contact (demos and tests only)\n"
          "  --no-quarantine       do not keep refused frames (unknown MN, wrong PW)\n"
          "  --sync MODE           full (default: every commit fsynced), normal, off\n"
          "  --port-file FILE      write the bound HJ 212 port to FILE once listening\n"
          "  --rollup-interval S   recompute the air daily-value cache's changed days every S seconds\n"
          "                        (default 60; 0 = never: then `ecobrain store rollup`)\n"
          "  --verbose, --quiet    more or less logging\n",
          f);
}

static int on_listen_key(void *ud, const char *sec, const char *key, const char *val)
{
    (void)val;
    if (!strcmp(sec, "http") && !strcmp(key, "listen")) *(int *)ud = 1;
    return 1;
}

/* [http] listen in the config turns the HTTP face on, as --http does */
static int ini_has_listen(const char *path)
{
    int found = 0;
    ini_parse(path, on_listen_key, &found);
    return found;
}

/* the dashboard built by `make` lands in web/ beside the binary */
static void default_web_root(char *out, size_t n)
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0) return;
    exe[len] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash) return;
    *slash = 0;
    char idx[PATH_MAX + 32];
    snprintf(idx, sizeof idx, "%s/web/index.html", exe);
    if (access(idx, R_OK) == 0 && strlen(exe) + 5 < n) {
        memcpy(out, exe, strlen(exe));
        memcpy(out + strlen(exe), "/web", 5);
    }
}

/* The air daily-value cache (src/brain/airdays.h) refreshed beside the ingest: a thread with its own
 * connection recomputes the days whose hours changed, a month per transaction, every `interval`
 * seconds, so the writer waits at most for one month's merge. */
typedef struct rollup {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int quit, running, interval;
    eco_store_t *st;
} rollup_t;

static void *rollup_main(void *arg)
{
    rollup_t *r = arg;
    pthread_mutex_lock(&r->mu);
    while (!r->quit) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += r->interval;
        pthread_cond_timedwait(&r->cv, &r->mu, &ts);
        long total = 0;
        int rebuilt = 0;
        while (!r->quit) {
            pthread_mutex_unlock(&r->mu);
            eco_airdays_stats_t stats;
            eco_err_t err;
            eco_err_clear(&err);
            int rc = eco_airdays_refresh(r->st, 31, 0, &stats, &err);
            pthread_mutex_lock(&r->mu);
            if (rc < 0) {
                eco_log_warn("air daily-value cache: %s", err.msg);
                break;
            }
            total += stats.days;
            rebuilt |= stats.rebuilt;
            if (stats.days < 31) break;
        }
        if (total) eco_log_info("air daily-value cache: %s%ld day%s recomputed", rebuilt ? "rebuilt, " : "", total,
                                total == 1 ? "" : "s");
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

static int rollup_start(rollup_t *r, const char *data, int interval)
{
    memset(r, 0, sizeof *r);
    if (interval <= 0) return 0;
    eco_store_opts_t so;
    eco_store_opts_default(&so);
    so.sync = ECO_SYNC_NORMAL; /* a lost cache commit is recomputed: its days stay dirty */
    so.create = 0;
    so.catalogue_only = 1;
    so.cache_mb = 16;
    eco_err_t err;
    eco_err_clear(&err);
    if (eco_store_open(&r->st, data, &so, &err) < 0) {
        eco_log_warn("air daily-value cache: not refreshed: %s", err.msg);
        return 0;
    }
    r->interval = interval;
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
    if (pthread_create(&r->th, NULL, rollup_main, r) != 0) {
        eco_store_close(r->st);
        return 0;
    }
    r->running = 1;
    return 0;
}

static void rollup_stop(rollup_t *r)
{
    if (!r->running) return;
    pthread_mutex_lock(&r->mu);
    r->quit = 1;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->th, NULL);
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->cv);
    eco_store_close(r->st);
}

int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},         {"hj212", required_argument, 0, 'j'},
        {"http", required_argument, 0, 'H'},         {"config", required_argument, 0, 'c'},
        {"open-registration", no_argument, 0, 'o'},  {"no-quarantine", no_argument, 0, 'Q'},
        {"sync", required_argument, 0, 's'},         {"port-file", required_argument, 0, 'p'},
        {"verbose", no_argument, 0, 'v'},            {"quiet", no_argument, 0, 'q'},
        {"http-port-file", required_argument, 0, 'P'}, {"web", required_argument, 0, 'W'},
        {"rollup-interval", required_argument, 0, 'R'},
        {"help", no_argument, 0, 'h'},               {0, 0, 0, 0}};
    const char *data = NULL, *hj212 = NULL, *config = NULL, *http = NULL, *sync = NULL, *port_file = NULL;
    const char *http_port_file = NULL, *web = NULL;
    int open_reg = 0, no_quar = 0, verbose = 0, quiet = 0, c, rollup_s = 60;
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
        case 'P': http_port_file = optarg; break;
        case 'W': web = optarg; break;
        case 'R': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (!*optarg || *end || v < 0 || v > 86400)
                return cli_usage_error("serve", "--rollup-interval '%s': seconds, 0..86400", optarg);
            rollup_s = (int)v;
            break;
        }
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
    if (strlen(data) + sizeof "/gaps.state" <= sizeof cfg.gaps_state) {
        memcpy(cfg.gaps_state, data, strlen(data));
        memcpy(cfg.gaps_state + strlen(data), "/gaps.state", sizeof "/gaps.state");
    }
    eco_log_set_level(verbose ? ECO_LOG_DEBUG : quiet ? ECO_LOG_WARN : ECO_LOG_INFO);
    eco_log_set_plain(0);
    eco_api_cfg_t acfg;
    eco_api_cfg_default(&acfg);
    int http_on = http != NULL;
    if (config) {
        if (eco_api_cfg_load(&acfg, config, &err) < 0) {
            fprintf(stderr, "ecobrain serve: %s\n", err.msg);
            return EXIT_USAGE;
        }
        if (ini_has_listen(config)) http_on = 1;
    }
    if (http && eco_ingest_parse_addr(http, acfg.host, sizeof acfg.host, &acfg.port) < 0)
        return cli_usage_error("serve", "--http '%s' is not HOST:PORT", http);
    if (http_port_file) snprintf(acfg.port_file, sizeof acfg.port_file, "%s", http_port_file);
    if (web) snprintf(acfg.web_root, sizeof acfg.web_root, "%s", web);
    else if (!acfg.web_root[0]) default_web_root(acfg.web_root, sizeof acfg.web_root);
    if (!http_on && (http_port_file || web)) return cli_usage_error("serve", "--web and --http-port-file need --http");

    eco_store_opts_t so;
    eco_store_opts_default(&so);
    so.sync = cfg.sync;
    so.background_checkpoint = 1;
    so.cache_mb = cfg.cache_mb;
    so.recent_tier = cfg.tier;
    eco_store_t *st;
    if (eco_store_open(&st, data, &so, &err) < 0) {
        fprintf(stderr, "ecobrain serve: %s\n", err.msg);
        return EXIT_RUNTIME;
    }
    eco_live_t *live = NULL;
    eco_api_t *api = NULL;
    if (http_on) {
        if (!(live = eco_live_new((size_t)acfg.sse_buffer, 0))) {
            eco_store_close(st);
            fprintf(stderr, "ecobrain serve: out of memory\n");
            return EXIT_RUNTIME;
        }
        cfg.live = live;
        if (eco_api_start(&api, &acfg, data, live, &err) < 0) {
            fprintf(stderr, "ecobrain serve: %s\n", err.msg);
            eco_live_free(live);
            eco_store_close(st);
            return EXIT_RUNTIME;
        }
    }
    rollup_t roll; /* after the writer's open: the store is migrated */
    rollup_start(&roll, data, rollup_s);
    eco_ingest_stats_t stats;
    int r = eco_ingest_serve(&cfg, st, &stats, &err);
    rollup_stop(&roll);
    if (api) {
        eco_live_close(live);
        eco_api_stop(api);
    }
    eco_live_free(live);
    eco_store_close(st);
    if (r < 0) {
        fprintf(stderr, "ecobrain serve: %s\n", err.msg);
        return EXIT_RUNTIME;
    }
    return 0;
}
