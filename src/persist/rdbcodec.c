/*
 * rdbcodec.c - CRC64, lengths and strings of the RDB format (see
 * rdbcodec.h). LZF is Debian's liblzf, the same algorithm redis-server
 * embeds.
 */
#include "rdbcodec.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <liblzf/lzf.h>
#include <pthread.h>

#include "../util/util.h"

/* ---- CRC64: reflected Jones polynomial, no final xor ---- */

/* crc_table[0] is the byte-at-a-time table; crc_table[k][b] is the CRC of
 * byte b followed by k zero bytes, so eight bytes are folded in with eight
 * independent lookups (slicing-by-8) instead of eight dependent steps. */
static uint64_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void) {
    const uint64_t poly = 0x95ac9329ac4bc9b5ULL; /* 0xad93d23594c935a9 reflected */
    for (int i = 0; i < 256; i++) {
        uint64_t c = (uint64_t)i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
        crc_table[0][i] = c;
    }
    for (int i = 0; i < 256; i++)
        for (int k = 1; k < 8; k++)
            crc_table[k][i] = crc_table[0][crc_table[k - 1][i] & 0xff] ^ (crc_table[k - 1][i] >> 8);
}

uint64_t crc64(uint64_t crc, const void *p, size_t len) {
    pthread_once(&crc_once, crc_init);
    const unsigned char *s = p;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, s, 8); /* (little-endian, as every target we build for) */
        crc ^= w;
        crc = crc_table[7][crc & 0xff] ^ crc_table[6][(crc >> 8) & 0xff] ^ crc_table[5][(crc >> 16) & 0xff] ^
              crc_table[4][(crc >> 24) & 0xff] ^ crc_table[3][(crc >> 32) & 0xff] ^
              crc_table[2][(crc >> 40) & 0xff] ^ crc_table[1][(crc >> 48) & 0xff] ^ crc_table[0][crc >> 56];
        s += 8;
        len -= 8;
    }
    while (len--) crc = crc_table[0][(crc ^ *s++) & 0xff] ^ (crc >> 8);
    return crc;
}

/* Shifting a CRC over zero bytes is linear over GF(2): a 64x64 bit matrix,
 * stored as the image of each bit. One zero bit: the register shifts right
 * and the polynomial comes in when bit 0 falls out. */
static uint64_t gf2_apply(const uint64_t *m, uint64_t v) {
    uint64_t r = 0;
    for (int i = 0; v; i++, v >>= 1)
        if (v & 1) r ^= m[i];
    return r;
}

static void gf2_square(uint64_t *sq, const uint64_t *m) {
    for (int i = 0; i < 64; i++) sq[i] = gf2_apply(m, m[i]);
}

uint64_t crc64_combine(uint64_t crc_a, uint64_t crc_b, uint64_t len_b) {
    if (len_b == 0) return crc_a;
    uint64_t op[64], tmp[64];
    op[0] = 0x95ac9329ac4bc9b5ULL;
    for (int i = 1; i < 64; i++) op[i] = 1ULL << (i - 1);
    gf2_square(tmp, op); /* two zero bits */
    gf2_square(op, tmp); /* four */
    gf2_square(tmp, op); /* one zero byte: tmp */
    uint64_t *cur = tmp, *next = op;
    for (;;) {
        if (len_b & 1) crc_a = gf2_apply(cur, crc_a);
        len_b >>= 1;
        if (!len_b) break;
        gf2_square(next, cur);
        uint64_t *t = cur;
        cur = next;
        next = t;
    }
    return crc_a ^ crc_b;
}

/* ---- writing ---- */

void rdb_put_len(struct buf *b, uint64_t len) {
    unsigned char h[9];
    if (len < 64) {
        h[0] = (unsigned char)len;
        buf_put(b, h, 1);
    } else if (len < 16384) {
        h[0] = (unsigned char)(0x40 | (len >> 8));
        h[1] = (unsigned char)len;
        buf_put(b, h, 2);
    } else if (len <= UINT32_MAX) {
        h[0] = 0x80;
        for (int i = 0; i < 4; i++) h[1 + i] = (unsigned char)(len >> (24 - 8 * i));
        buf_put(b, h, 5);
    } else {
        h[0] = 0x81;
        for (int i = 0; i < 8; i++) h[1 + i] = (unsigned char)(len >> (56 - 8 * i));
        buf_put(b, h, 9);
    }
}

/* The integer encoding of a string that is the canonical text of a
 * number fitting 32 bits; 0 if it is not one. */
static int put_int_string(struct buf *b, const char *p, size_t len) {
    if (len == 0 || len > 11) return 0;
    long long v;
    if (!str_to_ll(p, len, &v)) return 0;
    char canon[32];
    if ((size_t)snprintf(canon, sizeof(canon), "%lld", v) != len || memcmp(canon, p, len)) return 0;
    unsigned char h[5];
    if (v >= -128 && v <= 127) {
        h[0] = 0xC0;
        h[1] = (unsigned char)(int8_t)v;
        buf_put(b, h, 2);
    } else if (v >= -32768 && v <= 32767) {
        h[0] = 0xC1;
        h[1] = (unsigned char)(v & 0xff);
        h[2] = (unsigned char)((v >> 8) & 0xff);
        buf_put(b, h, 3);
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
        h[0] = 0xC2;
        for (int i = 0; i < 4; i++) h[1 + i] = (unsigned char)((uint32_t)v >> (8 * i));
        buf_put(b, h, 5);
    } else {
        return 0;
    }
    return 1;
}

void rdb_put_string(struct buf *b, const void *p, size_t len, int compress) {
    if (put_int_string(b, p, len)) return;
    if (compress && len > 20 && len <= UINT_MAX) {
        size_t cap = len - 4;
        char *tmp = malloc(cap);
        if (!tmp) abort();
        unsigned clen = lzf_compress(p, (unsigned)len, tmp, (unsigned)cap);
        if (clen > 0) {
            buf_putc(b, (char)0xC3);
            rdb_put_len(b, clen);
            rdb_put_len(b, len);
            buf_put(b, tmp, clen);
            free(tmp);
            return;
        }
        free(tmp);
    }
    rdb_put_len(b, len);
    buf_put(b, p, len);
}

void rdb_put_dump_footer(struct buf *b) {
    unsigned char v[2] = {RDB_VERSION & 0xff, (RDB_VERSION >> 8) & 0xff};
    buf_put(b, v, 2);
    uint64_t crc = crc64(0, b->p, b->len);
    unsigned char c[8];
    for (int i = 0; i < 8; i++) c[i] = (unsigned char)(crc >> (8 * i));
    buf_put(b, c, 8);
}

/* ---- reading ---- */

int rdb_get_len(const unsigned char **p, const unsigned char *end, uint64_t *len, int *special) {
    const unsigned char *s = *p;
    if (s >= end) return 0;
    *special = 0;
    int type = s[0] >> 6;
    if (type == 0) {
        *len = s[0] & 0x3f;
        *p = s + 1;
    } else if (type == 1) {
        if (end - s < 2) return 0;
        *len = ((uint64_t)(s[0] & 0x3f) << 8) | s[1];
        *p = s + 2;
    } else if (type == 3) {
        *special = 1;
        *len = s[0] & 0x3f;
        *p = s + 1;
    } else if (s[0] == 0x80) {
        if (end - s < 5) return 0;
        *len = ((uint64_t)s[1] << 24) | ((uint64_t)s[2] << 16) | ((uint64_t)s[3] << 8) | s[4];
        *p = s + 5;
    } else if (s[0] == 0x81) {
        if (end - s < 9) return 0;
        uint64_t v = 0;
        for (int i = 1; i <= 8; i++) v = (v << 8) | s[i];
        *len = v;
        *p = s + 9;
    } else {
        return 0;
    }
    return 1;
}

int rdb_get_string(const unsigned char **p, const unsigned char *end, struct buf *out) {
    uint64_t len;
    int special;
    if (!rdb_get_len(p, end, &len, &special)) return 0;
    const unsigned char *s = *p;
    if (!special) {
        if ((uint64_t)(end - s) < len) return 0;
        buf_put(out, s, len);
        *p = s + len;
        return 1;
    }
    char num[24];
    long long v;
    switch (len) {
    case 0:
        if (end - s < 1) return 0;
        v = (int8_t)s[0];
        *p = s + 1;
        break;
    case 1:
        if (end - s < 2) return 0;
        v = (int16_t)(s[0] | (s[1] << 8));
        *p = s + 2;
        break;
    case 2:
        if (end - s < 4) return 0;
        v = (int32_t)((uint32_t)s[0] | ((uint32_t)s[1] << 8) | ((uint32_t)s[2] << 16) |
                      ((uint32_t)s[3] << 24));
        *p = s + 4;
        break;
    case 3: {
        uint64_t clen, ulen;
        int sp;
        if (!rdb_get_len(p, end, &clen, &sp) || sp || !rdb_get_len(p, end, &ulen, &sp) || sp) return 0;
        s = *p;
        /* LZF expands at most about 90 times (a 3-byte reference stands
         * for up to 264 bytes): a bigger claimed length is a lie, and must
         * not cost a huge allocation */
        if ((uint64_t)(end - s) < clen || ulen > (1ULL << 32) || clen > UINT_MAX || ulen > clen * 100 + 64)
            return 0;
        char *dst = malloc(ulen ? ulen : 1);
        if (!dst) return 0;
        unsigned got = ulen ? lzf_decompress(s, (unsigned)clen, dst, (unsigned)ulen) : 0;
        if (got != ulen) {
            free(dst);
            return 0;
        }
        buf_put(out, dst, ulen);
        free(dst);
        *p = s + clen;
        return 1;
    }
    default:
        return 0;
    }
    int n = snprintf(num, sizeof(num), "%lld", v);
    buf_put(out, num, (size_t)n);
    return 1;
}

int rdb_check_dump(const void *p, size_t len, size_t *body_len) {
    const unsigned char *s = p;
    if (len < 10) return 0;
    const unsigned char *foot = s + len - 10;
    unsigned ver = foot[0] | (foot[1] << 8);
    if (ver > RDB_VERSION) return 0;
    uint64_t crc = crc64(0, s, len - 8), got = 0;
    for (int i = 0; i < 8; i++) got |= (uint64_t)foot[2 + i] << (8 * i);
    if (crc != got) return 0;
    *body_len = len - 10;
    return 1;
}
