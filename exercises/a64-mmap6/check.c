/*
 * Driver for a64-mmap6: the shared mmap(2) cases in native/cases/mmap.c. The
 * agent is an ARM64 program (under qemu-aarch64 on this x86-64 judge), so the
 * syscall numbers passed to it are ARM64's.
 */
#define CASES_AGENT_AARCH64
#include "cases/mmap.c"
