/* qvpn_session.h — a session's life: which session a flow joins, the phase of a
 * frame, teardown.  The trackers (TCP/TLS, IKE, ESP) call down into this file; it
 * calls none of them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_SESSION_H
#define QVPN_SESSION_H

#include <glib.h>

#include "qvpn_ctx.h"
#include "qvpn_sess_ev.h"
#include "qvpn_facts.h"
#include "qvpn_peers.h"

#define QVPN_MAX_SPIS_PER_SESSION 16
#define QVPN_PLAIN_CACHE 8

typedef struct qvpn_sess {
    qvpn_session pub;               /* what statistics see */
    qvpn_facts   facts;             /* pub.facts points here; folded by the engine */
    qvpn_pair   *pair;

    /* Lifecycle: written in qvpn_session.c only. */
    bool         esp_seen;          /* the tunnel carried traffic */
    bool         teardown;
    bool         logout_seen;       /* a TLS stream already joined the teardown */
    int64_t      teardown_ts;
    int64_t      last_esp_ts;
    uint32_t     spis[QVPN_MAX_SPIS_PER_SESSION];
    uint8_t      n_spis;

    /* IKE: written in qvpn_ike.c. */
    bool         had_ike;
    bool         p1_done;
    bool         p1_stall_reported; /* by timeout, once */
    bool         p2_stall_reported;
    qvpn_ike_state ike_state;       /* the latest SA's, "lost track" aside */
    bool         sa_agreed;         /* IPsec SAs agreed (QM3, IKEv2 child SA) */
    int64_t      tunnel_from_ts;    /* first message of the SA that built the tunnel */
    int64_t      first_ike_ts;
    int64_t      last_ike_ts;
    int64_t      p1_progress_ts;    /* last new phase-1 message */
    int64_t      p1_done_ts;

    /* ESP: written in qvpn_esp.c. */
    bool         tunnel_up;         /* ESP seen both ways */
    bool         one_way_reported;
    uint32_t     esp_out, esp_in;
    int64_t      first_out_ts, first_in_ts;  /* first ESP each way */

    qvpn_sess_ev ev;                /* qvpn_evidence.c: what the clear bytes showed */

    qvpn_verdict *plain[QVPN_PLAIN_CACHE]; /* qvpn_engine.c: shared verdicts */
} qvpn_sess;

/* Every session of a capture, in order of creation, and the session cap. */
typedef struct qvpn_sessions {
    GPtrArray *all;                 /* index id-1 -> qvpn_sess* */
    bool       cap_hit;
    bool       cap_reported;
    GHashTable *by_spi;             /* k=ESP/AH SPI, v=qvpn_sess* whose child SA it is, as
                                       the decrypted IKE showed (qvpn_keys.c); NULL
                                       without keys */
    GHashTable *by_ike_spi;         /* k=guint64 of a rekeyed IKE SA's new initiator SPI,
                                       v=qvpn_sess* of the SA it replaces (qvpn_keys.c) */
} qvpn_sessions;

qvpn_sessions *qvpn_sessions_new(void);
void           qvpn_sessions_free(qvpn_sessions *ss);

/* The kinds of flow that join sessions (the table in qvpn_session.c). */
typedef enum {
    QVPN_JOIN_LOGIN,        /* a new TCP stream to a QuickVPN port or gateway */
    QVPN_JOIN_IKE_SA,       /* a new IKE SA (initiator cookie / SPI) seen mid-exchange */
    QVPN_JOIN_IKE_START,    /* a new IKE SA starting from its first message (MM1, AM1,
                               IKE_SA_INIT request) */
    QVPN_JOIN_IKEV2_START,  /* a new IKEv2 SA first seen in IKE_SA_INIT or IKE_AUTH:
                               IKEv2 rekeys with CREATE_CHILD_SA, never so */
    QVPN_JOIN_ESP,          /* an ESP packet */
    QVPN_JOIN_KEEPALIVE     /* a NAT-T keepalive */
} qvpn_join;

/* The session a flow of `kind` between client and gateway joins: the pair's current
 * one or a new one.  NULL when it joins none (a keepalive with no session) or the
 * session cap is reached (then the frame reports it, once per capture). */
qvpn_sess *qvpn_session_join(qvpn_ctx *c, qvpn_pair *pair, qvpn_join kind,
                             const qvpn_addr *client, const qvpn_addr *gateway, bool guessed);

/* Report the session cap on this frame (once per capture): a flow found no room. */
void       qvpn_session_cap(qvpn_ctx *c);

/* The phase of a frame of step `step` in session s. */
qvpn_phase qvpn_session_phase(const qvpn_sess *s, qvpn_step step);

/* The IKE says the tunnel ends (a Delete, qvpn_ike.c decides): the teardown starts. */
void       qvpn_session_teardown(qvpn_ctx *c);

/* New IPsec SAs are negotiated (a rekey): a teardown that started was none. */
void       qvpn_session_resume(qvpn_sess *s);

/* An ESP packet on spi: the tunnel carries traffic; ESP after a teardown started
 * means it was none (a DPD exchange, the old SA of a rekey). */
void       qvpn_session_esp(qvpn_sess *s, uint32_t spi, int64_t ts);

#endif /* QVPN_SESSION_H */
