// SPDX-License-Identifier: GPL-2.0
/*
 * --metrics-addr: the agent as a standalone Prometheus exporter, like ebpf_exporter. A small
 * HTTP/1.1 server on a thread of its own: one connection at a time (Prometheus scrapes are
 * few and short), a bounded request read within a timeout, Connection: close, GET /metrics
 * and nothing else: the Prometheus text format, or OpenMetrics when the Accept header names it;
 * with --metrics-token-file, only for a request presenting its token as a bearer token.
 *
 * The collector's read functions keep state and scratch buffers (the per-process ledger, the
 * batch buffers) that are not for two threads at once, so scrapes take the maps in turns with
 * the main loop: the main thread holds the lock except while it sleeps (run.c), which is
 * nearly always, and a scrape reads while it holds it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include "metrics_http.h"
#include "metrics_addr.h"
#include "metrics_text.h"
#include "credentials.h"
#include "host_facts.h"
#include "warn.h"

#define MAX_REQUEST 8192	/* a request's line and headers; more is refused (431) */
#define REQUEST_TIMEOUT_MS 5000 /* to send them, and to take the answer */
#define TEXT_FORMAT "text/plain; version=0.0.4; charset=utf-8"
#define OPENMETRICS "application/openmetrics-text; version=1.0.0; charset=utf-8"

struct metrics_http {
	int listen_fd;
	int wake[2]; /* written once by metrics_http_stop(): the thread ends */
	pthread_t thread;
	bool started;
	pthread_mutex_t lock; /* the collector: the main loop's, or a scrape's */
	struct collector *coll;
	char host[129];
	char *token; /* --metrics-token-file's token; NULL: no auth */
	struct metrics_data data;
	struct mbuf text;
};

static void send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* gone, or too slow (SO_SNDTIMEO): nothing more to do */
		p += w;
		n -= w;
	}
}

static void reply(int fd, int status, const char *reason, const char *type, const char *extra,
		  const char *body, size_t len, bool head)
{
	char hdr[512];
	int n = snprintf(hdr, sizeof(hdr),
			 "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
			 "Connection: close\r\n\r\n",
			 status, reason, type, len, extra);

	send_all(fd, hdr, n);
	if (!head)
		send_all(fd, body, len);
}

static void reply_text(int fd, int status, const char *reason, const char *extra, const char *body)
{
	reply(fd, status, reason, "text/plain; charset=utf-8", extra, body, strlen(body), false);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Reads the request's line and headers into @buf; its length, 0 if too large, -1 if cut short. */
static int read_request(int fd, char *buf)
{
	double deadline = now_ms() + REQUEST_TIMEOUT_MS;
	int len = 0;

	while (!strstr(buf, "\r\n\r\n") && !strstr(buf, "\n\n")) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int left = (int)(deadline - now_ms());
		ssize_t r;

		if (len == MAX_REQUEST - 1)
			return 0;
		if (left <= 0 || poll(&p, 1, left) <= 0)
			return -1;
		r = recv(fd, buf + len, MAX_REQUEST - 1 - len, 0);
		if (r <= 0)
			return -1;
		len += r;
		buf[len] = '\0';
	}
	return len;
}

/*
 * The value of header @name in the request @buf (its line and headers), up to the end of its line
 * and at most @n - 1 bytes, in @out; "" when it is not there. Names match whatever their case.
 */
static const char *header(const char *buf, const char *name, char *out, size_t n)
{
	size_t len = strlen(name);
	const char *line = strchr(buf, '\n');

	out[0] = '\0';
	for (; line; line = strchr(line, '\n')) {
		line++;
		if (!strncasecmp(line, name, len) && line[len] == ':') {
			line += len + 1 + strspn(line + len + 1, " \t");
			snprintf(out, n, "%.*s", (int)strcspn(line, "\r\n"), line);
			break;
		}
	}
	return out;
}

/* Whether the request presents @token as its bearer token, compared in constant time. */
static bool bearer_matches(const char *buf, const char *token)
{
	char auth[1024];
	const char *presented = header(buf, "Authorization", auth, sizeof(auth));
	size_t len = strlen(token);
	unsigned char diff = 0;

	if (strncmp(presented, "Bearer ", 7) || strlen(presented + 7) != len)
		return false;
	for (size_t i = 0; i < len; i++)
		diff |= presented[7 + i] ^ token[i];
	return !diff;
}

/* GET /metrics: read under the lock, formatted after it. */
static void serve_metrics(struct metrics_http *m, int fd, bool head, bool openmetrics)
{
	char msg[128];
	int err;

	pthread_mutex_lock(&m->lock);
	err = metrics_read(m->coll, &m->data);
	pthread_mutex_unlock(&m->lock);
	if (err) {
		snprintf(msg, sizeof(msg), "cannot read the counts: %s\n", strerror(-err));
		reply_text(fd, 500, "Internal Server Error", "", msg);
		return;
	}
	m->text.len = 0;
	metrics_render(&m->data, &m->text, openmetrics);
	if (m->text.oom) {
		mbuf_free(&m->text);
		reply_text(fd, 500, "Internal Server Error", "", "out of memory\n");
		return;
	}
	reply(fd, 200, "OK", openmetrics ? OPENMETRICS : TEXT_FORMAT, "", m->text.p, m->text.len,
	      head);
}

static void handle(struct metrics_http *m, int fd)
{
	static char buf[MAX_REQUEST];
	char method[16], target[256], version[16], accept[1024];
	struct timeval tv = { .tv_sec = REQUEST_TIMEOUT_MS / 1000 };
	int len;

	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	buf[0] = '\0';
	len = read_request(fd, buf);
	if (len < 0)
		return;
	if (!len)
		return reply_text(fd, 431, "Request Header Fields Too Large", "",
				  "request too large\n");
	if (sscanf(buf, "%15s %255s %15s", method, target, version) != 3 ||
	    strncmp(version, "HTTP/1.", 7))
		return reply_text(fd, 400, "Bad Request", "", "bad request\n");
	target[strcspn(target, "?")] = '\0';
	if (strcmp(target, "/metrics"))
		return reply_text(fd, 404, "Not Found", "", "not found: metrics are at /metrics\n");
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply_text(fd, 405, "Method Not Allowed", "Allow: GET, HEAD\r\n",
				  "method not allowed: GET /metrics\n");
	if (m->token && !bearer_matches(buf, m->token))
		return reply_text(fd, 401, "Unauthorized", "WWW-Authenticate: Bearer\r\n",
				  "unauthorized: present the metrics bearer token\n");
	header(buf, "Accept", accept, sizeof(accept));
	serve_metrics(m, fd, !strcmp(method, "HEAD"),
		      strstr(accept, "application/openmetrics-text") != NULL);
}

/*
 * A lingering close: what the client still sends (a request body) is read and dropped for a
 * moment, so that closing does not answer it with a reset that could cut the reply short.
 */
static void close_lingering(int fd)
{
	char scratch[4096];
	struct pollfd p = { .fd = fd, .events = POLLIN };

	shutdown(fd, SHUT_WR);
	for (int i = 0; i < 16 && poll(&p, 1, 100) > 0; i++)
		if (recv(fd, scratch, sizeof(scratch), 0) <= 0)
			break;
	close(fd);
}

static void *serve(void *arg)
{
	struct metrics_http *m = arg;
	struct pollfd fds[2] = { { .fd = m->listen_fd, .events = POLLIN },
				 { .fd = m->wake[0], .events = POLLIN } };

	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[1].revents)
			break;
		if (fds[0].revents & POLLIN) {
			int fd = accept4(m->listen_fd, NULL, NULL, SOCK_CLOEXEC);

			if (fd < 0)
				continue;
			handle(m, fd);
			close_lingering(fd);
		}
	}
	return NULL;
}

struct metrics_http *metrics_http_start(const char *addr, const char *host_id,
					const char *token_file, struct collector *c)
{
	static struct host_facts facts;
	struct metrics_http *m = calloc(1, sizeof(*m));

	if (!m) {
		warn("cannot serve metrics: %s\n", strerror(ENOMEM));
		return NULL;
	}
	m->coll = c;
	m->wake[0] = m->wake[1] = -1;
	m->listen_fd = -1;
	pthread_mutex_init(&m->lock, NULL);
	pthread_mutex_lock(&m->lock);
	/* The token is read once: a scrape never waits on the file system. */
	if (token_file && !(m->token = credentials_read_token(token_file))) {
		metrics_http_stop(m);
		return NULL;
	}
	if (!host_id) {
		host_facts_read(&facts);
		host_id = facts.host_id;
	}
	snprintf(m->host, sizeof(m->host), "%s", host_id);
	m->data.host = m->host;
	m->listen_fd = metrics_listen(addr);
	if (m->listen_fd < 0 || pipe2(m->wake, O_CLOEXEC) ||
	    (errno = pthread_create(&m->thread, NULL, serve, m))) {
		if (m->listen_fd >= 0)
			warn("cannot serve metrics: %s\n", strerror(errno));
		metrics_http_stop(m);
		return NULL;
	}
	m->started = true;
	metrics_announce(m->listen_fd);
	return m;
}

void metrics_http_release(struct metrics_http *m)
{
	if (m)
		pthread_mutex_unlock(&m->lock);
}

void metrics_http_hold(struct metrics_http *m)
{
	if (m)
		pthread_mutex_lock(&m->lock);
}

void metrics_http_stop(struct metrics_http *m)
{
	if (!m)
		return;
	/* A scrape waiting for the maps gets them, answers, and then sees the wake-up. */
	pthread_mutex_unlock(&m->lock);
	if (m->started && write(m->wake[1], "x", 1) == 1)
		pthread_join(m->thread, NULL);
	if (m->listen_fd >= 0)
		close(m->listen_fd);
	if (m->wake[0] >= 0) {
		close(m->wake[0]);
		close(m->wake[1]);
	}
	metrics_data_reset(&m->data);
	free(m->data.lat);
	mbuf_free(&m->text);
	free(m->token);
	pthread_mutex_destroy(&m->lock);
	free(m);
}
