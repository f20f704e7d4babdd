# Functions (Redis 7.0): FUNCTION LOAD / DELETE / FLUSH / LIST / DUMP /
# RESTORE / STATS / KILL / HELP, FCALL and FCALL_RO: the library metadata
# line, redis.register_function and its errors, what a library's code may
# touch while it loads, flags, the registry shared by every connection,
# DUMP payloads interchangeable with redis-server 7.0, and functions over
# keys of several shards.
#
# Keys tagged {a}, {b} and {c} lie on different shards with 4 shards.

proc lib {name body} { return "#!lua name=$name\n$body" }


# FUNCTION DUMP of redis-server 7.0.15 holding one library, "ref"
# (LZF-compressed code, RDB version 10, CRC64).
set ::ref_dump [binary decode hex f5c3406c40711f23216c7561206e616d653d7265660a72656469732e72656769737465725f6675076e6374696f6e2827201c045f66272c20e000111a6b6579732c2061726773292072657475726e20276d616465206279200f20450d2d7365727665722027202e2e2023402e0420656e64290a00f207896ca3aa58a7]

start_server {tags {functions}} {
    test "FUNCTION LOAD and FCALL: keys and arguments as the callback's two tables" {
        r function flush
        assert_equal mylib [r function load [lib mylib {
            redis.register_function('echo', function(keys, args) return {#keys, #args, keys[1], args[1]} end)
            redis.register_function('incr_it', function(keys, args) return redis.call('incrby', keys[1], args[1]) end)
        }]]
        assert_equal {1 2 k{a} x} [r fcall echo 1 k{a} x y]
        assert_equal {0 0} [r fcall echo 0]
        r del n{a}
        assert_equal 5 [r fcall incr_it 1 n{a} 5]
        assert_equal 7 [r fcall INCR_IT 1 n{a} 2]
        assert_error "ERR Function not found" {r fcall nosuch 0}
        assert_error "ERR Bad number of keys provided" {r fcall echo x}
        assert_error "ERR Number of keys can't be negative" {r fcall echo -1}
        assert_error "ERR Number of keys can't be greater than number of args" {r fcall echo 2 a}
        assert_error "*wrong number of arguments*" {r fcall echo}
    }

    test "The library's first line: #!lua name=<name>" {
        r function flush
        assert_error "ERR Missing library metadata" {r function load "return 1"}
        assert_error "ERR Invalid library metadata" {r function load "#!lua name=x"}
        assert_error "ERR Library name was not given" {r function load "#!lua\nreturn 1"}
        assert_error "ERR Engine 'lux' not found" {r function load "#!lux name=x\nreturn 1"}
        assert_error "ERR Invalid metadata value given: foo=bar" {r function load "#!lua name=x foo=bar\nreturn 1"}
        assert_error "ERR Invalid metadata value, name argument was given multiple times" \
            {r function load "#!lua name=x name=y\nreturn 1"}
        assert_error "ERR Library names can only contain letters, numbers, or underscores(_)*" \
            {r function load "#!lua name=a-b\nreturn 1"}
        assert_error "ERR Library names can only contain*" {r function load "#!lua name=\nreturn 1"}
        assert_equal up [r function load "#!LUA name=up\nredis.register_function('up_f', function() return 1 end)"]
        assert_error "ERR Library 'up' already exists" \
            {r function load "#!lua  name=up\nredis.register_function('up_g', function() return 1 end)"}
        assert_error "ERR Error compiling function: user_function:2: unexpected symbol near '<eof>'" \
            {r function load "#!lua name=bad\nlocal x = 5 +"}
        assert_error "ERR No functions registered" {r function load "#!lua name=none\nlocal x = 1"}
        assert_error "ERR Unknown option given: replac" {r function load replac "#!lua name=x\nreturn 1"}
        # a lone argument is the code, even "replace"
        assert_error "ERR Missing library metadata" {r function load replace}
    }

    test "redis.register_function: positional and named arguments, and its errors" {
        r function flush
        foreach {code err} {
            "redis.register_function('a-b', function() end)" "ERR Library names can only contain*"
            "redis.register_function('', function() end)" "ERR Library names can only contain*"
            "redis.register_function('t', 5)" "ERR second argument to redis.register_function must be a function"
            "redis.register_function({}, function() end)" "ERR first argument to redis.register_function must be a string"
            "redis.register_function('t')" "ERR calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments)."
            "redis.register_function('t', function() end, 3)" "ERR wrong number of arguments to redis.register_function"
            "redis.register_function{function_name={}, callback=function() end}" "ERR function_name argument given to redis.register_function must be a string"
            "redis.register_function{function_name='t', callback=3}" "ERR callback argument given to redis.register_function must be a function"
            "redis.register_function{function_name='t', callback=function() end, description={}}" "ERR description argument given to redis.register_function must be a string"
            "redis.register_function{function_name='t', callback=function() end, flags={'bad'}}" "ERR unknown flag given"
            "redis.register_function{function_name='t', callback=function() end, flags={1}}" "ERR unknown flag given"
            "redis.register_function{function_name='t', callback=function() end, flags='no-writes'}" "ERR flags argument to redis.register_function must be a table representing function flags"
            "redis.register_function{function_name='t', callback=function() end, foo=1}" "ERR unknown argument given to redis.register_function"
            "redis.register_function{callback=function() end}" "ERR redis.register_function must get a function name argument"
            "redis.register_function{function_name='t'}" "ERR redis.register_function must get a callback argument"
            "redis.register_function('t', function() end) redis.register_function('t', function() end)" "ERR Function already exists in the library"
        } {
            assert_error "ERR Error registering functions: $err" {r function load [lib t $code]}
        }
        # a number is a name; a number is a description; FLAGS in any case
        assert_equal t [r function load [lib t "redis.register_function(5, function() return 'five' end)"]]
        assert_equal five [r fcall 5 0]
        assert_equal t [r function load replace [lib t \
            "redis.register_function{function_name='t', callback=function() return 1 end, description=3, FLAGS={}}"]]
        assert_equal 1 [r fcall t 0]
    }

    test "While a library loads it sees only redis.register_function, redis.log and the constants" {
        r function flush
        foreach {stmt what} {
            "local x = string.format" string  "local x = type" type  "local x = pcall" pcall
            "local x = cjson" cjson  "local x = redis.call" call  "local x = redis.pcall" pcall
            "local x = redis.setresp" setresp  "local x = KEYS" KEYS  "local x = os" os
        } {
            assert_error "ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable '$what'" \
                {r function load [lib t "$stmt\nredis.register_function('t', function() return 1 end)"]}
        }
        assert_error "ERR Error registering functions: ERR user_function:2: Attempt to modify a readonly table" \
            {r function load [lib t "x = 1\nredis.register_function('t', function() return 1 end)"]}
        assert_error "ERR Error registering functions: ERR user_function:2: Attempt to modify a readonly table" \
            {r function load [lib t "redis.x = 1\nredis.register_function('t', function() return 1 end)"]}
        assert_equal t [r function load [lib t {
            local v = redis.REDIS_VERSION .. ' ' .. redis.REDIS_VERSION_NUM .. ' ' .. redis.LOG_WARNING
            redis.log(redis.LOG_DEBUG, 'loading t')
            redis.register_function('t', function() return v end)
        }]]
        assert_match {7.0.* * 3} [r fcall t 0]
    }

    test "At run time a function sees the script globals, and no KEYS, ARGV or register_function" {
        r function flush
        r function load [lib rt {
            redis.register_function('types', function(k, a)
                return type(string) .. type(cjson) .. type(redis.call) .. type(redis.register_function)
            end)
            redis.register_function('keys', function(k, a)
                return KEYS
            end)
            redis.register_function('reg', function(k, a)
                redis.register_function('x', function() end)
            end)
        }]
        assert_equal tabletablefunctionnil [r fcall types 0]
        r eval {return 1} 1 k1
        assert_error "ERR user_function:7: Script attempted to access nonexistent global variable 'KEYS' script: keys, on @user_function:7." \
            {r fcall keys 0}
        assert_error "*attempt to call field 'register_function' (a nil value)*" {r fcall reg 0}
    }

    test "Errors of a function carry its name and line" {
        r function flush
        r function load [lib errs {
            redis.register_function('unknown', function(k, a)
                local x = redis.call('nosuch')
                return x
            end)
            redis.register_function('boom', function(k, a)
                error('boom')
            end)
            redis.register_function('custom', function(k, a)
                return redis.error_reply('MY custom')
            end)
            redis.register_function('tail', function(k, a)
                return redis.call('nosuch')
            end)
        }]
        assert_error "ERR Unknown Redis command called from script script: unknown, on @user_function:4." {r fcall unknown 0}
        assert_error "ERR user_function:8: boom script: boom, on @user_function:8." {r fcall boom 0}
        assert_error "MY custom" {r fcall custom 0}
        assert_error "ERR Unknown Redis command called from script script: tail, on @user_function:14." {r fcall tail 0}
    }

    test "Flags: no-writes and FCALL_RO" {
        r function flush
        r function load [lib fl {
            redis.register_function{function_name='reader', callback=function(k, a) return redis.call('get', k[1]) end,
                                    flags={'no-writes'}, description='reads a key'}
            redis.register_function('writer', function(k, a) return redis.call('set', k[1], a[1]) end)
            redis.register_function{function_name='sneaky', callback=function(k, a)
                local x = redis.call('set', k[1], 'w')
                return x
            end, flags={'no-writes'}}
        }]
        assert_equal OK [r fcall writer 1 k{a} v]
        assert_equal v [r fcall reader 1 k{a}]
        assert_equal v [r fcall_ro reader 1 k{a}]
        assert_error "ERR Can not execute a script with write flag using \*_ro command." {r fcall_ro writer 1 k{a} w}
        assert_error "ERR Write commands are not allowed from read-only scripts. script: sneaky, on @user_function:7." \
            {r fcall sneaky 1 k{a}}
        assert_equal v [r get k{a}]
        # the same rule for EVAL_RO of a script with a shebang
        assert_error "ERR Can not execute a script with write flag using \*_ro command." {r eval_ro "#!lua\nreturn 1" 0}
        assert_equal 1 [r eval_ro "#!lua flags=no-writes\nreturn 1" 0]
    }

    test "FUNCTION LIST: names, descriptions, flags, code, LIBRARYNAME pattern" {
        r function flush
        r function load [lib alpha {
            redis.register_function{function_name='a1', callback=function() return 1 end,
                flags={'allow-cross-slot-keys', 'no-cluster', 'allow-stale', 'allow-oom', 'no-writes'}, description='first'}
        }]
        r function load [lib beta {redis.register_function('b1', function() return 1 end)}]
        set all [r function list]
        assert_equal 2 [llength $all]
        set names {}
        foreach l $all { lappend names [dict get $l library_name] }
        assert_equal {alpha beta} [lsort $names]
        set a [lindex [r function list libraryname al*] 0]
        assert_equal {library_name alpha engine LUA functions {{name a1 description first flags {no-writes allow-oom allow-stale no-cluster allow-cross-slot-keys}}}} $a
        set b [lindex [r function list withcode libraryname B*] 0]
        assert_equal beta [dict get $b library_name]
        assert_equal [lib beta {redis.register_function('b1', function() return 1 end)}] [dict get $b library_code]
        assert_equal {} [r function list libraryname nomatch*]
        assert_error "ERR library name argument was not given" {r function list libraryname}
        assert_error "ERR Unknown argument foo" {r function list foo}
        assert_error "ERR Unknown argument withcode" {r function list withcode withcode}
        assert_error "ERR Unknown argument libraryname" {r function list libraryname a libraryname b}
        # RESP3: maps, a set of flags, a null description
        r hello 3
        r write [::resp::encode FUNCTION LIST LIBRARYNAME beta]
        assert_equal "*1\r\n%3\r\n\$12\r\nlibrary_name\r\n\$4\r\nbeta\r\n\$6\r\nengine\r\n\$3\r\nLUA\r\n\$9\r\nfunctions\r\n*1\r\n%3\r\n\$4\r\nname\r\n\$2\r\nb1\r\n\$11\r\ndescription\r\n_\r\n\$5\r\nflags\r\n~0\r\n" [r read_raw]
        r hello 2
    }

    test "FUNCTION DELETE, FLUSH, STATS, KILL, HELP" {
        r function flush
        r function load [lib d1 {redis.register_function('d1f', function() return 1 end)}]
        r function load [lib d2 {redis.register_function('d2f', function() return 2 end)}]
        assert_equal {running_script {} engines {LUA {libraries_count 2 functions_count 2}}} [r function stats]
        assert_equal OK [r function delete d1]
        assert_error "ERR Library not found" {r function delete d1}
        assert_error "ERR Function not found" {r fcall d1f 0}
        assert_equal 2 [r fcall d2f 0]
        assert_error "ERR FUNCTION FLUSH only supports SYNC|ASYNC option" {r function flush foo}
        assert_equal OK [r function flush async]
        assert_equal OK [r function flush sync]
        assert_equal {} [r function list]
        assert_error "ERR Function not found" {r fcall d2f 0}
        assert_error "NOTBUSY No scripts in execution right now." {r function kill}
        assert_match "FUNCTION <subcommand>*" [lindex [r function help] 0]
        # the same function name again in another library: the name is free
        assert_equal d3 [r function load [lib d3 {redis.register_function('d2f', function() return 3 end)}]]
        assert_error "ERR Function D2F already exists" \
            {r function load [lib d4 {redis.register_function('D2F', function() return 4 end)}]}
        # REPLACE keeps the library's place and drops its old functions
        assert_equal d3 [r function load replace [lib d3 {redis.register_function('d3f', function() return 5 end)}]]
        assert_error "ERR Function not found" {r fcall d2f 0}
        assert_equal 5 [r fcall d3f 0]
        assert_match "*number_of_functions:1*" [r info memory]
    }

    test "FUNCTION DUMP and RESTORE: policies, and payloads of redis-server 7.0" {
        r function flush
        r function load [lib l1 {redis.register_function('f1', function() return 1 end)}]
        r function load [lib l2 {redis.register_function('f2', function() return 2 end)}]
        set dump [r function dump]
        # (which library it names: the first in the dump, whose order is
        # redis-server's dictionary order)
        assert_error {ERR Library l[12] already exists} {rbin function restore $dump}
        assert_error {ERR Library l[12] already exists} {rbin function restore $dump append}
        assert_equal OK [rbin function restore $dump replace]
        r function delete l1
        # all or nothing
        assert_error "ERR Library l2 already exists" {rbin function restore $dump}
        assert_error "ERR Library not found" {r function delete l1}
        r function load [lib zz {redis.register_function('f1', function() return 9 end)}]
        assert_error "ERR Function f1 already exists" {rbin function restore $dump replace}
        assert_equal OK [rbin function restore $dump flush]
        assert_equal {1 2} [list [r fcall f1 0] [r fcall f2 0]]
        assert_error "ERR Function not found" {r fcall zz 0}
        assert_error "ERR DUMP payload version or checksum are wrong" {rbin function restore [string range $dump 0 end-1]}
        assert_error "ERR DUMP payload version or checksum are wrong" {rbin function restore ""}
        assert_error "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE." \
            {rbin function restore $dump nope}
        assert_error "ERR unknown subcommand or wrong number of arguments for 'restore'. Try FUNCTION HELP." \
            {rbin function restore $dump flush x}
        r function flush
        assert_equal OK [rbin function restore $::ref_dump]
        assert_equal "made by redis-server 2" [r fcall ref_f 2 a b]
        set mine [r function dump]
        r function flush
        assert_equal OK [rbin function restore $mine]
        assert_equal "made by redis-server 0" [r fcall ref_f 0]
        # an empty registry dumps to the 10-byte trailer alone
        r function flush
        assert_equal 10 [string length [r function dump]]
        assert_equal OK [rbin function restore [r function dump]]
    }
}

start_server {tags {functions}} {
    test "Libraries are the server's: loaded on one connection, seen on every other" {
        r function flush
        set clients {}
        for {set i 0} {$i < 8} {incr i} { lappend clients [redis_client] }
        [lindex $clients 0] function load [lib shared {redis.register_function('sf', function() return 'shared' end)}]
        foreach c $clients {
            assert_equal shared [$c fcall sf 0]
            assert_equal shared [dict get [lindex [$c function list] 0] library_name]
        }
        [lindex $clients 3] function load replace [lib shared {redis.register_function('sf', function() return 'v2' end)}]
        foreach c $clients { assert_equal v2 [$c fcall sf 0] }
        [lindex $clients 5] function flush
        foreach c $clients {
            assert_error "ERR Function not found" {$c fcall sf 0}
            $c close
        }
    }

    test "A function over keys of several shards, declared or not" {
        r function flush
        r function load [lib bank {
            redis.register_function('transfer', function(k, a)
                local from = tonumber(redis.call('get', k[1]) or 0)
                if from < tonumber(a[1]) then return redis.error_reply('ERR insufficient funds') end
                redis.call('decrby', k[1], a[1])
                redis.call('incrby', k[2], a[1])
                return {redis.call('get', k[1]), redis.call('get', k[2])}
            end)
            redis.register_function('touch_all', function(k, a)
                local t = {}
                for i, key in ipairs({'t{a}', 't{b}', 't{c}'}) do t[i] = redis.call('incr', key) end
                return t
            end)
        }]
        r mset acct{a} 100 acct{b} 0
        assert_equal {70 30} [r fcall transfer 2 acct{a} acct{b} 30]
        assert_error "ERR insufficient funds" {r fcall transfer 2 acct{b} acct{c} 31}
        r del t{a} t{b} t{c}
        assert_equal {1 1 1} [r fcall touch_all 0]
        assert_equal {2 2 2} [r fcall touch_all 0]
        r multi
        r fcall transfer 2 acct{a} acct{b} 5
        r fcall transfer 2 acct{b} acct{a} 1
        assert_equal {{65 35} {34 66}} [r exec]
    }
}
