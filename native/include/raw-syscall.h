/*
 * raw-syscall.h — picks the one syscall header for the architecture being
 * compiled. Each opens with its ABI in a comment.
 */
#ifndef KATA_RAW_SYSCALL_H
#define KATA_RAW_SYSCALL_H

#if defined(__x86_64__)
#include "arch/syscall-x86_64.h"
#elif defined(__aarch64__)
#include "arch/syscall-aarch64.h"
#else
#error "syscall-katas supports x86-64 and AArch64"
#endif

#endif
