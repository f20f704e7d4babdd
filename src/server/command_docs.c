/*
 * command_docs.c - human-facing documentation for every command.
 *
 * The command table (commands.def) says how a command is dispatched: its
 * arity, flags, keys and routing. It says nothing a person would want to
 * read. This file holds that other half: for each command and subcommand,
 * a one-line summary of what it does, the Redis release that first shipped
 * it, and its time complexity as documented for Redis. COMMAND DOCS and
 * similar introspection replies draw on it, so that clients and tools that
 * ask a Redis server about its commands get familiar answers from us too.
 *
 * The facts (versions and complexities) follow the Redis command reference;
 * the wording of the summaries is our own. Keys are the lowercase names used
 * in commands.def, with "parent|sub" for subcommands. Internal commands
 * (names starting with "__") are never shown to clients and have no entry.
 *
 * Lookups scan the table linearly: it is small and only consulted when a
 * client asks for documentation, never while executing ordinary commands.
 * A name with no entry yields "" for every field.
 */
#include <string.h>

#include "commands.h"

struct command_doc {
    const char *name;       /* as in commands.def, e.g. "config|get" */
    const char *summary;    /* one short sentence */
    const char *since;      /* first Redis version with the command */
    const char *complexity; /* documented time complexity */
};

/* DOC(name, summary, since, complexity) */
#define COMMAND_DOCS(DOC)                                                      \
    /* strings */                                                              \
    DOC("get", "Returns the string value stored at a key.", "1.0.0", "O(1)")   \
    DOC("set",                                                                 \
        "Stores a string value at a key, with optional expiry and "            \
        "conditions.",                                                         \
        "1.0.0", "O(1)")                                                       \
    DOC("setnx", "Stores a string value only when the key does not exist.",   \
        "1.0.0", "O(1)")                                                       \
    DOC("setex", "Stores a string value and an expiry in seconds.", "2.0.0",   \
        "O(1)")                                                                \
    DOC("psetex", "Stores a string value and an expiry in milliseconds.",      \
        "2.6.0", "O(1)")                                                       \
    DOC("getset", "Stores a new string value and returns the old one.",        \
        "1.0.0", "O(1)")                                                       \
    DOC("getdel", "Returns the string value of a key and deletes the key.",    \
        "6.2.0", "O(1)")                                                       \
    DOC("getex",                                                               \
        "Returns the string value of a key and changes or removes its "        \
        "expiry.",                                                             \
        "6.2.0", "O(1)")                                                       \
    DOC("mget", "Returns the string values of several keys.", "1.0.0",         \
        "O(N) where N is the number of keys requested")                        \
    DOC("mset", "Stores string values at several keys at once.", "1.0.1",      \
        "O(N) where N is the number of keys written")                          \
    DOC("msetnx",                                                              \
        "Stores string values at several keys only if none of them exist.",    \
        "1.0.1", "O(N) where N is the number of keys written")                 \
    DOC("incr", "Adds one to the integer value of a key.", "1.0.0", "O(1)")    \
    DOC("decr", "Subtracts one from the integer value of a key.", "1.0.0",     \
        "O(1)")                                                                \
    DOC("incrby", "Adds an integer amount to the integer value of a key.",     \
        "1.0.0", "O(1)")                                                       \
    DOC("decrby",                                                              \
        "Subtracts an integer amount from the integer value of a key.",        \
        "1.0.0", "O(1)")                                                       \
    DOC("incrbyfloat",                                                         \
        "Adds a floating-point amount to the numeric value of a key.",         \
        "2.6.0", "O(1)")                                                       \
    DOC("append",                                                              \
        "Appends a string to the value of a key, creating it if missing.",     \
        "2.0.0",                                                               \
        "O(1), amortized: the string grows by doubling its spare room")        \
    DOC("strlen", "Returns the length of the string value of a key.",          \
        "2.2.0", "O(1)")                                                       \
    DOC("getrange", "Returns a substring of the string value of a key.",       \
        "2.4.0",                                                               \
        "O(N) where N is the length of the returned substring; effectively "   \
        "O(1) for short results")                                              \
    DOC("substr",                                                              \
        "Returns a substring of the string value of a key (old name of "       \
        "GETRANGE).",                                                          \
        "1.0.0",                                                               \
        "O(N) where N is the length of the returned substring; effectively "   \
        "O(1) for short results")                                              \
    DOC("setrange",                                                            \
        "Overwrites part of the string value of a key from an offset.",        \
        "2.2.0",                                                               \
        "O(1) besides copying the new bytes in; O(M) where M is the length "   \
        "of the value argument")                                               \
    DOC("lcs", "Finds the longest common subsequence of two strings.",         \
        "7.0.0",                                                               \
        "O(N*M) where N and M are the lengths of the two strings")             \
                                                                               \
    /* keyspace */                                                             \
    DOC("del", "Deletes one or more keys.", "1.0.0",                           \
        "O(N) where N is the number of keys removed; a key holding a "         \
        "collection costs O(M) in its M elements, a string key O(1)")          \
    DOC("unlink",                                                              \
        "Deletes one or more keys, reclaiming their memory in the "            \
        "background.",                                                         \
        "4.0.0",                                                               \
        "O(1) per key removed, whatever its size; freeing the memory takes "   \
        "O(N) in its allocations, off the main thread")                        \
    DOC("exists", "Counts how many of the given keys exist.", "1.0.0",         \
        "O(N) where N is the number of keys checked")                          \
    DOC("touch",                                                               \
        "Updates the last access time of keys and counts those that exist.",   \
        "3.2.1", "O(N) where N is the number of keys touched")                 \
    DOC("type", "Returns the type of the value stored at a key.", "1.0.0",     \
        "O(1)")                                                                \
    DOC("expire", "Sets a key's time to live in seconds.", "1.0.0", "O(1)")    \
    DOC("pexpire", "Sets a key's time to live in milliseconds.", "2.6.0",      \
        "O(1)")                                                                \
    DOC("expireat", "Sets a key's expiry as a Unix time in seconds.",          \
        "1.2.0", "O(1)")                                                       \
    DOC("pexpireat", "Sets a key's expiry as a Unix time in milliseconds.",    \
        "2.6.0", "O(1)")                                                       \
    DOC("ttl", "Returns a key's remaining time to live in seconds.", "1.0.0",  \
        "O(1)")                                                                \
    DOC("pttl", "Returns a key's remaining time to live in milliseconds.",     \
        "2.6.0", "O(1)")                                                       \
    DOC("expiretime", "Returns a key's expiry as a Unix time in seconds.",     \
        "7.0.0", "O(1)")                                                       \
    DOC("pexpiretime",                                                         \
        "Returns a key's expiry as a Unix time in milliseconds.", "7.0.0",     \
        "O(1)")                                                                \
    DOC("persist", "Removes the expiry from a key.", "2.2.0", "O(1)")          \
    DOC("keys", "Returns all key names that match a glob-style pattern.",      \
        "1.0.0",                                                               \
        "O(N) where N is the number of keys in the database, assuming key "    \
        "names and the pattern are of bounded length")                        \
    DOC("scan", "Iterates over the key names in the database with a cursor.",  \
        "2.8.0",                                                               \
        "O(1) per call; O(N) for a full iteration, where N is the number of "  \
        "keys")                                                                \
    DOC("randomkey", "Returns the name of a random key in the database.",      \
        "1.0.0", "O(1)")                                                       \
    DOC("rename", "Renames a key, replacing any existing destination.",        \
        "1.0.0", "O(1)")                                                       \
    DOC("renamenx", "Renames a key only if the new name is not taken.",        \
        "1.0.0", "O(1)")                                                       \
    DOC("copy", "Copies the value of a key to another key.", "6.2.0",          \
        "O(N) worst case for collections, where N is the number of nested "    \
        "items; O(1) for strings")                                             \
    DOC("move", "Moves a key to another database.", "1.0.0", "O(1)")           \
    DOC("dbsize", "Returns the number of keys in the selected database.",      \
        "1.0.0", "O(1)")                                                       \
    DOC("flushdb", "Removes every key from the selected database.", "1.0.0",   \
        "O(N) where N is the number of keys in the selected database")         \
    DOC("flushall", "Removes every key from every database.", "1.0.0",         \
        "O(N) where N is the number of keys across all databases")             \
    DOC("select", "Changes the database used by the current connection.",      \
        "1.0.0", "O(1)")                                                       \
    DOC("swapdb", "Exchanges the contents of two databases.", "4.0.0",         \
        "O(N) where N is the number of clients watching or blocked on keys "   \
        "in either database")                                                  \
    DOC("object", "Container for commands that inspect stored values.",        \
        "2.2.3", "Depends on subcommand.")                                     \
    DOC("object|encoding",                                                     \
        "Returns the internal representation used for a key's value.",         \
        "2.2.3", "O(1)")                                                       \
    DOC("object|refcount",                                                     \
        "Returns the reference count of a key's value.", "2.2.3", "O(1)")      \
    DOC("object|idletime",                                                     \
        "Returns the seconds since a key's value was last accessed.",          \
        "2.2.3", "O(1)")                                                       \
    DOC("object|freq",                                                         \
        "Returns the access-frequency counter of a key's value.", "4.0.0",     \
        "O(1)")                                                                \
    DOC("object|help", "Describes the OBJECT subcommands.", "6.2.0", "O(1)")   \
                                                                               \
    /* connection */                                                           \
    DOC("ping", "Checks that the server is responding.", "1.0.0", "O(1)")      \
    DOC("echo", "Returns the message it was given.", "1.0.0", "O(1)")          \
    DOC("quit", "Closes the connection.", "1.0.0", "O(1)")                     \
    DOC("reset", "Returns the connection to its initial state.", "6.2.0",      \
        "O(1)")                                                                \
    DOC("hello",                                                               \
        "Negotiates the protocol version, optionally authenticating, and "     \
        "describes the server.",                                               \
        "6.0.0", "O(1)")                                                       \
    DOC("auth", "Authenticates the connection.", "1.0.0",                      \
        "O(N) where N is the number of passwords defined for the user")        \
    DOC("client", "Container for commands about client connections.",         \
        "2.4.0", "Depends on subcommand.")                                     \
    DOC("client|id", "Returns the unique ID of the current connection.",       \
        "5.0.0", "O(1)")                                                       \
    DOC("client|setname", "Gives the current connection a name.", "2.6.9",     \
        "O(1)")                                                                \
    DOC("client|getname", "Returns the name of the current connection.",       \
        "2.6.9", "O(1)")                                                       \
    DOC("client|list", "Lists the open client connections.", "2.4.0",          \
        "O(N) where N is the number of client connections")                    \
    DOC("client|info", "Describes the current connection.", "6.2.0", "O(1)")   \
    DOC("client|kill", "Closes one or more client connections.", "2.4.0",      \
        "O(N) where N is the number of client connections")                    \
    DOC("client|setinfo",                                                      \
        "Records the client library name or version for the connection.",      \
        "7.2.0", "O(1)")                                                       \
    DOC("client|no-evict",                                                     \
        "Turns the client-eviction exemption of the connection on or off.",    \
        "7.0.0", "O(1)")                                                       \
    DOC("client|reply",                                                        \
        "Controls whether the server replies to the connection's commands.",   \
        "3.2.0", "O(1)")                                                       \
    DOC("client|help", "Describes the CLIENT subcommands.", "5.0.0", "O(1)")   \
                                                                               \
    /* server */                                                               \
    DOC("command", "Describes every command the server knows.", "2.8.13",      \
        "O(N) where N is the total number of commands")                        \
    DOC("command|count", "Returns how many commands the server knows.",        \
        "2.8.13", "O(1)")                                                      \
    DOC("command|info", "Describes the named commands, or all of them.",       \
        "2.8.13", "O(N) where N is the number of commands looked up")          \
    DOC("command|docs", "Returns documentation for the named commands.",       \
        "7.0.0", "O(N) where N is the number of commands looked up")           \
    DOC("command|list", "Lists command names, optionally filtered.", "7.0.0",  \
        "O(N) where N is the total number of commands")                        \
    DOC("command|getkeys",                                                     \
        "Extracts the key names from a full command line.", "2.8.13",          \
        "O(N) where N is the number of arguments to the command")              \
    DOC("command|help", "Describes the COMMAND subcommands.", "5.0.0",         \
        "O(1)")                                                                \
    DOC("info", "Reports server information and statistics.", "1.0.0",        \
        "O(1)")                                                                \
    DOC("config",                                                              \
        "Container for commands that read or change the configuration.",       \
        "2.0.0", "Depends on subcommand.")                                     \
    DOC("config|get",                                                          \
        "Returns the values of configuration parameters matching patterns.",   \
        "2.0.0", "O(N) where N is the number of parameters asked for")         \
    DOC("config|set", "Changes configuration parameters at run time.",         \
        "2.0.0", "O(N) where N is the number of parameters given")             \
    DOC("config|resetstat", "Zeroes the statistics reported by INFO.",         \
        "2.0.0", "O(1)")                                                       \
    DOC("config|help", "Describes the CONFIG subcommands.", "5.0.0", "O(1)")   \
    DOC("time", "Returns the server's current time.", "2.6.0", "O(1)")         \
    DOC("lastsave",                                                            \
        "Returns the Unix time of the last successful save to disk.",          \
        "1.0.0", "O(1)")                                                       \
    DOC("debug", "Container for debugging and testing commands.", "1.0.0",     \
        "Depends on subcommand.")                                              \
    DOC("shutdown", "Stops the server, optionally saving first.", "1.0.0",     \
        "O(N) when saving, where N is the number of keys across all "          \
        "databases; O(1) otherwise")                                           \
    DOC("memory", "Container for memory inspection commands.", "4.0.0",        \
        "Depends on subcommand.")                                              \
    DOC("memory|usage",                                                        \
        "Estimates the bytes of memory a key and its value occupy.",           \
        "4.0.0", "O(N) where N is the number of samples")                      \
    DOC("memory|help", "Describes the MEMORY subcommands.", "4.0.0", "O(1)")

#define DOC_ENTRY(n, s, v, c) {n, s, v, c},
static const struct command_doc command_docs[] = {COMMAND_DOCS(DOC_ENTRY)};
#undef DOC_ENTRY

#define NDOCS (sizeof(command_docs) / sizeof(command_docs[0]))

static const struct command_doc *find_doc(const struct command *cmd)
{
    if (!cmd || !cmd->name)
        return NULL;
    for (size_t i = 0; i < NDOCS; i++)
        if (strcmp(command_docs[i].name, cmd->name) == 0)
            return &command_docs[i];
    return NULL;
}

const char *command_summary(const struct command *cmd)
{
    const struct command_doc *d = find_doc(cmd);
    return d ? d->summary : "";
}

const char *command_since(const struct command *cmd)
{
    const struct command_doc *d = find_doc(cmd);
    return d ? d->since : "";
}

const char *command_complexity(const struct command *cmd)
{
    const struct command_doc *d = find_doc(cmd);
    return d ? d->complexity : "";
}
