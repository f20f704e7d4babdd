# Geo commands: GEOADD, GEODIST, GEOHASH, GEOPOS, GEORADIUS,
# GEORADIUSBYMEMBER (and the _RO forms), GEOSEARCH, GEOSEARCHSTORE with
# Redis 7.0's replies and errors. The tables below were produced by
# running their commands in order on redis-server 7.0.15 and keeping the
# exact reply bytes (CRLF written as "|"); `--redis` runs them there
# again. They cover points near the poles and the antimeridian, radii
# from 0 to the whole Earth, BYBOX, COUNT with and without ANY, every
# WITH* option, STORE and STOREDIST, in RESP2 and RESP3, and the order
# of points at equal distances when COUNT cuts a sorted result. With 4 shards
# the keys tagged {a}, {b}, {c} lie on different shards.

# Send a command and return its reply's exact bytes, CRLF shown as "|".
proc graw {args} {
    r write [::resp::encode {*}$args]
    return [string map [list "\r\n" "|"] [r read_raw]]
}

# Run a table of command / reply pairs; the mismatches (at most 10).
proc geo_run_table {table} {
    set bad {}
    foreach {cmd want} $table {
        set got [graw {*}$cmd]
        if {$got ne $want} { lappend bad "$cmd -> $got (want $want)" }
    }
    return [lrange $bad 0 9]
}

set ::geo_table {
    {geoadd Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania} {:2|}
    {geoadd Sicily 200 10 x} {-ERR invalid longitude,latitude pair 200.000000,10.000000|}
    {geoadd Sicily -180.0000001 10 x} {-ERR invalid longitude,latitude pair -180.000000,10.000000|}
    {geoadd Sicily 10 85.06 x} {-ERR invalid longitude,latitude pair 10.000000,85.060000|}
    {geoadd Sicily 10 -85.05112879 x} {-ERR invalid longitude,latitude pair 10.000000,-85.051129|}
    {geoadd Sicily 180 85.05112878 edge1 -180 -85.05112878 edge2} {:2|}
    {geoadd Sicily abc 10 x} {-ERR value is not a valid float|}
    {geoadd Sicily 10 abc x} {-ERR value is not a valid float|}
    {geoadd Sicily 10 { 1} x} {-ERR value is not a valid float|}
    {geoadd Sicily nx xx 1 1 x} {-ERR syntax error|}
    {geoadd Sicily nx ch ch} {-ERR syntax error|}
    {geoadd Sicily 1 1 x 2} {-ERR syntax error|}
    {geoadd Sicily gt 1 1 x} {-ERR syntax error|}
    {geoadd Sicily xx ch 13.361389 38.115557 Palermo 1 1 new} {:0|}
    {geoadd Sicily nx ch 13.361389 38.115556 Palermo 1 1 new} {:1|}
    {geoadd Sicily ch 13.361389 38.115556 Palermo 1 1 new} {:0|}
    {geoadd Sicily 13.361389 38.115556 Palermo 1 1 new 1 2 new} {:0|}
    {geoadd Sicily} {-ERR wrong number of arguments for 'geoadd' command|}
    {geoadd Sicily 1 1} {-ERR wrong number of arguments for 'geoadd' command|}
    {set str x} {+OK|}
    {geoadd str 1 1 x} {-WRONGTYPE Operation against a key holding the wrong kind of value|}
    {geopos str x} {-WRONGTYPE Operation against a key holding the wrong kind of value|}
    {geohash str x} {-WRONGTYPE Operation against a key holding the wrong kind of value|}
    {geodist str a b} {-WRONGTYPE Operation against a key holding the wrong kind of value|}
    {georadius str 1 1 1 km} {-WRONGTYPE Operation against a key holding the wrong kind of value|}
    {geosearch str fromlonlat 1 1 byradius 1 km} {-WRONGTYPE Operation against a key holding the wrong kind of value|}
    {geopos nokey a b} {*2|*-1|*-1|}
    {geohash nokey a} {*1|$-1|}
    {geodist nokey a b} {$-1|}
    {geodist nokey a b km} {$-1|}
    {geodist nokey a b xx} {-ERR unsupported unit provided. please use M, KM, FT, MI|}
    {geodist Sicily Palermo Catania km x} {-ERR syntax error|}
    {geodist Sicily Palermo Catania} {$11|166274.1516|}
    {geodist Sicily Palermo Catania KM} {$8|166.2742|}
    {geodist Sicily Palermo Catania mi} {$8|103.3182|}
    {geodist Sicily Palermo Catania ft} {$11|545518.8700|}
    {geodist Sicily Palermo nosuch} {$-1|}
    {geodist Sicily Palermo Palermo} {$6|0.0000|}
    {geodist Sicily edge1 edge2} {$13|18919844.5891|}
    {geohash Sicily Palermo Catania edge1 edge2 nosuch} {*5|$11|sqc8b49rny0|$11|sqdtr74hyu0|$11|bp05b5048p0|$11|00bh0hbj200|$-1|}
    {geopos Sicily Palermo Catania edge1 edge2 nosuch} {*5|*2|$20|13.36138933897018433|$20|38.11555639549629859|*2|$20|15.08726745843887329|$20|37.50266842333162032|*2|$3|180|$19|85.0511287799999991|*2|$22|-179.99999731779098511|$21|-85.05112751263942528|*-1|}
    {georadius Sicily 15 37 200 km withdist withcoord withhash asc} {*2|*4|$7|Catania|$7|56.4413|:3479447370796909|*2|$20|15.08726745843887329|$20|37.50266842333162032|*4|$7|Palermo|$8|190.4424|:3479099956230698|*2|$20|13.36138933897018433|$20|38.11555639549629859|}
    {georadius Sicily 15 37 200 km withdist desc} {*2|*2|$7|Palermo|$8|190.4424|*2|$7|Catania|$7|56.4413|}
    {georadius Sicily 15 37 200 kmx} {-ERR unsupported unit provided. please use M, KM, FT, MI|}
    {georadius Sicily 15 37 abc km} {-ERR need numeric radius|}
    {georadius Sicily 15 37 -1 km} {-ERR radius cannot be negative|}
    {georadius Sicily 15 37 200 km count 0} {-ERR COUNT must be > 0|}
    {georadius Sicily 15 37 200 km count -3} {-ERR COUNT must be > 0|}
    {georadius Sicily 15 37 200 km count abc} {-ERR value is not an integer or out of range|}
    {georadius Sicily 15 37 200 km count} {-ERR syntax error|}
    {georadius Sicily 15 37 200 km any} {-ERR the ANY argument requires COUNT argument|}
    {georadius Sicily 15 37 200 km count 1 any} {*1|$7|Palermo|}
    {georadius Sicily 15 37 200 km count 1 any desc} {*1|$7|Palermo|}
    {georadius Sicily 15 37 200 km store d1 withdist} {-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options|}
    {georadius Sicily 15 37 200 km storedist d1 withcoord} {-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options|}
    {georadius Sicily 15 37 200 km store} {-ERR syntax error|}
    {georadius Sicily 15 37 200 km bogus} {-ERR syntax error|}
    {georadius Sicily 15 37 200 km frommember x} {-ERR syntax error|}
    {georadius Sicily 200 37 200 km} {-ERR invalid longitude,latitude pair 200.000000,37.000000|}
    {georadius nokey 200 37 200 km} {-ERR invalid longitude,latitude pair 200.000000,37.000000|}
    {georadius nokey 20 37 200 kmm} {-ERR unsupported unit provided. please use M, KM, FT, MI|}
    {georadius nokey 20 37 200 km store d1} {:0|}
    {georadius Sicily 15 37 200 km store d1} {:2|}
    {zrange d1 0 -1 withscores} {*4|$7|Palermo|$16|3479099956230698|$7|Catania|$16|3479447370796909|}
    {georadius Sicily 15 37 200 km storedist d1} {:2|}
    {zrange d1 0 -1 withscores} {*4|$7|Catania|$18|56.441257870158204|$7|Palermo|$18|190.44242984775784|}
    {georadius nokey 20 37 200 km store d1} {:0|}
    {exists d1} {:0|}
    {georadius Sicily 15 37 200 km storedist d1 count 1} {:1|}
    {zrange d1 0 -1 withscores} {*2|$7|Catania|$18|56.441257870158204|}
    {georadius Sicily 0 0 1 m store d1} {:0|}
    {exists d1} {:0|}
    {georadius_ro Sicily 15 37 200 km store d1} {-ERR syntax error|}
    {georadius_ro Sicily 15 37 200 km withdist} {*2|*2|$7|Palermo|$8|190.4424|*2|$7|Catania|$7|56.4413|}
    {georadiusbymember Sicily Palermo 200 km withdist} {*2|*2|$7|Palermo|$6|0.0000|*2|$7|Catania|$8|166.2742|}
    {georadiusbymember Sicily nosuch 200 km withdist} {-ERR could not decode requested zset member|}
    {georadiusbymember nokey nosuch 200 kmx withdist} {*0|}
    {georadiusbymember nokey nosuch 200 km store x} {:0|}
    {georadiusbymember nokey nosuch 200 km bogus} {-ERR syntax error|}
    {georadiusbymember Sicily Palermo -200 km} {-ERR radius cannot be negative|}
    {georadiusbymember_ro Sicily Palermo 200 km storedist x} {-ERR syntax error|}
    {georadiusbymember Sicily Palermo 200 km store d2} {:2|}
    {zrange d2 0 -1 withscores} {*4|$7|Palermo|$16|3479099956230698|$7|Catania|$16|3479447370796909|}
    {geosearch Sicily frommember Palermo byradius 200 km} {*2|$7|Palermo|$7|Catania|}
    {geosearch Sicily frommember Palermo bybox 400 400 km withdist withcoord asc} {*2|*3|$7|Palermo|$6|0.0000|*2|$20|13.36138933897018433|$20|38.11555639549629859|*3|$7|Catania|$8|166.2742|*2|$20|15.08726745843887329|$20|37.50266842333162032|}
    {geosearch Sicily frommember nosuch bybox 400 400 km} {-ERR could not decode requested zset member|}
    {geosearch nokey frommember nosuch bybox 400 400 km} {*0|}
    {geosearch Sicily fromlonlat 15 37 bybox 400 400 km withhash} {*2|*2|$7|Palermo|:3479099956230698|*2|$7|Catania|:3479447370796909|}
    {geosearch Sicily fromlonlat 15 37} {-ERR wrong number of arguments for 'geosearch' command|}
    {geosearch Sicily bybox 400 400 km} {-ERR wrong number of arguments for 'geosearch' command|}
    {GeoSearch Sicily bybox 400 400 km asc} {-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GeoSearch|}
    {GEOSEARCH Sicily fromlonlat 15 37 asc count 1} {-ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH|}
    {geosearch Sicily fromlonlat 15 37 frommember Palermo byradius 1 km} {-ERR syntax error|}
    {geosearch Sicily frommember Palermo fromlonlat 15 37 byradius 1 km} {-ERR syntax error|}
    {geosearch Sicily frommember Palermo byradius 1 km bybox 1 1 km} {-ERR syntax error|}
    {geosearch Sicily frommember Palermo bybox 1 1 km byradius 1 km} {-ERR syntax error|}
    {geosearch Sicily frommember Palermo bybox -1 1 km} {-ERR height or width cannot be negative|}
    {geosearch Sicily frommember Palermo bybox 1 -1 km} {-ERR height or width cannot be negative|}
    {geosearch Sicily frommember Palermo bybox x 1 km} {-ERR need numeric width|}
    {geosearch Sicily frommember Palermo bybox 1 x km} {-ERR need numeric height|}
    {geosearch Sicily frommember Palermo bybox 1 1 kk} {-ERR unsupported unit provided. please use M, KM, FT, MI|}
    {geosearch Sicily frommember Palermo byradius x km} {-ERR need numeric radius|}
    {geosearch Sicily frommember Palermo byradius 1} {-ERR wrong number of arguments for 'geosearch' command|}
    {geosearch Sicily fromlonlat 1000 1 byradius 1 km} {-ERR invalid longitude,latitude pair 1000.000000,1.000000|}
    {geosearch Sicily fromlonlat x 1 byradius 1 km} {-ERR value is not a valid float|}
    {geosearch Sicily frommember Palermo byradius 200 km store x} {-ERR syntax error|}
    {geosearch Sicily frommember Palermo byradius 200 km storedist} {-ERR syntax error|}
    {geosearch Sicily frommember Palermo byradius 200 km any} {-ERR the ANY argument requires COUNT argument|}
    {geosearchstore d3 Sicily frommember Palermo byradius 200 km withdist} {-ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options|}
    {geosearchstore d3 Sicily frommember Palermo byradius 200 km storedist} {:2|}
    {zrange d3 0 -1 withscores} {*4|$7|Palermo|$1|0|$7|Catania|$18|166.27415156960032|}
    {geosearchstore d3 Sicily frommember Palermo bybox 600 600 km desc count 2} {:2|}
    {zrange d3 0 -1 withscores} {*4|$7|Palermo|$16|3479099956230698|$7|Catania|$16|3479447370796909|}
    {geosearchstore d3 nokey frommember Palermo bybox 600 600 km} {:0|}
    {exists d3} {:0|}
    {geosearchstore d3 Sicily frommember Palermo byradius 200 km store x} {-ERR syntax error|}
    {geosearchstore d3 str frommember Palermo byradius 200 km} {-WRONGTYPE Operation against a key holding the wrong kind of value|}
    {geosearchstore str Sicily frommember Palermo byradius 200 km} {:2|}
    {type str} {+zset|}
    {geosearch Sicily frommember Palermo byradius 0 km} {*1|$7|Palermo|}
    {geosearch Sicily frommember Palermo byradius inf km} {*4|$3|new|$7|Palermo|$7|Catania|$5|edge2|}
    {geosearch Sicily fromlonlat 0 0 bybox inf inf km} {*4|$3|new|$7|Palermo|$7|Catania|$5|edge2|}
    {geosearch Sicily fromlonlat 0 0 bybox 0 0 km} {*0|}
    {georadius Sicily 15 37 200 km count 1 count 2} {*2|$7|Catania|$7|Palermo|}
    {georadius Sicily 15 37 200 km withdist withdist asc desc} {*2|*2|$7|Palermo|$8|190.4424|*2|$7|Catania|$7|56.4413|}
    {geopos Sicily} {*0|}
    {geohash Sicily} {*0|}
    {geoadd pts 50.193647 -80.126304 p0} {:1|}
    {geoadd pts 179.922321 14.188273 p1} {:1|}
    {geoadd pts 13.353399 38.784359 p2} {:1|}
    {geoadd pts 12.173878 37.843844 p3} {:1|}
    {geoadd pts -169.273001 81.104122 p4} {:1|}
    {geoadd pts 179.971602 12.079498 p5} {:1|}
    {geoadd pts 12.839040 37.898418 p6} {:1|}
    {geoadd pts 12.556381 38.738601 p7} {:1|}
    {geoadd pts 93.170652 -80.806280 p8} {:1|}
    {geoadd pts -179.972213 -17.081174 p9} {:1|}
    {geoadd pts 13.526988 37.204421 p10} {:1|}
    {geoadd pts 12.759855 37.717959 p11} {:1|}
    {geoadd pts -56.175940 81.335830 p12} {:1|}
    {geoadd pts -179.946377 28.386946 p13} {:1|}
    {geoadd pts 12.757069 38.104081 p14} {:1|}
    {geoadd pts 13.658809 38.237040 p15} {:1|}
    {geoadd pts 130.214484 82.915628 p16} {:1|}
    {geoadd pts 179.966126 16.384100 p17} {:1|}
    {geoadd pts 13.970443 38.710635 p18} {:1|}
    {geoadd pts 13.732967 37.760252 p19} {:1|}
    {geoadd pts -16.772291 84.212258 p20} {:1|}
    {geoadd pts -179.964473 10.210510 p21} {:1|}
    {geoadd pts 13.403641 38.367095 p22} {:1|}
    {geoadd pts 12.142805 38.269957 p23} {:1|}
    {geoadd pts 12.290356 -81.236295 p24} {:1|}
    {geoadd pts -179.973005 25.523471 p25} {:1|}
    {geoadd pts 13.376324 37.439230 p26} {:1|}
    {geoadd pts 12.648565 38.536627 p27} {:1|}
    {geoadd pts -159.862339 -84.150103 p28} {:1|}
    {geoadd pts -179.973226 -17.341029 p29} {:1|}
    {geoadd pts 13.885819 38.752735 p30} {:1|}
    {geoadd pts 12.629356 38.310877 p31} {:1|}
    {geoadd pts -37.572516 -84.618465 p32} {:1|}
    {geoadd pts 179.926488 -15.202350 p33} {:1|}
    {geoadd pts 13.122736 37.525483 p34} {:1|}
    {geoadd pts 13.169172 38.795646 p35} {:1|}
    {geoadd pts -36.215818 81.107570 p36} {:1|}
    {geoadd pts -179.990909 -27.173017 p37} {:1|}
    {geoadd pts 12.219298 38.254892 p38} {:1|}
    {geoadd pts 13.584159 37.844320 p39} {:1|}
    {georadius pts 13 38 30 km withdist asc count 5} {*2|*2|$2|p6|$7|18.0822|*2|$3|p14|$7|24.2224|}
    {geosearch pts fromlonlat 13 38 bybox 30 60.0 km withcoord desc count 4} {*1|*2|$2|p6|*2|$20|12.83903986215591431|$20|37.89841697266036391|}
    {georadius pts 13 38 200 km withdist asc count 5} {*5|*2|$2|p6|$7|18.0822|*2|$3|p14|$7|24.2224|*2|$3|p11|$7|37.7997|*2|$3|p31|$7|47.3970|*2|$3|p34|$7|53.8708|}
    {geosearch pts fromlonlat 13 38 bybox 200 400.0 km withcoord desc count 4} {*4|*2|$3|p18|*2|$20|13.97044390439987183|$20|38.71063541679546205|*2|$3|p30|*2|$20|13.88582020998001099|$20|38.75273460053092123|*2|$3|p10|*2|$19|13.5269889235496521|$20|37.20442045811800114|*2|$2|p2|*2|$20|13.35339635610580444|$20|38.78435778171483861|}
    {georadius pts 13 38 2000 km withdist asc count 5} {*5|*2|$2|p6|$7|18.0822|*2|$3|p14|$7|24.2224|*2|$3|p11|$7|37.7997|*2|$3|p31|$7|47.3970|*2|$3|p34|$7|53.8708|}
    {geosearch pts fromlonlat 13 38 bybox 2000 4000.0 km withcoord desc count 4} {*4|*2|$3|p18|*2|$20|13.97044390439987183|$20|38.71063541679546205|*2|$3|p30|*2|$20|13.88582020998001099|$20|38.75273460053092123|*2|$3|p10|*2|$19|13.5269889235496521|$20|37.20442045811800114|*2|$2|p2|*2|$20|13.35339635610580444|$20|38.78435778171483861|}
    {georadius pts 13 38 6000 km withdist asc count 5} {*5|*2|$2|p6|$7|18.0822|*2|$3|p14|$7|24.2224|*2|$3|p11|$7|37.7997|*2|$3|p31|$7|47.3970|*2|$3|p34|$7|53.8708|}
    {geosearch pts fromlonlat 13 38 bybox 6000 12000.0 km withcoord desc count 4} {*4|*2|$2|p4|*2|$22|-169.27300125360488892|$20|81.10412309134578379|*2|$3|p16|*2|$21|130.21448582410812378|$20|82.91562747061750827|*2|$3|p12|*2|$21|-56.17594152688980103|$19|81.3358295566844447|*2|$3|p20|*2|$21|-16.77229017019271851|$20|84.21225901023503013|}
    {georadius pts 13 38 100 mi withdist asc count 5} {*5|*2|$2|p6|$7|11.2358|*2|$3|p14|$7|15.0512|*2|$3|p11|$7|23.4877|*2|$3|p31|$7|29.4512|*2|$3|p34|$7|33.4739|}
    {geosearch pts fromlonlat 13 38 bybox 100 200.0 mi withcoord desc count 4} {*4|*2|$3|p30|*2|$20|13.88582020998001099|$20|38.75273460053092123|*2|$3|p10|*2|$19|13.5269889235496521|$20|37.20442045811800114|*2|$2|p2|*2|$20|13.35339635610580444|$20|38.78435778171483861|*2|$2|p7|*2|$20|12.55638331174850464|$20|38.73860099534645229|}
    {georadius pts 13 38 150000 ft withdist asc count 5} {*3|*2|$2|p6|$10|59324.7126|*2|$3|p14|$10|79469.9430|*2|$3|p11|$11|124014.6142|}
    {geosearch pts fromlonlat 13 38 bybox 150000 300000.0 ft withcoord desc count 4} {*3|*2|$3|p11|*2|$20|12.75985568761825562|$20|37.71796003444239176|*2|$3|p14|*2|$20|12.75707155466079712|$20|38.10408171280797518|*2|$2|p6|*2|$20|12.83903986215591431|$20|37.89841697266036391|}
    {georadius pts 13 38 0 m withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 13 38 bybox 0 0.0 m withcoord desc count 4} {*0|}
    {geosearch pts fromlonlat 13 38 byradius 20000 km count 3 any} {*3|$3|p10|$2|p3|$3|p23|}
    {geosearch pts fromlonlat 13 38 byradius 20000 km count 3 any asc withhash} {*3|*2|$2|p3|:3478914265615034|*2|$3|p23|:3478977541392300|*2|$3|p10|:3476095267324390|}
    {georadius pts 179.99 0 30 km withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 179.99 0 bybox 30 60.0 km withcoord desc count 4} {*0|}
    {georadius pts 179.99 0 200 km withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 179.99 0 bybox 200 400.0 km withcoord desc count 4} {*0|}
    {georadius pts 179.99 0 2000 km withdist asc count 5} {*5|*2|$3|p21|$9|1135.6884|*2|$2|p5|$9|1343.5595|*2|$2|p1|$9|1578.1267|*2|$3|p33|$9|1690.9154|*2|$3|p17|$9|1822.3446|}
    {geosearch pts fromlonlat 179.99 0 bybox 2000 4000.0 km withcoord desc count 4} {*4|*2|$3|p29|*2|$22|-179.97322350740432739|$21|-17.34102993325628717|*2|$2|p9|*2|$22|-179.97221499681472778|$21|-17.08117285472201274|*2|$3|p17|*2|$21|179.96612638235092163|$20|16.38409918869221116|*2|$3|p33|*2|$21|179.92648869752883911|$21|-15.20234881617940204|}
    {georadius pts 179.99 0 6000 km withdist asc count 5} {*5|*2|$3|p21|$9|1135.6884|*2|$2|p5|$9|1343.5595|*2|$2|p1|$9|1578.1267|*2|$3|p33|$9|1690.9154|*2|$3|p17|$9|1822.3446|}
    {geosearch pts fromlonlat 179.99 0 bybox 6000 12000.0 km withcoord desc count 4} {*4|*2|$3|p13|*2|$22|-179.94637459516525269|$20|28.38694679443342039|*2|$3|p37|*2|$22|-179.99090999364852905|$21|-27.17301813680280631|*2|$3|p25|*2|$21|-179.9730035662651062|$20|25.52346976600704664|*2|$3|p29|*2|$22|-179.97322350740432739|$21|-17.34102993325628717|}
    {georadius pts 179.99 0 100 mi withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 179.99 0 bybox 100 200.0 mi withcoord desc count 4} {*0|}
    {georadius pts 179.99 0 150000 ft withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 179.99 0 bybox 150000 300000.0 ft withcoord desc count 4} {*0|}
    {georadius pts 179.99 0 0 m withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 179.99 0 bybox 0 0.0 m withcoord desc count 4} {*0|}
    {geosearch pts fromlonlat 179.99 0 byradius 20000 km count 3 any} {*3|$3|p10|$2|p3|$3|p23|}
    {geosearch pts fromlonlat 179.99 0 byradius 20000 km count 3 any asc withhash} {*3|*2|$3|p23|:3478977541392300|*2|$2|p3|:3478914265615034|*2|$3|p10|:3476095267324390|}
    {georadius pts -179.99 1 30 km withdist asc count 5} {*0|}
    {geosearch pts fromlonlat -179.99 1 bybox 30 60.0 km withcoord desc count 4} {*0|}
    {georadius pts -179.99 1 200 km withdist asc count 5} {*0|}
    {geosearch pts fromlonlat -179.99 1 bybox 200 400.0 km withcoord desc count 4} {*0|}
    {georadius pts -179.99 1 2000 km withdist asc count 5} {*5|*2|$3|p21|$9|1024.4548|*2|$2|p5|$9|1232.3389|*2|$2|p1|$9|1466.9145|*2|$3|p17|$9|1711.1232|*2|$3|p33|$9|1802.1507|}
    {geosearch pts fromlonlat -179.99 1 bybox 2000 4000.0 km withcoord desc count 4} {*4|*2|$3|p33|*2|$21|179.92648869752883911|$21|-15.20234881617940204|*2|$3|p17|*2|$21|179.96612638235092163|$20|16.38409918869221116|*2|$2|p1|*2|$21|179.92232054471969604|$20|14.18827278307803397|*2|$2|p5|*2|$21|179.97160345315933228|$20|12.07949884096019133|}
    {georadius pts -179.99 1 6000 km withdist asc count 5} {*5|*2|$3|p21|$9|1024.4548|*2|$2|p5|$9|1232.3389|*2|$2|p1|$9|1466.9145|*2|$3|p17|$9|1711.1232|*2|$3|p33|$9|1802.1507|}
    {geosearch pts fromlonlat -179.99 1 bybox 6000 12000.0 km withcoord desc count 4} {*4|*2|$3|p37|*2|$22|-179.99090999364852905|$21|-27.17301813680280631|*2|$3|p13|*2|$22|-179.94637459516525269|$20|28.38694679443342039|*2|$3|p25|*2|$21|-179.9730035662651062|$20|25.52346976600704664|*2|$3|p29|*2|$22|-179.97322350740432739|$21|-17.34102993325628717|}
    {georadius pts -179.99 1 100 mi withdist asc count 5} {*0|}
    {geosearch pts fromlonlat -179.99 1 bybox 100 200.0 mi withcoord desc count 4} {*0|}
    {georadius pts -179.99 1 150000 ft withdist asc count 5} {*0|}
    {geosearch pts fromlonlat -179.99 1 bybox 150000 300000.0 ft withcoord desc count 4} {*0|}
    {georadius pts -179.99 1 0 m withdist asc count 5} {*0|}
    {geosearch pts fromlonlat -179.99 1 bybox 0 0.0 m withcoord desc count 4} {*0|}
    {geosearch pts fromlonlat -179.99 1 byradius 20000 km count 3 any} {*3|$3|p21|$3|p25|$3|p13|}
    {geosearch pts fromlonlat -179.99 1 byradius 20000 km count 3 any asc withhash} {*3|*2|$3|p21|:1131745753151145|*2|$3|p25|:1197648511929473|*2|$3|p13|:1200960301891764|}
    {georadius pts 0 84.9 30 km withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 0 84.9 bybox 30 60.0 km withcoord desc count 4} {*0|}
    {georadius pts 0 84.9 200 km withdist asc count 5} {*1|*2|$3|p20|$8|191.9105|}
    {geosearch pts fromlonlat 0 84.9 bybox 200 400.0 km withcoord desc count 4} {*0|}
    {georadius pts 0 84.9 2000 km withdist asc count 5} {*5|*2|$3|p20|$8|191.9105|*2|$3|p36|$8|627.5540|*2|$3|p12|$8|800.1170|*2|$3|p16|$9|1232.4350|*2|$2|p4|$9|1550.3672|}
    {geosearch pts fromlonlat 0 84.9 bybox 2000 4000.0 km withcoord desc count 4} {*3|*2|$3|p12|*2|$21|-56.17594152688980103|$19|81.3358295566844447|*2|$3|p36|*2|$20|-36.2158164381980896|$20|81.10757031212249046|*2|$3|p20|*2|$21|-16.77229017019271851|$20|84.21225901023503013|}
    {georadius pts 0 84.9 6000 km withdist asc count 5} {*5|*2|$3|p20|$8|191.9105|*2|$3|p36|$8|627.5540|*2|$3|p12|$8|800.1170|*2|$3|p16|$9|1232.4350|*2|$2|p4|$9|1550.3672|}
    {geosearch pts fromlonlat 0 84.9 bybox 6000 12000.0 km withcoord desc count 4} {*4|*2|$3|p10|*2|$19|13.5269889235496521|$20|37.20442045811800114|*2|$3|p26|*2|$19|13.3763238787651062|$20|37.43922942215568384|*2|$3|p34|*2|$20|13.12273710966110229|$20|37.52548344848683115|*2|$3|p11|*2|$20|12.75985568761825562|$20|37.71796003444239176|}
    {georadius pts 0 84.9 100 mi withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 0 84.9 bybox 100 200.0 mi withcoord desc count 4} {*0|}
    {georadius pts 0 84.9 150000 ft withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 0 84.9 bybox 150000 300000.0 ft withcoord desc count 4} {*0|}
    {georadius pts 0 84.9 0 m withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 0 84.9 bybox 0 0.0 m withcoord desc count 4} {*0|}
    {geosearch pts fromlonlat 0 84.9 byradius 20000 km count 3 any} {*3|$3|p10|$2|p3|$3|p23|}
    {geosearch pts fromlonlat 0 84.9 byradius 20000 km count 3 any asc withhash} {*3|*2|$3|p23|:3478977541392300|*2|$2|p3|:3478914265615034|*2|$3|p10|:3476095267324390|}
    {georadius pts 120 -84.9 30 km withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 120 -84.9 bybox 30 60.0 km withcoord desc count 4} {*0|}
    {georadius pts 120 -84.9 200 km withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 120 -84.9 bybox 200 400.0 km withcoord desc count 4} {*0|}
    {georadius pts 120 -84.9 2000 km withdist asc count 5} {*5|*2|$2|p8|$8|575.8865|*2|$3|p28|$8|785.8853|*2|$2|p0|$9|1046.4010|*2|$3|p32|$9|1143.5208|*2|$3|p24|$9|1267.2949|}
    {geosearch pts fromlonlat 120 -84.9 bybox 2000 4000.0 km withcoord desc count 4} {*2|*2|$3|p28|*2|$22|-159.86233681440353394|$21|-84.15010257796572546|*2|$2|p8|*2|$20|93.17065268754959106|$21|-80.80628068151767707|}
    {georadius pts 120 -84.9 6000 km withdist asc count 5} {*5|*2|$2|p8|$8|575.8865|*2|$3|p28|$8|785.8853|*2|$2|p0|$9|1046.4010|*2|$3|p32|$9|1143.5208|*2|$3|p24|$9|1267.2949|}
    {geosearch pts fromlonlat 120 -84.9 bybox 6000 12000.0 km withcoord desc count 4} {*4|*2|$3|p24|*2|$20|12.29035645723342896|$21|-81.23629612619950535|*2|$3|p32|*2|$21|-37.57251530885696411|$21|-84.61846581906721099|*2|$2|p0|*2|$20|50.19364446401596069|$21|-80.12630370970759941|*2|$3|p28|*2|$22|-159.86233681440353394|$21|-84.15010257796572546|}
    {georadius pts 120 -84.9 100 mi withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 120 -84.9 bybox 100 200.0 mi withcoord desc count 4} {*0|}
    {georadius pts 120 -84.9 150000 ft withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 120 -84.9 bybox 150000 300000.0 ft withcoord desc count 4} {*0|}
    {georadius pts 120 -84.9 0 m withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 120 -84.9 bybox 0 0.0 m withcoord desc count 4} {*0|}
    {geosearch pts fromlonlat 120 -84.9 byradius 20000 km count 3 any} {*3|$3|p24|$2|p0|$2|p8|}
    {geosearch pts fromlonlat 120 -84.9 byradius 20000 km count 3 any asc withhash} {*3|*2|$2|p8|:2816687878563296|*2|$2|p0|:2394710089133091|*2|$3|p24|:2261819959247380|}
    {georadius pts 13.5 38.2 30 km withdist asc count 5} {*2|*2|$3|p15|$7|14.4762|*2|$3|p22|$7|20.4008|}
    {geosearch pts fromlonlat 13.5 38.2 bybox 30 60.0 km withcoord desc count 4} {*2|*2|$3|p22|*2|$20|13.40363949537277222|$20|38.36709451918562053|*2|$3|p15|*2|$20|13.65880876779556274|$20|38.23704051122109604|}
    {georadius pts 13.5 38.2 200 km withdist asc count 5} {*5|*2|$3|p15|$7|14.4762|*2|$3|p22|$7|20.4008|*2|$3|p39|$7|40.2422|*2|$3|p19|$7|53.0047|*2|$3|p14|$7|65.8504|}
    {geosearch pts fromlonlat 13.5 38.2 bybox 200 400.0 km withcoord desc count 4} {*4|*2|$3|p10|*2|$19|13.5269889235496521|$20|37.20442045811800114|*2|$2|p7|*2|$20|12.55638331174850464|$20|38.73860099534645229|*2|$3|p26|*2|$19|13.3763238787651062|$20|37.43922942215568384|*2|$3|p11|*2|$20|12.75985568761825562|$20|37.71796003444239176|}
    {georadius pts 13.5 38.2 2000 km withdist asc count 5} {*5|*2|$3|p15|$7|14.4762|*2|$3|p22|$7|20.4008|*2|$3|p39|$7|40.2422|*2|$3|p19|$7|53.0047|*2|$3|p14|$7|65.8504|}
    {geosearch pts fromlonlat 13.5 38.2 bybox 2000 4000.0 km withcoord desc count 4} {*4|*2|$2|p3|*2|$20|12.17387884855270386|$19|37.8438444260997997|*2|$3|p23|*2|$20|12.14280277490615845|$20|38.26995640019627132|*2|$3|p38|*2|$20|12.21929937601089478|$20|38.25489255234631969|*2|$3|p10|*2|$19|13.5269889235496521|$20|37.20442045811800114|}
    {georadius pts 13.5 38.2 6000 km withdist asc count 5} {*5|*2|$3|p15|$7|14.4762|*2|$3|p22|$7|20.4008|*2|$3|p39|$7|40.2422|*2|$3|p19|$7|53.0047|*2|$3|p14|$7|65.8504|}
    {geosearch pts fromlonlat 13.5 38.2 bybox 6000 12000.0 km withcoord desc count 4} {*4|*2|$2|p4|*2|$22|-169.27300125360488892|$20|81.10412309134578379|*2|$3|p16|*2|$21|130.21448582410812378|$20|82.91562747061750827|*2|$3|p12|*2|$21|-56.17594152688980103|$19|81.3358295566844447|*2|$3|p20|*2|$21|-16.77229017019271851|$20|84.21225901023503013|}
    {georadius pts 13.5 38.2 100 mi withdist asc count 5} {*5|*2|$3|p15|$6|8.9951|*2|$3|p22|$7|12.6765|*2|$3|p39|$7|25.0054|*2|$3|p19|$7|32.9356|*2|$3|p14|$7|40.9176|}
    {geosearch pts fromlonlat 13.5 38.2 bybox 100 200.0 mi withcoord desc count 4} {*4|*2|$3|p10|*2|$19|13.5269889235496521|$20|37.20442045811800114|*2|$3|p26|*2|$19|13.3763238787651062|$20|37.43922942215568384|*2|$3|p11|*2|$20|12.75985568761825562|$20|37.71796003444239176|*2|$3|p27|*2|$20|12.64856547117233276|$19|38.5366268092068438|}
    {georadius pts 13.5 38.2 150000 ft withdist asc count 5} {*3|*2|$3|p15|$10|47494.2362|*2|$3|p22|$10|66931.7070|*2|$3|p39|$11|132028.3067|}
    {geosearch pts fromlonlat 13.5 38.2 bybox 150000 300000.0 ft withcoord desc count 4} {*3|*2|$3|p39|*2|$20|13.58415752649307251|$20|37.84432095367775872|*2|$3|p22|*2|$20|13.40363949537277222|$20|38.36709451918562053|*2|$3|p15|*2|$20|13.65880876779556274|$20|38.23704051122109604|}
    {georadius pts 13.5 38.2 0 m withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 13.5 38.2 bybox 0 0.0 m withcoord desc count 4} {*0|}
    {geosearch pts fromlonlat 13.5 38.2 byradius 20000 km count 3 any} {*3|$3|p10|$2|p3|$3|p23|}
    {geosearch pts fromlonlat 13.5 38.2 byradius 20000 km count 3 any asc withhash} {*3|*2|$3|p10|:3476095267324390|*2|$3|p23|:3478977541392300|*2|$2|p3|:3478914265615034|}
    {georadiusbymember pts p2 500 km withdist withhash withcoord asc} {*20|*4|$2|p2|$6|0.0000|:3479283210034466|*2|$20|13.35339635610580444|$20|38.78435778171483861|*4|$3|p35|$7|16.0206|:3479281777212347|*2|$20|13.16917151212692261|$19|38.7956448950373769|*4|$3|p30|$7|46.3061|:3479315340289936|*2|$20|13.88582020998001099|$20|38.75273460053092123|*4|$3|p22|$7|46.6158|:3479114049986203|*2|$20|13.40363949537277222|$20|38.36709451918562053|*4|$3|p18|$7|54.1512|:3479316681784111|*2|$20|13.97044390439987183|$20|38.71063541679546205|*4|$3|p15|$7|66.4262|:3479115287778760|*2|$20|13.65880876779556274|$20|38.23704051122109604|*4|$3|p27|$7|67.1314|:3478992226643051|*2|$20|12.64856547117233276|$19|38.5366268092068438|*4|$2|p7|$7|69.3116|:3479179315082362|*2|$20|12.55638331174850464|$20|38.73860099534645229|*4|$3|p31|$7|82.0993|:3478987609241740|*2|$20|12.62935549020767212|$19|38.3108769385926351|*4|$3|p14|$7|91.7804|:3479066124888457|*2|$20|12.75707155466079712|$20|38.10408171280797518|*4|$3|p39|$8|106.4785|:3479051705243816|*2|$20|13.58415752649307251|$20|37.84432095367775872|*4|$2|p6|$8|108.2748|:3479063166649308|*2|$20|12.83903986215591431|$20|37.89841697266036391|*4|$3|p38|$8|114.9258|:3478978006792013|*2|$20|12.21929937601089478|$20|38.25489255234631969|*4|$3|p19|$8|118.6313|:3479056972514697|*2|$20|13.73296648263931274|$20|37.76025185698596687|*4|$3|p23|$8|119.8722|:3478977541392300|*2|$20|12.14280277490615845|$20|38.26995640019627132|*4|$3|p11|$8|129.4458|:3479014255569426|*2|$20|12.75985568761825562|$20|37.71796003444239176|*4|$3|p34|$8|141.4656|:3479007095856314|*2|$20|13.12273710966110229|$20|37.52548344848683115|*4|$2|p3|$8|146.7600|:3478914265615034|*2|$20|12.17387884855270386|$19|37.8438444260997997|*4|$3|p26|$8|149.6271|:3479031230052159|*2|$19|13.3763238787651062|$20|37.43922942215568384|*4|$3|p10|$8|176.3880|:3476095267324390|*2|$19|13.5269889235496521|$20|37.20442045811800114|}
    {georadiusbymember pts p3 500 km withdist withhash withcoord asc} {*20|*4|$2|p3|$6|0.0000|:3478914265615034|*2|$20|12.17387884855270386|$19|37.8438444260997997|*4|$3|p38|$7|45.8921|:3478978006792013|*2|$20|12.21929937601089478|$20|38.25489255234631969|*4|$3|p23|$7|47.4729|:3478977541392300|*2|$20|12.14280277490615845|$20|38.26995640019627132|*4|$3|p11|$7|53.3814|:3479014255569426|*2|$20|12.75985568761825562|$20|37.71796003444239176|*4|$2|p6|$7|58.7165|:3479063166649308|*2|$20|12.83903986215591431|$20|37.89841697266036391|*4|$3|p14|$7|58.7575|:3479066124888457|*2|$20|12.75707155466079712|$20|38.10408171280797518|*4|$3|p31|$7|65.4885|:3478987609241740|*2|$20|12.62935549020767212|$19|38.3108769385926351|*4|$3|p27|$7|87.5186|:3478992226643051|*2|$20|12.64856547117233276|$19|38.5366268092068438|*4|$3|p34|$7|90.7171|:3479007095856314|*2|$20|13.12273710966110229|$20|37.52548344848683115|*4|$2|p7|$8|104.9728|:3479179315082362|*2|$20|12.55638331174850464|$20|38.73860099534645229|*4|$3|p26|$8|115.0687|:3479031230052159|*2|$19|13.3763238787651062|$20|37.43922942215568384|*4|$3|p22|$8|122.3561|:3479114049986203|*2|$20|13.40363949537277222|$20|38.36709451918562053|*4|$3|p39|$8|123.8686|:3479051705243816|*2|$20|13.58415752649307251|$20|37.84432095367775872|*4|$3|p35|$8|136.9320|:3479281777212347|*2|$20|13.16917151212692261|$19|38.7956448950373769|*4|$3|p15|$8|137.2317|:3479115287778760|*2|$20|13.65880876779556274|$20|38.23704051122109604|*4|$3|p19|$8|137.3317|:3479056972514697|*2|$20|13.73296648263931274|$20|37.76025185698596687|*4|$3|p10|$8|138.9419|:3476095267324390|*2|$19|13.5269889235496521|$20|37.20442045811800114|*4|$2|p2|$8|146.7600|:3479283210034466|*2|$20|13.35339635610580444|$20|38.78435778171483861|*4|$3|p30|$8|180.4122|:3479315340289936|*2|$20|13.88582020998001099|$20|38.75273460053092123|*4|$3|p18|$8|184.1199|:3479316681784111|*2|$20|13.97044390439987183|$20|38.71063541679546205|}
    {georadiusbymember pts p6 500 km withdist withhash withcoord asc} {*20|*4|$2|p6|$6|0.0000|:3479063166649308|*2|$20|12.83903986215591431|$20|37.89841697266036391|*4|$3|p11|$7|21.2435|:3479014255569426|*2|$20|12.75985568761825562|$20|37.71796003444239176|*4|$3|p14|$7|23.9769|:3479066124888457|*2|$20|12.75707155466079712|$20|38.10408171280797518|*4|$3|p34|$7|48.4120|:3479007095856314|*2|$20|13.12273710966110229|$20|37.52548344848683115|*4|$3|p31|$7|49.4109|:3478987609241740|*2|$20|12.62935549020767212|$19|38.3108769385926351|*4|$2|p3|$7|58.7165|:3478914265615034|*2|$20|12.17387884855270386|$19|37.8438444260997997|*4|$3|p39|$7|65.6980|:3479051705243816|*2|$20|13.58415752649307251|$20|37.84432095367775872|*4|$3|p38|$7|67.2041|:3478978006792013|*2|$20|12.21929937601089478|$20|38.25489255234631969|*4|$3|p26|$7|69.6140|:3479031230052159|*2|$19|13.3763238787651062|$20|37.43922942215568384|*4|$3|p22|$7|71.8149|:3479114049986203|*2|$20|13.40363949537277222|$20|38.36709451918562053|*4|$3|p27|$7|72.9110|:3478992226643051|*2|$20|12.64856547117233276|$19|38.5366268092068438|*4|$3|p23|$7|73.6411|:3478977541392300|*2|$20|12.14280277490615845|$20|38.26995640019627132|*4|$3|p19|$7|80.0216|:3479056972514697|*2|$20|13.73296648263931274|$20|37.76025185698596687|*4|$3|p15|$7|81.0646|:3479115287778760|*2|$20|13.65880876779556274|$20|38.23704051122109604|*4|$2|p7|$7|96.6509|:3479179315082362|*2|$20|12.55638331174850464|$20|38.73860099534645229|*4|$3|p10|$7|98.1752|:3476095267324390|*2|$19|13.5269889235496521|$20|37.20442045811800114|*4|$3|p35|$8|103.8671|:3479281777212347|*2|$20|13.16917151212692261|$19|38.7956448950373769|*4|$2|p2|$8|108.2748|:3479283210034466|*2|$20|13.35339635610580444|$20|38.78435778171483861|*4|$3|p30|$8|131.8012|:3479315340289936|*2|$20|13.88582020998001099|$20|38.75273460053092123|*4|$3|p18|$8|133.8380|:3479316681784111|*2|$20|13.97044390439987183|$20|38.71063541679546205|}
    {georadiusbymember pts p1 500 km withdist withhash withcoord asc} {*4|*4|$2|p1|$6|0.0000|:4147064534154751|*2|$21|179.92232054471969604|$20|14.18827278307803397|*4|$2|p5|$8|234.6119|:4146167845709400|*2|$21|179.97160345315933228|$20|12.07949884096019133|*4|$3|p17|$8|244.2789|:4150308169791334|*2|$21|179.96612638235092163|$20|16.38409918869221116|*4|$3|p21|$8|442.6030|:1131745753151145|*2|$21|-179.9644741415977478|$20|10.21050952051582072|}
    {geosearchstore res pts frommember p2 bybox 400 300 km storedist} {:19|}
    {geosearchstore res pts frommember p5 bybox 400 300 km storedist} {:1|}
    {zrange res 0 -1 withscores} {*2|$2|p5|$1|0|}
    {geohash pts p0 p1 p2 p3 p4 p5 p6 p7 p8 p9 p10 p11 p12 p13 p14 p15 p16 p17 p18 p19 p20 p21 p22 p23 p24 p25 p26 p27 p28 p29 p30 p31 p32 p33 p34 p35 p36 p37 p38 p39} {*40|$11|j1g8njmykw0|$11|xfxbwnzktv0|$11|sqckxu7xk80|$11|sq8xm128rg0|$11|bnrtkhe1v00|$11|xfpuxr524m0|$11|sq9ps5jn720|$11|sqbumspk8y0|$11|n1dk21sv390|$11|2hbnbdknzq0|$11|sq9eeuf53w0|$11|sq9nd677n10|$11|fy2n9wtzt90|$11|8j013pxjcw0|$11|sqc0f29km70|$11|sqc9wbf4ck0|$11|yysxen76930|$11|xfzvpnxk690|$11|sqcujzhcyc0|$11|sq9ybd013m0|$11|gwup466gcq0|$11|81b40fcbeb0|$11|sqcd3080x20|$11|sqb9sqf4eu0|$11|h389zems600|$11|8h810w7svp0|$11|sq9sbrs76f0|$11|sqbgpz6khg0|$11|03n360zy1e0|$11|2hbj2e5mpv0|$11|sqcu7yxr510|$11|sqbczqk3j30|$11|50vq958t8y0|$11|rvrcw26rzh0|$11|sq9m6x79vc0|$11|sqckewt3pb0|$11|gnqjrvhmy60|$11|250j2jq9ey0|$11|sqb9wh1ffk0|$11|sq9xm17eju0|}
    {geopos pts p0 p3 p6 p9 p12 p15 p18 p21 p24 p27 p30 p33 p36 p39} {*14|*2|$20|50.19364446401596069|$21|-80.12630370970759941|*2|$20|12.17387884855270386|$19|37.8438444260997997|*2|$20|12.83903986215591431|$20|37.89841697266036391|*2|$22|-179.97221499681472778|$21|-17.08117285472201274|*2|$21|-56.17594152688980103|$19|81.3358295566844447|*2|$20|13.65880876779556274|$20|38.23704051122109604|*2|$20|13.97044390439987183|$20|38.71063541679546205|*2|$21|-179.9644741415977478|$20|10.21050952051582072|*2|$20|12.29035645723342896|$21|-81.23629612619950535|*2|$20|12.64856547117233276|$19|38.5366268092068438|*2|$20|13.88582020998001099|$20|38.75273460053092123|*2|$21|179.92648869752883911|$21|-15.20234881617940204|*2|$20|-36.2158164381980896|$20|81.10757031212249046|*2|$20|13.58415752649307251|$20|37.84432095367775872|}
    {geodist pts p0 p7 m} {$13|13425297.5644|}
    {geodist pts p1 p8 km} {$10|11510.2031|}
    {geodist pts p2 p9 mi} {$10|10738.3915|}
    {geodist pts p3 p10 ft} {$11|455846.0486|}
    {geodist pts p4 p11 m} {$12|6804033.3419|}
    {geoadd dup 10 10 d0 10 10 d1 10 10 d2 10 10 d3 10 10 d4 10 10 d5 10 10 d6 10 10 d7 10 10 d8 10 10 d9 10 10 d10 10 10 d11 10 10 d12 10 10 d13 10 10 d14 10 10 d15 10 10 d16 10 10 d17 10 10 d18 10 10 d19 10 10 d20 10 10 d21 10 10 d22 10 10 d23 10 10 d24 10 10 d25 10 10 d26 10 10 d27 10 10 d28 10 10 d29} {:30|}
    {geoadd dup 10.1 10.0 e0} {:1|}
    {geoadd dup 10.2 10.1 e1} {:1|}
    {geoadd dup 10.3 10.2 e2} {:1|}
    {geoadd dup 10.4 10.0 e3} {:1|}
    {geoadd dup 10.5 10.1 e4} {:1|}
    {geoadd dup 10.6 10.2 e5} {:1|}
    {geoadd dup 10.7 10.0 e6} {:1|}
    {geoadd dup 10.1 10.1 e7} {:1|}
    {geoadd dup 10.2 10.2 e8} {:1|}
    {geoadd dup 10.3 10.0 e9} {:1|}
    {geoadd dup 10.4 10.1 e10} {:1|}
    {geoadd dup 10.5 10.2 e11} {:1|}
    {geoadd dup 10.6 10.0 e12} {:1|}
    {geoadd dup 10.7 10.1 e13} {:1|}
    {geoadd dup 10.1 10.2 e14} {:1|}
    {geoadd dup 10.2 10.0 e15} {:1|}
    {geoadd dup 10.3 10.1 e16} {:1|}
    {geoadd dup 10.4 10.2 e17} {:1|}
    {geoadd dup 10.5 10.0 e18} {:1|}
    {geoadd dup 10.6 10.1 e19} {:1|}
    {georadius dup 10 10 100 km count 1 asc} {*1|$2|d2|}
    {geosearch dup fromlonlat 10.3 10 bybox 100 80 km count 1 asc} {*1|$2|e9|}
    {georadius dup 10 10 100 km count 1 desc} {*1|$3|e13|}
    {geosearch dup fromlonlat 10.3 10 bybox 100 80 km count 1 desc} {*1|$3|e13|}
    {georadius dup 10 10 100 km count 4 asc} {*4|$2|d2|$2|d1|$3|d10|$3|d11|}
    {geosearch dup fromlonlat 10.3 10 bybox 100 80 km count 4 asc} {*4|$2|e9|$2|e3|$3|e15|$3|e16|}
    {georadius dup 10 10 100 km count 4 desc} {*4|$3|e13|$2|e6|$2|e5|$3|e19|}
    {geosearch dup fromlonlat 10.3 10 bybox 100 80 km count 4 desc} {*4|$3|e13|$2|e6|$2|e5|$3|e19|}
    {georadius dup 10 10 100 km count 13 asc} {*13|$2|d2|$2|d1|$3|d10|$3|d11|$3|d12|$3|d13|$3|d14|$3|d15|$3|d16|$3|d17|$3|d18|$3|d19|$2|d0|}
    {geosearch dup fromlonlat 10.3 10 bybox 100 80 km count 13 asc} {*13|$2|e9|$2|e3|$3|e15|$3|e16|$3|e10|$2|e1|$3|e18|$2|e0|$2|e2|$2|e4|$2|e7|$3|e17|$2|e8|}
    {georadius dup 10 10 100 km count 13 desc} {*13|$3|e13|$2|e6|$2|e5|$3|e19|$3|e12|$3|e11|$2|e4|$3|e18|$3|e17|$3|e10|$2|e3|$2|e2|$3|e16|}
    {geosearch dup fromlonlat 10.3 10 bybox 100 80 km count 13 desc} {*13|$3|e13|$2|e6|$2|e5|$3|e19|$3|e12|$3|d13|$3|d14|$3|d15|$3|d16|$3|d17|$3|d18|$3|d19|$2|d0|}
    {georadius dup 10 10 100 km count 31 asc} {*31|$2|d2|$2|d1|$3|d10|$3|d11|$3|d12|$3|d13|$3|d14|$3|d15|$3|d16|$3|d17|$3|d18|$3|d19|$2|d0|$3|d20|$3|d21|$3|d22|$3|d23|$3|d24|$3|d25|$3|d26|$3|d27|$3|d28|$3|d29|$2|d3|$2|d4|$2|d5|$2|d6|$2|d7|$2|d8|$2|d9|$2|e0|}
    {geosearch dup fromlonlat 10.3 10 bybox 100 80 km count 31 asc} {*31|$2|e9|$2|e3|$3|e15|$3|e16|$3|e10|$2|e1|$3|e18|$2|e0|$2|e2|$2|e4|$2|e7|$3|e17|$2|e8|$3|e11|$3|e14|$3|d22|$3|d23|$3|d24|$3|d25|$3|d26|$3|d27|$3|d28|$3|d29|$2|d3|$2|d4|$2|d0|$2|d6|$2|d7|$2|d8|$2|d9|$2|d5|}
    {georadius dup 10 10 100 km count 31 desc} {*31|$3|e13|$2|e6|$2|e5|$3|e19|$3|e12|$3|e11|$2|e4|$3|e18|$3|e17|$3|e10|$2|e3|$2|e2|$3|e16|$2|e9|$2|e8|$3|e14|$2|e1|$3|e15|$2|e7|$2|e0|$3|d27|$3|d28|$3|d29|$2|d3|$2|d4|$2|d0|$2|d6|$2|d7|$2|d8|$2|d9|$2|d5|}
    {geosearch dup fromlonlat 10.3 10 bybox 100 80 km count 31 desc} {*31|$3|e13|$2|e6|$2|e5|$3|e19|$3|e12|$3|d13|$3|d14|$3|d15|$3|d16|$3|d17|$3|d18|$3|d19|$2|d0|$3|d20|$3|d21|$3|d22|$3|d23|$3|d24|$3|d25|$3|d26|$3|d27|$3|d28|$3|d29|$2|d3|$2|d4|$2|d5|$2|d6|$2|d7|$2|d8|$2|d9|$2|d2|}
    {georadius dup 10 10 100 km count 45 asc} {*45|$2|d2|$2|d1|$3|d10|$3|d11|$3|d12|$3|d13|$3|d14|$3|d15|$3|d16|$3|d17|$3|d18|$3|d19|$2|d0|$3|d20|$3|d21|$3|d22|$3|d23|$3|d24|$3|d25|$3|d26|$3|d27|$3|d28|$3|d29|$2|d3|$2|d4|$2|d5|$2|d6|$2|d7|$2|d8|$2|d9|$2|e0|$2|e7|$3|e15|$2|e1|$3|e14|$2|e8|$2|e9|$3|e16|$2|e2|$2|e3|$3|e10|$3|e17|$3|e18|$2|e4|$3|e11|}
    {geosearch dup fromlonlat 10.3 10 bybox 100 80 km count 45 asc} {*45|$2|e9|$2|e3|$3|e15|$3|e16|$3|e10|$2|e1|$3|e18|$2|e0|$2|e2|$2|e4|$2|e7|$3|e17|$2|e8|$3|e11|$3|e14|$3|d22|$3|d23|$3|d24|$3|d25|$3|d26|$3|d27|$3|d28|$3|d29|$2|d3|$2|d4|$2|d0|$2|d6|$2|d7|$2|d8|$2|d9|$2|d5|$2|d1|$3|d10|$3|d11|$3|d12|$3|d13|$3|d14|$3|d15|$3|d16|$3|d17|$3|d18|$3|d19|$2|d2|$3|d20|$3|d21|}
    {georadius dup 10 10 100 km count 45 desc} {*45|$3|e13|$2|e6|$2|e5|$3|e19|$3|e12|$3|e11|$2|e4|$3|e18|$3|e17|$3|e10|$2|e3|$2|e2|$3|e16|$2|e9|$2|e8|$3|e14|$2|e1|$3|e15|$2|e7|$2|e0|$3|d27|$3|d28|$3|d29|$2|d3|$2|d4|$2|d0|$2|d6|$2|d7|$2|d8|$2|d9|$2|d5|$2|d1|$3|d10|$3|d11|$3|d12|$3|d13|$3|d14|$3|d15|$3|d16|$3|d17|$3|d18|$3|d19|$2|d2|$3|d20|$3|d21|}
    {geosearch dup fromlonlat 10.3 10 bybox 100 80 km count 45 desc} {*45|$3|e13|$2|e6|$2|e5|$3|e19|$3|e12|$3|d13|$3|d14|$3|d15|$3|d16|$3|d17|$3|d18|$3|d19|$2|d0|$3|d20|$3|d21|$3|d22|$3|d23|$3|d24|$3|d25|$3|d26|$3|d27|$3|d28|$3|d29|$2|d3|$2|d4|$2|d5|$2|d6|$2|d7|$2|d8|$2|d9|$2|d2|$2|d1|$3|d10|$3|d11|$3|d12|$3|e14|$3|e11|$2|e8|$3|e17|$2|e7|$2|e4|$2|e2|$2|e0|$3|e18|$2|e1|}
    {georadius dup 10 10 100 km asc} {*50|$2|d0|$2|d1|$3|d10|$3|d11|$3|d12|$3|d13|$3|d14|$3|d15|$3|d16|$3|d17|$3|d18|$3|d19|$2|d2|$3|d20|$3|d21|$3|d22|$3|d23|$3|d24|$3|d25|$3|d26|$3|d27|$3|d28|$3|d29|$2|d3|$2|d4|$2|d5|$2|d6|$2|d7|$2|d8|$2|d9|$2|e0|$2|e7|$3|e15|$2|e1|$3|e14|$2|e8|$2|e9|$3|e16|$2|e2|$2|e3|$3|e10|$3|e17|$3|e18|$2|e4|$3|e11|$3|e12|$3|e19|$2|e5|$2|e6|$3|e13|}
    {georadius dup 10 10 100 km} {*50|$2|d0|$2|d1|$3|d10|$3|d11|$3|d12|$3|d13|$3|d14|$3|d15|$3|d16|$3|d17|$3|d18|$3|d19|$2|d2|$3|d20|$3|d21|$3|d22|$3|d23|$3|d24|$3|d25|$3|d26|$3|d27|$3|d28|$3|d29|$2|d3|$2|d4|$2|d5|$2|d6|$2|d7|$2|d8|$2|d9|$2|e0|$2|e7|$3|e14|$3|e15|$2|e9|$2|e1|$3|e16|$2|e3|$3|e18|$3|e10|$2|e4|$2|e8|$2|e2|$3|e17|$3|e11|$3|e12|$2|e6|$3|e19|$3|e13|$2|e5|}
}

set ::geo_table_resp3 {
    {geopos str x} {*1|_|}
    {geohash str x} {*1|_|}
    {geodist str a b} {_|}
    {georadius str 1 1 1 km} {*0|}
    {geosearch str fromlonlat 1 1 byradius 1 km} {*0|}
    {geopos nokey a b} {*2|_|_|}
    {geohash nokey a} {*1|_|}
    {geodist nokey a b} {_|}
    {geodist nokey a b km} {_|}
    {geodist nokey a b xx} {-ERR unsupported unit provided. please use M, KM, FT, MI|}
    {geodist Sicily Palermo Catania km x} {-ERR syntax error|}
    {geodist Sicily Palermo Catania} {$11|166274.1516|}
    {geodist Sicily Palermo Catania KM} {$8|166.2742|}
    {geodist Sicily Palermo Catania mi} {$8|103.3182|}
    {geodist Sicily Palermo Catania ft} {$11|545518.8700|}
    {geodist Sicily Palermo nosuch} {_|}
    {geodist Sicily Palermo Palermo} {$6|0.0000|}
    {geodist Sicily edge1 edge2} {$13|18919844.5891|}
    {geohash Sicily Palermo Catania edge1 edge2 nosuch} {*5|$11|sqc8b49rny0|$11|sqdtr74hyu0|$11|bp05b5048p0|$11|00bh0hbj200|_|}
    {geopos Sicily Palermo Catania edge1 edge2 nosuch} {*5|*2|,13.36138933897018433|,38.11555639549629859|*2|,15.08726745843887329|,37.50266842333162032|*2|,180|,85.0511287799999991|*2|,-179.99999731779098511|,-85.05112751263942528|_|}
    {georadius Sicily 15 37 200 km withdist withcoord withhash asc} {*2|*4|$7|Catania|$7|56.4413|:3479447370796909|*2|,15.08726745843887329|,37.50266842333162032|*4|$7|Palermo|$8|190.4424|:3479099956230698|*2|,13.36138933897018433|,38.11555639549629859|}
    {georadius Sicily 15 37 200 km withdist desc} {*2|*2|$7|Palermo|$8|190.4424|*2|$7|Catania|$7|56.4413|}
    {georadius Sicily 15 37 200 kmx} {-ERR unsupported unit provided. please use M, KM, FT, MI|}
    {georadius Sicily 15 37 abc km} {-ERR need numeric radius|}
    {georadius Sicily 15 37 -1 km} {-ERR radius cannot be negative|}
    {georadius Sicily 15 37 200 km count 0} {-ERR COUNT must be > 0|}
    {georadius Sicily 15 37 200 km count -3} {-ERR COUNT must be > 0|}
    {georadius Sicily 15 37 200 km count abc} {-ERR value is not an integer or out of range|}
    {georadius Sicily 15 37 200 km count} {-ERR syntax error|}
    {georadius Sicily 15 37 200 km any} {-ERR the ANY argument requires COUNT argument|}
    {georadius Sicily 15 37 200 km count 1 any} {*1|$7|Palermo|}
    {georadius Sicily 15 37 200 km count 1 any desc} {*1|$7|Palermo|}
    {georadius Sicily 15 37 200 km store d1 withdist} {-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options|}
    {georadius Sicily 15 37 200 km storedist d1 withcoord} {-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options|}
    {georadius Sicily 15 37 200 km store} {-ERR syntax error|}
    {georadius Sicily 15 37 200 km bogus} {-ERR syntax error|}
    {georadius Sicily 15 37 200 km frommember x} {-ERR syntax error|}
    {georadius Sicily 200 37 200 km} {-ERR invalid longitude,latitude pair 200.000000,37.000000|}
    {georadius nokey 200 37 200 km} {-ERR invalid longitude,latitude pair 200.000000,37.000000|}
    {georadius nokey 20 37 200 kmm} {-ERR unsupported unit provided. please use M, KM, FT, MI|}
    {georadius nokey 20 37 200 km store d1} {:0|}
    {georadius Sicily 15 37 200 km store d1} {:2|}
    {zrange d1 0 -1 withscores} {*2|*2|$7|Palermo|,3479099956230698|*2|$7|Catania|,3479447370796909|}
    {georadius Sicily 15 37 200 km storedist d1} {:2|}
    {zrange d1 0 -1 withscores} {*2|*2|$7|Catania|,56.441257870158204|*2|$7|Palermo|,190.44242984775784|}
    {georadius nokey 20 37 200 km store d1} {:0|}
    {exists d1} {:0|}
    {georadius Sicily 15 37 200 km storedist d1 count 1} {:1|}
    {zrange d1 0 -1 withscores} {*1|*2|$7|Catania|,56.441257870158204|}
    {georadius Sicily 0 0 1 m store d1} {:0|}
    {exists d1} {:0|}
    {georadius_ro Sicily 15 37 200 km store d1} {-ERR syntax error|}
    {georadius_ro Sicily 15 37 200 km withdist} {*2|*2|$7|Palermo|$8|190.4424|*2|$7|Catania|$7|56.4413|}
    {georadiusbymember Sicily Palermo 200 km withdist} {*2|*2|$7|Palermo|$6|0.0000|*2|$7|Catania|$8|166.2742|}
    {georadiusbymember Sicily nosuch 200 km withdist} {-ERR could not decode requested zset member|}
    {georadiusbymember nokey nosuch 200 kmx withdist} {*0|}
    {georadiusbymember nokey nosuch 200 km store x} {:0|}
    {georadiusbymember nokey nosuch 200 km bogus} {-ERR syntax error|}
    {georadiusbymember Sicily Palermo -200 km} {-ERR radius cannot be negative|}
    {georadiusbymember_ro Sicily Palermo 200 km storedist x} {-ERR syntax error|}
    {georadiusbymember Sicily Palermo 200 km store d2} {:2|}
    {zrange d2 0 -1 withscores} {*2|*2|$7|Palermo|,3479099956230698|*2|$7|Catania|,3479447370796909|}
    {geosearch Sicily frommember Palermo byradius 200 km} {*2|$7|Palermo|$7|Catania|}
    {geosearch Sicily frommember Palermo bybox 400 400 km withdist withcoord asc} {*2|*3|$7|Palermo|$6|0.0000|*2|,13.36138933897018433|,38.11555639549629859|*3|$7|Catania|$8|166.2742|*2|,15.08726745843887329|,37.50266842333162032|}
    {geosearch Sicily frommember nosuch bybox 400 400 km} {-ERR could not decode requested zset member|}
    {geosearch nokey frommember nosuch bybox 400 400 km} {*0|}
    {geosearch Sicily fromlonlat 15 37 bybox 400 400 km withhash} {*2|*2|$7|Palermo|:3479099956230698|*2|$7|Catania|:3479447370796909|}
    {geosearch Sicily fromlonlat 15 37} {-ERR wrong number of arguments for 'geosearch' command|}
    {geosearch Sicily bybox 400 400 km} {-ERR wrong number of arguments for 'geosearch' command|}
    {GeoSearch Sicily bybox 400 400 km asc} {-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GeoSearch|}
    {GEOSEARCH Sicily fromlonlat 15 37 asc count 1} {-ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH|}
    {geosearch Sicily fromlonlat 15 37 frommember Palermo byradius 1 km} {-ERR syntax error|}
    {geosearch Sicily frommember Palermo fromlonlat 15 37 byradius 1 km} {-ERR syntax error|}
    {geosearch Sicily frommember Palermo byradius 1 km bybox 1 1 km} {-ERR syntax error|}
    {geosearch Sicily frommember Palermo bybox 1 1 km byradius 1 km} {-ERR syntax error|}
    {geosearch Sicily frommember Palermo bybox -1 1 km} {-ERR height or width cannot be negative|}
    {geosearch Sicily frommember Palermo bybox 1 -1 km} {-ERR height or width cannot be negative|}
    {geosearch Sicily frommember Palermo bybox x 1 km} {-ERR need numeric width|}
    {geosearch Sicily frommember Palermo bybox 1 x km} {-ERR need numeric height|}
    {geosearch Sicily frommember Palermo bybox 1 1 kk} {-ERR unsupported unit provided. please use M, KM, FT, MI|}
    {geosearch Sicily frommember Palermo byradius x km} {-ERR need numeric radius|}
    {geosearch Sicily frommember Palermo byradius 1} {-ERR wrong number of arguments for 'geosearch' command|}
    {geosearch Sicily fromlonlat 1000 1 byradius 1 km} {-ERR invalid longitude,latitude pair 1000.000000,1.000000|}
    {geosearch Sicily fromlonlat x 1 byradius 1 km} {-ERR value is not a valid float|}
    {geosearch Sicily frommember Palermo byradius 200 km store x} {-ERR syntax error|}
    {geosearch Sicily frommember Palermo byradius 200 km storedist} {-ERR syntax error|}
    {geosearch Sicily frommember Palermo byradius 200 km any} {-ERR the ANY argument requires COUNT argument|}
    {geosearchstore d3 Sicily frommember Palermo byradius 200 km withdist} {-ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options|}
    {geosearchstore d3 Sicily frommember Palermo byradius 200 km storedist} {:2|}
    {zrange d3 0 -1 withscores} {*2|*2|$7|Palermo|,0|*2|$7|Catania|,166.27415156960032|}
    {geosearchstore d3 Sicily frommember Palermo bybox 600 600 km desc count 2} {:2|}
    {zrange d3 0 -1 withscores} {*2|*2|$7|Palermo|,3479099956230698|*2|$7|Catania|,3479447370796909|}
    {geosearchstore d3 nokey frommember Palermo bybox 600 600 km} {:0|}
    {exists d3} {:0|}
    {geosearchstore d3 Sicily frommember Palermo byradius 200 km store x} {-ERR syntax error|}
    {geosearchstore d3 str frommember Palermo byradius 200 km} {:2|}
    {geosearchstore str Sicily frommember Palermo byradius 200 km} {:2|}
    {type str} {+zset|}
    {geosearch Sicily frommember Palermo byradius 0 km} {*1|$7|Palermo|}
    {geosearch Sicily frommember Palermo byradius inf km} {*4|$3|new|$7|Palermo|$7|Catania|$5|edge2|}
    {geosearch Sicily fromlonlat 0 0 bybox inf inf km} {*4|$3|new|$7|Palermo|$7|Catania|$5|edge2|}
    {geosearch Sicily fromlonlat 0 0 bybox 0 0 km} {*0|}
    {georadius Sicily 15 37 200 km count 1 count 2} {*2|$7|Catania|$7|Palermo|}
    {georadius Sicily 15 37 200 km withdist withdist asc desc} {*2|*2|$7|Palermo|$8|190.4424|*2|$7|Catania|$7|56.4413|}
    {geopos Sicily} {*0|}
    {geohash Sicily} {*0|}
    {georadius pts 13 38 30 km withdist asc count 5} {*2|*2|$2|p6|$7|18.0822|*2|$3|p14|$7|24.2224|}
    {geosearch pts fromlonlat 13 38 bybox 30 60.0 km withcoord desc count 4} {*1|*2|$2|p6|*2|,12.83903986215591431|,37.89841697266036391|}
    {georadius pts 13 38 200 km withdist asc count 5} {*5|*2|$2|p6|$7|18.0822|*2|$3|p14|$7|24.2224|*2|$3|p11|$7|37.7997|*2|$3|p31|$7|47.3970|*2|$3|p34|$7|53.8708|}
    {geosearch pts fromlonlat 13 38 bybox 200 400.0 km withcoord desc count 4} {*4|*2|$3|p18|*2|,13.97044390439987183|,38.71063541679546205|*2|$3|p30|*2|,13.88582020998001099|,38.75273460053092123|*2|$3|p10|*2|,13.5269889235496521|,37.20442045811800114|*2|$2|p2|*2|,13.35339635610580444|,38.78435778171483861|}
    {georadius pts 13 38 2000 km withdist asc count 5} {*5|*2|$2|p6|$7|18.0822|*2|$3|p14|$7|24.2224|*2|$3|p11|$7|37.7997|*2|$3|p31|$7|47.3970|*2|$3|p34|$7|53.8708|}
    {geosearch pts fromlonlat 13 38 bybox 2000 4000.0 km withcoord desc count 4} {*4|*2|$3|p18|*2|,13.97044390439987183|,38.71063541679546205|*2|$3|p30|*2|,13.88582020998001099|,38.75273460053092123|*2|$3|p10|*2|,13.5269889235496521|,37.20442045811800114|*2|$2|p2|*2|,13.35339635610580444|,38.78435778171483861|}
    {georadius pts 13 38 6000 km withdist asc count 5} {*5|*2|$2|p6|$7|18.0822|*2|$3|p14|$7|24.2224|*2|$3|p11|$7|37.7997|*2|$3|p31|$7|47.3970|*2|$3|p34|$7|53.8708|}
    {geosearch pts fromlonlat 13 38 bybox 6000 12000.0 km withcoord desc count 4} {*4|*2|$2|p4|*2|,-169.27300125360488892|,81.10412309134578379|*2|$3|p16|*2|,130.21448582410812378|,82.91562747061750827|*2|$3|p12|*2|,-56.17594152688980103|,81.3358295566844447|*2|$3|p20|*2|,-16.77229017019271851|,84.21225901023503013|}
    {georadius pts 13 38 100 mi withdist asc count 5} {*5|*2|$2|p6|$7|11.2358|*2|$3|p14|$7|15.0512|*2|$3|p11|$7|23.4877|*2|$3|p31|$7|29.4512|*2|$3|p34|$7|33.4739|}
    {geosearch pts fromlonlat 13 38 bybox 100 200.0 mi withcoord desc count 4} {*4|*2|$3|p30|*2|,13.88582020998001099|,38.75273460053092123|*2|$3|p10|*2|,13.5269889235496521|,37.20442045811800114|*2|$2|p2|*2|,13.35339635610580444|,38.78435778171483861|*2|$2|p7|*2|,12.55638331174850464|,38.73860099534645229|}
    {georadius pts 13 38 150000 ft withdist asc count 5} {*3|*2|$2|p6|$10|59324.7126|*2|$3|p14|$10|79469.9430|*2|$3|p11|$11|124014.6142|}
    {geosearch pts fromlonlat 13 38 bybox 150000 300000.0 ft withcoord desc count 4} {*3|*2|$3|p11|*2|,12.75985568761825562|,37.71796003444239176|*2|$3|p14|*2|,12.75707155466079712|,38.10408171280797518|*2|$2|p6|*2|,12.83903986215591431|,37.89841697266036391|}
    {georadius pts 13 38 0 m withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 13 38 bybox 0 0.0 m withcoord desc count 4} {*0|}
    {geosearch pts fromlonlat 13 38 byradius 20000 km count 3 any} {*3|$3|p10|$2|p3|$3|p23|}
    {geosearch pts fromlonlat 13 38 byradius 20000 km count 3 any asc withhash} {*3|*2|$2|p3|:3478914265615034|*2|$3|p23|:3478977541392300|*2|$3|p10|:3476095267324390|}
    {georadius pts 179.99 0 30 km withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 179.99 0 bybox 30 60.0 km withcoord desc count 4} {*0|}
    {georadius pts 179.99 0 200 km withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 179.99 0 bybox 200 400.0 km withcoord desc count 4} {*0|}
    {georadius pts 179.99 0 2000 km withdist asc count 5} {*5|*2|$3|p21|$9|1135.6884|*2|$2|p5|$9|1343.5595|*2|$2|p1|$9|1578.1267|*2|$3|p33|$9|1690.9154|*2|$3|p17|$9|1822.3446|}
    {geosearch pts fromlonlat 179.99 0 bybox 2000 4000.0 km withcoord desc count 4} {*4|*2|$3|p29|*2|,-179.97322350740432739|,-17.34102993325628717|*2|$2|p9|*2|,-179.97221499681472778|,-17.08117285472201274|*2|$3|p17|*2|,179.96612638235092163|,16.38409918869221116|*2|$3|p33|*2|,179.92648869752883911|,-15.20234881617940204|}
    {georadius pts 179.99 0 6000 km withdist asc count 5} {*5|*2|$3|p21|$9|1135.6884|*2|$2|p5|$9|1343.5595|*2|$2|p1|$9|1578.1267|*2|$3|p33|$9|1690.9154|*2|$3|p17|$9|1822.3446|}
    {geosearch pts fromlonlat 179.99 0 bybox 6000 12000.0 km withcoord desc count 4} {*4|*2|$3|p13|*2|,-179.94637459516525269|,28.38694679443342039|*2|$3|p37|*2|,-179.99090999364852905|,-27.17301813680280631|*2|$3|p25|*2|,-179.9730035662651062|,25.52346976600704664|*2|$3|p29|*2|,-179.97322350740432739|,-17.34102993325628717|}
    {georadius pts 179.99 0 100 mi withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 179.99 0 bybox 100 200.0 mi withcoord desc count 4} {*0|}
    {georadius pts 179.99 0 150000 ft withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 179.99 0 bybox 150000 300000.0 ft withcoord desc count 4} {*0|}
    {georadius pts 179.99 0 0 m withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 179.99 0 bybox 0 0.0 m withcoord desc count 4} {*0|}
    {geosearch pts fromlonlat 179.99 0 byradius 20000 km count 3 any} {*3|$3|p10|$2|p3|$3|p23|}
    {geosearch pts fromlonlat 179.99 0 byradius 20000 km count 3 any asc withhash} {*3|*2|$3|p23|:3478977541392300|*2|$2|p3|:3478914265615034|*2|$3|p10|:3476095267324390|}
    {georadius pts -179.99 1 30 km withdist asc count 5} {*0|}
    {geosearch pts fromlonlat -179.99 1 bybox 30 60.0 km withcoord desc count 4} {*0|}
    {georadius pts -179.99 1 200 km withdist asc count 5} {*0|}
    {geosearch pts fromlonlat -179.99 1 bybox 200 400.0 km withcoord desc count 4} {*0|}
    {georadius pts -179.99 1 2000 km withdist asc count 5} {*5|*2|$3|p21|$9|1024.4548|*2|$2|p5|$9|1232.3389|*2|$2|p1|$9|1466.9145|*2|$3|p17|$9|1711.1232|*2|$3|p33|$9|1802.1507|}
    {geosearch pts fromlonlat -179.99 1 bybox 2000 4000.0 km withcoord desc count 4} {*4|*2|$3|p33|*2|,179.92648869752883911|,-15.20234881617940204|*2|$3|p17|*2|,179.96612638235092163|,16.38409918869221116|*2|$2|p1|*2|,179.92232054471969604|,14.18827278307803397|*2|$2|p5|*2|,179.97160345315933228|,12.07949884096019133|}
    {georadius pts -179.99 1 6000 km withdist asc count 5} {*5|*2|$3|p21|$9|1024.4548|*2|$2|p5|$9|1232.3389|*2|$2|p1|$9|1466.9145|*2|$3|p17|$9|1711.1232|*2|$3|p33|$9|1802.1507|}
    {geosearch pts fromlonlat -179.99 1 bybox 6000 12000.0 km withcoord desc count 4} {*4|*2|$3|p37|*2|,-179.99090999364852905|,-27.17301813680280631|*2|$3|p13|*2|,-179.94637459516525269|,28.38694679443342039|*2|$3|p25|*2|,-179.9730035662651062|,25.52346976600704664|*2|$3|p29|*2|,-179.97322350740432739|,-17.34102993325628717|}
    {georadius pts -179.99 1 100 mi withdist asc count 5} {*0|}
    {geosearch pts fromlonlat -179.99 1 bybox 100 200.0 mi withcoord desc count 4} {*0|}
    {georadius pts -179.99 1 150000 ft withdist asc count 5} {*0|}
    {geosearch pts fromlonlat -179.99 1 bybox 150000 300000.0 ft withcoord desc count 4} {*0|}
    {georadius pts -179.99 1 0 m withdist asc count 5} {*0|}
    {geosearch pts fromlonlat -179.99 1 bybox 0 0.0 m withcoord desc count 4} {*0|}
    {geosearch pts fromlonlat -179.99 1 byradius 20000 km count 3 any} {*3|$3|p21|$3|p25|$3|p13|}
    {geosearch pts fromlonlat -179.99 1 byradius 20000 km count 3 any asc withhash} {*3|*2|$3|p21|:1131745753151145|*2|$3|p25|:1197648511929473|*2|$3|p13|:1200960301891764|}
    {georadius pts 0 84.9 30 km withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 0 84.9 bybox 30 60.0 km withcoord desc count 4} {*0|}
    {georadius pts 0 84.9 200 km withdist asc count 5} {*1|*2|$3|p20|$8|191.9105|}
    {geosearch pts fromlonlat 0 84.9 bybox 200 400.0 km withcoord desc count 4} {*0|}
    {georadius pts 0 84.9 2000 km withdist asc count 5} {*5|*2|$3|p20|$8|191.9105|*2|$3|p36|$8|627.5540|*2|$3|p12|$8|800.1170|*2|$3|p16|$9|1232.4350|*2|$2|p4|$9|1550.3672|}
    {geosearch pts fromlonlat 0 84.9 bybox 2000 4000.0 km withcoord desc count 4} {*3|*2|$3|p12|*2|,-56.17594152688980103|,81.3358295566844447|*2|$3|p36|*2|,-36.2158164381980896|,81.10757031212249046|*2|$3|p20|*2|,-16.77229017019271851|,84.21225901023503013|}
    {georadius pts 0 84.9 6000 km withdist asc count 5} {*5|*2|$3|p20|$8|191.9105|*2|$3|p36|$8|627.5540|*2|$3|p12|$8|800.1170|*2|$3|p16|$9|1232.4350|*2|$2|p4|$9|1550.3672|}
    {geosearch pts fromlonlat 0 84.9 bybox 6000 12000.0 km withcoord desc count 4} {*4|*2|$3|p10|*2|,13.5269889235496521|,37.20442045811800114|*2|$3|p26|*2|,13.3763238787651062|,37.43922942215568384|*2|$3|p34|*2|,13.12273710966110229|,37.52548344848683115|*2|$3|p11|*2|,12.75985568761825562|,37.71796003444239176|}
    {georadius pts 0 84.9 100 mi withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 0 84.9 bybox 100 200.0 mi withcoord desc count 4} {*0|}
    {georadius pts 0 84.9 150000 ft withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 0 84.9 bybox 150000 300000.0 ft withcoord desc count 4} {*0|}
    {georadius pts 0 84.9 0 m withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 0 84.9 bybox 0 0.0 m withcoord desc count 4} {*0|}
    {geosearch pts fromlonlat 0 84.9 byradius 20000 km count 3 any} {*3|$3|p10|$2|p3|$3|p23|}
    {geosearch pts fromlonlat 0 84.9 byradius 20000 km count 3 any asc withhash} {*3|*2|$3|p23|:3478977541392300|*2|$2|p3|:3478914265615034|*2|$3|p10|:3476095267324390|}
    {georadius pts 120 -84.9 30 km withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 120 -84.9 bybox 30 60.0 km withcoord desc count 4} {*0|}
    {georadius pts 120 -84.9 200 km withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 120 -84.9 bybox 200 400.0 km withcoord desc count 4} {*0|}
    {georadius pts 120 -84.9 2000 km withdist asc count 5} {*5|*2|$2|p8|$8|575.8865|*2|$3|p28|$8|785.8853|*2|$2|p0|$9|1046.4010|*2|$3|p32|$9|1143.5208|*2|$3|p24|$9|1267.2949|}
    {geosearch pts fromlonlat 120 -84.9 bybox 2000 4000.0 km withcoord desc count 4} {*2|*2|$3|p28|*2|,-159.86233681440353394|,-84.15010257796572546|*2|$2|p8|*2|,93.17065268754959106|,-80.80628068151767707|}
    {georadius pts 120 -84.9 6000 km withdist asc count 5} {*5|*2|$2|p8|$8|575.8865|*2|$3|p28|$8|785.8853|*2|$2|p0|$9|1046.4010|*2|$3|p32|$9|1143.5208|*2|$3|p24|$9|1267.2949|}
    {geosearch pts fromlonlat 120 -84.9 bybox 6000 12000.0 km withcoord desc count 4} {*4|*2|$3|p24|*2|,12.29035645723342896|,-81.23629612619950535|*2|$3|p32|*2|,-37.57251530885696411|,-84.61846581906721099|*2|$2|p0|*2|,50.19364446401596069|,-80.12630370970759941|*2|$3|p28|*2|,-159.86233681440353394|,-84.15010257796572546|}
    {georadius pts 120 -84.9 100 mi withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 120 -84.9 bybox 100 200.0 mi withcoord desc count 4} {*0|}
    {georadius pts 120 -84.9 150000 ft withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 120 -84.9 bybox 150000 300000.0 ft withcoord desc count 4} {*0|}
    {georadius pts 120 -84.9 0 m withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 120 -84.9 bybox 0 0.0 m withcoord desc count 4} {*0|}
    {geosearch pts fromlonlat 120 -84.9 byradius 20000 km count 3 any} {*3|$3|p24|$2|p0|$2|p8|}
    {geosearch pts fromlonlat 120 -84.9 byradius 20000 km count 3 any asc withhash} {*3|*2|$2|p8|:2816687878563296|*2|$2|p0|:2394710089133091|*2|$3|p24|:2261819959247380|}
    {georadius pts 13.5 38.2 30 km withdist asc count 5} {*2|*2|$3|p15|$7|14.4762|*2|$3|p22|$7|20.4008|}
    {geosearch pts fromlonlat 13.5 38.2 bybox 30 60.0 km withcoord desc count 4} {*2|*2|$3|p22|*2|,13.40363949537277222|,38.36709451918562053|*2|$3|p15|*2|,13.65880876779556274|,38.23704051122109604|}
    {georadius pts 13.5 38.2 200 km withdist asc count 5} {*5|*2|$3|p15|$7|14.4762|*2|$3|p22|$7|20.4008|*2|$3|p39|$7|40.2422|*2|$3|p19|$7|53.0047|*2|$3|p14|$7|65.8504|}
    {geosearch pts fromlonlat 13.5 38.2 bybox 200 400.0 km withcoord desc count 4} {*4|*2|$3|p10|*2|,13.5269889235496521|,37.20442045811800114|*2|$2|p7|*2|,12.55638331174850464|,38.73860099534645229|*2|$3|p26|*2|,13.3763238787651062|,37.43922942215568384|*2|$3|p11|*2|,12.75985568761825562|,37.71796003444239176|}
    {georadius pts 13.5 38.2 2000 km withdist asc count 5} {*5|*2|$3|p15|$7|14.4762|*2|$3|p22|$7|20.4008|*2|$3|p39|$7|40.2422|*2|$3|p19|$7|53.0047|*2|$3|p14|$7|65.8504|}
    {geosearch pts fromlonlat 13.5 38.2 bybox 2000 4000.0 km withcoord desc count 4} {*4|*2|$2|p3|*2|,12.17387884855270386|,37.8438444260997997|*2|$3|p23|*2|,12.14280277490615845|,38.26995640019627132|*2|$3|p38|*2|,12.21929937601089478|,38.25489255234631969|*2|$3|p10|*2|,13.5269889235496521|,37.20442045811800114|}
    {georadius pts 13.5 38.2 6000 km withdist asc count 5} {*5|*2|$3|p15|$7|14.4762|*2|$3|p22|$7|20.4008|*2|$3|p39|$7|40.2422|*2|$3|p19|$7|53.0047|*2|$3|p14|$7|65.8504|}
    {geosearch pts fromlonlat 13.5 38.2 bybox 6000 12000.0 km withcoord desc count 4} {*4|*2|$2|p4|*2|,-169.27300125360488892|,81.10412309134578379|*2|$3|p16|*2|,130.21448582410812378|,82.91562747061750827|*2|$3|p12|*2|,-56.17594152688980103|,81.3358295566844447|*2|$3|p20|*2|,-16.77229017019271851|,84.21225901023503013|}
    {georadius pts 13.5 38.2 100 mi withdist asc count 5} {*5|*2|$3|p15|$6|8.9951|*2|$3|p22|$7|12.6765|*2|$3|p39|$7|25.0054|*2|$3|p19|$7|32.9356|*2|$3|p14|$7|40.9176|}
    {geosearch pts fromlonlat 13.5 38.2 bybox 100 200.0 mi withcoord desc count 4} {*4|*2|$3|p10|*2|,13.5269889235496521|,37.20442045811800114|*2|$3|p26|*2|,13.3763238787651062|,37.43922942215568384|*2|$3|p11|*2|,12.75985568761825562|,37.71796003444239176|*2|$3|p27|*2|,12.64856547117233276|,38.5366268092068438|}
    {georadius pts 13.5 38.2 150000 ft withdist asc count 5} {*3|*2|$3|p15|$10|47494.2362|*2|$3|p22|$10|66931.7070|*2|$3|p39|$11|132028.3067|}
    {geosearch pts fromlonlat 13.5 38.2 bybox 150000 300000.0 ft withcoord desc count 4} {*3|*2|$3|p39|*2|,13.58415752649307251|,37.84432095367775872|*2|$3|p22|*2|,13.40363949537277222|,38.36709451918562053|*2|$3|p15|*2|,13.65880876779556274|,38.23704051122109604|}
    {georadius pts 13.5 38.2 0 m withdist asc count 5} {*0|}
    {geosearch pts fromlonlat 13.5 38.2 bybox 0 0.0 m withcoord desc count 4} {*0|}
    {geosearch pts fromlonlat 13.5 38.2 byradius 20000 km count 3 any} {*3|$3|p10|$2|p3|$3|p23|}
    {geosearch pts fromlonlat 13.5 38.2 byradius 20000 km count 3 any asc withhash} {*3|*2|$3|p10|:3476095267324390|*2|$3|p23|:3478977541392300|*2|$2|p3|:3478914265615034|}
    {georadiusbymember pts p2 500 km withdist withhash withcoord asc} {*20|*4|$2|p2|$6|0.0000|:3479283210034466|*2|,13.35339635610580444|,38.78435778171483861|*4|$3|p35|$7|16.0206|:3479281777212347|*2|,13.16917151212692261|,38.7956448950373769|*4|$3|p30|$7|46.3061|:3479315340289936|*2|,13.88582020998001099|,38.75273460053092123|*4|$3|p22|$7|46.6158|:3479114049986203|*2|,13.40363949537277222|,38.36709451918562053|*4|$3|p18|$7|54.1512|:3479316681784111|*2|,13.97044390439987183|,38.71063541679546205|*4|$3|p15|$7|66.4262|:3479115287778760|*2|,13.65880876779556274|,38.23704051122109604|*4|$3|p27|$7|67.1314|:3478992226643051|*2|,12.64856547117233276|,38.5366268092068438|*4|$2|p7|$7|69.3116|:3479179315082362|*2|,12.55638331174850464|,38.73860099534645229|*4|$3|p31|$7|82.0993|:3478987609241740|*2|,12.62935549020767212|,38.3108769385926351|*4|$3|p14|$7|91.7804|:3479066124888457|*2|,12.75707155466079712|,38.10408171280797518|*4|$3|p39|$8|106.4785|:3479051705243816|*2|,13.58415752649307251|,37.84432095367775872|*4|$2|p6|$8|108.2748|:3479063166649308|*2|,12.83903986215591431|,37.89841697266036391|*4|$3|p38|$8|114.9258|:3478978006792013|*2|,12.21929937601089478|,38.25489255234631969|*4|$3|p19|$8|118.6313|:3479056972514697|*2|,13.73296648263931274|,37.76025185698596687|*4|$3|p23|$8|119.8722|:3478977541392300|*2|,12.14280277490615845|,38.26995640019627132|*4|$3|p11|$8|129.4458|:3479014255569426|*2|,12.75985568761825562|,37.71796003444239176|*4|$3|p34|$8|141.4656|:3479007095856314|*2|,13.12273710966110229|,37.52548344848683115|*4|$2|p3|$8|146.7600|:3478914265615034|*2|,12.17387884855270386|,37.8438444260997997|*4|$3|p26|$8|149.6271|:3479031230052159|*2|,13.3763238787651062|,37.43922942215568384|*4|$3|p10|$8|176.3880|:3476095267324390|*2|,13.5269889235496521|,37.20442045811800114|}
    {georadiusbymember pts p3 500 km withdist withhash withcoord asc} {*20|*4|$2|p3|$6|0.0000|:3478914265615034|*2|,12.17387884855270386|,37.8438444260997997|*4|$3|p38|$7|45.8921|:3478978006792013|*2|,12.21929937601089478|,38.25489255234631969|*4|$3|p23|$7|47.4729|:3478977541392300|*2|,12.14280277490615845|,38.26995640019627132|*4|$3|p11|$7|53.3814|:3479014255569426|*2|,12.75985568761825562|,37.71796003444239176|*4|$2|p6|$7|58.7165|:3479063166649308|*2|,12.83903986215591431|,37.89841697266036391|*4|$3|p14|$7|58.7575|:3479066124888457|*2|,12.75707155466079712|,38.10408171280797518|*4|$3|p31|$7|65.4885|:3478987609241740|*2|,12.62935549020767212|,38.3108769385926351|*4|$3|p27|$7|87.5186|:3478992226643051|*2|,12.64856547117233276|,38.5366268092068438|*4|$3|p34|$7|90.7171|:3479007095856314|*2|,13.12273710966110229|,37.52548344848683115|*4|$2|p7|$8|104.9728|:3479179315082362|*2|,12.55638331174850464|,38.73860099534645229|*4|$3|p26|$8|115.0687|:3479031230052159|*2|,13.3763238787651062|,37.43922942215568384|*4|$3|p22|$8|122.3561|:3479114049986203|*2|,13.40363949537277222|,38.36709451918562053|*4|$3|p39|$8|123.8686|:3479051705243816|*2|,13.58415752649307251|,37.84432095367775872|*4|$3|p35|$8|136.9320|:3479281777212347|*2|,13.16917151212692261|,38.7956448950373769|*4|$3|p15|$8|137.2317|:3479115287778760|*2|,13.65880876779556274|,38.23704051122109604|*4|$3|p19|$8|137.3317|:3479056972514697|*2|,13.73296648263931274|,37.76025185698596687|*4|$3|p10|$8|138.9419|:3476095267324390|*2|,13.5269889235496521|,37.20442045811800114|*4|$2|p2|$8|146.7600|:3479283210034466|*2|,13.35339635610580444|,38.78435778171483861|*4|$3|p30|$8|180.4122|:3479315340289936|*2|,13.88582020998001099|,38.75273460053092123|*4|$3|p18|$8|184.1199|:3479316681784111|*2|,13.97044390439987183|,38.71063541679546205|}
    {georadiusbymember pts p6 500 km withdist withhash withcoord asc} {*20|*4|$2|p6|$6|0.0000|:3479063166649308|*2|,12.83903986215591431|,37.89841697266036391|*4|$3|p11|$7|21.2435|:3479014255569426|*2|,12.75985568761825562|,37.71796003444239176|*4|$3|p14|$7|23.9769|:3479066124888457|*2|,12.75707155466079712|,38.10408171280797518|*4|$3|p34|$7|48.4120|:3479007095856314|*2|,13.12273710966110229|,37.52548344848683115|*4|$3|p31|$7|49.4109|:3478987609241740|*2|,12.62935549020767212|,38.3108769385926351|*4|$2|p3|$7|58.7165|:3478914265615034|*2|,12.17387884855270386|,37.8438444260997997|*4|$3|p39|$7|65.6980|:3479051705243816|*2|,13.58415752649307251|,37.84432095367775872|*4|$3|p38|$7|67.2041|:3478978006792013|*2|,12.21929937601089478|,38.25489255234631969|*4|$3|p26|$7|69.6140|:3479031230052159|*2|,13.3763238787651062|,37.43922942215568384|*4|$3|p22|$7|71.8149|:3479114049986203|*2|,13.40363949537277222|,38.36709451918562053|*4|$3|p27|$7|72.9110|:3478992226643051|*2|,12.64856547117233276|,38.5366268092068438|*4|$3|p23|$7|73.6411|:3478977541392300|*2|,12.14280277490615845|,38.26995640019627132|*4|$3|p19|$7|80.0216|:3479056972514697|*2|,13.73296648263931274|,37.76025185698596687|*4|$3|p15|$7|81.0646|:3479115287778760|*2|,13.65880876779556274|,38.23704051122109604|*4|$2|p7|$7|96.6509|:3479179315082362|*2|,12.55638331174850464|,38.73860099534645229|*4|$3|p10|$7|98.1752|:3476095267324390|*2|,13.5269889235496521|,37.20442045811800114|*4|$3|p35|$8|103.8671|:3479281777212347|*2|,13.16917151212692261|,38.7956448950373769|*4|$2|p2|$8|108.2748|:3479283210034466|*2|,13.35339635610580444|,38.78435778171483861|*4|$3|p30|$8|131.8012|:3479315340289936|*2|,13.88582020998001099|,38.75273460053092123|*4|$3|p18|$8|133.8380|:3479316681784111|*2|,13.97044390439987183|,38.71063541679546205|}
    {georadiusbymember pts p1 500 km withdist withhash withcoord asc} {*4|*4|$2|p1|$6|0.0000|:4147064534154751|*2|,179.92232054471969604|,14.18827278307803397|*4|$2|p5|$8|234.6119|:4146167845709400|*2|,179.97160345315933228|,12.07949884096019133|*4|$3|p17|$8|244.2789|:4150308169791334|*2|,179.96612638235092163|,16.38409918869221116|*4|$3|p21|$8|442.6030|:1131745753151145|*2|,-179.9644741415977478|,10.21050952051582072|}
    {geosearchstore res pts frommember p2 bybox 400 300 km storedist} {:19|}
    {geosearchstore res pts frommember p5 bybox 400 300 km storedist} {:1|}
    {zrange res 0 -1 withscores} {*1|*2|$2|p5|,0|}
    {geohash pts p0 p1 p2 p3 p4 p5 p6 p7 p8 p9 p10 p11 p12 p13 p14 p15 p16 p17 p18 p19 p20 p21 p22 p23 p24 p25 p26 p27 p28 p29 p30 p31 p32 p33 p34 p35 p36 p37 p38 p39} {*40|$11|j1g8njmykw0|$11|xfxbwnzktv0|$11|sqckxu7xk80|$11|sq8xm128rg0|$11|bnrtkhe1v00|$11|xfpuxr524m0|$11|sq9ps5jn720|$11|sqbumspk8y0|$11|n1dk21sv390|$11|2hbnbdknzq0|$11|sq9eeuf53w0|$11|sq9nd677n10|$11|fy2n9wtzt90|$11|8j013pxjcw0|$11|sqc0f29km70|$11|sqc9wbf4ck0|$11|yysxen76930|$11|xfzvpnxk690|$11|sqcujzhcyc0|$11|sq9ybd013m0|$11|gwup466gcq0|$11|81b40fcbeb0|$11|sqcd3080x20|$11|sqb9sqf4eu0|$11|h389zems600|$11|8h810w7svp0|$11|sq9sbrs76f0|$11|sqbgpz6khg0|$11|03n360zy1e0|$11|2hbj2e5mpv0|$11|sqcu7yxr510|$11|sqbczqk3j30|$11|50vq958t8y0|$11|rvrcw26rzh0|$11|sq9m6x79vc0|$11|sqckewt3pb0|$11|gnqjrvhmy60|$11|250j2jq9ey0|$11|sqb9wh1ffk0|$11|sq9xm17eju0|}
    {geopos pts p0 p3 p6 p9 p12 p15 p18 p21 p24 p27 p30 p33 p36 p39} {*14|*2|,50.19364446401596069|,-80.12630370970759941|*2|,12.17387884855270386|,37.8438444260997997|*2|,12.83903986215591431|,37.89841697266036391|*2|,-179.97221499681472778|,-17.08117285472201274|*2|,-56.17594152688980103|,81.3358295566844447|*2|,13.65880876779556274|,38.23704051122109604|*2|,13.97044390439987183|,38.71063541679546205|*2|,-179.9644741415977478|,10.21050952051582072|*2|,12.29035645723342896|,-81.23629612619950535|*2|,12.64856547117233276|,38.5366268092068438|*2|,13.88582020998001099|,38.75273460053092123|*2|,179.92648869752883911|,-15.20234881617940204|*2|,-36.2158164381980896|,81.10757031212249046|*2|,13.58415752649307251|,37.84432095367775872|}
    {geodist pts p0 p7 m} {$13|13425297.5644|}
    {geodist pts p1 p8 km} {$10|11510.2031|}
    {geodist pts p2 p9 mi} {$10|10738.3915|}
    {geodist pts p3 p10 ft} {$11|455846.0486|}
    {geodist pts p4 p11 m} {$12|6804033.3419|}
    {georadius dup 10 10 100 km count 1 asc} {*1|$2|d2|}
    {geosearch dup fromlonlat 10.3 10 bybox 100 80 km count 1 asc} {*1|$2|e9|}
    {georadius dup 10 10 100 km count 1 desc} {*1|$3|e13|}
    {geosearch dup fromlonlat 10.3 10 bybox 100 80 km count 1 desc} {*1|$3|e13|}
    {georadius dup 10 10 100 km count 4 asc} {*4|$2|d2|$2|d1|$3|d10|$3|d11|}
    {geosearch dup fromlonlat 10.3 10 bybox 100 80 km count 4 asc} {*4|$2|e9|$2|e3|$3|e15|$3|e16|}
    {georadius dup 10 10 100 km count 4 desc} {*4|$3|e13|$2|e6|$2|e5|$3|e19|}
    {geosearch dup fromlonlat 10.3 10 bybox 100 80 km count 4 desc} {*4|$3|e13|$2|e6|$2|e5|$3|e19|}
    {georadius dup 10 10 100 km count 13 asc} {*13|$2|d2|$2|d1|$3|d10|$3|d11|$3|d12|$3|d13|$3|d14|$3|d15|$3|d16|$3|d17|$3|d18|$3|d19|$2|d0|}
    {geosearch dup fromlonlat 10.3 10 bybox 100 80 km count 13 asc} {*13|$2|e9|$2|e3|$3|e15|$3|e16|$3|e10|$2|e1|$3|e18|$2|e0|$2|e2|$2|e4|$2|e7|$3|e17|$2|e8|}
    {georadius dup 10 10 100 km count 13 desc} {*13|$3|e13|$2|e6|$2|e5|$3|e19|$3|e12|$3|e11|$2|e4|$3|e18|$3|e17|$3|e10|$2|e3|$2|e2|$3|e16|}
    {geosearch dup fromlonlat 10.3 10 bybox 100 80 km count 13 desc} {*13|$3|e13|$2|e6|$2|e5|$3|e19|$3|e12|$3|d13|$3|d14|$3|d15|$3|d16|$3|d17|$3|d18|$3|d19|$2|d0|}
    {georadius dup 10 10 100 km count 31 asc} {*31|$2|d2|$2|d1|$3|d10|$3|d11|$3|d12|$3|d13|$3|d14|$3|d15|$3|d16|$3|d17|$3|d18|$3|d19|$2|d0|$3|d20|$3|d21|$3|d22|$3|d23|$3|d24|$3|d25|$3|d26|$3|d27|$3|d28|$3|d29|$2|d3|$2|d4|$2|d5|$2|d6|$2|d7|$2|d8|$2|d9|$2|e0|}
    {geosearch dup fromlonlat 10.3 10 bybox 100 80 km count 31 asc} {*31|$2|e9|$2|e3|$3|e15|$3|e16|$3|e10|$2|e1|$3|e18|$2|e0|$2|e2|$2|e4|$2|e7|$3|e17|$2|e8|$3|e11|$3|e14|$3|d22|$3|d23|$3|d24|$3|d25|$3|d26|$3|d27|$3|d28|$3|d29|$2|d3|$2|d4|$2|d0|$2|d6|$2|d7|$2|d8|$2|d9|$2|d5|}
    {georadius dup 10 10 100 km count 31 desc} {*31|$3|e13|$2|e6|$2|e5|$3|e19|$3|e12|$3|e11|$2|e4|$3|e18|$3|e17|$3|e10|$2|e3|$2|e2|$3|e16|$2|e9|$2|e8|$3|e14|$2|e1|$3|e15|$2|e7|$2|e0|$3|d27|$3|d28|$3|d29|$2|d3|$2|d4|$2|d0|$2|d6|$2|d7|$2|d8|$2|d9|$2|d5|}
    {geosearch dup fromlonlat 10.3 10 bybox 100 80 km count 31 desc} {*31|$3|e13|$2|e6|$2|e5|$3|e19|$3|e12|$3|d13|$3|d14|$3|d15|$3|d16|$3|d17|$3|d18|$3|d19|$2|d0|$3|d20|$3|d21|$3|d22|$3|d23|$3|d24|$3|d25|$3|d26|$3|d27|$3|d28|$3|d29|$2|d3|$2|d4|$2|d5|$2|d6|$2|d7|$2|d8|$2|d9|$2|d2|}
    {georadius dup 10 10 100 km count 45 asc} {*45|$2|d2|$2|d1|$3|d10|$3|d11|$3|d12|$3|d13|$3|d14|$3|d15|$3|d16|$3|d17|$3|d18|$3|d19|$2|d0|$3|d20|$3|d21|$3|d22|$3|d23|$3|d24|$3|d25|$3|d26|$3|d27|$3|d28|$3|d29|$2|d3|$2|d4|$2|d5|$2|d6|$2|d7|$2|d8|$2|d9|$2|e0|$2|e7|$3|e15|$2|e1|$3|e14|$2|e8|$2|e9|$3|e16|$2|e2|$2|e3|$3|e10|$3|e17|$3|e18|$2|e4|$3|e11|}
    {geosearch dup fromlonlat 10.3 10 bybox 100 80 km count 45 asc} {*45|$2|e9|$2|e3|$3|e15|$3|e16|$3|e10|$2|e1|$3|e18|$2|e0|$2|e2|$2|e4|$2|e7|$3|e17|$2|e8|$3|e11|$3|e14|$3|d22|$3|d23|$3|d24|$3|d25|$3|d26|$3|d27|$3|d28|$3|d29|$2|d3|$2|d4|$2|d0|$2|d6|$2|d7|$2|d8|$2|d9|$2|d5|$2|d1|$3|d10|$3|d11|$3|d12|$3|d13|$3|d14|$3|d15|$3|d16|$3|d17|$3|d18|$3|d19|$2|d2|$3|d20|$3|d21|}
    {georadius dup 10 10 100 km count 45 desc} {*45|$3|e13|$2|e6|$2|e5|$3|e19|$3|e12|$3|e11|$2|e4|$3|e18|$3|e17|$3|e10|$2|e3|$2|e2|$3|e16|$2|e9|$2|e8|$3|e14|$2|e1|$3|e15|$2|e7|$2|e0|$3|d27|$3|d28|$3|d29|$2|d3|$2|d4|$2|d0|$2|d6|$2|d7|$2|d8|$2|d9|$2|d5|$2|d1|$3|d10|$3|d11|$3|d12|$3|d13|$3|d14|$3|d15|$3|d16|$3|d17|$3|d18|$3|d19|$2|d2|$3|d20|$3|d21|}
    {geosearch dup fromlonlat 10.3 10 bybox 100 80 km count 45 desc} {*45|$3|e13|$2|e6|$2|e5|$3|e19|$3|e12|$3|d13|$3|d14|$3|d15|$3|d16|$3|d17|$3|d18|$3|d19|$2|d0|$3|d20|$3|d21|$3|d22|$3|d23|$3|d24|$3|d25|$3|d26|$3|d27|$3|d28|$3|d29|$2|d3|$2|d4|$2|d5|$2|d6|$2|d7|$2|d8|$2|d9|$2|d2|$2|d1|$3|d10|$3|d11|$3|d12|$3|e14|$3|e11|$2|e8|$3|e17|$2|e7|$2|e4|$2|e2|$2|e0|$3|e18|$2|e1|}
    {georadius dup 10 10 100 km asc} {*50|$2|d0|$2|d1|$3|d10|$3|d11|$3|d12|$3|d13|$3|d14|$3|d15|$3|d16|$3|d17|$3|d18|$3|d19|$2|d2|$3|d20|$3|d21|$3|d22|$3|d23|$3|d24|$3|d25|$3|d26|$3|d27|$3|d28|$3|d29|$2|d3|$2|d4|$2|d5|$2|d6|$2|d7|$2|d8|$2|d9|$2|e0|$2|e7|$3|e15|$2|e1|$3|e14|$2|e8|$2|e9|$3|e16|$2|e2|$2|e3|$3|e10|$3|e17|$3|e18|$2|e4|$3|e11|$3|e12|$3|e19|$2|e5|$2|e6|$3|e13|}
    {georadius dup 10 10 100 km} {*50|$2|d0|$2|d1|$3|d10|$3|d11|$3|d12|$3|d13|$3|d14|$3|d15|$3|d16|$3|d17|$3|d18|$3|d19|$2|d2|$3|d20|$3|d21|$3|d22|$3|d23|$3|d24|$3|d25|$3|d26|$3|d27|$3|d28|$3|d29|$2|d3|$2|d4|$2|d5|$2|d6|$2|d7|$2|d8|$2|d9|$2|e0|$2|e7|$3|e14|$3|e15|$2|e9|$2|e1|$3|e16|$2|e3|$3|e18|$3|e10|$2|e4|$2|e8|$2|e2|$3|e17|$3|e11|$3|e12|$2|e6|$3|e19|$3|e13|$2|e5|}
}

start_server {tags {geo}} {
    test "Geo commands reply byte for byte as redis-server 7.0.15 (RESP2)" {
        r flushall
        assert_equal {} [geo_run_table $::geo_table]
    }

    test "Geo commands reply byte for byte as redis-server 7.0.15 (RESP3)" {
        r hello 3
        assert_equal {} [geo_run_table $::geo_table_resp3]
        r hello 2
    }

    test "GEOADD stores the 52-bit geohash as the zset score" {
        r del g
        assert_equal 2 [r geoadd g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania]
        assert_equal 3479099956230698 [r zscore g Palermo]
        assert_equal 3479447370796909 [r zscore g Catania]
        assert_equal {Palermo Catania} [r zrange g 0 -1]
        assert_equal listpack [r object encoding g]
        assert_equal 0 [r geoadd g nx 1 1 Palermo]
        assert_equal 1 [r geoadd g xx ch 1 1 Palermo]
        assert_equal 3377822707026402 [r zscore g Palermo]
        assert_equal zset [r type g]
    }

    test "GEOADD errors leave the key untouched" {
        r del g
        r geoadd g 1 1 a
        assert_error {*invalid longitude,latitude pair 181.000000,1.000000*} {r geoadd g 2 2 b 181 1 c}
        assert_error {*not a valid float*} {r geoadd g 2 2 b x 1 c}
        assert_error {*syntax error*} {r geoadd g nx xx 2 2 b}
        assert_error {*syntax error*} {r geoadd g 2 2 b 3}
        assert_equal {a} [r zrange g 0 -1]
        r set s x
        assert_error {*WRONGTYPE*} {r geoadd s 1 1 a}
    }

    test "GEOSEARCH and GEORADIUS over a skiplist-encoded zset (many points)" {
        r del many
        set args {}
        for {set i 0} {$i < 300} {incr i} {
            lappend args [expr {-10 + ($i % 20) * 0.1}] [expr {40 + ($i / 20) * 0.1}] "m$i"
        }
        assert_equal 300 [r geoadd many {*}$args]
        assert_equal skiplist [r object encoding many]
        # the grid spacing is 0.1 degrees: about 11.1 km north-south
        set near [r geosearch many fromlonlat -9 41 byradius 12 km asc]
        assert_equal m210 [lindex $near 0]
        assert_equal 5 [llength $near]
        assert_equal [r georadius many -9 41 12 km asc] $near
        assert_equal [r georadius_ro many -9 41 12 km asc] $near
        assert_equal 3 [llength [r geosearch many fromlonlat -9 41 byradius 12 km count 3 any]]
        set box [r geosearch many frommember m210 bybox 17 24 km asc]
        assert_equal 9 [llength $box]
        assert_equal {m210} [r geosearch many frommember m210 bybox 1 1 km]
    }

    test "GEORADIUS STORE / STOREDIST and GEOSEARCHSTORE across shards" {
        r del "{a}src" "{b}dst" "{c}dst"
        r geoadd "{a}src" 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
        assert_equal 2 [r georadius "{a}src" 15 37 200 km store "{b}dst"]
        assert_equal {Palermo 3479099956230698 Catania 3479447370796909} [r zrange "{b}dst" 0 -1 withscores]
        assert_equal 2 [r georadius "{a}src" 15 37 200 km storedist "{c}dst"]
        assert_equal {Catania 56.441257870158204 Palermo 190.44242984775784} [r zrange "{c}dst" 0 -1 withscores]
        assert_equal 1 [r georadiusbymember "{a}src" Palermo 10 km store "{b}dst"]
        assert_equal {Palermo} [r zrange "{b}dst" 0 -1]
        assert_equal 2 [r geosearchstore "{c}dst" "{a}src" frommember Palermo byradius 200 km storedist]
        assert_equal {Palermo 0 Catania 166.27415156960032} [r zrange "{c}dst" 0 -1 withscores]
        assert_equal 1 [r geosearchstore "{b}dst" "{a}src" fromlonlat 15 37 bybox 200 200 km asc count 1]
        assert_equal {Catania} [r zrange "{b}dst" 0 -1]
        # nothing found: the destination is deleted
        assert_equal 0 [r geosearchstore "{b}dst" "{a}src" fromlonlat 0 0 byradius 1 m]
        assert_equal 0 [r exists "{b}dst"]
        assert_equal 0 [r georadius "{a}nokey" 0 0 1 m store "{c}dst"]
        assert_equal 0 [r exists "{c}dst"]
        # the destination may hold another type: it is replaced
        r set "{b}dst" x
        assert_equal 2 [r georadius "{a}src" 15 37 200 km store "{b}dst"]
        assert_equal zset [r type "{b}dst"]
    }

    test "GEOSEARCHSTORE inside MULTI with keys on several shards" {
        r del "{a}src" "{b}dst"
        r geoadd "{a}src" 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
        r multi
        r geosearchstore "{b}dst" "{a}src" frommember Palermo byradius 200 km
        r geoadd "{a}src" 13.4 38.1 Near
        r georadius "{a}src" 13.361389 38.115556 10 km store "{b}dst"
        set res [r exec]
        assert_equal {2 1 2} $res
        assert_equal {Near Palermo} [r zrange "{b}dst" 0 -1]
    }

    test "Geo commands see zsets written by ZADD and are seen by ZSCORE" {
        r del z
        r zadd z 3479099956230698 a
        assert_equal {{13.36138933897018433 38.11555639549629859}} [r geopos z a]
        assert_equal {sqc8b49rny0} [r geohash z a]
        assert_equal {a} [r geosearch z fromlonlat 13.36 38.11 byradius 1 km]
    }
}
