# HyperLogLog: PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST with Redis
# 7.0's replies, errors and byte representation. The numbers and bytes
# below were produced by redis-server 7.0.15 (`--redis` runs this file
# there again). With 4 shards, keys tagged {a} {b} {c} lie on different
# shards, so PFMERGE and PFCOUNT over them run at the coordinator.

proc hll_hex {key} { binary encode hex [rbin get $key] }

# An HLL header: encoding byte, then the cache (8 bytes, hex).
proc hll_header {enc cache} {
    return "HYLL[binary format c $enc]\x00\x00\x00[binary decode hex $cache]"
}

# PFADD key prefix0 .. prefix(n-1), `batch` elements per command.
proc hll_add_numbered {key prefix from to {batch 1000}} {
    for {set i $from} {$i < $to} {incr i $batch} {
        set els {}
        for {set j $i} {$j < min($i + $batch, $to)} {incr j} { lappend els "$prefix$j" }
        r pfadd $key {*}$els
    }
}

start_server {tags {hll}} {
    test "PFADD creates a sparse HLL, answers 1 only when a register changes" {
        r del h
        assert_equal 1 [r pfadd h]
        # a new key: header (cache marked stale by PFADD) and one XZERO run
        assert_equal 48594c4c0100000000000000000000807fff [hll_hex h]
        assert_equal 1 [r pfadd h a b c]
        assert_equal 0 [r pfadd h a b c]
        assert_equal 0 [r pfadd h]
        assert_equal 48594c4c01000000000000000000008060f38050b1844bfb80425a [hll_hex h]
        assert_equal sparse [r pfdebug encoding h]
        assert_equal {Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603} [r pfdebug decode h]
        r del h2
        assert_equal 1 [r pfadd h2 foo bar zap a]
        assert_equal 48594c4c0100000000000000000000805cb3904207844858804a8e844e57 [hll_hex h2]
        assert_equal {Z:7348 v:5,1 Z:520 v:2,1 Z:2137 v:1,1 Z:2703 v:2,1 Z:3672} [r pfdebug decode h2]
    }

    test "PFCOUNT caches its estimate in the header; PFADD marks it stale" {
        r del h
        r pfadd h a b c
        assert_equal 3 [r pfcount h]
        # the cache now holds 3, valid
        assert_equal 48594c4c01000000030000000000000060f38050b1844bfb80425a [hll_hex h]
        assert_equal 3 [r pfcount h]
        assert_equal 0 [r pfadd h a]
        assert_equal 0300000000000000 [string range [hll_hex h] 16 31]
        assert_equal 1 [r pfadd h d]
        assert_equal 0300000000000080 [string range [hll_hex h] 16 31]
        assert_equal 4 [r pfcount h]
        assert_equal 0400000000000000 [string range [hll_hex h] 16 31]
        # a valid cache is trusted as it is
        rbin set c [hll_header 1 0500000000000000][binary decode hex 7fff]
        assert_equal 5 [r pfcount c]
        rbin set c [hll_header 1 0500000000000080][binary decode hex 7fff]
        assert_equal 0 [r pfcount c]
        assert_equal 0000000000000000 [string range [hll_hex c] 16 31]
        assert_equal 0 [r pfcount nokey]
        assert_equal 0 [r exists nokey]
    }

    test "PFCOUNT of small and large sets gives redis-server's estimates" {
        set got {}
        foreach n {1 2 3 10 50 100 200 500 1000} {
            r del s
            hll_add_numbered s s 0 $n
            lappend got [r pfcount s]
        }
        assert_equal {1 2 3 10 50 100 201 504 1003} $got
        r del big
        set got {}
        for {set k 0} {$k < 10} {incr k} {
            hll_add_numbered big el: [expr {$k * 10000}] [expr {($k + 1) * 10000}]
            lappend got [r pfcount big]
        }
        assert_equal {10019 20030 30071 39987 49955 59892 69637 79510 89612 98893} $got
        assert_equal dense [r pfdebug encoding big]
        assert_equal 12304 [r strlen big]
    }

    test "A sparse HLL turns dense past hll-sparse-max-bytes" {
        assert_equal {hll-sparse-max-bytes 3000} [r config get hll-sparse-max-bytes]
        r del p
        hll_add_numbered p p: 0 1670 1
        assert_equal sparse [r pfdebug encoding p]
        assert_equal 2999 [r strlen p]
        r pfadd p p:1670
        assert_equal dense [r pfdebug encoding p]
        assert_equal 1686 [r pfcount p]
        r config set hll-sparse-max-bytes 100
        assert_equal {hll-sparse-max-bytes 100} [r config get hll-sparse-max-bytes]
        r del p
        hll_add_numbered p p: 0 28 1
        assert_equal sparse [r pfdebug encoding p]
        assert_equal 99 [r strlen p]
        r pfadd p p:28
        assert_equal dense [r pfdebug encoding p]
        assert_equal 29 [r pfcount p]
        r config set hll-sparse-max-bytes 3000
    }

    test "A register value above 32 makes a sparse HLL dense" {
        # "hll1415032616" offers 34 to register 7404
        r del q
        r pfadd q a
        assert_equal 1 [r pfadd q hll1415032616]
        assert_equal dense [r pfdebug encoding q]
        set regs [r pfdebug getreg q]
        assert_equal 16384 [llength $regs]
        assert_equal {34 2} [list [lindex $regs 7404] [lindex $regs 12711]]
        assert_equal 2 [r pfcount q]
    }

    test "HLL bytes copied from one key (or server) to another work as they are" {
        r del u d
        hll_add_numbered u u 0 50
        assert_equal [join {
            48594c4c0100000000000000000000808040fa8c4205800d80422d9440c18046058040ee8041a0802
            38c415e84406184426984460380068840e180407780424a9c40e180441680419f80406e8040c98
            40f84248440918041ed884452904042800b880a84410184412880410e8441388440d3803f9040
            fb8842888040bd943680411680410d800c80405080425b84431d8017802280406e84415d} ""] [hll_hex u]
        hll_add_numbered d d 0 5000 100
        foreach k {u d} {
            rbin set $k-copy [rbin get $k]
            assert_equal [r pfcount $k] [r pfcount $k-copy]
            assert_equal [r pfdebug encoding $k] [r pfdebug encoding $k-copy]
            assert_equal [r pfadd $k new1 new2] [r pfadd $k-copy new1 new2]
            assert_equal [rbin get $k] [rbin get $k-copy]
        }
        assert_equal 52 [r pfcount u-copy]
        assert_equal 5037 [r pfcount d-copy]
        # a small value read back from SET is an embstr until an HLL
        # command rewrites it, as Redis unshares it
        rbin set e [hll_header 1 0000000000000080][binary decode hex 7fff]
        assert_equal embstr [r object encoding e]
        assert_equal 0 [r pfcount e]
        assert_equal raw [r object encoding e]
    }

    test "PFADD and PFMERGE keep the key's TTL" {
        r del t
        r pfadd t a
        r expire t 100
        r pfadd t b
        assert_range [r ttl t] 90 100
        r pfmerge t nokey
        assert_range [r ttl t] 90 100
    }

    test "PFMERGE: the union of the sources and the destination" {
        r del m{a} m{b} m{c} u{a}
        r pfadd m{a} a b c
        r pfadd m{b} foo bar zap a
        hll_add_numbered u{a} u 0 50
        assert_equal OK [r pfmerge m{c} m{a} m{b} u{a}]
        assert_equal sparse [r pfdebug encoding m{c}]
        assert_equal 169 [r strlen m{c}]
        assert_equal 56 [r pfcount m{c}]
        assert_equal 56 [r pfcount m{a} m{b} u{a}]
        assert_equal 56 [r pfcount m{a} m{b} u{a} m{c} nokey]
        # the destination counts as a source
        r pfadd m{c} extra
        assert_equal OK [r pfmerge m{c} m{a}]
        assert_equal 57 [r pfcount m{c}]
        # no sources at all: an empty HLL
        r del m{c}
        assert_equal OK [r pfmerge m{c}]
        assert_equal 48594c4c0100000000000000000000807fff [hll_hex m{c}]
        assert_equal OK [r pfmerge m{c} nokey{a} nokey{b}]
        assert_equal 0 [r pfcount m{c}]
        # a dense source makes a dense result
        r del big{b} m{c}
        hll_add_numbered big{b} x 0 3000
        assert_equal OK [r pfmerge m{c} m{a} big{b}]
        assert_equal dense [r pfdebug encoding m{c}]
        assert_equal [r pfcount m{a} big{b}] [r pfcount m{c}]
        # PFCOUNT of several keys stores nothing (m{a}'s cache is stale)
        r pfadd m{a} zz
        set before [rbin get m{a}]
        r pfcount m{a} m{b}
        assert_equal $before [rbin get m{a}]
        assert_equal 4 [r pfcount m{a} m{a}]
    }

    test "Values that are not HLLs: WRONGTYPE" {
        set hllerr "WRONGTYPE Key is not a valid HyperLogLog string value."
        set wrong "WRONGTYPE Operation against a key holding the wrong kind of value"
        r del lst str int
        r rpush lst a
        r set str hello
        r set int 123
        rbin set short HYLL
        rbin set enc2 [hll_header 2 0000000000000080][binary decode hex 7fff]
        rbin set magic HYLX[string range [hll_header 1 0000000000000080] 4 end][binary decode hex 7fff]
        rbin set dshort [hll_header 0 0000000000000080][string repeat \x00 12287]
        rbin set dlong [hll_header 0 0000000000000080][string repeat \x00 12289]
        rbin set empty ""
        foreach k {str int short enc2 magic dshort dlong empty} {
            assert_error $hllerr {r pfadd $k a}
            assert_error $hllerr {r pfcount $k}
            assert_error $hllerr {r pfcount $k nokey}
            assert_error $hllerr {r pfmerge $k}
            assert_error $hllerr {r pfmerge dest $k}
            assert_error $hllerr {r pfdebug encoding $k}
        }
        assert_error $wrong {r pfadd lst a}
        assert_error $wrong {r pfcount lst}
        assert_error $wrong {r pfcount nokey lst}
        assert_error $wrong {r pfmerge lst}
        assert_error $wrong {r pfmerge dest lst}
        assert_error $wrong {r pfdebug getreg lst}
        assert_equal 0 [r exists dest]
        assert_equal hello [r get str]
    }

    test "Corrupted HLLs: INVALIDOBJ" {
        set bad "INVALIDOBJ Corrupted HLL object detected"
        # two VAL runs of 4 registers, then nothing
        rbin set c1 [hll_header 1 0000000000000080][binary decode hex ffff]
        # all the registers, then one VAL run too many
        rbin set c2 [hll_header 1 0000000000000080][binary decode hex 7fff80]
        # one register short
        rbin set c3 [hll_header 1 0000000000000080][binary decode hex 7ffe]
        foreach k {c1 c2 c3} {
            assert_error $bad {r pfcount $k}
            assert_error $bad {r pfcount $k nokey}
            assert_error $bad {r pfmerge dest $k}
            assert_error $bad {r pfdebug getreg $k}
            assert_error $bad {r pfdebug todense $k}
            assert_equal sparse [r pfdebug encoding $k]
        }
        assert_equal {v:32,4 v:32,4} [r pfdebug decode c1]
        assert_equal {Z:16384 v:1,1} [r pfdebug decode c2]
        # "foo" goes to register 7348, past c1's runs
        assert_error $bad {r pfadd c1 foo}
        assert_equal 0 [r exists dest]
        # a valid cache is answered without looking at the registers
        rbin set c4 [hll_header 1 0700000000000000][binary decode hex ffff]
        assert_equal 7 [r pfcount c4]
    }

    test "PFDEBUG subcommands and their errors" {
        r del g
        r pfadd g a b c
        assert_equal sparse [r pfdebug encoding g]
        assert_equal sparse [r pfdebug ENCODING g]
        set regs [r pfdebug getreg g]
        assert_equal 16384 [llength $regs]
        set nz {}
        for {set i 0} {$i < 16384} {incr i} {
            if {[lindex $regs $i]} { lappend nz $i [lindex $regs $i] }
        }
        assert_equal {8436 1 12711 2 15780 1} $nz
        # GETREG rewrites a sparse HLL dense
        assert_equal dense [r pfdebug encoding g]
        assert_error "ERR HLL encoding is not sparse" {r pfdebug decode g}
        assert_equal 0 [r pfdebug todense g]
        r del g
        r pfadd g a
        assert_equal 1 [r pfdebug todense g]
        assert_equal 12304 [r strlen g]
        assert_equal 1 [r pfcount g]
        assert_error "ERR The specified key does not exist" {r pfdebug getreg nokey}
        assert_error "ERR The specified key does not exist" {r pfdebug foo nokey}
        assert_error "ERR Unknown PFDEBUG subcommand 'foo'" {r pfdebug foo g}
        assert_error "ERR wrong number of arguments for 'pfdebug' command" {r pfdebug getreg}
        assert_error "ERR wrong number of arguments for 'pfdebug' command" {r pfdebug getreg g x}
        assert_error "ERR wrong number of arguments for 'pfadd' command" {r pfadd}
        assert_error "ERR wrong number of arguments for 'pfcount' command" {r pfcount}
        assert_error "ERR wrong number of arguments for 'pfmerge' command" {r pfmerge}
        assert_error "ERR wrong number of arguments for 'pfselftest' command" {r pfselftest x}
        assert_equal OK [r pfselftest]
    }

    test "COMMAND INFO of the HLL commands" {
        set got {}
        foreach c {pfadd pfcount pfmerge pfdebug pfselftest} {
            lappend got [lrange [lindex [r command info $c] 0] 0 5]
        }
        assert_equal {{pfadd -2 {write denyoom fast} 1 1 1} {pfcount -2 readonly 1 -1 1} {pfmerge -2 {write denyoom} 1 -1 1} {pfdebug 3 {write denyoom admin} 2 2 1} {pfselftest 1 admin 0 0 0}} $got
    }

    test "PFADD and PFMERGE notify pfadd; PFCOUNT and PFDEBUG do not" {
        r config set notify-keyspace-events KEA
        set rd [redis_deferring_client]
        $rd psubscribe __keyevent@*__:*
        $rd read
        r del ev evm evn
        r pfadd ev x y
        r pfadd ev x
        r pfcount ev
        r pfmerge evm ev
        r pfmerge evm
        r pfdebug todense ev
        r pfdebug getreg evm
        r pfadd evn
        r pfadd evn
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
        assert_equal {{pfadd ev} {pfadd evm} {pfadd evm} {pfadd evn}} $got
    }

    test "A PFCOUNT that stores its estimate counts as a change for WATCH" {
        r del w
        r pfadd w a b c
        r watch w
        r pfcount w
        r multi
        r ping
        assert_equal {} [r exec]
        # cached now: nothing changes
        r watch w
        r pfcount w
        r multi
        r ping
        assert_equal PONG [r exec]
    }

    test "HLL commands in MULTI and scripts over keys of several shards" {
        r del t{a} t{b} t{c}
        r multi
        r pfadd t{a} x
        r pfadd t{b} y
        r pfmerge t{c} t{a} t{b}
        r pfcount t{a} t{b} t{c}
        r pfcount t{c}
        assert_equal {1 1 OK 2 2} [r exec]
        assert_equal 0200000000000000 [string range [hll_hex t{c}] 16 31]
        assert_equal 2 [r eval {return redis.call('pfcount', KEYS[1], KEYS[2])} 2 t{a} t{b}]
        assert_equal 2 [r eval {redis.call('pfadd', KEYS[1], 'q'); return redis.call('pfcount', KEYS[1])} 1 t{a}]
    }

    test "PFADDs pipelined to two shards while PFMERGE and PFCOUNT run over both" {
        r del x{a} x{b} d{c}
        set rd [redis_deferring_client]
        set payload ""
        for {set i 0} {$i < 2000} {incr i} {
            append payload [resp_encode_bytes PFADD x{a} e$i]
            append payload [resp_encode_bytes PFADD x{b} f$i]
        }
        $rd write $payload
        for {set i 0} {$i < 50} {incr i} {
            assert_equal OK [r pfmerge d{c} x{a} x{b}]
            assert {[string is integer -strict [r pfcount d{c}]]}
            assert {[string is integer -strict [r pfcount x{a} x{b}]]}
        }
        for {set i 0} {$i < 4000} {incr i} { $rd read }
        $rd close
        assert_equal OK [r pfmerge d{c} x{a} x{b}]
        set got [list [r pfcount x{a}] [r pfcount x{b}] [r pfcount x{a} x{b}] [r pfcount d{c}] [r pfcount d{c} x{a} x{b}]]
        assert_equal {2000 2004 3981 3981 3981} $got
    }

    test "PFMERGE and PFCOUNT across shards see both keys at one instant" {
        # a writer swaps x{a} and x{b} together between two pairs of HLLs
        # with MSET: only the union of a pair is ever seen, never a mix
        r del x{a} x{b} d{c} p1{a} p2{a} p3{a} p4{a}
        hll_add_numbered p1{a} e 0 100
        hll_add_numbered p2{a} f 0 100
        hll_add_numbered p3{a} g 0 200
        hll_add_numbered p4{a} h 0 300
        foreach k {1 2 3 4} { set h$k [rbin get p$k{a}] }
        set pair12 [r pfcount p1{a} p2{a}]
        set pair34 [r pfcount p3{a} p4{a}]
        foreach mix {{p1{a} p4{a}} {p3{a} p2{a}}} {
            assert {[r pfcount {*}$mix] ni [list $pair12 $pair34]}
        }
        rbin mset x{a} $h1 x{b} $h2
        set rd [redis_deferring_client]
        set payload ""
        for {set i 0} {$i < 300} {incr i} {
            append payload [resp_encode_bytes MSET x{a} $h3 x{b} $h4]
            append payload [resp_encode_bytes MSET x{a} $h1 x{b} $h2]
        }
        $rd write $payload
        set torn 0
        for {set i 0} {$i < 100} {incr i} {
            assert_equal OK [r pfmerge d{c} x{a} x{b}]
            if {[r pfcount d{c}] ni [list $pair12 $pair34]} { incr torn }
            if {[r pfcount x{a} x{b}] ni [list $pair12 $pair34]} { incr torn }
            r del d{c}
        }
        for {set i 0} {$i < 600} {incr i} { $rd read }
        $rd close
        assert_equal 0 $torn
    }
}
