/*
 * The agent side of a64-errno: the shared errno probes in native/cases/errno-agent.c.
 */
#include "cases/errno-agent.c"
