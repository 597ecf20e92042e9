/* qvpn_ike_sa.h — what an ISAKMP message says in the clear beyond its header:
 * the SA payload's proposals (RFC 2409 appendix A / RFC 2408 3.4-3.6 for IKEv1,
 * RFC 7296 3.3 for IKEv2), a Notification's data (INVALID_KE_PAYLOAD's group,
 * REDIRECT's gateway), and the NAT-D hashes (RFC 3947 3.2, RFC 7296 2.23).
 *
 * Readers over one payload's body (qvpn_ike_payload from qvpn_wire.h): bounded by
 * the body, never by a length field; they never allocate.  Names and the text of a
 * suite are for the glue's fields and the findings' texts.
 *
 * Pure C11 + GLib.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_IKE_SA_H
#define QVPN_IKE_SA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qvpn_obs.h"
#include "qvpn_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Alternatives one IKEv2 proposal may list per transform type; more are counted
 * in .more but not kept. */
#define QVPN_SUITE_MAX_ALT 6

/* One suite: an IKEv1 transform (one value per member, n_* = 0 or 1), or an IKEv2
 * proposal (each member lists the alternatives offered, or the one chosen).
 * Numbers are the IANA values of the protocol's own registry (IKEv1: RFC 2409
 * appendix A attribute values; IKEv2: "Transform Type n" registries), 0 = absent. */
typedef struct qvpn_ike_suite {
    uint8_t  major;                          /* 1 or 2: which registry the numbers are */
    uint8_t  proposal;                       /* proposal number */
    uint8_t  protocol;                       /* 1 ISAKMP/IKE, 2 AH, 3 ESP (IPSEC_ESP in v1) */
    uint8_t  n_encr, n_prf, n_integ, n_dh;
    uint16_t encr[QVPN_SUITE_MAX_ALT];       /* v1: Encryption Algorithm (attr 1); v2: type 1 */
    uint16_t encr_bits[QVPN_SUITE_MAX_ALT];  /* Key Length (v1 attr 14, v2 attr 14); 0 none */
    uint16_t prf[QVPN_SUITE_MAX_ALT];        /* v1: Hash Algorithm (attr 2); v2: PRF (type 2) */
    uint16_t integ[QVPN_SUITE_MAX_ALT];      /* v2: INTEG (type 3); v1 phase 2: auth alg */
    uint16_t dh[QVPN_SUITE_MAX_ALT];         /* v1: Group Description (attr 4); v2: D-H (type 4) */
    uint16_t auth;                           /* v1: Authentication Method (attr 3); v2: 0 */
    uint32_t life_s;                         /* v1: Life Duration when Life Type is seconds */
    uint32_t life_kb;                        /* v1: Life Duration when Life Type is kilobytes */
    uint8_t  more;                           /* alternatives dropped (over QVPN_SUITE_MAX_ALT) */
} qvpn_ike_suite;

/* Suites a message offers (several) or a responder chose (one). */
#define QVPN_IKE_MAX_SUITES 12
typedef struct qvpn_ike_suites {
    qvpn_ike_suite s[QVPN_IKE_MAX_SUITES];
    uint8_t        n;
    uint8_t        dropped;      /* suites over QVPN_IKE_MAX_SUITES, not kept */
    bool           malformed;    /* a length that does not fit: what was read is kept */
} qvpn_ike_suites;

/* The proposals of an SA payload: IKEv1 type 1 (DOI IPsec, situation, then Proposal
 * and Transform substructures with their attributes, basic and variable), IKEv2
 * type 33 (Proposal substructures with Transforms).  major says which.  False when
 * pl is no SA payload of that version or holds no proposal at all. */
bool qvpn_ike_sa_read(uint8_t major, const qvpn_ike_payload *pl, qvpn_ike_suites *out);

/* A suite as one line of text, for fields and findings, e.g.
 *   v1: "AES-CBC-256/SHA1/PSK/MODP1024/86400s"
 *   v2: "AES-CBC-256,AES-CBC-128/PRF-HMAC-SHA2-256/HMAC-SHA2-256-128/MODP2048,ECP256"
 *       (IKEv2 AEAD: no INTEG part; alternatives comma-separated; "+N" when more)
 * Unknown numbers print as the registry's kind and number ("ENCR#99").  Always
 * NUL-terminates; returns the length written (truncated to len - 1). */
size_t qvpn_ike_suite_text(const qvpn_ike_suite *s, char *buf, size_t len);

/* Every suite, "; "-separated, as qvpn_ike_suite_text; "+N more" when dropped. */
size_t qvpn_ike_suites_text(const qvpn_ike_suites *ss, char *buf, size_t len);

/* Legacy crypto in a suite: bits of what it offers that RFC 8247 / current gateways
 * call MUST NOT or SHOULD NOT for IKE. */
enum {
    QVPN_WEAK_DES      = 1u << 0,   /* DES, and any 64-bit block cipher below 3DES */
    QVPN_WEAK_3DES     = 1u << 1,
    QVPN_WEAK_MD5      = 1u << 2,   /* hash/PRF/integrity */
    QVPN_WEAK_SHA1     = 1u << 3,   /* hash/PRF/integrity */
    QVPN_WEAK_DH_768   = 1u << 4,   /* MODP-768 (group 1) */
    QVPN_WEAK_DH_1024  = 1u << 5,   /* MODP-1024 (group 2), and groups 22 (1024-bit) */
    QVPN_WEAK_DH_1536  = 1u << 6    /* MODP-1536 (group 5) */
};
/* Bits that no current gateway accepts in its default policy (DES, MD5 and
 * MODP-768): offered alone and refused, they are the likely cause. */
#define QVPN_WEAK_REFUSED_EVERYWHERE (QVPN_WEAK_DES | QVPN_WEAK_MD5 | QVPN_WEAK_DH_768)

/* The legacy bits of every alternative a suite lists. */
uint32_t qvpn_ike_suite_weak(const qvpn_ike_suite *s);
/* True when every alternative of the suite is itself in QVPN_WEAK_REFUSED_EVERYWHERE
 * somewhere (a suite with only weak choices in some transform type). */
bool qvpn_ike_suite_all_refusable(const qvpn_ike_suite *s);
/* Text of weak bits: "DES, MD5, MODP-768"; NUL-terminated, returns the length. */
size_t qvpn_ike_weak_text(uint32_t weak, char *buf, size_t len);

/* Names of a D-H group number (same registry in v1 Group Description and v2
 * type 4 for 1-32): "MODP1024", "ECP256", "Curve25519", NULL if unknown. */
const char *qvpn_dh_group_name(uint16_t group);

/* --- Notification data ------------------------------------------------------------ */

typedef struct qvpn_ike_notify {
    uint8_t        major;          /* the registry type is in: 17 is INVALID_KE_PAYLOAD in
                                      IKEv2, INVALID-KEY-INFORMATION in IKEv1 */
    uint16_t       type;
    uint8_t        protocol;       /* protocol id */
    uint8_t        spi_len;
    const uint8_t *spi;            /* within the body */
    const uint8_t *data;           /* notification data after the SPI, within the body */
    size_t         data_len;
} qvpn_ike_notify;

/* A Notification payload in full: IKEv1 type 11 (DOI, protocol, SPI size, type, SPI,
 * data — RFC 2408 3.14) or IKEv2 type 41 (protocol, SPI size, type, SPI, data —
 * RFC 7296 3.10).  False for any other payload or a body too short. */
bool qvpn_ike_notify_full(uint8_t major, const qvpn_ike_payload *pl, qvpn_ike_notify *out);

/* INVALID_KE_PAYLOAD (IKEv2 type 17): the 2-byte D-H group the responder accepts.
 * False for an IKEv1 notification (n->major 1). */
bool qvpn_ike_invalid_ke_group(const qvpn_ike_notify *n, uint16_t *group);

/* REDIRECT (RFC 5685, type 16407): the new gateway when it is an IPv4 (type 1) or
 * IPv6 (type 2) address; false for an FQDN (type 3, *fqdn set) or a short body. */
bool qvpn_ike_redirect_gateway(const qvpn_ike_notify *n, qvpn_addr *gw,
                               const uint8_t **fqdn, size_t *fqdn_len);

/* --- NAT detection ------------------------------------------------------------------ */

/* Hash algorithms NAT-D uses: IKEv1 the negotiated Hash Algorithm (attr 2: 1 MD5,
 * 2 SHA1, 4 SHA2-256, 5 SHA2-384, 6 SHA2-512), IKEv2 always SHA1. */
#define QVPN_NATD_MAX_HASH 64

/* HASH(CKY-I | CKY-R | IP | Port) (RFC 3947 3.2; IKEv2: SHA1(SPIi | SPIr | IP |
 * Port), RFC 7296 2.23) into out (at least QVPN_NATD_MAX_HASH bytes); returns the
 * hash length, 0 for an unknown algorithm or address.  v1_hash is ignored for
 * major 2.  Ports in host order. */
size_t qvpn_natd_hash(uint8_t major, uint16_t v1_hash, const uint8_t ispi[8],
                      const uint8_t rspi[8], const qvpn_addr *addr, uint16_t port,
                      uint8_t *out);

#ifdef __cplusplus
}
#endif

#endif /* QVPN_IKE_SA_H */
