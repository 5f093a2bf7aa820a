/*
 * The agent side of x86-mmap6: the shared mmap(2) probe and helpers in native/cases/mmap-agent.c.
 */
#include "cases/mmap-agent.c"
