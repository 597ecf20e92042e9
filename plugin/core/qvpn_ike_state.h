/* qvpn_ike_state.h — the IKE SA state machine of a passive observer: one table, one
 * writer.  The states and their Cisco/RFC reference are in qvpn_types.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_IKE_STATE_H
#define QVPN_IKE_STATE_H

#include "qvpn_types.h"

/* What an IKE message tells about its SA, once numbered (qvpn_ike.c). */
typedef enum {
    QVPN_IKE_EV_MM1, QVPN_IKE_EV_MM2, QVPN_IKE_EV_MM3,
    QVPN_IKE_EV_MM4, QVPN_IKE_EV_MM5, QVPN_IKE_EV_MM6,
    QVPN_IKE_EV_AM1, QVPN_IKE_EV_AM2, QVPN_IKE_EV_AM3,
    QVPN_IKE_EV_P1_UNPLACED,    /* a Main/Aggressive Mode message whose place is unknown */
    QVPN_IKE_EV_QUICK,          /* any Quick Mode message */
    QVPN_IKE_EV_INFO_ENCRYPTED, /* an IKEv1 Informational under the ISAKMP SA's keys */
    QVPN_IKE_EV_V2_INIT_REQ,    /* IKE_SA_INIT request */
    QVPN_IKE_EV_V2_INIT_RESP,   /* IKE_SA_INIT answered, no error or COOKIE */
    QVPN_IKE_EV_V2_AUTH_REQ,    /* IKE_AUTH request */
    QVPN_IKE_EV_V2_AUTH_RESP,   /* IKE_AUTH answered: not a refusal, not an EAP round */
    QVPN_IKE_EV_V2_ESTABLISHED, /* a CREATE_CHILD_SA or INFORMATIONAL message, or an
                                   IKE_AUTH response whose request is not in the capture */
    QVPN_IKE_EV_V2_IKE_DELETED, /* a Delete answered by an empty INFORMATIONAL */
    QVPN_IKE_EV_V2_INTERMEDIATE, /* IKE_INTERMEDIATE (RFC 9242), between SA_INIT and AUTH */
    QVPN_IKE_EV_UNPLACED,       /* the SA's first message tells nothing of its state */
    QVPN_IKE_EV_COUNT
} qvpn_ike_event;

/* The one writer of an IKE SA's state: the table's next state for (event, *state),
 * written to *state.  Returns true when the state changed. */
bool qvpn_ike_state_apply(qvpn_ike_state *state, qvpn_ike_event ev);

/* Phase 1 is complete in this state (QM_IDLE, READY). */
bool qvpn_ike_state_p1_up(qvpn_ike_state st);

#endif /* QVPN_IKE_STATE_H */
