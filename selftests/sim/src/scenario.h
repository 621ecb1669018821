/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
#ifndef SIM_SCENARIO_H
#define SIM_SCENARIO_H

#include <stdint.h>
#include "kp.h"

/* How long a healed, quiet cluster may take to become one ring. */
uint64_t scenario_converge_bound(const struct kp_config *c);
/* How long a message sent in a quiet, converged cluster may take. */
uint64_t scenario_live_bound(const struct kp_config *c);

#endif
