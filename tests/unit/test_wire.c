/* test_wire.c — unit tests of the header readers and the ISAKMP payload walk
 * (plugin/core/qvpn_wire.h), on real bytes (wire_samples.h says where each comes
 * from).  Expected values are Wireshark 4.0's for the same frame, except where a
 * test says the walk differs on purpose.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>

#include "qvpn_wire.h"
#include "wire_samples.h"

#define BIT(n) (UINT64_C(1) << (n))

/* A heap copy of exactly len bytes, so that a read past the span is a heap
 * overflow under ASan and valgrind rather than a read of the next array. */
static uint8_t *dup_exact(const uint8_t *p, size_t len)
{
    uint8_t *q = g_malloc(len ? len : 1);
    if (len)
        memcpy(q, p, len);
    return q;
}

static void summarise(const uint8_t *p, size_t len, qvpn_ike_summary *s)
{
    qvpn_isakmp_hdr h;
    g_assert_true(qvpn_isakmp_read(p, len, &h));
    qvpn_ike_summarise(p, len, &h, s);
}

/* --- network and transport headers --------------------------------------------- */

static void test_ipv4(void)
{
    qvpn_ip_hdr h;
    static const uint8_t src[4] = { 192, 168, 140, 205 }, dst[4] = { 192, 168, 140, 200 };

    g_assert_true(qvpn_ipv4_read(notify_ip, sizeof(notify_ip), &h));
    g_assert_cmpint(h.version, ==, 4);
    g_assert_cmpint(h.hdr_len, ==, 20);
    g_assert_cmpint(h.proto, ==, 17);
    g_assert_cmpint(h.src.len, ==, 4);
    g_assert_cmpmem(h.src.bytes, 4, src, 4);
    g_assert_cmpmem(h.dst.bytes, 4, dst, 4);
    g_assert_false(qvpn_ipv4_read(notify_ip, 19, &h));
    g_assert_false(qvpn_ipv6_read(notify_ip, sizeof(notify_ip), &h));

    /* IHL 4: the addresses are not where RFC 791 puts them. */
    uint8_t bogus[sizeof(notify_ip)];
    memcpy(bogus, notify_ip, sizeof(bogus));
    bogus[0] = 0x44;
    g_assert_false(qvpn_ipv4_read(bogus, sizeof(bogus), &h));
    /* IHL 6 without the option captured: the addresses are still there. */
    bogus[0] = 0x46;
    g_assert_true(qvpn_ipv4_read(bogus, sizeof(bogus), &h));
    g_assert_cmpint(h.hdr_len, ==, 24);
}

static void test_ipv6(void)
{
    qvpn_ip_hdr h;
    static const uint8_t src[16] = { 0x3f, 0xfe, [15] = 1 }, dst[16] = { 0x3f, 0xfe, [15] = 2 };

    g_assert_true(qvpn_ipv6_read(ip6_hdr, sizeof(ip6_hdr), &h));
    g_assert_cmpint(h.version, ==, 6);
    g_assert_cmpint(h.proto, ==, 50);
    g_assert_cmpint(h.src.len, ==, 16);
    g_assert_cmpmem(h.src.bytes, 16, src, 16);
    g_assert_cmpmem(h.dst.bytes, 16, dst, 16);
    g_assert_false(qvpn_ipv6_read(ip6_hdr, 39, &h));
    g_assert_false(qvpn_ipv4_read(ip6_hdr, sizeof(ip6_hdr), &h));
}

static void test_tcp(void)
{
    qvpn_tcp_hdr h;

    g_assert_true(qvpn_tcp_read(syn_tcp, sizeof(syn_tcp), &h));
    g_assert_cmpint(h.sport, ==, 63158);
    g_assert_cmpint(h.dport, ==, 443);
    g_assert_cmpint(h.data_offset, ==, 11);
    g_assert_true(h.has_flags);
    g_assert_cmpint(h.flags, ==, QVPN_TCP_SYN);

    /* Flags need bytes 12-13; the ports alone need 4. */
    g_assert_true(qvpn_tcp_read(syn_tcp, 13, &h));
    g_assert_false(h.has_flags);
    g_assert_cmpint(h.flags, ==, 0);
    g_assert_true(qvpn_tcp_read(syn_tcp, 4, &h));
    g_assert_cmpint(h.dport, ==, 443);
    g_assert_false(qvpn_tcp_read(syn_tcp, 3, &h));

    /* Data offset 4: Wireshark shows no tcp.flags, nor does the reader. */
    uint8_t bogus[sizeof(syn_tcp)];
    memcpy(bogus, syn_tcp, sizeof(bogus));
    bogus[12] = 0x40 | (bogus[12] & 0x0f);
    g_assert_true(qvpn_tcp_read(bogus, sizeof(bogus), &h));
    g_assert_false(h.has_flags);
    g_assert_cmpint(h.sport, ==, 63158);
}

static void test_udp(void)
{
    qvpn_udp_hdr h;

    g_assert_true(qvpn_udp_read(notify_udp, sizeof(notify_udp), &h));
    g_assert_cmpint(h.sport, ==, 500);
    g_assert_cmpint(h.dport, ==, 500);
    g_assert_cmpint(h.length, ==, 48);
    g_assert_false(qvpn_udp_read(notify_udp, 7, &h));
}

/* ndpi__ah.pcapng frame 5: the AH header after IPv4 (next header ICMP, payload length
 * 4 words, SPI 0x604816f6, sequence 1), then the start of its ICV. */
static const uint8_t ah_hdr[] = {
    0x01, 0x04, 0x00, 0x00, 0x60, 0x48, 0x16, 0xf6, 0x00, 0x00, 0x00, 0x01, 0xe7, 0x32,
};

static void test_ah(void)
{
    qvpn_esp_hdr h;

    g_assert_true(qvpn_ah_read(ah_hdr, sizeof(ah_hdr), &h));
    g_assert_cmpuint(h.spi, ==, 0x604816f6);
    g_assert_true(h.has_seq);
    g_assert_cmpuint(h.seq, ==, 1);
    g_assert_true(qvpn_ah_read(ah_hdr, 8, &h));
    g_assert_false(h.has_seq);
    for (size_t n = 0; n < 8; n++)
        g_assert_false(qvpn_ah_read(ah_hdr, n, &h));
}

static void test_esp(void)
{
    qvpn_esp_hdr h;

    g_assert_true(qvpn_esp_read(ip6_esp, sizeof(ip6_esp), &h));
    g_assert_cmpuint(h.spi, ==, 10);
    g_assert_true(h.has_seq);
    g_assert_cmpuint(h.seq, ==, 1);
    g_assert_true(qvpn_esp_read(ip6_esp, 4, &h));
    g_assert_cmpuint(h.spi, ==, 10);
    g_assert_false(h.has_seq);
    g_assert_false(qvpn_esp_read(ip6_esp, 3, &h));
}

static void test_keepalive(void)
{
    static const uint8_t ka[] = { 0xff, 0x00 };

    g_assert_true(qvpn_natt_keepalive(ka, 1));
    g_assert_false(qvpn_natt_keepalive(ka, 2));
    g_assert_false(qvpn_natt_keepalive(ka + 1, 1));
    g_assert_false(qvpn_natt_keepalive(ka, 0));
}

/* The glue passes (NULL, 0) for an item with no captured bytes. */
static void test_empty(void)
{
    qvpn_ip_hdr ip;
    qvpn_tcp_hdr tcp;
    qvpn_udp_hdr udp;
    qvpn_esp_hdr esp;
    qvpn_isakmp_hdr ike;

    g_assert_false(qvpn_ipv4_read(NULL, 0, &ip));
    g_assert_false(qvpn_ipv6_read(NULL, 0, &ip));
    g_assert_false(qvpn_tcp_read(NULL, 0, &tcp));
    g_assert_false(qvpn_udp_read(NULL, 0, &udp));
    g_assert_false(qvpn_esp_read(NULL, 0, &esp));
    g_assert_false(qvpn_natt_keepalive(NULL, 0));
    g_assert_false(qvpn_isakmp_read(NULL, 0, &ike));
}

/* --- ISAKMP header and walk ---------------------------------------------------------- */

static void test_isakmp_header(void)
{
    qvpn_isakmp_hdr h;
    static const uint8_t ispi[8] = { 0xe8, 0x83, 0x6b, 0x35, 0x6b, 0x7c, 0x1b, 0xae };
    static const uint8_t zero[8];

    g_assert_true(qvpn_isakmp_read(mm1_isakmp, sizeof(mm1_isakmp), &h));
    g_assert_cmpmem(h.ispi, 8, ispi, 8);
    g_assert_cmpmem(h.rspi, 8, zero, 8);
    g_assert_cmpint(h.next_payload, ==, QVPN_IKE_PL_SA);
    g_assert_cmpint(h.major, ==, 1);
    g_assert_cmpint(h.minor, ==, 0);
    g_assert_cmpint(h.exch, ==, QVPN_IKE_EXCH_MAIN_MODE);
    g_assert_cmpint(h.flags, ==, 0);
    g_assert_cmpuint(h.msgid, ==, 0);
    g_assert_cmpuint(h.length, ==, 124);
    g_assert_false(qvpn_isakmp_read(mm1_isakmp, QVPN_ISAKMP_HDR_LEN - 1, &h));

    g_assert_true(qvpn_isakmp_read(v2_auth_sk, sizeof(v2_auth_sk), &h));
    g_assert_cmpint(h.major, ==, 2);
    g_assert_cmpint(h.exch, ==, QVPN_IKE_EXCH_AUTH);
    g_assert_cmpint(h.flags, ==, QVPN_IKE_FLAG_V2_INITIATOR);
    g_assert_cmpuint(h.msgid, ==, 1);
    g_assert_cmpuint(h.length, ==, 288);
}

/* The iterator on MM1 gives each payload with its body inside the message. */
static void test_walk_mm1(void)
{
    static const struct { uint8_t type, next; uint16_t length; } want[] = {
        { QVPN_IKE_PL_SA, QVPN_IKE_PL_VID, 56 },
        { QVPN_IKE_PL_VID, QVPN_IKE_PL_VID, 20 },
        { QVPN_IKE_PL_VID, 0, 20 },
    };
    const uint8_t *p = mm1_isakmp;
    qvpn_isakmp_hdr h;
    qvpn_ike_iter it;
    qvpn_ike_payload pl;
    size_t off = QVPN_ISAKMP_HDR_LEN, n = 0;

    g_assert_true(qvpn_isakmp_read(p, sizeof(mm1_isakmp), &h));
    qvpn_ike_iter_init(&it, p, sizeof(mm1_isakmp), &h);
    while (qvpn_ike_payload_next(&it, &pl)) {
        g_assert_cmpuint(n, <, G_N_ELEMENTS(want));
        g_assert_cmpint(pl.type, ==, want[n].type);
        g_assert_cmpint(pl.next, ==, want[n].next);
        g_assert_cmpint(pl.length, ==, want[n].length);
        g_assert_false(pl.ciphertext);
        g_assert_true(pl.body == p + off + 4);
        g_assert_cmpuint(pl.body_len, ==, want[n].length - 4u);
        off += pl.length;
        n++;
    }
    g_assert_cmpuint(n, ==, G_N_ELEMENTS(want));
    g_assert_cmpuint(off, ==, sizeof(mm1_isakmp));
    g_assert_cmpint(it.status, ==, QVPN_IKE_WALK_END);

    qvpn_ike_summary s;
    summarise(p, sizeof(mm1_isakmp), &s);
    g_assert_cmphex(s.payloads, ==, BIT(QVPN_IKE_PL_SA) | BIT(QVPN_IKE_PL_VID));
    g_assert_cmpint(s.n_notify, ==, 0);
    g_assert_cmpint(s.sk_inner, ==, 0);
    g_assert_cmpint(s.status, ==, QVPN_IKE_WALK_END);
}

static void test_walk_notify_v1(void)
{
    qvpn_ike_summary s;

    summarise(v1_no_proposal, sizeof(v1_no_proposal), &s);
    g_assert_cmphex(s.payloads, ==, BIT(QVPN_IKE_PL_NOTIFY));
    g_assert_cmpint(s.n_notify, ==, 1);
    g_assert_cmpint(s.notify[0], ==, 14);          /* NO-PROPOSAL-CHOSEN */
    g_assert_cmpint(s.status, ==, QVPN_IKE_WALK_END);
}

/* IKE_SA_INIT: SA, KE, Nonce at the top level; Wireshark's isakmp.typepayload also
 * lists the SA's Proposal (2) and Transforms (3), which are not payloads of the
 * chain. */
static void test_walk_v2_sa_init(void)
{
    qvpn_ike_summary s;

    summarise(v2_sa_init, sizeof(v2_sa_init), &s);
    g_assert_cmphex(s.payloads, ==, BIT(33) | BIT(34) | BIT(40));
    g_assert_cmpint(s.n_notify, ==, 0);
    g_assert_cmpint(s.status, ==, QVPN_IKE_WALK_END);
}

/* Five Notifies (Wireshark: 16389, 16388, 16430, 16406, 16431): the first four
 * are kept, in message order. */
static void test_walk_v2_notify(void)
{
    qvpn_ike_summary s;

    summarise(v2_sa_init_notify, sizeof(v2_sa_init_notify), &s);
    g_assert_cmphex(s.payloads, ==, BIT(33) | BIT(34) | BIT(40) | BIT(41));
    g_assert_cmpint(s.n_notify, ==, QVPN_MAX_NOTIFY);
    g_assert_cmpint(s.notify[0], ==, 16389);       /* NAT_DETECTION_DESTINATION_IP */
    g_assert_cmpint(s.notify[1], ==, 16388);       /* NAT_DETECTION_SOURCE_IP */
    g_assert_cmpint(s.notify[2], ==, 16430);
    g_assert_cmpint(s.notify[3], ==, 16406);
    g_assert_cmpint(s.status, ==, QVPN_IKE_WALK_END);

    summarise(v2_no_proposal, sizeof(v2_no_proposal), &s);
    g_assert_cmphex(s.payloads, ==, BIT(41));
    g_assert_cmpint(s.n_notify, ==, 1);
    g_assert_cmpint(s.notify[0], ==, 14);          /* NO_PROPOSAL_CHOSEN */
}

/* SK: recorded, its next payload names the first payload inside, and the walk
 * stops there (the rest is ciphertext). */
static void test_walk_v2_sk(void)
{
    qvpn_isakmp_hdr h;
    qvpn_ike_iter it;
    qvpn_ike_payload pl;
    qvpn_ike_summary s;

    g_assert_true(qvpn_isakmp_read(v2_auth_sk, sizeof(v2_auth_sk), &h));
    qvpn_ike_iter_init(&it, v2_auth_sk, sizeof(v2_auth_sk), &h);
    g_assert_true(qvpn_ike_payload_next(&it, &pl));
    g_assert_cmpint(pl.type, ==, QVPN_IKE_PL_V2_SK);
    g_assert_true(pl.ciphertext);
    g_assert_cmpint(pl.next, ==, 35);
    g_assert_cmpuint(pl.body_len, ==, sizeof(v2_auth_sk) - QVPN_ISAKMP_HDR_LEN - 4);
    g_assert_false(qvpn_ike_payload_next(&it, &pl));
    g_assert_cmpint(it.status, ==, QVPN_IKE_WALK_ENCRYPTED);

    summarise(v2_auth_sk, sizeof(v2_auth_sk), &s);
    g_assert_cmphex(s.payloads, ==, BIT(QVPN_IKE_PL_V2_SK));
    g_assert_cmpint(s.sk_inner, ==, 35);           /* IDi */
    g_assert_cmpint(s.status, ==, QVPN_IKE_WALK_ENCRYPTED);

    /* The same bytes called IKEv1: 46 is no Encrypted payload there. */
    uint8_t v1[sizeof(v2_auth_sk)];
    memcpy(v1, v2_auth_sk, sizeof(v1));
    v1[17] = 0x10;
    summarise(v1, sizeof(v1), &s);
    g_assert_cmpint(s.sk_inner, ==, 0);
    g_assert_cmphex(s.payloads & BIT(QVPN_IKE_PL_V2_SK), !=, 0);
}

/* SKF cut by the capture: its header is enough for the type and sk_inner. */
static void test_walk_v2_skf_cut(void)
{
    qvpn_ike_summary s;

    summarise(v2_auth_skf_cut, sizeof(v2_auth_skf_cut), &s);
    g_assert_cmphex(s.payloads, ==, BIT(QVPN_IKE_PL_V2_SKF));
    g_assert_cmpint(s.sk_inner, ==, 35);
    g_assert_cmpint(s.status, ==, QVPN_IKE_WALK_TRUNCATED);
}

/* IKEv1's E flag: everything after the header is ciphertext, nothing is walked
 * (MM1 with the flag set; real encrypted messages name their first payload too). */
static void test_walk_v1_encrypted(void)
{
    uint8_t enc[sizeof(mm1_isakmp)];
    qvpn_ike_summary s;

    memcpy(enc, mm1_isakmp, sizeof(enc));
    enc[19] |= QVPN_IKE_FLAG_V1_ENCRYPTED;
    summarise(enc, sizeof(enc), &s);
    g_assert_cmphex(s.payloads, ==, 0);
    g_assert_cmpint(s.status, ==, QVPN_IKE_WALK_ENCRYPTED);
}

/* --- crash regressions of other dissectors --------------------------------------- */

/* ISAKMP length 0: no chain to walk (tcpdump looped on its payload of length 0). */
static void test_regress_pointer_loop(void)
{
    qvpn_ike_summary s;

    summarise(pointer_loop, sizeof(pointer_loop), &s);
    g_assert_cmphex(s.payloads, ==, 0);
    g_assert_cmpint(s.status, ==, QVPN_IKE_WALK_MALFORMED);

    summarise(zero_length, sizeof(zero_length), &s);
    g_assert_cmphex(s.payloads, ==, 0);
    g_assert_cmpint(s.status, ==, QVPN_IKE_WALK_MALFORMED);
}

/* The same MM1 with its length repaired and the SA's length set to 0: a payload
 * that would name itself forever ends the walk at once. */
static void test_regress_zero_payload_length(void)
{
    uint8_t loop[sizeof(zero_length)];
    qvpn_ike_summary s;

    memcpy(loop, zero_length, sizeof(loop));
    loop[26] = 0;
    loop[27] = (uint8_t)sizeof(loop);
    summarise(loop, sizeof(loop), &s);
    g_assert_cmphex(s.payloads, ==, BIT(QVPN_IKE_PL_SA) | BIT(QVPN_IKE_PL_VID));
    g_assert_cmpint(s.status, ==, QVPN_IKE_WALK_END);

    loop[30] = loop[31] = 0;                       /* SA payload length 0 */
    summarise(loop, sizeof(loop), &s);
    g_assert_cmphex(s.payloads, ==, BIT(QVPN_IKE_PL_SA));
    g_assert_cmpint(s.status, ==, QVPN_IKE_WALK_MALFORMED);
}

/* Two Notifications fill the message, and the last one names an 11 that is not
 * there (tcpdump read on): Wireshark shows the two, and so does the walk. */
static void test_regress_no_none_np(void)
{
    qvpn_ike_summary s;

    summarise(no_none_np, sizeof(no_none_np), &s);
    g_assert_cmphex(s.payloads, ==, BIT(QVPN_IKE_PL_NOTIFY));
    g_assert_cmpint(s.n_notify, ==, 2);
    g_assert_cmpint(s.notify[0], ==, 5);           /* INVALID-MAJOR-VERSION */
    g_assert_cmpint(s.notify[1], ==, 5);
    g_assert_cmpint(s.status, ==, QVPN_IKE_WALK_MALFORMED);
}

/* A Vendor ID of length 3 after the SA: both are seen (Wireshark too), the walk
 * ends there where Wireshark steps over 4 bytes and reads on. */
static void test_regress_bad_length(void)
{
    qvpn_isakmp_hdr h;
    qvpn_ike_iter it;
    qvpn_ike_payload pl;
    unsigned n = 0;

    g_assert_true(qvpn_isakmp_read(bad_length, sizeof(bad_length), &h));
    qvpn_ike_iter_init(&it, bad_length, sizeof(bad_length), &h);
    while (qvpn_ike_payload_next(&it, &pl))
        n++;
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmpint(pl.type, ==, QVPN_IKE_PL_VID);
    g_assert_cmpint(pl.length, ==, 3);
    g_assert_cmpuint(pl.body_len, ==, 0);
    g_assert_cmpint(it.status, ==, QVPN_IKE_WALK_MALFORMED);
}

/* A message of MM1's header and a chain of empty payloads of the given types; its
 * length is returned. */
static size_t build_chain(uint8_t *msg, size_t cap, const uint8_t *types, size_t n)
{
    size_t len = QVPN_ISAKMP_HDR_LEN + 4 * n;

    g_assert_cmpuint(len, <=, cap);
    memcpy(msg, mm1_isakmp, QVPN_ISAKMP_HDR_LEN);
    msg[16] = n > 0 ? types[0] : 0;
    msg[24] = msg[25] = 0;
    msg[26] = (uint8_t)(len >> 8);
    msg[27] = (uint8_t)len;
    for (size_t i = 0; i < n; i++) {
        uint8_t *g = msg + QVPN_ISAKMP_HDR_LEN + 4 * i;
        g[0] = i + 1 < n ? types[i + 1] : 0;
        g[1] = g[2] = 0;
        g[3] = 4;
    }
    return len;
}

/* Types from 64 on (private use from 128) are walked over but have no bit. */
static void test_type_bits(void)
{
    static const uint8_t types[] = { 63, 64, 200, QVPN_IKE_PL_NOTIFY };
    uint8_t msg[64];
    qvpn_ike_summary s;

    summarise(msg, build_chain(msg, sizeof(msg), types, G_N_ELEMENTS(types)), &s);
    g_assert_cmphex(s.payloads, ==, BIT(63) | BIT(QVPN_IKE_PL_NOTIFY));
    g_assert_cmpint(s.n_notify, ==, 0);            /* an empty Notification says nothing */
    g_assert_cmpint(s.status, ==, QVPN_IKE_WALK_END);
}

/* A chain of empty Vendor IDs longer than any message: the walk gives
 * QVPN_IKE_MAX_PAYLOADS and stops. */
static void test_too_many(void)
{
    enum { N = QVPN_IKE_MAX_PAYLOADS + 6 };
    uint8_t types[N], msg[QVPN_ISAKMP_HDR_LEN + 4 * N];
    qvpn_ike_summary s;

    memset(types, QVPN_IKE_PL_VID, sizeof(types));
    summarise(msg, build_chain(msg, sizeof(msg), types, N), &s);
    g_assert_cmphex(s.payloads, ==, BIT(QVPN_IKE_PL_VID));
    g_assert_cmpint(s.status, ==, QVPN_IKE_WALK_TOO_MANY);

    summarise(msg, build_chain(msg, sizeof(msg), types, QVPN_IKE_MAX_PAYLOADS), &s);
    g_assert_cmpint(s.status, ==, QVPN_IKE_WALK_END);
}

/* --- every sample cut at every length ------------------------------------------ */

/* Every reader on the first len bytes, in a buffer of exactly len bytes. */
static void read_all(const uint8_t *p, size_t len)
{
    qvpn_ip_hdr ip;
    qvpn_tcp_hdr tcp;
    qvpn_udp_hdr udp;
    qvpn_esp_hdr esp;

    (void)qvpn_ipv4_read(p, len, &ip);
    (void)qvpn_ipv6_read(p, len, &ip);
    (void)qvpn_tcp_read(p, len, &tcp);
    (void)qvpn_udp_read(p, len, &udp);
    (void)qvpn_esp_read(p, len, &esp);
    (void)qvpn_natt_keepalive(p, len);
}

/* A cut message's walk is a prefix of the whole one's: its payloads and notifies
 * are among the whole's, and it is never called malformed where the whole was not. */
static void check_prefix(const qvpn_ike_summary *cut, const qvpn_ike_summary *whole,
                         size_t len, uint32_t msg_len)
{
    g_assert_cmphex(cut->payloads & ~whole->payloads, ==, 0);
    g_assert_cmpint(cut->n_notify, <=, whole->n_notify);
    for (unsigned i = 0; i < cut->n_notify; i++)
        g_assert_cmpint(cut->notify[i], ==, whole->notify[i]);
    if (len >= msg_len) {
        g_assert_true(memcmp(cut, whole, sizeof(*cut)) == 0);
    } else if (whole->status == QVPN_IKE_WALK_END || whole->status == QVPN_IKE_WALK_ENCRYPTED) {
        g_assert_cmpint(cut->status, !=, QVPN_IKE_WALK_MALFORMED);
        g_assert_cmpint(cut->status, !=, QVPN_IKE_WALK_MORE);
    }
}

static void test_truncations(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(wire_samples); i++) {
        const wire_sample *ws = &wire_samples[i];
        qvpn_isakmp_hdr h;
        qvpn_ike_summary whole, cut;
        bool ike = qvpn_isakmp_read(ws->p, ws->len, &h);

        if (ike)
            qvpn_ike_summarise(ws->p, ws->len, &h, &whole);
        for (size_t len = 0; len <= ws->len; len++) {
            uint8_t *p = dup_exact(ws->p, len);
            read_all(p, len);
            if (ike && len >= QVPN_ISAKMP_HDR_LEN) {
                qvpn_isakmp_hdr hc;
                g_assert_true(qvpn_isakmp_read(p, len, &hc));
                qvpn_ike_summarise(p, len, &hc, &cut);
                check_prefix(&cut, &whole, len, h.length);
            }
            g_free(p);
        }
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qvpn/wire/ipv4/header", test_ipv4);
    g_test_add_func("/qvpn/wire/ipv6/header", test_ipv6);
    g_test_add_func("/qvpn/wire/tcp/header", test_tcp);
    g_test_add_func("/qvpn/wire/udp/header", test_udp);
    g_test_add_func("/qvpn/wire/ah/header", test_ah);
    g_test_add_func("/qvpn/wire/esp/header", test_esp);
    g_test_add_func("/qvpn/wire/natt/keepalive", test_keepalive);
    g_test_add_func("/qvpn/wire/empty", test_empty);
    g_test_add_func("/qvpn/wire/isakmp/header", test_isakmp_header);
    g_test_add_func("/qvpn/wire/isakmp/walk_mm1", test_walk_mm1);
    g_test_add_func("/qvpn/wire/isakmp/walk_notify", test_walk_notify_v1);
    g_test_add_func("/qvpn/wire/isakmp/walk_v2_sa_init", test_walk_v2_sa_init);
    g_test_add_func("/qvpn/wire/isakmp/walk_v2_notify", test_walk_v2_notify);
    g_test_add_func("/qvpn/wire/isakmp/walk_v2_sk", test_walk_v2_sk);
    g_test_add_func("/qvpn/wire/isakmp/walk_v2_skf_cut", test_walk_v2_skf_cut);
    g_test_add_func("/qvpn/wire/isakmp/walk_v1_encrypted", test_walk_v1_encrypted);
    g_test_add_func("/qvpn/wire/isakmp/type_bits", test_type_bits);
    g_test_add_func("/qvpn/wire/isakmp/too_many", test_too_many);
    g_test_add_func("/qvpn/wire/regress/pointer_loop", test_regress_pointer_loop);
    g_test_add_func("/qvpn/wire/regress/zero_payload_length", test_regress_zero_payload_length);
    g_test_add_func("/qvpn/wire/regress/no_none_np", test_regress_no_none_np);
    g_test_add_func("/qvpn/wire/regress/payload_bad_length", test_regress_bad_length);
    g_test_add_func("/qvpn/wire/truncations", test_truncations);
    return g_test_run();
}
