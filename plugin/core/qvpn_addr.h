/* qvpn_addr.h — addresses: comparing and hashing (the engine), printing (everyone).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_ADDR_H
#define QVPN_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qvpn_obs.h"

bool     qvpn_addr_valid(const qvpn_addr *a);      /* IPv4 or IPv6 */
bool     qvpn_addr_eq(const qvpn_addr *x, const qvpn_addr *y);
int      qvpn_addr_cmp(const qvpn_addr *x, const qvpn_addr *y);
uint32_t qvpn_addr_hash(const qvpn_addr *a);

/* Printable address ("213.16.33.141", "2001:db8::1"). */
void qvpn_addr_to_str(const qvpn_addr *a, char *buf, size_t len);

#endif /* QVPN_ADDR_H */
