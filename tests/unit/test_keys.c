/* test_keys.c — the engine with what Wireshark decrypted (qvpn_keys.c): a decrypted
 * notify replaces the inferred refusal and is marked observed (decrypted); selectors
 * and SPIs of a child SA; a rekey's Delete is no teardown; inner requests without
 * reply.  The same frames without the decrypted bytes keep the inferred verdicts.
 * Payloads are built byte by byte as RFC 7296 lays them out.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>

#include "qvpn_engine.h"
#include "qvpn_facts.h"

#define BIT(f) (1u << (f))

static const uint8_t CLIENT[4] = { 192, 0, 2, 10 };
static const uint8_t GW[4] = { 198, 51, 100, 1 };
static const uint8_t ISPI[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t RSPI[8] = { 9, 10, 11, 12, 13, 14, 15, 16 };

typedef struct fixture {
    qvpn_engine *eng;
    uint32_t     frame;
    bool         keys;          /* hand the decrypted bytes over */
} fixture;

static void fx_setup(fixture *fx, gconstpointer data)
{
    fx->eng = qvpn_engine_new(NULL);
    fx->frame = 0;
    fx->keys = GPOINTER_TO_INT(data) != 0;
}

static void fx_teardown(fixture *fx, gconstpointer data)
{
    (void)data;
    qvpn_engine_free(fx->eng);
}

static qvpn_addr addr(const uint8_t ip[4])
{
    qvpn_addr a = { .len = 4 };
    memcpy(a.bytes, ip, 4);
    return a;
}

/* A payload chain: (type, body) pairs with their generic headers; returns its length. */
typedef struct { uint8_t type; const uint8_t *body; size_t len; } pl;

static size_t chain(uint8_t *out, const pl *pls, size_t n)
{
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = 4 + pls[i].len;
        out[off] = i + 1 < n ? pls[i + 1].type : 0;
        out[off + 1] = 0;
        out[off + 2] = (uint8_t)(len >> 8);
        out[off + 3] = (uint8_t)len;
        memcpy(out + off + 4, pls[i].body, pls[i].len);
        off += len;
    }
    out[off++] = 0;             /* IKEv2: pad length 0 */
    return off;
}

/* An IKEv2 message observation; dec (len > 0) is the SK payload's plaintext. */
static const qvpn_verdict *feed_v2(fixture *fx, double t, bool from_client, uint8_t exch,
                                   bool response, uint32_t msgid, uint8_t first,
                                   uint16_t length, const uint8_t *dec, size_t dec_len)
{
    qvpn_obs o;
    memset(&o, 0, sizeof(o));
    o.frame = ++fx->frame;
    o.ts_ns = (int64_t)(t * 1e9);
    o.rel_ts_ns = o.ts_ns;
    o.src = addr(from_client ? CLIENT : GW);
    o.dst = addr(from_client ? GW : CLIENT);
    o.sport = o.dport = 500;
    o.ike.present = true;
    o.ike.version = 2;
    o.ike.exch = exch;
    o.ike.flags = (uint8_t)((from_client ? QVPN_IKE_FLAG_V2_INITIATOR : 0) |
                            (response ? QVPN_IKE_FLAG_V2_RESPONSE : 0));
    memcpy(o.ike.ispi, ISPI, 8);
    if (exch != QVPN_IKE_EXCH_SA_INIT || response)
        memcpy(o.ike.rspi, RSPI, 8);
    o.ike.msgid = msgid;
    o.ike.length = length;
    if (first) {
        o.ike.payloads = UINT64_C(1) << QVPN_IKE_PL_V2_SK;
        o.ike.sk_inner = first;
    } else {
        o.ike.payloads = (UINT64_C(1) << QVPN_IKE_PL_V2_SA) | (UINT64_C(1) << 34) |
                         (UINT64_C(1) << 40);
    }
    if (fx->keys && dec_len) {
        o.ike.decrypted.p = dec;
        o.ike.decrypted.len = dec_len;
    }
    return qvpn_engine_feed(fx->eng, &o);
}

/* TS payload body (RFC 7296 3.13): one TS_IPV4_ADDR_RANGE selector. */
static size_t ts_body(uint8_t *out, const uint8_t lo[4], const uint8_t hi[4])
{
    static const uint8_t head[] = { 1, 0, 0, 0, 7, 0, 0, 16, 0, 0, 0xff, 0xff };
    memcpy(out, head, sizeof(head));
    memcpy(out + 12, lo, 4);
    memcpy(out + 16, hi, 4);
    return 20;
}

/* SA payload body: one ESP proposal with a 4-byte SPI and one ENCR transform. */
static size_t sa_body(uint8_t *out, uint32_t spi)
{
    static const uint8_t prop[] = { 0, 0, 0, 20, 1, 3, 4, 1 };
    static const uint8_t tr[] = { 0, 0, 0, 8, 1, 0, 0, 12 };   /* ENCR_AES_CBC */
    memcpy(out, prop, sizeof(prop));
    out[8] = (uint8_t)(spi >> 24);
    out[9] = (uint8_t)(spi >> 16);
    out[10] = (uint8_t)(spi >> 8);
    out[11] = (uint8_t)spi;
    memcpy(out + 12, tr, sizeof(tr));
    return 20;
}

static const uint8_t NET_C_LO[4] = { 192, 168, 5, 0 }, NET_C_HI[4] = { 192, 168, 5, 255 };
static const uint8_t NET_G_LO[4] = { 10, 0, 0, 0 }, NET_G_HI[4] = { 10, 0, 0, 255 };

/* IKE_SA_INIT, then IKE_AUTH asking 192.168.5.0/24 <-> 10.0.0.0/24, answered with
 * IDr, AUTH and TS_UNACCEPTABLE: the IKE SA is up, its child SA refused. */
static const qvpn_verdict *ts_unacceptable(fixture *fx)
{
    static uint8_t req[256], resp[128];
    uint8_t sa[32], tsi[32], tsr[32], id[8] = { 1, 0, 0, 0, 192, 0, 2, 10 };
    uint8_t auth[20] = { 2, 0, 0, 0 }, notify[4] = { 0, 0, 0, 38 };
    size_t nsa = sa_body(sa, 0xc1000001u), ni = ts_body(tsi, NET_C_LO, NET_C_HI);
    size_t nr = ts_body(tsr, NET_G_LO, NET_G_HI);
    const pl rq[] = { { 35, id, 8 }, { 39, auth, 20 }, { 33, sa, nsa }, { 44, tsi, ni },
                      { 45, tsr, nr } };
    const pl rs[] = { { 36, id, 8 }, { 39, auth, 20 }, { 41, notify, 4 } };
    size_t lq = chain(req, rq, 5), ls = chain(resp, rs, 3);

    feed_v2(fx, 0.0, true, QVPN_IKE_EXCH_SA_INIT, false, 0, 0, 300, NULL, 0);
    feed_v2(fx, 0.1, false, QVPN_IKE_EXCH_SA_INIT, true, 0, 0, 300, NULL, 0);
    feed_v2(fx, 0.2, true, QVPN_IKE_EXCH_AUTH, false, 1, 35, 256, req, lq);
    return feed_v2(fx, 0.3, false, QVPN_IKE_EXCH_AUTH, true, 1, 36, 96, resp, ls);
}

static void verdict_text(fixture *fx, const qvpn_verdict *v, char *buf, size_t len)
{
    g_assert_nonnull(v);
    g_assert_nonnull(v->session);
    qvpn_engine_summary(fx->eng, v->session, buf, len);
}

static void test_ts_unacceptable_with_keys(fixture *fx, gconstpointer data)
{
    (void)data;
    char text[512];
    const qvpn_verdict *v = ts_unacceptable(fx);
    g_assert_true(v->findings & BIT(QVPN_FINDING_IKE_NOTIFY));
    g_assert_false(v->findings & BIT(QVPN_FINDING_IKE_AUTH_FAILED));
    g_assert_cmpuint(v->notify_type, ==, 38);
    g_assert_nonnull(v->ev);
    g_assert_true(v->ev->diag_decrypted);
    g_assert_cmpstr(v->ev->dec_notify, ==, "TS_UNACCEPTABLE");
    g_assert_cmpstr(v->ev->identity, ==, "192.0.2.10");
    g_assert_cmpstr(v->session->facts->ts[0], ==, "192.168.5.0/24 <-> 10.0.0.0/24");
    verdict_text(fx, v, text, sizeof(text));
    g_assert_nonnull(strstr(text, "refused by peer: TS_UNACCEPTABLE (decrypted)"));
    g_assert_nonnull(strstr(text, "asked 192.168.5.0/24 <-> 10.0.0.0/24"));
    /* The IKE SA itself is up: READY, not stuck in IN-NEG. */
    g_assert_cmpint(v->ike_state, ==, QVPN_IKE_STATE_V2_READY);
}

static void test_ts_unacceptable_without_keys(fixture *fx, gconstpointer data)
{
    (void)data;
    char text[512];
    const qvpn_verdict *v = ts_unacceptable(fx);
    /* A 96-byte IKE_AUTH answer opening with IDr, not a Notify: nothing is inferred
     * from it, and nothing decrypted is claimed. */
    g_assert_false(v->findings & BIT(QVPN_FINDING_IKE_NOTIFY));
    g_assert_true(v->ev == NULL || !v->ev->decrypted);
    verdict_text(fx, v, text, sizeof(text));
    g_assert_null(strstr(text, "decrypted"));
}

/* An IKE_AUTH answered by AUTHENTICATION_FAILED alone: inferred without keys, observed
 * with them. */
static void test_auth_failed_both_ways(fixture *fx, gconstpointer data)
{
    (void)data;
    static uint8_t resp[16];
    uint8_t notify[4] = { 0, 0, 0, 24 };
    const pl rs[] = { { 41, notify, 4 } };
    size_t ls = chain(resp, rs, 1);
    char text[512];

    feed_v2(fx, 0.0, true, QVPN_IKE_EXCH_SA_INIT, false, 0, 0, 300, NULL, 0);
    feed_v2(fx, 0.1, false, QVPN_IKE_EXCH_SA_INIT, true, 0, 0, 300, NULL, 0);
    feed_v2(fx, 0.2, true, QVPN_IKE_EXCH_AUTH, false, 1, 35, 256, NULL, 0);
    const qvpn_verdict *v = feed_v2(fx, 0.3, false, QVPN_IKE_EXCH_AUTH, true, 1, 41, 80,
                                    resp, ls);
    verdict_text(fx, v, text, sizeof(text));
    if (fx->keys) {
        g_assert_true(v->findings & BIT(QVPN_FINDING_IKE_NOTIFY));
        g_assert_false(v->findings & BIT(QVPN_FINDING_IKE_AUTH_FAILED));
        g_assert_true(v->ev && v->ev->diag_decrypted);
        g_assert_nonnull(strstr(text, "AUTHENTICATION_FAILED (decrypted)"));
    } else {
        g_assert_true(v->findings & BIT(QVPN_FINDING_IKE_AUTH_FAILED));
        g_assert_nonnull(strstr(text, "IKE_AUTH refused"));
    }
}

/* A child SA created, rekeyed by CREATE_CHILD_SA, the old SPI deleted: a rekey, no
 * teardown; then the IKE SA deleted: the teardown. */
static void test_rekey_delete(fixture *fx, gconstpointer data)
{
    (void)data;
    static uint8_t b[6][256];
    uint8_t sa1[32], sa2[32], sa3[32], sa4[32], tsi[32], tsr[32];
    uint8_t del[8] = { 3, 4, 0, 1, 0xc1, 0, 0, 1 }, del_ike[4] = { 1, 0, 0, 0 };
    size_t ni = ts_body(tsi, NET_C_LO, NET_C_HI), nr = ts_body(tsr, NET_G_LO, NET_G_HI);
    sa_body(sa1, 0xc1000001u);
    sa_body(sa2, 0xc2000002u);
    sa_body(sa3, 0xc3000003u);
    sa_body(sa4, 0xc4000004u);
    const pl a_rq[] = { { 33, sa1, 20 }, { 44, tsi, ni }, { 45, tsr, nr } };
    const pl a_rs[] = { { 33, sa2, 20 }, { 44, tsi, ni }, { 45, tsr, nr } };
    const pl c_rq[] = { { 33, sa3, 20 }, { 44, tsi, ni }, { 45, tsr, nr } };
    const pl c_rs[] = { { 33, sa4, 20 }, { 44, tsi, ni }, { 45, tsr, nr } };
    const pl d_rq[] = { { 42, del, 8 } };
    const pl d_ike[] = { { 42, del_ike, 4 } };
    size_t l0 = chain(b[0], a_rq, 3), l1 = chain(b[1], a_rs, 3), l2 = chain(b[2], c_rq, 3);
    size_t l3 = chain(b[3], c_rs, 3), l4 = chain(b[4], d_rq, 1), l5 = chain(b[5], d_ike, 1);

    feed_v2(fx, 0.0, true, QVPN_IKE_EXCH_SA_INIT, false, 0, 0, 300, NULL, 0);
    feed_v2(fx, 0.1, false, QVPN_IKE_EXCH_SA_INIT, true, 0, 0, 300, NULL, 0);
    feed_v2(fx, 0.2, true, QVPN_IKE_EXCH_AUTH, false, 1, 33, 300, b[0], l0);
    const qvpn_verdict *v = feed_v2(fx, 0.3, false, QVPN_IKE_EXCH_AUTH, true, 1, 33, 300,
                                    b[1], l1);
    g_assert_cmpstr(v->ev->child_sa, ==,
                    "0xc1000001/0xc2000002 192.168.5.0/24 <-> 10.0.0.0/24");
    feed_v2(fx, 40.0, true, QVPN_IKE_EXCH_CHILD_SA, false, 2, 33, 300, b[2], l2);
    feed_v2(fx, 40.1, false, QVPN_IKE_EXCH_CHILD_SA, true, 2, 33, 300, b[3], l3);
    /* 50 s after the CREATE_CHILD_SA: past the keyless rekey window, still a rekey. */
    v = feed_v2(fx, 90.0, true, QVPN_IKE_EXCH_INFO_V2, false, 3, 42, 80, b[4], l4);
    g_assert_true(v->findings & BIT(QVPN_FINDING_SA_DELETED));
    g_assert_nonnull(strstr(v->ev->del, "ESP 0xc1000001"));
    g_assert_nonnull(strstr(v->ev->del, "rekeyed"));
    g_assert_cmpint(v->phase, !=, QVPN_PHASE_TEARDOWN);
    v = feed_v2(fx, 95.0, true, QVPN_IKE_EXCH_INFO_V2, false, 4, 42, 80, b[5], l5);
    g_assert_cmpstr(v->ev->del, ==, "IKE SA by client");
    g_assert_cmpint(v->phase, ==, QVPN_PHASE_TEARDOWN);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/keys/ts_unacceptable/with_keys", fixture, GINT_TO_POINTER(1), fx_setup,
               test_ts_unacceptable_with_keys, fx_teardown);
    g_test_add("/keys/ts_unacceptable/without_keys", fixture, GINT_TO_POINTER(0), fx_setup,
               test_ts_unacceptable_without_keys, fx_teardown);
    g_test_add("/keys/auth_failed/with_keys", fixture, GINT_TO_POINTER(1), fx_setup,
               test_auth_failed_both_ways, fx_teardown);
    g_test_add("/keys/auth_failed/without_keys", fixture, GINT_TO_POINTER(0), fx_setup,
               test_auth_failed_both_ways, fx_teardown);
    g_test_add("/keys/rekey_delete", fixture, GINT_TO_POINTER(1), fx_setup,
               test_rekey_delete, fx_teardown);
    return g_test_run();
}
