/* webhook.h — new alerts POSTed as JSON to http:// receivers, off the ingest path.
 *
 * Why a thread and a bounded queue per receiver: ingestion must never wait on
 * a receiver (a slow or dead one would stall every device's 9014), so the
 * writer only appends to a queue (O(1), never blocking: a full queue drops
 * the alert and counts it) and a thread of the receiver's own delivers, with
 * retries and exponential backoff (backoff_ms, doubling, at most 60 s) for
 * `tries` attempts, after which the alert is dropped, counted and logged. A
 * receiver's 2xx is delivery; anything else (refused, timeout, 5xx) is retried.
 * HTTP/1.1 over plain sockets, one connection per POST (Connection: close):
 * alerts are rare, and no dependency is needed. http only.
 */
#ifndef ECO_INGEST_WEBHOOK_H
#define ECO_INGEST_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define ECO_WEBHOOK_MAX 8

typedef struct eco_webhooks eco_webhooks_t;

typedef struct eco_webhook_opts {
    int queue;               /* alerts waiting per receiver (default 1000) */
    int tries;               /* attempts per alert (default 8) */
    int backoff_ms;          /* wait after the first failure, doubling (default 500, at most 60 s) */
    int timeout_ms;          /* connect / send / answer (default 5000) */
    int drain_ms;            /* at stop: how long the queue may still be delivered (default 5000) */
} eco_webhook_opts_t;

typedef struct eco_webhook_stats {
    uint64_t queued, sent, retries, dropped_full, dropped_failed, dropped_stop;
} eco_webhook_stats_t;

void eco_webhook_opts_default(eco_webhook_opts_t *o);
/** "http://HOST[:PORT]/PATH": 0 and the parts, or ECO_EINVAL (https and others are refused). */
int eco_webhook_parse_url(const char *url, char *host, size_t hn, int *port, char *path, size_t pn);
/** Start one delivery thread per URL. */
int eco_webhooks_start(const char *const *urls, int n, const eco_webhook_opts_t *o, eco_webhooks_t **out,
                       eco_err_t *err);
/** Queue one JSON document for every receiver; never blocks on the network. */
void eco_webhooks_post(eco_webhooks_t *w, const char *json, size_t len);
/** Deliver what is queued for at most drain_ms, stop the threads, free; totals in *st (may be NULL). */
void eco_webhooks_stop(eco_webhooks_t *w, eco_webhook_stats_t *st);

#endif
