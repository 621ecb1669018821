// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * errno -> cs_error_t, and cs_strerror().
 *
 * The mapping is the one of the API contract: applications written for
 * corosync retry on TRY_AGAIN, so every transient condition of the kernel
 * (EAGAIN, ENOBUFS, ETIMEDOUT) must land there; everything we do not know
 * becomes CS_ERR_LIBRARY, corosync's "the service misbehaved".
 */
#include <errno.h>

#include "errors.h"
#include "ulib.h"

cs_error_t kcpg_errno_to_cs(int err)
{
	switch (err) {
	case 0:
		return CS_OK;
	case EAGAIN:
	case ENOBUFS:
	case ETIMEDOUT:
		return CS_ERR_TRY_AGAIN;
	case EBADF:
		return CS_ERR_BAD_HANDLE;
	case EINVAL:
		return CS_ERR_INVALID_PARAM;
	case EEXIST:
		return CS_ERR_EXIST;
	case ENOENT:
	case ENODEV:
		return CS_ERR_NOT_EXIST;
	case EMSGSIZE:
	case E2BIG:
		return CS_ERR_TOO_BIG;
	case EINTR:
		return CS_ERR_INTERRUPT;
	case ENOMEM:
		return CS_ERR_NO_MEMORY;
	case EACCES:
	case EPERM:
		return CS_ERR_ACCESS;
	case EBUSY:
		/* The contract's leave-while-joining answer. */
		return CS_ERR_BUSY;
	case ENAMETOOLONG:
		return CS_ERR_NAME_TOO_LONG;
	default:
		return CS_ERR_LIBRARY;
	}
}

KCPG_EXPORT const char *cs_strerror(cs_error_t err)
{
	switch (err) {
	case CS_OK:
		return "success";
	case CS_ERR_LIBRARY:
		return "library or service error";
	case CS_ERR_VERSION:
		return "incompatible version";
	case CS_ERR_INIT:
		return "not initialized";
	case CS_ERR_TIMEOUT:
		return "timed out";
	case CS_ERR_TRY_AGAIN:
		return "resource temporarily unavailable, try again";
	case CS_ERR_INVALID_PARAM:
		return "invalid argument";
	case CS_ERR_NO_MEMORY:
		return "out of memory";
	case CS_ERR_BAD_HANDLE:
		return "invalid or closed handle";
	case CS_ERR_BUSY:
		return "busy, operation in progress";
	case CS_ERR_ACCESS:
		return "permission denied";
	case CS_ERR_NOT_EXIST:
		return "does not exist";
	case CS_ERR_NAME_TOO_LONG:
		return "name too long";
	case CS_ERR_EXIST:
		return "already exists";
	case CS_ERR_NO_SPACE:
		return "not enough space";
	case CS_ERR_INTERRUPT:
		return "interrupted";
	case CS_ERR_NAME_NOT_FOUND:
		return "name not found";
	case CS_ERR_NO_RESOURCES:
		return "out of resources";
	case CS_ERR_NOT_SUPPORTED:
		return "not supported";
	case CS_ERR_BAD_OPERATION:
		return "operation not allowed here";
	case CS_ERR_FAILED_OPERATION:
		return "operation failed (handle expelled or broken)";
	case CS_ERR_MESSAGE_ERROR:
		return "message error";
	case CS_ERR_QUEUE_FULL:
		return "queue full";
	case CS_ERR_QUEUE_NOT_AVAILABLE:
		return "queue not available";
	case CS_ERR_BAD_FLAGS:
		return "invalid flags";
	case CS_ERR_TOO_BIG:
		return "too big";
	case CS_ERR_NO_SECTIONS:
		return "no more entries";
	case CS_ERR_CONTEXT_NOT_FOUND:
		return "context not found";
	case CS_ERR_TOO_MANY_GROUPS:
		return "too many groups";
	case CS_ERR_SECURITY:
		return "security error";
	}
	return "unknown error";
}
