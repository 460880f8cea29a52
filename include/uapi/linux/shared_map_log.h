/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * shared_map on-disk log format, shared by the module (persist/) and the
 * offline tool (smap-log). Described in persist/FORMAT.md. All integers are
 * little-endian. Everything is 8-byte aligned.
 */
#ifndef _UAPI_LINUX_SHARED_MAP_LOG_H
#define _UAPI_LINUX_SHARED_MAP_LOG_H

#include <linux/types.h>
#include <linux/shared_map.h>

/*
 * Version 2 adds prev_end to log segment headers (the chain check and the
 * cut-back of refused writes). Version 1 files are still read.
 */
#define SMAP_LOG_VERSION	2
#define SMAP_LOG_VERSION_MIN	1
#define SMAP_LOG_ALIGN		8

/* File names inside the log directory. */
#define SMAP_LOG_PREFIX		"log."		/* log.<16 hex digits> */
#define SMAP_SNAP_NAME		"snapshot"
#define SMAP_SNAP_TMP		"snapshot.tmp"
#define SMAP_LOCK_NAME		"LOCK"
#define SMAP_CORRUPT_SUFFIX	".corrupt"

#define SMAP_FILE_MAGIC		0x474c4d53	/* "SMLG" */
#define SMAP_REC_MAGIC		0x52504d53	/* "SMPR" */

enum smap_file_kind {
	SMAP_FILE_LOG = 1,	/* append-only segment */
	SMAP_FILE_SNAPSHOT = 2,	/* compacted live set */
};

/* First 64 bytes of every file. */
struct smap_file_hdr {
	__le32 magic;		/* SMAP_FILE_MAGIC */
	__le32 version;		/* SMAP_LOG_VERSION */
	__le32 kind;		/* enum smap_file_kind */
	__le32 hdr_len;		/* sizeof(struct smap_file_hdr) */
	__le64 segment;		/* log: its number; snapshot: 0 */
	__le64 base_segment;	/* snapshot: replay segments >= this after it */
	__le64 created_ns;	/* wall clock at creation */
	__le64 first_seq;	/* first sequence number this file may hold */
	/*
	 * v2 log: where segment - 1 ends (its bytes past this are refused
	 * writes, never replayed); valid when flags has SMAP_HDR_PREV.
	 */
	__le64 prev_end;
	__le32 flags;		/* SMAP_HDR_* */
	__le32 crc;		/* crc32c of the bytes before this field */
};

#define SMAP_HDR_PREV		0x1	/* prev_end is set: segment - 1 exists */
/*
 * Set in place, once segment + 1 exists durably: a segment that says so and
 * has no successor lost it (the newest segment is the one never marked).
 */
#define SMAP_HDR_NEXT		0x2
/*
 * The segment was extended ahead of its records by zero bytes, made durable
 * once per chunk, so that appends overwrite in place: the records end where
 * the zero bytes that run to the end of the file begin (persist/FORMAT.md,
 * "Preallocation"). A reader that ignores the bit sees a torn tail of
 * zeros and loses nothing.
 */
#define SMAP_HDR_PREALLOC	0x4

enum smap_rec_op {
	SMAP_REC_SET = 1,	/* key := value (incr and cas are logged as SET) */
	SMAP_REC_DEL = 2,
	SMAP_REC_END = 3,	/* snapshot trailer: seq = number of records */
};

/*
 * A record: this header, key_len key bytes, val_len value bytes, zero
 * padding to SMAP_LOG_ALIGN. len is the whole padded length. crc is the
 * crc32c (seed ~0, final xor ~0) of everything after the crc field to the
 * end of the padding, so a torn or partly zeroed record never validates.
 */
struct smap_rec_hdr {
	__le32 magic;		/* SMAP_REC_MAGIC */
	__le32 crc;
	__le32 len;
	__le16 op;		/* enum smap_rec_op */
	__le16 mode;		/* permission bits */
	__le64 seq;		/* strictly increasing across files */
	__le32 key_len;
	__le32 val_len;
	__le32 uid;
	__le32 gid;
};

#define SMAP_REC_MAX_PAYLOAD	(1024 + 1024 * 1024)

static inline __u32 smap_rec_len(__u32 key_len, __u32 val_len)
{
	__u32 n = sizeof(struct smap_rec_hdr) + key_len + val_len;

	return (n + SMAP_LOG_ALIGN - 1) & ~(__u32)(SMAP_LOG_ALIGN - 1);
}

/*
 * Do a record header's fields (already in host byte order) describe a record
 * that can exist? The module's replay and smap-log share this test.
 */
static inline int smap_rec_shape_ok(__u32 op, __u32 key_len, __u32 val_len,
				    __u32 len, __u32 file_kind)
{
	switch (op) {
	case SMAP_REC_SET:
		if (!key_len || key_len > SMAP_KEY_MAX || val_len > SMAP_VALUE_MAX)
			return 0;
		break;
	case SMAP_REC_DEL:
		if (!key_len || key_len > SMAP_KEY_MAX || val_len)
			return 0;
		break;
	case SMAP_REC_END:
		if (file_kind != SMAP_FILE_SNAPSHOT || key_len || val_len)
			return 0;
		break;
	default:
		return 0;
	}
	return len == smap_rec_len(key_len, val_len);
}

#endif /* _UAPI_LINUX_SHARED_MAP_LOG_H */
