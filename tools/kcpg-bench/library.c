// SPDX-License-Identifier: GPL-2.0
/*
 * Which cpg.h implementation this process runs on.  The binary is the same
 * for both systems; the dynamic linker picks the library (LD_LIBRARY_PATH),
 * so the tool asks the loaded objects instead of trusting how it was built.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include "bench.h"

void bench_lib_detect(struct bench_lib *lib, const char *label)
{
	Dl_info info;

	memset(lib, 0, sizeof(*lib));
	if (dladdr((void *)cpg_initialize, &info) && info.dli_fname)
		snprintf(lib->path, sizeof(lib->path), "%s", info.dli_fname);
	else
		snprintf(lib->path, sizeof(lib->path), "(static)");
	if (label) {
		snprintf(lib->label, sizeof(lib->label), "%s", label);
		return;
	}
	/*
	 * corosync's libcpg talks to its daemon through libqb, which it pulls
	 * in; libcpg-kshim needs nothing but libc.
	 */
	snprintf(lib->label, sizeof(lib->label), "%s",
		 dlsym(RTLD_DEFAULT, "qb_ipcc_connect") ? "corosync" : "kcpg");
}

const char *bench_cs_name(cs_error_t err)
{
	static const char *const names[] = {
		[CS_OK] = "CS_OK", [CS_ERR_LIBRARY] = "CS_ERR_LIBRARY",
		[CS_ERR_VERSION] = "CS_ERR_VERSION", [CS_ERR_INIT] = "CS_ERR_INIT",
		[CS_ERR_TIMEOUT] = "CS_ERR_TIMEOUT", [CS_ERR_TRY_AGAIN] = "CS_ERR_TRY_AGAIN",
		[CS_ERR_INVALID_PARAM] = "CS_ERR_INVALID_PARAM",
		[CS_ERR_NO_MEMORY] = "CS_ERR_NO_MEMORY", [CS_ERR_BAD_HANDLE] = "CS_ERR_BAD_HANDLE",
		[CS_ERR_BUSY] = "CS_ERR_BUSY", [CS_ERR_ACCESS] = "CS_ERR_ACCESS",
		[CS_ERR_NOT_EXIST] = "CS_ERR_NOT_EXIST",
		[CS_ERR_NAME_TOO_LONG] = "CS_ERR_NAME_TOO_LONG", [CS_ERR_EXIST] = "CS_ERR_EXIST",
		[CS_ERR_NO_SPACE] = "CS_ERR_NO_SPACE", [CS_ERR_INTERRUPT] = "CS_ERR_INTERRUPT",
		[CS_ERR_NO_RESOURCES] = "CS_ERR_NO_RESOURCES",
		[CS_ERR_NOT_SUPPORTED] = "CS_ERR_NOT_SUPPORTED",
		[CS_ERR_BAD_OPERATION] = "CS_ERR_BAD_OPERATION",
		[CS_ERR_FAILED_OPERATION] = "CS_ERR_FAILED_OPERATION",
		[CS_ERR_MESSAGE_ERROR] = "CS_ERR_MESSAGE_ERROR", [CS_ERR_TOO_BIG] = "CS_ERR_TOO_BIG",
	};

	if ((unsigned int)err < sizeof(names) / sizeof(names[0]) && names[err])
		return names[err];
	return "CS_ERR_(other)";
}

const char *bench_guarantee_name(cpg_guarantee_t g)
{
	switch (g) {
	case CPG_TYPE_UNORDERED: return "unordered";
	case CPG_TYPE_FIFO: return "fifo";
	case CPG_TYPE_AGREED: return "agreed";
	case CPG_TYPE_SAFE: return "safe";
	}
	return "?";
}
