/*
 * geohash.h - the geohash arithmetic behind the geo commands: 52-bit
 * interleaved cell numbers, cells and their neighbours, the covering
 * cells of a search area, and distances on the sphere (Redis 7.0's
 * values, so that scores, coordinates and distances match it exactly).
 */
#ifndef TYPES_GEOHASH_H
#define TYPES_GEOHASH_H

#include <stdint.h>

#define GEO_LON_MIN -180.0
#define GEO_LON_MAX 180.0
#define GEO_LAT_MIN -85.05112878
#define GEO_LAT_MAX 85.05112878
#define GEO_STEP_MAX 26 /* bits per coordinate of a stored score */
#define GEO_EARTH_RADIUS 6372797.560856
#define GEO_MERCATOR_MAX 20037726.37

/* A cell: `step` bits per coordinate, latitude bits at the even
 * positions, longitude bits at the odd ones. step 0 means "no cell". */
struct geocell {
    uint64_t bits;
    int step;
};

struct georange {
    double min, max;
};

/* The bounds of a cell. */
struct geoarea {
    struct georange lon, lat;
};

/* The cell of (lon, lat) at `step` with the given coordinate ranges;
 * 0 if the point is outside the valid geo range. */
int geo_encode(struct georange lonr, struct georange latr, double lon, double lat, int step,
               struct geocell *out);
/* The same with the ranges of stored scores. */
int geo_encode_wgs84(double lon, double lat, int step, struct geocell *out);
/* The bounds of a cell (0 for "no cell"). */
int geo_decode(struct georange lonr, struct georange latr, struct geocell cell, struct geoarea *out);
/* The center of the cell a stored score names, as GEOPOS shows it. */
int geo_decode_score(double score, double *lon, double *lat);
/* A cell's number as a 52-bit score. */
uint64_t geo_align52(struct geocell cell);
/* The standard 11-character base32 geohash of a stored score (buf of 12). */
void geo_hash_string(double score, char *buf);

/* The 8 neighbours of a cell, in this order. */
enum { GN_N, GN_S, GN_E, GN_W, GN_NE, GN_NW, GN_SE, GN_SW, GN_COUNT };
void geo_neighbours(struct geocell cell, struct geocell out[GN_COUNT]);

/* Great-circle distance in meters (haversine). */
double geo_distance(double lon1, double lat1, double lon2, double lat2);
/* Distance along a meridian, in meters. */
double geo_lat_distance(double lat1, double lat2);

/* A search area: a circle of `radius` or a box of width x height (all in
 * the unit `conv` meters) around (lon, lat). */
struct geoshape {
    int box;
    double lon, lat;
    double radius, width, height;
    double conv;
    double cos_lat; /* cos of the center's latitude (geo_shape_prepare) */
};

/* Ready s for geo_in_shape once its center is known. */
void geo_shape_prepare(struct geoshape *s);

/* The cells to scan for a shape: cells[0] the center's, then its
 * neighbours N, S, E, W, NE, NW, SE, SW; unneeded ones have step 0. */
void geo_cover(const struct geoshape *s, struct geocell cells[9]);
/* The step whose cells are about as large as the radius at latitude lat. */
int geo_steps_for_radius(double meters, double lat);
/* If point (lon, lat) lies in the shape: 1 and *dist its distance to the
 * center in meters. */
int geo_in_shape(const struct geoshape *s, double lon, double lat, double *dist);

#endif
