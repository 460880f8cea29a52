// SPDX-License-Identifier: GPL-2.0
/*
 * shared_map: every module parameter, with its validation. Each is
 * documented in man/shared_map(4). A writable numeric parameter accepts
 * only its range: a value outside it, at modprobe or written to sysfs, is
 * refused with -EINVAL (and one rate-limited dmesg line naming the range);
 * the parameter keeps its value.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <uapi/linux/shared_map.h>

#include "main.h"
#include "param.h"
#include "persist.h"

/* ---- numeric ranges ----------------------------------------------------- */

struct smap_param_range {
	void *val;		/* an unsigned int, long or long long */
	unsigned int size;	/* sizeof(*val): 4 or 8 */
	u64 min, max;
};

static int smap_param_range_set(const char *val, const struct kernel_param *kp)
{
	const struct smap_param_range *r = kp->arg;
	u64 v;

	if (kstrtou64(val, 0, &v) || v < r->min || v > r->max) {
		pr_warn_ratelimited("%s=%.*s refused: it takes %llu..%llu\n",
				    kp->name, (int)strcspn(val, "\n"), val,
				    r->min, r->max);
		return -EINVAL;
	}
	if (r->size == 4)
		WRITE_ONCE(*(u32 *)r->val, v);
	else
		WRITE_ONCE(*(u64 *)r->val, v);
	return 0;
}

static int smap_param_range_get(char *buf, const struct kernel_param *kp)
{
	const struct smap_param_range *r = kp->arg;

	return sysfs_emit(buf, "%llu\n", r->size == 4 ?
			  (u64)READ_ONCE(*(u32 *)r->val) :
			  READ_ONCE(*(u64 *)r->val));
}

static const struct kernel_param_ops smap_param_range_ops = {
	.set = smap_param_range_set,
	.get = smap_param_range_get,
};

/* module_param_named(@name, @var, ..., @perm) accepting @lo..@hi only */
#define smap_param_range(name, var, lo, hi, perm)			\
	static_assert(sizeof(var) == 4 || sizeof(var) == 8);		\
	static struct smap_param_range smap_param_range_##name = {	\
		.val = &(var), .size = sizeof(var),			\
		.min = (lo), .max = (hi),				\
	};								\
	module_param_cb(name, &smap_param_range_ops,			\
			&smap_param_range_##name, perm)

/* ---- limits (the store, the transports) --------------------------------- */

unsigned int smap_key_max = SMAP_KEY_MAX;
module_param_named(key_max, smap_key_max, uint, 0444);
MODULE_PARM_DESC(key_max, "Longest key in bytes (1.." __stringify(SMAP_KEY_MAX) ")");

unsigned int smap_value_max = SMAP_VALUE_MAX;
module_param_named(value_max, smap_value_max, uint, 0444);
MODULE_PARM_DESC(value_max, "Longest value in bytes (0..1048576)");

unsigned long long smap_max_bytes = 64ULL << 20;
smap_param_range(max_bytes, smap_max_bytes, 4096, 1ULL << 40, 0644);
MODULE_PARM_DESC(max_bytes, "Most bytes the entries may cost (key + value + overhead, see smap(1); default 64 MiB; 4096..1 TiB)");

unsigned long long smap_user_max_bytes = 16ULL << 20;
module_param_named(user_max_bytes, smap_user_max_bytes, ullong, 0644);
MODULE_PARM_DESC(user_max_bytes,
		 "Most bytes (as max_bytes counts them) the keys of one uid other than root may cost; 0: no limit (default 16 MiB)");

/* ---- watch: each listener's queue, each user's listeners ----------------- */

unsigned int smap_watch_queue_max = 1024;
smap_param_range(watch_queue_max, smap_watch_queue_max, 16, 65536, 0644);
MODULE_PARM_DESC(watch_queue_max, "events a watcher's queue holds at most (16..65536, default 1024; 64 bytes of queue each)");

unsigned int smap_watch_user_max = 16;
smap_param_range(watch_user_max, smap_watch_user_max, 0, 4096, 0644);
MODULE_PARM_DESC(watch_user_max, "watchers a uid other than root may have open (0..4096, default 16)");

/* ---- netlink: staged values (module/nlstage.c) ---------------------------- */

unsigned long long smap_nl_stage_user_max = 4ULL << 20;
smap_param_range(nl_stage_user_max, smap_nl_stage_user_max, 0, 1ULL << 40, 0644);
MODULE_PARM_DESC(nl_stage_user_max, "bytes of staged netlink values (each value's length + 256) a uid other than root may hold (0..1 TiB, default 4 MiB; 0: none)");

/* ---- the journal: configuration ----------------------------------------- */

static char *smap_log_path = "/var/tmp/shared_map";
module_param_named(path, smap_log_path, charp, 0444);
MODULE_PARM_DESC(path, "log directory (default /var/tmp/shared_map)");

static bool smap_volatile;
module_param_named(volatile, smap_volatile, bool, 0444);
MODULE_PARM_DESC(volatile,
		 "Allow the log directory on tmpfs/ramfs: the store is emptied at every boot (default 0: refuse to load)");

/* ---- the journal: tunables, read at every use ---------------------------- */

static struct smap_journal_tunables smap_tun = {
	.sync_mode = SMAP_SYNC_ALWAYS,
	.batch_ms = 10,
	/* at least the largest record (1 MiB value + 1 KiB key + header), or
	 * a committer of one could wait for room that never comes
	 */
	.queue_max = 32 << 20,
	.compact_min = 4 << 20,
	.compact_ratio = 2,
	.replay_progress_ms = 5000,
	.prealloc = 4 << 20,
};

static const char * const smap_sync_names[] = {
	[SMAP_SYNC_ALWAYS] = "always",
	[SMAP_SYNC_BATCH] = "batch",
	[SMAP_SYNC_NONE] = "none",
};

static int smap_kick(struct smap_journal *j)
{
	smap_journal_kick(j);
	return 0;
}

static int smap_sync_set(const char *val, const struct kernel_param *kp)
{
	int i = sysfs_match_string(smap_sync_names, val);

	if (i < 0)
		return -EINVAL;
	WRITE_ONCE(smap_tun.sync_mode, i);
	/* not while parsing modprobe's args, nor once unloading */
	smap_with_journal(smap_kick, NULL);
	return 0;
}

static int smap_sync_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  smap_sync_names[READ_ONCE(smap_tun.sync_mode)]);
}

static const struct kernel_param_ops smap_sync_ops = {
	.set = smap_sync_set,
	.get = smap_sync_get,
};
module_param_cb(sync, &smap_sync_ops, NULL, 0644);
MODULE_PARM_DESC(sync, "durability: always (default), batch or none");

smap_param_range(batch_ms, smap_tun.batch_ms, 1, 10000, 0644);
MODULE_PARM_DESC(batch_ms, "sync=batch: fsync at most this often; batch and none: records queue up this long (ms; 1..10000, default 10)");

smap_param_range(queue_max, smap_tun.queue_max, 2 << 20, 1 << 30, 0644);
MODULE_PARM_DESC(queue_max, "bytes queued for the writer before committers wait (2 MiB..1 GiB, default 32 MiB)");

/* bounded below so that no value makes the store compact after every round */
smap_param_range(compact_min, smap_tun.compact_min, 64 << 10, 1ULL << 40, 0644);
MODULE_PARM_DESC(compact_min, "compact once this many log bytes were appended since the last compaction (64 KiB..1 TiB, default 4 MiB)");

smap_param_range(compact_ratio, smap_tun.compact_ratio, 2, 100, 0644);
MODULE_PARM_DESC(compact_ratio, "... and the log is this many times the live set (2..100, default 2)");

/*
 * 4 MiB: one journal commit per chunk is shared by 1000 records of 4 KiB
 * (40000 of 64 B), a chunk holds several of the largest records, and a
 * segment wastes at most that much disk (trimmed at unload and at replay).
 */
smap_param_range(prealloc, smap_tun.prealloc, 0, 1 << 30, 0644);
MODULE_PARM_DESC(prealloc, "bytes of zeros a log segment is extended by ahead of its records, so that fsync flushes data only (0..1 GiB, default 4 MiB; 0: append, the file grows at each fsync; rounded up to a page)");

/* ---- the journal: actions ------------------------------------------------ */

/* compact_now=1 before the journal exists: compact as soon as it runs */
static bool smap_compact_at_load;

static int smap_compact_early(void)
{
	WRITE_ONCE(smap_compact_at_load, true);
	return 0;
}

static int smap_compact_set(const char *val, const struct kernel_param *kp)
{
	bool on;

	if (kstrtobool(val, &on))
		return -EINVAL;
	return on ? smap_with_journal(smap_journal_compact,
				      smap_compact_early) : 0;
}

static const struct kernel_param_ops smap_compact_ops = {
	.set = smap_compact_set,
};
module_param_cb(compact_now, &smap_compact_ops, NULL, 0200);
MODULE_PARM_DESC(compact_now, "write 1: compact the log now");

static int smap_recover_set(const char *val, const struct kernel_param *kp)
{
	bool on;

	if (kstrtobool(val, &on))
		return -EINVAL;
	/* before the journal runs (a modprobe argument) nothing is read-only */
	return on ? smap_with_journal(smap_journal_recover, NULL) : 0;
}

static int smap_read_only(struct smap_journal *j)
{
	return smap_journal_writable(j) ? 1 : 0;
}

static int smap_read_only_get(char *buf, const struct kernel_param *kp)
{
	int ro = smap_with_journal(smap_read_only, NULL);

	return sysfs_emit(buf, "%d\n", ro > 0 ? 1 : 0);
}

static const struct kernel_param_ops smap_recover_ops = {
	.set = smap_recover_set,
	.get = smap_read_only_get,
};
module_param_cb(recover, &smap_recover_ops, NULL, 0200);
MODULE_PARM_DESC(recover, "write 1: leave read-only mode after an I/O error");

static const struct kernel_param_ops smap_read_only_ops = {
	.get = smap_read_only_get,
};
module_param_cb(read_only, &smap_read_only_ops, NULL, 0444);
MODULE_PARM_DESC(read_only, "1 while the store refuses writes after an I/O error");

/* ---- test hooks ---------------------------------------------------------- */

#ifdef SMAP_TESTING
/* Only in the test build (build/<kernel>/mod-test, scripts/vm
 * --test-module): the module users load has no such parameters.
 */
module_param_named(compact_pause_ms, smap_tun.compact_pause_ms, uint, 0644);
MODULE_PARM_DESC(compact_pause_ms, "testing: pause this long before each compaction step (crash and unload tests)");
module_param_named(backup_pause_ms, smap_tun.backup_pause_ms, uint, 0644);
MODULE_PARM_DESC(backup_pause_ms, "testing: pause this long after each key a backup writes (writers go on meanwhile)");
module_param_named(replay_progress_ms, smap_tun.replay_progress_ms, uint, 0644);
MODULE_PARM_DESC(replay_progress_ms, "testing: replay's progress line at most this often (default 5000)");
module_param_named(fail_sync, smap_tun.fail_sync, uint, 0644);
MODULE_PARM_DESC(fail_sync, "testing: log fsyncs fail with EIO (after writing) until this many have failed since load: a refused round whose cut succeeds");

unsigned int smap_fail_load_id;
module_param_named(fail_load_id, smap_fail_load_id, uint, 0644);
MODULE_PARM_DESC(fail_load_id, "testing: fail replay's Nth id request (0: never)");

#ifdef CONFIG_FAULT_INJECTION
/*
 * The allocation-failure sweep of the load (tests/smap-failnth.c): init
 * arms the loading task's /proc/thread-self/fail-nth with init_fail_nth,
 * so that the Nth fault site of init and replay fails (the module loader's
 * own sites, before init, are the kernel's and many of them tolerated: a
 * sweep through them would take hours), and a successful init leaves
 * what is left of the count in init_fail_nth_left (0: the fault fired and
 * init tolerated it).
 */
static unsigned int smap_init_fail_nth, smap_init_fail_nth_left;
module_param_named(init_fail_nth, smap_init_fail_nth, uint, 0444);
MODULE_PARM_DESC(init_fail_nth, "testing: fail init's Nth fault site (0: none)");
module_param_named(init_fail_nth_left, smap_init_fail_nth_left, uint, 0444);
MODULE_PARM_DESC(init_fail_nth_left, "testing: what init left of init_fail_nth (0: it fired)");

void smap_init_fail_nth_arm(void)
{
	WRITE_ONCE(current->fail_nth, smap_init_fail_nth);
}

void smap_init_fail_nth_disarm(bool ok)
{
	if (ok)
		smap_init_fail_nth_left = READ_ONCE(current->fail_nth);
	WRITE_ONCE(current->fail_nth, 0);
}
#endif
#endif

/* ---- at load -------------------------------------------------------------- */

int smap_param_check(void)
{
	if (!smap_key_max || smap_key_max > SMAP_KEY_MAX ||
	    smap_value_max > SMAP_VALUE_MAX) {
		pr_err("key_max must be 1..%u and value_max at most %u\n",
		       SMAP_KEY_MAX, SMAP_VALUE_MAX);
		return -EINVAL;
	}
	return 0;
}

void smap_param_journal_config(struct smap_journal_config *cfg)
{
	*cfg = (struct smap_journal_config){
		.path = smap_log_path,
		.allow_volatile = smap_volatile,
		.compact_at_load = READ_ONCE(smap_compact_at_load),
		.tun = &smap_tun,
	};
}
