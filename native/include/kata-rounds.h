/*
 * kata-rounds.h — judging a learner's own timer against the harness's, for
 * the "measure the boundary" katas.
 *
 * harness[0], round 0, harness[1], round 1, ..., harness[KATA_ROUNDS]: each
 * round of the learner's measurement is judged against the harness figures
 * just before and just after it, and one round inside its band passes. On a
 * shared VM the cost of a system call moves by up to 50% (seen on our 2-core
 * VM) for tens of milliseconds at a time; a band spanning two nearby harness
 * figures follows the machine, while a wrong timer is wrong in every round.
 */
#ifndef KATA_ROUNDS_H
#define KATA_ROUNDS_H

#include "kata-timing.h"

#define KATA_ROUNDS 3

struct kata_rounds {
	double harness[KATA_ROUNDS + 1]; /* ns/call: before, between and after the rounds */
	double yours[KATA_ROUNDS];       /* the learner's figure for each round */
};

/* One round of the learner's measurement; returns its ns/call. `rounds`
 * already holds harness[0..round]. */
typedef double (*kata_round_fn)(void *ctx, int round, const struct kata_rounds *rounds);

void kata_measure_rounds(kata_loop_fn reference, kata_round_fn round, void *ctx, struct kata_rounds *out);

/* The lower and higher of the harness figures around round r. */
double kata_rounds_low(const struct kata_rounds *l, int r);
double kata_rounds_high(const struct kata_rounds *l, int r);

/* How far round r is outside [low * min, high * max], as a factor (1: inside). */
double kata_rounds_distance(const struct kata_rounds *l, int r, double min, double max);

/* The round closest to its band: the one that decides. */
int kata_rounds_best(const struct kata_rounds *l, double min, double max);

/* Looks until one round lands inside [low * min, high * max], at most
 * KATA_LOOKS: a look with none inside is repeated, since a wrong timer is
 * wrong in every look and a right one rarely twice. `noted` (may be NULL) is
 * called after each look, e.g. to kata_note the figures. Returns 1 when a
 * round was inside; *decided is the round that decides either way. */
#define KATA_LOOKS 2
int kata_rounds_judge(kata_loop_fn reference, kata_round_fn round, void *ctx, struct kata_rounds *out, double min,
		      double max, void (*noted)(void *ctx, int look), int *decided);

/* The loop of the reference operation `name` (kata-references.h), or NULL. */
kata_loop_fn kata_reference_loop(const char *name);

#endif
