/* test_netwire.c — unit tests of the ICMP error, IP fragment and TLS hello readers
 * (plugin/core/qvpn_netwire.h), on real bytes (netwire_samples.h says where each
 * comes from and what Wireshark 4.0 says of it).  Variants are derived from those
 * bytes here; each says what tshark made of the same bytes written to a pcap with
 * text2pcap (Ethernet, an IPv4 10.5.5.254 -> 10.1.1.2 or IPv6 header around them).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>

#include "qvpn_netwire.h"
#include "netwire_samples.h"

/* zeek__ip6_esp.pcap frame 2 (as tests/unit/wire_samples.h): the IPv6 header
 * (3ffe::1 -> 3ffe::2, next header ESP, payload length 116), then the first 8 ESP
 * bytes (SPI 10, sequence 1). */
static const uint8_t ip6_esp_pkt[] = {
    0x60, 0x00, 0x00, 0x00, 0x00, 0x74, 0x32, 0x40, 0x3f, 0xfe, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x3f, 0xfe, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x01,
};

/* A heap copy of exactly len bytes: a read past the span is a heap overflow under
 * ASan and valgrind rather than a read of the next array. */
static uint8_t *dup_exact(const uint8_t *p, size_t len)
{
    uint8_t *q = g_malloc(len ? len : 1);
    if (len)
        memcpy(q, p, len);
    return q;
}

/* An 8-byte ICMP header (type, code, zero checksum, rest) followed by quoted bytes,
 * into buf; returns the length. */
static size_t icmp_build(uint8_t *buf, uint8_t type, uint8_t code, uint32_t rest,
                         const uint8_t *q, size_t qlen)
{
    const uint8_t hdr[8] = { type, code, 0, 0, (uint8_t)(rest >> 24), (uint8_t)(rest >> 16),
                             (uint8_t)(rest >> 8), (uint8_t)rest };
    memcpy(buf, hdr, 8);
    memcpy(buf + 8, q, qlen);
    return 8 + qlen;
}

static void assert_addr4(const qvpn_addr *a, uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
    const uint8_t want[4] = { b0, b1, b2, b3 };
    g_assert_cmpint(a->len, ==, 4);
    g_assert_cmpmem(a->bytes, 4, want, 4);
}

static void assert_text(const qvpn_icmp_err *e, const char *want)
{
    char buf[128];
    size_t n = qvpn_icmp_err_text(e, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, want);
    g_assert_cmpuint(n, ==, strlen(want));
}

/* --- ICMP errors ---------------------------------------------------------------------- */

static void test_icmp_port_unreach(void)
{
    qvpn_icmp_err e;

    g_assert_true(qvpn_icmp_err_read(false, icmp_port_unreach, sizeof(icmp_port_unreach), &e));
    g_assert_false(e.v6);
    g_assert_cmpint(e.type, ==, 3);
    g_assert_cmpint(e.code, ==, 3);
    g_assert_cmpuint(e.mtu, ==, 0);
    assert_addr4(&e.q_src, 10, 1, 1, 2);
    assert_addr4(&e.q_dst, 10, 9, 9, 1);
    g_assert_cmpint(e.q_proto, ==, 17);
    g_assert_true(e.q_has_ports);
    g_assert_cmpint(e.q_sport, ==, 500);
    g_assert_cmpint(e.q_dport, ==, 500);
    g_assert_false(e.q_has_spi);
    assert_text(&e, "port unreachable");

    /* Read as ICMPv6 it is type 3 (time exceeded) quoting no IPv6 header. */
    g_assert_false(qvpn_icmp_err_read(true, icmp_port_unreach, sizeof(icmp_port_unreach), &e));
    /* RFC 792's minimum: the IP header and 8 bytes; 4 of them still give the ports. */
    g_assert_true(qvpn_icmp_err_read(false, icmp_port_unreach, 8 + 20 + 4, &e));
    g_assert_true(e.q_has_ports);
    g_assert_true(qvpn_icmp_err_read(false, icmp_port_unreach, 8 + 20 + 3, &e));
    g_assert_false(e.q_has_ports);
    g_assert_cmpint(e.q_proto, ==, 17);
    g_assert_false(qvpn_icmp_err_read(false, icmp_port_unreach, 8 + 19, &e));
}

/* Type 3 code 4, next-hop MTU 1400, quoting tcpdump__espudp1.pcap frame 1 (IPv4,
 * UDP 4500, ESP): tshark -V: "Code: 4 (Fragmentation needed)", "MTU of next hop:
 * 1400", quoted UDP 4500 -> 4500 Length 124, "UDP Encapsulation of IPsec Packets",
 * "ESP SPI: 0x12345678". */
static void test_icmp_frag_needed_espudp(void)
{
    uint8_t buf[64];
    qvpn_icmp_err e;
    size_t n = icmp_build(buf, 3, 4, 1400, espudp_ip, 36);

    g_assert_true(qvpn_icmp_err_read(false, buf, n, &e));
    g_assert_cmpuint(e.mtu, ==, 1400);
    assert_addr4(&e.q_src, 192, 1, 2, 23);
    assert_addr4(&e.q_dst, 192, 1, 2, 45);
    g_assert_cmpint(e.q_proto, ==, 17);
    g_assert_true(e.q_has_ports);
    g_assert_cmpint(e.q_sport, ==, 4500);
    g_assert_cmpint(e.q_dport, ==, 4500);
    g_assert_true(e.q_has_spi);
    g_assert_cmphex(e.q_spi, ==, 0x12345678);
    assert_text(&e, "fragmentation needed (MTU 1400)");

    /* Only RFC 792's 8 bytes: the UDP header, no SPI. */
    g_assert_true(qvpn_icmp_err_read(false, buf, 8 + 20 + 8, &e));
    g_assert_true(e.q_has_ports);
    g_assert_false(e.q_has_spi);
    /* A zero first word is IKE's non-ESP marker: no SPI. */
    memset(buf + 8 + 28, 0, 4);
    g_assert_true(qvpn_icmp_err_read(false, buf, n, &e));
    g_assert_false(e.q_has_spi);
    /* A UDP length too short to hold an SPI: none either. */
    memcpy(buf + 8, espudp_ip, 36);
    buf[8 + 24] = 0;
    buf[8 + 25] = 9;
    g_assert_true(qvpn_icmp_err_read(false, buf, n, &e));
    g_assert_false(e.q_has_spi);
    /* A router older than RFC 1191: no MTU given. */
    buf[6] = buf[7] = 0;
    g_assert_true(qvpn_icmp_err_read(false, buf, n, &e));
    assert_text(&e, "fragmentation needed");
    buf[6] = 0x05;
    buf[7] = 0x78;
    /* The MTU field belongs to code 4 only. */
    buf[1] = 3;
    g_assert_true(qvpn_icmp_err_read(false, buf, n, &e));
    g_assert_cmpuint(e.mtu, ==, 0);
}

/* Type 3 code 13 quoting arkime__wireshark-esp.pcap frame 1: tshark -V: "Code: 13
 * (Communication administratively filtered)", quoted Protocol: Encap Security
 * Payload (50), "ESP SPI: 0x0000006e (110)". */
static void test_icmp_admin_esp(void)
{
    uint8_t buf[64];
    qvpn_icmp_err e;
    size_t n = icmp_build(buf, 3, 13, 0, esp_ip, 28);

    g_assert_true(qvpn_icmp_err_read(false, buf, n, &e));
    g_assert_cmpint(e.q_proto, ==, 50);
    g_assert_false(e.q_has_ports);
    g_assert_true(e.q_has_spi);
    g_assert_cmphex(e.q_spi, ==, 0x6e);
    assert_addr4(&e.q_src, 190, 0, 0, 1);
    assert_text(&e, "communication administratively prohibited");
    buf[1] = 9;
    g_assert_true(qvpn_icmp_err_read(false, buf, n, &e));
    assert_text(&e, "communication administratively prohibited (network)");
    buf[1] = 10;
    g_assert_true(qvpn_icmp_err_read(false, buf, n, &e));
    assert_text(&e, "communication administratively prohibited (host)");
    /* 3 bytes of ESP: no SPI. */
    g_assert_true(qvpn_icmp_err_read(false, buf, 8 + 20 + 3, &e));
    g_assert_false(e.q_has_spi);
    /* AH: its SPI is the second word. */
    buf[8 + 9] = 51;
    g_assert_true(qvpn_icmp_err_read(false, buf, n, &e));
    g_assert_true(e.q_has_spi);
    g_assert_cmphex(e.q_spi, ==, 0x13);
}

/* Type 11 code 0 quoting zeek-spicy-ipsec__ipsec_client.pcap frame 3 (the first
 * fragment of an IKE_AUTH on 4500): tshark -V: "Type: 11 (Time-to-live exceeded)",
 * "Code: 0 (Time to live exceeded in transit)", quoted UDP 4500 -> 4500 Length 3480. */
static void test_icmp_time_exceeded(void)
{
    uint8_t buf[64];
    qvpn_icmp_err e;
    size_t n = icmp_build(buf, 11, 0, 0, frag_first, 28 + 4);

    g_assert_true(qvpn_icmp_err_read(false, buf, n, &e));
    g_assert_cmpint(e.type, ==, 11);
    g_assert_true(e.q_has_ports);
    g_assert_cmpint(e.q_dport, ==, 4500);
    g_assert_false(e.q_has_spi);        /* the non-ESP marker: IKE */
    assert_text(&e, "time exceeded in transit");
    buf[1] = 1;
    g_assert_true(qvpn_icmp_err_read(false, buf, n, &e));
    assert_text(&e, "fragment reassembly time exceeded");
    buf[1] = 7;
    g_assert_true(qvpn_icmp_err_read(false, buf, n, &e));
    assert_text(&e, "time exceeded (code 7)");

    /* A later fragment quoted: its first bytes are data, not ports. */
    n = icmp_build(buf, 11, 0, 0, frag_middle, 36);
    g_assert_true(qvpn_icmp_err_read(false, buf, n, &e));
    g_assert_cmpint(e.q_proto, ==, 17);
    g_assert_false(e.q_has_ports);
}

/* ICMPv6 Packet Too Big, MTU 1280, quoting zeek__ip6_esp.pcap frame 2: tshark -V:
 * "Type: Packet Too Big (2)", "MTU: 1280", quoted "Next Header: Encap Security
 * Payload (50)", "ESP SPI: 0x0000000a (10)". */
static void test_icmp6_too_big(void)
{
    uint8_t buf[64];
    qvpn_icmp_err e;
    size_t n = icmp_build(buf, 2, 0, 1280, ip6_esp_pkt, sizeof(ip6_esp_pkt));
    static const uint8_t src[16] = { 0x3f, 0xfe, [15] = 1 };

    g_assert_true(qvpn_icmp_err_read(true, buf, n, &e));
    g_assert_true(e.v6);
    g_assert_cmpint(e.type, ==, 2);
    g_assert_cmpuint(e.mtu, ==, 1280);
    g_assert_cmpint(e.q_src.len, ==, 16);
    g_assert_cmpmem(e.q_src.bytes, 16, src, 16);
    g_assert_cmpint(e.q_proto, ==, 50);
    g_assert_true(e.q_has_spi);
    g_assert_cmphex(e.q_spi, ==, 10);
    assert_text(&e, "packet too big (MTU 1280)");
    g_assert_false(qvpn_icmp_err_read(false, buf, n, &e));
    g_assert_false(qvpn_icmp_err_read(true, buf, 8 + 39, &e));

    buf[0] = 1;
    buf[1] = 4;
    g_assert_true(qvpn_icmp_err_read(true, buf, n, &e));
    g_assert_cmpuint(e.mtu, ==, 0);
    assert_text(&e, "port unreachable");
    buf[1] = 1;
    g_assert_true(qvpn_icmp_err_read(true, buf, n, &e));
    assert_text(&e, "communication administratively prohibited");
    buf[0] = 3;
    buf[1] = 0;
    g_assert_true(qvpn_icmp_err_read(true, buf, n, &e));
    assert_text(&e, "hop limit exceeded in transit");
}

/* Informational messages are no errors. */
static void test_icmp_not_errors(void)
{
    uint8_t buf[128];
    qvpn_icmp_err e;
    size_t n;

    memcpy(buf, icmp_port_unreach, sizeof(icmp_port_unreach));
    for (unsigned t = 0; t < 256; t++) {
        buf[0] = (uint8_t)t;
        bool err4 = t == 3 || t == 4 || t == 5 || t == 11 || t == 12;
        g_assert_cmpint(qvpn_icmp_err_read(false, buf, sizeof(icmp_port_unreach), &e), ==, err4);
    }
    n = icmp_build(buf, 128, 0, 0, ip6_esp_pkt, sizeof(ip6_esp_pkt));  /* echo request */
    g_assert_false(qvpn_icmp_err_read(true, buf, n, &e));
    buf[0] = 1;
    g_assert_true(qvpn_icmp_err_read(true, buf, n, &e));
    g_assert_false(qvpn_icmp_err_read(false, NULL, 0, &e));
    g_assert_false(qvpn_icmp_err_read(true, NULL, 0, &e));
}

/* Quoted headers that lie. */
static void test_icmp_hostile(void)
{
    uint8_t buf[128];
    qvpn_icmp_err e;
    size_t n;

    /* IHL 15 with 20 bytes of header quoted: the transport header is not there. */
    n = icmp_build(buf, 3, 3, 0, icmp_port_unreach + 8, 28);
    buf[8] = 0x4f;
    g_assert_true(qvpn_icmp_err_read(false, buf, n, &e));
    g_assert_false(e.q_has_ports);
    /* IHL 4: no IPv4 header. */
    buf[8] = 0x44;
    g_assert_false(qvpn_icmp_err_read(false, buf, n, &e));

    /* IPv6 quoted with five Destination Options headers: the walk gives up. */
    uint8_t q[40 + 5 * 8 + 8];
    memcpy(q, ip6_esp_pkt, 40);
    q[6] = 60;
    for (unsigned i = 0; i < 5; i++) {
        memset(q + 40 + 8 * i, 0, 8);
        q[40 + 8 * i] = i < 4 ? 60 : 17;
    }
    memcpy(q + 80, "\x01\xf4\x01\xf4\x00\x08\x00\x00", 8);
    n = icmp_build(buf, 1, 4, 0, q, sizeof(q));
    g_assert_true(qvpn_icmp_err_read(true, buf, n, &e));
    g_assert_cmpint(e.q_proto, ==, 60);
    g_assert_false(e.q_has_ports);
    /* Four of them are passed. */
    q[40 + 8 * 3] = 17;
    n = icmp_build(buf, 1, 4, 0, q, 72 + 4);
    g_assert_true(qvpn_icmp_err_read(true, buf, n, &e));
    g_assert_cmpint(e.q_proto, ==, 17);
    g_assert_true(e.q_has_ports);
    g_assert_cmphex(e.q_sport, ==, 0x1100);   /* the fifth header's first bytes */
    /* An extension header longer than what is captured. */
    q[41] = 255;
    n = icmp_build(buf, 1, 4, 0, q, sizeof(q));
    g_assert_true(qvpn_icmp_err_read(true, buf, n, &e));
    g_assert_cmpint(e.q_proto, ==, 60);
    g_assert_false(e.q_has_ports);
}

static void test_icmp_text_bounds(void)
{
    qvpn_icmp_err e;
    char buf[8];

    g_assert_true(qvpn_icmp_err_read(false, icmp_port_unreach, sizeof(icmp_port_unreach), &e));
    g_assert_cmpuint(qvpn_icmp_err_text(&e, buf, 0), ==, 0);
    g_assert_cmpuint(qvpn_icmp_err_text(&e, buf, 1), ==, 0);
    g_assert_cmpstr(buf, ==, "");
    g_assert_cmpuint(qvpn_icmp_err_text(&e, buf, sizeof(buf)), ==, 7);
    g_assert_cmpstr(buf, ==, "port un");
    /* Every type and code has a text. */
    for (unsigned v6 = 0; v6 < 2; v6++)
        for (unsigned t = 0; t < 256; t++)
            for (unsigned c = 0; c < 256; c++) {
                char big[96];
                e.v6 = v6;
                e.type = (uint8_t)t;
                e.code = (uint8_t)c;
                g_assert_cmpuint(qvpn_icmp_err_text(&e, big, sizeof(big)), >, 0);
            }
}

typedef struct icmp_sample {
    bool           v6;
    const uint8_t *p;
    size_t         len;
    size_t         min;     /* the ICMP header and the quoted IP header */
} icmp_sample;

static void test_icmp_truncations(void)
{
    uint8_t b1[64], b2[64], b3[64];
    const icmp_sample s[] = {
        { false, icmp_port_unreach, sizeof(icmp_port_unreach), 28 },
        { false, b1, icmp_build(b1, 3, 4, 1400, espudp_ip, 44), 28 },
        { false, b2, icmp_build(b2, 3, 13, 0, esp_ip, 36), 28 },
        { true, b3, icmp_build(b3, 2, 0, 1280, ip6_esp_pkt, 48), 48 },
    };
    qvpn_icmp_err e;
    char buf[128];

    for (size_t i = 0; i < G_N_ELEMENTS(s); i++)
        for (size_t len = 0; len <= s[i].len; len++) {
            uint8_t *p = dup_exact(s[i].p, len);
            bool ok = qvpn_icmp_err_read(s[i].v6, p, len, &e);
            g_assert_cmpint(ok, ==, len >= s[i].min);
            if (ok)
                g_assert_cmpuint(qvpn_icmp_err_text(&e, buf, sizeof(buf)), >, 0);
            g_free(p);
        }
}

/* --- IP fragments ----------------------------------------------------------------- */

static void test_frag_v4(void)
{
    qvpn_ip_frag f;
    unsigned total = 0;

    g_assert_true(qvpn_ipv4_frag_read(frag_first, sizeof(frag_first), &f));
    g_assert_false(f.v6);
    g_assert_cmphex(f.id, ==, 0x1b1e);
    g_assert_cmpuint(f.offset, ==, 0);
    g_assert_true(f.more);
    g_assert_cmpint(f.proto, ==, 17);
    g_assert_cmpuint(f.payload_len, ==, 1440);
    assert_addr4(&f.src, 192, 168, 0, 10);
    assert_addr4(&f.dst, 144, 76, 154, 114);
    g_assert_true(f.has_ports);
    g_assert_cmpint(f.sport, ==, 4500);
    g_assert_cmpint(f.dport, ==, 4500);
    total += f.payload_len;

    g_assert_true(qvpn_ipv4_frag_read(frag_middle, sizeof(frag_middle), &f));
    g_assert_cmpuint(f.offset, ==, 1440);
    g_assert_true(f.more);
    g_assert_false(f.has_ports);
    g_assert_cmpuint(f.payload_len, ==, 1440);
    total += f.payload_len;

    g_assert_true(qvpn_ipv4_frag_read(frag_last, sizeof(frag_last), &f));
    g_assert_cmphex(f.id, ==, 0x1b1e);
    g_assert_cmpuint(f.offset, ==, 2880);
    g_assert_false(f.more);
    g_assert_false(f.has_ports);
    g_assert_cmpuint(f.payload_len, ==, 600);
    total += f.payload_len;
    g_assert_cmpuint(total, ==, 3480);          /* ip.reassembled.length */
    g_assert_cmpuint(f.offset + f.payload_len, ==, 3480);

    /* Not fragments: the quoted header of icmp_quote.pcap (no MF, offset 0), and
     * IPv6. */
    g_assert_false(qvpn_ipv4_frag_read(icmp_port_unreach + 8, 28, &f));
    g_assert_false(qvpn_ipv6_frag_read(frag_first, sizeof(frag_first), &f));
    g_assert_false(qvpn_ipv4_frag_read(ip6_esp_pkt, sizeof(ip6_esp_pkt), &f));

    /* Hostile: a total length under the header length; the largest offset. */
    uint8_t b[sizeof(frag_last)];
    memcpy(b, frag_last, sizeof(b));
    b[2] = 0;
    b[3] = 10;
    b[6] = 0x1f;
    b[7] = 0xff;
    g_assert_true(qvpn_ipv4_frag_read(b, sizeof(b), &f));
    g_assert_cmpuint(f.payload_len, ==, 0);
    g_assert_cmpuint(f.offset, ==, 65528);
}

/* IPv6 fragments built on zeek__ip6_esp.pcap frame 2's header.  tshark -V (with
 * -o ipv6.defragment:FALSE):
 *   first: "Next Header: Fragment Header for IPv6 (44)", "Offset: 0 (0 bytes)", "More
 *          Fragments: Yes", "Identification: 0xdeadbeef", then UDP 500 -> 500;
 *   later: "Next Header: Destination Options for IPv6 (60)" (8 bytes, PadN), then the
 *          Fragment header "Offset: 181 (1448 bytes)", "More Fragments: No",
 *          "Identification: 0xdeadbeef". */
static size_t frag6_first(uint8_t *b)
{
    static const uint8_t tail[] = { 17, 0, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef,
                                    0x01, 0xf4, 0x01, 0xf4, 0x00, 0x08, 0x00, 0x00 };
    memcpy(b, ip6_esp_pkt, 40);
    b[4] = 0;
    b[5] = 16;
    b[6] = 44;
    memcpy(b + 40, tail, sizeof(tail));
    return 40 + sizeof(tail);
}

static size_t frag6_later(uint8_t *b)
{
    static const uint8_t tail[] = { 44, 0, 1, 4, 0, 0, 0, 0,
                                    17, 0, 0x05, 0xa8, 0xde, 0xad, 0xbe, 0xef,
                                    0, 0, 0, 0, 0, 0, 0, 0 };
    memcpy(b, ip6_esp_pkt, 40);
    b[4] = 0;
    b[5] = 24;
    b[6] = 60;
    memcpy(b + 40, tail, sizeof(tail));
    return 40 + sizeof(tail);
}

static void test_frag_v6(void)
{
    uint8_t b[96];
    qvpn_ip_frag f;
    size_t n = frag6_first(b);

    g_assert_true(qvpn_ipv6_frag_read(b, n, &f));
    g_assert_true(f.v6);
    g_assert_cmphex(f.id, ==, 0xdeadbeef);
    g_assert_cmpuint(f.offset, ==, 0);
    g_assert_true(f.more);
    g_assert_cmpint(f.proto, ==, 17);
    g_assert_cmpuint(f.payload_len, ==, 8);
    g_assert_cmpint(f.src.len, ==, 16);
    g_assert_true(f.has_ports);
    g_assert_cmpint(f.sport, ==, 500);
    g_assert_false(qvpn_ipv4_frag_read(b, n, &f));

    n = frag6_later(b);
    g_assert_true(qvpn_ipv6_frag_read(b, n, &f));
    g_assert_cmpuint(f.offset, ==, 1448);
    g_assert_false(f.more);
    g_assert_cmpuint(f.payload_len, ==, 8);
    g_assert_false(f.has_ports);

    /* An atomic fragment (offset 0, M 0) is still a Fragment header. */
    n = frag6_first(b);
    b[43] = 0;
    g_assert_true(qvpn_ipv6_frag_read(b, n, &f));
    g_assert_false(f.more);
    /* A payload length shorter than the headers. */
    b[5] = 0;
    g_assert_true(qvpn_ipv6_frag_read(b, n, &f));
    g_assert_cmpuint(f.payload_len, ==, 0);

    /* No Fragment header. */
    g_assert_false(qvpn_ipv6_frag_read(ip6_esp_pkt, sizeof(ip6_esp_pkt), &f));
    /* Five Destination Options headers before it: more than the walk takes. */
    memcpy(b, ip6_esp_pkt, 40);
    b[6] = 60;
    for (unsigned i = 0; i < 5; i++) {
        memset(b + 40 + 8 * i, 0, 8);
        b[40 + 8 * i] = i < 4 ? 60 : 44;
    }
    memset(b + 80, 0, 8);
    b[80] = 17;
    g_assert_false(qvpn_ipv6_frag_read(b, 88, &f));
    b[40 + 8 * 3] = 44;          /* four: read */
    g_assert_true(qvpn_ipv6_frag_read(b, 80, &f));
    b[41] = 200;                 /* longer than the span */
    g_assert_false(qvpn_ipv6_frag_read(b, 88, &f));
}

static void test_frag_truncations(void)
{
    uint8_t b6[2][96];
    struct { const uint8_t *p; size_t len; bool v6; size_t min; size_t ports; } s[] = {
        { frag_first, sizeof(frag_first), false, 20, 24 },
        { frag_middle, sizeof(frag_middle), false, 20, SIZE_MAX },
        { frag_last, sizeof(frag_last), false, 20, SIZE_MAX },
        { b6[0], frag6_first(b6[0]), true, 48, 52 },
        { b6[1], frag6_later(b6[1]), true, 56, SIZE_MAX },
    };
    qvpn_ip_frag f;

    for (size_t i = 0; i < G_N_ELEMENTS(s); i++)
        for (size_t len = 0; len <= s[i].len; len++) {
            uint8_t *p = dup_exact(s[i].p, len);
            bool ok = s[i].v6 ? qvpn_ipv6_frag_read(p, len, &f) : qvpn_ipv4_frag_read(p, len, &f);
            g_assert_cmpint(ok, ==, len >= s[i].min);
            g_assert_cmpint(f.has_ports, ==, len >= s[i].ports);
            g_free(p);
        }
}

/* --- TLS hellos ------------------------------------------------------------------- */

static void read_hello(const uint8_t *p, size_t len, qvpn_tls_hello *h)
{
    uint8_t *q = dup_exact(p, len);
    g_assert_true(qvpn_tls_hello_read(q, len, h));
    g_free(q);
}

static void assert_hello_text(const qvpn_tls_hello *h, const char *want)
{
    char buf[512];
    size_t n = qvpn_tls_hello_text(h, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, want);
    g_assert_cmpuint(n, ==, strlen(want));
}

static void test_tls_sslv2_hello(void)
{
    qvpn_tls_hello h;
    static const uint16_t want[27] = {
        0x0004, 0x0005, 0x000a, 0xffff, 0xffff, 0xffff, 0x0009, 0xffff, 0x0064, 0x0062,
        0x0003, 0x0006, 0xffff, 0xffff, 0x0013, 0x0012, 0x0063, 0x002f, 0x0035, 0x0032,
        0x0038, 0x0033, 0x0039, 0x0016, 0x0015, 0x0014, 0x0011,
    };

    read_hello(qv_sslv2_hello, sizeof(qv_sslv2_hello), &h);
    g_assert_true(h.client);
    g_assert_true(h.sslv2);
    g_assert_cmphex(h.version, ==, 0x0301);
    g_assert_cmpuint(h.n_suites, ==, 27);
    g_assert_cmpuint(h.dropped, ==, 0);
    g_assert_cmpmem(h.suites, sizeof(want), want, sizeof(want));
    g_assert_true(qvpn_tls_hello_legacy_only(&h));      /* TLS 1.0 */
    assert_hello_text(&h, "TLS 1.0 (SSLv2 hello): TLS_RSA_WITH_RC4_128_MD5, "
                          "TLS_RSA_WITH_RC4_128_SHA, TLS_RSA_WITH_3DES_EDE_CBC_SHA, "
                          "SSLv2 cipher kind (+23)");
    /* Every spec is named as tshark names it (SSLv2 kinds aside). */
    g_assert_cmpstr(qvpn_tls_suite_name(0x0064), ==, "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA");
    g_assert_cmpstr(qvpn_tls_suite_name(0x0063), ==, "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA");
    g_assert_cmpstr(qvpn_tls_suite_name(0x0011), ==, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA");
    for (unsigned i = 0; i < h.n_suites; i++)
        g_assert_nonnull(qvpn_tls_suite_name(h.suites[i]));

    /* Hostile SSLv2 headers: a spec length not a multiple of 3, a short challenge, a
     * record length shorter than its parts, a message type other than CLIENT-HELLO. */
    uint8_t b[sizeof(qv_sslv2_hello)];
    qvpn_tls_hello x;
    const struct { size_t off; uint8_t v; } bad[] = {
        { 6, 80 }, { 6, 0 }, { 10, 15 }, { 10, 33 }, { 1, 100 }, { 2, 2 }, { 3, 0x04 }, { 8, 33 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        memcpy(b, qv_sslv2_hello, sizeof(b));
        b[bad[i].off] = bad[i].v;
        g_assert_false(qvpn_tls_hello_read(b, sizeof(b), &x));
    }
    /* Version 0x0002: a genuine SSLv2 hello. */
    memcpy(b, qv_sslv2_hello, sizeof(b));
    b[3] = 0;
    b[4] = 2;
    read_hello(b, sizeof(b), &x);
    g_assert_cmpstr(qvpn_tls_version_name(x.version), ==, "SSLv2");
    g_assert_true(qvpn_tls_hello_legacy_only(&x));
}

static void test_tls_server_hello(void)
{
    qvpn_tls_hello h;

    read_hello(qv_server_hello, sizeof(qv_server_hello), &h);
    g_assert_false(h.client);
    g_assert_false(h.sslv2);
    g_assert_cmphex(h.version, ==, 0x0301);
    g_assert_cmpuint(h.n_suites, ==, 1);
    g_assert_cmphex(h.suites[0], ==, 0x000a);
    g_assert_false(qvpn_tls_hello_legacy_only(&h));     /* a ClientHello's property */
    assert_hello_text(&h, "TLS 1.0: TLS_RSA_WITH_3DES_EDE_CBC_SHA");

    read_hello(tls12_server_hello, sizeof(tls12_server_hello), &h);
    g_assert_cmphex(h.version, ==, 0x0303);
    g_assert_cmphex(h.suites[0], ==, 0xc02b);
    assert_hello_text(&h, "TLS 1.2: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");

    read_hello(draft_server_hello, sizeof(draft_server_hello), &h);
    g_assert_cmphex(h.version, ==, 0x7f10);
    g_assert_cmphex(h.suites[0], ==, 0x1303);
    assert_hello_text(&h, "TLS 1.3 draft: TLS_CHACHA20_POLY1305_SHA256");
}

static void test_tls_client_hello(void)
{
    qvpn_tls_hello h;

    read_hello(refused_client_hello, sizeof(refused_client_hello), &h);
    g_assert_true(h.client);
    g_assert_cmphex(h.version, ==, 0x0301);
    g_assert_cmpuint(h.n_suites, ==, 13);
    g_assert_cmphex(h.suites[12], ==, 0x0035);
    g_assert_true(qvpn_tls_hello_legacy_only(&h));
    assert_hello_text(&h, "TLS 1.0: TLS_RSA_WITH_RC4_128_MD5, TLS_RSA_WITH_RC4_128_SHA, "
                          "TLS_RSA_WITH_3DES_EDE_CBC_SHA, TLS_RSA_WITH_DES_CBC_SHA (+9)");

    /* GREASE in the suites and in supported_versions: TLS 1.3 is the highest. */
    read_hello(grease_client_hello, sizeof(grease_client_hello), &h);
    g_assert_cmphex(h.version, ==, 0x0304);
    g_assert_cmpuint(h.n_suites, ==, 17);
    g_assert_cmphex(h.suites[0], ==, 0xaaaa);
    g_assert_null(qvpn_tls_suite_name(0xaaaa));
    g_assert_false(qvpn_tls_hello_legacy_only(&h));
    assert_hello_text(&h, "TLS 1.3: 0xaaaa, TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, "
                          "TLS_CHACHA20_POLY1305_SHA256 (+13)");

    read_hello(draft_client_hello, sizeof(draft_client_hello), &h);
    g_assert_cmphex(h.version, ==, 0x7f10);
    g_assert_cmpuint(h.n_suites, ==, 18);
    g_assert_cmphex(h.suites[17], ==, 0x000a);
    g_assert_false(qvpn_tls_hello_legacy_only(&h));

    read_hello(v6_client_hello, sizeof(v6_client_hello), &h);
    g_assert_cmphex(h.version, ==, 0x0303);
    g_assert_cmpuint(h.n_suites, ==, 28);
    g_assert_cmphex(h.suites[0], ==, 0xc02c);
    g_assert_cmphex(h.suites[27], ==, 0x00ff);
    g_assert_false(qvpn_tls_hello_legacy_only(&h));
}

/* The refused login's hello at TLS 1.2 (legacy_version byte 10 of the record):
 * legacy-only as long as every suite is; its two AES suites (0x002f 0x0035, the
 * last two) make it acceptable. */
static void test_tls_legacy_only(void)
{
    uint8_t b[sizeof(refused_client_hello)];
    qvpn_tls_hello h;

    memcpy(b, refused_client_hello, sizeof(b));
    g_assert_cmphex(b[9] << 8 | b[10], ==, 0x0301);
    b[10] = 0x03;
    read_hello(b, sizeof(b), &h);
    g_assert_cmphex(h.version, ==, 0x0303);
    g_assert_false(qvpn_tls_hello_legacy_only(&h));
    /* Suites start at 5 + 4 + 2 + 32 + 1 + 2 = 46; AES ones at 46 + 22 and 46 + 24. */
    g_assert_cmphex(b[68] << 8 | b[69], ==, 0x002f);
    b[69] = 0x0a;
    b[71] = 0xff;          /* 0x0035 -> 0x00ff, the renegotiation SCSV: no cipher */
    read_hello(b, sizeof(b), &h);
    g_assert_true(qvpn_tls_hello_legacy_only(&h));
    /* Only the SCSV: nothing weak offered, nothing to refuse. */
    qvpn_tls_hello only = { .client = true, .version = 0x0303, .n_suites = 1,
                            .suites = { 0x00ff } };
    g_assert_false(qvpn_tls_hello_legacy_only(&only));

    g_assert_cmphex(qvpn_tls_suite_weak(0x0003), ==,
                    QVPN_TLS_WEAK_EXPORT | QVPN_TLS_WEAK_RC4 | QVPN_TLS_WEAK_MD5);
    g_assert_cmphex(qvpn_tls_suite_weak(0x000a), ==, QVPN_TLS_WEAK_3DES);
    g_assert_cmphex(qvpn_tls_suite_weak(0x0009), ==, QVPN_TLS_WEAK_DES);
    g_assert_cmphex(qvpn_tls_suite_weak(0x0001), ==, QVPN_TLS_WEAK_NULL | QVPN_TLS_WEAK_MD5);
    g_assert_cmphex(qvpn_tls_suite_weak(0xc011), ==, QVPN_TLS_WEAK_RC4);
    g_assert_cmphex(qvpn_tls_suite_weak(0xc02f), ==, 0);
    g_assert_cmphex(qvpn_tls_suite_weak(0x1301), ==, 0);
    g_assert_cmphex(qvpn_tls_suite_weak(0x1234), ==, 0);
    g_assert_null(qvpn_tls_suite_name(0x1234));
}

static void test_tls_names(void)
{
    unsigned named = 0;

    g_assert_cmpstr(qvpn_tls_version_name(0x0300), ==, "SSLv3");
    g_assert_cmpstr(qvpn_tls_version_name(0x0302), ==, "TLS 1.1");
    g_assert_cmpstr(qvpn_tls_version_name(0x0304), ==, "TLS 1.3");
    g_assert_null(qvpn_tls_version_name(0x0305));
    g_assert_null(qvpn_tls_version_name(0xfeff));
    for (unsigned s = 0; s < 0x10000; s++) {
        const char *n = qvpn_tls_suite_name((uint16_t)s);
        if (n == NULL)
            continue;
        named++;
        if (s != 0xffff)
            g_assert_true(g_str_has_prefix(n, "TLS_"));
        /* Weak bits agree with the name. */
        uint32_t w = qvpn_tls_suite_weak((uint16_t)s);
        g_assert_cmpint((w & QVPN_TLS_WEAK_EXPORT) != 0, ==, strstr(n, "EXPORT") != NULL);
        g_assert_cmpint((w & QVPN_TLS_WEAK_RC4) != 0, ==, strstr(n, "RC4") != NULL);
        g_assert_cmpint((w & QVPN_TLS_WEAK_3DES) != 0, ==, strstr(n, "3DES") != NULL);
        g_assert_cmpint((w & QVPN_TLS_WEAK_NULL) != 0, ==, strstr(n, "NULL") != NULL);
        if (s != 0xffff)
            g_assert_cmpint((w & QVPN_TLS_WEAK_MD5) != 0, ==, g_str_has_suffix(n, "MD5"));
    }
    g_assert_cmpuint(named, >=, 60);
}

/* Handshake framing: a hello split across records, more suites than are kept, the
 * records before it, ChangeCipherSpec, non-TLS. */
static void test_tls_framing(void)
{
    uint8_t b[600];
    qvpn_tls_hello h;

    /* The record ends right after the suite list; the hello goes on in the next. */
    memcpy(b, refused_client_hello, sizeof(refused_client_hello));
    b[3] = 0;
    b[4] = 4 + 2 + 32 + 1 + 2 + 26;
    read_hello(b, sizeof(refused_client_hello), &h);
    g_assert_cmpuint(h.n_suites, ==, 13);
    b[4]--;                               /* one byte of the list in the next record */
    g_assert_false(qvpn_tls_hello_read(b, sizeof(refused_client_hello), &h));

    /* 250 suites of TLS_RSA_WITH_3DES_EDE_CBC_SHA at TLS 1.2: 64 kept, the rest
     * counted; unseen suites might be strong, so not legacy-only. */
    size_t n_s = 250, body = 2 + 32 + 1 + 2 + 2 * n_s + 2;
    memset(b, 0, sizeof(b));
    b[0] = 22; b[1] = 3; b[2] = 1; b[3] = (uint8_t)((4 + body) >> 8); b[4] = (uint8_t)(4 + body);
    b[5] = 1; b[6] = 0; b[7] = (uint8_t)(body >> 8); b[8] = (uint8_t)body;
    b[9] = 3; b[10] = 3;
    b[43] = 0;
    b[44] = (uint8_t)(2 * n_s >> 8); b[45] = (uint8_t)(2 * n_s);
    for (size_t i = 0; i < n_s; i++)
        b[47 + 2 * i] = 0x0a;
    b[46 + 2 * n_s] = 1;
    read_hello(b, 9 + body, &h);
    g_assert_cmpuint(h.n_suites, ==, QVPN_TLS_MAX_SUITES);
    g_assert_cmpuint(h.dropped, ==, 250 - QVPN_TLS_MAX_SUITES);
    g_assert_false(qvpn_tls_hello_legacy_only(&h));
    char t[256];
    qvpn_tls_hello_text(&h, t, sizeof(t));
    g_assert_true(g_str_has_suffix(t, " (+246)"));
    /* An odd suite list length. */
    b[45]++;
    g_assert_false(qvpn_tls_hello_read(b, 9 + body, &h));

    /* An Alert record first, then the hello: found; a ChangeCipherSpec first: not. */
    static const uint8_t alert[7] = { 21, 3, 1, 0, 2, 1, 0 };
    memcpy(b, alert, 7);
    memcpy(b + 7, qv_server_hello, sizeof(qv_server_hello));
    read_hello(b, 7 + sizeof(qv_server_hello), &h);
    g_assert_cmphex(h.suites[0], ==, 0x000a);
    b[0] = 20;
    g_assert_false(qvpn_tls_hello_read(b, 7 + sizeof(qv_server_hello), &h));
    /* Another handshake message (HelloRequest, empty) before the hello in one record. */
    memcpy(b, qv_server_hello, 5);
    b[4] = (uint8_t)(b[4] + 4);
    memset(b + 5, 0, 4);
    memcpy(b + 9, qv_server_hello + 5, sizeof(qv_server_hello) - 5);
    read_hello(b, 4 + sizeof(qv_server_hello), &h);
    g_assert_false(h.client);
    /* A Certificate message whose length runs past the record: no hello behind it. */
    b[5] = 11;
    b[6] = 0xff;
    g_assert_false(qvpn_tls_hello_read(b, 4 + sizeof(qv_server_hello), &h));

    /* Record versions outside SSLv3..TLS 1.3, other content types, other protocols. */
    memcpy(b, qv_server_hello, sizeof(qv_server_hello));
    b[2] = 5;
    g_assert_false(qvpn_tls_hello_read(b, sizeof(qv_server_hello), &h));
    b[2] = 1;
    b[0] = 25;
    g_assert_false(qvpn_tls_hello_read(b, sizeof(qv_server_hello), &h));
    g_assert_false(qvpn_tls_hello_read(icmp_port_unreach, sizeof(icmp_port_unreach), &h));
    g_assert_false(qvpn_tls_hello_read(frag_first, sizeof(frag_first), &h));
    g_assert_false(qvpn_tls_hello_read(NULL, 0, &h));

    /* Session id length 255 in a short hello; a handshake length of 2^24 - 1. */
    memcpy(b, refused_client_hello, sizeof(refused_client_hello));
    b[43] = 255;
    g_assert_false(qvpn_tls_hello_read(b, sizeof(refused_client_hello), &h));
    memcpy(b, refused_client_hello, sizeof(refused_client_hello));
    b[6] = b[7] = b[8] = 0xff;
    read_hello(b, sizeof(refused_client_hello), &h);
    g_assert_cmpuint(h.n_suites, ==, 13);
}

/* Hostile extensions: supported_versions with an odd list, a list longer than its
 * extension, an extension longer than the extensions block. */
static void test_tls_extensions(void)
{
    /* The draft hello's supported_versions, found by its bytes 00 2b 00 09 08 7f 10. */
    static const uint8_t sv[] = { 0x00, 0x2b, 0x00, 0x09, 0x08, 0x7f, 0x10 };
    uint8_t b[sizeof(draft_client_hello)];
    qvpn_tls_hello h;
    size_t at = 0;

    for (size_t i = 0; i + sizeof(sv) <= sizeof(b); i++)
        if (memcmp(draft_client_hello + i, sv, sizeof(sv)) == 0)
            at = i;
    g_assert_cmpuint(at, >, 0);
    memcpy(b, draft_client_hello, sizeof(b));
    b[at + 4] = 0xff;                       /* list longer than the extension */
    read_hello(b, sizeof(b), &h);
    g_assert_cmphex(h.version, ==, 0x7f10);
    b[at + 4] = 0x01;                       /* half a version */
    read_hello(b, sizeof(b), &h);
    g_assert_cmphex(h.version, ==, 0x0303);
    b[at + 4] = 0x08;
    b[at + 2] = 0xff;                       /* extension longer than the block */
    read_hello(b, sizeof(b), &h);
    g_assert_cmphex(h.version, ==, 0x0303);
    g_assert_cmpuint(h.n_suites, ==, 18);
    /* Cut inside supported_versions: the legacy version. */
    read_hello(draft_client_hello, at + 6, &h);
    g_assert_cmphex(h.version, ==, 0x0303);
}

static void test_tls_text_bounds(void)
{
    qvpn_tls_hello h;
    char buf[512];

    read_hello(qv_sslv2_hello, sizeof(qv_sslv2_hello), &h);
    size_t whole = qvpn_tls_hello_text(&h, buf, sizeof(buf));
    for (size_t len = 0; len < whole + 2; len++) {
        char *p = g_malloc(len ? len : 1);
        size_t n = qvpn_tls_hello_text(&h, p, len);
        if (len > 0) {
            g_assert_cmpuint(n, <, len);
            g_assert_cmpuint(strlen(p), ==, n);
            g_assert_true(strncmp(p, buf, n) == 0);
        } else {
            g_assert_cmpuint(n, ==, 0);
        }
        g_free(p);
    }
    qvpn_tls_hello odd = { .client = true, .version = 0x0305, .n_suites = 1, .suites = { 0x1234 } };
    qvpn_tls_hello_text(&odd, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "0x0305: 0x1234");
}

/* Every cut of every hello: false, or a hello of the same kind whose suites are all
 * there (a cut list would misjudge legacy_only) and whose version is the legacy or
 * the final one. */
static void test_tls_truncations(void)
{
    static const struct { const uint8_t *p; size_t len; } s[] = {
        { qv_sslv2_hello, sizeof(qv_sslv2_hello) },
        { qv_server_hello, sizeof(qv_server_hello) },
        { refused_client_hello, sizeof(refused_client_hello) },
        { grease_client_hello, sizeof(grease_client_hello) },
        { tls12_server_hello, sizeof(tls12_server_hello) },
        { draft_client_hello, sizeof(draft_client_hello) },
        { draft_server_hello, sizeof(draft_server_hello) },
        { v6_client_hello, sizeof(v6_client_hello) },
    };
    qvpn_tls_hello whole, cut;
    char buf[256];

    for (size_t i = 0; i < G_N_ELEMENTS(s); i++) {
        read_hello(s[i].p, s[i].len, &whole);
        bool seen = false;
        for (size_t len = 0; len <= s[i].len; len++) {
            uint8_t *p = dup_exact(s[i].p, len);
            bool ok = qvpn_tls_hello_read(p, len, &cut);
            g_free(p);
            g_assert_true(!seen || ok);         /* once true, true for every longer cut */
            seen = ok;
            if (!ok)
                continue;
            g_assert_cmpint(cut.client, ==, whole.client);
            g_assert_cmpint(cut.sslv2, ==, whole.sslv2);
            g_assert_cmpuint(cut.n_suites, ==, whole.n_suites);
            g_assert_cmpmem(cut.suites, cut.n_suites * 2u, whole.suites, whole.n_suites * 2u);
            g_assert_true(cut.version == whole.version || cut.version == 0x0303
                          || cut.version == 0x0301);
            (void)qvpn_tls_hello_legacy_only(&cut);
            (void)qvpn_tls_hello_text(&cut, buf, sizeof(buf));
        }
        g_assert_true(seen);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qvpn/netwire/icmp/port_unreach", test_icmp_port_unreach);
    g_test_add_func("/qvpn/netwire/icmp/frag_needed_espudp", test_icmp_frag_needed_espudp);
    g_test_add_func("/qvpn/netwire/icmp/admin_prohibited_esp", test_icmp_admin_esp);
    g_test_add_func("/qvpn/netwire/icmp/time_exceeded", test_icmp_time_exceeded);
    g_test_add_func("/qvpn/netwire/icmp/v6_too_big", test_icmp6_too_big);
    g_test_add_func("/qvpn/netwire/icmp/not_errors", test_icmp_not_errors);
    g_test_add_func("/qvpn/netwire/icmp/hostile", test_icmp_hostile);
    g_test_add_func("/qvpn/netwire/icmp/text_bounds", test_icmp_text_bounds);
    g_test_add_func("/qvpn/netwire/icmp/truncations", test_icmp_truncations);
    g_test_add_func("/qvpn/netwire/frag/ipv4", test_frag_v4);
    g_test_add_func("/qvpn/netwire/frag/ipv6", test_frag_v6);
    g_test_add_func("/qvpn/netwire/frag/truncations", test_frag_truncations);
    g_test_add_func("/qvpn/netwire/tls/sslv2_hello", test_tls_sslv2_hello);
    g_test_add_func("/qvpn/netwire/tls/server_hello", test_tls_server_hello);
    g_test_add_func("/qvpn/netwire/tls/client_hello", test_tls_client_hello);
    g_test_add_func("/qvpn/netwire/tls/legacy_only", test_tls_legacy_only);
    g_test_add_func("/qvpn/netwire/tls/names", test_tls_names);
    g_test_add_func("/qvpn/netwire/tls/framing", test_tls_framing);
    g_test_add_func("/qvpn/netwire/tls/extensions", test_tls_extensions);
    g_test_add_func("/qvpn/netwire/tls/text_bounds", test_tls_text_bounds);
    g_test_add_func("/qvpn/netwire/tls/truncations", test_tls_truncations);
    return g_test_run();
}
