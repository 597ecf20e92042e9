/* qvpn_facts.c — fold a session's verdicts into its facts, and say what happened.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "qvpn_facts.h"

#define BIT(n) (1u << (n))

void qvpn_rec_init(qvpn_rec *r, const qvpn_obs *o, const qvpn_verdict *v)
{
    r->v = v;
    r->frame = o->frame;
    r->rel_ts_ns = o->rel_ts_ns;
    r->sport = o->sport;
    r->dport = o->dport;
    r->udp = !o->tcp.present && (o->sport != 0 || o->dport != 0);
    r->has_spi = o->esp.present;
    r->spi = o->esp.spi;
}

void qvpn_facts_init(qvpn_facts *f)
{
    memset(f, 0, sizeof(*f));
    f->time_to_tunnel_ns = -1;
}

static bool is_ike_step(qvpn_step s)
{
    return s >= QVPN_STEP_IKE_MAIN && s <= QVPN_STEP_IKE_OTHER;
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
        if (c->spi == r->spi && c->from_client == out) {
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
        c->packets = 1;
    }
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
    if (v->findings) {
        f->findings |= v->findings;
        for (int i = 0; i < QVPN_FINDING_COUNT; i++)
            if (v->findings & BIT(i))
                f->finding_count[i]++;
        if (v->findings & BIT(QVPN_FINDING_TLS_ALERT))
            f->alert_desc = v->alert_desc;
    }
    if (v->notify_type)
        f->notify_type = v->notify_type;
    if (v->ike_state != QVPN_IKE_STATE_NONE &&
        (v->ike_state != QVPN_IKE_STATE_LOST || f->ike_state == QVPN_IKE_STATE_NONE))
        f->ike_state = v->ike_state;
    if (is_ike_step(v->step)) {
        f->had_ike = true;
        if (v->ike_version)
            f->ike_version = v->ike_version;
    }
    if (v->sa_agreed)
        f->sa_agreed = true;
    if (v->step == QVPN_STEP_ESP)
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
    case QVPN_IKE_STATE_V2_INIT_DONE:
    case QVPN_IKE_STATE_V2_AUTH_SENT:  return "IKE_AUTH not answered: authentication or lost fragments?";
    default:                           return "phase 1 incomplete";
    }
}

static bool p1_up(qvpn_ike_state st)
{
    return st == QVPN_IKE_STATE_QM_IDLE || st == QVPN_IKE_STATE_V2_READY;
}

void qvpn_facts_verdict(const qvpn_facts *f, char *buf, size_t len)
{
    uint32_t fs = f->findings;
    if (!buf || len == 0)
        return;
    if (f->esp_out && f->esp_in) {
        bool midflow = f->roles_guessed && !(f->phases & BIT(QVPN_PHASE_POLICY));
        snprintf(buf, len, "%s%s", midflow ? "tunnel seen mid-flow" : "connected",
                 (f->phases & BIT(QVPN_PHASE_TEARDOWN)) ? ", torn down" : "");
    } else if (fs & BIT(QVPN_FINDING_ESP_ONE_WAY) || f->esp_out || f->esp_in) {
        snprintf(buf, len, "ESP one way only (%s): return path broken?",
                 f->esp_out ? "encaps only" : "decaps only");
    } else if (fs & BIT(QVPN_FINDING_TLS_ALERT)) {
        snprintf(buf, len, "login refused: TLS alert %s", qvpn_tls_alert_name(f->alert_desc));
    } else if (qvpn_facts_tls_only(f)) {
        snprintf(buf, len, "TLS only: no IKE followed");
    } else if (fs & BIT(QVPN_FINDING_IKE_AUTH_FAILED)) {
        snprintf(buf, len, "IKE_AUTH refused: authentication failed?");
    } else if (fs & BIT(QVPN_FINDING_IKE_NOTIFY)) {
        snprintf(buf, len, "refused by peer: %s", qvpn_notify_name(f->ike_version, f->notify_type));
    } else if (!p1_up(f->ike_state)) {
        snprintf(buf, len, "stalled in %s: %s", qvpn_ike_state_name(f->ike_state),
                 stall_short(f->ike_state));
    } else if (f->sa_agreed) {
        snprintf(buf, len, "IPsec SAs agreed, no ESP seen (no traffic, or ESP not captured)");
    } else {
        snprintf(buf, len, "phase 2 failed: %s but no ESP", qvpn_ike_state_name(f->ike_state));
    }
}
