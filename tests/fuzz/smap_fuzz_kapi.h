/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * smap_fuzz_kapi: the request the fuzzer hands the test module (one
 * in-kernel API call). Shared by tests/fuzz/smap-fuzz.c and the module.
 */
#ifndef SMAP_FUZZ_KAPI_H
#define SMAP_FUZZ_KAPI_H

#include <linux/types.h>
#include <linux/ioctl.h>

enum smap_fk_op {
	SMAP_FK_SET = 0,	/* smap_set(key, val, mode) */
	SMAP_FK_CREATE,		/* smap_create(key, val, mode) */
	SMAP_FK_GET,		/* smap_get(key, val, &vlen) */
	SMAP_FK_DEL,
	SMAP_FK_INCR,		/* smap_incr(key, delta, &result) */
	SMAP_FK_CAS,		/* smap_cas(key, old, val) */
};

struct smap_fk_req {
	__u32 op;
	__u32 klen;
	__u32 vlen;		/* get: capacity in, length out */
	__u32 olen;
	__u32 mode;
	__s32 err;		/* out: what the call returned */
	__s64 delta;
	__s64 result;		/* out: incr */
	__u8 key[1040];
	__u8 val[4096];
	__u8 old[4096];
};

#define SMAP_FK_IOC	_IOC(_IOC_READ | _IOC_WRITE, 0xBE, 1, 0)

#endif /* SMAP_FUZZ_KAPI_H */
