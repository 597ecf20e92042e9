/* qvpn_stats_tap.h — registration of qvpn's statistics (called from proto_register).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_STATS_TAP_H
#define QVPN_STATS_TAP_H

#include <stdint.h>

void qvpn_stats_register(void);

/* plugin.c: frame.time_relative of the capture's last frame so far, -1 if none. */
int64_t qvpn_capture_end_ns(void);

#endif /* QVPN_STATS_TAP_H */
