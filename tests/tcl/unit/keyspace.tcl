# Keyspace commands: DEL UNLINK EXISTS TYPE EXPIRE family TTL PTTL
# EXPIRETIME PEXPIRETIME PERSIST KEYS SCAN RANDOMKEY RENAME RENAMENX COPY
# TOUCH DBSIZE FLUSHDB FLUSHALL SELECT SWAPDB MOVE OBJECT, active and lazy
# expiry.

# Collect every key returned by a full SCAN iteration (extra args are passed
# to every SCAN call).  Fails if a cursor is malformed.
proc scan_all {args} {
    set cursor 0
    set keys {}
    set iterations 0
    while 1 {
        set res [r scan $cursor {*}$args]
        set cursor [lindex $res 0]
        if {![string is digit -strict $cursor]} {
            fail "SCAN returned a bad cursor '$cursor'"
        }
        lappend keys {*}[lindex $res 1]
        if {$cursor == 0} break
        if {[incr iterations] > 100000} { fail "SCAN does not terminate" }
    }
    return $keys
}

start_server {tags {keyspace}} {

    # ---------------------------------------------------------- DEL / UNLINK
    test "DEL a single key" {
        r set k v
        assert_equal 1 [r del k]
        assert_equal 0 [r exists k]
        assert_equal {} [r get k]
    }

    test "DEL counts only existing keys" {
        r mset a 1 b 2 c 3
        r del nokey
        assert_equal 3 [r del a b c nokey]
        assert_equal 0 [r del a b c]
    }

    test "DEL with duplicate keys counts each key once" {
        r set a 1
        assert_equal 1 [r del a a a]
    }

    test "UNLINK behaves like DEL" {
        r mset a 1 b 2
        assert_equal 2 [r unlink a b nokey]
        assert_equal 0 [r exists a b]
        r set big [string repeat x 100000]
        assert_equal 1 [r unlink big]
        assert_equal 0 [r exists big]
    }

    test "DEL / UNLINK arity" {
        assert_error "ERR wrong number of arguments for 'del' command" {r del}
        assert_error "ERR wrong number of arguments for 'unlink' command" {r unlink}
    }

    # ----------------------------------------------------------------- EXISTS
    test "EXISTS" {
        r del a b
        assert_equal 0 [r exists a]
        r set a 1
        assert_equal 1 [r exists a]
        assert_equal 1 [r exists a b]
    }

    test "EXISTS counts duplicates" {
        r set a 1
        r del b
        assert_equal 3 [r exists a a a]
        assert_equal 2 [r exists a b a b]
    }

    test "EXISTS arity" {
        assert_error "ERR wrong number of arguments for 'exists' command" {r exists}
    }

    # ------------------------------------------------------------------- TYPE
    test "TYPE" {
        r set s v
        r del nokey
        assert_equal string [r type s]
        assert_equal none [r type nokey]
        r set s 123
        assert_equal string [r type s]
        assert_error "ERR wrong number of arguments for 'type' command" {r type}
    }

    tags {needs-types} {
        test "TYPE of other data types" {
            r del l h st z
            r rpush l a
            r hset h f v
            r sadd st m
            r zadd z 1 m
            assert_equal list [r type l]
            assert_equal hash [r type h]
            assert_equal set [r type st]
            assert_equal zset [r type z]
        }
    }

    # ----------------------------------------------------------------- EXPIRE
    test "EXPIRE sets a TTL" {
        r set k v
        assert_equal 1 [r expire k 100]
        assert_range [r ttl k] 90 100
        assert_range [r pttl k] 90000 100000
    }

    test "EXPIRE on a missing key returns 0" {
        r del k
        assert_equal 0 [r expire k 100]
        assert_equal 0 [r pexpire k 100]
        assert_equal 0 [r expireat k 4000000000]
        assert_equal 0 [r pexpireat k 4000000000000]
    }

    test "PEXPIRE sets a TTL in milliseconds" {
        r set k v
        assert_equal 1 [r pexpire k 100000]
        assert_range [r pttl k] 90000 100000
    }

    test "EXPIREAT / PEXPIREAT" {
        r set k v
        set t [expr {[clock seconds] + 1000}]
        assert_equal 1 [r expireat k $t]
        assert_equal $t [r expiretime k]
        assert_range [r ttl k] 990 1000
        set ms [expr {[clock milliseconds] + 2000000}]
        assert_equal 1 [r pexpireat k $ms]
        assert_equal $ms [r pexpiretime k]
        # EXPIRETIME rounds the millisecond time to the nearest second
        assert_equal [expr {($ms + 500) / 1000}] [r expiretime k]
    }

    test "EXPIRE with a short TTL makes the key expire" {
        r set k v
        r pexpire k 100
        assert_equal 1 [r exists k]
        after 200
        assert_equal 0 [r exists k]
        assert_equal -2 [r ttl k]
    }

    test "EXPIRE / PEXPIRE with zero or negative time deletes the key" {
        r set k v
        assert_equal 1 [r expire k 0]
        assert_equal 0 [r exists k]
        r set k v
        assert_equal 1 [r expire k -10]
        assert_equal 0 [r exists k]
        r set k v
        assert_equal 1 [r pexpire k -5]
        assert_equal 0 [r exists k]
    }

    test "EXPIREAT / PEXPIREAT in the past deletes the key" {
        r set k v
        assert_equal 1 [r expireat k 100]
        assert_equal 0 [r exists k]
        r set k v
        assert_equal 1 [r pexpireat k 1000]
        assert_equal 0 [r exists k]
    }

    test "Overwriting a key with SET removes its TTL" {
        r set k v
        r expire k 100
        r set k w
        assert_equal -1 [r ttl k]
    }

    test "EXPIRE can be updated" {
        r set k v
        r expire k 100
        r expire k 200
        assert_range [r ttl k] 190 200
        r expire k 50
        assert_range [r ttl k] 40 50
    }

    test "EXPIRE NX / XX" {
        r set k v
        assert_equal 0 [r expire k 100 xx]
        assert_equal -1 [r ttl k]
        assert_equal 1 [r expire k 100 nx]
        assert_equal 0 [r expire k 200 nx]
        assert_range [r ttl k] 90 100
        assert_equal 1 [r expire k 200 xx]
        assert_range [r ttl k] 190 200
    }

    test "EXPIRE GT / LT" {
        r set k v
        # A key without TTL has an infinite TTL: GT never sets, LT always does.
        assert_equal 0 [r expire k 100 gt]
        assert_equal -1 [r ttl k]
        assert_equal 1 [r expire k 100 lt]
        assert_range [r ttl k] 90 100
        assert_equal 0 [r expire k 50 gt]
        assert_equal 1 [r expire k 200 gt]
        assert_range [r ttl k] 190 200
        assert_equal 0 [r expire k 300 lt]
        assert_equal 1 [r expire k 150 lt]
        assert_range [r ttl k] 140 150
    }

    test "EXPIRE XX GT / XX LT combinations" {
        r set k v
        assert_equal 0 [r expire k 100 xx gt]
        assert_equal 0 [r expire k 100 xx lt]
        assert_equal -1 [r ttl k]
        r expire k 100
        assert_equal 1 [r expire k 200 xx gt]
        assert_equal 1 [r expire k 150 xx lt]
        assert_range [r ttl k] 140 150
    }

    test "PEXPIRE / EXPIREAT / PEXPIREAT accept NX XX GT LT" {
        r set k v
        assert_equal 1 [r pexpire k 100000 nx]
        assert_equal 0 [r pexpire k 200000 nx]
        assert_equal 1 [r pexpire k 200000 gt]
        set t [expr {[clock seconds] + 1000}]
        assert_equal 1 [r expireat k $t xx]
        assert_equal 0 [r expireat k [expr {$t - 10}] gt]
        assert_equal 1 [r pexpireat k [expr {$t * 1000 - 10000}] lt]
        assert_equal [expr {$t - 10}] [r expiretime k]
    }

    test "EXPIRE options are case insensitive" {
        r set k v
        assert_equal 1 [r expire k 100 Nx]
        assert_equal 1 [r expire k 200 gT]
    }

    test "EXPIRE option errors" {
        r set k v
        set e1 "ERR NX and XX, GT or LT options at the same time are not compatible"
        set e2 "ERR GT and LT options at the same time are not compatible"
        assert_error $e1 {r expire k 100 nx xx}
        assert_error $e1 {r expire k 100 nx gt}
        assert_error $e1 {r expire k 100 nx lt}
        assert_error $e1 {r pexpire k 100 nx xx}
        assert_error $e2 {r expire k 100 gt lt}
        assert_error $e2 {r pexpireat k 100 lt gt}
        assert_error "ERR Unsupported option foo" {r expire k 100 foo}
        assert_error "ERR value is not an integer or out of range" {r expire k abc}
        assert_error "ERR value is not an integer or out of range" {r expire k 1.5}
        assert_error "ERR wrong number of arguments for 'expire' command" {r expire k}
        assert_error "ERR wrong number of arguments for 'pexpireat' command" {r pexpireat k}
        assert_equal -1 [r ttl k]
    }

    test "EXPIRE overflow errors" {
        r set k v
        assert_error "ERR invalid expire time in 'expire' command" {r expire k 9223372036854775807}
        assert_error "ERR invalid expire time in 'expire' command" {r expire k 9223372036854775}
        assert_error "ERR invalid expire time in 'expire' command" {r expire k -9223372036854775808}
        assert_error "ERR invalid expire time in 'pexpire' command" {r pexpire k 9223372036854775807}
        assert_error "ERR invalid expire time in 'expireat' command" {r expireat k 9223372036854775807}
        assert_equal 1 [r exists k]
        assert_equal -1 [r ttl k]
    }

    # ---------------------------------------------------------------- TTL etc.
    test "TTL / PTTL of a missing key and of a key without TTL" {
        r del k
        assert_equal -2 [r ttl k]
        assert_equal -2 [r pttl k]
        r set k v
        assert_equal -1 [r ttl k]
        assert_equal -1 [r pttl k]
    }

    test "TTL rounds to the nearest second" {
        r set k v px 1600
        assert_equal 2 [r ttl k]
        r set k v px 1400
        assert_equal 1 [r ttl k]
    }

    test "EXPIRETIME / PEXPIRETIME" {
        r del k
        assert_equal -2 [r expiretime k]
        assert_equal -2 [r pexpiretime k]
        r set k v
        assert_equal -1 [r expiretime k]
        assert_equal -1 [r pexpiretime k]
        r expireat k 4000000000
        assert_equal 4000000000 [r expiretime k]
        assert_equal 4000000000000 [r pexpiretime k]
        r pexpireat k 4000000000123
        assert_equal 4000000000123 [r pexpiretime k]
        assert_equal 4000000000 [r expiretime k]
    }

    test "TTL family arity" {
        assert_error "ERR wrong number of arguments for 'ttl' command" {r ttl}
        assert_error "ERR wrong number of arguments for 'pttl' command" {r pttl a b}
        assert_error "ERR wrong number of arguments for 'expiretime' command" {r expiretime}
        assert_error "ERR wrong number of arguments for 'pexpiretime' command" {r pexpiretime}
    }

    # ---------------------------------------------------------------- PERSIST
    test "PERSIST removes the TTL" {
        r set k v ex 100
        assert_equal 1 [r persist k]
        assert_equal -1 [r ttl k]
        assert_equal 0 [r persist k]
    }

    test "PERSIST on a missing key" {
        r del k
        assert_equal 0 [r persist k]
        assert_error "ERR wrong number of arguments for 'persist' command" {r persist a b}
    }

    # ------------------------------------------------------------ lazy expiry
    test "GET of an expired key returns nil (lazy expiry)" {
        r set lazy v px 50
        after 120
        assert_equal {} [r get lazy]
        assert_equal 0 [r exists lazy]
    }

    test "Expired keys are not visible to any command" {
        r mset e1 a e2 b
        r pexpire e1 50
        after 120
        assert_equal {{} b} [r mget e1 e2]
        assert_equal 1 [r exists e1 e2]
        assert_equal -2 [r ttl e1]
        assert_equal 0 [r persist e1]
        assert_equal 1 [r setnx e1 again]
        assert_equal -1 [r ttl e1]
    }

    test "Active expiry removes keys without accessing them" {
        r flushall
        for {set i 0} {$i < 100} {incr i} {
            r set expkey:$i v px 100
        }
        assert_equal 100 [r dbsize]
        wait_for_condition 100 50 {[r dbsize] == 0} else {
            fail "keys not expired by the active cycle (dbsize [r dbsize])"
        }
    }

    test "Active expiry leaves keys without TTL alone" {
        r flushall
        for {set i 0} {$i < 50} {incr i} {
            r set vol:$i v px 100
            r set keep:$i v
        }
        wait_for_condition 100 50 {[r dbsize] == 50} else {
            fail "expected 50 remaining keys (dbsize [r dbsize])"
        }
        assert_equal 50 [llength [r keys keep:*]]
    }

    # ------------------------------------------------------------------- KEYS
    test "KEYS with simple patterns" {
        r flushall
        foreach k {foo fob f*o f?o fxo a\[b hallo hello hillo h\\llo heeeello} {
            r set $k 1
        }
        assert_equal [lsort {foo fob f*o f?o fxo}] [lsort [r keys f*]]
        assert_equal [lsort {hallo hello hillo h\\llo heeeello}] [lsort [r keys h*llo]]
        assert_equal [lsort {foo fob f*o f?o fxo}] [lsort [r keys f??]]
        assert_equal 11 [llength [r keys *]]
        assert_equal {} [r keys nomatch*]
        assert_equal {foo} [r keys foo]
    }

    test "KEYS with escapes" {
        assert_equal [list {f*o}] [r keys {f\*o}]
        assert_equal [list {f?o}] [r keys {f\?o}]
        assert_equal [list {a[b}] [r keys {a\[b}]
        assert_equal [list {h\llo}] [r keys {h\\llo}]
        assert_equal [list {f*o}] [r keys {f[\*]o}]
        # An unterminated class matches nothing here
        assert_equal {} [r keys {a[b}]
    }

    test "KEYS with character classes" {
        assert_equal [lsort {hallo hello}] [lsort [r keys {h[ae]llo}]]
        assert_equal [lsort {hallo hillo h\\llo}] [lsort [r keys {h[^e]llo}]]
        assert_equal [lsort {hallo hello}] [lsort [r keys {h[a-f]llo}]]
        assert_equal [lsort {hallo hello}] [lsort [r keys {h[f-a]llo}]]
        assert_equal [lsort {foo fob}] [lsort [r keys {fo[a-z]}]]
    }

    test "KEYS with an empty database and the empty key" {
        r flushall
        assert_equal {} [r keys *]
        r set "" empty
        assert_equal [list ""] [r keys *]
        assert_equal {} [r keys ?]
        assert_equal empty [r get ""]
    }

    test "KEYS does not return expired keys" {
        r flushall
        r set a 1
        r set b 2 px 50
        after 120
        assert_equal {a} [r keys *]
    }

    test "KEYS against many keys" {
        r flushall
        set expected {}
        for {set i 0} {$i < 300} {incr i} {
            r set k:$i $i
            if {[string match {k:1*} k:$i]} { lappend expected k:$i }
        }
        assert_equal [lsort $expected] [lsort [r keys {k:1*}]]
        assert_equal 300 [llength [r keys *]]
        assert_error "ERR wrong number of arguments for 'keys' command" {r keys}
        assert_error "ERR wrong number of arguments for 'keys' command" {r keys a b}
    }

    # ------------------------------------------------------------------- SCAN
    test "SCAN returns every key" {
        r flushall
        for {set i 0} {$i < 1000} {incr i} {
            r set key:$i $i
        }
        set keys [lsort -unique [scan_all]]
        assert_equal 1000 [llength $keys]
        set expected {}
        for {set i 0} {$i < 1000} {incr i} { lappend expected key:$i }
        assert_equal [lsort $expected] $keys
    }

    test "SCAN with COUNT" {
        foreach count {1 5 100 10000} {
            set keys [lsort -unique [scan_all count $count]]
            assert_equal 1000 [llength $keys] "COUNT $count"
        }
    }

    test "SCAN with MATCH" {
        for {set i 0} {$i < 100} {incr i} {
            r set other:$i $i
        }
        set keys [lsort -unique [scan_all match other:*]]
        assert_equal 100 [llength $keys]
        foreach k $keys { assert_match other:* $k }
        set keys [lsort -unique [scan_all match key:1?? count 50]]
        assert_equal 100 [llength $keys]
        assert_equal {} [scan_all match nomatch*]
    }

    test "SCAN with TYPE string" {
        set keys [lsort -unique [scan_all type string]]
        assert_equal 1100 [llength $keys]
        assert_equal {} [scan_all type list]
        set keys [lsort -unique [scan_all type string match other:*]]
        assert_equal 100 [llength $keys]
    }

    tags {needs-types} {
        test "SCAN with TYPE on mixed types" {
            r flushall
            for {set i 0} {$i < 50} {incr i} {
                r set s:$i v
                r rpush l:$i v
            }
            set keys [lsort -unique [scan_all type list]]
            assert_equal 50 [llength $keys]
            foreach k $keys { assert_match l:* $k }
            set keys [lsort -unique [scan_all type string]]
            assert_equal 50 [llength $keys]
        }
    }

    test "SCAN reply format: the cursor is a bulk string" {
        r flushall
        r set a 1
        set rd [redis_deferring_client]
        # The first element is the cursor as a bulk string, the second an
        # array of bulk strings (a server may return an empty batch with a
        # non zero cursor, so iterate until the cursor is 0).
        set cursor 0
        set seen {}
        while 1 {
            $rd scan $cursor
            set raw [$rd read_raw]
            if {![regexp {^\*2\r\n\$(\d+)\r\n(\d+)\r\n\*(\d+)\r\n(.*)$} $raw -> clen cursor n rest]} {
                fail "bad SCAN reply: [string map {"\r\n" "\\r\\n"} $raw]"
            }
            assert_equal $clen [string length $cursor]
            if {$n > 0} { append seen $rest }
            if {$cursor == 0} break
        }
        assert_equal "\$1\r\na\r\n" $seen
        $rd close
    }

    test "SCAN on an empty database" {
        r flushall
        assert_equal {} [scan_all]
    }

    test "SCAN guarantees: keys present the whole time are returned while others change" {
        r flushall
        for {set i 0} {$i < 500} {incr i} { r set stable:$i 1 }
        set cursor 0
        set seen {}
        set n 0
        while 1 {
            set res [r scan $cursor count 20]
            set cursor [lindex $res 0]
            foreach k [lindex $res 1] { dict set seen $k 1 }
            # Add and delete other keys during the iteration.
            r set tmp:$n 1
            r del tmp:[expr {$n - 3}]
            incr n
            if {$cursor == 0} break
        }
        set missing 0
        for {set i 0} {$i < 500} {incr i} {
            if {![dict exists $seen stable:$i]} { incr missing }
        }
        assert_equal 0 $missing
    }

    test "SCAN errors" {
        assert_error "ERR invalid cursor" {r scan abc}
        assert_error "ERR invalid cursor" {r scan 12abc}
        assert_error "ERR invalid cursor" {r scan 1.5}
        assert_error "ERR invalid cursor" {r scan 18446744073709551616}
        assert_error "ERR syntax error" {r scan 0 count 0}
        assert_error "ERR syntax error" {r scan 0 count -1}
        assert_error "ERR value is not an integer or out of range" {r scan 0 count abc}
        assert_error "ERR syntax error" {r scan 0 match}
        assert_error "ERR syntax error" {r scan 0 foo bar}
        assert_error "ERR wrong number of arguments for 'scan' command" {r scan}
    }

    # -------------------------------------------------------------- RANDOMKEY
    test "RANDOMKEY on an empty database returns nil" {
        r flushall
        assert_equal {} [r randomkey]
    }

    test "RANDOMKEY returns existing keys" {
        r set a 1
        assert_equal a [r randomkey]
        r mset b 2 c 3
        set seen {}
        for {set i 0} {$i < 100} {incr i} {
            set k [r randomkey]
            assert {$k in {a b c}}
            dict set seen $k 1
        }
        assert_equal 3 [dict size $seen]
        assert_error "ERR wrong number of arguments for 'randomkey' command" {r randomkey x}
    }

    # ----------------------------------------------------------------- RENAME
    test "RENAME basics" {
        r flushall
        r set a hello
        assert_equal OK [r rename a b]
        assert_equal 0 [r exists a]
        assert_equal hello [r get b]
    }

    test "RENAME overwrites the destination" {
        r mset a 1 b 2
        r expire b 100
        assert_equal OK [r rename a b]
        assert_equal 1 [r get b]
        assert_equal -1 [r ttl b]
        assert_equal 1 [r dbsize]
    }

    test "RENAME keeps the TTL of the source" {
        r del a b
        r set a v ex 100
        r rename a b
        assert_range [r ttl b] 90 100
    }

    test "RENAME of a key to itself" {
        r set a v ex 100
        assert_equal OK [r rename a a]
        assert_equal v [r get a]
        assert_range [r ttl a] 90 100
    }

    test "RENAME errors" {
        r del nokey
        assert_error "ERR no such key" {r rename nokey x}
        assert_error "ERR no such key" {r rename nokey nokey}
        assert_error "ERR wrong number of arguments for 'rename' command" {r rename a}
    }

    test "RENAME of an expired key" {
        r set a v px 50
        after 120
        assert_error "ERR no such key" {r rename a b}
    }

    test "RENAMENX" {
        r flushall
        r set a 1
        assert_equal 1 [r renamenx a b]
        assert_equal 1 [r get b]
        assert_equal 0 [r exists a]
        r set a 2
        assert_equal 0 [r renamenx a b]
        assert_equal 2 [r get a]
        assert_equal 1 [r get b]
        assert_equal 0 [r renamenx a a]
        assert_error "ERR no such key" {r renamenx nokey c}
        assert_error "ERR wrong number of arguments for 'renamenx' command" {r renamenx a}
    }

    test "RENAMENX keeps the TTL" {
        r del a b
        r set a v px 100000
        assert_equal 1 [r renamenx a b]
        assert_range [r pttl b] 90000 100000
    }

    # ------------------------------------------------------------------- COPY
    test "COPY basics" {
        r flushall
        r set a hello
        assert_equal 1 [r copy a b]
        assert_equal hello [r get b]
        assert_equal hello [r get a]
        # Modifying the copy does not change the source
        r append b !
        assert_equal hello [r get a]
    }

    test "COPY does not overwrite without REPLACE" {
        r mset a 1 b 2
        assert_equal 0 [r copy a b]
        assert_equal 2 [r get b]
        assert_equal 1 [r copy a b replace]
        assert_equal 1 [r get b]
    }

    test "COPY keeps the TTL" {
        r del a b
        r set a v ex 100
        r copy a b
        assert_range [r ttl b] 90 100
        r set c v
        r copy c b replace
        assert_equal -1 [r ttl b]
    }

    test "COPY of a missing key" {
        r del nokey
        assert_equal 0 [r copy nokey x]
        assert_equal 0 [r exists x]
    }

    test "COPY to another database" {
        r flushall
        r set a v
        assert_equal 1 [r copy a a db 1]
        r select 1
        assert_equal v [r get a]
        r set a other
        r select 0
        assert_equal 0 [r copy a a db 1]
        assert_equal 1 [r copy a a db 1 replace]
        r select 1
        assert_equal v [r get a]
        r flushdb
        r select 0
    }

    test "COPY errors" {
        r set a v
        assert_error "ERR source and destination objects are the same" {r copy a a}
        assert_error "ERR value is not an integer or out of range" {r copy a b db abc}
        assert_error "ERR DB index is out of range" {r copy a b db 16}
        assert_error "ERR DB index is out of range" {r copy a b db -1}
        assert_error "ERR syntax error" {r copy a b foo}
        assert_error "ERR syntax error" {r copy a b db}
        assert_error "ERR wrong number of arguments for 'copy' command" {r copy a}
    }

    # ------------------------------------------------------------------ TOUCH
    test "TOUCH counts existing keys" {
        r flushall
        r mset a 1 b 2
        assert_equal 2 [r touch a b nokey]
        assert_equal 3 [r touch a a b]
        assert_equal 0 [r touch nokey]
        assert_error "ERR wrong number of arguments for 'touch' command" {r touch}
    }

    # ----------------------------------------------------------------- DBSIZE
    test "DBSIZE" {
        r flushall
        assert_equal 0 [r dbsize]
        r mset a 1 b 2 c 3
        assert_equal 3 [r dbsize]
        r del a
        assert_equal 2 [r dbsize]
        assert_error "ERR wrong number of arguments for 'dbsize' command" {r dbsize x}
    }

    # -------------------------------------------------------- FLUSHDB/FLUSHALL
    test "FLUSHDB only flushes the current database" {
        r flushall
        r set a 1
        r select 1
        r set b 2
        assert_equal OK [r flushdb]
        assert_equal 0 [r dbsize]
        r select 0
        assert_equal 1 [r dbsize]
    }

    test "FLUSHALL flushes every database" {
        r set a 1
        r select 1
        r set b 2
        r select 0
        assert_equal OK [r flushall]
        assert_equal 0 [r dbsize]
        r select 1
        assert_equal 0 [r dbsize]
        r select 0
    }

    test "FLUSHALL / FLUSHDB ASYNC and SYNC" {
        r mset a 1 b 2
        assert_equal OK [r flushall async]
        assert_equal 0 [r dbsize]
        r mset a 1 b 2
        assert_equal OK [r flushall sync]
        assert_equal 0 [r dbsize]
        r mset a 1 b 2
        assert_equal OK [r flushdb ASYNC]
        assert_equal 0 [r dbsize]
        r mset a 1 b 2
        assert_equal OK [r flushdb SYNC]
        assert_equal 0 [r dbsize]
    }

    test "FLUSHALL / FLUSHDB errors" {
        assert_error "ERR syntax error" {r flushall foo}
        assert_error "ERR syntax error" {r flushdb foo}
        assert_error "ERR syntax error" {r flushdb async sync}
    }

    test "FLUSHALL removes keys with TTL" {
        r set a 1 ex 100
        r flushall
        assert_equal -2 [r ttl a]
        assert_equal {} [r get a]
    }

    # ----------------------------------------------------------------- SELECT
    test "SELECT switches the database" {
        r flushall
        r set k db0
        assert_equal OK [r select 1]
        assert_equal {} [r get k]
        r set k db1
        r select 15
        r set k db15
        r select 0
        assert_equal db0 [r get k]
        r select 1
        assert_equal db1 [r get k]
        r select 15
        assert_equal db15 [r get k]
        r select 0
    }

    test "SELECT is per connection" {
        r select 0
        set c [redis_client]
        $c select 1
        $c set k other
        assert_equal db0 [r get k]
        assert_equal other [$c get k]
        $c close
    }

    test "SELECT errors" {
        assert_error "ERR DB index is out of range" {r select 16}
        assert_error "ERR DB index is out of range" {r select -1}
        assert_error "ERR value is not an integer or out of range" {r select abc}
        assert_error "ERR wrong number of arguments for 'select' command" {r select}
    }

    # ----------------------------------------------------------------- SWAPDB
    test "SWAPDB swaps the content of two databases" {
        r flushall
        r mset a 1 b 2
        r select 1
        r set c 3
        r select 0
        assert_equal OK [r swapdb 0 1]
        assert_equal {{} {} 3} [r mget a b c]
        assert_equal 1 [r dbsize]
        r select 1
        assert_equal {1 2 {}} [r mget a b c]
        r select 0
        assert_equal OK [r swapdb 1 0]
        assert_equal {1 2 {}} [r mget a b c]
    }

    test "SWAPDB keeps TTLs" {
        r flushall
        r set a 1 ex 100
        r swapdb 0 2
        r select 2
        assert_range [r ttl a] 90 100
        r select 0
        r flushall
    }

    test "SWAPDB with the same database" {
        r set a 1
        assert_equal OK [r swapdb 0 0]
        assert_equal 1 [r get a]
    }

    test "SWAPDB errors" {
        assert_error "ERR DB index is out of range" {r swapdb 0 16}
        assert_error "ERR invalid first DB index" {r swapdb abc 0}
        assert_error "ERR invalid second DB index" {r swapdb 0 abc}
        assert_error "ERR wrong number of arguments for 'swapdb' command" {r swapdb 0}
    }

    # ------------------------------------------------------------------- MOVE
    test "MOVE a key to another database" {
        r flushall
        r set a v
        assert_equal 1 [r move a 1]
        assert_equal 0 [r exists a]
        r select 1
        assert_equal v [r get a]
        r select 0
    }

    test "MOVE keeps the TTL" {
        r set b v ex 100
        assert_equal 1 [r move b 1]
        r select 1
        assert_range [r ttl b] 90 100
        r select 0
    }

    test "MOVE does not overwrite an existing key" {
        r set a here
        assert_equal 0 [r move a 1]
        assert_equal here [r get a]
        r select 1
        assert_equal v [r get a]
        r select 0
    }

    test "MOVE of a missing key" {
        r del nokey
        assert_equal 0 [r move nokey 1]
    }

    test "MOVE errors" {
        r set a v
        assert_error "ERR source and destination objects are the same" {r move a 0}
        assert_error "ERR DB index is out of range" {r move a 16}
        assert_error "ERR value is not an integer or out of range" {r move a abc}
        assert_error "ERR wrong number of arguments for 'move' command" {r move a}
        r flushall
    }

    # ----------------------------------------------------------------- OBJECT
    test "OBJECT ENCODING" {
        r set i 12345
        r set e hello
        r set raw [string repeat x 100]
        assert_equal int [r object encoding i]
        assert_equal embstr [r object encoding e]
        assert_equal raw [r object encoding raw]
        assert_equal {} [r object encoding nokey]
    }

    test "OBJECT REFCOUNT" {
        r set e hello
        assert_equal 1 [r object refcount e]
        assert_equal {} [r object refcount nokey]
    }

    test "OBJECT REFCOUNT of shared small integers" {
        # Redis shares the objects of 0..9999 unless an LRU/LFU policy is on
        r set i 100
        assert_equal 2147483647 [r object refcount i]
        r incr i
        assert_equal 2147483647 [r object refcount i]
        r set i 10000
        assert_equal 1 [r object refcount i]
        r set i -1
        assert_equal 1 [r object refcount i]
        r set i 0100
        assert_equal 1 [r object refcount i]
        r config set maxmemory-policy allkeys-lru
        r config set maxmemory 1gb
        r set i 100
        assert_equal 1 [r object refcount i]
        r config set maxmemory 0
        r config set maxmemory-policy noeviction
        r set i 100
        assert_equal 2147483647 [r object refcount i]
        r del i
    }

    test "OBJECT IDLETIME" {
        r set e hello
        set t [r object idletime e]
        assert_range $t 0 2
        assert_equal {} [r object idletime nokey]
    }

    test "OBJECT FREQ without an LFU policy" {
        r set e hello
        assert_error "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust." {r object freq e}
    }

    test "OBJECT FREQ with an LFU policy" {
        r config set maxmemory-policy allkeys-lfu
        r set e hello
        set f [r object freq e]
        assert {[string is integer -strict $f] && $f >= 0}
        assert_error "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust." {r object idletime e}
        r config set maxmemory-policy noeviction
    }

    test "OBJECT HELP" {
        set help [r object help]
        assert_match "OBJECT <subcommand> *" [lindex $help 0]
        foreach sub {ENCODING FREQ IDLETIME REFCOUNT HELP} {
            assert {[lsearch -glob $help "$sub*"] >= 0}
        }
    }

    test "OBJECT errors" {
        assert_error "ERR unknown subcommand 'foo'. Try OBJECT HELP." {r object foo k}
        assert_error "ERR wrong number of arguments for 'object' command" {r object}
        assert_error "ERR wrong number of arguments for 'object|encoding' command" {r object encoding}
    }

    test "FLUSHALL of many keys frees them in the background" {
        r flushall
        set payload ""
        for {set i 0} {$i < 50000} {incr i} { append payload [::resp::encode SET lf:$i $i] }
        set c [redis_deferring_client]
        $c write $payload
        for {set i 0} {$i < 50000} {incr i} { $c read }
        $c close
        assert_equal 50000 [r dbsize]
        r flushall async
        assert_equal 0 [r dbsize]
        assert_equal PONG [r ping]
        wait_for_condition 100 50 {
            [string match "*lazyfree_pending_objects:0*" [r info memory]]
        } else {
            fail "lazyfree_pending_objects never went back to 0"
        }
    }
}
