// SPDX-License-Identifier: GPL-2.0
/* benchopts: the options every benchmark shares (see benchopts.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchopts.h"
#include "fiojson.h"

/* getopt_long vals of the shared options: above any character */
enum {
	OPT_NAME = 0x100, OPT_RW, OPT_NUMJOBS, OPT_RUNTIME, OPT_OPS,
	OPT_KEY_SIZE, OPT_VALUE_SIZE, OPT_KEYS, OPT_PREFILL, OPT_SEED,
	OPT_FORMAT,
};

static const struct option bench_common_lo[] = {
	{ "name", required_argument, NULL, OPT_NAME },
	{ "rw", required_argument, NULL, OPT_RW },
	{ "numjobs", required_argument, NULL, OPT_NUMJOBS },
	{ "runtime", required_argument, NULL, OPT_RUNTIME },
	{ "ops", required_argument, NULL, OPT_OPS },
	{ "key-size", required_argument, NULL, OPT_KEY_SIZE },
	{ "value-size", required_argument, NULL, OPT_VALUE_SIZE },
	{ "keys", required_argument, NULL, OPT_KEYS },
	{ "prefill", required_argument, NULL, OPT_PREFILL },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "output-format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, 'h' },
};
#define N_COMMON (sizeof(bench_common_lo) / sizeof(bench_common_lo[0]))
#define N_EXTRA_MAX 16

int bench_pick(const char *v, const char *const *names, unsigned int n,
	       const char *what)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(v, names[i]))
			return (int)i;
	die("unknown %s '%s'", what, v);
}

uint64_t bench_parse_size(const char *v, const char *what)
{
	char *end;
	double x = strtod(v, &end);

	if (end == v || x < 0)
		die("bad %s '%s'", what, v);
	switch (*end) {
	case 'k': case 'K': x *= 1024; end++; break;
	case 'm': case 'M': x *= 1024 * 1024; end++; break;
	case 'g': case 'G': x *= 1024.0 * 1024 * 1024; end++; break;
	}
	if (*end == 'i' || *end == 'B' || *end == 'b')
		end++;
	if (*end)
		die("bad %s '%s'", what, v);
	return (uint64_t)x;
}

/* A plain integer (0x... for hex): --numjobs, --prefill, --seed. */
static uint64_t bench_parse_int(const char *v, const char *what)
{
	char *end;
	unsigned long long x = strtoull(v, &end, 0);

	if (end == v || *end)
		die("bad %s '%s'", what, v);
	return x;
}

static void bench_common_opt(struct bench_common *c,
			     const struct bench_opts_spec *spec, int val,
			     const char *arg)
{
	switch (val) {
	case OPT_NAME: c->name = arg; break;
	case OPT_RW: c->rw = bench_pick(arg, spec->rw_names, spec->n_rw, "--rw"); break;
	case OPT_NUMJOBS: c->numjobs = (unsigned int)bench_parse_int(arg, "--numjobs"); break;
	case OPT_RUNTIME: c->runtime = atof(arg); break;
	case OPT_OPS: c->ops = bench_parse_size(arg, "--ops"); break;
	case OPT_KEY_SIZE: c->key_size = (unsigned int)bench_parse_size(arg, "--key-size"); break;
	case OPT_VALUE_SIZE: c->value_size = (unsigned int)bench_parse_size(arg, "--value-size"); break;
	case OPT_KEYS: c->keys = bench_parse_size(arg, "--keys"); break;
	case OPT_PREFILL: c->prefill = (int)bench_parse_int(arg, "--prefill"); break;
	case OPT_SEED: c->seed = bench_parse_int(arg, "--seed"); break;
	case OPT_FORMAT:
		if (fio_output_format(arg, &c->json, &c->json_plus))
			die("unknown --output-format '%s'", arg);
		break;
	case 'h': spec->usage(0); break;
	default: spec->usage(2);
	}
}

void bench_parse_opts(int argc, char **argv, struct bench_common *c,
		      const struct bench_opts_spec *spec)
{
	struct option lo[N_COMMON + N_EXTRA_MAX + 1];
	unsigned int n = 0;
	int val;

	memcpy(lo, bench_common_lo, sizeof(bench_common_lo));
	n = N_COMMON;
	while (spec->extra && spec->extra[n - N_COMMON].name) {
		if (n - N_COMMON == N_EXTRA_MAX)
			die("too many options");
		lo[n] = spec->extra[n - N_COMMON];
		n++;
	}
	memset(&lo[n], 0, sizeof(lo[n]));
	while ((val = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if (val < OPT_NAME && val != 'h' && val != '?' && spec->extra_opt)
			spec->extra_opt(val, optarg);
		else
			bench_common_opt(c, spec, val, optarg);
	}
	if (optind < argc)
		die("unexpected argument '%s'", argv[optind]);
	if (!c->numjobs || c->numjobs > 1024)
		die("--numjobs must be 1..1024");
	if (!c->ops && c->runtime <= 0)
		c->runtime = 5;
}
