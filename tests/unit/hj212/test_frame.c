/* test_frame.c — framing and the per-packet verdict, against the shared oracle.
 *
 * What must hold (../shared/testdata/hj212/README.md, vectors.md §7,
 * reference/hj212.md §7):
 *   - every one of the 78 vectors reaches its verdict (OK, BAD_CRC, BAD_LEN,
 *     BAD_LEN+BAD_CRC) through eco_hj212_frame_check in the default strict
 *     mode, with and without its CRLF, the GBK row fed as GBK bytes;
 *   - every OK packet also comes out of the stream framer fed one byte at a
 *     time, and all of them together in random splits with garbage between;
 *   - the stream scenarios S1-S11, and the tolerant-mode deviations (bare
 *     trailers, short and lowercase CRCs, legacy CRCs, lengths in characters,
 *     oversize segments), each with its note, each refused in strict mode;
 *   - errors say what and where ("BAD_CRC expected 1C80 got 1C81 ...").
 * Tests that need the shared folder skip() when it is absent.
 */
#include <ctype.h>
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

#define NEED_SHARED(s)                                                                                  \
    do {                                                                                                \
        if (hv_load(s)) {                                                                               \
            print_message("skipped: ECO_SHARED_DIR/testdata/hj212 not found (the shared folder is absent)\n"); \
            skip();                                                                                     \
        }                                                                                               \
    } while (0)

static const char *verdict_of(int rc)
{
    switch (rc) {
    case 0: return "OK";
    case ECO_EHJ212_CRC: return "BAD_CRC";
    case ECO_EHJ212_LEN: return "BAD_LEN";
    case ECO_EHJ212_LEN_CRC: return "BAD_LEN+BAD_CRC";
    default: return eco_err_name(rc);
    }
}

static eco_hj212_opts_t strict(void)
{
    eco_hj212_opts_t o;
    eco_hj212_opts_default(&o);
    return o;
}

static eco_hj212_opts_t tolerant(void)
{
    eco_hj212_opts_t o;
    eco_hj212_opts_default(&o);
    o.tolerant = 1;
    return o;
}

/* a frame around a segment: "##LLLL" seg CRC trailer (crc_fmt e.g. "%04X") */
static size_t frame_of(char *out, const char *seg, size_t n, const char *crc_fmt, const char *trailer)
{
    size_t k = (size_t)sprintf(out, "##%04zu", n);
    memcpy(out + k, seg, n);
    k += n;
    k += (size_t)sprintf(out + k, crc_fmt, eco_hj212_crc(seg, n));
    k += (size_t)sprintf(out + k, "%s", trailer);
    return k;
}

/* ------------------------------------------------------------------ the 78 verdicts */

static void test_vector_verdicts(void **state)
{
    (void)state;
    hv_set_t s;
    NEED_SHARED(&s);
    eco_hj212_opts_t o = strict();
    int match = 0;
    for (size_t i = 0; i < s.n; i++) {
        const hv_vec_t *v = &s.v[i];
        assert_non_null(v->pkt);
        for (int crlf = 0; crlf < 2; crlf++) {
            size_t n = v->n;
            unsigned char *b = crlf ? hv_with_crlf(v, &n) : (unsigned char *)malloc(n + 1);
            if (!crlf) memcpy(b, v->pkt, n);
            eco_hj212_frame_t f;
            eco_err_t err;
            eco_err_clear(&err);
            int rc = eco_hj212_frame_check(b, n, &o, &f, &err);
            if (strcmp(verdict_of(rc), v->verdict) != 0)
                fail_msg("%s%s: verdict %s (%s), expected %s", v->id, crlf ? "+CRLF" : "", verdict_of(rc), err.msg,
                         v->verdict);
            if (!crlf) match++;
            if (rc == 0) {
                assert_int_equal(f.segment.len, (size_t)v->byte_len);
                assert_int_equal(f.declared_len, v->declared_len);
                assert_int_equal(f.crc_calc, (unsigned)strtoul(v->crc_ok, NULL, 16));
                assert_int_equal(f.crc_sent, f.crc_calc);
                assert_int_equal(f.frame_len, n);
                /* lowercase CRCs are accepted and noted */
                int lower = strpbrk(v->crc_in, "abcdef") != NULL;
                assert_int_equal(!!(f.notes & ECO_HJ212_FN_LOWER_CRC), lower);
            } else {
                assert_int_equal(err.code, rc);
                char want[64];
                if (rc == ECO_EHJ212_CRC || rc == ECO_EHJ212_LEN_CRC) { /* what and where */
                    snprintf(want, sizeof want, "expected %s got %s at byte", v->crc_ok, v->crc_in);
                    if (!strstr(err.msg, want)) fail_msg("%s: message '%s' lacks '%s'", v->id, err.msg, want);
                }
                if (rc == ECO_EHJ212_LEN || rc == ECO_EHJ212_LEN_CRC) {
                    snprintf(want, sizeof want, "declared %d actual %d", v->declared_len, v->byte_len);
                    if (!strstr(err.msg, want)) fail_msg("%s: message '%s' lacks '%s'", v->id, err.msg, want);
                }
            }
            free(b);
        }
    }
    print_message("vector verdicts: %d/%zu\n", match, s.n);
    assert_int_equal(match, 78);
    assert_int_equal(s.n, 78);
    hv_free(&s);
}

/* packets_ok.txt / packets_bad.txt: every line OK / every line refused */
static void test_packet_files(void **state)
{
    (void)state;
    char path[1024];
    size_t len = 0;
    char *ok = hv_path(path, sizeof path, "packets_ok.txt") ? hv_read_file(path, &len) : NULL;
    char *bad = hv_path(path, sizeof path, "packets_bad.txt") ? hv_read_file(path, &len) : NULL;
    if (!ok || !bad) {
        free(ok);
        free(bad);
        print_message("skipped: packets_ok.txt / packets_bad.txt not found\n");
        skip();
    }
    eco_hj212_opts_t o = strict();
    int nok = 0, nbad = 0;
    for (int which = 0; which < 2; which++) {
        char *line = which ? bad : ok, *next;
        for (; line && *line; line = next) {
            next = strchr(line, '\n');
            if (next) *next++ = '\0';
            size_t n = strlen(line);
            if (n && line[n - 1] == '\r') line[--n] = '\0';
            if (!n) continue;
            eco_err_t err;
            int rc = eco_hj212_frame_check((unsigned char *)line, n, &o, NULL, &err);
            if (which == 0 && rc != 0) fail_msg("packets_ok.txt: %s: %s", line, err.msg);
            if (which == 1 && rc == 0) fail_msg("packets_bad.txt: accepted %s", line);
            which ? nbad++ : nok++;
        }
    }
    assert_true(nok >= 69);
    assert_int_equal(nbad, 8);
    free(ok);
    free(bad);
}

/* ------------------------------------------------------------------ the framer */

typedef struct got {
    int frames, errors;
    char seg[64][1100];
    size_t len[64];
    unsigned notes[64];
    int codes[64];
} got_t;

static void drain(eco_hj212_framer_t *f, got_t *g)
{
    eco_hj212_frame_t fr;
    eco_err_t err;
    int rc;
    while ((rc = eco_hj212_framer_next(f, &fr, &err)) != 0) {
        if (rc < 0) {
            assert_int_equal(err.code, rc);
            if (g->errors < 64) g->codes[g->errors] = rc;
            g->errors++;
            continue;
        }
        if (g->frames < 64) { /* the first 1100 bytes are kept */
            memcpy(g->seg[g->frames], fr.segment.ptr,
                   fr.segment.len < sizeof g->seg[0] ? fr.segment.len : sizeof g->seg[0]);
            g->len[g->frames] = fr.segment.len;
            g->notes[g->frames] = fr.notes;
        }
        g->frames++;
    }
}

/* feed buf in pieces whose sizes come from sizes() (0 = everything at once) */
static void feed_all(eco_hj212_framer_t *f, const unsigned char *buf, size_t n, size_t piece, got_t *g)
{
    size_t off = 0;
    while (off < n) {
        size_t want = piece ? piece : n - off;
        if (want > n - off) want = n - off;
        size_t took = eco_hj212_framer_feed(f, buf + off, want);
        off += took;
        drain(f, g);
    }
}

static got_t *new_got(void)
{
    got_t *g = calloc(1, sizeof *g);
    assert_non_null(g);
    return g;
}

static void test_ok_vectors_byte_at_a_time(void **state)
{
    (void)state;
    hv_set_t s;
    NEED_SHARED(&s);
    eco_hj212_opts_t o = strict();
    int n_ok = 0;
    for (size_t i = 0; i < s.n; i++) {
        const hv_vec_t *v = &s.v[i];
        if (strcmp(v->verdict, "OK") != 0) continue;
        size_t n = 0;
        unsigned char *b = hv_with_crlf(v, &n);
        eco_hj212_framer_t f;
        assert_int_equal(eco_hj212_framer_init(&f, &o, 0), 0);
        got_t *g = new_got();
        feed_all(&f, b, n, 1, g);
        if (g->frames != 1 || g->errors)
            fail_msg("%s byte by byte: %d frames, %d errors", v->id, g->frames, g->errors);
        assert_int_equal(g->len[0], (size_t)v->byte_len);
        assert_memory_equal(g->seg[0], v->pkt + 6, g->len[0]);
        assert_int_equal(f.frames_ok, 1);
        assert_int_equal(f.bytes_skipped, 0);
        assert_int_equal(f.bytes_total, n);
        eco_hj212_framer_free(&f);
        free(g);
        free(b);
        n_ok++;
    }
    assert_int_equal(n_ok, 70);
    hv_free(&s);
}

static uint64_t rng = 0x243F6A8885A308D3ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 29);
}

static const char *const GARBAGE[] = {"AT+CSQ\r\n+CSQ: 23,0\r\n", "#", "##", "##12", "##ABCD", "\r\n", "\n\n",
                                      "+++", "##00x", "#\x01\x02##", "ATE0\r\nOK\r\n", "&&CP=&&", "##99"};

static void test_ok_vectors_random_splits_with_garbage(void **state)
{
    (void)state;
    hv_set_t s;
    NEED_SHARED(&s);
    eco_hj212_opts_t o = strict();
    /* all OK packets in a random order, garbage between, fed in random pieces */
    size_t cap = 1 << 16, n = 0;
    unsigned char *stream = malloc(cap);
    const hv_vec_t *order[256];
    int nf = 0;
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < s.n; i++)
            if (strcmp(s.v[i].verdict, "OK") == 0) order[nf++] = &s.v[i];
    for (int i = nf - 1; i > 0; i--) {
        int j = (int)(rnd() % (unsigned)(i + 1));
        const hv_vec_t *t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    size_t garbage = 0;
    for (int i = 0; i < nf; i++) {
        const char *gb = GARBAGE[rnd() % (sizeof GARBAGE / sizeof GARBAGE[0])];
        /* garbage that ends in a '#', or "##" + digits, must not be glued to a
         * frame's "##": keep such pieces apart with a newline */
        size_t gl = strlen(gb);
        memcpy(stream + n, gb, gl);
        n += gl;
        stream[n++] = '\n';
        garbage += gl + 1;
        memcpy(stream + n, order[i]->pkt, order[i]->n);
        n += order[i]->n;
        stream[n++] = '\r';
        stream[n++] = '\n';
        assert_true(n < cap - 2000);
    }
    for (int pass = 0; pass < 4; pass++) {
        eco_hj212_framer_t f;
        assert_int_equal(eco_hj212_framer_init(&f, &o, 0), 0);
        int frames = 0;
        size_t off = 0;
        while (off < n) {
            size_t want = pass == 0 ? 1 + rnd() % 7 : pass == 1 ? 1 + rnd() % 300 : pass == 2 ? 1 + rnd() % 5000 : n;
            if (want > n - off) want = n - off;
            off += eco_hj212_framer_feed(&f, stream + off, want);
            eco_hj212_frame_t fr;
            eco_err_t err;
            int rc;
            while ((rc = eco_hj212_framer_next(&f, &fr, &err)) != 0) {
                if (rc < 0) continue; /* garbage that looked like a header ("##99...") */
                assert_true(frames < nf);
                const hv_vec_t *v = order[frames];
                if (fr.segment.len != v->n - 10 || memcmp(fr.segment.ptr, v->pkt + 6, fr.segment.len) != 0)
                    fail_msg("pass %d: frame %d is not %s", pass, frames, v->id);
                frames++;
            }
        }
        assert_int_equal(frames, nf);
        assert_int_equal(f.frames_ok, (uint64_t)nf);
        assert_int_equal(f.bytes_total, n);
        assert_true(f.bytes_skipped >= garbage - 8 && f.bytes_skipped <= garbage + 8);
        eco_hj212_framer_free(&f);
    }
    free(stream);
    hv_free(&s);
}

/* ------------------------------------------------------------------ S1-S11 */

static unsigned char *vec_crlf(const hv_set_t *s, const char *id, size_t *n)
{
    const hv_vec_t *v = hv_find(s, id);
    if (!v) fail_msg("vector %s not in vectors.tsv", id);
    return hv_with_crlf(v, n);
}

static void test_s1_every_split(void **state)
{
    (void)state;
    hv_set_t s;
    NEED_SHARED(&s);
    size_t n = 0;
    unsigned char *b = vec_crlf(&s, "OFF17-A", &n);
    eco_hj212_opts_t o = strict();
    for (size_t cut = 0; cut <= n; cut++) {
        eco_hj212_framer_t f;
        eco_hj212_framer_init(&f, &o, 0);
        got_t *g = new_got();
        eco_hj212_framer_feed(&f, b, cut);
        drain(&f, g);
        eco_hj212_framer_feed(&f, b + cut, n - cut);
        drain(&f, g);
        if (g->frames != 1 || g->errors) fail_msg("S1 split at %zu: %d frames, %d errors", cut, g->frames, g->errors);
        assert_int_equal(g->len[0], 101);
        assert_int_equal(g->notes[0], 0);
        assert_int_equal(f.bytes_skipped, 0);
        free(g);
        eco_hj212_framer_free(&f);
    }
    free(b);
    hv_free(&s);
}

static void test_s2_two_in_one_read(void **state)
{
    (void)state;
    hv_set_t s;
    NEED_SHARED(&s);
    size_t n1 = 0, n2 = 0;
    unsigned char *a = vec_crlf(&s, "XY-0139", &n1), *b = vec_crlf(&s, "FL-0411", &n2);
    unsigned char *both = malloc(n1 + n2);
    memcpy(both, a, n1);
    memcpy(both + n1, b, n2);
    eco_hj212_opts_t o = strict();
    eco_hj212_framer_t f;
    eco_hj212_framer_init(&f, &o, 0);
    got_t *g = new_got();
    feed_all(&f, both, n1 + n2, 0, g);
    assert_int_equal(g->frames, 2);
    assert_int_equal(g->errors, 0);
    assert_int_equal(g->len[0], 139);
    assert_int_equal(g->len[1], 411);
    assert_memory_equal(g->seg[1], b + 6, 411);
    eco_hj212_framer_free(&f);
    free(g);
    free(a);
    free(b);
    free(both);
    hv_free(&s);
}

static void test_s3_garbage_then_frame(void **state)
{
    (void)state;
    hv_set_t s;
    NEED_SHARED(&s);
    size_t n = 0;
    unsigned char *b = vec_crlf(&s, "OFF17-A", &n);
    const char *gb = "AT+CSQ\r\n+CSQ: 23,0\r\n";
    unsigned char buf[512];
    memcpy(buf, gb, strlen(gb));
    memcpy(buf + strlen(gb), b, n);
    eco_hj212_opts_t o = strict();
    eco_hj212_framer_t f;
    eco_hj212_framer_init(&f, &o, 0);
    got_t *g = new_got();
    feed_all(&f, buf, strlen(gb) + n, 0, g);
    assert_int_equal(g->frames, 1);
    assert_int_equal(g->errors, 0);
    assert_int_equal(f.bytes_skipped, strlen(gb));
    eco_hj212_framer_free(&f);
    free(g);
    free(b);
    hv_free(&s);
}

static void test_s4_length_in_bytes(void **state)
{
    (void)state;
    hv_set_t s;
    NEED_SHARED(&s);
    size_t n = 0;
    unsigned char *b = vec_crlf(&s, "D17-C.40-3020-UTF8", &n);
    eco_hj212_opts_t o = strict();
    eco_hj212_framer_t f;
    eco_hj212_framer_init(&f, &o, 0);
    got_t *g = new_got();
    feed_all(&f, b, n, 3, g);
    assert_int_equal(g->frames, 1);
    assert_int_equal(g->len[0], 152); /* 144 characters */
    eco_hj212_framer_free(&f);
    free(g);
    free(b);
    hv_free(&s);
}

static void test_s5_markers_inside_the_payload(void **state)
{
    (void)state;
    hv_set_t s;
    NEED_SHARED(&s);
    size_t n = 0;
    char *pk = hv_md_quoted(s.md, "| S5 | derived", &n);
    assert_non_null(pk);
    unsigned char buf[512];
    memcpy(buf, pk, n);
    memcpy(buf + n, "\r\n", 2);
    eco_hj212_opts_t o = strict();
    eco_hj212_frame_t fr;
    eco_err_t err;
    assert_int_equal(eco_hj212_frame_check(buf, n + 2, &o, &fr, &err), 0);
    assert_int_equal(fr.segment.len, 170);
    eco_hj212_framer_t f;
    eco_hj212_framer_init(&f, &o, 0);
    got_t *g = new_got();
    feed_all(&f, buf, n + 2, 1, g);
    assert_int_equal(g->frames, 1);
    assert_int_equal(g->errors, 0);
    assert_int_equal(f.bytes_skipped, 0);
    static eco_hj212_packet_t pkt;
    assert_int_equal(eco_hj212_parse(fr.segment, &o, &pkt, &err), 0);
    eco_slice_t want = ECO_SLICE_LIT("DataTime=20160801085857;PolId=w01018;i11001-Info=//##cleaning##&&not-a-terminator//");
    assert_int_equal(pkt.cp.len, want.len);
    assert_memory_equal(pkt.cp.ptr, want.ptr, want.len);
    assert_int_equal(pkt.nfactors, 1);
    assert_true(eco_slice_eq(pkt.fields[0].value, "//##cleaning##&&not-a-terminator//"));
    eco_hj212_framer_free(&f);
    free(g);
    free(pk);
    hv_free(&s);
}

static void test_s6_bare_lf(void **state)
{
    (void)state;
    hv_set_t s;
    NEED_SHARED(&s);
    const hv_vec_t *v = hv_find(&s, "XY-0139");
    size_t n2 = 0;
    unsigned char *next = vec_crlf(&s, "OFF17-A", &n2);
    unsigned char buf[512];
    memcpy(buf, v->pkt, v->n);
    buf[v->n] = '\n';
    memcpy(buf + v->n + 1, next, n2);
    size_t n = v->n + 1 + n2;
    for (int tol = 0; tol < 2; tol++) {
        eco_hj212_opts_t o = tol ? tolerant() : strict();
        for (size_t piece = 0; piece < 3; piece++) {
            eco_hj212_framer_t f;
            eco_hj212_framer_init(&f, &o, 0);
            got_t *g = new_got();
            feed_all(&f, buf, n, piece, g);
            if (tol) { /* both frames; the first noted */
                assert_int_equal(g->frames, 2);
                assert_int_equal(g->errors, 0);
                assert_true(g->notes[0] & ECO_HJ212_FN_BARE_TRAILER);
                assert_int_equal(g->notes[1], 0);
            } else { /* the first refused (trailer), the second found */
                assert_int_equal(g->frames, 1);
                assert_int_equal(g->errors, 1);
                assert_int_equal(g->codes[0], ECO_EHJ212_FRAME);
                assert_int_equal(g->len[0], 101);
            }
            eco_hj212_framer_free(&f);
            free(g);
        }
        /* frame_check: strict refuses a bare "\n", tolerant accepts it */
        unsigned char one[200];
        memcpy(one, v->pkt, v->n);
        one[v->n] = '\n';
        eco_err_t err;
        eco_hj212_frame_t fr;
        int rc = eco_hj212_frame_check(one, v->n + 1, &o, &fr, &err);
        assert_int_equal(rc, tol ? 0 : ECO_EHJ212_FRAME);
        if (!tol) assert_non_null(strstr(err.msg, "bare"));
    }
    free(next);
    hv_free(&s);
}

static void test_s7_bad_length_then_good(void **state)
{
    (void)state;
    hv_set_t s;
    NEED_SHARED(&s);
    size_t n1 = 0, n2 = 0;
    unsigned char *a = vec_crlf(&s, "NEG-XY-I6", &n1), *b = vec_crlf(&s, "OFF17-A", &n2);
    unsigned char buf[1024];
    memcpy(buf, a, n1);
    memcpy(buf + n1, b, n2);
    eco_hj212_opts_t o = strict();
    for (size_t piece = 0; piece < 20; piece += 7) {
        eco_hj212_framer_t f;
        eco_hj212_framer_init(&f, &o, 0);
        got_t *g = new_got();
        feed_all(&f, buf, n1 + n2, piece, g);
        assert_int_equal(g->frames, 1);
        assert_int_equal(g->len[0], 101);
        assert_true(g->errors >= 1);
        assert_int_equal(g->codes[0], ECO_EHJ212_LEN);
        assert_int_equal(f.bad_len, 1);
        assert_int_equal(f.frames_ok, 1);
        eco_hj212_framer_free(&f);
        free(g);
    }
    /* the message says what and where */
    eco_hj212_framer_t f;
    eco_hj212_framer_init(&f, &o, 0);
    eco_hj212_framer_feed(&f, buf, n1 + n2);
    eco_hj212_frame_t fr;
    eco_err_t err;
    assert_int_equal(eco_hj212_framer_next(&f, &fr, &err), ECO_EHJ212_LEN);
    assert_non_null(strstr(err.msg, "BAD_LEN declared 215 actual 271"));
    assert_non_null(strstr(err.msg, "at stream offset 0"));
    eco_hj212_framer_free(&f);
    free(a);
    free(b);
    hv_free(&s);
}

/* a valid frame with a data segment of exactly len bytes */
static size_t oversize_frame(char *out, size_t len)
{
    char seg[10000];
    const char *head = "QN=20160801085857223;ST=32;CN=3020;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&"
                       "DataTime=20160801085857;PolId=w01018;i11001-Info=//";
    size_t k = strlen(head);
    memcpy(seg, head, k);
    while (k < len - 4) seg[k++] = 'x';
    memcpy(seg + k, "//&&", 4);
    return frame_of(out, seg, len, "%04X", "\r\n");
}

static void test_s8_oversize(void **state)
{
    (void)state;
    static char buf[12000];
    size_t n = oversize_frame(buf, 1025);
    assert_int_equal(n, 1025 + 12);
    eco_err_t err;
    eco_hj212_frame_t fr;
    eco_hj212_opts_t so = strict(), to = tolerant();
    assert_int_equal(eco_hj212_frame_check((unsigned char *)buf, n, &so, &fr, &err), ECO_EHJ212_TOOBIG);
    assert_non_null(strstr(err.msg, "1025"));
    assert_int_equal(eco_hj212_frame_check((unsigned char *)buf, n, &to, &fr, &err), 0);
    assert_true(fr.notes & ECO_HJ212_FN_OVERSIZE);
    /* the framer: strict drops it (and finds nothing else), tolerant takes it */
    for (int tol = 0; tol < 2; tol++) {
        eco_hj212_framer_t f;
        eco_hj212_framer_init(&f, tol ? &to : &so, 0);
        got_t *g = new_got();
        feed_all(&f, (unsigned char *)buf, n, 100, g);
        assert_int_equal(g->frames, tol);
        if (!tol) assert_int_equal(g->codes[0], ECO_EHJ212_TOOBIG);
        eco_hj212_framer_free(&f);
        free(g);
    }
    /* the largest a 4-digit length can declare */
    n = oversize_frame(buf, 9999);
    eco_hj212_framer_t f;
    eco_hj212_framer_init(&f, &to, 0);
    got_t *g = new_got();
    feed_all(&f, (unsigned char *)buf, n, 777, g);
    assert_int_equal(g->frames, 1);
    assert_int_equal(eco_hj212_frame_check((unsigned char *)buf, n, &to, &fr, &err), 0);
    assert_int_equal(fr.segment.len, 9999);
    eco_hj212_framer_free(&f);
    free(g);
}

static void test_s9_idle_partial(void **state)
{
    (void)state;
    eco_hj212_opts_t o = strict();
    eco_hj212_framer_t f;
    eco_hj212_framer_init(&f, &o, 0);
    eco_hj212_frame_t fr;
    eco_err_t err;
    assert_int_equal(eco_hj212_framer_feed(&f, "##00", 4), 4);
    for (int i = 0; i < 3; i++) assert_int_equal(eco_hj212_framer_next(&f, &fr, &err), 0);
    assert_int_equal(f.frames_ok, 0);
    eco_hj212_framer_free(&f); /* reaped after the idle timeout: nothing leaks */
    /* frame_check on the same bytes */
    unsigned char b[4] = {'#', '#', '0', '0'};
    assert_int_equal(eco_hj212_frame_check(b, 4, &o, &fr, &err), ECO_EHJ212_FRAME);
    assert_int_equal(eco_hj212_frame_check(b, 0, &o, &fr, &err), ECO_EHJ212_FRAME);
}

static void test_s10_non_digit_length(void **state)
{
    (void)state;
    char buf[400];
    const char *seg = "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&"
                      "RtdInterval=30&&";
    size_t k = (size_t)sprintf(buf, "##ABCD##12x");
    k += frame_of(buf + k, seg, strlen(seg), "%04X", "\r\n");
    eco_hj212_opts_t o = strict();
    eco_hj212_framer_t f;
    eco_hj212_framer_init(&f, &o, 0);
    got_t *g = new_got();
    feed_all(&f, (unsigned char *)buf, k, 1, g);
    assert_int_equal(g->frames, 1);
    assert_int_equal(g->errors, 0);
    assert_int_equal(g->len[0], 101);
    assert_int_equal(f.bytes_skipped, 11);
    eco_hj212_framer_free(&f);
    free(g);
    eco_err_t err;
    assert_int_equal(eco_hj212_frame_check((unsigned char *)"##ABCDQN=1&&1234", 16, &o, NULL, &err),
                     ECO_EHJ212_FRAME);
    assert_non_null(strstr(err.msg, "4 digits"));
}

static const uint8_t KEY0[16] = {'0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0'};

static void test_s11_sm4(void **state)
{
    (void)state;
    hv_set_t s;
    NEED_SHARED(&s);
    static const struct {
        const char *marker, *plain_id;
        size_t wire;
    } ex[2] = {{"example 2 (307 bytes):", "OFF25-A2-2P", 307}, {"example 4 (246 bytes):", "OFF25-A2-4P", 246}};
    for (int e = 0; e < 2; e++) {
        size_t n = 0;
        unsigned char *wire = hv_md_hex(s.md, ex[e].marker, &n);
        assert_non_null(wire);
        assert_int_equal(n, ex[e].wire);
        const hv_vec_t *plain = hv_find(&s, ex[e].plain_id);
        assert_non_null(plain);
        eco_hj212_opts_t o = strict();
        eco_hj212_frame_t fr;
        eco_err_t err;
        unsigned char *copy = malloc(n);

        /* no key: a clear CRYPTO error, not a CRC error */
        memcpy(copy, wire, n);
        assert_int_equal(eco_hj212_frame_check(copy, n, &o, &fr, &err), ECO_EHJ212_CRYPTO);
        assert_non_null(strstr(err.msg, "no SM4 key for MN=010000A8900016F000169DC0"));
        assert_memory_equal(copy, wire, n); /* untouched */

        /* a wrong key: the CRC fails after decryption, the bytes are restored */
        uint8_t bad[16];
        memcpy(bad, KEY0, 16);
        bad[0] = '1';
        o.sm4_key = bad;
        assert_int_equal(eco_hj212_frame_check(copy, n, &o, &fr, &err), ECO_EHJ212_CRC);
        assert_non_null(strstr(err.msg, "SM4"));
        assert_memory_equal(copy, wire, n);

        /* the right key: decrypted in place, CRC of the plaintext */
        o.sm4_key = KEY0;
        assert_int_equal(eco_hj212_frame_check(copy, n, &o, &fr, &err), 0);
        assert_true(fr.notes & ECO_HJ212_FN_DECRYPTED);
        assert_int_equal(fr.segment.len, plain->n - 10);
        assert_memory_equal(fr.segment.ptr, plain->pkt + 6, fr.segment.len);
        assert_int_equal(fr.crc_calc, (unsigned)strtoul(plain->crc_ok, NULL, 16));

        /* the framer, byte by byte and whole, with the key */
        for (size_t piece = 0; piece < 2; piece++) {
            eco_hj212_framer_t f;
            eco_hj212_framer_init(&f, &o, 0);
            got_t *g = new_got();
            feed_all(&f, wire, n, piece, g);
            assert_int_equal(g->frames, 1);
            assert_int_equal(g->errors, 0);
            assert_true(g->notes[0] & ECO_HJ212_FN_DECRYPTED);
            assert_memory_equal(g->seg[0], plain->pkt + 6, g->len[0]);
            eco_hj212_framer_free(&f);
            free(g);
        }
        /* and without: one CRYPTO drop, counted */
        eco_hj212_opts_t nk = strict();
        eco_hj212_framer_t f;
        eco_hj212_framer_init(&f, &nk, 0);
        got_t *g = new_got();
        feed_all(&f, wire, n, 0, g);
        assert_int_equal(g->frames, 0);
        assert_int_equal(g->codes[0], ECO_EHJ212_CRYPTO);
        eco_hj212_framer_free(&f);
        free(g);

        /* the plaintext form with a key configured is still plaintext */
        size_t pn = 0;
        unsigned char *pb = hv_with_crlf(plain, &pn);
        assert_int_equal(eco_hj212_frame_check(pb, pn, &o, &fr, &err), 0);
        assert_false(fr.notes & ECO_HJ212_FN_DECRYPTED);
        free(pb);
        free(copy);
        free(wire);
    }
    hv_free(&s);
}

/* ------------------------------------------------------------------ tolerated deviations */

static const char SEG[] =
    "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&";

static void test_lowercase_and_short_crc(void **state)
{
    (void)state;
    char buf[400];
    eco_err_t err;
    eco_hj212_frame_t fr;
    eco_hj212_opts_t so = strict(), to = tolerant();
    /* lowercase: fine in both modes, noted */
    size_t n = frame_of(buf, SEG, strlen(SEG), "%04x", "\r\n");
    assert_int_equal(eco_hj212_frame_check((unsigned char *)buf, n, &so, &fr, &err), 0);
    assert_true(fr.notes & ECO_HJ212_FN_LOWER_CRC);
    /* a CRC below 0x1000 printed with 3 digits (xiaoyao9184 issue #25): find one */
    char seg[200];
    int found = 0;
    for (int i = 0; i < 100000 && !found; i++) {
        int k = snprintf(seg, sizeof seg, "QN=2016080108585%04d;ST=32;CN=2011;PW=123456;MN=A;Flag=4;CP=&&&&", i);
        if (eco_hj212_crc(seg, (size_t)k) < 0x1000) found = k;
    }
    assert_true(found);
    n = frame_of(buf, seg, (size_t)found, "%X", "\r\n");
    assert_int_equal(n, (size_t)found + 6 + 3 + 2);
    assert_int_equal(eco_hj212_frame_check((unsigned char *)buf, n, &so, &fr, &err), ECO_EHJ212_FRAME);
    assert_non_null(strstr(err.msg, "3 hex digits"));
    assert_int_equal(eco_hj212_frame_check((unsigned char *)buf, n, &to, &fr, &err), 0);
    assert_true(fr.notes & ECO_HJ212_FN_SHORT_CRC);
    /* the framer, strict then tolerant */
    for (int tol = 0; tol < 2; tol++) {
        eco_hj212_framer_t f;
        eco_hj212_framer_init(&f, tol ? &to : &so, 0);
        got_t *g = new_got();
        feed_all(&f, (unsigned char *)buf, n, 1, g);
        assert_int_equal(g->frames, tol);
        if (tol) assert_true(g->notes[0] & ECO_HJ212_FN_SHORT_CRC);
        else assert_int_equal(g->codes[0], ECO_EHJ212_FRAME);
        eco_hj212_framer_free(&f);
        free(g);
    }
}

static void test_bare_cr_split(void **state)
{
    (void)state;
    /* tolerant: a "\r" that ends a read is accepted at once; its "\n" arriving
     * next is not garbage. A real bare "\r" is noted when the next byte is seen. */
    char buf[800];
    size_t n1 = frame_of(buf, SEG, strlen(SEG), "%04X", "\r\n");
    size_t n2 = frame_of(buf + n1, SEG, strlen(SEG), "%04X", "\r");
    size_t n3 = frame_of(buf + n1 + n2, SEG, strlen(SEG), "%04X", "\r\n");
    size_t n = n1 + n2 + n3;
    eco_hj212_opts_t to = tolerant();
    eco_hj212_framer_t f;
    eco_hj212_framer_init(&f, &to, 0);
    eco_hj212_frame_t fr;
    eco_err_t err;
    /* frame 1 up to its "\r" */
    eco_hj212_framer_feed(&f, buf, n1 - 1);
    assert_int_equal(eco_hj212_framer_next(&f, &fr, &err), 1);
    assert_int_equal(fr.notes, 0);
    assert_int_equal(eco_hj212_framer_next(&f, &fr, &err), 0);
    /* the rest */
    eco_hj212_framer_feed(&f, buf + n1 - 1, n - n1 + 1);
    assert_int_equal(eco_hj212_framer_next(&f, &fr, &err), 1);
    assert_true(fr.notes & ECO_HJ212_FN_BARE_TRAILER); /* frame 2: "\r" then '#' */
    assert_int_equal(eco_hj212_framer_next(&f, &fr, &err), 1);
    assert_int_equal(fr.notes, 0);
    assert_int_equal(eco_hj212_framer_next(&f, &fr, &err), 0);
    assert_int_equal(f.bytes_skipped, 0);
    assert_int_equal(f.frames_ok, 3);
    eco_hj212_framer_free(&f);
}

static void test_legacy_crc_profile(void **state)
{
    (void)state;
    char buf[400];
    size_t L = strlen(SEG);
    size_t k = (size_t)sprintf(buf, "##%04zu%s%04X\r\n", L, SEG, eco_hj212_crc_alg(ECO_HJ212_CRC_MODBUS, SEG, L));
    assert_non_null(strstr(buf, "0759"));
    eco_err_t err;
    eco_hj212_frame_t fr;
    eco_hj212_opts_t so = strict(), to = tolerant();
    assert_int_equal(eco_hj212_frame_check((unsigned char *)buf, k, &so, &fr, &err), ECO_EHJ212_CRC);
    assert_non_null(strstr(err.msg, "BAD_CRC expected 1C80 got 0759"));
    assert_non_null(strstr(err.msg, "MODBUS")); /* the hint */
    to.crc_alg = ECO_HJ212_CRC_MODBUS;
    assert_int_equal(eco_hj212_frame_check((unsigned char *)buf, k, &to, &fr, &err), 0);
    assert_true(fr.notes & ECO_HJ212_FN_ALT_CRC);
    to.crc_alg = ECO_HJ212_CRC_MODBUS_SWAP;
    assert_int_equal(eco_hj212_frame_check((unsigned char *)buf, k, &to, &fr, &err), ECO_EHJ212_CRC);
    k = (size_t)sprintf(buf, "##%04zu%s%04X\r\n", L, SEG, eco_hj212_crc_alg(ECO_HJ212_CRC_MODBUS_SWAP, SEG, L));
    assert_int_equal(eco_hj212_frame_check((unsigned char *)buf, k, &to, &fr, &err), 0);
    assert_true(fr.notes & ECO_HJ212_FN_ALT_CRC);
    /* and through the framer */
    eco_hj212_framer_t f;
    eco_hj212_framer_init(&f, &to, 0);
    got_t *g = new_got();
    feed_all(&f, (unsigned char *)buf, k, 5, g);
    assert_int_equal(g->frames, 1);
    assert_true(g->notes[0] & ECO_HJ212_FN_ALT_CRC);
    eco_hj212_framer_free(&f);
    free(g);
}

static void test_length_in_characters(void **state)
{
    (void)state;
    hv_set_t s;
    NEED_SHARED(&s);
    /* D17-C.40-3020-UTF8 as a String.length() device would frame it: 0144 */
    const hv_vec_t *v = hv_find(&s, "D17-C.40-3020-UTF8");
    size_t n = 0;
    unsigned char *b = hv_with_crlf(v, &n);
    memcpy(b + 2, "0144", 4);
    eco_err_t err;
    eco_hj212_frame_t fr;
    eco_hj212_opts_t so = strict(), to = tolerant();
    unsigned char *c = malloc(n);
    memcpy(c, b, n);
    assert_int_equal(eco_hj212_frame_check(c, n, &so, &fr, &err), ECO_EHJ212_LEN);
    assert_non_null(strstr(err.msg, "declared 144 actual 152"));
    assert_int_equal(eco_hj212_frame_check(c, n, &to, &fr, &err), 0);
    assert_true(fr.notes & ECO_HJ212_FN_CHAR_LEN);
    assert_int_equal(fr.segment.len, 152);
    for (size_t piece = 0; piece < 3; piece++) {
        for (int tol = 0; tol < 2; tol++) {
            eco_hj212_framer_t f;
            eco_hj212_framer_init(&f, tol ? &to : &so, 0);
            got_t *g = new_got();
            feed_all(&f, b, n, piece, g);
            assert_int_equal(g->frames, tol);
            if (tol) {
                assert_int_equal(g->len[0], 152);
                assert_true(g->notes[0] & ECO_HJ212_FN_CHAR_LEN);
            }
            eco_hj212_framer_free(&f);
            free(g);
        }
    }
    free(c);
    free(b);
    hv_free(&s);
}

static void test_bounded_buffer(void **state)
{
    (void)state;
    /* feed takes what fits; draining makes room; nothing is lost */
    eco_hj212_opts_t o = strict();
    eco_hj212_framer_t f;
    assert_int_equal(eco_hj212_framer_init(&f, &o, 100), 0); /* raised to the minimum */
    assert_int_equal(f.cap, ECO_HJ212_MAX_FRAME);
    static char stream[200000];
    size_t n = 0, one = 0;
    int frames = 0, want = 0;
    while (n + 200 < sizeof stream) {
        one = frame_of(stream + n, SEG, strlen(SEG), "%04X", "\r\n");
        n += one;
        want++;
    }
    size_t off = 0;
    int short_feeds = 0;
    while (off < n) {
        size_t took = eco_hj212_framer_feed(&f, stream + off, n - off);
        if (took < n - off) short_feeds++;
        off += took;
        eco_hj212_frame_t fr;
        eco_err_t err;
        int rc;
        while ((rc = eco_hj212_framer_next(&f, &fr, &err)) != 0) {
            assert_int_equal(rc, 1);
            frames++;
        }
        assert_true(f.len <= f.cap);
    }
    assert_true(short_feeds > 0);
    assert_int_equal(frames, want);
    assert_int_equal(f.bytes_skipped, 0);
    /* a buffer full of garbage never blocks: it is skipped */
    static char junk[30000];
    memset(junk, 'x', sizeof junk);
    off = 0;
    while (off < sizeof junk) {
        size_t took = eco_hj212_framer_feed(&f, junk + off, sizeof junk - off);
        assert_true(took > 0);
        off += took;
        eco_hj212_frame_t fr;
        eco_err_t err;
        assert_int_equal(eco_hj212_framer_next(&f, &fr, &err), 0);
    }
    eco_hj212_framer_free(&f);
    eco_hj212_framer_free(&f); /* twice is harmless */
    (void)one;
}

static void test_frame_check_messages(void **state)
{
    (void)state;
    char buf[400];
    size_t n = frame_of(buf, SEG, strlen(SEG), "%04X", "\r\n");
    eco_err_t err;
    eco_hj212_opts_t o = strict();
    buf[n - 3] = '1'; /* 1C80 -> 1C81 */
    assert_int_equal(eco_hj212_frame_check((unsigned char *)buf, n, &o, NULL, &err), ECO_EHJ212_CRC);
    assert_string_equal(err.msg, "BAD_CRC expected 1C80 got 1C81 at byte 107");
    /* length 99 declared for 101 bytes, CRC right for the 101 */
    n = frame_of(buf, SEG, strlen(SEG), "%04X", "\r\n");
    memcpy(buf + 2, "0099", 4);
    assert_int_equal(eco_hj212_frame_check((unsigned char *)buf, n, &o, NULL, &err), ECO_EHJ212_LEN);
    assert_non_null(strstr(err.msg, "BAD_LEN declared 99 actual 101"));
    /* both wrong */
    buf[n - 3] = '1';
    assert_int_equal(eco_hj212_frame_check((unsigned char *)buf, n, &o, NULL, &err), ECO_EHJ212_LEN_CRC);
    assert_non_null(strstr(err.msg, "BAD_LEN+BAD_CRC declared 99 actual 101"));
    assert_non_null(strstr(err.msg, "expected 1C80 got 1C81"));
    /* not a frame */
    assert_int_equal(eco_hj212_frame_check((unsigned char *)"QN=1", 4, &o, NULL, &err), ECO_EHJ212_FRAME);
    assert_non_null(strstr(err.msg, "##"));
    /* the framer's messages name the stream offset */
    n = frame_of(buf, SEG, strlen(SEG), "%04X", "\r\n");
    buf[n - 3] = '1';
    eco_hj212_framer_t f;
    eco_hj212_framer_init(&f, &o, 0);
    eco_hj212_framer_feed(&f, "garbage", 7);
    eco_hj212_framer_feed(&f, buf, n);
    eco_hj212_frame_t fr;
    assert_int_equal(eco_hj212_framer_next(&f, &fr, &err), ECO_EHJ212_CRC);
    assert_string_equal(err.msg, "BAD_CRC expected 1C80 got 1C81 at stream offset 114");
    assert_int_equal(f.bad_crc, 1);
    assert_int_equal(eco_hj212_framer_next(&f, &fr, &err), 0);
    eco_hj212_framer_free(&f);
}

static void test_opts_and_names(void **state)
{
    (void)state;
    eco_hj212_opts_t o;
    memset(&o, 0x5A, sizeof o);
    eco_hj212_opts_default(&o);
    assert_int_equal(o.tolerant, 0);
    assert_int_equal(o.crc_alg, ECO_HJ212_CRC_STD);
    assert_null(o.sm4_key);
    assert_int_equal(o.reply_when_no_flag, 1);
    assert_string_equal(eco_hj212_edition_name(ECO_HJ212_ED_2005), "2005");
    assert_string_equal(eco_hj212_edition_name(ECO_HJ212_ED_2017), "2017");
    assert_string_equal(eco_hj212_edition_name(ECO_HJ212_ED_2025), "2025");
    assert_string_equal(eco_hj212_edition_name(ECO_HJ212_ED_OTHER), "other");
    assert_int_equal(eco_hj212_flag_version(5), 1);
    assert_int_equal(eco_hj212_flag_version(9), 2);
}

/* The framer reads the usual trailer (4 hex digits, CR LF) by a quick path of
 * its own: for trailers of every case mix and near misses (a digit replaced by
 * each byte, CR or LF replaced or missing), in both modes, it must say what
 * eco_hj212_frame_check says: verdict, CRC sent, notes. */
static void test_framer_trailer_like_check(void **state)
{
    (void)state;
    eco_hj212_opts_t so = strict(), to = tolerant();
    char crc[8], buf[400];
    int checked = 0;
    for (int round = 0; round < 4000; round++) {
        size_t L = strlen(SEG);
        unsigned v = round < 2 ? 0xABCD : eco_hj212_crc(SEG, L);
        snprintf(crc, sizeof crc, "%04X", v);
        for (int i = 0; i < 4; i++) /* a case mix */
            if (rnd() & 1) crc[i] = (char)tolower((unsigned char)crc[i]);
        const char *tr = "\r\n";
        char trb[3];
        int what = (int)(rnd() % 8);
        if (what == 0) crc[rnd() % 4] = (char)(rnd() % 256 ? rnd() % 256 : 'G'); /* any byte for a digit */
        if (what == 1) tr = rnd() & 1 ? "\n" : "\r";
        if (what == 2) {
            trb[0] = '\r';
            trb[1] = (char)(rnd() % 256);
            trb[2] = 0;
            tr = trb;
        }
        size_t n = (size_t)snprintf(buf, sizeof buf, "##%04zu%s%s%s", L, SEG, crc, tr);
        if (what == 3 && n > 0) n -= 1 + rnd() % 3; /* cut in the trailer */
        for (int tol = 0; tol < 2; tol++) {
            const eco_hj212_opts_t *o = tol ? &to : &so;
            eco_hj212_frame_t a, b;
            eco_err_t e1, e2;
            eco_err_clear(&e1);
            eco_err_clear(&e2);
            int r1 = eco_hj212_frame_check((unsigned char *)buf, n, o, &a, &e1);
            eco_hj212_framer_t f;
            assert_int_equal(eco_hj212_framer_init(&f, o, 0), 0);
            eco_hj212_framer_feed(&f, buf, n);
            eco_hj212_framer_feed(&f, "##", 2); /* so that a frame cut short is not waited for forever */
            int r2 = eco_hj212_framer_next(&f, &b, &e2);
            /* with a CR LF after the 4 characters both judge alike (without
             * one the framer waits for, or resyncs on, more bytes, while a
             * packet checked alone may lack its trailer) */
            int full = what == 0 || what > 3;
            if (full && !tol && (r1 == 0) != (r2 == 1))
                fail_msg("'%.*s' strict: check %d (%s), framer %d (%s)", (int)(n - 6 - L), buf + 6 + L, r1, e1.msg, r2,
                         e2.msg);
            if (full && tol && r1 == 0 && r2 != 1)
                fail_msg("'%.*s' tolerant: check ok, framer %d (%s)", (int)(n - 6 - L), buf + 6 + L, r2, e2.msg);
            if (r1 == 0 && r2 == 1 && b.segment.len == L) {
                assert_int_equal(a.crc_sent, b.crc_sent);
                assert_int_equal(a.crc_calc, b.crc_calc);
                if (a.notes != b.notes)
                    fail_msg("'%.*s' tol %d: notes %#x vs %#x", (int)(n - 6 - L), buf + 6 + L, tol, a.notes, b.notes);
                checked++;
            }
            eco_hj212_framer_free(&f);
        }
    }
    assert_true(checked > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_framer_trailer_like_check),
        cmocka_unit_test(test_vector_verdicts),
        cmocka_unit_test(test_packet_files),
        cmocka_unit_test(test_ok_vectors_byte_at_a_time),
        cmocka_unit_test(test_ok_vectors_random_splits_with_garbage),
        cmocka_unit_test(test_s1_every_split),
        cmocka_unit_test(test_s2_two_in_one_read),
        cmocka_unit_test(test_s3_garbage_then_frame),
        cmocka_unit_test(test_s4_length_in_bytes),
        cmocka_unit_test(test_s5_markers_inside_the_payload),
        cmocka_unit_test(test_s6_bare_lf),
        cmocka_unit_test(test_s7_bad_length_then_good),
        cmocka_unit_test(test_s8_oversize),
        cmocka_unit_test(test_s9_idle_partial),
        cmocka_unit_test(test_s10_non_digit_length),
        cmocka_unit_test(test_s11_sm4),
        cmocka_unit_test(test_lowercase_and_short_crc),
        cmocka_unit_test(test_bare_cr_split),
        cmocka_unit_test(test_legacy_crc_profile),
        cmocka_unit_test(test_length_in_characters),
        cmocka_unit_test(test_bounded_buffer),
        cmocka_unit_test(test_frame_check_messages),
        cmocka_unit_test(test_opts_and_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
