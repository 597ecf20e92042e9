/* qvpn_esp.c — ESP on the tunnel (encaps/decaps each way) and NAT-T keepalives.
 *
 * Quick Mode is encrypted, so the SPIs it agreed are not visible: ESP joins the
 * current session of its peer pair.  ESP with no session before it means the
 * capture started mid-tunnel; the first sender is then taken as the client unless
 * it is a known gateway.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qvpn_engine_int.h"

static bool spi_index(const qvpn_sess *s, uint32_t spi, unsigned *idx)
{
    for (unsigned i = 0; i < s->n_spis; i++) {
        if (s->spis[i] == spi) {
            *idx = i;
            return true;
        }
    }
    return false;
}

static qvpn_sess *esp_session(qvpn_ctx *c)
{
    const qvpn_obs *o = c->obs;
    qvpn_pair *pair = qvpn_pair_lookup(c->eng, &o->src, &o->dst, true);
    if (pair && pair->current)
        return pair->current;
    bool src_gw = qvpn_is_known_gateway(c->eng, &o->src);
    return qvpn_session_new(c, pair, src_gw ? &o->dst : &o->src,
                            src_gw ? &o->src : &o->dst, true);
}

/* A teardown that ESP on an SA of before it contradicts was a keepalive. */
static void track_spi(qvpn_sess *s, uint32_t spi)
{
    unsigned idx;
    bool known = spi_index(s, spi, &idx);
    if (!known && s->n_spis < QVPN_MAX_SPIS_PER_SESSION)
        s->spis[s->n_spis++] = spi;
    if (s->teardown && known && idx < s->n_spis_before_teardown)
        s->teardown = false;
}

static void count_direction(qvpn_ctx *c, qvpn_sess *s)
{
    int64_t now = c->obs->ts_ns;
    if (c->v.from_client) {
        if (s->pub.esp_out++ == 0)
            s->first_out_ts = now;
    } else {
        if (s->pub.esp_in++ == 0)
            s->first_in_ts = now;
    }
    if (!s->tunnel_up && s->pub.esp_out && s->pub.esp_in) {
        s->tunnel_up = true;
        qvpn_finding_set(c, QVPN_FINDING_TUNNEL_UP);
        c->v.esp_count = c->v.from_client ? s->pub.esp_out : s->pub.esp_in;
        if (s->had_ike) {
            c->v.time_to_tunnel_ns = now - s->first_ike_ts;
            s->pub.time_to_tunnel_ns = c->v.time_to_tunnel_ns;
        }
    }
}

/* Encaps rising while decaps stay 0, long enough not to be a tunnel coming up. */
static void check_one_way(qvpn_ctx *c, qvpn_sess *s)
{
    const qvpn_config *cfg = &c->eng->cfg;
    if (s->tunnel_up || s->one_way_reported)
        return;
    uint32_t n = c->v.from_client ? s->pub.esp_out : s->pub.esp_in;
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
    s->pub.tls_only = false;
    c->v.from_client = qvpn_addr_eq(&c->obs->src, &s->pub.client);
    c->v.step = QVPN_STEP_ESP;
    track_spi(s, c->obs->esp.spi);
    s->esp_seen = true;
    count_direction(c, s);
    check_one_way(c, s);
    c->v.phase = s->teardown ? QVPN_PHASE_TEARDOWN : QVPN_PHASE_NETWORK;
    return true;
}

bool qvpn_keepalive_feed(qvpn_ctx *c)
{
    const qvpn_obs *o = c->obs;
    qvpn_pair *pair = qvpn_pair_lookup(c->eng, &o->src, &o->dst, false);
    qvpn_sess *s = pair ? pair->current : NULL;
    if (!s)
        return false;
    c->sess = s;
    c->v.from_client = qvpn_addr_eq(&o->src, &s->pub.client);
    c->v.step = QVPN_STEP_NAT_KEEPALIVE;
    c->v.phase = s->teardown ? QVPN_PHASE_TEARDOWN
               : s->esp_seen ? QVPN_PHASE_NETWORK : QVPN_PHASE_POLICY;
    return true;
}
