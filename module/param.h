/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shared_map: every module parameter, defined and validated in param.c and
 * documented in shared_map(4). The limits are read by the store and the
 * transports (READ_ONCE: some are writable); the journal's tunables and
 * its configuration reach it through smap_journal_config (main.c).
 */
#ifndef SMAP_PARAM_H
#define SMAP_PARAM_H

#include <linux/types.h>

struct smap_journal_config;

/* Limits. */
extern unsigned int smap_key_max;
extern unsigned int smap_value_max;
extern unsigned long long smap_max_bytes;
extern unsigned long long smap_user_max_bytes;
extern unsigned int smap_watch_queue_max;
extern unsigned int smap_watch_user_max;
extern unsigned long long smap_nl_stage_user_max;

#ifdef SMAP_TESTING
/* testing: fail replay's Nth id request (0: never) */
extern unsigned int smap_fail_load_id;
#endif

#if defined(SMAP_TESTING) && defined(CONFIG_FAULT_INJECTION)
void smap_init_fail_nth_arm(void);
void smap_init_fail_nth_disarm(bool ok);
#else
static inline void smap_init_fail_nth_arm(void)
{
}

static inline void smap_init_fail_nth_disarm(bool ok)
{
}
#endif

/*
 * At load: check what cannot be checked as each parameter is set (0, or
 * -EINVAL and a dmesg line), and fill @cfg from the parameters.
 */
int smap_param_check(void);
void smap_param_journal_config(struct smap_journal_config *cfg);

#endif /* SMAP_PARAM_H */
