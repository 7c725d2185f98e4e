// SPDX-License-Identifier: GPL-2.0
/* Unit test of the cgroup path patterns that name containers and systemd units. */
#include <stdio.h>
#include <string.h>
#include "cgroups.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

int main(void)
{
	static const struct {
		const char *path, *want;
	} cases[] = {
		{ "/system.slice/docker-" ID ".scope", "docker:0123456789ab" },
		{ "/docker/" ID, "docker:0123456789ab" },
		{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234.slice/cri-containerd-" ID
		  ".scope",
		  "containerd:0123456789ab" },
		{ "/kubepods.slice/kubepods-pod1.slice/crio-" ID ".scope", "cri-o:0123456789ab" },
		{ "/machine.slice/libpod-" ID ".scope", "podman:0123456789ab" },
		{ "/system.slice/nginx.service", "nginx.service" },
		{ "/user.slice/user-1000.slice/session-3.scope", "session-3.scope" },
		{ "/user.slice", "user.slice" },
		{ "/system.slice/docker-0123.scope",
		  "docker-0123.scope" }, /* not a 64-digit id: just a unit */
		{ "/", "" },
		{ "/my-group", "" },
	};
	int failed = 0;
	char buf[128];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cgroup_label(cases[i].path, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want)) {
			printf("not ok - %s: got '%s', want '%s'\n", cases[i].path, buf,
			       cases[i].want);
			failed++;
		} else {
			printf("ok - %s -> '%s'\n", cases[i].path, buf);
		}
	}
	return failed ? 1 : 0;
}
