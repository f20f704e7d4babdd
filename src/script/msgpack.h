/*
 * msgpack.h - the cmsgpack library of the scripting environment (Redis's
 * encodings, see msgpack.c).
 */
#ifndef SCRIPT_MSGPACK_H
#define SCRIPT_MSGPACK_H

#include <lua.h>

/* Push the cmsgpack table (pack, unpack, unpack_one, unpack_limit). */
int luaopen_cmsgpack(lua_State *L);

#endif
