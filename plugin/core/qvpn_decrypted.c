/* qvpn_decrypted.c — the payloads of an encrypted IKE message and the first headers
 * of the packet a decrypted ESP carries, read from the bytes Wireshark decrypted
 * with the user's keys (qvpn_decrypted.h).
 *
 * The chain is walked by qvpn_wire.c's iterator (qvpn_ike_iter_init_chain), the SA
 * and Notification bodies by qvpn_ike_sa.c's readers; what is here reads the other
 * payloads, each under the diagram of what it reads.  Offsets are the diagrams';
 * the only length trusted is the span's, and a length field only ever shortens what
 * is read.  Nothing is allocated and no pointer into the bytes is kept.
 *
 * Pure C11 + GLib.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "qvpn_addr.h"
#include "qvpn_bytes.h"
#include "qvpn_decrypted.h"
#include "qvpn_ike_sa.h"
#include "qvpn_text.h"
#include "qvpn_wire.h"

/* Payload types read here (RFC 2408 3.1 / RFC 7296 3.2 and their registries). */
enum {
    PL_V1_ATTR  = 14,           /* draft-dukes-ike-mode-cfg: XAUTH, Mode Config */
    PL_V2_KE    = 34,
    PL_V2_IDI   = 35,
    PL_V2_IDR   = 36,
    PL_V2_AUTH  = 39,
    PL_V2_N     = 41,
    PL_V2_D     = 42,
    PL_V2_TSI   = 44,
    PL_V2_TSR   = 45,
    PL_V2_CP    = 47
};

/* Configuration attributes (IKEv1 ISAKMP "Configuration Attributes" registry,
 * draft-beaulieu-ike-xauth-02, Cisco Unity; IKEv2 RFC 7296 3.15.1). */
enum {
    CFG_INTERNAL_IP4_ADDRESS = 1,
    CFG_INTERNAL_IP6_ADDRESS = 8,
    CFG_INTERNAL_IP4_SUBNET  = 13,  /* IKEv2 */
    CFG_INTERNAL_IP6_SUBNET  = 15,  /* IKEv2 */
    CFG_XAUTH_USER_NAME      = 16521,
    CFG_XAUTH_USER_PASSWORD  = 16522,
    CFG_XAUTH_STATUS         = 16527,
    CFG_UNITY_SPLIT_INCLUDE  = 28676
};

#define NOTIFY_V2_REKEY_SA 16393

static void addr_set(qvpn_addr *a, const uint8_t *b, uint8_t len)
{
    memset(a, 0, sizeof(*a));
    a->len = len;
    memcpy(a->bytes, b, len);
}

/* --- text ------------------------------------------------------------------------ */

/* Bytes from the wire as printable ASCII, anything else as '?'. */
static void put_printable(qvpn_text *t, const uint8_t *b, size_t n)
{
    char c[2] = { 0, 0 };

    for (size_t i = 0; i < n && t->at + 1 < t->len; i++) {
        c[0] = b[i] >= 0x20 && b[i] < 0x7f ? (char)b[i] : '?';
        qvpn_text_put(t, "%s", c);
    }
}

/* --- selectors ------------------------------------------------------------------- */

static void ts_any_ports(qvpn_ts *ts)
{
    ts->port_lo = 0;
    ts->port_hi = 65535;
}

/* The prefix length when lo..hi is exactly one subnet: the bits after the first
 * that differs are all 0 in lo and all 1 in hi.  0xff otherwise. */
static uint8_t range_prefix(const qvpn_addr *lo, const qvpn_addr *hi)
{
    unsigned bits = lo->len * 8u, d = 0;

    if (lo->len != hi->len || (lo->len != 4 && lo->len != 16))
        return 0xff;
    while (d < bits && ((lo->bytes[d / 8] ^ hi->bytes[d / 8]) & (0x80 >> (d % 8))) == 0)
        d++;
    for (unsigned i = d; i < bits; i++) {
        unsigned m = 0x80u >> (i % 8);
        if ((lo->bytes[i / 8] & m) || !(hi->bytes[i / 8] & m))
            return 0xff;
    }
    return (uint8_t)d;
}

static void ts_range(qvpn_ts *ts, const uint8_t *lo, const uint8_t *hi, uint8_t alen)
{
    addr_set(&ts->lo, lo, alen);
    addr_set(&ts->hi, hi, alen);
    ts->prefix = range_prefix(&ts->lo, &ts->hi);
}

/* Address and mask: lo = addr & mask, hi = addr | ~mask. */
static void ts_subnet(qvpn_ts *ts, const uint8_t *addr, const uint8_t *mask, uint8_t alen)
{
    uint8_t lo[16], hi[16];

    for (uint8_t i = 0; i < alen; i++) {
        lo[i] = addr[i] & mask[i];
        hi[i] = (uint8_t)(addr[i] | (uint8_t)~mask[i]);
    }
    ts_range(ts, lo, hi, alen);
}

/* Address and prefix length (IKEv2 INTERNAL_IP6_SUBNET); false past the family's. */
static bool ts_prefix(qvpn_ts *ts, const uint8_t *addr, unsigned prefix, uint8_t alen)
{
    uint8_t mask[16] = { 0 };

    if (prefix > alen * 8u)
        return false;
    for (unsigned i = 0; i < prefix; i++)
        mask[i / 8] |= (uint8_t)(0x80u >> (i % 8));
    ts_subnet(ts, addr, mask, alen);
    return true;
}

static const char *proto_name(uint8_t proto)
{
    switch (proto) {
    case 1:  return "icmp";
    case 6:  return "tcp";
    case 17: return "udp";
    case 58: return "icmpv6";
    default: return NULL;
    }
}

size_t qvpn_ts_text(const qvpn_ts *ts, char *buf, size_t len)
{
    qvpn_text t = { buf, len, 0 };
    char lo[64], hi[64];

    if (len)
        buf[0] = '\0';
    qvpn_addr_to_str(&ts->lo, lo, sizeof(lo));
    if (ts->lo.len == ts->hi.len && qvpn_addr_eq(&ts->lo, &ts->hi)) {
        qvpn_text_put(&t, "%s", lo);
    } else if (ts->prefix != 0xff) {
        qvpn_text_put(&t, "%s/%u", lo, ts->prefix);
    } else {
        qvpn_addr_to_str(&ts->hi, hi, sizeof(hi));
        qvpn_text_put(&t, "%s-%s", lo, hi);
    }
    bool any_port = ts->port_lo == 0 && ts->port_hi == 65535;
    if (ts->proto == 0 && any_port)
        return qvpn_text_len(&t);
    const char *name = proto_name(ts->proto);
    if (ts->proto == 0)
        qvpn_text_put(&t, ":any");
    else if (name)
        qvpn_text_put(&t, ":%s", name);
    else
        qvpn_text_put(&t, ":proto %u", ts->proto);
    if (!any_port) {
        if (ts->port_lo == ts->port_hi)
            qvpn_text_put(&t, "/%u", ts->port_lo);
        else
            qvpn_text_put(&t, "/%u-%u", ts->port_lo, ts->port_hi);
    }
    return qvpn_text_len(&t);
}

size_t qvpn_ts_list_text(const qvpn_ts *ts, size_t n, uint8_t more, char *buf, size_t len)
{
    qvpn_text t = { buf, len, 0 };
    char one[128];

    if (len)
        buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        qvpn_ts_text(&ts[i], one, sizeof(one));
        qvpn_text_put(&t, "%s%s", i ? ", " : "", one);
    }
    if (more)
        qvpn_text_put(&t, "%s+%u more", n ? ", " : "", more);
    return qvpn_text_len(&t);
}

/* --- Identification --------------------------------------------------------------
 *
 * IKEv1, RFC 2407 4.6.2 (payload type 5), after the generic header:
 *
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |    ID Type    |  Protocol ID  |             Port              |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   ~                     Identification Data                       ~
 *
 * IKEv2, RFC 7296 3.5 (IDi 35, IDr 36): ID Type, then 3 reserved bytes.
 *
 * ID types (IPsec DOI 4.6.2.1; IKEv2 the same numbers where both define them):
 * 1 IPV4_ADDR, 2 FQDN, 3 USER_FQDN (v2: RFC822_ADDR), 4 IPV4_ADDR_SUBNET (address,
 * mask), 5 IPV6_ADDR, 6 IPV6_ADDR_SUBNET, 7 IPV4_ADDR_RANGE (first, last),
 * 8 IPV6_ADDR_RANGE, 9 DER_ASN1_DN, 10 DER_ASN1_GN, 11 KEY_ID; IKEv2 13 ID_NULL
 * (RFC 7619).  Subnets and ranges are IKEv1's only.
 */

/* An address-type ID as a selector; false for other types or data too short. */
static bool id_ts(uint8_t major, uint8_t type, const uint8_t *d, size_t n, qvpn_ts *ts)
{
    memset(ts, 0, sizeof(*ts));
    ts_any_ports(ts);
    switch (type) {
    case 1:
        if (n < 4)
            return false;
        ts_range(ts, d, d, 4);
        return true;
    case 5:
        if (n < 16)
            return false;
        ts_range(ts, d, d, 16);
        return true;
    default:
        break;
    }
    if (major != 1)
        return false;
    switch (type) {
    case 4: if (n < 8) return false; ts_subnet(ts, d, d + 4, 4); return true;
    case 6: if (n < 32) return false; ts_subnet(ts, d, d + 16, 16); return true;
    case 7: if (n < 8) return false; ts_range(ts, d, d + 4, 4); return true;
    case 8: if (n < 32) return false; ts_range(ts, d, d + 16, 16); return true;
    default: return false;
    }
}

static bool id_is_address(uint8_t type)
{
    return type == 1 || type == 4 || type == 5 || type == 6 || type == 7 || type == 8;
}

/* The identity as text: "192.0.2.1", "fqdn:…", "user:…", "der-asn1-dn", "key-id". */
static void identity_text(uint8_t major, uint8_t type, const uint8_t *d, size_t n,
                          char *buf, size_t len, bool *bad)
{
    qvpn_text t = { buf, len, 0 };
    qvpn_ts ts;

    buf[0] = '\0';
    if (id_is_address(type) && (major == 1 || type == 1 || type == 5)) {
        if (id_ts(major, type, d, n, &ts))
            qvpn_ts_text(&ts, buf, len);
        else
            *bad = true;
        return;
    }
    switch (type) {
    case 2:  qvpn_text_put(&t, "fqdn:"); put_printable(&t, d, n); break;
    case 3:  qvpn_text_put(&t, "user:"); put_printable(&t, d, n); break;
    case 9:  qvpn_text_put(&t, "der-asn1-dn"); break;
    case 10: qvpn_text_put(&t, "der-asn1-gn"); break;
    case 11: qvpn_text_put(&t, "key-id"); break;
    case 13: qvpn_text_put(&t, major == 2 ? "null" : "id-type:13"); break;
    default: qvpn_text_put(&t, "id-type:%u", type); break;
    }
}

typedef struct {
    uint8_t  major, exch;
    unsigned qm_ids;            /* IKEv1 Quick Mode ID payloads seen */
    bool     idi_seen;          /* IKEv2: an IDi gave the identity */
    bool     has_ke;
    uint16_t ke_group;          /* IKEv2 KE's group */
    uint16_t sa_dh;             /* the first SA's first suite's D-H group */
} walk_ctx;

static void id_payload(walk_ctx *c, const qvpn_ike_payload *pl, qvpn_ike_inner *out)
{
    if (pl->body_len < 4) {
        out->malformed = true;
        return;
    }
    const uint8_t *b = pl->body, *d = b + 4;
    size_t n = pl->body_len - 4;
    uint8_t type = b[0];

    if (c->major == 1 && c->exch == QVPN_IKE_EXCH_QUICK_MODE) {
        /* Phase 2: IDci then IDcr (RFC 2409 5.5), with their protocol and port. */
        unsigned which = c->qm_ids++;
        qvpn_ts ts;
        if (which > 1 || !id_is_address(type))
            return;
        if (!id_ts(1, type, d, n, &ts)) {
            out->malformed = true;
            return;
        }
        ts.proto = b[1];
        if (qvpn_get_u16(b + 2) != 0)
            ts.port_lo = ts.port_hi = qvpn_get_u16(b + 2);
        if (which == 0)
            out->ts_i[out->n_ts_i++] = ts;
        else
            out->ts_r[out->n_ts_r++] = ts;
        return;
    }
    /* Phase 1 (IKEv1), IKE_AUTH (IKEv2): the sender's identity — IKEv2's IDi when
     * the message has one (an initiator may add the IDr it wants), else the first. */
    if (c->major == 2) {
        if (c->idi_seen || (pl->type == PL_V2_IDR && out->identity[0]))
            return;
        c->idi_seen = pl->type == PL_V2_IDI;
    } else if (out->identity[0]) {
        return;
    }
    identity_text(c->major, type, d, n, out->identity, sizeof(out->identity),
                  &out->malformed);
}

/* --- Traffic Selectors, RFC 7296 3.13 (TSi 44, TSr 45) -----------------------------
 *
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   | Number of TSs |                 RESERVED                      |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   ~                       <Traffic Selectors>                     ~
 *
 * each (3.13.1):
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |   TS Type     |IP Protocol ID*|       Selector Length         |
 *   |           Start Port*         |           End Port*           |
 *   ~                         Starting Address*                     ~
 *   ~                         Ending Address*                       ~
 *
 * TS_IPV4_ADDR_RANGE (7) is 16 bytes long, TS_IPV6_ADDR_RANGE (8) 40; other types
 * (RFC 4595's FC, RFC 9478's security label) are stepped over by their length.
 */
static void ts_payload(const qvpn_ike_payload *pl, qvpn_ike_inner *out)
{
    bool initiator = pl->type == PL_V2_TSI;
    qvpn_ts *list = initiator ? out->ts_i : out->ts_r;
    uint8_t *n_kept = initiator ? &out->n_ts_i : &out->n_ts_r;
    const uint8_t *b = pl->body;
    size_t end = pl->body_len, off = 4;

    if (end < 4) {
        out->malformed = true;
        return;
    }
    /* At most end/8 selectors: each takes at least 8 bytes. */
    for (unsigned i = 0; i < b[0]; i++) {
        if (end - off < 8) {
            out->malformed = true;       /* more counted than there are */
            return;
        }
        const uint8_t *s = b + off;
        size_t slen = qvpn_get_u16(s + 2);
        if (slen < 8 || slen > end - off) {
            out->malformed = true;
            return;
        }
        uint8_t alen = s[0] == 7 ? 4 : s[0] == 8 ? 16 : 0;
        if (alen && slen >= 8u + 2u * alen) {
            if (*n_kept < QVPN_TS_MAX) {
                qvpn_ts *ts = &list[(*n_kept)++];
                memset(ts, 0, sizeof(*ts));
                ts_range(ts, s + 8, s + 8 + alen, alen);
                ts->proto = s[1];
                ts->port_lo = qvpn_get_u16(s + 4);
                ts->port_hi = qvpn_get_u16(s + 6);
            } else if (out->more_ts < UINT8_MAX) {
                out->more_ts++;
            }
        } else if (alen) {
            out->malformed = true;
        }
        off += slen;
    }
}

/* --- Delete ----------------------------------------------------------------------
 *
 * IKEv1, RFC 2408 3.15 (type 12), after the generic header:
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |              Domain of Interpretation  (DOI)                  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Protocol-Id  |   SPI Size    |           # of SPIs           |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   ~               Security Parameter Index(es) (SPI)              ~
 *
 * IKEv2, RFC 7296 3.11 (type 42): the same without the DOI.  The first Delete names
 * the protocol; the 4-byte SPIs of it (AH, ESP) are kept from every Delete of that
 * protocol.  An IKE SA's delete (protocol 1) keeps none: IKEv2 sends none, IKEv1
 * the 16-byte cookie pair.
 */
static void delete_payload(uint8_t major, const qvpn_ike_payload *pl, qvpn_ike_inner *out)
{
    size_t at = major == 1 ? 4 : 0;

    if (pl->body_len < at + 4) {
        out->malformed = true;
        return;
    }
    const uint8_t *b = pl->body + at;
    uint8_t proto = b[0], spi_size = b[1];
    unsigned count = qvpn_get_u16(b + 2);
    size_t left = pl->body_len - at - 4;

    if (out->del_protocol == 0)
        out->del_protocol = proto;
    if ((size_t)count * spi_size > left)
        out->malformed = true;
    /* Protocol 0 is none (RESERVED): it names nothing and keeps nothing. */
    if (proto != out->del_protocol || proto <= 1 || spi_size != 4)
        return;
    for (unsigned i = 0; i < count && left >= 4 && out->n_del_spi < QVPN_DEL_MAX_SPI; i++) {
        out->del_spi[out->n_del_spi++] = qvpn_get_u32(b + 4 + 4 * (size_t)i);
        left -= 4;
    }
}

/* --- Configuration: IKEv1 Attribute payload, IKEv2 CP -----------------------------
 *
 * IKEv1 (draft-dukes-ike-mode-cfg-02 3.2, type 14), after the generic header:
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |     Type      |   RESERVED    |           Identifier          |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   ~                           Attributes                          ~
 * attributes as ISAKMP data attributes: AF|type (16), then a 16-bit value (AF=1)
 * or a length and that many bytes (AF=0).
 *
 * IKEv2 (RFC 7296 3.15, type 47): CFG Type (8), RESERVED (24), then attributes
 * R|type (15 bits), Length (16), value — no short form.
 */
typedef struct {
    uint16_t       type;
    const uint8_t *val;
    size_t         len;
} cfg_attr;

static bool cfg_attr_next(uint8_t major, const uint8_t *p, size_t *off, size_t end,
                          cfg_attr *a, bool *bad)
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
    if (major == 1 && (t & 0x8000)) {
        a->val = q + 2;
        a->len = 2;
        *off += 4;
        return true;
    }
    size_t vlen = qvpn_get_u16(q + 2);
    if (vlen > end - *off - 4) {
        *bad = true;
        return false;
    }
    a->val = q + 4;
    a->len = vlen;
    *off += 4 + vlen;
    return true;
}

static uint32_t attr_uint(const cfg_attr *a)
{
    uint32_t v = 0;
    for (size_t i = 0; i < a->len && i < 4; i++)
        v = v << 8 | a->val[i];
    return v;
}

static qvpn_ts *split_add(qvpn_ike_inner *out)
{
    if (out->n_split == QVPN_CFG_MAX_SPLIT)
        return NULL;
    qvpn_ts *ts = &out->split[out->n_split++];
    memset(ts, 0, sizeof(*ts));
    ts_any_ports(ts);
    return ts;
}

/* Cisco UNITY_SPLIT_INCLUDE: entries of 14 bytes, address (4), mask (4), then six
 * bytes no specification describes: Shrew Soft's IKE_UNITY_NET reads them as
 * protocol (1), pad (1), local port (2), remote port (2), racoon's unity_network as
 * padding, strongSwan ignores them (Wireshark shows the value undissected).  Kept:
 * the network and the protocol byte.  A last entry of 8 bytes is taken as a network
 * without them. */
static void unity_split(const cfg_attr *a, qvpn_ike_inner *out)
{
    size_t off = 0;

    while (a->len - off >= 14 || a->len - off == 8) {
        const uint8_t *e = a->val + off;
        qvpn_ts *ts = split_add(out);
        if (!ts)
            return;
        ts_subnet(ts, e, e + 4, 4);
        if (a->len - off >= 14)
            ts->proto = e[8];
        off += a->len - off >= 14 ? 14 : 8;
    }
    if (off != a->len)
        out->malformed = true;
}

static void cfg_address(const cfg_attr *a, uint8_t alen, qvpn_ike_inner *out)
{
    if (a->len >= alen)
        addr_set(&out->cfg_address, a->val, alen);
    else if (a->len != 0)       /* empty: a request's placeholder */
        out->malformed = true;
}

static void cfg_payload(uint8_t major, const qvpn_ike_payload *pl, qvpn_ike_inner *out)
{
    cfg_attr a;
    size_t off = 4;

    if (pl->body_len < 4) {
        out->malformed = true;
        return;
    }
    uint8_t type = pl->body[0];
    bool given = type == QVPN_CFG_REPLY || type == QVPN_CFG_SET;

    if (out->cfg_type == 0)
        out->cfg_type = type;
    while (cfg_attr_next(major, pl->body, &off, pl->body_len, &a, &out->malformed)) {
        switch (a.type) {
        case CFG_INTERNAL_IP4_ADDRESS:
            if (given)
                cfg_address(&a, 4, out);
            break;
        case CFG_INTERNAL_IP6_ADDRESS:   /* address (16) and, in both versions, a prefix */
            if (given)
                cfg_address(&a, 16, out);
            break;
        case CFG_INTERNAL_IP4_SUBNET:
            if (major == 2 && a.len >= 8) {
                qvpn_ts *ts = split_add(out);
                if (ts)
                    ts_subnet(ts, a.val, a.val + 4, 4);
            }
            break;
        case CFG_INTERNAL_IP6_SUBNET:
            if (major == 2 && a.len >= 17) {
                qvpn_ts *ts = split_add(out);
                if (ts && !ts_prefix(ts, a.val, a.val[16], 16)) {
                    out->n_split--;
                    out->malformed = true;
                }
            }
            break;
        case CFG_XAUTH_USER_NAME:
        case CFG_XAUTH_USER_PASSWORD:
            if (major == 1 && type == QVPN_CFG_REQUEST)
                out->xauth_asked = true;
            break;
        case CFG_XAUTH_STATUS:
            if (major == 1 && type == QVPN_CFG_SET) {
                out->has_xauth_status = true;
                out->xauth_ok = attr_uint(&a) == 1;
            }
            break;
        case CFG_UNITY_SPLIT_INCLUDE:
            if (major == 1 && given)
                unity_split(&a, out);
            break;
        default:
            break;
        }
    }
}

/* --- SA, KE, Notification -------------------------------------------------------- */

/* The first SA payload: its first proposal's protocol and 4-byte SPI (RFC 2408 3.5,
 * RFC 7296 3.3.1: Proposal # (1), Protocol-Id (1), SPI Size (1), # of Transforms (1)
 * after the generic header, then the SPI), and its suites as text. */
static void sa_payload(walk_ctx *c, const qvpn_ike_payload *pl, qvpn_ike_inner *out)
{
    size_t off = c->major == 1 ? 8 : 0;     /* IKEv1: DOI and situation */
    qvpn_ike_suites ss;

    if (out->has_sa)
        return;
    if (pl->body_len < off + 8) {
        out->malformed = true;
        return;
    }
    const uint8_t *prop = pl->body + off;
    out->has_sa = true;
    out->sa_protocol = prop[5];
    if (prop[6] == 4 && pl->body_len >= off + 12)
        out->sa_spi = qvpn_get_u32(prop + 8);
    if (prop[6] == 8 && pl->body_len >= off + 16) {
        out->has_sa_ike_spi = true;
        memcpy(out->sa_ike_spi, prop + 8, 8);
    }
    if (qvpn_ike_sa_read(c->major, pl, &ss)) {
        qvpn_ike_suites_text(&ss, out->sa_text, sizeof(out->sa_text));
        if (ss.n > 0 && ss.s[0].n_dh > 0)
            c->sa_dh = ss.s[0].dh[0];
    }
    if (ss.malformed)
        out->malformed = true;
}

/* IKEv2 KE (RFC 7296 3.4): D-H Group Num (16), RESERVED (16), data.  IKEv1's KE
 * (RFC 2408 3.7) is the data alone. */
static void ke_payload(walk_ctx *c, const qvpn_ike_payload *pl, qvpn_ike_inner *out)
{
    c->has_ke = true;
    if (c->major != 2)
        return;
    if (pl->body_len < 4)
        out->malformed = true;
    else if (c->ke_group == 0)
        c->ke_group = qvpn_get_u16(pl->body);
}

static void notify_payload(uint8_t major, const qvpn_ike_payload *pl, qvpn_ike_inner *out)
{
    qvpn_ike_notify n;
    uint16_t type;

    if (!qvpn_ike_notify_full(major, pl, &n)) {
        /* An SPI size past the body: the type may still be there. */
        out->malformed = true;
        if (qvpn_ike_notify_read(major, pl, &type) && out->n_notify < QVPN_MAX_NOTIFY)
            out->notify[out->n_notify++] = type;
        return;
    }
    if (out->n_notify < QVPN_MAX_NOTIFY)
        out->notify[out->n_notify++] = n.type;
    if (major == 1 && (n.type == QVPN_NOTIFY_R_U_THERE || n.type == QVPN_NOTIFY_R_U_THERE_ACK)) {
        /* RFC 3706 5.1: the sequence number is the notification data, 32 bits. */
        if (!out->dpd) {
            out->dpd = true;
            out->dpd_type = n.type;
            if (n.data_len >= 4)
                out->dpd_seq = qvpn_get_u32(n.data);
        }
        if (n.data_len < 4)
            out->malformed = true;
    }
    if (major == 2 && n.type == NOTIFY_V2_REKEY_SA && n.spi_len == 4 && out->rekey_spi == 0)
        out->rekey_spi = qvpn_get_u32(n.spi);
}

/* --- the chain ------------------------------------------------------------------- */

static void payload(walk_ctx *c, const qvpn_ike_payload *pl, qvpn_ike_inner *out)
{
    uint8_t major = c->major;

    if (pl->type < 64)
        out->payloads |= UINT64_C(1) << pl->type;
    if (major == 1) {
        switch (pl->type) {
        case QVPN_IKE_PL_SA:     sa_payload(c, pl, out); break;
        case QVPN_IKE_PL_KE:     ke_payload(c, pl, out); break;
        case QVPN_IKE_PL_ID:     id_payload(c, pl, out); break;
        case QVPN_IKE_PL_NOTIFY: notify_payload(1, pl, out); break;
        case QVPN_IKE_PL_DELETE: delete_payload(1, pl, out); break;
        case PL_V1_ATTR:         cfg_payload(1, pl, out); break;
        default: break;
        }
        return;
    }
    switch (pl->type) {
    case QVPN_IKE_PL_V2_SA: sa_payload(c, pl, out); break;
    case PL_V2_KE:          ke_payload(c, pl, out); break;
    case PL_V2_IDI:
    case PL_V2_IDR:         id_payload(c, pl, out); break;
    case PL_V2_AUTH:        out->has_auth = true; break;
    case PL_V2_N:           notify_payload(2, pl, out); break;
    case PL_V2_D:           delete_payload(2, pl, out); break;
    case PL_V2_TSI:
    case PL_V2_TSR:         ts_payload(pl, out); break;
    case PL_V2_CP:          cfg_payload(2, pl, out); break;
    default: break;
    }
}

/* RFC 7296 3.14: the plaintext of SK is the payloads, padding, and a last byte
 * saying how much padding there is.  IKEv1 (RFC 2409 appendix B) pads to the
 * cipher's block with nothing to say how much: its chain ends at a next payload
 * of 0, and what follows is ignored. */
bool qvpn_ike_inner_read(uint8_t major, uint8_t exch, uint8_t first,
                         const uint8_t *p, size_t len, qvpn_ike_inner *out)
{
    walk_ctx c = { .major = major, .exch = exch };
    qvpn_ike_iter it;
    qvpn_ike_payload pl;
    unsigned n = 0;

    memset(out, 0, sizeof(*out));
    if ((major != 1 && major != 2) || p == NULL)
        return false;
    if (major == 2 && len >= 1 && (size_t)p[len - 1] + 1 <= len)
        len -= (size_t)p[len - 1] + 1;
    qvpn_ike_iter_init_chain(&it, major, first, p, len);
    while (qvpn_ike_payload_next(&it, &pl)) {
        n++;
        payload(&c, &pl, out);
    }
    if (it.status == QVPN_IKE_WALK_MALFORMED || it.status == QVPN_IKE_WALK_TRUNCATED ||
        it.status == QVPN_IKE_WALK_TOO_MANY)
        out->malformed = true;
    /* PFS: IKEv2's KE names its group; IKEv1's Quick Mode says it in the SA's Group
     * Description (RFC 2407 4.5, attribute 3), the KE being the data alone. */
    if (c.has_ke)
        out->pfs_group = major == 2 ? c.ke_group
                         : exch == QVPN_IKE_EXCH_QUICK_MODE ? c.sa_dh : 0;
    return n > 0;
}

/* --- the tunnel's inside ---------------------------------------------------------
 *
 * IPv4 (RFC 791) and IPv6 (RFC 8200) as in qvpn_wire.c; the header's own length
 * (IPv4 Total Length, IPv6 Payload Length) shortens the span when it is shorter, so
 * that ESP's trailer is not read as the upper layer.  IPv6 extension headers
 * (RFC 8200 4.3-4.6: Hop-by-Hop 0, Routing 43, Destination Options 60: Next Header,
 * Hdr Ext Len in 8-octet units not counting the first 8; Fragment 44: 8 octets) are
 * stepped over, at most INNER_MAX_EXT of them.  A fragment that is not the first
 * carries no upper-layer header.
 *
 * Upper layers: TCP (RFC 9293) and UDP (RFC 768) ports from 4 bytes, TCP flags
 * from 14; ICMP (RFC 792) / ICMPv6 (RFC 4443 4.1-4.2) echo:
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |     Type      |     Code      |          Checksum             |
 *   |           Identifier          |        Sequence Number        |
 */
#define INNER_MAX_EXT 8

static void upper_layer(uint8_t version, const uint8_t *l4, size_t n, qvpn_inner_pkt *out)
{
    qvpn_tcp_hdr tcp;

    switch (out->proto) {
    case 6:
        if (qvpn_tcp_read(l4, n, &tcp)) {
            out->sport = tcp.sport;
            out->dport = tcp.dport;
            out->tcp_flags = (uint8_t)tcp.flags;
        }
        break;
    case 17:
        if (n >= 4) {
            out->sport = qvpn_get_u16(l4);
            out->dport = qvpn_get_u16(l4 + 2);
        }
        break;
    case 1:
    case 58:
        if (n < 8 || (out->proto == 1) != (version == 4))
            break;
        if (l4[0] == (version == 4 ? 8 : 128))
            out->echo = QVPN_INNER_ECHO_REQUEST;
        else if (l4[0] == (version == 4 ? 0 : 129))
            out->echo = QVPN_INNER_ECHO_REPLY;
        else
            break;
        out->echo_id = qvpn_get_u16(l4 + 4);
        out->echo_seq = qvpn_get_u16(l4 + 6);
        break;
    default:
        break;
    }
}

bool qvpn_inner_pkt_read(const uint8_t *p, size_t len, qvpn_inner_pkt *out)
{
    qvpn_ip_hdr ip;
    size_t off, end = len;
    bool first_fragment = true;

    memset(out, 0, sizeof(*out));
    if (p == NULL || len == 0)
        return false;
    if (qvpn_ipv4_read(p, len, &ip)) {
        size_t total = qvpn_get_u16(p + 2);
        if (total >= ip.hdr_len && total < end)
            end = total;
        off = ip.hdr_len;
        first_fragment = (qvpn_get_u16(p + 6) & 0x1fff) == 0;
    } else if (qvpn_ipv6_read(p, len, &ip)) {
        size_t plen = qvpn_get_u16(p + 4);
        if (plen != 0 && 40 + plen < end)   /* 0: a jumbogram's, not a length */
            end = 40 + plen;
        off = 40;
    } else {
        return false;
    }
    out->src = ip.src;
    out->dst = ip.dst;
    out->proto = ip.proto;
    if (ip.version == 6) {
        for (unsigned i = 0; i < INNER_MAX_EXT; i++) {
            uint8_t nh = out->proto;
            size_t ext;
            if (nh != 0 && nh != 43 && nh != 60 && nh != 44)
                break;
            if (off > end || end - off < 8)
                return true;                /* the upper layer is beyond the bytes */
            ext = nh == 44 ? 8 : ((size_t)p[off + 1] + 1) * 8;
            if (nh == 44 && (qvpn_get_u16(p + off + 2) & 0xfff8) != 0)
                first_fragment = false;
            if (ext > end - off)
                return true;
            out->proto = p[off];
            off += ext;
        }
    }
    if (first_fragment && off <= end)
        upper_layer(ip.version, p + off, end - off, out);
    return true;
}
