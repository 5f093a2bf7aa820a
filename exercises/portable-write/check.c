/*
 * Driver for portable-write: the shared write(2) cases in native/cases/write.c. It is built for each architecture this
 * machine can run (x86-64 natively, ARM64 under qemu-aarch64).
 */
#include "cases/write.c"
