/* qvpn_netwire.c — ICMP/ICMPv6 errors and IP fragments (qvpn_netwire.h); the TLS
 * hellos are in qvpn_tls_hello.c.
 *
 * Same rules as qvpn_wire.c: each reader under the diagram of what it reads, the
 * only length trusted is the span's.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qvpn_bytes.h"
#include "qvpn_netwire.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "qvpn_wire.h"

/* IP protocol / IPv6 next header numbers (IANA "Assigned Internet Protocol Numbers"). */
enum {
    PROTO_HOPOPTS  = 0,
    PROTO_TCP      = 6,
    PROTO_UDP      = 17,
    PROTO_ROUTING  = 43,
    PROTO_FRAGMENT = 44,
    PROTO_ESP      = 50,
    PROTO_AH       = 51,
    PROTO_DSTOPTS  = 60
};

enum {
    NATT_PORT    = 4500,        /* RFC 3948 */
    IPV6_MAX_EXT = 4            /* extension headers walked before giving up */
};

/* --- IPv6 extension headers, RFC 8200 section 4 ------------------------------------
 *
 * Hop-by-hop (0), Routing (43) and Destination Options (60) share this start:
 *
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Next Header  |  Hdr Ext Len  |  ... (Hdr Ext Len + 1) * 8 bytes in all
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Walk at most IPV6_MAX_EXT of them from the fixed header's next header (p[6]).
 * *off and *nh end on the first other header.  False when an extension header is
 * not captured whole or there are more than IPV6_MAX_EXT: *nh is then the one
 * that could not be passed.
 */
static bool ipv6_skip_ext(const uint8_t *p, size_t len, size_t *off, uint8_t *nh)
{
    *off = 40;
    *nh = p[6];
    for (unsigned i = 0; i <= IPV6_MAX_EXT; i++) {
        if (*nh != PROTO_HOPOPTS && *nh != PROTO_ROUTING && *nh != PROTO_DSTOPTS)
            return true;
        if (i == IPV6_MAX_EXT || len - *off < 2)
            return false;
        size_t ext = ((size_t)p[*off + 1] + 1) * 8;
        if (len - *off < ext)
            return false;
        *nh = p[*off];
        *off += ext;
    }
    return false;   /* not reached */
}

/* --- IPv6 Fragment header, RFC 8200 section 4.5 ------------------------------------
 *
 *   +---------------+---------------+-------------------------+-+-+
 *   |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
 *   +---------------+---------------+-------------------------+-+-+
 *   |                         Identification                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The offset counts 8-byte units in the 13 high bits: masked, it is bytes already.
 */
typedef struct v6_frag {
    uint8_t  next;
    uint16_t offset;
    bool     more;
    uint32_t id;
} v6_frag;

static void v6_frag_get(const uint8_t *f, v6_frag *out)
{
    out->next = f[0];
    out->offset = (uint16_t)(qvpn_get_u16(f + 2) & 0xfff8);
    out->more = (f[3] & 1) != 0;
    out->id = qvpn_get_u32(f + 4);
}

/* --- ICMP errors, RFC 792 and RFC 4443 section 3 ------------------------------------
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |     Type      |     Code      |          Checksum             |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  unused / pointer / gateway   |  v4 3/4: Next-Hop MTU (1191)  |
 *   |            v6 type 2: MTU (32 bits)                           |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |      Internet Header + at least 64 bits of Original Data      |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * RFC 1812 4.3.2.3 lets routers quote more (up to 576 bytes in all), ICMPv6 quotes
 * as much as fits in 1280: the first 8 bytes are all that can be counted on.
 */
static bool icmp_is_error(bool v6, uint8_t type)
{
    if (v6)
        return type >= 1 && type <= 4;
    return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/* The start of the quoted transport header (t, tlen captured) of protocol proto:
 * the ports of UDP/TCP, the SPI of ESP or AH, and of ESP in UDP 4500 (RFC 3948
 * 2.2: a non-zero first word after the UDP header, where IKE has its zero
 * non-ESP marker). */
static void icmp_quoted_l4(uint8_t proto, const uint8_t *t, size_t tlen, qvpn_icmp_err *out)
{
    if ((proto == PROTO_UDP || proto == PROTO_TCP) && tlen >= 4) {
        out->q_has_ports = true;
        out->q_sport = qvpn_get_u16(t);
        out->q_dport = qvpn_get_u16(t + 2);
        if (proto == PROTO_UDP && (out->q_sport == NATT_PORT || out->q_dport == NATT_PORT)
            && tlen >= 12 && qvpn_get_u16(t + 4) >= 12 && qvpn_get_u32(t + 8) != 0) {
            out->q_has_spi = true;
            out->q_spi = qvpn_get_u32(t + 8);
        }
    } else if (proto == PROTO_ESP && tlen >= 4) {
        out->q_has_spi = true;
        out->q_spi = qvpn_get_u32(t);
    } else if (proto == PROTO_AH && tlen >= 8) {
        out->q_has_spi = true;
        out->q_spi = qvpn_get_u32(t + 4);
    }
}

/* The quoted IPv6 packet: past its extension headers, and past a Fragment header
 * when it is the first fragment (the transport header follows it). */
static void icmp_quoted_v6(const uint8_t *q, size_t qlen, qvpn_icmp_err *out)
{
    size_t off;
    uint8_t nh;
    v6_frag f;

    bool passed = ipv6_skip_ext(q, qlen, &off, &nh);
    out->q_proto = nh;
    if (!passed)
        return;
    if (nh == PROTO_FRAGMENT) {
        if (qlen - off < 8)
            return;
        v6_frag_get(q + off, &f);
        out->q_proto = f.next;
        if (f.offset != 0)
            return;
        off += 8;
    }
    icmp_quoted_l4(out->q_proto, q + off, qlen - off, out);
}

bool qvpn_icmp_err_read(bool v6, const uint8_t *p, size_t len, qvpn_icmp_err *out)
{
    qvpn_ip_hdr ip;

    memset(out, 0, sizeof(*out));
    if (len < 8 || !icmp_is_error(v6, p[0]))
        return false;
    const uint8_t *q = p + 8;
    size_t qlen = len - 8;
    if (v6 ? !qvpn_ipv6_read(q, qlen, &ip) : !qvpn_ipv4_read(q, qlen, &ip))
        return false;
    out->v6 = v6;
    out->type = p[0];
    out->code = p[1];
    if (!v6 && out->type == 3 && out->code == 4)
        out->mtu = qvpn_get_u16(p + 6);
    else if (v6 && out->type == 2)
        out->mtu = qvpn_get_u32(p + 4);
    out->q_src = ip.src;
    out->q_dst = ip.dst;
    if (v6) {
        icmp_quoted_v6(q, qlen, out);
    } else {
        out->q_proto = ip.proto;
        /* A later fragment quoted: no transport header where the diagram puts one. */
        if ((qvpn_get_u16(q + 6) & 0x1fff) == 0 && qlen >= ip.hdr_len)
            icmp_quoted_l4(ip.proto, q + ip.hdr_len, qlen - ip.hdr_len, out);
    }
    return true;
}

/* Names as RFC 792, RFC 1812 5.2.7.1 (codes 13-15) and RFC 4443 3.1-3.4 give them. */
static const char *const icmp4_unreach[16] = {
    "net unreachable", "host unreachable", "protocol unreachable", "port unreachable",
    "fragmentation needed", "source route failed", "destination network unknown",
    "destination host unknown", "source host isolated",
    "communication administratively prohibited (network)",
    "communication administratively prohibited (host)",
    "net unreachable for type of service", "host unreachable for type of service",
    "communication administratively prohibited", "host precedence violation",
    "precedence cutoff in effect",
};
static const char *const icmp4_redirect[4] = {
    "redirect for network", "redirect for host",
    "redirect for type of service and network", "redirect for type of service and host",
};
static const char *const icmp4_time[2] = {
    "time exceeded in transit", "fragment reassembly time exceeded",
};
static const char *const icmp4_param[3] = {
    "parameter problem", "parameter problem: missing a required option",
    "parameter problem: bad length",
};
static const char *const icmp6_unreach[8] = {
    "no route to destination", "communication administratively prohibited",
    "beyond scope of source address", "address unreachable", "port unreachable",
    "source address failed ingress/egress policy", "reject route to destination",
    "error in source routing header",
};
static const char *const icmp6_time[2] = {
    "hop limit exceeded in transit", "fragment reassembly time exceeded",
};
static const char *const icmp6_param[4] = {
    "erroneous header field", "unrecognized next header type", "unrecognized IPv6 option",
    "incomplete IPv6 header chain",
};

#define PICK(tab, code) ((code) < G_N_ELEMENTS(tab) ? (tab)[code] : NULL)

/* The code's own name, or NULL (then the type's name and the number are given). */
static const char *icmp_code_name(const qvpn_icmp_err *e, const char **type_name)
{
    if (e->v6) {
        switch (e->type) {
        case 1: *type_name = "destination unreachable"; return PICK(icmp6_unreach, e->code);
        case 2: *type_name = "packet too big"; return e->code == 0 ? "packet too big" : NULL;
        case 3: *type_name = "time exceeded"; return PICK(icmp6_time, e->code);
        case 4: *type_name = "parameter problem"; return PICK(icmp6_param, e->code);
        default: *type_name = "ICMPv6 error"; return NULL;
        }
    }
    switch (e->type) {
    case 3: *type_name = "destination unreachable"; return PICK(icmp4_unreach, e->code);
    case 4: *type_name = "source quench"; return e->code == 0 ? "source quench" : NULL;
    case 5: *type_name = "redirect"; return PICK(icmp4_redirect, e->code);
    case 11: *type_name = "time exceeded"; return PICK(icmp4_time, e->code);
    case 12: *type_name = "parameter problem"; return PICK(icmp4_param, e->code);
    default: *type_name = "ICMP error"; return NULL;
    }
}

static size_t written(int n, size_t len)
{
    if (n < 0 || len == 0)
        return 0;
    return (size_t)n < len ? (size_t)n : len - 1;
}

size_t qvpn_icmp_err_text(const qvpn_icmp_err *e, char *buf, size_t len)
{
    const char *type_name = NULL;
    const char *name = icmp_code_name(e, &type_name);
    /* Routers older than RFC 1191 leave the MTU field zero. */
    bool with_mtu = e->mtu != 0;
    int n;

    if (len == 0)
        return 0;
    if (name == NULL)
        n = snprintf(buf, len, "%s (code %u)", type_name, e->code);
    else if (with_mtu)
        n = snprintf(buf, len, "%s (MTU %u)", name, e->mtu);
    else
        n = snprintf(buf, len, "%s", name);
    return written(n, len);
}

/* --- IPv4 fragments, RFC 791 section 3.1 ---------------------------------------------
 *
 *   |         Identification        |Flags|      Fragment Offset    |
 *   Flags: bit 0 reserved, bit 1 DF, bit 2 MF; the offset counts 8-byte units.
 *
 * (The whole header is drawn above qvpn_ipv4_read in qvpn_wire.c.)
 */
bool qvpn_ipv4_frag_read(const uint8_t *p, size_t len, qvpn_ip_frag *out)
{
    qvpn_ip_hdr ip;

    memset(out, 0, sizeof(*out));
    if (!qvpn_ipv4_read(p, len, &ip))
        return false;
    uint16_t ff = qvpn_get_u16(p + 6);
    out->more = (ff & 0x2000) != 0;
    out->offset = (uint16_t)((ff & 0x1fff) * 8);
    if (!out->more && out->offset == 0)
        return false;
    uint16_t total = qvpn_get_u16(p + 2);
    out->id = qvpn_get_u16(p + 4);
    out->proto = ip.proto;
    out->payload_len = total > ip.hdr_len ? (uint16_t)(total - ip.hdr_len) : 0;
    out->src = ip.src;
    out->dst = ip.dst;
    if (out->offset == 0 && (ip.proto == PROTO_UDP || ip.proto == PROTO_TCP)
        && len >= (size_t)ip.hdr_len + 4) {
        out->has_ports = true;
        out->sport = qvpn_get_u16(p + ip.hdr_len);
        out->dport = qvpn_get_u16(p + ip.hdr_len + 2);
    }
    return true;
}

bool qvpn_ipv6_frag_read(const uint8_t *p, size_t len, qvpn_ip_frag *out)
{
    qvpn_ip_hdr ip;
    size_t off;
    uint8_t nh;
    v6_frag f;

    memset(out, 0, sizeof(*out));
    if (!qvpn_ipv6_read(p, len, &ip) || !ipv6_skip_ext(p, len, &off, &nh)
        || nh != PROTO_FRAGMENT || len - off < 8)
        return false;
    v6_frag_get(p + off, &f);
    off += 8;
    /* The payload length counts the extension headers too: this fragment's own
     * bytes are what follows the Fragment header. */
    size_t plen = qvpn_get_u16(p + 4);
    out->v6 = true;
    out->id = f.id;
    out->offset = f.offset;
    out->more = f.more;
    out->proto = f.next;
    out->payload_len = plen + 40 > off ? (uint16_t)(plen + 40 - off) : 0;
    out->src = ip.src;
    out->dst = ip.dst;
    if (f.offset == 0 && (f.next == PROTO_UDP || f.next == PROTO_TCP) && len - off >= 4) {
        out->has_ports = true;
        out->sport = qvpn_get_u16(p + off);
        out->dport = qvpn_get_u16(p + off + 2);
    }
    return true;
}
