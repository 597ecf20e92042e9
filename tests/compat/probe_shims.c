/* probe_shims.c — checks every shim of plugin/qvpn_compat.h against the headers of
 * the Wireshark it is compiled for.  Never linked or run: compiling it is the test
 * (tests/compat/compat.sh, with -Wall -Wextra -Werror -Werror=incompatible-pointer-types).
 *
 * A shim that picks the wrong type for a version fails here with a message naming
 * the shim, instead of compiling silently (casts) or failing somewhere in the glue.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qvpn_compat.h"

#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/stat_tap_ui.h>
#include <epan/stats_tree.h>
#include <epan/tap.h>
/* After packet.h: 4.0's header uses struct _packet_info without declaring it. */
#include <epan/conversation_filter.h>

/* 1. The version comes from ws_version.h (through wireshark.h), not config.h. */
#if !defined(WIRESHARK_VERSION_MAJOR) || !defined(WIRESHARK_VERSION_MINOR)
# error "ws_version.h did not define WIRESHARK_VERSION_MAJOR/MINOR"
#endif
_Static_assert(QVPN_WS_VERSION >= 400 && QVPN_WS_VERSION < 500, "QVPN_WS_VERSION out of range");

/* 2. plugin_describe(): the feature test agrees with the loader's version history
 *    (absent in 4.0, present from 4.4). */
#if defined(QVPN_HAVE_PLUGIN_DESCRIBE) != (QVPN_WS_VERSION >= 404)
# error "QVPN_HAVE_PLUGIN_DESCRIBE disagrees with the version (wsutil/plugins.h)"
#endif
#ifdef QVPN_HAVE_PLUGIN_DESCRIBE
_Static_assert(WS_PLUGIN_DESC_DISSECTOR != 0 && WS_PLUGIN_DESC_TAP_LISTENER != 0,
               "WS_PLUGIN_DESC_* flags");
#endif

/* 3. field_info.value: struct (4.0), pointer (4.2+); QVPN_FI_FVALUE gives fvalue_t *. */
#define IS_FVALUE_PTR(x) _Generic((x), fvalue_t *: 1, default: 0)
_Static_assert(IS_FVALUE_PTR(((field_info *)0)->value) == (QVPN_WS_VERSION >= 402),
               "field_info.value: pointer iff 4.2+");
_Static_assert(IS_FVALUE_PTR(QVPN_FI_FVALUE((field_info *)0)),
               "QVPN_FI_FVALUE must yield fvalue_t *");

/* 4. FT_BYTES getter: const guint8 * on every version, no cast. */
static const guint8 *probe_bytes(fvalue_t *fv)
{
    return QVPN_FV_BYTES_DATA(fv);
}

/* 5. Preference variable types: passing their address must compile without a cast. */
static qvpn_pref_uint_t probe_uint;
static qvpn_pref_bool_t probe_bool;
static void probe_prefs(module_t *m)
{
    prefs_register_uint_preference(m, "u", "u", "u", 10, &probe_uint);
    prefs_register_bool_preference(m, "b", "b", "b", &probe_bool);
}

/* 6. stat_tap_ui init callback: void (4.0/4.4) or bool (4.6). */
static QVPN_STAT_INIT_RET probe_init(const char *arg _U_, void *userdata _U_)
{
    QVPN_STAT_INIT_RETURN;
}
static stat_tap_ui probe_ui = {
    REGISTER_STAT_GROUP_GENERIC, "probe", "probe", probe_init, 0, NULL
};

/* 7. stats_tree: the separator matches the header's, the registration macro
 *    compiles whatever the return type, and the callbacks have the right types. */
#ifdef STATS_TREE_MENU_SEPARATOR
_Static_assert(sizeof(QVPN_MENU_SEP) == sizeof(STATS_TREE_MENU_SEPARATOR),
               "QVPN_MENU_SEP must be STATS_TREE_MENU_SEPARATOR (\"//\") on this version");
#else
_Static_assert(sizeof(QVPN_MENU_SEP) == sizeof("/"),
               "QVPN_MENU_SEP must be \"/\" before STATS_TREE_MENU_SEPARATOR existed");
#endif
static void probe_tree_init(stats_tree *st _U_) {}
static tap_packet_status probe_tree_packet(stats_tree *st _U_, packet_info *pinfo _U_,
                                           epan_dissect_t *edt _U_, const void *data _U_,
                                           tap_flags_t flags _U_)
{
    return TAP_PACKET_DONT_REDRAW;
}
static stat_tree_init_cb   probe_tree_init_p   = probe_tree_init;
static stat_tree_packet_cb probe_tree_packet_p = probe_tree_packet;

/* 8. Tap packet callback type. */
static tap_packet_status probe_tap_packet(void *tapdata _U_, packet_info *pinfo _U_,
                                          epan_dissect_t *edt _U_, const void *data _U_,
                                          tap_flags_t flags _U_)
{
    return TAP_PACKET_DONT_REDRAW;
}
static tap_packet_cb probe_tap_packet_p = probe_tap_packet;

/* 9. Expert info: EI_INIT initialises an expert_field; the return value of
 *    expert_add_info_format (void or proto_item *) is not used. */
static expert_field probe_ei = EI_INIT;
static void probe_expert(packet_info *pinfo, proto_item *ti)
{
    expert_add_info_format(pinfo, ti, &probe_ei, "%s", "probe");
    (void)pinfo->pool;                  /* what replaces wmem_packet_scope() */
}

/* 10. Registration entry points used by plugin.c. */
static void probe_register(void)
{
    static proto_plugin plug;
    plug.register_protoinfo = probe_register;
    plug.register_handoff = NULL;
    proto_register_plugin(&plug);
    register_stat_tap_ui(&probe_ui, NULL);
    QVPN_STATS_TREE_REGISTER("probe", "probe", "Probe" QVPN_MENU_SEP "Sub", 0,
                             probe_tree_packet_p, probe_tree_init_p, NULL);
}

/* 11. Conversation filter callbacks: gboolean/gchar * of a packet_info * (4.0),
 *     bool/char * with a void *user_data (4.2+), registered with or without it. */
static QVPN_CONV_FILTER_VALID_RET probe_conv_valid(QVPN_CONV_FILTER_ARGS(pinfo))
{
    return pinfo != NULL;
}
static char *probe_conv_build(QVPN_CONV_FILTER_ARGS(pinfo _U_))
{
    return NULL;
}
static is_filter_valid_func     probe_conv_valid_p = probe_conv_valid;
static build_filter_string_func probe_conv_build_p = probe_conv_build;
static void probe_conv_register(void)
{
    QVPN_REGISTER_CONV_FILTER("probe", "Probe", probe_conv_valid_p, probe_conv_build_p);
}

/* 12. The simple statistics table (stat_tap_table_ui): its callbacks' types. */
static void probe_table_init(stat_tap_table_ui *ui _U_) {}
static void probe_table_reset(stat_tap_table *t _U_) {}
static void probe_table_free(stat_tap_table *t _U_, guint row _U_, guint col _U_,
                             stat_tap_table_item_type *item _U_) {}
static stat_tap_table_item probe_fields[] = { { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "#", "%u" } };
static stat_tap_table_ui probe_table_ui = {
    REGISTER_PACKET_STAT_GROUP_UNSORTED, "Probe", "probe", "probe,table", probe_table_init,
    probe_tap_packet, probe_table_reset, probe_table_free, NULL, 1, probe_fields, 0, NULL,
    NULL, 0
};

/* Keeps everything above referenced, so -Wunused is quiet without attributes. */
void qvpn_probe_shims(module_t *m, fvalue_t *fv, packet_info *pinfo, proto_item *ti);
void qvpn_probe_shims(module_t *m, fvalue_t *fv, packet_info *pinfo, proto_item *ti)
{
    (void)probe_bytes(fv);
    probe_prefs(m);
    probe_expert(pinfo, ti);
    probe_register();
    (void)probe_tap_packet_p;
    probe_conv_register();
    register_stat_tap_table_ui(&probe_table_ui);
}
