// SPDX-License-Identifier: GPL-2.0
/* smap-bench: the kapi transport, smap_kbench's kthreads. */
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

/* The kapi transport: smap_kbench's kthreads do the work. */
uint64_t run_kapi(struct lat_stat *tot, int *first_error, char *msg,
			 size_t msg_len)
{
	struct smap_kbench_run a = {
		.rw = (uint32_t)o.rw,
		.threads = o.numjobs,
		.ops = o.ops,
		.runtime_ns = o.ops ? 0 : (uint64_t)(o.runtime * 1e9),
		.keys = o.keys,
		.key_size = o.key_size,
		.value_size = o.value_size,
		.buckets = SMAP_HIST_BUCKETS,
	};
	int fd = open(SMAP_KBENCH_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("open %s: %s (modprobe smap_kbench)", SMAP_KBENCH_DEVICE_PATH,
		    strerror(errno));
	lat_init(&tot[DIR_READ]);
	lat_init(&tot[DIR_WRITE]);
	a.hist_read = (uintptr_t)tot[DIR_READ].hist;
	a.hist_write = (uintptr_t)tot[DIR_WRITE].hist;
	if (ioctl(fd, SMAP_KBENCH_IOC_RUN, &a) < 0)
		die("kapi run: %s%s", strerror(errno),
		    errno == ENOPKG ? " (shared_map does not export its API)" : "");
	close(fd);
	tot[DIR_READ].l.n = a.reads;
	tot[DIR_READ].l.bytes = a.read_bytes;
	tot[DIR_READ].l.sum = a.read_sum_ns;
	tot[DIR_READ].l.min = a.reads ? a.read_min_ns : UINT64_MAX;
	tot[DIR_READ].l.max = a.read_max_ns;
	tot[DIR_WRITE].l.n = a.writes;
	tot[DIR_WRITE].l.bytes = a.write_bytes;
	tot[DIR_WRITE].l.sum = a.write_sum_ns;
	tot[DIR_WRITE].l.min = a.writes ? a.write_min_ns : UINT64_MAX;
	tot[DIR_WRITE].l.max = a.write_max_ns;
	if (o.rw == RW_GET)
		tot[DIR_READ].errors = a.errors;
	else
		tot[DIR_WRITE].errors = a.errors;
	*first_error = -a.first_error;
	if (a.errors)
		snprintf(msg, msg_len, "kapi: %s", strerror(-a.first_error));
	return a.elapsed_ns;
}

