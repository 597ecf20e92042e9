/* qvpn_engine_int.h — the engine's private state, shared by its own .c files only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_ENGINE_INT_H
#define QVPN_ENGINE_INT_H

#include <glib.h>

#include "qvpn_engine.h"

#define QVPN_MAX_SPIS_PER_SESSION 16
#define QVPN_PLAIN_CACHE 8

/* Both ends of a conversation, in canonical order (a <= b), so either direction finds it. */
typedef struct qvpn_pair {
    qvpn_addr a, b;
    struct qvpn_sess *current;      /* the session new traffic joins */
} qvpn_pair;

typedef struct qvpn_sess {
    qvpn_session pub;               /* what statistics see */
    qvpn_pair   *pair;
    bool         had_ike;
    bool         esp_seen;          /* the tunnel carried traffic */
    bool         tunnel_up;         /* ESP seen both ways */
    bool         teardown;
    bool         logout_seen;       /* a TLS stream already joined the teardown */
    bool         p1_done;
    bool         p1_stall_reported; /* by timeout, once */
    bool         p2_stall_reported;
    bool         one_way_reported;
    int64_t      first_ike_ts;
    int64_t      last_ike_ts;
    int64_t      p1_progress_ts;    /* last new phase-1 message */
    int64_t      p1_done_ts;
    int64_t      teardown_ts;
    int64_t      first_out_ts, first_in_ts;  /* first ESP each way */
    uint32_t     spis[QVPN_MAX_SPIS_PER_SESSION];
    uint8_t      n_spis;
    uint8_t      n_spis_before_teardown;
    qvpn_verdict *plain[QVPN_PLAIN_CACHE]; /* shared verdicts of featureless frames */
} qvpn_sess;

struct qvpn_engine {
    qvpn_config cfg;
    qvpn_pair **pair_slots; /* open addressing by pair_hash(), NULL = free */
    guint32    *pair_hashes;/* the hash of each slot's pair */
    guint32     pair_mask;  /* slots - 1; slots a power of two, under half full */
    guint32     n_pairs;
    GHashTable *streams;    /* k=tcp.stream, v=qvpn_stream* */
    GHashTable *ike_sas;    /* k=qvpn_ike_key*, v=qvpn_ike_sa* */
    GHashTable *gateways;   /* k=qvpn_addr* learned from IKE, v=same */
    GPtrArray  *sessions;   /* index id-1 -> qvpn_sess* */
    GPtrArray  *blocks;     /* verdict storage, QVPN_BLOCK verdicts each */
    guint       block_used;
    bool        cap_hit;
    bool        cap_reported;
};

/* A request awaiting its response: the latest transmission. */
typedef struct qvpn_req {
    qvpn_verdict *v;        /* its stored verdict, to fill response_in */
    uint32_t      frame;
    int64_t       ts;
} qvpn_req;

/* Frame context passed between the engine's parts. */
typedef struct qvpn_ctx {
    qvpn_engine    *eng;
    const qvpn_obs *obs;
    qvpn_verdict    v;          /* being built; copied into storage at the end */
    qvpn_sess      *sess;
    bool            shareable;  /* no per-frame detail: may share storage */
    qvpn_verdict  **link_slot;  /* where to store this frame's stored verdict */
    qvpn_verdict   *answer;     /* request whose response_in this frame fills */
} qvpn_ctx;

/* qvpn_engine.c */
bool        qvpn_addr_eq(const qvpn_addr *x, const qvpn_addr *y);
bool        qvpn_is_known_gateway(const qvpn_engine *eng, const qvpn_addr *a);
void        qvpn_learn_gateway(qvpn_engine *eng, const qvpn_addr *a);
qvpn_pair  *qvpn_pair_lookup(qvpn_engine *eng, const qvpn_addr *x, const qvpn_addr *y, bool create);
qvpn_sess  *qvpn_session_new(qvpn_ctx *c, qvpn_pair *pair,
                             const qvpn_addr *client, const qvpn_addr *gateway, bool guessed);
void        qvpn_finding_set(qvpn_ctx *c, qvpn_finding f);
void        qvpn_set_response(qvpn_ctx *c, const qvpn_req *request, qvpn_rtt_kind kind);
void        qvpn_set_request(qvpn_ctx *c, qvpn_req *slot);

/* qvpn_tcp.c */
bool qvpn_tcp_feed(qvpn_ctx *c);
void qvpn_tcp_stream_free(gpointer p);

/* qvpn_ike.c */
bool qvpn_ike_feed(qvpn_ctx *c);
void qvpn_ike_check_timeouts(qvpn_ctx *c);
void qvpn_ike_sa_free(gpointer p);
guint    qvpn_ike_key_hash(gconstpointer k);
gboolean qvpn_ike_key_equal(gconstpointer a, gconstpointer b);

/* qvpn_esp.c */
bool qvpn_esp_feed(qvpn_ctx *c);
bool qvpn_keepalive_feed(qvpn_ctx *c);

#endif /* QVPN_ENGINE_INT_H */
