/* parse.c — an HJ 212 data segment into a packet of slices.
 *
 * Why so forgiving, and why so careful about it: the maintainer of the most
 * used open-source parser wrote "未见有完全符合协议的数据包" (no packet ever
 * seen fully conforms), and the standard's own examples carry typos that
 * devices copy (../shared/reference/hj212.md §2.3, §5.3). So the parser
 * reads what can sensibly be read and records every deviation as a note with
 * its byte offset; it fails (ECO_EHJ212_SYNTAX) only when there is nothing
 * sensible to read: no "CP=&&", no closing "&&", a header field without '='.
 *
 *   header  key=value fields in any order up to the first "CP=&&", split on
 *           ';' and ',' (',' and stray spaces noted), "Flag=5CP=&&" (no ';',
 *           HJ 212-2017 C.19) noted; duplicates: the last wins, noted.
 *   CP      from the first "CP=&&" to the LAST "&&" of the segment (vector S5:
 *           "&&" and "##" may occur inside -Info text); anything after that
 *           "&&" (";Flag=0", xiaoyao9184 issue #22) is read as header fields
 *           and noted. Entries split on ';' and ','; a value that starts with
 *           "//" (an -Info log) runs to its closing "//" even across ';' ','.
 *           Keys with a '-' are factor fields, split at the first '-' into
 *           code and suffix and grouped per code in order of first appearance
 *           (fields of one factor sent apart are brought together); other
 *           keys are parameters (DataTime, PolId, QnRtn ...). Values are kept
 *           as raw trimmed text plus a number (NAN when not numeric).
 *   notes   unknown code / suffix / CN / ST, a data flag outside the
 *           edition's table, a bad DataTime, PNUM/PNO inconsistent with Flag,
 *           missing QN/Flag/PW/MN ... up to ECO_HJ212_MAX_NOTES, then one
 *           ECO_HJ212_N_TRUNCATED note says how many more there were.
 *
 * Cost: the ingest target is millions of packets per second per core. Three
 * readings give the same packet (the unit tests and the fuzz target compare
 * the fast ones with the general one note for note, through
 * eco_hj212_parse_general):
 *   stream   (SSE2, little-endian) a segment whose bytes before the closing
 *            "&&" are all 0x21..0x7F (no blank, control byte or UTF-8: nearly
 *            every packet) is copied with padding and its ; , = - marked in
 *            the same pass (AVX2 where the processor has it); the header and
 *            every CP entry are then read by popping marks in order
 *            (sb_build's comment): the usual header (QN ST CN PW MN Flag in
 *            order) by straight-line code, each key and its '=' one word
 *            compare (the '=' after a known key dropped, not popped); the
 *            CP's usual entries by a leaf function (sb_run: it calls
 *            nothing, so its loop keeps the cursor in registers; where
 *            AVX2 and BMI1 are, a copy compiled for SSSE3 + BMI1 — blsr
 *            pops, no 32-byte aligned frame) that stores the field, makes a
 *            new factor whose code it finds in the code hash itself
 *            (code_hash.h), and converts the number at once from the padded
 *            copy; a second marked 0 after the CP's end ends its loop at the
 *            '-' test it makes anyway, an -Info log is looked for only where
 *            a value is no usual number; parameters, flags met for the
 *            first time and the odd entries are read around it
 *            (parse_cp_stream).
 *            An entry that does not have the usual shape is read by the
 *            general reading from its start. Other segments take the
 *            windows below.
 *   general  the segment classified once into bitmaps of separators (; ,),
 *            '=' and '-' (plus "is there a blank anywhere", so clean packets
 *            never trim); the header walks their union, each CP entry takes
 *            three look-ups (its end, its '=', the '-' before it). Taken for
 *            anything unusual, and everywhere without SSE2.
 *   windows  (SSE2, little-endian) nothing is classified up front. The usual
 *            header ("QN=..;ST=..;CN=..;PW=..;MN=..;Flag=..;" in that order,
 *            no blank, no ',') is read field by field with 8-byte word
 *            searches (fast_header); a CP entry that is the next field of the
 *            last factor is read with three word searches (its code compared
 *            as one word, the '=' in the suffix's word, the separator in the
 *            value's word); any other clean entry through a window (one mask
 *            of ; , = -, one of bytes that need another look). Each fast
 *            path states its preconditions where it tests them and leaves
 *            the entry untouched when one fails, so the general reading
 *            takes it from the start.
 * Per field: the code is compared with the last factor's as one word, the
 * last factor's state (suffixes seen, field count) stays in locals, a new
 * factor whose code is surely new (a per-packet bit set) and known is made
 * inline, suffixes are found by a multiplicative perfect hash of their word,
 * one-byte data flags are judged once per packet. Numbers: up to 8
 * characters in one word (SWAR; with SSSE3 where AVX2 is: one shuffle
 * squeezes the '.' out and aligns the digits, num_simd), longer ones by an
 * exact loop (at most 19 digits and 22 decimals: integer / power of ten,
 * correctly rounded), anything else by strtod — converted as each field is
 * stored by the stream reading (num_padded, num_simd), after the fields are
 * read, in one pass, by the others; the unit tests check two million random
 * values, and every short value over small alphabets, against strtod, at
 * both levels. DataTime by calendar arithmetic of its own (4-digit years).
 * A code-table look-up is one hash probe
 * (with the code's word at hand); CN and ST names by branch-free binary
 * search; nothing is allocated, and the packet's big arrays are never
 * cleared, only counted.
 * bench/bench_hj212.c measures it; the numbers are in its output.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "hj212/hj212.h"
#include "hj212/code_hash.h"

/* ------------------------------------------------------------------ context and notes */

enum { /* notes given once per packet */
       ONCE_SPACE = 1u << 0,
       ONCE_HDR_COMMA = 1u << 1,
       ONCE_EMPTY = 1u << 2,
       ONCE_ORDER = 1u << 3 };

typedef struct pctx {
    eco_hj212_packet_t *pkt;
    const char *seg;
    size_t n;
    uint32_t dropped; /* notes that did not fit */
    unsigned once;
    eco_err_t *err;
} pctx_t;

static void note(pctx_t *c, int code, const char *at, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void note(pctx_t *c, int code, const char *at, const char *fmt, ...)
{
    eco_hj212_packet_t *k = c->pkt;
    if (k->nnotes >= ECO_HJ212_MAX_NOTES - 1) { /* the last slot is kept for the count */
        c->dropped++;
        return;
    }
    eco_hj212_note_t *nt = &k->notes[k->nnotes++];
    nt->code = code;
    nt->offset = (uint32_t)(at >= c->seg && at <= c->seg + c->n ? (size_t)(at - c->seg) : 0);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(nt->text, sizeof nt->text, fmt, ap);
    va_end(ap);
}

static void note_once(pctx_t *c, unsigned bit, int code, const char *at, const char *text)
{
    if (c->once & bit) return;
    c->once |= bit;
    note(c, code, at, "%s", text);
}

/* slices printed in notes are cut so the note stays readable */
#define SL(s) (int)((s).len > 40 ? 40 : (s).len), (s).ptr

static inline eco_slice_t mk(const char *p, size_t n) { return (eco_slice_t){p, n}; }
static inline eco_slice_t slice_at(const char *p, size_t n) { return (eco_slice_t){p, n}; }
static inline int is_blank(char c) { return c == ' ' || c == '\t'; }
static inline int slice_eq(eco_slice_t a, eco_slice_t b) { return a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0; }
static inline int slice_is(eco_slice_t s, const char *lit, size_t n) { return s.len == n && memcmp(s.ptr, lit, n) == 0; }
#define IS(s, lit) slice_is((s), (lit), sizeof(lit) - 1)

/* Short keys (factor codes, suffixes) as one 64-bit word: the first up to 8
 * bytes, zero-padded, so that two keys of equal length <= 8 are equal
 * exactly when their words are. word8 reads 8 bytes that are known to be
 * there; key8 reads n bytes at p without passing end (the segment's end). */
static inline uint64_t key8(const char *p, size_t n, const char *end)
{
    size_t k = n < 8 ? n : 8;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (end - p >= 8) {
        uint64_t x;
        memcpy(&x, p, 8);
        return k == 8 ? x : x & ((1ull << (8 * k)) - 1);
    }
#else
    (void)end;
#endif
    uint64_t x = 0; /* byte i in bits 8i..8i+7, whatever the byte order: codes.c's key */
    for (size_t i = 0; i < k; i++) x |= (uint64_t)(unsigned char)p[i] << (8 * i);
    return x;
}
static inline uint64_t word8(const char *p) { return key8(p, 8, p + 8); }

/* codes.c: eco_hj212_code_find with key8 of the code already made */
const eco_hj212_code_t *eco_hj212_code_find_key(eco_slice_t code, uint64_t key, eco_slice_t st);

/* ------------------------------------------------------------------ numbers and times */

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                       1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* A trimmed value as a number, NAN when it is not one. Fast path: [+-]digits[.digits]
 * with a mantissa below 2^53 and at most 22 decimals is m / 10^k, which IEEE
 * division rounds correctly (Clinger); everything else goes to strtod. */
static double parse_num_scalar(const char *p, size_t n)
{
    size_t i = 0;
    int neg = 0, dot = 0, frac = 0, nd = 0;
    uint64_t m = 0;
    if (n == 0) return NAN;
    if (p[0] == '-' || p[0] == '+') {
        neg = p[0] == '-';
        i = 1;
    }
    for (; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)p[i] - '0';
        if (d < 10) {
            if (nd >= 19) goto slow;
            m = m * 10 + d;
            nd++;
            frac += dot;
        } else if (p[i] == '.' && !dot) {
            dot = 1;
        } else if (p[i] == 'e' || p[i] == 'E' || p[i] == '+' || p[i] == '-' || p[i] == '.') {
            goto slow;
        } else {
            return NAN; /* "N", "St", "//log//": not a number, and strtod would agree */
        }
    }
    if (nd == 0) return NAN;
    if (m > (1ull << 53) || frac > 22) goto slow;
    {
        double v = (double)m;
        if (frac) v /= pow10_exact[frac];
        return neg ? -v : v;
    }
slow: {
    double v;
    if (eco_slice_to_double(mk(p, n), &v) == 0) return v;
    return NAN;
}
}

static const uint64_t lenmask[9] = {0,
                                     0xFFull,
                                     0xFFFFull,
                                     0xFFFFFFull,
                                     0xFFFFFFFFull,
                                     0xFFFFFFFFFFull,
                                     0xFFFFFFFFFFFFull,
                                     0xFFFFFFFFFFFFFFull,
                                     0xFFFFFFFFFFFFFFFFull};

/* The usual value — a sign and at most 8 digits and dot, "101.85",
 * "-0.041" — without a loop: the n (1..8) bytes at p are x (p[0] in the low
 * byte, any bytes past n ignored); the dot is found and squeezed out, the
 * digits checked and combined with three multiplications (D. Lemire's
 * eight-digit SWAR), and the integer (< 10^8) divided by 10^decimals, which
 * IEEE division rounds correctly — strtod's answer. Anything else goes to
 * parse_num_scalar. Little-endian only (the callers see to it). */
static inline double parse_num_word(uint64_t x, size_t n, const char *p)
{
    const uint64_t ones = 0x0101010101010101ull;
    unsigned c0 = (unsigned)(x & 0xFF);
    int neg = c0 == '-';
    size_t k = n;
    if (neg || c0 == '+') {
        x >>= 8;
        k--;
    }
    if (k == 0) return parse_num_scalar(p, n);
    x &= lenmask[k];
    uint64_t t = x ^ (0x2Eull * ones); /* '.' bytes become zero */
    uint64_t z = (t - ones) & ~t & (0x80ull * ones) & lenmask[k];
    uint64_t digits = x;
    size_t nd = k, frac = 0;
    if (z) {
        size_t d = (size_t)__builtin_ctzll(z) >> 3;
        uint64_t lo = lenmask[d];
        digits = (x & lo) | ((x >> 8) & ~lo);
        nd = k - 1;
        frac = k - 1 - d;
        if (!nd) return parse_num_scalar(p, n);
    }
    unsigned sh = (unsigned)(8 * (8 - nd)); /* left-pad with '0's: the last digit in byte 7 */
    uint64_t v = sh ? (digits << sh) | (0x3030303030303030ull & lenmask[8 - nd]) : digits;
    if ((v & 0xF0F0F0F0F0F0F0F0ull) != 0x3030303030303030ull ||
        ((v + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) != 0x3030303030303030ull)
        return n == 1 ? NAN : parse_num_scalar(p, n); /* one byte and not a digit: "N" */
    v -= 0x3030303030303030ull;
    v = v * 10 + (v >> 8);
    v = (((v & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) +
         (((v >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >>
        32;
    double r = (double)(uint32_t)v;
    if (frac) r /= pow10_exact[frac];
    return neg ? -r : r;
}

/* A trimmed value p[0..n) as a number; end: the end of readable memory. */
static inline double parse_num(const char *p, size_t n, const char *end)
{
    if (n == 1) { /* data flags ("N") and one-digit values */
        unsigned d = (unsigned)(unsigned char)p[0] - '0';
        return d < 10 ? (double)d : NAN;
    }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n >= 2 && n <= 8) {
        uint64_t x = 0;
        if (end - p >= 8)
            memcpy(&x, p, 8);
        else
            memcpy(&x, p, n);
        return parse_num_word(x, n, p);
    }
#else
    (void)end;
#endif
    return parse_num_scalar(p, n);
}

static inline int dig2(const char *p) { return (p[0] - '0') * 10 + (p[1] - '0'); }

/* DataTime: YYYYMMDDhhmmss, or with milliseconds (17 digits). */
static int all_digits(eco_slice_t s);

/* eco_day_from_civil for a year of 4 digits (0..9999), without its
 * division by 400 of a signed era: the year (from March) is moved up by one
 * era of 400 years (146,097 days) so that everything is positive, and the
 * era taken back in the constant. The unit test compares the two on every
 * date of 0000..9999. */
static inline int64_t days_from_civil4(int y, int m, int d)
{
    const unsigned yy = (unsigned)(y - (m <= 2) + 400);                  /* 399 .. 10399 */
    const unsigned doy = (153u * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d - 1;
    return (int64_t)(yy * 365u + yy / 4 - yy / 100 + yy / 400 + doy) - 719468 - 146097;
}

static int parse_datatime(eco_slice_t s, eco_time_t *out)
{
    static const unsigned char dm[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if ((s.len != 14 && s.len != 17) || !all_digits(s)) return -1;
    int y = dig2(s.ptr) * 100 + dig2(s.ptr + 2), mo = dig2(s.ptr + 4), d = dig2(s.ptr + 6);
    int h = dig2(s.ptr + 8), mi = dig2(s.ptr + 10), se = dig2(s.ptr + 12);
    if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return -1;
    if (d > dm[mo] && !(mo == 2 && d == 29 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))) return -1;
    *out = eco_time_from_day((eco_day_t)days_from_civil4(y, mo, d)) + h * 3600 + mi * 60 + se;
    return 0;
}

/* Only '0'..'9'? (QN and DataTime: 14 to 17 of them) 8 bytes at a time:
 * a byte is a digit when its high nibble is 3 and adding 6 keeps it so.
 * From 8 bytes on, the last word is the slice's last 8 bytes (overlapping
 * the one before), so there is no byte-by-byte tail. */
static inline int digits8(const char *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
    return (x & 0xF0F0F0F0F0F0F0F0ull) == 0x3030303030303030ull &&
           ((x + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) == 0x3030303030303030ull;
}

static int all_digits(eco_slice_t s)
{
    if (s.len < 8) {
        for (size_t i = 0; i < s.len; i++)
            if ((unsigned)(s.ptr[i] - '0') >= 10u) return 0;
        return 1;
    }
    size_t i = 0;
    for (; i + 8 < s.len; i += 8)
        if (!digits8(s.ptr + i)) return 0;
    return digits8(s.ptr + s.len - 8);
}

/* "1", "0002": a small decimal, -1 otherwise */
static int small_uint(eco_slice_t s, int max)
{
    if (s.len == 0 || s.len > 6) return -1;
    int v = 0;
    for (size_t i = 0; i < s.len; i++) {
        if ((unsigned)(s.ptr[i] - '0') >= 10u) return -1;
        v = v * 10 + (s.ptr[i] - '0');
    }
    return v <= max ? v : -1;
}

/* ------------------------------------------------------------------ suffixes */

enum { SID_UNKNOWN = 0, SID_RTD, SID_MIN, SID_AVG, SID_MAX, SID_ZSRTD, SID_ZSMIN, SID_ZSAVG, SID_ZSMAX, SID_FLAG,
       SID_EFLAG, SID_COU, SID_SAMPLETIME, SID_RS, SID_RT, SID_DATA, SID_DAYDATA, SID_NIGHTDATA, SID_INFO, SID_SN,
       SID_ALA, SID_UPVALUE, SID_LOWVALUE, SID_SAMPLETYPE, SID_COMPLETETIME, SID_RETENTIONTIME, SID_PEAKAREA,
       SID_PEAKHEIGHT };

/* HJ 212-2017 Table 4, the 2025 additions seen in implementations (2013 raw
 * VOC data) and the HJ/T 212-2005 alarm fields; anything else is kept but
 * noted (notes §2.3: -ValidNum, -Ia ... are vendor suffixes). Looked up by
 * a perfect hash of the suffix's key (key8: its first 8 bytes as a word)
 * and length, ((key ^ len) * SFX_MUL) >> 58, the multiplier found offline
 * by trying random odd ones — one multiplication, one table load and one
 * word compare, as this runs for every field. */
#define SFX_MUL 0x8f6d05584ef8aa39ull
typedef struct sfx {
    _Alignas(32) char name[16]; /* zero-padded: its first 8 bytes compare as one word */
    uint32_t bit;               /* 1 << sid: the stream loop tests and sets it without a shift */
    uint8_t len, sid;           /* 32 bytes an entry (aligned): the index is one shift */
} sfx_t;

static const sfx_t sfx_table[64] = {
    [1] = {"UpValue", 1u << SID_UPVALUE, 7, SID_UPVALUE},
    [2] = {"ZsAvg", 1u << SID_ZSAVG, 5, SID_ZSAVG},
    [3] = {"Data", 1u << SID_DATA, 4, SID_DATA},
    [9] = {"EFlag", 1u << SID_EFLAG, 5, SID_EFLAG},
    [10] = {"RS", 1u << SID_RS, 2, SID_RS},
    [18] = {"ZsMax", 1u << SID_ZSMAX, 5, SID_ZSMAX},
    [19] = {"SampleType", 1u << SID_SAMPLETYPE, 10, SID_SAMPLETYPE},
    [24] = {"Avg", 1u << SID_AVG, 3, SID_AVG},
    [25] = {"Info", 1u << SID_INFO, 4, SID_INFO},
    [28] = {"PeakHeight", 1u << SID_PEAKHEIGHT, 10, SID_PEAKHEIGHT},
    [31] = {"CompleteTime", 1u << SID_COMPLETETIME, 12, SID_COMPLETETIME},
    [32] = {"Max", 1u << SID_MAX, 3, SID_MAX},
    [33] = {"Flag", 1u << SID_FLAG, 4, SID_FLAG},
    [36] = {"Cou", 1u << SID_COU, 3, SID_COU},
    [37] = {"RT", 1u << SID_RT, 2, SID_RT},
    [38] = {"SN", 1u << SID_SN, 2, SID_SN},
    [40] = {"LowValue", 1u << SID_LOWVALUE, 8, SID_LOWVALUE},
    [41] = {"RetentionTime", 1u << SID_RETENTIONTIME, 13, SID_RETENTIONTIME},
    [43] = {"NightData", 1u << SID_NIGHTDATA, 9, SID_NIGHTDATA},
    [45] = {"Min", 1u << SID_MIN, 3, SID_MIN},
    [47] = {"SampleTime", 1u << SID_SAMPLETIME, 10, SID_SAMPLETIME},
    [49] = {"ZsRtd", 1u << SID_ZSRTD, 5, SID_ZSRTD},
    [50] = {"PeakArea", 1u << SID_PEAKAREA, 8, SID_PEAKAREA},
    [55] = {"Rtd", 1u << SID_RTD, 3, SID_RTD},
    [59] = {"DayData", 1u << SID_DAYDATA, 7, SID_DAYDATA},
    [61] = {"ZsMin", 1u << SID_ZSMIN, 5, SID_ZSMIN},
    [63] = {"Ala", 1u << SID_ALA, 3, SID_ALA},
};

/* The suffix s, whose key8 is key. */
static inline int suffix_id(eco_slice_t s, uint64_t key)
{
    if (s.len < 2 || s.len > 13) return SID_UNKNOWN;
    const sfx_t *e = &sfx_table[((key ^ (uint64_t)s.len) * SFX_MUL) >> 58];
    if (e->len != s.len || word8(e->name) != key) return SID_UNKNOWN;
    return s.len <= 8 || memcmp(s.ptr + 8, e->name + 8, s.len - 8) == 0 ? e->sid : SID_UNKNOWN;
}

/* ------------------------------------------------------------------ 32-byte windows (fast paths) */

/* The fast paths look at one token at a time through a 32-byte window
 * starting at it (window_marks): bit j of one mask is set when byte j of the
 * window is one of ; , = - (each read to tell which), of another when it is
 * <= 0x20 or >= 0x80. A token that does not end inside its window takes the
 * general reading. 48 bytes from the window's
 * start may be read (keys and values are loaded 8 bytes at a time); where
 * that would pass the segment's end, the window is read from a copy of the
 * segment's last 48 bytes followed by zeros (NUL matches nothing), so
 * nothing past the segment is ever read. SSE2 and little-endian only (x86);
 * elsewhere every packet takes the general reading. */
#define WIN_READ 48

typedef struct wsrc {
    const char *seg;
    size_t n;                 /* >= WIN_READ */
    char tail[2 * WIN_READ];  /* seg[n-48, n) then 48 zero bytes */
} wsrc_t;

#if defined(__SSE2__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HJ212_WINDOWS 1
static void wsrc_init(wsrc_t *w, const char *seg, size_t n)
{
    w->seg = seg;
    w->n = n;
    memcpy(w->tail, seg + n - WIN_READ, WIN_READ);
    memset(w->tail + WIN_READ, 0, WIN_READ);
}

/* where the window at s is read from: WIN_READ bytes there are readable */
static inline const char *wptr(const wsrc_t *w, size_t s)
{
    return s + WIN_READ <= w->n ? w->seg + s : w->tail + (s - (w->n - WIN_READ));
}

static inline uint64_t load8(const char *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
    return x;
}

/* A window's masks: one of the bytes that matter (; , = -), read one by one
 * where set, and one of the bytes that could need trimming or another look:
 * <= 0x20 or >= 0x80 (blanks, controls, UTF-8), any of which sends the
 * token to the general reading. */
static inline void window_marks(const char *p, uint32_t *marks, uint32_t *odd)
{
    const __m128i semi = _mm_set1_epi8(';'), comma = _mm_set1_epi8(','), equal = _mm_set1_epi8('='),
                  minus = _mm_set1_epi8('-'), sp1 = _mm_set1_epi8(0x21);
    __m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
    __m128i ma = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(a, semi), _mm_cmpeq_epi8(a, comma)),
                              _mm_or_si128(_mm_cmpeq_epi8(a, equal), _mm_cmpeq_epi8(a, minus)));
    __m128i mb = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, semi), _mm_cmpeq_epi8(b, comma)),
                              _mm_or_si128(_mm_cmpeq_epi8(b, equal), _mm_cmpeq_epi8(b, minus)));
    *marks = (uint32_t)_mm_movemask_epi8(ma) | (uint32_t)_mm_movemask_epi8(mb) << 16;
    *odd = (uint32_t)_mm_movemask_epi8(_mm_cmplt_epi8(a, sp1)) | (uint32_t)_mm_movemask_epi8(_mm_cmplt_epi8(b, sp1))
                                                                     << 16;
}
#else
#define HJ212_WINDOWS 0
#endif

/* bits below j (j <= 32: callers clamp) */
static inline uint32_t below(size_t j) { return (uint32_t)((1ull << j) - 1); }

/* ------------------------------------------------------------------ header */

enum { H_QN = 1, H_ST, H_CN, H_PW, H_MN, H_FLAG, H_PNUM, H_PNO, H_RF, H_OTHER };
static const char *const hname[] = {"", "QN", "ST", "CN", "PW", "MN", "Flag", "PNUM", "PNO", "RF", ""};

static int header_key(eco_slice_t k)
{
    switch (k.len) {
    case 2:
        if (IS(k, "QN")) return H_QN;
        if (IS(k, "ST")) return H_ST;
        if (IS(k, "CN")) return H_CN;
        if (IS(k, "PW")) return H_PW;
        if (IS(k, "MN")) return H_MN;
        if (IS(k, "RF")) return H_RF;
        break;
    case 3:
        if (IS(k, "PNO")) return H_PNO;
        break;
    case 4:
        if (IS(k, "Flag")) return H_FLAG;
        if (IS(k, "PNUM")) return H_PNUM;
        break;
    }
    return H_OTHER;
}

typedef struct hdr {
    unsigned seen;  /* bit per H_* */
    int rank_max;
} hdr_t;

static int add_param(pctx_t *c, eco_slice_t key, eco_slice_t val);

/* Walking the set bits of a bitmap in order, up to lim. */
typedef struct bitwalk {
    const uint64_t *m;
    size_t w, nw, lim;
    uint64_t x;
} bitwalk_t;

static inline void bw_init(bitwalk_t *b, const uint64_t *m, size_t from, size_t lim)
{
    b->m = m;
    b->lim = lim;
    b->nw = (lim + 63) >> 6;
    if (from >= lim) {
        b->w = b->nw;
        b->x = 0;
        return;
    }
    b->w = from >> 6;
    b->x = m[b->w] & (~0ull << (from & 63));
}

static inline size_t bw_next(bitwalk_t *b)
{
    while (!b->x) {
        if (++b->w >= b->nw) return b->lim;
        b->x = b->m[b->w];
    }
    size_t p = (b->w << 6) + (size_t)__builtin_ctzll(b->x);
    b->x &= b->x - 1;
    return p < b->lim ? p : b->lim;
}

#define NONE ((size_t)-1)

/* One header field key=value (after_cp: found after the CP data area). */
static int header_field(pctx_t *c, hdr_t *h, eco_slice_t key, eco_slice_t val, int after_cp)
{
    eco_hj212_packet_t *k = c->pkt;
    int hk = header_key(key);
    if (after_cp) note(c, ECO_HJ212_N_ORDER, key.ptr, "header field '%.*s' after the CP data area", SL(key));
    if (hk == H_OTHER) {
        note(c, ECO_HJ212_N_UNKNOWN_CODE, key.ptr, "unknown header field '%.*s' (kept as a parameter)", SL(key));
        return add_param(c, key, val);
    }
    if (h->seen & (1u << hk))
        note(c, ECO_HJ212_N_DUPLICATE, key.ptr, "header field '%s' given twice: the last is kept", hname[hk]);
    h->seen |= 1u << hk;
    if (!after_cp) {
        if (hk < h->rank_max && !(c->once & ONCE_ORDER)) {
            c->once |= ONCE_ORDER;
            note(c, ECO_HJ212_N_ORDER, key.ptr,
                 "header field '%s' after '%s' (the standard's order is QN ST CN PW MN Flag PNUM PNO)", hname[hk],
                 hname[h->rank_max]);
        }
        if (hk > h->rank_max) h->rank_max = hk;
    }
    switch (hk) {
    case H_QN: k->qn = val; break;
    case H_ST: k->st = val; break;
    case H_CN: k->cn = val; break;
    case H_PW: k->pw = val; break;
    case H_MN: k->mn = val; break;
    case H_FLAG: k->flag_text = val; break;
    case H_PNUM: k->pnum_text = val; break;
    case H_PNO: k->pno_text = val; break;
    case H_RF: k->rf = val; break;
    }
    return 0;
}

/* Header fields in seg[from, to), using the segment's bitmap of ; , = -.
 * after_cp: the text after the closing "&&". */
static int parse_header(pctx_t *c, hdr_t *h, const uint64_t *any, int blanks, size_t from, size_t to, int after_cp)
{
    const char *seg = c->seg;
    bitwalk_t bw;
    bw_init(&bw, any, from, to);
    size_t s = from, q = NONE;
    for (;;) {
        size_t e = bw_next(&bw);
        if (e < to) {
            char ch = seg[e];
            if (ch == '=') {
                if (q == NONE) q = e;
                continue;
            }
            if (ch == '-') continue;
            if (ch == ',' && !after_cp)
                note_once(c, ONCE_HDR_COMMA, ECO_HJ212_N_SEPARATOR, seg + e, "',' used where the header wants ';'");
        }
        size_t ts = s, te = e;
        if (blanks) {
            while (ts < te && is_blank(seg[ts])) ts++;
            while (te > ts && is_blank(seg[te - 1])) te--;
        }
        if (ts == te) {
            /* the normal empty token is the one between "Flag=5;" and "CP=&&" */
            if (e > s)
                note_once(c, ONCE_SPACE, ECO_HJ212_N_SEPARATOR, seg + s, "stray spaces around a field");
            else if (e < to && !after_cp)
                note_once(c, ONCE_EMPTY, ECO_HJ212_N_SEPARATOR, seg + s, "empty field (a ';' or ',' too many)");
        } else if (q == NONE || q >= te) {
            if (!after_cp)
                return eco_err_set(c->err, ECO_EHJ212_SYNTAX, "header field without '=' at byte %zu: '%.*s'", ts,
                                   SL(mk(seg + ts, te - ts)));
            note(c, ECO_HJ212_N_ORDER, seg + ts, "text '%.*s' after the CP data area", SL(mk(seg + ts, te - ts)));
        } else {
            size_t ke = q, vs = q + 1;
            if (blanks) {
                while (ke > ts && is_blank(seg[ke - 1])) ke--;
                while (vs < te && is_blank(seg[vs])) vs++;
                if (ts > s || te < e || ke < q || vs > q + 1)
                    note_once(c, ONCE_SPACE, ECO_HJ212_N_SEPARATOR, seg + s, "stray spaces around a field");
            }
            eco_slice_t key = mk(seg + ts, ke - ts), val = mk(seg + vs, te - vs);
            int rc = header_field(c, h, key, val, after_cp);
            if (rc) return rc;
        }
        if (e >= to) break;
        s = e + 1;
        q = NONE;
    }
    return 0;
}

#if HJ212_WINDOWS
/* The header seg[0, to) read 8 bytes at a time when it is the usual one:
 * fields "Key=value;" of the known keys in the standard's order (QN ST CN
 * PW MN Flag PNUM PNO RF, any of them left out), each within its window,
 * with no blank and no ',', the last ';' right before "CP=&&" (to). Such a
 * header gives parse_header no note to make, so its fields are simply
 * stored. Anything else returns 0 with the header fields and h reset, and
 * parse_header reads the header from the start. */
static int fast_header(pctx_t *c, hdr_t *h, const wsrc_t *ws, size_t to)
{
#define K2(a, b) ((uint64_t)(unsigned char)(a) | (uint64_t)(unsigned char)(b) << 8)
#define K4(a, b, c, d) (K2(a, b) | K2(c, d) << 16)
    eco_hj212_packet_t *k = c->pkt;
    const char *seg = c->seg;
    size_t s = 0;
    int rank = 0;
    unsigned seen = 0;
    while (s < to) {
        /* 8 bytes at a time (header fields are short): the first ';' or
         * ',' ends the field; it must be a ';' before "CP=&&", with no byte
         * <= 0x20 or >= 0x80 before it; the key's '=' is in the first word,
         * after 2 to 4 bytes. (A zero-byte test flags the lowest matching
         * byte of a word exactly; only bytes above it can be flagged wrongly.) */
        const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
        const char *p = wptr(ws, s);
        size_t E = NONE;
        for (size_t j = 0; j < 40; j += 8) {
            uint64_t x = load8(p + j), t1 = x ^ (0x3Bull * ones), t2 = x ^ (0x2Cull * ones);
            uint64_t sepz = ((t1 - ones) & ~t1 & highs) | ((t2 - ones) & ~t2 & highs);
            uint64_t oddz = (((x - 0x2121212121212121ull) & ~x) | x) & highs;
            if (sepz) {
                size_t b = (size_t)__builtin_ctzll(sepz) >> 3;
                if (oddz & lenmask[b]) goto refuse;
                E = j + b;
                break;
            }
            if (oddz) goto refuse;
        }
        if (E == NONE || E >= to - s || p[E] != ';') goto refuse; /* long, "Flag=5CP=&&", ',' */
        uint64_t x0 = load8(p), te = x0 ^ (0x3Dull * ones);
        uint64_t eqz = (te - ones) & ~te & highs;
        size_t Q = (size_t)__builtin_ctzll(eqz | (1ull << 63)) >> 3;
        if (!eqz || Q - 2 > 2 || Q >= E) goto refuse; /* keys are 2 to 4 bytes */
        uint64_t key = load8(p) & lenmask[Q];
        int hk;
        /* in the standard's order, so that the branches are foreseen */
        if (key == K2('Q', 'N'))
            hk = H_QN;
        else if (key == K2('S', 'T'))
            hk = H_ST;
        else if (key == K2('C', 'N'))
            hk = H_CN;
        else if (key == K2('P', 'W'))
            hk = H_PW;
        else if (key == K2('M', 'N'))
            hk = H_MN;
        else if (key == K4('F', 'l', 'a', 'g'))
            hk = H_FLAG;
        else if (key == K4('P', 'N', 'U', 'M'))
            hk = H_PNUM;
        else if (key == (K2('P', 'N') | (uint64_t)'O' << 16))
            hk = H_PNO;
        else if (key == K2('R', 'F'))
            hk = H_RF;
        else
            goto refuse;
        if (hk <= rank) goto refuse; /* repeated or out of order */
        rank = hk;
        seen |= 1u << hk;
        eco_slice_t val = slice_at(seg + s + Q + 1, E - Q - 1);
        switch (hk) {
        case H_QN: k->qn = val; break;
        case H_ST: k->st = val; break;
        case H_CN: k->cn = val; break;
        case H_PW: k->pw = val; break;
        case H_MN: k->mn = val; break;
        case H_FLAG: k->flag_text = val; break;
        case H_PNUM: k->pnum_text = val; break;
        case H_PNO: k->pno_text = val; break;
        case H_RF: k->rf = val; break;
        }
        s += E + 1;
    }
    h->rank_max = rank;
    h->seen = seen;
    return 1;
#undef K2
#undef K4
refuse:
    {
        const eco_slice_t empty = {seg, 0}; /* as eco_hj212_parse set them */
        k->qn = k->st = k->cn = k->pw = k->mn = k->flag_text = k->pnum_text = k->pno_text = k->rf = empty;
    }
    h->seen = 0;
    h->rank_max = 0;
    return 0;
}
#endif

#if HJ212_WINDOWS
/* ------------------------------------------------------------------ the stream reading (clean segments) */

/* The quickest reading, for a segment whose bytes before the closing "&&"
 * (ce) are all printable ASCII without blanks (0x21..0x7F) — nearly every
 * packet. The segment up to ce is copied into buf, a ';' put at ce (the CP's
 * end reads as one more separator) and padding after it, so that keys and
 * values can be loaded 8 bytes at a time anywhere; one SSE2 pass marks every
 * ; , = - in a bitmap (bit i: buf[i]); then the header and the CP are read
 * by popping the marks in order: an entry "code-Suffix=value" is exactly
 * three pops ('-', '=', the separator; a '-' or '=' inside a value is
 * popped and passed over), "Key=value" two. What is popped is what the
 * general reading finds (the first separator, the first '=' before it, the
 * first '-' before that), and without blanks nothing is trimmed; any entry
 * whose pops do not fit that shape (an empty entry or key or code, no '=',
 * a second '-' before the '=', a value starting with "//") is handed, from
 * its start, to the general reading, and popping resumes after its end.
 * Slices always point into the segment itself, never into buf. */
#define SB_PAD 128
/* The stream reading takes a CP of fewer bytes than this (any CP of a
 * standard segment): every field needs at least 3 of its bytes ('-', '='
 * and the separator or the end), so such a CP cannot hold more than
 * ECO_HJ212_MAX_FIELDS fields and the loop stores without checking the
 * limit. Longer ones (tolerant mode) take the windows. */
#define SB_MAX_CP (3 * ECO_HJ212_MAX_FIELDS - 1)
#define SB_WORDS ((ECO_HJ212_MAX_LEN + 1 + 63) / 64 + 1)

typedef struct sbits {
    char buf[ECO_HJ212_MAX_LEN + 1 + SB_PAD];
    uint64_t m[SB_WORDS];
} sbits_t;

/* buf and m for seg[0, ce); 1 when every byte there is in 0x21..0x7F.
 * One pass copies and marks: the whole 64-byte blocks of seg[0, ce) are
 * read from the segment, stored into buf and marked; the last, partial
 * block (it holds the ';' put at ce) is assembled in buf — 'a' padding,
 * its bytes, the ';' — and marked from there. Bytes of buf past the last
 * block's end are 'a' up to 64 further (loads of 8 bytes at any position
 * up to ce stay in written bytes). AVX2 where the processor has it
 * (sb_build_avx2: the same bits, 32 bytes a step), SSE2 otherwise. */
static inline uint64_t sb_mark64_sse2(const char *src, char *dst, __m128i *odd)
{
    const __m128i semi = _mm_set1_epi8(';'), equal = _mm_set1_epi8('='), minus = _mm_set1_epi8('-'),
                  one = _mm_set1_epi8(1), sp1 = _mm_set1_epi8(0x21);
    uint64_t m = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(src + 16 * k));
        if (dst) _mm_storeu_si128((__m128i *)(void *)(dst + 16 * k), v);
        /* v | 1 == '-' for ',' (0x2C) and '-' (0x2D) */
        __m128i a = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, semi), _mm_cmpeq_epi8(v, equal)),
                                 _mm_cmpeq_epi8(_mm_or_si128(v, one), minus));
        m |= (uint64_t)(unsigned)_mm_movemask_epi8(a) << (16 * k);
        *odd = _mm_or_si128(*odd, _mm_cmplt_epi8(v, sp1)); /* signed: >= 0x80 too */
    }
    return m;
}

/* the last block of seg[0, ce) at buf + at (at = ce rounded down to 64):
 * 'a' from ce on, for 128 bytes; its bytes before ce copied as the 64
 * bytes that end at ce (fixed sizes: a few vector moves, not a call; the
 * bytes before at are written again with what they hold), or, when ce is
 * below 64, as they are */
static inline void sb_tail(char *b, const char *seg, size_t at, size_t ce)
{
    memset(b + ce, 'a', 128);
    if (ce >= 64)
        memcpy(b + ce - 64, seg + ce - 64, 64);
    else
        memcpy(b + at, seg + at, ce - at);
    b[ce] = ';';
}

/* After the marking: buf[ce] = 0, marked as the ';' it was — the CP's end,
 * told apart by its byte — and a second 0 at ce + 1, marked too (in the
 * word after the last one when ce + 1 starts it): an entry that ends at ce
 * is followed by this empty "entry", whose first pop is that 0, so the
 * stream loop learns that the CP is done at the test it makes anyway ('-'
 * after the code) instead of testing every field's end for ce. */
static inline void sb_ends(sbits_t *sb, size_t ce, size_t full)
{
    sb->buf[ce] = 0;
    sb->buf[ce + 1] = 0;
    sb->m[full + 1] = 0;
    sb->m[(ce + 1) >> 6] |= 1ull << ((ce + 1) & 63);
}

static int sb_build_sse2(sbits_t *sb, const char *seg, size_t ce)
{
    char *b = sb->buf;
    size_t full = ce / 64;
    __m128i odd = _mm_setzero_si128();
    for (size_t w = 0; w < full; w++) sb->m[w] = sb_mark64_sse2(seg + 64 * w, b + 64 * w, &odd);
    sb_tail(b, seg, 64 * full, ce);
    sb->m[full] = sb_mark64_sse2(b + 64 * full, NULL, &odd);
    sb_ends(sb, ce, full);
    return _mm_movemask_epi8(odd) == 0;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HJ212_AVX2 1
/* (AVX2: *least keeps the least byte seen, as signed bytes: one min a
 * vector instead of a compare and an OR; below 0x21 means a blank, a
 * control byte or one of the high half) */
__attribute__((target("avx2"))) static inline uint64_t sb_mark64_avx2(const char *src, char *dst, __m256i *least)
{
    const __m256i semi = _mm256_set1_epi8(';'), equal = _mm256_set1_epi8('='), minus = _mm256_set1_epi8('-'),
                  one = _mm256_set1_epi8(1);
    __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)src);
    __m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(src + 32));
    if (dst) {
        _mm256_storeu_si256((__m256i *)(void *)dst, v0);
        _mm256_storeu_si256((__m256i *)(void *)(dst + 32), v1);
    }
    __m256i a0 = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v0, semi), _mm256_cmpeq_epi8(v0, equal)),
                                 _mm256_cmpeq_epi8(_mm256_or_si256(v0, one), minus));
    __m256i a1 = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v1, semi), _mm256_cmpeq_epi8(v1, equal)),
                                 _mm256_cmpeq_epi8(_mm256_or_si256(v1, one), minus));
    *least = _mm256_min_epi8(*least, _mm256_min_epi8(v0, v1));
    return (uint64_t)(uint32_t)_mm256_movemask_epi8(a0) | (uint64_t)(uint32_t)_mm256_movemask_epi8(a1) << 32;
}

__attribute__((target("avx2"))) static int sb_build_avx2(sbits_t *sb, const char *seg, size_t ce)
{
    char *b = sb->buf;
    size_t full = ce / 64;
    __m256i least = _mm256_set1_epi8(0x7F);
    for (size_t w = 0; w < full; w++) sb->m[w] = sb_mark64_avx2(seg + 64 * w, b + 64 * w, &least);
    sb_tail(b, seg, 64 * full, ce);
    sb->m[full] = sb_mark64_avx2(b + 64 * full, NULL, &least);
    sb_ends(sb, ce, full);
    __m256i odd = _mm256_cmpgt_epi8(_mm256_set1_epi8(0x21), least);
    return _mm256_testz_si256(odd, odd);
}

/* 1 when the processor has AVX2 and BMI1 (asked once; a benign race: every thread
 * finds the same answer) */
static int isa_cap = 1; /* eco_hj212_parse_limit_isa */
static int have_avx2(void)
{
    static int cached = -1;
    int c = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (__builtin_expect(c < 0, 0)) {
        __builtin_cpu_init();
        /* BMI1 too: the stream loop (sb_run_simd) pops marks with blsr */
        c = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") ? 1 : 0;
        __atomic_store_n(&cached, c, __ATOMIC_RELAXED);
    }
    return c & __atomic_load_n(&isa_cap, __ATOMIC_RELAXED);
}
#endif

/* Not in hj212.h: the unit tests limit the parser to SSE2 (level 0) or let
 * it use AVX2 where there is one (1, the default), to compare the two.
 * Returns the level before. */
int eco_hj212_parse_limit_isa(int level);
int eco_hj212_parse_limit_isa(int level)
{
#ifdef HJ212_AVX2
    return __atomic_exchange_n(&isa_cap, level ? 1 : 0, __ATOMIC_RELAXED);
#else
    (void)level;
    return 0;
#endif
}

/* sb_build_avx2 or sb_build_sse2 (the same bits: the unit test compares them) */
static int sb_build(sbits_t *sb, const char *seg, size_t ce)
{
#ifdef HJ212_AVX2
    if (have_avx2()) return sb_build_avx2(sb, seg, ce);
#endif
    return sb_build_sse2(sb, seg, ce);
}

/* The index of the lowest set bit of x != 0, as a size_t. On x86-64 one
 * tzcnt (a bsf where there is no BMI: the same answer for x != 0): the
 * builtin's int result costs a zeroing and a sign extension at every pop. */
static inline size_t ctz64(uint64_t x)
{
#if defined(__x86_64__) && defined(__GNUC__)
    uint64_t r;
    __asm__("tzcnt %1, %0" : "=r"(r) : "rm"(x) : "cc");
    return (size_t)r;
#else
    return (size_t)__builtin_ctzll(x);
#endif
}

/* popping the marks in order: x holds the unpopped marks of the word at base */
#define SB_POP(pos)                                                                                                    \
    do {                                                                                                               \
        while (!x) {                                                                                                   \
            base += 64;                                                                                                \
            x = M[base >> 6];                                                                                          \
        }                                                                                                              \
        (pos) = base + ctz64(x);                                                                                       \
        x &= x - 1;                                                                                                    \
    } while (0)
#define SB_SEEK(at)                                                                                                    \
    do {                                                                                                               \
        base = (at) & ~(size_t)63;                                                                                     \
        x = M[base >> 6] & (~0ull << ((at)&63));                                                                       \
    } while (0)

/* The usual header (as fast_header: known keys of 2 to 4 bytes in the
 * standard's order, each once, ';' after every field and right before
 * "CP=&&" at to) read from the marks; anything else returns 0 with the
 * header fields and h reset. */
static int sb_header(pctx_t *c, hdr_t *h, const sbits_t *sb, size_t to)
{
#define K2(a, b) ((uint64_t)(unsigned char)(a) | (uint64_t)(unsigned char)(b) << 8)
#define K4(a, b, c, d) (K2(a, b) | K2(c, d) << 16)
    /* the keys by H_*, and where each value goes */
    static const uint64_t hkey[H_RF + 1] = {0,
                                            K2('Q', 'N'),
                                            K2('S', 'T'),
                                            K2('C', 'N'),
                                            K2('P', 'W'),
                                            K2('M', 'N'),
                                            K4('F', 'l', 'a', 'g'),
                                            K4('P', 'N', 'U', 'M'),
                                            K2('P', 'N') | (uint64_t)'O' << 16,
                                            K2('R', 'F')};
    static const uint16_t hoff[H_RF + 1] = {0,
                                            offsetof(eco_hj212_packet_t, qn),
                                            offsetof(eco_hj212_packet_t, st),
                                            offsetof(eco_hj212_packet_t, cn),
                                            offsetof(eco_hj212_packet_t, pw),
                                            offsetof(eco_hj212_packet_t, mn),
                                            offsetof(eco_hj212_packet_t, flag_text),
                                            offsetof(eco_hj212_packet_t, pnum_text),
                                            offsetof(eco_hj212_packet_t, pno_text),
                                            offsetof(eco_hj212_packet_t, rf)};
    eco_hj212_packet_t *k = c->pkt;
    const char *seg = c->seg, *b = sb->buf;
    const uint64_t *M = sb->m;
    size_t s = 0, base = 0, q, e;
    uint64_t x = M[0];
    int rank = 0;
    unsigned seen = 0;
    /* QN ST CN PW MN Flag, as long as they come in that order, each with
     * its key and '=' compared as one word: letters hold no mark, so the
     * '=' is the next mark (at s + NB - 1), dropped rather than popped;
     * from the first other one on, the loop, with rank and seen as the
     * fields before it leave them (H_QN .. H_FLAG are 1 .. 6) */
#define STD(KEY, NB, HK, FIELD)                                                                                        \
    if (s >= to || (load8(b + s) & lenmask[NB]) != (KEY)) {                                                            \
        rank = (HK)-1;                                                                                                 \
        seen = (1u << (HK)) - 2;                                                                                       \
        goto loop;                                                                                                     \
    }                                                                                                                  \
    while (!x) {                                                                                                       \
        base += 64;                                                                                                    \
        x = M[base >> 6];                                                                                              \
    }                                                                                                                  \
    x &= x - 1;                                                                                                        \
    q = s + (NB)-1;                                                                                                    \
    do SB_POP(e);                                                                                                      \
    while (b[e] == '=' || b[e] == '-');                                                                                \
    if (b[e] != ';' || e >= to) goto refuse; /* ',', "Flag=5CP=&&" */                                                 \
    k->FIELD = slice_at(seg + q + 1, e - q - 1);                                                                       \
    s = e + 1;
    STD(K2('Q', 'N') | (uint64_t)'=' << 16, 3, H_QN, qn)
    STD(K2('S', 'T') | (uint64_t)'=' << 16, 3, H_ST, st)
    STD(K2('C', 'N') | (uint64_t)'=' << 16, 3, H_CN, cn)
    STD(K2('P', 'W') | (uint64_t)'=' << 16, 3, H_PW, pw)
    STD(K2('M', 'N') | (uint64_t)'=' << 16, 3, H_MN, mn)
    STD(K4('F', 'l', 'a', 'g') | (uint64_t)'=' << 32, 5, H_FLAG, flag_text)
#undef STD
    rank = H_FLAG;
    seen = (1u << (H_FLAG + 1)) - 2;
loop:
    while (s < to) {
        SB_POP(q);
        if (b[q] != '=' || q - s - 2 > 2) goto refuse; /* keys are 2 to 4 bytes */
        do SB_POP(e);
        while (b[e] == '=' || b[e] == '-');
        if (b[e] != ';' || e >= to) goto refuse; /* ',', "Flag=5CP=&&" */
        uint64_t key = load8(b + s) & lenmask[q - s];
        /* a known key after the last one (in the standard's order the
         * first compare finds it); repeated or out of order: refused */
        int hk = rank + 1;
        while (hk <= H_RF && hkey[hk] != key) hk++;
        if (hk > H_RF) goto refuse;
        rank = hk;
        seen |= 1u << hk;
        eco_slice_t *dst = (eco_slice_t *)(void *)((char *)k + hoff[hk]);
        *dst = slice_at(seg + q + 1, e - q - 1);
        s = e + 1;
    }
    h->rank_max = rank;
    h->seen = seen;
    return 1;
#undef K2
#undef K4
refuse:
    {
        const eco_slice_t empty = {seg, 0};
        k->qn = k->st = k->cn = k->pw = k->mn = k->flag_text = k->pnum_text = k->pno_text = k->rf = empty;
    }
    h->seen = 0;
    h->rank_max = 0;
    return 0;
}
#endif

/* What the header fields mean, once all are read. */
static void interpret_header(pctx_t *c, const hdr_t *h, const eco_hj212_opts_t *o)
{
    eco_hj212_packet_t *k = c->pkt;
    const char *seg = c->seg;
    k->has_qn = (h->seen >> H_QN) & 1;
    k->has_flag = (h->seen >> H_FLAG) & 1;
    if (!k->has_qn)
        note(c, ECO_HJ212_N_MISSING, seg, "no QN (HJ/T 212-2005 style)");
    else if (k->qn.len != 17 || !all_digits(k->qn))
        note(c, ECO_HJ212_N_BAD_VALUE, k->qn.ptr, "QN '%.*s' is not YYYYMMDDhhmmsszzz", SL(k->qn));
    if (!((h->seen >> H_ST) & 1)) note(c, ECO_HJ212_N_MISSING, seg, "no ST");
    if (!((h->seen >> H_CN) & 1)) note(c, ECO_HJ212_N_MISSING, seg, "no CN");
    if (!((h->seen >> H_PW) & 1)) note(c, ECO_HJ212_N_MISSING, seg, "no PW");
    if (!((h->seen >> H_MN) & 1)) note(c, ECO_HJ212_N_MISSING, seg, "no MN");

    k->flag = -1;
    if (k->has_flag) {
        k->flag = small_uint(k->flag_text, 255);
        if (k->flag < 0)
            note(c, ECO_HJ212_N_BAD_VALUE, k->flag_text.ptr, "Flag '%.*s' is not a number 0-255", SL(k->flag_text));
    } else {
        note(c, ECO_HJ212_N_MISSING, seg, "no Flag: HJ/T 212-2005 assumed");
    }
    if (k->flag >= 0) {
        int v = eco_hj212_flag_version(k->flag);
        k->edition = v == 0 ? ECO_HJ212_ED_2005 : v == 1 ? ECO_HJ212_ED_2017 : v == 2 ? ECO_HJ212_ED_2025
                                                                                     : ECO_HJ212_ED_OTHER;
        k->ack_wanted = k->flag & ECO_HJ212_FLAG_ACK;
    } else {
        k->edition = ECO_HJ212_ED_2005;
        k->ack_wanted = o->reply_when_no_flag ? 1 : 0;
    }

    k->cn_num = -1;
    if (k->cn.len) {
        int v = small_uint(k->cn, 9999);
        if (v < 0 || k->cn.len != 4)
            note(c, ECO_HJ212_N_BAD_VALUE, k->cn.ptr, "CN '%.*s' is not 4 digits", SL(k->cn));
        k->cn_num = v;
        if (v >= 0 && !eco_hj212_cn_name(v)) note(c, ECO_HJ212_N_UNKNOWN_CN, k->cn.ptr, "unknown CN %d", v);
    }
    if (k->st.len && !eco_hj212_st_name(k->st))
        note(c, ECO_HJ212_N_UNKNOWN_ST, k->st.ptr, "unknown ST '%.*s'", SL(k->st));

    k->pnum = k->pno = 0;
    int has_pnum = (h->seen >> H_PNUM) & 1, has_pno = (h->seen >> H_PNO) & 1;
    if (has_pnum) {
        int v = small_uint(k->pnum_text, 9999);
        if (v < 0)
            note(c, ECO_HJ212_N_BAD_VALUE, k->pnum_text.ptr, "PNUM '%.*s' is not a number", SL(k->pnum_text));
        else
            k->pnum = v;
    }
    if (has_pno) {
        int v = small_uint(k->pno_text, 9999);
        if (v < 0)
            note(c, ECO_HJ212_N_BAD_VALUE, k->pno_text.ptr, "PNO '%.*s' is not a number", SL(k->pno_text));
        else
            k->pno = v;
    }
    int split_bit = k->flag >= 0 && (k->flag & ECO_HJ212_FLAG_SPLIT);
    if (split_bit && !(has_pnum && has_pno))
        note(c, ECO_HJ212_N_SPLIT, k->flag_text.ptr, "Flag=%d says split packet but PNUM/PNO are missing", k->flag);
    else if ((has_pnum || has_pno) && !split_bit)
        note(c, ECO_HJ212_N_SPLIT, (has_pnum ? k->pnum_text : k->pno_text).ptr,
             "PNUM/PNO present but the Flag split bit is not set");
    if (has_pnum != has_pno)
        note(c, ECO_HJ212_N_SPLIT, (has_pnum ? k->pnum_text : k->pno_text).ptr, "only one of PNUM and PNO");
    else if (has_pnum && k->pnum > 0 && (k->pno < 1 || k->pno > k->pnum))
        note(c, ECO_HJ212_N_SPLIT, k->pno_text.ptr, "PNO %d outside 1..PNUM %d", k->pno, k->pnum);

    k->backfill = 0;
    if ((h->seen >> H_RF) & 1) {
        if (IS(k->rf, "1"))
            k->backfill = 1;
        else
            note(c, ECO_HJ212_N_BAD_VALUE, k->rf.ptr, "RF '%.*s' (only RF=1 is defined)", SL(k->rf));
    }
}

/* ------------------------------------------------------------------ CP: parameters */

static int add_param(pctx_t *c, eco_slice_t key, eco_slice_t val)
{
    eco_hj212_packet_t *k = c->pkt;
    for (uint32_t i = 0; i < k->nparams; i++)
        if (k->params[i].key.len == key.len && memcmp(k->params[i].key.ptr, key.ptr, key.len) == 0) {
            note(c, ECO_HJ212_N_DUPLICATE, key.ptr, "'%.*s' given twice: the last is kept", SL(key));
            k->params[i].value = val;
            return 0;
        }
    if (k->nparams >= ECO_HJ212_MAX_PARAMS)
        return eco_err_set(c->err, ECO_EHJ212_TOOBIG, "more than %d parameters (at byte %zu)", ECO_HJ212_MAX_PARAMS,
                           (size_t)(key.ptr - c->seg));
    k->params[k->nparams].key = key;
    k->params[k->nparams].value = val;
    k->nparams++;
    return 0;
}

/* ------------------------------------------------------------------ CP: bitmap */

#define MAXW ((ECO_HJ212_MAX_LEN + 63) / 64 + 1)

/* Bit j of word w set when byte 64w+j is: any one of ; , = - (built for
 * every packet: the header and the CP's fast path walk it), and, built only
 * when the CP's general reading is needed (have_split), sep ';' or ',',
 * eq '=', dash '-'. Bits past the segment are zero. */
typedef struct masks {
    uint64_t any[MAXW], sep[MAXW], eq[MAXW], dash[MAXW];
    const char *p;
    size_t n;
    int have_split;
    int built, blanks; /* built on first need (the general reading); blanks: one anywhere */
} masks_t;

#if defined(__SSE2__)
/* 64 bytes at p: bits of ; , = - into word w of any; blanks OR-ed into *blank */
static inline uint64_t mask64_any(const char *p, __m128i *blank)
{
    const __m128i semi = _mm_set1_epi8(';'), comma = _mm_set1_epi8(','), equal = _mm_set1_epi8('='),
                  minus = _mm_set1_epi8('-'), sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
    uint64_t m = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
        __m128i a = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, semi), _mm_cmpeq_epi8(v, comma)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, equal), _mm_cmpeq_epi8(v, minus)));
        m |= (uint64_t)(unsigned)_mm_movemask_epi8(a) << (16 * k);
        *blank = _mm_or_si128(*blank, _mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, tab)));
    }
    return m;
}
#endif

/* any[] of the segment. Returns whether it holds a blank anywhere: when it
 * does not, as in nearly every packet, no token needs trimming. */
static int build_mask(const char *p, size_t n, masks_t *mk)
{
    size_t nw = (n + 63) / 64, full = n / 64;
    mk->p = p;
    mk->n = n;
    mk->have_split = 0;
    mk->any[nw] = 0; /* the word after the last (the CP walk's sentinel may be put in the last) */
#if defined(__SSE2__)
    __m128i blank = _mm_setzero_si128();
    for (size_t w = 0; w < full; w++) mk->any[w] = mask64_any(p + 64 * w, &blank);
    if (full < nw) { /* the tail, through a zero-padded copy: NUL matches nothing */
        char tail[64];
        memset(tail, 0, sizeof tail);
        memcpy(tail, p + 64 * full, n - 64 * full);
        mk->any[full] = mask64_any(tail, &blank);
    }
    return _mm_movemask_epi8(blank) != 0;
#else
    int blank = 0;
    (void)full;
    for (size_t w = 0; w < nw; w++) {
        uint64_t m = 0;
        for (size_t j = 0; j < 64 && 64 * w + j < n; j++) {
            char ch = p[64 * w + j];
            m |= (uint64_t)(ch == ';' || ch == ',' || ch == '=' || ch == '-') << j;
            blank |= ch == ' ' || ch == '\t';
        }
        mk->any[w] = m;
    }
    return blank;
#endif
}

static void build_split(masks_t *mk);

/* All the masks, built the first time the general reading needs them. */
static inline masks_t *masks(masks_t *mk, const char *p, size_t n)
{
    if (!mk->built) {
        mk->blanks = build_mask(p, n, mk);
        build_split(mk);
        mk->built = 1;
    }
    return mk;
}

/* sep[], eq[], dash[] from any[] (only its marked bytes are looked at) */
static void build_split(masks_t *mk)
{
    size_t nw = (mk->n + 63) / 64;
    for (size_t w = 0; w < nw; w++) {
        uint64_t ms = 0, me = 0, md = 0;
        for (uint64_t x = mk->any[w]; x; x &= x - 1) {
            size_t j = (size_t)__builtin_ctzll(x);
            size_t at = 64 * w + j;
            if (at >= mk->n) break;
            char ch = mk->p[at];
            uint64_t bit = 1ull << j;
            if (ch == '=')
                me |= bit;
            else if (ch == '-')
                md |= bit;
            else if (ch == ';' || ch == ',')
                ms |= bit;
        }
        mk->sep[w] = ms;
        mk->eq[w] = me;
        mk->dash[w] = md;
    }
    mk->have_split = 1;
}

/* The first set bit of m in [a, b), or NONE. */
static inline size_t first_bit(const uint64_t *m, size_t a, size_t b)
{
    if (a >= b) return NONE;
    size_t w = a >> 6, wl = (b - 1) >> 6;
    uint64_t x = m[w] & (~0ull << (a & 63));
    while (!x) {
        if (++w > wl) return NONE;
        x = m[w];
    }
    size_t p = (w << 6) + (size_t)__builtin_ctzll(x);
    return p < b ? p : NONE;
}

/* Equality of two short byte strings without a libc call: codes are mostly
 * 3-6 bytes, compared once per field. */
static inline int bytes_eq(const char *a, const char *b, size_t n)
{
    if (n >= 4 && n <= 8) {
        uint32_t a0, a1, b0, b1;
        memcpy(&a0, a, 4);
        memcpy(&b0, b, 4);
        memcpy(&a1, a + n - 4, 4);
        memcpy(&b1, b + n - 4, 4);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    if (n < 4) {
        for (size_t i = 0; i < n; i++)
            if (a[i] != b[i]) return 0;
        return 1;
    }
    return memcmp(a, b, n) == 0;
}

/* ------------------------------------------------------------------ CP: factors */

#define LINEAR_MAX 16       /* factors searched linearly; a hash beyond */
#define HASH_SIZE 2048      /* > 2 * ECO_HJ212_MAX_FACTORS */

typedef struct fstate {
    uint64_t ckey[ECO_HJ212_MAX_FACTORS];     /* key8 of each factor's code */
    uint32_t sid_mask[ECO_HJ212_MAX_FACTORS]; /* known suffixes seen, per factor */
    uint16_t nunknown[ECO_HJ212_MAX_FACTORS]; /* unknown-suffix fields, per factor */
    uint16_t fidx[ECO_HJ212_MAX_FIELDS];      /* factor of each field, in arrival order */
    uint16_t hash[HASH_SIZE];                 /* factor index + 1, when hashed */
    uint64_t flag_seen[2], flag_ok[2];        /* one-byte data flags judged so far (ASCII bit map) */
    uint64_t seen[4];                         /* bit code_bit(key, len) of every factor's code: a clear bit
                                                 proves a code new without a search (256 bits: with 64,
                                                 one new code in ten met a set bit and left the
                                                 stream loop for add_field_k's search) */
    int hashed, regroup, dups;
    uint32_t fidx_done;                       /* the stream reading: fidx written below this field */
} fstate_t;

/* the code's bit: the low 8 bits of its home slot in the code hash, which
 * the stream loop computes anyway for a new factor */
static inline uint32_t code_bit(uint64_t key, size_t len) { return eco_hj212_code_slot_of(key, len) & 255; }
static inline int code_seen(const fstate_t *fs, uint32_t cb) { return (int)((fs->seen[cb >> 6] >> (cb & 63)) & 1); }
static inline void code_mark(fstate_t *fs, uint32_t cb) { fs->seen[cb >> 6] |= 1ull << (cb & 63); }

static inline uint32_t code_hash(uint64_t key, size_t len)
{
    return (uint32_t)(((key ^ (uint64_t)len) * 0x9E3779B97F4A7C15ull) >> 53) & (HASH_SIZE - 1);
}

/* Is factor f's code the code whose key8 is key? */
static inline int factor_is(const fstate_t *fs, const eco_hj212_packet_t *k, uint32_t f, eco_slice_t code,
                            uint64_t key)
{
    const eco_slice_t fc = k->factors[f].code;
    return fc.len == code.len && fs->ckey[f] == key && (code.len <= 8 || bytes_eq(fc.ptr, code.ptr, code.len));
}

static void hash_put(fstate_t *fs, const eco_hj212_packet_t *k, uint32_t f)
{
    uint32_t i = code_hash(fs->ckey[f], k->factors[f].code.len);
    while (fs->hash[i]) i = (i + 1) & (HASH_SIZE - 1);
    fs->hash[i] = (uint16_t)(f + 1);
}

/* index of the factor with this code, or -1 */
static int find_factor(fstate_t *fs, const eco_hj212_packet_t *k, eco_slice_t code, uint64_t key)
{
    uint32_t nf = k->nfactors; /* the last factor was checked by the caller: fields of a factor come together */
    if (!fs->hashed) {
        for (uint32_t f = 0; f + 1 < nf; f++)
            if (factor_is(fs, k, f, code, key)) return (int)f;
        return -1;
    }
    uint32_t i = code_hash(key, code.len);
    while (fs->hash[i]) {
        uint32_t f = fs->hash[i] - 1u;
        if (factor_is(fs, k, f, code, key)) return (int)f;
        i = (i + 1) & (HASH_SIZE - 1);
    }
    return -1;
}

static int is_facility_code(eco_slice_t code) /* SBxxx: treatment facility numbers (Table 4 SBxxx-RS/RT) */
{
    return code.len >= 3 && code.ptr[0] == 'S' && code.ptr[1] == 'B';
}

/* Is the data flag val in the edition's table? One-byte flags are judged
 * once per packet (nearly every flag is "N"); the table itself stays in
 * eco_hj212_data_flag_name. */
static inline int flag_known(fstate_t *fs, eco_slice_t val, eco_hj212_edition_t ed)
{
    if (val.len != 1 || (unsigned char)val.ptr[0] >= 128) return eco_hj212_data_flag_name(val, ed) != NULL;
    unsigned ch = (unsigned char)val.ptr[0];
    uint64_t bit = 1ull << (ch & 63);
    if (!(fs->flag_seen[ch >> 6] & bit)) {
        fs->flag_seen[ch >> 6] |= bit;
        if (eco_hj212_data_flag_name(val, ed)) fs->flag_ok[ch >> 6] |= bit;
    }
    return (fs->flag_ok[ch >> 6] & bit) != 0;
}

/* A factor field: code, suffix and value, with the key8 of code and suffix
 * already made (by add_field, or by the CP fast path from its window). The
 * value's number is made afterwards, for all fields at once (numbers). */
static inline __attribute__((always_inline)) int add_field_k(pctx_t *c, fstate_t *fs, eco_slice_t code,
                                                             uint64_t ckey, eco_slice_t suffix, uint64_t skey,
                                                             eco_slice_t val)
{
    eco_hj212_packet_t *k = c->pkt;
    uint32_t nf = k->nfactors;
    int f = nf && factor_is(fs, k, nf - 1, code, ckey) ? (int)nf - 1 : find_factor(fs, k, code, ckey);
    if (f < 0) {
        if (k->nfactors >= ECO_HJ212_MAX_FACTORS)
            return eco_err_set(c->err, ECO_EHJ212_TOOBIG, "more than %d factors (at byte %zu)", ECO_HJ212_MAX_FACTORS,
                               (size_t)(code.ptr - c->seg));
        f = (int)k->nfactors++;
        eco_hj212_factor_t *fc = &k->factors[f];
        fc->code = code;
        fc->info = code.len ? eco_hj212_code_find_key(code, ckey, k->st) : NULL;
        fc->first = k->nfields;
        fc->n = 0;
        fs->ckey[f] = ckey;
        code_mark(fs, code_bit(ckey, code.len));
        fs->sid_mask[f] = 0;
        fs->nunknown[f] = 0;
        if (code.len == 0)
            note(c, ECO_HJ212_N_BAD_VALUE, code.ptr, "factor field with an empty code: '-%.*s'", SL(suffix));
        else if (!fc->info && !is_facility_code(code))
            note(c, ECO_HJ212_N_UNKNOWN_CODE, code.ptr, "unknown factor code '%.*s'", SL(code));
        if (fs->hashed) {
            hash_put(fs, k, (uint32_t)f);
        } else if (k->nfactors > LINEAR_MAX) {
            memset(fs->hash, 0, sizeof fs->hash);
            fs->hashed = 1;
            for (uint32_t g = 0; g < k->nfactors; g++) hash_put(fs, k, g);
        }
    } else if ((uint32_t)f != k->nfactors - 1) {
        fs->regroup = 1; /* a factor's fields sent apart */
    }
    if (k->nfields >= ECO_HJ212_MAX_FIELDS)
        return eco_err_set(c->err, ECO_EHJ212_TOOBIG, "more than %d factor fields (at byte %zu)",
                           ECO_HJ212_MAX_FIELDS, (size_t)(code.ptr - c->seg));
    int sid = suffix_id(suffix, skey);
    if (sid) {
        uint32_t bit = 1u << sid;
        if (fs->sid_mask[f] & bit) fs->dups = 1;
        fs->sid_mask[f] |= bit;
        if (sid == SID_FLAG && !flag_known(fs, val, k->edition))
            note(c, ECO_HJ212_N_BAD_FLAG, val.ptr, "data flag '%.*s' of %.*s is not in the HJ 212-%s table", SL(val),
                 SL(code), eco_hj212_edition_name(k->edition));
    } else {
        if (++fs->nunknown[f] >= 2) fs->dups = 1; /* maybe: checked at the end */
        if (suffix.len == 0)
            note(c, ECO_HJ212_N_BAD_VALUE, suffix.ptr, "factor field '%.*s-' with an empty suffix", SL(code));
        else
            note(c, ECO_HJ212_N_UNKNOWN_SUFFIX, suffix.ptr, "unknown suffix '%.*s' in '%.*s-%.*s'", SL(suffix),
                 SL(code), SL(suffix));
    }
    eco_hj212_field_t *fl = &k->fields[k->nfields];
    fl->suffix = suffix;
    fl->value = val;
    fs->fidx[k->nfields] = (uint16_t)f;
    k->nfields++;
    k->factors[f].n++;
    return 0;
}

static int add_field(pctx_t *c, fstate_t *fs, eco_slice_t code, eco_slice_t suffix, eco_slice_t val)
{
    const char *end = c->seg + c->n;
    return add_field_k(c, fs, code, key8(code.ptr, code.len, end), suffix, key8(suffix.ptr, suffix.len, end), val);
}

/* Bring each factor's fields together, in order of first appearance of the
 * factor and arrival within it: a stable counting sort, applied in place by
 * following the permutation's cycles. */
static void regroup(eco_hj212_packet_t *k, fstate_t *fs)
{
    uint16_t *dest = fs->fidx; /* reused: field i goes to dest[i] */
    uint32_t cursor[ECO_HJ212_MAX_FACTORS];
    uint32_t at = 0;
    for (uint32_t f = 0; f < k->nfactors; f++) {
        k->factors[f].first = at;
        cursor[f] = at;
        at += k->factors[f].n;
    }
    for (uint32_t i = 0; i < k->nfields; i++) dest[i] = (uint16_t)cursor[fs->fidx[i]]++;
    for (uint32_t i = 0; i < k->nfields; i++) {
        while (dest[i] != i) {
            uint32_t j = dest[i];
            eco_hj212_field_t t = k->fields[i];
            k->fields[i] = k->fields[j];
            k->fields[j] = t;
            uint16_t d = dest[j];
            dest[j] = (uint16_t)j;
            dest[i] = d;
        }
    }
}

/* Drop all but the last of a suffix given twice within a factor. */
static void dedupe(pctx_t *c, eco_hj212_packet_t *k)
{
    uint32_t w = 0;
    for (uint32_t f = 0; f < k->nfactors; f++) {
        eco_hj212_factor_t *fc = &k->factors[f];
        uint32_t first = fc->first, end = fc->first + fc->n, nfirst = w;
        for (uint32_t i = first; i < end; i++) {
            int later = 0;
            for (uint32_t j = i + 1; j < end && !later; j++) later = slice_eq(k->fields[i].suffix, k->fields[j].suffix);
            if (later) {
                note(c, ECO_HJ212_N_DUPLICATE, k->fields[i].suffix.ptr, "'%.*s-%.*s' given twice: the last is kept",
                     SL(fc->code), SL(k->fields[i].suffix));
                continue;
            }
            k->fields[w++] = k->fields[i];
        }
        fc->first = nfirst;
        fc->n = w - nfirst;
    }
    k->nfields = w;
}

/* ------------------------------------------------------------------ CP */

/* A CP entry without '-' in its key: a parameter (DataTime, PolId, QnRtn ...) */
static int cp_param(pctx_t *c, eco_slice_t key, eco_slice_t val)
{
    eco_hj212_packet_t *k = c->pkt;
    int rc = add_param(c, key, val);
    if (!rc && IS(key, "DataTime")) {
        k->datatime = val;
        k->has_time = parse_datatime(val, &k->time) == 0;
        if (!k->has_time)
            note(c, ECO_HJ212_N_BAD_VALUE, val.ptr, "DataTime '%.*s' is not YYYYMMDDhhmmss[zzz]", SL(val));
    }
    return rc;
}

/* One CP entry: raw [s, e); q = its first '=' (or NONE), d = the first '-'
 * before q (or NONE). blanks: the CP holds blanks somewhere. */
static inline __attribute__((always_inline)) int cp_entry(pctx_t *c, fstate_t *fs, const char *cp, size_t s, size_t e,
                                                          size_t q, size_t d, int blanks)
{
    size_t ts = s, te = e, ke = q, vs = q + 1;
    if (blanks) {
        while (ts < te && is_blank(cp[ts])) ts++;
        while (te > ts && is_blank(cp[te - 1])) te--;
        if (q != NONE && q >= ts && q < te) {
            while (ke > ts && is_blank(cp[ke - 1])) ke--;
            while (vs < te && is_blank(cp[vs])) vs++;
        }
        if (ts > s || te < e || (q != NONE && (ke < q || vs > q + 1)))
            note_once(c, ONCE_SPACE, ECO_HJ212_N_SEPARATOR, cp + s, "stray spaces around a field");
        if (d != NONE && d >= ke) d = NONE;
    }
    if (ts == te) {
        if (e == s) note_once(c, ONCE_EMPTY, ECO_HJ212_N_SEPARATOR, cp + s, "empty field (a ';' or ',' too many)");
        return 0;
    }
    if (q == NONE) {
        note(c, ECO_HJ212_N_BAD_VALUE, cp + ts, "CP entry without '=': '%.*s'", SL(mk(cp + ts, te - ts)));
        return 0;
    }
    eco_slice_t val = mk(cp + vs, te - vs);
    if (ke == ts) {
        note(c, ECO_HJ212_N_BAD_VALUE, cp + ts, "CP entry with an empty key: '%.*s'", SL(mk(cp + ts, te - ts)));
        return 0;
    }
    if (d != NONE) return add_field(c, fs, mk(cp + ts, d - ts), mk(cp + d + 1, ke - d - 1), val);
    return cp_param(c, mk(cp + ts, ke - ts), val);
}

/* Every field's number, in one pass once the fields are known: the
 * conversions are independent of each other, and done back to back the
 * processor overlaps them, where between the other work of each field it
 * waited on each one's chain of multiplications and its division. */
static void numbers(eco_hj212_packet_t *k, const char *end)
{
    eco_hj212_field_t *fl = k->fields;
    for (uint32_t i = 0, n = k->nfields; i < n; i++) {
        const char *p = fl[i].value.ptr;
        size_t len = fl[i].value.len;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (len - 2 < 7 && end - p >= 8) { /* 2..8 bytes, 8 readable: the word at once */
            uint64_t x;
            memcpy(&x, p, 8);
            fl[i].num = parse_num_word(x, len, p);
            continue;
        }
#endif
        fl[i].num = parse_num(p, len, end);
    }
}

/* One CP entry by the general reading: its end (the next ';' or ','), its
 * first '=' and the first '-' before that, from the bitmaps; a value
 * starting with "//" (an -Info log) runs to its closing "//", separators
 * inside it skipped. Returns 0 or an error; *end_out: the entry's end. */
static int cp_general(pctx_t *c, fstate_t *fs, const masks_t *mk, size_t s, size_t ce, size_t *end_out)
{
    const char *seg = c->seg;
    int blanks = mk->blanks;
    size_t e = first_bit(mk->sep, s, ce);
    if (e == NONE) e = ce;
    size_t q = first_bit(mk->eq, s, e);
    if (q != NONE) {
        size_t v = q + 1;
        if (blanks)
            while (v < ce && is_blank(seg[v])) v++;
        if (v + 1 < ce && seg[v] == '/' && seg[v + 1] == '/') /* an -Info log: to its closing "//" */
            for (size_t z = v + 2; z + 1 < ce; z++)
                if (seg[z] == '/' && seg[z + 1] == '/') {
                    if (z + 2 > e) {
                        e = first_bit(mk->sep, z + 2, ce);
                        if (e == NONE) e = ce;
                    }
                    break;
                }
    }
    size_t d = first_bit(mk->dash, s, q != NONE ? q : e);
    *end_out = e;
    return cp_entry(c, fs, seg, s, e, q, d, blanks);
}

static inline void fstate_init(fstate_t *fs)
{
    fs->hashed = fs->regroup = fs->dups = 0;
    fs->flag_seen[0] = fs->flag_seen[1] = fs->flag_ok[0] = fs->flag_ok[1] = 0;
    fs->seen[0] = fs->seen[1] = fs->seen[2] = fs->seen[3] = 0;
    fs->fidx_done = 0;
}

/* The numbers of fields [from, k->nfields), added by a slow path of the
 * stream reading: what numbers() makes of them. */
static void numbers_from(eco_hj212_packet_t *k, uint32_t from, const char *end)
{
    for (uint32_t i = from; i < k->nfields; i++) k->fields[i].num = parse_num(k->fields[i].value.ptr, k->fields[i].value.len, end);
}

#if HJ212_WINDOWS
/* A value's number read from the padded copy (b: the value there, 8 bytes
 * readable past it; p: the same bytes in the segment): exactly what
 * numbers() makes of p[0, n). The usual value — 1 to 8 bytes of digits
 * with at most one '.', no sign — in one word: the lowest '.' squeezed out
 * (a second one is then a byte that is no digit), '0' subtracted from the
 * n digits left, every one of them checked to be 0..9 (a byte below '0'
 * wraps to >= 0x80, one above '9' reaches 0x80 when 0x76 is added), the
 * digits put at the word's top and combined as in parse_num_word, the
 * integer (< 10^8) divided by 10^decimals: the very arithmetic of
 * parse_num_word, so the same double. Anything else (a sign, a longer
 * value, not a number) takes numbers()'s way, out of line (num_padded_slow:
 * inline, what it needs would be kept alive, spilled, on the usual path). */
static __attribute__((noinline)) double num_padded_slow(const char *b, size_t n, const char *p)
{
    if (n - 2 < 7) return parse_num_word(load8(b), n, p);
    return parse_num_scalar(p, n);
}

/* num_padded's usual values: 1 when *r is made, 0 for the shapes left to
 * num_padded_slow (the stream loop looks for an -Info log there) */
static inline int num_padded_try(const char *b, size_t n, double *r)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    if (n == 1) { /* data flags ("N") and one-digit values */
        unsigned d = (unsigned)(unsigned char)b[0] - '0';
        *r = d < 10 ? (double)d : NAN;
        return 1;
    }
    if (__builtin_expect(n - 2 < 7, 1)) {
        uint64_t x = load8(b) & lenmask[n];
        uint64_t t = x ^ (0x2Eull * ones); /* '.' bytes become zero */
        uint64_t z = (t - ones) & ~t & highs;
        size_t nd = n, frac = 0;
        if (z) {
            size_t d = (unsigned)__builtin_ctzll(z) >> 3;
            uint64_t lo = lenmask[d];
            x = (x & lo) | ((x >> 8) & ~lo);
            nd = n - 1;
            frac = nd - d;
        }
        uint64_t dv = x - ((0x30ull * ones) & lenmask[nd]);
        if (__builtin_expect(nd != 0 && !((dv | (dv + 0x7676767676767676ull)) & highs & lenmask[nd]), 1)) {
            uint64_t v = dv << (8 * (8 - nd));
            v = v * 10 + (v >> 8);
            v = (((v & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) +
                 (((v >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >>
                32;
            double r0 = (double)(uint32_t)v;
            *r = frac ? r0 / pow10_exact[frac] : r0;
            return 1;
        }
    }
    return 0;
}

static inline double num_padded(const char *b, size_t n, const char *p)
{
    double r;
    return num_padded_try(b, n, &r) ? r : num_padded_slow(b, n, p);
}

#ifdef HJ212_AVX2
/* num_padded's usual value (1 to 8 bytes, digits and at most one '.', no
 * sign) with SSSE3 (taken where AVX2 is; compiled for SSSE3 alone, as is
 * the loop it is inlined in, sb_run_simd: with AVX2 enabled GCC built its
 * constants by broadcasts in the loop and gave the function a 32-byte
 * aligned frame, losing %rbp — 130 instructions a packet more): the 16
 * bytes at b minus '0',
 * checked digit by digit and the '.' found with two compares; one shuffle
 * (nd_shuf[n][dot]) squeezes the '.' out, puts the last digit in byte 7 and
 * zeros before the first; then the usual multiply-adds (10, 100, 10,000:
 * pmaddubsw, pmaddwd, packssdw, pmaddwd) make the integer (< 10^8), divided
 * by 10^decimals: the arithmetic of num_padded, so the same double (the unit
 * tests compare both levels with strtod and with the general reading).
 * Anything else: 0, and the caller takes num_padded_slow. */
#define NDIG_(n, d) ((n) - ((d) < (n)))
#define SRC_(n, d, j)                                                                                                  \
    ((j) < 8 - NDIG_(n, d) ? 0x80 : (j) - (8 - NDIG_(n, d)) + ((j) - (8 - NDIG_(n, d)) >= (d) ? 1 : 0))
#define SHUF_(n, d)                                                                                                    \
    {SRC_(n, d, 0), SRC_(n, d, 1), SRC_(n, d, 2), SRC_(n, d, 3), SRC_(n, d, 4), SRC_(n, d, 5), SRC_(n, d, 6),       \
     SRC_(n, d, 7), 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80}
#define SHUFN_(n)                                                                                                      \
    {SHUF_(n, 0), SHUF_(n, 1), SHUF_(n, 2), SHUF_(n, 3), SHUF_(n, 4), SHUF_(n, 5), SHUF_(n, 6), SHUF_(n, 7),        \
     SHUF_(n, 8)}
/* [n][position of the '.', 8: none]: output byte j takes input byte ... */
static const uint8_t nd_shuf[9][9][16] __attribute__((aligned(16))) = {
    SHUFN_(0), SHUFN_(1), SHUFN_(2), SHUFN_(3), SHUFN_(4), SHUFN_(5), SHUFN_(6), SHUFN_(7), SHUFN_(8)};
#undef NDIG_
#undef SRC_
#undef SHUF_
#undef SHUFN_

__attribute__((target("ssse3,bmi"))) static inline int num_simd_try(const char *b, size_t n, double *r)
{
    if (n == 1) { /* data flags ("N") and one-digit values */
        unsigned d = (unsigned)(unsigned char)b[0] - '0';
        *r = d < 10 ? (double)d : NAN;
        return 1;
    }
    if (__builtin_expect(n - 2 < 7, 1)) {
        const __m128i raw = _mm_loadu_si128((const __m128i *)(const void *)b);
        const __m128i t = _mm_sub_epi8(raw, _mm_set1_epi8('0'));
        const __m128i dig = _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(9)), t);
        const __m128i dot = _mm_cmpeq_epi8(raw, _mm_set1_epi8('.'));
        const unsigned lb = (1u << n) - 1;
        unsigned dm = (unsigned)_mm_movemask_epi8(dot) & lb;
        unsigned bad = ~(unsigned)_mm_movemask_epi8(_mm_or_si128(dig, dot)) & lb;
        if (__builtin_expect(!bad && !(dm & (dm - 1)), 1)) { /* digits and at most one '.' (n >= 2: a digit too) */
            unsigned d = (unsigned)__builtin_ctz(dm | 0x100u); /* 8: no '.' */
            __m128i v = _mm_shuffle_epi8(t, _mm_load_si128((const __m128i *)(const void *)nd_shuf[n][d]));
            v = _mm_maddubs_epi16(v, _mm_set1_epi16(0x010A)); /* bytes 10, 1: two digits */
            v = _mm_madd_epi16(v, _mm_set1_epi32(0x00010064)); /* 100, 1: four */
            v = _mm_packs_epi32(v, v);
            v = _mm_madd_epi16(v, _mm_set1_epi32(0x00012710)); /* 10000, 1: eight */
            double r0 = (double)(uint32_t)_mm_cvtsi128_si32(v);
            size_t frac = dm ? n - 1 - d : 0;
            *r = frac ? r0 / pow10_exact[frac] : r0;
            return 1;
        }
    }
    return 0;
}
#endif

/* The stream loop writes no fs.fidx while no factor's fields have come
 * apart (fs.regroup clear): the fields are then grouped factor after
 * factor, in factor order, so each one's factor follows from the factors'
 * first and n. Written here, from fs.fidx_done on, before a slow path that
 * may set fs.regroup (add_field_k writes the fidx of the fields it adds);
 * once it is set the loop writes them itself (CLOSE_RUN). */
static void sb_fidx_fill(const eco_hj212_packet_t *k, fstate_t *fs)
{
    if (fs->regroup) return;
    uint32_t from = fs->fidx_done;
    for (uint32_t f = k->nfactors; f-- > 0;) {
        uint32_t a = k->factors[f].first, b = a + k->factors[f].n;
        if (b <= from) break;
        for (uint32_t i = a < from ? from : a; i < b; i++) fs->fidx[i] = (uint16_t)f;
    }
}

/* A field the stream loop does not store itself (cold): through
 * add_field_k, with the keys made again here rather than kept alive in the
 * loop; the new fields' numbers made after. */
static __attribute__((noinline)) int sb_field_slow(pctx_t *c, fstate_t *fs, const char *b, size_t s, size_t D,
                                                   size_t Q, size_t e)
{
    const char *seg = c->seg;
    size_t cl = D - s, ns = Q - D - 1;
    uint64_t ckey = load8(b + s) & lenmask[cl < 8 ? cl : 8];
    uint64_t skey = load8(b + D + 1) & lenmask[ns < 8 ? ns : 8];
    uint32_t before = c->pkt->nfields;
    sb_fidx_fill(c->pkt, fs);
    int rc = add_field_k(c, fs, slice_at(seg + s, cl), ckey, slice_at(seg + D + 1, ns), skey,
                         slice_at(seg + Q + 1, e - Q - 1));
    fs->fidx_done = c->pkt->nfields;
    numbers_from(c->pkt, before, seg + c->n);
    return rc;
}

/* An entry from s by the general reading (cold); *e: its end. */
static __attribute__((noinline)) int sb_general(pctx_t *c, fstate_t *fs, masks_t *mk, size_t s, size_t ce, size_t *e)
{
    uint32_t before = c->pkt->nfields;
    sb_fidx_fill(c->pkt, fs);
    int rc = cp_general(c, fs, masks(mk, c->seg, c->n), s, ce, e);
    fs->fidx_done = c->pkt->nfields;
    numbers_from(c->pkt, before, c->seg + c->n);
    return rc;
}

/* The stream loop's cursor and the last factor's state, handed between
 * parse_cp_stream and sb_run. The last factor is always k->nfactors - 1;
 * lf_key is its code's key when that code has 1..8 bytes, else 0 (codes
 * here hold no NUL byte, so a key of at most 8 bytes fixes the length too
 * and the code is compared by key alone); lf_start: where its fields added
 * since the last FLUSH begin (a FLUSH adds them to its n). */
typedef struct sbcur {
    uint64_t x;                 /* the unpopped marks of the word at base */
    size_t base, s;             /* s: where the entry being read starts */
    size_t D, Q, e;             /* what sb_run popped of it when it stopped */
    eco_hj212_field_t *fl;      /* the next field: k->fields[nfields] */
    uint64_t lf_key;
    uint32_t lf_mask, lf_start; /* the last factor's known suffixes; see above */
    /* what sb_run reads on its rarer paths, here so that one pointer brings it */
    const char *seg;
    eco_hj212_packet_t *k;
    fstate_t *fs;
    const eco_hj212_code_slot_t *slots;
} sbcur_t;

/* why sb_run stopped: the popped positions of the entry at s it leaves */
enum { RUN_D,         /* D: not a '-' after a code of 1..8 bytes (s > ce: the CP is done) */
       RUN_GENERAL,   /* D, Q: no '=' after the '-' */
       RUN_FIELD_POP, /* D, Q: a code not made here, a suffix unknown, long or twice (or
                         the value an -Info log: not looked at yet) */
       RUN_FLAG,      /* D, Q, e: a data flag not yet judged good (or an -Info log) */
       RUN_INFO };    /* D, Q, e: a value starting "//", its suffix's bit set in lf_mask */

/* The usual entries of the CP, "code-Suffix=value", as long as they come
 * (sb_build's comment): each is three pops; it is stored here when its code
 * is the last factor's, or is new (its bit in fs.seen clear), in the code
 * hash with a 2017 answer and the factors still few (LINEAR_MAX); its
 * suffix known, at most 8 bytes and not yet seen in the factor; its data
 * flag (a -Flag) one byte already judged good; its number converted at
 * once from the padded copy. It stops at anything else, leaving what it
 * popped in cu. A function of its own, and one that calls nothing, so that
 * its loop keeps the cursor in registers. */
static inline __attribute__((always_inline)) int sb_run_impl(sbcur_t *cu_in, const sbits_t *sb, const int simd)
{
    /* cu is kept on the stack (volatile): wanted at the end only, it
     * would otherwise hold a register the loop needs */
    sbcur_t *volatile cu = cu_in;
    const char *b = sb->buf, *seg = cu_in->seg;
    eco_hj212_packet_t *k = cu->k;
    fstate_t *fs = cu->fs;
    /* the marks read at a fixed offset from b: one register less than a pointer of their own */
#define M ((const uint64_t *)(const void *)(b + offsetof(sbits_t, m)))
    uint64_t x = cu_in->x, lf_key = cu_in->lf_key;
    size_t base = cu_in->base, s = cu_in->s, D, Q = 0, e = 0;
    eco_hj212_field_t *fl = cu_in->fl;
    uint32_t lf_mask = cu_in->lf_mask;
    int why;
    for (;;) {
        SB_POP(D);
        if (__builtin_expect(b[D] != '-' || D - s - 1 >= 8, 0)) { /* a parameter, a long code, odd, the end */
            why = RUN_D;
            break;
        }
        uint64_t ckey = load8(b + s) & lenmask[D - s];
        SB_POP(Q);
        if (__builtin_expect(b[Q] != '=', 0)) { /* no '=' (or a second '-' before it) */
            why = RUN_GENERAL;
            break;
        }
        if (__builtin_expect(ckey != lf_key, 0)) {
            /* a new factor, made here when surely new, known (a 2017
             * answer in the hash) and the factors still searched linearly */
            size_t cl = D - s;
            uint32_t home = eco_hj212_code_slot_of(ckey, cl), cb = home & 255;
            const eco_hj212_code_t *info = NULL;
            if (!code_seen(fs, cb) && k->nfactors < LINEAR_MAX)
                for (uint32_t i = home;; i = (i + 1) & (ECO_HJ212_CODE_HASH_SIZE - 1)) {
                    const eco_hj212_code_slot_t *sl = &cu->slots[i];
                    if (!sl->len) break;
                    if (sl->len == cl && sl->key == ckey) {
                        info = sl->info;
                        break;
                    }
                }
            if (!info) {
                why = RUN_FIELD_POP;
                break;
            }
            uint32_t nf = (uint32_t)(fl - k->fields), f = k->nfactors;
            if (f) { /* the last factor's run ends */
                fs->sid_mask[f - 1] = lf_mask;
                k->factors[f - 1].n += nf - cu->lf_start;
                if (fs->regroup) /* else sb_fidx_fill writes them when needed */
                    for (uint32_t i = cu->lf_start; i < nf; i++) fs->fidx[i] = (uint16_t)(f - 1);
            }
            eco_hj212_factor_t *fc = &k->factors[f];
            fc->code = slice_at(seg + s, cl);
            fc->info = info;
            fc->first = nf;
            fc->n = 0;
            fs->ckey[f] = ckey;
            fs->nunknown[f] = 0;
            code_mark(fs, cb);
            k->nfactors = f + 1;
            cu->lf_start = nf;
            lf_key = ckey;
            lf_mask = 0;
        }
        /* a known suffix of 2..8 bytes (1..8 here, and no suffix in the
         * table has 1 byte) not yet seen in the factor; the end is popped
         * last, once the suffix is done with. The entry's word alone
         * decides: a key of ns bytes has ns non-zero bytes, so it equals a
         * name of at most 8 bytes only when the lengths agree too; and the
         * 8-byte beginnings of the longer names ("SampleTi" ...) hash to
         * empty slots (the unit test feeds them) */
        size_t ns = Q - D - 1;
        if (__builtin_expect(ns - 1 >= 8, 0)) {
            why = RUN_FIELD_POP;
            break;
        }
        uint64_t skey = load8(b + D + 1) & lenmask[ns];
        const sfx_t *sx = &sfx_table[((skey ^ (uint64_t)ns) * SFX_MUL) >> 58];
        uint32_t sbit = sx->bit;
        if (__builtin_expect(word8(sx->name) != skey || (lf_mask & sbit), 0)) {
            why = RUN_FIELD_POP; /* a suffix given twice: add_field_k records it */
            break;
        }
        do SB_POP(e);
        while (b[e] == '=' || b[e] == '-');
        size_t nv = e - Q - 1;
        if (sbit == 1u << SID_FLAG) { /* a one-byte flag already judged good (bytes here are < 0x80) */
            unsigned ch = (unsigned char)b[Q + 1];
            if (__builtin_expect(nv != 1 || !((fs->flag_ok[ch >> 6] >> (ch & 63)) & 1), 0)) {
                why = RUN_FLAG;
                break;
            }
            /* its number as num_padded makes it of one byte (NAN for a letter) */
            lf_mask |= sbit;
            fl->suffix = slice_at(seg + D + 1, ns);
            fl->value = slice_at(seg + Q + 1, 1);
            fl->num = ch - '0' < 10u ? (double)(ch - '0') : NAN;
            fl++;
            s = e + 1;
            continue;
        }
        /* stored before the number is made, so that nothing but the value
         * stays alive across it */
        lf_mask |= sbit;
        fl->suffix = slice_at(seg + D + 1, ns);
        fl->value = slice_at(seg + Q + 1, nv);
        double num;
#ifdef HJ212_AVX2
        int made = simd ? num_simd_try(b + Q + 1, nv, &num) : num_padded_try(b + Q + 1, nv, &num);
#else
        (void)simd;
        int made = num_padded_try(b + Q + 1, nv, &num);
#endif
        if (__builtin_expect(!made, 0)) {
            /* an -Info log ("//..."; "//" at ce + 1 cannot be: buf[ce] is
             * 0) is read from its start by the general reading: it may
             * hold separators. Looked for only here, where a value is no
             * usual number: "//" is none. The field is then not stored
             * (fl stays); its suffix's bit, set above, is taken back by
             * the caller (RUN_INFO: here it would keep the suffix alive) */
            if (b[Q + 1] == '/' && b[Q + 2] == '/') {
                why = RUN_INFO;
                break;
            }
            num = num_padded_slow(b + Q + 1, nv, seg + Q + 1);
        }
        fl->num = num;
        fl++;
        s = e + 1; /* past ce (e == ce): the next pop of D is the 0 at ce + 1, RUN_D */
    }
    cu->x = x;
    cu->base = base;
    cu->s = s;
    cu->D = D;
    cu->Q = Q;
    cu->e = e;
    cu->fl = fl;
    cu->lf_key = lf_key;
    cu->lf_mask = lf_mask;
    return why;
#undef M
}

/* sb_run_impl as such, and where AVX2 is with num_simd (have_avx2 decides
 * per packet, as for sb_build) */
static __attribute__((noinline)) int sb_run_base(sbcur_t *cu, const sbits_t *sb) { return sb_run_impl(cu, sb, 0); }
#ifdef HJ212_AVX2
__attribute__((target("ssse3,bmi"), noinline)) static int sb_run_simd(sbcur_t *cu, const sbits_t *sb)
{
    return sb_run_impl(cu, sb, 1);
}
#endif

/* The CP by the stream reading (sb_build's comment): sb_run reads the usual
 * entries; what it stops at is read here — a "Key=value" parameter (two
 * pops and cp_param), a data flag judged for the first time, the end — or
 * handed on: the field through add_field_k (sb_field_slow), the entry from
 * its start through the general reading (sb_general), the cursor's state
 * written back before (FLUSH) and read again after (RELOAD). */
static __attribute__((noinline)) int parse_cp_stream(pctx_t *c, masks_t *mk, const void *sbv, size_t cs, size_t ce)
{
    const sbits_t *sb = sbv;
    eco_hj212_packet_t *k = c->pkt;
    const char *seg = c->seg, *b = sb->buf;
    const uint64_t *M = sb->m;
    fstate_t fs; /* large, but only the slots in use are ever touched */
    fstate_init(&fs);
    sbcur_t cu;
    cu.seg = seg;
    cu.k = k;
    cu.fs = &fs;
    cu.slots = eco_hj212_code_slots();
#ifdef HJ212_AVX2
    const int avx2 = have_avx2();
#endif
    cu.fl = k->fields;
    cu.lf_key = 0;
    cu.lf_mask = cu.lf_start = 0;
    size_t s = cs, base, e, D, Q;
    uint64_t x;
    int rc;
#define NFIELDS() ((uint32_t)(cu.fl - k->fields))
#define FLUSH()                                                                                                        \
    do {                                                                                                               \
        uint32_t nf_ = NFIELDS();                                                                                      \
        if (k->nfactors) {                                                                                             \
            uint32_t lf_ = k->nfactors - 1;                                                                            \
            fs.sid_mask[lf_] = cu.lf_mask;                                                                             \
            k->factors[lf_].n += nf_ - cu.lf_start;                                                                    \
            if (fs.regroup) /* else sb_fidx_fill writes them when needed */                                           \
                for (uint32_t i_ = cu.lf_start; i_ < nf_; i_++) fs.fidx[i_] = (uint16_t)lf_;                           \
        }                                                                                                              \
        k->nfields = nf_;                                                                                              \
    } while (0)
#define RELOAD()                                                                                                       \
    do {                                                                                                               \
        cu.lf_start = k->nfields;                                                                                      \
        cu.fl = k->fields + k->nfields;                                                                                \
        cu.lf_key = 0;                                                                                                 \
        if (k->nfactors) {                                                                                             \
            uint32_t lf_ = k->nfactors - 1;                                                                            \
            if (k->factors[lf_].code.len - 1 < 8) cu.lf_key = fs.ckey[lf_];                                            \
            cu.lf_mask = fs.sid_mask[lf_];                                                                             \
        }                                                                                                              \
    } while (0)
#define POP_END()                                                                                                      \
    do SB_POP(e);                                                                                                      \
    while (b[e] == '=' || b[e] == '-') /* the end put at ce ends the last entry */
    SB_SEEK(cs);
    /* nearly every data flag is "N": judged before the loop, it never
     * stops sb_run (flag_known only caches the table's answer) */
    (void)flag_known(&fs, slice_at("N", 1), k->edition);
    for (;;) { /* s < ce here */
        {
            /* a parameter ("DataTime=...": the first entry of nearly
             * every CP) is read here, without a round trip through sb_run;
             * for anything else the pop is undone */
            uint64_t x0 = x;
            size_t base0 = base;
            SB_POP(D);
            if (b[D] == '=' && D != s) goto param;
            x = x0;
            base = base0;
        }
        cu.x = x;
        cu.base = base;
        cu.s = s;
#ifdef HJ212_AVX2
        int why = avx2 ? sb_run_simd(&cu, sb) : sb_run_base(&cu, sb);
#else
        int why = sb_run_base(&cu, sb);
#endif
        x = cu.x;
        base = cu.base;
        s = cu.s;
        D = cu.D;
        Q = cu.Q;
        e = cu.e;
        switch (why) {
        case RUN_GENERAL:
            goto general;
        case RUN_INFO: {
            size_t ns = Q - D - 1;
            uint64_t skey = load8(b + D + 1) & lenmask[ns];
            cu.lf_mask &= ~sfx_table[((skey ^ (uint64_t)ns) * SFX_MUL) >> 58].bit;
            goto general;
        }
        case RUN_FIELD_POP:
            if (b[Q + 1] == '/' && b[Q + 2] == '/') goto general; /* an -Info log (buf[ce] is 0) */
            goto field_pop;
        case RUN_FLAG: {
            /* first seen in this packet, or not one byte: judged now */
            size_t ns = Q - D - 1, nv = e - Q - 1;
            if (b[Q + 1] == '/' && b[Q + 2] == '/') goto general; /* an -Info log */
            if (!flag_known(&fs, slice_at(seg + Q + 1, nv), k->edition)) goto field;
            cu.lf_mask |= 1u << SID_FLAG;
            cu.fl->suffix = slice_at(seg + D + 1, ns);
            cu.fl->value = slice_at(seg + Q + 1, nv);
            cu.fl->num = num_padded(b + Q + 1, nv, seg + Q + 1);
            cu.fl++;
            goto next;
        }
        default:
            break;
        }
        /* RUN_D */
        if (s > ce) /* the last field ended at ce (sb_ends) */
            goto done;
        if (b[D] == 0 && D == s) { /* s == ce: the CP ends with ';' or ',' (JV-0453) */
            note_once(c, ONCE_EMPTY, ECO_HJ212_N_SEPARATOR, seg + ce - 1, "a ';' or ',' before the closing \"&&\"");
            break;
        }
        if (b[D] != '-' || D == s) goto param; /* a parameter, or odd */
        SB_POP(Q);                               /* a code over 8 bytes */
        if (b[Q] != '=') goto general;
        if (b[Q + 1] == '/' && b[Q + 2] == '/' && Q + 2 < ce) goto general;
    field_pop:
        POP_END();
    field:
        FLUSH();
        rc = sb_field_slow(c, &fs, b, s, D, Q, e);
        RELOAD();
        if (rc) return rc;
        goto next;
    param:
        if (b[D] != '=' || D == s) goto general; /* no '=', an empty entry, key or code */
        Q = D;
        if (b[Q + 1] == '/' && b[Q + 2] == '/' && Q + 2 < ce) goto general; /* an -Info log */
        POP_END();
        rc = cp_param(c, slice_at(seg + s, Q - s), slice_at(seg + Q + 1, e - Q - 1)); /* no factor or field */
        if (rc) return rc;
        goto next;
    general:
        FLUSH();
        rc = sb_general(c, &fs, mk, s, ce, &e);
        RELOAD();
        if (rc) return rc;
        if (e < ce) SB_SEEK(e + 1);
    next:
        s = e + 1;
        if (__builtin_expect(s >= ce, 0)) {
            if (e < ce) /* the CP ends with ';' or ',' (JV-0453) */
                note_once(c, ONCE_EMPTY, ECO_HJ212_N_SEPARATOR, seg + ce - 1, "a ';' or ',' before the closing \"&&\"");
            break;
        }
    }
done:
    FLUSH();
#undef NFIELDS
#undef FLUSH
#undef RELOAD
#undef POP_END
    if (fs.regroup) regroup(k, &fs);
    if (fs.dups) dedupe(c, k);
    return 0;
}
#endif


/* The data area seg[cs, ce), entry by entry.
 *
 * Fast path (SSE2), for the entries nearly every packet is made of: an
 * entry "code-Suffix=value" or "Key=value" that ends (at a ';' or ',', or at
 * the closing "&&") within the 32-byte window starting at it, holds no blank
 * and an '=' after a non-empty key, and whose value does not start with
 * "//". Its end, its first '=' and the first '-' before that are then read
 * off the window's masks — exactly the positions the general reading finds
 * in the bitmaps, and trimming a token without blanks changes nothing — so
 * both readings give the same packet. Anything else (a long entry, blanks,
 * an entry without '=', an -Info log, an empty entry) takes the general
 * reading (cp_general), the bitmaps built on first need. */
static int parse_cp(pctx_t *c, masks_t *mk, const wsrc_t *ws, const void *sbv, size_t cs, size_t ce)
{
    eco_hj212_packet_t *k = c->pkt;
    const char *seg = c->seg;
    if (ce == cs) return 0;
#if HJ212_WINDOWS
    if (sbv) return parse_cp_stream(c, mk, sbv, cs, ce); /* the stream reading */
#else
    (void)sbv;
#endif
    fstate_t fs; /* large, but only the slots in use are ever touched */
    fs.hashed = fs.regroup = fs.dups = 0;
    fs.flag_seen[0] = fs.flag_seen[1] = fs.flag_ok[0] = fs.flag_ok[1] = 0;
    fs.seen[0] = fs.seen[1] = fs.seen[2] = fs.seen[3] = 0;
    /* The fast path keeps in locals what add_field_k keeps in the packet
     * and fs for the LAST factor (the one a field is compared with first):
     * its index, code length (NONE: no factor yet) and key, suffixes seen
     * and field count, plus the field count and the dups flag. A field of
     * that factor with a known, short suffix is stored here; any other
     * field (a new factor, a regrouped one, an unknown or long suffix, a
     * data flag outside the table, the field limit) goes through add_field_k,
     * the locals written back before (FLUSH) and read again after (RELOAD). */
    uint32_t nfields = 0, lf = 0, lf_mask = 0, lf_n = 0, dups = 0;
    size_t lf_len = NONE;
    uint64_t lf_key = 0;
#define FLUSH()                                                                                                        \
    do {                                                                                                               \
        if (lf_len != NONE) {                                                                                          \
            fs.sid_mask[lf] = lf_mask;                                                                                 \
            k->factors[lf].n = lf_n;                                                                                   \
        }                                                                                                              \
        k->nfields = nfields;                                                                                          \
        fs.dups |= dups != 0;                                                                                          \
        dups = 0;                                                                                                      \
    } while (0)
#define RELOAD()                                                                                                       \
    do {                                                                                                               \
        nfields = k->nfields;                                                                                          \
        lf_len = NONE;                                                                                                 \
        if (k->nfactors) {                                                                                             \
            lf = k->nfactors - 1;                                                                                      \
            lf_len = k->factors[lf].code.len;                                                                          \
            lf_key = fs.ckey[lf];                                                                                      \
            lf_mask = fs.sid_mask[lf];                                                                                 \
            lf_n = k->factors[lf].n;                                                                                   \
        }                                                                                                              \
    } while (0)
    nfields = k->nfields; /* no factor yet: CP entries are the only source of factors */
#if HJ212_WINDOWS
    /* wptr(ws, s), with what it reads kept in locals */
    size_t wlast = ws ? ws->n - WIN_READ : 0;
    const char *wtail = ws ? ws->tail : NULL;
#endif
    size_t s = cs;
    int rc = 0;
    for (;;) {
        if (s >= ce) { /* the CP ends with ';' or ',' (JV-0453) */
            note_once(c, ONCE_EMPTY, ECO_HJ212_N_SEPARATOR, seg + ce - 1, "a ';' or ',' before the closing \"&&\"");
            break;
        }
        size_t e;
#if HJ212_WINDOWS
        if (ws) {
            const char *p = s <= wlast ? seg + s : wtail + (s - wlast);
            if (lf_len - 1 < 8) {
                /* Quicker still, for the next field of the last factor
                 * ("a21026-Avg=..." after "a21026-Min=..."): the entry starts
                 * with that factor's code (known to hold no ; , = - or blank)
                 * and a '-'; the suffix, up to the first '=' in the next 8
                 * bytes, is a known one (letters only); the value ends at the
                 * first ';' or ',' in the 8 bytes after the '=' (or at the
                 * closing "&&"), holds no byte <= 0x20 or >= 0x80, and does not
                 * start with "//". Then the '-', '=' and end found are the
                 * ones the general reading finds. Otherwise nothing has been
                 * done, and the window below takes the entry. */
                const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
                size_t lim = ce - s, D = lf_len;
                if ((load8(p) & lenmask[D]) == lf_key && p[D] == '-') {
                    uint64_t ws8 = load8(p + D + 1), t = ws8 ^ (0x3Dull * ones);
                    uint64_t zeq = (t - ones) & ~t & highs;
                    size_t ns = (size_t)__builtin_ctzll(zeq | (1ull << 63)) >> 3; /* 7: none, or the 8th */
                    size_t Q = D + 1 + ns;
                    uint64_t skey = ws8 & lenmask[ns];
                    const sfx_t *sx = &sfx_table[((skey ^ (uint64_t)ns) * SFX_MUL) >> 58];
                    if (zeq && ns >= 2 && sx->len == ns && word8(sx->name) == skey && Q < lim) {
                        uint64_t wv = load8(p + Q + 1), t1 = wv ^ (0x3Bull * ones), t2 = wv ^ (0x2Cull * ones);
                        uint64_t zsep = ((t1 - ones) & ~t1 & highs) | ((t2 - ones) & ~t2 & highs);
                        size_t rem = lim - Q - 1, nv = zsep ? (size_t)__builtin_ctzll(zsep) >> 3 : 8;
                        int ok = 1;
                        if (nv > rem)
                            nv = rem; /* the value runs to the closing "&&" */
                        else if (!zsep)
                            ok = 0; /* 8 bytes or more: the window reads it */
                        uint64_t oddb = (((wv - 0x2121212121212121ull) & ~wv) | wv) & highs;
                        eco_slice_t val = slice_at(seg + s + Q + 1, nv);
                        if (ok && !(oddb & lenmask[nv]) && !((wv & 0xFFFF) == 0x2F2F && Q + 2 < lim) &&
                            nfields < ECO_HJ212_MAX_FIELDS &&
                            (sx->sid != SID_FLAG || flag_known(&fs, val, k->edition))) {
                            uint32_t bit = 1u << sx->sid;
                            dups |= lf_mask & bit;
                            lf_mask |= bit;
                            eco_hj212_field_t *fl = &k->fields[nfields];
                            fl->suffix = slice_at(seg + s + D + 1, ns);
                            fl->value = val;
                            fs.fidx[nfields] = (uint16_t)lf;
                            nfields++;
                            lf_n++;
                            e = s + Q + 1 + nv;
                            goto next;
                        }
                    }
                }
            }
            uint32_t m, odd;
            window_marks(p, &m, &odd);
            size_t lim = ce - s; /* bytes of the CP left */
            m &= below(lim < 32 ? lim : 32);
            /* the first mark: the '-' after the code (then the next must be
             * the '='), or the '=' of a parameter; then the first ';' or ','
             * after the '=' (a '-' or '=' in the value passed over) */
            if (!m) goto general;
            size_t b = (size_t)__builtin_ctz(m), D = NONE, Q, E;
            m &= m - 1;
            if (p[b] == '-') {
                if (!m) goto general;
                D = b;
                b = (size_t)__builtin_ctz(m);
                m &= m - 1;
                if (p[b] != '=') goto general;
            } else if (p[b] != '=' || b == 0) {
                goto general; /* an entry without '=' (or empty), an empty key */
            }
            Q = b;
            for (;;) {
                if (!m) {
                    if (lim > 32) goto general; /* longer than the window */
                    E = lim;
                    break;
                }
                b = (size_t)__builtin_ctz(m);
                m &= m - 1;
                if (p[b] == ';' || p[b] == ',') {
                    E = b;
                    break;
                }
            }
            if ((odd & below(E)) || (p[Q + 1] == '/' && p[Q + 2] == '/' && Q + 2 < lim)) goto general;
            e = s + E;
            size_t nv = E - Q - 1;
            eco_slice_t val = slice_at(seg + s + Q + 1, nv);
            if (D != NONE) {
                size_t ns = Q - D - 1;
                uint64_t ckey = load8(p) & lenmask[D < 8 ? D : 8];
                uint64_t skey = load8(p + D + 1) & lenmask[ns < 8 ? ns : 8];
                const sfx_t *sx = &sfx_table[((skey ^ (uint64_t)ns) * SFX_MUL) >> 58];
                eco_slice_t code = slice_at(seg + s, D), suffix = slice_at(seg + s + D + 1, ns);
                int quick = D - 1 < 8 && sx->len == ns && ns - 2 <= 6 && word8(sx->name) == skey &&
                            nfields < ECO_HJ212_MAX_FIELDS && (sx->sid != SID_FLAG || flag_known(&fs, val, k->edition));
                if (quick && !(D == lf_len && ckey == lf_key)) {
                    /* not the last factor's code: a new factor, made here when
                     * the code is surely new (its bit clear), known (no note
                     * to make) and the factors are still searched linearly */
                    const eco_hj212_code_t *info;
                    uint32_t cb = code_bit(ckey, code.len);
                    if (!code_seen(&fs, cb) && k->nfactors < LINEAR_MAX &&
                        (info = eco_hj212_code_find_key(code, ckey, k->st)) != NULL) {
                        if (lf_len != NONE) {
                            fs.sid_mask[lf] = lf_mask;
                            k->factors[lf].n = lf_n;
                        }
                        lf = k->nfactors++;
                        eco_hj212_factor_t *fc = &k->factors[lf];
                        fc->code = code;
                        fc->info = info;
                        fc->first = nfields;
                        fs.ckey[lf] = ckey;
                        fs.nunknown[lf] = 0;
                        code_mark(&fs, cb);
                        lf_len = D;
                        lf_key = ckey;
                        lf_mask = 0;
                        lf_n = 0;
                    } else {
                        quick = 0;
                    }
                }
                if (quick) {
                    uint32_t bit = 1u << sx->sid;
                    dups |= lf_mask & bit;
                    lf_mask |= bit;
                    eco_hj212_field_t *fl = &k->fields[nfields];
                    fl->suffix = suffix;
                    fl->value = val;
                    fs.fidx[nfields] = (uint16_t)lf;
                    nfields++;
                    lf_n++;
                } else {
                    FLUSH();
                    rc = add_field_k(c, &fs, code, ckey, suffix, skey, val);
                    RELOAD();
                }
            } else {
                rc = cp_param(c, slice_at(seg + s, Q), val); /* touches no factor or field */
            }
            if (rc) return rc;
            goto next;
        }
    general:
#endif
        FLUSH();
        rc = cp_general(c, &fs, masks(mk, seg, c->n), s, ce, &e);
        RELOAD();
        if (rc) return rc;
#if HJ212_WINDOWS
    next:
#endif
        if (e >= ce) break;
        s = e + 1;
    }
    FLUSH();
#undef FLUSH
#undef RELOAD
    numbers(k, seg + c->n);
    if (fs.regroup) regroup(k, &fs);
    if (fs.dups) dedupe(c, k);
    return 0;
}

/* ------------------------------------------------------------------ entry points */

/* the first "CP=&&" of s[0, n), or NULL */
static const char *find_cp(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    /* the header holds no '&' in nearly every packet: when the first '&'
     * ends "CP=", that is the first "CP=&&" (an earlier one would hold an
     * earlier '&'), found by one search instead of one per 'C' ("CN=", MN) */
    const char *a = n >= 5 ? memchr(s, '&', n) : NULL;
    if (a && a - s >= 3 && end - a >= 2 && memcmp(a - 3, "CP=&&", 5) == 0) return a - 3;
    while (end - p >= 5) {
        p = memchr(p, 'C', (size_t)(end - p - 4));
        if (!p) return NULL;
        if (p[1] == 'P' && p[2] == '=' && p[3] == '&' && p[4] == '&') return p;
        p++;
    }
    return NULL;
}

/* fast: whether the window fast paths may be taken (eco_hj212_parse), or
 * the general reading alone is used (eco_hj212_parse_general, below). */
static int parse_impl(eco_slice_t segment, const eco_hj212_opts_t *o, eco_hj212_packet_t *pkt, eco_err_t *err,
                      int fast)
{
    eco_hj212_opts_t def;
    if (!o) {
        eco_hj212_opts_default(&def);
        o = &def;
    }
    const eco_slice_t empty = {segment.ptr ? segment.ptr : "", 0};
    pkt->qn = pkt->st = pkt->cn = pkt->pw = pkt->mn = pkt->flag_text = pkt->pnum_text = pkt->pno_text = pkt->rf =
        empty;
    pkt->cp = pkt->datatime = empty;
    pkt->has_qn = pkt->has_flag = pkt->has_time = 0;
    pkt->flag = pkt->cn_num = -1;
    pkt->pnum = pkt->pno = 0;
    pkt->edition = ECO_HJ212_ED_2005;
    pkt->ack_wanted = pkt->backfill = 0;
    pkt->time = 0;
    pkt->nparams = pkt->nfactors = pkt->nfields = pkt->nnotes = 0;

    pctx_t c = {pkt, segment.ptr, segment.len, 0, 0, err};
    const char *seg = segment.ptr;
    size_t n = segment.len;
    if (n > ECO_HJ212_MAX_LEN)
        return eco_err_set(err, ECO_EHJ212_TOOBIG, "data segment of %zu bytes (at most %d)", n, ECO_HJ212_MAX_LEN);
    const char *cpp = n ? find_cp(seg, n) : NULL;
    if (!cpp) return eco_err_set(err, ECO_EHJ212_SYNTAX, "no \"CP=&&\" in the data segment (%zu bytes)", n);
    size_t cp_at = (size_t)(cpp - seg), cs = cp_at + 5, ce = 0;
    int closed = 0;
    for (size_t i = n - 1; i > cs; i--) /* the LAST "&&": i-1, i */
        if (seg[i] == '&' && seg[i - 1] == '&') {
            ce = i - 1;
            closed = 1;
            break;
        }
    if (!closed)
        return eco_err_set(err, ECO_EHJ212_SYNTAX, "no closing \"&&\" after \"CP=&&\" at byte %zu", cp_at);
    pkt->cp = mk(seg + cs, ce - cs);

    masks_t mk;
    mk.built = 0;
    hdr_t h = {0, 0};
    int rc = 0, hdr_done = 0;
    const wsrc_t *wsp = NULL;
    const void *sbp = NULL;
#if HJ212_WINDOWS
    wsrc_t ws;
    sbits_t sb;
    if (fast && ce - cs < SB_MAX_CP && sb_build(&sb, seg, ce)) { /* clean: the stream reading */
        sbp = &sb;
        hdr_done = sb_header(&c, &h, &sb, cp_at);
    } else if (fast && n >= WIN_READ) {
        wsrc_init(&ws, seg, n);
        wsp = &ws;
        hdr_done = fast_header(&c, &h, wsp, cp_at);
    }
#endif
    if (!hdr_done) {
        masks(&mk, seg, n);
        rc = parse_header(&c, &h, mk.any, mk.blanks, 0, cp_at, 0);
        if (rc) return rc;
    }
    size_t lb = cp_at; /* the last non-blank byte before "CP=&&" */
    while (lb > 0 && is_blank(seg[lb - 1])) lb--;
    if (lb > 0 && seg[lb - 1] != ';' && seg[lb - 1] != ',') /* "Flag=5CP=&&" (C.19) */
        note(&c, ECO_HJ212_N_SEPARATOR, cpp, "no ';' before \"CP=&&\"");
    if (ce + 2 < n) { /* "...&&;Flag=0" */
        masks(&mk, seg, n);
        rc = parse_header(&c, &h, mk.any, mk.blanks, ce + 2, n, 1);
        if (rc) return rc;
    }
    interpret_header(&c, &h, o);
    rc = parse_cp(&c, &mk, wsp, sbp, cs, ce);
    if (rc) return rc;
    if (c.dropped) {
        eco_hj212_note_t *nt = &pkt->notes[pkt->nnotes++];
        nt->code = ECO_HJ212_N_TRUNCATED;
        nt->offset = 0;
        snprintf(nt->text, sizeof nt->text, "%u more notes not kept", (unsigned)c.dropped);
    }
    return 0;
}

int eco_hj212_parse(eco_slice_t segment, const eco_hj212_opts_t *o, eco_hj212_packet_t *pkt, eco_err_t *err)
{
    return parse_impl(segment, o, pkt, err, 1);
}

/* The same parse by the general reading only (no window fast path): not in
 * hj212.h; the unit tests and the fuzz target check that both give the same
 * packet, note for note. */
int eco_hj212_parse_general(eco_slice_t segment, const eco_hj212_opts_t *o, eco_hj212_packet_t *pkt, eco_err_t *err);
int eco_hj212_parse_general(eco_slice_t segment, const eco_hj212_opts_t *o, eco_hj212_packet_t *pkt, eco_err_t *err)
{
    return parse_impl(segment, o, pkt, err, 0);
}

eco_slice_t eco_hj212_param(const eco_hj212_packet_t *pkt, const char *key)
{
    size_t n = strlen(key);
    for (uint32_t i = 0; i < pkt->nparams; i++)
        if (pkt->params[i].key.len == n && memcmp(pkt->params[i].key.ptr, key, n) == 0) return pkt->params[i].value;
    return (eco_slice_t){"", 0};
}
