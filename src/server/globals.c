/*
 * globals.c - process-wide facts set once at startup (and the memory peak),
 * defined apart from main.c so that unit tests link without it.
 */
#include "../server.h"

long long g_start_time_ms;
char g_config_file[4096];
char g_executable[4096];
_Atomic long long g_lastsave;
_Atomic int g_shutdown_save;
_Atomic int g_rdb_save_failed;
void (*g_persist_info)(struct buf *b);
void (*g_flushall_save)(struct shard *sh);
char g_run_id[41];
_Atomic size_t g_mem_peak;
_Atomic int g_script_busy;
