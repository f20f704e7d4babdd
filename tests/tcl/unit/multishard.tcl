# Multi-key semantics with many keys.  For redis-shard these keys are spread
# over several shards (the runner passes --shards N); for real Redis this is
# plain Redis semantics, so the same expectations hold.

proc scan_keys {args} {
    set cursor 0
    set keys {}
    while 1 {
        lassign [r scan $cursor {*}$args] cursor batch
        lappend keys {*}$batch
        if {$cursor == 0} break
    }
    return [lsort -unique $keys]
}

# Model of one command for the pipeline test.  Updates the model dict
# (passed by name) and returns the expected reply (errors as "ERR: text").
proc model_apply {mvar cmd} {
    upvar 1 $mvar m
    lassign $cmd op k v
    switch $op {
        SET {
            dict set m $k $v
            return OK
        }
        GET {
            if {[dict exists $m $k]} { return [dict get $m $k] }
            return {}
        }
        INCR {
            set cur 0
            if {[dict exists $m $k]} { set cur [dict get $m $k] }
            if {![regexp {^(0|-?[1-9][0-9]*)$} $cur]} {
                return "ERR: ERR value is not an integer or out of range"
            }
            incr cur
            dict set m $k $cur
            return $cur
        }
        DEL {
            if {[dict exists $m $k]} {
                dict unset m $k
                return 1
            }
            return 0
        }
        APPEND {
            set cur ""
            if {[dict exists $m $k]} { set cur [dict get $m $k] }
            append cur $v
            dict set m $k $cur
            return [string length $cur]
        }
    }
}

start_server {tags {multishard}} {

    test "MSET of 1000 keys then MGET them back in order" {
        r flushall
        set args {}
        set keys {}
        set vals {}
        for {set i 0} {$i < 1000} {incr i} {
            set k "ms:[randstring 5 15 alnum]:$i"
            set v [randstring 0 20 alnum]
            lappend args $k $v
            lappend keys $k
            lappend vals $v
        }
        assert_equal OK [r mset {*}$args]
        assert_equal $vals [r mget {*}$keys]
        assert_equal 1000 [r dbsize]
        # Reversed order
        assert_equal [lreverse $vals] [r mget {*}[lreverse $keys]]
    }

    test "MGET mixing existing and missing keys keeps positions" {
        r flushall
        set keys {}
        set expected {}
        for {set i 0} {$i < 500} {incr i} {
            lappend keys k:$i
            if {$i % 3 == 0} {
                r set k:$i v$i
                lappend expected v$i
            } else {
                lappend expected {}
            }
        }
        assert_equal $expected [r mget {*}$keys]
    }

    test "DEL / UNLINK / EXISTS / TOUCH count across many keys" {
        r flushall
        set keys {}
        for {set i 0} {$i < 300} {incr i} {
            r set key:$i $i
            lappend keys key:$i
        }
        for {set i 0} {$i < 100} {incr i} { lappend keys missing:$i }
        assert_equal 300 [r exists {*}$keys]
        assert_equal 300 [r touch {*}$keys]
        # Duplicates are counted by EXISTS each time
        assert_equal 600 [r exists {*}$keys {*}$keys]
        assert_equal 150 [r del {*}[lrange $keys 0 149] missing:1 missing:2]
        assert_equal 150 [r exists {*}$keys]
        assert_equal 150 [r unlink {*}$keys {*}$keys]
        assert_equal 0 [r exists {*}$keys]
        assert_equal 0 [r dbsize]
    }

    test "EXISTS with duplicate keys spread around" {
        r flushall
        r mset a 1 b 2 c 3 d 4
        assert_equal 8 [r exists a b c d d c b a]
        assert_equal 4 [r exists a a a a nokey nokey]
    }

    test "Pipeline of 5000 mixed commands over 500 keys matches a model" {
        r flushall
        set model {}
        set payload ""
        set expected {}
        for {set i 0} {$i < 5000} {incr i} {
            set k "pk:[expr {int(rand() * 500)}]"
            set p [expr {rand()}]
            if {$p < 0.3} {
                if {rand() < 0.7} {
                    set v [expr {int(rand() * 1000)}]
                } else {
                    set v [randstring 1 8 alpha]
                }
                set cmd [list SET $k $v]
            } elseif {$p < 0.6} {
                set cmd [list GET $k]
            } elseif {$p < 0.85} {
                set cmd [list INCR $k]
            } elseif {$p < 0.95} {
                set cmd [list DEL $k]
            } else {
                set cmd [list APPEND $k [expr {int(rand() * 10)}]]
            }
            append payload [::resp::encode {*}$cmd]
            lappend expected [model_apply model $cmd]
            lappend cmds $cmd
        }
        set c [redis_deferring_client]
        $c write $payload
        set mismatches 0
        set first ""
        for {set i 0} {$i < 5000} {incr i} {
            if {[catch {$c read} reply]} { set reply "ERR: $reply" }
            if {$reply ne [lindex $expected $i]} {
                incr mismatches
                if {$first eq ""} {
                    set first "command #$i [lindex $cmds $i]: got '$reply' expected '[lindex $expected $i]'"
                }
            }
        }
        $c close
        assert_equal 0 $mismatches $first
        # Final state matches the model
        assert_equal [dict size $model] [r dbsize]
        set keys [dict keys $model]
        if {[llength $keys]} {
            assert_equal [dict values $model] [r mget {*}$keys]
        }
    }

    test "RENAME many keys" {
        r flushall
        for {set i 0} {$i < 200} {incr i} {
            r set src:$i val:$i
            if {$i % 2} { r expire src:$i 1000 }
        }
        for {set i 0} {$i < 200} {incr i} {
            assert_equal OK [r rename src:$i dst:$i]
        }
        assert_equal 200 [r dbsize]
        assert_equal {} [r keys src:*]
        set bad 0
        for {set i 0} {$i < 200} {incr i} {
            if {[r get dst:$i] ne "val:$i"} { incr bad }
            set ttl [r ttl dst:$i]
            if {$i % 2} {
                if {$ttl < 990} { incr bad }
            } elseif {$ttl != -1} { incr bad }
        }
        assert_equal 0 $bad
    }

    test "Other connections see a cross-shard RENAME once its reply arrived" {
        # The reply of a coordinated command waits until its write-back
        # reached every shard; readers on other connections (spread over
        # the shards) then never see the old state.
        r flushall
        set readers {}
        for {set j 0} {$j < 8} {incr j} { lappend readers [redis_client] }
        set stale 0
        for {set i 0} {$i < 300} {incr i} {
            r set src:$i val:$i
            r rename src:$i dst:$i
            foreach c $readers {
                if {[$c get dst:$i] ne "val:$i"} { incr stale }
            }
            r set dst:$i new:$i
            r copy dst:$i cp:$i
            foreach c $readers {
                if {[$c get cp:$i] ne "new:$i"} { incr stale }
            }
        }
        foreach c $readers { $c close }
        assert_equal 0 $stale
    }

    test "RENAME onto existing keys and RENAMENX across keys" {
        r flushall
        for {set i 0} {$i < 100} {incr i} {
            r set a:$i new:$i
            r set b:$i old:$i
        }
        for {set i 0} {$i < 50} {incr i} {
            r rename a:$i b:$i
        }
        for {set i 50} {$i < 100} {incr i} {
            assert_equal 0 [r renamenx a:$i b:$i]
        }
        assert_equal 150 [r dbsize]
        for {set i 0} {$i < 100} {incr i} {
            set exp [expr {$i < 50 ? "new:$i" : "old:$i"}]
            assert_equal $exp [r get b:$i]
        }
        for {set i 50} {$i < 100} {incr i} {
            assert_equal 1 [r renamenx a:$i c:$i]
        }
        assert_equal 100 [llength [r keys b:*]]
        assert_equal 50 [llength [r keys c:*]]
        assert_equal {} [r keys a:*]
    }

    test "COPY many keys" {
        r flushall
        for {set i 0} {$i < 200} {incr i} {
            r set orig:$i $i
        }
        for {set i 0} {$i < 200} {incr i} {
            assert_equal 1 [r copy orig:$i copy:$i]
        }
        assert_equal 400 [r dbsize]
        for {set i 0} {$i < 200} {incr i} {
            r incr copy:$i
        }
        set bad 0
        for {set i 0} {$i < 200} {incr i} {
            if {[r get orig:$i] != $i} { incr bad }
            if {[r get copy:$i] != $i + 1} { incr bad }
        }
        assert_equal 0 $bad
        assert_equal 0 [r copy orig:0 copy:0]
        assert_equal 1 [r copy orig:0 copy:0 replace]
        assert_equal 0 [r get copy:0]
    }

    test "MSETNX across many keys is all or nothing" {
        r flushall
        set args {}
        for {set i 0} {$i < 100} {incr i} { lappend args nx:$i $i }
        assert_equal 1 [r msetnx {*}$args]
        assert_equal 100 [r dbsize]
        set args {}
        for {set i 100} {$i < 200} {incr i} { lappend args nx:$i $i }
        # One already existing key at the end
        lappend args nx:50 changed
        assert_equal 0 [r msetnx {*}$args]
        assert_equal 100 [r dbsize]
        assert_equal 50 [r get nx:50]
        assert_equal {} [r get nx:150]
    }

    tags {needs-transactions} {
        test "MSET is atomic for other clients" {
            r flushall
            set keys {}
            for {set i 0} {$i < 50} {incr i} { lappend keys atom:$i }
            set c [redis_deferring_client]
            set payload ""
            for {set round 0} {$round < 100} {incr round} {
                set args {}
                foreach k $keys { lappend args $k $round }
                append payload [::resp::encode MSET {*}$args]
            }
            $c write $payload
            # While the writer runs, every MGET must see a single round
            set torn 0
            for {set i 0} {$i < 50} {incr i} {
                set vals [lsort -unique [r mget {*}$keys]]
                if {[llength $vals] > 1} { incr torn }
            }
            for {set round 0} {$round < 100} {incr round} { $c read }
            $c close
            assert_equal 0 $torn
            assert_equal {99} [lsort -unique [r mget {*}$keys]]
        }
    }

    test "Hash tag keys" {
        r flushall
        # Braces are escaped to keep the Tcl source balanced
        set n1 "\{user1\}:name"
        set a1 "\{user1\}:age"
        set n2 "\{user2\}:name"
        set f1 "\{user1\}:fullname"
        set a2 "\{user1\}:age2"
        r mset $n1 alice $a1 30 $n2 bob
        assert_equal {alice 30 bob} [r mget $n1 $a1 $n2]
        assert_equal OK [r rename $n1 $f1]
        assert_equal alice [r get $f1]
        assert_equal 1 [r copy $a1 $a2]
        assert_equal 31 [r incr $a2]
        assert_equal 1 [r msetnx "\{x\}a" 1 "\{x\}b" 2]
        assert_equal 2 [r del "\{x\}a" "\{x\}b"]
        assert_equal [lsort [list $f1 $a1 $a2 $n2]] [lsort [r keys "\{user*"]]
        # Keys with only braces, empty tags and nested braces are fine too
        # (L and R stand for the curly braces, to keep the Tcl source balanced)
        set odd {}
        foreach k {LR LRLaR LLaRR aLb aRbL} {
            lappend odd [string map [list L [format %c 123] R [format %c 125]] $k]
        }
        set args {}
        set i 0
        foreach k $odd { lappend args $k [incr i] }
        r mset {*}$args
        assert_equal {1 2 3 4 5} [r mget {*}$odd]
        r del {*}$odd
    }

    test "KEYS / SCAN / DBSIZE totals over many keys" {
        r flushall
        set all {}
        for {set i 0} {$i < 2000} {incr i} {
            set k "t[expr {$i % 4}]:$i"
            lappend all $k
        }
        # Set them in chunks with MSET
        for {set i 0} {$i < 2000} {incr i 100} {
            set args {}
            foreach k [lrange $all $i [expr {$i + 99}]] { lappend args $k 1 }
            r mset {*}$args
        }
        assert_equal 2000 [r dbsize]
        assert_equal [lsort $all] [lsort [r keys *]]
        assert_equal 500 [llength [r keys t1:*]]
        assert_equal [lsort $all] [scan_keys count 100]
        assert_equal 500 [llength [scan_keys match t2:* count 50]]
        set info [r info keyspace]
        assert_match "*db0:keys=2000,expires=0,*" $info
    }

    test "RANDOMKEY over many keys" {
        set seen {}
        for {set i 0} {$i < 200} {incr i} {
            set k [r randomkey]
            assert_match t?:* $k
            dict set seen $k 1
        }
        assert {[dict size $seen] > 50}
    }

    test "Databases are separate across all keys" {
        r select 1
        for {set i 0} {$i < 100} {incr i} { r set db1:$i $i }
        assert_equal 100 [r dbsize]
        r select 0
        assert_equal 2000 [r dbsize]
        assert_equal 0 [r exists db1:1 db1:2]
        r select 1
        r flushdb
        r select 0
        assert_equal 2000 [r dbsize]
    }

    test "Active expiry of many keys" {
        r flushall
        for {set i 0} {$i < 500} {incr i} {
            r set exp:$i v px 100
        }
        for {set i 0} {$i < 100} {incr i} {
            r set keep:$i v
        }
        wait_for_condition 100 50 {[r dbsize] == 100} else {
            fail "keys not expired, dbsize [r dbsize]"
        }
        assert_equal 100 [llength [r keys keep:*]]
    }

    test "FLUSHALL removes everything" {
        r flushall
        for {set i 0} {$i < 500} {incr i} { r set f:$i $i }
        r select 3
        r set other 1
        r select 0
        assert_equal OK [r flushall]
        assert_equal 0 [r dbsize]
        assert_equal {} [r keys *]
        assert_equal {} [scan_keys]
        assert_equal {} [r randomkey]
        assert_equal {{} {} {}} [r mget f:0 f:1 f:499]
        r select 3
        assert_equal 0 [r dbsize]
        r select 0
    }

    test "Every client sees a write over several shards once its writer has the reply" {
        # The writer's reply may come before the owners of the keys have
        # stored the new values (they are locked until then): a reader on
        # any shard must still never see the old ones afterwards.
        r flushall
        r mset acct:a 1000000 acct:b 0
        set readers {}
        for {set i 0} {$i < 4} {incr i} { lappend readers [redis_client] }
        set transfer {redis.call('decrby', KEYS[1], 1) return redis.call('incrby', KEYS[2], 1)}
        set stale {}
        set n 0
        for {set round 1} {$round <= 300} {incr round} {
            if {$round % 3 == 0} {
                r copy acct:b acct:copy replace
                set cp [[lindex $readers [expr {$round % 4}]] get acct:copy]
                if {$cp != $n} { lappend stale "round $round: acct:copy $cp, not $n" }
                continue
            }
            r eval $transfer 2 acct:a acct:b
            incr n
            foreach c $readers {
                set b [$c get acct:b]
                if {$b != $n} { lappend stale "round $round: acct:b $b, not $n" }
            }
            if {[llength $stale] > 5} break
        }
        foreach c $readers { $c close }
        assert_equal {} $stale
        assert_equal [expr {1000000 - $n}] [r get acct:a]
    }

    test "Concurrent clients incrementing shared counters" {
        r flushall
        set clients {}
        for {set c 0} {$c < 8} {incr c} {
            set rd [redis_deferring_client]
            set payload ""
            for {set i 0} {$i < 500} {incr i} {
                append payload [::resp::encode INCR counter:[expr {$i % 20}]]
            }
            $rd write $payload
            lappend clients $rd
        }
        foreach rd $clients {
            for {set i 0} {$i < 500} {incr i} { $rd read }
            $rd close
        }
        set total 0
        for {set i 0} {$i < 20} {incr i} {
            assert_equal 200 [r get counter:$i]
        }
    }

    test "Concurrent clients doing MSET / MGET on disjoint keys" {
        r flushall
        set clients {}
        for {set c 0} {$c < 5} {incr c} {
            set rd [redis_deferring_client]
            set payload ""
            for {set i 0} {$i < 100} {incr i} {
                append payload [::resp::encode MSET c$c:a:$i $i c$c:b:$i $i c$c:c:$i $i]
                append payload [::resp::encode MGET c$c:a:$i c$c:b:$i c$c:c:$i]
            }
            $rd write $payload
            lappend clients $rd
        }
        set bad 0
        set c 0
        foreach rd $clients {
            for {set i 0} {$i < 100} {incr i} {
                if {[$rd read] ne "OK"} { incr bad }
                if {[$rd read] ne [list $i $i $i]} { incr bad }
            }
            $rd close
            incr c
        }
        assert_equal 0 $bad
        assert_equal 1500 [r dbsize]
    }

    test "A burst of remote replies leaves no buffers behind once the shards are quiet" {
        skip_if_real_redis "redis-shard's output buffer and segment pools"
        r flushall
        for {set i 0} {$i < 2000} {incr i} { r set burst:$i [string repeat v 120] }
        after 400
        set base [info_field [r info memory] used_memory]
        # 20,000 GETs in one write: most replies come back from other shards
        # and wait in output segments and buffers until the client reads
        set rd [redis_deferring_client]
        set payload ""
        for {set n 0} {$n < 10} {incr n} {
            for {set i 0} {$i < 2000} {incr i} { append payload [::resp::encode GET burst:$i] }
        }
        $rd write $payload
        set bad 0
        for {set i 0} {$i < 20000} {incr i} {
            if {[string length [$rd read]] != 120} { incr bad }
        }
        $rd close
        assert_equal 0 $bad
        # within a few cron ticks the pools give back what went unused
        set used 0
        for {set t 0} {$t < 30} {incr t} {
            after 100
            set used [info_field [r info memory] used_memory]
            if {$used <= $base + 65536} break
        }
        assert {$used <= $base + 65536}
    }

    test "RENAME, COPY and a failing multi-key command keep a string's encoding" {
        # keys spread over the shards: the cross-shard forms go through the
        # coordinator, which must not re-encode what it moves or only read
        r flushall
        set names {e0 e1 e2 e3 e4 e5 e6 e7}
        foreach k $names { r incrbyfloat $k 1 }
        foreach k $names { assert_equal embstr [r object encoding $k] }
        r rename e0 r0
        r copy e1 c1
        assert_equal embstr [r object encoding r0]
        assert_equal embstr [r object encoding c1]
        r set plain 5
        foreach k {e2 e3 e4 e5} {
            assert_error "WRONGTYPE*" {r zdiffstore dest 2 $k plain}
            assert_error "WRONGTYPE*" {r sunionstore dest $k plain}
            assert_equal embstr [r object encoding $k]
        }
        assert_equal int [r object encoding plain]
        assert_equal 0 [r exists dest]
    }

    # A value over 64 KB (or 4096 elements) is not copied between shards:
    # the command runs at its shard with the other keys brought there. The
    # tags {a} {b} {c} {d} lie on four different shards with 4 shards.
    proc big_set {key n} {
        r del $key
        for {set i 0} {$i < $n} {incr i 1000} {
            set m {}
            for {set j $i} {$j < $i + 1000 && $j < $n} {incr j} { lappend m m$j }
            r sadd $key {*}$m
        }
    }

    test "Set algebra over a big set on another shard: results, sources untouched" {
        r flushall
        foreach {big small dst} {b{a} s{b} d{c}  b{b} s{c} d{d}  b{c} s{d} d{a}  b{d} s{a} d{b}} {
            big_set $big 6000
            r sadd $small m1 m5 x m5999
            r pexpire $small 100000
            assert_equal 3 [r sinterstore $dst $big $small]
            assert_equal {m1 m5 m5999} [lsort [r smembers $dst]]
            assert_equal -1 [r ttl $dst]
            assert_equal 3 [r sintercard 2 $small $big]
            assert_equal {x} [r sdiff $small $big]
            assert_equal 6001 [r sunionstore $dst $small $big]
            assert_equal 6000 [r scard $big]
            assert_equal 4 [r scard $small]
            assert {[r pttl $small] > 0}
            # the big key itself the destination
            assert_equal 5997 [r sdiffstore $big $big $small]
            assert_equal 0 [r sismember $big m5]
            assert_equal 1 [r sismember $big m6]
            # nothing left: SINTERSTORE deletes the destination
            r del $small
            assert_equal 0 [r sinterstore $dst $big $small]
            assert_equal 0 [r exists $dst]
            r del $big
        }
    }

    test "Sorted-set algebra, RENAME and COPY of big values across shards" {
        r flushall
        set m {}
        for {set i 0} {$i < 5000} {incr i} { lappend m $i z$i }
        r zadd zb{a} {*}$m
        r zadd zs{b} 10 z1 20 z2 30 nope
        assert_equal 2 [r zinterstore zo{c} 2 zb{a} zs{b} weights 2 1 aggregate sum]
        assert_equal {z1 12 z2 24} [r zrange zo{c} 0 -1 withscores]
        assert_equal 5001 [r zunionstore zo{d} 2 zs{b} zb{a} aggregate max]
        assert_equal 4999 [r zscore zo{d} z4999]
        assert_equal 30 [r zscore zo{d} nope]
        assert_equal {nope} [r zdiff 2 zs{b} zb{a}]
        assert_equal 2 [r zintercard 2 zb{a} zs{b}]
        assert_equal 5 [r zrangestore zr{b} zb{a} 0 4]
        assert_equal {z0 z1 z2 z3 z4} [r zrange zr{b} 0 -1]
        # RENAME moves it, COPY copies it, in any direction
        big_set sb{c} 5000
        assert_equal OK [r rename sb{c} sm{a}]
        assert_equal 0 [r exists sb{c}]
        assert_equal 5000 [r scard sm{a}]
        assert_equal 1 [r copy sm{a} sc{d}]
        assert_equal 0 [r copy sm{a} sc{d}]
        assert_equal 1 [r copy sm{a} sc{d} replace]
        assert_equal 5000 [r scard sc{d}]
        assert_equal 0 [r renamenx sc{d} sm{a}]
        set v [string repeat x 70000]
        r set str{b} $v
        assert_equal 1 [r copy str{b} str{c}]
        assert_equal 70000 [r strlen str{c}]
        assert_equal 0 [r msetnx str{c} 1 other{a} 2]
        assert_equal OK [r rename str{c} str{d}]
        assert_equal $v [r get str{d}]
        # two big values on two shards
        big_set s1{a} 5000
        big_set s2{b} 5000
        r sadd s2{b} extra
        assert_equal 5001 [r sunionstore u{c} s1{a} s2{b}]
        assert_equal 1 [r sdiffstore u{c} s2{b} s1{a}]
        assert_equal {extra} [r smembers u{c}]
        # errors come back as they are
        r set plain{c} 1
        assert_error "WRONGTYPE*" {r sinterstore d{d} zb{a} plain{c}}
        assert_error "WRONGTYPE*" {r sunion sm{a} plain{c}}
        r flushall
    }

    test "A big value's command wakes clients and aborts WATCH at the destination's shard" {
        r flushall
        big_set s{a} 5000
        r sadd t{b} m1 m2
        set o [redis_client]
        $o watch d{c}
        r sinterstore d{c} s{a} t{b}
        $o multi
        $o ping
        assert_equal {} [$o exec]
        # the big key's own shard: its watchers too
        $o watch s{a}
        r sdiffstore s{a} s{a} t{b}
        $o multi
        $o ping
        assert_equal {} [$o exec]
        $o close
        # a waiter on the destination gets what the command stored
        set m {}
        for {set i 0} {$i < 5000} {incr i} { lappend m $i z$i }
        r zadd zb{a} {*}$m
        set c [redis_deferring_client]
        $c bzpopmin zd{c} 0
        for {set i 0} {$i < 200 && [info_field [r info clients] blocked_clients] != 1} {incr i} { after 10 }
        assert_equal 5000 [r zunionstore zd{c} 1 zb{a}]
        assert_equal {zd{c} z0 0} [$c read]
        $c close
        assert_equal 4999 [r zcard zd{c}]
        r flushall
    }
}
