/* qvpn_facts.h — what happened in a session: the one derivation of its verdict.
 *
 * A session's facts are a fold of its frames' verdicts, one qvpn_rec per frame, in
 * frame order; where a fact needs the engine's knowledge (an SA agreed, the state a
 * stall was seen in), the engine puts it on the verdict first.  The engine folds
 * every verdict it returns into the session's facts (qvpn_session.facts); the
 * sessions table (-z qvpn,sessions, text and JSON), and whatever else shows a
 * session's outcome, read those facts and print qvpn_facts_verdict().  Nothing
 * else decides what happened in a session.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_FACTS_H
#define QVPN_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qvpn_verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One frame with a verdict: the fold's input, and the tap record (qvpn_tap.h). */
typedef struct qvpn_rec {
    const qvpn_verdict *v;  /* the frame's verdict, never NULL */
    uint32_t frame;         /* frame.number */
    int64_t  rel_ts_ns;     /* frame.time_relative (first pass), in ns */
    uint16_t sport;         /* tcp.srcport / udp.srcport, 0 if none */
    uint16_t dport;         /* tcp.dstport / udp.dstport, 0 if none */
    bool     udp;           /* the ports are UDP ports (IKE, NAT-T, ESP in UDP) */
    bool     has_spi;       /* an ESP (or AH) frame: spi is valid */
    bool     ah;            /* ... and it is AH */
    uint32_t spi;           /* esp.spi */
} qvpn_rec;

/* The record of a frame from its observation and verdict. */
void qvpn_rec_init(qvpn_rec *r, const qvpn_obs *o, const qvpn_verdict *v);

#define QVPN_FACTS_SPIS  16
#define QVPN_FACTS_PORTS 4

typedef struct qvpn_spi_count {
    uint32_t spi;
    bool     from_client;   /* client -> gateway (encaps) */
    bool     ah;            /* an AH SA, not ESP */
    uint32_t packets;
} qvpn_spi_count;

#define QVPN_FACTS_LIST 4

/* A child SA as the facts keep it: its SPIs and networks. */
typedef struct qvpn_child_fact {
    uint32_t    spi_i, spi_r;
    const char *text;           /* "0x../0x.. I <-> R" */
    const char *ts;             /* "I <-> R" alone */
} qvpn_child_fact;

typedef struct qvpn_facts {
    int64_t        stall_ns;        /* the stall timeout: IKE silence this long until the
                                       capture ends is a stall, not the capture's end */
    uint32_t       first_frame;     /* the session's first frame */
    int64_t        start_rel_ns;    /* its frame.time_relative */
    bool           roles_guessed;   /* from the session */
    uint8_t        phases;          /* bit per qvpn_phase reached */
    qvpn_phase     last_phase;      /* the phase of its last frame */
    qvpn_ike_state ike_state;       /* the latest known IKE state; "lost track" never
                                       hides a state that was known */
    uint8_t        ike_version;     /* 0 (no IKE), 1 or 2: the latest IKE frame's */
    bool           had_ike, had_esp;
    bool           sa_agreed;       /* IPsec SAs agreed (QM3, IKEv2 child SA) */
    uint32_t       findings;        /* bit per qvpn_finding raised */
    uint32_t       finding_count[QVPN_FINDING_COUNT];
    uint16_t       notify_type;     /* the latest cleartext error notify, 0 if none */
    uint8_t        alert_desc;      /* the latest cleartext fatal TLS alert */
    bool           alert_from_client; /* ... and who sent it */
    qvpn_ike_msg   refused_msg;     /* the request the latest IKE_REFUSED answered */
    uint32_t       last_frame;      /* the session's last frame */
    int64_t        last_rel_ns;
    uint32_t       last_ike_frame;  /* its last IKE message: */
    int64_t        last_ike_rel_ns;
    qvpn_ike_msg   last_ike_msg;
    qvpn_step      last_ike_step;
    uint8_t        last_ike_sends;  /* transmissions of the last IKE message, as far as seen */
    int64_t        stall_span_ns;   /* the longest a stalled request went unanswered */
    int64_t        time_to_tunnel_ns; /* -1 until ESP flowed both ways */
    uint32_t       esp_out, esp_in; /* ESP packets client->gateway / gateway->client */
    qvpn_spi_count spis[QVPN_FACTS_SPIS]; /* per SPI and direction, first ones */
    uint8_t        n_spis;
    uint16_t       tcp_ports[QVPN_FACTS_PORTS], udp_ports[QVPN_FACTS_PORTS]; /* gateway's */
    /* Evidence read in the clear (qvpn_evid on the verdicts); strings interned. */
    const char    *offered;         /* the first phase-1 offer */
    const char    *chosen;          /* the latest phase-1 choice */
    uint16_t       dh_group;        /* ... its D-H group, or the one INVALID_KE asked for */
    const char    *client_software, *gateway_software;
    uint32_t       client_caps, gateway_caps;  /* QVPN_CAP_* each side announced */
    uint8_t        nat;             /* QVPN_NAT_* found by NAT-D ... */
    bool           nat_seen;        /* ... when NAT-D was seen at all */
    uint32_t       ip_fragmented;   /* IKE messages that came in IP fragments */
    const char    *icmp;            /* the first ICMP error quoting the session */
    const char    *tls_offered, *tls_chosen;
    /* Read from what Wireshark decrypted with the user's keys (qvpn_keys.c). */
    bool           decrypted;       /* some frame was */
    bool           notify_decrypted; /* notify_type was read from decrypted bytes */
    const char    *notify_dec[QVPN_FACTS_LIST];  /* notifications' names, distinct */
    const char    *ts[QVPN_FACTS_LIST];          /* selectors asked, "I <-> R", distinct */
    qvpn_child_fact child[QVPN_FACTS_LIST];      /* child SAs created */
    uint8_t        n_child;
    const char    *deletes[QVPN_FACTS_LIST];     /* Deletes, in order */
    const char    *end_delete;      /* the Delete that ended the tunnel, if one did ... */
    bool           end_delete_ike;  /* ... of the IKE SA */
    uint32_t       dpd;             /* DPD / liveness messages */
    const char    *xauth;           /* "OK", "FAIL" (the latest status), or "requested" */
    const char    *cfg_address, *cfg_split;
    uint32_t       inner_out, inner_in; /* decrypted inner packets each way (labelled) */
    const char    *inner_unanswered; /* the first inner request no reply followed */
} qvpn_facts;

void qvpn_facts_init(qvpn_facts *f, int64_t stall_timeout_ns);

/* Fold one frame of the session into its facts (frames in order). */
void qvpn_facts_add(qvpn_facts *f, const qvpn_rec *r);

/* No IKE and no ESP: a login (or any TLS) that no IKE followed. */
bool qvpn_facts_tls_only(const qvpn_facts *f);

/* The session's verdict in one line: "connected", "stalled in MM_KEY_EXCH: ...".
 * capture_end_rel_ns: frame.time_relative of the capture's last frame (-1: unknown),
 * to tell how long the capture went on after the last message. */
void qvpn_facts_verdict(const qvpn_facts *f, int64_t capture_end_rel_ns, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* QVPN_FACTS_H */
