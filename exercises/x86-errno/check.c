/*
 * Driver for x86-errno: the shared errno cases in native/cases/errno.c, with
 * the agent's syscall numbers x86-64's.
 */
#define CASES_AGENT_X86_64
#include "cases/errno.c"
