/* qvpn_frames.c — fixed-size records per frame number (see qvpn_frames.h).
 *
 * Two levels, both allocated on first use:
 *   index:   frame number -> record number + 1 (0: no record), in pages of 2^16
 *            frames (256 KiB each), one page pointer per 2^16 frames;
 *   records: blocks of 4096 records, appended in the order frames are added.
 * A capture of N frames with R records costs about 4 N + rec_size R bytes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>

#include "qvpn_frames.h"

#define PAGE_BITS   16
#define PAGE_FRAMES (1u << PAGE_BITS)
#define BLOCK_BITS  12
#define BLOCK_RECS  (1u << BLOCK_BITS)

struct qvpn_frames {
    size_t      rec_size;
    GPtrArray  *pages;      /* k=frame >> PAGE_BITS, v=guint32[PAGE_FRAMES] or NULL */
    GPtrArray  *blocks;     /* k=record >> BLOCK_BITS, v=rec_size * BLOCK_RECS bytes */
    guint32     n_recs;
};

qvpn_frames *qvpn_frames_new(size_t rec_size)
{
    qvpn_frames *fs = g_new0(qvpn_frames, 1);
    fs->rec_size = rec_size ? rec_size : 1;
    fs->pages = g_ptr_array_new_with_free_func(g_free);
    fs->blocks = g_ptr_array_new_with_free_func(g_free);
    return fs;
}

void qvpn_frames_free(qvpn_frames *fs)
{
    if (!fs)
        return;
    g_ptr_array_free(fs->pages, TRUE);
    g_ptr_array_free(fs->blocks, TRUE);
    g_free(fs);
}

static void *rec_at(const qvpn_frames *fs, guint32 rec)
{
    guint8 *block = g_ptr_array_index(fs->blocks, rec >> BLOCK_BITS);
    return block + (size_t)(rec & (BLOCK_RECS - 1)) * fs->rec_size;
}

void *qvpn_frames_add(qvpn_frames *fs, uint32_t frame)
{
    guint32 page_no = frame >> PAGE_BITS, *page;

    if (!fs || frame == 0)
        return NULL;
    if (page_no >= fs->pages->len)
        g_ptr_array_set_size(fs->pages, (gint)(page_no + 1));
    page = g_ptr_array_index(fs->pages, page_no);
    if (!page) {
        page = g_new0(guint32, PAGE_FRAMES);
        g_ptr_array_index(fs->pages, page_no) = page;
    }
    guint32 *slot = &page[frame & (PAGE_FRAMES - 1)];
    if (*slot)
        return rec_at(fs, *slot - 1);
    if (fs->n_recs == G_MAXUINT32 - 1)
        return NULL;
    if ((fs->n_recs & (BLOCK_RECS - 1)) == 0)
        g_ptr_array_add(fs->blocks, g_malloc0(fs->rec_size * BLOCK_RECS));
    *slot = ++fs->n_recs;
    return rec_at(fs, *slot - 1);
}

const void *qvpn_frames_get(const qvpn_frames *fs, uint32_t frame)
{
    guint32 page_no = frame >> PAGE_BITS;
    const guint32 *page;

    if (!fs || page_no >= fs->pages->len)
        return NULL;
    page = g_ptr_array_index(fs->pages, page_no);
    if (!page || !page[frame & (PAGE_FRAMES - 1)])
        return NULL;
    return rec_at(fs, page[frame & (PAGE_FRAMES - 1)] - 1);
}
