/*
 * Driver for vdso-find: vdso_find() returns what AT_SYSINFO_EHDR says the
 * vDSO is, once its ELF identity holds, and NULL otherwise.
 *
 * The agent (agent.c) puts in AT_SYSINFO_EHDR what the case asks, before the
 * learner's first call in a fresh agent: nothing (the kernel's own vDSO,
 * checked against the [vdso] line of /proc/<agent>/maps), a valid test image
 * mapped at a fresh address, 0 with the kernel's image unmapped, or a copy of
 * a test image with one field of its identity spoiled (kata_image_damage).
 */
#include "kata.h"
#include "kata-vdso.h"

#include <stdio.h>
#include <string.h>

/* What the agent does before calling vdso_find() (arg[3]); agent.c agrees. */
enum { FIND_LIVE = 0, FIND_IMAGE = 1, FIND_HIDE = 2 };

/* The agent's architecture (qemu runs the other one). */
static int agent_is_x86(void)
{
	return strcmp(kata_vdso_prefix(), "__vdso_") == 0;
}

/* For an image or none, a fresh agent, started with the vDSO asked for (kata_agent_vdso_*: set up by
 * the runtime before any code of yours runs), and one call of vdso_find().
 * ret[0] = what its AT_SYSINFO_EHDR holds, ret[1] = what vdso_find() returned. */
static const struct kata_reply *call_find(int how, struct kata_image *img, uint64_t want)
{
	if (how == FIND_IMAGE)
		kata_agent_vdso_image(img, want);
	else if (how == FIND_HIDE)
		kata_agent_vdso_none(); /* FIND_LIVE: the case's agent, with the kernel's */
	struct kata_args a = { .arg = { 0 } };
	const struct kata_reply *r = kata_call("find", &a);
	if (how == FIND_IMAGE)
		kata_image_expect_mapped(img, r->ret[0]);
	return r;
}

static void live(void)
{
	char detail[256];
	if (kata_emulated()) {
		/* The judge cannot see a guest's memory map: what qemu put in the
		 * guest's AT_SYSINFO_EHDR is what agent.c read there, before any
		 * code of yours ran in this process. qemu 7 puts nothing there. */
		kata_note("under qemu: the guest's vDSO is what qemu put in its AT_SYSINFO_EHDR (qemu 7 gives its guests "
			  "none, so NULL)");
		const struct kata_reply *r = call_find(FIND_LIVE, NULL, 0);
		uint64_t got = (uint64_t)r->ret[1], want = (uint64_t)r->ret[0];
		snprintf(detail, sizeof(detail), "AT_SYSINFO_EHDR is 0x%llx under qemu; vdso_find() returned 0x%llx",
			 (unsigned long long)want, (unsigned long long)got);
		return kata_expect_true(want ? "vdso_find() returns the guest's vDSO" : "vdso_find() returns NULL: this qemu gives its guests no vDSO",
					got == want, got == want ? NULL : detail);
	}
	uint64_t base = kata_agent_vdso_base(); /* starts the agent: read before any code of yours runs */
	if (!base)
		kata_note("this kernel gave the agent no vDSO (no [vdso] line in /proc/<agent>/maps: booted with vdso=0?)");
	else
		kata_note("the agent's vDSO: the [vdso] line of /proc/<agent>/maps starts at 0x%llx", (unsigned long long)base);
	const struct kata_reply *r = call_find(FIND_LIVE, NULL, 0);
	uint64_t got = (uint64_t)r->ret[1];
	if (got == base)
		return kata_expect_true("vdso_find() returns the start of the agent's [vdso] mapping", 1, NULL);
	if (!base)
		snprintf(detail, sizeof(detail), "the agent has no vDSO, yet vdso_find() returned 0x%llx", (unsigned long long)got);
	else if (!got)
		snprintf(detail, sizeof(detail),
			 "the kernel's vDSO is at 0x%llx, and AT_SYSINFO_EHDR says so, but vdso_find() returned NULL: "
			 "getauxval(AT_SYSINFO_EHDR) gives that address, and the kernel's image passes every identity check",
			 (unsigned long long)base);
	else
		snprintf(detail, sizeof(detail), "the [vdso] mapping starts at 0x%llx; vdso_find() returned 0x%llx",
			 (unsigned long long)base, (unsigned long long)got);
	kata_expect_true("vdso_find() returns the start of the agent's [vdso] mapping", 0, detail);
}

static void moved(void)
{
	struct kata_image *img = kata_image_load(KATA_IMAGE_BOTH);
	uint64_t want = kata_image_address();
	kata_note("AT_SYSINFO_EHDR set to 0x%llx: a valid test image (64-bit, little-endian, for this machine) mapped there",
		  (unsigned long long)want);
	const struct kata_reply *r = call_find(FIND_IMAGE, img, want);
	uint64_t at = (uint64_t)r->ret[0], got = (uint64_t)r->ret[1];
	if (at != want)
		kata_note("(qemu kept that range: the image is at 0x%llx instead)", (unsigned long long)at);
	char detail[320];
	if (got == at)
		return kata_expect_true("vdso_find() returns what AT_SYSINFO_EHDR says", 1, NULL);
	if (!got)
		snprintf(detail, sizeof(detail),
			 "AT_SYSINFO_EHDR holds 0x%llx and the image there is a valid ELF header for this machine "
			 "(\\x7fELF, ELFCLASS64, ELFDATA2LSB, e_machine %s), but vdso_find() returned NULL: read the "
			 "address from the auxiliary vector (getauxval), and check only the identity of what is there",
			 (unsigned long long)at, agent_is_x86() ? "EM_X86_64 (62)" : "EM_AARCH64 (183)");
	else
		snprintf(detail, sizeof(detail),
			 "AT_SYSINFO_EHDR holds 0x%llx; vdso_find() returned 0x%llx: the vDSO is wherever the auxiliary "
			 "vector says, never at an address known in advance",
			 (unsigned long long)at, (unsigned long long)got);
	kata_expect_true("vdso_find() returns what AT_SYSINFO_EHDR says", 0, detail);
}

static void absent(void)
{
	kata_note("AT_SYSINFO_EHDR set to 0%s, as in a process without a vDSO (a kernel booted with vdso=0): "
		  "getauxval(AT_SYSINFO_EHDR) returns 0",
		  kata_emulated() ? "" : " and the kernel's image unmapped");
	const struct kata_reply *r = call_find(FIND_HIDE, NULL, 0);
	uint64_t got = (uint64_t)r->ret[1];
	char detail[256];
	snprintf(detail, sizeof(detail),
		 "getauxval(AT_SYSINFO_EHDR) is 0: this process has no vDSO, and vdso_find() returned 0x%llx",
		 (unsigned long long)got);
	kata_expect_true("vdso_find() returns NULL when AT_SYSINFO_EHDR is 0", got == 0, got == 0 ? NULL : detail);
}

static void damaged(enum kata_image_damage what)
{
	struct kata_image *img = kata_image_load(KATA_IMAGE_BOTH);
	const char *damage = kata_image_damage(img, what);
	uint64_t want = kata_image_address();
	kata_note("AT_SYSINFO_EHDR set to 0x%llx: a test image whose identity is spoiled: %s", (unsigned long long)want, damage);
	const struct kata_reply *r = call_find(FIND_IMAGE, img, want);
	uint64_t at = (uint64_t)r->ret[0], got = (uint64_t)r->ret[1];
	if (at != want)
		kata_note("(qemu kept that range: the image is at 0x%llx instead)", (unsigned long long)at);
	char detail[512];
	if (got == at)
		snprintf(detail, sizeof(detail),
			 "the image at 0x%llx is no vDSO this process can use: %s. vdso_find() returned it, and a parser "
			 "that trusted it would misread every header after this one: check the identity and return NULL",
			 (unsigned long long)at, damage);
	else
		snprintf(detail, sizeof(detail),
			 "the image at 0x%llx is no vDSO this process can use (%s), and vdso_find() returned 0x%llx, "
			 "not even its address: it must return NULL",
			 (unsigned long long)at, damage, (unsigned long long)got);
	kata_expect_true("vdso_find() returns NULL for an image whose identity is wrong", got == 0, got == 0 ? NULL : detail);
}

/* Each of the four magic bytes spoilt in turn, each in a fresh agent. */
static void not_elf(void)
{
	for (int k = 0; k < 4; k++)
		damaged(KATA_DAMAGE_MAGIC); /* call_find() starts a fresh agent for each */
}

static void wrong_class(void)
{
	damaged(KATA_DAMAGE_CLASS);
}

static void wrong_endian(void)
{
	damaged(KATA_DAMAGE_DATA);
}

static void wrong_machine(void)
{
	damaged(KATA_DAMAGE_MACHINE);
}

const struct kata_case kata_cases[] = {
	{ "live", live, 0 },
	{ "moved", moved, 0 },
	{ "absent", absent, 0 },
	{ "not-elf", not_elf, 0 },
	{ "wrong-class", wrong_class, 0 },
	{ "wrong-endian", wrong_endian, 0 },
	{ "wrong-machine", wrong_machine, 0 },
	{ 0 },
};
const struct kata_bench kata_benches[] = { { 0 } };
const struct kata_count kata_counts[] = { { 0 } };
