// SPDX-License-Identifier: GPL-2.0
/*
 * Several control-plane replicas behind one stream: the stream talks to one at a time and,
 * when its call ends (UNAVAILABLE, a broken stream, no ack), moves to the next and resends
 * every unacked snapshot there; the replicas share one database, whose welcome says where
 * to resume, so nothing is stored twice.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stream_servers.h"

static bool port_valid(const char *p, const char *end)
{
	if (end - p < 1 || end - p > 5)
		return false;
	for (; p < end; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

/*
 * One entry of a list: HOST, HOST:PORT, [V6] or [V6]:PORT (and, as before, an unbracketed
 * address whose last colon starts the port). @has_port: whether it names its port.
 */
static bool entry_valid(const char *s, size_t len, bool *has_port)
{
	const char *end = s + len, *colon;

	if (!len || memchr(s, ' ', len))
		return false;
	if (s[0] == '[') {
		const char *close = memchr(s, ']', len);

		if (!close || close == s + 1)
			return false;
		*has_port = close + 1 < end;
		return !*has_port || (close[1] == ':' && port_valid(close + 2, end));
	}
	colon = memrchr(s, ':', len);
	*has_port = colon != NULL;
	return !colon || (colon != s && port_valid(colon + 1, end));
}

/* Calls @fn on each entry of @list; false when it is malformed or has more than MAX_SERVERS. */
static bool servers_each(const char *list, void (*fn)(const char *, size_t, bool, void *),
			 void *ctx)
{
	size_t n = 0;
	bool has_port;

	for (const char *s = list;; n++) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);

		if (n == MAX_SERVERS || !entry_valid(s, len, &has_port))
			return false;
		if (fn)
			fn(s, len, has_port, ctx);
		if (!comma)
			return true;
		s = comma + 1;
	}
}

bool servers_list_valid(const char *list)
{
	return servers_each(list, NULL, NULL);
}

struct port_buf {
	char *buf;
	size_t len, off;
};

static void append_entry(const char *s, size_t len, bool has_port, void *ctx)
{
	struct port_buf *b = ctx;
	int n = snprintf(b->buf + b->off, b->off < b->len ? b->len - b->off : 0, "%s%.*s%s",
			 b->off ? "," : "", (int)len, s, has_port ? "" : ":" DEFAULT_SERVER_PORT);

	b->off += n > 0 ? (size_t)n : 0;
}

int servers_with_ports(const char *list, char *buf, size_t len)
{
	struct port_buf b = { .buf = buf, .len = len };

	if (!servers_each(list, append_entry, &b))
		return -EINVAL;
	return b.off < len ? 0 : -ENAMETOOLONG;
}

int servers_open(struct servers *sv, const char *list, grpc_channel_credentials *creds,
		 const grpc_channel_args *args)
{
	char *save = NULL, *tok;

	memset(sv, 0, sizeof(*sv));
	if (!servers_list_valid(list))
		return -EINVAL;
	sv->buf = strdup(list);
	if (!sv->buf)
		return -ENOMEM;
	for (tok = strtok_r(sv->buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		sv->names[sv->n] = tok;
		sv->channels[sv->n++] = grpc_channel_create(tok, creds, args);
	}
	return 0;
}

void servers_close(struct servers *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		grpc_channel_destroy(sv->channels[i]);
	free(sv->buf);
	memset(sv, 0, sizeof(*sv));
}

bool servers_next(struct servers *sv)
{
	sv->cur = (sv->cur + 1) % sv->n;
	return sv->cur == 0;
}
