/* qvpn_addr.c — addresses: equality, order, hash and RFC 5952 text.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "qvpn_addr.h"

bool qvpn_addr_valid(const qvpn_addr *a)
{
    return a->len == 4 || a->len == 16;
}

int qvpn_addr_cmp(const qvpn_addr *x, const qvpn_addr *y)
{
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return memcmp(x->bytes, y->bytes, x->len);
}

/* FNV-1a over 32-bit words (then the tail bytes), with a final mix: the pair table
 * is looked up once per ESP frame, so the per-byte loop showed in the profile. */
uint32_t qvpn_addr_hash(const qvpn_addr *a)
{
    guint h = 2166136261u ^ a->len, n = MIN(a->len, (guint)sizeof(a->bytes)), i = 0;
    for (; i + 4 <= n; i += 4) {
        uint32_t w;
        memcpy(&w, a->bytes + i, 4);
        h = (h ^ w) * 16777619u;
    }
    for (; i < n; i++)
        h = (h ^ a->bytes[i]) * 16777619u;
    return h ^ (h >> 15);
}

/* RFC 5952 text: the longest run of two or more zero groups becomes "::". */
static void ipv6_to_str(const uint8_t *b, char *buf, size_t len)
{
    unsigned g[8];
    int best = -1, best_len = 1, run = 0;
    for (int i = 0; i < 8; i++) {
        g[i] = (unsigned)(b[2 * i] << 8 | b[2 * i + 1]);
        run = g[i] ? 0 : run + 1;
        if (run > best_len) {
            best_len = run;
            best = i - run + 1;
        }
    }
    GString *s = g_string_sized_new(40);
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            g_string_append(s, "::");
            i += best_len - 1;
            continue;
        }
        if (i && !(best >= 0 && i == best + best_len))
            g_string_append_c(s, ':');
        g_string_append_printf(s, "%x", g[i]);
    }
    g_strlcpy(buf, s->str, len);
    g_string_free(s, TRUE);
}

void qvpn_addr_to_str(const qvpn_addr *a, char *buf, size_t len)
{
    if (!buf || len == 0)
        return;
    if (a->len == 4) {
        snprintf(buf, len, "%u.%u.%u.%u", a->bytes[0], a->bytes[1], a->bytes[2], a->bytes[3]);
    } else if (a->len == 16) {
        ipv6_to_str(a->bytes, buf, len);
    } else {
        snprintf(buf, len, "-");
    }
}

