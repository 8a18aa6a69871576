/* cmd_sim.c — `ecobrain sim`: simulated monitoring devices against a server.
 *
 * Why in the main binary: demos (`make run`), the end-to-end tests (crash
 * test) and the benchmark all need devices that behave like real DAUs; one
 * implementation (src/ingest/sim.c) serves all three.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/log.h"
#include "ingest/ingest.h"

static void usage(FILE *f)
{
    fputs("Usage: ecobrain sim --target HOST:PORT --devices N [--kind air|water|cems|effluent|mixed]\n"
          "                    [--interval-ms M] [--duration S] [--edition 2017|2025] [--acked-log FILE]\n"
          "                    [--seed K] [--window W] [--ack-timeout-ms T] [--drain S] [--bad-rate P]\n"
          "                    [--mn-prefix P] [--pw PW] [--sm4-key HEX32] [--start TIME] [--warmup S] [--replay]\n"
          "                    [--quiet]\n"
          "\n"
          "Run N simulated data-acquisition units, one TCP connection each. Every M ms a device\n"
          "sends its next minute record (CN 2051) and, when an hour closes, the hour record\n"
          "(CN 2061); DataTimes advance one minute per tick so that the last record lands on the\n"
          "present minute (or start at --start). A device keeps up to W frames in flight, resends\n"
          "a frame with the same QN when no 9014 came within T ms (default 5000), reconnects with\n"
          "backoff when the server goes away, and resends everything unacknowledged.\n"
          "\n"
          "  --acked-log FILE  CSV mn,cn,time,factor,value of every value whose 9014 arrived,\n"
          "                    written after the acknowledgement (time = DataTime as sent)\n"
          "  --bad-rate P      also send a frame with a corrupted CRC on a fraction P of ticks\n"
          "  --drain S         after the duration, wait up to S s for outstanding acks (default 60)\n"
          "  --warmup S        leave frames first sent in the first S s out of the latency figures\n"
          "  --replay          send every record of the duration (S*1000/M per device) as fast as the\n"
          "                    server acknowledges, not by the clock (benchmarks: a fixed workload)\n"
          "MNs are PREFIX + kind letter (A W C E) + 8 digits, e.g. SIMA00000001; PW default 123456.\n"
          "Exit: 0 when every record was acknowledged, 1 when some were not, 2 usage.\n",
          f);
}

int cmd_sim(int argc, char **argv)
{
    static const struct option opts[] = {
        {"target", required_argument, 0, 't'},        {"devices", required_argument, 0, 'n'},
        {"kind", required_argument, 0, 'k'},          {"interval-ms", required_argument, 0, 'i'},
        {"duration", required_argument, 0, 'D'},      {"edition", required_argument, 0, 'e'},
        {"acked-log", required_argument, 0, 'l'},     {"seed", required_argument, 0, 's'},
        {"window", required_argument, 0, 'w'},        {"ack-timeout-ms", required_argument, 0, 'a'},
        {"drain", required_argument, 0, 'r'},         {"bad-rate", required_argument, 0, 'b'},
        {"mn-prefix", required_argument, 0, 'm'},     {"pw", required_argument, 0, 'p'},
        {"sm4-key", required_argument, 0, 'K'},       {"start", required_argument, 0, 'S'},
        {"quiet", no_argument, 0, 'q'},               {"help", no_argument, 0, 'h'},
        {"warmup", required_argument, 0, 'W'},        {"replay", no_argument, 0, 'R'},
        {0, 0, 0, 0}};
    eco_sim_cfg_t cfg;
    eco_sim_cfg_default(&cfg);
    const char *target = NULL;
    uint8_t key[16];
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case 't': target = optarg; break;
        case 'n':
            cfg.devices = (int)strtol(optarg, &end, 10);
            if (*end || cfg.devices < 1 || cfg.devices > 1000000) return cli_usage_error("sim", "--devices 1..1000000");
            break;
        case 'k':
            if (!strcmp(optarg, "air")) cfg.kind = ECO_SIM_AIR;
            else if (!strcmp(optarg, "water")) cfg.kind = ECO_SIM_WATER;
            else if (!strcmp(optarg, "cems")) cfg.kind = ECO_SIM_CEMS;
            else if (!strcmp(optarg, "effluent")) cfg.kind = ECO_SIM_EFFLUENT;
            else if (!strcmp(optarg, "mixed")) cfg.kind = ECO_SIM_MIXED;
            else return cli_usage_error("sim", "--kind '%s': air, water, cems, effluent or mixed", optarg);
            break;
        case 'i':
            cfg.interval_ms = (int)strtol(optarg, &end, 10);
            if (*end || cfg.interval_ms < 1) return cli_usage_error("sim", "--interval-ms must be a positive integer");
            break;
        case 'D':
            cfg.duration_s = strtod(optarg, &end);
            if (*end || !(cfg.duration_s > 0) || cfg.duration_s > 1e7) return cli_usage_error("sim", "--duration seconds > 0");
            break;
        case 'e':
            cfg.edition = (int)strtol(optarg, &end, 10);
            if (*end || (cfg.edition != 2017 && cfg.edition != 2025)) return cli_usage_error("sim", "--edition 2017 or 2025");
            break;
        case 'l': cfg.acked_log = optarg; break;
        case 's': cfg.seed = strtoull(optarg, &end, 10); if (*end) return cli_usage_error("sim", "--seed integer"); break;
        case 'w':
            cfg.window = (int)strtol(optarg, &end, 10);
            if (*end || cfg.window < 1 || cfg.window > 1000) return cli_usage_error("sim", "--window 1..1000");
            break;
        case 'a':
            cfg.ack_timeout_ms = (int)strtol(optarg, &end, 10);
            if (*end || cfg.ack_timeout_ms < 10) return cli_usage_error("sim", "--ack-timeout-ms at least 10");
            break;
        case 'r':
            cfg.drain_s = (int)strtol(optarg, &end, 10);
            if (*end || cfg.drain_s < 0) return cli_usage_error("sim", "--drain seconds >= 0");
            break;
        case 'b':
            cfg.bad_rate = strtod(optarg, &end);
            if (*end || cfg.bad_rate < 0 || cfg.bad_rate > 1) return cli_usage_error("sim", "--bad-rate 0..1");
            break;
        case 'm': cfg.mn_prefix = optarg; if (strlen(optarg) > 12) return cli_usage_error("sim", "--mn-prefix at most 12 characters"); break;
        case 'p': cfg.pw = optarg; break;
        case 'K':
            if (strlen(optarg) != 32 || strspn(optarg, "0123456789abcdefABCDEF") != 32)
                return cli_usage_error("sim", "--sm4-key: 32 hex digits");
            for (int i = 0; i < 16; i++) {
                char h[3] = {optarg[2 * i], optarg[2 * i + 1], 0};
                key[i] = (uint8_t)strtoul(h, NULL, 16);
            }
            cfg.sm4_key = key;
            break;
        case 'S':
            if (eco_time_parse(eco_slice_cstr(optarg), &cfg.start) < 0) return cli_usage_error("sim", "--start '%s': not a time", optarg);
            cfg.start = cfg.start / 60 * 60;
            break;
        case 'q': cfg.quiet = 1; break;
        case 'R': cfg.replay = 1; break;
        case 'W':
            cfg.warmup_s = strtod(optarg, &end);
            if (*end || cfg.warmup_s < 0) return cli_usage_error("sim", "--warmup seconds >= 0");
            break;
        case 'h': usage(stdout); return 0;
        default: return cli_usage_error("sim", "unknown option");
        }
    }
    if (optind < argc) return cli_usage_error("sim", "unexpected argument '%s'", argv[optind]);
    if (!target) return cli_usage_error("sim", "--target HOST:PORT is required");
    snprintf(cfg.host, sizeof cfg.host, "127.0.0.1");
    if (eco_ingest_parse_addr(target, cfg.host, sizeof cfg.host, &cfg.port) < 0 || cfg.port == 0)
        return cli_usage_error("sim", "--target '%s' is not HOST:PORT", target);
    eco_log_set_level(cfg.quiet ? ECO_LOG_WARN : ECO_LOG_INFO);
    eco_sim_stats_t st;
    eco_err_t err;
    eco_err_clear(&err);
    int r = eco_sim_run(&cfg, &st, &err);
    if (r < 0) {
        fprintf(stderr, "ecobrain sim: %s\n", err.msg);
        return EXIT_RUNTIME;
    }
    fprintf(stderr,
            "sim: %d devices, %" PRIu64 " records, %" PRIu64 " frames sent (%" PRIu64 " resent, %" PRIu64
            " broken on purpose), %" PRIu64 " acked (%" PRIu64 " values), %" PRIu64 " refused, %" PRIu64
            " unacked; connects %" PRIu64 ", failures %" PRIu64 "; ack ms p50 %" PRIu64 " p99 %" PRIu64
            " max %" PRIu64 "; %.1f s\n",
            cfg.devices, st.records, st.frames_sent, st.resent, st.broken_sent, st.acked, st.values_acked,
            st.refused, st.unacked, st.connects, st.connect_failures, st.ack_ms_p50, st.ack_ms_p99, st.ack_ms_max,
            st.elapsed_s);
    return r == 0 ? 0 : 1;
}
