/* qvpn_esp.c — ESP on the tunnel (encaps/decaps each way) and NAT-T keepalives.
 *
 * AH (IP 51) protects a tunnel as ESP does, without encrypting it: counted alike.
 * Quick Mode is encrypted, so the SPIs it agreed are not visible: ESP joins the
 * current session of its peer pair.  ESP with no session before it means the
 * capture started mid-tunnel; the first sender is then taken as the client unless
 * it is a known gateway.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qvpn_addr.h"
#include "qvpn_evidence.h"
#include "qvpn_keys.h"
#include "qvpn_session.h"
#include "qvpn_trackers.h"

/* With keys: the session whose phase 2 created this SPI (two IKE SAs between the same
 * peers each keep their own tunnels). */
static qvpn_sess *spi_owner(qvpn_ctx *c)
{
    const qvpn_obs *o = c->obs;
    qvpn_sess *s = g_hash_table_lookup(c->sessions->by_spi, GUINT_TO_POINTER(o->esp.spi));
    if (s == NULL)
        return NULL;
    bool fwd = qvpn_addr_eq(&o->src, &s->pub.client) && qvpn_addr_eq(&o->dst, &s->pub.gateway);
    bool rev = qvpn_addr_eq(&o->dst, &s->pub.client) && qvpn_addr_eq(&o->src, &s->pub.gateway);
    return fwd || rev ? s : NULL;
}

static qvpn_sess *esp_session(qvpn_ctx *c)
{
    const qvpn_obs *o = c->obs;
    qvpn_sess *owner = c->sessions->by_spi ? spi_owner(c) : NULL;
    if (owner)
        return owner;
    qvpn_pair *pair = qvpn_peers_pair(c->peers, &o->src, &o->dst, true);
    /* Roles matter only to a new session: spare every packet of a tunnel the lookup. */
    bool src_gw = !(pair && pair->current) && qvpn_peers_is_gateway(c->peers, &o->src);
    return qvpn_session_join(c, pair, QVPN_JOIN_ESP, src_gw ? &o->dst : &o->src,
                             src_gw ? &o->src : &o->dst, true);
}

static void count_direction(qvpn_ctx *c, qvpn_sess *s)
{
    int64_t now = c->obs->ts_ns;
    if (c->v.from_client) {
        if (s->esp_out++ == 0)
            s->first_out_ts = now;
    } else {
        if (s->esp_in++ == 0)
            s->first_in_ts = now;
    }
    if (!s->tunnel_up && s->esp_out && s->esp_in) {
        s->tunnel_up = true;
        qvpn_finding_set(c, QVPN_FINDING_TUNNEL_UP);
        c->v.esp_count = c->v.from_client ? s->esp_out : s->esp_in;
        if (s->had_ike)
            c->v.time_to_tunnel_ns = now - (s->p1_done ? s->tunnel_from_ts : s->first_ike_ts);
    }
}

/* Encaps rising while decaps stay 0, long enough not to be a tunnel coming up. */
static void check_one_way(qvpn_ctx *c, qvpn_sess *s)
{
    const qvpn_config *cfg = c->cfg;
    if (s->tunnel_up || s->one_way_reported)
        return;
    uint32_t n = c->v.from_client ? s->esp_out : s->esp_in;
    int64_t first = c->v.from_client ? s->first_out_ts : s->first_in_ts;
    if (n >= cfg->esp_one_way_pkts && c->obs->ts_ns - first >= cfg->esp_one_way_ns) {
        s->one_way_reported = true;
        qvpn_finding_set(c, QVPN_FINDING_ESP_ONE_WAY);
        c->v.esp_count = n;
        c->v.gap_ns = c->obs->ts_ns - first;
    }
}

bool qvpn_esp_feed(qvpn_ctx *c)
{
    qvpn_sess *s = esp_session(c);
    if (!s)
        return false;
    c->sess = s;
    c->v.from_client = qvpn_addr_eq(&c->obs->src, &s->pub.client);
    c->v.step = c->obs->esp.ah ? QVPN_STEP_AH : QVPN_STEP_ESP;
    qvpn_session_esp(s, c->obs->esp.spi, c->obs->ts_ns);
    count_direction(c, s);
    check_one_way(c, s);
    qvpn_evidence_esp(c);
    if (s->ev.n_child || c->obs->esp.inner.len)     /* only with keys: no call otherwise */
        qvpn_keys_esp(c);
    c->v.phase = qvpn_session_phase(s, c->v.step);
    return true;
}

bool qvpn_keepalive_feed(qvpn_ctx *c)
{
    const qvpn_obs *o = c->obs;
    qvpn_pair *pair = qvpn_peers_pair(c->peers, &o->src, &o->dst, false);
    qvpn_sess *s = qvpn_session_join(c, pair, QVPN_JOIN_KEEPALIVE, &o->src, &o->dst, false);
    if (!s)
        return false;
    c->sess = s;
    c->v.from_client = qvpn_addr_eq(&o->src, &s->pub.client);
    c->v.step = QVPN_STEP_NAT_KEEPALIVE;
    qvpn_evidence_keepalive(c);
    c->v.phase = qvpn_session_phase(s, c->v.step);
    return true;
}
