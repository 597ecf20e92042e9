/* qvpn_stats_tap.h — registration of qvpn's statistics (called from proto_register).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_STATS_TAP_H
#define QVPN_STATS_TAP_H

void qvpn_stats_register(void);

#endif /* QVPN_STATS_TAP_H */
