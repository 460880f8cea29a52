// SPDX-License-Identifier: GPL-2.0
/*
 * peer-rocksdb.c: RocksDB for peer-bench through its C API: default
 * options, WriteOptions with sync=true, so every rocksdb_put() returns
 * once its WAL record is fsynced. RocksDB is one process (the DB's LOCK
 * file); its N writers are threads, and concurrent writers group-commit:
 * one leader writes and syncs the WAL for every writer queued behind it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <rocksdb/c.h>

#include "peer.h"
#include "peer-store.h"

static rocksdb_t *db;
static rocksdb_options_t *opts;
static rocksdb_writeoptions_t *wopts, *fill_wopts;
static rocksdb_readoptions_t *ropts;

struct rocks_job {
	rocksdb_writeoptions_t *w;
	char err[160];
};

static int rocks_setup(const struct peer_opts *o)
{
	char *err = NULL;
	int rc = peer_fresh_dir(o->dir);

	if (rc)
		return rc;
	opts = rocksdb_options_create();
	wopts = rocksdb_writeoptions_create();
	fill_wopts = rocksdb_writeoptions_create();
	ropts = rocksdb_readoptions_create();
	if (!opts || !wopts || !fill_wopts || !ropts)
		return -ENOMEM;
	rocksdb_options_set_create_if_missing(opts, 1);
	rocksdb_writeoptions_set_sync(wopts, 1);
	db = rocksdb_open(opts, o->dir, &err);
	if (err) {
		fprintf(stderr, "rocksdb_open: %s\n", err);
		rocksdb_free(err);
		return -EIO;
	}
	return 0;
}

static int rocks_open(const struct peer_opts *o, void **h)
{
	struct rocks_job *j = calloc(1, sizeof(*j));

	if (!j)
		return -ENOMEM;
	j->w = o->filling ? fill_wopts : wopts;
	*h = j;
	return 0;
}

static int rocks_fail(struct rocks_job *j, char *err)
{
	snprintf(j->err, sizeof(j->err), "%s", err);
	rocksdb_free(err);
	return -EIO;
}

static int rocks_set(void *h, const char *key, size_t klen, const char *val,
		     size_t vlen)
{
	struct rocks_job *j = h;
	char *err = NULL;

	rocksdb_put(db, j->w, key, klen, val, vlen, &err);
	return err ? rocks_fail(h, err) : 0;
}

static int rocks_get(void *h, const char *key, size_t klen, char *buf,
		     size_t len, size_t *vlen)
{
	char *err = NULL;
	rocksdb_pinnableslice_t *v = rocksdb_get_pinned(db, ropts, key, klen, &err);
	const char *p;
	size_t n;

	if (err)
		return rocks_fail(h, err);
	if (!v)
		return -ENOENT;
	p = rocksdb_pinnableslice_value(v, &n);
	memcpy(buf, p, n < len ? n : len);
	*vlen = n;
	rocksdb_pinnableslice_destroy(v);
	return 0;
}

static void rocks_close(void *h)
{
	free(h);
}

static void rocks_teardown(void)
{
	rocksdb_close(db);
	rocksdb_readoptions_destroy(ropts);
	rocksdb_writeoptions_destroy(wopts);
	rocksdb_writeoptions_destroy(fill_wopts);
	rocksdb_options_destroy(opts);
}

static const char *rocks_errmsg(void *h)
{
	struct rocks_job *j = h;

	return j->err[0] ? j->err : NULL;
}

const struct peer_engine peer = {
	.name = "rocksdb",
	.sync = "WriteOptions sync=true",
	.threads = true,
	.setup = rocks_setup,
	.open = rocks_open,
	.set = rocks_set,
	.get = rocks_get,
	.close = rocks_close,
	.teardown = rocks_teardown,
	.errmsg = rocks_errmsg,
};
