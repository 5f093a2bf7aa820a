/*
 * Kata measure-batch — a batch timer the compiler cannot fool.
 *
 * Every figure in this course comes from a timer like this one: run an
 * operation many times back to back, read the clock once before and once
 * after the whole batch, divide. Two functions:
 *
 *   ns_per_call(op, iters)  calls op() `iters` times between two
 *                           clock_gettime(CLOCK_MONOTONIC) reads and
 *                           returns the nanoseconds per call;
 *   empty_op()              does nothing, but every call to it must stay
 *                           a call, even where the compiler can see that
 *                           its body is empty.
 *
 * The check compares your figures with the harness's own measurement of
 * the same operations, made in the same process.
 */
#include <time.h>

double ns_per_call(void (*op)(void), unsigned long iters);
void empty_op(void);

double ns_per_call(void (*op)(void), unsigned long iters)
{
	/*
	 * TODO: read CLOCK_MONOTONIC, call op() `iters` times, read it again.
	 * A struct timespec has two fields: turn both differences into one
	 * number of nanoseconds, and divide in floating point (the per-call
	 * figure can be 1.4 ns).
	 *
	 * Do not read the clock around each call: one clock_gettime costs
	 * more than many of the operations you will time with this.
	 */
	(void)op;
	(void)iters;
	return 0;
}

void empty_op(void)
{
	/*
	 * TODO: an empty body is not enough. Where the compiler sees a loop
	 * calling this function, it may inline it (nothing left), or note
	 * that it has no effects and delete the calls, even under
	 * __attribute__((noinline)). Find the attribute that stops GCC from
	 * using what it knows about this function's body.
	 */
}
