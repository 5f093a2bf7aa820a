/*
 * Driver for a64-write: the shared write(2) cases in native/cases/write.c.
 */
#include "cases/write.c"
