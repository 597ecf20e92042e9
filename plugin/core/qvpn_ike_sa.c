/* qvpn_ike_sa.c — the SA payload's proposals, a Notification's data and the NAT-D
 * hashes (qvpn_ike_sa.h).  Readers are bounded by the payload body they are given;
 * a length field only ever shortens what is read, never lengthens it.
 *
 * Names follow Wireshark's value strings (epan/dissectors/packet-isakmp.c:
 * ike_attr_enc_algo, ike_attr_hash_algo, ike_attr_authmeth, ipsec_attr_auth_algo,
 * transform_ike2_*_type, dh_group), abbreviated as strongSwan writes them.
 *
 * Pure C11 + GLib.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "qvpn_bytes.h"
#include "qvpn_ike_sa.h"
#include "qvpn_text.h"

#define IKE_V2_PL_NOTIFY   41
#define NOTIFY_INVALID_KE  17      /* IKEv2 only: v1's 17 is INVALID-KEY-INFORMATION */
#define NOTIFY_REDIRECT    16407   /* RFC 5685 */

/* --- names ---------------------------------------------------------------------- */

typedef struct { uint16_t id; const char *name; } id_name;

static const char *find_name(const id_name *t, size_t n, uint16_t id)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].id == id)
            return t[i].name;
    return NULL;
}
#define NAME(t, id) find_name(t, G_N_ELEMENTS(t), id)

/* IKEv1 Encryption Algorithm (attr 1): Wireshark ike_attr_enc_algo. */
static const id_name v1_encr[] = {
    { 1, "DES" }, { 2, "IDEA" }, { 3, "BLOWFISH" }, { 4, "RC5" }, { 5, "3DES" },
    { 6, "CAST" }, { 7, "AES-CBC" }, { 8, "CAMELLIA-CBC" },
};
/* IKEv1 Hash Algorithm (attr 2): ike_attr_hash_algo. */
static const id_name v1_hash[] = {
    { 1, "MD5" }, { 2, "SHA1" }, { 3, "TIGER" }, { 4, "SHA2-256" }, { 5, "SHA2-384" },
    { 6, "SHA2-512" },
};
/* IKEv1 Authentication Method (attr 3): ike_attr_authmeth, with the hybrid
 * (draft-ietf-ipsec-isakmp-hybrid-auth-05) and XAUTH (draft-beaulieu-ike-xauth-02)
 * private values. */
static const id_name v1_auth[] = {
    { 1, "PSK" }, { 2, "DSS-SIG" }, { 3, "RSA-SIG" }, { 4, "RSA-ENC" }, { 5, "RSA-REV-ENC" },
    { 9, "ECDSA-P256" }, { 10, "ECDSA-P384" }, { 11, "ECDSA-P521" },
    { 64221, "HYBRID-RSA" }, { 64222, "HYBRID-RSA-R" }, { 64223, "HYBRID-DSS" },
    { 64224, "HYBRID-DSS-R" },
    { 65001, "XAUTH-PSK" }, { 65002, "XAUTH-PSK-R" }, { 65003, "XAUTH-DSS" },
    { 65004, "XAUTH-DSS-R" }, { 65005, "XAUTH-RSA" }, { 65006, "XAUTH-RSA-R" },
    { 65007, "XAUTH-RSA-ENC" }, { 65008, "XAUTH-RSA-ENC-R" }, { 65009, "XAUTH-RSA-REV-ENC" },
    { 65010, "XAUTH-RSA-REV-ENC-R" },
};
/* IPsec DOI Authentication Algorithm (phase-2 attr 5): ipsec_attr_auth_algo. */
static const id_name v1_p2_auth[] = {
    { 1, "HMAC-MD5" }, { 2, "HMAC-SHA1" }, { 3, "DES-MAC" }, { 4, "KPDK" },
    { 5, "HMAC-SHA2-256" }, { 6, "HMAC-SHA2-384" }, { 7, "HMAC-SHA2-512" },
    { 8, "HMAC-RIPEMD" }, { 9, "AES-XCBC-MAC" }, { 10, "SIG-RSA" }, { 11, "AES-128-GMAC" },
    { 12, "AES-192-GMAC" }, { 13, "AES-256-GMAC" },
};
/* IKEv2 Transform Type 1 (and the IPsec DOI's ESP transform IDs, the same numbers
 * for what both define): transform_ike2_encr_type, vs_v1_trans_esp. */
static const id_name v2_encr[] = {
    { 1, "DES-IV64" }, { 2, "DES" }, { 3, "3DES" }, { 4, "RC5" }, { 5, "IDEA" },
    { 6, "CAST" }, { 7, "BLOWFISH" }, { 8, "3IDEA" }, { 9, "DES-IV32" }, { 11, "NULL" },
    { 12, "AES-CBC" }, { 13, "AES-CTR" }, { 14, "AES-CCM-8" }, { 15, "AES-CCM-12" },
    { 16, "AES-CCM-16" }, { 18, "AES-GCM-8" }, { 19, "AES-GCM-12" }, { 20, "AES-GCM-16" },
    { 21, "NULL-AES-GMAC" }, { 23, "CAMELLIA-CBC" }, { 24, "CAMELLIA-CTR" },
    { 25, "CAMELLIA-CCM-8" }, { 26, "CAMELLIA-CCM-12" }, { 27, "CAMELLIA-CCM-16" },
    { 28, "CHACHA20-POLY1305" },
};
/* IKEv2 Transform Type 2: transform_ike2_prf_type. */
static const id_name v2_prf[] = {
    { 1, "PRF-HMAC-MD5" }, { 2, "PRF-HMAC-SHA1" }, { 3, "PRF-HMAC-TIGER" },
    { 4, "PRF-AES128-XCBC" }, { 5, "PRF-HMAC-SHA2-256" }, { 6, "PRF-HMAC-SHA2-384" },
    { 7, "PRF-HMAC-SHA2-512" }, { 8, "PRF-AES128-CMAC" },
};
/* IKEv2 Transform Type 3: transform_ike2_integ_type. */
static const id_name v2_integ[] = {
    { 1, "HMAC-MD5-96" }, { 2, "HMAC-SHA1-96" }, { 3, "DES-MAC" }, { 4, "KPDK-MD5" },
    { 5, "AES-XCBC-96" }, { 6, "HMAC-MD5-128" }, { 7, "HMAC-SHA1-160" },
    { 8, "AES-CMAC-96" }, { 9, "AES-128-GMAC" }, { 10, "AES-192-GMAC" },
    { 11, "AES-256-GMAC" }, { 12, "HMAC-SHA2-256-128" }, { 13, "HMAC-SHA2-384-192" },
    { 14, "HMAC-SHA2-512-256" },
};
/* D-H groups, the registry IKEv1 (Group Description) and IKEv2 (type 4) share:
 * Wireshark dh_group, RFC 8031 (31), RFC 8031 (32). */
static const id_name dh_groups[] = {
    { 1, "MODP768" }, { 2, "MODP1024" }, { 3, "EC2N155" }, { 4, "EC2N185" },
    { 5, "MODP1536" }, { 6, "EC2N163" }, { 7, "EC2N163" }, { 8, "EC2N283" },
    { 9, "EC2N283" }, { 10, "EC2N409" }, { 11, "EC2N409" }, { 12, "EC2N571" },
    { 13, "EC2N571" }, { 14, "MODP2048" }, { 15, "MODP3072" }, { 16, "MODP4096" },
    { 17, "MODP6144" }, { 18, "MODP8192" }, { 19, "ECP256" }, { 20, "ECP384" },
    { 21, "ECP521" }, { 22, "MODP1024S160" }, { 23, "MODP2048S224" },
    { 24, "MODP2048S256" }, { 25, "ECP192" }, { 26, "ECP224" }, { 27, "ECP224BP" },
    { 28, "ECP256BP" }, { 29, "ECP384BP" }, { 30, "ECP512BP" }, { 31, "Curve25519" },
    { 32, "Curve448" },
};

const char *qvpn_dh_group_name(uint16_t group)
{
    return NAME(dh_groups, group);
}

/* --- SA payload: IKEv1 ------------------------------------------------------------
 *
 * RFC 2408 3.4 (SA, after the generic header), 3.5 (Proposal), 3.6 (Transform):
 *
 *   +---------------------------------------------------------------+
 *   |              Domain of Interpretation  (DOI)                  |
 *   |                 Situation (IPsec DOI: 32 bits)                |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   | Next Payload  |   RESERVED    |         Payload Length        |  Proposal
 *   |  Proposal #   |  Protocol-Id  |    SPI Size   |# of Transforms|
 *   ~                        SPI (variable)                         ~
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   | Next Payload  |   RESERVED    |         Payload Length        |  Transform
 *   |  Transform #  |  Transform-Id |           RESERVED2           |
 *   ~                        SA Attributes                          ~
 *
 * IKEv2 (RFC 7296 3.3) is the same nesting without DOI and situation, the
 * Transform's second word being Type, RESERVED, Transform ID (16 bits).
 *
 * Data attributes (RFC 2408 3.3; RFC 7296 3.3.5): AF|type (16), then the value
 * (AF=1, TV) or a length and that many bytes (AF=0, TLV).  Each takes at least
 * four bytes, so a walk over n bytes reads at most n/4 of them.
 */

/* One attribute: type, and its value when it fits in 32 bits (longer values are
 * clamped to UINT32_MAX unless their leading bytes are zero). */
typedef struct { uint16_t type; uint32_t value; } sa_attr;

/* Next attribute from [*off, end) of p; false at the end or on a TLV that runs past
 * it (*bad set). */
static bool attr_next(const uint8_t *p, size_t *off, size_t end, sa_attr *a, bool *bad)
{
    if (*off >= end)
        return false;
    if (end - *off < 4) {
        *bad = true;
        return false;
    }
    const uint8_t *q = p + *off;
    uint16_t t = qvpn_get_u16(q);
    a->type = t & 0x7fff;
    if (t & 0x8000) {
        a->value = qvpn_get_u16(q + 2);
        *off += 4;
        return true;
    }
    size_t vlen = qvpn_get_u16(q + 2);
    if (vlen > end - *off - 4) {
        *bad = true;
        return false;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < vlen; i++) {
        v = (v << 8) | q[4 + i];
        if (v > UINT32_MAX) {
            v = UINT32_MAX;
            break;
        }
    }
    a->value = (uint32_t)v;
    *off += 4 + vlen;
    return true;
}

static void set_life(qvpn_ike_suite *s, uint32_t life_type, uint32_t duration)
{
    if (life_type == 1)
        s->life_s = duration;
    else if (life_type == 2)
        s->life_kb = duration;
}

static uint16_t clamp16(uint32_t v)
{
    return v > UINT16_MAX ? UINT16_MAX : (uint16_t)v;
}

/* Phase 1, protocol ISAKMP: RFC 2409 appendix A's attribute classes. */
static void v1_ike_attr(const sa_attr *a, qvpn_ike_suite *s, uint32_t *life_type)
{
    switch (a->type) {
    case 1:  s->encr[0] = clamp16(a->value); s->n_encr = 1; break;
    case 2:  s->prf[0] = clamp16(a->value); s->n_prf = 1; break;
    case 3:  s->auth = clamp16(a->value); break;
    case 4:  s->dh[0] = clamp16(a->value); s->n_dh = 1; break;
    case 11: *life_type = a->value; break;
    case 12: set_life(s, *life_type, a->value); break;
    case 14: s->encr_bits[0] = clamp16(a->value); break;
    default: break;
    }
}

/* Phase 2, IPsec DOI: RFC 2407 4.5's SA attributes (the cipher is the transform ID). */
static void v1_ipsec_attr(const sa_attr *a, qvpn_ike_suite *s, uint32_t *life_type)
{
    switch (a->type) {
    case 1:  *life_type = a->value; break;
    case 2:  set_life(s, *life_type, a->value); break;
    case 3:  s->dh[0] = clamp16(a->value); s->n_dh = 1; break;
    case 5:  s->integ[0] = clamp16(a->value); s->n_integ = 1; break;
    case 6:  s->encr_bits[0] = clamp16(a->value); break;
    default: break;
    }
}

/* The attributes of an IKEv1 transform.  A Life Duration applies to the Life Type
 * before it (RFC 2409 appendix A: they come in pairs). */
static void v1_attrs(const uint8_t *p, size_t off, size_t end, qvpn_ike_suite *s, bool *bad)
{
    sa_attr a;
    uint32_t life_type = 0;

    while (attr_next(p, &off, end, &a, bad)) {
        if (s->protocol == 1)
            v1_ike_attr(&a, s, &life_type);
        else
            v1_ipsec_attr(&a, s, &life_type);
    }
}

static qvpn_ike_suite *suite_add(qvpn_ike_suites *out)
{
    if (out->n == QVPN_IKE_MAX_SUITES) {
        if (out->dropped < UINT8_MAX)
            out->dropped++;
        return NULL;
    }
    qvpn_ike_suite *s = &out->s[out->n++];
    memset(s, 0, sizeof(*s));
    return s;
}

/* A substructure's span at *off within end: its declared length when it fits,
 * else what is left (and *bad).  Returns the span's end; 0 when not even `min`
 * bytes are there. */
static size_t sub_span(const uint8_t *p, size_t off, size_t end, size_t min, bool *bad)
{
    if (end - off < min) {
        *bad = true;
        return 0;
    }
    size_t len = qvpn_get_u16(p + off + 2);
    if (len < min || len > end - off) {
        *bad = true;
        return len < min ? 0 : end;
    }
    return off + len;
}

/* One IKEv1 proposal [off, end): each transform is a suite of its own. */
static void v1_proposal(const uint8_t *p, size_t off, size_t end, qvpn_ike_suites *out)
{
    uint8_t number = p[off + 4], protocol = p[off + 5], spi_len = p[off + 6];
    size_t t = off + 8 + spi_len;

    if (t > end) {
        out->malformed = true;
        return;
    }
    while (t < end) {
        size_t t_end = sub_span(p, t, end, 8, &out->malformed);
        if (t_end == 0)
            return;
        qvpn_ike_suite *s = suite_add(out);
        if (s) {
            s->major = 1;
            s->proposal = number;
            s->protocol = protocol;
            /* Phase 2: the transform ID names the ESP cipher (RFC 2407 4.4.4). */
            if (protocol == 3 && p[t + 5] != 0) {
                s->encr[0] = p[t + 5];
                s->n_encr = 1;
            }
            v1_attrs(p, t + 8, t_end, s, &out->malformed);
        }
        if (p[t] == 0)          /* the last transform, whatever the count says */
            return;
        t = t_end;
    }
}

/* Add an alternative to one IKEv2 list, counting what does not fit. */
static void alt_add(uint16_t *list, uint8_t *n, uint16_t id, qvpn_ike_suite *s)
{
    for (uint8_t i = 0; i < *n; i++)
        if (list[i] == id)
            return;
    if (*n < QVPN_SUITE_MAX_ALT)
        list[(*n)++] = id;
    else if (s->more < UINT8_MAX)
        s->more++;
}

static void v2_transform(const uint8_t *p, size_t t, size_t t_end, qvpn_ike_suite *s,
                         bool *bad)
{
    uint8_t type = p[t + 4];
    uint16_t id = qvpn_get_u16(p + t + 6);
    sa_attr a;
    uint16_t bits = 0;
    size_t off = t + 8;

    while (attr_next(p, &off, t_end, &a, bad))
        if (a.type == 14)       /* Key Length, the only IKEv2 attribute (RFC 7296 3.3.5) */
            bits = clamp16(a.value);
    switch (type) {
    case 1:
        /* The same cipher at several key lengths is several alternatives. */
        for (uint8_t i = 0; i < s->n_encr; i++)
            if (s->encr[i] == id && s->encr_bits[i] == bits)
                return;
        if (s->n_encr < QVPN_SUITE_MAX_ALT) {
            s->encr_bits[s->n_encr] = bits;
            s->encr[s->n_encr++] = id;
        } else if (s->more < UINT8_MAX) {
            s->more++;
        }
        break;
    case 2: alt_add(s->prf, &s->n_prf, id, s); break;
    case 3: if (id != 0) alt_add(s->integ, &s->n_integ, id, s); break;  /* 0: NONE */
    case 4: if (id != 0) alt_add(s->dh, &s->n_dh, id, s); break;
    default: break;             /* ESN and private types say nothing of strength */
    }
}

/* One IKEv2 proposal [off, end): a suite listing every transform it offers. */
static void v2_proposal(const uint8_t *p, size_t off, size_t end, qvpn_ike_suites *out)
{
    uint8_t number = p[off + 4], protocol = p[off + 5], spi_len = p[off + 6];
    size_t t = off + 8 + spi_len;

    if (t > end) {
        out->malformed = true;
        return;
    }
    qvpn_ike_suite *s = suite_add(out);
    if (!s)
        return;
    s->major = 2;
    s->proposal = number;
    s->protocol = protocol;
    while (t < end) {
        size_t t_end = sub_span(p, t, end, 8, &out->malformed);
        if (t_end == 0)
            return;
        v2_transform(p, t, t_end, s, &out->malformed);
        if (p[t] == 0)
            return;
        t = t_end;
    }
}

bool qvpn_ike_sa_read(uint8_t major, const qvpn_ike_payload *pl, qvpn_ike_suites *out)
{
    size_t off, end = pl->body_len;
    const uint8_t *p = pl->body;

    memset(out, 0, sizeof(*out));
    if (major == 1 && pl->type == QVPN_IKE_PL_SA)
        off = 8;                /* DOI, and the IPsec DOI's 32-bit situation */
    else if (major == 2 && pl->type == QVPN_IKE_PL_V2_SA)
        off = 0;
    else
        return false;
    if (end < off) {
        out->malformed = true;
        return false;
    }
    /* Proposals: at most end/8 of them, each at least 8 bytes long. */
    while (off < end) {
        size_t p_end = sub_span(p, off, end, 8, &out->malformed);
        if (p_end == 0)
            break;
        if (major == 1)
            v1_proposal(p, off, p_end, out);
        else
            v2_proposal(p, off, p_end, out);
        if (p[off] == 0)        /* last proposal */
            break;
        off = p_end;
    }
    return out->n > 0 || out->dropped > 0;
}

/* --- suite text ------------------------------------------------------------------ */

static void put_name(qvpn_text *t, const char *name, const char *kind, uint16_t id)
{
    if (name)
        qvpn_text_put(t, "%s", name);
    else
        qvpn_text_put(t, "%s#%u", kind, id);
}

static bool v2_aead(uint16_t encr)
{
    return (encr >= 14 && encr <= 16) || (encr >= 18 && encr <= 21) ||
           (encr >= 25 && encr <= 28);
}

static void put_encr(qvpn_text *t, const id_name *names, size_t n, uint16_t id, uint16_t bits)
{
    put_name(t, find_name(names, n, id), "ENCR", id);
    if (bits)
        qvpn_text_put(t, "-%u", bits);
}

/* "A,B,C" of one list. */
static void put_list(qvpn_text *t, const uint16_t *ids, uint8_t n, const id_name *names,
                     size_t n_names, const char *kind)
{
    for (uint8_t i = 0; i < n; i++) {
        if (i)
            qvpn_text_put(t, ",");
        put_name(t, find_name(names, n_names, ids[i]), kind, ids[i]);
    }
}

static void v1_text(const qvpn_ike_suite *s, qvpn_text *t)
{
    bool any = false;
#define SEP() do { if (any) qvpn_text_put(t, "/"); any = true; } while (0)
    if (s->protocol != 1)
        qvpn_text_put(t, "%s-", s->protocol == 3 ? "ESP" : s->protocol == 2 ? "AH" : "PROTO");
    if (s->n_encr) {
        SEP();
        if (s->protocol == 1)
            put_encr(t, v1_encr, G_N_ELEMENTS(v1_encr), s->encr[0], s->encr_bits[0]);
        else
            put_encr(t, v2_encr, G_N_ELEMENTS(v2_encr), s->encr[0], s->encr_bits[0]);
    }
    if (s->n_prf) {
        SEP();
        put_name(t, NAME(v1_hash, s->prf[0]), "HASH", s->prf[0]);
    }
    if (s->n_integ) {
        SEP();
        put_name(t, NAME(v1_p2_auth, s->integ[0]), "AUTH", s->integ[0]);
    }
    if (s->auth) {
        SEP();
        put_name(t, NAME(v1_auth, s->auth), "AUTH", s->auth);
    }
    if (s->n_dh) {
        SEP();
        put_name(t, qvpn_dh_group_name(s->dh[0]), "DH", s->dh[0]);
    }
    if (s->life_s) {
        SEP();
        qvpn_text_put(t, "%" PRIu32 "s", s->life_s);
    }
    if (s->life_kb) {
        SEP();
        qvpn_text_put(t, "%" PRIu32 "KB", s->life_kb);
    }
#undef SEP
}

static void v2_text(const qvpn_ike_suite *s, qvpn_text *t)
{
    bool any = false, aead = s->n_encr > 0;
#define SEP() do { if (any) qvpn_text_put(t, "/"); any = true; } while (0)
    if (s->protocol == 3)
        qvpn_text_put(t, "ESP:");
    else if (s->protocol == 2)
        qvpn_text_put(t, "AH:");
    if (s->n_encr) {
        SEP();
        for (uint8_t i = 0; i < s->n_encr; i++) {
            if (i)
                qvpn_text_put(t, ",");
            put_encr(t, v2_encr, G_N_ELEMENTS(v2_encr), s->encr[i], s->encr_bits[i]);
            aead = aead && v2_aead(s->encr[i]);
        }
    }
    if (s->n_prf) {
        SEP();
        put_list(t, s->prf, s->n_prf, v2_prf, G_N_ELEMENTS(v2_prf), "PRF");
    }
    if (s->n_integ && !aead) {
        SEP();
        put_list(t, s->integ, s->n_integ, v2_integ, G_N_ELEMENTS(v2_integ), "INTEG");
    }
    if (s->n_dh) {
        SEP();
        put_list(t, s->dh, s->n_dh, dh_groups, G_N_ELEMENTS(dh_groups), "DH");
    }
    if (s->more)
        qvpn_text_put(t, "+%u", s->more);
#undef SEP
}

size_t qvpn_ike_suite_text(const qvpn_ike_suite *s, char *buf, size_t len)
{
    qvpn_text t = { buf, len, 0 };

    if (len)
        buf[0] = '\0';
    if (s->major == 1)
        v1_text(s, &t);
    else
        v2_text(s, &t);
    return qvpn_text_len(&t);
}

size_t qvpn_ike_suites_text(const qvpn_ike_suites *ss, char *buf, size_t len)
{
    qvpn_text t = { buf, len, 0 };
    char one[512];     /* six alternatives of each of four kinds fit */

    if (len)
        buf[0] = '\0';
    for (uint8_t i = 0; i < ss->n && i < QVPN_IKE_MAX_SUITES; i++) {
        qvpn_ike_suite_text(&ss->s[i], one, sizeof(one));
        qvpn_text_put(&t, "%s%s", i ? "; " : "", one);
    }
    if (ss->dropped)
        qvpn_text_put(&t, "%s+%u more", ss->n ? "; " : "", ss->dropped);
    return qvpn_text_len(&t);
}

/* --- legacy crypto ----------------------------------------------------------------
 *
 * RFC 8247 2.1/3.1 (IKEv2 MUST NOT: DES, IDEA, BLOWFISH, 3IDEA, DES_IV32/64, MD5
 * PRF/integrity, group 1; SHOULD NOT / deprecated: 3DES, SHA1, groups 2, 5, 22).
 * IKEv1's numbers differ (its own registry), and so do the phase-2 ones.
 */

static uint32_t weak_cipher(uint8_t major, uint8_t protocol, uint16_t id)
{
    if (major == 1 && protocol == 1) {     /* ike_attr_enc_algo */
        switch (id) {
        case 1: case 2: case 3: case 4: case 6: return QVPN_WEAK_DES;
        case 5: return QVPN_WEAK_3DES;
        default: return 0;
        }
    }
    switch (id) {                          /* IKEv2 type 1, IPsec ESP transform IDs */
    case 1: case 2: case 4: case 5: case 6: case 7: case 8: case 9: return QVPN_WEAK_DES;
    case 3: return QVPN_WEAK_3DES;
    default: return 0;
    }
}

/* IKEv1 Hash Algorithm, IKEv2 PRF: 1 is MD5, 2 SHA1 in both. */
static uint32_t weak_prf(uint16_t id)
{
    return id == 1 ? QVPN_WEAK_MD5 : id == 2 ? QVPN_WEAK_SHA1 : 0;
}

static uint32_t weak_integ(uint8_t major, uint16_t id)
{
    if (major == 1)                        /* ipsec_attr_auth_algo */
        return id == 1 || id == 4 ? QVPN_WEAK_MD5 : id == 2 ? QVPN_WEAK_SHA1 : 0;
    switch (id) {
    case 1: case 4: case 6: return QVPN_WEAK_MD5;
    case 2: case 7: return QVPN_WEAK_SHA1;
    default: return 0;
    }
}

static uint32_t weak_dh(uint16_t id)
{
    switch (id) {
    case 1: return QVPN_WEAK_DH_768;
    case 2: case 22: return QVPN_WEAK_DH_1024;
    case 5: return QVPN_WEAK_DH_1536;
    default: return 0;
    }
}

uint32_t qvpn_ike_suite_weak(const qvpn_ike_suite *s)
{
    uint32_t w = 0;

    for (uint8_t i = 0; i < s->n_encr && i < QVPN_SUITE_MAX_ALT; i++)
        w |= weak_cipher(s->major, s->protocol, s->encr[i]);
    for (uint8_t i = 0; i < s->n_prf && i < QVPN_SUITE_MAX_ALT; i++)
        w |= weak_prf(s->prf[i]);
    for (uint8_t i = 0; i < s->n_integ && i < QVPN_SUITE_MAX_ALT; i++)
        w |= weak_integ(s->major, s->integ[i]);
    for (uint8_t i = 0; i < s->n_dh && i < QVPN_SUITE_MAX_ALT; i++)
        w |= weak_dh(s->dh[i]);
    return w;
}

/* Each list: not empty, and every alternative refused everywhere. */
static bool all_refused_encr(const qvpn_ike_suite *s)
{
    bool all = s->n_encr > 0;
    for (uint8_t i = 0; all && i < s->n_encr && i < QVPN_SUITE_MAX_ALT; i++)
        all = weak_cipher(s->major, s->protocol, s->encr[i]) & QVPN_WEAK_REFUSED_EVERYWHERE;
    return all;
}

static bool all_refused_prf(const qvpn_ike_suite *s)
{
    bool all = s->n_prf > 0;
    for (uint8_t i = 0; all && i < s->n_prf && i < QVPN_SUITE_MAX_ALT; i++)
        all = weak_prf(s->prf[i]) & QVPN_WEAK_REFUSED_EVERYWHERE;
    return all;
}

static bool all_refused_integ(const qvpn_ike_suite *s)
{
    bool all = s->n_integ > 0;
    for (uint8_t i = 0; all && i < s->n_integ && i < QVPN_SUITE_MAX_ALT; i++)
        all = weak_integ(s->major, s->integ[i]) & QVPN_WEAK_REFUSED_EVERYWHERE;
    return all;
}

static bool all_refused_dh(const qvpn_ike_suite *s)
{
    bool all = s->n_dh > 0;
    for (uint8_t i = 0; all && i < s->n_dh && i < QVPN_SUITE_MAX_ALT; i++)
        all = weak_dh(s->dh[i]) & QVPN_WEAK_REFUSED_EVERYWHERE;
    return all;
}

bool qvpn_ike_suite_all_refusable(const qvpn_ike_suite *s)
{
    return all_refused_encr(s) || all_refused_prf(s) || all_refused_integ(s) ||
           all_refused_dh(s);
}

size_t qvpn_ike_weak_text(uint32_t weak, char *buf, size_t len)
{
    static const struct { uint32_t bit; const char *name; } names[] = {
        { QVPN_WEAK_DES, "DES" }, { QVPN_WEAK_3DES, "3DES" }, { QVPN_WEAK_MD5, "MD5" },
        { QVPN_WEAK_SHA1, "SHA1" }, { QVPN_WEAK_DH_768, "MODP-768" },
        { QVPN_WEAK_DH_1024, "MODP-1024" }, { QVPN_WEAK_DH_1536, "MODP-1536" },
    };
    qvpn_text t = { buf, len, 0 };
    bool any = false;

    if (len)
        buf[0] = '\0';
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        if (weak & names[i].bit) {
            qvpn_text_put(&t, "%s%s", any ? ", " : "", names[i].name);
            any = true;
        }
    }
    return qvpn_text_len(&t);
}

/* --- Notification data ------------------------------------------------------------ */

bool qvpn_ike_notify_full(uint8_t major, const qvpn_ike_payload *pl, qvpn_ike_notify *out)
{
    size_t at;

    if (major == 1 && pl->type == QVPN_IKE_PL_NOTIFY)
        at = 4;                 /* after the DOI */
    else if (major == 2 && pl->type == IKE_V2_PL_NOTIFY)
        at = 0;
    else
        return false;
    if (pl->body_len < at + 4)
        return false;
    const uint8_t *b = pl->body + at;
    size_t spi_len = b[1];
    if (pl->body_len - at - 4 < spi_len)
        return false;
    out->major = major;
    out->protocol = b[0];
    out->spi_len = b[1];
    out->type = qvpn_get_u16(b + 2);
    out->spi = b + 4;
    out->data = b + 4 + spi_len;
    out->data_len = pl->body_len - at - 4 - spi_len;
    return true;
}

bool qvpn_ike_invalid_ke_group(const qvpn_ike_notify *n, uint16_t *group)
{
    if (n->major != 2 || n->type != NOTIFY_INVALID_KE || n->data_len < 2)
        return false;
    *group = qvpn_get_u16(n->data);
    return true;
}

/* RFC 5685 8.1, the REDIRECT notification's data:
 *
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   | GW Ident Type |  GW Ident Len |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   ~                   New Responder GW Identity                   ~
 *   ~                        Nonce Data (in IKE_SA_INIT only)       ~
 */
bool qvpn_ike_redirect_gateway(const qvpn_ike_notify *n, qvpn_addr *gw,
                               const uint8_t **fqdn, size_t *fqdn_len)
{
    if (n->major != 2 || n->type != NOTIFY_REDIRECT || n->data_len < 2)
        return false;
    uint8_t type = n->data[0], len = n->data[1];
    if ((size_t)len > n->data_len - 2)
        return false;
    const uint8_t *ident = n->data + 2;
    if (type == 3) {
        *fqdn = ident;
        *fqdn_len = len;
        return false;
    }
    if (!((type == 1 && len == 4) || (type == 2 && len == 16)))
        return false;
    memset(gw, 0, sizeof(*gw));
    gw->len = len;
    memcpy(gw->bytes, ident, len);
    return true;
}

/* --- NAT detection ------------------------------------------------------------------ */

static bool natd_type(uint8_t major, uint16_t v1_hash, GChecksumType *type)
{
    if (major == 2) {
        *type = G_CHECKSUM_SHA1;
        return true;
    }
    switch (v1_hash) {
    case 1: *type = G_CHECKSUM_MD5; return true;
    case 2: *type = G_CHECKSUM_SHA1; return true;
    case 4: *type = G_CHECKSUM_SHA256; return true;
    case 5: *type = G_CHECKSUM_SHA384; return true;
    case 6: *type = G_CHECKSUM_SHA512; return true;
    default: return false;      /* Tiger and private hashes: not in GLib */
    }
}

size_t qvpn_natd_hash(uint8_t major, uint16_t v1_hash, const uint8_t ispi[8],
                      const uint8_t rspi[8], const qvpn_addr *addr, uint16_t port,
                      uint8_t *out)
{
    GChecksumType type;
    uint8_t port_be[2] = { (uint8_t)(port >> 8), (uint8_t)port };

    if ((major != 1 && major != 2) || !natd_type(major, v1_hash, &type) ||
        (addr->len != 4 && addr->len != 16))
        return 0;
    GChecksum *c = g_checksum_new(type);
    if (!c)
        return 0;
    g_checksum_update(c, ispi, 8);
    g_checksum_update(c, rspi, 8);
    g_checksum_update(c, addr->bytes, addr->len);
    g_checksum_update(c, port_be, 2);
    gsize n = QVPN_NATD_MAX_HASH;
    g_checksum_get_digest(c, out, &n);
    g_checksum_free(c);
    return n;
}
