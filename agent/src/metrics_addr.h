/* SPDX-License-Identifier: GPL-2.0 */
/* --metrics-addr: where the exporter listens (metrics_addr_check() is in metrics_http.h). */
#ifndef __METRICS_ADDR_H
#define __METRICS_ADDR_H

/* A listening socket on @addr; -1 after one line on stderr if there is none. */
int metrics_listen(const char *addr);
/* "metrics at http://127.0.0.1:9435/metrics" on stderr: the address of @fd, its port for :0 too. */
void metrics_announce(int fd);

#endif /* __METRICS_ADDR_H */
