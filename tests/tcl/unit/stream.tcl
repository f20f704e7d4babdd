# Streams as Redis 7.0 has them: XADD XLEN XRANGE XREVRANGE XDEL XTRIM
# XSETID XREAD XGROUP XREADGROUP XACK XPENDING XCLAIM XAUTOCLAIM XINFO, their
# exact replies and error texts, blocking XREAD and XREADGROUP (woken by
# XADD, timeouts, a group destroyed or a key deleted under a blocked
# client), RESP3 reply forms, keyspace events, TYPE, OBJECT ENCODING, RENAME,
# COPY, EXPIRE, MULTI/EXEC and EVAL around streams.
#
# Every reply asserted here was checked against redis-server 7.0.15 (run
# this file with `--redis` to do it again). IDs are given explicitly
# wherever a reply is compared as a whole; `*` IDs are only matched as
# patterns. Nothing here depends on sleeps, except a few tiny waits where
# the idle time of pending entries matters: blocked clients are awaited
# through blocked_clients in INFO. The radix tree fields of XINFO and idle
# or delivery times are not compared (internal layout, clock).
#
# Keys tagged {a}, {b} and {c} lie on different shards when redis-shard runs
# with 4 shards, so commands over them (XREAD over several streams, blocking
# on several streams, RENAME and COPY) cross shards there.

set ::st_wrongtype "WRONGTYPE Operation against a key holding the wrong kind of value"
set ::st_badid "ERR Invalid stream ID specified as stream command argument"

proc st_blocked_count {} {
    return [info_field [r info clients] blocked_clients]
}

# Wait until INFO reports n blocked clients; the deferring clients given must
# not have answered meanwhile (an error instead of blocking fails at once).
proc st_wait_blocked {n args} {
    for {set i 0} {$i < 300} {incr i} {
        if {[st_blocked_count] eq $n} return
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
    fail "expected $n blocked clients, INFO says '[st_blocked_count]'"
}

# 1 if the deferring client c got no reply within ms milliseconds.
proc st_no_reply {c ms} {
    set old [$c timeout]
    $c timeout $ms
    set failed [catch {$c read} err]
    $c timeout $old
    if {!$failed} { return 0 }
    return [string match "*timeout*" $err]
}

# A deferring client that sent `args` and is blocked; n blocked clients are
# expected once it is.
proc st_blocked_client {n args} {
    set c [redis_deferring_client]
    $c {*}$args
    st_wait_blocked $n $c
    return $c
}

# XINFO STREAM as a dict, without the radix tree fields.
proc st_info {key} {
    set d [r xinfo stream $key]
    dict unset d radix-tree-keys
    dict unset d radix-tree-nodes
    return $d
}

# XINFO STREAM FULL without the radix tree fields, and with the delivery and
# seen times (checked to be recent ms timestamps) replaced by T.
proc st_info_full {key args} {
    set d [r xinfo stream $key full {*}$args]
    dict unset d radix-tree-keys
    dict unset d radix-tree-nodes
    set now [clock milliseconds]
    set groups {}
    foreach g [dict get $d groups] {
        set pel {}
        foreach p [dict get $g pending] {
            lassign $p id consumer t count
            assert_range $t [expr {$now - 60000}] [expr {$now + 60000}]
            lappend pel [list $id $consumer T $count]
        }
        dict set g pending $pel
        set consumers {}
        foreach c [dict get $g consumers] {
            assert_range [dict get $c seen-time] [expr {$now - 60000}] [expr {$now + 60000}]
            dict set c seen-time T
            set cpel {}
            foreach p [dict get $c pending] {
                lassign $p id t count
                lappend cpel [list $id T $count]
            }
            dict set c pending $cpel
            lappend consumers $c
        }
        dict set g consumers $consumers
        lappend groups $g
    }
    dict set d groups $groups
    return $d
}

# XPENDING's extended form without the idle times: {id consumer count}.
proc st_pending {key group args} {
    set out {}
    foreach p [r xpending $key $group {*}$args] {
        lassign $p id consumer idle count
        lappend out [list $id $consumer $count]
    }
    return $out
}

# XINFO CONSUMERS without the idle times.
proc st_consumers {key group} {
    set out {}
    foreach c [r xinfo consumers $key $group] {
        dict unset c idle
        lappend out $c
    }
    return $out
}

# A stream with entries 1-0 .. n-0, each {f i}.
proc st_fill {key n} {
    r del $key
    for {set i 1} {$i <= $n} {incr i} { r xadd $key $i-0 f $i }
}

start_server {tags {stream}} {

    # ------------------------------------------------------------ XADD
    test "XADD with explicit IDs, ms-only IDs and <ms>-*" {
        r del s
        assert_equal 1-1 [r xadd s 1-1 f v]
        assert_equal 1-2 [r xadd s 1-* f v]
        assert_equal 1-3 [r xadd s 1-* f v]
        assert_equal 5-0 [r xadd s 5-* f v]
        # an ID without the sequence part means seq 0
        assert_equal 10-0 [r xadd s 10 f v]
        # leading zeros are fine
        assert_equal 11-2 [r xadd s 00011-0002 f v]
        assert_equal 6 [r xlen s]
        # 0-* on an empty stream is 0-1: 0-0 is never valid
        r del z
        assert_equal 0-1 [r xadd z 0-* f v]
        assert_equal 0-2 [r xadd z 0-* f v]
        assert_equal {{0-1 {f v}} {0-2 {f v}}} [r xrange z - +]
    }

    test "XADD with * generates increasing time based IDs" {
        r del s
        set before [clock milliseconds]
        set id1 [r xadd s * f v]
        set id2 [r xadd s * f v]
        assert_match {[0-9]*-[0-9]*} $id1
        assert {[regexp {^(\d+)-(\d+)$} $id1 -> ms1 seq1]}
        assert {[regexp {^(\d+)-(\d+)$} $id2 -> ms2 seq2]}
        assert_range $ms1 [expr {$before - 10000}] [expr {$before + 10000}]
        assert {$ms2 > $ms1 || ($ms2 == $ms1 && $seq2 > $seq1)}
        # * after an explicit ID in the future goes on from it
        r del f
        r xadd f 99999999999999-5 f v
        assert_equal 99999999999999-6 [r xadd f * f v]
        assert_equal 99999999999999-7 [r xadd f * f v]
    }

    test "XADD keeps field order, repeated fields and empty strings" {
        r del s
        r xadd s 1-0 k1 v1 k2 v2 k1 v3
        r xadd s 2-0 f ""
        r xadd s 3-0 "" ""
        assert_equal {{1-0 {k1 v1 k2 v2 k1 v3}} {2-0 {f {}}} {3-0 {{} {}}}} [r xrange s - +]
        r write [::resp::encode xrange s 2 2]
        assert_equal "*1\r\n*2\r\n\$3\r\n2-0\r\n*2\r\n\$1\r\nf\r\n\$0\r\n\r\n" [r read_raw]
    }

    test "XADD with an ID equal or smaller than the top item, or 0-0" {
        r del s
        r xadd s 5-5 f v
        assert_error "ERR The ID specified in XADD is equal or smaller than the target stream top item" {r xadd s 5-5 f v}
        assert_error "ERR The ID specified in XADD is equal or smaller than the target stream top item" {r xadd s 5-4 f v}
        assert_error "ERR The ID specified in XADD is equal or smaller than the target stream top item" {r xadd s 4 f v}
        assert_error "ERR The ID specified in XADD is equal or smaller than the target stream top item" {r xadd s 4-* f v}
        assert_error "ERR The ID specified in XADD is equal or smaller than the target stream top item" {r xadd s 5 f v}
        assert_equal 5-6 [r xadd s 5-* f v]
        assert_error "ERR The ID specified in XADD must be greater than 0-0" {r xadd s 0-0 f v}
        r del e
        assert_error "ERR The ID specified in XADD must be greater than 0-0" {r xadd e 0-0 f v}
        assert_error "ERR The ID specified in XADD must be greater than 0-0" {r xadd e 0 f v}
        assert_equal 0 [r exists e]
        # a deleted top item still counts
        r del d
        r xadd d 3-0 f v
        r xdel d 3-0
        assert_error "ERR The ID specified in XADD is equal or smaller than the target stream top item" {r xadd d 3-0 f v}
        assert_equal 3-1 [r xadd d 3-* f v]
    }

    test "XADD at the largest possible ID" {
        r del s
        assert_equal 18446744073709551615-18446744073709551615 [r xadd s 18446744073709551615-18446744073709551615 f v]
        set err "ERR The stream has exhausted the last possible ID, unable to add more items"
        assert_error $err {r xadd s * f v}
        assert_error $err {r xadd s 18446744073709551615-* f v}
        # checked before the ID is compared with the top item
        assert_error $err {r xadd s 10 f v}
        assert_equal 1 [r xlen s]
        r del s
        assert_equal 18446744073709551615-0 [r xadd s 18446744073709551615-* f v]
        assert_equal 18446744073709551615-1 [r xadd s 18446744073709551615-* f v]
        assert_error $::st_badid {r xadd s 18446744073709551616-0 f v}
        assert_error $::st_badid {r xadd s 1-18446744073709551616 f v}
    }

    test "XADD argument errors" {
        r del s
        assert_error "ERR wrong number of arguments for 'xadd' command" {r xadd s 1-0 f}
        assert_error "ERR wrong number of arguments for 'xadd' command" {r xadd s 1-0 f v g}
        assert_error "ERR wrong number of arguments for 'xadd' command" {r xadd s 1-0}
        assert_error "ERR wrong number of arguments for 'xadd' command" {r xadd s}
        assert_error "ERR wrong number of arguments for 'xadd' command" {r xadd s f v}
        foreach id {abc 1-abc 1- -1 -5-0 3-0x 1-2-3 -} {
            assert_error $::st_badid {r xadd s $id f v}
        }
        assert_equal 0 [r exists s]
    }

    test "XADD NOMKSTREAM" {
        r del s
        assert_equal "" [r xadd s nomkstream 1-0 f v]
        r write [::resp::encode xadd s nomkstream 1-0 f v]
        assert_equal "\$-1\r\n" [r read_raw]
        assert_equal 0 [r exists s]
        r xadd s 1-0 f v
        assert_equal 2-0 [r xadd s nomkstream 2-0 f v]
        assert_equal 2 [r xlen s]
        assert_equal "" [r xadd nokey nomkstream maxlen 0 * f v]
        assert_equal 0 [r exists nokey]
    }

    test "XADD MAXLEN and MINID with =" {
        st_fill s 10
        assert_equal 11-0 [r xadd s maxlen 5 11-0 f 11]
        assert_equal 5 [r xlen s]
        assert_equal {7-0 {f 7}} [lindex [r xrange s - +] 0]
        assert_equal 12-0 [r xadd s maxlen = 3 12-0 f 12]
        assert_equal {{10-0 {f 10}} {11-0 {f 11}} {12-0 {f 12}}} [r xrange s - +]
        assert_equal 13-0 [r xadd s minid = 11 13-0 f 13]
        assert_equal {11-0 12-0 13-0} [lmap e [r xrange s - +] {lindex $e 0}]
        assert_equal 14-0 [r xadd s minid 13 14-0 f 14]
        assert_equal {13-0 14-0} [lmap e [r xrange s - +] {lindex $e 0}]
        # MAXLEN 0 removes the new entry too, the key stays
        assert_equal 15-0 [r xadd s maxlen 0 15-0 f 15]
        assert_equal 0 [r xlen s]
        assert_equal 1 [r exists s]
        # a refused ID trims nothing
        st_fill s 5
        assert_error "ERR The ID specified in XADD is equal or smaller than the target stream top item" {r xadd s maxlen 1 3-0 f v}
        assert_equal 5 [r xlen s]
    }

    test "XADD MAXLEN ~ trims whole nodes only, LIMIT caps the work" {
        # 300 entries: three full nodes of stream-node-max-entries (default
        # 100); the counts below follow from that node size
        r del s
        for {set i 1} {$i <= 300} {incr i} { r xadd s $i-0 f $i }
        assert_equal 301-0 [r xadd s maxlen ~ 10 301-0 f v]
        assert_equal 101 [r xlen s]
        assert_equal {201-0 {f 201}} [lindex [r xrange s - + count 1] 0]
        # LIMIT smaller than a node: nothing can go
        r del s
        for {set i 1} {$i <= 300} {incr i} { r xadd s $i-0 f $i }
        assert_equal 301-0 [r xadd s maxlen ~ 10 limit 50 301-0 f v]
        assert_equal 301 [r xlen s]
        assert_equal 302-0 [r xadd s maxlen ~ 10 limit 100 302-0 f v]
        assert_equal 202 [r xlen s]
        # LIMIT 0 is no limit
        assert_equal 303-0 [r xadd s maxlen ~ 10 limit 0 303-0 f v]
        assert_equal 103 [r xlen s]
        # MINID ~ inside the first node removes nothing
        assert_equal 304-0 [r xadd s minid ~ 250 304-0 f v]
        assert_equal 104 [r xlen s]
        assert_equal 305-0 [r xadd s minid ~ 301 305-0 f v]
        assert_equal 5 [r xlen s]
    }

    test "XADD trimming option errors" {
        r del s
        r xadd s 1-0 f v
        assert_error "ERR syntax error, LIMIT cannot be used without the special ~ option" {r xadd s maxlen 2 limit 10 * f v}
        assert_error "ERR syntax error, LIMIT cannot be used without the special ~ option" {r xadd s minid = 2 limit 10 * f v}
        assert_error "ERR The MAXLEN argument must be >= 0." {r xadd s maxlen -1 * f v}
        assert_error "ERR value is not an integer or out of range" {r xadd s maxlen abc * f v}
        assert_error $::st_badid {r xadd s minid abc * f v}
        assert_error "ERR syntax error, MAXLEN and MINID options at the same time are not compatible" {r xadd s maxlen 1 minid 1 * f v}
        assert_error "ERR The LIMIT argument must be >= 0." {r xadd s maxlen ~ 1 limit -1 * f v}
        assert_error "ERR value is not an integer or out of range" {r xadd s maxlen ~ 1 limit abc * f v}
        assert_equal 1 [r xlen s]
    }

    test "XLEN" {
        r del s
        assert_equal 0 [r xlen s]
        st_fill s 3
        assert_equal 3 [r xlen s]
        r xdel s 2-0
        assert_equal 2 [r xlen s]
        assert_error "ERR wrong number of arguments for 'xlen' command" {r xlen}
        assert_error "ERR wrong number of arguments for 'xlen' command" {r xlen s s}
    }

    # ------------------------------------------------------ XRANGE / XREVRANGE
    test "XRANGE and XREVRANGE with - + and inclusive bounds" {
        r del s
        r xadd s 1-0 a 1
        r xadd s 1-1 b 2
        r xadd s 2-0 c 3
        r xadd s 3-5 d 4
        r xadd s 18446744073709551615-0 e 5
        set all {{1-0 {a 1}} {1-1 {b 2}} {2-0 {c 3}} {3-5 {d 4}} {18446744073709551615-0 {e 5}}}
        assert_equal $all [r xrange s - +]
        assert_equal [lreverse $all] [r xrevrange s + -]
        assert_equal {{1-1 {b 2}} {2-0 {c 3}}} [r xrange s 1-1 2-0]
        assert_equal {{2-0 {c 3}} {1-1 {b 2}}} [r xrevrange s 2-0 1-1]
        assert_equal {{1-0 {a 1}}} [r xrange s 1-0 1-0]
        # the wrong order is just empty
        assert_equal {} [r xrange s 3 1]
        assert_equal {} [r xrevrange s 1 3]
        assert_equal {} [r xrevrange s - +]
        r write [::resp::encode xrange s 3 1]
        assert_equal "*0\r\n" [r read_raw]
        r write [::resp::encode xrange nokey - +]
        assert_equal "*0\r\n" [r read_raw]
        assert_equal {} [r xrevrange nokey + -]
    }

    test "XRANGE with incomplete IDs and big IDs" {
        r del s
        r xadd s 1-0 a 1
        r xadd s 1-1 b 2
        r xadd s 2-0 c 3
        r xadd s 3-5 d 4
        r xadd s 18446744073709551615-0 e 5
        # ms only: seq 0 as a start, the largest seq as an end
        assert_equal {{1-0 {a 1}} {1-1 {b 2}}} [r xrange s 1 1]
        assert_equal {{2-0 {c 3}} {3-5 {d 4}}} [r xrange s 2 3]
        assert_equal {{1-1 {b 2}} {1-0 {a 1}}} [r xrevrange s 1 1]
        assert_equal {{18446744073709551615-0 {e 5}}} [r xrange s 18446744073709551615 +]
        assert_equal {{18446744073709551615-0 {e 5}}} [r xrange s 18446744073709551615-0 18446744073709551615-18446744073709551615]
        assert_equal {} [r xrange s 4 18446744073709551614]
        assert_error $::st_badid {r xrange s 18446744073709551616 +}
        assert_error $::st_badid {r xrange s 1-18446744073709551616 +}
        assert_error $::st_badid {r xrange s abc +}
        assert_error $::st_badid {r xrange s - 1-x}
    }

    test "XRANGE and XREVRANGE exclusive bounds" {
        r del s
        r xadd s 1-0 a 1
        r xadd s 1-1 b 2
        r xadd s 2-0 c 3
        r xadd s 3-5 d 4
        assert_equal {{1-1 {b 2}} {2-0 {c 3}}} [r xrange s (1-0 (3-5]
        assert_equal {{2-0 {c 3}} {1-1 {b 2}}} [r xrevrange s (3-5 (1-0]
        # (1 is after 1-0
        assert_equal {1-1 2-0 3-5} [lmap e [r xrange s (1 +] {lindex $e 0}]
        assert_equal {} [r xrange s (1-0 1-0]
        assert_equal {1-0 1-1 2-0 3-5} [lmap e [r xrange s (0 +] {lindex $e 0}]
        assert_equal {3-5 2-0 1-1 1-0} [lmap e [r xrevrange s + (0-0] {lindex $e 0}]
        assert_error "ERR invalid start ID for the interval" {r xrange s (18446744073709551615-18446744073709551615 +}
        assert_error "ERR invalid end ID for the interval" {r xrange s - (0-0}
        assert_error "ERR invalid end ID for the interval" {r xrevrange s (0-0 -}
        assert_error "ERR invalid start ID for the interval" {r xrevrange s + (18446744073709551615-18446744073709551615}
        assert_error $::st_badid {r xrange s (- +}
        assert_error $::st_badid {r xrange s - (+}
        assert_error $::st_badid {r xrevrange s (+ -}
    }

    test "XRANGE and XREVRANGE COUNT" {
        st_fill s 5
        assert_equal {{1-0 {f 1}} {2-0 {f 2}}} [r xrange s - + count 2]
        assert_equal {{5-0 {f 5}} {4-0 {f 4}}} [r xrevrange s + - count 2]
        assert_equal 5 [llength [r xrange s - + count 100]]
        # COUNT 0 and negative counts answer a null array
        foreach n {0 -1} {
            r write [::resp::encode xrange s - + count $n]
            assert_equal "*-1\r\n" [r read_raw]
            r write [::resp::encode xrevrange s + - count $n]
            assert_equal "*-1\r\n" [r read_raw]
        }
        assert_error "ERR value is not an integer or out of range" {r xrange s - + count abc}
        assert_error "ERR syntax error" {r xrange s - + count}
        assert_error "ERR syntax error" {r xrange s - + foo 1}
        assert_error "ERR wrong number of arguments for 'xrange' command" {r xrange s -}
        assert_error "ERR wrong number of arguments for 'xrevrange' command" {r xrevrange s +}
    }

    # ------------------------------------------------------- XDEL / XTRIM
    test "XDEL" {
        st_fill s 4
        assert_equal 1 [r xdel s 2-0 2-0 9-0]
        assert_equal 0 [r xdel s 2-0]
        assert_equal 0 [r xdel nokey 1-0]
        assert_equal 0 [r exists nokey]
        # an invalid ID deletes nothing
        assert_error $::st_badid {r xdel s 1-0 abc}
        assert_equal 3 [r xlen s]
        assert_error "ERR wrong number of arguments for 'xdel' command" {r xdel s}
        # ms-only IDs are seq 0
        assert_equal 2 [r xdel s 1 3]
        assert_equal {{4-0 {f 4}}} [r xrange s - +]
        # deleting every entry leaves an empty stream that still exists
        assert_equal 1 [r xdel s 4-0]
        assert_equal 1 [r exists s]
        assert_equal 0 [r xlen s]
        assert_equal stream [r type s]
    }

    test "XTRIM MAXLEN and MINID with =" {
        st_fill s 10
        assert_equal 2 [r xtrim s maxlen 8]
        assert_equal 0 [r xtrim s maxlen = 8]
        assert_equal 0 [r xtrim s maxlen 100]
        assert_equal 2 [r xtrim s minid 5]
        assert_equal {5-0 {f 5}} [lindex [r xrange s - +] 0]
        assert_equal 2 [r xtrim s minid = 6-1]
        assert_equal {7-0 {f 7}} [lindex [r xrange s - +] 0]
        assert_equal 0 [r xtrim nokey maxlen 0]
        assert_equal 0 [r exists nokey]
        assert_equal 4 [r xtrim s maxlen 0]
        assert_equal 1 [r exists s]
        assert_equal 0 [r xlen s]
    }

    test "XTRIM ~ and LIMIT" {
        r del t
        for {set i 1} {$i <= 250} {incr i} { r xadd t $i-0 f $i }
        assert_equal 0 [r xtrim t maxlen ~ 10 limit 99]
        assert_equal 100 [r xtrim t maxlen ~ 10 limit 100]
        assert_equal 100 [r xtrim t maxlen ~ 10 limit 0]
        assert_equal 50 [r xlen t]
        # the last node would go below the threshold: it stays
        assert_equal 0 [r xtrim t maxlen ~ 10]
        assert_equal 0 [r xtrim t minid ~ 240]
        assert_equal 39 [r xtrim t minid 240]
        assert_equal {240-0 {f 240}} [lindex [r xrange t - + count 1] 0]
        assert_equal 11 [r xtrim t maxlen ~ 0]
        assert_equal 0 [r xlen t]
        r del t
        for {set i 1} {$i <= 250} {incr i} { r xadd t $i-0 f $i }
        assert_equal 200 [r xtrim t maxlen ~ 10]
    }

    test "XTRIM argument errors" {
        st_fill s 3
        assert_error "ERR wrong number of arguments for 'xtrim' command" {r xtrim s}
        assert_error "ERR wrong number of arguments for 'xtrim' command" {r xtrim s maxlen}
        assert_error "ERR syntax error" {r xtrim s foo 1}
        assert_error "ERR syntax error" {r xtrim s maxlen 1 extra}
        assert_error "ERR syntax error" {r xtrim s maxlen ~ 1 limit}
        assert_error "ERR The MAXLEN argument must be >= 0." {r xtrim s maxlen -1}
        assert_error "ERR value is not an integer or out of range" {r xtrim s maxlen ~ abc}
        assert_error $::st_badid {r xtrim s minid abc}
        assert_error "ERR syntax error, MAXLEN and MINID options at the same time are not compatible" {r xtrim s maxlen 1 minid 1}
        # a second MAXLEN gives the same error
        assert_error "ERR syntax error, MAXLEN and MINID options at the same time are not compatible" {r xtrim s maxlen 5 maxlen 3}
        assert_error "ERR syntax error, LIMIT cannot be used without the special ~ option" {r xtrim s maxlen 2 limit 1}
        assert_error "ERR syntax error, LIMIT cannot be used without the special ~ option" {r xtrim s maxlen = 2 limit 1}
        assert_error "ERR The LIMIT argument must be >= 0." {r xtrim s maxlen ~ 1 limit -5}
        assert_equal 3 [r xlen s]
    }

    # ------------------------------------------------------------ XSETID
    test "XSETID moves the last ID, ENTRIESADDED and MAXDELETEDID" {
        r del s
        r xadd s 1-0 a 1
        r xadd s 5-0 b 2
        assert_equal OK [r xsetid s 5-0]
        assert_equal OK [r xsetid s 10-0]
        assert_equal 10-0 [dict get [st_info s] last-generated-id]
        assert_error "ERR The ID specified in XADD is equal or smaller than the target stream top item" {r xadd s 10-0 x 1}
        assert_error "ERR The ID specified in XADD is equal or smaller than the target stream top item" {r xadd s 10 x 1}
        assert_equal 10-1 [r xadd s 10-* x 1]
        r xdel s 10-1
        assert_equal OK [r xsetid s 20-0 entriesadded 100 maxdeletedid 15-0]
        set info [st_info s]
        assert_equal 20-0 [dict get $info last-generated-id]
        assert_equal 100 [dict get $info entries-added]
        assert_equal 15-0 [dict get $info max-deleted-entry-id]
        # the last ID may go back, down to the top entry
        assert_equal OK [r xsetid s 6-0]
        assert_equal 6-0 [dict get [st_info s] last-generated-id]
        assert_error "ERR The ID specified in XSETID is smaller than the target stream top item" {r xsetid s 4-0}
        # ms only is seq 0
        assert_error "ERR The ID specified in XSETID is smaller than the target stream top item" {r xsetid s 4}
        # MAXDELETEDID 0-0 leaves it unchanged
        assert_equal OK [r xsetid s 20-0 maxdeletedid 0-0]
        assert_equal 15-0 [dict get [st_info s] max-deleted-entry-id]
    }

    test "XSETID errors" {
        r del s
        r xadd s 1-0 a 1
        r xadd s 5-0 b 2
        assert_error "ERR The entries_added specified in XSETID is smaller than the target stream length" {r xsetid s 20-0 entriesadded 1}
        assert_error "ERR The entries_added specified in XSETID is smaller than the target stream length" {r xsetid s 20-0 entriesadded 0}
        assert_equal OK [r xsetid s 20-0 entriesadded 2]
        assert_error "ERR entries_added must be positive" {r xsetid s 20-0 entriesadded -1}
        assert_error "ERR value is not an integer or out of range" {r xsetid s 20-0 entriesadded abc}
        assert_error "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id" {r xsetid s 20-0 maxdeletedid 25-0}
        assert_equal OK [r xsetid s 20-0 maxdeletedid 20-0]
        assert_error $::st_badid {r xsetid s 20-0 maxdeletedid abc}
        assert_error "ERR syntax error" {r xsetid s 20-0 foo 1}
        assert_error "ERR syntax error" {r xsetid s 20-0 entriesadded}
        assert_error $::st_badid {r xsetid s abc}
        assert_error "ERR wrong number of arguments for 'xsetid' command" {r xsetid s}
        assert_error "ERR no such key" {r xsetid nokey 1-0}
        assert_equal 0 [r exists nokey]
    }

    test "XSETID on an empty stream may set any ID" {
        r del e
        r xadd e 3-0 f v
        r xdel e 3-0
        assert_equal OK [r xsetid e 2-0]
        assert_equal OK [r xsetid e 1-0 entriesadded 0]
        set info [st_info e]
        assert_equal 1-0 [dict get $info last-generated-id]
        assert_equal 0 [dict get $info entries-added]
        assert_equal 2-0 [r xadd e 2-0 f v]
    }

    # ------------------------------------------------------------- XREAD
    test "XREAD over several streams on different shards" {
        r del s{a} s{b} s{c}
        r xadd s{a} 1-0 a 1
        r xadd s{a} 2-0 b 2
        r xadd s{b} 1-5 c 3
        r xadd s{c} 3-0 d 4
        assert_equal {{s{a} {{1-0 {a 1}} {2-0 {b 2}}}} {s{b} {{1-5 {c 3}}}} {s{c} {{3-0 {d 4}}}}} \
            [r xread streams s{a} s{b} s{c} 0 0 0]
        # streams with nothing after the ID are left out
        assert_equal {{s{a} {{1-0 {a 1}}}} {s{c} {{3-0 {d 4}}}}} [r xread count 1 streams s{a} s{b} s{c} 0 1-5 0]
        assert_equal {{s{a} {{2-0 {b 2}}}} {s{c} {{3-0 {d 4}}}}} [r xread count 1 streams s{a} s{b} s{c} 1 1-5 0]
        # the keys in the order given, a key may repeat
        assert_equal {{s{c} {{3-0 {d 4}}}} {s{a} {{2-0 {b 2}}}}} [r xread streams s{c} s{a} 0 1-0]
        assert_equal {{s{a} {{1-0 {a 1}} {2-0 {b 2}}}} {s{a} {{2-0 {b 2}}}}} [r xread streams s{a} s{a} 0 1]
        assert_equal {{s{a} {{2-0 {b 2}}}}} [r xread streams nokey{b} s{a} 0 1]
        # COUNT 0 or negative is no limit here
        assert_equal 2 [llength [lindex [r xread count 0 streams s{a} 0] 0 1]]
        assert_equal 2 [llength [lindex [r xread count -1 streams s{a} 0] 0 1]]
        # BLOCK with data at hand answers at once
        assert_equal {{s{b} {{1-5 {c 3}}}}} [r xread block 0 streams s{b} 0]
    }

    test "XREAD over big streams on two shards: each stream as read alone" {
        # with 4 shards the read runs at a coordinator that fetches only the
        # entries after each ID; the reply must equal per-stream reads
        r del s{a} s{b}
        for {set i 1} {$i <= 1500} {incr i} {
            r xadd s{a} $i-1 f $i
            r xadd s{b} [expr {$i * 2}]-0 g $i h x
        }
        r xdel s{a} 2-1 3-1 250-1 700-1 701-1 1500-1
        r xdel s{b} 200-0 202-0
        foreach {ida idb count} {0 0 1  0 0 7  1-1 1-0 150  99 2000 0  249-1 198 3  1499-1 2998-0 5
                                 699-1 200 2  1500 3000 10  1400 2500 0} {
            set want {}
            foreach {k id} [list s{a} $ida s{b} $idb] {
                set one [r xread count $count streams $k $id]
                if {$one ne {}} { lappend want {*}$one }
            }
            assert_equal $want [r xread count $count streams s{a} s{b} $ida $idb] "$ida $idb $count"
        }
        assert_equal {} [r xread count 3 streams s{a} s{b} $ $]
        assert_equal {} [r xread streams s{a} s{b} 1499-1 3000]
        # the same key twice reads both ways
        assert_equal [list [list s{a} [r xrange s{a} 1498 + count 2]] [list s{a} [r xrange s{a} (1-1 + count 2]]] \
            [r xread count 2 streams s{a} s{a} 1497-1 1-1]
    }

    test "XREAD with \$, missing keys and nothing new answers a null array" {
        r del s nokey
        r xadd s 1-0 a 1
        foreach args {
            {streams s $}
            {streams nokey 0}
            {streams s nokey $ 0}
            {streams s 18446744073709551615-18446744073709551615}
            {streams s 18446744073709551615}
            {count 5 streams s 1-0}
        } {
            r write [::resp::encode xread {*}$args]
            assert_equal "*-1\r\n" [r read_raw] $args
        }
        assert_equal {} [r xread streams s $]
    }

    test "XREAD argument errors" {
        r del s s2
        r xadd s 1-0 a 1
        assert_error "ERR Unbalanced XREAD list of streams: for each stream key an ID or '\$' must be specified." {r xread streams s s2 0}
        assert_error "ERR Unbalanced XREAD list of streams: for each stream key an ID or '\$' must be specified." {r xread count 1 streams s s2 s3 0 0}
        assert_error "ERR wrong number of arguments for 'xread' command" {r xread streams s}
        assert_error "ERR wrong number of arguments for 'xread' command" {r xread s 0}
        assert_error "ERR syntax error" {r xread foo 1 streams s 0}
        assert_error "ERR syntax error" {r xread count 1 s 0}
        assert_error "ERR value is not an integer or out of range" {r xread count abc streams s 0}
        assert_error "ERR timeout is negative" {r xread block -1 streams s 0}
        assert_error "ERR timeout is not an integer or out of range" {r xread block abc streams s 0}
        foreach id {abc + - (1} {
            assert_error $::st_badid {r xread streams s $id}
        }
        assert_error "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option." {r xread streams s >}
    }

    test "XREAD BLOCK is woken by XADD from another client" {
        r del s
        set d [st_blocked_client 1 xread block 0 streams s 0]
        assert_equal 1-0 [r xadd s 1-0 f v]
        assert_equal {{s {{1-0 {f v}}}}} [$d read]
        assert_equal 0 [st_blocked_count]
        $d close
    }

    test "XREAD BLOCK with \$ reads only what comes after the last ID at blocking time" {
        r del s
        r xadd s 1-0 old 1
        set d [st_blocked_client 1 xread block 0 streams s $]
        assert_equal 2-0 [r xadd s 2-0 new 2]
        assert_equal "*1\r\n*2\r\n\$1\r\ns\r\n*1\r\n*2\r\n\$3\r\n2-0\r\n*2\r\n\$3\r\nnew\r\n\$1\r\n2\r\n" [$d read_raw]
        # explicit ID and COUNT: served with at most COUNT entries
        $d xread count 2 block 0 streams s 2-0
        st_wait_blocked 1 $d
        r multi
        r xadd s 3-0 a 1
        r xadd s 4-0 b 2
        r xadd s 5-0 c 3
        r exec
        assert_equal {{s {{3-0 {a 1}} {4-0 {b 2}}}}} [$d read]
        $d close
    }

    test "XREAD BLOCK 0 stays blocked until served; a short BLOCK times out with nil" {
        r del s
        set d [st_blocked_client 1 xread block 0 streams s $]
        assert {[st_no_reply $d 200]}
        assert_equal 1 [st_blocked_count]
        # writes to other keys, and NOMKSTREAM to the missing key, do not wake it
        r xadd other 1-0 f v
        r xadd s nomkstream 1-0 f v
        assert {[st_no_reply $d 100]}
        r xadd s 7-0 f v
        assert_equal {{s {{7-0 {f v}}}}} [$d read]
        set start [clock milliseconds]
        $d xread block 50 streams s $
        assert_equal "*-1\r\n" [$d read_raw]
        assert_range [expr {[clock milliseconds] - $start}] 30 2000
        assert_equal 0 [st_blocked_count]
        $d close
    }

    test "XREAD BLOCK over streams on different shards is woken by XADD to either" {
        r del s{a} s{b} s{c}
        r xadd s{a} 1-0 f a1
        set d [st_blocked_client 1 xread block 0 streams s{a} s{b} s{c} $ $ $]
        r xadd s{b} 1-0 f b1
        assert_equal {{s{b} {{1-0 {f b1}}}}} [$d read]
        $d xread block 0 streams s{a} s{b} $ $
        st_wait_blocked 1 $d
        r xadd s{a} 2-0 f a2
        assert_equal {{s{a} {{2-0 {f a2}}}}} [$d read]
        assert_equal 0 [st_blocked_count]
        $d close
    }

    test "Every XREAD client blocked on a stream gets the new entry" {
        r del s other
        set d1 [st_blocked_client 1 xread block 0 streams s $]
        set d2 [st_blocked_client 2 xread count 1 block 0 streams other s 0 0]
        r xadd s 1-0 f v
        assert_equal {{s {{1-0 {f v}}}}} [$d1 read]
        assert_equal {{s {{1-0 {f v}}}}} [$d2 read]
        assert_equal 0 [st_blocked_count]
        $d1 close
        $d2 close
    }

    test "CLIENT UNBLOCK of blocked XREAD and XREADGROUP clients" {
        r del s
        r xgroup create s g $ mkstream
        set d [redis_deferring_client]
        $d client id
        set id [$d read]
        $d xread block 0 streams s $
        st_wait_blocked 1 $d
        assert_equal 1 [r client unblock $id]
        assert_equal "*-1\r\n" [$d read_raw]
        $d xreadgroup group g c block 0 streams s >
        st_wait_blocked 1 $d
        assert_equal 1 [r client unblock $id error]
        assert_equal "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n" [$d read_raw]
        assert_equal 0 [st_blocked_count]
        # blocking without being served does not create the consumer
        assert_equal {} [r xinfo consumers s g]
        $d close
    }

    test "XREAD BLOCK: DEL of the stream keeps the client blocked, a new XADD serves it" {
        r del s
        r xadd s 1-0 f v
        set d [st_blocked_client 1 xread block 0 streams s $]
        r del s
        assert {[st_no_reply $d 100]}
        r xadd s 5-0 z 1
        assert_equal {{s {{5-0 {z 1}}}}} [$d read]
        $d close
    }

    test "XREAD BLOCK is served by XADD from MULTI and from a script" {
        r del s
        set d [st_blocked_client 1 xread block 0 streams s 0]
        r eval {return redis.call('xadd', KEYS[1], '1-0', 'f', 'v')} 1 s
        assert_equal {{s {{1-0 {f v}}}}} [$d read]
        $d xread block 0 streams s $
        st_wait_blocked 1 $d
        r multi
        r xadd s 2-0 a 1
        r xadd s 3-0 b 2
        assert_equal {2-0 3-0} [r exec]
        assert_equal {{s {{2-0 {a 1}} {3-0 {b 2}}}}} [$d read]
        $d close
    }

    test "RESP3: XREAD answers a map of streams, null when nothing" {
        r del s{a} s{b}
        r xadd s{a} 1-0 a 1
        r xadd s{b} 1-5 c 3
        set c [redis_client]
        $c hello 3
        assert_equal {s{a} {{1-0 {a 1}}} s{b} {{1-5 {c 3}}}} [$c xread streams s{a} s{b} 0 0]
        $c write [::resp::encode xread streams s{a} s{b} 0 0]
        assert_equal "%2\r\n\$4\r\ns{a}\r\n*1\r\n*2\r\n\$3\r\n1-0\r\n*2\r\n\$1\r\na\r\n\$1\r\n1\r\n\$4\r\ns{b}\r\n*1\r\n*2\r\n\$3\r\n1-5\r\n*2\r\n\$1\r\nc\r\n\$1\r\n3\r\n" [$c read_raw]
        $c write [::resp::encode xread streams s{a} $]
        assert_equal "_\r\n" [$c read_raw]
        $c write [::resp::encode xrange s{a} - + count 0]
        assert_equal "_\r\n" [$c read_raw]
        $c write [::resp::encode xadd nokey nomkstream 1-0 f v]
        assert_equal "_\r\n" [$c read_raw]
        $c close
        # a blocked RESP3 client is served a map too, and times out with null
        set d [redis_deferring_client]
        $d hello 3
        $d read
        $d xread block 0 streams s{a} s{b} $ $
        st_wait_blocked 1 $d
        r xadd s{b} 2-0 x y
        assert_equal "%1\r\n\$4\r\ns{b}\r\n*1\r\n*2\r\n\$3\r\n2-0\r\n*2\r\n\$1\r\nx\r\n\$1\r\ny\r\n" [$d read_raw]
        $d xread block 20 streams s{a} $
        assert_equal "_\r\n" [$d read_raw]
        $d close
    }

    # ------------------------------------------------------------ XGROUP
    test "XGROUP CREATE with MKSTREAM, \$, IDs and BUSYGROUP" {
        r del s
        assert_error "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically." {r xgroup create s g $}
        assert_equal 0 [r exists s]
        assert_equal OK [r xgroup create s g $ mkstream]
        assert_equal 1 [r exists s]
        assert_equal 0 [r xlen s]
        assert_equal stream [r type s]
        assert_error "BUSYGROUP Consumer Group name already exists" {r xgroup create s g $ mkstream}
        assert_error "BUSYGROUP Consumer Group name already exists" {r xgroup create s g 0}
        r xadd s 1-0 a 1
        r xadd s 2-0 b 2
        r xadd s 3-0 c 3
        assert_equal OK [r xgroup create s g2 $]
        assert_equal OK [r xgroup create s g3 1]
        assert_equal OK [r xgroup create s g4 99-0]
        set got {}
        foreach g [r xinfo groups s] { lappend got [dict get $g name] [dict get $g last-delivered-id] }
        assert_equal {g 0-0 g2 3-0 g3 1-0 g4 99-0} $got
    }

    test "XGROUP CREATE ENTRIESREAD and argument errors" {
        st_fill s 3
        assert_equal OK [r xgroup create s g1 1-0 entriesread 1]
        assert_equal OK [r xgroup create s g2 $ entriesread 3]
        assert_equal OK [r xgroup create s g3 0 entriesread -1]
        assert_equal {{name g1 consumers 0 pending 0 last-delivered-id 1-0 entries-read 1 lag 2} {name g2 consumers 0 pending 0 last-delivered-id 3-0 entries-read 3 lag 0} {name g3 consumers 0 pending 0 last-delivered-id 0-0 entries-read {} lag 3}} [r xinfo groups s]
        assert_error "ERR value for ENTRIESREAD must be positive or -1" {r xgroup create s g5 0 entriesread -2}
        assert_error "ERR value is not an integer or out of range" {r xgroup create s g5 0 entriesread abc}
        assert_error "ERR unknown subcommand or wrong number of arguments for 'create'. Try XGROUP HELP." {r xgroup create s g5 0 foo}
        assert_error "ERR wrong number of arguments for 'xgroup|create' command" {r xgroup create s g5}
        foreach id {abc + -} {
            assert_error $::st_badid {r xgroup create s g5 $id}
        }
        assert_error "ERR unknown subcommand 'foo'. Try XGROUP HELP." {r xgroup foo}
        assert_error "ERR wrong number of arguments for 'xgroup' command" {r xgroup}
        assert_equal 3 [llength [r xinfo groups s]]
    }

    test "XGROUP CREATECONSUMER, DELCONSUMER (pending count) and DESTROY" {
        st_fill s 3
        r xgroup create s g 0
        assert_equal 1 [r xgroup createconsumer s g c1]
        assert_equal 0 [r xgroup createconsumer s g c1]
        assert_equal {{name c1 pending 0}} [st_consumers s g]
        r xreadgroup group g c2 count 2 streams s >
        assert_equal {{name c1 pending 0} {name c2 pending 2}} [st_consumers s g]
        # DELCONSUMER answers the pending count of the consumer, dropped with it
        assert_equal 2 [r xgroup delconsumer s g c2]
        assert_equal 0 [r xgroup delconsumer s g c2]
        assert_equal 0 [r xgroup delconsumer s g c1]
        assert_equal {0 {} {} {}} [r xpending s g]
        assert_equal {} [r xinfo consumers s g]
        assert_error "NOGROUP No such consumer group 'nog' for key name 's'" {r xgroup createconsumer s nog c1}
        assert_error "NOGROUP No such consumer group 'nog' for key name 's'" {r xgroup delconsumer s nog c1}
        set nokey "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically."
        assert_error $nokey {r xgroup createconsumer nokey g c1}
        assert_error $nokey {r xgroup delconsumer nokey g c1}
        assert_error $nokey {r xgroup destroy nokey g}
        assert_error "ERR wrong number of arguments for 'xgroup|createconsumer' command" {r xgroup createconsumer s g}
        assert_equal 1 [r xgroup destroy s g]
        assert_equal 0 [r xgroup destroy s g]
        assert_equal {} [r xinfo groups s]
        assert_equal 3 [r xlen s]
    }

    test "XGROUP SETID with ENTRIESREAD" {
        st_fill s 3
        r xgroup create s g 0
        r xreadgroup group g c streams s >
        assert_equal OK [r xgroup setid s g 1-0]
        assert_equal {name g consumers 1 pending 3 last-delivered-id 1-0 entries-read {} lag 2} [lindex [r xinfo groups s] 0]
        assert_equal OK [r xgroup setid s g 2-0 entriesread 2]
        assert_equal {name g consumers 1 pending 3 last-delivered-id 2-0 entries-read 2 lag 1} [lindex [r xinfo groups s] 0]
        assert_equal OK [r xgroup setid s g $]
        assert_equal {name g consumers 1 pending 3 last-delivered-id 3-0 entries-read {} lag 0} [lindex [r xinfo groups s] 0]
        # the group reads again from the new position
        assert_equal OK [r xgroup setid s g 0]
        assert_equal {{s {{1-0 {f 1}} {2-0 {f 2}} {3-0 {f 3}}}}} [r xreadgroup group g c streams s >]
        assert_error "NOGROUP No such consumer group 'nog' for key name 's'" {r xgroup setid s nog 0}
        assert_error $::st_badid {r xgroup setid s g abc}
        assert_error "ERR value for ENTRIESREAD must be positive or -1" {r xgroup setid s g 0 entriesread -5}
        assert_error "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically." {r xgroup setid nokey g 0}
    }

    test "XGROUP HELP and XINFO HELP" {
        set help [r xgroup help]
        assert_equal 17 [llength $help]
        assert_equal {XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:} [lindex $help 0]
        assert_equal {CREATE <key> <groupname> <id|$> [option]} [lindex $help 1]
        assert_equal {    Prints this help.} [lindex $help end]
        set help [r xinfo help]
        assert_equal {{XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:} {CONSUMERS <key> <groupname>} {    Show consumers of <groupname>.} {GROUPS <key>} {    Show the stream consumer groups.} {STREAM <key> [FULL [COUNT <count>]} {    Show information about the stream.} HELP {    Prints this help.}} $help
    }

    # -------------------------------------------------------- XREADGROUP
    test "XREADGROUP > delivery, COUNT, history reads and several consumers" {
        st_fill s 3
        r xgroup create s g 0
        assert_equal {{s {{1-0 {f 1}}}}} [r xreadgroup group g c1 count 1 streams s >]
        assert_equal {{s {{2-0 {f 2}} {3-0 {f 3}}}}} [r xreadgroup group g c2 streams s >]
        r write [::resp::encode xreadgroup group g c2 streams s >]
        assert_equal "*-1\r\n" [r read_raw]
        # history: each consumer sees its own pending entries
        assert_equal {{s {{1-0 {f 1}}}}} [r xreadgroup group g c1 streams s 0]
        assert_equal {{s {{2-0 {f 2}} {3-0 {f 3}}}}} [r xreadgroup group g c2 streams s 0]
        assert_equal {{s {{3-0 {f 3}}}}} [r xreadgroup group g c2 count 1 streams s 2]
        assert_equal {{s {{2-0 {f 2}}}}} [r xreadgroup group g c2 count 1 streams s 0]
        # an empty history is an empty array for the stream, not a null
        r write [::resp::encode xreadgroup group g c3 streams s 0]
        assert_equal "*1\r\n*2\r\n\$1\r\ns\r\n*0\r\n" [r read_raw]
        # history reads count as deliveries too
        assert_equal {{1-0 c1 2} {2-0 c2 3} {3-0 c2 3}} [st_pending s g - + 10]
        assert_equal {{name c1 pending 1} {name c2 pending 2} {name c3 pending 0}} [st_consumers s g]
        assert_equal {name g consumers 3 pending 3 last-delivered-id 3-0 entries-read 3 lag 0} [lindex [r xinfo groups s] 0]
    }

    test "XREADGROUP over several streams on different shards" {
        r del s{a} s{b} s{c}
        r xadd s{a} 1-0 a 1
        r xadd s{b} 2-0 b 2
        r xadd s{c} 3-0 c 3
        foreach k {s{a} s{b} s{c}} { r xgroup create $k g 0 }
        assert_equal {{s{a} {{1-0 {a 1}}}} {s{b} {{2-0 {b 2}}}} {s{c} {{3-0 {c 3}}}}} \
            [r xreadgroup group g c streams s{a} s{b} s{c} > > >]
        assert_equal {{s{a} {{1-0 {a 1}}}} {s{b} {}} {s{c} {{3-0 {c 3}}}}} \
            [r xreadgroup group g c streams s{a} s{b} s{c} 0 2-0 0]
        assert_error "NOGROUP No such key 'nokey{b}' or consumer group 'g' in XREADGROUP with GROUP option" \
            {r xreadgroup group g c streams s{a} nokey{b} > >}
    }

    test "XREADGROUP NOACK delivers without pending entries" {
        st_fill s 2
        r xgroup create s g 0
        assert_equal {{s {{1-0 {f 1}} {2-0 {f 2}}}}} [r xreadgroup group g c noack streams s >]
        assert_equal {{s {}}} [r xreadgroup group g c streams s 0]
        assert_equal {0 {} {} {}} [r xpending s g]
        assert_equal {name g consumers 1 pending 0 last-delivered-id 2-0 entries-read 2 lag 0} [lindex [r xinfo groups s] 0]
    }

    test "XREADGROUP history shows deleted pending entries as nil" {
        r del s
        r xadd s 1-0 a 1
        r xadd s 2-0 b 2
        r xgroup create s g 0
        r xreadgroup group g c streams s >
        r xdel s 1-0
        assert_equal {{s {{1-0 {}} {2-0 {b 2}}}}} [r xreadgroup group g c streams s 0]
        r write [::resp::encode xreadgroup group g c streams s 0]
        assert_equal "*1\r\n*2\r\n\$1\r\ns\r\n*2\r\n*2\r\n\$3\r\n1-0\r\n*-1\r\n*2\r\n\$3\r\n2-0\r\n*2\r\n\$1\r\nb\r\n\$1\r\n2\r\n" [r read_raw]
        # still pending until acknowledged
        assert_equal {2 1-0 2-0 {{c 2}}} [r xpending s g]
        assert_equal 1 [r xack s g 1-0]
        assert_equal {{s {{2-0 {b 2}}}}} [r xreadgroup group g c streams s 0]
    }

    test "XREADGROUP errors" {
        st_fill s 2
        r xgroup create s g 0
        assert_error "NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option" {r xreadgroup group nog c streams s >}
        assert_error "NOGROUP No such key 'nokey' or consumer group 'g' in XREADGROUP with GROUP option" {r xreadgroup group g c streams nokey >}
        assert_error "NOGROUP No such key 'nokey' or consumer group 'g' in XREADGROUP with GROUP option" {r xreadgroup group g c streams nokey 0}
        assert_error "ERR wrong number of arguments for 'xreadgroup' command" {r xreadgroup group g c streams s}
        assert_error "ERR wrong number of arguments for 'xreadgroup' command" {r xreadgroup group g streams s >}
        assert_error "ERR wrong number of arguments for 'xreadgroup' command" {r xreadgroup streams s >}
        assert_error "ERR The \$ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The \$ ID would just return an empty result set." {r xreadgroup group g c streams s $}
        assert_error $::st_badid {r xreadgroup group g c streams s +}
        assert_error "ERR syntax error" {r xreadgroup group g c noack foo streams s >}
        assert_error "ERR timeout is negative" {r xreadgroup group g c block -1 streams s >}
        assert_error "ERR Unbalanced XREAD list of streams: for each stream key an ID or '\$' must be specified." {r xreadgroup group g c streams s s2 >}
        # nothing was delivered by the failed calls
        assert_equal {0 {} {} {}} [r xpending s g]
    }

    test "XREADGROUP BLOCK is woken by XADD, the entry becomes pending" {
        r del s
        r xgroup create s g $ mkstream
        set d [st_blocked_client 1 xreadgroup group g c block 0 streams s >]
        r xadd s 1-0 f v
        assert_equal {{s {{1-0 {f v}}}}} [$d read]
        assert_equal {{1-0 c 1}} [st_pending s g - + 10]
        # a history read never blocks, even with BLOCK
        $d xreadgroup group g c block 0 streams s 0
        assert_equal {{s {{1-0 {f v}}}}} [$d read]
        $d xreadgroup group g c2 block 0 streams s 0
        assert_equal {{s {}}} [$d read]
        assert_equal {{1-0 c 2}} [st_pending s g - + 10]
        # with NOACK nothing becomes pending
        $d xreadgroup group g c3 noack block 0 streams s >
        st_wait_blocked 1 $d
        r xadd s 2-0 f w
        assert_equal {{s {{2-0 {f w}}}}} [$d read]
        assert_equal {{1-0 c 2}} [st_pending s g - + 10]
        # a timeout answers nil
        $d xreadgroup group g c block 20 streams s >
        assert_equal "*-1\r\n" [$d read_raw]
        $d close
    }

    test "Two consumers blocked on one group: each entry goes to one of them" {
        r del s
        r xgroup create s g $ mkstream
        set d1 [st_blocked_client 1 xreadgroup group g c1 block 0 streams s >]
        set d2 [st_blocked_client 2 xreadgroup group g c2 block 0 streams s >]
        r xadd s 1-0 f 1
        assert_equal {{s {{1-0 {f 1}}}}} [$d1 read]
        assert {[st_no_reply $d2 100]}
        assert_equal 1 [st_blocked_count]
        r xadd s 2-0 f 2
        assert_equal {{s {{2-0 {f 2}}}}} [$d2 read]
        assert_equal {{1-0 c1 1} {2-0 c2 1}} [st_pending s g - + 10]
        $d1 close
        $d2 close
    }

    test "XREADGROUP BLOCK over streams on different shards" {
        r del s{a} s{b}
        r xgroup create s{a} g $ mkstream
        r xgroup create s{b} g $ mkstream
        set d [st_blocked_client 1 xreadgroup group g c block 0 streams s{a} s{b} > >]
        r xadd s{b} 1-0 f b
        assert_equal {{s{b} {{1-0 {f b}}}}} [$d read]
        $d xreadgroup group g c block 0 streams s{a} s{b} > >
        st_wait_blocked 1 $d
        r xadd s{a} 1-0 f a
        assert_equal {{s{a} {{1-0 {f a}}}}} [$d read]
        # a stream or a group deleted under it ends the wait with Redis's error
        $d xreadgroup group g c block 0 streams s{a} s{b} > >
        st_wait_blocked 1 $d
        r del s{a}
        assert_equal "-UNBLOCKED the stream key no longer exists\r\n" [$d read_raw]
        r xgroup create s{a} g $ mkstream
        $d xreadgroup group g c block 0 streams s{a} s{b} > >
        st_wait_blocked 1 $d
        r xgroup destroy s{b} g
        assert_equal "-NOGROUP the consumer group this client was blocked on no longer exists\r\n" [$d read_raw]
        assert_equal 0 [st_blocked_count]
        $d close
    }

    test "Blocked XREADGROUP: XGROUP DESTROY, DEL or a type change unblock it with an error" {
        r del s
        r xadd s 1-0 a 1
        r xgroup create s g $
        set d [st_blocked_client 1 xreadgroup group g c block 0 streams s >]
        assert_equal 1 [r xgroup destroy s g]
        assert_equal "-NOGROUP the consumer group this client was blocked on no longer exists\r\n" [$d read_raw]
        r xgroup create s g $
        $d xreadgroup group g c block 0 streams s >
        st_wait_blocked 1 $d
        r del s
        assert_equal "-UNBLOCKED the stream key no longer exists\r\n" [$d read_raw]
        r xadd s 1-0 a 1
        r xgroup create s g $
        $d xreadgroup group g c block 0 streams s >
        st_wait_blocked 1 $d
        r set s str
        assert_equal "-UNBLOCKED the stream key no longer exists\r\n" [$d read_raw]
        assert_equal 0 [st_blocked_count]
        # XGROUP SETID does not wake it, the next XADD serves from the new position
        r del s
        r xadd s 1-0 a 1
        r xgroup create s g $
        $d xreadgroup group g c block 0 streams s >
        st_wait_blocked 1 $d
        r xgroup setid s g 0
        assert {[st_no_reply $d 100]}
        r xadd s 2-0 b 2
        assert_equal {{s {{1-0 {a 1}} {2-0 {b 2}}}}} [$d read]
        $d close
    }

    test "Blocked XREADGROUP: FLUSHALL and FLUSHDB end the wait, a blocked XREAD stays" {
        foreach flush {flushall flushdb} {
            r del s
            r xgroup create s g $ mkstream
            set d [st_blocked_client 1 xreadgroup group g c block 0 streams s >]
            set d2 [st_blocked_client 2 xread block 0 streams s $]
            r $flush
            assert_equal "-UNBLOCKED the stream key no longer exists\r\n" [$d read_raw]
            assert {[st_no_reply $d2 100]}
            assert_equal 1 [st_blocked_count]
            r xadd s 1-0 f v
            assert_equal {{s {{1-0 {f v}}}}} [$d2 read]
            $d close
            $d2 close
        }
    }

    # (The entries of one XREADGROUP reply, as stream:id.)
    proc st_entries {reply} {
        set out {}
        foreach sr $reply {
            foreach e [lindex $sr 1] { lappend out "[lindex $sr 0]:[lindex $e 0]" }
        }
        return $out
    }

    test "XREADGROUP BLOCK across shards: many entries, each delivered once" {
        r del s{a} s{b}
        r xgroup create s{a} g $ mkstream
        r xgroup create s{b} g $ mkstream
        set d1 [st_blocked_client 1 xreadgroup group g c1 count 1 block 0 streams s{a} s{b} > >]
        set d2 [st_blocked_client 2 xreadgroup group g c2 count 1 block 0 streams s{a} s{b} > >]
        r xadd s{a} 1-0 f a1
        r xadd s{b} 1-0 f b1
        # d1 waited first: served with a1 (redis-server serves it inside the
        # XADD), or with a1 and b1 when its read runs after both XADDs (a
        # reader blocked on several shards reads again once told)
        set got [st_entries [$d1 read]]
        set want {s{a}:1-0 s{b}:1-0}
        if {[llength $got] == 2} {
            r xadd s{a} 2-0 f a2
            lappend want s{a}:2-0
        }
        lappend got {*}[st_entries [$d2 read]]
        # every entry delivered once, to one of them
        assert_equal [lsort $want] [lsort $got]
        assert_equal 0 [st_blocked_count]
        assert_equal [llength $want] [expr {[lindex [r xpending s{a} g] 0] + [lindex [r xpending s{b} g] 0]}]
        $d1 close
        $d2 close
    }

    # ------------------------------------------------- XACK / XPENDING
    test "XACK" {
        st_fill s 5
        r xgroup create s g 0
        r xreadgroup group g c streams s >
        assert_equal 2 [r xack s g 1-0 3-0 9-0]
        assert_equal 0 [r xack s g 1-0]
        assert_equal 1 [r xack s g 2]
        assert_equal 0 [r xack s nog 1-0]
        assert_equal 0 [r xack nokey g 1-0]
        assert_error $::st_badid {r xack s g abc}
        # an invalid ID acknowledges nothing
        assert_error $::st_badid {r xack s g 4-0 abc}
        assert_error "ERR wrong number of arguments for 'xack' command" {r xack s g}
        assert_equal {2 4-0 5-0 {{c 2}}} [r xpending s g]
        assert_equal {{name c pending 2}} [st_consumers s g]
    }

    test "XPENDING summary form" {
        st_fill s 5
        r xgroup create s g 0
        r xgroup create s g2 0
        r xreadgroup group g c1 count 2 streams s >
        r xreadgroup group g c2 count 2 streams s >
        r xreadgroup group g c0 count 1 streams s >
        # consumers sorted by name
        assert_equal {5 1-0 5-0 {{c0 1} {c1 2} {c2 2}}} [r xpending s g]
        r write [::resp::encode xpending s g2]
        assert_equal "*4\r\n:0\r\n\$-1\r\n\$-1\r\n*-1\r\n" [r read_raw]
        r write [::resp::encode xpending s g]
        assert_equal "*4\r\n:5\r\n\$3\r\n1-0\r\n\$3\r\n5-0\r\n*3\r\n*2\r\n\$2\r\nc0\r\n\$1\r\n1\r\n*2\r\n\$2\r\nc1\r\n\$1\r\n2\r\n*2\r\n\$2\r\nc2\r\n\$1\r\n2\r\n" [r read_raw]
        assert_error "NOGROUP No such key 's' or consumer group 'nog'" {r xpending s nog}
        assert_error "NOGROUP No such key 'nokey' or consumer group 'g'" {r xpending nokey g}
        assert_error "ERR wrong number of arguments for 'xpending' command" {r xpending s}
    }

    test "XPENDING extended form: ranges, exclusive bounds, COUNT, consumer" {
        st_fill s 5
        r xgroup create s g 0
        r xreadgroup group g c1 count 2 streams s >
        r xreadgroup group g c2 count 2 streams s >
        assert_equal {{1-0 c1 1} {2-0 c1 1} {3-0 c2 1} {4-0 c2 1}} [st_pending s g - + 10]
        assert_equal {{1-0 c1 1} {2-0 c1 1}} [st_pending s g - + 10 c1]
        assert_equal {{3-0 c2 1} {4-0 c2 1}} [st_pending s g - + 10 c2]
        assert_equal {} [r xpending s g - + 10 nobody]
        assert_equal {{2-0 c1 1} {3-0 c2 1}} [st_pending s g (1-0 (4-0 10]
        assert_equal {{2-0 c1 1}} [st_pending s g 2 + 1]
        assert_equal {{1-0 c1 1} {2-0 c1 1}} [st_pending s g - 2 10]
        assert_equal {} [r xpending s g - + 0]
        assert_equal {} [r xpending s g - + -1]
        assert_equal {} [r xpending s g (4-0 + 10]
        set p [lindex [r xpending s g - + 1] 0]
        assert_equal 4 [llength $p]
        assert_range [lindex $p 2] 0 60000
        assert_error "ERR syntax error" {r xpending s g - +}
        assert_error "ERR syntax error" {r xpending s g -}
        assert_error $::st_badid {r xpending s g abc + 10}
        assert_error "ERR value is not an integer or out of range" {r xpending s g - + abc}
        assert_error $::st_badid {r xpending s g (- + 10}
        assert_error $::st_badid {r xpending s g - (+ 10}
        assert_error "ERR invalid start ID for the interval" {r xpending s g (18446744073709551615-18446744073709551615 + 10}
        assert_error "ERR invalid end ID for the interval" {r xpending s g - (0-0 10}
        r del e
        r xgroup create e g $ mkstream
        assert_equal {} [r xpending e g - + 10]
    }

    test "XPENDING IDLE filter" {
        st_fill s 4
        r xgroup create s g 0
        r xreadgroup group g c1 streams s >
        # give two entries a large idle time
        r xclaim s g c2 0 2-0 4-0 idle 100000 justid
        assert_equal {{2-0 c2 1} {4-0 c2 1}} [st_pending s g idle 50000 - + 10]
        assert_equal {{4-0 c2 1}} [st_pending s g idle 50000 (2-0 + 10 c2]
        assert_equal {} [r xpending s g idle 50000 - + 10 c1]
        assert_equal {} [r xpending s g idle 1000000 - + 10]
        set p [r xpending s g idle 50000 - + 10]
        assert_range [lindex $p 0 2] 100000 160000
        after 20
        assert_equal {{1-0 c1 1} {2-0 c2 1} {3-0 c1 1} {4-0 c2 1}} [st_pending s g idle 10 - + 10]
        assert_equal 4 [llength [r xpending s g idle -1 - + 10]]
        assert_error "ERR value is not an integer or out of range" {r xpending s g idle abc - + 10}
        assert_error "ERR syntax error" {r xpending s g idle 10}
    }

    # ------------------------------------------------------------ XCLAIM
    test "XCLAIM with min-idle-time, IDLE, TIME and RETRYCOUNT" {
        st_fill s 5
        r xgroup create s g 0
        r xreadgroup group g c1 count 3 streams s >
        after 20
        assert_equal {{1-0 {f 1}}} [r xclaim s g c2 10 1-0]
        # too recent (the claim just reset its idle time) or too short an idle
        assert_equal {} [r xclaim s g c3 1000000 1-0 2-0]
        assert_equal {{1-0 c2 2} {2-0 c1 1} {3-0 c1 1}} [st_pending s g - + 10]
        # JUSTID leaves the delivery count alone
        assert_equal {2-0} [r xclaim s g c2 0 2-0 justid]
        assert_equal {{1-0 c2 2} {2-0 c2 1} {3-0 c1 1}} [st_pending s g - + 10]
        # RETRYCOUNT sets the count, IDLE the idle time
        assert_equal {{3-0 {f 3}}} [r xclaim s g c3 0 3-0 retrycount 7 idle 500000]
        set p [lindex [r xpending s g 3-0 3-0 1] 0]
        assert_equal {3-0 c3 7} [lreplace $p 2 2]
        assert_range [lindex $p 2] 500000 560000
        # min-idle-time compares with that idle time
        assert_equal {3-0} [r xclaim s g c4 400000 1-0 3-0 justid]
        # TIME is a unix time in ms: the idle time is counted from it
        assert_equal {1-0} [r xclaim s g c2 0 1-0 time 1000 justid]
        set idle [lindex [r xpending s g 1-0 1-0 1] 0 2]
        assert_morethan $idle [expr {[clock milliseconds] - 1000 - 60000}]
        # a negative min-idle-time is 0
        assert_equal {2-0} [r xclaim s g c2 -5 2-0 justid]
    }

    test "XCLAIM FORCE, LASTID and entries that are not pending" {
        st_fill s 5
        r xgroup create s g 0
        r xreadgroup group g c1 count 3 streams s >
        # not pending: ignored without FORCE
        assert_equal {} [r xclaim s g c3 0 5-0]
        assert_equal {{5-0 {f 5}}} [r xclaim s g c3 0 5-0 force]
        assert_equal {4-0} [r xclaim s g c3 0 4-0 force justid]
        # FORCE never creates an entry that is not in the stream
        assert_equal {} [r xclaim s g c3 0 9-0 force justid]
        assert_equal {{1-0 c1 1} {2-0 c1 1} {3-0 c1 1} {4-0 c3 1} {5-0 c3 2}} [st_pending s g - + 10]
        # LASTID moves the group's last ID forward only
        assert_equal 3-0 [dict get [lindex [r xinfo groups s] 0] last-delivered-id]
        assert_equal {1-0} [r xclaim s g c3 0 1-0 lastid 9-0 justid]
        assert_equal 9-0 [dict get [lindex [r xinfo groups s] 0] last-delivered-id]
        assert_equal {1-0} [r xclaim s g c3 0 1-0 lastid 3-0 justid]
        assert_equal 9-0 [dict get [lindex [r xinfo groups s] 0] last-delivered-id]
        # a deleted pending entry is dropped from the PEL, not returned
        r xdel s 2-0
        assert_equal {{1-0 {f 1}}} [r xclaim s g c4 0 2-0 1-0]
        assert_equal {{1-0 c4 2} {3-0 c1 1} {4-0 c3 1} {5-0 c3 2}} [st_pending s g - + 10]
        # a claim creates the consumer
        assert_equal {c1 c3 c4} [lmap c [st_consumers s g] {dict get $c name}]
    }

    test "XCLAIM errors" {
        st_fill s 2
        r xgroup create s g 0
        r xreadgroup group g c1 streams s >
        assert_error "ERR Invalid min-idle-time argument for XCLAIM" {r xclaim s g c abc 1-0}
        assert_error "ERR Unrecognized XCLAIM option 'abc'" {r xclaim s g c 0 abc}
        assert_error "ERR Unrecognized XCLAIM option 'foo'" {r xclaim s g c 0 1-0 foo}
        assert_error "ERR Unrecognized XCLAIM option 'idle'" {r xclaim s g c 0 1-0 idle}
        assert_error "ERR Invalid IDLE option argument for XCLAIM" {r xclaim s g c 0 1-0 idle abc}
        assert_error "ERR Invalid RETRYCOUNT option argument for XCLAIM" {r xclaim s g c 0 1-0 retrycount abc}
        assert_error $::st_badid {r xclaim s g c 0 1-0 lastid abc}
        assert_error "NOGROUP No such key 's' or consumer group 'nog'" {r xclaim s nog c 0 1-0}
        assert_error "NOGROUP No such key 'nokey' or consumer group 'g'" {r xclaim nokey g c 0 1-0}
        assert_error "ERR wrong number of arguments for 'xclaim' command" {r xclaim s g c 0}
        assert_equal {{1-0 c1 1} {2-0 c1 1}} [st_pending s g - + 10]
    }

    # -------------------------------------------------------- XAUTOCLAIM
    test "XAUTOCLAIM with COUNT, the cursor and deleted IDs" {
        st_fill s 6
        r xgroup create s g 0
        r xreadgroup group g c1 streams s >
        r xdel s 2-0 4-0
        # deleted entries count against COUNT, leave the PEL and come third
        assert_equal {3-0 {{1-0 {f 1}}} 2-0} [r xautoclaim s g c2 0 0 count 2]
        assert_equal {5-0 {{3-0 {f 3}}} 4-0} [r xautoclaim s g c2 0 3-0 count 2]
        assert_equal {0-0 {{5-0 {f 5}} {6-0 {f 6}}} {}} [r xautoclaim s g c2 0 5-0 count 2]
        assert_equal {{1-0 c2 2} {3-0 c2 2} {5-0 c2 2} {6-0 c2 2}} [st_pending s g - + 10]
        # JUSTID: the IDs only, the delivery counts stay
        assert_equal {0-0 {1-0 3-0 5-0 6-0} {}} [r xautoclaim s g c3 0 0 justid]
        assert_equal {{1-0 c3 2} {3-0 c3 2} {5-0 c3 2} {6-0 c3 2}} [st_pending s g - + 10]
        r write [::resp::encode xautoclaim s g c3 0 0 count 1]
        assert_equal "*3\r\n\$3\r\n3-0\r\n*1\r\n*2\r\n\$3\r\n1-0\r\n*2\r\n\$1\r\nf\r\n\$1\r\n1\r\n*0\r\n" [r read_raw]
        # nothing idle enough
        assert_equal {0-0 {} {}} [r xautoclaim s g c4 1000000 0]
        # exclusive and special starts
        assert_equal {0-0 {5-0 6-0} {}} [r xautoclaim s g c3 0 (3-0 justid]
        assert_equal {0-0 {1-0 3-0 5-0 6-0} {}} [r xautoclaim s g c3 0 - justid]
        assert_equal {0-0 {} {}} [r xautoclaim s g c3 0 + justid]
        assert_equal {0-0 {1-0 3-0 5-0 6-0} {}} [r xautoclaim s g c3 -1 0 justid]
    }

    test "XAUTOCLAIM min-idle-time and errors" {
        st_fill s 3
        r xgroup create s g 0
        r xreadgroup group g c1 streams s >
        r xclaim s g c1 0 2-0 idle 100000 justid
        assert_equal {0-0 {{2-0 {f 2}}} {}} [r xautoclaim s g c2 50000 0]
        assert_equal {{1-0 c1 1} {2-0 c2 2} {3-0 c1 1}} [st_pending s g - + 10]
        foreach n {0 -1 abc} {
            assert_error "ERR COUNT must be > 0" {r xautoclaim s g c 0 0 count $n}
        }
        assert_error "ERR Invalid min-idle-time argument for XAUTOCLAIM" {r xautoclaim s g c abc 0}
        assert_error $::st_badid {r xautoclaim s g c 0 abc}
        assert_error "ERR syntax error" {r xautoclaim s g c 0 0 foo}
        assert_error "ERR wrong number of arguments for 'xautoclaim' command" {r xautoclaim s g c 0}
        assert_error "NOGROUP No such key 's' or consumer group 'nog'" {r xautoclaim s nog c 0 0}
        assert_error "NOGROUP No such key 'nokey' or consumer group 'g'" {r xautoclaim nokey g c 0 0}
    }

    # ------------------------------------------------------------- XINFO
    test "XINFO STREAM fields" {
        st_fill s 4
        set fields {}
        foreach {k v} [r xinfo stream s] { lappend fields $k }
        assert_equal {length radix-tree-keys radix-tree-nodes last-generated-id max-deleted-entry-id entries-added recorded-first-entry-id groups first-entry last-entry} $fields
        assert_equal {length 4 last-generated-id 4-0 max-deleted-entry-id 0-0 entries-added 4 recorded-first-entry-id 1-0 groups 0 first-entry {1-0 {f 1}} last-entry {4-0 {f 4}}} [st_info s]
        r xdel s 2-0
        r xgroup create s g 0
        assert_equal {length 3 last-generated-id 4-0 max-deleted-entry-id 2-0 entries-added 4 recorded-first-entry-id 1-0 groups 1 first-entry {1-0 {f 1}} last-entry {4-0 {f 4}}} [st_info s]
        r xdel s 1 3
        assert_equal {length 1 last-generated-id 4-0 max-deleted-entry-id 3-0 entries-added 4 recorded-first-entry-id 4-0 groups 1 first-entry {4-0 {f 4}} last-entry {4-0 {f 4}}} [st_info s]
        r xdel s 4-0
        assert_equal {length 0 last-generated-id 4-0 max-deleted-entry-id 4-0 entries-added 4 recorded-first-entry-id 0-0 groups 1 first-entry {} last-entry {}} [st_info s]
        # trimming does not move max-deleted-entry-id
        st_fill t 10
        r xtrim t maxlen 3
        assert_equal {length 3 last-generated-id 10-0 max-deleted-entry-id 0-0 entries-added 10 recorded-first-entry-id 8-0 groups 0 first-entry {8-0 {f 8}} last-entry {10-0 {f 10}}} [st_info t]
        r del e
        r xgroup create e g $ mkstream
        assert_equal {length 0 last-generated-id 0-0 max-deleted-entry-id 0-0 entries-added 0 recorded-first-entry-id 0-0 groups 1 first-entry {} last-entry {}} [st_info e]
        assert_error "ERR no such key" {r xinfo stream nokey}
        assert_error "ERR unknown subcommand or wrong number of arguments for 'stream'. Try XINFO HELP." {r xinfo stream s foo}
        assert_error "ERR wrong number of arguments for 'xinfo|stream' command" {r xinfo stream}
        assert_error "ERR unknown subcommand 'foo'. Try XINFO HELP." {r xinfo foo}
        assert_error "ERR wrong number of arguments for 'xinfo' command" {r xinfo}
    }

    test "XINFO STREAM FULL and COUNT" {
        st_fill s 5
        r xgroup create s g 0
        r xgroup create s g2 $
        r xreadgroup group g c1 count 2 streams s >
        r xreadgroup group g c2 count 1 streams s >
        set entries {{1-0 {f 1}} {2-0 {f 2}} {3-0 {f 3}} {4-0 {f 4}} {5-0 {f 5}}}
        set g2 {name g2 last-delivered-id 5-0 entries-read {} lag 0 pel-count 0 pending {} consumers {}}
        set expected [list length 5 last-generated-id 5-0 max-deleted-entry-id 0-0 entries-added 5 recorded-first-entry-id 1-0 \
            entries $entries \
            groups [list [list name g last-delivered-id 3-0 entries-read 3 lag 2 pel-count 3 \
                             pending {{1-0 c1 T 1} {2-0 c1 T 1} {3-0 c2 T 1}} \
                             consumers {{name c1 seen-time T pel-count 2 pending {{1-0 T 1} {2-0 T 1}}} {name c2 seen-time T pel-count 1 pending {{3-0 T 1}}}}] \
                         $g2]]
        assert_equal $expected [st_info_full s]
        set fields {}
        foreach {k v} [r xinfo stream s full] { lappend fields $k }
        assert_equal {length radix-tree-keys radix-tree-nodes last-generated-id max-deleted-entry-id entries-added recorded-first-entry-id entries groups} $fields
        # COUNT limits the entries and each PEL listed; 0 is everything
        set expected1 [list length 5 last-generated-id 5-0 max-deleted-entry-id 0-0 entries-added 5 recorded-first-entry-id 1-0 \
            entries {{1-0 {f 1}}} \
            groups [list [list name g last-delivered-id 3-0 entries-read 3 lag 2 pel-count 3 \
                             pending {{1-0 c1 T 1}} \
                             consumers {{name c1 seen-time T pel-count 2 pending {{1-0 T 1}}} {name c2 seen-time T pel-count 1 pending {{3-0 T 1}}}}] \
                         $g2]]
        assert_equal $expected1 [st_info_full s count 1]
        assert_equal $expected [st_info_full s count 0]
        assert_error "ERR value is not an integer or out of range" {r xinfo stream s full count abc}
        assert_error "ERR unknown subcommand or wrong number of arguments for 'stream'. Try XINFO HELP." {r xinfo stream s full count}
        assert_error "ERR unknown subcommand or wrong number of arguments for 'stream'. Try XINFO HELP." {r xinfo stream s full foo}
        r del e
        r xgroup create e g $ mkstream
        assert_equal {length 0 last-generated-id 0-0 max-deleted-entry-id 0-0 entries-added 0 recorded-first-entry-id 0-0 entries {} groups {{name g last-delivered-id 0-0 entries-read {} lag 0 pel-count 0 pending {} consumers {}}}} [st_info_full e]
    }

    test "XINFO GROUPS: entries-read and lag" {
        st_fill s 5
        r xgroup create s g 0
        r xgroup create s g2 0
        r xreadgroup group g2 c count 2 streams s >
        assert_equal {{name g consumers 0 pending 0 last-delivered-id 0-0 entries-read {} lag 5} {name g2 consumers 1 pending 2 last-delivered-id 2-0 entries-read 2 lag 3}} [r xinfo groups s]
        # a deletion after the group's position makes the lag unknown
        r xdel s 4-0
        assert_equal {{name g consumers 0 pending 0 last-delivered-id 0-0 entries-read {} lag {}} {name g2 consumers 1 pending 2 last-delivered-id 2-0 entries-read 2 lag {}}} [r xinfo groups s]
        r xreadgroup group g2 c streams s >
        assert_equal {name g2 consumers 1 pending 4 last-delivered-id 5-0 entries-read 5 lag 0} [lindex [r xinfo groups s] 1]
        r del e
        r xgroup create e g $ mkstream
        r write [::resp::encode xinfo groups e]
        assert_equal "*1\r\n*12\r\n\$4\r\nname\r\n\$1\r\ng\r\n\$9\r\nconsumers\r\n:0\r\n\$7\r\npending\r\n:0\r\n\$17\r\nlast-delivered-id\r\n\$3\r\n0-0\r\n\$12\r\nentries-read\r\n\$-1\r\n\$3\r\nlag\r\n:0\r\n" [r read_raw]
        r del t
        r xadd t 1-0 f v
        assert_equal {} [r xinfo groups t]
        assert_error "ERR no such key" {r xinfo groups nokey}
    }

    test "XINFO CONSUMERS has name, pending and idle" {
        st_fill s 3
        r xgroup create s g 0
        r xgroup createconsumer s g c0
        r xreadgroup group g c1 count 2 streams s >
        set cs [r xinfo consumers s g]
        assert_equal 2 [llength $cs]
        assert_equal {name pending idle} [dict keys [lindex $cs 0]]
        assert_equal {name c0 pending 0} [lrange [lindex $cs 0] 0 3]
        assert_equal {name c1 pending 2} [lrange [lindex $cs 1] 0 3]
        assert_range [dict get [lindex $cs 1] idle] 0 60000
        assert_error "NOGROUP No such consumer group 'nog' for key name 's'" {r xinfo consumers s nog}
        assert_error "ERR no such key" {r xinfo consumers nokey g}
        set c [redis_client]
        $c hello 3
        $c write [::resp::encode xinfo consumers s g]
        assert_match "\\*2\r\n%3\r\n\$4\r\nname\r\n\$2\r\nc0\r\n\$7\r\npending\r\n:0\r\n\$4\r\nidle\r\n:*" [$c read_raw]
        $c close
    }

    # ------------------------------------------------- keys and types
    test "TYPE and OBJECT ENCODING of a stream" {
        r del s
        r xadd s 1-0 f v
        assert_equal stream [r type s]
        assert_equal stream [r object encoding s]
        r del e
        r xgroup create e g $ mkstream
        assert_equal stream [r type e]
        assert_equal stream [r object encoding e]
    }

    test "Stream commands on a key of another type are WRONGTYPE errors" {
        r del str l
        r set str x
        r rpush l a
        foreach k {str l} {
            foreach cmd [list \
                {xadd $k * f v} {xadd $k nomkstream * f v} {xlen $k} {xrange $k - +} {xrevrange $k + -} \
                {xdel $k 1-0} {xtrim $k maxlen 0} {xsetid $k 1-0} {xread streams $k 0} \
                {xgroup create $k g 0} {xgroup create $k g 0 mkstream} {xgroup destroy $k g} \
                {xgroup createconsumer $k g c} {xgroup delconsumer $k g c} {xgroup setid $k g 0} \
                {xreadgroup group g c streams $k >} {xack $k g 1-0} {xpending $k g} \
                {xpending $k g - + 10} {xclaim $k g c 0 1-0} {xautoclaim $k g c 0 0} \
                {xinfo stream $k} {xinfo groups $k} {xinfo consumers $k g}] {
                set cmd [subst -nocommands $cmd]
                assert_error $::st_wrongtype [list r {*}$cmd]
            }
        }
        # the WRONGTYPE key among others in XREAD
        r del s
        r xadd s 1-0 f v
        assert_error $::st_wrongtype {r xread streams s str 0 0}
        assert_error $::st_wrongtype {r xread block 0 streams s str $ $}
        assert_equal x [r get str]
        # and stream keys for the commands of other types
        assert_error $::st_wrongtype {r get s}
        assert_error $::st_wrongtype {r lpush s a}
        assert_error $::st_wrongtype {r hset s a b}
    }

    test "DEL, EXISTS and an empty stream that stays" {
        r del s
        assert_equal 0 [r exists s]
        r xadd s 1-0 f v
        assert_equal 1 [r exists s]
        r xdel s 1-0
        assert_equal 1 [r exists s]
        assert_equal 1 [r del s]
        assert_equal 0 [r exists s]
        assert_equal 0 [r xlen s]
        r xgroup create s g $ mkstream
        assert_equal 1 [r exists s]
        assert_equal 1 [r unlink s]
        assert_equal 0 [r exists s]
    }

    test "RENAME and COPY of a stream across shards keep entries and groups" {
        r del s{a} s{b} s{c}
        r xadd s{a} 1-0 a 1
        r xadd s{a} 2-0 b 2
        r xadd s{a} 3-0 c 3
        r xdel s{a} 3-0
        r xgroup create s{a} g 0
        r xgroup create s{a} g2 $
        r xreadgroup group g c1 count 1 streams s{a} >
        set groups [r xinfo groups s{a}]
        set info [st_info s{a}]
        set pending [r xpending s{a} g]
        assert_equal OK [r rename s{a} s{b}]
        assert_equal 0 [r exists s{a}]
        assert_equal stream [r type s{b}]
        assert_equal $groups [r xinfo groups s{b}]
        assert_equal $info [st_info s{b}]
        assert_equal $pending [r xpending s{b} g]
        assert_equal 1 [r copy s{b} s{c}]
        assert_equal $groups [r xinfo groups s{c}]
        assert_equal $info [st_info s{c}]
        assert_equal $pending [r xpending s{c} g]
        assert_equal [r xrange s{b} - +] [r xrange s{c} - +]
        assert_equal [st_consumers s{b} g] [st_consumers s{c} g]
        # the copy is independent
        assert_equal 4-0 [r xadd s{c} 4-0 d 4]
        r xreadgroup group g c2 streams s{c} >
        r xgroup destroy s{c} g2
        assert_equal 2 [r xlen s{b}]
        assert_equal 3 [r xlen s{c}]
        assert_equal $groups [r xinfo groups s{b}]
        assert_equal $pending [r xpending s{b} g]
        assert_equal 0 [r copy s{b} s{c}]
        assert_equal 1 [r copy s{b} s{c} replace]
        assert_equal $groups [r xinfo groups s{c}]
        # the copied group goes on where it was
        assert_equal {{s{c} {{2-0 {b 2}}}}} [r xreadgroup group g c9 streams s{c} >]
        assert_equal {{s{b} {}}} [r xreadgroup group g c9 streams s{b} 0]
    }

    test "EXPIRE on a stream" {
        r del s
        r xadd s 1-0 f v
        assert_equal 1 [r expire s 100]
        assert_range [r ttl s] 90 100
        # stream writes keep the TTL
        r xadd s 2-0 f v
        r xgroup create s g 0
        r xtrim s maxlen 0
        assert_range [r ttl s] 90 100
        assert_equal 1 [r persist s]
        assert_equal -1 [r ttl s]
        assert_equal 1 [r pexpire s 10]
        wait_for_condition 200 10 {[r exists s] == 0} else {
            fail "the stream did not expire"
        }
        assert_equal 0 [r xlen s]
        assert_error "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically." {r xgroup create s g 0}
    }

    # --------------------------------------------------- MULTI and Lua
    test "MULTI/EXEC with XADD and XREAD; XREAD BLOCK inside MULTI does not block" {
        r del m
        r multi
        r xadd m 1-0 a 1
        r xread streams m 0
        r xread block 0 streams m $
        r xlen m
        assert_equal {1-0 {{m {{1-0 {a 1}}}}} {} 1} [r exec]
        # a failing XADD does not stop the transaction
        r multi
        r xadd m 1-0 a 1
        r xadd m 2-0 b 2
        assert_equal {{ERR The ID specified in XADD is equal or smaller than the target stream top item} 2-0} [r exec]
        r multi
        assert_error "ERR wrong number of arguments for 'xadd' command" {r xadd m 3-0 a}
        assert_error "EXECABORT Transaction discarded because of previous errors." {r exec}
        assert_equal 2 [r xlen m]
    }

    test "EVAL calling XADD, XRANGE, XREAD" {
        r del l s
        set id [r eval {return redis.call('xadd', KEYS[1], '*', 'f', 'v')} 1 s]
        assert_match {[0-9]*-[0-9]*} $id
        assert {[regexp {^\d+-\d+$} $id]}
        assert_equal 1 [r xlen s]
        assert_equal 5-0 [r eval {return redis.call('xadd', KEYS[1], '5-0', 'f', 'v')} 1 l]
        assert_error "ERR The ID specified in XADD is equal or smaller than the target stream top item*" {r eval {return redis.call('xadd', KEYS[1], '5-0', 'f', 'v')} 1 l}
        assert_error "ERR The ID specified in XADD is equal or smaller than the target stream top item" {r eval {return redis.pcall('xadd', KEYS[1], '5-0', 'f', 'v')} 1 l}
        assert_equal {{5-0 {f v}}} [r eval {return redis.call('xrange', KEYS[1], '-', '+')} 1 l]
        assert_equal {{l {{5-0 {f v}}}}} [r eval {return redis.call('xread', 'streams', KEYS[1], '0')} 1 l]
        assert_equal {} [r eval {return redis.call('xadd', KEYS[1], 'nomkstream', '5-0', 'f', 'v')} 1 nokey]
        assert_error "ERR xread command is not allowed with BLOCK option from scripts*" {r eval {return redis.call('xread', 'block', '0', 'streams', KEYS[1], '$')} 1 l}
        assert_error "ERR xreadgroup command is not allowed with BLOCK option from scripts*" {r eval {return redis.call('xreadgroup', 'group', 'g', 'c', 'block', '0', 'streams', KEYS[1], '>')} 1 l}
    }
}

start_server {tags {stream notify}} {
    # Subscribe a deferring client to every keyevent channel.
    proc st_event_client {} {
        set rd [redis_deferring_client]
        $rd psubscribe __keyevent@*
        $rd read
        return $rd
    }

    # The keyevent notifications as "event key", up to the `set` of `end`.
    proc st_events_until {rd end} {
        set out {}
        while 1 {
            lassign [$rd read] kind pat ch msg
            regexp {^__keyevent@[0-9]+__:(.*)$} $ch -> ev
            if {$ev eq "set" && $msg eq $end} break
            lappend out "$ev $msg"
        }
        return $out
    }

    test "Keyspace events of the stream commands" {
        r config set notify-keyspace-events KEA
        set rd [st_event_client]
        r del s{t} s2{t} s3{t}
        r xadd s{t} 1-0 f v
        r xadd s{t} maxlen 1 2-0 f v
        r xadd s{t} maxlen 5 3-0 f v
        catch {r xadd s{t} 1-0 f v}
        r xadd s2{t} nomkstream 1-0 f v
        r xtrim s{t} maxlen 1
        r xtrim s{t} maxlen 10
        r xadd s{t} 4-0 f v
        r xdel s{t} 3-0
        r xdel s{t} 3-0
        r xsetid s{t} 10-0
        r set end{t} 1
        assert_equal {{xadd s{t}} {xadd s{t}} {xtrim s{t}} {xadd s{t}} {xtrim s{t}} {xadd s{t}} {xdel s{t}} {xsetid s{t}}} [st_events_until $rd end{t}]
        r xgroup create s{t} g 0
        r xgroup create s2{t} g 0 mkstream
        r xgroup createconsumer s{t} g c
        r xgroup createconsumer s{t} g c
        r xreadgroup group g c2 streams s{t} >
        r xreadgroup group g c2 streams s{t} >
        r xclaim s{t} g c3 0 4-0
        r xautoclaim s{t} g c4 0 0
        r xack s{t} g 4-0
        r xgroup setid s{t} g 0
        r xgroup delconsumer s{t} g c
        r xgroup destroy s{t} g
        r xgroup destroy s{t} g
        r set end{t} 2
        assert_equal {{xgroup-create s{t}} {xgroup-create s2{t}} {xgroup-createconsumer s{t}} {xgroup-createconsumer s{t}} {xgroup-createconsumer s{t}} {xgroup-createconsumer s{t}} {xgroup-setid s{t}} {xgroup-delconsumer s{t}} {xgroup-destroy s{t}}} [st_events_until $rd end{t}]
        r rename s{t} s2{t}
        r copy s2{t} s3{t}
        r expire s3{t} 100
        r del s3{t}
        r multi
        r xadd m{t} 1-0 a b
        r xadd m{t} 2-0 c d
        r exec
        r set end{t} 3
        assert_equal {{rename_from s{t}} {rename_to s2{t}} {copy_to s3{t}} {expire s3{t}} {del s3{t}} {xadd m{t}} {xadd m{t}}} [st_events_until $rd end{t}]
        r config set notify-keyspace-events ""
        $rd close
    }

    test "Keyspace events: the t class covers the stream events" {
        r config set notify-keyspace-events Kt
        set rd [redis_deferring_client]
        $rd psubscribe __keyspace@*
        $rd read
        r del s
        r xadd s 1-0 f v
        r xgroup create s g 0
        r set end x
        r xdel s 1-0
        # with Kt only the stream events come, not the set
        set got {}
        for {set i 0} {$i < 3} {incr i} {
            lassign [$rd read] kind pat ch msg
            lappend got "$ch $msg"
        }
        assert_equal {{__keyspace@0__:s xadd} {__keyspace@0__:s xgroup-create} {__keyspace@0__:s xdel}} $got
        r config set notify-keyspace-events ""
        $rd close
    }
}
