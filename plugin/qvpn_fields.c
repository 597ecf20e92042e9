/* qvpn_fields.c — wanted fields (an enum plus a table, as TRANSUM's hf_of_interest)
 * and their extraction into the engine's observation.
 *
 * How a post-dissector sees other dissectors' fields: proto_get_finfo_ptr_array()
 * on the frame's tree, which only answers for *primed* hfids.  Every hfid below is
 * handed to set_postdissector_wanted_hfids(), so Wireshark builds and primes the
 * tree on the first pass (one-pass tshark, pass 1 of `tshark -2`, GUI load).  On
 * later passes nothing is primed, which is why plugin.c extracts only when the
 * frame has not been visited yet.
 *
 * Several names are registered more than once (IKEv1 and IKEv2, TLS and SSLv2:
 * isakmp.exchangetype, isakmp.notify.msgtype, tls.handshake.type);
 * proto_registrar_get_id_byname() returns only one of them, so every hfid along
 * the same_name chain is wanted and read.
 *
 * Which instance of a field is used.  Fields carry the protocol layer they were
 * added in (field_info.total_layer_num).  Nothing at or beyond a "cut" layer is
 * read: ICMP (what follows is the quoted header of an ICMP error, not traffic)
 * and whatever ESP carries (when Wireshark decodes NULL-encrypted ESP, the inner
 * packet belongs to the tunnel, not to the connection setup).  For single-valued
 * members the innermost remaining instance is taken, matching pinfo->src/dst.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qvpn_compat.h"

#include <string.h>

#include <epan/packet.h>
#include <epan/proto.h>

#include "qvpn_fields.h"

/* The fields read; one member per name, in the order of the table below. */
typedef enum {
    QF_TCP_STREAM,          /* gate: TCP present */
    QF_TCP_FLAGS,
    QF_TCP_LEN,
    QF_TCP_SRCPORT,
    QF_TCP_DSTPORT,
    QF_UDP_SRCPORT,
    QF_UDP_DSTPORT,
    QF_TLS_CONTENT_TYPE,
    QF_TLS_RECORD_VERSION,
    QF_TLS_HS_TYPE,         /* registered twice: TLS and SSLv2 */
    QF_TLS_ALERT_LEVEL,
    QF_TLS_ALERT_DESC,
    QF_IKE_VERSION,
    QF_IKE_MJVER,
    QF_IKE_EXCH,            /* registered twice: IKEv1 and IKEv2 */
    QF_IKE_FLAGS,
    QF_IKE_ISPI,            /* gate: ISAKMP present */
    QF_IKE_RSPI,
    QF_IKE_MSGID,
    QF_IKE_LENGTH,
    QF_IKE_PAYLOAD_TYPE,
    QF_IKE_NEXT_PAYLOAD,    /* the SK payload's one: first encrypted payload */
    QF_IKE_NOTIFY,          /* registered twice: IKEv1 and IKEv2 */
    QF_IKE_NAT_KEEPALIVE,   /* gate */
    QF_ESP_SPI,             /* gate: ESP present; also a cut layer */
    QF_ESP_SEQ,
    QF_UDPENCAP,            /* the protocol: ESP/IKE in UDP 4500 */
    QF_UDPENCAP_NAT_KEEPALIVE, /* gate */
    QF_UDPENCAP_NON_ESP,
    QF_ICMP,                /* cut layer */
    QF_ICMPV6,              /* cut layer */
    QF_IP_SRC,              /* outer addresses of an ESP frame */
    QF_IP_DST,
    QF_IPV6_SRC,
    QF_IPV6_DST,
    QF_COUNT
} qvpn_field;

static const char *const field_names[] = {
    [QF_TCP_STREAM]             = "tcp.stream",
    [QF_TCP_FLAGS]              = "tcp.flags",
    [QF_TCP_LEN]                = "tcp.len",
    [QF_TCP_SRCPORT]            = "tcp.srcport",
    [QF_TCP_DSTPORT]            = "tcp.dstport",
    [QF_UDP_SRCPORT]            = "udp.srcport",
    [QF_UDP_DSTPORT]            = "udp.dstport",
    [QF_TLS_CONTENT_TYPE]       = "tls.record.content_type",
    [QF_TLS_RECORD_VERSION]     = "tls.record.version",
    [QF_TLS_HS_TYPE]            = "tls.handshake.type",
    [QF_TLS_ALERT_LEVEL]        = "tls.alert_message.level",
    [QF_TLS_ALERT_DESC]         = "tls.alert_message.desc",
    [QF_IKE_VERSION]            = "isakmp.version",
    [QF_IKE_MJVER]              = "isakmp.mjver",
    [QF_IKE_EXCH]               = "isakmp.exchangetype",
    [QF_IKE_FLAGS]              = "isakmp.flags",
    [QF_IKE_ISPI]               = "isakmp.ispi",
    [QF_IKE_RSPI]               = "isakmp.rspi",
    [QF_IKE_MSGID]              = "isakmp.messageid",
    [QF_IKE_LENGTH]             = "isakmp.length",
    [QF_IKE_PAYLOAD_TYPE]       = "isakmp.typepayload",
    [QF_IKE_NEXT_PAYLOAD]       = "isakmp.nextpayload",
    [QF_IKE_NOTIFY]             = "isakmp.notify.msgtype",
    [QF_IKE_NAT_KEEPALIVE]      = "isakmp.ike.nat_keepalive",
    [QF_ESP_SPI]                = "esp.spi",
    [QF_ESP_SEQ]                = "esp.sequence",
    [QF_UDPENCAP]               = "udpencap",
    [QF_UDPENCAP_NAT_KEEPALIVE] = "udpencap.nat_keepalive",
    [QF_UDPENCAP_NON_ESP]       = "udpencap.non_esp_marker",
    [QF_ICMP]                   = "icmp",
    [QF_ICMPV6]                 = "icmpv6",
    [QF_IP_SRC]                 = "ip.src",
    [QF_IP_DST]                 = "ip.dst",
    [QF_IPV6_SRC]               = "ipv6.src",
    [QF_IPV6_DST]               = "ipv6.dst",
};
_Static_assert(sizeof(field_names) / sizeof(field_names[0]) == QF_COUNT,
               "field_names[] must have one entry per qvpn_field");

/* Names some Wireshark versions register a field's data under instead: every hfid
 * of the alternate name is read as the same member, and its absence is no warning.
 * 4.4 renamed the SSLv2 registration of tls.handshake.type (the QuickVPN client's
 * SSLv2-format ClientHello) to tls.ssl2.handshake.type; 4.0 has only the old one. */
static const char *const field_alt_names[QF_COUNT] = {
    [QF_TLS_HS_TYPE] = "tls.ssl2.handshake.type",
};

/* Every hfid registered under each name (more than 4 never seen). */
#define QF_MAX_IDS 4
static int    field_ids[QF_COUNT][QF_MAX_IDS];
static size_t field_nids[QF_COUNT];

/* Layer numbers: no cut, and "not found". */
#define LAYER_ALL  G_MAXINT
#define LAYER_NONE (-1)

/* Adds every hfid registered under name to field f and to wanted; false if none. */
static bool resolve_name(qvpn_field f, const char *name, GArray *wanted)
{
    int id = proto_registrar_get_id_byname(name);
    if (id < 0)
        return false;
    /* Rewind to the first registration of the name, then walk forward. */
    header_field_info *hfi = proto_registrar_get_nth((guint)id);
    for (int guard = 0; hfi && hfi->same_name_prev_id > 0 && guard < 64; guard++) {
        header_field_info *prev = proto_registrar_get_nth((guint)hfi->same_name_prev_id);
        if (prev == NULL)
            break;
        hfi = prev;
    }
    for (; hfi != NULL; hfi = hfi->same_name_next) {
        if (field_nids[f] == QF_MAX_IDS) {
            ws_warning("qvpn: field \"%s\" is registered more than %d times; extra ones ignored",
                       name, QF_MAX_IDS);
            break;
        }
        field_ids[f][field_nids[f]++] = hfi->id;
        g_array_append_val(wanted, hfi->id);
    }
    return true;
}

GArray *qvpn_fields_resolve(void)
{
    GArray *wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));

    for (size_t f = 0; f < QF_COUNT; f++) {
        const char *name = field_names[f];
        field_nids[f] = 0;
        if (name == NULL) {
            ws_warning("qvpn: wanted field %zu has no name", f);
            continue;
        }
        if (!resolve_name((qvpn_field)f, name, wanted))
            ws_warning("qvpn: field \"%s\" is not registered; qvpn will not see it", name);
        if (field_alt_names[f] != NULL)
            resolve_name((qvpn_field)f, field_alt_names[f], wanted);
    }
    return wanted;
}

GArray *qvpn_fields_wanted(void)
{
    GArray *wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));

    for (size_t f = 0; f < QF_COUNT; f++)
        g_array_append_vals(wanted, field_ids[f], (guint)field_nids[f]);
    return wanted;
}

/* --- reading field_info values -------------------------------------------------- */

/* Iterates over every instance of a field (all its hfids) below a cut layer. */
typedef struct {
    proto_tree *tree;
    qvpn_field  f;
    int         cut;
    size_t      id_i;
    GPtrArray  *arr;
    guint       j;
} fi_iter;

static void fi_iter_init(fi_iter *it, proto_tree *tree, qvpn_field f, int cut)
{
    it->tree = tree;
    it->f = f;
    it->cut = cut;
    it->id_i = 0;
    it->arr = NULL;
    it->j = 0;
}

static field_info *fi_next(fi_iter *it)
{
    for (;;) {
        if (it->arr != NULL && it->j < it->arr->len) {
            field_info *fi = (field_info *)g_ptr_array_index(it->arr, it->j++);
            if (fi != NULL && fi->total_layer_num < it->cut)
                return fi;
            continue;
        }
        if (it->id_i >= field_nids[it->f])
            return NULL;
        it->arr = proto_get_finfo_ptr_array(it->tree, field_ids[it->f][it->id_i++]);
        it->j = 0;
    }
}

/* The innermost instance below the cut (largest layer; later wins a tie). */
static field_info *fi_last(proto_tree *tree, qvpn_field f, int cut)
{
    fi_iter it;
    field_info *fi, *best = NULL;

    fi_iter_init(&it, tree, f, cut);
    while ((fi = fi_next(&it)) != NULL)
        if (best == NULL || fi->total_layer_num >= best->total_layer_num)
            best = fi;
    return best;
}

/* The outermost instance's layer, or LAYER_NONE. */
static int fi_first_layer(proto_tree *tree, qvpn_field f)
{
    fi_iter it;
    field_info *fi;
    int layer = LAYER_NONE;

    fi_iter_init(&it, tree, f, LAYER_ALL);
    while ((fi = fi_next(&it)) != NULL)
        if (layer == LAYER_NONE || fi->total_layer_num < layer)
            layer = fi->total_layer_num;
    return layer;
}

static bool fi_present(proto_tree *tree, qvpn_field f)
{
    for (size_t i = 0; i < field_nids[f]; i++) {
        GPtrArray *arr = proto_get_finfo_ptr_array(tree, field_ids[f][i]);
        if (arr != NULL && arr->len > 0)
            return true;
    }
    return false;
}

/* An unsigned integer field's value; false for any other type (a getter for the
 * wrong ftype would assert). */
static bool fi_uint(field_info *fi, uint64_t *out)
{
    if (fi == NULL)
        return false;
    switch (fi->hfinfo->type) {
    case FT_UINT8:
    case FT_UINT16:
    case FT_UINT24:
    case FT_UINT32:
    case FT_FRAMENUM:
        *out = fvalue_get_uinteger(QVPN_FI_FVALUE(fi));
        return true;
    case FT_UINT40:
    case FT_UINT48:
    case FT_UINT56:
    case FT_UINT64:
    case FT_BOOLEAN:
        *out = fvalue_get_uinteger64(QVPN_FI_FVALUE(fi));
        return true;
    default:
        return false;
    }
}

static uint64_t last_uint(proto_tree *tree, qvpn_field f, int cut, uint64_t dflt)
{
    uint64_t v;
    return fi_uint(fi_last(tree, f, cut), &v) ? v : dflt;
}

/* Copies exactly len bytes of the field from its data source, if it has them.
 * Reading the tvb avoids the FT_BYTES getter, whose type changed in 4.2. */
static bool fi_bytes(const field_info *fi, uint8_t *dst, int len)
{
    if (fi == NULL || fi->ds_tvb == NULL || fi->length != len)
        return false;
    if (!tvb_bytes_exist(fi->ds_tvb, fi->start, len))
        return false;
    tvb_memcpy(fi->ds_tvb, dst, fi->start, (size_t)len);
    return true;
}

/* --- extraction ------------------------------------------------------------------ */

static void addr_from_pinfo(const address *a, qvpn_addr *out)
{
    memset(out, 0, sizeof(*out));
    if (a->type == AT_IPv4 && a->len == 4) {
        out->len = 4;
        memcpy(out->bytes, a->data, 4);
    } else if (a->type == AT_IPv6 && a->len == 16) {
        out->len = 16;
        memcpy(out->bytes, a->data, 16);
    }
}

/* The addresses of the innermost IP header below the cut layer (ESP frames). */
static bool addrs_below(proto_tree *tree, int cut, qvpn_obs *obs)
{
    field_info *s4 = fi_last(tree, QF_IP_SRC, cut), *d4 = fi_last(tree, QF_IP_DST, cut);
    field_info *s6 = fi_last(tree, QF_IPV6_SRC, cut), *d6 = fi_last(tree, QF_IPV6_DST, cut);
    qvpn_addr src = {0}, dst = {0};
    bool v6 = s6 != NULL && d6 != NULL &&
              (s4 == NULL || d4 == NULL || s6->total_layer_num > s4->total_layer_num);

    if (v6 && fi_bytes(s6, src.bytes, 16) && fi_bytes(d6, dst.bytes, 16)) {
        src.len = dst.len = 16;
    } else if (!v6 && fi_bytes(s4, src.bytes, 4) && fi_bytes(d4, dst.bytes, 4)) {
        src.len = dst.len = 4;
    } else {
        return false;
    }
    obs->src = src;
    obs->dst = dst;
    return true;
}

static void extract_tcp(proto_tree *tree, int cut, qvpn_obs *obs)
{
    uint64_t v;

    if (!fi_uint(fi_last(tree, QF_TCP_STREAM, cut), &v))
        return;
    obs->tcp.present = true;
    obs->tcp.stream  = (uint32_t)v;
    obs->tcp.flags   = (uint16_t)last_uint(tree, QF_TCP_FLAGS, cut, 0);
    obs->tcp.seg_len = (uint32_t)last_uint(tree, QF_TCP_LEN, cut, 0);
    obs->sport = (uint16_t)last_uint(tree, QF_TCP_SRCPORT, cut, 0);
    obs->dport = (uint16_t)last_uint(tree, QF_TCP_DSTPORT, cut, 0);
}

static void extract_tls(proto_tree *tree, int cut, qvpn_obs *obs)
{
    fi_iter it;
    field_info *fi;
    uint64_t v;

    fi_iter_init(&it, tree, QF_TLS_CONTENT_TYPE, cut);
    while ((fi = fi_next(&it)) != NULL)
        if (fi_uint(fi, &v) && v < 32)
            obs->tls.content_types |= UINT32_C(1) << v;

    fi_iter_init(&it, tree, QF_TLS_HS_TYPE, cut);
    while ((fi = fi_next(&it)) != NULL)
        if (fi_uint(fi, &v) && v < 32)
            obs->tls.hs_types |= UINT32_C(1) << v;

    fi_iter_init(&it, tree, QF_TLS_RECORD_VERSION, cut);
    while ((fi = fi_next(&it)) != NULL)
        if (fi_uint(fi, &v) && v == 0x0002)
            obs->tls.sslv2 = true;

    /* Alerts: levels and descriptions come in record order; keep the first fatal
     * one, else the first one. */
    fi_iter lv, ds;
    field_info *fl, *fd;
    fi_iter_init(&lv, tree, QF_TLS_ALERT_LEVEL, cut);
    fi_iter_init(&ds, tree, QF_TLS_ALERT_DESC, cut);
    while ((fl = fi_next(&lv)) != NULL) {
        uint64_t level, desc = 0;
        fd = fi_next(&ds);
        if (!fi_uint(fl, &level) || level == 0 || level > 255)
            continue;
        if (fd != NULL && (!fi_uint(fd, &desc) || desc > 255))
            desc = 0;
        if (obs->tls.alert_level == 0 || (obs->tls.alert_level != 2 && level == 2)) {
            obs->tls.alert_level = (uint8_t)level;
            obs->tls.alert_desc  = (uint8_t)desc;
        }
    }
}

static void extract_ike(proto_tree *tree, int cut, qvpn_obs *obs)
{
    field_info *ispi = fi_last(tree, QF_IKE_ISPI, cut);
    fi_iter it;
    field_info *fi;
    uint64_t v;

    if (ispi == NULL)
        return;
    obs->ike.present = true;
    if (fi_uint(fi_last(tree, QF_IKE_VERSION, cut), &v))
        obs->ike.version = (uint8_t)((v >> 4) & 0x0f);        /* 0x10 -> 1, 0x20 -> 2 */
    else if (fi_uint(fi_last(tree, QF_IKE_MJVER, cut), &v))
        obs->ike.version = (uint8_t)(v & 0x0f);
    obs->ike.exch   = (uint8_t)last_uint(tree, QF_IKE_EXCH, cut, 0);
    obs->ike.flags  = (uint8_t)last_uint(tree, QF_IKE_FLAGS, cut, 0);
    obs->ike.msgid  = (uint32_t)last_uint(tree, QF_IKE_MSGID, cut, 0);
    obs->ike.length = (uint32_t)last_uint(tree, QF_IKE_LENGTH, cut, 0);
    fi_bytes(ispi, obs->ike.ispi, 8);
    fi_bytes(fi_last(tree, QF_IKE_RSPI, cut), obs->ike.rspi, 8);

    fi_iter_init(&it, tree, QF_IKE_PAYLOAD_TYPE, cut);
    while ((fi = fi_next(&it)) != NULL)
        if (fi_uint(fi, &v) && v < 64)
            obs->ike.payloads |= UINT64_C(1) << v;

    /* Header's next payload SK (46) or SKF (53): the next one names the first
     * payload inside, which stays visible although encrypted. */
    fi_iter_init(&it, tree, QF_IKE_NEXT_PAYLOAD, cut);
    if ((fi = fi_next(&it)) != NULL && fi_uint(fi, &v) && (v == 46 || v == 53) &&
        (fi = fi_next(&it)) != NULL && fi_uint(fi, &v))
        obs->ike.sk_inner = (uint8_t)v;

    fi_iter_init(&it, tree, QF_IKE_NOTIFY, cut);
    while ((fi = fi_next(&it)) != NULL && obs->ike.n_notify < QVPN_MAX_NOTIFY)
        if (fi_uint(fi, &v))
            obs->ike.notify[obs->ike.n_notify++] = (uint16_t)v;

    obs->ike.nat_t = fi_last(tree, QF_UDPENCAP_NON_ESP, cut) != NULL ||
                     obs->sport == 4500 || obs->dport == 4500;
}

bool qvpn_fields_extract(proto_tree *tree, const packet_info *pinfo, qvpn_obs *obs)
{
    if (tree == NULL)
        return false;
    /* The gate: a frame with none of these costs five hash lookups. */
    if (!fi_present(tree, QF_TCP_STREAM) && !fi_present(tree, QF_IKE_ISPI) &&
        !fi_present(tree, QF_ESP_SPI) && !fi_present(tree, QF_UDPENCAP_NAT_KEEPALIVE) &&
        !fi_present(tree, QF_IKE_NAT_KEEPALIVE))
        return false;

    /* Cut layer: nothing inside an ICMP error, nothing carried by ESP. */
    int cut = LAYER_ALL;
    int icmp = fi_first_layer(tree, QF_ICMP), icmp6 = fi_first_layer(tree, QF_ICMPV6);
    int esp = fi_first_layer(tree, QF_ESP_SPI);
    if (icmp != LAYER_NONE)
        cut = MIN(cut, icmp);
    if (icmp6 != LAYER_NONE)
        cut = MIN(cut, icmp6);
    if (esp != LAYER_NONE && esp < cut)
        cut = esp + 1;          /* ESP's own fields, not what it carries */
    else
        esp = LAYER_NONE;

    memset(obs, 0, sizeof(*obs));
    obs->frame = pinfo->num;
    obs->ts_ns = qvpn_nstime_to_ns(&pinfo->abs_ts);
    addr_from_pinfo(&pinfo->src, &obs->src);
    addr_from_pinfo(&pinfo->dst, &obs->dst);

    obs->sport = (uint16_t)last_uint(tree, QF_UDP_SRCPORT, cut, 0);
    obs->dport = (uint16_t)last_uint(tree, QF_UDP_DSTPORT, cut, 0);
    extract_tcp(tree, cut, obs);
    extract_tls(tree, cut, obs);
    extract_ike(tree, cut, obs);

    if (esp != LAYER_NONE) {
        uint64_t v;
        if (fi_uint(fi_last(tree, QF_ESP_SPI, cut), &v)) {
            obs->esp.present = true;
            obs->esp.spi = (uint32_t)v;
            obs->esp.seq = (uint32_t)last_uint(tree, QF_ESP_SEQ, cut, 0);
            obs->esp.udp_encap = fi_last(tree, QF_UDPENCAP, cut) != NULL;
            /* pinfo->src/dst are the inner addresses when Wireshark decoded the
             * payload; the SA belongs to the header that carried the ESP. */
            addrs_below(tree, esp, obs);
        }
    }

    obs->nat_keepalive = fi_last(tree, QF_UDPENCAP_NAT_KEEPALIVE, cut) != NULL ||
                         fi_last(tree, QF_IKE_NAT_KEEPALIVE, cut) != NULL;

    return obs->tcp.present || obs->ike.present || obs->esp.present || obs->nat_keepalive;
}
