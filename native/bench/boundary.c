/*
 * boundary.c — `syscall-katas bench`: the seed article's table, measured on
 * this machine with the same engine that judges the katas' budgets. Prints
 * one JSON object on stdout; the runner turns it into the table and bars.
 */
#define _GNU_SOURCE
#include "kata-references.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static void print_series(const struct kata_series *s)
{
	printf("\"iters\":%" PRIu64 ",\"rerun\":%d,\"disturbed\":%d,\"wallNs\":[", s->iters, s->rerun,
	       s->still_descheduled);
	for (int i = 0; i < s->epochs; i++)
		printf("%s%.3f", i ? "," : "", s->wall_ns[i]);
	printf("],\"cpuNs\":[");
	for (int i = 0; i < s->epochs; i++)
		printf("%s%.3f", i ? "," : "", s->cpu_ns[i]);
	printf("]");
	double insns = kata_median_insns(s);
	if (insns >= 0)
		printf(",\"insnPerCall\":%.2f", insns);
}

int main(int argc, char **argv)
{
	int epochs = argc > 1 ? atoi(argv[1]) : 15;
	int cpu = kata_pin_to_current_cpu();
	double overhead = kata_loop_overhead_ns();
	printf("{\"pinnedCpu\":%d,\"overheadNs\":%.3f,\"benchmarks\":[", cpu, overhead);
	for (const struct kata_reference *r = kata_references; r->name; r++) {
		static struct kata_series s;
		kata_measure_pair(r->loop, NULL, epochs, &s, NULL);
		printf("%s{\"name\":\"%s\",\"label\":\"%s\",", r == kata_references ? "" : ",", r->name, r->label);
		print_series(&s);
		printf("}");
	}
	printf("]}\n");
	return 0;
}
