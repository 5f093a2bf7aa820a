/*
 * The agent side of x86-errno: the shared errno probes in native/cases/errno-agent.c.
 */
#include "cases/errno-agent.c"
