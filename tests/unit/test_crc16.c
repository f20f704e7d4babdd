/*
 * test_crc16.c - unit tests for crc16() and key_slot() (src/util/crc16.c).
 *
 * The slot numbers below were read from a real redis-server 7.0.15 started
 * with --cluster-enabled yes, using CLUSTER KEYSLOT (binary keys were sent
 * as raw RESP bulk strings).
 */
#include "test.h"

#include <stdint.h>

#include "util/crc16.h"

/* Bit-at-a-time CRC16-CCITT/XMODEM (poly 0x1021, init 0, no reflection),
 * written independently of the table-driven one under test. */
static uint16_t crc16_bitwise(const char *p, size_t n) {
    uint16_t crc = 0;
    for (size_t i = 0; i < n; i++) {
        crc ^= (uint16_t)((unsigned char)p[i] << 8);
        for (int b = 0; b < 8; b++)
            crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
    }
    return crc;
}

#define SLOT(lit) key_slot((lit), sizeof(lit) - 1)
#define CRC(lit) crc16((lit), sizeof(lit) - 1)

static void test_crc16_check_value(void) {
    /* the standard check value of CRC-16/XMODEM, also in the cluster spec */
    ASSERT(CRC("123456789") == 0x31C3);
    ASSERT(crc16("", 0) == 0);
    ASSERT(CRC("A") == crc16_bitwise("A", 1));
}

static void test_crc16_matches_bitwise(void) {
    uint32_t x = 2463534242u;
    char buf[300];
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        size_t n = x % sizeof(buf);
        for (size_t j = 0; j < n; j++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            buf[j] = (char)(x >> 11);
        }
        ASSERT(crc16(buf, n) == crc16_bitwise(buf, n));
    }
    /* every single byte value, so each table entry is reached */
    for (int c = 0; c < 256; c++) {
        char b = (char)c;
        ASSERT(crc16(&b, 1) == crc16_bitwise(&b, 1));
    }
}

/* Plain keys, as answered by CLUSTER KEYSLOT. */
static void test_slots_plain_keys(void) {
    ASSERT(SLOT("foo") == 12182);
    ASSERT(SLOT("bar") == 5061);
    ASSERT(SLOT("hello") == 866);
    ASSERT(SLOT("") == 0);
    ASSERT(SLOT("c") == 7365);
    ASSERT(SLOT("key:0") == 2592);
    ASSERT(SLOT("key:1") == 6657);
    ASSERT(SLOT("123456789") == 12739); /* 0x31C3 & 16383 */
    ASSERT(SLOT("somekey") == 11058);
    ASSERT(SLOT("mykey") == 14687);
    ASSERT(SLOT("Hello World") == 6442);
    ASSERT(SLOT("redis") == 1151);
    ASSERT(SLOT("user1000") == 3443);
}

static void test_slots_hash_tags(void) {
    /* the spec's examples */
    ASSERT(SLOT("{user1000}.following") == 3443);
    ASSERT(SLOT("{user1000}.followers") == 3443);
    ASSERT(SLOT("{user1000}") == 3443);
    /* empty tag: the whole key is hashed */
    ASSERT(SLOT("foo{}{bar}") == 8363);
    ASSERT(SLOT("foo{}{bar}") == (crc16("foo{}{bar}", 10) & 16383));
    ASSERT(SLOT("foo{}{bar}") != SLOT("bar"));
    /* the tag runs from the first '{' to the first '}' after it */
    ASSERT(SLOT("foo{{bar}}zap") == 4015);
    ASSERT(SLOT("foo{{bar}}zap") == SLOT("{bar"));
    /* only the first tag counts */
    ASSERT(SLOT("foo{bar}{zap}") == 5061);
    ASSERT(SLOT("foo{bar}{zap}") == SLOT("bar"));
    ASSERT(SLOT("{}") == 15257);
    ASSERT(SLOT("{}a") == 10875);
    ASSERT(SLOT("{") == 4092);
    ASSERT(SLOT("}") == 12090);
    ASSERT(SLOT("{a") == 10276);   /* no closing brace: whole key */
    ASSERT(SLOT("a{b") == 13340);
    ASSERT(SLOT("abc{") == 3048);
    ASSERT(SLOT("{a}") == 15495);
    ASSERT(SLOT("a}b{c}") == 7365); /* a '}' before the '{' does not count */
    ASSERT(SLOT("a}b{c}") == SLOT("c"));
    ASSERT(SLOT("{{}}") == 4092);   /* tag is "{" */
    ASSERT(SLOT("x{}y{z}") == 15453);
    ASSERT(SLOT("{user}:1") == 5474);
    ASSERT(SLOT("user:{1000}") == 11326);
}

/* Keys with NUL and high bytes: nothing stops at a NUL. */
static void test_slots_binary_keys(void) {
    ASSERT(SLOT("a\0b") == 8383);
    ASSERT(SLOT("{\0}x") == 0); /* tag is a single NUL byte, crc16 = 0 */
    ASSERT(SLOT("\xff\xfe\0\x01") == 9169);
    ASSERT(SLOT("\r\n{\r\n}") == 5910);
    ASSERT(SLOT("\r\n{\r\n}") == SLOT("\r\n"));
}

/* Slots are always below 16384 and a key with a tag matches its tag. */
static void test_slots_range_and_tags(void) {
    uint32_t x = 88675123u;
    char key[64], tag[16];
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        size_t tl = 1 + x % 10;
        for (size_t j = 0; j < tl; j++) tag[j] = (char)('a' + (x >> (j + 3)) % 26);
        int n = snprintf(key, sizeof(key), "pre%u{%.*s}post{zz}", x % 1000, (int)tl, tag);
        unsigned s = key_slot(key, (size_t)n);
        ASSERT(s < CLUSTER_SLOTS);
        ASSERT(s == key_slot(tag, tl));
        ASSERT(s == (crc16_bitwise(tag, tl) & (CLUSTER_SLOTS - 1)));
        ASSERT(key_slot(key, 3) == (crc16_bitwise(key, 3) & (CLUSTER_SLOTS - 1)));
    }
}

TEST_MAIN(test_crc16_check_value, test_crc16_matches_bitwise, test_slots_plain_keys,
          test_slots_hash_tags, test_slots_binary_keys, test_slots_range_and_tags)
