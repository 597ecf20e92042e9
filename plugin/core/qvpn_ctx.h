/* qvpn_ctx.h — one frame on its way through the engine: what the trackers read and
 * the verdict they build.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_CTX_H
#define QVPN_CTX_H

#include "qvpn_verdict.h"
#include "qvpn_peers.h"

struct qvpn_sess;
struct qvpn_sessions;
struct qvpn_ev_store;

/* A request awaiting its response: the latest transmission. */
typedef struct qvpn_req {
    qvpn_verdict *v;        /* its stored verdict, to fill response_in */
    uint32_t      frame;
    int64_t       ts;
    int64_t       first_ts; /* its first transmission */
    uint8_t       sends;    /* transmissions seen, duplicate frames aside */
} qvpn_req;

typedef struct qvpn_ctx {
    const qvpn_config    *cfg;
    qvpn_peers           *peers;
    struct qvpn_sessions *sessions;
    const qvpn_obs       *obs;
    qvpn_verdict          v;          /* being built; copied into storage at the end */
    struct qvpn_sess     *sess;       /* the session the frame joined */
    qvpn_verdict        **link_slot;  /* where to store this frame's stored verdict */
    qvpn_verdict         *answer;     /* request whose response_in this frame fills */
    bool                  repeats_last; /* IKE: the same message as its SA's previous frame */
    struct qvpn_ev_store *evs;        /* the engine's evidence storage */
    const struct qvpn_ike_inner *inner; /* what the decrypted IKE bytes hold, or NULL
                                         (obs->ike.decrypted_ok says it was read) */
    bool                  has_ev;     /* ev holds this frame's evidence: kept with the
                                         verdict (qvpn_ev_store_keep) */
    qvpn_evid             ev;         /* last: not cleared per frame (qvpn_evidence.c
                                         zeroes it on first use; read it only if has_ev) */
} qvpn_ctx;

static inline void qvpn_finding_set(qvpn_ctx *c, qvpn_finding f)
{
    c->v.findings |= QVPN_FINDING_BIT(f);
}

/* This frame answers `request`: link both ways and measure the round trip. */
static inline void qvpn_set_response(qvpn_ctx *c, const qvpn_req *request, qvpn_rtt_kind kind)
{
    if (request->frame == 0)
        return;
    c->v.response_to = request->frame;
    c->v.rtt_kind = kind;
    c->v.rtt_ns = c->obs->ts_ns - request->ts;
    c->answer = request->v;
}

/* This frame is a request (its latest transmission): remember it for the response. */
static inline void qvpn_set_request(qvpn_ctx *c, qvpn_req *slot)
{
    slot->frame = c->obs->frame;
    slot->ts = c->obs->ts_ns;
    slot->v = NULL;
    c->link_slot = &slot->v;
}

/* This frame is a request's first transmission. */
static inline void qvpn_new_request(qvpn_ctx *c, qvpn_req *slot)
{
    qvpn_set_request(c, slot);
    slot->first_ts = c->obs->ts_ns;
    slot->sends = 1;
}

#endif /* QVPN_CTX_H */
