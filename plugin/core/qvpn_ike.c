/* qvpn_ike.c — IKEv1 and IKEv2 exchanges, Cisco-style phase-1 states, stalls.
 *
 * An IKE SA is keyed by its peer pair and initiator cookie/SPI, so cookies reused
 * across peers never mix.  Phase-1 messages are numbered by who sends and what came
 * before (RFC 2409 Main Mode strictly alternates); a message from a side that has
 * not been answered yet is a retransmission.  Quick Mode and IKEv2 exchanges are
 * tracked per message ID.  The state banner lives in qvpn_types.h; the states move only
 * through the table of qvpn_ike_state.c, by sa_event().
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "qvpn_addr.h"
#include "qvpn_evidence.h"
#include "qvpn_ike_state.h"
#include "qvpn_keys.h"
#include "qvpn_session.h"
#include "qvpn_trackers.h"

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
    uint8_t  resends_after_last; /* QM2 sent again after QM3 */
} qvpn_exch;

typedef struct qvpn_ike_sa {
    qvpn_ike_key key;           /* first: the hash key */
    qvpn_sess   *sess;
    qvpn_addr    initiator;
    uint8_t      last_init, last_resp;   /* phase-1 message numbers seen each way */
    qvpn_ike_state state;
    qvpn_req     msg[7];        /* latest transmission of MM1..MM6 / AM1..AM3 */
    uint32_t     first_frame[7];
    int64_t      first_ts;      /* the SA's first message */
    GHashTable  *exchanges;     /* k=message ID, v=qvpn_exch* */
    bool         qm_open;       /* a Quick Mode awaits its QM2: */
    uint32_t     qm_open_msgid; /* ... this one */
    qvpn_ike_msg refused;       /* the message an encrypted Informational refused */
    struct {                    /* the SA's previous frame, to tell duplicate frames */
        uint8_t  exch, flags;
        bool     from_src;
        uint32_t msgid, length;
        qvpn_addr src;
    } last;
    int64_t      child_ts;      /* the latest CREATE_CHILD_SA answered (IKEv2 rekey) */
    bool         delete_sent;   /* an IKEv2 INFORMATIONAL request carrying a Delete: */
    uint32_t     delete_msgid;  /* ... its message ID */
} qvpn_ike_sa;

struct qvpn_ike_tracker {
    GHashTable *sas;            /* k=qvpn_ike_key*, v=qvpn_ike_sa* */
};

static guint ike_key_hash(gconstpointer k)
{
    const qvpn_ike_key *key = k;
    guint h = GPOINTER_TO_UINT(key->pair) * 2654435761u;
    for (int i = 0; i < 8; i++)
        h = (h ^ key->ispi[i]) * 16777619u;
    return h;
}

static gboolean ike_key_equal(gconstpointer a, gconstpointer b)
{
    const qvpn_ike_key *x = a, *y = b;
    return x->pair == y->pair && memcmp(x->ispi, y->ispi, 8) == 0;
}

static void ike_sa_free(gpointer p)
{
    qvpn_ike_sa *sa = p;
    g_hash_table_destroy(sa->exchanges);
    g_free(sa);
}

qvpn_ike_tracker *qvpn_ike_new(void)
{
    qvpn_ike_tracker *t = g_new0(qvpn_ike_tracker, 1);
    t->sas = g_hash_table_new_full(ike_key_hash, ike_key_equal, NULL, ike_sa_free);
    return t;
}

void qvpn_ike_free(qvpn_ike_tracker *t)
{
    if (!t)
        return;
    g_hash_table_destroy(t->sas);
    g_free(t);
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
static bool src_is_initiator(const qvpn_ctx *c, const qvpn_obs *o)
{
    const qvpn_ike_obs *k = &o->ike;
    if (k->version == 2)
        return (k->flags & QVPN_IKE_FLAG_V2_INITIATOR) != 0;
    if (is_phase1_exch(k->exch) && all_zero(k->rspi, 8))
        return true;
    if (is_phase1_exch(k->exch) && (k->payloads & BIT64(QVPN_IKE_PL_SA)))
        return false;               /* MM2 / AM2 */
    return !qvpn_peers_is_gateway(c->peers, &o->src);
}

static qvpn_ike_sa *sa_open(qvpn_ike_tracker *t, qvpn_ctx *c, qvpn_pair *pair)
{
    const qvpn_obs *o = c->obs;
    if (!pair || g_hash_table_size(t->sas) >= 4u * c->cfg->max_sessions) {
        qvpn_session_cap(c);
        return NULL;
    }
    bool src_init = src_is_initiator(c, o);
    const qvpn_addr *ini = src_init ? &o->src : &o->dst;
    const qvpn_addr *rsp = src_init ? &o->dst : &o->src;
    /* MM1, AM1 or an IKE_SA_INIT request: a negotiation from scratch; IKEv2 also when
     * the SA is first seen in IKE_SA_INIT or IKE_AUTH (a rekeyed IKEv2 SA never is). */
    bool start = src_init && all_zero(o->ike.rspi, 8) &&
                 (is_phase1_exch(o->ike.exch) || o->ike.exch == QVPN_IKE_EXCH_SA_INIT);
    bool v2_start = o->ike.version == 2 &&
                    (o->ike.exch == QVPN_IKE_EXCH_SA_INIT || o->ike.exch == QVPN_IKE_EXCH_AUTH);
    qvpn_join kind = v2_start ? QVPN_JOIN_IKEV2_START
                   : start ? QVPN_JOIN_IKE_START : QVPN_JOIN_IKE_SA;
    qvpn_sess *s = qvpn_keys_rekeyed_session(c);     /* with keys: a rekeyed IKE SA */
    if (s == NULL)
        s = qvpn_session_join(c, pair, kind, ini, rsp, !src_init || !all_zero(o->ike.rspi, 8));
    if (!s)
        return NULL;
    qvpn_ike_sa *sa = g_new0(qvpn_ike_sa, 1);
    sa->key.pair = pair;
    memcpy(sa->key.ispi, o->ike.ispi, 8);
    sa->sess = s;
    sa->initiator = src_init ? o->src : o->dst;
    sa->first_ts = o->ts_ns;
    sa->exchanges = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    g_hash_table_insert(t->sas, &sa->key, sa);
    if (!s->had_ike) {
        s->had_ike = true;
        s->first_ike_ts = o->ts_ns;
        s->p1_progress_ts = o->ts_ns;
    }
    qvpn_peers_learn_gateway(c->peers, &s->pub.gateway);
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
 * 1 s, strongSwan 4 s); the same message again sooner, with nothing of its SA in
 * between, is the capture seeing one packet twice (SPAN ports, two capture points),
 * not the peer repeating itself.  "Nothing in between" keeps captures whose times
 * are all zero (tcpdump's test files) from hiding real retransmissions. */
#define DUPLICATE_WINDOW_NS ((int64_t)200000000)

/* A stall is claimed on the second unanswered retransmission (the third
 * transmission): after one resend an answer may still come in ordinary time, and
 * often does (loss, a slow peer).  Responders' resends are no stall: they answer. */
#define STALL_SENDS 3

/* What the gateway said to refuse a request (a cleartext notify, an encrypted
 * Informational, a lone encrypted Notify): the story, where silence is not. */
#define REFUSALS (QVPN_FINDING_BIT(QVPN_FINDING_IKE_NOTIFY) |      \
                  QVPN_FINDING_BIT(QVPN_FINDING_IKE_REFUSED) |     \
                  QVPN_FINDING_BIT(QVPN_FINDING_IKE_AUTH_FAILED))

/* The message repeats the one first sent in frame `original`, last sent at `prev_ts`;
 * req is the request it retransmits (NULL for a response).  False for a duplicate
 * frame. */
static bool mark_retransmission(qvpn_ctx *c, uint32_t original, int64_t prev_ts,
                                qvpn_req *req, qvpn_finding stall, qvpn_ike_state state)
{
    c->v.retrans_of = original;
    if (c->repeats_last && c->obs->ts_ns >= prev_ts &&
        c->obs->ts_ns - prev_ts < DUPLICATE_WINDOW_NS)
        return false;                           /* a duplicate frame: nothing to report */
    qvpn_finding_set(c, QVPN_FINDING_IKE_RETRANSMISSION);
    if (req == NULL)
        return true;
    if (req->sends < UINT8_MAX)
        req->sends++;
    c->v.sends = req->sends;
    c->v.gap_ns = c->obs->ts_ns - req->first_ts;
    /* After a refusal the resends are the client insisting, not the gateway silent. */
    if (c->sess->facts.findings & REFUSALS)
        stall = QVPN_FINDING_COUNT;
    if (stall != QVPN_FINDING_COUNT && req->sends >= STALL_SENDS) {
        c->v.stall_state = state;
        qvpn_finding_set(c, qvpn_evidence_stall(c, stall));
    }
    return true;
}

/* Every state change of an SA: the table's, then what phase 1 being up implies. */
static void sa_event(qvpn_ctx *c, qvpn_ike_sa *sa, qvpn_ike_event ev)
{
    qvpn_sess *s = c->sess;
    qvpn_ike_state_apply(&sa->state, ev);
    if (!qvpn_ike_state_p1_up(sa->state))
        return;
    if (!s->p1_done) {
        s->p1_done = true;
        s->p1_done_ts = c->obs->ts_ns;
    }
    /* The tunnel is built by the SA that reached phase 1 last before it came up,
     * not by an earlier attempt that went nowhere. */
    if (!s->tunnel_up)
        s->tunnel_from_ts = sa->first_ts;
}

/* ---- IKEv1 phase 1 (Main and Aggressive Mode) ---- */

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
        sa_event(c, sa, QVPN_IKE_EV_P1_UNPLACED);
        c->v.ike_msg = QVPN_IKE_MSG_UNKNOWN;
        return;
    }
    c->v.ike_msg = (aggressive ? QVPN_IKE_MSG_AM1 : QVPN_IKE_MSG_MM1) + (n - 1);
    bool request = from_init;       /* initiator messages are answered */
    if (retrans) {
        /* Already refused by an encrypted Informational: that is the story, not a stall. */
        qvpn_finding stall = sa->refused == c->v.ike_msg ? QVPN_FINDING_COUNT
                                                         : QVPN_FINDING_MM_STALL;
        mark_retransmission(c, sa->first_frame[n], sa->msg[n].ts, request ? &sa->msg[n] : NULL,
                            stall, sa->state);
        if (request)
            qvpn_set_request(c, &sa->msg[n]);
        else
            sa->msg[n].ts = o->ts_ns;
        return;
    }
    sa->first_frame[n] = o->frame;
    if (request) {
        sa->last_init = (uint8_t)n;
        qvpn_new_request(c, &sa->msg[n]);
    } else {
        sa->last_resp = (uint8_t)n;
        sa->msg[n].frame = o->frame;
        sa->msg[n].ts = o->ts_ns;
        qvpn_set_response(c, &sa->msg[n - 1], v1_rtt_kind(aggressive, n));
    }
    sa_event(c, sa, (qvpn_ike_event)((aggressive ? QVPN_IKE_EV_AM1 : QVPN_IKE_EV_MM1) + (n - 1)));
    c->sess->p1_progress_ts = o->ts_ns;
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
    sa_event(c, sa, QVPN_IKE_EV_QUICK);
    if (!known) {
        ex->init_is_sa_init = from_sa_init;
        ex->last = n = 1;
        ex->first_frame[1] = o->frame;
        qvpn_new_request(c, &ex->req);
        sa->qm_open = true;
        sa->qm_open_msgid = o->ike.msgid;
    } else if (from_sa_init == ex->init_is_sa_init) {   /* from the QM initiator */
        if (ex->last == 1) {
            n = 1;
            mark_retransmission(c, ex->first_frame[1], ex->req.ts, &ex->req,
                                sa->refused == QVPN_IKE_MSG_QM1 ? QVPN_FINDING_COUNT
                                                                : QVPN_FINDING_QM_STALL,
                                sa->state);
            qvpn_set_request(c, &ex->req);
        } else if (ex->last == 2) {
            ex->last = n = 3;
            ex->first_frame[3] = o->frame;
            ex->last_ts[3] = o->ts_ns;
            c->v.sa_agreed = true;
        } else {
            n = 3;
            mark_retransmission(c, ex->first_frame[3], ex->last_ts[3], NULL,
                                QVPN_FINDING_COUNT, sa->state);
            ex->last_ts[3] = o->ts_ns;
        }
    } else {                                            /* from the QM responder */
        if (ex->last == 1) {
            ex->last = n = 2;
            ex->first_frame[2] = o->frame;
            ex->last_ts[2] = o->ts_ns;
            qvpn_set_response(c, &ex->req, QVPN_RTT_QM12);
            if (sa->qm_open && sa->qm_open_msgid == o->ike.msgid)
                sa->qm_open = false;
        } else {
            n = 2;
            bool real = mark_retransmission(c, ex->first_frame[2], ex->last_ts[2], NULL,
                                            QVPN_FINDING_COUNT, sa->state);
            ex->last_ts[2] = o->ts_ns;
            /* QM2 again although QM3 was sent: the responder did not get or accept
             * QM3 (its SAs are not installed); twice is no crossing in flight. */
            if (real && ex->last == 3 && ++ex->resends_after_last >= STALL_SENDS - 1) {
                qvpn_finding_set(c, QVPN_FINDING_QM_STALL);
                c->v.stall_state = sa->state;
                c->v.sends = ex->resends_after_last;
                c->v.gap_ns = o->ts_ns - ex->last_ts[3];
            }
        }
    }
    c->v.ike_msg = QVPN_IKE_MSG_QM1 + (n - 1);
}

/* An encrypted Informational the responder sends while a request awaits its answer
 * is the refusal of that request (strongSwan PAYLOAD-MALFORMED or Cisco
 * INVALID-HASH-INFORMATION for MM5: the pre-shared keys differ; NO-PROPOSAL-CHOSEN
 * or INVALID-ID-INFORMATION for QM1), encrypted.  A DPD exchange can look alike,
 * but only after phase 1 and not this soon after a Quick Mode request. */
#define REFUSAL_WINDOW_NS ((int64_t)5000000000)

static bool has_error_notify(const qvpn_ike_obs *k);

static void v1_refusal(qvpn_ctx *c, qvpn_ike_sa *sa)
{
    const qvpn_obs *o = c->obs;
    bool from_init = qvpn_addr_eq(&o->src, &sa->initiator);
    qvpn_req *req = NULL;
    qvpn_ike_msg msg = QVPN_IKE_MSG_NONE;

    if (!from_init && sa->state == QVPN_IKE_STATE_MM_KEY_EXCH && sa->last_init == 5 &&
        sa->last_resp < 5) {
        req = &sa->msg[5];
        msg = QVPN_IKE_MSG_MM5;
    } else if (sa->qm_open) {
        qvpn_exch *ex = exch_get(sa, sa->qm_open_msgid, false);
        if (ex && ex->last == 1 && from_init != ex->init_is_sa_init &&
            o->ts_ns - ex->req.ts < REFUSAL_WINDOW_NS) {
            req = &ex->req;
            msg = QVPN_IKE_MSG_QM1;
            sa->qm_open = false;
        }
    }
    if (req == NULL || sa->refused == msg)
        return;
    /* With keys the message says what it is: a DPD or a status notify refuses nothing. */
    if (o->ike.decrypted_ok && !has_error_notify(&o->ike))
        return;
    sa->refused = msg;
    qvpn_finding_set(c, QVPN_FINDING_IKE_REFUSED);
    c->v.refused_msg = msg;
    c->v.ike_len = o->ike.length;
    qvpn_set_response(c, req, QVPN_RTT_NONE);
}

/* Windows AuthIP (MS-AIPS) runs its own exchanges in ISAKMP headers. */
static bool is_authip(uint8_t exch)
{
    return exch >= 243 && exch <= 246;
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
        if (c->obs->ike.flags & QVPN_IKE_FLAG_V1_ENCRYPTED) {
            v1_refusal(c, sa);
            sa_event(c, sa, QVPN_IKE_EV_INFO_ENCRYPTED);
        }
    } else if (exch == QVPN_IKE_EXCH_TRANSACTION) {
        c->v.step = QVPN_STEP_IKE_TRANSACTION;  /* XAUTH, Mode Config: after phase 1 */
        sa_event(c, sa, QVPN_IKE_EV_INFO_ENCRYPTED);
    } else if (is_authip(exch)) {
        c->v.step = QVPN_STEP_AUTHIP;           /* not analysed: no state claimed */
        return;
    } else {
        c->v.step = QVPN_STEP_IKE_OTHER;
    }
    sa_event(c, sa, QVPN_IKE_EV_UNPLACED);
}

/* ---- IKEv2 ---- */

static qvpn_step v2_step(uint8_t exch)
{
    switch (exch) {
    case QVPN_IKE_EXCH_SA_INIT:  return QVPN_STEP_IKEV2_SA_INIT;
    case QVPN_IKE_EXCH_AUTH:     return QVPN_STEP_IKEV2_AUTH;
    case QVPN_IKE_EXCH_CHILD_SA: return QVPN_STEP_IKEV2_CHILD_SA;
    case QVPN_IKE_EXCH_INFO_V2:  return QVPN_STEP_IKEV2_INFO;
    case QVPN_IKE_EXCH_INTERMEDIATE: return QVPN_STEP_IKEV2_INTERMEDIATE;
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
#define V2_PL_AUTH 39
#define V2_N_INVALID_KE 17
#define V2_N_COOKIE 16390
#define V2_N_REDIRECT 16407

/* An IKEv2 fragment (RFC 7383): its siblings share the message ID. */
static bool is_fragment(const qvpn_ike_obs *k)
{
    return (k->payloads & BIT64(QVPN_IKE_PL_V2_SKF)) != 0;
}

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
        if (is_fragment(&o->ike))           /* the next fragment, not the same message */
            return;
        bool p1 = exch == QVPN_IKE_EXCH_SA_INIT || exch == QVPN_IKE_EXCH_AUTH;
        qvpn_finding stall = p1 ? QVPN_FINDING_MM_STALL
                           : exch == QVPN_IKE_EXCH_CHILD_SA ? QVPN_FINDING_QM_STALL
                                                            : QVPN_FINDING_COUNT;
        mark_retransmission(c, ex->first_frame[1], ex->req.ts, &ex->req, stall, sa->state);
        qvpn_set_request(c, &ex->req);
        return;
    }
    memset(ex, 0, sizeof(*ex));
    ex->type = exch;
    ex->last = 1;
    ex->first_frame[1] = o->frame;
    qvpn_new_request(c, &ex->req);
    if (exch == QVPN_IKE_EXCH_CHILD_SA || exch == QVPN_IKE_EXCH_INFO_V2) {
        sa_event(c, sa, QVPN_IKE_EV_V2_ESTABLISHED);    /* only an IKE SA sends these */
    } else if (exch == QVPN_IKE_EXCH_SA_INIT) {
        sa_event(c, sa, QVPN_IKE_EV_V2_INIT_REQ);
        c->sess->p1_progress_ts = o->ts_ns;
    } else if (exch == QVPN_IKE_EXCH_AUTH) {
        if (sa->state != QVPN_IKE_STATE_V2_READY)   /* a later round is no progress */
            c->sess->p1_progress_ts = o->ts_ns;
        sa_event(c, sa, QVPN_IKE_EV_V2_AUTH_REQ);
    }
}

static void v2_response(qvpn_ctx *c, qvpn_ike_sa *sa, qvpn_exch *ex, bool known)
{
    const qvpn_obs *o = c->obs;
    uint8_t exch = o->ike.exch;
    if (!known || ex->last == 0) {          /* request not seen: capture started later */
        if (exch == QVPN_IKE_EXCH_AUTH || exch == QVPN_IKE_EXCH_CHILD_SA ||
            exch == QVPN_IKE_EXCH_INFO_V2)
            sa_event(c, sa, QVPN_IKE_EV_V2_ESTABLISHED);
        /* Answered without a visible error: its child SA was agreed. */
        if (exch == QVPN_IKE_EXCH_AUTH || exch == QVPN_IKE_EXCH_CHILD_SA)
            c->v.sa_agreed = !has_error_notify(&o->ike);
        return;
    }
    if (ex->last == 2) {
        if (!is_fragment(&o->ike))
            mark_retransmission(c, ex->first_frame[2], ex->last_ts[2], NULL,
                                QVPN_FINDING_COUNT, sa->state);
        ex->last_ts[2] = o->ts_ns;
        return;
    }
    ex->last = 2;
    ex->first_frame[2] = o->frame;
    ex->last_ts[2] = o->ts_ns;
    qvpn_set_response(c, &ex->req, v2_rtt_kind(exch));
    /* COOKIE and INVALID_KE_PAYLOAD ask the initiator to try again (RFC 7296 2.6,
     * 1.2), REDIRECT to go to another gateway (RFC 5685): renegotiation, no error. */
    if (exch == QVPN_IKE_EXCH_SA_INIT && has_notify(&o->ike, V2_N_REDIRECT)) {
        qvpn_finding_set(c, QVPN_FINDING_IKE_REDIRECT);
        return;
    }
    if (exch == QVPN_IKE_EXCH_SA_INIT &&
        (has_notify(&o->ike, V2_N_COOKIE) || has_notify(&o->ike, V2_N_INVALID_KE))) {
        qvpn_finding_set(c, QVPN_FINDING_IKE_RENEGOTIATION);
        c->v.notify_type = has_notify(&o->ike, V2_N_COOKIE) ? V2_N_COOKIE : V2_N_INVALID_KE;
        return;
    }
    if (has_error_notify(&o->ike)) {
        /* Decrypted: an IKE_AUTH response with AUTH and a child SA error (TS_UNACCEPTABLE,
         * NO_PROPOSAL_CHOSEN, ...) set up the IKE SA and refused only the child SA. */
        if (exch == QVPN_IKE_EXCH_AUTH && (o->ike.payloads & BIT64(V2_PL_AUTH)))
            sa_event(c, sa, QVPN_IKE_EV_V2_AUTH_RESP);
        return;
    }
    if (exch == QVPN_IKE_EXCH_SA_INIT) {
        sa_event(c, sa, QVPN_IKE_EV_V2_INIT_RESP);
        c->sess->p1_progress_ts = o->ts_ns;
    } else if (exch == QVPN_IKE_EXCH_AUTH && v2_auth_too_short(&o->ike)) {
        qvpn_finding_set(c, QVPN_FINDING_IKE_AUTH_FAILED);
        c->v.ike_len = o->ike.length;
    } else if (exch == QVPN_IKE_EXCH_AUTH && o->ike.sk_inner != V2_PL_EAP) {
        sa_event(c, sa, QVPN_IKE_EV_V2_AUTH_RESP);  /* an EAP round is not the end of it */
        c->v.sa_agreed = true;                      /* IKE_AUTH carries the first child SA */
    } else if (exch == QVPN_IKE_EXCH_CHILD_SA && v2_auth_too_short(&o->ike)) {
        /* A lone encrypted Notify instead of SA, Nonce, TSi, TSr: NO_PROPOSAL_CHOSEN,
         * TS_UNACCEPTABLE, ... the child SA was refused. */
        qvpn_finding_set(c, QVPN_FINDING_IKE_REFUSED);
        c->v.refused_msg = QVPN_IKE_MSG_V2_REQUEST;
        c->v.ike_len = o->ike.length;
    } else if (exch == QVPN_IKE_EXCH_CHILD_SA) {
        c->v.sa_agreed = true;
        sa->child_ts = o->ts_ns;
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
    if (o->ike.exch == QVPN_IKE_EXCH_INTERMEDIATE)
        sa_event(c, sa, QVPN_IKE_EV_V2_INTERMEDIATE);
    if (response)
        v2_response(c, sa, ex, known);
    else
        v2_request(c, sa, ex, known);
    sa_event(c, sa, QVPN_IKE_EV_UNPLACED);
}

/* ---- common ---- */

static void check_notify(qvpn_ctx *c)
{
    const qvpn_ike_obs *k = &c->obs->ike;
    for (unsigned i = 0; i < k->n_notify && i < QVPN_MAX_NOTIFY; i++) {
        if (c->v.ike_version == 2 && k->notify[i] == V2_N_INVALID_KE)
            continue;                       /* a request to retry, not a refusal */
        if (k->notify[i] >= 1 && k->notify[i] < 16384) {
            qvpn_finding_set(c, QVPN_FINDING_IKE_NOTIFY);
            c->v.notify_type = k->notify[i];
            return;
        }
    }
}

/* A CREATE_CHILD_SA this recent makes a Delete the old SA's end of a rekey. */
#define REKEY_WINDOW_NS ((int64_t)30000000000)
#define V2_PL_DELETE 42

/* Whether this Informational ends the tunnel (qvpn_session.c starts the teardown;
 * ESP that resumes afterwards cancels it).  Only a tunnel that existed can end: ESP
 * flowed, or IPsec SAs were agreed.  IKEv1 hides what an encrypted Informational
 * carries — a delete, a DPD or a notify — but not its rhythm: the side that ends sends
 * its deletes one after another (the IPsec SAs, then the ISAKMP SA), while DPD
 * alternates (R-U-THERE, R-U-THERE-ACK); so the second encrypted Informational in a
 * row from one side starts the teardown.  IKEv2 shows the first payload inside SK:
 * only a Delete ends anything (an empty one is a liveness check), and not right
 * after a rekey; a Delete answered by an empty message deleted the IKE SA itself
 * (RFC 7296 1.4.1). */
static bool info_ends_tunnel(qvpn_ctx *c, qvpn_ike_sa *sa)
{
    const qvpn_ike_obs *k = &c->obs->ike;
    bool existed = c->sess->esp_seen || c->sess->sa_agreed;
    int decrypted = qvpn_keys_ends_tunnel(c);     /* with keys: what the message says */
    if (k->exch == QVPN_IKE_EXCH_INFO_V1) {
        if (decrypted >= 0)
            return existed && decrypted == 1;
        if (k->payloads & BIT64(QVPN_IKE_PL_DELETE))
            return existed;
        if (!(k->flags & QVPN_IKE_FLAG_V1_ENCRYPTED))
            return false;
        bool again = sa->last.exch == QVPN_IKE_EXCH_INFO_V1 &&
                     (sa->last.flags & QVPN_IKE_FLAG_V1_ENCRYPTED) &&
                     qvpn_addr_eq(&sa->last.src, &c->obs->src);
        return existed && again;
    }
    if (k->exch != QVPN_IKE_EXCH_INFO_V2)
        return false;
    bool response = (k->flags & QVPN_IKE_FLAG_V2_RESPONSE) != 0;
    if (response && sa->delete_sent && k->msgid == sa->delete_msgid) {
        sa->delete_sent = false;
        if (k->sk_inner == 0)
            sa_event(c, sa, QVPN_IKE_EV_V2_IKE_DELETED);
        return existed;
    }
    if (k->sk_inner != V2_PL_DELETE)
        return false;
    if (decrypted == 0 ||
        (decrypted < 0 && sa->child_ts && c->obs->ts_ns - sa->child_ts < REKEY_WINDOW_NS))
        return false;
    if (!response) {
        sa->delete_sent = true;
        sa->delete_msgid = k->msgid;
    }
    return existed;
}

/* A frame of the SA the same as its previous one (all but the time). */
static bool repeats_last(const qvpn_ike_sa *sa, const qvpn_obs *o)
{
    const qvpn_ike_obs *k = &o->ike;
    return sa->last.exch == k->exch && sa->last.flags == k->flags && sa->last.msgid == k->msgid &&
           sa->last.length == k->length && qvpn_addr_eq(&sa->last.src, &o->src);
}

static void remember_last(qvpn_ike_sa *sa, const qvpn_obs *o)
{
    sa->last.exch = o->ike.exch;
    sa->last.flags = o->ike.flags;
    sa->last.msgid = o->ike.msgid;
    sa->last.length = o->ike.length;
    sa->last.src = o->src;
}

bool qvpn_ike_feed(qvpn_ike_tracker *t, qvpn_ctx *c)
{
    const qvpn_obs *o = c->obs;
    qvpn_ike_key key;
    /* ISAKMP is version 1, IKEv2 version 2: anything else on UDP 500 is not IKE; a
     * message whose payloads do not hold together tells nothing true either. */
    if ((o->ike.version != 1 && o->ike.version != 2) || o->ike.malformed)
        return false;
    memset(&key, 0, sizeof(key));
    key.pair = qvpn_peers_pair(c->peers, &o->src, &o->dst, true);
    memcpy(key.ispi, o->ike.ispi, 8);

    qvpn_ike_sa *sa = key.pair ? g_hash_table_lookup(t->sas, &key) : NULL;
    if (!sa && !(sa = sa_open(t, c, (qvpn_pair *)key.pair)))
        return false;
    c->sess = sa->sess;
    c->v.from_client = qvpn_addr_eq(&o->src, &sa->sess->pub.client);
    bool v2 = o->ike.version == 2;
    c->v.ike_version = v2 ? 2 : 1;
    c->repeats_last = repeats_last(sa, o);
    qvpn_evidence_frags(c);             /* before a stall is judged: it may explain it */
    if (v2)
        v2_feed(c, sa);
    else
        v1_feed(c, sa);

    qvpn_sess *s = sa->sess;
    if (c->v.sa_agreed)
        s->sa_agreed = true;
    qvpn_keys_ike(c);                   /* child SAs and deletes, before the teardown */
    if (info_ends_tunnel(c, sa))
        qvpn_session_teardown(c);
    else if (c->v.ike_msg == QVPN_IKE_MSG_QM1 || (o->ike.exch == QVPN_IKE_EXCH_CHILD_SA && v2))
        qvpn_session_resume(s);             /* new IPsec SAs: the tunnel goes on */
    remember_last(sa, o);
    s->last_ike_ts = o->ts_ns;
    c->v.ike_state = sa->state;
    if (sa->state != QVPN_IKE_STATE_LOST || s->ike_state == QVPN_IKE_STATE_NONE)
        s->ike_state = sa->state;
    if (c->v.sa_agreed)
        s->sa_agreed = true;
    check_notify(c);
    qvpn_keys_refusal(c);
    qvpn_evidence_ike(c);
    c->v.phase = qvpn_session_phase(s, c->v.step);
    return true;
}

/* Stalls seen by the clock: the first frame of a session after the IKE went quiet. */
void qvpn_ike_check_timeouts(qvpn_ctx *c)
{
    qvpn_sess *s = c->sess;
    int64_t now = c->obs->ts_ns, limit = c->cfg->stall_timeout_ns;
    if (!s->had_ike)
        return;
    /* A refusal already tells why nothing progresses: no stall on top of it. */
    const uint32_t refusal = REFUSALS |
                             QVPN_FINDING_BIT(QVPN_FINDING_NATT_BLOCKED) |
                             QVPN_FINDING_BIT(QVPN_FINDING_FRAGMENTS_LOST) |
                             QVPN_FINDING_BIT(QVPN_FINDING_PROPOSAL_REFUSED);
    if ((c->v.findings | s->facts.findings) & refusal)
        s->p1_stall_reported = s->p2_stall_reported = true;
    if (c->v.findings & QVPN_FINDING_BIT(QVPN_FINDING_MM_STALL))
        s->p1_stall_reported = true;
    if (c->v.findings & QVPN_FINDING_BIT(QVPN_FINDING_QM_STALL))
        s->p2_stall_reported = true;
    /* Not on an IKE message: the answer to it may still come in ordinary time. */
    if (!s->p1_done && !s->p1_stall_reported && !c->obs->ike.present &&
        now - s->p1_progress_ts > limit) {
        s->p1_stall_reported = true;
        qvpn_finding_set(c, QVPN_FINDING_MM_STALL);
        c->v.stall_state = s->ike_state;
        c->v.gap_ns = now - s->p1_progress_ts;
    }
    if (s->p1_done && !s->esp_seen && !s->sa_agreed && !s->p2_stall_reported &&
        !c->obs->ike.present && now - s->p1_done_ts > limit) {
        s->p2_stall_reported = true;
        qvpn_finding_set(c, QVPN_FINDING_QM_STALL);
        c->v.stall_state = s->ike_state;
        c->v.gap_ns = now - s->p1_done_ts;
    }
}
