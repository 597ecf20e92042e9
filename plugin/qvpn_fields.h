/* qvpn_fields.h — the other dissectors' fields qvpn reads, and their extraction into
 * a qvpn_obs.  The only glue file that knows foreign field names.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_FIELDS_H
#define QVPN_FIELDS_H

#include "qvpn_compat.h"
#include <epan/packet.h>

#include "qvpn_obs.h"

/* Resolve every wanted field name to all of its hfids (same-name registrations
 * included); warn on names that do not resolve.  Call once all protocols are
 * registered (handoff).  Returns a new GArray of int hfids for
 * set_postdissector_wanted_hfids(), which takes ownership. */
GArray *qvpn_fields_resolve(void);

/* The hfids qvpn_fields_resolve() found, as a new GArray for
 * set_postdissector_wanted_hfids() (which takes ownership). */
GArray *qvpn_fields_wanted(void);

/* Fill *obs from the (primed) tree of the frame being dissected; tvb is the frame's
 * own tvbuff (the post-dissector's), whose bytes most headers are read from.  Returns false, and
 * leaves *obs unspecified, when the frame carries none of TCP, ISAKMP, ESP or a
 * NAT-T keepalive (the common case, kept cheap). */
bool qvpn_fields_extract(tvbuff_t *tvb, proto_tree *tree, packet_info *pinfo, qvpn_obs *obs);

/* A frame time in nanoseconds, saturated at the ends of int64: pcapng allows times
 * (64 bits, plus if_tsoffset) whose nanoseconds do not fit. */
static inline int64_t qvpn_nstime_to_ns(const nstime_t *t)
{
    if (t->secs >= INT64_MAX / 1000000000)
        return INT64_MAX;
    if (t->secs <= INT64_MIN / 1000000000)
        return INT64_MIN;
    return (int64_t)t->secs * 1000000000 + t->nsecs;
}

#endif /* QVPN_FIELDS_H */
