/* SPDX-License-Identifier: GPL-2.0 */
/* The control-plane replicas a stream may use (--server a:50051,b:50051), one channel each. */
#ifndef __STREAM_SERVERS_H
#define __STREAM_SERVERS_H

#include <stdbool.h>
#include <stddef.h>
#include <grpc/grpc.h>

#define MAX_SERVERS 16
/* The control plane's documented port (its SC_LISTEN default): --server HOST means HOST:50051. */
#define DEFAULT_SERVER_PORT "50051"
/* Room for a whole list: MAX_SERVERS host names of up to 253 characters, with their ports. */
#define SERVERS_LIST_MAX (MAX_SERVERS * 264)

struct servers {
	char *buf; /* the list, split in place */
	const char *names[MAX_SERVERS];
	grpc_channel *channels[MAX_SERVERS];
	size_t n, cur;
};

/* Whether @list is HOST[:PORT][,HOST[:PORT]...] (at most MAX_SERVERS, none empty; [V6] literals). */
bool servers_list_valid(const char *list);
/*
 * @list into @buf with every entry's port, DEFAULT_SERVER_PORT where it names none;
 * 0, -EINVAL for a malformed list, -ENAMETOOLONG when @len is too short.
 */
int servers_with_ports(const char *list, char *buf, size_t len);
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
