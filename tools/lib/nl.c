// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libshared_map: the generic netlink transport (family "shared_map"), with
 * libnl-3 / libnl-genl-3. One request, then its reply (a message with the
 * result attributes, or a dump of one message per key) and the ACK/DONE.
 * The kernel's errno is taken from the NLMSG_ERROR message itself, since
 * libnl's own error codes lose it. A batch sends many requests in one
 * datagram and matches the replies by sequence number.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include "internal.h"

#define NL_BUF (512 * 1024)

/* libnl error code -> errno, for failures of the socket itself */
static int nlerr2errno(int e)
{
	switch (e < 0 ? -e : e) {
	case NLE_NOMEM: return ENOMEM;
	case NLE_PERM: return EPERM;
	case NLE_NOACCESS: return EACCES;
	case NLE_MSGSIZE: return EMSGSIZE;
	case NLE_INTR: return EINTR;
	case NLE_AGAIN: return EAGAIN;
	case NLE_INVAL: return EINVAL;
	case NLE_RANGE: return ERANGE;
	case NLE_OBJ_NOTFOUND: return ENOENT;
	case NLE_OPNOTSUPP: return EOPNOTSUPP;
	case NLE_PROTO_MISMATCH: return EPROTONOSUPPORT;
	case NLE_NOADDR: return EADDRNOTAVAIL;
	case NLE_BUSY: return EBUSY;
	case NLE_MSG_TRUNC: return EMSGSIZE;
	default: return EIO;
	}
}

/*
 * A value: one attribute @whole if it fits, else (the kernel taking them)
 * @part attributes of at most SMAP_NL_VALUE_MAX bytes each, in order.
 */
static int put_value(struct nl_msg *msg, int whole, int part, const void *p,
		     size_t n)
{
	if (n <= SMAP_NL_VALUE_MAX)
		return nla_put(msg, whole, (int)n, p);
	for (const char *b = p; n; ) {
		size_t k = n < SMAP_NL_VALUE_MAX ? n : SMAP_NL_VALUE_MAX;

		if (nla_put(msg, part, (int)k, b) < 0)
			return -1;
		b += k;
		n -= k;
	}
	return 0;
}

/* A piece of a staged value: always parts (one empty if it is empty). */
static int put_parts(struct nl_msg *msg, int part, const void *p, size_t n)
{
	const char *b = p;

	do {
		size_t k = n < SMAP_NL_VALUE_MAX ? n : SMAP_NL_VALUE_MAX;

		if (nla_put(msg, part, (int)k, b) < 0)
			return -1;
		b += k;
		n -= k;
	} while (n);
	return 0;
}

struct nl_msg *smap_nl_build(int family, int cmd, int nlflags,
			     const struct smap_nl_req *rq)
{
	size_t size = 1024 + rq->klen + rq->vlen + rq->olen + rq->plen;
	struct nl_msg *msg;

	/* a part's header and padding: 8 bytes per SMAP_NL_VALUE_MAX */
	size += 8 * ((rq->vlen + rq->olen) / SMAP_NL_VALUE_MAX + 2);
	if (!rq->parts && ((rq->has_val && rq->vlen > SMAP_NL_VALUE_MAX) ||
			   (rq->has_old && rq->olen > SMAP_NL_VALUE_MAX))) {
		errno = EMSGSIZE;
		return NULL;
	}
	if (rq->klen > SMAP_KEY_MAX || rq->plen > SMAP_KEY_MAX) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	msg = nlmsg_alloc_size(size);
	if (!msg) {
		errno = ENOMEM;
		return NULL;
	}
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, nlflags,
			 (uint8_t)cmd, SMAP_GENL_VERSION))
		goto full;
	if (rq->klen && nla_put(msg, SMAP_A_KEY, (int)rq->klen, rq->key) < 0)
		goto full;
	if (rq->has_val && put_value(msg, SMAP_A_VALUE, SMAP_A_VALUE_PART,
				     rq->val, rq->vlen) < 0)
		goto full;
	if (rq->has_old && put_value(msg, SMAP_A_OLD_VALUE,
				     SMAP_A_OLD_VALUE_PART, rq->old,
				     rq->olen) < 0)
		goto full;
	if (rq->stage_part &&
	    (nla_put_u32(msg, SMAP_A_STAGE_OFFSET, rq->stage_off) < 0 ||
	     nla_put_u32(msg, SMAP_A_STAGE_TOTAL, rq->stage_total) < 0 ||
	     put_parts(msg, rq->stage_part, rq->val, rq->vlen) < 0))
		goto full;
	if (rq->staged && nla_put_u32(msg, SMAP_A_STAGED, rq->staged) < 0)
		goto full;
	/* get: an empty part asks for a long value in parts */
	if (cmd == SMAP_CMD_GET && rq->parts &&
	    nla_put(msg, SMAP_A_VALUE_PART, 0, NULL) < 0)
		goto full;
	if (rq->has_mode && nla_put_u32(msg, SMAP_A_MODE, rq->mode) < 0)
		goto full;
	if (rq->has_delta && nla_put_s64(msg, SMAP_A_DELTA, rq->delta) < 0)
		goto full;
	if (rq->flags && nla_put_u32(msg, SMAP_A_FLAGS, rq->flags) < 0)
		goto full;
	if (rq->has_owner && (nla_put_u32(msg, SMAP_A_UID, rq->uid) < 0 ||
			      nla_put_u32(msg, SMAP_A_GID, rq->gid) < 0))
		goto full;
	if (rq->has_prefix &&
	    nla_put(msg, SMAP_A_PREFIX, (int)rq->plen, rq->prefix) < 0)
		goto full;
	if (rq->want_skipped && nla_put_u32(msg, SMAP_A_SKIPPED, 0) < 0)
		goto full;
	return msg;
full:
	nlmsg_free(msg);
	errno = EMSGSIZE;
	return NULL;
}

static struct nla_policy smap_policy[SMAP_A_MAX + 1] = {
	[SMAP_A_KEY] = { .type = NLA_UNSPEC },
	[SMAP_A_VALUE] = { .type = NLA_UNSPEC },
	[SMAP_A_OLD_VALUE] = { .type = NLA_UNSPEC },
	[SMAP_A_MODE] = { .type = NLA_U32 },
	[SMAP_A_DELTA] = { .type = NLA_S64 },
	[SMAP_A_RESULT] = { .type = NLA_S64 },
	[SMAP_A_STATUS] = { .type = NLA_U32 },
	[SMAP_A_UID] = { .type = NLA_U32 },
	[SMAP_A_GID] = { .type = NLA_U32 },
	[SMAP_A_PREFIX] = { .type = NLA_UNSPEC },
	[SMAP_A_STATS] = { .type = NLA_UNSPEC },
	[SMAP_A_VALUE_PART] = { .type = NLA_UNSPEC },
	[SMAP_A_OLD_VALUE_PART] = { .type = NLA_UNSPEC },
	[SMAP_A_SKIPPED] = { .type = NLA_U32 },
};

static int lbuf_append(struct smap_nl_reply *rp, const void *key, size_t klen)
{
	size_t need = 4 + klen + 3;

	if (rp->lused + need > rp->lcap) {
		size_t cap = rp->lcap ? rp->lcap : 4096;
		char *nb;

		while (cap < rp->lused + need)
			cap *= 2;
		nb = realloc(rp->lbuf, cap);
		if (!nb)
			return -1;
		rp->lbuf = nb;
		rp->lcap = cap;
	}
	return smap_list_encode(rp->lbuf, rp->lcap, &rp->lused, key, klen);
}

/* Parse one reply message into rp; 0 or -1 with errno. */
int smap_nl_parse(struct nl_msg *msg, struct smap_nl_reply *rp)
{
	struct nlattr *tb[SMAP_A_MAX + 1];
	int e = genlmsg_parse(nlmsg_hdr(msg), 0, tb, SMAP_A_MAX, smap_policy);

	if (e < 0) {
		errno = EBADMSG;
		return -1;
	}
	if (rp->listing) {
		if (tb[SMAP_A_SKIPPED] && !tb[SMAP_A_KEY]) {
			rp->skipped = nla_get_u32(tb[SMAP_A_SKIPPED]);
			return 0;
		}
		if (!tb[SMAP_A_KEY] || nla_len(tb[SMAP_A_KEY]) <= 0) {
			errno = EBADMSG;
			return -1;
		}
		return lbuf_append(rp, nla_data(tb[SMAP_A_KEY]),
				   (size_t)nla_len(tb[SMAP_A_KEY]));
	}
	if (tb[SMAP_A_VALUE] || tb[SMAP_A_VALUE_PART]) {
		struct nlmsghdr *nh = nlmsg_hdr(msg);
		struct nlattr *a;
		size_t n = 0;
		char *v;
		int rem;

		/* one SMAP_A_VALUE, or the parts concatenated in order */
		if (tb[SMAP_A_VALUE])
			n = (size_t)nla_len(tb[SMAP_A_VALUE]);
		else
			nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nh), 0),
					  genlmsg_attrlen(nlmsg_data(nh), 0), rem)
				if (nla_type(a) == SMAP_A_VALUE_PART)
					n += (size_t)nla_len(a);
		v = malloc(n + 1);
		if (!v)
			return -1;
		if (tb[SMAP_A_VALUE]) {
			memcpy(v, nla_data(tb[SMAP_A_VALUE]), n);
		} else {
			size_t off = 0;

			nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nh), 0),
					  genlmsg_attrlen(nlmsg_data(nh), 0), rem)
				if (nla_type(a) == SMAP_A_VALUE_PART) {
					memcpy(v + off, nla_data(a),
					       (size_t)nla_len(a));
					off += (size_t)nla_len(a);
				}
		}
		v[n] = 0;
		free(rp->val);
		rp->val = v;
		rp->vlen = n;
		rp->has_val = true;
	}
	if (tb[SMAP_A_STATUS])
		rp->status = nla_get_u32(tb[SMAP_A_STATUS]);
	if (tb[SMAP_A_MODE])
		rp->mode = nla_get_u32(tb[SMAP_A_MODE]);
	if (tb[SMAP_A_UID])
		rp->uid = nla_get_u32(tb[SMAP_A_UID]);
	if (tb[SMAP_A_GID])
		rp->gid = nla_get_u32(tb[SMAP_A_GID]);
	if (tb[SMAP_A_RESULT]) {
		rp->result = nla_get_s64(tb[SMAP_A_RESULT]);
		rp->has_result = true;
	}
	if (tb[SMAP_A_STATS]) {
		size_t n = (size_t)nla_len(tb[SMAP_A_STATS]);

		/* an older/newer kernel's struct: copy what both know */
		memset(&rp->stats, 0, sizeof(rp->stats));
		memcpy(&rp->stats, nla_data(tb[SMAP_A_STATS]),
		       n < sizeof(rp->stats) ? n : sizeof(rp->stats));
		rp->has_stats = true;
	}
	return 0;
}

void smap_nl_reply_free(struct smap_nl_reply *rp)
{
	free(rp->val);
	free(rp->lbuf);
	rp->val = NULL;
	rp->lbuf = NULL;
}

/* The family's highest attribute (what it knows), 0 if unknown. */
static int nl_family_maxattr(struct nl_sock *sk)
{
	struct nl_cache *cache = NULL;
	struct genl_family *f;
	int max = 0;

	if (genl_ctrl_alloc_cache(sk, &cache) < 0)
		return 0;
	f = genl_ctrl_search_by_name(cache, SMAP_GENL_NAME);
	if (f) {
		max = genl_family_get_maxattr(f);
		genl_family_put(f);
	}
	nl_cache_free(cache);
	return max;
}

/*
 * A request must fit the socket's send buffer (netlink refuses one longer
 * than SO_SNDBUF less 32 bytes with EMSGSIZE): ask for room for the
 * largest one (a cas of two values of SMAP_VALUE_MAX), beyond
 * net.core.wmem_max if we may (SO_SNDBUFFORCE, CAP_NET_ADMIN), and return
 * the size of the largest request it takes.
 */
static size_t nl_fit_sndbuf(struct smap *h)
{
	int fd = nl_socket_get_fd(h->sk);
	int want = SMAP_VALUE_MAX + 64 * 1024, got = 0;	/* the kernel doubles it */
	socklen_t len = sizeof(got);

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &want, sizeof(want)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want));
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &got, &len) < 0 || got < 4096)
		return NL_BUF / 2;
	return (size_t)got - 32;
}

size_t smap_nl_value_max(const struct smap *h)
{
	/* room for the key (SMAP_KEY_MAX), headers and the parts' own */
	size_t over = 4096 + 8 * (SMAP_VALUE_MAX / SMAP_NL_VALUE_MAX + 1);

	if (!h->nl_parts)
		return SMAP_NL_VALUE_MAX;
	if (h->nl_stage)
		return SMAP_VALUE_MAX;	/* staged past the send buffer */
	return h->nl_msg_max > over + SMAP_NL_VALUE_MAX ?
	       h->nl_msg_max - over : SMAP_NL_VALUE_MAX;
}

int smap_nl_open(struct smap *h)
{
	int e;

	h->sk = nl_socket_alloc();
	if (!h->sk) {
		errno = ENOMEM;
		return -1;
	}
	e = genl_connect(h->sk);
	if (e < 0)
		goto fail;
	nl_socket_disable_auto_ack(h->sk);
	/* failed requests are not echoed back whole in their error ack */
	setsockopt(nl_socket_get_fd(h->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &(int){ 1 }, sizeof(int));
	nl_socket_enable_msg_peek(h->sk);
	nl_socket_set_msg_buf_size(h->sk, NL_BUF);
	e = nl_socket_set_buffer_size(h->sk, NL_BUF, NL_BUF);
	if (e < 0)
		goto fail;
	h->family = genl_ctrl_resolve(h->sk, SMAP_GENL_NAME);
	if (h->family < 0) {
		e = h->family == -NLE_OBJ_NOTFOUND ? -NLE_PROTO_MISMATCH :
						     h->family;
		goto fail;
	}
	h->nl_maxattr = nl_family_maxattr(h->sk);
	h->nl_parts = h->nl_maxattr >= SMAP_A_OLD_VALUE_PART;
	h->nl_stage = h->nl_maxattr >= SMAP_A_STAGED;
	h->nl_msg_max = nl_fit_sndbuf(h);
	return 0;
fail:
	nl_socket_free(h->sk);
	h->sk = NULL;
	errno = nlerr2errno(e);
	return -1;
}

void smap_nl_close(struct smap *h)
{
	nl_socket_free(h->sk);
	h->sk = NULL;
}

struct call_ctx {
	struct smap_nl_reply *rp;
	int err;		/* positive errno */
	bool done;
	bool replied;		/* a reply parsed: the request was applied */
	bool no_ack;		/* the reply ends it (get) */
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct call_ctx *c = arg;

	if (smap_nl_parse(msg, c->rp) < 0 && !c->err)
		c->err = errno;
	else
		c->replied = true;
	if (c->no_ack) {
		c->done = true;
		return NL_STOP;
	}
	return NL_OK;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct call_ctx *c = arg;

	(void)msg;
	c->done = true;
	return NL_STOP;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	struct call_ctx *c = arg;
	struct nlmsghdr *nh = nlmsg_hdr(msg);

	/* a dump that failed midway reports -errno in NLMSG_DONE */
	if (nlmsg_datalen(nh) >= (int)sizeof(int)) {
		int e;

		memcpy(&e, nlmsg_data(nh), sizeof(e));
		if (e < 0 && !c->err)
			c->err = -e;
	}
	c->done = true;
	return NL_STOP;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct call_ctx *c = arg;

	(void)nla;
	if (err->error < 0 && !c->err)
		c->err = -err->error;
	c->done = true;
	return NL_STOP;
}

/*
 * Take in what is already queued on the socket, without waiting for more.
 * The kernel runs a request in the sender's context, so once the send has
 * returned, every reply and ack it will ever get is queued. An ENOBUFS
 * (an ack the kernel could not allocate) is reported ahead of them: this
 * finds the replies it was reported before, which say what was applied.
 */
static void nl_drain(struct nl_sock *sk, struct nl_cb *cb, const bool *done)
{
	int fd = nl_socket_get_fd(sk);
	int fl = fcntl(fd, F_GETFL);
	int n = 0;

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return;
	for (int i = 0; i < 256 && !(done && *done); i++) {
		n = nl_recvmsgs_report(sk, cb);
		if (n == 0 || (n < 0 && n != -NLE_INTR && n != -NLE_NOMEM))
			break;	/* nothing more queued, or the socket failed */
	}
	fcntl(fd, F_SETFL, fl);
}

/* What one SMAP_CMD_STAGE carries: the send buffer less headers. */
static size_t nl_stage_chunk(const struct smap *h)
{
	size_t over = 2048 + 8 * (SMAP_VALUE_MAX / SMAP_NL_VALUE_MAX + 1);

	return h->nl_msg_max > over + 4096 ? h->nl_msg_max - over : 4096;
}

/* Stage one value (@part: which) in pieces, in order; 0 or -1 with errno. */
static int nl_stage_value(struct smap *h, int part, const void *p, size_t n)
{
	size_t chunk = nl_stage_chunk(h), off = 0;

	do {
		size_t k = n - off < chunk ? n - off : chunk;
		struct smap_nl_req rq = {
			.stage_part = part, .val = (const char *)p + off,
			.vlen = k, .stage_off = (uint32_t)off,
			.stage_total = (uint32_t)n,
		};
		struct smap_nl_reply rp = { 0 };
		int r = smap_nl_call(h, SMAP_CMD_STAGE, &rq, &rp);

		smap_nl_reply_free(&rp);
		if (r < 0)
			return -1;
		off += k;
	} while (off < n);
	return 0;
}

/*
 * A set or cas too long for the send buffer: its values go ahead as
 * staged pieces, and *r becomes the short request that applies them
 * (SMAP_A_STAGED). On failure what was staged is discarded.
 */
static int nl_stage(struct smap *h, struct smap_nl_req *r)
{
	struct smap_nl_req ab = { 0 };
	struct smap_nl_reply rp = { 0 };
	int err;

	if ((r->has_old && nl_stage_value(h, SMAP_A_OLD_VALUE_PART, r->old,
					  r->olen) < 0) ||
	    (r->has_val && nl_stage_value(h, SMAP_A_VALUE_PART, r->val,
					  r->vlen) < 0)) {
		err = errno;
		smap_nl_call(h, SMAP_CMD_STAGE_ABORT, &ab, &rp);
		smap_nl_reply_free(&rp);
		errno = err;
		return -1;
	}
	r->staged = (r->has_val ? SMAP_STAGED_VALUE : 0) |
		    (r->has_old ? SMAP_STAGED_OLD : 0);
	r->has_val = false;
	r->has_old = false;
	return 0;
}

int smap_nl_call(struct smap *h, int cmd, const struct smap_nl_req *rq,
		 struct smap_nl_reply *rp)
{
	/*
	 * A get is answered by its reply or an error: no ack, which could
	 * find the receive queue full behind a long value's reply and be
	 * dropped (reported as ENOBUFS before the reply is read).
	 */
	struct call_ctx c = { .rp = rp, .no_ack = cmd == SMAP_CMD_GET };
	int flags = cmd == SMAP_CMD_LIST ? NLM_F_DUMP :
		    cmd == SMAP_CMD_GET ? 0 : NLM_F_ACK;
	struct smap_nl_req r = *rq;
	struct nl_msg *msg;
	struct nl_cb *cb;
	int e;

	r.parts = h->nl_parts;
	r.want_skipped = cmd == SMAP_CMD_LIST && h->nl_maxattr >= SMAP_A_SKIPPED;
	msg = smap_nl_build(h->family, cmd, flags, &r);
	if (!msg)
		return -1;
	if ((cmd == SMAP_CMD_SET || cmd == SMAP_CMD_CAS) && h->nl_stage &&
	    nlmsg_hdr(msg)->nlmsg_len > h->nl_msg_max) {
		nlmsg_free(msg);
		if (nl_stage(h, &r) < 0)
			return -1;
		/* the staging stays until the socket closes if this fails */
		msg = smap_nl_build(h->family, cmd, flags, &r);
		if (!msg)
			return -1;
	}
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		errno = ENOMEM;
		return -1;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &c);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &c);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &c);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &c);
	e = nl_send_auto(h->sk, msg);
	nlmsg_free(msg);
	if (e < 0) {
		nl_cb_put(cb);
		errno = nlerr2errno(e);
		return -1;
	}
	while (!c.done) {
		e = nl_recvmsgs(h->sk, cb);
		if (e < 0 && !c.done) {
			if (e == -NLE_INTR || e == -NLE_AGAIN)
				continue;
			/*
			 * ENOBUFS on a mutation: the kernel could not allocate
			 * its ack. The reply, if one was queued, may still be
			 * behind the error: a reply means it was applied (the
			 * reply says how), none means it was not.
			 */
			if (e == -NLE_NOMEM && cmd != SMAP_CMD_LIST) {
				if (!c.replied)
					nl_drain(h->sk, cb, &c.done);
				if (c.replied || c.err)
					break;
			}
			if (!c.err)
				c.err = nlerr2errno(e);
			break;
		}
	}
	nl_cb_put(cb);
	if (c.err) {
		errno = c.err;
		return -1;
	}
	return 0;
}

/* ---- batch --------------------------------------------------------------- */

/*
 * At most this many requests per datagram: the replies and acks of one
 * datagram (about 1.5 KiB of receive buffer each) must fit the socket's
 * receive buffer, or the kernel drops them. The requests themselves must
 * fit the send buffer (wmem_default, 208 KiB on most systems).
 */
#define NL_BATCH_OPS 32
#define NL_BATCH_BYTES (128 * 1024)

struct batch_ctx {
	struct smap_batch_builder *b;
	size_t idx[NL_BATCH_OPS];	/* the entries in flight, in order */
	bool answered[NL_BATCH_OPS];	/* its ack or error came */
	bool replied[NL_BATCH_OPS];	/* its reply came: it was applied */
	size_t n;
	unsigned int seq0;		/* the first one's sequence number */
	size_t acked;
};

/* The entry a message answers (seq), NULL if none; ack: it is answered. */
static struct smap_batch_op *in_flight(struct batch_ctx *c, unsigned int seq,
				       bool ack)
{
	size_t k = (size_t)(seq - c->seq0);

	if (k >= c->n || c->answered[k])
		return NULL;
	if (ack) {
		c->answered[k] = true;
		c->acked++;
	}
	return smap_batch_entry(c->b, c->idx[k]);
}

static int batch_on_valid(struct nl_msg *msg, void *arg)
{
	struct batch_ctx *c = arg;
	struct smap_batch_op *op = in_flight(c, nlmsg_hdr(msg)->nlmsg_seq, false);
	struct smap_nl_reply rp = { 0 };

	if (op && smap_nl_parse(msg, &rp) == 0) {
		c->replied[nlmsg_hdr(msg)->nlmsg_seq - c->seq0] = true;
		op->status = rp.status;
		if (rp.has_result)
			op->arg = rp.result;
	}
	smap_nl_reply_free(&rp);
	return NL_OK;
}

static int batch_on_ack(struct nl_msg *msg, void *arg)
{
	struct batch_ctx *c = arg;
	struct nlmsgerr *e = nlmsg_data(nlmsg_hdr(msg));

	in_flight(c, e->msg.nlmsg_seq, true);
	return NL_OK;
}

static int batch_on_error(struct sockaddr_nl *nla, struct nlmsgerr *err,
			  void *arg)
{
	struct batch_ctx *c = arg;
	struct smap_batch_op *op = in_flight(c, err->msg.nlmsg_seq, true);

	(void)nla;
	if (op) {
		op->error = err->error;
		if (op->op == SMAP_OP_DEL && err->error == -ENOENT)
			op->status = SMAP_ST_NOT_FOUND;
	}
	return NL_SKIP;
}

static int batch_cmd(int op)
{
	switch (op) {
	case SMAP_OP_SET: return SMAP_CMD_SET;
	case SMAP_OP_DEL: return SMAP_CMD_DEL;
	case SMAP_OP_INCR: return SMAP_CMD_INCR;
	default: return -1;
	}
}

/*
 * Put an entry's request at out (cap bytes free): its aligned size, 0 if
 * it does not fit, -1 if it cannot be sent at all (op->error says why).
 */
static long batch_put(struct smap *h, struct smap_batch_op *op, char *out,
		      size_t cap, size_t *need)
{
	const char *key = (const char *)(op + 1);
	struct smap_nl_req rq = { .key = key, .klen = op->key_len,
				  .parts = h->nl_parts };
	int cmd = batch_cmd(op->op);
	struct nl_msg *msg;
	struct nlmsghdr *nh;
	size_t len;

	if (cmd < 0) {
		op->error = -EINVAL;
		return -1;
	}
	if (op->op != SMAP_OP_DEL && (op->flags & SMAP_F_MODE)) {
		rq.mode = op->mode;
		rq.has_mode = true;
	}
	rq.flags = op->flags & (SMAP_F_EXCL | SMAP_F_OWNER);
	if (op->op == SMAP_OP_SET) {
		rq.val = key + op->key_len;
		rq.vlen = op->value_len;
		rq.has_val = true;
		if (op->flags & SMAP_F_OWNER) {
			rq.uid = (uint32_t)op->arg;
			rq.gid = (uint32_t)((uint64_t)op->arg >> 32);
			rq.has_owner = true;
		}
	} else if (op->op == SMAP_OP_INCR) {
		rq.delta = op->arg;
		rq.has_delta = true;
	}
	msg = smap_nl_build(h->family, cmd, NLM_F_ACK, &rq);
	if (!msg) {
		op->error = -errno;
		return -1;
	}
	nh = nlmsg_hdr(msg);
	len = NLMSG_ALIGN(nh->nlmsg_len);
	if (len > cap) {
		*need = len;
		nlmsg_free(msg);
		return 0;
	}
	nl_complete_msg(h->sk, msg);	/* our port, the next sequence number */
	memcpy(out, nh, nh->nlmsg_len);
	memset(out + nh->nlmsg_len, 0, len - nh->nlmsg_len);
	nlmsg_free(msg);
	return (long)len;
}

/*
 * Run entries from *next on: one datagram of requests, then their replies.
 * *next moves past what was sent. 0, or -1 with errno when the socket
 * failed (the entries in flight without an answer get that error).
 */
static int batch_round(struct smap *h, struct batch_ctx *c, struct nl_cb *cb,
		       char **bufp, size_t *cap, size_t *next)
{
	size_t used = 0, need = 0;
	char *buf = *bufp;
	int e;

	c->n = 0;
	c->acked = 0;
	memset(c->answered, 0, sizeof(c->answered));
	memset(c->replied, 0, sizeof(c->replied));
	while (*next < c->b->count && c->n < NL_BATCH_OPS) {
		struct smap_batch_op *op = smap_batch_entry(c->b, *next);
		long r = batch_put(h, op, buf + used, *cap - used, &need);

		if (r == 0 && !c->n) {
			/* a long value's request goes alone, in a larger buffer */
			char *nb = realloc(buf, need);

			if (!nb) {
				op->error = -ENOMEM;
				++*next;
				continue;
			}
			*bufp = buf = nb;
			*cap = need;
			continue;
		}
		if (r == 0)
			break;
		if (r > 0) {
			if (!c->n)
				c->seq0 = ((struct nlmsghdr *)(void *)buf)->nlmsg_seq;
			c->idx[c->n++] = *next;
			used += (size_t)r;
		}
		++*next;
	}
	if (!c->n)
		return 0;
	e = nl_sendto(h->sk, buf, used);
	while (e >= 0 && c->acked < c->n) {
		e = nl_recvmsgs(h->sk, cb);
		if (e == -NLE_INTR || e == -NLE_AGAIN)
			e = 0;
	}
	if (e >= 0)
		return 0;
	if (e == -NLE_NOMEM) {
		/*
		 * An ack the kernel could not allocate: the datagram's
		 * other requests ran all the same and their answers are
		 * queued behind the error. An entry with a reply but no
		 * ack was applied; one with neither was not.
		 */
		nl_drain(h->sk, cb, NULL);
		for (size_t k = 0; k < c->n; k++)
			if (!c->answered[k] && !c->replied[k])
				smap_batch_entry(c->b, c->idx[k])->error = -ENOBUFS;
		return 0;
	}
	errno = nlerr2errno(e);
	for (size_t k = 0; k < c->n; k++)
		if (!c->answered[k])
			smap_batch_entry(c->b, c->idx[k])->error = -errno;
	return -1;
}

int smap_nl_batch(struct smap *h, struct smap_batch_builder *b)
{
	struct batch_ctx c = { .b = b };
	size_t next = 0, cap = NL_BATCH_BYTES;
	struct nl_cb *cb;
	char *buf;
	int r = 0;

	buf = malloc(cap);
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!buf || !cb) {
		free(buf);
		if (cb)
			nl_cb_put(cb);
		errno = ENOMEM;
		return -1;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, batch_on_valid, &c);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, batch_on_ack, &c);
	nl_cb_err(cb, NL_CB_CUSTOM, batch_on_error, &c);
	while (next < b->count && r == 0)
		r = batch_round(h, &c, cb, &buf, &cap, &next);
	for (int e = errno; r < 0 && next < b->count; next++)
		smap_batch_entry(b, next)->error = -e;	/* never sent */
	nl_cb_put(cb);
	free(buf);
	return r;
}
