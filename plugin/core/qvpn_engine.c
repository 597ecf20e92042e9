/* qvpn_engine.c — feed(): the frame goes to its tracker, its verdict is stored and
 * folded into its session's facts.
 *
 * The engine owns the configuration, the peer table, the sessions, the trackers and
 * the verdicts.  Which session a frame joins and its phase are decided in
 * qvpn_session.c; what each protocol means, in the trackers (qvpn_tcp.c,
 * qvpn_ike.c, qvpn_esp.c); what happened in a session, in qvpn_facts.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>
#include <string.h>

#include "qvpn_addr.h"
#include "qvpn_engine.h"
#include "qvpn_evidence.h"
#include "qvpn_facts.h"
#include "qvpn_keys.h"
#include "qvpn_session.h"
#include "qvpn_trackers.h"

#define QVPN_BLOCK 4096
#define NS_PER_S   G_GINT64_CONSTANT(1000000000)
#define QVPN_TIME_LIMIT ((G_GINT64_CONSTANT(1) << 62) - 1)

struct qvpn_engine {
    qvpn_config       cfg;
    qvpn_peers       *peers;
    qvpn_sessions    *sessions;
    qvpn_tcp_tracker *tcp;
    qvpn_ike_tracker *ike;
    qvpn_ev_store    *evs;          /* evidence and its strings */
    GPtrArray        *blocks;       /* verdict storage, QVPN_BLOCK verdicts each */
    guint             block_used;
    int64_t           capture_end;  /* the latest frame.time_relative seen */
    qvpn_rec          rec;          /* the record of the frame fed last */
};

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

qvpn_engine *qvpn_engine_new(const qvpn_config *cfg)
{
    qvpn_engine *eng = g_new0(qvpn_engine, 1);
    if (cfg)
        eng->cfg = *cfg;
    else
        qvpn_config_init(&eng->cfg);
    if (eng->cfg.max_sessions == 0)
        eng->cfg.max_sessions = 1;
    eng->peers = qvpn_peers_new(&eng->cfg);
    eng->sessions = qvpn_sessions_new();
    eng->tcp = qvpn_tcp_new();
    eng->ike = qvpn_ike_new();
    eng->evs = qvpn_ev_store_new();
    eng->blocks = g_ptr_array_new_with_free_func(g_free);
    eng->block_used = QVPN_BLOCK;
    eng->capture_end = -1;
    return eng;
}

void qvpn_engine_free(qvpn_engine *eng)
{
    if (!eng)
        return;
    qvpn_tcp_free(eng->tcp);
    qvpn_ike_free(eng->ike);
    qvpn_ev_store_free(eng->evs);
    qvpn_peers_free(eng->peers);
    qvpn_sessions_free(eng->sessions);
    g_ptr_array_free(eng->blocks, TRUE);
    g_free(eng);
}

static int64_t clamp_ts(int64_t ns)
{
    return ns > QVPN_TIME_LIMIT ? QVPN_TIME_LIMIT : ns < -QVPN_TIME_LIMIT ? -QVPN_TIME_LIMIT : ns;
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
    return c->sess && !c->link_slot && !c->answer && v->findings == 0 && !c->has_ev &&
           v->offer == NULL &&
           v->rtt_kind == QVPN_RTT_NONE && v->response_to == 0 && v->retrans_of == 0 &&
           v->time_to_tunnel_ns < 0;
}

/* Featureless frames (ESP, TLS data, ACKs) of one session mostly carry identical
 * verdicts: share them so a long tunnel costs no verdict memory per packet. */
static qvpn_verdict *verdict_store(qvpn_engine *eng, qvpn_ctx *c)
{
    if (c->has_ev)
        c->v.ev = qvpn_ev_store_keep(eng->evs, &c->ev);
    if (verdict_shareable(c)) {
        guint slot = ((guint)c->v.step * 7u + (guint)c->v.phase * 3u +
                      (guint)c->v.from_client + (guint)c->v.ike_state * 5u) % QVPN_PLAIN_CACHE;
        qvpn_verdict *hit = c->sess->plain[slot];
        if (hit && memcmp(hit, &c->v, sizeof(*hit)) == 0)
            return hit;
        qvpn_verdict *v = verdict_alloc(eng);
        memcpy(v, &c->v, sizeof(*v));
        c->sess->plain[slot] = v;
        return v;
    }
    qvpn_verdict *v = verdict_alloc(eng);
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
    memcpy(c, &zero_ctx, offsetof(qvpn_ctx, ev));  /* ev: cleared on first use */
    c->cfg = &eng->cfg;
    c->peers = eng->peers;
    c->sessions = eng->sessions;
    c->obs = obs;
    c->evs = eng->evs;
    c->v.rtt_ns = -1;
    c->v.time_to_tunnel_ns = -1;
    c->v.gap_ns = -1;
}

static bool dispatch(qvpn_engine *eng, qvpn_ctx *c)
{
    const qvpn_obs *obs = c->obs;
    if (obs->ike.present)
        return qvpn_ike_feed(eng->ike, c);
    if (obs->esp.present)
        return qvpn_esp_feed(c);
    if (obs->tcp.present)
        return qvpn_tcp_feed(eng->tcp, c);
    if (obs->nat_keepalive)
        return qvpn_keepalive_feed(c);
    if (obs->icmp.len)
        return qvpn_icmp_feed(c);
    if (obs->ip_frag.len)
        return qvpn_frag_feed(c);
    return false;
}

const qvpn_verdict *qvpn_engine_feed(qvpn_engine *eng, const qvpn_obs *obs)
{
    qvpn_ctx c;
    qvpn_obs clamped;

    /* Only IPv4 and IPv6 addresses: a length beyond the 16 bytes would be read past. */
    if (!eng || !obs || !qvpn_addr_valid(&obs->src) || !qvpn_addr_valid(&obs->dst))
        return NULL;
    /* Timestamps are clamped to +-146 years around the epoch (pcapng allows any
     * 64-bit time), so that the difference of any two never overflows. */
    if (obs->ts_ns > QVPN_TIME_LIMIT || obs->ts_ns < -QVPN_TIME_LIMIT ||
        obs->rel_ts_ns > QVPN_TIME_LIMIT || obs->rel_ts_ns < -QVPN_TIME_LIMIT) {
        clamped = *obs;
        clamped.ts_ns = clamp_ts(obs->ts_ns);
        clamped.rel_ts_ns = clamp_ts(obs->rel_ts_ns);
        obs = &clamped;
    }
    /* With keys: what the encrypted message holds joins its notifications and payloads
     * before any rule reads them (qvpn_keys.h). */
    qvpn_obs decrypted;
    qvpn_ike_inner inner;
    bool has_inner = obs->ike.present && obs->ike.decrypted.len > 0 &&
                     qvpn_keys_merge(obs, &decrypted, &inner);
    if (has_inner)
        obs = &decrypted;
    ctx_init(&c, eng, obs);
    if (has_inner)
        c.inner = &inner;
    bool handled = dispatch(eng, &c);

    if (!c.sess) {
        /* Only the frame that hit the session cap carries anything. */
        if (!(c.v.findings & QVPN_FINDING_BIT(QVPN_FINDING_SESSION_CAP)))
            return NULL;
        qvpn_verdict *capped = verdict_store(eng, &c);
        qvpn_rec_init(&eng->rec, obs, capped);      /* its record, for the tap */
        return capped;
    }
    if (!handled)
        return NULL;

    qvpn_ike_check_timeouts(&c);
    qvpn_sess *s = c.sess;
    c.v.session = &s->pub;
    if (c.answer && c.answer->response_in == 0)
        c.answer->response_in = obs->frame;

    qvpn_verdict *stored = verdict_store(eng, &c);
    if (c.link_slot)
        *c.link_slot = stored;
    qvpn_rec_init(&eng->rec, obs, stored);
    qvpn_facts_add(&s->facts, &eng->rec);
    qvpn_engine_clock(eng, obs->rel_ts_ns);
    return stored;
}

const qvpn_rec *qvpn_engine_record(const qvpn_engine *eng)
{
    return &eng->rec;
}

uint32_t qvpn_engine_session_count(const qvpn_engine *eng)
{
    return eng ? eng->sessions->all->len : 0;
}

const qvpn_session *qvpn_engine_session(const qvpn_engine *eng, uint32_t id)
{
    if (!eng || id == 0 || id > eng->sessions->all->len)
        return NULL;
    qvpn_sess *s = g_ptr_array_index(eng->sessions->all, id - 1);
    return &s->pub;
}

bool qvpn_engine_session_cap_hit(const qvpn_engine *eng)
{
    return eng && eng->sessions->cap_hit;
}

void qvpn_engine_clock(qvpn_engine *eng, int64_t rel_ts_ns)
{
    rel_ts_ns = clamp_ts(rel_ts_ns);
    if (eng && rel_ts_ns > eng->capture_end)
        eng->capture_end = rel_ts_ns;
}

int64_t qvpn_engine_capture_end(const qvpn_engine *eng)
{
    return eng ? eng->capture_end : -1;
}

void qvpn_engine_summary(const qvpn_engine *eng, const qvpn_session *s, char *buf, size_t len)
{
    qvpn_facts_verdict(s->facts, qvpn_engine_capture_end(eng), buf, len);
}
