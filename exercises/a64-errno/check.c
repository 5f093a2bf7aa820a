/*
 * Driver for a64-errno: the shared errno cases in native/cases/errno.c. The
 * agent is an ARM64 program (under qemu-aarch64 on this x86-64 judge), so the
 * syscall numbers passed to it are ARM64's.
 */
#define CASES_AGENT_AARCH64
#include "cases/errno.c"
