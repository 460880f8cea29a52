/* SPDX-License-Identifier: GPL-2.0 */
/*
 * peer.h: what a peer store (LMDB, RocksDB, SQLite, a BPF hash map) gives
 * peer-bench.c, which runs smap-bench's workloads on it: the same keys
 * (smap_bench_key), the same random key choice per job, the same timing
 * and the same fio-style JSON (fiojson.h).
 */
#ifndef PEER_H
#define PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct peer_opts {
	const char *dir;	/* the store's directory (under /var/tmp) */
	unsigned int numjobs;
	unsigned int key_size;
	unsigned int value_size;
	uint64_t keys;
	bool filling;		/* the handle fills the store: no sync needed */
};

struct peer_engine {
	const char *name;
	const char *sync;	/* what a set waits for, for the report */
	bool threads;		/* jobs are threads of one process */
	/* once, in the parent, before any job: create an empty store */
	int (*setup)(const struct peer_opts *o);
	/* per job (in the job's process or thread): a handle in *h */
	int (*open)(const struct peer_opts *o, void **h);
	int (*set)(void *h, const char *key, size_t klen, const char *val,
		   size_t vlen);
	/* a missing key is -ENOENT; the value's length in *vlen */
	int (*get)(void *h, const char *key, size_t klen, char *buf,
		   size_t len, size_t *vlen);
	void (*close)(void *h);
	void (*teardown)(void);
	/* the last error's text, or NULL for strerror */
	const char *(*errmsg)(void *h);
};

extern const struct peer_engine peer;

#endif
