/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --metrics-addr: the agent as a standalone Prometheus exporter. GET /metrics on a small
 * HTTP/1.1 server of its own thread, read from the maps while the main loop sleeps.
 */
#ifndef __METRICS_HTTP_H
#define __METRICS_HTTP_H

#include <stdbool.h>

struct collector;
struct metrics_http;

/* NULL if @addr is HOST:PORT or [IPV6]:PORT with a host that resolves, else why not. */
const char *metrics_addr_check(const char *addr);
/*
 * Listens on @addr and serves @c's counts, labelled host=@host_id (NULL: this machine's id),
 * from a thread of its own; with @token_file, only to scrapes that present its token as a bearer
 * token. The calling thread holds the collector until it calls metrics_http_release(). NULL,
 * after one line on stderr, if it cannot read the token or listen.
 */
struct metrics_http *metrics_http_start(const char *addr, const char *host_id,
					const char *token_file, struct collector *c);
/* The main loop is about to sleep: scrapes may read the maps until metrics_http_hold(). */
void metrics_http_release(struct metrics_http *m);
/* The main loop is awake and reads the maps itself: a scrape in progress finishes first. */
void metrics_http_hold(struct metrics_http *m);
/* Stops serving and frees @m (held by the caller, as after metrics_http_start); NULL is fine. */
void metrics_http_stop(struct metrics_http *m);

#endif /* __METRICS_HTTP_H */
