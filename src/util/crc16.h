/*
 * crc16.h - CRC16-CCITT (XMODEM) and Redis Cluster hash slots.
 */
#ifndef CRC16_H
#define CRC16_H

#include <stddef.h>
#include <stdint.h>

#define CLUSTER_SLOTS 16384

uint16_t crc16(const char *buf, size_t len);
/* The cluster slot of a key: CRC16 of the {hash tag} if the key has a
 * non-empty one, else of the whole key, mod 16384. */
unsigned key_slot(const char *key, size_t len);

#endif
