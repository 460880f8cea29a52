// SPDX-License-Identifier: GPL-2.0
/* smap-bench: the options. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

const char *const rw_names[4] = { "set", "get", "mixed", "incr" };
const char *const engine_names[4] = { "smap", "redis", "nop-ioctl",
				      "nop-genl" };
const char *const transport_names[3] = { "ioctl", "netlink", "kapi" };

struct opts o = {
	.name = "smap",
	.rw = RW_GET,
	.engine = ENG_SMAP,
	.transport = TR_IOCTL,
	.numjobs = 1,
	.key_size = 16,
	.value_size = 64,
	.keys = 10000,
	.redis_socket = "/tmp/redis.sock",
	.prefill = -1,
	.seed = 1,
};

static void usage(int rc)
{
	printf("usage: smap-bench [options]\n"
	       "  --name=NAME                 job name in the report\n"
	       "  --rw=set|get|mixed|incr     operation (mixed: alternate get and set)\n"
	       "  --engine=smap|redis|nop-ioctl|nop-genl\n"
	       "  --transport=ioctl|netlink|kapi   (engine smap)\n"
	       "  --numjobs=N                 processes (kapi: kernel threads)\n"
	       "  --runtime=S | --ops=N       duration, or operations per job\n"
	       "  --key-size=B --value-size=B sizes (k/m suffixes; values up to\n"
	       "                              1m on every transport, netlink in parts)\n"
	       "  --keys=N                    key space (random uniform keys)\n"
	       "  --sync=always|batch|none    write shared_map's sync parameter first\n"
	       "  --redis-socket=PATH         engine redis (default /tmp/redis.sock)\n"
	       "  --prefill=0|1               create every key first (default: get/mixed)\n"
	       "  --seed=N                    key sequence seed\n"
	       "  --batch=N                   set: N sets per SMAP_IOC_BATCH call, each\n"
	       "                              call timed as one operation (ioctl)\n"
	       "  --thinktime=US              sleep US microseconds after each operation\n"
	       "                              (fio's thinktime; not timed)\n"
	       "  --output-format=json|json+|normal   json+: with latency bins\n");
	exit(rc);
}

static const char *const syncs[] = { "always", "batch", "none" };

/* smap-bench's own options (benchopts.c parses the shared ones) */
static void smap_opt(int val, const char *arg)
{
	switch (val) {
	case 'e':
		o.engine = (enum engine)bench_pick(arg, engine_names, 4,
						   "--engine");
		break;
	case 't':
		o.transport = (enum transport)bench_pick(arg, transport_names,
							 3, "--transport");
		break;
	case 's':
		bench_pick(arg, syncs, 3, "--sync");
		o.sync = arg;
		break;
	case 'S': o.redis_socket = arg; break;
	case 'b': o.batch = (unsigned int)atoi(arg); break;
	case 'T':
		o.thinktime_us = bench_parse_size(arg, "--thinktime");
		if (o.thinktime_us > 1000000)
			die("--thinktime must be 0..1000000 (microseconds)");
		break;
	default: usage(2);
	}
}

void parse_opts(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "engine", required_argument, NULL, 'e' },
		{ "transport", required_argument, NULL, 't' },
		{ "sync", required_argument, NULL, 's' },
		{ "redis-socket", required_argument, NULL, 'S' },
		{ "batch", required_argument, NULL, 'b' },
		{ "thinktime", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct bench_opts_spec spec = {
		.rw_names = rw_names,
		.n_rw = 4,
		.extra = lo,
		.extra_opt = smap_opt,
		.usage = usage,
	};

	bench_parse_opts(argc, argv, &o.c, &spec);
	if (!o.keys)
		die("--keys must be > 0");
	if (o.batch && (o.rw != RW_SET || o.engine != ENG_SMAP ||
			o.transport != TR_IOCTL || o.batch > 65536))
		die("--batch=1..65536 is for --rw=set on the ioctl transport");
	if (!o.key_size || o.key_size > SMAP_KEY_MAX)
		die("--key-size must be 1..%d", SMAP_KEY_MAX);
	if (o.value_size > SMAP_VALUE_MAX)
		die("--value-size must be <= %d", SMAP_VALUE_MAX);
}
