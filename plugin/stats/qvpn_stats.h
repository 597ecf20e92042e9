/* qvpn_stats.h — handshake RTT and session statistics, built from tap records only.
 *
 * Pure C11 + GLib like the engine: the epan side (qvpn_stats_tap.c) registers the
 * tap listeners and hands each record here; printing goes into a GString so the
 * same tables serve tshark -z, tests and the GUI.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_STATS_H
#define QVPN_STATS_H

#include <glib.h>

#include "qvpn_tap.h"

typedef struct qvpn_stats qvpn_stats;

/* Summary of one handshake kind (all sessions, or one). */
typedef struct qvpn_rtt_agg {
    uint32_t count;
    int64_t  min_ns, max_ns, sum_ns;
    uint32_t max_frame;
} qvpn_rtt_agg;

qvpn_stats *qvpn_stats_new(void);
void        qvpn_stats_reset(qvpn_stats *st);
void        qvpn_stats_free(qvpn_stats *st);

/* Add one record; a frame already counted in this pass is ignored. */
void        qvpn_stats_add(qvpn_stats *st, const qvpn_tap_rec *rec);

const qvpn_rtt_agg *qvpn_stats_rtt(const qvpn_stats *st, qvpn_rtt_kind kind);

/* frame.time_relative of the capture's last frame (the engine's clock), for verdicts
 * that tell how long the capture went on after a session's last message; -1 unknown. */
void qvpn_stats_capture_end(qvpn_stats *st, int64_t end_rel_ns);

void qvpn_stats_rtt_text(const qvpn_stats *st, const char *filter, GString *out);
void qvpn_stats_rtt_json(const qvpn_stats *st, const char *filter, GString *out);
void qvpn_stats_sessions_text(const qvpn_stats *st, const char *filter, GString *out);
void qvpn_stats_sessions_json(const qvpn_stats *st, const char *filter, GString *out);

/* One session's row with the texts of the sessions table (-z qvpn,sessions), for the
 * GUI's Statistics > QuickVPN > Sessions window: the same facts, the same printers. */
typedef struct qvpn_session_row {
    uint32_t id;
    bool     tls_only;
    char     client[64], gateway[64];
    char     ports[64];       /* "tcp/443,udp/500", "-" */
    char     phases[8];       /* "CPNT" letters, '.' for a phase not reached */
    char     ike_state[32];   /* "-" without IKE */
    double   start_s;         /* frame.time_relative of its first frame */
    char     tunnel[16];      /* time to tunnel in seconds, "-" if never up */
    uint32_t esp_out, esp_in; /* ESP packets client->gateway / gateway->client */
    char     esp[512];        /* per SPI, as the table's "ESP:" line; "-" if none */
    char     expert[512];     /* as its "Expert infos:" line; "-" if none */
    char     verdict[768];
    char     software[256];   /* "client: ...; gateway: ..." from Vendor IDs; "-" if none */
    char     suite[256];      /* the chosen phase-1 suite; "-" if not seen */
    char     nat[24];         /* NAT-D: "none", "client", "gateway", "both"; "-" if none */
} qvpn_session_row;

void qvpn_stats_session_row(const qvpn_session *s, int64_t capture_end_rel_ns, qvpn_session_row *row);

#endif /* QVPN_STATS_H */
