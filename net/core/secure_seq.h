/* net/core/secure_seq.h - keyed hashes for values an off-path attacker must not guess:
 * TCP initial sequence numbers (RFC 6528), timestamp offsets (RFC 7323 7.1), ephemeral
 * port choice (RFC 6056) and SYN cookies. SipHash-2-4 with boot-time secret keys taken
 * from RDRAND when the CPU has it, else from the TSC. */
#ifndef WP_SECURE_SEQ_H
#define WP_SECURE_SEQ_H

#include "kernel/compiler.h"

enum secure_key { SECURE_KEY_ISN, SECURE_KEY_TSOFF, SECURE_KEY_PORT, SECURE_KEY_COOKIE0,
                  SECURE_KEY_COOKIE1, SECURE_KEY_EHASH, SECURE_KEY_NR };

/* SipHash-2-4 of four 32-bit words under key k. */
uint64_t secure_hash4(enum secure_key k, uint32_t a, uint32_t b, uint32_t c, uint32_t d);
/* The connection-table hash of three 32-bit words (addresses, both ports in one word)
 * under a boot-time secret: Bob Jenkins' lookup3 mix, as Linux's inet_ehashfn uses.
 * Cheap enough for every received segment; the secret keeps a remote sender from
 * aiming many flows at one bucket. Not for values that must not be guessed (those use
 * secure_hash4). */
uint32_t secure_table_hash3(uint32_t a, uint32_t b, uint32_t c);
/* Whether the keys came from RDRAND ("rdrand") or the TSC ("tsc"). */
const char *secure_seq_source(void);
/* Hosted tests: make every key a known value (deterministic runs). */
void secure_seq_set_keys(uint64_t seed);
/* A random 64-bit value for non-secret uses (port perturbation tables). */
uint64_t secure_random_u64(void);

#endif
