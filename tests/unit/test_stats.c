/* test_stats.c — unit tests of the statistics built from tap records (GLib g_test).
 *
 * Records come from the real engine fed with a QuickVPN-like flow, so the tables
 * are checked against what the engine says, not against values set here.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>

#include "qvpn_engine.h"
#include "qvpn_stats.h"

typedef struct flow {
    qvpn_engine *eng;
    GArray      *recs;      /* qvpn_tap_rec */
    uint32_t     frame;
} flow;

static qvpn_addr ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    qvpn_addr x = { .len = 4, .bytes = { a, b, c, d } };
    return x;
}

static void feed(flow *f, qvpn_obs *o, double t, bool from_client, uint16_t sp, uint16_t dp)
{
    o->frame = ++f->frame;
    o->ts_ns = (int64_t)(t * 1e9 + 0.5);
    o->src = from_client ? ip4(213, 16, 33, 141) : ip4(79, 189, 214, 86);
    o->dst = from_client ? ip4(79, 189, 214, 86) : ip4(213, 16, 33, 141);
    o->sport = sp;
    o->dport = dp;
    const qvpn_verdict *v = qvpn_engine_feed(f->eng, o);
    if (!v)
        return;
    qvpn_tap_rec r = { .v = v, .frame = o->frame, .rel_ts_ns = o->ts_ns, .sport = sp,
                       .dport = dp, .udp = o->ike.present, .has_spi = o->esp.present,
                       .spi = o->esp.spi };
    g_array_append_val(f->recs, r);
}

static void tcp(flow *f, double t, bool c, uint16_t flags, uint32_t hs)
{
    qvpn_obs o;
    memset(&o, 0, sizeof(o));
    o.tcp.present = true;
    o.tcp.stream = 0;
    o.tcp.flags = flags;
    o.tls.hs_types = hs;
    if (hs)
        o.tls.content_types = 1u << QVPN_TLS_CT_HANDSHAKE;
    feed(f, &o, t, c, c ? 3859 : 443, c ? 443 : 3859);
}

static void mm(flow *f, double t, bool c, bool rspi, uint32_t msgid, uint8_t exch)
{
    qvpn_obs o;
    memset(&o, 0, sizeof(o));
    o.ike.present = true;
    o.ike.version = 1;
    o.ike.exch = exch;
    memset(o.ike.ispi, 0xa1, 8);
    if (rspi)
        memset(o.ike.rspi, 0xb2, 8);
    o.ike.msgid = msgid;
    feed(f, &o, t, c, 500, 500);
}

static void esp(flow *f, double t, bool c, uint32_t spi)
{
    qvpn_obs o;
    memset(&o, 0, sizeof(o));
    o.esp.present = true;
    o.esp.spi = spi;
    feed(f, &o, t, c, 0, 0);
}

static void reference_flow(flow *f)
{
    qvpn_config cfg;
    qvpn_config_init(&cfg);
    f->eng = qvpn_engine_new(&cfg);
    f->recs = g_array_new(FALSE, TRUE, sizeof(qvpn_tap_rec));
    f->frame = 0;
    tcp(f, 1.0, true, QVPN_TCP_SYN, 0);
    tcp(f, 1.09026, false, QVPN_TCP_SYN | QVPN_TCP_ACK, 0);
    tcp(f, 1.1, true, QVPN_TCP_ACK, 1u << QVPN_TLS_HS_CLIENT_HELLO);
    tcp(f, 1.224581, false, QVPN_TCP_ACK, 1u << QVPN_TLS_HS_SERVER_HELLO);
    mm(f, 36.003017, true, false, 0, QVPN_IKE_EXCH_MAIN_MODE);
    mm(f, 36.100454, false, true, 0, QVPN_IKE_EXCH_MAIN_MODE);
    mm(f, 36.714256, true, true, 7, QVPN_IKE_EXCH_QUICK_MODE);
    mm(f, 37.279513, false, true, 7, QVPN_IKE_EXCH_QUICK_MODE);
    mm(f, 37.283761, true, true, 7, QVPN_IKE_EXCH_QUICK_MODE);
    esp(f, 48.111271, true, 0x8316d0a3);
    esp(f, 48.233459, false, 0x2b28e6ae);
    esp(f, 49.0, true, 0x8316d0a3);
}

static void flow_free(flow *f)
{
    g_array_free(f->recs, TRUE);
    qvpn_engine_free(f->eng);
}

static qvpn_stats *stats_of(const flow *f, guint passes)
{
    qvpn_stats *st = qvpn_stats_new();
    for (guint p = 0; p < passes; p++)              /* a retap without reset */
        for (guint i = 0; i < f->recs->len; i++)
            qvpn_stats_add(st, &g_array_index(f->recs, qvpn_tap_rec, i));
    return st;
}

static void test_rtt(void)
{
    flow f;
    reference_flow(&f);
    qvpn_stats *st = stats_of(&f, 2);
    const qvpn_rtt_agg *mm12 = qvpn_stats_rtt(st, QVPN_RTT_MM12);
    g_assert_cmpuint(mm12->count, ==, 1);
    g_assert_cmpint((mm12->max_ns + 500) / 1000, ==, 97437);
    g_assert_cmpuint(mm12->max_frame, ==, 6);
    g_assert_cmpuint(qvpn_stats_rtt(st, QVPN_RTT_TCP)->count, ==, 1);
    g_assert_cmpuint(qvpn_stats_rtt(st, QVPN_RTT_QM12)->count, ==, 1);
    g_assert_cmpuint(qvpn_stats_rtt(st, QVPN_RTT_MM34)->count, ==, 0);

    GString *out = g_string_new(NULL);
    qvpn_stats_rtt_text(st, "ip.addr==79.189.214.86", out);
    g_assert_nonnull(strstr(out->str, "Filter: ip.addr==79.189.214.86"));
    g_assert_nonnull(strstr(out->str, "IKE MM1->MM2                           1     0.097437"));
    g_assert_nonnull(strstr(out->str, "Session 1: 213.16.33.141 <-> 79.189.214.86"));
    g_string_truncate(out, 0);
    qvpn_stats_rtt_json(st, NULL, out);
    g_assert_nonnull(strstr(out->str, "{\"kind\": \"IKE QM1->QM2\", \"count\": 1, \"min\": 0.565257"));
    g_assert_nonnull(strstr(out->str, "\"filter\": null"));

    /* A reset starts from nothing: the GUI retaps after every re-dissection. */
    qvpn_stats_reset(st);
    g_assert_cmpuint(qvpn_stats_rtt(st, QVPN_RTT_MM12)->count, ==, 0);
    g_string_free(out, TRUE);
    qvpn_stats_free(st);
    flow_free(&f);
}

static void test_sessions(void)
{
    flow f;
    reference_flow(&f);
    qvpn_stats *st = stats_of(&f, 1);
    GString *out = g_string_new(NULL);
    qvpn_stats_sessions_text(st, NULL, out);
    g_assert_nonnull(strstr(out->str, "tcp/443,udp/500"));
    g_assert_nonnull(strstr(out->str, "CPN."));
    g_assert_nonnull(strstr(out->str, "connected\n"));
    g_assert_nonnull(strstr(out->str, "SPI 0x8316d0a3 client->gateway (encaps) 2 pkts"));
    g_assert_nonnull(strstr(out->str, "SPI 0x2b28e6ae gateway->client (decaps) 1 pkt"));
    g_assert_nonnull(strstr(out->str, "VPN sessions: 1\n"));
    g_assert_nonnull(strstr(out->str, "TLS-only attempts: 0\n"));
    g_string_truncate(out, 0);
    qvpn_stats_sessions_json(st, "qvpn", out);
    g_assert_nonnull(strstr(out->str, "\"verdict\": \"connected\""));
    g_assert_nonnull(strstr(out->str, "\"esp_out\": 2, \"esp_in\": 1"));
    g_assert_nonnull(strstr(out->str, "\"expert\": {\"tunnel_up\": 1}"));
    g_assert_nonnull(strstr(out->str, "\"filter\": \"qvpn\""));
    g_string_free(out, TRUE);
    qvpn_stats_free(st);
    flow_free(&f);
}

static void test_tls_only_apart(void)
{
    flow f;
    qvpn_config cfg;
    qvpn_config_init(&cfg);
    f.eng = qvpn_engine_new(&cfg);
    f.recs = g_array_new(FALSE, TRUE, sizeof(qvpn_tap_rec));
    f.frame = 0;
    tcp(&f, 0.0, true, QVPN_TCP_SYN, 0);
    tcp(&f, 0.05, false, QVPN_TCP_SYN | QVPN_TCP_ACK, 0);
    qvpn_stats *st = stats_of(&f, 1);
    GString *out = g_string_new(NULL);
    qvpn_stats_sessions_text(st, NULL, out);
    g_assert_nonnull(strstr(out->str, "VPN sessions: 0\n"));
    g_assert_nonnull(strstr(out->str, "TLS only: no IKE followed"));
    g_assert_nonnull(strstr(out->str, "TLS-only attempts: 1\n"));
    g_string_free(out, TRUE);
    qvpn_stats_free(st);
    flow_free(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qvpn/stats/rtt", test_rtt);
    g_test_add_func("/qvpn/stats/sessions", test_sessions);
    g_test_add_func("/qvpn/stats/tls_only_apart", test_tls_only_apart);
    return g_test_run();
}
