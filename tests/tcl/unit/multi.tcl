# Transactions: MULTI EXEC DISCARD WATCH UNWATCH, as Redis 7.0 does them:
# +QUEUED, the reply array of EXEC (errors of single commands stay inside
# it), EXECABORT after errors found while queueing, the commands refused
# inside MULTI, blocking commands that do not block inside a transaction,
# RESP3 replies, and WATCH: which writes abort EXEC (null array), which do not,
# expiry of watched keys, FLUSHDB/FLUSHALL/SWAPDB, and how watches are cleared.
#
# Keys tagged {a}, {b} and {c} lie on different shards when redis-shard runs
# with 4 shards (slots 15495, 3300 and 7365); plain key names spread too.

# EXEC on the default client, returning the exact bytes of its reply, so that
# a null array (*-1, aborted by WATCH) and an empty one (*0) differ.
proc tx_exec_raw {} {
    r write [::resp::encode EXEC]
    return [r read_raw]
}

# MULTI, PING, EXEC on the default client: the raw reply of EXEC.
proc tx_ping {} {
    assert_equal OK [r multi]
    assert_equal QUEUED [r ping]
    return [tx_exec_raw]
}

set ::tx_aborted "*-1\r\n"
set ::tx_ran "*1\r\n+PONG\r\n"

# The exact bytes of one reply to `args` on client c.
proc tx_raw {c args} {
    $c write [::resp::encode {*}$args]
    return [$c read_raw]
}

# The list l with its element at index i (a list, KEYS' reply) sorted.
proc lsort-keys-at {i l} {
    return [lreplace $l $i $i [lsort [lindex $l $i]]]
}

start_server {tags {multi}} {

    # ------------------------------------------------------------ basics
    test "MULTI answers OK, commands answer QUEUED, EXEC returns their replies in order" {
        r del k n
        assert_equal OK [r multi]
        assert_equal QUEUED [r set k v]
        assert_equal QUEUED [r get k]
        assert_equal QUEUED [r incr n]
        assert_equal QUEUED [r incrby n 10]
        assert_equal QUEUED [r del k]
        assert_equal {OK v 1 11 1} [r exec]
        assert_equal 0 [r exists k]
        assert_equal 11 [r get n]
    }

    test "Queued commands do not run before EXEC" {
        r del k
        set other [redis_client]
        r multi
        r set k v
        r incr counter:q
        assert_equal 0 [$other exists k counter:q]
        assert_equal {OK 1} [r exec]
        assert_equal v [$other get k]
        $other close
    }

    test "EXEC of an empty transaction is an empty array" {
        assert_equal OK [r multi]
        assert_equal "*0\r\n" [tx_exec_raw]
        # the client is out of the transaction again
        assert_equal PONG [r ping]
    }

    test "DISCARD drops the queued commands and ends the transaction" {
        r del k
        assert_equal OK [r multi]
        assert_equal QUEUED [r set k v]
        assert_equal QUEUED [r incr k2]
        assert_equal OK [r discard]
        assert_equal 0 [r exists k k2]
        assert_equal PONG [r ping]
        assert_error "ERR EXEC without MULTI" {r exec}
    }

    test "EXEC and DISCARD without MULTI are errors" {
        assert_error "ERR EXEC without MULTI" {r exec}
        assert_error "ERR DISCARD without MULTI" {r discard}
        assert_error "ERR wrong number of arguments for 'multi' command" {r multi x}
        # Redis 7.0 words any refused EXEC as an EXECABORT, even outside MULTI
        assert_error "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command" {r exec x}
        assert_error "ERR wrong number of arguments for 'discard' command" {r discard x}
        assert_equal PONG [r ping]
    }

    test "Nested MULTI is an error that leaves the transaction open and runnable" {
        r del k
        r multi
        r set k 1
        assert_error "ERR MULTI calls can not be nested" {r multi}
        assert_equal QUEUED [r incr k]
        assert_equal {OK 2} [r exec]
        assert_equal 2 [r get k]
    }

    test "Reply types inside EXEC, exact RESP2 bytes" {
        r del s l nokey n h
        r set s hello
        r rpush l a bc
        r multi
        r get s
        r get nokey
        r incr n
        r lrange l 0 -1
        r lrange nokey 0 -1
        r lpop nokey 2
        r ping
        r hgetall h
        set expected "*8\r\n\$5\r\nhello\r\n\$-1\r\n:1\r\n*2\r\n\$1\r\na\r\n\$2\r\nbc\r\n*0\r\n*-1\r\n+PONG\r\n*0\r\n"
        assert_equal $expected [tx_exec_raw]
    }

    test "Errors of single commands stay in EXEC's array and the others still run" {
        r del s a l
        r set s notanumber
        r multi
        r set a 1
        r incr s
        r lpush s x
        r incr a
        r set k v extra
        r rpush l x
        set reply [r exec]
        assert_equal 6 [llength $reply]
        assert_equal {OK} [lindex $reply 0]
        assert_equal "ERR value is not an integer or out of range" [lindex $reply 1]
        assert_equal "WRONGTYPE Operation against a key holding the wrong kind of value" [lindex $reply 2]
        assert_equal 2 [lindex $reply 3]
        assert_equal "ERR syntax error" [lindex $reply 4]
        assert_equal 1 [lindex $reply 5]
        assert_equal 2 [r get a]
        assert_equal notanumber [r get s]
        assert_equal {x} [r lrange l 0 -1]
    }

    test "Run-time errors inside EXEC, exact RESP2 bytes" {
        r del s
        r set s str
        r multi
        r incr s
        r lpush s x
        r get s
        assert_equal "*3\r\n-ERR value is not an integer or out of range\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n\$3\r\nstr\r\n" [tx_exec_raw]
    }

    test "An unknown command while queueing makes EXEC fail with EXECABORT, nothing runs" {
        r del k k2
        r multi
        assert_equal QUEUED [r set k 1]
        assert_error "ERR unknown command 'nosuchcommand', with args beginning with: 'a' 'b' " {r nosuchcommand a b}
        # commands after the error are still answered QUEUED
        assert_equal QUEUED [r set k2 2]
        assert_error "EXECABORT Transaction discarded because of previous errors." {r exec}
        assert_equal 0 [r exists k k2]
        # the transaction is over
        assert_error "ERR EXEC without MULTI" {r exec}
        assert_error "ERR DISCARD without MULTI" {r discard}
    }

    test "A wrong number of arguments while queueing makes EXEC fail with EXECABORT" {
        r del k
        r multi
        r set k 1
        assert_error "ERR wrong number of arguments for 'get' command" {r get}
        assert_error "ERR wrong number of arguments for 'set' command" {r set k}
        assert_error "EXECABORT Transaction discarded because of previous errors." {r exec}
        assert_equal 0 [r exists k]
    }

    test "DISCARD after an error while queueing is fine" {
        r multi
        catch {r nosuchcommand}
        assert_equal OK [r discard]
        assert_equal PONG [r ping]
    }

    test "SHUTDOWN is refused inside MULTI and aborts the transaction" {
        # SHUTDOWN, SAVE, SYNC and PSYNC carry the no-multi flag in Redis 7.0.
        # (Should SHUTDOWN be queued instead, the assertion ends the test
        # before EXEC, and the new default client drops the transaction.)
        r del k
        r multi
        r set k 1
        assert_error "ERR Command not allowed inside a transaction" {r shutdown}
        assert_error "EXECABORT Transaction discarded because of previous errors." {r exec}
        assert_equal 0 [r exists k]
    }

    test "WATCH inside MULTI is an error that does not abort the transaction" {
        r del k w
        r multi
        r set k 1
        assert_error "ERR WATCH inside MULTI is not allowed" {r watch w}
        r get k
        assert_equal {OK 1} [r exec]
        # and the key of the refused WATCH is not watched
        r set w changed
        assert_equal $::tx_ran [tx_ping]
    }

    test "UNWATCH inside MULTI is queued like a normal command" {
        r multi
        assert_equal QUEUED [r unwatch]
        assert_equal {OK} [r exec]
    }

    test "RESET inside MULTI runs at once and discards the transaction" {
        r del k
        r multi
        r set k 1
        assert_equal RESET [r reset]
        assert_error "ERR EXEC without MULTI" {r exec}
        assert_equal 0 [r exists k]
    }

    test "SUBSCRIBE inside MULTI is queued and EXEC subscribes (Redis 7.0, RESP2)" {
        set c [redis_client]
        assert_equal OK [$c multi]
        assert_equal QUEUED [$c subscribe ch]
        assert_equal "*1\r\n*3\r\n\$9\r\nsubscribe\r\n\$2\r\nch\r\n:1\r\n" [tx_raw $c exec]
        # the client is now subscribed: only the pub/sub commands are allowed
        assert_error "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context" {$c get k}
        assert_equal 1 [r publish ch hi]
        assert_equal {message ch hi} [$c read]
        $c close
    }

    test "SELECT inside MULTI switches the database of the commands queued after it" {
        r select 0
        r del k
        r select 1
        r del k
        r select 0
        r multi
        r set k db0
        r select 1
        r set k db1
        r get k
        assert_equal {OK OK OK db1} [r exec]
        # the client stays in the database selected by the transaction
        assert_equal db1 [r get k]
        r select 0
        assert_equal db0 [r get k]
        r select 1
        r flushdb
        r select 0
    }

    test "MULTI with commands on keys of several shards" {
        r del x{a} y{b} z{c}
        r multi
        r set x{a} 1
        r incr y{b}
        r rpush z{c} p q
        r get x{a}
        r get y{b}
        r lrange z{c} 0 -1
        r del x{a} y{b}
        assert_equal {OK 1 2 1 1 {p q} 2} [r exec]
        assert_equal 0 [r exists x{a} y{b}]
        assert_equal {p q} [r lrange z{c} 0 -1]
    }

    test "MSET MGET DEL RENAME LMOVE inside MULTI across keys of different shards" {
        r del k{a} k{b} k{c} l{a} l{b} new{c}
        r multi
        r mset k{a} 1 k{b} 2 k{c} 3
        r mget k{a} k{b} k{c} nokey{a}
        r rename k{c} new{c}
        r rename k{b} k{a}
        r mget k{a} k{b} new{c}
        r rpush l{a} x y z
        r lmove l{a} l{b} right left
        r lmove l{a} l{b} left right
        r lrange l{b} 0 -1
        r del k{a} k{b} new{c} l{a}
        set reply [r exec]
        assert_equal {OK {1 2 3 {}} OK OK {2 {} 3} 3 z x {z x} 3} $reply
        assert_equal {z x} [r lrange l{b} 0 -1]
        assert_equal 0 [r exists k{a} k{b} k{c} new{c} l{a}]
    }

    test "Other clients never see half of a transaction over several shards" {
        r del t{a} t{b} t{c}
        r mset t{a} 0 t{b} 0 t{c} 0
        set w [redis_deferring_client]
        set payload ""
        for {set i 1} {$i <= 200} {incr i} {
            append payload [::resp::encode MULTI]
            append payload [::resp::encode SET t{a} $i]
            append payload [::resp::encode SET t{b} $i]
            append payload [::resp::encode SET t{c} $i]
            append payload [::resp::encode EXEC]
        }
        $w write $payload
        set torn 0
        for {set i 0} {$i < 100} {incr i} {
            set vals [r mget t{a} t{b} t{c}]
            if {[llength [lsort -unique $vals]] != 1} { incr torn }
        }
        for {set i 1} {$i <= 200} {incr i} {
            $w read
            $w read
            $w read
            $w read
            assert_equal {OK OK OK} [$w read]
        }
        $w close
        assert_equal 0 $torn
        assert_equal {200 200 200} [r mget t{a} t{b} t{c}]
    }

    test "Blocking commands inside MULTI do not block: empty keys answer nil at once" {
        r del nol nol2 noz dst
        r multi
        r blpop nol 0
        r brpop nol nol2 0
        r blmove nol dst left right 0
        r brpoplpush nol dst 0
        r blmpop 0 2 nol nol2 left
        r bzpopmin noz 0
        r bzpopmax noz 0
        r bzmpop 0 1 noz min
        r wait 0 0
        set start [clock milliseconds]
        set raw [tx_exec_raw]
        assert_lessthan [expr {[clock milliseconds] - $start}] 1000
        # the list forms answer a null array, BLMOVE/BRPOPLPUSH a null bulk
        assert_equal "*9\r\n*-1\r\n*-1\r\n\$-1\r\n\$-1\r\n*-1\r\n*-1\r\n*-1\r\n*-1\r\n:0\r\n" $raw
        assert_equal 0 [r exists dst]
    }

    test "Blocking commands inside MULTI pop at once when there is data" {
        r del l dst z
        r rpush l a b c
        r zadd z 1 one 2 two
        r multi
        r blpop l 0
        r brpoplpush l dst 0
        r blmove l dst left left 0
        r bzpopmax z 0
        r bzpopmin z 0
        r blpop l 0
        assert_equal {{l a} c b {z two 2} {z one 1} {}} [r exec]
        assert_equal {b c} [r lrange dst 0 -1]
    }

    test "Blocking commands inside MULTI check their timeout when EXEC runs them" {
        r multi
        assert_equal QUEUED [r blpop nol -1]
        assert_equal QUEUED [r blpop nol abc]
        assert_equal {{ERR timeout is negative} {ERR timeout is not a float or out of range}} [r exec]
    }

    test "MULTI/EXEC with RESP3 replies" {
        r del s nokey z h
        r set s str
        set c [redis_deferring_client]
        $c hello 3
        $c read
        $c multi
        assert_equal "+OK\r\n" [$c read_raw]
        foreach cmd {
            {get nokey}
            {blpop nokey 0}
            {zadd z 1.5 m}
            {zscore z m}
            {hgetall h}
            {incr s}
            {lrange nokey 0 -1}
        } {
            $c {*}$cmd
            assert_equal "+QUEUED\r\n" [$c read_raw]
        }
        $c exec
        assert_equal "*7\r\n_\r\n_\r\n:1\r\n,1.5\r\n%0\r\n-ERR value is not an integer or out of range\r\n*0\r\n" [$c read_raw]
        $c close
    }

    test "EXECABORT and the WATCH null reply in RESP3" {
        r del k
        set c [redis_deferring_client]
        $c hello 3
        $c read
        $c multi
        $c read
        $c nosuchcommand
        catch {$c read}
        $c exec
        assert_equal "-EXECABORT Transaction discarded because of previous errors.\r\n" [$c read_raw]
        $c watch k
        $c read
        r set k changed
        $c multi
        $c read
        $c get k
        $c read
        $c exec
        assert_equal "_\r\n" [$c read_raw]
        $c close
    }

    test "Pipelined transactions from one client get their replies in order" {
        r del p
        set c [redis_deferring_client]
        set payload ""
        append payload [::resp::encode MULTI] [::resp::encode INCR p] [::resp::encode INCR p] [::resp::encode EXEC]
        append payload [::resp::encode GET p]
        append payload [::resp::encode MULTI] [::resp::encode INCR p] [::resp::encode DISCARD]
        append payload [::resp::encode MULTI] [::resp::encode GET p] [::resp::encode EXEC]
        $c write $payload
        set replies {}
        for {set i 0} {$i < 11} {incr i} { lappend replies [$c read] }
        assert_equal {OK QUEUED QUEUED {1 2} 2 OK QUEUED OK OK QUEUED 2} $replies
        $c close
    }

    test "INFO commandstats counts MULTI, EXEC and the commands they ran" {
        r config resetstat
        r multi
        r set k 1
        r incr k
        r exec
        set info [r info commandstats]
        assert_match "*cmdstat_multi:calls=1,*" $info
        assert_match "*cmdstat_exec:calls=1,*" $info
        assert_match "*cmdstat_set:calls=1,*" $info
        assert_match "*cmdstat_incr:calls=1,*" $info
        # an EXECABORT counts as a failed EXEC and an EXECABORT error
        r multi
        catch {r nosuchcommand}
        catch {r exec}
        assert_match "*cmdstat_exec:calls=2,*failed_calls=1*" [r info commandstats]
        assert_match "*errorstat_EXECABORT:count=1*" [r info errorstats]
    }
}

start_server {tags {multi watch}} {

    test "EXEC fails with a null array when another client modified a watched key" {
        set o [redis_client]
        r set k 1
        assert_equal OK [r watch k]
        $o set k 2
        r multi
        r get k
        r set k 3
        assert_equal $::tx_aborted [tx_exec_raw]
        # nothing of the transaction ran
        assert_equal 2 [r get k]
        $o close
    }

    test "EXEC runs when the watched keys were not touched, even if read by others" {
        set o [redis_client]
        r set k 1
        r watch k
        $o get k
        $o exists k
        $o ttl k
        $o type k
        $o set other x
        r multi
        r get k
        assert_equal "*1\r\n\$1\r\n1\r\n" [tx_exec_raw]
        $o close
    }

    test "WATCH of a missing key that stays missing: EXEC runs" {
        r del nk
        r watch nk
        r multi
        r get nk
        assert_equal "*1\r\n\$-1\r\n" [tx_exec_raw]
    }

    test "WATCH of a missing key that another client creates: EXEC fails" {
        set o [redis_client]
        r del nk
        r watch nk
        $o set nk 1
        assert_equal $::tx_aborted [tx_ping]
        $o close
    }

    test "Each kind of write to a watched key aborts the transaction" {
        set o [redis_client]
        # {setup, write by the other client}
        set cases {
            {{set k 1} {set k 2}}
            {{set k 1} {set k 1}}
            {{set k 1} {del k}}
            {{set k 1} {incr k}}
            {{set k 1} {incrby k 0}}
            {{set k 1} {getset k 1}}
            {{set k 1} {set k 1 xx}}
            {{set k 1} {append k x}}
            {{del k} {lpush k a}}
            {{del k} {rpush k a}}
            {{rpush k a b} {lpop k}}
            {{rpush k a b} {lset k 0 z}}
            {{set k 1} {expire k 100}}
            {{set k 1 ex 100} {persist k}}
            {{set k 1} {pexpire k 100000}}
            {{del k} {setnx k 1}}
            {{del k} {hset k f v}}
            {{del k} {sadd k m}}
            {{del k} {zadd k 1 m}}
            {{set k 1; set src 2} {rename src k}}
            {{set k 1} {rename k dst}}
            {{set k 1} {move k 1}}
            {{set src 1} {copy src k replace}}
            {{set k 1} {unlink k}}
        }
        foreach case $cases {
            lassign $case setup write
            r select 1
            r flushdb
            r select 0
            r del k src dst
            foreach cmd [split $setup ";"] { r {*}[string trim $cmd] }
            r watch k
            $o {*}$write
            assert_equal $::tx_aborted [tx_ping] "after '$write'"
        }
        r select 1
        r flushdb
        r select 0
        $o close
    }

    test "Writes that change nothing do not abort the transaction" {
        set o [redis_client]
        set cases {
            {{set k 1} {setnx k 2}}
            {{set k 1} {persist k}}
            {{set k 1} {lpush k x}}
            {{del k} {expire k 100}}
            {{del k} {del k}}
            {{del k} {persist k}}
            {{del k} {set k 1 xx}}
            {{del k} {lpop k}}
            {{del k} {rename nokey k}}
            {{set k 1} {set k 2 nx}}
        }
        foreach case $cases {
            lassign $case setup write
            r del k
            r {*}$setup
            r watch k
            catch {$o {*}$write}
            assert_equal $::tx_ran [tx_ping] "after '$write'"
        }
        $o close
    }

    test "The client's own writes between WATCH and MULTI abort its transaction" {
        r set k 1
        r watch k
        r set k 2
        assert_equal $::tx_aborted [tx_ping]
        assert_equal 2 [r get k]
    }

    test "Writes to a watched key inside the transaction itself do not abort it" {
        r set k 1
        r watch k
        r multi
        r set k 2
        r incr k
        assert_equal "*2\r\n+OK\r\n:3\r\n" [tx_exec_raw]
    }

    test "WATCH over keys of several shards: a write to any of them aborts" {
        set o [redis_client]
        r mset w{a} 1 w{b} 2
        r del w{c}
        r watch w{a} w{b}
        r watch w{c}
        $o set w{c} 3
        assert_equal $::tx_aborted [tx_ping]
        r watch w{a} w{b} w{c}
        $o incr w{b}
        assert_equal $::tx_aborted [tx_ping]
        # untouched: the transaction on all three shards runs
        r watch w{a} w{b} w{c}
        r multi
        r incr w{a}
        r incr w{b}
        r incr w{c}
        assert_equal "*3\r\n:2\r\n:4\r\n:4\r\n" [tx_exec_raw]
        $o close
    }

    test "WATCH needs a key" {
        assert_error "ERR wrong number of arguments for 'watch' command" {r watch}
        assert_error "ERR wrong number of arguments for 'unwatch' command" {r unwatch x}
    }

    test "UNWATCH forgets the watched keys" {
        set o [redis_client]
        r set k 1
        r watch k
        assert_equal OK [r unwatch]
        $o set k 2
        assert_equal $::tx_ran [tx_ping]
        # UNWATCH without watched keys is fine too
        assert_equal OK [r unwatch]
        $o close
    }

    test "EXEC forgets the watched keys, also when it failed" {
        set o [redis_client]
        r set k 1
        r watch k
        $o set k 2
        assert_equal $::tx_aborted [tx_ping]
        $o set k 3
        assert_equal $::tx_ran [tx_ping]
        # a successful EXEC forgets them too
        r watch k
        assert_equal $::tx_ran [tx_ping]
        $o set k 4
        assert_equal $::tx_ran [tx_ping]
        $o close
    }

    test "DISCARD forgets the watched keys" {
        set o [redis_client]
        r set k 1
        r watch k
        r multi
        r ping
        assert_equal OK [r discard]
        $o set k 2
        assert_equal $::tx_ran [tx_ping]
        $o close
    }

    test "EXECABORT forgets the watched keys" {
        set o [redis_client]
        r set k 1
        r watch k
        r multi
        catch {r nosuchcommand}
        assert_error "EXECABORT*" {r exec}
        $o set k 2
        assert_equal $::tx_ran [tx_ping]
        $o close
    }

    test "EXEC without MULTI keeps the watched keys" {
        set o [redis_client]
        r set k 1
        r watch k
        assert_error "ERR EXEC without MULTI" {r exec}
        $o set k 2
        assert_equal $::tx_aborted [tx_ping]
        $o close
    }

    test "RESET forgets the watched keys" {
        set o [redis_client]
        r set k 1
        r watch k
        assert_equal RESET [r reset]
        $o set k 2
        assert_equal $::tx_ran [tx_ping]
        $o close
    }

    test "A watched key that expires before EXEC makes EXEC fail" {
        r del k
        r set k v px 100
        r watch k
        after 250
        assert_equal $::tx_aborted [tx_ping]
        # also when the expired key was already seen missing by a read
        r set k v px 100
        r watch k
        after 250
        assert_equal {} [r get k]
        assert_equal $::tx_aborted [tx_ping]
    }

    test "A key that had already expired when WATCHed counts as missing: EXEC runs" {
        set o [redis_client]
        r del k
        r set k v px 1
        after 50
        r watch k
        # it is deleted (lazily or by the active expiry) while watched
        $o get k
        after 100
        assert_equal $::tx_ran [tx_ping]
        # but creating it again does abort
        r set k v px 1
        after 50
        r watch k
        $o set k new
        assert_equal $::tx_aborted [tx_ping]
        $o close
    }

    test "A watched key with a TTL that does not run out: EXEC runs" {
        r set k v ex 100
        r watch k
        assert_equal $::tx_ran [tx_ping]
    }

    test "FLUSHDB and FLUSHALL abort transactions watching a key that existed" {
        set o [redis_client]
        r set k 1
        r watch k
        $o flushdb
        assert_equal $::tx_aborted [tx_ping]
        r set k 1
        r watch k
        $o flushall
        assert_equal $::tx_aborted [tx_ping]
        $o close
    }

    test "FLUSHDB and FLUSHALL do not abort a transaction watching a missing key (Redis 7.0)" {
        set o [redis_client]
        r set other 1
        r del k
        r watch k
        $o flushdb
        assert_equal $::tx_ran [tx_ping]
        r set other 1
        r watch k
        $o flushall
        assert_equal $::tx_ran [tx_ping]
        $o close
    }

    test "SWAPDB aborts a transaction watching a key present in either database" {
        set o [redis_client]
        r flushall
        r set k 1
        r watch k
        $o swapdb 0 1
        assert_equal $::tx_aborted [tx_ping]
        # now k is in db 1 only: watching the missing k of db 0
        r watch k
        $o swapdb 0 1
        assert_equal $::tx_aborted [tx_ping]
        # missing in both databases: no abort
        r flushall
        r watch k
        $o swapdb 0 1
        assert_equal $::tx_ran [tx_ping]
        $o close
    }

    test "A write to the same key name in another database does not abort" {
        set o [redis_client]
        r flushall
        r set k 1
        r watch k
        $o select 1
        $o set k 2
        $o del k
        assert_equal $::tx_ran [tx_ping]
        $o close
    }

    # ------------------------------------------- server-wide commands
    test "EXEC with server-wide commands runs its body in order over every shard" {
        r flushall
        r multi
        r mset x{a} 1 x{b} 2 x{c} 3
        r dbsize
        r rename x{a} y{b}
        r get y{b}
        r del x{c}
        r dbsize
        r keys *
        r flushdb
        r dbsize
        r set z{c} 1
        r exists x{a} x{b} y{b} z{c}
        assert_equal {OK 3 OK 1 1 2 {x{b} y{b}} OK 0 OK 1} [lsort-keys-at 6 [r exec]]
        assert_equal 1 [r dbsize]
        r flushall
    }

    test "Blocking commands in an EXEC with a server-wide command answer at once" {
        r flushall
        r multi
        r blpop x{a} y{b} 0
        r blmove x{a} y{b} left right 0
        r brpop x{c} 0
        r bzpopmin z{a} z{b} 0
        r dbsize
        r rpush x{a} 1
        r blmove x{a} y{b} left right 0
        r blpop y{b} x{c} 0
        assert_equal {{} {} {} {} 0 1 1 {y{b} 1}} [r exec]
        assert_equal 0 [r dbsize]
    }

    test "WATCH of a key on any shard aborts an EXEC with a server-wide command" {
        set o [redis_client]
        r flushall
        foreach k {k{a} k{b} k{c}} {
            r set $k 1
            r watch k{a} k{b} k{c}
            $o set $k 2
            r multi
            r dbsize
            assert_equal $::tx_aborted [tx_exec_raw]
        }
        # untouched: it runs, and the watches are gone afterwards
        r watch k{a} k{b} k{c}
        r multi
        r dbsize
        assert_equal "*1\r\n:3\r\n" [tx_exec_raw]
        $o set k{b} 3
        r multi
        r dbsize
        assert_equal "*1\r\n:3\r\n" [tx_exec_raw]
        $o close
        r flushall
    }

    test "WATCH is bound to the database selected when it ran" {
        set o [redis_client]
        r flushall
        r set k 1
        r watch k
        r select 1
        $o set k 2
        r multi
        r get k
        assert_equal $::tx_aborted [tx_exec_raw]
        # the other way round: a write in db 1 to the name watched in db 0
        r select 0
        r watch k
        r select 1
        r set k x
        assert_equal $::tx_ran [tx_ping]
        r flushdb
        r select 0
        $o close
    }
}

start_server {tags {multi} overrides {maxmemory 1 maxmemory-policy noeviction}} {
    test "Out of memory, MULTI queues nothing, not even a read, and EXEC aborts" {
        r multi
        assert_error "OOM *" {r set k v}
        assert_error "OOM *" {r get k}
        assert_error "EXECABORT Transaction discarded because of previous errors." {r exec}
        # outside MULTI a read still runs
        assert_equal {} [r get k]
    }
}
