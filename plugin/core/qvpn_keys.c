/* qvpn_keys.c — what decrypted bytes mean to a session (rules in qvpn_keys.h).
 *
 * Child SAs.  A phase-2 exchange (IKEv1 Quick Mode, IKEv2 IKE_AUTH and
 * CREATE_CHILD_SA) creates one SA pair: the request's SA payload carries the
 * initiator's inbound SPI and its selectors, the response the responder's SPI and the
 * selectors it accepted (RFC 7296 2.9 lets it narrow them).  The session keeps the
 * latest QVPN_CHILD_MAX, keyed by message ID, so that an ESP packet's SPI names its
 * networks and a Delete's SPIs name the SA they end.
 *
 * Deletes.  A Delete of IPsec SPIs while a newer child SA of the session is up and
 * not deleted is a rekey's end; one of the IKE SA, or of the last child SA, ends the
 * tunnel.  IKEv1 Informationals that decrypt to no Delete (DPD, INITIAL-CONTACT, an
 * error) end nothing — without keys qvpn must guess from their rhythm.
 *
 * Inside the tunnel.  A decrypted ESP packet's inner packet is labelled (the first
 * ones each way, bounded); echo requests and TCP SYNs from the client's side that
 * nothing comes back from where they went — as many, over as long, as the ESP
 * one-way preferences ask (10 over 5 s by default; never fewer than INNER_REQUESTS
 * over INNER_SPAN_NS) — are inner_no_reply: the tunnel carries them, no reply comes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "qvpn_addr.h"
#include "qvpn_evidence.h"
#include "qvpn_keys.h"
#include "qvpn_session.h"
#include "qvpn_types.h"

#define BIT64(n) (UINT64_C(1) << (n))

#define PL_V1_DELETE 12
#define PL_V2_DELETE 42
#define PROTO_IKE 1

#define INNER_LABELS   16                       /* inner packets labelled each way */
#define INNER_REQUESTS 3u
#define INNER_SPAN_NS  ((int64_t)3000000000)

/* ---- before the trackers ---- */

static uint8_t first_payload(const qvpn_obs *o)
{
    if (o->ike.version == 2)
        return o->ike.sk_inner;
    return o->ike.msg.len > 16 ? o->ike.msg.p[16] : 0;   /* the header's next payload */
}

bool qvpn_keys_merge(const qvpn_obs *in, qvpn_obs *out, qvpn_ike_inner *inner)
{
    const qvpn_span *d = &in->ike.decrypted;
    uint8_t first = first_payload(in);

    if (d->p == NULL || d->len == 0)
        return false;
    if (first == 0 && in->ike.version == 2) {
        /* An empty SK payload (a liveness check, its answer): read, holding nothing. */
        memset(inner, 0, sizeof(*inner));
    } else if (first == 0 ||
               !qvpn_ike_inner_read(in->ike.version, in->ike.exch, first, d->p, d->len, inner)) {
        return false;
    }
    *out = *in;
    out->ike.decrypted_ok = true;
    out->ike.payloads |= inner->payloads;
    for (unsigned i = 0; i < inner->n_notify && out->ike.n_notify < QVPN_MAX_NOTIFY; i++) {
        out->ike.notify_dec |= (uint8_t)(1u << out->ike.n_notify);
        out->ike.notify[out->ike.n_notify++] = inner->notify[i];
    }
    return true;
}

/* ---- names ---- */

/* Status notifications seen inside encrypted messages, as Wireshark names them;
 * errors (1-16383) by qvpn_notify_name(). */
static const char *status_name(uint8_t version, uint16_t type)
{
    switch (type) {
    case 24576: return "RESPONDER-LIFETIME";
    case 24577: return "REPLAY-STATUS";
    case 24578: return "INITIAL-CONTACT";
    case QVPN_NOTIFY_R_U_THERE:     return "R-U-THERE";
    case QVPN_NOTIFY_R_U_THERE_ACK: return "R-U-THERE-ACK";
    case 16384: return "INITIAL_CONTACT";
    case 16385: return "SET_WINDOW_SIZE";
    case 16386: return "ADDITIONAL_TS_POSSIBLE";
    case 16387: return "IPCOMP_SUPPORTED";
    case 16391: return "USE_TRANSPORT_MODE";
    case 16393: return "REKEY_SA";
    case 16394: return "ESP_TFC_PADDING_NOT_SUPPORTED";
    case 16395: return "NON_FIRST_FRAGMENTS_ALSO";
    case 16396: return "MOBIKE_SUPPORTED";
    case 16388: return "NAT_DETECTION_SOURCE_IP";
    case 16389: return "NAT_DETECTION_DESTINATION_IP";
    case 16390: return "COOKIE";
    case 16392: return "HTTP_CERT_LOOKUP_SUPPORTED";
    case 16397: return "ADDITIONAL_IP4_ADDRESS";
    case 16398: return "ADDITIONAL_IP6_ADDRESS";
    case 16399: return "NO_ADDITIONAL_ADDRESSES";
    case 16400: return "UPDATE_SA_ADDRESSES";
    case 16401: return "COOKIE2";
    case 16402: return "NO_NATS_ALLOWED";
    case 16403: return "AUTH_LIFETIME";
    case 16404: return "MULTIPLE_AUTH_SUPPORTED";
    case 16405: return "ANOTHER_AUTH_FOLLOWS";
    case 16406: return "REDIRECT_SUPPORTED";
    case 16407: return "REDIRECT";
    case 16408: return "REDIRECTED_FROM";
    case 16417: return "EAP_ONLY_AUTHENTICATION";
    case 16418: return "CHILDLESS_IKEV2_SUPPORTED";
    case 16419: return "QUICK_CRASH_DETECTION";
    case 16420: return "IKEV2_MESSAGE_ID_SYNC_SUPPORTED";
    case 16421: return "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED";
    case 16430: return "IKEV2_FRAGMENTATION_SUPPORTED";
    case 16431: return "SIGNATURE_HASH_ALGORITHMS";
    default:    return type < 16384 ? qvpn_notify_name(version, type) : NULL;
    }
}

static void notify_names(const qvpn_ike_inner *in, uint8_t version, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < in->n_notify && n < len; i++) {
        const char *name = status_name(version, in->notify[i]);
        char num[24];
        if (name == NULL) {
            snprintf(num, sizeof(num), "notify %u", in->notify[i]);
            name = num;
        }
        int w = snprintf(buf + n, len - n, "%s%s", n ? ", " : "", name);
        if (w < 0)
            break;
        n += (size_t)w;
    }
}

static const char *side_name(bool from_client)
{
    return from_client ? "client" : "gateway";
}

/* ---- child SAs ---- */

static qvpn_child_sa *child_by_msgid(qvpn_sess_ev *se, uint32_t msgid, bool add)
{
    for (unsigned i = 0; i < se->n_child; i++)
        if (se->child[i].msgid == msgid)
            return &se->child[i];
    if (!add)
        return NULL;
    if (se->n_child == QVPN_CHILD_MAX) {        /* drop the oldest */
        memmove(&se->child[0], &se->child[1], sizeof(se->child[0]) * (QVPN_CHILD_MAX - 1));
        se->n_child--;
    }
    qvpn_child_sa *ch = &se->child[se->n_child++];
    memset(ch, 0, sizeof(*ch));
    ch->msgid = msgid;
    return ch;
}

static qvpn_child_sa *child_by_spi(qvpn_sess_ev *se, uint32_t spi)
{
    for (unsigned i = se->n_child; i-- > 0;)
        if (spi != 0 && (se->child[i].spi_i == spi || se->child[i].spi_r == spi))
            return &se->child[i];
    return NULL;
}

static const char *ts_pair(qvpn_ctx *c, const qvpn_ike_inner *in)
{
    char i[200], r[200], both[420];
    if (in->n_ts_i == 0 && in->n_ts_r == 0)
        return NULL;
    qvpn_ts_list_text(in->ts_i, in->n_ts_i, 0, i, sizeof(i));
    qvpn_ts_list_text(in->ts_r, in->n_ts_r, 0, r, sizeof(r));
    snprintf(both, sizeof(both), "%s <-> %s", i[0] ? i : "?", r[0] ? r : "?");
    return qvpn_ev_intern(c, both);
}

/* The session that negotiated an SPI, for its ESP to join (qvpn_esp.c). */
static void remember_spi(qvpn_ctx *c, uint32_t spi)
{
    if (spi == 0)
        return;
    if (c->sessions->by_spi == NULL)
        c->sessions->by_spi = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_hash_table_insert(c->sessions->by_spi, GUINT_TO_POINTER(spi), c->sess);
}

static guint64 spi64(const uint8_t spi[8])
{
    guint64 v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | spi[i];
    return v;
}

/* The new IKE SA a rekey announces: its messages stay in this session. */
static void remember_ike_spi(qvpn_ctx *c, const uint8_t spi[8])
{
    if (c->sessions->by_ike_spi == NULL)
        c->sessions->by_ike_spi = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    guint64 *k = g_new(guint64, 1);
    *k = spi64(spi);
    g_hash_table_replace(c->sessions->by_ike_spi, k, c->sess);
    c->sess->ev.ike_rekeyed = true;
    memcpy(c->sess->ev.rekeyed_ispi, c->obs->ike.ispi, 8);
}

/* The Delete of an IKE SA a rekey replaced: the rekey's end. */
static bool ike_sa_rekeyed(const qvpn_ctx *c)
{
    const qvpn_sess_ev *se = &c->sess->ev;
    return se->ike_rekeyed && memcmp(se->rekeyed_ispi, c->obs->ike.ispi, 8) == 0;
}

qvpn_sess *qvpn_keys_rekeyed_session(qvpn_ctx *c)
{
    if (c->sessions->by_ike_spi == NULL)
        return NULL;
    guint64 k = spi64(c->obs->ike.ispi);
    return g_hash_table_lookup(c->sessions->by_ike_spi, &k);
}

static bool is_phase2(const qvpn_obs *o)
{
    uint8_t x = o->ike.exch;
    return x == QVPN_IKE_EXCH_QUICK_MODE || x == QVPN_IKE_EXCH_AUTH ||
           x == QVPN_IKE_EXCH_CHILD_SA;
}

static bool is_request(const qvpn_ctx *c)
{
    if (c->obs->ike.version == 2)
        return !(c->obs->ike.flags & QVPN_IKE_FLAG_V2_RESPONSE);
    return c->v.ike_msg != QVPN_IKE_MSG_QM2;
}

static bool has_error(const qvpn_ike_inner *in)
{
    for (unsigned i = 0; i < in->n_notify; i++)
        if (in->notify[i] >= 1 && in->notify[i] < 16384)
            return true;
    return false;
}

static void phase2(qvpn_ctx *c, const qvpn_ike_inner *in, qvpn_evid *e)
{
    qvpn_sess_ev *se = &c->sess->ev;
    char text[480];

    if (in->n_ts_i || in->n_ts_r) {
        char buf[200];
        qvpn_ts_list_text(in->ts_i, in->n_ts_i, in->more_ts, buf, sizeof(buf));
        e->ts_i = qvpn_ev_intern(c, buf);
        qvpn_ts_list_text(in->ts_r, in->n_ts_r, in->more_ts, buf, sizeof(buf));
        e->ts_r = qvpn_ev_intern(c, buf);
    }
    e->ts_pair = ts_pair(c, in);
    if (in->has_sa && in->sa_protocol == PROTO_IKE && in->has_sa_ike_spi && is_request(c) &&
        c->obs->ike.exch == QVPN_IKE_EXCH_CHILD_SA)
        remember_ike_spi(c, in->sa_ike_spi);
    if (!in->has_sa || in->sa_protocol == PROTO_IKE)
        return;
    e->p2_proposal = qvpn_ev_intern(c, in->sa_text);
    e->p2_spi = in->sa_spi;
    e->has_p2_spi = true;
    e->p2_pfs = in->pfs_group;
    /* IKEv1 QM3 carries only a HASH: no SA payload reaches here. */
    qvpn_child_sa *ch = child_by_msgid(se, c->obs->ike.msgid, is_request(c));
    if (ch == NULL)
        return;
    if (e->ts_pair)
        ch->ts = e->ts_pair;
    remember_spi(c, in->sa_spi);
    if (is_request(c)) {
        ch->spi_i = in->sa_spi;
        return;
    }
    if (has_error(in))
        return;
    ch->spi_r = in->sa_spi;
    ch->done_ts = c->obs->ts_ns;
    snprintf(text, sizeof(text), "0x%08x/0x%08x %s", ch->spi_i, ch->spi_r,
             ch->ts ? ch->ts : "");
    e->child_sa = qvpn_ev_intern(c, text);
    e->ts_pair = ch->ts;                /* the child SA's networks, for the sessions table */
    e->child_spi_i = ch->spi_i;
    e->child_spi_r = ch->spi_r;
}

/* A newer child SA than ch, answered and not deleted: ch was rekeyed. */
static const qvpn_child_sa *replacement(const qvpn_sess_ev *se, const qvpn_child_sa *ch)
{
    for (unsigned i = se->n_child; i-- > 0;) {
        const qvpn_child_sa *n = &se->child[i];
        if (n == ch)
            return NULL;
        if (n->done_ts && !n->deleted)
            return n;
    }
    return NULL;
}

/* The Delete's text; the child SAs it names are marked deleted. */
static void deletes(qvpn_ctx *c, const qvpn_ike_inner *in, qvpn_evid *e)
{
    qvpn_sess_ev *se = &c->sess->ev;
    char buf[200];
    size_t n;
    const qvpn_child_sa *repl = NULL;

    if (in->del_protocol == PROTO_IKE) {
        bool rekeyed = ike_sa_rekeyed(c);
        snprintf(buf, sizeof(buf), "IKE SA by %s%s", side_name(c->v.from_client),
                 rekeyed ? " (rekeyed: a new IKE SA replaces it)" : "");
        e->del = qvpn_ev_intern(c, buf);
        e->del_kind = QVPN_DEL_IKE | (rekeyed ? QVPN_DEL_REKEYED : 0);
        return;
    }
    n = (size_t)snprintf(buf, sizeof(buf), "%s", in->del_protocol == 2 ? "AH" : "ESP");
    for (unsigned i = 0; i < in->n_del_spi && n < sizeof(buf); i++) {
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s0x%08x", i ? ", " : " ",
                              in->del_spi[i]);
        qvpn_child_sa *ch = child_by_spi(se, in->del_spi[i]);
        if (ch) {
            ch->deleted = true;
            if (!repl)
                repl = replacement(se, ch);
        }
    }
    if (repl) {
        e->del_kind = QVPN_DEL_REKEYED;
        if (n < sizeof(buf))
            snprintf(buf + n, sizeof(buf) - n, " by %s (rekeyed: 0x%08x/0x%08x replaces it)",
                     side_name(c->v.from_client), repl->spi_i, repl->spi_r);
    } else if (n < sizeof(buf)) {
        snprintf(buf + n, sizeof(buf) - n, " by %s", side_name(c->v.from_client));
    }
    e->del = qvpn_ev_intern(c, buf);
}

/* XAUTH and Mode Config (IKEv1 Transaction), IKEv2 CP. */
static void config(qvpn_ctx *c, const qvpn_ike_inner *in, qvpn_evid *e)
{
    char buf[200];
    if (in->cfg_type == 0)
        return;
    if (in->has_xauth_status) {
        e->xauth = in->xauth_ok ? "OK" : "FAIL";
        if (!in->xauth_ok) {
            qvpn_finding_set(c, QVPN_FINDING_XAUTH_FAILED);
            e->diag_decrypted = true;
        }
    } else if (in->xauth_asked && in->cfg_type == QVPN_CFG_REQUEST) {
        e->xauth = "requested";
    }
    if (in->cfg_address.len) {
        qvpn_addr_to_str(&in->cfg_address, buf, sizeof(buf));
        e->cfg_address = qvpn_ev_intern(c, buf);
    }
    if (in->n_split) {
        qvpn_ts_list_text(in->split, in->n_split, 0, buf, sizeof(buf));
        e->cfg_split = qvpn_ev_intern(c, buf);
    }
}

void qvpn_keys_ike(qvpn_ctx *c)
{
    const qvpn_ike_inner *in = c->inner;
    const qvpn_obs *o = c->obs;
    char buf[200];

    if (in == NULL || !o->ike.decrypted_ok || c->sess == NULL)
        return;
    qvpn_evid *e = qvpn_ev_frame(c);
    e->decrypted = true;
    if (in->n_notify) {
        notify_names(in, o->ike.version, buf, sizeof(buf));
        e->dec_notify = qvpn_ev_intern(c, buf);
    }
    if (in->identity[0])
        e->identity = qvpn_ev_intern(c, in->identity);
    if (is_phase2(o))
        phase2(c, in, e);
    if (in->dpd) {
        e->dpd = in->dpd_type == QVPN_NOTIFY_R_U_THERE ? "R-U-THERE" : "R-U-THERE-ACK";
        e->dpd_request = in->dpd_type == QVPN_NOTIFY_R_U_THERE;
        e->dpd_seq = in->dpd_seq;
        e->has_dpd_seq = true;
    } else if (o->ike.version == 2 && o->ike.exch == QVPN_IKE_EXCH_INFO_V2 &&
               in->payloads == 0) {
        /* An empty request is a liveness check (RFC 7296 1.4); an empty answer is its
         * answer only if it was one (a Delete of the IKE SA is answered empty too). */
        qvpn_sess_ev *se = &c->sess->ev;
        bool response = (o->ike.flags & QVPN_IKE_FLAG_V2_RESPONSE) != 0;
        if (!response) {
            se->live_pending = true;
            se->live_msgid = o->ike.msgid;
            e->dpd = "liveness check";
            e->dpd_request = true;
        } else if (se->live_pending && se->live_msgid == o->ike.msgid) {
            se->live_pending = false;
            e->dpd = "liveness check";
        }
    }
    if (in->del_protocol) {
        deletes(c, in, e);
        qvpn_finding_set(c, QVPN_FINDING_SA_DELETED);
    }
    config(c, in, e);
}

int qvpn_keys_ends_tunnel(qvpn_ctx *c)
{
    const qvpn_ike_inner *in = c->inner;
    const qvpn_obs *o = c->obs;

    if (in == NULL || !o->ike.decrypted_ok || c->sess == NULL)
        return -1;
    if (in->del_protocol == PROTO_IKE)
        return ike_sa_rekeyed(c) ? 0 : 1;
    if (in->del_protocol != 0) {
        for (unsigned i = 0; i < in->n_del_spi; i++) {
            const qvpn_child_sa *ch = child_by_spi(&c->sess->ev, in->del_spi[i]);
            if (ch && replacement(&c->sess->ev, ch))
                return 0;
        }
        return 1;
    }
    return o->ike.version == 1 ? 0 : -1;
}

void qvpn_keys_refusal(qvpn_ctx *c)
{
    if (!c->obs->ike.decrypted_ok || !(c->v.findings & QVPN_FINDING_BIT(QVPN_FINDING_IKE_NOTIFY)))
        return;
    const qvpn_ike_obs *k = &c->obs->ike;
    for (unsigned i = 0; i < k->n_notify && i < QVPN_MAX_NOTIFY; i++) {
        if (k->notify[i] != c->v.notify_type || !(k->notify_dec & (1u << i)))
            continue;
        /* Observed: what was inferred from the encrypted message's size or timing
         * gives way to what it says. */
        c->v.findings &= ~(QVPN_FINDING_BIT(QVPN_FINDING_IKE_REFUSED) |
                           QVPN_FINDING_BIT(QVPN_FINDING_IKE_AUTH_FAILED));
        qvpn_evid *e = qvpn_ev_frame(c);
        e->diag_decrypted = true;
        /* What was asked for, from the phase-2 request still unanswered. */
        const qvpn_sess_ev *se = &c->sess->ev;
        for (unsigned j = se->n_child; j-- > 0 && e->ts_pair == NULL;)
            if (se->child[j].done_ts == 0 && se->child[j].ts)
                e->ts_pair = se->child[j].ts;
        return;
    }
}

/* ---- ESP ---- */

static const char *inner_text(qvpn_ctx *c, const qvpn_inner_pkt *p, char *buf, size_t len)
{
    char s[48], d[48];
    qvpn_addr_to_str(&p->src, s, sizeof(s));
    qvpn_addr_to_str(&p->dst, d, sizeof(d));
    if (p->echo == QVPN_INNER_ECHO_REQUEST || p->echo == QVPN_INNER_ECHO_REPLY)
        snprintf(buf, len, "ICMP echo %s %s -> %s",
                 p->echo == QVPN_INNER_ECHO_REQUEST ? "request" : "reply", s, d);
    else if (p->proto == 6)
        snprintf(buf, len, "TCP %s:%u -> %s:%u%s", s, p->sport, d, p->dport,
                 (p->tcp_flags & 0x12) == 0x02 ? " SYN" :
                 (p->tcp_flags & 0x12) == 0x12 ? " SYN-ACK" : "");
    else if (p->proto == 17)
        snprintf(buf, len, "UDP %s:%u -> %s:%u", s, p->sport, d, p->dport);
    else if (p->proto == 1 || p->proto == 58)
        snprintf(buf, len, "ICMP %s -> %s", s, d);
    else
        snprintf(buf, len, "%s proto %u %s -> %s", p->src.len == 16 ? "IPv6" : "IPv4",
                 p->proto, s, d);
    return qvpn_ev_intern(c, buf);
}

static bool is_inner_request(const qvpn_inner_pkt *p)
{
    return p->echo == QVPN_INNER_ECHO_REQUEST || (p->proto == 6 && (p->tcp_flags & 0x12) == 0x02);
}

static qvpn_inner_dst *inner_dst(qvpn_sess_ev *se, const qvpn_addr *a, bool add)
{
    for (unsigned i = 0; i < se->n_inner_dst; i++)
        if (se->inner_dst[i].len == a->len && memcmp(se->inner_dst[i].addr, a->bytes, a->len) == 0)
            return &se->inner_dst[i];
    if (!add || se->n_inner_dst == QVPN_INNER_DSTS)
        return NULL;
    qvpn_inner_dst *d = &se->inner_dst[se->n_inner_dst++];
    memset(d, 0, sizeof(*d));
    d->len = a->len;
    memcpy(d->addr, a->bytes, a->len);
    return d;
}

/* The ESP packets of a child SA share one evidence: its networks.  Shared, their
 * verdicts stay shareable too (qvpn_engine.c): no memory per packet. */
static void sa_networks(qvpn_ctx *c, qvpn_child_sa *sa)
{
    if (sa->esp_ev == NULL) {
        qvpn_evid ev;
        memset(&ev, 0, sizeof(ev));
        ev.decrypted = true;
        ev.esp_ts = sa->ts;
        sa->esp_ev = qvpn_ev_store_keep(c->evs, &ev);
    }
    c->v.ev = sa->esp_ev;
}

/* Requests inside the tunnel and what comes back from where they went. */
static void inner_requests(qvpn_ctx *c, const qvpn_inner_pkt *p, char *buf, size_t len)
{
    qvpn_sess_ev *se = &c->sess->ev;
    const qvpn_obs *o = c->obs;

    if (!c->v.from_client) {
        qvpn_inner_dst *d = inner_dst(se, &p->src, false);
        if (d)
            d->answered = true;
        return;
    }
    if (!is_inner_request(p))
        return;
    qvpn_inner_dst *d = inner_dst(se, &p->dst, true);
    if (d == NULL || d->answered || d->reported)
        return;
    if (d->requests++ == 0)
        d->first_ts = o->ts_ns;
    /* As many, over as long, as ESP one way needs (the same preferences): an answer
     * later than that is no ordinary delay. */
    if (d->requests < MAX(INNER_REQUESTS, c->cfg->esp_one_way_pkts) ||
        o->ts_ns - d->first_ts < MAX(INNER_SPAN_NS, c->cfg->esp_one_way_ns))
        return;
    d->reported = true;
    qvpn_finding_set(c, QVPN_FINDING_INNER_NO_REPLY);
    c->v.esp_count = d->requests;
    c->v.gap_ns = o->ts_ns - d->first_ts;
    qvpn_evid *e = qvpn_ev_frame(c);
    e->decrypted = true;
    e->diag_decrypted = true;
    if (e->inner == NULL)
        e->inner = inner_text(c, p, buf, len);
}

void qvpn_keys_esp(qvpn_ctx *c)
{
    const qvpn_obs *o = c->obs;
    qvpn_sess_ev *se;
    qvpn_inner_pkt p;
    char buf[160];

    if (c->sess == NULL)
        return;
    se = &c->sess->ev;
    /* The SA's networks on every packet of it: a filter on them finds the SA. */
    qvpn_child_sa *sa = se->n_child ? child_by_spi(se, o->esp.spi) : NULL;
    if (sa && sa->ts)
        sa_networks(c, sa);
    if (o->esp.inner.len > 0 && qvpn_inner_pkt_read(o->esp.inner.p, o->esp.inner.len, &p)) {
        unsigned dir = c->v.from_client ? 0 : 1;
        if (se->inner_shown[dir] < INNER_LABELS) {
            se->inner_shown[dir]++;
            qvpn_evid *e = qvpn_ev_frame(c);
            e->decrypted = true;
            e->inner = inner_text(c, &p, buf, sizeof(buf));
        }
        inner_requests(c, &p, buf, sizeof(buf));
    }
    /* A frame with evidence of its own keeps it, with the SA's networks added. */
    if (sa && sa->ts && c->has_ev) {
        qvpn_evid *e = qvpn_ev_frame(c);
        e->decrypted = true;
        e->esp_ts = sa->ts;
    }
}
