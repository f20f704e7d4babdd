/*
 * geohash.c - geohash arithmetic for the geo commands (see geohash.h).
 *
 * A point is numbered by bisecting its longitude and latitude ranges
 * `step` times each; the 2 * step bits are interleaved with the latitude
 * bit of each pair at the lower (even) position. Stored scores use 26
 * bits per coordinate over lon [-180, 180] and lat [-85.05112878,
 * 85.05112878]; GEOHASH strings re-encode over lat [-90, 90]. The
 * expressions below are evaluated in the same order as Redis's so that
 * every double comes out bit for bit the same.
 */
#include "geohash.h"

#include <math.h>

static const struct georange LON_RANGE = {GEO_LON_MIN, GEO_LON_MAX};
static const struct georange LAT_RANGE = {GEO_LAT_MIN, GEO_LAT_MAX};

static double to_rad(double deg) { return deg * (M_PI / 180.0); }
static double to_deg(double rad) { return rad / (M_PI / 180.0); }

/* Spread the 32 bits of v to the even positions of a 64-bit word. */
static uint64_t spread(uint32_t v) {
    uint64_t x = v;
    x = (x | (x << 16)) & 0x0000FFFF0000FFFFULL;
    x = (x | (x << 8)) & 0x00FF00FF00FF00FFULL;
    x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FULL;
    x = (x | (x << 2)) & 0x3333333333333333ULL;
    x = (x | (x << 1)) & 0x5555555555555555ULL;
    return x;
}

/* The even-position bits of w, packed. */
static uint32_t squeeze(uint64_t w) {
    uint64_t x = w & 0x5555555555555555ULL;
    x = (x | (x >> 1)) & 0x3333333333333333ULL;
    x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
    x = (x | (x >> 4)) & 0x00FF00FF00FF00FFULL;
    x = (x | (x >> 8)) & 0x0000FFFF0000FFFFULL;
    x = (x | (x >> 16)) & 0x00000000FFFFFFFFULL;
    return (uint32_t)x;
}

int geo_encode(struct georange lonr, struct georange latr, double lon, double lat, int step,
               struct geocell *out) {
    out->bits = 0;
    out->step = 0;
    if (step < 1 || step > 32 || lonr.max - lonr.min == 0 || latr.max - latr.min == 0) return 0;
    /* the valid area, whatever ranges the cells divide */
    if (lon > GEO_LON_MAX || lon < GEO_LON_MIN || lat > GEO_LAT_MAX || lat < GEO_LAT_MIN) return 0;
    if (lat < latr.min || lat > latr.max || lon < lonr.min || lon > lonr.max) return 0;
    double fy = (lat - latr.min) / (latr.max - latr.min);
    double fx = (lon - lonr.min) / (lonr.max - lonr.min);
    fy *= (double)(1ULL << step);
    fx *= (double)(1ULL << step);
    out->bits = spread((uint32_t)fy) | (spread((uint32_t)fx) << 1);
    out->step = step;
    return 1;
}

int geo_encode_wgs84(double lon, double lat, int step, struct geocell *out) {
    return geo_encode(LON_RANGE, LAT_RANGE, lon, lat, step, out);
}

int geo_decode(struct georange lonr, struct georange latr, struct geocell cell, struct geoarea *out) {
    if (cell.step == 0 && cell.bits == 0) return 0;
    double ys = latr.max - latr.min, xs = lonr.max - lonr.min;
    uint32_t y = squeeze(cell.bits), x = squeeze(cell.bits >> 1);
    double cells = (double)(1ULL << cell.step);
    out->lat.min = latr.min + (y * 1.0 / cells) * ys;
    out->lat.max = latr.min + ((y + 1ULL) * 1.0 / cells) * ys;
    out->lon.min = lonr.min + (x * 1.0 / cells) * xs;
    out->lon.max = lonr.min + ((x + 1ULL) * 1.0 / cells) * xs;
    return 1;
}

int geo_decode_score(double score, double *lon, double *lat) {
    struct geocell cell = {(uint64_t)score, GEO_STEP_MAX};
    struct geoarea a;
    if (!geo_decode(LON_RANGE, LAT_RANGE, cell, &a)) return 0;
    double x = (a.lon.min + a.lon.max) / 2, y = (a.lat.min + a.lat.max) / 2;
    if (x > GEO_LON_MAX) x = GEO_LON_MAX;
    if (x < GEO_LON_MIN) x = GEO_LON_MIN;
    if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
    if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
    *lon = x;
    *lat = y;
    return 1;
}

uint64_t geo_align52(struct geocell cell) { return cell.bits << (52 - cell.step * 2); }

void geo_hash_string(double score, char *buf) {
    static const char alphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
    double lon, lat;
    struct geocell cell = {0, 0};
    if (geo_decode_score(score, &lon, &lat)) {
        struct georange lonr = {-180, 180}, latr = {-90, 90};
        geo_encode(lonr, latr, lon, lat, GEO_STEP_MAX, &cell);
    }
    /* 52 bits make 10 characters and 2 bits; the 11th is taken as 0 */
    for (int i = 0; i < 10; i++) buf[i] = alphabet[(cell.bits >> (52 - (i + 1) * 5)) & 0x1f];
    buf[10] = alphabet[0];
    buf[11] = '\0';
}

/* Move a cell one column east (d > 0) or west, or one row north or south
 * (lat set), wrapping around: add or subtract 1 on the bits of one
 * coordinate while the other coordinate's bits are kept. */
static void move(struct geocell *c, int lat, int d) {
    uint64_t odd = 0xaaaaaaaaaaaaaaaaULL, even = 0x5555555555555555ULL;
    uint64_t mine = lat ? even : odd, other = lat ? odd : even;
    uint64_t v = c->bits & mine, keep = c->bits & other;
    uint64_t fill = other >> (64 - c->step * 2); /* ones at the other's bits */
    if (d > 0) {
        v += fill + 1;
    } else {
        v |= fill;
        v -= fill + 1;
    }
    v &= mine >> (64 - c->step * 2);
    c->bits = v | keep;
}

void geo_neighbours(struct geocell cell, struct geocell out[GN_COUNT]) {
    static const signed char dx[GN_COUNT] = {0, 0, 1, -1, 1, -1, 1, -1};
    static const signed char dy[GN_COUNT] = {1, -1, 0, 0, 1, 1, -1, -1};
    for (int i = 0; i < GN_COUNT; i++) {
        out[i] = cell;
        if (dx[i]) move(&out[i], 0, dx[i]);
        if (dy[i]) move(&out[i], 1, dy[i]);
    }
}

double geo_lat_distance(double lat1, double lat2) {
    return GEO_EARTH_RADIUS * fabs(to_rad(lat2) - to_rad(lat1));
}

/* The distance with cos(lat1) given (the same expression, so the same
 * double as geo_distance). */
static double distance_cos1(double lon1, double lat1, double cos1, double lon2, double lat2) {
    double l1 = to_rad(lon1), l2 = to_rad(lon2);
    double v = sin((l2 - l1) / 2);
    /* same meridian: the distance is along it */
    if (v == 0.0) return geo_lat_distance(lat1, lat2);
    double p1 = to_rad(lat1), p2 = to_rad(lat2);
    double u = sin((p2 - p1) / 2);
    double a = u * u + cos1 * cos(p2) * v * v;
    return 2.0 * GEO_EARTH_RADIUS * asin(sqrt(a));
}

double geo_distance(double lon1, double lat1, double lon2, double lat2) {
    return distance_cos1(lon1, lat1, cos(to_rad(lat1)), lon2, lat2);
}

void geo_shape_prepare(struct geoshape *s) { s->cos_lat = cos(to_rad(s->lat)); }

int geo_steps_for_radius(double meters, double lat) {
    if (meters == 0) return 26;
    int step = 1;
    while (meters < GEO_MERCATOR_MAX) {
        meters *= 2;
        step++;
    }
    step -= 2; /* one step coarser, so the radius fits the cells */
    /* meridians converge towards the poles: coarser again there */
    if (lat > 66 || lat < -66) {
        step--;
        if (lat > 80 || lat < -80) step--;
    }
    if (step < 1) step = 1;
    if (step > 26) step = 26;
    return step;
}

/* The lon/lat bounding box of a shape: min lon, min lat, max lon, max lat.
 * Longitude spreads are measured at the edge nearer to the pole. */
static void bounding_box(const struct geoshape *s, double b[4]) {
    double h = s->conv * (s->box ? s->height / 2 : s->radius);
    double w = s->conv * (s->box ? s->width / 2 : s->radius);
    double dlat = to_deg(h / GEO_EARTH_RADIUS);
    double dlon_top = to_deg(w / GEO_EARTH_RADIUS / cos(to_rad(s->lat + dlat)));
    double dlon_bottom = to_deg(w / GEO_EARTH_RADIUS / cos(to_rad(s->lat - dlat)));
    double dlon = s->lat < 0 ? dlon_bottom : dlon_top;
    b[0] = s->lon - dlon;
    b[2] = s->lon + dlon;
    b[1] = s->lat - dlat;
    b[3] = s->lat + dlat;
}

void geo_cover(const struct geoshape *s, struct geocell cells[9]) {
    double b[4];
    bounding_box(s, b);
    double meters =
        s->box ? sqrt((s->width / 2) * (s->width / 2) + (s->height / 2) * (s->height / 2)) : s->radius;
    meters *= s->conv;
    int step = geo_steps_for_radius(meters, s->lat);
    struct geocell center, nb[GN_COUNT];
    struct geoarea area, a;
    geo_encode(LON_RANGE, LAT_RANGE, s->lon, s->lat, step, &center);
    geo_neighbours(center, nb);
    geo_decode(LON_RANGE, LAT_RANGE, center, &area);
    /* a neighbour that does not reach the box's edge: use bigger cells */
    int coarser = 0;
    if (geo_decode(LON_RANGE, LAT_RANGE, nb[GN_N], &a) && a.lat.max < b[3]) coarser = 1;
    if (geo_decode(LON_RANGE, LAT_RANGE, nb[GN_S], &a) && a.lat.min > b[1]) coarser = 1;
    if (geo_decode(LON_RANGE, LAT_RANGE, nb[GN_E], &a) && a.lon.max < b[2]) coarser = 1;
    if (geo_decode(LON_RANGE, LAT_RANGE, nb[GN_W], &a) && a.lon.min > b[0]) coarser = 1;
    if (step > 1 && coarser) {
        step--;
        geo_encode(LON_RANGE, LAT_RANGE, s->lon, s->lat, step, &center);
        geo_neighbours(center, nb);
        geo_decode(LON_RANGE, LAT_RANGE, center, &area);
    }
    /* drop the neighbours on a side the center cell already covers */
    if (step >= 2) {
        static const struct geocell none = {0, 0};
        if (area.lat.min < b[1]) nb[GN_S] = nb[GN_SW] = nb[GN_SE] = none;
        if (area.lat.max > b[3]) nb[GN_N] = nb[GN_NE] = nb[GN_NW] = none;
        if (area.lon.min < b[0]) nb[GN_W] = nb[GN_SW] = nb[GN_NW] = none;
        if (area.lon.max > b[2]) nb[GN_E] = nb[GN_SE] = nb[GN_NE] = none;
    }
    cells[0] = center;
    cells[1] = nb[GN_N];
    cells[2] = nb[GN_S];
    cells[3] = nb[GN_E];
    cells[4] = nb[GN_W];
    cells[5] = nb[GN_NE];
    cells[6] = nb[GN_NW];
    cells[7] = nb[GN_SE];
    cells[8] = nb[GN_SW];
}

int geo_in_shape(const struct geoshape *s, double lon, double lat, double *dist) {
    if (s->box) {
        /* the cheaper north-south test first */
        if (geo_lat_distance(lat, s->lat) > s->height * s->conv / 2) return 0;
        if (geo_distance(lon, lat, s->lon, lat) > s->width * s->conv / 2) return 0;
        *dist = distance_cos1(s->lon, s->lat, s->cos_lat, lon, lat);
        return 1;
    }
    double lim = s->radius * s->conv;
    /* the latitudes' arc is a lower bound of the distance: a point well
     * outside by it alone needs no trigonometry (the margin keeps every
     * point the exact test would take) */
    if (geo_lat_distance(lat, s->lat) > lim * (1 + 1e-9) + 1e-6) return 0;
    *dist = distance_cos1(s->lon, s->lat, s->cos_lat, lon, lat);
    return *dist <= lim;
}
