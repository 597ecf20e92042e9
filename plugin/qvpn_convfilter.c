/* qvpn_convfilter.c — right-click a packet > Conversation Filter (and Colorize
 * Conversation) > QuickVPN builds `qvpn.session == N` for the packet's attempt.
 *
 * The session comes from the frame's stored record (plugin.c), not from the protocol
 * tree or pinfo->layers: the GUI asks about the selected packet after the first pass,
 * and every frame qvpn assigned has a record by then.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qvpn_compat.h"

/* packet.h first: 4.0's conversation_filter.h names `struct _packet_info` in its
 * callback types without declaring it, so a later declaration is another type. */
#include <epan/packet.h>
#include <epan/conversation_filter.h>

#include "qvpn_convfilter.h"

static QVPN_CONV_FILTER_VALID_RET session_filter_valid(QVPN_CONV_FILTER_ARGS(pinfo))
{
    return pinfo != NULL && qvpn_frame_session(pinfo->num) != 0;
}

static char *session_filter_build(QVPN_CONV_FILTER_ARGS(pinfo))
{
    uint32_t id = pinfo ? qvpn_frame_session(pinfo->num) : 0;
    /* Freed by the caller with g_free(). */
    return id ? g_strdup_printf("qvpn.session == %u", id) : NULL;
}

void qvpn_convfilter_register(void)
{
    QVPN_REGISTER_CONV_FILTER("qvpn", "QuickVPN", session_filter_valid, session_filter_build);
}
