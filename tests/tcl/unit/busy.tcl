# Busy scripts (busy-reply-threshold, and its old name lua-time-limit): a
# script or function that runs longer makes every other client get -BUSY
# (but for the commands Redis allows then), SCRIPT KILL and FUNCTION KILL
# stop one that has not written (-UNKILLABLE otherwise), a kill cannot be
# caught by the script's pcall, FUNCTION STATS names the running function,
# SHUTDOWN NOSAVE ends the server, a library's code gets 500 ms to load.
#
# Each check opens fresh connections, so with 4 shards some land on the
# busy script's own shard and some on the others.

set ::busy_eval "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
set ::busy_fn "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."

# Wait until the server answers -BUSY (a script is past the threshold).
proc wait_busy {} {
    for {set i 0} {$i < 300} {incr i} {
        set c [redis_client]
        set busy [catch {$c ping} e]
        $c close
        if {$busy} { return $e }
        after 10
    }
    error "the script never became busy"
}

# n fresh connections each run the command and give its error (or reply).
proc on_fresh_clients {n args} {
    set out {}
    for {set i 0} {$i < $n} {incr i} {
        set c [redis_client]
        catch {$c {*}$args} e
        lappend out $e
        $c close
    }
    return [lsort -unique $out]
}

start_server {tags {busy} overrides {busy-reply-threshold 100}} {
    test "busy-reply-threshold and lua-time-limit are one setting" {
        assert_equal {lua-time-limit 100} [r config get lua-time-limit]
        r config set lua-time-limit 150
        assert_equal {busy-reply-threshold 150} [r config get busy-reply-threshold]
        r config set busy-reply-threshold 100
    }

    test "A busy EVAL: -BUSY for the others, the allowed commands, SCRIPT KILL" {
        set c [redis_deferring_client]
        $c eval {local i = 0 while true do i = i + 1 end} 0
        assert_equal $::busy_eval [wait_busy]
        assert_equal [list $::busy_eval] [on_fresh_clients 8 get k{a}]
        assert_equal [list $::busy_eval] [on_fresh_clients 4 set k{b} v]
        assert_equal [list $::busy_eval] [on_fresh_clients 2 function stats]
        assert_equal [list $::busy_eval] [on_fresh_clients 2 function kill]
        assert_equal [list $::busy_eval] [on_fresh_clients 2 shutdown]
        assert_equal {OK} [on_fresh_clients 2 multi]
        assert_equal {OK} [on_fresh_clients 2 unwatch]
        assert_match {7.*} [dict get [lindex [on_fresh_clients 1 hello 3] 0] version]
        set k [redis_client]
        assert_equal OK [$k script kill]
        assert_error "ERR Script killed by user with SCRIPT KILL... script: *, on @user_script:1." {$c read}
        assert_equal PONG [$k ping]
        assert_error "NOTBUSY No scripts in execution right now." {$k script kill}
        assert_equal {} [$k get k{b}]
        $k close
        $c close
    }

    test "A kill is not caught by the script's own pcall" {
        set c [redis_deferring_client]
        $c eval {
            local ok, e = pcall(function() local i = 0 while true do i = i + 1 end end)
            return {ok and 1 or 0, e}
        } 0
        wait_busy
        set k [redis_client]
        assert_equal OK [$k script kill]
        assert_error "ERR Script killed by user with SCRIPT KILL...*" {$c read}
        assert_equal PONG [$k ping]
        $k close
        $c close
    }

    test "A busy script that wrote is UNKILLABLE, and ends by itself" {
        set c [redis_deferring_client]
        $c eval {
            redis.call('set', KEYS[1], 'written')
            local s = redis.call('time')
            while true do
                local n = redis.call('time')
                if (n[1] - s[1]) * 1000000 + (n[2] - s[2]) > 600000 then break end
            end
            return 'done'
        } 1 w{a}
        wait_busy
        set k [redis_client]
        assert_error "UNKILLABLE Sorry the script already executed write commands against the dataset.*SHUTDOWN NOSAVE command." \
            {$k script kill}
        assert_error "UNKILLABLE*" {$k function kill}
        assert_equal done [$c read]
        assert_equal written [$k get w{a}]
        $k close
        $c close
    }

    test "A busy function: FUNCTION STATS names it, SCRIPT KILL is refused, FUNCTION KILL stops it" {
        r function flush
        r function load "#!lua name=spin\nredis.register_function('spin', function(keys, args)\nlocal i = 0\nwhile true do i = i + 1 end\nend)"
        set c [redis_deferring_client]
        $c fcall spin 1 mykey{a} arg1
        assert_equal $::busy_fn [wait_busy]
        assert_equal [list $::busy_fn] [on_fresh_clients 6 get mykey{a}]
        set k [redis_client]
        set st [$k function stats]
        set run [dict get $st running_script]
        assert_equal spin [dict get $run name]
        assert_equal {fcall spin 1 mykey{a} arg1} [dict get $run command]
        assert_morethan [dict get $run duration_ms] 99
        assert_equal {libraries_count 1 functions_count 1} [dict get [dict get $st engines] LUA]
        assert_error $::busy_fn {$k script kill}
        assert_equal OK [$k function kill]
        assert_error "ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:4." {$c read}
        assert_equal {} [dict get [$k function stats] running_script]
        $k close
        $c close
    }

    test "A busy script whose keys lie on several shards is killed too" {
        set c [redis_deferring_client]
        $c eval {
            redis.call('get', 'x{a}')
            redis.call('get', 'x{b}')
            redis.call('get', 'x{c}')
            local i = 0
            while true do i = i + 1 end
        } 0
        wait_busy
        set k [redis_client]
        assert_equal OK [$k script kill]
        assert_error "ERR Script killed by user with SCRIPT KILL... script: *" {$c read}
        assert_equal PONG [$k ping]
        $k close
        $c close
    }

    test "A library's code gets 500 ms to load" {
        assert_error "ERR Error registering functions: ERR FUNCTION LOAD timeout" \
            {r function load "#!lua name=inf\nwhile true do end"}
        assert_equal PONG [r ping]
    }
}

start_server {tags {busy} overrides {busy-reply-threshold 100}} {
    test "SHUTDOWN NOSAVE during a busy script ends the server" {
        set c [redis_deferring_client]
        $c eval {local i = 0 while true do i = i + 1 end} 0
        wait_busy
        expect_server_exit
        set k [redis_client]
        catch {$k shutdown nosave}
        wait_for_condition 100 50 {![server_is_alive]} else { fail "the server did not exit" }
    }
}
