# Test procs and assertions for the redis-shard behaviour tests.

set ::passed 0
set ::failed 0
set ::skipped 0
set ::failures {}
set ::tags_stack {}
set ::cur_file ""
set ::cur_test ""

# Record a failure (also used by the server helpers for start-up errors).
proc record_failure {name msg} {
    incr ::failed
    lappend ::failures [list $::cur_file $name $msg]
    puts "\[err\] $::cur_file: $name"
    foreach l [split $msg "\n"] { puts "      $l" }
}

proc current_tags {} {
    set t {}
    foreach l $::tags_stack { lappend t {*}$l }
    return $t
}

proc tags {taglist body} {
    lappend ::tags_stack $taglist
    set code [catch {uplevel 1 $body} res opts]
    set ::tags_stack [lrange $::tags_stack 0 end-1]
    if {$code} { return -options $opts $res }
    return $res
}

# Decide whether tests with the given tags must run.
proc tags_allowed {tags} {
    foreach t $tags {
        if {$t in $::skip_tags} { return 0 }
    }
    if {[llength $::only_tags]} {
        foreach t $tags {
            if {$t in $::only_tags} { return 1 }
        }
        return 0
    }
    return 1
}

proc test {name body} {
    set tags [current_tags]
    if {![tags_allowed $tags]} {
        incr ::skipped
        if {$::verbose} { puts "\[skip\] $name (tags: $tags)" }
        return
    }
    if {$::test_pattern ne "" && ![string match -nocase "*$::test_pattern*" $name]} {
        incr ::skipped
        return
    }
    if {[llength $::servers] && [dict exists [lindex $::servers end] dead]} {
        set why [dict get [lindex $::servers end] dead]
        incr ::failed
        lappend ::failures [list $::cur_file $name $why]
        if {$::verbose} { puts "\[err\] $::cur_file: $name ($why)" }
        return
    }
    set ::cur_test $name
    set where [assertion_context]
    set start [clock milliseconds]
    set code [catch {uplevel 1 $body} err opts]
    set elapsed [expr {[clock milliseconds] - $start}]
    set ::cur_test ""
    if {$code == 1} {
        set ecode [dict get $opts -errorcode]
        if {[lindex $ecode 0] eq "SKIP"} {
            incr ::skipped
            if {$::verbose} { puts "\[skip\] $name ($err)" }
            return
        }
        if {[string match "assertion:*" $err]} {
            set msg [string range $err 10 end]
        } else {
            set msg "exception: $err"
            # The last "uplevel" body line of the trace is the test body.
            set lines [regexp -all -inline {\("uplevel" body line (\d+)\)} [dict get $opts -errorinfo]]
            if {[regexp {^(.*):(\d+)$} $where -> wf wl] && [llength $lines]} {
                append msg " (at $wf:[expr {$wl + [lindex $lines end] - 1}])"
            }
            if {$::verbose} { append msg "\n[dict get $opts -errorinfo]" }
        }
        record_failure $name $msg
        # Give up on a server that stopped answering: after two tests in a
        # row ending in a read timeout, the rest of its tests fail at once.
        if {[llength $::servers]} {
            set s [lindex $::servers end]
            if {[string match "*I/O timeout*" $err]} {
                dict incr s timeouts
                if {[dict get $s timeouts] >= 2} {
                    dict set s dead "not run: the server stopped answering"
                    puts "      (server stopped answering: skipping the rest of its tests)"
                }
            } else {
                dict set s timeouts 0
            }
            lset ::servers end $s
        }
        # The default client may be out of sync (missing replies, RESP3
        # mode, MULTI state...): give the next test a fresh one.
        reset_default_client
        return
    }
    incr ::passed
    if {[llength $::servers]} {
        set s [lindex $::servers end]
        dict set s timeouts 0
        lset ::servers end $s
    }
    if {$::verbose} { puts "\[ok\] $name ($elapsed ms)" }
}

# Mark the running test as skipped.
proc skip_test {reason} {
    return -code error -errorcode SKIP $reason
}
proc skip_if_real_redis {{reason "specific to redis-shard"}} {
    if {!$::is_redis_shard} { skip_test $reason }
}
proc skip_if_redis_shard {{reason "specific to real Redis"}} {
    if {$::is_redis_shard} { skip_test $reason }
}

# Locate the failing line inside a unit test file, for error messages.
# Bodies given to test/start_server/tags are evaluated with uplevel, and Tcl
# reports lines relative to each body: add them up from the file frame.
proc assertion_context {} {
    set offset 0
    set prevproc ""
    for {set level [expr {[info frame] - 1}]} {$level > 0} {incr level -1} {
        set f [info frame $level]
        set proc ""
        if {[dict exists $f proc]} { set proc [dict get $f proc] }
        set iseval [expr {[dict get $f type] eq "eval"}]
        if {$iseval && $proc in {::test ::start_server ::tags}} {
            # Nested control structures in the same body report lines
            # relative to that body too: only count the innermost one.
            if {$prevproc ne $proc} {
                incr offset [expr {[dict get $f line] - 1}]
            }
        }
        set prevproc [expr {$iseval ? $proc : ""}]
        if {[dict exists $f file] && [string match "*/unit/*" [dict get $f file]]} {
            return "[file tail [dict get $f file]]:[expr {[dict get $f line] + $offset}]"
        }
    }
    return ""
}

proc fail {msg} {
    set ctx [assertion_context]
    if {$ctx ne ""} { set msg "$msg (at $ctx)" }
    error "assertion:$msg"
}

proc assert {condition} {
    if {![uplevel 1 [list expr $condition]]} {
        set subst ""
        catch {set subst [uplevel 1 [list subst -nocommands $condition]]}
        fail "Expected '$condition' to be true ($subst)"
    }
}

proc assert_equal {expected value {detail ""}} {
    if {$expected ne $value} {
        set m "Expected '[trunc $value]' to equal '[trunc $expected]'"
        if {$detail ne ""} { append m " ($detail)" }
        fail $m
    }
}

proc assert_not_equal {expected value {detail ""}} {
    if {$expected eq $value} {
        set m "Expected '[trunc $value]' to not equal '[trunc $expected]'"
        if {$detail ne ""} { append m " ($detail)" }
        fail $m
    }
}

proc assert_match {pattern value {detail ""}} {
    if {![string match $pattern $value]} {
        set m "Expected '[trunc $value]' to match '$pattern'"
        if {$detail ne ""} { append m " ($detail)" }
        fail $m
    }
}

proc assert_no_match {pattern value} {
    if {[string match $pattern $value]} {
        fail "Expected '[trunc $value]' to not match '$pattern'"
    }
}

proc assert_error {pattern code} {
    if {[catch {uplevel 1 $code} err]} {
        if {![string match $pattern $err]} {
            fail "Expected an error matching '$pattern' but got '$err'"
        }
    } else {
        fail "Expected an error matching '$pattern' but got '[trunc $err]' (no error)"
    }
}

proc assert_range {value min max} {
    if {!($value >= $min && $value <= $max)} {
        fail "Expected '$value' to be between $min and $max"
    }
}

proc assert_lessthan {value limit} {
    if {!($value < $limit)} { fail "Expected '$value' to be less than '$limit'" }
}

proc assert_morethan {value limit} {
    if {!($value > $limit)} { fail "Expected '$value' to be more than '$limit'" }
}

proc assert_type {type key} {
    assert_equal $type [r type $key]
}

proc trunc {s {n 300}} {
    if {[string length $s] > $n} {
        return "[string range $s 0 $n]...([string length $s] chars)"
    }
    return $s
}

# wait_for_condition maxtries delay_ms {condition} else {script}
proc wait_for_condition {maxtries delay condition elsekw elsescript} {
    if {$elsekw ne "else"} { error "wait_for_condition: expected 'else'" }
    while {[incr maxtries -1] >= 0} {
        if {[uplevel 1 [list expr $condition]]} { return }
        after $delay
    }
    uplevel 1 $elsescript
}

# Small utilities used by several test files.
proc randstring {min max {type alpha}} {
    set len [expr {$min + int(rand() * ($max - $min + 1))}]
    set s ""
    switch $type {
        alpha { set chars abcdefghijklmnopqrstuvwxyz }
        alnum { set chars abcdefghijklmnopqrstuvwxyz0123456789 }
        binary { set chars "" }
    }
    for {set i 0} {$i < $len} {incr i} {
        if {$type eq "binary"} {
            append s [format %c [expr {int(rand() * 256)}]]
        } else {
            append s [string index $chars [expr {int(rand() * [string length $chars])}]]
        }
    }
    return $s
}

# Parse an INFO reply into a dict field -> value.
proc info_dict {text} {
    set d {}
    foreach line [split $text "\r\n"] {
        if {$line eq "" || [string index $line 0] eq "#"} continue
        set i [string first : $line]
        if {$i < 0} continue
        dict set d [string range $line 0 [expr {$i - 1}]] [string range $line [expr {$i + 1}] end]
    }
    return $d
}

proc info_field {text field} {
    set d [info_dict $text]
    if {[dict exists $d $field]} { return [dict get $d $field] }
    return ""
}
