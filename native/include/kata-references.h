/*
 * kata-references.h — the reference operations every timing run measures
 * beside the learner's code, so a budget can be scaled to this machine:
 * a budget "in units of a null syscall" means the same on a laptop and on
 * a noisy CI VM.
 */
#ifndef KATA_REFERENCES_H
#define KATA_REFERENCES_H

#include "kata-timing.h"

struct kata_reference {
	const char *name;  /* stable id used in kata.json ("null-syscall") */
	const char *label; /* what it is, for people */
	kata_loop_fn loop;
};

/* Ends with an all-zero entry. */
extern const struct kata_reference kata_references[];

#endif
