/* test_evidence.c — the engine's use of what the clear bytes show (qvpn_evidence.c):
 * NAT-D recomputed, NAT-T blocked, raw ESP through NAT, ICMP errors joining their
 * session, refused legacy offers.  Messages are built byte by byte as RFC 2408/3947
 * lay them out and read by the core's own wire readers, as the glue hands them over.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>

#include "qvpn_engine.h"
#include "qvpn_facts.h"
#include "qvpn_ike_sa.h"
#include "qvpn_wire.h"

#define BIT(f) (1u << (f))

typedef struct fixture {
    qvpn_engine *eng;
    uint32_t     frame;
    uint8_t      buf[64][512];  /* the frames' bytes: spans must outlive the feed */
} fixture;

static const uint8_t CLIENT_IP[4] = { 203, 0, 113, 7 };   /* the NAT's public address */
static const uint8_t PRIVATE_IP[4] = { 192, 168, 1, 34 };  /* the client behind it */
static const uint8_t GW_IP[4] = { 198, 51, 100, 21 };
static const uint8_t ICOOKIE[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t RCOOKIE[8] = { 9, 10, 11, 12, 13, 14, 15, 16 };

static qvpn_addr addr(const uint8_t ip[4])
{
    qvpn_addr a = { .len = 4 };
    memcpy(a.bytes, ip, 4);
    return a;
}

static void fx_setup(fixture *fx, gconstpointer data)
{
    (void)data;
    fx->eng = qvpn_engine_new(NULL);
    fx->frame = 0;
}

static void fx_teardown(fixture *fx, gconstpointer data)
{
    (void)data;
    qvpn_engine_free(fx->eng);
}

/* An IKEv1 message: the 28-byte header (RFC 2408 3.1), then payloads given as
 * (type, body) pairs, chained by their generic headers. */
typedef struct { uint8_t type; const uint8_t *body; size_t len; } pl;

static size_t v1_message(uint8_t *out, uint8_t exch, bool rspi, uint8_t flags,
                         const pl *pls, size_t n)
{
    size_t off = 28;
    memset(out, 0, 28);
    memcpy(out, ICOOKIE, 8);
    if (rspi)
        memcpy(out + 8, RCOOKIE, 8);
    out[16] = n ? pls[0].type : 0;
    out[17] = 0x10;
    out[18] = exch;
    out[19] = flags;
    for (size_t i = 0; i < n; i++) {
        size_t len = 4 + pls[i].len;
        out[off] = i + 1 < n ? pls[i + 1].type : 0;
        out[off + 2] = (uint8_t)(len >> 8);
        out[off + 3] = (uint8_t)len;
        memcpy(out + off + 4, pls[i].body, pls[i].len);
        off += len;
    }
    out[24] = (uint8_t)(off >> 24);
    out[25] = (uint8_t)(off >> 16);
    out[26] = (uint8_t)(off >> 8);
    out[27] = (uint8_t)off;
    return off;
}

/* The observation the glue makes of an ISAKMP message at `msg`. */
static const qvpn_verdict *feed_ike(fixture *fx, double t, bool from_client, uint16_t port,
                                    const uint8_t *msg, size_t len)
{
    qvpn_obs o;
    qvpn_isakmp_hdr h;
    qvpn_ike_summary sum;
    memset(&o, 0, sizeof(o));
    o.frame = ++fx->frame;
    o.ts_ns = o.rel_ts_ns = (int64_t)(t * 1e9);
    o.src = addr(from_client ? CLIENT_IP : GW_IP);
    o.dst = addr(from_client ? GW_IP : CLIENT_IP);
    o.sport = o.dport = port;
    g_assert_true(qvpn_isakmp_read(msg, len, &h));
    qvpn_ike_summarise(msg, len, &h, &sum);
    o.ike.present = true;
    o.ike.version = h.major;
    o.ike.exch = h.exch;
    o.ike.flags = h.flags;
    memcpy(o.ike.ispi, h.ispi, 8);
    memcpy(o.ike.rspi, h.rspi, 8);
    o.ike.msgid = h.msgid;
    o.ike.length = h.length;
    o.ike.payloads = sum.payloads;
    memcpy(o.ike.notify, sum.notify, sizeof(o.ike.notify));
    o.ike.n_notify = sum.n_notify;
    o.ike.nat_t = port == 4500;
    o.ike.msg.p = msg;
    o.ike.msg.len = len;
    return qvpn_engine_feed(fx->eng, &o);
}

/* MM1 (SA with `transforms` IKEv1 transforms of attributes enc/hash/auth/group) or MM2. */
static size_t mm_sa(uint8_t *out, bool response, const uint16_t (*tr)[4], size_t n)
{
    uint8_t sa[256];
    size_t off = 8;
    memset(sa, 0, sizeof(sa));
    sa[3] = 1;                              /* DOI IPsec */
    sa[7] = 1;                              /* situation identity only */
    size_t prop = off;
    off += 8;                               /* proposal header */
    for (size_t i = 0; i < n; i++) {
        size_t t = off;
        sa[t] = i + 1 < n ? 3 : 0;
        sa[t + 4] = (uint8_t)(i + 1);
        sa[t + 5] = 1;                      /* KEY_IKE */
        off += 8;
        for (int a = 0; a < 4; a++) {       /* TV attributes 1-4 */
            sa[off] = 0x80;
            sa[off + 1] = (uint8_t)(a + 1);
            sa[off + 2] = (uint8_t)(tr[i][a] >> 8);
            sa[off + 3] = (uint8_t)tr[i][a];
            off += 4;
        }
        sa[t + 2] = (uint8_t)((off - t) >> 8);
        sa[t + 3] = (uint8_t)(off - t);
    }
    sa[prop + 2] = (uint8_t)((off - prop) >> 8);
    sa[prop + 3] = (uint8_t)(off - prop);
    sa[prop + 4] = 1;                       /* proposal 1 */
    sa[prop + 5] = 1;                       /* PROTO_ISAKMP */
    sa[prop + 7] = (uint8_t)n;
    pl p = { QVPN_IKE_PL_SA, sa, off };
    return v1_message(out, QVPN_IKE_EXCH_MAIN_MODE, response, 0, &p, 1);
}

/* MM3/MM4: KE, Nonce and two NAT-D payloads (destination, then source), hashed with
 * SHA1 (the hash the MM2 below chooses) over the given addresses. */
static size_t mm_ke(uint8_t *out, const uint8_t dst[4], const uint8_t src[4])
{
    static const uint8_t ke[128], nonce[16];
    uint8_t hd[QVPN_NATD_MAX_HASH], hs[QVPN_NATD_MAX_HASH];
    qvpn_addr d = addr(dst), s = addr(src);
    g_assert_cmpuint(qvpn_natd_hash(1, 2, ICOOKIE, RCOOKIE, &d, 500, hd), ==, 20);
    g_assert_cmpuint(qvpn_natd_hash(1, 2, ICOOKIE, RCOOKIE, &s, 500, hs), ==, 20);
    pl p[] = { { QVPN_IKE_PL_KE, ke, sizeof(ke) }, { QVPN_IKE_PL_NONCE, nonce, sizeof(nonce) },
               { QVPN_IKE_PL_NATD, hd, 20 }, { QVPN_IKE_PL_NATD, hs, 20 } };
    return v1_message(out, QVPN_IKE_EXCH_MAIN_MODE, true, 0, p, 4);
}

static const uint16_t CHOICE[][4] = { { 5, 2, 1, 2 } };         /* 3DES/SHA1/PSK/MODP1024 */

/* MM1, MM2, then MM3 from the client whose source hash names `client_src`. */
static const qvpn_verdict *up_to_mm3(fixture *fx, const uint8_t client_src[4])
{
    size_t n = mm_sa(fx->buf[0], false, CHOICE, 1);
    g_assert_nonnull(feed_ike(fx, 1.0, true, 500, fx->buf[0], n));
    n = mm_sa(fx->buf[1], true, CHOICE, 1);
    const qvpn_verdict *v = feed_ike(fx, 1.05, false, 500, fx->buf[1], n);
    g_assert_nonnull(v->ev);
    g_assert_cmpstr(v->ev->chosen, ==, "3DES/SHA1/PSK/MODP1024");
    n = mm_ke(fx->buf[2], GW_IP, client_src);
    return feed_ike(fx, 1.1, true, 500, fx->buf[2], n);
}

static void test_natd_client_behind_nat(fixture *fx, gconstpointer data)
{
    (void)data;
    /* The client hashed its private address; the packet carries the NAT's. */
    const qvpn_verdict *v = up_to_mm3(fx, PRIVATE_IP);
    g_assert_nonnull(v->ev);
    g_assert_true(v->ev->nat_seen);
    g_assert_cmpuint(v->ev->nat, ==, QVPN_NAT_CLIENT);
    g_assert_true(v->findings & BIT(QVPN_FINDING_NAT_DETECTED));
    /* The gateway's MM4 hashes what it sees: no NAT between it and the capture point. */
    size_t n = mm_ke(fx->buf[3], CLIENT_IP, GW_IP);
    v = feed_ike(fx, 1.5, false, 500, fx->buf[3], n);
    g_assert_true(v->ev->nat_seen);
    g_assert_cmpuint(v->ev->nat, ==, 0);
    g_assert_false(v->findings & BIT(QVPN_FINDING_NAT_DETECTED));     /* told once */
    g_assert_cmpuint(v->session->facts->nat, ==, QVPN_NAT_CLIENT);
    /* Raw ESP (IP 50) now cannot pass the NAT. */
    qvpn_obs o;
    memset(&o, 0, sizeof(o));
    o.frame = ++fx->frame;
    o.ts_ns = o.rel_ts_ns = 3000000000;
    o.src = addr(CLIENT_IP);
    o.dst = addr(GW_IP);
    o.esp.present = true;
    o.esp.spi = 0x1234;
    v = qvpn_engine_feed(fx->eng, &o);
    g_assert_true(v->findings & BIT(QVPN_FINDING_NAT_RAW_ESP));
}

static void test_natd_matching_and_inconclusive(fixture *fx, gconstpointer data)
{
    (void)data;
    const qvpn_verdict *v = up_to_mm3(fx, CLIENT_IP);
    g_assert_true(v->ev->nat_seen);
    g_assert_cmpuint(v->ev->nat, ==, 0);
    g_assert_false(v->findings & BIT(QVPN_FINDING_NAT_DETECTED));
    /* Neither hash matching (addresses rewritten in the file): no claim at all. */
    size_t n = mm_ke(fx->buf[3], PRIVATE_IP, PRIVATE_IP);
    v = feed_ike(fx, 1.5, false, 500, fx->buf[3], n);
    g_assert_true(v->ev == NULL || !v->ev->nat_seen);
    g_assert_cmpuint(v->session->facts->nat, ==, 0);
}

static void test_natt_blocked(fixture *fx, gconstpointer data)
{
    (void)data;
    up_to_mm3(fx, PRIVATE_IP);
    size_t n = mm_ke(fx->buf[3], CLIENT_IP, GW_IP);
    feed_ike(fx, 1.5, false, 500, fx->buf[3], n);                 /* answered on 500 */
    static const uint8_t cipher[64];
    pl p = { QVPN_IKE_PL_ID, cipher, sizeof(cipher) };
    n = v1_message(fx->buf[4], QVPN_IKE_EXCH_MAIN_MODE, true, QVPN_IKE_FLAG_V1_ENCRYPTED, &p, 1);
    const qvpn_verdict *v = NULL;
    for (int i = 0; i < 3; i++)                                   /* MM5 on 4500, thrice */
        v = feed_ike(fx, 1.6 + i * 2.0, true, 4500, fx->buf[4], n);
    g_assert_cmpuint(v->ike_msg, ==, QVPN_IKE_MSG_MM5);
    g_assert_true(v->findings & BIT(QVPN_FINDING_NATT_BLOCKED));
    g_assert_false(v->findings & BIT(QVPN_FINDING_MM_STALL));     /* named, not guessed */
}

/* ICMP port unreachable (RFC 792) quoting the MM1 sent to the gateway. */
static size_t icmp_quoting_mm1(uint8_t *out)
{
    memset(out, 0, 36);
    out[0] = 3;                             /* destination unreachable */
    out[1] = 3;                             /* port unreachable */
    uint8_t *ip = out + 8;
    ip[0] = 0x45;
    ip[3] = 48;
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, CLIENT_IP, 4);
    memcpy(ip + 16, GW_IP, 4);
    uint8_t *udp = ip + 20;
    udp[0] = 0x01, udp[1] = 0xf4;           /* 500 -> 500 */
    udp[2] = 0x01, udp[3] = 0xf4;
    udp[5] = 28;
    return 36;
}

static void test_icmp_joins_its_session(fixture *fx, gconstpointer data)
{
    (void)data;
    static const uint16_t legacy[][4] = { { 1, 1, 1, 1 } };      /* DES/MD5/PSK/MODP768 */
    size_t n = mm_sa(fx->buf[0], false, legacy, 1);
    const qvpn_verdict *mm1 = feed_ike(fx, 1.0, true, 500, fx->buf[0], n);
    g_assert_true(mm1->findings & BIT(QVPN_FINDING_LEGACY_CRYPTO));
    g_assert_cmpstr(mm1->ev->offered, ==, "DES/MD5/PSK/MODP768");

    qvpn_obs o;
    memset(&o, 0, sizeof(o));
    o.frame = ++fx->frame;
    o.ts_ns = o.rel_ts_ns = 1001000000;
    o.src = addr(GW_IP);
    o.dst = addr(CLIENT_IP);
    o.icmp.len = icmp_quoting_mm1(fx->buf[1]);
    o.icmp.p = fx->buf[1];
    const qvpn_verdict *v = qvpn_engine_feed(fx->eng, &o);
    g_assert_nonnull(v);
    g_assert_true(v->session == mm1->session);
    g_assert_cmpuint(v->step, ==, QVPN_STEP_ICMP);
    g_assert_true(v->findings & BIT(QVPN_FINDING_ICMP_ERROR));
    g_assert_nonnull(strstr(v->ev->icmp, "port unreachable"));
    g_assert_nonnull(strstr(v->ev->icmp, "UDP 500"));
    g_assert_nonnull(strstr(v->ev->icmp, "from the gateway"));

    /* An error quoting a conversation qvpn does not know starts nothing. */
    memcpy(fx->buf[2], fx->buf[1], 36);
    fx->buf[2][8 + 19] = 99;                /* another destination */
    o.frame = ++fx->frame;
    o.icmp.p = fx->buf[2];
    g_assert_null(qvpn_engine_feed(fx->eng, &o));
    g_assert_cmpuint(qvpn_engine_session_count(fx->eng), ==, 1);
}

static void test_refused_legacy_offer(fixture *fx, gconstpointer data)
{
    (void)data;
    static const uint16_t legacy[][4] = { { 1, 1, 1, 1 }, { 5, 1, 1, 2 } };
    size_t n = mm_sa(fx->buf[0], false, legacy, 2);
    feed_ike(fx, 1.0, true, 500, fx->buf[0], n);
    /* NO-PROPOSAL-CHOSEN (14), cleartext Informational: DOI, protocol, SPI size, type. */
    static const uint8_t no_proposal[] = { 0, 0, 0, 1, 1, 0, 0, 14 };
    pl p = { QVPN_IKE_PL_NOTIFY, no_proposal, sizeof(no_proposal) };
    n = v1_message(fx->buf[1], QVPN_IKE_EXCH_INFO_V1, false, 0, &p, 1);
    const qvpn_verdict *v = feed_ike(fx, 1.05, false, 500, fx->buf[1], n);
    g_assert_true(v->findings & BIT(QVPN_FINDING_IKE_NOTIFY));
    g_assert_true(v->findings & BIT(QVPN_FINDING_PROPOSAL_REFUSED));
    g_assert_nonnull(v->offer);
    g_assert_nonnull(strstr(v->offer, "DES/MD5/PSK/MODP768"));
    char buf[512];
    qvpn_engine_summary(fx->eng, v->session, buf, sizeof(buf));
    g_assert_nonnull(strstr(buf, "NO-PROPOSAL-CHOSEN"));
    g_assert_nonnull(strstr(buf, "offered: DES/MD5/PSK/MODP768"));
}

#define ADD(path, fn) g_test_add(path, fixture, NULL, fx_setup, fn, fx_teardown)

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ADD("/qvpn/evidence/natd_client_behind_nat", test_natd_client_behind_nat);
    ADD("/qvpn/evidence/natd_matching_and_inconclusive", test_natd_matching_and_inconclusive);
    ADD("/qvpn/evidence/natt_blocked", test_natt_blocked);
    ADD("/qvpn/evidence/icmp_joins_its_session", test_icmp_joins_its_session);
    ADD("/qvpn/evidence/refused_legacy_offer", test_refused_legacy_offer);
    return g_test_run();
}
