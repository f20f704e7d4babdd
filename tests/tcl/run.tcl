#!/usr/bin/env tclsh
# Behaviour test runner for redis-shard (Redis style Tcl tests).
#
# Usage (from the repository root):
#   tclsh tests/tcl/run.tcl [--server PATH] [--redis] [--shards N]
#                           [--only PATTERN] [--test PATTERN] [--verbose]
#                           [--tag TAG] [--only-tag TAG] [--skip-tag TAG]
#                           [--timeout MS]
#
#   --server PATH    server binary (default: src/redis-shard)
#   --redis          run against /usr/bin/redis-server (validates the tests)
#   --shards N       pass --shards N to redis-shard (default 4; ignored for redis)
#   --only PATTERN   only run unit files whose name matches PATTERN
#                    (glob, matched against e.g. "strings" and "strings.tcl";
#                    may be repeated)
#   --test PATTERN   only run tests whose name contains PATTERN
#   --tag TAG        enable tests with TAG that are skipped by default
#                    (e.g. needs-types for redis-shard); may be repeated
#   --only-tag TAG   only run tests carrying TAG; may be repeated
#   --skip-tag TAG   skip tests carrying TAG; may be repeated
#   --timeout MS     per reply read timeout (default 5000)
#   --verbose        print every test, and stack traces of exceptions
#
# Default skipped tags: none for redis-shard; for real Redis
# "redis72" (features newer than Redis 7.0) and "redis-shard-only".
#
# The last line printed is "N passed, N failed"; the exit code is 1 if
# anything failed.

set ::testdir [file dirname [file normalize [info script]]]
set ::repo_root [file dirname [file dirname $::testdir]]

source [file join $::testdir helpers resp.tcl]
source [file join $::testdir helpers test.tcl]
source [file join $::testdir helpers server.tcl]

set ::server_path ""
set ::is_redis_shard 1
set ::shards 4
set ::verbose 0
set ::only_files {}
set ::test_pattern ""
set ::enable_tags {}
set ::only_tags {}
set ::extra_skip {}

proc usage {} {
    puts stderr "usage: tclsh tests/tcl/run.tcl \[--server PATH\] \[--redis\] \[--shards N\] \[--only PATTERN\] \[--test PATTERN\] \[--tag TAG\] \[--only-tag TAG\] \[--skip-tag TAG\] \[--timeout MS\] \[--verbose\]"
    exit 2
}

for {set i 0} {$i < [llength $argv]} {incr i} {
    set a [lindex $argv $i]
    set v [lindex $argv [expr {$i + 1}]]
    switch -exact -- $a {
        --server   { set ::server_path $v; incr i }
        --redis    { set ::is_redis_shard 0 }
        --shards   { set ::shards $v; incr i }
        --only     { lappend ::only_files $v; incr i }
        --test     { set ::test_pattern $v; incr i }
        --tag      { lappend ::enable_tags $v; incr i }
        --tags     { lappend ::enable_tags {*}$v; incr i }
        --only-tag { lappend ::only_tags $v; incr i }
        --skip-tag { lappend ::extra_skip $v; incr i }
        --timeout  { set ::resp::timeout_ms $v; incr i }
        --verbose  { set ::verbose 1 }
        -h - --help { usage }
        default    { puts stderr "unknown option $a"; usage }
    }
}

if {$::server_path eq ""} {
    if {$::is_redis_shard} {
        set ::server_path [file join $::repo_root src redis-shard]
    } else {
        set ::server_path /usr/bin/redis-server
    }
} else {
    set ::server_path [file normalize $::server_path]
    # A --server pointing at a real redis-server implies --redis.
    if {[string match "redis-server*" [file tail $::server_path]]} {
        set ::is_redis_shard 0
    }
}

if {$::is_redis_shard} {
    set default_skip {}
} else {
    set default_skip {redis72 redis-shard-only}
}
set ::skip_tags {}
foreach t $default_skip {
    if {$t ni $::enable_tags && $t ni $::only_tags} { lappend ::skip_tags $t }
}
lappend ::skip_tags {*}$::extra_skip

set ::tmproot [file join /tmp "redis-shard-tcl-[pid]"]
file mkdir $::tmproot

puts "server: $::server_path ([expr {$::is_redis_shard ? "redis-shard, $::shards shards" : "real redis"}])"
if {[llength $::skip_tags]} { puts "skipping tags: $::skip_tags" }

set files [lsort [glob -nocomplain -directory [file join $::testdir unit] *.tcl]]
if {[llength $::only_files]} {
    set sel {}
    foreach f $files {
        set base [file tail $f]
        set root [file rootname $base]
        foreach p $::only_files {
            if {[string match $p $base] || [string match $p $root]} {
                lappend sel $f
                break
            }
        }
    }
    set files $sel
}

if {![file executable $::server_path]} {
    puts "warning: server binary $::server_path is not executable (or missing)"
}

set t0 [clock milliseconds]
foreach f $files {
    set ::cur_file [file tail $f]
    set ft0 [clock milliseconds]
    set p0 $::passed
    set f0 $::failed
    puts "=== $::cur_file"
    if {[catch {uplevel #0 [list source $f]} err opts]} {
        set msg "error loading/running file: $err"
        if {$::verbose} { append msg "\n[dict get $opts -errorinfo]" }
        record_failure "(file)" $msg
        # Make sure nothing of this file keeps running.
        while {[llength $::servers]} {
            set s [lindex $::servers end]
            set ::servers [lrange $::servers 0 end-1]
            catch {kill_pid [dict get $s pid]}
        }
        set ::tags_stack {}
    }
    puts [format "    %s: %d passed, %d failed (%.1f s)" $::cur_file \
              [expr {$::passed - $p0}] [expr {$::failed - $f0}] \
              [expr {([clock milliseconds] - $ft0) / 1000.0}]]
}
kill_all_servers

if {$::failed} {
    puts "\nFailures:"
    set notrun 0
    foreach fl $::failures {
        lassign $fl file name msg
        if {$msg eq "server not running" || [string match "not run:*" $msg]} { incr notrun; continue }
        puts "  $file: $name"
        foreach l [split $msg "\n"] { puts "      $l" }
    }
    if {$notrun} {
        puts "  ($notrun tests failed without running: their server did not start or stopped answering)"
    }
    puts "(server logs kept under $::tmproot)"
} else {
    catch {file delete -force $::tmproot}
}
puts [format "\n%d skipped (%.1f s)" $::skipped [expr {([clock milliseconds] - $t0) / 1000.0}]]
puts "$::passed passed, $::failed failed"
exit [expr {$::failed ? 1 : 0}]
