# Connection limits: idle timeout, maxclients, output buffer limits.

proc client_alive {id} {
    return [expr {[string length [r client list id $id]] > 0}]
}

start_server {tags {limits}} {
    test "timeout closes idle clients" {
        set c [redis_client]
        set id [$c client id]
        r config set timeout 1
        # the default client stays busy so that it is not the one closed
        wait_for_condition 40 100 {![client_alive $id]} else {
            fail "idle client $id still connected"
        }
        r config set timeout 0
        assert_equal PONG [r ping]
    }

    test "maxclients refuses extra connections with Redis's error" {
        set n [llength [split [string trim [r client list]] "\n"]]
        r config set maxclients [expr {$n + 1}]
        set ok [redis_client]
        assert_equal PONG [$ok ping]
        set extra [redis_deferring_client]
        $extra write [::resp::encode PING]
        catch {$extra read} err
        assert_match "*max number of clients reached*" $err
        $extra close
        $ok close
        r config set maxclients 10000
        assert_equal PONG [r ping]
    }

    test "client-output-buffer-limit disconnects a client that does not read" {
        r set big [string repeat x 20000]
        r config set client-output-buffer-limit "normal 1000000 0 0"
        set c [redis_deferring_client]
        $c write [::resp::encode CLIENT ID]
        set id [$c read]
        # about 40 MB of replies, far beyond what socket buffers absorb
        $c write [string repeat [::resp::encode GET big] 2000]
        wait_for_condition 50 100 {![client_alive $id]} else {
            fail "client $id was not disconnected"
        }
        r config set client-output-buffer-limit "normal 0 0 0"
        assert_equal PONG [r ping]
    }

    test "a client within the output limit keeps its connection" {
        r config set client-output-buffer-limit "normal 100000000 0 0"
        set c [redis_deferring_client]
        $c write [string repeat [::resp::encode GET big] 50]
        for {set i 0} {$i < 50} {incr i} { assert_equal 20000 [string length [$c read]] }
        $c close
        r config set client-output-buffer-limit "normal 0 0 0"
    }
}
