# SORT and SORT_RO: numeric, ALPHA and DESC ordering (ties included), LIMIT,
# BY and GET patterns (string keys, hash fields with ->, # for the element,
# missing keys, BY nosort), STORE (also to a key on another shard), errors,
# and big inputs in every encoding.
#
# Patterns name other keys. Most tests give the patterns the sorted key's
# {hash tag} ("{s}list" with "{s}w_*"), which redis-shard resolves on the
# sorted key's own shard; the tests near the end use patterns whose keys lie
# on other shards, which a coordinator fetches first. The results are the
# same on real Redis and on any number of shards. (Redis Cluster refuses
# such patterns altogether.) Keys tagged {a}, {b} and {c} lie on different
# shards whenever there are enough of them.

# Push values onto a list in batches.
proc sort_fill_list {key values} {
    for {set i 0} {$i < [llength $values]} {incr i 1000} {
        r rpush $key {*}[lrange $values $i [expr {$i + 999}]]
    }
}

# Set key prefix$i to value i for each value of the list, in batches.
proc sort_fill_weights {prefix elems weights} {
    set batch {}
    foreach e $elems w $weights {
        lappend batch $prefix$e $w
        if {[llength $batch] >= 2000} {
            r mset {*}$batch
            set batch {}
        }
    }
    if {[llength $batch]} { r mset {*}$batch }
}

# n distinct pseudo-random floats (fixed seed, so runs are reproducible).
proc sort_random_floats {n seed} {
    expr {srand($seed)}
    set out {}
    set seen {}
    while {[llength $out] < $n} {
        set v [format %.6f [expr {rand() * 200000 - 100000}]]
        if {[dict exists $seen $v]} continue
        dict set seen $v 1
        lappend out $v
    }
    return $out
}

start_server {tags {sort}} {

    # --------------------------------------------------------- plain sorts
    test "SORT a list numerically, ascending and descending" {
        r del l
        r rpush l 3 1 2 10 -5 2.5 0
        assert_equal {-5 0 1 2 2.5 3 10} [r sort l]
        assert_equal {-5 0 1 2 2.5 3 10} [r sort l asc]
        assert_equal {10 3 2.5 2 1 0 -5} [r sort l desc]
        assert_equal {10 3 2.5 2 1 0 -5} [r sort_ro l desc]
    }

    test "SORT numeric ties are broken by the elements' bytes (DESC reverses them)" {
        r del l
        r rpush l 1.0 1 01 2 1e0 2 +1
        assert_equal {+1 01 1 1.0 1e0 2 2} [r sort l]
        assert_equal {2 2 1e0 1.0 1 01 +1} [r sort l desc]
    }

    test "SORT numeric parsing: floats, exponents, inf, leading spaces" {
        r del l
        r rpush l 1e3 -inf inf " 7" -0.5 0x10 3.25
        assert_equal {-inf -0.5 3.25 { 7} 0x10 1e3 inf} [r sort l]
    }

    test "SORT ALPHA on a list, ascending and descending" {
        r del l
        r rpush l banana apple cherry apple 10 9 ""
        assert_equal {{} 10 9 apple apple banana cherry} [r sort l alpha]
        assert_equal {cherry banana apple apple 9 10 {}} [r sort l alpha desc]
        assert_equal {cherry banana apple apple 9 10 {}} [r sort l desc alpha]
    }

    test "SORT of non-numbers without ALPHA is an error" {
        r del l
        r rpush l 1 2 abc
        assert_error "ERR One or more scores can't be converted into double" {r sort l}
        assert_error "ERR One or more scores can't be converted into double" {r sort_ro l desc}
        r del l
        r rpush l 1 nan
        assert_error "ERR One or more scores can't be converted into double" {r sort l}
        r del l
        r rpush l 1 "2 "
        assert_error "ERR One or more scores can't be converted into double" {r sort l}
    }

    test "SORT a set (intset, hashtable, small strings)" {
        r del s
        r sadd s 5 -3 100 7
        assert_equal intset [r object encoding s]
        assert_equal {-3 5 7 100} [r sort s]
        assert_equal {100 7 5 -3} [r sort s desc]
        r del s
        r sadd s 5 -3 100 7 1.5
        assert_equal {-3 1.5 5 7 100} [r sort s]
        r del s
        r sadd s b a c
        assert_equal {a b c} [r sort s alpha]
        assert_equal {c b a} [r sort s alpha desc]
        assert_error "ERR One or more scores can't be converted into double" {r sort s}
    }

    test "SORT a sorted set by its members; BY nosort keeps the score order" {
        r del z
        r zadd z 3 10 1 30 2 20
        assert_equal {10 20 30} [r sort z]
        assert_equal {30 20 10} [r sort z desc]
        assert_equal {30 20 10} [r sort z by nosort]
        assert_equal {10 20 30} [r sort z by nosort desc]
        assert_equal {20 10} [r sort z by nosort limit 1 5]
        assert_equal {20 30} [r sort z by nosort desc limit 1 2]
        r del z
        r zadd z 1 c 2 a 3 b
        assert_equal {a b c} [r sort z alpha]
        assert_equal {c a b} [r sort_ro z by nosort]
    }

    test "SORT converts a listpack sorted set to a skiplist, as Redis 7.0 does" {
        r del z
        r zadd z 1 a 2 b
        assert_equal listpack [r object encoding z]
        r sort_ro z alpha
        assert_equal skiplist [r object encoding z]
        assert_equal {a b} [r zrange z 0 -1]
        assert_equal {1 2} [list [r zscore z a] [r zscore z b]]
        r zadd z 0 c
        assert_equal {c a b} [r zrange z 0 -1]
    }

    test "SORT of a missing key is empty" {
        r del nokey
        assert_equal {} [r sort nokey]
        assert_equal {} [r sort_ro nokey desc alpha limit 0 10]
        assert_equal {} [r sort nokey by nosort get #]
    }

    test "SORT on a string or hash is WRONGTYPE" {
        r del str h
        r set str x
        r hset h f v
        assert_error "WRONGTYPE*" {r sort str}
        assert_error "WRONGTYPE*" {r sort_ro h}
        assert_error "WRONGTYPE*" {r sort str store dst}
    }

    # --------------------------------------------------------------- LIMIT
    test "SORT LIMIT windows" {
        r del l
        r rpush l 5 3 1 4 2
        assert_equal {1 2 3 4 5} [r sort l limit 0 -1]
        assert_equal {1 2} [r sort l limit 0 2]
        assert_equal {3 4} [r sort l limit 2 2]
        assert_equal {4 5} [r sort l limit 3 10]
        assert_equal {5 4} [r sort l desc limit 0 2]
        assert_equal {2 1} [r sort l desc limit 3 2]
        assert_equal {} [r sort l limit 0 0]
        assert_equal {} [r sort l limit 5 1]
        assert_equal {} [r sort l limit 100 100]
        assert_equal {1 2} [r sort l limit -10 2]
        assert_equal {3 4 5} [r sort l limit 2 -5]
        assert_equal {1 2 3 4 5} [r sort l limit -1 -1]
        assert_equal {3} [r sort l limit 0 1 limit 2 1]
        assert_equal {1 2} [r sort l limit 0 2 limit 0 9223372036854775807 limit 0 2]
        assert_equal {5} [r sort l limit 4 9223372036854775807]
        assert_equal {} [r sort l limit 9223372036854775807 1]
    }

    test "SORT BY nosort LIMIT on lists: native order, DESC from the tail" {
        r del l
        r rpush l c a d b e
        assert_equal {c a d b e} [r sort l by nosort]
        assert_equal {e b d a c} [r sort l by nosort desc]
        assert_equal {a d} [r sort l by nosort limit 1 2]
        assert_equal {b d} [r sort l by nosort desc limit 1 2]
        assert_equal {b e} [r sort l by nosort limit 3 10]
        assert_equal {} [r sort l by nosort limit 5 1]
        assert_equal {} [r sort l by nosort limit 0 0]
        assert_equal {c} [r sort l by nosort desc limit 4 1]
    }

    test "SORT LIMIT with errors in the numbers" {
        r del l
        r rpush l 1 2
        assert_error "ERR value is not an integer or out of range" {r sort l limit a 1}
        assert_error "ERR value is not an integer or out of range" {r sort l limit 0 1.5}
        assert_error "ERR value is not an integer or out of range" {r sort l limit 0 9223372036854775808}
        assert_error "ERR syntax error" {r sort l limit 0}
        assert_error "ERR syntax error" {r sort l limit}
    }

    # ---------------------------------------------------------- BY patterns
    test "SORT BY string keys, with missing weights counting as 0" {
        r del "{s}l" "{s}w_a" "{s}w_b" "{s}w_c" "{s}w_d"
        r rpush "{s}l" a b c d
        r mset "{s}w_a" 3 "{s}w_b" -1 "{s}w_c" 2.5
        assert_equal {b d c a} [r sort "{s}l" by "{s}w_*"]
        assert_equal {a c d b} [r sort "{s}l" by "{s}w_*" desc]
        r set "{s}w_d" 0
        r set "{s}w_e" 0
        r rpush "{s}l" e
        # equal weights fall back to the elements
        assert_equal {b d e c a} [r sort "{s}l" by "{s}w_*"]
        assert_equal {a c e d b} [r sort "{s}l" by "{s}w_*" desc]
        assert_equal {d e} [r sort "{s}l" by "{s}w_*" limit 1 2]
    }

    test "SORT BY keys of other types counts them as missing" {
        r del "{s}l" "{s}w_a" "{s}w_b" "{s}w_c"
        r rpush "{s}l" a b c
        r set "{s}w_a" 5
        r rpush "{s}w_b" 1
        r sadd "{s}w_c" 1
        assert_equal {b c a} [r sort "{s}l" by "{s}w_*"]
    }

    test "SORT BY weights that are not numbers is an error" {
        r del "{s}l" "{s}w_a" "{s}w_b"
        r rpush "{s}l" a b
        r mset "{s}w_a" 1 "{s}w_b" foo
        assert_error "ERR One or more scores can't be converted into double" {r sort "{s}l" by "{s}w_*"}
        assert_equal {a b} [r sort "{s}l" by "{s}w_*" alpha]
        r set "{s}w_b" ""
        assert_equal {b a} [r sort "{s}l" by "{s}w_*"]
    }

    test "SORT BY ALPHA compares the weights; missing weights come first" {
        r del "{s}l" "{s}w_x" "{s}w_y" "{s}w_z" "{s}w_q"
        r rpush "{s}l" x y z q
        r mset "{s}w_x" banana "{s}w_y" apple "{s}w_z" cherry
        assert_equal {q y x z} [r sort "{s}l" by "{s}w_*" alpha]
        assert_equal {z x y q} [r sort "{s}l" by "{s}w_*" alpha desc]
        assert_equal {x z} [r sort "{s}l" by "{s}w_*" alpha limit 2 5]
    }

    test "SORT BY a pattern with the * in the middle and a postfix" {
        r del "{s}l" "{s}pre_1_post" "{s}pre_2_post" "{s}pre_3_post"
        r rpush "{s}l" 1 2 3
        r mset "{s}pre_1_post" 30 "{s}pre_2_post" 10 "{s}pre_3_post" 20
        assert_equal {2 3 1} [r sort "{s}l" by "{s}pre_*_post"]
    }

    test "SORT BY hash fields with ->" {
        r del "{s}l" "{s}h_1" "{s}h_2" "{s}h_3" "{s}h_4"
        r rpush "{s}l" 1 2 3 4
        r hset "{s}h_1" w 20 name one
        r hset "{s}h_2" w 5 name two
        r hset "{s}h_3" w -1 name three
        r hset "{s}h_4" name four
        assert_equal {3 4 2 1} [r sort "{s}l" by "{s}h_*->w"]
        assert_equal {1 2 4 3} [r sort "{s}l" by "{s}h_*->w" desc]
        assert_equal {4 1 3 2} [r sort "{s}l" by "{s}h_*->name" alpha]
        # a string where a hash is expected is missing
        r del "{s}h_1"
        r set "{s}h_1" 100
        assert_equal {3 1 4 2} [r sort "{s}l" by "{s}h_*->w"]
    }

    test "SORT BY hash fields in the hashtable encoding" {
        r del "{s}l"
        set big [string repeat x 100]
        for {set i 0} {$i < 5} {incr i} {
            r del "{s}h_$i"
            r hset "{s}h_$i" w [expr {10 - $i}] pad $big
            r rpush "{s}l" $i
        }
        assert_equal hashtable [r object encoding "{s}h_0"]
        assert_equal {4 3 2 1 0} [r sort "{s}l" by "{s}h_*->w"]
    }

    test "SORT BY a pattern without * does not sort (BY nosort)" {
        r del "{s}l"
        r rpush "{s}l" 3 1 2
        assert_equal {3 1 2} [r sort "{s}l" by nosort]
        assert_equal {3 1 2} [r sort "{s}l" by "{s}constant"]
        assert_equal {2 1 3} [r sort "{s}l" by nosort desc]
        # no order to keep: ALPHA is not even looked at
        r rpush "{s}l" abc
        assert_equal {3 1 2 abc} [r sort "{s}l" by nosort]
    }

    test "SORT BY nosort on an intset keeps its (ascending) order" {
        r del s
        r sadd s 30 10 20
        assert_equal {10 20 30} [r sort s by nosort]
    }

    test "SORT BY nosort on a set with STORE sorts ALPHA" {
        r del s dst
        r sadd s c a b 10 9
        assert_equal 5 [r sort s by nosort store dst]
        assert_equal {10 9 a b c} [r lrange dst 0 -1]
    }

    # --------------------------------------------------------- GET patterns
    test "SORT GET # and GET string keys" {
        r del "{s}l" "{s}o_1" "{s}o_2" "{s}o_3"
        r rpush "{s}l" 3 1 2
        r mset "{s}o_1" one "{s}o_2" two
        assert_equal {1 2 3} [r sort "{s}l" get #]
        assert_equal {one two {}} [r sort "{s}l" get "{s}o_*"]
        assert_equal {1 one 2 two 3 {}} [r sort "{s}l" get # get "{s}o_*"]
        assert_equal {one 1 two 2 {} 3} [r sort "{s}l" get "{s}o_*" get #]
        assert_equal {{} 3 two 2} [r sort "{s}l" desc limit 0 2 get "{s}o_*" get #]
        # a pattern without * names nothing
        assert_equal {{} {} {}} [r sort "{s}l" get "{s}o_1"]
        # the GET results are not what is sorted
        assert_equal {one two} [r sort_ro "{s}l" limit 0 2 get "{s}o_*"]
    }

    test "SORT GET hash fields, in both hash encodings" {
        r del "{s}l" "{s}h_a" "{s}h_b" "{s}h_c"
        r rpush "{s}l" a b c
        r hset "{s}h_a" name Alice age 30
        r hset "{s}h_b" name Bob age 25 pad [string repeat y 100]
        r set "{s}h_c" notahash
        assert_equal listpack [r object encoding "{s}h_a"]
        assert_equal hashtable [r object encoding "{s}h_b"]
        assert_equal {Alice Bob {}} [r sort "{s}l" alpha get "{s}h_*->name"]
        assert_equal {30 25 {}} [r sort "{s}l" alpha get "{s}h_*->age"]
        assert_equal {{} {} {}} [r sort "{s}l" alpha get "{s}h_*->nofield"]
        assert_equal {c {} b Bob a Alice} [r sort "{s}l" alpha desc get # get "{s}h_*->name"]
        assert_equal {c b a} [r sort "{s}l" by "{s}h_*->age" alpha get #]
    }

    test "SORT GET with a trailing -> reads the key whose name ends in ->" {
        r del "{s}l" "{s}k_a->"
        r rpush "{s}l" a
        r set "{s}k_a->" v
        assert_equal {v} [r sort "{s}l" by nosort get "{s}k_*->"]
    }

    test "SORT GET of elements of other types' keys is nil" {
        r del "{s}l" "{s}o_1"
        r rpush "{s}l" 1
        r rpush "{s}o_1" x
        assert_equal {{}} [r sort "{s}l" get "{s}o_*"]
    }

    test "SORT GET null replies in RESP3" {
        r del "{s}l" "{s}o_1" "{s}o_2"
        r rpush "{s}l" 1 2
        r set "{s}o_1" x
        set c [redis_deferring_client]
        $c hello 3
        $c read
        $c sort "{s}l" get "{s}o_*"
        assert_equal "*2\r\n\$1\r\nx\r\n_\r\n" [$c read_raw]
        $c close
    }

    # ---------------------------------------------------------------- STORE
    test "SORT STORE writes a list and replies its length" {
        r del l dst
        r rpush l 3 1 2
        assert_equal 3 [r sort l store dst]
        assert_equal list [r type dst]
        assert_equal {1 2 3} [r lrange dst 0 -1]
        assert_equal 2 [r sort l desc limit 0 2 store dst]
        assert_equal {3 2} [r lrange dst 0 -1]
    }

    test "SORT STORE replaces a key of any type and drops its TTL" {
        r del l dst
        r rpush l b a
        r set dst x ex 100
        assert_equal 2 [r sort l alpha store dst]
        assert_equal {a b} [r lrange dst 0 -1]
        assert_equal -1 [r ttl dst]
        r del dst
        r zadd dst 1 m
        assert_equal 2 [r sort l alpha store dst]
        assert_equal list [r type dst]
    }

    test "SORT STORE of an empty result deletes the destination" {
        r del l nokey dst
        r set dst x
        assert_equal 0 [r sort nokey store dst]
        assert_equal 0 [r exists dst]
        r rpush l 1 2
        r rpush dst 9
        assert_equal 0 [r sort l limit 5 5 store dst]
        assert_equal 0 [r exists dst]
        assert_equal 0 [r sort l limit 0 0 store dst]
        assert_equal 0 [r exists dst]
    }

    test "SORT STORE with GET stores empty strings for missing values" {
        r del "{s}l" "{s}o_1" "{s}o_2" "{s}dst"
        r rpush "{s}l" 2 1
        r set "{s}o_1" one
        assert_equal 4 [r sort "{s}l" get # get "{s}o_*" store "{s}dst"]
        assert_equal {1 one 2 {}} [r lrange "{s}dst" 0 -1]
    }

    test "SORT STORE onto the sorted key itself" {
        r del l
        r rpush l 3 1 2
        assert_equal 3 [r sort l store l]
        assert_equal {1 2 3} [r lrange l 0 -1]
    }

    test "SORT STORE uses the last STORE option; the error leaves the destination alone" {
        r del l d1 d2
        r rpush l b a
        assert_equal 2 [r sort l alpha store d1 store d2]
        assert_equal 0 [r exists d1]
        assert_equal {a b} [r lrange d2 0 -1]
        r set d1 keep
        assert_error "ERR One or more scores can't be converted into double" {r sort l store d1}
        assert_equal keep [r get d1]
    }

    test "SORT STORE to a key on another shard" {
        r del "{b}src" "{a}dst" "{b}z" "{b}s"
        r rpush "{b}src" 3 1 2
        assert_equal 3 [r sort "{b}src" store "{a}dst"]
        assert_equal {1 2 3} [r lrange "{a}dst" 0 -1]
        assert_equal 2 [r sort "{b}src" desc limit 0 2 get # store "{a}dst"]
        assert_equal {3 2} [r lrange "{a}dst" 0 -1]
        assert_equal 2 [r sort "{b}src" by nosort desc limit 1 2 store "{a}dst"]
        assert_equal {1 3} [r lrange "{a}dst" 0 -1]
        r zadd "{b}z" 2 x 1 y
        assert_equal 2 [r sort "{b}z" by nosort store "{a}dst"]
        assert_equal {y x} [r lrange "{a}dst" 0 -1]
        r sadd "{b}s" q p
        assert_equal 2 [r sort "{b}s" alpha store "{a}dst"]
        assert_equal {p q} [r lrange "{a}dst" 0 -1]
        # the source is unchanged, an empty result deletes the remote key
        assert_equal {3 1 2} [r lrange "{b}src" 0 -1]
        assert_equal 0 [r sort "{b}nokey" store "{a}dst"]
        assert_equal 0 [r exists "{a}dst"]
        assert_error "ERR One or more scores can't be converted into double" {r sort "{b}s" store "{a}dst"}
        r set "{a}str" x
        assert_error "WRONGTYPE*" {r sort "{a}str" store "{b}dst"}
        assert_error "ERR syntax error" {r sort "{b}src" store "{a}dst" extra}
    }

    test "SORT STORE of a big result to a key on another shard" {
        r del "{b}big" "{a}dst"
        set vals {}
        for {set i 0} {$i < 12000} {incr i} { lappend vals [expr {($i * 7919) % 12000}] }
        sort_fill_list "{b}big" $vals
        assert_equal 12000 [r sort "{b}big" store "{a}dst"]
        assert_equal 12000 [r llen "{a}dst"]
        assert_equal {0 1 2} [r lrange "{a}dst" 0 2]
        assert_equal {11998 11999} [r lrange "{a}dst" -2 -1]
        assert_equal quicklist [r object encoding "{a}dst"]
    }

    test "SORT BY/GET patterns with STORE to another shard" {
        r del "{b}l" "{b}w_1" "{b}w_2" "{a}dst" "{b}o_1" "{b}o_2"
        r rpush "{b}l" 2 1
        r mset "{b}w_1" 5 "{b}w_2" 3 "{b}o_1" one "{b}o_2" two
        assert_equal 2 [r sort "{b}l" by "{b}w_*" store "{a}dst"]
        assert_equal {2 1} [r lrange "{a}dst" 0 -1]
        assert_equal 4 [r sort "{b}l" by "{b}w_*" get # get "{b}o_*" desc store "{a}dst"]
        assert_equal {1 one 2 two} [r lrange "{a}dst" 0 -1]
        # no lookup needed
        assert_equal 4 [r sort "{b}l" by nosort get # get "{b}nostar" store "{a}dst"]
        assert_equal {2 {} 1 {}} [r lrange "{a}dst" 0 -1]
        # the patterns' keys were read, not changed
        assert_equal {5 3 one two} [r mget "{b}w_1" "{b}w_2" "{b}o_1" "{b}o_2"]
    }

    test "SORT BY/GET patterns naming keys on other shards" {
        r del "{b}l" "{a}w_1" "{a}w_2" "{c}h_1" "{c}h_2" "{b}s" "{b}z" "{a}dst"
        r rpush "{b}l" 1 2
        r mset "{a}w_1" 9 "{a}w_2" 1
        assert_equal {2 1} [r sort "{b}l" by "{a}w_*"]
        assert_equal {9 1} [r sort "{b}l" get "{a}w_*"]
        assert_equal {1 9 2 1} [r sort "{b}l" get # get "{a}w_*"]
        assert_equal {2 1} [r sort_ro "{b}l" by "{a}w_*"]
        # untagged patterns: every element's key may be on a different shard
        r del wk_1 wk_2 wk_3 ob_1 ob_2 ob_3 ll
        r rpush ll 1 2 3
        r mset wk_1 30 wk_2 10 wk_3 20 ob_1 a ob_2 b ob_3 c
        assert_equal {b c a} [r sort ll by wk_* get ob_*]
        assert_equal {a c b} [r sort ll by wk_* desc get ob_*]
        assert_equal {c} [r sort ll by wk_* limit 1 1 get ob_*]
        # hash fields, missing keys and fields, ALPHA, sets and sorted sets
        r hset "{c}h_1" f z
        r hset "{c}h_2" f y g 1
        assert_equal {y z} [r sort "{b}l" by "{c}h_*->f" alpha get "{c}h_*->f"]
        assert_equal {1 {}} [r sort "{b}l" by "{c}h_*->f" alpha get "{c}h_*->g"]
        assert_equal {1 2} [r sort "{b}l" by "{c}nokey_*"]
        r sadd "{b}s" 1 2
        assert_equal {9 1} [r sort "{b}s" by "{a}w_*" desc get "{a}w_*"]
        r zadd "{b}z" 1 1 2 2
        assert_equal {2 1} [r sort "{b}z" by "{a}w_*"]
        # a weight that is not a number, found on another shard
        r set "{a}w_1" notanumber
        assert_error "ERR One or more scores can't be converted into double" {r sort "{b}l" by "{a}w_*"}
        # STORE onto a third shard
        r set "{a}w_1" 9
        assert_equal 2 [r sort "{b}l" by "{a}w_*" get "{a}w_*" store "{c}dst"]
        assert_equal {1 9} [r lrange "{c}dst" 0 -1]
        r del "{c}dst"
    }

    test "SORT with patterns over a big list spread over shards" {
        r del bl
        set vals {}
        set weights {}
        for {set i 0} {$i < 3000} {incr i} {
            lappend vals $i
            lappend weights [expr {($i * 7919) % 3000}]
        }
        sort_fill_list bl $vals
        sort_fill_weights bw_ $vals $weights
        set got [r sort bl by bw_* limit 0 3]
        # weight w belongs to element i with i*7919 = w (mod 3000)
        set want {}
        foreach w {0 1 2} {
            for {set i 0} {$i < 3000} {incr i} {
                if {($i * 7919) % 3000 == $w} { lappend want $i; break }
            }
        }
        assert_equal $want $got
        assert_equal {0 1 2} [r sort bl by bw_* limit 0 3 get bw_*]
        r del bl
    }

    test "SORT that needs no other shard, behind held input or split over packets" {
        # RENAME across shards holds the rest of the pipeline until it is
        # done; a SORT with patterns on a missing key then completes at once
        set tags {a b c d e f g h}
        set c [redis_deferring_client]
        set cmds [::resp::encode set "{a}x" 1][::resp::encode rename "{a}x" "{b}y"]
        foreach t $tags { append cmds [::resp::encode sort "{$t}nokey" by w_*] }
        append cmds [::resp::encode ping]
        $c write $cmds
        assert_equal OK [$c read]
        assert_equal OK [$c read]
        foreach t $tags { assert_equal {} [$c read] }
        assert_equal PONG [$c read]
        # the same command in two packets
        foreach t $tags {
            set cmd [::resp::encode sort "{$t}nokey" by w_* get #]
            $c write [string range $cmd 0 9]
            after 20
            $c write [string range $cmd 10 end]
            assert_equal {} [$c read]
        }
        $c write [::resp::encode ping]
        assert_equal PONG [$c read]
        $c close
        r del "{b}y"
    }

    # --------------------------------------------------------------- SORT_RO
    test "SORT_RO sorts like SORT and refuses STORE" {
        r del "{s}l" "{s}w_1" "{s}w_2" dst
        r rpush "{s}l" 1 2
        r mset "{s}w_1" 2 "{s}w_2" 1
        assert_equal {2 1} [r sort_ro "{s}l" by "{s}w_*"]
        assert_equal {1 2} [r sort_ro "{s}l" by "{s}w_*" desc get #]
        assert_error "ERR syntax error" {r sort_ro "{s}l" store dst}
        assert_equal 0 [r exists dst]
    }

    # ---------------------------------------------------------------- errors
    test "SORT syntax errors" {
        r del l
        r rpush l 1
        assert_error "ERR syntax error" {r sort l foo}
        assert_error "ERR syntax error" {r sort l by}
        assert_error "ERR syntax error" {r sort l get}
        assert_error "ERR syntax error" {r sort l store}
        assert_error "ERR syntax error" {r sort l asc desc alpha x}
        assert_error "ERR syntax error" {r sort nokey foo}
        assert_error "ERR wrong number of arguments for 'sort' command" {r sort}
        assert_error "ERR wrong number of arguments for 'sort_ro' command" {r sort_ro}
        # options are case-insensitive
        assert_equal {1} [r sort l LIMIT 0 1 DESC Alpha GET # By NOSORT]
    }

    test "COMMAND GETKEYS of SORT: the key and the last STORE destination" {
        assert_equal {l} [r command getkeys sort l]
        assert_equal {l d} [r command getkeys sort l store d]
        assert_equal {l b} [r command getkeys sort l store a limit 0 1 store b]
        assert_equal {l} [r command getkeys sort l get store by store]
        assert_equal {l} [r command getkeys sort_ro l]
    }

    # ----------------------------------------------------------- big inputs
    test "SORT a big list (quicklist) numerically and ALPHA" {
        r del big
        set vals [sort_random_floats 15000 1]
        sort_fill_list big $vals
        assert_equal quicklist [r object encoding big]
        set res [r sort big]
        assert_equal 15000 [llength $res]
        assert_equal [lsort -real $vals] $res
        assert_equal [lsort -real -decreasing $vals] [r sort big desc]
        assert_equal [lsort $vals] [r sort big alpha]
        assert_equal [lrange [lsort -real $vals] 100 199] [r sort big limit 100 100]
        assert_equal [lrange $vals 14990 end] [r sort big by nosort limit 14990 100]
    }

    test "SORT a big set (hashtable and intset)" {
        r del bigset bigint
        set vals [sort_random_floats 12000 2]
        for {set i 0} {$i < 12000} {incr i 1000} { r sadd bigset {*}[lrange $vals $i [expr {$i + 999}]] }
        assert_equal [lsort -real $vals] [r sort bigset]
        assert_equal [lsort -decreasing $vals] [r sort_ro bigset alpha desc]
        set old [lindex [r config get set-max-intset-entries] 1]
        r config set set-max-intset-entries 20000
        set ints {}
        for {set i 0} {$i < 12000} {incr i} { lappend ints [expr {($i * 7919) % 12000 - 6000}] }
        for {set i 0} {$i < 12000} {incr i 1000} { r sadd bigint {*}[lrange $ints $i [expr {$i + 999}]] }
        assert_equal intset [r object encoding bigint]
        assert_equal [lsort -integer $ints] [r sort bigint]
        assert_equal [lsort -integer -decreasing $ints] [r sort bigint desc]
        r config set set-max-intset-entries $old
    }

    test "SORT a big sorted set, BY nosort with LIMIT" {
        r del bigz
        set args {}
        for {set i 0} {$i < 12000} {incr i} {
            lappend args [expr {($i * 7919) % 12000}] m$i
            if {[llength $args] >= 2000} {
                r zadd bigz {*}$args
                set args {}
            }
        }
        assert_equal skiplist [r object encoding bigz]
        assert_equal [r zrange bigz 0 -1] [r sort bigz by nosort]
        assert_equal [r zrange bigz 500 599] [r sort bigz by nosort limit 500 100]
        assert_equal [r zrevrange bigz 500 599] [r sort bigz by nosort desc limit 500 100]
        assert_equal [r zrevrange bigz 11990 -1] [r sort bigz by nosort desc limit 11990 100]
        set members [r zrange bigz 0 -1]
        assert_equal [lsort $members] [r sort bigz alpha]
    }

    test "SORT a big list BY 10,000 weight keys and GET them back" {
        r del "{s}bl"
        set n 10000
        set elems {}
        set weights {}
        for {set i 0} {$i < $n} {incr i} {
            lappend elems e$i
            lappend weights [expr {($i * 7919) % $n}]
        }
        sort_fill_list "{s}bl" $elems
        sort_fill_weights "{s}bw_" $elems $weights
        set expected {}
        foreach {w e} [lsort -integer -index 0 -stride 2 [concat {*}[lmap e $elems w $weights {list $w $e}]]] {
            lappend expected $e
        }
        assert_equal $expected [r sort "{s}bl" by "{s}bw_*"]
        assert_equal [lreverse $expected] [r sort "{s}bl" by "{s}bw_*" desc]
        set got [r sort "{s}bl" by "{s}bw_*" limit 0 5 get # get "{s}bw_*"]
        assert_equal [list [lindex $expected 0] 0 [lindex $expected 1] 1 [lindex $expected 2] 2 \
                          [lindex $expected 3] 3 [lindex $expected 4] 4] $got
        assert_equal $n [r sort "{s}bl" by "{s}bw_*" store "{s}bdst"]
        assert_equal $expected [r lrange "{s}bdst" 0 -1]
    }
}

# Redis 7.0 reads errno after strtod without clearing it first, so once a
# weight overflows (ERANGE) every later numeric SORT of that server fails
# until some system call resets errno: this test gets a server of its own.
start_server {tags {sort}} {
    test "SORT weights out of the double range are an error" {
        r del l
        r rpush l 1 1e400
        assert_error "ERR One or more scores can't be converted into double" {r sort l}
        r del l
        r rpush l 1 -1e400
        assert_error "ERR One or more scores can't be converted into double" {r sort l}
        r del l
        r rpush l 1 1e-400
        assert_error "ERR One or more scores can't be converted into double" {r sort l}
    }
}
