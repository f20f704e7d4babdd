# Persistence: SAVE, BGSAVE, LASTSAVE, INFO persistence, saving at exit
# (SHUTDOWN SAVE/NOSAVE, save points, SIGTERM), loading dump.rdb at start
# (every type, database 3, TTLs, expired keys, keys on every shard), damaged
# files, and a dump.rdb written by redis-server 7.0.15 itself. `--redis`
# runs this file against redis-server 7.0.15.

# The bytes of a file ("" when it is missing).
proc p_read_file {path} {
    if {[catch {open $path rb} fd]} { return "" }
    set data [read $fd]
    close $fd
    return $data
}

proc p_write_file {path data} {
    set fd [open $path wb]
    puts -nonewline $fd $data
    close $fd
}

proc p_info {field} { info_field [r info persistence] $field }

# Fill a server with values of every type; `cmd` is a client command
# prefix (r, or a client made by ::resp::connect).
proc p_fill {cmd} {
    {*}$cmd flushall
    # strings: int, embstr, raw, binary
    {*}$cmd set str:int 12345
    {*}$cmd set str:neg -987654321
    {*}$cmd set str:embstr "hello world"
    {*}$cmd set str:raw [string repeat "abcdefghij" 10]
    {*}$cmd set str:float 3.25
    {*}$cmd write [resp_encode_bytes set str:bin "a\x00b\xff\r\n\x01zz\x80\x7f"]
    {*}$cmd read
    {*}$cmd setrange str:zeros 60 x
    # lists
    {*}$cmd rpush list:small a 1 b 2 -3 "c d"
    set items {}
    for {set i 0} {$i < 1000} {incr i} { lappend items "item-$i" }
    {*}$cmd rpush list:big {*}$items
    # sets: intset and hash tables
    {*}$cmd sadd set:int 1 2 3 -4 100000 7
    {*}$cmd sadd set:str a b c "d e"
    set ints {}
    for {set i 0} {$i < 600} {incr i} { lappend ints [expr {$i * 3}] }
    {*}$cmd sadd set:bigint {*}$ints
    # hashes: listpack and hash table
    {*}$cmd hset hash:small f1 v1 f2 2 f3 "" f4 [string repeat z 30]
    set fv {}
    for {set i 0} {$i < 600} {incr i} { lappend fv "field-$i" "value-$i" }
    {*}$cmd hset hash:big {*}$fv
    # sorted sets: listpack and skiplist
    {*}$cmd zadd zset:small 1 a 2.5 b -3 c inf d -inf e
    set sm {}
    for {set i 0} {$i < 300} {incr i} { lappend sm [expr {$i * 0.5 - 20}] "member-$i" }
    {*}$cmd zadd zset:big {*}$sm
    # a stream with a deleted entry, two groups, consumers, pending entries
    for {set i 1} {$i <= 10} {incr i} {
        {*}$cmd xadd stream 1-$i field $i name "entry $i"
    }
    {*}$cmd xdel stream 1-5
    {*}$cmd xgroup create stream g1 0
    {*}$cmd xreadgroup group g1 alice count 3 streams stream >
    {*}$cmd xreadgroup group g1 bob count 3 streams stream >
    {*}$cmd xack stream g1 1-2
    {*}$cmd xclaim stream g1 bob 0 1-1
    {*}$cmd xgroup create stream g2 1-8
    {*}$cmd xgroup createconsumer stream g2 carol
    {*}$cmd xreadgroup group g2 dave count 1 streams stream >
    # keys with a TTL
    {*}$cmd set ttl:str v px 100000
    {*}$cmd rpush ttl:list a b c
    {*}$cmd pexpire ttl:list 200000
    # database 3
    {*}$cmd select 3
    {*}$cmd set db3:str three
    {*}$cmd sadd db3:set x y z
    {*}$cmd zadd db3:zset 1 one 2 two
    {*}$cmd select 0
}

set ::p_keys {str:int str:neg str:embstr str:raw str:float str:bin str:zeros
    list:small list:big set:int set:str set:bigint hash:small hash:big
    zset:small zset:big stream ttl:str ttl:list}
set ::p_db3_keys {db3:str db3:set db3:zset}

# Type, encoding and value of a key, in a form that compares equal
# whatever the server's order.
proc p_value {cmd key} {
    set type [{*}$cmd type $key]
    set enc [{*}$cmd object encoding $key]
    switch -- $type {
        string {
            {*}$cmd write [resp_encode_bytes get $key]
            set v [binary encode hex [{*}$cmd read]]
        }
        list { set v [{*}$cmd lrange $key 0 -1] }
        set  { set v [lsort [{*}$cmd smembers $key]] }
        hash { set v [lsort -stride 2 -index 0 [{*}$cmd hgetall $key]] }
        zset { set v [{*}$cmd zrange $key 0 -1 withscores] }
        stream {
            set v [list [{*}$cmd xrange $key - +]]
            set st [{*}$cmd xinfo stream $key]
            foreach f {length last-generated-id max-deleted-entry-id entries-added recorded-first-entry-id} {
                lappend v $f [dict get $st $f]
            }
            set groups [{*}$cmd xinfo groups $key]
            lappend v $groups
            foreach g $groups {
                set gname [dict get $g name]
                lappend v [{*}$cmd xpending $key $gname]
                # id, consumer, deliveries (not the idle time)
                set pel {}
                foreach e [{*}$cmd xpending $key $gname - + 100] {
                    lappend pel [lindex $e 0] [lindex $e 1] [lindex $e 3]
                }
                lappend v $pel
                set cons {}
                foreach c [{*}$cmd xinfo consumers $key $gname] {
                    lappend cons [dict get $c name] [dict get $c pending]
                }
                lappend v $cons
            }
        }
        default { set v "" }
    }
    return [list $type $enc $v]
}

proc p_digest {cmd keys} {
    set out {}
    foreach k $keys { lappend out $k [p_value $cmd $k] }
    return $out
}

# Compare two digests key by key (a readable failure names the key).
proc p_assert_digest {want got} {
    foreach {k v} $want {
        assert_equal $v [dict get $got $k] "key $k"
    }
}

# Start a server on `dir` (save ""), run `script` with `c` a client to
# it, stop it; returns what the script returns.
proc p_with_server {dir script} {
    set s [spawn_server [list dir $dir]]
    set pid [dict get $s pid]
    try {
        set c [::resp::connect 127.0.0.1 [dict get $s port] 0]
        try {
            return [apply [list {c} $script] $c]
        } finally {
            catch {$c close}
        }
    } finally {
        kill_pid $pid
        set idx [lsearch -exact $::all_pids $pid]
        if {$idx >= 0} { set ::all_pids [lreplace $::all_pids $idx $idx] }
    }
}

# Ask the server under test to SHUTDOWN with `args`; wait until it exited.
proc p_shutdown {args} {
    expect_server_exit
    set c [redis_deferring_client]
    $c shutdown {*}$args
    assert_equal 1 [$c closed 10000]
    $c close
    wait_for_condition 200 50 {![server_is_alive]} else {
        fail "server still running after SHUTDOWN $args"
    }
}

start_server {tags {persist}} {
    test "SAVE writes dump.rdb; LASTSAVE and rdb_changes_since_last_save" {
        r flushall
        set before [clock seconds]
        r set k v
        assert_morethan [p_info rdb_changes_since_last_save] 0
        assert_equal OK [r save]
        assert_equal 0 [p_info rdb_changes_since_last_save]
        set f [file join [srv dir] dump.rdb]
        assert {[file exists $f]}
        assert_equal REDIS0010 [string range [p_read_file $f] 0 8]
        assert_range [r lastsave] $before [expr {[clock seconds] + 1}]
        assert_equal [r lastsave] [p_info rdb_last_save_time]
        r set k v2
        r incr n
        r incr n
        assert_equal 3 [p_info rdb_changes_since_last_save]
        r save
        assert_equal 0 [p_info rdb_changes_since_last_save]
    }

    test "SAVE of values of every type, database 3, TTLs, 1000 keys" {
        p_fill r
        set many {}
        for {set i 0} {$i < 1000} {incr i} { lappend many many:$i "value-$i" }
        r mset {*}$many
        # expires before the next server loads the file
        r set p:gone v px 300
        set ::p_saved [p_digest r $::p_keys]
        r select 3
        set ::p_saved_db3 [p_digest r $::p_db3_keys]
        r select 0
        assert_equal OK [r save]
        assert_morethan [string first p:gone [p_read_file [file join [srv dir] dump.rdb]]] 0
        after 400
    }

    start_server [list tags {persist} overrides [list dir [srv dir]]] {
        test "a new server on the same dir has every value, type and encoding" {
            assert_equal 1019 [r dbsize]
            p_assert_digest $::p_saved [p_digest r $::p_keys]
        }

        test "the stream keeps its groups, consumers and pending entries" {
            set st [lindex [dict get $::p_saved stream] 2]
            assert_equal $st [lindex [p_value r stream] 2]
            assert_equal {5 1-1 1-7 {{alice 1} {bob 4}}} [r xpending stream g1]
            assert_equal {1 1-9 1-9 {{dave 1}}} [r xpending stream g2]
            # the group goes on where it was
            assert_equal {{stream {{1-8 {field 8 name {entry 8}}}}}} \
                [r xreadgroup group g1 alice count 1 streams stream >]
        }

        test "keys of database 3 are loaded into database 3" {
            r select 3
            assert_equal 3 [r dbsize]
            p_assert_digest $::p_saved_db3 [p_digest r $::p_db3_keys]
            r select 0
            assert_equal {} [r get db3:str]
        }

        test "keys with a TTL keep it; an expired key is not loaded" {
            assert_range [r pttl ttl:str] 1 100000
            assert_range [r pttl ttl:list] 100001 200000
            assert_equal -1 [r pttl str:int]
            assert_equal 0 [r exists p:gone]
            assert_equal 1 [p_info rdb_last_load_keys_expired]
            assert_equal 1022 [p_info rdb_last_load_keys_loaded]
        }

        test "1000 keys over every shard are loaded" {
            set keys {}
            set want {}
            for {set i 0} {$i < 1000} {incr i} { lappend keys many:$i; lappend want "value-$i" }
            assert_equal $want [r mget {*}$keys]
        }
    }

    test "BGSAVE: reply, INFO persistence while and after it, LASTSAVE" {
        r flushall
        r set bg:k bgvalue
        r rpush bg:l a b c
        assert_morethan [p_info rdb_changes_since_last_save] 0
        set saves [p_info rdb_saves]
        set before [clock seconds]
        assert_equal "Background saving started" [r bgsave]
        wait_for_condition 100 50 {[p_info rdb_bgsave_in_progress] == 0} else {
            fail "BGSAVE still in progress"
        }
        assert_equal ok [p_info rdb_last_bgsave_status]
        assert_equal [expr {$saves + 1}] [p_info rdb_saves]
        assert_range [p_info rdb_last_bgsave_time_sec] 0 5
        assert_equal -1 [p_info rdb_current_bgsave_time_sec]
        assert {[string is integer -strict [p_info rdb_last_cow_size]]}
        assert_range [r lastsave] $before [expr {[clock seconds] + 1}]
        assert_equal 0 [p_info rdb_changes_since_last_save]
        set got [p_with_server [srv dir] {
            list [$c dbsize] [$c get bg:k] [$c lrange bg:l 0 -1]
        }]
        assert_equal {2 bgvalue {a b c}} $got
    }

    test "CONFIG GET save / dbfilename / dir; CONFIG SET save round trips" {
        assert_equal {save {}} [r config get save]
        assert_equal {dbfilename dump.rdb} [r config get dbfilename]
        assert_equal [list dir [file normalize [srv dir]]] [r config get dir]
        assert_equal OK [r config set save "900 1 300 10"]
        assert_equal {save {900 1 300 10}} [r config get save]
        assert_equal OK [r config set save ""]
        assert_equal {save {}} [r config get save]
        assert_error "*can't set protected config*" {r config set dbfilename other.rdb}
    }
}

# BGSAVE is one point in time. The server keeps serving while the file is
# written (redis-server: in a forked child; redis-shard: each shard saves
# its keys in slices and saves a key before it changes). Writes that come
# after the BGSAVE (overwrites, deletes, TTLs, a FLUSHDB, transfers) are not
# in the file; transfers between accounts on every shard, sent by another
# client while the BGSAVE comes, are in it entirely or not at all.
proc p_bg_sum {cmd n} {
    set keys {}
    for {set i 0} {$i < $n} {incr i} { lappend keys acct:$i }
    set sum 0
    foreach v [{*}$cmd mget {*}$keys] { incr sum $v }
    return $sum
}

start_server {tags {persist}} {
    test "BGSAVE is one point in time: later writes are not in the file, transfers are whole" {
        r flushall
        set n 40000
        for {set i 0} {$i < $n} {incr i 1000} {
            set kv {}
            for {set j $i} {$j < $i + 1000} {incr j} { lappend kv f:$j v:$j }
            r mset {*}$kv
        }
        for {set i 0} {$i < 500} {incr i} {
            r rpush l:$i a b c
            r hset h:$i f $i g x
            r zadd z:$i 1 a 2 b
        }
        set accts 64
        for {set i 0} {$i < $accts} {incr i} { r set acct:$i 1000 }
        r select 2
        for {set i 0} {$i < 2000} {incr i} { r set d2:$i $i }
        r select 0
        set size0 [r dbsize]

        # client t: a stream of transfers (MULTI/EXEC over two accounts)
        set t [redis_deferring_client]
        set tp ""
        set ntx 3000
        expr {srand(7)}
        for {set k 0} {$k < $ntx} {incr k} {
            set a [expr {int(rand() * $accts)}]
            set b [expr {($a + 1 + int(rand() * ($accts - 1))) % $accts}]
            set m [expr {1 + int(rand() * 9)}]
            append tp [::resp::encode multi] [::resp::encode decrby acct:$a $m] \
                [::resp::encode incrby acct:$b $m] [::resp::encode exec]
        }
        # client w: BGSAVE, then in the same write what must not be saved
        set w [redis_deferring_client]
        set wp [::resp::encode bgsave]
        set nw 1
        for {set i 0} {$i < $n} {incr i 7} { append wp [::resp::encode set f:$i changed]; incr nw }
        for {set i 3} {$i < $n} {incr i 11} { append wp [::resp::encode del f:$i]; incr nw }
        for {set i 5} {$i < $n} {incr i 13} { append wp [::resp::encode pexpire f:$i 1]; incr nw }
        for {set i 0} {$i < 500} {incr i} {
            append wp [::resp::encode lpush l:$i new] [::resp::encode hdel h:$i f] \
                [::resp::encode zincrby z:$i 5 a]
            incr nw 3
        }
        append wp [::resp::encode set new:key 1] [::resp::encode select 2] [::resp::encode flushdb] \
            [::resp::encode select 0]
        incr nw 4
        $t write $tp
        $w write $wp
        assert_equal "Background saving started" [$w read]
        for {set i 1} {$i < $nw} {incr i} { $w read }
        for {set i 0} {$i < $ntx * 4} {incr i} { $t read }
        $t close
        $w close
        wait_for_condition 200 50 {[p_info rdb_bgsave_in_progress] == 0} else {
            fail "BGSAVE still in progress"
        }
        assert_equal ok [p_info rdb_last_bgsave_status]
        assert_equal [expr {$accts * 1000}] [p_bg_sum r $accts]
        assert_equal changed [r get f:7]

        set got [p_with_server [srv dir] {
            set ::p_bg_accts [$c mget acct:0 acct:1 acct:2 acct:3]
            set out [list [$c dbsize] [p_bg_sum $c 64] [$c get f:7] [$c get f:3] [$c pttl f:5] \
                [$c lrange l:9 0 -1] [$c hgetall h:9] [$c zscore z:9 a] [$c exists new:key]]
            set bad 0
            for {set i 0} {$i < 40000} {incr i 97} {
                if {[$c get f:$i] ne "v:$i"} { incr bad }
            }
            $c select 2
            lappend out [$c dbsize] [$c get d2:1999] $bad
        }]
        assert_equal [list $size0 [expr {$accts * 1000}] v:7 v:3 -1 {a b c} {f 9 g x} 1 0 2000 1999 0] $got
        puts "    (saved accounts 0-3: $::p_bg_accts; now: [r mget acct:0 acct:1 acct:2 acct:3])"
    }
}

start_server {tags {persist}} {
    test "DEBUG POPULATE makes key:N = value:N on every shard, skipping keys that exist" {
        r flushall
        r set key:5 mine
        assert_equal OK [r debug populate 1000]
        assert_equal 1000 [r dbsize]
        assert_equal value:7 [r get key:7]
        assert_equal value:999 [r get key:999]
        assert_equal mine [r get key:5]
        assert_equal OK [r debug populate 3 p 9]
        assert_equal "value:2\x00\x00" [r get p:2]
        assert_equal OK [r debug populate 3 q 4]
        assert_equal valu [r get q:0]
        assert_equal OK [r debug populate 2 z 0]
        assert_equal value:1 [r get z:1]
        assert_error "*out of range, must be positive*" {r debug populate -1}
        assert_error "*out of range, must be positive*" {r debug populate x}
        assert_error "*wrong number of arguments for 'populate'*" {r debug populate}
    }

    test "DEBUG RELOAD saves dump.rdb and loads it back: values, encodings, TTLs, databases" {
        r flushall
        p_fill r
        set before [p_digest r $::p_keys]
        r select 3
        set before3 [p_digest r $::p_db3_keys]
        r select 0
        set saves [p_info rdb_saves]
        assert_equal OK [r debug reload]
        p_assert_digest $before [p_digest r $::p_keys]
        r select 3
        p_assert_digest $before3 [p_digest r $::p_db3_keys]
        r select 0
        assert_range [r pttl ttl:str] 1 100000
        # (DEBUG RELOAD is not counted in rdb_saves, as in Redis)
        assert_equal $saves [p_info rdb_saves]
        assert_equal 0 [p_info rdb_changes_since_last_save]
        assert_equal REDIS0010 [string range [p_read_file [file join [srv dir] dump.rdb]] 0 8]
        assert_error "*only supports the MERGE, NOFLUSH and NOSAVE options*" {r debug reload foo}
    }
}

start_server {tags {persist} overrides {save "1 2"}} {
    test "a save point starts a BGSAVE once it has enough changes and time" {
        set saves [p_info rdb_saves]
        r set sp:a 1
        after 2200
        # one change: the point wants two
        assert_equal $saves [p_info rdb_saves]
        assert_equal 1 [p_info rdb_changes_since_last_save]
        r set sp:b 2
        wait_for_condition 50 100 {[p_info rdb_saves] > $saves} else {
            fail "the save point did not save"
        }
        wait_for_condition 50 100 {[p_info rdb_bgsave_in_progress] == 0} else {
            fail "BGSAVE still in progress"
        }
        assert_equal ok [p_info rdb_last_bgsave_status]
        assert_equal 0 [p_info rdb_changes_since_last_save]
        # whatever started it is no client of ours
        assert_equal 1 [llength [split [string trim [r client list]] "\n"]]
        assert_equal 1 [info_field [r info clients] connected_clients]
        set got [p_with_server [srv dir] { $c mget sp:a sp:b }]
        assert_equal {1 2} $got
    }
}

start_server {tags {persist} overrides {save "3600 1"}} {
    test "stop-writes-on-bgsave-error: MISCONF after a failed BGSAVE, until one succeeds" {
        set blocker [file join [srv dir] dump.rdb]
        file delete -force $blocker
        file mkdir $blocker ;# the rename over it fails
        r set m:k 1
        assert_equal "Background saving started" [r bgsave]
        wait_for_condition 100 50 {[p_info rdb_bgsave_in_progress] == 0} else {
            fail "BGSAVE still in progress"
        }
        assert_equal err [p_info rdb_last_bgsave_status]
        assert_error "MISCONF *stop-writes-on-bgsave-error*" {r set m:k 2}
        assert_error "MISCONF *" {r ping}
        assert_equal 1 [r get m:k]
        r config set stop-writes-on-bgsave-error no
        assert_equal OK [r set m:k 3]
        r config set stop-writes-on-bgsave-error yes
        file delete -force $blocker
        assert_equal "Background saving started" [r bgsave]
        wait_for_condition 100 50 {[p_info rdb_bgsave_in_progress] == 0} else {
            fail "BGSAVE still in progress"
        }
        assert_equal ok [p_info rdb_last_bgsave_status]
        assert_equal OK [r set m:k 4]
    }

    test "FLUSHALL with save points saves the empty dataset" {
        set f [file join [srv dir] dump.rdb]
        file delete -force $f
        r set m:k 5
        assert_equal OK [r flushall]
        assert {[file exists $f]}
        set got [p_with_server [srv dir] { $c dbsize }]
        assert_equal 0 $got
    }
}

start_server {tags {persist}} {
    test "function libraries are saved and loaded with the data" {
        r function flush
        r function load "#!lua name=plib\nredis.register_function('p_hello', function(keys, args) return 'hi ' .. args\[1\] end)"
        r set fk fv
        assert_equal OK [r save]
        set got [p_with_server [srv dir] {
            list [$c fcall p_hello 0 there] [$c get fk] [lindex [$c function list] 0 1]
        }]
        assert_equal {{hi there} fv plib} $got
    }
}

start_server {tags {persist} overrides {enable-protected-configs yes}} {
    test "CONFIG SET dbfilename then SAVE writes that file" {
        assert_equal OK [r config set dbfilename other.rdb]
        assert_equal {dbfilename other.rdb} [r config get dbfilename]
        r set k other
        assert_equal OK [r save]
        assert {[file exists [file join [srv dir] other.rdb]]}
        assert {![file exists [file join [srv dir] dump.rdb]]}
        set got [p_with_server [srv dir] {
            list [$c config get dbfilename] [$c dbsize]
        }]
        # the other server reads dump.rdb: nothing there
        assert_equal {{dbfilename dump.rdb} 0} $got
    }
}

start_server {tags {persist}} {
    test "SHUTDOWN SAVE writes dump.rdb even with save \"\"" {
        r set k saved-at-shutdown
        r select 3
        r set k3 three
        assert {![file exists [file join [srv dir] dump.rdb]]}
        p_shutdown save
        set got [p_with_server [srv dir] {
            list [$c get k] [$c select 3] [$c get k3]
        }]
        assert_equal {saved-at-shutdown OK three} $got
    }
}

start_server {tags {persist} overrides {save "3600 1"}} {
    test "SHUTDOWN NOSAVE with save points leaves the older file as it was" {
        assert_equal {save {3600 1}} [r config get save]
        r set k old
        r save
        set f [file join [srv dir] dump.rdb]
        set bytes [p_read_file $f]
        set mtime [file mtime $f]
        r set k new
        r set k2 v
        p_shutdown nosave
        assert_equal $bytes [p_read_file $f]
        assert_equal $mtime [file mtime $f]
        assert_equal {old 1} [p_with_server [srv dir] { list [$c get k] [$c dbsize] }]
    }
}

start_server {tags {persist} overrides {save "3600 1"}} {
    test "SHUTDOWN with save points saves" {
        r set k saved
        r hset h a 1 b 2
        assert {![file exists [file join [srv dir] dump.rdb]]}
        p_shutdown
        set got [p_with_server [srv dir] { list [$c get k] [$c hgetall h] }]
        assert_equal {saved {a 1 b 2}} $got
    }
}

start_server {tags {persist} overrides {save "3600 1"}} {
    test "SIGTERM with save points saves" {
        expect_server_exit
        r set k sigterm
        r sadd s 1 2 3
        assert {![file exists [file join [srv dir] dump.rdb]]}
        exec kill -TERM [srv pid]
        wait_for_condition 200 50 {![server_is_alive]} else {
            fail "server still running after SIGTERM"
        }
        set got [p_with_server [srv dir] { list [$c get k] [$c smembers s] }]
        assert_equal {sigterm {1 2 3}} $got
    }
}

# A server on `dir` must refuse to start; returns its log.
proc p_refuses_to_start {dir} {
    set before [glob -nocomplain -directory $::tmproot server*]
    if {![catch {spawn_server [list dir $dir]} s]} {
        kill_pid [dict get $s pid]
        fail "the server started with a damaged dump.rdb"
    }
    assert_match "*server did not start*" $s
    set log ""
    foreach d [glob -nocomplain -directory $::tmproot server*] {
        if {$d ni $before} { append log [p_read_file [file join $d stdout.log]] }
    }
    return $log
}

start_server {tags {persist}} {
    test "a damaged dump.rdb stops the start: truncated, wrong checksum" {
        p_fill r
        r save
        set good [p_read_file [file join [srv dir] dump.rdb]]
        set n [string length $good]
        assert_morethan $n 1000

        set d1 [file join $::tmproot persist-truncated]
        file mkdir $d1
        p_write_file [file join $d1 dump.rdb] [string range $good 0 [expr {$n / 2}]]
        set log1 [p_refuses_to_start $d1]

        # one byte of a value flipped: the structure still reads, the
        # CRC64 does not match
        set pos [string first "hello world" $good]
        assert_morethan $pos 0
        set bad [string replace $good $pos $pos J]
        set d2 [file join $::tmproot persist-badcrc]
        file mkdir $d2
        p_write_file [file join $d2 dump.rdb] $bad
        set log2 [p_refuses_to_start $d2]

        # both servers log where reading stopped, and the wrong checksum
        assert_match "*offset*" $log1
        assert_match "*checksum*" $log2
    }
}

# A dump.rdb written by redis-server 7.0.15 itself (any server under test).
set ::p_rdir [file join $::tmproot persist-redis-written]
file mkdir $::p_rdir
tags {persist} {
    test "prepare a dump.rdb written by redis-server" {
        set port [find_free_port]
        set log [file join $::p_rdir redis.log]
        set pid [exec timeout 60 /usr/bin/redis-server --port $port --bind 127.0.0.1 \
                     --dir $::p_rdir --save "" --appendonly no < /dev/null >& $log &]
        lappend ::all_pids $pid
        try {
            wait_for_condition 100 50 {[ping_server $port]} else {
                fail "redis-server did not start: [log_tail $log]"
            }
            set c [::resp::connect 127.0.0.1 $port 0]
            try {
                p_fill $c
                set ::p_rsaved [p_digest $c $::p_keys]
                $c select 3
                set ::p_rsaved_db3 [p_digest $c $::p_db3_keys]
                assert_equal OK [$c save]
                catch {$c shutdown nosave}
            } finally {
                catch {$c close}
            }
            wait_for_condition 100 50 {![pid_alive $pid]} else {
                fail "redis-server still running after SHUTDOWN NOSAVE"
            }
        } finally {
            kill_pid $pid
            set idx [lsearch -exact $::all_pids $pid]
            if {$idx >= 0} { set ::all_pids [lreplace $::all_pids $idx $idx] }
        }
        assert {[file exists [file join $::p_rdir dump.rdb]]}
    }
}

# redis-shard keeps a small set of short strings in a listpack (Redis 7.0:
# hashtable; see set.tcl): what it reports for such a set of Redis's file.
proc p_as_loaded {digest} {
    if {!$::is_redis_shard} { return $digest }
    foreach k {set:str db3:set} {
        if {[dict exists $digest $k]} { dict set digest $k [lreplace [dict get $digest $k] 1 1 listpack] }
    }
    return $digest
}

start_server [list tags {persist} overrides [list dir $::p_rdir]] {
    test "a dump.rdb written by redis-server loads with every value" {
        assert {[info exists ::p_rsaved]}
        p_assert_digest [p_as_loaded $::p_rsaved] [p_digest r $::p_keys]
        assert_range [r pttl ttl:str] 1 100000
        r select 3
        p_assert_digest [p_as_loaded $::p_rsaved_db3] [p_digest r $::p_db3_keys]
        r select 0
        assert_equal [expr {[llength $::p_keys] + [llength $::p_db3_keys]}] \
            [p_info rdb_last_load_keys_loaded]
    }
}
