// SPDX-License-Identifier: GPL-2.0
/* smap-bench: the options. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>

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


static int pick(const char *v, const char *const *names, unsigned int n,
		const char *what)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(v, names[i]))
			return (int)i;
	die("unknown %s '%s'", what, v);
}

static uint64_t parse_size(const char *v, const char *what)
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

static void usage(int rc)
{
	printf("usage: smap-bench [options]\n"
	       "  --name=NAME                 job name in the report\n"
	       "  --rw=set|get|mixed|incr     operation (mixed: alternate get and set)\n"
	       "  --engine=smap|redis|nop-ioctl|nop-genl\n"
	       "  --transport=ioctl|netlink|kapi   (engine smap)\n"
	       "  --numjobs=N                 processes (kapi: kernel threads)\n"
	       "  --runtime=S | --ops=N       duration, or operations per job\n"
	       "  --key-size=B --value-size=B sizes (k/m suffixes)\n"
	       "  --keys=N                    key space (random uniform keys)\n"
	       "  --sync=always|batch|none    write shared_map's sync parameter first\n"
	       "  --redis-socket=PATH         engine redis (default /tmp/redis.sock)\n"
	       "  --prefill=0|1               create every key first (default: get/mixed)\n"
	       "  --seed=N                    key sequence seed\n"
	       "  --batch=N                   set: N sets per SMAP_IOC_BATCH call, each\n"
	       "                              call timed as one operation (ioctl)\n"
	       "  --output-format=json|json+|normal   json+: with latency bins\n");
	exit(rc);
}

void parse_opts(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "rw", required_argument, NULL, 'r' },
		{ "engine", required_argument, NULL, 'e' },
		{ "transport", required_argument, NULL, 't' },
		{ "numjobs", required_argument, NULL, 'j' },
		{ "runtime", required_argument, NULL, 'R' },
		{ "ops", required_argument, NULL, 'o' },
		{ "key-size", required_argument, NULL, 'k' },
		{ "value-size", required_argument, NULL, 'v' },
		{ "keys", required_argument, NULL, 'K' },
		{ "sync", required_argument, NULL, 's' },
		{ "redis-socket", required_argument, NULL, 'S' },
		{ "prefill", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 'x' },
		{ "output-format", required_argument, NULL, 'f' },
		{ "batch", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const syncs[] = { "always", "batch", "none" };
	int c;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'n': o.name = optarg; break;
		case 'r': o.rw = (enum rw)pick(optarg, rw_names, 4, "--rw"); break;
		case 'e':
			o.engine = (enum engine)pick(optarg, engine_names, 4,
						     "--engine");
			break;
		case 't':
			o.transport = (enum transport)pick(optarg,
							   transport_names, 3,
							   "--transport");
			break;
		case 'j': o.numjobs = (unsigned int)atoi(optarg); break;
		case 'R': o.runtime = atof(optarg); break;
		case 'o': o.ops = parse_size(optarg, "--ops"); break;
		case 'k': o.key_size = (unsigned int)parse_size(optarg, "--key-size"); break;
		case 'v': o.value_size = (unsigned int)parse_size(optarg, "--value-size"); break;
		case 'K': o.keys = parse_size(optarg, "--keys"); break;
		case 's':
			pick(optarg, syncs, 3, "--sync");
			o.sync = optarg;
			break;
		case 'S': o.redis_socket = optarg; break;
		case 'p': o.prefill = atoi(optarg); break;
		case 'x': o.seed = strtoull(optarg, NULL, 0); break;
		case 'b': o.batch = (unsigned int)atoi(optarg); break;
		case 'f':
			if (fio_output_format(optarg, &o.json, &o.json_plus))
				die("unknown --output-format '%s'", optarg);
			break;
		case 'h': usage(0); break;
		default: usage(2);
		}
	}
	if (optind < argc)
		die("unexpected argument '%s'", argv[optind]);
	if (!o.numjobs || o.numjobs > 1024)
		die("--numjobs must be 1..1024");
	if (!o.ops && o.runtime <= 0)
		o.runtime = 5;
	if (!o.keys)
		die("--keys must be > 0");
	if (o.batch && (o.rw != RW_SET || o.engine != ENG_SMAP ||
			o.transport != TR_IOCTL || o.batch > 65536))
		die("--batch=1..65536 is for --rw=set on the ioctl transport");
	if (!o.key_size || o.key_size > SMAP_KEY_MAX)
		die("--key-size must be 1..%d", SMAP_KEY_MAX);
	if (o.value_size > SMAP_VALUE_MAX)
		die("--value-size must be <= %d", SMAP_VALUE_MAX);
	if (o.engine == ENG_SMAP && o.transport == TR_NETLINK &&
	    o.value_size > SMAP_NL_VALUE_MAX)
		die("netlink carries values up to %d bytes", SMAP_NL_VALUE_MAX);}
