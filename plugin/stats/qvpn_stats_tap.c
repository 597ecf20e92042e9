/* qvpn_stats_tap.c — tshark -z qvpn,rtt / qvpn,sessions and the GUI stats_tree.
 *
 *   -z qvpn,rtt[,json][,filter]        handshake RTTs per kind, then per session
 *   -z qvpn,sessions[,json][,filter]   one row per session with its verdict
 *   -z qvpn_rtt,tree[,filter]          the stats_tree (Statistics > QuickVPN in the GUI)
 *
 * Listeners see only the tap record (qvpn_tap.h).  Each one resets on every retap,
 * and qvpn_stats_add() ignores a frame already counted, so a GUI re-dissection
 * never counts twice.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qvpn_compat.h"

#include <stdio.h>
#include <string.h>

#include <epan/stat_tap_ui.h>
#include <epan/stats_tree.h>
#include <epan/tap.h>

#include "qvpn_addr.h"
#include "qvpn_stats.h"
#include "qvpn_stats_tap.h"

typedef enum { TABLE_RTT, TABLE_SESSIONS } table_kind;

typedef struct cli_listener {
    table_kind  kind;
    bool        json;
    char       *filter;
    qvpn_stats *stats;
} cli_listener;

static void cli_reset(void *tapdata)
{
    cli_listener *l = tapdata;
    qvpn_stats_reset(l->stats);
}

static tap_packet_status cli_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                    const void *data, tap_flags_t flags _U_)
{
    cli_listener *l = tapdata;
    qvpn_stats_add(l->stats, data);
    return TAP_PACKET_REDRAW;
}

static void cli_draw(void *tapdata)
{
    cli_listener *l = tapdata;
    GString *out = g_string_new(NULL);
    qvpn_stats_capture_end(l->stats, qvpn_capture_end_ns());
    if (l->kind == TABLE_RTT && l->json)
        qvpn_stats_rtt_json(l->stats, l->filter, out);
    else if (l->kind == TABLE_RTT)
        qvpn_stats_rtt_text(l->stats, l->filter, out);
    else if (l->json)
        qvpn_stats_sessions_json(l->stats, l->filter, out);
    else
        qvpn_stats_sessions_text(l->stats, l->filter, out);
    fputs(out->str, stdout);
    g_string_free(out, TRUE);
}

/* Runs inside remove_tap_listener(): free only, never remove the listener here. */
static void cli_finish(void *tapdata)
{
    cli_listener *l = tapdata;
    qvpn_stats_free(l->stats);
    g_free(l->filter);
    g_free(l);
}

/* opt_arg is "qvpn,rtt[,json][,filter]". */
static void cli_init(const char *opt_arg, table_kind kind, const char *prefix)
{
    cli_listener *l = g_new0(cli_listener, 1);
    const char *rest = opt_arg + strlen(prefix);
    l->kind = kind;
    if (strncmp(rest, ",json", 5) == 0 && (rest[5] == '\0' || rest[5] == ',')) {
        l->json = true;
        rest += 5;
    }
    if (*rest == ',' && rest[1])
        l->filter = g_strdup(rest + 1);
    l->stats = qvpn_stats_new();
    GString *err = register_tap_listener(QVPN_TAP_NAME, l, l->filter, TL_REQUIRES_NOTHING,
                                         cli_reset, cli_packet, cli_draw, cli_finish);
    if (err) {
        fprintf(stderr, "tshark: Couldn't register qvpn tap: %s\n", err->str);
        g_string_free(err, TRUE);
        cli_finish(l);
    }
}

static QVPN_STAT_INIT_RET rtt_init(const char *opt_arg, void *userdata _U_)
{
    cli_init(opt_arg, TABLE_RTT, "qvpn,rtt");
    QVPN_STAT_INIT_RETURN;
}

static QVPN_STAT_INIT_RET sessions_init(const char *opt_arg, void *userdata _U_)
{
    cli_init(opt_arg, TABLE_SESSIONS, "qvpn,sessions");
    QVPN_STAT_INIT_RETURN;
}

/* ---- stats_tree (GUI Statistics menu; also -z qvpn_rtt,tree) ---- */

static const char *const st_title = "QuickVPN handshake RTT (ms)";

static void tree_init(stats_tree *st)
{
    stats_tree_create_node(st, st_title, 0, STAT_DT_FLOAT, TRUE);
}

static tap_packet_status tree_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                     const void *data, tap_flags_t flags _U_)
{
    const qvpn_tap_rec *rec = data;
    const qvpn_verdict *v = rec ? rec->v : NULL;
    char sess[160], c[64], g[64];
    /* A negative round trip (time going backwards in the capture) is no measurement:
     * left out, as the qvpn,rtt tables and the qvpn.rtt.* fields leave it out. */
    if (!v || !v->session || v->rtt_kind == QVPN_RTT_NONE || v->rtt_kind >= QVPN_RTT_COUNT ||
        v->rtt_ns < 0)
        return TAP_PACKET_DONT_REDRAW;
    float ms = (float)((double)v->rtt_ns / 1e6);
    int root = stats_tree_parent_id_by_name(st, st_title);
    avg_stat_node_add_value_float(st, st_title, 0, TRUE, ms);
    const char *kind = qvpn_rtt_kind_name(v->rtt_kind);
    int kind_id = avg_stat_node_add_value_float(st, kind, root, TRUE, ms);
    qvpn_addr_to_str(&v->session->client, c, sizeof(c));
    qvpn_addr_to_str(&v->session->gateway, g, sizeof(g));
    g_snprintf(sess, sizeof(sess), "Session %u (%s <-> %s)", v->session->id, c, g);
    avg_stat_node_add_value_float(st, sess, kind_id, FALSE, ms);
    return TAP_PACKET_REDRAW;
}

static stat_tap_ui rtt_ui = {
    REGISTER_STAT_GROUP_GENERIC, "QuickVPN handshake RTT", "qvpn,rtt", rtt_init, 0, NULL
};

static stat_tap_ui sessions_ui = {
    REGISTER_STAT_GROUP_GENERIC, "QuickVPN sessions", "qvpn,sessions", sessions_init, 0, NULL
};

void qvpn_stats_register(void)
{
    register_stat_tap_ui(&rtt_ui, NULL);
    register_stat_tap_ui(&sessions_ui, NULL);
    QVPN_STATS_TREE_REGISTER(QVPN_TAP_NAME, "qvpn_rtt", "QuickVPN" QVPN_MENU_SEP "Handshake RTT",
                             0, tree_packet, tree_init, NULL);
}
