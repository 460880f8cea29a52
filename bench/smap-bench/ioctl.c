// SPDX-License-Identifier: GPL-2.0
/* smap-bench: the ioctl transport, /dev/shared_map and /dev/smap_nop. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bench.h"

int ioctl_open(struct conn *c, const char *path)
{
	c->fd = open(path, O_RDWR | O_CLOEXEC);
	return c->fd < 0 ? -errno : 0;
}

/* ---- batches of sets (SMAP_IOC_BATCH) ---- */

size_t batch_entry_size(void)
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


/* One operation on the current key. */
int ioctl_smap_op(struct conn *c, enum rw op, uint64_t *bytes)
{
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

		if (ioctl(c->fd, op == RW_SET ? SMAP_IOC_SET : SMAP_IOC_GET,
			  &kv) < 0)
			return -errno;
		*bytes = kv.value_len;
		return 0;
	}
}

int ioctl_nop_op(struct conn *c, enum rw op, uint64_t *bytes)
{
	struct smap_nop_arg a = { .a = (uintptr_t)c->key };

	*bytes = op == RW_SET ? o.value_size : 0;
	return ioctl(c->fd, SMAP_NOP_IOC_ECHO, &a) < 0 ? -errno : 0;
}
