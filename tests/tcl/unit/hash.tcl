# Hash commands: HSET HSETNX HMSET HGET HMGET HDEL HLEN HSTRLEN HEXISTS
# HKEYS HVALS HGETALL HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN; the listpack and
# hashtable encodings and the conversion between them; hashes moved between
# shards (RENAME, COPY, MOVE) in both encodings; big hashes.

# Fill key with n fields f0..f(n-1) whose values are v0..v(n-1), pipelined in
# HSET commands of `per` pairs each.
proc hash_fill {key n {per 1000} {fprefix f} {vprefix v}} {
    set rd [redis_deferring_client]
    # a listpack of many fields is slow to fill (a linear search per field;
    # minutes under ThreadSanitizer on a busy machine)
    $rd timeout 400000
    set cmds 0
    for {set i 0} {$i < $n} {incr i $per} {
        set args [list hset $key]
        for {set j $i} {$j < $i + $per && $j < $n} {incr j} {
            lappend args $fprefix$j $vprefix$j
        }
        $rd write [::resp::encode {*}$args]
        incr cmds
    }
    set added 0
    for {set i 0} {$i < $cmds} {incr i} { incr added [$rd read] }
    $rd close
    return $added
}

# Every field/value of key through HSCAN with the given COUNT, as a dict;
# fails if the scan returned a field twice with different values.
proc hash_scan_all {key {count 10} {match ""}} {
    set cur 0
    set seen [dict create]
    set calls 0
    while 1 {
        set args [list hscan $key $cur count $count]
        if {$match ne ""} { lappend args match $match }
        lassign [r {*}$args] cur items
        incr calls
        foreach {f v} $items {
            if {[dict exists $seen $f] && [dict get $seen $f] ne $v} {
                fail "HSCAN returned $f with two values"
            }
            dict set seen $f $v
        }
        if {$cur == 0} break
        if {$calls > 1000000} { fail "HSCAN does not end" }
    }
    return [list $seen $calls]
}

start_server {tags {hash}} {

    # ------------------------------------------------------------------ HSET
    test "HSET then HGET" {
        r del h
        assert_equal 1 [r hset h f v]
        assert_equal v [r hget h f]
        assert_equal hash [r type h]
    }

    test "HSET with several pairs returns the number of new fields" {
        r del h
        assert_equal 3 [r hset h a 1 b 2 c 3]
        assert_equal 1 [r hset h a 10 d 4]
        assert_equal 0 [r hset h a 11 b 22]
        assert_equal {11 22 3 4} [r hmget h a b c d]
    }

    test "HSET with the same field twice in one call" {
        r del h
        assert_equal 1 [r hset h a 1 a 2]
        assert_equal 2 [r hget h a]
        assert_equal 1 [r hlen h]
    }

    test "HSET wrong number of arguments" {
        assert_error "ERR wrong number of arguments for 'hset' command" {r hset h}
        assert_error "ERR wrong number of arguments for 'hset' command" {r hset h f}
        assert_error "ERR wrong number of arguments for 'hset' command" {r hset h a 1 b}
        r del nokey
        catch {r hset nokey a 1 b}
        assert_equal 0 [r exists nokey]
    }

    test "HMSET returns OK and sets every pair" {
        r del h
        assert_equal OK [r hmset h a 1 b 2]
        assert_equal OK [r hmset h a 3]
        assert_equal {3 2} [r hmget h a b]
        assert_error "ERR wrong number of arguments for 'hmset' command" {r hmset h a}
        assert_error "ERR wrong number of arguments for 'hmset' command" {r hmset h a 1 b}
    }

    test "HSETNX sets only a missing field" {
        r del h
        assert_equal 1 [r hsetnx h a 1]
        assert_equal 0 [r hsetnx h a 2]
        assert_equal 1 [r hget h a]
        assert_equal 1 [r hsetnx h b 2]
        assert_equal 2 [r hlen h]
        assert_error "ERR wrong number of arguments for 'hsetnx' command" {r hsetnx h a}
    }

    test "HSET and HGET of empty fields and empty values" {
        r del h
        assert_equal 1 [r hset h "" v]
        assert_equal 1 [r hset h e ""]
        assert_equal v [r hget h ""]
        assert_equal {} [r hget h e]
        assert_equal 1 [r hexists h e]
        assert_equal 0 [r hstrlen h e]
        assert_equal 2 [r hlen h]
    }

    test "HSET and HGET are binary safe" {
        r del h
        set f "f\r\n\x00x"
        set v "v\x00\r\ny\x01"
        r hset h $f $v
        assert_equal $v [r hget h $f]
        assert_equal 6 [r hstrlen h $f]
        assert_equal [list $f $v] [r hgetall h]
    }

    test "Values that look like numbers are kept exactly" {
        r del h
        foreach v {0 -1 123 0123 -0 +1 1.5 9223372036854775807 -9223372036854775808
                   9223372036854775808 -9223372036854775809 " 1" "1 " 00 1e3 12345678901234567890} {
            r hset h $v $v
        }
        foreach v {0 -1 123 0123 -0 +1 1.5 9223372036854775807 -9223372036854775808
                   9223372036854775808 -9223372036854775809 " 1" "1 " 00 1e3 12345678901234567890} {
            assert_equal $v [r hget h $v]
            assert_equal [string length $v] [r hstrlen h $v]
        }
        assert_equal 16 [r hlen h]
    }

    # ------------------------------------------------------------ HGET/HMGET
    test "HGET of a missing field or key is nil" {
        r del h nokey
        r hset h a 1
        assert_equal {} [r hget h b]
        assert_equal {} [r hget nokey a]
    }

    test "HMGET with missing fields and a missing key" {
        r del h nokey
        r hset h a 1 b 2
        assert_equal {1 {} 2 {}} [r hmget h a x b y]
        assert_equal {{} {}} [r hmget nokey a b]
        assert_error "ERR wrong number of arguments for 'hmget' command" {r hmget h}
    }

    # ------------------------------------------------------------------ HDEL
    test "HDEL returns the number of removed fields" {
        r del h
        r hset h a 1 b 2 c 3 d 4
        assert_equal 1 [r hdel h a]
        assert_equal 0 [r hdel h a]
        assert_equal 2 [r hdel h b c x]
        assert_equal {d 4} [r hgetall h]
        assert_equal 0 [r hdel nokey a]
    }

    test "HDEL of the same field twice counts it once" {
        r del h
        r hset h a 1 b 2
        assert_equal 1 [r hdel h a a]
        assert_equal 1 [r hlen h]
    }

    test "HDEL of the last field deletes the key" {
        r del h
        r hset h a 1 b 2
        assert_equal 2 [r hdel h a b x]
        assert_equal 0 [r exists h]
        assert_equal none [r type h]
        r hset h a 1
        assert_equal 1 [r hdel h a]
        assert_equal 0 [r exists h]
    }

    test "HDEL wrong number of arguments" {
        assert_error "ERR wrong number of arguments for 'hdel' command" {r hdel h}
    }

    # ------------------------------------------- HLEN HSTRLEN HEXISTS
    test "HLEN" {
        r del h nokey
        r hset h a 1 b 2 c 3
        assert_equal 3 [r hlen h]
        assert_equal 0 [r hlen nokey]
        assert_error "ERR wrong number of arguments for 'hlen' command" {r hlen}
    }

    test "HSTRLEN of strings and integers" {
        r del h
        r hset h s hello i -12345 big [string repeat x 1000] z 0
        assert_equal 5 [r hstrlen h s]
        assert_equal 6 [r hstrlen h i]
        assert_equal 1 [r hstrlen h z]
        assert_equal 1000 [r hstrlen h big]
        assert_equal 0 [r hstrlen h missing]
        assert_equal 0 [r hstrlen nokey a]
        assert_error "ERR wrong number of arguments for 'hstrlen' command" {r hstrlen h}
    }

    test "HEXISTS" {
        r del h nokey
        r hset h a 1
        assert_equal 1 [r hexists h a]
        assert_equal 0 [r hexists h b]
        assert_equal 0 [r hexists nokey a]
        assert_error "ERR wrong number of arguments for 'hexists' command" {r hexists h}
    }

    # ------------------------------------------------ HKEYS HVALS HGETALL
    test "HKEYS HVALS HGETALL of a small hash" {
        r del h
        r hset h a 1 b 2 c 3
        assert_equal {a b c} [lsort [r hkeys h]]
        assert_equal {1 2 3} [lsort [r hvals h]]
        assert_equal {a 1 b 2 c 3} [lsort -stride 2 [r hgetall h]]
    }

    test "HKEYS HVALS HGETALL of a missing key are empty" {
        r del nokey
        assert_equal {} [r hkeys nokey]
        assert_equal {} [r hvals nokey]
        assert_equal {} [r hgetall nokey]
    }

    test "HGETALL keeps insertion order in a listpack" {
        r del h
        r hset h z 1 a 2 m 3
        assert_equal {z 1 a 2 m 3} [r hgetall h]
        assert_equal {z a m} [r hkeys h]
        assert_equal {1 2 3} [r hvals h]
    }

    test "HGETALL is a map in RESP3, an array in RESP2" {
        r del h nokey
        r hset h a 1
        set c [redis_client]
        $c write [::resp::encode hgetall h]
        assert_equal "*2\r\n\$1\r\na\r\n\$1\r\n1\r\n" [$c read_raw]
        $c hello 3
        $c write [::resp::encode hgetall h]
        assert_equal "%1\r\n\$1\r\na\r\n\$1\r\n1\r\n" [$c read_raw]
        $c write [::resp::encode hgetall nokey]
        assert_equal "%0\r\n" [$c read_raw]
        $c write [::resp::encode hkeys nokey]
        assert_equal "*0\r\n" [$c read_raw]
        $c write [::resp::encode hkeys h]
        assert_equal "*1\r\n\$1\r\na\r\n" [$c read_raw]
        $c write [::resp::encode hmget nokey a]
        assert_equal "*1\r\n_\r\n" [$c read_raw]
        $c write [::resp::encode hget nokey a]
        assert_equal "_\r\n" [$c read_raw]
        $c close
    }

    # --------------------------------------------------------------- HINCRBY
    test "HINCRBY creates the key and the field" {
        r del h
        assert_equal 5 [r hincrby h f 5]
        assert_equal 5 [r hget h f]
        assert_equal 2 [r hincrby h f -3]
        assert_equal -8 [r hincrby h g -8]
        assert_equal 2 [r hlen h]
    }

    test "HINCRBY of big values" {
        r del h
        r hset h f 17179869184
        assert_equal 34359738368 [r hincrby h f 17179869184]
        r hset h g -9223372036854775807
        assert_equal -9223372036854775808 [r hincrby h g -1]
        r hset h m 9223372036854775806
        assert_equal 9223372036854775807 [r hincrby h m 1]
    }

    test "HINCRBY overflow errors" {
        r del h
        r hset h f 9223372036854775807 g -9223372036854775808
        assert_error "ERR increment or decrement would overflow" {r hincrby h f 1}
        assert_error "ERR increment or decrement would overflow" {r hincrby h g -1}
        r hset h x 1
        assert_error "ERR increment or decrement would overflow" {r hincrby h x 9223372036854775807}
        assert_equal 9223372036854775807 [r hget h f]
        assert_equal -1 [r hincrby h g 9223372036854775807]
    }

    test "HINCRBY of a value that is not an integer" {
        r del h
        r hset h s abc sp " 1" fl 1.5 big 9223372036854775808 lz 01 e ""
        foreach f {s sp fl big lz e} {
            assert_error "ERR hash value is not an integer" {r hincrby h $f 1}
        }
        assert_equal abc [r hget h s]
    }

    test "HINCRBY with an increment that is not an integer" {
        r del h
        r hset h f 1
        foreach inc {x 1.5 "" " 1" 9223372036854775808 -0 +1} {
            assert_error "ERR value is not an integer or out of range" {r hincrby h f $inc}
        }
        assert_error "ERR value is not an integer or out of range" {r hincrby nokey f x}
        assert_equal 0 [r exists nokey]
        assert_error "ERR wrong number of arguments for 'hincrby' command" {r hincrby h f}
    }

    # ---------------------------------------------------------- HINCRBYFLOAT
    test "HINCRBYFLOAT basics" {
        r del h
        assert_equal 10.5 [r hincrbyfloat h f 10.5]
        assert_equal 10.6 [r hincrbyfloat h f 0.1]
        assert_equal 0 [r hincrbyfloat h f -10.6]
        assert_equal 5000 [r hincrbyfloat h f 5.0e3]
        assert_equal -1 [r hincrbyfloat h g -1]
        r hset h i 3
        assert_equal 4.25 [r hincrbyfloat h i 1.25]
        assert_equal 4.25 [r hget h i]
    }

    test "HINCRBYFLOAT formatting" {
        r del h
        r hset h a 1.5 b 0 c 1e2
        assert_equal 3 [r hincrbyfloat h a 1.5]
        assert_equal 0.1 [r hincrbyfloat h b 0.1]
        assert_equal 100 [r hincrbyfloat h c 0]
        assert_equal 0 [r hincrbyfloat h d -0.0]
        assert_equal 1000000000000000000000 [r hincrbyfloat h e 1e21]
        assert_equal 0.00001 [r hincrbyfloat h g 1e-5]
    }

    test "HINCRBYFLOAT of a value that is not a float" {
        r del h
        r hset h s abc sp " 1" e "" n nan
        foreach f {s sp e n} {
            assert_error "ERR hash value is not a float" {r hincrbyfloat h $f 1}
        }
    }

    test "HINCRBYFLOAT with a bad increment" {
        r del h
        r hset h f 1
        foreach inc {x "" " 1" 1x nan} {
            assert_error "ERR value is not a valid float" {r hincrbyfloat h f $inc}
        }
        foreach inc {inf -inf +inf} {
            assert_error "ERR value is NaN or Infinity" {r hincrbyfloat h f $inc}
        }
        assert_error "ERR value is not a valid float" {r hincrbyfloat nokey f x}
        assert_error "ERR value is NaN or Infinity" {r hincrbyfloat nokey f inf}
        assert_equal 0 [r exists nokey]
        assert_equal 1 [r hget h f]
    }

    test "HINCRBYFLOAT that would produce infinity" {
        r del h
        r hset h f 1.1e4932
        assert_error "ERR increment would produce NaN or Infinity" {r hincrbyfloat h f 1e4932}
        assert_equal 1.1e4932 [r hget h f]
        assert_error "ERR wrong number of arguments for 'hincrbyfloat' command" {r hincrbyfloat h f}
    }

    # ------------------------------------------------------------ HRANDFIELD
    foreach enc {listpack hashtable} {
        test "HRANDFIELD without count ($enc)" {
            r del h
            if {$enc eq "hashtable"} {
                hash_fill h 1000
            } else {
                hash_fill h 20
            }
            assert_equal $enc [r object encoding h]
            set n [r hlen h]
            for {set i 0} {$i < 100} {incr i} {
                set f [r hrandfield h]
                assert_match {f*} $f
                assert_equal 1 [r hexists h $f]
            }
        }

        test "HRANDFIELD with a positive count gives distinct fields ($enc)" {
            set n [r hlen h]
            foreach count [list 1 2 5 [expr {$n / 2}] [expr {$n - 1}]] {
                set res [r hrandfield h $count]
                assert_equal $count [llength $res]
                assert_equal $count [llength [lsort -unique $res]]
                foreach f $res { assert_equal 1 [r hexists h $f] }
            }
            foreach count [list $n [expr {$n + 1}] 100000] {
                set res [r hrandfield h $count]
                assert_equal [lsort [r hkeys h]] [lsort $res]
            }
        }

        test "HRANDFIELD with a negative count may repeat fields ($enc)" {
            set n [r hlen h]
            set res [r hrandfield h -3000]
            assert_equal 3000 [llength $res]
            foreach f [lsort -unique $res] { assert_equal 1 [r hexists h $f] }
            assert_equal 1 [llength [r hrandfield h -1]]
        }

        test "HRANDFIELD WITHVALUES pairs fields with their values ($enc)" {
            set n [r hlen h]
            foreach count [list 1 5 -5 -2000 [expr {$n - 1}] $n [expr {$n + 10}]] {
                set res [r hrandfield h $count withvalues]
                set want [expr {abs($count)}]
                if {$count > 0 && $want > $n} { set want $n }
                assert_equal [expr {2 * $want}] [llength $res]
                foreach {f v} $res {
                    assert_equal [r hget h $f] $v
                }
                if {$count > 0} {
                    assert_equal $want [llength [lsort -unique [dict keys $res]]]
                }
            }
        }

        test "HRANDFIELD picks every field eventually ($enc)" {
            r del small
            r hset small a 1 b 2 c 3
            if {$enc eq "hashtable"} { r hset small long [string repeat x 100] }
            assert_equal $enc [r object encoding small]
            set seen {}
            for {set i 0} {$i < 100} {incr i} {
                lappend seen [r hrandfield small]
                lappend seen {*}[r hrandfield small -3]
                lappend seen {*}[r hrandfield small 2]
            }
            assert_equal [lsort [r hkeys small]] [lsort -unique $seen]
        }
    }

    test "HRANDFIELD count 0 and missing keys" {
        r del h nokey
        r hset h a 1
        assert_equal {} [r hrandfield h 0]
        assert_equal {} [r hrandfield h 0 withvalues]
        assert_equal {} [r hrandfield nokey]
        assert_equal {} [r hrandfield nokey 5]
        assert_equal {} [r hrandfield nokey -5 withvalues]
    }

    test "HRANDFIELD argument errors" {
        r del h
        r hset h a 1
        assert_error "ERR value is not an integer or out of range" {r hrandfield h x}
        assert_error "ERR value is not an integer or out of range" {r hrandfield h -0}
        assert_error "ERR value is not an integer or out of range" {r hrandfield h 1.5}
        assert_error "ERR syntax error" {r hrandfield h 1 withvalue}
        assert_error "ERR syntax error" {r hrandfield h 1 withvalues x}
        assert_error "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807" {r hrandfield h -9223372036854775808}
        assert_error "ERR value is out of range" {r hrandfield h -9223372036854775807 withvalues}
        assert_error "ERR value is out of range" {r hrandfield h 4611686018427387904 withvalues}
        assert_error "ERR value is out of range" {r hrandfield h -4611686018427387904 withvalues}
        assert_equal {a 1} [r hrandfield h 4611686018427387903 withvalues]
        assert_equal {a 1} [r hrandfield h 1 WITHVALUES]
        assert_equal {a 1 a 1} [r hrandfield h -2 withvalues]
        assert_error "ERR wrong number of arguments for 'hrandfield' command" {r hrandfield}
    }

    test "HRANDFIELD reply shapes in RESP2 and RESP3" {
        r del h
        r hset h a 1
        set c [redis_client]
        foreach {cmd r2 r3} {
            {hrandfield h}                  "\$1\r\na\r\n"                          "\$1\r\na\r\n"
            {hrandfield h 1}                "*1\r\n\$1\r\na\r\n"                    "*1\r\n\$1\r\na\r\n"
            {hrandfield h 2 withvalues}     "*2\r\n\$1\r\na\r\n\$1\r\n1\r\n"        "*1\r\n*2\r\n\$1\r\na\r\n\$1\r\n1\r\n"
            {hrandfield h -2 withvalues}    "*4\r\n\$1\r\na\r\n\$1\r\n1\r\n\$1\r\na\r\n\$1\r\n1\r\n" "*2\r\n*2\r\n\$1\r\na\r\n\$1\r\n1\r\n*2\r\n\$1\r\na\r\n\$1\r\n1\r\n"
            {hrandfield h 0}                "*0\r\n"                                "*0\r\n"
            {hrandfield nokey}              "\$-1\r\n"                              "_\r\n"
            {hrandfield nokey 3 withvalues} "*0\r\n"                                "*0\r\n"
        } {
            $c hello 2
            $c write [::resp::encode {*}$cmd]
            assert_equal $r2 [$c read_raw] "RESP2 $cmd"
            $c hello 3
            $c write [::resp::encode {*}$cmd]
            assert_equal $r3 [$c read_raw] "RESP3 $cmd"
        }
        $c close
    }

    # ----------------------------------------------------------------- HSCAN
    test "HSCAN of a listpack hash returns everything with cursor 0" {
        r del h
        r hset h a 1 b 2 c 3
        assert_equal listpack [r object encoding h]
        assert_equal {0 {a 1 b 2 c 3}} [r hscan h 0]
        assert_equal {0 {a 1 b 2 c 3}} [r hscan h 0 count 1]
        assert_equal {0 {b 2}} [r hscan h 0 match b]
        assert_equal {0 {a 1 c 3}} [r hscan h 0 match {[ac]} count 1]
        assert_equal {0 {}} [r hscan h 0 match x*]
    }

    test "HSCAN of a missing key" {
        r del nokey
        assert_equal {0 {}} [r hscan nokey 0]
        assert_equal {0 {}} [r hscan nokey 0 count 0]
    }

    test "HSCAN MATCH * includes an empty field" {
        r del h
        r hset h "" 1 a 2
        assert_equal {0 {{} 1 a 2}} [r hscan h 0 match *]
    }

    test "HSCAN argument errors" {
        r del h
        r hset h a 1
        assert_error "ERR invalid cursor" {r hscan h x}
        assert_error "ERR invalid cursor" {r hscan h " 1"}
        assert_error "ERR invalid cursor" {r hscan h 1x}
        assert_error "ERR invalid cursor" {r hscan h 18446744073709551616}
        assert_error "ERR invalid cursor" {r hscan nokey x}
        assert_error "ERR syntax error" {r hscan h 0 count 0}
        assert_error "ERR syntax error" {r hscan h 0 count -1}
        assert_error "ERR value is not an integer or out of range" {r hscan h 0 count x}
        assert_error "ERR syntax error" {r hscan h 0 count}
        assert_error "ERR syntax error" {r hscan h 0 match}
        assert_error "ERR syntax error" {r hscan h 0 type hash}
        assert_error "ERR syntax error" {r hscan h 0 foo bar}
        assert_error "ERR wrong number of arguments for 'hscan' command" {r hscan h}
    }

    test "HSCAN cursors with a sign are read like strtoul" {
        r del h
        r hset h a 1
        assert_equal {0 {a 1}} [r hscan h +0]
        assert_equal {0 {a 1}} [r hscan h -1]
        assert_equal {0 {a 1}} [r hscan h 18446744073709551615]
    }

    test "HSCAN of a hashtable hash walks it incrementally" {
        r del h
        hash_fill h 1000
        assert_equal hashtable [r object encoding h]
        foreach count {1 10 100 5000} {
            lassign [hash_scan_all h $count] seen calls
            assert_equal 1000 [dict size $seen]
            dict for {f v} $seen {
                assert_equal "v[string range $f 1 end]" $v
            }
            if {$count < 1000} { assert_morethan $calls 1 }
        }
        lassign [r hscan h 0] cur items
        assert_morethan $cur 0
    }

    test "HSCAN MATCH on a hashtable hash" {
        lassign [hash_scan_all h 100 f1*] seen calls
        assert_equal 111 [dict size $seen]
        foreach f [dict keys $seen] { assert_match f1* $f }
    }

    test "HSCAN sees every field that stays while others are deleted" {
        r del h
        hash_fill h 2000
        set cur 0
        set seen {}
        set i 0
        while 1 {
            lassign [r hscan h $cur count 20] cur items
            foreach {f v} $items { dict set seen $f 1 }
            # delete odd fields as the scan goes
            for {set k 0} {$k < 20} {incr k} {
                if {$i < 2000} { r hdel h f[expr {$i + 1}] }
                incr i 2
            }
            if {$cur == 0} break
        }
        for {set j 0} {$j < 2000} {incr j 2} {
            assert {[dict exists $seen f$j]}
        }
    }

    # ------------------------------------------------------------- WRONGTYPE
    test "Hash commands against a string key" {
        r del s
        r set s v
        foreach cmd {
            {hset s a 1} {hsetnx s a 1} {hmset s a 1} {hget s a} {hmget s a}
            {hdel s a} {hlen s} {hstrlen s a} {hexists s a} {hkeys s}
            {hvals s} {hgetall s} {hincrby s a 1} {hincrbyfloat s a 1}
            {hrandfield s} {hrandfield s 2} {hrandfield s -2 withvalues}
            {hscan s 0}
        } {
            assert_error "WRONGTYPE Operation against a key holding the wrong kind of value" {r {*}$cmd}
        }
        assert_equal v [r get s]
    }

    test "String commands against a hash key" {
        r del h
        r hset h a 1
        assert_error "WRONGTYPE Operation against a key holding the wrong kind of value" {r get h}
        assert_error "WRONGTYPE Operation against a key holding the wrong kind of value" {r incr h}
        assert_error "WRONGTYPE Operation against a key holding the wrong kind of value" {r append h x}
        assert_equal OK [r set h x]
        assert_equal string [r type h]
    }

    # -------------------------------------------------------------- encodings
    test "A small hash is a listpack" {
        r del h
        r hset h a 1
        assert_equal listpack [r object encoding h]
        r hincrby h n 1
        assert_equal listpack [r object encoding h]
    }

    test "Too many fields convert to a hashtable, and HDEL never converts back" {
        r del h
        set max [lindex [r config get hash-max-listpack-entries] 1]
        hash_fill h $max 100
        assert_equal listpack [r object encoding h]
        r hset h one more
        assert_equal hashtable [r object encoding h]
        assert_equal [expr {$max + 1}] [r hlen h]
        for {set i 0} {$i < $max} {incr i} { r hdel h f$i }
        assert_equal hashtable [r object encoding h]
        assert_equal {one more} [r hgetall h]
    }

    test "HSET of many pairs at once crosses the entries threshold" {
        r del h
        r config set hash-max-listpack-entries 10
        set args {}
        for {set i 0} {$i < 11} {incr i} { lappend args f$i $i }
        assert_equal 11 [r hset h {*}$args]
        assert_equal hashtable [r object encoding h]
        r del h
        assert_equal 10 [r hset h {*}[lrange $args 0 19]]
        assert_equal listpack [r object encoding h]
        r hset h f0 new
        assert_equal listpack [r object encoding h]
        r hsetnx h f10 x
        assert_equal hashtable [r object encoding h]
        r config set hash-max-listpack-entries 512
    }

    test "A long value or field converts to a hashtable" {
        set max [lindex [r config get hash-max-listpack-value] 1]
        set ok [string repeat x $max]
        set long [string repeat x [expr {$max + 1}]]
        r del h
        r hset h $ok $ok
        assert_equal listpack [r object encoding h]
        r hset h a $long
        assert_equal hashtable [r object encoding h]
        r del h
        r hset h a 1
        r hset h $long 1
        assert_equal hashtable [r object encoding h]
        r del h
        r hmset h a 1 b $long
        assert_equal hashtable [r object encoding h]
        assert_equal $long [r hget h b]
    }

    test "HSETNX of an existing field with a long value keeps the listpack" {
        set long [string repeat x 100]
        r del h
        r hset h a 1
        assert_equal 0 [r hsetnx h a $long]
        assert_equal listpack [r object encoding h]
        assert_equal 1 [r hsetnx h b $long]
        assert_equal hashtable [r object encoding h]
    }

    test "HINCRBY and HINCRBYFLOAT with a long field convert to a hashtable" {
        set long [string repeat f 100]
        r del h
        r hset h a 1
        assert_equal 1 [r hincrby h $long 1]
        assert_equal hashtable [r object encoding h]
        r del h
        r hset h a 1
        assert_equal 1.5 [r hincrbyfloat h $long 1.5]
        assert_equal hashtable [r object encoding h]
    }

    test "HINCRBYFLOAT producing a long value converts to a hashtable" {
        r config set hash-max-listpack-value 8
        r del h
        r hset h a 1
        assert_equal 100000000000000000000 [r hincrbyfloat h a 1e20]
        assert_equal hashtable [r object encoding h]
        r config set hash-max-listpack-value 64
    }

    test "hash-max-listpack-entries 0 makes every hash a hashtable" {
        r config set hash-max-listpack-entries 0
        r del h
        r hset h a 1
        assert_equal hashtable [r object encoding h]
        r del h
        r hincrby h a 1
        assert_equal hashtable [r object encoding h]
        r config set hash-max-listpack-entries 512
        r del h
        r hset h a 1
        assert_equal listpack [r object encoding h]
    }

    test "hash-max-ziplist-* are aliases" {
        r config set hash-max-ziplist-entries 3
        assert_equal {hash-max-listpack-entries 3} [r config get hash-max-listpack-entries]
        r del h
        r hset h a 1 b 2 c 3
        assert_equal listpack [r object encoding h]
        r hset h d 4
        assert_equal hashtable [r object encoding h]
        r config set hash-max-listpack-entries 512
        r config set hash-max-ziplist-value 2
        r del h
        r hset h a 123
        assert_equal hashtable [r object encoding h]
        r config set hash-max-listpack-value 64
    }

    foreach enc {listpack hashtable} {
        test "Every command on a $enc hash" {
            r del h
            r hset h a 1 b 2 c 3 n 10 fl 1.5
            if {$enc eq "hashtable"} { r hset h pad [string repeat p 100] }
            assert_equal $enc [r object encoding h]
            set base [expr {$enc eq "hashtable" ? 6 : 5}]
            assert_equal $base [r hlen h]
            assert_equal 2 [r hget h b]
            assert_equal {1 {} 3} [r hmget h a x c]
            assert_equal 1 [r hexists h a]
            assert_equal 0 [r hsetnx h a 9]
            assert_equal 1 [r hsetnx h d 4]
            assert_equal 15 [r hincrby h n 5]
            assert_equal 2 [r hincrbyfloat h fl 0.5]
            assert_equal 1 [r hstrlen h fl]
            assert_equal 0 [r hset h a 11]
            assert_equal 11 [r hget h a]
            assert_equal 1 [r hdel h b]
            assert_equal {a c d fl n} [lsort [lsearch -all -inline -not [r hkeys h] pad]]
            set all [r hgetall h]
            assert_equal [expr {2 * [r hlen h]}] [llength $all]
            assert_equal 11 [dict get $all a]
            assert_equal 15 [dict get $all n]
            assert_equal [lsort [dict values $all]] [lsort [r hvals h]]
            lassign [hash_scan_all h 2] seen calls
            assert_equal [lsort -stride 2 $all] [lsort -stride 2 $seen]
            assert_equal $enc [r object encoding h]
            r hdel h {*}[r hkeys h]
            assert_equal 0 [r exists h]
        }
    }

    # ------------------------------------------------------ keyspace commands
    foreach enc {listpack hashtable} {
        test "RENAME, COPY, MOVE keep a $enc hash and its encoding" {
            set other "\{src\}x"
            r del src dst cpy $other
            if {$enc eq "hashtable"} { hash_fill src 600 } else { hash_fill src 50 }
            r hset src int 12345 neg -7 empty ""
            assert_equal $enc [r object encoding src]
            set want [lsort -stride 2 [r hgetall src]]
            # src and dst hash to different slots, so usually to different shards
            assert_equal OK [r rename src dst]
            assert_equal 0 [r exists src]
            assert_equal $enc [r object encoding dst]
            assert_equal $want [lsort -stride 2 [r hgetall dst]]
            assert_equal 1 [r copy dst cpy]
            assert_equal $enc [r object encoding cpy]
            assert_equal $want [lsort -stride 2 [r hgetall cpy]]
            # the copy is independent
            r hset cpy int 1
            assert_equal 12345 [r hget dst int]
            assert_equal 2 [r hincrby cpy int 1]
            assert_equal 12345 [r hget dst int]
            assert_equal OK [r rename dst $other]
            assert_equal $want [lsort -stride 2 [r hgetall $other]]
            assert_equal 1 [r renamenx $other src]
            assert_equal $want [lsort -stride 2 [r hgetall src]]
            r select 1
            r del src
            r select 0
            assert_equal 1 [r move src 1]
            r select 1
            assert_equal $enc [r object encoding src]
            assert_equal $want [lsort -stride 2 [r hgetall src]]
            r del src
            r select 0
            r del cpy
        }
    }

    test "TYPE, DEL, EXPIRE, SCAN TYPE and MEMORY USAGE of hashes" {
        r flushdb
        r hset h1 a 1
        r hset h2 a [string repeat x 100]
        r set s v
        assert_equal hash [r type h1]
        assert_equal hash [r type h2]
        assert_equal {h1 h2} [lsort [r keys h*]]
        set cur 0
        set found {}
        while 1 {
            lassign [r scan $cur type hash] cur keys
            lappend found {*}$keys
            if {$cur == 0} break
        }
        assert_equal {h1 h2} [lsort $found]
        assert_morethan [r memory usage h1] 0
        assert_morethan [r memory usage h2] [r memory usage h1]
        assert_equal 1 [r expire h1 100]
        r hset h1 b 2
        assert_range [r ttl h1] 90 100
        assert_equal 1 [r pexpire h2 1]
        after 20
        assert_equal 0 [r exists h2]
        assert_equal {} [r hget h2 a]
        assert_equal 1 [r hset h2 a 1]
        assert_equal -1 [r ttl h2]
        assert_equal 2 [r del h1 h2]
        assert_equal 0 [r exists h1 h2]
    }

    test "COPY of a hash onto an existing key with REPLACE" {
        r del a b
        r hset a f 1
        r set b x
        assert_equal 0 [r copy a b]
        assert_equal 1 [r copy a b replace]
        assert_equal {f 1} [r hgetall b]
        r del a b
    }

    test "Hash writes count no keyspace hits or misses, reads do" {
        r del h nokey
        r config resetstat
        r hset h a 1
        r hset h b 2
        r hmset h c 3
        r hsetnx h d 4
        r hincrby h n 1
        r hincrbyfloat h x 1.5
        r hdel h d
        r hdel nokey a
        set info [r info stats]
        assert_match "*keyspace_hits:0\r\n*" $info
        assert_match "*keyspace_misses:0\r\n*" $info
        r hget h a
        r hlen h
        r hget nokey a
        set info [r info stats]
        assert_match "*keyspace_hits:2\r\n*" $info
        assert_match "*keyspace_misses:1\r\n*" $info
    }

    # -------------------------------------------------------------- big hashes
    test "A hashtable hash of 100000 fields" {
        r del big
        assert_equal 100000 [hash_fill big 100000]
        assert_equal hashtable [r object encoding big]
        assert_equal 100000 [r hlen big]
        foreach i {0 1 777 50000 99999} {
            assert_equal v$i [r hget big f$i]
        }
        assert_equal {v5 {} v99998} [r hmget big f5 nope f99998]
        assert_equal 1000 [llength [lsort -unique [r hrandfield big 1000]]]
        assert_equal 2000 [llength [r hrandfield big -1000 withvalues]]
        set res [r hrandfield big 60000]
        assert_equal 60000 [llength [lsort -unique $res]]
        assert_equal 100000 [llength [r hkeys big]]
        lassign [hash_scan_all big 1000] seen calls
        assert_equal 100000 [dict size $seen]
        assert_morethan [r memory usage big] 1000000
    }

    test "A hashtable hash of 100000 fields survives a move between shards" {
        assert_equal OK [r rename big big2]
        assert_equal 100000 [r hlen big2]
        assert_equal hashtable [r object encoding big2]
        assert_equal v4242 [r hget big2 f4242]
        assert_equal 1 [r copy big2 big]
        assert_equal 100000 [r hlen big]
        r del big2
    }

    test "Deleting every field of a big hashtable hash deletes the key" {
        set rd [redis_deferring_client]
        for {set i 0} {$i < 100000} {incr i 1000} {
            set args [list hdel big]
            for {set j $i} {$j < $i + 1000} {incr j} { lappend args f$j }
            $rd write [::resp::encode {*}$args]
        }
        set n 0
        for {set i 0} {$i < 100} {incr i} { incr n [$rd read] }
        $rd close
        assert_equal 100000 $n
        assert_equal 0 [r exists big]
    }

    tags {slow} {
        test "A listpack hash of 50000 fields (100000 listpack entries)" {
            r config set hash-max-listpack-entries 100000
            r config set hash-max-listpack-value 64
            r del lbig
            assert_equal 50000 [hash_fill lbig 50000]
            assert_equal listpack [r object encoding lbig]
            assert_equal 50000 [r hlen lbig]
            assert_equal v49999 [r hget lbig f49999]
            assert_equal 100 [llength [lsort -unique [r hrandfield lbig 100]]]
            lassign [r hscan lbig 0 count 10] cur items
            assert_equal 0 $cur
            assert_equal 100000 [llength $items]
            assert_equal {f0 v0 f1 v1} [lrange [r hgetall lbig] 0 3]
            assert_equal 1 [r hincrby lbig counter 1]
            assert_equal OK [r rename lbig lbig2]
            assert_equal listpack [r object encoding lbig2]
            assert_equal 50001 [r hlen lbig2]
            r hset lbig2 x [string repeat x 65]
            assert_equal hashtable [r object encoding lbig2]
            assert_equal 50002 [r hlen lbig2]
            r del lbig2
            r config set hash-max-listpack-entries 512
        }
    }
}
