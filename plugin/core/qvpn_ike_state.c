/* qvpn_ike_state.c — the IKE SA state table.
 *
 * Written for an observer in the middle, in the manner of netfilter conntrack's
 * tcp_conntracks: messages may be lost before or after the capture point, the
 * capture may start or end anywhere, so an event moves the state to what the
 * message proves, whatever came before; nothing is rejected because an earlier
 * message is missing.  Messages are numbered by who sends them and what came
 * before (qvpn_ike.c); a retransmission is no event.  The first row that matches the
 * event and the current state gives the next state (`event, from -> to  why`).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdbool.h>

#include "qvpn_ike_state.h"

#define ANY QVPN_IKE_STATE_COUNT

static const struct {
    qvpn_ike_event ev;
    qvpn_ike_state from;            /* ANY: every state */
    qvpn_ike_state to;
} table[] = {
    /* IKEv1 Main Mode (RFC 2409 5; Cisco `show crypto isakmp sa`) */
    { QVPN_IKE_EV_MM1, ANY, QVPN_IKE_STATE_MM_NO_STATE },    /* SA offered, nothing agreed */
    { QVPN_IKE_EV_MM2, ANY, QVPN_IKE_STATE_MM_SA_SETUP },    /* the responder chose a proposal */
    { QVPN_IKE_EV_MM3, ANY, QVPN_IKE_STATE_MM_SA_SETUP },    /* KE sent, not yet answered */
    { QVPN_IKE_EV_MM4, ANY, QVPN_IKE_STATE_MM_KEY_EXCH },    /* Diffie-Hellman done */
    { QVPN_IKE_EV_MM5, ANY, QVPN_IKE_STATE_MM_KEY_EXCH },    /* identity sent, not verified */
    { QVPN_IKE_EV_MM6, ANY, QVPN_IKE_STATE_QM_IDLE },        /* authenticated; MM_KEY_AUTH is
                                                                never visible on the wire */
    /* IKEv1 Aggressive Mode */
    { QVPN_IKE_EV_AM1, ANY, QVPN_IKE_STATE_AG_NO_STATE },    /* SA, KE, ID offered */
    { QVPN_IKE_EV_AM2, ANY, QVPN_IKE_STATE_AG_INIT_EXCH },   /* responder answered and proved */
    { QVPN_IKE_EV_AM3, ANY, QVPN_IKE_STATE_QM_IDLE },        /* initiator proved: phase 1 up */
    { QVPN_IKE_EV_P1_UNPLACED, ANY, QVPN_IKE_STATE_LOST },   /* mid-exchange, place unknown */
    /* IKEv1 phase 2 and Informational */
    { QVPN_IKE_EV_QUICK, ANY, QVPN_IKE_STATE_QM_IDLE },      /* Quick Mode runs only under an
                                                                established ISAKMP SA */
    { QVPN_IKE_EV_INFO_ENCRYPTED, QVPN_IKE_STATE_NONE, QVPN_IKE_STATE_QM_IDLE },
                                                             /* its keys exist: phase 1 was
                                                                done before the capture */
    /* IKEv2 (RFC 7296; IOS `show crypto ikev2 sa`: IN-NEG, READY) */
    { QVPN_IKE_EV_V2_INIT_REQ, ANY, QVPN_IKE_STATE_V2_INIT_SENT },  /* SAi1, KEi, Ni */
    { QVPN_IKE_EV_V2_INIT_RESP, ANY, QVPN_IKE_STATE_V2_INIT_DONE }, /* SAr1, KEr, Nr */
    { QVPN_IKE_EV_V2_AUTH_REQ, QVPN_IKE_STATE_V2_READY, QVPN_IKE_STATE_V2_READY },
                                                             /* a later round on a ready SA */
    { QVPN_IKE_EV_V2_AUTH_REQ, ANY, QVPN_IKE_STATE_V2_AUTH_SENT },  /* IDi, AUTH, SAi2, TS */
    { QVPN_IKE_EV_V2_AUTH_RESP, ANY, QVPN_IKE_STATE_V2_READY },     /* IDr, AUTH: SA up */
    { QVPN_IKE_EV_V2_ESTABLISHED, ANY, QVPN_IKE_STATE_V2_READY },   /* only an established
                                                                       IKE SA sends these */
    { QVPN_IKE_EV_V2_INTERMEDIATE, QVPN_IKE_STATE_NONE, QVPN_IKE_STATE_V2_INIT_DONE },
                                                             /* only after an answered
                                                                IKE_SA_INIT */
    { QVPN_IKE_EV_V2_IKE_DELETED, ANY, QVPN_IKE_STATE_DELETED },    /* RFC 7296 1.4.1: the
                                                                       IKE SA is gone */
    /* Either version */
    { QVPN_IKE_EV_UNPLACED, QVPN_IKE_STATE_NONE, QVPN_IKE_STATE_LOST },
                                                             /* first message tells nothing */
};

bool qvpn_ike_state_apply(qvpn_ike_state *state, qvpn_ike_event ev)
{
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (table[i].ev != ev || (table[i].from != ANY && table[i].from != *state))
            continue;
        bool changed = *state != table[i].to;
        *state = table[i].to;
        return changed;
    }
    return false;                   /* no row: the event says nothing about the state */
}

bool qvpn_ike_state_p1_up(qvpn_ike_state st)
{
    return st == QVPN_IKE_STATE_QM_IDLE || st == QVPN_IKE_STATE_V2_READY;
}
