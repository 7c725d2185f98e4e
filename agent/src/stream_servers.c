// SPDX-License-Identifier: GPL-2.0
/*
 * Several control-plane replicas behind one stream: the stream talks to one at a time and,
 * when its call ends (UNAVAILABLE, a broken stream, no ack), moves to the next and resends
 * every unacked snapshot there; the replicas share one database, whose welcome says where
 * to resume, so nothing is stored twice.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "stream_servers.h"

static bool entry_valid(const char *s, size_t len)
{
	const char *colon = memrchr(s, ':', len);
	size_t port_len;

	if (!colon || colon == s)
		return false;
	port_len = len - (size_t)(colon + 1 - s);
	if (port_len < 1 || port_len > 5)
		return false;
	for (const char *p = colon + 1; p < s + len; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

bool servers_list_valid(const char *list)
{
	size_t n = 0;

	for (const char *s = list;; n++) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);

		if (n == MAX_SERVERS || !entry_valid(s, len))
			return false;
		if (!comma)
			return true;
		s = comma + 1;
	}
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
