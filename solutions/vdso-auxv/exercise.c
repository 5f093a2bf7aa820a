/*
 * Kata vdso-auxv — reference solution.
 */
#include <elf.h>
#include <stddef.h>

unsigned long auxv_get(long argc, char **argv, unsigned long type);

unsigned long auxv_get(long argc, char **argv, unsigned long type)
{
	/* argv[argc] is NULL; the environment's pointers start after it. */
	char **envp = argv + argc + 1;
	/* envp has no count of its own: it ends at its NULL. */
	while (*envp)
		envp++;
	/* The vector starts right after that NULL, as (type, value) pairs:
	 * Elf64_auxv_t. Its end is an entry of type AT_NULL. */
	for (const Elf64_auxv_t *a = (const Elf64_auxv_t *)(envp + 1); a->a_type != AT_NULL; a++)
		if (a->a_type == type)
			return a->a_un.a_val; /* the first entry of a type is the one that counts */
	return 0;
}
