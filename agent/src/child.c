// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "child.h"

/*
 * Resolves the command in the parent: execvp in the child would try each
 * PATH entry, and every failed execve would be counted against the command.
 */
static int resolve(const char *cmd, char *path, size_t len)
{
	const char *env = getenv("PATH");
	struct stat st;
	char *dirs, *dir, *save = NULL;
	int found = -ENOENT;

	if (strchr(cmd, '/')) {
		if (snprintf(path, len, "%s", cmd) >= (int)len)
			return -ENAMETOOLONG;
		return access(path, X_OK) ? -errno : 0;
	}
	dirs = strdup(env && *env ? env : "/usr/local/bin:/usr/bin:/bin");
	if (!dirs)
		return -ENOMEM;
	for (dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		if (snprintf(path, len, "%s/%s", *dir ? dir : ".", cmd) >= (int)len)
			continue;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(path, X_OK) == 0) {
				found = 0;
				break;
			}
			found = -EACCES;
		}
	}
	free(dirs);
	return found;
}

int child_start(struct child *ch, char *const argv[], const sigset_t *mask)
{
	char path[PATH_MAX];
	int gate[2], status[2];
	int err;
	char c;

	ch->pid = -1;
	ch->gate_fd = ch->status_fd = -1;
	err = resolve(argv[0], path, sizeof(path));
	if (err)
		return err;
	if (pipe2(gate, O_CLOEXEC))
		return -errno;
	if (pipe2(status, O_CLOEXEC)) {
		err = -errno;
		close(gate[0]);
		close(gate[1]);
		return err;
	}
	ch->pid = fork();
	if (ch->pid < 0) {
		err = -errno;
		close(gate[0]);
		close(gate[1]);
		close(status[0]);
		close(status[1]);
		return err;
	}
	if (ch->pid == 0) {
		sigprocmask(SIG_SETMASK, mask, NULL);
		if (ch->stdout_to_stderr && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(127);
		/* Everything from here on, execve included, is counted. */
		if (read(gate[0], &c, 1) != 1)
			_exit(127);
		execv(path, argv);
		err = errno;
		if (write(status[1], &err, sizeof(err)) != sizeof(err))
			_exit(127);
		_exit(127);
	}
	close(gate[0]);
	close(status[1]);
	ch->gate_fd = gate[1];
	ch->status_fd = status[0];
	return 0;
}

int child_release(struct child *ch)
{
	int err = 0;
	ssize_t n;

	if (write(ch->gate_fd, "g", 1) != 1)
		err = -errno;
	close(ch->gate_fd);
	ch->gate_fd = -1;
	if (err)
		return err;
	do {
		n = read(ch->status_fd, &err, sizeof(err));
	} while (n < 0 && errno == EINTR);
	close(ch->status_fd);
	ch->status_fd = -1;
	if (n == sizeof(err)) {
		waitpid(ch->pid, NULL, 0);
		ch->pid = -1;
		return -err;
	}
	return 0;
}

void child_kill(struct child *ch)
{
	if (ch->gate_fd >= 0)
		close(ch->gate_fd);
	if (ch->status_fd >= 0)
		close(ch->status_fd);
	if (ch->pid > 0) {
		kill(ch->pid, SIGKILL);
		waitpid(ch->pid, NULL, 0);
	}
	ch->pid = ch->gate_fd = ch->status_fd = -1;
}
