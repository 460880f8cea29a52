/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smap-bench: what its files share. main.c runs the jobs; opts.c parses
 * the options; ioctl.c, netlink.c, redis.c and kapi.c are the workloads of
 * each transport; out.c prints the results. The histogram (struct
 * smap_lat, smap_lat_add()) is the one the in-kernel smap_kbench keeps
 * too (kmod/smap_bench.h); fio's JSON is in fiojson.h.
 */
#ifndef SMAP_BENCH_TOOL_H
#define SMAP_BENCH_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/shared_map.h>

#include "../kmod/smap_bench.h"
#include "../fiojson.h"
#include "../benchopts.h"

#define BENCH_VERSION	"smap-bench-1"
#define SYNC_PARAM	"/sys/module/shared_map/parameters/sync"

enum rw { RW_SET, RW_GET, RW_MIXED, RW_INCR };
enum engine { ENG_SMAP, ENG_REDIS, ENG_NOP_IOCTL, ENG_NOP_GENL };
enum transport { TR_IOCTL, TR_NETLINK, TR_KAPI };
enum dir { DIR_READ, DIR_WRITE };

extern const char *const rw_names[4];
extern const char *const engine_names[4];
extern const char *const transport_names[3];

struct opts {
	BENCH_COMMON;		/* rw: enum rw; prefill -1: get/mixed on smap/redis */
	enum engine engine;
	enum transport transport;
	const char *sync;
	const char *redis_socket;
	unsigned int batch;	/* set: entries per SMAP_IOC_BATCH (0: plain sets) */
	uint64_t thinktime_us;	/* sleep after each operation (not timed) */
};
extern struct opts o;

struct job_shm {
	struct lat_stat st[2];
	int first_error;
	int failed;		/* setup failed: errno */
	char msg[160];
};


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

/* opts.c: parse the command line into o (exits on a bad option) */
void parse_opts(int argc, char **argv);

/* ioctl.c: /dev/shared_map and /dev/smap_nop */
int ioctl_open(struct conn *c, const char *path);
int ioctl_smap_op(struct conn *c, enum rw op, uint64_t *bytes);
int ioctl_nop_op(struct conn *c, enum rw op, uint64_t *bytes);
size_t batch_entry_size(void);

/* netlink.c: the shared_map and smap_echo genl families */
int nl_open(struct conn *c);
int nl_resolve(struct conn *c, const char *name);
int nl_smap_op(struct conn *c, enum rw op, uint64_t *bytes);
int nl_nop_op(struct conn *c, enum rw op, uint64_t *bytes);

/* redis.c: RESP over a unix socket */
int redis_connect(struct conn *c);
int redis_send(struct conn *c, size_t len);
int64_t redis_reply(struct conn *c);
size_t redis_cmd(struct conn *c, enum rw op);
int redis_op(struct conn *c, enum rw op, uint64_t *bytes);

/* kapi.c: smap_kbench's kthreads do the work; fills @tot[2], wall ns */
uint64_t run_kapi(struct lat_stat *tot, int *first_error, char *msg,
		  size_t msg_len);

/* out.c */
void out_json(const struct lat_stat *st, uint64_t wall, int first_error,
	      const char *msg, const char *sync_now);
void out_normal(const struct lat_stat *st, uint64_t wall, int first_error,
		const char *msg, const char *sync_now);

#endif /* SMAP_BENCH_TOOL_H */
