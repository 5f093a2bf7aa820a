/*
 * Driver for x86-mmap6: the shared mmap(2) cases in native/cases/mmap.c, with
 * the agent's syscall numbers x86-64's.
 */
#define CASES_AGENT_X86_64
#include "cases/mmap.c"
