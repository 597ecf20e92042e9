/* qvpn_evidence.h — what the capture shows in the clear about why: proposals and the
 * chosen suite, the peers' software (Vendor IDs), NAT on the path (NAT-D), IP
 * fragments, ICMP errors, the TLS hellos of the login.
 *
 * The trackers call these on the frames that carry such bytes (qvpn_obs spans); the
 * readers of qvpn_ike_sa.h, qvpn_vendor.h and qvpn_netwire.h say what the bytes
 * mean, this file what they mean to the session.  A frame's evidence goes on its
 * verdict (qvpn_verdict.ev), interned and immutable; the session's, in qvpn_sess_ev.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_EVIDENCE_H
#define QVPN_EVIDENCE_H

#include "qvpn_ctx.h"
#include "qvpn_sess_ev.h"


/* The engine's evidence storage: interned strings, stored evidence, IP fragment
 * trains.  Bounded: past its budget, new strings are dropped (the fields stay empty). */
typedef struct qvpn_ev_store qvpn_ev_store;
qvpn_ev_store   *qvpn_ev_store_new(void);
void             qvpn_ev_store_free(qvpn_ev_store *st);
const qvpn_evid *qvpn_ev_store_keep(qvpn_ev_store *st, const qvpn_evid *ev);

/* The frame's evidence, zeroed on first use and kept with its verdict; a string
 * interned for the capture's lifetime (NULL when empty or past the budget).  For
 * qvpn_keys.c, which adds what decrypted bytes show. */
qvpn_evid  *qvpn_ev_frame(qvpn_ctx *c);
const char *qvpn_ev_intern(qvpn_ctx *c, const char *text);

/* An IKE message of the session (after its tracker placed it): proposals, Vendor
 * IDs, NAT-D, notify data, the ports it used. */
void qvpn_evidence_ike(qvpn_ctx *c);

/* An IKE or ESP frame that Wireshark reassembled from IP fragments: how many. */
void qvpn_evidence_frags(qvpn_ctx *c);

/* A request is about to be called stalled (finding `stall`): the finding that names
 * what the capture shows instead (NATT_BLOCKED, FRAGMENTS_LOST), or `stall`. */
qvpn_finding qvpn_evidence_stall(qvpn_ctx *c, qvpn_finding stall);

/* An ESP frame of the session: raw ESP through NAT, fragmented ESP, NAT rebinding. */
void qvpn_evidence_esp(qvpn_ctx *c);

/* A NAT-T keepalive of the session: NAT rebinding. */
void qvpn_evidence_keepalive(qvpn_ctx *c);

/* A TCP frame of a login with a TLS hello. */
void qvpn_evidence_tls(qvpn_ctx *c);

/* Frames that are only evidence: an ICMP error quoting a session's packet, an IP
 * fragment of one.  Each joins the pair's current session, never starts one. */
bool qvpn_icmp_feed(qvpn_ctx *c);
bool qvpn_frag_feed(qvpn_ctx *c);

#endif /* QVPN_EVIDENCE_H */
