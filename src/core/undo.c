/* undo.c — see undo.h. */
#include "core/undo.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

void eco_undo_init(eco_undo_t *u) { memset(u, 0, sizeof *u); }

void eco_undo_free(eco_undo_t *u)
{
    eco_free(u->mark, u->mark_cap * sizeof *u->mark);
    eco_buf_free(&u->log);
    eco_undo_init(u);
}

void eco_undo_begin(eco_undo_t *u)
{
    if (++u->epoch == 0) { /* wrapped: no mark may look current */
        if (u->mark) memset(u->mark, 0, u->mark_cap * sizeof *u->mark);
        u->epoch = 1;
    }
    eco_buf_reset(&u->log);
    u->active = 1;
    u->lost = 0;
}

int eco_undo_save(eco_undo_t *u, uint32_t id, const void *p, size_t n)
{
    if (!u->active) return 0;
    if (id >= u->mark_cap) {
        size_t nc = u->mark_cap ? u->mark_cap * 2 : 256;
        while (nc <= id) nc *= 2;
        uint32_t *m = eco_realloc(u->mark, u->mark_cap * sizeof *m, nc * sizeof *m);
        if (!m) return u->lost = 1, ECO_ENOMEM;
        memset(m + u->mark_cap, 0, (nc - u->mark_cap) * sizeof *m);
        u->mark = m;
        u->mark_cap = nc;
    }
    if (u->mark[id] == u->epoch) return 0;
    uint32_t head[2] = {id, (uint32_t)n};
    if (eco_buf_reserve(&u->log, sizeof head + n) < 0) return u->lost = 1, ECO_ENOMEM;
    eco_buf_append(&u->log, head, sizeof head);
    eco_buf_append(&u->log, p, n);
    u->mark[id] = u->epoch;
    return 0;
}

int eco_undo_rollback(eco_undo_t *u, void *(*slot)(void *ud, uint32_t id), void *ud)
{
    int put = 0;
    const unsigned char *p = (const unsigned char *)u->log.data, *end = p + u->log.len;
    while (p && p + 2 * sizeof(uint32_t) <= end) {
        uint32_t head[2];
        memcpy(head, p, sizeof head);
        p += sizeof head;
        void *dst = slot(ud, head[0]);
        if (dst) memcpy(dst, p, head[1]), put++;
        p += head[1];
    }
    int lost = u->lost;
    eco_undo_end(u);
    return lost ? ECO_ENOMEM : put;
}

void eco_undo_end(eco_undo_t *u)
{
    u->active = 0;
    u->lost = 0;
    eco_buf_reset(&u->log);
}
