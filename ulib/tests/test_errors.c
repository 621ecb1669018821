// SPDX-License-Identifier: LGPL-2.1-or-later
/* Host tests of the errno mapping and cs_strerror (errors.c). */
#include <errno.h>
#include <string.h>
#include <corosync/corotypes.h>

#include "../errors.h"
#include "unit.h"

/* The contract's table (reference/cpg-api.md), plus the core's errnos. */
static void errno_mapping_follows_contract(void)
{
	static const struct { int err; cs_error_t cs; } map[] = {
		{ 0, CS_OK },
		{ EAGAIN, CS_ERR_TRY_AGAIN },
		{ ENOBUFS, CS_ERR_TRY_AGAIN },
		{ ETIMEDOUT, CS_ERR_TRY_AGAIN },
		{ EBADF, CS_ERR_BAD_HANDLE },
		{ EINVAL, CS_ERR_INVALID_PARAM },
		{ EEXIST, CS_ERR_EXIST },
		{ ENOENT, CS_ERR_NOT_EXIST },
		{ ENODEV, CS_ERR_NOT_EXIST },
		{ EMSGSIZE, CS_ERR_TOO_BIG },
		{ E2BIG, CS_ERR_TOO_BIG },
		{ EINTR, CS_ERR_INTERRUPT },
		{ ENOMEM, CS_ERR_NO_MEMORY },
		{ EACCES, CS_ERR_ACCESS },
		{ EPERM, CS_ERR_ACCESS },
		{ EBUSY, CS_ERR_BUSY },
		{ ENAMETOOLONG, CS_ERR_NAME_TOO_LONG },
		{ EIO, CS_ERR_LIBRARY },
		{ ENOTTY, CS_ERR_LIBRARY },
		{ EFAULT, CS_ERR_LIBRARY },
		{ 12345, CS_ERR_LIBRARY },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (kcpg_errno_to_cs(map[i].err) != map[i].cs)
			printf("#   errno %d\n", map[i].err);
		CHECK_EQ(kcpg_errno_to_cs(map[i].err), map[i].cs);
	}
}

static void strerror_covers_every_code(void)
{
	static const cs_error_t all[] = {
		CS_OK, CS_ERR_LIBRARY, CS_ERR_VERSION, CS_ERR_INIT, CS_ERR_TIMEOUT,
		CS_ERR_TRY_AGAIN, CS_ERR_INVALID_PARAM, CS_ERR_NO_MEMORY, CS_ERR_BAD_HANDLE,
		CS_ERR_BUSY, CS_ERR_ACCESS, CS_ERR_NOT_EXIST, CS_ERR_NAME_TOO_LONG,
		CS_ERR_EXIST, CS_ERR_NO_SPACE, CS_ERR_INTERRUPT, CS_ERR_NAME_NOT_FOUND,
		CS_ERR_NO_RESOURCES, CS_ERR_NOT_SUPPORTED, CS_ERR_BAD_OPERATION,
		CS_ERR_FAILED_OPERATION, CS_ERR_MESSAGE_ERROR, CS_ERR_QUEUE_FULL,
		CS_ERR_QUEUE_NOT_AVAILABLE, CS_ERR_BAD_FLAGS, CS_ERR_TOO_BIG,
		CS_ERR_NO_SECTIONS, CS_ERR_CONTEXT_NOT_FOUND, CS_ERR_TOO_MANY_GROUPS,
		CS_ERR_SECURITY,
	};
	const char *unknown = cs_strerror((cs_error_t)999);
	size_t i, j;

	CHECK(unknown != NULL);
	CHECK(cs_strerror((cs_error_t)0) == unknown);
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		const char *s = cs_strerror(all[i]);

		CHECK(s != NULL && *s);
		CHECK(s != unknown);
		for (j = 0; j < i; j++)
			CHECK(strcmp(s, cs_strerror(all[j])) != 0);
	}
}

/* The ABI values of the contract, checked against our header. */
static void enum_values_are_abi(void)
{
	CHECK_EQ(CS_OK, 1);
	CHECK_EQ(CS_ERR_TRY_AGAIN, 6);
	CHECK_EQ(CS_ERR_BAD_HANDLE, 9);
	CHECK_EQ(CS_ERR_NO_SECTIONS, 27);
	CHECK_EQ(CS_ERR_CONTEXT_NOT_FOUND, 28);
	CHECK_EQ(CS_ERR_TOO_MANY_GROUPS, 30);
	CHECK_EQ(CS_ERR_SECURITY, 100);
	CHECK_EQ(CS_DISPATCH_ONE_NONBLOCKING, 4);
	CHECK_EQ(sizeof(cs_error_t), 4);
}

static const struct unit_case cases[] = {
	UNIT_CASE(errno_mapping_follows_contract),
	UNIT_CASE(strerror_covers_every_code),
	UNIT_CASE(enum_values_are_abi),
};

UNIT_MAIN("errors", cases)
