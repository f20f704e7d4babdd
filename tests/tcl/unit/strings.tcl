# String commands: GET SET (and options) SETNX SETEX PSETEX GETSET GETDEL
# GETEX MGET MSET MSETNX INCR/DECR family INCRBYFLOAT APPEND STRLEN GETRANGE
# SUBSTR SETRANGE LCS.

start_server {tags {strings}} {

    # ------------------------------------------------------------------ GET/SET
    test "SET and GET a simple value" {
        assert_equal OK [r set foo bar]
        assert_equal bar [r get foo]
    }

    test "GET of a missing key returns nil" {
        r del nokey
        assert_equal {} [r get nokey]
    }

    test "SET overwrites an existing value" {
        r set foo one
        r set foo two
        assert_equal two [r get foo]
    }

    test "SET and GET an empty string" {
        r set empty ""
        assert_equal 1 [r exists empty]
        assert_equal {} [r get empty]
        assert_equal 0 [r strlen empty]
    }

    test "SET and GET binary safe values (CR LF NUL)" {
        set v "a\r\nb\x00c\r\n\x00"
        r set bin $v
        assert_equal $v [r get bin]
        assert_equal 9 [r strlen bin]
    }

    test "SET and GET a big value (1 MB)" {
        set big [string repeat "abcdefghij" 100000]
        r set big $big
        assert_equal $big [r get big]
        assert_equal 1000000 [r strlen big]
    }

    test "SET many keys then GET them back" {
        for {set i 0} {$i < 500} {incr i} {
            r set key:$i val:$i
        }
        set ok 1
        for {set i 0} {$i < 500} {incr i} {
            if {[r get key:$i] ne "val:$i"} { set ok 0 }
        }
        assert_equal 1 $ok
    }

    test "SET with a key containing spaces and binary bytes" {
        set k "key with spaces\x01\x02"
        r set $k v
        assert_equal v [r get $k]
    }

    test "GET / SET wrong number of arguments" {
        assert_error "ERR wrong number of arguments for 'get' command" {r get}
        assert_error "ERR wrong number of arguments for 'get' command" {r get a b}
        assert_error "ERR wrong number of arguments for 'set' command" {r set a}
        assert_error "ERR wrong number of arguments for 'set' command" {r set}
    }

    test "SET NX only sets a missing key" {
        r del k
        assert_equal OK [r set k v1 nx]
        assert_equal {} [r set k v2 nx]
        assert_equal v1 [r get k]
    }

    test "SET XX only sets an existing key" {
        r del k
        assert_equal {} [r set k v1 xx]
        assert_equal 0 [r exists k]
        r set k v1
        assert_equal OK [r set k v2 xx]
        assert_equal v2 [r get k]
    }

    test "SET options are case insensitive" {
        r del k
        assert_equal OK [r set k v Nx]
        assert_equal OK [r set k v2 xX eX 100]
        assert_range [r ttl k] 90 100
    }

    test "SET EX sets a TTL in seconds" {
        r set k v ex 100
        assert_range [r ttl k] 90 100
        assert_range [r pttl k] 90000 100000
    }

    test "SET PX sets a TTL in milliseconds" {
        r set k v px 100000
        assert_range [r pttl k] 90000 100000
    }

    test "SET EXAT and PXAT set an absolute expire time" {
        set now [clock seconds]
        r set k v exat [expr {$now + 200}]
        assert_range [r ttl k] 190 200
        assert_equal [expr {$now + 200}] [r expiretime k]
        set ms [expr {[clock milliseconds] + 300000}]
        r set k v pxat $ms
        assert_equal $ms [r pexpiretime k]
        assert_range [r ttl k] 290 300
    }

    test "SET EXAT / PXAT in the past deletes the key" {
        r set k v
        assert_equal OK [r set k v exat 1]
        assert_equal 0 [r exists k]
        r set k v
        assert_equal OK [r set k v pxat 1000]
        assert_equal 0 [r exists k]
    }

    test "SET PX with a short TTL expires the key" {
        r set k v px 100
        assert_equal v [r get k]
        after 200
        assert_equal {} [r get k]
        assert_equal 0 [r exists k]
    }

    test "SET without options clears the TTL" {
        r set k v ex 100
        r set k v2
        assert_equal -1 [r ttl k]
    }

    test "SET KEEPTTL keeps the TTL" {
        r set k v ex 100
        r set k v2 keepttl
        assert_range [r ttl k] 90 100
        assert_equal v2 [r get k]
    }

    test "SET KEEPTTL on a key without TTL" {
        r set k v
        r set k v2 keepttl
        assert_equal -1 [r ttl k]
        r del k
        assert_equal OK [r set k v3 keepttl]
        assert_equal -1 [r ttl k]
    }

    test "SET GET returns the old value" {
        r del k
        assert_equal {} [r set k v1 get]
        assert_equal v1 [r get k]
        assert_equal v1 [r set k v2 get]
        assert_equal v2 [r get k]
    }

    test "SET GET with NX and XX" {
        r del k
        # NX + GET on a missing key sets and returns nil
        assert_equal {} [r set k v1 nx get]
        assert_equal v1 [r get k]
        # NX + GET on an existing key does not set, returns the old value
        assert_equal v1 [r set k v2 nx get]
        assert_equal v1 [r get k]
        # XX + GET
        assert_equal v1 [r set k v3 xx get]
        assert_equal v3 [r get k]
        r del k
        assert_equal {} [r set k v4 xx get]
        assert_equal 0 [r exists k]
    }

    test "SET GET with EX keeps working and sets the TTL" {
        r set k old
        assert_equal old [r set k new get ex 100]
        assert_range [r ttl k] 90 100
    }

    test "SET repeated identical options are accepted" {
        assert_equal OK [r set k v ex 10 ex 10]
        assert_equal v [r set k v get get]
        r del k
        assert_equal OK [r set k v nx nx]
        assert_equal OK [r set k v2 xx xx]
    } 

    test "SET syntax errors" {
        assert_error "ERR syntax error" {r set k v nx xx}
        assert_error "ERR syntax error" {r set k v xx nx}
        assert_error "ERR syntax error" {r set k v ex 10 px 100}
        assert_error "ERR syntax error" {r set k v ex 10 exat 100}
        assert_error "ERR syntax error" {r set k v px 10 pxat 100}
        assert_error "ERR syntax error" {r set k v ex 10 keepttl}
        assert_error "ERR syntax error" {r set k v keepttl px 10}
        assert_error "ERR syntax error" {r set k v foo}
        assert_error "ERR syntax error" {r set k v ex}
        assert_error "ERR syntax error" {r set k v px}
        assert_error "ERR syntax error" {r set k v exat}
        assert_error "ERR syntax error" {r set k v 10}
    }

    test "SET expire values that are not integers" {
        assert_error "ERR value is not an integer or out of range" {r set k v ex abc}
        assert_error "ERR value is not an integer or out of range" {r set k v ex 1.5}
        assert_error "ERR value is not an integer or out of range" {r set k v px 10a}
        assert_error "ERR value is not an integer or out of range" {r set k v exat ""}
    }

    test "SET invalid expire time errors" {
        assert_error "ERR invalid expire time in 'set' command" {r set k v ex 0}
        assert_error "ERR invalid expire time in 'set' command" {r set k v ex -1}
        assert_error "ERR invalid expire time in 'set' command" {r set k v px 0}
        assert_error "ERR invalid expire time in 'set' command" {r set k v px -100}
        assert_error "ERR invalid expire time in 'set' command" {r set k v exat 0}
        assert_error "ERR invalid expire time in 'set' command" {r set k v pxat -1}
        assert_error "ERR invalid expire time in 'set' command" {r set k v ex 9223372036854775807}
        assert_error "ERR invalid expire time in 'set' command" {r set k v ex 9223372036854775}
        assert_error "ERR invalid expire time in 'set' command" {r set k v px 9223372036854775807}
        assert_error "ERR invalid expire time in 'set' command" {r set k v exat 9223372036854776}
    }

    test "A failed SET does not modify the key" {
        r set k orig
        catch {r set k new ex 0}
        catch {r set k new nx xx}
        assert_equal orig [r get k]
        assert_equal -1 [r ttl k]
    }

    # ------------------------------------------------------------------ SETNX
    test "SETNX sets a missing key" {
        r del k
        assert_equal 1 [r setnx k v]
        assert_equal v [r get k]
    }

    test "SETNX does not overwrite an existing key" {
        r set k v
        assert_equal 0 [r setnx k other]
        assert_equal v [r get k]
    }

    test "SETNX on an expired key succeeds" {
        r set k v px 50
        after 100
        assert_equal 1 [r setnx k new]
        assert_equal new [r get k]
        assert_equal -1 [r ttl k]
    }

    test "SETNX arity" {
        assert_error "ERR wrong number of arguments for 'setnx' command" {r setnx k}
        assert_error "ERR wrong number of arguments for 'setnx' command" {r setnx k v x}
    }

    # ------------------------------------------------------------ SETEX/PSETEX
    test "SETEX sets value and TTL" {
        assert_equal OK [r setex k 100 v]
        assert_equal v [r get k]
        assert_range [r ttl k] 90 100
    }

    test "PSETEX sets value and TTL in milliseconds" {
        assert_equal OK [r psetex k 100000 v]
        assert_equal v [r get k]
        assert_range [r pttl k] 90000 100000
    }

    test "PSETEX short TTL expires" {
        r psetex k 50 v
        after 100
        assert_equal {} [r get k]
    }

    test "SETEX / PSETEX errors" {
        assert_error "ERR invalid expire time in 'setex' command" {r setex k 0 v}
        assert_error "ERR invalid expire time in 'setex' command" {r setex k -10 v}
        assert_error "ERR invalid expire time in 'psetex' command" {r psetex k 0 v}
        assert_error "ERR invalid expire time in 'psetex' command" {r psetex k -1 v}
        assert_error "ERR invalid expire time in 'setex' command" {r setex k 9223372036854776 v}
        assert_error "ERR value is not an integer or out of range" {r setex k abc v}
        assert_error "ERR value is not an integer or out of range" {r psetex k 1.5 v}
        assert_error "ERR wrong number of arguments for 'setex' command" {r setex k 10}
        assert_error "ERR wrong number of arguments for 'psetex' command" {r psetex k 10 v x}
    }

    # ------------------------------------------------------------------ GETSET
    test "GETSET on a missing key returns nil and sets" {
        r del k
        assert_equal {} [r getset k v]
        assert_equal v [r get k]
    }

    test "GETSET returns the old value and clears the TTL" {
        r set k old ex 100
        assert_equal old [r getset k new]
        assert_equal new [r get k]
        assert_equal -1 [r ttl k]
    }

    test "GETSET arity" {
        assert_error "ERR wrong number of arguments for 'getset' command" {r getset k}
    }

    # ------------------------------------------------------------------ GETDEL
    test "GETDEL returns the value and deletes the key" {
        r set k v
        assert_equal v [r getdel k]
        assert_equal 0 [r exists k]
        assert_equal {} [r getdel k]
    }

    test "GETDEL on a key with a TTL" {
        r set k v ex 100
        assert_equal v [r getdel k]
        assert_equal -2 [r ttl k]
    }

    test "GETDEL arity" {
        assert_error "ERR wrong number of arguments for 'getdel' command" {r getdel}
        assert_error "ERR wrong number of arguments for 'getdel' command" {r getdel a b}
    }

    # ------------------------------------------------------------------- GETEX
    test "GETEX without options behaves like GET" {
        r set k v ex 100
        assert_equal v [r getex k]
        assert_range [r ttl k] 90 100
    }

    test "GETEX on a missing key returns nil" {
        r del k
        assert_equal {} [r getex k]
        assert_equal {} [r getex k ex 100]
        assert_equal 0 [r exists k]
    }

    test "GETEX EX / PX set a relative TTL" {
        r set k v
        assert_equal v [r getex k ex 100]
        assert_range [r ttl k] 90 100
        assert_equal v [r getex k px 200000]
        assert_range [r pttl k] 190000 200000
    }

    test "GETEX EXAT / PXAT set an absolute TTL" {
        r set k v
        set t [expr {[clock seconds] + 500}]
        assert_equal v [r getex k exat $t]
        assert_equal $t [r expiretime k]
        set ms [expr {[clock milliseconds] + 600000}]
        assert_equal v [r getex k pxat $ms]
        assert_equal $ms [r pexpiretime k]
    }

    test "GETEX PERSIST removes the TTL" {
        r set k v ex 100
        assert_equal v [r getex k persist]
        assert_equal -1 [r ttl k]
    }

    test "GETEX with a time in the past deletes the key" {
        r set k v
        assert_equal v [r getex k exat 1]
        assert_equal 0 [r exists k]
    }

    test "GETEX short PX expires the key" {
        r set k v
        r getex k px 50
        after 100
        assert_equal 0 [r exists k]
    }

    test "GETEX errors" {
        r set k v
        assert_error "ERR syntax error" {r getex k foo}
        assert_error "ERR syntax error" {r getex k ex}
        assert_error "ERR syntax error" {r getex k ex 10 px 10}
        assert_error "ERR syntax error" {r getex k persist ex 10}
        assert_error "ERR syntax error" {r getex k ex 10 persist}
        assert_error "ERR value is not an integer or out of range" {r getex k ex abc}
        assert_error "ERR invalid expire time in 'getex' command" {r getex k ex 0}
        assert_error "ERR invalid expire time in 'getex' command" {r getex k ex -1}
        assert_error "ERR invalid expire time in 'getex' command" {r getex k exat 0}
        assert_error "ERR invalid expire time in 'getex' command" {r getex k ex 9223372036854776}
        assert_error "ERR wrong number of arguments for 'getex' command" {r getex}
        assert_equal v [r get k]
        assert_equal -1 [r ttl k]
    }

    test "GETEX checks the time only for an existing string" {
        # as Redis: a missing key is nil and a wrong type is WRONGTYPE before
        # the expire value is looked at (a syntax error still comes first)
        r del nokey
        assert_equal {} [r getex nokey ex -1]
        assert_equal {} [r getex nokey px abc]
        r rpush alist a
        assert_error "WRONGTYPE*" {r getex alist ex -1}
        assert_error "WRONGTYPE*" {r getex alist px 1.5}
        assert_error "ERR syntax error" {r getex nokey ex}
        r del alist
    }

    # -------------------------------------------------------------- MGET/MSET
    test "MSET and MGET" {
        assert_equal OK [r mset a 1 b 2 c 3]
        assert_equal {1 2 3} [r mget a b c]
    }

    test "MGET with missing keys returns nils in place" {
        r mset a 1 c 3
        r del b
        assert_equal {1 {} 3 {}} [r mget a b c nokey]
    }

    test "MGET with duplicate keys" {
        r set a 1
        assert_equal {1 1 1} [r mget a a a]
    }

    test "MSET with duplicate keys keeps the last value" {
        r mset d 1 d 2 d 3
        assert_equal 3 [r get d]
    }

    test "MSET clears TTLs" {
        r set a 1 ex 100
        r mset a 2
        assert_equal -1 [r ttl a]
    }

    test "MSET / MGET arity" {
        assert_error "ERR wrong number of arguments for 'mset' command" {r mset a}
        assert_error "ERR wrong number of arguments for 'mset' command" {r mset a 1 b}
        assert_error "ERR wrong number of arguments for 'mset' command" {r mset}
        assert_error "ERR wrong number of arguments for 'mget' command" {r mget}
    }

    test "MSETNX sets all keys when none exists" {
        r del x1 x2 x3
        assert_equal 1 [r msetnx x1 a x2 b x3 c]
        assert_equal {a b c} [r mget x1 x2 x3]
    }

    test "MSETNX sets nothing if any key exists" {
        r del y1 y3
        r set y2 old
        assert_equal 0 [r msetnx y1 a y2 b y3 c]
        assert_equal {{} old {}} [r mget y1 y2 y3]
    }

    test "MSETNX with the same key twice" {
        r del z1
        assert_equal 1 [r msetnx z1 a z1 b]
        assert_equal b [r get z1]
    }

    test "MSETNX arity" {
        assert_error "ERR wrong number of arguments for 'msetnx' command" {r msetnx a}
        assert_error "ERR wrong number of arguments for 'msetnx' command" {r msetnx a 1 b}
    }

    # ------------------------------------------------------------- INCR/DECR
    test "INCR on a missing key creates it" {
        r del n
        assert_equal 1 [r incr n]
        assert_equal 2 [r incr n]
        assert_equal 2 [r get n]
    }

    test "DECR on a missing key" {
        r del n
        assert_equal -1 [r decr n]
        assert_equal -2 [r decr n]
    }

    test "INCRBY / DECRBY" {
        r set n 10
        assert_equal 15 [r incrby n 5]
        assert_equal 5 [r incrby n -10]
        assert_equal 2 [r decrby n 3]
        assert_equal 12 [r decrby n -10]
    }

    test "INCR against a value set as string" {
        r set n 100
        assert_equal 101 [r incr n]
        r set n -100
        assert_equal -99 [r incr n]
    }

    test "INCR keeps the TTL" {
        r set n 1 ex 100
        r incr n
        assert_range [r ttl n] 90 100
    }

    test "INCR near the 64 bit limits" {
        r set n 9223372036854775806
        assert_equal 9223372036854775807 [r incr n]
        r set n -9223372036854775807
        assert_equal -9223372036854775808 [r decr n]
        r set n 17179869184
        assert_equal 34359738368 [r incrby n 17179869184]
    }

    test "INCR / DECR overflow errors" {
        r set n 9223372036854775807
        assert_error "ERR increment or decrement would overflow" {r incr n}
        r set n -9223372036854775808
        assert_error "ERR increment or decrement would overflow" {r decr n}
        r set n 1
        assert_error "ERR increment or decrement would overflow" {r incrby n 9223372036854775807}
        r set n -2
        assert_error "ERR increment or decrement would overflow" {r incrby n -9223372036854775807}
        assert_equal -2 [r get n]
    }

    test "DECRBY with the minimum 64 bit value" {
        r set n 1
        assert_error "ERR decrement would overflow" {r decrby n -9223372036854775808}
    }

    test "INCR on values that are not integers" {
        r set n abc
        assert_error "ERR value is not an integer or out of range" {r incr n}
        r set n ""
        assert_error "ERR value is not an integer or out of range" {r incr n}
        r set n " 1"
        assert_error "ERR value is not an integer or out of range" {r incr n}
        r set n "1 "
        assert_error "ERR value is not an integer or out of range" {r incr n}
        r set n 1.5
        assert_error "ERR value is not an integer or out of range" {r incr n}
        r set n 9223372036854775808
        assert_error "ERR value is not an integer or out of range" {r incr n}
        r set n 01
        assert_error "ERR value is not an integer or out of range" {r incr n}
        r set n +1
        assert_error "ERR value is not an integer or out of range" {r incr n}
        assert_equal +1 [r get n]
    }

    test "INCRBY with a non integer increment" {
        r set n 1
        assert_error "ERR value is not an integer or out of range" {r incrby n abc}
        assert_error "ERR value is not an integer or out of range" {r incrby n 1.0}
        assert_error "ERR value is not an integer or out of range" {r decrby n 99999999999999999999}
    }

    test "INCR result is stored as an integer encoded value" {
        r del n
        r incr n
        assert_equal int [r object encoding n]
    }

    test "INCR / INCRBY arity" {
        assert_error "ERR wrong number of arguments for 'incr' command" {r incr}
        assert_error "ERR wrong number of arguments for 'incr' command" {r incr a b}
        assert_error "ERR wrong number of arguments for 'incrby' command" {r incrby a}
        assert_error "ERR wrong number of arguments for 'decrby' command" {r decrby a}
        assert_error "ERR wrong number of arguments for 'decr' command" {r decr}
    }

    # ------------------------------------------------------------- INCRBYFLOAT
    test "INCRBYFLOAT on a missing key" {
        r del f
        assert_equal 10.5 [r incrbyfloat f 10.5]
        assert_equal 10.5 [r get f]
    }

    test "INCRBYFLOAT formatting" {
        r set f 10.5
        assert_equal 10.6 [r incrbyfloat f 0.1]
        r del f
        assert_equal 5000 [r incrbyfloat f 5.0e3]
        assert_equal 5001.5 [r incrbyfloat f 1.5]
        assert_equal 0 [r incrbyfloat f -5001.5]
        r del f
        assert_equal 3 [r incrbyfloat f 3.0]
        assert_equal 0.00001 [r incrbyfloat g1 1e-5]
        assert_equal 16 [r incrbyfloat g2 0x10]
    }

    test "INCRBYFLOAT on an integer value" {
        r set f 10
        assert_equal 11.5 [r incrbyfloat f 1.5]
        assert_equal 8.5 [r incrbyfloat f -3]
    }

    test "INCRBYFLOAT keeps the TTL" {
        r set f 1 ex 100
        r incrbyfloat f 1
        assert_range [r ttl f] 90 100
    }

    test "INCRBYFLOAT errors" {
        r set f 1
        assert_error "ERR increment would produce NaN or Infinity" {r incrbyfloat f inf}
        assert_error "ERR increment would produce NaN or Infinity" {r incrbyfloat f -inf}
        assert_error "ERR value is not a valid float" {r incrbyfloat f nan}
        assert_error "ERR value is not a valid float" {r incrbyfloat f abc}
        assert_error "ERR value is not a valid float" {r incrbyfloat f ""}
        assert_error "ERR value is not a valid float" {r incrbyfloat f "1 "}
        r set f abc
        assert_error "ERR value is not a valid float" {r incrbyfloat f 1}
        r set f " 1"
        assert_error "ERR value is not a valid float" {r incrbyfloat f 1}
        r set f ""
        assert_error "ERR value is not a valid float" {r incrbyfloat f 1}
        assert_error "ERR wrong number of arguments for 'incrbyfloat' command" {r incrbyfloat f}
    }

    test "INCRBYFLOAT does not change the value on error" {
        r set f 1.5
        catch {r incrbyfloat f inf}
        assert_equal 1.5 [r get f]
    }

    test "INCR after INCRBYFLOAT producing an integer" {
        r set f 1.5
        r incrbyfloat f 0.5
        assert_equal 2 [r get f]
        assert_equal 3 [r incr f]
    }

    # ------------------------------------------------------------------ APPEND
    test "Encodings as Redis picks them: APPEND to a new key, INCRBYFLOAT" {
        r del ak1 ak2 fk
        r append ak1 12
        assert_equal int [r object encoding ak1]
        r append ak2 ab
        assert_equal embstr [r object encoding ak2]
        # a float result is a string even when it reads as an integer
        r incrbyfloat fk 6
        assert_equal 6 [r get fk]
        assert_equal embstr [r object encoding fk]
        r del ak1 ak2 fk
    }

    test "APPEND to a missing key creates it" {
        r del k
        assert_equal 3 [r append k abc]
        assert_equal abc [r get k]
    }

    test "APPEND to an existing key" {
        r set k hello
        assert_equal 11 [r append k " world"]
        assert_equal "hello world" [r get k]
    }

    test "APPEND to an integer encoded value" {
        r set k 10
        assert_equal 4 [r append k 20]
        assert_equal 1020 [r get k]
        assert_equal 1021 [r incr k]
    }

    test "APPEND an empty string" {
        r del k
        assert_equal 0 [r append k ""]
        assert_equal 1 [r exists k]
        assert_equal {} [r get k]
    }

    test "APPEND keeps the TTL" {
        r set k v ex 100
        r append k more
        assert_range [r ttl k] 90 100
    }

    test "APPEND many times builds the right value" {
        r del k
        set expected ""
        for {set i 0} {$i < 300} {incr i} {
            set piece [randstring 0 10 alnum]
            append expected $piece
            r append k $piece
        }
        assert_equal $expected [r get k]
        assert_equal [string length $expected] [r strlen k]
    }

    test "APPEND arity" {
        assert_error "ERR wrong number of arguments for 'append' command" {r append k}
    }

    # ------------------------------------------------------------------ STRLEN
    test "STRLEN" {
        r del k
        assert_equal 0 [r strlen k]
        r set k hello
        assert_equal 5 [r strlen k]
        r set k 12345
        assert_equal 5 [r strlen k]
        r set k -1
        assert_equal 2 [r strlen k]
        assert_error "ERR wrong number of arguments for 'strlen' command" {r strlen}
    }

    # --------------------------------------------------------------- GETRANGE
    test "GETRANGE basics" {
        r set g "Hello World"
        assert_equal "Hello World" [r getrange g 0 -1]
        assert_equal "Hello" [r getrange g 0 4]
        assert_equal "World" [r getrange g -5 -1]
        assert_equal "lo W" [r getrange g 3 6]
    }

    test "GETRANGE out of range and inverted indexes" {
        r set g "Hello World"
        assert_equal "" [r getrange g 5 2]
        assert_equal "" [r getrange g -1 -5]
        assert_equal "Hello World" [r getrange g -100 100]
        assert_equal "" [r getrange g 100 200]
        assert_equal "d" [r getrange g 10 100]
        # Redis 7.0 clamps a too negative end to the first byte.
        assert_equal "H" [r getrange g 0 -100]
    }

    test "GETRANGE on a missing key or an empty string" {
        r del g
        assert_equal "" [r getrange g 0 -1]
        r set g ""
        assert_equal "" [r getrange g 0 -1]
    }

    test "GETRANGE on an integer encoded value" {
        r set g 12345
        assert_equal 23 [r getrange g 1 2]
        assert_equal 12345 [r getrange g 0 -1]
        r set g -99
        assert_equal -9 [r getrange g 0 1]
    }

    test "GETRANGE errors" {
        r set g abc
        assert_error "ERR value is not an integer or out of range" {r getrange g abc 1}
        assert_error "ERR value is not an integer or out of range" {r getrange g 0 x}
        assert_error "ERR wrong number of arguments for 'getrange' command" {r getrange g 0}
    }

    test "SUBSTR is an alias of GETRANGE" {
        r set g "Hello World"
        assert_equal Hello [r substr g 0 4]
        assert_equal World [r substr g -5 -1]
        assert_error "ERR wrong number of arguments for 'substr' command" {r substr g 0}
    }

    test "GETRANGE against random strings" {
        set ok 1
        for {set i 0} {$i < 100} {incr i} {
            set s [randstring 0 30 alnum]
            r set rs $s
            set len [string length $s]
            set a [expr {int(rand() * 40) - 20}]
            set b [expr {int(rand() * 40) - 20}]
            # Model of the Redis 7.0 algorithm.
            set st $a; set en $b
            set inverted [expr {$st < 0 && $en < 0 && $st > $en}]
            if {$st < 0} { set st [expr {$len + $st}] }
            if {$en < 0} { set en [expr {$len + $en}] }
            if {$st < 0} { set st 0 }
            if {$en < 0} { set en 0 }
            if {$en >= $len} { set en [expr {$len - 1}] }
            if {$inverted || $st > $en || $len == 0} {
                set exp ""
            } else {
                set exp [string range $s $st $en]
            }
            set got [r getrange rs $a $b]
            if {$got ne $exp} {
                set ok 0
                puts "GETRANGE mismatch: '$s' $a $b got '$got' expected '$exp'"
                break
            }
        }
        assert_equal 1 $ok
    }

    # --------------------------------------------------------------- SETRANGE
    test "SETRANGE on a missing key pads with zero bytes" {
        r del k
        assert_equal 5 [r setrange k 3 ab]
        assert_equal "\x00\x00\x00ab" [r get k]
    }

    test "SETRANGE overwrites part of a value" {
        r set k "Hello World"
        assert_equal 11 [r setrange k 6 Redis]
        assert_equal "Hello Redis" [r get k]
        assert_equal 11 [r setrange k 0 J]
        assert_equal "Jello Redis" [r get k]
    }

    test "SETRANGE extends a value" {
        r set k abc
        assert_equal 8 [r setrange k 5 xyz]
        assert_equal "abc\x00\x00xyz" [r get k]
        r set k abc
        assert_equal 5 [r setrange k 1 bcde]
        assert_equal abcde [r get k]
    }

    test "SETRANGE with an empty value" {
        r del k
        assert_equal 0 [r setrange k 5 ""]
        assert_equal 0 [r exists k]
        r set k abc
        assert_equal 3 [r setrange k 10 ""]
        assert_equal abc [r get k]
        assert_equal 3 [r setrange k 0 ""]
    }

    test "SETRANGE on an integer encoded value" {
        r set k 1234
        assert_equal 4 [r setrange k 1 9]
        assert_equal 1934 [r get k]
        assert_equal 1935 [r incr k]
        r set k 5
        assert_equal 2 [r setrange k 1 0]
        assert_equal 50 [r get k]
    }

    test "SETRANGE keeps the TTL" {
        r set k abc ex 100
        r setrange k 1 X
        assert_range [r ttl k] 90 100
    }

    test "SETRANGE errors" {
        r set k abc
        assert_error "ERR offset is out of range" {r setrange k -1 x}
        assert_error "ERR string exceeds maximum allowed size (proto-max-bulk-len)" {r setrange k 536870912 x}
        assert_error "ERR string exceeds maximum allowed size (proto-max-bulk-len)" {r setrange k 536870911 xx}
        assert_error "ERR value is not an integer or out of range" {r setrange k abc x}
        assert_error "ERR wrong number of arguments for 'setrange' command" {r setrange k 0}
        assert_equal abc [r get k]
    }

    test "SETRANGE with an empty value and a too big offset is not an error on a missing key" {
        r del k
        assert_equal 0 [r setrange k 536870912 ""]
        assert_equal 0 [r exists k]
    }

    # --------------------------------------------------------------------- LCS
    test "LCS basic" {
        r mset key1 ohmytext key2 mynewtext
        assert_equal mytext [r lcs key1 key2]
    }

    test "LCS LEN" {
        r mset key1 ohmytext key2 mynewtext
        assert_equal 6 [r lcs key1 key2 len]
    }

    test "LCS IDX" {
        r mset key1 ohmytext key2 mynewtext
        assert_equal {matches {{{4 7} {5 8}} {{2 3} {0 1}}} len 6} [r lcs key1 key2 idx]
    }

    test "LCS IDX MINMATCHLEN" {
        r mset key1 ohmytext key2 mynewtext
        assert_equal {matches {{{4 7} {5 8}}} len 6} [r lcs key1 key2 idx minmatchlen 4]
        # Negative MINMATCHLEN is like 0
        assert_equal {matches {{{4 7} {5 8}} {{2 3} {0 1}}} len 6} [r lcs key1 key2 minmatchlen -1 idx]
    }

    test "LCS IDX WITHMATCHLEN" {
        r mset key1 ohmytext key2 mynewtext
        assert_equal {matches {{{4 7} {5 8} 4} {{2 3} {0 1} 2}} len 6} [r lcs key1 key2 idx withmatchlen]
        assert_equal {matches {{{4 7} {5 8} 4}} len 6} [r lcs key1 key2 idx minmatchlen 4 withmatchlen]
    }

    test "LCS LEN ignores WITHMATCHLEN / MINMATCHLEN" {
        r mset key1 ohmytext key2 mynewtext
        assert_equal 6 [r lcs key1 key2 len withmatchlen]
        assert_equal 6 [r lcs key1 key2 len minmatchlen 3]
    }

    test "LCS with missing keys" {
        r del nk1 nk2
        r set key1 ohmytext
        assert_equal "" [r lcs key1 nk1]
        assert_equal 0 [r lcs nk1 nk2 len]
        assert_equal {matches {} len 0} [r lcs nk1 nk2 idx]
    }

    test "LCS with identical and disjoint strings" {
        r mset a1 abcdef a2 abcdef b1 xyz
        assert_equal abcdef [r lcs a1 a2]
        assert_equal {matches {{{0 5} {0 5}}} len 6} [r lcs a1 a2 idx]
        assert_equal "" [r lcs a1 b1]
        assert_equal 0 [r lcs a1 b1 len]
    }

    test "LCS against a longer random model" {
        set s1 "rhdjkfgnsdcxvebcxzewrtyuiopasdfgh"
        set s2 "xzcvbnsdfqwertyuiozxcvbasdrhjkfg"
        r mset s1 $s1 s2 $s2
        set res [r lcs s1 s2]
        set len [r lcs s1 s2 len]
        assert_equal $len [string length $res]
        # The result must be a subsequence of both strings.
        foreach s [list $s1 $s2] {
            set p 0
            foreach ch [split $res ""] {
                set p [string first $ch $s $p]
                assert {$p >= 0}
                incr p
            }
        }
    }

    test "LCS errors" {
        r mset key1 ohmytext key2 mynewtext
        assert_error "ERR If you want both the length and indexes, please just use IDX." {r lcs key1 key2 len idx}
        assert_error "ERR syntax error" {r lcs key1 key2 foo}
        assert_error "ERR syntax error" {r lcs key1 key2 minmatchlen}
        assert_error "ERR value is not an integer or out of range" {r lcs key1 key2 minmatchlen abc}
        assert_error "ERR wrong number of arguments for 'lcs' command" {r lcs key1}
    }

    # -------------------------------------------------------- object encodings
    test "String encodings: int, embstr, raw" {
        r set e 12345
        assert_equal int [r object encoding e]
        r set e -123
        assert_equal int [r object encoding e]
        r set e abc
        assert_equal embstr [r object encoding e]
        # Not a canonical integer
        r set e 0123
        assert_equal embstr [r object encoding e]
        r set e 12345678901234567890
        assert_equal embstr [r object encoding e]
        # 44 bytes is the embstr limit
        r set e [string repeat x 44]
        assert_equal embstr [r object encoding e]
        r set e [string repeat x 45]
        assert_equal raw [r object encoding e]
        r set e abc
        r append e d
        assert_equal raw [r object encoding e]
    }

    # ------------------------------------------------------------ WRONGTYPE
    tags {needs-types} {
        test "String commands against a list key return WRONGTYPE" {
            r del li
            r rpush li a
            set wt "WRONGTYPE Operation against a key holding the wrong kind of value"
            assert_error $wt {r get li}
            assert_error $wt {r getset li x}
            assert_error $wt {r getdel li}
            assert_error $wt {r getex li}
            assert_error $wt {r append li x}
            assert_error $wt {r incr li}
            assert_error $wt {r decrby li 2}
            assert_error $wt {r incrbyfloat li 1}
            assert_error $wt {r strlen li}
            assert_error $wt {r getrange li 0 1}
            assert_error $wt {r substr li 0 1}
            assert_error $wt {r setrange li 0 x}
            assert_error $wt {r set li v get}
            assert_error "ERR The specified keys must contain string values" {r lcs li li}
            assert_equal list [r type li]
        }

        test "MGET returns nil for non string keys" {
            r del li
            r rpush li a
            r set s x
            assert_equal {{} x} [r mget li s]
        }

        test "SET and SETNX against a list key" {
            r del li
            r rpush li a
            assert_equal 0 [r setnx li v]
            assert_equal list [r type li]
            assert_equal OK [r set li v]
            assert_equal string [r type li]
            r del li
            r hset li f v
            assert_equal 0 [r msetnx li v other v]
            assert_equal OK [r mset li v]
            assert_equal v [r get li]
        }
    }
}
