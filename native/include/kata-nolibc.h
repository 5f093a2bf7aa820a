/*
 * kata-nolibc.h — for katas built with -nostdlib: there is no libc, no
 * main() and no results channel. start-<arch>.S calls kata_nolibc_main()
 * with the process's argc/argv; the driver must end the process itself
 * (through the learner's code). The runner judges by the exit status.
 */
#ifndef KATA_NOLIBC_H
#define KATA_NOLIBC_H

/* Called from _start. Must not return: if it does, _start traps. */
void kata_nolibc_main(long argc, char **argv);

/* Decimal string to long; no libc here, so the harness brings its own. */
static inline long kata_parse_long(const char *s)
{
	long v = 0;
	int neg = 0;
	if (*s == '-') {
		neg = 1;
		s++;
	}
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return neg ? -v : v;
}

#endif
