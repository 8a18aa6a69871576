/* encode.c — building HJ 212 frames: uploads, and the replies the platform owes.
 *
 * Why the platform's replies are computed here and not in the server: a DAU
 * that gets no 9014 within its timeout (5-10 s) sends the same packet again,
 * up to three times, and a reply that differs from the standard's by one byte
 * may be ignored by an embedded stack. So the rule for "which reply, if any"
 * lives next to the parser, and the bytes are pinned by the unit tests to the
 * standard's own examples (HJ 212-2017 Annex C: C.1 9011/9012, C.11 9013,
 * C.14/C.16/C.50 9014). The same encoder builds every upload for the
 * simulator, the tests and the benchmark.
 *
 * Reply rules (../shared/reference/hj212.md §3.1, §7.4, vectors.md §8):
 *   - only a packet that asked for one (Flag bit0, or no Flag at all when
 *     opts.reply_when_no_flag) gets a reply; 9011-9014 never do;
 *   - uploads (eco_hj212_cn_is_upload, plus 3019/3020 pushed on change) get
 *     9014; a history REQUEST (2031/2041/2051/2061 with BeginTime and no
 *     DataTime) gets none from reply_for — its answer is 9011, via
 *     eco_hj212_reply;
 *   - notifications get 9013: 1013 time-calibration request, 2012/2022 stop
 *     notices, 2025's 9015 heartbeat, 1001 hardware serials and 1014 key
 *     request, and the vendor 9021 heartbeat/login;
 *   - an unknown CN that asked for a reply gets 9014 (never leave a device
 *     waiting, notes §2.2); a known request CN gets none from reply_for;
 *   - the reply echoes QN, PW and MN, with ST=91, Flag=4 (2017, 2005 and
 *     unknown editions) or Flag=8 (2025), and "CP=&&&&" for 9013/9014 (the
 *     standard prints "CP=&& &&" once, in C.4; the other examples and the
 *     smallest embedded stacks agree on "CP=&&&&").
 * Empty header slices (a 2005 device sends no QN) are left out of the reply.
 */
#include <string.h>

#include "hj212/hj212.h"

/* a header value that would break the frame: separators or control bytes */
static int bad_text(eco_slice_t s)
{
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (c == ';' || c == ',' || c < 0x20) return 1;
    }
    return 0;
}

static void put(char **w, const char *s, size_t n)
{
    memcpy(*w, s, n);
    *w += n;
}

static void put_field(char **w, const char *name, size_t nn, eco_slice_t v)
{
    if (!v.len) return;
    put(w, name, nn);
    put(w, v.ptr, v.len);
    *(*w)++ = ';';
}

/* decimal of 0 <= v <= 9999 */
static void put_int(char **w, int v, int width)
{
    char t[8];
    int n = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && n < 7);
    while (n < width) t[n++] = '0';
    while (n) *(*w)++ = t[--n];
}

static const char HEX[] = "0123456789ABCDEF";

int eco_hj212_encode(const eco_hj212_msg_t *m, const uint8_t *key, eco_buf_t *out)
{
    if (m->cn < 0 || m->cn > 9999 || m->flag > 255 || m->pnum < 0 || m->pnum > 9999 || m->pno < 0 || m->pno > 9999)
        return ECO_EINVAL;
    if (bad_text(m->qn) || bad_text(m->st) || bad_text(m->pw) || bad_text(m->mn)) return ECO_EINVAL;
    size_t need = 6 + m->qn.len + m->st.len + m->pw.len + m->mn.len + m->cp.len + 80 + 6;
    if (eco_buf_reserve(out, need)) return ECO_ENOMEM;
    size_t start = out->len;
    char *frame = out->data + start, *seg = frame + 6, *w = seg;
    put_field(&w, "QN=", 3, m->qn);
    put_field(&w, "ST=", 3, m->st);
    put(&w, "CN=", 3);
    put_int(&w, m->cn, 4);
    *w++ = ';';
    put_field(&w, "PW=", 3, m->pw);
    put_field(&w, "MN=", 3, m->mn);
    if (m->flag >= 0) {
        put(&w, "Flag=", 5);
        put_int(&w, m->flag, 1);
        *w++ = ';';
    }
    if (m->pnum > 0) {
        put(&w, "PNUM=", 5);
        put_int(&w, m->pnum, 1);
        *w++ = ';';
    }
    if (m->pno > 0) {
        put(&w, "PNO=", 4);
        put_int(&w, m->pno, 1);
        *w++ = ';';
    }
    if (m->rf) put(&w, "RF=1;", 5);
    put(&w, "CP=&&", 5);
    size_t cp_off = (size_t)(w - seg);
    if (m->cp.len) put(&w, m->cp.ptr, m->cp.len);
    put(&w, "&&", 2);
    size_t L = (size_t)(w - seg);
    if (L > ECO_HJ212_MAX_STD_LEN) {
        out->data[start] = '\0';
        return ECO_EHJ212_TOOBIG; /* the caller splits (PNUM/PNO); nothing is appended */
    }
    frame[0] = frame[1] = '#';
    w = frame + 2;
    put_int(&w, (int)L, 4);
    uint16_t crc = eco_hj212_crc(seg, L);
    w = seg + L;
    *w++ = HEX[crc >> 12];
    *w++ = HEX[(crc >> 8) & 15];
    *w++ = HEX[(crc >> 4) & 15];
    *w++ = HEX[crc & 15];
    *w++ = '\r';
    *w++ = '\n';
    /* HJ 212-2025 A.2: CRC first, over the plaintext; then encrypt — only
     * what a receiver will decrypt: a 2025 Flag and an encrypted CN */
    int enc_cn = (m->cn >= 2000 && m->cn <= 2999) || m->cn == 1014 || m->cn == 3020;
    if (key && enc_cn && m->flag >= 0 && eco_hj212_flag_version(m->flag) == 2) {
        int rc = eco_hj212_sm4_region((unsigned char *)seg, cp_off, L - 2 - cp_off, key, 1);
        if (rc) {
            out->data[start] = '\0';
            return rc;
        }
    }
    out->len = (size_t)(w - out->data);
    out->data[out->len] = '\0';
    return 0;
}

/* ------------------------------------------------------------------ replies */

static int reply_with(const eco_hj212_packet_t *pkt, int cn, const char *cp, size_t cpn, eco_buf_t *out)
{
    eco_hj212_msg_t m;
    memset(&m, 0, sizeof m);
    m.qn = pkt->qn;
    m.st = ECO_SLICE_LIT("91");
    m.pw = pkt->pw;
    m.mn = pkt->mn;
    m.cn = cn;
    m.flag = pkt->edition == ECO_HJ212_ED_2025 ? 8 : 4;
    m.cp = (eco_slice_t){cp, cpn};
    return eco_hj212_encode(&m, NULL, out);
}

int eco_hj212_reply(const eco_hj212_packet_t *pkt, int cn, int rtn, eco_buf_t *out)
{
    char cp[32];
    size_t n = 0;
    if (cn == 9011 || cn == 9012) {
        if (rtn < 0 || rtn > 9999) return ECO_EINVAL;
        const char *k = cn == 9011 ? "QnRtn=" : "ExeRtn=";
        n = strlen(k);
        memcpy(cp, k, n);
        char *w = cp + n;
        put_int(&w, rtn, 1);
        n = (size_t)(w - cp);
    } else if (cn != 9013 && cn != 9014) {
        return ECO_EINVAL;
    }
    return reply_with(pkt, cn, cp, n, out);
}

static int is_upload(int cn) { return eco_hj212_cn_is_upload(cn) || cn == 3019 || cn == 3020; }

/* 2031/2041/2051/2061 sent by the platform to ask for history (C.20-C.23) */
static int history_request(const eco_hj212_packet_t *pkt)
{
    int cn = pkt->cn_num;
    if (cn != 2031 && cn != 2041 && cn != 2051 && cn != 2061) return 0;
    return eco_hj212_param(pkt, "BeginTime").len > 0 && pkt->datatime.len == 0;
}

int eco_hj212_reply_for(const eco_hj212_packet_t *pkt, eco_buf_t *out)
{
    int cn = pkt->cn_num, rcn;
    if (!pkt->ack_wanted) return 0;
    if (cn >= 9011 && cn <= 9014) return 0; /* replies are not answered */
    switch (cn) {
    case 1001: case 1013: case 1014: case 2012: case 2022: case 9015: case 9021:
        rcn = 9013;
        break;
    default:
        if (is_upload(cn))
            rcn = history_request(pkt) ? 0 : 9014;
        else
            rcn = cn < 0 || !eco_hj212_cn_name(cn) ? 9014 : 0;
    }
    if (!rcn) return 0;
    int rc = reply_with(pkt, rcn, "", 0, out);
    return rc ? rc : rcn;
}

/* ------------------------------------------------------------------ CP builder */

int eco_hj212_cp_build(eco_time_t datatime, const eco_hj212_cp_item_t *items, size_t n, eco_buf_t *out)
{
    int first = 1;
    if (datatime >= 0) {
        int y, mo, d, sod = eco_time_sod(datatime);
        eco_day_to_civil(eco_time_day(datatime), &y, &mo, &d);
        if (y > 9999) return ECO_ERANGE;
        char t[32] = "DataTime=", *w = t + 9;
        put_int(&w, y, 4);
        put_int(&w, mo, 2);
        put_int(&w, d, 2);
        put_int(&w, sod / 3600, 2);
        put_int(&w, sod / 60 % 60, 2);
        put_int(&w, sod % 60, 2);
        if (eco_buf_append(out, t, (size_t)(w - t))) return ECO_ENOMEM;
        first = 0;
    }
    const char *prev = NULL;
    for (size_t i = 0; i < n; i++) {
        const eco_hj212_cp_item_t *it = &items[i];
        if (!it->code || !it->value) return ECO_EINVAL;
        int factor = it->suffix && *it->suffix;
        if (!first) eco_buf_putc(out, factor && prev && strcmp(prev, it->code) == 0 ? ',' : ';');
        eco_buf_puts(out, it->code);
        if (factor) {
            eco_buf_putc(out, '-');
            eco_buf_puts(out, it->suffix);
        }
        eco_buf_putc(out, '=');
        eco_buf_puts(out, it->value);
        prev = factor ? it->code : NULL;
        first = 0;
    }
    return out->oom ? ECO_ENOMEM : 0;
}
