// SPDX-License-Identifier: GPL-2.0
/* smap-bench: generic netlink, by hand (the tool is static; no libnl). */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "bench.h"

int nl_open(struct conn *c)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t len = sizeof(sa);
	int sz = 4 << 20;

	c->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (c->fd < 0)
		return -errno;
	/*
	 * A request must fit the send buffer whole (a set of value_max bytes
	 * is beyond net.core.wmem_max): past the sysctl if we may (root).
	 */
	if (setsockopt(c->fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(c->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(c->fd, (struct sockaddr *)&sa, &len) < 0)
		return -errno;
	c->portid = sa.nl_pid;
	return 0;
}

static size_t nl_put_attr(char *p, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)p;

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy(p + NLA_HDRLEN, data, len);
	memset(p + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	return NLA_HDRLEN + NLA_ALIGN(len);
}

/*
 * Send one request (header + attributes already in c->out after the
 * headers) and receive its one reply into c->buf. Returns the reply's
 * genl payload length, or -errno from an NLMSG_ERROR.
 */
static int nl_call(struct conn *c, uint16_t family, uint8_t cmd, size_t alen,
		   struct nlmsghdr **reply)
{
	struct nlmsghdr *h = (struct nlmsghdr *)c->out;
	struct genlmsghdr *g = NLMSG_DATA(h);
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	ssize_t n;

	h->nlmsg_len = (uint32_t)(NLMSG_HDRLEN + GENL_HDRLEN + alen);
	h->nlmsg_type = family;
	h->nlmsg_flags = NLM_F_REQUEST;
	h->nlmsg_seq = ++c->seq;
	h->nlmsg_pid = c->portid;
	g->cmd = cmd;
	g->version = 1;
	g->reserved = 0;
	if (sendto(c->fd, h, h->nlmsg_len, 0, (struct sockaddr *)&to,
		   sizeof(to)) < 0)
		return -errno;
	for (;;) {
		n = recv(c->fd, c->buf, c->buf_size, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		h = (struct nlmsghdr *)c->buf;
		if (!NLMSG_OK(h, (size_t)n))
			return -EBADMSG;
		if (h->nlmsg_seq != c->seq)
			continue;	/* a stale reply */
		if (h->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(h);

			return e->error ? e->error : 0;
		}
		*reply = h;
		return (int)(h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN);
	}
}

/*
 * Attribute @type in a genl reply, NULL if absent; with @sum, the total
 * length of every attribute of that type (a value in parts).
 */
static struct nlattr *nl_attr_sum(struct nlmsghdr *h, uint16_t type,
				  size_t *sum)
{
	char *p = (char *)NLMSG_DATA(h) + GENL_HDRLEN;
	char *end = (char *)h + h->nlmsg_len;
	struct nlattr *first = NULL;

	if (sum)
		*sum = 0;
	while (p + NLA_HDRLEN <= end) {
		struct nlattr *a = (struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == type) {
			if (!first)
				first = a;
			if (!sum)
				return a;
			*sum += a->nla_len - NLA_HDRLEN;
		}
		p += NLA_ALIGN(a->nla_len);
	}
	return first;
}

static struct nlattr *nl_attr(struct nlmsghdr *h, uint16_t type)
{
	return nl_attr_sum(h, type, NULL);
}

/*
 * A value: one SMAP_A_VALUE if it fits, else SMAP_A_VALUE_PART attributes
 * of at most SMAP_NL_VALUE_MAX bytes, in order (include/uapi).
 */
static size_t nl_put_value(char *p, const char *v, size_t len)
{
	size_t alen = 0, n;

	if (len <= SMAP_NL_VALUE_MAX)
		return nl_put_attr(p, SMAP_A_VALUE, v, len);
	for (; len; v += n, len -= n) {
		n = len < SMAP_NL_VALUE_MAX ? len : SMAP_NL_VALUE_MAX;
		alen += nl_put_attr(p + alen, SMAP_A_VALUE_PART, v, n);
	}
	return alen;
}

int nl_resolve(struct conn *c, const char *name)
{
	char *p = c->out + NLMSG_HDRLEN + GENL_HDRLEN;
	struct nlmsghdr *r;
	struct nlattr *a;
	int err;

	err = nl_call(c, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
		      nl_put_attr(p, CTRL_ATTR_FAMILY_NAME, name,
				  strlen(name) + 1), &r);
	if (err < 0)
		return err;
	a = nl_attr(r, CTRL_ATTR_FAMILY_ID);
	if (!a)
		return -ENOENT;
	c->family = *(uint16_t *)((char *)a + NLA_HDRLEN);
	return 0;
}


/* One operation on the current key through the shared_map family. */
int nl_smap_op(struct conn *c, enum rw op, uint64_t *bytes)
{
	char *p = c->out + NLMSG_HDRLEN + GENL_HDRLEN;
	struct nlmsghdr *r;
	struct nlattr *a;
	size_t alen;
	int64_t d = 1;
	int err;

	alen = nl_put_attr(p, SMAP_A_KEY, c->key, o.key_size);
	if (op == RW_SET)
		alen += nl_put_value(p + alen, c->val, o.value_size);
	else if (op == RW_GET && o.value_size > SMAP_NL_VALUE_MAX)
		/* an empty part asks for a long value in parts */
		alen += nl_put_attr(p + alen, SMAP_A_VALUE_PART, NULL, 0);
	else if (op == RW_INCR)
		alen += nl_put_attr(p + alen, SMAP_A_DELTA, &d, sizeof(d));
	err = nl_call(c, (uint16_t)c->family,
		      op == RW_SET ? SMAP_CMD_SET :
		      op == RW_GET ? SMAP_CMD_GET : SMAP_CMD_INCR, alen, &r);
	if (err < 0)
		return err;
	*bytes = op == RW_INCR ? 8 : o.value_size;
	if (op == RW_GET) {
		size_t n;

		a = nl_attr(r, SMAP_A_VALUE);
		if (a) {
			*bytes = a->nla_len - NLA_HDRLEN;
		} else if (nl_attr_sum(r, SMAP_A_VALUE_PART, &n)) {
			*bytes = n;
		} else {
			return -EBADMSG;
		}
	}
	return 0;
}

/* The same through the smap_echo family (no store behind it). */
int nl_nop_op(struct conn *c, enum rw op, uint64_t *bytes)
{
	/* get: the key goes out, a value-sized reply comes back is
	 * not possible with an echo; send the larger of the two. */
	char *p = c->out + NLMSG_HDRLEN + GENL_HDRLEN;
	size_t len = op == RW_SET ? o.key_size + o.value_size : o.key_size;
	struct nlmsghdr *r;
	int err;

	if (len > SMAP_ECHO_DATA_MAX)
		len = SMAP_ECHO_DATA_MAX;
	memcpy(c->buf, c->key, o.key_size);
	err = nl_call(c, (uint16_t)c->family, SMAP_ECHO_CMD_ECHO,
		      nl_put_attr(p, SMAP_ECHO_A_DATA,
				  op == RW_SET ? c->val : c->key, len),
		      &r);
	*bytes = len;
	return err < 0 ? err : 0;
}
