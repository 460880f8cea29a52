/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fiojson.h: latency statistics and fio's JSON for one job, for the peer
 * benchmarks (peer-bench.c and its engines). The histogram is
 * smap_bench.h's (64 sub-buckets per power of two), so peers and
 * smap-bench report percentiles and bins with the same resolution.
 *
 * What fio's JSON carries for a job is here: "fio version" (naming us),
 * jobname, "job options" (rw, bs, iodepth, numjobs, ...), read/write/trim
 * each with slat_ns, clat_ns and lat_ns (min, max, mean, stddev, N,
 * percentile) and, for --output-format=json+, "bins" in clat_ns and lat_ns
 * ({"<bucket value in ns>": count}, what fio_jsonplus_clat2csv reads).
 * Our latency is the whole operation, timed by the caller: clat and lat
 * are the same numbers, slat is zero.
 */
#ifndef FIOJSON_H
#define FIOJSON_H

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/utsname.h>

#include "kmod/smap_bench.h"

/* What every operation is timed with. */
static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

struct lat_stat {
	struct smap_lat l;
	uint64_t errors;
	uint64_t hist[SMAP_HIST_BUCKETS];
};

static inline void lat_init(struct lat_stat *s)
{
	memset(s, 0, sizeof(*s));
	s->l.min = UINT64_MAX;
}

static inline void lat_add(struct lat_stat *s, uint64_t ns, uint64_t bytes)
{
	smap_lat_add(&s->l, s->hist, ns, bytes);
}

static inline void lat_merge(struct lat_stat *to, const struct lat_stat *from)
{
	smap_lat_merge(&to->l, to->hist, &from->l, from->hist);
	to->errors += from->errors;
}

/* A bucket's value in ns: its midpoint, clamped to [min, max]. */
static inline uint64_t lat_bucket_ns(const struct lat_stat *s, unsigned int i)
{
	double v = (double)smap_hist_low(i) + (double)(smap_hist_width(i) - 1) / 2;

	v = v < (double)s->l.min ? (double)s->l.min : v;
	v = v > (double)s->l.max ? (double)s->l.max : v;
	return (uint64_t)llround(v);
}

/* fio's rule: the smallest value with at least p % of samples at or below. */
static inline uint64_t lat_percentile(const struct lat_stat *s, double p)
{
	uint64_t want, seen = 0;
	unsigned int i;

	if (!s->l.n)
		return 0;
	want = (uint64_t)ceil((double)s->l.n * p / 100.0);
	want = want < 1 ? 1 : want;
	for (i = 0; i < SMAP_HIST_BUCKETS; i++) {
		seen += s->hist[i];
		if (seen >= want)
			return lat_bucket_ns(s, i);
	}
	return s->l.max;
}

static inline double lat_stddev(const struct lat_stat *s)
{
	double mean, acc = 0;
	unsigned int i;

	if (s->l.n < 2)
		return 0;
	mean = (double)s->l.sum / (double)s->l.n;
	for (i = 0; i < SMAP_HIST_BUCKETS; i++) {
		double d = (double)lat_bucket_ns(s, i) - mean;

		if (s->hist[i])
			acc += d * d * (double)s->hist[i];
	}
	return sqrt(acc / (double)(s->l.n - 1));
}

/* --output-format: json, json+ (json with bins) or normal; -1: none of them. */
static inline int fio_output_format(const char *v, bool *json, bool *plus)
{
	*json = !strcmp(v, "json") || !strcmp(v, "json+");
	*plus = !strcmp(v, "json+");
	return *json || !strcmp(v, "normal") ? 0 : -1;
}

/* What the job was, for "job options" (fio's are strings too). */
struct fio_job {
	const char *version;	/* "fio version": names the tool, not fio */
	const char *name;
	const char *rw;
	const char *engine;
	const char *transport;	/* NULL: none */
	unsigned int bs;	/* value size */
	unsigned int key_size;
	unsigned int numjobs;
	unsigned int batch;	/* operations per call (1: none) */
	uint64_t ops;		/* per job, or 0 with runtime */
	double runtime;
	uint64_t keys;
	const char *sync;
	bool plus;		/* json+: bins */
};

static const double fio_pcts[] = { 1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90,
				   95, 99, 99.5, 99.9, 99.95, 99.99 };

static inline void fio_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* One of slat_ns/clat_ns/lat_ns; @s NULL: fio's all-zero block. */
static inline void fio_json_lat(FILE *f, const char *what,
				const struct lat_stat *s, bool plus)
{
	unsigned int i, n = (unsigned int)(sizeof(fio_pcts) / sizeof(fio_pcts[0]));
	const char *sep = "";

	fprintf(f, "        \"%s\" : {\n", what);
	if (!s || !s->l.n) {
		fprintf(f, "          \"min\" : 0,\n          \"max\" : 0,\n"
			"          \"mean\" : 0.000000,\n          \"stddev\" : 0.000000,\n"
			"          \"N\" : 0\n        }");
		return;
	}
	fprintf(f, "          \"min\" : %" PRIu64 ",\n", s->l.min);
	fprintf(f, "          \"max\" : %" PRIu64 ",\n", s->l.max);
	fprintf(f, "          \"mean\" : %.6f,\n", (double)s->l.sum / (double)s->l.n);
	fprintf(f, "          \"stddev\" : %.6f,\n", lat_stddev(s));
	fprintf(f, "          \"N\" : %" PRIu64 ",\n", s->l.n);
	fprintf(f, "          \"percentile\" : {\n");
	for (i = 0; i < n; i++)
		fprintf(f, "            \"%f\" : %" PRIu64 "%s\n", fio_pcts[i],
			lat_percentile(s, fio_pcts[i]), i + 1 < n ? "," : "");
	fprintf(f, "          }");
	if (plus) {
		fprintf(f, ",\n          \"bins\" : {");
		for (i = 0; i < SMAP_HIST_BUCKETS; i++) {
			if (!s->hist[i])
				continue;
			fprintf(f, "%s\n            \"%" PRIu64 "\" : %" PRIu64, sep,
				lat_bucket_ns(s, i), s->hist[i]);
			sep = ",";
		}
		fprintf(f, "\n          }");
	}
	fprintf(f, "\n        }");
}

static inline void fio_json_dir(FILE *f, const char *name,
				const struct lat_stat *s, uint64_t wall,
				bool plus)
{
	double secs = (double)wall / 1e9;
	double iops = secs > 0 ? (double)s->l.n / secs : 0;
	double bw = secs > 0 ? (double)s->l.bytes / secs : 0;

	fprintf(f, "      \"%s\" : {\n", name);
	fprintf(f, "        \"io_bytes\" : %" PRIu64 ",\n", s->l.bytes);
	fprintf(f, "        \"io_kbytes\" : %" PRIu64 ",\n", s->l.bytes / 1024);
	fprintf(f, "        \"bw_bytes\" : %.0f,\n", bw);
	fprintf(f, "        \"bw\" : %.0f,\n", bw / 1024);
	fprintf(f, "        \"iops\" : %.6f,\n", iops);
	fprintf(f, "        \"runtime\" : %" PRIu64 ",\n", s->l.n ? wall / 1000000 : 0);
	fprintf(f, "        \"total_ios\" : %" PRIu64 ",\n", s->l.n);
	fprintf(f, "        \"short_ios\" : 0,\n");
	fprintf(f, "        \"drop_ios\" : 0,\n");
	fprintf(f, "        \"errors\" : %" PRIu64 ",\n", s->errors);
	fio_json_lat(f, "slat_ns", NULL, false);
	fprintf(f, ",\n");
	fio_json_lat(f, "clat_ns", s, plus);
	fprintf(f, ",\n");
	fio_json_lat(f, "lat_ns", s, plus);
	fprintf(f, "\n      },\n");
}

/* The whole document: one group_reporting job; @st[0] read, @st[1] write. */
static inline void fio_json(FILE *f, const struct fio_job *j,
			    const struct lat_stat st[2], uint64_t wall,
			    int error, const char *msg)
{
	struct lat_stat none;
	struct utsname u;
	time_t t = time(NULL);
	char tbuf[64];

	lat_init(&none);
	uname(&u);
	strftime(tbuf, sizeof(tbuf), "%a %b %e %H:%M:%S %Y", localtime(&t));
	fprintf(f, "{\n  \"fio version\" : ");
	fio_json_str(f, j->version);
	fprintf(f, ",\n  \"timestamp\" : %ld,\n", (long)t);
	fprintf(f, "  \"timestamp_ms\" : %lld,\n", (long long)t * 1000);
	fprintf(f, "  \"time\" : \"%s\",\n", tbuf);
	fprintf(f, "  \"kernel\" : \"%s\",\n", u.release);
	fprintf(f, "  \"jobs\" : [\n    {\n      \"jobname\" : ");
	fio_json_str(f, j->name);
	fprintf(f, ",\n      \"groupid\" : 0,\n");
	fprintf(f, "      \"error\" : %d,\n", error);
	fprintf(f, "      \"job options\" : {\n");
	fprintf(f, "        \"rw\" : \"%s\",\n", j->rw);
	fprintf(f, "        \"bs\" : \"%u\",\n", j->bs);
	fprintf(f, "        \"iodepth\" : \"1\",\n");
	fprintf(f, "        \"numjobs\" : \"%u\",\n", j->numjobs);
	fprintf(f, "        \"engine\" : \"%s\",\n", j->engine);
	if (j->transport)
		fprintf(f, "        \"transport\" : \"%s\",\n", j->transport);
	if (j->ops)
		fprintf(f, "        \"ops\" : \"%" PRIu64 "\",\n", j->ops);
	else
		fprintf(f, "        \"runtime\" : \"%g\",\n", j->runtime);
	fprintf(f, "        \"batch\" : \"%u\",\n", j->batch ? j->batch : 1);
	fprintf(f, "        \"key_size\" : \"%u\",\n", j->key_size);
	fprintf(f, "        \"value_size\" : \"%u\",\n", j->bs);
	fprintf(f, "        \"keys\" : \"%" PRIu64 "\",\n", j->keys);
	fprintf(f, "        \"sync\" : \"%s\"\n", j->sync);
	fprintf(f, "      },\n");
	fio_json_dir(f, "read", &st[0], wall, j->plus);
	fio_json_dir(f, "write", &st[1], wall, j->plus);
	fio_json_dir(f, "trim", &none, wall, j->plus);
	fprintf(f, "      \"job_runtime\" : %" PRIu64 ",\n", wall / 1000000);
	fprintf(f, "      \"elapsed_ns\" : %" PRIu64 ",\n", wall);
	fprintf(f, "      \"error_msg\" : ");
	fio_json_str(f, msg);
	fprintf(f, "\n    }\n  ]\n}\n");
}

#endif
