/* qvpn_findings.h — every anomaly qvpn reports, each declared once.
 *
 * One row of QVPN_FINDINGS per finding: its enum name, its filter name (the expert
 * info is "qvpn.<abbrev>"), its title, its expert group and its severity class.
 * The enum, the table the glue registers its expert infos from, and the texts
 * (qvpn_findings.c, one describe_<abbrev>() each: a row without its function does
 * not compile) all expand from this list; tests/integration checks the README's
 * expert-info table against it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_FINDINGS_H
#define QVPN_FINDINGS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Expert groups and severities, as Wireshark names them (PI_SEQUENCE, PI_WARN, ...);
 * the glue maps them to its PI_* values. */
typedef enum { QVPN_GROUP_SEQUENCE, QVPN_GROUP_RESPONSE_CODE, QVPN_GROUP_PROTOCOL,
               QVPN_GROUP_SECURITY } qvpn_group;
typedef enum { QVPN_SEV_CHAT, QVPN_SEV_NOTE, QVPN_SEV_WARN, QVPN_SEV_ERROR } qvpn_severity;

/*   ID                  abbrev              title                              group          severity evidence */
#define QVPN_FINDINGS(X) \
    X(RST_AFTER_ALERT,    rst_after_alert,    "TCP RST after TLS alert",          SEQUENCE,      WARN, CLEARTEXT) \
    X(MM_STALL,           mm_stall,           "IKE phase 1 stalled",              SEQUENCE,      WARN, INFERRED) \
    X(QM_STALL,           qm_stall,           "IKE phase 2 stalled",              SEQUENCE,      WARN, INFERRED) \
    X(IKE_RETRANSMISSION, ike_retransmission, "IKE retransmission",               SEQUENCE,      NOTE, NONE) \
    X(IKE_NOTIFY,         ike_notify,         "IKE error notification",           RESPONSE_CODE, WARN, CLEARTEXT) \
    X(TLS_ALERT,          tls_alert,          "TLS fatal alert in handshake",     RESPONSE_CODE, WARN, CLEARTEXT) \
    X(ESP_ONE_WAY,        esp_one_way,        "ESP one way only",                 SEQUENCE,      WARN, INFERRED) \
    X(TUNNEL_UP,          tunnel_up,          "Tunnel up",                        SEQUENCE,      CHAT, NONE) \
    X(SESSION_CAP,        session_cap,        "Session table full",               SEQUENCE,      WARN, NONE) \
    X(IKE_AUTH_FAILED,    ike_auth_failed,    "IKE_AUTH refused",                 RESPONSE_CODE, WARN, INFERRED) \
    X(IKE_REFUSED,        ike_refused,        "IKE request refused (encrypted)",  RESPONSE_CODE, WARN, INFERRED) \
    X(IKE_REDIRECT,       ike_redirect,       "IKE redirect",                     RESPONSE_CODE, NOTE, CLEARTEXT) \
    X(IKE_RENEGOTIATION,  ike_renegotiation,  "IKE retry requested",              RESPONSE_CODE, NOTE, CLEARTEXT) \
    X(RST_AFTER_CLOSE,    rst_after_close,    "TCP RST after TLS close",          SEQUENCE,      NOTE, INFERRED) \
    X(LEGACY_CRYPTO,      legacy_crypto,      "Legacy crypto offered",            SECURITY,      NOTE, CLEARTEXT) \
    X(PROPOSAL_REFUSED,   proposal_refused,   "Proposal refused: legacy crypto",  SECURITY,      WARN, CLEARTEXT) \
    X(NAT_DETECTED,       nat_detected,       "NAT detected (NAT-D)",             SEQUENCE,      CHAT, CLEARTEXT) \
    X(NAT_RAW_ESP,        nat_raw_esp,        "Raw ESP through NAT",              SEQUENCE,      WARN, CLEARTEXT) \
    X(NATT_BLOCKED,       natt_blocked,       "No answer after NAT-T float",      SEQUENCE,      WARN, INFERRED) \
    X(NAT_REBINDING,      nat_rebinding,      "NAT rebinding",                    SEQUENCE,      NOTE, CLEARTEXT) \
    X(IP_FRAGMENTED,      ip_fragmented,      "IKE message IP-fragmented",        SEQUENCE,      NOTE, CLEARTEXT) \
    X(FRAGMENTS_LOST,     fragments_lost,     "IP fragments lost?",               SEQUENCE,      WARN, INFERRED) \
    X(ESP_FRAGMENTED,     esp_fragmented,     "ESP IP-fragmented",                SEQUENCE,      NOTE, CLEARTEXT) \
    X(ICMP_ERROR,         icmp_error,         "ICMP error for the VPN",           RESPONSE_CODE, WARN, CLEARTEXT) \
    X(TLS_LEGACY_HELLO,   tls_legacy_hello,   "Legacy TLS ClientHello",           SECURITY,      NOTE, CLEARTEXT) \
    X(SA_DELETED,         sa_deleted,         "SA deleted (decrypted)",           SEQUENCE,      CHAT, DECRYPTED) \
    X(XAUTH_FAILED,       xauth_failed,       "XAUTH refused (decrypted)",        RESPONSE_CODE, WARN, DECRYPTED) \
    X(INNER_NO_REPLY,     inner_no_reply,     "Tunnel: inner requests unanswered", SEQUENCE,     WARN, DECRYPTED)

#define QVPN_FINDING_ENUM_(id, abbrev, title, group, sev, evid) QVPN_FINDING_##id,
typedef enum {
    QVPN_FINDINGS(QVPN_FINDING_ENUM_)
    QVPN_FINDING_COUNT
} qvpn_finding;
#undef QVPN_FINDING_ENUM_

_Static_assert(QVPN_FINDING_COUNT <= 32, "findings are bits of a uint32_t");

typedef struct qvpn_finding_info {
    const char   *abbrev;       /* "rst_after_alert" */
    const char   *title;        /* "TCP RST after TLS alert" */
    qvpn_group    group;
    qvpn_severity severity;
    uint8_t       evidence;     /* qvpn_evidence (qvpn_verdict.h): how the finding is known */
} qvpn_finding_info;

/* The row of f; a row of "unknown" for a value outside the enum. */
const qvpn_finding_info *qvpn_finding_get(qvpn_finding f);
const char *qvpn_finding_abbrev(qvpn_finding f);
const char *qvpn_finding_title(qvpn_finding f);

#define QVPN_FINDING_BIT(f) (UINT32_C(1) << (f))

/* How the frame's diagnosis is known: the evidence of its most severe finding that
 * has one (qvpn_evidence; 0 when none). */
uint8_t qvpn_findings_evidence(uint32_t findings);

struct qvpn_verdict;

/* Text of a finding on a verdict: what was observed, and what is inferred from it.
 * Writes NUL-terminated strings, truncated to the buffer sizes. */
void qvpn_finding_describe(const struct qvpn_verdict *v, qvpn_finding f,
                           char *observed, size_t observed_len,
                           char *inferred, size_t inferred_len);



#ifdef __cplusplus
}
#endif

#endif /* QVPN_FINDINGS_H */
