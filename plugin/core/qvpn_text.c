/* qvpn_text.c — what each finding means to an engineer: observed, then inferred.
 *
 * The Cisco IKEv1 troubleshooting knowledge lives here (MISSION.md): MM_NO_STATE
 * with no answer means the gateway is unreachable or UDP 500 is blocked; MM5
 * repeated without MM6 means the pre-shared keys differ; and so on.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "qvpn_engine.h"

static double secs(int64_t ns)
{
    return (double)ns / 1e9;
}

/* RFC 5952 text: the longest run of two or more zero groups becomes "::". */
static void ipv6_to_str(const uint8_t *b, char *buf, size_t len)
{
    unsigned g[8];
    int best = -1, best_len = 1, run = 0;
    for (int i = 0; i < 8; i++) {
        g[i] = (unsigned)(b[2 * i] << 8 | b[2 * i + 1]);
        run = g[i] ? 0 : run + 1;
        if (run > best_len) {
            best_len = run;
            best = i - run + 1;
        }
    }
    GString *s = g_string_sized_new(40);
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            g_string_append(s, "::");
            i += best_len - 1;
            continue;
        }
        if (i && !(best >= 0 && i == best + best_len))
            g_string_append_c(s, ':');
        g_string_append_printf(s, "%x", g[i]);
    }
    g_strlcpy(buf, s->str, len);
    g_string_free(s, TRUE);
}

void qvpn_addr_to_str(const qvpn_addr *a, char *buf, size_t len)
{
    if (!buf || len == 0)
        return;
    if (a->len == 4) {
        snprintf(buf, len, "%u.%u.%u.%u", a->bytes[0], a->bytes[1], a->bytes[2], a->bytes[3]);
    } else if (a->len == 16) {
        ipv6_to_str(a->bytes, buf, len);
    } else {
        snprintf(buf, len, "-");
    }
}

static const char *stall_cause(qvpn_ike_state st)
{
    switch (st) {
    case QVPN_IKE_STATE_MM_NO_STATE:
    case QVPN_IKE_STATE_AG_NO_STATE:
    case QVPN_IKE_STATE_V2_INIT_SENT:
        return "the gateway does not answer: unreachable, UDP 500 blocked, or a phase-1 "
               "policy it silently refuses";
    case QVPN_IKE_STATE_MM_SA_SETUP:
    case QVPN_IKE_STATE_AG_INIT_EXCH:
        return "the key exchange is not answered: check the DH group and NAT-T "
               "(UDP 4500) on the path";
    case QVPN_IKE_STATE_MM_KEY_EXCH:
        return "the pre-shared keys most likely differ: the peer cannot decrypt MM5";
    case QVPN_IKE_STATE_V2_INIT_DONE:
    case QVPN_IKE_STATE_V2_AUTH_SENT:
        return "IKE_AUTH is not answered: authentication rejected, or its fragments are "
               "lost (large certificates, MTU)";
    default:
        return "phase 1 does not progress";
    }
}

static const char *notify_meaning(uint8_t version, uint16_t type)
{
    switch (type) {
    case 14: return "the proposals do not match: encryption, hash, DH group or lifetime "
                    "(phase 1), or the transform set (phase 2)";
    case 17: return version == 2 ? "the gateway wants another DH group; the initiator "
                                   "should retry with it"
                                 : "the key exchange data was rejected";
    case 18: return "the proxy identities (crypto ACL / interesting traffic) differ";
    case 23: return "the hash did not verify: typically different pre-shared keys";
    case 24: return "authentication failed: wrong pre-shared key or certificate";
    case 36: return "the gateway could not assign an internal address";
    case 38: return "the traffic selectors (proxy IDs) were rejected";
    default: return "the peer rejected the negotiation";
    }
}

static const char *alert_meaning(uint8_t desc)
{
    switch (desc) {
    case 40: case 70: case 71:
        return "no common TLS version or cipher (QuickVPN 1.4 speaks TLS 1.0 with "
               "3DES/RC4): login refused";
    case 42: case 43: case 44: case 45: case 46: case 48:
        return "a certificate was rejected: the login was refused at the TLS layer";
    default:
        return "the login was refused at the TLS layer";
    }
}

static const char *side(const qvpn_verdict *v)
{
    return v->from_client ? "client" : "gateway";
}

static void describe_stall(const qvpn_verdict *v, bool qm, char *obs, size_t ol,
                           char *inf, size_t il)
{
    const char *state = qvpn_ike_state_name(v->stall_state);
    bool retrans = v->findings & (1u << QVPN_FINDING_IKE_RETRANSMISSION);
    if (retrans)
        snprintf(obs, ol, "%s retransmitted in %s without an answer", qvpn_ike_msg_name(v->ike_msg),
                 state);
    else if (qm)
        snprintf(obs, ol, "no ESP %.1f s after phase 1 completed (%s)", secs(v->gap_ns), state);
    else
        snprintf(obs, ol, "no phase-1 progress for %.1f s in %s", secs(v->gap_ns), state);
    if (qm)
        snprintf(inf, il, "phase 1 is up but phase 2 fails: transform set or proxy IDs "
                          "(crypto ACL) do not match%s",
                 v->stall_state == QVPN_IKE_STATE_V2_READY
                     ? ", or IKE_AUTH was refused (IKEv2 hides AUTHENTICATION_FAILED)" : "");
    else
        snprintf(inf, il, "%s", stall_cause(v->stall_state));
}

void qvpn_finding_describe(const qvpn_verdict *v, qvpn_finding f,
                           char *obs, size_t ol, char *inf, size_t il)
{
    uint8_t ver = v->session ? v->session->ike_version : 1;
    if (!obs || !inf || ol == 0 || il == 0)
        return;
    obs[0] = inf[0] = '\0';
    switch (f) {
    case QVPN_FINDING_RST_AFTER_ALERT:
        snprintf(obs, ol, "TCP RST from the %s %.6f s after a TLS %s alert", side(v),
                 secs(v->gap_ns), v->alert_desc == QVPN_ALERT_ENCRYPTED
                     ? "encrypted" : qvpn_tls_alert_name(v->alert_desc));
        snprintf(inf, il, "aborted, not closed: normal for QuickVPN gateways after a "
                          "logout, a refused login after a fatal alert");
        break;
    case QVPN_FINDING_MM_STALL:
        describe_stall(v, false, obs, ol, inf, il);
        break;
    case QVPN_FINDING_QM_STALL:
        describe_stall(v, true, obs, ol, inf, il);
        break;
    case QVPN_FINDING_IKE_RETRANSMISSION:
        snprintf(obs, ol, "%s sent again (original in frame %u)", qvpn_ike_msg_name(v->ike_msg),
                 v->retrans_of);
        snprintf(inf, il, "the previous transmission was lost or not answered in time");
        break;
    case QVPN_FINDING_IKE_NOTIFY:
        snprintf(obs, ol, "cleartext notify %s (%u) from the %s",
                 qvpn_notify_name(ver, v->notify_type), v->notify_type, side(v));
        snprintf(inf, il, "%s", notify_meaning(ver, v->notify_type));
        break;
    case QVPN_FINDING_TLS_ALERT:
        snprintf(obs, ol, "fatal TLS alert %s (%u) from the %s during the handshake",
                 qvpn_tls_alert_name(v->alert_desc), v->alert_desc, side(v));
        snprintf(inf, il, "%s", alert_meaning(v->alert_desc));
        break;
    case QVPN_FINDING_ESP_ONE_WAY:
        snprintf(obs, ol, "%u ESP packets %s over %.1f s, none the other way", v->esp_count,
                 v->from_client ? "client->gateway (encaps)" : "gateway->client (decaps)",
                 secs(v->gap_ns));
        snprintf(inf, il, "the return path is broken: the peer drops or cannot decrypt it, "
                          "or a firewall or NAT blocks ESP (IP 50 / UDP 4500)");
        break;
    case QVPN_FINDING_TUNNEL_UP:
        snprintf(obs, ol, "ESP seen in both directions");
        if (v->time_to_tunnel_ns >= 0)
            snprintf(inf, il, "the tunnel is up, %.6f s after the first IKE packet",
                     secs(v->time_to_tunnel_ns));
        else
            snprintf(inf, il, "the tunnel is up; its IKE negotiation is not in the capture");
        break;
    case QVPN_FINDING_IKE_AUTH_FAILED:
        snprintf(obs, ol, "IKE_AUTH answered by a %u-byte message holding only a Notify",
                 v->ike_len);
        snprintf(inf, il, "authentication refused (AUTHENTICATION_FAILED, encrypted in "
                          "IKEv2): check the PSK, certificate or EAP credentials");
        break;
    case QVPN_FINDING_SESSION_CAP:
        snprintf(obs, ol, "session table full");
        snprintf(inf, il, "later peers are not analysed: raise the max sessions preference "
                          "or filter the capture");
        break;
    default:
        break;
    }
}

static const char *stall_short(qvpn_ike_state st)
{
    switch (st) {
    case QVPN_IKE_STATE_MM_NO_STATE:
    case QVPN_IKE_STATE_AG_NO_STATE:
    case QVPN_IKE_STATE_V2_INIT_SENT:  return "gateway not answering?";
    case QVPN_IKE_STATE_MM_SA_SETUP:
    case QVPN_IKE_STATE_AG_INIT_EXCH:  return "key exchange not answered?";
    case QVPN_IKE_STATE_MM_KEY_EXCH:   return "pre-shared key mismatch?";
    case QVPN_IKE_STATE_V2_INIT_DONE:
    case QVPN_IKE_STATE_V2_AUTH_SENT:  return "IKE_AUTH not answered: authentication or lost fragments?";
    default:                           return "phase 1 incomplete";
    }
}

static bool p1_up(qvpn_ike_state st)
{
    return st == QVPN_IKE_STATE_QM_IDLE || st == QVPN_IKE_STATE_V2_READY;
}

void qvpn_session_summary(const qvpn_session *s, char *buf, size_t len)
{
    uint32_t f = s->findings;
    if (!buf || len == 0)
        return;
    if (s->esp_out && s->esp_in) {
        bool midflow = s->roles_guessed && !(s->phases_seen & (1u << QVPN_PHASE_POLICY));
        snprintf(buf, len, "%s%s", midflow ? "tunnel seen mid-flow" : "connected",
                 (s->phases_seen & (1u << QVPN_PHASE_TEARDOWN)) ? ", torn down" : "");
    } else if (f & (1u << QVPN_FINDING_ESP_ONE_WAY) || s->esp_out || s->esp_in) {
        snprintf(buf, len, "ESP one way only (%s): return path broken?",
                 s->esp_out ? "encaps only" : "decaps only");
    } else if (f & (1u << QVPN_FINDING_TLS_ALERT)) {
        snprintf(buf, len, "login refused: TLS alert %s", qvpn_tls_alert_name(s->alert_desc));
    } else if (s->tls_only) {
        snprintf(buf, len, "TLS only: no IKE followed");
    } else if (f & (1u << QVPN_FINDING_IKE_AUTH_FAILED)) {
        snprintf(buf, len, "IKE_AUTH refused: authentication failed?");
    } else if (f & (1u << QVPN_FINDING_IKE_NOTIFY)) {
        snprintf(buf, len, "refused by peer: %s", qvpn_notify_name(s->ike_version, s->notify_type));
    } else if (!p1_up(s->ike_state)) {
        snprintf(buf, len, "stalled in %s: %s", qvpn_ike_state_name(s->ike_state),
                 stall_short(s->ike_state));
    } else if (s->p2_done) {
        snprintf(buf, len, "IPsec SAs agreed, no ESP seen (no traffic, or ESP not captured)");
    } else {
        snprintf(buf, len, "phase 2 failed: %s but no ESP", qvpn_ike_state_name(s->ike_state));
    }
}
