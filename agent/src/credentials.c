// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's credentials, read once at start: a token the agent could not send whole, or an
 * empty one, is refused here with one line, not found out as UNAUTHENTICATED on every retry.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "credentials.h"
#include "warn.h"

char *credentials_read_file(const char *path, const char *what)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	long size;

	if (!f) {
		warn("cannot read %s '%s': %s\n", what, path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && size < (1 << 20) &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = calloc(1, size + 1)))
		len = fread(buf, 1, size, f);
	fclose(f);
	if (!buf) {
		warn("%s '%s' is unreadable or too large\n", what, path);
		return NULL;
	}
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	return buf;
}

char *credentials_read_token(const char *path)
{
	char *token = credentials_read_file(path, "token file");
	size_t len;

	if (!token)
		return NULL;
	len = strlen(token);
	if (!len) {
		warn("token file '%s' is empty\n", path);
		goto bad;
	}
	if (len > MAX_TOKEN_LEN) {
		warn("token in '%s' is %zu characters long; at most %d can be sent\n", path, len,
		     MAX_TOKEN_LEN);
		goto bad;
	}
	for (size_t i = 0; i < len; i++) {
		if (token[i] <= ' ' || token[i] > '~') {
			warn("token in '%s' holds a space or a non-printable byte at offset %zu\n",
			     path, i);
			goto bad;
		}
	}
	return token;
bad:
	free(token);
	return NULL;
}
