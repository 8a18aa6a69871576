/* cmd_hj212.c — `ecobrain hj212 decode|encode`: the HJ 212 codec as a command.
 *
 * Why: an engineer commissioning a data-acquisition unit, or chasing why a
 * station's data is missing, needs to see exactly how the platform reads a
 * packet — its verdict (CRC, length), its fields, the notes on every
 * deviation, and the reply the server would send. `decode` reads captured
 * packets one per line (or a raw byte stream with --stream), `encode` builds
 * a correct packet for a test. All protocol logic is in src/hj212/.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "core/log.h"
#include "hj212/hj212.h"

int cmd_hj212_decode(int argc, char **argv);
int cmd_hj212_encode(int argc, char **argv);

static void hj212_usage(FILE *f)
{
    fputs("Usage: ecobrain hj212 SUBCOMMAND [OPTIONS]\n"
          "\n"
          "  decode    check and parse HJ 212 packets (one per line, or a raw stream)\n"
          "  encode    build a packet with its length and CRC\n"
          "\n"
          "'ecobrain hj212 SUBCOMMAND --help' for each.\n",
          f);
}

int cmd_hj212(int argc, char **argv)
{
    if (argc < 2) {
        hj212_usage(stderr);
        return EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "-h") || !strcmp(sub, "--help")) {
        hj212_usage(stdout);
        return 0;
    }
    if (!strcmp(sub, "decode")) return cmd_hj212_decode(argc - 1, argv + 1);
    if (!strcmp(sub, "encode")) return cmd_hj212_encode(argc - 1, argv + 1);
    fprintf(stderr, "ecobrain hj212: unknown subcommand '%s'\n\n", sub);
    hj212_usage(stderr);
    return EXIT_USAGE;
}

static int nibble(char ch);

static int parse_key(const char *hex, uint8_t key[16])
{
    if (strlen(hex) != 32) return -1;
    for (int i = 0; i < 16; i++) {
        int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        key[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

static const char decode_help[] =
    "Usage: ecobrain hj212 decode [--strict|--tolerant] [--format json|text] [OPTIONS] [FILE|-]\n"
    "\n"
    "Check and parse HJ 212 packets (HJ/T 212-2005, HJ 212-2017, HJ 212-2025). By default the\n"
    "input has one packet per line (a trailing \\r\\n or \\n is not part of the packet) and one\n"
    "JSON object is printed per input line:\n"
    "  {\"line\":N,\"ok\":true,\"edition\":\"2017\",\"qn\":..,\"st\":..,\"cn\":..,\"pw\":..,\"mn\":..,\"flag\":..,\n"
    "   \"records\":[{\"time\":..,\"factor\":..,\"fields\":{\"Rtd\":\"231.0\",\"Flag\":\"N\"}}],\"notes\":[..]}\n"
    "  {\"line\":N,\"ok\":false,\"error\":\"BAD_CRC\",\"detail\":\"BAD_CRC expected 1C80 got 1C81\"}\n"
    "Errors: BAD_FRAME, BAD_LEN, BAD_CRC, BAD_LEN+BAD_CRC, TOO_BIG, BAD_SYNTAX, NO_KEY.\n"
    "\n"
    "Options:\n"
    "  --strict        the standard's rules, except that the CRC compare ignores case (default)\n"
    "  --tolerant      also accept what field devices send: bare \\n trailer, short CRC,\n"
    "                  segments up to 9999 bytes (each recorded as a note)\n"
    "  --crc std|modbus|modbus-swap   CRC algorithm of a legacy device profile (default std)\n"
    "  --key HEX       SM4 key (32 hex digits) for HJ 212-2025 encrypted data areas\n"
    "  --hex           each input line is the packet in hexadecimal (binary 2025 frames)\n"
    "  --stream        the input is a raw byte stream (a TCP capture): frames are found by\n"
    "                  the framer, with garbage between them skipped; \"line\" is then the\n"
    "                  frame's ordinal and \"offset\" its byte offset\n"
    "  --format json|text\n";

typedef struct dec_ctx {
    eco_hj212_opts_t opts;
    uint8_t key[16];
    int json, hex, stream;
    eco_hj212_packet_t *pkt;
    eco_buf_t out, reply;
    long ok, bad;
} dec_ctx_t;

static const char *err_label(int code)
{
    switch (code) {
    case ECO_EHJ212_FRAME: return "BAD_FRAME";
    case ECO_EHJ212_LEN: return "BAD_LEN";
    case ECO_EHJ212_CRC: return "BAD_CRC";
    case ECO_EHJ212_LEN_CRC: return "BAD_LEN+BAD_CRC";
    case ECO_EHJ212_TOOBIG: return "TOO_BIG";
    case ECO_EHJ212_SYNTAX: return "BAD_SYNTAX";
    case ECO_EHJ212_CRYPTO: return "NO_KEY";
    default: return eco_err_name(code);
    }
}

static void put_slice(eco_json_t *j, const char *key, eco_slice_t s, int present)
{
    eco_json_key(j, key);
    if (present) eco_json_strn(j, s.ptr, s.len);
    else eco_json_null(j);
}

/* {"line":N,["offset":O,]"ok":… — the head every result line shares; the
 * offset is printed in stream mode when known (a dropped frame's offset is
 * in its detail text) */
static void json_head(dec_ctx_t *c, eco_json_t *j, long line, const uint64_t *offset, int ok)
{
    eco_json_init(j, &c->out);
    eco_json_obj_begin(j);
    eco_json_key(j, "line");
    eco_json_int(j, line);
    if (c->stream && offset) {
        eco_json_key(j, "offset");
        eco_json_int(j, (int64_t)*offset);
    }
    eco_json_key(j, "ok");
    eco_json_bool(j, ok);
}

static void emit_error(dec_ctx_t *c, long line, int code, const char *detail)
{
    c->bad++;
    if (c->json) {
        eco_json_t j;
        json_head(c, &j, line, NULL, 0);
        eco_json_key(&j, "error");
        eco_json_str(&j, err_label(code));
        eco_json_key(&j, "detail");
        eco_json_str(&j, detail);
        eco_json_obj_end(&j);
        eco_buf_putc(&c->out, '\n');
    } else {
        eco_buf_printf(&c->out, "line %ld: %s: %s\n\n", line, err_label(code), detail);
    }
}

static void emit_packet(dec_ctx_t *c, long line, const eco_hj212_frame_t *fr)
{
    const eco_hj212_packet_t *p = c->pkt;
    eco_buf_reset(&c->reply);
    int rcn = eco_hj212_reply_for(p, &c->reply);
    c->ok++;
    if (!c->json) {
        eco_buf_t *o = &c->out;
        eco_buf_printf(o, "line %ld: OK  HJ 212-%s  length %d  CRC %04X\n", line, eco_hj212_edition_name(p->edition),
                       fr->declared_len, fr->crc_calc);
        eco_buf_printf(o, "  QN %.*s  ST %.*s%s%s%s  CN %.*s%s%s%s\n", (int)p->qn.len, p->qn.ptr, (int)p->st.len, p->st.ptr,
                       eco_hj212_st_name(p->st) ? " (" : "", eco_hj212_st_name(p->st) ? eco_hj212_st_name(p->st) : "",
                       eco_hj212_st_name(p->st) ? ")" : "", (int)p->cn.len, p->cn.ptr,
                       eco_hj212_cn_name(p->cn_num) ? " (" : "", eco_hj212_cn_name(p->cn_num) ? eco_hj212_cn_name(p->cn_num) : "",
                       eco_hj212_cn_name(p->cn_num) ? ")" : "");
        eco_buf_printf(o, "  MN %.*s  PW %.*s  Flag %s%.*s%s\n", (int)p->mn.len, p->mn.ptr, (int)p->pw.len, p->pw.ptr,
                       p->has_flag ? "" : "(none)", (int)p->flag_text.len, p->flag_text.ptr,
                       p->ack_wanted ? "  reply wanted" : "");
        for (uint32_t i = 0; i < p->nparams; i++)
            eco_buf_printf(o, "  %.*s = %.*s\n", (int)p->params[i].key.len, p->params[i].key.ptr,
                           (int)p->params[i].value.len, p->params[i].value.ptr);
        for (uint32_t k = 0; k < p->nfactors; k++) {
            const eco_hj212_factor_t *f = &p->factors[k];
            eco_buf_printf(o, "  %-8.*s", (int)f->code.len, f->code.ptr);
            if (f->info) {
                int mapped = f->info->code2005 && eco_slice_eq(f->code, f->info->code2005);
                eco_buf_printf(o, " %s%s%s", f->info->name_zh, mapped ? " -> " : "", mapped ? f->info->code : "");
            }
            for (uint32_t i = 0; i < f->n; i++) {
                const eco_hj212_field_t *fd = &p->fields[f->first + i];
                eco_buf_printf(o, "  %.*s=%.*s", (int)fd->suffix.len, fd->suffix.ptr, (int)fd->value.len, fd->value.ptr);
            }
            if (f->info && f->info->unit) eco_buf_printf(o, "  [%s]", f->info->unit);
            eco_buf_putc(o, '\n');
        }
        for (uint32_t i = 0; i < p->nnotes; i++) eco_buf_printf(o, "  note: %s\n", p->notes[i].text);
        if (rcn) eco_buf_printf(o, "  reply: %.*s", (int)c->reply.len, c->reply.data);
        eco_buf_putc(o, '\n');
        return;
    }
    eco_json_t j;
    json_head(c, &j, line, &fr->offset, 1);
    eco_json_key(&j, "edition");
    eco_json_str(&j, eco_hj212_edition_name(p->edition));
    put_slice(&j, "qn", p->qn, p->has_qn);
    put_slice(&j, "st", p->st, p->st.len > 0);
    put_slice(&j, "cn", p->cn, p->cn.len > 0);
    put_slice(&j, "pw", p->pw, p->pw.len > 0);
    put_slice(&j, "mn", p->mn, p->mn.len > 0);
    eco_json_key(&j, "flag");
    if (p->has_flag && p->flag >= 0) eco_json_int(&j, p->flag);
    else eco_json_null(&j);
    if (p->pnum) {
        eco_json_key(&j, "pnum");
        eco_json_int(&j, p->pnum);
        eco_json_key(&j, "pno");
        eco_json_int(&j, p->pno);
    }
    if (p->backfill) {
        eco_json_key(&j, "rf");
        eco_json_int(&j, 1);
    }
    eco_json_key(&j, "ack");
    eco_json_bool(&j, p->ack_wanted);
    eco_json_key(&j, "length");
    eco_json_int(&j, fr->declared_len);
    eco_json_key(&j, "crc");
    {
        char crc[8];
        snprintf(crc, sizeof crc, "%04X", fr->crc_calc);
        eco_json_str(&j, crc);
    }
    eco_json_key(&j, "params");
    eco_json_obj_begin(&j);
    for (uint32_t i = 0; i < p->nparams; i++) {
        char key[64];
        snprintf(key, sizeof key, "%.*s", (int)p->params[i].key.len, p->params[i].key.ptr);
        eco_json_key(&j, key);
        eco_json_strn(&j, p->params[i].value.ptr, p->params[i].value.len);
    }
    eco_json_obj_end(&j);
    eco_json_key(&j, "records");
    eco_json_arr_begin(&j);
    for (uint32_t k = 0; k < p->nfactors; k++) {
        const eco_hj212_factor_t *f = &p->factors[k];
        eco_json_obj_begin(&j);
        put_slice(&j, "time", p->datatime, p->datatime.len > 0);
        eco_json_key(&j, "factor");
        eco_json_strn(&j, f->code.ptr, f->code.len);
        if (f->info) {
            eco_json_key(&j, "code");
            eco_json_str(&j, f->info->code);
            eco_json_key(&j, "name");
            eco_json_str(&j, f->info->name_zh);
            eco_json_key(&j, "unit");
            eco_json_str(&j, f->info->unit);
        }
        eco_json_key(&j, "fields");
        eco_json_obj_begin(&j);
        for (uint32_t i = 0; i < f->n; i++) {
            const eco_hj212_field_t *fd = &p->fields[f->first + i];
            char key[64];
            snprintf(key, sizeof key, "%.*s", (int)fd->suffix.len, fd->suffix.ptr);
            eco_json_key(&j, key);
            eco_json_strn(&j, fd->value.ptr, fd->value.len);
        }
        eco_json_obj_end(&j);
        eco_json_obj_end(&j);
    }
    eco_json_arr_end(&j);
    eco_json_key(&j, "notes");
    eco_json_arr_begin(&j);
    for (uint32_t i = 0; i < p->nnotes; i++) eco_json_str(&j, p->notes[i].text);
    eco_json_arr_end(&j);
    eco_json_key(&j, "reply");
    if (rcn) {
        /* without the trailing CR LF, like the input lines */
        size_t n = c->reply.len;
        while (n && (c->reply.data[n - 1] == '\n' || c->reply.data[n - 1] == '\r')) n--;
        eco_json_strn(&j, c->reply.data, n);
    } else {
        eco_json_null(&j);
    }
    eco_json_obj_end(&j);
    eco_buf_putc(&c->out, '\n');
}

static void handle_frame(dec_ctx_t *c, long line, const eco_hj212_frame_t *fr)
{
    eco_err_t err;
    int rc = eco_hj212_parse(fr->segment, &c->opts, c->pkt, &err);
    if (rc) emit_error(c, line, rc, err.msg);
    else emit_packet(c, line, fr);
}

static int nibble(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* decode a line of hex digits in place */
static int unhex(char *s, size_t *n)
{
    if (*n % 2) return -1;
    for (size_t i = 0; i < *n; i += 2) {
        int hi = nibble(s[i]), lo = nibble(s[i + 1]);
        if (hi < 0 || lo < 0) return -1;
        s[i / 2] = (char)(hi << 4 | lo);
    }
    *n /= 2;
    return 0;
}

int cmd_hj212_decode(int argc, char **argv)
{
    static const struct option opts[] = {
        {"strict", no_argument, 0, 's'},       {"tolerant", no_argument, 0, 't'},
        {"format", required_argument, 0, 'f'}, {"key", required_argument, 0, 'k'},
        {"hex", no_argument, 0, 'x'},          {"stream", no_argument, 0, 'S'},
        {"crc", required_argument, 0, 'c'},    {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    dec_ctx_t c;
    memset(&c, 0, sizeof c);
    eco_hj212_opts_default(&c.opts);
    c.json = 1;
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case 's': c.opts.tolerant = 0; break;
        case 't': c.opts.tolerant = 1; break;
        case 'f':
            if (!strcmp(optarg, "json")) c.json = 1;
            else if (!strcmp(optarg, "text")) c.json = 0;
            else return cli_usage_error("hj212 decode", "--format takes json or text, not '%s'", optarg);
            break;
        case 'k':
            if (parse_key(optarg, c.key)) return cli_usage_error("hj212 decode", "--key takes 32 hex digits");
            c.opts.sm4_key = c.key;
            break;
        case 'x': c.hex = 1; break;
        case 'S': c.stream = 1; break;
        case 'c':
            if (!strcmp(optarg, "std")) c.opts.crc_alg = ECO_HJ212_CRC_STD;
            else if (!strcmp(optarg, "modbus")) c.opts.crc_alg = ECO_HJ212_CRC_MODBUS;
            else if (!strcmp(optarg, "modbus-swap")) c.opts.crc_alg = ECO_HJ212_CRC_MODBUS_SWAP;
            else return cli_usage_error("hj212 decode", "--crc takes std, modbus or modbus-swap, not '%s'", optarg);
            break;
        case 'h': fputs(decode_help, stdout); return 0;
        default: return cli_usage_error("hj212 decode", "unknown option");
        }
    }
    if (argc - optind > 1) return cli_usage_error("hj212 decode", "one input file at most");
    const char *path = optind < argc ? argv[optind] : "-";
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) {
        eco_log_error("%s: cannot open: %s", path, strerror(errno));
        return EXIT_USAGE;
    }
    c.pkt = malloc(sizeof *c.pkt);
    if (!c.pkt) {
        if (f != stdin) fclose(f);
        eco_log_error("out of memory");
        return EXIT_RUNTIME;
    }
    int rc = 0;
    eco_err_t err;
    if (c.stream) {
        eco_hj212_framer_t fr;
        if (eco_hj212_framer_init(&fr, &c.opts, 0)) {
            rc = EXIT_RUNTIME;
        } else {
            unsigned char chunk[4096];
            long n = 0;
            size_t got;
            int eof = 0;
            while (!eof) {
                got = fread(chunk, 1, sizeof chunk, f);
                if (got == 0) eof = 1;
                size_t off = 0;
                do {
                    off += eco_hj212_framer_feed(&fr, chunk + off, got - off);
                    eco_hj212_frame_t frame;
                    int r;
                    while ((r = eco_hj212_framer_next(&fr, &frame, &err)) != 0) {
                        n++;
                        if (r < 0) emit_error(&c, n, r, err.msg);
                        else handle_frame(&c, n, &frame);
                        if (c.out.len > 65536) eco_buf_flush(&c.out, stdout);
                    }
                } while (off < got);
            }
            if (fr.len)
                eco_log_warn("%s: %zu bytes at the end are not a complete frame", path, fr.len);
            eco_log_info("%s: %llu frames ok, %llu bad (length %llu, CRC %llu, framing %llu), %llu bytes skipped", path,
                         (unsigned long long)fr.frames_ok, (unsigned long long)(fr.bad_len + fr.bad_crc + fr.bad_frame),
                         (unsigned long long)fr.bad_len, (unsigned long long)fr.bad_crc, (unsigned long long)fr.bad_frame,
                         (unsigned long long)fr.bytes_skipped);
            eco_hj212_framer_free(&fr);
        }
    } else {
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        long ln = 0;
        while ((len = getline(&line, &cap, f)) >= 0) {
            ln++;
            size_t n = (size_t)len;
            if (n && line[n - 1] == '\n') n--;
            if (n && line[n - 1] == '\r') n--;
            if (c.hex && unhex(line, &n)) {
                emit_error(&c, ln, ECO_EHJ212_FRAME, "--hex: the line is not hexadecimal");
                continue;
            }
            eco_hj212_frame_t frame;
            int r = eco_hj212_frame_check((unsigned char *)line, n, &c.opts, &frame, &err);
            if (r) emit_error(&c, ln, r, err.msg);
            else handle_frame(&c, ln, &frame);
            if (c.out.len > 65536) eco_buf_flush(&c.out, stdout);
        }
        free(line);
    }
    if (eco_buf_flush(&c.out, stdout) || fflush(stdout)) rc = EXIT_RUNTIME;
    if (f != stdin) fclose(f);
    free(c.pkt);
    eco_buf_free(&c.out);
    eco_buf_free(&c.reply);
    return rc;
}

/* ------------------------------------------------------------------ encode */

static const char encode_help[] =
    "Usage: ecobrain hj212 encode [OPTIONS]\n"
    "\n"
    "Build one HJ 212 packet with its length and CRC and print it (with \\r\\n).\n"
    "\n"
    "Fields as options:\n"
    "  --qn QN        request code (default: now, YYYYMMDDhhmmsszzz; --qn '' leaves QN out)\n"
    "  --st ST        system code (default 22, air quality)\n"
    "  --cn CN        command code (default 2011)\n"
    "  --pw PW        password (default 123456)\n"
    "  --mn MN        device identifier (required)\n"
    "  --flag N       Flag (default 5: HJ 212-2017, reply wanted; 9 for HJ 212-2025; -1 leaves it out)\n"
    "  --pnum N --pno N   split-packet numbers\n"
    "  --rf           HJ 212-2025 back-fill marker RF=1\n"
    "  --cp TEXT      the data area, e.g. 'DataTime=20260411080000;a34004-Rtd=35,a34004-Flag=N'\n"
    "  --key HEX      SM4-encrypt the data area (HJ 212-2025 A.2) with this key\n"
    "  --hex          print the packet in hexadecimal (for binary, encrypted packets)\n"
    "Or all of them from JSON:\n"
    "  --json FILE|-  {\"qn\":..,\"st\":..,\"cn\":..,\"pw\":..,\"mn\":..,\"flag\":..,\"cp\":..} or with\n"
    "                 \"time\":\"2026-04-11 08:00\" and \"values\":{\"a34004-Rtd\":35,\"a34004-Flag\":\"N\"}\n"
    "                 in place of \"cp\"\n";

int cmd_hj212_encode(int argc, char **argv)
{
    static const struct option opts[] = {
        {"qn", required_argument, 0, 'q'},   {"st", required_argument, 0, 's'},  {"cn", required_argument, 0, 'c'},
        {"pw", required_argument, 0, 'p'},   {"mn", required_argument, 0, 'm'},  {"flag", required_argument, 0, 'f'},
        {"pnum", required_argument, 0, 'N'}, {"pno", required_argument, 0, 'n'}, {"rf", no_argument, 0, 'r'},
        {"cp", required_argument, 0, 'C'},   {"key", required_argument, 0, 'k'}, {"json", required_argument, 0, 'j'},
        {"hex", no_argument, 0, 'x'},        {"help", no_argument, 0, 'h'},      {0, 0, 0, 0},
    };
    eco_hj212_msg_t m;
    memset(&m, 0, sizeof m);
    char qn[80];
    int have_qn = 0, hex = 0, o;
    const char *json_path = NULL;
    uint8_t key[16];
    const uint8_t *keyp = NULL;
    m.st = ECO_SLICE_LIT("22");
    m.cn = 2011;
    m.pw = ECO_SLICE_LIT("123456");
    m.flag = 5;
    char *end;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case 'q': m.qn = eco_slice_cstr(optarg); have_qn = 1; break;
        case 's': m.st = eco_slice_cstr(optarg); break;
        case 'c':
            m.cn = (int)strtol(optarg, &end, 10);
            if (*end || m.cn < 0 || m.cn > 9999) return cli_usage_error("hj212 encode", "--cn takes a number 0..9999");
            break;
        case 'p': m.pw = eco_slice_cstr(optarg); break;
        case 'm': m.mn = eco_slice_cstr(optarg); break;
        case 'f':
            m.flag = (int)strtol(optarg, &end, 10);
            if (*end || m.flag < -1 || m.flag > 255) return cli_usage_error("hj212 encode", "--flag takes -1..255");
            break;
        case 'N': m.pnum = atoi(optarg); break;
        case 'n': m.pno = atoi(optarg); break;
        case 'r': m.rf = 1; break;
        case 'C': m.cp = eco_slice_cstr(optarg); break;
        case 'k':
            if (parse_key(optarg, key)) return cli_usage_error("hj212 encode", "--key takes 32 hex digits");
            keyp = key;
            break;
        case 'j': json_path = optarg; break;
        case 'x': hex = 1; break;
        case 'h': fputs(encode_help, stdout); return 0;
        default: return cli_usage_error("hj212 encode", "unknown option");
        }
    }
    if (optind < argc) return cli_usage_error("hj212 encode", "unexpected argument '%s'", argv[optind]);

    json_t *root = NULL;
    eco_buf_t cpbuf = ECO_BUF_INIT, out = ECO_BUF_INIT;
    int rc = 0;
    if (json_path) {
        json_error_t jerr;
        root = strcmp(json_path, "-") ? json_load_file(json_path, 0, &jerr) : json_loadf(stdin, 0, &jerr);
        if (!root || !json_is_object(root)) {
            eco_log_error("%s:%d:%d: %s", json_path, root ? 1 : jerr.line, root ? 1 : jerr.column,
                          root ? "expected a JSON object" : jerr.text);
            json_decref(root);
            return EXIT_USAGE;
        }
        const char *k;
        json_t *v;
        json_object_foreach(root, k, v) {
            const char *s = json_string_value(v);
            if (!strcmp(k, "qn") && s) m.qn = eco_slice_cstr(s), have_qn = 1;
            else if (!strcmp(k, "st") && s) m.st = eco_slice_cstr(s);
            else if (!strcmp(k, "pw") && s) m.pw = eco_slice_cstr(s);
            else if (!strcmp(k, "mn") && s) m.mn = eco_slice_cstr(s);
            else if (!strcmp(k, "cp") && s) m.cp = eco_slice_cstr(s);
            else if (!strcmp(k, "cn")) m.cn = s ? atoi(s) : (int)json_integer_value(v);
            else if (!strcmp(k, "flag")) m.flag = json_is_null(v) ? -1 : s ? atoi(s) : (int)json_integer_value(v);
            else if (!strcmp(k, "pnum")) m.pnum = (int)json_integer_value(v);
            else if (!strcmp(k, "pno")) m.pno = (int)json_integer_value(v);
            else if (!strcmp(k, "rf")) m.rf = json_is_true(v) || json_integer_value(v) == 1;
        }
        json_t *vals = json_object_get(root, "values");
        if (json_is_object(vals)) {
            eco_time_t t = 0;
            const char *ts = json_string_value(json_object_get(root, "time"));
            if (!ts || eco_time_parse(eco_slice_cstr(ts), &t)) {
                eco_log_error("%s: \"values\" needs \"time\" as a date-time (e.g. \"2026-04-11 08:00\")", json_path);
                rc = EXIT_USAGE;
                goto out;
            }
            /* "code-Suffix": value — kept in the JSON object's order */
            size_t nv = json_object_size(vals), i = 0;
            eco_hj212_cp_item_t *items = calloc(nv ? nv : 1, sizeof *items);
            char **keys = calloc(nv ? nv : 1, sizeof *keys);
            char **texts = calloc(nv ? nv : 1, sizeof *texts);
            if (!items || !keys || !texts) rc = EXIT_RUNTIME;
            json_object_foreach(vals, k, v) {
                if (rc) break;
                const char *dash = strchr(k, '-');
                if (!dash) {
                    eco_log_error("%s: value key '%s' is not code-Suffix (e.g. a34004-Rtd)", json_path, k);
                    rc = EXIT_USAGE;
                    break;
                }
                keys[i] = strdup(k);
                keys[i][dash - k] = '\0';
                char num[64];
                if (json_is_string(v)) texts[i] = strdup(json_string_value(v));
                else if (json_is_integer(v)) snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v)), texts[i] = strdup(num);
                else if (json_is_real(v)) snprintf(num, sizeof num, "%.15g", json_real_value(v)), texts[i] = strdup(num);
                else {
                    eco_log_error("%s: value of '%s' must be a number or a string", json_path, k);
                    rc = EXIT_USAGE;
                    break;
                }
                items[i].code = keys[i];
                items[i].suffix = keys[i] + (dash - k) + 1;
                items[i].value = texts[i];
                i++;
            }
            if (!rc && eco_hj212_cp_build(t, items, i, &cpbuf)) rc = EXIT_USAGE;
            for (size_t q = 0; q < nv && keys && texts; q++) free(keys[q]), free(texts[q]);
            free(keys);
            free(texts);
            free(items);
            if (rc) goto out;
            m.cp = (eco_slice_t){cpbuf.data ? cpbuf.data : "", cpbuf.len};
        }
    }
    if (!m.mn.len) {
        rc = cli_usage_error("hj212 encode", "--mn is required");
        goto out;
    }
    if (!have_qn) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        eco_time_t now = eco_time_from_utc((int64_t)ts.tv_sec);
        int y, mo, d;
        eco_day_t day = eco_time_day(now);
        eco_day_to_civil(day, &y, &mo, &d);
        int sod = (int)(now - eco_time_from_day(day));
        snprintf(qn, sizeof qn, "%04d%02d%02d%02d%02d%02d%03ld", y, mo, d, sod / 3600, sod / 60 % 60, sod % 60,
                 (long)(ts.tv_nsec / 1000000) % 1000);
        m.qn = eco_slice_cstr(qn);
    }
    {
        int e = eco_hj212_encode(&m, keyp, &out);
        if (e) {
            eco_log_error("cannot encode: %s", eco_strerror(e));
            rc = EXIT_USAGE;
            goto out;
        }
    }
    if (hex) {
        for (size_t i = 0; i < out.len; i++) printf("%02X", (unsigned char)out.data[i]);
        putchar('\n');
    } else {
        fwrite(out.data, 1, out.len, stdout);
    }
    if (fflush(stdout)) rc = EXIT_RUNTIME;
out:
    json_decref(root);
    eco_buf_free(&cpbuf);
    eco_buf_free(&out);
    return rc;
}
