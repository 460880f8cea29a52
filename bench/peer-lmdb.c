// SPDX-License-Identifier: GPL-2.0
/*
 * peer-lmdb.c: LMDB for peer-bench, as a user gets it by default:
 * mdb_env_open() with no flags, so every mdb_txn_commit() of a write
 * transaction is fully synchronous (data pages written and synced, then
 * the meta page written and synced: two syncs a commit). One write
 * transaction per set; LMDB admits one writer at a time (a lock in
 * lock.mdb), so N writer processes queue. A get is a read-only
 * transaction (reset and renewed, the usual idiom) and mdb_get(): a
 * lookup in the memory-mapped B+tree, no system call.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <lmdb.h>

#include "peer.h"
#include "peer-store.h"

struct lmdb_job {
	MDB_env *env;
	MDB_dbi dbi;
	MDB_txn *rtxn;		/* the reset read transaction */
	int rc;			/* the last LMDB error */
};

static int lmdb_err(struct lmdb_job *j, int rc)
{
	j->rc = rc;
	return rc > 0 ? -rc : -EIO;	/* LMDB's own codes are negative */
}

static int lmdb_setup(const struct peer_opts *o)
{
	return peer_fresh_dir(o->dir);
}

static int lmdb_open(const struct peer_opts *o, void **h)
{
	struct lmdb_job *j = calloc(1, sizeof(*j));
	MDB_txn *txn;
	int rc;

	if (!j)
		return -ENOMEM;
	*h = j;
	rc = mdb_env_create(&j->env);
	if (!rc)
		rc = mdb_env_set_mapsize(j->env, (size_t)2 << 30);
	if (!rc)
		rc = mdb_env_open(j->env, o->dir,
				  o->filling ? MDB_NOSYNC : 0, 0644);
	if (!rc)
		rc = mdb_txn_begin(j->env, NULL, 0, &txn);
	if (rc)
		return lmdb_err(j, rc);
	rc = mdb_dbi_open(txn, NULL, 0, &j->dbi);
	if (rc) {
		mdb_txn_abort(txn);
		return lmdb_err(j, rc);
	}
	rc = mdb_txn_commit(txn);
	if (!rc)
		rc = mdb_txn_begin(j->env, NULL, MDB_RDONLY, &j->rtxn);
	if (rc)
		return lmdb_err(j, rc);
	mdb_txn_reset(j->rtxn);
	return 0;
}

static int lmdb_set(void *h, const char *key, size_t klen, const char *val,
		    size_t vlen)
{
	struct lmdb_job *j = h;
	MDB_val k = { klen, (void *)key }, v = { vlen, (void *)val };
	MDB_txn *txn;
	int rc = mdb_txn_begin(j->env, NULL, 0, &txn);

	if (rc)
		return lmdb_err(j, rc);
	rc = mdb_put(txn, j->dbi, &k, &v, 0);
	if (rc) {
		mdb_txn_abort(txn);
		return lmdb_err(j, rc);
	}
	rc = mdb_txn_commit(txn);
	return rc ? lmdb_err(j, rc) : 0;
}

static int lmdb_get(void *h, const char *key, size_t klen, char *buf,
		    size_t len, size_t *vlen)
{
	struct lmdb_job *j = h;
	MDB_val k = { klen, (void *)key }, v;
	int rc = mdb_txn_renew(j->rtxn);

	if (rc)
		return lmdb_err(j, rc);
	rc = mdb_get(j->rtxn, j->dbi, &k, &v);
	if (!rc) {
		*vlen = v.mv_size;
		memcpy(buf, v.mv_data, v.mv_size < len ? v.mv_size : len);
	}
	mdb_txn_reset(j->rtxn);
	if (rc == MDB_NOTFOUND)
		return -ENOENT;
	return rc ? lmdb_err(j, rc) : 0;
}

static void lmdb_close(void *h)
{
	struct lmdb_job *j = h;

	if (j->rtxn)
		mdb_txn_abort(j->rtxn);
	if (j->env)
		mdb_env_close(j->env);
	free(j);
}

static const char *lmdb_errmsg(void *h)
{
	struct lmdb_job *j = h;

	return j->rc ? mdb_strerror(j->rc) : NULL;
}

const struct peer_engine peer = {
	.name = "lmdb",
	.sync = "mdb_txn_commit (fully synchronous)",
	.setup = lmdb_setup,
	.open = lmdb_open,
	.set = lmdb_set,
	.get = lmdb_get,
	.close = lmdb_close,
	.errmsg = lmdb_errmsg,
};
