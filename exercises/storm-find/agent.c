/*
 * The agent side of storm-find: the learner's program, log_events(), asked
 * to log the events the judge sends into a file in its own directory (the
 * agent's cwd), which the judge reads afterwards; and the counting run,
 * events drawn here from a fixed seed.
 */
/* The learner's file comes after this one, in the same unit: it gets the GNU
 * and POSIX names only if they are asked for here. */
#define _GNU_SOURCE
#include "kata-agent.h"

#include <stddef.h>
#include <stdint.h>

/* One event to log (the learner's file formats it). */
struct event {
	uint64_t t_us;   /* microseconds since the epoch */
	uint32_t source; /* 16 bits */
	int32_t value;
	uint32_t level;  /* 0 DEBUG, 1 INFO, 2 WARN, 3 ERROR */
};

void log_events(const char *path, const struct event *ev, size_t n);

#define MAX_EVENTS (KATA_WIRE_MAX_BYTES / 16)
static struct event events[MAX_EVENTS];

/* The wire: 16 bytes per event, little-endian: t_us (8), source (2), level (1), 0 (1), value (4). */
static size_t decode(const unsigned char *in, size_t len)
{
	size_t n = len / 16;
	if (n > MAX_EVENTS)
		n = MAX_EVENTS;
	for (size_t i = 0; i < n; i++) {
		const unsigned char *p = in + 16 * i;
		uint64_t t = 0;
		uint32_t v = 0;
		for (int b = 0; b < 8; b++)
			t |= (uint64_t)p[b] << (8 * b);
		for (int b = 0; b < 4; b++)
			v |= (uint32_t)p[12 + b] << (8 * b);
		events[i].t_us = t;
		events[i].source = (uint32_t)p[8] | (uint32_t)p[9] << 8;
		events[i].level = p[10] & 3;
		events[i].value = (int32_t)v;
	}
	return n;
}

/* in = the events: log_events("app.log", ...) once. */
static void call_log(struct kata_call *c)
{
	size_t n = decode(c->in, c->in_len);
	log_events("app.log", events, n);
	c->ret[0] = (int64_t)n;
}

static uint64_t mix_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The counting run: arg[0] events, drawn from a fixed seed, logged into count.log. */
static void count_log(struct kata_call *c)
{
	size_t n = c->arg[0] < 0 ? 0 : (size_t)c->arg[0];
	if (n > MAX_EVENTS)
		n = MAX_EVENTS;
	uint64_t seed = 0x570e4f1dull, t = 1700000000ull * 1000000;
	for (size_t i = 0; i < n; i++) {
		uint64_t r = mix_next(&seed);
		t += r % 3000000;
		events[i].t_us = t;
		events[i].source = (uint32_t)(r >> 24) & 0xffff;
		events[i].level = (uint32_t)(r >> 40) & 3;
		events[i].value = (int32_t)((r >> 42) % 200001) - 100000;
	}
	log_events("count.log", events, n);
	c->ret[0] = (int64_t)n;
}

const struct kata_agent_call kata_agent_calls[] = {
	{ "log", call_log },
	{ "count-log", count_log },
	{ 0 },
};
