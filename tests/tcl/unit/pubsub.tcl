# Pub/Sub: SUBSCRIBE / PSUBSCRIBE / SSUBSCRIBE, their UNSUBSCRIBEs, PUBLISH,
# SPUBLISH and PUBSUB, in RESP2 and RESP3, subscribed-mode rules, pattern
# matching, and publishers and subscribers spread over several connections
# (with --shards 4 they land on different shards).

# Read one (un)subscription confirmation per channel; return the counts.
proc consume_sub {client type channels} {
    set counts {}
    foreach ch $channels {
        set msg [$client read]
        assert_equal $type [lindex $msg 0]
        lappend counts [lindex $msg 2]
    }
    return $counts
}

proc subscribe {client channels} {
    $client subscribe {*}$channels
    consume_sub $client subscribe $channels
}

proc psubscribe {client patterns} {
    $client psubscribe {*}$patterns
    consume_sub $client psubscribe $patterns
}

proc ssubscribe {client channels} {
    $client ssubscribe {*}$channels
    consume_sub $client ssubscribe $channels
}

proc unsubscribe {client {channels {}}} {
    $client unsubscribe {*}$channels
    consume_sub $client unsubscribe [expr {[llength $channels] ? $channels : {x}}]
}

proc punsubscribe {client {patterns {}}} {
    $client punsubscribe {*}$patterns
    consume_sub $client punsubscribe [expr {[llength $patterns] ? $patterns : {x}}]
}

# Wait until the subscriptions of clients closed by earlier tests are gone
# (the server sees a close asynchronously).
proc settle {} {
    wait_for_condition 100 20 {
        [r pubsub numpat] == 0 && [r pubsub channels] eq {} && [r pubsub shardchannels] eq {}
    } else {
        fail "subscriptions of closed clients remain"
    }
}

# A deferring client already switched to RESP3.
proc resp3_client {} {
    set c [redis_deferring_client]
    $c hello 3
    $c read
    return $c
}

start_server {tags {pubsub}} {
    test "PUBLISH/SUBSCRIBE basics" {
        settle
        set rd1 [redis_deferring_client]
        assert_equal {1 2} [subscribe $rd1 {chan1 chan2}]
        assert_equal 1 [r publish chan1 hello]
        assert_equal 1 [r publish chan2 world]
        assert_equal {message chan1 hello} [$rd1 read]
        assert_equal {message chan2 world} [$rd1 read]
        unsubscribe $rd1 {chan1}
        assert_equal 0 [r publish chan1 hello]
        assert_equal 1 [r publish chan2 world]
        assert_equal {message chan2 world} [$rd1 read]
        unsubscribe $rd1 {chan2}
        assert_equal 0 [r publish chan1 hello]
        assert_equal 0 [r publish chan2 hello]
        $rd1 close
    }

    test "SUBSCRIBE replies in RESP2 are arrays with the running count" {
        settle
        set rd [redis_deferring_client]
        $rd subscribe a b
        assert_equal "*3\r\n\$9\r\nsubscribe\r\n\$1\r\na\r\n:1\r\n" [$rd read_raw]
        assert_equal "*3\r\n\$9\r\nsubscribe\r\n\$1\r\nb\r\n:2\r\n" [$rd read_raw]
        r publish a hi
        assert_equal "*3\r\n\$7\r\nmessage\r\n\$1\r\na\r\n\$2\r\nhi\r\n" [$rd read_raw]
        $rd close
    }

    test "PUBLISH/SUBSCRIBE with two clients" {
        settle
        set rd1 [redis_deferring_client]
        set rd2 [redis_deferring_client]
        assert_equal {1} [subscribe $rd1 {chan1}]
        assert_equal {1} [subscribe $rd2 {chan1}]
        assert_equal 2 [r publish chan1 hello]
        assert_equal {message chan1 hello} [$rd1 read]
        assert_equal {message chan1 hello} [$rd2 read]
        $rd1 close
        $rd2 close
    }

    test "PUBLISH/SUBSCRIBE after UNSUBSCRIBE without arguments" {
        settle
        set rd1 [redis_deferring_client]
        assert_equal {1 2 3} [subscribe $rd1 {chan1 chan2 chan3}]
        $rd1 unsubscribe
        set names {}
        foreach i {1 2 3} { lappend names [lindex [$rd1 read] 1] }
        assert_equal {chan1 chan2 chan3} [lsort $names]
        assert_equal 0 [r publish chan1 hello]
        assert_equal 0 [r publish chan2 hello]
        assert_equal 0 [r publish chan3 hello]
        $rd1 close
    }

    test "SUBSCRIBE to one channel more than once" {
        settle
        set rd1 [redis_deferring_client]
        assert_equal {1 1 1} [subscribe $rd1 {chan1 chan1 chan1}]
        assert_equal 1 [r publish chan1 hello]
        assert_equal {message chan1 hello} [$rd1 read]
        $rd1 close
    }

    test "UNSUBSCRIBE from non-subscribed channels" {
        settle
        set rd1 [redis_deferring_client]
        assert_equal {0 0 0} [unsubscribe $rd1 {foo bar quux}]
        $rd1 close
    }

    test "PUBLISH/PSUBSCRIBE basics" {
        settle
        set rd1 [redis_deferring_client]
        assert_equal {1 2} [psubscribe $rd1 {foo.* bar.*}]
        assert_equal 1 [r publish foo.1 hello]
        assert_equal 1 [r publish bar.1 hello]
        assert_equal 0 [r publish foo1 hello]
        assert_equal 0 [r publish barfoo.1 hello]
        assert_equal 0 [r publish qux.1 hello]
        assert_equal {pmessage foo.* foo.1 hello} [$rd1 read]
        assert_equal {pmessage bar.* bar.1 hello} [$rd1 read]
        assert_equal {1} [punsubscribe $rd1 {foo.*}]
        assert_equal 0 [r publish foo.1 hello]
        assert_equal 1 [r publish bar.1 hello]
        assert_equal {pmessage bar.* bar.1 hello} [$rd1 read]
        assert_equal {0} [punsubscribe $rd1 {bar.*}]
        assert_equal 0 [r publish foo.1 hello]
        assert_equal 0 [r publish bar.1 hello]
        $rd1 close
    }

    test "PUBLISH/PSUBSCRIBE with two clients" {
        settle
        set rd1 [redis_deferring_client]
        set rd2 [redis_deferring_client]
        assert_equal {1} [psubscribe $rd1 {chan.*}]
        assert_equal {1} [psubscribe $rd2 {chan.*}]
        assert_equal 2 [r publish chan.foo hello]
        assert_equal {pmessage chan.* chan.foo hello} [$rd1 read]
        assert_equal {pmessage chan.* chan.foo hello} [$rd2 read]
        $rd1 close
        $rd2 close
    }

    test "PUBLISH/PSUBSCRIBE after PUNSUBSCRIBE without arguments" {
        settle
        set rd1 [redis_deferring_client]
        assert_equal {1 2 3} [psubscribe $rd1 {chan1.* chan2.* chan3.*}]
        $rd1 punsubscribe
        set counts {}
        foreach i {1 2 3} { lappend counts [lindex [$rd1 read] 2] }
        assert_equal {2 1 0} $counts
        assert_equal 0 [r publish chan1.hi hello]
        assert_equal 0 [r publish chan2.hi hello]
        assert_equal 0 [r publish chan3.hi hello]
        $rd1 close
    }

    test "PUNSUBSCRIBE from non-subscribed channels" {
        settle
        set rd1 [redis_deferring_client]
        assert_equal {0 0 0} [punsubscribe $rd1 {foo.* bar.* quux.*}]
        $rd1 close
    }

    test "NUMSUB returns numbers, not strings (#1561)" {
        assert_equal {abc 0 def 0} [r pubsub numsub abc def]
        set c [redis_deferring_client]
        $c pubsub numsub abc
        assert_equal "*2\r\n\$3\r\nabc\r\n:0\r\n" [$c read_raw]
        $c close
    }

    test "NUMPATs returns the number of unique patterns" {
        settle
        set rd1 [redis_deferring_client]
        set rd2 [redis_deferring_client]
        psubscribe $rd1 {foo.* bar.*}
        psubscribe $rd2 {foo.* baz.*}
        assert_equal 3 [r pubsub numpat]
        punsubscribe $rd1 {foo.* bar.*}
        assert_equal 2 [r pubsub numpat]
        punsubscribe $rd2 {foo.* baz.*}
        assert_equal 0 [r pubsub numpat]
        $rd1 close
        $rd2 close
    }

    test "Mix SUBSCRIBE and PSUBSCRIBE" {
        settle
        set rd1 [redis_deferring_client]
        assert_equal {1} [subscribe $rd1 {foo.bar}]
        assert_equal {2} [psubscribe $rd1 {foo.*}]
        assert_equal 2 [r publish foo.bar hello]
        assert_equal {message foo.bar hello} [$rd1 read]
        assert_equal {pmessage foo.* foo.bar hello} [$rd1 read]
        $rd1 close
    }

    test "PUNSUBSCRIBE and UNSUBSCRIBE should always reply" {
        settle
        set rd1 [redis_deferring_client]
        $rd1 punsubscribe
        assert_equal {punsubscribe {} 0} [$rd1 read]
        $rd1 unsubscribe
        assert_equal {unsubscribe {} 0} [$rd1 read]
        $rd1 write [::resp::encode unsubscribe]
        assert_equal "*3\r\n\$11\r\nunsubscribe\r\n\$-1\r\n:0\r\n" [$rd1 read_raw]
        $rd1 close
    }

    test "PUBSUB NUMSUB counts subscribers, not patterns" {
        settle
        set rd1 [redis_deferring_client]
        set rd2 [redis_deferring_client]
        subscribe $rd1 {n1 n2}
        subscribe $rd2 {n1}
        psubscribe $rd2 {n*}
        assert_equal {n1 2 n2 1 n3 0} [r pubsub numsub n1 n2 n3]
        assert_equal {} [r pubsub numsub]
        $rd1 close
        $rd2 close
    }

    test "PUBSUB CHANNELS lists each active channel once, with a pattern" {
        settle
        set clients {}
        for {set i 0} {$i < 8} {incr i} {
            set c [redis_deferring_client]
            subscribe $c {news.a news.b sport.x}
            lappend clients $c
        }
        assert_equal {news.a news.b sport.x} [lsort [r pubsub channels]]
        assert_equal {news.a news.b} [lsort [r pubsub channels news.*]]
        assert_equal {} [r pubsub channels nomatch*]
        assert_equal {news.a 8 sport.x 8} [r pubsub numsub news.a sport.x]
        foreach c $clients { $c close }
        wait_for_condition 50 20 {[r pubsub channels] eq {}} else {
            fail "channels of closed clients still listed: [r pubsub channels]"
        }
    }

    test "INFO counts distinct channels, patterns and shard channels" {
        settle
        set clients {}
        for {set i 0} {$i < 6} {incr i} {
            set c [redis_deferring_client]
            subscribe $c {info.a info.b}
            psubscribe $c {info.*}
            ssubscribe $c [list info.s$i]
            lappend clients $c
        }
        set info [r info stats]
        assert_equal 2 [info_field $info pubsub_channels]
        assert_equal 1 [info_field $info pubsub_patterns]
        assert_equal 6 [info_field $info pubsubshard_channels]
        foreach c $clients { $c close }
        wait_for_condition 50 20 {[info_field [r info stats] pubsub_channels] == 0} else {
            fail "channels still counted"
        }
        set info [r info]
        assert_equal 0 [info_field $info pubsub_patterns]
        assert_equal 0 [info_field $info pubsubshard_channels]
    }

    test "PUBSUB errors and HELP" {
        settle
        assert_error "ERR wrong number of arguments for 'pubsub' command" {r pubsub}
        assert_error "ERR unknown subcommand 'foo'. Try PUBSUB HELP." {r pubsub foo}
        assert_error "ERR unknown subcommand or wrong number of arguments for 'Channels'. Try PUBSUB HELP." {r pubsub Channels a b}
        assert_error "ERR unknown subcommand or wrong number of arguments for 'shardchannels'. Try PUBSUB HELP." {r pubsub shardchannels a b}
        assert_error "ERR wrong number of arguments for 'pubsub|numpat' command" {r pubsub numpat x}
        assert_error "ERR wrong number of arguments for 'subscribe' command" {r subscribe}
        assert_error "ERR wrong number of arguments for 'publish' command" {r publish a}
        set help [r pubsub help]
        assert_equal 14 [llength $help]
        assert_match "PUBSUB <subcommand>*" [lindex $help 0]
    }

    test "RESP2 subscribed mode allows only the subscription commands" {
        settle
        set rd [redis_deferring_client]
        subscribe $rd {c1}
        $rd get x
        assert_error "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context" {$rd read}
        $rd client id
        assert_error "ERR Can't execute 'client|id': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context" {$rd read}
        $rd ping
        assert_equal {pong {}} [$rd read]
        $rd ping hi
        assert_equal {pong hi} [$rd read]
        $rd write [::resp::encode ping]
        assert_equal "*2\r\n\$4\r\npong\r\n\$0\r\n\r\n" [$rd read_raw]
        $rd close
    }

    test "RESP2: the shard channel count keeps the client subscribed" {
        settle
        set rd [redis_deferring_client]
        subscribe $rd {c1}
        assert_equal {1} [ssubscribe $rd {s1}]
        assert_equal {0} [unsubscribe $rd {c1}]
        $rd ping
        assert_equal {pong {}} [$rd read]
        $rd sunsubscribe
        assert_equal {sunsubscribe s1 0} [$rd read]
        $rd ping
        assert_equal PONG [$rd read]
        $rd close
    }

    test "RESET leaves subscribed mode" {
        settle
        set rd [redis_deferring_client]
        subscribe $rd {c1 c2}
        psubscribe $rd {p*}
        $rd reset
        assert_equal RESET [$rd read]
        $rd ping
        assert_equal PONG [$rd read]
        assert_equal 0 [r publish c1 x]
        assert_equal 0 [r publish px x]
        $rd close
    }

    test "QUIT in subscribed mode" {
        settle
        set rd [redis_deferring_client]
        subscribe $rd {c1}
        $rd quit
        assert_equal OK [$rd read]
        assert_equal 1 [$rd closed]
        wait_for_condition 50 20 {[r publish c1 x] == 0} else { fail "quit client still subscribed" }
    }

    test "CLIENT LIST shows subscription counts and the P flag" {
        settle
        set rd [redis_deferring_client]
        subscribe $rd {c1 c2}
        psubscribe $rd {p1}
        ssubscribe $rd {s1}
        set line ""
        foreach l [split [r client list] "\n"] {
            if {[string match "*sub=2 psub=1*" $l]} { set line $l }
        }
        assert_match "*flags=P *sub=2 psub=1 ssub=1 *" $line
        $rd close
    }

    test "CLIENT LIST / CLIENT KILL TYPE pubsub select subscribed clients" {
        settle
        set rd [redis_deferring_client]
        subscribe $rd {typed}
        set rd3 [resp3_client]
        psubscribe $rd3 {typ*}
        set lines [split [string trim [r client list type pubsub]] "\n"]
        assert_equal 2 [llength $lines]
        foreach l $lines { assert_match "*flags=P *" $l }
        foreach l [split [string trim [r client list type normal]] "\n"] {
            assert_no_match "*flags=P *" $l
        }
        assert_equal 2 [r client kill type pubsub]
        wait_for_condition 50 20 {[r publish typed x] == 0} else { fail "pubsub clients not killed" }
        assert_equal PONG [r ping]
    }

    test "RESP3: subscription replies and messages are pushes" {
        settle
        set rd [resp3_client]
        $rd subscribe a
        assert_equal ">3\r\n\$9\r\nsubscribe\r\n\$1\r\na\r\n:1\r\n" [$rd read_raw]
        assert_equal 1 [r publish a hi]
        assert_equal ">3\r\n\$7\r\nmessage\r\n\$1\r\na\r\n\$2\r\nhi\r\n" [$rd read_raw]
        $rd psubscribe a*
        assert_equal ">3\r\n\$10\r\npsubscribe\r\n\$2\r\na*\r\n:2\r\n" [$rd read_raw]
        assert_equal 1 [r publish ab yo]
        assert_equal ">4\r\n\$8\r\npmessage\r\n\$2\r\na*\r\n\$2\r\nab\r\n\$2\r\nyo\r\n" [$rd read_raw]
        $rd punsubscribe x
        assert_equal ">3\r\n\$12\r\npunsubscribe\r\n\$1\r\nx\r\n:2\r\n" [$rd read_raw]
        $rd unsubscribe
        assert_equal ">3\r\n\$11\r\nunsubscribe\r\n\$1\r\na\r\n:1\r\n" [$rd read_raw]
        $rd punsubscribe
        assert_equal ">3\r\n\$12\r\npunsubscribe\r\n\$2\r\na*\r\n:0\r\n" [$rd read_raw]
        $rd unsubscribe
        assert_equal ">3\r\n\$11\r\nunsubscribe\r\n_\r\n:0\r\n" [$rd read_raw]
        $rd close
    }

    test "RESP3: a subscribed client runs other commands" {
        settle
        set rd [resp3_client]
        subscribe $rd {a}
        $rd set k v
        assert_equal OK [$rd read]
        $rd get k
        assert_equal v [$rd read]
        $rd ping
        assert_equal PONG [$rd read]
        $rd client id
        assert_match {[0-9]*} [$rd read]
        # its own PUBLISH: the message is pushed before the reply
        $rd publish a self
        assert_equal {message a self} [$rd read]
        assert_equal 1 [$rd read]
        $rd close
    }

    test "RESP3 and RESP2 subscribers of one channel get the same message" {
        settle
        set r2 [redis_deferring_client]
        set r3 [resp3_client]
        subscribe $r2 {mix}
        subscribe $r3 {mix}
        set big [string repeat x 2000]
        assert_equal 2 [r publish mix $big]
        assert_equal 2 [r publish mix small]
        assert_equal "*3\r\n\$7\r\nmessage\r\n\$3\r\nmix\r\n\$2000\r\n$big\r\n" [$r2 read_raw]
        assert_equal ">3\r\n\$7\r\nmessage\r\n\$3\r\nmix\r\n\$2000\r\n$big\r\n" [$r3 read_raw]
        assert_equal {message mix small} [$r2 read]
        assert_equal {message mix small} [$r3 read]
        $r2 close
        $r3 close
    }

    test "Messages queued while subscribers do not read arrive whole and in order" {
        # Sizes around the message log's chunk (16 KB) and the size above
        # which a message is never copied (512), on one channel and on two
        # interleaved ones, in both protocols and through a pattern; one
        # subscriber runs a command in the middle of the stream.
        settle
        set r2 [redis_deferring_client]
        set r3 [resp3_client]
        set two [redis_deferring_client]
        set pat [redis_deferring_client]
        subscribe $r2 {log}
        subscribe $r3 {log}
        subscribe $two {log other}
        psubscribe $pat {lo?}
        r set logkey here
        set sizes {}
        for {set i 0} {$i < 400} {incr i} {
            if {$i % 97 == 5} {
                lappend sizes 20000
            } elseif {$i % 13 == 0} {
                lappend sizes 600
            } else {
                lappend sizes [expr {1 + ($i * 37) % 300}]
            }
        }
        set pub [redis_deferring_client]
        set i 0
        foreach n $sizes {
            set body [string range "$i:[string repeat abcdefghij [expr {$n / 10 + 2}]]" 0 [expr {$n - 1}]]
            $pub write [::resp::encode publish log $body]
            if {$i % 3 == 0} { $pub write [::resp::encode publish other "o$i"] }
            if {$i == 200} { $r3 get logkey }
            incr i
        }
        set i 0
        foreach n $sizes {
            assert_equal 4 [$pub read]
            if {$i % 3 == 0} { assert_equal 1 [$pub read] }
            incr i
        }
        set got_reply 0
        set i 0
        foreach n $sizes {
            set body [string range "$i:[string repeat abcdefghij [expr {$n / 10 + 2}]]" 0 [expr {$n - 1}]]
            assert_equal [list message log $body] [$r2 read]
            set m [$r3 read]
            if {$m eq "here"} {
                incr got_reply
                set m [$r3 read]
            }
            assert_equal [list message log $body] $m
            assert_equal [list pmessage lo? log $body] [$pat read]
            assert_equal [list message log $body] [$two read]
            if {$i % 3 == 0} { assert_equal [list message other "o$i"] [$two read] }
            incr i
        }
        if {!$got_reply} { assert_equal here [$r3 read] }
        foreach c [list $r2 $r3 $two $pat $pub] { $c close }
    }

    test "Binary channels and messages" {
        settle
        set rd [redis_deferring_client]
        set ch "a\x00b\r\nc"
        set msg "\x00\x01\x7f\r\n"
        subscribe $rd [list $ch]
        assert_equal 1 [r publish $ch $msg]
        assert_equal [list message $ch $msg] [$rd read]
        assert_equal 0 [r publish "a\x00" $msg]
        $rd close
    }

    test "Pattern matching follows Redis's glob rules" {
        settle
        set rd [redis_deferring_client]
        set pats [list {h?llo} {h[ae]llo} {h[^e]llo} {h[a-b]llo} {h\*llo} {x*} {[z-x]1} {esc\?} {*}]
        psubscribe $rd $pats
        foreach ch {hello hallo hbllo hxllo h*llo heello x xyz y1 esc? escx} {
            r publish $ch m
        }
        set got {}
        # every message matches "*": count what arrives
        set expected [list \
            hello [list {h?llo} {h[ae]llo} *] \
            hallo [list {h?llo} {h[ae]llo} {h[^e]llo} {h[a-b]llo} *] \
            hbllo [list {h?llo} {h[^e]llo} {h[a-b]llo} *] \
            hxllo [list {h?llo} {h[^e]llo} *] \
            {h*llo} [list {h?llo} {h[^e]llo} {h\*llo} *] \
            heello [list *] \
            x [list {x*} *] \
            xyz [list {x*} *] \
            y1 [list {[z-x]1} *] \
            {esc?} [list {esc\?} *] \
            escx [list *]]
        set n 0
        dict for {ch ps} $expected { incr n [llength $ps] }
        for {set i 0} {$i < $n} {incr i} {
            lassign [$rd read] kind pat ch msg
            dict lappend got $ch $pat
        }
        dict for {ch ps} $expected {
            assert_equal [lsort $ps] [lsort [dict get $got $ch]] "channel $ch"
        }
        $rd close
    }

    test "Keyspace-like channel names with special characters in patterns" {
        settle
        set rd [redis_deferring_client]
        psubscribe $rd {__key*__:*}
        assert_equal 1 [r publish __keyspace@0__:foo set]
        assert_equal {pmessage __key*__:* __keyspace@0__:foo set} [$rd read]
        $rd close
    }

    test "SSUBSCRIBE / SPUBLISH / SUNSUBSCRIBE basics" {
        settle
        set rd [redis_deferring_client]
        assert_equal {1 2} [ssubscribe $rd {s1 s2}]
        assert_equal 1 [r spublish s1 hello]
        assert_equal {smessage s1 hello} [$rd read]
        # shard channels are their own namespace
        assert_equal 0 [r publish s1 hello]
        assert_equal {s1 1 s2 1 s3 0} [r pubsub shardnumsub s1 s2 s3]
        assert_equal {s1 0} [r pubsub numsub s1]
        assert_equal {s1 s2} [lsort [r pubsub shardchannels]]
        assert_equal {s2} [r pubsub shardchannels *2]
        assert_equal {} [r pubsub channels]
        $rd sunsubscribe s1
        assert_equal {sunsubscribe s1 1} [$rd read]
        assert_equal 0 [r spublish s1 hello]
        $rd sunsubscribe
        assert_equal {sunsubscribe s2 0} [$rd read]
        $rd sunsubscribe
        assert_equal {sunsubscribe {} 0} [$rd read]
        $rd close
    }

    test "SSUBSCRIBE replies and smessage in both protocols" {
        settle
        set r2 [redis_deferring_client]
        set r3 [resp3_client]
        $r2 ssubscribe sc
        assert_equal "*3\r\n\$10\r\nssubscribe\r\n\$2\r\nsc\r\n:1\r\n" [$r2 read_raw]
        $r3 ssubscribe sc
        assert_equal ">3\r\n\$10\r\nssubscribe\r\n\$2\r\nsc\r\n:1\r\n" [$r3 read_raw]
        assert_equal 2 [r spublish sc m]
        assert_equal "*3\r\n\$8\r\nsmessage\r\n\$2\r\nsc\r\n\$1\r\nm\r\n" [$r2 read_raw]
        assert_equal ">3\r\n\$8\r\nsmessage\r\n\$2\r\nsc\r\n\$1\r\nm\r\n" [$r3 read_raw]
        $r2 close
        $r3 close
    }

    test "COMMAND INFO of the pub/sub commands" {
        settle
        assert_equal {subscribe -2 {pubsub noscript loading stale} 0 0 0} [lrange [lindex [r command info subscribe] 0] 0 5]
        assert_equal {ssubscribe -2 {pubsub noscript loading stale} 1 -1 1} [lrange [lindex [r command info ssubscribe] 0] 0 5]
        assert_equal {publish 3 {pubsub loading stale fast} 0 0 0} [lrange [lindex [r command info publish] 0] 0 5]
        assert_equal {spublish 3 {pubsub loading stale fast} 1 1 1} [lrange [lindex [r command info spublish] 0] 0 5]
    }

    test "Many publishers reach many subscribers, in order per publisher" {
        settle
        set nsub 8
        set npub 6
        set nmsg 50
        set subs {}
        for {set i 0} {$i < $nsub} {incr i} {
            set c [redis_deferring_client]
            if {$i % 2} {
                subscribe $c {fan}
            } else {
                psubscribe $c {fa?}
            }
            lappend subs $c
        }
        set pubs {}
        for {set p 0} {$p < $npub} {incr p} { lappend pubs [redis_deferring_client] }
        # interleave the publishers; each pipelines its messages
        for {set m 0} {$m < $nmsg} {incr m} {
            for {set p 0} {$p < $npub} {incr p} {
                [lindex $pubs $p] write [::resp::encode publish fan "$p:$m"]
            }
        }
        for {set p 0} {$p < $npub} {incr p} {
            for {set m 0} {$m < $nmsg} {incr m} {
                assert_equal $nsub [[lindex $pubs $p] read]
            }
        }
        foreach c $subs {
            set next [lrepeat $npub 0]
            for {set i 0} {$i < $npub * $nmsg} {incr i} {
                set msg [lindex [$c read] end]
                lassign [split $msg :] p m
                assert_equal [lindex $next $p] $m "publisher $p out of order"
                lset next $p [expr {$m + 1}]
            }
            assert_equal [lrepeat $npub $nmsg] $next
        }
        foreach c [concat $subs $pubs] { $c close }
    }
}

start_server {tags {pubsub}} {
    test "client-output-buffer-limit pubsub: hard limit disconnects a subscriber that does not read" {
        settle
        r config set client-output-buffer-limit "pubsub 100000 0 0"
        set rd [redis_deferring_client]
        subscribe $rd {slow}
        set other [redis_deferring_client]
        subscribe $other {fast}
        set payload [string repeat x 10000]
        # the kernel's socket buffers absorb the first megabytes
        set closed 0
        for {set i 0} {$i < 2000 && !$closed} {incr i} {
            r publish slow $payload
            if {$i % 50 == 49} { set closed [expr {[r publish slow x] == 0}] }
        }
        assert_equal 1 $closed
        assert_equal 1 [r publish fast still-here]
        assert_equal {message fast still-here} [$other read]
        assert_equal {slow 0} [r pubsub numsub slow]
        $rd close
        $other close
        r config set client-output-buffer-limit "pubsub 32mb 8mb 60"
    }

    test "client-output-buffer-limit pubsub: a subscriber matching several ways is closed once" {
        r config set client-output-buffer-limit "pubsub 100000 0 0"
        set rd [redis_deferring_client]
        subscribe $rd {many}
        psubscribe $rd {ma* m?ny *}
        set payload [string repeat x 10000]
        set closed 0
        for {set i 0} {$i < 2000 && !$closed} {incr i} {
            set n [r publish many $payload]
            set closed [expr {$n == 0}]
        }
        assert_equal 1 $closed
        assert_equal 0 [r pubsub numpat]
        assert_equal PONG [r ping]
        $rd close
        r config set client-output-buffer-limit "pubsub 32mb 8mb 60"
    }

    test "client-output-buffer-limit pubsub: soft limit with seconds" {
        settle
        r config set client-output-buffer-limit "pubsub 0 100000 1"
        set rd [redis_deferring_client]
        subscribe $rd {slow}
        set payload [string repeat x 10000]
        for {set i 0} {$i < 1000} {incr i} { r publish slow $payload }
        # over the soft limit: closed after about a second, not at once
        assert_equal 1 [r publish slow x]
        wait_for_condition 50 100 {[r publish slow x] == 0} else {
            fail "subscriber over the soft limit was not disconnected"
        }
        $rd close
        r config set client-output-buffer-limit "pubsub 32mb 8mb 60"
    }

    test "the normal class limit does not apply to subscribers" {
        settle
        r config set client-output-buffer-limit "normal 1000 0 0"
        set rd [redis_deferring_client]
        subscribe $rd {ch}
        r publish ch [string repeat x 5000]
        assert_equal [list message ch [string repeat x 5000]] [$rd read]
        $rd ping
        assert_equal {pong {}} [$rd read]
        $rd close
        r config set client-output-buffer-limit "normal 0 0 0"
    }
}
