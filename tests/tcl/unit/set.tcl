# Set commands: SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SRANDMEMBER
# SPOP SMOVE SINTER SINTERCARD SUNION SDIFF SINTERSTORE SUNIONSTORE
# SDIFFSTORE SSCAN; encodings (intset, hashtable, and redis-shard's listpack
# for small non-integer sets); keys spread over shards.

set ::wt "WRONGTYPE Operation against a key holding the wrong kind of value"

# The encoding Redis 7.0 reports for a small set of short strings; redis-shard
# keeps such sets in a listpack.
proc small_str_enc {} {
    if {$::is_redis_shard} { return listpack }
    return hashtable
}

# RESP3 raw reply of one command.
proc raw3 {args} {
    set c [redis_deferring_client]
    $c hello 3
    $c read
    $c {*}$args
    set raw [$c read_raw]
    $c close
    return $raw
}

# SSCAN the whole set with the given extra arguments; returns the members.
proc sscan_all {key args} {
    set cur 0
    set out {}
    while 1 {
        set res [r sscan $key $cur {*}$args]
        set cur [lindex $res 0]
        lappend out {*}[lindex $res 1]
        if {$cur eq "0"} break
    }
    return $out
}

start_server {tags {set}} {

    # ------------------------------------------------------------ SADD/SREM
    test "SADD, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS basics (hashtable)" {
        r del myset
        set long [string repeat x 70]
        assert_equal 1 [r sadd myset $long]
        assert_equal hashtable [r object encoding myset]
        assert_equal 1 [r sadd myset foo]
        assert_equal 0 [r sadd myset foo]
        assert_equal 2 [r sadd myset bar baz]
        assert_equal 0 [r sadd myset bar baz foo]
        assert_equal 4 [r scard myset]
        assert_equal 1 [r sismember myset foo]
        assert_equal 0 [r sismember myset nope]
        assert_equal {1 0 1} [r smismember myset foo nope bar]
        assert_equal [lsort [list $long foo bar baz]] [lsort [r smembers myset]]
    }

    test "SADD, SCARD, SISMEMBER, SMEMBERS basics (intset)" {
        r del myset
        assert_equal 3 [r sadd myset 17 -5 100000]
        assert_equal intset [r object encoding myset]
        assert_equal 0 [r sadd myset 17]
        assert_equal 3 [r scard myset]
        assert_equal 1 [r sismember myset 17]
        assert_equal 1 [r sismember myset -5]
        assert_equal 0 [r sismember myset 18]
        assert_equal 0 [r sismember myset abc]
        assert_equal 0 [r sismember myset 017]
        assert_equal {1 0 0 1} [r smismember myset 17 16 17.0 100000]
        # an intset lists its members in ascending order
        assert_equal {-5 17 100000} [r smembers myset]
    }

    tags {redis-shard-only} {
        test "SADD, SREM, SISMEMBER basics (listpack)" {
            r del myset
            assert_equal 3 [r sadd myset a b c]
            assert_equal listpack [r object encoding myset]
            assert_equal 1 [r sadd myset 12]
            assert_equal 0 [r sadd myset 12 a]
            assert_equal listpack [r object encoding myset]
            assert_equal {1 1 0 0} [r smismember myset a 12 012 z]
            assert_equal [lsort {a b c 12}] [lsort [r smembers myset]]
            assert_equal 2 [r srem myset a 12 zz]
            assert_equal {b c} [lsort [r smembers myset]]
            assert_equal 2 [r srem myset b c]
            assert_equal 0 [r exists myset]
        }
    }

    test "SADD a non-integer to an intset converts it" {
        r del myset
        r sadd myset 1 2 3
        assert_equal intset [r object encoding myset]
        assert_equal 1 [r sadd myset a]
        assert_equal [small_str_enc] [r object encoding myset]
        assert_equal {1 2 3 a} [lsort [r smembers myset]]
        assert_equal 1 [r sismember myset 2]
        assert_equal 1 [r sismember myset a]
        # a long member always means hashtable
        r del myset
        r sadd myset 1 2 3
        r sadd myset [string repeat y 65]
        assert_equal hashtable [r object encoding myset]
    }

    test "SADD integers that do not fit an intset stay strings" {
        r del myset
        # out of int64 range, leading zero, plus sign, spaces: not integers
        assert_equal 5 [r sadd myset 9223372036854775808 007 +1 " 1" 1.0]
        assert_equal [small_str_enc] [r object encoding myset]
        assert_equal 0 [r sismember myset 7]
        assert_equal 1 [r sismember myset 007]
        r del myset
        assert_equal 2 [r sadd myset 9223372036854775807 -9223372036854775808]
        assert_equal intset [r object encoding myset]
        assert_equal {-9223372036854775808 9223372036854775807} [r smembers myset]
    }

    test "intset grows its element width (16 to 32 to 64 bits)" {
        r del myset
        r sadd myset 1 -2
        r sadd myset 70000
        r sadd myset -5000000000
        r sadd myset 32767 -32768 2147483647
        assert_equal intset [r object encoding myset]
        assert_equal {-5000000000 -32768 -2 1 32767 70000 2147483647} [r smembers myset]
        assert_equal 1 [r sismember myset 70000]
        assert_equal 0 [r sismember myset 70001]
        assert_equal 1 [r srem myset -5000000000]
        assert_equal 1 [r sismember myset -2]
    }

    test "SADD over set-max-intset-entries converts to hashtable" {
        r del myset
        for {set i 0} {$i < 512} {incr i} { r sadd myset $i }
        assert_equal intset [r object encoding myset]
        r sadd myset 512
        assert_equal hashtable [r object encoding myset]
        assert_equal 513 [r scard myset]
        assert_equal 1 [r sismember myset 300]
        # never converts back on removal
        for {set i 0} {$i < 500} {incr i} { r srem myset $i }
        assert_equal hashtable [r object encoding myset]
        assert_equal 13 [r scard myset]
    }

    test "CONFIG SET set-max-intset-entries applies to new additions" {
        r config set set-max-intset-entries 4
        r del myset
        r sadd myset 1 2 3 4
        assert_equal intset [r object encoding myset]
        r sadd myset 5
        assert_equal hashtable [r object encoding myset]
        r del myset
        r sadd myset 1 2 3 4 5
        assert_equal hashtable [r object encoding myset]
        r config set set-max-intset-entries 512
    }

    tags {redis-shard-only} {
        test "listpack converts to hashtable past set-max-listpack-entries/value" {
            r del myset
            for {set i 0} {$i < 128} {incr i} { r sadd myset m$i }
            assert_equal listpack [r object encoding myset]
            r sadd myset m128
            assert_equal hashtable [r object encoding myset]
            assert_equal 129 [r scard myset]
            r del myset
            r sadd myset a [string repeat b 64]
            assert_equal listpack [r object encoding myset]
            r sadd myset [string repeat b 65]
            assert_equal hashtable [r object encoding myset]
            r config set set-max-listpack-entries 3
            r del myset
            r sadd myset 1 2 3
            r sadd myset x
            assert_equal hashtable [r object encoding myset]
            r del myset
            r sadd myset 1 2
            r sadd myset x
            assert_equal listpack [r object encoding myset]
            r config set set-max-listpack-entries 0
            r del myset
            r sadd myset x
            assert_equal hashtable [r object encoding myset]
            r config set set-max-listpack-entries 128
        }
    }

    test "SADD/SREM binary-safe members" {
        r del myset
        set m "a\r\nb\x00c"
        assert_equal 2 [r sadd myset $m ""]
        assert_equal 1 [r sismember myset $m]
        assert_equal 1 [r sismember myset ""]
        assert_equal [lsort [list $m ""]] [lsort [r smembers myset]]
        assert_equal 1 [r srem myset $m]
        assert_equal {{}} [r smembers myset]
    }

    test "SREM basics, missing key, last member deletes the key" {
        r del myset
        assert_equal 0 [r srem myset a]
        r sadd myset [string repeat z 70] bar baz
        assert_equal 0 [r srem myset qux]
        assert_equal 1 [r srem myset bar]
        assert_equal 2 [r scard myset]
        assert_equal 2 [r srem myset baz [string repeat z 70] nope]
        assert_equal 0 [r exists myset]
        r sadd myset 1 2 3
        assert_equal 2 [r srem myset 1 2 abc 4]
        assert_equal 1 [r srem myset 3]
        assert_equal 0 [r exists myset]
    }

    test "SREM stops counting once the set is empty" {
        r del myset
        r sadd myset a b
        # Redis 7.0 breaks out at the emptying removal
        assert_equal 2 [r srem myset a b a b]
        assert_equal 0 [r exists myset]
    }

    test "Set commands against a missing key" {
        r del nokey
        assert_equal 0 [r scard nokey]
        assert_equal 0 [r sismember nokey a]
        assert_equal {0 0} [r smismember nokey a b]
        assert_equal {} [r smembers nokey]
        assert_equal {} [r srandmember nokey]
        assert_equal {} [r srandmember nokey 3]
        assert_equal {} [r spop nokey]
        assert_equal {} [r spop nokey 3]
        assert_equal {0 {}} [r sscan nokey 0]
        assert_equal 0 [r exists nokey]
    }

    test "Set commands against a string key return WRONGTYPE" {
        r set str x
        r sadd aset a
        assert_error $::wt {r sadd str a}
        assert_error $::wt {r srem str a}
        assert_error $::wt {r scard str}
        assert_error $::wt {r sismember str a}
        assert_error $::wt {r smismember str a}
        assert_error $::wt {r smembers str}
        assert_error $::wt {r srandmember str}
        assert_error $::wt {r srandmember str 2}
        assert_error $::wt {r spop str}
        assert_error $::wt {r spop str 2}
        assert_error $::wt {r sscan str 0}
        assert_error $::wt {r smove str aset a}
        assert_error $::wt {r smove aset str a}
        assert_error $::wt {r sinter aset str}
        assert_error $::wt {r sinter nokey str}
        assert_error $::wt {r sintercard 2 aset str}
        assert_error $::wt {r sunion aset str}
        assert_error $::wt {r sdiff aset str}
        assert_error $::wt {r sdiff nokey str}
        assert_error $::wt {r sinterstore dst aset str}
        assert_error $::wt {r sunionstore dst aset str}
        assert_error $::wt {r sdiffstore dst aset str}
        assert_equal x [r get str]
        assert_equal set [r type aset]
    }

    test "STORE commands overwrite a destination of another type" {
        r set dst x
        r del s1
        r sadd s1 a b
        assert_equal 2 [r sunionstore dst s1]
        assert_equal set [r type dst]
        r set dst x
        assert_equal 2 [r sinterstore dst s1]
        assert_equal set [r type dst]
        r set dst x
        assert_equal 2 [r sdiffstore dst s1]
        assert_equal {a b} [lsort [r smembers dst]]
    }

    test "Arity and syntax errors" {
        assert_error "ERR wrong number of arguments for 'sadd' command" {r sadd k}
        assert_error "ERR wrong number of arguments for 'srem' command" {r srem k}
        assert_error "ERR wrong number of arguments for 'scard' command" {r scard}
        assert_error "ERR wrong number of arguments for 'sismember' command" {r sismember k}
        assert_error "ERR wrong number of arguments for 'smismember' command" {r smismember k}
        assert_error "ERR wrong number of arguments for 'smembers' command" {r smembers}
        assert_error "ERR wrong number of arguments for 'smove' command" {r smove a b}
        assert_error "ERR wrong number of arguments for 'sinter' command" {r sinter}
        assert_error "ERR wrong number of arguments for 'sintercard' command" {r sintercard 1}
        assert_error "ERR wrong number of arguments for 'sinterstore' command" {r sinterstore d}
        assert_error "ERR wrong number of arguments for 'sscan' command" {r sscan k}
        r sadd k a
        assert_error "ERR syntax error" {r spop k 1 2}
        assert_error "ERR syntax error" {r srandmember k 1 2}
    }

    # ------------------------------------------------------------ SMOVE
    test "SMOVE basics, across shards" {
        r del src dst
        r sadd src a b 1
        r sadd dst c
        assert_equal 1 [r smove src dst a]
        assert_equal 0 [r sismember src a]
        assert_equal 1 [r sismember dst a]
        assert_equal 0 [r smove src dst nope]
        assert_equal 1 [r smove src dst 1]
        assert_equal {1 a c} [lsort [r smembers dst]]
        # already in the destination: still removed from the source
        r sadd src c
        assert_equal 1 [r smove src dst c]
        assert_equal 0 [r sismember src c]
        assert_equal 3 [r scard dst]
    }

    test "SMOVE creates the destination and deletes an emptied source" {
        r del src dst
        r sadd src 5
        assert_equal 1 [r smove src dst 5]
        assert_equal 0 [r exists src]
        assert_equal {5} [r smembers dst]
        assert_equal intset [r object encoding dst]
        r del src dst
        r sadd src x
        assert_equal 1 [r smove src dst x]
        assert_equal [small_str_enc] [r object encoding dst]
        assert_equal 0 [r exists src]
    }

    test "SMOVE of an integer into an intset and a string into an intset" {
        r del src dst
        r sadd src 10 foo
        r sadd dst 1 2
        assert_equal 1 [r smove src dst 10]
        assert_equal intset [r object encoding dst]
        assert_equal 1 [r smove src dst foo]
        assert_equal [small_str_enc] [r object encoding dst]
        assert_equal {1 10 2 foo} [lsort [r smembers dst]]
    }

    test "SMOVE with a missing source, same key, wrong types" {
        r del src dst
        r set str x
        # a missing source wins over a wrong-type destination
        assert_equal 0 [r smove src str a]
        r sadd src a
        assert_error $::wt {r smove src str a}
        assert_equal 1 [r smove src src a]
        assert_equal 0 [r smove src src b]
        assert_equal {a} [r smembers src]
    }

    test "SMOVE keeps the destination TTL" {
        r del src dst
        r sadd src a
        r sadd dst b
        r expire dst 100
        r smove src dst a
        assert_range [r ttl dst] 90 100
    }

    # ------------------------------------------------------------ SRANDMEMBER
    foreach {enc members} [list intset {1 2 3 4 5 6 7 8 9 10} hashtable [list a b c d e f g h i [string repeat j 70]]] {
        test "SRANDMEMBER without count ($enc)" {
            r del myset
            r sadd myset {*}$members
            assert_equal $enc [r object encoding myset]
            set seen {}
            for {set i 0} {$i < 200} {incr i} { dict set seen [r srandmember myset] 1 }
            assert_equal [lsort $members] [lsort [dict keys $seen]]
            assert_equal 10 [r scard myset]
        }

        test "SRANDMEMBER with count ($enc)" {
            r del myset
            r sadd myset {*}$members
            assert_equal {} [r srandmember myset 0]
            assert_equal [lsort $members] [lsort [r srandmember myset 10]]
            assert_equal [lsort $members] [lsort [r srandmember myset 100]]
            foreach n {1 2 3 4 5 8 9} {
                set res [r srandmember myset $n]
                assert_equal $n [llength $res]
                assert_equal $n [llength [lsort -unique $res]]
                foreach m $res { assert {[lsearch -exact $members $m] >= 0} }
            }
            set res [r srandmember myset -25]
            assert_equal 25 [llength $res]
            foreach m $res { assert {[lsearch -exact $members $m] >= 0} }
            assert_equal 3 [llength [r srandmember myset -3]]
            assert_equal 10 [r scard myset]
        }
    }

    test "SRANDMEMBER count errors" {
        r del myset
        r sadd myset a
        assert_error "ERR value is not an integer or out of range" {r srandmember myset abc}
        assert_error "ERR value is not an integer or out of range" {r srandmember nokey 1.5}
        assert_error "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807" \
            {r srandmember myset -9223372036854775808}
    }

    test "SRANDMEMBER with count on a big set returns distinct members" {
        r del myset
        set members {}
        for {set i 0} {$i < 1000} {incr i} { lappend members m$i }
        r sadd myset {*}$members
        foreach n {10 100 300 400 999} {
            set res [r srandmember myset $n]
            assert_equal $n [llength [lsort -unique $res]]
        }
    }

    test "SRANDMEMBER RESP3 replies an array, SMEMBERS a set" {
        r del myset
        r sadd myset a b
        assert_match "\\*2\r\n*" [raw3 srandmember myset 5]
        assert_match "\\*0\r\n" [raw3 srandmember nokey 5]
        assert_match "~2\r\n*" [raw3 smembers myset]
        assert_match "~0\r\n" [raw3 smembers nokey]
        assert_match "_\r\n" [raw3 srandmember nokey]
        assert_match "~2\r\n*" [raw3 sunion myset]
        assert_match "~2\r\n*" [raw3 sinter myset]
        assert_match "~0\r\n" [raw3 sdiff nokey myset]
        assert_match "\\*2\r\n:1\r\n:0\r\n" [raw3 smismember myset a z]
    }

    # ------------------------------------------------------------ SPOP
    foreach {enc members} [list intset {1 2 3 4 5 6 7 8 9 10} hashtable [list a b c d e f g h i [string repeat j 70]]] {
        test "SPOP without count ($enc)" {
            r del myset
            r sadd myset {*}$members
            set got {}
            for {set i 0} {$i < 10} {incr i} { lappend got [r spop myset] }
            assert_equal [lsort $members] [lsort $got]
            assert_equal 0 [r exists myset]
            assert_equal {} [r spop myset]
        }

        test "SPOP with count ($enc)" {
            foreach n {1 2 5 8 9 10 11 100} {
                r del myset
                r sadd myset {*}$members
                set got [r spop myset $n]
                set expect [expr {$n > 10 ? 10 : $n}]
                assert_equal $expect [llength [lsort -unique $got]]
                set rest [r smembers myset]
                assert_equal [lsort $members] [lsort [concat $got $rest]]
                if {$expect == 10} { assert_equal 0 [r exists myset] }
            }
            r del myset
            r sadd myset {*}$members
            assert_equal {} [r spop myset 0]
            assert_equal 10 [r scard myset]
        }
    }

    test "SPOP with count keeps an intset an intset" {
        r del myset
        r sadd myset 1 2 3 4 5 6 7 8 9 10
        r spop myset 9
        assert_equal intset [r object encoding myset]
        r del myset
        r sadd myset 1 2 3 4 5 6 7 8 9 10
        r spop myset 2
        assert_equal intset [r object encoding myset]
    }

    test "SPOP with count that leaves few members rebuilds the set (7.0)" {
        # a hashtable of integers becomes an intset again when most members go
        r config set set-max-intset-entries 5
        r del myset
        r sadd myset 1 2 3 4 5 6 7 8 9 10
        assert_equal hashtable [r object encoding myset]
        r spop myset 9
        assert_equal intset [r object encoding myset]
        assert_equal 1 [r scard myset]
        r config set set-max-intset-entries 512
    }

    test "SPOP count errors and RESP3 set reply" {
        r del myset
        r sadd myset a b c
        assert_error "ERR value is out of range, must be positive" {r spop myset -1}
        assert_error "ERR value is out of range, must be positive" {r spop myset x}
        assert_match "~2\r\n*" [raw3 spop myset 2]
        assert_match "~0\r\n" [raw3 spop nokey 2]
        assert_match "~0\r\n" [raw3 spop myset 0]
        assert_match "~1\r\n*" [raw3 spop myset 5]
        assert_equal 0 [r exists myset]
    }

    test "SPOP and SRANDMEMBER distribution covers every member" {
        r del myset
        r sadd myset a b c d e
        set seen {}
        for {set i 0} {$i < 100} {incr i} {
            foreach m [r srandmember myset -5] { dict incr seen $m }
        }
        assert_equal 5 [dict size $seen]
    }

    # ------------------------------------------------------------ SINTER & co
    proc setup_sets {enc} {
        r del set1 set2 set3 set4 set5
        if {$enc eq "intset"} {
            set pre ""
        } else {
            set pre "m"
        }
        for {set i 0} {$i < 200} {incr i} {
            r sadd set1 $pre$i
            r sadd set2 $pre[expr {$i + 195}]
        }
        foreach i {199 195 1000 2000} { r sadd set3 $pre$i }
        for {set i 5} {$i < 200} {incr i} { r sadd set4 $pre$i }
        r sadd set5 ${pre}0
        if {$enc eq "hashtable"} { r sadd set3 [string repeat x 70] }
    }

    foreach enc {intset hashtable} {
        test "SINTER, SUNION, SDIFF against sets on different shards ($enc)" {
            setup_sets $enc
            set pre [expr {$enc eq "intset" ? "" : "m"}]
            assert_equal $enc [r object encoding set3]
            assert_equal [lsort "${pre}195 ${pre}196 ${pre}197 ${pre}198 ${pre}199"] [lsort [r sinter set1 set2]]
            assert_equal [lsort "${pre}195 ${pre}199"] [lsort [r sinter set1 set2 set3]]
            assert_equal 395 [llength [r sunion set1 set2]]
            assert_equal [lsort -unique [concat [r smembers set1] [r smembers set2]]] [lsort [r sunion set1 set2]]
            assert_equal [lsort "${pre}0 ${pre}1 ${pre}2 ${pre}3 ${pre}4"] [lsort [r sdiff set1 set4]]
            assert_equal [lsort "${pre}1 ${pre}2 ${pre}3 ${pre}4"] [lsort [r sdiff set1 set4 set5]]
            assert_equal {} [r sdiff set5 set1]
            assert_equal 200 [llength [r sinter set1 set1]]
            assert_equal {} [r sdiff set1 set1]
        }

        test "SINTERSTORE, SUNIONSTORE, SDIFFSTORE across shards ($enc)" {
            setup_sets $enc
            set pre [expr {$enc eq "intset" ? "" : "m"}]
            assert_equal 5 [r sinterstore setres set1 set2]
            assert_equal [lsort [r sinter set1 set2]] [lsort [r smembers setres]]
            assert_equal 395 [r sunionstore setres set1 set2]
            assert_equal 395 [r scard setres]
            assert_equal 5 [r sdiffstore setres set1 set4]
            assert_equal [lsort "${pre}0 ${pre}1 ${pre}2 ${pre}3 ${pre}4"] [lsort [r smembers setres]]
            if {$enc eq "intset"} {
                assert_equal intset [r object encoding setres]
            }
        }
    }

    test "SINTERSTORE of intsets makes an intset; a string member converts" {
        r del a b dst
        r sadd a 1 2 3 x
        r sadd b 1 2 3 x
        r sinterstore dst a b
        assert_equal [small_str_enc] [r object encoding dst]
        r srem a x
        r sinterstore dst a b
        assert_equal intset [r object encoding dst]
        r sunionstore dst a
        assert_equal intset [r object encoding dst]
        # past set-max-intset-entries the result is a hashtable
        r del big
        set l {}
        for {set i 0} {$i < 600} {incr i} { lappend l $i }
        r sadd big {*}$l
        assert_equal 600 [r sunionstore dst big]
        assert_equal hashtable [r object encoding dst]
        assert_equal 600 [r sinterstore dst big big]
        assert_equal hashtable [r object encoding dst]
    }

    test "SUNION and SDIFF of intsets are sorted" {
        r del a b
        r sadd a 5 3 1
        r sadd b 4 2 1
        assert_equal {1 2 3 4 5} [r sunion a b]
        assert_equal {3 5} [r sdiff a b]
        assert_equal {1} [r sinter a b]
    }

    test "SINTER, SUNION, SDIFF with missing keys" {
        r del a nokey
        r sadd a x y
        assert_equal {} [r sinter a nokey]
        assert_equal {} [r sinter nokey a]
        assert_equal {x y} [lsort [r sunion a nokey]]
        assert_equal {x y} [lsort [r sdiff a nokey]]
        assert_equal {} [r sdiff nokey a]
        assert_equal {} [r sunion nokey nokey2]
    }

    test "STORE to an empty result deletes the destination" {
        r del a b dst
        r sadd a x
        r sadd b y
        r sadd dst old
        assert_equal 0 [r sinterstore dst a b]
        assert_equal 0 [r exists dst]
        r sadd dst old
        assert_equal 0 [r sinterstore dst a nokey]
        assert_equal 0 [r exists dst]
        r sadd dst old
        assert_equal 0 [r sdiffstore dst a a]
        assert_equal 0 [r exists dst]
        r sadd dst old
        assert_equal 0 [r sunionstore dst nokey nokey2]
        assert_equal 0 [r exists dst]
        r set dst str
        assert_equal 0 [r sdiffstore dst nokey a]
        assert_equal 0 [r exists dst]
    }

    test "STORE with the destination among the sources" {
        r del a b
        r sadd a 1 2 3
        r sadd b 2 3 4
        assert_equal 2 [r sinterstore a a b]
        assert_equal {2 3} [r smembers a]
        assert_equal 3 [r sunionstore b b a]
        assert_equal {2 3 4} [r smembers b]
        assert_equal 1 [r sdiffstore b b a]
        assert_equal {4} [r smembers b]
    }

    test "STORE commands drop the destination TTL" {
        r del a dst
        r sadd a 1
        r sadd dst 9
        r expire dst 100
        r sunionstore dst a
        assert_equal -1 [r ttl dst]
    }

    test "SDIFF picks either algorithm with the same result" {
        r del a b c
        for {set i 0} {$i < 100} {incr i} { r sadd a m$i }
        for {set i 0} {$i < 1000} {incr i} { r sadd b m[expr {$i * 2}] }
        r sadd c m1 m3
        set expect {}
        for {set i 5} {$i < 100} {incr i 2} { lappend expect m$i }
        assert_equal [lsort $expect] [lsort [r sdiff a b c]]
        # small first set against big ones, and the reverse
        assert_equal 950 [llength [r sdiff b a]]
        assert_equal 2 [r sdiffstore res c b]
    }

    # ------------------------------------------------------------ SINTERCARD
    test "SINTERCARD basics and LIMIT" {
        r del a b c
        r sadd a 1 2 3 4 5 x
        r sadd b 2 3 4 5 6 x
        r sadd c 3 4 5 x y
        assert_equal 5 [r sintercard 2 a b]
        assert_equal 4 [r sintercard 3 a b c]
        assert_equal 4 [r sintercard 3 a b c limit 0]
        assert_equal 2 [r sintercard 3 a b c limit 2]
        assert_equal 4 [r sintercard 3 a b c limit 10]
        assert_equal 6 [r sintercard 1 a]
        assert_equal 0 [r sintercard 2 a nokey]
        assert_equal 0 [r sintercard 1 nokey]
        assert_equal 3 [r sintercard 1 a limit 5 limit 3]
    }

    test "SINTERCARD errors" {
        r del a
        r sadd a 1
        assert_error "ERR numkeys should be greater than 0" {r sintercard 0 a}
        assert_error "ERR numkeys should be greater than 0" {r sintercard -1 a}
        assert_error "ERR numkeys should be greater than 0" {r sintercard x a}
        assert_error "ERR Number of keys can't be greater than number of args" {r sintercard 3 a b}
        assert_error "ERR LIMIT can't be negative" {r sintercard 1 a limit -1}
        assert_error "ERR LIMIT can't be negative" {r sintercard 1 a limit x}
        assert_error "ERR syntax error" {r sintercard 1 a foo}
        assert_error "ERR syntax error" {r sintercard 1 a limit}
        assert_error "ERR syntax error" {r sintercard 1 a b}
    }

    test "COMMAND GETKEYS for SINTERCARD and the STORE commands" {
        assert_equal {a b} [r command getkeys sintercard 2 a b limit 1]
        assert_equal {dst a b} [r command getkeys sinterstore dst a b]
        assert_equal {src dst} [r command getkeys smove src dst m]
    }

    # ------------------------------------------------------------ SSCAN
    test "SSCAN of an intset returns everything at once" {
        r del myset
        r sadd myset 1 2 3 10 20
        set res [r sscan myset 0]
        assert_equal 0 [lindex $res 0]
        assert_equal {1 2 3 10 20} [lindex $res 1]
        assert_equal {1 10} [lindex [r sscan myset 0 match 1*] 1]
        assert_equal {1 10} [lindex [r sscan myset 0 MATCH 1* COUNT 1] 1]
    }

    test "SSCAN of a hashtable set with COUNT and MATCH" {
        r del myset
        set l {}
        for {set i 0} {$i < 1000} {incr i} { lappend l key:$i }
        r sadd myset {*}$l
        assert_equal hashtable [r object encoding myset]
        set got [sscan_all myset count 17]
        assert_equal 1000 [llength [lsort -unique $got]]
        assert_equal [lsort $l] [lsort -unique $got]
        set got [sscan_all myset match key:1?]
        assert_equal [lsort {key:10 key:11 key:12 key:13 key:14 key:15 key:16 key:17 key:18 key:19}] [lsort -unique $got]
        # a COUNT below the set size takes several calls
        set res [r sscan myset 0 count 10]
        assert {[lindex $res 0] ne "0"}
    }

    test "SSCAN errors and cursor parsing" {
        r del myset
        r sadd myset a b
        assert_error "ERR invalid cursor" {r sscan myset abc}
        assert_error "ERR invalid cursor" {r sscan myset " 0"}
        assert_error "ERR invalid cursor" {r sscan myset 18446744073709551616}
        assert_error "ERR invalid cursor" {r sscan nokey x}
        assert_error "ERR syntax error" {r sscan myset 0 count 0}
        assert_error "ERR syntax error" {r sscan myset 0 type string}
        assert_error "ERR syntax error" {r sscan myset 0 count}
        assert_error "ERR value is not an integer or out of range" {r sscan myset 0 count x}
        # a missing key answers before the options are read
        assert_equal {0 {}} [r sscan nokey 0 count 0]
        assert_equal 0 [lindex [r sscan myset 18446744073709551615] 0]
        assert_equal 0 [lindex [r sscan myset -1] 0]
        assert_equal 0 [lindex [r sscan myset +0] 0]
    }

    # ------------------------------------------------------------ keyspace
    test "TYPE, OBJECT ENCODING, COPY, RENAME and DEL of sets across shards" {
        r del s1 s2 s3 s4
        r sadd s1 1 2 3
        r sadd s2 a b [string repeat c 70]
        assert_equal set [r type s1]
        assert_equal 1 [r copy s1 s3]
        assert_equal intset [r object encoding s3]
        assert_equal {1 2 3} [r smembers s3]
        r rename s2 s4
        assert_equal hashtable [r object encoding s4]
        assert_equal [lsort [list a b [string repeat c 70]]] [lsort [r smembers s4]]
        r sadd s5 x y
        r copy s5 s6
        assert_equal [small_str_enc] [r object encoding s6]
        assert_equal {x y} [lsort [r smembers s6]]
        assert_equal 4 [r del s1 s3 s4 s5]
    }

    test "SCAN TYPE set and MEMORY USAGE" {
        r flushall
        r sadd s1 1
        r sadd s2 a
        r set str x
        set keys {}
        set cur 0
        while 1 {
            set res [r scan $cur type set]
            set cur [lindex $res 0]
            lappend keys {*}[lindex $res 1]
            if {$cur eq "0"} break
        }
        assert_equal {s1 s2} [lsort $keys]
        assert_morethan [r memory usage s1] 0
        assert_morethan [r memory usage s2] 0
    }

    test "Expired sets are gone" {
        r del s1
        r sadd s1 a b
        r pexpire s1 20
        after 50
        assert_equal 0 [r scard s1]
        assert_equal 0 [r exists s1]
    }

    # ------------------------------------------------------------ big sets
    test "A big intset (100,000 integers)" {
        r config set set-max-intset-entries 200000
        r del bigset
        set l {}
        for {set i 0} {$i < 100000} {incr i} { lappend l [expr {$i * 3 - 150000}] }
        assert_equal 100000 [r sadd bigset {*}$l]
        assert_equal intset [r object encoding bigset]
        assert_equal 100000 [r scard bigset]
        assert_equal {1 0 1} [r smismember bigset -150000 1 149997]
        set m [r smembers bigset]
        assert_equal $l $m
        # from the top: each removal from an array is a memmove of what follows
        assert_equal 50000 [r srem bigset {*}[lreverse [lrange $l 50000 end]]]
        assert_equal {1 0} [r smismember bigset -3 0]
        assert_equal 50000 [r scard bigset]
        assert_equal 100 [llength [r spop bigset 100]]
        assert_equal intset [r object encoding bigset]
        r config set set-max-intset-entries 512
    }

    test "A big hashtable set (100,000 members) across shards" {
        r del bigset bigset2
        set l {}
        for {set i 0} {$i < 100000} {incr i} { lappend l member:$i }
        assert_equal 100000 [r sadd bigset {*}$l]
        assert_equal hashtable [r object encoding bigset]
        assert_equal 100000 [r scard bigset]
        assert_equal 100000 [llength [lsort -unique [sscan_all bigset count 1000]]]
        assert_equal 50000 [r sadd bigset2 {*}[lrange $l 50000 end]]
        assert_equal 50000 [r sintercard 2 bigset bigset2]
        assert_equal 100 [r sintercard 2 bigset bigset2 limit 100]
        assert_equal 50000 [r sdiffstore bigdiff bigset bigset2]
        assert_equal 100000 [r sunionstore bigunion bigdiff bigset2]
        assert_equal 1000 [llength [lsort -unique [r srandmember bigset 1000]]]
        assert_equal 99000 [llength [r spop bigset 99000]]
        assert_equal 1000 [r scard bigset]
        assert_equal 1000 [llength [r spop bigset 1000]]
        assert_equal 0 [r exists bigset]
        # big values are freed off the shard thread
        assert_equal 3 [r del bigunion bigdiff bigset2]
        assert_equal 0 [r exists bigunion]
    }

    tags {redis-shard-only} {
        # membership in a listpack is a linear search, so the big listpack
        # is 20,000 members (100,000 would take minutes to build one by one)
        test "A big listpack set (5,000 members)" {
            # membership in a listpack is a scan: one SADD of n members is O(n^2)
            r config set set-max-listpack-entries 50000
            r del bigset
            set l {}
            for {set i 0} {$i < 5000} {incr i} { lappend l m$i }
            assert_equal 5000 [r sadd bigset {*}$l]
            assert_equal listpack [r object encoding bigset]
            assert_equal {1 0} [r smismember bigset m4999 m5000]
            assert_equal $l [r smembers bigset]
            assert_equal 100 [llength [r srandmember bigset 100]]
            assert_equal 2500 [r srem bigset {*}[lrange $l 0 2499]]
            assert_equal 2500 [llength [lindex [r sscan bigset 0] 1]]
            r copy bigset bigcopy
            assert_equal listpack [r object encoding bigcopy]
            assert_equal 0 [llength [r sdiff bigset bigcopy]]
            r config set set-max-listpack-entries 128
        }

        test "Small string sets take less memory than Redis 7.0's hashtable" {
            r del small
            r sadd small m0 m1 m2 m3 m4 m5 m6 m7 m8 m9
            assert_equal listpack [r object encoding small]
            assert_lessthan [r memory usage small] 200
        }
    }
}
