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

/* An IPsec SA pair a phase-2 exchange created, as the decrypted payloads show it
 * (qvpn_keys.c): IKEv1 Quick Mode, IKEv2 IKE_AUTH / CREATE_CHILD_SA. */
typedef struct qvpn_child_sa {
    uint32_t    msgid;            /* of the exchange */
    uint32_t    spi_i, spi_r;     /* the request's SPI (initiator's inbound), the response's */
    const char *ts;               /* "I <-> R": the request's selectors, the response's
                                     once answered (it may narrow them); interned */
    int64_t     done_ts;          /* answered with an SA; 0 while not */
    bool        deleted;          /* a Delete named one of its SPIs */
    uint8_t     shown;            /* ESP labelled with its networks: 1 spi_i, 2 spi_r */
    const struct qvpn_evid *esp_ev; /* the evidence its ESP packets share (esp_ts) */
} qvpn_child_sa;

/* Requests inside the tunnel to one address on the gateway's side (qvpn_keys.c). */
typedef struct qvpn_inner_dst {
    uint8_t     len;              /* 4 or 16: the address below */
    uint8_t     addr[16];
    uint32_t    requests;         /* echo requests, TCP SYNs */
    int64_t     first_ts;
    bool        answered;         /* it sent anything back through the tunnel */
    bool        reported;
} qvpn_inner_dst;

#define QVPN_INNER_DSTS 4

#define QVPN_CHILD_MAX 8

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
    /* With keys (qvpn_keys.c): */
    qvpn_child_sa child[QVPN_CHILD_MAX];  /* the latest ones; the oldest are dropped */
    uint8_t     n_child;
    bool        live_pending;     /* an empty INFORMATIONAL request (liveness check) ... */
    uint32_t    live_msgid;       /* ... its message ID, for its answer */
    bool        ike_rekeyed;      /* an IKE SA of the session was rekeyed ... */
    uint8_t     rekeyed_ispi[8];  /* ... this one: its Delete ends nothing */
    qvpn_inner_dst inner_dst[QVPN_INNER_DSTS];  /* the first ones asked */
    uint8_t     n_inner_dst;
    uint16_t    inner_shown[2];   /* inner packets labelled, per direction (bounded) */
} qvpn_sess_ev;

#endif /* QVPN_SESS_EV_H */
