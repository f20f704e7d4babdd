/*
 * fuzz_restore.c - libFuzzer harness for the RDB value loader (RESTORE
 * payloads, and the values of dump.rdb files): src/persist/rdb.c.
 *
 * Input: a DUMP payload without its 10-byte trailer (a type byte, then the
 * value). Each input is loaded with and without deep checks; a value that
 * loads is written back in RDB form and must load again. Any crash,
 * sanitizer report or leak is a finding.
 *
 *   make fuzz                     build build/fuzz/fuzz_restore (clang)
 *   make fuzz-smoke               a short run over the seed corpus
 *   build/fuzz/fuzz_restore -max_total_time=3600 tests/fuzz/corpus/restore
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/persist/rdb.h"

static struct shard g_sh;
static int g_ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!g_ready) {
        config_init(&g_sh.cfg);
        g_ready = 1;
    }
    tl_shard = &g_sh;
    if (size < 1) return 0;
    struct arg key = {"k", 1};
    struct client c = {.sh = &g_sh};
    for (int deep = 0; deep < 2; deep++) {
        const unsigned char *p = data + 1, *end = data + size;
        const char *err;
        struct kv *o = rdb_load_value(&c, data[0], &p, end, &key, deep, &err);
        if (!o) continue;
        struct buf b = {0};
        rdb_save_value(&b, o, deep);
        const unsigned char *q = (const unsigned char *)b.p + 1, *qend = (const unsigned char *)b.p + b.len;
        struct kv *again = b.len ? rdb_load_value(&c, (unsigned char)b.p[0], &q, qend, &key, 1, &err) : NULL;
        if (!again || q != qend) abort(); /* what we write must load */
        kv_free(again);
        kv_free(o);
        buf_free(&b);
    }
    return 0;
}
