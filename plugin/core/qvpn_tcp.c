/* qvpn_tcp.c — TCP streams and the TLS login on them.
 *
 * A stream is followed when it runs to a QuickVPN port (either direction, so a
 * capture that starts mid-stream works) or carries TLS to a known gateway.  Its
 * client is the SYN's sender, else the side away from the QuickVPN port.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "qvpn_evidence.h"
#include "qvpn_addr.h"
#include "qvpn_session.h"
#include "qvpn_trackers.h"

#define BIT(n) (1u << (n))

typedef struct qvpn_stream {
    qvpn_sess *sess;
    qvpn_addr  client;
    uint16_t   cport;
    bool       syn_seen, synack_seen;
    bool       ch_seen, sh_seen;
    bool       tls_seen;
    bool       alert_seen, rst_reported;
    uint8_t    alert_desc;          /* QVPN_ALERT_ENCRYPTED if not visible */
    int64_t    alert_ts;
    qvpn_req   syn;                 /* SYN, answered by SYN/ACK */
    qvpn_req   client_hello;        /* answered by ServerHello */
    qvpn_step  last_step;
} qvpn_stream;

struct qvpn_tcp_tracker {
    GHashTable *streams;            /* k=tcp.stream, v=qvpn_stream* */
};

qvpn_tcp_tracker *qvpn_tcp_new(void)
{
    qvpn_tcp_tracker *t = g_new0(qvpn_tcp_tracker, 1);
    t->streams = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    return t;
}

void qvpn_tcp_free(qvpn_tcp_tracker *t)
{
    if (!t)
        return;
    g_hash_table_destroy(t->streams);
    g_free(t);
}

static bool port_listed(const qvpn_config *cfg, uint16_t port)
{
    for (size_t i = 0; i < G_N_ELEMENTS(cfg->ports) && cfg->ports[i]; i++)
        if (cfg->ports[i] == port)
            return true;
    return false;
}

static bool has_tls(const qvpn_tls_obs *t)
{
    return t->content_types || t->hs_types || t->sslv2;
}

/* Which end is the client, from what this first frame shows. */
static bool src_is_client(const qvpn_ctx *c, const qvpn_obs *o)
{
    uint16_t f = o->tcp.flags;
    if ((f & QVPN_TCP_SYN) && !(f & QVPN_TCP_ACK))
        return true;
    if ((f & QVPN_TCP_SYN) && (f & QVPN_TCP_ACK))
        return false;
    bool to_port = port_listed(c->cfg, o->dport), from_port = port_listed(c->cfg, o->sport);
    if (to_port != from_port)
        return to_port;
    bool to_gw = qvpn_peers_is_gateway(c->peers, &o->dst);
    if (to_gw != qvpn_peers_is_gateway(c->peers, &o->src))
        return to_gw;
    if (o->tls.hs_types & BIT(QVPN_TLS_HS_SERVER_HELLO))
        return false;
    return o->sport >= o->dport;    /* ephemeral port on the client: a guess */
}

static qvpn_stream *stream_open(qvpn_tcp_tracker *t, qvpn_ctx *c)
{
    const qvpn_obs *o = c->obs;
    bool listed = port_listed(c->cfg, o->dport) || port_listed(c->cfg, o->sport);
    bool to_gateway = qvpn_peers_is_gateway(c->peers, &o->dst) ||
                      qvpn_peers_is_gateway(c->peers, &o->src);
    if (!listed && !(to_gateway && has_tls(&o->tls)))
        return NULL;
    if (g_hash_table_size(t->streams) >= 4u * c->cfg->max_sessions)
        return NULL;

    bool cli = src_is_client(c, o);
    const qvpn_addr *client = cli ? &o->src : &o->dst;
    const qvpn_addr *server = cli ? &o->dst : &o->src;
    qvpn_pair *pair = qvpn_peers_pair(c->peers, client, server, true);
    qvpn_sess *s = qvpn_session_join(c, pair, QVPN_JOIN_LOGIN, client, server, false);
    if (!s)
        return NULL;
    qvpn_stream *st = g_new0(qvpn_stream, 1);
    st->sess = s;
    st->client = *client;
    st->cport = cli ? o->sport : o->dport;
    g_hash_table_insert(t->streams, GUINT_TO_POINTER(o->tcp.stream), st);
    return st;
}

static qvpn_step classify_syn(qvpn_ctx *c, qvpn_stream *st)
{
    uint16_t f = c->obs->tcp.flags;
    if (!(f & QVPN_TCP_ACK)) {
        if (!st->syn_seen) {
            st->syn_seen = true;
            qvpn_set_request(c, &st->syn);
        }
    } else if (st->syn_seen && !st->synack_seen && !c->v.from_client) {
        st->synack_seen = true;
        qvpn_set_response(c, &st->syn, QVPN_RTT_TCP);
    }
    return QVPN_STEP_TCP_HANDSHAKE;
}

static qvpn_step classify_alert(qvpn_ctx *c, qvpn_stream *st)
{
    const qvpn_tls_obs *t = &c->obs->tls;
    st->alert_seen = true;
    st->alert_ts = c->obs->ts_ns;
    st->alert_desc = t->alert_level ? t->alert_desc : QVPN_ALERT_ENCRYPTED;
    if (t->alert_level == 2) {      /* fatal and in cleartext: during the handshake */
        qvpn_finding_set(c, QVPN_FINDING_TLS_ALERT);
        c->v.alert_desc = t->alert_desc;
    }
    return QVPN_STEP_TLS_CLOSE;
}

static qvpn_step classify_handshake(qvpn_ctx *c, qvpn_stream *st)
{
    uint32_t hs = c->obs->tls.hs_types;
    if ((hs & BIT(QVPN_TLS_HS_CLIENT_HELLO)) && !st->ch_seen) {
        st->ch_seen = true;
        qvpn_set_request(c, &st->client_hello);
    } else if ((hs & BIT(QVPN_TLS_HS_SERVER_HELLO)) && st->ch_seen && !st->sh_seen) {
        st->sh_seen = true;
        qvpn_set_response(c, &st->client_hello, QVPN_RTT_TLS);
    }
    return QVPN_STEP_TLS_HANDSHAKE;
}

static qvpn_step classify_rst(qvpn_ctx *c, qvpn_stream *st)
{
    if (st->alert_seen && !st->rst_reported) {
        st->rst_reported = true;
        /* After a cleartext fatal alert the reset confirms a failed handshake; after
         * the session's own encrypted close it is an abortive close (a logout). */
        qvpn_finding_set(c, st->alert_desc == QVPN_ALERT_ENCRYPTED ? QVPN_FINDING_RST_AFTER_CLOSE
                                                                   : QVPN_FINDING_RST_AFTER_ALERT);
        c->v.gap_ns = c->obs->ts_ns - st->alert_ts;
        c->v.alert_desc = st->alert_desc;
    }
    return QVPN_STEP_TCP_CLOSE;
}

/* The step of a segment without TLS records: an ACK or a continuation belongs to
 * whatever the stream was doing. */
static qvpn_step classify_plain(const qvpn_ctx *c, const qvpn_stream *st)
{
    if (c->obs->tcp.flags & QVPN_TCP_FIN)
        return QVPN_STEP_TCP_CLOSE;
    if (c->obs->tcp.seg_len > 0 && !st->tls_seen)
        return QVPN_STEP_TCP_DATA;
    return st->last_step ? st->last_step : QVPN_STEP_TCP_HANDSHAKE;
}

static qvpn_step classify(qvpn_ctx *c, qvpn_stream *st)
{
    const qvpn_obs *o = c->obs;
    const qvpn_tls_obs *t = &o->tls;
    uint32_t hs_records = BIT(QVPN_TLS_CT_HANDSHAKE) | BIT(QVPN_TLS_CT_CCS);

    if (o->tcp.flags & QVPN_TCP_RST)
        return classify_rst(c, st);
    if (o->tcp.flags & QVPN_TCP_SYN)
        return classify_syn(c, st);
    if (t->content_types & BIT(QVPN_TLS_CT_ALERT))
        return classify_alert(c, st);
    if ((t->content_types & hs_records) || t->hs_types || t->sslv2)
        return classify_handshake(c, st);
    if (t->content_types & BIT(QVPN_TLS_CT_APPDATA))
        return QVPN_STEP_TLS_DATA;
    return classify_plain(c, st);
}

bool qvpn_tcp_feed(qvpn_tcp_tracker *t, qvpn_ctx *c)
{
    const qvpn_obs *o = c->obs;
    qvpn_stream *st = g_hash_table_lookup(t->streams, GUINT_TO_POINTER(o->tcp.stream));
    if (!st && !(st = stream_open(t, c)))
        return false;

    qvpn_sess *s = st->sess;
    c->sess = s;
    c->v.from_client = qvpn_addr_eq(&o->src, &st->client) && o->sport == st->cport;
    c->v.step = classify(c, st);
    if (has_tls(&o->tls))
        st->tls_seen = true;
    st->last_step = c->v.step;
    if (o->tls.hello.len)
        qvpn_evidence_tls(c);
    c->v.phase = qvpn_session_phase(s, c->v.step);
    return true;
}
