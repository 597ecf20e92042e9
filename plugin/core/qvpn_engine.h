/* qvpn_engine.h — the correlation engine: feed(obs) -> verdict.
 *
 * Pure C11 + GLib.  One engine per capture file: the glue creates it in its init
 * routine and destroys it in its cleanup routine.  Frames are fed once, in order, on
 * the first pass; the verdicts the engine returns stay valid (and are owned by it)
 * until qvpn_engine_free().  A verdict can still change after it was returned in one
 * way only: its response_in link is filled when the response arrives, exactly as
 * Wireshark's own request/response tracking does.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_ENGINE_H
#define QVPN_ENGINE_H

#include "qvpn_addr.h"
#include "qvpn_findings.h"
#include "qvpn_verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Defaults: ports 443 and 60443, stall 10 s, one-way 10 packets over 5 s, logout
 * window 30 s, 10000 sessions. */
void qvpn_config_init(qvpn_config *cfg);

typedef struct qvpn_engine qvpn_engine;

qvpn_engine *qvpn_engine_new(const qvpn_config *cfg);
void         qvpn_engine_free(qvpn_engine *eng);

/* Feed one frame (first pass, frame order).  Returns the frame's verdict, owned by
 * the engine, or NULL when the frame has nothing to do with a VPN flow (then the
 * engine kept no memory for it). */
const qvpn_verdict *qvpn_engine_feed(qvpn_engine *eng, const qvpn_obs *obs);

/* The record (qvpn_facts.h) of the frame fed last, valid until the next feed: what
 * the engine folded into its session's facts, and what the glue taps. */
const struct qvpn_rec *qvpn_engine_record(const qvpn_engine *eng);

/* Sessions in creation order, for statistics and the sessions table. */
uint32_t            qvpn_engine_session_count(const qvpn_engine *eng);
const qvpn_session *qvpn_engine_session(const qvpn_engine *eng, uint32_t id);
bool                qvpn_engine_session_cap_hit(const qvpn_engine *eng);

/* Every frame's frame.time_relative, first pass, in order (fed or not): the engine
 * knows where the capture ends. */
void    qvpn_engine_clock(qvpn_engine *eng, int64_t rel_ts_ns);
int64_t qvpn_engine_capture_end(const qvpn_engine *eng);     /* -1 before any frame */

/* One-line verdict of a session ("connected", "stalled in MM_KEY_EXCH: ..."): the
 * verdict of its facts (qvpn_facts_verdict()) at the capture's end. */
void qvpn_engine_summary(const qvpn_engine *eng, const qvpn_session *s, char *buf, size_t len);


#ifdef __cplusplus
}
#endif

#endif /* QVPN_ENGINE_H */
