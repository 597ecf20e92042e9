/* qvpn_netwire.h — readers for evidence around the VPN's own packets: ICMP errors and
 * the packet they quote, IP fragments, and the TLS hellos of the QuickVPN login.
 *
 * Same contract as qvpn_wire.h: (p, len) with len what was captured; false when too
 * short or not that protocol; never read outside the span, never allocate.
 *
 * Pure C11 + GLib.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_NETWIRE_H
#define QVPN_NETWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qvpn_obs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- ICMP errors ------------------------------------------------------------------ */

/* An ICMP/ICMPv6 error and the start of the packet it quotes (RFC 792, RFC 4443:
 * the quoted IP header and at least its first 8 bytes). */
typedef struct qvpn_icmp_err {
    bool      v6;            /* ICMPv6 */
    uint8_t   type;          /* v4: 3 unreachable, 11 time exceeded, 12 parameter problem;
                                v6: 1 unreachable, 2 packet too big, 3 time exceeded, 4 param */
    uint8_t   code;
    uint32_t  mtu;           /* v4 type 3 code 4 next-hop MTU; v6 type 2 MTU; else 0 */
    /* The quoted packet: */
    qvpn_addr q_src, q_dst;
    uint8_t   q_proto;       /* 6 TCP, 17 UDP, 50 ESP, 51 AH */
    bool      q_has_ports;   /* UDP/TCP ports captured */
    uint16_t  q_sport, q_dport;
    bool      q_has_spi;     /* ESP SPI (or ESP-in-UDP 4500: a non-zero first word
                                after the UDP header), or AH SPI (its second word) */
    uint32_t  q_spi;
} qvpn_icmp_err;

/* The ICMP (v6 false) or ICMPv6 message at p: only error types (v4: 3, 4, 5, 11,
 * 12; v6: 1-4), whose quoted IP header parses.  False for echo and the rest. */
bool qvpn_icmp_err_read(bool v6, const uint8_t *p, size_t len, qvpn_icmp_err *out);

/* One line naming an error, e.g. "port unreachable", "fragmentation needed (MTU
 * 1400)", "communication administratively prohibited", "time exceeded in transit";
 * an unnamed code as "destination unreachable (code 99)".  NUL-terminated, returns
 * the length written (truncated to len - 1). */
size_t qvpn_icmp_err_text(const qvpn_icmp_err *e, char *buf, size_t len);

/* --- IP fragments ------------------------------------------------------------------ */

typedef struct qvpn_ip_frag {
    bool      v6;
    uint32_t  id;            /* IPv4 identification, IPv6 fragment header id */
    uint16_t  offset;        /* in bytes */
    bool      more;          /* MF */
    uint8_t   proto;         /* what is fragmented (v6: the fragment header's next) */
    uint16_t  payload_len;   /* bytes of this fragment's payload as the header says */
    qvpn_addr src, dst;
    bool      has_ports;     /* first fragment (offset 0) of UDP/TCP with 4 bytes captured */
    uint16_t  sport, dport;
} qvpn_ip_frag;

/* The cheap test the glue makes on every frame's outermost IP header: an IPv4 header
 * with MF or a fragment offset (bytes 6-7), or an IPv6 header whose next header is not
 * TCP or UDP (a Fragment header may follow: qvpn_ipv6_frag_read() tells). */
static inline bool qvpn_ip_maybe_fragment(bool v6, const uint8_t *p, size_t len)
{
    if (v6)
        return len >= 48 && p[6] != 6 && p[6] != 17;
    return len >= 8 && ((p[6] & 0x3f) != 0 || p[7] != 0);
}

/* The IPv4 header at p, when it is a fragment (MF set or offset non-zero). */
bool qvpn_ipv4_frag_read(const uint8_t *p, size_t len, qvpn_ip_frag *out);
/* The IPv6 header at p, when its next header (directly, or after hop-by-hop,
 * routing or destination options: at most 4 extension headers) is a Fragment header. */
bool qvpn_ipv6_frag_read(const uint8_t *p, size_t len, qvpn_ip_frag *out);

/* --- TLS hellos --------------------------------------------------------------------- */

#define QVPN_TLS_MAX_SUITES 64

typedef struct qvpn_tls_hello {
    bool     client;         /* ClientHello (else ServerHello) */
    bool     sslv2;          /* SSLv2-format ClientHello (RFC 6101 E.2 / draft-hickman) */
    uint16_t version;        /* legacy_version: 0x0300 SSLv3 .. 0x0303 TLS 1.2; the
                                highest of supported_versions when present (0x0304;
                                a draft 0x7fxx ranks between 1.2 and 1.3; GREASE
                                ignored); SSLv2 format: its version field (0x0002,
                                or the 0x03xx the client asks for) */
    uint16_t suites[QVPN_TLS_MAX_SUITES];  /* v2 specs of the form 00 xx yy as 0xxxyy;
                                others (SSLv2-only kinds) kept as 0xffff */
    uint8_t  n_suites;       /* kept; ServerHello: 1 */
    uint8_t  dropped;
} qvpn_tls_hello;

/* The first ClientHello or ServerHello in the TLS records at p (record header
 * included; a handshake message split across records is read as far as the first
 * record holds it), or an SSLv2-format ClientHello.  False if none. */
bool qvpn_tls_hello_read(const uint8_t *p, size_t len, qvpn_tls_hello *out);

/* "SSLv3", "TLS 1.0", ... "TLS 1.3", "SSLv2"; NULL if unknown. */
const char *qvpn_tls_version_name(uint16_t version);
/* IANA name of a cipher suite ("TLS_RSA_WITH_3DES_EDE_CBC_SHA") for the suites
 * QuickVPN era clients and routers use; NULL if not in the table.  0xffff (an
 * SSLv2-only cipher kind) is "SSLv2 cipher kind", weak MD5. */
const char *qvpn_tls_suite_name(uint16_t suite);

/* Legacy TLS: a suite with export, NULL, DES, 3DES, RC4 or MD5 (bits as below). */
enum {
    QVPN_TLS_WEAK_EXPORT = 1u << 0,
    QVPN_TLS_WEAK_DES    = 1u << 1,
    QVPN_TLS_WEAK_3DES   = 1u << 2,
    QVPN_TLS_WEAK_RC4    = 1u << 3,
    QVPN_TLS_WEAK_NULL   = 1u << 4,
    QVPN_TLS_WEAK_MD5    = 1u << 5
};
uint32_t qvpn_tls_suite_weak(uint16_t suite);
/* True when every suite a ClientHello offers is weak (bits non-zero), or its version
 * is below TLS 1.2: a hardened server refuses it.  SCSVs and GREASE values are no
 * suites; suites beyond QVPN_TLS_MAX_SUITES (dropped) may be strong: false.  A
 * ServerHello: false. */
bool qvpn_tls_hello_legacy_only(const qvpn_tls_hello *h);
/* One line: "TLS 1.0: TLS_RSA_WITH_3DES_EDE_CBC_SHA, TLS_RSA_WITH_RC4_128_MD5 (+3)":
 * the first 4 suites by name (unknown ones as 0x1234), "(+N)" for the rest;
 * " (SSLv2 hello)" after the version of an SSLv2-format one.  NUL-terminated, returns
 * the length written (truncated to len - 1). */
size_t qvpn_tls_hello_text(const qvpn_tls_hello *h, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* QVPN_NETWIRE_H */
