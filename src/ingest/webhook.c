/* webhook.c — see webhook.h. */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "core/alloc.h"
#include "core/log.h"
#include "ingest/webhook.h"

typedef struct item {
    char *json;
    size_t len;
} item_t;

typedef struct target {
    struct eco_webhooks *w;
    char url[256], host[128], path[256];
    int port;
    pthread_t th;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    item_t *q;
    int cap, head, n;        /* ring */
    int quit;
    int64_t deadline_ms;     /* after stop: no delivery past this */
    eco_webhook_stats_t st;
} target_t;

struct eco_webhooks {
    eco_webhook_opts_t o;
    target_t t[ECO_WEBHOOK_MAX];
    int n;
};

void eco_webhook_opts_default(eco_webhook_opts_t *o)
{
    o->queue = 1000;
    o->tries = 8;
    o->backoff_ms = 500;
    o->timeout_ms = 5000;
    o->drain_ms = 5000;
}

int eco_webhook_parse_url(const char *url, char *host, size_t hn, int *port, char *path, size_t pn)
{
    if (strncmp(url, "http://", 7)) return ECO_EINVAL;
    const char *h = url + 7, *slash = strchr(h, '/');
    const char *end = slash ? slash : h + strlen(h);
    const char *colon = memchr(h, ':', (size_t)(end - h));
    const char *he = colon ? colon : end;
    if (he == h || (size_t)(he - h) >= hn) return ECO_EINVAL;
    memcpy(host, h, (size_t)(he - h));
    host[he - h] = 0;
    *port = 80;
    if (colon) {
        char *e;
        long p = strtol(colon + 1, &e, 10);
        if (e != end || p < 1 || p > 65535) return ECO_EINVAL;
        *port = (int)p;
    }
    int w = snprintf(path, pn, "%s", slash ? slash : "/");
    if (w < 0 || (size_t)w >= pn) return ECO_EINVAL;
    for (const char *p = path; *p; p++)
        if ((unsigned char)*p <= ' ') return ECO_EINVAL;
    return 0;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* wait until fd is ready for ev or the deadline: 1 ready, 0 not */
static int wait_fd(int fd, short ev, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - mono_ms();
        if (left <= 0) return 0;
        struct pollfd p = {fd, ev, 0};
        int r = poll(&p, 1, (int)left);
        if (r > 0) return 1;
        if (r < 0 && errno != EINTR) return 0;
    }
}

/* one POST: the HTTP status, or -1 (no connection, timeout, no answer) */
static int http_post(const target_t *t, const char *body, size_t len, int timeout_ms)
{
    int64_t deadline = mono_ms() + timeout_ms;
    char port[8];
    snprintf(port, sizeof port, "%d", t->port);
    struct addrinfo hints, *ai = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(t->host, port, &hints, &ai) != 0 || !ai) return -1;
    int fd = -1, status = -1;
    /* every address the name has ("localhost" may give ::1 first to a receiver on 127.0.0.1 only) */
    for (struct addrinfo *a = ai; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        if (connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
            int e = 0;
            socklen_t el = sizeof e;
            if (errno != EINPROGRESS || !wait_fd(fd, POLLOUT, deadline) ||
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0 || e) {
                close(fd);
                fd = -1;
            }
        }
    }
    if (fd < 0) goto out;
    char head[600];
    int hl = snprintf(head, sizeof head,
                      "POST %s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: ecobrain\r\nContent-Type: application/json\r\n"
                      "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                      t->path, t->host, t->port, len);
    if (hl < 0 || (size_t)hl >= sizeof head) goto out;
    const char *parts[2] = {head, body};
    size_t lens[2] = {(size_t)hl, len};
    for (int k = 0; k < 2; k++)
        for (size_t off = 0; off < lens[k];) {
            ssize_t w = send(fd, parts[k] + off, lens[k] - off, MSG_NOSIGNAL);
            if (w > 0) off += (size_t)w;
            else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
                if (!wait_fd(fd, POLLOUT, deadline)) goto out;
            } else goto out;
        }
    char resp[64];
    size_t got = 0;
    while (got < sizeof resp - 1) { /* the status line is enough */
        ssize_t r = recv(fd, resp + got, sizeof resp - 1 - got, 0);
        if (r > 0) {
            got += (size_t)r;
            if (memchr(resp, '\n', got)) break;
        } else if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (!wait_fd(fd, POLLIN, deadline)) goto out;
        } else break;
    }
    resp[got] = 0;
    int code;
    if (got >= 12 && !strncmp(resp, "HTTP/1.", 7) && sscanf(resp + 9, "%3d", &code) == 1) status = code;
out:
    if (fd >= 0) close(fd);
    freeaddrinfo(ai);
    return status;
}

/* sleep ms, or less: once stopped, no later than the stop's deadline */
static void nap(target_t *t, int64_t ms)
{
    pthread_mutex_lock(&t->mu);
    int64_t until = mono_ms() + ms;
    for (;;) {
        int64_t end = t->quit && t->deadline_ms < until ? t->deadline_ms : until; /* a stop shortens the nap */
        int64_t now = mono_ms();
        if (now >= end) break;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        int64_t left = end - now;
        ts.tv_sec += left / 1000;
        ts.tv_nsec += (left % 1000) * 1000000;
        if (ts.tv_nsec >= 1000000000) ts.tv_sec++, ts.tv_nsec -= 1000000000;
        pthread_cond_timedwait(&t->cv, &t->mu, &ts); /* woken by a stop: the loop recomputes the end */
    }
    pthread_mutex_unlock(&t->mu);
}

static void *run(void *arg)
{
    target_t *t = arg;
    const eco_webhook_opts_t *o = &t->w->o;
    for (;;) {
        pthread_mutex_lock(&t->mu);
        while (!t->n && !t->quit) pthread_cond_wait(&t->cv, &t->mu);
        if (!t->n) {
            pthread_mutex_unlock(&t->mu);
            break;
        }
        item_t it = t->q[t->head];
        pthread_mutex_unlock(&t->mu);
        int64_t delay = o->backoff_ms > 60000 ? 60000 : o->backoff_ms; /* waits are capped at 60 s */
        int ok = 0, status = -1, tries = 0, stopped = 0;
        for (;;) {
            pthread_mutex_lock(&t->mu);
            stopped = t->quit && mono_ms() >= t->deadline_ms;
            pthread_mutex_unlock(&t->mu);
            if (stopped) break;
            status = http_post(t, it.json, it.len, o->timeout_ms);
            tries++;
            if (status >= 200 && status < 300) {
                ok = 1;
                break;
            }
            if (tries >= o->tries) break;
            t->st.retries++;
            nap(t, delay);
            delay = delay * 2 > 60000 ? 60000 : delay * 2;
        }
        pthread_mutex_lock(&t->mu);
        t->head = (t->head + 1) % t->cap;
        t->n--;
        if (ok) t->st.sent++;
        else if (stopped) t->st.dropped_stop++;
        else t->st.dropped_failed++;
        pthread_mutex_unlock(&t->mu);
        if (!ok && !stopped)
            eco_log(ECO_LOG_WARN, "webhook %s: alert dropped after %d attempts (last: %s%d)", t->url, tries,
                    status < 0 ? "no answer, " : "HTTP ", status < 0 ? 0 : status);
        eco_free(it.json, it.len + 1);
    }
    return NULL;
}

int eco_webhooks_start(const char *const *urls, int n, const eco_webhook_opts_t *o, eco_webhooks_t **out,
                       eco_err_t *err)
{
    *out = NULL;
    if (n <= 0) return 0;
    if (n > ECO_WEBHOOK_MAX) return eco_err_set(err, ECO_EINVAL, "webhooks: at most %d", ECO_WEBHOOK_MAX);
    eco_webhooks_t *w = eco_calloc(1, sizeof *w);
    if (!w) return eco_err_set(err, ECO_ENOMEM, "webhooks: out of memory");
    w->o = *o;
    for (int i = 0; i < n; i++) {
        target_t *t = &w->t[i];
        t->w = w;
        snprintf(t->url, sizeof t->url, "%s", urls[i]);
        if (eco_webhook_parse_url(urls[i], t->host, sizeof t->host, &t->port, t->path, sizeof t->path) < 0) {
            eco_webhooks_stop(w, NULL);
            return eco_err_set(err, ECO_EINVAL, "webhook '%s': not http://HOST[:PORT]/PATH", urls[i]);
        }
        t->cap = o->queue > 0 ? o->queue : 1;
        t->q = eco_calloc((size_t)t->cap, sizeof *t->q);
        pthread_mutex_init(&t->mu, NULL);
        pthread_cond_init(&t->cv, NULL);
        w->n = i + 1;
        if (!t->q || pthread_create(&t->th, NULL, run, t) != 0) {
            eco_webhooks_stop(w, NULL);
            return eco_err_set(err, ECO_ENOMEM, "webhooks: cannot start a thread");
        }
        t->started = 1;
    }
    *out = w;
    return 0;
}

void eco_webhooks_post(eco_webhooks_t *w, const char *json, size_t len)
{
    if (!w) return;
    for (int i = 0; i < w->n; i++) {
        target_t *t = &w->t[i];
        char *copy = eco_malloc(len + 1);
        pthread_mutex_lock(&t->mu);
        if (!copy || t->n >= t->cap) {
            t->st.dropped_full++;
            pthread_mutex_unlock(&t->mu);
            if (copy) eco_free(copy, len + 1);
            if (t->st.dropped_full == 1 || t->st.dropped_full % 1000 == 0)
                eco_log(ECO_LOG_WARN, "webhook %s: queue full, alert dropped (%llu so far)", t->url,
                        (unsigned long long)t->st.dropped_full);
            continue;
        }
        memcpy(copy, json, len);
        copy[len] = 0;
        t->q[(t->head + t->n) % t->cap] = (item_t){copy, len};
        t->n++;
        t->st.queued++;
        pthread_cond_signal(&t->cv);
        pthread_mutex_unlock(&t->mu);
    }
}

void eco_webhooks_stop(eco_webhooks_t *w, eco_webhook_stats_t *st)
{
    if (st) memset(st, 0, sizeof *st);
    if (!w) return;
    for (int i = 0; i < w->n; i++) {
        target_t *t = &w->t[i];
        pthread_mutex_lock(&t->mu);
        t->quit = 1;
        t->deadline_ms = mono_ms() + w->o.drain_ms;
        pthread_cond_broadcast(&t->cv);
        pthread_mutex_unlock(&t->mu);
    }
    for (int i = 0; i < w->n; i++) {
        target_t *t = &w->t[i];
        if (t->started) pthread_join(t->th, NULL);
        for (int k = 0; k < t->n; k++) { /* left when the thread could not start */
            item_t *it = &t->q[(t->head + k) % t->cap];
            eco_free(it->json, it->len + 1);
            t->st.dropped_stop++;
        }
        if (st) {
            st->queued += t->st.queued;
            st->sent += t->st.sent;
            st->retries += t->st.retries;
            st->dropped_full += t->st.dropped_full;
            st->dropped_failed += t->st.dropped_failed;
            st->dropped_stop += t->st.dropped_stop;
        }
        eco_free(t->q, (size_t)t->cap * sizeof *t->q);
        pthread_mutex_destroy(&t->mu);
        pthread_cond_destroy(&t->cv);
    }
    eco_free(w, sizeof *w);
}
