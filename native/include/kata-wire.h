/*
 * kata-wire.h — the messages between the judge and the agent (the learner's
 * process), over a SOCK_SEQPACKET socketpair: one message per request, one
 * per reply, descriptors passed with SCM_RIGHTS.
 *
 * The judge never believes a reply as a verdict: a reply carries the values
 * the learner's functions returned, which the judge compares with its own
 * oracle, beside the effects it checks from its side (its pipe, its file,
 * the syscalls it traced).
 */
#ifndef KATA_WIRE_H
#define KATA_WIRE_H

#include <stdint.h>

/* The agent's end of the channel: a high descriptor, so that a learner's
 * write to fd 3 (where the old harness kept its results) reaches nothing. */
#define KATA_AGENT_CHANNEL_FD 1023
/* Descriptors the judge passes with a call land here, in order. */
#define KATA_AGENT_FD_BASE 900
#define KATA_WIRE_MAX_FDS 4
/* Bytes in or out of one call (larger data goes through a passed file). */
#define KATA_WIRE_MAX_BYTES (96 * 1024)
#define KATA_WIRE_NAME 32

#define KATA_WIRE_MAGIC 0x4b415441u /* "KATA" */

enum kata_wire_status {
	KATA_WIRE_OK = 0,
	KATA_WIRE_NO_SUCH_CALL = 1, /* the agent has no call of that name: a course bug */
	KATA_WIRE_BAD_REQUEST = 2,
};

struct kata_wire_request {
	uint32_t magic;
	uint32_t nfd;
	char name[KATA_WIRE_NAME];
	int64_t arg[6];
	uint32_t in_len;
	uint32_t out_cap;
	unsigned char in[]; /* in_len bytes */
};

struct kata_wire_reply {
	uint32_t magic;
	uint32_t status;
	int64_t ret[4];
	uint32_t out_len;
	uint32_t pad;
	unsigned char out[]; /* out_len bytes */
};

/* The first message the agent sends, once locked down, before any learner
 * code has run: how many calls it has (their names follow, NUL-separated). */
struct kata_wire_ready {
	uint32_t magic;
	uint32_t ncalls;
	char names[];
};

/* A double through an int64 slot of a call or reply, bit for bit. */
static inline int64_t kata_wire_from_double(double x)
{
	union {
		double d;
		int64_t i;
	} u = { .d = x };
	return u.i;
}

static inline double kata_wire_to_double(int64_t v)
{
	union {
		double d;
		int64_t i;
	} u = { .i = v };
	return u.d;
}

#endif
