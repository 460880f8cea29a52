// SPDX-License-Identifier: GPL-2.0
/*
 * shared_map: staged netlink values. A netlink request must fit its
 * sender's socket buffer, which a user without CAP_NET_ADMIN cannot raise
 * past net.core.wmem_max (about 416 KiB): a longer value (and a cas's old
 * value) travels in SMAP_CMD_STAGE pieces, held here, then a set or cas
 * naming SMAP_A_STAGED takes it and goes through the store as any other
 * (include/uapi/linux/shared_map.h has the protocol).
 *
 * A staging belongs to one socket: it is found by the sending socket
 * (compared as a pointer with its netns and port id, never dereferenced),
 * so no other socket can name it, and a process with another euid than
 * the one that started it is refused. The whole value's buffer is
 * allocated (charged to the sender's memory cgroup) and counted against
 * nl_stage_user_max of the socket's opener (root: no limit) when its
 * first piece comes; pieces are copied in at explicit offsets. It is
 * freed when a set or cas takes it, on SMAP_CMD_STAGE_ABORT, when the
 * socket is released (NETLINK_URELEASE: the release runs the notifier
 * while the socket still exists, so no socket staging meanwhile can have
 * its address) and at rmmod. The store never sees a
 * staging: nothing of it is visible or durable until the final request.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "nlstage.h"
#include "param.h"
#include "store.h"

/* What a staged value costs against nl_stage_user_max besides its bytes. */
#define SMAP_NL_STAGE_OVERHEAD	256

struct smap_nl_stage {
	struct hlist_node node;		/* in smap_nl_stages.hash, by portid */
	const struct sock *sk;
	const struct net *net;
	u32 portid;
	kuid_t owner;			/* charged (the socket's opener) */
	kuid_t caller;			/* who started it */
	struct {
		u8 *buf;		/* NULL: not staged */
		u32 len;		/* bytes in so far */
		u32 total;
	} v[SMAP_NL_STAGE_N];
};

struct smap_nl_stages {
	struct mutex lock;		/* hash and charged */
	DECLARE_HASHTABLE(hash, 6);
	struct xarray charged;		/* by owner's uid: its stagings' cost */
	struct notifier_block nb;	/* NETLINK_URELEASE */
};

static u64 smap_nl_stage_cost(u32 total)
{
	return (u64)total + SMAP_NL_STAGE_OVERHEAD;
}

static void smap_nl_stage_free(struct smap_nl_stage *s)
{
	int i;

	for (i = 0; i < SMAP_NL_STAGE_N; i++)
		kvfree(s->v[i].buf);
	kfree(s);
}

/* Under st->lock: what @uid's stagings cost. */
static u64 smap_nl_stage_charged(struct smap_nl_stages *st, kuid_t uid)
{
	void *v = xa_load(&st->charged, __kuid_val(uid));

	return v ? xa_to_value(v) : 0;
}

/* Under st->lock: @uid's stagings cost @cost more. 0 or -ENOMEM. */
static int smap_nl_stage_charge(struct smap_nl_stages *st, kuid_t uid,
				u64 cost)
{
	u64 n = smap_nl_stage_charged(st, uid) + cost;

	return xa_err(xa_store(&st->charged, __kuid_val(uid), xa_mk_value(n),
			       SMAP_GFP_USER));
}

/*
 * Under st->lock: @s leaves the table, and its owner's charge goes down.
 * Replacing an entry that exists allocates nothing: this cannot fail.
 */
static void smap_nl_stage_unlink(struct smap_nl_stages *st,
				 struct smap_nl_stage *s)
{
	u64 n = smap_nl_stage_charged(st, s->owner);
	int i;

	hash_del(&s->node);
	for (i = 0; i < SMAP_NL_STAGE_N; i++)
		if (s->v[i].buf)
			n -= smap_nl_stage_cost(s->v[i].total);
	if (n)
		xa_store(&st->charged, __kuid_val(s->owner), xa_mk_value(n),
			 GFP_NOWAIT);
	else
		xa_erase(&st->charged, __kuid_val(s->owner));
}

/* Under st->lock: the staging of the socket @id names, NULL if none. */
static struct smap_nl_stage *smap_nl_stage_find(struct smap_nl_stages *st,
						const struct smap_nl_stage_id *id)
{
	struct smap_nl_stage *s;

	hash_for_each_possible(st->hash, s, node, id->portid)
		if (s->sk == id->sk && s->net == id->net &&
		    s->portid == id->portid)
			return s;
	return NULL;
}

/*
 * Under st->lock: the staging of the socket @id names if its caller may
 * touch it, NULL if there is none, ERR_PTR(-EPERM) if another user
 * started it (then it stays as it is).
 */
static struct smap_nl_stage *
smap_nl_stage_find_mine(struct smap_nl_stages *st,
			const struct smap_nl_stage_id *id,
			struct netlink_ext_ack *extack)
{
	struct smap_nl_stage *s = smap_nl_stage_find(st, id);

	if (s && !uid_eq(s->caller, id->caller)) {
		NL_SET_ERR_MSG(extack,
			       "the staging is another user's (who started it)");
		return ERR_PTR(-EPERM);
	}
	return s;
}

/*
 * A value's parts in a request: its @type attributes in order. Returns
 * their bytes in all, with how many there are in @n and the last in @last.
 * Shared with netlink.c, which gathers a set's or cas's value the same way.
 */
size_t smap_nl_parts(struct genl_info *info, int type, int *n,
		     struct nlattr **last)
{
	struct nlattr *a;
	size_t len = 0;
	int rem;

	*n = 0;
	*last = NULL;
	nla_for_each_attr(a, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem) {
		if (nla_type(a) != type)
			continue;
		len += nla_len(a);
		*last = a;
		(*n)++;
	}
	return len;
}

/* Concatenate the @type attributes of a request into @p. */
void smap_nl_parts_copy(struct genl_info *info, int type, u8 *p)
{
	struct nlattr *a;
	int rem;

	nla_for_each_attr(a, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem) {
		if (nla_type(a) != type)
			continue;
		memcpy(p, nla_data(a), nla_len(a));
		p += nla_len(a);
	}
}

static const int smap_nl_stage_part[SMAP_NL_STAGE_N] = {
	[SMAP_NL_STAGE_VALUE] = SMAP_A_VALUE_PART,
	[SMAP_NL_STAGE_OLD] = SMAP_A_OLD_VALUE_PART,
};

/*
 * The piece a SMAP_CMD_STAGE carries: which value (by its part attribute),
 * how many bytes. -EINVAL for none, or both kinds.
 */
static int smap_nl_stage_piece(struct genl_info *info, int *which, u32 *n)
{
	struct nlattr *last[SMAP_NL_STAGE_N];
	int cnt[SMAP_NL_STAGE_N];
	size_t len[SMAP_NL_STAGE_N];
	int i;

	for (i = 0; i < SMAP_NL_STAGE_N; i++)
		len[i] = smap_nl_parts(info, smap_nl_stage_part[i], &cnt[i],
				       &last[i]);
	if (cnt[SMAP_NL_STAGE_VALUE] && cnt[SMAP_NL_STAGE_OLD]) {
		NL_SET_ERR_MSG_ATTR(info->extack, last[SMAP_NL_STAGE_OLD],
				    "a piece of one value at a time");
		return -EINVAL;
	}
	*which = cnt[SMAP_NL_STAGE_OLD] ? SMAP_NL_STAGE_OLD :
					  SMAP_NL_STAGE_VALUE;
	if (!cnt[*which]) {
		NL_SET_ERR_MSG(info->extack,
			       "a piece carries SMAP_A_VALUE_PART or SMAP_A_OLD_VALUE_PART");
		return -EINVAL;
	}
	/* within one message: far below U32_MAX */
	*n = len[*which];
	return 0;
}

/*
 * SMAP_CMD_STAGE: append a piece. A refused piece changes nothing. The
 * buffer of a new value is allocated before the lock is taken (it may
 * reclaim); the limit is checked under it.
 */
int smap_nl_stage_append(struct smap_nl_stages *st,
			 const struct smap_nl_stage_id *id,
			 struct genl_info *info)
{
	struct smap_nl_stage *s, *fresh = NULL;
	u32 total, off, n;
	u8 *buf = NULL;
	int which, err;

	if (GENL_REQ_ATTR_CHECK(info, SMAP_A_STAGE_OFFSET) ||
	    GENL_REQ_ATTR_CHECK(info, SMAP_A_STAGE_TOTAL))
		return -EINVAL;
	off = nla_get_u32(info->attrs[SMAP_A_STAGE_OFFSET]);
	total = nla_get_u32(info->attrs[SMAP_A_STAGE_TOTAL]);
	err = smap_nl_stage_piece(info, &which, &n);
	if (err)
		return err;
	if (total > READ_ONCE(smap_value_max)) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[SMAP_A_STAGE_TOTAL],
				    "staged value longer than value_max");
		return -EMSGSIZE;
	}
	if (off > total || n > total - off) {
		NL_SET_ERR_MSG(info->extack, "piece past the value's total");
		return -EINVAL;
	}
	if (!off) {
		/* kvmalloc(0) is ZERO_SIZE_PTR: a staged empty value too */
		buf = kvmalloc(max_t(u32, total, 1), SMAP_GFP_USER);
		fresh = kzalloc(sizeof(*fresh), SMAP_GFP_USER);
		if (!buf || !fresh) {
			err = -ENOMEM;
			goto out;
		}
	}

	mutex_lock(&st->lock);
	s = smap_nl_stage_find_mine(st, id, info->extack);
	if (IS_ERR(s)) {
		err = PTR_ERR(s);
		goto unlock;
	}
	if (!off && (!s || !s->v[which].buf)) {
		u64 max = READ_ONCE(smap_nl_stage_user_max);

		if (!uid_eq(id->owner, GLOBAL_ROOT_UID) &&
		    smap_nl_stage_charged(st, id->owner) +
		    smap_nl_stage_cost(total) > max) {
			NL_SET_ERR_MSG(info->extack,
				       "staged values over nl_stage_user_max");
			err = -ENOBUFS;
			goto unlock;
		}
		err = smap_nl_stage_charge(st, id->owner,
					   smap_nl_stage_cost(total));
		if (err)
			goto unlock;
		if (!s) {
			s = fresh;
			fresh = NULL;
			s->sk = id->sk;
			s->net = id->net;
			s->portid = id->portid;
			s->owner = id->owner;
			s->caller = id->caller;
			hash_add(st->hash, &s->node, s->portid);
		}
		s->v[which].buf = buf;
		s->v[which].total = total;
		s->v[which].len = 0;
		buf = NULL;
	}
	if (!s || !s->v[which].buf) {
		NL_SET_ERR_MSG(info->extack,
			       "no value staged: its first piece is at offset 0");
		err = -EINVAL;
		goto unlock;
	}
	if (total != s->v[which].total) {
		NL_SET_ERR_MSG(info->extack, "total differs from the first piece's");
		err = -EINVAL;
		goto unlock;
	}
	if (off != s->v[which].len) {
		NL_SET_ERR_MSG(info->extack,
			       "piece out of order: offset is not the bytes staged so far");
		err = -EINVAL;
		goto unlock;
	}
	smap_nl_parts_copy(info, smap_nl_stage_part[which],
			   s->v[which].buf + off);
	s->v[which].len += n;
	err = 0;
unlock:
	mutex_unlock(&st->lock);
out:
	kvfree(buf);
	kfree(fresh);
	return err;
}

/*
 * A set or cas naming @mask (SMAP_STAGED_*): hand its staged values over
 * in @out and forget the staging, whatever comes of the request. -ENODATA
 * if the socket has none, -EPERM if it is another user's (then it stays),
 * -EINVAL (consumed) if it holds other values than @mask or one is
 * incomplete.
 */
int smap_nl_stage_take(struct smap_nl_stages *st,
		       const struct smap_nl_stage_id *id, u32 mask,
		       struct smap_nl_staged out[SMAP_NL_STAGE_N],
		       struct genl_info *info)
{
	struct smap_nl_stage *s;
	int i, err = 0;

	memset(out, 0, sizeof(*out) * SMAP_NL_STAGE_N);
	mutex_lock(&st->lock);
	s = smap_nl_stage_find_mine(st, id, info->extack);
	if (IS_ERR_OR_NULL(s)) {
		mutex_unlock(&st->lock);
		if (s)
			return PTR_ERR(s);
		NL_SET_ERR_MSG(info->extack, "nothing staged on this socket");
		return -ENODATA;
	}
	smap_nl_stage_unlink(st, s);
	mutex_unlock(&st->lock);

	for (i = 0; i < SMAP_NL_STAGE_N; i++) {
		bool want = mask & BIT(i);

		if (want != !!s->v[i].buf) {
			NL_SET_ERR_MSG(info->extack,
				       "the staged values are not those SMAP_A_STAGED names");
			err = -EINVAL;
		} else if (want && s->v[i].len != s->v[i].total) {
			NL_SET_ERR_MSG(info->extack, "a staged value is incomplete");
			err = -EINVAL;
		}
	}
	if (!err) {
		for (i = 0; i < SMAP_NL_STAGE_N; i++) {
			out[i].buf = s->v[i].buf;
			out[i].len = s->v[i].len;
			s->v[i].buf = NULL;
		}
	}
	smap_nl_stage_free(s);
	return err;
}

/* SMAP_CMD_STAGE_ABORT: 0 (nothing staged is no error), -EPERM. */
int smap_nl_stage_abort(struct smap_nl_stages *st,
			const struct smap_nl_stage_id *id)
{
	struct smap_nl_stage *s;

	mutex_lock(&st->lock);
	s = smap_nl_stage_find_mine(st, id, NULL);
	if (IS_ERR(s)) {
		mutex_unlock(&st->lock);
		return PTR_ERR(s);
	}
	if (s)
		smap_nl_stage_unlink(st, s);
	mutex_unlock(&st->lock);
	if (s)
		smap_nl_stage_free(s);
	return 0;
}

/* A netlink socket is released: its staging goes (a blocking notifier). */
static int smap_nl_stage_release(struct notifier_block *nb,
				 unsigned long event, void *ptr)
{
	struct smap_nl_stages *st = container_of(nb, struct smap_nl_stages, nb);
	struct netlink_notify *n = ptr;
	struct smap_nl_stage *s;
	struct hlist_node *tmp;
	HLIST_HEAD(gone);

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	/*
	 * The port is free from before the notifier runs: a socket bound to
	 * it meanwhile may have started a staging too. Both go (the other's
	 * set then fails with ENODATA), or the closed one's would stay.
	 */
	mutex_lock(&st->lock);
	hash_for_each_possible_safe(st->hash, s, tmp, node, n->portid) {
		if (s->portid == n->portid && s->net == n->net) {
			smap_nl_stage_unlink(st, s);
			hlist_add_head(&s->node, &gone);
		}
	}
	mutex_unlock(&st->lock);
	hlist_for_each_entry_safe(s, tmp, &gone, node)
		smap_nl_stage_free(s);
	return NOTIFY_DONE;
}

struct smap_nl_stages *smap_nl_stages_create(void)
{
	struct smap_nl_stages *st;
	int err;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return ERR_PTR(-ENOMEM);
	mutex_init(&st->lock);
	hash_init(st->hash);
	xa_init(&st->charged);
	st->nb.notifier_call = smap_nl_stage_release;
	err = netlink_register_notifier(&st->nb);
	if (err) {
		kfree(st);
		return ERR_PTR(err);
	}
	return st;
}

/* After the family is gone: no request can come any more. */
void smap_nl_stages_destroy(struct smap_nl_stages *st)
{
	struct smap_nl_stage *s;
	struct hlist_node *tmp;
	unsigned int bkt;

	netlink_unregister_notifier(&st->nb);
	hash_for_each_safe(st->hash, bkt, tmp, s, node) {
		smap_nl_stage_unlink(st, s);
		smap_nl_stage_free(s);
	}
	WARN_ON_ONCE(!xa_empty(&st->charged));
	xa_destroy(&st->charged);
	mutex_destroy(&st->lock);
	kfree(st);
}
