/* qvpn_compat.h — every Wireshark version difference the glue depends on, in one place.
 *
 * Include this first in every glue file: it defines WS_BUILD_DLL before any
 * Wireshark header (wsutil/plugin_exports.h on newer releases insists on it) and
 * pulls in <wireshark.h>, which brings ws_version.h, GLib and wmem.
 * The core (plugin/core/) never includes this: it knows nothing of Wireshark.
 *
 * Differences handled, 4.0 -> 4.6.  Each is compiled against the real 4.0.17 (host),
 * 4.4.19 (Debian 13) and 4.6.9 (Debian unstable) headers by tests/compat, and
 * tests/compat/probe_shims.c checks every shim below against those headers.
 * 4.2 is not in any Debian release: its column is inferred, not tested.
 *   - plugin_describe() + WS_PLUGIN_DESC_* exist only from 4.4 (wsutil/plugins.h,
 *     not even installed by Debian's 4.0 -dev packages)        -> QVPN_HAVE_PLUGIN_DESCRIBE
 *   - field_info.value is an embedded fvalue_t in 4.0, a pointer from 4.2
 *                                                               -> QVPN_FI_FVALUE()
 *   - FT_BYTES: fvalue_get_bytes() returns const guint8 * (4.0), a ref-counted
 *     GBytes * from 4.2; fvalue_get_bytes_data() is new       -> QVPN_FV_BYTES_DATA()
 *     (the glue reads bytes from the tvb instead: no getter at all)
 *   - wmem_packet_scope() is gone in 4.6                        -> poisoned on every
 *                                                                  version: use pinfo->pool
 *   - expert_add_info[_format]() return proto_item * from 4.4 (void before)
 *                                                               -> return value ignored
 *   - EI_INIT / hf and ett ids: -1 up to 4.4, 0 in 4.6;
 *     proto_register_field_array() and _subtree_array() accept both
 *                                                               -> `= -1` and EI_INIT kept
 *   - uint preference variable: guint * (4.0), unsigned * (4.4+): the same type
 *                                                               -> qvpn_pref_uint_t
 *   - bool preference variable: gboolean * (4.0), bool * (4.4+) -> qvpn_pref_bool_t
 *   - stat_tap_init_cb returns bool from 4.6 (void before)      -> QVPN_STAT_INIT_RET/RETURN
 *   - stats_tree menu separator "/" -> "//" (STATS_TREE_MENU_SEPARATOR) and
 *     stats_tree_register_plugin() returns stats_tree_cfg * from 4.4;
 *     stats_tree_register_with_group() is gone in 4.4        -> QVPN_MENU_SEP,
 *                                                                  QVPN_STATS_TREE_REGISTER
 *   - conversation filter callbacks: `gboolean f(packet_info *)` / `gchar *f(packet_info *)`
 *     and register_conversation_filter(proto, name, valid, build) in 4.0; from 4.2 a
 *     `void *user_data` argument each and `bool` (4.4/4.6 verified; 4.2 inferred)
 *                                                               -> QVPN_CONV_FILTER_*
 *   - stat_tap_table_ui (the simple statistics dialog): guint -> unsigned only, the
 *     same types (verified 4.0/4.4/4.6)                         -> no shim
 *   - tap_packet_cb (with tap_flags_t), register_stat_group_t's REGISTER_STAT_GROUP_GENERIC,
 *     proto_register_plugin(), register_postdissector(): unchanged 4.0 -> 4.6 (no shim;
 *     the telephony groups were renamed in 4.4: not used)
 *   - GCC 14 makes incompatible-pointer-types, implicit-function-declaration and
 *     int-conversion errors: tests/compat builds with them as errors.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_COMPAT_H
#define QVPN_COMPAT_H

#ifndef WS_BUILD_DLL
#define WS_BUILD_DLL
#endif
#include <wireshark.h>

/* 400 for 4.0, 404 for 4.4, ... */
#define QVPN_WS_VERSION (WIRESHARK_VERSION_MAJOR * 100 + WIRESHARK_VERSION_MINOR)

/* plugin_describe(): a feature test, not a version test (4.0 has no plugins.h). */
#if defined(__has_include)
# if __has_include(<wsutil/plugins.h>)
#  include <wsutil/plugins.h>
# endif
#endif
#ifdef WS_PLUGIN_DESC_DISSECTOR
# define QVPN_HAVE_PLUGIN_DESCRIBE 1
#endif

/* field_info.value: `fvalue_t value` (4.0) or `fvalue_t *value` (4.2+).  _Generic
 * picks the right form without a version number. */
#define QVPN_FI_FVALUE(fi) \
    _Generic((fi)->value, fvalue_t *: (fi)->value, default: &(fi)->value)

/* FT_BYTES contents of an fvalue_t *: `const guint8 *fvalue_get_bytes()` (4.0),
 * fvalue_get_bytes_data() from 4.2, where fvalue_get_bytes() returns a GBytes *.
 * Never cast between the two: the cast compiles and is wrong. */
#if QVPN_WS_VERSION >= 402
# define QVPN_FV_BYTES_DATA(fv) fvalue_get_bytes_data(fv)
#else
# define QVPN_FV_BYTES_DATA(fv) fvalue_get_bytes(fv)
#endif

/* wmem_packet_scope() is not declared by 4.6's headers.  Poisoned after its 4.0/4.4
 * declaration so that a use fails on every version, not just on 4.6: use
 * pinfo->pool.  (No epan header but wmem_scopes.h names it: checked on 4.0/4.4.) */
#include <epan/wmem_scopes.h>
#if defined(__GNUC__)
# pragma GCC poison wmem_packet_scope
#endif

/* The variable type prefs_register_uint_preference() takes: guint (4.0), unsigned
 * (4.4+); both are `unsigned int`, so one typedef serves every version. */
typedef unsigned int qvpn_pref_uint_t;

/* The variable type prefs_register_bool_preference() takes: gboolean (an int) in
 * 4.0, bool from 4.4.  (4.2: not checked; if a 4.2 build fails here, use 402.) */
#if QVPN_WS_VERSION >= 404
typedef bool qvpn_pref_bool_t;
#else
typedef gboolean qvpn_pref_bool_t;
#endif

/* stat_tap_ui init callback: `void f(const char *, void *)` up to 4.4, `bool` from
 * 4.6 (verified on 4.6 headers; returning false reports a bad -z argument). */
#if QVPN_WS_VERSION >= 406
# define QVPN_STAT_INIT_RET    bool
# define QVPN_STAT_INIT_RETURN return true
#else
# define QVPN_STAT_INIT_RET    void
# define QVPN_STAT_INIT_RETURN return
#endif

/* stats_tree menu path separator: "/" up to 4.2, STATS_TREE_MENU_SEPARATOR "//"
 * from the new stats_tree API (4.3 development, 4.4 release; traceeshark guards the
 * new API with >= 4.3).  A version test because STATS_TREE_MENU_SEPARATOR lives in
 * epan/stats_tree.h, which this header does not include; probe_shims.c checks the
 * two agree on 4.0, 4.4 and 4.6. */
#if QVPN_WS_VERSION >= 403
# define QVPN_MENU_SEP "//"
#else
# define QVPN_MENU_SEP "/"
#endif

/* stats_tree_register_plugin() returns void (4.0) or stats_tree_cfg * (4.4+);
 * the cast to void serves both without a version test. */
#define QVPN_STATS_TREE_REGISTER(tap, abbr, name, flags, packet, init, cleanup) \
    ((void)stats_tree_register_plugin((tap), (abbr), (name), (flags), (packet), (init), (cleanup)))

/* A frame's data source by name (epan/packet.h): get_data_source_tvb_by_name() up to
 * 4.4; 4.6 has get_data_source_by_name() and get_data_source_tvb() instead (4.6
 * headers verified by tests/compat; the 4.4 ones still have the old call).  A macro:
 * this header comes before epan/packet.h.  Used on encrypted IKE messages only. */
#if QVPN_WS_VERSION >= 406
# define qvpn_data_source_tvb(pinfo, name)                                            \
    (get_data_source_by_name((pinfo), (name)) != NULL                                 \
         ? get_data_source_tvb(get_data_source_by_name((pinfo), (name))) : NULL)
#else
# define qvpn_data_source_tvb(pinfo, name) get_data_source_tvb_by_name((pinfo), (name))
#endif

/* Conversation filters (epan/conversation_filter.h): callbacks take a user_data
 * pointer and return bool from 4.2 (4.4 and 4.6 headers verified; 4.2 inferred from
 * the 4.1 development cycle).  Define callbacks as
 *     static QVPN_CONV_FILTER_VALID_RET f(QVPN_CONV_FILTER_ARGS(pinfo))
 *     static char *g(QVPN_CONV_FILTER_ARGS(pinfo))
 * and register with QVPN_REGISTER_CONV_FILTER(proto, name, f, g). */
#if QVPN_WS_VERSION >= 402
# define QVPN_CONV_FILTER_VALID_RET bool
# define QVPN_CONV_FILTER_ARGS(pinfo) packet_info *pinfo, void *user_data _U_
# define QVPN_REGISTER_CONV_FILTER(proto, name, valid, build) \
    register_conversation_filter((proto), (name), (valid), (build), NULL)
#else
# define QVPN_CONV_FILTER_VALID_RET gboolean
# define QVPN_CONV_FILTER_ARGS(pinfo) packet_info *pinfo
# define QVPN_REGISTER_CONV_FILTER(proto, name, valid, build) \
    register_conversation_filter((proto), (name), (valid), (build))
#endif

#endif /* QVPN_COMPAT_H */
