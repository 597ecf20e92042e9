/* qvpn_tap.h — the public tap record, for statistics (-z, stats_tree, IO Graph).
 *
 * Tap "qvpn": tap_queue_packet() is called once per dissection of every frame that
 * has a verdict, on every pass (one-pass tshark, both passes of -2, GUI retaps).
 * The record (the `data` argument of a tap_packet_cb) is a
 *
 *     const qvpn_verdict *        (plugin/core/qvpn_engine.h)
 *
 * owned by the engine and valid until the capture file is closed.  Listeners must
 * treat it as read-only.  Statistics depend on this header and the core's
 * headers only, never on the rest of the glue.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_TAP_H
#define QVPN_TAP_H

#include "qvpn_engine.h"

#define QVPN_TAP_NAME "qvpn"

typedef const qvpn_verdict *qvpn_tap_record;

#endif /* QVPN_TAP_H */
