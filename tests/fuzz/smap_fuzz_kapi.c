// SPDX-License-Identifier: GPL-2.0
/*
 * smap_fuzz_kapi: a test module (never shipped) that lets the fuzzer
 * (tests/fuzz/smap-fuzz.c) call the in-kernel API: one ioctl on the root-only
 * misc device /dev/smap_fuzz_kapi runs one smap_*() call on a request
 * copied in whole, and copies the answer back.
 *
 * The lengths are passed to the API as the fuzzer gave them (zero, huge),
 * so that it checks them: only a length that the API would read past this
 * module's buffers is refused here, with -E2BIG, before any call.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <uapi/linux/shared_map.h>

#include "smap_api.h"
#include "smap_fuzz_kapi.h"

static long smap_fk_call(struct smap_fk_req *r)
{
	u32 key_max = sizeof(r->key), val_max = sizeof(r->val);

	/* lengths past our buffers that the API would read: not for it */
	switch (r->op) {
	case SMAP_FK_SET:
	case SMAP_FK_CREATE:
		if (r->klen <= SMAP_KEY_MAX && r->klen > key_max)
			return -E2BIG;
		if (r->vlen <= SMAP_VALUE_MAX && r->vlen > val_max)
			return -E2BIG;
		if (r->op == SMAP_FK_CREATE)
			return smap_create(r->key, r->klen, r->val, r->vlen,
					   r->mode);
		return smap_set(r->key, r->klen, r->val, r->vlen, r->mode);
	case SMAP_FK_GET:
		if (r->klen <= SMAP_KEY_MAX && r->klen > key_max)
			return -E2BIG;
		r->vlen = min(r->vlen, val_max);
		return smap_get(r->key, r->klen, r->val, &r->vlen);
	case SMAP_FK_DEL:
		if (r->klen <= SMAP_KEY_MAX && r->klen > key_max)
			return -E2BIG;
		return smap_del(r->key, r->klen);
	case SMAP_FK_INCR:
		if (r->klen <= SMAP_KEY_MAX && r->klen > key_max)
			return -E2BIG;
		return smap_incr(r->key, r->klen, r->delta, &r->result);
	case SMAP_FK_CAS:
		if ((r->klen <= SMAP_KEY_MAX && r->klen > key_max) ||
		    (r->vlen <= SMAP_VALUE_MAX && r->vlen > val_max) ||
		    (r->olen <= SMAP_VALUE_MAX && r->olen > val_max))
			return -E2BIG;
		return smap_cas(r->key, r->klen, r->old, r->olen, r->val,
				r->vlen);
	default:
		return -EOPNOTSUPP;
	}
}

static long smap_fk_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	void __user *u = (void __user *)arg;
	struct smap_fk_req *r;
	long ret;

	if (cmd != SMAP_FK_IOC)
		return -ENOTTY;
	r = kvmalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	if (copy_from_user(r, u, sizeof(*r))) {
		ret = -EFAULT;
		goto out;
	}
	r->err = smap_fk_call(r);
	ret = copy_to_user(u, r, sizeof(*r)) ? -EFAULT : 0;
out:
	kvfree(r);
	return ret;
}

static const struct file_operations smap_fk_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = smap_fk_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice smap_fk_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "smap_fuzz_kapi",
	.fops = &smap_fk_fops,
	.mode = 0600,
};

static int __init smap_fk_init(void)
{
	return misc_register(&smap_fk_dev);
}

static void __exit smap_fk_exit(void)
{
	misc_deregister(&smap_fk_dev);
}

module_init(smap_fk_init);
module_exit(smap_fk_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shared_map: the fuzzer's door to the in-kernel API (tests only)");
MODULE_AUTHOR("shared_map developers");
