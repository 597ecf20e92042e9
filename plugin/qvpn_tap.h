/* qvpn_tap.h — the public tap record, for statistics (-z, stats_tree, IO Graph).
 *
 * Tap "qvpn": tap_queue_packet() is called once per dissection of every frame that
 * has a verdict, on every pass (one-pass tshark, both passes of -2, GUI retaps),
 * with a
 *
 *     const qvpn_tap_rec *
 *
 * as the `data` of a tap_packet_cb.  The record and the verdict it points to are
 * computed on the first pass and stay valid until the capture file is closed;
 * listeners treat them as read-only.  A frame can be tapped more than once (GUI
 * retaps, -2): count by `frame`.
 *
 * Pure C11: statistics code may include this with only GLib and the core's headers
 * on its include path.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_TAP_H
#define QVPN_TAP_H

#include <stdbool.h>
#include <stdint.h>

#include "qvpn_facts.h"

#define QVPN_TAP_NAME "qvpn"

/* The record is the core's per-frame record (qvpn_facts.h): the verdict, the frame
 * number, frame.time_relative, the ports and the ESP SPI. */
typedef qvpn_rec qvpn_tap_rec;

#endif /* QVPN_TAP_H */
