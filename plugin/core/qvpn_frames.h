/* qvpn_frames.h — fixed-size records kept per frame number, for the passes after the
 * first.
 *
 * The glue computes a frame's record once (first pass) and reads it back on every
 * later pass (tshark -2, GUI re-dissection and retaps).  Wireshark's per-frame proto
 * data (p_add_proto_data) costs a list node, a proto_data_t and an allocation per
 * frame; here a frame costs 4 bytes of index and, if it has a record, the record
 * itself in a block of records.  Records never move: pointers to them stay valid
 * until qvpn_frames_free().
 *
 * Pure C11 + GLib.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_FRAMES_H
#define QVPN_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qvpn_frames qvpn_frames;

/* A store of records of rec_size bytes each (rec_size > 0). */
qvpn_frames *qvpn_frames_new(size_t rec_size);
void         qvpn_frames_free(qvpn_frames *fs);

/* The record of a frame, created zeroed if the frame has none yet.  Frame 0 (no
 * frame) and a full store (2^32 - 1 records) give NULL. */
void *qvpn_frames_add(qvpn_frames *fs, uint32_t frame);

/* The record of a frame, or NULL. */
const void *qvpn_frames_get(const qvpn_frames *fs, uint32_t frame);

#ifdef __cplusplus
}
#endif

#endif /* QVPN_FRAMES_H */
