/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shared_map: writable numeric module parameters that accept only a range.
 * A value outside it, at modprobe or written to sysfs, is refused with
 * -EINVAL (and one rate-limited dmesg line naming the range); the parameter
 * keeps its value.
 */
#ifndef SMAP_PARAM_H
#define SMAP_PARAM_H

#include <linux/build_bug.h>
#include <linux/moduleparam.h>
#include <linux/types.h>

struct smap_param_range {
	void *val;		/* an unsigned int, long or long long */
	unsigned int size;	/* sizeof(*val): 4 or 8 */
	u64 min, max;
};

extern const struct kernel_param_ops smap_param_range_ops;

/* module_param_named(@name, @var, ..., @perm) accepting @lo..@hi only */
#define smap_param_range(name, var, lo, hi, perm)			\
	static_assert(sizeof(var) == 4 || sizeof(var) == 8);		\
	static struct smap_param_range smap_param_range_##name = {	\
		.val = &(var), .size = sizeof(var),			\
		.min = (lo), .max = (hi),				\
	};								\
	module_param_cb(name, &smap_param_range_ops,			\
			&smap_param_range_##name, perm)

#endif /* SMAP_PARAM_H */
