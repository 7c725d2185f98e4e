/* SPDX-License-Identifier: GPL-2.0 */
/* The control-plane replicas a stream may use (--server a:50051,b:50051), one channel each. */
#ifndef __STREAM_SERVERS_H
#define __STREAM_SERVERS_H

#include <stdbool.h>
#include <stddef.h>
#include <grpc/grpc.h>

#define MAX_SERVERS 16

struct servers {
	char *buf; /* the list, split in place */
	const char *names[MAX_SERVERS];
	grpc_channel *channels[MAX_SERVERS];
	size_t n, cur;
};

/* Whether @list is HOST:PORT[,HOST:PORT...] (at most MAX_SERVERS, none empty). */
bool servers_list_valid(const char *list);
/* One channel per server of @list; 0 or -errno. */
int servers_open(struct servers *sv, const char *list, grpc_channel_credentials *creds,
		 const grpc_channel_args *args);
void servers_close(struct servers *sv);
/* Moves to the next server; true when that wrapped around to the first (all were tried). */
bool servers_next(struct servers *sv);

static inline grpc_channel *servers_channel(const struct servers *sv)
{
	return sv->channels[sv->cur];
}

static inline const char *servers_name(const struct servers *sv)
{
	return sv->names[sv->cur];
}

#endif /* __STREAM_SERVERS_H */
