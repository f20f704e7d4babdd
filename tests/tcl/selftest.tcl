#!/usr/bin/env tclsh
# Self test of the RESP client (no Redis server needed): a local socket
# plays canned replies and the parser must convert them as documented.
# Usage: tclsh tests/tcl/selftest.tcl

set dir [file dirname [file normalize [info script]]]
source [file join $dir helpers resp.tcl]

set ::canned ""
proc accept {fd host port} {
    fconfigure $fd -translation binary -blocking 0
    puts -nonewline $fd $::canned
    flush $fd
    if {$::close_after} { close $fd } else { lappend ::keep $fd }
}
set ::close_after 0
set srv [socket -server accept -myaddr 127.0.0.1 0]
set port [lindex [fconfigure $srv -sockname] 2]

set failures 0
set count 0
proc check {name expected got} {
    incr ::count
    if {$expected ne $got} {
        incr ::failures
        puts "FAIL $name: expected '$expected' got '$got'"
    }
}

# Read every reply from a canned byte stream.
proc replies {bytes n {close 0}} {
    set ::canned $bytes
    set ::close_after $close
    set c [::resp::connect 127.0.0.1 $::port 1]
    $c timeout 2000
    set out {}
    for {set i 0} {$i < $n} {incr i} {
        if {[catch {$c read} r]} { lappend out "ERROR:$r" } else { lappend out $r }
    }
    $c close
    return $out
}

check simple {OK} [replies "+OK\r\n" 1]
check error {{ERROR:ERR bad thing}} [replies "-ERR bad thing\r\n" 1]
check integer {42 -7} [replies ":42\r\n:-7\r\n" 2]
check bulk {hello {}} [replies "\$5\r\nhello\r\n\$0\r\n\r\n" 2]
check bulk-binary [list "a\r\nb"] [replies "\$4\r\na\r\nb\r\n" 1]
check null-bulk {{}} [replies "\$-1\r\n" 1]
check null-array {{}} [replies "*-1\r\n" 1]
check array {{1 2 {a b}}} [replies "*3\r\n:1\r\n:2\r\n*2\r\n+a\r\n\$1\r\nb\r\n" 1]
check empty-array {{}} [replies "*0\r\n" 1]
check nested-error {{x {ERR inner}}} [replies "*2\r\n+x\r\n-ERR inner\r\n" 1]
check resp3-null {{}} [replies "_\r\n" 1]
check double {3.14 inf -inf} [replies ",3.14\r\n,inf\r\n,-inf\r\n" 3]
check boolean {1 0} [replies "#t\r\n#f\r\n" 2]
check bignum {3492890328409238509324850943850943825024385} [replies "(3492890328409238509324850943850943825024385\r\n" 1]
check verbatim {{Some string}} [replies "=15\r\ntxt:Some string\r\n" 1]
check map {{k1 v1 k2 2}} [replies "%2\r\n+k1\r\n\$2\r\nv1\r\n+k2\r\n:2\r\n" 1]
check set {{a b}} [replies "~2\r\n+a\r\n+b\r\n" 1]
check push {{message chan hi}} [replies ">3\r\n+message\r\n+chan\r\n\$2\r\nhi\r\n" 1]
check attribute {{1 2}} [replies "|1\r\n+key-popularity\r\n%1\r\n\$1\r\na\r\n,0.19\r\n*2\r\n:1\r\n:2\r\n" 1]
check blob-error {{ERROR:SYNTAX invalid syntax}} [replies "!21\r\nSYNTAX invalid syntax\r\n" 1]
check closed {{ERROR:connection closed by server}} [replies "" 1 1]
check partial-then-closed {{ERROR:connection closed by server}} [replies "\$10\r\nabc" 1 1]

# Raw reads
set ::canned "%1\r\n+a\r\n_\r\n+next\r\n"
set ::close_after 0
set c [::resp::connect 127.0.0.1 $port 1]
check read_raw "%1\r\n+a\r\n_\r\n" [$c read_raw]
check read_line "+next" [$c read_line]
$c close

# Detecting a close
set ::canned "-ERR Protocol error: x\r\n"
set ::close_after 1
set c [::resp::connect 127.0.0.1 $port 1]
catch {$c read} e
check close-error "ERR Protocol error: x" $e
check closed 1 [$c closed 2000]
$c close

# Timeout
set ::canned ""
set ::close_after 0
set c [::resp::connect 127.0.0.1 $port 1]
$c timeout 200
catch {$c read} e
check timeout "I/O timeout waiting for a reply from the server" $e
check not-closed 0 [$c closed 100]
$c close

# Encoding
check encode "*2\r\n\$3\r\nGET\r\n\$1\r\nk\r\n" [::resp::encode GET k]
check encode-empty "*1\r\n\$0\r\n\r\n" [::resp::encode ""]

puts "$count checks, $failures failed"
exit [expr {$failures ? 1 : 0}]
