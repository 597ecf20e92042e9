/* qvpn_stats.c — the RTT and sessions tables from tap records.
 *
 * Round-trip times are aggregated from the records the listener sees (a filter
 * selects frames).  A session's row prints its facts (qvpn_facts.h), the one
 * derivation of what happened in it, for every session with at least one record
 * seen: a filter selects sessions, it does not rewrite their story.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <inttypes.h>
#include <string.h>

#include "qvpn_addr.h"
#include "qvpn_stats.h"

typedef struct sess_agg {
    const qvpn_session *s;      /* its facts are the row */
    qvpn_rtt_agg rtt[QVPN_RTT_COUNT];
} sess_agg;

struct qvpn_stats {
    GPtrArray   *sessions;      /* sess_agg*, in order of first record */
    GHashTable  *by_id;         /* k=session id, v=sess_agg* */
    qvpn_rtt_agg rtt[QVPN_RTT_COUNT];
    uint32_t     last_frame;
    bool         cap_hit;
    int64_t      capture_end;
};


qvpn_stats *qvpn_stats_new(void)
{
    qvpn_stats *st = g_new0(qvpn_stats, 1);
    st->sessions = g_ptr_array_new_with_free_func(g_free);
    st->by_id = g_hash_table_new(g_direct_hash, g_direct_equal);
    st->capture_end = -1;
    return st;
}

void qvpn_stats_reset(qvpn_stats *st)
{
    g_hash_table_remove_all(st->by_id);
    g_ptr_array_set_size(st->sessions, 0);
    memset(st->rtt, 0, sizeof(st->rtt));
    st->last_frame = 0;
    st->cap_hit = false;
}

void qvpn_stats_free(qvpn_stats *st)
{
    if (!st)
        return;
    g_hash_table_destroy(st->by_id);
    g_ptr_array_free(st->sessions, TRUE);
    g_free(st);
}

static sess_agg *sess_get(qvpn_stats *st, const qvpn_tap_rec *rec)
{
    const qvpn_session *s = rec->v->session;
    sess_agg *a = g_hash_table_lookup(st->by_id, GUINT_TO_POINTER(s->id));
    if (a)
        return a;
    a = g_new0(sess_agg, 1);
    a->s = s;
    g_hash_table_insert(st->by_id, GUINT_TO_POINTER(s->id), a);
    g_ptr_array_add(st->sessions, a);
    return a;
}

static void rtt_add(qvpn_rtt_agg *r, int64_t ns, uint32_t frame)
{
    if (r->count == 0 || ns < r->min_ns)
        r->min_ns = ns;
    if (r->count == 0 || ns > r->max_ns) {
        r->max_ns = ns;
        r->max_frame = frame;
    }
    /* ns >= 0; saturate rather than overflow on absurd timestamps. */
    r->sum_ns = r->sum_ns > G_MAXINT64 - ns ? G_MAXINT64 : r->sum_ns + ns;
    r->count++;
}

void qvpn_stats_add(qvpn_stats *st, const qvpn_tap_rec *rec)
{
    const qvpn_verdict *v = rec ? rec->v : NULL;
    if (!v || rec->frame <= st->last_frame)
        return;
    st->last_frame = rec->frame;
    if (v->findings & (1u << QVPN_FINDING_SESSION_CAP))
        st->cap_hit = true;
    if (!v->session)
        return;
    sess_agg *a = sess_get(st, rec);
    if (v->rtt_kind > QVPN_RTT_NONE && v->rtt_kind < QVPN_RTT_COUNT && v->rtt_ns >= 0) {
        rtt_add(&st->rtt[v->rtt_kind], v->rtt_ns, rec->frame);
        rtt_add(&a->rtt[v->rtt_kind], v->rtt_ns, rec->frame);
    }
}

void qvpn_stats_capture_end(qvpn_stats *st, int64_t end_rel_ns)
{
    st->capture_end = end_rel_ns;
}

const qvpn_rtt_agg *qvpn_stats_rtt(const qvpn_stats *st, qvpn_rtt_kind kind)
{
    return kind < QVPN_RTT_COUNT ? &st->rtt[kind] : NULL;
}

/* ---- presentation helpers ---- */

static double secs(int64_t ns) { return (double)ns / 1e9; }

static void addr_str(const qvpn_addr *a, char *buf, size_t len)
{
    qvpn_addr_to_str(a, buf, len);
}

static const qvpn_facts *facts_of(const sess_agg *a)
{
    return a->s->facts;
}

static void ports_str(const qvpn_facts *f, char *buf, size_t len)
{
    size_t off = 0;
    buf[0] = '\0';
    for (int u = 0; u < 2; u++) {
        const uint16_t *p = u ? f->udp_ports : f->tcp_ports;
        for (int i = 0; i < QVPN_FACTS_PORTS && p[i] && off < len; i++) {
            int w = g_snprintf(buf + off, (gulong)(len - off), "%s%s/%u", off ? "," : "",
                               u ? "udp" : "tcp", p[i]);
            if (w < 0)
                return;
            off += (size_t)w;
        }
    }
    if (!off)
        g_strlcpy(buf, "-", len);
}

static void phases_str(uint8_t phases, char *buf, size_t len, bool letters)
{
    static const char letter[QVPN_PHASE_COUNT] = { '-', 'C', 'P', 'N', 'T' };
    GString *s = g_string_new(NULL);
    for (int p = QVPN_PHASE_CONNECTION; p < QVPN_PHASE_COUNT; p++) {
        if (letters)
            g_string_append_c(s, (phases & (1u << p)) ? letter[p] : '.');
        else if (phases & (1u << p))
            g_string_append_printf(s, "%s\"%s\"", s->len ? "," : "", qvpn_phase_name((qvpn_phase)p));
    }
    g_strlcpy(buf, s->str, len);
    g_string_free(s, TRUE);
}

static void rule(GString *out, char c, int n)
{
    for (int i = 0; i < n; i++)
        g_string_append_c(out, c);
    g_string_append_c(out, '\n');
}

static const int WIDTH = 110;

static void header(GString *out, const char *title, const char *filter)
{
    rule(out, '=', WIDTH);
    g_string_append_printf(out, "%s\nFilter: %s\n", title, filter && *filter ? filter : "<none>");
    rule(out, '-', WIDTH);
}

static void rtt_rows(GString *out, const qvpn_rtt_agg *rtt, const char *indent)
{
    g_string_append_printf(out, "%s%-32s %7s %12s %12s %12s %10s\n", indent, "Handshake", "Count",
                           "Min (s)", "Avg (s)", "Max (s)", "Max frame");
    for (int k = QVPN_RTT_NONE + 1; k < QVPN_RTT_COUNT; k++) {
        const qvpn_rtt_agg *r = &rtt[k];
        if (!r->count)
            continue;
        g_string_append_printf(out, "%s%-32s %7u %12.6f %12.6f %12.6f %10u\n", indent,
                               qvpn_rtt_kind_name((qvpn_rtt_kind)k), r->count, secs(r->min_ns),
                               secs(r->sum_ns) / r->count, secs(r->max_ns), r->max_frame);
    }
}

static bool has_rtt(const qvpn_rtt_agg *rtt)
{
    for (int k = 1; k < QVPN_RTT_COUNT; k++)
        if (rtt[k].count)
            return true;
    return false;
}

void qvpn_stats_rtt_text(const qvpn_stats *st, const char *filter, GString *out)
{
    char c[64], g[64];
    header(out, "QuickVPN handshake round-trip times", filter);
    rtt_rows(out, st->rtt, "");
    for (guint i = 0; i < st->sessions->len; i++) {
        const sess_agg *a = g_ptr_array_index(st->sessions, i);
        int64_t ttt = facts_of(a)->time_to_tunnel_ns;
        if (!has_rtt(a->rtt) && ttt < 0)
            continue;
        addr_str(&a->s->client, c, sizeof(c));
        addr_str(&a->s->gateway, g, sizeof(g));
        g_string_append_printf(out, "\nSession %u: %s <-> %s\n", a->s->id, c, g);
        rtt_rows(out, a->rtt, "  ");
        if (ttt >= 0)
            g_string_append_printf(out, "  %-32s %7s %12.6f\n", "Time to tunnel", "", secs(ttt));
    }
    rule(out, '=', WIDTH);
}

static void json_rtt_array(GString *out, const qvpn_rtt_agg *rtt)
{
    bool first = true;
    g_string_append_c(out, '[');
    for (int k = 1; k < QVPN_RTT_COUNT; k++) {
        const qvpn_rtt_agg *r = &rtt[k];
        if (!r->count)
            continue;
        g_string_append_printf(out, "%s{\"kind\": \"%s\", \"count\": %u, \"min\": %.6f, "
                               "\"avg\": %.6f, \"max\": %.6f, \"max_frame\": %u}",
                               first ? "" : ", ", qvpn_rtt_kind_name((qvpn_rtt_kind)k), r->count,
                               secs(r->min_ns), secs(r->sum_ns) / r->count, secs(r->max_ns),
                               r->max_frame);
        first = false;
    }
    g_string_append_c(out, ']');
}

static void json_filter(GString *out, const char *filter)
{
    g_string_append(out, "\"filter\": ");
    if (filter && *filter) {
        char *esc = g_strescape(filter, NULL);
        g_string_append_printf(out, "\"%s\"", esc);
        g_free(esc);
    } else {
        g_string_append(out, "null");
    }
}

void qvpn_stats_rtt_json(const qvpn_stats *st, const char *filter, GString *out)
{
    g_string_append(out, "{\"qvpn_rtt\": {");
    json_filter(out, filter);
    g_string_append(out, ", \"all\": ");
    json_rtt_array(out, st->rtt);
    g_string_append(out, ", \"sessions\": [");
    for (guint i = 0; i < st->sessions->len; i++) {
        const sess_agg *a = g_ptr_array_index(st->sessions, i);
        g_string_append_printf(out, "%s{\"session\": %u, \"rtt\": ", i ? ", " : "", a->s->id);
        json_rtt_array(out, a->rtt);
        if (facts_of(a)->time_to_tunnel_ns >= 0)
            g_string_append_printf(out, ", \"time_to_tunnel\": %.6f",
                                   secs(facts_of(a)->time_to_tunnel_ns));
        g_string_append_c(out, '}');
    }
    g_string_append(out, "]}}\n");
}

static bool is_tls_only(const sess_agg *a)
{
    return qvpn_facts_tls_only(facts_of(a));
}

static void esp_line(GString *out, const qvpn_facts *f)
{
    g_string_append(out, "      ESP:");
    for (guint i = 0; i < f->n_spis; i++) {
        const qvpn_spi_count *c = &f->spis[i];
        g_string_append_printf(out, "%s %sSPI 0x%08x %s %u pkt%s", i ? "," : "",
                               c->ah ? "AH " : "", c->spi,
                               c->from_client ? "client->gateway (encaps)"
                                              : "gateway->client (decaps)", c->packets,
                               c->packets == 1 ? "" : "s");
    }
    g_string_append_c(out, '\n');
}

static void warnings_line(GString *out, const qvpn_facts *fa)
{
    bool any = false;
    for (int f = 0; f < QVPN_FINDING_COUNT; f++) {
        if (!fa->finding_count[f])
            continue;
        g_string_append_printf(out, "%s qvpn.%s x%u", any ? "," : "      Expert infos:",
                               qvpn_finding_abbrev((qvpn_finding)f), fa->finding_count[f]);
        any = true;
    }
    if (any)
        g_string_append_c(out, '\n');
}

/* Column widths of the sessions table: at least the defaults, wider where a value
 * (an IPv6 address, a long port list) would otherwise push the row out of line. */
typedef struct {
    int client, gateway, ports, ike;
} col_widths;

static int max_int(int a, size_t b)
{
    return b > (size_t)a ? (int)MIN(b, 64) : a;
}

static void widths_of(const qvpn_stats *st, col_widths *w)
{
    char buf[64];

    w->client = 15;
    w->gateway = 15;
    w->ports = 17;
    w->ike = 21;
    for (guint i = 0; i < st->sessions->len; i++) {
        const sess_agg *a = g_ptr_array_index(st->sessions, i);
        addr_str(&a->s->client, buf, sizeof(buf));
        w->client = max_int(w->client, strlen(buf));
        addr_str(&a->s->gateway, buf, sizeof(buf));
        w->gateway = max_int(w->gateway, strlen(buf));
        ports_str(facts_of(a), buf, sizeof(buf));
        w->ports = max_int(w->ports, strlen(buf));
        if (facts_of(a)->ike_state)
            w->ike = max_int(w->ike, strlen(qvpn_ike_state_name(facts_of(a)->ike_state)));
    }
}

static void columns_line(GString *out, const col_widths *w)
{
    g_string_append_printf(out, "   #  %-*s %-*s %-*s %10s  %-5s %-*s %10s  %s\n",
                           w->client, "Client", w->gateway, "Gateway", w->ports, "Ports",
                           "Start (s)", "Phase", w->ike, "IKE state", "Tunnel (s)", "Verdict");
}

/* The capability bits of qvpn_vendor.h, by name. */
static const char *const cap_names[] = {
    "DPD", "XAUTH", "RFC 3947 NAT-T", "NAT-T draft", "IKE fragmentation", "Cisco Unity",
    "AuthIP", "Initial contact",
};

/* A JSON array's items, the names of the capability bits. */
static void caps_json(uint32_t caps, GString *out)
{
    bool any = false;
    for (size_t i = 0; i < G_N_ELEMENTS(cap_names); i++) {
        if (!(caps & (1u << i)))
            continue;
        g_string_append_printf(out, "%s\"%s\"", any ? ", " : "", cap_names[i]);
        any = true;
    }
}

static const char *nat_str(const qvpn_facts *f)
{
    if (!f->nat_seen)
        return NULL;
    switch (f->nat & (QVPN_NAT_CLIENT | QVPN_NAT_GATEWAY)) {
    case QVPN_NAT_CLIENT:                    return "client";
    case QVPN_NAT_GATEWAY:                   return "gateway";
    case QVPN_NAT_CLIENT | QVPN_NAT_GATEWAY: return "both";
    default:                                 return "none";
    }
}

/* A JSON string (or null), escaped. */
static void json_str(GString *out, const char *s)
{
    if (s == NULL) {
        g_string_append(out, "null");
        return;
    }
    g_string_append_c(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_printf(out, "\\%c", *p);
        else if (*p < 0x20)
            g_string_append_printf(out, "\\u%04x", *p);
        else
            g_string_append_c(out, (gchar)*p);
    }
    g_string_append_c(out, '"');
}

static void evidence_item(GString *out, bool *any, const char *label, const char *value)
{
    if (value == NULL)
        return;
    g_string_append_printf(out, "%s%s: %s", *any ? "\n      " : "      ", label, value);
    *any = true;
}

/* A short list of strings as one line's value, "; "-joined. */
static void list_item(GString *out, bool *any, const char *label, const char *const *list,
                      size_t n)
{
    GString *v = g_string_new(NULL);
    for (size_t i = 0; i < n && list[i]; i++)
        g_string_append_printf(v, "%s%s", i ? "; " : "", list[i]);
    evidence_item(out, any, label, v->len ? v->str : NULL);
    g_string_free(v, TRUE);
}

static const char *inner_str(const qvpn_facts *f)
{
    if (f->findings & (1u << QVPN_FINDING_INNER_NO_REPLY))
        return "requests unanswered";
    if (f->inner_out && f->inner_in)
        return "both ways";
    if (f->inner_out || f->inner_in)
        return "one way";
    return NULL;
}

/* What the keys showed (qvpn_keys.c), only when some frame was decrypted: without
 * keys the output is what it was. */
static void decrypted_lines(GString *out, bool *any, const qvpn_facts *f)
{
    const char *children[QVPN_FACTS_LIST] = { NULL };
    char dpd[32];
    for (unsigned i = 0; i < f->n_child; i++)
        children[i] = f->child[i].text;
    list_item(out, any, "decrypted notifications", f->notify_dec, QVPN_FACTS_LIST);
    list_item(out, any, "phase 2 asked", f->ts, QVPN_FACTS_LIST);
    list_item(out, any, "child SAs", children, QVPN_FACTS_LIST);
    list_item(out, any, "deletes", f->deletes, QVPN_FACTS_LIST);
    if (f->dpd) {
        g_snprintf(dpd, sizeof(dpd), "%u messages", f->dpd);
        evidence_item(out, any, "DPD", dpd);
    }
    evidence_item(out, any, "XAUTH", f->xauth);
    evidence_item(out, any, "assigned address", f->cfg_address);
    evidence_item(out, any, "split networks", f->cfg_split);
    evidence_item(out, any, "inside the tunnel", inner_str(f));
}

static void json_list(GString *out, const char *key, const char *const *list, size_t n)
{
    g_string_append_printf(out, ", \"%s\": [", key);
    for (size_t i = 0; i < n && list[i]; i++) {
        if (i)
            g_string_append(out, ", ");
        json_str(out, list[i]);
    }
    g_string_append_c(out, ']');
}

static void decrypted_json(GString *out, const qvpn_facts *f)
{
    const char *children[QVPN_FACTS_LIST] = { NULL };
    for (unsigned i = 0; i < f->n_child; i++)
        children[i] = f->child[i].text;
    g_string_append(out, ", \"decrypted\": true");
    json_list(out, "notify_decrypted", f->notify_dec, QVPN_FACTS_LIST);
    json_list(out, "ts", f->ts, QVPN_FACTS_LIST);
    json_list(out, "child_sas", children, QVPN_FACTS_LIST);
    json_list(out, "deletes", f->deletes, QVPN_FACTS_LIST);
    g_string_append_printf(out, ", \"dpd\": %u, \"xauth\": ", f->dpd);
    json_str(out, f->xauth);
    g_string_append(out, ", \"cfg_address\": ");
    json_str(out, f->cfg_address);
    g_string_append(out, ", \"cfg_split\": ");
    json_str(out, f->cfg_split);
    g_string_append(out, ", \"inner\": ");
    json_str(out, inner_str(f));
}

/* The networks of an SPI's child SA, when the keys showed it. */
static const char *spi_networks(const qvpn_facts *f, uint32_t spi)
{
    for (unsigned i = 0; i < f->n_child; i++)
        if (spi == f->child[i].spi_i || spi == f->child[i].spi_r)
            return f->child[i].ts;
    return NULL;
}

/* What the capture showed in the clear, one item a line. */
static void evidence_lines(GString *out, const qvpn_facts *f)
{
    bool any = false;
    char buf[32], nat[32];
    evidence_item(out, &any, "offered", f->offered);
    evidence_item(out, &any, "chosen", f->chosen);
    evidence_item(out, &any, "client software", f->client_software);
    evidence_item(out, &any, "gateway software", f->gateway_software);
    if (f->nat_seen) {
        const char *who = nat_str(f);
        if (strcmp(who, "none") == 0)
            who = "none seen";
        g_snprintf(nat, sizeof(nat), "%s%s", who, strcmp(who, "none seen") ? " behind NAT" : "");
        evidence_item(out, &any, "NAT (NAT-D)", nat);
    }
    if (f->ip_fragmented) {
        g_snprintf(buf, sizeof(buf), "%u IKE messages", f->ip_fragmented);
        evidence_item(out, &any, "IP-fragmented", buf);
    }
    evidence_item(out, &any, "ICMP", f->icmp);
    evidence_item(out, &any, "TLS offered", f->tls_offered);
    evidence_item(out, &any, "TLS chosen", f->tls_chosen);
    if (f->decrypted)
        decrypted_lines(out, &any, f);
    if (any)
        g_string_append_c(out, '\n');
}

static void session_row(GString *out, const qvpn_stats *st, const sess_agg *a,
                        const col_widths *w)
{
    const qvpn_facts *f = facts_of(a);
    char c[64], g[64], ports[64], ph[8], verdict[768], ttt[16];
    addr_str(&a->s->client, c, sizeof(c));
    addr_str(&a->s->gateway, g, sizeof(g));
    ports_str(f, ports, sizeof(ports));
    phases_str(f->phases, ph, sizeof(ph), true);
    qvpn_facts_verdict(f, st->capture_end, verdict, sizeof(verdict));
    if (f->time_to_tunnel_ns >= 0)
        g_snprintf(ttt, sizeof(ttt), "%.6f", secs(f->time_to_tunnel_ns));
    else
        g_strlcpy(ttt, "-", sizeof(ttt));
    g_string_append_printf(out, "%4u  %-*s %-*s %-*s %10.6f  %-5s %-*s %10s  %s\n", a->s->id,
                           w->client, c, w->gateway, g, w->ports, ports, secs(f->start_rel_ns), ph,
                           w->ike, f->ike_state ? qvpn_ike_state_name(f->ike_state) : "-", ttt,
                           verdict);
    if (f->n_spis)
        esp_line(out, f);
    evidence_lines(out, f);
    warnings_line(out, f);
}

void qvpn_stats_sessions_text(const qvpn_stats *st, const char *filter, GString *out)
{
    guint n_vpn = 0, n_tls = 0;
    col_widths w;

    widths_of(st, &w);
    header(out, "QuickVPN sessions (phases: C Connection, P Policy activation, "
                "N Network verification, T Teardown)", filter);
    columns_line(out, &w);
    for (guint i = 0; i < st->sessions->len; i++) {
        const sess_agg *a = g_ptr_array_index(st->sessions, i);
        if (!is_tls_only(a)) {
            session_row(out, st, a, &w);
            n_vpn++;
        }
    }
    g_string_append_printf(out, "VPN sessions: %u\n", n_vpn);
    rule(out, '-', WIDTH);
    g_string_append(out, "TLS-only attempts (TLS to a QuickVPN port or gateway, no IKE followed)\n");
    columns_line(out, &w);
    for (guint i = 0; i < st->sessions->len; i++) {
        const sess_agg *a = g_ptr_array_index(st->sessions, i);
        if (is_tls_only(a)) {
            session_row(out, st, a, &w);
            n_tls++;
        }
    }
    g_string_append_printf(out, "TLS-only attempts: %u\n", n_tls);
    if (st->cap_hit)
        g_string_append(out, "NOTE: the session table was full; later peers were not analysed "
                             "(preference qvpn.max_sessions)\n");
    rule(out, '=', WIDTH);
}

static void session_json(GString *out, const qvpn_stats *st, const sess_agg *a)
{
    const qvpn_facts *f = facts_of(a);
    char c[64], g[64], ph[128], verdict[768];
    addr_str(&a->s->client, c, sizeof(c));
    addr_str(&a->s->gateway, g, sizeof(g));
    phases_str(f->phases, ph, sizeof(ph), false);
    qvpn_facts_verdict(f, st->capture_end, verdict, sizeof(verdict));
    g_string_append_printf(out, "{\"session\": %u, \"client\": \"%s\", \"gateway\": \"%s\", "
                           "\"roles_guessed\": %s, \"tls_only\": %s, \"start_frame\": %u, "
                           "\"start\": %.6f, \"tcp_ports\": [", a->s->id, c, g,
                           a->s->roles_guessed ? "true" : "false",
                           is_tls_only(a) ? "true" : "false", f->first_frame, secs(f->start_rel_ns));
    for (int i = 0; i < QVPN_FACTS_PORTS && f->tcp_ports[i]; i++)
        g_string_append_printf(out, "%s%u", i ? ", " : "", f->tcp_ports[i]);
    g_string_append(out, "], \"udp_ports\": [");
    for (int i = 0; i < QVPN_FACTS_PORTS && f->udp_ports[i]; i++)
        g_string_append_printf(out, "%s%u", i ? ", " : "", f->udp_ports[i]);
    g_string_append_printf(out, "], \"phases\": [%s], \"ike_state\": ", ph);
    if (f->ike_state)
        g_string_append_printf(out, "\"%s\"", qvpn_ike_state_name(f->ike_state));
    else
        g_string_append(out, "null");
    g_string_append_printf(out, ", \"ike_version\": %u, \"time_to_tunnel\": ", f->ike_version);
    if (f->time_to_tunnel_ns >= 0)
        g_string_append_printf(out, "%.6f", secs(f->time_to_tunnel_ns));
    else
        g_string_append(out, "null");
    g_string_append_printf(out, ", \"esp_out\": %u, \"esp_in\": %u, \"esp\": [", f->esp_out, f->esp_in);
    for (guint i = 0; i < f->n_spis; i++) {
        const qvpn_spi_count *e = &f->spis[i];
        g_string_append_printf(out, "%s{\"spi\": \"0x%08x\", \"protocol\": \"%s\", "
                               "\"direction\": \"%s\", \"packets\": %u",
                               i ? ", " : "", e->spi, e->ah ? "AH" : "ESP",
                               e->from_client ? "client->gateway" : "gateway->client", e->packets);
        const char *nets = f->decrypted ? spi_networks(f, e->spi) : NULL;
        if (nets) {
            g_string_append(out, ", \"networks\": ");
            json_str(out, nets);
        }
        g_string_append_c(out, '}');
    }
    g_string_append(out, "], \"expert\": {");
    bool any = false;
    for (int i = 0; i < QVPN_FINDING_COUNT; i++) {
        if (!f->finding_count[i])
            continue;
        g_string_append_printf(out, "%s\"%s\": %u", any ? ", " : "",
                               qvpn_finding_abbrev((qvpn_finding)i), f->finding_count[i]);
        any = true;
    }
    g_string_append(out, "}, \"evidence\": {\"offered\": ");
    json_str(out, f->offered);
    g_string_append(out, ", \"chosen\": ");
    json_str(out, f->chosen);
    g_string_append(out, ", \"dh_group\": ");
    if (f->dh_group)
        g_string_append_printf(out, "%u", f->dh_group);
    else
        g_string_append(out, "null");
    g_string_append(out, ", \"client_software\": ");
    json_str(out, f->client_software);
    g_string_append(out, ", \"gateway_software\": ");
    json_str(out, f->gateway_software);
    g_string_append(out, ", \"client_caps\": [");
    caps_json(f->client_caps, out);
    g_string_append(out, "], \"gateway_caps\": [");
    caps_json(f->gateway_caps, out);
    g_string_append(out, "], \"nat\": ");
    json_str(out, nat_str(f));
    g_string_append_printf(out, ", \"ip_fragmented\": %u, \"icmp\": ", f->ip_fragmented);
    json_str(out, f->icmp);
    g_string_append(out, ", \"tls_offered\": ");
    json_str(out, f->tls_offered);
    g_string_append(out, ", \"tls_chosen\": ");
    json_str(out, f->tls_chosen);
    if (f->decrypted)
        decrypted_json(out, f);
    g_string_append(out, "}, \"verdict\": ");
    json_str(out, verdict);
    g_string_append_c(out, '}');
}

void qvpn_stats_sessions_json(const qvpn_stats *st, const char *filter, GString *out)
{
    g_string_append(out, "{\"qvpn_sessions\": {");
    json_filter(out, filter);
    g_string_append_printf(out, ", \"session_cap_hit\": %s, \"sessions\": [",
                           st->cap_hit ? "true" : "false");
    for (guint i = 0; i < st->sessions->len; i++) {
        if (i)
            g_string_append(out, ", ");
        session_json(out, st, g_ptr_array_index(st->sessions, i));
    }
    g_string_append(out, "]}}\n");
}

/* ---- one session's row, for the GUI's Sessions window ---- */

/* The text a line printer wrote after its prefix, without the newline. */
static void line_text(GString *line, const char *prefix, char *buf, size_t len)
{
    const char *s = line->str;
    size_t n = strlen(prefix);
    if (strncmp(s, prefix, n) == 0)
        s += n;
    while (*s == ' ')
        s++;
    g_strlcpy(buf, s, len);
    size_t end = strlen(buf);
    if (end && buf[end - 1] == '\n')
        buf[end - 1] = '\0';
    if (!*buf)
        g_strlcpy(buf, "-", len);
}

void qvpn_stats_session_row(const qvpn_session *s, int64_t capture_end_rel_ns, qvpn_session_row *row)
{
    const qvpn_facts *f = s->facts;
    GString *line = g_string_new(NULL);

    memset(row, 0, sizeof(*row));
    row->id = s->id;
    row->tls_only = qvpn_facts_tls_only(f);
    addr_str(&s->client, row->client, sizeof(row->client));
    addr_str(&s->gateway, row->gateway, sizeof(row->gateway));
    ports_str(f, row->ports, sizeof(row->ports));
    phases_str(f->phases, row->phases, sizeof(row->phases), true);
    g_strlcpy(row->ike_state, f->ike_state ? qvpn_ike_state_name(f->ike_state) : "-",
              sizeof(row->ike_state));
    row->start_s = secs(f->start_rel_ns);
    if (f->time_to_tunnel_ns >= 0)
        g_snprintf(row->tunnel, sizeof(row->tunnel), "%.6f", secs(f->time_to_tunnel_ns));
    else
        g_strlcpy(row->tunnel, "-", sizeof(row->tunnel));
    row->esp_out = f->esp_out;
    row->esp_in = f->esp_in;
    /* The same printers as the text table, so the two never disagree. */
    if (f->n_spis)
        esp_line(line, f);
    line_text(line, "      ESP:", row->esp, sizeof(row->esp));
    g_string_truncate(line, 0);
    warnings_line(line, f);
    line_text(line, "      Expert infos:", row->expert, sizeof(row->expert));
    qvpn_facts_verdict(f, capture_end_rel_ns, row->verdict, sizeof(row->verdict));
    g_snprintf(row->software, sizeof(row->software), "%s%s%s%s%s",
               f->client_software ? "client: " : "",
               f->client_software ? f->client_software : "",
               f->client_software && f->gateway_software ? "; " : "",
               f->gateway_software ? "gateway: " : "",
               f->gateway_software ? f->gateway_software : "");
    if (row->software[0] == '\0')
        g_strlcpy(row->software, "-", sizeof(row->software));
    g_strlcpy(row->suite, f->chosen ? f->chosen : "-", sizeof(row->suite));
    g_strlcpy(row->nat, nat_str(f) ? nat_str(f) : "-", sizeof(row->nat));
    g_string_free(line, TRUE);
}
