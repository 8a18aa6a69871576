/* frame.c — finding HJ 212 frames in a byte stream, and judging one packet.
 *
 * Why a state machine and not a line reader: TCP delivers a frame in pieces,
 * several frames in one read, modem chatter ("AT+CSQ") between them, and a
 * 2025 frame's encrypted CP may hold any byte, "\r\n" and "##" included. So
 * frames are cut by their declared length, never by a delimiter search, and a
 * broken candidate costs two bytes, not the rest of the connection
 * (../shared/reference/hj212.md §7.1):
 *
 *   scan for "##" (bytes before it are garbage: skipped and counted)
 *   -> 4 ASCII digits L, else skip one byte and rescan
 *   -> strict: L <= 1024, else ECO_EHJ212_TOOBIG (tolerant: up to 9999, noted)
 *   -> wait for 6 + L + 4 + 2 bytes; after the segment: 4 hex digits and
 *      "\r\n" (tolerant: 1-4 digits and "\r\n", "\n" or "\r")
 *   -> CRC of bytes [6, 6+L) against the digits, case-insensitively
 *   -> any failure: drop the two bytes of "##" and rescan, keeping the rest.
 *
 * 2025 (HJ 212-2025 §6.4.2, A.2): uploads (CN 2000-2999), 1014 and 3020 may
 * carry an SM4-ECB encrypted CP region — from after the first "CP=&&" to two
 * bytes before the end of the segment, whole 16-byte blocks only — and the
 * CRC is over the PLAINTEXT. A frame is treated as encrypted when its Flag has
 * the 2025 version bits, its CN is one of those, and either the region does
 * not look like text (control bytes or invalid UTF-8: 16 random bytes pass
 * for text with probability < 1e-7) or the CRC fails on the raw bytes and
 * passes after decryption. With a key the region is decrypted in place (and
 * restored when that does not make the CRC pass); without one such a frame is
 * ECO_EHJ212_CRYPTO ("encrypted CP and no SM4 key for MN=..."), not a CRC
 * error, so the operator knows what is missing.
 *
 * eco_hj212_frame_check judges one packet held in memory (a line of a capture
 * file): there the real segment length is known, so a wrong length is
 * reported with the actual one, and a wrong length and a wrong CRC together
 * are ECO_EHJ212_LEN_CRC (the verdict BAD_LEN+BAD_CRC of the shared vectors;
 * the CRC is then judged over the bytes actually present).
 *
 * Error codes: ECO_EHJ212_FRAME (no "##", non-digit length, a trailer strict
 * mode refuses), ECO_EHJ212_LEN, ECO_EHJ212_CRC, ECO_EHJ212_LEN_CRC,
 * ECO_EHJ212_TOOBIG (declared length over 1024 in strict mode, over 9999
 * never possible), ECO_EHJ212_CRYPTO. Messages name the value and the offset:
 * "BAD_CRC expected 1C80 got 1C81 at stream offset 0".
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "hj212/hj212.h"

void eco_hj212_opts_default(eco_hj212_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->tolerant = 0;
    o->crc_alg = ECO_HJ212_CRC_STD;
    o->sm4_key = NULL;
    o->reply_when_no_flag = 1;
}

const char *eco_hj212_edition_name(eco_hj212_edition_t ed)
{
    switch (ed) {
    case ECO_HJ212_ED_2005: return "2005";
    case ECO_HJ212_ED_2017: return "2017";
    case ECO_HJ212_ED_2025: return "2025";
    case ECO_HJ212_ED_OTHER: break;
    }
    return "other";
}

/* ------------------------------------------------------------------ small helpers */

static inline int hexval(unsigned c)
{
    if (c - '0' < 10u) return (int)(c - '0');
    c |= 0x20;
    if (c - 'a' < 6u) return (int)(c - 'a' + 10);
    return -1;
}

static inline int digits4(const unsigned char *p)
{
    return (unsigned)(p[0] - '0') < 10u && (unsigned)(p[1] - '0') < 10u && (unsigned)(p[2] - '0') < 10u &&
           (unsigned)(p[3] - '0') < 10u;
}

static inline int val4(const unsigned char *p)
{
    return (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
}

/* hexval + 1 of each byte, 0 for a byte that is no hex digit */
static const uint8_t hex1[256] = {
    ['0'] = 1,   ['1'] = 2,   ['2'] = 3,   ['3'] = 4,   ['4'] = 5,   ['5'] = 6,   ['6'] = 7,   ['7'] = 8,
    ['8'] = 9,   ['9'] = 10,  ['A'] = 11,  ['B'] = 12,  ['C'] = 13,  ['D'] = 14,  ['E'] = 15,  ['F'] = 16,
    ['a'] = 11,  ['b'] = 12,  ['c'] = 13,  ['d'] = 14,  ['e'] = 15,  ['f'] = 16,
};

/* The usual trailer, 4 hex digits and "\r\n" (avail >= 6 bytes at t): its
 * CRC in *sent and 1, or 0 (trailer_scan then looks). Four table loads
 * instead of trailer_scan's byte loop and crc_value's: what both make of
 * such a trailer (nd 4, tl 2, FN_LOWER_CRC when a digit is a lowercase
 * letter: bits 0x40 and 0x20 set, which no other hex digit has both of). */
static inline int trailer_usual(const unsigned char *t, uint16_t *sent, unsigned *notes)
{
    int d0 = hex1[t[0]] - 1, d1 = hex1[t[1]] - 1, d2 = hex1[t[2]] - 1, d3 = hex1[t[3]] - 1;
    if ((d0 | d1 | d2 | d3) < 0 || t[4] != '\r' || t[5] != '\n') return 0;
    *sent = (uint16_t)(d0 << 12 | d1 << 8 | d2 << 4 | d3);
    if ((t[0] & t[0] << 1) & 0x40 || (t[1] & t[1] << 1) & 0x40 || (t[2] & t[2] << 1) & 0x40 ||
        (t[3] & t[3] << 1) & 0x40)
        *notes |= ECO_HJ212_FN_LOWER_CRC;
    return 1;
}

/* CRC digits -> value; notes lowercase hex */
static uint16_t crc_value(const unsigned char *t, int nd, unsigned *notes)
{
    unsigned v = 0;
    for (int i = 0; i < nd; i++) {
        if (t[i] >= 'a') *notes |= ECO_HJ212_FN_LOWER_CRC;
        v = (v << 4) | (unsigned)hexval(t[i]);
    }
    return (uint16_t)v;
}

/* crc.c: the CRC and whether every byte is printable ASCII, in one pass */
uint16_t eco_hj212_crc_text(const void *data, size_t n, int *printable);

/* Does the region look like something other than text: a control byte
 * (other than tab), DEL, or bytes that are not UTF-8? Plain CP text is ASCII
 * with UTF-8 Chinese inside -Info logs (GBK logs also count as "binary" here:
 * that only matters when the CRC fails or a key is configured). */
static int looks_binary(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t') || c == 0x7F) return 1;
            i++;
            continue;
        }
        size_t k;
        if (c >= 0xC2 && c <= 0xDF)
            k = 1;
        else if (c >= 0xE0 && c <= 0xEF)
            k = 2;
        else if (c >= 0xF0 && c <= 0xF4)
            k = 3;
        else
            return 1;
        if (k >= n - i) return 1; /* truncated sequence */
        for (size_t j = 1; j <= k; j++)
            if ((p[i + j] & 0xC0) != 0x80) return 1;
        i += k + 1;
    }
    return 0;
}

/* Bytes taken by the first nchars UTF-8 characters of p[0..avail) (a
 * character starts at every byte that is not 10xxxxxx); (size_t)-1 when
 * avail holds fewer. For devices that count characters (UTF-16 units), not
 * bytes (notes §5.3 #5). */
static size_t utf8_prefix(const unsigned char *p, size_t avail, size_t nchars)
{
    size_t i = 0, c = 0;
    while (i < avail) {
        if ((p[i] & 0xC0) != 0x80) {
            if (c == nchars) return i;
            c++;
        }
        i++;
    }
    return c == nchars ? i : (size_t)-1;
}

/* ------------------------------------------------------------------ header peek (2025) */

typedef struct peek {
    int flag, cn;
    size_t cp_off;   /* first byte after the first "CP=&&", 0 if none */
    eco_slice_t mn;
} peek_t;

static int small_int(const unsigned char *p, size_t n, int max)
{
    int v = 0;
    while (n && (p[0] == ' ' || p[0] == '\t')) p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
    if (n == 0 || n > 5) return -1;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned)(p[i] - '0') >= 10u) return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v <= max ? v : -1;
}

/* Flag, CN and MN from the plaintext header (the part before "CP=&&"). */
static void peek_header(const unsigned char *seg, size_t n, peek_t *pk)
{
    pk->flag = -1;
    pk->cn = -1;
    pk->cp_off = 0;
    pk->mn = (eco_slice_t){"", 0};
    size_t cp = n;
    for (size_t i = 0; i + 5 <= n; i++)
        if (seg[i] == 'C' && memcmp(seg + i, "CP=&&", 5) == 0) {
            cp = i;
            pk->cp_off = i + 5;
            break;
        }
    size_t s = 0;
    while (s < cp) {
        size_t e = s;
        while (e < cp && seg[e] != ';' && seg[e] != ',') e++;
        const unsigned char *t = seg + s;
        size_t tn = e - s;
        while (tn && t[0] == ' ') t++, tn--;
        if (tn > 5 && memcmp(t, "Flag=", 5) == 0) {
            size_t k = 5; /* "Flag=5CP=&&": the digits only */
            while (k < tn && (unsigned)(t[k] - '0') < 10u) k++;
            pk->flag = small_int(t + 5, k - 5, 255);
        } else if (tn > 3 && memcmp(t, "CN=", 3) == 0) {
            pk->cn = small_int(t + 3, tn - 3, 9999);
        } else if (tn > 3 && memcmp(t, "MN=", 3) == 0) {
            pk->mn = (eco_slice_t){(const char *)t + 3, tn - 3};
        }
        s = e + 1;
    }
}

static int cn_encrypted(int cn) { return (cn >= 2000 && cn <= 2999) || cn == 1014 || cn == 3020; }

/* ------------------------------------------------------------------ the CRC verdict */

static int crc_matches(const unsigned char *seg, size_t n, uint16_t sent, uint16_t calc, const eco_hj212_opts_t *o,
                       unsigned *notes)
{
    if (calc == sent) return 1;
    if (o->tolerant && o->crc_alg != ECO_HJ212_CRC_STD && eco_hj212_crc_alg(o->crc_alg, seg, n) == sent) {
        *notes |= ECO_HJ212_FN_ALT_CRC;
        return 1;
    }
    return 0;
}

/* A hint for a CRC that a legacy algorithm explains. */
static const char *alt_hint(const unsigned char *seg, size_t n, uint16_t sent)
{
    if (eco_hj212_crc_alg(ECO_HJ212_CRC_MODBUS, seg, n) == sent)
        return " (it is the CRC-16/MODBUS of the segment: a legacy DAU? give it a tolerant profile with that CRC)";
    if (eco_hj212_crc_alg(ECO_HJ212_CRC_MODBUS_SWAP, seg, n) == sent)
        return " (it is the byte-swapped CRC-16/MODBUS of the segment: a legacy DAU? give it a tolerant profile "
               "with that CRC)";
    return "";
}

/* Judge the CRC of seg[0..n) (2025 decryption included). where/at name the
 * CRC's position for messages. 0 or ECO_EHJ212_CRC / ECO_EHJ212_CRYPTO. */
static int judge_crc(unsigned char *seg, size_t n, const unsigned char *crc_txt, int nd, uint16_t sent,
                     const eco_hj212_opts_t *o, unsigned *notes, uint16_t *calc_out, const char *where,
                     unsigned long long at, eco_err_t *err)
{
    int printable;
    uint16_t calc = eco_hj212_crc_text(seg, n, &printable);
    *calc_out = calc;
    int ok_raw = crc_matches(seg, n, sent, calc, o, notes);
    if (ok_raw && printable) return 0; /* the hot path: plain ASCII, CRC right */

    peek_t pk;
    peek_header(seg, n, &pk);
    int enc = pk.flag >= 0 && eco_hj212_flag_version(pk.flag) == 2 && cn_encrypted(pk.cn) && pk.cp_off &&
              pk.cp_off + 2 + 16 <= n;
    if (enc) {
        size_t cp_len = n - 2 - pk.cp_off;
        int binary = looks_binary(seg + pk.cp_off, cp_len);
        const uint8_t *key = o->sm4_key;
        if (!key && o->key_for && pk.mn.len) key = o->key_for(o->key_ud, pk.mn);
        if (key && (binary || !ok_raw)) {
            if (eco_hj212_sm4_region(seg, pk.cp_off, cp_len, key, 0) == 0) {
                unsigned dn = 0;
                uint16_t c2 = eco_hj212_crc(seg, n);
                if (crc_matches(seg, n, sent, c2, o, &dn)) {
                    *notes |= dn | ECO_HJ212_FN_DECRYPTED;
                    *calc_out = c2;
                    return 0;
                }
                (void)eco_hj212_sm4_region(seg, pk.cp_off, cp_len, key, 1); /* restore */
            }
        }
        if (ok_raw) return 0;
        if (!key && binary)
            return eco_err_set(err, ECO_EHJ212_CRYPTO,
                               "encrypted CP (HJ 212-2025 Flag=%d, CN=%d) and no SM4 key for MN=%.*s %s %llu", pk.flag,
                               pk.cn, (int)(pk.mn.len > 64 ? 64 : pk.mn.len), pk.mn.ptr, where, at);
        if (key)
            return eco_err_set(err, ECO_EHJ212_CRC,
                               "BAD_CRC expected %04X got %.*s %s %llu, also after SM4 decryption of the CP region "
                               "(wrong key for MN=%.*s?)",
                               calc, nd, (const char *)crc_txt, where, at, (int)(pk.mn.len > 64 ? 64 : pk.mn.len),
                               pk.mn.ptr);
    }
    if (ok_raw) return 0;
    return eco_err_set(err, ECO_EHJ212_CRC, "BAD_CRC expected %04X got %.*s %s %llu%s", calc, nd,
                       (const char *)crc_txt, where, at, alt_hint(seg, n, sent));
}

/* ------------------------------------------------------------------ trailer */

enum { TR_BAD = 0, TR_BARE, TR_SHORT };

/* The bytes after a data segment: 1 = CRC digits and trailer found, 0 = need
 * more bytes, -1 = not a trailer (*why). *pending: tolerant, a "\r" that was
 * the last byte available. */
static int trailer_scan(const unsigned char *t, size_t avail, int tolerant, int *nd, int *tl, unsigned *notes,
                        int *pending, int *why)
{
    *why = TR_BAD;
    *pending = 0;
    if (!tolerant) {
        for (size_t k = 0; k < 6; k++) {
            if (k >= avail) return 0;
            unsigned c = t[k];
            if (k < 4) {
                if (hexval(c) < 0) {
                    if (k >= 1 && (c == '\r' || c == '\n')) *why = TR_SHORT;
                    return -1;
                }
            } else if (k == 4) {
                if (c != '\r') {
                    if (c == '\n') *why = TR_BARE;
                    return -1;
                }
            } else if (c != '\n') {
                *why = TR_BARE;
                return -1;
            }
        }
        *nd = 4;
        *tl = 2;
        return 1;
    }
    size_t k = 0;
    while (k < 4) {
        if (k >= avail) return 0;
        if (hexval(t[k]) < 0) break;
        k++;
    }
    if (k == 0) return -1;
    if (k >= avail) return 0;
    *nd = (int)k;
    if (k < 4) *notes |= ECO_HJ212_FN_SHORT_CRC;
    if (t[k] == '\n') {
        *tl = 1;
        *notes |= ECO_HJ212_FN_BARE_TRAILER;
        return 1;
    }
    if (t[k] != '\r') return -1;
    if (k + 1 >= avail) { /* "\r" and nothing yet: its "\n" may be in the next read */
        *tl = 1;
        *pending = 1;
        return 1;
    }
    if (t[k + 1] == '\n') {
        *tl = 2;
        return 1;
    }
    *tl = 1;
    *notes |= ECO_HJ212_FN_BARE_TRAILER;
    return 1;
}

/* ------------------------------------------------------------------ the stream framer */

int eco_hj212_framer_init(eco_hj212_framer_t *f, const eco_hj212_opts_t *o, size_t cap)
{
    memset(f, 0, sizeof *f);
    if (o)
        f->opts = *o;
    else
        eco_hj212_opts_default(&f->opts);
    if (cap == 0) cap = 16 * 1024;
    if (cap < ECO_HJ212_MAX_FRAME) cap = ECO_HJ212_MAX_FRAME;
    f->buf = eco_malloc(cap);
    if (!f->buf) return ECO_ENOMEM;
    f->cap = cap;
    return 0;
}

void eco_hj212_framer_free(eco_hj212_framer_t *f)
{
    if (f->buf) eco_free(f->buf, f->cap);
    f->buf = NULL;
    f->cap = f->len = f->pos = 0;
}

size_t eco_hj212_framer_feed(eco_hj212_framer_t *f, const void *data, size_t n)
{
    if (!f->buf) return 0;
    if (f->pos) { /* compact: what the scan has passed is gone */
        memmove(f->buf, f->buf + f->pos, f->len - f->pos);
        f->base += f->pos;
        f->len -= f->pos;
        f->pos = 0;
    }
    size_t take = f->cap - f->len;
    if (take > n) take = n;
    if (take) memcpy(f->buf + f->len, data, take);
    f->len += take;
    f->bytes_total += take;
    return take;
}

/* drop a failed candidate at p: its "##" goes, the rest is rescanned */
static int drop(eco_hj212_framer_t *f, size_t p, int code)
{
    f->pos = p + 2;
    f->bytes_skipped += 2;
    if (code == ECO_EHJ212_CRC)
        f->bad_crc++;
    else if (code == ECO_EHJ212_LEN || code == ECO_EHJ212_TOOBIG)
        f->bad_len++;
    else
        f->bad_frame++;
    return code;
}

int eco_hj212_framer_next(eco_hj212_framer_t *f, eco_hj212_frame_t *out, eco_err_t *err)
{
    if (!f->buf) return 0;
    const int tol = f->opts.tolerant;
    for (;;) {
        unsigned char *b = f->buf;
        size_t len = f->len, p = f->pos;
        if (f->cr_pending) {
            if (p >= len) return 0;
            if (b[p] == '\n') f->pos = ++p; /* the second half of the last frame's "\r\n" */
            f->cr_pending = 0;
        }
        /* find "##" */
        size_t q = p;
        int found = 0;
        while (q < len) {
            const unsigned char *h = memchr(b + q, '#', len - q);
            if (!h) {
                q = len;
                break;
            }
            q = (size_t)(h - b);
            if (q + 1 >= len) break; /* a lone '#' at the end: keep it */
            if (b[q + 1] == '#') {
                found = 1;
                break;
            }
            q += 2; /* "#x": x is not '#' either way */
        }
        if (q > p) {
            f->bytes_skipped += q - p;
            f->pos = p = q;
        }
        if (!found || len - p < 6) return 0;
        unsigned long long at = (unsigned long long)(f->base + p);
        if (!digits4(b + p + 2)) { /* "##ABCD": not a header; try the next byte */
            f->pos = p + 1;
            f->bytes_skipped++;
            continue;
        }
        size_t L = (size_t)val4(b + p + 2);
        unsigned notes = 0;
        if (L > ECO_HJ212_MAX_STD_LEN) {
            if (!tol) {
                eco_err_set(err, ECO_EHJ212_TOOBIG,
                            "TOOBIG declared length %zu > %d at stream offset %llu (strict mode; a tolerant profile "
                            "accepts up to %d)",
                            L, ECO_HJ212_MAX_STD_LEN, at, ECO_HJ212_MAX_LEN);
                return drop(f, p, ECO_EHJ212_TOOBIG);
            }
            notes |= ECO_HJ212_FN_OVERSIZE;
        }
        size_t seg = p + 6, e = seg + L;
        if (len < e) return 0;
        int nd = 4, tl = 2, pending = 0, why;
        uint16_t sent;
        if (len - e >= 6 && trailer_usual(b + e, &sent, &notes)) goto judge;
        int r = trailer_scan(b + e, len - e, tol, &nd, &tl, &notes, &pending, &why);
        if (r < 0 && tol) { /* a length in characters? L of them take at most 4L bytes */
            size_t lim = 4 * L < ECO_HJ212_MAX_LEN ? 4 * L : ECO_HJ212_MAX_LEN;
            size_t bl = utf8_prefix(b + seg, len - seg < lim ? len - seg : lim, L);
            if (bl == (size_t)-1 && len - seg < lim) return 0; /* may still come */
            if (bl != (size_t)-1 && bl != L && bl <= ECO_HJ212_MAX_LEN) {
                unsigned n2 = notes;
                int r2 = trailer_scan(b + seg + bl, len - seg - bl, tol, &nd, &tl, &n2, &pending, &why);
                if (r2 == 0) return 0;
                if (r2 > 0) {
                    notes = n2 | ECO_HJ212_FN_CHAR_LEN;
                    e = seg + bl;
                    r = 1;
                }
            }
        }
        if (r == 0) return 0;
        if (r < 0) {
            if (why == TR_BARE) {
                eco_err_set(err, ECO_EHJ212_FRAME,
                            "trailer at stream offset %llu is a bare \"\\%c\" (strict mode wants \"\\r\\n\"; a "
                            "tolerant profile accepts it)",
                            (unsigned long long)(f->base + e + 4), b[e + 4] == '\n' ? 'n' : 'r');
                return drop(f, p, ECO_EHJ212_FRAME);
            }
            if (why == TR_SHORT) {
                eco_err_set(err, ECO_EHJ212_FRAME,
                            "CRC at stream offset %llu has fewer than 4 hex digits (strict mode; a tolerant profile "
                            "accepts 1-4)",
                            (unsigned long long)(f->base + e));
                return drop(f, p, ECO_EHJ212_FRAME);
            }
            /* where does it really end? the next CRLF after the segment start, if any */
            char guess[64] = "";
            for (size_t k = seg; k + 1 < len; k++)
                if (b[k] == '\r' && b[k + 1] == '\n') {
                    if (k >= seg + 4 && hexval(b[k - 1]) >= 0 && hexval(b[k - 2]) >= 0 && hexval(b[k - 3]) >= 0 &&
                        hexval(b[k - 4]) >= 0)
                        snprintf(guess, sizeof guess, " actual %zu (judged from the next CRLF)", k - 4 - seg);
                    break;
                }
            eco_err_set(err, ECO_EHJ212_LEN,
                        "BAD_LEN declared %zu%s at stream offset %llu: the bytes after the declared segment (stream "
                        "offset %llu) are not a CRC and \"\\r\\n\"",
                        L, guess, at, (unsigned long long)(f->base + e));
            return drop(f, p, ECO_EHJ212_LEN);
        }
        sent = crc_value(b + e, nd, &notes);
    judge:;
        size_t seglen = e - seg;
        uint16_t calc;
        int rc = judge_crc(b + seg, seglen, b + e, nd, sent, &f->opts, &notes, &calc, "at stream offset",
                           (unsigned long long)(f->base + e), err);
        if (rc) return drop(f, p, rc);
        out->segment = (eco_slice_t){(const char *)(b + seg), seglen};
        out->offset = f->base + p;
        out->declared_len = (int)L;
        out->frame_len = e + (size_t)nd + (size_t)tl - p;
        out->crc_sent = sent;
        out->crc_calc = calc;
        out->notes = notes;
        f->pos = p + out->frame_len;
        f->cr_pending = pending;
        f->frames_ok++;
        return 1;
    }
}

/* ------------------------------------------------------------------ one packet */

static int all_hex(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (hexval(p[i]) < 0) return 0;
    return 1;
}

int eco_hj212_frame_check(unsigned char *buf, size_t n, const eco_hj212_opts_t *o, eco_hj212_frame_t *out,
                          eco_err_t *err)
{
    eco_hj212_opts_t def;
    if (!o) {
        eco_hj212_opts_default(&def);
        o = &def;
    }
    const int tol = o->tolerant;
    if (n < 2 || buf[0] != '#' || buf[1] != '#') return eco_err_set(err, ECO_EHJ212_FRAME, "no \"##\" at byte 0");
    if (n < 6 || !digits4(buf + 2))
        return eco_err_set(err, ECO_EHJ212_FRAME, "the length field at byte 2 is not 4 digits: \"%.*s\"",
                           (int)(n < 6 ? n - 2 : 4), (const char *)buf + 2);
    size_t L = (size_t)val4(buf + 2);
    unsigned notes = 0;
    if (L > ECO_HJ212_MAX_STD_LEN) {
        if (!tol)
            return eco_err_set(err, ECO_EHJ212_TOOBIG,
                               "TOOBIG declared length %zu > %d at byte 2 (strict mode; a tolerant profile accepts up "
                               "to %d)",
                               L, ECO_HJ212_MAX_STD_LEN, ECO_HJ212_MAX_LEN);
        notes |= ECO_HJ212_FN_OVERSIZE;
    }
    size_t m = n; /* end of the CRC digits */
    if (m >= 8 && buf[m - 2] == '\r' && buf[m - 1] == '\n') {
        m -= 2;
    } else if (m >= 7 && (buf[m - 1] == '\n' || buf[m - 1] == '\r')) {
        if (!tol)
            return eco_err_set(err, ECO_EHJ212_FRAME,
                               "trailer at byte %zu is a bare \"\\%c\" (strict mode wants \"\\r\\n\"; a tolerant "
                               "profile accepts it)",
                               m - 1, buf[m - 1] == '\n' ? 'n' : 'r');
        m -= 1;
        notes |= ECO_HJ212_FN_BARE_TRAILER;
    }
    size_t body = m - 6; /* segment + CRC digits */
    size_t seglen;
    int nd;
    if (body == L + 4 && all_hex(buf + m - 4, 4)) {
        seglen = L;
        nd = 4;
    } else if (body > L && body < L + 4 && all_hex(buf + 6 + L, body - L)) {
        if (!tol)
            return eco_err_set(err, ECO_EHJ212_FRAME,
                               "CRC at byte %zu has %zu hex digits (strict mode wants 4; a tolerant profile accepts "
                               "1-4)",
                               6 + L, body - L);
        seglen = L;
        nd = (int)(body - L);
        notes |= ECO_HJ212_FN_SHORT_CRC;
    } else {
        if (body < 4 || !all_hex(buf + m - 4, 4))
            return eco_err_set(err, ECO_EHJ212_FRAME, "no 4-digit hex CRC before the end of the packet (byte %zu)",
                               m >= 4 ? m - 4 : 0);
        size_t actual = body - 4;
        if (tol && actual != L && actual <= 4 * L && actual <= ECO_HJ212_MAX_LEN &&
            utf8_prefix(buf + 6, actual, L) == actual) {
            seglen = actual; /* the length counts characters */
            nd = 4;
            notes |= ECO_HJ212_FN_CHAR_LEN;
        } else {
            uint16_t calc = eco_hj212_crc(buf + 6, actual);
            unsigned dn = 0;
            uint16_t sent = crc_value(buf + m - 4, 4, &dn);
            if (crc_matches(buf + 6, actual, sent, calc, o, &dn))
                return eco_err_set(err, ECO_EHJ212_LEN,
                                   "BAD_LEN declared %zu actual %zu (data segment from byte 6; the CRC %.4s at byte "
                                   "%zu is right for the actual bytes)",
                                   L, actual, (const char *)buf + m - 4, m - 4);
            return eco_err_set(err, ECO_EHJ212_LEN_CRC,
                               "BAD_LEN+BAD_CRC declared %zu actual %zu (data segment from byte 6), and BAD_CRC "
                               "expected %04X got %.4s at byte %zu",
                               L, actual, calc, (const char *)buf + m - 4, m - 4);
        }
    }
    const unsigned char *crc_txt = buf + 6 + seglen;
    uint16_t sent = crc_value(crc_txt, nd, &notes), calc;
    int rc = judge_crc(buf + 6, seglen, crc_txt, nd, sent, o, &notes, &calc, "at byte",
                       (unsigned long long)(6 + seglen), err);
    if (rc) return rc;
    if (out) {
        out->segment = (eco_slice_t){(const char *)buf + 6, seglen};
        out->offset = 0;
        out->declared_len = (int)L;
        out->frame_len = n;
        out->crc_sent = sent;
        out->crc_calc = calc;
        out->notes = notes;
    }
    return 0;
}
