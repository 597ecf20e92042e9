/* qvpn_sess_ev.h — the evidence state a session keeps (a type only: qvpn_session.h
 * embeds it, qvpn_evidence.c alone writes it, so the session does not depend on the
 * evidence code).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_SESS_EV_H
#define QVPN_SESS_EV_H

#include <stdbool.h>
#include <stdint.h>

/* What a session has shown so far (written by qvpn_evidence.c only). */
typedef struct qvpn_sess_ev {
    const char *offer;            /* the latest phase-1 offer, interned */
    bool        offer_legacy_only; /* ... every suite has legacy crypto, one at least
                                      crypto no current gateway accepts */
    bool        offer_refusable;  /* ... every suite has crypto no gateway accepts */
    bool        legacy_noted;
    uint8_t     nat;              /* QVPN_NAT_* found by NAT-D */
    bool        nat_seen, nat_reported;
    bool        answered_500;     /* the gateway sent IKE on UDP 500 ... */
    bool        answered_4500;    /* ... and on UDP 4500 */
    uint16_t    client_natt_port; /* the client's source port on UDP 4500 */
    bool        frag_client, frag_gateway;  /* IKE fragmentation announced by each */
    bool        raw_esp_reported, esp_frag_reported, tls_legacy_reported;
} qvpn_sess_ev;

#endif /* QVPN_SESS_EV_H */
