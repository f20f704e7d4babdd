/*
 * test_geo.c - unit tests for the geohash arithmetic of the geo commands
 * (src/types/geohash.c): scores of points, cell round trips, GEOHASH
 * strings, distances and the covering cells of a search.
 *
 * The scores, GEOHASH strings, GEOPOS coordinates and GEODIST distances
 * below were read from a real redis-server 7.0.15 (GEOADD then ZSCORE,
 * GEOHASH, GEOPOS, GEODIST).
 */
#include "test.h"

#include <math.h>
#include <stdint.h>

#include "types/geohash.h"

struct known {
    double lon, lat;
    uint64_t score;
    const char *hash;
    const char *pos_lon, *pos_lat; /* GEOPOS, as Redis prints it */
};

static const struct known KNOWN[] = {
    {13.361389, 38.115556, 3479099956230698ULL, "sqc8b49rny0", "13.36138933897018433",
     "38.11555639549629859"},
    {15.087269, 37.502669, 3479447370796909ULL, "sqdtr74hyu0", "15.08726745843887329",
     "37.50266842333162032"},
    {-122.4194, 37.7749, 1367859919124626ULL, "9q8yyk8ytp0", "-122.41940170526504517",
     "37.77490001056577995"},
    {180, 85.05112878, 13510798882111488ULL, "bp05b5048p0", "180", "85.0511287799999991"},
    {-180, -85.05112878, 0ULL, "00bh0hbj200", "-179.99999731779098511", "-85.05112751263942528"},
    {0, 0, 3377699720527872ULL, "s0000000000", "0.00000268220901489", "0.00000126736058093"},
    {139.6917, 35.6895, 4171231230197045ULL, "xn774c06kt0", "139.69170123338699341", "35.68950126697937009"},
    {-0.1278, 51.5074, 2163557714755072ULL, "gcpvj0duq50", "-0.12779921293258667", "51.50740077990133159"},
};
#define NKNOWN (sizeof(KNOWN) / sizeof(KNOWN[0]))

/* A coordinate the way GEOPOS prints it: 17 decimals, trailing zeros
 * and a bare dot removed. */
static void human(double d, char *buf, size_t cap) {
    int n = snprintf(buf, cap, "%.17f", d);
    while (n > 0 && buf[n - 1] == '0') n--;
    if (n > 0 && buf[n - 1] == '.') n--;
    buf[n] = '\0';
}

static void test_geo_scores_of_known_points(void) {
    for (size_t i = 0; i < NKNOWN; i++) {
        struct geocell cell;
        ASSERT(geo_encode_wgs84(KNOWN[i].lon, KNOWN[i].lat, GEO_STEP_MAX, &cell));
        ASSERT(cell.step == GEO_STEP_MAX);
        ASSERT(geo_align52(cell) == KNOWN[i].score);
    }
}

static void test_geo_decode_known_points(void) {
    char buf[64];
    for (size_t i = 0; i < NKNOWN; i++) {
        double lon, lat;
        ASSERT(geo_decode_score((double)KNOWN[i].score, &lon, &lat));
        human(lon, buf, sizeof(buf));
        ASSERT(strcmp(buf, KNOWN[i].pos_lon) == 0);
        human(lat, buf, sizeof(buf));
        ASSERT(strcmp(buf, KNOWN[i].pos_lat) == 0);
    }
}

static void test_geo_hash_strings(void) {
    char buf[12];
    for (size_t i = 0; i < NKNOWN; i++) {
        geo_hash_string((double)KNOWN[i].score, buf);
        ASSERT(strlen(buf) == 11);
        ASSERT(strcmp(buf, KNOWN[i].hash) == 0);
    }
}

/* Encoding the decoded center of a cell gives the cell back, and the
 * center lies within the cell's bounds, at every step. */
static void test_geo_round_trips(void) {
    uint32_t x = 2463534242u;
    struct georange lonr = {GEO_LON_MIN, GEO_LON_MAX}, latr = {GEO_LAT_MIN, GEO_LAT_MAX};
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        double lon = -180.0 + 360.0 * (x % 1000003) / 1000003.0;
        double lat = GEO_LAT_MIN + (GEO_LAT_MAX - GEO_LAT_MIN) * ((x >> 7) % 999983) / 999983.0;
        int step = 1 + (int)(x % 26);
        struct geocell cell, again;
        struct geoarea a;
        ASSERT(geo_encode(lonr, latr, lon, lat, step, &cell));
        ASSERT(geo_decode(lonr, latr, cell, &a));
        ASSERT(lon >= a.lon.min && lon <= a.lon.max);
        ASSERT(lat >= a.lat.min && lat <= a.lat.max);
        ASSERT(
            geo_encode(lonr, latr, (a.lon.min + a.lon.max) / 2, (a.lat.min + a.lat.max) / 2, step, &again));
        ASSERT(again.bits == cell.bits);
        /* the stored-score path: decode then encode is stable */
        struct geocell full;
        double dl, dt;
        ASSERT(geo_encode_wgs84(lon, lat, GEO_STEP_MAX, &full));
        ASSERT(geo_decode_score((double)geo_align52(full), &dl, &dt));
        ASSERT(fabs(dl - lon) < 1e-5 && fabs(dt - lat) < 1e-5);
        ASSERT(geo_encode_wgs84(dl, dt, GEO_STEP_MAX, &again));
        ASSERT(again.bits == full.bits);
    }
}

static void test_geo_rejects_out_of_range(void) {
    struct geocell cell;
    ASSERT(!geo_encode_wgs84(180.0000001, 0, GEO_STEP_MAX, &cell));
    ASSERT(!geo_encode_wgs84(-180.0000001, 0, GEO_STEP_MAX, &cell));
    ASSERT(!geo_encode_wgs84(0, 85.06, GEO_STEP_MAX, &cell));
    ASSERT(!geo_encode_wgs84(0, -85.06, GEO_STEP_MAX, &cell));
    ASSERT(geo_encode_wgs84(180, 85.05112878, GEO_STEP_MAX, &cell));
}

/* GEODIST of the known points, to its 4 decimals. */
static void test_geo_distances(void) {
    static const struct {
        int a, b;
        const char *meters;
    } D[] = {{0, 1, "166274.1516"},   {2, 6, "8273047.4024"}, {7, 2, "8618861.6900"},
             {3, 4, "18919844.5891"}, {5, 7, "5728990.0776"}, {0, 0, "0.0000"}};
    char buf[64];
    for (size_t i = 0; i < sizeof(D) / sizeof(D[0]); i++) {
        double x1, y1, x2, y2;
        ASSERT(geo_decode_score((double)KNOWN[D[i].a].score, &x1, &y1));
        ASSERT(geo_decode_score((double)KNOWN[D[i].b].score, &x2, &y2));
        snprintf(buf, sizeof(buf), "%.4f", geo_distance(x1, y1, x2, y2));
        ASSERT(strcmp(buf, D[i].meters) == 0);
    }
    /* along a meridian: R * delta latitude in radians */
    ASSERT(fabs(geo_distance(10, 0, 10, 1) - GEO_EARTH_RADIUS * M_PI / 180) < 1e-6);
    ASSERT(geo_distance(10, 20, 10, 20) == 0);
}

/* Neighbours differ from the cell by one in one coordinate (wrapping). */
static void test_geo_neighbours(void) {
    struct geocell c = {0, 3}, nb[GN_COUNT];
    geo_neighbours(c, nb);
    struct georange lonr = {0, 8}, latr = {0, 8};
    struct geoarea a;
    ASSERT(geo_decode(lonr, latr, nb[GN_N], &a) && a.lat.min == 1 && a.lon.min == 0);
    ASSERT(geo_decode(lonr, latr, nb[GN_S], &a) && a.lat.min == 7 && a.lon.min == 0);
    ASSERT(geo_decode(lonr, latr, nb[GN_E], &a) && a.lat.min == 0 && a.lon.min == 1);
    ASSERT(geo_decode(lonr, latr, nb[GN_W], &a) && a.lat.min == 0 && a.lon.min == 7);
    ASSERT(geo_decode(lonr, latr, nb[GN_NE], &a) && a.lat.min == 1 && a.lon.min == 1);
    ASSERT(geo_decode(lonr, latr, nb[GN_SW], &a) && a.lat.min == 7 && a.lon.min == 7);
}

static void test_geo_steps(void) {
    ASSERT(geo_steps_for_radius(0, 0) == 26);
    ASSERT(geo_steps_for_radius(1, 0) == 24);
    ASSERT(geo_steps_for_radius(1000, 0) == 14);
    ASSERT(geo_steps_for_radius(1000, 70) == 13);
    ASSERT(geo_steps_for_radius(1000, -81) == 12);
    ASSERT(geo_steps_for_radius(1e8, 0) == 1);
    /* a small search keeps its center cell and at most 8 neighbours */
    struct geoshape s = {.lon = 13.36, .lat = 38.11, .radius = 1, .conv = 1000};
    struct geocell cells[9];
    geo_cover(&s, cells);
    ASSERT(cells[0].step > 0);
    struct geocell mine;
    ASSERT(geo_encode_wgs84(13.36, 38.11, cells[0].step, &mine));
    ASSERT(mine.bits == cells[0].bits);
}

TEST_MAIN(test_geo_scores_of_known_points, test_geo_decode_known_points, test_geo_hash_strings,
          test_geo_round_trips, test_geo_rejects_out_of_range, test_geo_distances, test_geo_neighbours,
          test_geo_steps)
