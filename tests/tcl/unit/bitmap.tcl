# Bitmaps (strings as bit arrays): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP,
# BITFIELD, BITFIELD_RO with Redis 7.0's replies and errors, checked
# command by command against redis-server 7.0.15 (the table below was
# produced by running these commands there; `--redis` runs it there
# again). With 4 shards the keys of one BITOP lie on several shards.

# Each command and its reply on redis-server 7.0.15 (errors as "ERR:
# message", GET replies in hex), after the setup in the first test.
set ::bit_table {
    {setbit b 7 1} 0
    {setbit b 7 1} 1
    {getbit b 7} 1
    {getbit b 100} 0
    {getbit nokey 0} 0
    {setbit b 7 2} {ERR: ERR bit is not an integer or out of range}
    {setbit b -1 1} {ERR: ERR bit offset is not an integer or out of range}
    {setbit b 4294967296 1} {ERR: ERR bit offset is not an integer or out of range}
    {setbit b 4294967295x 1} {ERR: ERR bit offset is not an integer or out of range}
    {getbit b -1} {ERR: ERR bit offset is not an integer or out of range}
    {setbit b 100 1} 0
    {strlen b} 13
    {getbit b 100} 1
    {setbit b 100 0} 1
    {bitcount b} 1
    {set n 12345} OK
    {getbit n 0} 0
    {getbit n 2} 1
    {bitcount n} 17
    {setbit n 0 1} 0
    {object encoding n} raw
    {strlen n} 5
    {set s foobar} OK
    {bitcount s} 26
    {bitcount s 0 0} 4
    {bitcount s 1 1} 6
    {bitcount s 1 1 byte} 6
    {bitcount s 5 30 bit} 17
    {bitcount s -1 -2} 0
    {bitcount s -2 -1} 7
    {bitcount s 0} {ERR: ERR syntax error}
    {bitcount s 0 1 2} {ERR: ERR syntax error}
    {bitcount s 0 1 bits} {ERR: ERR syntax error}
    {bitcount nokey 0} 0
    {bitcount nokey a b} 0
    {bitcount s a b} {ERR: ERR value is not an integer or out of range}
    {bitcount s 0 -1 bit} 26
    {bitcount s -100 100 bit} 26
    {bitcount s 47 47 bit} 0
    {bitcount s 48 100 bit} 0
    {bitcount s -3 -1 bit} 1
    {bitcount s 1 0} 0
    {bitpos p 0} 12
    {bitpos p 1} 0
    {bitpos p 0 2} 16
    {bitpos p 1 2} -1
    {bitpos p 0 0 0} -1
    {bitpos p 0 0 -1} 12
    {bitpos p 1 2 -1 byte} -1
    {bitpos p 0 7 15 bit} 12
    {bitpos p 1 7 15 bit} 7
    {bitpos p 0 12 23 bit} 12
    {bitpos p 1 12 23 bit} -1
    {bitpos p 0 0 7 bit} -1
    {bitpos p 1 -1 -1 bit} -1
    {bitpos p 0 -1 -1 bit} 23
    {bitpos p 2} {ERR: ERR The bit argument must be 1 or 0.}
    {bitpos p 1 a} {ERR: ERR value is not an integer or out of range}
    {bitpos nokey 0} 0
    {bitpos nokey 1} -1
    {bitpos nokey 1 0 10 bit} -1
    {bitpos nokey 2} {ERR: ERR The bit argument must be 1 or 0.}
    {bitpos ones 0} 16
    {bitpos ones 0 0} 16
    {bitpos ones 0 0 -1} -1
    {bitpos ones 0 0 15 bit} -1
    {bitpos ones 0 3 5 bit} -1
    {bitpos ones 1 1} 8
    {bitpos p 0 5 2} -1
    {bitpos p 1 0 1 2 3} {ERR: ERR syntax error}
    {bitpos p 1 0 1 bitz} {ERR: ERR syntax error}
    {bitpos p 0 9 9 bit} -1
    {bitpos p 1 4 11 bit} 4
    {bitpos p 0 3 10 bit} -1
    {bitop and dest k1 k2} 6
    {get dest} 606263606162
    {bitop or dest k1 k2} 6
    {get dest} 676f6f666576
    {bitop xor dest k1 k2 nokey} 6
    {get dest} 070d0c060414
    {bitop not dest k1} 6
    {get dest} 9990909d9e8d
    {bitop not dest k1 k2} {ERR: ERR BITOP NOT must be called with a single source key.}
    {bitop nand dest k1} {ERR: ERR syntax error}
    {bitop and dest nokey nokey2} 0
    {exists dest} 0
    {set dest x} OK
    {expire dest 100} 1
    {bitop or dest k1} 6
    {ttl dest} -1
    {object encoding dest} raw
    {bitop or dest k1 short} 6
    {get dest} 6f6f6f626172
    {bitop and dest k1 short} 6
    {get dest} 060000000000
    {bitop not dest short} 1
    {get dest} f0
    {lpush lst a} 1
    {bitop or dest lst} {ERR: WRONGTYPE Operation against a key holding the wrong kind of value}
    {bitop or dest k1 lst} {ERR: WRONGTYPE Operation against a key holding the wrong kind of value}
    {get dest} f0
    {setbit lst 0 1} {ERR: WRONGTYPE Operation against a key holding the wrong kind of value}
    {getbit lst 0} {ERR: WRONGTYPE Operation against a key holding the wrong kind of value}
    {bitcount lst} {ERR: WRONGTYPE Operation against a key holding the wrong kind of value}
    {bitpos lst 1} {ERR: WRONGTYPE Operation against a key holding the wrong kind of value}
    {bitfield lst get u8 0} {ERR: WRONGTYPE Operation against a key holding the wrong kind of value}
    {bitfield_ro lst get u8 0} {ERR: WRONGTYPE Operation against a key holding the wrong kind of value}
    {bitfield bf set u8 0 255 get u8 0} {0 255}
    {bitfield bf incrby u8 0 10} 9
    {bitfield bf overflow sat incrby u8 0 300} 255
    {bitfield bf overflow fail incrby u8 0 300} {{}}
    {bitfield bf overflow wrap incrby i8 0 200} -57
    {bitfield bf set i64 0 -1 get u63 0 get i64 0} {-4107282860161892352 9223372036854775807 -1}
    {bitfield bf set u8 #1 200 get u8 8 get u8 #1} {255 200 200}
    {bitfield bf incrby i5 100 1 get i5 100} {1 1}
    {bitfield bf overflow sat incrby i8 0 -1000 incrby u4 0 -100} {-128 0}
    {bitfield bf set u64 0 1} {ERR: ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.}
    {bitfield bf set i65 0 1} {ERR: ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.}
    {bitfield bf set x8 0 1} {ERR: ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.}
    {bitfield bf set I8 0 1} {ERR: ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.}
    {bitfield bf set u0 0 1} {ERR: ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.}
    {bitfield bf get u8} {ERR: ERR syntax error}
    {bitfield bf foo u8 0} {ERR: ERR syntax error}
    {bitfield bf overflow bad incrby u8 0 1} {ERR: ERR Invalid OVERFLOW type specified}
    {bitfield bf get u8 -1} {ERR: ERR bit offset is not an integer or out of range}
    {bitfield bf get u8 #-1} {ERR: ERR bit offset is not an integer or out of range}
    {bitfield bf set u8 0 notnum} {ERR: ERR value is not an integer or out of range}
    {bitfield bf} {}
    {bitfield_ro bf get u8 0 get i4 4} {0 0}
    {bitfield_ro bf set u8 0 1} {ERR: ERR BITFIELD_RO only supports the GET subcommand}
    {bitfield_ro bf get u8 0 incrby u8 0 1} {ERR: ERR BITFIELD_RO only supports the GET subcommand}
    {bitfield nokey2 get u8 0 get i16 #3} {0 0}
    {exists nokey2} 0
    {bitfield bf set u8 0 -1 get u8 0} {0 255}
    {bitfield bf set i8 0 200 get i8 0} {-1 -56}
    {bitfield bf overflow fail set u8 0 256 get u8 0} {{} 200}
    {bitfield bf overflow sat set i8 0 -200 get i8 0} {-56 -128}
    {bitfield bf set i64 0 9223372036854775807 overflow wrap incrby i64 0 1} {-9166795566535933953 -9223372036854775808}
    {bitfield bf overflow sat incrby i64 0 -1 incrby i64 0 9223372036854775807} {-9223372036854775808 -1}
    {bitfield bf set u63 0 9223372036854775807 incrby u63 0 1} {9223372036854775807 0}
    {bitfield bf overflow sat set u63 0 0 incrby u63 0 -1} {0 0}
    {bitfield bf overflow wrap incrby u63 0 -1} 9223372036854775807
    {bitfield bf overflow fail incrby i64 0 -9223372036854775808} {{}}
    {bitfield bf get u8 4294967288} 0
    {bitfield bf get u8 4294967296} {ERR: ERR bit offset is not an integer or out of range}
    {bitfield bf get i64 #67108863} 0
    {bitfield bf get i64 #67108864} {ERR: ERR bit offset is not an integer or out of range}
    {strlen bf} 14
    {bitfield bf set i3 0 3 set i3 3 -4 get i3 0 get i3 3 get u6 0} {-1 -1 3 -4 28}
    {bitfield bf overflow sat set u2 10 9 overflow wrap set u2 12 9 get u2 10 get u2 12} {3 3 3 1}
    {bitfield n2 incrby u2 100 1 overflow sat incrby u2 102 1} {1 1}
    {bitfield n2 get u2 100 get u2 102} {1 1}
    {strlen n2} 13
}

start_server {tags {bitmap}} {
    test "Every bit command's reply and error, as redis-server 7.0 gives them" {
        rbin flushall
        rbin set p [binary format H* fff000]
        rbin set ones [binary format H* ffff]
        rbin set k1 foobar
        rbin set k2 abcdef
        rbin set short [binary format H* 0f]
        set bad {}
        foreach {cmd want} $::bit_table {
            if {[catch {rbin {*}$cmd} got]} { set got "ERR: $got" }
            if {[lindex $cmd 0] eq "get"} { set got [binary encode hex $got] }
            if {$got ne $want} { lappend bad "$cmd -> $got (want $want)" }
        }
        assert_equal {} [lrange $bad 0 9]
    }

    test "SETBIT grows the string with zero bytes; GET, STRLEN, SETRANGE and APPEND see the same bytes" {
        r del g
        assert_equal 0 [r setbit g 1 1]
        assert_equal 0 [r setbit g 23 1]
        assert_equal 3 [r strlen g]
        assert_equal 400001 [binary encode hex [rbin get g]]
        assert_equal 3 [rbin setrange g 1 [binary format H* ff]]
        assert_equal 1 [r getbit g 8]
        assert_equal 4 [rbin append g [binary format H* 80]]
        assert_equal 1 [r getbit g 24]
        assert_equal 11 [r bitcount g]
        assert_equal {raw} [r object encoding g]
        # an int-encoded value is read as its digits
        r set i 7
        assert_equal {0 0 1 1 0 1 1 1} [lmap b {0 1 2 3 4 5 6 7} {r getbit i $b}]
        assert_equal 1 [r setbit i 7 0]
        assert_equal 6 [r get i]
    }

    test "The offset limit follows proto-max-bulk-len" {
        r config set proto-max-bulk-len 1048576
        assert_error "ERR bit offset is not an integer or out of range" {r setbit lim 8388608 1}
        assert_equal 0 [r setbit lim 8388607 1]
        assert_equal 1048576 [r strlen lim]
        assert_error "ERR bit offset is not an integer or out of range" {r bitfield lim get u8 8388608}
        r config set proto-max-bulk-len 536870912
        r del lim
    }

    test "A bit write notifies setbit only when it changes something; BITOP notifies set or del" {
        r config set notify-keyspace-events KEA
        set rd [redis_deferring_client]
        $rd psubscribe __keyevent@*__:*
        $rd read
        r del ev evd
        r setbit ev 3 1
        r setbit ev 3 1
        r setbit ev 3 0
        r bitfield ev set u8 0 0
        r bitfield ev get u8 0
        r bitfield ev incrby u8 0 0
        r bitfield ev overflow fail incrby u8 0 300
        r bitfield ev set u8 0 5
        r bitop not evd ev
        r bitop and evd nokey
        r set marker 1
        set got {}
        while 1 {
            lassign [$rd read] kind pat ch msg
            regexp {__:(.*)$} $ch -> ev
            if {$msg eq "marker"} break
            lappend got "$ev $msg"
        }
        $rd close
        r config set notify-keyspace-events ""
        assert_equal {{setbit ev} {setbit ev} {setbit ev} {set evd} {del evd}} $got
    }

    test "BITOP over keys of several shards reads its sources at one instant" {
        # the writer keeps x{b} the complement of x{a} (one MSET each time):
        # their XOR is all ones whenever BITOP sees both at once
        r del x{a} x{b} d{c}
        set len 64
        rbin mset x{a} [string repeat \x00 $len] x{b} [string repeat \xff $len]
        set rd [redis_deferring_client]
        set payload ""
        for {set i 0} {$i < 300} {incr i} {
            set v {}
            for {set j 0} {$j < $len} {incr j} { lappend v [expr {int(rand() * 256)}] }
            set a [binary format c* $v]
            set b [binary format c* [lmap x $v {expr {$x ^ 0xff}}]]
            append payload "*5\r\n\$4\r\nMSET\r\n\$4\r\nx{a}\r\n\$$len\r\n$a\r\n\$4\r\nx{b}\r\n\$$len\r\n$b\r\n"
        }
        $rd write $payload
        set torn 0
        for {set i 0} {$i < 100} {incr i} {
            assert_equal $len [r bitop xor d{c} x{a} x{b}]
            if {[r bitcount d{c}] != $len * 8} { incr torn }
        }
        for {set i 0} {$i < 300} {incr i} { $rd read }
        $rd close
        assert_equal 0 $torn
    }
}
