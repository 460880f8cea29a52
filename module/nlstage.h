/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shared_map: staged netlink values (module/nlstage.c), for the generic
 * netlink family: a value too long for one request sent in several.
 */
#ifndef SMAP_NLSTAGE_H
#define SMAP_NLSTAGE_H

#include <linux/types.h>
#include <linux/uidgid.h>

struct genl_info;
struct net;
struct nlattr;
struct sock;
struct smap_nl_stages;

/* Which value of a set or cas: the index of its bit in SMAP_A_STAGED. */
enum smap_nl_stage_which {
	SMAP_NL_STAGE_VALUE,		/* SMAP_STAGED_VALUE */
	SMAP_NL_STAGE_OLD,		/* SMAP_STAGED_OLD */
	SMAP_NL_STAGE_N
};

/* Who a request comes from: the staging it may touch. */
struct smap_nl_stage_id {
	const struct sock *sk;		/* compared, never dereferenced */
	const struct net *net;
	u32 portid;
	kuid_t owner;			/* the socket's opener: charged */
	kuid_t caller;			/* current's euid */
};

/* A staged value handed over by smap_nl_stage_take(): kvfree(buf). */
struct smap_nl_staged {
	void *buf;
	u32 len;
};

/*
 * A value's parts in a request, its @type attributes in order: their bytes
 * in all (how many in @n, the last in @last), and their concatenation.
 */
size_t smap_nl_parts(struct genl_info *info, int type, int *n,
		     struct nlattr **last);
void smap_nl_parts_copy(struct genl_info *info, int type, u8 *p);

struct smap_nl_stages *smap_nl_stages_create(void);
void smap_nl_stages_destroy(struct smap_nl_stages *st);

int smap_nl_stage_append(struct smap_nl_stages *st,
			 const struct smap_nl_stage_id *id,
			 struct genl_info *info);
int smap_nl_stage_take(struct smap_nl_stages *st,
		       const struct smap_nl_stage_id *id, u32 mask,
		       struct smap_nl_staged out[SMAP_NL_STAGE_N],
		       struct genl_info *info);
int smap_nl_stage_abort(struct smap_nl_stages *st,
			const struct smap_nl_stage_id *id);

#endif /* SMAP_NLSTAGE_H */
