/* qvpn_peers.c — the peer-pair table and the known gateways.
 *
 * The pair table is looked up once per frame (every ESP packet), so it is a flat
 * open-addressing table (linear probing, at most half full) rather than a
 * GHashTable: no key to build, no indirect calls, and a slot's stored hash rules
 * most mismatches out without touching the pair.  The hash is symmetric, so either
 * direction finds the pair without putting the addresses in order first.  Pairs
 * are never removed; the table holds at most max_sessions of them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>

#include "qvpn_addr.h"
#include "qvpn_peers.h"

#define PAIR_SLOTS_MIN 64u

struct qvpn_peers {
    const qvpn_config *cfg;
    qvpn_pair **slots;      /* NULL = free */
    guint32    *hashes;     /* the hash of each slot's pair */
    guint32     mask;       /* slots - 1; slots a power of two, under half full */
    guint32     n_pairs;
    GHashTable *gateways;   /* k=qvpn_addr* learned from IKE, v=same */
};

static guint addr_hash_cb(gconstpointer k) { return qvpn_addr_hash(k); }
static gboolean addr_equal_cb(gconstpointer a, gconstpointer b) { return qvpn_addr_eq(a, b); }

static guint32 pair_hash(const qvpn_addr *x, const qvpn_addr *y)
{
    guint32 h = qvpn_addr_hash(x) + qvpn_addr_hash(y);
    h ^= h >> 16;
    h *= 0x45d9f3bu;
    return h ^ (h >> 16);
}

static bool pair_is(const qvpn_pair *p, const qvpn_addr *x, const qvpn_addr *y)
{
    return (qvpn_addr_eq(&p->a, x) && qvpn_addr_eq(&p->b, y)) ||
           (qvpn_addr_eq(&p->a, y) && qvpn_addr_eq(&p->b, x));
}

static void slots_init(qvpn_peers *p, guint32 n)
{
    p->slots = g_new0(qvpn_pair *, n);
    p->hashes = g_new0(guint32, n);
    p->mask = n - 1;
}

static void slot_put(qvpn_peers *p, qvpn_pair *pair, guint32 h)
{
    guint32 i = h & p->mask;
    while (p->slots[i] != NULL)
        i = (i + 1) & p->mask;
    p->slots[i] = pair;
    p->hashes[i] = h;
}

static void slots_grow(qvpn_peers *p)
{
    qvpn_pair **old = p->slots;
    guint32 *old_h = p->hashes, n = p->mask + 1;

    slots_init(p, n * 2);
    for (guint32 i = 0; i < n; i++)
        if (old[i] != NULL)
            slot_put(p, old[i], old_h[i]);
    g_free(old);
    g_free(old_h);
}

qvpn_peers *qvpn_peers_new(const qvpn_config *cfg)
{
    qvpn_peers *p = g_new0(qvpn_peers, 1);
    p->cfg = cfg;
    slots_init(p, PAIR_SLOTS_MIN);
    p->gateways = g_hash_table_new_full(addr_hash_cb, addr_equal_cb, g_free, NULL);
    return p;
}

void qvpn_peers_free(qvpn_peers *p)
{
    if (!p)
        return;
    for (guint32 i = 0; i <= p->mask; i++)
        g_free(p->slots[i]);
    g_free(p->slots);
    g_free(p->hashes);
    g_hash_table_destroy(p->gateways);
    g_free(p);
}

qvpn_pair *qvpn_peers_pair(qvpn_peers *p, const qvpn_addr *x, const qvpn_addr *y, bool create)
{
    guint32 h = pair_hash(x, y), i = h & p->mask;

    for (qvpn_pair *q; (q = p->slots[i]) != NULL; i = (i + 1) & p->mask)
        if (p->hashes[i] == h && pair_is(q, x, y))
            return q;
    if (!create || p->n_pairs >= p->cfg->max_sessions)
        return NULL;

    qvpn_pair *q = g_new0(qvpn_pair, 1);
    bool swap = qvpn_addr_cmp(x, y) > 0;
    q->a = swap ? *y : *x;
    q->b = swap ? *x : *y;
    p->n_pairs++;
    if (p->n_pairs > (p->mask + 1) / 2)
        slots_grow(p);
    slot_put(p, q, h);
    return q;
}

bool qvpn_peers_is_gateway(const qvpn_peers *p, const qvpn_addr *a)
{
    const qvpn_config *cfg = p->cfg;
    for (size_t i = 0; i < G_N_ELEMENTS(cfg->gateways) && cfg->gateways[i].len; i++)
        if (qvpn_addr_eq(&cfg->gateways[i], a))
            return true;
    return g_hash_table_contains(p->gateways, a);
}

void qvpn_peers_learn_gateway(qvpn_peers *p, const qvpn_addr *a)
{
    /* Bounded by the session cap: one gateway per session at most. */
    if (!g_hash_table_contains(p->gateways, a) &&
        g_hash_table_size(p->gateways) < p->cfg->max_sessions)
        g_hash_table_add(p->gateways, g_memdup2(a, sizeof(*a)));
}
