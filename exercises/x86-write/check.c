/*
 * Driver for x86-write: the shared write(2) cases in native/cases/write.c.
 */
#include "cases/write.c"
