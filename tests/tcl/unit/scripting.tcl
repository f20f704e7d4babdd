# Lua scripts: EVAL, EVALSHA, the _RO forms and SCRIPT, as Redis 7.0 runs
# them: the conversion of replies both ways (RESP2 and RESP3), redis.call
# and redis.pcall and their errors, the sandbox and read-only globals, the
# script cache shared by every connection, numkeys, read-only scripts, and
# scripts whose declared keys lie on several shards.
#
# Keys tagged {a}, {b} and {c} lie on different shards with 4 shards.

# EVAL on the default client, returning the exact bytes of its reply.
proc eval_raw {args} {
    r write [::resp::encode EVAL {*}$args]
    return [r read_raw]
}

start_server {tags {scripting}} {

    # ------------------------------------------------ Lua -> Redis replies
    test "EVAL returns Lua values as Redis replies" {
        assert_equal hello [r eval {return 'hello'} 0]
        assert_equal 100 [r eval {return 100.5} 0]
        assert_equal -1 [r eval {return -1.9} 0]
        assert_equal 9007199254740992 [r eval {return 2^53} 0]
        assert_equal ":1\r\n" [eval_raw {return true} 0]
        assert_equal "\$-1\r\n" [eval_raw {return false} 0]
        assert_equal "\$-1\r\n" [eval_raw {return nil} 0]
        assert_equal "+fine\r\n" [eval_raw {return {ok='fine'}} 0]
        assert_equal "-My Error\r\n" [eval_raw {return {err='My Error'}} 0]
        assert_equal "--E1 z\r\n" [eval_raw {return {err='-E1 z'}} 0]
        assert_equal {1 2} [r eval {return {1,2,nil,3}} 0]
        assert_equal {1 {2 3} x o e} [r eval {return {1,{2,3},'x',{ok='o'},{err='e'}}} 0]
        assert_equal "*0\r\n" [eval_raw {return {}} 0]
        assert_equal "\$-1\r\n" [eval_raw {return function() end} 0]
        assert_equal "\$3\r\n1.5\r\n" [eval_raw {return {double=1.5}} 0]
    }

    test "KEYS and ARGV hold the arguments" {
        assert_equal {k1 k2 a1 a2 a3} [r eval {return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3]}} 2 k1 k2 a1 a2 a3]
        assert_equal {0 2} [r eval {return {#KEYS, #ARGV}} 0 x y]
    }

    test "numkeys must be an integer from 0 to the number of arguments" {
        assert_error "ERR value is not an integer or out of range" {r eval {return 1} x}
        assert_error "ERR Number of keys can't be negative" {r eval {return 1} -1}
        assert_error "ERR Number of keys can't be greater than number of args" {r eval {return 1} 2 a}
        assert_error "*wrong number of arguments*" {r eval {return 1}}
    }

    # ------------------------------------------------ redis.call / pcall
    test "redis.call returns Redis replies as Lua values" {
        r del k{a} l{a} h{a}
        assert_equal 1 [r eval {return redis.call('incr', KEYS[1])} 1 k{a}]
        assert_equal {number string boolean OK table} [r eval {
            local t = {}
            t[1] = type(redis.call('incr', KEYS[1]))
            t[2] = type(redis.call('get', KEYS[1]))
            t[3] = type(redis.call('get', 'nokey{a}'))
            local s = redis.call('set', KEYS[1], 'v')
            t[4] = s['ok']
            t[5] = type(redis.call('lrange', KEYS[2], 0, -1))
            return t
        } 2 k{a} l{a}]
        assert_equal 1 [r eval {return redis.call('get', 'nokey{a}') == false} 1 k{a}]
        r rpush l{a} x y
        assert_equal {x y} [r eval {return redis.call('lrange', KEYS[1], 0, -1)} 1 l{a}]
    }

    test "Numbers passed to redis.call are formatted as Redis does" {
        r eval {return redis.call('set', KEYS[1], 0.1)} 1 k{a}
        assert_equal 0.10000000000000001 [r get k{a}]
        r eval {return redis.call('set', KEYS[1], 5)} 1 k{a}
        assert_equal 5 [r get k{a}]
    }

    test "redis.call raises the command's error, redis.pcall returns it" {
        r set s{a} str
        assert_error "WRONGTYPE Operation against a key holding the wrong kind of value script: *" \
            {r eval {local x = redis.call('hset', KEYS[1], 'a', 'b') return x} 1 s{a}}
        assert_equal "-ERR value is not an integer or out of range\r\n" \
            [eval_raw {return redis.pcall('incr', KEYS[1])} 1 s{a}]
        assert_equal "ERR value is not an integer or out of range" \
            [r eval {return redis.pcall('incr', KEYS[1])['err']} 1 s{a}]
        assert_equal {table} [r eval {return type(redis.pcall('nosuch'))} 0]
        assert_equal "-ERR Unknown Redis command called from script\r\n" [eval_raw {return redis.pcall('nosuch')} 0]
    }

    test "redis.call in tail position: its error names the script's line too" {
        r set s{a} str
        foreach body [list {return redis.call('incr', KEYS[1])} \
                          "local function f(k)\n  return redis.call (\n 'incr', k) end\nreturn f(KEYS\[1\])" \
                          {return redis.call('incr', KEYS[1]) -- return redis.call('x'}] {
            set sha [r script load $body]
            set line [expr {[string match "local function*" $body] ? 2 : 1}]
            assert_error "ERR value is not an integer or out of range script: $sha, on @user_script:$line." \
                {r eval $body 1 s{a}}
        }
        # what the tail call returns is unchanged
        assert_equal {str} [r eval {return redis.call('get', KEYS[1])} 1 s{a}]
        assert_equal {str} [r eval {return redis.call("get", "s{a}"), 2} 0]
        assert_equal {STR} [r eval {return redis.call('get', KEYS[1]):upper()} 1 s{a}]
        assert_equal {s} [r eval {return redis.call('get', KEYS[1])[1] or 's'} 1 s{a}]
    }

    test "redis.call's own errors, with the script and the line" {
        set body {local x = redis.call('nosuch') return x}
        set sha [r script load $body]
        assert_error "ERR Unknown Redis command called from script script: $sha, on @user_script:1." \
            {r eval $body 0}
        set body "local a = 1\nlocal x = redis.call('set') return x"
        set sha [r script load $body]
        assert_error "ERR Wrong number of args calling Redis command from script script: $sha, on @user_script:2." \
            {r eval $body 0}
        assert_error "ERR Lua redis lib command arguments must be strings or integers*" \
            {r eval {local x = redis.call('get', {}) return x} 0}
        assert_error "ERR Please specify at least one argument for this redis lib call*" \
            {r eval {local x = redis.call() return x} 0}
        assert_error "ERR This Redis command is not allowed from script*" \
            {r eval {local x = redis.call('eval', 'return 1', 0) return x} 0}
        assert_error "ERR Unknown Redis command called from script*" \
            {r eval {local x = redis.call('config', 'nosuch') return x} 0}
    }

    test "Lua errors: runtime and compile errors as Redis 7.0 words them" {
        set sha [r script load {error('x')}]
        assert_error "ERR user_script:1: x script: $sha, on @user_script:1." {r eval {error('x')} 0}
        set sha [r script load {return 1 + nil}]
        assert_error "ERR user_script:1: attempt to perform arithmetic on a nil value script: $sha, on @user_script:1." \
            {r eval {return 1 + nil} 0}
        set sha [r script load {error({err='TABLE err'})}]
        assert_error "TABLE err script: $sha, on @user_script:1." {r eval {error({err='TABLE err'})} 0}
        assert_error "ERR Error compiling script (new function): user_script:1: '=' expected near 'error'" \
            {r eval {syntax error here} 0}
    }

    test "redis.error_reply and redis.status_reply" {
        assert_equal "-ERR E1\r\n" [eval_raw {return redis.error_reply('E1')} 0]
        assert_equal "-WRONGTYPE x y\r\n" [eval_raw {return redis.error_reply('WRONGTYPE x y')} 0]
        assert_equal "-E1 z\r\n" [eval_raw {return redis.error_reply('-E1 z')} 0]
        assert_equal "-ERR x\r\n" [eval_raw {return redis.error_reply('-x')} 0]
        assert_equal "-lower case\r\n" [eval_raw {return redis.error_reply('lower case')} 0]
        assert_equal "ERR E1" [r eval {return redis.error_reply('E1')['err']} 0]
        assert_equal "+FINE\r\n" [eval_raw {return redis.status_reply('FINE')} 0]
    }

    # ------------------------------------------------ the sandbox
    test "Globals: reading a missing one and writing any is an error" {
        set sha [r script load {return a}]
        assert_error "ERR user_script:1: Script attempted to access nonexistent global variable 'a' script: $sha, on @user_script:1." \
            {r eval {return a} 0}
        set sha [r script load {a=10}]
        assert_error "ERR user_script:1: Attempt to modify a readonly table script: $sha, on @user_script:1." \
            {r eval {a=10} 0}
        assert_error "*Attempt to modify a readonly table*" {r eval {string.foo = 1} 0}
        assert_error "*Attempt to modify a readonly table*" {r eval {redis.call = nil} 0}
        assert_error "*Attempt to modify a readonly table*" {r eval {math.random = nil} 0}
        # locals are fine
        assert_equal 10 [r eval {local a = 10 return a} 0]
    }

    test "No os, io, print, loadfile, dofile, require in the sandbox" {
        foreach g {os io print loadfile dofile require debug} {
            assert_error "*Script attempted to access nonexistent global variable '$g'*" {r eval "return $g" 0}
        }
        assert_equal 3 [r eval {return bit.band(7, 3)} 0]
        assert_equal 16 [r eval {return tonumber('0x10')} 0]
        assert_equal 0.1 [r eval {return tostring(0.1)} 0]
        assert_equal {table} [r eval {return type(coroutine)} 0]
    }

    test "redis.sha1hex, REDIS_VERSION, log, setresp and friends" {
        assert_equal da39a3ee5e6b4b0d3255bfef95601890afd80709 [r eval {return redis.sha1hex('')} 0]
        assert_equal 2ef7bde608ce5404e97d5f042f95f89f1c232871 [r eval {return redis.sha1hex('Hello World!')} 0]
        assert_error "ERR wrong number of arguments*" {r eval {local x = redis.sha1hex() return x} 0}
        assert_equal 458767 [r eval {return redis.REDIS_VERSION_NUM} 0]
        assert_equal 7.0.15 [r eval {return redis.REDIS_VERSION} 0]
        assert_equal {} [r eval {redis.log(redis.LOG_WARNING, 'from a script')} 0]
        assert_error "*RESP version must be 2 or 3*" {r eval {redis.setresp(4)} 0}
        assert_equal 1 [r eval {return redis.replicate_commands()} 0]
        assert_equal {} [r eval {redis.set_repl(redis.REPL_ALL)} 0]
        assert_equal 1 [r eval {return redis.acl_check_cmd('get', 'x')} 0]
    }

    test "math.random after math.randomseed gives redis-server's sequence" {
        assert_equal 0.041630344484761 [r eval {math.randomseed(1); return tostring(math.random())} 0]
        assert_equal {27 7} [r eval {math.randomseed(7); return {math.random(100), math.random(1, 10)}} 0]
    }

    test "cjson encodes and decodes as in Redis" {
        assert_equal {[1,2,3]} [r eval {return cjson.encode({1,2,3})} 0]
        assert_equal {{"a":1}} [r eval {return cjson.encode({a=1})} 0]
        assert_equal {{}} [r eval {return cjson.encode({})} 0]
        assert_equal 2 [r eval {return cjson.decode('{"a":[1,{"b":2}]}').a[2].b} 0]
        assert_equal {{"x":1.5}} [r eval {return cjson.encode(cjson.decode('{"x":1.5}'))} 0]
        assert_equal {userdata} [r eval {return type(cjson.null)} 0]
        assert_error "*Expected value but found invalid token at character 1*" \
            {r eval {local x = cjson.decode('bad') return x} 0}
        assert_error "*Attempt to modify a readonly table*" {r eval {cjson.encode = nil} 0}
    }

    test "cmsgpack packs and unpacks as in Redis" {
        set hx {local function hx(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end }
        assert_equal 010203 [r eval "${hx}return hx(cmsgpack.pack(1,2,3))" 0]
        assert_equal ffd0dfcd012cd1fed4ce00011170cf0000010000000000d3ffffff0000000000 \
            [r eval "${hx}return hx(cmsgpack.pack(-1,-33,300,-300,70000,2^40,-2^40))" 0]
        assert_equal ca3fc00000cb3fb999999999999a00cb7e37e43c8800759c \
            [r eval "${hx}return hx(cmsgpack.pack(1.5, 0.1, -0.0, 1e300))" 0]
        assert_equal a3616263c3c2c0 [r eval "${hx}return hx(cmsgpack.pack('abc', true, false, nil))" 0]
        assert_equal 9301020381a1610190 [r eval "${hx}return hx(cmsgpack.pack({1,2,3}, {a=1}, {}))" 0]
        assert_equal {1 a {1 2}} [r eval {return {cmsgpack.unpack(cmsgpack.pack(1,'a',{1,2}))}} 0]
        assert_equal deep [r eval {return cmsgpack.unpack(cmsgpack.pack({a={b={c='deep'}}})).a.b.c} 0]
        assert_equal {1 5} [r eval {return {cmsgpack.unpack_one(cmsgpack.pack(5,6), 0)}} 0]
        assert_equal {2 5 6} [r eval {return {cmsgpack.unpack_limit(cmsgpack.pack(5,6,7), 2)}} 0]
        assert_error "*Bad data format in input.*" {r eval {local x = cmsgpack.unpack('\193') return x} 0}
        assert_error "*Missing bytes in input.*" {r eval {local x = cmsgpack.unpack('\146\001') return x} 0}
    }

    test "struct packs, unpacks and sizes as in Redis" {
        set hx {local function hx(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end }
        assert_equal 00000001 [r eval "${hx}return hx(struct.pack('>i', 1))" 0]
        assert_equal feffffff [r eval "${hx}return hx(struct.pack('i', -2))" 0]
        assert_equal 0100000002000000 [r eval "${hx}return hx(struct.pack('!4 b i', 1, 2))" 0]
        assert_equal 616200 [r eval "${hx}return hx(struct.pack('s', 'ab'))" 0]
        assert_equal {1 -1 5} [r eval {return {struct.unpack('>hh', struct.pack('>hh', 1, -1))}} 0]
        assert_equal {abc 5} [r eval {return {struct.unpack('bc0', '\3abcd')}} 0]
        assert_equal 15 [r eval {return struct.size('>i h b d')} 0]
        assert_error "*invalid format option 'q'*" {r eval {local x = struct.pack('q', 1) return x} 0}
        assert_error "*data string too short*" {r eval {local x = struct.unpack('>i', 'ab') return x} 0}
    }

    # ------------------------------------------------ RESP3
    test "RESP3: Lua booleans, doubles, maps and sets to a RESP3 client" {
        set c [redis_client]
        $c hello 3
        # booleans follow the script's protocol (redis.setresp), the rest
        # the client's
        $c write [::resp::encode EVAL {return true} 0]
        assert_equal ":1\r\n" [$c read_raw]
        $c write [::resp::encode EVAL {return false} 0]
        assert_equal "_\r\n" [$c read_raw]
        $c write [::resp::encode EVAL {redis.setresp(3); return true} 0]
        assert_equal "#t\r\n" [$c read_raw]
        $c write [::resp::encode EVAL {redis.setresp(3); return {1, false}} 0]
        assert_equal "*2\r\n:1\r\n#f\r\n" [$c read_raw]
        $c write [::resp::encode EVAL {return {big_number='123'}} 0]
        assert_equal "(123\r\n" [$c read_raw]
        $c write [::resp::encode EVAL {return {verbatim_string={format='txt', string='hi'}}} 0]
        assert_equal "=6\r\ntxt:hi\r\n" [$c read_raw]
        $c write [::resp::encode EVAL {return {double=1.5}} 0]
        assert_equal ",1.5\r\n" [$c read_raw]
        $c write [::resp::encode EVAL {return {map={a=1}}} 0]
        assert_equal "%1\r\n\$1\r\na\r\n:1\r\n" [$c read_raw]
        $c write [::resp::encode EVAL {return {set={x=true}}} 0]
        assert_equal "~1\r\n\$1\r\nx\r\n" [$c read_raw]
        $c write [::resp::encode EVAL {return nil} 0]
        assert_equal "_\r\n" [$c read_raw]
        $c close
    }

    test "redis.setresp(3): redis.call's RESP3 replies as Lua values" {
        r del h{a}
        r hset h{a} f v
        assert_equal v [r eval {redis.setresp(3); return redis.call('hgetall', KEYS[1])['map']['f']} 1 h{a}]
        assert_equal {f v} [r eval {return redis.call('hgetall', KEYS[1])} 1 h{a}]
        assert_equal 1 [r eval {redis.setresp(3); return redis.call('get', 'nokey{a}') == nil} 1 h{a}]
        assert_equal 1 [r eval {redis.setresp(3); return redis.call('exists', KEYS[1]) == 1} 1 h{a}]
    }

    # ------------------------------------------------ the script cache
    test "SCRIPT LOAD, EVALSHA, SCRIPT EXISTS and SCRIPT FLUSH" {
        r script flush
        set sha [r script load {return 'loaded'}]
        assert_equal $sha [r eval {return redis.sha1hex("return 'loaded'")} 0]
        assert_equal loaded [r evalsha $sha 0]
        assert_equal loaded [r evalsha [string toupper $sha] 0]
        assert_equal {1 0} [r script exists $sha ffffffffffffffffffffffffffffffffffffffff]
        assert_error "NOSCRIPT No matching script. Please use EVAL." {r evalsha ffffffffffffffffffffffffffffffffffffffff 0}
        assert_error "NOSCRIPT No matching script. Please use EVAL." {r evalsha abc 0}
        # EVAL caches its script too
        r eval {return 'by eval'} 0
        assert_equal {by eval} [r evalsha [r eval {return redis.sha1hex("return 'by eval'")} 0] 0]
        assert_equal OK [r script flush]
        assert_equal {0} [r script exists $sha]
        assert_error "NOSCRIPT*" {r evalsha $sha 0}
        assert_equal OK [r script flush async]
        assert_equal OK [r script flush sync]
        assert_error "ERR SCRIPT FLUSH only support SYNC|ASYNC option" {r script flush foo}
        assert_error "NOTBUSY No scripts in execution right now." {r script kill}
        assert_error "ERR Error compiling script*" {r script load {syntax error here}}
        assert_equal OK [r script debug no]
        assert_error "ERR Use SCRIPT DEBUG YES/SYNC/NO" {r script debug maybe}
        set help [r script help]
        assert_equal {SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:} [lindex $help 0]
        assert_equal {DEBUG (YES|SYNC|NO)} [lindex $help 1]
        assert_equal 17 [llength $help]
    }

    test "A script loaded on one connection runs on every connection, and a flush is seen by all" {
        set body {return 'everywhere'}
        set sha [r script load $body]
        set clients {}
        for {set i 0} {$i < 12} {incr i} { lappend clients [redis_client] }
        foreach c $clients { assert_equal everywhere [$c evalsha $sha 0] }
        foreach c $clients { assert_equal {1} [$c script exists $sha] }
        [lindex $clients 5] script flush
        foreach c $clients {
            assert_error "NOSCRIPT*" {$c evalsha $sha 0}
            $c close
        }
    }

    test "INFO memory counts the cached scripts and the Lua memory" {
        r script flush
        assert_equal 0 [info_field [r info memory] number_of_cached_scripts]
        r script load {return 'one'}
        r eval {return 'two'} 0
        r script load {return 'one'}
        assert_equal 2 [info_field [r info memory] number_of_cached_scripts]
        assert {[info_field [r info memory] used_memory_scripts_eval] > 0}
        assert {[info_field [r info memory] used_memory_lua] > 0}
        r script flush
        assert_equal 0 [info_field [r info memory] number_of_cached_scripts]
    }

    # ------------------------------------------------ read-only scripts
    test "EVAL_RO and EVALSHA_RO refuse writes" {
        r set k{a} v
        assert_equal v [r eval_ro {return redis.call('get', KEYS[1])} 1 k{a}]
        assert_error "ERR Write commands are not allowed from read-only scripts.*" \
            {r eval_ro {local x = redis.call('set', KEYS[1], 'w') return x} 1 k{a}}
        set sha [r script load {return redis.call('get', KEYS[1])}]
        assert_equal v [r evalsha_ro $sha 1 k{a}]
        assert_equal v [r get k{a}]
    }

    # ------------------------------------------------ atomic wherever the keys are
    test "A script over declared keys of several shards reads and writes them all" {
        r del x{a} y{b} z{c}
        r set x{a} 10
        r set y{b} 5
        assert_equal {7 8 done} [r eval {
            local a = redis.call('decrby', KEYS[1], 3)
            local b = redis.call('incrby', KEYS[2], 3)
            redis.call('set', KEYS[3], 'done')
            return {a, b, redis.call('get', KEYS[3])}
        } 3 x{a} y{b} z{c}]
        assert_equal {7 8 done} [r mget x{a} y{b} z{c}]
        # an error half way: what ran before it stays, as in Redis
        assert_error "*WRONGTYPE*" {r eval {
            redis.call('set', KEYS[1], 'first')
            local x = redis.call('lpush', KEYS[2], 'v')
            return x
        } 2 x{a} z{c}}
        assert_equal first [r get x{a}]
    }

    test "Keys the script builds itself, on any shard, work as on one Redis" {
        r del u{a} u{b} u{c} n{a} n{b} n{c}
        assert_equal {a b c} [r eval {
            redis.call('set', 'u{a}', 'a')
            redis.call('set', 'u{b}', 'b')
            redis.call('set', 'u{c}', 'c')
            return {redis.call('get', 'u{a}'), redis.call('get', 'u{b}'), redis.call('get', 'u{c}')}
        } 0]
        assert_equal {a b c} [r mget u{a} u{b} u{c}]
        # reads first, then writes, on undeclared keys of three shards
        assert_equal {1 1 1 3} [r eval {
            local t = {}
            for i, k in ipairs({'n{a}', 'n{b}', 'n{c}'}) do t[i] = redis.call('incr', k) end
            t[4] = #t
            return t
        } 0]
        # the declared key's shard first, then others
        assert_equal {2 2} [r eval {
            return {redis.call('incr', KEYS[1]), redis.call('incr', 'n{b}')}
        } 1 n{a}]
        # errors of a call on another shard: raised, or handed by pcall
        r set s{b} str
        assert_error "WRONGTYPE Operation against a key holding the wrong kind of value*" \
            {r eval {local x = redis.call('hset', 's{b}', 'f', 'v') return x} 0}
        assert_equal {0 {WRONGTYPE Operation against a key holding the wrong kind of value}} \
            [r eval {local ok, e = pcall(redis.call, 'hset', 's{b}', 'f', 'v') return {ok and 1 or 0, e}} 0]
        assert_equal "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n" \
            [eval_raw {return redis.pcall('hset', 's{b}', 'f', 'v')} 0]
        # and through EVALSHA, from a pipeline
        set sha [r script load {return redis.call('incr', ARGV[1])}]
        r write [::resp::encode EVALSHA $sha 0 n{c}][::resp::encode EVALSHA $sha 0 n{b}][::resp::encode GET n{c}]
        assert_equal {2 3 2} [list [r read] [r read] [r read]]
    }

    test "A script's commands over keys of several shards, and server-wide ones" {
        r flushall
        assert_equal {{1 2 {} z x} 3 5 5 2} [r eval {
            redis.call('set', 'a{a}', 1)
            redis.call('set', 'a{b}', 2)
            redis.call('mset', 'm{a}', 'x', 'm{b}', 'y', 'm{c}', 'z')
            return {redis.call('mget', 'a{a}', 'a{b}', 'a{c}', 'm{c}', 'm{a}'),
                    redis.call('exists', 'a{a}', 'a{b}', 'a{c}', 'm{a}'),
                    redis.call('dbsize'), #redis.call('keys', '*'),
                    redis.call('del', 'a{a}', 'a{b}', 'a{c}')}
        } 0]
        assert_equal {y {}} [r mget m{b} a{a}]
        assert_equal 3 [r dbsize]
        # many keys, each on its own tag
        set keys {}
        for {set i 0} {$i < 100} {incr i} { lappend keys "k$i" }
        r mset {*}[concat {*}[lmap k $keys {list $k v}]]
        assert_equal 100 [r eval {return redis.call('del', unpack(KEYS))} 100 {*}$keys]
        assert_equal 0 [r eval {return redis.call('del', unpack(ARGV))} 0 {*}$keys] ;# (undeclared)
        r mset {*}[concat {*}[lmap k $keys {list $k v}]]
        assert_equal 100 [r eval {return redis.call('del', unpack(ARGV))} 0 {*}$keys]
        assert_equal 0 [r eval {return redis.call('exists', unpack(ARGV))} 0 {*}$keys]
        # a script that wrote first: its write is taken back, it runs again
        assert_equal {1 {}} [r eval {redis.call('set', 'q{a}', 1) return redis.call('mget', 'q{a}', 'q{b}')} 0]
        assert_equal 1 [r get q{a}]
        assert_equal 0 [r eval {return redis.call('publish', 'nobody', 'm')} 0]
        assert_equal OK [r eval {return redis.call('flushall')} 0]
        assert_equal 0 [r dbsize]
    }

    test "Declared keys on several shards and a key the script builds itself" {
        r del a{a} a{b} u{c}
        r mset a{a} 10 a{b} 20 u{c} 5
        assert_equal {11 21 105} [r eval {
            redis.call('incrby', KEYS[1], 1)
            redis.call('incrby', KEYS[2], 1)
            local u = redis.call('incrby', 'u{' .. ARGV[1] .. '}', 100)
            return {redis.call('get', KEYS[1]), redis.call('get', KEYS[2]), u}
        } 2 a{a} a{b} c]
        # each write happened once: the first run's copies were dropped
        assert_equal {11 21 105} [r mget a{a} a{b} u{c}]
        # a queue's move with the job's key built from what it popped
        r del wait{a} active{b} job:j1 job:j2
        r rpush wait{a} j1 j2
        set mv {
            local job = redis.call('rpop', KEYS[1])
            if not job then return false end
            redis.call('lpush', KEYS[2], job)
            redis.call('hset', 'job:' .. job, 'state', 'active')
            return job
        }
        assert_equal j2 [r eval $mv 2 wait{a} active{b}]
        assert_equal j1 [r eval $mv 2 wait{a} active{b}]
        assert_equal {} [r eval $mv 2 wait{a} active{b}]
        assert_equal {j1 j2} [r lrange active{b} 0 -1]
        assert_equal {state active} [r hgetall job:j1]
        assert_equal {state active} [r hgetall job:j2]
    }

    test "Commands pipelined after a script see what it wrote to keys it built itself" {
        # the script's declared key and the key it builds lie on different
        # shards, and each client's own shard is one of several: when the
        # script is sent to its key's shard and then comes to lock every
        # shard, the next command (for the built key's shard) still runs
        # after it
        r del p{b} p{c}
        set clients {}
        for {set i 0} {$i < 4} {incr i} { lappend clients [redis_deferring_client] }
        set body {redis.call('set', KEYS[1], ARGV[1]) redis.call('set', 'p{c}', ARGV[1]) return 1}
        set sha [r script load $body]
        set bad {}
        foreach c $clients {
            set payload ""
            for {set i 1} {$i <= 50} {incr i} {
                append payload [::resp::encode EVALSHA $sha 1 p{b} $i]
                append payload [::resp::encode GET p{c}]
                append payload [::resp::encode GET p{b}]
            }
            $c write $payload
            for {set i 1} {$i <= 50} {incr i} {
                set r1 [$c read]
                set pc [$c read]
                set pb [$c read]
                if {$r1 ne 1 || $pc ne $i || $pb ne $i} { lappend bad "round $i: $r1 $pc $pb" }
            }
            $c close
        }
        assert_equal {} [lrange $bad 0 4]
    }

    test "EVAL inside MULTI" {
        r del k{a}
        r multi
        r eval {return redis.call('incr', KEYS[1])} 1 k{a}
        r eval {return redis.call('incr', KEYS[1])} 1 k{a}
        assert_equal {1 2} [r exec]
    }

    test "EVAL and FCALL inside MULTI over keys of any shard, declared or not" {
        r del m{a} m{b} m{c} u{b} u{c}
        r function load replace {#!lua name=mlib
            redis.register_function('bump', function(keys, args)
                redis.call('incr', 'u{c}')
                return redis.call('incr', keys[1])
            end)}
        set body {redis.call('set', 'u{b}', ARGV[1]) redis.call('incr', 'u{c}') return redis.call('incr', KEYS[1])}
        r multi
        r set m{c} 10
        r eval $body 1 m{a} x
        r incr u{c}
        r eval $body 1 m{a} y
        r fcall bump 1 m{b}
        r mget m{a} m{b} m{c} u{b} u{c}
        assert_equal {OK 1 2 2 1 {2 1 10 y 4}} [r exec]
        # another client sees all of it or none of it
        set rd [redis_deferring_client]
        set payload ""
        for {set i 0} {$i < 100} {incr i} {
            append payload [::resp::encode MULTI]
            append payload [::resp::encode EVAL {redis.call('incr', 'u{b}') return redis.call('incr', 'u{c}')} 0]
            append payload [::resp::encode EXEC]
        }
        r set u{b} 0
        r set u{c} 0
        $rd write $payload
        set torn 0
        for {set i 0} {$i < 100} {incr i} {
            lassign [r mget u{b} u{c}] b c
            if {$b != $c} { incr torn }
        }
        for {set i 0} {$i < 300} {incr i} { $rd read }
        $rd close
        assert_equal 0 $torn
        assert_equal {100 100} [r mget u{b} u{c}]
    }

    test "A client blocked on a list is served by a script's push" {
        r del q{a}
        set c [redis_deferring_client]
        $c blpop q{a} 0
        for {set i 0} {$i < 200 && [info_field [r info clients] blocked_clients] != 1} {incr i} { after 10 }
        r eval {redis.call('rpush', KEYS[1], 'a'); redis.call('rpush', KEYS[1], 'b'); return 1} 1 q{a}
        assert_equal {q{a} a} [$c read]
        assert_equal {b} [r lrange q{a} 0 -1]
        $c close
    }
}

start_server {tags {scripting}} {
    test "Shebang: #!lua and its flags" {
        r del k{a}
        assert_equal 1 [r eval "#!lua\nreturn 1" 0]
        assert_equal OK [r eval "#!lua\nreturn redis.call('set', KEYS\[1\], 'v')" 1 k{a}]
        assert_equal v [r eval "#!lua flags=no-writes\nreturn redis.call('get', KEYS\[1\])" 1 k{a}]
        assert_error "ERR Write commands are not allowed from read-only scripts.*@user_script:2." \
            {r eval "#!lua flags=no-writes\nlocal x = redis.call('set', KEYS\[1\], 'w') return x" 1 k{a}}
        assert_equal 2 [r eval "#!lua flags=allow-cross-slot-keys,no-cluster,allow-stale\nreturn 2" 0]
        assert_equal 3 [r eval "#!lua   flags=no-writes   \nreturn 3" 0]
        assert_equal 1 [r eval "#!lua flags=\nreturn 1" 0]
        assert_error "ERR Unexpected flag in script shebang: foo" {r eval "#!lua flags=foo\nreturn 1" 0}
        assert_error "ERR Unexpected engine in script shebang: #!python" {r eval "#!python\nreturn 1" 0}
        assert_error "ERR Unexpected engine in script shebang: #!luaa" {r eval "#!luaa\nreturn 1" 0}
        assert_error "ERR Unknown lua shebang option: name=x" {r eval "#!lua name=x\nreturn 1" 0}
        # line numbers count the shebang line
        assert_error "*user_script:2: Script attempted to access nonexistent global variable 'nope'*" \
            {r eval "#!lua\nreturn nope" 0}
        # EVALSHA keeps the flags
        set sha [r script load "#!lua flags=no-writes\nlocal x = redis.call('set', KEYS\[1\], 'w') return x"]
        assert_error "ERR Write commands are not allowed from read-only scripts.*" {r evalsha $sha 1 k{a}}
    }
}

start_server {tags {scripting} overrides {maxmemory 1 maxmemory-policy noeviction}} {
    test "Out of memory: a script with a shebang that may write is refused, allow-oom and no-writes run" {
        assert_error "OOM command not allowed when used memory > 'maxmemory'." \
            {r eval "#!lua\nreturn redis.call('get', KEYS\[1\])" 1 k{a}}
        assert_equal {} [r eval "#!lua flags=no-writes\nreturn redis.call('get', KEYS\[1\])" 1 k{a}]
        assert_equal OK [r eval "#!lua flags=allow-oom\nreturn redis.call('set', KEYS\[1\], 'v')" 1 k{a}]
        # without a shebang the script runs and its write is refused
        assert_error "OOM command not allowed when used memory > 'maxmemory'. script: *" \
            {r eval "local x = redis.call('set', KEYS\[1\], 'w') return x" 1 k{a}}
        assert_equal v [r eval {return redis.call('get', KEYS[1])} 1 k{a}]
    }
}
