/* qvpn_facts.c — fold a session's verdicts into its facts, and say what happened.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "qvpn_facts.h"
#include "qvpn_ike_state.h"

#define BIT(n) (1u << (n))
/* A request unanswered until qvpn called it stalled, under any name. */
#define STALLS (BIT(QVPN_FINDING_MM_STALL) | BIT(QVPN_FINDING_QM_STALL) | \
                BIT(QVPN_FINDING_NATT_BLOCKED) | BIT(QVPN_FINDING_FRAGMENTS_LOST) | \
                BIT(QVPN_FINDING_PROPOSAL_REFUSED))

void qvpn_rec_init(qvpn_rec *r, const qvpn_obs *o, const qvpn_verdict *v)
{
    r->v = v;
    r->frame = o->frame;
    r->rel_ts_ns = o->rel_ts_ns;
    r->sport = o->sport;
    r->dport = o->dport;
    r->udp = !o->tcp.present && (o->sport != 0 || o->dport != 0);
    r->has_spi = o->esp.present;
    r->ah = o->esp.ah;
    r->spi = o->esp.spi;
}

void qvpn_facts_init(qvpn_facts *f, int64_t stall_timeout_ns)
{
    memset(f, 0, sizeof(*f));
    f->stall_ns = stall_timeout_ns;
    f->time_to_tunnel_ns = -1;
}

static bool is_ike_step(qvpn_step s)
{
    return (s >= QVPN_STEP_IKE_MAIN && s <= QVPN_STEP_IKE_OTHER) ||
           s == QVPN_STEP_IKE_TRANSACTION || s == QVPN_STEP_IKEV2_INTERMEDIATE ||
           s == QVPN_STEP_AUTHIP;
}

static void add_port(uint16_t *ports, uint16_t port)
{
    for (int i = 0; i < QVPN_FACTS_PORTS; i++) {
        if (ports[i] == port)
            return;
        if (ports[i] == 0) {
            ports[i] = port;
            return;
        }
    }
}

static void count_esp(qvpn_facts *f, const qvpn_rec *r)
{
    bool out = r->v->from_client;
    f->had_esp = true;
    if (out)
        f->esp_out++;
    else
        f->esp_in++;
    if (!r->has_spi)
        return;
    for (unsigned i = 0; i < f->n_spis; i++) {
        qvpn_spi_count *c = &f->spis[i];
        if (c->spi == r->spi && c->from_client == out && c->ah == r->ah) {
            c->packets++;
            return;
        }
    }
    if (f->n_spis < QVPN_FACTS_SPIS) {
        /* Member by member: the padding stays as qvpn_facts_init() left it, so that
         * facts compare with memcmp() (the unit tests, the fuzz harness). */
        qvpn_spi_count *c = &f->spis[f->n_spis++];
        c->spi = r->spi;
        c->from_client = out;
        c->ah = r->ah;
        c->packets = 1;
    }
}

/* A string into a short list of distinct ones (interned: equal text, equal pointer
 * mostly; compared by text to be sure). */
static void add_distinct(const char **list, const char *s)
{
    if (s == NULL)
        return;
    for (unsigned i = 0; i < QVPN_FACTS_LIST; i++) {
        if (list[i] == NULL) {
            list[i] = s;
            return;
        }
        if (list[i] == s || strcmp(list[i], s) == 0)
            return;
    }
}

static void add_decrypted(qvpn_facts *f, const qvpn_verdict *v)
{
    const qvpn_evid *e = v->ev;
    f->decrypted = true;
    add_distinct(f->notify_dec, e->dec_notify);
    if (v->ike_msg == QVPN_IKE_MSG_QM1 || v->ike_msg == QVPN_IKE_MSG_V2_REQUEST)
        add_distinct(f->ts, e->ts_pair);    /* what was asked */
    if (e->child_sa && f->n_child < QVPN_FACTS_LIST) {
        qvpn_child_fact *ch = &f->child[f->n_child++];
        ch->spi_i = e->child_spi_i;
        ch->spi_r = e->child_spi_r;
        ch->text = e->child_sa;
        ch->ts = e->ts_pair;
    }
    if (e->del) {
        add_distinct(f->deletes, e->del);
        /* What ended the tunnel: the first IKE SA's Delete, else the latest one; a
         * rekey's end ends nothing. */
        if (!(e->del_kind & QVPN_DEL_REKEYED) && !f->end_delete_ike) {
            f->end_delete = e->del;
            f->end_delete_ike = (e->del_kind & QVPN_DEL_IKE) != 0;
        }
    }
    if (e->dpd_request)
        f->dpd++;                           /* exchanges: their requests */
    if (e->xauth && (f->xauth == NULL || strcmp(e->xauth, "requested") != 0))
        f->xauth = e->xauth;
    if (e->cfg_address)
        f->cfg_address = e->cfg_address;
    if (e->cfg_split)
        f->cfg_split = e->cfg_split;
    if (e->inner)
        *(v->from_client ? &f->inner_out : &f->inner_in) += 1;
    if (v->findings & BIT(QVPN_FINDING_IKE_NOTIFY))
        f->notify_decrypted = e->diag_decrypted;
    if ((v->findings & BIT(QVPN_FINDING_INNER_NO_REPLY)) && !f->inner_unanswered)
        f->inner_unanswered = e->inner;
}

static void add_evidence(qvpn_facts *f, const qvpn_verdict *v)
{
    const qvpn_evid *e = v->ev;
    if (e->decrypted)
        add_decrypted(f, v);
    if (e->offered && !f->offered)
        f->offered = e->offered;
    if (e->chosen)
        f->chosen = e->chosen;
    if (e->dh_group)
        f->dh_group = e->dh_group;
    if (e->software)
        *(v->from_client ? &f->client_software : &f->gateway_software) = e->software;
    *(v->from_client ? &f->client_caps : &f->gateway_caps) |= e->caps;
    if (e->nat_seen) {
        f->nat_seen = true;
        f->nat |= e->nat;
    }
    if (e->ip_frags > 1 && is_ike_step(v->step))
        f->ip_fragmented++;
    if (e->icmp && !f->icmp)
        f->icmp = e->icmp;
    if (e->tls_offered && !f->tls_offered)
        f->tls_offered = e->tls_offered;
    if (e->tls_chosen)
        f->tls_chosen = e->tls_chosen;
}

void qvpn_facts_add(qvpn_facts *f, const qvpn_rec *r)
{
    const qvpn_verdict *v = r->v;

    if (f->first_frame == 0) {
        f->first_frame = r->frame;
        f->start_rel_ns = r->rel_ts_ns;
        f->roles_guessed = v->session && v->session->roles_guessed;
    }
    f->phases |= (uint8_t)BIT(v->phase);
    f->last_phase = v->phase;
    if (v->findings) {
        f->findings |= v->findings;
        for (int i = 0; i < QVPN_FINDING_COUNT; i++)
            if (v->findings & BIT(i))
                f->finding_count[i]++;
        if (v->findings & BIT(QVPN_FINDING_TLS_ALERT)) {
            f->alert_desc = v->alert_desc;
            f->alert_from_client = v->from_client;
        }
        if (v->findings & (BIT(QVPN_FINDING_IKE_REFUSED) | BIT(QVPN_FINDING_IKE_NOTIFY)))
            if (v->refused_msg)
                f->refused_msg = v->refused_msg;
        if ((v->findings & STALLS) &&
            v->gap_ns > f->stall_span_ns)
            f->stall_span_ns = v->gap_ns;
    }
    f->last_frame = r->frame;
    f->last_rel_ns = r->rel_ts_ns;
    if (v->notify_type)
        f->notify_type = v->notify_type;
    if (v->ike_state != QVPN_IKE_STATE_NONE &&
        (v->ike_state != QVPN_IKE_STATE_LOST || f->ike_state == QVPN_IKE_STATE_NONE))
        f->ike_state = v->ike_state;
    if (is_ike_step(v->step)) {
        f->had_ike = true;
        f->last_ike_frame = r->frame;
        f->last_ike_rel_ns = r->rel_ts_ns;
        f->last_ike_msg = v->ike_msg;
        f->last_ike_step = v->step;
        f->last_ike_sends = v->retrans_of ? (v->sends ? v->sends : 2) : 1;
        if (v->ike_version)
            f->ike_version = v->ike_version;
    }
    if (v->sa_agreed)
        f->sa_agreed = true;
    if (v->ev)
        add_evidence(f, v);
    if (v->step == QVPN_STEP_ESP || v->step == QVPN_STEP_AH)
        count_esp(f, r);
    if (v->time_to_tunnel_ns >= 0)
        f->time_to_tunnel_ns = v->time_to_tunnel_ns;
    /* The gateway's side of the conversation: the port the client talks to. */
    uint16_t port = v->from_client ? r->dport : r->sport;
    if (port)
        add_port(r->udp ? f->udp_ports : f->tcp_ports, port);
}

bool qvpn_facts_tls_only(const qvpn_facts *f)
{
    return !f->had_ike && !f->had_esp;
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
    case QVPN_IKE_STATE_V2_INIT_DONE:  return "the client did not go on with IKE_AUTH";
    case QVPN_IKE_STATE_V2_AUTH_SENT:  return "IKE_AUTH not answered: authentication or lost fragments?";
    default:                           return "phase 1 incomplete";
    }
}

/* Phase 1 completed at some point (a deleted IKE SA was established first). */
static bool p1_reached(qvpn_ike_state st)
{
    return qvpn_ike_state_p1_up(st) || st == QVPN_IKE_STATE_DELETED;
}

static bool has(const qvpn_facts *f, qvpn_finding x)
{
    return (f->findings & BIT(x)) != 0;
}

static double secs(int64_t ns)
{
    return (double)ns / 1e9;
}

/* "MM5, frame 12" / "IKEv2 IKE_AUTH request, frame 7": the last IKE message. */
static void last_ike(const qvpn_facts *f, char *buf, size_t len)
{
    if (f->last_ike_msg == QVPN_IKE_MSG_V2_REQUEST || f->last_ike_msg == QVPN_IKE_MSG_V2_RESPONSE)
        snprintf(buf, len, "%s %s, frame %u", qvpn_step_name(f->last_ike_step),
                 f->last_ike_msg == QVPN_IKE_MSG_V2_REQUEST ? "request" : "response",
                 f->last_ike_frame);
    else if (f->last_ike_msg != QVPN_IKE_MSG_NONE && f->last_ike_msg != QVPN_IKE_MSG_UNKNOWN)
        snprintf(buf, len, "%s, frame %u", qvpn_ike_msg_name(f->last_ike_msg), f->last_ike_frame);
    else
        snprintf(buf, len, "%s, frame %u", qvpn_step_name(f->last_ike_step), f->last_ike_frame);
}

/* ESP seen, but not both ways. */
static void one_way(const qvpn_facts *f, char *buf, size_t len)
{
    const char *dir = f->esp_out ? "encaps only" : "decaps only";
    if (has(f, QVPN_FINDING_QM_STALL) && f->sa_agreed)
        snprintf(buf, len, "ESP one way only (%s): the responder did not accept QM3", dir);
    else if (has(f, QVPN_FINDING_NAT_RAW_ESP))
        snprintf(buf, len, "ESP one way only (%s): raw ESP (IP 50) through NAT, which NAT-D "
                           "detected: NAT-T not used on one side", dir);
    else if (f->roles_guessed && !f->had_ike)
        snprintf(buf, len, "ESP seen from the %s only (%s): the capture point may see one "
                           "direction only", f->esp_out ? "client" : "gateway", dir);
    else if (has(f, QVPN_FINDING_ESP_ONE_WAY))
        snprintf(buf, len, "ESP one way only (%s): return path broken?", dir);
    else
        snprintf(buf, len, "ESP seen from the %s only (%u packets): too few to tell",
                 f->esp_out ? "client" : "gateway", f->esp_out + f->esp_in);
}

/* Appends to the verdict text in buf (a no-op once it is full). */
static void append(char *buf, size_t len, const char *fmt, const char *arg)
{
    size_t n = strlen(buf);
    if (n + 1 < len)
        snprintf(buf + n, len - n, fmt, arg);
}

/* "...; offered: <suites>" after a phase-1 verdict in the first state, where the offer
 * is what the gateway held against its policy. */
static void offered_suffix(const qvpn_facts *f, char *buf, size_t len)
{
    bool first = f->ike_state == QVPN_IKE_STATE_MM_NO_STATE ||
                 f->ike_state == QVPN_IKE_STATE_AG_NO_STATE ||
                 f->ike_state == QVPN_IKE_STATE_V2_INIT_SENT;
    if (f->offered && first)
        append(buf, len, " (offered: %.200s)", f->offered);
}

/* Phase 1 did not complete: a stall qvpn warned about, or the capture's end. */
static void p1_incomplete(const qvpn_facts *f, int64_t end, char *buf, size_t len)
{
    char last[96];
    if (f->ike_state == QVPN_IKE_STATE_NONE) {
        snprintf(buf, len, "IKE exchanges qvpn does not analyse (%s)",
                 qvpn_step_name(f->last_ike_step));
        return;
    }
    bool quiet = end >= f->last_ike_rel_ns && end - f->last_ike_rel_ns >= f->stall_ns;
    /* A stall qvpn warned about is the verdict once the silence is long enough to be
     * one: the request unanswered for the stall timeout, or the capture going on. */
    bool stalled = f->stall_span_ns >= f->stall_ns || quiet;
    /* Resent in IP fragments and never answered: what the capture shows is the story,
     * however soon it ends. */
    if (has(f, QVPN_FINDING_FRAGMENTS_LOST)) {
        snprintf(buf, len, "%s %s: a request in IP fragments sent %u times without answer, IKE "
                           "fragmentation not negotiated: fragments lost (path MTU or a firewall "
                           "dropping IP fragments)?", stalled ? "stalled in" : "capture ends in",
                 qvpn_ike_state_name(f->ike_state), f->last_ike_sends);
        return;
    }
    if (has(f, QVPN_FINDING_NATT_BLOCKED) && stalled) {
        snprintf(buf, len, "stalled in %s: no answer after the float to UDP 4500 (UDP 500 was "
                           "answered): UDP 4500 blocked?", qvpn_ike_state_name(f->ike_state));
        return;
    }
    if (has(f, QVPN_FINDING_PROPOSAL_REFUSED) && !has(f, QVPN_FINDING_IKE_NOTIFY) && stalled) {
        snprintf(buf, len, "stalled in %s: no answer to an offer of crypto no current gateway "
                           "accepts (offered: %.200s): refused by policy?",
                 qvpn_ike_state_name(f->ike_state), f->offered ? f->offered : "?");
        return;
    }
    if (has(f, QVPN_FINDING_MM_STALL) && stalled && f->icmp) {
        /* The ICMP error is the answer the gateway gave: it replaces the guess. */
        snprintf(buf, len, "stalled in %s: answered by ICMP %.200s",
                 qvpn_ike_state_name(f->ike_state), f->icmp);
        offered_suffix(f, buf, len);
        return;
    }
    if (has(f, QVPN_FINDING_MM_STALL) && stalled) {
        snprintf(buf, len, "stalled in %s: %s", qvpn_ike_state_name(f->ike_state),
                 stall_short(f->ike_state));
        offered_suffix(f, buf, len);
        return;
    }
    last_ike(f, last, sizeof(last));
    if (f->ike_state == QVPN_IKE_STATE_V2_INIT_DONE)
        snprintf(buf, len, "IKE_SA_INIT answered, no IKE_AUTH from the client%s",
                 quiet ? " (a probe, or it gave up)" : " before the capture ends");
    else if (quiet && f->last_ike_sends == 1 && f->last_ike_msg != QVPN_IKE_MSG_UNKNOWN)
        snprintf(buf, len, "%s: %s not answered and not retransmitted, the client gave up on it "
                           "(%.1f s of capture after it)", qvpn_ike_state_name(f->ike_state), last,
                 secs(end - f->last_ike_rel_ns));
    else if (quiet)
        snprintf(buf, len, "stalled in %s: %s (no IKE for the last %.1f s of the capture)",
                 qvpn_ike_state_name(f->ike_state), stall_short(f->ike_state),
                 secs(end - f->last_ike_rel_ns));
    else if (end >= f->last_ike_rel_ns)
        snprintf(buf, len, "capture ends in %s, %.3f s after the last IKE message (%s)",
                 qvpn_ike_state_name(f->ike_state), secs(end - f->last_ike_rel_ns), last);
    else
        snprintf(buf, len, "capture ends in %s after %s", qvpn_ike_state_name(f->ike_state), last);
}

static void refused(const qvpn_facts *f, char *buf, size_t len)
{
    switch (f->refused_msg) {
    case QVPN_IKE_MSG_MM5:
        snprintf(buf, len, "phase 1 refused after MM5: pre-shared key mismatch");
        break;
    case QVPN_IKE_MSG_QM1:
        snprintf(buf, len, "phase 2 refused (encrypted reply to QM1): transform set or proxy IDs?");
        break;
    default:
        snprintf(buf, len, "CREATE_CHILD_SA refused: transform set or traffic selectors?");
        break;
    }
}

/* An ICMP error quoting the session's packets explains a session that did not connect. */
static void icmp_suffix(const qvpn_facts *f, char *buf, size_t len)
{
    if (f->icmp && !(f->esp_out && f->esp_in) && !strstr(buf, "ICMP"))
        append(buf, len, "; ICMP %.200s", f->icmp);
}

/* A refusal read from decrypted bytes: the notify, what it answered, the selectors
 * asked for. */
static void refused_decrypted(const qvpn_facts *f, char *buf, size_t len)
{
    uint16_t n = f->notify_type;
    snprintf(buf, len, "refused by peer: %s (decrypted)", qvpn_notify_name(f->ike_version, n));
    if (f->refused_msg == QVPN_IKE_MSG_MM5) {
        bool psk = f->ike_version == 1 && (n == 16 || n == 23 || n == 24);
        append(buf, len, " answering MM5%s", psk ? ": pre-shared keys differ" : "");
    } else if (f->refused_msg == QVPN_IKE_MSG_QM1) {
        append(buf, len, " in Quick Mode%s", "");
    }
    if (f->ts[0] && (f->refused_msg == QVPN_IKE_MSG_QM1 || f->ike_version == 2))
        append(buf, len, "; asked %.200s", f->ts[0]);
    if (n == 14 && f->offered && f->refused_msg != QVPN_IKE_MSG_QM1 && !f->ts[0])
        append(buf, len, " (offered: %.200s)", f->offered);
}

/* What the decrypted inner traffic says about a tunnel. */
static void inner_suffix(const qvpn_facts *f, char *buf, size_t len)
{
    if (has(f, QVPN_FINDING_INNER_NO_REPLY))
        append(buf, len, "; inner requests get no reply (decrypted, %.120s): routing or NAT "
                         "behind the gateway?", f->inner_unanswered ? f->inner_unanswered : "");
    else if (f->inner_out && f->inner_in)
        append(buf, len, "; tunnel passes traffic both ways (decrypted)%s", "");
}

static void verdict_core(const qvpn_facts *f, int64_t end, char *buf, size_t len);

void qvpn_facts_verdict(const qvpn_facts *f, int64_t end, char *buf, size_t len)
{
    if (!buf || len == 0)
        return;
    verdict_core(f, end, buf, len);
    if (f->decrypted && f->had_esp)
        inner_suffix(f, buf, len);
    if (f->decrypted && f->last_phase == QVPN_PHASE_TEARDOWN && f->end_delete)
        /* verdict_core() says "torn down" itself for a tunnel that carried ESP both ways */
        append(buf, len, f->esp_out && f->esp_in ? "; Delete %.200s (decrypted)"
                                                 : "; torn down: Delete %.200s (decrypted)",
               f->end_delete);
    icmp_suffix(f, buf, len);
}

static void verdict_core(const qvpn_facts *f, int64_t end, char *buf, size_t len)
{
    if (f->esp_out && f->esp_in) {
        /* Up before its IKE was seen (no time to tunnel): the capture began mid-tunnel. */
        bool midflow = f->roles_guessed && f->time_to_tunnel_ns < 0;
        snprintf(buf, len, "%s%s", midflow ? "tunnel seen mid-flow" : "connected",
                 f->last_phase == QVPN_PHASE_TEARDOWN ? ", torn down" : "");
    } else if (f->esp_out || f->esp_in) {
        one_way(f, buf, len);
    } else if (has(f, QVPN_FINDING_TLS_ALERT)) {
        snprintf(buf, len, "%s: TLS alert %s",
                 f->alert_from_client ? "client ended the login" : "login refused",
                 qvpn_tls_alert_name(f->alert_desc));
        if (f->tls_offered && !f->alert_from_client)
            append(buf, len, " (the client offered %.200s)", f->tls_offered);
    } else if (qvpn_facts_tls_only(f)) {
        snprintf(buf, len, "TLS only: no IKE followed");
    } else if (f->sa_agreed && p1_reached(f->ike_state)) {
        snprintf(buf, len, "IPsec SAs agreed, no ESP seen (no traffic, or ESP not captured)%s",
                 has(f, QVPN_FINDING_IKE_REFUSED) ? "; a later CREATE_CHILD_SA was refused" : "");
    } else if (has(f, QVPN_FINDING_XAUTH_FAILED)) {
        snprintf(buf, len, "XAUTH refused (decrypted): user authentication failed "
                           "(name or password)");
    } else if (has(f, QVPN_FINDING_IKE_NOTIFY) && f->notify_decrypted) {
        refused_decrypted(f, buf, len);
    } else if (has(f, QVPN_FINDING_IKE_AUTH_FAILED)) {
        snprintf(buf, len, "IKE_AUTH refused: authentication failed?");
    } else if (has(f, QVPN_FINDING_IKE_REFUSED)) {
        refused(f, buf, len);
    } else if (has(f, QVPN_FINDING_IKE_NOTIFY)) {
        snprintf(buf, len, "refused by peer: %s", qvpn_notify_name(f->ike_version, f->notify_type));
        if (f->notify_type == 14 && f->offered)
            append(buf, len, " (offered: %.200s)", f->offered);
    } else if (!p1_reached(f->ike_state) && has(f, QVPN_FINDING_IKE_REDIRECT)) {
        snprintf(buf, len, "redirected to another gateway (IKEv2 REDIRECT)");
    } else if (!p1_reached(f->ike_state)) {
        p1_incomplete(f, end, buf, len);
    } else if (has(f, QVPN_FINDING_QM_STALL)) {
        snprintf(buf, len, "phase 2 failed: %s but no ESP", qvpn_ike_state_name(f->ike_state));
    } else {
        snprintf(buf, len, "phase 1 up (%s), capture ends before IPsec SAs were agreed",
                 qvpn_ike_state_name(f->ike_state));
    }
}
