# Blocking commands as Redis 7.0 does them: BLPOP BRPOP BRPOPLPUSH BLMOVE
# BLMPOP BZPOPMIN BZPOPMAX BZMPOP WAIT. Immediate pops, argument errors,
# blocking and being served (in which order, by which writes, over keys of
# different shards), timeouts, reply formats in RESP2 and RESP3, CLIENT
# UNBLOCK, CLIENT KILL, blocked_clients in INFO, the b flag of CLIENT LIST,
# and the idle `timeout` that leaves blocked clients alone.
#
# The blocked side is a deferring client; the tests wait for blocked_clients
# in INFO to reach the expected count before they push, not for a fixed time.
# Keys tagged {a}, {b} and {c} lie on different shards when redis-shard runs
# with 4 shards.

proc blk_blocked_count {} {
    return [info_field [r info clients] blocked_clients]
}

# Wait until INFO reports n blocked clients. The deferring clients given
# must not have got a reply meanwhile (an error instead of blocking, say):
# that fails at once instead of waiting for the count.
proc blk_wait_blocked {n args} {
    for {set i 0} {$i < 200} {incr i} {
        if {[blk_blocked_count] eq $n} return
        foreach c $args {
            set old [$c timeout]
            $c timeout 1
            set failed [catch {$c read} reply]
            $c timeout $old
            if {!$failed || ![string match "*timeout*" $reply]} {
                fail "a client answered '$reply' instead of blocking"
            }
        }
        after 10
    }
    fail "expected $n blocked clients, INFO says '[blk_blocked_count]'"
}

# 1 if deferring client c got no reply within ms milliseconds.
proc blk_no_reply {c ms} {
    set old [$c timeout]
    $c timeout $ms
    set failed [catch {$c read} err]
    $c timeout $old
    if {!$failed} { return 0 }
    return [string match "*timeout*" $err]
}

# A deferring client that sent `args` and is now blocked; n is the number of
# blocked clients expected once it is.
proc blk_client {n args} {
    set c [redis_deferring_client]
    $c {*}$args
    blk_wait_blocked $n $c
    return $c
}

# A deferring client switched to RESP3.
proc blk_resp3_client {} {
    set c [redis_deferring_client]
    $c hello 3
    $c read
    return $c
}

start_server {tags {blocking}} {

    # ------------------------------------------------------- BLPOP / BRPOP
    test "BLPOP and BRPOP pop at once from the first non-empty key in argument order" {
        r del l1 l2 l3
        r rpush l2 a b
        r rpush l3 c
        assert_equal {l2 a} [r blpop l1 l2 l3 0]
        assert_equal {l3 c} [r brpop l1 l3 l2 0]
        assert_equal 0 [r exists l3]
        assert_equal {l2 b} [r brpop l1 l2 l3 1]
        assert_equal 0 [r exists l1 l2 l3]
        r rpush l1 x y
        assert_equal {l1 x} [r blpop l1 l1 0]
        assert_equal {y} [r lrange l1 0 -1]
        assert_equal 0 [blk_blocked_count]
    }

    test "BLPOP and BRPOP at once, exact RESP2 bytes" {
        r del l
        r rpush l a bb
        set c [redis_deferring_client]
        $c blpop nokey l 0
        assert_equal "*2\r\n\$1\r\nl\r\n\$1\r\na\r\n" [$c read_raw]
        $c brpop l 0
        assert_equal "*2\r\n\$1\r\nl\r\n\$2\r\nbb\r\n" [$c read_raw]
        $c close
    }

    test "BLPOP argument errors" {
        r del l
        assert_error "ERR wrong number of arguments for 'blpop' command" {r blpop l}
        assert_error "ERR wrong number of arguments for 'brpop' command" {r brpop}
        assert_error "ERR timeout is negative" {r blpop l -1}
        assert_error "ERR timeout is negative" {r brpop l -0.5}
        assert_error "ERR timeout is not a float or out of range" {r blpop l abc}
        assert_error "ERR timeout is not a float or out of range" {r blpop l 1x}
        assert_error "ERR timeout is not a float or out of range" {r blpop l ""}
        assert_error "ERR timeout is not a float or out of range" {r brpop l nan}
        # the timeout is checked before the keys
        r set s str
        assert_error "ERR timeout is negative" {r blpop s -1}
    }

    test "BLPOP on a key of another type is a WRONGTYPE error" {
        r del s l
        r set s str
        assert_error "WRONGTYPE Operation against a key holding the wrong kind of value" {r blpop s 0}
        assert_error "WRONGTYPE Operation against a key holding the wrong kind of value" {r brpop nokey s 0}
        # a non-empty list before it in the arguments wins
        r rpush l a
        assert_equal {l a} [r blpop l s 0]
        assert_equal 0 [blk_blocked_count]
    }

    test "BLPOP blocks, then LPUSH from another client serves it" {
        r del k
        set d [blk_client 1 blpop k 0]
        # the pusher sees the length before the blocked client popped
        assert_equal 1 [r lpush k v]
        assert_equal {k v} [$d read]
        assert_equal 0 [r exists k]
        assert_equal 0 [blk_blocked_count]
        $d close
    }

    test "BRPOP blocks, then RPUSH of several elements serves the tail" {
        r del k
        set d [blk_client 1 brpop k 0]
        assert_equal 3 [r rpush k a b c]
        assert_equal "*2\r\n\$1\r\nk\r\n\$1\r\nc\r\n" [$d read_raw]
        assert_equal {a b} [r lrange k 0 -1]
        $d close
    }

    test "Blocked clients are served in the order they blocked" {
        r del k
        set d1 [blk_client 1 blpop k 0]
        set d2 [blk_client 2 blpop k 0]
        set d3 [blk_client 3 brpop k 0]
        # the list is c b a after the push
        r lpush k a b c
        assert_equal {k c} [$d1 read]
        assert_equal {k b} [$d2 read]
        assert_equal {k a} [$d3 read]
        assert_equal 0 [r exists k]
        foreach d [list $d1 $d2 $d3] { $d close }
    }

    test "RPUSH of several elements to a BLPOP and a BRPOP client" {
        r del k
        set d1 [blk_client 1 blpop k 0]
        set d2 [blk_client 2 brpop k 0]
        r rpush k a b c
        assert_equal {k a} [$d1 read]
        assert_equal {k c} [$d2 read]
        assert_equal {b} [r lrange k 0 -1]
        $d1 close
        $d2 close
    }

    test "One element serves exactly one blocked client" {
        r del k
        set d1 [blk_client 1 blpop k 0]
        set d2 [blk_client 2 blpop k 0]
        r rpush k only
        assert_equal {k only} [$d1 read]
        assert {[blk_no_reply $d2 100]}
        assert_equal 1 [blk_blocked_count]
        assert_equal 0 [r exists k]
        r rpush k next
        assert_equal {k next} [$d2 read]
        $d1 close
        $d2 close
    }

    test "A client blocked on several keys is served once, by the key that got data" {
        r del k1 k2 k3
        set d [blk_client 1 blpop k1 k2 k3 0]
        r rpush k3 x
        assert_equal {k3 x} [$d read]
        assert_equal 0 [blk_blocked_count]
        # pushing to its other keys afterwards reaches nobody
        r rpush k1 y
        r rpush k2 z
        assert_equal {y} [r lrange k1 0 -1]
        assert_equal {z} [r lrange k2 0 -1]
        $d close
    }

    # (keys of one shard: across shards the keys are written back by their
    # owners in parallel, and the first owner to tell the client's shard serves)
    test "Within one MULTI, the key that got data first serves the client" {
        r del k1{t} k2{t}
        set d [blk_client 1 blpop k2{t} k1{t} 0]
        r multi
        r rpush k1{t} a
        r rpush k2{t} b
        assert_equal {1 1} [r exec]
        assert_equal {k1{t} a} [$d read]
        assert_equal 0 [r exists k1{t}]
        assert_equal {b} [r lrange k2{t} 0 -1]
        $d close
    }

    test "A MULTI that pushes then pops leaves the blocked client blocked" {
        r del k
        set d [blk_client 1 blpop k 0]
        r multi
        r lpush k a
        r lpop k
        assert_equal {1 a} [r exec]
        assert {[blk_no_reply $d 100]}
        assert_equal 1 [blk_blocked_count]
        r rpush k z
        assert_equal {k z} [$d read]
        $d close
    }

    test "A MULTI that pushes, deletes and pushes again serves what is left" {
        r del k
        set d [blk_client 1 blpop k 0]
        r multi
        r rpush k a
        r del k
        r rpush k b c
        r exec
        assert_equal {k b} [$d read]
        assert_equal {c} [r lrange k 0 -1]
        $d close
    }

    test "LMOVE and RPOPLPUSH into the key serve a blocked client, also across shards" {
        r del k{a} src{a} src{b}
        r rpush src{b} 1 2 3
        set d [blk_client 1 blpop k{a} 0]
        assert_equal 3 [r lmove src{b} k{a} right left]
        assert_equal {k{a} 3} [$d read]
        $d brpop k{a} 0
        blk_wait_blocked 1 $d
        assert_equal 2 [r rpoplpush src{b} k{a}]
        assert_equal {k{a} 2} [$d read]
        assert_equal {1} [r lrange src{b} 0 -1]
        assert_equal 0 [r exists k{a}]
        $d close
    }

    test "Other writes that create the list serve a blocked client too" {
        r del k src
        set d [blk_client 1 blpop k 0]
        # SORT ... STORE
        r rpush src 3 1 2
        assert_equal 3 [r sort src store k]
        assert_equal {k 1} [$d read]
        assert_equal {2 3} [r lrange k 0 -1]
        # RENAME of a list onto the key
        r del k
        $d blpop k 0
        blk_wait_blocked 1 $d
        assert_equal OK [r rename src k]
        assert_equal {k 3} [$d read]
        # COPY
        r del k src
        r rpush src p q
        $d blpop k 0
        blk_wait_blocked 1 $d
        assert_equal 1 [r copy src k]
        assert_equal {k p} [$d read]
        assert_equal {q} [r lrange k 0 -1]
        $d close
    }

    test "A key that becomes another type leaves the BLPOP client blocked (Redis 7.0)" {
        r del k
        set d [blk_client 1 blpop k 0]
        r set k str
        assert {[blk_no_reply $d 100]}
        r del k
        r zadd k 1 m
        assert {[blk_no_reply $d 100]}
        assert_equal 1 [blk_blocked_count]
        r del k
        r rpush k v
        assert_equal {k v} [$d read]
        $d close
    }

    test "BLPOP times out with a null array after about the timeout" {
        r del k k2
        set d [redis_deferring_client]
        set start [clock milliseconds]
        $d blpop k 0.1
        assert_equal "*-1\r\n" [$d read_raw]
        assert_range [expr {[clock milliseconds] - $start}] 50 1000
        set start [clock milliseconds]
        $d brpop k k2 0.2
        assert_equal "*-1\r\n" [$d read_raw]
        assert_range [expr {[clock milliseconds] - $start}] 150 1200
        assert_equal 0 [blk_blocked_count]
        $d close
    }

    test "BLPOP with timeout 0 stays blocked until served" {
        r del k
        set d [blk_client 1 blpop k 0]
        assert {[blk_no_reply $d 400]}
        assert_equal 1 [blk_blocked_count]
        r rpush k late
        assert_equal {k late} [$d read]
        $d close
    }

    test "A pushed element is served before a short timeout runs out" {
        r del k
        set d [blk_client 1 blpop k 5]
        r rpush k v
        assert_equal {k v} [$d read]
        $d close
    }

    test "Commands pipelined after a blocking command wait until it is served" {
        r del k
        set d [redis_deferring_client]
        $d write [::resp::encode BLPOP k 0][::resp::encode RPUSH k mine][::resp::encode LRANGE k 0 -1]
        blk_wait_blocked 1 $d
        # the RPUSH behind the BLPOP has not run
        assert_equal 0 [r exists k]
        r rpush k theirs
        assert_equal {k theirs} [$d read]
        assert_equal 1 [$d read]
        assert_equal {mine} [$d read]
        $d close
    }

    test "BLPOP blocked on keys of different shards, served by each shard" {
        r del k{a} k{b} k{c}
        set d1 [blk_client 1 blpop k{a} k{b} k{c} 0]
        set d2 [blk_client 2 brpop k{c} k{b} k{a} 0]
        set d3 [blk_client 3 blpop k{b} 0]
        r rpush k{c} 1
        assert_equal {k{c} 1} [$d1 read]
        r rpush k{b} 2
        assert_equal {k{b} 2} [$d2 read]
        assert_equal 1 [blk_blocked_count]
        r rpush k{b} 3
        assert_equal {k{b} 3} [$d3 read]
        assert_equal 0 [r exists k{a} k{b} k{c}]
        foreach d [list $d1 $d2 $d3] { $d close }
    }

    test "A client blocked in database 1 is served by a push in database 1 only" {
        r del k
        set d [redis_deferring_client]
        $d select 1
        $d read
        $d blpop k 0
        blk_wait_blocked 1 $d
        r rpush k db0
        assert {[blk_no_reply $d 100]}
        r select 1
        r rpush k db1
        assert_equal {k db1} [$d read]
        assert_equal 0 [r exists k]
        r select 0
        assert_equal {db0} [r lrange k 0 -1]
        $d close
    }

    test "SWAPDB serves a client blocked on a key that the swap brings in" {
        r flushall
        r select 1
        r rpush k fromdb1
        r select 0
        set d [blk_client 1 blpop k 0]
        r swapdb 0 1
        assert_equal {k fromdb1} [$d read]
        r flushall
        $d close
    }

    test "A client that disconnects while blocked is forgotten" {
        r del k
        set d [blk_client 1 blpop k 0]
        $d close
        wait_for_condition 100 10 {[blk_blocked_count] == 0} else {
            fail "the closed client still counts as blocked"
        }
        r rpush k v
        assert_equal {v} [r lrange k 0 -1]
    }

    # ------------------------------------------------ BRPOPLPUSH / BLMOVE
    test "BRPOPLPUSH and BLMOVE move at once when the source has data" {
        r del src dst
        r rpush src a b c
        r rpush dst x
        assert_equal c [r brpoplpush src dst 0]
        assert_equal a [r blmove src dst left right 0]
        assert_equal {c x a} [r lrange dst 0 -1]
        # same source and destination: rotation
        assert_equal b [r blmove src src left left 0]
        r rpush src d
        assert_equal d [r brpoplpush src src 0]
        assert_equal {d b} [r lrange src 0 -1]
    }

    test "BRPOPLPUSH and BLMOVE argument errors" {
        r del src dst
        assert_error "ERR wrong number of arguments for 'brpoplpush' command" {r brpoplpush src dst}
        assert_error "ERR wrong number of arguments for 'blmove' command" {r blmove src dst left left}
        assert_error "ERR syntax error" {r blmove src dst up left 0}
        assert_error "ERR syntax error" {r blmove src dst left down 0}
        assert_error "ERR timeout is negative" {r brpoplpush src dst -1}
        assert_error "ERR timeout is not a float or out of range" {r blmove src dst left right x}
    }

    test "BRPOPLPUSH and BLMOVE with a source or destination of the wrong type" {
        r del src dst s
        r set s str
        r rpush src a
        assert_error "WRONGTYPE Operation against a key holding the wrong kind of value" {r brpoplpush s dst 0}
        assert_error "WRONGTYPE Operation against a key holding the wrong kind of value" {r blmove src s left left 0}
        assert_error "WRONGTYPE Operation against a key holding the wrong kind of value" {r brpoplpush src s 0}
        assert_equal {a} [r lrange src 0 -1]
        assert_equal 0 [r exists dst]
    }

    test "BRPOPLPUSH blocks, then a push serves it with the element moved" {
        r del src{a} dst{b}
        r rpush dst{b} old
        set d [blk_client 1 brpoplpush src{a} dst{b} 0]
        r rpush src{a} x y
        assert_equal "\$1\r\ny\r\n" [$d read_raw]
        assert_equal {x} [r lrange src{a} 0 -1]
        assert_equal {y old} [r lrange dst{b} 0 -1]
        $d close
    }

    test "BLMOVE blocked then served, every direction, source and destination on different shards" {
        foreach {wherefrom whereto result dstlist} {
            left  left  a {a m}
            left  right a {m a}
            right left  c {c m}
            right right c {m c}
        } {
            r del src{a} dst{c}
            r rpush dst{c} m
            set d [blk_client 1 blmove src{a} dst{c} $wherefrom $whereto 0]
            r rpush src{a} a b c
            assert_equal $result [$d read] "$wherefrom $whereto"
            assert_equal $dstlist [r lrange dst{c} 0 -1] "$wherefrom $whereto"
            assert_equal 2 [r llen src{a}]
            $d close
        }
    }

    test "BLMOVE blocked with a destination of the wrong type gets WRONGTYPE when served" {
        r del src dst
        r set dst str
        set d [blk_client 1 blmove src dst left right 0]
        r rpush src x
        assert_equal "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n" [$d read_raw]
        # the element stays in the source
        assert_equal {x} [r lrange src 0 -1]
        assert_equal 0 [blk_blocked_count]
        $d close
    }

    test "A chain of blocked BLMOVE clients is served through" {
        r del c1{a} c2{b} c3{c}
        set d1 [blk_client 1 blmove c1{a} c2{b} left left 0]
        set d2 [blk_client 2 brpoplpush c2{b} c3{c} 0]
        set d3 [blk_client 3 blpop c3{c} 0]
        r rpush c1{a} hop
        assert_equal hop [$d1 read]
        assert_equal hop [$d2 read]
        assert_equal {c3{c} hop} [$d3 read]
        assert_equal 0 [r exists c1{a} c2{b} c3{c}]
        foreach d [list $d1 $d2 $d3] { $d close }
    }

    test "BRPOPLPUSH and BLMOVE time out with a null array in RESP2 (not a null bulk)" {
        r del src dst
        set d [redis_deferring_client]
        $d brpoplpush src dst 0.05
        assert_equal "*-1\r\n" [$d read_raw]
        $d blmove src dst left left 0.05
        assert_equal "*-1\r\n" [$d read_raw]
        assert_equal 0 [r exists dst]
        $d close
    }

    # -------------------------------------------------------------- BLMPOP
    test "BLMPOP argument errors" {
        r del l
        assert_error "ERR wrong number of arguments for 'blmpop' command" {r blmpop 0}
        assert_error "ERR wrong number of arguments for 'blmpop' command" {r blmpop 0 1 l}
        assert_error "ERR numkeys should be greater than 0" {r blmpop 0 0 l left}
        assert_error "ERR numkeys should be greater than 0" {r blmpop 0 -1 l left}
        assert_error "ERR numkeys should be greater than 0" {r blmpop 0 abc l left}
        assert_error "ERR syntax error" {r blmpop 0 2 l left}
        assert_error "ERR syntax error" {r blmpop 0 1 l up}
        assert_error "ERR syntax error" {r blmpop 0 1 l left count}
        assert_error "ERR syntax error" {r blmpop 0 1 l left foo}
        assert_error "ERR syntax error" {r blmpop 0 1 l left count 1 count 2}
        assert_error "ERR count should be greater than 0" {r blmpop 0 1 l left count 0}
        assert_error "ERR count should be greater than 0" {r blmpop 0 1 l left count -1}
        assert_error "ERR timeout is negative" {r blmpop -1 1 l left}
        assert_error "ERR timeout is not a float or out of range" {r blmpop x 1 l left}
        r set s str
        assert_error "WRONGTYPE Operation against a key holding the wrong kind of value" {r blmpop 0 1 s left}
    }

    test "BLMPOP pops at once from the first non-empty key, up to COUNT" {
        r del l1 l2{b} l3{c}
        r rpush l2{b} a b c
        r rpush l3{c} x
        assert_equal {l2{b} a} [r blmpop 0 3 l1 l2{b} l3{c} left]
        assert_equal {l2{b} {c b}} [r blmpop 0 3 l1 l2{b} l3{c} right count 5]
        assert_equal {l3{c} x} [r blmpop 0 3 l1 l2{b} l3{c} LEFT COUNT 2]
        assert_equal 0 [r exists l1 l2{b} l3{c}]
    }

    test "BLMPOP blocks, then is served up to COUNT elements" {
        r del m1{a} m2{b}
        set d [blk_client 1 blmpop 0 2 m1{a} m2{b} left count 10]
        r rpush m2{b} 1 2 3
        assert_equal "*2\r\n\$5\r\nm2{b}\r\n*3\r\n\$1\r\n1\r\n\$1\r\n2\r\n\$1\r\n3\r\n" [$d read_raw]
        assert_equal 0 [r exists m2{b}]
        $d blmpop 0 2 m1{a} m2{b} right count 2
        blk_wait_blocked 1 $d
        r rpush m1{a} a b c
        assert_equal {m1{a} {c b}} [$d read]
        assert_equal {a} [r lrange m1{a} 0 -1]
        $d close
    }

    test "BLMPOP times out with a null array" {
        r del l
        set d [redis_deferring_client]
        set start [clock milliseconds]
        $d blmpop 0.1 1 l left
        assert_equal "*-1\r\n" [$d read_raw]
        assert_range [expr {[clock milliseconds] - $start}] 50 1000
        $d close
    }

    # -------------------------------------------- BZPOPMIN BZPOPMAX BZMPOP
    test "BZPOPMIN and BZPOPMAX pop at once from the first non-empty zset" {
        r del z1 z2
        r zadd z2 1 a 2 b 3 c
        assert_equal {z2 a 1} [r bzpopmin z1 z2 0]
        assert_equal {z2 c 3} [r bzpopmax z1 z2 0]
        set d [redis_deferring_client]
        $d bzpopmin z1 z2 0
        assert_equal "*3\r\n\$2\r\nz2\r\n\$1\r\nb\r\n\$1\r\n2\r\n" [$d read_raw]
        assert_equal 0 [r exists z2]
        $d close
    }

    test "BZPOPMIN and BZPOPMAX argument errors" {
        r del z s
        r set s str
        assert_error "ERR wrong number of arguments for 'bzpopmin' command" {r bzpopmin z}
        assert_error "ERR wrong number of arguments for 'bzpopmax' command" {r bzpopmax}
        assert_error "ERR timeout is negative" {r bzpopmin z -1}
        assert_error "ERR timeout is not a float or out of range" {r bzpopmax z abc}
        assert_error "WRONGTYPE Operation against a key holding the wrong kind of value" {r bzpopmin s 0}
        assert_error "WRONGTYPE Operation against a key holding the wrong kind of value" {r bzpopmax z s 0}
    }

    test "BZPOPMIN blocks, then ZADD serves it" {
        r del z
        set d [blk_client 1 bzpopmin z 0]
        assert_equal 1 [r zadd z 1.5 m]
        assert_equal "*3\r\n\$1\r\nz\r\n\$1\r\nm\r\n\$3\r\n1.5\r\n" [$d read_raw]
        assert_equal 0 [r exists z]
        $d close
    }

    test "BZPOPMIN and BZPOPMAX clients are served in order by one ZADD" {
        r del z
        set d1 [blk_client 1 bzpopmin z 0]
        set d2 [blk_client 2 bzpopmax z 0]
        r zadd z 5 e 1 a 3 c
        assert_equal {z a 1} [$d1 read]
        assert_equal {z e 5} [$d2 read]
        assert_equal {c 3} [r zrange z 0 -1 withscores]
        $d1 close
        $d2 close
    }

    test "ZINCRBY and ZUNIONSTORE creating the zset serve BZPOPMAX" {
        r del z{a} src{b}
        set d [blk_client 1 bzpopmax z{a} 0]
        r zincrby z{a} 2 m
        assert_equal {z{a} m 2} [$d read]
        r zadd src{b} 1 p 2 q
        $d bzpopmax z{a} 0
        blk_wait_blocked 1 $d
        assert_equal 2 [r zunionstore z{a} 1 src{b}]
        assert_equal {z{a} q 2} [$d read]
        assert_equal {p} [r zrange z{a} 0 -1]
        $d close
    }

    test "BZPOPMIN blocked on zsets of different shards" {
        r del z{a} z{b} z{c}
        set d [blk_client 1 bzpopmin z{a} z{b} z{c} 0]
        r zadd z{b} 7 x
        assert_equal {z{b} x 7} [$d read]
        $d close
    }

    test "A key that becomes a list leaves the BZPOPMIN client blocked (Redis 7.0)" {
        r del z
        set d [blk_client 1 bzpopmin z 0]
        r rpush z v
        assert {[blk_no_reply $d 100]}
        r del z
        r zadd z 1 x
        assert_equal {z x 1} [$d read]
        $d close
    }

    test "BZPOPMIN and BZPOPMAX time out with a null array" {
        r del z
        set d [redis_deferring_client]
        set start [clock milliseconds]
        $d bzpopmin z 0.1
        assert_equal "*-1\r\n" [$d read_raw]
        $d bzpopmax z 0.05
        assert_equal "*-1\r\n" [$d read_raw]
        assert_range [expr {[clock milliseconds] - $start}] 100 1500
        $d close
    }

    test "BZMPOP argument errors" {
        r del z s
        r set s str
        assert_error "ERR wrong number of arguments for 'bzmpop' command" {r bzmpop 0 1 z}
        assert_error "ERR numkeys should be greater than 0" {r bzmpop 0 0 z min}
        assert_error "ERR syntax error" {r bzmpop 0 1 z up}
        assert_error "ERR syntax error" {r bzmpop 0 2 z min}
        assert_error "ERR count should be greater than 0" {r bzmpop 0 1 z min count 0}
        assert_error "ERR timeout is negative" {r bzmpop -1 1 z min}
        assert_error "WRONGTYPE Operation against a key holding the wrong kind of value" {r bzmpop 0 1 s max}
    }

    test "BZMPOP pops at once with COUNT" {
        r del z1 z2
        r zadd z2 1 a 2 b 3 c
        assert_equal {z2 {{a 1} {b 2}}} [r bzmpop 0 2 z1 z2 min count 2]
        r zadd z2 4 d
        set d [redis_deferring_client]
        $d bzmpop 0 2 z1 z2 max
        assert_equal "*2\r\n\$2\r\nz2\r\n*1\r\n*2\r\n\$1\r\nd\r\n\$1\r\n4\r\n" [$d read_raw]
        $d close
    }

    test "BZMPOP blocks, then is served up to COUNT members" {
        r del z{a} z{b}
        set d [blk_client 1 bzmpop 0 2 z{a} z{b} max count 5]
        r zadd z{b} 2 m 3 n
        assert_equal "*2\r\n\$4\r\nz{b}\r\n*2\r\n*2\r\n\$1\r\nn\r\n\$1\r\n3\r\n*2\r\n\$1\r\nm\r\n\$1\r\n2\r\n" [$d read_raw]
        assert_equal 0 [r exists z{b}]
        $d bzmpop 0 2 z{a} z{b} min
        blk_wait_blocked 1 $d
        r zadd z{a} 1 p 2 q
        assert_equal {z{a} {{p 1}}} [$d read]
        $d close
    }

    test "BZMPOP times out with a null array" {
        set d [redis_deferring_client]
        $d bzmpop 0.05 1 nokey min
        assert_equal "*-1\r\n" [$d read_raw]
        $d close
    }

    # --------------------------------------------------------------- RESP3
    test "RESP3: blocked clients served with RESP3 replies" {
        r del k k2 z
        set d [blk_resp3_client]
        $d blpop k 0
        blk_wait_blocked 1 $d
        r rpush k v
        assert_equal "*2\r\n\$1\r\nk\r\n\$1\r\nv\r\n" [$d read_raw]
        $d bzpopmin z 0
        blk_wait_blocked 1 $d
        r zadd z 1.5 m
        assert_equal "*3\r\n\$1\r\nz\r\n\$1\r\nm\r\n,1.5\r\n" [$d read_raw]
        $d bzpopmax z 0
        blk_wait_blocked 1 $d
        r zadd z 2 m 3 n
        assert_equal "*3\r\n\$1\r\nz\r\n\$1\r\nn\r\n,3\r\n" [$d read_raw]
        r del z
        $d bzmpop 0 1 z max count 5
        blk_wait_blocked 1 $d
        r zadd z 2 m 3 n
        assert_equal "*2\r\n\$1\r\nz\r\n*2\r\n*2\r\n\$1\r\nn\r\n,3\r\n*2\r\n\$1\r\nm\r\n,2\r\n" [$d read_raw]
        $d blmpop 0 2 k k2 right count 5
        blk_wait_blocked 1 $d
        r rpush k2 a b c
        assert_equal "*2\r\n\$2\r\nk2\r\n*3\r\n\$1\r\nc\r\n\$1\r\nb\r\n\$1\r\na\r\n" [$d read_raw]
        $d blmove k k2 left left 0
        blk_wait_blocked 1 $d
        r rpush k x
        assert_equal "\$1\r\nx\r\n" [$d read_raw]
        $d close
    }

    test "RESP3: timeouts answer the null type" {
        r del k k2 z
        set cmds {
            {blpop k 0.02}
            {brpop k 0.02}
            {brpoplpush k k2 0.02}
            {blmove k k2 left right 0.02}
            {blmpop 0.02 1 k left}
            {bzpopmin z 0.02}
            {bzpopmax z 0.02}
            {bzmpop 0.02 1 z min}
        }
        # one client for each, all blocked at the same time
        set clients {}
        foreach cmd $cmds {
            set d [blk_resp3_client]
            $d {*}$cmd
            lappend clients $d
        }
        foreach cmd $cmds d $clients {
            assert_equal "_\r\n" [$d read_raw] $cmd
            $d close
        }
    }

    # ------------------------------------------- CLIENT UNBLOCK, KILL, INFO
    test "CLIENT UNBLOCK with the default TIMEOUT gives the blocked client its timeout reply" {
        r del k
        set d [redis_deferring_client]
        $d client id
        set id [$d read]
        $d blpop k 0
        blk_wait_blocked 1 $d
        assert_equal 1 [r client unblock $id]
        assert_equal "*-1\r\n" [$d read_raw]
        assert_equal 0 [blk_blocked_count]
        $d blmove k k2 left left 0
        blk_wait_blocked 1 $d
        assert_equal 1 [r client unblock $id TIMEOUT]
        assert_equal "*-1\r\n" [$d read_raw]
        # the connection is usable afterwards
        $d ping
        assert_equal PONG [$d read]
        $d close
    }

    test "CLIENT UNBLOCK ERROR gives the blocked client an UNBLOCKED error" {
        r del z
        set d [redis_deferring_client]
        $d client id
        set id [$d read]
        $d bzpopmin z 0
        blk_wait_blocked 1 $d
        assert_equal 1 [r client unblock $id error]
        assert_equal "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n" [$d read_raw]
        assert_equal 0 [blk_blocked_count]
        # nothing was left behind: a later ZADD stays in place
        r zadd z 1 a
        assert_equal 1 [r zcard z]
        $d close
    }

    test "CLIENT UNBLOCK of BLMPOP, BZMPOP and BRPOP clients" {
        set d [redis_deferring_client]
        $d client id
        set id [$d read]
        foreach cmd {{blmpop 0 1 nol left} {bzmpop 0 1 noz min} {brpop nol nol2 0}} {
            $d {*}$cmd
            blk_wait_blocked 1 $d
            assert_equal 1 [r client unblock $id]
            assert_equal "*-1\r\n" [$d read_raw] $cmd
        }
        $d close
    }

    test "CLIENT UNBLOCK of a client that is not blocked, or does not exist, is 0" {
        set d [redis_client]
        set id [$d client id]
        assert_equal 0 [r client unblock $id]
        assert_equal 0 [r client unblock $id error]
        assert_equal 0 [r client unblock 999999]
        assert_equal 0 [r client unblock [r client id]]
        assert_error "ERR value is not an integer or out of range" {r client unblock abc}
        assert_error "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR" {r client unblock $id foo}
        assert_error "ERR wrong number of arguments for 'client|unblock' command" {r client unblock}
        assert_equal PONG [$d ping]
        $d close
    }

    test "CLIENT KILL of a blocked client" {
        r del k
        set d [redis_deferring_client]
        $d client id
        set id [$d read]
        $d blpop k 0
        blk_wait_blocked 1 $d
        assert_equal 1 [r client kill id $id]
        assert {[$d closed 2000]}
        wait_for_condition 100 10 {[blk_blocked_count] == 0} else {
            fail "the killed client still counts as blocked"
        }
        r rpush k v
        assert_equal {v} [r lrange k 0 -1]
        $d close
    }

    test "INFO blocked_clients counts the clients blocked on every shard" {
        r del k{a} k{b} k{c} z{a}
        assert_equal 0 [blk_blocked_count]
        set d1 [blk_client 1 blpop k{a} 0]
        set d2 [blk_client 2 brpoplpush k{b} k{c} 0]
        set d3 [blk_client 3 bzpopmax z{a} 0]
        set d4 [blk_client 4 blpop k{c} k{a} 0]
        assert_match "*blocked_clients:4*" [r info clients]
        r rpush k{b} x
        assert_equal x [$d2 read]
        # the moved element went to k{c} and served d4
        assert_equal {k{c} x} [$d4 read]
        blk_wait_blocked 2
        r zadd z{a} 1 m
        r rpush k{a} y
        assert_equal {z{a} m 1} [$d3 read]
        assert_equal {k{a} y} [$d1 read]
        blk_wait_blocked 0
        foreach d [list $d1 $d2 $d3 $d4] { $d close }
    }

    test "CLIENT LIST shows the b flag and the blocking command" {
        r del k
        set d [redis_deferring_client]
        $d client id
        set id [$d read]
        $d client setname blocker
        $d read
        assert_match "*flags=N *" [r client list id $id]
        $d blpop k 0
        blk_wait_blocked 1 $d
        set line [r client list id $id]
        assert_match "*name=blocker *flags=b *cmd=blpop *" $line
        r client unblock $id
        $d read
        assert_match "*flags=N *" [r client list id $id]
        $d close
    }

    # ------------------------------------------------------------------ WAIT
    test "WAIT without replicas answers 0" {
        assert_equal 0 [r wait 0 0]
        assert_equal 0 [r wait 0 100]
        assert_equal 0 [r wait -1 0]
        set start [clock milliseconds]
        assert_equal 0 [r wait 1 100]
        assert_range [expr {[clock milliseconds] - $start}] 50 2000
    }

    test "WAIT argument errors" {
        assert_error "ERR wrong number of arguments for 'wait' command" {r wait 0}
        assert_error "ERR timeout is negative" {r wait 0 -1}
        assert_error "ERR timeout is not an integer or out of range" {r wait 0 abc}
        assert_error "ERR timeout is not an integer or out of range" {r wait 0 0.5}
        assert_error "ERR value is not an integer or out of range" {r wait abc 0}
    }

    test "WAIT for a replica that never comes blocks until CLIENT UNBLOCK" {
        set d [redis_deferring_client]
        $d client id
        set id [$d read]
        $d wait 1 0
        blk_wait_blocked 1 $d
        assert_match "*flags=b *cmd=wait *" [r client list id $id]
        assert_equal 1 [r client unblock $id]
        assert_equal ":0\r\n" [$d read_raw]
        $d wait 1 0
        blk_wait_blocked 1 $d
        assert_equal 1 [r client unblock $id error]
        assert_equal "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n" [$d read_raw]
        $d close
    }
}

start_server {tags {blocking}} {
    test "The idle timeout closes idle clients but not blocked ones" {
        r del k
        set idle [redis_client]
        set d [blk_client 1 blpop k 0]
        r config set timeout 1
        # keep the default client busy for more than the timeout
        set deadline [expr {[clock milliseconds] + 6000}]
        while {[clock milliseconds] < $deadline} {
            assert_equal PONG [r ping]
            if {[$idle closed 1]} break
            after 100
        }
        assert {[$idle closed 1]}
        assert_equal 1 [blk_blocked_count]
        r rpush k v
        assert_equal {k v} [$d read]
        r config set timeout 0
        $d close
        $idle close
    }

    test "CLIENT PAUSE WRITE holds the push, so the blocked client is served only after the pause" {
        r del q
        set d [blk_client 1 blpop q 0]
        r client pause 500 write
        set p [redis_deferring_client]
        $p rpush q v
        # the push waits for the pause, and with it the blocked client
        assert {[blk_no_reply $p 200]}
        assert {[blk_no_reply $d 100]}
        r client unpause
        assert_equal 1 [$p read]
        assert_equal {q v} [$d read]
        assert_equal 0 [r exists q]
        $p close
        $d close
    }
}
