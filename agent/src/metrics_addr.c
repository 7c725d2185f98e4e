// SPDX-License-Identifier: GPL-2.0
/* --metrics-addr: HOST:PORT or [IPV6]:PORT checked, resolved, listened on and announced. */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "metrics_addr.h"
#include "metrics_http.h"
#include "warn.h"

/* Splits "HOST:PORT" or "[IPV6]:PORT" into @host and @port; false if it is neither. */
static bool split_addr(const char *addr, char *host, size_t hlen, char *port, size_t plen)
{
	const char *colon = strrchr(addr, ':');
	size_t n;

	if (!colon || strlen(colon + 1) < 1 || strlen(colon + 1) > 5 ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) || atoi(colon + 1) > 65535)
		return false;
	n = colon - addr;
	if (n >= 2 && addr[0] == '[' && addr[n - 1] == ']') {
		addr++;
		n -= 2;
	} else if (memchr(addr, ':', n) || memchr(addr, '[', n)) {
		return false; /* an IPv6 address goes in brackets */
	}
	if (!n || n >= hlen)
		return false;
	memcpy(host, addr, n);
	host[n] = '\0';
	snprintf(port, plen, "%s", colon + 1);
	return true;
}

static int resolve(const char *addr, struct addrinfo **res)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
				  .ai_socktype = SOCK_STREAM };
	char host[256], port[8];

	if (!split_addr(addr, host, sizeof(host), port, sizeof(port)))
		return EAI_NONAME;
	return getaddrinfo(host, port, &hints, res);
}

const char *metrics_addr_check(const char *addr)
{
	struct addrinfo *res;
	int err = resolve(addr, &res);

	if (err)
		return "expected HOST:PORT or [IPV6]:PORT";
	freeaddrinfo(res);
	return NULL;
}

int metrics_listen(const char *addr)
{
	struct addrinfo *res;
	int fd, one = 1, err;

	err = resolve(addr, &res);
	if (err) {
		warn("cannot serve metrics on %s: %s\n", addr, gai_strerror(err));
		return -1;
	}
	fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) || listen(fd, 16)) {
		warn("cannot serve metrics on %s: %s\n", addr, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* "metrics at http://127.0.0.1:9435/metrics": where it listens, the port the kernel gave for :0. */
void metrics_announce(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char ip[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return;
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
		port = ntohs(s6->sin6_port);
		warn("metrics at http://[%s]:%d/metrics\n", ip, port);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		port = ntohs(s4->sin_port);
		warn("metrics at http://%s:%d/metrics\n", ip, port);
	}
}
