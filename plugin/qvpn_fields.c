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
 * Some names are registered more than once (TLS and SSLv2: tls.handshake.type);
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
 * Headers instead of fields.  A wanted field is not free: Wireshark fills in every
 * instance of it (labels formatted, values stored, a lookup table per frame), and a
 * field of a protocol makes that protocol "referenced", which the IP dissector
 * answers by building its whole subtree (addresses formatted, host names, GeoIP):
 * about 6,000 instructions per IPv4 frame for ip.src/ip.dst alone, more than qvpn's
 * own work.  Each wanted hfid also costs every frame, ISAKMP or not: Wireshark
 * primes it before dissecting each one.  So what a header holds is read from the
 * header's bytes, by the core's readers (core/qvpn_wire.h): IPv4/IPv6 addresses,
 * UDP and TCP ports, TCP flags, the ESP SPI and sequence number, the ISAKMP header
 * and its payload chain (payload types, notify types, the first payload inside
 * IKEv2's SK), NAT-T keepalives.  This file only finds the items and hands their
 * bytes over.  Protocols are top-level items (children of the tree's root), which
 * Wireshark never fakes, so they are there without being wanted, and carry their
 * layer number like any field.  Only what no header holds is wanted: tcp.stream and
 * tcp.len (Wireshark's own bookkeeping) and the TLS records.  A protocol that an
 * encapsulation dissects below another protocol's item (not at the top level) is
 * not seen; every capture in captures/ has them at the top, and tests/integration
 * compares the verdicts on all of them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qvpn_compat.h"

#include <string.h>

#include <epan/packet.h>
#include <epan/proto.h>

#include "qvpn_fields.h"
#include "qvpn_netwire.h"
#include "qvpn_wire.h"

/* The fields read; one member per name, in the order of the table below. */
typedef enum {
    QF_TCP_STREAM,          /* TCP present (the stream index is in no header) */
    QF_TCP_LEN,
    QF_TLS_CONTENT_TYPE,
    QF_TLS_RECORD_VERSION,
    QF_TLS_HS_TYPE,         /* registered twice: TLS and SSLv2 */
    QF_TLS_ALERT_LEVEL,
    QF_TLS_ALERT_DESC,
    QF_COUNT
} qvpn_field;

static const char *const field_names[] = {
    [QF_TCP_STREAM]             = "tcp.stream",
    [QF_TCP_LEN]                = "tcp.len",
    [QF_TLS_CONTENT_TYPE]       = "tls.record.content_type",
    [QF_TLS_RECORD_VERSION]     = "tls.record.version",
    [QF_TLS_HS_TYPE]            = "tls.handshake.type",
    [QF_TLS_ALERT_LEVEL]        = "tls.alert_message.level",
    [QF_TLS_ALERT_DESC]         = "tls.alert_message.desc",
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

/* The protocols whose headers are read from their top-level items. */
typedef enum {
    QP_IP,
    QP_IPV6,
    QP_UDP,                 /* UDP-Lite items count as UDP: same header, same fields */
    QP_TCP,
    QP_ESP,                 /* also a cut layer */
    QP_AH,                  /* a cut layer as ESP: what it protects is the tunnel's */
    QP_ISAKMP,
    QP_UDPENCAP,            /* ESP/IKE in UDP 4500 */
    QP_ICMP,                /* cut layer */
    QP_ICMPV6,              /* cut layer */
    QP_TLS,                 /* its records: the hellos' offered suites */
    QP_COUNT
} qvpn_proto;

static const char *const proto_names[] = {
    [QP_IP]       = "ip",
    [QP_IPV6]     = "ipv6",
    [QP_UDP]      = "udp",
    [QP_TCP]      = "tcp",
    [QP_ESP]      = "esp",
    [QP_AH]       = "ah",
    [QP_ISAKMP]   = "isakmp",
    [QP_UDPENCAP] = "udpencap",
    [QP_ICMP]     = "icmp",
    [QP_ICMPV6]   = "icmpv6",
    [QP_TLS]      = "tls",
};
_Static_assert(sizeof(proto_names) / sizeof(proto_names[0]) == QP_COUNT,
               "proto_names[] must have one entry per qvpn_proto");

/* k=header_field_info * of a protocol read (UDP-Lite's too, read as UDP), v=its
 * qvpn_proto: a small open-addressing table, looked up once per top-level item of
 * every frame.  Keyed by the hfinfo pointer, so that telling items apart touches
 * no header_field_info (one cache line each, scattered). */
#define QP_SLOTS 32         /* power of two, well above QP_COUNT + 1 */
static const header_field_info *proto_slot_hfi[QP_SLOTS];
static qvpn_proto               proto_slot_kind[QP_SLOTS];

static unsigned proto_slot(const header_field_info *hfi)
{
    uintptr_t k = (uintptr_t)hfi;
    return (unsigned)((k >> 4) ^ (k >> 9)) & (QP_SLOTS - 1);
}

/* The kind of a top-level item's protocol; false if qvpn does not read it. */
static bool proto_kind_of(const header_field_info *hfi, qvpn_proto *kind)
{
    for (unsigned i = proto_slot(hfi);; i = (i + 1) & (QP_SLOTS - 1)) {
        if (proto_slot_hfi[i] == hfi) {
            *kind = proto_slot_kind[i];
            return true;
        }
        if (proto_slot_hfi[i] == NULL)
            return false;
    }
}

static void resolve_protocols(void)
{
    memset(proto_slot_hfi, 0, sizeof(proto_slot_hfi));
    for (size_t p = 0; p <= QP_COUNT; p++) {
        const char *name = p < QP_COUNT ? proto_names[p] : "udplite";
        int id = proto_get_id_by_filter_name(name);
        if (id < 0) {
            if (p < QP_COUNT)
                ws_warning("qvpn: protocol \"%s\" is not registered; qvpn will not see it",
                           name);
            continue;
        }
        const header_field_info *hfi = proto_registrar_get_nth((guint)id);
        unsigned i = proto_slot(hfi);
        while (proto_slot_hfi[i] != NULL && proto_slot_hfi[i] != hfi)
            i = (i + 1) & (QP_SLOTS - 1);
        proto_slot_hfi[i] = hfi;
        proto_slot_kind[i] = p < QP_COUNT ? (qvpn_proto)p : QP_UDP;
    }
}

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
    resolve_protocols();
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

/* --- top-level protocol items -------------------------------------------------- */

/* The frame's top-level items of the protocols in proto_names, in tree order (which
 * is layer order).  More than QP_MAX_ITEMS of them (tunnels in tunnels) are not
 * looked at. */
#define QP_MAX_ITEMS 16
typedef struct {
    unsigned          n;
    qvpn_proto        kind[QP_MAX_ITEMS];
    const field_info *fi[QP_MAX_ITEMS];
    const field_info *first[QP_COUNT];  /* each protocol's outermost item */
    const field_info *last[QP_COUNT];   /* its innermost below the cut layer */
    bool              ip_after_esp;     /* Wireshark dissected what ESP carries */
    /* The frame's own bytes: most items lie in them, and reading a header there
     * costs no call into the tvbuff layer. */
    const tvbuff_t   *frame_tvb;
    const guint8     *frame;
    gint              frame_len;
} top_items;

static void top_items_collect(proto_tree *tree, tvbuff_t *frame_tvb, top_items *ti)
{
    qvpn_proto kind;

    ti->n = 0;
    for (size_t p = 0; p < QP_COUNT; p++)
        ti->first[p] = NULL;
    ti->frame_tvb = frame_tvb;
    ti->frame_len = frame_tvb != NULL ? (gint)tvb_captured_length(frame_tvb) : 0;
    ti->frame = ti->frame_len > 0 ? tvb_get_ptr(frame_tvb, 0, ti->frame_len) : NULL;
    for (proto_node *node = tree->first_child; node != NULL; node = node->next) {
        const field_info *fi = PNODE_FINFO(node);
        if (fi == NULL || !proto_kind_of(fi->hfinfo, &kind))
            continue;
        if (ti->n == QP_MAX_ITEMS)
            return;
        ti->kind[ti->n] = kind;
        ti->fi[ti->n] = fi;
        ti->n++;
        if (ti->first[kind] == NULL)
            ti->first[kind] = fi;
    }
}

/* Once the cut layer is known: the innermost item of each protocol below it (largest
 * layer; later wins a tie), and whether an IP item follows ESP's layer. */
static void top_items_cut(top_items *ti, int cut, int esp)
{
    for (size_t p = 0; p < QP_COUNT; p++)
        ti->last[p] = NULL;
    ti->ip_after_esp = false;
    for (unsigned i = 0; i < ti->n; i++) {
        const field_info *fi = ti->fi[i], **last = &ti->last[ti->kind[i]];
        if (fi->total_layer_num < cut &&
            (*last == NULL || fi->total_layer_num >= (*last)->total_layer_num))
            *last = fi;
        if (esp != LAYER_NONE && fi->total_layer_num > esp &&
            (ti->kind[i] == QP_IP || ti->kind[i] == QP_IPV6))
            ti->ip_after_esp = true;
    }
}

/* The outermost item's layer, or LAYER_NONE. */
static int top_first_layer(const top_items *ti, qvpn_proto p)
{
    return ti->first[p] != NULL ? ti->first[p]->total_layer_num : LAYER_NONE;
}

/* The innermost item below the cut. */
static const field_info *top_last(const top_items *ti, qvpn_proto p)
{
    return ti->last[p];
}

/* The item of protocol p added in exactly this layer. */
static const field_info *top_at(const top_items *ti, qvpn_proto p, int layer)
{
    const field_info *found = NULL;

    for (unsigned i = 0; i < ti->n; i++)
        if (ti->kind[i] == p && ti->fi[i]->total_layer_num == layer)
            found = ti->fi[i];
    return found;
}

/* An item's bytes as far as they were captured: in the frame's bytes, or else in
 * its data source (a reassembled or decrypted buffer).  What they mean is for the
 * readers of core/qvpn_wire.h to say; they take no bytes (NULL, 0) as too short. */
typedef struct {
    const guint8 *p;
    size_t        len;      /* 0: no item, or none of its bytes captured */
} item_bytes;

static item_bytes bytes_of(const top_items *ti, const field_info *fi)
{
    item_bytes b = { NULL, 0 };
    gint avail;

    if (fi == NULL || fi->ds_tvb == NULL || fi->start < 0 || fi->length <= 0)
        return b;
    if (fi->ds_tvb == ti->frame_tvb && ti->frame != NULL) {
        if (fi->start >= ti->frame_len)
            return b;
        b.p = ti->frame + fi->start;
        b.len = (size_t)MIN(fi->length, ti->frame_len - fi->start);
        return b;
    }
    avail = tvb_captured_length_remaining(fi->ds_tvb, fi->start);
    if (avail <= 0)
        return b;
    b.len = (size_t)MIN(fi->length, avail);
    b.p = tvb_get_ptr(fi->ds_tvb, fi->start, (gint)b.len);
    return b;
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

/* The header of the i-th top-level item if it is IPv4 or IPv6.  Wireshark's item
 * spans the header (IHL words for IPv4), so a bogus IHL leaves it too short. */
static bool ip_header(const top_items *ti, unsigned i, qvpn_ip_hdr *h)
{
    item_bytes b;

    if (ti->kind[i] != QP_IP && ti->kind[i] != QP_IPV6)
        return false;
    b = bytes_of(ti, ti->fi[i]);
    return ti->kind[i] == QP_IP ? qvpn_ipv4_read(b.p, b.len, h) : qvpn_ipv6_read(b.p, b.len, h);
}

/* The addresses of the innermost IP header below the cut layer (ESP frames): the
 * innermost IPv4 or IPv6 item whose header holds them. */
static bool addrs_below(const top_items *ti, int cut, qvpn_obs *obs)
{
    qvpn_ip_hdr h;

    for (unsigned i = ti->n; i-- > 0;) {
        if (ti->fi[i]->total_layer_num < cut && ip_header(ti, i, &h)) {
            obs->src = h.src;
            obs->dst = h.dst;
            return true;
        }
    }
    return false;
}

/* TCP: the header of the item in tcp.stream's layer. */
static void extract_tcp(proto_tree *tree, const top_items *ti, int cut, qvpn_obs *obs)
{
    field_info *stream;
    item_bytes b;
    qvpn_tcp_hdr h;
    uint64_t v;

    if (top_last(ti, QP_TCP) == NULL)
        return;
    stream = fi_last(tree, QF_TCP_STREAM, cut);
    if (!fi_uint(stream, &v))
        return;
    obs->tcp.present = true;
    obs->tcp.stream  = (uint32_t)v;
    obs->tcp.seg_len = (uint32_t)last_uint(tree, QF_TCP_LEN, cut, 0);
    obs->sport = obs->dport = 0;
    b = bytes_of(ti, top_at(ti, QP_TCP, stream->total_layer_num));
    if (qvpn_tcp_read(b.p, b.len, &h)) {
        obs->sport = h.sport;
        obs->dport = h.dport;
        if (h.has_flags)
            obs->tcp.flags = h.flags;
    }
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

/* What the ISAKMP dissector decrypted with the user's keys (ikev1_decryption_table,
 * ikev2_decryption_table): it adds the plaintext as a data source of the frame, by
 * these names in 4.0 to 4.6, whether or not a tree is built.  Looked up by name only
 * on encrypted messages: without keys there is none, and nothing else is done. */
static void extract_decrypted_ike(packet_info *pinfo, uint8_t major, qvpn_obs *obs)
{
    tvbuff_t *d = qvpn_data_source_tvb(pinfo, major == 1 ? "Decrypted IKE" : "Decrypted Data");
    gint len = d != NULL ? (gint)tvb_captured_length(d) : 0;

    if (len <= 0)
        return;
    obs->ike.decrypted.p = tvb_get_ptr(d, 0, len);
    obs->ike.decrypted.len = (size_t)len;
}

/* ISAKMP: the innermost item below the cut, header and payload chain.  Wireshark
 * adds the item only once the 28 header bytes are there; it spans the UDP payload
 * (without link-layer padding) or the reassembled message, and a message longer
 * than what was captured is walked as far as it was. */
static void extract_ike(const top_items *ti, packet_info *pinfo, qvpn_obs *obs)
{
    const field_info *fi = top_last(ti, QP_ISAKMP);
    item_bytes b;
    qvpn_isakmp_hdr h;
    qvpn_ike_summary sum;

    if (fi == NULL)             /* most frames: no call into the core for them */
        return;
    b = bytes_of(ti, fi);
    if (!qvpn_isakmp_read(b.p, b.len, &h))
        return;
    obs->ike.present = true;
    obs->ike.version = h.major;
    obs->ike.exch    = h.exch;
    obs->ike.flags   = h.flags;
    obs->ike.msgid   = h.msgid;
    obs->ike.length  = h.length;
    memcpy(obs->ike.ispi, h.ispi, sizeof(obs->ike.ispi));
    memcpy(obs->ike.rspi, h.rspi, sizeof(obs->ike.rspi));

    qvpn_ike_summarise(b.p, b.len, &h, &sum);
    obs->ike.payloads = sum.payloads;
    memcpy(obs->ike.notify, sum.notify, sizeof(obs->ike.notify));
    obs->ike.n_notify = sum.n_notify;
    obs->ike.sk_inner = sum.sk_inner;
    obs->ike.malformed = sum.status == QVPN_IKE_WALK_MALFORMED;
    obs->ike.msg.p = b.p;       /* the engine reads its cleartext payloads */
    obs->ike.msg.len = b.len;
    if (pinfo != NULL && ((h.major == 1 && (h.flags & QVPN_IKE_FLAG_V1_ENCRYPTED)) ||
                          (h.major == 2 && (sum.payloads & (UINT64_C(1) << QVPN_IKE_PL_V2_SK)))))
        extract_decrypted_ike(pinfo, h.major, obs);

    /* Wireshark hands IKE to ISAKMP from UDP-encapsulation only after a non-ESP
     * marker (RFC 3948 2.2). */
    obs->ike.nat_t = top_last(ti, QP_UDPENCAP) != NULL ||
                     obs->sport == 4500 || obs->dport == 4500;
}

static item_bytes bytes_from(const field_info *fi, gint max);

/* The packet a decrypted ESP carries: the first IP item after ESP's layer, when it
 * lies in a data source of its own (what the ESP dissector decrypted with the user's
 * esp_sa keys; NULL encryption leaves it in the frame's bytes, and that is not
 * read).  Its header and the start of what follows: the core reads the inner
 * addresses, protocol, ports and ICMP echo. */
static void extract_inner(const top_items *ti, int esp, qvpn_obs *obs)
{
    for (unsigned i = 0; i < ti->n; i++) {
        const field_info *fi = ti->fi[i];
        if (fi->total_layer_num <= esp || (ti->kind[i] != QP_IP && ti->kind[i] != QP_IPV6))
            continue;
        if (fi->ds_tvb == ti->frame_tvb)
            return;
        item_bytes b = bytes_from(fi, 128);
        obs->esp.inner.p = b.p;
        obs->esp.inner.len = b.len;
        return;
    }
}

/* ESP or AH: the outermost item (the header that the cut layer is), whose SPI and
 * sequence number Wireshark shows from 4 and 8 bytes on (AH: 8 and 12). */
static void extract_esp(const top_items *ti, int esp, bool ah, qvpn_obs *obs)
{
    item_bytes b;
    qvpn_esp_hdr h;

    if (esp == LAYER_NONE)      /* most frames: no call into the core for them */
        return;
    b = bytes_of(ti, ti->first[ah ? QP_AH : QP_ESP]);
    if (!(ah ? qvpn_ah_read(b.p, b.len, &h) : qvpn_esp_read(b.p, b.len, &h)))
        return;
    obs->esp.present = true;
    obs->esp.ah = ah;
    obs->esp.spi = h.spi;
    obs->esp.seq = h.seq;
    obs->esp.udp_encap = top_last(ti, QP_UDPENCAP) != NULL;
    /* pinfo->src/dst are the inner addresses when Wireshark decoded the payload (an
     * IP item after ESP's); the SA belongs to the header that carried the ESP.
     * Otherwise they already are that header's. */
    if (ti->ip_after_esp) {
        addrs_below(ti, esp, obs);
        extract_inner(ti, esp, obs);
    }
}

/* The UDP-encapsulation and ISAKMP dissectors add their item over the whole UDP
 * payload, and a keepalive is a payload of one byte (core/qvpn_wire.h). */
static bool is_keepalive(const top_items *ti, const field_info *fi)
{
    item_bytes b;

    if (fi == NULL)
        return false;
    b = bytes_of(ti, fi);
    return qvpn_natt_keepalive(b.p, b.len);
}

/* The records of the frame's first TLS item, when the frame carries a hello: the
 * engine reads the offered and chosen suites from them. */
static void extract_hello(const top_items *ti, qvpn_obs *obs)
{
    const uint32_t hellos = (UINT32_C(1) << QVPN_TLS_HS_CLIENT_HELLO) |
                            (UINT32_C(1) << QVPN_TLS_HS_SERVER_HELLO);
    if (!(obs->tls.hs_types & hellos) || ti->first[QP_TLS] == NULL)
        return;
    item_bytes b = bytes_of(ti, ti->first[QP_TLS]);
    obs->tls.hello.p = b.p;
    obs->tls.hello.len = b.len;
}

/* Up to max bytes from an item's start, past its end: a fragment's header item does
 * not span the transport ports after it, nor an IPv6 Fragment header the item may
 * leave out. */
static item_bytes bytes_from(const field_info *fi, gint max)
{
    item_bytes b = { NULL, 0 };
    gint avail;

    if (fi == NULL || fi->ds_tvb == NULL || fi->start < 0)
        return b;
    avail = tvb_captured_length_remaining(fi->ds_tvb, fi->start);
    if (avail <= 0)
        return b;
    b.len = (size_t)MIN(avail, max);
    b.p = tvb_get_ptr(fi->ds_tvb, fi->start, (gint)b.len);
    return b;
}

/* The outermost IP header when it is a fragment (IPv4: MF or an offset; IPv6: any
 * next header but TCP and UDP, for the core's reader to look for a Fragment header). */
static void extract_ip_frag(const top_items *ti, qvpn_obs *obs)
{
    const field_info *v4 = ti->first[QP_IP], *v6 = ti->first[QP_IPV6];
    bool use_v6 = v6 != NULL && (v4 == NULL || v6->total_layer_num < v4->total_layer_num);
    item_bytes b;

    if (!use_v6 && v4 != NULL) {
        /* Most frames: the header in the frame's own bytes, not a fragment. */
        if (v4->ds_tvb == ti->frame_tvb && v4->start >= 0 && v4->length >= 8 &&
            v4->start + 8 <= ti->frame_len) {
            if (!qvpn_ip_maybe_fragment(false, ti->frame + v4->start, 8))
                return;
        } else {
            b = bytes_of(ti, v4);
            if (!qvpn_ip_maybe_fragment(false, b.p, b.len))
                return;
        }
        b = bytes_from(v4, 128);
    } else if (use_v6) {
        b = bytes_from(v6, 128);
        if (!qvpn_ip_maybe_fragment(true, b.p, b.len))
            return;
        obs->ip_frag_v6 = true;
    } else {
        return;
    }
    obs->ip_frag.p = b.p;
    obs->ip_frag.len = b.len;
}

/* An ICMP or ICMPv6 item: the message and the packet it quotes. */
static void extract_icmp(const top_items *ti, qvpn_obs *obs)
{
    const field_info *fi = ti->first[QP_ICMP] ? ti->first[QP_ICMP] : ti->first[QP_ICMPV6];
    if (fi == NULL)
        return;
    item_bytes b = bytes_of(ti, fi);
    obs->icmp.p = b.p;
    obs->icmp.len = b.len;
    obs->icmp_v6 = fi == ti->first[QP_ICMPV6];
}

bool qvpn_fields_extract(tvbuff_t *tvb, proto_tree *tree, packet_info *pinfo, qvpn_obs *obs)
{
    top_items ti;

    if (tree == NULL)
        return false;
    top_items_collect(tree, tvb, &ti);

    /* Cut layer: nothing inside an ICMP error, nothing carried by ESP. */
    int cut = LAYER_ALL;
    int icmp = top_first_layer(&ti, QP_ICMP), icmp6 = top_first_layer(&ti, QP_ICMPV6);
    int esp = top_first_layer(&ti, QP_ESP), ah = top_first_layer(&ti, QP_AH);
    bool is_ah = ah != LAYER_NONE && (esp == LAYER_NONE || ah < esp);
    if (is_ah)
        esp = ah;               /* the outer of the two carries the tunnel */
    if (icmp != LAYER_NONE)
        cut = MIN(cut, icmp);
    if (icmp6 != LAYER_NONE)
        cut = MIN(cut, icmp6);
    if (esp != LAYER_NONE && esp < cut)
        cut = esp + 1;          /* ESP's own header, not what it carries */
    else
        esp = LAYER_NONE;
    top_items_cut(&ti, cut, esp);

    /* Cleared by copying a zero object: a memset() of this size compiles to `rep
     * stos`, whose start-up cost showed as a quarter of this function's time. */
    static const qvpn_obs zero_obs;
    memcpy(obs, &zero_obs, sizeof(*obs));
    obs->frame = pinfo->num;
    obs->ts_ns = qvpn_nstime_to_ns(&pinfo->abs_ts);
    addr_from_pinfo(&pinfo->src, &obs->src);
    addr_from_pinfo(&pinfo->dst, &obs->dst);

    extract_tcp(tree, &ti, cut, obs);
    if (obs->tcp.present) {
        /* TLS is read for TCP frames only: the engine looks at it nowhere else. */
        extract_tls(tree, cut, obs);
        extract_hello(&ti, obs);
    } else if (top_last(&ti, QP_UDP) != NULL) {
        item_bytes b = bytes_of(&ti, top_last(&ti, QP_UDP));
        qvpn_udp_hdr u;
        if (qvpn_udp_read(b.p, b.len, &u)) {
            obs->sport = u.sport;
            obs->dport = u.dport;
        }
    }
    extract_ike(&ti, pinfo, obs);
    extract_esp(&ti, esp, is_ah, obs);
    /* A fragment that is not the last shows no transport header (Wireshark dissects
     * UDP or TCP only once reassembled): only such frames, and IKE and ESP (whose last
     * fragment carries the whole), can be a fragment qvpn counts. */
    if ((top_last(&ti, QP_TCP) == NULL && top_last(&ti, QP_UDP) == NULL) ||
        obs->ike.present || obs->esp.present)
        extract_ip_frag(&ti, obs);

    if (obs->tcp.present || obs->ike.present || obs->esp.present)
        return true;
    if (icmp != LAYER_NONE || icmp6 != LAYER_NONE) {
        extract_icmp(&ti, obs);
        return obs->icmp.len > 0;
    }
    if (obs->ip_frag.len > 0)
        return true;
    /* Only a frame with none of those can be a keepalive to the engine. */
    obs->nat_keepalive = is_keepalive(&ti, top_last(&ti, QP_UDPENCAP)) ||
                         is_keepalive(&ti, top_last(&ti, QP_ISAKMP));
    return obs->nat_keepalive;
}
