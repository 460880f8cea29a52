// SPDX-License-Identifier: GPL-2.0
/*
 * shared_map: the generic netlink family "shared_map".
 *
 * A request is judged by the credentials of whoever opened the sending
 * socket (its file's f_cred), not of the process that happens to write to
 * it, and CAP_SYS_ADMIN counts only if that opener had it too, as
 * netlink_capable() rules (the class of CVE-2014-0181): a socket passed to
 * or inherited by a privileged process grants no more than its opener had.
 * Replies are SMAP_CMD_REPLY messages; errors go back in the netlink ack.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "store.h"
#include "main.h"
#include "netlink.h"
#include "nlstage.h"
#include "smap_compat.h"

static const struct nla_policy smap_nl_policy[SMAP_A_MAX + 1] = {
	[SMAP_A_KEY] = { .type = NLA_BINARY, .len = SMAP_KEY_MAX },
	[SMAP_A_VALUE] = { .type = NLA_BINARY, .len = SMAP_NL_VALUE_MAX },
	[SMAP_A_OLD_VALUE] = { .type = NLA_BINARY, .len = SMAP_NL_VALUE_MAX },
	[SMAP_A_MODE] = NLA_POLICY_MAX(NLA_U32, 0777),
	[SMAP_A_DELTA] = { .type = NLA_S64 },
	[SMAP_A_PREFIX] = { .type = NLA_BINARY, .len = SMAP_KEY_MAX },
	[SMAP_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, SMAP_F_EXCL | SMAP_F_OWNER),
	[SMAP_A_UID] = { .type = NLA_U32 },
	[SMAP_A_GID] = { .type = NLA_U32 },
	[SMAP_A_VALUE_PART] = { .type = NLA_BINARY, .len = SMAP_NL_VALUE_MAX },
	[SMAP_A_OLD_VALUE_PART] = { .type = NLA_BINARY, .len = SMAP_NL_VALUE_MAX },
	[SMAP_A_SKIPPED] = { .type = NLA_U32 },
	[SMAP_A_STAGE_OFFSET] = { .type = NLA_U32 },
	[SMAP_A_STAGE_TOTAL] = { .type = NLA_U32 },
	[SMAP_A_STAGED] = NLA_POLICY_MASK(NLA_U32, SMAP_STAGED_VALUE |
					  SMAP_STAGED_OLD),
};

static struct genl_family smap_nl_family;

/*
 * The opener of the socket @skb came from. A socket without a file (a
 * kernel socket) is refused: there is nobody to judge.
 */
static int smap_nl_ctx(const struct sk_buff *skb, struct smap_ctx *ctx)
{
	const struct sock *sk = NETLINK_CB(skb).sk;

	if (!sk || !sk->sk_socket || !sk->sk_socket->file)
		return -EPERM;
	*ctx = smap_ctx_file(sk->sk_socket->file);
	return 0;
}

/* Start a reply; NULL on allocation failure. */
static struct sk_buff *smap_nl_new(struct genl_info *info, size_t payload,
				   void **hdr)
{
	struct sk_buff *msg;

	msg = genlmsg_new(payload, SMAP_GFP_USER);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &smap_nl_family, 0,
				 SMAP_CMD_REPLY);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * A mutation's reply (its status and, for incr, the result) is allocated
 * before the mutation is applied: once the store has changed, nothing may
 * fail and tell the caller it did not (the allocation-failure sweep found
 * netlink set, del, incr and cas applied but answered ENOMEM).
 */
static struct sk_buff *smap_nl_status_new(struct genl_info *info, void **hdr)
{
	return smap_nl_new(info, nla_total_size(sizeof(u32)) +
			   nla_total_size_64bit(sizeof(s64)), hdr);
}

/*
 * Fill and send the reply of an applied mutation. It always fits (sized
 * above); a receiver whose buffer is full loses the reply, not the
 * mutation, so the mutation's success is what the handler returns.
 */
static int smap_nl_status_send(struct sk_buff *msg, void *hdr,
			       struct genl_info *info, u32 status,
			       const s64 *result)
{
	if (nla_put_u32(msg, SMAP_A_STATUS, status) ||
	    (result && nla_put_s64(msg, SMAP_A_RESULT, *result, SMAP_A_PAD))) {
		nlmsg_free(msg);
		return 0;
	}
	genlmsg_end(msg, hdr);
	genlmsg_reply(msg, info);
	return 0;
}

/* Apply @m with its reply ready; the reply is sent only if it applied. */
static int smap_nl_mutate(struct genl_info *info, struct smap_mutation *m,
			  bool result)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = smap_nl_status_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	err = smap_store_apply(smap_instance_store(), m);
	if (err == -EEXIST && m->op == SMAP_OP_SET)
		NL_SET_ERR_MSG(info->extack,
			       "key exists (with another owner or mode)");
	if (err == -ECANCELED)
		NL_SET_ERR_MSG(info->extack, "value differs");
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return smap_nl_status_send(msg, hdr, info, m->status,
				   result ? &m->result : NULL);
}

/*
 * A value of a request: one @whole attribute, or the message's @part
 * attributes concatenated in order (a value longer than one attribute can
 * carry), never both. A single part is used in place; several are
 * gathered into v->buf (kvfree() it). 0, -ENOENT if there is none,
 * -EINVAL for both forms, -EMSGSIZE past value_max, -ENOMEM.
 */
struct smap_nl_val {
	const void *p;
	u32 len;
	void *buf;
};

static int smap_nl_value(struct genl_info *info, int whole, int part,
			 struct smap_nl_val *v)
{
	struct nlattr *one;
	size_t total;
	int n;

	memset(v, 0, sizeof(*v));
	total = smap_nl_parts(info, part, &n, &one);
	if (info->attrs[whole]) {
		if (n) {
			NL_SET_ERR_MSG_ATTR(info->extack, one,
					    "a value is whole or in parts, not both");
			return -EINVAL;
		}
		v->p = nla_data(info->attrs[whole]);
		v->len = nla_len(info->attrs[whole]);
		return 0;
	}
	if (!n) {
		NL_SET_ERR_MSG(info->extack, "missing value");
		return -ENOENT;
	}
	if (total > READ_ONCE(smap_value_max))
		return -EMSGSIZE;
	v->len = total;
	if (n == 1) {
		v->p = nla_data(one);
		return 0;
	}
	v->buf = kvmalloc(total, SMAP_GFP_USER);
	if (!v->buf)
		return -ENOMEM;
	v->p = v->buf;
	smap_nl_parts_copy(info, part, v->buf);
	return 0;
}

/* A missing value is a malformed request (GENL_REQ_ATTR_CHECK's EINVAL). */
static int smap_nl_value_req(struct genl_info *info, int whole, int part,
			     struct smap_nl_val *v)
{
	int err = smap_nl_value(info, whole, part, v);

	return err == -ENOENT ? -EINVAL : err;
}

/* Does the request carry a value in @whole or @part attributes? */
static bool smap_nl_has(struct genl_info *info, int whole, int part)
{
	struct nlattr *last;
	int n;

	smap_nl_parts(info, part, &n, &last);
	return info->attrs[whole] || n;
}

/* The staging a request may touch: its socket's, by its caller. */
static int smap_nl_stage_id(struct sk_buff *skb, struct genl_info *info,
			    struct smap_nl_stage_id *id)
{
	struct smap_ctx ctx;
	int err = smap_nl_ctx(skb, &ctx);

	if (err)
		return err;
	*id = (struct smap_nl_stage_id){
		.sk = NETLINK_CB(skb).sk,
		.net = genl_info_net(info),
		.portid = info->snd_portid,
		.owner = ctx.cred->euid,
		.caller = current_euid(),
	};
	return 0;
}

/*
 * The values of a set (@old NULL) or cas: each from its attributes, or,
 * if SMAP_A_STAGED names it, from the socket's staging, which the request
 * consumes whatever its outcome (include/uapi). kvfree() each ->buf.
 */
static int smap_nl_values(struct sk_buff *skb, struct genl_info *info,
			  struct smap_nl_val *v, struct smap_nl_val *old)
{
	struct smap_nl_staged got[SMAP_NL_STAGE_N];
	struct smap_nl_stage_id id;
	u32 mask = 0;
	int err;

	memset(v, 0, sizeof(*v));
	if (old)
		memset(old, 0, sizeof(*old));
	if (info->attrs[SMAP_A_STAGED])
		mask = nla_get_u32(info->attrs[SMAP_A_STAGED]);
	if (!mask)
		goto inline_values;
	if (!old && (mask & SMAP_STAGED_OLD)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SMAP_A_STAGED],
				    "a set has no old value");
		return -EINVAL;
	}
	err = smap_nl_stage_id(skb, info, &id);
	if (err)
		return err;
	err = smap_nl_stage_take(smap_instance_nl_stages(), &id, mask, got,
				 info);
	if (err)
		return err;
	if (mask & SMAP_STAGED_VALUE) {
		v->buf = got[SMAP_NL_STAGE_VALUE].buf;
		v->p = v->buf;
		v->len = got[SMAP_NL_STAGE_VALUE].len;
	}
	if (mask & SMAP_STAGED_OLD) {
		old->buf = got[SMAP_NL_STAGE_OLD].buf;
		old->p = old->buf;
		old->len = got[SMAP_NL_STAGE_OLD].len;
	}
	/* a staged value comes in no attribute */
	if (((mask & SMAP_STAGED_VALUE) &&
	     smap_nl_has(info, SMAP_A_VALUE, SMAP_A_VALUE_PART)) ||
	    ((mask & SMAP_STAGED_OLD) &&
	     smap_nl_has(info, SMAP_A_OLD_VALUE, SMAP_A_OLD_VALUE_PART))) {
		NL_SET_ERR_MSG(info->extack,
			       "a value is staged or in attributes, not both");
		err = -EINVAL;
		goto free;
	}
inline_values:
	err = 0;
	if (old && !(mask & SMAP_STAGED_OLD))
		err = smap_nl_value_req(info, SMAP_A_OLD_VALUE,
					SMAP_A_OLD_VALUE_PART, old);
	if (!err && !(mask & SMAP_STAGED_VALUE))
		err = smap_nl_value_req(info, SMAP_A_VALUE, SMAP_A_VALUE_PART,
					v);
	if (!err)
		return 0;
free:
	kvfree(v->buf);
	if (old)
		kvfree(old->buf);
	return err;
}

/* Key, mode and flags of a mutation, judged by @ctx. */
static int smap_nl_key(struct sk_buff *skb, struct genl_info *info,
		       struct smap_mutation *m, struct smap_ctx *ctx)
{
	struct nlattr *a = info->attrs[SMAP_A_KEY];

	m->key = nla_data(a);
	m->klen = nla_len(a);
	if (info->attrs[SMAP_A_MODE]) {
		m->flags = SMAP_F_MODE;
		m->mode = nla_get_u32(info->attrs[SMAP_A_MODE]);
	}
	if (info->attrs[SMAP_A_FLAGS])
		m->flags |= nla_get_u32(info->attrs[SMAP_A_FLAGS]);
	m->ctx = ctx;
	return smap_nl_ctx(skb, ctx);
}

/* The values first: a staged one is consumed whatever comes next. */
static int smap_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	struct smap_mutation m = { .op = SMAP_OP_SET };
	struct smap_nl_val v;
	struct smap_ctx ctx;
	int err;

	err = smap_nl_values(skb, info, &v, NULL);
	if (err)
		return err;
	m.val = v.p;
	m.vlen = v.len;
	err = -EINVAL;
	if (GENL_REQ_ATTR_CHECK(info, SMAP_A_KEY))
		goto out;
	err = smap_nl_key(skb, info, &m, &ctx);
	if (err)
		goto out;
	if (m.flags & SMAP_F_OWNER) {
		err = -EINVAL;
		if (GENL_REQ_ATTR_CHECK(info, SMAP_A_UID) ||
		    GENL_REQ_ATTR_CHECK(info, SMAP_A_GID))
			goto out;
		m.uid = make_kuid(current_user_ns(),
				  nla_get_u32(info->attrs[SMAP_A_UID]));
		m.gid = make_kgid(current_user_ns(),
				  nla_get_u32(info->attrs[SMAP_A_GID]));
	}
	err = smap_nl_mutate(info, &m, false);
out:
	kvfree(v.buf);
	return err;
}

static int smap_nl_del(struct sk_buff *skb, struct genl_info *info)
{
	struct smap_mutation m = { .op = SMAP_OP_DEL };
	struct smap_ctx ctx;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, SMAP_A_KEY))
		return -EINVAL;
	err = smap_nl_key(skb, info, &m, &ctx);
	if (err)
		return err;
	return smap_nl_mutate(info, &m, false);
}

static int smap_nl_incr(struct sk_buff *skb, struct genl_info *info)
{
	struct smap_mutation m = { .op = SMAP_OP_INCR };
	struct smap_ctx ctx;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, SMAP_A_KEY))
		return -EINVAL;
	err = smap_nl_key(skb, info, &m, &ctx);
	if (err)
		return err;
	m.delta = info->attrs[SMAP_A_DELTA] ?
		  nla_get_s64(info->attrs[SMAP_A_DELTA]) : 1;
	return smap_nl_mutate(info, &m, true);
}

static int smap_nl_cas(struct sk_buff *skb, struct genl_info *info)
{
	struct smap_mutation m = { .op = SMAP_OP_CAS };
	struct smap_nl_val old, v;
	struct smap_ctx ctx;
	int err;

	err = smap_nl_values(skb, info, &v, &old);
	if (err)
		return err;
	m.old = old.p;
	m.olen = old.len;
	m.val = v.p;
	m.vlen = v.len;
	err = -EINVAL;
	if (GENL_REQ_ATTR_CHECK(info, SMAP_A_KEY))
		goto out;
	err = smap_nl_key(skb, info, &m, &ctx);
	if (!err)
		err = smap_nl_mutate(info, &m, false);
out:
	kvfree(v.buf);
	kvfree(old.buf);
	return err;
}

/* SMAP_CMD_STAGE: a piece of a value too long for one request. */
static int smap_nl_stage(struct sk_buff *skb, struct genl_info *info)
{
	struct smap_nl_stage_id id;
	int err = smap_nl_stage_id(skb, info, &id);

	if (err)
		return err;
	return smap_nl_stage_append(smap_instance_nl_stages(), &id, info);
}

static int smap_nl_stage_abort_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct smap_nl_stage_id id;
	int err = smap_nl_stage_id(skb, info, &id);

	if (err)
		return err;
	err = smap_nl_stage_abort(smap_instance_nl_stages(), &id);
	if (err)
		NL_SET_ERR_MSG(info->extack,
			       "the staging is another user's (who started it)");
	return err;
}

/*
 * A value in a reply: one SMAP_A_VALUE if it fits one attribute (what
 * every library reads), else SMAP_A_VALUE_PART attributes in order.
 */
static int smap_nl_put_value(struct sk_buff *msg, const u8 *p, u32 len)
{
	u32 n;

	if (len <= SMAP_NL_VALUE_MAX)
		return nla_put(msg, SMAP_A_VALUE, len, p);
	for (; len; p += n, len -= n) {
		n = min_t(u32, len, SMAP_NL_VALUE_MAX);
		if (nla_put(msg, SMAP_A_VALUE_PART, n, p))
			return -EMSGSIZE;
	}
	return 0;
}

/*
 * A value longer than one attribute goes back in parts, in one message
 * allocated for it, only to a requester that asked (an empty
 * SMAP_A_VALUE_PART): an older library would take the reply for an empty
 * value. The message may exceed the socket's receive buffer: netlink
 * queues it all the same when the queue is empty (the library asks
 * without NLM_F_ACK, so no ack follows it into a full queue).
 */
static int smap_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg = NULL;
	struct smap_entry *e;
	struct smap_ctx ctx;
	unsigned int parts;
	void *hdr;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, SMAP_A_KEY))
		return -EINVAL;
	err = smap_nl_ctx(skb, &ctx);
	if (err)
		goto out;
	e = smap_store_get(smap_instance_store(),
			   nla_data(info->attrs[SMAP_A_KEY]),
			   nla_len(info->attrs[SMAP_A_KEY]), &ctx);
	if (IS_ERR(e)) {
		err = PTR_ERR(e);
		goto out;
	}
	parts = DIV_ROUND_UP(e->vlen, SMAP_NL_VALUE_MAX);
	if (parts > 1 && !info->attrs[SMAP_A_VALUE_PART]) {
		NL_SET_ERR_MSG(info->extack,
			       "value too large for one attribute: ask with SMAP_A_VALUE_PART");
		err = -EMSGSIZE;
		goto put;
	}
	msg = smap_nl_new(info, (parts > 1 ? parts *
				 nla_total_size(SMAP_NL_VALUE_MAX) :
				 nla_total_size(e->vlen)) +
			  4 * nla_total_size(sizeof(u32)), &hdr);
	if (!msg) {
		err = -ENOMEM;
		goto put;
	}
	if (smap_nl_put_value(msg, smap_entry_val(e), e->vlen) ||
	    nla_put_u32(msg, SMAP_A_MODE, e->mode) ||
	    nla_put_u32(msg, SMAP_A_UID,
			from_kuid_munged(current_user_ns(), e->uid)) ||
	    nla_put_u32(msg, SMAP_A_GID,
			from_kgid_munged(current_user_ns(), e->gid)) ||
	    nla_put_u32(msg, SMAP_A_STATUS, SMAP_ST_NONE)) {
		nlmsg_free(msg);
		err = -EMSGSIZE;
		goto put;
	}
	genlmsg_end(msg, hdr);
	smap_entry_put(e);
	err = genlmsg_reply(msg, info);
	goto out;

put:
	smap_entry_put(e);
out:
	smap_stat_op(smap_instance_store(), SMAP_OP_GET, err);
	return err;
}

static int smap_nl_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct smap_stats st;
	struct sk_buff *msg;
	struct smap_ctx ctx;
	void *hdr;
	int err;

	err = smap_nl_ctx(skb, &ctx);
	if (err)
		return err;
	smap_store_stats(smap_instance_store(), &st, &ctx);
	msg = smap_nl_new(info, nla_total_size_64bit(sizeof(st)), &hdr);
	if (!msg)
		return -ENOMEM;
	if (nla_put_64bit(msg, SMAP_A_STATS, sizeof(st), &st, SMAP_A_PAD)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

struct smap_nl_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
};

/* One SMAP_CMD_REPLY per key; nonzero when the skb is full. */
static int smap_nl_list_one(void *arg, const struct smap_entry *e)
{
	struct smap_nl_dump *d = arg;
	void *hdr;

	hdr = genlmsg_put(d->skb, NETLINK_CB(d->cb->skb).portid,
			  d->cb->nlh->nlmsg_seq, &smap_nl_family, NLM_F_MULTI,
			  SMAP_CMD_REPLY);
	if (!hdr)
		return 1;
	if (nla_put(d->skb, SMAP_A_KEY, e->klen, smap_entry_key(e))) {
		genlmsg_cancel(d->skb, hdr);
		return 1;
	}
	genlmsg_end(d->skb, hdr);
	return 0;
}

/* The dump's last message, if asked for: the keys passed over. */
static int smap_nl_list_skipped(struct sk_buff *skb,
				struct netlink_callback *cb, u64 skipped)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
			  cb->nlh->nlmsg_seq, &smap_nl_family, NLM_F_MULTI,
			  SMAP_CMD_REPLY);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, SMAP_A_SKIPPED, min_t(u64, skipped, U32_MAX))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * cb->args[0]: the cursor; cb->args[1]: 1 once the walk is done, 2 once
 * its last message (SMAP_A_SKIPPED, if asked) is sent too; cb->args[2]:
 * keys passed over, unreadable.
 */
static int smap_nl_list(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct smap_nl_dump d = { .skb = skb, .cb = cb };
	struct smap_store *s = smap_instance_store();
	struct nlattr **attrs = smap_dump_attrs(cb);
	const void *prefix = NULL;
	enum smap_iter_end end;
	struct smap_ctx ctx;
	u32 plen = 0;
	u64 cursor, skipped;
	int err;

	if (cb->args[1] == 2)
		return 0;
	if (cb->args[1] == 1)
		goto last;
	err = smap_nl_ctx(cb->skb, &ctx);
	if (err)
		return err;
	if (attrs && attrs[SMAP_A_PREFIX]) {
		prefix = nla_data(attrs[SMAP_A_PREFIX]);
		plen = nla_len(attrs[SMAP_A_PREFIX]);
	}
	if (!cb->args[0])
		smap_stat_op(s, SMAP_OP_LIST, 0);
	cursor = cb->args[0];
	skipped = cb->args[2];
	do {
		end = smap_store_iter(s, prefix, plen, &cursor, &ctx,
				      smap_nl_list_one, &d, &skipped);
		cond_resched();
	} while (end == SMAP_ITER_BUDGET);
	cb->args[0] = cursor;
	cb->args[2] = skipped;
	if (end != SMAP_ITER_END)
		return skb->len;
	cb->args[1] = 1;
last:
	if (!attrs || !attrs[SMAP_A_SKIPPED] ||
	    !smap_nl_list_skipped(skb, cb, cb->args[2]))
		cb->args[1] = 2;
	return skb->len;
}

static const struct genl_ops smap_nl_ops[] = {
	{ .cmd = SMAP_CMD_SET, .doit = smap_nl_set },
	{ .cmd = SMAP_CMD_GET, .doit = smap_nl_get },
	{ .cmd = SMAP_CMD_DEL, .doit = smap_nl_del },
	{ .cmd = SMAP_CMD_INCR, .doit = smap_nl_incr },
	{ .cmd = SMAP_CMD_CAS, .doit = smap_nl_cas },
	{ .cmd = SMAP_CMD_LIST, .dumpit = smap_nl_list },
	{ .cmd = SMAP_CMD_STATS, .doit = smap_nl_stats },
	{ .cmd = SMAP_CMD_STAGE, .doit = smap_nl_stage },
	{ .cmd = SMAP_CMD_STAGE_ABORT, .doit = smap_nl_stage_abort_doit },
};

static struct genl_family smap_nl_family __ro_after_init = {
	.name = SMAP_GENL_NAME,
	.version = SMAP_GENL_VERSION,
	.maxattr = SMAP_A_MAX,
	.policy = smap_nl_policy,
	.parallel_ops = true,	/* the store does its own locking */
	.module = THIS_MODULE,
	.ops = smap_nl_ops,
	.n_ops = ARRAY_SIZE(smap_nl_ops),
	/* Strict validation (unknown attributes, header) for every op. */
	.resv_start_op = SMAP_CMD_SET,
};

int smap_nl_init(void)
{
	return genl_register_family(&smap_nl_family);
}

void smap_nl_exit(void)
{
	genl_unregister_family(&smap_nl_family);
}

MODULE_ALIAS_GENL_FAMILY(SMAP_GENL_NAME);	/* autoload on first use */
