/*
 * Bracketed rounds: a learner's timer judged against the harness's figures
 * taken just before and after it (see include/kata-rounds.h).
 */
#include "kata-rounds.h"
#include "kata-references.h"

#include <string.h>

void kata_measure_rounds(kata_loop_fn reference, kata_round_fn round, void *ctx, struct kata_rounds *out)
{
	out->harness[0] = kata_measure_ns(reference);
	for (int r = 0; r < KATA_ROUNDS; r++) {
		out->yours[r] = round(ctx, r, out);
		out->harness[r + 1] = kata_measure_ns(reference);
	}
}

double kata_rounds_low(const struct kata_rounds *l, int r)
{
	return l->harness[r] < l->harness[r + 1] ? l->harness[r] : l->harness[r + 1];
}

double kata_rounds_high(const struct kata_rounds *l, int r)
{
	return l->harness[r] < l->harness[r + 1] ? l->harness[r + 1] : l->harness[r];
}

double kata_rounds_distance(const struct kata_rounds *l, int r, double min, double max)
{
	double y = l->yours[r], lo = kata_rounds_low(l, r) * min, hi = kata_rounds_high(l, r) * max;
	if (y <= 0)
		return 1e300;
	return y < lo ? lo / y : y > hi ? y / hi : 1;
}

int kata_rounds_best(const struct kata_rounds *l, double min, double max)
{
	int best = 0;
	for (int r = 1; r < KATA_ROUNDS; r++)
		if (kata_rounds_distance(l, r, min, max) < kata_rounds_distance(l, best, min, max))
			best = r;
	return best;
}

int kata_rounds_judge(kata_loop_fn reference, kata_round_fn round, void *ctx, struct kata_rounds *out, double min,
		      double max, void (*noted)(void *ctx, int look), int *decided)
{
	int inside = 0;
	for (int look = 0; look < KATA_LOOKS && !inside; look++) {
		kata_measure_rounds(reference, round, ctx, out);
		if (noted)
			noted(ctx, look);
		*decided = kata_rounds_best(out, min, max);
		inside = kata_rounds_distance(out, *decided, min, max) == 1;
	}
	return inside;
}

kata_loop_fn kata_reference_loop(const char *name)
{
	for (const struct kata_reference *r = kata_references; r->name; r++)
		if (strcmp(r->name, name) == 0)
			return r->loop;
	return NULL;
}
