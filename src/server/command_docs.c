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
 * The second half of the file describes each command's arguments as a
 * tree, which COMMAND DOCS reports under "arguments"; see the comment
 * above struct cmd_arg.
 *
 * Lookups scan the tables linearly: they are small and only consulted when
 * a client asks for documentation, never while executing ordinary commands.
 * A name with no entry yields "" for every text field and no arguments.
 */
#include <string.h>

#include "../resp/reply.h"
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
    /* bitmaps and geo */                                                      \
    DOC("setbit",                                                              \
        "Sets or clears one bit of a string, growing it with zero "            \
        "bytes as needed.",                                                    \
        "2.2.0",                                                               \
        "O(1)")                                                                \
    DOC("getbit",                                                              \
        "Returns one bit of a string (0 past its end).",                       \
        "2.2.0",                                                               \
        "O(1)")                                                                \
    DOC("bitcount",                                                            \
        "Counts the set bits of a string, or of a byte or bit range "          \
        "of it.",                                                              \
        "2.6.0",                                                               \
        "O(N)")                                                                \
    DOC("bitpos",                                                              \
        "Finds the first set or clear bit of a string, or of a "               \
        "range of it.",                                                        \
        "2.8.7",                                                               \
        "O(N)")                                                                \
    DOC("bitop",                                                               \
        "Stores the AND, OR, XOR or NOT of strings in a key.",                 \
        "2.6.0",                                                               \
        "O(N)")                                                                \
    DOC("bitfield",                                                            \
        "Reads, writes and increments integer fields of any width "            \
        "at any bit offset of a string.",                                      \
        "3.2.0",                                                               \
        "O(1) for each subcommand specified")                                  \
    DOC("bitfield_ro",                                                         \
        "Reads integer fields of any width at any bit offset of a "            \
        "string.",                                                             \
        "6.0.0",                                                               \
        "O(1) for each subcommand specified")                                  \
    DOC("geoadd",                                                              \
        "Adds points (longitude, latitude, name) to a geospatial "             \
        "index, a sorted set.",                                                \
        "3.2.0",                                                               \
        "O(log(N)) for each item added, where N is the number of "             \
        "elements in the sorted set.")                                         \
    DOC("geodist",                                                             \
        "Returns the distance between two points of a geospatial "             \
        "index.",                                                              \
        "3.2.0",                                                               \
        "O(log(N))")                                                           \
    DOC("geohash",                                                             \
        "Returns the standard geohash strings of points of a "                 \
        "geospatial index.",                                                   \
        "3.2.0",                                                               \
        "O(log(N)) for each member requested, where N is the number "          \
        "of elements in the sorted set.")                                      \
    DOC("geopos",                                                              \
        "Returns the longitude and latitude of points of a "                   \
        "geospatial index.",                                                   \
        "3.2.0",                                                               \
        "O(N) where N is the number of members requested.")                    \
    DOC("georadius",                                                           \
        "Finds the points within a radius of a position, optionally "          \
        "storing them.",                                                       \
        "3.2.0",                                                               \
        "O(N+log(M)) where N is the number of elements inside the "            \
        "bounding box of the circular area delimited by center and "           \
        "radius and M is the number of items inside the index.")               \
    DOC("georadiusbymember",                                                   \
        "Finds the points within a radius of a member, optionally "            \
        "storing them.",                                                       \
        "3.2.0",                                                               \
        "O(N+log(M)) where N is the number of elements inside the "            \
        "bounding box of the circular area delimited by center and "           \
        "radius and M is the number of items inside the index.")               \
    DOC("georadius_ro",                                                        \
        "Finds the points within a radius of a position.",                     \
        "3.2.10",                                                              \
        "O(N+log(M)) where N is the number of elements inside the "            \
        "bounding box of the circular area delimited by center and "           \
        "radius and M is the number of items inside the index.")               \
    DOC("georadiusbymember_ro",                                                \
        "Finds the points within a radius of a member.",                       \
        "3.2.10",                                                              \
        "O(N+log(M)) where N is the number of elements inside the "            \
        "bounding box of the circular area delimited by center and "           \
        "radius and M is the number of items inside the index.")               \
    DOC("geosearch",                                                           \
        "Finds the points within a circle or a box around a "                  \
        "position or a member.",                                               \
        "6.2.0",                                                               \
        "O(N+log(M)) where N is the number of elements in the "                \
        "grid-aligned bounding box area around the shape provided "            \
        "as the filter and M is the number of items inside the "               \
        "shape")                                                               \
    DOC("geosearchstore",                                                      \
        "Finds the points within a circle or a box and stores them "           \
        "in a key.",                                                           \
        "6.2.0",                                                               \
        "O(N+log(M)) where N is the number of elements in the "                \
        "grid-aligned bounding box area around the shape provided "            \
        "as the filter and M is the number of items inside the "               \
        "shape")                                                               \
                                                                               \
    /* lists */                                                                \
    DOC("lpush",                                                               \
        "Prepends one or more elements to a list, creating it if missing.",    \
        "1.0.0",                                                               \
        "O(1) for each element added, so O(N) to add N elements when the "     \
        "command is called with multiple arguments")                           \
    DOC("rpush",                                                               \
        "Appends one or more elements to a list, creating it if missing.",     \
        "1.0.0",                                                               \
        "O(1) for each element added, so O(N) to add N elements when the "     \
        "command is called with multiple arguments")                           \
    DOC("lpushx",                                                              \
        "Prepends elements to a list only when the list exists.",              \
        "2.2.0",                                                               \
        "O(1) for each element added, so O(N) to add N elements when the "     \
        "command is called with multiple arguments")                           \
    DOC("rpushx",                                                              \
        "Appends elements to a list only when the list exists.",               \
        "2.2.0",                                                               \
        "O(1) for each element added, so O(N) to add N elements when the "     \
        "command is called with multiple arguments")                           \
    DOC("lpop", "Removes and returns the first elements of a list.", "1.0.0",  \
        "O(N) where N is the number of elements returned")                     \
    DOC("rpop", "Removes and returns the last elements of a list.", "1.0.0",   \
        "O(N) where N is the number of elements returned")                     \
    DOC("llen", "Returns the number of elements in a list.", "1.0.0",          \
        "O(1)")                                                                \
    DOC("lrange", "Returns a range of elements of a list.", "1.0.0",           \
        "O(S+N) where S is the distance of start offset from HEAD for small"   \
        " lists, from nearest end (HEAD or TAIL) for large lists; and N is "   \
        "the number of elements in the specified range")                       \
    DOC("lindex", "Returns the element of a list at an index.", "1.0.0",       \
        "O(N) where N is the number of elements to traverse to get to the "    \
        "element at index. This makes asking for the first or the last "       \
        "element of the list O(1)")                                            \
    DOC("lset", "Replaces the element of a list at an index.", "1.0.0",        \
        "O(N) where N is the length of the list. Setting either the first "    \
        "or the last element of the list is O(1)")                             \
    DOC("linsert",                                                             \
        "Inserts an element before or after another element of a list.",       \
        "2.2.0",                                                               \
        "O(N) where N is the number of elements to traverse before seeing "    \
        "the value pivot. This means that inserting somewhere on the left "    \
        "end on the list (head) can be considered O(1) and inserting "         \
        "somewhere on the right end (tail) is O(N)")                           \
    DOC("lrem", "Removes elements equal to a value from a list.", "1.0.0",     \
        "O(N+M) where N is the length of the list and M is the number of "     \
        "elements removed")                                                    \
    DOC("ltrim",                                                               \
        "Keeps only a range of elements of a list, deleting the rest.",        \
        "1.0.0",                                                               \
        "O(N) where N is the number of elements to be removed by the "         \
        "operation")                                                           \
    DOC("lpos",                                                                \
        "Returns the indexes of the elements of a list equal to a value.",     \
        "6.0.6",                                                               \
        "O(N) where N is the number of elements in the list, for the "         \
        "average case. When searching for elements near the head or the "      \
        "tail of the list, or when the MAXLEN option is provided, the "        \
        "command may run in constant time")                                    \
    DOC("rpoplpush",                                                           \
        "Moves the last element of a list to the head of another.",            \
        "1.2.0",                                                               \
        "O(1)")                                                                \
    DOC("lmove",                                                               \
        "Moves an element between the ends of two lists and returns it.",      \
        "6.2.0",                                                               \
        "O(1)")                                                                \
    DOC("lmpop",                                                               \
        "Pops elements from the first non-empty list of several keys.",        \
        "7.0.0",                                                               \
        "O(N+M) where N is the number of provided keys and M is the number "   \
        "of elements returned")                                                \
                                                                               \
    DOC("blpop", "Pops the first element of the first non-empty list, waiting for one when all are empty.", "2.0.0", "O(N) where N is the number of provided keys.") \
    DOC("brpop", "Pops the last element of the first non-empty list, waiting for one when all are empty.", "2.0.0", "O(N) where N is the number of provided keys.") \
    DOC("brpoplpush", "Moves the last element of a list to the head of another, waiting while the source is empty.", "2.2.0", "O(1)") \
    DOC("blmove", "Moves an element between the ends of two lists, waiting while the source is empty.", "6.2.0", "O(1)") \
    DOC("blmpop", "Pops elements from the first non-empty list of several keys, waiting while all are empty.", "7.0.0", "O(N+M) where N is the number of provided keys and M is the number of elements returned.") \
    DOC("bzpopmin", "Pops the lowest-scoring member of the first non-empty sorted set, waiting while all are empty.", "5.0.0", "O(log(N)) with N being the number of elements in the sorted set.") \
    DOC("bzpopmax", "Pops the highest-scoring member of the first non-empty sorted set, waiting while all are empty.", "5.0.0", "O(log(N)) with N being the number of elements in the sorted set.") \
    DOC("bzmpop", "Pops members from the first non-empty sorted set of several keys, waiting while all are empty.", "7.0.0", "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.") \
    DOC("multi", "Starts a transaction: the commands that follow are queued until EXEC.", "1.2.0", "O(1)") \
    DOC("exec", "Runs the queued commands of a transaction as one atomic step.", "1.2.0", "Depends on commands in the transaction") \
    DOC("discard", "Drops the queued commands of a transaction.", "2.0.0", "O(N), when N is the number of queued commands") \
    DOC("watch", "Makes the next EXEC fail if any of these keys changes before it.", "2.2.0", "O(1) for every key.") \
    DOC("unwatch", "Forgets every key this connection watches.", "2.2.0", "O(1)") \
    DOC("wait", "Waits until earlier writes reach the given number of replicas, or the timeout.", "3.0.0", "O(1)") \
    DOC("client|unblock", "Ends the wait of a client blocked in a blocking command.", "5.0.0", "O(log N) where N is the number of client connections") \
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
    DOC("client|pause", "Suspends commands from clients for some time.",      \
        "2.9.50", "O(1)")                                                      \
    DOC("client|unpause", "Resumes commands from clients paused by CLIENT PAUSE.", \
        "6.2.0", "O(N) where N is the number of paused clients")               \
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
    DOC("memory|help", "Describes the MEMORY subcommands.", "4.0.0", "O(1)") \
    DOC("memory|stats", "Returns details about memory usage.", "4.0.0", "O(1)") \
    DOC("memory|doctor", "Outputs a memory problems report.", "4.0.0", "O(1)") \
    DOC("memory|purge", "Asks the allocator to release memory.", "4.0.0",    \
        "Depends on how much memory is allocated, could be slow")             \
    DOC("memory|malloc-stats", "Returns the allocator statistics.", "4.0.0", \
        "Depends on how much memory is allocated, could be slow")             \
    /* hashes */                                                               \
    DOC("hset", "Sets one or more fields of a hash.", "2.0.0",                 \
        "O(1) for each field/value pair added, so O(N) to add N field/value "  \
        "pairs when the command is called with multiple field/value pairs.")   \
    DOC("hsetnx", "Sets a field of a hash only when it does not exist.",       \
        "2.0.0", "O(1)")                                                       \
    DOC("hmset", "Sets several fields of a hash (deprecated, use HSET).",      \
        "2.0.0", "O(N) where N is the number of fields being set.")           \
    DOC("hget", "Returns the value of a field of a hash.", "2.0.0", "O(1)")    \
    DOC("hmget", "Returns the values of several fields of a hash.", "2.0.0",   \
        "O(N) where N is the number of fields being requested.")              \
    DOC("hdel", "Removes fields from a hash, and the hash when it empties.",   \
        "2.0.0", "O(N) where N is the number of fields to be removed.")       \
    DOC("hlen", "Returns the number of fields of a hash.", "2.0.0", "O(1)")    \
    DOC("hstrlen", "Returns the length of the value of a field of a hash.",    \
        "3.2.0", "O(1)")                                                       \
    DOC("hexists", "Tells whether a field exists in a hash.", "2.0.0", "O(1)") \
    DOC("hkeys", "Returns every field of a hash.", "2.0.0",                    \
        "O(N) where N is the size of the hash.")                              \
    DOC("hvals", "Returns every value of a hash.", "2.0.0",                    \
        "O(N) where N is the size of the hash.")                              \
    DOC("hgetall", "Returns every field and value of a hash.", "2.0.0",        \
        "O(N) where N is the size of the hash.")                              \
    DOC("hincrby", "Adds an integer to the integer value of a hash field.",    \
        "2.0.0", "O(1)")                                                       \
    DOC("hincrbyfloat", "Adds a number to the float value of a hash field.",   \
        "2.6.0", "O(1)")                                                       \
    DOC("hrandfield", "Returns one or more random fields of a hash.", "6.2.0", \
        "O(N) where N is the number of fields returned")                      \
    DOC("hscan", "Iterates over the fields and values of a hash.", "2.8.0",    \
        "O(1) for every call. O(N) for a complete iteration, including "       \
        "enough command calls for the cursor to return back to 0. N is the "   \
        "number of elements inside the collection..")                        \
    /* sets */ \
    DOC("sadd", "Adds members to a set, creating it if missing.", "1.0.0", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.") \
    DOC("srem", "Removes members from a set, and the set when it empties.", "1.0.0", "O(N) where N is the number of members to be removed.") \
    DOC("scard", "Returns the number of members of a set.", "1.0.0", "O(1)") \
    DOC("sismember", "Tells whether a value is a member of a set.", "1.0.0", "O(1)") \
    DOC("smismember", "Tells for each of several values whether it is a member of a set.", "6.2.0", "O(N) where N is the number of elements being checked for membership") \
    DOC("smembers", "Returns every member of a set.", "1.0.0", "O(N) where N is the set cardinality.") \
    DOC("srandmember", "Returns one or more random members of a set.", "1.0.0", "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.") \
    DOC("spop", "Removes and returns one or more random members of a set.", "1.0.0", "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.") \
    DOC("smove", "Moves a member from one set to another.", "1.0.0", "O(1)") \
    DOC("sinter", "Returns the intersection of several sets.", "1.0.0", "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.") \
    DOC("sintercard", "Returns the number of members in the intersection of several sets.", "7.0.0", "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.") \
    DOC("sinterstore", "Stores the intersection of several sets in a key.", "1.0.0", "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.") \
    DOC("sunion", "Returns the union of several sets.", "1.0.0", "O(N) where N is the total number of elements in all given sets.") \
    DOC("sunionstore", "Stores the union of several sets in a key.", "1.0.0", "O(N) where N is the total number of elements in all given sets.") \
    DOC("sdiff", "Returns the members of the first set missing from the others.", "1.0.0", "O(N) where N is the total number of elements in all given sets.") \
    DOC("sdiffstore", "Stores the members of the first set missing from the others in a key.", "1.0.0", "O(N) where N is the total number of elements in all given sets.") \
    DOC("sscan", "Iterates over the members of a set.", "2.8.0", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..") \
    /* sorted sets */ \
    DOC("zadd", "Adds members with scores to a sorted set, or updates the " "scores of existing ones.", "1.2.0", "O(log(N)) for each item added, where N is the number of " "elements in the sorted set") \
    DOC("zincrby", "Adds an increment to the score of a sorted-set member.", "1.2.0", "O(log(N)) where N is the number of elements in the sorted " "set") \
    DOC("zrem", "Removes members from a sorted set.", "1.2.0", "O(M*log(N)) with N being the number of elements in the " "sorted set and M the number of elements to be removed") \
    DOC("zcard", "Returns the number of members of a sorted set.", "1.2.0", "O(1)") \
    DOC("zcount", "Counts the members of a sorted set whose scores fall in a " "range.", "2.0.0", "O(log(N)) with N being the number of elements in the sorted " "set") \
    DOC("zlexcount", "Counts the members of a sorted set within a lexicographical " "range.", "2.8.9", "O(log(N)) with N being the number of elements in the sorted " "set") \
    DOC("zscore", "Returns the score of a sorted-set member.", "1.2.0", "O(1)") \
    DOC("zmscore", "Returns the scores of several sorted-set members.", "6.2.0", "O(N) where N is the number of members being requested") \
    DOC("zrank", "Returns the position of a member in a sorted set, lowest " "score first.", "2.0.0", "O(log(N))") \
    DOC("zrevrank", "Returns the position of a member in a sorted set, highest " "score first.", "2.0.0", "O(log(N))") \
    DOC("zrange", "Returns members of a sorted set by position, score or " "lexicographical range.", "1.2.0", "O(log(N)+M) with N being the number of elements in the " "sorted set and M the number of elements returned") \
    DOC("zrangestore", "Stores a range of a sorted set in another key.", "6.2.0", "O(log(N)+M) with N being the number of elements in the " "sorted set and M the number of elements stored into the " "destination key") \
    DOC("zrangebyscore", "Returns the members of a sorted set within a score range.", "1.0.5", "O(log(N)+M) with N being the number of elements in the " "sorted set and M the number of elements being returned. If " "M is constant (e.g. always asking for the first 10 elements " "with LIMIT), you can consider it O(log(N))") \
    DOC("zrevrangebyscore", "Returns the members of a sorted set within a score range, " "highest first.", "2.2.0", "O(log(N)+M) with N being the number of elements in the " "sorted set and M the number of elements being returned. If " "M is constant (e.g. always asking for the first 10 elements " "with LIMIT), you can consider it O(log(N))") \
    DOC("zrangebylex", "Returns the members of a sorted set within a " "lexicographical range.", "2.8.9", "O(log(N)+M) with N being the number of elements in the " "sorted set and M the number of elements being returned. If " "M is constant (e.g. always asking for the first 10 elements " "with LIMIT), you can consider it O(log(N))") \
    DOC("zrevrangebylex", "Returns the members of a sorted set within a " "lexicographical range, in reverse order.", "2.8.9", "O(log(N)+M) with N being the number of elements in the " "sorted set and M the number of elements being returned. If " "M is constant (e.g. always asking for the first 10 elements " "with LIMIT), you can consider it O(log(N))") \
    DOC("zrevrange", "Returns members of a sorted set by position, highest score " "first.", "1.2.0", "O(log(N)+M) with N being the number of elements in the " "sorted set and M the number of elements returned") \
    DOC("zremrangebyrank", "Removes the members of a sorted set within a range of " "positions.", "2.0.0", "O(log(N)+M) with N being the number of elements in the " "sorted set and M the number of elements removed by the " "operation") \
    DOC("zremrangebyscore", "Removes the members of a sorted set within a score range.", "1.2.0", "O(log(N)+M) with N being the number of elements in the " "sorted set and M the number of elements removed by the " "operation") \
    DOC("zremrangebylex", "Removes the members of a sorted set within a " "lexicographical range.", "2.8.9", "O(log(N)+M) with N being the number of elements in the " "sorted set and M the number of elements removed by the " "operation") \
    DOC("zpopmin", "Removes and returns the members with the lowest scores.", "5.0.0", "O(log(N)*M) with N being the number of elements in the " "sorted set, and M being the number of elements popped") \
    DOC("zpopmax", "Removes and returns the members with the highest scores.", "5.0.0", "O(log(N)*M) with N being the number of elements in the " "sorted set, and M being the number of elements popped") \
    DOC("zmpop", "Removes and returns members with the lowest or highest " "scores from the first non-empty sorted set.", "7.0.0", "O(K) + O(M*log(N)) where K is the number of provided keys, " "N being the number of elements in the sorted set, and M " "being the number of elements popped") \
    DOC("zrandmember", "Returns random members of a sorted set.", "6.2.0", "O(N) where N is the number of elements returned") \
    DOC("zinter", "Returns the intersection of sorted sets.", "6.2.0", "O(N*K)+O(M*log(M)) worst case with N being the smallest " "input sorted set, K being the number of input sorted sets " "and M being the number of elements in the resulting sorted " "set") \
    DOC("zunion", "Returns the union of sorted sets.", "6.2.0", "O(N)+O(M*log(M)) with N being the sum of the sizes of the " "input sorted sets, and M being the number of elements in " "the resulting sorted set") \
    DOC("zdiff", "Returns the members of the first sorted set missing from " "the others.", "6.2.0", "O(L + (N-K)log(N)) worst case where L is the total number " "of elements in all the sets, N is the size of the first " "set, and K is the size of the result set") \
    DOC("zintercard", "Returns the size of the intersection of sorted sets.", "7.0.0", "O(N*K) worst case with N being the smallest input sorted " "set, K being the number of input sorted sets") \
    DOC("zinterstore", "Stores the intersection of sorted sets in a key.", "2.0.0", "O(N*K)+O(M*log(M)) worst case with N being the smallest " "input sorted set, K being the number of input sorted sets " "and M being the number of elements in the resulting sorted " "set") \
    DOC("zunionstore", "Stores the union of sorted sets in a key.", "2.0.0", "O(N)+O(M log(M)) with N being the sum of the sizes of the " "input sorted sets, and M being the number of elements in " "the resulting sorted set") \
    DOC("zdiffstore", "Stores the difference of sorted sets in a key.", "6.2.0", "O(L + (N-K)log(N)) worst case where L is the total number " "of elements in all the sets, N is the size of the first " "set, and K is the size of the result set") \
    DOC("zscan", "Iterates over the members and scores of a sorted set.", "2.8.0", "O(1) for every call. O(N) for a complete iteration, " "including enough command calls for the cursor to return " "back to 0. N is the number of elements inside the collection") \
    /* streams */ \
    DOC("xadd", "Appends an entry to a stream, creating the stream if needed.", "5.0.0", "O(1) when adding a new entry, O(N) when trimming where N is the number of entries evicted.") \
    DOC("xlen", "Returns the number of entries in a stream.", "5.0.0", "O(1)") \
    DOC("xrange", "Returns the entries of a stream within a range of IDs.", "5.0.0", "O(N) with N being the number of elements being returned.") \
    DOC("xrevrange", "Returns the entries of a stream within a range of IDs, newest first.", "5.0.0", "O(N) with N being the number of elements returned.") \
    DOC("xdel", "Deletes entries from a stream and returns how many were there.", "5.0.0", "O(1) for each single item to delete in the stream") \
    DOC("xtrim", "Deletes the oldest entries of a stream by length or by ID.", "5.0.0", "O(N), with N being the number of evicted entries.") \
    DOC("xsetid", "Sets the last ID of a stream (and its counters) for replicas and restores.", "5.0.0", "O(1)") \
    DOC("xread", "Reads entries newer than given IDs from one or more streams, waiting for them if asked.", "5.0.0", "O(N) for each stream read, with N being the number of entries returned.") \
    DOC("xreadgroup", "Reads entries from streams for a consumer of a consumer group, or that consumer's pending entries.", "5.0.0", "O(M) for each stream read, with M being the number of entries returned.") \
    DOC("xack", "Acknowledges entries of a consumer group, removing them from its pending list.", "5.0.0", "O(1) for each message ID processed.") \
    DOC("xpending", "Returns what a consumer group has delivered and not yet had acknowledged.", "5.0.0", "O(N) with N being the number of elements returned.") \
    DOC("xclaim", "Gives pending entries of a consumer group to another consumer.", "5.0.0", "O(log N) with N being the number of messages in the PEL of the consumer group.") \
    DOC("xautoclaim", "Gives a consumer the group's pending entries idle for longer than a time, from a cursor on.", "6.2.0", "O(1) if COUNT is small.") \
    DOC("xgroup", "A container for consumer group commands.", "5.0.0", "Depends on subcommand.") \
    DOC("xgroup|create", "Creates a consumer group on a stream.", "5.0.0", "O(1)") \
    DOC("xgroup|setid", "Sets a consumer group's last delivered ID.", "5.0.0", "O(1)") \
    DOC("xgroup|destroy", "Deletes a consumer group and its pending entries.", "5.0.0", "O(N) where N is the number of entries in the group's pending entries list (PEL).") \
    DOC("xgroup|createconsumer", "Creates a consumer in a consumer group.", "6.2.0", "O(1)") \
    DOC("xgroup|delconsumer", "Deletes a consumer from a consumer group and returns its pending count.", "5.0.0", "O(1)") \
    DOC("xgroup|help", "Describes the XGROUP subcommands.", "5.0.0", "O(1)") \
    DOC("xinfo", "A container for stream introspection commands.", "5.0.0", "Depends on subcommand.") \
    DOC("xinfo|stream", "Returns information about a stream, or all of it with FULL.", "5.0.0", "O(1)") \
    DOC("xinfo|groups", "Returns the consumer groups of a stream.", "5.0.0", "O(1)") \
    DOC("xinfo|consumers", "Returns the consumers of a consumer group.", "5.0.0", "O(1)") \
    DOC("xinfo|help", "Describes the XINFO subcommands.", "5.0.0", "O(1)") \
    /* sort */ \
    DOC("sort", "Sorts the elements of a list, set or sorted set, or stores " "them sorted in a list.", "1.0.0", "O(N+M*log(M)) where N is the number of elements in the list or " "set to sort, and M the number of returned elements. When the " "elements are not sorted, complexity is O(N).") \
    DOC("sort_ro", "Sorts the elements of a list, set or sorted set (the " "read-only SORT).", "7.0.0", "O(N+M*log(M)) where N is the number of elements in the list or " "set to sort, and M the number of returned elements. When the " "elements are not sorted, complexity is O(N).") \
    /* pub/sub */ \
    DOC("subscribe", "Listens for messages published to channels.", "2.0.0", "O(N) where N is the number of channels to subscribe to.") \
    DOC("unsubscribe", "Stops listening to channels.", "2.0.0", "O(N) where N is the number of clients already subscribed to a channel.") \
    DOC("psubscribe", "Listens for messages published to channels matching patterns.", "2.0.0", "O(N) where N is the number of patterns the client is already subscribed to.") \
    DOC("punsubscribe", "Stops listening to channel patterns.", "2.0.0", "O(N+M) where N is the number of patterns the client is already " "subscribed and M is the number of total patterns subscribed in the " "system (by any client).") \
    DOC("ssubscribe", "Listens for messages published to shard channels.", "7.0.0", "O(N) where N is the number of shard channels to subscribe to.") \
    DOC("sunsubscribe", "Stops listening to shard channels.", "7.0.0", "O(N) where N is the number of clients already subscribed to a shard channel.") \
    DOC("publish", "Posts a message to a channel.", "2.0.0", "O(N+M) where N is the number of clients subscribed to the receiving " "channel and M is the total number of subscribed patterns (by any client).") \
    DOC("spublish", "Posts a message to a shard channel.", "7.0.0", "O(N) where N is the number of clients subscribed to the receiving shard channel.") \
    DOC("pubsub", "A container for Pub/Sub introspection commands.", "2.8.0", "Depends on subcommand.") \
    DOC("pubsub|channels", "Lists the channels that have subscribers.", "2.8.0", "O(N) where N is the number of active channels, and assuming constant " "time pattern matching (relatively short channels and patterns)") \
    DOC("pubsub|numpat", "Returns the number of unique subscribed patterns.", "2.8.0", "O(1)") \
    DOC("pubsub|numsub", "Returns the subscriber count of channels.", "2.8.0", "O(N) for the NUMSUB subcommand, where N is the number of requested channels") \
    DOC("pubsub|shardchannels", "Lists the shard channels that have subscribers.", "7.0.0", "O(N) where N is the number of active shard channels, and assuming " "constant time pattern matching (relatively short shard channels).") \
    DOC("pubsub|shardnumsub", "Returns the subscriber count of shard channels.", "7.0.0", "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels") \
    DOC("pubsub|help", "Describes the PUBSUB subcommands.", "6.2.0", "O(1)")

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

/*
 * Argument trees.
 *
 * redis-cli builds its typing hints (the grey "value [NX|XX] ..." after
 * "SET key ") and the syntax line of "help <command>" from the arguments
 * that COMMAND DOCS reports, so we describe every command's arguments the
 * way Redis 7.0 does, down to the names of groups such as
 * "normal_master_replica_pubsub" that clients may match on. CLIENT SETINFO,
 * which 7.0 lacks, follows the 7.2 reference.
 *
 * Each argument has a name and a type. It may also have:
 *   - a token: the literal word typed before it ("EX" in "EX seconds"); a
 *     PURE_TOKEN argument is only that word;
 *   - since / deprecated_since: the releases that added or retired it, when
 *     they differ from the command's own;
 *   - flags: OPT (may be left out), MULTI (may repeat), MULTI_TOKEN (repeats
 *     together with its token);
 *   - for KEY arguments, the index of the key spec (the place in the command
 *     where keys are found) that it belongs to;
 *   - for ONEOF (exactly one of) and BLOCK (all of, in order), the arguments
 *     they group, given by SUB(array).
 * Commands that take no arguments have no entry.
 */
enum arg_type {
    AT_STRING,
    AT_INTEGER,
    AT_DOUBLE,
    AT_KEY,
    AT_PATTERN,
    AT_UNIX_TIME,
    AT_PURE_TOKEN,
    AT_ONEOF,
    AT_BLOCK,
};

static const char *const arg_type_names[] = {
    [AT_STRING] = "string",
    [AT_INTEGER] = "integer",
    [AT_DOUBLE] = "double",
    [AT_KEY] = "key",
    [AT_PATTERN] = "pattern",
    [AT_UNIX_TIME] = "unix-time",
    [AT_PURE_TOKEN] = "pure-token",
    [AT_ONEOF] = "oneof",
    [AT_BLOCK] = "block",
};

#define OPT (1 << 0)
#define MULTI (1 << 1)
#define MULTI_TOKEN (1 << 2)

struct cmd_arg {
    const char *name;
    enum arg_type type;
    int key_spec_index; /* AT_KEY only */
    const char *token;  /* NULL when there is none */
    const char *since;  /* NULL: as old as the command */
    const char *deprecated_since;
    int flags;                  /* OPT | MULTI | MULTI_TOKEN */
    const struct cmd_arg *sub;  /* members of an AT_ONEOF or AT_BLOCK */
    int nsub;
};

struct command_args {
    const char *name; /* as in commands.def */
    const struct cmd_arg *args;
    int nargs;
};

#define NARGS(a) ((int)(sizeof(a) / sizeof((a)[0])))
/* A(name, TYPE, extras...) and KEY(name, key_spec_index, extras...) */
#define A(n, t, ...) {.name = (n), .type = AT_##t, __VA_ARGS__}
#define KEY(n, ks, ...)                                                        \
    {.name = (n), .type = AT_KEY, .key_spec_index = (ks), __VA_ARGS__}
#define TOK(s) .token = (s)
#define SINCE(v) .since = (v)
#define DEPRECATED(v) .deprecated_since = (v)
#define FLAGS(f) .flags = (f)
#define SUB(a) .sub = (a), .nsub = NARGS(a)
#define ARGS(n, a) {(n), (a), NARGS(a)}

/* Shapes shared by several commands. */
static const struct cmd_arg one_key[] = {
    KEY("key", 0),
};

static const struct cmd_arg key_value[] = {
    KEY("key", 0),
    A("value", STRING),
};

static const struct cmd_arg many_keys[] = {
    KEY("key", 0, FLAGS(MULTI)),
};

static const struct cmd_arg key_value_pairs[] = {
    A("key_value", BLOCK, FLAGS(MULTI), SUB(key_value)),
};

static const struct cmd_arg key_start_end[] = {
    KEY("key", 0),
    A("start", INTEGER),
    A("end", INTEGER),
};

static const struct cmd_arg expire_condition[] = {
    A("nx", PURE_TOKEN, TOK("NX")),
    A("xx", PURE_TOKEN, TOK("XX")),
    A("gt", PURE_TOKEN, TOK("GT")),
    A("lt", PURE_TOKEN, TOK("LT")),
};

static const struct cmd_arg key_newkey[] = {
    KEY("key", 0),
    KEY("newkey", 1),
};

static const struct cmd_arg flush_async[] = {
    A("async", PURE_TOKEN, TOK("ASYNC"), SINCE("4.0.0")),
    A("sync", PURE_TOKEN, TOK("SYNC"), SINCE("6.2.0")),
};

static const struct cmd_arg flush_args[] = {
    A("async", ONEOF, FLAGS(OPT), SUB(flush_async)),
};

static const struct cmd_arg command_names[] = {
    A("command-name", STRING, FLAGS(OPT | MULTI)),
};

/* SET */
static const struct cmd_arg set_condition[] = {
    A("nx", PURE_TOKEN, TOK("NX")),
    A("xx", PURE_TOKEN, TOK("XX")),
};

static const struct cmd_arg set_expiration[] = {
    A("seconds", INTEGER, TOK("EX"), SINCE("2.6.12")),
    A("milliseconds", INTEGER, TOK("PX"), SINCE("2.6.12")),
    A("unix-time-seconds", UNIX_TIME, TOK("EXAT"), SINCE("6.2.0")),
    A("unix-time-milliseconds", UNIX_TIME, TOK("PXAT"), SINCE("6.2.0")),
    A("keepttl", PURE_TOKEN, TOK("KEEPTTL"), SINCE("6.0.0")),
};

static const struct cmd_arg set_args[] = {
    KEY("key", 0),
    A("value", STRING),
    A("condition", ONEOF, SINCE("2.6.12"), FLAGS(OPT), SUB(set_condition)),
    A("get", PURE_TOKEN, TOK("GET"), SINCE("6.2.0"), FLAGS(OPT)),
    A("expiration", ONEOF, FLAGS(OPT), SUB(set_expiration)),
};

/* SETEX */
static const struct cmd_arg setex_args[] = {
    KEY("key", 0),
    A("seconds", INTEGER),
    A("value", STRING),
};

/* PSETEX */
static const struct cmd_arg psetex_args[] = {
    KEY("key", 0),
    A("milliseconds", INTEGER),
    A("value", STRING),
};

/* GETEX */
static const struct cmd_arg getex_expiration[] = {
    A("seconds", INTEGER, TOK("EX")),
    A("milliseconds", INTEGER, TOK("PX")),
    A("unix-time-seconds", UNIX_TIME, TOK("EXAT")),
    A("unix-time-milliseconds", UNIX_TIME, TOK("PXAT")),
    A("persist", PURE_TOKEN, TOK("PERSIST")),
};

static const struct cmd_arg getex_args[] = {
    KEY("key", 0),
    A("expiration", ONEOF, FLAGS(OPT), SUB(getex_expiration)),
};

/* INCRBY */
static const struct cmd_arg incrby_args[] = {
    KEY("key", 0),
    A("increment", INTEGER),
};

/* DECRBY */
static const struct cmd_arg decrby_args[] = {
    KEY("key", 0),
    A("decrement", INTEGER),
};

/* INCRBYFLOAT */
static const struct cmd_arg incrbyfloat_args[] = {
    KEY("key", 0),
    A("increment", DOUBLE),
};

/* SETRANGE */
static const struct cmd_arg setrange_args[] = {
    KEY("key", 0),
    A("offset", INTEGER),
    A("value", STRING),
};

/* LCS */
static const struct cmd_arg lcs_args[] = {
    KEY("key1", 0),
    KEY("key2", 0),
    A("len", PURE_TOKEN, TOK("LEN"), FLAGS(OPT)),
    A("idx", PURE_TOKEN, TOK("IDX"), FLAGS(OPT)),
    A("len", INTEGER, TOK("MINMATCHLEN"), FLAGS(OPT)),
    A("withmatchlen", PURE_TOKEN, TOK("WITHMATCHLEN"), FLAGS(OPT)),
};

/* EXPIRE */
static const struct cmd_arg expire_args[] = {
    KEY("key", 0),
    A("seconds", INTEGER),
    A("condition", ONEOF, SINCE("7.0.0"), FLAGS(OPT), SUB(expire_condition)),
};

/* PEXPIRE */
static const struct cmd_arg pexpire_args[] = {
    KEY("key", 0),
    A("milliseconds", INTEGER),
    A("condition", ONEOF, SINCE("7.0.0"), FLAGS(OPT), SUB(expire_condition)),
};

/* EXPIREAT */
static const struct cmd_arg expireat_args[] = {
    KEY("key", 0),
    A("unix-time-seconds", UNIX_TIME),
    A("condition", ONEOF, SINCE("7.0.0"), FLAGS(OPT), SUB(expire_condition)),
};

/* PEXPIREAT */
static const struct cmd_arg pexpireat_args[] = {
    KEY("key", 0),
    A("unix-time-milliseconds", UNIX_TIME),
    A("condition", ONEOF, SINCE("7.0.0"), FLAGS(OPT), SUB(expire_condition)),
};

/* KEYS */
static const struct cmd_arg keys_args[] = {
    A("pattern", PATTERN),
};

/* SCAN */
static const struct cmd_arg scan_args[] = {
    A("cursor", INTEGER),
    A("pattern", PATTERN, TOK("MATCH"), FLAGS(OPT)),
    A("count", INTEGER, TOK("COUNT"), FLAGS(OPT)),
    A("type", STRING, TOK("TYPE"), SINCE("6.0.0"), FLAGS(OPT)),
};

/* COPY */
static const struct cmd_arg copy_args[] = {
    KEY("source", 0),
    KEY("destination", 1),
    A("destination-db", INTEGER, TOK("DB"), FLAGS(OPT)),
    A("replace", PURE_TOKEN, TOK("REPLACE"), FLAGS(OPT)),
};

/* MOVE */
static const struct cmd_arg move_args[] = {
    KEY("key", 0),
    A("db", INTEGER),
};

/* SELECT */
static const struct cmd_arg select_args[] = {
    A("index", INTEGER),
};

/* SWAPDB */
static const struct cmd_arg swapdb_args[] = {
    A("index1", INTEGER),
    A("index2", INTEGER),
};

/* PING */
static const struct cmd_arg ping_args[] = {
    A("message", STRING, FLAGS(OPT)),
};

/* ECHO */
static const struct cmd_arg echo_args[] = {
    A("message", STRING),
};

/* HELLO */
static const struct cmd_arg hello_auth[] = {
    A("username", STRING),
    A("password", STRING),
};

static const struct cmd_arg hello_arguments[] = {
    A("protover", INTEGER),
    A("username_password", BLOCK, TOK("AUTH"), FLAGS(OPT), SUB(hello_auth)),
    A("clientname", STRING, TOK("SETNAME"), FLAGS(OPT)),
};

static const struct cmd_arg hello_args[] = {
    A("arguments", BLOCK, FLAGS(OPT), SUB(hello_arguments)),
};

/* AUTH */
static const struct cmd_arg auth_args[] = {
    A("username", STRING, SINCE("6.0.0"), FLAGS(OPT)),
    A("password", STRING),
};

/* CLIENT SETNAME */
static const struct cmd_arg client_setname_args[] = {
    A("connection-name", STRING),
};

/* CLIENT LIST */
static const struct cmd_arg client_list_type[] = {
    A("normal", PURE_TOKEN, TOK("NORMAL")),
    A("master", PURE_TOKEN, TOK("MASTER")),
    A("replica", PURE_TOKEN, TOK("REPLICA")),
    A("pubsub", PURE_TOKEN, TOK("PUBSUB")),
};

static const struct cmd_arg client_list_id[] = {
    A("client-id", INTEGER, FLAGS(MULTI)),
};

static const struct cmd_arg client_list_args[] = {
    A("normal_master_replica_pubsub", ONEOF, TOK("TYPE"), SINCE("5.0.0"),
      FLAGS(OPT), SUB(client_list_type)),
    A("id", BLOCK, TOK("ID"), SINCE("6.2.0"), FLAGS(OPT), SUB(client_list_id)),
};

/* CLIENT KILL */
static const struct cmd_arg client_kill_type[] = {
    A("normal", PURE_TOKEN, TOK("NORMAL")),
    A("master", PURE_TOKEN, TOK("MASTER"), SINCE("3.2.0")),
    A("slave", PURE_TOKEN, TOK("SLAVE")),
    A("replica", PURE_TOKEN, TOK("REPLICA"), SINCE("5.0.0")),
    A("pubsub", PURE_TOKEN, TOK("PUBSUB")),
};

static const struct cmd_arg client_kill_filters[] = {
    A("client-id", INTEGER, TOK("ID"), SINCE("2.8.12"), FLAGS(OPT)),
    A("normal_master_slave_pubsub", ONEOF, TOK("TYPE"), SINCE("2.8.12"),
      FLAGS(OPT), SUB(client_kill_type)),
    A("username", STRING, TOK("USER"), FLAGS(OPT)),
    A("ip:port", STRING, TOK("ADDR"), FLAGS(OPT)),
    A("ip:port", STRING, TOK("LADDR"), SINCE("6.2.0"), FLAGS(OPT)),
    A("yes/no", STRING, TOK("SKIPME"), FLAGS(OPT)),
};

static const struct cmd_arg client_kill_filter[] = {
    A("ip:port", STRING, DEPRECATED("2.8.12")),
    A("new-format", ONEOF, FLAGS(MULTI), SUB(client_kill_filters)),
};

static const struct cmd_arg client_kill_args[] = {
    A("filter", ONEOF, SUB(client_kill_filter)),
};

/* CLIENT SETINFO */
static const struct cmd_arg client_setinfo_attr[] = {
    A("libname", STRING, TOK("lib-name")),
    A("libver", STRING, TOK("lib-ver")),
};

static const struct cmd_arg client_setinfo_args[] = {
    A("attr", ONEOF, SUB(client_setinfo_attr)),
};

/* CLIENT NO-EVICT */
static const struct cmd_arg on_off[] = {
    A("on", PURE_TOKEN, TOK("ON")),
    A("off", PURE_TOKEN, TOK("OFF")),
};

static const struct cmd_arg client_no_evict_args[] = {
    A("enabled", ONEOF, SUB(on_off)),
};

/* CLIENT REPLY */
static const struct cmd_arg client_reply_mode[] = {
    A("on", PURE_TOKEN, TOK("ON")),
    A("off", PURE_TOKEN, TOK("OFF")),
    A("skip", PURE_TOKEN, TOK("SKIP")),
};

static const struct cmd_arg client_reply_args[] = {
    A("on_off_skip", ONEOF, SUB(client_reply_mode)),
};

/* CLIENT PAUSE */
static const struct cmd_arg client_pause_mode[] = {
    A("write", PURE_TOKEN, TOK("WRITE")),
    A("all", PURE_TOKEN, TOK("ALL")),
};
static const struct cmd_arg client_pause_args[] = {
    A("timeout", INTEGER),
    A("mode", ONEOF, SINCE("6.2.0"), FLAGS(OPT), SUB(client_pause_mode)),
};

/* COMMAND LIST */
static const struct cmd_arg command_list_filterby[] = {
    A("module-name", STRING, TOK("MODULE")),
    A("category", STRING, TOK("ACLCAT")),
    A("pattern", PATTERN, TOK("PATTERN")),
};

static const struct cmd_arg command_list_args[] = {
    A("filterby", ONEOF, TOK("FILTERBY"), FLAGS(OPT),
      SUB(command_list_filterby)),
};

/* INFO */
static const struct cmd_arg info_args[] = {
    A("section", STRING, FLAGS(OPT | MULTI)),
};

/* CONFIG GET */
static const struct cmd_arg config_get_parameter[] = {
    A("parameter", STRING),
};

static const struct cmd_arg config_get_args[] = {
    A("parameter", BLOCK, FLAGS(MULTI), SUB(config_get_parameter)),
};

/* CONFIG SET */
static const struct cmd_arg config_set_parameter_value[] = {
    A("parameter", STRING),
    A("value", STRING),
};

static const struct cmd_arg config_set_args[] = {
    A("parameter_value", BLOCK, FLAGS(MULTI), SUB(config_set_parameter_value)),
};

/* SHUTDOWN */
static const struct cmd_arg shutdown_save[] = {
    A("nosave", PURE_TOKEN, TOK("NOSAVE")),
    A("save", PURE_TOKEN, TOK("SAVE")),
};

static const struct cmd_arg shutdown_args[] = {
    A("nosave_save", ONEOF, FLAGS(OPT), SUB(shutdown_save)),
    A("now", PURE_TOKEN, TOK("NOW"), SINCE("7.0.0"), FLAGS(OPT)),
    A("force", PURE_TOKEN, TOK("FORCE"), SINCE("7.0.0"), FLAGS(OPT)),
    A("abort", PURE_TOKEN, TOK("ABORT"), SINCE("7.0.0"), FLAGS(OPT)),
};

/* MEMORY USAGE */
static const struct cmd_arg memory_usage_args[] = {
    KEY("key", 0),
    A("count", INTEGER, TOK("SAMPLES"), FLAGS(OPT)),
};

/* lists */
static const struct cmd_arg key_elements[] = {
    KEY("key", 0),
    A("element", STRING, FLAGS(MULTI)),
};

static const struct cmd_arg list_pop_args[] = {
    KEY("key", 0),
    A("count", INTEGER, SINCE("6.2.0"), FLAGS(OPT)),
};

static const struct cmd_arg lindex_args[] = {
    KEY("key", 0),
    A("index", INTEGER),
};

static const struct cmd_arg lset_args[] = {
    KEY("key", 0),
    A("index", INTEGER),
    A("element", STRING),
};

static const struct cmd_arg key_start_stop[] = {
    KEY("key", 0),
    A("start", INTEGER),
    A("stop", INTEGER),
};

static const struct cmd_arg linsert_where[] = {
    A("before", PURE_TOKEN, TOK("BEFORE")),
    A("after", PURE_TOKEN, TOK("AFTER")),
};

static const struct cmd_arg linsert_args[] = {
    KEY("key", 0),
    A("where", ONEOF, SUB(linsert_where)),
    A("pivot", STRING),
    A("element", STRING),
};

static const struct cmd_arg lrem_args[] = {
    KEY("key", 0),
    A("count", INTEGER),
    A("element", STRING),
};

static const struct cmd_arg lpos_args[] = {
    KEY("key", 0),
    A("element", STRING),
    A("rank", INTEGER, TOK("RANK"), FLAGS(OPT)),
    A("num-matches", INTEGER, TOK("COUNT"), FLAGS(OPT)),
    A("len", INTEGER, TOK("MAXLEN"), FLAGS(OPT)),
};

static const struct cmd_arg rpoplpush_args[] = {
    KEY("source", 0),
    KEY("destination", 1),
};

static const struct cmd_arg list_end[] = {
    A("left", PURE_TOKEN, TOK("LEFT")),
    A("right", PURE_TOKEN, TOK("RIGHT")),
};

static const struct cmd_arg lmove_args[] = {
    KEY("source", 0),
    KEY("destination", 1),
    A("wherefrom", ONEOF, SUB(list_end)),
    A("whereto", ONEOF, SUB(list_end)),
};

static const struct cmd_arg lmpop_args[] = {
    A("numkeys", INTEGER),
    KEY("key", 0, FLAGS(MULTI)),
    A("where", ONEOF, SUB(list_end)),
    A("count", INTEGER, TOK("COUNT"), FLAGS(OPT)),
};

static const struct cmd_arg keys_timeout[] = {
    KEY("key", 0, FLAGS(MULTI)),
    A("timeout", DOUBLE),
};

static const struct cmd_arg brpoplpush_args[] = {
    KEY("source", 0),
    KEY("destination", 1),
    A("timeout", DOUBLE),
};

static const struct cmd_arg blmove_args[] = {
    KEY("source", 0),
    KEY("destination", 1),
    A("wherefrom", ONEOF, SUB(list_end)),
    A("whereto", ONEOF, SUB(list_end)),
    A("timeout", DOUBLE),
};

static const struct cmd_arg blmpop_args[] = {
    A("timeout", DOUBLE),
    A("numkeys", INTEGER),
    KEY("key", 0, FLAGS(MULTI)),
    A("where", ONEOF, SUB(list_end)),
    A("count", INTEGER, TOK("COUNT"), FLAGS(OPT)),
};

static const struct cmd_arg wait_args[] = {
    A("numreplicas", INTEGER),
    A("timeout", INTEGER),
};

static const struct cmd_arg unblock_type[] = {
    A("timeout", PURE_TOKEN, TOK("TIMEOUT")),
    A("error", PURE_TOKEN, TOK("ERROR")),
};

static const struct cmd_arg client_unblock_args[] = {
    A("client-id", INTEGER),
    A("unblock-type", ONEOF, FLAGS(OPT), SUB(unblock_type)),
};

/* hashes */
static const struct cmd_arg hash_field_value[] = {
    A("field", STRING),
    A("value", STRING),
};

static const struct cmd_arg hset_args[] = {
    KEY("key", 0),
    A("field_value", BLOCK, FLAGS(MULTI), SUB(hash_field_value)),
};

static const struct cmd_arg hsetnx_args[] = {
    KEY("key", 0),
    A("field", STRING),
    A("value", STRING),
};

static const struct cmd_arg key_field[] = {
    KEY("key", 0),
    A("field", STRING),
};

static const struct cmd_arg key_fields[] = {
    KEY("key", 0),
    A("field", STRING, FLAGS(MULTI)),
};

static const struct cmd_arg hincrby_args[] = {
    KEY("key", 0),
    A("field", STRING),
    A("increment", INTEGER),
};

static const struct cmd_arg hincrbyfloat_args[] = {
    KEY("key", 0),
    A("field", STRING),
    A("increment", DOUBLE),
};

static const struct cmd_arg hrandfield_options[] = {
    A("count", INTEGER),
    A("withvalues", PURE_TOKEN, TOK("WITHVALUES"), FLAGS(OPT)),
};

static const struct cmd_arg hrandfield_args[] = {
    KEY("key", 0),
    A("options", BLOCK, FLAGS(OPT), SUB(hrandfield_options)),
};

static const struct cmd_arg hscan_args[] = {
    KEY("key", 0),
    A("cursor", INTEGER),
    A("pattern", PATTERN, TOK("MATCH"), FLAGS(OPT)),
    A("count", INTEGER, TOK("COUNT"), FLAGS(OPT)),
};

/* sets */
static const struct cmd_arg key_members[] = {
    KEY("key", 0),
    A("member", STRING, FLAGS(MULTI)),
};

static const struct cmd_arg key_member[] = {
    KEY("key", 0),
    A("member", STRING),
};

static const struct cmd_arg srandmember_args[] = {
    KEY("key", 0),
    A("count", INTEGER, SINCE("2.6.0"), FLAGS(OPT)),
};

static const struct cmd_arg spop_args[] = {
    KEY("key", 0),
    A("count", INTEGER, SINCE("3.2.0"), FLAGS(OPT)),
};

static const struct cmd_arg smove_args[] = {
    KEY("source", 0),
    KEY("destination", 1),
    A("member", STRING),
};

static const struct cmd_arg sintercard_args[] = {
    A("numkeys", INTEGER),
    KEY("key", 0, FLAGS(MULTI)),
    A("limit", INTEGER, TOK("LIMIT"), FLAGS(OPT)),
};

static const struct cmd_arg dest_keys[] = {
    KEY("destination", 0),
    KEY("key", 1, FLAGS(MULTI)),
};

/* sorted sets */
static const struct cmd_arg zadd_args_condition[] = {
    A("nx", PURE_TOKEN, TOK("NX")),
    A("xx", PURE_TOKEN, TOK("XX")),
};

static const struct cmd_arg zadd_args_comparison[] = {
    A("gt", PURE_TOKEN, TOK("GT")),
    A("lt", PURE_TOKEN, TOK("LT")),
};

static const struct cmd_arg zadd_args_score_member[] = {
    A("score", DOUBLE),
    A("member", STRING),
};

static const struct cmd_arg zadd_args[] = {
    KEY("key", 0),
    A("condition", ONEOF, SINCE("3.0.2"), FLAGS(OPT), SUB(zadd_args_condition)),
    A("comparison", ONEOF, SINCE("6.2.0"), FLAGS(OPT), SUB(zadd_args_comparison)),
    A("change", PURE_TOKEN, TOK("CH"), SINCE("3.0.2"), FLAGS(OPT)),
    A("increment", PURE_TOKEN, TOK("INCR"), SINCE("3.0.2"), FLAGS(OPT)),
    A("score_member", BLOCK, FLAGS(MULTI), SUB(zadd_args_score_member)),
};

static const struct cmd_arg zincrby_args[] = {
    KEY("key", 0),
    A("increment", INTEGER),
    A("member", STRING),
};

static const struct cmd_arg zrem_args[] = {
    KEY("key", 0),
    A("member", STRING, FLAGS(MULTI)),
};

static const struct cmd_arg zcard_args[] = {
    KEY("key", 0),
};

static const struct cmd_arg zcount_args[] = {
    KEY("key", 0),
    A("min", DOUBLE),
    A("max", DOUBLE),
};

static const struct cmd_arg zlexcount_args[] = {
    KEY("key", 0),
    A("min", STRING),
    A("max", STRING),
};

static const struct cmd_arg zscore_args[] = {
    KEY("key", 0),
    A("member", STRING),
};

static const struct cmd_arg zmscore_args[] = {
    KEY("key", 0),
    A("member", STRING, FLAGS(MULTI)),
};

static const struct cmd_arg zrank_args[] = {
    KEY("key", 0),
    A("member", STRING),
};

static const struct cmd_arg zrevrank_args[] = {
    KEY("key", 0),
    A("member", STRING),
};

static const struct cmd_arg zrange_args_sortby[] = {
    A("byscore", PURE_TOKEN, TOK("BYSCORE")),
    A("bylex", PURE_TOKEN, TOK("BYLEX")),
};

static const struct cmd_arg zrange_args_offset_count[] = {
    A("offset", INTEGER),
    A("count", INTEGER),
};

static const struct cmd_arg zrange_args[] = {
    KEY("key", 0),
    A("start", STRING),
    A("stop", STRING),
    A("sortby", ONEOF, SINCE("6.2.0"), FLAGS(OPT), SUB(zrange_args_sortby)),
    A("rev", PURE_TOKEN, TOK("REV"), SINCE("6.2.0"), FLAGS(OPT)),
    A("offset_count", BLOCK, TOK("LIMIT"), SINCE("6.2.0"), FLAGS(OPT), SUB(zrange_args_offset_count)),
    A("withscores", PURE_TOKEN, TOK("WITHSCORES"), FLAGS(OPT)),
};

static const struct cmd_arg zrangestore_args_sortby[] = {
    A("byscore", PURE_TOKEN, TOK("BYSCORE")),
    A("bylex", PURE_TOKEN, TOK("BYLEX")),
};

static const struct cmd_arg zrangestore_args_offset_count[] = {
    A("offset", INTEGER),
    A("count", INTEGER),
};

static const struct cmd_arg zrangestore_args[] = {
    KEY("dst", 0),
    KEY("src", 1),
    A("min", STRING),
    A("max", STRING),
    A("sortby", ONEOF, FLAGS(OPT), SUB(zrangestore_args_sortby)),
    A("rev", PURE_TOKEN, TOK("REV"), FLAGS(OPT)),
    A("offset_count", BLOCK, TOK("LIMIT"), FLAGS(OPT), SUB(zrangestore_args_offset_count)),
};

/* SORT and SORT_RO (Redis also gives the patterns key_spec_index 1) */
static const struct cmd_arg sort_args_offset_count[] = {
    A("offset", INTEGER),
    A("count", INTEGER),
};

static const struct cmd_arg sort_args_order[] = {
    A("asc", PURE_TOKEN, TOK("ASC")),
    A("desc", PURE_TOKEN, TOK("DESC")),
};

static const struct cmd_arg sort_args[] = {
    KEY("key", 0),
    A("pattern", PATTERN, TOK("BY"), FLAGS(OPT)),
    A("offset_count", BLOCK, TOK("LIMIT"), FLAGS(OPT), SUB(sort_args_offset_count)),
    A("pattern", PATTERN, TOK("GET"), FLAGS(OPT | MULTI | MULTI_TOKEN)),
    A("order", ONEOF, FLAGS(OPT), SUB(sort_args_order)),
    A("sorting", PURE_TOKEN, TOK("ALPHA"), FLAGS(OPT)),
    KEY("destination", 2, TOK("STORE"), FLAGS(OPT)),
};

static const struct cmd_arg sort_ro_args[] = {
    KEY("key", 0),
    A("pattern", PATTERN, TOK("BY"), FLAGS(OPT)),
    A("offset_count", BLOCK, TOK("LIMIT"), FLAGS(OPT), SUB(sort_args_offset_count)),
    A("pattern", PATTERN, TOK("GET"), FLAGS(OPT | MULTI | MULTI_TOKEN)),
    A("order", ONEOF, FLAGS(OPT), SUB(sort_args_order)),
    A("sorting", PURE_TOKEN, TOK("ALPHA"), FLAGS(OPT)),
};

static const struct cmd_arg subscribe_args[] = {
    A("channel", STRING, FLAGS(MULTI)),
};

static const struct cmd_arg unsubscribe_args[] = {
    A("channel", STRING, FLAGS(OPT | MULTI)),
};

static const struct cmd_arg psubscribe_args[] = {
    A("pattern", PATTERN, FLAGS(MULTI)),
};

static const struct cmd_arg punsubscribe_args[] = {
    A("pattern", PATTERN, FLAGS(OPT | MULTI)),
};

static const struct cmd_arg ssubscribe_args[] = {
    A("shardchannel", STRING, FLAGS(MULTI)),
};

static const struct cmd_arg sunsubscribe_args[] = {
    A("shardchannel", STRING, FLAGS(OPT | MULTI)),
};

static const struct cmd_arg publish_args[] = {
    A("channel", STRING),
    A("message", STRING),
};

static const struct cmd_arg spublish_args[] = {
    A("shardchannel", STRING),
    A("message", STRING),
};

static const struct cmd_arg pubsub_channels_args[] = {
    A("pattern", PATTERN, FLAGS(OPT)),
};

static const struct cmd_arg pubsub_numsub_args[] = {
    A("channel", STRING, FLAGS(OPT | MULTI)),
};

static const struct cmd_arg pubsub_shardnumsub_args[] = {
    A("shardchannel", STRING, FLAGS(OPT | MULTI)),
};

static const struct cmd_arg zrangebyscore_args_offset_count[] = {
    A("offset", INTEGER),
    A("count", INTEGER),
};

static const struct cmd_arg zrangebyscore_args[] = {
    KEY("key", 0),
    A("min", DOUBLE),
    A("max", DOUBLE),
    A("withscores", PURE_TOKEN, TOK("WITHSCORES"), SINCE("2.0.0"), FLAGS(OPT)),
    A("offset_count", BLOCK, TOK("LIMIT"), FLAGS(OPT), SUB(zrangebyscore_args_offset_count)),
};

static const struct cmd_arg zrevrangebyscore_args_offset_count[] = {
    A("offset", INTEGER),
    A("count", INTEGER),
};

static const struct cmd_arg zrevrangebyscore_args[] = {
    KEY("key", 0),
    A("max", DOUBLE),
    A("min", DOUBLE),
    A("withscores", PURE_TOKEN, TOK("WITHSCORES"), FLAGS(OPT)),
    A("offset_count", BLOCK, TOK("LIMIT"), FLAGS(OPT), SUB(zrevrangebyscore_args_offset_count)),
};

static const struct cmd_arg zrangebylex_args_offset_count[] = {
    A("offset", INTEGER),
    A("count", INTEGER),
};

static const struct cmd_arg zrangebylex_args[] = {
    KEY("key", 0),
    A("min", STRING),
    A("max", STRING),
    A("offset_count", BLOCK, TOK("LIMIT"), FLAGS(OPT), SUB(zrangebylex_args_offset_count)),
};

static const struct cmd_arg zrevrangebylex_args_offset_count[] = {
    A("offset", INTEGER),
    A("count", INTEGER),
};

static const struct cmd_arg zrevrangebylex_args[] = {
    KEY("key", 0),
    A("max", STRING),
    A("min", STRING),
    A("offset_count", BLOCK, TOK("LIMIT"), FLAGS(OPT), SUB(zrevrangebylex_args_offset_count)),
};

static const struct cmd_arg zrevrange_args[] = {
    KEY("key", 0),
    A("start", INTEGER),
    A("stop", INTEGER),
    A("withscores", PURE_TOKEN, TOK("WITHSCORES"), FLAGS(OPT)),
};

static const struct cmd_arg zremrangebyrank_args[] = {
    KEY("key", 0),
    A("start", INTEGER),
    A("stop", INTEGER),
};

static const struct cmd_arg zremrangebyscore_args[] = {
    KEY("key", 0),
    A("min", DOUBLE),
    A("max", DOUBLE),
};

static const struct cmd_arg zremrangebylex_args[] = {
    KEY("key", 0),
    A("min", STRING),
    A("max", STRING),
};

static const struct cmd_arg zpopmin_args[] = {
    KEY("key", 0),
    A("count", INTEGER, FLAGS(OPT)),
};

static const struct cmd_arg zpopmax_args[] = {
    KEY("key", 0),
    A("count", INTEGER, FLAGS(OPT)),
};

static const struct cmd_arg zmpop_args_where[] = {
    A("min", PURE_TOKEN, TOK("MIN")),
    A("max", PURE_TOKEN, TOK("MAX")),
};

static const struct cmd_arg zmpop_args[] = {
    A("numkeys", INTEGER),
    KEY("key", 0, FLAGS(MULTI)),
    A("where", ONEOF, SUB(zmpop_args_where)),
    A("count", INTEGER, TOK("COUNT"), FLAGS(OPT)),
};

static const struct cmd_arg bzmpop_args[] = {
    A("timeout", DOUBLE),
    A("numkeys", INTEGER),
    KEY("key", 0, FLAGS(MULTI)),
    A("where", ONEOF, SUB(zmpop_args_where)),
    A("count", INTEGER, TOK("COUNT"), FLAGS(OPT)),
};

static const struct cmd_arg zrandmember_args_options[] = {
    A("count", INTEGER),
    A("withscores", PURE_TOKEN, TOK("WITHSCORES"), FLAGS(OPT)),
};

static const struct cmd_arg zrandmember_args[] = {
    KEY("key", 0),
    A("options", BLOCK, FLAGS(OPT), SUB(zrandmember_args_options)),
};

static const struct cmd_arg zinter_args_aggregate[] = {
    A("sum", PURE_TOKEN, TOK("SUM")),
    A("min", PURE_TOKEN, TOK("MIN")),
    A("max", PURE_TOKEN, TOK("MAX")),
};

static const struct cmd_arg zinter_args[] = {
    A("numkeys", INTEGER),
    KEY("key", 0, FLAGS(MULTI)),
    A("weight", INTEGER, TOK("WEIGHTS"), FLAGS(OPT | MULTI)),
    A("aggregate", ONEOF, TOK("AGGREGATE"), FLAGS(OPT), SUB(zinter_args_aggregate)),
    A("withscores", PURE_TOKEN, TOK("WITHSCORES"), FLAGS(OPT)),
};

static const struct cmd_arg zunion_args_aggregate[] = {
    A("sum", PURE_TOKEN, TOK("SUM")),
    A("min", PURE_TOKEN, TOK("MIN")),
    A("max", PURE_TOKEN, TOK("MAX")),
};

static const struct cmd_arg zunion_args[] = {
    A("numkeys", INTEGER),
    KEY("key", 0, FLAGS(MULTI)),
    A("weight", INTEGER, TOK("WEIGHTS"), FLAGS(OPT | MULTI)),
    A("aggregate", ONEOF, TOK("AGGREGATE"), FLAGS(OPT), SUB(zunion_args_aggregate)),
    A("withscores", PURE_TOKEN, TOK("WITHSCORES"), FLAGS(OPT)),
};

static const struct cmd_arg zdiff_args[] = {
    A("numkeys", INTEGER),
    KEY("key", 0, FLAGS(MULTI)),
    A("withscores", PURE_TOKEN, TOK("WITHSCORES"), FLAGS(OPT)),
};

static const struct cmd_arg zintercard_args[] = {
    A("numkeys", INTEGER),
    KEY("key", 0, FLAGS(MULTI)),
    A("limit", INTEGER, TOK("LIMIT"), FLAGS(OPT)),
};

static const struct cmd_arg zinterstore_args_aggregate[] = {
    A("sum", PURE_TOKEN, TOK("SUM")),
    A("min", PURE_TOKEN, TOK("MIN")),
    A("max", PURE_TOKEN, TOK("MAX")),
};

static const struct cmd_arg zinterstore_args[] = {
    KEY("destination", 0),
    A("numkeys", INTEGER),
    KEY("key", 1, FLAGS(MULTI)),
    A("weight", INTEGER, TOK("WEIGHTS"), FLAGS(OPT | MULTI)),
    A("aggregate", ONEOF, TOK("AGGREGATE"), FLAGS(OPT), SUB(zinterstore_args_aggregate)),
};

static const struct cmd_arg zunionstore_args_aggregate[] = {
    A("sum", PURE_TOKEN, TOK("SUM")),
    A("min", PURE_TOKEN, TOK("MIN")),
    A("max", PURE_TOKEN, TOK("MAX")),
};

static const struct cmd_arg zunionstore_args[] = {
    KEY("destination", 0),
    A("numkeys", INTEGER),
    KEY("key", 1, FLAGS(MULTI)),
    A("weight", INTEGER, TOK("WEIGHTS"), FLAGS(OPT | MULTI)),
    A("aggregate", ONEOF, TOK("AGGREGATE"), FLAGS(OPT), SUB(zunionstore_args_aggregate)),
};

static const struct cmd_arg zdiffstore_args[] = {
    KEY("destination", 0),
    A("numkeys", INTEGER),
    KEY("key", 1, FLAGS(MULTI)),
};

static const struct cmd_arg zscan_args[] = {
    KEY("key", 0),
    A("cursor", INTEGER),
    A("pattern", PATTERN, TOK("MATCH"), FLAGS(OPT)),
    A("count", INTEGER, TOK("COUNT"), FLAGS(OPT)),
};

static const struct command_args command_args[] = {
    ARGS("get", one_key),
    ARGS("set", set_args),
    ARGS("setnx", key_value),
    ARGS("setex", setex_args),
    ARGS("psetex", psetex_args),
    ARGS("getset", key_value),
    ARGS("getdel", one_key),
    ARGS("getex", getex_args),
    ARGS("mget", many_keys),
    ARGS("mset", key_value_pairs),
    ARGS("msetnx", key_value_pairs),
    ARGS("incr", one_key),
    ARGS("decr", one_key),
    ARGS("incrby", incrby_args),
    ARGS("decrby", decrby_args),
    ARGS("incrbyfloat", incrbyfloat_args),
    ARGS("append", key_value),
    ARGS("strlen", one_key),
    ARGS("getrange", key_start_end),
    ARGS("substr", key_start_end),
    ARGS("setrange", setrange_args),
    ARGS("lcs", lcs_args),
    ARGS("lpush", key_elements),
    ARGS("rpush", key_elements),
    ARGS("lpushx", key_elements),
    ARGS("rpushx", key_elements),
    ARGS("lpop", list_pop_args),
    ARGS("rpop", list_pop_args),
    ARGS("llen", one_key),
    ARGS("lrange", key_start_stop),
    ARGS("lindex", lindex_args),
    ARGS("lset", lset_args),
    ARGS("linsert", linsert_args),
    ARGS("lrem", lrem_args),
    ARGS("ltrim", key_start_stop),
    ARGS("lpos", lpos_args),
    ARGS("rpoplpush", rpoplpush_args),
    ARGS("lmove", lmove_args),
    ARGS("lmpop", lmpop_args),
    ARGS("blpop", keys_timeout),
    ARGS("brpop", keys_timeout),
    ARGS("brpoplpush", brpoplpush_args),
    ARGS("blmove", blmove_args),
    ARGS("blmpop", blmpop_args),
    ARGS("bzpopmin", keys_timeout),
    ARGS("bzpopmax", keys_timeout),
    ARGS("bzmpop", bzmpop_args),
    ARGS("watch", many_keys),
    ARGS("wait", wait_args),
    ARGS("client|unblock", client_unblock_args),
    ARGS("del", many_keys),
    ARGS("unlink", many_keys),
    ARGS("exists", many_keys),
    ARGS("touch", many_keys),
    ARGS("type", one_key),
    ARGS("expire", expire_args),
    ARGS("pexpire", pexpire_args),
    ARGS("expireat", expireat_args),
    ARGS("pexpireat", pexpireat_args),
    ARGS("ttl", one_key),
    ARGS("pttl", one_key),
    ARGS("expiretime", one_key),
    ARGS("pexpiretime", one_key),
    ARGS("persist", one_key),
    ARGS("keys", keys_args),
    ARGS("scan", scan_args),
    ARGS("rename", key_newkey),
    ARGS("renamenx", key_newkey),
    ARGS("copy", copy_args),
    ARGS("move", move_args),
    ARGS("flushdb", flush_args),
    ARGS("flushall", flush_args),
    ARGS("select", select_args),
    ARGS("swapdb", swapdb_args),
    ARGS("object|encoding", one_key),
    ARGS("object|refcount", one_key),
    ARGS("object|idletime", one_key),
    ARGS("object|freq", one_key),
    ARGS("ping", ping_args),
    ARGS("echo", echo_args),
    ARGS("hello", hello_args),
    ARGS("auth", auth_args),
    ARGS("client|setname", client_setname_args),
    ARGS("client|list", client_list_args),
    ARGS("client|kill", client_kill_args),
    ARGS("client|setinfo", client_setinfo_args),
    ARGS("client|no-evict", client_no_evict_args),
    ARGS("client|reply", client_reply_args),
    ARGS("client|pause", client_pause_args),
    ARGS("command|info", command_names),
    ARGS("command|docs", command_names),
    ARGS("command|list", command_list_args),
    ARGS("info", info_args),
    ARGS("config|get", config_get_args),
    ARGS("config|set", config_set_args),
    ARGS("shutdown", shutdown_args),
    ARGS("memory|usage", memory_usage_args),
    ARGS("hset", hset_args),
    ARGS("hsetnx", hsetnx_args),
    ARGS("hmset", hset_args),
    ARGS("hget", key_field),
    ARGS("hmget", key_fields),
    ARGS("hdel", key_fields),
    ARGS("hlen", one_key),
    ARGS("hstrlen", key_field),
    ARGS("hexists", key_field),
    ARGS("hkeys", one_key),
    ARGS("hvals", one_key),
    ARGS("hgetall", one_key),
    ARGS("hincrby", hincrby_args),
    ARGS("hincrbyfloat", hincrbyfloat_args),
    ARGS("hrandfield", hrandfield_args),
    ARGS("hscan", hscan_args),
    ARGS("sadd", key_members),
    ARGS("srem", key_members),
    ARGS("scard", one_key),
    ARGS("sismember", key_member),
    ARGS("smismember", key_members),
    ARGS("smembers", one_key),
    ARGS("srandmember", srandmember_args),
    ARGS("spop", spop_args),
    ARGS("smove", smove_args),
    ARGS("sinter", many_keys),
    ARGS("sintercard", sintercard_args),
    ARGS("sinterstore", dest_keys),
    ARGS("sunion", many_keys),
    ARGS("sunionstore", dest_keys),
    ARGS("sdiff", many_keys),
    ARGS("sdiffstore", dest_keys),
    ARGS("sscan", hscan_args),
    ARGS("zadd", zadd_args),
    ARGS("zincrby", zincrby_args),
    ARGS("zrem", zrem_args),
    ARGS("zcard", zcard_args),
    ARGS("zcount", zcount_args),
    ARGS("zlexcount", zlexcount_args),
    ARGS("zscore", zscore_args),
    ARGS("zmscore", zmscore_args),
    ARGS("zrank", zrank_args),
    ARGS("zrevrank", zrevrank_args),
    ARGS("zrange", zrange_args),
    ARGS("zrangestore", zrangestore_args),
    ARGS("zrangebyscore", zrangebyscore_args),
    ARGS("zrevrangebyscore", zrevrangebyscore_args),
    ARGS("zrangebylex", zrangebylex_args),
    ARGS("zrevrangebylex", zrevrangebylex_args),
    ARGS("zrevrange", zrevrange_args),
    ARGS("zremrangebyrank", zremrangebyrank_args),
    ARGS("zremrangebyscore", zremrangebyscore_args),
    ARGS("zremrangebylex", zremrangebylex_args),
    ARGS("zpopmin", zpopmin_args),
    ARGS("zpopmax", zpopmax_args),
    ARGS("zmpop", zmpop_args),
    ARGS("zrandmember", zrandmember_args),
    ARGS("zinter", zinter_args),
    ARGS("zunion", zunion_args),
    ARGS("zdiff", zdiff_args),
    ARGS("zintercard", zintercard_args),
    ARGS("zinterstore", zinterstore_args),
    ARGS("zunionstore", zunionstore_args),
    ARGS("zdiffstore", zdiffstore_args),
    ARGS("zscan", zscan_args),
    ARGS("sort", sort_args),
    ARGS("sort_ro", sort_ro_args),
    ARGS("subscribe", subscribe_args),
    ARGS("unsubscribe", unsubscribe_args),
    ARGS("psubscribe", psubscribe_args),
    ARGS("punsubscribe", punsubscribe_args),
    ARGS("ssubscribe", ssubscribe_args),
    ARGS("sunsubscribe", sunsubscribe_args),
    ARGS("publish", publish_args),
    ARGS("spublish", spublish_args),
    ARGS("pubsub|channels", pubsub_channels_args),
    ARGS("pubsub|shardchannels", pubsub_channels_args),
    ARGS("pubsub|numsub", pubsub_numsub_args),
    ARGS("pubsub|shardnumsub", pubsub_shardnumsub_args),
};

#undef A
#undef KEY
#undef TOK
#undef SINCE
#undef DEPRECATED
#undef FLAGS
#undef SUB
#undef ARGS

#define NCOMMAND_ARGS (sizeof(command_args) / sizeof(command_args[0]))

static const struct command_args *find_args(const struct command *cmd)
{
    if (!cmd || !cmd->name)
        return NULL;
    for (size_t i = 0; i < NCOMMAND_ARGS; i++)
        if (strcmp(command_args[i].name, cmd->name) == 0)
            return &command_args[i];
    return NULL;
}

int command_docs_has_args(const struct command *cmd)
{
    return find_args(cmd) != NULL;
}

static void reply_arg_list(struct buf *out, int resp,
                           const struct cmd_arg *args, int n);

/* One argument as a map, its fields in the order Redis sends them. Flags
 * are a set of simple strings (a plain array in RESP2). */
static void reply_arg(struct buf *out, int resp, const struct cmd_arg *a)
{
    int nflags = !!(a->flags & OPT) + !!(a->flags & MULTI) +
                 !!(a->flags & MULTI_TOKEN);
    long long fields = 2 + (a->type == AT_KEY) + (a->token != NULL) +
                       (a->since != NULL) + (a->deprecated_since != NULL) +
                       (nflags > 0) + (a->nsub > 0);

    reply_map(out, resp, fields);
    reply_bulkc(out, "name");
    reply_bulkc(out, a->name);
    reply_bulkc(out, "type");
    reply_bulkc(out, arg_type_names[a->type]);
    if (a->type == AT_KEY) {
        reply_bulkc(out, "key_spec_index");
        reply_int(out, a->key_spec_index);
    }
    if (a->token) {
        reply_bulkc(out, "token");
        reply_bulkc(out, a->token);
    }
    if (a->since) {
        reply_bulkc(out, "since");
        reply_bulkc(out, a->since);
    }
    if (a->deprecated_since) {
        reply_bulkc(out, "deprecated_since");
        reply_bulkc(out, a->deprecated_since);
    }
    if (nflags) {
        reply_bulkc(out, "flags");
        reply_set(out, resp, nflags);
        if (a->flags & OPT)
            reply_simple(out, "optional");
        if (a->flags & MULTI)
            reply_simple(out, "multiple");
        if (a->flags & MULTI_TOKEN)
            reply_simple(out, "multiple_token");
    }
    if (a->nsub) {
        reply_bulkc(out, "arguments");
        reply_arg_list(out, resp, a->sub, a->nsub);
    }
}

static void reply_arg_list(struct buf *out, int resp,
                           const struct cmd_arg *args, int n)
{
    reply_array(out, n);
    for (int i = 0; i < n; i++)
        reply_arg(out, resp, &args[i]);
}

/* The value of the "arguments" field of a COMMAND DOCS entry: an array of
 * argument maps, nested for ONEOF and BLOCK. A command without arguments
 * gets an empty array, though callers should leave the field out for it
 * (see command_docs_has_args), as Redis does. */
void command_docs_reply_args(struct buf *out, int resp,
                             const struct command *cmd)
{
    const struct command_args *ca = find_args(cmd);
    if (!ca) {
        reply_array(out, 0);
        return;
    }
    reply_arg_list(out, resp, ca->args, ca->nargs);
}
