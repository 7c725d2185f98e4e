// SPDX-License-Identifier: GPL-2.0
/*
 * A user who runs the agent without root should read what to do, not libbpf's "Couldn't
 * load trivial BPF program" lines: the capabilities are read with capget(2) (no libcap) and
 * checked before anything is loaded.
 */
#include <stdint.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include "privileges.h"
#include "warn.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static bool has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (UINT32_C(1) << (cap % 32));
}

bool privileges_enough(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};

	/* Cannot tell: let the load itself decide (and explain_load_error speak). */
	if (syscall(SYS_capget, &hdr, data))
		return true;
	if (has_cap(data, CAP_SYS_ADMIN) || (has_cap(data, CAP_BPF) && has_cap(data, CAP_PERFMON)))
		return true;
	warn("needs root or CAP_BPF+CAP_PERFMON to count syscalls in the kernel: run as root, "
	     "or grant CAP_BPF and CAP_PERFMON (setcap cap_bpf,cap_perfmon+ep %s)\n",
	     PROG_NAME);
	return false;
}
