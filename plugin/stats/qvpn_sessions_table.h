/* qvpn_sessions_table.h — Statistics > QuickVPN > Sessions (a stat_tap_table_ui).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_SESSIONS_TABLE_H
#define QVPN_SESSIONS_TABLE_H

void qvpn_sessions_table_register(void);

#endif /* QVPN_SESSIONS_TABLE_H */
