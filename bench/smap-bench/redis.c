// SPDX-License-Identifier: GPL-2.0
/* smap-bench: Redis, RESP over a unix socket. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bench.h"


int redis_connect(struct conn *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(o.redis_socket) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, o.redis_socket);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

static size_t resp_bulk(char *p, const void *data, size_t len)
{
	size_t n = (size_t)sprintf(p, "$%zu\r\n", len);

	memcpy(p + n, data, len);
	memcpy(p + n + len, "\r\n", 2);
	return n + len + 2;
}

static int redis_fill(struct conn *c)
{
	ssize_t n;

	if (c->rpos == c->rlen)
		c->rpos = c->rlen = 0;
	if (c->rlen == c->buf_size) {
		if (!c->rpos)
			return -ENOBUFS;
		memmove(c->buf, c->buf + c->rpos, c->rlen - c->rpos);
		c->rlen -= c->rpos;
		c->rpos = 0;
	}
	do {
		n = read(c->fd, c->buf + c->rlen, c->buf_size - c->rlen);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (!n)
		return -ECONNRESET;
	c->rlen += (size_t)n;
	return 0;
}

/* Read a "\r\n"-terminated line; returns its start (NUL-terminated). */
static int redis_line(struct conn *c, char **line)
{
	for (;;) {
		char *s = c->buf + c->rpos;
		char *e = memchr(s, '\n', c->rlen - c->rpos);
		int err;

		if (e && e > s && e[-1] == '\r') {
			e[-1] = 0;
			c->rpos = (size_t)(e - c->buf) + 1;
			*line = s;
			return 0;
		}
		err = redis_fill(c);
		if (err)
			return err;
	}
}

/* Read one reply; returns the payload length of a bulk string (0 else). */
int64_t redis_reply(struct conn *c)
{
	char *line;
	long long len;
	int err = redis_line(c, &line);

	if (err)
		return err;
	switch (line[0]) {
	case '+':
	case ':':
		return 0;
	case '-':
		snprintf(c->err, sizeof(c->err), "%s", line + 1);
		return -EIO;
	case '$':
		len = atoll(line + 1);
		if (len < 0)
			return -ENOENT;
		while (c->rlen - c->rpos < (size_t)len + 2) {
			if ((size_t)len + 2 > c->buf_size)
				return -ENOBUFS;
			err = redis_fill(c);
			if (err)
				return err;
		}
		c->rpos += (size_t)len + 2;
		return len;
	default:
		return -EPROTO;
	}
}

int redis_send(struct conn *c, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = write(c->fd, c->out + off, len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += (size_t)n;
	}
	return 0;
}

size_t redis_cmd(struct conn *c, enum rw op)
{
	char *p = c->out;

	switch (op) {
	case RW_SET:
		p += sprintf(p, "*3\r\n");
		p += resp_bulk(p, "SET", 3);
		p += resp_bulk(p, c->key, o.key_size);
		p += resp_bulk(p, c->val, o.value_size);
		break;
	case RW_GET:
		p += sprintf(p, "*2\r\n");
		p += resp_bulk(p, "GET", 3);
		p += resp_bulk(p, c->key, o.key_size);
		break;
	default:
		p += sprintf(p, "*2\r\n");
		p += resp_bulk(p, "INCR", 4);
		p += resp_bulk(p, c->key, o.key_size);
		break;
	}
	return (size_t)(p - c->out);
}


/* One operation on the current key. */
int redis_op(struct conn *c, enum rw op, uint64_t *bytes)
{
	int64_t n;
	int err;

	err = redis_send(c, redis_cmd(c, op));
	if (err)
		return err;
	n = redis_reply(c);
	if (n < 0)
		return (int)n;
	*bytes = op == RW_GET ? (uint64_t)n : op == RW_SET ? o.value_size : 8;
	return 0;
}
