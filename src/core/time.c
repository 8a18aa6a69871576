/* time.c — Beijing civil time (see time.h). Date arithmetic after H. Hinnant's
 * days_from_civil, which is exact over the whole proleptic Gregorian range. */
#include "core/time.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/error.h"

/* Intermediates are 64-bit so that no eco_day_t (nor any int year whose day
 * number fits one) overflows on the way. */
eco_day_t eco_day_from_civil(int y0, int m, int d)
{
    const int64_t y = (int64_t)y0 - (m <= 2);
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;                                        /* [0, 399] */
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;        /* [0, 365] */
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                 /* [0, 146096] */
    return (eco_day_t)(era * 146097 + doe - 719468);
}

void eco_day_to_civil(eco_day_t z0, int *y, int *m, int *d)
{
    const int64_t z = (int64_t)z0 + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;                                      /* [0, 146096] */
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    const int64_t mp = (5 * doy + 2) / 153;                                    /* [0, 11] */
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int eco_is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int eco_days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) return 0;
    return m == 2 && eco_is_leap(y) ? 29 : dm[m - 1];
}

/* read exactly n digits at *p */
static int digits(const char **p, const char *end, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (*p >= end || **p < '0' || **p > '9') return -1;
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    *out = v;
    return 0;
}

static int parse_date(const char **p, const char *end, int *y, int *m, int *d, int *compact)
{
    if (digits(p, end, 4, y)) return -1;
    if (*p < end && (**p == '-' || **p == '/')) {
        char sep = **p;
        (*p)++;
        /* accept 1- or 2-digit month/day with separators ("2026/3/1") */
        int v = 0, nd = 0;
        while (*p < end && **p >= '0' && **p <= '9' && nd < 2) v = v * 10 + (*(*p)++ - '0'), nd++;
        if (!nd || *p >= end || **p != sep) return -1;
        *m = v;
        (*p)++;
        v = 0, nd = 0;
        while (*p < end && **p >= '0' && **p <= '9' && nd < 2) v = v * 10 + (*(*p)++ - '0'), nd++;
        if (!nd) return -1;
        *d = v;
        *compact = 0;
    } else {
        if (digits(p, end, 2, m) || digits(p, end, 2, d)) return -1;
        *compact = 1;
    }
    if (*m < 1 || *m > 12 || *d < 1 || *d > eco_days_in_month(*y, *m)) return -1;
    return 0;
}

int eco_day_parse(eco_slice_t s, eco_day_t *out)
{
    s = eco_slice_trim(s);
    const char *p = s.ptr, *end = s.ptr + s.len;
    int y, m, d, compact;
    if (parse_date(&p, end, &y, &m, &d, &compact) || p != end) return ECO_ETIME_FORMAT;
    *out = eco_day_from_civil(y, m, d);
    return 0;
}

int eco_time_parse(eco_slice_t s, eco_time_t *out)
{
    s = eco_slice_trim(s);
    const char *p = s.ptr, *end = s.ptr + s.len;
    int y, m, d, hh = 0, mi = 0, ss = 0, compact;
    if (parse_date(&p, end, &y, &m, &d, &compact)) return ECO_ETIME_FORMAT;
    if (p < end) {
        if (compact) {
            /* YYYYMMDDHHMM[SS] */
            if (digits(&p, end, 2, &hh) || digits(&p, end, 2, &mi)) return ECO_ETIME_FORMAT;
            if (p < end && *p >= '0' && *p <= '9' && digits(&p, end, 2, &ss)) return ECO_ETIME_FORMAT;
        } else {
            if (*p != ' ' && *p != 'T') return ECO_ETIME_FORMAT;
            p++;
            /* hour may be 1 or 2 digits ("2026/3/1 8:00" from spreadsheets) */
            int nd = 0;
            hh = 0;
            while (p < end && *p >= '0' && *p <= '9' && nd < 2) hh = hh * 10 + (*p++ - '0'), nd++;
            if (!nd || p >= end || *p != ':') return ECO_ETIME_FORMAT;
            p++;
            if (digits(&p, end, 2, &mi)) return ECO_ETIME_FORMAT;
            if (p < end && *p == ':') {
                p++;
                if (digits(&p, end, 2, &ss)) return ECO_ETIME_FORMAT;
                if (p < end && *p == '.') { /* fractional seconds: dropped */
                    p++;
                    while (p < end && *p >= '0' && *p <= '9') p++;
                }
            }
        }
    }
    int offset = ECO_TZ_OFFSET_S; /* input is Beijing time unless it says otherwise */
    if (p < end) {
        if (*p == 'Z' && p + 1 == end) {
            offset = 0;
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p == '-' ? -1 : 1, oh, om;
            p++;
            if (digits(&p, end, 2, &oh)) return ECO_ETIME_FORMAT;
            if (p < end && *p == ':') p++;
            if (digits(&p, end, 2, &om)) return ECO_ETIME_FORMAT;
            if (oh > 14 || om > 59) return ECO_ETIME_FORMAT;
            offset = sign * (oh * 3600 + om * 60);
        }
    }
    if (p != end) return ECO_ETIME_FORMAT;
    if (hh > 24 || mi > 59 || ss > 60 || (hh == 24 && (mi || ss))) return ECO_ETIME_FORMAT;
    if (ss == 60) ss = 59; /* leap second: clamp, the data are hourly at best */
    eco_time_t t = (eco_time_t)eco_day_from_civil(y, m, d) * ECO_DAY_S + hh * 3600 + mi * 60 + ss;
    *out = t - offset + ECO_TZ_OFFSET_S;
    return 0;
}

void eco_day_format(eco_day_t day, char *buf, size_t n)
{
    int y, m, d;
    eco_day_to_civil(day, &y, &m, &d);
    snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
}

void eco_time_format(eco_time_t t, char *buf, size_t n)
{
    int y, m, d;
    int sod = eco_time_sod(t);
    eco_day_to_civil(eco_time_day(t), &y, &m, &d);
    if (sod % 60)
        snprintf(buf, n, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, sod / 3600, sod / 60 % 60, sod % 60);
    else
        snprintf(buf, n, "%04d-%02d-%02d %02d:%02d", y, m, d, sod / 3600, sod / 60 % 60);
}

static inline char *put2(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

void eco_time_format_iso(eco_time_t t, char *buf, size_t n)
{
    int y, m, d;
    int sod = eco_time_sod(t);
    eco_day_to_civil(eco_time_day(t), &y, &m, &d);
    if (y < 0 || y > 9999 || n < 26) { /* rare: let snprintf cope (and truncate safely) */
        snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", y, m, d, sod / 3600, sod / 60 % 60, sod % 60);
        return;
    }
    /* the API writes one per row: digits by hand, not snprintf */
    char *p = put2(put2(buf, y / 100), y % 100);
    *p++ = '-';
    p = put2(p, m);
    *p++ = '-';
    p = put2(p, d);
    *p++ = 'T';
    p = put2(p, sod / 3600);
    *p++ = ':';
    p = put2(p, sod / 60 % 60);
    *p++ = ':';
    p = put2(p, sod % 60);
    memcpy(p, "+08:00", 7);
}

void eco_time_format_full(eco_time_t t, char *buf, size_t n)
{
    int y, m, d;
    int sod = eco_time_sod(t);
    eco_day_to_civil(eco_time_day(t), &y, &m, &d);
    snprintf(buf, n, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, sod / 3600, sod / 60 % 60, sod % 60);
}

void eco_time_format_compact(eco_time_t t, char *buf, size_t n)
{
    int y, m, d;
    int sod = eco_time_sod(t);
    eco_day_to_civil(eco_time_day(t), &y, &m, &d);
    snprintf(buf, n, "%04d%02d%02d%02d%02d%02d", y % 10000, m, d, sod / 3600, sod / 60 % 60, sod % 60);
}

void eco_time_format_qn(int64_t unix_ms, char *buf, size_t n)
{
    int64_t ms = unix_ms + (int64_t)ECO_TZ_OFFSET_S * 1000;
    int64_t sec = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    int y, m, d;
    eco_time_t t = (eco_time_t)sec;
    int sod = eco_time_sod(t);
    eco_day_to_civil(eco_time_day(t), &y, &m, &d);
    snprintf(buf, n, "%04d%02d%02d%02d%02d%02d%03d", y % 10000, m, d, sod / 3600, sod / 60 % 60, sod % 60,
             (int)(ms - sec * 1000));
}

int64_t eco_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
