/* qvpn_compat.h — every Wireshark version difference the glue depends on, in one place.
 *
 * Include this first in every glue file: it defines WS_BUILD_DLL before any
 * Wireshark header (wsutil/plugin_exports.h on newer releases insists on it) and
 * pulls in <wireshark.h>, which brings ws_version.h, GLib and wmem.
 * The core (plugin/core/) never includes this: it knows nothing of Wireshark.
 *
 * Differences handled (see WIRESHARK-NOTES §1-2), 4.0 -> 4.6:
 *   - plugin_describe() + WS_PLUGIN_DESC_* exist only from 4.4 (wsutil/plugins.h,
 *     not even installed by Debian's 4.0 -dev packages)        -> QVPN_HAVE_PLUGIN_DESCRIBE
 *   - field_info.value is an embedded fvalue_t in 4.0, a pointer from 4.2
 *                                                               -> QVPN_FI_FVALUE()
 *   - wmem_packet_scope() is gone in 4.6                        -> use pinfo->pool (no shim)
 *   - expert_add_info_format() returns proto_item * from 4.4    -> return value ignored
 *   - FT_BYTES getters return GBytes * from 4.2                 -> bytes read from the tvb
 *   - uint/bool preference variable types (guint/gboolean vs unsigned/bool)
 *                                                               -> qvpn_pref_uint_t
 *   - stat_tap_init_cb returns bool from 4.6 (void before)      -> QVPN_STAT_INIT_RET/RETURN
 *   - stats_tree menu separator "/" -> "//" and
 *     stats_tree_register_plugin() returns stats_tree_cfg * from 4.4
 *                                                               -> QVPN_MENU_SEP,
 *                                                                  QVPN_STATS_TREE_REGISTER
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

/* The variable type prefs_register_uint_preference() takes: guint (4.0), unsigned
 * (4.4+); both are `unsigned int`, so one typedef serves every version. */
typedef unsigned int qvpn_pref_uint_t;

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
 * from the new stats_tree API (4.3 development, 4.4 release). */
#if QVPN_WS_VERSION >= 403
# define QVPN_MENU_SEP "//"
#else
# define QVPN_MENU_SEP "/"
#endif

/* stats_tree_register_plugin() returns void (4.0) or stats_tree_cfg * (4.4+);
 * the cast to void serves both without a version test. */
#define QVPN_STATS_TREE_REGISTER(tap, abbr, name, flags, packet, init, cleanup) \
    ((void)stats_tree_register_plugin((tap), (abbr), (name), (flags), (packet), (init), (cleanup)))

#endif /* QVPN_COMPAT_H */
