/* qvpn_render.c — the user interface of a verdict: qvpn.* fields, expert infos.
 *
 * Every label comes from the core's *_name() functions: the value_strings are
 * filled from them at registration, so a phase or state is named in one place.
 * Every item is generated (computed, not on the wire).  Nothing here decides
 * anything; it only draws what the engine returned, identically on every pass.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qvpn_compat.h"

#include <string.h>

#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/tap.h>

#include "qvpn_render.h"
#include "qvpn_ike_sa.h"
#include "qvpn_types.h"

static int proto_qvpn = -1;

static int hf_session           = -1;
static int hf_client            = -1;
static int hf_gateway           = -1;
static int hf_client6           = -1;
static int hf_gateway6          = -1;
static int hf_phase             = -1;
static int hf_step              = -1;
static int hf_ike_msg           = -1;
static int hf_ike_state         = -1;
static int hf_response_in       = -1;
static int hf_response_to       = -1;
static int hf_rtt_kind          = -1;
static int hf_rtt_tcp           = -1;
static int hf_rtt_tls           = -1;
static int hf_rtt_ike           = -1;
static int hf_time_to_tunnel    = -1;
static int hf_retransmission_of = -1;
static int hf_evidence          = -1;
static int hf_ike_offered       = -1;
static int hf_ike_chosen        = -1;
static int hf_ike_dh_group      = -1;
static int hf_ike_vendor        = -1;
static int hf_client_software   = -1;
static int hf_gateway_software  = -1;
static int hf_nat               = -1;
static int hf_ip_fragments      = -1;
static int hf_icmp              = -1;
static int hf_tls_offered       = -1;
static int hf_tls_chosen        = -1;
static int hf_dec_notify         = -1;
static int hf_ts_i               = -1;
static int hf_ts_r               = -1;
static int hf_p2_proposal        = -1;
static int hf_p2_spi             = -1;
static int hf_p2_pfs             = -1;
static int hf_child_sa           = -1;
static int hf_del                = -1;
static int hf_dpd                = -1;
static int hf_dpd_seq            = -1;
static int hf_xauth              = -1;
static int hf_cfg_address        = -1;
static int hf_cfg_split          = -1;
static int hf_identity           = -1;
static int hf_inner              = -1;
static int hf_esp_ts             = -1;

static const value_string evidence_vals[] = {
    { QVPN_EVIDENCE_CLEARTEXT, "observed (cleartext)" },
    { QVPN_EVIDENCE_DECRYPTED, "observed (decrypted)" },
    { QVPN_EVIDENCE_INFERRED,  "inferred" },
    { 0, NULL }
};

static const value_string nat_vals[] = {
    { 0,                                  "No NAT seen (NAT-D hashes match)" },
    { QVPN_NAT_CLIENT,                    "Client behind NAT" },
    { QVPN_NAT_GATEWAY,                   "Gateway behind NAT" },
    { QVPN_NAT_CLIENT | QVPN_NAT_GATEWAY, "Both behind NAT" },
    { 0, NULL }
};

static gint ett_qvpn = -1;

/* Value strings, filled from the core's names (one slot more: the terminator). */
static value_string phase_vals[QVPN_PHASE_COUNT + 1];
static value_string step_vals[QVPN_STEP_COUNT + 1];
static value_string ike_msg_vals[QVPN_IKE_MSG_COUNT + 1];
static value_string ike_state_vals[QVPN_IKE_STATE_COUNT + 1];
static value_string rtt_kind_vals[QVPN_RTT_COUNT + 1];

/* The core declares each finding's group and severity class (qvpn_findings.h). */
static int pi_group(qvpn_group g)
{
    switch (g) {
    case QVPN_GROUP_RESPONSE_CODE: return PI_RESPONSE_CODE;
    case QVPN_GROUP_PROTOCOL:      return PI_PROTOCOL;
    case QVPN_GROUP_SECURITY:      return PI_SECURITY;
    case QVPN_GROUP_SEQUENCE:
    default:                       return PI_SEQUENCE;
    }
}

static int pi_severity(qvpn_severity s)
{
    switch (s) {
    case QVPN_SEV_CHAT:  return PI_CHAT;
    case QVPN_SEV_WARN:  return PI_WARN;
    case QVPN_SEV_ERROR: return PI_ERROR;
    case QVPN_SEV_NOTE:
    default:             return PI_NOTE;
    }
}

static expert_field    ei_finding[QVPN_FINDING_COUNT];
static ei_register_info ei_reg[QVPN_FINDING_COUNT];
/* Their abbreviations, "qvpn.<finding>".  Static: Wireshark keeps the pointers for the
 * life of the process, and a heap copy pointed to only from this module is lost
 * (valgrind: definitely lost) when Wireshark unloads plugins at exit. */
static char ei_abbrev[QVPN_FINDING_COUNT][48];
_Static_assert(sizeof(ei_finding) / sizeof(ei_finding[0]) == QVPN_FINDING_COUNT,
               "ei_finding[] is indexed by qvpn_finding");

#define FILL_VALS(vals, count, name_fn, type)               \
    do {                                                    \
        for (unsigned i_ = 0; i_ < (count); i_++) {         \
            (vals)[i_].value  = i_;                         \
            (vals)[i_].strptr = name_fn((type)i_);          \
        }                                                   \
        (vals)[count].value  = 0;                           \
        (vals)[count].strptr = NULL;                        \
    } while (0)

void qvpn_render_register(int proto)
{
    proto_qvpn = proto;

    FILL_VALS(phase_vals,     QVPN_PHASE_COUNT,     qvpn_phase_name,     qvpn_phase);
    FILL_VALS(step_vals,      QVPN_STEP_COUNT,      qvpn_step_name,      qvpn_step);
    FILL_VALS(ike_msg_vals,   QVPN_IKE_MSG_COUNT,   qvpn_ike_msg_name,   qvpn_ike_msg);
    FILL_VALS(ike_state_vals, QVPN_IKE_STATE_COUNT, qvpn_ike_state_name, qvpn_ike_state);
    FILL_VALS(rtt_kind_vals,  QVPN_RTT_COUNT,       qvpn_rtt_kind_name,  qvpn_rtt_kind);

    static hf_register_info hf[] = {
        { &hf_session,
          { "Session", "qvpn.session", FT_UINT32, BASE_DEC, NULL, 0x0,
            "QuickVPN session: one client-gateway connection attempt, numbered from 1"
            " in order of its first packet", HFILL } },
        { &hf_client,
          { "Client", "qvpn.client", FT_IPv4, BASE_NONE, NULL, 0x0,
            "IPv4 address of the session's client (TLS client, IKE initiator)", HFILL } },
        { &hf_gateway,
          { "Gateway", "qvpn.gateway", FT_IPv4, BASE_NONE, NULL, 0x0,
            "IPv4 address of the session's gateway (TLS server, IKE responder)", HFILL } },
        { &hf_client6,
          { "Client", "qvpn.client6", FT_IPv6, BASE_NONE, NULL, 0x0,
            "IPv6 address of the session's client (TLS client, IKE initiator)", HFILL } },
        { &hf_gateway6,
          { "Gateway", "qvpn.gateway6", FT_IPv6, BASE_NONE, NULL, 0x0,
            "IPv6 address of the session's gateway (TLS server, IKE responder)", HFILL } },
        { &hf_phase,
          { "Phase", "qvpn.phase", FT_UINT8, BASE_DEC, VALS(phase_vals), 0x0,
            "QuickVPN check this packet belongs to: Connection (TLS login), Policy"
            " activation (IKE), Network verification (ESP), Teardown", HFILL } },
        { &hf_step,
          { "Step", "qvpn.step", FT_UINT8, BASE_DEC, VALS(step_vals), 0x0,
            "Exchange within the phase (TCP/TLS handshake, IKE Main/Quick Mode, ESP, ...)",
            HFILL } },
        { &hf_ike_msg,
          { "IKE message", "qvpn.ike.msg", FT_UINT8, BASE_DEC, VALS(ike_msg_vals), 0x0,
            "Place of this ISAKMP message in its exchange (MM1-MM6, AM1-AM3, QM1-QM3, ...)",
            HFILL } },
        { &hf_ike_state,
          { "IKE state", "qvpn.ike.state", FT_UINT8, BASE_DEC, VALS(ike_state_vals), 0x0,
            "Phase-1 state after this message, as Cisco IOS `show crypto isakmp sa` names"
            " it (MM_NO_STATE, MM_SA_SETUP, MM_KEY_EXCH, QM_IDLE, ...)", HFILL } },
        { &hf_response_in,
          { "Response in", "qvpn.response_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
            "The response to this handshake request is in this frame", HFILL } },
        { &hf_response_to,
          { "Request in", "qvpn.response_to", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
            "This is the response to the handshake request in this frame", HFILL } },
        { &hf_rtt_kind,
          { "Handshake", "qvpn.rtt.kind", FT_UINT8, BASE_DEC, VALS(rtt_kind_vals), 0x0,
            "Which request/response pair the round-trip time of this frame measures",
            HFILL } },
        { &hf_rtt_tcp,
          { "TCP handshake RTT", "qvpn.rtt.tcp", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time from the client's SYN to the gateway's SYN/ACK. Unlike"
            " tcp.analysis.initial_rtt (SYN to the ACK that completes the three-way"
            " handshake), this is the gateway's share only", HFILL } },
        { &hf_rtt_tls,
          { "TLS handshake RTT", "qvpn.rtt.tls", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time from the TLS ClientHello to the ServerHello", HFILL } },
        { &hf_rtt_ike,
          { "IKE RTT", "qvpn.rtt.ike", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time from an IKE request to its response (MM1->MM2, MM3->MM4, MM5->MM6,"
            " QM1->QM2, IKEv2 exchanges, ...; qvpn.rtt.kind says which)", HFILL } },
        { &hf_time_to_tunnel,
          { "Time to tunnel", "qvpn.time_to_tunnel", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time from the session's first IKE packet to the tunnel being up (ESP seen in"
            " both directions)", HFILL } },
        { &hf_retransmission_of,
          { "Retransmission of", "qvpn.retransmission_of", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_RETRANS_PREV), 0x0,
            "This IKE message repeats the one in this frame", HFILL } },
        { &hf_evidence,
          { "Evidence", "qvpn.evidence", FT_UINT8, BASE_DEC, VALS(evidence_vals), 0x0,
            "How this frame's diagnosis is known: observed in the clear, observed in what"
            " Wireshark decrypted with your keys, or inferred from timing and sizes", HFILL } },
        { &hf_ike_offered,
          { "IKE offer", "qvpn.ike.offered", FT_STRING, BASE_NONE, NULL, 0x0,
            "Proposals of this phase-1 request (MM1, AM1, IKE_SA_INIT), one suite per"
            " transform/proposal: encryption/hash or PRF/[integrity/]authentication/DH"
            " group/lifetime", HFILL } },
        { &hf_ike_chosen,
          { "IKE choice", "qvpn.ike.chosen", FT_STRING, BASE_NONE, NULL, 0x0,
            "The suite this phase-1 response accepted (MM2, AM2, IKE_SA_INIT response)",
            HFILL } },
        { &hf_ike_dh_group,
          { "D-H group", "qvpn.ike.dh_group", FT_UINT16, BASE_DEC, NULL, 0x0,
            "Diffie-Hellman group: the one the responder chose, the one INVALID_KE_PAYLOAD asks for, or the one an IKE_SA_INIT request's KE uses",
            HFILL } },
        { &hf_ike_vendor,
          { "Vendor ID", "qvpn.ike.vendor", FT_STRING, BASE_NONE, NULL, 0x0,
            "The Vendor ID payloads of this message qvpn recognises (software and"
            " capabilities)", HFILL } },
        { &hf_client_software,
          { "Client software", "qvpn.client.software", FT_STRING, BASE_NONE, NULL, 0x0,
            "The client's IKE implementation, as its Vendor IDs name it", HFILL } },
        { &hf_gateway_software,
          { "Gateway software", "qvpn.gateway.software", FT_STRING, BASE_NONE, NULL, 0x0,
            "The gateway's IKE implementation, as its Vendor IDs name it", HFILL } },
        { &hf_nat,
          { "NAT", "qvpn.nat", FT_UINT8, BASE_DEC, VALS(nat_vals), 0x0,
            "Who is behind NAT, from the NAT-D hashes recomputed with this packet's"
            " addresses and ports (observed at the capture point)", HFILL } },
        { &hf_ip_fragments,
          { "IP fragments", "qvpn.ip_fragments", FT_UINT8, BASE_DEC, NULL, 0x0,
            "This IKE or ESP packet arrived in this many IP fragments", HFILL } },
        { &hf_icmp,
          { "ICMP error", "qvpn.icmp", FT_STRING, BASE_NONE, NULL, 0x0,
            "An ICMP error about a packet of this session, and the packet it quotes",
            HFILL } },
        { &hf_tls_offered,
          { "TLS offer", "qvpn.tls.offered", FT_STRING, BASE_NONE, NULL, 0x0,
            "The login ClientHello's version and cipher suites", HFILL } },
        { &hf_tls_chosen,
          { "TLS choice", "qvpn.tls.chosen", FT_STRING, BASE_NONE, NULL, 0x0,
            "The ServerHello's version and cipher suite", HFILL } },
        { &hf_dec_notify,
          { "Decrypted notifications", "qvpn.decrypted.notify", FT_STRING, BASE_NONE, NULL, 0x0,
            "The notifications inside this encrypted IKE message, read from what Wireshark decrypted with your keys (ikev1/ikev2_decryption_table)", HFILL } },
        { &hf_ts_i,
          { "Initiator selectors", "qvpn.ts.i", FT_STRING, BASE_NONE, NULL, 0x0,
            "Phase 2: the traffic selectors (IKEv2 TSi) or proxy identity (IKEv1 Quick Mode IDci) of the exchange's initiator, decrypted", HFILL } },
        { &hf_ts_r,
          { "Responder selectors", "qvpn.ts.r", FT_STRING, BASE_NONE, NULL, 0x0,
            "Phase 2: the traffic selectors (IKEv2 TSr) or proxy identity (IKEv1 Quick Mode IDcr) of the exchange's responder, decrypted", HFILL } },
        { &hf_p2_proposal,
          { "Phase-2 proposal", "qvpn.p2.proposal", FT_STRING, BASE_NONE, NULL, 0x0,
            "The IPsec SA proposals of this Quick Mode / IKE_AUTH / CREATE_CHILD_SA message (offered in a request, chosen in a response), decrypted", HFILL } },
        { &hf_p2_spi,
          { "Phase-2 SPI", "qvpn.p2.spi", FT_UINT32, BASE_HEX, NULL, 0x0,
            "The SPI of the first IPsec SA proposal of this message: the sender's inbound SPI, decrypted", HFILL } },
        { &hf_p2_pfs,
          { "PFS group", "qvpn.p2.pfs", FT_UINT16, BASE_DEC, NULL, 0x0,
            "The Diffie-Hellman group of this phase-2 message (PFS), decrypted", HFILL } },
        { &hf_child_sa,
          { "Child SA", "qvpn.child_sa", FT_STRING, BASE_NONE, NULL, 0x0,
            "The IPsec SA pair this response completes: initiator's and responder's inbound SPIs, and the networks, decrypted", HFILL } },
        { &hf_del,
          { "Delete", "qvpn.delete", FT_STRING, BASE_NONE, NULL, 0x0,
            "A Delete payload: the SAs (IKE SA, or ESP/AH SPIs) the sender removes, and whether a newer SA replaces them (rekey), decrypted", HFILL } },
        { &hf_dpd,
          { "DPD", "qvpn.dpd", FT_STRING, BASE_NONE, NULL, 0x0,
            "Dead peer detection: IKEv1 R-U-THERE / R-U-THERE-ACK, or an IKEv2 liveness check (empty INFORMATIONAL), decrypted", HFILL } },
        { &hf_dpd_seq,
          { "DPD sequence", "qvpn.dpd.seq", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The sequence number of an IKEv1 R-U-THERE / R-U-THERE-ACK, decrypted", HFILL } },
        { &hf_xauth,
          { "XAUTH", "qvpn.xauth", FT_STRING, BASE_NONE, NULL, 0x0,
            "Extended authentication (IKEv1 XAUTH): requested, OK or FAIL, decrypted", HFILL } },
        { &hf_cfg_address,
          { "Assigned address", "qvpn.cfg.address", FT_STRING, BASE_NONE, NULL, 0x0,
            "The inner address the gateway assigns (IKEv1 Mode Config, IKEv2 CP), decrypted", HFILL } },
        { &hf_cfg_split,
          { "Split networks", "qvpn.cfg.split", FT_STRING, BASE_NONE, NULL, 0x0,
            "The networks the gateway sends through the tunnel (Cisco Unity split include, IKEv2 INTERNAL_IP4_SUBNET), decrypted", HFILL } },
        { &hf_identity,
          { "Identity", "qvpn.identity", FT_STRING, BASE_NONE, NULL, 0x0,
            "The IKE identity of the sender (IKEv1 IDii/IDir, IKEv2 IDi/IDr), decrypted", HFILL } },
        { &hf_inner,
          { "Inner packet", "qvpn.inner", FT_STRING, BASE_NONE, NULL, 0x0,
            "The packet this ESP carries, decrypted with your esp_sa keys (the first ones of each direction)", HFILL } },
        { &hf_esp_ts,
          { "SA networks", "qvpn.esp.ts", FT_STRING, BASE_NONE, NULL, 0x0,
            "The networks of this ESP packet's SA, as its Quick Mode / CHILD_SA negotiated them, decrypted", HFILL } },
    };

    static gint *ett[] = { &ett_qvpn };

    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));

    for (unsigned f = 0; f < QVPN_FINDING_COUNT; f++) {
        const qvpn_finding_info *info = qvpn_finding_get((qvpn_finding)f);
        ei_finding[f] = (expert_field)EI_INIT;
        g_snprintf(ei_abbrev[f], sizeof(ei_abbrev[f]), "qvpn.%s", info->abbrev);
        ei_register_info r = {
            &ei_finding[f],
            { ei_abbrev[f], pi_group(info->group), pi_severity(info->severity),
              info->title, EXPFILL }
        };
        ei_reg[f] = r;
    }
    expert_module_t *em = expert_register_protocol(proto);
    expert_register_field_array(em, ei_reg, array_length(ei_reg));
}

/* --- drawing --------------------------------------------------------------------- */

static nstime_t ns_to_nstime(int64_t ns)
{
    nstime_t t;
    t.secs  = (time_t)(ns / 1000000000);
    t.nsecs = (int)(ns % 1000000000);
    return t;
}

static void add_generated(proto_item *pi)
{
    if (pi != NULL)
        proto_item_set_generated(pi);
}

static void add_addr(proto_tree *t, tvbuff_t *tvb, int hf4, int hf6, const qvpn_addr *a)
{
    if (a->len == 4) {
        ws_in4_addr v4;
        memcpy(&v4, a->bytes, 4);   /* network byte order, as FT_IPv4 wants */
        add_generated(proto_tree_add_ipv4(t, hf4, tvb, 0, 0, v4));
    } else if (a->len == 16) {
        ws_in6_addr v6;
        memcpy(v6.bytes, a->bytes, 16);
        add_generated(proto_tree_add_ipv6(t, hf6, tvb, 0, 0, &v6));
    }
}

static void add_time(proto_tree *t, tvbuff_t *tvb, int hf, int64_t ns)
{
    nstime_t ts = ns_to_nstime(ns);
    add_generated(proto_tree_add_time(t, hf, tvb, 0, 0, &ts));
}

static void add_frame(proto_tree *t, tvbuff_t *tvb, int hf, uint32_t frame)
{
    if (frame != 0)
        add_generated(proto_tree_add_uint(t, hf, tvb, 0, 0, frame));
}

static int rtt_hf(qvpn_rtt_kind k)
{
    switch (k) {
    case QVPN_RTT_NONE:
    case QVPN_RTT_COUNT:
        return -1;
    case QVPN_RTT_TCP:
        return hf_rtt_tcp;
    case QVPN_RTT_TLS:
        return hf_rtt_tls;
    default:
        return hf_rtt_ike;      /* every IKEv1 and IKEv2 exchange */
    }
}

static proto_item *add_top(tvbuff_t *tvb, proto_tree *tree, const qvpn_verdict *v)
{
    proto_item *ti = proto_tree_add_item(tree, proto_qvpn, tvb, 0, 0, ENC_NA);

    if (ti == NULL)
        return NULL;
    proto_item_set_generated(ti);
    /* The label is text for a visible tree only (proto_item_append_text() ignores it
     * otherwise): skip looking the names up for nothing. */
    if (!PTREE_DATA(tree)->visible)
        return ti;
    proto_item_append_text(ti, ": ");
    if (v->session != NULL)
        proto_item_append_text(ti, "Session %u, ", v->session->id);
    proto_item_append_text(ti, "%s, %s", qvpn_phase_name(v->phase), qvpn_step_name(v->step));
    if (v->ike_msg != QVPN_IKE_MSG_NONE)
        proto_item_append_text(ti, " %s", qvpn_ike_msg_name(v->ike_msg));
    if (v->ike_state != QVPN_IKE_STATE_NONE)
        proto_item_append_text(ti, ", %s", qvpn_ike_state_name(v->ike_state));
    return ti;
}

static void add_findings(packet_info *pinfo, proto_item *ti, const qvpn_verdict *v)
{
    char observed[768], inferred[384];

    for (unsigned f = 0; f < QVPN_FINDING_COUNT; f++) {
        if (!(v->findings & (UINT32_C(1) << f)))
            continue;
        observed[0] = inferred[0] = '\0';
        qvpn_finding_describe(v, (qvpn_finding)f, observed, sizeof(observed),
                              inferred, sizeof(inferred));
        if (inferred[0] != '\0')
            expert_add_info_format(pinfo, ti, &ei_finding[f], "%s: %s. Inferred: %s",
                                   qvpn_finding_title((qvpn_finding)f), observed, inferred);
        else
            expert_add_info_format(pinfo, ti, &ei_finding[f], "%s: %s",
                                   qvpn_finding_title((qvpn_finding)f), observed);
    }
}

/* Whether anything will look at qvpn's items: a visible tree (packet details, -V,
 * -T pdml/json), a filter, column or -e field on qvpn or on the expert infos (each
 * makes its protocol referenced), or a tap that walks the tree (Protocol
 * Hierarchy).  Otherwise (plain tshark, -z qvpn,...) the items would be built only
 * to be freed again; the expert infos are added all the same, without an item:
 * they still reach the expert tap (-z expert, the Expert Information dialog), the
 * Expert column and the frame's highest severity. */
static bool items_wanted(proto_tree *tree)
{
    static int proto_expert = -1;

    if (tree == NULL)
        return false;
    if (proto_field_is_referenced(tree, proto_qvpn))
        return true;
    if (proto_expert == -1)
        proto_expert = proto_get_id_by_filter_name("_ws.expert");
    if (proto_expert >= 0 && proto_field_is_referenced(tree, proto_expert))
        return true;
#ifdef TL_REQUIRES_PROTOCOLS
    return (union_of_tap_listener_flags() & (TL_REQUIRES_PROTO_TREE | TL_REQUIRES_PROTOCOLS)) != 0;
#else
    return (union_of_tap_listener_flags() & TL_REQUIRES_PROTO_TREE) != 0;
#endif
}

/* Whether any field under the qvpn item will be looked at: a visible tree, or one of
 * them referenced (filter, column, -e).  `-Y qvpn` needs the qvpn item alone; the
 * fields would all be faked one by one.  proto_field_is_referenced() answers for the
 * visible tree; the rest is the fields' ref_type (public in header_field_info),
 * which is what proto_field_is_referenced() reads too. */
static bool any_referenced(int *const *hfs, header_field_info **hfi, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (hfi[i] == NULL)
            hfi[i] = proto_registrar_get_nth((guint)*hfs[i]);
        if (hfi[i] != NULL && hfi[i]->ref_type != HF_REF_TYPE_NONE)
            return true;
    }
    return false;
}

/* The evidence fields are asked about only for a frame that can carry them (one with
 * evidence or a finding): the check costs every frame, and most carry none. */
static bool fields_wanted(proto_tree *t, const qvpn_verdict *v)
{
    static int *const hfs[] = {
        &hf_session, &hf_client, &hf_gateway, &hf_client6, &hf_gateway6, &hf_phase,
        &hf_step, &hf_ike_msg, &hf_ike_state, &hf_response_in, &hf_response_to,
        &hf_rtt_kind, &hf_rtt_tcp, &hf_rtt_tls, &hf_rtt_ike, &hf_time_to_tunnel,
        &hf_retransmission_of,
    };
    static int *const ev_hfs[] = {
        &hf_evidence, &hf_ike_offered, &hf_ike_chosen, &hf_ike_dh_group, &hf_ike_vendor,
        &hf_client_software, &hf_gateway_software, &hf_nat, &hf_ip_fragments, &hf_icmp,
        &hf_tls_offered, &hf_tls_chosen, &hf_dec_notify, &hf_ts_i, &hf_ts_r, &hf_p2_proposal, &hf_p2_spi, &hf_p2_pfs, &hf_child_sa, &hf_del, &hf_dpd, &hf_dpd_seq, &hf_xauth, &hf_cfg_address, &hf_cfg_split, &hf_identity, &hf_inner, &hf_esp_ts,
    };
    static header_field_info *hfi[G_N_ELEMENTS(hfs)], *ev_hfi[G_N_ELEMENTS(ev_hfs)];

    if (proto_field_is_referenced(t, hf_session))
        return true;
    if (any_referenced(hfs, hfi, G_N_ELEMENTS(hfs)))
        return true;
    return (v->ev != NULL || v->findings != 0) &&
           any_referenced(ev_hfs, ev_hfi, G_N_ELEMENTS(ev_hfs));
}

static void add_string(proto_tree *t, tvbuff_t *tvb, int hf, const char *s)
{
    if (s != NULL)
        add_generated(proto_tree_add_string(t, hf, tvb, 0, 0, s));
}

/* What the frame shows once Wireshark decrypted it with the user's keys. */
static void add_decrypted(proto_tree *t, tvbuff_t *tvb, const qvpn_evid *e)
{
    add_string(t, tvb, hf_dec_notify, e->dec_notify);
    add_string(t, tvb, hf_identity, e->identity);
    add_string(t, tvb, hf_ts_i, e->ts_i);
    add_string(t, tvb, hf_ts_r, e->ts_r);
    add_string(t, tvb, hf_p2_proposal, e->p2_proposal);
    if (e->has_p2_spi)
        add_generated(proto_tree_add_uint(t, hf_p2_spi, tvb, 0, 0, e->p2_spi));
    if (e->p2_pfs)
        add_generated(proto_tree_add_uint(t, hf_p2_pfs, tvb, 0, 0, e->p2_pfs));
    add_string(t, tvb, hf_child_sa, e->child_sa);
    add_string(t, tvb, hf_del, e->del);
    add_string(t, tvb, hf_dpd, e->dpd);
    if (e->has_dpd_seq)
        add_generated(proto_tree_add_uint(t, hf_dpd_seq, tvb, 0, 0, e->dpd_seq));
    add_string(t, tvb, hf_xauth, e->xauth);
    add_string(t, tvb, hf_cfg_address, e->cfg_address);
    add_string(t, tvb, hf_cfg_split, e->cfg_split);
    add_string(t, tvb, hf_inner, e->inner);
    add_string(t, tvb, hf_esp_ts, e->esp_ts);
}

/* What the frame shows in the clear (qvpn_evid). */
static void add_evidence(proto_tree *t, tvbuff_t *tvb, const qvpn_verdict *v)
{
    const qvpn_evid *e = v->ev;
    add_string(t, tvb, hf_ike_offered, e->offered);
    add_string(t, tvb, hf_ike_chosen, e->chosen);
    if (e->dh_group) {
        const char *name = qvpn_dh_group_name(e->dh_group);
        add_generated(proto_tree_add_uint_format_value(t, hf_ike_dh_group, tvb, 0, 0,
                                                       e->dh_group, "%u (%s)", e->dh_group,
                                                       name ? name : "unknown"));
    }
    add_string(t, tvb, hf_ike_vendor, e->vendors);
    add_string(t, tvb, v->from_client ? hf_client_software : hf_gateway_software, e->software);
    if (e->nat_seen)
        add_generated(proto_tree_add_uint(t, hf_nat, tvb, 0, 0, e->nat));
    if (e->ip_frags > 1)
        add_generated(proto_tree_add_uint(t, hf_ip_fragments, tvb, 0, 0, e->ip_frags));
    add_string(t, tvb, hf_icmp, e->icmp);
    add_string(t, tvb, hf_tls_offered, e->tls_offered);
    add_string(t, tvb, hf_tls_chosen, e->tls_chosen);
    if (e->decrypted)
        add_decrypted(t, tvb, e);
}

void qvpn_render(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const qvpn_verdict *v)
{
    if (!items_wanted(tree)) {
        if (v->findings != 0)
            add_findings(pinfo, NULL, v);
        return;
    }

    proto_item *ti = add_top(tvb, tree, v);
    proto_tree *t = proto_item_add_subtree(ti, ett_qvpn);

    if (!fields_wanted(t, v)) {
        if (v->findings != 0)
            add_findings(pinfo, ti, v);
        return;
    }

    if (v->session != NULL) {
        add_generated(proto_tree_add_uint(t, hf_session, tvb, 0, 0, v->session->id));
        add_addr(t, tvb, hf_client, hf_client6, &v->session->client);
        add_addr(t, tvb, hf_gateway, hf_gateway6, &v->session->gateway);
    }
    add_generated(proto_tree_add_uint(t, hf_phase, tvb, 0, 0, v->phase));
    add_generated(proto_tree_add_uint(t, hf_step, tvb, 0, 0, v->step));
    if (v->ike_msg != QVPN_IKE_MSG_NONE)
        add_generated(proto_tree_add_uint(t, hf_ike_msg, tvb, 0, 0, v->ike_msg));
    if (v->ike_state != QVPN_IKE_STATE_NONE)
        add_generated(proto_tree_add_uint(t, hf_ike_state, tvb, 0, 0, v->ike_state));
    add_frame(t, tvb, hf_response_in, v->response_in);
    add_frame(t, tvb, hf_response_to, v->response_to);
    if (v->rtt_kind != QVPN_RTT_NONE && v->rtt_ns >= 0) {
        add_generated(proto_tree_add_uint(t, hf_rtt_kind, tvb, 0, 0, v->rtt_kind));
        if (rtt_hf(v->rtt_kind) != -1)
            add_time(t, tvb, rtt_hf(v->rtt_kind), v->rtt_ns);
    }
    if (v->time_to_tunnel_ns >= 0)
        add_time(t, tvb, hf_time_to_tunnel, v->time_to_tunnel_ns);
    add_frame(t, tvb, hf_retransmission_of, v->retrans_of);
    uint8_t evidence = v->findings && v->ev && v->ev->diag_decrypted
                       ? QVPN_EVIDENCE_DECRYPTED : qvpn_findings_evidence(v->findings);
    if (evidence != QVPN_EVIDENCE_NONE)
        add_generated(proto_tree_add_uint(t, hf_evidence, tvb, 0, 0, evidence));
    if (v->ev != NULL)
        add_evidence(t, tvb, v);

    if (v->findings != 0)
        add_findings(pinfo, ti, v);
}
