/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * shared_map: the user/kernel ABI of the in-kernel key-value store.
 *
 * Shared by the module (module/), the library (tools/) and the netlink
 * family. Every ioctl argument is a flat struct of fixed-width fields;
 * pointers are __u64 and point at plain byte buffers (one level only).
 * Structs are extensible: the kernel reads _IOC_SIZE(cmd) bytes with
 * copy_struct_from_user(), so a newer, longer struct whose extra tail is
 * zero works with an older module and vice versa.
 */
#ifndef _UAPI_LINUX_SHARED_MAP_H
#define _UAPI_LINUX_SHARED_MAP_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define SMAP_ABI_VERSION	1
#define SMAP_DEVICE_PATH	"/dev/shared_map"
#define SMAP_GENL_NAME		"shared_map"
#define SMAP_GENL_VERSION	1

/* Hard limits; the module parameters key_max/value_max may only lower them. */
#define SMAP_KEY_MAX		1024
#define SMAP_VALUE_MAX		(1024 * 1024)
/*
 * Largest value a single netlink attribute carries (nla_len is 16 bits):
 * a larger one travels as SMAP_A_VALUE_PART attributes (see below).
 */
#define SMAP_NL_VALUE_MAX	65000
#define SMAP_MODE_DEFAULT	0644

/* Operation codes: batch entries and per-op statistics. */
enum smap_op {
	SMAP_OP_SET = 0,
	SMAP_OP_GET,
	SMAP_OP_DEL,
	SMAP_OP_INCR,
	SMAP_OP_CAS,
	SMAP_OP_LIST,
	SMAP_OP_BATCH,
	SMAP_OP__COUNT
};

/* What a mutation did (ioctl .status, netlink SMAP_A_STATUS). */
enum smap_status {
	SMAP_ST_NONE = 0,
	SMAP_ST_CREATED,	/* key did not exist, now does */
	SMAP_ST_UPDATED,	/* key existed, value replaced */
	SMAP_ST_DELETED,	/* key removed */
	SMAP_ST_NOT_FOUND,	/* get/del of a missing key (errno ENOENT) */
	SMAP_ST_MISMATCH,	/* cas: current value differs (errno ECANCELED) */
};

/*
 * smap_kv.flags (and smap_incr, smap_cas, smap_batch_op):
 * SMAP_F_MODE: .mode applies if the call creates the key; if the key exists
 *   already with another owner than the caller or another mode, the call
 *   fails with EEXIST and changes nothing (a key squatted by someone else
 *   does not silently keep its squatter's mode).
 * SMAP_F_EXCL: set only: create the key, EEXIST if it exists (as IPC_EXCL).
 * SMAP_F_OWNER: set only, for restoring a dump: a key this call creates is
 *   owned by the uid and gid given (smap_kv .uid/.gid; a batch entry's .arg
 *   holds uid | (__u64)gid << 32; netlink SMAP_A_UID/SMAP_A_GID), as seen
 *   from the caller's user namespace, and its record in the log says so. An
 *   existing key must have that owner (and, with SMAP_F_MODE, that mode) or
 *   the call fails with EEXIST. EPERM unless the opener of the file or
 *   socket (and the caller) has CAP_SYS_ADMIN; EINVAL for an unmapped id.
 */
#define SMAP_F_MODE	(1U << 0)
#define SMAP_F_EXCL	(1U << 1)
#define SMAP_F_OWNER	(1U << 2)

/*
 * SET: key/value in, .mode used on create when SMAP_F_MODE is set,
 *      .uid/.gid when SMAP_F_OWNER is (otherwise ignored on input).
 * GET: key in; value_len in = capacity of .value, out = the value's length.
 *      ERANGE when the buffer is too small (value_len then holds the size
 *      needed, nothing copied). mode/uid/gid out.
 * DEL: key in.
 */
struct smap_kv {
	__u64 key;		/* user pointer to key bytes */
	__u64 value;		/* user pointer to value bytes */
	__u32 key_len;
	__u32 value_len;
	__u32 flags;
	__u32 mode;		/* permission bits (0777 mask) */
	__u32 uid;		/* out: owner (in: SMAP_F_OWNER) */
	__u32 gid;		/* out: owner group (in: SMAP_F_OWNER) */
	__u32 status;		/* out: enum smap_status */
	__u32 __reserved;	/* must be zero */
};

/* INCR: value is an ASCII decimal s64; a missing key counts as 0. */
struct smap_incr {
	__u64 key;
	__s64 delta;
	__s64 result;		/* out: the new value */
	__u32 key_len;
	__u32 flags;
	__u32 mode;
	__u32 status;		/* out */
};

/* CAS: replace the value with new only if it currently equals old. */
struct smap_cas {
	__u64 key;
	__u64 old_value;
	__u64 new_value;
	__u32 key_len;
	__u32 old_len;
	__u32 new_len;
	__u32 flags;
	__u32 mode;
	__u32 status;		/* out: UPDATED, or MISMATCH with ECANCELED */
};

/*
 * LIST: keys starting with prefix, in pieces. Start with cursor 0; each call
 * fills .buf with records { __u32 len; key bytes; pad to 4 } and returns the
 * cursor to pass next; SMAP_LIST_END in flags when nothing is left. A key
 * present for the whole listing is returned exactly once.
 */
#define SMAP_LIST_END	(1U << 0)
struct smap_list {
	__u64 prefix;
	__u64 buf;
	__u64 cursor;		/* in/out */
	__u32 prefix_len;
	__u32 buf_len;		/* in: capacity */
	__u32 used;		/* out: bytes written to buf */
	__u32 count;		/* out: keys written */
	__u32 flags;		/* out: SMAP_LIST_END */
	union {
		__u32 __reserved;
		/*
		 * in: zero; out: keys with the prefix this call passed over
		 * because the caller may not read them (each key once over
		 * a whole listing; an older module leaves it 0)
		 */
		__u32 skipped;
	};
};

/*
 * BATCH: .ops points at a flat buffer of entries, each a struct
 * smap_batch_op followed by key_len key bytes and value_len value bytes,
 * the whole entry padded to 8 bytes. Entries are applied in order, each
 * atomically; error/status/result are written back into each header.
 * Allowed ops: SET, DEL, INCR (delta in .arg, result returned in .arg).
 * A SET with SMAP_F_OWNER takes its owner from .arg: uid | (__u64)gid << 32.
 */
struct smap_batch_op {
	__u16 op;		/* enum smap_op */
	__u16 flags;		/* SMAP_F_MODE, SMAP_F_EXCL, SMAP_F_OWNER (set) */
	__u32 mode;
	__u32 key_len;
	__u32 value_len;
	__s64 arg;		/* incr: delta in, result out */
	__s32 error;		/* out: 0 or -errno */
	__u32 status;		/* out */
};
#define SMAP_BATCH_ALIGN	8

struct smap_batch {
	__u64 ops;
	__u32 len;		/* bytes in the ops buffer */
	__u32 count;		/* entries in the buffer */
	__u32 done;		/* out: entries processed */
	__u32 failed;		/* out: entries with error != 0 */
};

/*
 * What a key costs, as max_bytes, user_max_bytes and smap_stats.bytes count
 * it: its entry (a SMAP_COST_HEADER-byte header, the key and the value)
 * rounded up as the module's allocator does, to a multiple of
 * SMAP_COST_STEP up to SMAP_COST_CLASS_MAX bytes and to a power of two
 * beyond, plus SMAP_COST_OVERHEAD for its hash bucket and id slot. The
 * module charges exactly this (a 4-byte key with an empty value: 80).
 */
#define SMAP_COST_HEADER	32
#define SMAP_COST_STEP		16
#define SMAP_COST_CLASS_MAX	256
#define SMAP_COST_OVERHEAD	32

static __inline__ __u64 smap_kv_cost(__u32 key_len, __u32 value_len)
{
	__u64 size = SMAP_COST_HEADER + (__u64)key_len + value_len;
	__u64 p = SMAP_COST_CLASS_MAX;

	if (size <= SMAP_COST_CLASS_MAX)
		return ((size + SMAP_COST_STEP - 1) &
			~(__u64)(SMAP_COST_STEP - 1)) + SMAP_COST_OVERHEAD;
	while (p < size)
		p <<= 1;
	return p + SMAP_COST_OVERHEAD;
}

/*
 * bytes is what the entries cost (smap_kv_cost() of each key), as max_bytes
 * and user_max_bytes count it. data_bytes is the key and value bytes alone.
 */
struct smap_stats {
	__u64 keys;
	__u64 bytes;		/* charged bytes (see above) */
	__u64 max_bytes;
	__u64 ops[SMAP_OP__COUNT];
	__u64 errors;
	/* persistence (zero until the log exists) */
	__u64 log_bytes;
	__u64 log_records;
	__u64 log_seq;
	__u64 replayed;
	__u64 truncated_bytes;
	__u64 corrupt_files;
	__u64 compactions;
	__u64 fsyncs;
	__u32 read_only;	/* 1 after an I/O error, until recovered */
	__u32 __reserved;
	/* replay passed over damaged records (size-versioned: added at the end) */
	__u64 skipped_records;
	__u64 skipped_bytes;
	__u64 data_bytes;	/* key + value bytes stored */
	__u64 user_bytes;	/* charged bytes of the caller's keys */
	__u64 user_max_bytes;	/* per-owner limit (0: none; root: none) */
	/*
	 * Mutations that found their key's stripe lock held (it is held across
	 * the fsync under sync=always), and for how long they waited in all:
	 * key_* when the holder changed the same key (an inherent wait),
	 * stripe_* when it changed another key sharing the stripe.
	 */
	__u64 key_waits;
	__u64 key_wait_ns;
	__u64 stripe_waits;
	__u64 stripe_wait_ns;
};

struct smap_version {
	__u32 abi;		/* SMAP_ABI_VERSION */
	__u32 key_max;
	__u32 value_max;
	__u32 __reserved;
	__u64 max_bytes;
	__u64 user_max_bytes;
};

#define SMAP_IOC_MAGIC	0xBD	/* free in ioctl-number.rst */

#define SMAP_IOC_VERSION	_IOR(SMAP_IOC_MAGIC, 0x00, struct smap_version)
#define SMAP_IOC_SET		_IOWR(SMAP_IOC_MAGIC, 0x01, struct smap_kv)
#define SMAP_IOC_GET		_IOWR(SMAP_IOC_MAGIC, 0x02, struct smap_kv)
#define SMAP_IOC_DEL		_IOWR(SMAP_IOC_MAGIC, 0x03, struct smap_kv)
#define SMAP_IOC_INCR		_IOWR(SMAP_IOC_MAGIC, 0x04, struct smap_incr)
#define SMAP_IOC_CAS		_IOWR(SMAP_IOC_MAGIC, 0x05, struct smap_cas)
#define SMAP_IOC_LIST		_IOWR(SMAP_IOC_MAGIC, 0x06, struct smap_list)
#define SMAP_IOC_BATCH		_IOWR(SMAP_IOC_MAGIC, 0x07, struct smap_batch)
#define SMAP_IOC_STATS		_IOR(SMAP_IOC_MAGIC, 0x08, struct smap_stats)
#define SMAP_IOC_RECOVER	_IO(SMAP_IOC_MAGIC, 0x09)	/* leave read-only */

/* Generic netlink: commands and attributes. */
enum smap_cmd {
	SMAP_CMD_UNSPEC = 0,
	SMAP_CMD_SET,
	SMAP_CMD_GET,
	SMAP_CMD_DEL,
	SMAP_CMD_INCR,
	SMAP_CMD_CAS,
	SMAP_CMD_LIST,		/* dump: one message per key */
	SMAP_CMD_STATS,
	SMAP_CMD_REPLY,		/* kernel -> user */
	SMAP_CMD_STAGE,		/* a part of a staged value (see below) */
	SMAP_CMD_STAGE_ABORT,	/* discard the socket's staged values */
	__SMAP_CMD_MAX
};
#define SMAP_CMD_MAX (__SMAP_CMD_MAX - 1)

enum smap_attr {
	SMAP_A_UNSPEC = 0,
	SMAP_A_KEY,		/* binary, 1..SMAP_KEY_MAX */
	SMAP_A_VALUE,		/* binary, 0..SMAP_NL_VALUE_MAX */
	SMAP_A_OLD_VALUE,	/* binary: cas */
	SMAP_A_MODE,		/* u32 */
	SMAP_A_DELTA,		/* s64: incr */
	SMAP_A_RESULT,		/* s64: incr reply */
	SMAP_A_STATUS,		/* u32: enum smap_status */
	SMAP_A_UID,		/* u32: get reply; set with SMAP_F_OWNER */
	SMAP_A_GID,		/* u32: get reply; set with SMAP_F_OWNER */
	SMAP_A_PREFIX,		/* binary: list */
	SMAP_A_STATS,		/* binary: struct smap_stats */
	SMAP_A_PAD,
	SMAP_A_FLAGS,		/* u32: SMAP_F_EXCL, SMAP_F_OWNER (set) */
	/*
	 * Values of any length up to value_max: a value (set, cas's new
	 * value, a get reply) is either one SMAP_A_VALUE of at most
	 * SMAP_NL_VALUE_MAX bytes or the concatenation, in order, of the
	 * message's SMAP_A_VALUE_PART attributes (each at most
	 * SMAP_NL_VALUE_MAX bytes), never both; cas's old value likewise
	 * with SMAP_A_OLD_VALUE_PART. A get request carrying an empty
	 * SMAP_A_VALUE_PART asks for a value longer than SMAP_NL_VALUE_MAX
	 * in parts (without it such a get fails with EMSGSIZE, as before).
	 * One message must still fit the sender's socket buffer (SO_SNDBUF):
	 * a longer value is staged (SMAP_CMD_STAGE, below).
	 */
	SMAP_A_VALUE_PART,	/* binary */
	SMAP_A_OLD_VALUE_PART,	/* binary: cas */
	/*
	 * u32: in a list dump request, asks for a last message carrying only
	 * SMAP_A_SKIPPED: how many keys with the prefix the dump passed over
	 * because the requester may not read them.
	 */
	SMAP_A_SKIPPED,
	/*
	 * Staged values, for a request that would not fit the sender's
	 * socket buffer (a user without CAP_NET_ADMIN cannot raise SO_SNDBUF
	 * past net.core.wmem_max). SMAP_CMD_STAGE messages carry a value in
	 * pieces: SMAP_A_STAGE_TOTAL (u32, the whole value's length, at most
	 * value_max, else EMSGSIZE; the same in every piece),
	 * SMAP_A_STAGE_OFFSET (u32, where this piece starts: exactly the
	 * bytes staged so far, else EINVAL, so a lost, repeated or reordered
	 * piece is refused and changes nothing) and the piece's bytes as
	 * SMAP_A_VALUE_PART attributes (the new value) or
	 * SMAP_A_OLD_VALUE_PART attributes (cas's old value), not both. The
	 * piece at offset 0 starts that value's staging (EINVAL if one is
	 * under way). Then a SMAP_CMD_SET or SMAP_CMD_CAS carrying
	 * SMAP_A_STAGED (u32: SMAP_STAGED_VALUE, SMAP_STAGED_OLD) takes
	 * those values from the staging instead of from attributes (EINVAL
	 * if the request carries them too, if the staging holds another
	 * set of values, or one is incomplete; ENODATA if nothing is
	 * staged) and is applied, checked and made durable exactly as a
	 * request carrying them; it consumes the staging whatever its
	 * outcome. A staging belongs to its socket: it is discarded when
	 * the socket is closed, by SMAP_CMD_STAGE_ABORT, or at rmmod, and
	 * is never visible. A process whose euid is not that of the one
	 * that started it gets EPERM; another socket sees none of it. The
	 * staged bytes of a uid other than root (each value's length plus
	 * 256) are limited by the module parameter nl_stage_user_max
	 * (ENOBUFS).
	 */
	SMAP_A_STAGE_OFFSET,	/* u32 */
	SMAP_A_STAGE_TOTAL,	/* u32 */
	SMAP_A_STAGED,		/* u32: SMAP_STAGED_* (set, cas) */
	__SMAP_A_MAX
};
#define SMAP_A_MAX (__SMAP_A_MAX - 1)

/* SMAP_A_STAGED: which values of a set or cas come from the staging */
#define SMAP_STAGED_VALUE	(1U << 0)
#define SMAP_STAGED_OLD		(1U << 1)	/* cas only */

/*
 * BACKUP: the whole store as it stands at one sequence number, written to
 * .fd (a regular, empty file open for writing, opened by the caller) as a
 * snapshot file of the log format (persist/FORMAT.md: base_segment 1,
 * first_seq = .seq, every live key, an END record), then fsynced; a
 * directory holding it as "snapshot" loads with the module's path=DIR and
 * passes smap-log verify. It holds every user's values, so it needs
 * CAP_SYS_ADMIN (of the opener of /dev/shared_map and of the caller):
 * EPERM otherwise. EINVAL if .fd is not a regular file, EBADF if it is not
 * open for writing, ENOTEMPTY if it is not empty. Mutations wait only
 * while the live set is referenced (.hold_ns), not while it is written.
 */
struct smap_backup {
	__s32 fd;		/* in */
	__u32 flags;		/* in: must be zero */
	__u64 seq;		/* out: every record up to it, none after */
	__u64 keys;		/* out */
	__u64 bytes;		/* out: the file's size */
	__u64 hold_ns;		/* out: how long mutations were held */
};

#define SMAP_IOC_BACKUP		_IOWR(SMAP_IOC_MAGIC, 0x0A, struct smap_backup)

/*
 * WATCH: a change notification stream. ioctl(fd, SMAP_IOC_WATCH, &req)
 * returns a new file descriptor (close-on-exec; O_NONBLOCK with
 * SMAP_WATCH_NONBLOCK) that read(2) returns events from, whole events
 * only (EINVAL if the buffer cannot hold the next one), and that poll(2)
 * and epoll report readable (EPOLLIN) while an event is queued. Events
 * are the mutations acknowledged after the call returned, of keys
 * starting with the prefix (equal to it with SMAP_WATCH_EXACT) that the
 * opener of the device file may read (the mode bits as of the mutation,
 * or CAP_SYS_ADMIN of the caller and opener when the watch is opened),
 * in the order they were acknowledged. Each listener has its own queue
 * of at most queue_len events (0: the module's watch_queue_max; larger is
 * cut to it) and of bytes in proportion; a full queue drops events and
 * queues one SMAP_WATCH_OVERFLOW event in their place (the reader must
 * resync), then queues again once read. A uid other than root has at
 * most watch_user_max open (EMFILE past it). Read with _IOC_SIZE: the
 * struct is extensible as the others are.
 */
#define SMAP_WATCH_EXACT	(1U << 0)	/* the key equals the prefix */
#define SMAP_WATCH_NONBLOCK	(1U << 1)	/* O_NONBLOCK on the new fd */
struct smap_watch_req {
	__u64 prefix;		/* user pointer; may be 0 with prefix_len 0 */
	__u32 prefix_len;	/* 0: every key */
	__u32 flags;		/* SMAP_WATCH_* */
	__u32 queue_len;	/* events; 0: watch_queue_max */
	__u32 __reserved;	/* must be zero */
};

/*
 * An event, as read(2) returns it: this header, key_len key bytes, zero
 * padding to size (a multiple of SMAP_WATCH_ALIGN). op is SMAP_OP_SET,
 * DEL, INCR or CAS (what the caller asked for; a SET may have created
 * the key), or SMAP_WATCH_OVERFLOW (no key: events were dropped from seq
 * on). seq is the store's event number, one per acknowledged mutation
 * while anyone watches, increasing in the order events are queued: a
 * watcher sees it strictly increasing, with gaps for the keys it does not
 * see. It is not the log's record sequence (which is given out before
 * the fsync, so in another order than acknowledgements, and not with
 * every sync mode).
 */
#define SMAP_WATCH_OVERFLOW	0xFFFF
#define SMAP_WATCH_ALIGN	8
struct smap_watch_event {
	__u32 size;		/* header + key + padding */
	__u16 op;		/* enum smap_op, or SMAP_WATCH_OVERFLOW */
	__u16 key_len;
	__u64 seq;
	__u8 key[];
};

#define SMAP_IOC_WATCH		_IOW(SMAP_IOC_MAGIC, 0x0B, struct smap_watch_req)

#endif /* _UAPI_LINUX_SHARED_MAP_H */
