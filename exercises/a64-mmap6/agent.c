/*
 * The agent side of a64-mmap6: the shared mmap(2) probe and helpers in native/cases/mmap-agent.c.
 */
#include "cases/mmap-agent.c"
