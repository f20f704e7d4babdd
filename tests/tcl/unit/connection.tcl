# Connection commands: PING ECHO QUIT RESET HELLO (RESP2/RESP3) CLIENT *
# SELECT AUTH.

# Parse one CLIENT LIST / CLIENT INFO line into a dict.
proc client_fields {line} {
    set d {}
    foreach kv [split [string trim $line] " "] {
        set i [string first = $kv]
        if {$i < 0} continue
        dict set d [string range $kv 0 [expr {$i - 1}]] [string range $kv [expr {$i + 1}] end]
    }
    return $d
}

proc client_list_lines {{args {}}} {
    set out {}
    foreach l [split [r client list {*}$args] "\n"] {
        if {[string trim $l] ne ""} { lappend out $l }
    }
    return $out
}

start_server {tags {connection}} {

    # ------------------------------------------------------------- PING/ECHO
    test "PING" {
        assert_equal PONG [r ping]
        assert_equal hello [r ping hello]
        assert_equal "" [r ping ""]
        assert_error "ERR wrong number of arguments for 'ping' command" {r ping a b}
    }

    test "PING reply types: simple string without argument, bulk with one" {
        set c [redis_deferring_client]
        $c ping
        assert_equal "+PONG\r\n" [$c read_raw]
        $c ping hi
        assert_equal "\$2\r\nhi\r\n" [$c read_raw]
        $c close
    }

    test "ECHO" {
        assert_equal hello [r echo hello]
        assert_equal "" [r echo ""]
        set v "bin\x00\r\nary"
        assert_equal $v [r echo $v]
        assert_error "ERR wrong number of arguments for 'echo' command" {r echo}
        assert_error "ERR wrong number of arguments for 'echo' command" {r echo a b}
    }

    # ------------------------------------------------------------------- QUIT
    test "QUIT replies OK and closes the connection" {
        set c [redis_deferring_client]
        $c quit
        assert_equal OK [$c read]
        assert_equal 1 [$c closed 3000]
        $c close
    }

    test "QUIT in a pipeline: later commands are not executed" {
        r del quit:k
        set c [redis_deferring_client]
        $c write "[::resp::encode SET quit:k 1][::resp::encode QUIT][::resp::encode SET quit:k 2]"
        assert_equal OK [$c read]
        assert_equal OK [$c read]
        assert_equal 1 [$c closed 3000]
        $c close
        assert_equal 1 [r get quit:k]
    }

    # ------------------------------------------------------------------ HELLO
    test "HELLO without arguments returns server information (RESP2)" {
        set h [r hello]
        assert_equal 14 [llength $h]
        assert_equal redis [dict get $h server]
        assert_equal 2 [dict get $h proto]
        assert_equal [r client id] [dict get $h id]
        assert_equal standalone [dict get $h mode]
        assert_equal master [dict get $h role]
        assert {[dict exists $h version]}
        assert {[dict exists $h modules]}
    }

    test "HELLO 2 replies with a flat array" {
        set c [redis_deferring_client]
        $c hello 2
        set raw [$c read_raw]
        assert_match "\\*14\r\n\$6\r\nserver\r\n\$5\r\nredis\r\n*" $raw
        $c close
    }

    test "HELLO 3 switches to RESP3 and replies with a map" {
        set c [redis_deferring_client]
        $c hello 3
        set raw [$c read_raw]
        assert_match "%7\r\n\$6\r\nserver\r\n\$5\r\nredis\r\n*\$5\r\nproto\r\n:3\r\n*" $raw
        $c close
    }

    test "HELLO 3 through the client converts the map to a flat list" {
        set c [redis_client]
        set h [$c hello 3]
        assert_equal 3 [dict get $h proto]
        assert_equal redis [dict get $h server]
        assert_equal [$c client id] [dict get $h id]
        $c close
    }

    test "RESP3 null reply for a missing key" {
        set c [redis_deferring_client]
        $c hello 3
        $c read
        $c del nokey
        $c read
        $c get nokey
        assert_equal "_\r\n" [$c read_raw]
        $c mget nokey nokey
        assert_equal "*2\r\n_\r\n_\r\n" [$c read_raw]
        $c set a 1
        $c read
        $c get a
        assert_equal "\$1\r\n1\r\n" [$c read_raw]
        # The client maps null to an empty string
        $c get nokey
        assert_equal {} [$c read]
        $c close
    }

    test "RESP2 null bulk and null array" {
        set c [redis_deferring_client]
        $c get nokey
        assert_equal "\$-1\r\n" [$c read_raw]
        $c mget nokey
        assert_equal "*1\r\n\$-1\r\n" [$c read_raw]
        $c close
    }

    test "RESP3 map reply for CONFIG GET" {
        set c [redis_deferring_client]
        $c hello 3
        $c read
        $c config get maxmemory
        set raw [$c read_raw]
        assert_match "%1\r\n\$9\r\nmaxmemory\r\n\$*" $raw
        $c close
    }

    test "Switching back from RESP3 to RESP2" {
        set c [redis_deferring_client]
        $c hello 3
        $c read
        $c hello 2
        $c read
        $c get nokey
        assert_equal "\$-1\r\n" [$c read_raw]
        $c close
    }

    test "HELLO with SETNAME" {
        set c [redis_client]
        $c hello 3 setname myname
        assert_equal myname [$c client getname]
        $c hello 2 setname other
        assert_equal other [$c client getname]
        $c close
    }

    test "HELLO with AUTH when no password is configured" {
        # The default user has no password: any password is accepted
        set c [redis_client]
        set h [$c hello 2 auth default anything]
        assert_equal 2 [dict get $h proto]
        assert_error "WRONGPASS invalid username-password pair or user is disabled." {$c hello 2 auth nouser pass}
        $c close
    }

    test "AUTH without a configured password" {
        assert_error "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?" {r auth foo}
        assert_error "WRONGPASS invalid username-password pair or user is disabled." {r auth nouser pass}
        assert_equal PONG [r ping]
    }

    test "HELLO errors" {
        assert_error "NOPROTO unsupported protocol version" {r hello 4}
        assert_error "NOPROTO unsupported protocol version" {r hello 1}
        assert_error "NOPROTO unsupported protocol version" {r hello 0}
        assert_error "NOPROTO unsupported protocol version" {r hello -1}
        assert_error "ERR Protocol version is not an integer or out of range" {r hello abc}
        assert_error "ERR Syntax error in HELLO option 'auth'" {r hello 2 auth}
        assert_error "ERR Syntax error in HELLO option 'auth'" {r hello 2 auth default}
        assert_error "ERR Syntax error in HELLO option 'setname'" {r hello 3 setname}
        assert_error "ERR Syntax error in HELLO option 'foo'" {r hello 2 foo}
        assert_error "ERR Client names cannot contain spaces, newlines or special characters." {r hello 2 setname "a b"}
        # The failed HELLO did not switch protocol
        set c [redis_deferring_client]
        catch {$c hello 3 foo}
        catch {$c read}
        $c get nokey
        assert_equal "\$-1\r\n" [$c read_raw]
        $c close
    }

    # ------------------------------------------------------------------ RESET
    test "RESET replies RESET and resets the connection state" {
        set c [redis_client]
        $c client setname before
        $c select 3
        $c hello 3
        assert_equal RESET [$c reset]
        assert_equal "" [$c client getname]
        set info [client_fields [$c client info]]
        assert_equal 0 [dict get $info db]
        assert_equal 2 [dict get $info resp]
        $c close
    }

    test "RESET in RESP3 replies a simple string" {
        set c [redis_deferring_client]
        $c hello 3
        $c read
        $c reset
        assert_equal "+RESET\r\n" [$c read_raw]
        $c get nokey
        assert_equal "\$-1\r\n" [$c read_raw]
        $c close
    }

    test "RESET turns CLIENT REPLY back on" {
        set c [redis_deferring_client]
        $c client reply off
        $c reset
        assert_equal RESET [$c read]
        $c ping
        assert_equal PONG [$c read]
        $c close
    }

    test "RESET arity" {
        assert_error "ERR wrong number of arguments for 'reset' command" {r reset x}
    }

    # ----------------------------------------------------------------- CLIENT
    test "CLIENT ID returns a unique increasing integer" {
        set id1 [r client id]
        assert {[string is integer -strict $id1] && $id1 > 0}
        set c [redis_client]
        set id2 [$c client id]
        assert {$id2 > $id1}
        assert_equal $id2 [$c client id]
        $c close
        assert_error "ERR wrong number of arguments for 'client|id' command" {r client id x}
    }

    test "CLIENT SETNAME / GETNAME" {
        assert_equal {} [r client getname]
        assert_equal OK [r client setname myconn]
        assert_equal myconn [r client getname]
        # Empty name resets it
        assert_equal OK [r client setname ""]
        assert_equal {} [r client getname]
    }

    test "CLIENT SETNAME errors" {
        set e "ERR Client names cannot contain spaces, newlines or special characters."
        assert_error $e {r client setname "a b"}
        assert_error $e {r client setname "a\nb"}
        assert_error $e {r client setname "a\x01b"}
        assert_error "ERR wrong number of arguments for 'client|setname' command" {r client setname}
        assert_error "ERR wrong number of arguments for 'client|getname' command" {r client getname x}
    }

    test "CLIENT INFO" {
        r client setname infotest
        set info [r client info]
        assert_match "id=*" $info
        set d [client_fields $info]
        assert_equal [r client id] [dict get $d id]
        assert_equal infotest [dict get $d name]
        assert_match "127.0.0.1:*" [dict get $d addr]
        assert_equal "127.0.0.1:[srv port]" [dict get $d laddr]
        assert_equal 0 [dict get $d db]
        assert_equal client|info [dict get $d cmd]
        assert_equal 2 [dict get $d resp]
        foreach f {fd age idle flags sub psub multi qbuf obl oll omem user} {
            assert {[dict exists $d $f]}
        }
        r client setname ""
    }

    test "CLIENT LIST shows every connection" {
        set c1 [redis_client]
        set c2 [redis_client]
        $c1 client setname one
        $c2 client setname two
        $c2 select 5
        set lines [client_list_lines]
        assert {[llength $lines] >= 3}
        set names {}
        foreach l $lines {
            set d [client_fields $l]
            foreach f {id addr laddr fd name age idle flags db cmd user} {
                assert {[dict exists $d $f]}
            }
            dict set names [dict get $d name] $d
        }
        assert_equal [$c1 client id] [dict get $names one id]
        assert_equal 5 [dict get $names two db]
        assert_equal select [dict get $names two cmd]
        $c1 close
        $c2 close
    }

    test "CLIENT LIST lines are separated by newlines" {
        set c1 [redis_client]
        set raw [r client list]
        assert_equal "\n" [string index $raw end]
        $c1 close
    }

    test "CLIENT LIST ID and TYPE filters" {
        set c1 [redis_client]
        set id [$c1 client id]
        set lines [client_list_lines id $id]
        assert_equal 1 [llength $lines]
        assert_equal $id [dict get [client_fields [lindex $lines 0]] id]
        set lines [client_list_lines id $id [r client id]]
        assert_equal 2 [llength $lines]
        assert_equal {} [client_list_lines id 999999]
        assert {[llength [client_list_lines type normal]] >= 2}
        assert_error "ERR Invalid client ID" {r client list id abc}
        assert_error "ERR Unknown client type 'foo'" {r client list type foo}
        $c1 close
    }

    test "CLIENT KILL ID" {
        set c [redis_deferring_client]
        $c client id
        set id [$c read]
        assert_equal 1 [r client kill id $id]
        assert_equal 1 [$c closed 3000]
        $c close
        assert_equal 0 [r client kill id $id]
    }

    test "CLIENT KILL ADDR" {
        set c [redis_deferring_client]
        $c client info
        set addr [dict get [client_fields [$c read]] addr]
        assert_equal 1 [r client kill addr $addr]
        assert_equal 1 [$c closed 3000]
        $c close
        assert_equal 0 [r client kill addr 1.2.3.4:5]
    }

    test "CLIENT KILL old form ip:port" {
        set c [redis_deferring_client]
        $c client info
        set addr [dict get [client_fields [$c read]] addr]
        assert_equal OK [r client kill $addr]
        assert_equal 1 [$c closed 3000]
        $c close
        assert_error "ERR No such client" {r client kill $addr}
        assert_error "ERR No such client" {r client kill 1.2.3.4:5}
    }

    test "CLIENT KILL LADDR kills the other clients of that address (SKIPME yes)" {
        set c1 [redis_deferring_client]
        set c2 [redis_deferring_client]
        $c1 ping
        $c2 ping
        $c1 read
        $c2 read
        set n [r client kill laddr 127.0.0.1:[srv port]]
        assert {$n >= 2}
        assert_equal 1 [$c1 closed 3000]
        assert_equal 1 [$c2 closed 3000]
        $c1 close
        $c2 close
        assert_equal PONG [r ping]
        assert_equal 0 [r client kill laddr 1.2.3.4:5]
    }

    test "CLIENT KILL with several filters" {
        set c1 [redis_deferring_client]
        $c1 client id
        set id [$c1 read]
        $c1 client info
        set addr [dict get [client_fields [$c1 read]] addr]
        # Filters are ANDed: wrong address, nothing killed
        assert_equal 0 [r client kill id $id addr 1.2.3.4:5]
        assert_equal 1 [r client kill id $id addr $addr]
        assert_equal 1 [$c1 closed 3000]
        $c1 close
    }

    test "CLIENT KILL USER" {
        set c1 [redis_deferring_client]
        set c2 [redis_deferring_client]
        $c1 ping
        $c2 ping
        $c1 read
        $c2 read
        set n [r client kill user default]
        assert {$n >= 2}
        assert_equal 1 [$c1 closed 3000]
        assert_equal 1 [$c2 closed 3000]
        $c1 close
        $c2 close
        # The caller was skipped
        assert_equal PONG [r ping]
        assert_error "ERR No such user 'nouser'" {r client kill user nouser}
    }

    test "CLIENT KILL SKIPME no kills the caller" {
        set c [redis_deferring_client]
        $c client id
        set id [$c read]
        $c client kill id $id skipme no
        assert_equal 1 [$c read]
        assert_equal 1 [$c closed 3000]
        $c close
        set c [redis_deferring_client]
        $c client id
        set id [$c read]
        $c client kill id $id skipme yes
        assert_equal 0 [$c read]
        $c ping
        assert_equal PONG [$c read]
        $c close
    }

    test "CLIENT KILL errors" {
        assert_error "ERR client-id should be greater than 0" {r client kill id abc}
        assert_error "ERR client-id should be greater than 0" {r client kill id 0}
        assert_error "ERR syntax error" {r client kill foo bar}
        assert_error "ERR syntax error" {r client kill id 1 skipme maybe}
        assert_error "ERR syntax error" {r client kill id 1 skipme}
        assert_error "ERR wrong number of arguments for 'client|kill' command" {r client kill}
    }

    test "CLIENT NO-EVICT" {
        assert_equal OK [r client no-evict on]
        assert_match "*flags=e*" [r client info]
        assert_equal OK [r client no-evict off]
        assert_equal OK [r client no-evict ON]
        assert_equal OK [r client no-evict OFF]
        assert_error "ERR syntax error" {r client no-evict foo}
        assert_error "ERR wrong number of arguments for 'client|no-evict' command" {r client no-evict}
    }

    test "CLIENT REPLY OFF / ON" {
        r del rk
        set c [redis_deferring_client]
        $c client reply off
        $c set rk 1
        $c incr rk
        $c client reply on
        assert_equal OK [$c read]
        $c get rk
        assert_equal 2 [$c read]
        $c close
    }

    test "CLIENT REPLY OFF also silences errors" {
        set c [redis_deferring_client]
        $c client reply off
        $c foo
        $c get
        $c client reply on
        assert_equal OK [$c read]
        $c close
    }

    test "CLIENT REPLY SKIP skips only the next reply" {
        r del rk
        set c [redis_deferring_client]
        $c client reply skip
        $c set rk 5
        $c incr rk
        assert_equal 6 [$c read]
        $c get rk
        assert_equal 6 [$c read]
        $c close
    }

    test "CLIENT REPLY ON when already on replies OK" {
        assert_equal OK [r client reply on]
    }

    test "CLIENT REPLY errors" {
        assert_error "ERR syntax error" {r client reply foo}
        assert_error "ERR wrong number of arguments for 'client|reply' command" {r client reply}
    }

    test "CLIENT unknown subcommand" {
        assert_error "ERR unknown subcommand 'foo'. Try CLIENT HELP." {r client foo}
        assert_error "ERR wrong number of arguments for 'client' command" {r client}
    }

    test "CLIENT HELP" {
        set help [r client help]
        assert_match "CLIENT <subcommand> *" [lindex $help 0]
        foreach sub {ID INFO KILL LIST GETNAME SETNAME REPLY} {
            assert {[lsearch -glob $help "$sub*"] >= 0}
        }
    }

    tags {redis72} {
        test "CLIENT SETINFO lib-name / lib-ver" {
            assert_equal OK [r client setinfo lib-name mylib]
            assert_equal OK [r client setinfo lib-ver 1.2.3]
            set d [client_fields [r client info]]
            assert_equal mylib [dict get $d lib-name]
            assert_equal 1.2.3 [dict get $d lib-ver]
            assert_error "ERR *" {r client setinfo lib-name "a b"}
            assert_error "ERR *" {r client setinfo foo bar}
            assert_equal mylib [dict get [client_fields [r client info]] lib-name]
        }
    }

    # ----------------------------------------------------------------- SELECT
    test "SELECT changes the database of the connection only" {
        r select 0
        r set selk db0
        set c [redis_client]
        assert_equal OK [$c select 2]
        assert_equal {} [$c get selk]
        assert_equal 2 [dict get [client_fields [$c client info]] db]
        assert_equal db0 [r get selk]
        $c close
    }

    test "SELECT errors" {
        assert_error "ERR DB index is out of range" {r select 16}
        assert_error "ERR DB index is out of range" {r select -1}
        assert_error "ERR value is not an integer or out of range" {r select x}
    }

    # ------------------------------------------------------- many connections
    test "Many concurrent connections" {
        set before [info_field [r info clients] connected_clients]
        set clients {}
        for {set i 0} {$i < 50} {incr i} {
            set c [redis_deferring_client]
            $c set conn:$i $i
            lappend clients $c
        }
        set ok 0
        foreach c $clients {
            if {[$c read] eq "OK"} { incr ok }
        }
        assert_equal 50 $ok
        set info [r info clients]
        assert_equal [expr {$before + 50}] [info_field $info connected_clients]
        foreach c $clients { $c close }
        wait_for_condition 50 20 {[info_field [r info clients] connected_clients] == $before} else {
            fail "closed clients still counted: [info_field [r info clients] connected_clients]"
        }
    }
}

start_server {tags {auth} overrides {requirepass s3cret}} {
    test "requirepass: commands need AUTH first" {
        set c [redis_client]
        assert_error "NOAUTH Authentication required." {$c set k v}
        assert_error "NOAUTH Authentication required." {$c get k}
        assert_error "NOAUTH HELLO must be called*" {$c hello 3}
        assert_error "WRONGPASS*" {$c auth wrong}
        assert_equal OK [$c auth s3cret]
        assert_equal OK [$c set k v]
        assert_equal v [$c get k]
        $c close
        set d [redis_client]
        assert_equal 14 [llength [$d hello 2 auth default s3cret]]
        assert_equal v [$d get k]
        $d close
    }
}

start_server {tags {connection}} {
    test "QUIT with its reply switched off closes the connection while another shard still owes a reply" {
        # The owner of {q} is kept busy by a long SORT; meanwhile clients send
        # GET {q}k (on a shard other than {q}'s the reply is sent by the owner
        # when it gets to it), then CLIENT REPLY OFF and QUIT, which have no
        # reply of their own. Each client must get its GET reply and then be
        # disconnected. Clients land on random shards; with several, some are
        # on a shard other than {q}'s.
        for {set i 0} {$i < 300000} {incr i 10000} {
            set vals {}
            for {set j 0} {$j < 10000} {incr j} { lappend vals "v[expr {($i + $j) * 7919 % 1000003}]" }
            r rpush "{q}list" {*}$vals
        }
        set sorter [redis_deferring_client]
        $sorter sort "{q}list" ALPHA STORE "{q}sorted"
        after 20
        set clients {}
        for {set i 0} {$i < 6} {incr i} {
            set c [redis_deferring_client]
            $c write [::resp::encode get "{q}missing"]
            lappend clients $c
        }
        after 20
        foreach c $clients {
            $c write "[::resp::encode client reply off][::resp::encode quit]"
        }
        foreach c $clients {
            assert_equal {} [$c read]
            assert_equal 1 [$c closed 10000]
        }
        assert_equal 300000 [$sorter read]
        $sorter close
        r del "{q}list" "{q}sorted"
    }
}
