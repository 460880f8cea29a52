// SPDX-License-Identifier: GPL-2.0
/* smap-ping: open /dev/shared_map, ask its ABI version, print it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/shared_map.h>

int main(void)
{
	struct smap_version v;
	int fd = open(SMAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "smap-ping: open %s: %s\n", SMAP_DEVICE_PATH,
			strerror(errno));
		return 2;
	}
	memset(&v, 0xff, sizeof(v));
	if (ioctl(fd, SMAP_IOC_VERSION, &v) < 0) {
		fprintf(stderr, "smap-ping: version: %s\n", strerror(errno));
		return 2;
	}
	printf("abi %u key_max %u value_max %u\n", v.abi, v.key_max,
	       v.value_max);
	close(fd);
	return v.abi == SMAP_ABI_VERSION ? 0 : 2;
}
