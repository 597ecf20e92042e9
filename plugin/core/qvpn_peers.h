/* qvpn_peers.h — the peer-pair table and the gateways qvpn knows.
 *
 * A pair is both ends of a conversation in canonical order (a <= b), so either
 * direction finds it; it points at the session new traffic between them joins.
 * Gateways are known from the preferences or learned from IKE (the responder).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_PEERS_H
#define QVPN_PEERS_H

#include "qvpn_verdict.h"

struct qvpn_sess;

typedef struct qvpn_pair {
    qvpn_addr a, b;
    struct qvpn_sess *current;      /* the session new traffic joins; set by qvpn_session.c */
} qvpn_pair;

typedef struct qvpn_peers qvpn_peers;

/* cfg must outlive the table (the engine's copy). */
qvpn_peers *qvpn_peers_new(const qvpn_config *cfg);
void        qvpn_peers_free(qvpn_peers *p);

/* The pair of x and y (either order); created when asked and the table has room
 * (max_sessions pairs), else NULL. */
qvpn_pair  *qvpn_peers_pair(qvpn_peers *p, const qvpn_addr *x, const qvpn_addr *y, bool create);

bool        qvpn_peers_is_gateway(const qvpn_peers *p, const qvpn_addr *a);
void        qvpn_peers_learn_gateway(qvpn_peers *p, const qvpn_addr *a);

#endif /* QVPN_PEERS_H */
