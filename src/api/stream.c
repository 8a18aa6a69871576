/* stream.c — /api/v1/stream: live events as Server-Sent Events.
 *
 * Why this shape: each client is a reader of the live ring with its own
 * cursor, in its own connection thread (thread-per-connection), blocked on
 * the ring's condition variable between events. A slow client only slows
 * itself: the writer never waits for it. When the ring has overwritten what
 * the client had not read yet, it gets one `reset` event ("lagged": refetch
 * /latest) and continues from the newest event. Every 15 s of silence a
 * comment line keeps proxies from closing the stream and lets a dead peer be
 * noticed. A client that reconnects with Last-Event-ID resumes where it left
 * off if the ring still holds that point, else it is told to reset.
 */
#define _GNU_SOURCE /* POLLRDHUP */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/internal.h"

#define KEEPALIVE_MS 15000

typedef struct sse {
    eco_api_t *api;
    uint64_t cursor;          /* last seq sent */
    int fine;                 /* minute/real-time values too */
    int hello_sent, pending_reset;
    int64_t last_write_ms;    /* monotonic: a keepalive after KEEPALIVE_MS without a write */
    int fd;                   /* the connection's socket, to notice a client gone while idle */
    char buf[2048];
    size_t pend_off, pend_len; /* an event formatted but not yet fully handed over */
    char pend[2300];
} sse_t;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sse_done(void *cls)
{
    sse_t *s = cls;
    eco_api_t *a = s->api;
    if (s->fine) eco_live_fine_add(a->live, -1);
    pthread_mutex_lock(&a->m_mu);
    a->sse_clients--;
    pthread_mutex_unlock(&a->m_mu);
    free(s);
}

static ssize_t copy_pending(sse_t *s, char *out, size_t max)
{
    size_t n = s->pend_len - s->pend_off;
    if (n > max) n = max;
    memcpy(out, s->pend + s->pend_off, n);
    s->pend_off += n;
    if (s->pend_off == s->pend_len) s->pend_off = s->pend_len = 0;
    return (ssize_t)n;
}

static ssize_t sse_read(void *cls, uint64_t pos, char *out, size_t max)
{
    (void)pos;
    sse_t *s = cls;
    eco_api_t *a = s->api;
    if (s->pend_len) return copy_pending(s, out, max);
    s->last_write_ms = mono_ms(); /* called again: what was handed over is written */
    if (!s->hello_sent) {
        s->hello_sent = 1;
        s->pend_len = (size_t)snprintf(s->pend, sizeof s->pend, "retry: 3000\nevent: hello\nid: %llu\ndata: {\"seq\":%llu}\n\n",
                                       (unsigned long long)s->cursor, (unsigned long long)s->cursor);
        return copy_pending(s, out, max);
    }
    for (;;) {
        if (a->quit) return MHD_CONTENT_READER_END_OF_STREAM;
        if (s->pending_reset) {
            s->pending_reset = 0;
            pthread_mutex_lock(&a->m_mu);
            a->sse_lagged++;
            pthread_mutex_unlock(&a->m_mu);
            s->pend_len = (size_t)snprintf(s->pend, sizeof s->pend, "event: reset\nid: %llu\ndata: {\"reason\":\"lagged\"}\n\n",
                                           (unsigned long long)s->cursor);
            return copy_pending(s, out, max);
        }
        uint64_t next = s->cursor + 1;
        eco_live_ev_t type;
        size_t len;
        int r = eco_live_read(a->live, next, &type, s->buf, sizeof s->buf, &len);
        if (r == 0) {
            s->cursor = next;
            if (type == ECO_LIVE_EV_VALUE_FINE && !s->fine) continue;
            s->pend_len = (size_t)snprintf(s->pend, sizeof s->pend, "event: %s\nid: %llu\ndata: %s\n\n",
                                           eco_live_ev_name(type), (unsigned long long)next, s->buf);
            if (s->pend_len >= sizeof s->pend) s->pend_len = 0; /* cannot happen: buf < pend - 64 */
            if (s->pend_len) return copy_pending(s, out, max);
            continue;
        }
        uint64_t head = eco_live_head(a->live);
        if (next <= head) { /* overwritten before we read it: lagged */
            s->cursor = head;
            s->pending_reset = 1;
            continue;
        }
        /* by the clock, not by waits: events this client filters out do not count as writes */
        if (mono_ms() - s->last_write_ms >= KEEPALIVE_MS) {
            static const char ka[] = ": keepalive\n\n";
            size_t n = sizeof ka - 1 < max ? sizeof ka - 1 : max;
            memcpy(out, ka, n);
            return (ssize_t)n;
        }
        /* a client that hung up is let go within a second, not at the next write */
        if (s->fd >= 0) {
            struct pollfd pf = {s->fd, POLLRDHUP, 0};
            if (poll(&pf, 1, 0) > 0 && (pf.revents & (POLLRDHUP | POLLHUP | POLLERR)))
                return MHD_CONTENT_READER_END_WITH_ERROR;
        }
        int w = eco_live_wait(a->live, s->cursor, 1000);
        if (w == ECO_ECANCELED) return MHD_CONTENT_READER_END_OF_STREAM;
    }
}

int api_stream(api_req_t *r)
{
    eco_api_t *a = r->api;
    const char *fine = api_arg(r, "minute");
    if (fine && strcmp(fine, "0") && strcmp(fine, "1"))
        return api_error(r, 400, "bad_request", "minute: '%s' is not 0 or 1", fine);
    pthread_mutex_lock(&a->m_mu);
    int full = a->sse_clients >= a->cfg.max_sse_clients;
    if (!full) a->sse_clients++, a->sse_total++;
    pthread_mutex_unlock(&a->m_mu);
    if (full)
        return api_error(r, 503, "busy", "%d live clients already (http.max_sse_clients): try again later",
                         a->cfg.max_sse_clients);
    sse_t *s = calloc(1, sizeof *s);
    if (!s) {
        pthread_mutex_lock(&a->m_mu);
        a->sse_clients--;
        pthread_mutex_unlock(&a->m_mu);
        return api_error(r, 500, "internal", "out of memory");
    }
    s->api = a;
    s->fine = fine && !strcmp(fine, "1");
    s->cursor = eco_live_head(a->live);
    const char *last = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Last-Event-ID");
    if (last && *last) {
        char *end;
        unsigned long long v = strtoull(last, &end, 10);
        if (*end || v > s->cursor) s->pending_reset = 1; /* not ours (a restarted server counts anew) */
        else if (v + 1 >= eco_live_tail(a->live)) s->cursor = v; /* still in the ring: resume */
        else s->pending_reset = 1;
    }
    s->last_write_ms = mono_ms();
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    s->fd = ci ? ci->connect_fd : -1;
    if (s->fine) eco_live_fine_add(a->live, +1);
    r->resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, sse_read, s, sse_done);
    if (!r->resp) {
        sse_done(s);
        return api_error(r, 500, "internal", "out of memory");
    }
    MHD_add_response_header(r->resp, "Content-Type", "text/event-stream; charset=utf-8");
    MHD_add_response_header(r->resp, "Cache-Control", "no-cache");
    MHD_add_response_header(r->resp, "X-Accel-Buffering", "no");
    r->status = 200;
    return 0;
}
