/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libshared_map internals: the handle and the netlink transport. */
#ifndef SMAP_LIB_INTERNAL_H
#define SMAP_LIB_INTERNAL_H

#include <stdbool.h>
#include "shared_map.h"

#define SMAP_EXPORT __attribute__((visibility("default")))

/*
 * A size-versioned struct from the caller (its first member its size):
 * copy min(size, ours) bytes into @ours, zeroed first. E2BIG if the
 * caller's is longer and its tail (what this library does not know) is not
 * zero, EINVAL if it is shorter than the first version.
 */
int smap_copy_struct_in(void *ours, size_t ours_size, size_t v0_size,
			const void *theirs, size_t their_size);

struct nl_sock;
struct nl_msg;

struct smap {
	int transport;
	int fd;			/* ioctl */
	struct nl_sock *sk;	/* netlink */
	int family;
	int nl_maxattr;		/* the family's highest attribute (0: unknown) */
	bool nl_parts;		/* the family takes SMAP_A_VALUE_PART */
	bool nl_stage;		/* ... and SMAP_CMD_STAGE (SMAP_A_STAGED) */
	size_t nl_msg_max;	/* largest request the send buffer takes */
	bool have_lim;
	struct smap_limits lim;
};

/* A netlink request: which attributes to put. */
struct smap_nl_req {
	const void *key;
	size_t klen;
	const void *val;	/* SMAP_A_VALUE when has_val */
	size_t vlen;
	const void *old;	/* SMAP_A_OLD_VALUE when has_old */
	size_t olen;
	const void *prefix;	/* SMAP_A_PREFIX when has_prefix */
	size_t plen;
	unsigned int mode;	/* SMAP_A_MODE when has_mode */
	int64_t delta;		/* SMAP_A_DELTA when has_delta */
	unsigned int flags;	/* SMAP_A_FLAGS when nonzero */
	uint32_t uid, gid;	/* SMAP_A_UID, SMAP_A_GID when has_owner */
	bool has_val, has_old, has_prefix, has_mode, has_delta, has_owner;
	bool parts;		/* values past SMAP_NL_VALUE_MAX in parts */
	/* SMAP_CMD_STAGE: val/vlen is a piece, in stage_part attributes */
	int stage_part;		/* SMAP_A_VALUE_PART, SMAP_A_OLD_VALUE_PART */
	uint32_t stage_off, stage_total;
	uint32_t staged;	/* set, cas: SMAP_A_STAGED when nonzero */
	bool want_skipped;	/* list: SMAP_A_SKIPPED at the end */
};

/* What a reply carried. */
struct smap_nl_reply {
	void *val;		/* malloc()ed copy of SMAP_A_VALUE (+NUL) */
	size_t vlen;
	bool has_val, has_result, has_stats;
	uint32_t status, mode, uid, gid;
	int64_t result;
	struct smap_stats stats;
	/* list dump: keys appended in SMAP_IOC_LIST record format */
	bool listing;
	char *lbuf;
	size_t lused, lcap;
	uint64_t skipped;	/* SMAP_A_SKIPPED of the dump's last message */
};

/* netlink message building/parsing: pure, unit-tested */
struct nl_msg *smap_nl_build(int family, int cmd, int nlflags,
			     const struct smap_nl_req *req);
int smap_nl_parse(struct nl_msg *msg, struct smap_nl_reply *rep);
void smap_nl_reply_free(struct smap_nl_reply *rep);

/* netlink transport */
int smap_nl_open(struct smap *h);
/* The largest value one request carries (SMAP_NL_VALUE_MAX without parts). */
size_t smap_nl_value_max(const struct smap *h);
void smap_nl_close(struct smap *h);
int smap_nl_call(struct smap *h, int cmd, const struct smap_nl_req *req,
		 struct smap_nl_reply *rep);
struct smap_batch_builder;
/* Every entry's outcome in its header; -1 with errno if the socket failed. */
int smap_nl_batch(struct smap *h, struct smap_batch_builder *b);

/* batch builder internals used by exec */
struct smap_batch_builder {
	char *buf;
	size_t len, cap;
	size_t count;
	size_t *offs;		/* offset of each entry */
	size_t offcap;
};

/* Entry i's header (its results are written back there). */
static inline struct smap_batch_op *smap_batch_entry(struct smap_batch_builder *b,
						     size_t i)
{
	return (struct smap_batch_op *)(void *)(b->buf + b->offs[i]);
}

#endif
