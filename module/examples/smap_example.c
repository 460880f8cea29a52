// SPDX-License-Identifier: GPL-2.0
/*
 * smap_example: a client of the shared_map in-kernel API. On load it runs
 * a few checks against the API and refuses to load (-EINVAL) if any fails.
 * It leaves "smap_example/greeting" = "world" behind for user space to see.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
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

/*
 * leave_watch=1: open a watcher at load and never close it, as a buggy
 * client might; shared_map closes it at its own unload, with a warning.
 */
static bool leave_watch;
module_param(leave_watch, bool, 0444);
MODULE_PARM_DESC(leave_watch, "Test only: leave a watcher open (shared_map closes it at unload)");

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

/* The next event of @buf[*@off..@len): @op on @k (NULL: no key). */
static bool smap_event_is(const u8 *buf, ssize_t len, ssize_t *off, u16 op,
			  const char *k, u64 *seq)
{
	const struct smap_watch_event *ev = (const void *)(buf + *off);
	size_t klen = k ? strlen(k) : 0;

	if (len - *off < (ssize_t)sizeof(*ev) || ev->size > len - *off ||
	    ev->op != op || ev->key_len != klen || memcmp(ev->key, k, klen) ||
	    ev->seq <= *seq)
		return false;
	*seq = ev->seq;
	*off += ev->size;
	return true;
}

/*
 * Watching: events for the mutations after the open, in order, of the
 * prefix only; whole events only; EAGAIN when empty; a full queue of 16
 * ends with one OVERFLOW event, and events resume once it is read.
 */
static void smap_example_watch(void)
{
	static const char other[] = "smap_example_other";
	static u8 buf[4096];
	struct smap_watch *w;
	ssize_t n, off = 0;
	u64 seq = 0;
	int i;

	w = smap_watch_open("smap_example/", 13, 0, 16);
	CHECK(!IS_ERR(w));
	if (IS_ERR(w))
		return;
	CHECK(smap_watch_read(w, buf, sizeof(buf), true) == -EAGAIN);
	CHECK(smap_set(key, strlen(key), "watched", 7, 0644) == 0);
	CHECK(smap_set(other, strlen(other), "x", 1, 0644) == 0);
	CHECK(smap_set(key, strlen(key), "x", 1, 0600) == -EEXIST);
	CHECK(smap_incr(ctr, strlen(ctr), 1, NULL) == 0);
	CHECK(smap_del(ctr, strlen(ctr)) == 0);
	CHECK(smap_del(other, strlen(other)) == 0);
	CHECK(smap_watch_read(w, buf, 8, true) == -EINVAL);
	n = smap_watch_read(w, buf, sizeof(buf), true);
	CHECK(n > 0);
	CHECK(smap_event_is(buf, n, &off, SMAP_OP_SET, key, &seq));
	CHECK(smap_event_is(buf, n, &off, SMAP_OP_INCR, ctr, &seq));
	CHECK(smap_event_is(buf, n, &off, SMAP_OP_DEL, ctr, &seq));
	CHECK(off == n);
	CHECK(smap_watch_read(w, buf, sizeof(buf), true) == -EAGAIN);

	for (i = 0; i < 20; i++)
		CHECK(smap_set(key, strlen(key), "world", 5, 0644) == 0);
	n = smap_watch_read(w, buf, sizeof(buf), true);
	off = 0;
	for (i = 0; i < 15; i++)
		CHECK(smap_event_is(buf, n, &off, SMAP_OP_SET, key, &seq));
	CHECK(smap_event_is(buf, n, &off, SMAP_WATCH_OVERFLOW, NULL, &seq));
	CHECK(off == n);
	CHECK(smap_set(key, strlen(key), "world", 5, 0644) == 0);
	n = smap_watch_read(w, buf, sizeof(buf), true);
	off = 0;
	CHECK(smap_event_is(buf, n, &off, SMAP_OP_SET, key, &seq) && off == n);
	smap_watch_close(w);
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

	smap_example_watch();
	if (leave_watch)
		CHECK(!IS_ERR(smap_watch_open("smap_example/", 13, 0, 16)));

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
