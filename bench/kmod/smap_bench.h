/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * smap_bench.h: the ABI between smap-bench and the benchmark modules
 * (bench/kmod/smap_nop.c, bench/kmod/smap_kbench.c), and the latency
 * histogram both sides fill.
 *
 * The histogram is HdrHistogram-like: values below 64 ns are exact, above
 * that every power of two is split into 64 linear sub-buckets, so a bucket
 * is at most 1/64 (1.6 %) of its value wide. Values are clamped to 2^40 ns.
 */
#ifndef SMAP_BENCH_H
#define SMAP_BENCH_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define SMAP_HIST_SUB_BITS	6
#define SMAP_HIST_SUB		(1U << SMAP_HIST_SUB_BITS)
#define SMAP_HIST_MAX_BIT	40
#define SMAP_HIST_BUCKETS	\
	(SMAP_HIST_SUB + (SMAP_HIST_MAX_BIT - SMAP_HIST_SUB_BITS + 1) * SMAP_HIST_SUB)

static inline unsigned int smap_hist_index(__u64 v)
{
	unsigned int msb;

	if (v < SMAP_HIST_SUB)
		return (unsigned int)v;
	if (v >= (1ULL << (SMAP_HIST_MAX_BIT + 1)))
		v = (1ULL << (SMAP_HIST_MAX_BIT + 1)) - 1;
	msb = 63 - __builtin_clzll(v);
	return SMAP_HIST_SUB + (msb - SMAP_HIST_SUB_BITS) * SMAP_HIST_SUB +
	       (unsigned int)((v >> (msb - SMAP_HIST_SUB_BITS)) - SMAP_HIST_SUB);
}

/* Lowest value of bucket @i; the bucket is smap_hist_width(i) wide. */
static inline __u64 smap_hist_low(unsigned int i)
{
	unsigned int b;

	if (i < SMAP_HIST_SUB)
		return i;
	b = (i - SMAP_HIST_SUB) / SMAP_HIST_SUB;
	return (__u64)(SMAP_HIST_SUB + (i - SMAP_HIST_SUB) % SMAP_HIST_SUB) << b;
}

static inline __u64 smap_hist_width(unsigned int i)
{
	if (i < SMAP_HIST_SUB)
		return 1;
	return 1ULL << ((i - SMAP_HIST_SUB) / SMAP_HIST_SUB);
}

#ifdef __KERNEL__
typedef u64 smap_lat_u64;
#else
#include <stdint.h>
typedef uint64_t smap_lat_u64;
#endif

/*
 * One direction's samples: counters beside a SMAP_HIST_BUCKETS histogram
 * (kept apart: the kernel vzalloc()s it, smap-bench keeps it in shared
 * memory). The one copy of the code both sides record and merge with.
 */
struct smap_lat {
	smap_lat_u64 n;
	smap_lat_u64 bytes;
	smap_lat_u64 sum;
	smap_lat_u64 min;	/* ~0 while n is 0 */
	smap_lat_u64 max;
};

static inline void smap_lat_add(struct smap_lat *s, smap_lat_u64 *hist,
				smap_lat_u64 ns, smap_lat_u64 bytes)
{
	s->n++;
	s->bytes += bytes;
	s->sum += ns;
	s->min = ns < s->min ? ns : s->min;
	s->max = ns > s->max ? ns : s->max;
	hist[smap_hist_index(ns)]++;
}

static inline void smap_lat_merge(struct smap_lat *to, smap_lat_u64 *to_hist,
				  const struct smap_lat *from,
				  const smap_lat_u64 *from_hist)
{
	unsigned int i;

	to->n += from->n;
	to->bytes += from->bytes;
	to->sum += from->sum;
	to->min = from->min < to->min ? from->min : to->min;
	to->max = from->max > to->max ? from->max : to->max;
	for (i = 0; i < SMAP_HIST_BUCKETS; i++)
		to_hist[i] += from_hist[i];
}

/*
 * The benchmark's keys, identical on every transport: @size bytes, "k" then
 * the decimal index right-aligned and zero-padded (low digits kept when the
 * key is too short for the index).
 */
static inline void smap_bench_key(char *buf, unsigned int size, __u64 idx)
{
	unsigned int i;

	if (!size)
		return;
	buf[0] = 'k';
	for (i = size - 1; i >= 1; i--) {
		buf[i] = (char)('0' + idx % 10);
		idx /= 10;
	}
}

/* xorshift64*: the per-job key chooser (never seeded with 0). */
static inline __u64 smap_bench_rand(__u64 *s)
{
	__u64 x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* ---- smap_nop: /dev/smap_nop and the "smap_echo" genl family ---------- */
#define SMAP_NOP_DEVICE_PATH	"/dev/smap_nop"

/* The same size as struct smap_kv: copied in, touched, copied back. */
struct smap_nop_arg {
	__u64 a;
	__u64 b;
	__u32 c[8];
};

#define SMAP_NOP_IOC_MAGIC	0xBE
#define SMAP_NOP_IOC_ECHO	_IOWR(SMAP_NOP_IOC_MAGIC, 0x01, struct smap_nop_arg)

#define SMAP_ECHO_GENL_NAME	"smap_echo"
#define SMAP_ECHO_GENL_VERSION	1
enum {
	SMAP_ECHO_CMD_UNSPEC = 0,
	SMAP_ECHO_CMD_ECHO,	/* request and reply */
	__SMAP_ECHO_CMD_MAX
};
enum {
	SMAP_ECHO_A_UNSPEC = 0,
	SMAP_ECHO_A_DATA,	/* binary, echoed back */
	__SMAP_ECHO_A_MAX
};
#define SMAP_ECHO_A_MAX		(__SMAP_ECHO_A_MAX - 1)
#define SMAP_ECHO_DATA_MAX	65000

/* ---- smap_kbench: /dev/smap_kbench, the kapi load generator ------------ */
#define SMAP_KBENCH_DEVICE_PATH	"/dev/smap_kbench"
#define SMAP_KBENCH_THREADS_MAX	64

enum smap_kbench_rw {
	SMAP_KB_SET = 0,
	SMAP_KB_GET,
	SMAP_KB_MIXED,		/* alternate get and set */
	SMAP_KB_INCR,
};

struct smap_kbench_run {
	/* in */
	__u32 rw;		/* enum smap_kbench_rw */
	__u32 threads;		/* 1..SMAP_KBENCH_THREADS_MAX */
	__u64 ops;		/* per thread; 0: run for runtime_ns */
	__u64 runtime_ns;
	__u64 keys;		/* key space */
	__u32 key_size;
	__u32 value_size;
	__u64 hist_read;	/* user pointer: __u64[SMAP_HIST_BUCKETS] */
	__u64 hist_write;	/* user pointer: __u64[SMAP_HIST_BUCKETS] */
	__u32 buckets;		/* SMAP_HIST_BUCKETS */
	__u32 __reserved;
	/* out */
	__u64 elapsed_ns;
	__u64 reads;
	__u64 writes;
	__u64 errors;
	__u64 read_bytes;
	__u64 write_bytes;
	__u64 read_sum_ns;
	__u64 write_sum_ns;
	__u64 read_min_ns;
	__u64 read_max_ns;
	__u64 write_min_ns;
	__u64 write_max_ns;
	__s32 first_error;	/* first -errno an operation returned */
	__u32 api;		/* 1 when built against module/smap_api.h */
};

#define SMAP_KBENCH_IOC_MAGIC	0xBF
#define SMAP_KBENCH_IOC_RUN	_IOWR(SMAP_KBENCH_IOC_MAGIC, 0x01, struct smap_kbench_run)

#endif /* SMAP_BENCH_H */
