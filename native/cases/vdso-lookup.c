/*
 * The judge's side of the vDSO lookup katas (vdso-hash, vdso-gnu-hash,
 * vdso-version): ask the learner's lookup for names in a test image the judge
 * has rearranged, mapped at a fresh address, or in the agent's own vDSO, and
 * check every answer against the judge's lookup (kata-vdso.h), which names
 * the mistake when it recognises the wrong answer.
 */
#include "kata.h"
#include "kata-vdso.h"

#include <stdio.h>
#include <string.h>

#define LOOKUP_NAMES 24

struct lookup_names {
	const char *name[LOOKUP_NAMES];
	char storage[LOOKUP_NAMES][48];
	int n;
};

static void add_name(struct lookup_names *l, const char *fmt, const char *a, const char *b)
{
	if (l->n == LOOKUP_NAMES)
		return;
	snprintf(l->storage[l->n], sizeof(l->storage[0]), fmt, a, b);
	l->name[l->n] = l->storage[l->n];
	l->n++;
}

/* The vDSO's names, and near misses that are not there: a prefix, a longer
 * name, the same name without the prefix (the x86-64 vDSO has that one too). */
static void vdso_names(struct lookup_names *l, int live)
{
	const char *pre = kata_vdso_prefix(), *clock = kata_vdso_clock_name();
	add_name(l, "%s%s", clock, "");
	add_name(l, "%s%s", pre, "gettimeofday");
	add_name(l, "%s%s", pre, "clock_getres");
	if (pre[2] == 'v') { /* x86-64 */
		add_name(l, "%s%s", pre, "time");
		add_name(l, "%s%s", pre, "getcpu");
	} else {
		add_name(l, "%s%s", pre, "rt_sigreturn");
	}
	add_name(l, "%s%s", pre, "clock_gettim");   /* a prefix of a name */
	add_name(l, "%s%s", clock, "64");           /* longer than a name */
	add_name(l, "%s%s", pre, "getpid");         /* a syscall the vDSO cannot serve */
	if (live)
		add_name(l, "%s%s", "clock_gettime", ""); /* x86-64's alias; absent on ARM64 */
}

/* The request: the version ("" for none), then the names. */
static size_t pack_names(unsigned char *buf, size_t cap, const char *version, const struct lookup_names *l)
{
	size_t n = 0;
	const char *v = version ? version : "";
	for (int i = -1; i < l->n; i++) {
		const char *s = i < 0 ? v : l->name[i];
		size_t k = strlen(s) + 1;
		if (n + k > cap)
			break;
		memcpy(buf + n, s, k);
		n += k;
	}
	return n;
}

static uint64_t got_at(const struct kata_reply *r, int i)
{
	uint64_t v = 0;
	if ((size_t)(i + 1) * 8 <= r->out_len)
		memcpy(&v, r->out + 8 * i, 8);
	return v;
}

static const char *variant_words(enum kata_image_variant v)
{
	switch (v) {
	case KATA_IMAGE_SYSV: return "DT_HASH only";
	case KATA_IMAGE_GNU: return "DT_GNU_HASH only";
	case KATA_IMAGE_BOTH: return "DT_HASH and DT_GNU_HASH";
	case KATA_IMAGE_SYSV_TWO: return "DT_HASH only, the clock at two versions";
	case KATA_IMAGE_GNU_TWO: return "DT_GNU_HASH only, the clock at two versions";
	default: return "";
	}
}

struct lookup_plan {
	enum kata_image_variant variant;
	int trap_linear;         /* decoys a walk over the symbol table finds */
	int trap_bloom;          /* a name the bloom filter rules out: 1 by its first bit, 2 by its second */
	int trap_chain_end;      /* a name filed in a later bucket's run */
	int wrong_version_first; /* the clock at the wrong version first in its chain */
	int right_version_first; /* the clock at the kernel's version first in its chain */
	const char *version;     /* what the learner's lookup is asked for (NULL: none) */
	const char *extra;       /* one more name to ask for */
};

static void expect_all(const struct kata_reply *r, const struct kata_image *img, const char *version,
		       const struct lookup_names *l, uint64_t base, const char *where)
{
	if (r->out_len < (size_t)l->n * 8)
		return kata_expect_true("the lookup answered every name", 0, "the agent sent fewer answers than names");
	for (int i = 0; i < l->n; i++) {
		char what[160];
		if (version)
			snprintf(what, sizeof(what), "lookup(\"%s\", \"%s\") %s", version, l->name[i], where);
		else
			snprintf(what, sizeof(what), "lookup(\"%s\") %s", l->name[i], where);
		kata_expect_symbol(what, img, version, l->name[i], base, got_at(r, i));
	}
}

/*
 * Near misses that a lookup meets on its way: a prefix of a real name, or a
 * real name with more after it, hashed into the same chain as that name in
 * each of the image's tables. A lookup that compares only a prefix (either
 * way round) finds the real symbol for them; the answer is NULL.
 */
static void near_misses(const struct kata_image *img, struct lookup_names *l)
{
	static const char *tails[] = { "s", "x", "2", "_", "64", "_r", "ns", "at" };
	const char *real[3] = { kata_vdso_clock_name(), NULL, NULL };
	char buf[2][48];
	snprintf(buf[0], sizeof(buf[0]), "%sgettimeofday", kata_vdso_prefix());
	snprintf(buf[1], sizeof(buf[1]), "%sclock_getres", kata_vdso_prefix());
	real[1] = buf[0];
	real[2] = buf[1];
	for (int table = 1; table <= 2; table++) {
		int found_prefix = 0, found_longer = 0;
		for (int r = 0; r < 3; r++) {
			size_t len = strlen(real[r]);
			for (size_t cut = 1; cut <= 8 && !found_prefix; cut++) {
				char cand[48];
				snprintf(cand, sizeof(cand), "%.*s", (int)(len - cut), real[r]);
				if ((kata_image_same_chain(img, cand, real[r]) & table) && kata_image_lookup(img, NULL, cand) < 0) {
					add_name(l, "%s%s", cand, "");
					found_prefix = 1;
				}
			}
			for (size_t t = 0; t < sizeof(tails) / sizeof(*tails) && !found_longer; t++) {
				char cand[48];
				snprintf(cand, sizeof(cand), "%s%s", real[r], tails[t]);
				if ((kata_image_same_chain(img, cand, real[r]) & table) && kata_image_lookup(img, NULL, cand) < 0) {
					add_name(l, "%s%s", cand, "");
					found_longer = 1;
				}
			}
		}
	}
}

static void lookup_in_image(const struct lookup_plan *p)
{
	struct kata_image *img = kata_image_load(p->variant);
	kata_image_shuffle_values(img); /* no answer can be remembered from the course's image */
	kata_image_shuffle_dynamic(img);
	kata_image_renumber_versions(img);
	const char *clock = kata_vdso_clock_name();
	if (p->trap_linear)
		kata_image_trap_linear_scan(img, clock);
	const char *misfiled = p->trap_chain_end ? kata_image_trap_chain_end(img) : NULL;
	const char *unlisted = p->trap_bloom ? kata_image_trap_bloom(img, p->trap_bloom == 2) : NULL;
	if (p->wrong_version_first)
		kata_image_wrong_version_first(img);
	if (p->right_version_first)
		kata_image_right_version_first(img);
	struct lookup_names l = { .n = 0 };
	vdso_names(&l, 0);
	if (unlisted)
		add_name(&l, "%s%s", unlisted, "");
	if (unlisted || misfiled) {
		/* Names like the traps' that are there (or not: the oracle says), so that
		 * no answer can be made from the shape of a trap's name. */
		char other[40];
		snprintf(other, sizeof(other), "%s%d_unlisted", kata_vdso_prefix(), (int)kata_rand_range(0, 7));
		add_name(&l, "%s%s", other, "");
	}
	if (misfiled)
		add_name(&l, "%s%s", misfiled, "");
	if (p->extra)
		add_name(&l, "%s%s", p->extra, "");
	near_misses(img, &l);
	unsigned char req[1024];
	size_t len = pack_names(req, sizeof(req), p->version, &l);
	uint64_t want = kata_image_address();
	struct kata_args a = { .arg = { (int64_t)kata_image_size(img), (int64_t)want, kata_emulated() },
			       .fd = { kata_image_fd(img) }, .nfd = 1, .in = req, .in_len = len,
			       .out_cap = (size_t)l.n * 8 };
	const struct kata_reply *r = kata_call("lookup", &a);
	kata_image_expect_mapped(img, r->ret[0]);
	uint64_t base = (uint64_t)r->ret[0];
	char order[96] = "", asked[80] = "";
	if (p->wrong_version_first || p->right_version_first)
		snprintf(order, sizeof(order), "; in the clock's chain, its definition at %s comes first",
			 p->wrong_version_first ? KATA_IMAGE_WRONG_VERSION : kata_vdso_version());
	if (p->version)
		snprintf(asked, sizeof(asked), "; every name asked for at version %s", p->version);
	kata_note("a test image (%s), linked at 0x%x and mapped at 0x%llx%s%s%s%s%s", variant_words(p->variant),
		  KATA_IMAGE_LINK_ADDRESS, (unsigned long long)base,
		  p->trap_linear ? "; its symbol table also has entries the hash does not lead to" : "",
		  unlisted ? "; its bloom filter leaves one name out" : "",
		  misfiled ? "; one name stands in another bucket's run" : "", order, asked);
	char where[64];
	snprintf(where, sizeof(where), "in the image at 0x%llx", (unsigned long long)base);
	expect_all(r, img, p->version, &l, base, where);
}

/* The agent's own vDSO: the kernel's image, at the address its AT_SYSINFO_EHDR
 * gives. The answers are checked against glibc's lookup in the judge's own
 * process (dlvsym), which has the same image at another address. */
static void lookup_live(const char *version)
{
	if (kata_emulated()) {
		kata_note("qemu gives its guests no vDSO: under emulation this kata's test images stand in for it");
		return kata_expect_true("lookup in the agent's own vDSO (none under qemu)", 1, NULL);
	}
	struct kata_image *live = kata_image_live();
	struct lookup_names l = { .n = 0 };
	vdso_names(&l, 1);
	/* The judge's two lookups agree, or the harness is wrong. */
	for (int i = 0; i < l.n; i++)
		if (kata_image_lookup(live, version ? version : NULL, l.name[i]) !=
		    kata_live_vdso_lookup(version ? version : kata_vdso_version(), l.name[i]))
			kata_setup_failed("the judge's vDSO lookup disagrees with glibc's dlvsym");
	unsigned char req[1024];
	size_t len = pack_names(req, sizeof(req), version, &l);
	struct kata_args a = { .in = req, .in_len = len, .out_cap = (size_t)l.n * 8 };
	const struct kata_reply *r = kata_call("lookup", &a);
	uint64_t base = kata_agent_vdso_base();
	kata_note("the agent's vDSO, at 0x%llx ([vdso] in /proc/<agent>/maps)", (unsigned long long)base);
	kata_expect_i64("the base the agent's AT_SYSINFO_EHDR gives (its [vdso] mapping)", (long long)base, r->ret[0]);
	expect_all(r, live, version, &l, base, "in the agent's vDSO");
}
