// SPDX-License-Identifier: GPL-2.0
/*
 * smap_kbench: the "kapi" transport of smap-bench. An in-kernel load
 * generator: SMAP_KBENCH_IOC_RUN on /dev/smap_kbench starts N kthreads that
 * call shared_map's exported API (module/smap_api.h) in a loop, time every
 * call with ktime_get_ns() into the histogram of smap_bench.h, and hands the
 * merged histograms and counters back when all threads are done.
 *
 * The API is bound at run time with symbol_get(), so this module builds and
 * loads whether or not shared_map exports it yet (a run then fails with
 * -ENOPKG); the reference on shared_map is dropped after every run.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/fs.h>
#include <linux/kmod.h>
#include <linux/kthread.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "smap_api.h"
#include "../bench/kmod/smap_bench.h"

struct kb_api {
	typeof(&smap_set) set;
	typeof(&smap_get) get;
	typeof(&smap_incr) incr;
};

struct kb_stat {
	struct smap_lat l;
	u64 *hist;
};

struct kb_thread {
	struct task_struct *task;
	struct kb_run *run;
	unsigned int id;
	struct kb_stat r;
	struct kb_stat w;
	u64 errors;
	int first_error;
	char *key;
	void *val;
	void *buf;
};

struct kb_run {
	struct smap_kbench_run arg;
	struct kb_api api;
	struct completion go;
	struct completion done;
	atomic_t running;
	bool abort;
	u64 start_ns;
	u64 end_ns;
	struct kb_thread th[];
};

static DEFINE_MUTEX(kb_lock);

static void kb_record(struct kb_stat *s, u64 ns, u64 bytes)
{
	smap_lat_add(&s->l, s->hist, ns, bytes);
}

static int kb_thread_fn(void *data)
{
	struct kb_thread *t = data;
	struct kb_run *run = t->run;
	const struct smap_kbench_run *a = &run->arg;
	u64 seed = 0x9E3779B97F4A7C15ULL * (t->id + 1);
	u64 deadline, i, t0, t1;
	u32 vlen;
	s64 res;
	int op, err;

	wait_for_completion(&run->go);
	deadline = run->start_ns + a->runtime_ns;
	for (i = 0; !READ_ONCE(run->abort); i++) {
		if (a->ops ? i >= a->ops : ktime_get_ns() >= deadline)
			break;
		smap_bench_key(t->key, a->key_size,
			       smap_bench_rand(&seed) % a->keys);
		op = a->rw;
		if (op == SMAP_KB_MIXED)
			op = (i & 1) ? SMAP_KB_SET : SMAP_KB_GET;
		if (op == SMAP_KB_INCR)
			t->key[0] = 'i';	/* counters apart from values */
		t0 = ktime_get_ns();
		switch (op) {
		case SMAP_KB_SET:
			err = run->api.set(t->key, a->key_size, t->val,
					   a->value_size, 0644);
			break;
		case SMAP_KB_GET:
			vlen = a->value_size;
			err = run->api.get(t->key, a->key_size, t->buf, &vlen);
			break;
		default:
			err = run->api.incr(t->key, a->key_size, 1, &res);
			break;
		}
		t1 = ktime_get_ns();
		if (err) {
			if (!t->errors++)
				t->first_error = err;
		} else if (op == SMAP_KB_GET) {
			kb_record(&t->r, t1 - t0, vlen);
		} else {
			kb_record(&t->w, t1 - t0,
				  op == SMAP_KB_SET ? a->value_size : 8);
		}
		cond_resched();
	}
	if (atomic_dec_and_test(&run->running)) {
		run->end_ns = ktime_get_ns();
		complete(&run->done);
	}
	/* Stay until kthread_stop() so the controller's task refs are valid. */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static int kb_bind(struct kb_api *api)
{
	api->set = symbol_get(smap_set);
	api->get = symbol_get(smap_get);
	api->incr = symbol_get(smap_incr);
	if (api->set && api->get && api->incr)
		return 0;
	if (api->set)
		symbol_put(smap_set);
	if (api->get)
		symbol_put(smap_get);
	if (api->incr)
		symbol_put(smap_incr);
	return -ENOPKG;
}

static void kb_unbind(void)
{
	symbol_put(smap_set);
	symbol_put(smap_get);
	symbol_put(smap_incr);
}

static void kb_merge(struct kb_stat *to, const struct kb_stat *from)
{
	smap_lat_merge(&to->l, to->hist, &from->l, from->hist);
}

static void kb_free(struct kb_run *run)
{
	unsigned int i;

	for (i = 0; i < run->arg.threads; i++) {
		struct kb_thread *t = &run->th[i];

		kvfree(t->buf);
		kvfree(t->val);
		kfree(t->key);
		vfree(t->r.hist);
		vfree(t->w.hist);
	}
	kfree(run);
}

static int kb_prepare(struct kb_run *run)
{
	const struct smap_kbench_run *a = &run->arg;
	size_t hsz = SMAP_HIST_BUCKETS * sizeof(u64);
	unsigned int i;

	for (i = 0; i < a->threads; i++) {
		struct kb_thread *t = &run->th[i];

		t->run = run;
		t->id = i;
		t->r.l.min = U64_MAX;
		t->w.l.min = U64_MAX;
		t->r.hist = vzalloc(hsz);
		t->w.hist = vzalloc(hsz);
		t->key = kmalloc(a->key_size, GFP_KERNEL);
		t->val = kvmalloc(max(a->value_size, 1U), GFP_KERNEL);
		t->buf = kvmalloc(max(a->value_size, 1U), GFP_KERNEL);
		if (!t->r.hist || !t->w.hist || !t->key || !t->val || !t->buf)
			return -ENOMEM;
		memset(t->val, 'v', a->value_size);
	}
	return 0;
}

/* Start the threads, wait for them, stop them; 0 or -errno. */
static int kb_execute(struct kb_run *run)
{
	unsigned int i, started = 0;
	int err = 0;

	atomic_set(&run->running, run->arg.threads);
	for (i = 0; i < run->arg.threads; i++) {
		struct task_struct *task;

		task = kthread_create(kb_thread_fn, &run->th[i],
				      "smap_kbench/%u", i);
		if (IS_ERR(task)) {
			err = PTR_ERR(task);
			break;
		}
		get_task_struct(task);
		run->th[i].task = task;
		started++;
		wake_up_process(task);
	}
	if (err) {
		/* Threads that never started count themselves out here. */
		WRITE_ONCE(run->abort, true);
		if (atomic_sub_and_test(run->arg.threads - started,
					&run->running))
			complete(&run->done);
	}
	run->start_ns = ktime_get_ns();
	complete_all(&run->go);
	if (wait_for_completion_killable(&run->done)) {
		WRITE_ONCE(run->abort, true);
		wait_for_completion(&run->done);
		err = err ?: -EINTR;
	}
	for (i = 0; i < started; i++) {
		kthread_stop(run->th[i].task);
		put_task_struct(run->th[i].task);
	}
	return err;
}

static int kb_report(struct kb_run *run, struct smap_kbench_run __user *u)
{
	struct smap_kbench_run *a = &run->arg;
	struct kb_stat r = { .l.min = U64_MAX }, w = { .l.min = U64_MAX };
	size_t hsz = SMAP_HIST_BUCKETS * sizeof(u64);
	unsigned int i;
	int err = 0;

	r.hist = vzalloc(hsz);
	w.hist = vzalloc(hsz);
	if (!r.hist || !w.hist) {
		err = -ENOMEM;
		goto out;
	}
	a->errors = 0;
	a->first_error = 0;
	for (i = 0; i < a->threads; i++) {
		kb_merge(&r, &run->th[i].r);
		kb_merge(&w, &run->th[i].w);
		if (run->th[i].errors && !a->first_error)
			a->first_error = run->th[i].first_error;
		a->errors += run->th[i].errors;
	}
	a->elapsed_ns = run->end_ns - run->start_ns;
	a->reads = r.l.n;
	a->writes = w.l.n;
	a->read_bytes = r.l.bytes;
	a->write_bytes = w.l.bytes;
	a->read_sum_ns = r.l.sum;
	a->write_sum_ns = w.l.sum;
	a->read_min_ns = r.l.n ? r.l.min : 0;
	a->read_max_ns = r.l.max;
	a->write_min_ns = w.l.n ? w.l.min : 0;
	a->write_max_ns = w.l.max;
	a->api = 1;
	if (a->hist_read &&
	    copy_to_user(u64_to_user_ptr(a->hist_read), r.hist, hsz))
		err = -EFAULT;
	else if (a->hist_write &&
		 copy_to_user(u64_to_user_ptr(a->hist_write), w.hist, hsz))
		err = -EFAULT;
	else if (copy_to_user(u, a, sizeof(*a)))
		err = -EFAULT;
out:
	vfree(r.hist);
	vfree(w.hist);
	return err;
}

static long kb_ioctl_run(struct smap_kbench_run __user *u)
{
	struct smap_kbench_run a;
	struct kb_run *run;
	int err;

	if (copy_from_user(&a, u, sizeof(a)))
		return -EFAULT;
	if (a.rw > SMAP_KB_INCR || !a.threads ||
	    a.threads > SMAP_KBENCH_THREADS_MAX || !a.keys || !a.key_size ||
	    a.key_size > 4096 || a.value_size > (64U << 20) ||
	    a.buckets != SMAP_HIST_BUCKETS || (!a.ops && !a.runtime_ns))
		return -EINVAL;
	if (!mutex_trylock(&kb_lock))
		return -EBUSY;
	run = kzalloc(struct_size(run, th, a.threads), GFP_KERNEL);
	if (!run) {
		err = -ENOMEM;
		goto unlock;
	}
	run->arg = a;
	init_completion(&run->go);
	init_completion(&run->done);
	err = kb_prepare(run);
	if (err)
		goto free;
	if (kb_bind(&run->api)) {
		request_module("shared_map");
		err = kb_bind(&run->api);
		if (err)
			goto free;
	}
	err = kb_execute(run);
	kb_unbind();
	if (!err)
		err = kb_report(run, u);
free:
	kb_free(run);
unlock:
	mutex_unlock(&kb_lock);
	return err;
}

static long kb_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	if (cmd != SMAP_KBENCH_IOC_RUN)
		return -ENOTTY;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return kb_ioctl_run((struct smap_kbench_run __user *)arg);
}

static const struct file_operations kb_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = kb_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice kb_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "smap_kbench",
	.fops = &kb_fops,
	.mode = 0600,
};

static int __init kb_init(void)
{
	return misc_register(&kb_dev);
}

static void __exit kb_exit(void)
{
	misc_deregister(&kb_dev);
}

module_init(kb_init);
module_exit(kb_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shared_map benchmark: in-kernel load generator (kapi)");
MODULE_AUTHOR("shared_map developers");
