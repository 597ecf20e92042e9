/* qvpn_tls_hello.c — the ClientHello and ServerHello of a TLS login, and the
 * SSLv2-format ClientHello older Windows clients send (qvpn_netwire.h).
 *
 * Only the hello is read: its version, the suites offered or chosen, and the
 * supported_versions extension that says what a TLS 1.3 hello really asks for.
 * Bounded as the other readers: every length is checked against the span.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qvpn_bytes.h"
#include "qvpn_netwire.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

enum {
    CT_CHANGE_CIPHER_SPEC = 20,
    CT_HANDSHAKE          = 22,
    HS_CLIENT_HELLO       = 1,
    HS_SERVER_HELLO       = 2,
    EXT_SUPPORTED_VERSIONS = 43,
    TLS_MAX_RECORDS       = 16,     /* records walked before the first hello */
    SSLV2_VERSION         = 0x0002,
    SSLV2_KIND            = 0xffff  /* a v2-only cipher kind, as the header keeps it */
};

static uint32_t get_u24(const uint8_t *b)
{
    return (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2];
}

/* A cursor over a bounded span: take() gives n bytes or NULL, never past end. */
typedef struct cur {
    const uint8_t *p;
    size_t         len;
    size_t         off;
} cur;

static const uint8_t *take(cur *c, size_t n)
{
    if (c->len - c->off < n)
        return NULL;
    const uint8_t *r = c->p + c->off;
    c->off += n;
    return r;
}

/* SSLv3 .. TLS 1.3 as record and hello versions (RFC 8446 5.1 allows 0x0300-0x0304
 * in records). */
static bool version_tls(uint16_t v)
{
    return v >= 0x0300 && v <= 0x0304;
}

/* Draft TLS 1.3 versions (0x7f00 | draft number) seen before RFC 8446. */
static bool version_draft(uint16_t v)
{
    return (v & 0xff00) == 0x7f00;
}

/* For "the highest": a draft ranks above TLS 1.2 and below TLS 1.3; GREASE
 * (RFC 8701, 0x?a?a) and anything else unknown rank 0. */
static unsigned version_rank(uint16_t v)
{
    if (version_draft(v))
        return 0x030380;
    return version_tls(v) ? (unsigned)v << 8 : 0;
}

static void add_suite(qvpn_tls_hello *h, uint16_t suite)
{
    if (h->n_suites < QVPN_TLS_MAX_SUITES)
        h->suites[h->n_suites++] = suite;
    else if (h->dropped < UINT8_MAX)
        h->dropped++;
}

/* --- extensions, RFC 8446 section 4.2 ------------------------------------------------
 *
 *   struct { ExtensionType extension_type; opaque extension_data<0..2^16-1>; }
 *   supported_versions (43): ClientHello  ProtocolVersion versions<2..254>;
 *                            ServerHello  ProtocolVersion selected_version;
 *
 * Read as far as captured: a version stays the legacy one when the extension is
 * cut off.
 */
static void supported_versions(const uint8_t *d, size_t n, qvpn_tls_hello *h)
{
    if (!h->client) {
        if (n >= 2 && version_rank(qvpn_get_u16(d)) != 0)
            h->version = qvpn_get_u16(d);
        return;
    }
    if (n < 1)
        return;
    size_t end = (size_t)d[0] + 1 < n ? (size_t)d[0] + 1 : n;
    for (size_t i = 1; i + 2 <= end; i += 2) {
        uint16_t v = qvpn_get_u16(d + i);
        if (version_rank(v) > version_rank(h->version))
            h->version = v;
    }
}

static void extensions(cur *c, qvpn_tls_hello *h)
{
    const uint8_t *l = take(c, 2);
    if (l == NULL)
        return;
    size_t n = qvpn_get_u16(l);
    cur e = { c->p + c->off, n < c->len - c->off ? n : c->len - c->off, 0 };
    const uint8_t *t;
    while ((t = take(&e, 4)) != NULL) {
        const uint8_t *d = take(&e, qvpn_get_u16(t + 2));
        if (d == NULL)
            return;
        if (qvpn_get_u16(t) == EXT_SUPPORTED_VERSIONS)
            supported_versions(d, qvpn_get_u16(t + 2), h);
    }
}

/* --- ClientHello, RFC 5246 7.4.1.2 / RFC 8446 4.1.2 ----------------------------------
 *
 *   ProtocolVersion client_version;  Random random[32];
 *   SessionID session_id<0..32>;  CipherSuite cipher_suites<2..2^16-2>;
 *   CompressionMethod compression_methods<1..2^8-1>;
 *   Extension extensions<0..2^16-1>;   (optional before TLS 1.3)
 *
 * True once the whole suite list is captured: a list cut short would make a
 * hello offering strong suites late in the list look legacy-only.
 */
static bool client_hello(cur *c, qvpn_tls_hello *h)
{
    const uint8_t *v = take(c, 2), *sid, *cl, *cs, *comp;

    if (v == NULL || !version_tls(qvpn_get_u16(v)) || take(c, 32) == NULL
        || (sid = take(c, 1)) == NULL || take(c, sid[0]) == NULL
        || (cl = take(c, 2)) == NULL || qvpn_get_u16(cl) % 2 != 0
        || (cs = take(c, qvpn_get_u16(cl))) == NULL)
        return false;
    h->client = true;
    h->version = qvpn_get_u16(v);
    for (size_t i = 0; i < qvpn_get_u16(cl); i += 2)
        add_suite(h, qvpn_get_u16(cs + i));
    if ((comp = take(c, 1)) != NULL && take(c, comp[0]) != NULL)
        extensions(c, h);
    return true;
}

/* --- ServerHello, RFC 5246 7.4.1.3 / RFC 8446 4.1.3 ----------------------------------
 *
 *   ProtocolVersion server_version;  Random random[32];  SessionID session_id<0..32>;
 *   CipherSuite cipher_suite;  CompressionMethod compression_method;
 *   Extension extensions<0..2^16-1>;
 *
 * TLS 1.3 drafts put their 0x7fxx version here directly; before draft 22 their
 * ServerHello had neither session_id nor compression_method (draft-ietf-tls-tls13-21
 * 4.1.3: version, random, cipher_suite, extensions).
 */
static bool server_hello(cur *c, qvpn_tls_hello *h)
{
    const uint8_t *v = take(c, 2), *sid, *cs;

    if (v == NULL || version_rank(qvpn_get_u16(v)) == 0 || take(c, 32) == NULL)
        return false;
    bool legacy_fields = !version_draft(qvpn_get_u16(v)) || (qvpn_get_u16(v) & 0xff) >= 22;
    if (legacy_fields && ((sid = take(c, 1)) == NULL || take(c, sid[0]) == NULL))
        return false;
    if ((cs = take(c, 2)) == NULL)
        return false;
    h->client = false;
    h->version = qvpn_get_u16(v);
    add_suite(h, qvpn_get_u16(cs));
    if (!legacy_fields || take(c, 1) != NULL)
        extensions(c, h);
    return true;
}

/* Handshake messages in one record's captured body (b, n):
 *
 *   HandshakeType msg_type;  uint24 length;  body
 *
 * 1: a hello read; -1: a hello that does not parse, or a message that goes on in
 * the next record (no reassembly here); 0: no hello in this record. */
static int handshake_walk(const uint8_t *b, size_t n, qvpn_tls_hello *h)
{
    cur r = { b, n, 0 };
    const uint8_t *m;

    while ((m = take(&r, 4)) != NULL) {
        size_t mlen = get_u24(m + 1);
        size_t avail = mlen < r.len - r.off ? mlen : r.len - r.off;
        if (m[0] == HS_CLIENT_HELLO || m[0] == HS_SERVER_HELLO) {
            cur c = { r.p + r.off, avail, 0 };
            bool ok = m[0] == HS_CLIENT_HELLO ? client_hello(&c, h) : server_hello(&c, h);
            return ok ? 1 : -1;
        }
        if (take(&r, mlen) == NULL)
            return -1;
    }
    return 0;
}

/* --- TLS records, RFC 5246 6.2.1 ----------------------------------------------------
 *
 *   ContentType type;  ProtocolVersion version;  uint16 length;  fragment
 *
 * Walked until the first hello or a ChangeCipherSpec (what follows is encrypted).
 */
static bool tls_records(const uint8_t *p, size_t len, qvpn_tls_hello *h)
{
    cur c = { p, len, 0 };
    const uint8_t *rh;

    for (unsigned i = 0; i < TLS_MAX_RECORDS && (rh = take(&c, 5)) != NULL; i++) {
        if (rh[0] < CT_CHANGE_CIPHER_SPEC || rh[0] > 24 || !version_tls(qvpn_get_u16(rh + 1)))
            return false;
        if (rh[0] == CT_CHANGE_CIPHER_SPEC)
            return false;
        size_t rlen = qvpn_get_u16(rh + 3);
        size_t avail = rlen < c.len - c.off ? rlen : c.len - c.off;
        if (rh[0] == CT_HANDSHAKE) {
            int rc = handshake_walk(c.p + c.off, avail, h);
            if (rc != 0)
                return rc > 0;
        }
        if (take(&c, rlen) == NULL)
            return false;
    }
    return false;
}

/* --- SSLv2-format ClientHello, RFC 6101 appendix E.2 / draft-hickman-netscape-ssl-00
 *
 *   [0..1]  record length, top bit set (2-byte header, no padding)
 *   [2]     msg_type 1 (CLIENT-HELLO)
 *   [3..4]  version (0x0002, or the SSLv3/TLS version the client wants)
 *   [5..6]  cipher_spec_length (3 bytes a spec)
 *   [7..8]  session_id_length (0 or 16)
 *   [9..10] challenge_length (16..32)
 *   then the cipher specs, the session id, the challenge.
 *
 * A spec 00 xx yy is the TLS suite 0xxxyy; others are v2-only kinds.
 */
static bool sslv2_hello(const uint8_t *p, size_t len, qvpn_tls_hello *h)
{
    if (len < 11 || (p[0] & 0x80) == 0 || p[2] != HS_CLIENT_HELLO)
        return false;
    size_t rlen = (size_t)(qvpn_get_u16(p) & 0x7fff);
    uint16_t version = qvpn_get_u16(p + 3);
    size_t specs = qvpn_get_u16(p + 5), sid = qvpn_get_u16(p + 7), chal = qvpn_get_u16(p + 9);
    if ((version != SSLV2_VERSION && !version_tls(version)) || specs == 0 || specs % 3 != 0
        || sid > 32 || chal < 16 || chal > 32 || rlen < 9 + specs + sid + chal
        || len - 11 < specs)
        return false;
    h->client = true;
    h->sslv2 = true;
    h->version = version;
    for (size_t i = 11; i < 11 + specs; i += 3)
        add_suite(h, p[i] == 0 ? qvpn_get_u16(p + i + 1) : SSLV2_KIND);
    return true;
}

bool qvpn_tls_hello_read(const uint8_t *p, size_t len, qvpn_tls_hello *out)
{
    memset(out, 0, sizeof(*out));
    if (len == 0)
        return false;
    bool ok = (p[0] & 0x80) ? sslv2_hello(p, len, out) : tls_records(p, len, out);
    if (!ok)
        memset(out, 0, sizeof(*out));
    return ok;
}

const char *qvpn_tls_version_name(uint16_t version)
{
    switch (version) {
    case SSLV2_VERSION: return "SSLv2";
    case 0x0300: return "SSLv3";
    case 0x0301: return "TLS 1.0";
    case 0x0302: return "TLS 1.1";
    case 0x0303: return "TLS 1.2";
    case 0x0304: return "TLS 1.3";
    default: return version_draft(version) ? "TLS 1.3 draft" : NULL;
    }
}

/* --- cipher suites ---------------------------------------------------------------------
 *
 * IANA TLS Cipher Suites registry names (RFC 5246 A.5, 4346 A.5, 2712, 4492, 5288,
 * 5289, 7905, 8446 B.4; the EXPORT1024 ones from draft-ietf-tls-56-bit-ciphersuites,
 * as Wireshark names them): what Windows XP-era clients, small-office routers and
 * today's browsers offer.  Weak bits as qvpn_netwire.h defines them.
 */
#define EXP  QVPN_TLS_WEAK_EXPORT
#define DES  QVPN_TLS_WEAK_DES
#define TDES QVPN_TLS_WEAK_3DES
#define RC4  QVPN_TLS_WEAK_RC4
#define NUL  QVPN_TLS_WEAK_NULL
#define MD5  QVPN_TLS_WEAK_MD5

typedef struct suite_row {
    uint16_t    id;
    uint8_t     weak;
    const char *name;
} suite_row;

static const suite_row suites[] = {
    { 0x0000, NUL,             "TLS_NULL_WITH_NULL_NULL" },
    { 0x0001, NUL | MD5,       "TLS_RSA_WITH_NULL_MD5" },
    { 0x0002, NUL,             "TLS_RSA_WITH_NULL_SHA" },
    { 0x0003, EXP | RC4 | MD5, "TLS_RSA_EXPORT_WITH_RC4_40_MD5" },
    { 0x0004, RC4 | MD5,       "TLS_RSA_WITH_RC4_128_MD5" },
    { 0x0005, RC4,             "TLS_RSA_WITH_RC4_128_SHA" },
    { 0x0006, EXP | MD5,       "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5" },
    { 0x0008, EXP | DES,       "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA" },
    { 0x0009, DES,             "TLS_RSA_WITH_DES_CBC_SHA" },
    { 0x000a, TDES,            "TLS_RSA_WITH_3DES_EDE_CBC_SHA" },
    { 0x0011, EXP | DES,       "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA" },
    { 0x0012, DES,             "TLS_DHE_DSS_WITH_DES_CBC_SHA" },
    { 0x0013, TDES,            "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA" },
    { 0x0014, EXP | DES,       "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA" },
    { 0x0015, DES,             "TLS_DHE_RSA_WITH_DES_CBC_SHA" },
    { 0x0016, TDES,            "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA" },
    { 0x002f, 0,               "TLS_RSA_WITH_AES_128_CBC_SHA" },
    { 0x0032, 0,               "TLS_DHE_DSS_WITH_AES_128_CBC_SHA" },
    { 0x0033, 0,               "TLS_DHE_RSA_WITH_AES_128_CBC_SHA" },
    { 0x0035, 0,               "TLS_RSA_WITH_AES_256_CBC_SHA" },
    { 0x0038, 0,               "TLS_DHE_DSS_WITH_AES_256_CBC_SHA" },
    { 0x0039, 0,               "TLS_DHE_RSA_WITH_AES_256_CBC_SHA" },
    { 0x003b, NUL,             "TLS_RSA_WITH_NULL_SHA256" },
    { 0x003c, 0,               "TLS_RSA_WITH_AES_128_CBC_SHA256" },
    { 0x003d, 0,               "TLS_RSA_WITH_AES_256_CBC_SHA256" },
    { 0x0040, 0,               "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256" },
    { 0x0062, EXP | DES,       "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA" },
    { 0x0063, EXP | DES,       "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA" },
    { 0x0064, EXP | RC4,       "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA" },
    { 0x0065, EXP | RC4,       "TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA" },
    { 0x0066, RC4,             "TLS_DHE_DSS_WITH_RC4_128_SHA" },
    { 0x0067, 0,               "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256" },
    { 0x006a, 0,               "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256" },
    { 0x006b, 0,               "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256" },
    { 0x009c, 0,               "TLS_RSA_WITH_AES_128_GCM_SHA256" },
    { 0x009d, 0,               "TLS_RSA_WITH_AES_256_GCM_SHA384" },
    { 0x009e, 0,               "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256" },
    { 0x009f, 0,               "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" },
    { 0x00ff, 0,               "TLS_EMPTY_RENEGOTIATION_INFO_SCSV" },
    { 0x1301, 0,               "TLS_AES_128_GCM_SHA256" },
    { 0x1302, 0,               "TLS_AES_256_GCM_SHA384" },
    { 0x1303, 0,               "TLS_CHACHA20_POLY1305_SHA256" },
    { 0x1304, 0,               "TLS_AES_128_CCM_SHA256" },
    { 0x1305, 0,               "TLS_AES_128_CCM_8_SHA256" },
    { 0x5600, 0,               "TLS_FALLBACK_SCSV" },
    { 0xc002, RC4,             "TLS_ECDH_ECDSA_WITH_RC4_128_SHA" },
    { 0xc006, NUL,             "TLS_ECDHE_ECDSA_WITH_NULL_SHA" },
    { 0xc007, RC4,             "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA" },
    { 0xc008, TDES,            "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA" },
    { 0xc009, 0,               "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA" },
    { 0xc00a, 0,               "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA" },
    { 0xc010, NUL,             "TLS_ECDHE_RSA_WITH_NULL_SHA" },
    { 0xc011, RC4,             "TLS_ECDHE_RSA_WITH_RC4_128_SHA" },
    { 0xc012, TDES,            "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA" },
    { 0xc013, 0,               "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" },
    { 0xc014, 0,               "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" },
    { 0xc023, 0,               "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256" },
    { 0xc024, 0,               "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384" },
    { 0xc027, 0,               "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256" },
    { 0xc028, 0,               "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384" },
    { 0xc02b, 0,               "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
    { 0xc02c, 0,               "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" },
    { 0xc02f, 0,               "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
    { 0xc030, 0,               "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
    { 0xcca8, 0,               "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
    { 0xcca9, 0,               "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" },
    { 0xccaa, 0,               "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
    /* Not IANA's: every SSLv2 CIPHER-KIND (RC4, RC2, IDEA, DES, 3DES; 40-bit export
     * or not) uses an MD5 MAC. */
    { SSLV2_KIND, MD5,         "SSLv2 cipher kind" },
};

#undef EXP
#undef DES
#undef TDES
#undef RC4
#undef NUL
#undef MD5

static const suite_row *suite_find(uint16_t suite)
{
    for (size_t i = 0; i < G_N_ELEMENTS(suites); i++)
        if (suites[i].id == suite)
            return &suites[i];
    return NULL;
}

const char *qvpn_tls_suite_name(uint16_t suite)
{
    const suite_row *r = suite_find(suite);
    return r ? r->name : NULL;
}

uint32_t qvpn_tls_suite_weak(uint16_t suite)
{
    const suite_row *r = suite_find(suite);
    return r ? r->weak : 0;
}

/* Values that are no cipher: the SCSVs (RFC 5746, RFC 7507) and GREASE (RFC 8701). */
static bool suite_signalling(uint16_t s)
{
    return s == 0x00ff || s == 0x5600 || ((s & 0x0f0f) == 0x0a0a && s >> 8 == (s & 0xff));
}

bool qvpn_tls_hello_legacy_only(const qvpn_tls_hello *h)
{
    unsigned ciphers = 0;

    if (!h->client)
        return false;
    if (version_rank(h->version) < version_rank(0x0303))
        return true;
    if (h->dropped)
        return false;   /* the suites not kept may be strong */
    for (unsigned i = 0; i < h->n_suites; i++) {
        if (suite_signalling(h->suites[i]))
            continue;
        if (qvpn_tls_suite_weak(h->suites[i]) == 0)
            return false;
        ciphers++;
    }
    return ciphers > 0;
}

/* snprintf at *pos, keeping *pos at the end of what buf holds. */
G_GNUC_PRINTF(4, 5)
static void append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
    va_list ap;

    if (*pos + 1 >= len)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
    va_end(ap);
    if (n > 0)
        *pos += (size_t)n < len - *pos ? (size_t)n : len - *pos - 1;
}

#define TEXT_SUITES 4   /* named in the line before "(+N)" */

size_t qvpn_tls_hello_text(const qvpn_tls_hello *h, char *buf, size_t len)
{
    size_t pos = 0;
    const char *v = qvpn_tls_version_name(h->version);
    unsigned shown = h->n_suites < TEXT_SUITES ? h->n_suites : TEXT_SUITES;

    if (len == 0)
        return 0;
    buf[0] = '\0';
    if (v)
        append(buf, len, &pos, "%s", v);
    else
        append(buf, len, &pos, "0x%04x", h->version);
    if (h->sslv2)
        append(buf, len, &pos, " (SSLv2 hello)");
    for (unsigned i = 0; i < shown; i++) {
        const char *name = qvpn_tls_suite_name(h->suites[i]);
        append(buf, len, &pos, "%s", i == 0 ? ": " : ", ");
        if (name)
            append(buf, len, &pos, "%s", name);
        else
            append(buf, len, &pos, "0x%04x", h->suites[i]);
    }
    unsigned more = (unsigned)(h->n_suites - shown) + h->dropped;
    if (more)
        append(buf, len, &pos, " (+%u)", more);
    return pos;
}
