/*
 * log.h - log lines in redis-server's format:
 *   <pid>:<role> <day> <mon> <year> <hh:mm:ss.mmm> <level char> <message>
 * Level characters: . debug, - verbose, * notice, # warning.
 */
#ifndef LOG_H
#define LOG_H

enum log_level { LL_DEBUG, LL_VERBOSE, LL_NOTICE, LL_WARNING, LL_NOTHING };

/* Open the log file ("" = stdout) and set the level; call before threads. */
int log_open(const char *path, int level);
void log_set_level(int level);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LL_DEBUG, __VA_ARGS__)
#define log_verbose(...) log_msg(LL_VERBOSE, __VA_ARGS__)
#define log_notice(...) log_msg(LL_NOTICE, __VA_ARGS__)
#define log_warning(...) log_msg(LL_WARNING, __VA_ARGS__)

#endif
