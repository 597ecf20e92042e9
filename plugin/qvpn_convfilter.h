/* qvpn_convfilter.h — Conversation Filter > QuickVPN: `qvpn.session == N`.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_CONVFILTER_H
#define QVPN_CONVFILTER_H

#include <stdint.h>

/* Registers the filter (called from proto_register). */
void qvpn_convfilter_register(void);

/* plugin.c: the session id of a frame, 0 if qvpn assigned it to none. */
uint32_t qvpn_frame_session(uint32_t frame);

#endif /* QVPN_CONVFILTER_H */
