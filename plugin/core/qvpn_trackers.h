/* qvpn_trackers.h — the per-protocol trackers the engine dispatches a frame to.
 *
 * Each one finds (or starts) the frame's flow, joins it to a session through
 * qvpn_session.c, and fills the frame's verdict.  They call down into the session,
 * peer and state-table files, never up into the engine, and never each other.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_TRACKERS_H
#define QVPN_TRACKERS_H

#include "qvpn_ctx.h"

/* qvpn_tcp.c: TCP streams and the TLS login on them. */
typedef struct qvpn_tcp_tracker qvpn_tcp_tracker;
qvpn_tcp_tracker *qvpn_tcp_new(void);
void              qvpn_tcp_free(qvpn_tcp_tracker *t);
bool              qvpn_tcp_feed(qvpn_tcp_tracker *t, qvpn_ctx *c);

/* qvpn_ike.c: IKE SAs, their exchanges and states; stalls seen by the clock. */
typedef struct qvpn_ike_tracker qvpn_ike_tracker;
qvpn_ike_tracker *qvpn_ike_new(void);
void              qvpn_ike_free(qvpn_ike_tracker *t);
bool              qvpn_ike_feed(qvpn_ike_tracker *t, qvpn_ctx *c);
void              qvpn_ike_check_timeouts(qvpn_ctx *c);

/* qvpn_esp.c: ESP each way, NAT-T keepalives. */
bool              qvpn_esp_feed(qvpn_ctx *c);
bool              qvpn_keepalive_feed(qvpn_ctx *c);

#endif /* QVPN_TRACKERS_H */
