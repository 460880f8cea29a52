// SPDX-License-Identifier: GPL-2.0
/*
 * peer-bpf.c: a BPF hash map for peer-bench, through the raw bpf()
 * system call (no libbpf): BPF_MAP_CREATE of a BPF_MAP_TYPE_HASH with the
 * benchmark's key and value sizes and max_entries = the key space, created
 * once by the parent, its fd inherited by every job process (as processes
 * sharing a pinned map each hold an fd to it). A get is
 * BPF_MAP_LOOKUP_ELEM, a set BPF_MAP_UPDATE_ELEM with BPF_ANY. The map is
 * memory only: nothing is logged, nothing survives a reboot.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

#include "peer.h"

static int map_fd = -1;
static unsigned int value_size;

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int bpf_setup(const struct peer_opts *o)
{
	union bpf_attr a;

	if (!o->value_size || o->keys > UINT32_MAX)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_HASH;
	a.key_size = o->key_size;
	a.value_size = o->value_size;
	a.max_entries = (uint32_t)o->keys;
	memcpy(a.map_name, "peer_bench", sizeof("peer_bench"));
	map_fd = (int)sys_bpf(BPF_MAP_CREATE, &a);
	value_size = o->value_size;
	return map_fd < 0 ? -errno : 0;
}

static int bpf_open(const struct peer_opts *o, void **h)
{
	(void)o;
	*h = &map_fd;
	return 0;
}

static int bpf_set(void *h, const char *key, size_t klen, const char *val,
		   size_t vlen)
{
	union bpf_attr a;

	(void)klen;
	(void)vlen;
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)*(int *)h;
	a.key = (uintptr_t)key;
	a.value = (uintptr_t)val;
	a.flags = BPF_ANY;
	return sys_bpf(BPF_MAP_UPDATE_ELEM, &a) < 0 ? -errno : 0;
}

static int bpf_get(void *h, const char *key, size_t klen, char *buf,
		   size_t len, size_t *vlen)
{
	union bpf_attr a;

	(void)klen;
	if (len < value_size)
		return -ENOBUFS;
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)*(int *)h;
	a.key = (uintptr_t)key;
	a.value = (uintptr_t)buf;
	if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &a) < 0)
		return -errno;
	*vlen = value_size;
	return 0;
}

static void bpf_close(void *h)
{
	(void)h;
}

static void bpf_teardown(void)
{
	close(map_fd);
}

const struct peer_engine peer = {
	.name = "bpf",
	.sync = "none (memory only)",
	.setup = bpf_setup,
	.open = bpf_open,
	.set = bpf_set,
	.get = bpf_get,
	.close = bpf_close,
	.teardown = bpf_teardown,
};
