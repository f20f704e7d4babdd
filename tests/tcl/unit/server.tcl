# Server commands: COMMAND, INFO, CONFIG GET/SET/RESETSTAT, TIME, LASTSAVE,
# DEBUG SLEEP, MEMORY USAGE, SHUTDOWN.

start_server {tags {server}} {

    # ---------------------------------------------------------------- COMMAND
    test "COMMAND COUNT" {
        set n [r command count]
        assert {[string is integer -strict $n] && $n > 20}
        assert_error "ERR wrong number of arguments for 'command|count' command" {r command count x}
    }

    test "COMMAND without arguments lists every command" {
        set all [r command]
        assert_equal [r command count] [llength $all]
        set names {}
        foreach c $all { lappend names [lindex $c 0] }
        foreach cmd {get set del expire scan info config command client ping} {
            assert {$cmd in $names}
        }
    }

    test "COMMAND INFO GET" {
        set info [r command info get]
        assert_equal 1 [llength $info]
        set get [lindex $info 0]
        assert {[llength $get] >= 7}
        assert_equal get [lindex $get 0]
        assert_equal 2 [lindex $get 1]
        assert {"readonly" in [lindex $get 2]}
        assert {"fast" in [lindex $get 2]}
        # first key, last key, step
        assert_equal {1 1 1} [lrange $get 3 5]
        assert {"@read" in [lindex $get 6]}
        assert {"@string" in [lindex $get 6]}
    }

    test "COMMAND INFO of several commands, unknown ones are nil" {
        set info [r command info set mset nosuchcmd del]
        assert_equal 4 [llength $info]
        set set [lindex $info 0]
        assert_equal set [lindex $set 0]
        assert_equal -3 [lindex $set 1]
        assert {"write" in [lindex $set 2]}
        assert_equal {1 1 1} [lrange $set 3 5]
        set mset [lindex $info 1]
        assert_equal mset [lindex $mset 0]
        assert_equal -3 [lindex $mset 1]
        assert_equal {1 -1 2} [lrange $mset 3 5]
        assert_equal {} [lindex $info 2]
        set del [lindex $info 3]
        assert_equal -2 [lindex $del 1]
        assert_equal {1 -1 1} [lrange $del 3 5]
    }

    test "COMMAND INFO arity of some commands" {
        foreach {cmd arity} {get 2 set -3 mget -2 incr 2 incrby 3 ping -1 echo 2
                             keys 2 scan -2 expire -3 ttl 2 rename 3 dbsize 1
                             select 2 getex -2 lcs -3 setrange 4 getrange 4} {
            set info [lindex [r command info $cmd] 0]
            assert_equal $arity [lindex $info 1] "arity of $cmd"
        }
    }

    test "COMMAND INFO key specs, tips and ACL categories as Redis has them" {
        set get [lindex [r command info get] 0]
        assert_equal {@read @string @fast} [lindex $get 6]
        assert_equal {{flags {RO access} begin_search {type index spec {index 1}} find_keys {type range spec {lastkey 0 keystep 1 limit 0}}}} [lindex $get 8]
        set mset [lindex [r command info mset] 0]
        assert_equal {request_policy:multi_shard response_policy:all_succeeded} [lindex $mset 7]
        assert_equal {OW update} [dict get [lindex [lindex $mset 8] 0] flags]
        # SORT: keys found by a keys function, one spec per key role
        set sort [lindex [r command info sort] 0]
        assert {"movablekeys" in [lindex $sort 2]}
        assert_equal {@write @set @sortedset @list @slow @dangerous} [lindex $sort 6]
        assert_equal 3 [llength [lindex $sort 8]]
        set lmpop [lindex [r command info lmpop] 0]
        assert_equal {0 0 0} [lrange $lmpop 3 5]
        assert_equal keynum [dict get [lindex [lindex $lmpop 8] 0] find_keys type]
    }

    test "COMMAND INFO is case insensitive" {
        assert_equal get [lindex [lindex [r command info GET] 0] 0]
    }

    test "COMMAND DOCS GET" {
        set docs [r command docs get]
        assert_equal get [lindex $docs 0]
        set d [lindex $docs 1]
        assert {[dict exists $d summary]}
        assert_equal 1.0.0 [dict get $d since]
        assert_equal string [dict get $d group]
        assert {[dict exists $d complexity]}
    }

    test "COMMAND DOCS of several commands and unknown commands" {
        set docs [r command docs set expire nosuchcmd]
        assert_equal 4 [llength $docs]
        assert_equal {set expire} [dict keys $docs]
        assert_equal string [dict get [dict get $docs set] group]
        assert_equal generic [dict get [dict get $docs expire] group]
        assert_equal {} [r command docs nosuchcmd]
    }

    test "COMMAND DOCS of every list, hash, set and sorted-set command" {
        # as redis-server: summary, since, complexity and the argument tree
        set seen 0
        foreach cmd [r command list] {
            set d [dict get [r command docs $cmd] $cmd]
            if {[dict get $d group] ni {list hash set sorted-set}} continue
            incr seen
            foreach f {summary since complexity} {
                assert {[dict get $d $f] ne ""}
            }
            assert {[llength [dict get $d arguments]] > 0}
        }
        assert {$seen >= 80}
        set d [dict get [r command docs sadd] sadd]
        assert_equal 1.0.0 [dict get $d since]
        assert_equal {{name key type key key_spec_index 0} {name member type string flags multiple}} [dict get $d arguments]
        set d [dict get [r command docs smove] smove]
        assert_equal {source destination member} [lmap a [dict get $d arguments] {dict get $a name}]
        set d [dict get [r command docs spop] spop]
        assert_equal {name count type integer since 3.2.0 flags optional} [lindex [dict get $d arguments] 1]
    }

    test "COMMAND DOCS in RESP3 is a map" {
        set c [redis_deferring_client]
        $c hello 3
        $c read
        $c command docs get
        assert_match "%1\r\n\$3\r\nget\r\n%*" [$c read_raw]
        $c close
    }

    test "COMMAND LIST" {
        set list [r command list]
        foreach cmd {get set mget mset del exists incr lcs client config} {
            assert {$cmd in $list}
        }
        set getcmds [r command list filterby pattern get*]
        foreach cmd $getcmds { assert_match get* $cmd }
        foreach cmd {get getdel getex getrange getset} {
            assert {$cmd in $getcmds}
        }
        assert_error "ERR syntax error" {r command list filterby foo bar}
    }

    test "COMMAND LIST FILTERBY ACLCAT uses the ACL categories" {
        set zs [r command list filterby aclcat SortedSet]
        foreach cmd {zadd zrange zpopmin zunionstore} { assert {$cmd in $zs} }
        assert {"get" ni $zs && "hset" ni $zs}
        set ks [r command list filterby aclcat keyspace]
        foreach cmd {del expire rename unlink} { assert {$cmd in $ks} }
        assert {"get" ni $ks}
        assert {"sort" in [r command list filterby aclcat dangerous]}
        assert_equal {} [r command list filterby aclcat nosuchcategory]
        assert_equal {} [r command list filterby aclcat @string]
    }

    test "COMMAND GETKEYS" {
        assert_equal {a} [r command getkeys set a b]
        assert_equal {a b} [r command getkeys mset a 1 b 2]
        assert_equal {a} [r command getkeys get a]
        assert_equal {a b c} [r command getkeys del a b c]
        assert_equal {a b} [r command getkeys rename a b]
        assert_equal {a b} [r command getkeys copy a b]
        assert_equal {a} [r command getkeys set a b ex 100 get]
    }

    test "COMMAND GETKEYS errors" {
        assert_error "ERR Invalid command specified" {r command getkeys nosuchcmd a}
        assert_error "ERR The command has no key arguments" {r command getkeys ping x}
        assert_error "ERR Invalid number of arguments specified for command" {r command getkeys get a b}
        assert_error "ERR Invalid number of arguments specified for command" {r command getkeys mset a}
        assert_error "ERR wrong number of arguments for 'command|getkeys' command" {r command getkeys get}
    }

    test "COMMAND unknown subcommand" {
        assert_error "ERR unknown subcommand 'foo'. Try COMMAND HELP." {r command foo}
    }

    # ------------------------------------------------------------------- INFO
    test "INFO default sections" {
        set info [r info]
        foreach section {Server Clients Memory Persistence Stats Replication CPU Keyspace} {
            assert_match "*# $section\r\n*" $info
        }
        # commandstats is not part of the default sections
        assert_no_match "*# Commandstats*" $info
    }

    test "INFO SERVER" {
        set info [r info server]
        assert_match "# Server\r\n*" $info
        assert_match "*redis_version:*" $info
        assert_equal [srv port] [info_field $info tcp_port]
        assert {[string is integer -strict [info_field $info process_id]]}
        assert {[string is integer -strict [info_field $info uptime_in_seconds]]}
        assert {[info_field $info redis_mode] eq "standalone"}
        assert_no_match "*# Clients*" $info
    }

    test "INFO lines end with CRLF" {
        set info [r info server]
        assert_equal "\r\n" [string range $info end-1 end]
        assert_equal 0 [regexp -all {[^\r]\n} $info]
    }

    test "INFO STATS counts reads and writes" {
        set s0 [r info stats]
        r ping
        r ping
        set s1 [r info stats]
        foreach f {total_reads_processed total_writes_processed} {
            # at least the two PINGs and the INFO before them, on this connection
            assert {[info_field $s1 $f] >= [info_field $s0 $f] + 3}
        }
        assert_equal 0 [info_field $s1 io_threaded_reads_processed]
        assert_equal 0 [info_field $s1 io_threaded_writes_processed]
    }

    test "INFO CLIENTS" {
        set info [r info clients]
        assert_match "# Clients\r\n*" $info
        set before [info_field $info connected_clients]
        assert {$before >= 1}
        set c [redis_client]
        assert_equal [expr {$before + 1}] [info_field [r info clients] connected_clients]
        $c close
        assert {[string is integer -strict [info_field $info blocked_clients]]}
        assert {[string is integer -strict [info_field $info maxclients]]}
    }

    test "INFO MEMORY" {
        set info [r info memory]
        assert_match "# Memory\r\n*" $info
        set used [info_field $info used_memory]
        assert {[string is integer -strict $used] && $used > 0}
        assert {[info_field $info used_memory_human] ne ""}
        assert {[string is integer -strict [info_field $info maxmemory]]}
    }

    test "INFO STATS" {
        set info [r info stats]
        assert_match "# Stats\r\n*" $info
        set n1 [info_field $info total_commands_processed]
        assert {[string is integer -strict $n1]}
        r ping
        r ping
        set n2 [info_field [r info stats] total_commands_processed]
        assert {$n2 >= $n1 + 3}
        assert {[info_field $info total_connections_received] >= 1}
        foreach f {keyspace_hits keyspace_misses expired_keys evicted_keys total_net_input_bytes total_net_output_bytes} {
            assert {[string is integer -strict [info_field $info $f]]}
        }
    }

    test "INFO STATS keyspace hits and misses" {
        r set hitkey 1
        set info [r info stats]
        set hits [info_field $info keyspace_hits]
        set misses [info_field $info keyspace_misses]
        r get hitkey
        r get nosuchkey
        r get nosuchkey
        set info [r info stats]
        assert_equal [expr {$hits + 1}] [info_field $info keyspace_hits]
        assert_equal [expr {$misses + 2}] [info_field $info keyspace_misses]
    }

    test "INFO STATS expired_keys" {
        set before [info_field [r info stats] expired_keys]
        r set expme 1 px 10
        after 50
        r get expme
        assert_equal [expr {$before + 1}] [info_field [r info stats] expired_keys]
    }

    test "INFO CPU" {
        set info [r info cpu]
        assert_match "# CPU\r\n*" $info
        assert_match {*used_cpu_sys:*} $info
        assert_match {*used_cpu_user:*} $info
    }

    test "INFO KEYSPACE" {
        r flushall
        assert_equal "# Keyspace\r\n" [r info keyspace]
        r mset a 1 b 2 c 3
        r expire a 100
        set info [r info keyspace]
        assert_match "# Keyspace\r\ndb0:keys=3,expires=1,avg_ttl=*\r\n" $info
        r select 2
        r set x 1
        r select 0
        set info [r info keyspace]
        assert_match "*db0:keys=3,expires=1,avg_ttl=*\r\ndb2:keys=1,expires=0,avg_ttl=0\r\n" $info
        r flushall
    }

    test "INFO COMMANDSTATS" {
        r config resetstat
        r set a 1
        r set a 2
        r get a
        set info [r info commandstats]
        assert_match "# Commandstats\r\n*" $info
        assert_match "*cmdstat_set:calls=2,usec=*,usec_per_call=*,rejected_calls=0,failed_calls=0\r\n*" $info
        assert_match "*cmdstat_get:calls=1,*" $info
        assert_match "*cmdstat_config|resetstat:calls=1,*" $info
    }

    test "INFO COMMANDSTATS counts failed and rejected calls" {
        r config resetstat
        r set a notanumber
        catch {r incr a}
        catch {r get}
        set info [r info commandstats]
        assert_match "*cmdstat_incr:calls=1,*,rejected_calls=0,failed_calls=1\r\n*" $info
        assert_match "*cmdstat_get:calls=0,*,rejected_calls=1,failed_calls=0\r\n*" $info
    }

    test "INFO ERRORSTATS" {
        r config resetstat
        assert_equal "# Errorstats\r\n" [r info errorstats]
        catch {r nosuchcommand}
        catch {r get}
        set info [r info errorstats]
        assert_match "*errorstat_ERR:count=2\r\n*" $info
        r del li
        r set s v
        catch {r expire s 10 nx xx}
        assert_match "*errorstat_ERR:count=3\r\n*" [r info errorstats]
        assert_equal 3 [info_field [r info stats] total_error_replies]
    }

    tags {needs-types} {
        test "INFO ERRORSTATS counts WRONGTYPE separately" {
            r config resetstat
            r del li
            r rpush li a
            catch {r get li}
            assert_match "*errorstat_WRONGTYPE:count=1\r\n*" [r info errorstats]
        }
    }

    test "INFO with several sections" {
        set info [r info server clients]
        assert_match "# Server\r\n*# Clients\r\n*" $info
        assert_no_match "*# Memory*" $info
    }

    test "INFO ALL and EVERYTHING include commandstats" {
        foreach arg {all everything} {
            set info [r info $arg]
            assert_match "*# Server\r\n*" $info
            assert_match "*# Commandstats\r\n*" $info
            assert_match "*# Keyspace\r\n*" $info
        }
    }

    test "INFO section names are case insensitive" {
        assert_match "# Server\r\n*" [r info SERVER]
    }

    test "INFO unknown section is empty" {
        assert_equal "" [r info nosuchsection]
    }

    # ----------------------------------------------------------------- CONFIG
    test "CONFIG GET a single parameter" {
        assert_equal [list port [srv port]] [r config get port]
        assert_equal {maxmemory 0} [r config get maxmemory]
    }

    test "CONFIG GET is case insensitive" {
        set res [r config get PORT]
        assert_equal 2 [llength $res]
        assert_equal port [string tolower [lindex $res 0]]
        assert_equal [srv port] [lindex $res 1]
    }

    test "CONFIG GET with a pattern" {
        set res [r config get maxmemory*]
        assert {[llength $res] % 2 == 0}
        assert {[dict exists $res maxmemory]}
        assert {[dict exists $res maxmemory-policy]}
        dict for {k v} $res { assert_match maxmemory* $k }
        set res [r config get *max*-len*]
        assert {[dict exists $res proto-max-bulk-len]}
    }

    test "CONFIG GET with several arguments" {
        set res [r config get port bind]
        assert_equal [srv port] [dict get $res port]
        assert_equal 127.0.0.1 [dict get $res bind]
        assert_equal 4 [llength $res]
        # The same parameter matched twice is reported once
        set res [r config get port port maxmemory*]
        assert_equal [srv port] [dict get $res port]
        set n 0
        foreach {k v} $res { if {$k eq "port"} { incr n } }
        assert_equal 1 $n
    }

    test "CONFIG GET of an unknown parameter" {
        assert_equal {} [r config get nosuchparameter]
        assert_equal {} [r config get nosuch*]
    }

    test "CONFIG GET save and appendonly set from the command line" {
        assert_equal {save {}} [r config get save]
        assert_equal {appendonly no} [r config get appendonly]
    }

    test "CONFIG SET a parameter" {
        assert_equal OK [r config set maxmemory 100mb]
        assert_equal {maxmemory 104857600} [r config get maxmemory]
        assert_equal OK [r config set maxmemory 0]
        assert_equal {maxmemory 0} [r config get maxmemory]
    }

    test "CONFIG SET several parameters at once" {
        assert_equal OK [r config set maxmemory 1000000 maxmemory-policy allkeys-lru]
        assert_equal {maxmemory 1000000} [r config get maxmemory]
        assert_equal {maxmemory-policy allkeys-lru} [r config get maxmemory-policy]
        assert_equal OK [r config set maxmemory 0 maxmemory-policy noeviction]
    }

    test "CONFIG SET is atomic: nothing changes when one value is bad" {
        set hz [lindex [r config get hz] 1]
        catch {r config set hz 50 timeout abc}
        assert_equal [list hz $hz] [r config get hz]
        assert_equal {timeout 0} [r config get timeout]
    }

    test "CONFIG SET errors" {
        assert_error "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value" {r config set maxmemory abc}
        assert_error "ERR Unknown option or number of arguments for CONFIG SET - 'nosuchparameter'" {r config set nosuchparameter 1}
        assert_error "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction" {r config set maxmemory-policy foo}
        assert_error "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter" {r config set maxmemory 1 maxmemory 2}
        assert_error "ERR CONFIG SET failed (possibly related to argument 'timeout') - argument couldn't be parsed into an integer" {r config set timeout abc}
        assert_error "ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'" {r config set appendonly maybe}
        assert_error "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be between 1048576 and 9223372036854775807 inclusive" {r config set proto-max-bulk-len 1000}
        assert_error "ERR wrong number of arguments for 'config|set' command" {r config set maxmemory}
        assert_error "ERR syntax error" {r config set maxmemory 1 hz}
        assert_error "ERR wrong number of arguments for 'config|get' command" {r config get}
        assert_equal {maxmemory 0} [r config get maxmemory]
    }

    test "CONFIG SET memory units" {
        r config set maxmemory 1kb
        assert_equal {maxmemory 1024} [r config get maxmemory]
        r config set maxmemory 1k
        assert_equal {maxmemory 1000} [r config get maxmemory]
        r config set maxmemory 2gb
        assert_equal {maxmemory 2147483648} [r config get maxmemory]
        r config set maxmemory 0
    }

    test "CONFIG RESETSTAT" {
        r set a 1
        catch {r nosuchcommand}
        assert_equal OK [r config resetstat]
        assert_no_match "*cmdstat_set:*" [r info commandstats]
        assert_no_match "*errorstat_ERR*" [r info errorstats]
        assert_equal 0 [info_field [r info stats] keyspace_hits]
        assert_error "ERR wrong number of arguments for 'config|resetstat' command" {r config resetstat x}
    }

    test "CONFIG unknown subcommand" {
        assert_error "ERR unknown subcommand 'foo'. Try CONFIG HELP." {r config foo}
        assert_error "ERR wrong number of arguments for 'config' command" {r config}
    }

    # ------------------------------------------------------------------- TIME
    test "TIME" {
        set t [r time]
        assert_equal 2 [llength $t]
        lassign $t sec usec
        assert {[string is integer -strict $sec] && [string is integer -strict $usec]}
        assert_range $sec [expr {[clock seconds] - 2}] [expr {[clock seconds] + 2}]
        assert_range $usec 0 999999
        assert_error "ERR wrong number of arguments for 'time' command" {r time x}
    }

    test "TIME increases" {
        lassign [r time] s1 u1
        after 5
        lassign [r time] s2 u2
        assert {$s2 * 1000000 + $u2 > $s1 * 1000000 + $u1}
    }

    test "TIME reply is an array of two bulk strings" {
        set c [redis_deferring_client]
        $c time
        assert_match "\\*2\r\n\$*\r\n*\r\n\$*\r\n*\r\n" [$c read_raw]
        $c close
    }

    # --------------------------------------------------------------- LASTSAVE
    test "LASTSAVE" {
        set t [r lastsave]
        assert {[string is integer -strict $t]}
        assert_range $t [expr {[clock seconds] - 600}] [expr {[clock seconds] + 2}]
        assert_error "ERR wrong number of arguments for 'lastsave' command" {r lastsave x}
    }

    # ------------------------------------------------------------------ DEBUG
    test "DEBUG SLEEP 0" {
        assert_equal OK [r debug sleep 0]
        assert_equal PONG [r ping]
    }

    test "DEBUG SLEEP blocks the connection for the given time" {
        set start [clock milliseconds]
        assert_equal OK [r debug sleep 0.2]
        assert {[clock milliseconds] - $start >= 180}
    }

    # ----------------------------------------------------------------- MEMORY
    test "MEMORY USAGE" {
        r set small x
        r set large [string repeat x 10000]
        set s [r memory usage small]
        set l [r memory usage large]
        assert {[string is integer -strict $s] && $s > 0}
        assert {$l > 10000}
        assert {$l > $s}
        assert_equal {} [r memory usage nosuchkey]
        assert {[r memory usage small samples 5] > 0}
        assert {[r memory usage small SAMPLES 0] > 0}
    }

    test "MEMORY USAGE errors" {
        r set small x
        assert_error "ERR syntax error" {r memory usage small foo}
        assert_error "ERR value is not an integer or out of range" {r memory usage small samples abc}
        assert_error "ERR wrong number of arguments for 'memory|usage' command" {r memory usage}
        assert_error "ERR unknown subcommand 'foo'. Try MEMORY HELP." {r memory foo}
    }
}

start_server {tags {server shutdown}} {
    test "SHUTDOWN errors" {
        assert_error "ERR syntax error" {r shutdown foo}
        assert_error "ERR syntax error" {r shutdown nosave save}
        assert_equal PONG [r ping]
    }

    test "SHUTDOWN NOSAVE stops the server" {
        expect_server_exit
        r set a 1
        set c [redis_deferring_client]
        $c shutdown nosave
        # On success the server exits without replying
        assert_equal 1 [$c closed 10000]
        $c close
        wait_for_condition 100 50 {![server_is_alive]} else {
            fail "server still running after SHUTDOWN NOSAVE"
        }
        # (its sockets go with the last of its threads, a moment after the
        # process looks gone)
        wait_for_condition 100 50 {[catch {::resp::connect 127.0.0.1 [srv port] 0} c] || [$c close] ne ""} else {
            fail "the port still accepts connections after SHUTDOWN NOSAVE"
        }
    }
}

# Scheduling policy (field 41 of /proc/PID/task/TID/stat) of every shard
# thread; the server may run as the child of timeout(1).
proc shard_thread_policies {} {
    set pids [list [srv pid]]
    if {![catch {open /proc/[srv pid]/task/[srv pid]/children r} f]} {
        lappend pids {*}[read $f]
        close $f
    }
    set out {}
    foreach p $pids {
        foreach t [glob -nocomplain /proc/$p/task/*] {
            if {[catch {open $t/comm r} f]} continue
            set comm [string trim [read $f]]
            close $f
            if {![string match shard-* $comm]} continue
            set f [open $t/stat r]
            set st [read $f]
            close $f
            set fields [split [string range $st [expr {[string last ")" $st] + 2}] end] " "]
            lappend out [lindex $fields 38]
        }
    }
    return $out
}

# The CPUs this test process may run on (its Cpus_allowed_list), expanded.
proc allowed_cpus {} {
    set f [open /proc/self/status r]
    set st [read $f]
    close $f
    regexp {Cpus_allowed_list:\s*(\S+)} $st -> list
    set out {}
    foreach part [split $list ,] {
        if {[regexp {^(\d+)-(\d+)$} $part -> a b]} {
            for {set c $a} {$c <= $b} {incr c} { lappend out $c }
        } else {
            lappend out $part
        }
    }
    return $out
}

# Shard threads of a server started on every CPU this process may use: one
# per shard, or one per CPU when there are more shards than CPUs.
proc shard_thread_count {} {
    set ncpu [llength [allowed_cpus]]
    return [expr {$::shards < $ncpu ? $::shards : $ncpu}]
}

tags {redis-shard-only} {
    start_server {tags {server sched}} {
        test "shard threads keep the default policy (sched-batch no)" {
            set p [shard_thread_policies]
            assert_equal [shard_thread_count] [llength $p]
            assert_equal [lrepeat [shard_thread_count] 0] $p
            assert_equal {sched-batch no} [r config get sched-batch]
            assert_error "*can't set immutable config*" {r config set sched-batch yes}
        }
    }
    start_server {tags {server sched} overrides {sched-batch yes}} {
        test "sched-batch yes: shard threads run as SCHED_BATCH" {
            assert_equal [lrepeat [shard_thread_count] 3] [shard_thread_policies]
        }
    }
}

# {shard-0 CPUS shard-1 CPUS ...}: the Cpus_allowed_list of each shard
# thread of the server started as pid or as its child.
proc shard_thread_cpus {pid} {
    set pids [list $pid]
    if {![catch {open /proc/$pid/task/$pid/children r} f]} {
        lappend pids {*}[read $f]
        close $f
    }
    set out {}
    foreach p $pids {
        foreach t [lsort -dictionary [glob -nocomplain /proc/$p/task/*]] {
            if {[catch {open $t/comm r} f]} continue
            set comm [string trim [read $f]]
            close $f
            if {![string match shard-* $comm]} continue
            set f [open $t/status r]
            regexp {Cpus_allowed_list:\s*(\S+)} [read $f] -> cpus
            close $f
            lappend out $comm $cpus
        }
    }
    return [lsort -stride 2 -dictionary $out]
}

tags {redis-shard-only server} {
    test "shards 0 under taskset: one shard per CPU of the mask, each pinned to its own" {
        # the last CPU this process may use: with the old rule (shard i on
        # CPU i, as many shards as online CPUs) shard 0 could not be pinned
        set cpus [lrange [allowed_cpus] end end]
        set port [find_free_port]
        set log [file join $::tmproot taskset-server.log]
        set pid [exec taskset -c [join $cpus ,] timeout 60 $::server_path --port $port \
                     --bind 127.0.0.1 --save "" --appendonly no --dir $::tmproot --shards 0 --cpu-affinity yes \
                     < /dev/null >& $log &]
        lappend ::all_pids $pid
        wait_for_condition 100 50 {[ping_server $port]} else {
            kill_pid $pid
            fail "server did not start: [log_tail $log]"
        }
        set c [::resp::connect 127.0.0.1 $port 0]
        set info [$c info server]
        $c close
        set got [shard_thread_cpus $pid]
        kill_pid $pid
        assert_match "*\r\nshards:[llength $cpus]\r\n*" $info
        set want {}
        for {set i 0} {$i < [llength $cpus]} {incr i} { lappend want shard-$i [lindex $cpus $i] }
        assert_equal $want $got
        assert_no_match "*could not pin*" [log_tail $log 100]
    }

    test "more shards than CPUs: the shards of one CPU share its thread, and work across shards" {
        # up to two CPUs and 2n+1 shards: one thread runs three shards, the
        # other (if any) two; commands hop between shards of one thread and
        # between threads
        set cpus [lrange [allowed_cpus] end-1 end]
        set n [llength $cpus]
        set nshards [expr {2 * $n + 1}]
        set port [find_free_port]
        set log [file join $::tmproot shared-thread-server.log]
        set pid [exec taskset -c [join $cpus ,] timeout 60 $::server_path --port $port \
                     --bind 127.0.0.1 --save "" --appendonly no --dir $::tmproot --shards $nshards --cpu-affinity yes \
                     < /dev/null >& $log &]
        lappend ::all_pids $pid
        wait_for_condition 100 50 {[ping_server $port]} else {
            kill_pid $pid
            fail "server did not start: [log_tail $log]"
        }
        set got [shard_thread_cpus $pid]
        set c [::resp::connect 127.0.0.1 $port 0]
        set info [$c info server]
        # 300 keys over every shard, written and read back in one pipeline
        set keys {}
        for {set i 0} {$i < 300} {incr i} { lappend keys "k:$i" }
        set cmds {}
        foreach k $keys { lappend cmds [list set $k "v-$k"] }
        foreach k $keys { lappend cmds [list incr "n:$k"] }
        lappend cmds [concat mget $keys]
        set out {}
        foreach cmd $cmds { append out [::resp::encode {*}$cmd] }
        $c write $out
        set replies {}
        foreach cmd $cmds { lappend replies [$c read] }
        set dbsize [$c dbsize]
        set deleted [$c del {*}$keys]
        set keyspace [$c info keyspace]
        $c close
        kill_pid $pid
        assert_match "*\r\nshards:$nshards\r\n*" $info
        set want {}
        for {set i 0} {$i < $n} {incr i} { lappend want shard-$i [lindex $cpus $i] }
        assert_equal $want $got
        assert_equal [lrepeat 300 OK] [lrange $replies 0 299]
        assert_equal [lrepeat 300 1] [lrange $replies 300 599]
        set vals {}
        foreach k $keys { lappend vals "v-$k" }
        assert_equal $vals [lindex $replies 600]
        assert_equal 600 $dbsize
        assert_equal 300 $deleted
        assert_match "*db0:keys=300,*" $keyspace
    }
}

# Open file descriptors of the server process (the child of timeout(1)).
proc server_fd_count {} {
    set pid [srv pid]
    if {![catch {open /proc/$pid/task/$pid/children r} f]} {
        set kids [read $f]
        close $f
        if {[llength $kids]} { set pid [lindex $kids 0] }
    }
    return [llength [glob -nocomplain /proc/$pid/fd/*]]
}

start_server {tags {server}} {
    test "clients that leave before a big reply from another shard leave no socket behind" {
        # 20 KB values on every shard: replies too big for the owner to send
        # itself come back through the client's shard
        set tags {a b c d e f g h}
        set big [string repeat x 20000]
        foreach t $tags { r set "{$t}big" $big }
        set before [server_fd_count]
        for {set i 0} {$i < 48} {incr i} {
            set c [redis_deferring_client]
            $c write [::resp::encode get "{[lindex $tags [expr {$i % 8}]]}big"]
            $c close
        }
        wait_for_condition 100 50 {
            [string match "*connected_clients:1\r*" [r info clients]]
        } else {
            fail "clients were not all closed: [r info clients]"
        }
        wait_for_condition 100 50 {
            [server_fd_count] <= $before
        } else {
            fail "file descriptors: [server_fd_count], before: $before"
        }
        foreach t $tags { r del "{$t}big" }
    }
}
