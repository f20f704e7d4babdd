# Keyspace notifications (notify-keyspace-events): the config flag string,
# the events each command emits, classes filtering them, and delivery to a
# subscriber whatever shard the key lives on. Keys share the {t} hash tag
# where the order of events across keys is checked (one shard emits them);
# order is only guaranteed per emitting shard, as per publisher.

# Subscribe a new client to every keyspace and keyevent channel.
proc event_client {} {
    set rd [redis_deferring_client]
    $rd psubscribe __key*__:*
    $rd read
    return $rd
}

# The next n notifications as {channel message} pairs.
proc events {rd n} {
    set out {}
    for {set i 0} {$i < $n} {incr i} {
        lassign [$rd read] kind pat ch msg
        lappend out [list $ch $msg]
    }
    return $out
}

# Keyevent notifications only, as "event key" pairs, for `n` events.
proc kevents {rd n} {
    set out {}
    foreach e [events $rd $n] {
        lassign $e ch msg
        regexp {^__keyevent@[0-9]+__:(.*)$} $ch -> ev
        lappend out "$ev $msg"
    }
    return $out
}

start_server {tags {notify}} {
    test "notify-keyspace-events: CONFIG SET/GET normalise the flags as Redis" {
        foreach {in out} {
            KEA AKE
            g$lshzxetdKEmn AKEm
            Elg glE
            xK xK
            n n
            AKEn AKE
            mK Km
            "" ""
            Ed dE
            Kt tK
        } {
            r config set notify-keyspace-events $in
            assert_equal [list notify-keyspace-events $out] [r config get notify-keyspace-events] "flags $in"
        }
        assert_error "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag\$lshzxeKEtmdn'." {r config set notify-keyspace-events Kq}
        r config set notify-keyspace-events ""
    }

    test "Keyspace notifications: we receive keyspace notifications" {
        r config set notify-keyspace-events KA
        set rd [event_client]
        r set foo bar
        assert_equal {{__keyspace@0__:foo set}} [events $rd 1]
        $rd close
    }

    test "Keyspace notifications: evicted events" {
        r flushall
        r config set notify-keyspace-events Ee
        set rd [event_client]
        r set foo bar
        r config set maxmemory-policy allkeys-random
        r config set maxmemory 1
        # everything is evicted; the write may still be refused after that
        catch {r set next value}
        r config set maxmemory 0
        r config set maxmemory-policy noeviction
        lassign [lindex [events $rd 1] 0] ch key
        assert_equal __keyevent@0__:evicted $ch
        assert_equal foo $key
        $rd close
        r config set notify-keyspace-events ""
        r flushall
    }

    test "Keyspace notifications: we receive keyevent notifications" {
        r config set notify-keyspace-events EA
        set rd [event_client]
        r set foo bar
        assert_equal {{__keyevent@0__:set foo}} [events $rd 1]
        $rd close
    }

    test "Keyspace notifications: we can receive both kind of events" {
        r config set notify-keyspace-events KEA
        set rd [event_client]
        r set foo bar
        assert_equal {{__keyspace@0__:foo set} {__keyevent@0__:set foo}} [events $rd 2]
        $rd close
    }

    test "Keyspace notifications: the selected database is in the channel name" {
        r config set notify-keyspace-events KEA
        set rd [event_client]
        r select 9
        r set foo bar
        r select 0
        assert_equal {{__keyspace@9__:foo set} {__keyevent@9__:set foo}} [events $rd 2]
        r select 9
        r flushdb
        r select 0
        $rd close
    }

    test "Keyspace notifications: we are able to mask events" {
        r config set notify-keyspace-events KEl
        r del mylist
        set rd [event_client]
        r set foo bar
        r lpush mylist a
        # the set is not notified, the lpush is
        assert_equal {{__keyspace@0__:mylist lpush} {__keyevent@0__:lpush mylist}} [events $rd 2]
        $rd close
    }

    test "Keyspace notifications: no K and no E means nothing" {
        r config set notify-keyspace-events A
        set rd [event_client]
        r set foo bar
        r config set notify-keyspace-events {E$}
        r set foo2 bar
        assert_equal {{set foo2}} [kevents $rd 1]
        $rd close
    }

    test "Keyspace notifications: general events test" {
        r config set notify-keyspace-events KEg
        set rd [event_client]
        r set foo bar
        r expire foo 1
        r del foo
        assert_equal {{__keyspace@0__:foo expire} {__keyevent@0__:expire foo} {__keyspace@0__:foo del} {__keyevent@0__:del foo}} [events $rd 4]
        $rd close
    }

    test "Keyspace notifications: string events" {
        r config set notify-keyspace-events {E$g}
        r del "{t}s" "{t}n" "{t}f"
        set rd [event_client]
        r set "{t}s" a
        r set "{t}s" b nx
        r set "{t}s" c xx ex 100
        r set "{t}s" d keepttl
        r setnx "{t}s" x
        r setex "{t}s" 100 e
        r psetex "{t}s" 100000 f
        r getset "{t}s" g
        r append "{t}s" h
        r setrange "{t}s" 0 z
        r setrange "{t}s" 0 ""
        r incr "{t}n"
        r incrby "{t}n" 5
        r decr "{t}n"
        r decrby "{t}n" 2
        r incrbyfloat "{t}f" 1.5
        r mset "{t}s" 1 "{t}n" 2
        r getex "{t}s" ex 100
        r getex "{t}s" persist
        r getex "{t}s" persist
        r getex "{t}s"
        r getdel "{t}s"
        r getdel "{t}s"
        assert_equal [list "set {t}s" "set {t}s" "expire {t}s" "set {t}s" "set {t}s" "expire {t}s" \
                          "set {t}s" "expire {t}s" "set {t}s" "append {t}s" "setrange {t}s" \
                          "incrby {t}n" "incrby {t}n" "incrby {t}n" "incrby {t}n" "incrbyfloat {t}f" \
                          "set {t}s" "set {t}n" "expire {t}s" "persist {t}s" "del {t}s"] [kevents $rd 21]
        $rd close
    }

    test "Keyspace notifications: generic events" {
        r config set notify-keyspace-events Eg
        r flushall
        set rd [event_client]
        r set "{t}a" 1
        r expire "{t}a" 100
        r persist "{t}a"
        r persist "{t}a"
        r pexpire "{t}a" 100000 xx
        r expire "{t}a" 100 nx
        r rename "{t}a" "{t}b"
        r set "{t}c" 1
        r renamenx "{t}b" "{t}c"
        r copy "{t}b" "{t}d"
        r copy "{t}b" "{t}d"
        r copy "{t}b" "{t}d" replace
        r move "{t}d" 9
        r expire "{t}b" -1
        r del "{t}c" "{t}none"
        r unlink "{t}d"
        assert_equal [list "expire {t}a" "persist {t}a" "expire {t}a" "rename_from {t}a" "rename_to {t}b" \
                          "copy_to {t}d" "copy_to {t}d" "move_from {t}d" "move_to {t}d" "del {t}b" \
                          "del {t}c"] [kevents $rd 11]
        r select 9
        r flushdb
        r select 0
        $rd close
    }

    test "Keyspace notifications: new key test" {
        r config set notify-keyspace-events En
        r flushall
        set rd [event_client]
        r set "{t}a" 1
        r set "{t}a" 2
        r lpush "{t}l" a
        r lpush "{t}l" b
        r hset "{t}h" f v
        r sadd "{t}s" m
        r zadd "{t}z" 1 m
        r rename "{t}a" "{t}b"
        assert_equal [list "new {t}a" "new {t}l" "new {t}h" "new {t}s" "new {t}z" "new {t}b"] [kevents $rd 6]
        $rd close
    }

    test "Keyspace notifications: list events" {
        r config set notify-keyspace-events {E$lg}
        r flushall
        set rd [event_client]
        r lpush "{t}l" a b
        r rpush "{t}l" c
        r lpushx "{t}l" d
        r rpushx "{t}l" e
        r lpushx "{t}none" x
        r linsert "{t}l" before a x
        r linsert "{t}l" before nothere x
        r lset "{t}l" 0 y
        r lrem "{t}l" 0 x
        r lrem "{t}l" 0 nothere
        r ltrim "{t}l" 0 3
        r lpop "{t}l"
        r rpop "{t}l"
        r lpop "{t}l" 0
        r rpoplpush "{t}l" "{t}m"
        r lmove "{t}l" "{t}m" left right
        r lmpop 2 "{t}none" "{t}m" left count 10
        assert_equal [list "lpush {t}l" "rpush {t}l" "lpush {t}l" "rpush {t}l" "linsert {t}l" "lset {t}l" \
                          "lrem {t}l" "ltrim {t}l" "lpop {t}l" "rpop {t}l" \
                          "lpush {t}m" "rpop {t}l" "rpush {t}m" "lpop {t}l" "del {t}l" \
                          "lpop {t}m" "del {t}m"] [kevents $rd 17]
        r rpush "{t}l" a b
        r ltrim "{t}l" 5 10
        assert_equal [list "rpush {t}l" "ltrim {t}l" "del {t}l"] [kevents $rd 3]
        $rd close
    }

    test "Keyspace notifications: hash events" {
        r config set notify-keyspace-events Egh
        r flushall
        set rd [event_client]
        r hset "{t}h" a 1 b 2
        r hmset "{t}h" c 3
        r hsetnx "{t}h" a 1
        r hsetnx "{t}h" d 1
        r hincrby "{t}h" a 1
        r hincrbyfloat "{t}h" b 1.5
        r hdel "{t}h" nothere
        r hdel "{t}h" a
        r hdel "{t}h" b c d
        assert_equal [list "hset {t}h" "hset {t}h" "hset {t}h" "hincrby {t}h" "hincrbyfloat {t}h" \
                          "hdel {t}h" "hdel {t}h" "del {t}h"] [kevents $rd 8]
        $rd close
    }

    test "Keyspace notifications: set events" {
        r config set notify-keyspace-events Egs
        r flushall
        set rd [event_client]
        r sadd "{t}s" a b c
        r sadd "{t}s" a
        r srem "{t}s" nothere
        r srem "{t}s" a
        r smove "{t}s" "{t}d" b
        r sadd "{t}x" 1 2 3 4
        r spop "{t}x"
        r spop "{t}x" 0
        r spop "{t}x" 1
        r spop "{t}x" 10
        r sadd "{t}y" c
        r sinterstore "{t}i" "{t}s" "{t}y"
        r sunionstore "{t}u" "{t}s" "{t}d"
        r sdiffstore "{t}f" "{t}s" "{t}none"
        r sinterstore "{t}i" "{t}none" "{t}s"
        r sdiffstore "{t}f" "{t}s" "{t}s"
        r srem "{t}s" c
        assert_equal [list "sadd {t}s" "srem {t}s" "srem {t}s" "sadd {t}d" "sadd {t}x" "spop {t}x" \
                          "spop {t}x" "spop {t}x" "del {t}x" "sadd {t}y" "sinterstore {t}i" \
                          "sunionstore {t}u" "sdiffstore {t}f" "del {t}i" "del {t}f" "srem {t}s" \
                          "del {t}s"] [kevents $rd 17]
        $rd close
    }

    test "Keyspace notifications: zset events" {
        r config set notify-keyspace-events Egz
        r flushall
        set rd [event_client]
        r zadd "{t}z" 1 a 2 b 3 c 4 d 5 e
        r zadd "{t}z" 1 a
        r zadd "{t}z" xx 7 zz
        r zadd "{t}z" ch 10 a
        r zincrby "{t}z" 1 a
        r zadd "{t}z" incr 1 b
        r zrem "{t}z" nothere
        r zrem "{t}z" a
        r zremrangebyscore "{t}z" 100 200
        r zremrangebyscore "{t}z" 4 4
        r zadd "{t}z" 0 aa 0 ab
        r zremrangebylex "{t}z" {[aa} {[aa}
        r zremrangebyrank "{t}z" 0 0
        r zpopmin "{t}z"
        r zpopmax "{t}z"
        r zadd "{t}y" 1 x
        r zunionstore "{t}u" 2 "{t}z" "{t}y"
        r zinterstore "{t}i" 2 "{t}z" "{t}y"
        r zdiffstore "{t}d" 2 "{t}y" "{t}z"
        r zrangestore "{t}r" "{t}y" 0 -1
        r zrangestore "{t}r" "{t}y" 5 6
        r zpopmin "{t}z" 10
        assert_equal [list "zadd {t}z" "zadd {t}z" "zincr {t}z" "zincr {t}z" "zrem {t}z" \
                          "zremrangebyscore {t}z" "zadd {t}z" "zremrangebylex {t}z" "zremrangebyrank {t}z" \
                          "zpopmin {t}z" "zpopmax {t}z" "zadd {t}y" "zunionstore {t}u" \
                          "zdiffstore {t}d" "zrangestore {t}r" "del {t}r" "zpopmin {t}z" "del {t}z"] [kevents $rd 18]
        $rd close
    }

    test "Keyspace notifications: SORT STORE" {
        r config set notify-keyspace-events Egl
        r flushall
        set rd [event_client]
        r rpush "{t}l" 3 1 2
        r sort "{t}l" store "{t}o"
        r sort "{t}none" store "{t}o"
        assert_equal [list "rpush {t}l" "sortstore {t}o" "del {t}o"] [kevents $rd 3]
        $rd close
    }

    test "Keyspace notifications: expired events (triggered expire)" {
        r config set notify-keyspace-events Ex
        r flushall
        set rd [event_client]
        r psetex foo 50 bar
        after 100
        assert_equal {} [r get foo]
        assert_equal {{expired foo}} [kevents $rd 1]
        $rd close
    }

    test "Keyspace notifications: expired events (background expire)" {
        r config set notify-keyspace-events Ex
        r flushall
        set rd [event_client]
        r psetex foo 100 bar
        assert_equal {{expired foo}} [kevents $rd 1]
        $rd close
    }

    test "Keyspace notifications: RANDOMKEY meeting an expired key" {
        r config set notify-keyspace-events Ex
        r flushall
        set rd [event_client]
        r psetex "{t}gone" 20 v
        after 60
        assert_equal {} [r randomkey]
        assert_equal [list "expired {t}gone"] [kevents $rd 1]
        $rd close
    }

    test "Keyspace notifications: keymiss events" {
        r config set notify-keyspace-events Em
        r flushall
        set rd [event_client]
        r get "{t}nokey"
        r set "{t}a" 1
        r get "{t}a"
        r hget "{t}h" f
        r getex "{t}x"
        assert_equal [list "keymiss {t}nokey" "keymiss {t}h" "keymiss {t}x"] [kevents $rd 3]
        $rd close
    }

    test "Keyspace notifications: keys on every shard reach one subscriber" {
        r config set notify-keyspace-events {E$}
        set rd [event_client]
        set expected {}
        for {set i 0} {$i < 200} {incr i} {
            r set key:$i $i
            lappend expected "set key:$i"
        }
        assert_equal [lsort $expected] [lsort [kevents $rd 200]]
        $rd close
    }

    test "Keyspace notifications: subscribers on several connections all get an event" {
        r config set notify-keyspace-events {K$}
        set clients {}
        for {set i 0} {$i < 6} {incr i} { lappend clients [event_client] }
        r set shared 1
        foreach c $clients {
            assert_equal {{__keyspace@0__:shared set}} [events $c 1]
            $c close
        }
        r config set notify-keyspace-events ""
    }

    test "Keyspace notifications: a RESP3 client gets its own events where Redis puts them" {
        # Before the reply for most commands, after it for those Redis
        # writes the reply first (LPUSH, HSET, ZADD, EXPIRE, ...), never
        # inside it, whichever shards the keys live on (single key, split
        # over shards, coordinated). Events of one command on several
        # shards may come in any order among themselves.
        r config set notify-keyspace-events {KA}
        set rd [redis_deferring_client]
        $rd hello 3
        $rd read
        $rd psubscribe {__keyspace@0__:*}
        assert_equal {psubscribe __keyspace@0__:* 1} [$rd read]
        # the next n items: "P key event" for a push, "R reply" otherwise
        proc items {rd n} {
            set out {}
            for {set i 0} {$i < $n} {incr i} {
                set m [$rd read]
                if {[lindex $m 0] eq "pmessage"} {
                    regexp {^__keyspace@0__:(.*)$} [lindex $m 2] -> key
                    lappend out "P $key [lindex $m 3]"
                } else {
                    lappend out [list R $m]
                }
            }
            return $out
        }
        for {set i 0} {$i < 8} {incr i} {
            $rd set own:$i v
            assert_equal [list "P own:$i set" {R OK}] [items $rd 2]
            $rd incr own:n$i
            assert_equal [list "P own:n$i incrby" {R 1}] [items $rd 2]
            $rd rpush own:l$i x
            assert_equal [list {R 1} "P own:l$i rpush"] [items $rd 2]
            $rd hset own:h$i f v
            assert_equal [list {R 1} "P own:h$i hset"] [items $rd 2]
            $rd zadd own:z$i 1 a
            assert_equal [list {R 1} "P own:z$i zadd"] [items $rd 2]
            $rd expire own:$i 100
            assert_equal [list {R 1} "P own:$i expire"] [items $rd 2]
            # an array reply: the events follow it
            $rd lpop own:l$i 5
            assert_equal [list {R x} "P own:l$i lpop" "P own:l$i del"] [items $rd 3]
            $rd spop own:s$i
            assert_equal [list {R {}}] [items $rd 1]
        }
        $rd mset own:0 a own:1 b own:2 c own:3 d own:4 e
        set got [items $rd 6]
        assert_equal {R OK} [lindex $got end]
        assert_equal {{P own:0 set} {P own:1 set} {P own:2 set} {P own:3 set} {P own:4 set}} [lsort [lrange $got 0 end-1]]
        $rd del own:0 own:1 own:2 own:3 own:5
        set got [items $rd 6]
        assert_equal {R 5} [lindex $got end]
        assert_equal {{P own:0 del} {P own:1 del} {P own:2 del} {P own:3 del} {P own:5 del}} [lsort [lrange $got 0 end-1]]
        $rd rename own:6 own:0
        set got [items $rd 3]
        assert_equal {R OK} [lindex $got end]
        assert_equal {{P own:0 rename_to} {P own:6 rename_from}} [lsort [lrange $got 0 end-1]]
        $rd zadd own:zs 1 a
        items $rd 2
        $rd zunionstore own:zu 1 own:zs
        assert_equal {{R 1} {P own:zu zunionstore}} [items $rd 2]
        $rd close
        r config set notify-keyspace-events ""
    }
}
