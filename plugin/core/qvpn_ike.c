/* qvpn_ike.c — IKEv1 and IKEv2 exchanges, Cisco-style phase-1 states, stalls.
 *
 * An IKE SA is keyed by its peer pair and initiator cookie/SPI, so cookies reused
 * across peers never mix.  Phase-1 messages are numbered by who sends and what came
 * before (RFC 2409 Main Mode strictly alternates); a message from a side that has
 * not been answered yet is a retransmission.  Quick Mode and IKEv2 exchanges are
 * tracked per message ID.  The state banner lives in qvpn_types.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "qvpn_engine_int.h"

#define MAX_EXCH_PER_SA 64
#define BIT64(n) ((uint64_t)1 << (n))

typedef struct qvpn_ike_key {
    const qvpn_pair *pair;
    uint8_t          ispi[8];
} qvpn_ike_key;

/* One Quick Mode, Informational or IKEv2 request/response, by message ID. */
typedef struct qvpn_exch {
    uint8_t  type;
    uint8_t  last;              /* QM: highest QMn seen; IKEv2: 1 request, 2 answered */
    bool     init_is_sa_init;   /* sent first by the IKE SA's initiator */
    uint32_t first_frame[4];    /* first transmission of message n */
    int64_t  last_ts[4];        /* latest transmission of messages 2 and 3 */
    qvpn_req req;               /* latest transmission of the request */
} qvpn_exch;

typedef struct qvpn_ike_sa {
    qvpn_ike_key key;           /* first: the hash key */
    qvpn_sess   *sess;
    qvpn_addr    initiator;
    uint8_t      version;
    uint8_t      last_init, last_resp;   /* phase-1 message numbers seen each way */
    qvpn_ike_state state;
    qvpn_req     msg[7];        /* latest transmission of MM1..MM6 / AM1..AM3 */
    uint32_t     first_frame[7];
    GHashTable  *exchanges;     /* k=message ID, v=qvpn_exch* */
} qvpn_ike_sa;

guint qvpn_ike_key_hash(gconstpointer k)
{
    const qvpn_ike_key *key = k;
    guint h = GPOINTER_TO_UINT(key->pair) * 2654435761u;
    for (int i = 0; i < 8; i++)
        h = (h ^ key->ispi[i]) * 16777619u;
    return h;
}

gboolean qvpn_ike_key_equal(gconstpointer a, gconstpointer b)
{
    const qvpn_ike_key *x = a, *y = b;
    return x->pair == y->pair && memcmp(x->ispi, y->ispi, 8) == 0;
}

void qvpn_ike_sa_free(gpointer p)
{
    qvpn_ike_sa *sa = p;
    g_hash_table_destroy(sa->exchanges);
    g_free(sa);
}

static bool all_zero(const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

static bool is_phase1_exch(uint8_t exch)
{
    return exch == QVPN_IKE_EXCH_MAIN_MODE || exch == QVPN_IKE_EXCH_AGGRESSIVE;
}

/* Who started this SA, judged from its first visible message. */
static bool src_is_initiator(const qvpn_engine *eng, const qvpn_obs *o)
{
    const qvpn_ike_obs *k = &o->ike;
    if (k->version == 2)
        return (k->flags & QVPN_IKE_FLAG_V2_INITIATOR) != 0;
    if (is_phase1_exch(k->exch) && all_zero(k->rspi, 8))
        return true;
    if (is_phase1_exch(k->exch) && (k->payloads & BIT64(QVPN_IKE_PL_SA)))
        return false;               /* MM2 / AM2 */
    return !qvpn_is_known_gateway(eng, &o->src);
}

/* The session an SA joins: the pair's current one, unless it was torn down. */
static qvpn_sess *ike_session(qvpn_ctx *c, qvpn_pair *pair, bool src_init)
{
    const qvpn_obs *o = c->obs;
    qvpn_sess *s = pair ? pair->current : NULL;
    if (s && !s->teardown)
        return s;
    const qvpn_addr *ini = src_init ? &o->src : &o->dst;
    const qvpn_addr *rsp = src_init ? &o->dst : &o->src;
    return qvpn_session_new(c, pair, ini, rsp, !src_init || !all_zero(o->ike.rspi, 8));
}

static qvpn_ike_sa *sa_open(qvpn_ctx *c, qvpn_pair *pair)
{
    qvpn_engine *eng = c->eng;
    const qvpn_obs *o = c->obs;
    if (!pair || g_hash_table_size(eng->ike_sas) >= 4u * eng->cfg.max_sessions) {
        qvpn_session_new(c, NULL, &o->src, &o->dst, true);  /* reports the cap */
        return NULL;
    }
    bool src_init = src_is_initiator(eng, o);
    qvpn_sess *s = ike_session(c, pair, src_init);
    if (!s)
        return NULL;
    qvpn_ike_sa *sa = g_new0(qvpn_ike_sa, 1);
    sa->key.pair = pair;
    memcpy(sa->key.ispi, o->ike.ispi, 8);
    sa->sess = s;
    sa->initiator = src_init ? o->src : o->dst;
    sa->version = o->ike.version;
    sa->exchanges = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    g_hash_table_insert(eng->ike_sas, &sa->key, sa);
    if (!s->had_ike) {
        s->had_ike = true;
        s->first_ike_ts = o->ts_ns;
        s->p1_progress_ts = o->ts_ns;
    }
    s->pub.tls_only = false;
    s->pub.ike_version = o->ike.version;
    qvpn_learn_gateway(eng, &s->pub.gateway);
    return sa;
}

static qvpn_exch *exch_get(qvpn_ike_sa *sa, uint32_t msgid, bool create)
{
    qvpn_exch *ex = g_hash_table_lookup(sa->exchanges, GUINT_TO_POINTER(msgid));
    if (ex || !create)
        return ex;
    if (g_hash_table_size(sa->exchanges) >= MAX_EXCH_PER_SA)
        g_hash_table_remove_all(sa->exchanges);     /* hostile: forget old ones */
    ex = g_new0(qvpn_exch, 1);
    g_hash_table_insert(sa->exchanges, GUINT_TO_POINTER(msgid), ex);
    return ex;
}

/* Every IKE stack waits at least half a second before it resends (Cisco 2 s, Windows
 * 1 s, strongSwan 4 s); the same message again sooner is the capture seeing one
 * packet twice (SPAN ports, two capture points), not the peer repeating itself. */
#define DUPLICATE_WINDOW_NS ((int64_t)200000000)

/* The message repeats the one first sent in frame `original`, last sent at `prev_ts`. */
static void mark_retransmission(qvpn_ctx *c, uint32_t original, int64_t prev_ts,
                                qvpn_finding stall, qvpn_ike_state state)
{
    c->v.retrans_of = original;
    if (c->obs->ts_ns >= prev_ts && c->obs->ts_ns - prev_ts < DUPLICATE_WINDOW_NS)
        return;                                 /* a duplicate frame: nothing to report */
    qvpn_finding_set(c, QVPN_FINDING_IKE_RETRANSMISSION);
    if (stall != QVPN_FINDING_COUNT) {
        qvpn_finding_set(c, stall);
        c->v.stall_state = state;
    }
}

static void phase1_done(qvpn_ctx *c)
{
    qvpn_sess *s = c->sess;
    if (!s->p1_done) {
        s->p1_done = true;
        s->p1_done_ts = c->obs->ts_ns;
    }
}

/* ---- IKEv1 phase 1 (Main and Aggressive Mode) ---- */

static qvpn_ike_state v1_state_after(bool aggressive, int n)
{
    static const qvpn_ike_state mm[7] = {
        QVPN_IKE_STATE_LOST, QVPN_IKE_STATE_MM_NO_STATE, QVPN_IKE_STATE_MM_SA_SETUP,
        QVPN_IKE_STATE_MM_SA_SETUP, QVPN_IKE_STATE_MM_KEY_EXCH, QVPN_IKE_STATE_MM_KEY_EXCH,
        QVPN_IKE_STATE_QM_IDLE };
    static const qvpn_ike_state am[4] = {
        QVPN_IKE_STATE_LOST, QVPN_IKE_STATE_AG_NO_STATE, QVPN_IKE_STATE_AG_INIT_EXCH,
        QVPN_IKE_STATE_QM_IDLE };
    if (aggressive)
        return n >= 1 && n <= 3 ? am[n] : QVPN_IKE_STATE_LOST;
    return n >= 1 && n <= 6 ? mm[n] : QVPN_IKE_STATE_LOST;
}

/* Mid-flow: guess the message number from the cleartext payloads. */
static int v1_guess_msg(const qvpn_ike_obs *k, bool aggressive, bool from_init)
{
    if (all_zero(k->rspi, 8))
        return 1;
    if (k->payloads & BIT64(QVPN_IKE_PL_SA))
        return 2;
    if (aggressive)
        return 3;
    if (k->payloads & BIT64(QVPN_IKE_PL_KE))
        return from_init ? 3 : 4;
    if (k->flags & QVPN_IKE_FLAG_V1_ENCRYPTED)
        return from_init ? 5 : 6;
    return 0;
}

/* Message number of this frame; *retrans set when it repeats an earlier one. */
static int v1_msg_number(const qvpn_ike_sa *sa, const qvpn_ike_obs *k, bool aggressive,
                         bool from_init, bool *retrans)
{
    int max = aggressive ? 3 : 6;
    int n;
    *retrans = false;
    if (sa->last_init == 0 && sa->last_resp == 0)
        return v1_guess_msg(k, aggressive, from_init);
    if (from_init) {
        if (sa->last_init && sa->last_resp < sa->last_init)
            n = sa->last_init, *retrans = true;
        else
            n = sa->last_resp ? sa->last_resp + 1 : 1;
        if (n > max)
            n = sa->last_init, *retrans = true;
    } else {
        if (sa->last_resp && sa->last_resp >= sa->last_init)
            n = sa->last_resp, *retrans = true;
        else
            n = sa->last_init + 1;
        if (n > max)
            n = sa->last_resp, *retrans = true;
    }
    return n;
}

static qvpn_rtt_kind v1_rtt_kind(bool aggressive, int n)
{
    if (aggressive)
        return n == 2 ? QVPN_RTT_AM12 : QVPN_RTT_NONE;
    return n == 2 ? QVPN_RTT_MM12 : n == 4 ? QVPN_RTT_MM34 : n == 6 ? QVPN_RTT_MM56
                                                                   : QVPN_RTT_NONE;
}

static void v1_phase1(qvpn_ctx *c, qvpn_ike_sa *sa)
{
    const qvpn_obs *o = c->obs;
    bool aggressive = o->ike.exch == QVPN_IKE_EXCH_AGGRESSIVE;
    bool from_init = qvpn_addr_eq(&o->src, &sa->initiator);
    bool retrans;
    int n = v1_msg_number(sa, &o->ike, aggressive, from_init, &retrans);

    c->v.step = aggressive ? QVPN_STEP_IKE_AGGRESSIVE : QVPN_STEP_IKE_MAIN;
    if (n <= 0 || n > 6) {
        sa->state = QVPN_IKE_STATE_LOST;
        c->v.ike_msg = QVPN_IKE_MSG_UNKNOWN;
        return;
    }
    c->v.ike_msg = (aggressive ? QVPN_IKE_MSG_AM1 : QVPN_IKE_MSG_MM1) + (n - 1);
    bool request = from_init;       /* initiator messages are answered */
    if (retrans) {
        mark_retransmission(c, sa->first_frame[n], sa->msg[n].ts, QVPN_FINDING_MM_STALL,
                            sa->state);
        c->v.gap_ns = o->ts_ns - sa->msg[n].ts;
        if (request)
            qvpn_set_request(c, &sa->msg[n]);
        else
            sa->msg[n].ts = o->ts_ns;
        return;
    }
    sa->first_frame[n] = o->frame;
    if (request) {
        sa->last_init = (uint8_t)n;
        qvpn_set_request(c, &sa->msg[n]);
    } else {
        sa->last_resp = (uint8_t)n;
        sa->msg[n].frame = o->frame;
        sa->msg[n].ts = o->ts_ns;
        qvpn_set_response(c, &sa->msg[n - 1], v1_rtt_kind(aggressive, n));
    }
    sa->state = v1_state_after(aggressive, n);
    c->sess->p1_progress_ts = o->ts_ns;
    if (n == (aggressive ? 3 : 6))
        phase1_done(c);
}

/* ---- IKEv1 Quick Mode ---- */

static void v1_quick(qvpn_ctx *c, qvpn_ike_sa *sa)
{
    const qvpn_obs *o = c->obs;
    bool known = exch_get(sa, o->ike.msgid, false) != NULL;
    qvpn_exch *ex = exch_get(sa, o->ike.msgid, true);
    bool from_sa_init = qvpn_addr_eq(&o->src, &sa->initiator);
    int n;

    c->v.step = QVPN_STEP_IKE_QUICK;
    if (sa->state != QVPN_IKE_STATE_QM_IDLE) {
        sa->state = QVPN_IKE_STATE_QM_IDLE;     /* Quick Mode implies phase 1 is done */
        phase1_done(c);
    }
    if (!known) {
        ex->init_is_sa_init = from_sa_init;
        ex->last = n = 1;
        ex->first_frame[1] = o->frame;
        qvpn_set_request(c, &ex->req);
    } else if (from_sa_init == ex->init_is_sa_init) {   /* from the QM initiator */
        if (ex->last == 1) {
            n = 1;
            mark_retransmission(c, ex->first_frame[1], ex->req.ts, QVPN_FINDING_QM_STALL,
                                sa->state);
            qvpn_set_request(c, &ex->req);
        } else if (ex->last == 2) {
            ex->last = n = 3;
            ex->first_frame[3] = o->frame;
            ex->last_ts[3] = o->ts_ns;
            c->sess->pub.p2_done = true;
        } else {
            n = 3;
            mark_retransmission(c, ex->first_frame[3], ex->last_ts[3], QVPN_FINDING_COUNT,
                                sa->state);
            ex->last_ts[3] = o->ts_ns;
        }
    } else {                                            /* from the QM responder */
        if (ex->last == 1) {
            ex->last = n = 2;
            ex->first_frame[2] = o->frame;
            ex->last_ts[2] = o->ts_ns;
            qvpn_set_response(c, &ex->req, QVPN_RTT_QM12);
        } else {
            n = 2;
            mark_retransmission(c, ex->first_frame[2], ex->last_ts[2], QVPN_FINDING_COUNT,
                                sa->state);
            ex->last_ts[2] = o->ts_ns;
        }
    }
    c->v.ike_msg = QVPN_IKE_MSG_QM1 + (n - 1);
}

static void v1_feed(qvpn_ctx *c, qvpn_ike_sa *sa)
{
    uint8_t exch = c->obs->ike.exch;
    if (is_phase1_exch(exch)) {
        v1_phase1(c, sa);
    } else if (exch == QVPN_IKE_EXCH_QUICK_MODE) {
        v1_quick(c, sa);
    } else if (exch == QVPN_IKE_EXCH_INFO_V1) {
        c->v.step = QVPN_STEP_IKE_INFO;
        c->v.ike_msg = QVPN_IKE_MSG_INFO;
        /* Encrypted with the ISAKMP SA's keys: phase 1 completed before the capture. */
        if (sa->state == QVPN_IKE_STATE_NONE && (c->obs->ike.flags & QVPN_IKE_FLAG_V1_ENCRYPTED)) {
            sa->state = QVPN_IKE_STATE_QM_IDLE;
            phase1_done(c);
        }
    } else {
        c->v.step = QVPN_STEP_IKE_OTHER;    /* Transaction (XAUTH), AuthIP, fuzz */
    }
    if (sa->state == QVPN_IKE_STATE_NONE)
        sa->state = QVPN_IKE_STATE_LOST;
}

/* ---- IKEv2 ---- */

static qvpn_step v2_step(uint8_t exch)
{
    switch (exch) {
    case QVPN_IKE_EXCH_SA_INIT:  return QVPN_STEP_IKEV2_SA_INIT;
    case QVPN_IKE_EXCH_AUTH:     return QVPN_STEP_IKEV2_AUTH;
    case QVPN_IKE_EXCH_CHILD_SA: return QVPN_STEP_IKEV2_CHILD_SA;
    case QVPN_IKE_EXCH_INFO_V2:  return QVPN_STEP_IKEV2_INFO;
    default:                     return QVPN_STEP_IKE_OTHER;
    }
}

static qvpn_rtt_kind v2_rtt_kind(uint8_t exch)
{
    switch (exch) {
    case QVPN_IKE_EXCH_SA_INIT:  return QVPN_RTT_V2_SA_INIT;
    case QVPN_IKE_EXCH_AUTH:     return QVPN_RTT_V2_AUTH;
    case QVPN_IKE_EXCH_CHILD_SA: return QVPN_RTT_V2_CHILD_SA;
    case QVPN_IKE_EXCH_INFO_V2:  return QVPN_RTT_V2_INFO;
    default:                     return QVPN_RTT_NONE;
    }
}

static bool has_error_notify(const qvpn_ike_obs *k)
{
    for (unsigned i = 0; i < k->n_notify && i < QVPN_MAX_NOTIFY; i++)
        if (k->notify[i] >= 1 && k->notify[i] < 16384)
            return true;
    return false;
}

static bool has_notify(const qvpn_ike_obs *k, uint16_t type)
{
    for (unsigned i = 0; i < k->n_notify && i < QVPN_MAX_NOTIFY; i++)
        if (k->notify[i] == type)
            return true;
    return false;
}

/* A successful IKE_AUTH response carries IDr, AUTH, SAr2, TSi and TSr: at least
 * ~190 bytes once encrypted.  One that opens with a Notify (the SK payload's next
 * payload stays visible) and is too short for anything else is the refusal:
 * AUTHENTICATION_FAILED, encrypted in IKEv2.  EAP rounds (first payload EAP) and
 * fragments (SKF) are not judged. */
#define V2_AUTH_MIN_LEN 120
#define V2_PL_NOTIFY 41
#define V2_PL_EAP 48

static bool v2_auth_too_short(const qvpn_ike_obs *k)
{
    return k->sk_inner == V2_PL_NOTIFY && k->length > 0 && k->length < V2_AUTH_MIN_LEN &&
           !(k->payloads & BIT64(QVPN_IKE_PL_V2_SKF));
}

static void v2_request(qvpn_ctx *c, qvpn_ike_sa *sa, qvpn_exch *ex, bool known)
{
    const qvpn_obs *o = c->obs;
    uint8_t exch = o->ike.exch;
    if (known && ex->last == 1 && ex->type == exch) {
        bool p1 = exch == QVPN_IKE_EXCH_SA_INIT || exch == QVPN_IKE_EXCH_AUTH;
        qvpn_finding stall = p1 ? QVPN_FINDING_MM_STALL
                           : exch == QVPN_IKE_EXCH_CHILD_SA ? QVPN_FINDING_QM_STALL
                                                            : QVPN_FINDING_COUNT;
        mark_retransmission(c, ex->first_frame[1], ex->req.ts, stall, sa->state);
        c->v.gap_ns = o->ts_ns - ex->req.ts;
        qvpn_set_request(c, &ex->req);
        return;
    }
    memset(ex, 0, sizeof(*ex));
    ex->type = exch;
    ex->last = 1;
    ex->first_frame[1] = o->frame;
    qvpn_set_request(c, &ex->req);
    if (exch == QVPN_IKE_EXCH_SA_INIT) {
        sa->state = QVPN_IKE_STATE_V2_INIT_SENT;
        c->sess->p1_progress_ts = o->ts_ns;
    } else if (exch == QVPN_IKE_EXCH_AUTH && sa->state != QVPN_IKE_STATE_V2_READY) {
        sa->state = QVPN_IKE_STATE_V2_AUTH_SENT;
        c->sess->p1_progress_ts = o->ts_ns;
    }
}

static void v2_response(qvpn_ctx *c, qvpn_ike_sa *sa, qvpn_exch *ex, bool known)
{
    const qvpn_obs *o = c->obs;
    uint8_t exch = o->ike.exch;
    if (!known || ex->last == 0) {          /* request not seen: capture started later */
        if (exch == QVPN_IKE_EXCH_AUTH || exch == QVPN_IKE_EXCH_CHILD_SA ||
            exch == QVPN_IKE_EXCH_INFO_V2) {
            sa->state = QVPN_IKE_STATE_V2_READY;
            phase1_done(c);
        }
        return;
    }
    if (ex->last == 2) {
        mark_retransmission(c, ex->first_frame[2], ex->last_ts[2], QVPN_FINDING_COUNT, sa->state);
        ex->last_ts[2] = o->ts_ns;
        return;
    }
    ex->last = 2;
    ex->first_frame[2] = o->frame;
    ex->last_ts[2] = o->ts_ns;
    qvpn_set_response(c, &ex->req, v2_rtt_kind(exch));
    /* COOKIE (16390) and error notifies send the initiator back to IKE_SA_INIT. */
    if (has_error_notify(&o->ike) || has_notify(&o->ike, 16390))
        return;
    if (exch == QVPN_IKE_EXCH_SA_INIT) {
        sa->state = QVPN_IKE_STATE_V2_INIT_DONE;
        c->sess->p1_progress_ts = o->ts_ns;
    } else if (exch == QVPN_IKE_EXCH_AUTH && v2_auth_too_short(&o->ike)) {
        qvpn_finding_set(c, QVPN_FINDING_IKE_AUTH_FAILED);
        c->v.ike_len = o->ike.length;
    } else if (exch == QVPN_IKE_EXCH_AUTH && o->ike.sk_inner != V2_PL_EAP) {
        sa->state = QVPN_IKE_STATE_V2_READY;    /* an EAP round is not the end of it */
        phase1_done(c);
        c->sess->pub.p2_done = true;            /* IKE_AUTH carries the first child SA */
    } else if (exch == QVPN_IKE_EXCH_CHILD_SA) {
        c->sess->pub.p2_done = true;
    }
}

static void v2_feed(qvpn_ctx *c, qvpn_ike_sa *sa)
{
    const qvpn_obs *o = c->obs;
    bool response = (o->ike.flags & QVPN_IKE_FLAG_V2_RESPONSE) != 0;
    bool known = exch_get(sa, o->ike.msgid, false) != NULL;
    qvpn_exch *ex = exch_get(sa, o->ike.msgid, true);

    c->v.step = v2_step(o->ike.exch);
    c->v.ike_msg = response ? QVPN_IKE_MSG_V2_RESPONSE : QVPN_IKE_MSG_V2_REQUEST;
    if (response)
        v2_response(c, sa, ex, known);
    else
        v2_request(c, sa, ex, known);
    if (sa->state == QVPN_IKE_STATE_NONE)
        sa->state = QVPN_IKE_STATE_LOST;
}

/* ---- common ---- */

static void check_notify(qvpn_ctx *c)
{
    const qvpn_ike_obs *k = &c->obs->ike;
    for (unsigned i = 0; i < k->n_notify && i < QVPN_MAX_NOTIFY; i++) {
        if (k->notify[i] >= 1 && k->notify[i] < 16384) {
            qvpn_finding_set(c, QVPN_FINDING_IKE_NOTIFY);
            c->v.notify_type = k->notify[i];
            c->sess->pub.notify_type = k->notify[i];
            return;
        }
    }
}

/* An encrypted (or delete-carrying) Informational after the tunnel carried ESP
 * starts the teardown. */
static void check_teardown(qvpn_ctx *c)
{
    const qvpn_ike_obs *k = &c->obs->ike;
    qvpn_sess *s = c->sess;
    bool info = k->exch == QVPN_IKE_EXCH_INFO_V1 || k->exch == QVPN_IKE_EXCH_INFO_V2;
    bool hidden = (k->version == 1 && (k->flags & QVPN_IKE_FLAG_V1_ENCRYPTED)) ||
                  (k->payloads & (BIT64(QVPN_IKE_PL_V2_SK) | BIT64(QVPN_IKE_PL_DELETE)));
    if (info && hidden && s->esp_seen && !s->teardown) {
        s->teardown = true;
        s->teardown_ts = c->obs->ts_ns;
        s->logout_seen = false;
        s->n_spis_before_teardown = s->n_spis;
    }
}

bool qvpn_ike_feed(qvpn_ctx *c)
{
    const qvpn_obs *o = c->obs;
    qvpn_ike_key key;
    memset(&key, 0, sizeof(key));
    key.pair = qvpn_pair_lookup(c->eng, &o->src, &o->dst, true);
    memcpy(key.ispi, o->ike.ispi, 8);

    qvpn_ike_sa *sa = key.pair ? g_hash_table_lookup(c->eng->ike_sas, &key) : NULL;
    if (!sa && !(sa = sa_open(c, (qvpn_pair *)key.pair)))
        return false;
    c->sess = sa->sess;
    c->v.from_client = qvpn_addr_eq(&o->src, &sa->sess->pub.client);
    if (o->ike.version == 2 || (o->ike.version == 0 && o->ike.exch >= 34))
        v2_feed(c, sa);
    else
        v1_feed(c, sa);

    qvpn_sess *s = sa->sess;
    s->last_ike_ts = o->ts_ns;
    c->v.ike_state = sa->state;
    if (sa->state != QVPN_IKE_STATE_LOST || s->pub.ike_state == QVPN_IKE_STATE_NONE)
        s->pub.ike_state = sa->state;
    check_notify(c);
    check_teardown(c);
    c->v.phase = s->teardown ? QVPN_PHASE_TEARDOWN : QVPN_PHASE_POLICY;
    return true;
}

/* Stalls seen by the clock: the first frame of a session after the IKE went quiet. */
void qvpn_ike_check_timeouts(qvpn_ctx *c)
{
    qvpn_sess *s = c->sess;
    int64_t now = c->obs->ts_ns, limit = c->eng->cfg.stall_timeout_ns;
    if (!s->had_ike)
        return;
    if (c->v.findings & (1u << QVPN_FINDING_MM_STALL))
        s->p1_stall_reported = true;
    if (c->v.findings & (1u << QVPN_FINDING_QM_STALL))
        s->p2_stall_reported = true;
    if (!s->p1_done && !s->p1_stall_reported && now - s->p1_progress_ts > limit) {
        s->p1_stall_reported = true;
        qvpn_finding_set(c, QVPN_FINDING_MM_STALL);
        c->v.stall_state = s->pub.ike_state;
        c->v.gap_ns = now - s->p1_progress_ts;
    }
    if (s->p1_done && !s->esp_seen && !s->p2_stall_reported && now - s->p1_done_ts > limit) {
        s->p2_stall_reported = true;
        qvpn_finding_set(c, QVPN_FINDING_QM_STALL);
        c->v.stall_state = s->pub.ike_state;
        c->v.gap_ns = now - s->p1_done_ts;
    }
}
