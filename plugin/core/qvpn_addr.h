/* qvpn_addr.h — addresses: comparing and hashing (the engine), printing (everyone).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_ADDR_H
#define QVPN_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "qvpn_obs.h"

bool     qvpn_addr_valid(const qvpn_addr *a);      /* IPv4 or IPv6 */
int      qvpn_addr_cmp(const qvpn_addr *x, const qvpn_addr *y);
uint32_t qvpn_addr_hash(const qvpn_addr *a);

/* Equal addresses.  Inline: several calls per frame, from several files. */
static inline bool qvpn_addr_eq(const qvpn_addr *x, const qvpn_addr *y)
{
    if (x->len != y->len)
        return false;
    if (x->len == 4) {          /* the common case, without a call to memcmp() */
        uint32_t a, b;
        memcpy(&a, x->bytes, 4);
        memcpy(&b, y->bytes, 4);
        return a == b;
    }
    return memcmp(x->bytes, y->bytes, x->len) == 0;
}

/* Printable address ("213.16.33.141", "2001:db8::1"). */
void qvpn_addr_to_str(const qvpn_addr *a, char *buf, size_t len);

#endif /* QVPN_ADDR_H */
