// SPDX-License-Identifier: GPL-2.0
/* Local addresses: see local_addrs.h. */
#include <errno.h>
#include <ifaddrs.h>
#include <stdlib.h>
#include <string.h>

#include "local_addrs.h"

int kc_local_addrs(struct kc_addr **out, size_t *n, struct kc_err *e)
{
	struct ifaddrs *ifa, *i;
	struct kc_addr *list;
	size_t count = 0;

	if (getifaddrs(&ifa) < 0)
		return kc_fail(e, "cannot list the local addresses: %s", strerror(errno));
	for (i = ifa; i; i = i->ifa_next)
		count++;
	list = calloc(count ? count : 1, sizeof(*list));
	if (!list) {
		freeifaddrs(ifa);
		return kc_fail(e, "out of memory");
	}
	count = 0;
	for (i = ifa; i; i = i->ifa_next) {
		const struct sockaddr *sa = i->ifa_addr;

		if (!sa)
			continue;
		if (sa->sa_family == AF_INET) {
			list[count].family = AF_INET;
			memcpy(list[count++].bytes, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		} else if (sa->sa_family == AF_INET6) {
			list[count].family = AF_INET6;
			memcpy(list[count++].bytes, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		}
	}
	freeifaddrs(ifa);
	*out = list;
	*n = count;
	return 0;
}
