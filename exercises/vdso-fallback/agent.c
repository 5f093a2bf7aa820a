/*
 * The agent side of vdso-fallback: native/cases/vdso-clock-agent.c.
 */
#include "cases/vdso-clock-agent.c"
