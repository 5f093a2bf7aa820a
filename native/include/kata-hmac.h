/*
 * kata-hmac.h — HMAC-SHA256, for the results channel's records. Keys up to
 * 64 bytes (the runner's are 32).
 */
#ifndef KATA_HMAC_H
#define KATA_HMAC_H

#include <stddef.h>

void kata_hmac_sha256(const void *key, size_t key_len, const void *msg, size_t n, unsigned char out[32]);

#endif
