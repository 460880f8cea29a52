// SPDX-License-Identifier: GPL-2.0
/*
 * peer-sqlite.c: SQLite for peer-bench: one table kv(k BLOB PRIMARY KEY,
 * v BLOB) WITHOUT ROWID in journal_mode=WAL with synchronous=FULL, so
 * every committed transaction is fsynced to the WAL. One autocommit
 * INSERT OR REPLACE per set; SQLite admits one writer at a time (the WAL
 * write lock), so N writer processes queue through busy_timeout. A get is
 * one prepared SELECT.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "peer.h"
#include "peer-store.h"

struct sqlite_job {
	sqlite3 *db;
	sqlite3_stmt *put, *get;
};

static char db_path[4096];

static int sqlite_exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -EIO;
}

static int sqlite_setup(const struct peer_opts *o)
{
	sqlite3 *db;
	int err = peer_fresh_dir(o->dir);

	if (err)
		return err;
	snprintf(db_path, sizeof(db_path), "%s/kv.db", o->dir);
	if (sqlite3_open(db_path, &db) != SQLITE_OK) {
		sqlite3_close(db);
		return -EIO;
	}
	err = sqlite_exec(db, "PRAGMA journal_mode=WAL");
	if (!err)
		err = sqlite_exec(db, "CREATE TABLE kv (k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID");
	sqlite3_close(db);
	return err;
}

static int sqlite_open(const struct peer_opts *o, void **h)
{
	struct sqlite_job *j = calloc(1, sizeof(*j));

	if (!j)
		return -ENOMEM;
	*h = j;
	if (sqlite3_open(db_path, &j->db) != SQLITE_OK ||
	    sqlite3_busy_timeout(j->db, 60000) != SQLITE_OK ||
	    sqlite_exec(j->db, "PRAGMA journal_mode=WAL") ||
	    sqlite_exec(j->db, o->filling ? "PRAGMA synchronous=OFF" :
			"PRAGMA synchronous=FULL") ||
	    sqlite3_prepare_v2(j->db, "INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)",
			       -1, &j->put, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(j->db, "SELECT v FROM kv WHERE k = ?", -1,
			       &j->get, NULL) != SQLITE_OK)
		return -EIO;
	return 0;
}

static int sqlite_set(void *h, const char *key, size_t klen, const char *val,
		      size_t vlen)
{
	struct sqlite_job *j = h;
	int rc;

	sqlite3_bind_blob(j->put, 1, key, (int)klen, SQLITE_STATIC);
	sqlite3_bind_blob(j->put, 2, val, (int)vlen, SQLITE_STATIC);
	rc = sqlite3_step(j->put);
	sqlite3_reset(j->put);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

static int sqlite_get(void *h, const char *key, size_t klen, char *buf,
		      size_t len, size_t *vlen)
{
	struct sqlite_job *j = h;
	int rc, err = 0;

	sqlite3_bind_blob(j->get, 1, key, (int)klen, SQLITE_STATIC);
	rc = sqlite3_step(j->get);
	if (rc == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(j->get, 0);

		memcpy(buf, sqlite3_column_blob(j->get, 0), n < len ? n : len);
		*vlen = n;
	} else {
		err = rc == SQLITE_DONE ? -ENOENT : -EIO;
	}
	sqlite3_reset(j->get);
	return err;
}

static void sqlite_close(void *h)
{
	struct sqlite_job *j = h;

	sqlite3_finalize(j->put);
	sqlite3_finalize(j->get);
	sqlite3_close(j->db);
	free(j);
}

static const char *sqlite_errmsg(void *h)
{
	struct sqlite_job *j = h;

	return j->db ? sqlite3_errmsg(j->db) : NULL;
}

const struct peer_engine peer = {
	.name = "sqlite",
	.sync = "WAL synchronous=FULL",
	.setup = sqlite_setup,
	.open = sqlite_open,
	.set = sqlite_set,
	.get = sqlite_get,
	.close = sqlite_close,
	.errmsg = sqlite_errmsg,
};
