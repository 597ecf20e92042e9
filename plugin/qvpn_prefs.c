/* qvpn_prefs.c — preferences -> qvpn_config, and "dissect the QuickVPN ports as TLS".
 *
 * Defaults come from the core's qvpn_config_init(), so they are written once.  The
 * engine reads the configuration in the init routine, i.e. when a file is opened or
 * re-dissected (Wireshark re-dissects after a preference change).
 *
 * TLS ports.  TCP 443 is TLS already; 60443 is not.  Each port of the range that is
 * not mapped to TLS in "tcp.port" is pointed at the TLS dissector, and the previous
 * handle (if any) remembered, so a later change of the preference restores exactly
 * what qvpn replaced and never unregisters TLS's own ports.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qvpn_compat.h"

#include <string.h>

#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/range.h>
#include <wsutil/inet_addr.h>

#include "qvpn_prefs.h"

#define NS_PER_S INT64_C(1000000000)

static range_t         *pref_tls_ports;
static const char      *pref_gateways = "";
static qvpn_pref_uint_t pref_stall_timeout_s;
static qvpn_pref_uint_t pref_esp_one_way_pkts;
static qvpn_pref_uint_t pref_esp_one_way_s;
static qvpn_pref_uint_t pref_logout_window_s;
static qvpn_pref_uint_t pref_max_sessions;
static qvpn_pref_bool_t pref_note_legacy_crypto = TRUE;

static dissector_handle_t tls_handle;

/* Ports qvpn pointed at TLS, with the handle each had before (NULL: none). */
typedef struct {
    guint32            port;
    dissector_handle_t previous;
} tls_port_entry;
static GArray *tls_ports_added;   /* of tls_port_entry */

static unsigned ns_to_s(int64_t ns)
{
    return ns <= 0 ? 0 : (unsigned)(ns / NS_PER_S);
}

/* Parses the gateways string (addresses separated by commas, semicolons or blanks)
 * into out[0..max); returns how many.  Warns on bad tokens only when asked. */
static unsigned parse_gateways(const char *text, qvpn_addr *out, unsigned max, bool warn)
{
    unsigned n = 0;
    gchar **tok;

    if (text == NULL)
        return 0;
    tok = g_strsplit_set(text, ", \t;", -1);
    for (gchar **t = tok; *t != NULL; t++) {
        ws_in4_addr a4;
        ws_in6_addr a6;
        qvpn_addr a = {0};

        if (**t == '\0')
            continue;
        if (ws_inet_pton4(*t, &a4)) {
            a.len = 4;
            memcpy(a.bytes, &a4, 4);
        } else if (ws_inet_pton6(*t, &a6)) {
            a.len = 16;
            memcpy(a.bytes, a6.bytes, 16);
        } else {
            if (warn)
                ws_warning("qvpn: known gateway \"%s\" is not an IPv4 or IPv6 address; ignored", *t);
            continue;
        }
        if (n == max) {
            if (warn)
                ws_warning("qvpn: more than %u known gateways; \"%s\" and later ignored", max, *t);
            break;
        }
        out[n++] = a;
    }
    g_strfreev(tok);
    return n;
}

static guint64 range_size(const range_t *r)
{
    guint64 n = 0;
    for (guint i = 0; i < r->nranges; i++)
        n += (guint64)r->ranges[i].high - r->ranges[i].low + 1;
    return n;
}

static void tls_ports_apply(void)
{
    dissector_table_t tcp_port = find_dissector_table("tcp.port");

    if (tls_handle == NULL || tcp_port == NULL || tls_ports_added == NULL)
        return;

    /* Undo what qvpn did last time, where TLS still holds the port. */
    for (guint i = tls_ports_added->len; i-- > 0;) {
        tls_port_entry *e = &g_array_index(tls_ports_added, tls_port_entry, i);
        if (dissector_get_uint_handle(tcp_port, e->port) == tls_handle) {
            if (e->previous != NULL)
                dissector_add_uint("tcp.port", e->port, e->previous);
            else
                dissector_delete_uint("tcp.port", e->port, tls_handle);
        }
    }
    g_array_set_size(tls_ports_added, 0);

    if (pref_tls_ports == NULL)
        return;
    for (guint r = 0; r < pref_tls_ports->nranges; r++) {
        for (guint32 p = pref_tls_ports->ranges[r].low;
             p <= pref_tls_ports->ranges[r].high && p <= 65535; p++) {
            tls_port_entry e = { p, dissector_get_uint_handle(tcp_port, p) };
            if (e.previous == tls_handle)
                continue;
            dissector_add_uint("tcp.port", p, tls_handle);
            g_array_append_val(tls_ports_added, e);
        }
    }
}

/* Preferences changed (also called once at startup, after they are read). */
static void qvpn_prefs_apply(void)
{
    qvpn_addr scratch[G_N_ELEMENTS(((qvpn_config *)0)->gateways)];

    parse_gateways(pref_gateways, scratch, G_N_ELEMENTS(scratch), true);
    if (pref_tls_ports != NULL &&
        range_size(pref_tls_ports) > G_N_ELEMENTS(((qvpn_config *)0)->ports))
        ws_warning("qvpn: more than %zu QuickVPN ports; all are decoded as TLS, the first %zu analysed",
                   G_N_ELEMENTS(((qvpn_config *)0)->ports), G_N_ELEMENTS(((qvpn_config *)0)->ports));
    tls_ports_apply();
}

/* Wireshark is shutting down: free what registration allocated. */
static void qvpn_prefs_shutdown(void)
{
    if (tls_ports_added != NULL)
        g_array_free(tls_ports_added, TRUE);
    tls_ports_added = NULL;
}

void qvpn_prefs_register(int proto)
{
    qvpn_config def;
    module_t *m;

    qvpn_config_init(&def);
    pref_stall_timeout_s  = ns_to_s(def.stall_timeout_ns);
    pref_esp_one_way_pkts = def.esp_one_way_pkts;
    pref_esp_one_way_s    = ns_to_s(def.esp_one_way_ns);
    pref_logout_window_s  = ns_to_s(def.logout_window_ns);
    pref_max_sessions     = def.max_sessions;

    GString *ports = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(def.ports) && def.ports[i] != 0; i++)
        g_string_append_printf(ports, "%s%u", i ? "," : "", def.ports[i]);
    range_convert_str(wmem_epan_scope(), &pref_tls_ports, ports->str, 65535);
    g_string_free(ports, TRUE);

    tls_ports_added = g_array_new(FALSE, FALSE, (guint)sizeof(tls_port_entry));
    register_shutdown_routine(qvpn_prefs_shutdown);

    m = prefs_register_protocol(proto, qvpn_prefs_apply);
    prefs_register_range_preference(m, "tls_ports", "QuickVPN TLS ports",
        "TCP ports of the QuickVPN login (client profile \"Port for QuickVPN\": 443, 60443"
        " or Auto). These ports are dissected as TLS, and TLS on them is analysed as a"
        " QuickVPN connection.",
        &pref_tls_ports, 65535);
    prefs_register_string_preference(m, "gateways", "Known gateways",
        "QuickVPN gateways (routers), as IPv4 or IPv6 addresses separated by commas."
        " Fixes the client/gateway roles when a capture starts mid-session.",
        &pref_gateways);
    prefs_register_uint_preference(m, "stall_timeout", "IKE stall timeout (seconds)",
        "Silence after an unanswered IKE message before a Main Mode or Quick Mode stall"
        " is reported.",
        10, &pref_stall_timeout_s);
    prefs_register_uint_preference(m, "esp_one_way_packets", "ESP one-way packet threshold",
        "ESP packets in one direction, with none coming back, before \"ESP one way only\""
        " is reported.",
        10, &pref_esp_one_way_pkts);
    prefs_register_uint_preference(m, "esp_one_way_seconds", "ESP one-way time (seconds)",
        "How long ESP must flow in one direction only before \"ESP one way only\" is"
        " reported.",
        10, &pref_esp_one_way_s);
    prefs_register_uint_preference(m, "logout_window", "Logout window (seconds)",
        "A TLS connection this soon after the tunnel was torn down is taken as the"
        " QuickVPN logout of the same session.",
        10, &pref_logout_window_s);
    prefs_register_uint_preference(m, "max_sessions", "Maximum sessions",
        "Cap on the number of sessions tracked per capture file (protects against"
        " hostile captures); \"Session table full\" is reported when it is reached.",
        10, &pref_max_sessions);
    prefs_register_bool_preference(m, "note_legacy_crypto", "Note legacy crypto",
        "Add a Note (qvpn.legacy_crypto, qvpn.tls_legacy_hello) when a peer offers DES, 3DES,"
        " MD5, SHA1, MODP-768/1024/1536 or legacy TLS. QuickVPN itself needs some of them:"
        " untick to silence the Notes (a refusal of legacy-only offers stays a Warning).",
        &pref_note_legacy_crypto);
}

void qvpn_prefs_handoff(void)
{
    tls_handle = find_dissector("tls");
    if (tls_handle == NULL)
        ws_warning("qvpn: TLS dissector not found; QuickVPN ports are not decoded as TLS");
    tls_ports_apply();
}

void qvpn_prefs_to_config(qvpn_config *cfg)
{
    size_t n = 0;

    qvpn_config_init(cfg);

    memset(cfg->ports, 0, sizeof(cfg->ports));
    if (pref_tls_ports != NULL) {
        for (guint r = 0; r < pref_tls_ports->nranges; r++)
            for (guint32 p = pref_tls_ports->ranges[r].low;
                 p <= pref_tls_ports->ranges[r].high && p != 0 && p <= 65535 &&
                 n < G_N_ELEMENTS(cfg->ports); p++)
                cfg->ports[n++] = (uint16_t)p;
    }

    memset(cfg->gateways, 0, sizeof(cfg->gateways));
    parse_gateways(pref_gateways, cfg->gateways, G_N_ELEMENTS(cfg->gateways), false);

    cfg->stall_timeout_ns = (int64_t)pref_stall_timeout_s * NS_PER_S;
    cfg->esp_one_way_pkts = pref_esp_one_way_pkts;
    cfg->esp_one_way_ns   = (int64_t)pref_esp_one_way_s * NS_PER_S;
    cfg->logout_window_ns = (int64_t)pref_logout_window_s * NS_PER_S;
    cfg->max_sessions     = pref_max_sessions;
    cfg->quiet_legacy_crypto = !pref_note_legacy_crypto;
}
