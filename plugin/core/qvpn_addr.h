/* qvpn_addr.h — comparing and hashing addresses (the engine's own use).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_ADDR_H
#define QVPN_ADDR_H

#include <stdbool.h>
#include <stdint.h>

#include "qvpn_obs.h"

bool     qvpn_addr_valid(const qvpn_addr *a);      /* IPv4 or IPv6 */
bool     qvpn_addr_eq(const qvpn_addr *x, const qvpn_addr *y);
int      qvpn_addr_cmp(const qvpn_addr *x, const qvpn_addr *y);
uint32_t qvpn_addr_hash(const qvpn_addr *a);

#endif /* QVPN_ADDR_H */
