/* plugin.c — qvpn's registration and entry points; nothing else.
 *
 * "QuickVPN analysis" (qvpn) is a post-dissector: after all other dissectors ran, it
 * turns the frame's fields into one observation (qvpn_fields.c), feeds it to the
 * engine (plugin/core/) and draws the verdict (qvpn_render.c).
 *
 * Compute once, render every pass.  Fields are only primed on the first pass, so the
 * engine is fed only when the frame has not been visited; the frame's tap record
 * (pointing at the verdict) is kept by frame number and the tree, expert info and
 * tap record are drawn from it on every pass, with or without a tree.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qvpn_compat.h"

#include <epan/packet.h>
#include <epan/tap.h>

#include "qvpn_convfilter.h"
#include "qvpn_engine.h"
#include "qvpn_fields.h"
#include "qvpn_frames.h"
#include "qvpn_prefs.h"
#include "qvpn_render.h"
#include "qvpn_sessions_table.h"
#include "qvpn_stats_tap.h"
#include "qvpn_tap.h"

#ifndef PLUGIN_VERSION
#error "PLUGIN_VERSION must be defined by the build (project(qvpn VERSION ...))"
#endif

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = PLUGIN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);
#ifdef QVPN_HAVE_PLUGIN_DESCRIBE
WS_DLL_PUBLIC uint32_t plugin_describe(void);
#endif

static int proto_qvpn = -1;
static int qvpn_tap = -1;
static dissector_handle_t qvpn_handle;

/* One engine per capture file: created by the init routine, freed by cleanup. */
static qvpn_engine *engine;

/* k=frame number, v=qvpn_tap_rec of the frame (absent: the frame has no verdict).
 * Same lifetime as the engine, whose verdicts the records point at.  A frame-indexed
 * store rather than p_add_proto_data(): 4 bytes per frame plus the record, instead
 * of a list node, a proto_data_t and an allocation per frame. */
static qvpn_frames *records;

/* First pass: observe, feed, keep the result.  NULL when the frame is not VPN. */
static const qvpn_tap_rec *analyse(tvbuff_t *tvb, proto_tree *tree, packet_info *pinfo)
{
    qvpn_obs obs;
    const qvpn_verdict *v;
    qvpn_tap_rec *rec;

    if (engine == NULL || !qvpn_fields_extract(tvb, tree, pinfo, &obs))
        return NULL;
    obs.rel_ts_ns = qvpn_nstime_to_ns(&pinfo->rel_ts);
    v = qvpn_engine_feed(engine, &obs);
    if (v == NULL)
        return NULL;
    rec = qvpn_frames_add(records, pinfo->num);
    if (rec == NULL)
        return NULL;
    *rec = *qvpn_engine_record(engine);      /* the record the engine folded */
    return rec;
}

static int dissect_qvpn(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    const qvpn_tap_rec *rec;

    if (!PINFO_FD_VISITED(pinfo)) {
        qvpn_engine_clock(engine, qvpn_nstime_to_ns(&pinfo->rel_ts));
        rec = analyse(tvb, tree, pinfo);
    }
    else
        rec = qvpn_frames_get(records, pinfo->num);
    if (rec == NULL)
        return 0;

    qvpn_render(tvb, pinfo, tree, rec->v);
    tap_queue_packet(qvpn_tap, pinfo, rec);
    return tvb_captured_length(tvb);
}

uint32_t qvpn_frame_session(uint32_t frame)
{
    const qvpn_tap_rec *rec = records ? qvpn_frames_get(records, frame) : NULL;
    return rec && rec->v && rec->v->session ? rec->v->session->id : 0;
}

int64_t qvpn_capture_end_ns(void)
{
    return qvpn_engine_capture_end(engine);
}

static void qvpn_init(void)
{
    qvpn_config cfg;

    /* Wanted fields make Wireshark build a tree for every frame, and a referenced
     * field makes its dissector fill in its whole subtree; --disable-protocol qvpn
     * (or Enabled Protocols) does not stop that by itself.  So a disabled qvpn wants
     * nothing and costs nothing (as TRANSUM does).  The init routine runs again
     * whenever the enabled protocols change (Wireshark re-dissects). */
    set_postdissector_wanted_hfids(qvpn_handle,
        proto_is_protocol_enabled(find_protocol_by_id(proto_qvpn)) ? qvpn_fields_wanted()
                                                                  : NULL);
    qvpn_prefs_to_config(&cfg);
    engine = qvpn_engine_new(&cfg);
    records = qvpn_frames_new(sizeof(qvpn_tap_rec));
}

static void qvpn_cleanup(void)
{
    qvpn_frames_free(records);
    records = NULL;
    qvpn_engine_free(engine);
    engine = NULL;
}

static void proto_register_qvpn(void)
{
    proto_qvpn = proto_register_protocol("QuickVPN analysis", "QuickVPN", "qvpn");
    qvpn_render_register(proto_qvpn);
    qvpn_prefs_register(proto_qvpn);

    register_init_routine(qvpn_init);
    register_cleanup_routine(qvpn_cleanup);

    qvpn_tap = register_tap(QVPN_TAP_NAME);
    qvpn_stats_register();
    qvpn_sessions_table_register();
    qvpn_convfilter_register();
    qvpn_handle = create_dissector_handle(dissect_qvpn, proto_qvpn);
    register_postdissector(qvpn_handle);
}

static void proto_reg_handoff_qvpn(void)
{
    /* All protocols exist now: resolve the fields qvpn reads. */
    set_postdissector_wanted_hfids(qvpn_handle, qvpn_fields_resolve());
    qvpn_prefs_handoff();
}

void plugin_register(void)
{
    static proto_plugin plug;

    plug.register_protoinfo = proto_register_qvpn;
    plug.register_handoff = proto_reg_handoff_qvpn;
    proto_register_plugin(&plug);
}

#ifdef QVPN_HAVE_PLUGIN_DESCRIBE
uint32_t plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR | WS_PLUGIN_DESC_TAP_LISTENER;
}
#endif
