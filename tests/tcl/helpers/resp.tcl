# Minimal RESP2/RESP3 client for the redis-shard behaviour tests.
#
# A client is a Tcl command created by ::resp::connect.  Usage:
#
#   set c [::resp::connect 127.0.0.1 6379 0]   ;# 0 = synchronous, 1 = deferring
#   $c set foo bar        ;# synchronous: sends the command, returns the reply
#   $c read               ;# deferring: read one reply
#   $c write $bytes       ;# send raw bytes (anything: inline, broken protocol...)
#   $c read_raw           ;# read one complete reply and return its raw bytes
#   $c read_line          ;# read one CRLF terminated line (without the CRLF)
#   $c closed ?ms?        ;# 1 if the server closed the connection (waits up to ms)
#   $c close
#
# Replies are converted like the Redis test client does: simple strings,
# bulk strings, integers, doubles and big numbers become Tcl strings, nulls
# become the empty string, booleans 1/0, arrays/sets/pushes Tcl lists and
# maps flat key/value lists.  A top level error reply raises a Tcl error whose
# message is the error text (without the leading '-').  Errors nested inside
# an aggregate are returned as plain strings so the stream stays in sync.

namespace eval ::resp {
    variable seq 0
    variable st
    array set st {}
    # Default I/O timeout in milliseconds for reads.
    variable timeout_ms 5000
}

proc ::resp::connect {host port {deferring 0}} {
    variable seq
    variable st
    variable timeout_ms
    set fd [socket $host $port]
    fconfigure $fd -translation binary -encoding binary -blocking 0 \
        -buffering full -buffersize 65536
    set id [incr seq]
    set st($id,fd) $fd
    set st($id,buf) ""
    set st($id,pos) 0
    set st($id,defer) $deferring
    set st($id,eof) 0
    set st($id,timeout) $timeout_ms
    set st($id,host) $host
    set st($id,port) $port
    set cmd ::resp::client$id
    interp alias {} $cmd {} ::resp::dispatch $id
    return $cmd
}

# Encode a command as a RESP multibulk request.
proc ::resp::encode {args} {
    set out "*[llength $args]\r\n"
    foreach a $args {
        set b [encoding convertto utf-8 $a]
        append out "\$[string length $b]\r\n$b\r\n"
    }
    return $out
}

proc ::resp::dispatch {id method args} {
    variable st
    if {![info exists st($id,fd)]} {
        error "client $id is closed"
    }
    switch -exact -- $method {
        read      { return [::resp::read_reply $id 1] }
        read_raw  { return [::resp::read_raw $id] }
        read_line { return [::resp::read_line $id] }
        read_bytes { return [::resp::read_bytes $id [lindex $args 0]] }
        write     { ::resp::send $id [lindex $args 0]; return }
        flush     { ::resp::do_flush $id; return }
        closed    { return [::resp::wait_closed $id {*}$args] }
        close     { ::resp::close $id; return }
        timeout   {
            if {[llength $args]} { set st($id,timeout) [lindex $args 0] }
            return $st($id,timeout)
        }
        fd        { return $st($id,fd) }
        deferring { return $st($id,defer) }
        addr      { return "$st($id,host):$st($id,port)" }
        default {
            ::resp::send $id [::resp::encode $method {*}$args]
            if {$st($id,defer)} { return }
            return [::resp::read_reply $id 1]
        }
    }
}

proc ::resp::send {id bytes} {
    variable st
    set fd $st($id,fd)
    if {[catch {
        puts -nonewline $fd $bytes
        flush $fd
    } err]} {
        error "I/O error writing to server: $err"
    }
}

proc ::resp::do_flush {id} {
    variable st
    catch {flush $st($id,fd)}
}

proc ::resp::close {id} {
    variable st
    catch {::close $st($id,fd)}
    interp alias {} ::resp::client$id {}
    array unset st $id,*
}

# Wait until there is something to read (or EOF), with a timeout.
# Appends the new data to the buffer.  Raises an error on EOF/timeout.
proc ::resp::fill {id} {
    variable st
    set fd $st($id,fd)
    set deadline [expr {[clock milliseconds] + $st($id,timeout)}]
    while 1 {
        if {[catch {read $fd} data]} {
            set st($id,eof) 1
            error "connection closed by server ($data)"
        }
        if {$data ne ""} {
            # Compact the buffer from time to time.
            if {$st($id,pos) > 65536 && ![info exists st($id,nocompact)]} {
                set st($id,buf) [string range $st($id,buf) $st($id,pos) end]
                set st($id,pos) 0
            }
            append st($id,buf) $data
            return
        }
        if {[eof $fd]} {
            set st($id,eof) 1
            error "connection closed by server"
        }
        set left [expr {$deadline - [clock milliseconds]}]
        if {$left <= 0} {
            error "I/O timeout waiting for a reply from the server"
        }
        set ::resp::ev($id) ""
        fileevent $fd readable [list set ::resp::ev($id) r]
        set timer [after $left [list set ::resp::ev($id) t]]
        vwait ::resp::ev($id)
        after cancel $timer
        catch {fileevent $fd readable {}}
        unset -nocomplain ::resp::ev($id)
    }
}

proc ::resp::read_line {id} {
    variable st
    set from $st($id,pos)
    while 1 {
        set idx [string first "\r\n" $st($id,buf) $from]
        if {$idx >= 0} {
            set line [string range $st($id,buf) $st($id,pos) [expr {$idx - 1}]]
            set st($id,pos) [expr {$idx + 2}]
            return $line
        }
        set from [expr {max($st($id,pos), [string length $st($id,buf)] - 1)}]
        set p0 $st($id,pos)
        ::resp::fill $id
        # fill may have compacted the buffer
        if {$st($id,pos) != $p0} { set from $st($id,pos) }
        if {$from < $st($id,pos)} { set from $st($id,pos) }
    }
}

proc ::resp::read_bytes {id n} {
    variable st
    while {[string length $st($id,buf)] - $st($id,pos) < $n} {
        ::resp::fill $id
    }
    set p $st($id,pos)
    set data [string range $st($id,buf) $p [expr {$p + $n - 1}]]
    set st($id,pos) [expr {$p + $n}]
    return $data
}

proc ::resp::read_bulk_body {id len} {
    set data [::resp::read_bytes $id [expr {$len + 2}]]
    if {[string range $data end-1 end] ne "\r\n"} {
        error "protocol error from server: bulk string not terminated by CRLF"
    }
    return [string range $data 0 end-2]
}

# Read one reply.  'top' is 1 for the outermost reply: a top level error
# is raised as a Tcl error, a nested one is returned as a string.
proc ::resp::read_reply {id top} {
    set line [::resp::read_line $id]
    set type [string index $line 0]
    set rest [string range $line 1 end]
    switch -exact -- $type {
        + { return $rest }
        - {
            if {$top} { return -code error -errorcode [list REDIS $rest] $rest }
            return $rest
        }
        : { return $rest }
        ( { return $rest }
        , { return $rest }
        _ { return {} }
        # {
            if {$rest eq "t"} { return 1 }
            if {$rest eq "f"} { return 0 }
            error "protocol error from server: bad boolean '$rest'"
        }
        $ {
            if {$rest < 0} { return {} }
            return [::resp::read_bulk_body $id $rest]
        }
        = {
            if {$rest < 0} { return {} }
            set s [::resp::read_bulk_body $id $rest]
            # Strip the 3 character format and the colon (e.g. "txt:").
            return [string range $s 4 end]
        }
        ! {
            set s [::resp::read_bulk_body $id $rest]
            if {$top} { return -code error -errorcode [list REDIS $s] $s }
            return $s
        }
        * - ~ - > {
            if {$rest < 0} { return {} }
            set l {}
            for {set i 0} {$i < $rest} {incr i} {
                lappend l [::resp::read_reply $id 0]
            }
            return $l
        }
        % {
            set l {}
            for {set i 0} {$i < $rest} {incr i} {
                lappend l [::resp::read_reply $id 0] [::resp::read_reply $id 0]
            }
            return $l
        }
        | {
            # Attributes: read and discard, then return the real reply.
            for {set i 0} {$i < $rest} {incr i} {
                ::resp::read_reply $id 0
                ::resp::read_reply $id 0
            }
            return [::resp::read_reply $id $top]
        }
        default {
            error "protocol error from server: unexpected reply line '[string range $line 0 60]'"
        }
    }
}

# Read one full reply and return its exact bytes.
proc ::resp::read_raw {id} {
    variable st
    set st($id,nocompact) 1
    set start $st($id,pos)
    set code [catch {::resp::read_reply $id 0} err opts]
    unset st($id,nocompact)
    if {$code != 0} {
        return -options $opts $err
    }
    return [string range $st($id,buf) $start [expr {$st($id,pos) - 1}]]
}

# Return 1 if the server closed the connection within 'ms' milliseconds.
# Any data received in the meantime is buffered (still readable).
proc ::resp::wait_closed {id {ms 3000}} {
    variable st
    if {$st($id,eof)} { return 1 }
    set saved $st($id,timeout)
    set st($id,timeout) $ms
    set deadline [expr {[clock milliseconds] + $ms}]
    set closed 0
    while {[clock milliseconds] < $deadline} {
        if {[catch {::resp::fill $id} err]} {
            if {[string match "connection closed*" $err]} { set closed 1 }
            break
        }
        set st($id,timeout) [expr {max(1, $deadline - [clock milliseconds])}]
    }
    set st($id,timeout) $saved
    return $closed
}
