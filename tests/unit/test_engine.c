/* test_engine.c — unit tests of the qvpn correlation engine (GLib g_test).
 *
 * Frames are built with small helpers that fill a qvpn_obs the way the epan glue
 * does; times are seconds as in a capture's packet list.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>

#include "qvpn_engine.h"
#include "qvpn_facts.h"

#define CLIENT 1
#define GATEWAY 2
#define BIT(f) (1u << (f))

typedef struct fixture {
    qvpn_engine *eng;
    qvpn_config  cfg;
    uint32_t     frame;
    GArray      *recs;          /* qvpn_rec of every verdict returned, in order */
} fixture;

/* Feed one frame, keeping its record: fx_teardown() checks that each session's facts
 * are the fold of the verdicts the engine returned, and nothing else. */
static const qvpn_verdict *feed(fixture *fx, const qvpn_obs *o)
{
    const qvpn_verdict *v = qvpn_engine_feed(fx->eng, o);
    if (v != NULL && v->session != NULL) {
        qvpn_rec r = *qvpn_engine_record(fx->eng);
        g_assert_true(r.v == v && r.frame == o->frame);
        g_array_append_val(fx->recs, r);
    }
    return v;
}

static qvpn_addr ip4(int who)
{
    qvpn_addr a = { .len = 4 };
    static const uint8_t hosts[][4] = {
        { 0, 0, 0, 0 }, { 213, 16, 33, 141 }, { 79, 189, 214, 86 }, { 10, 0, 0, 3 },
        { 10, 0, 0, 4 }, { 10, 0, 0, 5 },
    };
    memcpy(a.bytes, hosts[who], 4);
    return a;
}

static qvpn_obs base(fixture *fx, double t, int src, int dst, uint16_t sport, uint16_t dport)
{
    qvpn_obs o;
    memset(&o, 0, sizeof(o));
    o.frame = ++fx->frame;
    o.ts_ns = (int64_t)(t * 1e9 + 0.5);
    o.rel_ts_ns = o.ts_ns;
    o.src = ip4(src);
    o.dst = ip4(dst);
    o.sport = sport;
    o.dport = dport;
    return o;
}

static const qvpn_verdict *tcp(fixture *fx, double t, int src, int dst, uint16_t sp,
                               uint16_t dp, uint16_t flags, uint32_t len, uint32_t ct,
                               uint32_t hs)
{
    qvpn_obs o = base(fx, t, src, dst, sp, dp);
    o.tcp.present = true;
    o.tcp.stream = (uint32_t)(src == CLIENT ? sp : dp);   /* one stream per client port */
    o.tcp.flags = flags;
    o.tcp.seg_len = len;
    o.tls.content_types = ct;
    o.tls.hs_types = hs;
    return feed(fx, &o);
}

static const qvpn_verdict *alert(fixture *fx, double t, int src, int dst, uint16_t sp,
                                 uint16_t dp, uint8_t level, uint8_t desc)
{
    qvpn_obs o = base(fx, t, src, dst, sp, dp);
    o.tcp.present = true;
    o.tcp.stream = (uint32_t)(src == CLIENT ? sp : dp);
    o.tcp.flags = QVPN_TCP_ACK | QVPN_TCP_PSH;
    o.tcp.seg_len = 29;
    o.tls.content_types = BIT(QVPN_TLS_CT_ALERT);
    o.tls.alert_level = level;
    o.tls.alert_desc = desc;
    return feed(fx, &o);
}

static const qvpn_verdict *ike(fixture *fx, double t, int src, int dst, uint8_t exch,
                               uint8_t cookie, bool rspi, uint32_t msgid, uint8_t flags,
                               uint64_t payloads)
{
    qvpn_obs o = base(fx, t, src, dst, 500, 500);
    o.ike.present = true;
    o.ike.version = exch >= 34 ? 2 : 1;
    o.ike.exch = exch;
    o.ike.flags = flags;
    memset(o.ike.ispi, cookie, 8);
    if (rspi)
        memset(o.ike.rspi, cookie + 1, 8);
    o.ike.msgid = msgid;
    o.ike.payloads = payloads;
    return feed(fx, &o);
}

static const qvpn_verdict *notify(fixture *fx, double t, int src, int dst, uint8_t cookie,
                                  uint16_t type)
{
    qvpn_obs o = base(fx, t, src, dst, 500, 500);
    o.ike.present = true;
    o.ike.version = 1;
    o.ike.exch = QVPN_IKE_EXCH_INFO_V1;
    memset(o.ike.ispi, cookie, 8);
    memset(o.ike.rspi, cookie + 1, 8);
    o.ike.msgid = 0x1234;
    o.ike.payloads = (uint64_t)1 << QVPN_IKE_PL_NOTIFY;
    o.ike.notify[0] = type;
    o.ike.n_notify = 1;
    return feed(fx, &o);
}

static const qvpn_verdict *esp(fixture *fx, double t, int src, int dst, uint32_t spi)
{
    qvpn_obs o = base(fx, t, src, dst, 0, 0);
    o.esp.present = true;
    o.esp.spi = spi;
    o.esp.seq = fx->frame;
    return feed(fx, &o);
}

#define PL(x) ((uint64_t)1 << QVPN_IKE_PL_##x)
#define ENC QVPN_IKE_FLAG_V1_ENCRYPTED
#define MM QVPN_IKE_EXCH_MAIN_MODE
#define SYN QVPN_TCP_SYN
#define ACK QVPN_TCP_ACK
#define CT(x) BIT(QVPN_TLS_CT_##x)
#define HS(x) BIT(QVPN_TLS_HS_##x)

/* The engine of the running test, for assert_summary(). */
static const qvpn_engine *current_engine;

static void fx_setup(fixture *fx, gconstpointer data)
{
    (void)data;
    qvpn_config_init(&fx->cfg);
    fx->eng = qvpn_engine_new(&fx->cfg);
    current_engine = fx->eng;
    fx->frame = 0;
    fx->recs = g_array_new(FALSE, FALSE, sizeof(qvpn_rec));
}

/* One truth: the engine's facts of every session equal the fold of its verdicts. */
static void assert_facts_are_the_fold(fixture *fx)
{
    uint32_t n = qvpn_engine_session_count(fx->eng);
    qvpn_facts *fold = g_new(qvpn_facts, n + 1);
    for (uint32_t id = 1; id <= n; id++)
        qvpn_facts_init(&fold[id], fx->cfg.stall_timeout_ns);
    for (guint i = 0; i < fx->recs->len; i++) {
        const qvpn_rec *r = &g_array_index(fx->recs, qvpn_rec, i);
        g_assert_cmpuint(r->v->session->id, <=, n);
        qvpn_facts_add(&fold[r->v->session->id], r);
    }
    for (uint32_t id = 1; id <= n; id++) {
        const qvpn_session *s = qvpn_engine_session(fx->eng, id);
        char a[160], b[160];
        qvpn_engine_summary(fx->eng, s, a, sizeof(a));
        qvpn_facts_verdict(&fold[id], qvpn_engine_capture_end(fx->eng), b, sizeof(b));
        g_assert_cmpstr(a, ==, b);
        g_assert_true(memcmp(s->facts, &fold[id], sizeof(qvpn_facts)) == 0);
    }
    g_free(fold);
}

static void fx_teardown(fixture *fx, gconstpointer data)
{
    (void)data;
    assert_facts_are_the_fold(fx);
    g_array_free(fx->recs, TRUE);
    qvpn_engine_free(fx->eng);
}

static void assert_rtt(const qvpn_verdict *v, qvpn_rtt_kind kind, int64_t us)
{
    g_assert_nonnull(v);
    g_assert_cmpint(v->rtt_kind, ==, kind);
    g_assert_cmpint((v->rtt_ns + 500) / 1000, ==, us);
}

static void assert_describes(const qvpn_verdict *v, qvpn_finding f, const char *in_obs,
                             const char *in_inf)
{
    char obs[256], inf[256];
    qvpn_finding_describe(v, f, obs, sizeof(obs), inf, sizeof(inf));
    if (in_obs)
        g_assert_nonnull(strstr(obs, in_obs));
    if (in_inf)
        g_assert_nonnull(strstr(inf, in_inf));
}

static void assert_summary(const qvpn_session *s, const char *want)
{
    char buf[160];
    qvpn_engine_summary(current_engine, s, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, want);
}

/* A full Main Mode from the client, times as in the reference capture. */
static void main_mode(fixture *fx, double t0, uint8_t cookie, const qvpn_verdict *out[6])
{
    out[0] = ike(fx, t0, CLIENT, GATEWAY, MM, cookie, false, 0, 0, PL(SA) | PL(VID));
    out[1] = ike(fx, t0 + 0.097437, GATEWAY, CLIENT, MM, cookie, true, 0, 0, PL(SA) | PL(VID));
    out[2] = ike(fx, t0 + 0.108313, CLIENT, GATEWAY, MM, cookie, true, 0, 0,
                 PL(KE) | PL(NONCE) | PL(NATD));
    out[3] = ike(fx, t0 + 0.594743, GATEWAY, CLIENT, MM, cookie, true, 0, 0,
                 PL(KE) | PL(NONCE) | PL(NATD));
    out[4] = ike(fx, t0 + 0.598713, CLIENT, GATEWAY, MM, cookie, true, 0, ENC, 0);
    out[5] = ike(fx, t0 + 0.700189, GATEWAY, CLIENT, MM, cookie, true, 0, ENC, 0);
}

/* The login TLS session: SYN .. ServerHello .. alerts, FIN, gateway RST. */
static void login(fixture *fx, double t0, uint16_t port, const qvpn_verdict *out[10])
{
    out[0] = tcp(fx, t0, CLIENT, GATEWAY, port, 443, SYN, 0, 0, 0);
    out[1] = tcp(fx, t0 + 0.090260, GATEWAY, CLIENT, 443, port, SYN | ACK, 0, 0, 0);
    out[2] = tcp(fx, t0 + 0.090297, CLIENT, GATEWAY, port, 443, ACK, 0, 0, 0);
    out[3] = tcp(fx, t0 + 0.090593, CLIENT, GATEWAY, port, 443, ACK, 124, 0, HS(CLIENT_HELLO));
    out[4] = tcp(fx, t0 + 0.215174, GATEWAY, CLIENT, 443, port, ACK, 727, CT(HANDSHAKE),
                 HS(SERVER_HELLO) | HS(CERTIFICATE) | HS(SERVER_DONE));
    out[5] = tcp(fx, t0 + 0.3, CLIENT, GATEWAY, port, 443, ACK, 200, CT(APPDATA), 0);
    out[6] = alert(fx, t0 + 5.0, GATEWAY, CLIENT, 443, port, 0, 0);
    out[7] = alert(fx, t0 + 5.0001, CLIENT, GATEWAY, port, 443, 0, 0);
    out[8] = tcp(fx, t0 + 5.0002, CLIENT, GATEWAY, port, 443, QVPN_TCP_FIN | ACK, 0, 0, 0);
    out[9] = tcp(fx, t0 + 5.09, GATEWAY, CLIENT, 443, port, QVPN_TCP_RST, 0, 0, 0);
}

static void test_reference_flow(fixture *fx, gconstpointer data)
{
    const qvpn_verdict *l[10], *m[6], *v;
    (void)data;
    login(fx, 20.0, 3859, l);
    for (int i = 0; i < 10; i++) {
        g_assert_nonnull(l[i]);
        g_assert_cmpint(l[i]->phase, ==, QVPN_PHASE_CONNECTION);
        g_assert_cmpuint(l[i]->session->id, ==, 1);
    }
    assert_rtt(l[1], QVPN_RTT_TCP, 90260);
    g_assert_cmpuint(l[1]->response_to, ==, 1);
    g_assert_cmpuint(l[0]->response_in, ==, 2);
    assert_rtt(l[4], QVPN_RTT_TLS, 124581);
    g_assert_cmpint(l[2]->step, ==, QVPN_STEP_TCP_HANDSHAKE);
    g_assert_cmpint(l[5]->step, ==, QVPN_STEP_TLS_DATA);
    g_assert_cmpint(l[6]->step, ==, QVPN_STEP_TLS_CLOSE);
    g_assert_cmpuint(l[9]->findings, ==, BIT(QVPN_FINDING_RST_AFTER_CLOSE));
    g_assert_cmpint(l[9]->alert_desc, ==, QVPN_ALERT_ENCRYPTED);
    g_assert_true(qvpn_facts_tls_only(l[1]->session->facts));

    main_mode(fx, 36.003017, 0xa1, m);
    static const qvpn_ike_state states[6] = {
        QVPN_IKE_STATE_MM_NO_STATE, QVPN_IKE_STATE_MM_SA_SETUP, QVPN_IKE_STATE_MM_SA_SETUP,
        QVPN_IKE_STATE_MM_KEY_EXCH, QVPN_IKE_STATE_MM_KEY_EXCH, QVPN_IKE_STATE_QM_IDLE };
    for (int i = 0; i < 6; i++) {
        g_assert_cmpint(m[i]->phase, ==, QVPN_PHASE_POLICY);
        g_assert_cmpint(m[i]->ike_state, ==, states[i]);
        g_assert_cmpint(m[i]->ike_msg, ==, QVPN_IKE_MSG_MM1 + i);
        g_assert_cmpuint(m[i]->findings, ==, 0);
        g_assert_cmpuint(m[i]->session->id, ==, 1);
    }
    assert_rtt(m[1], QVPN_RTT_MM12, 97437);
    assert_rtt(m[3], QVPN_RTT_MM34, 486430);
    assert_rtt(m[5], QVPN_RTT_MM56, 101476);
    g_assert_false(qvpn_facts_tls_only(m[0]->session->facts));

    const qvpn_verdict *qm1 = ike(fx, 36.714256, CLIENT, GATEWAY, QVPN_IKE_EXCH_QUICK_MODE, 0xa1,
                                  true, 0x55, ENC, 0);
    const qvpn_verdict *qm2 = ike(fx, 37.279513, GATEWAY, CLIENT, QVPN_IKE_EXCH_QUICK_MODE, 0xa1,
                                  true, 0x55, ENC, 0);
    assert_rtt(qm2, QVPN_RTT_QM12, 565257);
    g_assert_cmpint(qm1->ike_msg, ==, QVPN_IKE_MSG_QM1);
    /* ESP before QM3, as in frame 167. */
    v = esp(fx, 37.283580, CLIENT, GATEWAY, 0x8316d0a3);
    g_assert_cmpint(v->phase, ==, QVPN_PHASE_NETWORK);
    g_assert_cmpuint(v->findings, ==, 0);
    v = ike(fx, 37.283761, CLIENT, GATEWAY, QVPN_IKE_EXCH_QUICK_MODE, 0xa1, true, 0x55, ENC, 0);
    g_assert_cmpint(v->phase, ==, QVPN_PHASE_POLICY);
    g_assert_cmpint(v->ike_msg, ==, QVPN_IKE_MSG_QM3);
    g_assert_cmpint(v->ike_state, ==, QVPN_IKE_STATE_QM_IDLE);
    g_assert_cmpuint(v->findings, ==, 0);

    v = esp(fx, 48.111271, CLIENT, GATEWAY, 0x8316d0a3);
    g_assert_cmpuint(v->findings, ==, 0);
    v = esp(fx, 48.233459, GATEWAY, CLIENT, 0x2b28e6ae);
    g_assert_cmpuint(v->findings, ==, BIT(QVPN_FINDING_TUNNEL_UP));
    g_assert_cmpint((v->time_to_tunnel_ns + 500) / 1000, ==, 12230442);

    /* The client's deletes, as frames 224 and 225: the IPsec SAs, then the ISAKMP SA.
     * One encrypted Informational could be a DPD; the second in a row is the end. */
    v = ike(fx, 51.775102, CLIENT, GATEWAY, QVPN_IKE_EXCH_INFO_V1, 0xa1, true, 0x77, ENC, 0);
    g_assert_cmpint(v->phase, ==, QVPN_PHASE_POLICY);
    g_assert_cmpint(v->step, ==, QVPN_STEP_IKE_INFO);
    v = ike(fx, 51.775600, CLIENT, GATEWAY, QVPN_IKE_EXCH_INFO_V1, 0xa1, true, 0x78, ENC, 0);
    g_assert_cmpint(v->phase, ==, QVPN_PHASE_TEARDOWN);
    /* The logout TLS session right after belongs to the teardown, same session. */
    v = tcp(fx, 51.834637, CLIENT, GATEWAY, 3862, 443, SYN, 0, 0, 0);
    g_assert_cmpint(v->phase, ==, QVPN_PHASE_TEARDOWN);
    g_assert_cmpuint(v->session->id, ==, 1);
    v = tcp(fx, 51.924897, GATEWAY, CLIENT, 443, 3862, SYN | ACK, 0, 0, 0);
    assert_rtt(v, QVPN_RTT_TCP, 90260);
    g_assert_cmpint(v->phase, ==, QVPN_PHASE_TEARDOWN);

    const qvpn_session *s = qvpn_engine_session(fx->eng, 1);
    g_assert_cmpuint(qvpn_engine_session_count(fx->eng), ==, 1);
    g_assert_cmpuint(s->facts->esp_out, ==, 2);
    g_assert_cmpuint(s->facts->esp_in, ==, 1);
    g_assert_cmpint(s->facts->ike_state, ==, QVPN_IKE_STATE_QM_IDLE);
    assert_summary(s, "connected, torn down");
}

static void test_mm5_retransmit(fixture *fx, gconstpointer data)
{
    const qvpn_verdict *m[6];
    (void)data;
    m[0] = ike(fx, 1.0, CLIENT, GATEWAY, MM, 0x10, false, 0, 0, PL(SA));
    m[1] = ike(fx, 1.05, GATEWAY, CLIENT, MM, 0x10, true, 0, 0, PL(SA));
    m[2] = ike(fx, 1.06, CLIENT, GATEWAY, MM, 0x10, true, 0, 0, PL(KE));
    m[3] = ike(fx, 1.2, GATEWAY, CLIENT, MM, 0x10, true, 0, 0, PL(KE));
    m[4] = ike(fx, 1.21, CLIENT, GATEWAY, MM, 0x10, true, 0, ENC, 0);
    g_assert_cmpuint(m[4]->findings, ==, 0);
    /* One resend: an answer may still come in ordinary time. */
    const qvpn_verdict *r = ike(fx, 6.21, CLIENT, GATEWAY, MM, 0x10, true, 0, ENC, 0);
    g_assert_cmpint(r->ike_msg, ==, QVPN_IKE_MSG_MM5);
    g_assert_cmpuint(r->findings, ==, BIT(QVPN_FINDING_IKE_RETRANSMISSION));
    g_assert_cmpuint(r->retrans_of, ==, 5);
    g_assert_cmpint(r->ike_state, ==, QVPN_IKE_STATE_MM_KEY_EXCH);
    assert_describes(r, QVPN_FINDING_IKE_RETRANSMISSION, "frame 5", NULL);
    assert_summary(r->session, "capture ends in MM_KEY_EXCH, 0.000 s after the last IKE "
                               "message (MM5, frame 6)");

    /* The second resend, 10 s after the first MM5: the stall. */
    r = ike(fx, 11.21, CLIENT, GATEWAY, MM, 0x10, true, 0, ENC, 0);
    g_assert_cmpuint(r->findings, ==,
                     BIT(QVPN_FINDING_IKE_RETRANSMISSION) | BIT(QVPN_FINDING_MM_STALL));
    g_assert_cmpint(r->stall_state, ==, QVPN_IKE_STATE_MM_KEY_EXCH);
    assert_describes(r, QVPN_FINDING_MM_STALL, "MM5 sent 3 times over 10.0 s in MM_KEY_EXCH",
                     "pre-shared keys");
    assert_summary(r->session, "stalled in MM_KEY_EXCH: pre-shared key mismatch?");
}

/* The capture saw each packet twice (a SPAN port): duplicates are not retransmissions. */
static void test_duplicate_frames(fixture *fx, gconstpointer data)
{
    const qvpn_verdict *v;
    (void)data;
    ike(fx, 1.0, CLIENT, GATEWAY, MM, 0x18, false, 0, 0, PL(SA));
    v = ike(fx, 1.0, CLIENT, GATEWAY, MM, 0x18, false, 0, 0, PL(SA));
    g_assert_cmpuint(v->findings, ==, 0);
    g_assert_cmpuint(v->retrans_of, ==, 1);
    ike(fx, 1.05, GATEWAY, CLIENT, MM, 0x18, true, 0, 0, PL(SA));
    v = ike(fx, 1.0502, GATEWAY, CLIENT, MM, 0x18, true, 0, 0, PL(SA));
    g_assert_cmpuint(v->findings, ==, 0);
    g_assert_cmpint(v->ike_msg, ==, QVPN_IKE_MSG_MM2);
    v = ike(fx, 1.06, CLIENT, GATEWAY, MM, 0x18, true, 0, 0, PL(KE));
    g_assert_cmpint(v->ike_msg, ==, QVPN_IKE_MSG_MM3);
    /* A real retransmission two seconds later still counts. */
    v = ike(fx, 3.06, CLIENT, GATEWAY, MM, 0x18, true, 0, 0, PL(KE));
    g_assert_cmpuint(v->findings, ==, BIT(QVPN_FINDING_IKE_RETRANSMISSION));
    g_assert_cmpuint(v->retrans_of, ==, 5);
    g_assert_cmpuint(v->sends, ==, 2);
}

static void test_mm1_no_answer(fixture *fx, gconstpointer data)
{
    (void)data;
    const qvpn_verdict *v = ike(fx, 0.0, CLIENT, GATEWAY, MM, 0x20, false, 0, 0, PL(SA));
    g_assert_cmpint(v->ike_state, ==, QVPN_IKE_STATE_MM_NO_STATE);
    v = ike(fx, 2.0, CLIENT, GATEWAY, MM, 0x20, false, 0, 0, PL(SA));
    g_assert_false(v->findings & BIT(QVPN_FINDING_MM_STALL));
    v = ike(fx, 6.0, CLIENT, GATEWAY, MM, 0x20, false, 0, 0, PL(SA));
    g_assert_true(v->findings & BIT(QVPN_FINDING_MM_STALL));
    g_assert_cmpint(v->stall_state, ==, QVPN_IKE_STATE_MM_NO_STATE);
    g_assert_cmpint(v->ike_msg, ==, QVPN_IKE_MSG_MM1);
    g_assert_cmpint(v->rtt_kind, ==, QVPN_RTT_NONE);
    assert_describes(v, QVPN_FINDING_MM_STALL, NULL, "UDP 500 blocked");
    /* The late answer still links to the latest MM1 and measures from it. */
    v = ike(fx, 6.1, GATEWAY, CLIENT, MM, 0x20, true, 0, 0, PL(SA));
    g_assert_cmpuint(v->response_to, ==, 3);
    assert_rtt(v, QVPN_RTT_MM12, 100000);
    /* The responder repeating MM2 is an answer, never a stall. */
    for (int i = 0; i < 4; i++) {
        v = ike(fx, 8.1 + 2 * i, GATEWAY, CLIENT, MM, 0x20, true, 0, 0, PL(SA));
        g_assert_cmpuint(v->findings, ==, BIT(QVPN_FINDING_IKE_RETRANSMISSION));
    }
}

static void test_stall_by_timeout(fixture *fx, gconstpointer data)
{
    (void)data;
    ike(fx, 0.0, CLIENT, GATEWAY, MM, 0x30, false, 0, 0, PL(SA));
    ike(fx, 0.1, GATEWAY, CLIENT, MM, 0x30, true, 0, 0, PL(SA));
    /* Nothing for 12 s, then a NAT keepalive-like frame of the session: a NAT-T
     * keepalive needs a session, which exists. */
    qvpn_obs o = base(fx, 12.5, CLIENT, GATEWAY, 4500, 4500);
    o.nat_keepalive = true;
    const qvpn_verdict *v = feed(fx, &o);
    g_assert_nonnull(v);
    g_assert_cmpint(v->step, ==, QVPN_STEP_NAT_KEEPALIVE);
    g_assert_cmpuint(v->findings, ==, BIT(QVPN_FINDING_MM_STALL));
    g_assert_cmpint(v->stall_state, ==, QVPN_IKE_STATE_MM_SA_SETUP);
    /* Reported once. */
    o = base(fx, 13.5, CLIENT, GATEWAY, 4500, 4500);
    o.nat_keepalive = true;
    v = feed(fx, &o);
    g_assert_cmpuint(v->findings, ==, 0);
}

static void test_qm_stall(fixture *fx, gconstpointer data)
{
    const qvpn_verdict *m[6], *v;
    (void)data;
    main_mode(fx, 0.0, 0x40, m);
    ike(fx, 1.0, CLIENT, GATEWAY, QVPN_IKE_EXCH_QUICK_MODE, 0x40, true, 9, ENC, 0);
    v = ike(fx, 3.0, CLIENT, GATEWAY, QVPN_IKE_EXCH_QUICK_MODE, 0x40, true, 9, ENC, 0);
    g_assert_cmpuint(v->findings, ==, BIT(QVPN_FINDING_IKE_RETRANSMISSION));
    assert_summary(v->session, "phase 1 up (QM_IDLE), capture ends before IPsec SAs were agreed");
    v = ike(fx, 7.0, CLIENT, GATEWAY, QVPN_IKE_EXCH_QUICK_MODE, 0x40, true, 9, ENC, 0);
    g_assert_cmpuint(v->findings, ==,
                     BIT(QVPN_FINDING_IKE_RETRANSMISSION) | BIT(QVPN_FINDING_QM_STALL));
    g_assert_cmpint(v->ike_msg, ==, QVPN_IKE_MSG_QM1);
    assert_summary(v->session, "phase 2 failed: QM_IDLE but no ESP");
}

static void test_qm_stall_timeout(fixture *fx, gconstpointer data)
{
    const qvpn_verdict *m[6], *v;
    (void)data;
    main_mode(fx, 0.0, 0x41, m);
    /* An IKE message 15 s later could be the Quick Mode itself: no stall there. */
    v = ike(fx, 15.0, CLIENT, GATEWAY, QVPN_IKE_EXCH_INFO_V1, 0x41, true, 3, ENC, 0);
    g_assert_cmpuint(v->findings, ==, 0);
    g_assert_cmpint(v->phase, ==, QVPN_PHASE_POLICY);   /* no ESP yet: not a teardown */
    /* A keepalive of the session, still no Quick Mode: the stall. */
    qvpn_obs o = base(fx, 16.0, CLIENT, GATEWAY, 4500, 4500);
    o.nat_keepalive = true;
    v = feed(fx, &o);
    g_assert_cmpuint(v->findings, ==, BIT(QVPN_FINDING_QM_STALL));
}

static void test_notify(fixture *fx, gconstpointer data)
{
    (void)data;
    ike(fx, 0.0, CLIENT, GATEWAY, MM, 0x50, false, 0, 0, PL(SA));
    const qvpn_verdict *v = notify(fx, 0.05, GATEWAY, CLIENT, 0x50, 14);
    g_assert_cmpuint(v->findings, ==, BIT(QVPN_FINDING_IKE_NOTIFY));
    g_assert_cmpint(v->notify_type, ==, 14);
    g_assert_cmpint(v->step, ==, QVPN_STEP_IKE_INFO);
    g_assert_cmpint(v->phase, ==, QVPN_PHASE_POLICY);
    assert_describes(v, QVPN_FINDING_IKE_NOTIFY, "NO-PROPOSAL-CHOSEN", "proposals do not match");
    assert_summary(v->session, "refused by peer: NO-PROPOSAL-CHOSEN");
}

static void test_aggressive(fixture *fx, gconstpointer data)
{
    (void)data;
    uint8_t am = QVPN_IKE_EXCH_AGGRESSIVE;
    const qvpn_verdict *a1 = ike(fx, 0.0, CLIENT, GATEWAY, am, 0x60, false, 0, 0, PL(SA) | PL(KE));
    const qvpn_verdict *a2 = ike(fx, 0.04, GATEWAY, CLIENT, am, 0x60, true, 0, 0, PL(SA) | PL(KE));
    const qvpn_verdict *a3 = ike(fx, 0.05, CLIENT, GATEWAY, am, 0x60, true, 0, 0, PL(HASH));
    g_assert_cmpint(a1->ike_state, ==, QVPN_IKE_STATE_AG_NO_STATE);
    g_assert_cmpint(a2->ike_state, ==, QVPN_IKE_STATE_AG_INIT_EXCH);
    g_assert_cmpint(a3->ike_state, ==, QVPN_IKE_STATE_QM_IDLE);
    g_assert_cmpint(a3->ike_msg, ==, QVPN_IKE_MSG_AM3);
    assert_rtt(a2, QVPN_RTT_AM12, 40000);
    g_assert_cmpint(a3->rtt_kind, ==, QVPN_RTT_NONE);
}

static const qvpn_verdict *v2(fixture *fx, double t, int src, int dst, uint8_t exch,
                              uint32_t msgid, bool initiator, bool response)
{
    uint8_t flags = (initiator ? QVPN_IKE_FLAG_V2_INITIATOR : 0) |
                    (response ? QVPN_IKE_FLAG_V2_RESPONSE : 0);
    uint64_t pl = exch == QVPN_IKE_EXCH_SA_INIT ? PL(V2_SA) : PL(V2_SK);
    return ike(fx, t, src, dst, exch, 0x70, exch != QVPN_IKE_EXCH_SA_INIT || response, msgid,
               flags, pl);
}

static void test_ikev2(fixture *fx, gconstpointer data)
{
    (void)data;
    const qvpn_verdict *v;
    v = v2(fx, 0.0, CLIENT, GATEWAY, QVPN_IKE_EXCH_SA_INIT, 0, true, false);
    g_assert_cmpint(v->ike_state, ==, QVPN_IKE_STATE_V2_INIT_SENT);
    g_assert_cmpint(v->ike_msg, ==, QVPN_IKE_MSG_V2_REQUEST);
    v = v2(fx, 1.0, CLIENT, GATEWAY, QVPN_IKE_EXCH_SA_INIT, 0, true, false);
    g_assert_cmpuint(v->findings, ==, BIT(QVPN_FINDING_IKE_RETRANSMISSION));
    g_assert_cmpuint(v->retrans_of, ==, 1);
    v = v2(fx, 1.03, GATEWAY, CLIENT, QVPN_IKE_EXCH_SA_INIT, 0, false, true);
    assert_rtt(v, QVPN_RTT_V2_SA_INIT, 30000);
    g_assert_cmpint(v->ike_state, ==, QVPN_IKE_STATE_V2_INIT_DONE);
    v2(fx, 1.05, CLIENT, GATEWAY, QVPN_IKE_EXCH_AUTH, 1, true, false);
    v = v2(fx, 1.15, GATEWAY, CLIENT, QVPN_IKE_EXCH_AUTH, 1, false, true);
    g_assert_cmpint(v->ike_state, ==, QVPN_IKE_STATE_V2_READY);
    assert_rtt(v, QVPN_RTT_V2_AUTH, 100000);
    esp(fx, 1.2, CLIENT, GATEWAY, 0xc1);
    v = esp(fx, 1.25, GATEWAY, CLIENT, 0xc2);
    g_assert_cmpuint(v->findings, ==, BIT(QVPN_FINDING_TUNNEL_UP));
    /* A liveness check (empty INFORMATIONAL) is no teardown. */
    v = v2(fx, 5.0, CLIENT, GATEWAY, QVPN_IKE_EXCH_INFO_V2, 2, true, false);
    g_assert_cmpint(v->phase, ==, QVPN_PHASE_POLICY);
    /* A Delete answered by an empty INFORMATIONAL: the IKE SA is gone. */
    qvpn_obs o = base(fx, 9.0, CLIENT, GATEWAY, 500, 500);
    o.ike.present = true;
    o.ike.version = 2;
    o.ike.exch = QVPN_IKE_EXCH_INFO_V2;
    o.ike.flags = QVPN_IKE_FLAG_V2_INITIATOR;
    memset(o.ike.ispi, 0x70, 8);
    memset(o.ike.rspi, 0x71, 8);
    o.ike.msgid = 3;
    o.ike.payloads = PL(V2_SK);
    o.ike.sk_inner = 42;
    v = feed(fx, &o);
    g_assert_cmpint(v->phase, ==, QVPN_PHASE_TEARDOWN);
    o = base(fx, 9.04, GATEWAY, CLIENT, 500, 500);
    o.ike.present = true;
    o.ike.version = 2;
    o.ike.exch = QVPN_IKE_EXCH_INFO_V2;
    o.ike.flags = QVPN_IKE_FLAG_V2_RESPONSE;
    memset(o.ike.ispi, 0x70, 8);
    memset(o.ike.rspi, 0x71, 8);
    o.ike.msgid = 3;
    o.ike.payloads = PL(V2_SK);
    v = feed(fx, &o);
    g_assert_cmpint(v->phase, ==, QVPN_PHASE_TEARDOWN);
    g_assert_cmpint(v->ike_state, ==, QVPN_IKE_STATE_DELETED);
    assert_rtt(v, QVPN_RTT_V2_INFO, 40000);
    assert_summary(v->session, "connected, torn down");
}

/* An 80-byte encrypted IKE_AUTH response whose first inner payload is `inner`. */
static const qvpn_verdict *v2_short_auth_response(fixture *fx, double t, uint32_t msgid,
                                                  uint8_t inner)
{
    qvpn_obs o = base(fx, t, GATEWAY, CLIENT, 500, 500);
    o.ike.present = true;
    o.ike.version = 2;
    o.ike.exch = QVPN_IKE_EXCH_AUTH;
    o.ike.flags = QVPN_IKE_FLAG_V2_RESPONSE;
    memset(o.ike.ispi, 0x70, 8);
    memset(o.ike.rspi, 0x71, 8);
    o.ike.msgid = msgid;
    o.ike.length = 80;
    o.ike.payloads = PL(V2_SK);
    o.ike.sk_inner = inner;
    return feed(fx, &o);
}

static void test_ikev2_auth_refused(fixture *fx, gconstpointer data)
{
    (void)data;
    v2(fx, 0.0, CLIENT, GATEWAY, QVPN_IKE_EXCH_SA_INIT, 0, true, false);
    v2(fx, 0.03, GATEWAY, CLIENT, QVPN_IKE_EXCH_SA_INIT, 0, false, true);
    v2(fx, 0.05, CLIENT, GATEWAY, QVPN_IKE_EXCH_AUTH, 1, true, false);
    /* An EAP round (first encrypted payload EAP) is not judged. */
    g_assert_cmpuint(v2_short_auth_response(fx, 0.09, 1, 48)->findings, ==, 0);
    v2(fx, 0.07, CLIENT, GATEWAY, QVPN_IKE_EXCH_AUTH, 2, true, false);
    const qvpn_verdict *v = v2_short_auth_response(fx, 0.09, 2, 41);   /* Notify only */
    g_assert_cmpuint(v->findings, ==, BIT(QVPN_FINDING_IKE_AUTH_FAILED));
    g_assert_cmpint(v->ike_state, ==, QVPN_IKE_STATE_V2_AUTH_SENT);
    assert_rtt(v, QVPN_RTT_V2_AUTH, 20000);
    assert_describes(v, QVPN_FINDING_IKE_AUTH_FAILED, "80-byte message", "AUTHENTICATION_FAILED");
    assert_summary(v->session, "IKE_AUTH refused: authentication failed?");
}

static void test_tls_fatal_alert(fixture *fx, gconstpointer data)
{
    (void)data;
    tcp(fx, 0.0, CLIENT, GATEWAY, 5000, 60443, SYN, 0, 0, 0);
    tcp(fx, 0.03, GATEWAY, CLIENT, 60443, 5000, SYN | ACK, 0, 0, 0);
    tcp(fx, 0.04, CLIENT, GATEWAY, 5000, 60443, ACK, 100, CT(HANDSHAKE), HS(CLIENT_HELLO));
    const qvpn_verdict *v = alert(fx, 0.07, GATEWAY, CLIENT, 60443, 5000, 2, 40);
    g_assert_cmpuint(v->findings, ==, BIT(QVPN_FINDING_TLS_ALERT));
    g_assert_cmpint(v->alert_desc, ==, 40);
    g_assert_false(v->from_client);
    v = tcp(fx, 0.08, GATEWAY, CLIENT, 60443, 5000, QVPN_TCP_RST, 0, 0, 0);
    g_assert_cmpuint(v->findings, ==, BIT(QVPN_FINDING_RST_AFTER_ALERT));
    assert_describes(v, QVPN_FINDING_RST_AFTER_ALERT, "handshake_failure", NULL);
    assert_summary(v->session, "login refused: TLS alert handshake_failure");
}

static void test_unrelated_traffic(fixture *fx, gconstpointer data)
{
    (void)data;
    g_assert_null(tcp(fx, 0.0, CLIENT, GATEWAY, 5000, 80, SYN, 0, 0, 0));
    qvpn_obs o = base(fx, 0.1, CLIENT, GATEWAY, 53, 53);
    g_assert_null(feed(fx, &o));
    /* A keepalive without a session is not ours either. */
    o.nat_keepalive = true;
    g_assert_null(feed(fx, &o));
    g_assert_cmpuint(qvpn_engine_session_count(fx->eng), ==, 0);
}

static void test_esp_one_way(fixture *fx, gconstpointer data)
{
    const qvpn_verdict *m[6], *v = NULL;
    (void)data;
    main_mode(fx, 0.0, 0x80, m);
    int first_warn = -1;
    for (int i = 0; i < 30; i++) {
        v = esp(fx, 2.0 + i, CLIENT, GATEWAY, 0xaa);
        if ((v->findings & BIT(QVPN_FINDING_ESP_ONE_WAY)) && first_warn < 0)
            first_warn = i;
        else
            g_assert_false(v->findings & BIT(QVPN_FINDING_ESP_ONE_WAY));
    }
    /* 10 packets and 5 s: the 10th packet (i = 9, 9 s after the first). */
    g_assert_cmpint(first_warn, ==, 9);
    g_assert_cmpuint(v->session->facts->esp_out, ==, 30);
    g_assert_cmpuint(v->session->facts->esp_in, ==, 0);
}

static void test_esp_first_pings_lost(fixture *fx, gconstpointer data)
{
    (void)data;
    /* Three packets out before the first answer: no warning. */
    for (int i = 0; i < 3; i++)
        g_assert_cmpuint(esp(fx, i * 1.0, CLIENT, GATEWAY, 0xab)->findings, ==, 0);
    g_assert_cmpuint(esp(fx, 3.5, GATEWAY, CLIENT, 0xac)->findings, ==,
                     BIT(QVPN_FINDING_TUNNEL_UP));
}

static void test_midflow(fixture *fx, gconstpointer data)
{
    (void)data;
    const qvpn_verdict *v = esp(fx, 0.0, GATEWAY, CLIENT, 0x11);
    g_assert_nonnull(v);
    g_assert_true(v->session->roles_guessed);
    g_assert_cmpint(v->phase, ==, QVPN_PHASE_NETWORK);
    v = esp(fx, 0.1, CLIENT, GATEWAY, 0x12);
    g_assert_cmpint(v->time_to_tunnel_ns, ==, -1);
    g_assert_true(v->findings & BIT(QVPN_FINDING_TUNNEL_UP));
    /* Encrypted Informationals of an SA never seen: the second in a row, teardown. */
    v = ike(fx, 5.0, CLIENT, GATEWAY, QVPN_IKE_EXCH_INFO_V1, 0x90, true, 7, ENC, 0);
    g_assert_cmpint(v->phase, ==, QVPN_PHASE_POLICY);
    v = ike(fx, 5.001, CLIENT, GATEWAY, QVPN_IKE_EXCH_INFO_V1, 0x90, true, 8, ENC, 0);
    g_assert_cmpint(v->phase, ==, QVPN_PHASE_TEARDOWN);
    g_assert_cmpint(v->ike_state, ==, QVPN_IKE_STATE_QM_IDLE);  /* encrypted: phase 1 was up */
    g_assert_cmpuint(v->session->id, ==, 1);
    /* ESP again on a known SA: it was a keepalive, back to network verification. */
    v = esp(fx, 6.0, CLIENT, GATEWAY, 0x12);
    g_assert_cmpint(v->phase, ==, QVPN_PHASE_NETWORK);
    g_assert_cmpuint(qvpn_engine_session_count(fx->eng), ==, 1);
    assert_summary(v->session, "tunnel seen mid-flow");   /* ESP goes on: not torn down */
}

static void test_reconnect(fixture *fx, gconstpointer data)
{
    const qvpn_verdict *l[10], *m[6], *v;
    (void)data;
    login(fx, 0.0, 3000, l);
    main_mode(fx, 10.0, 0xb0, m);
    esp(fx, 12.0, CLIENT, GATEWAY, 1);
    esp(fx, 12.1, GATEWAY, CLIENT, 2);
    ike(fx, 20.0, CLIENT, GATEWAY, QVPN_IKE_EXCH_INFO_V1, 0xb0, true, 8, ENC, 0);
    ike(fx, 20.01, CLIENT, GATEWAY, QVPN_IKE_EXCH_INFO_V1, 0xb0, true, 9, ENC, 0);
    login(fx, 20.1, 3001, l);         /* logout */
    g_assert_cmpuint(l[0]->session->id, ==, 1);
    g_assert_cmpint(l[9]->phase, ==, QVPN_PHASE_TEARDOWN);
    login(fx, 90.0, 3002, l);         /* a new login, a minute later */
    g_assert_cmpuint(l[0]->session->id, ==, 2);
    g_assert_cmpint(l[0]->phase, ==, QVPN_PHASE_CONNECTION);
    main_mode(fx, 100.0, 0xb2, m);
    g_assert_cmpuint(m[0]->session->id, ==, 2);
    v = esp(fx, 101.0, CLIENT, GATEWAY, 3);
    g_assert_cmpuint(v->session->id, ==, 2);
    g_assert_cmpuint(qvpn_engine_session_count(fx->eng), ==, 2);
}

static void test_relogin_after_failed_ike(fixture *fx, gconstpointer data)
{
    const qvpn_verdict *l[10];
    (void)data;
    login(fx, 0.0, 3000, l);
    ike(fx, 6.0, CLIENT, GATEWAY, MM, 0xc0, false, 0, 0, PL(SA));
    ike(fx, 8.0, CLIENT, GATEWAY, MM, 0xc0, false, 0, 0, PL(SA));
    login(fx, 40.0, 3001, l);
    g_assert_cmpuint(l[0]->session->id, ==, 2);
    assert_summary(qvpn_engine_session(fx->eng, 1), "stalled in MM_NO_STATE: gateway not "
                   "answering? (no IKE for the last 37.1 s of the capture)");
}

static void test_peers_isolated(fixture *fx, gconstpointer data)
{
    (void)data;
    /* Two clients, same cookie (reused across peers), same gateway. */
    const qvpn_verdict *a = ike(fx, 0.0, CLIENT, GATEWAY, MM, 0xd0, false, 0, 0, PL(SA));
    const qvpn_verdict *b = ike(fx, 0.01, 3, GATEWAY, MM, 0xd0, false, 0, 0, PL(SA));
    g_assert_cmpuint(a->session->id, ==, 1);
    g_assert_cmpuint(b->session->id, ==, 2);
    g_assert_cmpuint(b->findings, ==, 0);   /* not a retransmission of the other */
    const qvpn_verdict *r = ike(fx, 0.05, GATEWAY, 3, MM, 0xd0, true, 0, 0, PL(SA));
    g_assert_cmpuint(r->session->id, ==, 2);
    g_assert_cmpuint(r->response_to, ==, 2);
}

static void test_session_cap(fixture *fx, gconstpointer data)
{
    (void)data;
    qvpn_engine_free(fx->eng);
    fx->cfg.max_sessions = 2;
    fx->eng = qvpn_engine_new(&fx->cfg);
    current_engine = fx->eng;
    g_assert_nonnull(ike(fx, 0.0, 3, GATEWAY, MM, 1, false, 0, 0, PL(SA)));
    g_assert_nonnull(ike(fx, 0.0, 4, GATEWAY, MM, 2, false, 0, 0, PL(SA)));
    const qvpn_verdict *v = ike(fx, 0.0, 5, GATEWAY, MM, 3, false, 0, 0, PL(SA));
    g_assert_nonnull(v);
    g_assert_null(v->session);
    g_assert_cmpuint(v->findings, ==, BIT(QVPN_FINDING_SESSION_CAP));
    g_assert_true(qvpn_engine_record(fx->eng)->v == v);     /* the record the glue taps */
    g_assert_null(ike(fx, 0.0, CLIENT, GATEWAY, MM, 4, false, 0, 0, PL(SA)));
    g_assert_true(qvpn_engine_session_cap_hit(fx->eng));
    /* Known sessions go on. */
    g_assert_nonnull(ike(fx, 0.1, GATEWAY, 3, MM, 1, true, 0, 0, PL(SA)));
}

static void test_shared_verdicts(fixture *fx, gconstpointer data)
{
    (void)data;
    esp(fx, 0.0, CLIENT, GATEWAY, 1);
    esp(fx, 0.1, GATEWAY, CLIENT, 2);     /* tunnel up: has a finding */
    const qvpn_verdict *a = esp(fx, 0.2, CLIENT, GATEWAY, 1);
    const qvpn_verdict *b = esp(fx, 0.3, CLIENT, GATEWAY, 1);
    const qvpn_verdict *c = esp(fx, 0.4, GATEWAY, CLIENT, 2);
    g_assert_true(a == b);
    g_assert_true(a != c);
    g_assert_true(c->phase == QVPN_PHASE_NETWORK && !c->from_client);
}

static void test_hostile_obs(fixture *fx, gconstpointer data)
{
    (void)data;
    qvpn_obs o;
    memset(&o, 0, sizeof(o));
    g_assert_null(feed(fx, &o));           /* no addresses */
    g_assert_null(qvpn_engine_feed(fx->eng, NULL));
    o = base(fx, 0.0, CLIENT, GATEWAY, 500, 500);
    o.ike.present = true;
    o.ike.version = 7;                                      /* bogus: not IKE */
    o.ike.exch = 255;
    o.ike.n_notify = 200;                                   /* lies about its array */
    g_assert_null(feed(fx, &o));
    o.ike.version = 1;
    const qvpn_verdict *v = feed(fx, &o);
    g_assert_nonnull(v);
    g_assert_cmpint(v->step, ==, QVPN_STEP_IKE_OTHER);
    g_assert_cmpint(v->ike_state, ==, QVPN_IKE_STATE_LOST);
    /* A Main Mode message of an SA seen mid-flow, without hints. */
    o = base(fx, 0.1, CLIENT, GATEWAY, 500, 500);
    o.ike.present = true;
    o.ike.version = 1;
    o.ike.exch = MM;
    memset(o.ike.ispi, 0xee, 8);
    memset(o.ike.rspi, 0xef, 8);
    v = feed(fx, &o);
    g_assert_cmpint(v->ike_msg, ==, QVPN_IKE_MSG_UNKNOWN);
    g_assert_cmpint(v->ike_state, ==, QVPN_IKE_STATE_LOST);
    qvpn_engine_free(NULL);
}


/* ---- what a passive observer may claim (issue "tell the truth") ---- */

static const qvpn_verdict *v2_msg(fixture *fx, double t, int src, uint8_t exch, uint32_t msgid,
                                  bool response, uint64_t payloads, uint8_t inner,
                                  uint32_t len, uint16_t notify_type)
{
    qvpn_obs o = base(fx, t, src, src == CLIENT ? GATEWAY : CLIENT, 500, 500);
    o.ike.present = true;
    o.ike.version = 2;
    o.ike.exch = exch;
    o.ike.flags = (uint8_t)((src == CLIENT ? QVPN_IKE_FLAG_V2_INITIATOR : 0) |
                            (response ? QVPN_IKE_FLAG_V2_RESPONSE : 0));
    memset(o.ike.ispi, 0x90, 8);
    if (exch != QVPN_IKE_EXCH_SA_INIT || response)
        memset(o.ike.rspi, 0x91, 8);
    o.ike.msgid = msgid;
    o.ike.payloads = payloads;
    o.ike.sk_inner = inner;
    o.ike.length = len;
    if (notify_type) {
        o.ike.notify[0] = notify_type;
        o.ike.n_notify = 1;
    }
    return feed(fx, &o);
}

static void test_mm5_refused_by_informational(fixture *fx, gconstpointer data)
{
    const qvpn_verdict *v;
    (void)data;
    ike(fx, 1.0, CLIENT, GATEWAY, MM, 0x11, false, 0, 0, PL(SA));
    ike(fx, 1.05, GATEWAY, CLIENT, MM, 0x11, true, 0, 0, PL(SA));
    ike(fx, 1.06, CLIENT, GATEWAY, MM, 0x11, true, 0, 0, PL(KE));
    ike(fx, 1.2, GATEWAY, CLIENT, MM, 0x11, true, 0, 0, PL(KE));
    ike(fx, 1.21, CLIENT, GATEWAY, MM, 0x11, true, 0, ENC, 0);
    v = ike(fx, 1.25, GATEWAY, CLIENT, QVPN_IKE_EXCH_INFO_V1, 0x11, true, 7, ENC, 0);
    g_assert_cmpuint(v->findings, ==, BIT(QVPN_FINDING_IKE_REFUSED));
    g_assert_cmpuint(v->response_to, ==, 5);
    assert_describes(v, QVPN_FINDING_IKE_REFUSED, "MM5 answered by an encrypted Informational",
                     "pre-shared keys differ");
    /* Every MM5 answered so: the resends are no "stall without an answer". */
    for (int i = 0; i < 3; i++) {
        v = ike(fx, 5.21 + 4 * i, CLIENT, GATEWAY, MM, 0x11, true, 0, ENC, 0);
        g_assert_cmpuint(v->findings, ==, BIT(QVPN_FINDING_IKE_RETRANSMISSION));
        ike(fx, 5.25 + 4 * i, GATEWAY, CLIENT, QVPN_IKE_EXCH_INFO_V1, 0x11, true, 8 + i, ENC, 0);
    }
    assert_summary(v->session, "phase 1 refused after MM5: pre-shared key mismatch");
}

static void test_qm_refused_by_informational(fixture *fx, gconstpointer data)
{
    const qvpn_verdict *m[6], *v;
    (void)data;
    main_mode(fx, 0.0, 0x42, m);
    ike(fx, 1.0, CLIENT, GATEWAY, QVPN_IKE_EXCH_QUICK_MODE, 0x42, true, 9, ENC, 0);
    v = ike(fx, 1.1, GATEWAY, CLIENT, QVPN_IKE_EXCH_INFO_V1, 0x42, true, 10, ENC, 0);
    g_assert_cmpuint(v->findings, ==, BIT(QVPN_FINDING_IKE_REFUSED));
    g_assert_cmpint(v->refused_msg, ==, QVPN_IKE_MSG_QM1);
    /* The client deletes the ISAKMP SA after the refusal: no tunnel existed to end. */
    v = ike(fx, 1.2, CLIENT, GATEWAY, QVPN_IKE_EXCH_INFO_V1, 0x42, true, 11, ENC, 0);
    g_assert_cmpuint(v->findings, ==, 0);
    g_assert_cmpint(v->phase, ==, QVPN_PHASE_POLICY);
    assert_summary(v->session, "phase 2 refused (encrypted reply to QM1): transform set or "
                               "proxy IDs?");
}

static void test_qm3_not_accepted(fixture *fx, gconstpointer data)
{
    const qvpn_verdict *m[6], *v;
    (void)data;
    main_mode(fx, 0.0, 0x43, m);
    ike(fx, 1.0, CLIENT, GATEWAY, QVPN_IKE_EXCH_QUICK_MODE, 0x43, true, 9, ENC, 0);
    ike(fx, 1.1, GATEWAY, CLIENT, QVPN_IKE_EXCH_QUICK_MODE, 0x43, true, 9, ENC, 0);
    v = ike(fx, 1.11, CLIENT, GATEWAY, QVPN_IKE_EXCH_QUICK_MODE, 0x43, true, 9, ENC, 0);
    g_assert_true(v->sa_agreed);
    v = ike(fx, 11.1, GATEWAY, CLIENT, QVPN_IKE_EXCH_QUICK_MODE, 0x43, true, 9, ENC, 0);
    g_assert_cmpuint(v->findings, ==, BIT(QVPN_FINDING_IKE_RETRANSMISSION));
    v = ike(fx, 21.1, GATEWAY, CLIENT, QVPN_IKE_EXCH_QUICK_MODE, 0x43, true, 9, ENC, 0);
    g_assert_cmpuint(v->findings, ==,
                     BIT(QVPN_FINDING_IKE_RETRANSMISSION) | BIT(QVPN_FINDING_QM_STALL));
    assert_describes(v, QVPN_FINDING_QM_STALL, "QM2 sent again 2 times", "QM3");
}

static void test_v2_no_false_alarms(fixture *fx, gconstpointer data)
{
    const qvpn_verdict *v;
    (void)data;
    /* INVALID_KE_PAYLOAD then a retry with the right group: a Note, no Warning. */
    v2_msg(fx, 0.0, CLIENT, QVPN_IKE_EXCH_SA_INIT, 0, false, PL(V2_SA), 0, 300, 0);
    v = v2_msg(fx, 0.01, GATEWAY, QVPN_IKE_EXCH_SA_INIT, 0, true, PL(NOTIFY), 0, 38, 17);
    g_assert_cmpuint(v->findings, ==, BIT(QVPN_FINDING_IKE_RENEGOTIATION));
    g_assert_cmpint(v->ike_state, ==, QVPN_IKE_STATE_V2_INIT_SENT);
    v2_msg(fx, 0.02, CLIENT, QVPN_IKE_EXCH_SA_INIT, 0, false, PL(V2_SA), 0, 300, 0);
    v = v2_msg(fx, 0.03, GATEWAY, QVPN_IKE_EXCH_SA_INIT, 0, true, PL(V2_SA), 0, 300, 0);
    g_assert_cmpint(v->ike_state, ==, QVPN_IKE_STATE_V2_INIT_DONE);
    /* IKE_AUTH in fragments sharing one message ID: no retransmission. */
    v2_msg(fx, 0.05, CLIENT, QVPN_IKE_EXCH_AUTH, 1, false, PL(V2_SKF), 0, 600, 0);
    v = v2_msg(fx, 0.05, CLIENT, QVPN_IKE_EXCH_AUTH, 1, false, PL(V2_SKF), 0, 600, 0);
    g_assert_cmpuint(v->findings, ==, 0);
    v = v2_msg(fx, 0.1, GATEWAY, QVPN_IKE_EXCH_AUTH, 1, true, PL(V2_SK), 36, 300, 0);
    g_assert_cmpint(v->ike_state, ==, QVPN_IKE_STATE_V2_READY);
    g_assert_true(v->sa_agreed);
    /* An IKE-only capture: DPD 20 s later is no "phase 2 fails". */
    v = v2_msg(fx, 20.0, CLIENT, QVPN_IKE_EXCH_INFO_V2, 2, false, PL(V2_SK), 0, 80, 0);
    g_assert_cmpuint(v->findings, ==, 0);
    v = v2_msg(fx, 20.001, GATEWAY, QVPN_IKE_EXCH_INFO_V2, 2, true, PL(V2_SK), 0, 80, 0);
    g_assert_cmpuint(v->findings, ==, 0);
    /* A CREATE_CHILD_SA answered by a lone Notify: refused. */
    v2_msg(fx, 30.0, CLIENT, QVPN_IKE_EXCH_CHILD_SA, 3, false, PL(V2_SK), 33, 400, 0);
    v = v2_msg(fx, 30.01, GATEWAY, QVPN_IKE_EXCH_CHILD_SA, 3, true, PL(V2_SK), 41, 80, 0);
    g_assert_cmpuint(v->findings, ==, BIT(QVPN_FINDING_IKE_REFUSED));
    assert_summary(v->session, "IPsec SAs agreed, no ESP seen (no traffic, or ESP not captured); "
                               "a later CREATE_CHILD_SA was refused");
}

static void test_v2_redirect(fixture *fx, gconstpointer data)
{
    const qvpn_verdict *v;
    (void)data;
    v2_msg(fx, 0.0, CLIENT, QVPN_IKE_EXCH_SA_INIT, 0, false, PL(V2_SA), 0, 300, 0);
    v = v2_msg(fx, 0.01, GATEWAY, QVPN_IKE_EXCH_SA_INIT, 0, true, PL(NOTIFY), 0, 60, 16407);
    g_assert_cmpuint(v->findings, ==, BIT(QVPN_FINDING_IKE_REDIRECT));
    g_assert_cmpint(v->ike_state, ==, QVPN_IKE_STATE_V2_INIT_SENT);
    assert_summary(v->session, "redirected to another gateway (IKEv2 REDIRECT)");
}

static void test_v2_other_sa_keeps_ready(fixture *fx, gconstpointer data)
{
    const qvpn_verdict *v;
    qvpn_obs o;
    (void)data;
    /* A CREATE_CHILD_SA of an IKE SA whose start is not in the capture: READY. */
    o = base(fx, 0.0, CLIENT, GATEWAY, 500, 500);
    o.ike.present = true;
    o.ike.version = 2;
    o.ike.exch = QVPN_IKE_EXCH_INFO_V2;
    o.ike.flags = QVPN_IKE_FLAG_V2_INITIATOR;
    memset(o.ike.ispi, 0x95, 8);
    memset(o.ike.rspi, 0x96, 8);
    o.ike.msgid = 7;
    o.ike.payloads = PL(V2_SK);
    v = feed(fx, &o);
    g_assert_cmpint(v->ike_state, ==, QVPN_IKE_STATE_V2_READY);
}

static void test_retry_is_a_new_attempt(fixture *fx, gconstpointer data)
{
    const qvpn_verdict *v, *m[6];
    (void)data;
    /* MM5 refused, then 5 s later a new IKE SA that succeeds: two attempts. */
    ike(fx, 1.0, CLIENT, GATEWAY, MM, 0x12, false, 0, 0, PL(SA));
    ike(fx, 1.05, GATEWAY, CLIENT, MM, 0x12, true, 0, 0, PL(SA));
    ike(fx, 1.06, CLIENT, GATEWAY, MM, 0x12, true, 0, 0, PL(KE));
    ike(fx, 1.2, GATEWAY, CLIENT, MM, 0x12, true, 0, 0, PL(KE));
    v = ike(fx, 1.21, CLIENT, GATEWAY, MM, 0x12, true, 0, ENC, 0);
    ike(fx, 1.25, GATEWAY, CLIENT, QVPN_IKE_EXCH_INFO_V1, 0x12, true, 7, ENC, 0);
    main_mode(fx, 6.0, 0x13, m);
    g_assert_cmpuint(m[0]->session->id, ==, 2);
    g_assert_cmpuint(v->session->id, ==, 1);
    ike(fx, 6.8, CLIENT, GATEWAY, QVPN_IKE_EXCH_QUICK_MODE, 0x13, true, 9, ENC, 0);
    ike(fx, 6.9, GATEWAY, CLIENT, QVPN_IKE_EXCH_QUICK_MODE, 0x13, true, 9, ENC, 0);
    ike(fx, 6.91, CLIENT, GATEWAY, QVPN_IKE_EXCH_QUICK_MODE, 0x13, true, 9, ENC, 0);
    esp(fx, 7.0, CLIENT, GATEWAY, 0x51);
    v = esp(fx, 7.1, GATEWAY, CLIENT, 0x52);
    /* Time to tunnel from the attempt that built it. */
    g_assert_cmpint(v->time_to_tunnel_ns, ==, 1100000000);
    assert_summary(qvpn_engine_session(fx->eng, 1), "phase 1 refused after MM5: pre-shared key mismatch");
    assert_summary(qvpn_engine_session(fx->eng, 2), "connected");
    /* Both peers initiating at once (an SA collision): one attempt. */
    ike(fx, 100.0, CLIENT, 3, MM, 0x14, false, 0, 0, PL(SA));
    v = ike(fx, 100.01, 3, CLIENT, MM, 0x15, false, 0, 0, PL(SA));
    g_assert_cmpuint(v->session->id, ==, 3);
}

static void test_ah_tunnel(fixture *fx, gconstpointer data)
{
    const qvpn_verdict *v;
    qvpn_obs o;
    (void)data;
    for (int i = 0; i < 2; i++) {
        o = base(fx, 1.0 + i, i ? GATEWAY : CLIENT, i ? CLIENT : GATEWAY, 0, 0);
        o.esp.present = true;
        o.esp.ah = true;
        o.esp.spi = 0x60 + (uint32_t)i;
        v = feed(fx, &o);
        g_assert_cmpint(v->step, ==, QVPN_STEP_AH);
        g_assert_cmpint(v->phase, ==, QVPN_PHASE_NETWORK);
    }
    g_assert_cmpuint(v->findings, ==, BIT(QVPN_FINDING_TUNNEL_UP));
    g_assert_true(v->session->facts->spis[0].ah);
}

static void test_login_retry(fixture *fx, gconstpointer data)
{
    const qvpn_verdict *v;
    (void)data;
    tcp(fx, 0.0, CLIENT, GATEWAY, 4000, 443, SYN, 0, 0, 0);
    tcp(fx, 0.1, GATEWAY, CLIENT, 443, 4000, SYN | ACK, 0, 0, 0);
    v = alert(fx, 0.3, CLIENT, GATEWAY, 4000, 443, 2, 46);
    assert_describes(v, QVPN_FINDING_TLS_ALERT, "from the client", "rejected the gateway's certificate");
    v = tcp(fx, 0.31, CLIENT, GATEWAY, 4000, 443, QVPN_TCP_RST, 0, 0, 0);
    g_assert_cmpuint(v->findings, ==, BIT(QVPN_FINDING_RST_AFTER_ALERT));
    assert_describes(v, QVPN_FINDING_RST_AFTER_ALERT, "from the client", "certificate_unknown");
    v = tcp(fx, 7.7, CLIENT, GATEWAY, 4001, 443, SYN, 0, 0, 0);
    g_assert_cmpuint(v->session->id, ==, 2);
    assert_summary(qvpn_engine_session(fx->eng, 1), "client ended the login: TLS alert "
                                                    "certificate_unknown");
}

/* Wireshark cuts expert messages at ITEM_LABEL_LENGTH (240): every text, with the
 * widest values, must fit in "title: observed. Inferred: inferred". */
static void test_texts_fit(void)
{
    static const qvpn_ike_msg msgs[] = { QVPN_IKE_MSG_V2_RESPONSE, QVPN_IKE_MSG_QM2,
                                         QVPN_IKE_MSG_MM5, QVPN_IKE_MSG_QM1 };
    static const uint8_t alerts[] = { 40, 46, QVPN_ALERT_ENCRYPTED };
    qvpn_session s = { .id = 4000000000u };
    /* Evidence strings as long as the engine makes them (qvpn_evidence.c, 511). */
    static char big[512];
    memset(big, 'X', sizeof(big) - 1);
    static qvpn_evid ev;
    ev = (qvpn_evid){ .offered = big, .chosen = big, .vendors = big, .software = big,
                      .icmp = big, .tls_offered = big, .tls_chosen = big, .weak = 0x7f,
                      .caps = 0xff, .dh_group = 65535, .nat = 3, .nat_seen = true,
                      .ip_frags = 255 };
    for (int st = 0; st < QVPN_IKE_STATE_COUNT; st++)
    for (int retrans = 0; retrans < 2; retrans++)
    for (size_t m = 0; m < G_N_ELEMENTS(msgs); m++)
    for (size_t a = 0; a < G_N_ELEMENTS(alerts); a++)
    for (int cli = 0; cli < 2; cli++) {
        s.roles_guessed = cli;
        qvpn_verdict v = {
            .session = &s, .ike_msg = msgs[m], .refused_msg = msgs[(m + 1) % 4],
            .stall_state = (qvpn_ike_state)st, .ike_state = (qvpn_ike_state)st,
            .retrans_of = 4000000000u, .sends = 255, .from_client = cli,
            .gap_ns = INT64_C(9000000000000000000), .time_to_tunnel_ns = INT64_C(9000000000000000000),
            .esp_count = 4000000000u, .ike_len = 4000000000u, .notify_type = 14,
            .alert_desc = alerts[a], .findings = retrans ? BIT(QVPN_FINDING_IKE_RETRANSMISSION) : 0,
            .ev = cli ? &ev : NULL, .offer = cli ? big : NULL,
        };
        for (int f = 0; f < QVPN_FINDING_COUNT; f++) {
            char obs[256], inf[256];
            qvpn_finding_describe(&v, (qvpn_finding)f, obs, sizeof(obs), inf, sizeof(inf));
            size_t n = strlen(qvpn_finding_title((qvpn_finding)f)) + 2 + strlen(obs) +
                       strlen(". Inferred: ") + strlen(inf);
            if (n >= 240)
                g_printerr("finding %d state %d: %zu chars: %s / %s\n", f, st, n, obs, inf);
            g_assert_cmpuint(n, <, 240);
        }
    }
    for (uint16_t t = 1; t < 64; t++) {
        qvpn_verdict v = { .session = &s, .notify_type = t };
        char obs[256], inf[256];
        qvpn_finding_describe(&v, QVPN_FINDING_IKE_NOTIFY, obs, sizeof(obs), inf, sizeof(inf));
        g_assert_cmpuint(strlen("IKE error notification: . Inferred: ") + strlen(obs) + strlen(inf), <, 240);
    }
}

static void test_names(void)
{
    g_assert_cmpstr(qvpn_phase_name(QVPN_PHASE_POLICY), ==, "Policy activation");
    g_assert_cmpstr(qvpn_ike_state_name(QVPN_IKE_STATE_MM_NO_STATE), ==, "MM_NO_STATE");
    g_assert_cmpstr(qvpn_finding_abbrev(QVPN_FINDING_RST_AFTER_ALERT), ==, "rst_after_alert");
    g_assert_cmpstr(qvpn_phase_name((qvpn_phase)99), ==, "Unknown");
    for (int f = 0; f < QVPN_FINDING_COUNT; f++) {
        g_assert_cmpstr(qvpn_finding_abbrev((qvpn_finding)f), !=, "unknown");
        g_assert_cmpstr(qvpn_finding_title((qvpn_finding)f), !=, "Unknown");
    }
    for (int s = 0; s < QVPN_STEP_COUNT; s++)
        g_assert_cmpstr(qvpn_step_name((qvpn_step)s), !=, "Unknown");
    for (int s = 0; s < QVPN_IKE_STATE_COUNT; s++)
        g_assert_cmpstr(qvpn_ike_state_name((qvpn_ike_state)s), !=, "Unknown");
    for (int s = 0; s < QVPN_RTT_COUNT; s++)
        g_assert_cmpstr(qvpn_rtt_kind_name((qvpn_rtt_kind)s), !=, "Unknown");
    char buf[64];
    qvpn_addr a = ip4(CLIENT);
    qvpn_addr_to_str(&a, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "213.16.33.141");
    qvpn_addr b = { .len = 16, .bytes = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
    qvpn_addr_to_str(&b, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "2001:db8::1");
    qvpn_addr z = { .len = 16 };
    qvpn_addr_to_str(&z, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "::");
    qvpn_addr c = { .len = 16, .bytes = { 0x20, 0x03, 0, 0x51, 0x60, 0x12, [15] = 2 } };
    qvpn_addr_to_str(&c, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "2003:51:6012::2");
    qvpn_addr one = { .len = 16, .bytes = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1 } };
    qvpn_addr_to_str(&one, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "2001:db8:0:1:1::1");   /* a lone zero group stays */
}

#define ADD(path, fn) g_test_add(path, fixture, NULL, fx_setup, fn, fx_teardown)

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ADD("/qvpn/reference/flow", test_reference_flow);
    ADD("/qvpn/ike/mm5_retransmit", test_mm5_retransmit);
    ADD("/qvpn/ike/mm1_no_answer", test_mm1_no_answer);
    ADD("/qvpn/ike/duplicate_frames", test_duplicate_frames);
    ADD("/qvpn/ike/stall_by_timeout", test_stall_by_timeout);
    ADD("/qvpn/ike/qm_stall", test_qm_stall);
    ADD("/qvpn/ike/qm_stall_timeout", test_qm_stall_timeout);
    ADD("/qvpn/ike/notify", test_notify);
    ADD("/qvpn/ike/aggressive", test_aggressive);
    ADD("/qvpn/ike/v2", test_ikev2);
    ADD("/qvpn/ike/v2_auth_refused", test_ikev2_auth_refused);
    ADD("/qvpn/tls/fatal_alert", test_tls_fatal_alert);
    ADD("/qvpn/tls/unrelated", test_unrelated_traffic);
    ADD("/qvpn/esp/one_way", test_esp_one_way);
    ADD("/qvpn/esp/first_pings_lost", test_esp_first_pings_lost);
    ADD("/qvpn/esp/midflow", test_midflow);
    ADD("/qvpn/session/reconnect", test_reconnect);
    ADD("/qvpn/session/relogin_after_failed_ike", test_relogin_after_failed_ike);
    ADD("/qvpn/session/peers_isolated", test_peers_isolated);
    ADD("/qvpn/session/cap", test_session_cap);
    ADD("/qvpn/verdict/shared", test_shared_verdicts);
    ADD("/qvpn/robust/hostile_obs", test_hostile_obs);
    ADD("/qvpn/truth/mm5_refused_by_informational", test_mm5_refused_by_informational);
    ADD("/qvpn/truth/qm_refused_by_informational", test_qm_refused_by_informational);
    ADD("/qvpn/truth/qm3_not_accepted", test_qm3_not_accepted);
    ADD("/qvpn/truth/v2_no_false_alarms", test_v2_no_false_alarms);
    ADD("/qvpn/truth/v2_redirect", test_v2_redirect);
    ADD("/qvpn/truth/v2_other_sa_keeps_ready", test_v2_other_sa_keeps_ready);
    ADD("/qvpn/truth/retry_is_a_new_attempt", test_retry_is_a_new_attempt);
    ADD("/qvpn/truth/login_retry", test_login_retry);
    ADD("/qvpn/esp/ah", test_ah_tunnel);
    g_test_add_func("/qvpn/names", test_names);
    g_test_add_func("/qvpn/texts_fit", test_texts_fit);
    return g_test_run();
}
