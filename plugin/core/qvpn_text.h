/* qvpn_text.h — appending printf-style pieces to a fixed buffer, as the readers build
 * their texts (suites, selectors, identities): always NUL-terminated, never past the
 * buffer, and the length snprintf() would give once truncated.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_TEXT_H
#define QVPN_TEXT_H

#include <stddef.h>

#include <glib.h>

typedef struct qvpn_text {
    char  *buf;
    size_t len;     /* the buffer's size */
    size_t at;      /* what was asked for so far (may exceed len) */
} qvpn_text;

void qvpn_text_put(qvpn_text *t, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* The length written: at, or len - 1 when truncated (0 for an empty buffer). */
size_t qvpn_text_len(const qvpn_text *t);

#endif /* QVPN_TEXT_H */
