// SPDX-License-Identifier: GPL-2.0
/*
 * smap-timeit: run a command, print its wall time in nanoseconds
 * (CLOCK_MONOTONIC) on stdout; exit with the command's status. busybox's
 * time and date have no sub-second precision, the replay benchmark needs it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	uint64_t t0;
	pid_t pid;
	int st;

	if (argc < 2) {
		fprintf(stderr, "usage: smap-timeit COMMAND [ARGS...]\n");
		return 2;
	}
	t0 = now_ns();
	pid = fork();
	if (pid < 0)
		return 2;
	if (!pid) {
		dup2(2, 1);	/* the command's output must not mix with ours */
		execvp(argv[1], argv + 1);
		fprintf(stderr, "smap-timeit: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return 2;
	printf("%" PRIu64 "\n", now_ns() - t0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 2;
}
