/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libshared_map: the C API of the shared_map in-kernel key-value store.
 * Any program may link it (LGPL-2.1-or-later); man 3 libshared_map.
 *
 * One handle talks to the module over one transport: the ioctl interface of
 * /dev/shared_map (default) or the generic netlink family "shared_map".
 * Keys and values are byte strings (binary-safe, not NUL-terminated).
 *
 * Conventions: functions returning int return 0 on success and -1 on failure
 * with errno set (see smap_strerror() / smap_errmsg()). The errors are the
 * module's: ENOENT key not found, EACCES permission denied, EMSGSIZE value
 * too large, ENAMETOOLONG key too long, ENOSPC store full, ECANCELED cas
 * mismatch, EINVAL/ERANGE incr on a non-integer / overflow, EROFS read-only
 * after an I/O error, EEXIST the key exists (smap_set_flags() with
 * SMAP_SET_EXCL, or a mode asked of a key with another owner or mode),
 * EDQUOT the key's owner is over user_max_bytes, ENOMEM out of memory (the
 * caller's memory cgroup included). A handle is not thread-safe: use one per thread.
 */
#ifndef SHARED_MAP_H
#define SHARED_MAP_H

#include <stddef.h>
#include <stdint.h>
#include <linux/shared_map.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version this header belongs to; smap_lib_version() the library's. */
#define SMAP_LIB_VERSION	"1.4.0"

/*
 * ABI: symbols are versioned (SHARED_MAP_1 as in 1.1.0, SHARED_MAP_1.2,
 * SHARED_MAP_1.3 and SHARED_MAP_1.4 for the calls added in 1.2.0, 1.3.0 and
 * 1.4.0). A struct that
 * may grow is size-versioned, as the kernel's extensible ioctls are: an
 * input struct starts with its size, an
 * output struct's size is an argument (the _ex calls), pass sizeof. The
 * library reads what it knows of a longer input (E2BIG if the rest is not
 * zero) and zero-fills what it does not know of a longer output.
 */

/* The library's version at run time ("1.4.0"), whatever header was used. */
const char *smap_lib_version(void);

/* smap_open() flags */
#define SMAP_TRANSPORT_IOCTL	0
#define SMAP_TRANSPORT_NETLINK	1
#define SMAP_TRANSPORT_MASK	1

struct smap;

/* Open a handle. NULL with errno on failure (ENOENT: module not loaded). */
struct smap *smap_open(int flags);
void smap_close(struct smap *h);
/* SMAP_TRANSPORT_IOCTL or SMAP_TRANSPORT_NETLINK */
int smap_transport(const struct smap *h);

/* Limits in force: from SMAP_IOC_VERSION or /sys/module/shared_map/parameters. */
struct smap_limits {
	uint32_t abi;
	uint32_t key_max;
	uint32_t value_max;	/* of the store */
	uint32_t xfer_max;	/* of this transport (netlink: value_max with a
				 * module that stages, less without one) */
	uint64_t max_bytes;	/* 0 if unknown */
	uint64_t user_max_bytes;	/* per owner; 0 if none or unknown */
};
int smap_limits(struct smap *h, struct smap_limits *lim);
/* The same, size-versioned: size = sizeof(*lim) as the caller knows it. */
#define SMAP_LIMITS_SIZE_V1	32
int smap_limits_ex(struct smap *h, struct smap_limits *lim, size_t size);

/*
 * set: mode 0 means the module default (SMAP_MODE_DEFAULT), otherwise the
 * permission bits (0..0777) the key gets if this call creates it.
 * status (may be NULL) receives SMAP_ST_CREATED or SMAP_ST_UPDATED.
 */
int smap_set(struct smap *h, const void *key, size_t klen,
	     const void *val, size_t vlen, unsigned int mode, int *status);

/*
 * set with flags: SMAP_SET_EXCL creates the key or fails with EEXIST if it
 * exists, whoever owns it (as IPC_EXCL). Without it, a mode (nonzero) asked
 * of a key that exists with another owner or another mode fails with
 * EEXIST too: someone else created the key first.
 */
#define SMAP_SET_EXCL	SMAP_F_EXCL
int smap_set_flags(struct smap *h, const void *key, size_t klen,
		   const void *val, size_t vlen, unsigned int mode,
		   unsigned int flags, int *status);

/*
 * set with options (size-versioned: .size = sizeof(struct smap_set_opts)).
 * .flags: SMAP_SET_EXCL; SMAP_SET_MODE: .mode applies even if it is 0
 * (mode 0000, not the default); SMAP_SET_OWNER gives a key this call
 * creates the owner .uid/.gid (restoring a dump: CAP_SYS_ADMIN only, EPERM
 * otherwise; an existing key must have that owner, else EEXIST).
 */
#define SMAP_SET_MODE	SMAP_F_MODE
#define SMAP_SET_OWNER	SMAP_F_OWNER
struct smap_set_opts {
	uint32_t size;		/* sizeof(struct smap_set_opts) */
	uint32_t mode;		/* 0: the default; else as smap_set() */
	uint32_t flags;		/* SMAP_SET_EXCL, SMAP_SET_MODE, SMAP_SET_OWNER */
	uint32_t uid;		/* SMAP_SET_OWNER */
	uint32_t gid;
};
#define SMAP_SET_OPTS_SIZE_V1	20
int smap_set_ex(struct smap *h, const void *key, size_t klen,
		const void *val, size_t vlen, const struct smap_set_opts *opts,
		int *status);

/* Per-key metadata returned by the get variants. */
struct smap_keyinfo {
	uint32_t mode;
	uint32_t uid;
	uint32_t gid;
};

/*
 * get: *val is malloc()ed (free it), NUL-terminated for convenience (the
 * terminator is not counted in *vlen). A value growing between the size
 * query and the copy is retried transparently.
 */
int smap_get(struct smap *h, const void *key, size_t klen,
	     void **val, size_t *vlen);
/*
 * get into a caller buffer of cap bytes. ERANGE if too small: *vlen then
 * holds the size needed (and info is filled too). info may be NULL.
 */
int smap_get_buf(struct smap *h, const void *key, size_t klen,
		 void *buf, size_t cap, size_t *vlen,
		 struct smap_keyinfo *info);
/* The same, size-versioned: info_size = sizeof(*info) (info may be NULL). */
#define SMAP_KEYINFO_SIZE_V1	12
int smap_get_buf_ex(struct smap *h, const void *key, size_t klen,
		    void *buf, size_t cap, size_t *vlen,
		    struct smap_keyinfo *info, size_t info_size);

int smap_del(struct smap *h, const void *key, size_t klen);

/* incr: the value is a decimal int64; a missing key counts as 0. */
int smap_incr(struct smap *h, const void *key, size_t klen, int64_t delta,
	      int64_t *result);
int smap_incr_mode(struct smap *h, const void *key, size_t klen,
		   int64_t delta, unsigned int mode, int64_t *result);

/* cas: ECANCELED (status SMAP_ST_MISMATCH) if the value is not old. */
int smap_cas(struct smap *h, const void *key, size_t klen,
	     const void *old, size_t olen, const void *new_val, size_t nlen,
	     unsigned int mode, int *status);

/*
 * Listing keys that start with prefix (plen 0: all). The callback returns 0
 * to go on, anything else to stop (smap_list then returns that value).
 */
typedef int (*smap_list_cb)(const void *key, size_t klen, void *arg);
int smap_list(struct smap *h, const void *prefix, size_t plen,
	      smap_list_cb cb, void *arg);

/* Iterator form: next returns 1 with a key (valid until the next call),
 * 0 at the end, -1 on error. */
struct smap_iter;
struct smap_iter *smap_iter_open(struct smap *h, const void *prefix,
				 size_t plen);
int smap_iter_next(struct smap_iter *it, const void **key, size_t *klen);
void smap_iter_close(struct smap_iter *it);
/*
 * Keys with the prefix the listing passed over so far because the caller
 * may not read them (each once; exact once smap_iter_next() returned 0).
 * Since 1.3.0; 0 from a module that does not count them.
 */
uint64_t smap_iter_skipped(const struct smap_iter *it);

/*
 * struct smap_stats is the kernel's (linux/shared_map.h). smap_stats()
 * fills the struct as this library was built with: a program built with
 * another header should call smap_stats_ex(h, st, sizeof(*st)).
 */
int smap_stats(struct smap *h, struct smap_stats *st);
#define SMAP_STATS_SIZE_V1	160	/* up to .__reserved, as in ABI 1 */
int smap_stats_ex(struct smap *h, struct smap_stats *st, size_t size);

/* Leave read-only mode after an I/O error (ioctl only; needs privilege). */
int smap_recover(struct smap *h);

/*
 * Backup (1.4): the module writes the whole store, as it stands at one
 * sequence number, into fd (a regular, empty file open for writing, that
 * the caller opened) as a snapshot file of the log format, and fsyncs it;
 * a directory holding it as "snapshot" loads with the module's path=DIR
 * (smap backup writes DIR/snapshot.tmp, then renames it). flags: 0.
 * info (may be NULL; info_size = sizeof(*info)) receives the sequence
 * number (every record up to it, none after), the keys, the file's size
 * and how long mutations were held. Ioctl only: EOPNOTSUPP on a netlink
 * handle. EPERM without CAP_SYS_ADMIN, ENOTTY from a module without
 * backup, EINVAL/EBADF/ENOTEMPTY for a file that is not regular, not
 * writable or not empty.
 */
struct smap_backup_info {
	uint64_t seq;
	uint64_t keys;
	uint64_t bytes;		/* the file's size */
	uint64_t hold_ns;	/* how long mutations were held */
};
#define SMAP_BACKUP_INFO_SIZE_V1	32
int smap_backup(struct smap *h, int fd, unsigned int flags,
		struct smap_backup_info *info, size_t info_size);

/*
 * Batches: SET, DEL and INCR entries applied in order, each atomically.
 * smap_batch_exec() returns 0 when every entry succeeded; -1 when the
 * batch could not be run (errno) or when some entries failed (errno is the
 * first failed entry's error, *failed their count; read each entry's outcome
 * with smap_batch_result()). Over netlink up to 32 entries go in one
 * datagram, each its own request, in order; the store applies each
 * atomically, never the batch as a whole.
 */
struct smap_batch_builder;
struct smap_batch_builder *smap_batch_new(void);
void smap_batch_free(struct smap_batch_builder *b);
void smap_batch_reset(struct smap_batch_builder *b);
int smap_batch_set(struct smap_batch_builder *b, const void *key, size_t klen,
		   const void *val, size_t vlen, unsigned int mode);
/* ... with SMAP_SET_EXCL */
int smap_batch_set_flags(struct smap_batch_builder *b, const void *key,
			 size_t klen, const void *val, size_t vlen,
			 unsigned int mode, unsigned int flags);
/* ... with options, as smap_set_ex() */
int smap_batch_set_ex(struct smap_batch_builder *b, const void *key,
		      size_t klen, const void *val, size_t vlen,
		      const struct smap_set_opts *opts);
int smap_batch_del(struct smap_batch_builder *b, const void *key, size_t klen);
int smap_batch_incr(struct smap_batch_builder *b, const void *key, size_t klen,
		    int64_t delta);
/* ... with the mode a key it creates gets (0: the default) */
int smap_batch_incr_mode(struct smap_batch_builder *b, const void *key,
			 size_t klen, int64_t delta, unsigned int mode);
size_t smap_batch_count(const struct smap_batch_builder *b);
/* The encoded buffer (struct smap_batch_op entries, SMAP_BATCH_ALIGN). */
const void *smap_batch_data(const struct smap_batch_builder *b, size_t *len);
int smap_batch_exec(struct smap *h, struct smap_batch_builder *b,
		    size_t *failed);
/* Outcome of entry i after exec: error is 0 or a positive errno. */
int smap_batch_result(const struct smap_batch_builder *b, size_t i,
		      int *error, int *status, int64_t *arg);

/*
 * Watching (1.3): the changes to keys starting with prefix (plen 0: all;
 * with SMAP_WATCH_EXACT, the one key equal to it) that this user may read,
 * acknowledged after smap_watch_open() returned, in order. queue_len: the
 * kernel's queue for this watcher in events (0: the module's
 * watch_queue_max); when the reader falls behind, events are dropped and
 * one event with op SMAP_WATCH_OVERFLOW (no key) takes their place: resync
 * (e.g. smap_get() the keys again). Through /dev/shared_map even on a
 * netlink handle; EMFILE when the user has watch_user_max watchers open.
 * smap_watch_next() waits up to timeout_ms (-1: no limit, 0: not at all)
 * for an event and returns 1 with *ev pointing at it (struct
 * smap_watch_event of linux/shared_map.h: op, seq, key_len, key; valid
 * until the next call), 0 if none came, -1 with errno (EINTR on a signal).
 * smap_watch_fd() is a descriptor to poll or epoll for POLLIN; read the
 * events with smap_watch_next(w, 0, &ev) until it returns 0.
 */
struct smap_watch;
struct smap_watch *smap_watch_open(struct smap *h, const void *prefix,
				   size_t plen, unsigned int flags,
				   unsigned int queue_len);
int smap_watch_fd(const struct smap_watch *w);
int smap_watch_next(struct smap_watch *w, int timeout_ms,
		    const struct smap_watch_event **ev);
void smap_watch_close(struct smap_watch *w);

/* ---- helpers --------------------------------------------------------- */

/* Short reason for an errno as the store uses it ("key not found"). */
const char *smap_strerror(int err);
/*
 * One-line reason for a failed op (an enum smap_op, or -1 for open), with
 * the limit in force when relevant: "value too large (max 1048576 bytes)".
 * lim may be NULL. Returns buf.
 */
char *smap_errmsg(int op, int err, const struct smap_limits *lim,
		  char *buf, size_t len);
/* "set" for SMAP_OP_SET ... */
const char *smap_op_name(int op);

/* Parse a permission mode: octal (644, 0600) or symbolic (rw-r--r--). */
int smap_parse_mode(const char *s, unsigned int *mode);
/* Parse a decimal int64 strictly (whole string, no overflow). */
int smap_parse_i64(const char *s, int64_t *v);

/*
 * Decode one record of a SMAP_IOC_LIST buffer at *off: sets key/klen and
 * advances *off. 1 = record, 0 = end of buffer, -1 = malformed (EBADMSG).
 */
int smap_list_decode(const void *buf, size_t used, size_t *off,
		     const void **key, size_t *klen);
/* Append one record in the same format; -1 ENOSPC if it does not fit. */
int smap_list_encode(void *buf, size_t cap, size_t *off,
		     const void *key, size_t klen);

#ifdef __cplusplus
}
#endif
#endif /* SHARED_MAP_H */
