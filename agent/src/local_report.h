/* SPDX-License-Identifier: GPL-2.0 */
/* What the agent prints on stdout (reports) and stderr (health) when it does not stream. */
#ifndef __LOCAL_REPORT_H
#define __LOCAL_REPORT_H

#include "agent.h"

/* The report of the interval that just ended (-i); non-zero on a read error. */
int report_interval(struct agent *a, double now);
/* The report of the run, from the counts read at its end (a->snap); non-zero on a read error. */
int report_final(struct agent *a);
/* Warnings about counts that could not be kept exactly; nothing in a healthy run. */
void report_health(struct collector *coll);
/* --verbose, -P/-C: how full the key cache is (it fades as dead keys' entries stay held). */
void report_key_cache(struct collector *coll);

#endif /* __LOCAL_REPORT_H */
