# Server life cycle helpers: start_server, r, srv, clients.

set ::servers {}       ;# stack of server dicts (innermost last)
set ::all_pids {}      ;# every server pid we started and did not reap yet
set ::server_seq 0
if {![info exists ::next_port]} {
    set ::next_port [expr {21000 + ([pid] % 40) * 100}]
}

proc port_is_free {port} {
    if {[catch {socket -server {apply {{args} {}}} -myaddr 127.0.0.1 $port} s]} {
        return 0
    }
    close $s
    # Something may listen on another address but accept on loopback.
    if {![catch {socket 127.0.0.1 $port} c]} {
        close $c
        return 0
    }
    return 1
}

proc find_free_port {} {
    for {set i 0} {$i < 2000} {incr i} {
        set p $::next_port
        incr ::next_port
        if {$::next_port > 30000} { set ::next_port 21000 }
        if {[port_is_free $p]} { return $p }
    }
    error "no free port found"
}

proc pid_alive {pid} {
    if {![file exists /proc/$pid]} { return 0 }
    if {[catch {open /proc/$pid/stat r} fd]} { return 0 }
    set stat [read $fd]
    close $fd
    # Field 3 is the state; the command name (field 2) is in parentheses.
    set rp [string last ")" $stat]
    set state [string index [string trim [string range $stat [expr {$rp + 1}] end]] 0]
    return [expr {$state ne "Z" && $state ne "X"}]
}

proc kill_pid {pid} {
    if {![pid_alive $pid]} { return }
    catch {exec kill -TERM $pid}
    set deadline [expr {[clock milliseconds] + 10000}]
    while {[clock milliseconds] < $deadline} {
        if {![pid_alive $pid]} { break }
        after 20
    }
    if {[pid_alive $pid]} {
        puts "warning: server pid $pid did not exit on SIGTERM, sending SIGKILL"
        catch {exec kill -KILL -- -$pid}
        catch {exec kill -KILL $pid}
    }
    # Let Tcl reap the detached child.
    catch {exec true}
}

proc log_tail {file {n 30}} {
    if {[catch {open $file r} fd]} { return "(no log)" }
    set lines [split [read $fd] "\n"]
    close $fd
    return [join [lrange $lines end-$n end] "\n"]
}

# Try a PING on host:port; return 1 on +PONG.
proc ping_server {port} {
    if {[catch {::resp::connect 127.0.0.1 $port 0} c]} { return 0 }
    $c timeout 1000
    # a server with requirepass answers NOAUTH: alive all the same
    set failed [catch {$c ping} reply]
    set ok [expr {(!$failed && $reply eq "PONG") || [string match "NOAUTH*" $reply]}]
    $c close
    return $ok
}

proc spawn_server {overrides} {
    set n [incr ::server_seq]
    set dir [file join $::tmproot "server$n"]
    file mkdir $dir
    set log [file join $dir stdout.log]
    for {set attempt 0} {$attempt < 3} {incr attempt} {
        set port [find_free_port]
        set args [list --port $port --bind 127.0.0.1 --dir $dir --save "" --appendonly no]
        if {$::is_redis_shard} {
            lappend args --shards $::shards --cpu-affinity no
        } else {
            lappend args --enable-debug-command yes
        }
        dict for {k v} $overrides {
            lappend args --$k $v
        }
        set pid [exec timeout 900 $::server_path {*}$args < /dev/null >& $log &]
        lappend ::all_pids $pid
        set deadline [expr {[clock milliseconds] + 10000}]
        set up 0
        while {[clock milliseconds] < $deadline} {
            if {![pid_alive $pid]} break
            if {[ping_server $port]} { set up 1; break }
            after 50
        }
        if {$up} {
            return [dict create port $port host 127.0.0.1 pid $pid dir $dir \
                        log $log clients {} args $args]
        }
        set alive [pid_alive $pid]
        kill_pid $pid
        set tail [log_tail $log]
        # Retry only for a port race (address already in use).
        if {!$alive && [string match -nocase "*address already in use*" $tail]} {
            continue
        }
        error "server did not start (command: $::server_path $args)\n--- log tail ($log) ---\n$tail"
    }
    error "server did not start after 3 attempts (port conflicts)"
}

proc srv {{field ""}} {
    set s [lindex $::servers end]
    if {$field eq ""} { return $s }
    return [dict get $s $field]
}

proc register_client {c} {
    set s [lindex $::servers end]
    dict lappend s clients $c
    lset ::servers end $s
}

proc redis_client {} {
    set c [::resp::connect 127.0.0.1 [srv port] 0]
    register_client $c
    return $c
}

proc redis_deferring_client {} {
    set c [::resp::connect 127.0.0.1 [srv port] 1]
    register_client $c
    return $c
}

# Send a command on the default client of the innermost server.
proc r {args} {
    set s [lindex $::servers end]
    if {![dict exists $s client] || [dict get $s client] eq ""} {
        error "no connection to the server"
    }
    tailcall [dict get $s client] {*}$args
}

# A request with its arguments sent as they are, bytes (::resp::encode
# sends UTF-8; binary values need this), and the default client's
# command with such arguments.
proc resp_encode_bytes {args} {
    set out "*[llength $args]\r\n"
    foreach a $args { append out "\$[string length $a]\r\n$a\r\n" }
    return $out
}

proc rbin {args} {
    r write [resp_encode_bytes {*}$args]
    return [r read]
}

proc reset_default_client {} {
    if {![llength $::servers]} return
    set s [lindex $::servers end]
    if {[dict exists $s dead]} return
    catch {[dict get $s client] close}
    if {[catch {::resp::connect 127.0.0.1 [dict get $s port] 0} c]} {
        dict set s client ""
    } else {
        dict set s client $c
    }
    lset ::servers end $s
}

proc server_is_alive {} {
    return [pid_alive [srv pid]]
}

# start_server {options} {body}
#   options: dict with optional keys
#     overrides  dict of directive -> value passed as --directive value
#     tags       list of tags for the tests inside
proc start_server {options body} {
    set overrides {}
    set tags {}
    if {[dict exists $options overrides]} { set overrides [dict get $options overrides] }
    if {[dict exists $options tags]} { set tags [dict get $options tags] }
    lappend ::tags_stack $tags
    # Do not even start a server if every test inside would be skipped
    # because of the start_server tags.
    if {![tags_allowed [current_tags]]} {
        set ::tags_stack [lrange $::tags_stack 0 end-1]
        return
    }
    if {[catch {spawn_server $overrides} s]} {
        record_failure "start_server" $s
        # Still walk through the body so that every test in it is counted
        # as failed (the test proc does not run bodies on a dead server).
        lappend ::servers [dict create dead "server not running" port 0 pid 0 clients {} client ""]
        catch {uplevel 1 $body}
        set ::servers [lrange $::servers 0 end-1]
        set ::tags_stack [lrange $::tags_stack 0 end-1]
        return
    }
    lappend ::servers $s
    reset_default_client
    set code [catch {uplevel 1 $body} err opts]
    if {$code == 1} {
        set msg "error outside of a test: $err"
        if {$::verbose} { append msg "\n[dict get $opts -errorinfo]" }
        record_failure "(file body)" $msg
    }
    set s [lindex $::servers end]
    set ::servers [lrange $::servers 0 end-1]
    catch {[dict get $s client] close}
    foreach c [dict get $s clients] { catch {$c close} }
    set pid [dict get $s pid]
    set died [expr {![pid_alive $pid]}]
    kill_pid $pid
    set idx [lsearch -exact $::all_pids $pid]
    if {$idx >= 0} { set ::all_pids [lreplace $::all_pids $idx $idx] }
    if {$died && ![dict exists $s expect_exit] && ![info exists ::expect_server_exit]} {
        record_failure "(server)" "server exited before the end of the tests\n--- log tail ---\n[log_tail [dict get $s log]]"
    }
    unset -nocomplain ::expect_server_exit
    set ::tags_stack [lrange $::tags_stack 0 end-1]
}

# Call in a test that makes the server exit on purpose (SHUTDOWN).
proc expect_server_exit {} {
    set ::expect_server_exit 1
}

proc kill_all_servers {} {
    foreach pid $::all_pids { catch {kill_pid $pid} }
    set ::all_pids {}
}
