/* qvpn_types.c — the one place each label of qvpn's vocabulary is written.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qvpn_types.h"

#define NAME_OF(table, i, fallback) \
    (((size_t)(i) < sizeof(table) / sizeof((table)[0]) && (table)[i]) ? (table)[i] : (fallback))

static const char *const phase_names[QVPN_PHASE_COUNT] = {
    [QVPN_PHASE_NONE]       = "None",
    [QVPN_PHASE_CONNECTION] = "Connection",
    [QVPN_PHASE_POLICY]     = "Policy activation",
    [QVPN_PHASE_NETWORK]    = "Network verification",
    [QVPN_PHASE_TEARDOWN]   = "Teardown",
};

static const char *const step_names[QVPN_STEP_COUNT] = {
    [QVPN_STEP_NONE]            = "None",
    [QVPN_STEP_TCP_HANDSHAKE]   = "TCP handshake",
    [QVPN_STEP_TLS_HANDSHAKE]   = "TLS handshake",
    [QVPN_STEP_TLS_DATA]        = "TLS data",
    [QVPN_STEP_TLS_CLOSE]       = "TLS close",
    [QVPN_STEP_TCP_CLOSE]       = "TCP close",
    [QVPN_STEP_TCP_DATA]        = "TCP data",
    [QVPN_STEP_IKE_MAIN]        = "IKE Main Mode",
    [QVPN_STEP_IKE_AGGRESSIVE]  = "IKE Aggressive Mode",
    [QVPN_STEP_IKE_QUICK]       = "IKE Quick Mode",
    [QVPN_STEP_IKE_INFO]        = "IKE Informational",
    [QVPN_STEP_IKEV2_SA_INIT]   = "IKEv2 IKE_SA_INIT",
    [QVPN_STEP_IKEV2_AUTH]      = "IKEv2 IKE_AUTH",
    [QVPN_STEP_IKEV2_CHILD_SA]  = "IKEv2 CREATE_CHILD_SA",
    [QVPN_STEP_IKEV2_INFO]      = "IKEv2 INFORMATIONAL",
    [QVPN_STEP_IKE_TRANSACTION] = "IKE Transaction (XAUTH/Mode Config)",
    [QVPN_STEP_IKEV2_INTERMEDIATE] = "IKEv2 IKE_INTERMEDIATE",
    [QVPN_STEP_AUTHIP]          = "AuthIP (Windows)",
    [QVPN_STEP_AH]              = "AH",
    [QVPN_STEP_IP_FRAGMENT]     = "IP fragment",
    [QVPN_STEP_ICMP]            = "ICMP error",
    [QVPN_STEP_IKE_OTHER]       = "IKE other exchange",
    [QVPN_STEP_ESP]             = "ESP",
    [QVPN_STEP_NAT_KEEPALIVE]   = "NAT-T keepalive",
};

static const char *const ike_msg_names[QVPN_IKE_MSG_COUNT] = {
    [QVPN_IKE_MSG_NONE] = "None",
    [QVPN_IKE_MSG_MM1] = "MM1", [QVPN_IKE_MSG_MM2] = "MM2", [QVPN_IKE_MSG_MM3] = "MM3",
    [QVPN_IKE_MSG_MM4] = "MM4", [QVPN_IKE_MSG_MM5] = "MM5", [QVPN_IKE_MSG_MM6] = "MM6",
    [QVPN_IKE_MSG_AM1] = "AM1", [QVPN_IKE_MSG_AM2] = "AM2", [QVPN_IKE_MSG_AM3] = "AM3",
    [QVPN_IKE_MSG_QM1] = "QM1", [QVPN_IKE_MSG_QM2] = "QM2", [QVPN_IKE_MSG_QM3] = "QM3",
    [QVPN_IKE_MSG_INFO]        = "INFO",
    [QVPN_IKE_MSG_V2_REQUEST]  = "IKEv2 request",
    [QVPN_IKE_MSG_V2_RESPONSE] = "IKEv2 response",
    [QVPN_IKE_MSG_UNKNOWN]     = "Unknown (mid-flow)",
};

static const char *const ike_state_names[QVPN_IKE_STATE_COUNT] = {
    [QVPN_IKE_STATE_NONE]         = "None",
    [QVPN_IKE_STATE_MM_NO_STATE]  = "MM_NO_STATE",
    [QVPN_IKE_STATE_MM_SA_SETUP]  = "MM_SA_SETUP",
    [QVPN_IKE_STATE_MM_KEY_EXCH]  = "MM_KEY_EXCH",
    [QVPN_IKE_STATE_MM_KEY_AUTH]  = "MM_KEY_AUTH",
    [QVPN_IKE_STATE_AG_NO_STATE]  = "AG_NO_STATE",
    [QVPN_IKE_STATE_AG_INIT_EXCH] = "AG_INIT_EXCH",
    [QVPN_IKE_STATE_QM_IDLE]      = "QM_IDLE",
    [QVPN_IKE_STATE_V2_INIT_SENT] = "IN-NEG (SA_INIT sent)",
    [QVPN_IKE_STATE_V2_INIT_DONE] = "IN-NEG (SA_INIT done)",
    [QVPN_IKE_STATE_V2_AUTH_SENT] = "IN-NEG (AUTH sent)",
    [QVPN_IKE_STATE_V2_READY]     = "READY",
    [QVPN_IKE_STATE_DELETED]      = "DELETED",
    [QVPN_IKE_STATE_LOST]         = "UNKNOWN (lost track)",
};

static const char *const rtt_names[QVPN_RTT_COUNT] = {
    [QVPN_RTT_NONE]        = "None",
    [QVPN_RTT_TCP]         = "TCP SYN->SYN/ACK",
    [QVPN_RTT_TLS]         = "TLS ClientHello->ServerHello",
    [QVPN_RTT_MM12]        = "IKE MM1->MM2",
    [QVPN_RTT_MM34]        = "IKE MM3->MM4",
    [QVPN_RTT_MM56]        = "IKE MM5->MM6",
    [QVPN_RTT_AM12]        = "IKE AM1->AM2",
    [QVPN_RTT_QM12]        = "IKE QM1->QM2",
    [QVPN_RTT_V2_SA_INIT]  = "IKEv2 IKE_SA_INIT",
    [QVPN_RTT_V2_AUTH]     = "IKEv2 IKE_AUTH",
    [QVPN_RTT_V2_CHILD_SA] = "IKEv2 CREATE_CHILD_SA",
    [QVPN_RTT_V2_INFO]     = "IKEv2 INFORMATIONAL",
};

const char *qvpn_phase_name(qvpn_phase p)         { return NAME_OF(phase_names, p, "Unknown"); }
const char *qvpn_step_name(qvpn_step s)           { return NAME_OF(step_names, s, "Unknown"); }
const char *qvpn_ike_msg_name(qvpn_ike_msg m)     { return NAME_OF(ike_msg_names, m, "Unknown"); }
const char *qvpn_ike_state_name(qvpn_ike_state s) { return NAME_OF(ike_state_names, s, "Unknown"); }
const char *qvpn_rtt_kind_name(qvpn_rtt_kind k)   { return NAME_OF(rtt_names, k, "Unknown"); }

/* Error notify types (RFC 2408 §3.14.1, RFC 7296 §3.10.1) an engineer acts on. */
const char *qvpn_notify_name(uint8_t ike_version, uint16_t type)
{
    switch (type) {
    case 1:  return ike_version == 2 ? "UNSUPPORTED_CRITICAL_PAYLOAD" : "INVALID-PAYLOAD-TYPE";
    case 4:  return ike_version == 2 ? "INVALID_IKE_SPI" : "INVALID-COOKIE";
    case 5:  return ike_version == 2 ? "INVALID_MAJOR_VERSION" : "INVALID-MAJOR-VERSION";
    case 7:  return ike_version == 2 ? "INVALID_SYNTAX" : "INVALID-EXCHANGE-TYPE";
    case 9:  return ike_version == 2 ? "INVALID_MESSAGE_ID" : "INVALID-MESSAGE-ID";
    case 11: return ike_version == 2 ? "INVALID_SPI" : "INVALID-SPI";
    case 14: return ike_version == 2 ? "NO_PROPOSAL_CHOSEN" : "NO-PROPOSAL-CHOSEN";
    case 16: return ike_version == 2 ? "Reserved (16)" : "PAYLOAD-MALFORMED";
    case 17: return ike_version == 2 ? "INVALID_KE_PAYLOAD" : "INVALID-KEY-INFORMATION";
    case 18: return ike_version == 2 ? "Reserved (18)" : "INVALID-ID-INFORMATION";
    case 23: return ike_version == 2 ? "Reserved (23)" : "INVALID-HASH-INFORMATION";
    case 24: return ike_version == 2 ? "AUTHENTICATION_FAILED" : "AUTHENTICATION-FAILED";
    case 34: return "SINGLE_PAIR_REQUIRED";
    case 35: return "NO_ADDITIONAL_SAS";
    case 36: return "INTERNAL_ADDRESS_FAILURE";
    case 37: return "FAILED_CP_REQUIRED";
    case 38: return "TS_UNACCEPTABLE";
    case 39: return "INVALID_SELECTORS";
    case 43: return "TEMPORARY_FAILURE";
    case 44: return "CHILD_SA_NOT_FOUND";
    default: return "error notification";
    }
}

/* TLS alert descriptions (RFC 5246 §7.2) that show up in failed logins. */
const char *qvpn_tls_alert_name(uint8_t desc)
{
    switch (desc) {
    case 0:   return "close_notify";
    case 10:  return "unexpected_message";
    case 20:  return "bad_record_mac";
    case 40:  return "handshake_failure";
    case 42:  return "bad_certificate";
    case 43:  return "unsupported_certificate";
    case 44:  return "certificate_revoked";
    case 45:  return "certificate_expired";
    case 46:  return "certificate_unknown";
    case 47:  return "illegal_parameter";
    case 48:  return "unknown_ca";
    case 49:  return "access_denied";
    case 50:  return "decode_error";
    case 51:  return "decrypt_error";
    case 70:  return "protocol_version";
    case 71:  return "insufficient_security";
    case 80:  return "internal_error";
    case 90:  return "user_canceled";
    case 112: return "unrecognized_name";
    default:  return "unknown";
    }
}
