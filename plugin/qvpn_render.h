/* qvpn_render.h — a verdict drawn as qvpn.* fields and expert infos.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_RENDER_H
#define QVPN_RENDER_H

#include "qvpn_compat.h"
#include <epan/packet.h>

#include "qvpn_engine.h"

/* Register the qvpn.* fields, subtrees and expert infos of protocol proto. */
void qvpn_render_register(int proto);

/* Add the verdict to the tree and expert info.  Works with tree == NULL (expert
 * info is still recorded for taps and -z expert); draws the same on every pass. */
void qvpn_render(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const qvpn_verdict *v);

#endif /* QVPN_RENDER_H */
