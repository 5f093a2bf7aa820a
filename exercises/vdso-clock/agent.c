/*
 * The agent side of vdso-clock: native/cases/vdso-clock-agent.c.
 */
#include "cases/vdso-clock-agent.c"
