// SPDX-License-Identifier: GPL-2.0
/* smap-bench: the report, fio's JSON (fiojson.h) or fio-like text. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"


#define NPCTS (sizeof(fio_pcts) / sizeof(fio_pcts[0]))

void out_json(const struct lat_stat *st, uint64_t wall, int first_error,
		     const char *msg, const char *sync_now)
{
	struct fio_job j = {
		.version = BENCH_VERSION,
		.name = o.name,
		.rw = rw_names[o.rw],
		.engine = engine_names[o.engine],
		.transport = o.engine == ENG_SMAP ? transport_names[o.transport] :
			     NULL,
		.bs = o.value_size,
		.key_size = o.key_size,
		.numjobs = o.numjobs,
		.batch = o.batch,
		.ops = o.ops,
		.runtime = o.runtime,
		.keys = o.keys,
		.sync = sync_now,
		.plus = o.json_plus,
	};
	fio_json(stdout, &j, st, wall, first_error, msg);
}

static void fmt_ns(char *buf, size_t len, double ns)
{
	if (ns >= 1e9)
		snprintf(buf, len, "%.2fs", ns / 1e9);
	else if (ns >= 1e6)
		snprintf(buf, len, "%.2fms", ns / 1e6);
	else if (ns >= 1e3)
		snprintf(buf, len, "%.2fus", ns / 1e3);
	else
		snprintf(buf, len, "%.0fns", ns);
}

void out_normal(const struct lat_stat *st, uint64_t wall, int first_error,
		       const char *msg, const char *sync_now)
{
	static const char *const dn[] = { "read", "write" };
	double secs = (double)wall / 1e9;
	unsigned int d, i;

	printf("%s: (groupid=0, jobs=%u): err=%2d: engine=%s transport=%s rw=%s sync=%s\n",
	       o.name, o.numjobs, first_error, engine_names[o.engine],
	       o.engine == ENG_SMAP ? transport_names[o.transport] : "-",
	       rw_names[o.rw], sync_now);
	if (first_error)
		printf("  error: %s\n", msg);
	for (d = 0; d < 2; d++) {
		const struct lat_stat *s = &st[d];
		char a[32], b[32], c[32];

		if (!s->l.n)
			continue;
		printf("  %s: IOPS=%.0f, BW=%.1fKiB/s (%" PRIu64 "B/%" PRIu64 "ms), ops=%" PRIu64 "\n",
		       dn[d], (double)s->l.n / secs, (double)s->l.bytes / 1024 / secs,
		       s->l.bytes, wall / 1000000, s->l.n);
		fmt_ns(a, sizeof(a), (double)s->l.min);
		fmt_ns(b, sizeof(b), (double)s->l.max);
		fmt_ns(c, sizeof(c), (double)s->l.sum / (double)s->l.n);
		printf("    clat: min=%s, max=%s, avg=%s, ", a, b, c);
		fmt_ns(a, sizeof(a), lat_stddev(s));
		printf("stdev=%s\n", a);
		printf("    clat percentiles (nsec):\n");
		for (i = 0; i < NPCTS; i++) {
			printf("%s%6.2fth=[%8" PRIu64 "]%s",
			       i % 4 == 0 ? "     | " : "", fio_pcts[i],
			       lat_percentile(s, fio_pcts[i]),
			       i % 4 == 3 || i + 1 == NPCTS ? ",\n" : ", ");
		}
	}
	printf("\nRun status group 0 (all jobs):\n");
	for (d = 0; d < 2; d++)
		if (st[d].l.n)
			printf("  %5s: bw=%.1fKiB/s, io=%" PRIu64 "B, run=%" PRIu64 "-%" PRIu64 "msec\n",
			       dn[d], (double)st[d].l.bytes / 1024 / secs,
			       st[d].l.bytes, wall / 1000000, wall / 1000000);
}

