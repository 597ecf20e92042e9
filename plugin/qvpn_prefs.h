/* qvpn_prefs.h — the Protocols > qvpn preferences, mapped onto the engine's qvpn_config,
 * and the QuickVPN ports handed to the TLS dissector.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_PREFS_H
#define QVPN_PREFS_H

#include "qvpn_compat.h"

#include "qvpn_engine.h"

/* Register the preference module of protocol proto (proto_register time). */
void qvpn_prefs_register(int proto);

/* Handoff: find the TLS dissector and register the QuickVPN ports with it. */
void qvpn_prefs_handoff(void);

/* The current preferences as an engine configuration (init routine, once a file). */
void qvpn_prefs_to_config(qvpn_config *cfg);

#endif /* QVPN_PREFS_H */
