/* hj212_vectors.h — load ../shared/testdata/hj212/vectors.tsv (and the hex
 * forms in vectors.md) for the HJ 212 codec tests.
 *
 * Why a loader and not copies: the vectors were collected by someone who did
 * not write this code, from the standard and from other people's captures;
 * the tests read them where they live ($ECO_SHARED_DIR, set by CMake), so no
 * packet is copied into the repository and a test cannot drift from its
 * oracle. When the folder is absent the tests that need it skip() with a
 * message saying so.
 *
 * Static functions only: included by several test executables.
 */
#ifndef ECO_TEST_HJ212_VECTORS_H
#define ECO_TEST_HJ212_VECTORS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct hv_vec {
    char id[64], cls[24], verdict[24], crc_in[8], crc_ok[8], st[8], cn[8], flag[8], enc[8];
    int declared_len, byte_len;
    unsigned char *pkt; /* packet bytes WITHOUT the trailing CRLF (GBK for the -GBK row) */
    size_t n;
} hv_vec_t;

typedef struct hv_set {
    hv_vec_t *v;
    size_t n;
    char *md; /* vectors.md, NUL-terminated */
} hv_set_t;

static __attribute__((unused)) char *hv_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap + 1);
    size_t r;
    while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *nb = realloc(b, 2 * cap + 1);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!b) return NULL;
    b[n] = '\0';
    if (len) *len = n;
    return b;
}

/* "$ECO_SHARED_DIR/testdata/hj212/<name>" into buf; NULL when the variable is unset */
static __attribute__((unused)) const char *hv_path(char *buf, size_t n, const char *name)
{
    const char *d = getenv("ECO_SHARED_DIR");
    if (!d || !*d) return NULL;
    snprintf(buf, n, "%s/testdata/hj212/%s", d, name);
    return buf;
}

static __attribute__((unused)) int hv_hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Hex digits following the first occurrence of marker in md, up to a
 * backquote, as bytes (malloc'd); NULL if not found. */
static __attribute__((unused)) unsigned char *hv_md_hex(const char *md, const char *marker, size_t *n)
{
    const char *p = md ? strstr(md, marker) : NULL;
    if (!p) return NULL;
    p += strlen(marker);
    while (*p && hv_hexval((unsigned char)*p) < 0) p++;
    const char *e = p;
    while (hv_hexval((unsigned char)*e) >= 0) e++;
    size_t len = (size_t)(e - p) / 2;
    unsigned char *b = malloc(len + 1);
    if (!b) return NULL;
    for (size_t i = 0; i < len; i++) b[i] = (unsigned char)(hv_hexval(p[2 * i]) * 16 + hv_hexval(p[2 * i + 1]));
    b[len] = 0;
    *n = len;
    return b;
}

/* The text between the first pair of backquotes after marker, malloc'd. */
static __attribute__((unused)) char *hv_md_quoted(const char *md, const char *marker, size_t *n)
{
    const char *p = md ? strstr(md, marker) : NULL;
    if (!p) return NULL;
    p = strchr(p + strlen(marker), '`');
    if (!p) return NULL;
    const char *e = strchr(++p, '`');
    if (!e) return NULL;
    size_t len = (size_t)(e - p);
    char *b = malloc(len + 1);
    if (!b) return NULL;
    memcpy(b, p, len);
    b[len] = 0;
    *n = len;
    return b;
}

static __attribute__((unused)) void hv_free(hv_set_t *s)
{
    for (size_t i = 0; i < s->n; i++) free(s->v[i].pkt);
    free(s->v);
    free(s->md);
    memset(s, 0, sizeof *s);
}

static __attribute__((unused)) void hv_copy(char *dst, size_t cap, const char *src, size_t n)
{
    if (n >= cap) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* 0, or -1 when the shared folder is not there. */
static __attribute__((unused)) int hv_load(hv_set_t *s)
{
    char path[1024];
    memset(s, 0, sizeof *s);
    if (!hv_path(path, sizeof path, "vectors.tsv")) return -1;
    size_t len;
    char *tsv = hv_read_file(path, &len);
    if (!tsv) return -1;
    hv_path(path, sizeof path, "vectors.md");
    s->md = hv_read_file(path, NULL);
    size_t cap = 128;
    s->v = calloc(cap, sizeof *s->v);
    char *line = tsv, *next;
    int header = 1;
    for (; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        size_t ll = strlen(line);
        if (ll && line[ll - 1] == '\r') line[--ll] = '\0';
        if (header) {
            header = 0;
            continue;
        }
        if (!ll) continue;
        char *col[16] = {0};
        int nc = 0;
        for (char *c = line; nc < 16;) {
            col[nc++] = c;
            char *t = strchr(c, '\t');
            if (!t) break;
            *t = '\0';
            c = t + 1;
        }
        if (nc < 12) continue;
        if (s->n == cap) {
            cap *= 2;
            s->v = realloc(s->v, cap * sizeof *s->v);
        }
        hv_vec_t *v = &s->v[s->n];
        memset(v, 0, sizeof *v);
        hv_copy(v->id, sizeof v->id, col[0], strlen(col[0]));
        hv_copy(v->cls, sizeof v->cls, col[1], strlen(col[1]));
        hv_copy(v->verdict, sizeof v->verdict, col[2], strlen(col[2]));
        v->declared_len = atoi(col[3]);
        v->byte_len = atoi(col[4]);
        hv_copy(v->crc_in, sizeof v->crc_in, col[5], strlen(col[5]));
        hv_copy(v->crc_ok, sizeof v->crc_ok, col[6], strlen(col[6]));
        hv_copy(v->st, sizeof v->st, col[7], strlen(col[7]));
        hv_copy(v->cn, sizeof v->cn, col[8], strlen(col[8]));
        hv_copy(v->flag, sizeof v->flag, col[9], strlen(col[9]));
        hv_copy(v->enc, sizeof v->enc, col[10], strlen(col[10]));
        if (strcmp(v->enc, "gbk") == 0) { /* the wire bytes are in vectors.md */
            char marker[128];
            snprintf(marker, sizeof marker, "### %s", v->id);
            const char *sec = s->md ? strstr(s->md, marker) : NULL;
            size_t n = 0;
            v->pkt = sec ? hv_md_hex(sec, "wire bytes (GBK, hex, incl. CRLF):", &n) : NULL;
            if (v->pkt && n >= 2 && v->pkt[n - 2] == '\r' && v->pkt[n - 1] == '\n') n -= 2;
            v->n = n;
        } else {
            v->n = strlen(col[11]);
            v->pkt = malloc(v->n + 1);
            memcpy(v->pkt, col[11], v->n + 1);
        }
        s->n++;
    }
    free(tsv);
    return 0;
}

static __attribute__((unused)) const hv_vec_t *hv_find(const hv_set_t *s, const char *id)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].id, id) == 0) return &s->v[i];
    return NULL;
}

/* packet + CRLF, malloc'd */
static __attribute__((unused)) unsigned char *hv_with_crlf(const hv_vec_t *v, size_t *n)
{
    unsigned char *b = malloc(v->n + 3);
    memcpy(b, v->pkt, v->n);
    b[v->n] = '\r';
    b[v->n + 1] = '\n';
    b[v->n + 2] = 0;
    *n = v->n + 2;
    return b;
}

#endif
