/* test_parse.c — the data-segment parser against the shared vectors and the
 * field problems of ../shared/reference/hj212.md §5.3.
 *
 *   - the expected parse results printed in vectors.md ("expected parse:
 *     {...}") are read from the file and checked key by key;
 *   - every OK vector parses, with the ST / CN / Flag of vectors.tsv;
 *   - the typo and deviation vectors parse AND leave the right note (with its
 *     byte offset): 'Flag=5CP=&&', ',' in the header, stray spaces, a ';'
 *     before the closing "&&", Flag after CP, MN before PW, duplicate keys,
 *     PNUM/PNO without the split bit and the reverse, unknown codes and
 *     suffixes, too many notes;
 *   - hard errors only where nothing sensible can be read;
 *   - numbers, times, regrouping, duplicates, -Info logs with separators;
 *   - the parser's window fast paths give exactly the packet of its general
 *     reading (eco_hj212_parse_general), on every vector and on segments
 *     made to sit on the fast paths' edges.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hj212/hj212.h"
#include "hj212_vectors.h"

static eco_hj212_packet_t pkt; /* ~150 KiB: not on the stack */

#define NEED_SHARED(s)                                                                                  \
    do {                                                                                                \
        if (hv_load(s)) {                                                                               \
            print_message("skipped: ECO_SHARED_DIR/testdata/hj212 not found (the shared folder is absent)\n"); \
            skip();                                                                                     \
        }                                                                                               \
    } while (0)

static int parse_str(const char *seg, eco_hj212_packet_t *p)
{
    eco_err_t err;
    eco_err_clear(&err);
    eco_hj212_opts_t o;
    eco_hj212_opts_default(&o);
    int rc = eco_hj212_parse(eco_slice_cstr(seg), &o, p, &err);
    if (rc) assert_int_equal(err.code, rc);
    return rc;
}

/* parse the data segment of a shared vector (its bytes between LLLL and the CRC) */
static void parse_vec(const hv_set_t *s, const char *id, eco_hj212_packet_t *p)
{
    const hv_vec_t *v = hv_find(s, id);
    if (!v) fail_msg("vector %s not in vectors.tsv", id);
    eco_err_t err;
    eco_hj212_opts_t o;
    eco_hj212_opts_default(&o);
    eco_slice_t seg = {(const char *)v->pkt + 6, v->n - 10};
    int rc = eco_hj212_parse(seg, &o, p, &err);
    if (rc) fail_msg("%s: %s", id, err.msg);
}

static int has_note(const eco_hj212_packet_t *p, int code, const char *text)
{
    for (uint32_t i = 0; i < p->nnotes; i++)
        if (p->notes[i].code == code && (!text || strstr(p->notes[i].text, text))) return 1;
    return 0;
}

static const eco_hj212_note_t *note_of(const eco_hj212_packet_t *p, int code)
{
    for (uint32_t i = 0; i < p->nnotes; i++)
        if (p->notes[i].code == code) return &p->notes[i];
    return NULL;
}

#define ASSERT_NOTE(P_, C_, T_)                                                                            \
    do {                                                                                                   \
        if (!has_note((P_), (C_), (T_))) {                                                                 \
            for (uint32_t i_ = 0; i_ < (P_)->nnotes; i_++)                                                 \
                print_message("  note %d @%u: %s\n", (P_)->notes[i_].code, (P_)->notes[i_].offset,          \
                              (P_)->notes[i_].text);                                                       \
            fail_msg("no note %s containing '%s'", #C_, (T_) ? (T_) : "");                                 \
        }                                                                                                  \
    } while (0)

static const eco_hj212_field_t *field(const eco_hj212_packet_t *p, const char *code, const char *suffix)
{
    for (uint32_t f = 0; f < p->nfactors; f++) {
        if (!eco_slice_eq(p->factors[f].code, code)) continue;
        for (uint32_t i = p->factors[f].first; i < p->factors[f].first + p->factors[f].n; i++)
            if (eco_slice_eq(p->fields[i].suffix, suffix)) return &p->fields[i];
    }
    return NULL;
}

static void assert_slice(eco_slice_t s, const char *want)
{
    if (!eco_slice_eq(s, want)) fail_msg("'%.*s' != '%s'", (int)s.len, s.ptr, want);
}

/* ------------------------------------------------------------------ the oracle's expected parses */

/* vectors.md prints {"QN": "...", "CP": {"DataTime": "..."}, "CP.a05024-Avg": "63", "factor_count": 11} */
static void check_expected_parse(const eco_hj212_packet_t *p, const char *id, const char *json)
{
    char prefix[8] = "";
    const char *q = json;
    int checked = 0;
    while (*q) {
        if (*q == '}') prefix[0] = 0;
        if (*q != '"') {
            q++;
            continue;
        }
        const char *ks = ++q, *ke = strchr(ks, '"');
        if (!ke) break;
        char key[64];
        snprintf(key, sizeof key, "%s%.*s", prefix, (int)(ke - ks), ks);
        q = ke + 1;
        while (*q == ':' || *q == ' ') q++;
        if (*q == '{') { /* "CP": { ... } */
            snprintf(prefix, sizeof prefix, "CP.");
            q++;
            continue;
        }
        char val[128];
        if (*q == '"') {
            const char *vs = ++q, *ve = strchr(vs, '"');
            snprintf(val, sizeof val, "%.*s", (int)(ve - vs), vs);
            q = ve + 1;
        } else {
            const char *vs = q;
            while (*q && *q != ',' && *q != '}') q++;
            snprintf(val, sizeof val, "%.*s", (int)(q - vs), vs);
        }
        checked++;
        eco_slice_t got = {"", 0};
        char buf[32];
        if (!strcmp(key, "QN")) got = p->qn;
        else if (!strcmp(key, "ST")) got = p->st;
        else if (!strcmp(key, "CN")) got = p->cn;
        else if (!strcmp(key, "PW")) got = p->pw;
        else if (!strcmp(key, "MN")) got = p->mn;
        else if (!strcmp(key, "Flag")) got = p->flag_text;
        else if (!strcmp(key, "factor_count")) {
            snprintf(buf, sizeof buf, "%u", p->nfactors);
            got = eco_slice_cstr(buf);
        } else if (!strncmp(key, "CP.", 3)) {
            const char *k = key + 3, *dash = strchr(k, '-');
            if (dash) {
                char code[32];
                snprintf(code, sizeof code, "%.*s", (int)(dash - k), k);
                const eco_hj212_field_t *f = field(p, code, dash + 1);
                if (!f) fail_msg("%s: no field %s", id, k);
                got = f->value;
            } else {
                got = eco_hj212_param(p, k);
            }
        } else {
            fail_msg("%s: unexpected key '%s' in the expected parse", id, key);
        }
        if (!eco_slice_eq(got, val))
            fail_msg("%s: %s = '%.*s', expected '%s'", id, key, (int)got.len, got.ptr, val);
    }
    assert_true(checked >= 5);
}

static void test_expected_parses(void **state)
{
    (void)state;
    hv_set_t s;
    NEED_SHARED(&s);
    int n = 0;
    for (size_t i = 0; i < s.n; i++) {
        char marker[96];
        snprintf(marker, sizeof marker, "### %s —", s.v[i].id);
        const char *sec = strstr(s.md, marker);
        if (!sec) continue;
        const char *end = strstr(sec + 4, "\n### ");
        const char *ep = strstr(sec, "* expected parse: `");
        if (!ep || (end && ep > end)) continue;
        size_t len = 0;
        char *json = hv_md_quoted(ep, "* expected parse:", &len);
        parse_vec(&s, s.v[i].id, &pkt);
        check_expected_parse(&pkt, s.v[i].id, json);
        free(json);
        n++;
    }
    assert_true(n >= 3); /* XY-0139, CQ-0435, FL-0411 */
    /* XY-0139, by hand as well: 2005 style */
    parse_vec(&s, "XY-0139", &pkt);
    assert_int_equal(pkt.has_qn, 0);
    assert_int_equal(pkt.has_flag, 0);
    assert_int_equal(pkt.flag, -1);
    assert_int_equal(pkt.edition, ECO_HJ212_ED_2005);
    assert_int_equal(pkt.ack_wanted, 1); /* reply_when_no_flag */
    assert_int_equal(pkt.cn_num, 2011);
    assert_int_equal(pkt.nfactors, 3);
    assert_int_equal(pkt.nfields, 5);
    assert_slice(pkt.factors[0].code, "B01");
    assert_slice(pkt.factors[1].code, "011");
    assert_non_null(pkt.factors[1].info); /* 2005 COD code */
    assert_string_equal(pkt.factors[1].info->code, "w01018");
    assert_true(pkt.has_time); /* 17 digits */
    assert_int_equal(pkt.time, eco_time_from_day(eco_day_from_civil(2016, 8, 24)) + 38 * 60 + 17);
    assert_true(fabs(field(&pkt, "060", "Rtd")->num - 1.803) < 1e-12);
    assert_true(isnan(field(&pkt, "011", "Flag")->num));
    ASSERT_NOTE(&pkt, ECO_HJ212_N_MISSING, "QN");
    ASSERT_NOTE(&pkt, ECO_HJ212_N_MISSING, "Flag");
    hv_free(&s);
}

static void test_all_ok_vectors_parse(void **state)
{
    (void)state;
    hv_set_t s;
    NEED_SHARED(&s);
    eco_hj212_opts_t o;
    eco_hj212_opts_default(&o);
    for (size_t i = 0; i < s.n; i++) {
        const hv_vec_t *v = &s.v[i];
        /* negatives too: their segments are well-formed, only the frame is wrong */
        eco_slice_t seg = {(const char *)v->pkt + 6, v->n - 10};
        eco_err_t err;
        int rc = eco_hj212_parse(seg, &o, &pkt, &err);
        if (rc) fail_msg("%s: %s", v->id, err.msg);
        if (v->st[0] && !eco_slice_eq(pkt.st, v->st)) fail_msg("%s: ST %.*s", v->id, (int)pkt.st.len, pkt.st.ptr);
        assert_int_equal(pkt.cn_num, atoi(v->cn));
        if (v->flag[0])
            assert_int_equal(pkt.flag, atoi(v->flag));
        else
            assert_int_equal(pkt.has_flag, strcmp(v->id, "XY-I22-FLAGAFTERCP") == 0); /* Flag after CP */
        assert_true(pkt.nnotes <= ECO_HJ212_MAX_NOTES);
        for (uint32_t k = 0; k < pkt.nnotes; k++) {
            assert_true(pkt.notes[k].offset <= seg.len);
            assert_true(strlen(pkt.notes[k].text) > 0);
        }
        /* the grouping invariant: factors tile the field array in order */
        uint32_t at = 0;
        for (uint32_t f = 0; f < pkt.nfactors; f++) {
            assert_int_equal(pkt.factors[f].first, at);
            assert_true(pkt.factors[f].n >= 1);
            at += pkt.factors[f].n;
        }
        assert_int_equal(at, pkt.nfields);
    }
    hv_free(&s);
}

/* ------------------------------------------------------------------ notes for the deviation vectors */

static void test_typo_vectors(void **state)
{
    (void)state;
    hv_set_t s;
    NEED_SHARED(&s);

    parse_vec(&s, "D17-C.19-2041-TYPO", &pkt); /* 'Flag=5CP=&&' */
    ASSERT_NOTE(&pkt, ECO_HJ212_N_SEPARATOR, "no ';' before");
    assert_int_equal(pkt.flag, 5);
    assert_slice(pkt.factors[0].code, "SB1");
    assert_slice(pkt.fields[0].suffix, "RT");
    assert_true(pkt.fields[1].num == 2.1);
    assert_int_equal(note_of(&pkt, ECO_HJ212_N_SEPARATOR)->offset, 79); /* where "CP=&&" starts */

    parse_vec(&s, "D17-C.22-2031-TYPO", &pkt); /* 'QN=...534,ST=32' */
    ASSERT_NOTE(&pkt, ECO_HJ212_N_SEPARATOR, "','");
    assert_slice(pkt.qn, "20160801085857534");
    assert_slice(pkt.st, "32");
    assert_int_equal(note_of(&pkt, ECO_HJ212_N_SEPARATOR)->offset, 20);

    parse_vec(&s, "D17-C.23-req-TYPO", &pkt); /* ',' between BeginTime and EndTime: fine in CP */
    assert_slice(eco_hj212_param(&pkt, "BeginTime"), "20160801000000");
    assert_slice(eco_hj212_param(&pkt, "EndTime"), "20160801000000");
    assert_int_equal(pkt.nnotes, 0);

    parse_vec(&s, "D17-C.42-3020-TYPO", &pkt); /* 'i12003-Info =0' */
    ASSERT_NOTE(&pkt, ECO_HJ212_N_SEPARATOR, "spaces");
    assert_slice(field(&pkt, "i12003", "Info")->value, "0");

    parse_vec(&s, "D17-C.25-noise", &pkt); /* '; LA-Rtd' */
    ASSERT_NOTE(&pkt, ECO_HJ212_N_SEPARATOR, "spaces");
    assert_true(field(&pkt, "LA", "Rtd")->num == 50.1);

    parse_vec(&s, "D17-C.4-1013", &pkt); /* 'CP=&& PolId=' */
    ASSERT_NOTE(&pkt, ECO_HJ212_N_SEPARATOR, "spaces");
    assert_slice(eco_hj212_param(&pkt, "PolId"), "w01018");

    parse_vec(&s, "D17-C.4-9013", &pkt); /* 'CP=&& &&' */
    assert_int_equal(pkt.nparams + pkt.nfields, 0);
    assert_slice(pkt.cp, " ");

    parse_vec(&s, "JV-0453", &pkt); /* Flag=7 without PNUM/PNO; 'LA-td'; ';' before && */
    ASSERT_NOTE(&pkt, ECO_HJ212_N_SPLIT, "PNUM/PNO are missing");
    ASSERT_NOTE(&pkt, ECO_HJ212_N_UNKNOWN_SUFFIX, "'td'");
    ASSERT_NOTE(&pkt, ECO_HJ212_N_SEPARATOR, "before the closing");
    assert_int_equal(pkt.nfactors, 12);
    assert_true(field(&pkt, "LA", "td")->num == 50.1);

    parse_vec(&s, "XY-I22-FLAGAFTERCP", &pkt); /* '...&&;Flag=0' */
    ASSERT_NOTE(&pkt, ECO_HJ212_N_ORDER, "after the CP");
    assert_int_equal(pkt.has_flag, 1);
    assert_int_equal(pkt.flag, 0);
    assert_slice(pkt.cp, "SystemTime=20201222115733;PolId=w01018");
    assert_int_equal(pkt.ack_wanted, 0);

    parse_vec(&s, "NEG-XY-I6", &pkt); /* MN before PW, trailing ';' */
    ASSERT_NOTE(&pkt, ECO_HJ212_N_ORDER, "'PW' after 'MN'");
    ASSERT_NOTE(&pkt, ECO_HJ212_N_SEPARATOR, "before the closing");
    assert_slice(eco_hj212_param(&pkt, "FANSTATUS"), "1");

    parse_vec(&s, "NEG-GC-0213", &pkt); /* a21-Rtd twice */
    ASSERT_NOTE(&pkt, ECO_HJ212_N_DUPLICATE, "a21-Rtd");
    assert_slice(pkt.factors[0].code, "a21");
    assert_int_equal(pkt.factors[0].n, 1);

    parse_vec(&s, "NEG-GC-0204", &pkt); /* no Flag, zero-padded PNO before PNUM */
    ASSERT_NOTE(&pkt, ECO_HJ212_N_SPLIT, "split bit");
    ASSERT_NOTE(&pkt, ECO_HJ212_N_ORDER, "'PNUM' after 'PNO'");
    ASSERT_NOTE(&pkt, ECO_HJ212_N_UNKNOWN_SUFFIX, "ValidNum");
    assert_int_equal(pkt.pnum, 2);
    assert_int_equal(pkt.pno, 2);

    parse_vec(&s, "D17-C.14-2011", &pkt); /* '01018-Rtd' (missing w) splits w01018's fields */
    ASSERT_NOTE(&pkt, ECO_HJ212_N_UNKNOWN_CODE, "'01018'");
    assert_int_equal(pkt.nfactors, 3);
    assert_slice(pkt.factors[1].code, "w01018");
    assert_int_equal(pkt.factors[1].n, 3); /* SampleTime, Flag, EFlag brought together */
    assert_slice(pkt.fields[pkt.factors[1].first + 2].suffix, "EFlag");
    assert_slice(pkt.factors[2].code, "01018");

    parse_vec(&s, "D17-C.49-P2", &pkt);
    assert_int_equal(pkt.pnum, 2);
    assert_int_equal(pkt.pno, 2);
    assert_int_equal(pkt.flag & ECO_HJ212_FLAG_SPLIT, ECO_HJ212_FLAG_SPLIT);
    assert_false(has_note(&pkt, ECO_HJ212_N_SPLIT, NULL));

    parse_vec(&s, "ZB-0635", &pkt); /* 28 vendor suffixes: notes truncated */
    assert_int_equal(pkt.nnotes, ECO_HJ212_MAX_NOTES);
    assert_int_equal(pkt.notes[ECO_HJ212_MAX_NOTES - 1].code, ECO_HJ212_N_TRUNCATED);
    ASSERT_NOTE(&pkt, ECO_HJ212_N_UNKNOWN_ST, "'80'");
    assert_int_equal(pkt.nfields, 29);

    parse_vec(&s, "D17-C.40-3020-GBK", &pkt); /* GBK bytes are kept as bytes */
    assert_int_equal(field(&pkt, "i11001", "Info")->value.len, 12);

    parse_vec(&s, "OFF25-A1", &pkt);
    assert_int_equal(pkt.edition, ECO_HJ212_ED_2025);
    assert_int_equal(pkt.ack_wanted, 1);
    parse_vec(&s, "CQ-0435", &pkt); /* Flag=8 */
    assert_int_equal(pkt.edition, ECO_HJ212_ED_2025);
    assert_int_equal(pkt.ack_wanted, 0);
    hv_free(&s);
}

/* ------------------------------------------------------------------ synthetic cases */

#define H "QN=20160801085857223;ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=5;"

static void test_hard_errors(void **state)
{
    (void)state;
    eco_err_t err;
    eco_hj212_opts_t o;
    eco_hj212_opts_default(&o);
    assert_int_equal(parse_str("", &pkt), ECO_EHJ212_SYNTAX);
    assert_int_equal(parse_str(H "CP=&&DataTime=1", &pkt), ECO_EHJ212_SYNTAX); /* no closing && */
    assert_int_equal(parse_str(H "CP=&&&", &pkt), ECO_EHJ212_SYNTAX);
    assert_int_equal(parse_str(H "CP=DataTime=1&&", &pkt), ECO_EHJ212_SYNTAX); /* no "CP=&&" */
    assert_int_equal(parse_str("QN=1;ST32;CP=&&&&", &pkt), ECO_EHJ212_SYNTAX);  /* header field without '=' */
    assert_int_equal(eco_hj212_parse(eco_slice_cstr("QN=1;ST32;CP=&&&&"), &o, &pkt, &err), ECO_EHJ212_SYNTAX);
    assert_non_null(strstr(err.msg, "without '=' at byte 5"));
    assert_int_equal(eco_hj212_parse(eco_slice_cstr(H "CP=&&a=1"), &o, &pkt, &err), ECO_EHJ212_SYNTAX);
    assert_non_null(strstr(err.msg, "no closing"));
    /* the smallest packet there is */
    assert_int_equal(parse_str("CP=&&&&", &pkt), 0);
    assert_int_equal(pkt.nfields + pkt.nparams, 0);
    ASSERT_NOTE(&pkt, ECO_HJ212_N_MISSING, "no MN");
    /* too many parameters */
    static char big[9000];
    int k = sprintf(big, H "CP=&&");
    for (int i = 0; i < ECO_HJ212_MAX_PARAMS + 1; i++) k += sprintf(big + k, "P%d=1;", i);
    sprintf(big + k, "&&");
    assert_int_equal(eco_hj212_parse(eco_slice_cstr(big), &o, &pkt, &err), ECO_EHJ212_TOOBIG);
    /* too many factors */
    k = sprintf(big, H "CP=&&");
    for (int i = 0; i < ECO_HJ212_MAX_FACTORS + 1 && k < 8900; i++) k += sprintf(big + k, "%x-R=1;", i);
    sprintf(big + k, "&&");
    assert_int_equal(eco_hj212_parse(eco_slice_cstr(big), &o, &pkt, &err), ECO_EHJ212_TOOBIG);
    /* a segment longer than 9999 */
    static char huge[10100];
    memset(huge, 'x', sizeof huge - 1);
    memcpy(huge, "CP=&&", 5);
    memcpy(huge + sizeof huge - 3, "&&", 2);
    assert_int_equal(eco_hj212_parse(eco_slice_cstr(huge), &o, &pkt, &err), ECO_EHJ212_TOOBIG);
}

static void test_flags_and_editions(void **state)
{
    (void)state;
    static const struct {
        const char *flag;
        int val, ed, ack, split;
    } t[] = {
        {"0", 0, ECO_HJ212_ED_2005, 0, 0},  {"1", 1, ECO_HJ212_ED_2005, 1, 0},  {"4", 4, ECO_HJ212_ED_2017, 0, 0},
        {"5", 5, ECO_HJ212_ED_2017, 1, 0},  {"7", 7, ECO_HJ212_ED_2017, 1, 1},  {"8", 8, ECO_HJ212_ED_2025, 0, 0},
        {"9", 9, ECO_HJ212_ED_2025, 1, 0},  {"11", 11, ECO_HJ212_ED_2025, 1, 1}, {"12", 12, ECO_HJ212_ED_OTHER, 0, 0},
        {"255", 255, ECO_HJ212_ED_OTHER, 1, 1}, {"05", 5, ECO_HJ212_ED_2017, 1, 0},
    };
    char seg[256];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        snprintf(seg, sizeof seg, "QN=20160801085857223;ST=32;CN=2011;PW=1;MN=2;Flag=%s;%sCP=&&&&", t[i].flag,
                 t[i].split ? "PNUM=2;PNO=1;" : "");
        assert_int_equal(parse_str(seg, &pkt), 0);
        assert_int_equal(pkt.flag, t[i].val);
        assert_int_equal(pkt.edition, t[i].ed);
        assert_int_equal(pkt.ack_wanted, t[i].ack);
        assert_false(has_note(&pkt, ECO_HJ212_N_SPLIT, NULL));
        if (t[i].split) {
            assert_int_equal(pkt.pnum, 2);
            assert_int_equal(pkt.pno, 1);
        }
    }
    assert_int_equal(parse_str("QN=20160801085857223;ST=32;CN=2011;PW=1;MN=2;Flag=x;CP=&&&&", &pkt), 0);
    assert_int_equal(pkt.flag, -1);
    assert_int_equal(pkt.has_flag, 1);
    ASSERT_NOTE(&pkt, ECO_HJ212_N_BAD_VALUE, "Flag 'x'");
    /* no Flag: reply policy from the options */
    eco_hj212_opts_t o;
    eco_hj212_opts_default(&o);
    o.reply_when_no_flag = 0;
    eco_err_t err;
    assert_int_equal(eco_hj212_parse(eco_slice_cstr("ST=32;CN=2011;PW=1;MN=2;CP=&&&&"), &o, &pkt, &err), 0);
    assert_int_equal(pkt.ack_wanted, 0);
    assert_int_equal(pkt.edition, ECO_HJ212_ED_2005);
    /* RF=1 (2025 back-fill), and a bad RF */
    assert_int_equal(parse_str("QN=20240601085857223;ST=31;CN=2061;PW=1;MN=2;Flag=9;RF=1;CP=&&&&", &pkt), 0);
    assert_int_equal(pkt.backfill, 1);
    assert_slice(pkt.rf, "1");
    assert_int_equal(parse_str("QN=20240601085857223;ST=31;CN=2061;PW=1;MN=2;Flag=9;RF=2;CP=&&&&", &pkt), 0);
    assert_int_equal(pkt.backfill, 0);
    ASSERT_NOTE(&pkt, ECO_HJ212_N_BAD_VALUE, "RF");
    /* PNO outside 1..PNUM */
    assert_int_equal(parse_str("QN=20160801085857223;ST=32;CN=2061;PW=1;MN=2;Flag=7;PNUM=2;PNO=3;CP=&&&&", &pkt), 0);
    ASSERT_NOTE(&pkt, ECO_HJ212_N_SPLIT, "PNO 3 outside");
    /* CN, ST, QN oddities */
    assert_int_equal(parse_str("QN=1;ST=ZZ;CN=20x1;PW=1;MN=2;Flag=4;CP=&&&&", &pkt), 0);
    assert_int_equal(pkt.cn_num, -1);
    ASSERT_NOTE(&pkt, ECO_HJ212_N_BAD_VALUE, "CN '20x1'");
    ASSERT_NOTE(&pkt, ECO_HJ212_N_UNKNOWN_ST, "'ZZ'");
    ASSERT_NOTE(&pkt, ECO_HJ212_N_BAD_VALUE, "QN '1'");
    assert_int_equal(parse_str("QN=20160801085857223;ST=32;CN=7777;PW=1;MN=2;Flag=4;CP=&&&&", &pkt), 0);
    ASSERT_NOTE(&pkt, ECO_HJ212_N_UNKNOWN_CN, "7777");
    /* duplicate header field, unknown header field */
    assert_int_equal(parse_str("QN=20160801085857223;ST=32;ST=31;CN=2011;PW=1;MN=2;Flag=4;XX=9;CP=&&&&", &pkt), 0);
    assert_slice(pkt.st, "31");
    ASSERT_NOTE(&pkt, ECO_HJ212_N_DUPLICATE, "'ST'");
    ASSERT_NOTE(&pkt, ECO_HJ212_N_UNKNOWN_CODE, "'XX'");
    assert_slice(eco_hj212_param(&pkt, "XX"), "9");
}

static void test_cp_grouping_and_duplicates(void **state)
{
    (void)state;
    /* fields of a factor sent apart are brought together, first appearance first */
    assert_int_equal(parse_str(H "CP=&&DataTime=20160801085857;a-Rtd=1;b-Rtd=2;a-Flag=N;c-Rtd=3;b-Flag=D;a-Avg=4&&",
                               &pkt),
                     0);
    assert_int_equal(pkt.nfactors, 3);
    assert_int_equal(pkt.nfields, 6);
    static const char *const order[6][2] = {{"a", "Rtd"}, {"a", "Flag"}, {"a", "Avg"},
                                            {"b", "Rtd"}, {"b", "Flag"}, {"c", "Rtd"}};
    for (int i = 0; i < 6; i++) {
        uint32_t f = order[i][0][0] - 'a';
        assert_slice(pkt.factors[f].code, order[i][0]);
        assert_slice(pkt.fields[i].suffix, order[i][1]);
    }
    assert_true(pkt.fields[2].num == 4.0);
    assert_int_equal(pkt.factors[0].first, 0);
    assert_int_equal(pkt.factors[1].first, 3);
    assert_int_equal(pkt.factors[2].first, 5);
    /* duplicates keep the last, also when apart and with unknown suffixes */
    assert_int_equal(parse_str(H "CP=&&a-Rtd=1;b-X=1;a-Rtd=2;b-X=7;b-X=8;DataTime=1;DataTime=20160801085857&&", &pkt),
                     0);
    assert_int_equal(pkt.nfields, 2);
    assert_true(field(&pkt, "a", "Rtd")->num == 2.0);
    assert_true(field(&pkt, "b", "X")->num == 8.0);
    ASSERT_NOTE(&pkt, ECO_HJ212_N_DUPLICATE, "'a-Rtd'");
    ASSERT_NOTE(&pkt, ECO_HJ212_N_DUPLICATE, "'b-X'");
    ASSERT_NOTE(&pkt, ECO_HJ212_N_DUPLICATE, "'DataTime'");
    assert_int_equal(pkt.nparams, 1);
    assert_true(pkt.has_time);
    /* more than 16 factors (the hashed look-up), interleaved */
    static char seg[4000];
    int k = sprintf(seg, H "CP=&&");
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 40; i++) k += sprintf(seg + k, "f%02d-%s=%d;", i, round ? "Flag" : "Rtd", i);
    sprintf(seg + k - 1, "&&");
    assert_int_equal(parse_str(seg, &pkt), 0);
    assert_int_equal(pkt.nfactors, 40);
    assert_int_equal(pkt.nfields, 80);
    for (int i = 0; i < 40; i++) {
        char code[8];
        snprintf(code, sizeof code, "f%02d", i);
        assert_slice(pkt.factors[i].code, code);
        assert_int_equal(pkt.factors[i].n, 2);
        assert_slice(pkt.fields[2 * i].suffix, "Rtd");
        assert_slice(pkt.fields[2 * i + 1].suffix, "Flag");
        assert_true(pkt.fields[2 * i].num == i);
    }
}

static void test_values(void **state)
{
    (void)state;
    assert_int_equal(parse_str(H "CP=&&DataTime=20160801085857;a-Rtd=-0.041;b-Rtd=0.09055002;c-Rtd=1e3;d-Rtd=N;"
                                 "e-Rtd=;f-Rtd=+5;g-Rtd=.5;h-Rtd=1.2.3;i-Rtd=12345678901234567890123;j-Rtd=St;"
                                 "k-Rtd=0x10;l-Rtd=-;m-Rtd=1.230&&",
                               &pkt),
                     0);
    assert_true(field(&pkt, "a", "Rtd")->num == -0.041);
    assert_true(field(&pkt, "b", "Rtd")->num == strtod("0.09055002", NULL));
    assert_true(field(&pkt, "c", "Rtd")->num == 1000.0);
    assert_true(isnan(field(&pkt, "d", "Rtd")->num));
    assert_true(isnan(field(&pkt, "e", "Rtd")->num));
    assert_slice(field(&pkt, "e", "Rtd")->value, "");
    assert_true(field(&pkt, "f", "Rtd")->num == 5.0);
    assert_true(field(&pkt, "g", "Rtd")->num == 0.5);
    assert_true(isnan(field(&pkt, "h", "Rtd")->num));
    assert_true(field(&pkt, "i", "Rtd")->num == strtod("12345678901234567890123", NULL));
    assert_true(isnan(field(&pkt, "j", "Rtd")->num));
    assert_true(isnan(field(&pkt, "k", "Rtd")->num));
    assert_true(isnan(field(&pkt, "l", "Rtd")->num));
    assert_slice(field(&pkt, "m", "Rtd")->value, "1.230"); /* raw text kept */
    /* the fast path is exact: compare with strtod on many decimals */
    char seg[256];
    uint64_t r = 12345;
    for (int i = 0; i < 3000; i++) {
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        char num[40];
        int ip = (int)((r >> 40) % 100000), fp = (int)((r >> 20) % 1000000), fd = (int)((r >> 10) % 9);
        static const int p10[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
        snprintf(num, sizeof num, "%s%d.%0*d", (r & 1) ? "-" : "", ip, fd, fd ? fp % p10[fd] : 0);
        if (!fd) snprintf(num, sizeof num, "%d", ip);
        snprintf(seg, sizeof seg, H "CP=&&x-Rtd=%s&&", num);
        assert_int_equal(parse_str(seg, &pkt), 0);
        if (pkt.fields[0].num != strtod(num, NULL)) fail_msg("'%s': %.17g vs strtod %.17g", num, pkt.fields[0].num,
                                                             strtod(num, NULL));
    }
    /* DataTime: 14 or 17 digits; anything else is noted */
    assert_int_equal(parse_str(H "CP=&&DataTime=20160230000000&&", &pkt), 0);
    assert_false(pkt.has_time);
    ASSERT_NOTE(&pkt, ECO_HJ212_N_BAD_VALUE, "DataTime '20160230000000'");
    assert_int_equal(parse_str(H "CP=&&DataTime=20240229235959999&&", &pkt), 0);
    assert_true(pkt.has_time);
    assert_int_equal(pkt.time, eco_time_from_day(eco_day_from_civil(2024, 2, 29)) + 86399);
    assert_slice(pkt.datatime, "20240229235959999");
    /* data flags against the edition's table */
    assert_int_equal(parse_str(H "CP=&&a-Flag=N;b-Flag=B;c-Flag=P;d-Flag=Md&&", &pkt), 0); /* 2017 */
    ASSERT_NOTE(&pkt, ECO_HJ212_N_BAD_FLAG, "'P'");
    ASSERT_NOTE(&pkt, ECO_HJ212_N_BAD_FLAG, "'Md'");
    assert_false(has_note(&pkt, ECO_HJ212_N_BAD_FLAG, "'N'"));
    assert_false(has_note(&pkt, ECO_HJ212_N_BAD_FLAG, "'B'"));
    assert_int_equal(parse_str("ST=32;CN=2011;PW=1;MN=2;CP=&&a-Flag=P;b-Flag=B&&", &pkt), 0); /* 2005 */
    assert_false(has_note(&pkt, ECO_HJ212_N_BAD_FLAG, "'P'"));
    ASSERT_NOTE(&pkt, ECO_HJ212_N_BAD_FLAG, "'B'");
}

static void test_info_logs_and_odd_entries(void **state)
{
    (void)state;
    /* a log may hold ';' ',' '=' '&&' and "##" between its "//" */
    assert_int_equal(parse_str(H "CP=&&DataTime=20160801085857;i11001-Info=//a;b,c=d&&e##f//;i12001-Info=1&&", &pkt),
                     0);
    assert_slice(field(&pkt, "i11001", "Info")->value, "//a;b,c=d&&e##f//");
    assert_slice(field(&pkt, "i12001", "Info")->value, "1");
    /* an unclosed log is split as usual */
    assert_int_equal(parse_str(H "CP=&&i11001-Info=//a;b=1&&", &pkt), 0);
    assert_slice(field(&pkt, "i11001", "Info")->value, "//a");
    /* entries without '=' or without a key are noted and skipped */
    assert_int_equal(parse_str(H "CP=&&junk;=5;-Rtd=1;x-=2;;a-Rtd=3&&", &pkt), 0);
    ASSERT_NOTE(&pkt, ECO_HJ212_N_BAD_VALUE, "without '='");
    ASSERT_NOTE(&pkt, ECO_HJ212_N_BAD_VALUE, "empty key");
    ASSERT_NOTE(&pkt, ECO_HJ212_N_BAD_VALUE, "empty code");
    ASSERT_NOTE(&pkt, ECO_HJ212_N_BAD_VALUE, "empty suffix");
    ASSERT_NOTE(&pkt, ECO_HJ212_N_SEPARATOR, "empty field");
    assert_true(field(&pkt, "a", "Rtd")->num == 3.0);
    /* '-' in a value (negative numbers) and in a suffix */
    assert_int_equal(parse_str(H "CP=&&a-Min=-1,a-Max=-2;b-x-y=3&&", &pkt), 0);
    assert_true(field(&pkt, "a", "Min")->num == -1.0);
    assert_true(field(&pkt, "b", "x-y")->num == 3.0);
    /* tabs and spaces everywhere */
    assert_int_equal(parse_str(" QN = 20160801085857223 ;\tST=32; CN=2011;PW=1;MN=2;Flag=4 ; CP=&& a-Rtd = 1 , a-Flag =N ;&&",
                               &pkt),
                     0);
    assert_slice(pkt.qn, "20160801085857223");
    assert_int_equal(pkt.flag, 4);
    assert_slice(field(&pkt, "a", "Flag")->value, "N");
    ASSERT_NOTE(&pkt, ECO_HJ212_N_SEPARATOR, "spaces");
    assert_false(has_note(&pkt, ECO_HJ212_N_SEPARATOR, "no ';' before"));
    /* the segment is referenced, not copied */
    const char *seg = H "CP=&&a-Rtd=1&&";
    eco_err_t err;
    eco_hj212_opts_t o;
    eco_hj212_opts_default(&o);
    assert_int_equal(eco_hj212_parse(eco_slice_cstr(seg), &o, &pkt, &err), 0);
    assert_ptr_equal(pkt.qn.ptr, seg + 3);
    assert_ptr_equal(pkt.cp.ptr, strstr(seg, "CP=&&") + 5);
    /* eco_hj212_param of a missing key */
    assert_int_equal(eco_hj212_param(&pkt, "Nope").len, 0);
}

/* a factor's table entry comes from eco_hj212_code_find with the packet's
 * ST: a 2005 code means a water or a gas factor depending on it */
static void test_factor_info_by_st(void **state)
{
    (void)state;
    eco_err_t err;
    assert_int_equal(eco_hj212_parse(eco_slice_cstr("ST=31;CN=2011;PW=1;MN=2;CP=&&01-Rtd=1&&"), NULL, &pkt, &err), 0);
    const eco_hj212_code_t *gas = pkt.factors[0].info;
    assert_non_null(gas);
    assert_ptr_equal(gas, eco_hj212_code_find(ECO_SLICE_LIT("01"), ECO_SLICE_LIT("31")));
    assert_int_equal(eco_hj212_parse(eco_slice_cstr("ST=32;CN=2011;PW=1;MN=2;CP=&&01-Rtd=1&&"), NULL, &pkt, &err), 0);
    assert_ptr_equal(pkt.factors[0].info, eco_hj212_code_find(ECO_SLICE_LIT("01"), ECO_SLICE_LIT("32")));
    /* unknown and over-long codes have no entry but keep their fields */
    assert_int_equal(eco_hj212_parse(eco_slice_cstr("ST=22;CN=2011;PW=1;MN=2;CP=&&zz9-Rtd=4;averyveryverylongcode-Rtd=5&&"),
                                     NULL, &pkt, &err), 0);
    assert_int_equal(pkt.nfactors, 2);
    assert_null(pkt.factors[0].info);
    assert_null(pkt.factors[1].info);
    assert_int_equal(pkt.factors[1].n, 1);
}

/* ------------------------------------------------------------------ fast path == general reading */

int eco_hj212_parse_general(eco_slice_t segment, const eco_hj212_opts_t *o, eco_hj212_packet_t *pkt, eco_err_t *err);
static eco_hj212_packet_t gen;

static int ident(eco_slice_t a, eco_slice_t b) { return a.len == b.len && (a.len == 0 || a.ptr == b.ptr); }

/* the whole packet, slice by slice (same bytes of the same segment), number
 * by number (bit for bit), note by note */
static void assert_same_parse(eco_slice_t seg, const char *what)
{
    eco_err_t e1, e2;
    int r1 = eco_hj212_parse(seg, NULL, &pkt, &e1), r2 = eco_hj212_parse_general(seg, NULL, &gen, &e2);
    if (r1 != r2) fail_msg("%s: rc %d vs %d", what, r1, r2);
    if (r1) {
        if (strcmp(e1.msg, e2.msg)) fail_msg("%s: '%s' vs '%s'", what, e1.msg, e2.msg);
        return;
    }
    const eco_hj212_packet_t *a = &pkt, *b = &gen;
    if (!(ident(a->qn, b->qn) && ident(a->st, b->st) && ident(a->cn, b->cn) && ident(a->pw, b->pw) &&
          ident(a->mn, b->mn) && ident(a->flag_text, b->flag_text) && ident(a->pnum_text, b->pnum_text) &&
          ident(a->pno_text, b->pno_text) && ident(a->rf, b->rf) && ident(a->cp, b->cp) &&
          ident(a->datatime, b->datatime)))
        fail_msg("%s: header slices differ", what);
    if (!(a->has_qn == b->has_qn && a->has_flag == b->has_flag && a->flag == b->flag && a->cn_num == b->cn_num &&
          a->pnum == b->pnum && a->pno == b->pno && a->edition == b->edition && a->ack_wanted == b->ack_wanted &&
          a->backfill == b->backfill && a->has_time == b->has_time && a->time == b->time))
        fail_msg("%s: header values differ", what);
    if (!(a->nparams == b->nparams && a->nfactors == b->nfactors && a->nfields == b->nfields &&
          a->nnotes == b->nnotes))
        fail_msg("%s: counts %u/%u/%u/%u vs %u/%u/%u/%u", what, a->nparams, a->nfactors, a->nfields, a->nnotes,
                 b->nparams, b->nfactors, b->nfields, b->nnotes);
    for (uint32_t i = 0; i < a->nparams; i++)
        if (!ident(a->params[i].key, b->params[i].key) || !ident(a->params[i].value, b->params[i].value))
            fail_msg("%s: param %u", what, i);
    for (uint32_t i = 0; i < a->nfactors; i++)
        if (!ident(a->factors[i].code, b->factors[i].code) || a->factors[i].info != b->factors[i].info ||
            a->factors[i].first != b->factors[i].first || a->factors[i].n != b->factors[i].n)
            fail_msg("%s: factor %u", what, i);
    for (uint32_t i = 0; i < a->nfields; i++) {
        const eco_hj212_field_t *x = &a->fields[i], *y = &b->fields[i];
        if (!ident(x->suffix, y->suffix) || !ident(x->value, y->value) ||
            !(memcmp(&x->num, &y->num, sizeof x->num) == 0 || (isnan(x->num) && isnan(y->num))))
            fail_msg("%s: field %u", what, i);
    }
    for (uint32_t i = 0; i < a->nnotes; i++)
        if (a->notes[i].code != b->notes[i].code || a->notes[i].offset != b->notes[i].offset ||
            strcmp(a->notes[i].text, b->notes[i].text))
            fail_msg("%s: note %u '%s' vs '%s'", what, i, a->notes[i].text, b->notes[i].text);
}

static void test_fast_path_equals_general(void **state)
{
    (void)state;
    static const char *const segs[] = {
        "QN=20160801085857223;ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&DataTime="
        "20160801085857;w01018-Rtd=96.7,w01018-Flag=N;w00000-Rtd=-0.041,w00000-Flag=N&&",
        /* blanks here and there, ',' in the header, a ';' before "&&" */
        "QN=20160801085857223;ST=32 ;CN=2011,PW=123456;MN=X;Flag=5;CP=&&DataTime=20160801085857;w01018-Rtd= 96.7;&&",
        /* an -Info log with separators and "&&" inside, a long value, a value with '=' and '-' */
        "QN=20160801085857223;ST=32;CN=3020;PW=123456;MN=X;Flag=5;CP=&&DataTime=20160801085857;"
        "i12001-Info=//a;b,c&&d//;w01018-Rtd=12345678901234567890123456789012345;a21026-Rtd=1=2-3&&",
        /* entries without '=', empty keys, empty codes and suffixes, duplicates, regrouping, unknown suffixes */
        "QN=20160801085857223;ST=22;CN=2051;PW=123456;MN=X;Flag=5;CP=&&DataTime=20160801085857;abc;=5;-Rtd=1;"
        "a21026-=2;a21026-Avg=1;a21005-Avg=2;a21026-Avg=3;a21026-Foo=4;a21026-Foo=5;a21026-Flag=n;a21026-Flag=N&&",
        /* header out of order, duplicated, unknown key, PNUM/PNO, Flag after CP */
        "ST=22;QN=20160801085857223;CN=2011;PW=1;PW=2;MN=X;XX=1;Flag=7;PNUM=2;PNO=1;CP=&&a21026-Rtd=1&&;Flag=4",
        /* "Flag=5CP=&&", no QN */
        "ST=22;CN=2011;PW=1;MN=X;Flag=5CP=&&a21026-Rtd=1,a21026-Flag=N&&",
        /* short segments and entries ending right at "&&" */
        "CP=&&a-b=1&&", "QN=1;CP=&&&&", "ST=22;CN=2011;PW=1;MN=X;CP=&&DataTime=2016;a21026-ZsRtd=1.5&&",
        "QN=20160801085857223;ST=22;CN=2011;PW=123456;MN=AQ3201000000000000000017;Flag=5;CP=&&a21026-Rtd=+1.5,"
        "a21026-SampleTime=20160801085857,a21026-RetentionTime=1.25e3,SB1-RS=1;SB1-RT=0.5;i3331x-Info=1&&",
        /* the 8-byte beginnings of the suffixes longer than 8 bytes: unknown (the stream loop
         * decides a suffix by its word alone), and the long ones themselves */
        "QN=20160801085857223;ST=22;CN=2011;PW=123456;MN=X;Flag=5;CP=&&DataTime=20160801085857;a21026-SampleTi=1;"
        "a21026-SampleTy=2,a21026-PeakHeig=3;a21026-Complete=4;a21026-Retentio=5;a21026-NightDat=6;a21026-Rtd=7;"
        "a21005-SampleTime=8;a21005-SampleType=9;a21005-PeakHeight=1;a21005-CompleteTime=2;a21005-RetentionTime=3;"
        "a21005-NightData=4;a21005-LowValue=5;a21005-PeakArea=6&&",
        /* a header field longer than a window, a tab */
        "QN=20160801085857223;ST=22;CN=2011;PW=123456;MN=AQ32010000000000000000170000000000000;Flag=5;CP=&&"
        "a21026-Rtd=1\t&&",
        /* a short packet: its CP windows are read from the copy of the segment's tail (fuzz find) */
        "QN=20201008154743635;ST=91;CN=9014;PW=123456;MN=SD000001;Flag=9;CP=&&QnRtn=1&&",
        /* no CP / no closing "&&" */
        "QN=20160801085857223;ST=22;CN=2011;PW=123456;MN=AQ3201;Flag=5;CP=&&a21026-Rtd=1",
        "QN=20160801085857223;ST=22;CN=2011;PW=123456;MN=AQ3201;Flag=5",
    };
    for (size_t i = 0; i < sizeof segs / sizeof segs[0]; i++) {
        char what[32];
        snprintf(what, sizeof what, "segment %zu", i);
        assert_same_parse(eco_slice_cstr(segs[i]), what);
        /* every prefix too: the tokens then end at every position relative to the windows */
        for (size_t n = 0; n < strlen(segs[i]); n++) assert_same_parse((eco_slice_t){segs[i], n}, what);
    }
    hv_set_t s;
    NEED_SHARED(&s);
    for (size_t i = 0; i < s.n; i++) {
        const hv_vec_t *v = &s.v[i];
        if (v->n < 10) continue;
        assert_same_parse((eco_slice_t){(const char *)v->pkt + 6, v->n - 10}, v->id);
    }
    hv_free(&s);
}

/* The stream reading (clean segments: marks popped from a bitmap of a
 * padded copy) and the window reading against the general one on mutated
 * packets: every byte of realistic uploads replaced, in turn, by each of the
 * bytes the readings treat specially (separators, '=', '-', '/', '&', a
 * blank, a control byte, UTF-8, a letter, a digit), pairs of neighbouring
 * bytes made "//", ";;" ..., and closed "//...//" logs put anywhere; also every segment cut at every
 * length. Whatever the reading taken, the packet must be the same, note
 * for note and number for number. */
int eco_hj212_parse_limit_isa(int level);

static void stream_mutations(void)
{
    static const char *const base[] = {
        "QN=20260401000000017;ST=22;CN=2011;PW=123456;MN=AQ3201000000000000000017;Flag=5;CP=&&DataTime="
        "20260401000000;a21026-Rtd=12,a21026-Flag=N;a21004-Rtd=45,a21004-Flag=N;a21005-Rtd=1.234,a21005-Flag=N;"
        "a01001-Rtd=-3.5,a01001-Flag=N;a01008-Rtd=270,a01008-Flag=M&&",
        "QN=20260401000100002;ST=31;CN=2051;PW=123456;MN=GS3205840001A00000000231;Flag=5;CP=&&DataTime="
        "20260401000100;a00000-Cou=1.234,a00000-Min=119.512,a00000-Avg=125.803,a00000-Max=132.093,a00000-Flag=N;"
        "a21026-Cou=0.81,a21026-Min=76.95,a21026-Avg=81.00,a21026-Max=85.05,a21026-ZsMin=100.04,a21026-ZsAvg="
        "105.30,a21026-ZsMax=110.57,a21026-Flag=N;a01013-Min=-0.123,a01013-Avg=-0.130,a01013-Max=-0.136,"
        "a01013-Flag=N&&",
        "QN=20260401010000003;ST=32;CN=2061;PW=123456;MN=WS3211020003B00000000052;Flag=7;PNUM=2;PNO=1;CP=&&"
        "DataTime=20260401010000;w00000-Cou=45.3,w00000-Min=11.88,w00000-Avg=12.51,w00000-Max=13.13,w00000-Flag=N;"
        "w01001-Min=7.12,w01001-Avg=7.49,w01001-Max=7.87,w01001-Flag=N;w01018-Cou=3.2,w01018-Avg=51.2,"
        "w01018-Flag=N&&",
        /* 2005 style: no QN, 2005 codes, and a factor sent apart (parenthesised: one string, as clang's
         * -Wstring-concatenation wants it said) */
        ("ST=32;CN=2011;PW=123456;MN=88888880000001;CP=&&DataTime=20040516020111;B01-Rtd=36.91;011-Rtd=231.0,"
         "011-Flag=N;060-Rtd=1.803,060-Flag=N;B01-Flag=N&&"),
        /* a short 9014 and a 2025 reply */
        "QN=20201008154743635;ST=91;CN=9014;PW=123456;MN=SD000001;Flag=9;CP=&&QnRtn=1&&",
    };
    static const char subst[] = {';', ',', '=', '-', '/', '&', ' ', '\t', '\x01', '\xe4', 'x', '7', '.', 'C'};
    char buf[600];
    for (size_t i = 0; i < sizeof base / sizeof base[0]; i++) {
        size_t n = strlen(base[i]);
        assert_true(n < sizeof buf);
        char what[64];
        snprintf(what, sizeof what, "base %zu", i);
        assert_same_parse((eco_slice_t){base[i], n}, what);
        for (size_t len = 0; len < n; len++) assert_same_parse((eco_slice_t){base[i], len}, what);
        for (size_t pos = 0; pos < n; pos++) {
            for (size_t j = 0; j < sizeof subst; j++) {
                memcpy(buf, base[i], n);
                buf[pos] = subst[j];
                snprintf(what, sizeof what, "base %zu byte %zu -> 0x%02X", i, pos, (unsigned char)subst[j]);
                assert_same_parse((eco_slice_t){buf, n}, what);
            }
            if (pos + 1 < n) {
                static const char *const pairs[] = {"//", ";;", "-=", "=-", "&&"};
                for (size_t j = 0; j < 5; j++) {
                    memcpy(buf, base[i], n);
                    memcpy(buf + pos, pairs[j], 2);
                    snprintf(what, sizeof what, "base %zu bytes %zu-%zu -> %s", i, pos, pos + 1, pairs[j]);
                    assert_same_parse((eco_slice_t){buf, n}, what);
                }
            }
            for (size_t gap = 2; gap < 24 && pos + gap + 1 < n; gap += 7) { /* a closed "//...//" log */
                memcpy(buf, base[i], n);
                memcpy(buf + pos, "//", 2);
                memcpy(buf + pos + gap, "//", 2);
                snprintf(what, sizeof what, "base %zu \"//\" at %zu and %zu", i, pos, pos + gap);
                assert_same_parse((eco_slice_t){buf, n}, what);
            }
        }
    }
}

/* at both levels of the marking pass: SSE2, and AVX2 where the machine has it */
static void test_stream_reading_on_mutations(void **state)
{
    (void)state;
    int was = eco_hj212_parse_limit_isa(0);
    stream_mutations();
    eco_hj212_parse_limit_isa(1);
    stream_mutations();
    eco_hj212_parse_limit_isa(was);
}

/* ------------------------------------------------------------------ numbers == strtod, random uploads */

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) /* xorshift64 */
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* a value of the shapes HJ 212 uploads carry, and their near misses:
 * [sign] digits [. digits], 1 to 12 bytes mostly, leading/trailing zeros,
 * ".5", "5.", a lone sign or dot, exponents, two dots or signs, letters */
static size_t rnd_value(char *v)
{
    size_t n = 0;
    unsigned r = (unsigned)(rnd() % 100);
    if (r < 3) { /* odd ones */
        static const char *const odd[] = {"N", ".", "-", "+", "-.", "1e5", "2E-3", "1.2.3", "1-2", "--1", "+-1",
                                          "0x10", "inf", "nan", "1,5", "00", "-0", "+0.0", ".0", "0.", "9.e1",
                                          "12345678", "123456789", "99999999.", "-99999999", ".00000001"};
        const char *o = odd[rnd() % (sizeof odd / sizeof odd[0])];
        n = strlen(o);
        memcpy(v, o, n);
        return n;
    }
    if (rnd() % 6 == 0) v[n++] = rnd() % 3 ? '-' : '+';
    size_t ni = (size_t)(rnd() % (r < 80 ? 5 : 12)), nf = (size_t)(rnd() % (r < 80 ? 4 : 9));
    if (ni + nf == 0) ni = 1;
    for (size_t i = 0; i < ni; i++) v[n++] = (char)('0' + rnd() % 10);
    if (nf || rnd() % 8 == 0) v[n++] = '.';
    for (size_t i = 0; i < nf; i++) v[n++] = (char)('0' + rnd() % 10);
    return n;
}

/* Two million random values through the parser (the stream reading, then
 * the general one for some packets), at both levels of the stream reading
 * (SSE2: SWAR conversion; AVX2 where there is one: the SSSE3 conversion,
 * num_simd): each field's number is bit for bit what strtod makes of its
 * text (eco_slice_to_double), NAN when strtod would not take all of it. */
static void check_numbers(const char *seg, size_t n, size_t nv)
{
    eco_slice_t sl = {seg, n};
    eco_err_t err;
    assert_int_equal(eco_hj212_parse(sl, NULL, &pkt, &err), 0);
    assert_int_equal(pkt.nfields, nv);
    for (uint32_t i = 0; i < pkt.nfields; i++) {
        const eco_hj212_field_t *f = &pkt.fields[i];
        double want;
        if (eco_slice_to_double(f->value, &want) == 0) {
            if (memcmp(&want, &f->num, sizeof want) != 0)
                fail_msg("'%.*s': %.17g, strtod %.17g", (int)f->value.len, f->value.ptr, f->num, want);
        } else if (!isnan(f->num)) {
            fail_msg("'%.*s': %.17g, strtod: not a number", (int)f->value.len, f->value.ptr, f->num);
        }
    }
}

/* Every value of 1 to 5 bytes over "0159.-+e" and of 6 to 8 bytes over
 * "09.", and 450,000 random ones of 2 to 8 digits and dots (the
 * conversions' own domain), at both levels; 90 values a packet (ten known
 * codes, nine suffixes: the stream reading stores them all itself). */
static const char *const num_codes[] = {"a21026", "a21004", "a21005", "a34002", "a34004",
                                        "a01001", "a01002", "w01018", "w21003", "w00000"};
static const char *const num_sfx[] = {"Rtd", "Min", "Avg", "Max", "ZsRtd", "ZsMin", "ZsAvg", "ZsMax", "Cou"};

typedef struct numpkt {
    char seg[4096];
    size_t n, nv;
} numpkt_t;

static void numpkt_start(numpkt_t *p)
{
    p->n = (size_t)snprintf(p->seg, sizeof p->seg,
                            "QN=20260401000000017;ST=22;CN=2011;PW=123456;MN=AQ32;Flag=5;CP=&&DataTime=20260401000000");
    p->nv = 0;
}

/* the next value's key; the packet is checked and restarted when full */
static char *numpkt_key(numpkt_t *p)
{
    if (p->nv == 90) {
        memcpy(p->seg + p->n, "&&", 2);
        check_numbers(p->seg, p->n + 2, p->nv);
        numpkt_start(p);
    }
    size_t c = p->nv / 9, k = p->nv % 9;
    p->n += (size_t)snprintf(p->seg + p->n, sizeof p->seg - p->n, "%c%s-%s=", k ? ',' : ';', num_codes[c], num_sfx[k]);
    p->nv++;
    return p->seg + p->n;
}

static void numpkt_end(numpkt_t *p)
{
    if (!p->nv) return;
    memcpy(p->seg + p->n, "&&", 2);
    check_numbers(p->seg, p->n + 2, p->nv);
}

static void test_short_numbers_against_strtod(void **state)
{
    (void)state;
    static numpkt_t p;
    int was = eco_hj212_parse_limit_isa(1);
    for (int level = 0; level < 2; level++) {
        eco_hj212_parse_limit_isa(level);
        numpkt_start(&p);
        static const char *const alpha[2] = {"0159.-+e", "09."};
        for (int set = 0; set < 2; set++) {
            size_t na = strlen(alpha[set]);
            for (size_t len = set ? 6 : 1; len <= (set ? 8u : 5u); len++) {
                size_t total = 1;
                for (size_t i = 0; i < len; i++) total *= na;
                for (size_t v = 0; v < total; v++) {
                    char *d = numpkt_key(&p);
                    for (size_t i = 0, q = v; i < len; i++, q /= na) d[i] = alpha[set][q % na];
                    p.n += len;
                }
            }
        }
        for (int i = 0; i < 450000; i++) {
            char *d = numpkt_key(&p);
            size_t len = 2 + (size_t)(rnd() % 7);
            int dot = rnd() % 4 ? (int)(rnd() % len) : -1;
            for (size_t j = 0; j < len; j++) d[j] = (int)j == dot ? '.' : (char)('0' + rnd() % 10);
            p.n += len;
        }
        numpkt_end(&p);
    }
    eco_hj212_parse_limit_isa(was);
}

static void test_numbers_against_strtod(void **state)
{
    (void)state;
    static const char *const codes[] = {"a21026", "a21004", "a21005", "a34002", "a34004", "a01001", "a01002",
                                        "w01018", "w21003", "w00000"};
    static const char *const sfx[] = {"Rtd", "Min", "Avg", "Max", "ZsRtd", "ZsMin", "ZsAvg", "ZsMax", "Cou"};
    static char seg[4096];
    size_t total = 0;
    for (int round = 0; total < 2000000; round++) {
        size_t n = (size_t)snprintf(seg, sizeof seg,
                                    "QN=20260401000000017;ST=22;CN=2011;PW=123456;MN=AQ32;Flag=5;CP=&&DataTime="
                                    "20260401000000");
        size_t nv = 0;
        for (size_t c = 0; c < sizeof codes / sizeof codes[0]; c++)
            for (size_t k = 0; k < sizeof sfx / sizeof sfx[0]; k++) {
                n += (size_t)snprintf(seg + n, sizeof seg - n, "%c%s-%s=", k ? ',' : ';', codes[c], sfx[k]);
                n += rnd_value(seg + n);
                nv++;
            }
        memcpy(seg + n, "&&", 2);
        n += 2;
        eco_hj212_parse_limit_isa(round & 1);
        check_numbers(seg, n, nv);
        if (round % 64 == 0) assert_same_parse((eco_slice_t){seg, n}, "random values");
        total += nv;
    }
    eco_hj212_parse_limit_isa(1);
}

/* Random uploads like the benchmark's (air, CEMS and effluent factors, a
 * random subset, 2011/2051/2061 suffixes, flags, values of every shape
 * above), some with a factor sent twice or apart, an unknown suffix or
 * code, a 2005 code, a -Info log, a blank: the stream reading, at both
 * levels of its marking pass, gives the packet of the general reading. */
static void test_random_uploads_fast_equals_general(void **state)
{
    (void)state;
    static const char *const codes[] = {"a21026", "a21004", "a21005", "a05024", "a34002", "a34004", "a01001",
                                        "a01002", "a01006", "a01007", "a01008", "a00000", "a01011", "a01012",
                                        "a01013", "a01014", "a19001", "a21002", "a34013", "a24088", "w00000",
                                        "w01001", "w01018", "w21003", "w21011", "w21001", "w01012", "w01010",
                                        "011", "B01", "a9999x", "SB1", "i3331x"};
    static const char *const sfx[] = {"Rtd", "Min", "Avg", "Max", "ZsRtd", "ZsAvg", "Cou", "Flag", "EFlag",
                                      "SampleTime", "Ala", "Foo", "Info", ""};
    static char seg[2048];
    int was = eco_hj212_parse_limit_isa(1);
    for (int round = 0; round < 20000; round++) {
        eco_hj212_parse_limit_isa(round & 1);
        size_t n = (size_t)snprintf(seg, sizeof seg,
                                    "QN=20260401000000017;ST=%s;CN=%s;PW=123456;MN=AQ3201000000000000000017;Flag=%s;"
                                    "CP=&&DataTime=20260401000000",
                                    rnd() % 2 ? "22" : "31", rnd() % 3 ? "2051" : "2011", rnd() % 9 ? "5" : "4");
        int nfac = 1 + (int)(rnd() % 14);
        for (int f = 0; f < nfac && n < 1700; f++) {
            const char *code = codes[rnd() % (rnd() % 8 ? 28 : sizeof codes / sizeof codes[0])];
            int nf = 1 + (int)(rnd() % 5);
            for (int k = 0; k < nf && n < 1700; k++) {
                const char *sx = sfx[rnd() % (rnd() % 10 ? 8 : sizeof sfx / sizeof sfx[0])];
                n += (size_t)snprintf(seg + n, sizeof seg - n, "%c%s-%s=", k ? ',' : ';', code, sx);
                if (!strcmp(sx, "Flag") || !strcmp(sx, "EFlag")) {
                    static const char fl[] = "NNNNNNNNFMSDCTBnPx";
                    seg[n++] = fl[rnd() % (sizeof fl - 1)];
                } else if (!strcmp(sx, "Info") && rnd() % 2) {
                    n += (size_t)snprintf(seg + n, sizeof seg - n, "//log;a=1,b-2//");
                } else {
                    n += rnd_value(seg + n);
                }
            }
        }
        if (rnd() % 50 == 0) seg[rnd() % n] = ' ';
        memcpy(seg + n, "&&", 2);
        n += 2;
        char what[48];
        snprintf(what, sizeof what, "random upload %d", round);
        assert_same_parse((eco_slice_t){seg, n}, what);
    }
    eco_hj212_parse_limit_isa(was);
}

/* QN and DataTime are checked digit by digit 8 at a time: a stray byte in
 * any position, of any kind, is seen */
static void test_digit_checks(void **state)
{
    (void)state;
    static const char odd[] = {'/', ':', 'a', ' ', '\x80', '\xff', '.', '-'};
    for (size_t pos = 0; pos < 17; pos++)
        for (size_t j = 0; j < sizeof odd; j++) {
            char qn[18] = "20160801085857223", dt[15] = "20160801085857";
            qn[pos] = odd[j];
            if (pos < 14) dt[pos] = odd[j];
            char seg[200];
            snprintf(seg, sizeof seg, "QN=%s;ST=32;CN=2011;PW=1;MN=X;Flag=5;CP=&&DataTime=%s;w01018-Rtd=1&&", qn, dt);
            eco_err_t err;
            assert_int_equal(eco_hj212_parse(eco_slice_cstr(seg), NULL, &pkt, &err), 0);
            int qn_note = 0;
            for (uint32_t i = 0; i < pkt.nnotes; i++) qn_note |= strstr(pkt.notes[i].text, "is not YYYYMMDDhhmmsszzz") != NULL;
            assert_true(qn_note);
            assert_int_equal(pkt.has_time, pos >= 14);
        }
}

/* DataTime is read by the parser's own calendar arithmetic (parse.c:
 * days_from_civil4, a month-length table): on every date of chosen years
 * (leap rules, the first and last years 4 digits can write, the epoch) and
 * on random ones, with days 0..32 so that invalid dates are tried too, the
 * time is eco_day_from_civil's and has_time follows eco_days_in_month. */
static void check_datatime(int y, int mo, int d, int h, int mi, int se)
{
    char seg[160];
    snprintf(seg, sizeof seg, "QN=20160801085857223;ST=32;CN=2011;PW=1;MN=X;Flag=5;CP=&&DataTime=%04d%02d%02d%02d%02d%02d&&",
             y, mo, d, h, mi, se);
    eco_err_t err;
    assert_int_equal(eco_hj212_parse(eco_slice_cstr(seg), NULL, &pkt, &err), 0);
    int valid = mo >= 1 && mo <= 12 && d >= 1 && d <= eco_days_in_month(y, mo) && h < 24 && mi < 60 && se < 60;
    if (pkt.has_time != valid) fail_msg("%s: has_time %d, want %d", seg, pkt.has_time, valid);
    if (valid && pkt.time != eco_time_from_day(eco_day_from_civil(y, mo, d)) + h * 3600 + mi * 60 + se)
        fail_msg("%s: time %lld", seg, (long long)pkt.time);
}

static void test_datatime_calendar(void **state)
{
    (void)state;
    static const int years[] = {0, 1, 3, 4, 99, 100, 101, 399, 400, 401, 1582, 1600, 1899, 1900,
                                1969, 1970, 2000, 2024, 2025, 2100, 2400, 9600, 9996, 9999};
    for (size_t i = 0; i < sizeof years / sizeof years[0]; i++)
        for (int mo = 0; mo <= 13; mo++)
            for (int d = 0; d <= 32; d++) check_datatime(years[i], mo, d, (int)(rnd() % 24), (int)(rnd() % 60), 59);
    for (int i = 0; i < 100000; i++)
        check_datatime((int)(rnd() % 10000), 1 + (int)(rnd() % 12), 1 + (int)(rnd() % 31), (int)(rnd() % 25),
                       (int)(rnd() % 61), (int)(rnd() % 61));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expected_parses), cmocka_unit_test(test_all_ok_vectors_parse),
        cmocka_unit_test(test_typo_vectors),    cmocka_unit_test(test_hard_errors),
        cmocka_unit_test(test_flags_and_editions), cmocka_unit_test(test_cp_grouping_and_duplicates),
        cmocka_unit_test(test_values),          cmocka_unit_test(test_info_logs_and_odd_entries),
        cmocka_unit_test(test_factor_info_by_st), cmocka_unit_test(test_fast_path_equals_general),
        cmocka_unit_test(test_digit_checks),
        cmocka_unit_test(test_stream_reading_on_mutations),
        cmocka_unit_test(test_numbers_against_strtod),
        cmocka_unit_test(test_short_numbers_against_strtod),
        cmocka_unit_test(test_random_uploads_fast_equals_general),
        cmocka_unit_test(test_datatime_calendar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
