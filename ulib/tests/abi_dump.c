// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Prints every ABI fact of cpg.h / corotypes.h that a binary depends on:
 * sizes, offsets, enum values, macro values, function types.  Built twice,
 * once against our headers and once against the system's corosync headers
 * (package libcpg-dev); the two outputs must be identical.  The same source
 * compiling against both is itself the source-compatibility check.
 */
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <corosync/cpg.h>

#define SIZE(t)		printf("sizeof(%s) = %zu\n", #t, sizeof(t))
#define ALIGN(t)	printf("alignof(%s) = %zu\n", #t, _Alignof(t))
#define OFF(t, f)	printf("offsetof(%s, %s) = %zu\n", #t, #f, offsetof(t, f))
#define VAL(v)		printf("%s = %lld\n", #v, (long long)(v))
#define STR(v)		printf("%s = \"%s\"\n", #v, v)

/*
 * The API's function types: assigning each function to a pointer of the
 * exact type we expect fails to compile on any mismatch.
 */
static void check_function_types(void)
{
	cs_error_t (*init)(cpg_handle_t *, cpg_callbacks_t *) = cpg_initialize;
	cs_error_t (*model)(cpg_handle_t *, cpg_model_t, cpg_model_data_t *, void *) =
		cpg_model_initialize;
	cs_error_t (*fin)(cpg_handle_t) = cpg_finalize;
	cs_error_t (*fd)(cpg_handle_t, int *) = cpg_fd_get;
	cs_error_t (*maxsz)(cpg_handle_t, uint32_t *) = cpg_max_atomic_msgsize_get;
	cs_error_t (*ctxg)(cpg_handle_t, void **) = cpg_context_get;
	cs_error_t (*ctxs)(cpg_handle_t, void *) = cpg_context_set;
	cs_error_t (*disp)(cpg_handle_t, cs_dispatch_flags_t) = cpg_dispatch;
	cs_error_t (*join)(cpg_handle_t, const struct cpg_name *) = cpg_join;
	cs_error_t (*leave)(cpg_handle_t, const struct cpg_name *) = cpg_leave;
	cs_error_t (*mcast)(cpg_handle_t, cpg_guarantee_t, const struct iovec *, unsigned int) =
		cpg_mcast_joined;
	cs_error_t (*memb)(cpg_handle_t, struct cpg_name *, struct cpg_address *, int *) =
		cpg_membership_get;
	cs_error_t (*local)(cpg_handle_t, unsigned int *) = cpg_local_get;
	cs_error_t (*flow)(cpg_handle_t, cpg_flow_control_state_t *) = cpg_flow_control_state_get;
	cs_error_t (*za)(cpg_handle_t, size_t, void **) = cpg_zcb_alloc;
	cs_error_t (*zf)(cpg_handle_t, void *) = cpg_zcb_free;
	cs_error_t (*zm)(cpg_handle_t, cpg_guarantee_t, void *, size_t) = cpg_zcb_mcast_joined;
	cs_error_t (*ii)(cpg_handle_t, cpg_iteration_type_t, const struct cpg_name *,
			 cpg_iteration_handle_t *) = cpg_iteration_initialize;
	cs_error_t (*in)(cpg_iteration_handle_t, struct cpg_iteration_description_t *) =
		cpg_iteration_next;
	cs_error_t (*ifin)(cpg_iteration_handle_t) = cpg_iteration_finalize;
	const char *(*se)(cs_error_t) = cs_strerror;
	cpg_deliver_fn_t d = (void (*)(cpg_handle_t, const struct cpg_name *, uint32_t, uint32_t,
				       void *, size_t))0;
	cpg_confchg_fn_t c = (void (*)(cpg_handle_t, const struct cpg_name *,
				       const struct cpg_address *, size_t,
				       const struct cpg_address *, size_t,
				       const struct cpg_address *, size_t))0;
	cpg_totem_confchg_fn_t t = (void (*)(cpg_handle_t, struct cpg_ring_id, uint32_t,
					     const uint32_t *))0;

	printf("function types ok: %d\n", init && model && fin && fd && maxsz && ctxg && ctxs &&
	       disp && join && leave && mcast && memb && local && flow && za && zf && zm && ii &&
	       in && ifin && se && !d && !c && !t);
}

int main(void)
{
	SIZE(cpg_handle_t);
	SIZE(cpg_iteration_handle_t);
	SIZE(cs_time_t);
	SIZE(cs_error_t);
	SIZE(cs_dispatch_flags_t);
	SIZE(cpg_guarantee_t);
	SIZE(cpg_model_t);

	SIZE(struct cpg_name);
	ALIGN(struct cpg_name);
	OFF(struct cpg_name, value);
	SIZE(struct cpg_address);
	OFF(struct cpg_address, pid);
	OFF(struct cpg_address, reason);
	SIZE(struct cpg_ring_id);
	ALIGN(struct cpg_ring_id);
	OFF(struct cpg_ring_id, seq);
	SIZE(struct cpg_iteration_description_t);
	OFF(struct cpg_iteration_description_t, nodeid);
	OFF(struct cpg_iteration_description_t, pid);
	SIZE(cpg_callbacks_t);
	OFF(cpg_callbacks_t, cpg_confchg_fn);
	SIZE(cpg_model_data_t);
	SIZE(cpg_model_v1_data_t);
	OFF(cpg_model_v1_data_t, cpg_deliver_fn);
	OFF(cpg_model_v1_data_t, cpg_confchg_fn);
	OFF(cpg_model_v1_data_t, cpg_totem_confchg_fn);
	OFF(cpg_model_v1_data_t, flags);
	SIZE(cs_name_t);
	OFF(cs_name_t, value);
	SIZE(cs_version_t);
	OFF(cs_version_t, minorVersion);

	VAL(CPG_MAX_NAME_LENGTH);
	VAL(CPG_MEMBERS_MAX);
	VAL(CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF);
	VAL(CS_MAX_NAME_LENGTH);
	VAL(CS_TIME_END);
	VAL(CS_TRUE);
	VAL(CS_FALSE);
	VAL(CS_MAX(3, 9));
	VAL(CS_TRACK_CURRENT);
	VAL(CS_TRACK_CHANGES);
	VAL(CS_TRACK_CHANGES_ONLY);
	VAL(CS_IPC_TIMEOUT_MS);
	VAL(CS_TIME_MS_IN_SEC);
	VAL(CS_TIME_US_IN_SEC);
	VAL(CS_TIME_NS_IN_SEC);
	VAL(CS_TIME_US_IN_MSEC);
	VAL(CS_TIME_NS_IN_MSEC);
	VAL(CS_TIME_NS_IN_USEC);
	STR(CS_PRI_NODE_ID);
	STR(CS_PRI_NODE_ID_PADDED);
	STR(CS_PRI_RING_ID_SEQ);
	STR(CS_PRI_RING_ID);

	VAL(CS_DISPATCH_ONE);
	VAL(CS_DISPATCH_ALL);
	VAL(CS_DISPATCH_BLOCKING);
	VAL(CS_DISPATCH_ONE_NONBLOCKING);
	VAL(CS_OK);
	VAL(CS_ERR_LIBRARY);
	VAL(CS_ERR_VERSION);
	VAL(CS_ERR_INIT);
	VAL(CS_ERR_TIMEOUT);
	VAL(CS_ERR_TRY_AGAIN);
	VAL(CS_ERR_INVALID_PARAM);
	VAL(CS_ERR_NO_MEMORY);
	VAL(CS_ERR_BAD_HANDLE);
	VAL(CS_ERR_BUSY);
	VAL(CS_ERR_ACCESS);
	VAL(CS_ERR_NOT_EXIST);
	VAL(CS_ERR_NAME_TOO_LONG);
	VAL(CS_ERR_EXIST);
	VAL(CS_ERR_NO_SPACE);
	VAL(CS_ERR_INTERRUPT);
	VAL(CS_ERR_NAME_NOT_FOUND);
	VAL(CS_ERR_NO_RESOURCES);
	VAL(CS_ERR_NOT_SUPPORTED);
	VAL(CS_ERR_BAD_OPERATION);
	VAL(CS_ERR_FAILED_OPERATION);
	VAL(CS_ERR_MESSAGE_ERROR);
	VAL(CS_ERR_QUEUE_FULL);
	VAL(CS_ERR_QUEUE_NOT_AVAILABLE);
	VAL(CS_ERR_BAD_FLAGS);
	VAL(CS_ERR_TOO_BIG);
	VAL(CS_ERR_NO_SECTIONS);
	VAL(CS_ERR_CONTEXT_NOT_FOUND);
	VAL(CS_ERR_TOO_MANY_GROUPS);
	VAL(CS_ERR_SECURITY);

	VAL(CPG_TYPE_UNORDERED);
	VAL(CPG_TYPE_FIFO);
	VAL(CPG_TYPE_AGREED);
	VAL(CPG_TYPE_SAFE);
	VAL(CPG_FLOW_CONTROL_DISABLED);
	VAL(CPG_FLOW_CONTROL_ENABLED);
	VAL(CPG_REASON_UNDEFINED);
	VAL(CPG_REASON_JOIN);
	VAL(CPG_REASON_LEAVE);
	VAL(CPG_REASON_NODEDOWN);
	VAL(CPG_REASON_NODEUP);
	VAL(CPG_REASON_PROCDOWN);
	VAL(CPG_ITERATION_NAME_ONLY);
	VAL(CPG_ITERATION_ONE_GROUP);
	VAL(CPG_ITERATION_ALL);
	VAL(CPG_MODEL_V1);

	printf("cs_timestamp_get monotonic: %d\n", cs_timestamp_get() <= cs_timestamp_get());
	check_function_types();
	return 0;
}
