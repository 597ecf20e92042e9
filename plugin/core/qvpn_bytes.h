/* qvpn_bytes.h — network-order integers from bytes the caller has checked are there.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_BYTES_H
#define QVPN_BYTES_H

#include <stdint.h>

static inline uint16_t qvpn_get_u16(const uint8_t *b)
{
    return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t qvpn_get_u32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

#endif /* QVPN_BYTES_H */
