// SPDX-License-Identifier: GPL-2.0
/*
 * smap_example: a client of the shared_map in-kernel API. On load it runs
 * a few checks against the API and refuses to load (-EINVAL) if any fails.
 * It leaves "smap_example/greeting" = "world" behind for user space to see.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include "smap_api.h"

static const char key[] = "smap_example/greeting";
static const char ctr[] = "smap_example/counter";

static int passed, failed;

/*
 * squat=KEY: KEY was created by a user (the attacker test does): a mode
 * asked of it and an exclusive create must both fail with -EEXIST and
 * leave it as it was, rather than store a value into the user's key.
 */
static char *squat;
module_param(squat, charp, 0444);
MODULE_PARM_DESC(squat, "A key a user created: check the kernel will not write into it");

static void smap_check(bool ok, const char *what)
{
	if (ok) {
		passed++;
	} else {
		failed++;
		pr_err("check failed: %s\n", what);
	}
}

#define CHECK(cond) smap_check(cond, #cond)

static bool smap_value_is(const char *k, const char *want)
{
	char buf[32];
	u32 len = sizeof(buf);

	if (smap_get(k, strlen(k), buf, &len))
		return false;
	return len == strlen(want) && !memcmp(buf, want, len);
}

static int __init smap_example_init(void)
{
	char small[2];
	u32 len = sizeof(small);
	s64 res = 0;

	smap_del(ctr, strlen(ctr));	/* a leftover from an earlier load */
	smap_del(key, strlen(key));

	CHECK(smap_create(key, strlen(key), "hello", 5, 0644) == 0);
	CHECK(smap_value_is(key, "hello"));
	/* create only: the key exists now */
	CHECK(smap_create(key, strlen(key), "again", 5, 0644) == -EEXIST);
	CHECK(smap_value_is(key, "hello"));
	/* a mode the existing key does not have: refused, nothing changed */
	CHECK(smap_set(key, strlen(key), "world", 5, 0600) == -EEXIST);
	CHECK(smap_value_is(key, "hello"));
	CHECK(smap_set(key, strlen(key), "world", 5, 0644) == 0);
	CHECK(smap_value_is(key, "world"));
	CHECK(smap_get(key, strlen(key), small, &len) == -ERANGE && len == 5);
	CHECK(smap_set(key, 0, "x", 1, 0644) == -EINVAL);

	CHECK(smap_incr(ctr, strlen(ctr), 5, &res) == 0 && res == 5);
	CHECK(smap_incr(ctr, strlen(ctr), -7, &res) == 0 && res == -2);
	CHECK(smap_value_is(ctr, "-2"));
	CHECK(smap_incr(key, strlen(key), 1, &res) == -EINVAL);

	CHECK(smap_cas(ctr, strlen(ctr), "-2", 2, "10", 2) == 0);
	CHECK(smap_value_is(ctr, "10"));
	CHECK(smap_cas(ctr, strlen(ctr), "-2", 2, "11", 2) == -ECANCELED);
	CHECK(smap_value_is(ctr, "10"));

	CHECK(smap_del(ctr, strlen(ctr)) == 0);
	CHECK(smap_get(ctr, strlen(ctr), small, &len) == -ENOENT);
	CHECK(smap_del(ctr, strlen(ctr)) == -ENOENT);
	CHECK(smap_cas(ctr, strlen(ctr), "", 0, "1", 1) == -ENOENT);

	if (squat) {
		u32 n = strlen(squat);
		char buf[64];

		len = sizeof(buf);
		CHECK(smap_set(squat, n, "SECRET", 6, 0600) == -EEXIST);
		CHECK(smap_create(squat, n, "SECRET", 6, 0600) == -EEXIST);
		CHECK(smap_get(squat, n, buf, &len) == 0 &&
		      (len != 6 || memcmp(buf, "SECRET", 6)));
	}

	if (failed) {
		pr_err("%d checks failed, %d passed\n", failed, passed);
		return -EINVAL;
	}
	pr_info("%d checks passed\n", passed);
	return 0;
}

static void __exit smap_example_exit(void)
{
}

module_init(smap_example_init);
module_exit(smap_example_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shared_map: example in-kernel API client");
MODULE_AUTHOR("shared_map developers");
