# Client management: CLIENT PAUSE / UNPAUSE, protected mode, and the
# connection limits as seen from several clients (spread over the shards).

# No reply on deferring client $c within ms milliseconds?
proc no_reply_within {c ms} {
    set old [$c timeout]
    $c timeout $ms
    set r [catch {$c read} err]
    $c timeout $old
    if {!$r} { return 0 }
    return [string match "*timeout*" $err]
}

# A local address other than loopback, or "" if the machine has none.
proc non_loopback_addr {} {
    if {[catch {exec hostname -I} out]} { return "" }
    foreach a $out {
        if {[string match 127.* $a] || [string first : $a] >= 0} continue
        return $a
    }
    return ""
}

start_server {tags {clients}} {
    test "CLIENT PAUSE argument errors" {
        assert_error "ERR timeout is not an integer or out of range" {r client pause abc}
        assert_error "ERR timeout is negative" {r client pause -1}
        assert_error "ERR CLIENT PAUSE mode must be WRITE or ALL" {r client pause 10 foo}
        assert_error "ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP." \
            {r client pause 10 write extra}
        assert_error "ERR wrong number of arguments for 'client|pause' command" {r client pause}
        assert_error "ERR wrong number of arguments for 'client|unpause' command" {r client unpause x}
        # a zero timeout pauses nothing
        assert_equal OK [r client pause 0]
        assert_equal OK [r set k0 v]
    }

    test "CLIENT PAUSE WRITE holds writes, not reads, until UNPAUSE" {
        r set k 1
        assert_equal OK [r client pause 100000 write]
        set w [redis_deferring_client]
        $w set k 2
        assert {[no_reply_within $w 300]}
        set rd [redis_client]
        assert_equal 1 [$rd get k]
        assert_equal OK [r client unpause]
        assert_equal OK [$w read]
        assert_equal 2 [r get k]
        $w close
        $rd close
    }

    test "CLIENT PAUSE holds the client's later commands too, in order" {
        r del q
        r client pause 100000 write
        set w [redis_deferring_client]
        $w write [::resp::encode RPUSH q a][::resp::encode LRANGE q 0 -1][::resp::encode RPUSH q b]
        assert {[no_reply_within $w 300]}
        r client unpause
        assert_equal 1 [$w read]
        assert_equal {a} [$w read]
        assert_equal 2 [$w read]
        $w close
    }

    test "CLIENT PAUSE ALL holds reads, and ends by itself" {
        set rd [redis_deferring_client]
        r client pause 600 all
        set start [clock milliseconds]
        $rd get k
        assert_equal 2 [$rd read]
        set took [expr {[clock milliseconds] - $start}]
        assert_range $took 400 3000
        $rd close
    }

    test "CLIENT PAUSE reaches the clients of every shard" {
        set clients {}
        for {set i 0} {$i < 12} {incr i} { lappend clients [redis_deferring_client] }
        r client pause 100000 write
        set i 0
        foreach c $clients { $c set key:$i $i; incr i }
        foreach c $clients { assert {[no_reply_within $c 50]} }
        r client unpause
        foreach c $clients { assert_equal OK [$c read]; $c close }
        assert_equal 11 [r get key:11]
    }

    test "a client held by CLIENT PAUSE is not closed by timeout" {
        r config set timeout 1
        set w [redis_deferring_client]
        r client pause 100000 write
        $w set held 1
        # held for more than the timeout (the default client stays busy)
        for {set i 0} {$i < 12} {incr i} { r ping; after 200 }
        r client unpause
        assert_equal OK [$w read]
        r config set timeout 0
        $w close
    }

    test "timeout closes idle clients of every shard, not busy ones" {
        set idle {}
        for {set i 0} {$i < 8} {incr i} { lappend idle [redis_client] }
        set busy [redis_client]
        set ids {}
        foreach c $idle { lappend ids [$c client id] }
        r config set timeout 1
        set deadline [expr {[clock milliseconds] + 6000}]
        while {[clock milliseconds] < $deadline} {
            assert_equal PONG [$busy ping]
            set left 0
            foreach id $ids { if {[string length [r client list id $id]]} { incr left } }
            if {!$left} break
            after 200
        }
        r config set timeout 0
        assert_equal 0 $left
        assert_equal PONG [$busy ping]
        $busy close
    }

    tags {redis-shard-only} {
        test "an idle client keeps no input buffer after a split command" {
            set c [redis_deferring_client]
            $c write "*3\r\n\$3\r\nSET\r\n\$5\r\nsplit\r\n\$1000\r\n"
            $c write "[string repeat x 600]"
            $c flush
            after 100
            # while the command is incomplete, its bytes are held
            set line ""
            foreach l [split [string trim [r client list]] "\n"] {
                if {[string match "*cmd=NULL*" $l]} { set line $l }
            }
            assert_match "*qbuf=6* *" $line
            $c write "[string repeat x 400]\r\n"
            assert_equal OK [$c read]
            $c write [::resp::encode GET split]
            assert_equal 1000 [string length [$c read]]
            set line ""
            foreach l [split [string trim [r client list]] "\n"] {
                if {[string match "*cmd=get*" $l]} { set line $l }
            }
            assert_match "*qbuf=0 qbuf-free=0 *rbs=0 *" $line
            $c close
        }
    }

    test "maxclients counts the clients of every shard" {
        # the clients the tests before closed are gone first (a close the
        # server has not seen yet would free a place below)
        wait_for_condition 50 100 {[llength [split [string trim [r client list]] "\n"]] == 1} else {
            fail "clients of earlier tests still connected"
        }
        set n [llength [split [string trim [r client list]] "\n"]]
        r config set maxclients [expr {$n + 6}]
        set ok {}
        for {set i 0} {$i < 6} {incr i} {
            set c [redis_client]
            assert_equal PONG [$c ping]
            lappend ok $c
        }
        set extra [redis_deferring_client]
        $extra write [::resp::encode PING]
        catch {$extra read} err
        assert_equal "ERR max number of clients reached" $err
        $extra close
        foreach c $ok { $c close }
        r config set maxclients 10000
        assert_equal PONG [r ping]
    }
}

start_server {tags {clients}} {
    set addr [non_loopback_addr]

    test "protected mode refuses non-loopback peers with Redis's DENIED error" {
        if {$addr eq ""} { skip_if_real_redis "no non-loopback address"; skip_if_redis_shard "no non-loopback address" }
        assert_equal yes [lindex [r config get protected-mode] 1]
        # connect to 127.0.0.1 from a non-loopback source address
        set s [socket -myaddr $addr 127.0.0.1 [srv port]]
        fconfigure $s -translation binary -buffering none
        puts -nonewline $s "PING\r\n"
        set line [gets $s]
        close $s
        assert_match "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user.*4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r" $line
        assert_match "*rejected_connections:1*" [r info stats]
    }

    test "protected mode lets 127.0.0.1 in, and CONFIG SET turns it off" {
        if {$addr eq ""} { skip_if_real_redis "no non-loopback address"; skip_if_redis_shard "no non-loopback address" }
        set s [socket -myaddr 127.0.0.1 127.0.0.1 [srv port]]
        fconfigure $s -translation binary -buffering none
        puts -nonewline $s "PING\r\n"
        assert_equal "+PONG\r" [gets $s]
        close $s
        # like Redis 7.0, only 127.0.0.1 itself, not the rest of 127.0.0.0/8
        set s [socket -myaddr 127.0.0.7 127.0.0.1 [srv port]]
        fconfigure $s -translation binary -buffering none
        puts -nonewline $s "PING\r\n"
        assert_match "-DENIED *" [gets $s]
        close $s
        r config set protected-mode no
        set s [socket -myaddr $addr 127.0.0.1 [srv port]]
        fconfigure $s -translation binary -buffering none
        puts -nonewline $s "PING\r\n"
        assert_equal "+PONG\r" [gets $s]
        close $s
        r config set protected-mode yes
    }

    test "protected mode does not apply once a password is set" {
        if {$addr eq ""} { skip_if_real_redis "no non-loopback address"; skip_if_redis_shard "no non-loopback address" }
        r config set requirepass secret
        r auth secret
        set s [socket -myaddr $addr 127.0.0.1 [srv port]]
        fconfigure $s -translation binary -buffering none
        puts -nonewline $s "PING\r\n"
        assert_equal "-NOAUTH Authentication required.\r" [gets $s]
        close $s
        r config set requirepass ""
    }
}
