/* hj212.h — the HJ 212 wire protocol (HJ/T 212-2005, HJ 212-2017, HJ 212-2025) as a pure codec.
 *
 * Why a codec apart from the server: every instrument and data-acquisition
 * unit (数采仪) in China speaks HJ 212, and a misread frame is lost evidence.
 * Framing, CRC, parsing, code tables, replies and SM4 are pure functions over
 * bytes here, so they can be tested byte by byte against the shared vectors,
 * fuzzed, benchmarked, and driven by the TCP server, the simulator and the
 * `ecobrain hj212` command alike. No I/O, no global state, no malloc per value:
 * a decoded packet is a caller-owned struct of slices into the frame's bytes.
 *
 * Wire format:  "##" LLLL <data segment: LLLL bytes> HHHH "\r\n"
 *   LLLL  decimal byte count of the data segment (0..1024 by the standard;
 *         up to 9999 accepted in tolerant mode, always flagged over 1024)
 *   HHHH  CRC of the data segment (HJ 212 Appendix A: crc = T[(crc>>8)^b],
 *         init 0xFFFF — NOT CRC-16/MODBUS), hex, compared case-insensitively
 *   data  QN=..;ST=..;CN=..;PW=..;MN=..;Flag=..;[PNUM=..;PNO=..;][RF=1;]CP=&&<data area>&&
 *
 * Two tiers of validation (see ../shared/reference/hj212.md §5.3, §7):
 *   hard  framing, length and CRC: the frame is dropped, counted, and the
 *         error says what and where ("BAD_CRC expected 1C80 got 1C81").
 *   soft  unknown codes, odd values, header typos, order violations: the
 *         packet is kept and each oddity is recorded as a note.
 * Strict mode (the default) follows the text except that the CRC compare
 * ignores case; tolerant mode also accepts bare "\n" or "\r" trailers, 1–3
 * digit CRCs, lengths up to 9999, a length that counts UTF-8 characters
 * instead of bytes (ECO_HJ212_FN_CHAR_LEN), and (for profiles that need it)
 * legacy CRC algorithms. The mode is chosen per device.
 */
#ifndef ECO_HJ212_H
#define ECO_HJ212_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/time.h"

/* ------------------------------------------------------------------ limits */

#define ECO_HJ212_MAX_STD_LEN 1024  /* data segment, HJ 212-2017 Table 2 */
#define ECO_HJ212_MAX_LEN 9999      /* what 4 digits can declare (tolerant) */
#define ECO_HJ212_MAX_FRAME (2 + 4 + ECO_HJ212_MAX_LEN + 4 + 2)
#define ECO_HJ212_MAX_FIELDS 2600   /* factor fields per packet (a 9999-byte CP holds < 2500) */
#define ECO_HJ212_MAX_FACTORS 1024
#define ECO_HJ212_MAX_PARAMS 64     /* non-factor entries (DataTime, PolId, QnRtn, ...) */
#define ECO_HJ212_MAX_NOTES 16

/* ------------------------------------------------------------------ CRC */

/** HJ 212 Appendix A CRC of n bytes (table-driven). CRC("123456789") = 0x2F80. */
uint16_t eco_hj212_crc(const void *p, size_t n);

typedef enum {
    ECO_HJ212_CRC_STD = 0,    /* Appendix A */
    ECO_HJ212_CRC_MODBUS,     /* CRC-16/MODBUS, seen in legacy DAUs (tolerant profiles only) */
    ECO_HJ212_CRC_MODBUS_SWAP /* MODBUS with the two bytes swapped */
} eco_hj212_crc_alg_t;
uint16_t eco_hj212_crc_alg(eco_hj212_crc_alg_t alg, const void *p, size_t n);

/* ------------------------------------------------------------------ modes, editions */


typedef struct eco_hj212_opts {
    int tolerant;                  /* 0 strict (default), 1 field-tolerant */
    eco_hj212_crc_alg_t crc_alg;   /* ECO_HJ212_CRC_STD unless the device profile says otherwise */
    const uint8_t *sm4_key;        /* 16 bytes, or NULL: no decryption (2025 encrypted CP) */
    int reply_when_no_flag;        /* answer 9014 to uploads without Flag (default 1) */
    /* with no sm4_key: asked for the key of the MN an encrypted 2025 frame names (a server
     * that does not yet know which device is on a connection); NULL = none. The pointer is
     * used during the call only. */
    const uint8_t *(*key_for)(void *ud, eco_slice_t mn);
    void *key_ud;
} eco_hj212_opts_t;

void eco_hj212_opts_default(eco_hj212_opts_t *o);

typedef enum {
    ECO_HJ212_ED_2005 = 0, /* version bits 000000, or no Flag at all */
    ECO_HJ212_ED_2017 = 1, /* 000001 */
    ECO_HJ212_ED_2025 = 2, /* 000010 (also an older surface-water profile: dispatch on the device) */
    ECO_HJ212_ED_OTHER = 3 /* any other version bits */
} eco_hj212_edition_t;

/** "2005", "2017", "2025", "other". */
const char *eco_hj212_edition_name(eco_hj212_edition_t ed);

/* Flag bits, the same positions in every edition (2025 swapped the letters,
 * not the meanings): bit0 = the sender wants a reply, bit1 = PNUM/PNO present,
 * bits 7..2 = version. */
#define ECO_HJ212_FLAG_ACK 0x01
#define ECO_HJ212_FLAG_SPLIT 0x02
static inline int eco_hj212_flag_version(int flag) { return (flag >> 2) & 0x3F; }

/* ------------------------------------------------------------------ framing */

/* One frame found in a byte stream; slices point into the framer's buffer and
 * stay valid until the next call to eco_hj212_framer_next/feed. */
typedef struct eco_hj212_frame {
    eco_slice_t segment;   /* the data segment (after decryption, if any) */
    uint64_t offset;       /* stream offset of the leading "##" */
    int declared_len;      /* LLLL */
    size_t frame_len;      /* bytes from "##" to the end of the trailer */
    uint16_t crc_sent, crc_calc;
    unsigned notes;        /* ECO_HJ212_FN_* (tolerated deviations) */
} eco_hj212_frame_t;

#define ECO_HJ212_FN_LOWER_CRC 0x01   /* CRC in lowercase hex */
#define ECO_HJ212_FN_SHORT_CRC 0x02   /* CRC with fewer than 4 digits (tolerant) */
#define ECO_HJ212_FN_BARE_TRAILER 0x04 /* "\n" or "\r" alone (tolerant) */
#define ECO_HJ212_FN_OVERSIZE 0x08    /* segment over 1024 bytes (tolerant) */
#define ECO_HJ212_FN_DECRYPTED 0x10   /* CP region was SM4-decrypted */
#define ECO_HJ212_FN_ALT_CRC 0x20     /* matched only with the profile's legacy CRC */
#define ECO_HJ212_FN_CHAR_LEN 0x40    /* length counted in UTF-8 characters, not bytes (tolerant) */

typedef struct eco_hj212_framer {
    eco_hj212_opts_t opts;
    unsigned char *buf;    /* bounded: cap bytes (>= ECO_HJ212_MAX_FRAME) */
    size_t len, cap, pos;  /* bytes held, capacity, scan position */
    uint64_t base;         /* stream offset of buf[0] */
    int cr_pending;        /* tolerant: the last frame ended at a "\r" that was the last byte
                              held; a "\n" arriving next is its other half, not garbage */
    /* counters */
    uint64_t frames_ok, bad_frame, bad_len, bad_crc, bytes_skipped, bytes_total;
} eco_hj212_framer_t;

/** cap: buffer size (0 = 16 KiB; at least ECO_HJ212_MAX_FRAME). 0 or ECO_ENOMEM. */
int eco_hj212_framer_init(eco_hj212_framer_t *f, const eco_hj212_opts_t *o, size_t cap);
void eco_hj212_framer_free(eco_hj212_framer_t *f);
/** Append received bytes; returns how many were taken (fewer when the buffer
 *  is full: call eco_hj212_framer_next to drain, then feed the rest). */
size_t eco_hj212_framer_feed(eco_hj212_framer_t *f, const void *data, size_t n);
/** Next frame: 1 = *out is a frame, 0 = need more bytes, < 0 = a candidate
 *  frame was dropped (ECO_EHJ212_*; err says why and at which stream offset);
 *  keep calling until 0. Garbage between frames is skipped and counted.
 *  Drops: ECO_EHJ212_TOOBIG (strict, declared length > 1024), _LEN (no CRC and
 *  trailer where the declared length puts them), _CRC, _FRAME (a trailer or
 *  CRC form strict mode refuses), _CRYPTO (2025 encrypted CP, no key); each
 *  costs the candidate its "##" only, and scanning resumes 2 bytes on. */
int eco_hj212_framer_next(eco_hj212_framer_t *f, eco_hj212_frame_t *out, eco_err_t *err);

/** Check one complete packet held in memory (a line without its "\r\n", or a
 *  frame with it): the same checks as the framer. For a single packet both
 *  the length and the CRC can be judged, so ECO_EHJ212_LEN_CRC is possible.
 *  buf is writable because 2025 decryption happens in place. */
int eco_hj212_frame_check(unsigned char *buf, size_t n, const eco_hj212_opts_t *o, eco_hj212_frame_t *out,
                          eco_err_t *err);

/* ------------------------------------------------------------------ packets */

typedef struct eco_hj212_field {
    eco_slice_t suffix;    /* "Rtd" "Avg" "Flag" "ZsAvg" "SampleTime" "Info" ... as sent */
    eco_slice_t value;     /* raw text, trimmed — always kept */
    double num;            /* parsed number, NAN when the value is not numeric */
} eco_hj212_field_t;

struct eco_hj212_code; /* code table entry, see codes below */

typedef struct eco_hj212_factor {
    eco_slice_t code;                    /* as sent: "a21026", "011", "SB1", "100000" */
    const struct eco_hj212_code *info;   /* code table entry (NULL if unknown) */
    uint32_t first, n;                   /* fields[first .. first+n) */
} eco_hj212_factor_t;

typedef struct eco_hj212_param {
    eco_slice_t key, value;              /* "DataTime"="20160801085857", "PolId"="w01018", "QnRtn"="1" */
} eco_hj212_param_t;

typedef struct eco_hj212_note {
    int code;             /* ECO_HJ212_N_* */
    uint32_t offset;      /* byte offset in the data segment */
    char text[96];        /* "unknown factor code 'a2106'" */
} eco_hj212_note_t;

/* soft-validation notes */
enum {
    ECO_HJ212_N_ORDER = 1,    /* header fields out of order / Flag after CP */
    ECO_HJ212_N_SEPARATOR,    /* ',' where ';' was expected, stray spaces, trailing ';' */
    ECO_HJ212_N_DUPLICATE,    /* a key given twice: the last one is kept */
    ECO_HJ212_N_MISSING,      /* QN / Flag / PW / MN missing */
    ECO_HJ212_N_UNKNOWN_CODE, /* factor code in no table */
    ECO_HJ212_N_UNKNOWN_SUFFIX,
    ECO_HJ212_N_UNKNOWN_CN,
    ECO_HJ212_N_UNKNOWN_ST,
    ECO_HJ212_N_BAD_VALUE,    /* non-numeric where a number belongs, bad time */
    ECO_HJ212_N_BAD_FLAG,     /* data flag outside the edition's table */
    ECO_HJ212_N_SPLIT,        /* PNUM/PNO inconsistent with the Flag */
    ECO_HJ212_N_FRAME,        /* tolerated frame deviation (ECO_HJ212_FN_*) */
    ECO_HJ212_N_TRUNCATED     /* more notes than fit */
};

typedef struct eco_hj212_packet {
    eco_slice_t qn, st, cn, pw, mn, flag_text, pnum_text, pno_text, rf;
    int has_qn, has_flag;
    int flag;                 /* -1 when absent */
    int cn_num;               /* numeric CN, -1 if not a number */
    int pnum, pno;            /* 0 when absent */
    eco_hj212_edition_t edition;
    int ack_wanted;           /* the sender asked for a reply (bit0, or no Flag and opts.reply_when_no_flag) */
    int backfill;             /* RF=1 (2025) */
    eco_slice_t cp;           /* the data area between "CP=&&" and the last "&&" */
    eco_slice_t datatime;     /* the DataTime param, if any */
    eco_time_t time;          /* DataTime parsed (14 or 17 digits), when has_time */
    int has_time;
    eco_hj212_param_t params[ECO_HJ212_MAX_PARAMS];
    uint32_t nparams;
    eco_hj212_factor_t factors[ECO_HJ212_MAX_FACTORS];
    uint32_t nfactors;
    eco_hj212_field_t fields[ECO_HJ212_MAX_FIELDS];
    uint32_t nfields;
    eco_hj212_note_t notes[ECO_HJ212_MAX_NOTES];
    uint32_t nnotes;
} eco_hj212_packet_t;

/** Parse a data segment (the slice stays referenced by *pkt). Header fields in
 *  any order up to "CP=&&"; CP tokenised on ';' and ','; factor fields split
 *  at the first '-'. 0, or ECO_EHJ212_SYNTAX (no "CP=&&...&&", a field
 *  without '=' in the header ...) / ECO_EHJ212_TOOBIG (more entries than the
 *  limits) with err saying where. Soft problems become notes. */
int eco_hj212_parse(eco_slice_t segment, const eco_hj212_opts_t *o, eco_hj212_packet_t *pkt, eco_err_t *err);

/** The value of a non-factor parameter ("DataTime"), or an empty slice. */
eco_slice_t eco_hj212_param(const eco_hj212_packet_t *pkt, const char *key);

/* ------------------------------------------------------------------ code tables */

typedef enum { ECO_HJ212_KIND_WATER, ECO_HJ212_KIND_GAS, ECO_HJ212_KIND_NOISE, ECO_HJ212_KIND_INFO,
               ECO_HJ212_KIND_PROCESS, ECO_HJ212_KIND_OTHER } eco_hj212_code_kind_t;

typedef struct eco_hj212_code {
    const char *code;      /* 2017 code: "w01018", "a21026" */
    const char *code2005;  /* HJ/T 212-2005 code ("011", "02") or NULL */
    const char *name_zh;   /* 化学需氧量 */
    const char *name_en;   /* chemical oxygen demand */
    const char *unit;      /* "mg/L" (concentration); NULL when the table gives none */
    const char *unit_cou;  /* unit of -Cou (emission amount), or NULL */
    eco_hj212_code_kind_t kind;
} eco_hj212_code_t;

/** Look a code up, 2017 or 2005 form (a 2005 code is ambiguous between the
 *  water and gas tables: st decides which is searched first — 22 27 31 39 51
 *  gas, any other ST or NULL water — then the other one; codes.c). B.10
 *  "i3331x"-style codes match i3331<digit>. NULL when unknown. */
const eco_hj212_code_t *eco_hj212_code_find(eco_slice_t code, eco_slice_t st);

/** System code (ST) name, command (CN) name, data-flag meaning per edition,
 *  QnRtn / ExeRtn texts: NULL when unknown. */
const char *eco_hj212_st_name(eco_slice_t st);
const char *eco_hj212_cn_name(int cn);
const char *eco_hj212_data_flag_name(eco_slice_t flag, eco_hj212_edition_t ed);
const char *eco_hj212_qnrtn_name(int v);
const char *eco_hj212_exertn_name(int v);
/** Is this CN an upload the platform acknowledges with 9014 (2011 2021 2031 2041 2051 2061 2081 ...)? */
int eco_hj212_cn_is_upload(int cn);

/* ------------------------------------------------------------------ SM4 (HJ 212-2025 §6.4.2) */

/** Encrypt / decrypt, in place, the CP region of a data segment: every whole
 *  16-byte block between "CP=&&" and the closing "&&" (located by position:
 *  seg[cp_off .. cp_off+cp_len)), SM4-ECB, no padding; a shorter tail stays
 *  plain. 0, or ECO_EHJ212_CRYPTO. */
int eco_hj212_sm4_region(unsigned char *seg, size_t cp_off, size_t cp_len, const uint8_t key[16], int encrypt);
/** Raw SM4-ECB of whole blocks (n multiple of 16) — for the self-test vectors. */
int eco_hj212_sm4_ecb(const uint8_t key[16], const uint8_t *in, uint8_t *out, size_t n, int encrypt);

/* ------------------------------------------------------------------ split packets (PNUM/PNO) */

/* The standard's split packets are each parseable on their own (own QN, DataTime
 * repeated, disjoint factors), so the codec does not concatenate text: it
 * tracks which parts of (MN, CN, DataTime) have arrived, with bounds and a
 * timeout, so the caller knows when a record is complete or must be given up. */
typedef struct eco_hj212_split_entry {
    char key[96];            /* MN|CN|DataTime */
    uint16_t pnum;
    uint8_t have[128];       /* bitmap of PNO 1..1024 */
    uint16_t nhave;
    int64_t first_seen;      /* caller's clock (ms) */
} eco_hj212_split_entry_t;

typedef struct eco_hj212_split {
    eco_hj212_split_entry_t *slots;
    size_t nslots;
    int64_t timeout_ms;
    uint64_t completed, expired, evicted;
} eco_hj212_split_t;

int eco_hj212_split_init(eco_hj212_split_t *s, size_t nslots, int64_t timeout_ms);
void eco_hj212_split_free(eco_hj212_split_t *s);
/** Record part pno/pnum of pkt at time now_ms: 1 = all parts of that record
 *  have arrived (the entry is released), 0 = waiting for more, < 0 = invalid
 *  (pno outside 1..pnum, pnum > 1024). */
int eco_hj212_split_add(eco_hj212_split_t *s, const eco_hj212_packet_t *pkt, int64_t now_ms);
/** Release entries older than the timeout; returns how many expired. */
size_t eco_hj212_split_expire(eco_hj212_split_t *s, int64_t now_ms);

/* ------------------------------------------------------------------ encoding and replies */

/* A message to encode. Slices may be empty: an empty qn is left out (2005
 * style), flag < 0 leaves Flag out, pnum/pno 0 leave them out. */
typedef struct eco_hj212_msg {
    eco_slice_t qn, st, pw, mn;
    int cn;
    int flag;
    int pnum, pno;
    int rf;                 /* 2025 back-fill marker */
    eco_slice_t cp;         /* data area text without "CP=&&" / "&&" */
} eco_hj212_msg_t;

/** Append a full frame "##LLLL<segment>HHHH\r\n" (uppercase CRC) to out; with
 *  key != NULL the CP region is SM4-encrypted after the CRC is computed
 *  (HJ 212-2025 A.2) when the message is one a receiver decrypts: Flag with
 *  the 2025 version bits and CN 2000-2999, 1014 or 3020. Empty qn/st/pw/mn
 *  are left out. 0, or ECO_EINVAL (cn > 9999, flag > 255, ';' ',' or a
 *  control byte in a header value), ECO_EHJ212_TOOBIG (segment over 1024:
 *  split it with PNUM/PNO; nothing is appended) / ECO_ENOMEM. */
int eco_hj212_encode(const eco_hj212_msg_t *m, const uint8_t *key, eco_buf_t *out);

/** The reply the platform owes for pkt, appended to out as a frame:
 *  9014 for an upload that asked for a reply, 9013 for 1013, 9015 and other
 *  notifications that asked for one. Echoes QN, PW, MN; ST=91; Flag=4 (2017
 *  and 2005) or 8 (2025). Returns the CN of the reply (9013/9014) or 0 when
 *  none is owed. Details (encode.c): notifications are 1013, 2012, 2022,
 *  1001, 1014, 9015 and the vendor 9021; an unknown CN asking for a reply
 *  gets 9014; 9011-9014 never get one; a known request CN gets none from
 *  here (its answer is 9011: eco_hj212_reply), and so does a history request
 *  (2031/2041/2051/2061 with BeginTime and no DataTime). */
int eco_hj212_reply_for(const eco_hj212_packet_t *pkt, eco_buf_t *out);
/** A specific reply: cn 9011 (rtn = QnRtn), 9012 (rtn = ExeRtn), 9013 or 9014
 *  (rtn ignored), answering pkt. 0 or < 0. */
int eco_hj212_reply(const eco_hj212_packet_t *pkt, int cn, int rtn, eco_buf_t *out);

/* CP builders for uploads (simulator, tests): append "DataTime=YYYYMMDDhhmmss"
 * (left out when datatime < 0), then the items: consecutive items of one code
 * joined by ',' ("code-Suffix=value,code-Suffix=value"), factors by ';', no
 * ';' at the end; an item with a NULL or empty suffix is a parameter
 * ("PolId=w01018"). Values are written as given (text). 0, ECO_EINVAL (NULL
 * code or value), ECO_ERANGE (a year past 9999) or ECO_ENOMEM. */
typedef struct eco_hj212_cp_item {
    const char *code, *suffix, *value;
} eco_hj212_cp_item_t;
int eco_hj212_cp_build(eco_time_t datatime, const eco_hj212_cp_item_t *items, size_t n, eco_buf_t *out);

#endif
