/* SPDX-License-Identifier: GPL-2.0 */
/* What the agent presents to the control plane: its bearer token and TLS files, read at start. */
#ifndef __CREDENTIALS_H
#define __CREDENTIALS_H

/* The longest token that fits the agent's "Bearer <token>" header. */
#define MAX_TOKEN_LEN 500

/* Reads a PEM file (or any small text file) whole, trailing blanks cut; NULL (and a message). */
char *credentials_read_file(const char *path, const char *what);
/* Reads and checks the token file: 1..MAX_TOKEN_LEN printable characters; NULL (and a message). */
char *credentials_read_token(const char *path);

#endif /* __CREDENTIALS_H */
