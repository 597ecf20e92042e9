/* fuzz_engine.c — libFuzzer harness of the pure engine and the statistics.
 *
 * The input bytes are decoded into a configuration and a sequence of qvpn_obs, fed
 * in frame order as the glue does on the first pass.  Every verdict returned is
 * exercised the way the glue and the statistics use it: every finding described,
 * the session summarised, a qvpn_tap_rec built and aggregated (text and JSON tables).
 * At the end every verdict is read again (they must stay valid until
 * qvpn_engine_free), the records are re-tapped into a second aggregator (a GUI
 * retap / tshark -2) and the same sequence is fed to a second engine, whose verdicts
 * must be identical (no dependence on hash order or uninitialised memory).
 *
 * Values are drawn from small pools most of the time (a few addresses, cookies,
 * SPIs, message IDs, TCP streams, the QuickVPN ports), so that the state machines
 * meet the same peers again, and from the raw bytes otherwise: absent or malformed
 * addresses, timestamps that go backwards or jump to the ends of int64, counts
 * beyond their arrays.  Only the frame number keeps its contract (strictly
 * increasing), since Wireshark guarantees it on the first pass.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined ... (tests/fuzz/run_fuzz.sh)
 *   ./fuzz_engine tests/fuzz/corpus -max_total_time=60
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "qvpn_engine.h"
#include "qvpn_facts.h"
#include "qvpn_stats.h"
#include "qvpn_tap.h"

#define MAX_OBS 512

/* ---- a byte reader that yields zeros once the input is used up ---- */

typedef struct reader {
    const uint8_t *p;
    size_t         left;
} reader;

static uint8_t u8(reader *r)
{
    if (r->left == 0)
        return 0;
    r->left--;
    return *r->p++;
}

static uint16_t u16(reader *r)
{
    uint16_t v = u8(r);
    return (uint16_t)(v << 8 | u8(r));
}

static uint32_t u32(reader *r)
{
    uint32_t v = u16(r);
    return v << 16 | u16(r);
}

static uint64_t u64(reader *r)
{
    uint64_t v = u32(r);
    return v << 32 | u32(r);
}

/* ---- pools ---- */

static const qvpn_addr addr_pool[] = {
    { 4,  { 213, 16, 33, 141 } },
    { 4,  { 79, 189, 214, 86 } },
    { 4,  { 10, 0, 0, 1 } },
    { 4,  { 192, 0, 2, 1 } },
    { 16, { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } },
    { 16, { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 } },
};
#define N_ADDR (sizeof(addr_pool) / sizeof(addr_pool[0]))

static const uint16_t port_pool[] = { 443, 60443, 500, 4500, 3859, 3862, 80, 0 };
static const uint8_t exch_pool[] = { 2, 4, 5, 32, 34, 35, 36, 37, 2, 32, 34, 35, 6, 0, 1, 255 };

static qvpn_addr read_addr(reader *r)
{
    uint8_t sel = u8(r);
    qvpn_addr a;
    memset(&a, 0, sizeof(a));
    if (sel < 0xe0)
        return addr_pool[sel % N_ADDR];
    switch (sel & 7) {
    case 0:  return a;                                  /* none */
    case 1:  a.len = 4; break;
    case 2:  a.len = 16; break;
    default: a.len = (uint8_t)(u8(r) | 1); break;       /* malformed: not 4 or 16 */
    }
    for (size_t i = 0; i < sizeof(a.bytes); i++)
        a.bytes[i] = u8(r);
    return a;
}

static uint16_t read_port(reader *r)
{
    uint8_t sel = u8(r);
    if (sel < 0xc0)
        return port_pool[sel % (sizeof(port_pool) / sizeof(port_pool[0]))];
    return u16(r);
}

static void read_cookie(reader *r, uint8_t out[8], bool allow_zero)
{
    uint8_t sel = u8(r);
    memset(out, 0, 8);
    if (allow_zero && sel < 0x60)
        return;
    if (sel < 0xf0) {
        out[7] = (uint8_t)(1 + sel % 4);              /* one of four cookies */
        out[0] = 0xc0;
        return;
    }
    for (int i = 0; i < 8; i++)
        out[i] = u8(r);
}

/* a + b wrapping around, as two's complement hardware does (no UB in the harness). */
static int64_t wrap_add(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a + (uint64_t)b);
}

/* Next timestamp: mostly small steps forward, sometimes back, rarely wild. */
static int64_t next_ts(reader *r, int64_t ts)
{
    uint8_t sel = u8(r);
    int64_t d = u16(r);
    switch (sel >> 5) {
    case 0: case 1: case 2:
        return wrap_add(ts, d * 1000000);                   /* up to 65 s on */
    case 3:
        return wrap_add(ts, d * 1000);                      /* microseconds */
    case 4:
        return wrap_add(ts, -d * 1000000);                  /* backwards */
    case 5:
        return ts;                                          /* same instant */
    case 6:
        return wrap_add(ts, d * 1000000000);                /* hours on */
    default:
        switch (sel & 3) {
        case 0:  return INT64_MAX;
        case 1:  return INT64_MIN;
        case 2:  return 0;
        default: return (int64_t)u64(r);
        }
    }
}

/* Bytes of the input itself as a span (a message, a hello, an ICMP error, an IP
 * header): the evidence readers meet them as the glue hands them over.  They stay
 * valid for the whole run, which the second engine's replay needs. */
static void read_span(reader *r, qvpn_span *sp)
{
    size_t n = u8(r);
    if (n & 0x80)
        n = (n & 0x7f) * 8;     /* up to ~1 KB: long SA payloads, certificates */
    if (n > r->left)
        n = r->left;
    sp->p = r->p;
    sp->len = n;
    r->p += n;
    r->left -= n;
}

/* ---- one observation ---- */

static void read_obs(reader *r, qvpn_obs *o, uint32_t *frame, int64_t *ts)
{
    uint8_t kind = u8(r);
    memset(o, 0, sizeof(*o));
    *frame += 1 + (u8(r) >> 6);
    *ts = next_ts(r, *ts);
    o->frame = *frame;
    o->ts_ns = *ts;
    o->src = read_addr(r);
    o->dst = read_addr(r);
    o->sport = read_port(r);
    o->dport = read_port(r);

    if (kind & 0x01) {
        o->tcp.present = true;
        o->tcp.stream = u8(r) % 8;
        o->tcp.flags = u8(r);
        o->tcp.seg_len = (kind & 0x80) ? u32(r) : u8(r);
        uint8_t t = u8(r);
        if (t & 1)
            o->tls.content_types = 1u << (20 + u8(r) % 4);
        if (t & 2)
            o->tls.content_types = u32(r);
        if (t & 4)
            o->tls.hs_types = 1u << (u8(r) % 24);
        if (t & 8)
            o->tls.hs_types = u32(r);
        o->tls.sslv2 = (t & 16) != 0;
        if (t & 32) {
            o->tls.alert_level = u8(r) % 4;
            o->tls.alert_desc = u8(r);
        }
        if (t & 64)
            read_span(r, &o->tls.hello);
    }
    if (kind & 0x02) {
        qvpn_ike_obs *k = &o->ike;
        uint8_t sel = u8(r);
        k->present = true;
        k->version = (uint8_t)(sel & 3);
        k->exch = (sel & 0x80) ? u8(r) : exch_pool[(sel >> 2) & 15];
        k->flags = u8(r);
        read_cookie(r, k->ispi, false);
        read_cookie(r, k->rspi, true);
        sel = u8(r);
        k->msgid = sel < 0x80 ? 0 : sel < 0xf0 ? (uint32_t)(sel & 3) : u32(r);
        k->length = u16(r);
        k->payloads = (u8(r) & 1) ? u64(r) : (uint64_t)u16(r) << 1;
        k->n_notify = u8(r);                                /* may exceed the array */
        for (int i = 0; i < QVPN_MAX_NOTIFY; i++)
            k->notify[i] = (u8(r) & 1) ? u16(r) : (uint16_t)(u8(r) % 32);
        k->sk_inner = u8(r);
        k->nat_t = (sel & 1) != 0;
        if (sel & 2)
            read_span(r, &k->msg);
        if (sel & 4)
            read_span(r, &k->decrypted);    /* what Wireshark decrypted (keys) */
    }
    if (kind & 0x04) {
        uint8_t sel = u8(r);
        o->esp.present = true;
        o->esp.spi = sel < 0xe0 ? 0x8316d0a3u + (sel & 3) : u32(r);
        o->esp.seq = u32(r);
        o->esp.udp_encap = (sel & 4) != 0;
        if (sel & 8)
            read_span(r, &o->esp.inner);    /* the packet a decrypted ESP carries */
    }
    o->nat_keepalive = (kind & 0x08) != 0;
    if (kind & 0x10) {
        read_span(r, &o->ip_frag);
        o->ip_frag_v6 = (kind & 0x40) != 0;
    }
    if (kind & 0x20) {
        read_span(r, &o->icmp);
        o->icmp_v6 = (kind & 0x40) != 0;
    }
}

/* ---- checks on what the engine returns ---- */

#define CHECK(cond)                                                             \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "fuzz_engine: check failed: %s (%s:%d)\n", #cond,   \
                    __FILE__, __LINE__);                                        \
            abort();                                                            \
        }                                                                       \
    } while (0)

static void check_session(const qvpn_engine *eng, const qvpn_session *s)
{
    char buf[192];
    CHECK(s->id >= 1 && s->id <= qvpn_engine_session_count(eng));
    CHECK(qvpn_engine_session(eng, s->id) == s);
    qvpn_engine_summary(eng, s, buf, sizeof(buf));
    CHECK(memchr(buf, '\0', sizeof(buf)) != NULL);
    qvpn_engine_summary(eng, s, buf, 1);
    CHECK(buf[0] == '\0');
    qvpn_addr_to_str(&s->client, buf, sizeof(buf));
    qvpn_addr_to_str(&s->gateway, buf, 7);              /* truncated */
    CHECK(memchr(buf, '\0', 7) != NULL);
}

static void exercise_verdict(const qvpn_engine *eng, const qvpn_verdict *v, uint32_t frame)
{
    char obs[256], inf[256], small_o[8], small_i[8];

    CHECK(v->phase < QVPN_PHASE_COUNT);
    CHECK(v->step < QVPN_STEP_COUNT);
    CHECK(v->ike_msg < QVPN_IKE_MSG_COUNT);
    CHECK(v->ike_state < QVPN_IKE_STATE_COUNT);
    CHECK(v->stall_state < QVPN_IKE_STATE_COUNT);
    CHECK(v->rtt_kind < QVPN_RTT_COUNT);
    CHECK(v->findings < (1u << QVPN_FINDING_COUNT));
    CHECK(v->response_to < frame);
    CHECK(v->retrans_of < frame);
    CHECK(v->response_in == 0 || v->response_in > v->response_to);
    (void)qvpn_phase_name(v->phase);
    (void)qvpn_step_name(v->step);
    (void)qvpn_ike_msg_name(v->ike_msg);
    (void)qvpn_ike_state_name(v->ike_state);
    (void)qvpn_rtt_kind_name(v->rtt_kind);
    for (int f = 0; f < QVPN_FINDING_COUNT + 2; f++) {
        if (f < QVPN_FINDING_COUNT && !(v->findings & (1u << f)))
            continue;
        qvpn_finding_describe(v, (qvpn_finding)f, obs, sizeof(obs), inf, sizeof(inf));
        CHECK(memchr(obs, '\0', sizeof(obs)) && memchr(inf, '\0', sizeof(inf)));
        qvpn_finding_describe(v, (qvpn_finding)f, small_o, sizeof(small_o), small_i,
                              sizeof(small_i));
        CHECK(memchr(small_o, '\0', sizeof(small_o)) && memchr(small_i, '\0', sizeof(small_i)));
        (void)qvpn_finding_abbrev((qvpn_finding)f);
        (void)qvpn_finding_title((qvpn_finding)f);
    }
    if (v->session)
        check_session(eng, v->session);
}

/* QVPN_FUZZ_TRACE=1: print what each observation became (to check seeds). */
static bool trace_on(void)
{
    static int on = -1;
    if (on < 0)
        on = getenv("QVPN_FUZZ_TRACE") != NULL;
    return on;
}

static void trace(const qvpn_obs *o, const qvpn_verdict *v)
{
    char s[64], d[64];
    qvpn_addr_to_str(&o->src, s, sizeof(s));
    qvpn_addr_to_str(&o->dst, d, sizeof(d));
    fprintf(stderr, "%4u %s -> %s %c%c%c: ", o->frame, s, d, o->tcp.present ? 'T' : '-',
            o->ike.present ? 'I' : '-', o->esp.present ? 'E' : '-');
    if (!v) {
        fprintf(stderr, "-\n");
        return;
    }
    fprintf(stderr, "sess %u %s / %s / %s / %s findings 0x%x rtt %s\n",
            v->session ? v->session->id : 0, qvpn_phase_name(v->phase), qvpn_step_name(v->step),
            qvpn_ike_msg_name(v->ike_msg), qvpn_ike_state_name(v->ike_state), v->findings,
            qvpn_rtt_kind_name(v->rtt_kind));
}

typedef struct run {
    qvpn_engine  *eng;
    qvpn_tap_rec  recs[MAX_OBS];
    uint32_t      frames[MAX_OBS];   /* frame of each obs, verdict or not */
    const qvpn_verdict *verdicts[MAX_OBS];
    unsigned      n;
} run;

/* One truth: each session's facts are the fold of the verdicts the engine returned. */
static void check_facts_are_the_fold(const run *a, int64_t cfg_stall_ns)
{
    uint32_t n = qvpn_engine_session_count(a->eng);
    qvpn_facts *fold = g_new(qvpn_facts, n + 1);
    for (uint32_t id = 0; id <= n; id++)
        qvpn_facts_init(&fold[id], cfg_stall_ns);
    for (unsigned i = 0; i < a->n; i++) {
        const qvpn_verdict *v = a->verdicts[i];
        if (v && v->session) {
            CHECK(v->session->id >= 1 && v->session->id <= n);
            qvpn_facts_add(&fold[v->session->id], &a->recs[i]);
        }
    }
    for (uint32_t id = 1; id <= n; id++)
        CHECK(memcmp(qvpn_engine_session(a->eng, id)->facts, &fold[id], sizeof(qvpn_facts)) == 0);
    g_free(fold);
}

static void draw(const qvpn_stats *st, const char *filter)
{
    GString *out = g_string_new(NULL);
    qvpn_stats_rtt_text(st, filter, out);
    qvpn_stats_rtt_json(st, filter, out);
    qvpn_stats_sessions_text(st, filter, out);
    qvpn_stats_sessions_json(st, filter, out);
    CHECK(strlen(out->str) == out->len);
    g_string_free(out, TRUE);
}

static void compare_verdicts(const qvpn_verdict *a, const qvpn_verdict *b)
{
    if (a == NULL || b == NULL) {
        CHECK(a == b);
        return;
    }
    CHECK((a->session == NULL) == (b->session == NULL));
    if (a->session)
        CHECK(a->session->id == b->session->id);
    CHECK(a->phase == b->phase && a->step == b->step && a->ike_msg == b->ike_msg);
    CHECK(a->ike_state == b->ike_state && a->from_client == b->from_client);
    CHECK(a->response_in == b->response_in && a->response_to == b->response_to);
    CHECK(a->rtt_kind == b->rtt_kind && a->rtt_ns == b->rtt_ns);
    CHECK(a->time_to_tunnel_ns == b->time_to_tunnel_ns && a->findings == b->findings);
    CHECK(a->retrans_of == b->retrans_of && a->stall_state == b->stall_state);
    CHECK(a->notify_type == b->notify_type && a->alert_desc == b->alert_desc);
    CHECK(a->gap_ns == b->gap_ns && a->esp_count == b->esp_count && a->ike_len == b->ike_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    reader r = { data, size };
    qvpn_config cfg;
    static run a, b;
    uint32_t frame = 0;
    int64_t ts = INT64_C(1200000000) * 1000000000;

    /* Configuration: the preference ranges, small caps so that they are reached. */
    qvpn_config_init(&cfg);
    uint8_t c0 = u8(&r);
    cfg.max_sessions = (c0 & 0x80) ? u8(&r) : 1u + (c0 & 7);   /* 0 is legal: the engine makes it 1 */
    cfg.stall_timeout_ns = (int64_t)(u8(&r) % 32) * 1000000000;
    cfg.esp_one_way_pkts = u8(&r) % 16;
    cfg.esp_one_way_ns = (int64_t)(u8(&r) % 16) * 1000000000;
    cfg.logout_window_ns = (int64_t)(u8(&r) % 64) * 1000000000;
    if (c0 & 0x40) {
        memset(cfg.ports, 0, sizeof(cfg.ports));
        for (int i = 0; i < 8; i++)
            cfg.ports[i] = read_port(&r);               /* 0 ends the list early */
    }
    if (c0 & 0x20) {
        for (int i = 0; i < 8; i++)
            cfg.gateways[i] = addr_pool[u8(&r) % N_ADDR];
    }
    if (c0 & 0x10)
        cfg.gateways[0] = read_addr(&r);

    a.eng = qvpn_engine_new(&cfg);
    b.eng = qvpn_engine_new(&cfg);
    a.n = b.n = 0;
    qvpn_stats *st = qvpn_stats_new();

    while (r.left > 0 && a.n < MAX_OBS) {
        qvpn_obs o;
        read_obs(&r, &o, &frame, &ts);
        /* A burst: the same observation from many sources (floods, caps). */
        unsigned repeat = 1;
        if ((o.sport & 0xff) == 0xff && r.left > 0)
            repeat = 1 + u8(&r) % 32;
        for (unsigned k = 0; k < repeat && a.n < MAX_OBS; k++) {
            if (k) {
                o.frame = ++frame;
                o.src.len = 4;
                o.src.bytes[3] = (uint8_t)k;
                o.src.bytes[2] = (uint8_t)(k >> 8);
            }
            o.rel_ts_ns = wrap_add(o.ts_ns, -INT64_C(1200000000) * 1000000000);
            const qvpn_verdict *v = qvpn_engine_feed(a.eng, &o);
            if (trace_on())
                trace(&o, v);
            a.frames[a.n] = o.frame;
            a.verdicts[a.n] = v;
            b.verdicts[a.n] = qvpn_engine_feed(b.eng, &o);
            if (v) {
                exercise_verdict(a.eng, v, o.frame);
                qvpn_tap_rec *rec = &a.recs[a.n];
                *rec = *qvpn_engine_record(a.eng);  /* what the engine folded, as the glue taps it */
                qvpn_stats_add(st, rec);
            }
            a.n++;
        }
    }
    (void)qvpn_engine_session_cap_hit(a.eng);
    qvpn_stats_add(st, NULL);
    draw(st, (a.n & 1) ? "qvpn.phase == 2 && \"quoted\\\\\"" : NULL);

    /* Everything returned is still valid, identical in the twin engine, and a
     * retap gives the same tables. */
    qvpn_stats_reset(st);
    for (unsigned i = 0; i < a.n; i++) {
        compare_verdicts(a.verdicts[i], b.verdicts[i]);
        if (a.verdicts[i]) {
            exercise_verdict(a.eng, a.verdicts[i], a.frames[i] + 1);
            qvpn_stats_add(st, &a.recs[i]);
            qvpn_stats_add(st, &a.recs[i]);             /* counted once per pass */
        }
    }
    for (uint32_t id = 0; id <= qvpn_engine_session_count(a.eng) + 1; id++) {
        const qvpn_session *s = qvpn_engine_session(a.eng, id);
        CHECK((s != NULL) == (id >= 1 && id <= qvpn_engine_session_count(a.eng)));
        if (s)
            check_session(a.eng, s);
    }
    CHECK(qvpn_engine_session_count(a.eng) == qvpn_engine_session_count(b.eng));
    check_facts_are_the_fold(&a, cfg.stall_timeout_ns);
    CHECK(qvpn_engine_session_count(a.eng) <= (cfg.max_sessions ? cfg.max_sessions : 1));
    for (unsigned k = 0; k < QVPN_RTT_COUNT + 1; k++)
        (void)qvpn_stats_rtt(st, (qvpn_rtt_kind)k);
    draw(st, "");

    qvpn_stats_free(st);
    qvpn_engine_free(a.eng);
    qvpn_engine_free(b.eng);
    qvpn_engine_free(NULL);
    qvpn_stats_free(NULL);
    return 0;
}
