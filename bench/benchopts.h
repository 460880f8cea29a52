/* SPDX-License-Identifier: GPL-2.0 */
/*
 * benchopts: the options smap-bench and the peers' *-bench share (--name,
 * --rw, --numjobs, --runtime/--ops, --key-size, --value-size, --keys,
 * --prefill, --seed, --output-format), parsed by one getopt_long loop that
 * hands every other option to the tool. A tool's option struct begins with
 * BENCH_COMMON: its fields are reached as o.numjobs, and the parser fills
 * them as o.c.
 */
#ifndef BENCHOPTS_H
#define BENCHOPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#define BENCH_COMMON_FIELDS						\
	const char *name;	/* job name in the report */		\
	int rw;			/* index into the tool's --rw names */	\
	unsigned int numjobs;						\
	double runtime;		/* seconds, or ops per job: */		\
	uint64_t ops;							\
	unsigned int key_size;						\
	unsigned int value_size;					\
	uint64_t keys;		/* key space */				\
	int prefill;		/* -1: the tool decides */		\
	uint64_t seed;							\
	bool json;							\
	bool json_plus		/* json+: with the histogram's bins */

struct bench_common {
	BENCH_COMMON_FIELDS;
};

/* The first member of a tool's option struct: o.c and o.numjobs alike. */
#define BENCH_COMMON							\
	union {								\
		struct bench_common c;					\
		struct { BENCH_COMMON_FIELDS; };			\
	}

struct bench_opts_spec {
	const char *const *rw_names;	/* --rw's values, in index order */
	unsigned int n_rw;
	const struct option *extra;	/* the tool's own options, or NULL */
	/* one of @extra's options (its val) with its argument */
	void (*extra_opt)(int val, const char *arg);
	void (*usage)(int rc);		/* prints, then exit(rc) */
};

/* Each tool defines it: "TOOL: " + the message on stderr, exit(2). */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* A count or size: digits with an optional k/m/g (x1024) suffix. */
uint64_t bench_parse_size(const char *v, const char *what);
/* The index of @v in @names[@n]; dies naming @what if it is none. */
int bench_pick(const char *v, const char *const *names, unsigned int n,
	       const char *what);

/*
 * Parse the command line into @c (which holds the defaults) and the tool's
 * options; dies on a stray argument or a --numjobs outside 1..1024, and
 * sets --runtime=5 when neither it nor --ops is given.
 */
void bench_parse_opts(int argc, char **argv, struct bench_common *c,
		      const struct bench_opts_spec *spec);

#endif /* BENCHOPTS_H */
