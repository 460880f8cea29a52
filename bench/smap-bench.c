// SPDX-License-Identifier: GPL-2.0
/*
 * smap-bench: an fio-like latency benchmark for shared_map and its
 * baselines (Redis over a unix socket, a no-op ioctl, a genl echo).
 *
 * Every job is a process; each times every operation with
 * clock_gettime(CLOCK_MONOTONIC) into a log-scale histogram (smap_bench.h:
 * 64 sub-buckets per power of two, <= 1.6 % bucket width) in shared memory,
 * and the parent merges them. The kapi transport has no user-space jobs:
 * smap_kbench's kthreads time the in-kernel API and return the same
 * histogram. Output is fio's JSON (one group_reporting job; json+ adds the
 * latency bins fio_jsonplus_clat2csv reads; fiojson.h) or text.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/shared_map.h>

#include "kmod/smap_bench.h"
#include "fiojson.h"

#define BENCH_VERSION	"smap-bench-1"
#define SYNC_PARAM	"/sys/module/shared_map/parameters/sync"

enum rw { RW_SET, RW_GET, RW_MIXED, RW_INCR };
enum engine { ENG_SMAP, ENG_REDIS, ENG_NOP_IOCTL, ENG_NOP_GENL };
enum transport { TR_IOCTL, TR_NETLINK, TR_KAPI };
enum dir { DIR_READ, DIR_WRITE };

static const char *const rw_names[] = { "set", "get", "mixed", "incr" };
static const char *const engine_names[] = { "smap", "redis", "nop-ioctl",
					    "nop-genl" };
static const char *const transport_names[] = { "ioctl", "netlink", "kapi" };

static struct opts {
	const char *name;
	enum rw rw;
	enum engine engine;
	enum transport transport;
	unsigned int numjobs;
	double runtime;
	uint64_t ops;
	unsigned int key_size;
	unsigned int value_size;
	uint64_t keys;
	const char *sync;
	const char *redis_socket;
	bool json;
	bool json_plus;		/* json+: with the histogram's bins */
	unsigned int batch;	/* set: entries per SMAP_IOC_BATCH (0: plain sets) */
	int prefill;		/* -1: auto (get/mixed on smap/redis) */
	uint64_t seed;
} o = {
	.name = "smap",
	.rw = RW_GET,
	.engine = ENG_SMAP,
	.transport = TR_IOCTL,
	.numjobs = 1,
	.key_size = 16,
	.value_size = 64,
	.keys = 10000,
	.redis_socket = "/tmp/redis.sock",
	.prefill = -1,
	.seed = 1,
};

struct job_shm {
	struct lat_stat st[2];
	int first_error;
	int failed;		/* setup failed: errno */
	char msg[160];
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "smap-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* ---- engines --------------------------------------------------------------- */

struct conn {
	int fd;
	int family;		/* netlink family id */
	uint32_t seq;
	uint32_t portid;
	char *key;
	char *val;
	char *buf;		/* receive buffer */
	size_t buf_size;
	char *out;		/* redis: outgoing command */
	size_t out_size;
	size_t rpos, rlen;	/* redis: bytes buffered in buf */
	char err[96];		/* redis: the last error reply */
};

/* ---- generic netlink, by hand (the tool is static; no libnl) ---- */

static int nl_open(struct conn *c)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t len = sizeof(sa);
	int sz = 4 << 20;

	c->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (c->fd < 0)
		return -errno;
	setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
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

/* Find attribute @type in a genl reply; NULL if absent. */
static struct nlattr *nl_attr(struct nlmsghdr *h, uint16_t type)
{
	char *p = (char *)NLMSG_DATA(h) + GENL_HDRLEN;
	char *end = (char *)h + h->nlmsg_len;

	while (p + NLA_HDRLEN <= end) {
		struct nlattr *a = (struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		p += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

static int nl_resolve(struct conn *c, const char *name)
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

/* ---- redis: RESP over a unix socket ---- */

static int redis_connect(struct conn *c)
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
static int64_t redis_reply(struct conn *c)
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

static int redis_send(struct conn *c, size_t len)
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

static size_t redis_cmd(struct conn *c, enum rw op)
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

/* ---- batches of sets (SMAP_IOC_BATCH) ---- */

static size_t batch_entry_size(void)
{
	size_t n = sizeof(struct smap_batch_op) + o.key_size + o.value_size;

	return (n + SMAP_BATCH_ALIGN - 1) & ~(size_t)(SMAP_BATCH_ALIGN - 1);
}

/*
 * One SMAP_IOC_BATCH of o.batch sets: the current key, then the keys
 * after it in the key space. Every entry must succeed.
 */
static int batch_set(struct conn *c, uint64_t *bytes)
{
	size_t esz = batch_entry_size();
	uint64_t idx = strtoull(c->key + 1, NULL, 10);
	struct smap_batch b = {
		.ops = (uintptr_t)c->out,
		.len = (__u32)(esz * o.batch),
		.count = o.batch,
	};
	unsigned int i;

	memset(c->out, 0, esz * o.batch);
	for (i = 0; i < o.batch; i++) {
		struct smap_batch_op *e = (void *)(c->out + esz * i);
		char *k = (char *)(e + 1);

		e->op = SMAP_OP_SET;
		e->key_len = o.key_size;
		e->value_len = o.value_size;
		smap_bench_key(k, o.key_size, (idx + i) % o.keys);
		memcpy(k + o.key_size, c->val, o.value_size);
	}
	if (ioctl(c->fd, SMAP_IOC_BATCH, &b) < 0)
		return -errno;
	if (b.failed || b.done != o.batch)
		return -EIO;
	*bytes = (uint64_t)o.batch * o.value_size;
	return 0;
}

/* ---- setup and one operation, per engine ---- */

static int conn_open(struct conn *c)
{
	size_t big = (size_t)o.value_size + o.key_size + 4096;
	int err = 0;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->key = calloc(1, o.key_size + 1);
	c->val = malloc(o.value_size + 1);
	c->buf_size = big < 65536 ? 65536 : big;
	c->buf = malloc(c->buf_size);
	c->out_size = big + 256;
	if (o.batch)
		c->out_size += (size_t)o.batch * batch_entry_size();
	c->out = calloc(1, c->out_size);
	if (!c->key || !c->val || !c->buf || !c->out)
		return -ENOMEM;
	memset(c->val, 'v', o.value_size);
	switch (o.engine) {
	case ENG_SMAP:
		if (o.transport == TR_NETLINK) {
			err = nl_open(c);
			if (!err)
				err = nl_resolve(c, SMAP_GENL_NAME);
		} else {
			c->fd = open(SMAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);
			err = c->fd < 0 ? -errno : 0;
		}
		break;
	case ENG_NOP_IOCTL:
		c->fd = open(SMAP_NOP_DEVICE_PATH, O_RDWR | O_CLOEXEC);
		err = c->fd < 0 ? -errno : 0;
		break;
	case ENG_NOP_GENL:
		err = nl_open(c);
		if (!err)
			err = nl_resolve(c, SMAP_ECHO_GENL_NAME);
		break;
	case ENG_REDIS:
		err = redis_connect(c);
		break;
	}
	return err;
}

static void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->key);
	free(c->val);
	free(c->buf);
	free(c->out);
}

/* One operation on the current key; bytes moved in *@bytes. */
static int do_op(struct conn *c, enum rw op, uint64_t *bytes)
{
	int err;

	switch (o.engine) {
	case ENG_SMAP:
		if (o.transport == TR_NETLINK) {
			char *p = c->out + NLMSG_HDRLEN + GENL_HDRLEN;
			struct nlmsghdr *r;
			struct nlattr *a;
			size_t alen;
			int64_t d = 1;

			alen = nl_put_attr(p, SMAP_A_KEY, c->key, o.key_size);
			if (op == RW_SET)
				alen += nl_put_attr(p + alen, SMAP_A_VALUE,
						    c->val, o.value_size);
			else if (op == RW_INCR)
				alen += nl_put_attr(p + alen, SMAP_A_DELTA,
						    &d, sizeof(d));
			err = nl_call(c, (uint16_t)c->family,
				      op == RW_SET ? SMAP_CMD_SET :
				      op == RW_GET ? SMAP_CMD_GET :
				      SMAP_CMD_INCR, alen, &r);
			if (err < 0)
				return err;
			*bytes = op == RW_INCR ? 8 : o.value_size;
			if (op == RW_GET) {
				a = nl_attr(r, SMAP_A_VALUE);
				if (!a)
					return -EBADMSG;
				*bytes = a->nla_len - NLA_HDRLEN;
			}
			return 0;
		}
		if (op == RW_INCR) {
			struct smap_incr in = {
				.key = (uintptr_t)c->key,
				.key_len = o.key_size,
				.delta = 1,
			};

			*bytes = 8;
			return ioctl(c->fd, SMAP_IOC_INCR, &in) < 0 ? -errno : 0;
		} else if (op == RW_SET && o.batch) {
			return batch_set(c, bytes);
		} else {
			struct smap_kv kv = {
				.key = (uintptr_t)c->key,
				.key_len = o.key_size,
				.value = (uintptr_t)(op == RW_SET ? c->val : c->buf),
				.value_len = op == RW_SET ? o.value_size :
					     (uint32_t)c->buf_size,
			};

			if (ioctl(c->fd, op == RW_SET ? SMAP_IOC_SET :
				  SMAP_IOC_GET, &kv) < 0)
				return -errno;
			*bytes = kv.value_len;
			return 0;
		}
	case ENG_NOP_IOCTL: {
		struct smap_nop_arg a = { .a = (uintptr_t)c->key };

		*bytes = op == RW_SET ? o.value_size : 0;
		return ioctl(c->fd, SMAP_NOP_IOC_ECHO, &a) < 0 ? -errno : 0;
	}
	case ENG_NOP_GENL: {
		/* get: the key goes out, a value-sized reply comes back is
		 * not possible with an echo; send the larger of the two. */
		char *p = c->out + NLMSG_HDRLEN + GENL_HDRLEN;
		size_t len = op == RW_SET ? o.key_size + o.value_size :
			     o.key_size;
		struct nlmsghdr *r;

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
	case ENG_REDIS: {
		int64_t n;

		err = redis_send(c, redis_cmd(c, op));
		if (err)
			return err;
		n = redis_reply(c);
		if (n < 0)
			return (int)n;
		*bytes = op == RW_GET ? (uint64_t)n :
			 op == RW_SET ? o.value_size : 8;
		return 0;
	}
	}
	return -EINVAL;
}

/* ---- the sync parameter ---- */

static int read_sync(char *buf, size_t len)
{
	FILE *f = fopen(SYNC_PARAM, "r");

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static int write_sync(const char *mode)
{
	FILE *f = fopen(SYNC_PARAM, "w");
	int err = 0;

	if (!f)
		return -errno;
	if (fputs(mode, f) < 0)
		err = -EIO;
	if (fclose(f))
		err = -errno;
	return err;
}

/* ---- prefill: make every key of the key space exist ---- */

static void prefill(void)
{
	char saved[32] = "";
	struct conn c;
	uint64_t i, bytes;
	enum engine eng = o.engine;
	enum transport tr = o.transport;
	int err;

	if (o.engine == ENG_SMAP) {
		/* Fast and not part of the measurement: no fsync per key. */
		if (!read_sync(saved, sizeof(saved)))
			write_sync("none");
		o.transport = TR_IOCTL;
	}
	err = conn_open(&c);
	if (err)
		die("prefill: cannot connect: %s", strerror(-err));
	if (o.engine == ENG_REDIS) {
		/* Pipelined, 256 commands a round trip. */
		for (i = 0; i < o.keys; i += 256) {
			uint64_t j, end = i + 256 < o.keys ? i + 256 : o.keys;

			for (j = i; j < end; j++) {
				smap_bench_key(c.key, o.key_size, j);
				err = redis_send(&c, redis_cmd(&c, RW_SET));
				if (err)
					die("prefill: redis: %s", strerror(-err));
			}
			for (j = i; j < end; j++)
				if (redis_reply(&c) < 0)
					die("prefill: redis SET failed");
		}
	} else {
		for (i = 0; i < o.keys; i++) {
			smap_bench_key(c.key, o.key_size, i);
			err = do_op(&c, RW_SET, &bytes);
			if (err)
				die("prefill: set: %s", strerror(-err));
		}
	}
	conn_close(&c);
	if (saved[0])
		write_sync(saved);
	o.engine = eng;
	o.transport = tr;
}

/* ---- jobs ---- */

struct shared {
	volatile uint64_t start_ns;
	struct job_shm job[];
};

static void run_job(struct shared *sh, unsigned int id, int ready_fd,
		    int go_fd)
{
	struct job_shm *j = &sh->job[id];
	__u64 seed = o.seed * 0x9E3779B97F4A7C15ULL + id + 1;
	uint64_t i, deadline, t0, t1, bytes;
	struct conn c;
	char ch = 0;
	enum rw op;
	int err;

	lat_init(&j->st[DIR_READ]);
	lat_init(&j->st[DIR_WRITE]);
	err = conn_open(&c);
	if (err) {
		j->failed = -err;
		snprintf(j->msg, sizeof(j->msg), "connect: %s", strerror(-err));
	}
	if (write(ready_fd, &ch, 1) != 1 || read(go_fd, &ch, 1) < 0 || err)
		_exit(1);
	deadline = sh->start_ns + (uint64_t)(o.runtime * 1e9);
	for (i = 0;; i++) {
		if (o.ops ? i >= o.ops : now_ns() >= deadline)
			break;
		smap_bench_key(c.key, o.key_size, smap_bench_rand(&seed) % o.keys);
		op = o.rw == RW_MIXED ? ((i & 1) ? RW_SET : RW_GET) : o.rw;
		if (op == RW_INCR)
			c.key[0] = 'i';	/* counters apart from values */
		bytes = 0;
		t0 = now_ns();
		err = do_op(&c, op, &bytes);
		t1 = now_ns();
		if (err) {
			if (!j->st[0].errors && !j->st[1].errors) {
				j->first_error = -err;
				snprintf(j->msg, sizeof(j->msg), "%s: %s",
					 rw_names[op], c.err[0] ? c.err :
					 strerror(-err));
			}
			j->st[op == RW_GET ? DIR_READ : DIR_WRITE].errors++;
			if (err == -ENOTTY || err == -EBADF || err == -ENODEV ||
			    err == -ECONNRESET || err == -EPIPE)
				break;	/* no point going on */
			continue;
		}
		lat_add(&j->st[op == RW_GET ? DIR_READ : DIR_WRITE], t1 - t0,
			 bytes);
	}
	conn_close(&c);
	_exit(0);
}

/* Run all jobs; fills @tot[2], returns the wall time of the run (ns). */
static uint64_t run_jobs(struct lat_stat *tot, int *first_error, char *msg,
			 size_t msg_len)
{
	size_t size = sizeof(struct shared) + o.numjobs * sizeof(struct job_shm);
	struct shared *sh;
	int ready[2], go[2];
	unsigned int i, n = 0;
	uint64_t start;
	pid_t *pids;
	char ch;

	sh = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		  -1, 0);
	pids = calloc(o.numjobs, sizeof(*pids));
	if (sh == MAP_FAILED || !pids)
		die("out of memory");
	if (pipe(ready) || pipe(go))
		die("pipe: %s", strerror(errno));
	for (i = 0; i < o.numjobs; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			die("fork: %s", strerror(errno));
		if (!pids[i]) {
			close(ready[0]);
			close(go[1]);
			run_job(sh, i, ready[1], go[0]);
		}
	}
	close(ready[1]);
	close(go[0]);
	while (n < o.numjobs && read(ready[0], &ch, 1) == 1)
		n++;
	start = now_ns();
	sh->start_ns = start;
	__sync_synchronize();
	close(go[1]);		/* every job's read() returns: go */
	for (i = 0; i < o.numjobs; i++)
		waitpid(pids[i], NULL, 0);
	start = now_ns() - start;
	close(ready[0]);
	lat_init(&tot[DIR_READ]);
	lat_init(&tot[DIR_WRITE]);
	*first_error = 0;
	for (i = 0; i < o.numjobs; i++) {
		struct job_shm *j = &sh->job[i];

		lat_merge(&tot[DIR_READ], &j->st[DIR_READ]);
		lat_merge(&tot[DIR_WRITE], &j->st[DIR_WRITE]);
		if (!*first_error && (j->failed || j->first_error)) {
			*first_error = j->failed ? j->failed : j->first_error;
			snprintf(msg, msg_len, "job %u: %s", i, j->msg);
		}
	}
	munmap(sh, size);
	free(pids);
	return start;
}

/* The kapi transport: smap_kbench's kthreads do the work. */
static uint64_t run_kapi(struct lat_stat *tot, int *first_error, char *msg,
			 size_t msg_len)
{
	struct smap_kbench_run a = {
		.rw = (uint32_t)o.rw,
		.threads = o.numjobs,
		.ops = o.ops,
		.runtime_ns = o.ops ? 0 : (uint64_t)(o.runtime * 1e9),
		.keys = o.keys,
		.key_size = o.key_size,
		.value_size = o.value_size,
		.buckets = SMAP_HIST_BUCKETS,
	};
	int fd = open(SMAP_KBENCH_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("open %s: %s (modprobe smap_kbench)", SMAP_KBENCH_DEVICE_PATH,
		    strerror(errno));
	lat_init(&tot[DIR_READ]);
	lat_init(&tot[DIR_WRITE]);
	a.hist_read = (uintptr_t)tot[DIR_READ].hist;
	a.hist_write = (uintptr_t)tot[DIR_WRITE].hist;
	if (ioctl(fd, SMAP_KBENCH_IOC_RUN, &a) < 0)
		die("kapi run: %s%s", strerror(errno),
		    errno == ENOPKG ? " (shared_map does not export its API)" : "");
	close(fd);
	tot[DIR_READ].n = a.reads;
	tot[DIR_READ].bytes = a.read_bytes;
	tot[DIR_READ].sum = a.read_sum_ns;
	tot[DIR_READ].min = a.reads ? a.read_min_ns : UINT64_MAX;
	tot[DIR_READ].max = a.read_max_ns;
	tot[DIR_WRITE].n = a.writes;
	tot[DIR_WRITE].bytes = a.write_bytes;
	tot[DIR_WRITE].sum = a.write_sum_ns;
	tot[DIR_WRITE].min = a.writes ? a.write_min_ns : UINT64_MAX;
	tot[DIR_WRITE].max = a.write_max_ns;
	if (o.rw == RW_GET)
		tot[DIR_READ].errors = a.errors;
	else
		tot[DIR_WRITE].errors = a.errors;
	*first_error = -a.first_error;
	if (a.errors)
		snprintf(msg, msg_len, "kapi: %s", strerror(-a.first_error));
	return a.elapsed_ns;
}

/* ---- output ---- */

#define NPCTS (sizeof(fio_pcts) / sizeof(fio_pcts[0]))

static void out_json(const struct lat_stat *st, uint64_t wall, int first_error,
		     const char *msg, const char *sync_now)
{
	struct fio_job j = {
		.version = BENCH_VERSION,
		.name = o.name,
		.rw = rw_names[o.rw],
		.engine = engine_names[o.engine],
		.transport = o.engine == ENG_SMAP ? transport_names[o.transport] :
			     NULL,
		.bs = o.value_size,
		.key_size = o.key_size,
		.numjobs = o.numjobs,
		.batch = o.batch,
		.ops = o.ops,
		.runtime = o.runtime,
		.keys = o.keys,
		.sync = sync_now,
		.plus = o.json_plus,
	};
	fio_json(stdout, &j, st, wall, first_error, msg);
}

static void fmt_ns(char *buf, size_t len, double ns)
{
	if (ns >= 1e9)
		snprintf(buf, len, "%.2fs", ns / 1e9);
	else if (ns >= 1e6)
		snprintf(buf, len, "%.2fms", ns / 1e6);
	else if (ns >= 1e3)
		snprintf(buf, len, "%.2fus", ns / 1e3);
	else
		snprintf(buf, len, "%.0fns", ns);
}

static void out_normal(const struct lat_stat *st, uint64_t wall, int first_error,
		       const char *msg, const char *sync_now)
{
	static const char *const dn[] = { "read", "write" };
	double secs = (double)wall / 1e9;
	unsigned int d, i;

	printf("%s: (groupid=0, jobs=%u): err=%2d: engine=%s transport=%s rw=%s sync=%s\n",
	       o.name, o.numjobs, first_error, engine_names[o.engine],
	       o.engine == ENG_SMAP ? transport_names[o.transport] : "-",
	       rw_names[o.rw], sync_now);
	if (first_error)
		printf("  error: %s\n", msg);
	for (d = 0; d < 2; d++) {
		const struct lat_stat *s = &st[d];
		char a[32], b[32], c[32];

		if (!s->n)
			continue;
		printf("  %s: IOPS=%.0f, BW=%.1fKiB/s (%" PRIu64 "B/%" PRIu64 "ms), ops=%" PRIu64 "\n",
		       dn[d], (double)s->n / secs, (double)s->bytes / 1024 / secs,
		       s->bytes, wall / 1000000, s->n);
		fmt_ns(a, sizeof(a), (double)s->min);
		fmt_ns(b, sizeof(b), (double)s->max);
		fmt_ns(c, sizeof(c), (double)s->sum / (double)s->n);
		printf("    clat: min=%s, max=%s, avg=%s, ", a, b, c);
		fmt_ns(a, sizeof(a), lat_stddev(s));
		printf("stdev=%s\n", a);
		printf("    clat percentiles (nsec):\n");
		for (i = 0; i < NPCTS; i++) {
			printf("%s%6.2fth=[%8" PRIu64 "]%s",
			       i % 4 == 0 ? "     | " : "", fio_pcts[i],
			       lat_percentile(s, fio_pcts[i]),
			       i % 4 == 3 || i + 1 == NPCTS ? ",\n" : ", ");
		}
	}
	printf("\nRun status group 0 (all jobs):\n");
	for (d = 0; d < 2; d++)
		if (st[d].n)
			printf("  %5s: bw=%.1fKiB/s, io=%" PRIu64 "B, run=%" PRIu64 "-%" PRIu64 "msec\n",
			       dn[d], (double)st[d].bytes / 1024 / secs,
			       st[d].bytes, wall / 1000000, wall / 1000000);
}

/* ---- options ---- */

static int pick(const char *v, const char *const *names, unsigned int n,
		const char *what)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(v, names[i]))
			return (int)i;
	die("unknown %s '%s'", what, v);
}

static uint64_t parse_size(const char *v, const char *what)
{
	char *end;
	double x = strtod(v, &end);

	if (end == v || x < 0)
		die("bad %s '%s'", what, v);
	switch (*end) {
	case 'k': case 'K': x *= 1024; end++; break;
	case 'm': case 'M': x *= 1024 * 1024; end++; break;
	case 'g': case 'G': x *= 1024.0 * 1024 * 1024; end++; break;
	}
	if (*end == 'i' || *end == 'B' || *end == 'b')
		end++;
	if (*end)
		die("bad %s '%s'", what, v);
	return (uint64_t)x;
}

static void usage(int rc)
{
	printf("usage: smap-bench [options]\n"
	       "  --name=NAME                 job name in the report\n"
	       "  --rw=set|get|mixed|incr     operation (mixed: alternate get and set)\n"
	       "  --engine=smap|redis|nop-ioctl|nop-genl\n"
	       "  --transport=ioctl|netlink|kapi   (engine smap)\n"
	       "  --numjobs=N                 processes (kapi: kernel threads)\n"
	       "  --runtime=S | --ops=N       duration, or operations per job\n"
	       "  --key-size=B --value-size=B sizes (k/m suffixes)\n"
	       "  --keys=N                    key space (random uniform keys)\n"
	       "  --sync=always|batch|none    write shared_map's sync parameter first\n"
	       "  --redis-socket=PATH         engine redis (default /tmp/redis.sock)\n"
	       "  --prefill=0|1               create every key first (default: get/mixed)\n"
	       "  --seed=N                    key sequence seed\n"
	       "  --batch=N                   set: N sets per SMAP_IOC_BATCH call, each\n"
	       "                              call timed as one operation (ioctl)\n"
	       "  --output-format=json|json+|normal   json+: with latency bins\n");
	exit(rc);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "rw", required_argument, NULL, 'r' },
		{ "engine", required_argument, NULL, 'e' },
		{ "transport", required_argument, NULL, 't' },
		{ "numjobs", required_argument, NULL, 'j' },
		{ "runtime", required_argument, NULL, 'R' },
		{ "ops", required_argument, NULL, 'o' },
		{ "key-size", required_argument, NULL, 'k' },
		{ "value-size", required_argument, NULL, 'v' },
		{ "keys", required_argument, NULL, 'K' },
		{ "sync", required_argument, NULL, 's' },
		{ "redis-socket", required_argument, NULL, 'S' },
		{ "prefill", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 'x' },
		{ "output-format", required_argument, NULL, 'f' },
		{ "batch", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const syncs[] = { "always", "batch", "none" };
	struct lat_stat *st;
	char msg[256] = "", sync_now[32] = "-";
	uint64_t wall;
	int c, first_error = 0;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'n': o.name = optarg; break;
		case 'r': o.rw = (enum rw)pick(optarg, rw_names, 4, "--rw"); break;
		case 'e':
			o.engine = (enum engine)pick(optarg, engine_names, 4,
						     "--engine");
			break;
		case 't':
			o.transport = (enum transport)pick(optarg,
							   transport_names, 3,
							   "--transport");
			break;
		case 'j': o.numjobs = (unsigned int)atoi(optarg); break;
		case 'R': o.runtime = atof(optarg); break;
		case 'o': o.ops = parse_size(optarg, "--ops"); break;
		case 'k': o.key_size = (unsigned int)parse_size(optarg, "--key-size"); break;
		case 'v': o.value_size = (unsigned int)parse_size(optarg, "--value-size"); break;
		case 'K': o.keys = parse_size(optarg, "--keys"); break;
		case 's':
			pick(optarg, syncs, 3, "--sync");
			o.sync = optarg;
			break;
		case 'S': o.redis_socket = optarg; break;
		case 'p': o.prefill = atoi(optarg); break;
		case 'x': o.seed = strtoull(optarg, NULL, 0); break;
		case 'b': o.batch = (unsigned int)atoi(optarg); break;
		case 'f':
			if (fio_output_format(optarg, &o.json, &o.json_plus))
				die("unknown --output-format '%s'", optarg);
			break;
		case 'h': usage(0); break;
		default: usage(2);
		}
	}
	if (optind < argc)
		die("unexpected argument '%s'", argv[optind]);
	if (!o.numjobs || o.numjobs > 1024)
		die("--numjobs must be 1..1024");
	if (!o.ops && o.runtime <= 0)
		o.runtime = 5;
	if (!o.keys)
		die("--keys must be > 0");
	if (o.batch && (o.rw != RW_SET || o.engine != ENG_SMAP ||
			o.transport != TR_IOCTL || o.batch > 65536))
		die("--batch=1..65536 is for --rw=set on the ioctl transport");
	if (!o.key_size || o.key_size > SMAP_KEY_MAX)
		die("--key-size must be 1..%d", SMAP_KEY_MAX);
	if (o.value_size > SMAP_VALUE_MAX)
		die("--value-size must be <= %d", SMAP_VALUE_MAX);
	if (o.engine == ENG_SMAP && o.transport == TR_NETLINK &&
	    o.value_size > SMAP_NL_VALUE_MAX)
		die("netlink carries values up to %d bytes", SMAP_NL_VALUE_MAX);
	if (o.sync) {
		int err = write_sync(o.sync);

		if (err)
			die("cannot set %s=%s: %s", SYNC_PARAM, o.sync,
			    strerror(-err));
	}
	if (o.engine == ENG_SMAP)
		read_sync(sync_now, sizeof(sync_now));
	else if (o.engine == ENG_REDIS)
		snprintf(sync_now, sizeof(sync_now), "redis");
	if (o.prefill < 0)
		o.prefill = (o.rw == RW_GET || o.rw == RW_MIXED) &&
			    (o.engine == ENG_SMAP || o.engine == ENG_REDIS);
	if (o.prefill)
		prefill();
	signal(SIGPIPE, SIG_IGN);
	st = calloc(2, sizeof(*st));
	if (!st)
		die("out of memory");
	if (o.engine == ENG_SMAP && o.transport == TR_KAPI)
		wall = run_kapi(st, &first_error, msg, sizeof(msg));
	else
		wall = run_jobs(st, &first_error, msg, sizeof(msg));
	if (o.json)
		out_json(st, wall, first_error, msg, sync_now);
	else
		out_normal(st, wall, first_error, msg, sync_now);
	c = first_error && !st[0].n && !st[1].n;
	free(st);
	return c;
}
