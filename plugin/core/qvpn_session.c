/* qvpn_session.c — a session's life: joining, phase, teardown.
 *
 * A session is one client <-> gateway connection attempt.  Each peer pair points at
 * its current session; a new flow between the pair joins it or starts the next
 * attempt, by this table (README, "How qvpn decides -> Sessions"):
 *
 *   flow       the pair's current session                          joins
 *   ---------  --------------------------------------------------  -------------------
 *   login      none                                                a new session
 *   login      torn down, no login since, within the logout window  it (the logout)
 *   login      torn down otherwise                                 a new session
 *   login      IKE seen, no ESP, IKE silent >= the stall timeout   a new session (a
 *                                                                  re-login after a
 *                                                                  failed attempt)
 *   login      a login refused by a TLS alert, no IKE              a new session (retry)
 *   login      TLS only so far, quiet for RETRY_GAP                a new session (a login
 *                                                                  that no IKE followed
 *                                                                  is an attempt of its own)
 *   login      otherwise                                           it
 *   IKE SA     none, or torn down                                  a new session
 *   IKE SA     phase 1 not up, the same initiator, and it was      a new session (a
 *              refused, stalled, or silent for RETRY_GAP           retry, not a collision)
 *   IKE start  phase 1 up, no ESP nor IKE for the stall timeout     a new session (the
 *                                                                  next connection)
 *   IKEv2 start phase 1 up                                         a new session (IKEv2
 *                                                                  rekeys in the SA)
 *   IKE SA     otherwise                                           it
 *   ESP        none                                                a new session, roles
 *                                                                  guessed (mid-flow)
 *   ESP        otherwise                                           it
 *   keepalive  none                                                nothing
 *   keepalive  otherwise                                           it
 *
 * Everything here is causal: it depends on the frame and the ones before it only,
 * so one pass gives what two passes give.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qvpn_addr.h"
#include "qvpn_session.h"

qvpn_sessions *qvpn_sessions_new(void)
{
    qvpn_sessions *ss = g_new0(qvpn_sessions, 1);
    ss->all = g_ptr_array_new_with_free_func(g_free);
    return ss;
}

void qvpn_sessions_free(qvpn_sessions *ss)
{
    if (!ss)
        return;
    g_ptr_array_free(ss->all, TRUE);
    if (ss->by_spi)
        g_hash_table_destroy(ss->by_spi);
    if (ss->by_ike_spi)
        g_hash_table_destroy(ss->by_ike_spi);
    g_free(ss);
}

void qvpn_session_cap(qvpn_ctx *c)
{
    c->sessions->cap_hit = true;
    if (!c->sessions->cap_reported) {
        c->sessions->cap_reported = true;
        qvpn_finding_set(c, QVPN_FINDING_SESSION_CAP);
    }
}

static qvpn_sess *session_new(qvpn_ctx *c, qvpn_pair *pair, const qvpn_addr *client,
                              const qvpn_addr *gateway, bool guessed)
{
    qvpn_sessions *ss = c->sessions;
    if (!pair || ss->all->len >= c->cfg->max_sessions) {
        qvpn_session_cap(c);
        return NULL;
    }
    qvpn_sess *s = g_new0(qvpn_sess, 1);
    s->pub.id = ss->all->len + 1;
    s->pub.client = *client;
    s->pub.gateway = *gateway;
    s->pub.roles_guessed = guessed;
    s->pub.facts = &s->facts;
    qvpn_facts_init(&s->facts, c->cfg->stall_timeout_ns);
    s->pair = pair;
    pair->current = s;
    g_ptr_array_add(ss->all, s);
    return s;
}

/* Two IKE SAs within this gap of each other are one attempt (both peers initiating,
 * an IKEv2 retry with a new SPI after INVALID_KE); a new SA later is a new attempt
 * once phase 1 failed.  Every stack waits longer than this before a new try. */
#define RETRY_GAP_NS ((int64_t)1000000000)

#define FAILED_P1 (QVPN_FINDING_BIT(QVPN_FINDING_MM_STALL) | QVPN_FINDING_BIT(QVPN_FINDING_IKE_NOTIFY) | \
                   QVPN_FINDING_BIT(QVPN_FINDING_IKE_AUTH_FAILED) | QVPN_FINDING_BIT(QVPN_FINDING_IKE_REFUSED) | \
                   QVPN_FINDING_BIT(QVPN_FINDING_IKE_REDIRECT))

/* Absolute: captures glued together from several runs go back in time. */
static int64_t gap(int64_t a, int64_t b)
{
    return a >= b ? a - b : b - a;
}

static int64_t since(const qvpn_ctx *c, int64_t ts)
{
    return gap(c->obs->ts_ns, ts);
}

/* A new IKE SA joins the attempt unless that one's phase 1 already failed and its
 * initiator tries again, or a negotiation from scratch finds the tunnel long idle
 * (the next connection, not a rekey); the other peer initiating too is the same
 * attempt. */
static bool ike_sa_joins(qvpn_ctx *c, qvpn_sess *s, const qvpn_addr *initiator, qvpn_join kind)
{
    bool start = kind != QVPN_JOIN_IKE_SA;
    if (s->teardown)
        return false;
    if (!s->had_ike || !qvpn_addr_eq(initiator, &s->pub.client))
        return true;
    if (s->p1_done) {
        int64_t idle = c->cfg->stall_timeout_ns;
        /* Unless the capture runs back in time here (files glued together): then
         * this negotiation came before the one that is up. */
        if (kind == QVPN_JOIN_IKEV2_START)
            return c->obs->ts_ns < s->last_ike_ts;
        return !start || since(c, s->last_ike_ts) < idle ||
               (s->esp_seen && since(c, s->last_esp_ts) < idle);
    }
    return !(s->facts.findings & FAILED_P1) && since(c, s->last_ike_ts) < RETRY_GAP_NS;
}

/* A login joins the session it is the logout of, or the one still negotiating. */
static bool login_joins(qvpn_ctx *c, qvpn_sess *s)
{
    int64_t now = c->obs->ts_ns;
    if (!s->had_ike && (s->facts.findings & QVPN_FINDING_BIT(QVPN_FINDING_TLS_ALERT)))
        return false;                               /* a new try after a refused login */
    if (!s->had_ike && !s->esp_seen &&
        gap(c->obs->rel_ts_ns, s->facts.last_rel_ns) >= RETRY_GAP_NS)
        return false;                               /* parallel connections only */
    if (s->teardown) {
        if (s->logout_seen || now - s->teardown_ts > c->cfg->logout_window_ns)
            return false;
        s->logout_seen = true;
        return true;
    }
    return !s->had_ike || s->esp_seen || now - s->last_ike_ts < c->cfg->stall_timeout_ns;
}

qvpn_sess *qvpn_session_join(qvpn_ctx *c, qvpn_pair *pair, qvpn_join kind,
                             const qvpn_addr *client, const qvpn_addr *gateway, bool guessed)
{
    qvpn_sess *s = pair ? pair->current : NULL;    /* no pair: the table is full */
    switch (kind) {
    case QVPN_JOIN_LOGIN:
        if (s && login_joins(c, s))
            return s;
        break;
    case QVPN_JOIN_IKE_SA:
    case QVPN_JOIN_IKE_START:
    case QVPN_JOIN_IKEV2_START:
        if (s && ike_sa_joins(c, s, client, kind))
            return s;
        break;
    case QVPN_JOIN_ESP:
        if (s)
            return s;
        break;
    case QVPN_JOIN_KEEPALIVE:
        return s;
    }
    return session_new(c, pair, client, gateway, guessed);
}

/* The phase: Teardown once started; else by what the frame carries and whether the
 * tunnel already carried traffic. */
qvpn_phase qvpn_session_phase(const qvpn_sess *s, qvpn_step step)
{
    if (s->teardown)
        return QVPN_PHASE_TEARDOWN;
    switch (step) {
    case QVPN_STEP_TCP_HANDSHAKE:
    case QVPN_STEP_TLS_HANDSHAKE:
    case QVPN_STEP_TLS_DATA:
    case QVPN_STEP_TLS_CLOSE:
    case QVPN_STEP_TCP_CLOSE:
    case QVPN_STEP_TCP_DATA:
        return s->esp_seen ? QVPN_PHASE_NETWORK : QVPN_PHASE_CONNECTION;
    case QVPN_STEP_ESP:
    case QVPN_STEP_AH:
        return QVPN_PHASE_NETWORK;
    case QVPN_STEP_NAT_KEEPALIVE:
        return s->esp_seen ? QVPN_PHASE_NETWORK : QVPN_PHASE_POLICY;
    case QVPN_STEP_IP_FRAGMENT:
    case QVPN_STEP_ICMP:            /* about the session's latest packets */
        return s->facts.last_phase != QVPN_PHASE_NONE ? s->facts.last_phase
                                                      : QVPN_PHASE_POLICY;
    default:                        /* every IKE exchange */
        return QVPN_PHASE_POLICY;
    }
}

void qvpn_session_teardown(qvpn_ctx *c)
{
    qvpn_sess *s = c->sess;
    if (!s->teardown) {
        s->teardown = true;
        s->teardown_ts = c->obs->ts_ns;
        s->logout_seen = false;
    }
}

void qvpn_session_resume(qvpn_sess *s)
{
    s->teardown = false;
}

void qvpn_session_esp(qvpn_sess *s, uint32_t spi, int64_t ts)
{
    s->last_esp_ts = ts;
    unsigned i = 0;
    while (i < s->n_spis && s->spis[i] != spi)
        i++;
    if (i == s->n_spis && s->n_spis < QVPN_MAX_SPIS_PER_SESSION)
        s->spis[s->n_spis++] = spi;
    s->teardown = false;
    s->esp_seen = true;
}
