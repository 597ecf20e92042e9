/* replay_main.c — the fuzz harness without libFuzzer: feed it files, once each.
 *
 *   fuzz_replay FILE|DIR...      (ctest unit_fuzz_replay: tests/fuzz/regress tests/fuzz/corpus)
 *
 * Linked with fuzz_engine.c by any C compiler, against GLib only, so every build
 * replays the regression inputs and the committed corpus through the harness's
 * checks (which abort on failure); tests/fuzz/run_fuzz.sh adds the sanitizers and the
 * fuzzing itself when clang's libFuzzer is there.  A folder is read in name order.
 * Exit 0 when every input passed, 1 when an input could not be read or none was given.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gboolean replay_file(const char *path)
{
    gchar *data = NULL;
    gsize len = 0;
    GError *err = NULL;

    if (!g_file_get_contents(path, &data, &len, &err)) {
        fprintf(stderr, "fuzz_replay: %s\n", err->message);
        g_error_free(err);
        return FALSE;
    }
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    g_free(data);
    return TRUE;
}

static gint by_name(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Replays path (a file, or every file of a folder); adds to *count; FALSE on a read error. */
static gboolean replay(const char *path, unsigned *count)
{
    if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
        ++*count;
        return replay_file(path);
    }
    GError *err = NULL;
    GDir *dir = g_dir_open(path, 0, &err);
    if (!dir) {
        fprintf(stderr, "fuzz_replay: %s\n", err->message);
        g_error_free(err);
        return FALSE;
    }
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(dir)) != NULL)
        g_ptr_array_add(files, g_build_filename(path, name, NULL));
    g_dir_close(dir);
    g_ptr_array_sort(files, by_name);
    gboolean ok = TRUE;
    for (guint i = 0; i < files->len; i++) {
        ++*count;
        ok = replay_file(g_ptr_array_index(files, i)) && ok;
    }
    g_ptr_array_free(files, TRUE);
    return ok;
}

int main(int argc, char **argv)
{
    unsigned count = 0;
    gboolean ok = TRUE;

    for (int i = 1; i < argc; i++)
        ok = replay(argv[i], &count) && ok;
    if (count == 0) {
        fprintf(stderr, "usage: fuzz_replay FILE|DIR...  (no input given)\n");
        return 1;
    }
    printf("fuzz_replay: %u inputs replayed through the harness's checks%s\n", count,
           ok ? ", all passed" : "; some could not be read");
    return ok ? 0 : 1;
}
