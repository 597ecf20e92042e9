/* qvpn_verdict.h — the engine's public types: its configuration, a session, and the
 * verdict of a frame.  Types only: what the glue, the statistics and every part of the
 * core share, without depending on the engine's functions.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_VERDICT_H
#define QVPN_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "qvpn_findings.h"
#include "qvpn_obs.h"
#include "qvpn_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the user can tune (the glue maps each member to a preference). */
typedef struct qvpn_config {
    uint16_t  ports[8];           /* QuickVPN TLS ports; 0 ends the list */
    qvpn_addr gateways[8];        /* known gateways; len 0 ends the list */
    int64_t   stall_timeout_ns;   /* IKE silence after which a stall is reported */
    uint32_t  esp_one_way_pkts;   /* ESP packets one way, none back ... */
    int64_t   esp_one_way_ns;     /* ... for at least this long -> esp_one_way */
    int64_t   logout_window_ns;   /* TLS this soon after teardown is the logout */
    uint32_t  max_sessions;       /* session-table cap (hostile captures) */
} qvpn_config;

struct qvpn_facts;

/* A session: one client <-> gateway connection attempt.  Owned by the engine.  What
 * happened in it is its facts (qvpn_facts.h), folded from its frames' verdicts. */
typedef struct qvpn_session {
    uint32_t     id;              /* 1-based, in order of first packet */
    qvpn_addr    client;          /* TLS client / IKE initiator */
    qvpn_addr    gateway;         /* TLS server / IKE responder */
    bool         roles_guessed;   /* capture started mid-flow: roles not seen */
    const struct qvpn_facts *facts; /* complete once the first pass is over */
} qvpn_session;

#define QVPN_ALERT_ENCRYPTED 0xff

/* The per-frame result; numbers are 0 / -1 when not applicable. */
typedef struct qvpn_verdict {
    const qvpn_session *session;  /* NULL: frame is not part of any VPN flow */
    qvpn_phase     phase;
    qvpn_step      step;
    qvpn_ike_msg   ike_msg;
    qvpn_ike_state ike_state;     /* QVPN_IKE_STATE_NONE on non-IKE frames */
    bool           from_client;   /* direction of this frame */
    uint32_t       response_in;   /* frame of the response (filled later) */
    uint32_t       response_to;   /* frame of the request this answers */
    qvpn_rtt_kind  rtt_kind;      /* which handshake this frame completes */
    int64_t        rtt_ns;        /* -1 if none */
    int64_t        time_to_tunnel_ns; /* on the frame that brings the tunnel up */
    uint32_t       findings;      /* bit per qvpn_finding */
    uint32_t       retrans_of;    /* original of an IKE retransmission */
    qvpn_ike_state stall_state;   /* state an mm/qm stall was detected in */
    uint16_t       notify_type;   /* error notify of qvpn_finding IKE_NOTIFY */
    uint8_t        alert_desc;    /* TLS alert of TLS_ALERT / RST_AFTER_ALERT;
                                     QVPN_ALERT_ENCRYPTED when not visible */
    int64_t        gap_ns;        /* alert->RST time, or silence before a stall */
    uint32_t       esp_count;     /* ESP packets one way, on ESP_ONE_WAY / TUNNEL_UP */
    uint32_t       ike_len;       /* isakmp.length, on IKE_AUTH_FAILED */
    uint8_t        ike_version;   /* 1 or 2 on IKE frames, else 0 */
    uint8_t        sends;         /* transmissions of a retransmitted request so far */
    qvpn_ike_msg   refused_msg;   /* the request IKE_REFUSED answers (MM5, QM1, ...) */
    bool           sa_agreed;     /* this frame completes an IPsec SA negotiation:
                                     QM3, an IKE_AUTH or CREATE_CHILD_SA response */
} qvpn_verdict;

#ifdef __cplusplus
}
#endif

#endif /* QVPN_VERDICT_H */
