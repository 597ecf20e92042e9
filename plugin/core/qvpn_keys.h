/* qvpn_keys.h — what the capture shows once the user gave Wireshark the keys:
 * the payloads of encrypted IKE messages (notifications, traffic selectors, phase-2
 * proposals, deletes, DPD, XAUTH, Mode Config / CP) and the packets a decrypted
 * ESP carries.  The readers of qvpn_decrypted.h say what the bytes are; this file
 * what they mean to the session.  Without keys nothing here runs: the glue hands
 * over no decrypted bytes, and the engine's output is what it was.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_KEYS_H
#define QVPN_KEYS_H

#include "qvpn_ctx.h"
#include "qvpn_decrypted.h"

/* Before the trackers: read in's decrypted IKE bytes into inner and make out a copy
 * of in whose notify[] and payloads include what they hold (notify_dec marks those),
 * so that every rule on notifications and payloads sees them.  False (out and inner
 * untouched) when nothing could be read. */
bool qvpn_keys_merge(const qvpn_obs *in, qvpn_obs *out, qvpn_ike_inner *inner);

/* An IKE message of the session with decrypted payloads (c->inner): child SAs and
 * their selectors, deletes, DPD, XAUTH, Mode Config, identities, the notifications'
 * names.  After the tracker placed the message, before the teardown is judged. */
void qvpn_keys_ike(qvpn_ctx *c);

/* Whether the decrypted Informational ends the tunnel: 1 (an IKE SA deleted, or an
 * IPsec SA no newer one replaces), 0 (a rekey's delete; IKEv1: no Delete in it, a DPD
 * or a notify), -1 (nothing decrypted says: the rules without keys apply). */
int qvpn_keys_ends_tunnel(qvpn_ctx *c);

/* The frame's error notification was read from decrypted bytes: the finding it
 * raised is observed, and replaces what was inferred from the encrypted message. */
void qvpn_keys_refusal(qvpn_ctx *c);

/* The session whose IKE SA a decrypted CREATE_CHILD_SA rekeyed into the IKE SA of
 * this message (its initiator SPI), or NULL: the new SA goes on the same attempt. */
struct qvpn_sess *qvpn_keys_rekeyed_session(qvpn_ctx *c);

/* An ESP frame of the session: its SA's networks, the packet it carries when
 * decrypted, and whether the requests inside the tunnel get answers. */
void qvpn_keys_esp(qvpn_ctx *c);

#endif /* QVPN_KEYS_H */
