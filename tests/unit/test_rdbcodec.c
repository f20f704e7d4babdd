/*
 * test_rdbcodec.c - unit tests for the RDB codec (src/persist/rdbcodec.c):
 * the CRC64, lengths, strings in their three encodings, and the DUMP
 * trailer.
 *
 * The DUMP payload below was made by a real redis-server 7.0.15 (FUNCTION
 * DUMP holding one library, so the code is an LZF-compressed string).
 */
#include "test.h"

#include <stdint.h>

#include "persist/rdbcodec.h"

static const char ref_hex[] = "f5c3406c40711f23216c7561206e616d653d7265660a72656469732e72656769737465725f6675"
                              "076e6374696f6e2827201c045f66"
                              "272c20e000111a6b6579732c2061726773292072657475726e20276d616465206279200f20450d"
                              "2d7365727665722027202e2e2023"
                              "402e0420656e64290a00f207896ca3aa58a7";
static const char ref_code[] =
    "#!lua name=ref\nredis.register_function('ref_f', function(keys, args) return 'made by redis-server ' .. "
    "#keys end)";

static size_t unhex(const char *h, unsigned char *out) {
    size_t n = 0;
    for (; h[0] && h[1]; h += 2) {
        unsigned v;
        sscanf(h, "%2x", &v);
        out[n++] = (unsigned char)v;
    }
    return n;
}

static void test_crc64_check_value(void) {
    /* the check value of CRC-64/Jones as redis-server's crc64 test prints it */
    ASSERT(crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9caULL);
    ASSERT(crc64(0, "", 0) == 0);
    /* in pieces, the same */
    ASSERT(crc64(crc64(0, "1234", 4), "56789", 5) == 0xe9c6d914c4b8d9caULL);
}

/* The byte-at-a-time definition, to hold the table-driven one to. */
static uint64_t crc64_bitwise(uint64_t crc, const unsigned char *p, size_t len) {
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++) crc = (crc & 1) ? (crc >> 1) ^ 0x95ac9329ac4bc9b5ULL : crc >> 1;
    }
    return crc;
}

/* n pseudo-random bytes from seed (the same on every run). */
static void fill_bytes(unsigned char *buf, size_t n, unsigned seed) {
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        buf[i] = (unsigned char)(seed >> 16);
    }
}

static void test_crc64_any_length_and_alignment(void) {
    unsigned char buf[300];
    fill_bytes(buf, sizeof(buf), 12345);
    for (size_t off = 0; off < 8; off++)
        for (size_t len = 0; len + off <= sizeof(buf); len += 7) {
            ASSERT(crc64(0, buf + off, len) == crc64_bitwise(0, buf + off, len));
            /* split anywhere: the same */
            size_t cut = len / 3;
            ASSERT(crc64(crc64(0, buf + off, cut), buf + off + cut, len - cut) ==
                   crc64_bitwise(0, buf + off, len));
        }
}

static void test_crc64_combine(void) {
    unsigned char buf[3000];
    fill_bytes(buf, sizeof(buf), 777);
    /* parts checksummed apart, folded: the checksum of the whole */
    const size_t cuts[] = {0, 1, 7, 8, 9, 255, 1024, 2999, 3000};
    for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        size_t a = cuts[i], b = sizeof(buf) - a;
        uint64_t whole = crc64_bitwise(0, buf, sizeof(buf));
        ASSERT(crc64_combine(crc64(0, buf, a), crc64(0, buf + a, b), b) == whole);
    }
    /* three parts, folded left to right */
    uint64_t c = crc64(0, buf, 100);
    c = crc64_combine(c, crc64(0, buf + 100, 1900), 1900);
    c = crc64_combine(c, crc64(0, buf + 2000, 1000), 1000);
    ASSERT(c == crc64(0, buf, sizeof(buf)));
    /* a length over 2^32 runs (the zeros' operator squared many times) */
    ASSERT(crc64_combine(0, 0, 1ULL << 33) == 0);
    ASSERT(crc64_combine(1, 0, 1ULL << 33) != 1);
}

static void test_lengths_round_trip(void) {
    const uint64_t lens[] = {0, 1, 63, 64, 16383, 16384, 4294967295ULL, 4294967296ULL, UINT64_MAX};
    const size_t sizes[] = {1, 1, 1, 2, 2, 5, 5, 9, 9};
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        struct buf b = {0};
        rdb_put_len(&b, lens[i]);
        ASSERT(b.len == sizes[i]);
        const unsigned char *p = (const unsigned char *)b.p, *end = p + b.len;
        uint64_t got;
        int special;
        ASSERT(rdb_get_len(&p, end, &got, &special));
        ASSERT(!special && got == lens[i] && p == end);
        /* one byte short: refused */
        p = (const unsigned char *)b.p;
        ASSERT(b.len == 1 || !rdb_get_len(&p, end - 1, &got, &special));
        buf_free(&b);
    }
}

static void test_strings_round_trip(void) {
    struct {
        const char *s;
        unsigned char tag; /* the first byte written */
    } cases[] = {{"", 0x00},    {"hello", 0x05},  {"0", 0xC0},     {"-128", 0xC0},       {"127", 0xC0},
                 {"128", 0xC1}, {"-32768", 0xC1}, {"32768", 0xC2}, {"2147483647", 0xC2}, {"2147483648", 0x0A},
                 {"007", 0x03}, {"-0", 0x02},     {"+1", 0x02}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct buf b = {0}, out = {0};
        size_t len = strlen(cases[i].s);
        rdb_put_string(&b, cases[i].s, len, 1);
        ASSERT((unsigned char)b.p[0] == cases[i].tag);
        const unsigned char *p = (const unsigned char *)b.p;
        ASSERT(rdb_get_string(&p, p + b.len, &out));
        ASSERT(out.len == len && (len == 0 || !memcmp(out.p, cases[i].s, len)));
        buf_free(&b);
        buf_free(&out);
    }
    /* long and repetitive: LZF, and back */
    char big[4000];
    for (size_t i = 0; i < sizeof(big); i++) big[i] = (char)('a' + (i % 7));
    struct buf b = {0}, out = {0};
    rdb_put_string(&b, big, sizeof(big), 1);
    ASSERT((unsigned char)b.p[0] == 0xC3 && b.len < sizeof(big) / 4);
    const unsigned char *p = (const unsigned char *)b.p;
    ASSERT(rdb_get_string(&p, p + b.len, &out));
    ASSERT(out.len == sizeof(big) && !memcmp(out.p, big, sizeof(big)));
    /* cut anywhere: refused, never read past the end */
    for (size_t cut = 0; cut < b.len; cut++) {
        struct buf o2 = {0};
        p = (const unsigned char *)b.p;
        ASSERT(!rdb_get_string(&p, p + cut, &o2));
        buf_free(&o2);
    }
    buf_free(&b);
    b = (struct buf){0};
    rdb_put_string(&b, big, sizeof(big), 0);
    ASSERT(b.len == sizeof(big) + 2 && (unsigned char)b.p[0] == 0x4f &&
           (unsigned char)b.p[1] == 0xa0); /* 14-bit length */
    buf_free(&b);
    buf_free(&out);
}

static void test_redis_dump_payload(void) {
    unsigned char pay[512];
    size_t n = unhex(ref_hex, pay);
    size_t body;
    ASSERT(rdb_check_dump(pay, n, &body));
    ASSERT(body == n - 10);
    ASSERT(pay[0] == RDB_OPCODE_FUNCTION2);
    const unsigned char *p = pay + 1;
    struct buf code = {0};
    ASSERT(rdb_get_string(&p, pay + body, &code));
    ASSERT(p == pay + body);
    ASSERT(code.len == sizeof(ref_code) - 1 && !memcmp(code.p, ref_code, code.len));
    /* one bit flipped anywhere: the checksum catches it */
    for (size_t i = 0; i < n; i++) {
        pay[i] ^= 0x10;
        ASSERT(!rdb_check_dump(pay, n, &body));
        pay[i] ^= 0x10;
    }
    ASSERT(!rdb_check_dump(pay, 9, &body));
    /* written here: the same trailer rules */
    struct buf b = {0};
    buf_putc(&b, (char)RDB_OPCODE_FUNCTION2);
    rdb_put_string(&b, code.p, code.len, 1);
    rdb_put_dump_footer(&b);
    ASSERT(rdb_check_dump(b.p, b.len, &body));
    ASSERT((unsigned char)b.p[body] == RDB_VERSION && b.p[body + 1] == 0);
    buf_free(&b);
    buf_free(&code);
}

TEST_MAIN(test_crc64_check_value, test_crc64_any_length_and_alignment, test_crc64_combine, test_lengths_round_trip,
          test_strings_round_trip, test_redis_dump_payload)
