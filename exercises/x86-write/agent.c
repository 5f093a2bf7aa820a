/*
 * The agent side of x86-write: the shared write(2) probe in native/cases/write-agent.c.
 */
#include "cases/write-agent.c"
