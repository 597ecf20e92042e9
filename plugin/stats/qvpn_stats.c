/* qvpn_stats.c — aggregate tap records into the RTT and sessions tables.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <inttypes.h>
#include <string.h>

#include "qvpn_stats.h"

#define MAX_PORTS 4

typedef struct spi_count {
    uint32_t spi;
    bool     from_client;
    uint32_t packets;
} spi_count;

typedef struct sess_agg {
    const qvpn_session *s;      /* identity only: id, peers, roles */
    uint32_t  first_frame;
    int64_t   start_ns;
    uint8_t   phases;
    qvpn_ike_state ike_state;
    uint8_t   ike_version;
    uint32_t  findings;
    uint32_t  finding_count[QVPN_FINDING_COUNT];
    uint16_t  notify_type;
    uint8_t   alert_desc;
    int64_t   ttt_ns;
    bool      had_ike, had_esp;
    bool      p2_done;          /* QM3, or an IKEv2 IKE_AUTH/CHILD_SA answered */
    uint32_t  esp_out, esp_in;
    uint16_t  tcp_ports[MAX_PORTS], udp_ports[MAX_PORTS];
    GArray   *spis;             /* spi_count */
    qvpn_rtt_agg rtt[QVPN_RTT_COUNT];
} sess_agg;

struct qvpn_stats {
    GPtrArray   *sessions;      /* sess_agg*, in order of first record */
    GHashTable  *by_id;         /* k=session id, v=sess_agg* */
    qvpn_rtt_agg rtt[QVPN_RTT_COUNT];
    uint32_t     last_frame;
    bool         cap_hit;
};

static void sess_free(gpointer p)
{
    sess_agg *a = p;
    g_array_free(a->spis, TRUE);
    g_free(a);
}

qvpn_stats *qvpn_stats_new(void)
{
    qvpn_stats *st = g_new0(qvpn_stats, 1);
    st->sessions = g_ptr_array_new_with_free_func(sess_free);
    st->by_id = g_hash_table_new(g_direct_hash, g_direct_equal);
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
    a->first_frame = rec->frame;
    a->start_ns = rec->rel_ts_ns;
    a->ttt_ns = -1;
    a->spis = g_array_new(FALSE, TRUE, sizeof(spi_count));
    g_hash_table_insert(st->by_id, GUINT_TO_POINTER(s->id), a);
    g_ptr_array_add(st->sessions, a);
    return a;
}

static void add_port(uint16_t *ports, uint16_t port)
{
    for (int i = 0; i < MAX_PORTS; i++) {
        if (ports[i] == port)
            return;
        if (ports[i] == 0) {
            ports[i] = port;
            return;
        }
    }
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

static void count_esp(sess_agg *a, const qvpn_tap_rec *rec)
{
    bool out = rec->v->from_client;
    a->had_esp = true;
    if (out)
        a->esp_out++;
    else
        a->esp_in++;
    for (guint i = 0; i < a->spis->len; i++) {
        spi_count *c = &g_array_index(a->spis, spi_count, i);
        if (c->spi == rec->spi && c->from_client == out) {
            c->packets++;
            return;
        }
    }
    if (a->spis->len < 64) {
        spi_count c = { rec->spi, out, 1 };
        g_array_append_val(a->spis, c);
    }
}

static bool is_ike_step(qvpn_step s)
{
    return s >= QVPN_STEP_IKE_MAIN && s <= QVPN_STEP_IKE_OTHER;
}

static void note_ports(sess_agg *a, const qvpn_tap_rec *rec)
{
    /* The gateway's side of the conversation: the port the client talks to. */
    uint16_t port = rec->v->from_client ? rec->dport : rec->sport;
    if (port == 0)
        return;
    add_port(rec->udp ? a->udp_ports : a->tcp_ports, port);
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
    a->phases |= (uint8_t)(1u << v->phase);
    a->findings |= v->findings;
    for (int f = 0; f < QVPN_FINDING_COUNT; f++)
        if (v->findings & (1u << f))
            a->finding_count[f]++;
    if (v->notify_type)
        a->notify_type = v->notify_type;
    if (v->findings & (1u << QVPN_FINDING_TLS_ALERT))
        a->alert_desc = v->alert_desc;
    if (v->ike_state != QVPN_IKE_STATE_NONE)
        a->ike_state = v->ike_state;
    if (is_ike_step(v->step)) {
        a->had_ike = true;
        a->ike_version = v->step >= QVPN_STEP_IKEV2_SA_INIT && v->step <= QVPN_STEP_IKEV2_INFO
                       ? 2 : (a->ike_version ? a->ike_version : 1);
    }
    if (v->ike_msg == QVPN_IKE_MSG_QM3 ||
        (v->ike_msg == QVPN_IKE_MSG_V2_RESPONSE && v->ike_state == QVPN_IKE_STATE_V2_READY &&
         (v->step == QVPN_STEP_IKEV2_AUTH || v->step == QVPN_STEP_IKEV2_CHILD_SA)))
        a->p2_done = true;
    if (v->step == QVPN_STEP_ESP && rec->has_spi)
        count_esp(a, rec);
    if (v->time_to_tunnel_ns >= 0)
        a->ttt_ns = v->time_to_tunnel_ns;
    note_ports(a, rec);
    if (v->rtt_kind > QVPN_RTT_NONE && v->rtt_kind < QVPN_RTT_COUNT && v->rtt_ns >= 0) {
        rtt_add(&st->rtt[v->rtt_kind], v->rtt_ns, rec->frame);
        rtt_add(&a->rtt[v->rtt_kind], v->rtt_ns, rec->frame);
    }
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

/* The verdict line from what the records showed (statistics see only records). */
static void sess_summary(const sess_agg *a, char *buf, size_t len)
{
    qvpn_session s;
    memset(&s, 0, sizeof(s));
    s.roles_guessed = a->s->roles_guessed;
    s.tls_only = !a->had_ike && !a->had_esp;
    s.phases_seen = a->phases;
    s.ike_state = a->ike_state;
    s.findings = a->findings;
    s.time_to_tunnel_ns = a->ttt_ns;
    s.esp_out = a->esp_out;
    s.esp_in = a->esp_in;
    s.ike_version = a->ike_version;
    s.notify_type = a->notify_type;
    s.alert_desc = a->alert_desc;
    s.p2_done = a->p2_done;
    qvpn_session_summary(&s, buf, len);
}

static void ports_str(const sess_agg *a, char *buf, size_t len)
{
    size_t off = 0;
    buf[0] = '\0';
    for (int u = 0; u < 2; u++) {
        const uint16_t *p = u ? a->udp_ports : a->tcp_ports;
        for (int i = 0; i < MAX_PORTS && p[i] && off < len; i++) {
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
        if (!has_rtt(a->rtt) && a->ttt_ns < 0)
            continue;
        addr_str(&a->s->client, c, sizeof(c));
        addr_str(&a->s->gateway, g, sizeof(g));
        g_string_append_printf(out, "\nSession %u: %s <-> %s\n", a->s->id, c, g);
        rtt_rows(out, a->rtt, "  ");
        if (a->ttt_ns >= 0)
            g_string_append_printf(out, "  %-32s %7s %12.6f\n", "Time to tunnel", "", secs(a->ttt_ns));
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
        if (a->ttt_ns >= 0)
            g_string_append_printf(out, ", \"time_to_tunnel\": %.6f", secs(a->ttt_ns));
        g_string_append_c(out, '}');
    }
    g_string_append(out, "]}}\n");
}

static bool is_tls_only(const sess_agg *a)
{
    return !a->had_ike && !a->had_esp;
}

static void esp_line(GString *out, const sess_agg *a)
{
    g_string_append(out, "      ESP:");
    for (guint i = 0; i < a->spis->len; i++) {
        const spi_count *c = &g_array_index(a->spis, spi_count, i);
        g_string_append_printf(out, "%s SPI 0x%08x %s %u pkt%s", i ? "," : "", c->spi,
                               c->from_client ? "client->gateway (encaps)"
                                              : "gateway->client (decaps)", c->packets,
                               c->packets == 1 ? "" : "s");
    }
    g_string_append_c(out, '\n');
}

static void warnings_line(GString *out, const sess_agg *a)
{
    bool any = false;
    for (int f = 0; f < QVPN_FINDING_COUNT; f++) {
        if (!a->finding_count[f])
            continue;
        g_string_append_printf(out, "%s qvpn.%s x%u", any ? "," : "      Expert infos:",
                               qvpn_finding_abbrev((qvpn_finding)f), a->finding_count[f]);
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
        ports_str(a, buf, sizeof(buf));
        w->ports = max_int(w->ports, strlen(buf));
        if (a->ike_state)
            w->ike = max_int(w->ike, strlen(qvpn_ike_state_name(a->ike_state)));
    }
}

static void columns_line(GString *out, const col_widths *w)
{
    g_string_append_printf(out, "   #  %-*s %-*s %-*s %10s  %-5s %-*s %10s  %s\n",
                           w->client, "Client", w->gateway, "Gateway", w->ports, "Ports",
                           "Start (s)", "Phase", w->ike, "IKE state", "Tunnel (s)", "Verdict");
}

static void session_row(GString *out, const sess_agg *a, const col_widths *w)
{
    char c[64], g[64], ports[64], ph[8], verdict[160], ttt[16];
    addr_str(&a->s->client, c, sizeof(c));
    addr_str(&a->s->gateway, g, sizeof(g));
    ports_str(a, ports, sizeof(ports));
    phases_str(a->phases, ph, sizeof(ph), true);
    sess_summary(a, verdict, sizeof(verdict));
    if (a->ttt_ns >= 0)
        g_snprintf(ttt, sizeof(ttt), "%.6f", secs(a->ttt_ns));
    else
        g_strlcpy(ttt, "-", sizeof(ttt));
    g_string_append_printf(out, "%4u  %-*s %-*s %-*s %10.6f  %-5s %-*s %10s  %s\n", a->s->id,
                           w->client, c, w->gateway, g, w->ports, ports, secs(a->start_ns), ph,
                           w->ike, a->ike_state ? qvpn_ike_state_name(a->ike_state) : "-", ttt,
                           verdict);
    if (a->spis->len)
        esp_line(out, a);
    warnings_line(out, a);
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
            session_row(out, a, &w);
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
            session_row(out, a, &w);
            n_tls++;
        }
    }
    g_string_append_printf(out, "TLS-only attempts: %u\n", n_tls);
    if (st->cap_hit)
        g_string_append(out, "NOTE: the session table was full; later peers were not analysed "
                             "(preference qvpn.max_sessions)\n");
    rule(out, '=', WIDTH);
}

static void session_json(GString *out, const sess_agg *a)
{
    char c[64], g[64], ph[128], verdict[160];
    addr_str(&a->s->client, c, sizeof(c));
    addr_str(&a->s->gateway, g, sizeof(g));
    phases_str(a->phases, ph, sizeof(ph), false);
    sess_summary(a, verdict, sizeof(verdict));
    g_string_append_printf(out, "{\"session\": %u, \"client\": \"%s\", \"gateway\": \"%s\", "
                           "\"roles_guessed\": %s, \"tls_only\": %s, \"start_frame\": %u, "
                           "\"start\": %.6f, \"tcp_ports\": [", a->s->id, c, g,
                           a->s->roles_guessed ? "true" : "false",
                           is_tls_only(a) ? "true" : "false", a->first_frame, secs(a->start_ns));
    for (int i = 0; i < MAX_PORTS && a->tcp_ports[i]; i++)
        g_string_append_printf(out, "%s%u", i ? ", " : "", a->tcp_ports[i]);
    g_string_append(out, "], \"udp_ports\": [");
    for (int i = 0; i < MAX_PORTS && a->udp_ports[i]; i++)
        g_string_append_printf(out, "%s%u", i ? ", " : "", a->udp_ports[i]);
    g_string_append_printf(out, "], \"phases\": [%s], \"ike_state\": ", ph);
    if (a->ike_state)
        g_string_append_printf(out, "\"%s\"", qvpn_ike_state_name(a->ike_state));
    else
        g_string_append(out, "null");
    g_string_append_printf(out, ", \"ike_version\": %u, \"time_to_tunnel\": ", a->ike_version);
    if (a->ttt_ns >= 0)
        g_string_append_printf(out, "%.6f", secs(a->ttt_ns));
    else
        g_string_append(out, "null");
    g_string_append_printf(out, ", \"esp_out\": %u, \"esp_in\": %u, \"esp\": [", a->esp_out, a->esp_in);
    for (guint i = 0; i < a->spis->len; i++) {
        const spi_count *e = &g_array_index(a->spis, spi_count, i);
        g_string_append_printf(out, "%s{\"spi\": \"0x%08x\", \"direction\": \"%s\", \"packets\": %u}",
                               i ? ", " : "", e->spi,
                               e->from_client ? "client->gateway" : "gateway->client", e->packets);
    }
    g_string_append(out, "], \"expert\": {");
    bool any = false;
    for (int f = 0; f < QVPN_FINDING_COUNT; f++) {
        if (!a->finding_count[f])
            continue;
        g_string_append_printf(out, "%s\"%s\": %u", any ? ", " : "",
                               qvpn_finding_abbrev((qvpn_finding)f), a->finding_count[f]);
        any = true;
    }
    g_string_append_printf(out, "}, \"verdict\": \"%s\"}", verdict);
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
        session_json(out, g_ptr_array_index(st->sessions, i));
    }
    g_string_append(out, "]}}\n");
}
