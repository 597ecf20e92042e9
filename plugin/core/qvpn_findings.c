/* qvpn_findings.c — the findings' table and what each one means to an engineer:
 * observed, then inferred.
 *
 * The Cisco IKEv1 troubleshooting knowledge lives here (MISSION.md): MM_NO_STATE
 * with no answer means the gateway is unreachable or UDP 500 is blocked; MM5
 * repeated without MM6 means the pre-shared keys differ; and so on.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "qvpn_findings.h"
#include "qvpn_ike_sa.h"
#include "qvpn_verdict.h"

typedef void describe_fn(const qvpn_verdict *v, char *obs, size_t ol, char *inf, size_t il);

/* Every row's text function, declared from the list: a row without one fails to link. */
#define QVPN_DESCRIBE_DECL_(id, abbrev, title, group, sev, evid) static describe_fn describe_##abbrev;
QVPN_FINDINGS(QVPN_DESCRIBE_DECL_)
#undef QVPN_DESCRIBE_DECL_

static const struct {
    qvpn_finding_info info;
    describe_fn      *describe;
} findings[] = {
#define QVPN_FINDING_ROW_(id, abbrev, title, group, sev, evid) \
    [QVPN_FINDING_##id] = { { #abbrev, title, QVPN_GROUP_##group, QVPN_SEV_##sev, \
                              QVPN_EVIDENCE_##evid }, describe_##abbrev },
    QVPN_FINDINGS(QVPN_FINDING_ROW_)
#undef QVPN_FINDING_ROW_
};
_Static_assert(sizeof(findings) / sizeof(findings[0]) == QVPN_FINDING_COUNT,
               "one row per finding");

static const qvpn_finding_info unknown_finding = {
    "unknown", "Unknown", QVPN_GROUP_SEQUENCE, QVPN_SEV_NOTE, QVPN_EVIDENCE_NONE
};

uint8_t qvpn_findings_evidence(uint32_t bits)
{
    uint8_t best = QVPN_EVIDENCE_NONE;
    int best_sev = -1;
    for (unsigned f = 0; f < QVPN_FINDING_COUNT; f++) {
        const qvpn_finding_info *i = &findings[f].info;
        if (!(bits & QVPN_FINDING_BIT(f)) || i->evidence == QVPN_EVIDENCE_NONE)
            continue;
        if ((int)i->severity > best_sev) {
            best_sev = (int)i->severity;
            best = i->evidence;
        }
    }
    return best;
}

const qvpn_finding_info *qvpn_finding_get(qvpn_finding f)
{
    return (unsigned)f < QVPN_FINDING_COUNT ? &findings[f].info : &unknown_finding;
}

const char *qvpn_finding_abbrev(qvpn_finding f) { return qvpn_finding_get(f)->abbrev; }
const char *qvpn_finding_title(qvpn_finding f)  { return qvpn_finding_get(f)->title; }

void qvpn_finding_describe(const qvpn_verdict *v, qvpn_finding f,
                           char *obs, size_t ol, char *inf, size_t il)
{
    if (!obs || !inf || ol == 0 || il == 0)
        return;
    obs[0] = inf[0] = '\0';
    if ((unsigned)f < QVPN_FINDING_COUNT)
        findings[f].describe(v, obs, ol, inf, il);
}

/* ---- what the findings mean ---- */

static double secs(int64_t ns)
{
    return (double)ns / 1e9;
}

static uint8_t ike_version(const qvpn_verdict *v)
{
    return v->ike_version ? v->ike_version : 1;
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

/* Phase 1 is still being negotiated on this frame: its notify speaks of phase 1. */
static bool in_phase1(const qvpn_verdict *v)
{
    switch (v->step) {
    case QVPN_STEP_IKE_MAIN:
    case QVPN_STEP_IKE_AGGRESSIVE:
    case QVPN_STEP_IKEV2_SA_INIT:
        return true;
    default:
        return v->ike_state != QVPN_IKE_STATE_QM_IDLE && v->ike_state != QVPN_IKE_STATE_V2_READY &&
               v->ike_state != QVPN_IKE_STATE_LOST && v->ike_state != QVPN_IKE_STATE_NONE;
    }
}

static const char *notify_meaning(const qvpn_verdict *v, uint8_t version, uint16_t type)
{
    switch (type) {
    case 14:
        if (in_phase1(v))
            return "the phase-1 proposals do not match: encryption, hash, authentication, "
                   "DH group or lifetime";
        if (v->ike_state == QVPN_IKE_STATE_QM_IDLE || v->ike_state == QVPN_IKE_STATE_V2_READY)
            return "the phase-2 proposals do not match: transform set (ESP encryption and "
                   "integrity), PFS group or lifetime";
        return "the proposals do not match: encryption, hash, DH group or lifetime "
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

static bool is_certificate_alert(uint8_t desc)
{
    return desc == 42 || desc == 43 || desc == 44 || desc == 45 || desc == 46 || desc == 48;
}

static const char *alert_meaning(const qvpn_verdict *v)
{
    uint8_t desc = v->alert_desc;
    if (v->from_client && is_certificate_alert(desc))
        return "the client rejected the gateway's certificate (untrusted CA, expired, wrong "
               "name): the client ended the connection";
    if (v->from_client)
        return "the client ended the TLS handshake";
    switch (desc) {
    case 40: case 70: case 71:
        return "no common TLS version or cipher suite: compare the gateway's TLS "
               "settings with the client's offer";
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
    if (retrans && v->ike_msg == QVPN_IKE_MSG_QM2) {
        snprintf(obs, ol, "QM2 sent again %u times, %.1f s after QM3", v->sends, secs(v->gap_ns));
        snprintf(inf, il, "the responder did not receive or accept QM3: its IPsec SAs are not "
                          "installed (ESP will flow one way)");
        return;
    }
    if (retrans && v->offer && !qm)
        snprintf(obs, ol, "%s sent %u times over %.1f s in %s, no answer; offers %.30s",
                 qvpn_ike_msg_name(v->ike_msg), v->sends, secs(v->gap_ns), state, v->offer);
    else if (retrans)
        snprintf(obs, ol, "%s sent %u times over %.1f s in %s, no answer",
                 qvpn_ike_msg_name(v->ike_msg), v->sends, secs(v->gap_ns), state);
    else if (qm)
        snprintf(obs, ol, "no ESP %.1f s after phase 1 completed (%s)", secs(v->gap_ns), state);
    else
        snprintf(obs, ol, "no phase-1 progress for %.1f s in %s", secs(v->gap_ns), state);
    if (qm)
        snprintf(inf, il, "phase 1 is up but phase 2 fails: transform set or proxy IDs "
                          "(crypto ACL) do not match");
    else if (retrans && v->offer)
        snprintf(inf, il, "unreachable, UDP 500 blocked, or a policy refusing this offer");
    else
        snprintf(inf, il, "%s", stall_cause(v->stall_state));
}

static void describe_rst_after_alert(const qvpn_verdict *v, char *obs, size_t ol,
                                     char *inf, size_t il)
{
    snprintf(obs, ol, "TCP RST from the %s %.6f s after a TLS %s alert", side(v),
             secs(v->gap_ns), qvpn_tls_alert_name(v->alert_desc));
    snprintf(inf, il, "the connection was reset after the fatal %s alert: the handshake "
                      "failed for good", qvpn_tls_alert_name(v->alert_desc));
}

static void describe_rst_after_close(const qvpn_verdict *v, char *obs, size_t ol,
                                     char *inf, size_t il)
{
    snprintf(obs, ol, "TCP RST from the %s %.6f s after an encrypted TLS alert", side(v),
             secs(v->gap_ns));
    snprintf(inf, il, "an abortive close after the session's own close_notify, as QuickVPN "
                      "gateways close a logout: harmless");
}

static void describe_mm_stall(const qvpn_verdict *v, char *obs, size_t ol, char *inf, size_t il)
{
    describe_stall(v, false, obs, ol, inf, il);
}

static void describe_qm_stall(const qvpn_verdict *v, char *obs, size_t ol, char *inf, size_t il)
{
    describe_stall(v, true, obs, ol, inf, il);
}

static void describe_ike_retransmission(const qvpn_verdict *v, char *obs, size_t ol,
                                        char *inf, size_t il)
{
    snprintf(obs, ol, "%s sent again (original in frame %u)", qvpn_ike_msg_name(v->ike_msg),
             v->retrans_of);
    snprintf(inf, il, "the previous transmission was lost or not answered in time");
}

static void describe_ike_notify(const qvpn_verdict *v, char *obs, size_t ol, char *inf, size_t il)
{
    if (v->offer) {             /* the offer is what the engineer compares: keep room */
        snprintf(obs, ol, "cleartext %s (%u) from the %s; offered %.70s",
                 qvpn_notify_name(ike_version(v), v->notify_type), v->notify_type, side(v),
                 v->offer);
        snprintf(inf, il, "the gateway's policy matches none of the offered suites");
        return;
    }
    if (v->ev && v->ev->diag_decrypted) {
        /* Read with the user's keys: the selectors asked for are the usual story. */
        if (v->ev->ts_pair)
            snprintf(obs, ol, "decrypted notify %s (%u) from the %s; asked %.120s",
                     qvpn_notify_name(ike_version(v), v->notify_type), v->notify_type, side(v),
                     v->ev->ts_pair);
        else
            snprintf(obs, ol, "decrypted notify %s (%u) from the %s",
                     qvpn_notify_name(ike_version(v), v->notify_type), v->notify_type, side(v));
        snprintf(inf, il, "%s", notify_meaning(v, ike_version(v), v->notify_type));
        return;
    }
    snprintf(obs, ol, "cleartext notify %s (%u) from the %s",
             qvpn_notify_name(ike_version(v), v->notify_type), v->notify_type, side(v));
    snprintf(inf, il, "%s", notify_meaning(v, ike_version(v), v->notify_type));
}

static void describe_tls_alert(const qvpn_verdict *v, char *obs, size_t ol, char *inf, size_t il)
{
    snprintf(obs, ol, "fatal TLS alert %s (%u) from the %s during the handshake",
             qvpn_tls_alert_name(v->alert_desc), v->alert_desc, side(v));
    snprintf(inf, il, "%s", alert_meaning(v));
}

static void describe_esp_one_way(const qvpn_verdict *v, char *obs, size_t ol, char *inf, size_t il)
{
    snprintf(obs, ol, "%u ESP packets %s over %.1f s, none the other way", v->esp_count,
             v->from_client ? "client->gateway (encaps)" : "gateway->client (decaps)",
             secs(v->gap_ns));
    if (v->session && v->session->roles_guessed)
        snprintf(inf, il, "the capture started mid-tunnel: the capture point may see one "
                          "direction only; else the return path is broken");
    else
        snprintf(inf, il, "the return path is broken: the peer drops or cannot decrypt it, "
                          "or a firewall or NAT blocks ESP (IP 50 / UDP 4500)");
}

static void describe_tunnel_up(const qvpn_verdict *v, char *obs, size_t ol, char *inf, size_t il)
{
    snprintf(obs, ol, "ESP seen in both directions");
    if (v->time_to_tunnel_ns >= 0)
        snprintf(inf, il, "the tunnel is up, %.6f s after the first IKE packet",
                 secs(v->time_to_tunnel_ns));
    else
        snprintf(inf, il, "the tunnel is up; its IKE negotiation is not in the capture");
}

static void describe_session_cap(const qvpn_verdict *v, char *obs, size_t ol, char *inf, size_t il)
{
    (void)v;
    snprintf(obs, ol, "session table full");
    snprintf(inf, il, "later peers are not analysed: raise the max sessions preference "
                      "or filter the capture");
}

static void describe_ike_auth_failed(const qvpn_verdict *v, char *obs, size_t ol,
                                     char *inf, size_t il)
{
    snprintf(obs, ol, "IKE_AUTH answered by a %u-byte message holding only a Notify",
             v->ike_len);
    snprintf(inf, il, "authentication refused (AUTHENTICATION_FAILED, encrypted in "
                      "IKEv2): check the PSK, certificate or EAP credentials");
}

static void describe_ike_refused(const qvpn_verdict *v, char *obs, size_t ol, char *inf, size_t il)
{
    switch (v->refused_msg) {
    case QVPN_IKE_MSG_MM5:
        snprintf(obs, ol, "MM5 answered by an encrypted Informational (%u bytes), not MM6",
                 v->ike_len);
        snprintf(inf, il, "the gateway could not verify MM5: the pre-shared keys differ "
                          "(strongSwan PAYLOAD-MALFORMED, Cisco INVALID-HASH-INFORMATION)");
        break;
    case QVPN_IKE_MSG_QM1:
        snprintf(obs, ol, "QM1 answered by an encrypted Informational (%u bytes), not QM2",
                 v->ike_len);
        snprintf(inf, il, "phase 2 refused: transform set (NO-PROPOSAL-CHOSEN) or proxy IDs / "
                          "crypto ACL (INVALID-ID-INFORMATION) differ");
        break;
    default:
        snprintf(obs, ol, "CREATE_CHILD_SA answered by a %u-byte message holding only a Notify",
                 v->ike_len);
        snprintf(inf, il, "the child SA was refused (NO_PROPOSAL_CHOSEN, TS_UNACCEPTABLE, "
                          "encrypted): check transform sets and traffic selectors");
        break;
    }
}

static void describe_ike_redirect(const qvpn_verdict *v, char *obs, size_t ol, char *inf, size_t il)
{
    snprintf(obs, ol, "the %s answered IKE_SA_INIT with a REDIRECT notify", side(v));
    snprintf(inf, il, "the client is sent to another gateway (RFC 5685, load balancing): "
                      "its next attempt goes there");
}

static void describe_ike_renegotiation(const qvpn_verdict *v, char *obs, size_t ol,
                                       char *inf, size_t il)
{
    bool cookie = v->notify_type == 16390;
    const char *group = v->ev && v->ev->dh_group ? qvpn_dh_group_name(v->ev->dh_group) : NULL;
    if (!cookie && v->ev && v->ev->dh_group)
        snprintf(obs, ol, "the %s answered IKE_SA_INIT with INVALID_KE_PAYLOAD: it wants "
                          "D-H group %u (%s)", side(v), v->ev->dh_group, group ? group : "?");
    else
        snprintf(obs, ol, "the %s answered IKE_SA_INIT with %s", side(v),
                 cookie ? "a COOKIE" : "INVALID_KE_PAYLOAD");
    snprintf(inf, il, "%s", cookie ? "the gateway asks the client to repeat IKE_SA_INIT with "
                                     "the cookie (it is under load): normal"
                                   : "the gateway wants another Diffie-Hellman group: the client "
                                     "retries with it, normal unless no retry follows");
}

/* ---- evidence read in the clear ----
 * Wireshark cuts an expert text at 240 characters: strings from the capture are
 * inserted with a precision, so that the inference always shows. */

static const char *nat_who(uint8_t nat)
{
    switch (nat & (QVPN_NAT_CLIENT | QVPN_NAT_GATEWAY)) {
    case QVPN_NAT_CLIENT:                    return "client behind NAT";
    case QVPN_NAT_GATEWAY:                   return "gateway behind NAT";
    case QVPN_NAT_CLIENT | QVPN_NAT_GATEWAY: return "both peers behind NAT";
    default:                                 return "no NAT";
    }
}

static void describe_legacy_crypto(const qvpn_verdict *v, char *obs, size_t ol,
                                   char *inf, size_t il)
{
    char weak[96] = "";
    const qvpn_evid *e = v->ev;
    if (e)
        qvpn_ike_weak_text(e->weak, weak, sizeof(weak));
    snprintf(obs, ol, "%s offers %.50s (legacy: %.30s)", side(v),
             e && e->offered ? e->offered : "?", weak);
    snprintf(inf, il, "deprecated by RFC 8247; DES, MD5, MODP-768 are refused by default "
                      "(pref: Note legacy crypto)");
}

static void describe_proposal_refused(const qvpn_verdict *v, char *obs, size_t ol,
                                      char *inf, size_t il)
{
    snprintf(obs, ol, "phase 1 refused or unanswered; offered only %.60s",
             v->offer ? v->offer : "legacy suites");
    snprintf(inf, il, "no current gateway accepts DES, MD5 or MODP-768");
}

static void describe_nat_detected(const qvpn_verdict *v, char *obs, size_t ol,
                                  char *inf, size_t il)
{
    snprintf(obs, ol, "NAT-D recomputed from this packet: %s", nat_who(v->ev ? v->ev->nat : 0));
    snprintf(inf, il, "IKE must float to UDP 4500 and ESP go in UDP 4500 (NAT-T), with "
                      "keepalives");
}

static void describe_nat_raw_esp(const qvpn_verdict *v, char *obs, size_t ol,
                                 char *inf, size_t il)
{
    snprintf(obs, ol, "raw ESP (IP 50) from the %s although NAT-D found NAT", side(v));
    snprintf(inf, il, "a NAT drops raw ESP: NAT-T is off on one side (Windows "
                      "AssumeUDPEncapsulationContextOnSendRule, Cisco nat-traversal)");
}

static void describe_natt_blocked(const qvpn_verdict *v, char *obs, size_t ol,
                                  char *inf, size_t il)
{
    snprintf(obs, ol, "%s sent %u times on UDP 4500 over %.1f s, no answer; UDP 500 was "
                      "answered", qvpn_ike_msg_name(v->ike_msg), v->sends, secs(v->gap_ns));
    snprintf(inf, il, "UDP 4500 is blocked on the path or not served: open it");
}

static void describe_nat_rebinding(const qvpn_verdict *v, char *obs, size_t ol,
                                   char *inf, size_t il)
{
    snprintf(obs, ol, "the %s's UDP port changed mid-session", side(v));
    snprintf(inf, il, "the NAT renewed its mapping: keepalives may be slower than its UDP "
                      "timeout");
}

static void describe_ip_fragmented(const qvpn_verdict *v, char *obs, size_t ol,
                                   char *inf, size_t il)
{
    snprintf(obs, ol, "this IKE message came in %u IP fragments", v->ev ? v->ev->ip_frags : 0);
    snprintf(inf, il, "it relies on IP fragments reaching the peer; IKE fragmentation "
                      "(RFC 7383) avoids that");
}

static void describe_fragments_lost(const qvpn_verdict *v, char *obs, size_t ol,
                                    char *inf, size_t il)
{
    if (v->ev && v->ev->ip_frags > 1)
        snprintf(obs, ol, "request in %u IP fragments sent %u times over %.1f s, no answer, "
                          "no IKE fragmentation", v->ev->ip_frags, v->sends, secs(v->gap_ns));
    else
        snprintf(obs, ol, "an IKE message's IP fragments never all arrived here");
    snprintf(inf, il, "fragments lost on the path: MTU, or a firewall dropping IP fragments");
}

static void describe_esp_fragmented(const qvpn_verdict *v, char *obs, size_t ol,
                                    char *inf, size_t il)
{
    snprintf(obs, ol, "ESP from the %s in %u IP fragments", side(v), v->ev ? v->ev->ip_frags : 0);
    snprintf(inf, il, "tunnelled packets exceed the path MTU: lower the tunnel MTU / TCP MSS");
}

static void describe_icmp_error(const qvpn_verdict *v, char *obs, size_t ol,
                                char *inf, size_t il)
{
    const char *t = v->ev && v->ev->icmp ? v->ev->icmp : "ICMP error";
    snprintf(obs, ol, "ICMP %.120s", t);
    if (strstr(t, "port unreachable") && strstr(t, "UDP 500"))
        snprintf(inf, il, "nothing listens on UDP 500 there: IKE is off, or not the gateway");
    else if (strstr(t, "prohibited"))
        snprintf(inf, il, "a firewall or ACL rejects this traffic");
    else if (strstr(t, "fragmentation needed") || strstr(t, "too big"))
        snprintf(inf, il, "the packet exceeds the path MTU");
    else
        snprintf(inf, il, "the path or the peer rejects this traffic");
}

static void describe_sa_deleted(const qvpn_verdict *v, char *obs, size_t ol, char *inf,
                                size_t il)
{
    uint8_t kind = v->ev ? v->ev->del_kind : 0;
    snprintf(obs, ol, "decrypted Delete: %.160s", v->ev && v->ev->del ? v->ev->del : "an SA");
    if (kind & QVPN_DEL_REKEYED)
        snprintf(inf, il, "the old SA of a rekey is removed: the tunnel goes on");
    else if (kind & QVPN_DEL_IKE)
        snprintf(inf, il, "the %s ends the IKE SA: an orderly teardown (logout, idle "
                          "timeout, or a restart of that side)", side(v));
    else
        snprintf(inf, il, "the %s removes IPsec SAs no newer SA replaces: the tunnel ends",
                 side(v));
}

static void describe_xauth_failed(const qvpn_verdict *v, char *obs, size_t ol, char *inf,
                                  size_t il)
{
    snprintf(obs, ol, "decrypted XAUTH-STATUS FAIL from the %s", side(v));
    snprintf(inf, il, "the user name or password was refused: check the account on the "
                      "gateway (or its RADIUS/LDAP server)");
}

static void describe_inner_no_reply(const qvpn_verdict *v, char *obs, size_t ol, char *inf,
                                    size_t il)
{
    snprintf(obs, ol, "%u requests inside the tunnel over %.1f s (e.g. %.80s), nothing back",
             v->esp_count, secs(v->gap_ns), v->ev && v->ev->inner ? v->ev->inner : "?");
    snprintf(inf, il, "the tunnel carries them, no reply comes: routing or NAT behind the "
                      "gateway, or the host is down");
}

static void describe_tls_legacy_hello(const qvpn_verdict *v, char *obs, size_t ol,
                                      char *inf, size_t il)
{
    snprintf(obs, ol, "the client offers %.80s",
             v->ev && v->ev->tls_offered ? v->ev->tls_offered : "legacy TLS only");
    snprintf(inf, il, "hardened gateways refuse SSLv2 hellos, TLS < 1.2, DES/3DES/RC4: "
                      "QuickVPN's classic login failure");
}
