/*
 * Kata vdso-auxv — read the auxiliary vector from the start-up stack.
 *
 * auxv_get(argc, argv, type) gets the argc and argv the process started
 * with: the words a -nostdlib program's _start finds on its stack. After
 * argv's NULL come envp's strings and their NULL, and after that the
 * auxiliary vector: pairs of words (a_type, a_val), ended by an entry whose
 * type is AT_NULL (0). Return the value of the first entry of `type`, or 0
 * if there is none.
 *
 * No libc here, not even getauxval(): the walk is yours.
 */
#include <elf.h>
#include <stddef.h>

unsigned long auxv_get(long argc, char **argv, unsigned long type);

unsigned long auxv_get(long argc, char **argv, unsigned long type)
{
	(void)argc;
	(void)argv;
	(void)type;
	/*
	 * TODO:
	 *  1. envp begins right after argv's NULL: argv + argc + 1.
	 *  2. Step over envp's strings to its NULL; the vector begins one word
	 *     after it.
	 *  3. Walk the entries two words at a time until a_type is AT_NULL; at the
	 *     first whose a_type is `type`, return its a_val.
	 */
	return 0;
}
