/* qvpn_sessions_table.c — Statistics > QuickVPN > Sessions: one row per connection
 * attempt, in Wireshark's simple statistics dialog (stat_tap_table_ui), with its
 * display filter box.  tshark gets the same table as -z qvpn_sessions,table[,filter].
 *
 * A row is qvpn_stats_session_row(): the session's facts through the printers of
 * -z qvpn,sessions, so the window and the text table cannot disagree.  The table
 * belongs to the registered stat_tap_table_ui (Wireshark keeps it there), so the
 * session -> row index is kept beside it, emptied whenever the rows are.
 *
 * The facts are complete once the first pass is over: the GUI and tshark -2 tap
 * after it.  One-pass tshark taps during it; a row is then refreshed on each of its
 * session's frames, but a verdict that depends on where the capture ends ("capture
 * ends in ...") is only final in -z qvpn,sessions, which is drawn at the end.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qvpn_compat.h"

#include <string.h>

#include <epan/stat_tap_ui.h>
#include <epan/tap.h>

#include "qvpn_sessions_table.h"
#include "qvpn_stats.h"
#include "qvpn_stats_tap.h"

enum {
    COL_ID, COL_CLIENT, COL_GATEWAY, COL_PORTS, COL_START, COL_PHASES, COL_IKE_STATE,
    COL_TUNNEL, COL_VERDICT, COL_EXPERT, COL_ESP_OUT, COL_ESP_IN, COL_ESP,
    COL_SOFTWARE, COL_SUITE, COL_NAT, COL_COUNT
};

static stat_tap_table_item fields[] = {
    [COL_ID]        = { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "#", "%u" },
    [COL_CLIENT]    = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Client", "%s" },
    [COL_GATEWAY]   = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Gateway", "%s" },
    [COL_PORTS]     = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Ports", "%s" },
    [COL_START]     = { TABLE_ITEM_FLOAT,  TAP_ALIGN_RIGHT, "Start (s)", "%.6f" },
    [COL_PHASES]    = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Phase", "%s" },
    [COL_IKE_STATE] = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "IKE state", "%s" },
    [COL_TUNNEL]    = { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Tunnel (s)", "%s" },
    [COL_ESP_OUT]   = { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "ESP out", "%u" },
    [COL_ESP_IN]    = { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "ESP in", "%u" },
    [COL_ESP]       = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "ESP per SPI", "%s" },
    [COL_EXPERT]    = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Expert infos", "%s" },
    [COL_VERDICT]   = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Verdict", "%s" },
    [COL_SOFTWARE]  = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Peer software", "%s" },
    [COL_SUITE]     = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "IKE suite", "%s" },
    [COL_NAT]       = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "NAT (NAT-D)", "%s" },
};
_Static_assert(sizeof(fields) / sizeof(fields[0]) == COL_COUNT, "one field per column");

static const char table_name[] = "QuickVPN sessions";

/* k=session id, v=row index + 1 in the one table. */
static GHashTable *row_of;

static void forget_rows(void)
{
    if (row_of)
        g_hash_table_remove_all(row_of);
}

static void free_item(stat_tap_table *table _U_, guint row _U_, guint column _U_,
                      stat_tap_table_item_type *item)
{
    if (item->type == TABLE_ITEM_STRING) {
        g_free((char *)item->value.string_value);
        item->value.string_value = NULL;
    }
}

/* Rows come and go with the sessions the filter selects: a reset drops them all. */
static void reset_table(stat_tap_table *table)
{
    for (guint r = 0; r < table->num_elements; r++) {
        for (guint c = 0; c < table->num_fields; c++)
            free_item(table, r, c, &table->elements[r][c]);
        g_free(table->elements[r]);
        table->elements[r] = NULL;
    }
    table->num_elements = 0;
    forget_rows();
}

static void table_init(stat_tap_table_ui *ui)
{
    stat_tap_table *table = stat_tap_find_table(ui, table_name);
    if (!row_of)
        row_of = g_hash_table_new(g_direct_hash, g_direct_equal);
    if (table) {
        reset_table(table);
        return;
    }
    stat_tap_add_table(ui, stat_tap_init_table(table_name, COL_COUNT, 0, "qvpn.session == "));
    forget_rows();
}

static void set_string(stat_tap_table_item_type *items, int col, const char *s)
{
    g_free((char *)items[col].value.string_value);
    items[col].type = TABLE_ITEM_STRING;
    items[col].value.string_value = g_strdup(s);
}

static void fill_row(stat_tap_table_item_type *items, const qvpn_session_row *r)
{
    items[COL_ID].type = TABLE_ITEM_UINT;
    items[COL_ID].value.uint_value = r->id;
    set_string(items, COL_CLIENT, r->client);
    set_string(items, COL_GATEWAY, r->gateway);
    set_string(items, COL_PORTS, r->ports);
    items[COL_START].type = TABLE_ITEM_FLOAT;
    items[COL_START].value.float_value = r->start_s;
    set_string(items, COL_PHASES, r->phases);
    set_string(items, COL_IKE_STATE, r->ike_state);
    set_string(items, COL_TUNNEL, r->tunnel);
    items[COL_ESP_OUT].type = TABLE_ITEM_UINT;
    items[COL_ESP_OUT].value.uint_value = r->esp_out;
    items[COL_ESP_IN].type = TABLE_ITEM_UINT;
    items[COL_ESP_IN].value.uint_value = r->esp_in;
    set_string(items, COL_ESP, r->esp);
    set_string(items, COL_EXPERT, r->expert);
    set_string(items, COL_VERDICT, r->verdict);
    set_string(items, COL_SOFTWARE, r->software);
    set_string(items, COL_SUITE, r->suite);
    set_string(items, COL_NAT, r->nat);
}

static tap_packet_status table_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                      const void *data, tap_flags_t flags _U_)
{
    stat_data_t *sd = tapdata;
    const qvpn_tap_rec *rec = data;
    const qvpn_session *s = rec && rec->v ? rec->v->session : NULL;
    stat_tap_table *table;
    qvpn_session_row row;
    guint idx;

    if (!s || !s->facts || !sd->stat_tap_data->tables || !sd->stat_tap_data->tables->len)
        return TAP_PACKET_DONT_REDRAW;
    table = g_array_index(sd->stat_tap_data->tables, stat_tap_table *, 0);
    idx = GPOINTER_TO_UINT(g_hash_table_lookup(row_of, GUINT_TO_POINTER(s->id)));
    /* Facts are final after the first pass; during it (one-pass tshark) they grow
     * until the session's latest frame: refresh the row there. */
    if (idx && rec->frame < s->facts->last_frame)
        return TAP_PACKET_DONT_REDRAW;
    qvpn_stats_session_row(s, qvpn_capture_end_ns(), &row);
    if (!idx) {
        stat_tap_table_item_type items[COL_COUNT];
        memset(items, 0, sizeof(items));
        fill_row(items, &row);
        idx = table->num_elements + 1;
        stat_tap_init_table_row(table, idx - 1, COL_COUNT, items);
        g_hash_table_insert(row_of, GUINT_TO_POINTER(s->id), GUINT_TO_POINTER(idx));
    } else {
        fill_row(stat_tap_get_field_data(table, idx - 1, 0), &row);
    }
    return TAP_PACKET_REDRAW;
}

static stat_tap_table_ui sessions_table_ui = {
    REGISTER_PACKET_STAT_GROUP_UNSORTED,
    /* Not "QuickVPN/Sessions": 4.0 splits only stats_tree titles into submenus. */
    "QuickVPN Sessions",
    QVPN_TAP_NAME,
    "qvpn_sessions,table",
    table_init,
    table_packet,
    reset_table,
    free_item,
    NULL,
    COL_COUNT, fields,
    0, NULL,
    NULL,
    0
};

void qvpn_sessions_table_register(void)
{
    register_stat_tap_table_ui(&sessions_table_ui);
}
