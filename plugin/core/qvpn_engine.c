/* qvpn_engine.c — sessions, peer pairs, verdict storage and the feed() dispatcher.
 *
 * A session is one client <-> gateway connection attempt.  Traffic joins the current
 * session of its peer pair; the TCP, IKE and ESP parts decide when a new attempt
 * begins (a login after a teardown, a re-login after a failed IKE, a new Main Mode
 * after a teardown).  Everything here is causal: a verdict depends only on the frame
 * and the ones before it, so one pass gives what two passes give.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "qvpn_engine_int.h"

#define QVPN_BLOCK 4096
#define NS_PER_S   G_GINT64_CONSTANT(1000000000)
#define QVPN_TS_MAX ((G_GINT64_CONSTANT(1) << 62) - 1)

void qvpn_config_init(qvpn_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->ports[0] = 443;
    cfg->ports[1] = 60443;
    cfg->stall_timeout_ns = 10 * NS_PER_S;
    cfg->esp_one_way_pkts = 10;
    cfg->esp_one_way_ns = 5 * NS_PER_S;
    cfg->logout_window_ns = 30 * NS_PER_S;
    cfg->max_sessions = 10000;
}

bool qvpn_addr_eq(const qvpn_addr *x, const qvpn_addr *y)
{
    if (x->len != y->len)
        return false;
    if (x->len == 4) {          /* the common case, without a call to memcmp() */
        uint32_t a, b;
        memcpy(&a, x->bytes, 4);
        memcpy(&b, y->bytes, 4);
        return a == b;
    }
    return memcmp(x->bytes, y->bytes, x->len) == 0;
}

static bool addr_valid(const qvpn_addr *a)
{
    return a->len == 4 || a->len == 16;
}

static int addr_cmp(const qvpn_addr *x, const qvpn_addr *y)
{
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return memcmp(x->bytes, y->bytes, x->len);
}

/* FNV-1a over 32-bit words (then the tail bytes), with a final mix: the pair table
 * is looked up once per ESP frame, so the per-byte loop showed in the profile. */
static guint addr_hash(const qvpn_addr *a)
{
    guint h = 2166136261u ^ a->len, n = MIN(a->len, (guint)sizeof(a->bytes)), i = 0;
    for (; i + 4 <= n; i += 4) {
        uint32_t w;
        memcpy(&w, a->bytes + i, 4);
        h = (h ^ w) * 16777619u;
    }
    for (; i < n; i++)
        h = (h ^ a->bytes[i]) * 16777619u;
    return h ^ (h >> 15);
}

static guint addr_hash_cb(gconstpointer k) { return addr_hash(k); }
static gboolean addr_equal_cb(gconstpointer a, gconstpointer b) { return qvpn_addr_eq(a, b); }

/* --- the pair table ---------------------------------------------------------------
 * Looked up once per frame (every ESP packet), so it is a flat open-addressing table
 * (linear probing, at most half full) rather than a GHashTable: no key to build, no
 * indirect calls, and a slot's stored hash rules most mismatches out without
 * touching the pair.  The hash is symmetric, so either direction finds the pair
 * without putting the addresses in order first.  Pairs are never removed. */
#define PAIR_SLOTS_MIN 64u

static guint32 pair_hash(const qvpn_addr *x, const qvpn_addr *y)
{
    guint32 h = (guint32)addr_hash(x) + (guint32)addr_hash(y);
    h ^= h >> 16;
    h *= 0x45d9f3bu;
    return h ^ (h >> 16);
}

static bool pair_is(const qvpn_pair *p, const qvpn_addr *x, const qvpn_addr *y)
{
    return (qvpn_addr_eq(&p->a, x) && qvpn_addr_eq(&p->b, y)) ||
           (qvpn_addr_eq(&p->a, y) && qvpn_addr_eq(&p->b, x));
}

static void pair_table_init(qvpn_engine *eng, guint32 slots)
{
    eng->pair_slots = g_new0(qvpn_pair *, slots);
    eng->pair_hashes = g_new0(guint32, slots);
    eng->pair_mask = slots - 1;
}

static void pair_table_put(qvpn_engine *eng, qvpn_pair *p, guint32 h)
{
    guint32 i = h & eng->pair_mask;
    while (eng->pair_slots[i] != NULL)
        i = (i + 1) & eng->pair_mask;
    eng->pair_slots[i] = p;
    eng->pair_hashes[i] = h;
}

static void pair_table_grow(qvpn_engine *eng)
{
    qvpn_pair **old = eng->pair_slots;
    guint32 *old_h = eng->pair_hashes, n = eng->pair_mask + 1;

    pair_table_init(eng, n * 2);
    for (guint32 i = 0; i < n; i++)
        if (old[i] != NULL)
            pair_table_put(eng, old[i], old_h[i]);
    g_free(old);
    g_free(old_h);
}

static void pair_table_free(qvpn_engine *eng)
{
    for (guint32 i = 0; i <= eng->pair_mask; i++)
        g_free(eng->pair_slots[i]);
    g_free(eng->pair_slots);
    g_free(eng->pair_hashes);
}

qvpn_engine *qvpn_engine_new(const qvpn_config *cfg)
{
    qvpn_engine *eng = g_new0(qvpn_engine, 1);
    if (cfg)
        eng->cfg = *cfg;
    else
        qvpn_config_init(&eng->cfg);
    if (eng->cfg.max_sessions == 0)
        eng->cfg.max_sessions = 1;
    pair_table_init(eng, PAIR_SLOTS_MIN);
    eng->streams = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, qvpn_tcp_stream_free);
    eng->ike_sas = g_hash_table_new_full(qvpn_ike_key_hash, qvpn_ike_key_equal, NULL, qvpn_ike_sa_free);
    eng->gateways = g_hash_table_new_full(addr_hash_cb, addr_equal_cb, g_free, NULL);
    eng->sessions = g_ptr_array_new_with_free_func(g_free);
    eng->blocks = g_ptr_array_new_with_free_func(g_free);
    eng->block_used = QVPN_BLOCK;
    return eng;
}

void qvpn_engine_free(qvpn_engine *eng)
{
    if (!eng)
        return;
    g_hash_table_destroy(eng->streams);
    g_hash_table_destroy(eng->ike_sas);
    pair_table_free(eng);
    g_hash_table_destroy(eng->gateways);
    g_ptr_array_free(eng->sessions, TRUE);
    g_ptr_array_free(eng->blocks, TRUE);
    g_free(eng);
}

bool qvpn_is_known_gateway(const qvpn_engine *eng, const qvpn_addr *a)
{
    for (size_t i = 0; i < G_N_ELEMENTS(eng->cfg.gateways) && eng->cfg.gateways[i].len; i++)
        if (qvpn_addr_eq(&eng->cfg.gateways[i], a))
            return true;
    return g_hash_table_contains(eng->gateways, a);
}

void qvpn_learn_gateway(qvpn_engine *eng, const qvpn_addr *a)
{
    /* Bounded by the session cap: one gateway per session at most. */
    if (!g_hash_table_contains(eng->gateways, a) &&
        g_hash_table_size(eng->gateways) < eng->cfg.max_sessions) {
        qvpn_addr *k = g_memdup2(a, sizeof(*a));
        g_hash_table_add(eng->gateways, k);
    }
}

qvpn_pair *qvpn_pair_lookup(qvpn_engine *eng, const qvpn_addr *x, const qvpn_addr *y, bool create)
{
    guint32 h = pair_hash(x, y), i = h & eng->pair_mask;

    for (qvpn_pair *p; (p = eng->pair_slots[i]) != NULL; i = (i + 1) & eng->pair_mask)
        if (eng->pair_hashes[i] == h && pair_is(p, x, y))
            return p;
    if (!create || eng->n_pairs >= eng->cfg.max_sessions)
        return NULL;

    qvpn_pair *p = g_new0(qvpn_pair, 1);
    bool swap = addr_cmp(x, y) > 0;
    p->a = swap ? *y : *x;
    p->b = swap ? *x : *y;
    eng->n_pairs++;
    if (eng->n_pairs > (eng->pair_mask + 1) / 2)
        pair_table_grow(eng);           /* then the probe above is stale: put afresh */
    pair_table_put(eng, p, h);
    return p;
}

qvpn_sess *qvpn_session_new(qvpn_ctx *c, qvpn_pair *pair,
                            const qvpn_addr *client, const qvpn_addr *gateway, bool guessed)
{
    qvpn_engine *eng = c->eng;
    if (!pair || eng->sessions->len >= eng->cfg.max_sessions) {
        eng->cap_hit = true;
        if (!eng->cap_reported) {
            eng->cap_reported = true;
            c->v.findings |= 1u << QVPN_FINDING_SESSION_CAP;
        }
        return NULL;
    }
    qvpn_sess *s = g_new0(qvpn_sess, 1);
    s->pub.id = eng->sessions->len + 1;
    s->pub.client = *client;
    s->pub.gateway = *gateway;
    s->pub.roles_guessed = guessed;
    s->pub.tls_only = true;
    s->pub.first_frame = c->obs->frame;
    s->pub.first_ts_ns = c->obs->ts_ns;
    s->pub.time_to_tunnel_ns = -1;
    s->pair = pair;
    pair->current = s;
    g_ptr_array_add(eng->sessions, s);
    return s;
}

void qvpn_finding_set(qvpn_ctx *c, qvpn_finding f)
{
    c->v.findings |= 1u << f;
}

/* This frame answers `request`: link both ways and measure the round trip. */
void qvpn_set_response(qvpn_ctx *c, const qvpn_req *request, qvpn_rtt_kind kind)
{
    if (request->frame == 0)
        return;
    c->v.response_to = request->frame;
    c->v.rtt_kind = kind;
    c->v.rtt_ns = c->obs->ts_ns - request->ts;
    c->answer = request->v;
}

/* This frame is a request (its latest transmission): remember it for the response. */
void qvpn_set_request(qvpn_ctx *c, qvpn_req *slot)
{
    slot->frame = c->obs->frame;
    slot->ts = c->obs->ts_ns;
    slot->v = NULL;
    c->link_slot = &slot->v;
}

static qvpn_verdict *verdict_alloc(qvpn_engine *eng)
{
    if (eng->block_used == QVPN_BLOCK) {
        g_ptr_array_add(eng->blocks, g_new(qvpn_verdict, QVPN_BLOCK));
        eng->block_used = 0;
    }
    qvpn_verdict *blk = g_ptr_array_index(eng->blocks, eng->blocks->len - 1);
    return &blk[eng->block_used++];
}

static bool verdict_shareable(const qvpn_ctx *c)
{
    const qvpn_verdict *v = &c->v;
    return c->sess && !c->link_slot && !c->answer && v->findings == 0 &&
           v->rtt_kind == QVPN_RTT_NONE && v->response_to == 0 && v->retrans_of == 0 &&
           v->time_to_tunnel_ns < 0;
}

/* Featureless frames (ESP, TLS data, ACKs) of one session mostly carry identical
 * verdicts: share them so a long tunnel costs no verdict memory per packet. */
static qvpn_verdict *verdict_store(qvpn_ctx *c)
{
    if (verdict_shareable(c)) {
        guint slot = ((guint)c->v.step * 7u + (guint)c->v.phase * 3u +
                      (guint)c->v.from_client + (guint)c->v.ike_state * 5u) % QVPN_PLAIN_CACHE;
        qvpn_verdict *hit = c->sess->plain[slot];
        if (hit && memcmp(hit, &c->v, sizeof(*hit)) == 0)
            return hit;
        qvpn_verdict *v = verdict_alloc(c->eng);
        memcpy(v, &c->v, sizeof(*v));
        c->sess->plain[slot] = v;
        return v;
    }
    qvpn_verdict *v = verdict_alloc(c->eng);
    memcpy(v, &c->v, sizeof(*v));
    return v;
}

static void ctx_init(qvpn_ctx *c, qvpn_engine *eng, const qvpn_obs *obs)
{
    /* A memcpy() of a zero object, not memset(): at this size memset() compiles to
     * `rep stos`, whose start-up cost is most of a featureless frame's time here.
     * memcpy(), not an assignment, so that the padding is zero too: verdict_store()
     * compares verdicts with memcmp(). */
    static const qvpn_ctx zero_ctx;
    memcpy(c, &zero_ctx, sizeof(*c));
    c->eng = eng;
    c->obs = obs;
    c->v.rtt_ns = -1;
    c->v.time_to_tunnel_ns = -1;
    c->v.gap_ns = -1;
}

const qvpn_verdict *qvpn_engine_feed(qvpn_engine *eng, const qvpn_obs *obs)
{
    qvpn_ctx c;
    bool handled;
    qvpn_obs clamped;

    /* Only IPv4 and IPv6 addresses: a length beyond the 16 bytes would be read past. */
    if (!eng || !obs || !addr_valid(&obs->src) || !addr_valid(&obs->dst))
        return NULL;
    /* Timestamps are clamped to +-146 years around the epoch (pcapng allows any
     * 64-bit time), so that the difference of any two never overflows. */
    if (obs->ts_ns > QVPN_TS_MAX || obs->ts_ns < -QVPN_TS_MAX) {
        clamped = *obs;
        clamped.ts_ns = obs->ts_ns > 0 ? QVPN_TS_MAX : -QVPN_TS_MAX;
        obs = &clamped;
    }
    ctx_init(&c, eng, obs);
    if (obs->ike.present)
        handled = qvpn_ike_feed(&c);
    else if (obs->esp.present)
        handled = qvpn_esp_feed(&c);
    else if (obs->tcp.present)
        handled = qvpn_tcp_feed(&c);
    else if (obs->nat_keepalive)
        handled = qvpn_keepalive_feed(&c);
    else
        handled = false;

    if (!c.sess) {
        /* Only the frame that hit the session cap carries anything. */
        if (!(c.v.findings & (1u << QVPN_FINDING_SESSION_CAP)))
            return NULL;
        return verdict_store(&c);
    }
    if (!handled)
        return NULL;

    qvpn_ike_check_timeouts(&c);
    qvpn_sess *s = c.sess;
    c.v.session = &s->pub;
    s->pub.phases_seen |= (uint8_t)(1u << c.v.phase);
    s->pub.findings |= c.v.findings;
    if (c.answer && c.answer->response_in == 0)
        c.answer->response_in = obs->frame;

    qvpn_verdict *stored = verdict_store(&c);
    if (c.link_slot)
        *c.link_slot = stored;
    return stored;
}

uint32_t qvpn_engine_session_count(const qvpn_engine *eng)
{
    return eng ? eng->sessions->len : 0;
}

const qvpn_session *qvpn_engine_session(const qvpn_engine *eng, uint32_t id)
{
    if (!eng || id == 0 || id > eng->sessions->len)
        return NULL;
    qvpn_sess *s = g_ptr_array_index(eng->sessions, id - 1);
    return &s->pub;
}

bool qvpn_engine_session_cap_hit(const qvpn_engine *eng)
{
    return eng && eng->cap_hit;
}
