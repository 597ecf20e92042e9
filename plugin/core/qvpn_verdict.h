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
    bool      quiet_legacy_crypto; /* no legacy_crypto Note (QuickVPN needs 3DES/SHA1) */
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

/* NAT on the path as NAT-D says (qvpn_evid.nat): who is behind NAT. */
enum {
    QVPN_NAT_CLIENT  = 1u << 0,
    QVPN_NAT_GATEWAY = 1u << 1
};

/* What a decrypted Delete removes (qvpn_evid.del_kind). */
enum {
    QVPN_DEL_IKE     = 1u << 0,   /* the IKE SA (else IPsec SAs) */
    QVPN_DEL_REKEYED = 1u << 1    /* ... that a newer SA replaces: a rekey's end */
};

/* How a diagnosis is known (qvpn.evidence). */
typedef enum {
    QVPN_EVIDENCE_NONE = 0,
    QVPN_EVIDENCE_CLEARTEXT,    /* read from the packet in the clear */
    QVPN_EVIDENCE_DECRYPTED,    /* read from what Wireshark decrypted with the user's keys */
    QVPN_EVIDENCE_INFERRED      /* deduced from timing, sizes, silence */
} qvpn_evidence;

/* What a frame shows in the clear beyond its headers (qvpn_evidence.c); NULL on the
 * verdicts of most frames.  Immutable once stored, strings interned by the engine
 * for the capture's lifetime: both passes show the same. */
typedef struct qvpn_evid {
    const char *offered;        /* IKE SA proposals of a phase-1 request */
    const char *chosen;         /* the proposal a phase-1 response accepted */
    const char *vendors;        /* the Vendor IDs recognised on this frame, ", " */
    const char *software;       /* the implementation they name, with its version */
    const char *icmp;           /* an ICMP error and the session packet it quotes */
    const char *tls_offered;    /* a ClientHello's version and suites */
    const char *tls_chosen;     /* a ServerHello's */
    uint32_t    weak;           /* QVPN_WEAK_* of offered / chosen (qvpn_ike_sa.h) */
    uint32_t    caps;           /* QVPN_CAP_* announced (qvpn_vendor.h) */
    uint16_t    dh_group;       /* chosen, or asked for by INVALID_KE_PAYLOAD */
    uint8_t     family;         /* qvpn_vendor_family of software */
    uint8_t     nat;            /* QVPN_NAT_*, when nat_seen */
    bool        nat_seen;       /* NAT-D payloads were checked on this frame */
    bool        tls_legacy;     /* the ClientHello offers legacy TLS only */
    uint8_t     ip_frags;       /* the message came in this many IP fragments */
    /* Read from what Wireshark decrypted with the user's keys (qvpn_keys.c): */
    const char *dec_notify;     /* the notifications' names, ", " */
    const char *ts_i, *ts_r;    /* phase-2 selectors: initiator's, responder's */
    const char *ts_pair;        /* both: "I <-> R" */
    const char *p2_proposal;    /* phase-2 suites */
    const char *del;            /* a Delete: "ESP 0x..., 0x..." / "IKE SA" ... */
    uint8_t     del_kind;       /* ... QVPN_DEL_*: what it deletes */
    const char *dpd;            /* "R-U-THERE", "R-U-THERE-ACK", "liveness check" */
    const char *xauth;          /* "requested", "OK", "FAIL" */
    const char *cfg_address;    /* Mode Config / CP address assigned */
    const char *cfg_split;      /* split networks */
    const char *identity;       /* IKEv1 IDii/IDir, IKEv2 IDi/IDr */
    const char *inner;          /* decrypted ESP: the packet it carries */
    const char *esp_ts;         /* ESP: the networks of its SA */
    const char *child_sa;       /* the frame completing a child SA: "0x../0x.. I <-> R" */
    uint32_t    p2_spi;         /* the first phase-2 proposal's SPI */
    uint32_t    child_spi_i, child_spi_r; /* of child_sa */
    uint32_t    dpd_seq;
    uint16_t    p2_pfs;
    bool        has_p2_spi, has_dpd_seq;
    bool        dpd_request;    /* dpd is a request (R-U-THERE, a liveness request) */
    bool        decrypted;      /* something above was read */
    bool        diag_decrypted; /* the frame's diagnosis was read from decrypted bytes */
} qvpn_evid;

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
    const qvpn_evid *ev;          /* cleartext evidence on this frame, or NULL */
    const char    *offer;         /* the session's phase-1 offer, on a refusal of it
                                     (IKE_NOTIFY, PROPOSAL_REFUSED, a stall in phase 1) */
} qvpn_verdict;

#ifdef __cplusplus
}
#endif

#endif /* QVPN_VERDICT_H */
