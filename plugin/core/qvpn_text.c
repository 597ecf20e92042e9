/* qvpn_text.c — see qvpn_text.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>
#include <stdio.h>

#include "qvpn_text.h"

void qvpn_text_put(qvpn_text *t, const char *fmt, ...)
{
    va_list ap;
    size_t room = t->at < t->len ? t->len - t->at : 0;

    va_start(ap, fmt);
    int n = vsnprintf(room ? t->buf + t->at : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->at += (size_t)n;
}

size_t qvpn_text_len(const qvpn_text *t)
{
    if (t->len == 0)
        return 0;
    return t->at < t->len ? t->at : t->len - 1;
}
