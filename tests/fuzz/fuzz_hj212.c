/* fuzz_hj212.c — libFuzzer target for the HJ 212 codec (src/hj212/hj212.h).
 *
 * Why: the codec is the first code to touch bytes from the network — from
 * any DAU on the internet that can open a TCP connection — so no input may
 * crash it, leak, loop or read out of bounds, and it must keep its promises
 * on inputs nobody thought of. The whole input is a byte stream; the
 * options (strict/tolerant, legacy CRC, an SM4 key, the reply policy, a code
 * memo) and the read sizes are derived from a hash of it, so every input is
 * tried under one configuration and one split pattern, and a mutation moves
 * it to others. Besides the sanitizers, these oracles turn wrong answers into
 * crashes:
 *   1. the framer gives the same frames and the same errors (codes and
 *      messages) whether the stream arrives in one read or in small random
 *      reads — except for two things that depend, by design, on what has
 *      arrived so far, and are masked: a "\r" ending a read may drop the
 *      bare-trailer note, and a BAD_LEN message's guess at the real length
 *      ("actual N (judged from the next CRLF)") needs that CRLF to be there;
 *   2. every parsed packet keeps the invariants: factors tile the field
 *      array, every slice lies inside the segment, at most 16 notes with
 *      offsets inside it; every number equals what strtod makes of the raw
 *      text (or both say "not a number");
 *   3. a reply owed is a frame that frame_check accepts and that parses back
 *      to the reply CN, echoing QN and MN;
 *   4. a parsed packet re-encoded (header fields + CP text) frames, checks
 *      and parses back to the same fields — also SM4-encrypted when the key
 *      is set;
 *   5. eco_hj212_frame_check + parse on the whole input, and parse of the
 *      whole input as a data segment, keep 2;
 *   6. the parser's fast paths give exactly the packet (slices, numbers,
 *      notes, errors) of its general reading (eco_hj212_parse_general).
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "hj212/hj212.h"

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "fuzz_hj212: check failed: %s (line %d)\n", #cond, __LINE__); \
            abort();                                                                   \
        }                                                                              \
    } while (0)

static eco_hj212_packet_t pkt, back;
static const uint8_t KEY[16] = {'0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0'};

static int inside(eco_slice_t s, eco_slice_t seg)
{
    if (s.len == 0) return 1;
    return s.ptr >= seg.ptr && s.ptr + s.len <= seg.ptr + seg.len;
}

static int same(eco_slice_t a, eco_slice_t b) { return a.len == b.len && (a.len == 0 || !memcmp(a.ptr, b.ptr, a.len)); }

/* oracle 2 */
static void check_packet(const eco_hj212_packet_t *p, eco_slice_t seg)
{
    CHECK(p->nparams <= ECO_HJ212_MAX_PARAMS && p->nfactors <= ECO_HJ212_MAX_FACTORS &&
          p->nfields <= ECO_HJ212_MAX_FIELDS && p->nnotes <= ECO_HJ212_MAX_NOTES);
    const eco_slice_t hs[] = {p->qn, p->st, p->cn, p->pw, p->mn, p->flag_text, p->pnum_text, p->pno_text, p->rf,
                              p->cp, p->datatime};
    for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++) CHECK(inside(hs[i], seg));
    uint32_t at = 0;
    for (uint32_t f = 0; f < p->nfactors; f++) {
        CHECK(p->factors[f].first == at && p->factors[f].n >= 1);
        CHECK(inside(p->factors[f].code, seg));
        at += p->factors[f].n;
    }
    CHECK(at == p->nfields);
    for (uint32_t i = 0; i < p->nfields; i++) {
        const eco_hj212_field_t *fl = &p->fields[i];
        CHECK(inside(fl->suffix, seg) && inside(fl->value, seg));
        double v;
        int ok = eco_slice_to_double(fl->value, &v) == 0;
        if (ok)
            CHECK(fl->num == v || (v == 0 && fl->num == 0));
        else
            CHECK(isnan(fl->num));
    }
    for (uint32_t i = 0; i < p->nparams; i++) CHECK(inside(p->params[i].key, seg) && inside(p->params[i].value, seg));
    for (uint32_t i = 0; i < p->nnotes; i++) {
        CHECK(p->notes[i].offset <= seg.len);
        CHECK(memchr(p->notes[i].text, '\0', sizeof p->notes[i].text) != NULL);
        CHECK(p->notes[i].code >= ECO_HJ212_N_ORDER && p->notes[i].code <= ECO_HJ212_N_TRUNCATED);
    }
    if (p->has_time) CHECK(p->datatime.len == 14 || p->datatime.len == 17);
    CHECK(p->edition >= ECO_HJ212_ED_2005 && p->edition <= ECO_HJ212_ED_OTHER);
    CHECK(p->flag >= -1 && p->flag <= 255);
}

/* parse.c: the parse by the general reading only (no fast path) */
int eco_hj212_parse_general(eco_slice_t segment, const eco_hj212_opts_t *o, eco_hj212_packet_t *pkt, eco_err_t *err);

static int ident(eco_slice_t a, eco_slice_t b) { return a.len == b.len && (a.len == 0 || a.ptr == b.ptr); }

/* oracle 6: the fast paths give the packet the general reading gives */
static void same_as_general(const eco_hj212_packet_t *a, const eco_hj212_packet_t *b)
{
    CHECK(ident(a->qn, b->qn) && ident(a->st, b->st) && ident(a->cn, b->cn) && ident(a->pw, b->pw) &&
          ident(a->mn, b->mn) && ident(a->flag_text, b->flag_text) && ident(a->pnum_text, b->pnum_text) &&
          ident(a->pno_text, b->pno_text) && ident(a->rf, b->rf) && ident(a->cp, b->cp) &&
          ident(a->datatime, b->datatime));
    CHECK(a->has_qn == b->has_qn && a->has_flag == b->has_flag && a->flag == b->flag && a->cn_num == b->cn_num &&
          a->pnum == b->pnum && a->pno == b->pno && a->edition == b->edition && a->ack_wanted == b->ack_wanted &&
          a->backfill == b->backfill && a->has_time == b->has_time && (!a->has_time || a->time == b->time));
    CHECK(a->nparams == b->nparams && a->nfactors == b->nfactors && a->nfields == b->nfields &&
          a->nnotes == b->nnotes);
    for (uint32_t i = 0; i < a->nparams; i++)
        CHECK(ident(a->params[i].key, b->params[i].key) && ident(a->params[i].value, b->params[i].value));
    for (uint32_t i = 0; i < a->nfactors; i++)
        CHECK(ident(a->factors[i].code, b->factors[i].code) && a->factors[i].info == b->factors[i].info &&
              a->factors[i].first == b->factors[i].first && a->factors[i].n == b->factors[i].n);
    for (uint32_t i = 0; i < a->nfields; i++) {
        const eco_hj212_field_t *x = &a->fields[i], *y = &b->fields[i];
        CHECK(ident(x->suffix, y->suffix) && ident(x->value, y->value));
        CHECK(memcmp(&x->num, &y->num, sizeof x->num) == 0 || (isnan(x->num) && isnan(y->num)));
    }
    for (uint32_t i = 0; i < a->nnotes; i++)
        CHECK(a->notes[i].code == b->notes[i].code && a->notes[i].offset == b->notes[i].offset &&
              strcmp(a->notes[i].text, b->notes[i].text) == 0);
}

static void parse_and_check(eco_slice_t seg, const eco_hj212_opts_t *o)
{
    eco_err_t err, err2;
    int rc = eco_hj212_parse(seg, o, &pkt, &err);
    int rc2 = eco_hj212_parse_general(seg, o, &back, &err2);
    CHECK(rc == rc2);
    if (rc) CHECK(strcmp(err.msg, err2.msg) == 0);
    else same_as_general(&pkt, &back);
    if (rc) {
        CHECK(rc == ECO_EHJ212_SYNTAX || rc == ECO_EHJ212_TOOBIG);
        CHECK(err.code == rc && err.msg[0]);
        return;
    }
    check_packet(&pkt, seg);
}

/* oracles 3 and 4 on the packet just parsed from seg */
static void replies_and_round_trip(const eco_hj212_opts_t *o, eco_buf_t *out)
{
    eco_err_t err;
    eco_hj212_frame_t fr;
    eco_buf_reset(out);
    int cn = eco_hj212_reply_for(&pkt, out);
    CHECK(cn == 0 || cn == 9013 || cn == 9014 || cn == ECO_EINVAL || cn == ECO_EHJ212_TOOBIG || cn == ECO_ENOMEM);
    if (cn > 0) {
        CHECK(eco_hj212_frame_check((unsigned char *)out->data, out->len, NULL, &fr, &err) == 0);
        CHECK(eco_hj212_parse(fr.segment, NULL, &back, &err) == 0);
        CHECK(back.cn_num == cn && back.cp.len == 0);
        CHECK(same(back.qn, pkt.qn) && same(back.mn, pkt.mn) && same(back.pw, pkt.pw));
    }

    /* re-encode */
    eco_hj212_msg_t m = {pkt.qn, pkt.st, pkt.pw, pkt.mn, pkt.cn_num,
                         pkt.has_flag ? pkt.flag : -1, pkt.pnum, pkt.pno, pkt.backfill, pkt.cp};
    if (pkt.has_flag && pkt.flag < 0) return; /* "Flag=x": nothing to re-encode */
    eco_buf_reset(out);
    int rc = eco_hj212_encode(&m, o->sm4_key, out);
    if (rc) {
        CHECK(rc == ECO_EINVAL || rc == ECO_EHJ212_TOOBIG || rc == ECO_ENOMEM);
        return;
    }
    eco_hj212_opts_t o2;
    eco_hj212_opts_default(&o2);
    o2.sm4_key = o->sm4_key;
    rc = eco_hj212_frame_check((unsigned char *)out->data, out->len, &o2, &fr, &err);
    if (rc) {
        fprintf(stderr, "fuzz_hj212: re-encoded frame refused: %s\n%.*s\n", err.msg, (int)out->len, out->data);
        abort();
    }
    CHECK(eco_hj212_parse(fr.segment, &o2, &back, &err) == 0);
    CHECK(same(back.qn, pkt.qn) && same(back.st, pkt.st) && same(back.pw, pkt.pw) && same(back.mn, pkt.mn));
    CHECK(back.cn_num == pkt.cn_num && back.flag == m.flag && back.pnum == pkt.pnum && back.pno == pkt.pno);
    CHECK(back.backfill == pkt.backfill);
    CHECK(same(back.cp, pkt.cp));
    CHECK(back.nfields == pkt.nfields && back.nfactors == pkt.nfactors); /* params: unknown header fields too */
}

/* one framer run; the transcript records frames and errors */
static void run_framer(const uint8_t *data, size_t size, const eco_hj212_opts_t *o, uint64_t seed, int split,
                       eco_buf_t *tr, eco_buf_t *scratch, int deep)
{
    eco_hj212_framer_t f;
    CHECK(eco_hj212_framer_init(&f, o, seed % 3 == 0 ? 0 : ECO_HJ212_MAX_FRAME) == 0);
    size_t off = 0;
    unsigned long long steps = 0;
    uint64_t r = seed | 1;
    while (off < size || steps == 0) {
        size_t want = size - off;
        if (split) {
            r ^= r << 13;
            r ^= r >> 7;
            r ^= r << 17;
            size_t cap = (r >> 60) < 8 ? 8 : 600;
            want = 1 + (size_t)(r % cap);
            if (want > size - off) want = size - off;
        }
        size_t took = eco_hj212_framer_feed(&f, data + off, want);
        off += took;
        CHECK(f.len <= f.cap);
        eco_hj212_frame_t fr;
        eco_err_t err;
        int rc;
        while ((rc = eco_hj212_framer_next(&f, &fr, &err)) != 0) {
            CHECK(++steps < 10000000ULL);
            if (rc < 0) {
                CHECK(rc == err.code);
                CHECK(rc == ECO_EHJ212_FRAME || rc == ECO_EHJ212_LEN || rc == ECO_EHJ212_CRC ||
                      rc == ECO_EHJ212_TOOBIG || rc == ECO_EHJ212_CRYPTO);
                char *guess = strstr(err.msg, " actual "), *end = guess ? strstr(guess, "(judged from the next CRLF)") : NULL;
                if (guess && end) memmove(guess, end + 27, strlen(end + 27) + 1);
                eco_buf_printf(tr, "E%d %s\n", rc, err.msg);
                continue;
            }
            CHECK(rc == 1);
            CHECK(fr.segment.ptr >= (const char *)f.buf && fr.segment.ptr + fr.segment.len <= (const char *)f.buf + f.len);
            CHECK(fr.segment.len <= ECO_HJ212_MAX_LEN && fr.frame_len >= fr.segment.len + 8);
            CHECK(o->tolerant || (fr.segment.len <= ECO_HJ212_MAX_STD_LEN && fr.frame_len == fr.segment.len + 12));
            eco_buf_printf(tr, "F%llu %d %04X %04X %u %zu:", (unsigned long long)fr.offset, fr.declared_len,
                           fr.crc_sent, fr.crc_calc, fr.notes & ~(unsigned)ECO_HJ212_FN_BARE_TRAILER, fr.segment.len);
            eco_buf_append(tr, fr.segment.ptr, fr.segment.len);
            eco_buf_putc(tr, '\n');
            if (deep) {
                parse_and_check(fr.segment, o);
                eco_err_t e2;
                if (eco_hj212_parse(fr.segment, o, &pkt, &e2) == 0) replies_and_round_trip(o, scratch);
            }
        }
        if (off >= size) break;
        steps++;
    }
    CHECK(f.bytes_total == size);
    CHECK(f.frames_ok + f.bad_frame + f.bad_len + f.bad_crc < size + 1);
    eco_hj212_framer_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * 1099511628211ull;
    eco_hj212_opts_t o;
    eco_hj212_opts_default(&o);
    o.tolerant = (int)(h >> 7 & 1);
    o.crc_alg = (eco_hj212_crc_alg_t)((h >> 9) % 3);
    o.sm4_key = (h >> 11 & 3) == 0 ? KEY : NULL;
    o.reply_when_no_flag = (int)(h >> 13 & 1);

    eco_buf_t a = ECO_BUF_INIT, b = ECO_BUF_INIT, scratch = ECO_BUF_INIT;
    /* 1. one read vs small reads (the copy: decryption writes into the framer's buffer only) */
    run_framer(data, size, &o, h, 0, &a, &scratch, 1);
    run_framer(data, size, &o, h * 31 + 7, 1, &b, &scratch, 0);
    if (a.len != b.len || (a.len && memcmp(a.data, b.data, a.len) != 0)) {
        fprintf(stderr, "fuzz_hj212: one read and split reads disagree\n--- one read:\n%.*s\n--- split:\n%.*s\n",
                (int)a.len, a.data, (int)b.len, b.data);
        abort();
    }
    CHECK(!a.oom && !b.oom);

    /* 5. the whole input as one packet, and as one data segment */
    if (size <= ECO_HJ212_MAX_FRAME + 2) {
        unsigned char *copy = malloc(size ? size : 1);
        if (size) memcpy(copy, data, size);
        eco_hj212_frame_t fr;
        eco_err_t err;
        int rc = eco_hj212_frame_check(copy, size, &o, &fr, &err);
        if (rc == 0) {
            CHECK((const unsigned char *)fr.segment.ptr == copy + 6);
            CHECK(fr.segment.len == (size_t)fr.declared_len || (o.tolerant && (fr.notes & ECO_HJ212_FN_CHAR_LEN)));
            parse_and_check(fr.segment, &o);
        } else {
            CHECK(rc == err.code && err.msg[0]);
        }
        free(copy);
    }
    parse_and_check((eco_slice_t){(const char *)data, size}, &o);

    eco_buf_free(&a);
    eco_buf_free(&b);
    eco_buf_free(&scratch);
    return 0;
}
