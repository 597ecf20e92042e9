/* fuzz_wire.c — libFuzzer harness of the header readers and the ISAKMP payload
 * walk (plugin/core/qvpn_wire.h).
 *
 * The input is read twice.  As one span: every reader on it, and the walk if it
 * reads as an ISAKMP header (an ISAKMP item's bytes, as the glue hands them over).
 * As a packet: IPv4 or IPv6, then UDP (500, or 4500 with the non-ESP marker),
 * TCP or ESP at the offsets the headers give, as Wireshark would stack the items —
 * so that seeds of whole packets reach the walk through the other readers.  Every
 * inner span is copied into a buffer of exactly its size, so that a read past it
 * is a heap overflow for ASan, not a read of the next header.
 *
 * Checked on every walk: each payload's body lies in the span and within its
 * declared length, at most QVPN_IKE_MAX_PAYLOADS are given, the walk ends with a
 * status and stays ended, and the summary is the same twice and agrees with what
 * the iterator gave.
 *
 * fuzz_netwire() at the end does the same for qvpn_netwire.h: ICMP errors, IP
 * fragments and TLS hellos; fuzz_decrypted() for qvpn_decrypted.h: the input as a
 * decrypted IKE payload chain and as the packet inside an ESP tunnel.
 *
 *   tests/fuzz/run_fuzz.sh builds it (clang -fsanitize=fuzzer,address,undefined)
 *   ./fuzz_wire tests/fuzz/corpus-wire -max_total_time=60
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "qvpn_decrypted.h"
#include "qvpn_ike_sa.h"
#include "qvpn_vendor.h"
#include "qvpn_netwire.h"
#include "qvpn_wire.h"

#define CHECK(cond)                                                             \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "fuzz_wire: check failed: %s (%s:%d)\n", #cond,     \
                    __FILE__, __LINE__);                                        \
            abort();                                                            \
        }                                                                       \
    } while (0)

/* The readers of what a payload says (qvpn_ike_sa.h, qvpn_vendor.h) on its body,
 * copied into a buffer of exactly its size: under both versions' readings, whatever
 * the payload's type, and under its own type.  Checked: what they hand back lies in
 * the body, counts stay within their arrays, texts are NUL-terminated within their
 * buffers. */
static void check_text(size_t n, const char *buf, size_t len)
{
    CHECK(len == 0 || (n < len && buf[n] == '\0' && strlen(buf) == n));
}

static void body_readers(const qvpn_ike_payload *pl0)
{
    qvpn_ike_payload pl = *pl0;
    uint8_t *b = g_malloc(pl.body_len ? pl.body_len : 1);
    if (pl.body_len)
        memcpy(b, pl0->body, pl.body_len);
    pl.body = b;

    for (uint8_t m = 1; m <= 2; m++) {
        qvpn_ike_suites ss;
        qvpn_ike_notify nt;
        char text[96], tiny[4];
        for (int as = 0; as < 3; as++) {
            /* Its own type, then read as the SA and the Notify of this version. */
            pl.type = as == 0 ? pl0->type : as == 1 ? (m == 1 ? 1 : 33) : (m == 1 ? 11 : 41);
            if (qvpn_ike_sa_read(m, &pl, &ss)) {
                CHECK(ss.n <= QVPN_IKE_MAX_SUITES && (ss.n > 0 || ss.dropped > 0));
                for (uint8_t i = 0; i < ss.n; i++) {
                    const qvpn_ike_suite *s = &ss.s[i];
                    CHECK(s->major == m);
                    CHECK(s->n_encr <= QVPN_SUITE_MAX_ALT && s->n_prf <= QVPN_SUITE_MAX_ALT);
                    CHECK(s->n_integ <= QVPN_SUITE_MAX_ALT && s->n_dh <= QVPN_SUITE_MAX_ALT);
                    CHECK(m == 2 || (s->n_encr <= 1 && s->n_prf <= 1 && s->n_integ <= 1 && s->n_dh <= 1));
                    check_text(qvpn_ike_suite_text(s, text, sizeof(text)), text, sizeof(text));
                    check_text(qvpn_ike_suite_text(s, tiny, sizeof(tiny)), tiny, sizeof(tiny));
                    uint32_t w = qvpn_ike_suite_weak(s);
                    check_text(qvpn_ike_weak_text(w, tiny, sizeof(tiny)), tiny, sizeof(tiny));
                    /* Refused everywhere implies some weakness. */
                    CHECK(!qvpn_ike_suite_all_refusable(s) || (w & QVPN_WEAK_REFUSED_EVERYWHERE));
                }
                check_text(qvpn_ike_suites_text(&ss, text, sizeof(text)), text, sizeof(text));
            }
            if (qvpn_ike_notify_full(m, &pl, &nt)) {
                uint16_t type = 0, group;
                qvpn_addr gw;
                const uint8_t *fqdn = NULL;
                size_t fqdn_len = 0;
                CHECK(qvpn_ike_notify_read(m, &pl, &type) && type == nt.type);
                CHECK(nt.spi >= pl.body && nt.spi + nt.spi_len == nt.data);
                CHECK(nt.data + nt.data_len == pl.body + pl.body_len);
                (void)qvpn_ike_invalid_ke_group(&nt, &group);
                if (qvpn_ike_redirect_gateway(&nt, &gw, &fqdn, &fqdn_len))
                    CHECK(gw.len == 4 || gw.len == 16);
                else if (fqdn)
                    CHECK(fqdn >= nt.data && fqdn + fqdn_len <= nt.data + nt.data_len);
            }
        }
    }
    const qvpn_vid *row = qvpn_vid_lookup(pl.body, pl.body_len);
    if (row) {
        char ver[8];
        CHECK(row->prefix ? pl.body_len >= row->len : pl.body_len == row->len);
        check_text(qvpn_vid_version(row, pl.body, pl.body_len, ver, sizeof(ver)), ver, sizeof(ver));
    }
    g_free(b);
}

/* A NAT-D hash over the message's cookies and an address taken from the body: any
 * version and hash number, a length the algorithm gives or 0. */
static void natd(const qvpn_isakmp_hdr *h, const qvpn_ike_payload *pl)
{
    uint8_t out[QVPN_NATD_MAX_HASH];
    qvpn_addr a = { .len = pl->body_len >= 16 ? 16 : pl->body_len >= 4 ? 4 : 0 };
    uint16_t alg = pl->body_len >= 1 ? pl->body[0] % 8 : 0;

    if (pl->type != QVPN_IKE_PL_NATD && pl->type != 130 && pl->type != 41)
        return;
    memcpy(a.bytes, pl->body, a.len);
    size_t n = qvpn_natd_hash(h->major, alg, h->ispi, h->rspi, &a, 500, out);
    CHECK(n == 0 || n == 16 || n == 20 || n == 32 || n == 48 || n == 64);
    CHECK(n != 0 || a.len == 0 || (h->major != 1 && h->major != 2) ||
          (h->major == 1 && (alg == 0 || alg == 3 || alg == 7)));
}

/* Walk the message with the iterator, checking each payload, and check the summary
 * against what the walk gave: the same types, notifies, SK and ending. */
static void walk(const uint8_t *p, size_t len, const qvpn_isakmp_hdr *h,
                 const qvpn_ike_summary *sum)
{
    qvpn_ike_iter it;
    qvpn_ike_payload pl;
    unsigned n = 0, k = 0;
    uint64_t types = 0;
    uint8_t sk_inner = 0;
    uint16_t type;

    qvpn_ike_iter_init(&it, p, len, h);
    while (qvpn_ike_payload_next(&it, &pl)) {
        CHECK(++n <= QVPN_IKE_MAX_PAYLOADS);
        CHECK(pl.body >= p + QVPN_ISAKMP_HDR_LEN + 4);
        CHECK(pl.body_len <= (size_t)(p + len - pl.body));
        CHECK(pl.body_len <= (pl.length >= 4 ? pl.length - 4u : 0u));
        CHECK(!pl.ciphertext || h->major == 2);
        types |= pl.type < 64 ? UINT64_C(1) << pl.type : 0;
        if (qvpn_ike_notify_read(h->major, &pl, &type) && k++ < QVPN_MAX_NOTIFY)
            CHECK(sum->notify[k - 1] == type);
        sk_inner = pl.ciphertext ? pl.next : sk_inner;
        /* The other version's reading of the same payload must stay inside too. */
        (void)qvpn_ike_notify_read(h->major == 1 ? 2 : 1, &pl, &type);
        body_readers(&pl);
        natd(h, &pl);
    }
    CHECK(it.status != QVPN_IKE_WALK_MORE);
    CHECK(!qvpn_ike_payload_next(&it, &pl));       /* an ended walk stays ended */
    /* The summary may find the message itself malformed where the walk did not. */
    CHECK(sum->status == it.status || sum->status == QVPN_IKE_WALK_MALFORMED);
    CHECK(sum->payloads == types);
    CHECK(sum->n_notify == (k < QVPN_MAX_NOTIFY ? k : QVPN_MAX_NOTIFY));
    CHECK(sum->sk_inner == sk_inner);
}

static void ike(const uint8_t *p, size_t len)
{
    qvpn_isakmp_hdr h;
    qvpn_ike_summary a, b;

    if (!qvpn_isakmp_read(p, len, &h)) {
        CHECK(len < QVPN_ISAKMP_HDR_LEN);
        return;
    }
    qvpn_ike_summarise(p, len, &h, &a);
    qvpn_ike_summarise(p, len, &h, &b);
    CHECK(memcmp(&a, &b, sizeof(a)) == 0);
    walk(p, len, &h, &a);
}

static void every_reader(const uint8_t *p, size_t len)
{
    qvpn_ip_hdr ip;
    qvpn_tcp_hdr tcp;
    qvpn_udp_hdr udp;
    qvpn_esp_hdr esp;

    if (qvpn_ipv4_read(p, len, &ip))
        CHECK(ip.version == 4 && ip.hdr_len >= 20 && ip.src.len == 4 && ip.dst.len == 4);
    if (qvpn_ipv6_read(p, len, &ip))
        CHECK(ip.version == 6 && ip.hdr_len == 40 && ip.src.len == 16);
    if (qvpn_tcp_read(p, len, &tcp))
        CHECK(!tcp.has_flags || (tcp.data_offset >= 5 && tcp.flags <= 0x0fff));
    (void)qvpn_udp_read(p, len, &udp);
    if (qvpn_esp_read(p, len, &esp))
        CHECK(esp.has_seq == (len >= 8));
    (void)qvpn_natt_keepalive(p, len);
    ike(p, len);
}

/* The span [off, len) of p in a buffer of its own size; g_free it. */
static uint8_t *sub(const uint8_t *p, size_t len, size_t off, size_t *n)
{
    *n = off < len ? len - off : 0;
    uint8_t *q = g_malloc(*n ? *n : 1);
    if (*n)
        memcpy(q, p + off, *n);
    return q;
}

/* What follows UDP: IKE on 500, or on 4500 after a non-ESP marker (RFC 3948 2.2),
 * else ESP; a keepalive is a byte alone. */
static void udp_payload(const uint8_t *p, size_t len, const qvpn_udp_hdr *u)
{
    size_t n;
    uint8_t *q;
    qvpn_esp_hdr esp;

    if (qvpn_natt_keepalive(p, len))
        return;
    if (u->sport == 4500 || u->dport == 4500) {
        if (len >= 4 && memcmp(p, "\0\0\0\0", 4) == 0) {
            q = sub(p, len, 4, &n);
            ike(q, n);
            g_free(q);
        } else {
            (void)qvpn_esp_read(p, len, &esp);
        }
        return;
    }
    ike(p, len);
}

static void packet(const uint8_t *p, size_t len)
{
    qvpn_ip_hdr ip;
    qvpn_udp_hdr udp;
    qvpn_tcp_hdr tcp;
    qvpn_esp_hdr esp;
    size_t n, m;
    uint8_t *l4, *pl;

    if (!qvpn_ipv4_read(p, len, &ip) && !qvpn_ipv6_read(p, len, &ip))
        return;
    l4 = sub(p, len, ip.hdr_len, &n);
    if (ip.proto == 17 && qvpn_udp_read(l4, n, &udp)) {
        pl = sub(l4, n, 8, &m);
        udp_payload(pl, m, &udp);
        g_free(pl);
    } else if (ip.proto == 6) {
        (void)qvpn_tcp_read(l4, n, &tcp);
    } else if (ip.proto == 50) {
        (void)qvpn_esp_read(l4, n, &esp);
    }
    g_free(l4);
}

static void fuzz_netwire(const uint8_t *data, size_t size);
static void fuzz_decrypted(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    every_reader(data, size);
    packet(data, size);
    fuzz_netwire(data, size);
    fuzz_decrypted(data, size);
    return 0;
}

/* --- qvpn_netwire.h: ICMP errors, IP fragments, TLS hellos ----------------------------
 *
 * The same two readings: the input as one span to every reader (an ICMP item's, an
 * IP header's or a TCP payload's bytes as the glue hands them over), and as a packet
 * whose ICMP/ICMPv6 message or TCP payload is copied into a buffer of its own size.
 * Checked: what each reader says is consistent with its contract, and the texts fit
 * any buffer (NUL-terminated, the length returned that of the string).
 */

static void check_text_fn(size_t (*text)(const void *, char *, size_t), const void *x)
{
    char big[512], small[8];

    size_t n = text(x, big, sizeof(big));
    CHECK(n < sizeof(big) && strlen(big) == n);
    size_t m = text(x, small, sizeof(small));
    CHECK(m < sizeof(small) && strlen(small) == m && strncmp(small, big, m) == 0);
    CHECK(text(x, small, 0) == 0);
}

static size_t icmp_text(const void *x, char *buf, size_t len)
{
    return qvpn_icmp_err_text(x, buf, len);
}

static size_t hello_text(const void *x, char *buf, size_t len)
{
    return qvpn_tls_hello_text(x, buf, len);
}

static void icmp(bool v6, const uint8_t *p, size_t len)
{
    qvpn_icmp_err e;

    if (!qvpn_icmp_err_read(v6, p, len, &e))
        return;
    CHECK(e.v6 == v6 && len >= (v6 ? 48u : 28u));
    CHECK(e.q_src.len == (v6 ? 16 : 4) && e.q_dst.len == e.q_src.len);
    CHECK(v6 ? e.type >= 1 && e.type <= 4 : e.type == 3 || e.type == 4 || e.type == 5
                                              || e.type == 11 || e.type == 12);
    CHECK(e.mtu == 0 || (v6 ? e.type == 2 : e.type == 3 && e.code == 4));
    CHECK(!e.q_has_ports || e.q_proto == 6 || e.q_proto == 17);
    check_text_fn(icmp_text, &e);
}

static void frag(const uint8_t *p, size_t len)
{
    qvpn_ip_frag f;

    if (qvpn_ipv4_frag_read(p, len, &f)) {
        CHECK(!f.v6 && f.offset % 8 == 0 && (f.more || f.offset != 0));
        CHECK(!f.has_ports || (f.offset == 0 && len >= 24));
    }
    if (qvpn_ipv6_frag_read(p, len, &f)) {
        CHECK(f.v6 && f.offset % 8 == 0 && len >= 48 && f.src.len == 16);
        CHECK(!f.has_ports || (f.offset == 0 && len >= 52));
    }
}

static void hello(const uint8_t *p, size_t len)
{
    qvpn_tls_hello h;

    if (!qvpn_tls_hello_read(p, len, &h))
        return;
    CHECK(h.n_suites <= QVPN_TLS_MAX_SUITES && (h.dropped == 0 || h.n_suites == QVPN_TLS_MAX_SUITES));
    CHECK(h.client || (h.n_suites == 1 && !h.sslv2));
    CHECK(!h.sslv2 || h.client);
    for (unsigned i = 0; i < h.n_suites; i++)
        (void)qvpn_tls_suite_weak(h.suites[i]);
    (void)qvpn_tls_version_name(h.version);
    CHECK(h.client || !qvpn_tls_hello_legacy_only(&h));
    check_text_fn(hello_text, &h);
}

/* The packet reading: IPv4 ICMP or IPv6 ICMPv6 (no extension headers), TCP payload. */
static void netwire_packet(const uint8_t *p, size_t len)
{
    qvpn_ip_hdr ip;
    qvpn_tcp_hdr tcp;
    size_t n, m;
    uint8_t *l4, *pl;

    if (!qvpn_ipv4_read(p, len, &ip) && !qvpn_ipv6_read(p, len, &ip))
        return;
    l4 = sub(p, len, ip.hdr_len, &n);
    if ((ip.version == 4 && ip.proto == 1) || (ip.version == 6 && ip.proto == 58)) {
        icmp(ip.version == 6, l4, n);
    } else if (ip.proto == 6 && qvpn_tcp_read(l4, n, &tcp) && tcp.data_offset >= 5) {
        pl = sub(l4, n, tcp.data_offset * 4u, &m);
        hello(pl, m);
        g_free(pl);
    }
    g_free(l4);
}

static void fuzz_netwire(const uint8_t *data, size_t size)
{
    icmp(false, data, size);
    icmp(true, data, size);
    frag(data, size);
    hello(data, size);
    netwire_packet(data, size);
}

/* --- qvpn_decrypted.h: what Wireshark decrypted -----------------------------------------
 *
 * The input as a decrypted IKE chain: its first byte names the first payload's type,
 * the rest (copied into a buffer of its own size) is the chain, read as IKEv1 and
 * IKEv2, in Main Mode, Quick Mode and IKE_AUTH (which ID payloads are phase 2's).
 * And the whole input as the packet an ESP tunnel carries.  Checked: the same bytes
 * read the same twice, counts stay within their arrays, texts are NUL-terminated
 * within theirs and printable, selectors are of one family, and what the inner
 * packet says is consistent with its protocol.
 */

static size_t ts_text(const void *x, char *buf, size_t len)
{
    return qvpn_ts_text(x, buf, len);
}

static void check_ts(const qvpn_ts *ts)
{
    CHECK(ts->lo.len == ts->hi.len && (ts->lo.len == 4 || ts->lo.len == 16));
    CHECK(ts->prefix == 0xff || ts->prefix <= ts->lo.len * 8);
    check_text_fn(ts_text, ts);
}

typedef struct { const qvpn_ts *ts; size_t n; uint8_t more; } ts_list;

static size_t ts_list_text(const void *x, char *buf, size_t len)
{
    const ts_list *l = x;
    return qvpn_ts_list_text(l->ts, l->n, l->more, buf, len);
}

static void check_cstr(const char *s, size_t size)
{
    const char *nul = memchr(s, '\0', size);
    CHECK(nul != NULL);
    for (const char *c = s; c < nul; c++)
        CHECK(*c >= 0x20 && *c < 0x7f);
}

static void check_inner(bool ok, const qvpn_ike_inner *in)
{
    CHECK(ok || (in->payloads == 0 && in->n_notify == 0 && !in->has_sa));
    CHECK(in->n_notify <= QVPN_MAX_NOTIFY);
    CHECK(in->n_ts_i <= QVPN_TS_MAX && in->n_ts_r <= QVPN_TS_MAX);
    CHECK(in->more_ts == 0 || in->n_ts_i == QVPN_TS_MAX || in->n_ts_r == QVPN_TS_MAX);
    CHECK(in->n_del_spi <= QVPN_DEL_MAX_SPI);
    CHECK(in->n_del_spi == 0 || (in->del_protocol != 0 && in->del_protocol != 1));
    CHECK(in->n_split <= QVPN_CFG_MAX_SPLIT);
    CHECK(in->dpd == (in->dpd_type != 0));
    CHECK(in->has_sa || (in->sa_protocol == 0 && in->sa_spi == 0 && in->sa_text[0] == '\0'));
    CHECK(in->cfg_address.len == 0 || in->cfg_address.len == 4 || in->cfg_address.len == 16);
    check_cstr(in->sa_text, sizeof(in->sa_text));
    check_cstr(in->identity, sizeof(in->identity));
    for (uint8_t i = 0; i < in->n_ts_i; i++)
        check_ts(&in->ts_i[i]);
    for (uint8_t i = 0; i < in->n_ts_r; i++)
        check_ts(&in->ts_r[i]);
    for (uint8_t i = 0; i < in->n_split; i++)
        check_ts(&in->split[i]);
    ts_list l = { in->ts_r, in->n_ts_r, in->more_ts };
    check_text_fn(ts_list_text, &l);
}

static void fuzz_decrypted(const uint8_t *data, size_t size)
{
    static const uint8_t exchs[] = {
        QVPN_IKE_EXCH_MAIN_MODE, QVPN_IKE_EXCH_QUICK_MODE, QVPN_IKE_EXCH_AUTH
    };
    qvpn_ike_inner a, b;
    qvpn_inner_pkt pk;
    size_t n;

    if (size >= 1) {
        uint8_t *q = sub(data, size, 1, &n);
        for (uint8_t m = 1; m <= 2; m++) {
            for (size_t e = 0; e < sizeof(exchs); e++) {
                bool ok = qvpn_ike_inner_read(m, exchs[e], data[0], q, n, &a);
                CHECK(ok == qvpn_ike_inner_read(m, exchs[e], data[0], q, n, &b));
                CHECK(memcmp(&a, &b, sizeof(a)) == 0);
                CHECK(!ok || data[0] != 0);
                check_inner(ok, &a);
            }
        }
        g_free(q);
    }

    uint8_t *p = sub(data, size, 0, &n);
    bool ok = qvpn_inner_pkt_read(p, n, &pk);
    g_free(p);
    CHECK(ok == ((n >= 20 && data[0] >> 4 == 4 && (data[0] & 0x0f) >= 5) ||
                 (n >= 40 && data[0] >> 4 == 6)));
    if (!ok)
        return;
    CHECK(pk.src.len == (data[0] >> 4 == 4 ? 4 : 16) && pk.dst.len == pk.src.len);
    CHECK(pk.echo == QVPN_INNER_OTHER || pk.proto == (pk.src.len == 4 ? 1 : 58));
    CHECK((pk.sport == 0 && pk.dport == 0) || pk.proto == 6 || pk.proto == 17);
    CHECK(pk.tcp_flags == 0 || pk.proto == 6);
    CHECK(pk.echo != QVPN_INNER_OTHER || (pk.echo_id == 0 && pk.echo_seq == 0));
}
