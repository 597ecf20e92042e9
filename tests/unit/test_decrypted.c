/* test_decrypted.c — unit tests of the readers of what Wireshark decrypted
 * (plugin/core/qvpn_decrypted.h), on the bytes Wireshark 4.0 decrypts with the keys
 * of its own test captures (decrypted_samples.h says which capture and frame).
 *
 * Expected values are Wireshark's dissection of the same frames with the same keys,
 * e.g.
 *   T=/work/shared/public-captures/wireshark__ikev1-bug-12610.pcapng.gz
 *   tshark -r $T -o "uat:ikev1_decryption_table:$(grep -v '^#' $T.ikev1_decryption_table)" -V
 *   (IKEv2: uat:ikev2_decryption_table; ESP: uat:esp_sa rows and
 *   esp.enable_encryption_decode:TRUE)
 * quoted where they are used.  What no capture holds (DPD, REKEY_SA, PFS, IKEv2 CP,
 * IPv6 selectors, ESP deletes, hostile lengths) is built here from the RFC layouts,
 * by the small writer below.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "qvpn_addr.h"
#include "qvpn_decrypted.h"
#include "decrypted_samples.h"

/* A heap copy of exactly len bytes: a read past the span is a heap overflow under
 * ASan and valgrind rather than a read of the next array. */
static uint8_t *dup_exact(const uint8_t *p, size_t len)
{
    uint8_t *q = g_malloc(len ? len : 1);
    if (len)
        memcpy(q, p, len);
    return q;
}

typedef struct {
    const char    *name;
    const uint8_t *p;
    size_t         len;
    uint8_t        major, exch, first;
} sample;

#define IKE_SAMPLE(n, up) { #n, n, sizeof(n), up##_MAJOR, up##_EXCH, up##_FIRST }
#define RAW_SAMPLE(n) { #n, n, sizeof(n), 0, 0, 0 }

static const sample samples[] = {
    IKE_SAMPLE(v1_f5, V1_F5), IKE_SAMPLE(v1_f6, V1_F6), IKE_SAMPLE(v1_f7, V1_F7),
    IKE_SAMPLE(v1_f8, V1_F8), IKE_SAMPLE(v1_f9, V1_F9), IKE_SAMPLE(v1_f10, V1_F10),
    IKE_SAMPLE(v1_f11, V1_F11), IKE_SAMPLE(v1_f12, V1_F12), IKE_SAMPLE(v1_f13, V1_F13),
    IKE_SAMPLE(v1_f14, V1_F14), IKE_SAMPLE(v1_f15, V1_F15), IKE_SAMPLE(v1_f16, V1_F16),
    IKE_SAMPLE(v2_3des_sha1_160_f3, V2_3DES_SHA1_160_F3),
    IKE_SAMPLE(v2_3des_sha1_160_f4, V2_3DES_SHA1_160_F4),
    IKE_SAMPLE(v2_3des_sha1_160_f5, V2_3DES_SHA1_160_F5),
    IKE_SAMPLE(v2_3des_sha1_160_f6, V2_3DES_SHA1_160_F6),
    IKE_SAMPLE(v2_aes128ccm12_2_f3, V2_AES128CCM12_2_F3),
    IKE_SAMPLE(v2_aes128ccm12_2_f4, V2_AES128CCM12_2_F4),
    IKE_SAMPLE(v2_aes128ccm12_2_f5, V2_AES128CCM12_2_F5),
    IKE_SAMPLE(v2_aes128ccm12_f3, V2_AES128CCM12_F3),
    IKE_SAMPLE(v2_aes128ccm12_f4, V2_AES128CCM12_F4),
    IKE_SAMPLE(v2_aes128ccm12_f5, V2_AES128CCM12_F5),
    IKE_SAMPLE(v2_aes192ctr_f3, V2_AES192CTR_F3),
    IKE_SAMPLE(v2_aes192ctr_f4, V2_AES192CTR_F4),
    IKE_SAMPLE(v2_aes192ctr_f5, V2_AES192CTR_F5),
    IKE_SAMPLE(v2_aes256cbc_f3, V2_AES256CBC_F3),
    IKE_SAMPLE(v2_aes256cbc_f4, V2_AES256CBC_F4),
    IKE_SAMPLE(v2_aes256ccm16_f3, V2_AES256CCM16_F3),
    IKE_SAMPLE(v2_aes256ccm16_f4, V2_AES256CCM16_F4),
    IKE_SAMPLE(v2_aes256gcm16_f3, V2_AES256GCM16_F3),
    IKE_SAMPLE(v2_aes256gcm16_f4, V2_AES256GCM16_F4),
    IKE_SAMPLE(v2_aes256gcm16_f5, V2_AES256GCM16_F5),
    IKE_SAMPLE(v2_aes256gcm8_f3, V2_AES256GCM8_F3),
    IKE_SAMPLE(v2_aes256gcm8_f4, V2_AES256GCM8_F4),
    IKE_SAMPLE(v2_aes256gcm8_f5, V2_AES256GCM8_F5),
    RAW_SAMPLE(esp_f1), RAW_SAMPLE(esp_f2), RAW_SAMPLE(esp_f3),
    RAW_SAMPLE(esp_f4), RAW_SAMPLE(esp_f5), RAW_SAMPLE(esp_f6),
};

/* Read a sample from a heap copy of its exact size. */
static bool read_inner(const sample *s, qvpn_ike_inner *in)
{
    uint8_t *q = dup_exact(s->p, s->len);
    bool ok = qvpn_ike_inner_read(s->major, s->exch, s->first, q, s->len, in);
    g_free(q);
    return ok;
}

static const sample *find(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(samples); i++)
        if (strcmp(samples[i].name, name) == 0)
            return &samples[i];
    g_assert_not_reached();
    return NULL;
}

static qvpn_ike_inner inner_of(const char *name)
{
    qvpn_ike_inner in;
    g_assert_true(read_inner(find(name), &in));
    return in;
}

static uint64_t bits(const int *types, size_t n)
{
    uint64_t b = 0;
    for (size_t i = 0; i < n; i++)
        b |= UINT64_C(1) << types[i];
    return b;
}
#define BITS(...) bits((const int[]){ __VA_ARGS__ }, sizeof((const int[]){ __VA_ARGS__ }) / sizeof(int))

static void assert_addr(const qvpn_addr *a, const char *want)
{
    char buf[64];
    qvpn_addr_to_str(a, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, want);
}

static void assert_ts(const qvpn_ts *ts, const char *want)
{
    char buf[128];
    g_assert_cmpuint(qvpn_ts_text(ts, buf, sizeof(buf)), ==, strlen(want));
    g_assert_cmpstr(buf, ==, want);
}

/* --- IKEv1: wireshark__ikev1-bug-12610 -------------------------------------------- */

/* MM5: "ID type: IPV4_ADDR (1), Protocol ID: UDP (17), Port: 500, ID_IPV4_ADDR:
 * 192.168.0.100", then Hash; "Extra data" (padding) after the chain. */
static void test_v1_mm5(void)
{
    qvpn_ike_inner in = inner_of("v1_f5");
    g_assert_false(in.malformed);
    g_assert_cmphex(in.payloads, ==, BITS(5, 8));
    g_assert_cmpstr(in.identity, ==, "192.168.0.100");
    g_assert_cmpuint(in.n_ts_i, ==, 0);     /* phase 1: an identity, no selector */
    g_assert_cmpuint(in.n_notify, ==, 0);
    g_assert_false(in.has_sa);
}

/* MM6: "ID type: FQDN (2) ... ID_FQDN: moon.localdomain". */
static void test_v1_mm6(void)
{
    qvpn_ike_inner in = inner_of("v1_f6");
    g_assert_false(in.malformed);
    g_assert_cmpstr(in.identity, ==, "fqdn:moon.localdomain");
}

/* Frame 7: "Type: ISAKMP_CFG_REQUEST (1)", XAUTH_USER_NAME and XAUTH_USER_PASSWORD,
 * empty. */
static void test_v1_xauth_request(void)
{
    qvpn_ike_inner in = inner_of("v1_f7");
    g_assert_false(in.malformed);
    g_assert_cmphex(in.payloads, ==, BITS(8, 14));
    g_assert_cmpuint(in.cfg_type, ==, QVPN_CFG_REQUEST);
    g_assert_true(in.xauth_asked);
    g_assert_false(in.has_xauth_status);
    g_assert_cmpuint(in.cfg_address.len, ==, 0);
}

/* Frame 8, Informational: "Notify Message Type: INITIAL-CONTACT (24578)", SPI size
 * 16, no data. */
static void test_v1_info(void)
{
    qvpn_ike_inner in = inner_of("v1_f8");
    g_assert_false(in.malformed);
    g_assert_cmphex(in.payloads, ==, BITS(8, 11));
    g_assert_cmpuint(in.n_notify, ==, 1);
    g_assert_cmpuint(in.notify[0], ==, 24578);
    g_assert_false(in.dpd);
    g_assert_cmpuint(in.del_protocol, ==, 0);
}

/* Frame 9: "ISAKMP_CFG_REPLY (2)" with the user's name and password ("mpa"): no
 * request of them, and no address. */
static void test_v1_xauth_reply(void)
{
    qvpn_ike_inner in = inner_of("v1_f9");
    g_assert_false(in.malformed);
    g_assert_cmpuint(in.cfg_type, ==, QVPN_CFG_REPLY);
    g_assert_false(in.xauth_asked);
    g_assert_false(in.has_xauth_status);
}

/* Frame 10: "ISAKMP_CFG_SET (3)", "XAUTH STATUS: Success (1)". */
static void test_v1_xauth_status_ok(void)
{
    qvpn_ike_inner in = inner_of("v1_f10");
    g_assert_false(in.malformed);
    g_assert_cmpuint(in.cfg_type, ==, QVPN_CFG_SET);
    g_assert_true(in.has_xauth_status);
    g_assert_true(in.xauth_ok);
}

/* Frame 11: "ISAKMP_CFG_ACK (4)", "XAUTH STATUS: Fail (0)" — the client's
 * acknowledgement, which is no verdict: only a SET's status counts. */
static void test_v1_xauth_ack(void)
{
    qvpn_ike_inner in = inner_of("v1_f11");
    g_assert_false(in.malformed);
    g_assert_cmpuint(in.cfg_type, ==, QVPN_CFG_ACK);
    g_assert_false(in.has_xauth_status);
    g_assert_false(in.xauth_ok);
}

/* Frame 12: Mode Config "ISAKMP_CFG_REQUEST (1)" of ten empty attributes
 * (INTERNAL_IP4_ADDRESS ... UNITY_SPLIT_INCLUDE ... APPLICATION_VERSION). */
static void test_v1_modecfg_request(void)
{
    qvpn_ike_inner in = inner_of("v1_f12");
    g_assert_false(in.malformed);
    g_assert_cmpuint(in.cfg_type, ==, QVPN_CFG_REQUEST);
    g_assert_false(in.xauth_asked);
    g_assert_cmpuint(in.cfg_address.len, ==, 0);
    g_assert_cmpuint(in.n_split, ==, 0);
}

/* Frame 13: "ISAKMP_CFG_REPLY (2)", "INTERNAL IP4 ADDRESS: 10.1.1.1",
 * "UNITY_SPLIT_INCLUDE ... Value: 0a010000ffff0000000000000000" (10.1.0.0 mask
 * 255.255.0.0, six zero bytes). */
static void test_v1_modecfg_reply(void)
{
    qvpn_ike_inner in = inner_of("v1_f13");
    g_assert_false(in.malformed);
    g_assert_cmpuint(in.cfg_type, ==, QVPN_CFG_REPLY);
    assert_addr(&in.cfg_address, "10.1.1.1");
    g_assert_cmpuint(in.n_split, ==, 1);
    assert_ts(&in.split[0], "10.1.0.0/16");
    g_assert_cmpuint(in.split[0].prefix, ==, 16);
}

/* Frame 14, Quick Mode 1: "Protocol ID: IPSEC_ESP (3) ... SPI: 070883c2", twelve
 * transforms (the first AES Key-Length 256, HMAC-SHA2-256, 28800 s); IDci
 * "IPV4_ADDR (1) 10.1.1.1", IDcr "IPV4_ADDR_SUBNET (4) 0.0.0.0/0.0.0.0", both
 * "Protocol ID: Unused, Port: Unused"; no KE. */
static void test_v1_quick_mode_1(void)
{
    qvpn_ike_inner in = inner_of("v1_f14");
    g_assert_false(in.malformed);
    g_assert_cmphex(in.payloads, ==, BITS(8, 1, 10, 5));
    g_assert_true(in.has_sa);
    g_assert_cmpuint(in.sa_protocol, ==, 3);
    g_assert_cmphex(in.sa_spi, ==, 0x070883c2);
    g_assert_true(g_str_has_prefix(in.sa_text,
        "ESP-AES-CBC-256/HMAC-SHA2-256/28800s; ESP-AES-CBC-256/HMAC-SHA1/28800s; "
        "ESP-AES-CBC-256/HMAC-MD5/28800s; ESP-AES-CBC-128/HMAC-SHA2-256/28800s"));
    {   /* all twelve transforms fit (tshark -V lists 12) */
        unsigned seps = 0;
        for (const char *q = in.sa_text; (q = strstr(q, "; ")) != NULL; q += 2)
            seps++;
        g_assert_cmpuint(seps, ==, 11);
        g_assert_cmpuint(strlen(in.sa_text), <, sizeof(in.sa_text) - 1);
    }
    g_assert_cmpuint(in.pfs_group, ==, 0);
    g_assert_cmpuint(in.n_ts_i, ==, 1);
    g_assert_cmpuint(in.n_ts_r, ==, 1);
    assert_ts(&in.ts_i[0], "10.1.1.1");
    assert_ts(&in.ts_r[0], "0.0.0.0/0");
    g_assert_cmpuint(in.ts_r[0].prefix, ==, 0);
    g_assert_cmpuint(in.more_ts, ==, 0);
    g_assert_cmpstr(in.identity, ==, "");   /* phase 2's IDs are no identity */
}

/* Frame 15, Quick Mode 2: "SPI: c254fe64", one transform: AES Key-Length 128,
 * HMAC-SHA, 28800 s; the same IDs. */
static void test_v1_quick_mode_2(void)
{
    qvpn_ike_inner in = inner_of("v1_f15");
    g_assert_false(in.malformed);
    g_assert_cmpuint(in.sa_protocol, ==, 3);
    g_assert_cmphex(in.sa_spi, ==, 0xc254fe64);
    g_assert_cmpstr(in.sa_text, ==, "ESP-AES-CBC-128/HMAC-SHA1/28800s");
    assert_ts(&in.ts_i[0], "10.1.1.1");
    assert_ts(&in.ts_r[0], "0.0.0.0/0");
}

/* Frame 16, Quick Mode 3: the Hash alone. */
static void test_v1_quick_mode_3(void)
{
    qvpn_ike_inner in = inner_of("v1_f16");
    g_assert_false(in.malformed);
    g_assert_cmphex(in.payloads, ==, BITS(8));
    g_assert_false(in.has_sa);
}

/* --- IKEv2: wireshark__ikev2-decrypt-* ----------------------------------------------
 *
 * Each capture: IKE_AUTH request (frame 3: IDi, INITIAL_CONTACT, IDr, AUTH, SA, TSi,
 * TSr, MULTIPLE_AUTH_SUPPORTED, EAP_ONLY_AUTHENTICATION), response (frame 4: IDr,
 * AUTH, SA, TSi, TSr, AUTH_LIFETIME), and in most an INFORMATIONAL Delete of the
 * IKE SA (frame 5: "Protocol ID: IKE (1), SPI Size: 0, Number of SPIs: 0").
 * tshark -T fields -e isakmp.id.data.ipv4_addr -e isakmp.spi -e isakmp.ts.start_ipv4
 * gives the addresses and SPIs below.
 */
typedef struct {
    const char *f3, *f4, *f5;   /* sample names; f5 NULL when the capture stops at 4 */
    const char *init, *resp;    /* IDi / TSi and IDr / TSr */
    uint32_t    spi3, spi4;
} v2_capture;

static const v2_capture v2_captures[] = {
    { "v2_3des_sha1_160_f3", "v2_3des_sha1_160_f4", "v2_3des_sha1_160_f5",
      "192.168.1.14", "192.168.1.2", 0xc6fd8996, 0xc096dfc4 },
    { "v2_aes128ccm12_2_f3", "v2_aes128ccm12_2_f4", "v2_aes128ccm12_2_f5",
      "192.168.1.14", "192.168.1.2", 0xc612c97f, 0xcbac0976 },
    { "v2_aes128ccm12_f3", "v2_aes128ccm12_f4", "v2_aes128ccm12_f5",
      "192.168.1.2", "192.168.1.14", 0xc0ae8e4e, 0xc2be7607 },
    { "v2_aes192ctr_f3", "v2_aes192ctr_f4", "v2_aes192ctr_f5",
      "192.168.1.14", "192.168.1.2", 0xc9e9858f, 0xc9eaefaa },
    { "v2_aes256cbc_f3", "v2_aes256cbc_f4", NULL,
      "192.168.1.2", "192.168.1.14", 0xce245507, 0xc9f1d870 },
    { "v2_aes256ccm16_f3", "v2_aes256ccm16_f4", NULL,
      "192.168.1.14", "192.168.1.2", 0xcd140ffe, 0xc14ee006 },
    { "v2_aes256gcm16_f3", "v2_aes256gcm16_f4", "v2_aes256gcm16_f5",
      "192.168.1.2", "192.168.1.14", 0xcfc3e387, 0xc14b46ec },
    { "v2_aes256gcm8_f3", "v2_aes256gcm8_f4", "v2_aes256gcm8_f5",
      "192.168.1.14", "192.168.1.2", 0xc0866af6, 0xcd1fa031 },
};

static void assert_v2_selectors(const qvpn_ike_inner *in, const v2_capture *c)
{
    /* "TS_IPV4_ADDR_RANGE, Protocol ID: Unused, Start Port: 0, End Port: 65535,
     * Starting Addr = Ending Addr". */
    g_assert_cmpuint(in->n_ts_i, ==, 1);
    g_assert_cmpuint(in->n_ts_r, ==, 1);
    assert_ts(&in->ts_i[0], c->init);
    assert_ts(&in->ts_r[0], c->resp);
    g_assert_cmpuint(in->ts_i[0].prefix, ==, 32);
    g_assert_cmpuint(in->ts_i[0].proto, ==, 0);
    g_assert_cmpuint(in->ts_i[0].port_lo, ==, 0);
    g_assert_cmpuint(in->ts_i[0].port_hi, ==, 65535);
}

static void test_v2_auth(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(v2_captures); i++) {
        const v2_capture *c = &v2_captures[i];
        qvpn_ike_inner in = inner_of(c->f3);
        g_assert_false(in.malformed);
        g_assert_cmphex(in.payloads, ==, BITS(35, 41, 36, 39, 33, 44, 45));
        g_assert_cmpstr(in.identity, ==, c->init);     /* IDi, not the IDr after it */
        g_assert_true(in.has_auth);
        g_assert_cmpuint(in.n_notify, ==, 3);
        g_assert_cmpuint(in.notify[0], ==, 16384);
        g_assert_cmpuint(in.notify[1], ==, 16404);
        g_assert_cmpuint(in.notify[2], ==, 16417);
        g_assert_true(in.has_sa);
        g_assert_cmpuint(in.sa_protocol, ==, 3);
        g_assert_cmphex(in.sa_spi, ==, c->spi3);
        g_assert_true(g_str_has_prefix(in.sa_text, "ESP:"));
        g_assert_cmpuint(in.pfs_group, ==, 0);
        assert_v2_selectors(&in, c);

        in = inner_of(c->f4);
        g_assert_false(in.malformed);
        g_assert_cmphex(in.payloads, ==, BITS(36, 39, 33, 44, 45, 41));
        g_assert_cmpstr(in.identity, ==, c->resp);
        g_assert_cmpuint(in.n_notify, ==, 1);
        g_assert_cmpuint(in.notify[0], ==, 16403);     /* AUTH_LIFETIME */
        g_assert_cmphex(in.sa_spi, ==, c->spi4);
        assert_v2_selectors(&in, c);
    }
}

/* 3des-sha1_160's suite, from frame 3: "ENCR_AES_CBC (12), Key Length: 256",
 * "AUTH_HMAC_SHA2_256_128 (12)", "PRF_HMAC_SHA2_256 (5)", ESN none. */
static void test_v2_sa_text(void)
{
    qvpn_ike_inner in = inner_of("v2_3des_sha1_160_f3");
    g_assert_cmpstr(in.sa_text, ==, "ESP:AES-CBC-256/PRF-HMAC-SHA2-256/HMAC-SHA2-256-128");
}

/* Frame 5: the Delete of the IKE SA, then padding and "Pad Length: 7" (3DES) or 0
 * (the AEAD suites); frame 6 of 3des: no payload at all ("Next payload: NONE"). */
static void test_v2_delete_ike(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(v2_captures); i++) {
        if (!v2_captures[i].f5)
            continue;
        qvpn_ike_inner in = inner_of(v2_captures[i].f5);
        g_assert_false(in.malformed);
        g_assert_cmphex(in.payloads, ==, BITS(42));
        g_assert_cmpuint(in.del_protocol, ==, 1);
        g_assert_cmpuint(in.n_del_spi, ==, 0);
    }
    qvpn_ike_inner in;
    g_assert_false(read_inner(find("v2_3des_sha1_160_f6"), &in));
    g_assert_cmphex(in.payloads, ==, 0);
}

/* --- ESP: wireshark__esp-bug-12671 ----------------------------------------------------
 *
 * "10.1.1.1 → 10.1.0.10 ICMP Echo (ping) request id=0x0002, seq=2/512" and its
 * reply, three times (seq 2, 3, 4); tshark -T fields -e icmp.type -e icmp.ident
 * -e icmp.seq: 8/0, 2, 2..4. */
static void test_esp_inner_icmp(void)
{
    static const char *names[] = { "esp_f1", "esp_f2", "esp_f3", "esp_f4", "esp_f5", "esp_f6" };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        const sample *s = find(names[i]);
        qvpn_inner_pkt pk;
        uint8_t *q = dup_exact(s->p, s->len);
        g_assert_true(qvpn_inner_pkt_read(q, s->len, &pk));
        g_free(q);
        bool request = i % 2 == 0;
        assert_addr(&pk.src, request ? "10.1.1.1" : "10.1.0.10");
        assert_addr(&pk.dst, request ? "10.1.0.10" : "10.1.1.1");
        g_assert_cmpuint(pk.proto, ==, 1);
        g_assert_cmpuint(pk.echo, ==, request ? QVPN_INNER_ECHO_REQUEST : QVPN_INNER_ECHO_REPLY);
        g_assert_cmpuint(pk.echo_id, ==, 2);
        g_assert_cmpuint(pk.echo_seq, ==, 2 + i / 2);
        g_assert_cmpuint(pk.sport, ==, 0);
    }
}

/* --- every truncation of every sample ----------------------------------------------- */

static void check_inner(const qvpn_ike_inner *in)
{
    g_assert_cmpuint(in->n_notify, <=, QVPN_MAX_NOTIFY);
    g_assert_cmpuint(in->n_ts_i, <=, QVPN_TS_MAX);
    g_assert_cmpuint(in->n_ts_r, <=, QVPN_TS_MAX);
    g_assert_cmpuint(in->n_del_spi, <=, QVPN_DEL_MAX_SPI);
    g_assert_cmpuint(in->n_split, <=, QVPN_CFG_MAX_SPLIT);
    g_assert_nonnull(memchr(in->sa_text, '\0', sizeof(in->sa_text)));
    g_assert_nonnull(memchr(in->identity, '\0', sizeof(in->identity)));
    for (size_t i = 0; in->identity[i]; i++)
        g_assert_true(g_ascii_isprint(in->identity[i]));
    g_assert_true(in->cfg_address.len == 0 || in->cfg_address.len == 4 ||
                  in->cfg_address.len == 16);
}

static void test_truncations(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(samples); i++) {
        const sample *s = &samples[i];
        for (size_t n = 0; n <= s->len; n++) {
            uint8_t *q = dup_exact(s->p, n);
            qvpn_ike_inner in;
            qvpn_inner_pkt pk;
            for (uint8_t m = 1; m <= 2; m++) {
                /* Its own reading, and the other version's, and as Quick Mode. */
                (void)qvpn_ike_inner_read(m, s->exch, s->first ? s->first : 1, q, n, &in);
                check_inner(&in);
                (void)qvpn_ike_inner_read(m, QVPN_IKE_EXCH_QUICK_MODE, s->first, q, n, &in);
                check_inner(&in);
            }
            if (qvpn_inner_pkt_read(q, n, &pk))
                g_assert_true(pk.src.len == 4 || pk.src.len == 16);
            /* An IKEv1 chain cut inside a payload is malformed; one cut in the
             * padding after it reads as the whole. */
            if (s->major == 1 && n < s->len) {
                qvpn_ike_inner whole;
                g_assert_true(read_inner(s, &whole));
                if (qvpn_ike_inner_read(1, s->exch, s->first, q, n, &in) && !in.malformed)
                    g_assert_cmphex(in.payloads, ==, whole.payloads);
            }
            g_free(q);
        }
    }
    qvpn_ike_inner in;
    qvpn_inner_pkt pk;
    g_assert_false(qvpn_ike_inner_read(1, 2, 5, NULL, 0, &in));
    g_assert_false(qvpn_inner_pkt_read(NULL, 0, &pk));
}

/* --- built from the RFCs: what the captures do not hold ------------------------------ */

/* A chain being written: payloads with their generic headers, next payloads patched
 * as the following one is added. */
typedef struct {
    uint8_t b[1024];
    size_t  n;
    size_t  last;               /* offset of the last generic header; SIZE_MAX none */
    uint8_t first;
} chain;

static void chain_init(chain *c)
{
    memset(c, 0, sizeof(*c));
    c->last = SIZE_MAX;
}

static void put_bytes(chain *c, const void *p, size_t n)
{
    g_assert_cmpuint(c->n + n, <=, sizeof(c->b));
    memcpy(c->b + c->n, p, n);
    c->n += n;
}

static void put_u8(chain *c, unsigned v) { uint8_t b = (uint8_t)v; put_bytes(c, &b, 1); }
static void put_u16(chain *c, unsigned v) { put_u8(c, v >> 8); put_u8(c, v); }
static void put_u32(chain *c, uint32_t v) { put_u16(c, v >> 16); put_u16(c, v & 0xffff); }

/* Start a payload of the type; end_payload() sets its length. */
static void begin_payload(chain *c, uint8_t type)
{
    if (c->last == SIZE_MAX)
        c->first = type;
    else
        c->b[c->last] = type;
    c->last = c->n;
    put_u8(c, 0);
    put_u8(c, 0);
    put_u16(c, 0);
}

static void end_payload(chain *c)
{
    size_t len = c->n - c->last;
    c->b[c->last + 2] = (uint8_t)(len >> 8);
    c->b[c->last + 3] = (uint8_t)len;
}

static bool read_chain(const chain *c, uint8_t major, uint8_t exch, qvpn_ike_inner *in)
{
    uint8_t *q = dup_exact(c->b, c->n);
    bool ok = qvpn_ike_inner_read(major, exch, c->first, q, c->n, in);
    g_free(q);
    return ok;
}

static const uint8_t ip_a[4] = { 192, 0, 2, 1 };

/* IKEv1 DPD (RFC 3706 5.1): Informational, Hash, Notify R-U-THERE (DOI 1, protocol
 * ISAKMP, SPI size 16: the cookies, data: the 32-bit sequence). */
static void test_v1_dpd(void)
{
    chain c;
    qvpn_ike_inner in;

    for (unsigned t = QVPN_NOTIFY_R_U_THERE; t <= QVPN_NOTIFY_R_U_THERE_ACK; t++) {
        chain_init(&c);
        begin_payload(&c, 8);
        put_bytes(&c, (uint8_t[20]){ 0 }, 20);
        end_payload(&c);
        begin_payload(&c, 11);
        put_u32(&c, 1);
        put_u8(&c, 1);
        put_u8(&c, 16);
        put_u16(&c, t);
        put_bytes(&c, (uint8_t[16]){ 0xab }, 16);
        put_u32(&c, 0x2a2b2c2d);
        end_payload(&c);
        put_bytes(&c, (uint8_t[7]){ 0 }, 7);    /* padding */
        g_assert_true(read_chain(&c, 1, QVPN_IKE_EXCH_INFO_V1, &in));
        g_assert_false(in.malformed);
        g_assert_true(in.dpd);
        g_assert_cmpuint(in.dpd_type, ==, t);
        g_assert_cmphex(in.dpd_seq, ==, 0x2a2b2c2d);
        g_assert_cmpuint(in.n_notify, ==, 1);
        g_assert_cmpuint(in.notify[0], ==, t);
        /* The same type in IKEv2 is no DPD (IKEv2 uses empty INFORMATIONALs). */
        g_assert_true(qvpn_ike_inner_read(2, QVPN_IKE_EXCH_INFO_V2, 11, c.b, c.n, &in));
        g_assert_false(in.dpd);
    }
}

/* IKEv1 Delete (RFC 2408 3.15) of two ESP SAs, then one of the ISAKMP SA. */
static void test_v1_delete_esp(void)
{
    chain c;
    qvpn_ike_inner in;

    chain_init(&c);
    begin_payload(&c, 12);
    put_u32(&c, 1);
    put_u8(&c, 3);
    put_u8(&c, 4);
    put_u16(&c, 2);
    put_u32(&c, 0x070883c2);
    put_u32(&c, 0xc254fe64);
    end_payload(&c);
    g_assert_true(read_chain(&c, 1, QVPN_IKE_EXCH_INFO_V1, &in));
    g_assert_false(in.malformed);
    g_assert_cmpuint(in.del_protocol, ==, 3);
    g_assert_cmpuint(in.n_del_spi, ==, 2);
    g_assert_cmphex(in.del_spi[0], ==, 0x070883c2);
    g_assert_cmphex(in.del_spi[1], ==, 0xc254fe64);

    chain_init(&c);
    begin_payload(&c, 12);
    put_u32(&c, 1);
    put_u8(&c, 1);
    put_u8(&c, 16);
    put_u16(&c, 1);
    put_bytes(&c, (uint8_t[16]){ 1, 2, 3 }, 16);
    end_payload(&c);
    g_assert_true(read_chain(&c, 1, QVPN_IKE_EXCH_INFO_V1, &in));
    g_assert_false(in.malformed);
    g_assert_cmpuint(in.del_protocol, ==, 1);
    g_assert_cmpuint(in.n_del_spi, ==, 0);

    /* Found by fuzz_wire: a Delete of protocol 0 (RESERVED) names nothing, and a
     * second one of protocol 0 keeps no SPI under "no Delete". */
    chain_init(&c);
    for (int i = 0; i < 2; i++) {
        begin_payload(&c, 12);
        put_u32(&c, 1);
        put_u8(&c, 0);
        put_u8(&c, 4);
        put_u16(&c, 1);
        put_u32(&c, 0x01020304);
        end_payload(&c);
    }
    g_assert_true(read_chain(&c, 1, QVPN_IKE_EXCH_INFO_V1, &in));
    g_assert_cmpuint(in.del_protocol, ==, 0);
    g_assert_cmpuint(in.n_del_spi, ==, 0);

    /* Hostile: 65535 SPIs announced, two there; more than QVPN_DEL_MAX_SPI never. */
    chain_init(&c);
    begin_payload(&c, 42);
    put_u8(&c, 3);
    put_u8(&c, 4);
    put_u16(&c, 65535);
    for (uint32_t i = 0; i < 20; i++)
        put_u32(&c, i + 1);
    end_payload(&c);
    g_assert_true(read_chain(&c, 2, QVPN_IKE_EXCH_INFO_V2, &in));
    g_assert_true(in.malformed);
    g_assert_cmpuint(in.n_del_spi, ==, QVPN_DEL_MAX_SPI);
    g_assert_cmphex(in.del_spi[QVPN_DEL_MAX_SPI - 1], ==, QVPN_DEL_MAX_SPI);
}

/* One IKEv1 QM ID payload (RFC 2407 4.6.2). */
static void put_v1_id(chain *c, uint8_t type, uint8_t proto, uint16_t port,
                      const uint8_t *data, size_t n)
{
    begin_payload(c, 5);
    put_u8(c, type);
    put_u8(c, proto);
    put_u16(c, port);
    put_bytes(c, data, n);
    end_payload(c);
}

/* IKEv1 Quick Mode with PFS: SA whose transform says Group Description (IPsec DOI
 * attribute 3) = 14, a KE payload, IDs of a UDP/500 host and a range. */
static void test_v1_quick_mode_pfs(void)
{
    chain c;
    qvpn_ike_inner in;
    static const uint8_t range[8] = { 10, 0, 0, 1, 10, 0, 0, 9 };

    chain_init(&c);
    begin_payload(&c, 1);
    put_u32(&c, 1);             /* DOI */
    put_u32(&c, 1);             /* situation */
    put_u8(&c, 0); put_u8(&c, 0); put_u16(&c, 8 + 4 + 8 + 12);   /* proposal */
    put_u8(&c, 1); put_u8(&c, 3); put_u8(&c, 4); put_u8(&c, 1);
    put_u32(&c, 0x11223344);
    put_u8(&c, 0); put_u8(&c, 0); put_u16(&c, 8 + 12);            /* transform */
    put_u8(&c, 1); put_u8(&c, 12); put_u16(&c, 0);
    put_u16(&c, 0x8006); put_u16(&c, 128);                      /* key length */
    put_u16(&c, 0x8005); put_u16(&c, 2);                        /* HMAC-SHA1 */
    put_u16(&c, 0x8003); put_u16(&c, 14);                       /* group 14 */
    end_payload(&c);
    begin_payload(&c, 4);
    put_bytes(&c, (uint8_t[32]){ 0 }, 32);
    end_payload(&c);
    put_v1_id(&c, 1, 17, 500, ip_a, 4);
    put_v1_id(&c, 7, 0, 0, range, 8);
    put_v1_id(&c, 1, 0, 0, ip_a, 4);    /* a third ID: neither side */
    g_assert_true(read_chain(&c, 1, QVPN_IKE_EXCH_QUICK_MODE, &in));
    g_assert_false(in.malformed);
    g_assert_cmpuint(in.pfs_group, ==, 14);
    g_assert_cmphex(in.sa_spi, ==, 0x11223344);
    g_assert_cmpstr(in.sa_text, ==, "ESP-AES-CBC-128/HMAC-SHA1/MODP2048");
    g_assert_cmpuint(in.n_ts_i, ==, 1);
    g_assert_cmpuint(in.n_ts_r, ==, 1);
    assert_ts(&in.ts_i[0], "192.0.2.1:udp/500");
    assert_ts(&in.ts_r[0], "10.0.0.1-10.0.0.9");
    g_assert_cmpuint(in.ts_r[0].prefix, ==, 0xff);

    /* The same without KE: no PFS, whatever the SA says. */
    g_assert_true(qvpn_ike_inner_read(1, QVPN_IKE_EXCH_QUICK_MODE, 1, c.b, 44, &in));
    g_assert_cmpuint(in.pfs_group, ==, 0);
    /* Outside Quick Mode the first ID is the identity. */
    g_assert_true(read_chain(&c, 1, QVPN_IKE_EXCH_AGGRESSIVE, &in));
    g_assert_cmpstr(in.identity, ==, "192.0.2.1");
    g_assert_cmpuint(in.n_ts_i, ==, 0);
    g_assert_cmpuint(in.pfs_group, ==, 0);
}

/* IKEv1 identities of every kind. */
static void test_v1_identities(void)
{
    static const struct { uint8_t type; const char *data; size_t n; const char *want; } ids[] = {
        { 2, "vpn.example.com", 15, "fqdn:vpn.example.com" },
        { 3, "bob@example.com", 15, "user:bob@example.com" },
        { 3, "b\x01\x7f" "b", 4, "user:b??b" },
        { 9, "\x30\x00", 2, "der-asn1-dn" },
        { 11, "\x01\x02", 2, "key-id" },
        { 4, "\xc0\xa8\x05\x07\xff\xff\xff\x00", 8, "192.168.5.0/24" },
        { 5, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16, "2001:db8::1" },
        { 200, "x", 1, "id-type:200" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(ids); i++) {
        chain c;
        qvpn_ike_inner in;
        chain_init(&c);
        put_v1_id(&c, ids[i].type, 17, 500, (const uint8_t *)ids[i].data, ids[i].n);
        g_assert_true(read_chain(&c, 1, QVPN_IKE_EXCH_MAIN_MODE, &in));
        g_assert_cmpstr(in.identity, ==, ids[i].want);
    }
    /* A long FQDN is cut to fit, NUL-terminated. */
    chain c;
    qvpn_ike_inner in;
    char longname[300];
    memset(longname, 'a', sizeof(longname));
    chain_init(&c);
    put_v1_id(&c, 2, 0, 0, (const uint8_t *)longname, sizeof(longname));
    g_assert_true(read_chain(&c, 1, QVPN_IKE_EXCH_MAIN_MODE, &in));
    g_assert_cmpuint(strlen(in.identity), ==, sizeof(in.identity) - 1);
    g_assert_true(g_str_has_prefix(in.identity, "fqdn:aaaa"));
    /* An address ID too short for its type: no identity, malformed. */
    chain_init(&c);
    put_v1_id(&c, 1, 0, 0, ip_a, 3);
    g_assert_true(read_chain(&c, 1, QVPN_IKE_EXCH_MAIN_MODE, &in));
    g_assert_cmpstr(in.identity, ==, "");
    g_assert_true(in.malformed);
}

/* IKEv2 CREATE_CHILD_SA rekey: REKEY_SA (16393, ESP, SPI), SA, Nonce, KE (group 19),
 * TSi of two IPv6 selectors and a TCP port, TSr of five (one over QVPN_TS_MAX). */
static void put_ts6(chain *c, uint8_t proto, uint16_t plo, uint16_t phi, const uint8_t lo[16],
                    const uint8_t hi[16])
{
    put_u8(c, 8);
    put_u8(c, proto);
    put_u16(c, 40);
    put_u16(c, plo);
    put_u16(c, phi);
    put_bytes(c, lo, 16);
    put_bytes(c, hi, 16);
}

static void put_ts4(chain *c, uint8_t proto, uint16_t plo, uint16_t phi, const uint8_t lo[4],
                    const uint8_t hi[4])
{
    put_u8(c, 7);
    put_u8(c, proto);
    put_u16(c, 16);
    put_u16(c, plo);
    put_u16(c, phi);
    put_bytes(c, lo, 4);
    put_bytes(c, hi, 4);
}

static void test_v2_rekey(void)
{
    static const uint8_t z6[16] = { 0 }, f6[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    static const uint8_t n6lo[16] = { 0x20, 0x01, 0x0d, 0xb8 }, n6hi[16] = { 0x20, 0x01,
        0x0d, 0xb8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    static const uint8_t a[4] = { 192, 168, 5, 0 }, b[4] = { 192, 168, 5, 255 };
    chain c;
    qvpn_ike_inner in;

    chain_init(&c);
    begin_payload(&c, 41);
    put_u8(&c, 3);
    put_u8(&c, 4);
    put_u16(&c, 16393);
    put_u32(&c, 0xdeadbeef);
    end_payload(&c);
    begin_payload(&c, 33);
    put_u8(&c, 0); put_u8(&c, 0); put_u16(&c, 8 + 4 + 8);
    put_u8(&c, 1); put_u8(&c, 3); put_u8(&c, 4); put_u8(&c, 1);
    put_u32(&c, 0xcafe0001);
    put_u8(&c, 0); put_u8(&c, 0); put_u16(&c, 8);
    put_u8(&c, 1); put_u8(&c, 0); put_u16(&c, 20);               /* AES-GCM-16 */
    end_payload(&c);
    begin_payload(&c, 40);
    put_bytes(&c, (uint8_t[16]){ 0 }, 16);
    end_payload(&c);
    begin_payload(&c, 34);
    put_u16(&c, 19);
    put_u16(&c, 0);
    put_bytes(&c, (uint8_t[64]){ 0 }, 64);
    end_payload(&c);
    begin_payload(&c, 44);
    put_u8(&c, 2); put_u8(&c, 0); put_u16(&c, 0);
    put_ts6(&c, 0, 0, 65535, z6, f6);
    put_ts6(&c, 6, 443, 443, n6lo, n6hi);
    end_payload(&c);
    begin_payload(&c, 45);
    put_u8(&c, 5); put_u8(&c, 0); put_u16(&c, 0);
    for (int i = 0; i < 5; i++)
        put_ts4(&c, i == 0 ? 47 : 17, i == 0 ? 0 : 500, i == 0 ? 65535 : 500, a, b);
    end_payload(&c);
    /* SK plaintext: then padding and the pad-length byte (RFC 7296 3.14). */
    put_bytes(&c, (uint8_t[3]){ 0xee, 0xee, 0xee }, 3);
    put_u8(&c, 3);

    g_assert_true(read_chain(&c, 2, QVPN_IKE_EXCH_CHILD_SA, &in));
    g_assert_false(in.malformed);
    g_assert_cmphex(in.rekey_spi, ==, 0xdeadbeef);
    g_assert_cmpuint(in.notify[0], ==, 16393);
    g_assert_cmpuint(in.pfs_group, ==, 19);
    g_assert_cmphex(in.sa_spi, ==, 0xcafe0001);
    g_assert_cmpstr(in.sa_text, ==, "ESP:AES-GCM-16");
    g_assert_cmpuint(in.n_ts_i, ==, 2);
    assert_ts(&in.ts_i[0], "::/0");
    assert_ts(&in.ts_i[1], "2001:db8::/32:tcp/443");
    g_assert_cmpuint(in.n_ts_r, ==, QVPN_TS_MAX);
    assert_ts(&in.ts_r[0], "192.168.5.0/24:proto 47");
    assert_ts(&in.ts_r[1], "192.168.5.0/24:udp/500");
    g_assert_cmpuint(in.more_ts, ==, 1);

    char buf[256];
    qvpn_ts_list_text(in.ts_r, in.n_ts_r, in.more_ts, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "192.168.5.0/24:proto 47, 192.168.5.0/24:udp/500, "
                             "192.168.5.0/24:udp/500, 192.168.5.0/24:udp/500, +1 more");

    /* A pad length that cuts into the chain: malformed, what was read kept. */
    c.b[c.n - 1] = 40;
    g_assert_true(read_chain(&c, 2, QVPN_IKE_EXCH_CHILD_SA, &in));
    g_assert_true(in.malformed);
    g_assert_cmphex(in.rekey_spi, ==, 0xdeadbeef);

    /* A pad length that does not fit (200 with 9 bytes): every byte is walked, and
     * what follows the chain's end is not read. */
    chain_init(&c);
    begin_payload(&c, 41);
    put_u8(&c, 0); put_u8(&c, 0); put_u16(&c, 16384);
    end_payload(&c);
    put_u8(&c, 200);
    g_assert_true(read_chain(&c, 2, QVPN_IKE_EXCH_INFO_V2, &in));
    g_assert_false(in.malformed);
    g_assert_cmpuint(in.n_notify, ==, 1);
}

/* IKEv2 CP (RFC 7296 3.15): a CFG_REPLY with an address, two IPv4 subnets and an
 * IPv6 one. */
static void test_v2_cp(void)
{
    chain c;
    qvpn_ike_inner in;

    chain_init(&c);
    begin_payload(&c, 47);
    put_u8(&c, QVPN_CFG_REPLY);
    put_u8(&c, 0); put_u16(&c, 0);
    put_u16(&c, 1); put_u16(&c, 4); put_bytes(&c, (uint8_t[]){ 10, 9, 8, 7 }, 4);
    put_u16(&c, 13); put_u16(&c, 8);
    put_bytes(&c, (uint8_t[]){ 172, 16, 0, 0, 255, 240, 0, 0 }, 8);
    put_u16(&c, 13); put_u16(&c, 8);
    put_bytes(&c, (uint8_t[]){ 10, 0, 0, 0, 255, 0, 255, 0 }, 8);  /* no prefix */
    put_u16(&c, 15); put_u16(&c, 17);
    put_bytes(&c, (uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, 0, 1 }, 6);
    put_bytes(&c, (uint8_t[10]){ 0 }, 10);
    put_u8(&c, 48);
    put_u16(&c, 15); put_u16(&c, 17);                              /* prefix 200 */
    put_bytes(&c, (uint8_t[16]){ 0 }, 16);
    put_u8(&c, 200);
    end_payload(&c);
    put_u8(&c, 0);

    g_assert_true(read_chain(&c, 2, QVPN_IKE_EXCH_AUTH, &in));
    g_assert_true(in.malformed);        /* the prefix of 200 */
    g_assert_cmpuint(in.cfg_type, ==, QVPN_CFG_REPLY);
    assert_addr(&in.cfg_address, "10.9.8.7");
    g_assert_cmpuint(in.n_split, ==, 3);
    assert_ts(&in.split[0], "172.16.0.0/12");
    assert_ts(&in.split[1], "10.0.0.0-10.255.0.255");
    assert_ts(&in.split[2], "2001:db8:1::/48");

    /* The same attribute in a CFG_REQUEST: asked for, not given. */
    c.b[4] = QVPN_CFG_REQUEST;
    g_assert_true(read_chain(&c, 2, QVPN_IKE_EXCH_AUTH, &in));
    g_assert_cmpuint(in.cfg_address.len, ==, 0);
    /* An attribute length past the payload. */
    c.b[8 + 2] = 0x7f;
    g_assert_true(read_chain(&c, 2, QVPN_IKE_EXCH_AUTH, &in));
    g_assert_true(in.malformed);
    g_assert_cmpuint(in.n_split, ==, 0);
}

/* Chains no implementation sends. */
static void test_hostile_chains(void)
{
    chain c;
    qvpn_ike_inner in;

    /* A payload length of 0, and one past the bytes. */
    static const uint8_t zero[] = { 0, 0, 0, 0, 1, 2, 3, 4 };
    g_assert_true(qvpn_ike_inner_read(1, 2, 8, zero, sizeof(zero), &in));
    g_assert_true(in.malformed);
    static const uint8_t past[] = { 0, 0, 0xff, 0xff, 1, 2, 3, 4 };
    g_assert_true(qvpn_ike_inner_read(1, 2, 8, past, sizeof(past), &in));
    g_assert_true(in.malformed);
    /* Fewer than 4 bytes: not one payload. */
    g_assert_false(qvpn_ike_inner_read(1, 2, 8, past, 3, &in));
    /* An unknown version reads nothing. */
    g_assert_false(qvpn_ike_inner_read(3, 2, 8, zero, sizeof(zero), &in));

    /* 100 empty Notify payloads chained: QVPN_IKE_MAX_PAYLOADS read, the rest not. */
    chain_init(&c);
    for (int i = 0; i < 100; i++) {
        begin_payload(&c, 41);
        put_u8(&c, 0); put_u8(&c, 0); put_u16(&c, 16384 + i);
        end_payload(&c);
    }
    g_assert_true(read_chain(&c, 2, QVPN_IKE_EXCH_INFO_V2, &in));
    g_assert_true(in.malformed);
    g_assert_cmpuint(in.n_notify, ==, QVPN_MAX_NOTIFY);
    g_assert_cmpuint(in.notify[3], ==, 16387);

    /* TS: 255 selectors counted, one there; a selector length of 0. */
    chain_init(&c);
    begin_payload(&c, 44);
    put_u8(&c, 255); put_u8(&c, 0); put_u16(&c, 0);
    put_ts4(&c, 0, 0, 65535, ip_a, ip_a);
    end_payload(&c);
    begin_payload(&c, 45);
    put_u8(&c, 3); put_u8(&c, 0); put_u16(&c, 0);
    put_u8(&c, 7); put_u8(&c, 0); put_u16(&c, 0); put_u32(&c, 0);
    end_payload(&c);
    g_assert_true(read_chain(&c, 2, QVPN_IKE_EXCH_AUTH, &in));
    g_assert_true(in.malformed);
    g_assert_cmpuint(in.n_ts_i, ==, 1);
    g_assert_cmpuint(in.n_ts_r, ==, 0);

    /* Notify whose SPI size runs past the body: its type kept, malformed. */
    chain_init(&c);
    begin_payload(&c, 11);
    put_u32(&c, 1); put_u8(&c, 1); put_u8(&c, 200); put_u16(&c, QVPN_NOTIFY_R_U_THERE);
    end_payload(&c);
    g_assert_true(read_chain(&c, 1, QVPN_IKE_EXCH_INFO_V1, &in));
    g_assert_true(in.malformed);
    g_assert_cmpuint(in.n_notify, ==, 1);
    g_assert_false(in.dpd);

    /* IKEv1 attributes: a TLV longer than the payload, a split list of 13 bytes. */
    chain_init(&c);
    begin_payload(&c, 14);
    put_u8(&c, QVPN_CFG_REPLY); put_u8(&c, 0); put_u16(&c, 0);
    put_u16(&c, 28676); put_u16(&c, 13); put_bytes(&c, (uint8_t[13]){ 10 }, 13);
    put_u16(&c, 1); put_u16(&c, 9000);
    end_payload(&c);
    g_assert_true(read_chain(&c, 1, QVPN_IKE_EXCH_TRANSACTION, &in));
    g_assert_true(in.malformed);
    g_assert_cmpuint(in.n_split, ==, 0);
    g_assert_cmpuint(in.cfg_address.len, ==, 0);

    /* An SA payload too short for a proposal. */
    chain_init(&c);
    begin_payload(&c, 33);
    put_u16(&c, 0);
    end_payload(&c);
    g_assert_true(read_chain(&c, 2, QVPN_IKE_EXCH_CHILD_SA, &in));
    g_assert_true(in.malformed);
    g_assert_false(in.has_sa);
}

/* --- the tunnel's inside, built ------------------------------------------------------ */

static void test_inner_ipv4_options_tcp(void)
{
    uint8_t p[24 + 20 + 6] = {
        0x46, 0, 0, 50, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 1, 1, 1, 10, 1, 0, 10,
        1, 1, 1, 0,                                     /* 4 bytes of options */
        0xc0, 0x01, 0x01, 0xbb, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x12, 0xff, 0xff,
        0, 0, 0, 0,
    };
    qvpn_inner_pkt pk;

    g_assert_true(qvpn_inner_pkt_read(p, 44, &pk));
    g_assert_cmpuint(pk.proto, ==, 6);
    g_assert_cmpuint(pk.sport, ==, 0xc001);
    g_assert_cmpuint(pk.dport, ==, 443);
    g_assert_cmphex(pk.tcp_flags, ==, 0x12);
    /* Total Length 50 covers the 6 bytes after: they are not read as more. */
    g_assert_true(qvpn_inner_pkt_read(p, sizeof(p), &pk));
    g_assert_cmphex(pk.tcp_flags, ==, 0x12);
    /* Total Length shorter than the TCP header: ports only. */
    p[3] = 30;
    g_assert_true(qvpn_inner_pkt_read(p, sizeof(p), &pk));
    g_assert_cmpuint(pk.dport, ==, 443);
    g_assert_cmphex(pk.tcp_flags, ==, 0);
    /* A later fragment carries no ports. */
    p[3] = 50;
    p[7] = 8;
    g_assert_true(qvpn_inner_pkt_read(p, sizeof(p), &pk));
    g_assert_cmpuint(pk.proto, ==, 6);
    g_assert_cmpuint(pk.dport, ==, 0);
    /* IHL of 15 with 24 bytes: addresses, no upper layer. */
    p[0] = 0x4f;
    p[7] = 0;
    g_assert_true(qvpn_inner_pkt_read(p, 24, &pk));
    assert_addr(&pk.src, "10.1.1.1");
    g_assert_cmpuint(pk.dport, ==, 0);
    /* Not IP. */
    p[0] = 0x55;
    g_assert_false(qvpn_inner_pkt_read(p, sizeof(p), &pk));
}

/* IPv6: hop-by-hop (8), destination options (16), fragment (first), then ICMPv6
 * echo request. */
static void test_inner_ipv6_ext(void)
{
    uint8_t p[40 + 8 + 16 + 8 + 8] = { 0x60, 0, 0, 0, 0, 40, 0, 64,
        0x20, 0x01, 0x0d, 0xb8, [23] = 1, [24] = 0x20, [25] = 0x01, [26] = 0x0d,
        [27] = 0xb8, [39] = 2 };
    uint8_t *e = p + 40;
    qvpn_inner_pkt pk;

    e[0] = 60; e[1] = 0;                /* hop-by-hop, 8 bytes */
    e[8] = 44; e[9] = 1;                /* destination options, 16 bytes */
    e[24] = 58; e[26] = 0; e[27] = 1;   /* fragment: offset 0, M */
    e[32] = 128; e[36] = 0x12; e[37] = 0x34; e[38] = 0; e[39] = 7;
    g_assert_true(qvpn_inner_pkt_read(p, sizeof(p), &pk));
    assert_addr(&pk.src, "2001:db8::1");
    assert_addr(&pk.dst, "2001:db8::2");
    g_assert_cmpuint(pk.proto, ==, 58);
    g_assert_cmpuint(pk.echo, ==, QVPN_INNER_ECHO_REQUEST);
    g_assert_cmphex(pk.echo_id, ==, 0x1234);
    g_assert_cmpuint(pk.echo_seq, ==, 7);
    e[32] = 129;
    g_assert_true(qvpn_inner_pkt_read(p, sizeof(p), &pk));
    g_assert_cmpuint(pk.echo, ==, QVPN_INNER_ECHO_REPLY);
    /* Cut inside the destination options: the upper layer is not reached. */
    g_assert_true(qvpn_inner_pkt_read(p, 40 + 8 + 10, &pk));
    g_assert_cmpuint(pk.proto, ==, 60);
    g_assert_cmpuint(pk.echo, ==, QVPN_INNER_OTHER);
    /* ICMP (IPv4's) inside IPv6 is no echo of either kind. */
    e[24] = 1;
    g_assert_true(qvpn_inner_pkt_read(p, sizeof(p), &pk));
    g_assert_cmpuint(pk.proto, ==, 1);
    g_assert_cmpuint(pk.echo, ==, QVPN_INNER_OTHER);

    /* Twenty hop-by-hop headers: the walk stops after a few. */
    uint8_t q[40 + 20 * 8 + 8] = { 0x60, [6] = 0 };
    for (int i = 0; i < 20; i++)
        q[40 + 8 * i] = i == 19 ? 17 : 0;
    g_assert_true(qvpn_inner_pkt_read(q, sizeof(q), &pk));
    g_assert_cmpuint(pk.proto, ==, 0);
    g_assert_cmpuint(pk.sport, ==, 0);
}

/* --- texts ------------------------------------------------------------------------------- */

static qvpn_ts ts4(const char *lo, const char *hi, uint8_t prefix, uint8_t proto,
                   uint16_t plo, uint16_t phi)
{
    qvpn_ts ts = { .prefix = prefix, .proto = proto, .port_lo = plo, .port_hi = phi };
    unsigned a[4], b[4];
    g_assert_cmpint(sscanf(lo, "%u.%u.%u.%u", &a[0], &a[1], &a[2], &a[3]), ==, 4);
    g_assert_cmpint(sscanf(hi, "%u.%u.%u.%u", &b[0], &b[1], &b[2], &b[3]), ==, 4);
    ts.lo.len = ts.hi.len = 4;
    for (int i = 0; i < 4; i++) {
        ts.lo.bytes[i] = (uint8_t)a[i];
        ts.hi.bytes[i] = (uint8_t)b[i];
    }
    return ts;
}

static void test_ts_text(void)
{
    qvpn_ts t;
    char small[8];

    t = ts4("192.168.5.0", "192.168.5.255", 24, 0, 0, 65535);
    assert_ts(&t, "192.168.5.0/24");
    t = ts4("10.1.1.1", "10.1.1.1", 32, 0, 0, 65535);
    assert_ts(&t, "10.1.1.1");
    t = ts4("10.0.0.1", "10.0.0.9", 0xff, 0, 0, 65535);
    assert_ts(&t, "10.0.0.1-10.0.0.9");
    t = ts4("0.0.0.0", "255.255.255.255", 0, 0, 0, 65535);
    assert_ts(&t, "0.0.0.0/0");
    t = ts4("10.1.1.1", "10.1.1.1", 32, 17, 500, 500);
    assert_ts(&t, "10.1.1.1:udp/500");
    t = ts4("10.1.1.1", "10.1.1.1", 32, 47, 0, 65535);
    assert_ts(&t, "10.1.1.1:proto 47");
    t = ts4("10.1.1.1", "10.1.1.1", 32, 6, 1000, 2000);
    assert_ts(&t, "10.1.1.1:tcp/1000-2000");
    t = ts4("10.1.1.1", "10.1.1.1", 32, 0, 80, 80);
    assert_ts(&t, "10.1.1.1:any/80");
    qvpn_ts v6 = { .prefix = 0, .port_hi = 65535 };
    v6.lo.len = v6.hi.len = 16;
    memset(v6.hi.bytes, 0xff, 16);
    assert_ts(&v6, "::/0");

    /* Cut to fit, NUL-terminated, the length written returned. */
    t = ts4("192.168.5.0", "192.168.5.255", 24, 0, 0, 65535);
    g_assert_cmpuint(qvpn_ts_text(&t, small, sizeof(small)), ==, 7);
    g_assert_cmpstr(small, ==, "192.168");
    g_assert_cmpuint(qvpn_ts_text(&t, small, 0), ==, 0);

    /* Lists. */
    qvpn_ts two[2] = { ts4("10.1.1.1", "10.1.1.1", 32, 0, 0, 65535),
                       ts4("0.0.0.0", "255.255.255.255", 0, 0, 0, 65535) };
    char buf[64];
    g_assert_cmpuint(qvpn_ts_list_text(two, 2, 0, buf, sizeof(buf)), ==, strlen("10.1.1.1, 0.0.0.0/0"));
    g_assert_cmpstr(buf, ==, "10.1.1.1, 0.0.0.0/0");
    qvpn_ts_list_text(two, 1, 3, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "10.1.1.1, +3 more");
    qvpn_ts_list_text(two, 0, 3, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "+3 more");
    qvpn_ts_list_text(two, 0, 0, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "");
    g_assert_cmpuint(qvpn_ts_list_text(two, 2, 0, small, sizeof(small)), ==, 7);
    g_assert_cmpstr(small, ==, "10.1.1.");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qvpn/decrypted/v1/mm5_identity", test_v1_mm5);
    g_test_add_func("/qvpn/decrypted/v1/mm6_identity_fqdn", test_v1_mm6);
    g_test_add_func("/qvpn/decrypted/v1/xauth_request", test_v1_xauth_request);
    g_test_add_func("/qvpn/decrypted/v1/informational", test_v1_info);
    g_test_add_func("/qvpn/decrypted/v1/xauth_reply", test_v1_xauth_reply);
    g_test_add_func("/qvpn/decrypted/v1/xauth_status_ok", test_v1_xauth_status_ok);
    g_test_add_func("/qvpn/decrypted/v1/xauth_ack", test_v1_xauth_ack);
    g_test_add_func("/qvpn/decrypted/v1/modecfg_request", test_v1_modecfg_request);
    g_test_add_func("/qvpn/decrypted/v1/modecfg_reply", test_v1_modecfg_reply);
    g_test_add_func("/qvpn/decrypted/v1/quick_mode_1", test_v1_quick_mode_1);
    g_test_add_func("/qvpn/decrypted/v1/quick_mode_2", test_v1_quick_mode_2);
    g_test_add_func("/qvpn/decrypted/v1/quick_mode_3", test_v1_quick_mode_3);
    g_test_add_func("/qvpn/decrypted/v1/dpd", test_v1_dpd);
    g_test_add_func("/qvpn/decrypted/v1/delete", test_v1_delete_esp);
    g_test_add_func("/qvpn/decrypted/v1/quick_mode_pfs", test_v1_quick_mode_pfs);
    g_test_add_func("/qvpn/decrypted/v1/identities", test_v1_identities);
    g_test_add_func("/qvpn/decrypted/v2/ike_auth", test_v2_auth);
    g_test_add_func("/qvpn/decrypted/v2/sa_text", test_v2_sa_text);
    g_test_add_func("/qvpn/decrypted/v2/delete_ike_sa", test_v2_delete_ike);
    g_test_add_func("/qvpn/decrypted/v2/rekey_child", test_v2_rekey);
    g_test_add_func("/qvpn/decrypted/v2/cp", test_v2_cp);
    g_test_add_func("/qvpn/decrypted/hostile_chains", test_hostile_chains);
    g_test_add_func("/qvpn/decrypted/truncations", test_truncations);
    g_test_add_func("/qvpn/decrypted/inner/esp_icmp", test_esp_inner_icmp);
    g_test_add_func("/qvpn/decrypted/inner/ipv4_tcp", test_inner_ipv4_options_tcp);
    g_test_add_func("/qvpn/decrypted/inner/ipv6_ext", test_inner_ipv6_ext);
    g_test_add_func("/qvpn/decrypted/ts_text", test_ts_text);
    return g_test_run();
}
