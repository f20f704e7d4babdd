# List commands: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP (with count) LLEN LRANGE
# LINDEX LSET LINSERT LREM LTRIM LPOS RPOPLPUSH LMOVE LMPOP, their errors,
# empty-key deletion, node sizes (list-max-listpack-size), big lists, and
# moves between keys on different shards.

# The exact bytes of one reply to `args` on a deferring client.
proc raw_reply {c args} {
    $c {*}$args
    return [$c read_raw]
}

# Push 1..n (as "prefix$i") onto key in batches.
proc fill_list {key n {prefix ""}} {
    for {set i 0} {$i < $n} {incr i 1000} {
        set batch {}
        for {set j $i} {$j < $i + 1000 && $j < $n} {incr j} { lappend batch $prefix$j }
        r rpush $key {*}$batch
    }
}

start_server {tags {list}} {

    # ----------------------------------------------------------------- pushes
    test "LPUSH and RPUSH build the list in order and return the length" {
        r del l
        assert_equal 1 [r rpush l b]
        assert_equal 3 [r lpush l a z]
        assert_equal 5 [r rpush l c d]
        assert_equal {z a b c d} [r lrange l 0 -1]
        assert_equal 5 [r llen l]
        assert_equal list [r type l]
    }

    test "LPUSHX and RPUSHX push only onto an existing list" {
        r del l nokey
        assert_equal 0 [r lpushx nokey a]
        assert_equal 0 [r rpushx nokey a b]
        assert_equal 0 [r exists nokey]
        r rpush l m
        assert_equal 3 [r lpushx l b a]
        assert_equal 5 [r rpushx l y z]
        assert_equal {a b m y z} [r lrange l 0 -1]
    }

    test "List values are binary safe and keep integer-looking text exactly" {
        r del l
        set vals [list "" "a\r\nb\x00c" 0 -1 01 -0 +1 " 1" 1.5 9223372036854775807 \
                      -9223372036854775808 9223372036854775808 12345678901234567890 \
                      [string repeat x 5000]]
        r rpush l {*}$vals
        assert_equal $vals [r lrange l 0 -1]
        assert_equal [llength $vals] [r llen l]
    }

    test "LLEN of a missing key is 0" {
        r del nokey
        assert_equal 0 [r llen nokey]
    }

    test "OBJECT ENCODING of a list is quicklist, small or big (Redis 7.0)" {
        r del small big
        r rpush small a b c
        assert_equal quicklist [r object encoding small]
        fill_list big 1000
        assert_equal quicklist [r object encoding big]
        r ltrim big 0 1
        assert_equal quicklist [r object encoding big]
        assert_equal {0 1} [r lrange big 0 -1]
    }

    # ------------------------------------------------------------------- pops
    test "LPOP and RPOP return one element and delete the emptied key" {
        r del l
        r rpush l a b c
        assert_equal a [r lpop l]
        assert_equal c [r rpop l]
        assert_equal b [r lpop l]
        assert_equal 0 [r exists l]
        assert_equal {} [r lpop l]
        assert_equal {} [r rpop l]
    }

    test "LPOP and RPOP with a count" {
        r del l
        r rpush l 1 2 3 4 5 6
        assert_equal {1 2} [r lpop l 2]
        assert_equal {6 5} [r rpop l 2]
        assert_equal {3} [r lpop l 1]
        assert_equal {4} [r rpop l 10]
        assert_equal 0 [r exists l]
    }

    test "LPOP/RPOP count 0, missing keys and the null vs empty array (RESP2)" {
        r del l nokey
        r rpush l a
        set c [redis_deferring_client]
        assert_equal "*0\r\n" [raw_reply $c lpop l 0]
        assert_equal "*0\r\n" [raw_reply $c rpop l 0]
        assert_equal "*-1\r\n" [raw_reply $c lpop nokey 0]
        assert_equal "*-1\r\n" [raw_reply $c rpop nokey 3]
        assert_equal "\$-1\r\n" [raw_reply $c lpop nokey]
        assert_equal "*1\r\n\$1\r\na\r\n" [raw_reply $c lpop l 5]
        $c close
    }

    test "LPOP/RPOP null replies in RESP3" {
        r del nokey
        set c [redis_deferring_client]
        $c hello 3
        $c read_raw
        assert_equal "_\r\n" [raw_reply $c lpop nokey]
        assert_equal "_\r\n" [raw_reply $c rpop nokey 2]
        assert_equal "_\r\n" [raw_reply $c lpop nokey 0]
        $c close
    }

    test "LPOP/RPOP count errors and arity" {
        r del l
        r rpush l a
        assert_error "ERR value is out of range, must be positive" {r lpop l -1}
        assert_error "ERR value is out of range, must be positive" {r rpop nokey -1}
        assert_error "ERR value is out of range, must be positive" {r lpop l x}
        assert_error "ERR wrong number of arguments for 'lpop' command" {r lpop l 1 2}
        assert_error "ERR wrong number of arguments for 'rpop' command" {r rpop}
        assert_equal {a} [r lrange l 0 -1]
    }

    # ----------------------------------------------------------------- LRANGE
    test "LRANGE with negative and out of range indexes" {
        r del l
        r rpush l 0 1 2 3 4 5 6 7 8 9
        assert_equal {0 1 2} [r lrange l 0 2]
        assert_equal {7 8 9} [r lrange l -3 -1]
        assert_equal {0 1 2 3 4 5 6 7 8 9} [r lrange l -100 100]
        assert_equal {} [r lrange l 5 2]
        assert_equal {} [r lrange l 10 20]
        assert_equal {} [r lrange l -100 -50]
        assert_equal {9} [r lrange l -1 -1]
        assert_equal {0} [r lrange l -100 0]
        assert_equal {} [r lrange nokey 0 -1]
    }

    test "LRANGE errors: non-integer indexes come before the key lookup" {
        r del nokey
        assert_error "ERR value is not an integer or out of range" {r lrange nokey x 1}
        assert_error "ERR value is not an integer or out of range" {r lrange nokey 0 1.5}
        assert_error "ERR value is not an integer or out of range" {r lrange nokey 0 9223372036854775808}
    }

    # ----------------------------------------------------------------- LINDEX
    test "LINDEX with positive, negative and out of range indexes" {
        r del l
        r rpush l a b c
        assert_equal a [r lindex l 0]
        assert_equal c [r lindex l 2]
        assert_equal c [r lindex l -1]
        assert_equal a [r lindex l -3]
        assert_equal {} [r lindex l 3]
        assert_equal {} [r lindex l -4]
        assert_equal {} [r lindex nokey 0]
        assert_error "ERR value is not an integer or out of range" {r lindex l x}
        # a missing key answers nil before the index is parsed
        assert_equal {} [r lindex nokey x]
    }

    # ------------------------------------------------------------------- LSET
    test "LSET replaces by index, errors for a missing key and out of range" {
        r del l nokey
        r rpush l a b c
        assert_equal OK [r lset l 0 A]
        assert_equal OK [r lset l -1 C]
        assert_equal {A b C} [r lrange l 0 -1]
        assert_error "ERR index out of range" {r lset l 3 x}
        assert_error "ERR index out of range" {r lset l -4 x}
        assert_error "ERR no such key" {r lset nokey 0 x}
        assert_error "ERR no such key" {r lset nokey x x}
        assert_error "ERR value is not an integer or out of range" {r lset l x x}
    }

    test "LSET with a big value in a small list and back" {
        r del l
        r rpush l a b c
        set big [string repeat v 20000]
        r lset l 1 $big
        assert_equal [list a $big c] [r lrange l 0 -1]
        r lset l 1 small
        assert_equal {a small c} [r lrange l 0 -1]
    }

    # ---------------------------------------------------------------- LINSERT
    test "LINSERT BEFORE and AFTER the first matching pivot" {
        r del l
        r rpush l a b c b
        assert_equal 5 [r linsert l before b x]
        assert_equal 6 [r linsert l AFTER b y]
        assert_equal {a x b y c b} [r lrange l 0 -1]
        assert_equal 7 [r linsert l after b z]
        assert_equal 8 [r linsert l before a first]
        assert_equal 9 [r linsert l after b last]
        assert_equal {first a x b last z y c b} [r lrange l 0 -1]
    }

    test "LINSERT with a missing pivot, a missing key, and a bad position" {
        r del l nokey
        r rpush l a
        assert_equal -1 [r linsert l before zz x]
        assert_equal 0 [r linsert nokey before a x]
        assert_equal 0 [r exists nokey]
        assert_error "ERR syntax error" {r linsert l middle a x}
        assert_error "ERR syntax error" {r linsert nokey middle a x}
    }

    test "LINSERT matches integer pivots by their text" {
        r del l
        r rpush l 1 01 10
        assert_equal 4 [r linsert l after 01 x]
        assert_equal 5 [r linsert l before 1 y]
        assert_equal {y 1 01 x 10} [r lrange l 0 -1]
    }

    # ------------------------------------------------------------------- LREM
    test "LREM from the head, from the tail, and all" {
        r del l
        r rpush l a b a c a d a
        assert_equal 2 [r lrem l 2 a]
        assert_equal {b c a d a} [r lrange l 0 -1]
        assert_equal 1 [r lrem l -1 a]
        assert_equal {b c a d} [r lrange l 0 -1]
        assert_equal 0 [r lrem l 0 zz]
        r rpush l a a
        assert_equal 3 [r lrem l 0 a]
        assert_equal {b c d} [r lrange l 0 -1]
    }

    test "LREM deletes the emptied key, errors on a bad count" {
        r del l nokey
        r rpush l x x x
        assert_equal 3 [r lrem l 0 x]
        assert_equal 0 [r exists l]
        assert_equal 0 [r lrem nokey 0 x]
        assert_error "ERR value is not an integer or out of range" {r lrem nokey x a}
    }

    # ------------------------------------------------------------------ LTRIM
    test "LTRIM keeps a range, deletes the key when the range is empty" {
        r del l
        r rpush l 1 2 3 4 5 6
        assert_equal OK [r ltrim l 1 -2]
        assert_equal {2 3 4 5} [r lrange l 0 -1]
        assert_equal OK [r ltrim l -100 100]
        assert_equal {2 3 4 5} [r lrange l 0 -1]
        assert_equal OK [r ltrim l 0 0]
        assert_equal {2} [r lrange l 0 -1]
        assert_equal OK [r ltrim l 2 1]
        assert_equal 0 [r exists l]
        r rpush l 1 2
        assert_equal OK [r ltrim l 5 10]
        assert_equal 0 [r exists l]
        assert_equal OK [r ltrim nokey 0 1]
        assert_error "ERR value is not an integer or out of range" {r ltrim nokey 0 x}
    }

    # ------------------------------------------------------------------- LPOS
    test "LPOS finds the first match, by rank, and from the tail" {
        r del l
        r rpush l a b c a b c a
        assert_equal 0 [r lpos l a]
        assert_equal 2 [r lpos l c]
        assert_equal 3 [r lpos l a rank 2]
        assert_equal 6 [r lpos l a rank -1]
        assert_equal 3 [r lpos l a rank -2]
        assert_equal {} [r lpos l a rank 4]
        assert_equal {} [r lpos l zz]
        assert_equal {} [r lpos nokey a]
    }

    test "LPOS with COUNT and MAXLEN" {
        r del l
        r rpush l a b c a b c a
        assert_equal {0 3 6} [r lpos l a count 0]
        assert_equal {0 3} [r lpos l a count 2]
        assert_equal {3 6} [r lpos l a count 0 rank 2]
        assert_equal {6 3 0} [r lpos l a count 0 rank -1]
        assert_equal {0} [r lpos l a count 0 maxlen 3]
        assert_equal {6} [r lpos l a count 0 rank -1 maxlen 3]
        assert_equal {} [r lpos l a maxlen 3 rank 2]
        assert_equal {} [r lpos l zz count 0]
        assert_equal {} [r lpos nokey a count 0]
        set c [redis_deferring_client]
        assert_equal "*0\r\n" [raw_reply $c lpos nokey a count 1]
        assert_equal "\$-1\r\n" [raw_reply $c lpos nokey a]
        $c close
    }

    test "LPOS option errors, checked before the key" {
        r del nokey
        assert_error "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list" {r lpos nokey a rank 0}
        assert_error "ERR value is not an integer or out of range" {r lpos nokey a rank x}
        assert_error "ERR COUNT can't be negative" {r lpos nokey a count -1}
        assert_error "ERR COUNT can't be negative" {r lpos nokey a count x}
        assert_error "ERR MAXLEN can't be negative" {r lpos nokey a maxlen -1}
        assert_error "ERR MAXLEN can't be negative" {r lpos nokey a maxlen x}
        assert_error "ERR syntax error" {r lpos nokey a rank}
        assert_error "ERR syntax error" {r lpos nokey a foo 1}
        assert_error "ERR COUNT can't be negative" {r lpos nokey a count -1 rank 0}
    }

    # ---------------------------------------------------- RPOPLPUSH and LMOVE
    test "RPOPLPUSH moves the tail of one list to the head of another" {
        r del src{t} dst{t}
        r rpush src{t} a b c
        assert_equal c [r rpoplpush src{t} dst{t}]
        assert_equal b [r rpoplpush src{t} dst{t}]
        assert_equal {a} [r lrange src{t} 0 -1]
        assert_equal {b c} [r lrange dst{t} 0 -1]
        assert_equal a [r rpoplpush src{t} dst{t}]
        assert_equal 0 [r exists src{t}]
        assert_equal {} [r rpoplpush src{t} dst{t}]
    }

    test "LMOVE in all four directions" {
        r del a{t} b{t}
        r rpush a{t} 1 2 3 4
        assert_equal 1 [r lmove a{t} b{t} left left]
        assert_equal 2 [r lmove a{t} b{t} left right]
        assert_equal 4 [r lmove a{t} b{t} right left]
        assert_equal 3 [r lmove a{t} b{t} RIGHT RIGHT]
        assert_equal {4 1 2 3} [r lrange b{t} 0 -1]
        assert_equal 0 [r exists a{t}]
    }

    test "LMOVE and RPOPLPUSH with the same source and destination rotate" {
        r del l
        r rpush l a b c
        assert_equal a [r lmove l l left right]
        assert_equal {b c a} [r lrange l 0 -1]
        assert_equal a [r rpoplpush l l]
        assert_equal {a b c} [r lrange l 0 -1]
        assert_equal a [r lmove l l left left]
        assert_equal {a b c} [r lrange l 0 -1]
        r del one
        r rpush one x
        assert_equal x [r lmove one one right left]
        assert_equal {x} [r lrange one 0 -1]
    }

    test "LMOVE of an empty string element" {
        r del e1 e2
        r rpush e1 ""
        assert_equal {} [r lmove e1 e2 left left]
        assert_equal 0 [r exists e1]
        assert_equal 1 [r llen e2]
        assert_equal {} [r rpoplpush e2 e2]
        assert_equal 1 [r llen e2]
    }

    test "LMOVE errors: bad direction, wrong types, missing source" {
        r del s{t} d{t} str{t}
        r set str{t} v
        r rpush s{t} a
        assert_error "ERR syntax error" {r lmove s{t} d{t} up left}
        assert_error "ERR syntax error" {r lmove s{t} d{t} left down}
        assert_error "WRONGTYPE*" {r lmove s{t} str{t} left left}
        assert_error "WRONGTYPE*" {r lmove str{t} s{t} left left}
        assert_error "WRONGTYPE*" {r rpoplpush s{t} str{t}}
        # the failed moves changed nothing
        assert_equal {a} [r lrange s{t} 0 -1]
        assert_equal {} [r lmove nokey{t} str{t} left left]
        assert_equal 0 [r exists d{t}]
    }

    test "LMOVE and RPOPLPUSH between keys on different shards" {
        r del src1 dst1 src2 dst2 dst3
        r rpush src1 a b c d
        assert_equal a [r lmove src1 dst1 left right]
        assert_equal b [r lmove src1 dst2 left left]
        assert_equal d [r rpoplpush src1 dst3]
        assert_equal c [r rpoplpush src1 dst1]
        assert_equal 0 [r exists src1]
        assert_equal {c a} [r lrange dst1 0 -1]
        assert_equal {b} [r lrange dst2 0 -1]
        assert_equal {d} [r lrange dst3 0 -1]
        assert_equal {} [r lmove src1 dst1 left left]
        r set strkey v
        assert_error "WRONGTYPE*" {r lmove dst1 strkey left left}
        assert_equal {c a} [r lrange dst1 0 -1]
    }

    test "LMOVE of a big list element by element across shards" {
        r del bigsrc bigdst
        fill_list bigsrc 300
        for {set i 0} {$i < 300} {incr i} { r rpoplpush bigsrc bigdst }
        assert_equal 0 [r exists bigsrc]
        assert_equal 300 [r llen bigdst]
        assert_equal {0 1 2} [r lrange bigdst 0 2]
        assert_equal {299} [r lrange bigdst -1 -1]
    }

    # ------------------------------------------------------------------ LMPOP
    test "LMPOP pops from the first non-empty list" {
        r del l1{t} l2{t} l3{t}
        r rpush l2{t} a b c
        r rpush l3{t} x
        assert_equal {l2{t} a} [r lmpop 3 l1{t} l2{t} l3{t} left]
        assert_equal {l2{t} {c b}} [r lmpop 3 l1{t} l2{t} l3{t} right count 5]
        assert_equal 0 [r exists l2{t}]
        assert_equal {l3{t} x} [r lmpop 2 l2{t} l3{t} LEFT COUNT 1]
        assert_equal {} [r lmpop 3 l1{t} l2{t} l3{t} left]
    }

    test "LMPOP over keys on different shards" {
        r del mp1 mp2 mp3 mp4
        r rpush mp3 1 2 3
        r rpush mp4 9
        assert_equal {mp3 {1 2}} [r lmpop 4 mp1 mp2 mp3 mp4 left count 2]
        assert_equal {mp3 3} [r lmpop 4 mp1 mp2 mp3 mp4 right count 2]
        assert_equal 0 [r exists mp3]
        assert_equal {mp4 9} [r lmpop 4 mp1 mp2 mp3 mp4 right]
        assert_equal {} [r lmpop 4 mp1 mp2 mp3 mp4 right]
        r set mp2 str
        r rpush mp4 z
        assert_error "WRONGTYPE*" {r lmpop 4 mp1 mp2 mp3 mp4 left}
        assert_equal {mp4 z} [r lmpop 3 mp1 mp4 mp2 left]
    }

    test "LMPOP errors" {
        r del l
        r rpush l a
        assert_error "ERR numkeys should be greater than 0" {r lmpop 0 l left}
        assert_error "ERR numkeys should be greater than 0" {r lmpop -1 l left}
        assert_error "ERR numkeys should be greater than 0" {r lmpop x l left}
        assert_error "ERR syntax error" {r lmpop 5 l left}
        assert_error "ERR syntax error" {r lmpop 2 l left}
        assert_error "ERR syntax error" {r lmpop 1 l middle}
        assert_error "ERR syntax error" {r lmpop 1 l left foo}
        assert_error "ERR syntax error" {r lmpop 1 l left count}
        assert_error "ERR syntax error" {r lmpop 1 l left count 1 count 2}
        assert_error "ERR count should be greater than 0" {r lmpop 1 l left count 0}
        assert_error "ERR count should be greater than 0" {r lmpop 1 l left count -1}
        assert_error "ERR count should be greater than 0" {r lmpop 1 l left count x}
        assert_error "ERR wrong number of arguments for 'lmpop' command" {r lmpop 1 l}
        assert_equal {a} [r lrange l 0 -1]
    }

    test "LMPOP replies: null array when nothing, a two element array in RESP3" {
        r del l nokey
        r rpush l a
        set c [redis_deferring_client]
        assert_equal "*-1\r\n" [raw_reply $c lmpop 1 nokey left]
        $c hello 3
        $c read_raw
        assert_equal "_\r\n" [raw_reply $c lmpop 1 nokey left]
        assert_equal "*2\r\n\$1\r\nl\r\n*1\r\n\$1\r\na\r\n" [raw_reply $c lmpop 1 l left]
        $c close
    }

    # -------------------------------------------------------------- WRONGTYPE
    test "Every list command answers WRONGTYPE on a string" {
        r del s
        r set s v
        foreach cmd {
            {lpush s a} {rpush s a} {lpushx s a} {rpushx s a} {lpop s} {rpop s 2}
            {llen s} {lrange s 0 -1} {lindex s 0} {lset s 0 a} {linsert s before a b}
            {lrem s 0 a} {ltrim s 0 1} {lpos s a} {rpoplpush s s} {lmove s s left left}
            {lmpop 1 s left}
        } {
            assert_error "WRONGTYPE Operation against a key holding the wrong kind of value" {r {*}$cmd}
        }
        assert_equal v [r get s]
        r rpush l a
        assert_error "WRONGTYPE*" {r get l}
    }

    test "Arity errors" {
        assert_error "ERR wrong number of arguments for 'lpush' command" {r lpush l}
        assert_error "ERR wrong number of arguments for 'lrange' command" {r lrange l 0}
        assert_error "ERR wrong number of arguments for 'linsert' command" {r linsert l before a}
        assert_error "ERR wrong number of arguments for 'lmove' command" {r lmove a b left}
        assert_error "ERR wrong number of arguments for 'lpos' command" {r lpos l}
        assert_error "ERR wrong number of arguments for 'rpoplpush' command" {r rpoplpush a}
    }

    # ------------------------------------------------ keyspace commands on lists
    test "COPY, RENAME, DEL and EXPIRE work on lists, also across shards" {
        r del lc1 lc2 lc3
        r rpush lc1 a b c
        assert_equal 1 [r copy lc1 lc2]
        r rpush lc2 d
        assert_equal {a b c} [r lrange lc1 0 -1]
        assert_equal {a b c d} [r lrange lc2 0 -1]
        assert_equal OK [r rename lc2 lc3]
        assert_equal {a b c d} [r lrange lc3 0 -1]
        assert_equal 0 [r exists lc2]
        assert_equal 1 [r expire lc3 100]
        assert_range [r ttl lc3] 90 100
        assert_equal 2 [r del lc1 lc3]
    }

    test "MEMORY USAGE of a list grows with it" {
        r del mu
        r rpush mu a
        set small [r memory usage mu]
        fill_list mu 10000
        set big [r memory usage mu]
        assert {$small > 0 && $big > $small * 50}
    }
}

# --------------------------------------------------------- node sizes and big
start_server {tags {list}} {
    foreach fill {1 2 5 128 -1 -2 -5} {
        test "Operations across node boundaries with list-max-listpack-size $fill" {
            r config set list-max-listpack-size $fill
            r del l
            fill_list l 500
            assert_equal 500 [r llen l]
            assert_equal 250 [r lindex l 250]
            assert_equal {0 1 2} [r lrange l 0 2]
            assert_equal {497 498 499} [r lrange l -3 -1]
            # insert in the middle of full nodes
            for {set i 0} {$i < 50} {incr i} { r linsert l after [expr {$i * 10}] ins$i }
            assert_equal 550 [r llen l]
            assert_equal {0 ins0 1} [r lrange l 0 2]
            assert_equal [expr {49 * 11 + 1}] [r lpos l ins49]
            for {set i 0} {$i < 50} {incr i} {
                assert_equal 1 [r lrem l [expr {$i % 2 ? -1 : 1}] ins$i]
            }
            assert_equal 500 [r llen l]
            set expected {}
            for {set i 0} {$i < 500} {incr i} { lappend expected $i }
            assert_equal $expected [r lrange l 0 -1]
            # replace with values of every size
            r lset l 100 [string repeat z 10000]
            r lset l -1 last
            assert_equal [string repeat z 10000] [r lindex l 100]
            assert_equal last [r lindex l -1]
            # pop and trim across nodes
            assert_equal {0 1 2 3 4} [r lpop l 5]
            r ltrim l 10 -10
            assert_equal 476 [r llen l]
            assert_equal 15 [r lindex l 0]
            r del l
        }
    }

    test "Growing past the node size and shrinking back keeps the contents" {
        r config set list-max-listpack-size 4
        r del l
        r rpush l a b c d
        assert_equal quicklist [r object encoding l]
        r rpush l e f g
        assert_equal {a b c d e f g} [r lrange l 0 -1]
        r rpop l 5
        assert_equal {a b} [r lrange l 0 -1]
        r rpush l c d e
        assert_equal {a b c d e} [r lrange l 0 -1]
        assert_equal quicklist [r object encoding l]
        r config set list-max-listpack-size -2
    }

    foreach fill {-2 128} {
        test "A list of 100,000 elements (list-max-listpack-size $fill)" {
            r config set list-max-listpack-size $fill
            r del big
            fill_list big 100000 v
            assert_equal 100000 [r llen big]
            assert_equal quicklist [r object encoding big]
            assert_equal v0 [r lindex big 0]
            assert_equal v54321 [r lindex big 54321]
            assert_equal v99999 [r lindex big -1]
            assert_equal {v49999 v50000 v50001} [r lrange big 49999 50001]
            assert_equal 1000 [llength [r lrange big 1000 1999]]
            assert_equal 99998 [r lpos big v99998]
            assert_equal {99998} [r lpos big v99998 rank -1 count 0]
            assert_equal OK [r lset big 77777 changed]
            assert_equal changed [r lindex big 77777]
            assert_equal 100001 [r linsert big before v50000 inserted]
            assert_equal 50000 [r lpos big inserted]
            assert_equal 1 [r lrem big 0 inserted]
            assert_equal {v0 v1} [r lpop big 2]
            assert_equal {v99999 v99998} [r rpop big 2]
            assert_equal v2 [r lmove big big left right]
            assert_equal v2 [r lindex big -1]
            assert_equal OK [r ltrim big 1000 -1001]
            assert_equal 97996 [r llen big]
            assert_equal v1003 [r lindex big 0]
            # a copy on (most likely) another shard keeps every element
            r del bigcopy
            r copy big bigcopy
            assert_equal [r lrange big 0 -1] [r lrange bigcopy 0 -1]
            r del big bigcopy
        }
    }
}
