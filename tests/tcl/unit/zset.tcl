# Sorted-set commands: ZADD (NX XX GT LT CH INCR) ZINCRBY ZREM ZCARD ZCOUNT
# ZLEXCOUNT ZSCORE ZMSCORE ZRANK ZREVRANK, the ZRANGE family and ZRANGESTORE,
# ZREMRANGEBY*, ZPOPMIN/ZPOPMAX/ZMPOP, ZRANDMEMBER, ZINTER/ZUNION/ZDIFF and
# their STORE forms, ZINTERCARD, ZSCAN; both encodings (listpack and
# skiplist), conversions, RESP3 reply shapes, keys on different shards.

# Set the encoding new zsets get: listpack (the defaults) or skiplist.
proc zset_encoding {enc} {
    if {$enc eq "listpack"} {
        r config set zset-max-listpack-entries 128
        r config set zset-max-listpack-value 64
    } else {
        r config set zset-max-listpack-entries 0
        r config set zset-max-listpack-value 0
    }
}

# Send one command on a RESP3 connection and return the raw reply bytes.
proc resp3_raw {args} {
    set c [redis_deferring_client]
    $c hello 3
    $c read
    $c {*}$args
    set raw [$c read_raw]
    $c close
    return $raw
}

proc zscan_all {key args} {
    set cursor 0
    set out {}
    while 1 {
        lassign [r zscan $key $cursor {*}$args] cursor batch
        lappend out {*}$batch
        if {$cursor == 0} break
    }
    return $out
}

start_server {tags {zset}} {

    foreach enc {listpack skiplist} {
        test "ZADD, ZSCORE, ZCARD and OBJECT ENCODING - $enc" {
            zset_encoding $enc
            r del z
            assert_equal 3 [r zadd z 10 a 20 b 30 c]
            assert_equal $enc [r object encoding z]
            assert_equal 3 [r zcard z]
            assert_equal 20 [r zscore z b]
            assert_equal {} [r zscore z nosuch]
            assert_equal zset [r type z]
            assert_equal 0 [r zadd z 40 a]
            assert_equal 40 [r zscore z a]
            assert_equal {b c a} [r zrange z 0 -1]
        }

        test "ZADD scores: floats, integers, inf, exponent formatting - $enc" {
            zset_encoding $enc
            r del z
            r zadd z 1.5 a 1.1 b -0.25 c 3e3 d +inf e -inf f 0 g
            assert_equal 1.5 [r zscore z a]
            assert_equal 1.1000000000000001 [r zscore z b]
            assert_equal -0.25 [r zscore z c]
            assert_equal 3000 [r zscore z d]
            assert_equal inf [r zscore z e]
            assert_equal -inf [r zscore z f]
            assert_equal 0 [r zscore z g]
            r zadd z 1e20 h 123456789012345678 i
            assert_equal 1e+20 [r zscore z h]
            assert_equal 1.2345678901234568e+17 [r zscore z i]
            assert_equal {f -inf c -0.25 g 0 b 1.1000000000000001 a 1.5 d 3000 i 1.2345678901234568e+17 h 1e+20 e inf} \
                [r zrange z 0 -1 withscores]
        }

        test "ZADD errors: bad float, nan, odd arguments, option conflicts - $enc" {
            zset_encoding $enc
            r del z
            assert_error "ERR value is not a valid float" {r zadd z abc a}
            assert_error "ERR value is not a valid float" {r zadd z nan a}
            assert_error "ERR value is not a valid float" {r zadd z " 1" a}
            assert_error "ERR syntax error" {r zadd z 1 a 2}
            assert_error "ERR wrong number of arguments for 'zadd' command" {r zadd z nx}
            assert_error "ERR syntax error" {r zadd z nx 1}
            assert_error "ERR XX and NX options at the same time are not compatible" {r zadd z nx xx 1 a}
            assert_error "ERR GT, LT, and/or NX options at the same time are not compatible" {r zadd z gt lt 1 a}
            assert_error "ERR GT, LT, and/or NX options at the same time are not compatible" {r zadd z nx gt 1 a}
            assert_error "ERR GT, LT, and/or NX options at the same time are not compatible" {r zadd z lt nx 1 a}
            assert_error "ERR INCR option supports a single increment-element pair" {r zadd z incr 1 a 2 b}
            assert_error "ERR wrong number of arguments for 'zadd' command" {r zadd z 1}
            assert_equal 0 [r exists z]
            r zadd z +inf a
            assert_error "ERR resulting score is not a number (NaN)" {r zadd z incr -inf a}
            assert_error "ERR resulting score is not a number (NaN)" {r zincrby z -inf a}
            assert_equal inf [r zscore z a]
        }

        test "ZADD NX / XX / GT / LT / CH - $enc" {
            zset_encoding $enc
            r del z
            assert_equal 0 [r zadd z xx 1 a]
            assert_equal 0 [r exists z]
            assert_equal 1 [r zadd z nx 1 a]
            assert_equal 0 [r zadd z nx 5 a]
            assert_equal 1 [r zscore z a]
            assert_equal 0 [r zadd z xx 5 a 1 b]
            assert_equal 1 [r zadd z xx ch 6 a 1 b]
            assert_equal 6 [r zscore z a]
            assert_equal {} [r zscore z b]
            assert_equal 0 [r zadd z gt ch 3 a]
            assert_equal 6 [r zscore z a]
            assert_equal 1 [r zadd z gt ch 7 a]
            assert_equal 7 [r zscore z a]
            assert_equal 0 [r zadd z lt ch 8 a]
            assert_equal 1 [r zadd z lt ch 2 a]
            assert_equal 2 [r zscore z a]
            # GT/LT still add new members
            assert_equal 1 [r zadd z gt 100 n]
            assert_equal 2 [r zadd z ch 3 a 1 m]
            assert_equal 0 [r zadd z ch 3 a]
            assert_equal 2 [r zadd z CH Xx 4 a 5 n]
        }

        test "ZADD INCR and ZINCRBY - $enc" {
            zset_encoding $enc
            r del z
            assert_equal 5 [r zadd z incr 5 a]
            assert_equal 7.5 [r zadd z incr 2.5 a]
            assert_equal 7.5 [r zscore z a]
            assert_equal {} [r zadd z incr nx 1 a]
            assert_equal {} [r zadd z incr xx 1 b]
            assert_equal {} [r zadd z incr gt -1 a]
            assert_equal 8.5 [r zadd z incr gt 1 a]
            assert_equal 3 [r zincrby z 3 b]
            assert_equal 2 [r zincrby z -1 b]
            assert_equal 2.1000000000000001 [r zincrby z 0.1 b]
            assert_error "ERR value is not a valid float" {r zincrby z x b}
            assert_error "ERR wrong number of arguments for 'zincrby' command" {r zincrby z 1}
        }

        test "ZREM removes members and deletes the empty key - $enc" {
            zset_encoding $enc
            r del z
            r zadd z 1 a 2 b 3 c
            assert_equal 0 [r zrem z nosuch]
            assert_equal 2 [r zrem z a b a nosuch]
            assert_equal {c} [r zrange z 0 -1]
            assert_equal 1 [r zrem z c]
            assert_equal 0 [r exists z]
            assert_equal 0 [r zrem z c]
        }

        test "ZRANK / ZREVRANK - $enc" {
            zset_encoding $enc
            r del z
            r zadd z 10 x 20 y 30 z
            assert_equal 0 [r zrank z x]
            assert_equal 2 [r zrank z z]
            assert_equal 2 [r zrevrank z x]
            assert_equal 0 [r zrevrank z z]
            assert_equal {} [r zrank z nosuch]
            assert_equal {} [r zrank nokey x]
            assert_error "ERR wrong number of arguments for 'zrank' command" {r zrank z x withscore extra}
        }

        test "Equal scores are ordered by member - $enc" {
            zset_encoding $enc
            r del z
            r zadd z 1 c 1 a 1 b 0 z 2 aa
            assert_equal {z a b c aa} [r zrange z 0 -1]
            r zadd z 1 zz
            assert_equal {z a b c zz aa} [r zrange z 0 -1]
        }

        test "ZRANGE / ZREVRANGE by rank, negative and out of range indexes - $enc" {
            zset_encoding $enc
            r del z
            r zadd z 1 a 2 b 3 c 4 d
            assert_equal {a b c d} [r zrange z 0 -1]
            assert_equal {a b c} [r zrange z 0 -2]
            assert_equal {b c d} [r zrange z -3 -1]
            assert_equal {d} [r zrange z -1 -1]
            assert_equal {} [r zrange z 5 -1]
            assert_equal {} [r zrange z 2 1]
            assert_equal {a b c d} [r zrange z -100 100]
            assert_equal {} [r zrange z 0 -5]
            assert_equal {d c b a} [r zrevrange z 0 -1]
            assert_equal {d c} [r zrevrange z 0 1]
            assert_equal {a} [r zrevrange z -1 -1]
            assert_equal {d 4 c 3} [r zrevrange z 0 1 withscores]
            assert_equal {d c b a} [r zrange z 0 -1 rev]
            assert_equal {a 1 b 2} [r zrange z 0 1 WITHSCORES]
            assert_equal {} [r zrange nokey 0 -1]
            assert_error "ERR value is not an integer or out of range" {r zrange z a 1}
            assert_error "ERR syntax error" {r zrange z 0 1 foo}
            assert_error "ERR syntax error" {r zrevrange z 0 1 rev}
            assert_error "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX" {r zrange z 0 1 limit 0 1}
            assert_equal {a b c d} [r zrange z 0 -1 limit 0 -1]
        }

        test "ZRANGEBYSCORE / ZREVRANGEBYSCORE / ZRANGE BYSCORE - $enc" {
            zset_encoding $enc
            r del z
            r zadd z -inf ninf 1 a 2 b 3 c 4 d 5 e +inf pinf
            assert_equal {a b c} [r zrangebyscore z 1 3]
            assert_equal {b c} [r zrangebyscore z (1 3]
            assert_equal {b} [r zrangebyscore z (1 (3]
            assert_equal {ninf a b} [r zrangebyscore z -inf 2]
            assert_equal {e pinf} [r zrangebyscore z 5 +inf]
            assert_equal {ninf a b c d e pinf} [r zrangebyscore z -inf +inf]
            assert_equal {} [r zrangebyscore z 3 1]
            assert_equal {} [r zrangebyscore z (3 (3]
            assert_equal {c} [r zrangebyscore z 3 3]
            assert_equal {c b a} [r zrevrangebyscore z 3 1]
            assert_equal {c b} [r zrevrangebyscore z 3 (1]
            assert_equal {} [r zrevrangebyscore z 1 3]
            assert_equal {b 2 c 3} [r zrangebyscore z 2 3 withscores]
            assert_equal {c b a} [r zrange z 3 1 byscore rev]
            assert_equal {a b c} [r zrange z 1 3 BYSCORE]
            assert_equal {a b c} [r zrangebyscore z " 1" 3]
            assert_equal {a b c d e} [r zrangebyscore z ( 6]
            assert_error "ERR min or max is not a float" {r zrangebyscore z a 3}
            assert_error "ERR min or max is not a float" {r zrangebyscore z 1 (x}
            assert_error "ERR min or max is not a float" {r zrangebyscore z nan 3}
            assert_error "ERR syntax error" {r zrangebyscore z 1 3 byscore}
            assert_error "ERR syntax error" {r zrangebyscore z 1 3 rev}
        }

        test "ZRANGEBYSCORE LIMIT - $enc" {
            zset_encoding $enc
            r del z
            r zadd z 1 a 2 b 3 c 4 d 5 e
            assert_equal {b c} [r zrangebyscore z 0 10 limit 1 2]
            assert_equal {d c} [r zrevrangebyscore z 10 0 limit 1 2]
            assert_equal {b c d e} [r zrangebyscore z 0 10 limit 1 -1]
            assert_equal {b c d e} [r zrangebyscore z 0 10 limit 1 -5]
            assert_equal {} [r zrangebyscore z 0 10 limit 5 1]
            assert_equal {} [r zrangebyscore z 0 10 limit -1 5]
            assert_equal {} [r zrangebyscore z 0 10 limit 0 0]
            assert_equal {e 5} [r zrangebyscore z 0 10 withscores limit 4 10]
            assert_equal {c d} [r zrange z (2 10 byscore limit 0 2]
            assert_equal {d c} [r zrange z 10 (2 byscore rev limit 1 2]
            assert_equal {c} [r zrangebyscore z 2 4 limit 1 1]
            assert_error "ERR value is not an integer or out of range" {r zrangebyscore z 0 10 limit x 1}
            assert_error "ERR syntax error" {r zrangebyscore z 0 10 limit 1}
        }

        test "ZRANGEBYLEX / ZREVRANGEBYLEX / ZRANGE BYLEX / ZLEXCOUNT - $enc" {
            zset_encoding $enc
            r del z
            r zadd z 0 alpha 0 bar 0 cool 0 down 0 elephant 0 foo 0 great 0 hill 0 omega
            assert_equal {alpha bar cool} [r zrangebylex z - \[cool]
            assert_equal {bar cool down} [r zrangebylex z \[bar \[down]
            assert_equal {hill omega} [r zrangebylex z (great +]
            assert_equal {omega} [r zrangebylex z (great + limit 1 5]
            assert_equal {great hill omega} [r zrangebylex z \[great +]
            assert_equal {} [r zrangebylex z + -]
            assert_equal {} [r zrangebylex z - -]
            assert_equal 9 [r zlexcount z - +]
            assert_equal {alpha bar cool down elephant foo great hill omega} [r zrangebylex z - +]
            assert_equal {omega hill great foo elephant} [r zrevrangebylex z + \[elephant]
            assert_equal {cool bar alpha} [r zrevrangebylex z \[cool -]
            assert_equal {cool bar} [r zrange z \[cool - bylex rev limit 0 2]
            assert_equal {bar cool} [r zrange z (alpha (down bylex]
            assert_equal 3 [r zlexcount z \[bar \[down]
            assert_equal 1 [r zlexcount z (bar (down]
            assert_equal 0 [r zlexcount z \[z +]
            assert_equal 0 [r zlexcount nokey - +]
            assert_equal {alpha bar} [r zrangebylex z \[ (cool]
            assert_error "ERR min or max not valid string range item" {r zrangebylex z a b}
            assert_error "ERR min or max not valid string range item" {r zrangebylex z -x +}
            assert_error "ERR min or max not valid string range item" {r zlexcount z \[a foo}
            assert_error "ERR syntax error, WITHSCORES not supported in combination with BYLEX" {r zrange z - + bylex withscores}
            assert_error "ERR syntax error, WITHSCORES not supported in combination with BYLEX" {r zrangebylex z - + withscores}
        }

        test "Reverse ranges over 120 members walk every member once - $enc" {
            # a listpack zset is read backwards in batches of 32 members
            zset_encoding $enc
            r del z
            set want {}
            for {set i 0} {$i < 120} {incr i} {
                r zadd z [expr {$i % 7}] [format m%03d $i]
            }
            assert_equal $enc [r object encoding z]
            set fwd [r zrange z 0 -1 withscores]
            set rev {}
            foreach {m s} $fwd { set rev [linsert $rev 0 $m $s] }
            assert_equal 240 [llength $fwd]
            assert_equal $rev [r zrevrange z 0 -1 withscores]
            assert_equal [lrange $rev 62 125] [r zrevrange z 31 62 withscores]
            assert_equal [lrange $rev 0 63] [r zrange z +inf -inf byscore rev limit 0 32 withscores]
            set mid {}
            foreach {m s} $rev { if {$s >= 2 && $s <= 4} { lappend mid $m } }
            assert_equal $mid [r zrevrangebyscore z 4 2]
            r del z
            for {set i 0} {$i < 100} {incr i} { r zadd z 0 [format m%03d $i] }
            set lex {}
            for {set i 98} {$i >= 5} {incr i -1} { lappend lex [format m%03d $i] }
            assert_equal $lex [r zrevrangebylex z {[m098} {[m005}]
            assert_equal 99 [r zrevrank z m000]
        }

        test "ZCOUNT - $enc" {
            zset_encoding $enc
            r del z
            r zadd z 1 a 2 b 3 c 4 d -inf x +inf y
            assert_equal 6 [r zcount z -inf +inf]
            assert_equal 3 [r zcount z 1 3]
            assert_equal 1 [r zcount z (1 (3]
            assert_equal 0 [r zcount z 3 1]
            assert_equal 0 [r zcount z (3 3]
            assert_equal 2 [r zcount z 4 +inf]
            assert_equal 0 [r zcount nokey 0 1]
            assert_error "ERR min or max is not a float" {r zcount z x 1}
        }

        test "ZMSCORE - $enc" {
            zset_encoding $enc
            r del z
            r zadd z 1 a 2.5 b
            assert_equal {1 {} 2.5} [r zmscore z a x b]
            assert_equal {{} {}} [r zmscore nokey a b]
            assert_error "ERR wrong number of arguments for 'zmscore' command" {r zmscore z}
        }

        test "ZREMRANGEBYRANK / BYSCORE / BYLEX - $enc" {
            zset_encoding $enc
            r del z
            r zadd z 1 a 2 b 3 c 4 d 5 e
            assert_equal 2 [r zremrangebyrank z 1 2]
            assert_equal {a d e} [r zrange z 0 -1]
            assert_equal 0 [r zremrangebyrank z 5 10]
            assert_equal 0 [r zremrangebyrank z 2 1]
            assert_equal 1 [r zremrangebyrank z -1 -1]
            assert_equal {a d} [r zrange z 0 -1]
            assert_equal 2 [r zremrangebyrank z -100 100]
            assert_equal 0 [r exists z]
            r zadd z 1 a 2 b 3 c 4 d 5 e
            assert_equal 2 [r zremrangebyscore z (1 3]
            assert_equal {a d e} [r zrange z 0 -1]
            assert_equal 0 [r zremrangebyscore z 10 20]
            assert_equal 3 [r zremrangebyscore z -inf +inf]
            assert_equal 0 [r exists z]
            r zadd z 0 a 0 b 0 c 0 d 0 e
            assert_equal 3 [r zremrangebylex z \[b (e]
            assert_equal {a e} [r zrange z 0 -1]
            assert_equal 2 [r zremrangebylex z - +]
            assert_equal 0 [r exists z]
            assert_equal 0 [r zremrangebyrank nokey 0 -1]
            assert_error "ERR value is not an integer or out of range" {r zremrangebyrank z x 1}
            assert_error "ERR min or max is not a float" {r zremrangebyscore z x 1}
            assert_error "ERR min or max not valid string range item" {r zremrangebylex z x +}
        }

        test "ZPOPMIN / ZPOPMAX - $enc" {
            zset_encoding $enc
            r del z
            r zadd z 1 a 2 b 3 c 4 d
            assert_equal {a 1} [r zpopmin z]
            assert_equal {d 4} [r zpopmax z]
            assert_equal {b 2 c 3} [r zpopmin z 10]
            assert_equal 0 [r exists z]
            assert_equal {} [r zpopmin z]
            assert_equal {} [r zpopmax z 3]
            r zadd z 1 a 2 b 3 c
            assert_equal {} [r zpopmin z 0]
            assert_equal {c 3 b 2} [r zpopmax z 2]
            assert_error "ERR value is out of range, must be positive" {r zpopmin z -1}
            assert_error "ERR value is out of range, must be positive" {r zpopmin z x}
            assert_error "ERR syntax error" {r zpopmin z 1 2}
        }

        test "ZMPOP - $enc" {
            zset_encoding $enc
            r del z1{t} z2{t}
            r zadd z2{t} 1 a 2 b 3 c
            assert_equal {z2{t} {{a 1}}} [r zmpop 2 z1{t} z2{t} min]
            assert_equal {z2{t} {{c 3} {b 2}}} [r zmpop 2 z1{t} z2{t} max count 10]
            assert_equal 0 [r exists z2{t}]
            assert_equal {} [r zmpop 2 z1{t} z2{t} min]
            assert_error "ERR numkeys should be greater than 0" {r zmpop 0 z1{t} min}
            assert_error "ERR numkeys should be greater than 0" {r zmpop x z1{t} min}
            assert_error "ERR syntax error" {r zmpop 1 z1{t} foo}
            assert_error "ERR syntax error" {r zmpop 3 z1{t} min}
            assert_error "ERR count should be greater than 0" {r zmpop 1 z1{t} min count 0}
            assert_error "ERR syntax error" {r zmpop 1 z1{t} min count 1 count 1}
            assert_error "ERR syntax error" {r zmpop 1 z1{t} min count}
        }

        test "ZRANDMEMBER - $enc" {
            zset_encoding $enc
            r del z
            r zadd z 1 a 2 b 3 c 4 d 5 e
            assert_match {[abcde]} [r zrandmember z]
            assert_equal {} [r zrandmember nokey]
            assert_equal {} [r zrandmember nokey 5]
            assert_equal {} [r zrandmember z 0]
            set res [r zrandmember z 3]
            assert_equal 3 [llength [lsort -unique $res]]
            assert_equal {a b c d e} [lsort [r zrandmember z 10]]
            assert_equal {a b c d e} [lsort [r zrandmember z 5]]
            set res [r zrandmember z -20]
            assert_equal 20 [llength $res]
            foreach m $res { assert_match {[abcde]} $m }
            set res [r zrandmember z -10 withscores]
            assert_equal 20 [llength $res]
            foreach {m s} $res { assert_equal [r zscore z $m] $s }
            set res [r zrandmember z 4 withscores]
            assert_equal 8 [llength $res]
            foreach {m s} $res { assert_equal [r zscore z $m] $s }
            assert_error "ERR value is not an integer or out of range" {r zrandmember z x}
            assert_error "ERR syntax error" {r zrandmember z 1 foo}
            assert_error "ERR syntax error" {r zrandmember z 1 withscores x}
            assert_error "ERR value is out of range" {r zrandmember z -9223372036854775807 withscores}
            assert_error "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807" {r zrandmember z -9223372036854775808}
        }

        test "ZRANDMEMBER distinct with count close to the size - $enc" {
            zset_encoding $enc
            r del z
            for {set i 0} {$i < 40} {incr i} { r zadd z $i m$i }
            for {set t 0} {$t < 10} {incr t} {
                set res [r zrandmember z 30]
                assert_equal 30 [llength [lsort -unique $res]]
                set res [r zrandmember z 5]
                assert_equal 5 [llength [lsort -unique $res]]
            }
        }

        test "ZSCAN - $enc" {
            zset_encoding $enc
            r del z
            for {set i 0} {$i < 100} {incr i} { r zadd z $i m$i }
            set res [zscan_all z]
            assert_equal 200 [llength $res]
            set d [dict create {*}$res]
            assert_equal 100 [dict size $d]
            assert_equal 42 [dict get $d m42]
            set res [zscan_all z match m1*]
            assert_equal 11 [expr {[llength $res] / 2}]
            set res [zscan_all z count 5 match m9?]
            assert_equal 10 [expr {[llength $res] / 2}]
            r zadd z 1.5 half
            assert_equal 1.5 [dict get [dict create {*}[zscan_all z match half]] half]
            assert_equal {0 {}} [r zscan nokey 0]
            assert_error "ERR invalid cursor" {r zscan z abc}
            assert_error "ERR syntax error" {r zscan z 0 count 0}
            assert_error "ERR syntax error" {r zscan z 0 foo bar}
            assert_error "ERR value is not an integer or out of range" {r zscan z 0 count x}
        }

        test "Empty member and binary members - $enc" {
            zset_encoding $enc
            r del z
            r zadd z 1 "" 2 "a\x00b" 3 "\r\n"
            assert_equal [list "" "a\x00b" "\r\n"] [r zrange z 0 -1]
            assert_equal 2 [r zscore z "a\x00b"]
            assert_equal 1 [r zscore z ""]
            assert_equal 1 [r zrem z ""]
        }

        test "Integer-looking members stay distinct from their text - $enc" {
            zset_encoding $enc
            r del z
            r zadd z 1 10 2 010 3 -5 4 +5
            assert_equal {10 010 -5 +5} [r zrange z 0 -1]
            assert_equal 2 [r zscore z 010]
            assert_equal 1 [r zscore z 10]
            assert_equal {} [r zscore z 5]
        }
    }

    test "Negative zero: a listpack stores 0, a skiplist keeps -0" {
        zset_encoding listpack
        r del z z2
        r zadd z -0 x 0 y
        assert_equal 0 [r zscore z x]
        assert_equal 2 [r zunionstore z2 1 z weights -1]
        assert_equal {x 0 y 0} [r zrange z2 0 -1 withscores]
        # -0 + 0 is 0 when aggregating
        assert_equal {x 0 y 0} [r zunion 2 z z weights -1 0 withscores]
        zset_encoding skiplist
        r del z
        r zadd z -0 x
        assert_equal -0 [r zscore z x]
        zset_encoding listpack
    }

    test "Listpack converts to skiplist on entry count" {
        zset_encoding listpack
        r config set zset-max-listpack-entries 16
        r del z
        for {set i 0} {$i < 16} {incr i} { r zadd z $i m$i }
        assert_equal listpack [r object encoding z]
        r zadd z 16 m16
        assert_equal skiplist [r object encoding z]
        assert_equal 17 [r zcard z]
        assert_equal 16 [r zrank z m16]
        # Redis 7.0 never converts back on removal
        r zremrangebyrank z 0 10
        assert_equal skiplist [r object encoding z]
        r config set zset-max-listpack-entries 128
    }

    test "Listpack converts to skiplist on member length" {
        zset_encoding listpack
        r del z
        r zadd z 1 a
        r zadd z 2 [string repeat x 64]
        assert_equal listpack [r object encoding z]
        r zadd z 3 [string repeat x 65]
        assert_equal skiplist [r object encoding z]
        r del z
        r zadd z 1 [string repeat y 65]
        assert_equal skiplist [r object encoding z]
        r del z
        r zadd z 1 a 2 [string repeat y 65]
        assert_equal skiplist [r object encoding z]
        assert_equal 2 [r zcard z]
    }

    test "ZADD INCR of a member that does not exist converts on length" {
        zset_encoding listpack
        r del z
        r zadd z incr 1 [string repeat y 100]
        assert_equal skiplist [r object encoding z]
    }

    test "STORE results take the smallest encoding" {
        zset_encoding listpack
        r config set zset-max-listpack-entries 0
        r del src{t} dst{t}
        r zadd src{t} 1 a 2 b 3 c
        assert_equal skiplist [r object encoding src{t}]
        r config set zset-max-listpack-entries 128
        assert_equal 3 [r zunionstore dst{t} 1 src{t}]
        assert_equal listpack [r object encoding dst{t}]
        assert_equal 2 [r zrangestore dst{t} src{t} 0 1]
        assert_equal listpack [r object encoding dst{t}]
        r config set zset-max-listpack-entries 2
        assert_equal 3 [r zinterstore dst{t} 1 src{t}]
        assert_equal skiplist [r object encoding dst{t}]
        assert_equal 3 [r zrangestore dst{t} src{t} 0 -1]
        assert_equal skiplist [r object encoding dst{t}]
        assert_equal 2 [r zrangestore dst{t} src{t} 0 1]
        assert_equal listpack [r object encoding dst{t}]
        r config set zset-max-listpack-entries 128
        r zadd src{t} 4 [string repeat z 70]
        assert_equal 4 [r zdiffstore dst{t} 1 src{t}]
        assert_equal skiplist [r object encoding dst{t}]
    }

    test "WRONGTYPE errors" {
        r del s
        r set s foo
        assert_error "WRONGTYPE*" {r zadd s 1 a}
        assert_error "WRONGTYPE*" {r zincrby s 1 a}
        assert_error "WRONGTYPE*" {r zscore s a}
        assert_error "WRONGTYPE*" {r zmscore s a}
        assert_error "WRONGTYPE*" {r zcard s}
        assert_error "WRONGTYPE*" {r zrem s a}
        assert_error "WRONGTYPE*" {r zrank s a}
        assert_error "WRONGTYPE*" {r zrange s 0 -1}
        assert_error "WRONGTYPE*" {r zrangebyscore s 0 1}
        assert_error "WRONGTYPE*" {r zrangebylex s - +}
        assert_error "WRONGTYPE*" {r zcount s 0 1}
        assert_error "WRONGTYPE*" {r zlexcount s - +}
        assert_error "WRONGTYPE*" {r zremrangebyrank s 0 1}
        assert_error "WRONGTYPE*" {r zpopmin s}
        assert_error "WRONGTYPE*" {r zrandmember s}
        assert_error "WRONGTYPE*" {r zscan s 0}
        assert_error "WRONGTYPE*" {r zunion 1 s}
        assert_error "WRONGTYPE*" {r zmpop 1 s min}
        # the score is parsed before the key is looked up
        assert_error "ERR value is not a valid float" {r zadd s x a}
        assert_error "ERR min or max is not a float" {r zcount s x 1}
        assert_equal foo [r get s]
    }

    test "ZSET survives RENAME, COPY and DEL; TYPE and ENCODING follow" {
        foreach enc {listpack skiplist} {
            zset_encoding $enc
            r del za zb zc
            r zadd za 1 a 2 b 3.5 c
            r rename za zb
            assert_equal {a 1 b 2 c 3.5} [r zrange zb 0 -1 withscores]
            assert_equal $enc [r object encoding zb]
            r copy zb zc
            r zadd zc 9 d
            assert_equal 3 [r zcard zb]
            assert_equal 4 [r zcard zc]
            assert_equal $enc [r object encoding zc]
            assert_equal 2 [r del zb zc]
        }
        zset_encoding listpack
    }

    test "ZADD on a key with a TTL keeps the TTL; ZRANGESTORE drops it" {
        r del z dst{x} src{x}
        r zadd z 1 a
        r expire z 100
        r zadd z 2 b
        assert_range [r ttl z] 90 100
        r zadd src{x} 1 a
        r zadd dst{x} 1 b
        r expire dst{x} 100
        r zrangestore dst{x} src{x} 0 -1
        assert_equal -1 [r ttl dst{x}]
    }

    # ------------------------------------------------------------ set ops
    foreach enc {listpack skiplist} {
        test "ZUNION / ZINTER / ZDIFF with WEIGHTS and AGGREGATE - $enc" {
            zset_encoding $enc
            r del za zb zc
            r zadd za 1 a 2 b 3 c
            r zadd zb 1 b 2 c 3 d
            assert_equal {a b d c} [r zunion 2 za zb]
            assert_equal {a 1 b 3 d 3 c 5} [r zunion 2 za zb withscores]
            assert_equal {b 3 c 5} [r zinter 2 za zb withscores]
            assert_equal {a 1} [r zdiff 2 za zb withscores]
            assert_equal {a} [r zdiff 2 za zb]
            assert_equal {a b c} [r zdiff 1 za]
            assert_equal {a b d c} [r zunion 3 za zb zc]
            assert_equal {} [r zinter 3 za zb zc]
            assert_equal {a 2 b 7 d 9 c 12} [r zunion 2 za zb weights 2 3 withscores]
            assert_equal {a 1 b 1 c 2 d 3} [r zunion 2 za zb aggregate min withscores]
            assert_equal {a 1 b 2 c 3 d 3} [r zunion 2 za zb aggregate max withscores]
            assert_equal {b 1 c 2} [r zinter 2 za zb aggregate min withscores]
            assert_equal {b 2 c 3} [r zinter 2 za zb aggregate max withscores]
            assert_equal {b 4 c 7} [r zinter 2 za zb weights 1 2 withscores]
            assert_equal {a 2 b 4 c 6} [r zinter 2 za za weights 1 1 withscores]
            assert_equal {} [r zunion 1 zc]
            assert_equal {c -1.5 b -1 a -0.5} [r zunion 1 za weights -0.5 withscores]
        }

        test "Set operations with infinities give 0 for inf-inf sums - $enc" {
            zset_encoding $enc
            r del za zb
            r zadd za +inf a -inf b
            r zadd zb -inf a -inf b
            assert_equal {b -inf a 0} [r zunion 2 za zb withscores]
            assert_equal {b -inf a 0} [r zinter 2 za zb withscores]
            assert_equal {a 0 b 0} [r zunion 1 za weights 0 withscores]
        }

        test "STORE forms of ZUNION / ZINTER / ZDIFF - $enc" {
            zset_encoding $enc
            r del za{s} zb{s} dst{s}
            r zadd za{s} 1 a 2 b 3 c
            r zadd zb{s} 1 b 2 c 3 d
            assert_equal 4 [r zunionstore dst{s} 2 za{s} zb{s}]
            assert_equal {a 1 b 3 d 3 c 5} [r zrange dst{s} 0 -1 withscores]
            assert_equal 2 [r zinterstore dst{s} 2 za{s} zb{s} weights 2 1]
            assert_equal {b 5 c 8} [r zrange dst{s} 0 -1 withscores]
            assert_equal 1 [r zdiffstore dst{s} 2 za{s} zb{s}]
            assert_equal {a 1} [r zrange dst{s} 0 -1 withscores]
            # the destination may be a source
            assert_equal 4 [r zunionstore za{s} 2 za{s} zb{s}]
            assert_equal {a 1 b 3 d 3 c 5} [r zrange za{s} 0 -1 withscores]
            # an empty result deletes the destination
            assert_equal 0 [r zinterstore dst{s} 2 za{s} nokey{s}]
            assert_equal 0 [r exists dst{s}]
            r set dst{s} string
            assert_equal 0 [r zdiffstore dst{s} 1 nokey{s}]
            assert_equal 0 [r exists dst{s}]
            r set dst{s} string
            assert_equal 4 [r zunionstore dst{s} 1 za{s}]
            assert_equal zset [r type dst{s}]
        }

        test "ZINTERCARD - $enc" {
            zset_encoding $enc
            r del za zb
            r zadd za 1 a 2 b 3 c 4 d
            r zadd zb 1 b 2 c 3 d 4 e
            assert_equal 3 [r zintercard 2 za zb]
            assert_equal 2 [r zintercard 2 za zb limit 2]
            assert_equal 3 [r zintercard 2 za zb limit 0]
            assert_equal 3 [r zintercard 2 za zb limit 10]
            assert_equal 0 [r zintercard 2 za nokey]
            assert_equal 4 [r zintercard 1 za]
            assert_error "ERR LIMIT can't be negative" {r zintercard 2 za zb limit -1}
            assert_error "ERR LIMIT can't be negative" {r zintercard 2 za zb limit x}
            assert_error "ERR syntax error" {r zintercard 2 za zb withscores}
            assert_error "ERR syntax error" {r zintercard 2 za zb weights 1 2}
        }
    }

    tags {needs-types} {
        test "Set operations accept plain sets as inputs (score 1)" {
            r del zs st dst{u}
            r zadd zs 5 a 2 b
            r sadd st a c
            assert_equal {c 1 b 2 a 6} [r zunion 2 zs st withscores]
            assert_equal {a 7} [r zinter 2 zs st weights 1 2 withscores]
            assert_equal {b 2} [r zdiff 2 zs st withscores]
            assert_equal {c 1} [r zdiff 2 st zs withscores]
            assert_equal 1 [r zintercard 2 zs st]
            r del zs{u} st{u}
            r sadd st{u} x y
            assert_equal 2 [r zunionstore dst{u} 1 st{u}]
            assert_equal {x 1 y 1} [r zrange dst{u} 0 -1 withscores]
            assert_error "WRONGTYPE*" {r zrange st 0 -1}
            r rpush li a
            assert_error "WRONGTYPE*" {r zunion 2 zs li}
        }
    }

    test "Set operation argument errors" {
        r del za
        r zadd za 1 a
        assert_error "ERR at least 1 input key is needed for 'zunion' command" {r zunion 0 za}
        assert_error "ERR at least 1 input key is needed for 'zinter' command" {r zinter -1 za}
        assert_error "ERR at least 1 input key is needed for 'zintercard' command" {r zintercard 0 za}
        assert_error "ERR at least 1 input key is needed for 'zunionstore' command" {r zunionstore d 0 za}
        assert_error "ERR at least 1 input key is needed for 'zdiffstore' command" {r zdiffstore d 0 za}
        assert_error "ERR value is not an integer or out of range" {r zunion x za}
        assert_error "ERR syntax error" {r zunion 3 za}
        assert_error "ERR syntax error" {r zunion 1 za weights}
        assert_error "ERR syntax error" {r zunion 1 za weights 1 2}
        assert_error "ERR weight value is not a float" {r zunion 1 za weights x}
        assert_error "ERR syntax error" {r zunion 1 za aggregate foo}
        assert_error "ERR syntax error" {r zunion 1 za aggregate}
        assert_error "ERR syntax error" {r zdiff 1 za weights 1}
        assert_error "ERR syntax error" {r zdiff 1 za aggregate sum}
        assert_error "ERR syntax error" {r zunionstore d 1 za withscores}
        assert_error "ERR wrong number of arguments for 'zunion' command" {r zunion 1}
        assert_error "ERR wrong number of arguments for 'zunionstore' command" {r zunionstore d 1}
    }

    test "ZRANGESTORE" {
        r del src{r} dst{r}
        r zadd src{r} 1 a 2 b 3 c 4 d
        assert_equal 2 [r zrangestore dst{r} src{r} 1 2]
        assert_equal {b 2 c 3} [r zrange dst{r} 0 -1 withscores]
        assert_equal 2 [r zrangestore dst{r} src{r} 4 (2 byscore rev]
        assert_equal {c d} [r zrange dst{r} 0 -1]
        assert_equal 1 [r zrangestore dst{r} src{r} \[b (c bylex]
        assert_equal {b} [r zrange dst{r} 0 -1]
        assert_equal 2 [r zrangestore dst{r} src{r} 0 10 byscore limit 1 2]
        assert_equal {b c} [r zrange dst{r} 0 -1]
        assert_equal 0 [r zrangestore dst{r} src{r} 10 20]
        assert_equal 0 [r exists dst{r}]
        assert_equal 0 [r zrangestore dst{r} nokey{r} 0 -1]
        assert_error "ERR syntax error" {r zrangestore dst{r} src{r} 0 -1 withscores}
        assert_error "ERR wrong number of arguments for 'zrangestore' command" {r zrangestore dst{r} src{r} 0}
    }

    # ------------------------------------------------------------ RESP3
    test "RESP3 reply shapes" {
        zset_encoding listpack
        r del z
        r zadd z 1 a 2.5 b
        assert_equal ",2.5\r\n" [resp3_raw zscore z b]
        assert_equal "_\r\n" [resp3_raw zscore z x]
        assert_equal "*2\r\n,1\r\n_\r\n" [resp3_raw zmscore z a x]
        assert_equal ",3.5\r\n" [resp3_raw zincrby z 1 b]
        assert_equal "_\r\n" [resp3_raw zadd z nx incr 1 a]
        assert_equal "_\r\n" [resp3_raw zrank z x]
        assert_equal "*2\r\n*2\r\n\$1\r\na\r\n,1\r\n*2\r\n\$1\r\nb\r\n,3.5\r\n" [resp3_raw zrange z 0 -1 withscores]
        assert_equal "*2\r\n\$1\r\na\r\n\$1\r\nb\r\n" [resp3_raw zrange z 0 -1]
        assert_equal "*1\r\n*2\r\n\$1\r\na\r\n,1\r\n" [resp3_raw zrangebyscore z 1 1 withscores]
        assert_equal "*2\r\n*2\r\n\$1\r\na\r\n,1\r\n*2\r\n\$1\r\nb\r\n,3.5\r\n" [resp3_raw zunion 1 z withscores]
        assert_equal "*2\r\n\$1\r\n0\r\n*2\r\n\$1\r\na\r\n\$1\r\n1\r\n" [resp3_raw zscan z 0 match a]
        assert_equal "*0\r\n" [resp3_raw zpopmin nokey]
        r zadd zinf +inf a -inf b
        assert_equal "*2\r\n\$1\r\nb\r\n,-inf\r\n" [resp3_raw zpopmin zinf]
        assert_equal "*1\r\n*2\r\n\$1\r\na\r\n,inf\r\n" [resp3_raw zpopmin zinf 1]
        r zadd zinf 1 a
        assert_equal "*2\r\n\$4\r\nzinf\r\n*1\r\n*2\r\n\$1\r\na\r\n,1\r\n" [resp3_raw zmpop 1 zinf min]
        assert_equal "_\r\n" [resp3_raw zmpop 1 zinf min]
        r zadd z1 5 only
        assert_equal "*1\r\n*2\r\n\$4\r\nonly\r\n,5\r\n" [resp3_raw zrandmember z1 1 withscores]
        assert_equal "*0\r\n" [resp3_raw zrandmember nokey 1 withscores]
    }

    test "RESP2 reply shapes" {
        r del z zinf
        r zadd z 1 a 2.5 b
        set c [redis_deferring_client]
        $c zscore z b
        assert_equal "\$3\r\n2.5\r\n" [$c read_raw]
        $c zscore z x
        assert_equal "\$-1\r\n" [$c read_raw]
        $c zrange z 0 0 withscores
        assert_equal "*2\r\n\$1\r\na\r\n\$1\r\n1\r\n" [$c read_raw]
        $c zmpop 1 nokey min
        assert_equal "*-1\r\n" [$c read_raw]
        $c zmpop 1 z min
        assert_equal "*2\r\n\$1\r\nz\r\n*1\r\n*2\r\n\$1\r\na\r\n\$1\r\n1\r\n" [$c read_raw]
        $c zadd z incr xx 1 nosuch
        assert_equal "\$-1\r\n" [$c read_raw]
        r zadd zinf -inf x
        $c zscore zinf x
        assert_equal "\$4\r\n-inf\r\n" [$c read_raw]
        $c close
    }

    # ------------------------------------------------------- across shards
    test "Set operations over keys on different shards" {
        zset_encoding listpack
        r del k1 k2 k3 k4 k5 dest
        for {set i 0} {$i < 50} {incr i} {
            r zadd k1 $i m$i
            if {$i % 2 == 0} { r zadd k2 1 m$i }
            if {$i % 3 == 0} { r zadd k3 2 m$i }
        }
        assert_equal 50 [llength [r zunion 3 k1 k2 k3]]
        assert_equal 9 [llength [r zinter 3 k1 k2 k3]]
        assert_equal 9 [r zintercard 3 k1 k2 k3]
        assert_equal 17 [llength [r zdiff 3 k1 k2 k3]]
        assert_equal 50 [r zunionstore dest 3 k1 k2 k3]
        assert_equal [r zunion 3 k1 k2 k3 withscores] [r zrange dest 0 -1 withscores]
        assert_equal 9 [r zinterstore dest 3 k1 k2 k3 aggregate max]
        assert_equal {m0 2 m6 6 m12 12} [r zrange dest 0 2 withscores]
        assert_equal 17 [r zdiffstore dest 3 k1 k2 k3]
        assert_equal 10 [r zrangestore dest k1 0 9]
        assert_equal {m0 m1 m2} [r zrange dest 0 2]
        assert_equal listpack [r object encoding dest]
        assert_equal {k4 {}} [list k4 [r zmpop 2 k4 k5 min]]
        r zadd k5 1 x 2 y
        assert_equal {k5 {{x 1}}} [r zmpop 2 k4 k5 min]
        assert_equal {k5 {{y 2}}} [r zmpop 3 k4 k5 k1 max]
        assert_equal 0 [r exists k5]
        assert_equal {k1 {{m49 49}}} [r zmpop 2 k4 k1 max]
        assert_equal 49 [r zcard k1]
    }

    test "Skiplist zsets move between shards intact" {
        zset_encoding skiplist
        r del k1 k2 dest
        for {set i 0} {$i < 300} {incr i} { r zadd k1 [expr {$i * 1.5}] m$i }
        r zadd k2 0 m1
        assert_equal 300 [r zunionstore dest 2 k1 k2]
        assert_equal skiplist [r object encoding dest]
        assert_equal [r zrange k1 0 -1 withscores] [r zrange dest 0 -1 withscores]
        r rename dest k3
        assert_equal 1.5 [r zscore k3 m1]
        assert_equal skiplist [r object encoding k3]
        zset_encoding listpack
    }

    test "Listpack zsets move between shards intact and read backwards" {
        zset_encoding listpack
        r del k1 k2 k3 k4
        for {set i 0} {$i < 100} {incr i} { r zadd k1 [expr {$i % 9}] m$i }
        set fwd [r zrange k1 0 -1 withscores]
        # k2..k4 land on other shards with 4 shards: each move ships the pack
        r rename k1 k2
        assert_equal 1 [r copy k2 k3]
        r rename k3 k4
        foreach k {k2 k4} {
            assert_equal listpack [r object encoding $k]
            assert_equal $fwd [r zrange $k 0 -1 withscores]
            assert_equal [lreverse [r zrange $k 0 -1]] [r zrevrange $k 0 -1]
            assert_equal 99 [r zrevrank $k [lindex $fwd 0]]
        }
        assert_equal 1 [r zadd k4 9 extra]
        assert_equal extra [lindex [r zrevrange k4 0 0] 0]
        r del k2 k4
    }

    # ------------------------------------------------------- big sets
    test "Big zset (100,000 members) as a skiplist" {
        zset_encoding listpack
        r del big
        set n 100000
        for {set i 0} {$i < $n} {incr i 1000} {
            set args {}
            for {set j $i} {$j < $i + 1000} {incr j} { lappend args $j m$j }
            r zadd big {*}$args
        }
        assert_equal skiplist [r object encoding big]
        assert_equal $n [r zcard big]
        assert_equal 54321 [r zrank big m54321]
        assert_equal [expr {$n - 1 - 54321}] [r zrevrank big m54321]
        assert_equal 777 [r zscore big m777]
        assert_equal {m50000 m50001} [r zrange big 50000 50001]
        assert_equal {m99999 m99998} [r zrevrange big 0 1]
        assert_equal 1001 [r zcount big 1000 2000]
        assert_equal {m70000 m70001} [r zrangebyscore big 70000 +inf limit 0 2]
        assert_equal {m70000 m69999} [r zrevrangebyscore big 70000 -inf limit 0 2]
        assert_equal 1000 [r zremrangebyscore big 0 (1000]
        assert_equal 1000 [r zremrangebyrank big 0 999]
        assert_equal 98000 [r zcard big]
        assert_equal {m2000 2000} [r zpopmin big]
        assert_equal 97999 [llength [lsort -unique [dict keys [zscan_all big count 1000]]]]
        assert_equal 97999 [r zunionstore big2 1 big]
        assert_equal 97999 [r zintercard 2 big big2]
    }

    test "Big zset (100,000 members) as a listpack" {
        r config set zset-max-listpack-entries 200000
        r del big big2
        zset_encoding skiplist
        set n 100000
        for {set i 0} {$i < $n} {incr i 1000} {
            set args {}
            for {set j $i} {$j < $i + 1000} {incr j} { lappend args $j m$j }
            r zadd big {*}$args
        }
        r config set zset-max-listpack-entries 200000
        r config set zset-max-listpack-value 64
        assert_equal $n [r zunionstore big2 1 big]
        assert_equal listpack [r object encoding big2]
        assert_equal $n [r zcard big2]
        assert_equal 54321 [r zrank big2 m54321]
        assert_equal 99998 [r zscore big2 m99998]
        assert_equal {m50000 m50001} [r zrange big2 50000 50001]
        assert_equal {m99999 m99998} [r zrevrange big2 0 1]
        assert_equal 1001 [r zcount big2 1000 2000]
        assert_equal {m70000 m70001} [r zrangebyscore big2 70000 +inf limit 0 2]
        assert_equal 1000 [r zremrangebyscore big2 0 (1000]
        assert_equal {m1000 1000} [r zpopmin big2]
        assert_equal {m99999 99999} [r zpopmax big2]
        assert_equal 1 [r zadd big2 -1 first]
        assert_equal {first -1} [r zrange big2 0 0 withscores]
        assert_equal listpack [r object encoding big2]
        assert_equal [expr {$n - 1001}] [llength [r zrange big2 0 -1]]
        r del big big2
        zset_encoding listpack
    }

    test "Random operations agree with a model in both encodings" {
        foreach enc {listpack skiplist} {
            zset_encoding $enc
            r del rz
            set model [dict create]
            for {set i 0} {$i < 400} {incr i} {
                set m m[expr {int(rand() * 60)}]
                set s [expr {int(rand() * 20) - 10}]
                switch [expr {int(rand() * 3)}] {
                    0 { r zadd rz $s $m; dict set model $m $s }
                    1 { r zrem rz $m; dict unset model $m }
                    2 {
                        set cur 0
                        if {[dict exists $model $m]} { set cur [dict get $model $m] }
                        r zincrby rz $s $m
                        dict set model $m [expr {$cur + $s}]
                    }
                }
            }
            set expect {}
            foreach {m s} [lsort -stride 2 -index 1 -integer [lsort -stride 2 -index 0 $model]] {
                lappend expect $m $s
            }
            assert_equal $expect [r zrange rz 0 -1 withscores]
            r del rz
        }
        zset_encoding listpack
    }
}
