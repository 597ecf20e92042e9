/* test_ike_sa.c — unit tests of the SA proposal, notification-data and NAT-D readers
 * (plugin/core/qvpn_ike_sa.h) and the Vendor ID table (plugin/core/qvpn_vendor.h),
 * on real messages (ike_samples.h says which capture and frame each comes from).
 *
 * Expected values are Wireshark 4.0's dissection of the same frames, by
 *   tshark -r captures/public/CAPTURE -Y 'frame.number==N' -T fields -E occurrence=a \
 *       -E aggregator=, -e FIELD...
 * with the fields each test names; its output is quoted where it is used.  The NAT-D
 * hashes are recomputed from the cookies, addresses and ports tshark shows (ip.src,
 * ip.dst, udp.srcport, udp.dstport, isakmp.ispi, isakmp.rspi) and compared with
 * isakmp.ike.nat_hash / isakmp.notify.data.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>

#include "qvpn_ike_sa.h"
#include "qvpn_vendor.h"
#include "qvpn_wire.h"
#include "ike_samples.h"

/* A heap copy of exactly len bytes: a read past the span is a heap overflow under
 * ASan and valgrind rather than a read of the next array. */
static uint8_t *dup_exact(const uint8_t *p, size_t len)
{
    uint8_t *q = g_malloc(len ? len : 1);
    if (len)
        memcpy(q, p, len);
    return q;
}

/* The nth payload (from 0) of the given type in the message. */
static bool find_payload(const uint8_t *msg, size_t len, uint8_t type, unsigned nth,
                         qvpn_ike_payload *out)
{
    qvpn_isakmp_hdr h;
    qvpn_ike_iter it;

    if (!qvpn_isakmp_read(msg, len, &h))
        return false;
    qvpn_ike_iter_init(&it, msg, len, &h);
    while (qvpn_ike_payload_next(&it, out))
        if (out->type == type && nth-- == 0)
            return true;
    return false;
}

static void read_sa(const uint8_t *msg, size_t len, uint8_t major, qvpn_ike_suites *ss)
{
    qvpn_ike_payload pl;

    g_assert_true(find_payload(msg, len, major == 1 ? QVPN_IKE_PL_SA : QVPN_IKE_PL_V2_SA, 0, &pl));
    g_assert_true(qvpn_ike_sa_read(major, &pl, ss));
    g_assert_false(ss->malformed);
}

static void assert_suite_text(const qvpn_ike_suite *s, const char *want)
{
    char buf[256];

    g_assert_cmpuint(qvpn_ike_suite_text(s, buf, sizeof(buf)), ==, strlen(want));
    g_assert_cmpstr(buf, ==, want);
}

/* The Vendor ID payloads of a message, as the table names them. */
static unsigned vendor_names(const uint8_t *msg, size_t len, uint8_t type,
                             const char **names, unsigned max)
{
    qvpn_ike_payload pl;
    unsigned n = 0;

    while (n < max && find_payload(msg, len, type, n, &pl)) {
        const qvpn_vid *row = qvpn_vid_lookup(pl.body, pl.body_len);
        names[n++] = row ? row->name : NULL;
    }
    return n;
}

/* --- IKEv1 SA ------------------------------------------------------------------ */

/* tcpdump__isakmp4500.pcap frame 3, tshark: isakmp.prop.protoid 1;
 * isakmp.ike.attr.encryption_algorithm 5,5,5,5; .hash_algorithm 1,2,2,1;
 * .authentication_method 3,3,3,3; .group_description 5,5,2,2; .life_type 1,1,1,1;
 * .life_duration 3600,3600,3600,3600; no key length. */
static void test_v1_openswan_mm1(void)
{
    qvpn_ike_suites ss;
    static const uint16_t hash[4] = { 1, 2, 2, 1 }, group[4] = { 5, 5, 2, 2 };

    read_sa(v1_mm1_openswan, sizeof(v1_mm1_openswan), 1, &ss);
    g_assert_cmpuint(ss.n, ==, 4);
    g_assert_cmpuint(ss.dropped, ==, 0);
    for (unsigned i = 0; i < 4; i++) {
        const qvpn_ike_suite *s = &ss.s[i];
        g_assert_cmpuint(s->major, ==, 1);
        g_assert_cmpuint(s->protocol, ==, 1);
        g_assert_cmpuint(s->proposal, ==, 0);
        g_assert_cmpuint(s->n_encr, ==, 1);
        g_assert_cmpuint(s->encr[0], ==, 5);
        g_assert_cmpuint(s->encr_bits[0], ==, 0);
        g_assert_cmpuint(s->prf[0], ==, hash[i]);
        g_assert_cmpuint(s->auth, ==, 3);
        g_assert_cmpuint(s->dh[0], ==, group[i]);
        g_assert_cmpuint(s->life_s, ==, 3600);
        g_assert_cmpuint(s->life_kb, ==, 0);
    }
    assert_suite_text(&ss.s[0], "3DES/MD5/RSA-SIG/MODP1536/3600s");
    assert_suite_text(&ss.s[2], "3DES/SHA1/RSA-SIG/MODP1024/3600s");

    g_assert_cmpuint(qvpn_ike_suite_weak(&ss.s[0]), ==,
                     QVPN_WEAK_3DES | QVPN_WEAK_MD5 | QVPN_WEAK_DH_1536);
    g_assert_cmpuint(qvpn_ike_suite_weak(&ss.s[2]), ==,
                     QVPN_WEAK_3DES | QVPN_WEAK_SHA1 | QVPN_WEAK_DH_1024);
    /* MD5 is its only hash: refused everywhere.  SHA1 is only deprecated. */
    g_assert_true(qvpn_ike_suite_all_refusable(&ss.s[0]));
    g_assert_false(qvpn_ike_suite_all_refusable(&ss.s[1]));

    char buf[512];
    qvpn_ike_suites_text(&ss, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "3DES/MD5/RSA-SIG/MODP1536/3600s; 3DES/SHA1/RSA-SIG/MODP1536/3600s; "
                             "3DES/SHA1/RSA-SIG/MODP1024/3600s; 3DES/MD5/RSA-SIG/MODP1024/3600s");
}

/* zeek-spicy-ipsec__ipsec.cap frames 1 and 4, tshark: encryption_algorithm 5,
 * hash_algorithm 2, authentication_method 1, group_description 2, life_type 1,
 * life_duration 7800 (both frames). */
static void test_v1_strongswan(void)
{
    qvpn_ike_suites ss;

    read_sa(v1_mm1_strongswan, sizeof(v1_mm1_strongswan), 1, &ss);
    g_assert_cmpuint(ss.n, ==, 1);
    assert_suite_text(&ss.s[0], "3DES/SHA1/PSK/MODP1024/7800s");
    read_sa(v1_mm2_strongswan, sizeof(v1_mm2_strongswan), 1, &ss);
    g_assert_cmpuint(ss.n, ==, 1);
    assert_suite_text(&ss.s[0], "3DES/SHA1/PSK/MODP1024/7800s");
    g_assert_false(qvpn_ike_suite_all_refusable(&ss.s[0]));
}

/* zeek-spicy-ipsec__ipsec-ikev1-isakmp-aggressive-mode.pcap frame 2, tshark:
 * encryption_algorithm 7, hash_algorithm 2, authentication_method 1,
 * group_description 2, life_type 1, life_duration 86400, key_length 128.
 * arkime__IKEv1.pcap frame 2: 7, 6, 1, 20, 1, 28800, 256. */
static void test_v1_key_length(void)
{
    qvpn_ike_suites ss;

    read_sa(v1_am2_cisco, sizeof(v1_am2_cisco), 1, &ss);
    g_assert_cmpuint(ss.n, ==, 1);
    g_assert_cmpuint(ss.s[0].encr_bits[0], ==, 128);
    assert_suite_text(&ss.s[0], "AES-CBC-128/SHA1/PSK/MODP1024/86400s");
    g_assert_cmpuint(qvpn_ike_suite_weak(&ss.s[0]), ==, QVPN_WEAK_SHA1 | QVPN_WEAK_DH_1024);

    read_sa(v1_mm2_fortigate, sizeof(v1_mm2_fortigate), 1, &ss);
    assert_suite_text(&ss.s[0], "AES-CBC-256/SHA2-512/PSK/ECP384/28800s");
    g_assert_cmpuint(qvpn_ike_suite_weak(&ss.s[0]), ==, 0);
}

/* Phase 2 has no cleartext sample in captures/public (Quick Mode is encrypted), so
 * this Quick Mode message was built by hand after RFC 2407 4.5 and checked with
 * tshark 4.0 (written to a pcap with scapy): Protocol ID IPSEC_ESP (3), SPI c0ffee01,
 * Transform 1: Transform ID AES (12), SA-Life-Type Seconds, SA-Life-Duration (t=2,l=4)
 * 3600, Group-Description 2, Encapsulation-Mode Tunnel, Authentication-Algorithm
 * HMAC-SHA (2), Key-Length 256; Transform 2: 3DES (3), SA-Life-Type Kilobytes,
 * SA-Life-Duration (t=2,l=8) 4294967296, HMAC-MD5 (1), Group-Description 1, Tunnel. */
static const uint8_t v1_qm_esp[] = {
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x11, 0x12, 0x13, 0x14,
    0x15, 0x16, 0x17, 0x18, 0x01, 0x10, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x84, 0x0a, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00, 0x01,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x54, 0x01, 0x03, 0x04, 0x02,
    0xc0, 0xff, 0xee, 0x01, 0x03, 0x00, 0x00, 0x24, 0x01, 0x0c, 0x00, 0x00,
    0x80, 0x01, 0x00, 0x01, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x0e, 0x10,
    0x80, 0x03, 0x00, 0x02, 0x80, 0x04, 0x00, 0x01, 0x80, 0x05, 0x00, 0x02,
    0x80, 0x06, 0x01, 0x00, 0x00, 0x00, 0x00, 0x24, 0x02, 0x03, 0x00, 0x00,
    0x80, 0x01, 0x00, 0x02, 0x00, 0x02, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01,
    0x00, 0x00, 0x00, 0x00, 0x80, 0x05, 0x00, 0x01, 0x80, 0x03, 0x00, 0x01,
    0x80, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x01, 0x02, 0x03, 0x04,
};

static void test_v1_phase2(void)
{
    qvpn_ike_suites ss;

    read_sa(v1_qm_esp, sizeof(v1_qm_esp), 1, &ss);
    g_assert_cmpuint(ss.n, ==, 2);
    g_assert_cmpuint(ss.s[0].protocol, ==, 3);
    g_assert_cmpuint(ss.s[0].proposal, ==, 1);
    g_assert_cmpuint(ss.s[0].encr[0], ==, 12);
    g_assert_cmpuint(ss.s[0].encr_bits[0], ==, 256);
    g_assert_cmpuint(ss.s[0].integ[0], ==, 2);
    g_assert_cmpuint(ss.s[0].dh[0], ==, 2);
    g_assert_cmpuint(ss.s[0].life_s, ==, 3600);
    g_assert_cmpuint(ss.s[0].auth, ==, 0);
    assert_suite_text(&ss.s[0], "ESP-AES-CBC-256/HMAC-SHA1/MODP1024/3600s");
    /* A 64-bit duration does not fit: clamped. */
    g_assert_cmpuint(ss.s[1].life_kb, ==, UINT32_MAX);
    g_assert_cmpuint(ss.s[1].life_s, ==, 0);
    assert_suite_text(&ss.s[1], "ESP-3DES/HMAC-MD5/MODP768/4294967295KB");
    g_assert_cmpuint(qvpn_ike_suite_weak(&ss.s[1]), ==,
                     QVPN_WEAK_3DES | QVPN_WEAK_MD5 | QVPN_WEAK_DH_768);
    g_assert_true(qvpn_ike_suite_all_refusable(&ss.s[1]));
    g_assert_false(qvpn_ike_suite_all_refusable(&ss.s[0]));
}

/* --- IKEv2 SA ------------------------------------------------------------------ */

/* zeek-spicy-ipsec__ipsec_client.pcap frame 1, tshark: isakmp.prop.number 1..12,
 * isakmp.tf.id.encr 3,3,3,12,12,12,12,12,12,12,12,12; isakmp.ike2.attr.key_length
 * 128,128,128,192,192,192,256,256,256; isakmp.tf.id.prf 2,5,6 (x4);
 * isakmp.tf.id.integ 2,12,13 (x4); isakmp.tf.id.dh 2 (x12). */
static void test_v2_windows(void)
{
    qvpn_ike_suites ss;
    static const uint16_t prf[3] = { 2, 5, 6 }, integ[3] = { 2, 12, 13 };
    static const uint16_t bits[12] = { 0, 0, 0, 128, 128, 128, 192, 192, 192, 256, 256, 256 };

    read_sa(v2_init_windows, sizeof(v2_init_windows), 2, &ss);
    g_assert_cmpuint(ss.n, ==, 12);
    g_assert_cmpuint(ss.dropped, ==, 0);
    for (unsigned i = 0; i < 12; i++) {
        const qvpn_ike_suite *s = &ss.s[i];
        g_assert_cmpuint(s->major, ==, 2);
        g_assert_cmpuint(s->proposal, ==, i + 1);
        g_assert_cmpuint(s->protocol, ==, 1);
        g_assert_cmpuint(s->n_encr, ==, 1);
        g_assert_cmpuint(s->encr[0], ==, i < 3 ? 3 : 12);
        g_assert_cmpuint(s->encr_bits[0], ==, bits[i]);
        g_assert_cmpuint(s->n_prf, ==, 1);
        g_assert_cmpuint(s->prf[0], ==, prf[i % 3]);
        g_assert_cmpuint(s->n_integ, ==, 1);
        g_assert_cmpuint(s->integ[0], ==, integ[i % 3]);
        g_assert_cmpuint(s->n_dh, ==, 1);
        g_assert_cmpuint(s->dh[0], ==, 2);
        g_assert_cmpuint(s->more, ==, 0);
    }
    assert_suite_text(&ss.s[0], "3DES/PRF-HMAC-SHA1/HMAC-SHA1-96/MODP1024");
    assert_suite_text(&ss.s[4], "AES-CBC-128/PRF-HMAC-SHA2-256/HMAC-SHA2-256-128/MODP1024");
    assert_suite_text(&ss.s[11], "AES-CBC-256/PRF-HMAC-SHA2-384/HMAC-SHA2-384-192/MODP1024");
    g_assert_cmpuint(qvpn_ike_suite_weak(&ss.s[0]), ==,
                     QVPN_WEAK_3DES | QVPN_WEAK_SHA1 | QVPN_WEAK_DH_1024);
    g_assert_cmpuint(qvpn_ike_suite_weak(&ss.s[11]), ==, QVPN_WEAK_DH_1024);
    g_assert_false(qvpn_ike_suite_all_refusable(&ss.s[0]));

    /* The same SA payload read as IKEv1 is no SA payload at all (type 33). */
    qvpn_ike_payload pl;
    g_assert_true(find_payload(v2_init_windows, sizeof(v2_init_windows), QVPN_IKE_PL_V2_SA, 0, &pl));
    g_assert_false(qvpn_ike_sa_read(1, &pl, &ss));
}

/* Built after RFC 7296 3.3: one IKE proposal listing AES-GCM-16 at 256 and 128 bits,
 * PRF-HMAC-SHA2-256, INTEG NONE (0), and eight D-H groups (1, 2, 5, 14, 19, 20, 21, 31),
 * more than QVPN_SUITE_MAX_ALT. */
static size_t build_v2_sa(uint8_t *b, size_t cap)
{
    static const struct { uint8_t type; uint16_t id, bits; } tf[] = {
        { 1, 20, 256 }, { 1, 20, 128 }, { 2, 5, 0 }, { 3, 0, 0 },
        { 4, 1, 0 }, { 4, 2, 0 }, { 4, 5, 0 }, { 4, 14, 0 }, { 4, 19, 0 }, { 4, 20, 0 },
        { 4, 21, 0 }, { 4, 31, 0 },
    };
    size_t n = 8;               /* proposal header, no SPI */

    for (size_t i = 0; i < G_N_ELEMENTS(tf); i++) {
        size_t len = tf[i].bits ? 12 : 8;
        g_assert_cmpuint(n + len, <=, cap);
        uint8_t *t = b + n;
        t[0] = i + 1 < G_N_ELEMENTS(tf) ? 3 : 0;
        t[1] = 0;
        t[2] = 0;
        t[3] = (uint8_t)len;
        t[4] = tf[i].type;
        t[5] = 0;
        t[6] = (uint8_t)(tf[i].id >> 8);
        t[7] = (uint8_t)tf[i].id;
        if (tf[i].bits) {
            t[8] = 0x80;
            t[9] = 14;
            t[10] = (uint8_t)(tf[i].bits >> 8);
            t[11] = (uint8_t)tf[i].bits;
        }
        n += len;
    }
    b[0] = 0;
    b[1] = 0;
    b[2] = (uint8_t)(n >> 8);
    b[3] = (uint8_t)n;
    b[4] = 1;
    b[5] = 1;
    b[6] = 0;
    b[7] = G_N_ELEMENTS(tf);
    return n;
}

static void test_v2_alternatives(void)
{
    uint8_t b[256];
    qvpn_ike_payload pl = { .type = QVPN_IKE_PL_V2_SA, .body = b };
    qvpn_ike_suites ss;

    pl.body_len = build_v2_sa(b, sizeof(b));
    g_assert_true(qvpn_ike_sa_read(2, &pl, &ss));
    g_assert_cmpuint(ss.n, ==, 1);
    const qvpn_ike_suite *s = &ss.s[0];
    g_assert_cmpuint(s->n_encr, ==, 2);
    g_assert_cmpuint(s->n_integ, ==, 0);        /* NONE is no integrity algorithm */
    g_assert_cmpuint(s->n_dh, ==, QVPN_SUITE_MAX_ALT);
    g_assert_cmpuint(s->more, ==, 2);
    assert_suite_text(s, "AES-GCM-16-256,AES-GCM-16-128/PRF-HMAC-SHA2-256/"
                         "MODP768,MODP1024,MODP1536,MODP2048,ECP256,ECP384+2");
    g_assert_cmpuint(qvpn_ike_suite_weak(s), ==,
                     QVPN_WEAK_DH_768 | QVPN_WEAK_DH_1024 | QVPN_WEAK_DH_1536);
    g_assert_false(qvpn_ike_suite_all_refusable(s));

    /* Text into short buffers: NUL-terminated, length len - 1. */
    char small[8];
    g_assert_cmpuint(qvpn_ike_suite_text(s, small, sizeof(small)), ==, 7);
    g_assert_cmpstr(small, ==, "AES-GCM");
    g_assert_cmpuint(qvpn_ike_suite_text(s, small, 1), ==, 0);
    g_assert_cmpstr(small, ==, "");
    g_assert_cmpuint(qvpn_ike_suite_text(s, NULL, 0), ==, 0);
}

/* Proposals past QVPN_IKE_MAX_SUITES are counted, not kept. */
static void test_v2_many_proposals(void)
{
    uint8_t b[20 * 16];
    qvpn_ike_payload pl = { .type = QVPN_IKE_PL_V2_SA, .body = b, .body_len = sizeof(b) };
    qvpn_ike_suites ss;
    char text[2048];

    for (unsigned i = 0; i < 20; i++) {
        uint8_t *p = b + 16 * i;
        static const uint8_t prop[16] = { 2, 0, 0, 16, 0, 1, 0, 1, 0, 0, 0, 8, 1, 0, 0, 2 };
        memcpy(p, prop, sizeof(prop));
        p[0] = i + 1 < 20 ? 2 : 0;
        p[4] = (uint8_t)(i + 1);
    }
    g_assert_true(qvpn_ike_sa_read(2, &pl, &ss));
    g_assert_cmpuint(ss.n, ==, QVPN_IKE_MAX_SUITES);
    g_assert_cmpuint(ss.dropped, ==, 20 - QVPN_IKE_MAX_SUITES);
    qvpn_ike_suites_text(&ss, text, sizeof(text));
    g_assert_true(g_str_has_suffix(text, "DES; +8 more"));
    /* DES alone in every suite: refused everywhere. */
    g_assert_true(qvpn_ike_suite_all_refusable(&ss.s[0]));
}

/* Lengths that do not fit: what was read is kept, nothing is read past the body. */
static void test_sa_hostile(void)
{
    qvpn_ike_payload pl;
    qvpn_ike_suites ss;
    size_t len = sizeof(v1_qm_esp);

    g_assert_true(find_payload(v1_qm_esp, len, QVPN_IKE_PL_SA, 0, &pl));
    uint8_t *b = dup_exact(pl.body, pl.body_len);
    qvpn_ike_payload h = pl;
    h.body = b;

    /* Proposal length 0, then 7 (under its own header), then past the body. */
    static const uint16_t bad[] = { 0, 7, 0xffff };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        b[8 + 2] = (uint8_t)(bad[i] >> 8);
        b[8 + 3] = (uint8_t)bad[i];
        bool ok = qvpn_ike_sa_read(1, &h, &ss);
        g_assert_true(ss.malformed);
        g_assert_cmpuint(ok, ==, bad[i] == 0xffff);     /* past the end: clamped, read */
        g_assert_cmpuint(ss.n, ==, bad[i] == 0xffff ? 2 : 0);
    }
    memcpy(b, pl.body, pl.body_len);

    /* SPI size past the proposal. */
    b[8 + 6] = 0xff;
    g_assert_false(qvpn_ike_sa_read(1, &h, &ss));
    g_assert_true(ss.malformed);
    memcpy(b, pl.body, pl.body_len);

    /* The first transform's length 0: nothing of it is read. */
    b[8 + 12 + 2] = 0;
    b[8 + 12 + 3] = 0;
    g_assert_false(qvpn_ike_sa_read(1, &h, &ss));
    g_assert_true(ss.malformed);
    memcpy(b, pl.body, pl.body_len);

    /* A TLV attribute (the life duration) claiming more than the transform: the
     * attributes before it are kept. */
    b[8 + 12 + 8 + 4 + 3] = 0xf0;
    g_assert_true(qvpn_ike_sa_read(1, &h, &ss));
    g_assert_true(ss.malformed);
    g_assert_cmpuint(ss.s[0].life_s, ==, 0);
    g_assert_cmpuint(ss.s[0].encr[0], ==, 12);         /* from the transform ID */
    g_assert_cmpuint(ss.s[0].n_dh, ==, 0);
    g_free(b);

    /* A body shorter than DOI and situation; an empty body. */
    h.body_len = 7;
    h.body = pl.body;
    g_assert_false(qvpn_ike_sa_read(1, &h, &ss));
    h.body_len = 0;
    h.body = NULL;
    g_assert_false(qvpn_ike_sa_read(1, &h, &ss));
    g_assert_false(qvpn_ike_sa_read(2, &h, &ss));

    /* A transform made of nothing but attributes, each the smallest there is: the
     * walk ends with the transform, whatever the attributes say. */
    uint8_t t[8 + 8 + 4 * 50];
    memset(t, 0, sizeof(t));
    t[3] = sizeof(t);
    t[4] = 1;
    t[5] = 1;
    t[7] = 1;
    t[8 + 3] = sizeof(t) - 8;
    t[8 + 4] = 1;
    for (size_t i = 16; i + 4 <= sizeof(t); i += 4) {
        t[i] = 0x80;
        t[i + 1] = 14;
        t[i + 3] = 128;
    }
    qvpn_ike_payload v2 = { .type = QVPN_IKE_PL_V2_SA, .body = t, .body_len = sizeof(t) };
    g_assert_true(qvpn_ike_sa_read(2, &v2, &ss));
    g_assert_false(ss.malformed);
    g_assert_cmpuint(ss.s[0].encr_bits[0], ==, 128);
}

/* --- names -------------------------------------------------------------------------- */

static void test_names(void)
{
    char buf[128];

    g_assert_cmpstr(qvpn_dh_group_name(2), ==, "MODP1024");
    g_assert_cmpstr(qvpn_dh_group_name(14), ==, "MODP2048");
    g_assert_cmpstr(qvpn_dh_group_name(19), ==, "ECP256");
    g_assert_cmpstr(qvpn_dh_group_name(31), ==, "Curve25519");
    g_assert_null(qvpn_dh_group_name(0));
    g_assert_null(qvpn_dh_group_name(99));

    g_assert_cmpuint(qvpn_ike_weak_text(UINT32_MAX, buf, sizeof(buf)), ==,
                     strlen("DES, 3DES, MD5, SHA1, MODP-768, MODP-1024, MODP-1536"));
    g_assert_cmpstr(buf, ==, "DES, 3DES, MD5, SHA1, MODP-768, MODP-1024, MODP-1536");
    g_assert_cmpuint(qvpn_ike_weak_text(0, buf, sizeof(buf)), ==, 0);
    g_assert_cmpstr(buf, ==, "");
    g_assert_cmpuint(qvpn_ike_weak_text(QVPN_WEAK_MD5 | QVPN_WEAK_DES, buf, 5), ==, 4);
    g_assert_cmpstr(buf, ==, "DES,");

    /* Unknown numbers print as the registry's kind and number. */
    qvpn_ike_suite s = { .major = 2, .protocol = 1, .n_encr = 1, .encr = { 99 },
                         .n_prf = 1, .prf = { 1024 }, .n_integ = 1, .integ = { 77 },
                         .n_dh = 1, .dh = { 1025 } };
    assert_suite_text(&s, "ENCR#99/PRF#1024/INTEG#77/DH#1025");
    qvpn_ike_suite v1 = { .major = 1, .protocol = 1, .n_encr = 1, .encr = { 65001 },
                          .n_prf = 1, .prf = { 9 }, .auth = 65001, .n_dh = 1, .dh = { 2 } };
    assert_suite_text(&v1, "ENCR#65001/HASH#9/XAUTH-PSK/MODP1024");
    v1.auth = 64221;
    v1.encr[0] = 1;
    v1.prf[0] = 2;
    assert_suite_text(&v1, "DES/SHA1/HYBRID-RSA/MODP1024");
}

/* --- Notification data --------------------------------------------------------------- */

/* ukncsc-zeek-ikev2__ikev2.pcap frame 2, tshark: isakmp.notify.msgtype 17,
 * isakmp.notify.protoid 0, isakmp.spisize 0, isakmp.notify.data.accepted_dh_group 15. */
static void test_invalid_ke(void)
{
    qvpn_ike_payload pl;
    qvpn_ike_notify n;
    uint16_t group = 0;

    g_assert_true(find_payload(v2_invalid_ke, sizeof(v2_invalid_ke), 41, 0, &pl));
    g_assert_true(qvpn_ike_notify_full(2, &pl, &n));
    g_assert_cmpuint(n.major, ==, 2);
    g_assert_cmpuint(n.type, ==, 17);
    g_assert_cmpuint(n.protocol, ==, 0);
    g_assert_cmpuint(n.spi_len, ==, 0);
    g_assert_cmpuint(n.data_len, ==, 2);
    g_assert_true(qvpn_ike_invalid_ke_group(&n, &group));
    g_assert_cmpuint(group, ==, 15);
    g_assert_cmpstr(qvpn_dh_group_name(group), ==, "MODP3072");
    g_assert_false(qvpn_ike_notify_full(1, &pl, &n));        /* type 41 is no v1 payload */

    /* IKEv1's 17 is INVALID-KEY-INFORMATION: no group in it. */
    qvpn_ike_notify v1 = { .major = 1, .type = 17, .data = (const uint8_t *)"\0\x0f", .data_len = 2 };
    g_assert_false(qvpn_ike_invalid_ke_group(&v1, &group));
    qvpn_ike_notify shortn = { .major = 2, .type = 17, .data = (const uint8_t *)"\0", .data_len = 1 };
    g_assert_false(qvpn_ike_invalid_ke_group(&shortn, &group));
}

/* scapy__ikev2_notify_redirect.pcap frame 2, tshark: isakmp.notify.msgtype 16407,
 * isakmp.notify.data.redirect.gw_ident.type 3 (FQDN), .gw_ident.len 28,
 * .new_resp_gw_ident.fqdn "moneybin.duckburg.disney.com", nonce data
 * 4bf3ea6cd0c6afe702c567fe7db3ff973424bb5e9de6af123a41975a6ffb266e9c5b4c915795132b. */
static void test_redirect(void)
{
    qvpn_ike_payload pl;
    qvpn_ike_notify n;
    qvpn_addr gw;
    const uint8_t *fqdn = NULL;
    size_t fqdn_len = 0;

    g_assert_true(find_payload(v2_redirect, sizeof(v2_redirect), 41, 0, &pl));
    g_assert_true(qvpn_ike_notify_full(2, &pl, &n));
    g_assert_cmpuint(n.type, ==, 16407);
    g_assert_cmpuint(n.data_len, ==, 2 + 28 + 40);
    g_assert_false(qvpn_ike_redirect_gateway(&n, &gw, &fqdn, &fqdn_len));
    g_assert_cmpmem(fqdn, fqdn_len, "moneybin.duckburg.disney.com", 28);

    /* Derived: the same notification naming 10.5.2.53 (type 1), then 2001:db8::1
     * (type 2), then a length past the data. */
    uint8_t d[2 + 16 + 4] = { 1, 4, 10, 5, 2, 53, 0xaa, 0xbb };
    qvpn_ike_notify v4 = n;
    v4.data = d;
    v4.data_len = 8;
    g_assert_true(qvpn_ike_redirect_gateway(&v4, &gw, &fqdn, &fqdn_len));
    g_assert_cmpuint(gw.len, ==, 4);
    g_assert_cmpmem(gw.bytes, 4, d + 2, 4);
    static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
    d[0] = 2;
    d[1] = 16;
    memcpy(d + 2, a6, 16);
    v4.data_len = sizeof(d);
    g_assert_true(qvpn_ike_redirect_gateway(&v4, &gw, &fqdn, &fqdn_len));
    g_assert_cmpuint(gw.len, ==, 16);
    g_assert_cmpmem(gw.bytes, 16, a6, 16);
    v4.data_len = 17;                           /* one byte of the address missing */
    g_assert_false(qvpn_ike_redirect_gateway(&v4, &gw, &fqdn, &fqdn_len));
    d[1] = 4;                                   /* IPv6 with an IPv4 length */
    v4.data_len = sizeof(d);
    g_assert_false(qvpn_ike_redirect_gateway(&v4, &gw, &fqdn, &fqdn_len));
    v4.type = 16408;                            /* REDIRECTED_FROM: not this reader's */
    g_assert_false(qvpn_ike_redirect_gateway(&v4, &gw, &fqdn, &fqdn_len));
}

/* IKEv1 notification with an SPI: zeek-spicy-ipsec__ipsec.cap frame 3 is in
 * wire_samples.h (NO-PROPOSAL-CHOSEN, no SPI); here the SPI size is derived. */
static void test_notify_v1_spi(void)
{
    /* DOI 1, protocol 1, SPI size 4, type 24578 (INITIAL-CONTACT), SPI, no data. */
    static const uint8_t body[] = { 0, 0, 0, 1, 1, 4, 0x60, 0x02, 0xde, 0xad, 0xbe, 0xef };
    qvpn_ike_payload pl = { .type = QVPN_IKE_PL_NOTIFY, .body = body, .body_len = sizeof(body) };
    qvpn_ike_notify n;

    g_assert_true(qvpn_ike_notify_full(1, &pl, &n));
    g_assert_cmpuint(n.type, ==, 24578);
    g_assert_cmpuint(n.spi_len, ==, 4);
    g_assert_true(n.spi == body + 8);
    g_assert_cmpuint(n.data_len, ==, 0);
    pl.body_len = 11;                           /* the SPI cut */
    g_assert_false(qvpn_ike_notify_full(1, &pl, &n));
    pl.body_len = 7;
    g_assert_false(qvpn_ike_notify_full(1, &pl, &n));
}

/* --- NAT-D ----------------------------------------------------------------------- */

static void assert_natd(const uint8_t *msg, size_t len, uint8_t natd_type, unsigned nth,
                        uint16_t v1_hash, const uint8_t addr[4], uint16_t port, bool equal)
{
    qvpn_isakmp_hdr h;
    qvpn_ike_payload pl;
    qvpn_addr a = { .len = 4 };
    uint8_t out[QVPN_NATD_MAX_HASH];

    g_assert_true(qvpn_isakmp_read(msg, len, &h));
    g_assert_true(find_payload(msg, len, natd_type, nth, &pl));
    memcpy(a.bytes, addr, 4);
    size_t n = qvpn_natd_hash(h.major, v1_hash, h.ispi, h.rspi, &a, port, out);
    const uint8_t *want = pl.body;
    size_t want_len = pl.body_len;
    if (h.major == 2) {
        qvpn_ike_notify nt;
        g_assert_true(qvpn_ike_notify_full(2, &pl, &nt));
        want = nt.data;
        want_len = nt.data_len;
    }
    g_assert_cmpuint(n, ==, want_len);
    if (equal)
        g_assert_cmpmem(out, n, want, want_len);
    else
        g_assert_true(memcmp(out, want, n) != 0);
}

/* The hash input is CKY-I | CKY-R | IP | port (RFC 3947 3.2): recomputed for each
 * NAT-D payload and compared with what tshark shows (isakmp.ike.nat_hash).
 * tcpdump__isakmp4500.pcap frame 5 (MD5, 192.1.2.254:500 -> 192.1.2.23:500): tshark
 * 6efe12f04af90dfbcfb15d71b841bb9e,44f517e03fb381f80f842d1538ccffac; the first is
 * MD5 of the destination; the second is not MD5 of the source as captured: the
 * initiator put another address in (this capture's NAT-T test forces UDP 4500,
 * frames 7 on), which is what NAT detection is there to see.
 * zeek-spicy-ipsec__ipsec.cap frame 5 (SHA1, .205:500 -> .200:500): tshark
 * 7048b170a54fa1c16582dce008d059de9295d7d3,c9e46dddfcc29d4ef72ba4da66d4720687e469e5:
 * destination, then source, both equal. */
static void test_natd_v1(void)
{
    static const uint8_t i4500[4] = { 192, 1, 2, 254 }, r4500[4] = { 192, 1, 2, 23 };
    static const uint8_t i_ss[4] = { 192, 168, 140, 205 }, r_ss[4] = { 192, 168, 140, 200 };
    size_t l1 = sizeof(v1_mm3_natd_md5), l2 = sizeof(v1_mm3_natd_sha1);

    assert_natd(v1_mm3_natd_md5, l1, QVPN_IKE_PL_NATD, 0, 1, r4500, 500, true);
    assert_natd(v1_mm3_natd_md5, l1, QVPN_IKE_PL_NATD, 1, 1, i4500, 500, false);
    assert_natd(v1_mm3_natd_sha1, l2, QVPN_IKE_PL_NATD, 0, 2, r_ss, 500, true);
    assert_natd(v1_mm3_natd_sha1, l2, QVPN_IKE_PL_NATD, 1, 2, i_ss, 500, true);
    /* The port is part of it. */
    assert_natd(v1_mm3_natd_sha1, l2, QVPN_IKE_PL_NATD, 1, 2, i_ss, 4500, false);
}

/* zeek-spicy-ipsec__ipsec_client.pcap frame 1 (192.168.0.10:500 -> 144.76.154.114:500,
 * isakmp.ispi 238671c80375a0fb, isakmp.rspi 0): tshark isakmp.notify.msgtype
 * 16388,16389, isakmp.notify.data ed0f45d615ee1cc7f636df4ee075fd9d18791bb1,
 * 52749dfdd6970df361f69d01015724d708dc4544: SHA1(SPIi | SPIr | IP | port) of the
 * source, then of the destination (RFC 7296 2.23), both equal. */
static void test_natd_v2(void)
{
    static const uint8_t src[4] = { 192, 168, 0, 10 }, dst[4] = { 144, 76, 154, 114 };
    size_t len = sizeof(v2_init_windows);
    qvpn_ike_payload pl;
    qvpn_ike_notify n;

    g_assert_true(find_payload(v2_init_windows, len, 41, 0, &pl));
    g_assert_true(qvpn_ike_notify_full(2, &pl, &n));
    g_assert_cmpuint(n.type, ==, 16388);
    assert_natd(v2_init_windows, len, 41, 0, 0, src, 500, true);
    assert_natd(v2_init_windows, len, 41, 1, 0, dst, 500, true);
    /* IKEv2 ignores the IKEv1 hash: always SHA1. */
    assert_natd(v2_init_windows, len, 41, 1, 1, dst, 500, true);

    uint8_t out[QVPN_NATD_MAX_HASH], spi[8] = { 0 };
    qvpn_addr a6 = { .len = 16 }, none = { .len = 0 };
    g_assert_cmpuint(qvpn_natd_hash(1, 3, spi, spi, &a6, 500, out), ==, 0);   /* Tiger */
    g_assert_cmpuint(qvpn_natd_hash(1, 1, spi, spi, &none, 500, out), ==, 0);
    g_assert_cmpuint(qvpn_natd_hash(3, 1, spi, spi, &a6, 500, out), ==, 0);
    g_assert_cmpuint(qvpn_natd_hash(1, 4, spi, spi, &a6, 500, out), ==, 32);
    g_assert_cmpuint(qvpn_natd_hash(1, 5, spi, spi, &a6, 500, out), ==, 48);
    g_assert_cmpuint(qvpn_natd_hash(1, 6, spi, spi, &a6, 500, out), ==, 64);
}

/* --- Vendor IDs ---------------------------------------------------------------------- */

/* tcpdump__isakmp4500.pcap frame 3, tshark isakmp.vid_string: Unknown Vendor ID,
 * RFC 3706 DPD (Dead Peer Detection), RFC 3947 Negotiation of NAT-Traversal in the
 * IKE, draft-ietf-ipsec-nat-t-ike-03, draft-ietf-ipsec-nat-t-ike-02,
 * draft-ietf-ipsec-nat-t-ike-00.  The first (4f456b5262475852766d5045, "OEkRbGXRvmPE")
 * is Openswan's own, which Wireshark does not know. */
static void test_vid_openswan(void)
{
    const char *names[8];
    unsigned n = vendor_names(v1_mm1_openswan, sizeof(v1_mm1_openswan), QVPN_IKE_PL_VID, names, 8);

    g_assert_cmpuint(n, ==, 6);
    g_assert_cmpstr(names[0], ==, "libreswan / Openswan / FreeS/WAN");
    g_assert_cmpstr(names[1], ==, "RFC 3706 DPD");
    g_assert_cmpstr(names[2], ==, "RFC 3947 NAT-T");
    g_assert_cmpstr(names[3], ==, "draft-ietf-ipsec-nat-t-ike-03");
    g_assert_cmpstr(names[4], ==, "draft-ietf-ipsec-nat-t-ike-02");
    g_assert_cmpstr(names[5], ==, "draft-ietf-ipsec-nat-t-ike-00");
}

/* zeek-spicy-ipsec__ipsec.cap frame 1, tshark isakmp.vid_string: strongSwan,
 * CISCO-UNITY, XAUTH, RFC 3706 DPD, RFC 3947, draft-ietf-ipsec-nat-t-ike-03, -02,
 * -02\n, -00. */
static void test_vid_strongswan(void)
{
    const char *names[12];
    unsigned n = vendor_names(v1_mm1_strongswan, sizeof(v1_mm1_strongswan), QVPN_IKE_PL_VID, names, 12);
    static const char *want[] = {
        "strongSwan", "Cisco Unity", "XAUTH", "RFC 3706 DPD", "RFC 3947 NAT-T",
        "draft-ietf-ipsec-nat-t-ike-03", "draft-ietf-ipsec-nat-t-ike-02",
        "draft-ietf-ipsec-nat-t-ike-02\\n", "draft-ietf-ipsec-nat-t-ike-00",
    };

    g_assert_cmpuint(n, ==, G_N_ELEMENTS(want));
    for (unsigned i = 0; i < n; i++)
        g_assert_cmpstr(names[i], ==, want[i]);

    qvpn_ike_payload pl;
    g_assert_true(find_payload(v1_mm1_strongswan, sizeof(v1_mm1_strongswan), QVPN_IKE_PL_VID, 0, &pl));
    const qvpn_vid *row = qvpn_vid_lookup(pl.body, pl.body_len);
    g_assert_cmpint(row->family, ==, QVPN_VENDOR_STRONGSWAN);
    g_assert_cmpint(row->kind, ==, QVPN_VID_SOFTWARE);
}

/* zeek-spicy-ipsec__ipsec-ikev1-isakmp-aggressive-mode.pcap frame 2, tshark:
 * isakmp.vid_string CISCO-UNITY, RFC 3706 DPD, Unknown Vendor ID, XAUTH, RFC 3947;
 * isakmp.vid.cisco_unity.major 1, .minor 0. */
static void test_vid_cisco(void)
{
    const char *names[8];
    unsigned n = vendor_names(v1_am2_cisco, sizeof(v1_am2_cisco), QVPN_IKE_PL_VID, names, 8);
    char ver[32];

    g_assert_cmpuint(n, ==, 5);
    g_assert_cmpstr(names[0], ==, "Cisco Unity");
    g_assert_cmpstr(names[1], ==, "RFC 3706 DPD");
    g_assert_null(names[2]);
    g_assert_cmpstr(names[3], ==, "XAUTH");
    g_assert_cmpstr(names[4], ==, "RFC 3947 NAT-T");

    qvpn_ike_payload pl;
    g_assert_true(find_payload(v1_am2_cisco, sizeof(v1_am2_cisco), QVPN_IKE_PL_VID, 0, &pl));
    const qvpn_vid *row = qvpn_vid_lookup(pl.body, pl.body_len);
    g_assert_true(row->caps & QVPN_CAP_UNITY);
    g_assert_cmpint(row->family, ==, QVPN_VENDOR_CISCO);
    g_assert_cmpuint(qvpn_vid_version(row, pl.body, pl.body_len, ver, sizeof(ver)), ==, 3);
    g_assert_cmpstr(ver, ==, "1.0");
}

/* arkime__IKEv1.pcap frame 2, tshark isakmp.vid_string: RFC 3706 DPD, Cisco
 * Fragmentation, Cisco Fragmentation, Fortigate (Fortinet); isakmp.vid_bytes
 * ..., 4048b7d56ebce88525e7de7f00d6c2d3, 4048b7d56ebce88525e7de7f00d6c2d3c0000000,
 * 8299031757a36082c6a621de00000000. */
static void test_vid_fortigate(void)
{
    const char *names[8];
    unsigned n = vendor_names(v1_mm2_fortigate, sizeof(v1_mm2_fortigate), QVPN_IKE_PL_VID, names, 8);
    qvpn_ike_payload pl;

    g_assert_cmpuint(n, ==, 4);
    g_assert_cmpstr(names[0], ==, "RFC 3706 DPD");
    g_assert_cmpstr(names[1], ==, "IKE fragmentation (FRAGMENTATION)");
    g_assert_cmpstr(names[2], ==, "IKE fragmentation (FRAGMENTATION)");
    g_assert_cmpstr(names[3], ==, "Fortinet FortiGate");
    g_assert_true(find_payload(v1_mm2_fortigate, sizeof(v1_mm2_fortigate), QVPN_IKE_PL_VID, 2, &pl));
    g_assert_true(qvpn_vid_lookup(pl.body, pl.body_len)->caps & QVPN_CAP_FRAG);
    g_assert_true(find_payload(v1_mm2_fortigate, sizeof(v1_mm2_fortigate), QVPN_IKE_PL_VID, 3, &pl));
    g_assert_cmpint(qvpn_vid_lookup(pl.body, pl.body_len)->family, ==, QVPN_VENDOR_FORTINET);
}

/* zeek-spicy-ipsec__ipsec_client.pcap frame 1, tshark isakmp.vid_string: MS NT5
 * ISAKMPOAKLEY, MS-Negotiation Discovery Capable, Microsoft Vid-Initial-Contact,
 * Unknown Vendor ID; isakmp.vid.ms_nt5_isakmpoakley 9. */
static void test_vid_windows(void)
{
    const char *names[8];
    unsigned n = vendor_names(v2_init_windows, sizeof(v2_init_windows), 43, names, 8);
    qvpn_ike_payload pl;
    char ver[64];

    g_assert_cmpuint(n, ==, 4);
    g_assert_cmpstr(names[0], ==, "Microsoft Windows (MS NT5 ISAKMPOAKLEY)");
    g_assert_cmpstr(names[1], ==, "MS-Negotiation Discovery Capable (AuthIP)");
    g_assert_cmpstr(names[2], ==, "Microsoft Vid-Initial-Contact");
    g_assert_null(names[3]);
    g_assert_true(find_payload(v2_init_windows, sizeof(v2_init_windows), 43, 0, &pl));
    const qvpn_vid *row = qvpn_vid_lookup(pl.body, pl.body_len);
    g_assert_cmpint(row->family, ==, QVPN_VENDOR_WINDOWS);
    g_assert_cmpuint(qvpn_vid_version(row, pl.body, pl.body_len, ver, sizeof(ver)), >, 0);
    g_assert_cmpstr(ver, ==, "Windows 8 or later");

    /* Derived: the other versions of the same prefix ([MS-IKEE], nmap). */
    uint8_t v[20];
    memcpy(v, pl.body, 16);
    memcpy(v + 16, "\0\0\0\x07", 4);
    g_assert_true(qvpn_vid_lookup(v, 20) == row);
    qvpn_vid_version(row, v, 20, ver, sizeof(ver));
    g_assert_cmpstr(ver, ==, "Windows 7");
    memcpy(v + 16, "\0\0\0\x02", 4);
    qvpn_vid_version(row, v, 20, ver, sizeof(ver));
    g_assert_cmpstr(ver, ==, "Windows 2000");
    memcpy(v + 16, "\0\0\0\x63", 4);
    g_assert_cmpuint(qvpn_vid_version(row, v, 20, ver, sizeof(ver)), ==, 0);
    g_assert_cmpstr(ver, ==, "");
    g_assert_cmpuint(qvpn_vid_version(row, v, 19, ver, sizeof(ver)), ==, 0);
    g_assert_cmpuint(qvpn_vid_version(row, v, 20, ver, 0), ==, 0);
    g_assert_cmpuint(qvpn_vid_version(row, v, 16, ver, sizeof(ver)), ==, 0);  /* bare prefix */
}

/* The table: every row named and sourced, no row twice, each found by its own bytes,
 * the longest match winning. */
static void test_vid_table(void)
{
    size_t n;
    const qvpn_vid *t = qvpn_vid_table(&n);
    char ver[32];

    g_assert_cmpuint(n, >, 40);
    for (size_t i = 0; i < n; i++) {
        g_assert_cmpuint(t[i].len, >, 0);
        g_assert_nonnull(t[i].name);
        g_assert_nonnull(t[i].source);
        g_assert_cmpuint(strlen(t[i].source), >, 3);
        for (size_t j = 0; j < i; j++)
            g_assert_false(t[i].len == t[j].len && memcmp(t[i].bytes, t[j].bytes, t[i].len) == 0);
        const qvpn_vid *got = qvpn_vid_lookup(t[i].bytes, t[i].len);
        g_assert_nonnull(got);
        g_assert_cmpuint(got->len, ==, t[i].len);
        g_assert_cmpmem(got->bytes, got->len, t[i].bytes, t[i].len);
        /* A whole VID with a byte more is not that VID. */
        uint8_t *more = g_malloc(t[i].len + 1u);
        memcpy(more, t[i].bytes, t[i].len);
        more[t[i].len] = 0;
        got = qvpn_vid_lookup(more, t[i].len + 1u);
        g_assert_true(t[i].prefix ? got != NULL : got != &t[i]);
        g_free(more);
    }
    g_assert_null(qvpn_vid_lookup(NULL, 0));

    /* VPN 3000 version bytes: 1f07f70eaa6514d3b0fa96542a500305 is 3.0.5 (nmap). */
    static const uint8_t vpn3k[16] = { 0x1f, 0x07, 0xf7, 0x0e, 0xaa, 0x65, 0x14, 0xd3,
                                       0xb0, 0xfa, 0x96, 0x54, 0x2a, 0x50, 0x03, 0x05 };
    const qvpn_vid *row = qvpn_vid_lookup(vpn3k, sizeof(vpn3k));
    g_assert_nonnull(row);
    g_assert_cmpstr(row->name, ==, "Cisco VPN Concentrator (VPN 3000)");
    qvpn_vid_version(row, vpn3k, sizeof(vpn3k), ver, sizeof(ver));
    g_assert_cmpstr(ver, ==, "3.0.5");
    /* "FLEXVPN-SUPPORTED" and the Cisco strings match whole. */
    row = qvpn_vid_lookup((const uint8_t *)"CISCO-DELETE-REASON", 19);
    g_assert_nonnull(row);
    g_assert_cmpint(row->family, ==, QVPN_VENDOR_CISCO);
    g_assert_null(qvpn_vid_lookup((const uint8_t *)"CISCO-DELETE-REASON!", 20));
    row = qvpn_vid_lookup((const uint8_t *)"FLEXVPN-SUPPORTED", 17);
    g_assert_cmpint(row->family, ==, QVPN_VENDOR_CISCO_IOS);
}

/* --- every truncation -------------------------------------------------------------- */

static void exercise(uint8_t major, const qvpn_ike_payload *pl)
{
    qvpn_ike_suites ss;
    qvpn_ike_notify n;
    qvpn_addr gw;
    const uint8_t *fqdn;
    size_t fqdn_len;
    uint16_t group;
    char text[64], tiny[3];

    for (uint8_t m = 1; m <= 2; m++) {
        if (qvpn_ike_sa_read(m, pl, &ss)) {
            g_assert_cmpuint(ss.n, <=, QVPN_IKE_MAX_SUITES);
            for (uint8_t i = 0; i < ss.n; i++) {
                g_assert_cmpuint(qvpn_ike_suite_text(&ss.s[i], text, sizeof(text)), <, sizeof(text));
                g_assert_cmpuint(qvpn_ike_suite_text(&ss.s[i], tiny, sizeof(tiny)), <, sizeof(tiny));
                (void)qvpn_ike_suite_weak(&ss.s[i]);
                (void)qvpn_ike_suite_all_refusable(&ss.s[i]);
            }
            g_assert_cmpuint(qvpn_ike_suites_text(&ss, text, sizeof(text)), <, sizeof(text));
        }
        if (qvpn_ike_notify_full(m, pl, &n)) {
            g_assert_true(n.data + n.data_len <= pl->body + pl->body_len);
            (void)qvpn_ike_invalid_ke_group(&n, &group);
            (void)qvpn_ike_redirect_gateway(&n, &gw, &fqdn, &fqdn_len);
        }
    }
    (void)major;
    const qvpn_vid *row = qvpn_vid_lookup(pl->body, pl->body_len);
    if (row)
        g_assert_cmpuint(qvpn_vid_version(row, pl->body, pl->body_len, tiny, sizeof(tiny)), <, 3);
}

static void test_truncations(void)
{
    static const struct { const uint8_t *p; size_t len; } msgs[] = {
        { v1_mm1_openswan, sizeof(v1_mm1_openswan) },
        { v1_mm3_natd_md5, sizeof(v1_mm3_natd_md5) },
        { v1_mm1_strongswan, sizeof(v1_mm1_strongswan) },
        { v1_mm2_strongswan, sizeof(v1_mm2_strongswan) },
        { v1_mm3_natd_sha1, sizeof(v1_mm3_natd_sha1) },
        { v1_am2_cisco, sizeof(v1_am2_cisco) },
        { v1_mm2_fortigate, sizeof(v1_mm2_fortigate) },
        { v2_init_windows, sizeof(v2_init_windows) },
        { v2_invalid_ke, sizeof(v2_invalid_ke) },
        { v2_redirect, sizeof(v2_redirect) },
        { v1_qm_esp, sizeof(v1_qm_esp) },
    };

    for (size_t m = 0; m < G_N_ELEMENTS(msgs); m++) {
        for (size_t cut = 0; cut <= msgs[m].len; cut++) {
            uint8_t *p = dup_exact(msgs[m].p, cut);
            qvpn_isakmp_hdr h;
            if (qvpn_isakmp_read(p, cut, &h)) {
                qvpn_ike_iter it;
                qvpn_ike_payload pl;
                qvpn_ike_iter_init(&it, p, cut, &h);
                while (qvpn_ike_payload_next(&it, &pl)) {
                    /* Each body copied to a buffer of its own size. */
                    uint8_t *b = dup_exact(pl.body, pl.body_len);
                    qvpn_ike_payload own = pl;
                    own.body = b;
                    exercise(h.major, &own);
                    g_free(b);
                }
            }
            g_free(p);
        }
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qvpn/ike_sa/v1/openswan_mm1", test_v1_openswan_mm1);
    g_test_add_func("/qvpn/ike_sa/v1/strongswan", test_v1_strongswan);
    g_test_add_func("/qvpn/ike_sa/v1/key_length", test_v1_key_length);
    g_test_add_func("/qvpn/ike_sa/v1/phase2_esp", test_v1_phase2);
    g_test_add_func("/qvpn/ike_sa/v2/windows_sa_init", test_v2_windows);
    g_test_add_func("/qvpn/ike_sa/v2/alternatives", test_v2_alternatives);
    g_test_add_func("/qvpn/ike_sa/v2/many_proposals", test_v2_many_proposals);
    g_test_add_func("/qvpn/ike_sa/hostile", test_sa_hostile);
    g_test_add_func("/qvpn/ike_sa/names", test_names);
    g_test_add_func("/qvpn/ike_sa/notify/invalid_ke", test_invalid_ke);
    g_test_add_func("/qvpn/ike_sa/notify/redirect", test_redirect);
    g_test_add_func("/qvpn/ike_sa/notify/v1_spi", test_notify_v1_spi);
    g_test_add_func("/qvpn/ike_sa/natd/v1", test_natd_v1);
    g_test_add_func("/qvpn/ike_sa/natd/v2", test_natd_v2);
    g_test_add_func("/qvpn/vendor/openswan", test_vid_openswan);
    g_test_add_func("/qvpn/vendor/strongswan", test_vid_strongswan);
    g_test_add_func("/qvpn/vendor/cisco", test_vid_cisco);
    g_test_add_func("/qvpn/vendor/fortigate", test_vid_fortigate);
    g_test_add_func("/qvpn/vendor/windows", test_vid_windows);
    g_test_add_func("/qvpn/vendor/table", test_vid_table);
    g_test_add_func("/qvpn/ike_sa/truncations", test_truncations);
    return g_test_run();
}
