/* SPDX-License-Identifier: GPL-2.0 */
/* The unit tests' CHECK(): count a check, print the failed ones. */
#ifndef SMAP_TEST_CHECK_H
#define SMAP_TEST_CHECK_H

#include <stdio.h>

static int checks, fails;

#define CHECK(cond) do {						\
	checks++;							\
	if (!(cond)) {							\
		fails++;						\
		printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);	\
	}								\
} while (0)

#endif
