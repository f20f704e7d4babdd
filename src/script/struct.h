/*
 * struct.h - the struct library of the scripting environment (pack,
 * unpack, size; the formats of Redis's library, see struct.c).
 */
#ifndef SCRIPT_STRUCT_H
#define SCRIPT_STRUCT_H

#include <lua.h>

/* Push the struct table. */
int luaopen_struct(lua_State *L);

#endif
