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

#include "qvpn_engine.h"

#define QVPN_TAP_NAME "qvpn"

typedef struct qvpn_tap_rec {
    const qvpn_verdict *v;  /* the frame's verdict, never NULL */
    uint32_t frame;         /* frame.number */
    int64_t  rel_ts_ns;     /* frame.time_relative (first pass), in ns */
    uint16_t sport;         /* tcp.srcport / udp.srcport, 0 if none */
    uint16_t dport;         /* tcp.dstport / udp.dstport, 0 if none */
    bool     udp;           /* the ports are UDP ports (IKE, NAT-T, ESP in UDP) */
    bool     has_spi;       /* an ESP frame: spi is valid */
    uint32_t spi;           /* esp.spi */
} qvpn_tap_rec;

#endif /* QVPN_TAP_H */
