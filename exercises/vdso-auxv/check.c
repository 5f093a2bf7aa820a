/*
 * Driver for vdso-auxv: auxv_get(argc, argv, type) walks the start-up stack
 * as _start finds it (argv, its NULL, envp, its NULL, then the auxiliary
 * vector's pairs up to AT_NULL) and returns the value of the first entry of
 * `type`, or 0.
 *
 * The oracle for the process's own stack is the kernel's copy of the vector,
 * /proc/<agent>/auxv (mm->saved_auxv, written in the same create_elf_tables()
 * call as the stack, and out of the agent's reach), read before any code of
 * the learner's runs. Under qemu that file is qemu's own, not the guest's:
 * there the judge checks what it knows from outside (the page size, the
 * uid and gid qemu passes on, the size of a program header, absent types),
 * and the built case, whose stack the judge lays out itself, checks the rest.
 *
 * Cases: the agent as started; the agent started with extra arguments and
 * environment strings (kata_agent_start_with), which move envp and the
 * vector; stacks the agent builds to the judge's plan, with traps: an entry
 * value equal to a type asked for, a type twice, entries past AT_NULL.
 */
#include "kata.h"
#include "kata-vdso.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_AUX 128  /* words of a vector */
#define MAX_ASK 64   /* types asked per call */
#define MAX_STR 16   /* argv or envp strings of a built stack */

/* ---- names -------------------------------------------------------------------- */

static const char *type_name(uint64_t t)
{
	static const char *const names[] = {
		[0] = "AT_NULL", [1] = "AT_IGNORE", [2] = "AT_EXECFD", [3] = "AT_PHDR", [4] = "AT_PHENT",
		[5] = "AT_PHNUM", [6] = "AT_PAGESZ", [7] = "AT_BASE", [8] = "AT_FLAGS", [9] = "AT_ENTRY",
		[10] = "AT_NOTELF", [11] = "AT_UID", [12] = "AT_EUID", [13] = "AT_GID", [14] = "AT_EGID",
		[15] = "AT_PLATFORM", [16] = "AT_HWCAP", [17] = "AT_CLKTCK", [23] = "AT_SECURE",
		[24] = "AT_BASE_PLATFORM", [25] = "AT_RANDOM", [26] = "AT_HWCAP2", [27] = "AT_RSEQ_FEATURE_SIZE",
		[28] = "AT_RSEQ_ALIGN", [29] = "AT_HWCAP3", [30] = "AT_HWCAP4", [31] = "AT_EXECFN",
		[32] = "AT_SYSINFO", [33] = "AT_SYSINFO_EHDR", [51] = "AT_MINSIGSTKSZ",
	};
	if (t < sizeof(names) / sizeof(*names) && names[t])
		return names[t];
	static char other[32];
	snprintf(other, sizeof(other), "0x%llx", (unsigned long long)t);
	return other;
}

/* ---- a model of the stack, for the oracle and for naming mistakes ------------ */

/* What a word of argv or envp is in the model: a pointer, never a type asked
 * for, never 0. */
#define STRING_PTR 0xffff800000000000ull

struct stack_model {
	uint64_t w[2 * MAX_STR + 2 + MAX_AUX];
	int n;
	int argc, envc;
	int aux;         /* index of the vector's first word (argv + argc + 1 + envc + 1) */
	int known;       /* 0: the judge does not know the whole layout (a guest's own stack) */
};

static void model_strings(struct stack_model *m, int argc, int envc)
{
	m->n = 0;
	m->argc = argc;
	m->envc = envc;
	for (int i = 0; i < argc; i++)
		m->w[m->n++] = STRING_PTR;
	m->w[m->n++] = 0;
	for (int i = 0; i < envc; i++)
		m->w[m->n++] = STRING_PTR;
	m->w[m->n++] = 0;
	m->aux = m->n;
}

/* A walk over the model's words: from `start`, `step` words at a time,
 * comparing w[i] with the type and answering w[i + 1]; stopping at a 0 type
 * (AT_NULL) or not; the first match or the last. */
static uint64_t walk(const struct stack_model *m, int start, int step, int stop_at_null, int last, uint64_t type)
{
	uint64_t found = 0;
	for (int i = start; i + 1 < m->n; i += step) {
		if (m->w[i] == 0 && stop_at_null)
			break;
		if (m->w[i] == type) {
			found = m->w[i + 1];
			if (!last)
				break;
		}
	}
	return found;
}

static uint64_t oracle(const struct stack_model *m, uint64_t type)
{
	return walk(m, m->aux, 2, 1, 0, type);
}

/*
 * The mistakes the judge can name: wrong walks it runs on its own model of
 * the stack. The one that gives every answer the learner's gave is the
 * mistake (checked over all the answers of a call, so that a walk that is
 * right for some types is still recognised).
 */
enum mistake { M_NONE, M_WORDS, M_LATE, M_PAST, M_LAST, M_TYPE, M_COUNT };

static int has_entry(const struct stack_model *m, uint64_t type)
{
	for (int i = m->aux; i + 1 < m->n && m->w[i] != 0; i += 2)
		if (m->w[i] == type)
			return 1;
	return 0;
}

static uint64_t mistaken(const struct stack_model *m, enum mistake k, uint64_t type)
{
	switch (k) {
	case M_WORDS: return walk(m, m->aux, 1, 1, 0, type);
	case M_LATE: return walk(m, m->aux + 1, 2, 1, 0, type);
	case M_PAST: return walk(m, m->aux, 2, 0, 0, type);
	case M_LAST: return walk(m, m->aux, 2, 1, 1, type);
	case M_TYPE: return has_entry(m, type) ? type : 0;
	default: return 0;
	}
}

static const char *const mistake_words[M_COUNT] = {
	[M_WORDS] = "your walk stepped one word at a time, so it took the value of an entry for a type (or a value "
		    "of 0 for AT_NULL): each entry is two words, a_type then a_val; step over both",
	[M_LATE] = "your walk began one word into the vector, so it read values as types: the vector begins right "
		   "after envp's NULL",
	[M_PAST] = "your walk went past AT_NULL: the vector ends at the first entry whose type is 0, and what "
		   "follows it is not entries",
	[M_LAST] = "that is the value of the last entry of that type: the first one counts (getauxval() stops "
		   "there too)",
	[M_TYPE] = "auxv_get() returned the type itself: the value is the second word of the entry (a_val), the "
		   "one after a_type",
};

#define ZERO_WORDS                                                                                              \
	"that is what a walk returns when it meets a NULL before the vector: argv[argc], which ends argv, or the " \
	"NULL that ends envp. envp begins at argv + argc + 1 (an envp taken to begin at argv + argc starts on "    \
	"argv's NULL, and its scan ends at once), and the vector one word past envp's NULL"

static enum mistake which_mistake(const struct stack_model *m, const uint64_t *ask, const uint64_t *got, int nask)
{
	if (!m->known)
		return M_NONE;
	for (int k = M_WORDS; k < M_COUNT; k++) {
		int all = 1, differs = 0;
		for (int i = 0; i < nask && all; i++) {
			all = mistaken(m, (enum mistake)k, ask[i]) == got[i];
			differs |= got[i] != oracle(m, ask[i]);
		}
		if (all && differs)
			return (enum mistake)k;
	}
	return M_NONE;
}

/* One observation per type asked: the judge's answer, from its model. */
static void expect_answers(const struct stack_model *m, const uint64_t *ask, int nask, const struct kata_reply *r,
			   const char *where)
{
	if (r->out_len < (size_t)nask * 8)
		return kata_expect_true("auxv_get() answered every type asked", 0, "the agent sent fewer answers than types");
	uint64_t got[MAX_ASK];
	for (int i = 0; i < nask; i++)
		memcpy(&got[i], r->out + 8 * i, 8);
	enum mistake k = which_mistake(m, ask, got, nask);
	/* Every answer 0: the walk found no vector at all (a NULL taken for its end). */
	int all_zero = 1;
	for (int i = 0; i < nask; i++)
		all_zero &= got[i] == 0;
	for (int i = 0; i < nask; i++) {
		uint64_t want = oracle(m, ask[i]);
		char what[96], detail[640];
		snprintf(what, sizeof(what), "auxv_get(argc, argv, %s)%s", type_name(ask[i]), where);
		if (got[i] == want) {
			kata_expect_true(what, 1, NULL);
			continue;
		}
		const char *why = k != M_NONE ? mistake_words[k] : all_zero ? ZERO_WORDS : NULL;
		if (want)
			snprintf(detail, sizeof(detail), "the vector has %s = %#llx; auxv_get() returned %#llx%s%s",
				 type_name(ask[i]), (unsigned long long)want, (unsigned long long)got[i], why ? ": " : "",
				 why ? why : "");
		else
			snprintf(detail, sizeof(detail),
				 "the vector has no %s entry, so the answer is 0; auxv_get() returned %#llx%s%s",
				 type_name(ask[i]), (unsigned long long)got[i], why ? ": " : "", why ? why : "");
		kata_expect_true(what, 0, detail);
	}
}

static void pack_u64(unsigned char *buf, size_t *len, uint64_t v)
{
	memcpy(buf + *len, &v, 8);
	*len += 8;
}

/* ---- the process's own stack ---------------------------------------------------- */

/* The number of NUL-terminated strings in /proc/<pid>/<what> (cmdline, environ). */
static int count_strings(int pid, const char *what)
{
	char path[64], buf[8192];
	snprintf(path, sizeof(path), "/proc/%d/%s", pid, what);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	int k = 0;
	for (size_t i = 0; i < n; i++)
		k += buf[i] == 0;
	return k;
}

/* The kernel's copy of the vector (natively): pairs up to and with AT_NULL. */
static int read_saved_auxv(int pid, uint64_t *w, int cap)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/auxv", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	int n = (int)fread(w, 8, (size_t)cap, f);
	fclose(f);
	for (int i = 0; i + 1 < n; i += 2)
		if (w[i] == 0)
			return i + 2;
	return -1;
}

/* "Uid:" or "Gid:" of /proc/<pid>/status: the real (0) or effective (1) id. */
static long status_id(int pid, const char *key, int which)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	long ids[2] = { -1, -1 };
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0) {
			sscanf(line + strlen(key), "%ld %ld", &ids[0], &ids[1]);
			break;
		}
	fclose(f);
	return ids[which];
}

static void add_ask(uint64_t *ask, int *n, uint64_t t)
{
	for (int i = 0; i < *n; i++)
		if (ask[i] == t)
			return;
	if (*n < MAX_ASK)
		ask[(*n)++] = t;
}

/* The agent's own stack, as it started: `nargs` and `nenv` extra strings. */
static void own_stack(int nargs, int nenv)
{
	static char store[2 * MAX_STR][48];
	const char *args[MAX_STR + 1] = { 0 }, *env[MAX_STR + 1] = { 0 };
	for (int i = 0; i < nargs + nenv; i++) {
		char *s = store[i];
		int len = (int)kata_rand_range(1, 40), k = 0;
		if (i >= nargs)
			k = snprintf(s, 20, "KATA_AUXV_%d=", i - nargs);
		while (k < len)
			s[k++] = (char)('a' + kata_rand_range(0, 25));
		s[k] = 0;
		if (i < nargs)
			args[i] = s;
		else
			env[i - nargs] = s;
	}
	if (nargs || nenv) {
		kata_agent_start_with(args, env);
		kata_note("the agent started with %d more argument%s and %d more environment string%s than usual", nargs,
			  nargs == 1 ? "" : "s", nenv, nenv == 1 ? "" : "s");
	}
	int pid = kata_agent_pid(); /* starts it: nothing of yours has run yet */
	struct stack_model m = { .known = 0 };
	uint64_t ask[MAX_ASK];
	int nask = 0;
	if (!kata_emulated()) {
		int argc = count_strings(pid, "cmdline"), envc = count_strings(pid, "environ");
		uint64_t aux[MAX_AUX];
		int naux = read_saved_auxv(pid, aux, MAX_AUX);
		if (argc < 1 || envc < 0 || naux < 2)
			kata_setup_failed("reading the agent's /proc/<pid>/cmdline, environ and auxv");
		if (argc > MAX_STR || envc > MAX_STR)
			kata_setup_failed("the agent has more strings than the judge's model of its stack holds");
		model_strings(&m, argc, envc);
		memcpy(m.w + m.n, aux, 8ull * (size_t)naux);
		m.n += naux;
		m.known = 1;
		uint64_t ehdr = oracle(&m, 33), vdso = kata_agent_vdso_base();
		if (ehdr != vdso)
			kata_setup_failed("the agent's AT_SYSINFO_EHDR (/proc/<pid>/auxv) is not its [vdso] mapping");
		kata_note("the kernel's copy of the vector (/proc/<agent>/auxv): %d entries; AT_SYSINFO_EHDR = 0x%llx, "
			  "the start of [vdso] in /proc/<agent>/maps; argc %d, %d environment strings",
			  naux / 2 - 1, (unsigned long long)ehdr, argc, envc);
		/* The ones worth knowing first, then every other the kernel wrote, then types it did not. */
		static const uint64_t first[] = { 33, 6, 9, 11, 25, 16, 31 };
		for (size_t i = 0; i < sizeof(first) / sizeof(*first); i++)
			add_ask(ask, &nask, first[i]);
		for (int i = 0; i + 2 < naux; i += 2)
			add_ask(ask, &nask, aux[i]);
	} else {
		/* qemu writes the guest's vector itself (linux-user/elfload.c,
		 * create_elf_tables): the judge knows a few of its values from
		 * outside, and lays them out as a vector whose other entries it
		 * does not know; the guest's layout is not modelled. */
		uint64_t aux[16];
		int naux = 0;
		if (sysconf(_SC_PAGESIZE) == 4096) { /* TARGET_PAGE_SIZE, or the host's when larger */
			aux[naux++] = 6;
			aux[naux++] = 4096;
		}
		aux[naux++] = 4; /* AT_PHENT: sizeof(Elf64_Phdr) */
		aux[naux++] = 56;
		static const char *const keys[] = { "Uid:", "Uid:", "Gid:", "Gid:" };
		for (int i = 0; i < 4; i++) {
			long id = status_id(pid, keys[i], i & 1);
			if (id < 0)
				kata_setup_failed("reading the agent's /proc/<pid>/status");
			aux[naux++] = (uint64_t)(11 + i); /* AT_UID, AT_EUID, AT_GID, AT_EGID: qemu passes its own */
			aux[naux++] = (uint64_t)id;
		}
		aux[naux++] = 0;
		aux[naux++] = 0;
		model_strings(&m, 0, 0);
		memcpy(m.w + m.n, aux, 8ull * (size_t)naux);
		m.n += naux;
		for (int i = 0; i + 2 < naux; i += 2)
			add_ask(ask, &nask, aux[i]);
		kata_note("under qemu the vector is qemu's work and /proc/<agent>/auxv is qemu's own: the judge checks "
			  "the page size, the ids qemu passes on and AT_PHENT, and types that are absent");
	}
	add_ask(ask, &nask, 0x7777); /* no such type */
	add_ask(ask, &nask, 2); /* AT_EXECFD: only for a program started through binfmt_misc */
	if (oracle(&m, 1) == 0)
		add_ask(ask, &nask, 1); /* AT_IGNORE: neither the kernel nor qemu writes one */
	unsigned char req[8 * MAX_ASK];
	size_t len = 0;
	for (int i = 0; i < nask; i++)
		pack_u64(req, &len, ask[i]);
	struct kata_args a = { .in = req, .in_len = len, .out_cap = 8ull * (size_t)nask };
	const struct kata_reply *r = kata_call("own", &a);
	expect_answers(&m, ask, nask, r, "");
}

static void as_started(void)
{
	own_stack(0, 0);
}

static void arguments(void)
{
	own_stack((int)kata_rand_range(1, 6), (int)kata_rand_range(1, 9));
}

/* ---- stacks the judge lays out ------------------------------------------------------- */

/*
 * Request (agent.c): argc, envc, the vector's words, the types; then the
 * argc + envc strings. The agent lays out argv (pointers to its copies of
 * the strings), NULL, envp, NULL, the vector's words, and asks auxv_get()
 * for each type with that argc and argv.
 */
static void built_stack(int argc, int envc)
{
	struct stack_model m;
	model_strings(&m, argc, envc);
	m.known = 1;
	/* Types a program meets, each once, in a shuffled order, with values of
	 * every size; AT_IGNORE entries among them. */
	uint64_t pool[] = { 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 16, 17, 23, 25, 26, 31, 33, 51 };
	int npool = (int)(sizeof(pool) / sizeof(*pool));
	for (int i = npool - 1; i > 0; i--) {
		int j = (int)kata_rand_range(0, (uint64_t)i);
		uint64_t t = pool[i];
		pool[i] = pool[j];
		pool[j] = t;
	}
	int ntypes = (int)kata_rand_range(8, 14);
	uint64_t *aux = m.w + m.n;
	int na = 0;
	/* Trap 1: the first entry's value is the type of a later one: a walk
	 * one word at a time takes it for that type. */
	uint64_t later = pool[(int)kata_rand_range(1, (uint64_t)ntypes - 1)];
	for (int i = 0; i < ntypes; i++) {
		uint64_t v;
		switch (kata_rand_range(0, 3)) {
		case 0: v = kata_rand_range(0, 64); break;
		case 1: v = kata_rand_range(0x1000, 0xffffffff); break;
		default: v = kata_rand() | 1; break;
		}
		if (i == 0)
			v = later;
		aux[na++] = pool[i];
		aux[na++] = v == pool[i] ? v + 100 : v;
		if (kata_rand_range(0, 3) == 0) {
			aux[na++] = 1; /* AT_IGNORE */
			aux[na++] = kata_rand();
		}
	}
	/* Trap 2: a type again, with another value: the first one counts. */
	uint64_t twice = pool[(int)kata_rand_range(0, (uint64_t)ntypes - 1)];
	m.n += na;
	uint64_t again = oracle(&m, twice) ^ (kata_rand_range(1, 0xffff) << 16);
	m.n -= na;
	aux[na++] = twice;
	aux[na++] = again;
	aux[na++] = 0; /* AT_NULL */
	aux[na++] = 0;
	/* Trap 3: entries past AT_NULL, of a type no entry before it has. */
	aux[na++] = 0x7777;
	aux[na++] = 0xdeadbeef0000ull + kata_rand_range(1, 0xffff);
	aux[na++] = 0x7778;
	aux[na++] = 0;
	m.n += na;

	uint64_t ask[MAX_ASK];
	int nask = 0;
	for (int i = 0; i < ntypes; i++)
		add_ask(ask, &nask, pool[i]);
	add_ask(ask, &nask, 0x7777);
	add_ask(ask, &nask, pool[ntypes]); /* in the pool, not in this vector */
	add_ask(ask, &nask, 2);

	unsigned char req[8 * (4 + MAX_AUX + MAX_ASK) + 2 * MAX_STR * 24];
	size_t len = 0;
	pack_u64(req, &len, (uint64_t)argc);
	pack_u64(req, &len, (uint64_t)envc);
	pack_u64(req, &len, (uint64_t)na);
	pack_u64(req, &len, (uint64_t)nask);
	for (int i = 0; i < na; i++)
		pack_u64(req, &len, aux[i]);
	for (int i = 0; i < nask; i++)
		pack_u64(req, &len, ask[i]);
	for (int i = 0; i < argc + envc; i++) {
		int n = (int)kata_rand_range(1, 20), k = 0;
		char s[24];
		if (i >= argc)
			k = snprintf(s, sizeof(s), "E%d=", i - argc);
		while (k < n)
			s[k++] = (char)('a' + kata_rand_range(0, 25));
		s[k] = 0;
		memcpy(req + len, s, (size_t)k + 1);
		len += (size_t)k + 1;
	}
	kata_note("a stack laid out by the judge: argc %d, %d environment string%s, %d vector entries (with %s twice, "
		  "an entry whose value is %s, and two more entries after AT_NULL)",
		  argc, envc, envc == 1 ? "" : "s", na / 2 - 3, type_name(twice), type_name(later));
	struct kata_args a = { .in = req, .in_len = len, .out_cap = 8ull * (size_t)nask };
	const struct kata_reply *r = kata_call("built", &a);
	char where[64];
	snprintf(where, sizeof(where), " on a stack with argc %d and %d environment strings", argc, envc);
	expect_answers(&m, ask, nask, r, where);
}

static void built(void)
{
	/* No environment at all; an odd number of strings; an even one. */
	built_stack((int)kata_rand_range(1, 6), 0);
	built_stack((int)kata_rand_range(1, 6), 2 * (int)kata_rand_range(0, 4) + 1);
	built_stack((int)kata_rand_range(1, 6), 2 * (int)kata_rand_range(1, 4));
}

const struct kata_case kata_cases[] = {
	{ "as-started", as_started, 0 },
	{ "arguments", arguments, 0 },
	{ "built", built, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
