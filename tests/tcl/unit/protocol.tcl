# Protocol handling: inline commands, multibulk parsing, protocol errors,
# pipelining, generic command errors.

# Send raw bytes on a fresh connection and return the first reply
# (as "ERR: text" for errors).
proc raw_reply {bytes} {
    set c [redis_deferring_client]
    $c write $bytes
    if {[catch {$c read} reply]} { set reply "ERR: $reply" }
    $c close
    return $reply
}

# Send bytes expected to trigger a protocol error.  Returns the error text
# and checks that the server closed the connection.
proc protocol_error {bytes} {
    set c [redis_deferring_client]
    $c write $bytes
    if {![catch {$c read} reply]} {
        $c close
        fail "expected a protocol error, got reply '$reply'"
    }
    if {![$c closed 3000]} {
        $c close
        fail "the server did not close the connection after '$reply'"
    }
    $c close
    return $reply
}

proc assert_server_healthy {} {
    set c [redis_client]
    assert_equal PONG [$c ping]
    $c set health:check ok
    assert_equal ok [$c get health:check]
    $c close
}

start_server {tags {protocol}} {

    # ---------------------------------------------------------------- inline
    test "Inline PING" {
        assert_equal PONG [raw_reply "PING\r\n"]
    }

    test "Inline command terminated only by LF" {
        assert_equal PONG [raw_reply "PING\n"]
    }

    test "Inline command with arguments" {
        set c [redis_deferring_client]
        $c write "set inline:k hello\r\nget inline:k\r\n"
        assert_equal OK [$c read]
        assert_equal hello [$c read]
        $c close
    }

    test "Inline command with double quoted argument" {
        set c [redis_deferring_client]
        $c write "set inline:k \"a b\"\r\nget inline:k\r\n"
        assert_equal OK [$c read]
        assert_equal "a b" [$c read]
        $c close
    }

    test "Inline command with single quoted argument" {
        set c [redis_deferring_client]
        $c write "set inline:k 'c d'\r\nget inline:k\r\n"
        assert_equal OK [$c read]
        assert_equal "c d" [$c read]
        $c close
    }

    test "Inline command with escapes in double quotes" {
        assert_equal "AJ\n" [raw_reply "ECHO \"\\x41\\x4a\\n\"\r\n"]
    }

    test "Inline commands: empty lines are ignored" {
        assert_equal PONG [raw_reply "\r\n\r\n\n PING\r\n"]
    }

    test "Inline command with extra spaces between arguments" {
        assert_equal "x" [raw_reply "ECHO     x   \r\n"]
    }

    test "Inline unknown command" {
        assert_equal "ERR: ERR unknown command 'foo', with args beginning with: 'a' 'b' " [raw_reply "foo a b\r\n"]
    }

    test "Inline unbalanced quotes is a protocol error" {
        assert_equal "ERR Protocol error: unbalanced quotes in request" [protocol_error "set k \"a b\r\n"]
        assert_equal "ERR Protocol error: unbalanced quotes in request" [protocol_error "set k 'a b\r\n"]
        # A closing quote must be followed by a space
        assert_equal "ERR Protocol error: unbalanced quotes in request" [protocol_error "set \"a\"b c\r\n"]
        assert_server_healthy
    }

    test "Inline request too big" {
        assert_equal "ERR Protocol error: too big inline request" [protocol_error [string repeat a 70000]]
        assert_server_healthy
    }

    test "Inline command sent one byte at a time" {
        set c [redis_deferring_client]
        foreach ch [split "ECHO slowly\r\n" ""] {
            $c write $ch
            after 2
        }
        assert_equal slowly [$c read]
        $c close
    }

    # ------------------------------------------------------------- multibulk
    test "Multibulk request" {
        assert_equal PONG [raw_reply "*1\r\n\$4\r\nPING\r\n"]
        assert_equal hello [raw_reply "*2\r\n\$4\r\nECHO\r\n\$5\r\nhello\r\n"]
    }

    test "Multibulk command names are case insensitive" {
        assert_equal PONG [raw_reply "*1\r\n\$4\r\npInG\r\n"]
    }

    test "Multibulk with an empty argument" {
        assert_equal "" [raw_reply "*2\r\n\$4\r\nECHO\r\n\$0\r\n\r\n"]
    }

    test "Multibulk with binary argument" {
        set v "a\r\n\x00b"
        set c [redis_deferring_client]
        $c write "*3\r\n\$3\r\nSET\r\n\$5\r\nbin:k\r\n\$[string length $v]\r\n$v\r\n"
        assert_equal OK [$c read]
        $c get bin:k
        assert_equal $v [$c read]
        $c close
    }

    test "Empty multibulk *0 is ignored" {
        assert_equal PONG [raw_reply "*0\r\n*0\r\n*1\r\n\$4\r\nPING\r\n"]
    }

    test "Negative multibulk length *-1 is ignored" {
        assert_equal PONG [raw_reply "*-1\r\n*1\r\n\$4\r\nPING\r\n"]
    }

    test "Empty command name" {
        assert_equal "ERR: ERR unknown command '', with args beginning with: " [raw_reply "*1\r\n\$0\r\n\r\n"]
    }

    test "Multibulk commands split across writes at every position" {
        set cmds [list [::resp::encode SET split:k hello] \
                       [::resp::encode APPEND split:k " world"] \
                       [::resp::encode GET split:k]]
        set payload [join $cmds ""]
        set c [redis_deferring_client]
        set len [string length $payload]
        for {set cut 1} {$cut < $len} {incr cut} {
            $c write [string range $payload 0 [expr {$cut - 1}]]
            after 1
            $c write [string range $payload $cut end]
            assert_equal OK [$c read]
            assert_equal 11 [$c read]
            assert_equal "hello world" [$c read]
        }
        $c close
    }

    test "Multibulk commands split in random chunks" {
        set payload ""
        set expected {}
        for {set i 0} {$i < 200} {incr i} {
            set v [randstring 0 40 alnum]
            append payload [::resp::encode SET chunk:$i $v]
            append payload [::resp::encode GET chunk:$i]
            lappend expected OK $v
        }
        set c [redis_deferring_client]
        set pos 0
        set len [string length $payload]
        set n 0
        while {$pos < $len} {
            set sz [expr {1 + int(rand() * 20)}]
            $c write [string range $payload $pos [expr {$pos + $sz - 1}]]
            incr pos $sz
            if {[incr n] % 50 == 0} { after 1 }
        }
        set got {}
        foreach e $expected { lappend got [$c read] }
        assert_equal $expected $got
        $c close
    }

    test "Large argument (1 MB) in a multibulk" {
        set big [string repeat "0123456789" 100000]
        set c [redis_deferring_client]
        $c set big:k $big
        assert_equal OK [$c read]
        $c strlen big:k
        assert_equal 1000000 [$c read]
        $c close
    }

    # -------------------------------------------------------- protocol errors
    test "Protocol error: invalid multibulk length" {
        assert_equal "ERR Protocol error: invalid multibulk length" [protocol_error "*abc\r\n"]
        assert_equal "ERR Protocol error: invalid multibulk length" [protocol_error "*+1\r\n"]
        assert_equal "ERR Protocol error: invalid multibulk length" [protocol_error "*3000000000\r\n"]
        assert_server_healthy
    }

    test "Protocol error: expected '\$'" {
        assert_equal "ERR Protocol error: expected '\$', got 'x'" [protocol_error "*1\r\nx\r\n"]
        assert_equal "ERR Protocol error: expected '\$', got '*'" [protocol_error "*2\r\n\$4\r\nPING\r\n*1\r\n"]
        assert_server_healthy
    }

    test "Protocol error: invalid bulk length" {
        assert_equal "ERR Protocol error: invalid bulk length" [protocol_error "*1\r\n\$abc\r\n"]
        assert_equal "ERR Protocol error: invalid bulk length" [protocol_error "*1\r\n\$-1\r\n"]
        assert_equal "ERR Protocol error: invalid bulk length" [protocol_error "*1\r\n\$-5\r\n"]
        assert_equal "ERR Protocol error: invalid bulk length" [protocol_error "*1\r\n\$+5\r\n"]
        assert_server_healthy
    }

    test "Protocol error: huge declared bulk length is refused" {
        assert_equal "ERR Protocol error: invalid bulk length" [protocol_error "*1\r\n\$4294967296\r\n"]
        assert_equal "ERR Protocol error: invalid bulk length" [protocol_error "*1\r\n\$536870913\r\n"]
        assert_equal "ERR Protocol error: invalid bulk length" [protocol_error "*1\r\n\$99999999999999999999999\r\n"]
        assert_server_healthy
    }

    test "Protocol error: too big count strings" {
        assert_equal "ERR Protocol error: too big mbulk count string" [protocol_error "*[string repeat 1 70000]"]
        assert_equal "ERR Protocol error: too big bulk count string" [protocol_error "*1\r\n\$[string repeat 1 70000]"]
        assert_server_healthy
    }

    test "Protocol error after valid commands: earlier replies are delivered" {
        set c [redis_deferring_client]
        $c write "*1\r\n\$4\r\nPING\r\n*1\r\n\$4\r\nPING\r\n*x\r\n*1\r\n\$4\r\nPING\r\n"
        assert_equal PONG [$c read]
        assert_equal PONG [$c read]
        assert_error "ERR Protocol error: invalid multibulk length" {$c read}
        assert_equal 1 [$c closed 3000]
        $c close
    }

    test "Garbage bytes do not hurt the server" {
        set c [redis_deferring_client]
        set garbage ""
        for {set i 0} {$i < 300} {incr i} {
            # Avoid NUL, CR, LF and quotes to get a single inline line
            set b [expr {1 + int(rand() * 255)}]
            if {$b in {10 13 34 39}} continue
            append garbage [format %c $b]
        }
        $c write "$garbage\r\n"
        # Either an error reply (unknown command...) or the connection closes.
        catch {$c read} reply
        assert {$reply ne "" || [$c closed 1000]}
        $c close
        set c [redis_deferring_client]
        $c write "*1\r\n\$3\r\n\x01\x02\x03\x04\x05\x06*\$\$\r\n\xff\xfe*\r\n"
        catch {$c read}
        $c close
        assert_server_healthy
    }

    test "A protocol error on one client does not affect other clients" {
        set other [redis_deferring_client]
        $other set proto:other 1
        assert_equal OK [$other read]
        protocol_error "*1\r\n\$zzz\r\n"
        $other get proto:other
        assert_equal 1 [$other read]
        $other close
    }

    test "Client receives nothing more after its connection is closed" {
        set c [redis_deferring_client]
        $c write "*1\r\n\$a\r\n"
        assert_error "*Protocol error*" {$c read}
        assert_equal 1 [$c closed 3000]
        assert_error "*closed*" {$c read}
        $c close
    }

    # ---------------------------------------------------------- command errors
    test "Unknown command error" {
        assert_error "ERR unknown command 'foo', with args beginning with: 'a' 'b' " {r foo a b}
        assert_error "ERR unknown command 'foo', with args beginning with: " {r foo}
        assert_error "ERR unknown command 'FOO', with args beginning with: 'A' " {r FOO A}
    }

    test "Unknown command error truncates long names and arguments" {
        set e "ERR unknown command 'foo', with args beginning with: '[string repeat x 128]' "
        assert_equal "ERR: $e" [raw_reply [::resp::encode foo [string repeat x 200]]]
    }

    test "Unknown command error lists arguments until 128 characters" {
        set args {}
        foreach x {a b c d e f g h i j k l m n o p q r s t u v w x y z} { lappend args $x }
        foreach x {a b c d e f g h i j k l m n o p q r s t u v w x y z} { lappend args $x$x }
        set expected "ERR unknown command 'foo', with args beginning with: "
        foreach a [lrange $args 0 30] { append expected "'$a' " }
        assert_error $expected {r foo {*}$args}
    }

    test "Unknown command with a very long name" {
        set name [string repeat y 200]
        assert_error "ERR unknown command '[string repeat y 128]', with args beginning with: 'a' " {r $name a}
    }

    test "Error messages do not contain newlines" {
        assert_error "ERR unknown command 'foo', with args beginning with: 'a  b' " {r foo "a\r\nb"}
    }

    test "Wrong number of arguments error" {
        assert_error "ERR wrong number of arguments for 'get' command" {r get}
        assert_error "ERR wrong number of arguments for 'get' command" {r GET}
        assert_error "ERR wrong number of arguments for 'set' command" {r set a}
        assert_error "ERR wrong number of arguments for 'echo' command" {r echo a b}
    }

    test "Unknown subcommand and subcommand arity errors" {
        assert_error "ERR unknown subcommand 'foo'. Try CLIENT HELP." {r client foo}
        assert_error "ERR unknown subcommand 'foo'. Try CONFIG HELP." {r config foo}
        assert_error "ERR wrong number of arguments for 'config|get' command" {r config get}
        assert_error "ERR wrong number of arguments for 'client|setname' command" {r client setname}
    }

    test "Errors do not break the connection" {
        catch {r foo}
        catch {r get}
        assert_equal PONG [r ping]
    }

    # ---------------------------------------------------------------- pipeline
    test "Pipeline of 10000 commands in a single write is answered in order" {
        set payload ""
        for {set i 0} {$i < 10000} {incr i} {
            if {$i % 2 == 0} {
                append payload [::resp::encode SET pipe:$i $i]
            } else {
                append payload [::resp::encode GET pipe:[expr {$i - 1}]]
            }
        }
        set c [redis_deferring_client]
        $c write $payload
        set bad 0
        for {set i 0} {$i < 10000} {incr i} {
            set reply [$c read]
            if {$i % 2 == 0} {
                set exp OK
            } else {
                set exp [expr {$i - 1}]
            }
            if {$reply ne $exp} { incr bad }
        }
        assert_equal 0 $bad
        $c close
    }

    test "Pipeline of 10000 inline PINGs" {
        set c [redis_deferring_client]
        $c write [string repeat "PING\r\n" 10000]
        set pongs 0
        for {set i 0} {$i < 10000} {incr i} {
            if {[$c read] eq "PONG"} { incr pongs }
        }
        assert_equal 10000 $pongs
        $c close
    }

    test "Pipeline mixing inline and multibulk requests" {
        set c [redis_deferring_client]
        $c write "PING\r\n*2\r\n\$4\r\nECHO\r\n\$1\r\na\r\nECHO b\r\n*1\r\n\$4\r\nPING\r\n"
        assert_equal {PONG a b PONG} [list [$c read] [$c read] [$c read] [$c read]]
        $c close
    }

    test "Pipeline containing errors keeps going" {
        set c [redis_deferring_client]
        $c write "[::resp::encode SET pe 1][::resp::encode FOO][::resp::encode INCR pe][::resp::encode GET][::resp::encode GET pe]"
        assert_equal OK [$c read]
        assert_error "ERR unknown command*" {$c read}
        assert_equal 2 [$c read]
        assert_error "ERR wrong number of arguments*" {$c read}
        assert_equal 2 [$c read]
        $c close
    }

    # ---------------------------------------------------- proto-max-bulk-len
    test "proto-max-bulk-len limits the bulk length" {
        assert_equal OK [r config set proto-max-bulk-len 1048576]
        assert_equal {proto-max-bulk-len 1048576} [r config get proto-max-bulk-len]
        # Exactly the limit is accepted
        set c [redis_deferring_client]
        $c set maxbulk:k [string repeat x 1048576]
        assert_equal OK [$c read]
        $c close
        assert_equal "ERR Protocol error: invalid bulk length" [protocol_error "*3\r\n\$3\r\nSET\r\n\$1\r\nk\r\n\$1048577\r\n"]
        assert_server_healthy
        r config set proto-max-bulk-len 536870912
    }

    test "proto-max-bulk-len limits SETRANGE and APPEND results" {
        r config set proto-max-bulk-len 1048576
        r del k
        assert_error "ERR string exceeds maximum allowed size (proto-max-bulk-len)" {r setrange k 1048576 x}
        r set k [string repeat x 1048576]
        assert_error "ERR string exceeds maximum allowed size (proto-max-bulk-len)" {r append k y}
        r del k
        r config set proto-max-bulk-len 536870912
    }

    test "A client killed mid-pipeline leaves the server serving others" {
        # keys spread over every shard; the client vanishes before reading
        set payload ""
        for {set i 0} {$i < 20000} {incr i} {
            append payload [::resp::encode SET kill:$i $i]
            append payload [::resp::encode GET kill:[expr {$i / 2}]]
        }
        for {set round 0} {$round < 5} {incr round} {
            set c [redis_deferring_client]
            $c write $payload
            # half a command at the end, then gone
            $c write "*3\r\n\$3\r\nSET\r\n\$4\r\nhalf"
            $c close
        }
        # a client that reads a few replies and then disappears
        set c [redis_deferring_client]
        $c write $payload
        $c read
        $c read
        $c close
        # (what landed depends on when the kernel saw the reset; the server
        # must simply keep going)
        assert_server_healthy
        r set kill:after 1
        assert_equal 1 [r get kill:after]
        assert {[r dbsize] >= 2}
    }
}
