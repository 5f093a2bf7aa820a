/*
 * The per-operation cost of batching, as a curve: N NOPs through one ring,
 * n per io_uring_enter (submit and wait for all n), for n = 1 … 256, against
 * N null syscalls (getppid), in one process. Prints ns per operation and the
 * ratio to the syscall: where the ratio drops below 1, batching pays.
 * Trusted code, built and run by runner/bench/uring-cost.mjs:
 *   gcc -O2 native/bench/uring-nops.c -luring -o uring-nops && ./uring-nops [rounds]
 */
#define _GNU_SOURCE
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define OPS 200000

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double null_syscalls(void)
{
	double t0 = now_ns();
	for (int i = 0; i < OPS; i++)
		syscall(SYS_getppid);
	return (now_ns() - t0) / OPS;
}

static double nops(struct io_uring *ring, unsigned batch)
{
	double t0 = now_ns();
	for (long done = 0; done < OPS; done += batch) {
		for (unsigned i = 0; i < batch; i++)
			io_uring_prep_nop(io_uring_get_sqe(ring));
		if (io_uring_submit_and_wait(ring, batch) < 0)
			return -1;
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;
		io_uring_for_each_cqe(ring, head, cqe) seen++;
		io_uring_cq_advance(ring, seen);
	}
	return (now_ns() - t0) / OPS;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 5;
	if (rounds < 1 || rounds > 50)
		rounds = 5;
	struct io_uring ring;
	int r = io_uring_queue_init(256, &ring, 0);
	if (r < 0) {
		printf("io_uring is not available here (io_uring_queue_init: %d)\n", r);
		return 77;
	}
	static const unsigned batches[] = { 1, 2, 4, 6, 8, 16, 32, 64, 128, 256 };
	enum { NB = sizeof(batches) / sizeof(*batches) };
	double sys[50], per[NB][50];
	for (int k = 0; k < rounds; k++) { /* rounds interleaved: drift hits every column alike */
		sys[k] = null_syscalls();
		for (int b = 0; b < NB; b++)
			per[b][k] = nops(&ring, batches[b]);
	}
	qsort(sys, rounds, sizeof(double), cmp);
	double s = sys[rounds / 2];
	printf("null syscall (getppid): %.1f ns (median of %d rounds of %d)\n", s, rounds, OPS);
	printf("%8s %12s %10s\n", "batch", "ns per NOP", "× syscall");
	for (int b = 0; b < NB; b++) {
		qsort(per[b], rounds, sizeof(double), cmp);
		double m = per[b][rounds / 2];
		printf("%8u %12.1f %10.2f%s\n", batches[b], m, m / s, m < s ? "" : "   (costs more than the syscall)");
	}
	io_uring_queue_exit(&ring);
	return 0;
}
