/* qvpn_types.h — the vocabulary: phases, steps, IKE messages and states, findings.
 *
 * Each enum has one *_name() in qvpn_types.c (findings: qvpn_findings.h); the glue
 * builds its value_strings from these, so a label exists in exactly one place.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_TYPES_H
#define QVPN_TYPES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The three QuickVPN checks, plus the end of the tunnel. */
typedef enum {
    QVPN_PHASE_NONE = 0,
    QVPN_PHASE_CONNECTION,      /* TCP/TLS login before IKE */
    QVPN_PHASE_POLICY,          /* IKE exchanges building SAs */
    QVPN_PHASE_NETWORK,         /* ESP on the tunnel, TLS while it is up */
    QVPN_PHASE_TEARDOWN,        /* delete/Informational after the tunnel carried ESP */
    QVPN_PHASE_COUNT
} qvpn_phase;

typedef enum {
    QVPN_STEP_NONE = 0,
    QVPN_STEP_TCP_HANDSHAKE,
    QVPN_STEP_TLS_HANDSHAKE,
    QVPN_STEP_TLS_DATA,
    QVPN_STEP_TLS_CLOSE,
    QVPN_STEP_TCP_CLOSE,
    QVPN_STEP_TCP_DATA,         /* on a QuickVPN port but not TLS */
    QVPN_STEP_IKE_MAIN,
    QVPN_STEP_IKE_AGGRESSIVE,
    QVPN_STEP_IKE_QUICK,
    QVPN_STEP_IKE_INFO,
    QVPN_STEP_IKEV2_SA_INIT,
    QVPN_STEP_IKEV2_AUTH,
    QVPN_STEP_IKEV2_CHILD_SA,
    QVPN_STEP_IKEV2_INFO,
    QVPN_STEP_IKE_OTHER,        /* unknown exchange type */
    QVPN_STEP_ESP,
    QVPN_STEP_NAT_KEEPALIVE,
    /* Added later: appended, so that the values users filter on stay. */
    QVPN_STEP_IKE_TRANSACTION,  /* IKEv1 Transaction: XAUTH, Mode Config */
    QVPN_STEP_IKEV2_INTERMEDIATE, /* IKE_INTERMEDIATE (RFC 9242) */
    QVPN_STEP_AUTHIP,           /* Windows AuthIP (MS-AIPS), not analysed */
    QVPN_STEP_AH,               /* AH on the tunnel (IP 51), counted as ESP is */
    QVPN_STEP_IP_FRAGMENT,      /* an IP fragment of a session's IKE or ESP packet */
    QVPN_STEP_ICMP,             /* an ICMP error quoting a session's packet */
    QVPN_STEP_COUNT
} qvpn_step;

typedef enum {
    QVPN_IKE_MSG_NONE = 0,
    QVPN_IKE_MSG_MM1, QVPN_IKE_MSG_MM2, QVPN_IKE_MSG_MM3,
    QVPN_IKE_MSG_MM4, QVPN_IKE_MSG_MM5, QVPN_IKE_MSG_MM6,
    QVPN_IKE_MSG_AM1, QVPN_IKE_MSG_AM2, QVPN_IKE_MSG_AM3,
    QVPN_IKE_MSG_QM1, QVPN_IKE_MSG_QM2, QVPN_IKE_MSG_QM3,
    QVPN_IKE_MSG_INFO,          /* IKEv1 Informational (unacknowledged) */
    QVPN_IKE_MSG_V2_REQUEST,
    QVPN_IKE_MSG_V2_RESPONSE,
    QVPN_IKE_MSG_UNKNOWN,       /* mid-flow: place in exchange not known */
    QVPN_IKE_MSG_COUNT
} qvpn_ike_msg;

/*
 * Phase-1 states, as Cisco IOS `show crypto isakmp sa` names them (RFC 2409 §5):
 *
 *   Main Mode       initiator            responder          state after the message
 *   MM1  HDR, SA                 ---->                       MM_NO_STATE
 *   MM2                          <----  HDR, SA              MM_SA_SETUP
 *   MM3  HDR, KE, Ni             ---->                       MM_SA_SETUP
 *   MM4                          <----  HDR, KE, Nr          MM_KEY_EXCH
 *   MM5  HDR*, IDii, HASH_I      ---->                       MM_KEY_EXCH
 *   MM6                          <----  HDR*, IDir, HASH_R   QM_IDLE
 *
 *   Aggressive Mode: AM1 -> AG_NO_STATE, AM2 -> AG_INIT_EXCH, AM3 -> QM_IDLE.
 *
 * MM_KEY_AUTH is the instant between MM6 being verified and QM_IDLE; on the wire it
 * is never observable, so the engine goes from MM_KEY_EXCH straight to QM_IDLE.
 * IKEv2 has no Cisco MM_* states; IOS `show crypto ikev2 sa` shows IN-NEG and READY,
 * refined here by the exchange in flight.  LOST means the engine lost track (capture
 * started mid-exchange); DELETED that an Informational delete was seen in cleartext.
 */
typedef enum {
    QVPN_IKE_STATE_NONE = 0,
    QVPN_IKE_STATE_MM_NO_STATE,
    QVPN_IKE_STATE_MM_SA_SETUP,
    QVPN_IKE_STATE_MM_KEY_EXCH,
    QVPN_IKE_STATE_MM_KEY_AUTH,
    QVPN_IKE_STATE_AG_NO_STATE,
    QVPN_IKE_STATE_AG_INIT_EXCH,
    QVPN_IKE_STATE_QM_IDLE,
    QVPN_IKE_STATE_V2_INIT_SENT,  /* IN-NEG: IKE_SA_INIT request sent */
    QVPN_IKE_STATE_V2_INIT_DONE,  /* IN-NEG: IKE_SA_INIT answered */
    QVPN_IKE_STATE_V2_AUTH_SENT,  /* IN-NEG: IKE_AUTH request sent */
    QVPN_IKE_STATE_V2_READY,      /* READY: IKE_AUTH answered */
    QVPN_IKE_STATE_DELETED,       /* the IKE SA was deleted (seen, not guessed) */
    QVPN_IKE_STATE_LOST,
    QVPN_IKE_STATE_COUNT
} qvpn_ike_state;

/* Which handshake a response completes (the tap and statistics group by this).
 * Only request -> response pairs measured at the capture point count: MM2->MM3,
 * AM2->AM3 and QM2->QM3 are the initiator's own processing time, not a round trip. */
typedef enum {
    QVPN_RTT_NONE = 0,
    QVPN_RTT_TCP,               /* SYN -> SYN/ACK */
    QVPN_RTT_TLS,               /* ClientHello -> ServerHello */
    QVPN_RTT_MM12, QVPN_RTT_MM34, QVPN_RTT_MM56,
    QVPN_RTT_AM12,
    QVPN_RTT_QM12,
    QVPN_RTT_V2_SA_INIT, QVPN_RTT_V2_AUTH, QVPN_RTT_V2_CHILD_SA, QVPN_RTT_V2_INFO,
    QVPN_RTT_COUNT
} qvpn_rtt_kind;

const char *qvpn_phase_name(qvpn_phase p);
const char *qvpn_step_name(qvpn_step s);
const char *qvpn_ike_msg_name(qvpn_ike_msg m);
const char *qvpn_ike_state_name(qvpn_ike_state s);
const char *qvpn_rtt_kind_name(qvpn_rtt_kind k);
const char *qvpn_notify_name(uint8_t ike_version, uint16_t type);
const char *qvpn_tls_alert_name(uint8_t desc);

#ifdef __cplusplus
}
#endif

#endif /* QVPN_TYPES_H */
