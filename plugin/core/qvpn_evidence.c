/* qvpn_evidence.c — what the clear bytes of a session's frames say about why.
 *
 * Rules (README, "How qvpn decides -> Evidence"):
 *  - Proposals: the phase-1 request's SA payload is the offer, the response's the
 *    choice.  Legacy crypto in the offer is a Note (once per session, a preference
 *    silences it); a cleartext NO-PROPOSAL-CHOSEN against an offer made only of
 *    crypto no current gateway accepts is a Warning that names it.
 *  - NAT-D: each hash is recomputed from the cookies/SPIs and the addresses and ports
 *    this packet carries.  The sender's own hash not matching: a NAT changed the
 *    sender's address between it and the capture point; the hash of the destination
 *    not matching: a NAT changed the receiver's; neither matching: no conclusion
 *    (addresses rewritten in the file, or made-up hashes).  The algorithm is told by the hash
 *    length (IKEv1 uses the negotiated hash: MD5 16, SHA1 20, SHA2 32/48/64 bytes).
 *  - After the float to UDP 4500, a request resent without any answer on 4500 while
 *    the gateway answered on 500: UDP 4500 blocked, said instead of the stall.
 *  - A request that came in IP fragments, resent without answer, with no IKE
 *    fragmentation announced by both: fragments lost, said instead of the stall.
 *  - Raw ESP once NAT-D found NAT; ESP in IP fragments; the client's UDP 4500 port
 *    changing: NAT rebinding.
 *  - An ICMP error quoting a session's packet joins the session and names itself.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "qvpn_addr.h"
#include "qvpn_evidence.h"
#include "qvpn_ike_sa.h"
#include "qvpn_netwire.h"
#include "qvpn_session.h"
#include "qvpn_vendor.h"

#define EV_BLOCK       1024
#define STR_BUDGET     (4u << 20)   /* interned bytes: beyond, new strings are dropped */
#define TEXT_MAX       1024         /* twelve suites of an offer, and more */
#define FRAG_TRAINS    64
#define MAX_NATD       4
#define PL_V1_SA       1
#define PL_V1_NOTIFY   11
#define PL_V1_VID      13
#define PL_V1_NATD     20
#define PL_V1_NATD_DRAFT 130
#define PL_V2_SA       33
#define PL_V2_NOTIFY   41
#define PL_V2_KE       34
#define PL_V2_VID      43
#define N_V2_NATD_SRC  16388
#define N_V2_NATD_DST  16389
#define N_V2_FRAG      16430
#define N_INVALID_KE   17
#define N_NO_PROPOSAL  14
#define BIT64(n)       ((uint64_t)1 << (n))

/* An IP fragment train: the fragments of one datagram, by (src, dst, id). */
typedef struct frag_train {
    qvpn_addr src, dst;
    uint32_t  id;
    uint8_t   count;
    bool      ike;          /* the first fragment is UDP 500/4500 */
    bool      done;         /* Wireshark reassembled it (a frame carried the whole) */
    uint32_t  first_frame;
} frag_train;

struct qvpn_ev_store {
    GStringChunk *strings;
    size_t        string_bytes;
    GPtrArray    *blocks;       /* of qvpn_evid[EV_BLOCK] */
    guint         used;
    frag_train    trains[FRAG_TRAINS];
    unsigned      next_train;
};

qvpn_ev_store *qvpn_ev_store_new(void)
{
    qvpn_ev_store *st = g_new0(qvpn_ev_store, 1);
    st->strings = g_string_chunk_new(16384);
    st->blocks = g_ptr_array_new_with_free_func(g_free);
    st->used = EV_BLOCK;
    return st;
}

void qvpn_ev_store_free(qvpn_ev_store *st)
{
    if (!st)
        return;
    g_string_chunk_free(st->strings);
    g_ptr_array_free(st->blocks, TRUE);
    g_free(st);
}

const qvpn_evid *qvpn_ev_store_keep(qvpn_ev_store *st, const qvpn_evid *ev)
{
    if (st->used == EV_BLOCK) {
        g_ptr_array_add(st->blocks, g_new(qvpn_evid, EV_BLOCK));
        st->used = 0;
    }
    qvpn_evid *blk = g_ptr_array_index(st->blocks, st->blocks->len - 1);
    blk[st->used] = *ev;
    return &blk[st->used++];
}

static const char *intern(qvpn_ctx *c, const char *text);

const char *qvpn_ev_intern(qvpn_ctx *c, const char *text)
{
    return intern(c, text);
}

static const char *intern(qvpn_ctx *c, const char *text)
{
    qvpn_ev_store *st = c->evs;
    size_t n = strlen(text);
    if (n == 0)
        return NULL;
    if (st->string_bytes + n + 1 > STR_BUDGET)
        return NULL;
    const char *s = g_string_chunk_insert_const(st->strings, text);
    st->string_bytes += n + 1;      /* counted even when shared: a bound, not a size */
    return s;
}

/* The frame's evidence: zeroed on first use (most frames never touch it, and the
 * engine does not clear it for them), then kept with the verdict. */
static qvpn_evid *ev_get(qvpn_ctx *c)
{
    if (!c->has_ev) {
        memset(&c->ev, 0, sizeof(c->ev));
        c->has_ev = true;
    }
    return &c->ev;
}

qvpn_evid *qvpn_ev_frame(qvpn_ctx *c)
{
    return ev_get(c);
}

/* Read access: a frame without evidence reads zeros. */
static const qvpn_evid *ev_read(const qvpn_ctx *c)
{
    static const qvpn_evid none;
    return c->has_ev ? &c->ev : &none;
}

static qvpn_sess_ev *sess_ev(qvpn_ctx *c)
{
    return &c->sess->ev;
}

/* ---- proposals ---- */

/* IKEv2 by the Initiator flag: a request with the Response flag set is seen in the
 * wild (nDPI's ipsec_isakmp_esp, frame 207); IKEv1 by the message number. */
static bool is_offer(const qvpn_ctx *c)
{
    uint8_t exch = c->obs->ike.exch;
    if (exch == QVPN_IKE_EXCH_SA_INIT)
        return (c->obs->ike.flags & QVPN_IKE_FLAG_V2_INITIATOR) != 0;
    return c->v.ike_msg == QVPN_IKE_MSG_MM1 || c->v.ike_msg == QVPN_IKE_MSG_AM1;
}

static bool is_choice(const qvpn_ctx *c)
{
    uint8_t exch = c->obs->ike.exch;
    if (exch == QVPN_IKE_EXCH_SA_INIT)
        return (c->obs->ike.flags & QVPN_IKE_FLAG_V2_INITIATOR) == 0;
    return c->v.ike_msg == QVPN_IKE_MSG_MM2 || c->v.ike_msg == QVPN_IKE_MSG_AM2;
}

static void read_sa(qvpn_ctx *c, const qvpn_ike_payload *pl)
{
    qvpn_ike_suites ss;
    char text[TEXT_MAX];
    bool offer = is_offer(c), choice = is_choice(c);

    if (!(offer || choice) || !qvpn_ike_sa_read(c->obs->ike.version, pl, &ss) || ss.n == 0)
        return;
    /* Legacy only: every suite has legacy crypto, one at least what no gateway takes.
     * Refused everywhere: every suite has crypto no current gateway accepts. */
    bool all_weak = true, any_refusable = false, all_refusable = true;
    for (unsigned i = 0; i < ss.n; i++) {
        uint32_t weak = qvpn_ike_suite_weak(&ss.s[i]);
        bool refusable = qvpn_ike_suite_all_refusable(&ss.s[i]);
        ev_get(c)->weak |= weak;
        all_weak = all_weak && weak != 0;
        any_refusable = any_refusable || refusable;
        all_refusable = all_refusable && refusable;
    }
    qvpn_ike_suites_text(&ss, text, sizeof(text));
    if (offer) {
        ev_get(c)->offered = intern(c, text);
        sess_ev(c)->offer = ev_read(c)->offered;
        sess_ev(c)->offer_legacy_only = all_weak && any_refusable && ss.dropped == 0;
        sess_ev(c)->offer_refusable = all_refusable && ss.dropped == 0;
    } else {
        ev_get(c)->chosen = intern(c, text);
        if (ss.s[0].n_dh)
            ev_get(c)->dh_group = ss.s[0].dh[0];
    }
}

/* ---- Vendor IDs ---- */

typedef struct vid_acc {
    char   names[TEXT_MAX];
    size_t names_len;
    char   software[160];
} vid_acc;

static void read_vid(qvpn_ctx *c, const qvpn_ike_payload *pl, vid_acc *acc)
{
    const qvpn_vid *row = qvpn_vid_lookup(pl->body, pl->body_len);
    if (!row)
        return;
    ev_get(c)->caps |= row->caps;
    if (acc->names_len < sizeof(acc->names) - 1)
        acc->names_len += (size_t)snprintf(acc->names + acc->names_len,
                                           sizeof(acc->names) - acc->names_len, "%s%s",
                                           acc->names_len ? ", " : "", row->name);
    if (acc->names_len >= sizeof(acc->names))
        acc->names_len = sizeof(acc->names) - 1;
    if (row->kind == QVPN_VID_SOFTWARE && acc->software[0] == '\0') {
        char ver[64];
        if (qvpn_vid_version(row, pl->body, pl->body_len, ver, sizeof(ver)))
            snprintf(acc->software, sizeof(acc->software), "%s %s", row->name, ver);
        else
            snprintf(acc->software, sizeof(acc->software), "%s", row->name);
        ev_get(c)->family = (uint8_t)row->family;
    }
}

/* ---- NAT-D ---- */

typedef struct natd_acc {
    const uint8_t *src[MAX_NATD], *dst[MAX_NATD];
    size_t         src_len[MAX_NATD], dst_len[MAX_NATD];
    unsigned       n_src, n_dst;
} natd_acc;

static uint16_t hash_for_len(size_t len)
{
    switch (len) {
    case 16: return 1;      /* MD5 */
    case 20: return 2;      /* SHA1 */
    case 32: return 4;      /* SHA2-256 */
    case 48: return 5;      /* SHA2-384 */
    case 64: return 6;      /* SHA2-512 */
    default: return 0;
    }
}

/* A hash of a length no algorithm gives (Tiger, a truncated payload) cannot be
 * recomputed: left out, so that it claims nothing. */
static void natd_add(natd_acc *a, bool dst, const uint8_t *p, size_t len)
{
    if (hash_for_len(len) == 0)
        return;
    if (dst && a->n_dst < MAX_NATD) {
        a->dst[a->n_dst] = p;
        a->dst_len[a->n_dst++] = len;
    } else if (!dst && a->n_src < MAX_NATD) {
        a->src[a->n_src] = p;
        a->src_len[a->n_src++] = len;
    }
}

/* Whether any of the hashes is HASH(cookies | addr | port). */
static bool natd_matches(const qvpn_ike_obs *k, const uint8_t *const *h, const size_t *len,
                         unsigned n, const qvpn_addr *addr, uint16_t port)
{
    uint8_t want[QVPN_NATD_MAX_HASH];
    for (unsigned i = 0; i < n; i++) {
        size_t wl = qvpn_natd_hash(k->version, hash_for_len(len[i]), k->ispi, k->rspi, addr,
                                   port, want);
        if (wl != 0 && wl == len[i] && memcmp(want, h[i], wl) == 0)
            return true;
    }
    return false;
}

static void natd_check(qvpn_ctx *c, const natd_acc *a)
{
    const qvpn_obs *o = c->obs;
    if (a->n_src == 0 && a->n_dst == 0)
        return;
    bool client = c->v.from_client;
    uint8_t sender = client ? QVPN_NAT_CLIENT : QVPN_NAT_GATEWAY;
    uint8_t receiver = client ? QVPN_NAT_GATEWAY : QVPN_NAT_CLIENT;
    uint8_t nat = 0;
    if (a->n_src && !natd_matches(&o->ike, a->src, a->src_len, a->n_src, &o->src, o->sport))
        nat |= sender;
    if (a->n_dst && !natd_matches(&o->ike, a->dst, a->dst_len, a->n_dst, &o->dst, o->dport))
        nat |= receiver;
    /* Neither hash matching tells nothing: one NAT would have to rewrite both
     * addresses before the capture point; addresses rewritten in the capture file
     * (anonymised: tcpdump's ikev2four) or made-up hashes do that. */
    if (a->n_src && a->n_dst && nat == (sender | receiver))
        return;
    qvpn_sess_ev *se = sess_ev(c);
    ev_get(c)->nat_seen = true;
    ev_get(c)->nat = nat;
    se->nat_seen = true;
    se->nat |= nat;
    if (nat && !se->nat_reported) {
        se->nat_reported = true;
        qvpn_finding_set(c, QVPN_FINDING_NAT_DETECTED);
    }
}

/* ---- the message ---- */

static void read_notify(qvpn_ctx *c, const qvpn_ike_payload *pl, natd_acc *natd)
{
    qvpn_ike_notify n;
    uint16_t group;
    if (!qvpn_ike_notify_full(c->obs->ike.version, pl, &n))
        return;
    if (c->obs->ike.version != 2)
        return;
    if ((n.type == N_V2_NATD_SRC || n.type == N_V2_NATD_DST) && n.data_len == 20)
        natd_add(natd, n.type == N_V2_NATD_DST, n.data, n.data_len);     /* SHA1 only */
    else if (n.type == N_V2_FRAG)
        *(c->v.from_client ? &sess_ev(c)->frag_client : &sess_ev(c)->frag_gateway) = true;
    else if (n.type == N_INVALID_KE && qvpn_ike_invalid_ke_group(&n, &group)) {
        ev_get(c)->dh_group = group;
    }
}

static void walk_payloads(qvpn_ctx *c)
{
    const qvpn_ike_obs *k = &c->obs->ike;
    qvpn_isakmp_hdr h;
    qvpn_ike_iter it;
    qvpn_ike_payload pl;
    vid_acc vids;
    natd_acc natd;
    bool v2 = k->version == 2;

    if (!qvpn_isakmp_read(k->msg.p, k->msg.len, &h))
        return;
    memset(&natd, 0, sizeof(natd));
    vids.names_len = 0;
    vids.names[0] = vids.software[0] = '\0';
    qvpn_ike_iter_init(&it, k->msg.p, k->msg.len, &h);
    /* IKEv1 NAT-D: the first payload hashes the destination, the others the source. */
    bool first_natd = true;
    while (qvpn_ike_payload_next(&it, &pl)) {
        if (pl.ciphertext)
            break;
        if (pl.type == (v2 ? PL_V2_SA : PL_V1_SA))
            read_sa(c, &pl);
        else if (pl.type == (v2 ? PL_V2_VID : PL_V1_VID))
            read_vid(c, &pl, &vids);
        else if (v2 && pl.type == PL_V2_NOTIFY)
            read_notify(c, &pl, &natd);
        else if (v2 && pl.type == PL_V2_KE && is_offer(c) && pl.body_len >= 2 &&
                 !ev_read(c)->dh_group) {
            /* The group an IKE_SA_INIT request's KE uses: after INVALID_KE_PAYLOAD,
             * whether the retry took the group the responder asked for. */
            ev_get(c)->dh_group = (uint16_t)(pl.body[0] << 8 | pl.body[1]);
        }
        else if (!v2 && (pl.type == PL_V1_NATD || pl.type == PL_V1_NATD_DRAFT)) {
            natd_add(&natd, first_natd, pl.body, pl.body_len);
            first_natd = false;
        }
    }
    if (vids.names_len)
        ev_get(c)->vendors = intern(c, vids.names);
    if (vids.software[0])
        ev_get(c)->software = intern(c, vids.software);
    if (ev_read(c)->caps & QVPN_CAP_FRAG)
        *(c->v.from_client ? &sess_ev(c)->frag_client : &sess_ev(c)->frag_gateway) = true;
    natd_check(c, &natd);
}

static void note_legacy(qvpn_ctx *c)
{
    qvpn_sess_ev *se = sess_ev(c);
    const qvpn_evid *e = ev_read(c);
    if (e->offered && e->weak && !se->legacy_noted && !c->cfg->quiet_legacy_crypto) {
        se->legacy_noted = true;
        qvpn_finding_set(c, QVPN_FINDING_LEGACY_CRYPTO);
    }
}

/* A cleartext NO-PROPOSAL-CHOSEN against the session's offer. */
static void note_refusal(qvpn_ctx *c)
{
    qvpn_sess_ev *se = sess_ev(c);
    if (!(c->v.findings & QVPN_FINDING_BIT(QVPN_FINDING_IKE_NOTIFY)) ||
        c->v.notify_type != N_NO_PROPOSAL || !se->offer)
        return;
    c->v.offer = se->offer;
    if (se->offer_legacy_only)
        qvpn_finding_set(c, QVPN_FINDING_PROPOSAL_REFUSED);
}

/* The client's UDP 4500 source port, from any of its IKE, ESP-in-UDP or keepalive
 * packets: a new one within the session is a NAT rebinding. */
static void note_client_port(qvpn_ctx *c)
{
    qvpn_sess_ev *se = sess_ev(c);
    uint16_t port = c->obs->sport;
    if (!c->v.from_client || port == 0)
        return;
    if (se->client_natt_port && se->client_natt_port != port)
        qvpn_finding_set(c, QVPN_FINDING_NAT_REBINDING);
    se->client_natt_port = port;
}

static void note_ports(qvpn_ctx *c)
{
    const qvpn_obs *o = c->obs;
    qvpn_sess_ev *se = sess_ev(c);
    if (!c->v.from_client) {
        *(o->ike.nat_t ? &se->answered_4500 : &se->answered_500) = true;
        return;
    }
    if (o->ike.nat_t)
        note_client_port(c);
}

void qvpn_evidence_ike(qvpn_ctx *c)
{
    const qvpn_ike_obs *k = &c->obs->ike;
    const uint64_t cleartext = BIT64(PL_V1_SA) | BIT64(PL_V1_VID) | BIT64(PL_V1_NATD) |
                               BIT64(PL_V2_SA) | BIT64(PL_V2_VID) | BIT64(PL_V2_NOTIFY) |
                               BIT64(PL_V2_KE);
    if (!c->sess)
        return;
    note_ports(c);
    /* Payload 130 (the NAT-T drafts' NAT-D) has no bit; a message with NAT-D also
     * has a KE or an ID/HASH, which the walk costs nothing to skip. */
    if (k->msg.len && ((k->payloads & cleartext) ||
                       (k->version == 1 && (k->payloads & BIT64(QVPN_IKE_PL_KE)))))
        walk_payloads(c);
    note_legacy(c);
    note_refusal(c);
}

/* ---- IP fragments ---- */

static bool read_frag(const qvpn_obs *o, qvpn_ip_frag *f)
{
    if (o->ip_frag.len == 0)
        return false;
    return o->ip_frag_v6 ? qvpn_ipv6_frag_read(o->ip_frag.p, o->ip_frag.len, f)
                         : qvpn_ipv4_frag_read(o->ip_frag.p, o->ip_frag.len, f);
}

static frag_train *train_find(qvpn_ev_store *st, const qvpn_ip_frag *f)
{
    for (unsigned i = 0; i < FRAG_TRAINS; i++) {
        frag_train *t = &st->trains[i];
        if (t->count && t->id == f->id && qvpn_addr_eq(&t->src, &f->src) &&
            qvpn_addr_eq(&t->dst, &f->dst))
            return t;
    }
    return NULL;
}

/* The train of fragment f, counted; a new one replaces the oldest slot. */
static frag_train *train_count(qvpn_ev_store *st, const qvpn_ip_frag *f, uint32_t frame)
{
    frag_train *t = train_find(st, f);
    if (!t) {
        t = &st->trains[st->next_train];
        st->next_train = (st->next_train + 1) % FRAG_TRAINS;
        memset(t, 0, sizeof(*t));
        t->src = f->src;
        t->dst = f->dst;
        t->id = f->id;
        t->first_frame = frame;
    }
    if (t->count < UINT8_MAX)
        t->count++;
    if (f->has_ports && (f->sport == 500 || f->sport == 4500 || f->dport == 500 ||
                         f->dport == 4500))
        t->ike = true;
    return t;
}

/* An IKE train of the same direction that never completed, older than this one. */
static bool lost_train(const qvpn_ev_store *st, const frag_train *now)
{
    for (unsigned i = 0; i < FRAG_TRAINS; i++) {
        const frag_train *t = &st->trains[i];
        if (t != now && t->count && t->ike && !t->done && t->first_frame < now->first_frame &&
            qvpn_addr_eq(&t->src, &now->src) && qvpn_addr_eq(&t->dst, &now->dst))
            return true;
    }
    return false;
}

/* A frame carrying the whole of a datagram Wireshark reassembled (its last
 * fragment): its train is complete; the number of fragments, 0 if none. */
static uint8_t whole_of_train(qvpn_ctx *c)
{
    qvpn_ip_frag f;
    if (!read_frag(c->obs, &f))
        return 0;
    frag_train *t = train_count(c->evs, &f, c->obs->frame);
    t->done = true;
    if (t->count < 2)
        return 0;
    ev_get(c)->ip_frags = t->count;
    return t->count;
}

void qvpn_evidence_frags(qvpn_ctx *c)
{
    if (whole_of_train(c))
        qvpn_finding_set(c, QVPN_FINDING_IP_FRAGMENTED);
}

bool qvpn_frag_feed(qvpn_ctx *c)
{
    const qvpn_obs *o = c->obs;
    qvpn_ip_frag f;
    if (!read_frag(o, &f))
        return false;
    frag_train *t = train_count(c->evs, &f, o->frame);
    qvpn_pair *pair = qvpn_peers_pair(c->peers, &f.src, &f.dst, false);
    qvpn_sess *s = pair ? pair->current : NULL;
    if (!s || !t->ike)
        return false;
    c->sess = s;
    c->v.from_client = qvpn_addr_eq(&f.src, &s->pub.client);
    c->v.step = QVPN_STEP_IP_FRAGMENT;
    c->v.phase = qvpn_session_phase(s, c->v.step);
    /* A new train while an older one of the same direction never completed: the
     * older one's fragments did not all reach the capture point. */
    if (t->count == 1 && lost_train(c->evs, t)) {
        qvpn_finding_set(c, QVPN_FINDING_FRAGMENTS_LOST);
        for (unsigned i = 0; i < FRAG_TRAINS; i++) {   /* told once */
            frag_train *old = &c->evs->trains[i];
            if (old != t && qvpn_addr_eq(&old->src, &f.src) && qvpn_addr_eq(&old->dst, &f.dst))
                old->done = true;
        }
    }
    return true;
}

/* ---- stalls that the capture explains ---- */

static bool phase1_no_state(qvpn_ike_state st)
{
    return st == QVPN_IKE_STATE_MM_NO_STATE || st == QVPN_IKE_STATE_AG_NO_STATE ||
           st == QVPN_IKE_STATE_V2_INIT_SENT;
}

qvpn_finding qvpn_evidence_stall(qvpn_ctx *c, qvpn_finding stall)
{
    qvpn_sess_ev *se = sess_ev(c);
    const qvpn_obs *o = c->obs;
    if (phase1_no_state(c->v.stall_state) && se->offer) {
        c->v.offer = se->offer;
        /* Silence to an offer no current gateway accepts at all: the policy, most
         * likely (many gateways drop it without a notify). */
        if (se->offer_refusable)
            return QVPN_FINDING_PROPOSAL_REFUSED;
    }
    /* A request in IP fragments is the more specific story: it is what the path
     * drops when UDP 4500 itself gets through (zeek-spicy-ipsec's ipsec_client). */
    if (ev_read(c)->ip_frags > 1 && !(se->frag_client && se->frag_gateway))
        return QVPN_FINDING_FRAGMENTS_LOST;
    if (o->ike.nat_t && c->v.from_client && se->answered_500 && !se->answered_4500)
        return QVPN_FINDING_NATT_BLOCKED;
    return stall;
}

/* ---- ESP, keepalives ---- */

void qvpn_evidence_esp(qvpn_ctx *c)
{
    const qvpn_obs *o = c->obs;
    qvpn_sess_ev *se = sess_ev(c);

    if (o->ip_frag.len == 0 && !o->esp.udp_encap && se->nat == 0)
        return;                     /* most ESP: nothing to see (every packet of a tunnel) */
    if (se->nat && !o->esp.udp_encap && !o->esp.ah && !se->raw_esp_reported) {
        se->raw_esp_reported = true;
        qvpn_finding_set(c, QVPN_FINDING_NAT_RAW_ESP);
    }
    if (whole_of_train(c) && !se->esp_frag_reported) {
        se->esp_frag_reported = true;
        qvpn_finding_set(c, QVPN_FINDING_ESP_FRAGMENTED);
    }
    if (o->esp.udp_encap)
        note_client_port(c);
}

void qvpn_evidence_keepalive(qvpn_ctx *c)
{
    note_client_port(c);
}

/* ---- TLS ---- */

void qvpn_evidence_tls(qvpn_ctx *c)
{
    qvpn_tls_hello h;
    char text[TEXT_MAX];
    const qvpn_span *sp = &c->obs->tls.hello;
    if (!c->sess || sp->len == 0 || !qvpn_tls_hello_read(sp->p, sp->len, &h))
        return;
    qvpn_tls_hello_text(&h, text, sizeof(text));
    if (!h.client) {
        ev_get(c)->tls_chosen = intern(c, text);
        return;
    }
    ev_get(c)->tls_offered = intern(c, text);
    ev_get(c)->tls_legacy = qvpn_tls_hello_legacy_only(&h);
    if (ev_read(c)->tls_legacy && !sess_ev(c)->tls_legacy_reported &&
        !c->cfg->quiet_legacy_crypto) {
        sess_ev(c)->tls_legacy_reported = true;
        qvpn_finding_set(c, QVPN_FINDING_TLS_LEGACY_HELLO);
    }
}

/* ---- ICMP ---- */

static const char *proto_name(uint8_t p)
{
    switch (p) {
    case 6:  return "TCP";
    case 17: return "UDP";
    case 50: return "ESP";
    case 51: return "AH";
    default: return "IP";
    }
}

bool qvpn_icmp_feed(qvpn_ctx *c)
{
    const qvpn_obs *o = c->obs;
    qvpn_icmp_err e;
    char err[128], q[96], from[48], text[TEXT_MAX];

    if (!qvpn_icmp_err_read(o->icmp_v6, o->icmp.p, o->icmp.len, &e))
        return false;
    qvpn_pair *pair = qvpn_peers_pair(c->peers, &e.q_src, &e.q_dst, false);
    qvpn_sess *s = pair ? pair->current : NULL;
    if (!s)
        return false;
    c->sess = s;
    bool quoted_client = qvpn_addr_eq(&e.q_src, &s->pub.client);
    c->v.from_client = !quoted_client;      /* it travels to the quoted packet's sender */
    c->v.step = QVPN_STEP_ICMP;
    c->v.phase = qvpn_session_phase(s, c->v.step);
    qvpn_icmp_err_text(&e, err, sizeof(err));
    if (e.q_has_ports)
        snprintf(q, sizeof(q), "%s %u", proto_name(e.q_proto), e.q_dport);
    else if (e.q_has_spi)
        snprintf(q, sizeof(q), "ESP SPI 0x%08x", e.q_spi);
    else
        snprintf(q, sizeof(q), "%s", proto_name(e.q_proto));
    qvpn_addr_to_str(&o->src, from, sizeof(from));
    /* Sent by the quoted packet's destination itself, or by a router on the path. */
    bool by_peer = qvpn_addr_eq(&o->src, &e.q_dst);
    snprintf(text, sizeof(text), "%s for the %s's %s, from %s %s", err,
             quoted_client ? "client" : "gateway", q,
             by_peer ? (quoted_client ? "the gateway" : "the client") : "a router on the path",
             from);
    ev_get(c)->icmp = intern(c, text);
    qvpn_finding_set(c, QVPN_FINDING_ICMP_ERROR);
    return true;
}
